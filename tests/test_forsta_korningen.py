"""The first run on a real export: `validera --mappning` lists every code the mapping lacks, with its name
and amounts, and `init --fran-export` writes a starter mapping from the export's codes and names.

The expected amounts are the example export's Utfall column summed per code and year by hand (see
`utfall_per_kod` below, which reads the CSV without kommunrapport)."""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import kör_i_processen

ROOT = Path(__file__).resolve().parents[1]
EKONOMI = ROOT / "examples" / "ekonomi"
NBSP = "\u00a0"




def exportrader() -> list[list[str]]:
    with open(EKONOMI / "ekonomi_2024_2025.csv", encoding="utf-8-sig", newline="") as f:
        return [r for r in csv.reader(f, delimiter=";") if r]


def skriv_export(sökväg: Path, rader: list[list[str]]) -> Path:
    with open(sökväg, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";", lineterminator="\n").writerows(rader)
    return sökväg


def byt_kod(rader: list[list[str]], gammal: str, ny: str) -> list[list[str]]:
    kol = rader[0].index("Verksamhet")
    return [r[:kol] + [ny] + r[kol + 1:] if r[kol] == gammal else r for r in rader]


def utfall_per_kod() -> dict[tuple[str, str], float]:
    """kr per (code, year), from the CSV's text: '121 173,94' → 121173.94."""
    rader = exportrader()
    h = rader[0]
    summa: dict[tuple[str, str], float] = defaultdict(float)
    for r in rader[1:]:
        belopp = r[h.index("Utfall")].replace(NBSP, "").replace(" ", "").replace(",", ".")
        summa[(r[h.index("Verksamhet")], r[h.index("År")])] += float(belopp or 0)
    return summa


def test_utfallet_i_forvantningarna_stammer_med_exporten():
    s = utfall_per_kod()
    assert round(s[("1000", "2024")] / 1e6, 1) == 2.5 and round(s[("1000", "2025")] / 1e6, 1) == 0.2
    assert round(s[("5200", "2024")] / 1e6, 1) == 28.9 and round(s[("5200", "2025")] / 1e6, 1) == 4.3


# ---------------------------------------------------------------- validera --mappning


def test_validera_listar_alla_koder_som_saknas_med_namn_och_belopp(capsys, tmp_path):
    rader = byt_kod(byt_kod(exportrader(), "1000", "9999"), "5200", "5300")
    export = skriv_export(tmp_path / "export.csv", rader)
    mappning = shutil.copy(EKONOMI / "verksamheter.csv", tmp_path / "verksamheter.csv")
    kod, ut, fel = kör_i_processen(capsys, "validera", export, "--mappning", mappning)
    assert kod == 2
    assert ut.splitlines()[-3:] == [
        f"  verksamheter som saknas i {mappning} (kod, namn, rader, utfall):",
        "    '5300' Handläggare myndighet: 72 rader, utfall 2024 28,9 mnkr, 2025 4,3 mnkr",
        "    '9999' Nämnd- och styrelseverksamhet: 96 rader, utfall 2024 2,5 mnkr, 2025 0,2 mnkr",
    ]
    assert fel == (f"fel: {export}: 2 verksamheter i exporten finns inte i {mappning} (utfall sammanlagt 2024 "
                   "31,4 mnkr, 2025 4,5 mnkr): lägg till dem under rätt rad så att inga pengar faller bort ur "
                   "rapporten, eller skriv en ny mappning med kommunrapport init --fran-export\n")


def test_validera_utan_namnkolumn_och_med_kostnad_negativ(capsys, tmp_path):
    rader = byt_kod(exportrader(), "1000", "9999")
    namn = rader[0].index("Verksamhetsnamn")
    export = skriv_export(tmp_path / "export.csv", [r[:namn] + r[namn + 1:] for r in rader])
    mappning = shutil.copy(EKONOMI / "verksamheter.csv", tmp_path / "verksamheter.csv")
    kod, ut, _ = kör_i_processen(capsys, "validera", export, "--mappning", mappning)
    assert kod == 2 and ut.splitlines()[-1] == "    '9999': 96 rader, utfall 2024 2,5 mnkr, 2025 0,2 mnkr"
    kod, ut, _ = kör_i_processen(capsys, "validera", export, "--mappning", mappning, "--tecken", "kostnad-negativ")
    assert ut.splitlines()[-1] == "    '9999': 96 rader, utfall 2024 2,5 mnkr, 2025 0,2 mnkr"  # the export's own sign


