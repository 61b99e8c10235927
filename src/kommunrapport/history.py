"""History of runs: each period's key figures and each row's forecast, in SQLite beside the outputs.

One transaction per run: a crash mid-run leaves the database as it was, and a re-run of the same
period replaces that period's record instead of adding a second one.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pandas as pd

FILNAMN = "historik.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS period (
    period TEXT PRIMARY KEY,          -- 2025-02
    år INTEGER NOT NULL,
    månad INTEGER NOT NULL,
    nämnd TEXT NOT NULL,
    körd TEXT NOT NULL,               -- ISO time of the run
    budgetavvikelse REAL,             -- kr, accumulated jan..m, + better
    prognosavvikelse REAL,            -- kr, annual forecast deviation given at this report
    årsbudget REAL,                   -- kr, net cost positive
    nettokostnad REAL                 -- kr, accumulated jan..m
);
CREATE TABLE IF NOT EXISTS prognos (
    period TEXT NOT NULL REFERENCES period(period) ON DELETE CASCADE,
    rad TEXT NOT NULL,                -- verksamhet row id, or 'total'
    rubrik TEXT NOT NULL,
    budgetavvikelse REAL,
    prognosavvikelse REAL,
    PRIMARY KEY (period, rad)
);
CREATE TABLE IF NOT EXISTS ks (
    period TEXT NOT NULL,
    rad TEXT NOT NULL,                -- Verksamhetens intäkter / kostnader / nettokostnader / nettoinvesteringar
    prognos_helår REAL,               -- kr, result sign
    PRIMARY KEY (period, rad)
);
"""


def _öppna(sökväg: Path) -> sqlite3.Connection:
    con = sqlite3.connect(sökväg, timeout=30)
    con.execute("PRAGMA foreign_keys = ON")
    con.executescript(SCHEMA)
    return con


def spara(sökväg: str | Path, rapport, ks_extra: dict[str, float] | None = None) -> None:
    """Store (or replace) the period of an Ekonomirapport, in one transaction; `ks_extra` adds
    helårsprognoser of the KS report (nettoinvesteringar)."""
    from .calc.ekonomi import TOTAL

    r = rapport
    period = r.period.stam
    nt = r.nyckeltal.loc[TOTAL]
    prognos = r.prognosavvikelse
    with closing(_öppna(Path(sökväg))) as con, con:
        con.execute("DELETE FROM prognos WHERE period = ?", (period,))
        con.execute("DELETE FROM ks WHERE period = ?", (period,))
        con.execute("DELETE FROM period WHERE period = ?", (period,))
        con.execute(
            "INSERT INTO period VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (period, r.år, r.månad, r.nämnd, datetime.now().isoformat(timespec="seconds"), r.avvikelse,
             None if prognos is None else float(prognos[TOTAL]), float(r.årsbudget[TOTAL]), float(nt["nettokostnad"])),
        )
        rows = []
        for rid in [*r.träd.ids, TOTAL]:
            rubrik = "Totalt" if rid == TOTAL else r.träd.rad(rid).rubrik
            rows.append((period, rid, rubrik, float(r.ackumulerad_avvikelse.loc[rid, r.månad]),
                         None if prognos is None else float(prognos[rid])))
        con.executemany("INSERT INTO prognos VALUES (?, ?, ?, ?, ?)", rows)
        _spara_ks(con, period, {str(k): float(v) for k, v in r.ks["prognos_helår"].items()} | (ks_extra or {}))


def _spara_ks(con: sqlite3.Connection, period: str, prognoser: dict[str, float]) -> None:
    con.executemany("INSERT OR REPLACE INTO ks VALUES (?, ?, ?)", [(period, k, v) for k, v in prognoser.items()])


def spara_ks(sökväg: str | Path, period: str, prognoser: dict[str, float]) -> None:
    """Store the helårsprognos per KS line (e.g. the nettoinvesteringar of the KS report)."""
    with closing(_öppna(Path(sökväg))) as con, con:
        _spara_ks(con, period, prognoser)


def ks_prognos(sökväg: str | Path, period: str) -> dict[str, float] | None:
    """The helårsprognos per KS line given at `period` (e.g. '2025-08'), or None if that run is not stored."""
    if not Path(sökväg).exists():
        return None
    with closing(_öppna(Path(sökväg))) as con:
        rows = con.execute("SELECT rad, prognos_helår FROM ks WHERE period = ?", (period,)).fetchall()
    return {r: v for r, v in rows} or None


def perioder(sökväg: str | Path) -> pd.DataFrame:
    """Every stored period, oldest first."""
    if not Path(sökväg).exists():
        return pd.DataFrame(columns=["period", "år", "månad", "nämnd", "körd", "budgetavvikelse",
                                     "prognosavvikelse", "årsbudget", "nettokostnad"])
    with closing(_öppna(Path(sökväg))) as con:
        return pd.read_sql_query("SELECT * FROM period ORDER BY period", con)


def prognoser(sökväg: str | Path, år: int) -> pd.DataFrame:
    """Forecast per row and report month of `år`: rows = rad, columns = månad (kr)."""
    if not Path(sökväg).exists():
        return pd.DataFrame()
    with closing(_öppna(Path(sökväg))) as con:
        df = pd.read_sql_query(
            "SELECT p.rad, p.rubrik, k.månad, p.prognosavvikelse FROM prognos p JOIN period k USING (period) "
            "WHERE k.år = ? ORDER BY k.månad", con, params=(år,))
    if df.empty:
        return df
    return df.pivot_table(index="rad", columns="månad", values="prognosavvikelse", aggfunc="first")
