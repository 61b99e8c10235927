"""Unattended runs: `kommunrapport kör`, the lock, atomic period folders and the history."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import kör_cli, python_miljö
from kommunrapport import history, runner
from kommunrapport.errors import KommunrapportFel
from kommunrapport.formatting import avrunda

# What `kör` does around the reports (the period, the lock, the folders, the history): Word as the
# template copied (tests/conftest.py); Word from `kör` is looked at in test_manader, test_ks and test_word.
pytestmark = pytest.mark.usefixtures("word_som_kopia_av_mallen")

ROOT = Path(__file__).resolve().parents[1]
EXEMPEL = ROOT / "examples"


def miljö(tmp_path: Path, rapporter: str = '["ekonomi"]', data: str = "ekonomi.csv") -> Path:
    """A kommun's folder: the example export and mapping, and a configuration writing to ut/."""
    shutil.copy(EXEMPEL / "ekonomi" / "ekonomi_2024_2025.csv", tmp_path / "ekonomi.csv")
    shutil.copy(EXEMPEL / "ekonomi" / "verksamheter.csv", tmp_path / "verksamheter.csv")
    shutil.copy(EXEMPEL / "volymer" / "an_volymer_2020_2025.csv", tmp_path / "volymer.csv")
    konfig = tmp_path / "kommunrapport.toml"
    konfig.write_text(f'''namnd = "Äldrenämnden"
ut = "ut"
rapporter = {rapporter}

[ekonomi]
data = "{data}"
mappning = "verksamheter.csv"

[volymer]
serier = ["volymer.csv"]
''', encoding="utf-8")
    return konfig


def test_latest_closed_month_and_a_second_run_is_a_no_op(tmp_path):
    konfig = miljö(tmp_path, '["ekonomi", "volymer"]')
    k = runner.kör(konfig, tyst=True)
    assert k.period == "2025-02"  # the export has 0,0 for March–December 2025: not closed
    names = sorted(p.name for p in (tmp_path / "ut" / "2025-02").iterdir())
    assert "ekonomirapport_2025-02.md" in names and "volymrapport_2025-02.md" in names
    before = (tmp_path / "ut" / "2025-02" / "ekonomirapport_2025-02.md").stat().st_mtime_ns
    with pytest.raises(runner.IngetAttGöra):
        runner.kör(konfig, tyst=True)
    assert (tmp_path / "ut" / "2025-02" / "ekonomirapport_2025-02.md").stat().st_mtime_ns == before
    assert len(history.perioder(tmp_path / "ut" / history.FILNAMN)) == 1
    log = (tmp_path / "ut" / "kommunrapport.log").read_text(encoding="utf-8")
    assert "klart:" in log and "inget att göra" in log


def test_force_replaces_the_period_and_its_history_record(tmp_path):
    konfig = miljö(tmp_path)
    runner.kör(konfig, tyst=True)
    (tmp_path / "ut" / "2025-02" / "gammal.txt").write_text("x")
    runner.kör(konfig, tvinga=True, tyst=True)
    assert not (tmp_path / "ut" / "2025-02" / "gammal.txt").exists()
    assert list(history.perioder(tmp_path / "ut" / history.FILNAMN)["period"]) == ["2025-02"]
    assert [p.name for p in (tmp_path / "ut").iterdir() if p.name.startswith(".20")] == []


def test_a_failure_half_way_leaves_no_folder_and_history_unchanged(tmp_path, monkeypatch):
    konfig = miljö(tmp_path, '["ekonomi", "volymer"]')
    runner.kör(konfig, månad=1, år=2025, tyst=True)
    db = tmp_path / "ut" / history.FILNAMN
    before = history.perioder(db)

    import kommunrapport.api as api

    def boom(*a, **k):
        raise OSError("disken är full")

    monkeypatch.setattr(api, "skriv_volymrapport", boom)  # after the ekonomi report was written
    with pytest.raises(OSError):
        runner.kör(konfig, tyst=True)
    assert sorted(p.name for p in (tmp_path / "ut").iterdir()) == [".kommunrapport.lock", "2025-01",
                                                                    "historik.sqlite", "kommunrapport.log"]
    pd.testing.assert_frame_equal(history.perioder(db), before)


def test_the_history_database_survives_a_crash_in_the_middle_of_saving(tmp_path, monkeypatch):
    konfig = miljö(tmp_path)
    runner.kör(konfig, månad=1, år=2025, tyst=True)
    db = tmp_path / "ut" / history.FILNAMN
    before = history.prognoser(db, 2025)
    original = history.spara

    def crash(sökväg, rapport, *rest):
        rapport.träd.rader.append(None)  # the row insert fails after the period row was written
        try:
            original(sökväg, rapport, *rest)
        finally:
            rapport.träd.rader.pop()

    monkeypatch.setattr(history, "spara", crash)
    with pytest.raises(AttributeError):
        runner.kör(konfig, månad=1, år=2025, tvinga=True, tyst=True)
    pd.testing.assert_frame_equal(history.prognoser(db, 2025), before)
    assert (tmp_path / "ut" / "2025-01" / "ekonomirapport_2025-01.md").exists()  # the old folder is back


