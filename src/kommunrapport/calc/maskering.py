"""Small-count masking with secondary suppression: pure functions over cells and their linear relations.

A table's cells are keyed by anything hashable; its relations are linear: a total minus its varav rows,
a period minus its months, a column total minus its rows, a change minus (now − last year) … each
written as Σ koefficient × cell = 0. `primära` finds the counts to mask (1 … under−1; a zero points at
nobody and is shown); `sekundära` masks the fewest further cells it can find so that no masked cell can
be recomputed from the cells shown:

1. a relation with exactly one masked cell gets a second one (the smallest other cell of the relation);
2. a masked cell that the relations still determine (linear algebra: its unit vector lies in the row space
   of the relations restricted to the masked cells, e.g. a block of relations that share their masked
   cells) gets one more masked cell in a relation it is in, or when those are all masked (a mean of months
   that the accumulation gives), the smallest shown cell of a relation that makes it undetermined;
3. with bounds (a masked count is 1 … under−1, what the mark says), a relation whose shown cells leave a
   masked cell only one possible whole value ("a + b = 8, both < 5") gets one more.

Repeated until nothing changes, so every relation is safe on its own and all of them together.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

Cell = Hashable


@dataclass(frozen=True)
class Relation:
    """Σ koefficient × cell = 0 over `termer` ((cell, koefficient), …): a total is +1, its parts −1."""

    termer: tuple[tuple[Cell, float], ...]

    @staticmethod
    def summa(total: Cell, delar: Iterable[Cell], medel: bool = False) -> Relation:
        """total = the sum of `delar` (or their mean, `medel`)."""
        d = list(delar)
        k = 1.0 / len(d) if medel and d else 1.0
        return Relation(((total, 1.0), *((c, -k) for c in d)))

    @property
    def celler(self) -> list[Cell]:
        return [c for c, _ in self.termer]


def primära(värden: Mapping[Cell, float], under: int, maskerbara: Iterable[Cell] | None = None) -> set[Cell]:
    """The cells whose count is 1 … under−1 (among `maskerbara`, default all); NaN and 0 are not masked."""
    kandidater = värden.keys() if maskerbara is None else maskerbara
    return {c for c in kandidater if (v := värden.get(c)) is not None and not _tom(v) and 0 < v < under}


def _tom(v: float) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def bestämda(relationer: list[Relation], maskerade: set[Cell]) -> set[Cell]:
    """The masked cells that the relations determine from the cells shown (exact linear algebra: the
    cell's unit vector is in the row space of the relations restricted to the masked cells)."""
    celler = sorted({c for r in relationer for c in r.celler if c in maskerade}, key=repr)
    if not celler:
        return set()
    index = {c: i for i, c in enumerate(celler)}
    rader = [r for r in relationer if any(c in index for c in r.celler)]
    a = np.zeros((len(rader), len(celler)))
    for i, r in enumerate(rader):
        for c, k in r.termer:
            if c in index:
                a[i, index[c]] += k
    rang = np.linalg.matrix_rank(a)
    ut = set()
    for c, j in index.items():
        e = np.zeros((1, len(celler)))
        e[0, j] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, e])) == rang:
            ut.add(c)
    return ut


def fastlåsta(värden: Mapping[Cell, float], relationer: list[Relation], maskerade: set[Cell],
              gränser: Mapping[Cell, tuple[float, float]]) -> set[Cell]:
    """Masked cells that one relation pins to a single whole value given what the reader knows of the
    masked cells (`gränser`: a masked count is 1 … under−1; other cells unbounded)."""
    ut = set()
    for r in relationer:
        m = [(c, k) for c, k in r.termer if c in maskerade]
        if not m:
            continue
        känt = -sum(k * värden[c] for c, k in r.termer if c not in maskerade and not _tom(värden.get(c, np.nan)))
        for j, (cj, kj) in enumerate(m):
            lo = hi = känt
            for i, (ci, ki) in enumerate(m):
                if i == j:
                    continue
                a, b = gränser.get(ci, (-math.inf, math.inf))
                lo -= max(ki * a, ki * b)
                hi -= min(ki * a, ki * b)
            lo, hi = sorted((lo / kj, hi / kj))
            a, b = gränser.get(cj, (-math.inf, math.inf))
            lo, hi = max(lo, a), min(hi, b)
            if math.isfinite(lo) and math.isfinite(hi) and math.floor(hi + 1e-9) - math.ceil(lo - 1e-9) < 1:
                ut.add(cj)
    return ut


def sekundära(värden: Mapping[Cell, float], relationer: list[Relation], primär: set[Cell],
              gränser: Mapping[Cell, tuple[float, float]] | None = None) -> set[Cell]:
    """Every cell to mask: the primary ones and the fewest further ones this finds (see the module), so
    that no masked cell can be recomputed. A further cell is the smallest shown cell of a relation."""
    maskerade = set(primär)
    gränser = gränser or {}

    def maskera_en(r: Relation) -> bool:
        kandidater = [c for c in r.celler if c not in maskerade and not _tom(värden.get(c, np.nan))]
        if not kandidater:
            return False
        maskerade.add(min(kandidater, key=lambda c: (abs(värden[c]), repr(c))))
        return True

    def maskera_genom_kedja(c: Cell) -> bool:
        """Mask the smallest shown cell of a relation with a masked cell that makes `c` undetermined
        (else the smallest such cell at all: the next round looks again)."""
        kandidater = sorted({x for r in relationer if any(y in maskerade for y in r.celler) for x in r.celler
                             if x not in maskerade and not _tom(värden.get(x, np.nan))},
                            key=lambda x: (abs(värden[x]), repr(x)))
        for x in kandidater:
            if c not in bestämda(relationer, maskerade | {x}):
                maskerade.add(x)
                return True
        if kandidater:
            maskerade.add(kandidater[0])
            return True
        return False

    while True:
        ändrad = False
        for r in relationer:  # 1. no relation with exactly one masked cell
            if sum(c in maskerade for c in r.celler) == 1:
                ändrad |= maskera_en(r)
        if ändrad:
            continue
        for c in sorted(bestämda(relationer, maskerade) | fastlåsta(värden, relationer, maskerade, gränser), key=repr):
            for r in relationer:  # 2. and 3.: one more masked cell in a relation of the cell
                if c in r.celler and maskera_en(r):
                    ändrad = True
                    break
            if not ändrad:  # every relation of the cell is masked: it is determined through a chain
                ändrad = maskera_genom_kedja(c)
            if ändrad:
                break
        if not ändrad:
            return maskerade
