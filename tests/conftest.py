"""Shared test helpers: run the command line in this process, as a user's run would go.

`kör_cli("ekonomi", "--month", "feb", ..., cwd=tmp_path)` runs `kommunrapport.cli.main` in-process
and returns a `subprocess.CompletedProcess` with the exit code, stdout and stderr a real process
would have given. It saves the ~1,6 s of imports a `python -m kommunrapport` pays on every run; the
few things only a real process shows (the entry point, cron with closed stdin and no HOME, two runs
at once) are tested with `python_miljö()` and a subprocess.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import subprocess
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
MILJÖPREFIX = "KOMMUNRAPPORT_"
EXEMPELKONFIG = "examples/kommunrapport.toml"  # relative to ROOT, the working directory of the example runs

# Property tests: no time limit per example (two workers on a shared 2-core machine are slow at times, and a
# late example is no error); the number of examples is Hypothesis' default unless a test sets its own.
settings.register_profile("kommunrapport", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "kommunrapport"))


def kör_cli(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `kommunrapport <args>` in-process with `cwd` as working directory.

    The environment is this process's, with CI=true, without any KOMMUNRAPPORT_* variable, and with
    `env` on top. Working directory, environment, stdout/stderr and the warning filters are restored
    afterwards, so nothing leaks into the next run.
    """
    from kommunrapport import cli

    argv = [str(a) for a in args]
    ut, fel = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        for namn in list(os.environ):
            if namn.startswith(MILJÖPREFIX):
                mp.delenv(namn)
        mp.setenv("CI", "true")
        for namn, värde in (env or {}).items():
            mp.setenv(namn, värde)
        mp.chdir(cwd)
        # sys.stdout/sys.stderr are replaced, not wrapped: the code looks them up when it prints.
        with contextlib.redirect_stdout(ut), contextlib.redirect_stderr(fel), _varningar_som_i_en_process():
            try:
                cli.main(argv)
                slutkod = 0
            except SystemExit as exc:
                slutkod = _slutkod(exc.code)
            finally:
                _stäng_körloggen()
    return subprocess.CompletedProcess(argv, slutkod, ut.getvalue(), fel.getvalue())


def kör_i_processen(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """The command line in this process, in the working directory as it is: (exit code, stdout, stderr).

    The short form of `kör_cli` for tests that already hold capsys and set up their own folder."""
    from kommunrapport import cli

    try:
        cli.main([str(a) for a in args])
        kod = 0
    except SystemExit as exc:
        kod = _slutkod(exc.code)
    fångat = capsys.readouterr()
    return kod, fångat.out, fångat.err


def python_miljö(env: dict[str, str] | None = None) -> dict[str, str]:
    """An environment for `python -m kommunrapport` in a subprocess: `env` (default: this process's
    environment with CI=true) plus PYTHONPATH pointing at this checkout's src, so the child runs the
    code under test whatever its working directory and whichever checkout is installed in the venv."""
    e = {**os.environ, "CI": "true"} if env is None else dict(env)
    e["PYTHONPATH"] = os.pathsep.join([str(SRC), *filter(None, [e.get("PYTHONPATH")])])
    return e


def _slutkod(kod: object) -> int:
    """The exit status a process would have had after `sys.exit(kod)`."""
    if kod is None:
        return 0
    if isinstance(kod, int):
        return kod
    print(kod, file=sys.stderr)
    return 1


@contextlib.contextmanager
def _varningar_som_i_en_process() -> Iterator[None]:
    """Warnings printed on stderr under Python's default filters, as in a real run.

    Under pytest a warning would otherwise go to pytest's summary and never reach the stderr a test
    checks (e.g. "stderr has nothing but 'skrev …' lines").
    """
    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.filterwarnings("default", category=DeprecationWarning, module="__main__", append=True)
        for kategori in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
            warnings.filterwarnings("ignore", category=kategori, append=True)

        def visa(message, category, filename, lineno, file=None, line=None):
            sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))

        warnings.showwarning = visa
        yield


def _stäng_körloggen() -> None:
    """`kör` sets up the logger 'kommunrapport.kör' with a log file and a stderr handler for each run and
    only clears (does not close) the previous ones; in one process the files would stay open."""
    log = logging.getLogger("kommunrapport.kör")
    for h in list(log.handlers):
        log.removeHandler(h)
        h.close()


@pytest.fixture(autouse=True)
def _körloggen_stängs():
    """Tests that call `runner.kör` directly leave the log file open too; close it after every test."""
    yield
    _stäng_körloggen()


