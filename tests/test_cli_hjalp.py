"""The command line's own words: the help in Swedish, --version, --debug, and kör's log of an internal error.

In-process: `cli.main([...])` with stdout and stderr captured, so the code under test is this checkout's.
"""

from __future__ import annotations

import re
import shutil
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
import typer

import kommunrapport
from conftest import kör_i_processen
from kommunrapport import cli, runner
from kommunrapport.errors import IndataFel, KommunrapportFel

ROOT = Path(__file__).resolve().parents[1]
EXEMPEL = ROOT / "examples"

# Words click and Typer write themselves. Compared without case, as whole words; option names
# (--help) are taken out first.
ENGELSKA = {"usage", "options", "option", "commands", "command", "arguments", "args", "required", "default",
            "show", "message", "exit", "error", "try", "help", "env", "dynamic", "choose", "missing", "invalid",
            "str", "int", "float", "bool", "path", "list", "integer", "boolean", "datetime", "uuid", "file",
            "deprecated", "aborted", "did", "mean", "such", "traceback"}
# Click's metavars: in capitals only, since "text" is also a Swedish word.
METAVARS = {"TEXT", "PATH", "INTEGER", "FLOAT", "BOOLEAN", "FILENAME", "DIRECTORY", "CHOICE"}
KOMMANDON = sorted(typer.main.get_command(cli.app).commands)




def engelska_ord(text: str) -> set[str]:
    utan_flaggor = re.sub(r"(?<!\w)--?[\w-]+", " ", text)
    ord_ = set(re.findall(r"[^\W\d_]+", utan_flaggor))
    return {o for o in ord_ if o.lower() in ENGELSKA or o in METAVARS} | set(re.findall(r"<[^<>\s]+>", text))


def test_kommandolistan_ar_hela():
    assert {"ekonomi", "volymer", "ks", "kör", "historik", "init", "validera"} <= set(KOMMANDON)


@pytest.mark.parametrize("kommando", [[], *([k] for k in KOMMANDON)], ids=lambda k: " ".join(k) or "kommunrapport")
@pytest.mark.parametrize("flagga", ["-h", "--help"])
def test_hjalpen_har_inga_engelska_ord(capsys, kommando, flagga):
    kod, ut, fel = kör_i_processen(capsys, *kommando, flagga)
    assert kod == 0 and fel == ""
    assert ut.startswith(f"Användning: kommunrapport {' '.join(kommando)}".rstrip() + " ")
    assert "Flaggor:" in ut and "Visa den här hjälpen och avsluta." in ut
    assert engelska_ord(ut) == set(), ut


def test_hjalpen_utan_argument(capsys):
    kod, ut, fel = kör_i_processen(capsys)
    assert kod == 0
    assert fel.startswith("Användning: kommunrapport [FLAGGOR] KOMMANDO") and "Kommandon:" in fel
    assert engelska_ord(fel) == set()


def test_standardvarden_obligatoriska_flaggor_och_metavars(capsys):
    _, ut, _ = kör_i_processen(capsys, "ekonomi", "-h")
    assert re.search(r"-m, --month, --månad MÅNAD +Rapportmånad[^\[]*\[krävs\]", ut)
    assert "--out, --ut MAPP" in ut and "[standard: ut]" in ut and "--data FIL" in ut and "--year, --år ÅR" in ut
    _, ut, _ = kör_i_processen(capsys, "validera", "-h")
    assert "kommunrapport validera [FLAGGOR] {FIL}..." in ut and "\n  FIL...  Filer att kontrollera" in ut
    _, ut, _ = kör_i_processen(capsys, "kör", "-h")
    assert "--vanta, --vänta SEKUNDER" in ut


