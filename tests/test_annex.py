"""The Excel annex as XlsxWriter writes it, read back with openpyxl (as `validera` and the golden test do):
values, number formats, headings, frozen panes, sheet names and a write error that stays an OSError."""

from __future__ import annotations

import math

import openpyxl
import pandas as pd
import pytest

from kommunrapport.model.table import Tabellvy
from kommunrapport.render.annex import skriv_vyer


def _vy(namn: str, data: pd.DataFrame, **kw) -> Tabellvy:
    return Tabellvy(namn, f"Rubrik {namn}", data, **kw)


@pytest.fixture
def bok(tmp_path):
    resultat = pd.DataFrame({"Verksamhet": ["Hemtjänst", "=HYPERLINK(\"x\")", "-varav natt"],
                             "Avvikelse": [-0.45, 1397.1, float("nan")], "Antal": [76074, 12, 3],
                             "Andel": [0.38, 0.5, 0.125], "Not": ["", "text", "+1"]})
    vyer = [_vy("Resultat", resultat, kolumnformat={"Avvikelse": "tal2", "Andel": "procent"}),
            _vy("Resultat", pd.DataFrame({"År": [2024, 2025], "Utfall": [1.0, 2.0]}), radformat=["tal1", "tal4"]),
            _vy("info", pd.DataFrame({"a": [1]}))]
    sökväg = tmp_path / "bilaga.xlsx"
    skriv_vyer(vyer, {"Rapport": "Ekonomirapport", "Nämnd": "=cmd|' /C calc'!A0"}, sökväg)
    wb = openpyxl.load_workbook(sökväg)
    yield wb
    wb.close()


def test_bladen_i_ordning_och_dubbletter_får_ett_nummer(bok):
    # Excel compares sheet names without case: 'info' after 'Info' becomes 'info1', as openpyxl named it
    assert bok.sheetnames == ["Info", "Resultat", "Resultat1", "info1"]


def test_värden_och_format(bok):
    ws = bok["Resultat"]
    assert [c.value for c in ws[1]] == ["Verksamhet", "Avvikelse", "Antal", "Andel", "Not"]
    assert [c.value for c in ws[2]] == ["Hemtjänst", -0.45, 76074, 0.38, None]  # an empty text is an empty cell
    assert ws["B2"].number_format == "#,##0.00" and ws["C2"].number_format == "#,##0"
    assert ws["D2"].number_format == "0.0%"
    assert ws["B4"].value is None and ws["B4"].number_format == "#,##0.00"  # NaN: empty, with its format
    assert ws["A1"].font.b and ws["A1"].alignment.wrap_text and ws["A1"].alignment.vertical == "top"
    assert ws.freeze_panes == "B2"
    assert ws.column_dimensions["A"].width >= 9 and ws.column_dimensions["B"].width >= 12
    rader = bok["Resultat1"]
    assert rader["B2"].value == 1.0 and rader["B2"].number_format == "#,##0.0"
    assert rader["B3"].number_format == "#,##0.0000"


def test_text_som_liknar_en_formel_är_text(bok):
    ws = bok["Resultat"]
    for cell in (ws["A3"], ws["A4"], ws["E4"], bok["Info"]["B2"]):
        assert cell.data_type == "s" and isinstance(cell.value, str) and cell.quotePrefix
    assert bok["Info"]["B2"].value == "=cmd|' /C calc'!A0"
    assert not ws["A2"].quotePrefix


def test_ett_skrivfel_är_ett_oserror(tmp_path):
    # atomisk_mapp turns an OSError into a Swedish SkrivFel naming the file; XlsxWriter wraps it
    with pytest.raises(OSError):
        skriv_vyer([_vy("A", pd.DataFrame({"x": [math.pi]}))], {}, tmp_path / "saknas" / "bilaga.xlsx")
