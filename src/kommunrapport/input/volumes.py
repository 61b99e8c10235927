"""Loading the volume datasets into monthly series with their definitions.

Every dataset becomes a `Volymdata`: a tidy frame of series (serie, år, månad, värde) and, per
series, how it combines over a period (flöde or stock), its unit and which total it is a "varav"
of; plus the ratios the report shows (andel utförda, kr per vårddygn, …). Long exports and
report-shaped tables (see layouts.py) both load.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..calc.volymer import Slag
from ..errors import IndataFel, IngenRubrikrad, Plats
from ..model import area
from .ledger import läs_lång
from .series import läs_serier

FLÖDESORD = ("timmar", "timme", "dygn", "kr", "utbetalt", "kostnad", "besök", "insatser", "beslut", "ansökningar")
STOCKORD = ("brukare", "pågående", "belagda", "platser", "placerade", "hushåll", "personer", "ärenden",
            "antal barn", "boende")


@dataclass(frozen=True)
class Seriedef:
    namn: str
    slag: Slag
    enhet: str = ""  # timmar, kr, dygn, personer, hushåll …
    varav_av: str | None = None
    diagram: bool = False
    per_dag: bool = False


@dataclass(frozen=True)
class Kvotdef:
    namn: str
    täljare: str
    nämnare: str
    format: str = "procent"  # procent | heltal | tal1


@dataclass
class Volymdata:
    område: str  # section title: Hemtjänst, Placeringar, …
    serier: pd.DataFrame  # serie, år, månad, värde
    definitioner: list[Seriedef]
    kvoter: list[Kvotdef] = field(default_factory=list)
    staplar: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)  # (title, [(label, series)])
    varningar: list[str] = field(default_factory=list)
    källa: str = ""

    def __post_init__(self) -> None:
        """Report order: every 'varav' series right after the series it is part of."""
        top = [d for d in self.definitioner if d.varav_av is None]
        ordnade = []
        for d in top:
            ordnade.append(d)
            ordnade += [v for v in self.definitioner if v.varav_av == d.namn]
        ordnade += [d for d in self.definitioner if d not in ordnade]
        self.definitioner = ordnade

    def serie(self, namn: str) -> pd.DataFrame:
        return self.serier[self.serier["serie"] == namn][["år", "månad", "värde"]]

    def definition(self, namn: str) -> Seriedef:
        return next(d for d in self.definitioner if d.namn == namn)


def gissa_slag(namn: str) -> Slag | None:
    n = namn.lower()
    if any(w in n for w in FLÖDESORD):
        return "flöde"
    if any(w in n for w in STOCKORD):
        return "stock"
    return None


def _summera(df: pd.DataFrame, mått: str, namn: str, filter_: pd.Series | None = None) -> pd.DataFrame:
    """Monthly total of a measure. A month where any contributing line is blank has no total (it is
    then reported as missing) rather than a silently smaller one."""
    d = df if filter_ is None else df[filter_]
    g = d.groupby(["år", "månad"])[mått]
    total = g.sum().where(g.count() == g.size())
    out = total.dropna().rename("värde").reset_index()
    return out.assign(serie=namn)[["serie", "år", "månad", "värde"]]


PRIVAT = ("privat", "priv", "lov", "extern", "entreprenad", "upphandlad")
EGEN = ("egen", "kommunal", "egen regi", "intern")


# --- hemtjänst --------------------------------------------------------------------------------------

HEMTJÄNST = {
    "beviljade": ("beviljade timmar", "beviljade", "beviljad tid", "beviljade tim"),
    "utförda": ("utförda timmar", "utförda", "utförd tid", "utförda tim"),
    "brukare": ("brukare", "antal brukare"),
    "regi": ("regi", "driftform"),
    "utförare": ("utförare", "enhet", "leverantör"),
}


def läs_hemtjänst(sökväg: str | Path, blad: str | None = None, kolumner: dict[str, str] | None = None,
                  decimaltecken: str | None = None) -> Volymdata:
    """Home care: beviljade/utförda timmar and brukare per month, optionally per utförare and regi."""
    df, tabell = läs_lång(sökväg, HEMTJÄNST, ["beviljade", "utförda", "brukare"], ["regi", "utförare"],
                     ("beviljade", "utförda"), blad, kolumner, decimaltecken=decimaltecken)
    parts = [_summera(df, "beviljade", "Beviljade timmar"), _summera(df, "utförda", "Utförda timmar")]
    defs = [Seriedef("Beviljade timmar", "flöde", "timmar", diagram=True, per_dag=True),
            Seriedef("Utförda timmar", "flöde", "timmar", diagram=True, per_dag=True)]
    kvoter = [Kvotdef("Andel utförda av beviljade timmar", "Utförda timmar", "Beviljade timmar")]
    if "brukare" in df and df["brukare"].notna().any():
        parts.append(_summera(df, "brukare", "Brukare"))
        defs.append(Seriedef("Brukare", "stock", "personer", diagram=True))
        kvoter.append(Kvotdef("Beviljade timmar per brukare och månad", "Beviljade timmar", "Brukare", "tal1"))
    if "regi" in df:
        regi = df["regi"].str.lower().str.strip()
        privat = regi.map(lambda r: any(r.startswith(p) for p in PRIVAT))
        egen = regi.map(lambda r: any(r.startswith(p) for p in EGEN))
        okända = sorted(set(df.loc[~privat & ~egen, "regi"]))
        if okända:
            raise IndataFel(f"okänd regi: {', '.join(repr(o) for o in okända)}; skriv 'egen regi' eller 'privat' "
                            "(även LOV, extern, entreprenad)", Plats(str(sökväg)))
        egen_namn, privat_namn = "- varav utförda i egen regi", "- varav utförda av privata utförare"
        parts.append(_summera(df, "utförda", egen_namn, ~privat))
        parts.append(_summera(df, "utförda", privat_namn, privat))
        defs += [Seriedef(egen_namn, "flöde", "timmar", varav_av="Utförda timmar"),
                 Seriedef(privat_namn, "flöde", "timmar", varav_av="Utförda timmar")]
        kvoter.append(Kvotdef("Andel privata utförare av utförda timmar", privat_namn, "Utförda timmar"))
    return Volymdata(area.HEMTJÄNST.namn, pd.concat(parts, ignore_index=True), defs, kvoter,
                     varningar=list(tabell.varningar), källa=str(sökväg))


# --- placeringar ------------------------------------------------------------------------------------

PLACERINGAR = {
    "vårddygn": ("vårddygn", "placeringsdygn", "dygn", "antal vårddygn"),
    "placerade": ("placerade", "antal placerade", "antal"),
    "kostnad": ("kostnad (kr)", "kostnad", "kostnad kr", "belopp"),
    "målgrupp": ("målgrupp", "grupp"),
    "insats": ("insats", "placeringstyp", "typ", "placeringsform"),
}


def läs_placeringar(sökväg: str | Path, blad: str | None = None, kolumner: dict[str, str] | None = None,
                    decimaltecken: str | None = None) -> Volymdata:
    """Placements: vårddygn, placerade and kostnad per month, per målgrupp and insats."""
    df, tabell = läs_lång(sökväg, PLACERINGAR, ["vårddygn", "placerade", "kostnad"], ["målgrupp", "insats"],
                     ("vårddygn",), blad, kolumner, decimaltecken=decimaltecken)
    if "målgrupp" not in df:
        df["målgrupp"] = "Alla"
    if "insats" not in df:
        df["insats"] = ""
    parts, defs, kvoter, staplar = [], [], [], []
    for mg in pd.unique(df["målgrupp"]):
        i_mg = df["målgrupp"] == mg
        vd, pl, ko = f"Vårddygn {mg.lower()}", f"Placerade {mg.lower()}", f"Kostnad {mg.lower()}"
        parts.append(_summera(df, "vårddygn", vd, i_mg))
        defs.append(Seriedef(vd, "flöde", "dygn", diagram=True))
        insatser = [i for i in pd.unique(df.loc[i_mg, "insats"]) if i]
        for ins in insatser:
            namn = f"- varav {ins} ({mg.lower()})"
            parts.append(_summera(df, "vårddygn", namn, i_mg & (df["insats"] == ins)))
            defs.append(Seriedef(namn, "flöde", "dygn", varav_av=vd))
        if insatser:
            staplar.append((f"Vårddygn per insats, {mg.lower()}", [(i, f"- varav {i} ({mg.lower()})") for i in insatser]))
        if "placerade" in df and df.loc[i_mg, "placerade"].notna().any():
            parts.append(_summera(df, "placerade", pl, i_mg))
            defs.append(Seriedef(pl, "stock", "personer", diagram=True))
        if "kostnad" in df and df.loc[i_mg, "kostnad"].notna().any():
            parts.append(_summera(df, "kostnad", ko, i_mg))
            defs.append(Seriedef(ko, "flöde", "kr"))
            kvoter.append(Kvotdef(f"Kostnad per vårddygn, {mg.lower()} (kr)", ko, vd, "heltal"))
            for ins in insatser:
                kn = f"Kostnad {ins} ({mg.lower()})"
                parts.append(_summera(df, "kostnad", kn, i_mg & (df["insats"] == ins)))
                defs.append(Seriedef(kn, "flöde", "kr", varav_av=ko))
                kvoter.append(Kvotdef(f"Kostnad per vårddygn, {ins} ({mg.lower()}) (kr)", kn,
                                      f"- varav {ins} ({mg.lower()})", "heltal"))
    return Volymdata(area.PLACERINGAR.namn, pd.concat(parts, ignore_index=True), defs, kvoter, staplar,
                     varningar=list(tabell.varningar), källa=str(sökväg))


# --- ekonomiskt bistånd -----------------------------------------------------------------------------

BISTÅND = {
    "utbetalt": ("utbetalt (kr)", "utbetalt", "utbetalt kr", "belopp", "utbetalning"),
    "hushåll": ("hushåll", "antal hushåll"),
    "långvariga": ("långvariga hushåll", "långvariga", "långvarigt bistånd"),
    "barn": ("barn", "antal barn"),
    "beslutsorsak": ("beslutsorsak", "orsak", "försörjningshinder"),
}


def läs_bistånd(sökväg: str | Path, blad: str | None = None, kolumner: dict[str, str] | None = None,
                decimaltecken: str | None = None) -> Volymdata:
    """Ekonomiskt bistånd: utbetalt, hushåll, optionally långvariga hushåll, barn and beslutsorsak."""
    df, tabell = läs_lång(sökväg, BISTÅND, ["utbetalt", "hushåll", "långvariga", "barn"], ["beslutsorsak"],
                     ("utbetalt", "hushåll"), blad, kolumner, decimaltecken=decimaltecken)
    parts = [_summera(df, "utbetalt", "Utbetalt (kr)"), _summera(df, "hushåll", "Hushåll")]
    defs = [Seriedef("Utbetalt (kr)", "flöde", "kr", diagram=True), Seriedef("Hushåll", "stock", "hushåll", diagram=True)]
    kvoter = [Kvotdef("Utbetalt per hushåll och månad (kr)", "Utbetalt (kr)", "Hushåll", "heltal")]
    staplar = []
    if "långvariga" in df and df["långvariga"].notna().any():
        parts.append(_summera(df, "långvariga", "- varav långvariga hushåll"))
        defs.append(Seriedef("- varav långvariga hushåll", "stock", "hushåll", varav_av="Hushåll"))
        kvoter.append(Kvotdef("Andel långvariga hushåll", "- varav långvariga hushåll", "Hushåll"))
    if "barn" in df and df["barn"].notna().any():
        parts.append(_summera(df, "barn", "Barn i hushållen"))
        defs.append(Seriedef("Barn i hushållen", "stock", "personer"))
    if "beslutsorsak" in df:
        orsaker = [o for o in pd.unique(df["beslutsorsak"]) if o]
        for o in orsaker:
            namn = f"- varav utbetalt, {o.lower()}"
            parts.append(_summera(df, "utbetalt", namn, df["beslutsorsak"] == o))
            defs.append(Seriedef(namn, "flöde", "kr", varav_av="Utbetalt (kr)"))
        staplar.append(("Utbetalt per beslutsorsak (kr)", [(o, f"- varav utbetalt, {o.lower()}") for o in orsaker]))
    return Volymdata(area.BISTÅND.namn, pd.concat(parts, ignore_index=True), defs, kvoter, staplar,
                     varningar=list(tabell.varningar), källa=str(sökväg))


# --- any named monthly series ------------------------------------------------------------------------

SERIE_LÅNG = {"serie": ("serie", "mått", "nyckeltal", "namn"), "värde": ("värde", "antal", "utfall", "varde")}


def läs_volymserier(sökväg: str | Path, slag: Mapping[str, Slag] | None = None, blad: str | None = None,
                    område: str | None = None) -> Volymdata:
    """Named monthly series from a report-shaped table (or a long file with serie, år, månad, värde)."""
    slag = {k.lower(): v for k, v in (slag or {}).items()}
    try:
        lång, tabell = läs_lång(sökväg, SERIE_LÅNG, ["värde"], ["serie"], ("serie", "värde"), blad, negativa=True)
    except IngenRubrikrad:
        pass
    else:
        data = lång.dropna(subset=["värde"]).groupby(["serie", "år", "månad"], sort=False)["värde"].sum().reset_index()
        defs: list[Seriedef] = []
        varningar: list[str] = list(tabell.varningar)
        for namn in pd.unique(data["serie"]):
            defs.append(Seriedef(namn, slag.get(namn.lower()) or gissa_slag(namn) or "flöde", "", diagram=True))
        return Volymdata(område or Path(sökväg).stem.replace("_", " "), data[["serie", "år", "månad", "värde"]],
                         defs, varningar=varningar, källa=str(sökväg))
    serier = läs_serier(sökväg, blad)
    defs, varningar = [], list(serier.varningar)
    for namn in pd.unique(serier.data["serie"]):
        rows = serier.data[serier.data["serie"] == namn]
        s = slag.get(namn.lower()) or gissa_slag(namn)
        if s is None:
            s = "flöde"
            varningar.append(f"{sökväg}: serien '{namn}' antas vara ett flöde (summeras över perioden); "
                             "ange slag = stock i konfigurationen om den ska medelvärdesberäknas")
        elif s not in ("flöde", "stock"):  # from a caller of the API that does not check its types
            raise IndataFel(f"slag för serien '{namn}' ska vara flöde eller stock, inte '{s}'", Plats(str(sökväg)))
        defs.append(Seriedef(namn, s, "", varav_av=rows["varav_av"].iloc[0], diagram=rows["varav_av"].isna().all()))
    data = serier.data[["serie", "år", "månad", "värde"]]
    titel = område or (serier.tabell.titlar[0] if serier.tabell.titlar else Path(sökväg).stem.replace("_", " "))
    return Volymdata(titel, data, defs, varningar=varningar, källa=str(sökväg))
