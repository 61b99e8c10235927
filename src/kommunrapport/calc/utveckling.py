"""Ekonomisk utveckling: the nämnd's accumulated net cost per month of the whole year.

Pure: takes the tidy ledger (result sign, see calc.ekonomi) and returns kronor with costs positive, as the
committee reads a net cost. Rows are the months 1..12; this year's outcome is NaN after the report month,
last year's from its first month without ledger rows (a year that stops is not a year without costs).

- budget      = budget_y(jan..m), known for all twelve months
- utfall_fg   = utfall_{y−1}(jan..m)
- utfall      = utfall_y(jan..m), for the closed months m ≤ report month
- budget_i_balans   = budget_y(jan..m) / utfall_{y−1}(jan..m) − 1 (all twelve months)
- förändring_mot_fg = utfall_y(jan..m) / utfall_{y−1}(jan..m) − 1 (closed months)
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from ..input.mapping import Verksamhetsträd
from ..model.period import MÅNADSNUMMER
from .ekonomi import TOTAL, månadsvärden


def ackumulerad_nettokostnad(ledger: pd.DataFrame, träd: Verksamhetsträd, år: int, kolumn: str,
                             rad: str = TOTAL) -> pd.Series:
    """Accumulated net cost (costs +) of one report row per month 1..12; NaN from the first month of the
    year that has no ledger rows at all."""
    månadsvis = cast(pd.Series, -månadsvärden(ledger, träd, år, kolumn).loc[rad, MÅNADSNUMMER])  # one row
    ack = månadsvis.astype(float).cumsum()
    finns = set(ledger.loc[ledger["år"] == år, "månad"])
    saknas = [m for m in MÅNADSNUMMER if m not in finns]
    if saknas:
        ack[ack.index >= saknas[0]] = np.nan
    return ack


def ekonomisk_utveckling(ledger: pd.DataFrame, träd: Verksamhetsträd, år: int, månad: int) -> pd.DataFrame:
    """The table Ekonomisk utveckling for the whole nämnd (see the module docstring), index = months 1..12."""
    budget = ackumulerad_nettokostnad(ledger, träd, år, "budget")
    utfall = ackumulerad_nettokostnad(ledger, träd, år, "utfall")
    utfall[utfall.index > månad] = np.nan
    if (ledger["år"] == år - 1).any():
        fg = ackumulerad_nettokostnad(ledger, träd, år - 1, "utfall")
    else:
        fg = pd.Series(np.nan, index=MÅNADSNUMMER, dtype=float)
    nämnare = fg.where(fg != 0)
    return pd.DataFrame({
        "budget": budget,
        "utfall_fg": fg,
        "utfall": utfall,
        "budget_i_balans": budget / nämnare - 1,
        "förändring_mot_fg": utfall / nämnare - 1,
    }, index=pd.Index(MÅNADSNUMMER, name="månad"))
