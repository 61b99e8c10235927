"""`kommunrapport kör`: the unattended monthly run from the configuration alone.

    ut/
      2025-01/            one folder per period, written complete or not at all
      2025-02/
      historik.sqlite     key figures and forecasts of every run
      kommunrapport.log   one line per step
      .kommunrapport.lock held while a run writes

A period that already exists is left alone unless `tvinga` (--force). Two runs at once cannot
both write: the second waits up to `vänta` seconds for the lock, then gives up. Everything is
written into a hidden staging folder that is renamed into place only when complete.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from . import history
from .errors import KommunrapportFel, KonfigurationsFel, Plats, SkrivFel, orsak, skrivfel
from .formatting import mnkr
from .model.period import MÅNADER, Period
from .settings import Konfiguration, läs_konfiguration

if TYPE_CHECKING:
    from .input.ledger import Huvudbok
    from .reports.ekonomi import Ekonomirapport

Steg = Callable[[int, int, str], None]  # (step, of total, what): the progress of a run
KLART, INGET_ATT_GÖRA, LÅST = 0, 4, 5
LOGGFIL = "kommunrapport.log"
LÅSFIL = ".kommunrapport.lock"


class IngetAttGöra(KommunrapportFel):
    exit_code = INGET_ATT_GÖRA


class Låst(KommunrapportFel):
    exit_code = LÅST


@dataclass
class Körning:
    period: str
    mapp: Path
    filer: list[Path]


def _skrivbar_mapp(ut: Path) -> None:
    """Create `ut` if needed and make sure a file can be created in it, before anything else is done."""
    ut = ut.absolute()
    if ut.exists() and not ut.is_dir():
        raise SkrivFel(f"{ut} är en fil, inte en mapp; ange en mapp som ut i konfigurationen "
                       "(eller med KOMMUNRAPPORT_UT)")
    try:
        ut.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise skrivfel(exc, f"mappen {ut}") from exc
    try:  # a read-only folder (or file system) is found here, not half-way through the run
        fd, prov = tempfile.mkstemp(prefix=".kommunrapport-prov-", dir=ut)
        os.close(fd)
        os.unlink(prov)
    except OSError as exc:
        raise skrivfel(exc, f"i {ut}") from exc


def _länkfel(sökväg: Path, vad: str) -> SkrivFel:
    sökväg = sökväg.absolute()
    try:
        mål = f" (till {os.readlink(sökväg)})"
    except OSError:
        mål = ""
    return SkrivFel(f"{vad} {sökväg} är en symbolisk länk{mål}; kommunrapport skriver inte genom en länk: "
                    "ta bort länken (filen skapas på nytt) och kör igen")


def _inte_länk(sökväg: Path, vad: str) -> None:
    """Refuse a symbolic link where kör writes a file of its own (lstat: works on Windows too)."""
    if sökväg.is_symlink():
        raise _länkfel(sökväg, vad)


class _Loggfil(logging.FileHandler):
    """ut/kommunrapport.log, opened without following a symbolic link (O_NOFOLLOW where there is one, else
    checked first). A write that fails (a full disk) is said once on standard error, in Swedish."""

    def __init__(self, sökväg: Path):
        self._sagt = False
        super().__init__(sökväg, encoding="utf-8")

    def _open(self):
        sökväg = Path(self.baseFilename)
        _inte_länk(sökväg, "loggfilen")
        try:
            fd = os.open(sökväg, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # it became a link after the check
                raise _länkfel(sökväg, "loggfilen") from exc
            raise skrivfel(exc, f"loggfilen {sökväg}") from exc
        return open(fd, "a", encoding="utf-8")

    def handleError(self, record: logging.LogRecord) -> None:
        if not self._sagt:
            self._sagt = True
            exc = sys.exc_info()[1]
            text = orsak(exc) if isinstance(exc, OSError) and exc.errno else f"{type(exc).__name__}: {exc}"
            print(f"varning: kan inte skriva i loggfilen {self.baseFilename}: {text}", file=sys.stderr)


def logg(ut: Path, tyst: bool) -> logging.Logger:
    """The run's log: ut/kommunrapport.log (never through a symbolic link) and, unless `tyst`, standard error.

    Checks first that `ut` is a folder that can be written in: a read-only folder or a file in its place
    is a SkrivFel before anything is done."""
    log = logging.getLogger("kommunrapport.kör")
    for h in log.handlers:
        h.close()
    log.handlers.clear()
    log.setLevel(logging.INFO)
    log.propagate = False
    _skrivbar_mapp(ut)
    fil = _Loggfil(ut / LOGGFIL)
    fil.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    log.addHandler(fil)
    if not tyst:
        err = logging.StreamHandler(sys.stderr)
        err.setFormatter(logging.Formatter("%(message)s"))
        err.addFilter(lambda rec: not getattr(rec, "bara_fil", False))
        log.addHandler(err)
    return log


@contextmanager
def lås(ut: Path, vänta: float) -> Iterator[None]:
    """Hold an exclusive lock on ut/.kommunrapport.lock; wait up to `vänta` seconds for it.

    filelock locks the same way on Windows and Linux; the operating system frees the lock when a
    process dies, so a killed run never leaves the folder locked. A lock file that is a symbolic link
    is refused: opening it would write to (truncate) the file it points at."""
    _skrivbar_mapp(ut)
    sökväg = ut / LÅSFIL
    _inte_länk(sökväg, "låsfilen")
    lås_ = FileLock(sökväg, timeout=vänta, is_singleton=False)
    try:
        lås_.acquire(poll_interval=0.2)
    except Timeout:
        raise Låst(f"en annan körning skriver redan i {ut} (låsfilen {sökväg}); "
                   "försök igen senare eller ange --vanta SEKUNDER") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _länkfel(sökväg, "låsfilen") from exc
        raise skrivfel(exc, f"låsfilen {sökväg}") from exc
    try:
        yield
    finally:
        lås_.release()


def senaste_stängda_månad(konf: Konfiguration, huvudbok: Huvudbok | None = None) -> tuple[int, int]:
    """The latest (year, month) the data covers: with utfall in the ekonomi export, else in the volumes."""
    from . import api

    if huvudbok is not None:
        d = huvudbok.data
        d = d[d["utfall"].abs() > 0.005]
        if d.empty:
            raise KommunrapportFel("exporten har inget utfall alls", Plats(huvudbok.tabell.fil))
        år = int(d["år"].max())
        return år, int(d.loc[d["år"] == år, "månad"].max())
    v = konf.volymer
    if v is None:
        raise KonfigurationsFel("varken en ekonomiexport eller volymer att ta månaden ur")
    data = api.läs_volymdata(v.hemtjanst, v.placeringar, v.bistand, v.serier, v.slag, kolumner=v.kolumner, blad=v.blad,
                             decimaltecken=v.decimaltecken)
    # Every area must have the month: the earliest of the areas' latest months.
    return min(max(zip(d.serier["år"].astype(int), d.serier["månad"].astype(int))) for d in data)


def kör(konfig: str | Path, månad: int | None = None, år: int | None = None, tvinga: bool = False,
        tyst: bool = False, vänta: float = 0.0, steg: Steg | None = None) -> Körning:
    """Make every configured report for one period into ut/ÅÅÅÅ-MM/, atomically, and store its history.

    Every failure is logged in ut/kommunrapport.log: a user error as its message, an internal error with
    its traceback."""
    konf = läs_konfiguration(konfig)
    if not konf.valda_rapporter:
        raise KommunrapportFel(f"{konfig}: inga rapporter är konfigurerade (lägg till [ekonomi] eller [volymer])")
    for rapport in konf.valda_rapporter:  # `rapporter` may name a report whose section is missing
        avsnitt = "volymer" if rapport == "volymer" else "ekonomi"
        if getattr(konf, avsnitt) is None:
            raise KonfigurationsFel(f"rapporten {rapport} är vald i rapporter men avsnittet [{avsnitt}] saknas",
                                    Plats(str(konfig)))
    ut = konf.ut
    log = logg(ut, tyst)
    period: list[str] = []  # known once the month is decided
    try:
        return _kör(konf, log, månad, år, tvinga, vänta, steg or (lambda n, total, text: None), period)
    except IngetAttGöra:
        raise
    except BaseException as exc:
        # the cause in the log file only (the command line says it itself): a user error as its
        # Swedish message(s), an internal error with its traceback
        if isinstance(exc, KommunrapportFel):
            for fel in getattr(exc, "alla", [exc]):
                log.error("fel: %s", fel, extra={"bara_fil": True})
        elif isinstance(exc, Exception):
            log.error("internt fel: %s: %s", type(exc).__name__, exc, exc_info=exc, extra={"bara_fil": True})
        log.error("avbrutet: ingenting skrevs" + (f" för {period[0]}" if period else ""))
        raise


def _kör(konf: Konfiguration, log: logging.Logger, månad: int | None, år: int | None, tvinga: bool, vänta: float,
         steg: Steg, period_: list[str]) -> Körning:
    from . import api
    from .input.comments import läs_kommentarer

    ut = konf.ut
    with lås(ut, vänta):
        huvudbok = träd = None
        e = konf.ekonomi
        if e is not None and {"ekonomi", "ks"} & set(konf.valda_rapporter):
            from .input.ledger import läs_ekonomi
            from .input.mapping import läs_mappning

            log.info("ekonomi: läser %s", e.data)  # once, for every report that needs it
            huvudbok = läs_ekonomi(e.data, e.tecken, e.värden, e.blad, e.kolumner, e.decimaltecken, e.dubbletter)
            träd = läs_mappning(e.mappning)
        if månad is None:
            år, månad = senaste_stängda_månad(konf, huvudbok)
        elif år is None:
            år = senaste_stängda_månad(konf, huvudbok)[0]
        perioden = Period(år, månad)
        period = perioden.stam
        period_.append(period)
        mål = ut / period
        if konf.valda_rapporter == ["ks"] and not perioden.är_ks_månad:
            raise IngetAttGöra(f"rapporten till kommunstyrelsen görs i april, augusti och december, inte för {period}")
        if mål.exists() and not tvinga:
            log.info("inget att göra: %s finns redan", mål, extra={"bara_fil": True})
            raise IngetAttGöra(f"{mål} finns redan; inget nytt att rapportera (använd --force för att göra om)")
        log.info("börjar: %s t.o.m. %s %s, rapporter: %s", konf.nämnd, MÅNADER[månad - 1], år,
                 ", ".join(konf.valda_rapporter))
        stage = Path(tempfile.mkdtemp(prefix=f".{period}-", dir=ut))
        filer: list[Path] = []
        databas = ut / history.FILNAMN
        ekonomirapport = None
        ks_prognoser: dict[str, float] = {}
        total = len(konf.valda_rapporter) + 1
        nr = 0
        try:
            if "ekonomi" in konf.valda_rapporter:
                assert e is not None and huvudbok is not None and träd is not None  # kör() checked [ekonomi]
                nr += 1
                steg(nr, total, "ekonomirapporten")
                historik = history.prognoser(databas, år)
                ekonomirapport = api.ekonomirapport(huvudbok, träd, månad, år, konf.nämnd, e.kommentarer)
                ekonomirapport.prognoshistorik = historik if not historik.empty else None
                filer += api.skriv_ekonomirapport(ekonomirapport, stage, konf.mallar, str(e.data))
                log.info("ekonomi: budgetavvikelse %s mnkr", mnkr(ekonomirapport.avvikelse, tecken=True))
            if "volymer" in konf.valda_rapporter:
                nr += 1
                steg(nr, total, "volymrapporten")
                v = konf.volymer
                assert v is not None  # kör() checked [volymer]
                antal = sum(1 for p in (v.hemtjanst, v.placeringar, v.bistand) if p) + len(v.serier)
                log.info("volymer: läser %d %s", antal, "fil" if antal == 1 else "filer")
                vr = api.volymrapport_från_inställningar(v, månad, år)
                kommentarer = läs_kommentarer(v.kommentarer) if v.kommentarer else {}
                filer += api.skriv_volymrapport(vr, stage, konf.nämnd, kommentarer, konf.mallar)
                for w in vr.varningar:
                    log.warning("volymer: %s", w)
            if "ks" in konf.valda_rapporter and perioden.är_ks_månad:
                assert e is not None and huvudbok is not None and träd is not None  # kör() checked [ekonomi]
                nr += 1
                steg(nr, total, "rapporten till kommunstyrelsen")
                ks = api.ks_rapport(huvudbok, träd, månad, år, konf.nämnd, e.tecken, investeringar=e.investeringar,
                                    historik=databas)
                filer += api.skriv_ks_rapport(ks, stage, konf.mallar)
                ks_prognoser = ks.prognoser
                for w in ks.varningar:
                    log.warning("ks: %s", w)
            steg(total, total, "flyttar på plats")
            _på_plats(stage, mål, databas, ekonomirapport, ks_prognoser)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        log.info("klart: %s (%d filer)", mål, len(filer))
        return Körning(period, mål, [mål / f.name for f in filer])


def _på_plats(stage: Path, mål: Path, databas: Path, ekonomirapport: Ekonomirapport | None,
              ks_prognoser: dict[str, float]) -> None:
    """Rename the staging folder into place and store the history; either both happen or neither."""
    gammal = None
    if mål.exists():
        gammal = mål.with_name(f".{mål.name}-gammal-{os.getpid()}")
        os.replace(mål, gammal)
    try:
        os.replace(stage, mål)
        try:
            if ekonomirapport is not None:
                history.spara(databas, ekonomirapport, ks_prognoser)
            elif ks_prognoser:
                history.spara_ks(databas, mål.name, ks_prognoser)
        except BaseException:
            os.replace(mål, stage)
            raise
    except BaseException:
        if gammal is not None:
            os.replace(gammal, mål)
        raise
    if gammal is not None:
        shutil.rmtree(gammal, ignore_errors=True)