@pytest.fixture
def word_som_kopia_av_mallen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Word reports are the template copied as it is, not rendered (a quarter of a report's run time).

    For tests of what `kör` does around the reports (which period, the lock, the atomic period folders, the
    history, the log, nämnder), never of what the reports say: use it with
    `@pytest.mark.usefixtures("word_som_kopia_av_mallen")`. The .docx file is still there, so file lists
    stay as they are. Word is looked at by tests/test_word.py, test_word_layout.py, the golden test and the
    `kör` tests that read the .docx (test_manader, test_ks, test_kolada, test_maskering, test_word's
    starter kit)."""
    _word_som_kopia(monkeypatch)


def _word_som_kopia(mp: pytest.MonkeyPatch) -> None:
    import shutil

    from kommunrapport.render import word

    mp.setattr(word, "rendera_word", lambda mall, kontext_för, sökväg: shutil.copyfile(mall, sökväg))


@contextlib.contextmanager
def som_i_en_test_om_kör() -> Iterator[None]:
    """For a module- or session-scoped fixture that runs `kör` once to make a state several tests copy
    (shutil.copytree into their tmp_path): Word as the template copied and blank charts, as the
    function-scoped fixtures `word_som_kopia_av_mallen` and `_diagram_som_tomma_bilder` give a test (they
    are not active yet while a wider fixture is made); the run's log file is closed afterwards."""
    with pytest.MonkeyPatch.context() as mp:
        _word_som_kopia(mp)
        _tomma_diagram(mp)
        try:
            yield
        finally:
            _stäng_körloggen()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The golden test first: it makes the example runs (`exempelkörning`) that other tests read, and its
    volume runs are the longest tests; started first they neither hold up a test that waits for them nor
    end the test run with one worker busy and the other idle (make test: --dist worksteal)."""
    items.sort(key=lambda item: item.path.name != "test_golden.py")


# The hostile-input corpus (tests/korpus): how its cases ended, after the test run.
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    utfall: Counter[str] = Counter()
    for nyckel in ("passed", "failed", "xfailed", "xpassed"):
        for r in terminalreporter.stats.get(nyckel, []):
            if "test_korpus[" in getattr(r, "nodeid", "") and r.when == "call":
                utfall[nyckel] += 1
    if not utfall:
        return
    terminalreporter.write_line(
        f"korpus: {sum(utfall.values())} fall: {utfall['passed']} gjorde rätt, {utfall['failed']} gjorde fel, "
        f"{utfall['xfailed']} kända fel kvar, {utfall['xpassed']} kända fel som nu är lagade (ta bort markeringen)")


@pytest.fixture(autouse=True)
def _diagram_som_tomma_bilder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Charts are written as blank PNGs of the size a real one has (800 × 450): building and drawing them
    (about 0,2 s a chart, 18 in the volume report) would be most of the suite's time. The tests that look
    at the charts are marked `rita` and draw for real: the golden test (every chart's title, labels and
    values), test_outputs and the volume package test; `make demo` in CI draws them too. Set
    KOMMUNRAPPORT_TEST_RITA=1 to draw in every test."""
    if request.node.get_closest_marker("rita") or os.environ.get("KOMMUNRAPPORT_TEST_RITA") == "1":
        return
    _tomma_diagram(monkeypatch)


def _tomma_diagram(monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    from kommunrapport.render import charts

    bredd, höjd = (int(v * charts.DPI) for v in charts.STORLEK)

    def tom_bild(*args: object, **kwargs: object) -> None:
        sökväg = next(a for a in (*args, *kwargs.values()) if isinstance(a, Path))
        Image.new("RGB", (bredd, höjd), "white").save(sökväg, format="PNG")

    for namn in DIAGRAMFUNKTIONER:
        _RIKTIGA_DIAGRAM.setdefault(namn, getattr(charts, namn))
        monkeypatch.setattr(charts, namn, tom_bild)


DIAGRAMFUNKTIONER = ("linjediagram_per_månad", "stapeldiagram", "stapeldiagram_jämförelse", "jämförelsediagram")
_RIKTIGA_DIAGRAM: dict[str, object] = {}  # the chart functions as the code has them, before a test replaced them


# ---------------------------------------------------------------- the example's reports, run once


@dataclass(frozen=True)
class Exempelkörning:
    """One run of `kommunrapport <args> --config examples/kommunrapport.toml --out <ut>` (working directory:
    the repository root), as `kör_cli` runs it, with what each chart shows (`diagrammets_innehåll`)."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    ut: Path
    diagram: dict  # chart file name -> [what each axes shows]


def diagrammets_innehåll(ax) -> dict:
    """What one chart's axes show, without drawing it: title, axis labels, fixed tick labels, legend, each
    line's and bar group's values and colours, the texts at the bars."""
    from matplotlib.colors import to_hex
    from matplotlib.ticker import FixedLocator

    ut: dict = {"titel": ax.get_title(), "x": ax.get_xlabel(), "y": ax.get_ylabel()}
    for namn, axel in (("xtick", ax.xaxis), ("ytick", ax.yaxis)):
        if isinstance(axel.get_major_locator(), FixedLocator):  # ticks the code set, not matplotlib's choice
            ut[namn] = [t.get_text() for t in axel.get_ticklabels()]
    if ax.get_legend() is not None:
        ut["legend"] = [t.get_text() for t in ax.get_legend().get_texts()]
    ut["linjer"] = [{"etikett": None if str(ln.get_label()).startswith("_") else ln.get_label(),
                     "färg": to_hex(ln.get_color()), "x": list(ln.get_xdata()), "y": list(ln.get_ydata())}
                    for ln in ax.get_lines()]
    ut["staplar"] = [{"etikett": None if str(c.get_label()).startswith("_") else c.get_label(),
                      "färger": [to_hex(p.get_facecolor()) for p in c], "värden": list(c.datavalues)}
                     for c in ax.containers]
    ut["texter"] = [t.get_text() for t in ax.texts]
    return ut


@contextlib.contextmanager
def diagram_som_beskrivs(sparade: dict) -> Iterator[None]:
    """The charts are built for real, and matplotlib's Figure.savefig records what each shows in `sparade`
    (file name -> diagrammets_innehåll per axes) and writes a blank PNG of the real pixel size instead of
    rasterising (half a report's run time; the PNG bytes are not compared). KOMMUNRAPPORT_GOLDEN_RITA=1
    draws the real PNGs as well. A chart function a test replaced (the blank images of
    `_diagram_som_tomma_bilder`) is the real one again inside."""
    import matplotlib.figure
    from PIL import Image

    from kommunrapport.render import charts

    original = matplotlib.figure.Figure.savefig
    rita = os.environ.get("KOMMUNRAPPORT_GOLDEN_RITA") == "1"

    def savefig(fig, fname, *args, **kwargs):
        sparade[Path(fname).name] = [diagrammets_innehåll(ax) for ax in fig.axes]
        if rita:
            return original(fig, fname, *args, **kwargs)
        dpi = kwargs.get("dpi") or fig.dpi
        bredd, höjd = (round(x * dpi) for x in fig.get_size_inches())
        Image.new("RGB", (bredd, höjd), "white").save(fname, format="PNG")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(matplotlib.figure.Figure, "savefig", savefig)
        for namn, funktion in _RIKTIGA_DIAGRAM.items():
            mp.setattr(charts, namn, funktion)
        yield


def _som_json(v: object) -> object:
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "tolist"):
        return v.tolist()
    return repr(v)


_KÖRNINGAR: dict[tuple[str, ...], Exempelkörning] = {}


@pytest.fixture(scope="session")
def exempelkörning(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Exempelkörning]:
    """`exempelkörning("volymer", "--month", "feb", "--json")`: that run of the example, made once for the whole
    test run and shared by every test (and every xdist worker: the first to ask runs it under a file lock,
    the others read what it wrote). Its output folder is READ-ONLY for the tests: copy a file before changing it.

    The same runs are the golden test's (tests/test_golden.py), and other tests look at their Word reports
    and annexes instead of writing them again."""
    from filelock import FileLock

    bas = tmp_path_factory.getbasetemp()
    rot = (bas.parent if os.environ.get("PYTEST_XDIST_WORKER") else bas) / "exempelkorningar"
    rot.mkdir(exist_ok=True)

    def kör(*args: str) -> Exempelkörning:
        if args in _KÖRNINGAR:
            return _KÖRNINGAR[args]
        namn = re.sub(r"[^a-z0-9]+", "_", " ".join(args).lower()).strip("_")
        mapp = rot / namn
        resultat = mapp / "körning.json"
        with FileLock(str(rot / f"{namn}.lock")):
            if not resultat.exists():
                mapp.mkdir(exist_ok=True)
                diagram: dict = {}
                with diagram_som_beskrivs(diagram):
                    r = kör_cli(*args, "--config", EXEMPELKONFIG, "--out", mapp / "ut", cwd=ROOT)
                text = json.dumps({"returncode": r.returncode, "stdout": r.stdout, "stderr": r.stderr,
                                   "diagram": diagram}, ensure_ascii=False, default=_som_json)
                (mapp / "körning.tmp").write_text(text, encoding="utf-8")
                os.replace(mapp / "körning.tmp", resultat)
        d = json.loads(resultat.read_text(encoding="utf-8"))
        _KÖRNINGAR[args] = Exempelkörning(args, d["returncode"], d["stdout"], d["stderr"], mapp / "ut", d["diagram"])
        return _KÖRNINGAR[args]

    return kör
