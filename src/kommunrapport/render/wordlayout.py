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
from typing import TYPE_CHECKING

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table

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
#
# The document is laid out on its lxml elements: python-docx's objects (Paragraph, _Cell, Run) look every
# text and property up again with XPath on each access, which made the layout of a report's tables take
# a good part of a second. Each cell's text is read once, into a _Cell.


_P, _R, _T, _TBL, _TR, _TC = (qn(t) for t in ("w:p", "w:r", "w:t", "w:tbl", "w:tr", "w:tc"))
_P_PR, _R_PR, _TC_PR, _TR_PR = (qn(t) for t in ("w:pPr", "w:rPr", "w:tcPr", "w:trPr"))
_BR, _HYPERLINK, _VAL = qn("w:br"), qn("w:hyperlink"), qn("w:val")
_RUNTECKEN = {qn("w:tab"): "\t", qn("w:ptab"): "\t", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}
_PÅ = ("1", "true", "on")  # ST_OnOff values that mean on (an absent w:val is on too)


def _run_text(r) -> str:  # noqa: ANN001 - a w:r element
    """A run's text as python-docx's Run.text gives it (a tab as \\t, a line break as \\n)."""
    delar = []
    for e in r:
        tag = e.tag
        if tag == _T:
            delar.append(e.text or "")
        elif tag == _BR:
            if e.get(qn("w:type"), "textWrapping") == "textWrapping":
                delar.append("\n")
        elif tag in _RUNTECKEN:
            delar.append(_RUNTECKEN[tag])
    return "".join(delar)


def _stycketext(p) -> str:  # noqa: ANN001 - a w:p element
    """A paragraph's text as python-docx's Paragraph.text gives it (runs and hyperlinks)."""
    delar = []
    for e in p:
        if e.tag == _R:
            delar.append(_run_text(e))
        elif e.tag == _HYPERLINK:
            delar.extend(_run_text(r) for r in e.iterchildren(_R))
    return "".join(delar)


def _på(el) -> bool:  # noqa: ANN001 - an on/off element (w:b), or None
    if el is None:
        return False
    val = el.get(_VAL)
    return val is None or val in _PÅ


class _Cell:
    """A table cell (w:tc) with its text and whether a run with text is bold, read once."""

    __slots__ = ("fet_run", "har_text", "tc", "text")

    def __init__(self, tc) -> None:  # noqa: ANN001 - a w:tc element
        self.tc = tc
        stycken = []
        self.fet_run = self.har_text = False
        for p in tc.iterchildren(_P):
            stycken.append(_stycketext(p))
            for r in p.iterchildren(_R):
                if _run_text(r).strip():
                    self.har_text = True
                    rpr = r.find(_R_PR)
                    self.fet_run = self.fet_run or (rpr is not None and _på(rpr.find(qn("w:b"))))
        self.text = "\n".join(stycken)

    def fet(self, rubrik: bool) -> bool:
        """Bold: a run with text is bold, or a heading cell without runs with text."""
        return self.fet_run or (rubrik and not self.har_text)


def ordna_dokument(doc: Document) -> None:
    """Lay out every table of a rendered document (see the module docstring) and keep headings with what
    follows them."""
    from docx.document import Document as _Document
    from docx.enum.style import WD_STYLE_TYPE

    doc = _Document(doc.element, doc.part)  # a fresh view: docxtpl replaced the body after python-docx read it
    sektion = doc.sections[-1]
    bredd = Cm(25.7).pt  # landscape A4 with 2 cm margins, when the template does not say
    if sektion.page_width is not None and sektion.left_margin is not None and sektion.right_margin is not None:
        bredd = Length(sektion.page_width - sektion.left_margin - sektion.right_margin).pt
    # Tables with the same heading row between two page breaks (the KS report's drift and investment
    # tables) get the same widths.
    grupper: dict[tuple[int, tuple[str, ...]], list[tuple[object, list[list[_Cell]]]]] = {}
    sida = 0
    body = doc.element.body
    sidbrytning, brytning_typ = qn("w:pageBreakBefore"), qn("w:type")
    for el in body.iterchildren():
        if el.tag == _P:
            ppr = el.find(_P_PR)
            if (ppr is not None and ppr.find(sidbrytning) is not None) or any(
                    br.get(brytning_typ) == "page" for br in el.iter(_BR)):
                sida += 1
            continue
        if el.tag != _TBL:
            continue
        rader = _förbered(el)
        if rader is not None:
            grupper.setdefault((sida, tuple(c.text for c in rader[0])), []).append((el, rader))
        _håll_ihop(el)
    for grupp in grupper.values():
        alla = [(r, i) for _, rader in grupp for i, r in enumerate(rader)]
        storlek, bredder = _mät([r for r, _ in alla], [i == 0 for _, i in alla],
                                lång=max(len(rader) for _, rader in grupp) - 1 > LÅNG_TABELL, tillgänglig=bredd)
        for tbl, rader in grupp:
            _sätt_bredder(tbl, rader, storlek, bredder)
    # Headings stay with what follows them: the style of each paragraph by its id, looked up once per id.
    stilar = doc.styles
    standard = stilar.default(WD_STYLE_TYPE.PARAGRAPH)
    namn_för = {s.style_id: s.name or "" for s in stilar if s.type == WD_STYLE_TYPE.PARAGRAPH}
    standardnamn = (standard.name or "") if standard is not None else ""
    pstyle = qn("w:pStyle")
    for p in body.iterchildren(_P):
        ppr = p.find(_P_PR)
        stil = ppr.find(pstyle) if ppr is not None else None
        namn = namn_för.get(stil.get(_VAL), standardnamn) if stil is not None else standardnamn
        if namn.startswith(("Heading", "Title", "Rubrik")):
            _håll_med_nästa(p)
    for tbl in body.iterchildren(_TBL):
        före = tbl.getprevious()
        if före is not None and före.tag == _P and _stycketext(före).strip():
            _håll_med_nästa(före)  # the table's caption or heading stays with it


