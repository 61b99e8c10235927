"""The fast writing path (issue 15) gives what the slower, plainer code gave: the Word table rows and the
texts the layout reads as python-docx makes and reads them, chart margins as matplotlib's tight_layout
sets them, matplotlib's docstring helper put back, and the cycle collector running again after a write."""

from __future__ import annotations

import gc

import matplotlib.artist
import numpy as np
import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

from kommunrapport.model.table import Tabellvy
from kommunrapport.render import utan_skräpsamling
from kommunrapport.render.charts import _marginaler, linjefigur, stapelfigur_jämförelse
from kommunrapport.render.markdown import cell
from kommunrapport.render.word import lägg_till_tabell
from kommunrapport.render.wordlayout import _Cell, sätt_runtext

pytestmark = pytest.mark.rita  # charts are built and measured for real


def _vy() -> Tabellvy:
    data = pd.DataFrame({"Verksamhet": ["Hemtjänst", "- varav natt\tkväll", ""],
                         "Avvikelse": [-0.45, 1397.1, float("nan")], "Förändring %": [0.023, -0.5, 0.0]})
    return Tabellvy("T", "Tabellen", data, kolumnformat={"Avvikelse": "tal1", "Förändring %": "procent"})


def _med_python_docx(doc, vy: Tabellvy) -> None:
    """The table as python-docx's own API writes it (what lägg_till_tabell did before it wrote the XML)."""
    cols = list(vy.data.columns)
    t = doc.add_table(rows=1, cols=len(cols))
    t.style = "Table Grid"
    for j, c in enumerate(cols):
        run = t.rows[0].cells[j].paragraphs[0].add_run(str(c))
        run.bold = True
        run.font.size = Pt(8)
    for i, rec in enumerate(vy.data.itertuples(index=False)):
        row = t.add_row().cells
        for j, (v, c) in enumerate(zip(rec, cols, strict=True)):
            fmt = vy.format(i, c)
            p = row[j].paragraphs[0]
            p.add_run(cell(v, fmt, vy.plustecken(c))).font.size = Pt(8)
            if fmt != "text":
                p.alignment = 2


def _xml(el) -> bytes:
    return etree.tostring(el, method="c14n")


def test_tabellens_rader_är_samma_xml_som_python_docx_skriver():
    vy = _vy()
    a, b = Document(), Document()
    lägg_till_tabell(a, vy, rubrik=False)
    _med_python_docx(b, vy)
    ta, tb = a.tables[0]._tbl, b.tables[0]._tbl
    assert len(ta.tr_lst) == 4
    assert _xml(ta) == _xml(tb)
    # and what python-docx reads back: headings bold, numbers right, the tab kept
    t = a.tables[0]
    assert [c.text for c in t.rows[2].cells] == ["- varav natt\tkväll", "1\u00a0397,1", "−50,0\u00a0%"]
    assert [c.text for c in t.rows[3].cells] == ["", "", "0,0\u00a0%"]  # NaN: an empty cell
    assert t.rows[0].cells[1].paragraphs[0].runs[0].bold
    assert t.rows[2].cells[1].paragraphs[0].alignment == 2 and t.rows[2].cells[0].paragraphs[0].alignment is None


def test_en_tom_tabell_har_bara_rubrikraden():
    vy = Tabellvy("T", "Tom", pd.DataFrame({"A": pd.Series([], dtype=str), "B": pd.Series([], dtype=float)}))
    a, b = Document(), Document()
    lägg_till_tabell(a, vy, rubrik=False)
    _med_python_docx(b, vy)
    assert _xml(a.tables[0]._tbl) == _xml(b.tables[0]._tbl)


def test_cellens_text_läses_som_python_docx_läser_den():
    doc = Document()
    t = doc.add_table(rows=1, cols=3)
    c0, c1, c2 = t.rows[0].cells
    p = c0.paragraphs[0]
    p.add_run("Budget\t2025").bold = True
    p.add_run(" rad ett\nrad två")
    c0.add_paragraph("andra stycket")
    br = etree.SubElement(p.runs[0]._r, qn("w:br"))
    br.set(qn("w:type"), "page")  # a page break is no text
    länk = etree.SubElement(c1.paragraphs[0]._p, qn("w:hyperlink"))
    i_länken = c1.paragraphs[0].add_run("i länken")
    länk.append(i_länken._r)
    c2.paragraphs[0].add_run("  ")  # only spaces: not a run with text
    for c in (c0, c1, c2):
        läst = _Cell(c._tc)
        assert läst.text == c.text
    assert _Cell(c0._tc).fet(rubrik=False) and not _Cell(c1._tc).fet(rubrik=False)
    assert _Cell(c2._tc).fet(rubrik=True) and not _Cell(c2._tc).fet(rubrik=False)  # a heading without text
    i_länken.bold = False  # <w:b w:val="0"/>, and a run in a hyperlink is not counted for bold anyway
    c2.paragraphs[0].runs[0].bold = True  # bold spaces are no bold text
    assert not _Cell(c1._tc).fet(rubrik=False) and not _Cell(c2._tc).fet(rubrik=False)


