"""`kommunrapport kör`: the unattended monthly run from the configuration alone.

    ut/
      2025-01/            one folder per period, written complete or not at all
      2025-02/
      arkiv/2025-02.2025-03-13T061500/   an earlier version of a period that was made again
      historik.sqlite     key figures and forecasts of every run, and the journal of runs
      kommunrapport.log   one line per step
      .kommunrapport.lock held while a run writes

The period is the latest month that is closed by the user's rule and looks closed in the data
(calc.closing); a preliminary month is never published. A period that already exists is left alone
unless the figures it was made from have changed in the inputs, or `tvinga` (--force); then the
earlier version is kept in ut/arkiv/. Two runs at once cannot both write: the second waits up to
`vänta` seconds for the lock, then gives up. Everything is written into a hidden staging folder that
is renamed into place only when complete, in an order that a kill -9 at any moment leaves either the
old state or the new, in the folder and the history together (see _publicera); the next run rolls a
killed run back (_återställ).
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from . import history, settings
from .calc import closing
from .errors import KommunrapportFel, KonfigurationsFel, Plats, SkrivFel, orsak, skrivfel
from .formatting import mnkr
from .model.period import MÅNADER, Period, månadsnamn
from .reports.ekonomi import toppnivåer
from .reports.preliminar import preliminära_skäl
from .settings import (
    EkonomiInställningar,
    Konfiguration,
    NämndInställningar,
    VolymInställningar,
    Volymkoppling,
    läs_konfiguration,
    lös_inställningar,
)

Steg = Callable[[int, int, str], None]  # (step, of total, what): the progress of a run
KLART, INGET_ATT_GÖRA, LÅST, DELVIS = 0, 4, 5, 6
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
    arkiv: Path | None = None  # where the earlier version of the period was kept, if it was made again
    nämnder: list[Körning] = field(default_factory=list)  # a kommun-wide run ([[namnd]]): each nämnd's


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
    for h in log.handlers[:]:  # an earlier run's handlers (a long-lived process, a notebook): close their files
        log.removeHandler(h)
        h.close()
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


AVBRYT_VID: str | None = None  # tests only: the step at which the process kills itself (kill -9), see _punkt
STAGE = re.compile(r"^\.(\d{4}-\d{2})-")  # ut/.2025-02-xxxxxx: a staging folder (and .2025-02-gammal-PID of old)
GAMMAL = re.compile(r"^\.(\d{4}-\d{2})-gammal-\d+$")  # the earlier version moved aside by a version before 0.x
ARKIV = "arkiv"


def _punkt(namn: str) -> None:
    """A point between two steps of publishing; a test makes the process die here as by kill -9."""
    if AVBRYT_VID == namn:
        if hasattr(signal, "SIGKILL"):
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(137)


def återställ(ut: str | Path, vänta: float = 0.0, log: logging.Logger | None = None) -> list[str]:
    """Finish or undo what a killed run left in `ut`, under the lock (kör does this at every start)."""
    ut = Path(ut)
    with lås(ut, vänta):
        return _återställ(ut, log or logging.getLogger("kommunrapport.kör"))


def _återställ(ut: Path, log: logging.Logger) -> list[str]:
    """Roll back every run the journal says is 'pågår' (it was killed before its history was committed),
    then remove staging folders that no run owns. Returns what was done, in Swedish."""
    gjort: list[str] = []
    for databas in history.alla_filer(ut):  # ut/historik.sqlite and each nämnd's ut/historik/<nämnd>.sqlite
        for rad in history.pågående(databas):
            _ångra(ut, databas, rad)
            gjort.append(f"en avbruten körning av {rad.period} (startad {rad.startad}) är återställd")
    if ut.is_dir():
        for p in sorted(ut.iterdir()):
            m = STAGE.match(p.name)
            if not m or not p.is_dir():
                continue
            g = GAMMAL.match(p.name)
            if g and not (ut / g.group(1)).exists():  # the period's earlier version, left by a killed --force
                os.replace(p, ut / g.group(1))
                gjort.append(f"{ut / g.group(1)} är återställd från {p.name}")
            else:
                shutil.rmtree(p, ignore_errors=True)
                gjort.append(f"tog bort den halvfärdiga mappen {p.name}")
    for text in gjort:
        log.warning("återställning: %s", text)
    return gjort


def _ångra(ut: Path, databas: Path, rad: history.Journalrad) -> None:
    """Roll one journalled run back to the state before it: idempotent, so a kill during it is safe.

    The staging folder exists until the run's folder is renamed into place, and is removed only after
    the row is marked: so a missing staging folder means the period folder is the new one."""
    stage, mål = ut / rad.stage, ut / rad.period
    arkiv = ut / rad.arkiv if rad.arkiv else None
    if not stage.exists() and mål.exists():
        os.replace(mål, stage)  # the new folder back to its staging name
        _punkt("ångra_tillbaka")
    if arkiv is not None and arkiv.exists() and not mål.exists():
        os.replace(arkiv, mål)  # the earlier version back in place
        _punkt("ångra_arkiv")
    history.avbryt(databas, rad.id)
    _punkt("ångra_markerad")
    shutil.rmtree(stage, ignore_errors=True)


def _publicera(ut: Path, databas: Path, period: str, stage: Path, arkiv: str | None, spara) -> None:
    """Put the staging folder in place as ut/<period> and store the history, so that a kill at any moment
    leaves the old state or the new, in the folder and the history together:

    1. journal 'pågår' (staging folder, where the earlier version goes), committed;
    2. the earlier version (if any) to ut/arkiv/<period>.<tid>;
    3. the staging folder to ut/<period>;
    4. the figures and 'klar', in one transaction (`spara(körning_id)`).

    A failure here, or a kill (at the next start), rolls steps 1–3 back (_ångra)."""
    mål = ut / period
    kid = history.börja(databas, period, stage.name, arkiv)
    _punkt("journal")
    try:
        mål.parent.mkdir(exist_ok=True)  # ut/ÅÅÅÅ-MM/ of a nämnd's folder ([[namnd]])
        if arkiv is not None and mål.exists():
            (ut / arkiv).parent.mkdir(parents=True, exist_ok=True)
            os.replace(mål, ut / arkiv)
            _punkt("arkiverad")
        os.replace(stage, mål)
        _punkt("på_plats")
        spara(kid)
        _punkt("klar")
    except BaseException:
        rad = next((r for r in history.pågående(databas) if r.id == kid), None)
        if rad is not None:
            _ångra(ut, databas, rad)
        raise


def _indata(rapporter: list[str], e: EkonomiInställningar | None, mappning: Path | None, kommentarer: Path | None,
            investeringar: Path | None, v: VolymInställningar | None,
            volymkoppling: Sequence[Volymkoppling] = ()) -> list[tuple[str, str, str]]:
    """(roll, fil, sha256) of every input file of the selected reports."""
    filer: list[tuple[str, Path]] = []
    valda = set(rapporter)
    if e is not None and {"ekonomi", "ks"} & valda:
        filer.append(("ekonomi.data", e.data))
        if mappning is not None:
            filer.append(("ekonomi.mappning", mappning))
        if kommentarer is not None and "ekonomi" in valda:
            filer.append(("ekonomi.kommentarer", kommentarer))
        if investeringar is not None and "ks" in valda:
            filer.append(("ekonomi.investeringar", investeringar))
        if "ekonomi" in valda:
            for i, k in enumerate(volymkoppling, 1):
                filer += [(f"ekonomi.volymkoppling[{i}].{n}", p) for n, p in (("fil", k.fil), ("budgetfil", k.budgetfil))
                          if p is not None]
    if v is not None and "volymer" in valda:
        filer += [(f"volymer.{k}", getattr(v, k)) for k in ("hemtjanst", "placeringar", "bistand", "kommentarer")
                  if getattr(v, k) is not None]
        filer += [("volymer.serier", p) for p in v.serier]
    return [(roll, str(p), _filsumma(Path(p))) for roll, p in filer if Path(p).is_file()]


_FILSUMMOR: dict[tuple[str, int, int], str] = {}


def _filsumma(p: Path) -> str:
    """history.filsumma, once per file in a run (_kör empties the cache): a kommun-wide run ([[namnd]])
    names the same export for every nämnd."""
    st = p.stat()
    nyckel = (str(p.resolve()), st.st_mtime_ns, st.st_size)
    if nyckel not in _FILSUMMOR:
        _FILSUMMOR[nyckel] = history.filsumma(p)
    return _FILSUMMOR[nyckel]


_UNDERLAG_TEXT = ("verksamhet", "konto", "typ")


def _underlag(huvudbok, volymdata, år: int, månad: int, urval: np.ndarray | None = None) -> str:
    """One fingerprint of the period's figures in every input (calc.closing.underlag). `urval`: the rows of
    the export that are the nämnd's (a kommun-wide run)."""
    delar = []
    if huvudbok is not None:
        koder = {c: huvudbok.kodning(c) for c in _UNDERLAG_TEXT if c in huvudbok.data.columns}
        delar.append("ekonomi:" + closing.underlag(huvudbok.data, år, månad, [
            "år", "månad", "verksamhet", "konto", "typ", "utfall", "budget"], urval=urval, koder=koder))
    for d in volymdata or []:
        delar.append(f"volymer {d.område}:" + closing.underlag(d.serier, år, månad, ["serie", "år", "månad", "värde"],
                                                            från_år=år - 5))
    return hashlib.sha256("\n".join(delar).encode("utf-8")).hexdigest()


