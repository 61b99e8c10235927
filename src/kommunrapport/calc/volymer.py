"""Pure calculations over monthly volume series: no I/O, no formatting.

A series is a frame with the columns år, månad, värde (one value per year and month; a month
that is not reported has no row). Its *slag* says how months combine over a period:

* **flöde** (timmar, vårddygn, kronor, beslut): summed;
* **bestånd** (brukare, placerade, hushåll, belagda platser): the mean of the months;
* **takt** (a rate per day, e.g. utförda timmar per dag): the mean weighted by the days of each month;
* **andel** (a share, held as a fraction): the mean of the months, unless it is recomputed from its
  parts (see `kvot_period`);
* **resultat** (money per month): summed, and shown accumulated from January.

A period value needs every month of the period: a missing month makes it NaN and is reported,
never averaged as zero.
"""

from __future__ import annotations

import calendar
from collections.abc import Hashable
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from ..model.period import MÅNADSNUMMER, TERTIALER

Slag = Literal["flöde", "bestånd", "takt", "andel", "resultat"]
SLAG: tuple[str, ...] = ("flöde", "bestånd", "takt", "andel", "resultat")
SUMMERAS = ("flöde", "resultat")  # the kinds summed over a period; the others are means


def dagar(år: int, månad: int) -> int:
    return calendar.monthrange(år, månad)[1]


def _värden(serie: pd.DataFrame, år: int, månader: list[int]) -> pd.Series:
    """The values of `år` for `månader` (NaN where a month has none). Called thousands of times per report,
    so with numpy and a dict rather than set_index and reindex; a month twice in a year raises as reindex does."""
    sel = serie["år"].to_numpy() == år
    m = serie["månad"].to_numpy()[sel].tolist()
    if len(set(m)) != len(m):
        return serie[sel].set_index("månad")["värde"].reindex(månader)
    uppslag = dict(zip(m, serie["värde"].to_numpy(dtype=float)[sel].tolist(), strict=True))
    return pd.Series([uppslag.get(x, np.nan) for x in månader], index=pd.Index(månader, name="månad"),
                     dtype=float, name="värde")


def summeras(slag: str) -> bool:
    """Whether a kind is summed over a period (flöde, resultat) rather than averaged."""
    return slag in SUMMERAS


def kombinera(values: pd.Series | np.ndarray, slag: str, vikter: np.ndarray | list[int] | None = None) -> float:
    """Sum (flöde, resultat), mean (bestånd, andel) or mean weighted by `vikter`, the days of each month
    (takt), of values that are all present; NaN if any is missing."""
    v = np.asarray(values, dtype=float)
    if len(v) == 0 or np.isnan(v).any():
        return float("nan")
    if summeras(slag):
        return float(v.sum())
    if slag == "takt" and vikter is not None:
        w = np.asarray(vikter, dtype=float)
        return float((v * w).sum() / w.sum())
    return float(v.mean())


def årstabell(serie: pd.DataFrame, slag: str = "bestånd") -> pd.DataFrame:
    """Years × months with Årssnitt (mean of the months present; for a takt weighted by the days of
    those months) and the count of months present."""
    tab = serie.pivot_table(index="år", columns="månad", values="värde", aggfunc="sum").reindex(columns=MÅNADSNUMMER)
    return _årstabell_av(tab, slag)


def _årstabell_av(tab: pd.DataFrame, slag: str) -> pd.DataFrame:
    tab["årssnitt"] = tab[MÅNADSNUMMER].mean(axis=1)
    if slag == "takt" and len(tab):
        d = pd.DataFrame([[dagar(int(y), m) for m in MÅNADSNUMMER] for y in tab.index], index=tab.index,
                         columns=MÅNADSNUMMER).where(tab[MÅNADSNUMMER].notna())
        tab["årssnitt"] = (tab[MÅNADSNUMMER] * d).sum(axis=1) / d.sum(axis=1)
    tab["månader"] = tab[MÅNADSNUMMER].notna().sum(axis=1)
    return tab


def saknade_månader(serie: pd.DataFrame, år: int, till_månad: int = 12) -> list[int]:
    """Months 1..till_månad with no value in `år`."""
    månader = list(range(1, till_månad + 1))
    return [m for m, v in zip(månader, _värden(serie, år, månader), strict=True) if np.isnan(v)]


