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


# --- the used data range -------------------------------------------------------------------------------
# calamine makes a dense grid of the sheet from its first to its last cell with a value: one stray value at
# XFD1048576 asks for 16 384 × 1 048 576 cells (550 GB) and aborts the process, one at XFD2000 costs 1,7 GB.
# When the sheet's <dimension> says it is far larger than its XML can hold, the cells are scanned, the
# table's own range is found, and calamine reads a copy without the cells far outside it.

_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\b[^>]*\bref="\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?"')
_VÄRDECELL = re.compile(rb'<(?:[\w.-]+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*(?<!/)>\s*<(?:[\w.-]+:)?(?:v|is|f)\b')
_RAD_START = re.compile(rb'<(?:[\w.-]+:)?row\b[^>]*?\br="(\d+)"')
_ARK_DATA_SLUT = re.compile(rb"</(?:[\w.-]+:)?sheetData>")
TÄT_NOG = 2_000_000  # cells: a grid this small is read as it is (about 100 MB at most)
LUCKA_KOLUMNER = 64  # empty columns that end the table's columns
LUCKA_RADER = 10_000  # empty rows that end the table's rows
BITAR = 1 << 22


def kolumnindex(bokstäver: str | bytes) -> int:
    """'A' → 0, 'XFD' → 16383."""
    n = 0
    for ch in bokstäver.decode() if isinstance(bokstäver, bytes) else bokstäver:
        n = n * 26 + ord(ch) - 64
    return n - 1


def kolumnbokstav(index: int) -> str:
    """0 → 'A', 25 → 'Z', 26 → 'AA'."""
    s = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        s = chr(65 + rest) + s
    return s


def _bitar(f):
    """The XML in pieces cut just after a '</row>' (the last piece holds the rest)."""
    rest = b""
    while True:
        chunk = f.read(BITAR)
        data = rest + chunk
        if not chunk:
            if data:
                yield data
            return
        slut = data.rfind(b"row>") + 4
        if slut >= 4:
            yield data[:slut]
            rest = data[slut:]
        else:
            rest = data


def _kanske_glest(z, del_namn: str) -> bool:
    """Whether the sheet may have values far outside its table: its <dimension> allows a grid far larger
    than its XML can hold cells for. Without a <dimension> (openpyxl's write-only mode, some exporters) the
    grid is bounded from the last row's number and the longest column reference, in one pass at C speed."""
    info = z.getinfo(del_namn)
    celler_högst = info.file_size // 10 + 1  # a cell with a value takes at least ~20 bytes of XML
    gräns = max(TÄT_NOG, 4 * celler_högst)
    with z.open(del_namn) as f:
        början = f.read(1 << 16)
        m = _DIMENSION.search(början)
        if m is not None:
            if m.group(3) is None:
                return False
            rader = int(m.group(4)) - int(m.group(2)) + 1
            kolumner = kolumnindex(m.group(3)) - kolumnindex(m.group(1)) + 1
            return rader * kolumner > gräns
        bredd, slut = 1, början
        for bit in iter(lambda: f.read(BITAR), b""):
            slut = (slut[-(1 << 16):] + bit)
            bredd = _bredd(slut, bredd)
        bredd = _bredd(början, bredd)
    sista = None
    for rad in _RAD_START.finditer(slut[-(1 << 16):] if len(slut) > 1 << 16 else slut):
        sista = int(rad.group(1))
    if sista is None:
        return True
    return sista * {1: 26, 2: 702, 3: 16384}[bredd] > gräns


_TRE_BOKSTÄVER = re.compile(rb'r="[A-Z]{3}\d')  # a literal start: searched at C speed
_TVÅ_BOKSTÄVER = re.compile(rb'r="[A-Z]{2}\d')


def _bredd(data: bytes, bredd: int) -> int:
    """The most letters a cell reference in `data` (or before) has: 1 (A–Z), 2 (AA–ZZ) or 3."""
    if bredd < 3 and _TRE_BOKSTÄVER.search(data):
        return 3
    if bredd < 2 and _TVÅ_BOKSTÄVER.search(data):
        return 2
    return bredd


class Dataområde:
    """A copy of an .xlsx file on disk whose sheet holds only the table's range, and the stray cells left out."""

    def __init__(self, kopia: Path, område: str, sista_kolumn: int, sista_rad: int, utanför: list[str],
                 antal_utanför: int):
        self.kopia, self.område, self.utanför, self.antal_utanför = kopia, område, utanför, antal_utanför
        self.sista_kolumn, self.sista_rad = sista_kolumn, sista_rad

    def innanför(self, kolumn: str, rad: int) -> bool:
        return kolumnindex(kolumn) <= self.sista_kolumn and rad <= self.sista_rad

    def varning(self) -> str:
        """What was left out, in Swedish."""
        if self.antal_utanför == 0:
            return ""
        celler = self.utanför + (["…"] if self.antal_utanför > len(self.utanför) else [])
        lista = celler[0] if len(celler) == 1 else ", ".join(celler[:-1]) + " och " + celler[-1]
        if self.antal_utanför == 1:
            return (f"cellen {lista} ligger långt utanför tabellen ({self.område}) och läses inte; radera den i "
                    "Excel om den inte hör dit")
        return (f"{self.antal_utanför} celler ligger långt utanför tabellen ({self.område}) och läses inte: {lista}; "
                "radera dem i Excel om de inte hör dit")


