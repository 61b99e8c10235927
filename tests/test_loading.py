"""Reading CSV and Excel files (loading.läs_tabell) and validating budget exports (validation.läs_ekonomi)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kommunrapport.errors import IndataFel
from kommunrapport.input.files import läs_tabell
from kommunrapport.input.ledger import Tecken, Värden, läs_ekonomi


def har_verksamhet(h: list[str]) -> bool:
    return "verksamhet" in h and "utfall" in h


def skriv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def skriv_xlsx(path: Path, rows: list[list], blad: str = "Utfall") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = blad
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def rad(huvudbok, **kriterier) -> pd.Series:
    """The single row of the ledger matching all criteria."""
    df = huvudbok.data
    mask = np.ones(len(df), dtype=bool)
    for k, v in kriterier.items():
        mask &= (df[k] == v).to_numpy()
    träffar = df.loc[mask]
    assert len(träffar) == 1, (kriterier, df)
    return träffar.iloc[0]


# ---------------------------------------------------------------------------------------------
# CSV: encodings and separators
# ---------------------------------------------------------------------------------------------

ÅÄÖ_CSV = (
    "År;Månad;Verksamhet;Benämning;Utfall;Budget\n"
    "2025;1;041000;Äldreomsorg på Öster;1 234,5;1 000\n"
    "2025;2;042000;Förskola Ängen;-7,25;0\n"
)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252"])
def test_csv_kodningar_ger_samma_tabell(tmp_path, encoding):
    referens = läs_tabell(skriv(tmp_path / "ref.csv", ÅÄÖ_CSV, "utf-8"), har_verksamhet, "x")
    tabell = läs_tabell(skriv(tmp_path / f"{encoding}.csv", ÅÄÖ_CSV, encoding), har_verksamhet, "x")
    assert list(tabell.data.columns) == ["år", "månad", "verksamhet", "benämning", "utfall", "budget"]
    assert tabell.originalrubriker["år"] == "År"  # no BOM glued to the first header
    assert tabell.originalrubriker["benämning"] == "Benämning"
    assert tabell.data["benämning"].tolist() == ["Äldreomsorg på Öster", "Förskola Ängen"]
    assert tabell.data["verksamhet"].tolist() == ["041000", "042000"]
    assert tabell.data["utfall"].tolist() == ["1 234,5", "-7,25"]
    assert tabell.radnummer.tolist() == [2, 3]
    pd.testing.assert_frame_equal(tabell.data, referens.data)


def test_csv_bom_först_i_filen(tmp_path):
    path = skriv(tmp_path / "bom.csv", ÅÄÖ_CSV, "utf-8-sig")
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    tabell = läs_tabell(path, lambda h: h[:1] == ["år"] and har_verksamhet(h), "x")
    assert tabell.data["år"].tolist() == ["2025", "2025"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252"])
def test_läs_ekonomi_kodningar(tmp_path, encoding):
    hb = läs_ekonomi(skriv(tmp_path / "e.csv", ÅÄÖ_CSV, encoding), tecken=Tecken.KOSTNAD_NEGATIV)
    assert hb.data["verksamhet"].tolist() == ["041000", "042000"]
    assert hb.data["utfall"].tolist() == [1234.5, -7.25]
    assert hb.data["budget"].tolist() == [1000.0, 0.0]


@pytest.mark.parametrize(
    ("sep", "text"),
    [
        (";", "År;Månad;Verksamhet;Benämning;Utfall;Budget\n2025;1;041000;Förskola Ängen;1 234,5;10,0\n"
              "2025;2;042000;Äldreomsorg;-7,25;3\n"),
        (",", 'År,Månad,Verksamhet,Benämning,Utfall,Budget\n2025,1,041000,Förskola Ängen,"1 234,5","10,0"\n'
              '2025,2,042000,Äldreomsorg,"-7,25",3\n'),
        ("\t", "År\tMånad\tVerksamhet\tBenämning\tUtfall\tBudget\n2025\t1\t041000\tFörskola Ängen\t1 234,5\t10,0\n"
               "2025\t2\t042000\tÄldreomsorg\t-7,25\t3\n"),
    ],
    ids=["semikolon", "komma", "tab"],
)
def test_csv_avgränsare_upptäcks(tmp_path, sep, text):
    tabell = läs_tabell(skriv(tmp_path / "s.csv", text), har_verksamhet, "x")
    assert list(tabell.data.columns) == ["år", "månad", "verksamhet", "benämning", "utfall", "budget"]
    assert tabell.data["benämning"].tolist() == ["Förskola Ängen", "Äldreomsorg"]
    assert tabell.data["utfall"].tolist() == ["1 234,5", "-7,25"]
    assert tabell.data["budget"].tolist() == ["10,0", "3"]

    hb = läs_ekonomi(tmp_path / "s.csv", tecken=Tecken.KOSTNAD_NEGATIV)
    assert hb.data["utfall"].tolist() == [1234.5, -7.25]
    assert hb.data["budget"].tolist() == [10.0, 3.0]
    assert hb.data["månad"].tolist() == [1, 2]


# ---------------------------------------------------------------------------------------------
# CSV: title rows, blank lines, row numbers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("radslut", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_csv_titelrader_och_tomma_rader(tmp_path, radslut):
    lines = [
        "Ekonomirapport Socialnämnden",  # 1
        "",  # 2
        "Utskriven 2025-03-05;;",  # 3
        "År;Månad;Verksamhet;Utfall;Budget",  # 4  header
        "2025;1;041000;10;20",  # 5
        "",  # 6
        "2025;1;042000;11;21",  # 7
        "",  # 8
        "",  # 9
        "2025;2;041000;12;22",  # 10
        ";;;;",  # 11 empty fields only
        "2025;2;042000;13;23",  # 12
    ]
    path = skriv(tmp_path / "t.csv", radslut.join(lines) + radslut)
    tabell = läs_tabell(path, har_verksamhet, "x")
    assert tabell.rubrikrad == 4
    assert tabell.titlar == ["Ekonomirapport Socialnämnden", "Utskriven 2025-03-05"]
    assert tabell.data["utfall"].tolist() == ["10", "11", "12", "13"]
    assert tabell.radnummer.tolist() == [5, 7, 10, 12]
    assert tabell.plats(2, "utfall").rad == 10


def test_csv_fel_anger_filens_radnummer(tmp_path):
    text = (
        "Rapport\n"  # 1
        "\n"  # 2
        "År;Månad;Verksamhet;Utfall;Budget\n"  # 3
        "2025;1;041000;10;20\n"  # 4
        "\n"  # 5
        "\n"  # 6
        "2025;1;042000;tio;21\n"  # 7
    )
    path = skriv(tmp_path / "f.csv", text)
    with pytest.raises(IndataFel) as info:
        läs_ekonomi(path)
    fel = info.value
    assert fel.plats.rad == 7
    assert fel.plats.kolumn == "'Utfall'"
    assert "'tio' är inget tal" in str(fel)
    assert "rad 7" in str(fel)
    assert len(fel.alla) == 1


def test_csv_komma_med_titel_och_tomma_rader(tmp_path):
    text = (
        "Rapport, februari 2025\n"  # 1
        "\n"  # 2
        "År,Månad,Verksamhet,Utfall,Budget\n"  # 3
        '2025,1,041000,"1 234,5",2\n'  # 4
        "\n"  # 5
        "2025,2,041000,x,2\n"  # 6
    )
    path = skriv(tmp_path / "k.csv", text)
    tabell = läs_tabell(path, har_verksamhet, "x")
    assert tabell.radnummer.tolist() == [4, 6]
    assert tabell.data["utfall"].tolist() == ["1 234,5", "x"]
    with pytest.raises(IndataFel) as info:
        läs_ekonomi(path)
    assert info.value.plats.rad == 6


def test_csv_radnummer_efter_cell_med_radbrytning(tmp_path):
    text = (
        "År;Månad;Verksamhet;Utfall;Budget;Kommentar\n"  # 1
        '2025;1;041000;1;2;"första raden\nandra raden"\n'  # 2-3
        "2025;2;041000;x;2;\n"  # 4
    )
    path = skriv(tmp_path / "nl.csv", text)
    tabell = läs_tabell(path, har_verksamhet, "x")
    assert tabell.data["kommentar"].tolist() == ["första raden\nandra raden", ""]
    assert tabell.radnummer.tolist() == [2, 4]


def test_csv_rad_med_bara_mellanslag_är_tom(tmp_path):
    path = skriv(
        tmp_path / "ws.csv", "År;Månad;Verksamhet;Utfall;Budget\n2025;1;a;1;2\n   \n2025;2;a;3;4\n"
    )
    hb = läs_ekonomi(path, tecken=Tecken.KOSTNAD_NEGATIV)
    assert hb.data["utfall"].tolist() == [1.0, 3.0]
    assert hb.data["källrad"].tolist() == [2, 4]


def test_csv_ersättningstecken(tmp_path):
    text = "År;Månad;Verksamhet;Utfall;Budget\n2025;1;041000;10;20\n2025;1;F\ufffdrskola;10;20\n"
    path = skriv(tmp_path / "trasig.csv", text)
    with pytest.raises(IndataFel) as info:
        läs_tabell(path, har_verksamhet, "x")
    assert "ersättningstecken" in info.value.meddelande
    assert info.value.plats.rad == 3
    with pytest.raises(IndataFel, match="ersättningstecken"):
        läs_ekonomi(path)


def test_csv_utan_rubrikrad(tmp_path):
    path = skriv(tmp_path / "ingen.csv", "a;b;c\n1;2;3\n")
    with pytest.raises(IndataFel, match="hittar ingen rubrikrad med kolumnerna verksamhet"):
        läs_ekonomi(path)


# ---------------------------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------------------------

RUBRIK_H = ["År", "Månad", "Verksamhet", "Konto", "Budget", "Prognos", "Kommentar", "Utfall"]


def test_xlsx_titelrad_koder_och_tal(tmp_path):
    path = skriv_xlsx(
        tmp_path / "e.xlsx",
        [
            ["Ekonomirapport februari 2025"],  # 1
            [],  # 2
            RUBRIK_H,  # 3
            [2025, 1, "041000", "5010", 100, None, "ok", 90.5],  # 4
            [],  # 5
            [2025, 2, "041000", 3510, 50, 1200, None, 40],  # 6
        ],
    )
    tabell = läs_tabell(path, har_verksamhet, "x")
    assert tabell.blad == "Utfall"
    assert tabell.rubrikrad == 3
    assert tabell.titlar == ["Ekonomirapport februari 2025"]
    assert tabell.radnummer.tolist() == [4, 6]
    assert tabell.kolumnbokstäver["utfall"] == "H"
    assert tabell.kolumnbokstäver["verksamhet"] == "C"
    assert tabell.data["verksamhet"].tolist() == ["041000", "041000"]
    utfall = tabell.data["utfall"]
    assert utfall.dtype == "float64" and utfall.tolist() == [90.5, 40.0]  # an all-number column stays numbers
    # In a column of mixed cells a number arrives as its decimal text: 3510 reads like the text '3510'.
    assert tabell.data["konto"].tolist() == ["5010", "3510"]

    hb = läs_ekonomi(path)  # kostnad-positiv: costs become negative, revenue (given negative) positive
    assert hb.data["verksamhet"].tolist() == ["041000", "041000"]
    assert hb.data["konto"].tolist() == ["5010", "3510"]
    assert hb.data["typ"].tolist() == ["kostnad", "intäkt"]
    assert hb.data["år"].tolist() == [2025, 2025]
    assert hb.data["månad"].tolist() == [1, 2]
    assert hb.data["utfall"].tolist() == [-90.5, -40.0]
    assert hb.data["budget"].tolist() == [-100.0, -50.0]
    assert np.isnan(hb.data["prognos"].iloc[0]) and hb.data["prognos"].iloc[1] == -1200.0
    assert hb.data["källrad"].tolist() == [4, 6]


def test_xlsx_fel_anger_excelrad_och_kolumnbokstav(tmp_path):
    path = skriv_xlsx(
        tmp_path / "fel.xlsx",
        [
            ["Ekonomirapport"],  # 1
            RUBRIK_H,  # 2
            [2025, 1, "041000", "5010", 100, None, "", 90],  # 3
            [],  # 4
            [2025, 2, "041000", "5010", 100, None, "", "abc"],  # 5
        ],
        blad="Data",
    )
    with pytest.raises(IndataFel) as info:
        läs_ekonomi(path)
    fel = info.value
    assert fel.plats.rad == 5
    assert fel.plats.blad == "Data"
    assert fel.plats.kolumn == "H (Utfall)"
    assert "kolumn H (Utfall)" in str(fel)
    assert "rad 5" in str(fel)
    assert "'abc' är inget tal" in str(fel)


def test_xlsx_tom_första_kolumn_och_datum_som_månad(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Blad1"
    ws["B2"] = "Rapport"
    for i, h in enumerate(["År", "Månad", "Verksamhet", "Konto", "Budget", "Prognos", "Utfall"]):
        ws.cell(row=4, column=2 + i, value=h)
    for i, v in enumerate([2025, dt.datetime(2025, 2, 1), "041000", "5010", 1, None, "x"]):
        ws.cell(row=5, column=2 + i, value=v)
    for i, v in enumerate([2025, dt.datetime(2025, 3, 1), "041000", "5010", 1, None, 7]):
        ws.cell(row=6, column=2 + i, value=v)
    path = tmp_path / "b.xlsx"
    wb.save(path)

    tabell = läs_tabell(path, har_verksamhet, "x")
    assert tabell.rubrikrad == 4
    assert tabell.radnummer.tolist() == [5, 6]
    assert tabell.kolumnbokstäver["år"] == "B"
    assert tabell.kolumnbokstäver["utfall"] == "H"
    with pytest.raises(IndataFel) as info:
        läs_ekonomi(path)
    assert info.value.plats.rad == 5 and info.value.plats.kolumn == "H (Utfall)"
    assert len(info.value.alla) == 1  # the date in the month column is accepted

    ws.cell(row=5, column=8, value=3)
    wb.save(path)
    hb = läs_ekonomi(path)
    assert hb.data["månad"].tolist() == [2, 3]
    assert hb.data["år"].tolist() == [2025, 2025]
    assert hb.data["utfall"].tolist() == [-3.0, -7.0]


def test_xlsx_väljer_blad(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Info"
    ws.append(["Bara text"])
    ws2 = wb.create_sheet("Utfall 2025")
    ws2.append(["År", "Månad", "Verksamhet", "Utfall", "Budget"])
    ws2.append([2025, 3, "041000", 5, 6])
    path = tmp_path / "blad.xlsx"
    wb.save(path)

    tabell = läs_tabell(path, har_verksamhet, "x")
    assert tabell.blad == "Utfall 2025"
    with pytest.raises(IndataFel, match="bladet 'Saknas' finns inte"):
        läs_tabell(path, har_verksamhet, "x", blad="Saknas")
    with pytest.raises(IndataFel, match="hittar ingen rubrikrad"):
        läs_tabell(path, har_verksamhet, "x", blad="Info")


def _läs_utan_genväg(monkeypatch, path: Path):
    """läs_tabell with the whole sheet parsed to find the header (no cut-down copy of its first rows)."""
    from kommunrapport.input import files as loading

    with monkeypatch.context() as m:
        m.setattr(loading, "början_av_bladet", lambda *a: None)
        return läs_tabell(path, har_verksamhet, "x")


def _samma_tabell(a, b) -> None:
    pd.testing.assert_frame_equal(a.data, b.data)
    assert a.radnummer.tolist() == b.radnummer.tolist()
    assert (a.rubrikrad, a.titlar, a.kolumnbokstäver, a.originalrubriker) == \
        (b.rubrikrad, b.titlar, b.kolumnbokstäver, b.originalrubriker)


def test_xlsx_rubrik_långt_ner_bland_många_rader(tmp_path, monkeypatch):
    # The header is looked for in rows 1–40 of a cut-down copy of the sheet; the data below is read whole.
    rows = [[f"Rapportrad {i}"] for i in range(1, 35)] + [["År", "Månad", "Verksamhet", "Utfall", "Budget"]]
    rows += [[2025, 1 + i % 12, f"{41000 + i:06d}", i * 1.25, -i] for i in range(200)]
    path = skriv_xlsx(tmp_path / "lång.xlsx", rows)
    import io
    import zipfile

    from kommunrapport.input.xlsx_xml import början_av_bladet

    kopia = början_av_bladet(path, "Utfall", 40)  # what is parsed to find the header: rows 1–40 only
    assert zipfile.ZipFile(io.BytesIO(kopia)).read("xl/worksheets/sheet1.xml").count(b"</row>") == 40
    tabell = läs_tabell(path, har_verksamhet, "x")
    assert tabell.rubrikrad == 35
    assert tabell.titlar[0] == "Rapportrad 1" and len(tabell.titlar) == 34
    assert len(tabell.data) == 200 and tabell.radnummer[[0, -1]].tolist() == [36, 235]
    assert tabell.data["verksamhet"].iloc[-1] == "041199" and tabell.data["utfall"].iloc[-1] == 199 * 1.25
    _samma_tabell(tabell, _läs_utan_genväg(monkeypatch, path))

    path41 = skriv_xlsx(tmp_path / "för_långt_ner.xlsx", [["titel"]] * 40 + rows[34:])
    with pytest.raises(IndataFel, match="hittar ingen rubrikrad"):
        läs_tabell(path41, har_verksamhet, "x")


def test_xlsx_med_namnrymdsprefix(tmp_path, monkeypatch):
    """Exports written with the .NET Open XML SDK prefix every element: <x:row>, <x:c> …"""
    import re
    import zipfile

    källa = skriv_xlsx(tmp_path / "vanlig.xlsx", [["Rapport"], [], ["År", "Månad", "Verksamhet", "Utfall", "Budget"],
                                                  [2025, 2, "041000", 12.5, 10], [2025, 3, "041000", 7, 10]])
    path = tmp_path / "prefix.xlsx"
    with zipfile.ZipFile(källa) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zut:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<(/?)(?![?!])([A-Za-z]+)\b", rb"<\1x:\2", data)
                data = data.replace(b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                                    b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
            zut.writestr(info, data)
    assert b"<x:row" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    from kommunrapport.input.xlsx_xml import början_av_bladet

    assert början_av_bladet(path, "Utfall", 40) is not None
    tabell = läs_tabell(path, har_verksamhet, "x")
    assert tabell.rubrikrad == 3 and tabell.titlar == ["Rapport"]
    assert tabell.data["utfall"].tolist() == [12.5, 7.0]
    _samma_tabell(tabell, _läs_utan_genväg(monkeypatch, path))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
                min_size=1, max_size=30))
def test_xlsx_tal_läses_exakt(tmp_path_factory, tal):
    """A column of numbers comes back as the very same float64 that openpyxl reads from the file."""
    path = tmp_path_factory.mktemp("tal") / "tal.xlsx"
    skriv_xlsx(path, [["År", "Månad", "Verksamhet", "Utfall", "Budget"]]
               + [[2025, 1, "041000", t, 0] for t in tal])
    lagrat = [r[0].value for r in openpyxl.load_workbook(path).active.iter_rows(min_row=2, min_col=4, max_col=4)]
    utfall = läs_tabell(path, har_verksamhet, "x").data["utfall"]
    assert utfall.dtype == "float64"
    assert utfall.tolist() == lagrat


@settings(max_examples=25, deadline=None)
@given(st.lists(st.decimals(min_value=-10**11, max_value=10**11, places=2, allow_nan=False, allow_infinity=False),
                min_size=1, max_size=30))
def test_xlsx_belopp_i_blandad_kolumn_läses_exakt(tmp_path_factory, belopp):
    """In a column where one cell is text ('1 397,1'), amounts in kronor and öre are still exact."""
    from kommunrapport.input.numbers import tolka_tal

    path = tmp_path_factory.mktemp("blandat") / "blandat.xlsx"
    skriv_xlsx(path, [["År", "Månad", "Verksamhet", "Utfall", "Budget"], [2025, 1, "041000", "1 397,1", 0]]
               + [[2025, 1, "041000", float(b), 0] for b in belopp])
    värden, fel = tolka_tal(läs_tabell(path, har_verksamhet, "x").data["utfall"])
    assert not fel.any()
    assert värden.tolist() == [1397.1] + [float(b) for b in belopp]


# ---------------------------------------------------------------------------------------------
# läs_ekonomi: accumulated values, signs, account classes, period, custom columns
# ---------------------------------------------------------------------------------------------


def test_ackumulerade_blir_månadsvärden(tmp_path):
    text = (
        "År;Månad;Verksamhet;Konto;Utfall;Budget\n"
        "2025;3;041000;5010;45;36\n"  # order in the file must not matter
        "2025;1;041000;5010;10;12\n"
        "2025;2;041000;5010;25;24\n"
        "2025;1;042000;5010;1;5\n"
        "2025;2;042000;5010;3;10\n"
        "2025;3;042000;5010;6;15\n"
    )
    path = skriv(tmp_path / "ack.csv", text)

    hb = läs_ekonomi(path, tecken=Tecken.KOSTNAD_NEGATIV, värden=Värden.ACKUMULERADE)
    assert len(hb.data) == 6
    assert [rad(hb, verksamhet="041000", månad=m)["utfall"] for m in (1, 2, 3)] == [10.0, 15.0, 20.0]
    assert [rad(hb, verksamhet="041000", månad=m)["budget"] for m in (1, 2, 3)] == [12.0, 12.0, 12.0]
    assert [rad(hb, verksamhet="042000", månad=m)["utfall"] for m in (1, 2, 3)] == [1.0, 2.0, 3.0]
    assert [rad(hb, verksamhet="041000", månad=m)["källrad"] for m in (1, 2, 3)] == [3, 4, 2]

    hb = läs_ekonomi(path, tecken=Tecken.KOSTNAD_POSITIV, värden=Värden.ACKUMULERADE)
    assert [rad(hb, verksamhet="041000", månad=m)["utfall"] for m in (1, 2, 3)] == [-10.0, -15.0, -20.0]

    hb = läs_ekonomi(path, tecken=Tecken.KOSTNAD_NEGATIV, värden=Värden.MÅNAD)
    assert [rad(hb, verksamhet="041000", månad=m)["utfall"] for m in (1, 2, 3)] == [10.0, 25.0, 45.0]


def test_teckenkonventioner(tmp_path):
    positiv = skriv(
        tmp_path / "pos.csv",
        "År;Månad;Verksamhet;Konto;Utfall;Budget\n2025;1;041000;5010;100;90\n2025;1;041000;3510;-40;-50\n",
    )
    hb = läs_ekonomi(positiv, tecken=Tecken.KOSTNAD_POSITIV)
    kostnad = rad(hb, konto="5010")
    intäkt = rad(hb, konto="3510")
    assert kostnad["utfall"] == -100.0 and kostnad["budget"] == -90.0 and kostnad["typ"] == "kostnad"
    assert intäkt["utfall"] == 40.0 and intäkt["budget"] == 50.0 and intäkt["typ"] == "intäkt"

    negativ = skriv(
        tmp_path / "neg.csv",
        "År;Månad;Verksamhet;Konto;Utfall;Budget\n2025;1;041000;5010;-100;-90\n2025;1;041000;3510;40;50\n",
    )
    hb = läs_ekonomi(negativ, tecken=Tecken.KOSTNAD_NEGATIV)
    assert rad(hb, konto="5010")["utfall"] == -100.0
    assert rad(hb, konto="5010")["budget"] == -90.0
    assert rad(hb, konto="3510")["utfall"] == 40.0


@pytest.mark.parametrize(
    ("konto", "typ"),
    [("3510", "intäkt"), ("3000", "intäkt"), ("4010", "kostnad"), ("5010", "kostnad"), ("6110", "kostnad"),
     ("7010", "kostnad"), ("8410", "kostnad")],
)
def test_kontoklass_ger_typ(tmp_path, konto, typ):
    path = skriv(tmp_path / "k.csv", f"År;Månad;Verksamhet;Konto;Utfall;Budget\n2025;1;041000;{konto};1;2\n")
    hb = läs_ekonomi(path)
    assert hb.data["typ"].tolist() == [typ]
    assert hb.data["konto"].tolist() == [konto]
    assert hb.har_typ


def test_balanskonto_är_fel_med_rad_och_kolumn(tmp_path):
    path = skriv(
        tmp_path / "b.csv",
        "År;Månad;Verksamhet;Konto;Utfall;Budget\n2025;1;041000;5010;1;2\n2025;1;041000;1510;3;4\n",
    )
    with pytest.raises(IndataFel) as info:
        läs_ekonomi(path)
    fel = info.value
    assert fel.plats.rad == 3
    assert fel.plats.kolumn == "'Konto'"
    assert "rad 3" in str(fel) and "kolumn 'Konto'" in str(fel)
    assert "kontot '1510' är inget resultatkonto" in fel.meddelande


def test_period_utan_årkolumn(tmp_path):
    path = skriv(
        tmp_path / "p.csv",
        "Period;Verksamhet;Utfall;Budget\n2025-02;041000;5;6\n202503;041000;7;8\n2024-12-31;041000;1;1\n",
    )
    hb = läs_ekonomi(path, tecken=Tecken.KOSTNAD_NEGATIV)
    assert hb.data["år"].tolist() == [2025, 2025, 2024]
    assert hb.data["månad"].tolist() == [2, 3, 12]
    assert hb.data["utfall"].tolist() == [5.0, 7.0, 1.0]


def test_månad_utan_år_och_utan_årkolumn_är_fel(tmp_path):
    path = skriv(tmp_path / "m.csv", "Månad;Verksamhet;Utfall;Budget\nfeb;041000;5;6\n")
    with pytest.raises(IndataFel, match="saknar kolumnen 'år'"):
        läs_ekonomi(path)


def test_egna_kolumnnamn(tmp_path):
    path = skriv(
        tmp_path / "egna.csv",
        "År;Månad;Verksamhet;Bokfört belopp;Budget;Kommentar\n2025;1;041000;1 234,5;1000;x\n2025;2;041000;-2;0;y\n",
    )
    with pytest.raises(IndataFel, match="hittar ingen rubrikrad"):
        läs_ekonomi(path)  # without the mapping there is no utfall column
    hb = läs_ekonomi(path, tecken=Tecken.KOSTNAD_NEGATIV, kolumner={"utfall": "Bokfört belopp"})
    assert hb.data["utfall"].tolist() == [1234.5, -2.0]
    assert hb.data["budget"].tolist() == [1000.0, 0.0]
    assert hb.data["månad"].tolist() == [1, 2]


def test_ackumulerat_med_ej_stangda_manader_och_prognos(tmp_path):
    """Year-to-date 0 after the last closed month is not a reversal; an accumulated prognos is differenced."""
    rows = ["År;Månad;Verksamhet;Utfall;Budget;Prognos"]
    rows += [f"2025;{m};a;{ {1: 10, 2: 25}.get(m, 0) };{12 * m};{11 * m}" for m in range(1, 13)]
    path = skriv(tmp_path / "ack.csv", "\n".join(rows) + "\n")
    d = läs_ekonomi(path, tecken=Tecken.KOSTNAD_NEGATIV, värden=Värden.ACKUMULERADE).data
    assert d["utfall"].tolist() == [10, 15] + [0] * 10
    assert d["budget"].sum() == 144 and d["prognos"].sum() == 132


def test_utf16_unicode_text_from_excel(tmp_path):
    path = tmp_path / "u.txt"
    path.write_bytes("År\tMånad\tVerksamhet\tUtfall\tBudget\n2025\tfebruari\tÖppen\t1 234,5\t2\n".encode("utf-16"))
    d = läs_ekonomi(path, tecken=Tecken.KOSTNAD_NEGATIV).data
    assert d[["månad", "verksamhet", "utfall"]].values.tolist() == [[2, "Öppen", 1234.5]]


def test_excel_error_cells_are_errors_not_empty(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Utfall"
    ws.append(["Rapport"])
    ws.append(["År", "Månad", "Verksamhet", "Utfall", "Budget"])
    ws.append([2025, 1, "a", 10, 20])
    ws.append([2025, 2, "a", "#REF!", 20])  # openpyxl stores this as an error cell (t="e")
    ws.append([2025, 3, "a", 5, "=B3*2"])  # a formula saved without its value
    wb.save(tmp_path / "fel.xlsx")
    assert ws["D4"].data_type == "e"
    with pytest.raises(IndataFel) as info:
        läs_ekonomi(tmp_path / "fel.xlsx")
    alla = [str(e) for e in info.value.alla]
    assert alla[0].endswith("blad 'Utfall', rad 4, kolumn D (Utfall): cellen innehåller Excel-felet #REF!; rätta "
                            "formeln i Excel och spara om filen")
    assert "rad 5, kolumn E (Budget): formeln har inget sparat värde" in alla[1]


def test_brett_ekonomiformat_med_blockrubriker(tmp_path):
    text = ("Nämndens ekonomi 2025\n"
            "Verksamhet;jan;feb;mar;Totalt\n"
            "Utfall;;;;\n"
            "1000;100;110;0;210\n"
            "2100;500;480;;980\n"
            "Budget;;;;\n"
            "1000;120;120;120;360\n"
            "2100;490;490;490;1470\n")
    d = läs_ekonomi(skriv(tmp_path / "b.csv", text), tecken=Tecken.KOSTNAD_NEGATIV).data
    feb = d[(d["månad"] == 2)].set_index("verksamhet")
    assert feb.loc["2100", "utfall"] == 480 and feb.loc["2100", "budget"] == 490
    assert set(d["år"]) == {2025}  # from the title
    assert feb.loc["1000", "källrad"] == 4


def test_brett_ekonomiformat_utan_matt_ar_ett_fel(tmp_path):
    text = "Verksamhet;År;jan;feb\n1000;2025;100;110\n"
    with pytest.raises(IndataFel, match="rad 2.*okänt mått"):
        läs_ekonomi(skriv(tmp_path / "b.csv", text))


FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("fil", ["ekonomi_xlsxwriter.xlsx", "ekonomi.ods", "ekonomi.xls"])
def test_excel_från_andra_program_och_format(fil):
    """The same ledger saved by XlsxWriter (shared strings, as Excel), as OpenDocument and as Excel 97
    (tests/fixtures/make_fixtures.py) reads alike: dates as months, codes with leading zeros, konto
    stored as a number, a Swedish text amount among numbers, an empty prognos cell."""
    hb = läs_ekonomi(FIXTURES / fil)
    assert hb.tabell.rubrikrad == 3 and hb.tabell.titlar == ["Äldrenämnden – utfall per verksamhet"]
    assert hb.tabell.kolumnbokstäver["utfall"] == "E"
    d = hb.data
    assert d["källrad"].tolist() == [4, 5, 6, 7]
    assert d["månad"].tolist() == [1, 1, 2, 2] and d["år"].tolist() == [2025] * 4
    assert d["verksamhet"].tolist() == ["041000", "041000", "041000", "042000"]
    assert d["konto"].tolist() == ["5010", "3510", "5010", "5010"]
    assert d["typ"].tolist() == ["kostnad", "intäkt", "kostnad", "kostnad"]
    assert d["utfall"].tolist() == [-1234567.89, 45000.5, -1397.1, -0.3]
    assert d["budget"].tolist() == [-1200000.0, 40000.0, -1200000.0, 0.0]
    assert d["prognos"].tolist()[:3] == [-1250000.0, 42000.0, -1250000.0] and np.isnan(d["prognos"].iloc[3])


def test_xlsx_med_delade_strängar_hittar_rubriken_i_kopian(monkeypatch):
    from kommunrapport.input.xlsx_xml import början_av_bladet

    path = FIXTURES / "ekonomi_xlsxwriter.xlsx"
    assert början_av_bladet(path, "Utfall", 40) is not None
    _samma_tabell(läs_tabell(path, har_verksamhet, "x"), _läs_utan_genväg(monkeypatch, path))


# ---------------------------------------------------------------------------------------------
# .xlsx as other programs than openpyxl write it: hand-made sheet XML
# ---------------------------------------------------------------------------------------------

_NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def skriv_rå_xlsx(path: Path, rader: list[str]) -> Path:
    """One sheet 'Utfall' whose <sheetData> holds `rader` as given. Style s="1" is [h]:mm (a duration)."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument'
                   '.spreadsheetml.sheet.main+xml"/></Types>')
        z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   f'package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook {_NS}><sheets><sheet name="Utfall" '
                   'sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/worksheet" '
                   f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{_REL}/styles" '
                   'Target="styles.xml"/></Relationships>')
        z.writestr("xl/styles.xml", '<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
                   'spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="[h]:mm"/>'
                   '</numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1">'
                   '<border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/>'
                   '<xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>')
        z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet {_NS}><sheetData>'
                   + "".join(rader) + "</sheetData></worksheet>")
    return path


