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
import logging
import os
import subprocess
import sys
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
MILJÖPREFIX = "KOMMUNRAPPORT_"


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
    from PIL import Image

    from kommunrapport.render import charts

    bredd, höjd = (int(v * charts.DPI) for v in charts.STORLEK)

    def tom_bild(*args: object, **kwargs: object) -> None:
        sökväg = next(a for a in (*args, *kwargs.values()) if isinstance(a, Path))
        Image.new("RGB", (bredd, höjd), "white").save(sökväg, format="PNG")

    for namn in ("linjediagram_per_månad", "stapeldiagram", "stapeldiagram_jämförelse", "jämförelsediagram"):
        monkeypatch.setattr(charts, namn, tom_bild)