def _celler(tbl) -> list[list[_Cell]] | None:  # noqa: ANN001 - a w:tbl element
    """The cells row by row, or None for a table with merged cells (left as it is)."""
    grid = tbl.find(qn("w:tblGrid"))
    if grid is None:
        return None
    n = len(grid.findall(qn("w:gridCol")))
    span, vmerge = qn("w:gridSpan"), qn("w:vMerge")
    rader = []
    for tr in tbl.iterchildren(_TR):
        tcs = list(tr.iterchildren(_TC))
        if len(tcs) != n:
            return None
        for tc in tcs:
            tcpr = tc.find(_TC_PR)
            if tcpr is not None:
                gs = tcpr.find(span)
                if tcpr.find(vmerge) is not None or (gs is not None and int(gs.get(_VAL, "1")) != 1):
                    return None
        rader.append([_Cell(tc) for tc in tcs])
    return rader


def ordna_tabell(t: Table, tillgänglig: float) -> None:
    """One table: leave out empty columns, widths from the content, a font size that fits, and rows kept
    together (see the module docstring). `tillgänglig`: the width between the margins, in points."""
    rader = _förbered(t._tbl)
    if rader is not None:
        storlek, bredder = _mät(rader, [i == 0 for i in range(len(rader))], len(rader) - 1 > LÅNG_TABELL, tillgänglig)
        _sätt_bredder(t._tbl, rader, storlek, bredder)
    _håll_ihop(t._tbl)


def _förbered(tbl) -> list[list[_Cell]] | None:  # noqa: ANN001 - a w:tbl element
    """The cells of a table to lay out, empty columns left out; None for a table that is left as it is
    (merged cells, a single row or column)."""
    rader = _celler(tbl)
    if rader is None or len(rader) < 2 or len(rader[0]) < 2:
        return None
    _ta_bort_tomma_kolumner(tbl, rader)
    return rader


def _ta_bort_tomma_kolumner(tbl, rader: list[list[_Cell]]) -> None:  # noqa: ANN001 - a w:tbl element
    grid = tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))
    for j in reversed(range(len(rader[0]))):
        if len(rader[0]) <= 1:
            break
        if rader[0][j].text.strip() and not any(r[j].text.strip() for r in rader[1:]):
            for r in rader:
                r[j].tc.getparent().remove(r[j].tc)
                del r[j]
            grid[j].getparent().remove(grid[j])
            del grid[j]


def _mät(rader: list[list[_Cell]], rubrikrad: list[bool], lång: bool, tillgänglig: float) -> tuple[float, list[float]]:
    """The font size and the column widths (points) for these rows: the largest size in STORLEKAR at which
    the table fits (a long table starts at 7 pt); at 6 pt every column at its minimum."""
    texter = [[(c.text, c.fet(rubrik)) for c in r] for r, rubrik in zip(rader, rubrikrad, strict=True)]
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


def _twips(pt: float) -> str:
    return str(Pt(pt).twips)  # as python-docx writes a Length