def _välj_månad(konf: Konfiguration, log: logging.Logger, huvudbok, träd, volymdata, månad: int | None,
                år: int | None, idag: date) -> tuple[int, int, str]:
    """The period to report: the latest month closed by the user's rule and the data, or the month given
    (which must be closed). Returns (år, månad, a note on later preliminary months for the log)."""
    from .input.mapping import koppla_rader

    regel = konf.stängningsregel()
    if huvudbok is not None:
        ledger = koppla_rader(huvudbok, träd)
        topp, namn = toppnivåer(träd)
        if not closing.månader_med_utfall(ledger):
            raise KommunrapportFel("exporten har inget utfall alls", Plats(huvudbok.tabell.fil))
        stängd, preliminära = closing.senaste_stängda(ledger, regel, idag, namn, topp)
        if månad is None:
            if stängd is None:
                å, m, skäl = preliminära[0]
                raise IngetAttGöra(f"ingen månad är stängd ännu: {månadsnamn(m)} {å} är preliminär: {'; '.join(skäl)}")
            år, månad = stängd
        elif år is None:
            år = stängd[0] if stängd is not None else closing.månader_med_utfall(ledger)[0][0]
        skäl = preliminära_skäl(år, månad, regel, idag, closing.dataskäl(ledger, år, månad, namn, topp)
                                if (ledger["år"] == år).any() else [])
    else:
        senaste = min(max(zip(d.serier["år"].astype(int), d.serier["månad"].astype(int))) for d in volymdata)
        if månad is None:
            år, månad = senaste
            for _ in range(24):  # back to the latest month the rule says is closed
                if regel.skäl(år, månad, idag) is None:
                    break
                år, månad = (år - 1, 12) if månad == 1 else (år, månad - 1)
        elif år is None:
            år = senaste[0]
        skäl = preliminära_skäl(år, månad, regel, idag, [])
    if skäl:
        raise IngetAttGöra(f"{månadsnamn(månad)} {år} är preliminär: {'; '.join(skäl)}; kör publicerar bara "
                           "stängda månader (ekonomi --preliminar gör en rapport märkt Preliminär)")
    senare = ""
    if huvudbok is not None and preliminära:
        å, m, senare_skäl = preliminära[0]
        senare = f"{månadsnamn(m)} {å} är preliminär: {'; '.join(senare_skäl)}"
        if (å, m) > (år, månad):
            log.info("%s; rapporterar %s %s", senare, månadsnamn(månad), år)
    return år, månad, senare


