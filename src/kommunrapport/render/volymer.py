"""The volume report laid out into files: Markdown, Word, one chart per main series and the Excel annex."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model.period import månadsnamn
from ..output import atomisk_mapp
from ..reports.preliminar import preliminär_text
from ..reports.volymer import Volymrapport
from .markdown import rendera

if TYPE_CHECKING:
    from docxtpl import DocxTemplate


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
        "avsnitt": r.avsnitt, "varningar": r.varningar, "kommentarer": {k.lower(): v for k, v in (kommentarer or {}).items()},
    }, mallmapp)


def skriv_volymrapport(r: Volymrapport, ut: str | Path, nämnd: str = "", kommentarer: dict[str, str] | None = None,
                       mallmapp: Path | None = None, preliminär: list[str] | None = None) -> list[Path]:
    """Write the volume report (Markdown), its charts and the Excel annex into `ut`, atomically.

    `preliminär`: the reasons the month is not closed; every output then says Preliminär."""
    from .annex import skriv_vyer
    from .charts import linjediagram_per_månad, stapeldiagram_jämförelse
    from .word import mallsökväg, rendera_word

    stam = r.period.stam
    rapport, bilaga, word = (f"volymrapport_{stam}.md", f"bilaga_volymrapport_{stam}.xlsx",
                             f"volymrapport_{stam}.docx")
    text = volym_markdown(r, nämnd, kommentarer, mallmapp, preliminär)
    written = [rapport, bilaga, word]
    with atomisk_mapp(ut) as stage:
        (stage / rapport).write_text(text, encoding="utf-8")
        for a in r.avsnitt:
            for d in a.diagram:
                if d.typ == "linje":
                    linjediagram_per_månad(d.data, d.titel, "", stage / d.filnamn, decimaler=0, nollinje=False)
                else:
                    stapeldiagram_jämförelse(d.data, d.titel, stage / d.filnamn)
                written.append(d.filnamn)
        info = {"Rapport": rapportnamn(r, preliminär)}
        if preliminär:
            info["Status"] = _preliminär(r, preliminär)
        info |= {"Nämnd": nämnd,
                "Underlag": ", ".join(a.källa for a in r.avsnitt),
                "Beräkning": "flöden och resultat summeras över perioden, bestånd och andelar är medelvärden per "
                             "månad, takter medelvärden per dag (se bladet Serier)"}
        if r.anteckningar:
            info["Tolkningar"] = "; ".join(r.anteckningar)
        skriv_vyer(r.bilagetabeller, info, stage / bilaga)
        rendera_word(mallsökväg("volymrapport.docx", mallmapp),
                     lambda doc: volym_word_kontext(r, doc, stage, nämnd, kommentarer, preliminär), stage / word)
    return [Path(ut) / n for n in written]


def volym_word_kontext(r: Volymrapport, doc: DocxTemplate, mapp: Path, nämnd: str,
                       kommentarer: dict[str, str] | None, preliminär: list[str] | None = None) -> dict[str, Any]:
    from docx.shared import Cm

    from .word import lägg_till_tabell, stycke

    komm = {k.lower(): v for k, v in (kommentarer or {}).items()}
    sub = doc.new_subdoc()
    for a in r.avsnitt:
        sub.add_paragraph(a.område, style="Heading 1")
        for t in a.tabeller:
            lägg_till_tabell(sub, t)
        for d in a.diagram:
            sub.add_picture(str(mapp / d.filnamn), width=Cm(13))
        if komm.get(a.område.lower()):
            sub.add_paragraph(stycke(komm[a.område.lower()]))
    if r.varningar:
        sub.add_paragraph("Att kontrollera", style="Heading 1")
        for v in r.varningar:
            sub.add_paragraph(v, style="List Bullet")
    return {"nämnd": nämnd, "år": r.år, "månad": r.månad, "månadsnamn": månadsnamn(r.månad), "period": r.period.text,
            "rapportnamn": rapportnamn(r, preliminär), "preliminär": _preliminär(r, preliminär), "innehåll": sub}