def periodvärde(serie: pd.DataFrame, år: int, månader: list[int], slag: str) -> float:
    return kombinera(_värden(serie, år, månader), slag, [dagar(år, m) for m in månader])


def förändring(nu: float, fg: float) -> tuple[float, float]:
    """(change in units, change as a fraction); the fraction is NaN when last year is 0 or negative (a
    percentage of a negative base says nothing)."""
    enheter = nu - fg
    andel = nu / fg - 1 if not np.isnan(fg) and fg > 0 else float("nan")
    return enheter, andel


def jämförelse(serie: pd.DataFrame, år: int, till_månad: int, slag: str) -> dict[str, float]:
    """Same period jan..m this year against last year, combined as the kind says (see kombinera)."""
    månader = list(range(1, till_månad + 1))
    nu = periodvärde(serie, år, månader, slag)
    fg = periodvärde(serie, år - 1, månader, slag)
    enheter, andel = förändring(nu, fg)
    return {"fg": fg, "nu": nu, "förändring": enheter, "förändring_andel": andel}


def kvot(täljare: pd.DataFrame, nämnare: pd.DataFrame) -> pd.DataFrame:
    """Month by month täljare / nämnare (NaN where either is missing or the nämnare is 0)."""
    a = täljare.set_index(["år", "månad"])["värde"]
    b = nämnare.set_index(["år", "månad"])["värde"]
    q = (a / b.replace(0, np.nan)).dropna()
    return q.rename("värde").reset_index()


def kvot_period(täljare: pd.DataFrame, nämnare: pd.DataFrame, år: int, månader: list[int]) -> float:
    """Sum of täljare / sum of nämnare over the months (kr per vårddygn, andel utförda, …)."""
    a = kombinera(_värden(täljare, år, månader), "flöde")
    b = kombinera(_värden(nämnare, år, månader), "flöde")
    return a / b if b else float("nan")


def per_dag(serie: pd.DataFrame) -> pd.DataFrame:
    """Value per calendar day of its month (leap years count: February 2024 has 29 days)."""
    d = serie.copy()
    d["värde"] = d["värde"] / [dagar(int(y), int(m)) for y, m in zip(d["år"], d["månad"])]
    return d


def månadsjämförelse(serie: pd.DataFrame, år: int, till_månad: int) -> pd.DataFrame:
    """Each month jan..m of `år` against the same month the year before: månad, fg, nu, förändring
    (units) and förändring_andel (fraction; NaN when last year is 0 or missing)."""
    rows = []
    for m in range(1, till_månad + 1):
        nu = float(_värden(serie, år, [m]).iloc[0])
        fg = float(_värden(serie, år - 1, [m]).iloc[0])
        enheter, andel = förändring(nu, fg)
        rows.append({"månad": m, "fg": fg, "nu": nu, "förändring": enheter, "förändring_andel": andel})
    return pd.DataFrame(rows, columns=["månad", "fg", "nu", "förändring", "förändring_andel"])


def ackumulerad(serie: pd.DataFrame) -> pd.DataFrame:
    """Each year accumulated from January (a resultat t.o.m. each month); a missing month ends the
    accumulation of its year (the months after it are NaN, never summed as if it were 0)."""
    tab = serie.pivot_table(index="år", columns="månad", values="värde", aggfunc="sum").reindex(columns=MÅNADSNUMMER)
    return tab.cumsum(axis=1, skipna=False)


def tertialer(serie: pd.DataFrame, slag: str) -> pd.DataFrame:
    """Years × T1..T3: complete tertials combined as the kind says (see kombinera); incomplete ones are NaN."""
    years = sorted(serie["år"].unique())
    return pd.DataFrame(
        {f"T{t}": [periodvärde(serie, y, m, slag) for y in years] for t, m in TERTIALER.items()},
        index=pd.Index(years, name="år"),
    )


def tertialjämförelse(serie: pd.DataFrame, slag: str) -> pd.DataFrame:
    """Each complete tertial against the same tertial the year before: value, change, change %."""
    tab = tertialer(serie, slag)
    rows = []
    for år in tab.index:
        for t in ("T1", "T2", "T3"):
            nu = tab.loc[år, t]
            if np.isnan(nu):
                continue
            fg = tab.loc[år - 1, t] if år - 1 in tab.index else float("nan")
            enheter, andel = förändring(nu, fg)
            rows.append({"år": int(år), "tertial": t, "värde": nu, "fg_år": fg, "förändring": enheter,
                         "förändring_andel": andel})
    return pd.DataFrame(rows, columns=["år", "tertial", "värde", "fg_år", "förändring", "förändring_andel"])