def test_validera_en_kod_som_passar_flera_rader(capsys, tmp_path):
    export = skriv_export(tmp_path / "export.csv", byt_kod(exportrader(), "1000", "9999"))
    mappning = tmp_path / "verksamheter.csv"
    text = (EKONOMI / "verksamheter.csv").read_text(encoding="utf-8")
    mappning.write_text(text + "x;X;;99*\ny;Y;;9*\n", encoding="utf-8")
    kod, ut, fel = kör_i_processen(capsys, "validera", export, "--mappning", mappning)
    assert kod == 2 and "saknas i" not in ut
    assert fel == f"fel: {export}, rad 2, kolumn 'Verksamhet': verksamheten '9999' passar flera rader i {mappning}: x, y\n"


def test_validera_allt_finns(capsys, tmp_path):
    kod, ut, fel = kör_i_processen(capsys, "validera", EKONOMI / "ekonomi_2024_2025.csv", "--mappning",
                           EKONOMI / "verksamheter.csv")
    assert (kod, fel) == (0, "")
    assert f"  alla verksamheter finns i {EKONOMI / 'verksamheter.csv'} (9 rapportrader)" in ut.splitlines()


# ---------------------------------------------------------------- init --fran-export

FRÅN_EXEMPLET = """\ufeffid;rubrik;förälder;koder
1000;Nämnd- och styrelseverksamhet;;1000
2100;Hemtjänst egen regi;;2100
2110;Hemtjänst privata utförare (LOV);;2110
2200;Dagverksamhet ordinärt boende;;2200
2300;Hälso- och sjukvård i hemmet;;2300
3100;Vård- och omsorgsboende;;3100
3200;Korttidsboende inkl HSL;;3200
3300;Hälso- och sjukvård särskilt boende;;3300
4100;Öppen verksamhet ej bistånd;;4100
5100;Gemensamma kostnader;;5100
5200;Handläggare myndighet;;5200
"""


def test_init_fran_export_ger_en_mappning_som_forsta_korningen_klarar(capsys, tmp_path):
    kit = tmp_path / "kommun"
    export = EKONOMI / "ekonomi_2024_2025.xlsx"
    kod, _, fel = kör_i_processen(capsys, "init", kit, "--namnd", "Äldrenämnden", "--fran-export", export)
    assert kod == 0, fel
    assert (kit / "verksamheter.csv").read_bytes().decode("utf-8") == FRÅN_EXEMPLET
    assert f"skrev {kit / 'verksamheter.csv'}" in fel.splitlines()
    assert fel.splitlines()[-1].startswith(f"verksamheter.csv har en rad per verksamhet i {export}: ")
    kod, ut, _ = kör_i_processen(capsys, "validera", export, "--mappning", kit / "verksamheter.csv")
    assert kod == 0 and f"  alla verksamheter finns i {kit / 'verksamheter.csv'} (11 rapportrader)" in ut.splitlines()
    shutil.copy(export, kit / "export" / "ekonomi_2025.xlsx")
    kod, _, fel = kör_i_processen(capsys, "kör", "--config", kit / "kommunrapport.toml", "--quiet")
    assert (kod, fel) == (0, "")
    md = (kit / "ut" / "2025-02" / "ekonomirapport_2025-02.md").read_text(encoding="utf-8")
    assert "| Handläggare myndighet |" in md
    total = next(r for r in md.splitlines() if r.startswith("| **Ackumulerad budgetavvikelse 2025** |"))
    celler = [c.strip() for c in total.strip("|").split("|")]
    assert celler[1:3] == ["3,8", "13,3"] and celler[13:] == ["10,0", f"1{NBSP}397,1", f"100{NBSP}%"]


