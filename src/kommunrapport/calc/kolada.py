"""The comparison with other municipalities: pure calculations on Kolada's values (no I/O).

Per key figure and year: the kommun's value, the comparison group's unweighted mean (as Kolada's own group
averages, "ovägt medel"), lowest and highest value and how many of the group have a value, and Riket's value.
"""

from __future__ import annotations

import pandas as pd

RIKET = "0000"
ANTAL_ÅR = 5

KOLUMNER = ["kpi", "år", "kommun", "medel", "lägst", "högst", "antal", "riket"]


def jämförelse(värden: pd.DataFrame, kommun: str, grupp: list[str], år: list[int] | None = None,
               antal_år: int = ANTAL_ÅR) -> pd.DataFrame:
    """One row per KPI and year: kommun, medel, lägst, högst, antal (the group's values) and riket.

    `värden` is tidy (kpi, kommun, år, värde). The years are `år` if given, else per KPI the last
    `antal_år` years in which the kommun, the group or Riket has a value. A missing value stays NaN
    (never 0): the mean is over the members that have a value, and `antal` says how many. A year without
    any value is left out."""
    rader = []
    gruppmängd = set(grupp) - {kommun, RIKET}
    for kpi in dict.fromkeys(värden["kpi"]):
        v = värden[värden["kpi"] == kpi]
        relevant = v[v["kommun"].isin(gruppmängd | {kommun, RIKET})]
        kpi_år = sorted(int(a) for a in (år if år else relevant["år"].unique()))
        if not år:
            kpi_år = kpi_år[-antal_år:]
        for a in kpi_år:
            i_år = v[v["år"] == a]
            egen = i_år.loc[i_år["kommun"] == kommun, "värde"]
            riket = i_år.loc[i_år["kommun"] == RIKET, "värde"]
            g = i_år.loc[i_år["kommun"].isin(gruppmängd), "värde"].dropna()
            if egen.empty and riket.empty and g.empty:
                continue  # a year asked for ([kolada] ar) without any value: no empty row
            rader.append({
                "kpi": kpi, "år": a,
                "kommun": float(egen.iloc[0]) if len(egen) else float("nan"),
                "medel": float(g.mean()) if len(g) else float("nan"),
                "lägst": float(g.min()) if len(g) else float("nan"),
                "högst": float(g.max()) if len(g) else float("nan"),
                "antal": int(len(g)),
                "riket": float(riket.iloc[0]) if len(riket) else float("nan"),
            })
    return pd.DataFrame(rader, columns=KOLUMNER)


def decimaler(värden: pd.Series) -> int:
    """How many decimals a key figure is shown with: none when every value is 100 or more (kronor), else one."""
    v = pd.to_numeric(värden, errors="coerce").dropna()
    return 0 if len(v) and (v.abs() >= 100).all() else 1