def rullande_12(serie: pd.DataFrame, slag: str) -> pd.DataFrame:
    """For each month: the 12 months ending with it, combined as the kind says (takt: weighted by
    days); needs all 12."""
    s = serie.set_index(["år", "månad"])["värde"].sort_index()
    if s.empty:
        return pd.DataFrame(columns=["år", "månad", "värde"])
    first, last = s.index.min(), s.index.max()
    idx = pd.MultiIndex.from_tuples([(y, m) for y in range(first[0], last[0] + 1) for m in MÅNADSNUMMER
                                     if first <= (y, m) <= last], names=["år", "månad"])
    full = s.reindex(idx)
    r = full.rolling(12, min_periods=12)
    if summeras(slag):
        out = r.sum()
    elif slag == "takt":
        d = pd.Series([float(dagar(y, m)) for y, m in idx], index=idx)
        out = (full * d).rolling(12, min_periods=12).sum() / d.rolling(12, min_periods=12).sum()
    else:
        out = r.mean()
    return out.dropna().rename("värde").reset_index()


def varav_över_total(total: pd.DataFrame, delar: list[pd.DataFrame], tolerans: float = 0.5) -> pd.DataFrame:
    """Months where the 'varav' lines add up to more than their total: år, månad, total, summa_varav."""
    t = total.set_index(["år", "månad"])["värde"]
    if not delar:
        return pd.DataFrame(columns=["år", "månad", "total", "summa_varav"])
    s = cast("pd.Series", sum(d.set_index(["år", "månad"])["värde"].reindex(t.index).fillna(0)
                              for d in delar))  # a Series: delar is not empty
    bad = s > t + tolerans
    return pd.DataFrame({"total": t[bad], "summa_varav": s[bad]}).reset_index()


def exakt_summerbar(a: np.ndarray) -> bool:
    """Whether every sum of a row's values is exact whatever the order: whole numbers (no −0) whose absolute
    values add up to less than 2**53. Then a mean is that sum / the count, as pandas gives it."""
    if not np.isfinite(a).all() or (np.round(a) != a).any() or np.signbit(a[a == 0]).any():
        return False
    return bool(len(a) == 0 or np.abs(a).sum(axis=1).max() < 2.0**53)