def kör(konfig: str | Path, månad: int | None = None, år: int | None = None, tvinga: bool = False,
        tyst: bool = False, vänta: float = 0.0, steg=None, idag: date | None = None, publik: bool = False) -> Körning:
    """Make every configured report for one period into ut/ÅÅÅÅ-MM/, atomically, and store its history.

    The period is the latest month that is closed by the user's rule ([kor]) and in the data, or the
    month given; a preliminary month is never published (IngetAttGöra, exit 4). A period that exists is
    made again when the figures it was made from have changed in the inputs (the earlier version is kept
    in ut/arkiv/), or with `tvinga`.

    Every failure is logged in ut/kommunrapport.log: a user error as its message, an internal error with
    its traceback. `publik` (--publik): the volume report's public version too, as [publik] says."""
    konf = lös_inställningar(konfig, {"publik": True}) if publik else läs_konfiguration(konfig)
    if not konf.valda_rapporter and not konf.nämnder:
        raise KommunrapportFel(f"{konfig}: inga rapporter är konfigurerade (lägg till [ekonomi] eller [volymer])")
    for rapport in konf.valda_rapporter:  # `rapporter` may name a report whose section is missing
        avsnitt = "volymer" if rapport == "volymer" else "ekonomi"
        if getattr(konf, avsnitt) is None and not (konf.nämnder and avsnitt == "volymer"):
            raise KonfigurationsFel(f"rapporten {rapport} är vald i rapporter men avsnittet [{avsnitt}] saknas",
                                    Plats(str(konfig)))
    if "volymer" in konf.valda_rapporter and konf.volymer is not None and not konf.volymer.datafiler:
        raise KonfigurationsFel("avsnittet [volymer] anger ingen fil: ange hemtjanst, placeringar, bistand eller "
                                "serier", Plats(str(konfig)))
    ut = konf.ut
    log = logg(ut, tyst)
    period: list[str] = []  # known once the month is decided
    try:
        return _kör(konf, log, månad, år, tvinga, vänta, steg or (lambda n, total, text: None), period,
                    idag or settings.idag(), str(konfig))
    except IngetAttGöra:
        raise
    except NämnderMisslyckades as exc:  # each failure is logged already; the others are written
        log.error("klart med fel: %s", exc, extra={"bara_fil": True})
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