@pytest.mark.parametrize("före", ["", "12,3", " 1 397,1 ", "a\tb"])
@pytest.mark.parametrize("text", ["", "1\u00a0397,1", " ledande", "slut\u00a0", "tab\there", "rad\nrad", "x"])
def test_runtexten_skrivs_som_python_docx_skriver_den(före, text):
    doc = Document()
    a, b = (doc.add_paragraph().add_run(före) for _ in range(2))
    a.font.size = b.font.size = Pt(8)
    sätt_runtext(a._r, text)
    b.text = text
    assert _xml(a._r) == _xml(b._r) and a.text == text


def _linjedata(värden: list[float]) -> pd.DataFrame:
    månader = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
    return pd.DataFrame({"Månad": månader, "2025": värden[:2] + [np.nan] * 10, "2024": värden})


@pytest.mark.parametrize("fall", ["avvikelse", "volym", "fotnot", "staplar"])
def test_marginalerna_är_de_som_tight_layout_sätter(fall):
    värden = [-3.0, 0.0, -2.1, -6.3, -3.0, -3.6, 3.8, 5.5, 10.3, 12.3, 16.7, 20.5]
    if fall == "staplar":
        data = pd.DataFrame({"Typ": ["Ekonomiskt bistånd hushåll med barn", "Vuxna", "Unga 18–20 år"],
                             "2024": [10.0, 20.0, 30.0], "2025": [12.0, 18.0, np.nan]})
        skapa = lambda: stapelfigur_jämförelse(data, "Vårddygn per insats", "vårddygn")  # noqa: E731
    elif fall == "volym":
        skapa = lambda: linjefigur(_linjedata([v * 1000 + 16_000 for v in värden]), "Utförda timmar",  # noqa: E731
                                   "timmar", decimaler=0, nollinje=False, från_noll=True)
    else:
        skapa = lambda: linjefigur(_linjedata(värden), "Ackumulerad budgetavvikelse per månad", "mnkr")  # noqa: E731
    rect = (0, 0.05, 1, 1) if fall == "fotnot" else (0, 0, 1, 1)
    facit = skapa()
    facit.set_layout_engine("tight", rect=rect)
    facit.draw_without_rendering()  # tight_layout as savefig runs it
    vår = skapa()
    vår.set_layout_engine(None)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(vår)
    for _ in range(2):
        _marginaler(vår, rect)
    a, b = facit.subplotpars, vår.subplotpars
    # within 5 px of the 800 × 450 px chart (the line charts come out the same to the pixel; a tick label
    # at the end of the axis may leave a few pixels more or less at the side)
    for namn, px in (("left", 1 / 800), ("right", 1 / 800), ("bottom", 1 / 450), ("top", 1 / 450)):
        assert getattr(b, namn) == pytest.approx(getattr(a, namn), abs=5 * px), namn


def test_matplotlibs_kwdoc_är_tillbaka_efter_importen():
    from matplotlib.lines import Line2D

    import kommunrapport.render._matplotlib  # noqa: F401

    assert "linewidth" in matplotlib.artist.kwdoc(Line2D)  # only help() texts made during the import are short


def test_det_som_fanns_före_skrivningen_fryses_bara_under_den_även_vid_fel():
    assert gc.isenabled() and gc.get_freeze_count() == 0
    with utan_skräpsamling():
        assert gc.isenabled() and gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    with pytest.raises(ValueError), utan_skräpsamling():
        raise ValueError("x")
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_en_process_som_själv_fryst_eller_stängt_av_samlingen_lämnas_som_den_är():
    gc.freeze()
    try:
        frysta = gc.get_freeze_count()
        with utan_skräpsamling():
            pass
        assert gc.get_freeze_count() == frysta  # its own frozen objects stay frozen
    finally:
        gc.unfreeze()
    gc.disable()
    try:
        with utan_skräpsamling():
            assert gc.get_freeze_count() == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
