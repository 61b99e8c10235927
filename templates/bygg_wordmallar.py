#!/usr/bin/env python3
"""Build the default Word templates (ekonomirapport.docx, volymrapport.docx) with python-docx.

The templates hold Jinja tags that docxtpl fills in: {{ fält }}, {%p for … %} paragraph loops,
{%tr for … %} table-row loops, {{r … }} formatted text and {{p … }} inserted sub-documents.
A controller edits the copies that `kommunrapport init` writes, in Word; this script only makes
the defaults. Run from the repository root: .venv/bin/python templates/bygg_wordmallar.py
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
MÅNADER = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def dokument(liggande: bool) -> Document:
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    if liggande:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = sec.page_height, sec.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Cm(2.0))
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 12)):
        st = doc.styles[name]
        st.font.name = "Arial"
        st.font.size = Pt(size)
        st.font.color.rgb = RGBColor(0x00, 0x3A, 0x70)
        st.paragraph_format.keep_with_next = True  # a heading never ends a page (kommunrapport also sets it)
    sec.footer.paragraphs[0].text = "{{ nämnd }} · {{ rapportnamn }}"
    sec.footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return doc


def tabell(doc: Document, rubriker: list[str], celler: list[str], loop: str, första: float = 6.5,
           bredder: list[float] | None = None) -> None:
    """A table: a header row, then one row that {%tr for … %} repeats. Widths in cm (landscape A4); the
    rendered report gets widths from its content (render/wordlayout.py), so these only show the layout."""
    t = doc.add_table(rows=4, cols=len(rubriker))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    övriga = min(3.0, (25.5 - första) / (len(rubriker) - 1))
    bredder = bredder or [första] + [övriga] * (len(rubriker) - 1)
    for j, col in enumerate(t.columns):
        col.width = Cm(bredder[j])
    for row in t.rows:
        for j, c in enumerate(row.cells):
            c.width = Cm(bredder[j])
    for i, r in enumerate(rubriker):
        cell = t.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(r)
        run.bold = True
        run.font.size = Pt(8)
    t.rows[1].cells[0].text = "{%tr " + loop + " %}"
    for i, c in enumerate(celler):
        p = t.rows[2].cells[i].paragraphs[0]
        p.add_run(c).font.size = Pt(8)
        if i:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    t.rows[3].cells[0].text = "{%tr endfor %}"


def avsnitt(doc: Document, fält: str, rubrik: str) -> None:
    """A section that the report fills when it has it (a kommun's template may delete it): a heading
    and an inserted sub-document."""
    doc.add_paragraph(f"{{%p if {fält} %}}")
    doc.add_paragraph(rubrik, style="Heading 1")
    doc.add_paragraph(f"{{{{p {fält} }}}}")
    doc.add_paragraph("{%p endif %}")


def ekonomi() -> None:
    doc = dokument(liggande=True)
    doc.add_paragraph("{{ rapportnamn }}", style="Title")  # 'Preliminär ekonomirapport …' for an open month
    doc.add_paragraph().add_run("{{ nämnd }}").bold = True
    doc.add_paragraph("{{ inledning }}")
    doc.add_paragraph("{%p if kommentarer.inledning %}")
    doc.add_paragraph("{{ kommentarer.inledning }}")
    doc.add_paragraph("{%p endif %}")
    avsnitt(doc, "utveckling", "Ekonomisk utveckling (mnkr)")
    doc.add_paragraph("Ackumulerat resultat (mnkr)", style="Heading 1")
    tabell(doc, ["Verksamhet", *MÅNADER, "Prognos", "Årsbudget", "Andel"],
           ["{{r rad.namn }}", *[f"{{{{ rad.m[{i}] }}}}" for i in range(12)], "{{ rad.prognos }}",
            "{{ rad.årsbudget }}", "{{ rad.andel }}"], "for rad in resultat",
           bredder=[6.0] + [1.15] * 12 + [1.6, 1.9, 1.4])
    doc.add_paragraph("{{ diagram_manad }}")
    doc.add_paragraph("{{ diagram_verksamhet }}")
    doc.add_paragraph("Rapport till kommunstyrelsen (mnkr)", style="Heading 1")
    tabell(doc, ["", *[f"{{{{ ks_rubriker[{i}] }}}}" for i in range(7)]],
           ["{{ rad.namn }}", *[f"{{{{ rad.v[{i}] }}}}" for i in range(7)]], "for rad in ks", första=5.0)
    doc.add_paragraph("{{p nyckeltal }}")
    avsnitt(doc, "effekter", "Volym- och priseffekter")
    avsnitt(doc, "prognosforslag", "Prognosförslag")
    doc.add_paragraph("Verksamheterna", style="Heading 1")
    doc.add_paragraph("{%p for v in verksamheter %}")
    doc.add_paragraph("{{ v.rubrik }}", style="Heading 2")
    doc.add_paragraph("{{ v.sammanfattning }}")
    doc.add_paragraph("{%p if v.kommentar %}")
    doc.add_paragraph("{{ v.kommentar }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p if kommentarer.prognos %}")
    doc.add_paragraph("Prognos", style="Heading 1")
    doc.add_paragraph("{{ kommentarer.prognos }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if kommentarer.investeringar %}")
    doc.add_paragraph("Investeringar", style="Heading 1")
    doc.add_paragraph("{{ kommentarer.investeringar }}")
    doc.add_paragraph("{%p endif %}")
    doc.save(HERE / "ekonomirapport.docx")


def volymer() -> None:
    doc = dokument(liggande=True)
    doc.add_paragraph("{{ rapportnamn }}", style="Title")  # 'Preliminära volymer …' for an open month
    doc.add_paragraph().add_run("{{ nämnd }}").bold = True
    doc.add_paragraph("{%p if preliminär %}")
    doc.add_paragraph("{{ preliminär }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("Jämförelserna avser perioden {{ period }} {{ år }} mot samma period {{ år - 1 }}. "
                      "Flöden (timmar, vårddygn, kronor) och resultat summeras över perioden; bestånd (brukare, "
                      "placerade, hushåll) och andelar redovisas som medelvärde per månad, takter (t.ex. timmar "
                      "per dag) som medelvärde per dag.")
    doc.add_paragraph("{{p innehåll }}")
    doc.save(HERE / "volymrapport.docx")


def ks() -> None:
    doc = dokument(liggande=True)
    doc.add_paragraph("Rapport till kommunstyrelsen {{ period }} {{ år }}", style="Title")
    doc.add_paragraph().add_run("{{ nämnd }}").bold = True
    doc.add_paragraph("Belopp i mnkr. Intäkter anges positiva, kostnader och investeringar negativa; "
                      "en positiv budgetavvikelse är bättre än budget.")
    doc.add_paragraph("{{p tabeller }}")
    doc.save(HERE / "rapport_till_ks.docx")


if __name__ == "__main__":
    ekonomi()
    volymer()
    ks()
