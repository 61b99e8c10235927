"""End-to-end tests of the `kommunrapport` command line.

Each test runs `kommunrapport ekonomi ...` in-process (`kör_cli`, tests/conftest.py) with its working
directory in a temporary folder and checks the exit code, stdout and stderr a user (or cron) sees. A
few smoke tests run `python -m kommunrapport` in a real process: the entry point's exit codes and a
cron-like run with stdin closed and no HOME. Bad inputs are made by copying the example export and
mapping into tmp_path and damaging the copy.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import kör_cli, python_miljö

ROOT = Path(__file__).resolve().parents[1]
EXEMPEL = ROOT / "examples"
EKONOMI = EXEMPEL / "ekonomi"
KONFIG = EXEMPEL / "kommunrapport.toml"
CSV = EKONOMI / "ekonomi_2024_2025.csv"
XLSX = EKONOMI / "ekonomi_2024_2025.xlsx"
MAPPNING = EKONOMI / "verksamheter.csv"

RAPPORT = "ekonomirapport_2025-02.md"
UTFILER = {
    RAPPORT,
    "ekonomirapport_2025-02.docx",
    "bilaga_ekonomirapport_2025-02.xlsx",
    "diagram_avvikelse_per_manad_2025-02.png",
    "diagram_avvikelse_per_verksamhet_2025-02.png",
    "diagram_ekonomisk_utveckling_2025-02.png",
    "diagram_volym_och_pris_hemtjanst_2025-02.png",
}
MENING = (
    "Nämndens budgetavvikelse för perioden januari–februari år 2025 är +13,3 mnkr vilket är en positiv "
    "budgetavvikelse och bättre än samma period år 2024 då avvikelsen var 0,0 mnkr."
)
BOM = b"\xef\xbb\xbf"
# Words that would betray an untranslated (English) message.
ENGELSKA = {"is", "not", "or", "and", "the", "error", "missing", "file", "found", "invalid", "expected",
            "value", "must", "should", "input", "field", "unknown", "required"}


# ---------------------------------------------------------------- helpers


def ekonomi_fel(tmp_path: Path, data: Path, mappning: Path | None = None, month: str = "feb",
                *extra: str) -> list[str]:
    """Run `ekonomi` with --data/--mappning/--out and check the common contract of a failed run.

    Returns the stderr lines with the 'fel: ' prefix removed.
    """
    out = tmp_path / "ut"
    res = kör_cli("ekonomi", "--month", month, "--data", data, "--mappning", mappning or kopiera_mappning(tmp_path),
                  "--out", out, *extra, cwd=tmp_path)
    return kontrollera_fel(res, tmp_path, out)


def kontrollera_fel(res: subprocess.CompletedProcess[str], tmp_path: Path, out: Path) -> list[str]:
    assert res.returncode == 2, f"exit {res.returncode}\nstdout:\n{res.stdout}\nstderr:\n{res.stderr}"
    assert "Traceback" not in res.stderr
    assert res.stdout == ""
    rader = res.stderr.splitlines()
    assert rader, "no error message on stderr"
    assert all(r.startswith("fel: ") for r in rader), rader
    assert not out.exists(), f"{out} was created by a failed run"
    assert list(tmp_path.rglob(".kommunrapport-*")) == [], "staging folder left behind"
    return [r.removeprefix("fel: ") for r in rader]


def engelska_ord(text: str, tmp_path: Path) -> set[str]:
    """English words in a message, with paths (which may contain anything) removed."""
    text = text.replace(str(tmp_path), "")
    return {w for w in re.findall(r"[a-zåäö]+", text.lower()) if w in ENGELSKA}


def läs_exportrader(path: Path = CSV) -> list[str]:
    """The example export's lines (without the BOM and line ends); a last empty element for the final CRLF."""
    raw = path.read_bytes()
    assert raw.startswith(BOM) and b"\r\n" in raw  # the copy keeps the export's real format
    return raw[len(BOM):].decode("utf-8").split("\r\n")


