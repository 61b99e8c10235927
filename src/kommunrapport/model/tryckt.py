"""A printed report table, as a reader of a finished report sees it (`validera` checks these).

A `TrycktTabell` is a table of a report that was printed (a Word draft, a sheet of an annex, a CSV
saved from one): a title, row labels with their role, column headings with their measure, and
each cell as printed (its text, its value and how precisely it was printed). Nothing here reads a
file or checks anything: input/rapporttabell.py builds these, calc/misstryck.py checks them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Row roles. A 'total' sums the 'verksamhet' rows above it at level 1; a 'varav' lies within its parent;
# 'netto' = 'intäkter' + 'kostnader' (the KS layout).
ROLLER = ("verksamhet", "total", "varav", "intäkter", "kostnader", "netto")

# Column measures. Amounts can be summed over rows; shares and ratios cannot.
BELOPP = ("budget", "utfall", "avvikelse", "prognos", "årsbudget", "prognosavvikelse", "utfall_fjol",
          "avvikelse_fjol", "budget_fjol", "månad")
ANDELAR = ("förbrukat", "förbrukat_år", "andel", "förändring")

# How a measure is named in a message.
MÅTTNAMN = {"budget": "budget", "utfall": "utfall", "avvikelse": "budgetavvikelse", "prognos": "prognos",
            "årsbudget": "årsbudget", "prognosavvikelse": "prognosavvikelse", "utfall_fjol": "utfall i fjol",
            "avvikelse_fjol": "budgetavvikelse i fjol", "budget_fjol": "budget i fjol", "månad": "månad",
            "förbrukat": "förbrukat av budget", "förbrukat_år": "förbrukat av årsbudget", "andel": "andel",
            "förändring": "förändring mot i fjol"}

# kronor per unit
ENHETER = {"kr": 1.0, "tkr": 1e3, "mnkr": 1e6}


@dataclass(frozen=True)
class TrycktCell:
    """One printed number: its text, value and half a unit of its last printed digit (0: exact)."""

    text: str
    värde: float
    halvenhet: float
    decimaler: int | None  # printed decimals; None when the value is stored unrounded (an annex)
    procent: bool = False  # printed with '%' (the value is then in percent, 53,7 for '53,7 %')
    adress: str | None = None  # 'D4' in a sheet


@dataclass
class TrycktTabell:
    """A printed table: `celler[r][k]` is row r's cell in value column k (None when empty or text)."""

    namn: str  # 'tabell 2' in a Word document, "blad 'Nyckeltal'" in a workbook, the file for a CSV
    titel: str
    rader: list[str]  # row labels as printed
    kolumner: list[str]  # headings of the value columns as printed
    mått: list[str | None]  # each value column's measure (None: not checked, e.g. 'Budget i balans')
    roller: list[str]
    nivåer: list[int]  # 0 total, 1 a main row, 2 a varav row …
    celler: list[list[TrycktCell | None]]
    radnummer: list[int | None] = field(default_factory=list)  # the row in the sheet or file, when there is one
    enhet: str | None = None  # the unit the amounts are in (after inference)
    anteckningar: list[str] = field(default_factory=list)  # what was inferred, to be shown

    def cell(self, r: int, k: int) -> TrycktCell | None:
        return self.celler[r][k]

    def kolumn_med(self, mått: str) -> int | None:
        return next((k for k, m in enumerate(self.mått) if m == mått), None)

    def radtext(self, r: int) -> str:
        nr = self.radnummer[r] if r < len(self.radnummer) else None
        return f"rad '{self.rader[r]}'" + (f" (rad {nr})" if nr is not None else "")


@dataclass
class Påstående:
    """A figure stated in a sentence of a Word document ("budgetavvikelse … −12,4 mnkr")."""

    stycke: int  # 1-based paragraph number
    text: str  # the sentence, shortened
    utdrag: str  # the figure as written, '−12,4 mnkr'
    mått: str  # 'avvikelse', 'prognosavvikelse', 'avvikelse_fjol'
    värde: float  # in kronor, with the sign the sentence gives
    halvenhet: float  # in kronor
    rad: str | None  # the row label the sentence is about (the heading above it), None: the total


@dataclass
class TrycktDokument:
    """The printed tables of one file, and in a Word document its stated figures."""

    fil: str
    tabeller: list[TrycktTabell]
    påståenden: list[Påstående] = field(default_factory=list)
    överhoppade: list[str] = field(default_factory=list)  # tables not recognised (shown with --verbose)