def bladets_dataområde(path: Path, blad: str, rubrikrad: int, sista_rubrikkolumn: int, mapp: Path) -> Dataområde | None:
    """When cells with values lie far outside the table (more than LUCKA_KOLUMNER empty columns right of the
    header's last column, or LUCKA_RADER empty rows below its last row), a copy of the workbook in `mapp`
    without them; None when the sheet is dense enough to read as it is, or is not an .xlsx sheet we can cut.

    `rubrikrad` is 1-based, `sista_rubrikkolumn` 0-based (the header row's last non-empty cell)."""
    import zipfile

    import numpy as np

    try:
        with zipfile.ZipFile(path) as z:
            del_namn = _bladets_del(z, blad)
            if del_namn is None or not _kanske_glest(z, del_namn):
                return None
            # Pass 1: every column with a value, and each row's leftmost column with a value.
            kolumner: set[int] = set()
            rad_min: dict[int, int] = {}
            index_för: dict[bytes, int] = {}
            with z.open(del_namn) as f:
                for bit in _bitar(f):
                    celler = _VÄRDECELL.findall(bit)
                    if not celler:
                        continue
                    k = np.fromiter((index_för.get(c) if c in index_för else index_för.setdefault(c, kolumnindex(c))
                                     for c, _ in celler), dtype=np.int64, count=len(celler))
                    r = np.fromiter((int(n) for _, n in celler), dtype=np.int64, count=len(celler))
                    kolumner.update(np.unique(k).tolist())
                    order = np.lexsort((k, r))
                    r, k = r[order], k[order]
                    först = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
                    for rad, kol in zip(r[först].tolist(), k[först].tolist()):
                        if rad not in rad_min or kol < rad_min[rad]:
                            rad_min[rad] = kol
            if not kolumner:
                return None
            sista_kol = sista_rubrikkolumn
            for kol in sorted(kolumner):
                if kol <= sista_kol or kol - sista_kol <= LUCKA_KOLUMNER:
                    sista_kol = max(sista_kol, kol)
                else:
                    break
            sista_rad = rubrikrad
            for rad in sorted(r for r, kol in rad_min.items() if kol <= sista_kol):
                if rad <= sista_rad or rad - sista_rad <= LUCKA_RADER:
                    sista_rad = max(sista_rad, rad)
                else:
                    break
            if max(kolumner) <= sista_kol and max(rad_min) <= sista_rad:
                return None  # only <dimension> was too large: calamine reads the cells as they are
            # Pass 2: the copy, without the cells right of sista_kol and the rows below sista_rad.
            område = f"A1:{kolumnbokstav(sista_kol)}{sista_rad}"
            utanför: list[str] = []
            antal = 0

            def utanför_cell(m: re.Match) -> bytes:
                nonlocal antal
                ref = _REF.search(m.group(1))
                if ref and (kolumnindex(ref.group(1)) > sista_kol or int(ref.group(2)) > sista_rad):
                    if re.match(rb"\s*<(?:[\w.-]+:)?(?:v|is|f)\b", m.group(2) or b""):
                        antal += 1
                        if len(utanför) < 5:
                            utanför.append((ref.group(1) + ref.group(2)).decode())
                    return b""
                return m.group(0)

            långt_ut = [kolumnbokstav(k).encode() for k in sorted(kolumner) if k > sista_kol]
            har_långt_ut = (re.compile(rb'\br="(?:' + b"|".join(långt_ut) + rb')\d').search
                            if 0 < len(långt_ut) <= 200 else (lambda _: bool(långt_ut)))
            kopia = mapp / "dataomrade.xlsx"
            with zipfile.ZipFile(kopia, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as ut:
                for del_ in _DELAR_FÖR_KOPIAN:
                    if del_ in z.NameToInfo:
                        ut.writestr(del_, z.read(del_))
                with z.open(del_namn) as f, ut.open(del_namn, "w", force_zip64=True) as w:
                    läge = "data"  # → "under" (rows below the table) → "efter" (after </sheetData>)
                    for nr, bit in enumerate(_bitar(f)):
                        if nr == 0:
                            bit = _DIMENSION.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + område.encode()
                                                 + b'"', bit, count=1)
                        if läge == "efter":
                            w.write(bit)
                            continue
                        slut = _ARK_DATA_SLUT.search(bit)
                        data, svans = (bit[: slut.start()], bit[slut.start():]) if slut else (bit, b"")
                        släpp = data
                        if läge == "data":
                            klipp = next((m.start() for m in _RAD_START.finditer(data) if int(m.group(1)) > sista_rad),
                                         None)
                            behåll, släpp = (data, b"") if klipp is None else (data[:klipp], data[klipp:])
                            if har_långt_ut(behåll):
                                behåll = _CELL.sub(utanför_cell, behåll)
                            w.write(behåll)
                            if klipp is not None:
                                läge = "under"
                        if släpp:
                            _CELL.sub(utanför_cell, släpp)  # counts the cells left out below the table
                        if slut:
                            w.write(svans)
                            läge = "efter"
            return Dataområde(kopia, område, sista_kol, sista_rad, utanför, antal)
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