def skriv_export(path: Path, rader: list[str]) -> Path:
    path.write_bytes(BOM + "\r\n".join(rader).encode("utf-8"))
    return path


def kopiera_mappning(tmp_path: Path) -> Path:
    dst = tmp_path / "verksamheter.csv"
    if not dst.exists():
        shutil.copyfile(MAPPNING, dst)
    return dst


def kolumnindex(rubrikrad: str, namn: str) -> int:
    return rubrikrad.split(";").index(namn)


def staging_mappar(*rötter: Path) -> list[Path]:
    return [p for rot in rötter for p in rot.rglob(".kommunrapport-*")]


@pytest.fixture(scope="module")
def referens(exempelkörning) -> str:
    """The Markdown report from the example configuration (the .xlsx export), --month feb (the golden test's
    run of `ekonomi --month feb --json`, shared: tests/conftest.py)."""
    res = exempelkörning("ekonomi", "--month", "feb", "--json")
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert {p.name for p in res.ut.iterdir()} == UTFILER
    text = (res.ut / RAPPORT).read_text(encoding="utf-8")
    assert MENING in text
    return text


# ---------------------------------------------------------------- bad input: exit 2, one clear message


def test_okand_verksamhetskod_namnger_kod_och_rad(tmp_path):
    rader = läs_exportrader()
    kol = kolumnindex(rader[0], "Verksamhet")
    år_kol = kolumnindex(rader[0], "År")
    # a 2025 line with code 1000, well inside the file
    idx = next(i for i, r in enumerate(rader[1:], start=1)
               if r and r.split(";")[kol] == "1000" and r.split(";")[år_kol] == "2025")
    fält = rader[idx].split(";")
    fält[kol] = "9999"
    rader[idx] = ";".join(fält)
    data = skriv_export(tmp_path / "ekonomi.csv", rader)
    radnr = idx + 1  # the header is line 1

    fel = ekonomi_fel(tmp_path, data)

    assert len(fel) == 1, fel
    assert fel[0].startswith(f"{data}, rad {radnr}, kolumn 'Verksamhet': ")
    assert "verksamheten '9999'" in fel[0]
    assert "finns inte i" in fel[0] and "verksamheter.csv" in fel[0]
    assert not engelska_ord(fel[0], tmp_path)


def test_text_i_beloppskolumn_namnger_rad_kolumn_och_varde(tmp_path):
    rader = läs_exportrader()
    kol = kolumnindex(rader[0], "Utfall")
    idx = 40
    fält = rader[idx].split(";")
    assert fält[kol] != "abc"
    fält[kol] = "abc"
    rader[idx] = ";".join(fält)
    data = skriv_export(tmp_path / "ekonomi.csv", rader)

    fel = ekonomi_fel(tmp_path, data)

    assert fel == [f"{data}, rad {idx + 1}, kolumn 'Utfall': 'abc' är inget tal"]


def test_saknad_manadskolumn(tmp_path):
    rader = läs_exportrader()
    kol = kolumnindex(rader[0], "Månad")
    rader = [";".join(f for i, f in enumerate(r.split(";")) if i != kol) if r else r for r in rader]
    assert "Månad" not in rader[0]
    data = skriv_export(tmp_path / "ekonomi.csv", rader)

    fel = ekonomi_fel(tmp_path, data)

    assert len(fel) == 1, fel
    assert fel[0].startswith(f"{data}, rad 1: ")
    assert "saknar kolumnen 'månad'" in fel[0]
    assert not engelska_ord(fel[0], tmp_path)


def test_fil_som_inte_finns(tmp_path):
    data = tmp_path / "finns_ej" / "ekonomi.csv"

    fel = ekonomi_fel(tmp_path, data)

    assert fel == [f"{data}: filen finns inte"]


