"""The one table model every renderer takes: raw numbers plus how each cell is shown.

A `Tabellvy` is what the Markdown report, the Word report, the Excel annex and the JSON output
all show, so they carry the same numbers. Formats: heltal (76 074), tal1 (1 397,1), tal2 … tal4
(−0,45: as many decimals as the number says), procent (38,0 %), procentenheter (+1,2
procentenheter) and text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Tabellvy:
    """A table to show: `data` holds raw numbers (mnkr, counts, shares as fractions); the formats say
    how: per cell, else per column, else per row, else heltal for numbers and text for the rest."""

    namn: str  # sheet name in the annex (≤ 31 characters, unique)
    rubrik: str
    data: pd.DataFrame
    radformat: list[str] | None = None
    kolumnformat: dict[str, str] = field(default_factory=dict)
    cellformat: dict[tuple[int, str], str] = field(default_factory=dict)

    def format(self, rad: int, kolumn: str) -> str:
        if (rad, kolumn) in self.cellformat:
            return self.cellformat[(rad, kolumn)]
        if kolumn in self.kolumnformat:
            return self.kolumnformat[kolumn]
        if not pd.api.types.is_numeric_dtype(self.data[kolumn].dtype):
            return "text"
        return self.radformat[rad] if self.radformat else "heltal"

    @staticmethod
    def plustecken(kolumn: str) -> bool:
        """Whether a column shows a change, written with its sign (+2,3 / −0,3)."""
        return str(kolumn).startswith("Förändring")


@dataclass
class Diagram:
    filnamn: str
    titel: str
    typ: str  # linje | staplar
    data: pd.DataFrame  # linje: Månad + one column per year (current first); staplar: Typ, år−1, år
    enhet: str = ""  # the unit of the values (timmar, kr, mnkr, brukare, %), for the value axis


def slug(text: str) -> str:
    """ASCII for a file name: 'Ekonomiskt bistånd' → 'ekonomiskt_bistand'."""
    s = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")[:40]


def bladnamn(text: str) -> str:
    """A valid Excel sheet name: no : \\ / ? * [ ], at most 31 characters. A longer name keeps its
    start and its end ('Placeringar vårddygn…st, vuxna'), where names of sibling tables differ."""
    s = re.sub(r"[:\\/?*\[\]]", "-", text).strip()
    return s if len(s) <= 31 else s[:20].rstrip() + "…" + s[-10:].lstrip()
