"""Prints the corpus's counts after the test run: how many cases, and how each ended."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


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