def _t(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _rubrik(*namn: str) -> str:
    return '<row r="1">' + "".join(_t(f"{chr(65 + i)}1", n) for i, n in enumerate(namn)) + "</row>"


def test_xlsx_tomma_formaterade_celler_och_formel_som_ger_tom_text(tmp_path):
    """As Excel saves them: an empty formatted cell <c r="C2" s="1"/>, and a formula whose value is ''
    (t="str" with <v/>). Neither is an error; a formula really saved without a value after an empty
    formatted cell is reported in its own cell."""
    path = skriv_rå_xlsx(tmp_path / "excel.xlsx", [
        _rubrik("Verksamhet", "Utfall", "Budget", "Kommentar"),
        '<row r="2">' + _t("A2", "x") + '<c r="B2"><v>1</v></c><c r="C2" s="1"/>'
        '<c r="D2" t="str"><f>IF(B2&gt;C2,"","över")</f><v/></c></row>',
        '<row r="3">' + _t("A3", "y") + '<c r="B3"><v>2</v></c><c r="C3"><v>5</v></c>'
        '<c r="D3" t="str"><f>IF(B3&gt;C3,"","över")</f><v>över</v></c></row>',
    ])
    tabell = läs_tabell(path, har_verksamhet, "x")
    assert tabell.data["utfall"].tolist() == [1.0, 2.0]
    assert tabell.data["kommentar"].fillna("").tolist() == ["", "över"]

    path = skriv_rå_xlsx(tmp_path / "formel.xlsx", [
        _rubrik("Verksamhet", "Utfall") .replace("</row>", '<c r="C1" s="1"/></row>'),
        '<row r="2"><c r="A2"><f>"x"</f></c><c r="B2"><v>1</v></c></row>',
        '<row r="3">' + _t("A3", "y") + '<c r="B3" s="1"/><c r="C3"><f>B2*2</f><v></v></c></row>',
    ])
    with pytest.raises(IndataFel) as info:
        läs_tabell(path, har_verksamhet, "x")
    assert [(f.plats.rad, f.plats.kolumn) for f in info.value.alla] == [(2, "A (Verksamhet)"), (3, "C")]  # C has no header
    assert "formeln har inget sparat värde" in str(info.value.alla[0])


def test_xlsx_sant_falskt_bland_tal_är_fel_men_inte_bland_text(tmp_path):
    path = skriv_rå_xlsx(tmp_path / "sant.xlsx", [
        _rubrik("Verksamhet", "Utfall", "Klar"),
        '<row r="2">' + _t("A2", "x") + '<c r="B2"><v>100</v></c><c r="C2" t="b"><v>1</v></c></row>',
        '<row r="3">' + _t("A3", "y") + '<c r="B3" t="b"><v>1</v></c>' + _t("C3", "nej") + "</row>",
        '<row r="4">' + _t("A4", "z") + '<c r="B4"><v>200</v></c><c r="C4" t="b"><v>0</v></c></row>',
    ])
    with pytest.raises(IndataFel) as info:
        läs_tabell(path, har_verksamhet, "x")
    assert [(f.plats.rad, f.plats.kolumn) for f in info.value.alla] == [(3, "B (Utfall)")]  # not the text column C
    assert "SANT/FALSKT, inte ett tal" in str(info.value)


def test_xlsx_varaktighet_bland_tal_läses_som_text(tmp_path):
    """fastexcel cannot put a duration ([h]:mm) and numbers in one column: the sheet is then read as
    text, and the duration is an error in its cell, not a sheet that cannot be read."""
    path = skriv_rå_xlsx(tmp_path / "tid.xlsx", [
        _rubrik("År", "Månad", "Verksamhet", "Utfall", "Budget"),
        '<row r="2"><c r="A2"><v>2025</v></c><c r="B2"><v>1</v></c>' + _t("C2", "041000")
        + '<c r="D2" s="1"><v>5.25</v></c><c r="E2"><v>10</v></c></row>',
        '<row r="3"><c r="A3"><v>2025</v></c><c r="B3"><v>1</v></c>' + _t("C3", "041000")
        + '<c r="D3"><v>7.5</v></c><c r="E3"><v>10</v></c></row>',
    ])
    tabell = läs_tabell(path, har_verksamhet, "x")
    assert tabell.data["utfall"].iloc[1] == "7.5"
    with pytest.raises(IndataFel) as info:
        läs_ekonomi(path)
    assert [(f.plats.rad, f.plats.kolumn) for f in info.value.alla] == [(2, "D (Utfall)")]


def test_xlsx_stora_första_rader_läses_hela(tmp_path, monkeypatch):
    """When the first 40 rows are more XML than the copy may hold, the whole sheet is parsed instead."""
    from kommunrapport.input import xlsx_xml

    path = skriv_xlsx(tmp_path / "stor.xlsx", [[f"titel {i}"] for i in range(38)]
                      + [["Verksamhet", "Utfall"], ["a", 1]])
    monkeypatch.setattr(xlsx_xml, "_HÖGST_I_KOPIAN", 200)
    assert xlsx_xml.början_av_bladet(path, "Utfall", 40) is None
    tabell = läs_tabell(path, har_verksamhet, "x")
    assert tabell.rubrikrad == 39 and tabell.data["utfall"].tolist() == [1.0]


def test_excel_som_inte_går_att_öppna(tmp_path):
    krypterad = tmp_path / "krypterad.xlsx"  # Excel saves a password-protected workbook as an OLE file
    krypterad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    html = skriv(tmp_path / "rapport.xls", "<html><body><table><tr><td>Verksamhet</td></tr></table></body></html>")
    avkortad = tmp_path / "avkortad.xlsx"
    avkortad.write_bytes(FIXTURES.joinpath("ekonomi_xlsxwriter.xlsx").read_bytes()[:3000])
    for path, text in [(krypterad, "lösenordsskyddad"), (html, "webbsida"), (avkortad, "trasig")]:
        with pytest.raises(IndataFel, match=text) as info:
            läs_tabell(path, har_verksamhet, "x")
        assert info.value.plats.fil == str(path) and "\n" not in str(info.value)


@pytest.mark.parametrize("fil", ["ekonomi_sant.ods", "ekonomi_sant.xls"])
def test_sant_falskt_bland_tal_i_ods_och_xls(fil):
    """.ods and .xls have no sheet XML to look in; TRUE among numbers is still an error, not 1."""
    with pytest.raises(IndataFel) as info:
        läs_ekonomi(FIXTURES / fil)
    assert [(f.plats.rad, f.plats.kolumn) for f in info.value.alla] == [(5, "F (Budget)")]
    assert "SANT/FALSKT, inte ett tal" in str(info.value)


def test_xlsx_kolumn_av_varaktigheter_visas_som_i_excel(tmp_path):
    """A column of durations ([h]:mm) reads as the text Excel shows, and an amount written so is an
    error quoting that text."""
    path = skriv_rå_xlsx(tmp_path / "tider.xlsx", [
        _rubrik("År", "Månad", "Verksamhet", "Utfall", "Budget"),
        '<row r="2"><c r="A2"><v>2025</v></c><c r="B2"><v>1</v></c>' + _t("C2", "041000")
        + '<c r="D2" s="1"><v>5.25</v></c><c r="E2"><v>10</v></c></row>',
        '<row r="3"><c r="A3"><v>2025</v></c><c r="B3"><v>2</v></c>' + _t("C3", "041000")
        + '<c r="D3" s="1"><v>0.0208333333333333</v></c><c r="E3"><v>10</v></c></row>',
    ])
    assert läs_tabell(path, har_verksamhet, "x").data["utfall"].tolist() == ["126:00", "0:30"]
    with pytest.raises(IndataFel, match="rad 2, kolumn D \\(Utfall\\): '126:00' är inget tal"):
        läs_ekonomi(path)


def test_summarad_sist_i_exporten_räknas_inte(tmp_path):
    path = skriv_xlsx(tmp_path / "summa.xlsx", [
        ["År", "Månad", "Verksamhet", "Konto", "Utfall", "Budget"],
        [2025, 1, "041000", "5010", 100, 90],
        [2025, 2, "041000", "5010", 50, 90],
        ["Summa", None, None, None, 150, 180],
    ])
    hb = läs_ekonomi(path, Tecken.KOSTNAD_NEGATIV)
    assert hb.data["utfall"].tolist() == [100.0, 50.0]
    assert hb.varningar == [f"{path}, blad 'Utfall', rad 4: 'Summa' är en summarad och räknas inte"]

    # A row without a month that is no total is still an error, and names the empty cell as such.
    path = skriv_xlsx(tmp_path / "tom.xlsx", [
        ["År", "Månad", "Verksamhet", "Konto", "Utfall", "Budget"],
        [2025, 1, "041000", "5010", 100, 90],
        [2025, None, "041000", "5010", 50, 90],
    ])
    with pytest.raises(IndataFel, match="rad 3, kolumn B \\(Månad\\): en tom cell är ingen månad"):
        läs_ekonomi(path)


def test_sammanställningsblad_före_databladet(tmp_path):
    """A first sheet with verksamhet, utfall and budget but no month is a summary, not the export."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sammanställning"
    ws.append(["Verksamhet", "Utfall", "Budget"])
    ws.append(["041000", 150, 180])
    data = wb.create_sheet("Utfall")
    data.append(["År", "Månad", "Verksamhet", "Konto", "Utfall", "Budget"])
    data.append([2025, 1, "041000", "5010", 100, 90])
    path = tmp_path / "två_blad.xlsx"
    wb.save(path)
    hb = läs_ekonomi(path)
    assert hb.tabell.blad == "Utfall" and hb.data["utfall"].tolist() == [-100.0]
    assert läs_ekonomi(path, blad="utfall").tabell.blad == "Utfall"  # sheet names ignore case, as in Excel
    with pytest.raises(IndataFel, match="saknar kolumnen 'månad'"):
        läs_ekonomi(path, blad="Sammanställning")


def test_csv_med_excelandelse(tmp_path):
    path = skriv(tmp_path / "export.xlsx", "År;Månad;Verksamhet;Utfall;Budget\n2025;1;041000;1;2\n")
    with pytest.raises(IndataFel, match="filen är en textfil \\(CSV\\?\\) med ändelsen .xlsx"):
        läs_tabell(path, har_verksamhet, "x")


@pytest.mark.parametrize("titlar", ["", "Utfall per verksamhet\n\n"])
def test_rad_med_för_många_fält_namnges_med_sitt_radnummer(tmp_path, titlar):
    """A ragged line is named by its own line number (title lines counted), and one ragged line does not
    make the decimal comma look like the delimiter."""
    text = titlar + "År;Månad;Verksamhet;Utfall;Budget\n2025;1;1000;100,00;90,00\n2025;2;1000;100,00;90,00;7\n"
    path = skriv(tmp_path / "e.csv", text)
    with pytest.raises(IndataFel) as info:
        läs_ekonomi(path)
    rad = len(titlar.splitlines()) + 3
    assert str(info.value) == (f"{path}, rad {rad}: raden har fler fält än rubrikraden (5); kontrollera avgränsaren "
                               "';' (raden har 6)")