def test_init_fran_export_samma_namn_far_koden_i_rubriken(capsys, tmp_path):
    rader = exportrader()
    kol, namn = rader[0].index("Verksamhet"), rader[0].index("Verksamhetsnamn")
    for r in rader[1:]:
        if r[kol] in ("2100", "2110"):
            r[namn] = "Hemtjänst"
        if r[kol] == "1000":
            r[namn] = ""
    export = skriv_export(tmp_path / "export.csv", rader)
    kod, _, fel = kör_i_processen(capsys, "init", tmp_path / "kit", "--fran-export", export)
    assert kod == 0, fel
    text = (tmp_path / "kit" / "verksamheter.csv").read_text(encoding="utf-8-sig").splitlines()
    assert text[1:4] == ["1000;1000;;1000", "2100;2100 Hemtjänst;;2100", "2110;2110 Hemtjänst;;2110"]


def test_init_fran_export_med_blad(capsys, tmp_path):
    export = EKONOMI / "ekonomi_2024_2025.xlsx"
    kod, _, fel = kör_i_processen(capsys, "init", tmp_path / "kit", "--fran-export", export, "--blad", "finns_inte")
    assert kod == 2 and fel.startswith("fel: ") and "finns_inte" in fel
    assert not (tmp_path / "kit").exists()


def test_init_fran_en_export_som_inte_gar_att_lasa_skriver_ingenting(capsys, tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("a;b\n1;2\n", encoding="utf-8")
    kod, _, fel = kör_i_processen(capsys, "init", tmp_path / "kit", "--fran-export", export)
    assert kod == 2 and fel.startswith(f"fel: {export}") and "internt fel" not in fel
    assert not (tmp_path / "kit").exists()


def test_init_i_en_fil_eller_en_mapp_utan_skrivratt(capsys, tmp_path, monkeypatch):
    (tmp_path / "fil").write_text("x")
    kod, _, fel = kör_i_processen(capsys, "init", tmp_path / "fil")
    assert (kod, fel) == (2, f"fel: {tmp_path / 'fil'} är en fil, inte en mapp; ange en mapp att skriva startfilerna i\n")

    def nekad(self, data):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "write_bytes", nekad)
    kod, _, fel = kör_i_processen(capsys, "init", tmp_path / "kit")
    assert kod == 2
    assert fel.startswith(f"fel: kan inte skriva i {tmp_path / 'kit'}: behörighet saknas")


def test_init_konfigurationen_foljer_exporten_och_namnet_ar_giltig_toml(capsys, tmp_path):
    import tomllib

    kod, _, fel = kör_i_processen(capsys, "init", tmp_path / "kit", "--namnd", 'Nämnden "Vård" \\ omsorg\nrad två',
                          "--fran-export", EKONOMI / "ekonomi_2024_2025.xlsx", "--blad", "Utfall")
    assert kod == 0, fel
    konf = tomllib.loads((tmp_path / "kit" / "kommunrapport.toml").read_text(encoding="utf-8"))
    assert konf["namnd"] == 'Nämnden "Vård" \\ omsorg\nrad två'
    assert (konf["ekonomi"]["data"], konf["ekonomi"]["blad"]) == ("export/ekonomi_*.xlsx", "Utfall")
    kod, _, _ = kör_i_processen(capsys, "init", tmp_path / "kit2", "--fran-export", EKONOMI / "ekonomi_2024_2025.csv")
    konf = tomllib.loads((tmp_path / "kit2" / "kommunrapport.toml").read_text(encoding="utf-8"))
    assert konf["ekonomi"]["data"] == "export/ekonomi_*.csv" and "blad" not in konf["ekonomi"]


@pytest.mark.parametrize("flagga", ["--fran-export", "--från-export"])
def test_init_flaggan_har_bada_stavningarna(capsys, tmp_path, flagga):
    kod, _, _ = kör_i_processen(capsys, "init", tmp_path / "kit", flagga, EKONOMI / "ekonomi_2024_2025.csv")
    assert kod == 0
    assert (tmp_path / "kit" / "verksamheter.csv").read_bytes().decode("utf-8") == FRÅN_EXEMPLET
