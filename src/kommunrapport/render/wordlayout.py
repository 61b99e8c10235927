"""Word tables laid out for paper, in every Word report (ekonomi, volymer, KS) and the kommun's own templates.

Applied to the rendered document, so tables from a template's row loops and from sub-documents get the
same rules:
- each column is as wide as its content needs: a number (1 397,1 · −7,3 %) is never broken, a heading or a
  label only between words; what the page has left goes to the columns that want more (the labels). A
  table that does not fit at 8 pt is set in a smaller font (down to 6 pt), as 12-month tables need;
- a column with a heading and no value in any row (an ekonomi Prognos without forecasts) is left out;
- numbers keep their no-break spaces and their cells do not wrap; rows are never split across pages,
  the heading row repeats on a new page, and a heading stays with the table under it.

Widths are measured with Arial's character widths (Liberation Sans, which LibreOffice uses in its place,
has the same), so the layout does not depend on the fonts of the machine that writes the report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

if TYPE_CHECKING:
    from docx.document import Document

# Advance widths of Arial/Helvetica (regular and bold) in 1/1000 em, from the Adobe core-font metrics.
_TECKEN = (" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
           "°ÄÅÖ×äåéöü–—…−")
_NORMAL = [278, 278, 355, 556, 556, 889, 667, 222, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556,
           556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278,
           500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469,
           556, 222, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
           278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 400, 667, 667, 778, 584, 556, 556, 556, 556, 556,
           556, 1000, 1000, 584]
_FET = [278, 333, 474, 556, 556, 889, 722, 278, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556,
        556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722,
        611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 278, 556,
        611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778,
        556, 556, 500, 389, 280, 389, 584, 400, 722, 722, 778, 584, 556, 556, 556, 611, 611, 556, 1000, 1000, 584]
_BREDD = {False: dict(zip(_TECKEN, _NORMAL, strict=True)), True: dict(zip(_TECKEN, _FET, strict=True))}
for _tabell in _BREDD.values():
    _tabell["\u00a0"] = _tabell["\u202f"] = _tabell[" "]  # no-break spaces are as wide as a space
_OKÄND = 722  # a character outside the table: as wide as a capital, so that it never comes out too narrow

STORLEKAR = (8.0, 7.5, 7.0, 6.5, 6.0)  # the table font, tried in this order until the table fits
LÅNG_TABELL = 20  # a table with more rows than this starts at 7 pt, so that it leaves room for its chart
CELLMARGINAL = Cm(0.1).pt  # left and right, set on every table
LUFT = 3.0  # pt per column for what the metrics do not know (kerning, rounding to twips)

_TAL = re.compile(r"(?:[+\-\u2212]?\d[\d\u00a0\u202f ]*(?:,\d+)?(?:[\u00a0 ]?%)?|…|–)")


def textbredd(text: str, storlek: float, fet: bool = False) -> float:
    """The width in points of `text` on one line, in Arial at `storlek` pt."""
    tabell = _BREDD[fet]
    return sum(tabell.get(c, _OKÄND) for c in text) * storlek / 1000


def är_tal(text: str) -> bool:
    """A cell that shows a number (76 074, −0,3, 38 %, +1,2): it must never break."""
    return bool(_TAL.fullmatch(text.strip()))


def minsta_bredd(text: str, storlek: float, fet: bool = False) -> float:
    """The narrowest (points) that `text` can be set without breaking a number or a word: a number whole,
    other text at its longest word (Word breaks text between words)."""
    if är_tal(text):
        return max(textbredd(line.strip(), storlek, fet) for line in text.split("\n"))
    return max((textbredd(w, storlek, fet) for w in re.split(r"[ \t\n]+", text) if w), default=0.0)


def önskad_bredd(text: str, storlek: float, fet: bool = False) -> float:
    """The width (points) of the longest line of `text` when nothing is broken."""
    return max(textbredd(line.strip(), storlek, fet) for line in text.split("\n"))


def kolumnbredder(minsta: list[float], önskad: list[float], tillgänglig: float,
                  först: list[float] | None = None) -> list[float] | None:
    """Column widths (points): every column its wanted width if they all fit, else its minimum plus a share
    of what is left in proportion to how much more it wants; None if not even the minimums fit. `först`
    (between the two): widths to reach before anything goes further, e.g. the rows on one line before the
    headings on one line, since a wrapped label makes every row taller and a wrapped heading only one."""
    if sum(minsta) > tillgänglig + 1e-6:
        return None
    if sum(önskad) <= tillgänglig:
        return list(önskad)
    if först is not None:
        if sum(först) <= tillgänglig:
            return kolumnbredder(först, önskad, tillgänglig)
        önskad = först
    rest = tillgänglig - sum(minsta)
    vill = sum(o - m for m, o in zip(minsta, önskad, strict=True))
    return [m + (o - m) * rest / vill for m, o in zip(minsta, önskad, strict=True)]


def cellbredd_behövs(text: str, storlek: float, fet: bool = False) -> float:
    """What a column needs (points, cell margins included) for this cell not to break a number or a word."""
    return minsta_bredd(text, storlek, fet) + 2 * CELLMARGINAL + LUFT


# ---------------------------------------------------------------- the document


def ordna_dokument(doc: Document) -> None:
    """Lay out every table of a rendered document (see the module docstring) and keep headings with what
    follows them."""
    from docx.document import Document as _Document

    doc = _Document(doc.element, doc.part)  # a fresh view: docxtpl replaced the body after python-docx read it
    sektion = doc.sections[-1]
    bredd = Cm(25.7).pt  # landscape A4 with 2 cm margins, when the template does not say
    if sektion.page_width is not None and sektion.left_margin is not None and sektion.right_margin is not None:
        bredd = Length(sektion.page_width - sektion.left_margin - sektion.right_margin).pt
    # Tables with the same heading row between two page breaks (the KS report's drift and investment
    # tables) get the same widths.
    grupper: dict[tuple[int, tuple[str, ...]], list[tuple[Table, list[list[_Cell]]]]] = {}
    sida = 0
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            if el.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None or any(
                    br.get(qn("w:type")) == "page" for br in el.iter(qn("w:br"))):
                sida += 1
            continue
        if el.tag != qn("w:tbl"):
            continue
        t = Table(el, doc)
        rader = _förbered(t)
        if rader is not None:
            grupper.setdefault((sida, tuple(c.text for c in rader[0])), []).append((t, rader))
        _håll_ihop(t)
    for grupp in grupper.values():
        alla = [(r, i) for _, rader in grupp for i, r in enumerate(rader)]
        storlek, bredder = _mät([r for r, _ in alla], [i == 0 for _, i in alla],
                                lång=max(len(rader) for _, rader in grupp) - 1 > LÅNG_TABELL, tillgänglig=bredd)
        for t, rader in grupp:
            _sätt_bredder(t, rader, storlek, bredder)
    for p in doc.paragraphs:
        namn = p.style.name if p.style is not None else ""
        if namn.startswith(("Heading", "Title", "Rubrik")):
            p.paragraph_format.keep_with_next = True
    for tbl in doc.element.body.iterchildren(qn("w:tbl")):
        före = tbl.getprevious()
        if före is not None and före.tag == qn("w:p"):  # the table's caption or heading stays with it
            p = Paragraph(före, doc)
            if p.text.strip():
                p.paragraph_format.keep_with_next = True


def _celler(t: Table) -> list[list[_Cell]] | None:
    """The cells row by row, or None for a table with merged cells (left as it is)."""
    n = len(t._tbl.tblGrid.gridCol_lst)
    rader = []
    for tr in t._tbl.tr_lst:
        tcs = tr.tc_lst
        if len(tcs) != n or any(tc.grid_span != 1 or tc.vMerge is not None for tc in tcs):
            return None
        rader.append([_Cell(tc, t) for tc in tcs])
    return rader


def ordna_tabell(t: Table, tillgänglig: float) -> None:
    """One table: leave out empty columns, widths from the content, a font size that fits, and rows kept
    together (see the module docstring). `tillgänglig`: the width between the margins, in points."""
    rader = _förbered(t)
    if rader is not None:
        storlek, bredder = _mät(rader, [i == 0 for i in range(len(rader))], len(rader) - 1 > LÅNG_TABELL, tillgänglig)
        _sätt_bredder(t, rader, storlek, bredder)
    _håll_ihop(t)


def _förbered(t: Table) -> list[list[_Cell]] | None:
    """The cells of a table to lay out, empty columns left out; None for a table that is left as it is
    (merged cells, a single row or column)."""
    rader = _celler(t)
    if rader is None or len(rader) < 2 or len(rader[0]) < 2:
        return None
    _ta_bort_tomma_kolumner(t, rader)
    return _celler(t)


def _ta_bort_tomma_kolumner(t: Table, rader: list[list[_Cell]]) -> None:
    grid = t._tbl.tblGrid.gridCol_lst
    for j in reversed(range(len(rader[0]))):
        if len(rader[0]) <= 1:
            break
        if rader[0][j].text.strip() and not any(r[j].text.strip() for r in rader[1:]):
            for r in rader:
                r[j]._tc.getparent().remove(r[j]._tc)
                del r[j]
            grid[j].getparent().remove(grid[j])
            del grid[j]


def _fet(cell: _Cell, rubrik: bool) -> bool:
    runs = [r for p in cell.paragraphs for r in p.runs if r.text.strip()]
    return any(r.bold for r in runs) or (rubrik and not runs)


def _mät(rader: list[list[_Cell]], rubrikrad: list[bool], lång: bool, tillgänglig: float) -> tuple[float, list[float]]:
    """The font size and the column widths (points) for these rows: the largest size in STORLEKAR at which
    the table fits (a long table starts at 7 pt); at 6 pt every column at its minimum."""
    texter = [[(c.text, _fet(c, rubrik)) for c in r] for r, rubrik in zip(rader, rubrikrad, strict=True)]
    kant = 2 * CELLMARGINAL + LUFT
    kolumner = range(len(texter[0]))
    minsta: list[float] = []
    for storlek in STORLEKAR[STORLEKAR.index(7.0) if lång else 0:]:
        minsta = [max(minsta_bredd(r[j][0], storlek, r[j][1]) for r in texter) + kant for j in kolumner]
        önskad = [max(max(önskad_bredd(r[j][0], storlek, r[j][1]) for r in texter) + kant, minsta[j]) for j in kolumner]
        rader_hela = [max([minsta[j]] + [önskad_bredd(r[j][0], storlek, r[j][1]) + kant
                                         for r, rubrik in zip(texter, rubrikrad, strict=True) if not rubrik])
                      for j in kolumner]
        bredder = kolumnbredder(minsta, önskad, tillgänglig, först=rader_hela)
        if bredder is not None:
            return storlek, bredder
    return STORLEKAR[-1], minsta  # not even 6 pt fits: the table goes into the margin, nothing breaks


def _sätt_bredder(t: Table, rader: list[list[_Cell]], storlek: float, bredder: list[float]) -> None:
    tblPr = t._tbl.tblPr
    _element(tblPr, "w:tblW", _TBLPR).attrib.update({qn("w:w"): str(round(sum(bredder) * 20)), qn("w:type"): "dxa"})
    _element(tblPr, "w:tblLayout", _TBLPR).set(qn("w:type"), "fixed")
    marginaler = _element(tblPr, "w:tblCellMar", _TBLPR)
    for sida in ("w:left", "w:right"):
        _element(marginaler, sida, ["w:top", "w:left", "w:start", "w:bottom", "w:right", "w:end"]).attrib.update(
            {qn("w:w"): str(round(CELLMARGINAL * 20)), qn("w:type"): "dxa"})
    for j, gc in enumerate(t._tbl.tblGrid.gridCol_lst):
        gc.w = Pt(bredder[j])
    for r in rader:
        for j, c in enumerate(r):
            c.width = Pt(bredder[j])
            tal = är_tal(c.text)
            for p in c.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(storlek)
                    if tal:
                        run.text = run.text.replace(" ", "\u00a0")
                # the paragraph mark too: an empty cell (no change % for a result) would otherwise have the
                # style's larger font and make its row taller than the others
                rpr = _element(p._p.get_or_add_pPr(), "w:rPr", _PPR)
                _element(rpr, "w:sz", _RPR).set(qn("w:val"), str(round(storlek * 2)))
            if tal and c.text.strip():
                _element(c._tc.get_or_add_tcPr(), "w:noWrap", _TCPR)


def _håll_ihop(t: Table) -> None:
    """No row split across pages, the heading row repeated, and a short table kept on one page."""
    rader = t._tbl.tr_lst
    for i, tr in enumerate(rader):
        trPr = tr.get_or_add_trPr()
        _element(trPr, "w:cantSplit", _TRPR)
        if i == 0 and len(rader) > 1:
            _element(trPr, "w:tblHeader", _TRPR)
        if i < len(rader) - 1 and (len(rader) <= 2 * LÅNG_TABELL or i < 3):
            for tc in tr.tc_lst:
                for p in tc.iterchildren(qn("w:p")):
                    Paragraph(p, t).paragraph_format.keep_with_next = True


# The order of the children in Word's XML schema: Word refuses a file whose elements are out of order.
_TBLPR = ["w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize", "w:tblStyleColBandSize",
          "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar",
          "w:tblLook", "w:tblCaption", "w:tblDescription"]
_TRPR = ["w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter", "w:cantSplit",
         "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange"]
_PPR = ["w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
        "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
        "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
        "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
        "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
        "w:rPr", "w:sectPr", "w:pPrChange"]
_RPR = ["w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike", "w:dstrike",
        "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden",
        "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
        "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
        "w:specVanish", "w:oMath"]
_TCPR = ["w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd", "w:noWrap", "w:tcMar",
         "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"]


def _element(parent, tagg: str, ordning: Iterable[str]):  # noqa: ANN001, ANN202 - lxml elements
    """The child `tagg` of `parent`, created at its place in the schema's order if it is not there."""
    el = parent.find(qn(tagg))
    if el is not None:
        return el
    el = OxmlElement(tagg)
    ordning = list(ordning)
    efter = {qn(x) for x in ordning[ordning.index(tagg) + 1:]}
    for child in parent:
        if child.tag in efter:
            child.addprevious(el)
            return el
    parent.append(el)
    return el
