"""The volume report laid out into files: Markdown, Word, one chart per main series and the Excel annex."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..model.period import månadsnamn
from ..model.table import Diagram, Tabellvy
from ..output import atomisk_mapp
from ..reports.preliminar import preliminär_text
from ..reports.volymer import Volymavsnitt, Volymrapport
from . import utan_skräpsamling
from .markdown import rendera

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

    from ..reports.kolada import KoladaJämförelse


def rapportnamn(r: Volymrapport, preliminär: list[str] | None = None) -> str:
    """'Volymer t.o.m. februari 2025', or 'Preliminära volymer t.o.m. mars 2025'."""
    namn = f"t.o.m. {månadsnamn(r.månad)} {r.år}"
    return f"Preliminära volymer {namn}" if preliminär else f"Volymer {namn}"


def _preliminär(r: Volymrapport, preliminär: list[str] | None) -> str:
    return preliminär_text(r.år, r.månad, preliminär) if preliminär else ""


def volym_markdown(r: Volymrapport, nämnd: str = "", kommentarer: dict[str, str] | None = None, mallmapp: Path | None = None,
                   preliminär: list[str] | None = None) -> str:
    """The Markdown report; `preliminär` (the reasons the month is not closed) marks title and first paragraph."""
    return rendera("volymrapport.md.j2", {
        "rapportnamn": rapportnamn(r, preliminär), "preliminär": _preliminär(r, preliminär),
        "nämnd": nämnd, "år": r.år, "månad": r.månad, "månadsnamn": månadsnamn(r.månad), "period": r.period.text,
        "avsnitt": r.avsnitt, "varningar": r.varningar, "maskering": r.maskering, "kommentarer": {k.lower(): v for k, v in (kommentarer or {}).items()},
    }, mallmapp)


@utan_skräpsamling()
def skriv_volymrapport(r: Volymrapport, ut: str | Path, nämnd: str = "", kommentarer: dict[str, str] | None = None,
                       mallmapp: Path | None = None, preliminär: list[str] | None = None,
                       kolada: KoladaJämförelse | None = None, publik: Volymrapport | None = None) -> list[Path]:
    """Write the volume report (Markdown), its charts and the Excel annex into `ut`, atomically.

    `preliminär`: the reasons the month is not closed; every output then says Preliminär. `kolada`: the
    comparison with other municipalities, appended as a last section (render/kolada.py). `publik`: the
    public version of `r` (reports.maskering.maskera): it is written under the usual names and `r` beside
    it with '_intern' before each extension (volymrapport_2025-02_intern.docx, …_intern.png)."""
    from ..reports.maskering import till_intern

    written: list[str] = []
    with atomisk_mapp(ut) as stage:
        if publik is not None:
            written += _skriv(publik, stage, nämnd, kommentarer, mallmapp, preliminär, kolada)
            written += _skriv(till_intern(r), stage, nämnd, kommentarer, mallmapp, preliminär, kolada, "_intern")
        else:
            written += _skriv(r, stage, nämnd, kommentarer, mallmapp, preliminär, kolada)
    return [Path(ut) / n for n in written]


def _skriv(r: Volymrapport, stage: Path, nämnd: str, kommentarer: dict[str, str] | None, mallmapp: Path | None,
           preliminär: list[str] | None, kolada: KoladaJämförelse | None, tillägg: str = "") -> list[str]:
    """One version's files into the staging folder; `tillägg` ('_intern') goes before each extension."""
    from .annex import skriv_vyer
    from .charts import linjediagram_per_månad, stapeldiagram_jämförelse
    from .word import mallsökväg, rendera_word

    stam = r.period.stam + tillägg
    rapport, bilaga, word = (f"volymrapport_{stam}.md", f"bilaga_volymrapport_{stam}.xlsx",
                             f"volymrapport_{stam}.docx")
    text = volym_markdown(r, nämnd, kommentarer, mallmapp, preliminär)
    if kolada is not None:
        from . import kolada as kolada_  # only with a comparison: it imports urllib's HTTP client

        text = text.rstrip("\n") + "\n\n" + kolada_.kolada_markdown(kolada, avsnitt=True, mallmapp=mallmapp)
    written = [rapport, bilaga, word]
    (stage / rapport).write_text(text, encoding="utf-8")
    for a in r.avsnitt:
        for d in a.diagram:
            if d.typ == "linje":  # counts and volumes: the y axis from 0, with the unit
                linjediagram_per_månad(d.data, d.titel, d.enhet, stage / d.filnamn, decimaler=0, nollinje=False,
                                       från_noll=True, **({"fotnot": d.fotnot} if d.fotnot else {}))
            else:
                stapeldiagram_jämförelse(d.data, d.titel, stage / d.filnamn, d.enhet,
                                         **({"fotnot": d.fotnot} if d.fotnot else {}))
            written.append(d.filnamn)
    if kolada is not None and not tillägg:  # the Kolada charts once, shared by both versions
        written += kolada_.rita_koladadiagram(kolada, stage)
    info = {"Rapport": rapportnamn(r, preliminär)}
    if preliminär:
        info["Status"] = _preliminär(r, preliminär)
    if r.maskering:
        info["Publik version"] = r.maskering
    elif tillägg:
        info["Intern version"] = "omaskerad; lämnas inte ut (den publika versionen har samma namn utan _intern)"
    info |= {"Nämnd": nämnd,
             "Underlag": ", ".join(dict.fromkeys(k for a in r.avsnitt for k in a.källa.split(", "))),
             "Beräkning": "flöden och resultat summeras över perioden, bestånd och andelar är medelvärden per "
                          "månad, takter medelvärden per dag (se bladet Serier)"}
    if r.anteckningar:
        info["Tolkningar"] = "; ".join(r.anteckningar)
    if kolada is not None:
        info |= kolada_.info(kolada)
    skriv_vyer(r.bilagetabeller + (kolada.tabeller if kolada else []), info, stage / bilaga)
    rendera_word(mallsökväg("volymrapport.docx", mallmapp),
                 lambda doc: volym_word_kontext(r, doc, stage, nämnd, kommentarer, preliminär, bilaga, kolada),
                 stage / word)
    return written