@pytest.mark.parametrize("fall", ["tom", "bara_rubrik"])
def test_tom_fil_och_fil_med_bara_rubrikrad(tmp_path, fall):
    data = tmp_path / "ekonomi.csv"
    if fall == "tom":
        data.write_bytes(b"")
        väntat = f"{data}: filen är tom"
    else:
        skriv_export(data, [läs_exportrader()[0], ""])
        väntat = f"{data}, rad 1: filen har en rubrikrad men inga datarader"

    fel = ekonomi_fel(tmp_path, data)

    assert fel == [väntat]


def test_manad_som_inte_ar_stangd(tmp_path):
    # The export has 2025 rows for every month, but utfall is 0 after February.
    data = tmp_path / "ekonomi.csv"
    shutil.copyfile(CSV, data)

    fel = ekonomi_fel(tmp_path, data, None, "mar")

    assert len(fel) == 1, fel
    assert fel[0].startswith(f"{data}: ")
    assert "inget utfall för mars 2025" in fel[0]
    assert "stängd" in fel[0]


def test_okand_manad_i_argumentet(tmp_path):
    data = tmp_path / "ekonomi.csv"
    shutil.copyfile(CSV, data)

    fel = ekonomi_fel(tmp_path, data, None, "foo")

    assert len(fel) == 1, fel
    assert fel[0].startswith("--month: 'foo' är ingen månad")


def _konfig(tmp_path: Path, extra_toppnivå: str = "", extra_ekonomi: str = "") -> Path:
    data = tmp_path / "ekonomi.csv"
    shutil.copyfile(CSV, data)
    mappning = kopiera_mappning(tmp_path)
    path = tmp_path / "kommunrapport.toml"
    path.write_text(
        f'namnd = "Äldrenämnden"\n{extra_toppnivå}\n'
        f"[ekonomi]\ndata = '{data.as_posix()}'\nmappning = '{mappning.as_posix()}'\n{extra_ekonomi}\n",
        encoding="utf-8",
    )
    return path


def _kör_konfig(tmp_path: Path, konfig: Path) -> list[str]:
    out = tmp_path / "ut"
    res = kör_cli("ekonomi", "--month", "feb", "--config", konfig, "--out", out, cwd=tmp_path)
    return kontrollera_fel(res, tmp_path, out)


@pytest.mark.parametrize("var, nyckel", [("toppnivå", "foo"), ("ekonomi", "ekonomi.okand_nyckel")])
def test_konfiguration_med_okand_nyckel(tmp_path, var, nyckel):
    konfig = _konfig(tmp_path, "foo = 1" if var == "toppnivå" else "", "okand_nyckel = 1" if var == "ekonomi" else "")

    fel = _kör_konfig(tmp_path, konfig)

    assert fel == [f"{konfig}: okänd nyckel '{nyckel}'"]


def test_konfiguration_med_ogiltigt_tecken(tmp_path):
    konfig = _konfig(tmp_path, extra_ekonomi='tecken = "fel"')

    fel = _kör_konfig(tmp_path, konfig)

    assert len(fel) == 1, fel
    assert fel[0].startswith(f"{konfig}: 'ekonomi.tecken' ska vara en av ")
    assert "'kostnad-positiv'" in fel[0] and "'kostnad-negativ'" in fel[0]
    assert fel[0].endswith("inte 'fel'")


def test_konfiguration_med_ogiltigt_tecken_ar_helt_pa_svenska(tmp_path):
    konfig = _konfig(tmp_path, extra_ekonomi='tecken = "fel"')

    fel = _kör_konfig(tmp_path, konfig)

    assert engelska_ord(fel[0], tmp_path) == set(), fel[0]


def test_mappning_med_forälder_som_inte_finns(tmp_path):
    text = MAPPNING.read_text(encoding="utf-8")
    rader = text.splitlines()
    idx = next(i for i, r in enumerate(rader) if r.startswith("korttid;"))
    assert ";vob;" in rader[idx]
    rader[idx] = rader[idx].replace(";vob;", ";finns_ej;")
    mappning = tmp_path / "verksamheter.csv"
    mappning.write_text("\n".join(rader) + "\n", encoding="utf-8")
    data = tmp_path / "ekonomi.csv"
    shutil.copyfile(CSV, data)

    fel = ekonomi_fel(tmp_path, data, mappning)

    assert len(fel) == 1, fel
    assert fel[0].startswith(f"{mappning}, rad {idx + 1}, kolumn förälder: ")
    assert "föräldern 'finns_ej' finns inte" in fel[0]