@pytest.mark.parametrize("args, början", [
    (["nosuch"], "fel: okänt kommando 'nosuch'"),
    (["ekonmi"], "fel: okänt kommando 'ekonmi'; menade du ekonomi?"),
    (["--debug"], "fel: ange ett kommando"),
    (["historik", "x"], "fel: oväntat argument: x"),
    (["ekonomi", "--month", "feb", "--year", "tjugo"],
     "fel: ogiltigt värde för --year / --år: 'tjugo' är inget heltal\nSe 'kommunrapport ekonomi -h'."),
    (["kör", "--vanta", "länge"], "fel: ogiltigt värde för --vanta / --vänta: 'länge' är inget tal"),
    (["ekonomi", "--json=ja", "--month", "feb"], "fel: flaggan --json tar inget värde\nSe 'kommunrapport ekonomi -h'."),
    (["ekonomi", "--month"], "fel: flaggan --month behöver ett värde\nSe 'kommunrapport ekonomi -h'."),
    (["historik", "x"], "fel: oväntat argument: x\nSe 'kommunrapport historik -h'."),
    (["ekonomi", "--debug", "--month", "feb"],
     "fel: --debug skrivs före kommandot: kommunrapport --debug ekonomi …\nSe 'kommunrapport ekonomi -h'."),
])
def test_anvandningsfel_pa_svenska(capsys, args, början):
    kod, ut, fel = kör_i_processen(capsys, *args)
    assert kod == 2 and ut == ""
    assert fel.startswith(början), fel
    assert engelska_ord(fel) == set(), fel


def test_version(capsys):
    try:
        väntad = version("kommunrapport")
    except PackageNotFoundError:
        väntad = kommunrapport.__version__
    kod, ut, fel = kör_i_processen(capsys, "--version")
    assert kod == 0 and ut == f"kommunrapport {väntad}\n" and fel == ""
    assert kör_i_processen(capsys, "--version", "ekonomi")[:2] == (0, ut)  # eager: before the command is looked at


@pytest.fixture
def internt_fel(monkeypatch):
    """`historik` meets a bug: reading the configuration raises RuntimeError."""
    import kommunrapport.settings

    def trasig(*a, **k):
        raise RuntimeError("något gick sönder")

    monkeypatch.setattr(kommunrapport.settings, "läs_konfiguration", trasig)
    monkeypatch.delenv(cli.DEBUGVARIABEL, raising=False)


INTERNT = "internt fel: RuntimeError: något gick sönder. Rapportera gärna felet med kommandot du körde.\n"


def test_internt_fel_utan_debug_en_rad(capsys, internt_fel):
    kod, ut, fel = kör_i_processen(capsys, "historik")
    assert (kod, ut, fel) == (3, "", INTERNT)


def test_debug_visar_felsparningen(capsys, internt_fel):
    kod, _, fel = kör_i_processen(capsys, "--debug", "historik")
    assert kod == 3
    assert fel.startswith("Traceback (most recent call last):") and fel.endswith(INTERNT)
    assert "RuntimeError: något gick sönder\n" in fel and "in trasig" in fel
    assert kör_i_processen(capsys, "historik") == (3, "", INTERNT)  # the next run in the same process: no --debug


@pytest.mark.parametrize("värde, spårning", [("1", True), ("ja", True), ("0", False), ("", False)])
def test_debug_med_miljovariabeln(capsys, internt_fel, monkeypatch, värde, spårning):
    monkeypatch.setenv(cli.DEBUGVARIABEL, värde)
    kod, _, fel = kör_i_processen(capsys, "historik")
    assert kod == 3 and fel.endswith(INTERNT)
    assert ("Traceback" in fel) is spårning


def test_debug_visar_ingen_felsparning_for_anvandarfel(capsys, monkeypatch):
    """A user error is its Swedish message, with --debug too."""
    import kommunrapport.settings

    def fel_i_konfig(*a, **k):
        raise KommunrapportFel("kommunrapport.toml: 'ut' saknas")

    monkeypatch.setattr(kommunrapport.settings, "läs_konfiguration", fel_i_konfig)
    assert kör_i_processen(capsys, "--debug", "historik") == (2, "", "fel: kommunrapport.toml: 'ut' saknas\n")


