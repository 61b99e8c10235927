"""Renderers: Markdown (Jinja), charts (matplotlib, Agg), the Excel annex and JSON."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def utan_skräpsamling() -> Iterator[None]:
    """Python's cycle collector paused while a package is written (also a decorator).

    Writing makes some hundred thousand short-lived objects in reference cycles (matplotlib's figures,
    python-docx's and openpyxl's trees), and the collector's full passes over everything imported
    (pandas, matplotlib) cost about 0,2 s of a small report. What the writing left in cycles is collected
    by the first collection after it."""
    på = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if på:
            gc.enable()
