"""Loading the volume datasets into monthly series with their definitions.

Every dataset becomes a `Volymdata`: a tidy frame of series (serie, år, månad, värde) and, per
series, its kind (flöde, bestånd, takt, andel, resultat: how it combines over a period), its unit,
the decimals to print and which total it is a "varav" of; plus the ratios the report shows (andel
utförda, kr per vårddygn, …). Long exports and report-shaped tables (see series.py) both load. The
kind of a named series is read from its name and unit (Swedish words: antal, brukare, timmar, per
dag, kr, mnkr, % …) or from [volymer.slag]; when nothing tells, loading stops and says how to declare it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from ..calc import volymer as vc
from ..calc.volymer import Slag, summeras
from ..errors import IndataFel, IngenRubrikrad, KommunrapportFel, Plats
from ..formatting import decimaler_för, tal, talformat
from ..model import area
from ..model.period import MÅNADER
from .ledger import läs_lång
from .series import VARAV, Serier, läs_serier

# --- what a series is: its kind (slag) and unit, from its name and unit ---------------------------------

ANDELSORD = re.compile(r"%|\bandel|\bprocent|täckningsgrad|beläggningsgrad|kvot\b")
TAKTORD = re.compile(r"(/|\bper\s+)(kalender|vardag)?(dag|dygn)\b")
# 'X per Y' / 'X/Y' where Y is no period of time (per månad, /år are flows in that period; per dag a takt)
KVOTORD = re.compile(r"(/|\bper\s+)(?!(kalender|vardag)?(dag|dygn|månad|mån|år|vecka|kvartal|tertial)\b)[a-zåäö]")
RESULTATORD = re.compile(r"resultat|avvikelse|överskott|underskott")
PENGAR = re.compile(r"\b(mnkr|tkr|kr|kronor|msek|tsek|sek)\b|\(kr\)")
FLÖDESORD = ("timmar", "timme", "tim ", "dygn", "utbetalt", "utbetalning", "kostnad", "intäkt", "besök", "insatser",
             "beslut", "ansökningar", "anmälningar", "utredningar", "inflöde", "nya ")
BESTÅNDSORD = ("brukare", "pågående", "belagda", "platser", "placerade", "hushåll", "personer", "ärenden",
               "barn", "boende", "inskrivna", "aktuella", "klienter", "elever", "deltagare", "antal")
# Units, in the order they are looked for in a name: the first that fits is the series' unit.
ENHETSORD: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(m), e) for m, e in (
    (r"\bmnkr\b|\bmsek\b|miljoner kronor", "mnkr"),
    (r"\btkr\b|\btsek\b|tusen kronor", "tkr"),
    (r"%|\bprocent\b", "%"),
    (r"\bkr\b|\bkronor\b|\bsek\b", "kr"),
    (r"\btim(mar|me)?\s*(/|per)\s*(kalender)?dag\b", "timmar per dag"),
    (r"(/|\bper\s+)(kalender)?dag\b", "per dag"),
    (r"\btim(mar|me)?\b", "timmar"),
    (r"vårddygn|placeringsdygn", "vårddygn"),
    (r"dygn", "dygn"),
    (r"brukare", "brukare"),
    (r"hushåll", "hushåll"),
    (r"placerade|personer|individer|\bbarn\b", "personer"),
    (r"platser", "platser"),
    (r"ärenden", "ärenden"),
    (r"beslut", "beslut"),
    (r"besök", "besök"),
    (r"\bandel\b", "%"),
    (r"\bantal\b", "antal"),
))
PENGAENHETER = ("mnkr", "tkr", "kr")
RÄKNEENHETER = ("brukare", "hushåll", "personer", "platser", "ärenden", "beslut", "besök", "antal", "dygn", "vårddygn")
SLAGHJÄLP = "flöde, bestånd, takt, andel eller resultat"


def gissa_slag(text: str) -> Slag | None:
    """The kind a name or unit says, or None: andel (%), takt (per dag), resultat, then flöde words
    (timmar, dygn, kronor …) before bestånd words (brukare, hushåll, antal …), so that 'Antal
    vårddygn' is a flöde and 'Antal brukare' a bestånd."""
    n = f" {text.lower()} "
    if ANDELSORD.search(n):
        return "andel"
    if TAKTORD.search(n):
        return "takt"
    if KVOTORD.search(n):  # kr per vårddygn, timmar per brukare: a ratio per month is averaged, never summed
        return "bestånd"
    if RESULTATORD.search(n):
        return "resultat"
    if PENGAR.search(n) or any(w in n for w in FLÖDESORD):
        return "flöde"
    if any(w in n for w in BESTÅNDSORD):
        return "bestånd"
    return None


