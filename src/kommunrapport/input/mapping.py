"""The verksamhet tree: which report rows exist, their order, labels, parents and export codes.

The mapping is a table (CSV or Excel) with the columns

    id;rubrik;förälder;koder

one line per report row. `förälder` is empty for a top-level row. `koder` lists the export's
verksamhet codes or names that roll up into the row, separated by commas; `*` matches any
characters (`51*` takes every code starting with 51). A row's value is its own codes plus all its
descendants, so a "varav" row is a child whose parent keeps the rest under its own codes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field, ValidationError, field_validator

from ..errors import IndataFel, KommunrapportFel, KonfigurationsFel, Plats
from .files import förstörda_tecken, kontrollera_teckenkodning, läs_tabell
from .ledger import Huvudbok


class VerksamhetsRad(BaseModel):
    id: str = Field(min_length=1)
    rubrik: str = Field(min_length=1)
    förälder: str | None = None
    koder: list[str] = Field(default_factory=list)

    @field_validator("id", "rubrik")
    @classmethod
    def _trim(cls, v: str) -> str:
        return v.strip()


@dataclass(frozen=True)
class Rad:
    id: str
    rubrik: str
    förälder: str | None
    nivå: int
    koder: tuple[str, ...]


class Verksamhetsträd:
    """Report rows in report order (depth first, file order), with code lookup."""

    def __init__(self, rader: list[VerksamhetsRad], källa: str = "mappningen", radnummer: list[int] | None = None):
        self.källa = källa
        radnummer = radnummer or list(range(2, len(rader) + 2))
        fel: list[KommunrapportFel] = []
        seen: dict[str, int] = {}
        for r, nr in zip(rader, radnummer):
            if r.id in seen:
                fel.append(KonfigurationsFel(f"id '{r.id}' finns redan på rad {seen[r.id]}", Plats(källa, rad=nr, kolumn="id")))
            seen.setdefault(r.id, nr)
        for r, nr in zip(rader, radnummer):
            if r.förälder and r.förälder not in seen:
                fel.append(KonfigurationsFel(f"föräldern '{r.förälder}' finns inte som id", Plats(källa, rad=nr, kolumn="förälder")))
        if fel:
            raise IndataFel.samla(fel)
        by_id = {r.id: r for r in rader}
        children: dict[str | None, list[str]] = {}
        for r in rader:
            children.setdefault(r.förälder or None, []).append(r.id)
        ordered: list[Rad] = []
        visited: set[str] = set()

        def visit(rid: str, nivå: int) -> None:
            visited.add(rid)
            r = by_id[rid]
            ordered.append(Rad(r.id, r.rubrik, r.förälder or None, nivå, tuple(r.koder)))
            for c in children.get(rid, []):
                visit(c, nivå + 1)

        for root in children.get(None, []):
            visit(root, 1)
        if len(visited) != len(rader):
            cyclic = next(r for r in rader if r.id not in visited)
            raise KonfigurationsFel(f"raden '{cyclic.id}' ingår i en cirkel av föräldrar", Plats(källa, kolumn="förälder"))
        self.rader = ordered
        self._children = children
        self._exact: dict[str, str] = {}
        self._patterns: list[tuple[re.Pattern[str], str, str]] = []
        for r, nr in zip(rader, radnummer):
            for kod in r.koder:
                if "*" in kod:
                    rx = re.compile("^" + ".*".join(re.escape(p) for p in kod.split("*")) + "$")
                    self._patterns.append((rx, r.id, kod))
                elif kod in self._exact:
                    fel.append(KonfigurationsFel(
                        f"koden '{kod}' hör redan till raden '{self._exact[kod]}'; en kod får bara höra till en rad",
                        Plats(källa, rad=nr, kolumn="koder")))
                else:
                    self._exact[kod] = r.id
        if fel:
            raise IndataFel.samla(fel)

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.rader]

    def rad(self, rid: str) -> Rad:
        return next(r for r in self.rader if r.id == rid)

    def toppnivå(self) -> list[str]:
        return list(self._children.get(None, []))

    def delträd(self, rid: str) -> list[str]:
        """The row itself and all its descendants."""
        out = [rid]
        for c in self._children.get(rid, []):
            out.extend(self.delträd(c))
        return out

    def slå_upp(self, kod: str) -> str | None | list[str]:
        """Report row id for an export code; None if none matches; a list if several patterns do."""
        if kod in self._exact:
            return self._exact[kod]
        hits = sorted({rid for rx, rid, _ in self._patterns if rx.match(kod)})
        if len(hits) == 1:
            return hits[0]
        return hits or None

    def koppla(self, koder: pd.Series, plats_för: Callable[[int], Plats], rader: np.ndarray | None = None) -> pd.Series:
        """Map each export code to its report row id; every unknown or ambiguous code is an error.

        `plats_för(position)` gives the Plats of a row, for the message; `rader` how many export rows each
        row stands for (a reduced ledger), for the count in the message.
        """
        uniques = pd.unique(koder)
        lookup = {k: self.slå_upp(k) for k in uniques}
        fel: list[KommunrapportFel] = []
        for kod, hit in lookup.items():
            if hit is None or isinstance(hit, list):
                mask = (koder == kod).to_numpy()
                first = int(mask.argmax())
                n = int(mask.sum() if rader is None else rader[mask].sum())
                extra = f" ({n} rader)" if n > 1 else ""
                if hit is None:
                    msg = (f"verksamheten '{kod}'{extra} finns inte i {self.källa}; lägg till den under rätt rad "
                           "så att inga pengar faller bort ur rapporten")
                else:
                    msg = f"verksamheten '{kod}' passar flera rader i {self.källa}: {', '.join(hit)}"
                fel.append(IndataFel(msg, plats_för(first)))
        if fel:
            raise IndataFel.samla(fel)
        return koder.map(lookup)


def läs_mappning(sökväg: str | Path) -> Verksamhetsträd:
    """Load the verksamhet mapping from CSV or Excel (columns id, rubrik, förälder, koder)."""
    tabell = läs_tabell(sökväg, lambda h: "id" in h and "rubrik" in h, "kolumnerna id och rubrik")
    df = tabell.data
    for col in ("förälder", "koder"):
        if col not in df.columns:
            df[col] = ""
    rader: list[VerksamhetsRad] = []
    fel: list[KommunrapportFel] = []
    for i, rec in enumerate(df[["id", "rubrik", "förälder", "koder"]].itertuples(index=False)):
        id_, rubrik, förälder, koder = (("" if v is None else str(v)).strip() for v in rec)
        for col, text in zip(("id", "rubrik", "förälder", "koder"), (id_, rubrik, förälder, koder)):
            if förstörda_tecken(text):  # a CSV mapping is checked as it is read; an Excel one here
                kontrollera_teckenkodning(text, tabell.fil, KonfigurationsFel, tabell.plats(i, col))
        if id_.endswith(".0") and id_[:-2].isdigit():
            id_ = id_[:-2]
        kodlista = [k.strip().removesuffix(".0") for k in re.split(r"[,;\n]", koder) if k.strip()]
        try:
            rader.append(VerksamhetsRad(id=id_, rubrik=rubrik, förälder=förälder or None, koder=kodlista))
        except ValidationError as exc:
            col = str(exc.errors()[0]["loc"][0])
            fel.append(KonfigurationsFel(f"'{col}' får inte vara tomt", tabell.plats(i, col)))
    if fel:
        raise IndataFel.samla(fel)
    if not rader:
        raise KonfigurationsFel("mappningen har inga rader", Plats(str(sökväg)))
    return Verksamhetsträd(rader, str(sökväg), [int(n) for n in tabell.radnummer])


def koppla_rader(huvudbok: Huvudbok, träd: Verksamhetsträd) -> pd.DataFrame:
    """The ledger with each line's report row id in column 'rad'; unknown codes are errors."""
    data = huvudbok.data
    rad = träd.koppla(data["verksamhet"], lambda i: huvudbok.plats(i, huvudbok.kodkolumn),
                      data["rader"].to_numpy() if "rader" in data.columns else None)
    return data.assign(rad=rad.to_numpy())