def test_two_runs_at_once_the_second_gives_up_with_a_clear_message(tmp_path):
    konfig = miljö(tmp_path)
    with runner.lås(tmp_path / "ut", 0):
        r = kör_cli("kör", "--config", str(konfig), cwd=tmp_path)
    assert r.returncode == 5, r.stderr
    assert "en annan körning skriver redan" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "ut" / "2025-02").exists()


def test_a_cron_like_run_waits_for_the_run_before_it_no_home_other_cwd_quiet(tmp_path):
    """Two runs at once, the second a real process as cron starts it (no HOME, LANG or TERM, another working
    directory, stdin closed, --quiet): it waits for the lock, then makes the period (Word rendered for real)
    and says nothing at all on stderr (not even a library's notice). One process for all of it: each real
    process pays its imports and a full run (test_cli's cron test runs `ekonomi` in this process)."""
    import time

    konfig = miljö(tmp_path)
    annan = tmp_path / "annan"
    annan.mkdir()
    cmd = [sys.executable, "-m", "kommunrapport", "kör", "--config", str(konfig), "--vanta", "60", "--quiet"]
    if os.name == "posix":  # exec with stdin closed (<&-), as under cron with no terminal
        cmd = ["/bin/sh", "-c", 'exec "$@" <&-', "sh", *cmd]
    with runner.lås(tmp_path / "ut", 0):
        p = subprocess.Popen(cmd, cwd=annan, env=python_miljö({"PATH": os.environ.get("PATH", ""), "CI": "true"}),
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             encoding="utf-8")
        # The log file is opened just before the lock is taken: from then on the child is at the lock.
        logg = tmp_path / "ut" / runner.LOGGFIL
        slut = time.monotonic() + 60
        while not logg.exists() and p.poll() is None and time.monotonic() < slut:
            time.sleep(0.05)
        time.sleep(0.5)
        assert p.poll() is None  # still waiting for the lock
        assert not (tmp_path / "ut" / "2025-02").exists()
    ut, fel = p.communicate(timeout=120)
    assert p.returncode == 0, fel
    assert fel == "" and ut == ""
    assert (tmp_path / "ut" / "2025-02" / "ekonomirapport_2025-02.md").exists()
    assert (tmp_path / "ut" / "2025-02" / "bilaga_ekonomirapport_2025-02.xlsx").exists()
    assert list(annan.iterdir()) == []
    r = kör_cli("kör", "--config", str(konfig), "--quiet", cwd=annan)
    assert r.returncode == 4 and r.stderr == ""
    r = kör_cli("kör", "--config", str(konfig), cwd=annan)
    assert r.returncode == 4 and r.stderr.splitlines()[-1].startswith("inget att göra: ")


def test_bad_input_exit_code_and_nothing_written(tmp_path):
    konfig = miljö(tmp_path)
    (tmp_path / "ekonomi.csv").write_bytes(b"")
    r = kör_cli("kör", "--config", str(konfig), cwd=tmp_path)
    assert r.returncode == 2 and "filen är tom" in r.stderr
    assert [p for p in (tmp_path / "ut").iterdir() if p.name.startswith(("20", ".20"))] == []


def test_environment_variables_override_paths(tmp_path):
    konfig = miljö(tmp_path, data="finns_inte.csv")
    env = {"KOMMUNRAPPORT_EKONOMI_DATA": str(tmp_path / "ekonomi.csv"), "KOMMUNRAPPORT_UT": str(tmp_path / "annat_ut")}
    r = kör_cli("kör", "--config", str(konfig), "--quiet", cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "annat_ut" / "2025-02").is_dir()


def _med_prognos(src: Path, dst: Path, år: int, tillägg_kr: float) -> None:
    """A copy of the export whose forecast for `år` is `tillägg_kr` better on one line."""
    df = pd.read_csv(src, sep=";", decimal=",", thousands=" ", encoding="utf-8-sig",
                     dtype={"Ansvar": str, "Verksamhet": str, "Konto": str})
    i = df.index[(df["År"] == år) & (df["Verksamhet"] == "5100") & (df["Månad"] == 12)][0]
    df.loc[i, "Prognos"] -= tillägg_kr  # costs are positive in the ledger: lower cost = better
    df.to_csv(dst, sep=";", decimal=",", index=False, encoding="utf-8-sig")


