"""Crash consistency of kör (kill -9 at each step: the old state or the new, in the folder and the history
together) and a history database that is corrupt, truncated, a folder or from a newer version."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import kör_i_processen, som_i_en_test_om_kör
from kommunrapport import cli, history, runner
from kommunrapport.errors import SkrivFel
from kommunrapport.formatting import avrunda

ROOT = Path(__file__).resolve().parents[1]
EXEMPEL = ROOT / "examples"
PERIOD = "2025-02"
# A subprocess that runs `kör` and kills itself (SIGKILL) at one step of publishing.
SKRIPT = ("import sys\nimport kommunrapport.runner as r\nr.AVBRYT_VID = sys.argv[1]\n"
          "from kommunrapport.cli import main\nmain(['kör', '--config', sys.argv[2], '--quiet', *sys.argv[3:]])\n")


# These tests look at which folder and which history survive a kill, not at what the reports say: the Word
# report is the template copied as it is (tests/conftest.py). The kill points are in kör, after every report
# is written.
pytestmark = pytest.mark.usefixtures("word_som_kopia_av_mallen")


def miljö(tmp_path: Path) -> Path:
    shutil.copy(EXEMPEL / "ekonomi" / "ekonomi_2024_2025.csv", tmp_path / "ekonomi.csv")
    shutil.copy(EXEMPEL / "ekonomi" / "verksamheter.csv", tmp_path / "verksamheter.csv")
    konfig = tmp_path / "kommunrapport.toml"
    konfig.write_text('namnd = "Äldrenämnden"\nut = "ut"\nrapporter = ["ekonomi"]\n[ekonomi]\n'
                      'data = "ekonomi.csv"\nmappning = "verksamheter.csv"\n', encoding="utf-8")
    return konfig


@pytest.fixture(scope="module")
def _en_period_gjord(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kommun's folder after its first `kör` (February made), made once for the module."""
    mapp = tmp_path_factory.mktemp("en_period_gjord")
    with som_i_en_test_om_kör():
        assert runner.kör(miljö(mapp), tyst=True).period == PERIOD
    return mapp


def en_period_gjord(tmp_path: Path, mall: Path) -> Path:
    """The folder after the first `kör` (`_en_period_gjord`), copied into tmp_path: the configuration.

    The kill tests below start from it; one `kör` less per case (the first run itself, and a kill in it, are
    test_kill_9_vid_forsta_publiceringen's)."""
    shutil.copytree(mall, tmp_path, dirs_exist_ok=True)
    return tmp_path / "kommunrapport.toml"


def rätta_februari(tmp_path: Path, kr: float = 2_000_000) -> None:
    """A late correction in February: more cost on one line (the deviation goes from +13,3 to +11,3)."""
    df = pd.read_csv(tmp_path / "ekonomi.csv", sep=";", decimal=",", thousands=" ", encoding="utf-8-sig",
                     dtype={"Ansvar": str, "Verksamhet": str, "Konto": str})
    i = df.index[(df["År"] == 2025) & (df["Månad"] == 2) & (df["Verksamhet"] == "5100")][0]
    df.loc[i, "Utfall"] += kr
    df.to_csv(tmp_path / "ekonomi.csv", sep=";", decimal=",", index=False, encoding="utf-8-sig")


def _barn(steg: str, konfig: str, args: tuple[str, ...]) -> None:
    """In the forked child: run kör, which kills this process (SIGKILL) at `steg`."""
    os.chdir(Path(konfig).parent)
    runner.AVBRYT_VID = steg
    cli.main(["kör", "--config", konfig, "--quiet", *args])


