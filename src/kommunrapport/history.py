"""History of runs: each period's key figures and each row's forecast, in SQLite beside the outputs.

One transaction per run: a crash mid-run leaves the database as it was, and a re-run of the same
period replaces that period's record instead of adding a second one.

The table `körning` is `kör`'s journal: a row 'pågår' (with the staging folder and where the earlier
version goes) is committed before anything is renamed, and the row becomes 'klar' in the same
transaction that stores the figures; a run that was killed in between is rolled back at the next
start (runner.återställ). `indata` holds the sha256 of every input file of a run, and `körning.underlag`
a fingerprint of the period's figures in the inputs, so a changed export is noticed.

The schema's version is in `PRAGMA user_version` (2; an unversioned database is version 1 and is
upgraded in place). A database that is corrupt, truncated or a folder is an error naming the file;
`reparera` keeps it aside (historik.sqlite.trasig-<tid>) and saves what is readable into a new one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import struct
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from .errors import KommunrapportFel, Plats, SkrivFel

FILNAMN = "historik.sqlite"
NÄMNDMAPP = "historik"  # a kommun-wide run ([[namnd]]): ut/historik/<nämnd>.sqlite, one per nämnd
SCHEMAVERSION = 2

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
SCHEMA_2 = """
CREATE TABLE IF NOT EXISTS körning (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL,             -- 2025-02
    status TEXT NOT NULL,             -- pågår, klar, avbruten
    startad TEXT NOT NULL,            -- ISO time
    slutförd TEXT,                    -- ISO time it became klar or avbruten
    stage TEXT NOT NULL,              -- the staging folder, relative to ut/
    arkiv TEXT,                       -- where the earlier version of the period went, relative to ut/
    underlag TEXT                     -- sha256 of the period's figures in the inputs
);
CREATE TABLE IF NOT EXISTS indata (
    körning INTEGER NOT NULL REFERENCES körning(id) ON DELETE CASCADE,
    roll TEXT NOT NULL,               -- ekonomi.data, ekonomi.mappning, volymer.serier, …
    fil TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (körning, roll, fil)
);
"""
TABELLER = ("period", "prognos", "ks", "körning", "indata")


def nämndfil(ut: str | Path, mapp: str) -> Path:
    """The history of one nämnd of a kommun-wide run: one row per period, as the single history has."""
    return Path(ut) / NÄMNDMAPP / f"{mapp}.sqlite"


def alla_filer(ut: str | Path) -> list[Path]:
    """Every history database in `ut` that exists: historik.sqlite and the nämnder's."""
    ut = Path(ut)
    filer = [ut / FILNAMN] if (ut / FILNAMN).exists() else []
    if (ut / NÄMNDMAPP).is_dir():
        filer += sorted(p for p in (ut / NÄMNDMAPP).glob("*.sqlite") if p.is_file())
    return filer


class HistorikFel(KommunrapportFel):
    """The history database cannot be used: corrupt, truncated, a folder, or from a newer version."""


def _råd(sökväg: Path) -> str:
    return (f"kör 'kommunrapport historik --reparera --config …' (den trasiga filen sparas som "
            f"{sökväg.name}.trasig-<tid> och det som går att läsa flyttas till en ny historik)")


def _öppna(sökväg: Path) -> sqlite3.Connection:
    """Open (or create) the database at the current schema; a broken one is a HistorikFel naming the file."""
    sökväg = Path(sökväg)
    plats = Plats(str(sökväg))
    if sökväg.is_dir():
        raise HistorikFel("är en mapp, inte historikdatabasen; flytta eller byt namn på mappen, eller " + _råd(sökväg),
                          plats)
    try:
        con = sqlite3.connect(sökväg, timeout=30)
    except sqlite3.Error as exc:
        raise HistorikFel(f"historiken kan inte öppnas ({exc})", plats) from exc
    try:
        con.execute("PRAGMA foreign_keys = ON")
        kontroll = con.execute("PRAGMA quick_check").fetchall()
        if kontroll != [("ok",)]:
            raise sqlite3.DatabaseError("; ".join(str(r[0]) for r in kontroll[:3]))
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMAVERSION:
            raise HistorikFel(f"historiken är skriven av en nyare version av kommunrapport (schema {version}, "
                              f"den här versionen läser {SCHEMAVERSION}); uppdatera kommunrapport", plats)
        if version < SCHEMAVERSION:  # new, or version 1 (unversioned): add what is missing, in one transaction
            con.executescript(f"BEGIN; {SCHEMA} {SCHEMA_2} PRAGMA user_version = {SCHEMAVERSION}; COMMIT;")
    except sqlite3.DatabaseError as exc:
        con.close()
        raise HistorikFel(f"historikdatabasen är trasig ({exc}); " + _råd(sökväg), plats) from exc
    except BaseException:
        con.close()
        raise
    return con