def test_three_months_of_forecasts_and_the_year_end_prognosavvikelse(tmp_path):
    konfig = miljö(tmp_path)
    src = EXEMPEL / "ekonomi" / "ekonomi_2024_2025.csv"
    # The controller's forecast for 2024 moves: +13,0 at jan–aug, +15,0 at jan–nov, +15,0 at year end.
    for månad, tillägg in ((8, -2e6), (11, 0.0), (12, 0.0)):
        _med_prognos(src, tmp_path / "ekonomi.csv", 2024, tillägg)
        runner.kör(konfig, månad=månad, år=2024, tyst=True)
    db = tmp_path / "ut" / history.FILNAMN
    p = history.prognoser(db, 2024)
    assert list(p.columns) == [8, 11, 12]
    assert [avrunda(p.loc["total", m] / 1e6, 1) for m in (8, 11, 12)] == [13.0, 15.0, 15.0]
    md = (tmp_path / "ut" / "2024-12" / "ekonomirapport_2024-12.md").read_text(encoding="utf-8")
    assert "## Prognosens utveckling (mnkr)" in md
    assert "## Prognosavvikelse (mnkr)" in md
    # Year end: deviation +20,5 against the +13,0 forecast given at jan–aug: Prognosavvikelse +7,5.
    assert "| Totalt Äldrenämnden | +20,5 | +13,0 | +7,5 |" in md
    r = kör_cli("historik", "--config", str(konfig), cwd=tmp_path)
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["2024-08", "2024-11", "2024-12"]
    assert "+13,0" in lines[1] and "+20,5" in lines[3]


def test_configuration_errors_name_the_key(tmp_path):
    konfig = miljö(tmp_path, rapporter='["ekonomi", "pengar"]')
    with pytest.raises(KommunrapportFel, match="rapporter"):
        runner.kör(konfig, tyst=True)


@pytest.mark.parametrize(("rapporter", "avsnitt"), [('["volymer"]', "volymer"), ('["ekonomi"]', "ekonomi"),
                                                    ('["ks"]', "ekonomi")])
def test_a_chosen_report_without_its_section_is_a_configuration_error(tmp_path, rapporter, avsnitt):
    konfig = miljö(tmp_path, rapporter)
    text = konfig.read_text(encoding="utf-8")
    start = text.index(f"[{avsnitt}]")
    slut = text.find("\n[", start + 1)
    konfig.write_text(text[:start] + (text[slut + 1:] if slut != -1 else ""), encoding="utf-8")
    r = kör_cli("kör", "--config", str(konfig), cwd=tmp_path)  # was an internal error (exit 3): AttributeError
    assert r.returncode == 2 and f"avsnittet [{avsnitt}] saknas" in r.stderr, r.stderr


def test_a_misspelt_key_is_named_with_a_suggestion(tmp_path):
    from kommunrapport.settings import läs_konfiguration

    (tmp_path / "k.toml").write_text('namnd = "x"\n[ekonomi]\ndata = "a.csv"\nmapning = "m.csv"\n', encoding="utf-8")
    with pytest.raises(KommunrapportFel, match=r"okänd nyckel 'ekonomi.mapning'; menar du 'mappning'\?"):
        läs_konfiguration(tmp_path / "k.toml")


def test_volymernas_decimaltecken_når_läsaren_i_kör(tmp_path):
    """[volymer] decimaltecken decides what '1.250' means in kör too, as in the volymer command."""
    (tmp_path / "h.csv").write_text("År;Månad;Beviljade timmar;Utförda timmar\n2025;1;1.250;900\n"
                                    "2025;2;1.300;1.100\n", encoding="utf-8")
    konfig = tmp_path / "k.toml"
    konfig.write_text('ut = "ut"\n[volymer]\nhemtjanst = "h.csv"\ndecimaltecken = "komma"\n', encoding="utf-8")
    körning = runner.kör(konfig, tyst=True)
    assert körning.period == "2025-02"


def test_volymer_utan_filer_är_ett_konfigurationsfel(tmp_path):
    """A [volymer] section that names no data file (only kommentarer) was an internal error (exit 3)."""
    (tmp_path / "k.md").write_text("## Hemtjänst\n\nText.\n", encoding="utf-8")
    konfig = tmp_path / "k.toml"
    konfig.write_text('ut = "ut"\n[volymer]\nkommentarer = "k.md"\n', encoding="utf-8")
    r = kör_cli("kör", "--config", str(konfig), cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert f"{konfig}: avsnittet [volymer] anger ingen fil: ange hemtjanst, placeringar, bistand eller serier" in r.stderr