def _sätt_bredder(tbl, rader: list[list[_Cell]], storlek: float, bredder: list[float]) -> None:  # noqa: ANN001
    tblPr = _först(tbl, "w:tblPr")
    _element(tblPr, "w:tblW", _TBLPR).attrib.update({qn("w:w"): str(round(sum(bredder) * 20)), qn("w:type"): "dxa"})
    _element(tblPr, "w:tblLayout", _TBLPR).set(qn("w:type"), "fixed")
    marginaler = _element(tblPr, "w:tblCellMar", _TBLPR)
    for sida in ("w:left", "w:right"):
        _element(marginaler, sida, _CELLMAR).attrib.update(
            {qn("w:w"): str(round(CELLMARGINAL * 20)), qn("w:type"): "dxa"})
    w, typ = qn("w:w"), qn("w:type")
    for j, gc in enumerate(tbl.find(qn("w:tblGrid")).iterchildren(qn("w:gridCol"))):
        gc.set(w, _twips(bredder[j]))
    sz = str(round(storlek * 2))
    for r in rader:
        for j, c in enumerate(r):
            tcPr = _först(c.tc, "w:tcPr")
            tcW = _element(tcPr, "w:tcW", _TCPR)
            tcW.set(typ, "dxa")
            tcW.set(w, _twips(bredder[j]))
            tal = är_tal(c.text)
            for p in c.tc.iterchildren(_P):
                for run in p.iterchildren(_R):
                    _element(_först(run, "w:rPr"), "w:sz", _RPR).set(_VAL, sz)
                    if tal:  # as python-docx's run.text = … writes it
                        sätt_runtext(run, _run_text(run).replace(" ", "\u00a0"))
                # the paragraph mark too: an empty cell (no change % for a result) would otherwise have the
                # style's larger font and make its row taller than the others
                rpr = _element(_först(p, "w:pPr"), "w:rPr", _PPR)
                _element(rpr, "w:sz", _RPR).set(_VAL, sz)
            if tal and c.text.strip():
                _element(tcPr, "w:noWrap", _TCPR)


def sätt_runtext(r, text: str) -> None:  # noqa: ANN001 - a w:r element
    """The content of the run `r` (its w:rPr kept) as python-docx's `run.text = text` writes it: one <w:t>
    (xml:space="preserve" when the text starts or ends with white space) unless the text has tabs or line
    breaks, which python-docx writes itself."""
    innehåll = [e for e in r if e.tag != _R_PR]
    if "\t" in text or "\n" in text or "\r" in text or len(innehåll) > 1 or (
            innehåll and (innehåll[0].tag != _T or len(innehåll[0].attrib) > (_XMLSPACE in innehåll[0].attrib))):
        r.text = text  # python-docx's CT_R: tabs and line breaks as Word wants them
        return
    if not text:
        for e in innehåll:
            r.remove(e)
        return
    t = innehåll[0] if innehåll else OxmlElement("w:t")
    t.text = text
    if len(text.strip()) < len(text):
        t.set(_XMLSPACE, "preserve")
    else:
        t.attrib.pop(_XMLSPACE, None)
    if not innehåll:
        r.append(t)


_XMLSPACE = qn("xml:space")


def _håll_ihop(tbl) -> None:  # noqa: ANN001 - a w:tbl element
    """No row split across pages, the heading row repeated, and a short table kept on one page."""
    rader = list(tbl.iterchildren(_TR))
    for i, tr in enumerate(rader):
        trPr = tr.find(_TR_PR)
        if trPr is None:
            trPr = OxmlElement("w:trPr")
            ex = tr.find(qn("w:tblPrEx"))
            if ex is not None:
                ex.addnext(trPr)
            else:
                tr.insert(0, trPr)
        _element(trPr, "w:cantSplit", _TRPR)
        if i == 0 and len(rader) > 1:
            _element(trPr, "w:tblHeader", _TRPR)
        if i < len(rader) - 1 and (len(rader) <= 2 * LÅNG_TABELL or i < 3):
            for tc in tr.iterchildren(_TC):
                for p in tc.iterchildren(_P):
                    _håll_med_nästa(p)


def _håll_med_nästa(p) -> None:  # noqa: ANN001 - a w:p element
    """Keep the paragraph on the page of the next one (<w:keepNext/>, as python-docx writes it)."""
    _element(_först(p, "w:pPr"), "w:keepNext", _PPR).attrib.pop(_VAL, None)


def _först(parent, tagg: str):  # noqa: ANN001, ANN202 - lxml elements
    """The properties child (w:pPr, w:rPr, w:tcPr, w:tblPr) of `parent`, created as its first child."""
    el = parent.find(qn(tagg))
    if el is None:
        el = OxmlElement(tagg)
        parent.insert(0, el)
    return el


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


_CELLMAR = ["w:top", "w:left", "w:start", "w:bottom", "w:right", "w:end"]
_EFTER: dict[tuple[str, int], frozenset[str]] = {}


def _element(parent, tagg: str, ordning: list[str]):  # noqa: ANN001, ANN202 - lxml elements
    """The child `tagg` of `parent`, created at its place in the schema's order if it is not there."""
    el = parent.find(qn(tagg))
    if el is not None:
        return el
    el = OxmlElement(tagg)
    efter = _EFTER.get((tagg, id(ordning)))
    if efter is None:
        efter = _EFTER[(tagg, id(ordning))] = frozenset(qn(x) for x in ordning[ordning.index(tagg) + 1:])
    for child in parent:
        if child.tag in efter:
            child.addprevious(el)
            return el
    parent.append(el)
    return el
