#!/usr/bin/env python3
"""Where the ekonomi run spends its time, by line of src/kommunrapport.

    .venv/bin/python benchmarks/profile_ekonomi.py 1e6 csv
    .venv/bin/python benchmarks/profile_ekonomi.py 1e5 xlsx --cprofile    # also cProfile, by function

Runs `ekonomirapport(...)` + `skriv_ekonomirapport(...)` on a file made by bench.py (generate it
first with `bench.py --generate-only ...`): once plain, for the wall time; once under a sampling
profiler; and, with --cprofile, under cProfile. Imports happen before and are not profiled.

The sampler (SIGALRM every 2 ms, each sample weighted by the wall time since the previous one)
credits each sample to the innermost line of kommunrapport's own code on the stack. Lambdas,
comprehensions and kommunrapport functions called back from library code (`Series.map(func)`)
count on the line that led to them. So per line of src/kommunrapport:
    self  the time of the library calls (pandas, openpyxl, matplotlib, …) made on that line: what
          to optimise;
    incl  self plus the time of the kommunrapport functions called from that line.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import signal
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench  # noqa: E402

SKIP_CODE = {"<lambda>", "<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>"}


class LineSampler:
    """A wall-clock sampling profiler that credits kommunrapport's lines.

    SIGALRM every `interval` s; the handler runs in the main thread at the next bytecode boundary,
    which after a long C call is the CALL that made it, and is weighted by the wall time since the
    previous sample, so the weights add up to the wall time even when a C call delays a sample.
    """

    def __init__(self, root: Path, interval: float = 0.002):
        self.root = str(root)
        self.interval = interval
        self.self_: dict[tuple[str, int], float] = defaultdict(float)
        self.incl: dict[tuple[str, int], float] = defaultdict(float)
        self.total = 0.0
        self.last = 0.0

    def _ours(self, frame) -> bool:
        return frame is not None and frame.f_code.co_filename.startswith(self.root)

    def _handler(self, signum, frame) -> None:
        now = time.perf_counter()
        w, self.last = now - self.last, now
        self.total += w
        found = []  # kommunrapport frames, innermost first
        f = frame
        while f is not None:
            if self._ours(f):
                found.append(f)
            f = f.f_back
        # Lambdas and comprehensions, and functions called back from library code (Series.map(func)),
        # count on the kommunrapport line that led to them.
        ours = [g for g in found[:-1] if g.f_code.co_name not in SKIP_CODE and self._ours(g.f_back)] + found[-1:]
        if not ours:
            self.self_[("(outside kommunrapport)", 0)] += w
            return
        self.self_[(ours[0].f_code.co_filename, ours[0].f_lineno)] += w
        for key in {(g.f_code.co_filename, g.f_lineno) for g in ours}:
            self.incl[key] += w

    def __enter__(self):
        self.last = time.perf_counter()
        self.old = signal.signal(signal.SIGALRM, self._handler)
        signal.setitimer(signal.ITIMER_REAL, self.interval, self.interval)
        return self

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        signal.signal(signal.SIGALRM, self.old)
        self._handler(None, sys._getframe())  # the tail since the last sample


def run(path: str) -> None:
    from kommunrapport.api import ekonomirapport, skriv_ekonomirapport

    r = ekonomirapport(path, str(bench.mapping_path()), månad=bench.REPORT_MONTH, år=bench.REPORT_YEAR,
                       nämnd="Benchnämnden")
    with tempfile.TemporaryDirectory() as ut:
        skriv_ekonomirapport(r, ut)


def source_line(path: str, line: int) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()[line - 1].strip()
    except (OSError, IndexError):
        return ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", help="rows, e.g. 1e5")
    ap.add_argument("format", choices=["csv", "xlsx"])
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--cprofile", action="store_true", help="also run under cProfile and print the top functions")
    a = ap.parse_args()
    n = int(float(a.size))
    path = bench.data_path(n, a.format)
    if not path.exists():
        print(f"{path} saknas: kör först  .venv/bin/python benchmarks/bench.py --generate-only "
              f"--{a.format}-sizes {a.size}", file=sys.stderr)
        return 2

    import kommunrapport
    import kommunrapport.api  # noqa: F401  imports are not what is profiled here
    import kommunrapport.render.annex  # noqa: F401
    import kommunrapport.render.charts  # noqa: F401

    src = Path(kommunrapport.__file__).resolve().parent
    t0 = time.perf_counter()
    run(str(path))
    untraced = time.perf_counter() - t0

    sampler = LineSampler(src)
    t0 = time.perf_counter()
    with sampler:
        run(str(path))
    sampled = time.perf_counter() - t0
    total = sampler.total

    print(f"{bench.size_label(n)} rows, {a.format}: ekonomirapport + skriv_ekonomirapport {untraced:.2f} s "
          f"(imports excluded), {sampled:.2f} s while sampling\n")
    print(f"top {a.top} lines by self time (the library calls made on the line; incl = with kommunrapport callees):")
    print(f"{'self s':>7} {'%':>4} {'incl s':>7}  file:line  source")
    top = sorted(sampler.self_.items(), key=lambda kv: -kv[1])[: a.top]
    for (f, line), s in top:
        if not f.startswith(str(src)):
            print(f"{s:7.2f} {100 * s / total:3.0f}% {'':>7}  {f}")
            continue
        rel = Path(f).resolve().relative_to(src.parent.parent)
        print(f"{s:7.2f} {100 * s / total:3.0f}% {sampler.incl[(f, line)]:7.2f}  {rel}:{line}  {source_line(f, line)[:100]}")

    print("\nlines that call kommunrapport functions, by incl time:")
    calls = sorted(((k, v) for k, v in sampler.incl.items() if v - sampler.self_.get(k, 0.0) > 0.005 * total),
                   key=lambda kv: -kv[1])[: a.top]
    for (f, line), v in calls:
        rel = Path(f).resolve().relative_to(src.parent.parent)
        print(f"{v:7.2f} {100 * v / total:3.0f}%  {rel}:{line}  {source_line(f, line)[:100]}")

    print("\nby function (incl of its lines' self time):")
    per_func: dict[tuple[str, str], float] = defaultdict(float)
    import ast

    func_of: dict[str, list[tuple[int, int, str]]] = {}
    for (f, line), s in sampler.self_.items():
        if not f.startswith(str(src)) or line is None:  # a frame between lines (f_lineno None) has no function
            continue
        if f not in func_of:
            tree = ast.parse(Path(f).read_text(encoding="utf-8"))
            func_of[f] = sorted((node.lineno, node.end_lineno, node.name) for node in ast.walk(tree)
                                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef))
        name = "<module>"
        for lo, hi, nm in func_of[f]:
            if lo <= line <= hi:
                name = nm  # innermost wins: sorted by start, later starts are nested
        per_func[(f, name)] += s
    for (f, name), s in sorted(per_func.items(), key=lambda kv: -kv[1])[:10]:
        rel = Path(f).resolve().relative_to(src.parent.parent)
        print(f"{s:7.2f} {100 * s / total:3.0f}%  {rel} {name}")

    if a.cprofile:
        prof = cProfile.Profile()
        prof.enable()
        run(str(path))
        prof.disable()
        out = io.StringIO()
        st = pstats.Stats(prof, stream=out).sort_stats("tottime")
        st.print_stats(20)
        print("\ncProfile, top 20 functions by own time:")
        print("\n".join(out.getvalue().splitlines()[6:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