def _arkivnamn(ut: Path, period: str, tidigare: history.Journalrad | None) -> str:
    """ut/arkiv/2025-02.2025-03-13T061500: the earlier version, named by when it was made."""
    när = tidigare.slutförd if tidigare is not None and tidigare.slutförd else None
    if när is None:
        när = datetime.fromtimestamp((ut / period).stat().st_mtime).isoformat(timespec="seconds")
    namn = f"{ARKIV}/{period}.{när.replace(':', '')}"
    n, kandidat = 2, namn
    while (ut / kandidat).exists():
        kandidat, n = f"{namn}-{n}", n + 1
    return kandidat


@dataclass
class _Jobb:
    """One nämnd's reports of a run: the whole configuration, or one [[namnd]] of a kommun-wide run."""

    nämnd: str
    rapporter: list[str]
    databas: Path
    mapp: str | None = None  # None: ut/ÅÅÅÅ-MM/; else ut/ÅÅÅÅ-MM/<mapp>/
    ekonomi: EkonomiInställningar | None = None
    mappning: Path | None = None
    kommentarer: Path | None = None
    investeringar: Path | None = None
    mallar: Path | None = None
    volymer: VolymInställningar | None = None
    volymkoppling: list[Volymkoppling] = field(default_factory=list)  # [[ekonomi.volymkoppling]]: one nämnd's rows

    def nyckel(self, period: str) -> str:
        """The period's folder relative to ut/ (and its key in the journal)."""
        return period if self.mapp is None else f"{period}/{self.mapp}"

    def indata(self) -> list[tuple[str, str, str]]:
        return _indata(self.rapporter, self.ekonomi, self.mappning, self.kommentarer, self.investeringar, self.volymer,
                       self.volymkoppling)


def _kontrollera_databas(databas: Path) -> None:
    if databas.exists() and not history.är_hel(databas):
        history.perioder(databas)  # raises the error that names the file and what to do


def _kör(konf: Konfiguration, log: logging.Logger, månad: int | None, år: int | None, tvinga: bool, vänta: float,
         steg: Steg, period_: list[str], idag: date, konfig: str = "") -> Körning:
    ut = konf.ut
    _FILSUMMOR.clear()  # the files' checksums are read anew in every run
    with lås(ut, vänta):
        _återställ(ut, log)
        if konf.nämnder:
            return _kör_nämnder(konf, log, månad, år, tvinga, steg, period_, idag, konfig)
        databas = ut / history.FILNAMN
        _kontrollera_databas(databas)
        huvudbok = träd = None
        e = konf.ekonomi
        if e is not None and {"ekonomi", "ks"} & set(konf.valda_rapporter):
            from .input.ledger import läs_ekonomi
            from .input.mapping import läs_mappning

            log.info("ekonomi: läser %s", e.data)  # once, for every report that needs it
            huvudbok = _utan_celler(läs_ekonomi(e.data, e.tecken, e.värden, e.blad, e.kolumner, e.decimaltecken,
                                                e.dubbletter, kompakt_från=KOMPAKT_FRÅN))
            assert e.mappning is not None  # lös_inställningar requires it without [[namnd]]
            träd = läs_mappning(e.mappning)
        volymdata = None
        v = konf.volymer
        if v is not None and ("volymer" in konf.valda_rapporter or huvudbok is None):
            volymdata = _läs_volymer(v, log, "volymer")
        jobb = _Jobb(konf.nämnd, konf.valda_rapporter, databas, None, e, e.mappning if e else None,
                     e.kommentarer if e else None, e.investeringar if e else None, konf.mallar, v,
                     list(e.volymkoppling) if e else [])
        return _gör_period(ut, jobb, konf, log, huvudbok, träd, volymdata, månad, år, tvinga, steg, period_, idag)


