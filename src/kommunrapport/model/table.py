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
    huvudtabell: bool = False  # the area's main table: the one the Word volume report shows (issue 13)
    # whether a column of `data` holds numbers, looked up once per column (the renderers ask for every cell)
    _numerisk: dict[tuple[int, str], bool] = field(default_factory=dict, init=False, repr=False, compare=False)

    def format(self, rad: int, kolumn: str) -> str:
        if (rad, kolumn) in self.cellformat:
            return self.cellformat[(rad, kolumn)]
        if kolumn in self.kolumnformat:
            return self.kolumnformat[kolumn]
        nyckel = (id(self.data), kolumn)
        if nyckel not in self._numerisk:
            self._numerisk[nyckel] = pd.api.types.is_numeric_dtype(self.data[kolumn].dtype)
        if not self._numerisk[nyckel]:
            return "text"
        return self.radformat[rad] if self.radformat else "heltal"

    def urval(self, rader: list[int]) -> Tabellvy:
        """The same table with only the rows at the positions `rader` (in that order), formats kept."""
        ny = {gammal: i for i, gammal in enumerate(rader)}
        return Tabellvy(self.namn, self.rubrik, self.data.iloc[rader].reset_index(drop=True),
                        [self.radformat[i] for i in rader] if self.radformat else None, dict(self.kolumnformat),
                        {(ny[r], k): f for (r, k), f in self.cellformat.items() if r in ny}, self.huvudtabell)

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
    enhet: str = ""  # the unit of the values (timmar, kr, mnkr, brukare, %): the y axis label; empty: no label
    huvuddiagram: bool = False  # the area's one chart in the Word volume report
    fotnot: str = ""  # a note under the chart (the public version: which values are not shown)


UTFYLLNAD = {"och", "per", "pa", "i", "av", "for", "med", "om", "till", "inom"}  # words a short file name leaves out


def diagramnamn(område: str, serie: str, stam: str) -> str:
    """A short chart file name, area_series_period: 'hemtjanst_utforda_timmar_2025-02.png'. The area is
    its ASCII key (hemtjanst, placeringar, bistand) or the first word of its title ('aldrenamnden'); filler
    words (och, per, på …) are left out and the series part is cut at a word to at most 32 characters.
    Names are made unique per report by the report (`unika_diagramnamn`)."""
    from .area import OMRÅDEN

    nyckel = next((o.nyckel for o in OMRÅDEN.values() if o.namn == område), "")
    del_område = nyckel or slug(område).split("_")[0][:16] or "omrade"
    ascii_ = unicodedata.normalize("NFKD", serie.lower()).encode("ascii", "ignore").decode()
    ord_ = [w for w in re.split(r"[^a-z0-9]+", ascii_) if w and w not in UTFYLLNAD] or ["serie"]
    serie_del = ord_[0][:32]
    for w in ord_[1:]:
        if len(serie_del) + 1 + len(w) > 32:
            break
        serie_del += "_" + w
    return f"{del_område}_{serie_del}_{stam}.png"


def slug(text: str) -> str:
    """ASCII for a file name: 'Ekonomiskt bistånd' → 'ekonomiskt_bistand'."""
    s = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")[:40]


def bladnamn(text: str) -> str:
    """A valid Excel sheet name: no : \\ / ? * [ ], at most 31 characters. A longer name keeps its
    start and its end ('Placeringar vårddygn…st, vuxna'), where names of sibling tables differ."""
    s = re.sub(r"[:\\/?*\[\]]", "-", text).strip()
    return s if len(s) <= 31 else s[:20].rstrip() + "…" + s[-10:].lstrip()


def unika_diagramnamn(diagram: list[Diagram]) -> None:
    """Give charts that share a file name a number: 'hemtjanst_brukare_2025-02_2.png'."""
    used: set[str] = set()
    for d in diagram:
        stam, n = d.filnamn.removesuffix(".png"), 2
        while d.filnamn in used:
            d.filnamn = f"{stam}_{n}.png"
            n += 1
        used.add(d.filnamn)
