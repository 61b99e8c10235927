"""The comparison with other municipalities (Kolada) laid out into files: Markdown, one chart per key figure
and the Excel annex; and as a section at the end of the volume report (Markdown, Word, annex)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..output import atomisk_mapp
from ..reports.kolada import RUBRIK, KoladaJämförelse
from . import utan_skräpsamling
from .markdown import rendera

if TYPE_CHECKING:
    from docxtpl.subdoc import Subdoc

MARKDOWN, BILAGA = "kolada_jamforelse.md", "bilaga_kolada_jamforelse.xlsx"


def kolada_markdown(r: KoladaJämförelse, avsnitt: bool = False, mallmapp: Path | None = None) -> str:
    """The comparison in Markdown: a document of its own, or (`avsnitt`) a level-2 section for another report."""
    return rendera("kolada.md.j2", {
        "h": "##" if avsnitt else "#", "rubrik": RUBRIK, "kommunnamn": r.kommunnamn, "gruppnamn": r.gruppnamn,
        "medlemmar": r.medlemmar, "nyckeltal": r.nyckeltal, "källtext": r.källtext, "varningar": r.varningar,
        "källa": r.källa}, mallmapp)


def rita_koladadiagram(r: KoladaJämförelse, mapp: Path) -> list[str]:
    """Draw each key figure's chart into `mapp`, with the source under it; the file names."""
    from . import charts

    for d in r.diagram:
        charts.jämförelsediagram(d.data, d.titel, mapp / d.filnamn, r.källtext)
    return [d.filnamn for d in r.diagram]


def info(r: KoladaJämförelse) -> dict[str, str]:
    """The annex's Info rows for the comparison."""
    return {"Jämförelse": f"{r.kommunnamn} mot {r.gruppnamn} och riket",
            "Jämförelsegrupp": ", ".join(r.medlemmar), "Underlag": r.källa, "Källa": r.källtext}


@utan_skräpsamling()
def skriv_koladajämförelse(r: KoladaJämförelse, ut: str | Path, mallmapp: Path | None = None) -> list[Path]:
    """Write kolada_jamforelse.md, its charts and bilaga_kolada_jamforelse.xlsx into `ut`, atomically."""
    from .annex import skriv_vyer

    text = kolada_markdown(r, mallmapp=mallmapp)
    with atomisk_mapp(ut) as stage:
        (stage / MARKDOWN).write_text(text, encoding="utf-8")
        diagram = rita_koladadiagram(r, stage)
        skriv_vyer(r.tabeller, {"Rapport": RUBRIK, **info(r)}, stage / BILAGA)
    return [Path(ut) / n for n in (MARKDOWN, *diagram, BILAGA)]


def lägg_till_i_word(sub: Subdoc, r: KoladaJämförelse, mapp: Path) -> None:
    """The comparison as the last section of a Word report (the charts already drawn into `mapp`)."""
    from docx.shared import Cm

    from .word import lägg_till_tabell

    sub.add_paragraph(RUBRIK, style="Heading 1")
    sub.add_paragraph(f"{r.kommunnamn} jämförs med {r.gruppnamn} ({', '.join(r.medlemmar)}) och riket. "
                      "Jämförelsegruppens medel är ovägt.")
    for n in r.nyckeltal:
        lägg_till_tabell(sub, n.tabell)
        sub.add_paragraph(r.källtext)
        sub.add_picture(str(mapp / n.diagram.filnamn), width=Cm(13))
    if r.varningar:
        sub.add_paragraph("Att kontrollera", style="Heading 2")
    for v in r.varningar:
        sub.add_paragraph(v, style="List Bullet")
