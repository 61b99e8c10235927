"""The Excel annex: every table and every chart's data as numbers, one sheet per table.

Every text is written as a text cell, never as a formula: a mapping heading or a nämnd's name that
starts with "=" (`=HYPERLINK(…)`, a DDE payload such as `=cmd|' /C calc'!A0`) stays the text it is.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..model.table import Tabellvy


def _cell(v: object) -> object:
    if v is None:
        return None
    if isinstance(v, (float, np.floating)):
        return None if np.isnan(v) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


# Text starting with one of these is what Excel would take for a formula when the cell is edited: such a
# cell gets Excel's own mark for "typed with a leading apostrophe" (quotePrefix), as Excel does itself.
FORMELTECKEN = ("=", "+", "-", "@", "\t", "\r")


def _skriv(ws, rad: int, kolumn: int, v) -> None:
    """One value into a cell: a number as a number, every text as a string cell (data_type 's')."""
    cell = ws.cell(rad, kolumn)
    if isinstance(v, str):
        cell.value = v  # openpyxl makes a text starting with "=" a formula …
        cell.data_type = "s"  # … so it is set back to text, written as an inline string
        if v.startswith(FORMELTECKEN):
            cell.quotePrefix = True
    else:
        cell.value = v


def _skriv_rad(ws, rad: int, värden) -> None:
    for j, v in enumerate(värden, start=1):
        _skriv(ws, rad, j, v)


CELLFORMAT = {"heltal": "#,##0", "procent": "0.0%", "text": None,  # 1 397,1 in Swedish Excel
              **{f"tal{d}": "#,##0." + "0" * d for d in range(1, 5)}}  # tal2: −0,45


def skriv_vyer(vyer: list[Tabellvy], info: dict[str, str], sökväg: Path) -> None:
    """Write `Tabellvy` tables (see model.table): one sheet each, numbers with their own format."""
    wb = Workbook()
    ws = wb.worksheets[0]  # the new workbook's one sheet
    ws.title = "Info"
    for i, (k, v) in enumerate(info.items(), start=1):
        _skriv_rad(ws, i, [k, v])
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 70
    for vy in vyer:
        ws = wb.create_sheet(vy.namn)
        df = vy.data
        _skriv_rad(ws, 1, [str(c) for c in df.columns])
        for cell in ws[1]:  # long headings ('Nettokostnad januari–februari 2025') wrap instead of being cut
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for i, rec in enumerate(df.itertuples(index=False)):
            _skriv_rad(ws, i + 2, [_cell(v) for v in rec])
            for j, col in enumerate(df.columns, start=1):
                fmt = CELLFORMAT.get(vy.format(i, col))
                if fmt:
                    ws.cell(i + 2, j).number_format = fmt
        for j, col in enumerate(df.columns, start=1):
            width = max([len(str(col))] + [len(str(v)) for v in df[col].astype(str)][:200])
            rubrik = min(len(str(col)), 36) / 2 + 2  # a heading wraps onto at most about two lines
            ws.column_dimensions[get_column_letter(j)].width = min(max(8, width * 0.9 if j == 1 else max(12, rubrik)), 60)
        ws.freeze_panes = "B2"
    wb.save(sökväg)
