"""Pure calculations over the tidy ledger (see validation.py): no I/O, no formatting.

All amounts are in kronor in the result sign convention (revenue +, costs −), so a budget
deviation is utfall − budget and positive means better than budget. Tables are indexed by report
row id in report order, with the nämnd total last under TOTAL. Months are the columns 1..12;
months after the report month are NaN, never 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..input.mapping import Verksamhetsträd
from ..model.period import MÅNADSNUMMER

TOTAL = "total"


def månadsvärden(ledger: pd.DataFrame, träd: Verksamhetsträd, år: int, kolumn: str) -> pd.DataFrame:
    """Sum of `kolumn` per report row (own codes + descendants) and month; total last."""
    d = ledger[ledger["år"] == år]
    leaf = d.groupby(["rad", "månad"])[kolumn].sum().unstack("månad")
    leaf = leaf.reindex(index=träd.ids, columns=MÅNADSNUMMER).fillna(0.0)
    return rulla_upp(leaf, träd)


def summeringsmatris(träd: Verksamhetsträd) -> np.ndarray:
    """(rows + 1) × rows of 0/1: row i sums its own and its descendants' leaf values; the last row
    (TOTAL) sums every top-level row's subtree, i.e. every row once."""
    pos = {rid: j for j, rid in enumerate(träd.ids)}
    m = np.zeros((len(träd.ids) + 1, len(träd.ids)))
    for i, rid in enumerate(träd.ids):
        m[i, [pos[r] for r in träd.delträd(rid)]] = 1.0
    m[-1, [pos[r] for top in träd.toppnivå() for r in träd.delträd(top)]] = 1.0
    return m


def rulla_upp(leaf: pd.DataFrame, träd: Verksamhetsträd) -> pd.DataFrame:
    """Each row = its own values + all descendants'; TOTAL = sum of the top-level rows."""
    leaf = leaf.reindex(träd.ids).fillna(0.0)
    summor = summeringsmatris(träd) @ leaf.to_numpy(dtype=float)
    return pd.DataFrame(summor, index=[*träd.ids, TOTAL], columns=leaf.columns)


def ackumulera(månadsvis: pd.DataFrame, till_månad: int = 12) -> pd.DataFrame:
    """Year to date per month (jan..m); months after `till_månad` are NaN."""
    ack = månadsvis[MÅNADSNUMMER].cumsum(axis=1)
    ack.loc[:, [m for m in MÅNADSNUMMER if m > till_månad]] = np.nan
    return ack


def ackumulerad_avvikelse(ledger: pd.DataFrame, träd: Verksamhetsträd, år: int, till_månad: int) -> pd.DataFrame:
    """Accumulated budget deviation (utfall − budget) per row and month through `till_månad`."""
    avvikelse = månadsvärden(ledger, träd, år, "utfall") - månadsvärden(ledger, träd, år, "budget")
    return ackumulera(avvikelse, till_månad)


def årsbelopp(ledger: pd.DataFrame, träd: Verksamhetsträd, år: int, kolumn: str) -> pd.Series:
    """Sum over all twelve months (årsbudget for 'budget', helårsprognos for 'prognos')."""
    return månadsvärden(ledger, träd, år, kolumn)[MÅNADSNUMMER].sum(axis=1)


def periodbelopp(ledger: pd.DataFrame, träd: Verksamhetsträd, år: int, till_månad: int, kolumn: str) -> pd.Series:
    """Sum over jan..`till_månad`."""
    return månadsvärden(ledger, träd, år, kolumn)[list(range(1, till_månad + 1))].sum(axis=1)


PROGNOSNYCKEL = ["verksamhet", "konto"]  # a ledger line: a forecast is given (or not) per code and account


def koder_utan_prognos(ledger: pd.DataFrame, år: int) -> list[str]:
    """Verksamhet codes with at least one account that has no prognos value at all in `år`."""
    d = ledger[ledger["år"] == år]
    has = d["prognos"].notna().groupby([d[k] for k in PROGNOSNYCKEL]).any()
    return sorted(set(has[~has].index.get_level_values(0)))


def prognosavvikelse(ledger: pd.DataFrame, träd: Verksamhetsträd, år: int) -> pd.Series:
    """Annual forecast deviation per row = helårsprognos − årsbudget (+ is better).

    The helårsprognos is the sum of the prognos column over the year. A ledger line with no prognos
    at all is taken as forecast = budget (deviation 0); see koder_utan_prognos to warn about it.
    """
    d = ledger[ledger["år"] == år]
    per_leaf = (effektiv_prognos(d) - d["budget"]).groupby(d["rad"]).sum()
    leaf = pd.DataFrame({1: per_leaf}).reindex(träd.ids).fillna(0.0)
    return rulla_upp(leaf, träd)[1]


