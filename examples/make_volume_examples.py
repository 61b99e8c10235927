#!/usr/bin/env python3
"""Write the volume examples: Äldrenämnden's six published series 2020–2025 as an .xlsx that looks
saved from a report (title rows, one block per series, Årssnitt column, blank rows), from the CSV
beside it (`examples/volymer/an_volymer_2020_2025.csv`, copied unchanged from the published figures).

Run from the repository root: .venv/bin/python examples/make_volume_examples.py
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent / "volymer"
MÅNADER = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def tal(text: str) -> int | None:
    t = text.replace(" ", "").replace("\u00a0", "")
    return int(t) if t else None


def main() -> None:
    with open(HERE / "an_volymer_2020_2025.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Volymer"
    ws.append(["Äldrenämnden – volymer 2020–2025"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["Källa: nämndens månadsrapport, bildspel februari 2025"])
    ws.append([])
    ws.append(["", "År", *MÅNADER, "Årssnitt"])
    for c in ws[4]:
        c.font = Font(bold=True)
    serie = None
    for r in rows:
        if r["serie"] != serie:
            if serie is not None:
                ws.append([])
            serie = r["serie"]
            ws.append([serie])
            ws.cell(ws.max_row, 1).font = Font(bold=True)
        ws.append(["", int(r["år"]), *(tal(r[m]) for m in MÅNADER), tal(r["årssnitt"])])
        for c in ws[ws.max_row][2:]:
            c.number_format = "#,##0"
    ws.column_dimensions["A"].width = 34
    wb.save(HERE / "an_volymer_2020_2025.xlsx")


if __name__ == "__main__":
    main()