# ---------------------------------------------------------------- happy paths


@pytest.mark.usefixtures("word_som_kopia_av_mallen")  # the Markdown and the files are looked at
@pytest.mark.parametrize("month", ["februari", "2", "2025-02"])
def test_manadens_skrivsatt_ger_samma_rapport(tmp_path, referens, month):
    out = tmp_path / "ut"
    res = kör_cli("ekonomi", "--month", month, "--config", KONFIG, "--out", out, cwd=tmp_path)

    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert {p.name for p in out.iterdir()} == UTFILER
    text = (out / RAPPORT).read_text(encoding="utf-8")
    assert MENING in text
    assert text == referens
    assert staging_mappar(tmp_path) == []


def test_json_pa_stdout(exempelkörning):
    res = exempelkörning("ekonomi", "--month", "feb", "--json")  # --config examples/kommunrapport.toml --out …

    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert all(r.startswith("skrev ") for r in res.stderr.splitlines()), res.stderr
    doc = json.loads(res.stdout)  # stdout is nothing but the JSON document
    assert doc["år"] == 2025 and doc["månad"] == 2 and doc["enhet"] == "mnkr"
    assert doc["nämnd"] == "Äldrenämnden"
    assert round(doc["nyckeltal"]["budgetavvikelse"], 1) == 13.3
    assert round(doc["nyckeltal"]["budgetavvikelse_fg_år"], 1) == 0.0
    resultat = doc["tabeller"]["Ackumulerat resultat"]
    total = next(r for r in resultat if r["Verksamhet"] == "Ackumulerad budgetavvikelse 2025")
    assert total["feb"] == pytest.approx(13.3, abs=0.05)
    assert total["feb"] == pytest.approx(doc["nyckeltal"]["budgetavvikelse"])
    assert total["mar"] is None  # months after the report month are empty, not 0
    assert {p.name for p in res.ut.iterdir()} == UTFILER


def test_indatafilerna_andras_inte_och_csv_och_xlsx_ger_samma_rapport(tmp_path, referens):
    indata = tmp_path / "indata"
    shutil.copytree(EKONOMI, indata, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    konfig = tmp_path / "kommunrapport.toml"
    konfig.write_text(KONFIG.read_text(encoding="utf-8").replace('"ekonomi/', '"indata/')
                      .replace('"volymer/', f'"{(EXEMPEL / "volymer").as_posix()}/'), encoding="utf-8")

    def ögonblick() -> dict[str, tuple[bytes, int]]:
        filer = [konfig, *sorted(indata.iterdir())]
        return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in filer}

    före = ögonblick()
    assert {"ekonomi_2024_2025.xlsx", "ekonomi_2024_2025.csv", "verksamheter.csv", "kommentarer.md"} <= set(före)
    for extra in ([], ["--data", indata / "ekonomi_2024_2025.csv"]):  # the .xlsx, then the .csv export
        res = kör_cli("ekonomi", "--month", "feb", "--config", konfig, "--out", tmp_path / "ut", *extra,
                      cwd=tmp_path)
        assert res.returncode == 0, res.stderr
        text = (tmp_path / "ut" / RAPPORT).read_text(encoding="utf-8")
        assert MENING in text
        assert text == referens

    assert ögonblick() == före  # same files (no lock or cache files), same bytes, same mtimes