def gissa_enhet(text: str) -> str:
    """The unit a name or heading names ('Utbetalt (kr)' → kr, 'Resultat mnkr' → mnkr), or ''."""
    n = text.lower()
    return next((e for m, e in ENHETSORD if m.search(n)), "")


def decimaler_i(values: pd.Series | np.ndarray) -> int:
    """How many decimals the numbers were given with (0 for whole numbers, at most 4)."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    for d in range(0, 5):
        if np.allclose(v * 10**d, np.round(v * 10**d), atol=1e-6):
            return d
    return 4


def visningsdecimaler(slag: str, enhet: str, givna: int) -> int:
    """Decimals to print: amounts in mnkr and tkr keep those they were given (at least one), kronor and
    counts are whole numbers, a rate has one; anything else keeps what it was given (at most two)."""
    if enhet in ("mnkr", "tkr"):
        return max(givna, 1)
    if slag in ("takt", "andel"):
        return 1
    if enhet in RÄKNEENHETER or enhet == "kr":
        return 0
    return min(givna, 2)


def tolka_serie(namn: str, enhet: str = "", inställt: Mapping[str, str] | None = None) -> tuple[Slag | None, str, str]:
    """(kind, unit, how the kind was decided) for a series: '[volymer.slag]' when the configuration names
    it, 'namn' when its name tells, 'enhet' when only its unit does; kind None when nothing does."""
    enhet = enhet or gissa_enhet(namn)
    if inställt and (s := inställt.get(namn.lower().strip())):
        return cast("Slag", s), enhet, "[volymer.slag]"
    if (s := gissa_slag(namn)) is not None:
        return s, enhet, "namn"
    if enhet and (s := gissa_slag(enhet)) is not None:
        return s, enhet, "enhet"
    return None, enhet, ""


def titelns_slag(titel: str) -> Slag | None:
    """The kind a table's title names when its rows do not ('Placerade barn och unga 2024' over the rows HVB,
    Familjehem, SiS): only when the title points to one kind (not 'Timmar och brukare')."""
    if not titel:
        return None
    n = f" {titel.lower()} "
    slag = {s for s, ja in (("andel", bool(ANDELSORD.search(n))), ("takt", bool(TAKTORD.search(n))),
                             ("resultat", bool(RESULTATORD.search(n))),
                             ("flöde", bool(PENGAR.search(n)) or any(w in n for w in FLÖDESORD)),
                             ("bestånd", any(w in n for w in BESTÅNDSORD))) if ja}
    return cast("Slag", slag.pop()) if len(slag) == 1 else None


def okänt_slag(namn: str, plats: Plats) -> IndataFel:
    return IndataFel(f"serien '{namn}': varken namnet eller enheten säger vad serien är ({SLAGHJÄLP}); "
                     f"ange det i konfigurationen under [volymer.slag], t.ex. \"{namn}\" = \"bestånd\"", plats)


@dataclass(frozen=True)
class Seriedef:
    """A series: its kind (how it combines over months, see calc.volymer), unit, the total it is a
    'varav' of, the decimals to print and how the kind was decided (`källa`)."""

    namn: str
    slag: Slag
    enhet: str = ""  # timmar, kr, mnkr, dygn, brukare, hushåll, % …
    varav_av: str | None = None
    diagram: bool = False
    per_dag: bool = False
    decimaler: int = 0  # of a monthly value and of a sum; a mean has at least one
    källa: str = "exportens kolumner"  # namn | enhet | [volymer.slag] | varav av X | exportens kolumner

    def __post_init__(self) -> None:
        if self.varav_av is not None and self.källa == "exportens kolumner":
            object.__setattr__(self, "källa", f"varav av {self.varav_av}")

    @property
    def format(self) -> str:
        """The cell format of a monthly value or a sum (see model.table)."""
        return "procent" if self.slag == "andel" else talformat(self.decimaler)

    @property
    def medelformat(self) -> str:
        """The cell format of a mean (årssnitt, medel per månad): at least one decimal (kronor: whole kronor)."""
        if self.slag == "andel":
            return "procent"
        return talformat(self.decimaler if self.enhet == "kr" else max(self.decimaler, 1))

    @property
    def periodformat(self) -> str:
        """The format of the value over a period: a sum keeps the monthly format, a mean has a decimal."""
        return self.format if summeras(self.slag) else self.medelformat

    @property
    def visad_enhet(self) -> str:
        return "%" if self.slag == "andel" else self.enhet


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
    anteckningar: list[str] = field(default_factory=list)  # inferences shown by validera (the year from the title …)
    _delar: tuple[pd.DataFrame, dict[str, pd.DataFrame]] | None = field(default=None, init=False, repr=False,
                                                                      compare=False)
    _uppslag: tuple[pd.DataFrame, dict[str, vc.Månadsserie]] | None = field(default=None, init=False, repr=False,
                                                                           compare=False)

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
        """One series (år, månad, värde), a copy. The frame is split by series once (a report asks for each
        series hundreds of times), and again if `serier` is replaced."""
        if self._delar is None or self._delar[0] is not self.serier:
            delar = {str(k): g[["år", "månad", "värde"]] for k, g in self.serier.groupby("serie", sort=False)}
            self._delar = (self.serier, delar)
        del_ = self._delar[1].get(namn)
        return (del_ if del_ is not None else self.serier.iloc[0:0][["år", "månad", "värde"]]).copy()

    def månadsserie(self, namn: str) -> vc.Månadsserie:
        """One series as a lookup (år, månad) → värde (calc.volymer.Månadsserie), made once per series."""
        if self._uppslag is None or self._uppslag[0] is not self.serier:
            s = self.serier
            if s["värde"].dtype != np.float64:  # a hand-made frame: each series from its frame
                alla = {str(n): vc.Månadsserie(self.serie(str(n))) for n in pd.unique(s["serie"])}
            else:  # every series from the columns at once
                år, mån, värde = s["år"].to_numpy(), s["månad"].to_numpy(), s["värde"].to_numpy()
                alla = {str(n): vc.Månadsserie.av_kolumner(år[i], mån[i], värde[i])
                        for n, i in s.groupby("serie", sort=False).indices.items()}
            self._uppslag = (s, alla)
        ms = self._uppslag[1].get(namn)
        if ms is None:
            ms = self._uppslag[1][namn] = vc.Månadsserie(self.serie(namn))
        return ms

    def definition(self, namn: str) -> Seriedef:
        return next(d for d in self.definitioner if d.namn == namn)


def _summera(df: pd.DataFrame, mått: str, namn: str, filter_: pd.Series | None = None) -> pd.DataFrame:
    """Monthly total of a measure. A month where any contributing line is blank has no total (it is
    then reported as missing) rather than a silently smaller one."""
    år, mån, v = df["år"].to_numpy(), df["månad"].to_numpy(), df[mått].to_numpy()
    if filter_ is not None:  # the rows of a filter made from the frame's columns: the arrays filtered, not the frame
        if filter_.dtype != bool or not filter_.index.equals(df.index):
            return _summera_pandas(df[filter_], mått, namn)
        f = filter_.to_numpy()
        år, mån, v = år[f], mån[f], v[f]
    if len(v) and år.dtype == mån.dtype == np.int64 and v.dtype == np.float64 and mån.min() >= 1 and mån.max() <= 12:
        # pandas' group sum over the months numbered once with numpy (the same sums, rows in the same order:
        # the groupby on two columns costs more than the sums); the counts with bincount
        nycklar, grupp = np.unique(år * 13 + mån, return_inverse=True)  # sorted by (år, månad)
        hela = np.bincount(grupp, weights=~np.isnan(v), minlength=len(nycklar)) == np.bincount(
            grupp, minlength=len(nycklar))
        summa = pd.Series(v).groupby(grupp).sum().to_numpy()
        return pd.DataFrame({"serie": namn, "år": nycklar[hela] // 13, "månad": nycklar[hela] % 13,
                             "värde": summa[hela]})
    return _summera_pandas(df if filter_ is None else df[filter_], mått, namn)


def _summera_pandas(d: pd.DataFrame, mått: str, namn: str) -> pd.DataFrame:
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
        defs.append(Seriedef("Brukare", "bestånd", "brukare", diagram=True))
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
            defs.append(Seriedef(pl, "bestånd", "personer", diagram=True))
            for ins in insatser:  # varav per insats: a stock, so a mean over a period like its total
                pn = f"Placerade {ins} ({mg.lower()})"
                parts.append(_summera(df, "placerade", pn, i_mg & (df["insats"] == ins)))
                defs.append(Seriedef(pn, "bestånd", "personer", varav_av=pl))
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
    """Ekonomiskt bistånd: utbetalt, optionally hushåll, långvariga hushåll, barn and beslutsorsak (a file
    with payments but without households loads too: the ratios per household are then left out)."""
    df, tabell = läs_lång(sökväg, BISTÅND, ["utbetalt", "hushåll", "långvariga", "barn"], ["beslutsorsak"],
                     ("utbetalt",), blad, kolumner, decimaltecken=decimaltecken)
    parts = [_summera(df, "utbetalt", "Utbetalt (kr)")]
    defs = [Seriedef("Utbetalt (kr)", "flöde", "kr", diagram=True)]
    kvoter = []
    staplar = []
    anteckningar = []
    if "hushåll" in df and df["hushåll"].notna().any():
        parts.append(_summera(df, "hushåll", "Hushåll"))
        defs.append(Seriedef("Hushåll", "bestånd", "hushåll", diagram=True))
        kvoter.append(Kvotdef("Utbetalt per hushåll och månad (kr)", "Utbetalt (kr)", "Hushåll", "heltal"))
        if "långvariga" in df and df["långvariga"].notna().any():
            parts.append(_summera(df, "långvariga", "- varav långvariga hushåll"))
            defs.append(Seriedef("- varav långvariga hushåll", "bestånd", "hushåll", varav_av="Hushåll"))
            kvoter.append(Kvotdef("Andel långvariga hushåll", "- varav långvariga hushåll", "Hushåll"))
    else:
        anteckningar.append("filen har inga hushåll: utbetalt per hushåll och andel långvariga redovisas inte")
        if "långvariga" in df and df["långvariga"].notna().any():
            parts.append(_summera(df, "långvariga", "Långvariga hushåll"))
            defs.append(Seriedef("Långvariga hushåll", "bestånd", "hushåll"))
    if "barn" in df and df["barn"].notna().any():
        parts.append(_summera(df, "barn", "Barn i hushållen"))
        defs.append(Seriedef("Barn i hushållen", "bestånd", "personer"))
    if "beslutsorsak" in df:
        orsaker = [o for o in pd.unique(df["beslutsorsak"]) if o]
        for o in orsaker:
            namn = f"- varav utbetalt, {o.lower()}"
            parts.append(_summera(df, "utbetalt", namn, df["beslutsorsak"] == o))
            defs.append(Seriedef(namn, "flöde", "kr", varav_av="Utbetalt (kr)"))
        staplar.append(("Utbetalt per beslutsorsak (kr)", [(o, f"- varav utbetalt, {o.lower()}") for o in orsaker]))
    return Volymdata(area.BISTÅND.namn, pd.concat(parts, ignore_index=True), defs, kvoter, staplar,
                     varningar=list(tabell.varningar), källa=str(sökväg), anteckningar=anteckningar)


# --- any named monthly series ------------------------------------------------------------------------

SERIE_LÅNG = {"serie": ("serie", "mått", "nyckeltal", "namn", "serienamn"),
              "värde": ("värde", "varde", "antal", "utfall", "belopp"),
              "område": ("område", "omrade", "verksamhetsområde"), "enhet": ("enhet",)}


def _definitioner(namn_och_förälder: list[tuple[str, str | None]], data: pd.DataFrame, plats: Plats,
                  slag: Mapping[str, str], enheter: Mapping[str, str], diagram: bool = True, titel: str = "",
                  ) -> tuple[list[Seriedef], list[KommunrapportFel]]:
    """Each series' definition: kind and unit from [volymer.slag], the name or the unit, else from the
    table's title when it names one kind only; a varav row takes its total's. A kind nothing decides is an
    error that says how to declare it."""
    defs: dict[str, Seriedef] = {}
    fel: list[KommunrapportFel] = []
    for namn, förälder in namn_och_förälder:
        givna = decimaler_i(data.loc[data["serie"] == namn, "värde"])
        if förälder is not None and förälder in defs:
            total = defs[förälder]
            defs[namn] = Seriedef(namn, total.slag, total.enhet, förälder, False, False,
                                  total.decimaler if total.slag == "andel" else
                                  visningsdecimaler(total.slag, total.enhet, givna), f"varav av {förälder}")
            continue
        s, enhet, källa = tolka_serie(namn, enheter.get(namn, ""), slag)
        if s is None and (t := titelns_slag(titel)) is not None:  # 'Placerade barn och unga 2024' over HVB, SiS …
            s, enhet, källa = t, enhet or gissa_enhet(titel), "titeln"
        if s is None:
            fel.append(okänt_slag(namn, plats))
            continue
        defs[namn] = Seriedef(namn, s, enhet, förälder, diagram and förälder is None, False,
                              visningsdecimaler(s, enhet, givna), källa)
    return list(defs.values()), fel


def _andelar_som_bråk(data: pd.DataFrame, defs: list[Seriedef]) -> tuple[pd.DataFrame, list[str]]:
    """Shares are held as fractions (0,853) so that every output shows them as percent; a share given in
    percent (85,3, or its unit is %) is divided by 100, and the note says so."""
    data = data.copy()
    noter = []
    for d in defs:
        if d.slag != "andel":
            continue
        i = data["serie"] == d.namn
        v = data.loc[i, "värde"]
        if d.enhet == "%" or (v.abs() > 1.5).any():
            data.loc[i, "värde"] = v / 100
            noter.append(f"'{d.namn}' är en andel i procent: läses som {d.enhet or '%'} och visas i procent")
    return data, noter


def läs_volymfil(sökväg: str | Path, slag: Mapping[str, str] | None = None, blad: str | None = None,
                 område: str | None = None) -> list[Volymdata]:
    """Named monthly series from a report-shaped table, or from the long generic shape (Serie or Mått,
    År, Månad, Värde, optionally Område and Enhet): one `Volymdata` per area (a long file with a column
    Område gives one per area, in the file's order)."""
    try:
        return läs_långa_serier(sökväg, slag, blad, område)
    except IngenRubrikrad:
        pass
    return läs_rapportserier(läs_serier(sökväg, blad), slag, område)


def _slagnycklar(slag: Mapping[str, str] | None) -> dict[str, str]:
    return {k.lower().strip(): ("bestånd" if v == "stock" else v) for k, v in (slag or {}).items()}


def läs_långa_serier(sökväg: str | Path, slag: Mapping[str, str] | None = None, blad: str | None = None,
                     område: str | None = None) -> list[Volymdata]:
    """The long generic shape: Serie (or Mått), År, Månad, Värde, optionally Område and Enhet; raises
    IngenRubrikrad when the file has no such header."""
    lång, tabell = läs_lång(sökväg, SERIE_LÅNG, ["värde"], ["serie", "område", "enhet"], ("serie", "värde"), blad,
                            negativa=True)
    return _lång_generisk(lång, tabell, sökväg, _slagnycklar(slag), område)


def läs_rapportserier(serier: Serier, slag: Mapping[str, str] | None = None, område: str | None = None,
                      ) -> list[Volymdata]:
    """The series of a report-shaped table (see series.läs_serier) with their kinds and units."""
    slag = _slagnycklar(slag)
    sökväg = serier.tabell.fil
    varningar = list(serier.varningar)
    ordning = serier.data.drop_duplicates("serie")
    namn_och_förälder = [(str(n), None if pd.isna(f) else str(f)) for n, f in zip(ordning["serie"], ordning["varav_av"])]
    titelenhet = next((e for t in serier.tabell.titlar if (e := gissa_enhet(t)) in (*PENGAENHETER, "%")), "")
    enheter = {n: titelenhet for n, _ in namn_och_förälder if titelenhet and not gissa_enhet(n)}
    defs, fel = _definitioner(namn_och_förälder, serier.data, Plats(str(sökväg), serier.tabell.blad), slag, enheter,
                              titel=serier.tabell.titlar[0] if serier.tabell.titlar else "")
    if fel:
        raise IndataFel.samla(fel)
    data, noter = _andelar_som_bråk(serier.data[["serie", "år", "månad", "värde"]], defs)
    titel = område or (serier.tabell.titlar[0] if serier.tabell.titlar else Path(sökväg).stem.replace("_", " "))
    anteckningar = [*serier.anteckningar, *noter]
    if titelenhet and enheter:
        anteckningar.append(f"enheten {titelenhet} är tagen ur titeln för {', '.join(enheter)}")
    return [Volymdata(titel, data, defs, varningar=varningar, källa=str(sökväg), anteckningar=anteckningar)]


def _lång_generisk(lång: pd.DataFrame, tabell, sökväg: str | Path, slag: Mapping[str, str],
                   område: str | None) -> list[Volymdata]:
    plats = Plats(str(sökväg), tabell.blad)
    if "område" not in lång:
        lång["område"] = ""
    if "enhet" not in lång:
        lång["enhet"] = ""
    lång = lång.dropna(subset=["värde"])
    ut: list[Volymdata] = []
    fel: list[KommunrapportFel] = []
    for omr in pd.unique(lång["område"]):
        d = lång[lång["område"] == omr].copy()
        # a varav row belongs to the series on the line above it that is no varav; the same label under
        # two totals becomes 'label (total)'
        total: str | None = None
        föräldrar: list[str | None] = []
        for namn in d["serie"]:
            if VARAV.match(namn) and total is not None:
                föräldrar.append(total)
            else:
                total = namn
                föräldrar.append(None)
        d["varav_av"] = föräldrar
        per_etikett = d.dropna(subset=["varav_av"]).groupby("serie")["varav_av"].nunique()
        flera = d["serie"].isin(set(per_etikett[per_etikett > 1].index)) & d["varav_av"].notna()
        d.loc[flera, "serie"] = d.loc[flera, "serie"] + " (" + d.loc[flera, "varav_av"] + ")"
        data = d.groupby(["serie", "år", "månad"], sort=False)["värde"].sum().reset_index()
        enheter = {str(n): str(e) for n, e in d.drop_duplicates("serie")[["serie", "enhet"]].itertuples(index=False) if e}
        namn_och_förälder = [(str(n), None if pd.isna(f) else str(f))
                             for n, f in d.drop_duplicates("serie")[["serie", "varav_av"]].itertuples(index=False)]
        defs, f = _definitioner(namn_och_förälder, data, plats, slag, enheter)
        fel += f
        if f:
            continue
        data, noter = _andelar_som_bråk(data[["serie", "år", "månad", "värde"]], defs)
        rubrik = str(omr) if omr else (område or Path(sökväg).stem.replace("_", " "))
        ut.append(Volymdata(rubrik, data, defs, varningar=list(tabell.varningar) if not ut else [],
                            källa=str(sökväg), anteckningar=noter))
    if fel:
        raise IndataFel.samla(fel)
    return ut


def läs_volymserier(sökväg: str | Path, slag: Mapping[str, str] | None = None, blad: str | None = None,
                    område: str | None = None) -> Volymdata:
    """Named monthly series of one area (see läs_volymfil; a file with several areas is an error here)."""
    alla = läs_volymfil(sökväg, slag, blad, område)
    if len(alla) != 1:
        raise IndataFel(f"filen har {len(alla)} områden ({', '.join(v.område for v in alla)}); läs den med "
                        "läs_volymfil", Plats(str(sökväg)))
    return alla[0]


MÅNADSORD = re.compile(r"\b(januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december)\b",
                       re.IGNORECASE)


def _rubrik_utan_år(rubrik: str) -> str:
    """'Volymuppföljning hemtjänst december 2023' → 'Volymuppföljning hemtjänst'."""
    t = MÅNADSORD.sub(" ", re.sub(r"\b(19[5-9]\d|20\d\d)\b", " ", rubrik))
    t = re.sub(r"\s+", " ", t).strip(" –-,:")
    return t or rubrik


def _med_fil(d: Volymdata) -> list[str]:
    """The notes of one file of an area read from several, each with its file's name (once)."""
    if ", " in d.källa:  # already merged: its notes name their files
        return list(d.anteckningar)
    return [f"{Path(d.källa).name}: {x}" for x in d.anteckningar]


def slå_ihop_år(data: list[Volymdata]) -> list[Volymdata]:
    """One file per year of the same area ('Hemtjänst 2023', 'Hemtjänst 2024'): files with the same series
    and no year in common become one area, so that the years can be compared. Its heading is the latest
    file's title without the year; the series' kinds and units must agree (else an error that names both)."""
    ut: list[Volymdata] = []
    for d in data:
        namn = {x.namn for x in d.definitioner}
        år = set(d.serier["år"].unique())
        m = next((u for u in ut if {x.namn for x in u.definitioner} == namn
                  and not år & set(u.serier["år"].unique())), None)
        if m is None:
            ut.append(d)
            continue
        for x in d.definitioner:
            y = m.definition(x.namn)
            if (x.slag, x.enhet, x.varav_av) != (y.slag, y.enhet, y.varav_av):
                raise IndataFel(f"serien '{x.namn}' är {y.slag} ({y.enhet or 'utan enhet'}) i {m.källa} men {x.slag} "
                                f"({x.enhet or 'utan enhet'}) i {d.källa}; ange slaget under [volymer.slag]",
                                Plats(d.källa))
        senaste = d if max(år) > m.serier["år"].max() else m
        defs = [dataclasses.replace(y, decimaler=max(y.decimaler, d.definition(y.namn).decimaler))
                for y in senaste.definitioner]
        ny = Volymdata(_rubrik_utan_år(senaste.område), pd.concat([m.serier, d.serier], ignore_index=True), defs,
                       senaste.kvoter, senaste.staplar, [*m.varningar, *d.varningar], f"{m.källa}, {d.källa}",
                       [*_med_fil(m), *_med_fil(d),
                        f"{m.källa} och {d.källa} har samma serier och läses som ett område (ett år per fil)"])
        ut[ut.index(m)] = ny
    return ut


def varav_över_total(d: Volymdata) -> list[str]:
    """The months where the varav rows of a flöde or a bestånd add up to more than their total (shown by
    validera and in the report)."""
    ut = []
    for df in d.definitioner:
        namn = [x.namn for x in d.definitioner if x.varav_av == df.namn]
        if namn and df.slag in ("flöde", "bestånd"):
            dec = decimaler_för(df.format) or 0
            total, delar = d.månadsserie(df.namn), [d.månadsserie(n) for n in namn]
            if total.dubbletter or any(x.dubbletter for x in delar):
                över = vc.varav_över_total(total.frame, [x.frame for x in delar]).to_dict("records")
            else:
                över = vc.varav_över(total, delar)
            for r in över:
                ut.append(f"varav-raderna under '{df.namn}' är {tal(r['summa_varav'], dec)} för "
                          f"{MÅNADER[int(r['månad']) - 1]} {int(r['år'])}, mer än totalen {tal(r['total'], dec)}")
    return ut


def _månadsintervall(månader: list[int]) -> str:
    """[4, 5, …, 12] → 'april–december'; [2, 5] → 'februari, maj'."""
    delar: list[list[int]] = []
    for m in sorted(månader):
        if delar and m == delar[-1][-1] + 1:
            delar[-1].append(m)
        else:
            delar.append([m])
    return ", ".join(MÅNADER[d[0] - 1] if len(d) == 1 else f"{MÅNADER[d[0] - 1]}–{MÅNADER[d[-1] - 1]}" for d in delar)


def saknade_månader(d: Volymdata, år: int | None = None, månad: int | None = None) -> list[str]:
    """The months without a value, one line per series and year with the months as ranges ('april–december
    2023'). The report: every month of earlier years and jan..`månad` of `år`. validera (no `år`): the
    gaps in each series' months, and in the latest year the months the other series have, so a paper with
    jan–mar of last year is no gap, and a blank cell in between is."""
    if d.serier.empty:
        return []
    per_år = d.serier.groupby("år")["månad"].max()
    sista_i_året = {int(cast("int", y)): int(m) for y, m in zip(per_år.index, per_år.to_numpy())}
    senaste_år = max(sista_i_året)
    ut = []
    for df in d.definitioner:
        s = d.månadsserie(df.namn)
        for y in [y for y in s.år() if år is None or y <= år]:
            if år is None or månad is None:  # validera: gaps, and the latest months the other series have
                till = sista_i_året[int(y)] if y == senaste_år else s.sista_månad(y)
            else:
                till = 12 if y < år else månad
            saknas = s.saknade_månader(int(y), till)
            if saknas:
                ut.append(f"'{df.namn}' saknar värde för {_månadsintervall(saknas)} {y}; perioder som omfattar "
                          f"{'månaden' if len(saknas) == 1 else 'månaderna'} redovisas inte")
    return ut
