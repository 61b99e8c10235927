"""Reading an .xlsx sheet's XML directly, for what calamine cannot tell or does slowly.

- `början_av_bladet`: a small in-memory copy of the workbook with the sheet cut after its first rows,
  so the header row is found in milliseconds in a sheet of a million rows.
- `granska_bladets_xml`: formulas saved without their value and TRUE/FALSE cells, which calamine reads
  as empty and as 1/0.

Both stream the zip member in chunks and use regular expressions, not an XML parser: a sheet's XML
is regular, and a parser would cost as much as calamine itself.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

_RAD_SLUT = re.compile(rb"</(?:[\w.-]+:)?row>")
_ARK_DATA = re.compile(rb"<((?:[\w.-]+:)?)sheetData\b")


_DELAR_FÖR_KOPIAN = ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                     "xl/styles.xml", "xl/sharedStrings.xml")
_HÖGST_I_KOPIAN = 1 << 24  # 16 MB of XML for the first rows; beyond that the whole sheet is parsed


def början_av_bladet(path: Path, blad: str, n: int) -> bytes | None:
    """A copy, in memory, of the .xlsx with the sheet `blad` cut after its first n rows: calamine then
    parses a few kilobytes instead of a million rows to find the header row. The copy holds only the
    parts calamine needs for that (workbook, styles, shared strings, the sheet). None when the sheet's
    XML does not look as expected or its first n rows are very large."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            del_namn = _bladets_del(z, blad)
            if del_namn is None:
                return None
            data, hela_bladet = b"", False
            slut: list[int] = []
            with z.open(del_namn) as f:
                while len(slut) < n and len(data) <= _HÖGST_I_KOPIAN:
                    chunk = f.read(1 << 16)
                    if not chunk:
                        hela_bladet = True
                        break
                    start = max(0, len(data) - 16)  # a closing tag may straddle two chunks
                    data += chunk
                    slut += [m.end() for m in _RAD_SLUT.finditer(data, start) if not slut or m.end() > slut[-1]]
            m = _ARK_DATA.search(data)
            if m is None or not slut:
                return None
            if len(slut) >= n:
                prefix = m.group(1)
                data = data[: slut[n - 1]] + b"</" + prefix + b"sheetData></" + prefix + b"worksheet>"
            elif not hela_bladet:
                return None
            if len(data) > _HÖGST_I_KOPIAN:
                return None
            ut = io.BytesIO()
            with zipfile.ZipFile(ut, "w", zipfile.ZIP_STORED) as kopia:
                for del_ in _DELAR_FÖR_KOPIAN:
                    if del_ in z.NameToInfo:
                        kopia.writestr(del_, z.read(del_))
                kopia.writestr(del_namn, data)
            return ut.getvalue()
    except (KeyError, zipfile.BadZipFile, OSError):
        return None


_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_FORMEL = re.compile(rb"<(?:[\w.-]+:)?f\b")
_VÄRDE = re.compile(rb"<(?:[\w.-]+:)?v>[^<]+</")


def granska_bladets_xml(path: Path, blad: str) -> tuple[list[tuple[str, int, str]], list[tuple[str, int]]]:
    """What calamine reads wrongly in an .xlsx sheet, from its XML: ([(column, row, message)] for
    formulas saved without their value (files written by scripts, not by Excel), which calamine reads
    as empty; [(column, row)] of the TRUE/FALSE cells, which calamine reads as 1/0 in a number column).

    The XML is decompressed in chunks cut between rows; a chunk with neither a formula nor a
    TRUE/FALSE cell is not parsed further."""
    import zipfile

    formler: list[tuple[str, int, str]] = []
    sanningsvärden: list[tuple[str, int]] = []
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return formler, sanningsvärden
    try:
        with zipfile.ZipFile(path) as z:
            del_namn = _bladets_del(z, blad)
            if del_namn is None:
                return formler, sanningsvärden
            rest = b""
            with z.open(del_namn) as f:
                while True:
                    chunk = f.read(1 << 22)
                    data = rest + chunk
                    slut = data.rfind(b"row>") + 4 if chunk else len(data)  # '</row>', '</x:row>'
                    hela, rest = (data[:slut], data[slut:]) if slut >= 4 else (b"", data)
                    if b"<f" in hela or b":f>" in hela or b":f " in hela or b't="b"' in hela:
                        _granska(hela, formler, sanningsvärden)
                    if not chunk:
                        break
    except (KeyError, zipfile.BadZipFile, OSError):
        pass
    return formler, sanningsvärden


def _granska(data: bytes, formler: list, sanningsvärden: list) -> None:
    for m in _CELL.finditer(data):
        attrs, body = m.group(1), m.group(2) or b""
        ref = _REF.search(attrs)
        if not ref:
            continue
        if b't="b"' in attrs:
            sanningsvärden.append((ref.group(1).decode(), int(ref.group(2))))
        elif _FORMEL.search(body) and not _VÄRDE.search(body) and b't="str"' not in attrs and b't="e"' not in attrs:
            formler.append((ref.group(1).decode(), int(ref.group(2)),
                            "formeln har inget sparat värde; öppna filen i Excel och spara den, så att värdet räknas ut"))


def _bladets_del(z, blad: str) -> str | None:
    """The zip member holding the sheet named `blad` ('xl/worksheets/sheet1.xml'), or None."""
    wb = z.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    rid = next((m.group(2) for m in re.finditer(r'<(?:[\w.-]+:)?sheet\b[^>]*name="([^"]*)"[^>]*r:id="([^"]+)"', wb)
                if _xml_text(m.group(1)) == blad), None)
    target = re.search(rf'<(?:[\w.-]+:)?Relationship\b[^>]*(?:Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}")',
                       rels) if rid else None
    if not target:
        return None
    t = (target.group(1) or target.group(2)).lstrip("/")
    return t if t.startswith("xl/") else "xl/" + t


def _xml_text(s: str) -> str:
    import html

    return html.unescape(s)
