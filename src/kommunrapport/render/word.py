"""Word reports from .docx templates with Jinja tags (docxtpl), rendered in a sandbox.

A controller edits the template in Word: tags that Word splits over several runs while editing
still work (docxtpl joins them). A Jinja error or a field that does not exist is reported with
the template's name and the tag, and nothing is written.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from docx.shared import Cm, Length
from docxtpl import DocxTemplate, InlineImage, RichText

from ..errors import KommunrapportFel, KonfigurationsFel
from .markdown import MallenSkenar, cell, jinjafel_på_svenska, miljö, okänt_fält, standardmallar, uttrycksfel
from .wordlayout import ordna_dokument, sätt_runtext

if TYPE_CHECKING:
    from docxtpl.subdoc import Subdoc

    from ..model.table import Tabellvy

# docxcompose (imported by docxtpl) rebinds python-docx's prefix "cp" to the custom-properties namespace for the
# whole process; python-docx then writes the core properties (lastModifiedBy) into a foreign element and Word
# reads an empty one. Only docxcompose's custom properties need its meaning, and a subdoc without a file of its
# own (doc.new_subdoc()) never reads them, so python-docx gets its prefix back.
nsmap["cp"] = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"

BILDBREDD = Cm(13)  # two charts fit on a landscape page


def mallsökväg(namn: str, mallmapp: Path | None) -> Path:
    """The kommun's own template if it has one, else the bundled default."""
    if mallmapp is not None and (Path(mallmapp) / namn).exists():
        return Path(mallmapp) / namn
    return standardmallar() / namn


def _tagg_vid(exc: jinja2.TemplateError) -> str:
    """The tag around the error, from the lines docxtpl kept (XML stripped)."""
    lines = list(getattr(exc, "docx_context", None) or [])
    source, lineno = getattr(exc, "source", None), getattr(exc, "lineno", None)  # a TemplateSyntaxError's
    if not lines and source and lineno:
        lines = [re.sub(r"<[^>]+>", "", source.splitlines()[lineno - 1])]
    mid = lines[3:4] + lines  # docxtpl keeps 3 lines before the error line
    for text in mid:
        taggar = re.findall(r"\{[{%].*?(?:[}%]\}|$)", text)
        if taggar:
            return f" (taggen {taggar[0].strip()})"
    return ""


def rendera_word(mall: Path, kontext_för: Callable[[DocxTemplate], dict[str, Any]], sökväg: Path) -> None:
    """Render `mall` with the context that `kontext_för(doc)` builds (images and sub-documents need the
    document), into `sökväg`."""
    try:
        doc = DocxTemplate(str(mall))
        doc.init_docx()
    except Exception as exc:  # noqa: BLE001 - not a zip, missing parts: the template is broken
        raise KonfigurationsFel(f"mallen {mall} kan inte läsas som Word-dokument ({type(exc).__name__})") from exc
    try:
        kontext = kontext_för(doc)
    except KeyError as exc:  # python-docx: a style the sub-document needs is not in the template
        raise KonfigurationsFel(f"mallen {mall.name} saknar formatmallen {exc.args[0]!s}; utgå från "
                                "standardmallen (kommunrapport init) och ändra den") from exc
    try:
        doc.render(kontext, jinja_env=miljö(word=True), autoescape=True)
    except jinja2.UndefinedError as exc:
        raise KonfigurationsFel(f"mallen {mall.name}: fältet '{okänt_fält(exc)}' finns inte") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise KonfigurationsFel(f"mallen {mall.name}: syntaxfel i en tagg{_tagg_vid(exc)}: "
                                f"{jinjafel_på_svenska(exc.message)}") from exc
    except MallenSkenar as exc:  # a runaway: the line of Word's XML says nothing to a user, the tag does
        raise KonfigurationsFel(f"mallen {mall.name}{_tagg_vid(exc)}: {exc.text}") from None
    except jinja2.exceptions.SecurityError as exc:
        raise KonfigurationsFel(f"mallen {mall.name}: otillåten operation i mallen") from exc
    except KommunrapportFel:
        raise
    except Exception as exc:  # noqa: BLE001 - an expression of the template failed ({{ 1/0 }}, a filter on text)
        fel = uttrycksfel(exc, mall.name, rad=0)  # a line of Word's XML says nothing to a user
        raise KonfigurationsFel(fel.meddelande) from exc
    ordna_dokument(doc.docx)  # widths from the content, no empty columns, headings kept with their tables
    egenskaper = doc.docx.core_properties  # python-docx names itself the author of the templates it built
    if egenskaper.author in ("", "python-docx"):
        egenskaper.author = "kommunrapport"
    if egenskaper.last_modified_by in ("", "python-docx"):
        egenskaper.last_modified_by = "kommunrapport"
    doc.save(str(sökväg))