# ---------------------------------------------------------------- kör's log


def miljö(tmp_path: Path) -> Path:
    shutil.copy(EXEMPEL / "ekonomi" / "ekonomi_2024_2025.csv", tmp_path / "ekonomi.csv")
    shutil.copy(EXEMPEL / "ekonomi" / "verksamheter.csv", tmp_path / "verksamheter.csv")
    konfig = tmp_path / "kommunrapport.toml"
    konfig.write_text('namnd = "Äldrenämnden"\nut = "ut"\nrapporter = ["ekonomi"]\n\n'
                      '[ekonomi]\ndata = "ekonomi.csv"\nmappning = "verksamheter.csv"\n', encoding="utf-8")
    return konfig


def logg(tmp_path: Path) -> str:
    return (tmp_path / "ut" / runner.LOGGFIL).read_text(encoding="utf-8")


def test_kor_skriver_felsparningen_for_ett_internt_fel_i_loggen(tmp_path, capsys, monkeypatch):
    import kommunrapport.api as api

    def trasig(*a, **k):
        raise RuntimeError("något gick sönder")

    monkeypatch.setattr(api, "skriv_ekonomirapport", trasig)
    monkeypatch.delenv(cli.DEBUGVARIABEL, raising=False)
    kod, ut, fel = kör_i_processen(capsys, "kör", "--config", str(miljö(tmp_path)))
    assert kod == 3 and ut == ""
    assert "Traceback" not in fel and fel.endswith(INTERNT)  # the terminal: one line (plus the log's steps)
    text = logg(tmp_path)
    assert re.search(r"ERROR internt fel: RuntimeError: något gick sönder\nTraceback \(most recent call last\):\n"
                     r".*in trasig\n.*RuntimeError: något gick sönder\n.*ERROR avbrutet: ingenting skrevs för 2025-02",
                     text, re.S), text
    assert not (tmp_path / "ut" / "2025-02").exists()


def test_kor_skriver_anvandarfelet_utan_felsparning_i_loggen(tmp_path, capsys, monkeypatch):
    import kommunrapport.api as api

    def indatafel(*a, **k):
        raise IndataFel.samla([KommunrapportFel("mallen ekonomirapport.md.j2: fältet 'x' finns inte"),
                               KommunrapportFel("mallen ekonomirapport.docx: fältet 'y' finns inte")])

    monkeypatch.setattr(api, "skriv_ekonomirapport", indatafel)
    with pytest.raises(IndataFel):
        runner.kör(miljö(tmp_path), tyst=True)
    text = logg(tmp_path)
    assert "ERROR fel: mallen ekonomirapport.md.j2: fältet 'x' finns inte\n" in text
    assert "ERROR fel: mallen ekonomirapport.docx: fältet 'y' finns inte\n" in text
    assert "ERROR avbrutet: ingenting skrevs för 2025-02" in text and "Traceback" not in text
    assert capsys.readouterr().err == ""  # tyst: nothing on standard error


def test_kor_loggar_ett_internt_fel_redan_nar_exporten_lases(tmp_path, capsys, monkeypatch):
    """Before the period is known (reading the export) an internal error is logged with its traceback too."""
    import kommunrapport.input.ledger as ledger

    def trasig(*a, **k):
        raise RuntimeError("läsaren gick sönder")

    monkeypatch.setattr(ledger, "läs_ekonomi", trasig)
    monkeypatch.delenv(cli.DEBUGVARIABEL, raising=False)
    kod, _, fel = kör_i_processen(capsys, "kör", "--config", str(miljö(tmp_path)))
    assert kod == 3 and "Traceback" not in fel
    text = logg(tmp_path)
    assert re.search(r"ERROR internt fel: RuntimeError: läsaren gick sönder\nTraceback \(most recent call last\):\n"
                     r".*in trasig\n.*ERROR avbrutet: ingenting skrevs\n", text, re.S), text