# What sqlite says when the history cannot be written, in Swedish with advice (a SkrivFel, exit 2).
_SKRIVFEL = {sqlite3.SQLITE_FULL: "disken är full; frigör utrymme och kör igen",
             sqlite3.SQLITE_READONLY: "filen eller mappen är skrivskyddad; ge kontot skrivrätt",
             sqlite3.SQLITE_CANTOPEN: "filen går inte att öppna; kontrollera mappen och rättigheterna",
             sqlite3.SQLITE_IOERR: "ett fel i filsystemet; kontrollera disken och kör igen"}


@contextmanager
def _skrivning(sökväg: Path) -> Iterator[sqlite3.Connection]:
    """One transaction on the history; a full disk or a read-only file is a SkrivFel naming the file
    (the transaction is rolled back, nothing half-written stays)."""
    try:
        with closing(_öppna(sökväg)) as con, con:
            yield con
    except sqlite3.OperationalError as exc:
        råd = _SKRIVFEL.get(getattr(exc, "sqlite_errorcode", None) or 0)
        if råd is None:
            raise
        raise SkrivFel(f"kan inte skriva historiken: {råd}", Plats(str(sökväg))) from exc


def _läs(sökväg: Path, fråga: str, params: tuple = ()) -> pd.DataFrame:
    with closing(_öppna(sökväg)) as con:
        try:
            return pd.read_sql_query(fråga, con, params=params)
        except sqlite3.DatabaseError as exc:
            raise HistorikFel(f"historikdatabasen är trasig ({exc}); " + _råd(sökväg), Plats(str(sökväg))) from exc


@dataclass
class Slutförd:
    """What marks a run of `kör` 'klar', in the same transaction as its figures."""

    körning: int
    underlag: str | None = None
    indata: list[tuple[str, str, str]] = field(default_factory=list)  # (roll, fil, sha256)


@dataclass
class Journalrad:
    id: int
    period: str
    status: str
    startad: str
    slutförd: str | None
    stage: str
    arkiv: str | None
    underlag: str | None


def _markera_klar(con: sqlite3.Connection, klar: Slutförd | None) -> None:
    if klar is None:
        return
    con.execute("UPDATE körning SET status = 'klar', slutförd = ?, underlag = ? WHERE id = ?",
                (_nu(), klar.underlag, klar.körning))
    con.executemany("INSERT OR REPLACE INTO indata VALUES (?, ?, ?, ?)",
                    [(klar.körning, roll, fil, summa) for roll, fil, summa in klar.indata])


def _nu() -> str:
    return datetime.now().isoformat(timespec="seconds")


def börja(sökväg: str | Path, period: str, stage: str, arkiv: str | None) -> int:
    """Journal a run that is about to rename folders: 'pågår', committed before anything moves."""
    with _skrivning(Path(sökväg)) as con:
        cur = con.execute("INSERT INTO körning (period, status, startad, stage, arkiv) VALUES (?, 'pågår', ?, ?, ?)",
                          (period, _nu(), stage, arkiv))
        assert cur.lastrowid is not None  # an INSERT always has one
        return cur.lastrowid


def avbryt(sökväg: str | Path, körning: int) -> None:
    """Mark a journalled run as rolled back."""
    with _skrivning(Path(sökväg)) as con:
        con.execute("UPDATE körning SET status = 'avbruten', slutförd = ? WHERE id = ?", (_nu(), körning))


def markera_klar(sökväg: str | Path, klar: Slutförd) -> None:
    """Mark a run 'klar' (a run without figures to store: the volume report only)."""
    with _skrivning(Path(sökväg)) as con:
        _markera_klar(con, klar)


def _journal(sökväg: Path, villkor: str, params: tuple = ()) -> list[Journalrad]:
    if not Path(sökväg).exists():
        return []
    df = _läs(Path(sökväg), f"SELECT id, period, status, startad, slutförd, stage, arkiv, underlag FROM körning "
                            f"WHERE {villkor} ORDER BY id", params)
    return [Journalrad(**{k: (None if pd.isna(v) else v) for k, v in rec.items()})  # type: ignore[arg-type]
            for rec in df.to_dict("records")]


def pågående(sökväg: str | Path) -> list[Journalrad]:
    """Runs that were journalled 'pågår' and never finished (killed): to be rolled back."""
    return _journal(Path(sökväg), "status = 'pågår'")