class Månadsserie:
    """One series as a lookup (år, månad) → värde, made once from its frame (år, månad, värde): the report
    asks each series for hundreds of period values, and a pandas filter per value costs more than the
    whole report should. Every method gives exactly (bit for bit) what the frame function of the same name
    gives; a series with a month twice (only a hand-made frame has one) is passed to those functions."""

    dubbletter: bool  # a month twice, or a frame whose amounts are not floats: the frame functions decide

    def __init__(self, serie: pd.DataFrame):
        self._sätt(serie["år"].to_numpy(), serie["månad"].to_numpy(), serie["värde"].to_numpy(dtype=float))
        self._frame: pd.DataFrame | None = serie
        # an amount column of whole numbers (a hand-made frame) makes the frame functions' tables integer: theirs
        self.dubbletter = self.dubbletter or serie["värde"].dtype != np.float64

    @classmethod
    def av_kolumner(cls, år: np.ndarray, månad: np.ndarray, värde: np.ndarray) -> Månadsserie:
        """From the columns år, månad, värde (float) of a series' rows."""
        ms = cls.__new__(cls)
        ms._sätt(år, månad, värde)
        ms._frame = None
        return ms

    def _sätt(self, år: np.ndarray, månad: np.ndarray, värde: np.ndarray) -> None:
        self._år, self._månad, self._värde = år, månad, värde
        nycklar = list(zip(år.tolist(), månad.tolist(), strict=True))
        self._uppslag: dict[tuple[int, int], float] = dict(zip(nycklar, värde.tolist(), strict=True))
        self.dubbletter = len(self._uppslag) != len(nycklar)  # a month twice: the frame functions decide

    @property
    def frame(self) -> pd.DataFrame:
        """The series as a frame (år, månad, värde)."""
        if self._frame is None:
            self._frame = pd.DataFrame({"år": self._år, "månad": self._månad, "värde": self._värde})
        return self._frame

    def tom(self, år: int, månad: int) -> Månadsserie:
        """The series t.o.m. `månad` of `år` (later months are not part of a report for that month)."""
        behåll = (self._år < år) | ((self._år == år) & (self._månad <= månad))
        if behåll.all():
            return self
        if self.dubbletter:
            return Månadsserie(self.frame[behåll])
        return Månadsserie.av_kolumner(self._år[behåll], self._månad[behåll], self._värde[behåll])

    def värden(self, år: int, månader: list[int]) -> np.ndarray:
        """The values of `år` for `månader`, NaN where a month has none (as `_värden`)."""
        if self.dubbletter:
            return _värden(self.frame, år, månader).to_numpy(dtype=float)
        u = self._uppslag
        return np.array([u.get((år, m), np.nan) for m in månader], dtype=float)

    def värde(self, år: int, månad: int) -> float:
        if self.dubbletter:
            return float(_värden(self.frame, år, [månad]).iloc[0])
        return float(self._uppslag.get((år, månad), np.nan))

    def periodvärde(self, år: int, månader: list[int], slag: str) -> float:
        return kombinera(self.värden(år, månader), slag, [dagar(år, m) for m in månader])

    def jämförelse(self, år: int, till_månad: int, slag: str) -> dict[str, float]:
        månader = list(range(1, till_månad + 1))
        nu, fg = self.periodvärde(år, månader, slag), self.periodvärde(år - 1, månader, slag)
        enheter, andel = förändring(nu, fg)
        return {"fg": fg, "nu": nu, "förändring": enheter, "förändring_andel": andel}

    def kvot_period(self, nämnare: Månadsserie, år: int, månader: list[int]) -> float:
        """As `kvot_period`, this series the täljare."""
        a = kombinera(self.värden(år, månader), "flöde")
        b = kombinera(nämnare.värden(år, månader), "flöde")
        return a / b if b else float("nan")

    def månadsjämförelse(self, år: int, till_månad: int) -> list[dict[str, float]]:
        rows = []
        for m in range(1, till_månad + 1):
            nu, fg = self.värde(år, m), self.värde(år - 1, m)
            enheter, andel = förändring(nu, fg)
            rows.append({"månad": m, "fg": fg, "nu": nu, "förändring": enheter, "förändring_andel": andel})
        return rows

    def per_dag(self) -> Månadsserie:
        """As `per_dag`."""
        if self.dubbletter:
            return Månadsserie(per_dag(self.frame))
        d = np.array([dagar(int(y), int(m)) for y, m in zip(self._år, self._månad, strict=True)])
        return Månadsserie.av_kolumner(self._år, self._månad, self._värde / d)

    def saknade_månader(self, år: int, till_månad: int = 12) -> list[int]:
        månader = list(range(1, till_månad + 1))
        return [m for m, v in zip(månader, self.värden(år, månader), strict=True) if np.isnan(v)]

    def sista_månad(self, år: int) -> int:
        """The last month of `år` with a row."""
        return int(self._månad[self._år == år].max())

    def år(self) -> list[int]:
        """The years with a row, in order."""
        return sorted(set(self._år.tolist()))

    def _tabell(self) -> pd.DataFrame:
        """What `serie.pivot_table(index="år", columns="månad", values="värde", aggfunc="sum")` gives, made
        without it: the months any year has as columns, in a block laid out as the pivot lays it out (a mean
        across the columns adds in the same order, so the årssnitt is the same to the last bit)."""
        years = self.år()
        månader = sorted(set(self._månad.tolist()))
        rad = {y: i for i, y in enumerate(years)}
        kol = {m: j for j, m in enumerate(månader)}
        a = np.full((len(years), len(månader)), np.nan)
        for (y, m), v in self._uppslag.items():
            a[rad[y], kol[m]] = 0.0 if np.isnan(v) else v  # a sum of a blank value is 0, as in the pivot
        return pd.DataFrame(a, index=pd.Index(years, name="år", dtype=self._år.dtype),
                            columns=pd.Index(månader, name="månad", dtype=self._månad.dtype), copy=False)

    def årstabell(self, slag: str = "bestånd") -> pd.DataFrame:
        """As `årstabell`."""
        if self.dubbletter or not len(self._värde) or not set(self._månad.tolist()) <= set(MÅNADSNUMMER):
            return årstabell(self.frame, slag)
        years = self.år()
        rad = {y: i for i, y in enumerate(years)}
        a = np.full((len(years), 12), np.nan)
        for (y, m), v in self._uppslag.items():
            a[rad[y], m - 1] = 0.0 if np.isnan(v) else v  # a sum of a blank value is 0, as in the pivot
        finns = ~np.isnan(a)
        heltal = np.where(finns, a, 0.0)
        if slag == "takt" or not exakt_summerbar(heltal):
            return _årstabell_av(self._tabell().reindex(columns=MÅNADSNUMMER), slag)
        # Whole numbers whose sums are exact in any order: the mean without pandas' reduction (the same figure)
        tab = pd.DataFrame(a, index=pd.Index(years, name="år", dtype=self._år.dtype),
                           columns=pd.Index(MÅNADSNUMMER, name="månad"))
        antal = finns.sum(axis=1)
        tab["årssnitt"] = heltal.sum(axis=1) / antal
        tab["månader"] = antal.astype(np.int64)
        return tab

    def ackumulerad(self) -> pd.DataFrame:
        """As `ackumulerad`."""
        if self.dubbletter or not len(self._värde):
            return ackumulerad(self.frame)
        return self._tabell().reindex(columns=MÅNADSNUMMER).cumsum(axis=1, skipna=False)

    def tertialjämförelse(self, slag: str, från_år: int) -> list[dict]:
        """The rows of `tertialjämförelse` from `från_år` on."""
        rows = []
        for år in self.år():
            if år < från_år:
                continue
            for t, månader in TERTIALER.items():
                nu = self.periodvärde(år, månader, slag)
                if np.isnan(nu):
                    continue
                fg = self.periodvärde(år - 1, månader, slag)  # NaN when the year before has no row
                enheter, andel = förändring(nu, fg)
                rows.append({"år": int(år), "tertial": f"T{t}", "värde": nu, "fg_år": fg, "förändring": enheter,
                             "förändring_andel": andel})
        return rows

    def rullande_12(self, slag: str, vid: list[tuple[int, int]]) -> list[float]:
        """The rolling 12 months (as `rullande_12`) ending with each (år, månad) of `vid`; NaN where there is
        none. Pandas' rolling sum and mean over the same months as there, so the figures are the same."""
        if self.dubbletter:
            r12 = rullande_12(self.frame, slag).set_index(["år", "månad"])["värde"]
            return [float(r12.get(k, np.nan)) for k in vid]
        if not self._uppslag:
            return [float("nan")] * len(vid)
        first, last = min(self._uppslag), max(self._uppslag)
        idx = [(y, m) for y in range(first[0], last[0] + 1) for m in MÅNADSNUMMER if first <= (y, m) <= last]
        full = pd.Series([self._uppslag.get(k, np.nan) for k in idx], dtype=float)
        if summeras(slag):
            out = full.rolling(12, min_periods=12).sum()
        elif slag == "takt":
            d = pd.Series([float(dagar(y, m)) for y, m in idx])
            out = (full * d).rolling(12, min_periods=12).sum() / d.rolling(12, min_periods=12).sum()
        else:
            out = full.rolling(12, min_periods=12).mean()
        värden = out.to_numpy()
        plats = {k: i for i, k in enumerate(idx)}
        return [float(värden[plats[k]]) if k in plats else float("nan") for k in vid]


def varav_över(total: Månadsserie, delar: list[Månadsserie], tolerans: float = 0.5) -> list[dict[Hashable, Any]]:
    """The rows of `varav_över_total` (år, månad, total, summa_varav) from the lookups: the same sums in the
    same order (a missing or blank month of a varav row counts 0). Series with a month twice: use that."""
    ut: list[dict[Hashable, Any]] = []
    for (år, månad), t in total._uppslag.items():
        s: float = 0
        for d in delar:
            v = d._uppslag.get((år, månad), np.nan)
            s = s + (0 if np.isnan(v) else v)
        if s > t + tolerans:
            ut.append({"år": år, "månad": månad, "total": t, "summa_varav": s})
    return ut
