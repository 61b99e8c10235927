"""The ekonomi report's explaining parts, as data (no I/O): Ekonomisk utveckling, the volume and price
effects of the rows linked to a volume series, and the forecast proposal with its track record.

`bygg_förklaring` computes them from the ledger; `förklaringstabeller` turns them into Tabellvy (the
Markdown and Word reports, the annex and the JSON all show those).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import pandas as pd

from ..calc import effekter as eff
from ..calc import prognosforslag as pf
from ..calc.ekonomi import TOTAL, månadsvärden
from ..calc.utveckling import ekonomisk_utveckling
from ..formatting import avrunda, mnkr, tal
from ..input.mapping import Verksamhetsträd
from ..model.period import MÅNADER_KORT, MÅNADSNUMMER, Period, kort_period
from ..model.table import Tabellvy, bladnamn, slug

MILJON = 1e6


@dataclass
class Radeffekt:
    """The volume and price effects of one linked row."""

    rad: str  # row id
    rubrik: str
    namn: str  # in the sentence
    serie: str
    enhet: str
    per: str
    resultat: eff.Effektresultat

    @property
    def filnamn_del(self) -> str:
        return slug(self.rad) or "rad"


@dataclass
class Förklaring:
    utveckling: pd.DataFrame | None = None  # kr, see calc.utveckling
    effekter: list[Radeffekt] = field(default_factory=list)
    förslag: dict[str, pf.Förslag] = field(default_factory=dict)  # row id (and TOTAL) -> proposal
    backtest: pd.DataFrame | None = None  # rad, år, månad, metod, prognos, utfall, fel (kr)
    varningar: list[str] = field(default_factory=list)  # volume months missing or 0, …: in the report's warnings
    prognosvarningar: list[str] = field(default_factory=list)  # the controller's forecast outside the range


def _nettokostnad(ledger: pd.DataFrame, träd: Verksamhetsträd, år: int, kolumn: str, till: int = 12) -> pd.DataFrame:
    """Net cost (costs +) per row and month of `år`; NaN for months without ledger rows and after `till`."""
    v = -månadsvärden(ledger, träd, år, kolumn)[MÅNADSNUMMER]
    finns = set(ledger.loc[ledger["år"] == år, "månad"])
    for m in MÅNADSNUMMER:
        if m not in finns or m > till:
            v[m] = np.nan
    return v.astype(float)


def _rad(df: pd.DataFrame, rad: str) -> pd.Series:
    return cast(pd.Series, df.loc[rad])  # one row: the row ids are unique


def _volymår(df: pd.DataFrame) -> dict[int, np.ndarray]:
    return {int(y): eff.månadsserie(df, int(y)).to_numpy(dtype=float) for y in pd.unique(df["år"])}


def bygg_förklaring(ledger: pd.DataFrame, träd: Verksamhetsträd, år: int, månad: int,
                    kopplingar: list[eff.KoppladVolym] | None = None,
                    prognosavvikelse: pd.Series | None = None, årsbudget: pd.Series | None = None) -> Förklaring:
    """Ekonomisk utveckling, the effects of the linked rows and the forecast proposal for jan..`månad`."""
    f = Förklaring(utveckling=ekonomisk_utveckling(ledger, träd, år, månad))
    år_i_data = sorted(int(y) for y in pd.unique(ledger["år"]) if int(y) <= år)
    kostnad = {y: _nettokostnad(ledger, träd, y, "utfall", månad if y == år else 12) for y in år_i_data}
    budget = {y: _nettokostnad(ledger, träd, y, "budget") for y in år_i_data}
    har_fg = (år - 1) in kostnad
    kopplingar = list(kopplingar or [])

    for k in kopplingar:
        rubrik = träd.rad(k.rad).rubrik
        namn = k.namn or rubrik
        res = eff.effekter_för_rad(namn, år, månad, _rad(kostnad[år], k.rad), _rad(budget[år], k.rad),
                                   _rad(kostnad[år - 1], k.rad) if har_fg else None, k.volym, k.budget, k.serie)
        f.varningar += res.varningar
        f.effekter.append(Radeffekt(k.rad, rubrik, namn, k.serie, k.enhet, k.per, res))

    volym = {k.rad: _volymår(k.volym) for k in kopplingar}
    delar = []
    for rad in [*träd.ids, TOTAL]:
        k_rad = {y: kostnad[y].loc[rad].to_numpy() for y in år_i_data}
        b_rad = {y: budget[y].loc[rad].to_numpy() for y in år_i_data}
        fel = pf.backtest(k_rad, b_rad, år, volym.get(rad))
        fel.insert(0, "rad", rad)
        delar.append(fel)
        f.förslag[rad] = pf.föreslå(år, månad, k_rad, b_rad, volym.get(rad), fel)
    f.backtest = pd.concat(delar, ignore_index=True)
    if f.backtest.empty:
        f.varningar.append(f"inget prognosförslag: exporten har inget helt år före {år} att pröva prognosmetoderna på")
    if prognosavvikelse is not None and årsbudget is not None:
        for rad, förslag in f.förslag.items():
            controllerns = float(årsbudget[rad] - prognosavvikelse[rad])  # net cost (costs +)
            if pf.utanför(förslag, controllerns):
                låg, hög = förslag.intervall
                text = träd.rad(rad).rubrik.removeprefix("- ") if rad != TOTAL else "Totalt"
                f.prognosvarningar.append(
                    f"{text}: controllerns prognos ({mnkr(prognosavvikelse[rad], tecken=True)} mnkr) ligger utanför "
                    f"prognosförslagets vanliga intervall ({mnkr(årsbudget[rad] - hög, tecken=True)} till "
                    f"{mnkr(årsbudget[rad] - låg, tecken=True)} mnkr, {pf.METODNAMN[förslag.metod or 'budget'].lower()})")
    return f


def mening(e: Radeffekt, år: int, månad: int) -> str:
    """The sentence the controller can keep or edit: 'Av överskottet för hemtjänsten på 2,3 mnkr förklaras
    +3,1 mnkr av färre timmar än budgeterat och −0,8 mnkr av högre kostnad per timme.' The two parts are
    rounded so that they add up to the rounded total as printed."""
    r = e.resultat.effekter
    if r is None:
        return ""
    total = avrunda(r.avvikelse / MILJON, 1)
    vol = avrunda(r.volymeffekt / MILJON, 1)
    pris = avrunda(total - vol, 1)
    period = Period(år, månad).text
    färre = "färre" if r.volym < r.volym_jmf else "fler" if r.volym > r.volym_jmf else "lika många"
    högre = ("högre" if r.pris > r.pris_jmf else "lägre" if r.pris < r.pris_jmf else "samma") if r.volym else "ingen"
    if e.resultat.jämförelse == "budget":
        slag = "överskottet" if total > 0 else "underskottet" if total < 0 else "budgetavvikelsen"
        jmf = "än budgeterat"
        början = f"Av {slag} för {e.namn} {period} {år} på {tal(abs(total), 1)} mnkr"
    else:
        slag = ("den lägre nettokostnaden" if total > 0 else "den högre nettokostnaden" if total < 0
                else "förändringen av nettokostnaden")
        jmf = f"än samma period {år - 1}"
        början = f"Av {slag} för {e.namn} {period} {år} jämfört med {år - 1}, {tal(abs(total), 1)} mnkr,"
    if högre == "ingen":
        pristext = f"{tal(pris, 1, tecken=True)} mnkr av kostnad utan volym"
    else:
        pristext = f"{tal(pris, 1, tecken=True)} mnkr av {högre} kostnad per {e.per}"
    return (f"{början} förklaras {tal(vol, 1, tecken=True)} mnkr av {färre} {e.enhet} {jmf} och {pristext}.")


def _vy(namn: str, rubrik: str, df: pd.DataFrame, format_: dict[str, str]) -> Tabellvy:
    return Tabellvy(namn, rubrik, df, None, format_)


def utvecklingstabell(u: pd.DataFrame, år: int) -> pd.DataFrame:
    """Ekonomisk utveckling in mnkr (accumulated net cost) and percent, a row per month."""
    return pd.DataFrame({
        "Månad": MÅNADER_KORT,
        f"Budget {år}": (u["budget"] / MILJON).to_numpy(),
        f"Utfall {år - 1}": (u["utfall_fg"] / MILJON).to_numpy(),
        f"Utfall {år}": (u["utfall"] / MILJON).to_numpy(),
        "Budget i balans": u["budget_i_balans"].to_numpy(),
        f"Förändring mot {år - 1}": u["förändring_mot_fg"].to_numpy(),
    })


def effekttabell(e: Radeffekt, år: int, månad: int) -> pd.DataFrame | None:
    """One linked row: the comparison, the outcome and the effects (volume, kr per unit, mnkr)."""
    r = e.resultat.effekter
    if r is None:
        return None
    kort = kort_period(månad)
    jmf = f"Budget {kort} {år}" if e.resultat.jämförelse == "budget" else f"Utfall {kort} {år - 1}"
    summa = "Budgetavvikelse" if e.resultat.jämförelse == "budget" else f"Förändring mot {år - 1}"
    nan = math.nan
    return pd.DataFrame({
        "": [jmf, f"Utfall {kort} {år}", "Skillnad och effekter (+ = bättre)"],
        f"Volym ({e.enhet})": [r.volym_jmf, r.volym, r.volym - r.volym_jmf],
        f"Kr per {e.per}": [r.pris_jmf, r.pris, r.pris - r.pris_jmf],
        "Nettokostnad": [r.kostnad_jmf / MILJON, r.kostnad / MILJON, nan],
        "Volymeffekt": [nan, nan, r.volymeffekt / MILJON],
        "Priseffekt": [nan, nan, r.priseffekt / MILJON],
        f"Summa = {summa.lower()}": [nan, nan, r.avvikelse / MILJON],
    })


def förklaringstabeller(f: Förklaring, träd: Verksamhetsträd, år: int, månad: int, nämnd: str,
                        prognosavvikelse: pd.Series | None, årsbudget: pd.Series) -> list[Tabellvy]:
    """Every table of the explaining parts (the keys are the annex's sheet names)."""
    vyer = []
    period = Period(år, månad)
    if f.utveckling is not None:
        df = utvecklingstabell(f.utveckling, år)
        fmt = {c: "tal1" for c in df.columns[1:4]} | {"Budget i balans": "procent", df.columns[5]: "procent"}
        vyer.append(_vy("Ekonomisk utveckling", f"Ekonomisk utveckling {år}, ackumulerad nettokostnad (mnkr)",
                        df, fmt))
    for e in f.effekter:
        eft = effekttabell(e, år, månad)
        if eft is None:
            continue
        fmt = {c: ("heltal" if i < 2 else "tal1") for i, c in enumerate(eft.columns[1:])}
        vyer.append(_vy(bladnamn(f"Volym och pris {e.rad}"),
                        f"Volym- och priseffekt, {e.rubrik} {period.text} {år} (mnkr)", eft, fmt))
    if f.förslag and f.backtest is not None and not f.backtest.empty:
        rader = []
        for rad, förslag in f.förslag.items():
            budget = float(årsbudget[rad])
            låg, hög = förslag.intervall
            controllerns = math.nan if prognosavvikelse is None else float(prognosavvikelse[rad]) / MILJON
            avv = (budget - förslag.prognos) / MILJON
            rader.append({
                "Verksamhet": träd.rad(rad).rubrik if rad != TOTAL else f"Totalt {nämnd}",
                "Metod": pf.METODNAMN[förslag.metod] if förslag.metod else "Budget (ingen historik att pröva på)",
                "Förslag": avv,
                "Intervall från": (budget - hög) / MILJON,
                "Intervall till": (budget - låg) / MILJON,
                "Controllerns prognos": controllerns,
                "Skillnad": controllerns - avv,
            })
        df = pd.DataFrame(rader)
        vyer.append(_vy("Prognosförslag", f"Prognosförslag helår {år}, prognosavvikelse (mnkr, + = bättre än budget)",
                        df, {c: "tal1" for c in df.columns[2:]}))
        m = metodtabell(f, månad)
        vyer.append(_vy("Prognosmetoder", "Prognosmetodernas träffsäkerhet tidigare år (mnkr)", m,
                        {c: "tal1" for c in m.columns if str(c).startswith("Medelfel")} | {"Förslag för rader": "heltal"}))
    return vyer


def metodtabell(f: Förklaring, månad: int) -> pd.DataFrame:
    """The methods' track record: for the total, the mean absolute error at the report month and over every
    month and the years tried; the mean absolute error at the report month of each row linked to a volume
    series (where volume trend × price is tried); and for how many rows each method is the proposal."""
    b = f.backtest if f.backtest is not None else pd.DataFrame(columns=["rad", "år", "månad", "metod", "fel"])
    vid = f"Medelfel vid {kort_period(månad)}"
    rader = []
    for metod in pf.METODER:
        t = b[(b["rad"] == TOTAL) & (b["metod"] == metod)]
        tm = t[t["månad"] == månad]
        rad: dict[str, object] = {
            "Metod": pf.METODNAMN[metod],
            f"{vid}, totalt": float(tm["fel"].abs().mean()) / MILJON if len(tm) else math.nan,
            "Medelfel alla månader, totalt": float(t["fel"].abs().mean()) / MILJON if len(t) else math.nan,
            "År prövade": ", ".join(str(int(y)) for y in sorted(pd.unique(t["år"]))) if len(t) else "",
        }
        for e in f.effekter:
            k = b[(b["rad"] == e.rad) & (b["metod"] == metod) & (b["månad"] == månad)]
            rad[f"{vid}, {e.namn}"] = float(k["fel"].abs().mean()) / MILJON if len(k) else math.nan
        rad["Förslag för rader"] = float(sum(1 for x in f.förslag.values() if x.metod == metod))
        rader.append(rad)
    return pd.DataFrame(rader)