def _utan_celler(huvudbok):
    """The ledger made compact for `kör`, which only reduces and fingerprints it: without the export's cells
    as read (its Tabell keeps the row numbers and column names for messages; nothing after the validation
    reads the cells, and in a 10^7-row export they are a GB), the text columns as categoricals of their
    codes and year and month as small integers. reducera gives the reports the columns as before."""
    import pandas as pd
    import pyarrow as pa

    huvudbok.tabell = dataclasses.replace(huvudbok.tabell, data=huvudbok.tabell.data.iloc[:0])
    d = huvudbok.data
    if len(d) >= KOMPAKT_FRÅN:
        for c in ("verksamhet", "konto", "typ", "ansvar"):
            if c in d.columns and isinstance(d[c].dtype, pd.StringDtype):
                koder, unika = huvudbok.kodning(c)
                saknas = np.array([not isinstance(u, str) for u in unika.tolist()], dtype=bool)
                if saknas.any():  # a missing value is NaN in a categorical, not a category
                    continue
                d[c] = pd.Categorical.from_codes(koder, pd.Index(unika, dtype=d[c].dtype))
        for c in ("år", "månad"):
            if d[c].dtype == np.int64 and len(d) and d[c].min() >= -(1 << 15) and d[c].max() < 1 << 15:
                d[c] = d[c].to_numpy().astype(np.int16)
    pa.default_memory_pool().release_unused()  # (what pyarrow freed, given back to the system)
    return huvudbok


KOMPAKT_FRÅN = 1_000_000  # rows: a smaller export is left as it is (tests set 0)


def _läs_volymer(v: VolymInställningar, log: logging.Logger, vad: str):
    from . import api

    antal = len(v.datafiler)
    log.info("%s: läser %d %s", vad, antal, "fil" if antal == 1 else "filer")
    return api.läs_volymdata(v.hemtjanst, v.placeringar, v.bistand, v.serier, v.slag,
                             kolumner=v.kolumner, blad=v.blad, decimaltecken=v.decimaltecken)