def senaste_klara(sökväg: str | Path, period: str) -> tuple[Journalrad, dict[tuple[str, str], str]] | None:
    """The latest finished run of `period` and its input files' checksums ((roll, fil) -> sha256), or None."""
    rader = _journal(Path(sökväg), "status = 'klar' AND period = ?", (period,))
    if not rader:
        return None
    rad = rader[-1]
    df = _läs(Path(sökväg), "SELECT roll, fil, sha256 FROM indata WHERE körning = ?", (rad.id,))
    return rad, {(r, f): h for r, f, h in df.itertuples(index=False)}


def filsumma(sökväg: str | Path) -> str:
    """sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(sökväg, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def spara(sökväg: str | Path, rapport, ks_extra: dict[str, float] | None = None, klar: Slutförd | None = None) -> None:
    """Store (or replace) the period of an Ekonomirapport, in one transaction; `ks_extra` adds
    helårsprognoser of the KS report (nettoinvesteringar); `klar` marks `kör`'s journalled run
    finished in the same transaction."""
    from .calc.ekonomi import TOTAL

    r = rapport
    period = r.period.stam
    nt = r.nyckeltal.loc[TOTAL]
    prognos = r.prognosavvikelse
    with _skrivning(Path(sökväg)) as con:
        con.execute("DELETE FROM prognos WHERE period = ?", (period,))
        con.execute("DELETE FROM ks WHERE period = ?", (period,))
        con.execute("DELETE FROM period WHERE period = ?", (period,))
        con.execute(
            "INSERT INTO period VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (period, r.år, r.månad, r.nämnd, _nu(), r.avvikelse,
             None if prognos is None else float(prognos[TOTAL]), float(r.årsbudget[TOTAL]), float(nt["nettokostnad"])),
        )
        rows = []
        for rid in [*r.träd.ids, TOTAL]:
            rubrik = "Totalt" if rid == TOTAL else r.träd.rad(rid).rubrik
            rows.append((period, rid, rubrik, float(r.ackumulerad_avvikelse.loc[rid, r.månad]),
                         None if prognos is None else float(prognos[rid])))
        con.executemany("INSERT INTO prognos VALUES (?, ?, ?, ?, ?)", rows)
        _spara_ks(con, period, {str(k): float(v) for k, v in r.ks["prognos_helår"].items()} | (ks_extra or {}))
        _markera_klar(con, klar)


def _spara_ks(con: sqlite3.Connection, period: str, prognoser: dict[str, float]) -> None:
    con.executemany("INSERT OR REPLACE INTO ks VALUES (?, ?, ?)", [(period, k, v) for k, v in prognoser.items()])


def spara_ks(sökväg: str | Path, period: str, prognoser: dict[str, float], klar: Slutförd | None = None) -> None:
    """Store the helårsprognos per KS line (e.g. the nettoinvesteringar of the KS report)."""
    with _skrivning(Path(sökväg)) as con:
        _spara_ks(con, period, prognoser)
        _markera_klar(con, klar)


def ks_prognos(sökväg: str | Path, period: str) -> dict[str, float] | None:
    """The helårsprognos per KS line given at `period` (e.g. '2025-08'), or None if that run is not stored."""
    if not Path(sökväg).exists():
        return None
    df = _läs(Path(sökväg), "SELECT rad, prognos_helår FROM ks WHERE period = ?", (period,))
    return {r: v for r, v in df.itertuples(index=False)} or None


PERIODKOLUMNER = ["period", "år", "månad", "nämnd", "körd", "budgetavvikelse", "prognosavvikelse", "årsbudget",
                  "nettokostnad"]


def perioder(sökväg: str | Path) -> pd.DataFrame:
    """Every stored period, oldest first."""
    if not Path(sökväg).exists():
        return pd.DataFrame(columns=PERIODKOLUMNER)
    return _läs(Path(sökväg), "SELECT * FROM period ORDER BY period")


def prognoser(sökväg: str | Path, år: int) -> pd.DataFrame:
    """Forecast per row and report month of `år`: rows = rad, columns = månad (kr)."""
    if not Path(sökväg).exists():
        return pd.DataFrame()
    df = _läs(Path(sökväg),
              "SELECT p.rad, p.rubrik, k.månad, p.prognosavvikelse FROM prognos p JOIN period k USING (period) "
              "WHERE k.år = ? ORDER BY k.månad", (år,))
    if df.empty:
        return df
    return df.pivot_table(index="rad", columns="månad", values="prognosavvikelse", aggfunc="first")


# ---------------------------------------------------------------- repair


def är_hel(sökväg: str | Path) -> bool:
    """True when the database opens and passes SQLite's quick_check (a missing file is whole: it is made anew)."""
    try:
        if Path(sökväg).exists():
            _öppna(Path(sökväg)).close()
        return True
    except HistorikFel:
        return False


