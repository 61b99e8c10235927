"""The report to kommunstyrelsen laid out into files: Markdown, Word and the Excel annex."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..output import atomisk_mapp
from ..reports.ks import KSRapport
from . import utan_skräpsamling
from .markdown import rendera

if TYPE_CHECKING:
    from docxtpl import DocxTemplate


@utan_skräpsamling()
def skriv_ks_rapport(r: KSRapport, ut: str | Path, mallmapp: Path | None = None) -> list[Path]:
    """Write rapport_till_ks_ÅÅÅÅ-MM.md/.docx and its Excel annex into `ut`, atomically."""
    from .annex import skriv_vyer
    from .word import lägg_till_tabell, mallsökväg, rendera_word

    stam = r.period.stam
    namn = [f"rapport_till_ks_{stam}.md", f"rapport_till_ks_{stam}.docx", f"bilaga_rapport_till_ks_{stam}.xlsx"]
    kontext: dict[str, Any] = {"nämnd": r.nämnd, "år": r.år, "månad": r.månad, "period": r.period.kort,
                               "rapportnamn": f"Rapport till kommunstyrelsen {r.period.kort} {r.år}",
                               "tabeller": r.tabeller, "varningar": r.varningar}
    text = rendera("rapport_till_ks.md.j2", kontext, mallmapp)

    def word(doc: DocxTemplate) -> dict[str, Any]:
        sub = doc.new_subdoc()
        for t in r.tabeller:
            lägg_till_tabell(sub, t)
        if r.varningar:
            sub.add_paragraph("Att kontrollera", style="Heading 2")
            for v in r.varningar:
                sub.add_paragraph(v, style="List Bullet")
        return {**kontext, "tabeller": sub}

    with atomisk_mapp(ut) as stage:
        (stage / namn[0]).write_text(text, encoding="utf-8")
        rendera_word(mallsökväg("rapport_till_ks.docx", mallmapp), word, stage / namn[1])
        skriv_vyer(r.tabeller, {"Rapport": kontext["rapportnamn"], "Nämnd": r.nämnd,
                                "Enhet": "mnkr; intäkter +, kostnader och investeringar −"}, stage / namn[2])
    return [Path(ut) / n for n in namn]