def test_ut_i_en_mapp_som_inte_finns_fran_en_annan_arbetsmapp(tmp_path, referens):
    """--out whose parent does not exist yet either, run from another working directory: the report is the
    reference, nothing is written in the working directory, no staging folder is left. (The same as a real
    process under cron, no HOME, LANG, TERM and stdin closed: test_kor's cron-like run, one real process for
    the suite's cron checks.)"""
    annanstans = tmp_path / "annanstans"
    annanstans.mkdir()
    out = tmp_path / "rapporter" / "2025"  # parent does not exist yet either
    res = kör_cli("ekonomi", "--month", "feb", "--config", KONFIG, "--out", out, cwd=annanstans)

    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert {p.name for p in out.iterdir()} == UTFILER
    assert (out / RAPPORT).read_text(encoding="utf-8") == referens
    assert list(annanstans.iterdir()) == []  # nothing written in the working directory
    assert staging_mappar(tmp_path) == []


@pytest.mark.usefixtures("word_som_kopia_av_mallen")  # the Markdown and the files are looked at
def test_omkorning_ersatter_filerna(tmp_path, referens):
    out = tmp_path / "ut"
    out.mkdir()
    (out / RAPPORT).write_text("GAMMAL RAPPORT\n", encoding="utf-8")
    (out / "egen_fil.txt").write_text("rör ej\n", encoding="utf-8")

    inoder = []
    for _ in range(2):
        res = kör_cli("ekonomi", "--month", "feb", "--config", KONFIG, "--out", out, cwd=tmp_path)
        assert res.returncode == 0, res.stderr
        assert (out / RAPPORT).read_text(encoding="utf-8") == referens
        assert {p.name for p in out.iterdir()} == UTFILER | {"egen_fil.txt"}
        assert staging_mappar(tmp_path) == []
        inoder.append((out / RAPPORT).stat().st_ino)

    assert inoder[0] != inoder[1]  # the second run put a new file in place (atomic replace)
    assert (out / "egen_fil.txt").read_text(encoding="utf-8") == "rör ej\n"


def test_kort_hjälpflagga(tmp_path):
    for args in (["-h"], ["ekonomi", "-h"], ["validera", "-h"]):
        res = kör_cli(*args, cwd=tmp_path)
        assert res.returncode == 0, res.stderr
        assert "--month" in res.stdout or "validera" in " ".join(args) or args == ["-h"]
    assert ".ods" in kör_cli("validera", "-h", cwd=tmp_path).stdout


def test_användningsfel_på_svenska(tmp_path):
    """Click's own usage errors (a missing, unknown or empty option, an unknown command) are Swedish,
    exit with 2 and point to the help."""
    fall = [
        (["ekonomi"], "fel: flaggan --month"),
        (["ekonomi", "--monht", "feb"], "fel: okänd flagga --monht; menade du"),
        (["ekonomi", "--month"], "fel: flaggan --month behöver ett värde"),
        (["nosuch"], "fel: okänt kommando 'nosuch'"),
    ]
    for args, början in fall:
        res = kör_cli(*args, cwd=tmp_path)
        assert res.returncode == 2, (args, res.stderr)
        assert res.stderr.startswith(början), res.stderr
        assert "-h'." in res.stderr and "Error" not in res.stderr and "Traceback" not in res.stderr


# ---------------------------------------------------------------- the real entry point (subprocess)


def test_python_m_kommunrapport_ger_riktiga_slutkoder(tmp_path):
    """`python -m kommunrapport` in a real process: the exit codes cron and scripts see, errors in Swedish."""
    def python_m(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kommunrapport", *map(str, args)], cwd=tmp_path,
                              env=python_miljö(), capture_output=True, text=True, encoding="utf-8", timeout=120)

    res = python_m("-h")
    assert res.returncode == 0, res.stderr
    assert "ekonomi" in res.stdout and "validera" in res.stdout
    res = python_m("ekonomi", "--monht", "feb")
    assert res.returncode == 2, res.stderr
    assert res.stderr.startswith("fel: okänd flagga --monht") and "Traceback" not in res.stderr
    res = python_m("validera", CSV, tmp_path / "saknas.csv")
    assert res.returncode == 2, res.stderr
    assert res.stderr == f"fel: {tmp_path / 'saknas.csv'}: filen finns inte\n"
    assert "utfall t.o.m. februari" in res.stdout