VARAV = re.compile(r"^\s*[-–]?\s*varav\b", re.IGNORECASE)
RADER_PÅ_SIDAN = 20  # a main table with more rows shows its varav rows only in the annex (and Markdown)
DIAGRAMHÖJD = (4.5, 8.4)  # cm: the chart shrinks to leave room for a long table, 16:9


def nämndsida(a: Volymavsnitt) -> tuple[Tabellvy | None, Diagram | None, bool]:
    """What the Word report shows of an area: its main table and one chart (the report marks them, else the
    first table and the first line chart). A main table longer than RADER_PÅ_SIDAN rows leaves out its varav
    rows; the third value says whether it did."""
    tabell = next((t for t in a.tabeller if t.huvudtabell), a.tabeller[0] if a.tabeller else None)
    linjer = [d for d in a.diagram if d.typ == "linje"] or a.diagram
    diagram = next((d for d in a.diagram if d.huvuddiagram), linjer[0] if linjer else None)
    if tabell is not None and len(tabell.data) > RADER_PÅ_SIDAN:
        behåll = [i for i, e in enumerate(tabell.data.iloc[:, 0].astype(str)) if not VARAV.match(e) and e not in a.varav]
        if len(behåll) < len(tabell.data):
            return tabell.urval(behåll), diagram, True
    return tabell, diagram, False


def sammanfattning(r: Volymrapport) -> Tabellvy | None:
    """The summary on the first page: each area's main series (those with a chart) from its main table,
    with the area first. None for a single area (its page says it all) or when the areas' main tables do not
    have the same columns."""
    if len(r.avsnitt) < 2:
        return None
    delar = []
    for a in r.avsnitt:
        tabell, _, _ = nämndsida(a)
        if tabell is None:
            continue
        serier = {d.titel for d in a.diagram if d.typ == "linje"}
        rader = [i for i, e in enumerate(tabell.data.iloc[:, 0].astype(str)) if e in serier]
        if rader:
            delar.append((a.område, tabell.urval(rader)))
    if not delar or any(list(v.data.columns) != list(delar[0][1].data.columns) for _, v in delar):
        return None
    data = pd.concat([v.data.assign(**{"Område": område}) for område, v in delar], ignore_index=True)
    kolumner = list(delar[0][1].data.columns)
    data = data[["Område", *kolumner]]
    format_: dict[tuple[int, str], str] = {}
    k = 0
    for _, v in delar:
        for i in range(len(v.data)):
            format_ |= {(k, c): v.format(i, c) for c in kolumner}
            format_[(k, "Område")] = "text"
            k += 1
    return Tabellvy("Sammanfattning", f"Sammanfattning {r.period.text} {r.år} mot {r.år - 1}", data, cellformat=format_)