def effektiv_prognos(ledger_ett_år: pd.DataFrame) -> pd.Series:
    """Prognos per ledger line of one year: blank counts as 0 where the line (verksamhet and konto) has a
    forecast in other months, but a line with no prognos at all follows its budget (no deviation forecast)."""
    d = ledger_ett_år
    has = d["prognos"].notna().groupby([d[k] for k in PROGNOSNYCKEL]).transform("any")
    return d["prognos"].where(has, d["budget"]).fillna(0.0)


def andel(del_: pd.Series, helhet: float) -> pd.Series:
    """Share of a whole, NaN when the whole is 0."""
    if helhet == 0:
        return del_ * np.nan
    return del_ / helhet


def förändring(nu: pd.Series | float, förut: pd.Series | float) -> pd.Series | float:
    """nu / förut − 1; NaN where förut is 0."""
    if isinstance(förut, pd.Series):
        return nu / förut.replace(0, np.nan) - 1
    return nu / förut - 1 if förut else np.nan


def nyckeltal(ledger: pd.DataFrame, träd: Verksamhetsträd, år: int, till_månad: int) -> pd.DataFrame:
    """Key figures per row for jan..m: net cost, budget, deviation, budget consumed, change on last year.

    Net cost and budget are shown as costs positive (as the committee reads them).
    """
    utfall = -periodbelopp(ledger, träd, år, till_månad, "utfall")
    budget = -periodbelopp(ledger, träd, år, till_månad, "budget")
    årsbudget = -årsbelopp(ledger, träd, år, "budget")
    # Without last year's months in the export the comparison is empty, never 0 (which would read as a
    # year without costs).
    har_fg = bool(((ledger["år"] == år - 1) & (ledger["månad"] <= till_månad)).any())
    utfall_fg = (-periodbelopp(ledger, träd, år - 1, till_månad, "utfall") if har_fg
                 else pd.Series(np.nan, index=utfall.index))
    return pd.DataFrame({
        "nettokostnad": utfall,
        "budget_period": budget,
        "budgetavvikelse": budget - utfall,
        "årsbudget": årsbudget,
        "förbrukat_av_periodbudget": utfall / budget.replace(0, np.nan),
        "förbrukat_av_årsbudget": utfall / årsbudget.replace(0, np.nan),
        "nettokostnad_fg_år": utfall_fg,
        "förändring_mot_fg_år": förändring(utfall, utfall_fg),
        "budget_i_balans": förändring(budget, utfall_fg),
    })


KS_RADER = {"intäkt": "Verksamhetens intäkter", "kostnad": "Verksamhetens kostnader", None: "Verksamhetens nettokostnader"}


def ks_tabell(ledger: pd.DataFrame, år: int, till_månad: int) -> pd.DataFrame:
    """The table to kommunstyrelsen: intäkter, kostnader, nettokostnader (result sign: costs −).

    Columns: budget_period, utfall_period, avvikelse_period, avvikelse_period_fg_år,
    budget_helår, prognos_helår, prognosavvikelse. Without a revenue/cost split only the net row.
    """
    split = ledger["typ"].notna().all()
    groups = ["intäkt", "kostnad", None] if split else [None]
    rows = {}
    for typ in groups:
        sel = ledger["typ"].eq(typ) if typ else pd.Series(True, index=ledger.index)
        nu = ledger[sel & (ledger["år"] == år)]
        fg = ledger[sel & (ledger["år"] == år - 1) & (ledger["månad"] <= till_månad)]
        nu_p = nu[nu["månad"] <= till_månad]
        budget_p = nu_p["budget"].sum()
        utfall_p = nu_p["utfall"].sum()
        budget_år = nu["budget"].sum()
        prognos = effektiv_prognos(ledger[ledger["år"] == år]).loc[nu.index].sum()
        rows[KS_RADER[typ]] = {
            "budget_period": budget_p,
            "utfall_period": utfall_p,
            "avvikelse_period": utfall_p - budget_p,
            "avvikelse_period_fg_år": fg["utfall"].sum() - fg["budget"].sum() if len(fg) else np.nan,
            "utfall_period_fg_år": fg["utfall"].sum() if len(fg) else np.nan,
            "budget_helår": budget_år,
            "prognos_helår": prognos,
            "prognosavvikelse": prognos - budget_år,
        }
    return pd.DataFrame(rows).T
