"""The ekonomi report laid out into files: Markdown, Word, two charts and the Excel annex.

Every output takes its numbers from the same `tabeller(r)`, computed once per write.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..formatting import mnkr, procent, tal
from ..model.period import MÅNADER_KORT, månadsnamn
from ..model.table import Tabellvy
from ..output import atomisk_mapp
from ..reports.ekonomi import ANDELSKOLUMNER, Ekonomirapport, tabeller
from ..reports.forklaring import Radeffekt, mening
from ..reports.preliminar import preliminär_text
from . import utan_skräpsamling
from .markdown import rendera

if TYPE_CHECKING:
    from docxtpl import DocxTemplate


def filnamn(r: Ekonomirapport) -> dict[str, str]:
    stam = r.period.stam
    namn = {
        "rapport": f"ekonomirapport_{stam}.md",
        "word": f"ekonomirapport_{stam}.docx",
        "bilaga": f"bilaga_ekonomirapport_{stam}.xlsx",
        "diagram_månad": f"diagram_avvikelse_per_manad_{stam}.png",
        "diagram_verksamhet": f"diagram_avvikelse_per_verksamhet_{stam}.png",
    }
    if r.förklaring is not None and r.förklaring.utveckling is not None:
        namn["diagram_utveckling"] = f"diagram_ekonomisk_utveckling_{stam}.png"
    for e in _effekter(r):
        namn[f"diagram_effekt_{e.rad}"] = f"diagram_volym_och_pris_{e.filnamn_del}_{stam}.png"
    return namn


def _effekter(r: Ekonomirapport) -> list[Radeffekt]:
    """The linked rows that have volume and price effects (a row without them has a warning instead)."""
    return [] if r.förklaring is None else [e for e in r.förklaring.effekter if e.resultat.effekter is not None]


def _förklaring(r: Ekonomirapport, t: dict[str, Tabellvy], namn: dict[str, str]) -> dict[str, Any]:
    """The explaining sections as template fields (empty when the report has none of them)."""
    effekter = []
    for e in _effekter(r):
        vy = next(v for v in t.values() if v.rubrik.startswith(f"Volym- och priseffekt, {e.rubrik} "))
        effekter.append({"rad": e.rad, "rubrik": e.rubrik, "tabell": vy, "mening": mening(e, r.år, r.månad),
                         "diagram": namn[f"diagram_effekt_{e.rad}"]})
    return {
        "utveckling": t.get("Ekonomisk utveckling"),
        "diagram_utveckling": namn.get("diagram_utveckling", ""),
        "effekter": effekter,
        "prognosförslag": t.get("Prognosförslag"),
        "prognosmetoder": t.get("Prognosmetoder"),
        "prognosvarningar": [] if r.förklaring is None else list(r.förklaring.prognosvarningar),
    }


def markdown(r: Ekonomirapport, mallmapp: Path | None = None, t: dict[str, Tabellvy] | None = None) -> str:
    """The Markdown report from the template ekonomirapport.md.j2 (the kommun's own, if `mallmapp` has it)."""
    t = t if t is not None else tabeller(r)
    namn = filnamn(r)
    resultat = t["Ackumulerat resultat"].data
    verksamheter = []
    for rad in r.träd.rader:
        verksamheter.append({
            "id": rad.id,
            "rubrik": rad.rubrik,
            "nivå": rad.nivå,
            "avvikelse": cast(float, r.ackumulerad_avvikelse.loc[rad.id, r.månad]) / 1e6,
            "prognos": None if r.prognosavvikelse is None else r.prognosavvikelse[rad.id] / 1e6,
            "kommentar": r.kommentarer.get(rad.id, ""),
        })
    kontext = {
        "rapportnamn": r.rapportnamn,
        "preliminär": bool(r.preliminär),
        "nämnd": r.nämnd,
        "år": r.år,
        "månad": r.månad,
        "månadsnamn": månadsnamn(r.månad),
        "period": r.period.text,
        "inledning": r.inledning(),
        "avvikelse": r.avvikelse / 1e6,
        "avvikelse_fg_år": None if r.avvikelse_fg_år is None else r.avvikelse_fg_år / 1e6,
        "månader": [c for c in resultat.columns if c in MÅNADER_KORT],
        "har_prognos": r.prognosavvikelse is not None,
        "resultat": resultat.to_dict("records"),
        "nyckeltal": t["Nyckeltal"].data.to_dict("records"),
        "nyckeltal_kolumner": list(t["Nyckeltal"].data.columns),
        "ks": t["Rapport till KS"].data.to_dict("records"),
        "ks_kolumner": list(t["Rapport till KS"].data.columns),
        "verksamheter": verksamheter,
        "extra_tabeller": [{"rubrik": k, "kolumner": list(t[k].data.columns), "rader": t[k].data.to_dict("records")}
                           for k in ("Prognosens utveckling", "Prognosavvikelse") if k in t],
        "kommentarer": r.kommentarer,
        "varningar": r.varningar,
        "andelskolumner": ANDELSKOLUMNER,
        "filer": namn,
        **_förklaring(r, t, namn),
    }
    return rendera("ekonomirapport.md.j2", kontext, mallmapp)


def word_kontext(r: Ekonomirapport, doc: DocxTemplate, diagram: dict[str, Path],
                 t: dict[str, Tabellvy] | None = None) -> dict[str, Any]:
    """What the Word template gets: the same tables as Markdown and the annex, formatted the Swedish way."""
    from .word import BILDBREDD, bild, fet, lägg_till_tabell, stycke

    t = t if t is not None else tabeller(r)
    mån = MÅNADER_KORT
    resultat = []
    for rad in t["Ackumulerat resultat"].data.to_dict("records"):
        resultat.append({
            "namn": fet(str(rad["Verksamhet"]), rad["Nivå"] == 0),
            "m": [tal(rad[m], 1) if rad[m] == rad[m] else "" for m in mån],
            "prognos": tal(rad["Prognos"], 1) if "Prognos" in rad and rad["Prognos"] == rad["Prognos"] else "",
            "årsbudget": tal(rad["Årsbudget"], 1) if rad["Årsbudget"] == rad["Årsbudget"] else "",
            "andel": procent(rad["Andel av total årsbudget"]),
        })
    ks = t["Rapport till KS"].data
    sub = doc.new_subdoc()
    for namn in ("Nyckeltal", "Prognosens utveckling", "Prognosavvikelse"):
        if namn in t:
            lägg_till_tabell(sub, t[namn])
    verksamheter = []
    for trädrad in r.träd.rader:
        avvikelse = cast(float, r.ackumulerad_avvikelse.loc[trädrad.id, r.månad])
        text = f"Budgetavvikelse {r.period.text}: {mnkr_text(avvikelse)} mnkr"
        if r.prognosavvikelse is not None:
            text += f". Prognosavvikelse helår: {mnkr_text(r.prognosavvikelse[trädrad.id])} mnkr"
        verksamheter.append({"rubrik": trädrad.rubrik, "sammanfattning": text + ".",
                             "kommentar": stycke(r.kommentarer.get(trädrad.id, ""))})
    f = _förklaring(r, t, filnamn(r))
    utveckling = None
    if f["utveckling"] is not None:
        utveckling = doc.new_subdoc()
        lägg_till_tabell(utveckling, f["utveckling"], rubrik=False)
        utveckling.add_picture(str(diagram["diagram_utveckling"]), width=BILDBREDD)
    effekter = None
    if f["effekter"]:
        effekter = doc.new_subdoc()
        for e in f["effekter"]:
            lägg_till_tabell(effekter, e["tabell"])
            effekter.add_paragraph(e["mening"])
            effekter.add_picture(str(diagram[f"diagram_effekt_{e['rad']}"]), width=BILDBREDD)
    prognosförslag = None
    if f["prognosförslag"] is not None:
        prognosförslag = doc.new_subdoc()
        lägg_till_tabell(prognosförslag, f["prognosförslag"], rubrik=False)
        for v in f["prognosvarningar"]:
            prognosförslag.add_paragraph(v, style="List Bullet")
        lägg_till_tabell(prognosförslag, f["prognosmetoder"])
    return {
        "utveckling": utveckling, "effekter": effekter, "prognosforslag": prognosförslag,
        "nämnd": r.nämnd, "år": r.år, "månad": r.månad, "månadsnamn": månadsnamn(r.månad), "period": r.period.text,
        "rapportnamn": r.rapportnamn,
        "preliminär": bool(r.preliminär),
        "inledning": r.inledning(),
        "kommentarer": {k: stycke(r.kommentarer.get(k, "")) for k in ("inledning", "prognos", "investeringar")},
        "resultat": resultat,
        "ks_rubriker": list(ks.columns[1:]),
        "ks": [{"namn": rec[0], "v": [tal(v, 1) if v == v else "" for v in rec[1:]]} for rec in ks.itertuples(index=False)],
        "nyckeltal": sub,
        "verksamheter": verksamheter,
        "diagram_manad": bild(doc, diagram["diagram_månad"]),
        "diagram_verksamhet": bild(doc, diagram["diagram_verksamhet"]),
    }


def mnkr_text(kr: float) -> str:
    return mnkr(kr, tecken=True)


@utan_skräpsamling()
def skriv_ekonomirapport(r: Ekonomirapport, ut: str | Path, mallmapp: Path | None = None,
                         källa: str = "") -> list[Path]:
    """Write the Markdown report, the two charts and the Excel annex into `ut`, atomically."""
    from .annex import skriv_vyer
    from .charts import linjediagram_per_månad, stapeldiagram, vattenfall
    from .word import mallsökväg, rendera_word

    namn = filnamn(r)
    t = tabeller(r)  # once, for every output
    text = markdown(r, mallmapp, t)  # render first: a template error writes nothing
    with atomisk_mapp(ut) as stage:
        (stage / namn["rapport"]).write_text(text, encoding="utf-8")
        prel = " (preliminär)" if r.preliminär else ""
        d1 = t["Diagram avvikelse per månad"].data
        linjediagram_per_månad(d1, f"Ackumulerad budgetavvikelse per månad, {r.nämnd}{prel}", "mnkr",
                               stage / namn["diagram_månad"])
        d2 = t["Diagram avvikelse per verks."].data
        stapeldiagram(list(d2.iloc[:, 0]), list(d2.iloc[:, 1]),
                      f"Budgetavvikelse per verksamhet {r.period.text} {r.år}{prel}", "mnkr",
                      stage / namn["diagram_verksamhet"])
        if "diagram_utveckling" in namn:
            u = t["Ekonomisk utveckling"].data
            linjediagram_per_månad(u[[u.columns[0], u.columns[3], u.columns[1], u.columns[2]]],
                                   f"Ackumulerad nettokostnad {r.år}, {r.nämnd}{prel}", "mnkr",
                                   stage / namn["diagram_utveckling"], nollinje=False)
        for e in _effekter(r):
            res = e.resultat.effekter
            assert res is not None  # _effekter keeps the rows with effects
            summa = "Budgetavvikelse" if e.resultat.jämförelse == "budget" else f"Förändring mot {r.år - 1}"
            vattenfall(["Volymeffekt", "Priseffekt", summa],
                       [res.volymeffekt / 1e6, res.priseffekt / 1e6, res.avvikelse / 1e6],
                       f"Volym- och priseffekt, {e.namn} {r.period.text} {r.år}{prel}", "mnkr",
                       stage / namn[f"diagram_effekt_{e.rad}"])
        info = {"Rapport": r.rapportnamn}
        if r.preliminär:
            info["Status"] = preliminär_text(r.år, r.månad, r.preliminär)
        info |= {
            "Nämnd": r.nämnd,
            "Enhet": "mnkr (miljoner kronor), + är bättre än budget; andelar i procent",
            "Underlag": källa,
        }
        skriv_vyer(list(t.values()), info, stage / namn["bilaga"])
        rendera_word(mallsökväg("ekonomirapport.docx", mallmapp),
                     lambda doc: word_kontext(r, doc, {k: stage / v for k, v in namn.items() if k.startswith("diagram")}, t),
                     stage / namn["word"])
    ut = Path(ut)
    return [ut / n for n in namn.values()]