def _gör_period(ut: Path, jobb: _Jobb, konf: Konfiguration, log: logging.Logger, huvudbok, träd, volymdata,
                månad: int | None, år: int | None, tvinga: bool, steg: Steg, period_: list[str], idag: date,
                urval: np.ndarray | None = None) -> Körning:
    """Choose the period of one nämnd's reports, make them in a staging folder and publish it. `urval`: the
    rows of `huvudbok` that are the nämnd's (a kommun-wide export, [[namnd]]); None: every row."""
    from . import api
    from .input.ledger import reducera

    e, rapporter, databas = jobb.ekonomi, jobb.rapporter, jobb.databas
    rader = huvudbok  # the export's rows: the history's fingerprint (_underlag) is made of them
    if huvudbok is not None:
        huvudbok = reducera(huvudbok, urval)  # the month's choice and the reports work on lines × months
    år, månad, senare = _välj_månad(konf, log, huvudbok, träd, volymdata, månad, år, idag)
    perioden = Period(år, månad)
    period = perioden.stam
    period_.append(period)
    nyckel = jobb.nyckel(period)
    mål = ut / nyckel
    if rapporter == ["ks"] and not perioden.är_ks_månad:
        raise IngetAttGöra(f"rapporten till kommunstyrelsen görs i april, augusti och december, inte för {period}")
    indata = jobb.indata()
    volym = volymdata if "volymer" in rapporter else None
    väntande = None
    if mål.exists():  # the fingerprint decides whether there is anything to do
        underlag = _underlag(rader, volym, år, månad, urval)
    else:  # needed only when the history is written: made in a thread while the reports are made
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="underlag")
        väntande = pool.submit(_underlag, rader, volym, år, månad, urval)
        pool.shutdown(wait=False)  # (the thread ends with its task)
    del rader
    arkiv = None
    if mål.exists():
        tidigare = history.senaste_klara(databas, nyckel) if databas.exists() else None
        rad = tidigare[0] if tidigare is not None else None
        if not tvinga:
            efter = f"; {senare}" if senare else ""
            if rad is None or rad.underlag is None:
                log.info("inget att göra: %s finns redan", mål, extra={"bara_fil": True})
                raise IngetAttGöra(f"{mål} finns redan; inget nytt att rapportera (använd --force för att göra om)"
                                   + efter)
            if rad.underlag == underlag:
                log.info("inget att göra: %s finns redan och underlaget är oförändrat", mål, extra={"bara_fil": True})
                raise IngetAttGöra(f"{mål} finns redan och underlaget för perioden är oförändrat sedan "
                                   f"{rad.slutförd}; inget nytt att rapportera (använd --force för att göra om)"
                                   + efter)
            summor = tidigare[1] if tidigare is not None else {}
            ändrade = [Path(f).name for roll, f, h in indata if summor.get((roll, f)) not in (None, h)]
            log.warning("underlaget för %s har ändrats sedan rapporten gjordes %s%s: gör om perioden", nyckel,
                        rad.slutförd, f" (ändrade filer: {', '.join(ändrade)})" if ändrade else "")
        arkiv = _arkivnamn(ut, nyckel, rad)
        log.info("den tidigare versionen av %s sparas i %s", nyckel, ut / arkiv)
    log.info("börjar: %s t.o.m. %s %s, rapporter: %s", jobb.nämnd, MÅNADER[månad - 1], år, ", ".join(rapporter))
    try:
        stage = Path(tempfile.mkdtemp(prefix=f".{period}-", dir=ut))
    except OSError as exc:
        raise skrivfel(exc, f"i {ut}") from exc
    filer: list[Path] = []
    ekonomirapport = None
    ks_prognoser: dict[str, float] = {}
    total = len(rapporter) + 1
    nr = 0
    try:
        if "ekonomi" in rapporter:
            assert e is not None and huvudbok is not None and träd is not None  # kör() checked [ekonomi]
            nr += 1
            steg(nr, total, "ekonomirapporten")
            historik = history.prognoser(databas, år)
            ekonomirapport = api.ekonomirapport(huvudbok, träd, månad, år, jobb.nämnd, jobb.kommentarer,
                                                volymkopplingar=jobb.volymkoppling)
            ekonomirapport.prognoshistorik = historik if not historik.empty else None
            filer += api.skriv_ekonomirapport(ekonomirapport, stage, jobb.mallar, str(e.data))
            log.info("ekonomi: budgetavvikelse %s mnkr", mnkr(ekonomirapport.avvikelse, tecken=True))
        if "volymer" in rapporter:
            nr += 1
            steg(nr, total, "volymrapporten")
            v = jobb.volymer
            assert v is not None and volymdata is not None  # kör() checked [volymer]
            vr = api.volymrapport(volymdata, månad, år)
            kommentarer = api.läs_volymkommentarer(v.kommentarer, vr) if v.kommentarer else {}
            kolada = api.kolada_för_volymer(konf)
            publik_ = api.publik_volymrapport(vr, konf.publicera) if konf.publicera else None
            filer += api.skriv_volymrapport(vr, stage, jobb.nämnd, kommentarer, jobb.mallar, None, kolada, publik_)
            for w in vr.varningar + (kolada.varningar if kolada else []):
                log.warning("volymer: %s", w)
        if "ks" in rapporter and perioden.är_ks_månad:
            assert e is not None and huvudbok is not None and träd is not None  # kör() checked [ekonomi]
            nr += 1
            steg(nr, total, "rapporten till kommunstyrelsen")
            ks = api.ks_rapport(huvudbok, träd, månad, år, jobb.nämnd, e.tecken, investeringar=jobb.investeringar,
                                historik=databas)
            filer += api.skriv_ks_rapport(ks, stage, jobb.mallar)
            ks_prognoser = ks.prognoser
            for w in ks.varningar:
                log.warning("ks: %s", w)
        _punkt("byggd")
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    steg(total, total, "flyttar på plats")
    if väntande is not None:
        underlag = väntande.result()

    def spara(kid: int) -> None:
        klar = history.Slutförd(kid, underlag, indata)
        if ekonomirapport is not None:
            history.spara(databas, ekonomirapport, ks_prognoser, klar)
        elif ks_prognoser:
            history.spara_ks(databas, period, ks_prognoser, klar)
        else:
            history.markera_klar(databas, klar)

    _publicera(ut, databas, nyckel, stage, arkiv, spara)
    log.info("klart: %s (%d filer)", mål, len(filer))
    return Körning(period, mål, [mål / f.name for f in filer], ut / arkiv if arkiv else None)


