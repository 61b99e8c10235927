"""The Excel annex: every table and every chart's data as numbers, one sheet per table.

Written with XlsxWriter (about a quarter of openpyxl's import time and a fraction of its time per cell;
openpyxl is still what reads Excel files). Every text is written as a text cell, never as a formula: a
mapping heading or a nämnd's name that starts with "=" (`=HYPERLINK(…)`, a DDE payload such as
`=cmd|' /C calc'!A0`) stays the text it is.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import numpy as np

from ..model.table import Tabellvy


def _cell(v: object) -> object:
    if v is None:
        return None
    if isinstance(v, (float, np.floating)):
        return None if np.isnan(v) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


# Text starting with one of these is what Excel would take for a formula when the cell is edited: such a
# cell gets Excel's own mark for "typed with a leading apostrophe" (quotePrefix), as Excel does itself.
FORMELTECKEN = ("=", "+", "-", "@", "\t", "\r")

CELLFORMAT = {"heltal": "#,##0", "procent": "0.0%", "text": None,  # 1 397,1 in Swedish Excel
              **{f"tal{d}": "#,##0." + "0" * d for d in range(1, 5)}}  # tal2: −0,45


class _Format:
    """XlsxWriter's cell formats, one per combination (a format object per cell would make a style each)."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.formats: dict[tuple[str | None, bool, bool], Any] = {}

    def __call__(self, talformat: str | None = None, citat: bool = False, rubrik: bool = False) -> Any:
        nyckel = (talformat, citat, rubrik)
        if nyckel not in self.formats:
            egenskaper: dict[str, object] = {}
            if talformat:
                egenskaper["num_format"] = talformat
            if citat:
                egenskaper["quote_prefix"] = True
            if rubrik:  # long headings ('Nettokostnad januari–februari 2025') wrap instead of being cut
                egenskaper |= {"bold": True, "text_wrap": True, "valign": "top"}
            self.formats[nyckel] = self.wb.add_format(egenskaper) if egenskaper else None
        return self.formats[nyckel]


def _skriv(ws: Any, fmt: _Format, rad: int, kolumn: int, v: object, talformat: str | None = None,
           rubrik: bool = False) -> None:
    """One value into a cell (0-based): a number as a number, every text as a string cell."""
    if v == "":  # an empty cell, as openpyxl wrote an empty text
        v = None
    if isinstance(v, str):
        ws.write_string(rad, kolumn, v, fmt(talformat, v.startswith(FORMELTECKEN), rubrik))
    elif isinstance(v, bool):
        ws.write_boolean(rad, kolumn, v, fmt(talformat, False, rubrik))
    elif isinstance(v, (int, float)):
        ws.write_number(rad, kolumn, v, fmt(talformat, False, rubrik))
    elif v is None:
        f = fmt(talformat, False, rubrik)
        if f is not None:  # an empty cell keeps its format, as a cell does in Excel
            ws.write_blank(rad, kolumn, None, f)
    elif isinstance(v, dt.datetime | dt.date):
        standard = "yyyy-mm-dd h:mm:ss" if isinstance(v, dt.datetime) else "yyyy-mm-dd"
        ws.write_datetime(rad, kolumn, v, fmt(talformat or standard, False, rubrik))
    else:
        s = str(v)
        ws.write_string(rad, kolumn, s, fmt(talformat, s.startswith(FORMELTECKEN), rubrik))


def _unikt_bladnamn(namn: list[str], namn_: str) -> str:
    """A sheet name not yet taken (Excel compares them without case): 'Tabell' taken → 'Tabell1', as
    openpyxl names a duplicate."""
    if not any(n.lower() == namn_.lower() for n in namn):
        return namn_
    mönster = re.compile(f"(?P<title>{re.escape(namn_)})(?P<count>\\d*),?", re.I)
    antal = [int(i) for _, i in mönster.findall(",".join(namn)) if i.isdigit()]
    return f"{namn_}{max(antal, default=0) + 1}"


def skriv_vyer(vyer: list[Tabellvy], info: dict[str, str], sökväg: Path) -> None:
    """Write `Tabellvy` tables (see model.table): one sheet each, numbers with their own format."""
    from xlsxwriter import Workbook
    from xlsxwriter.exceptions import FileCreateError

    wb = Workbook(str(sökväg), {"in_memory": True})
    fmt = _Format(wb)
    ws = wb.add_worksheet("Info")
    for i, (k, v) in enumerate(info.items()):
        _skriv(ws, fmt, i, 0, k)
        _skriv(ws, fmt, i, 1, v)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 70)
    namn = ["Info"]
    for vy in vyer:
        namn.append(_unikt_bladnamn(namn, vy.namn))
        ws = wb.add_worksheet(namn[-1])
        df = vy.data
        kolumner = list(df.columns)
        for j, col in enumerate(kolumner):
            _skriv(ws, fmt, 0, j, str(col), rubrik=True)
        längd = [len(str(col)) for col in kolumner]  # the longest text of the first 200 rows and the heading
        for i, rec in enumerate(df.itertuples(index=False)):
            for j, (v, col) in enumerate(zip(rec, kolumner, strict=True)):
                _skriv(ws, fmt, i + 1, j, _cell(v), CELLFORMAT.get(vy.format(i, col)))
                if i < 200:
                    längd[j] = max(längd[j], len(str(v)))
        for j, col in enumerate(kolumner):
            width = längd[j]
            rubrik = min(len(str(col)), 36) / 2 + 2  # a heading wraps onto at most about two lines
            ws.set_column(j, j, min(max(8, width * 0.9 if j == 0 else max(12, rubrik)), 60))
        ws.freeze_panes(1, 1)
    try:
        wb.close()
    except FileCreateError as exc:  # the OSError, which atomisk_mapp says in Swedish with the file's name
        if isinstance(exc.args[0], OSError):
            raise exc.args[0] from None
        raise
