"""Rapport till kommunstyrelsen (jan–apr, jan–aug, jan–dec): intäkter, kostnader, nettokostnader and
nettoinvesteringar in mnkr, in the layouts of the kommun's reporting instruction.

Jan–apr and jan–aug: Budget period | Utfall period | Budgetavvikelse period | Budgetavvikelse same
period last year | Budget helår | Prognos helår | Årsprognos budgetavvikelse.
Jan–dec: Budget | Utfall | Budgetavvikelse | Utfall last year | Budgetavvikelse last year |
Prognos vid rapport jan–aug | Prognosavvikelse (utfall − that forecast).
All amounts in the result sign: revenue +, costs and investments −.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..calc import ekonomi as calc
from ..errors import IndataFel
from ..input.investments import Investeringar
from ..model.period import KS_MÅNADER, MÅNADER_KORT, Period, kort_period
from ..model.table import Tabellvy
from .ekonomi import MILJON, TECKENVARNING


@dataclass
class KSRapport:
    nämnd: str
    år: int
    månad: int
    tabeller: list[Tabellvy]
    varningar: list[str]
    prognoser: dict[str, float] = field(default_factory=dict)  # kr, helårsprognos per KS line (for the history)

    @property
    def period(self) -> Period:
        """The report period: jan..månad of år."""
        return Period(self.år, self.månad)


def bygg_ks_rapport(ledger: pd.DataFrame, år: int, månad: int, nämnd: str = "Nämnden",
                    prognos_aug: dict[str, float] | None = None, investeringar: Investeringar | None = None,
                    varningar: list[str] | None = None) -> KSRapport:
    """The KS tables from the mapped ledger (see report.koppla_rader). `prognos_aug` is the helårsprognos
    per KS line given at the jan–aug report (from the history), for the jan–dec version."""
    if månad not in KS_MÅNADER:
        raise IndataFel(f"rapporten till kommunstyrelsen görs för jan–apr, jan–aug och jan–dec, inte t.o.m. "
                        f"{MÅNADER_KORT[månad - 1]} (ange --month apr, aug eller dec)")
    varningar = list(varningar or [])
    if float(ledger.loc[ledger["år"] == år, "budget"].sum()) > 0:  # result sign: a net cost is negative
        varningar.append(TECKENVARNING)
    ks = calc.ks_tabell(ledger, år, månad)
    if investeringar is not None and len(investeringar.data):
        inv = investeringar.data.assign(typ=None, rad=investeringar.data["projekt"], verksamhet=investeringar.data["projekt"], konto="")
        i = calc.ks_tabell(inv, år, månad).iloc[[0]]
        i.index = ["Verksamhetens nettoinvesteringar"]
        ks = pd.concat([ks, i])
        varningar += investeringar.varningar
    p = kort_period(månad)
    if månad < 12:
        cols = {
            "budget_period": f"Budget {p} {år}", "utfall_period": f"Utfall {p} {år}",
            "avvikelse_period": f"Budgetavvikelse {p} {år}", "avvikelse_period_fg_år": f"Budgetavvikelse {p} {år - 1}",
            "budget_helår": f"Budget helår {år}", "prognos_helår": f"Prognos helår {år}",
            "prognosavvikelse": f"Årsprognos budgetavvikelse {år}",
        }
        t = ks[list(cols)].rename(columns=cols)
    else:
        prognos = pd.Series({k: (prognos_aug or {}).get(k, np.nan) for k in ks.index})
        if prognos_aug is None:
            varningar.append(f"prognosen vid rapporten jan–aug {år} finns inte i historiken; kör "
                             f"'kommunrapport kör --month {år}-08' först, så kan prognosavvikelsen räknas")
        t = pd.DataFrame({
            f"Budget {år}": ks["budget_period"], f"Utfall {år}": ks["utfall_period"],
            f"Budgetavvikelse {år}": ks["avvikelse_period"], f"Utfall {år - 1}": ks["utfall_period_fg_år"],
            f"Budgetavvikelse {år - 1}": ks["avvikelse_period_fg_år"],
            f"Prognos vid rapport jan–aug {år}": prognos, "Prognosavvikelse": ks["utfall_period"] - prognos,
        }, index=ks.index)
    t = t / MILJON
    t.insert(0, "", t.index)
    drift = t[t[""] != "Verksamhetens nettoinvesteringar"].reset_index(drop=True)
    tabeller = [Tabellvy("Driftredovisning", f"Driftredovisning {p} {år} (mnkr)", drift, None,
                         {c: "tal1" for c in drift.columns[1:]} | {"": "text"})]
    netto = drift[drift[""] == "Verksamhetens nettokostnader"]
    if len(drift) == 3 and len(netto):
        summa = drift.iloc[0, 1:].astype(float) + drift.iloc[1, 1:].astype(float)
        diff = (netto.iloc[0, 1:].astype(float) - summa).abs()
        for c in diff[diff > 0.05].index:
            varningar.append(f"{c}: nettokostnaderna är inte intäkterna + kostnaderna")
    inv = t[t[""] == "Verksamhetens nettoinvesteringar"].reset_index(drop=True)
    if len(inv):
        tabeller.append(Tabellvy("Investeringar", f"Investeringsredovisning {p} {år} (mnkr)", inv, None,
                                 {c: "tal1" for c in inv.columns[1:]} | {"": "text"}))
    return KSRapport(nämnd, år, månad, tabeller, varningar, {str(k): float(v) for k, v in ks["prognos_helår"].items()})
