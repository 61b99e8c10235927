"""Investment exports (år, månad, projekt, utfall, budget, prognos) for the report to kommunstyrelsen."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from ..errors import Plats
from .headers import härledd_typ
from .ledger import Tecken, läs_lång

INVESTERINGAR = {
    "projekt": ("projekt", "investering", "investeringsprojekt", "objekt", "verksamhet"),
    "utfall": ("utfall", "utfall kr", "bokfört"),
    "budget": ("budget", "budget kr"),
    "prognos": ("prognos", "helårsprognos"),
}


@dataclass
class Investeringar:
    data: pd.DataFrame  # år, månad, projekt, utfall, budget, prognos (result sign: spending −)
    varningar: list[str] = field(default_factory=list)


def _är_summarad(projekt: str) -> bool:
    kind = härledd_typ(projekt)
    return kind is not None and kind[0] == "summa"


def läs_investeringar(sökväg: str | Path, tecken: Tecken = Tecken.KOSTNAD_POSITIV, blad: str | None = None,
                      decimaltecken: str | None = None) -> Investeringar:
    """Investments per project and month; total rows in the file are checked, not counted twice.
    `decimaltecken` is [ekonomi]'s: what a dot in an amount means."""
    df, tabell = läs_lång(sökväg, INVESTERINGAR, ["utfall", "budget", "prognos"], ["projekt"],
                          ("projekt", "utfall", "budget"), blad, negativa=True, sektion="ekonomi",
                          decimaltecken=decimaltecken)
    for c in ("utfall", "budget", "prognos"):
        if c not in df:
            df[c] = np.nan
    if tecken == Tecken.KOSTNAD_POSITIV:
        df[["utfall", "budget", "prognos"]] *= -1
    summa = df["projekt"].map(_är_summarad)
    varningar: list[str] = list(tabell.varningar)
    delar = df[~summa]
    for r in df[summa].itertuples():
        g = delar[(delar["år"] == r.år) & (delar["månad"] == r.månad)]
        for c in ("utfall", "budget", "prognos"):
            tryckt, beräknat = getattr(r, c), g[c].sum(min_count=1)
            if pd.notna(tryckt) and pd.notna(beräknat) and abs(tryckt - beräknat) > 1.0:
                varningar.append(f"{Plats(tabell.fil, tabell.blad, int(cast(int, r.källrad)))}: '{r.projekt}' {c} är "
                                 f"{abs(tryckt):,.0f} kr men projekten summerar till {abs(beräknat):,.0f} kr; "
                                 "summaraden räknas inte med".replace(",", " "))
    return Investeringar(delar.reset_index(drop=True), varningar)
