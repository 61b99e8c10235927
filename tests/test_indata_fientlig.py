"""Hostile and ambiguous inputs (issue 12, parts 2–4): sheets, ambiguous numbers, stray cells far out."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from kommunrapport.errors import IndataFel
from kommunrapport.input.ledger import läs_ekonomi
from kommunrapport.input.mapping import VerksamhetsRad, Verksamhetsträd, koppla_rader
from kommunrapport.input.volumes import läs_hemtjänst, läs_volymserier

RUBRIK = ["År", "Månad", "Verksamhet", "Konto", "Utfall", "Budget"]


def arbetsbok(path: Path, blad: dict[str, list[list]], dolda: tuple[str, ...] = ()) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for namn, rader in blad.items():
        ws = wb.create_sheet(namn)
        for r in rader:
            ws.append(r)
        if namn in dolda:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


# --- 2. Sheets -------------------------------------------------------------------------------------

def test_dolt_blad_läses_inte_och_ger_varning(tmp_path):
    path = arbetsbok(tmp_path / "dold.xlsx", {
        "Gammal": [RUBRIK, [2025, 1, "041000", "5010", 999, 999]],
        "Utfall": [RUBRIK, [2025, 1, "041000", "5010", 100, 90]],
    }, dolda=("Gammal",))
    hb = läs_ekonomi(path)
    assert hb.tabell.blad == "Utfall"
    assert hb.data["utfall"].tolist() == [-100.0]
    assert hb.varningar == [f"{path}, blad 'Gammal': bladet är dolt och läses inte, fast det har rubrikraden; "
                            "ange bladet med --blad (eller blad i konfigurationen) om det är det som ska läsas"]


def test_dolt_blad_läses_när_det_anges(tmp_path):
    path = arbetsbok(tmp_path / "dold.xlsx", {
        "Gammal": [RUBRIK, [2025, 1, "041000", "5010", 999, 999]],
        "Utfall": [RUBRIK, [2025, 1, "041000", "5010", 100, 90]],
    }, dolda=("Gammal",))
    hb = läs_ekonomi(path, blad="gammal")
    assert hb.tabell.blad == "Gammal" and hb.data["utfall"].tolist() == [-999.0] and hb.varningar == []


def test_bara_dolda_blad_passar_är_fel(tmp_path):
    path = arbetsbok(tmp_path / "dold.xlsx", {
        "Info": [["Läs mig"]],
        "Data": [RUBRIK, [2025, 1, "041000", "5010", 100, 90]],
    }, dolda=("Data",))
    with pytest.raises(IndataFel) as info:
        läs_ekonomi(path)
    assert str(info.value) == (f"{path}: bara dolda blad har rubrikraden med kolumnerna månad, verksamhet, utfall och "
                               "budget: 'Data'; dolda blad läses inte utan att de anges: ange bladet med --blad (eller "
                               "blad i konfigurationen)")


def test_flera_blad_som_passar_är_fel(tmp_path):
    path = arbetsbok(tmp_path / "två.xlsx", {
        "Utfall": [RUBRIK, [2025, 1, "041000", "5010", 100, 90]],
        "Utfall (kopia)": [RUBRIK, [2025, 1, "041000", "5010", 100, 90]],
    })
    with pytest.raises(IndataFel) as info:
        läs_ekonomi(path)
    assert str(info.value) == (f"{path}: flera blad har rubrikraden med kolumnerna månad, verksamhet, utfall och "
                               "budget: 'Utfall' och 'Utfall (kopia)'; ange vilket som ska läsas med --blad (eller blad "
                               "i konfigurationen)")
    assert läs_ekonomi(path, blad="Utfall (kopia)").tabell.blad == "Utfall (kopia)"


def test_blad_per_år_läses_tillsammans(tmp_path):
    path = arbetsbok(tmp_path / "år.xlsx", {
        "Info": [["Export från ekonomisystemet"]],
        "2024": [RUBRIK, [2024, 1, "041000", "5010", 80, 90], [2024, 2, "041000", "5010", 70, 90]],
        "2025": [RUBRIK, [2025, 1, "041000", "5010", 100, 95]],
    })
    hb = läs_ekonomi(path)
    assert hb.tabell.blad == "2024, 2025"
    assert hb.data[["år", "månad", "utfall", "budget", "källrad"]].values.tolist() == [
        [2024, 1, -80.0, -90.0, 2], [2024, 2, -70.0, -90.0, 3], [2025, 1, -100.0, -95.0, 2]]
    träd = Verksamhetsträd([VerksamhetsRad(id="a", rubrik="A", koder=["041000"])])
    assert koppla_rader(hb, träd)["rad"].tolist() == ["a", "a", "a"]
    utan = Verksamhetsträd([VerksamhetsRad(id="a", rubrik="A", koder=["9"])])
    with pytest.raises(IndataFel) as info:
        koppla_rader(hb, utan)
    assert str(info.value).startswith(f"{path}, blad '2024', rad 2, kolumn C (Verksamhet): verksamheten '041000' "
                                      "(3 rader) finns inte")


def test_blad_per_år_fel_anger_rätt_blad(tmp_path):
    path = arbetsbok(tmp_path / "år.xlsx", {
        "Utfall 2024": [RUBRIK, [2024, 1, "041000", "5010", 80, 90]],
        "Utfall 2025": [RUBRIK, [2025, 1, "041000", "5010", "abc", 95]],
    })
    with pytest.raises(IndataFel) as info:
        läs_ekonomi(path)
    assert str(info.value) == f"{path}, blad 'Utfall 2025', rad 2, kolumn E (Utfall): 'abc' är inget tal"


def test_blad_per_år_utan_årkolumn_tar_året_ur_bladnamnet(tmp_path):
    rubrik = ["Månad", "Verksamhet", "Utfall", "Budget"]
    path = arbetsbok(tmp_path / "år.xlsx", {
        "2024": [rubrik, [12, "041000", 80, 90]],
        "2025": [rubrik, [1, "041000", 100, 95]],
    })
    hb = läs_ekonomi(path)
    assert hb.data[["år", "månad", "utfall"]].values.tolist() == [[2024, 12, -80.0], [2025, 1, -100.0]]


def test_blad_per_år_med_olika_kolumner_är_fel(tmp_path):
    path = arbetsbok(tmp_path / "år.xlsx", {
        "2024": [RUBRIK, [2024, 1, "041000", "5010", 80, 90]],
        "2025": [["År", "Månad", "Verksamhet", "Utfall", "Budget"], [2025, 1, "041000", 100, 95]],
    })
    with pytest.raises(IndataFel) as info:
        läs_ekonomi(path)
    assert str(info.value) == (f"{path}: bladen per år ('2024' och '2025') har inte samma kolumner: '2025' skiljer sig "
                               "från '2024' (år, månad, verksamhet, konto, utfall, budget); ge bladen samma rubrikrad, "
                               "eller ange ett blad med --blad")


def test_blad_per_år_i_volymer(tmp_path):
    rubrik = ["År", "Månad", "Beviljade timmar", "Utförda timmar"]
    path = arbetsbok(tmp_path / "hemtjanst.xlsx", {
        "2024": [rubrik, [2024, 1, 100, 90]],
        "2025": [rubrik, [2025, 1, 110, 95]],
    })
    data = läs_hemtjänst(path)
    beviljade = data.serie("Beviljade timmar")
    assert beviljade.values.tolist() == [[2024, 1, 100.0], [2025, 1, 110.0]]


def test_blad_per_år_i_rapportform_nekas(tmp_path):
    rubrik = ["Serie", "jan", "feb"]
    path = arbetsbok(tmp_path / "serier.xlsx", {
        "2024": [rubrik, ["Antal", 1, 2]],
        "2025": [rubrik, ["Antal", 3, 4]],
    })
    with pytest.raises(IndataFel) as info:
        läs_volymserier(path)
    assert str(info.value) == (f"{path}: exporten är uppdelad på ett blad per år ('2024' och '2025'), och den här "
                               "sortens tabell läses bara från ett blad; samla åren på ett blad eller ange bladet med "
                               "--blad")


# --- 4. A stray cell far out in a sheet ---------------------------------------------------------------

def _med_strö_cell(path: Path, ref: str, värde: object = "x", n: int = 50) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Utfall"
    ws.append(RUBRIK)
    for i in range(n):
        ws.append([2025, 1 + i % 2, "041000", "5010", 100 + i, 90])
    ws[ref] = värde
    wb.save(path)
    return path


@pytest.mark.parametrize(("ref", "n"), [("XFD2000", 50), ("XFD1048576", 50), ("A1048576", 50), ("XFD1", 200)])
def test_strö_cell_långt_ut_läses_inte(tmp_path, ref, n):
    path = _med_strö_cell(tmp_path / "strö.xlsx", ref, n=n)
    hb = läs_ekonomi(path)
    assert len(hb.data) == n and hb.data["utfall"].sum() == -(n * 100 + sum(range(n)))
    assert hb.varningar == [f"{path}, blad 'Utfall': cellen {ref} ligger långt utanför tabellen (A1:F{n + 1}) och "
                            "läses inte; radera den i Excel om den inte hör dit"]


def test_flera_strö_celler(tmp_path):
    path = _med_strö_cell(tmp_path / "strö.xlsx", "XFD2000")
    wb = openpyxl.load_workbook(path)
    for ref in ("ZZ5", "A900000", "B900001", "XFC3000", "XFD1048576"):
        wb["Utfall"][ref] = 1
    wb.save(path)
    hb = läs_ekonomi(path)
    assert len(hb.data) == 50
    assert hb.varningar == [f"{path}, blad 'Utfall': 6 celler ligger långt utanför tabellen (A1:F51) och läses inte: "
                            "ZZ5, XFD2000, XFC3000, A900000, B900001 och …; radera dem i Excel om de inte hör dit"]


def test_strö_cell_nära_tabellen_läses_som_förut(tmp_path):
    path = _med_strö_cell(tmp_path / "nära.xlsx", "K60", 5)  # inside the gap limits: part of the sheet's table
    with pytest.raises(IndataFel) as info:
        läs_ekonomi(path)
    assert str(info.value) == (f"{path}, blad 'Utfall', rad 60, kolumn B (Månad): en tom cell är ingen månad (skriv "
                               "t.ex. 2, feb, februari eller 2025-02)")


def test_strö_cell_minne_är_begränsat(tmp_path):
    """One value at XFD1048576 used to make calamine ask for 550 GB and abort the process."""
    import subprocess
    import sys

    path = _med_strö_cell(tmp_path / "strö.xlsx", "XFD1048576")
    kod = ("import resource, sys\n"
           "resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))\n"
           "from kommunrapport.input.ledger import läs_ekonomi\n"
           f"hb = läs_ekonomi({str(path)!r})\n"
           "print(len(hb.data), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    ut = subprocess.run([sys.executable, "-c", kod], capture_output=True, text=True, timeout=300,
                        env={**__import__("os").environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")})
    assert ut.returncode == 0, ut.stderr[-2000:]
    rader, maxrss_kb = map(int, ut.stdout.split())
    assert rader == 50 and maxrss_kb < 1_000_000


# --- 3. Ambiguous numbers -------------------------------------------------------------------------

def csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_punkt_som_tusental_när_exporten_har_decimalkomma(tmp_path):
    path = csv(tmp_path / "e.csv", "År;Månad;Verksamhet;Utfall;Budget\n"
                                   "2025;1;041000;5.000;1 234,50\n2025;1;042000;12.500;300,00\n")
    hb = läs_ekonomi(path)
    assert hb.data["utfall"].tolist() == [-5000.0, -12500.0]
    assert hb.data["budget"].tolist() == [-1234.5, -300.0]


def test_punkt_som_decimal_när_exporten_har_decimalpunkt(tmp_path):
    path = csv(tmp_path / "e.csv", "År;Månad;Verksamhet;Utfall;Budget\n2025;1;041000;5.000;1234.50\n")
    assert läs_ekonomi(path).data["utfall"].tolist() == [-5.0]


def test_tvetydig_punkt_är_fel_som_ber_om_inställning(tmp_path):
    path = csv(tmp_path / "e.csv", "År;Månad;Verksamhet;Utfall;Budget\n2025;1;041000;300;100\n2025;1;042000;5.000;100\n")
    with pytest.raises(IndataFel) as info:
        läs_ekonomi(path)
    assert str(info.value) == (f"{path}, rad 3, kolumn 'Utfall': '5.000' kan vara 5,000 eller 5 000: exporten visar "
                               "inte om punkten är decimaltecken eller skiljer tusental; ange decimaltecken = \"komma\" "
                               "(punkten skiljer tusental) eller decimaltecken = \"punkt\" under [ekonomi] i "
                               "konfigurationen, eller flaggan --decimaltecken komma eller punkt")
    assert läs_ekonomi(path, decimaltecken="komma").data["utfall"].tolist() == [-300.0, -5000.0]
    assert läs_ekonomi(path, decimaltecken="punkt").data["utfall"].tolist() == [-300.0, -5.0]
    minus = csv(tmp_path / "m.csv", "År;Månad;Verksamhet;Utfall;Budget\n2025;1;041000;300;100\n2025;1;042000;-5.000;100\n")
    with pytest.raises(IndataFel, match="'-5.000' kan vara \u22125,000 eller \u22125 000: "):
        läs_ekonomi(minus)


def test_tvetydig_punkt_i_volymer(tmp_path):
    path = csv(tmp_path / "h.csv", "År;Månad;Beviljade timmar;Utförda timmar\n2025;1;1.250;900\n")
    with pytest.raises(IndataFel, match=r"rad 2, kolumn 'Beviljade timmar': '1.250' kan vara 1,250 eller 1 250: .* "
                                        r"under \[volymer\] i konfigurationen"):
        läs_hemtjänst(path)


def test_procent_i_beloppskolumn_är_fel(tmp_path):
    path = csv(tmp_path / "e.csv", "År;Månad;Verksamhet;Utfall;Budget\n2025;1;041000;12 %;100\n")
    with pytest.raises(IndataFel) as info:
        läs_ekonomi(path)
    assert str(info.value) == f"{path}, rad 2, kolumn 'Utfall': '12 %' är ett procenttal, inget belopp"


def test_tomt_utfall_i_månad_med_belopp_ger_varning(tmp_path):
    path = csv(tmp_path / "e.csv", "År;Månad;Verksamhet;Utfall;Budget\n"
                                   "2025;1;041000;100;90\n2025;1;042000;;90\n2025;2;041000;;90\n2025;2;042000;;90\n")
    hb = läs_ekonomi(path)
    assert hb.data["utfall"].tolist() == [-100.0, 0.0, 0.0, 0.0]  # february has no outcome yet: not data
    assert hb.varningar == [f"{path}: utfallet är tomt på 1 rad i januari 2025 (rad 3), fast månadens övriga rader "
                            "har belopp; en tom cell räknas som 0: skriv 0 om det är rätt, annars exportera på nytt"]


def test_dubbletter_ger_varning_eller_fel(tmp_path):
    rad = "2025;1;041000;5010;100;90\n"
    path = csv(tmp_path / "e.csv", "År;Månad;Verksamhet;Konto;Utfall;Budget\n" + rad + "2025;1;041000;5020;7;9\n"
               + rad + rad)
    hb = läs_ekonomi(path)
    assert hb.data["utfall"].sum() == -307.0  # read as they are: a warning, not a guess
    assert hb.varningar == [f"{path}: 2 rader är exakta kopior av en tidigare rad (rad 4 = rad 2, rad 5 = rad 2); en "
                            "rad som klistrats in två gånger räknas två gånger; ta bort kopiorna om de inte ska vara där"]
    with pytest.raises(IndataFel) as info:
        läs_ekonomi(path, dubbletter="fel")
    assert str(info.value) == (f"{path}: 2 rader är exakta kopior av en tidigare rad (rad 4 = rad 2, rad 5 = rad 2); "
                               "en rad som klistrats in två gånger räknas två gånger; ta bort kopiorna (eller ange "
                               "dubbletter = \"varning\")")


FÖRSTÖRT = "Ã¤ldreomsorg"  # 'äldreomsorg' saved as UTF-8, read as Windows-1252 and saved again


def test_förstörda_tecken_i_exporten(tmp_path):
    path = csv(tmp_path / "e.csv", f"År;Månad;Verksamhet;Utfall;Budget\n2025;1;{FÖRSTÖRT};1;2\n")
    with pytest.raises(IndataFel) as info:
        läs_ekonomi(path)
    assert str(info.value) == (f"{path}, rad 2: filen innehåller förstörda tecken ('Ã¤' i stället för 'ä'): å, ä eller "
                               "ö har förstörts när filen sparats i fel teckenkodning (UTF-8 läst som Windows-1252); "
                               "spara eller exportera filen på nytt som UTF-8")


def test_förstörda_tecken_i_mappning_kommentarer_och_konfiguration(tmp_path):
    from kommunrapport.errors import KonfigurationsFel
    from kommunrapport.input.comments import läs_kommentarer
    from kommunrapport.input.mapping import läs_mappning
    from kommunrapport.settings import läs_konfiguration

    mappning = csv(tmp_path / "m.csv", f"id;rubrik;förälder;koder\nao;{FÖRSTÖRT};;041000\n")
    with pytest.raises(IndataFel, match=r"m.csv, rad 2: filen innehåller förstörda tecken \('Ã¤' i stället för 'ä'\)"):
        läs_mappning(mappning)
    wb = openpyxl.Workbook()
    wb.active.append(["id", "rubrik", "förälder", "koder"])
    wb.active.append(["ao", FÖRSTÖRT, None, "041000"])
    wb.save(tmp_path / "m.xlsx")
    with pytest.raises(KonfigurationsFel) as info:
        läs_mappning(tmp_path / "m.xlsx")
    assert str(info.value).startswith(f"{tmp_path / 'm.xlsx'}, blad 'Sheet', rad 2, kolumn B (rubrik): filen "
                                      "innehåller förstörda tecken ('Ã¤' i stället för 'ä')")
    kommentarer = csv(tmp_path / "k.md", "## ao\nBra.\n\n## Inledning\nNÃ¤mnden …\n")
    with pytest.raises(IndataFel, match=r"k.md, rad 5: filen innehåller förstörda tecken \('Ã¤'"):
        läs_kommentarer(kommentarer)
    konfig = csv(tmp_path / "k.toml", 'namnd = "Ã„ldrenämnden"\n')
    with pytest.raises(KonfigurationsFel) as info:
        läs_konfiguration(konfig, miljö={})
    assert str(info.value).startswith(f"{konfig}, rad 1: filen innehåller förstörda tecken ('Ã„' i stället för 'Ä')")


def test_nya_inställningar_i_konfigurationen(tmp_path):
    from kommunrapport.errors import KonfigurationsFel
    from kommunrapport.settings import läs_konfiguration

    konfig = csv(tmp_path / "k.toml", '[ekonomi]\ndata = "e.csv"\nmappning = "m.csv"\ndecimaltecken = "komma"\n'
                                      'dubbletter = "fel"\n')
    konf = läs_konfiguration(konfig, miljö={})
    assert (konf.ekonomi.decimaltecken, konf.ekonomi.dubbletter) == ("komma", "fel")
    konf = läs_konfiguration(konfig, miljö={"KOMMUNRAPPORT_EKONOMI_DECIMALTECKEN": "punkt"})
    assert konf.ekonomi.decimaltecken == "punkt"
    with pytest.raises(KonfigurationsFel) as info:
        läs_konfiguration(csv(tmp_path / "f.toml", '[ekonomi]\ndata = "e.csv"\nmappning = "m.csv"\n'
                                                   'decimaltecken = ","\n'), miljö={})
    assert str(info.value) == f"{tmp_path / 'f.toml'}: 'ekonomi.decimaltecken' ska vara en av 'komma' eller 'punkt', inte ','"