class NämnderMisslyckades(KommunrapportFel):
    """A kommun-wide run ([[namnd]]) where some nämnder failed; the others are written."""

    exit_code = DELVIS


def _filter(huvudbok, n: NämndInställningar, koder: dict[str, tuple[np.ndarray, np.ndarray]],
            plats: Plats | None) -> np.ndarray:
    """The rows of the export that belong to nämnd `n`: ansvar and verksamhet as in its filter (a code, or a
    prefix ending in *; both kinds given: a row must match both). `koder` caches each column's factorisation."""
    mask = np.ones(len(huvudbok.data), dtype=bool)
    for kolumn, mönster in (("ansvar", n.ansvar), ("verksamhet", n.verksamhet)):
        if not mönster:
            continue
        if kolumn not in huvudbok.data.columns:
            raise KonfigurationsFel(f"[[namnd]] {n.namn}: ansvar = {mönster} filtrerar på exportens ansvar, men "
                                    "exporten har ingen kolumn Ansvar (ange den i [ekonomi.kolumner] ansvar = \"…\", "
                                    "eller filtrera med verksamhet)", plats)
        if kolumn not in koder:
            koder[kolumn] = huvudbok.kodning(kolumn)
        nummer, unika = koder[kolumn]
        exakta = {m for m in mönster if not m.endswith("*")}
        prefix = tuple(m[:-1] for m in mönster if m.endswith("*"))
        träff = np.array([isinstance(k, str) and (k in exakta or k.startswith(prefix)) for k in unika.tolist()]
                         + [False], dtype=bool)
        mask &= träff[nummer]  # (a missing cell matches nothing)
    return mask


def _nämndens_rapporter(konf: Konfiguration, n: NämndInställningar) -> list[str]:
    """The nämnd's own `rapporter`, else the configuration's, else ekonomi and ks from the common export and
    volymer if the nämnd has [namnd.volymer]."""
    if n.rapporter is not None:
        return list(n.rapporter)
    if konf.rapporter is not None:
        return list(konf.rapporter)
    finns = {"ekonomi": konf.ekonomi is not None, "volymer": n.volymer is not None, "ks": konf.ekonomi is not None}
    return [r for r, ja in finns.items() if ja]