def bild(doc: DocxTemplate, sökväg: Path, bredd: Length = BILDBREDD) -> InlineImage:
    return InlineImage(doc, str(sökväg), width=bredd)


def stycke(markdown: str) -> str:
    """Markdown text as Word text: lines of one paragraph are joined (Word wraps them itself), list items
    keep their own lines (as •), and **fet**/*kursiv* markers are dropped."""
    out = []
    for block in re.split(r"\n\s*\n", markdown.strip()):
        lines: list[str] = []
        current: list[str] = []
        for line in block.splitlines():
            item = re.match(r"^\s*[-*+]\s+(.*)", line)
            if item:
                if current:
                    lines.append(" ".join(current))
                current = []
                lines.append("• " + item.group(1).strip())
            else:
                current.append(line.strip())
        if current:
            lines.append(" ".join(current))
        out.append("\n".join(x for x in lines if x))
    text = "\n".join(b for b in out if b)
    return re.sub(r"(\*\*|__)(.+?)\1", r"\2", text).replace("*", "") if text else ""


def fet(text: str, fet: bool) -> RichText:
    return RichText(text, bold=fet)


def lägg_till_tabell(sub: Subdoc, vy: Tabellvy, rubrik: bool = True) -> None:
    """A Tabellvy (see model.table) as a real Word table in a sub-document: headings bold, numbers right.
    Widths and font size are set when the document is saved (wordlayout.ordna_dokument).

    python-docx makes the table and one row; the rows are copies of that row with their runs added on the
    XML elements (the XML python-docx's add_run, bold, font.size and alignment write), since python-docx
    works out the whole grid of the table again for every cell it is asked for."""
    if rubrik:
        sub.add_paragraph(vy.rubrik, style="Heading 2")
    cols = list(vy.data.columns)
    t = sub.add_table(rows=1, cols=len(cols))
    t.style = "Table Grid"
    tbl = t._tbl
    for tc, c in zip(tbl.tr_lst[0].tc_lst, cols, strict=True):
        _stycke(tc).append(_run(str(c), fet=True))
    if vy.data.empty:
        return
    mall = t.add_row()._tr
    tbl.remove(mall)
    for i, rec in enumerate(vy.data.itertuples(index=False)):
        tr = copy.deepcopy(mall)
        for tc, v, c in zip(tr.tc_lst, rec, cols):
            fmt = vy.format(i, c)
            p = _stycke(tc)
            if fmt != "text":
                p.insert(0, OxmlElement("w:pPr"))
                p[0].append(OxmlElement("w:jc", {qn("w:val"): "right"}))
            p.append(_run(cell(v, fmt, vy.plustecken(c))))
        tbl.append(tr)


def _stycke(tc: Any) -> Any:
    return tc.find(qn("w:p"))


def _run(text: str, fet: bool = False) -> Any:
    """<w:r> with the text at 8 pt (bold), as python-docx's add_run(text) and run.font.size = Pt(8) write it."""
    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    if fet:
        rpr.append(OxmlElement("w:b"))
    rpr.append(OxmlElement("w:sz", {qn("w:val"): "16"}))
    r.append(rpr)
    sätt_runtext(r, text)
    return r