def volym_word_kontext(r: Volymrapport, doc: DocxTemplate, mapp: Path, nämnd: str,
                       kommentarer: dict[str, str] | None, preliminär: list[str] | None = None,
                       bilaga: str = "", kolada: KoladaJämförelse | None = None) -> dict[str, Any]:
    """The Word report for the nämnd: the summary on the first page, then one page per area with its main
    table and one chart; every other table is in the Excel annex (and in the Markdown report)."""
    from docx.shared import Cm, Pt

    from .word import lägg_till_tabell, stycke

    komm = {k.lower(): v for k, v in (kommentarer or {}).items()}
    sub = doc.new_subdoc()
    sektion = doc.docx.sections[-1]
    sidhöjd = 17.0
    if sektion.page_height and sektion.top_margin is not None and sektion.bottom_margin is not None:
        sidhöjd = (sektion.page_height - sektion.top_margin - sektion.bottom_margin) / 360000
    if r.maskering:
        run = sub.add_paragraph().add_run(r.maskering)
        run.italic = True
        run.font.size = Pt(8)
    if (summa := sammanfattning(r)) is not None:
        lägg_till_tabell(sub, summa)
    for i, a in enumerate(r.avsnitt):
        rubrik = sub.add_paragraph(a.område, style="Heading 1")
        if summa is not None or i > 0:  # one page per area (a single area follows the introduction)
            rubrik.paragraph_format.page_break_before = True
        tabell, diagram, utan_varav = nämndsida(a)
        text = stycke(komm.get(a.område.lower(), ""))
        övriga = [t.rubrik for t in a.tabeller if t is not tabell and not (tabell is not None and t.namn == tabell.namn)]
        not_ = ""
        if övriga or utan_varav:
            not_ = (("Varav-raderna och fler tabeller" if utan_varav else "Fler tabeller") +
                    f" finns i Excelbilagan{f' ({bilaga})' if bilaga else ''} och i Markdownrapporten"
                    + (f": {'; '.join(övriga)}." if övriga else "."))
        höjd = 1.4 + 0.5 * (len(text) // 160 + text.count("\n") + 1 if text else 0) + 0.45 * (len(not_) // 170 + 1)
        if tabell is not None:
            lägg_till_tabell(sub, tabell)
            höjd += 1.0 + (len(tabell.data) + 1) * (0.32 if len(tabell.data) > RADER_PÅ_SIDAN else 0.4)
        if diagram is not None:
            h = min(max(sidhöjd - höjd - 0.6, DIAGRAMHÖJD[0]), DIAGRAMHÖJD[1])
            sub.add_picture(str(mapp / diagram.filnamn), width=Cm(h * 16 / 9))
        if text:
            sub.add_paragraph(text)
        if not_:
            run = sub.add_paragraph().add_run(not_)
            run.italic = True
            run.font.size = Pt(8)
    if r.varningar:
        sub.add_paragraph("Att kontrollera", style="Heading 1")
        for v in r.varningar:
            sub.add_paragraph(v, style="List Bullet")
    if kolada is not None:
        from .kolada import lägg_till_i_word

        lägg_till_i_word(sub, kolada, mapp)
    return {"nämnd": nämnd, "år": r.år, "månad": r.månad, "månadsnamn": månadsnamn(r.månad), "period": r.period.text,
            "rapportnamn": rapportnamn(r, preliminär), "preliminär": _preliminär(r, preliminär), "innehåll": sub}
