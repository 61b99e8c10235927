"""Renderers: Markdown (Jinja), charts (matplotlib, Agg), the Excel annex and JSON."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def utan_skräpsamling() -> Iterator[None]:
    """What exists when a package starts to be written is left out of the cycle collector's passes while it
    is written (gc.freeze; also a decorator).

    Writing makes some hundred thousand short-lived objects in reference cycles (matplotlib's figures,
    python-docx's trees), and each full pass of the collector also walks everything imported (pandas,
    matplotlib): 0,05–0,15 s of a small report. The writing's own garbage is still collected as it goes
    (pausing the collector instead would keep every chart of a volume report, some 80 MB, until the end).
    A process that froze objects itself, or turned the collector off, is left as it is."""
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
