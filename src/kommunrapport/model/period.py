"""Months and report periods: Swedish month names, parsing what users type and what exports contain,
and the `Period` value (year and month) that every report is made for."""

from __future__ import annotations

import re
from dataclasses import dataclass

MÅNADER = [
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
]
MÅNADER_KORT = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

_NAMN_TILL_NR: dict[str, int] = {}
for _nr, (_lång, _kort) in enumerate(zip(MÅNADER, MÅNADER_KORT), start=1):
    _NAMN_TILL_NR[_lång] = _nr
    _NAMN_TILL_NR[_kort] = _nr
_NAMN_TILL_NR.update({"mars": 3, "sept": 9, "okt.": 10, "maj": 5})

_ÅR_MÅNAD = re.compile(r"^(\d{4})\s*[-/.]?\s*(\d{1,2})(?:[-/.]\d{1,2})?(?:[ Tt].*)?$")


def månadsnummer(text: object) -> int | None:
    """Month number 1–12 from 'feb', 'Februari', 'mars', '2', '02', '2025-02' or '202502'; else None."""
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        if float(text).is_integer() and 1 <= int(text) <= 12:
            return int(text)
        return None
    s = str(text).strip().lower().rstrip(".")
    if not s:
        return None
    if s in _NAMN_TILL_NR:
        return _NAMN_TILL_NR[s]
    if s.isdigit() and len(s) <= 2:
        n = int(s)
        return n if 1 <= n <= 12 else None
    if s.isdigit() and len(s) != 6:  # only 202502 is a period; 45658 (an Excel date serial) is not
        return None
    m = _ÅR_MÅNAD.match(s)
    if m:
        n = int(m.group(2))
        return n if 1 <= n <= 12 else None
    return None


def år_och_månad(text: object) -> tuple[int | None, int | None]:
    """(year, month) from '2025-02', '202502', '2025-02-28'; (None, month) from 'feb' or '2'."""
    s = str(text).strip()
    m = _ÅR_MÅNAD.match(s)
    if m and len(s) >= 6 and not (s.isdigit() and len(s) != 6):
        n = int(m.group(2))
        return int(m.group(1)), (n if 1 <= n <= 12 else None)
    return None, månadsnummer(text)


def månadsnamn(nr: int) -> str:
    return MÅNADER[nr - 1]


def kort_period(månad: int) -> str:
    """'jan' for 1, 'jan–feb' for 2: the period jan..m as table headings name it."""
    return "jan" if månad == 1 else f"jan–{MÅNADER_KORT[månad - 1]}"


def period_text(månad: int) -> str:
    """'januari' for 1, 'januari–februari' for 2: the period jan..m as reports name it."""
    if månad == 1:
        return "januari"
    return f"januari–{MÅNADER[månad - 1]}"


MÅNADSNUMMER = list(range(1, 13))  # the months of a year as numbers, the columns of month tables
KS_MÅNADER = (4, 8, 12)  # the report to kommunstyrelsen covers jan–apr, jan–aug and jan–dec
TERTIALER = {1: [1, 2, 3, 4], 2: [5, 6, 7, 8], 3: [9, 10, 11, 12]}


@dataclass(frozen=True, order=True)
class Period:
    """A report period: January to `månad` of `år`, as in "Ekonomirapport t.o.m. februari 2025".

    One value instead of two loose integers; each way of writing it is a property:
    stam "2025-02" (folders, file names, the history), text "januari–februari", kort "jan–feb",
    månadsnamn "februari".
    """

    år: int
    månad: int

    def __post_init__(self) -> None:
        if not 1 <= self.månad <= 12:
            raise ValueError(f"månad {self.månad} finns inte (1–12)")

    @property
    def stam(self) -> str:
        return f"{self.år}-{self.månad:02d}"

    @property
    def text(self) -> str:
        return period_text(self.månad)

    @property
    def kort(self) -> str:
        return kort_period(self.månad)

    @property
    def månadsnamn(self) -> str:
        return MÅNADER[self.månad - 1]

    @property
    def är_ks_månad(self) -> bool:
        return self.månad in KS_MÅNADER

    @property
    def föregående_år(self) -> Period:
        return Period(self.år - 1, self.månad)

    def __str__(self) -> str:
        return self.stam
