"""A forecast proposal per report row, from methods tried on the earlier years of the data. Pure.

Net costs with costs positive (kr), one array of twelve months per year (NaN: no outcome). For the
report month m of year y, with K = outcome, B = budget, V = volume, Σ over months:

- budget: K(jan..m) + B(m+1..dec)                               the budget for the remaining months
- takt:   K(jan..m) + B(m+1..dec) × K(jan..m) / B(jan..m)       run rate
- säsong: K(jan..m) × K_{y−1}(jan..dec) / K_{y−1}(jan..m)        last year's seasonal profile
- volym:  K(jan..m) + V_{y−1}(m+1..dec) × R12_y(m) / R12_{y−1}(m) × K(jan..m) / V(jan..m)
          (linked rows: last year's remaining volume grown by the volume's trend, the last twelve months
          against the twelve before, R12_y(m) = V over the twelve months ending with month m of y; at this
          year's cost per unit so far)

The backtest makes every method's forecast at every month 1..11 of every earlier year with a full
year's outcome, and its error = forecast − the year's outcome. The proposal is the method with the
smallest mean absolute error at the report month over those years (first in METODER on a tie, to the
krona), and its
range is the proposal ± that mean absolute error, given only when the method was tried on at least
MINST_ÅR_FÖR_INTERVALL earlier years (one or two years' errors say nothing about a usual error).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

METODER = ("budget", "takt", "säsong", "volym")
METODNAMN = {
    "budget": "Budget för resterande månader",
    "takt": "Utfallstakt",
    "säsong": "Fjolårets säsongsprofil",
    "volym": "Volymtrend × pris",
}

MINST_ÅR_FÖR_INTERVALL = 3  # earlier years a range (and a warning against it) needs
Årsdata = Mapping[int, np.ndarray]  # year -> 12 monthly values, NaN where there is none


def _summa(a: np.ndarray | None, från: int, till: int) -> float:
    """Sum of months från..till (1-based, inclusive); NaN if any of them is missing."""
    if a is None:
        return math.nan
    d = np.asarray(a[från - 1:till], dtype=float)
    return float(d.sum()) if len(d) and not np.isnan(d).any() else (0.0 if not len(d) else math.nan)


def _kvot(a: float, b: float) -> float:
    return a / b if b and not math.isnan(b) and not math.isnan(a) else math.nan


def rullande_tolv(värden: Årsdata, år: int, månad: int) -> float:
    """Sum of the twelve months that end with `månad` of `år` (NaN if any is missing)."""
    return _summa(värden.get(år - 1), månad + 1, 12) + _summa(värden.get(år), 1, månad)


def prognos(metod: str, år: int, månad: int, kostnad: Årsdata, budget: Årsdata,
            volym: Årsdata | None = None) -> float:
    """One method's full-year net cost forecast at the end of `månad` of `år` (NaN: not possible)."""
    k = kostnad.get(år)
    b = budget.get(år)
    k_hittills = _summa(k, 1, månad)
    if metod == "budget":
        return k_hittills + _summa(b, månad + 1, 12)
    if metod == "takt":
        return k_hittills + _summa(b, månad + 1, 12) * _kvot(k_hittills, _summa(b, 1, månad))
    if metod == "säsong":
        fg = kostnad.get(år - 1)
        return k_hittills * _kvot(_summa(fg, 1, 12), _summa(fg, 1, månad))
    if metod == "volym":
        if volym is None:
            return math.nan
        tillväxt = _kvot(rullande_tolv(volym, år, månad), rullande_tolv(volym, år - 1, månad))
        rest = _summa(volym.get(år - 1), månad + 1, 12) * tillväxt
        return k_hittills + rest * _kvot(k_hittills, _summa(volym.get(år), 1, månad))
    raise ValueError(metod)


def hela_år(kostnad: Årsdata, före: int) -> list[int]:
    """The years before `före` with outcome in all twelve months (the years a method can be tried on)."""
    return sorted(y for y, a in kostnad.items() if y < före and not np.isnan(np.asarray(a, dtype=float)).any())


def backtest(kostnad: Årsdata, budget: Årsdata, före: int, volym: Årsdata | None = None) -> pd.DataFrame:
    """Every method's forecast at every month 1..11 of every full earlier year: år, månad, metod, prognos,
    utfall, fel (= prognos − the year's outcome, kr). Methods that cannot forecast a month are left out."""
    rader = []
    for y in hela_år(kostnad, före):
        utfall = _summa(kostnad[y], 1, 12)
        for m in range(1, 12):
            for metod in METODER:
                p = prognos(metod, y, m, kostnad, budget, volym)
                if not math.isnan(p):
                    rader.append({"år": y, "månad": m, "metod": metod, "prognos": p, "utfall": utfall,
                                  "fel": p - utfall})
    return pd.DataFrame(rader, columns=["år", "månad", "metod", "prognos", "utfall", "fel"])


@dataclass(frozen=True)
class Förslag:
    metod: str | None  # None: no method could be tried on an earlier year
    prognos: float  # full-year net cost (kr, costs +)
    medelfel: float  # the method's mean absolute error at the report month (kr); NaN without history
    antal: int  # how many earlier years the method was tried on at this month
    metoder: dict[str, float]  # every method's forecast now (NaN: not possible)

    @property
    def intervall(self) -> tuple[float, float]:
        """proposal ± the usual error; NaN when it was tried on fewer than MINST_ÅR_FÖR_INTERVALL years."""
        if self.antal < MINST_ÅR_FÖR_INTERVALL:
            return math.nan, math.nan
        return self.prognos - self.medelfel, self.prognos + self.medelfel


def föreslå(år: int, månad: int, kostnad: Årsdata, budget: Årsdata, volym: Årsdata | None = None,
            fel: pd.DataFrame | None = None) -> Förslag:
    """The proposal at `månad` of `år`: the method with the smallest mean absolute error at this month of
    the earlier years (see `backtest`, passed as `fel` or computed), among those that can forecast now.
    Without an earlier year to try them on: the budget method, with no range."""
    nu = {m: prognos(m, år, månad, kostnad, budget, volym) for m in METODER}
    fel = backtest(kostnad, budget, år, volym) if fel is None else fel
    vid = fel[fel["månad"] == månad]
    bäst: tuple[float, int, str] | None = None
    for i, metod in enumerate(METODER):
        f = vid.loc[vid["metod"] == metod, "fel"]
        if math.isnan(nu[metod]) or f.empty:
            continue
        mae = float(f.abs().mean())
        if bäst is None or (round(mae), i) < (round(bäst[0]), bäst[1]):  # within a krona is a tie
            bäst = (mae, i, metod)
    if bäst is None:
        return Förslag(None, nu["budget"], math.nan, 0, nu)
    metod = bäst[2]
    antal = int((vid["metod"] == metod).sum())
    return Förslag(metod, nu[metod], bäst[0], antal, nu)


def utanför(förslag: Förslag, controllerns: float) -> bool:
    """Whether the controller's full-year forecast (net cost, kr) lies outside the proposal's range."""
    låg, hög = förslag.intervall
    if math.isnan(låg) or controllerns is None or math.isnan(controllerns):
        return False
    return not (låg - 0.5 <= controllerns <= hög + 0.5)  # half a krona: the amounts are rounded to öre