def _läsbara_rader(con: sqlite3.Connection, tabell: str) -> list[tuple]:
    """Every row of `tabell` that can be read: forwards until a broken page, backwards likewise, then each
    rowid after the last one read (a broken page in the middle loses only its own rows)."""
    rader: dict[int, tuple] = {}
    for fråga in (f'SELECT rowid, * FROM "{tabell}" ORDER BY rowid', f'SELECT rowid, * FROM "{tabell}" ORDER BY rowid DESC'):
        try:
            for rad in con.execute(fråga):
                rader[rad[0]] = rad[1:]
        except sqlite3.DatabaseError:
            pass
    högsta = max(rader, default=0)
    for rowid in range(1, högsta + 1000):
        if rowid in rader:
            continue
        try:
            rad = con.execute(f'SELECT rowid, * FROM "{tabell}" WHERE rowid = ?', (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            continue
        if rad is not None:
            rader[rad[0]] = rad[1:]
    return [rader[k] for k in sorted(rader)]


def _glöm_borttappade_tabeller(kopia: Path, sidor: int) -> None:
    """In the copy of a truncated file, drop the schema entries whose first page was cut off: otherwise
    SQLite refuses the whole schema, and the tables that are still there cannot be read either."""
    try:
        with closing(sqlite3.connect(kopia)) as con:
            con.execute("PRAGMA writable_schema = ON")
            con.execute("DELETE FROM sqlite_master WHERE rootpage > ?", (sidor,))
            con.commit()
    except sqlite3.Error:
        pass


def _rädda(trasig: Path, ny: Path) -> dict[str, int]:
    """Copy what is readable of the broken database `trasig` into the new database `ny`: rows per table."""
    räddat = {t: 0 for t in TABELLER}
    if trasig.is_dir():
        return räddat
    kopia = ny.with_name(ny.name + ".läses")
    shutil.copyfile(trasig, kopia)
    try:
        with open(kopia, "r+b") as f:  # a truncated file: make the header's page count match the file
            huvud = f.read(100)
            if huvud[:16] == b"SQLite format 3\x00":
                sidstorlek = struct.unpack(">H", huvud[16:18])[0]
                sidstorlek = 65536 if sidstorlek == 1 else sidstorlek
                if sidstorlek:
                    sidor = os.path.getsize(kopia) // sidstorlek
                    f.seek(28)
                    f.write(struct.pack(">I", sidor))
                    f.close()
                    _glöm_borttappade_tabeller(kopia, sidor)
        gammal = sqlite3.connect(kopia)
        with closing(gammal), closing(_öppna(ny)) as con:
            con.execute("PRAGMA foreign_keys = OFF")  # a forecast row whose period was lost is still kept
            with con:
                for tabell in TABELLER:
                    try:
                        rader = _läsbara_rader(gammal, tabell)
                    except sqlite3.DatabaseError:
                        continue
                    for rad in rader:
                        try:
                            con.execute(f'INSERT OR IGNORE INTO "{tabell}" VALUES ({", ".join("?" * len(rad))})', rad)
                            räddat[tabell] += 1
                        except sqlite3.Error:
                            pass
    except sqlite3.Error:
        pass
    finally:
        kopia.unlink(missing_ok=True)
        kopia.with_name(kopia.name + "-journal").unlink(missing_ok=True)
    return räddat


def reparera(sökväg: str | Path) -> tuple[Path, dict[str, int]] | None:
    """Keep a broken history aside as historik.sqlite.trasig-<tid> and start a new one holding every row
    that could be read; None when the database is whole. Returns the broken file's new name and the
    rows saved per table."""
    sökväg = Path(sökväg)
    if not sökväg.exists() or är_hel(sökväg):
        return None
    tid = datetime.now().strftime("%Y-%m-%dT%H%M%S")
    trasig = sökväg.with_name(f"{sökväg.name}.trasig-{tid}")
    ny = sökväg.with_name(f".{sökväg.name}.ny-{tid}")
    ny.unlink(missing_ok=True)
    räddat = _rädda(sökväg, ny) if not sökväg.is_dir() else {t: 0 for t in TABELLER}
    if not ny.exists():
        _öppna(ny).close()
    # the broken file (with its journal, if any) aside first, then the new one in place: a crash in
    # between leaves no history (a new one is started) and the broken file kept
    for ändelse in ("-journal", "-wal", "-shm"):
        extra = sökväg.with_name(sökväg.name + ändelse)
        if extra.exists():
            os.replace(extra, trasig.with_name(trasig.name + ändelse))
    os.replace(sökväg, trasig)
    os.replace(ny, sökväg)
    return trasig, räddat