def döda_vid(steg: str, konfig: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `kör` in another process that kills itself (kill -9) at one step of publishing.

    Where the platform can fork, the child is a fork of this process (no second 1,5 s of imports); else a
    new Python process. Either way the process really dies by SIGKILL, with no clean-up of any kind."""
    import multiprocessing

    if "fork" in multiprocessing.get_all_start_methods():
        p = multiprocessing.get_context("fork").Process(target=_barn, args=(steg, str(konfig), args))
        p.start()
        p.join(180)
        return subprocess.CompletedProcess([steg], p.exitcode if p.exitcode is not None else 0, "", "")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-c", SKRIPT, steg, str(konfig), *args], cwd=konfig.parent, env=env,
                          capture_output=True, text=True, timeout=180)


def tillstånd(ut: Path) -> tuple[float | None, float | None]:
    """(the deviation the period folder's report shows, the one the history holds), in mnkr; None = none."""
    md = ut / PERIOD / f"ekonomirapport_{PERIOD}.md"
    mapp = None
    if md.exists():
        text = md.read_text(encoding="utf-8")
        mapp = 13.3 if "+13,3 mnkr vilket" in text else 11.3 if "+11,3 mnkr vilket" in text else -1.0
    p = history.perioder(ut / history.FILNAMN).set_index("period") if (ut / history.FILNAMN).exists() else None
    hist = None
    if p is not None and PERIOD in p.index:
        hist = avrunda(p.loc[PERIOD, "budgetavvikelse"] / 1e6, 1)
    return mapp, hist


def städat(ut: Path) -> None:
    """No staging folder and no unfinished journal row is left."""
    assert [p.name for p in ut.iterdir() if p.name.startswith(".20")] == []
    assert history.pågående(ut / history.FILNAMN) == []


@pytest.mark.parametrize("steg", ["byggd", "journal", "på_plats", "klar"])
def test_kill_9_vid_forsta_publiceringen(tmp_path, steg):
    konfig = miljö(tmp_path)
    ut = tmp_path / "ut"
    r = döda_vid(steg, konfig)
    assert r.returncode == -signal.SIGKILL, r.stderr
    runner.återställ(ut)
    gammalt, nytt = (None, None), (13.3, 13.3)
    assert tillstånd(ut) == (nytt if steg == "klar" else gammalt)
    städat(ut)
    if steg != "klar":
        assert runner.kör(konfig, tyst=True).period == PERIOD  # the next run completes
    assert tillstånd(ut) == nytt
    städat(ut)


@pytest.mark.parametrize("steg", ["byggd", "journal", "arkiverad", "på_plats", "klar"])
def test_kill_9_nar_en_period_gors_om(tmp_path, steg, _en_period_gjord):
    konfig = en_period_gjord(tmp_path, _en_period_gjord)
    ut = tmp_path / "ut"
    rätta_februari(tmp_path)  # the export changes: kör makes the period again
    r = döda_vid(steg, konfig)
    assert r.returncode == -signal.SIGKILL, r.stderr
    runner.återställ(ut)
    gammalt, nytt = (13.3, 13.3), (11.3, 11.3)
    arkiv = ut / "arkiv"
    if steg == "klar":
        assert tillstånd(ut) == nytt
        assert len(list(arkiv.iterdir())) == 1
    else:
        assert tillstånd(ut) == gammalt
        assert not arkiv.exists() or list(arkiv.iterdir()) == []
        städat(ut)
        k = runner.kör(konfig, tyst=True)
        assert k.arkiv is not None and "+13,3 mnkr vilket" in (k.arkiv / f"ekonomirapport_{PERIOD}.md").read_text(
            encoding="utf-8")
    assert tillstånd(ut) == nytt
    städat(ut)
    with pytest.raises(runner.IngetAttGöra):
        runner.kör(konfig, tyst=True)


@pytest.mark.parametrize("andra", ["ångra_tillbaka", "ångra_arkiv", "ångra_markerad"])
def test_kill_9_aven_under_aterstallningen(tmp_path, andra, _en_period_gjord):
    konfig = en_period_gjord(tmp_path, _en_period_gjord)
    ut = tmp_path / "ut"
    (ut / PERIOD / "gammal.txt").write_text("x")
    r = döda_vid("på_plats", konfig, "--force")
    assert r.returncode == -signal.SIGKILL
    r = döda_vid(andra, konfig, "--force")  # the next run dies while it rolls the first one back
    assert r.returncode == -signal.SIGKILL, r.stderr
    runner.återställ(ut)
    assert tillstånd(ut) == (13.3, 13.3) and (ut / PERIOD / "gammal.txt").exists()
    städat(ut)
    runner.kör(konfig, tvinga=True, tyst=True)
    assert not (ut / PERIOD / "gammal.txt").exists() and tillstånd(ut) == (13.3, 13.3)


def test_en_aldre_versions_gamla_mapp_aterstalls(tmp_path, _en_period_gjord):
    en_period_gjord(tmp_path, _en_period_gjord)
    ut = tmp_path / "ut"
    os.replace(ut / PERIOD, ut / f".{PERIOD}-gammal-4711")  # killed between the two renames of --force
    (ut / ".2025-02-abc123").mkdir()  # and a staging folder of a killed run
    gjort = runner.återställ(ut)
    assert gjort == ["tog bort den halvfärdiga mappen .2025-02-abc123",
                     f"{ut / PERIOD} är återställd från .{PERIOD}-gammal-4711"]
    assert tillstånd(ut) == (13.3, 13.3)
    städat(ut)


# ---------------------------------------------------------------- the history database




@pytest.fixture(scope="module")
def _tre_perioder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kommun's folder with three periods in the history (2025-01, 2025-02, 2024-08), made once."""
    mapp = tmp_path_factory.mktemp("tre_perioder")
    konfig = miljö(mapp)
    with som_i_en_test_om_kör():
        for m in (1, 2):
            runner.kör(konfig, månad=m, år=2025, tyst=True)
        runner.kör(konfig, månad=8, år=2024, tyst=True)
    return mapp


def _med_tre_perioder(tmp_path: Path, mall: Path) -> Path:
    """`_tre_perioder` copied into tmp_path: the configuration."""
    shutil.copytree(mall, tmp_path, dirs_exist_ok=True)
    return tmp_path / "kommunrapport.toml"


def test_en_trasig_historik_namns_och_repareras(tmp_path, capsys, _tre_perioder):
    konfig = _med_tre_perioder(tmp_path, _tre_perioder)
    db = tmp_path / "ut" / history.FILNAMN
    hel = db.read_bytes()
    db.write_bytes(hel[:len(hel) // 2])  # truncated: half the bytes
    kod, _, fel = kör_i_processen(capsys, "kör", "--config", str(konfig), "--force")
    assert kod == 2
    assert f"\nfel: {db}: historikdatabasen är trasig (" in fel
    assert "kör 'kommunrapport historik --reparera --config …'" in fel and "internt fel" not in fel
    kod, _, fel = kör_i_processen(capsys, "historik", "--config", str(konfig))
    assert kod == 2 and "--reparera" in fel
    kod, ut, fel = kör_i_processen(capsys, "historik", "--config", str(konfig), "--reparera")
    assert kod == 0, fel
    trasiga = list((tmp_path / "ut").glob("historik.sqlite.trasig-*"))
    assert len(trasiga) == 1 and trasiga[0].read_bytes() == hel[:len(hel) // 2]  # the broken file is kept as it was
    assert ut.splitlines()[0] == f"den trasiga historiken är sparad som {trasiga[0]}"
    # the first half of the file held the periods and the forecasts; the later tables' pages were cut off
    assert ut.splitlines()[1] == (f"ny historik i {db} med det som gick att läsa: 3 rader i period, 30 rader i "
                                  "prognos, 0 rader i ks, 0 rader i körning, 0 rader i indata")
    assert history.är_hel(db)
    kvar = history.perioder(db).set_index("period")["budgetavvikelse"]
    assert [avrunda(v / 1e6, 1) for v in kvar.to_numpy()] == [5.5, 3.8, 13.3] and list(kvar.index) == [
        "2024-08", "2025-01", "2025-02"]
    assert avrunda(history.prognoser(db, 2025).loc["total", 2] / 1e6, 1) == 10.0
    kod, ut, _ = kör_i_processen(capsys, "historik", "--config", str(konfig), "--reparera")
    assert kod == 0 and ut.strip() == f"{db} är hel; inget att reparera"
    assert runner.kör(konfig, månad=2, år=2025, tvinga=True, tyst=True).period == PERIOD


def test_en_hel_historik_raddas_helt(tmp_path, _tre_perioder):
    """Salvage copies every readable row: from a whole (but here forced) file, all of them."""
    _med_tre_perioder(tmp_path, _tre_perioder)
    db = tmp_path / "ut" / history.FILNAMN
    före = history.perioder(db)
    räddat = history._rädda(db, tmp_path / "ny.sqlite")
    assert räddat["period"] == 3 and räddat["körning"] == 3 and räddat["prognos"] == 30
    pd.testing.assert_frame_equal(history.perioder(tmp_path / "ny.sqlite"), före)


def test_skrap_i_stallet_for_en_databas(tmp_path, capsys):
    konfig = miljö(tmp_path)
    (tmp_path / "ut").mkdir()
    db = tmp_path / "ut" / history.FILNAMN
    db.write_bytes(b"inte en databas " * 200)
    kod, _, fel = kör_i_processen(capsys, "kör", "--config", str(konfig))
    assert kod == 2 and f"{db}: historikdatabasen är trasig (file is not a database)" in fel
    assert not (tmp_path / "ut" / PERIOD).exists()
    kod, ut, _ = kör_i_processen(capsys, "historik", "--config", str(konfig), "--reparera")
    assert kod == 0 and "0 rader i period" in ut
    assert runner.kör(konfig, tyst=True).period == PERIOD


def test_en_mapp_dar_historiken_ska_vara(tmp_path, capsys):
    konfig = miljö(tmp_path)
    db = tmp_path / "ut" / history.FILNAMN
    (db / "något").mkdir(parents=True)
    kod, _, fel = kör_i_processen(capsys, "kör", "--config", str(konfig))
    assert kod == 2
    assert f"\nfel: {db}: är en mapp, inte historikdatabasen; flytta eller byt namn på mappen" in fel
    kod, ut, _ = kör_i_processen(capsys, "historik", "--config", str(konfig), "--reparera")
    assert kod == 0
    trasig = next((tmp_path / "ut").glob("historik.sqlite.trasig-*"))
    assert (trasig / "något").is_dir()  # the folder is kept, moved aside
    assert runner.kör(konfig, tyst=True).period == PERIOD


def test_schemaversion(tmp_path, capsys):
    konfig = miljö(tmp_path)
    ut = tmp_path / "ut"
    ut.mkdir()
    db = ut / history.FILNAMN
    with sqlite3.connect(db) as con:  # a history of the first version: no user_version, no journal
        con.executescript(history.SCHEMA)
        con.execute("INSERT INTO period VALUES ('2024-08', 2024, 8, 'Äldrenämnden', '2024-09-10T06:15:00', 5.5e6, "
                    "15e6, 1340e6, 900e6)")
    con.close()
    runner.kör(konfig, tyst=True)
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == history.SCHEMAVERSION == 2
    con.close()
    assert list(history.perioder(db)["period"]) == ["2024-08", PERIOD]
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA user_version = 3")
    con.close()
    kod, _, fel = kör_i_processen(capsys, "historik", "--config", str(konfig))
    assert kod == 2 and "historiken är skriven av en nyare version av kommunrapport (schema 3" in fel


@pytest.mark.filterwarnings("ignore:pandas only supports SQLAlchemy")  # pandas reads through the stand-in
def test_full_disk_i_historiken_ar_ett_skrivfel_och_korningen_ångras(tmp_path, monkeypatch):
    """sqlite's 'database or disk is full' while kör stores the figures: a Swedish SkrivFel naming the file
    (exit 2, not an internal error), and the run is rolled back: no period folder, the history as before."""
    konfig = miljö(tmp_path)
    ut = tmp_path / "ut"
    öppna = history._öppna

    class FullDisk:
        def __init__(self, con):
            self.con = con

        def execute(self, sql, *args):
            if sql.lstrip().upper().startswith(("INSERT INTO PERIOD", "INSERT OR REPLACE INTO PERIOD")):
                exc = sqlite3.OperationalError("database or disk is full")
                exc.sqlite_errorcode = sqlite3.SQLITE_FULL
                raise exc
            return self.con.execute(sql, *args)

        def __getattr__(self, namn):
            return getattr(self.con, namn)

        def __enter__(self):
            self.con.__enter__()
            return self

        def __exit__(self, *exc):
            return self.con.__exit__(*exc)

    monkeypatch.setattr(history, "_öppna", lambda sökväg: FullDisk(öppna(sökväg)))
    with pytest.raises(SkrivFel) as info:
        runner.kör(konfig, tyst=True)
    assert str(info.value) == f"{ut / history.FILNAMN}: kan inte skriva historiken: disken är full; frigör utrymme och kör igen"
    assert not (ut / PERIOD).exists()
    monkeypatch.undo()
    assert history.perioder(ut / history.FILNAMN).empty
    assert runner.kör(konfig, tyst=True).period == PERIOD  # once there is room, the run completes
