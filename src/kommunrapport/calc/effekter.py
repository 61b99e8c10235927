"""Volume and price effects: a report row's cost deviation split into "more or fewer units" and
"a higher or lower cost per unit". Pure functions, no I/O.

Costs are net costs with costs positive (kr). With K = cost and V = volume over jan..m, price P = K / V,
and the comparison (the volume budget, or the same period last year) written K₀, V₀, P₀ = K₀ / V₀:

    volume effect = (V − V₀) × P₀
    price effect  = (P − P₀) × V
    volume effect + price effect = V × P − V₀ × P₀ = K − K₀

In the report's sign (+ = better than the budget, or lower cost than last year) both are negated, so
they add up to the row's budget deviation K₀ − K. The price effect is computed as that deviation minus
the volume effect, which is (P − P₀) × V exactly when V > 0, so the two always add up to the deviation.
A period with no volume at all has no price; its whole cost then shows as the price effect (and the
caller warns). A comparison without volume (V₀ = 0) has no price to value the volume with: no effects.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..model.period import månadsnamn


@dataclass(frozen=True)
class Effekter:
    """One row's decomposition over jan..m (kr, volumes in their unit; effects + = better)."""

    kostnad: float  # K, net cost (costs +)
    kostnad_jmf: float  # K₀: budget, or last year's cost
    volym: float  # V
    volym_jmf: float  # V₀
    volymeffekt: float  # −(V − V₀) × P₀
    priseffekt: float  # −(P − P₀) × V, = avvikelse − volymeffekt

    @property
    def pris(self) -> float:
        return self.kostnad / self.volym if self.volym else math.nan

    @property
    def pris_jmf(self) -> float:
        return self.kostnad_jmf / self.volym_jmf if self.volym_jmf else math.nan

    @property
    def avvikelse(self) -> float:
        """K₀ − K: the budget deviation (or the change on last year) in the report's sign."""
        return self.kostnad_jmf - self.kostnad


def dela_upp(kostnad: float, kostnad_jmf: float, volym: float, volym_jmf: float) -> Effekter | None:
    """Volume and price effect of a period; None when the comparison has no volume (no price P₀)."""
    if not volym_jmf:
        return None
    pris_jmf = kostnad_jmf / volym_jmf
    volymeffekt = -(volym - volym_jmf) * pris_jmf
    avvikelse = kostnad_jmf - kostnad
    return Effekter(kostnad, kostnad_jmf, volym, volym_jmf, volymeffekt, avvikelse - volymeffekt)


@dataclass
class Effektresultat:
    """The decomposition of one linked row for the report, or why there is none."""

    jämförelse: str  # "budget" | "fg_år" | "" (none possible)
    effekter: Effekter | None
    varningar: list[str] = field(default_factory=list)


def månadsserie(df: pd.DataFrame | None, år: int) -> pd.Series:
    """Values of one year per month 1..12 from a frame år, månad, värde; NaN where a month is missing."""
    if df is None or df.empty:
        return pd.Series(np.nan, index=range(1, 13), dtype=float)
    d = df[df["år"] == år]
    return d.groupby("månad")["värde"].sum(min_count=1).reindex(range(1, 13)).astype(float)


def saknade_månader(serie: pd.Series, månad: int) -> list[int]:
    return [m for m in range(1, månad + 1) if pd.isna(serie.get(m))]


def _månader(ms: list[int], år: int) -> str:
    return ", ".join(månadsnamn(m) for m in ms) + f" {år}"


def effekter_för_rad(namn: str, år: int, månad: int, kostnad: pd.Series, budget: pd.Series,
                     kostnad_fg: pd.Series | None, volym: pd.DataFrame, volymbudget: pd.DataFrame | None,
                     serie: str) -> Effektresultat:
    """Volume and price effects of a row for jan..`månad` of `år`.

    `kostnad`, `budget`, `kostnad_fg`: net cost per month 1..12 (costs +; None: no last year in the export).
    `volym`, `volymbudget`: år, månad, värde. Against the volume budget when it has `år`, else against the
    same period last year. A missing volume month is never filled in: the row gets no effects and a warning
    naming the months; a month with volume 0 is used as it is, with a warning.
    """
    m = list(range(1, månad + 1))
    v = månadsserie(volym, år)
    vb = månadsserie(volymbudget, år)
    varningar: list[str] = []
    saknas = saknade_månader(v, månad)
    if saknas:
        return Effektresultat("", None, [
            f"{namn}: volymserien '{serie}' saknar {_månader(saknas, år)}; volym- och priseffekt räknas inte "
            "(en saknad månad gissas inte)"])
    nollor = [x for x in m if v[x] == 0]
    if nollor:
        varningar.append(f"{namn}: volymen i '{serie}' är 0 i {_månader(nollor, år)}; kostnaden de månaderna "
                         "räknas in i kostnaden per enhet för perioden")
    utan_rader = [x for x in m if pd.isna(kostnad.get(x))]
    if utan_rader:
        return Effektresultat("", None, varningar + [
            f"{namn}: exporten har inga rader för {_månader(utan_rader, år)}; volym- och priseffekt räknas inte"])
    V = float(v[m].sum())
    K = float(kostnad[m].sum())
    if vb.notna().any():
        saknas_b = saknade_månader(vb, månad)
        if saknas_b:
            return Effektresultat("budget", None, varningar + [
                f"{namn}: volymbudgeten saknar {_månader(saknas_b, år)}; volym- och priseffekt räknas inte"])
        jmf, K0, V0 = "budget", float(budget[m].sum()), float(vb[m].sum())
    else:
        vfg = månadsserie(volym, år - 1)
        saknas_fg = saknade_månader(vfg, månad)
        if kostnad_fg is None or saknas_fg:
            orsak = (f"volymserien saknar {_månader(saknas_fg, år - 1)}" if saknas_fg
                     else f"exporten har inget utfall för {år - 1}")
            return Effektresultat("", None, varningar + [
                f"{namn}: ingen volymbudget för {år} och {orsak}; volym- och priseffekt räknas inte"])
        if kostnad_fg[m].isna().any():
            saknas_k = [x for x in m if pd.isna(kostnad_fg.get(x))]
            return Effektresultat("", None, varningar + [
                f"{namn}: exporten har inga rader för {_månader(saknas_k, år - 1)}; volym- och priseffekt räknas inte"])
        jmf, K0, V0 = "fg_år", float(kostnad_fg[m].sum()), float(vfg[m].sum())
    e = dela_upp(K, K0, V, V0)
    if e is None:
        vad = "volymbudgeten" if jmf == "budget" else f"volymen {år - 1}"
        return Effektresultat(jmf, None, varningar + [
            f"{namn}: {vad} är 0 för perioden, så det finns inget pris att värdera volymen med; "
            "volym- och priseffekt räknas inte"])
    if V == 0:
        varningar.append(f"{namn}: volymen är 0 för hela perioden; hela kostnaden redovisas som priseffekt")
    return Effektresultat(jmf, e, varningar)


@dataclass
class KoppladVolym:
    """A report row linked to a loaded volume series ([[ekonomi.volymkoppling]], read by the api)."""

    rad: str  # row id in the mapping
    serie: str
    volym: pd.DataFrame  # år, månad, värde
    budget: pd.DataFrame | None = None  # år, månad, värde: the volume budget
    enhet: str = "enheter"
    per: str = "enhet"
    namn: str | None = None
    källa: str = ""
