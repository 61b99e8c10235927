"""Report-shaped tables: the real Äldrenämnden volumes and a corpus of hostile files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import kör_cli
from kommunrapport.api import validera
from kommunrapport.errors import IndataFel
from kommunrapport.input.series import läs_serier

ROOT = Path(__file__).resolve().parents[1]
VOLYMER = ROOT / "examples" / "volymer"
PUBLICERAD = Path(__file__).parent / "published" / "an_volymer_2020_2025.csv"
MÅN = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def skriv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


@pytest.fixture(scope="module", params=["an_volymer_2020_2025.csv", "an_volymer_2020_2025.xlsx"])
def volymer(request):
    return läs_serier(VOLYMER / request.param)


def test_six_series_with_every_published_value(volymer):
    d = volymer.data.set_index(["serie", "år", "månad"])["värde"]
    with open(PUBLICERAD, encoding="utf-8") as f:
        published = list(csv.DictReader(f, delimiter=";"))
    n = 0
    for row in published:
        for i, m in enumerate(MÅN, start=1):
            text = row[m].replace(" ", "")
            if text:
                assert d[(row["serie"], int(row["år"]), i)] == float(text)
                n += 1
            else:
                assert (row["serie"], int(row["år"]), i) not in d.index
    assert n == len(volymer.data) == 6 * 5 * 12 + 6 * 3


def test_every_printed_arssnitt_is_checked_and_matches_within_one(volymer):
    assert len(volymer.kontroller) == 30  # six series × 2020–2024 (2025 has no årssnitt)
    assert volymer.varningar == []
    k2023 = next(k for k in volymer.kontroller if k.tryckt == 76213)
    assert k2023.beräknat == pytest.approx(76213.58, abs=0.01)  # the known ±1 case: rounds to 76 214
    assert k2023.stämmer


def test_a_misprinted_arssnitt_is_a_warning_naming_line_and_both_numbers(tmp_path):
    text = PUBLICERAD.read_text(encoding="utf-8").replace(";79 806;76 213", ";79 806;77 213")
    s = läs_serier(skriv(tmp_path / "v.csv", text))
    assert len(s.varningar) == 1
    w = s.varningar[0]
    assert "v.csv, rad 17, kolumn 'årssnitt'" in w
    assert "77\u00a0213 i filen men 76\u00a0213,58 enligt raderna" in w


def test_month_headers_in_yyyy_mm_style_and_no_year_column(tmp_path):
    p = skriv(tmp_path / "h.csv", "Hemtjänst;2025-01;2025-02;2025-03\nbeviljade timmar;100;110;0\n")
    s = läs_serier(p)
    assert s.data[["år", "månad", "värde"]].values.tolist() == [[2025, 1, 100], [2025, 2, 110]]  # 0 = not reported


def test_title_rows_blocks_blank_rows_summa_and_varav(tmp_path):
    text = (
        "Placeringar barn och unga\n"
        "Vårddygn per insats 2025\n"
        "\n"
        "Insats;År;jan;feb;mar;Summa\n"
        "HVB;2025;310;280;;590\n"
        "Familjehem2;2025;1 200;1 150;;2 350\n"
        "- varav konsulentstött familjehem;2025;400;380;;780\n"
        "Summa;2025;1 510;1 430;;2 940\n"
    )
    s = läs_serier(skriv(tmp_path / "p.csv", text))
    d = s.data
    assert set(d["serie"]) == {"HVB", "Familjehem", "- varav konsulentstött familjehem"}  # footnote 2 dropped
    assert d.loc[d["serie"] == "- varav konsulentstött familjehem", "varav_av"].iloc[0] == "Familjehem"
    assert d.loc[(d["serie"] == "Familjehem") & (d["månad"] == 1), "värde"].item() == 1200
    assert s.varningar == []
    assert len(s.kontroller) == 3 + 2  # Summa column on three lines, Summa row for jan and feb
    assert 3 not in set(d["månad"])  # blank march is not data


def test_a_summa_row_that_is_not_the_sum_is_a_warning(tmp_path):
    text = "Insats;År;jan;feb\nHVB;2025;310;280\nFamiljehem;2025;1 200;1 150\nSumma;2025;1 510;1 530\n"
    s = läs_serier(skriv(tmp_path / "p.csv", text))
    assert s.varningar == ["%s, rad 4, kolumn 'feb': Summa för feb är 1\u00a0530 i filen men 1\u00a0430 enligt raderna"
                           % (tmp_path / "p.csv")]
    assert "Summa" not in set(s.data["serie"])


def test_transposed_months_as_rows_with_tertial_and_total_rows(tmp_path):
    rows = ["Ekonomiskt bistånd, utbetalt (kr)", ";2024;2025"]
    v24 = [1_500_000 + 10_000 * m for m in range(12)]
    v25 = [1_600_000, 1_650_000, 1_700_000] + [0] * 9  # months not yet reported are 0
    months = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
              "oktober", "november", "december"]
    for t in range(3):
        for m in range(4 * t, 4 * t + 4):
            rows.append(f"{months[m]};{v24[m]:,};{v25[m]:,}".replace(",", "\u00a0"))
        rows.append(f"Tertial {t + 1} Summa;{sum(v24[4 * t:4 * t + 4])};{sum(v25[4 * t:4 * t + 4])}")
    rows.append(f"Totalsumma;{sum(v24) + 1000};{sum(v25)}")  # misprint in 2024
    s = läs_serier(skriv(tmp_path / "b.csv", "\n".join(rows) + "\n", encoding="cp1252"))
    assert s.layout == "månader som rader"
    assert set(s.data["serie"]) == {"Ekonomiskt bistånd, utbetalt (kr)"}
    d = s.data.set_index(["år", "månad"])["värde"]
    assert d[(2024, 12)] == v24[11] and d[(2025, 3)] == 1_700_000
    assert (2025, 4) not in d.index
    assert len(s.varningar) == 1 and "Totalsumma 2024" in s.varningar[0] and "rad 18" in s.varningar[0]
    assert sum(k.stämmer for k in s.kontroller) == 3 + 1 + 1  # T1–T3 2024, T1 2025, Totalsumma 2025


def test_an_unknown_row_in_a_transposed_table_is_an_error(tmp_path):
    p = skriv(tmp_path / "b.csv", ";2024;2025\njanuari;1;2\nextra rad;3;4\n")
    with pytest.raises(IndataFel, match="rad 3.*'extra rad' är varken en månad"):
        läs_serier(p)


def test_text_in_a_month_cell_names_row_and_column(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Blad1"
    ws.append(["Hemtjänst"])
    ws.append(["", "År", *MÅN[:3]])
    ws.append(["Utförda timmar", 2025, 100, "ej klart", 90])
    wb.save(tmp_path / "h.xlsx")
    with pytest.raises(IndataFel) as e:
        läs_serier(tmp_path / "h.xlsx")
    assert str(e.value) == f"{tmp_path / 'h.xlsx'}, blad 'Blad1', rad 3, kolumn D (feb): 'ej klart' är inget tal"


def test_validera_exit_codes(tmp_path):
    bad = skriv(tmp_path / "bad.csv", PUBLICERAD.read_text(encoding="utf-8").replace(";79 806;76 213", ";79 806;77 213"))
    assert validera(VOLYMER / "an_volymer_2020_2025.csv").slutkod == 0
    assert validera(bad).slutkod == 1
    assert validera(tmp_path / "saknas.csv").slutkod == 2
    run = kör_cli("validera", VOLYMER / "an_volymer_2020_2025.xlsx", bad,
                  ROOT / "examples" / "ekonomi" / "ekonomi_2024_2025.csv", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert "kontrollerade summor och medel: 30 av 30 stämmer" in run.stdout
    assert "varning:" in run.stdout and "77\u00a0213 i filen" in run.stdout
    assert "2025: månader jan–dec, utfall t.o.m. februari" in run.stdout
    run = kör_cli("validera", tmp_path / "saknas.csv", cwd=tmp_path)
    assert run.returncode == 2 and run.stderr.startswith("fel: ") and "finns inte" in run.stderr
    assert "Traceback" not in run.stderr


def test_validera_names_an_unrecognised_file(tmp_path):
    v = validera(skriv(tmp_path / "x.csv", "a;b;c\n1;2;3\n"))
    assert v.slutkod == 2 and "känner inte igen filen" in v.fel[0]


@pytest.mark.parametrize("fil, dataset", [
    ("volymer/hemtjanst.csv", "dataset: hemtjänst (långt format)"),
    ("volymer/placeringar.xlsx", "dataset: placeringar (långt format)"),
    ("volymer/ekonomiskt_bistand.csv", "dataset: ekonomiskt bistånd (långt format)"),
    ("ekonomi/investeringar_2024_2025.csv", "dataset: investeringar (långt format)"),
])
def test_validera_knows_the_long_volume_exports(fil, dataset):
    v = validera(ROOT / "examples" / fil)
    assert v.slutkod == 0 and v.beskrivning[0].startswith(dataset)