def _kör_nämnder(konf: Konfiguration, log: logging.Logger, månad: int | None, år: int | None, tvinga: bool,
                 steg: Steg, period_: list[str], idag: date, konfig: str) -> Körning:
    """Every [[namnd]]: the kommun-wide export read once, then each nämnd's reports into ut/ÅÅÅÅ-MM/<nämnd>/,
    each published on its own (with its own history in ut/historik/<nämnd>.sqlite). A failure in one nämnd
    is logged and the others go on; at the end NämnderMisslyckades names those that failed."""
    from .input.ledger import läs_ekonomi
    from .input.mapping import läs_mappning

    ut = konf.ut
    e = konf.ekonomi
    huvudbok = None
    rapporter_per = {n.namn: _nämndens_rapporter(konf, n) for n in konf.nämnder}
    if e is not None and any({"ekonomi", "ks"} & set(r) for r in rapporter_per.values()):
        log.info("ekonomi: läser %s (en gång för %d nämnder)", e.data, len(konf.nämnder))
        huvudbok = _utan_celler(läs_ekonomi(e.data, e.tecken, e.värden, e.blad, e.kolumner, e.decimaltecken,
                                            e.dubbletter, med_ansvar=any(n.ansvar for n in konf.nämnder),
                                            kompakt_från=KOMPAKT_FRÅN))
    if e is not None and e.volymkoppling:
        log.warning("[[ekonomi.volymkoppling]] används inte när konfigurationen har flera nämnder ([[namnd]]): "
                    "volym- och priseffekterna saknas i nämndernas rapporter")
    koder: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    masker: dict[str, np.ndarray] = {}
    plats = Plats(konfig) if konfig else None
    klara: list[Körning] = []
    inget: list[str] = []
    misslyckade: list[tuple[str, str]] = []
    for n in konf.nämnder:
        rapporter = rapporter_per[n.namn]
        jobb = _Jobb(n.namn, rapporter, history.nämndfil(ut, n.mappnamn), n.mappnamn, e,
                     n.mappning or (e.mappning if e else None), n.kommentarer, n.investeringar,
                     n.mallar or konf.mallar, n.volymer)
        egen: list[str] = []
        try:
            if not rapporter:
                raise KonfigurationsFel(f"[[namnd]] {n.namn}: inga rapporter att göra", plats)
            if "volymer" in rapporter and (n.volymer is None or not n.volymer.datafiler):
                raise KonfigurationsFel(f"[[namnd]] {n.namn}: rapporten volymer är vald men nämnden har inget "
                                        "[namnd.volymer] med filer", plats)
            if {"ekonomi", "ks"} & set(rapporter) and huvudbok is None:
                raise KonfigurationsFel(f"[[namnd]] {n.namn}: rapporten {rapporter[0]} behöver [ekonomi] data", plats)
            jobb.databas.parent.mkdir(exist_ok=True)
            _kontrollera_databas(jobb.databas)
            del_bok = träd = volymdata = mask = None
            if huvudbok is not None and {"ekonomi", "ks"} & set(rapporter):
                mask = _filter(huvudbok, n, koder, plats)
                masker[n.namn] = mask
                antal_rader = int(mask.sum())
                if antal_rader == 0:
                    raise KonfigurationsFel(f"[[namnd]] {n.namn}: inga rader i exporten matchar "
                                            f"ansvar = {n.ansvar} verksamhet = {n.verksamhet}", plats)
                del_bok = huvudbok  # with its rows `mask`: reduced and fingerprinted without a copy
                assert jobb.mappning is not None  # lös_inställningar: every nämnd has a mapping
                träd = läs_mappning(jobb.mappning)
                log.info("%s: %d rader av exporten", n.namn, antal_rader)
            if n.volymer is not None and ("volymer" in rapporter or del_bok is None):
                volymdata = _läs_volymer(n.volymer, log, f"{n.namn}: volymer")
            klara.append(_gör_period(ut, jobb, konf, log, del_bok, träd, volymdata, månad, år, tvinga, steg, egen,
                                     idag, mask))
        except IngetAttGöra as exc:
            inget.append(n.namn)
            log.info("%s: inget att göra: %s", n.namn, exc)
        except Exception as exc:
            if isinstance(exc, KommunrapportFel):
                orsak_ = "; ".join(str(f) for f in getattr(exc, "alla", [exc]))
                log.error("%s: fel: %s", n.namn, orsak_)
            else:
                orsak_ = f"internt fel: {type(exc).__name__}: {exc}"
                log.error("%s: %s", n.namn, orsak_, exc_info=exc)
            misslyckade.append((n.namn, orsak_))
            log.error("%s: avbrutet: ingenting skrevs för nämnden%s", n.namn, f" ({egen[0]})" if egen else "")
        period_ += [p for p in egen if p not in period_]
    if masker and huvudbok is not None and len(masker) == len(konf.nämnder):
        antal = np.zeros(len(huvudbok.data), dtype=np.int16)
        for m in masker.values():
            antal += m
        if (antal == 0).any():
            log.warning("%d rader i exporten hör inte till någon nämnd (första: rad %s): de finns inte i någon "
                        "rapport", int((antal == 0).sum()), int(huvudbok.data["källrad"].to_numpy()[np.argmax(antal == 0)]))
        if (antal > 1).any():
            log.warning("%d rader i exporten hör till flera nämnder (första: rad %s): kontrollera filtren i [[namnd]]",
                        int((antal > 1).sum()), int(huvudbok.data["källrad"].to_numpy()[np.argmax(antal > 1)]))
    if misslyckade:
        skrivna = ", ".join(k.mapp.parent.name + "/" + k.mapp.name for k in klara) or "inga"
        raise NämnderMisslyckades(
            f"{len(misslyckade)} av {len(konf.nämnder)} nämnder misslyckades: "
            + "; ".join(f"{namn}: {orsak_}" for namn, orsak_ in misslyckade) + f" (skrivna: {skrivna})")
    if not klara:
        raise IngetAttGöra("inget nytt att rapportera för någon nämnd (" + ", ".join(inget) + ")")
    perioder = sorted({k.period for k in klara})
    return Körning(", ".join(perioder), ut / perioder[0] if len(perioder) == 1 else ut,
                   [f for k in klara for f in k.filer], None, klara)
