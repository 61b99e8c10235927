"""The public version of the volume report: counts of persons and households below a threshold masked.

`maskera(rapport, inställning)` is a step on the built `Volymrapport` (pure, no I/O):

1. which series are counts of persons or households is decided from each series' unit and kind
   (`maskeringsskäl`: brukare, personer, hushåll, ärenden …; a share, a rate or a result never; a series
   or unit named in [publik] maskera too) and shown in the annex's sheet Serier (column Maskering);
2. the monthly values 1 … under−1 of those series are masked, and then further monthly values so that none
   can be recomputed from its total and the other varav rows (calc.maskering.sekundära);
3. the report is built again from the data without the masked months (every period, mean, change, ratio,
   tertial, rolling year and chart that contains a masked month then has no value) and once more with the
   masked months changed (whatever depends on one changes). A cell of the report that one of these builds
   does not show the same is masked: a count below the threshold shows the mark ("<5"), every other masked
   cell "–" (it is hidden so that a masked count cannot be recomputed from it).

A masked cell holds a `Maskerad` text in the table's data frame (every renderer shows it as it is and
never a number; JSON writes null and names the masked columns); in chart data it is NaN (no point, no bar).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Hashable

import numpy as np
import pandas as pd

from ..calc.maskering import Relation, primära, sekundära
from ..input.volumes import Seriedef, Volymdata
from ..model.table import Tabellvy
from .volymer import Volymavsnitt, Volymrapport, bygg_avsnitt, med_enhet

PERSONENHETER = ("personer", "brukare", "hushåll", "barn", "placerade", "ärenden", "individer", "klienter",
                 "elever", "deltagare")
PERSONORD = re.compile(r"\b(personer|brukare|hushåll|barn|placerade|ärenden|individer|klienter|elever|deltagare|"
                       r"inskrivna|boende)\b")
STRECK = "–"


class Maskerad(str):
    """A masked cell: the text shown instead of the number ('<5', or '–' for a cell hidden because of one)."""


def maskeringsskäl(df: Seriedef, maskera: list[str]) -> str | None:
    """Why a series is masked ('antal brukare', '[publik] maskera'), or None: counts of persons and
    households are; shares, rates and results never; money and hours only when [publik] maskera names
    the series or its unit."""
    namn = {m.strip().lower() for m in maskera}
    if df.namn.strip().lower() in namn or (df.enhet and df.enhet.lower() in namn):
        return "[publik] maskera"
    if df.slag in ("andel", "takt", "resultat"):
        return None
    if df.enhet.lower() in PERSONENHETER:
        return f"antal {df.enhet.lower()}"
    if df.enhet.lower() in ("", "antal") and PERSONORD.search(df.namn.lower()):
        return "antal (namnet)"
    return None


def _maskerade_månader(d: Volymdata, under: int, maskera: list[str]) -> set[tuple[str, int, int]]:
    """The (serie, år, månad) to mask in one area: the counts below `under`, then the secondary ones."""
    skäl = {df.namn for df in d.definitioner if maskeringsskäl(df, maskera)}
    s = d.serier[d.serier["serie"].isin(skäl)]
    värden: dict[Hashable, float] = {(str(n), int(y), int(m)): float(v) for n, y, m, v in
                                     s[["serie", "år", "månad", "värde"]].itertuples(index=False)}
    relationer = []
    for total in d.definitioner:
        delar = [x.namn for x in d.definitioner if x.varav_av == total.namn and x.namn in skäl]
        if total.namn not in skäl or not delar or total.slag not in ("flöde", "bestånd"):
            continue
        for (n, y, m) in [k for k in värden if isinstance(k, tuple) and k[0] == total.namn]:
            relationer.append(Relation.summa((n, y, m), [(x, y, m) for x in delar if (x, y, m) in värden]))
    primär = primära(värden, under)
    maskerade = sekundära(värden, relationer, primär, {c: (1.0, under - 1.0) for c in primär})
    return {c for c in maskerade if isinstance(c, tuple)}


def maskera(rapport: Volymrapport, under: int = 5, markering: str | None = None,
            maskera_även: list[str] | None = None) -> Volymrapport:
    """The public version of `rapport` (see the module); `rapport` itself is left as it is."""
    märke = markering or f"<{under}"
    extra = list(maskera_även or [])
    if not rapport.underlag:
        raise ValueError("rapporten saknar sitt underlag (bygg den med bygg_volymrapport)")
    maskerade = [_maskerade_månader(d, under, extra) for d in rapport.underlag]
    # Two builds of each area with masked months: with the masked months left out (every period, mean and
    # ratio that contains one has no value) and with them changed (what depends on a masked month changes,
    # also a mean of the months there are that happens to equal the internal one). A cell is shown only
    # where both show the internal value. An area whose every value of the year is masked has no first
    # build; an area without masked months is as it is.
    avsnitt = []
    for a, d, mm in zip(rapport.avsnitt, rapport.underlag, maskerade):
        if not mm:
            avsnitt.append(a)
            continue
        utan = dataclasses.replace(d, serier=d.serier[[(str(n), int(y), int(m)) not in mm for n, y, m in
                                                       d.serier[["serie", "år", "månad"]].itertuples(index=False)]])
        byggen = [bygg_avsnitt(utan, rapport.år, rapport.månad) if (utan.serier["år"] == rapport.år).any() else None,
                  bygg_avsnitt(dataclasses.replace(d, serier=_störd(d.serier, mm)), rapport.år, rapport.månad)]
        räknade = {df.namn for df in d.definitioner if maskeringsskäl(df, extra)}
        rubriker = {med_enhet(df.namn, df.visad_enhet): df.namn for df in d.definitioner if df.namn in räknade}
        ptab = [_efter_rubrik(b.tabeller) if b is not None else {} for b in byggen]
        tabeller = [_maskera_tabell(t, [pt.get(nyckel) for pt in ptab], räknade, rubriker, under, märke)
                    for nyckel, t in _efter_rubrik(a.tabeller).items()]
        diagram = []
        for i, x in enumerate(a.diagram):
            data = _maskera_diagram(x.data, [b.diagram[i].data if b is not None and i < len(b.diagram) else None
                                             for b in byggen])
            dolda = bool((data.iloc[:, 1:].isna() & x.data.iloc[:, 1:].notna()).to_numpy().any())
            diagram.append(dataclasses.replace(x, data=data, fotnot=(
                f"Publik version: värden som är maskerade (antal under {under} och uppgifter som skulle ge dem) "
                "visas inte." if dolda else "")))
        # a warning that names a masked series or its total (varav rows above their total) stays internal
        berörda = räknade | {df.varav_av for df in d.definitioner if df.namn in räknade and df.varav_av}
        varningar = [v for v in a.varningar if not any(f"'{n}'" in v for n in berörda)]
        avsnitt.append(Volymavsnitt(a.område, a.källa, tabeller, diagram, varningar, list(a.anteckningar),
                                    set(a.varav)))
    dold = (f"; {STRECK} står för en uppgift som är dold" if märke != STRECK else ", liksom uppgifter som är dolda")
    text = (f"Publik version: antal personer, brukare och hushåll 1–{under - 1} är ersatta med {märke}{dold} "
            "för att ett sådant antal inte ska kunna räknas fram ur summor, varav-rader, andra månader eller "
            "förändringar (sekundär maskering). Belopp och timmar maskeras inte"
            + (f", utom {', '.join(extra)}" if extra else "") + ".")
    serier = _serietabell(rapport, extra, under) if rapport.serier is not None else None
    return Volymrapport(rapport.år, rapport.månad, avsnitt, serier, [], text)


def _efter_rubrik(tabeller: list[Tabellvy]) -> dict[tuple[str, int], Tabellvy]:
    """An area's tables by heading (and which of that heading: the builds name their sheets alike only
    within the whole report), in their order."""
    ut: dict[tuple[str, int], Tabellvy] = {}
    for t in tabeller:
        n = sum(1 for r, _ in ut if r == t.rubrik)
        ut[(t.rubrik, n)] = t
    return ut


STÖRNING = 1_000_003.0  # added to each masked month in the second build


def _störd(serier: pd.DataFrame, maskerade: set[tuple[str, int, int]]) -> pd.DataFrame:
    """The series with every masked month changed by STÖRNING."""
    ut = serier.copy()
    i = [(str(n), int(y), int(m)) in maskerade for n, y, m in serier[["serie", "år", "månad"]].itertuples(index=False)]
    ut.loc[i, "värde"] = ut.loc[i, "värde"] + STÖRNING
    return ut


def _lika(a: object, b: object) -> bool:
    """Whether two cells show the same: numbers as np.isclose(rtol=1e-12, atol=1e-12) (written out: it is
    asked for every cell of every build), NaN never; texts equal."""
    try:
        x, y = float(a), float(b)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return a == b
    if math.isnan(x) or math.isnan(y):
        return False
    return x == y or (math.isfinite(y) and abs(x - y) <= 1e-12 + 1e-12 * abs(y))


def _tom(v: object) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))


def _maskera_tabell(t: Tabellvy, byggen: list[Tabellvy | None], räknade: set[str], rubriker: dict[str, str],
                    under: int, märke: str) -> Tabellvy:
    """The internal table with every cell that one of the other builds (without the masked months, with
    them changed) does not show the same masked: the mark for a count below the threshold, else '–'."""
    df = t.data
    nycklar = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c].dtype) or t.kolumnformat.get(c) == "text"]
    tal = [c for c in df.columns if c not in nycklar]
    rader: list[dict[tuple, int]] = []
    for p in byggen:
        prader: dict[tuple, int] = {}
        if p is not None:
            for rad, pk in enumerate(p.data[[c for c in nycklar if c in p.data.columns]].itertuples(index=False)):
                prader.setdefault(tuple(pk) if nycklar else (rad,), rad)  # no text column: by position
        rader.append(prader)
    serie_i_tabell = rubriker.get(t.rubrik)
    ut = df.copy()
    byten: dict[tuple[int, str], str] = {}
    nyckel_per_rad = [tuple(k) for k in df[nycklar].itertuples(index=False)] if nycklar else [(i,) for i in range(len(df))]
    kolumn = {c: df[c].tolist() for c in tal}  # the cells as Python values, read once (not df.at per cell)
    mått = df["Mått"].tolist() if "Mått" in df.columns else None
    pkolumn = [{c: p.data[c].tolist() for c in tal if c in p.data.columns} if p is not None else {} for p in byggen]
    for i, k in enumerate(nyckel_per_rad):
        serie = str(mått[i]) if mått is not None else serie_i_tabell
        for c in tal:
            v = kolumn[c][i]
            if _tom(v):
                continue
            if all(_lika(v, _cell_i(pk, pr.get(k), c)) for pk, pr in zip(pkolumn, rader)):
                continue
            antal = (serie in räknade and not str(c).startswith(("Förändring", "Per dag")) and 0 < float(v) < under)
            byten[(i, c)] = märke if antal else STRECK
    if not byten:
        return t
    kolumner = {c for _, c in byten}
    format_ = dict(t.cellformat) | {(i, c): t.format(i, c) for i in range(len(df)) for c in kolumner}
    for c in kolumner:
        ut[c] = ut[c].astype(object)
    for (i, c), m in byten.items():
        ut.at[i, c] = Maskerad(m)
    return Tabellvy(t.namn, t.rubrik, ut, t.radformat, dict(t.kolumnformat), format_, t.huvudtabell)


def _cell_i(kolumner: dict[str, list], rad: int | None, kolumn: str) -> object:
    """A cell of another build (its columns as lists), NaN where it has no such row or column."""
    return kolumner[kolumn][rad] if rad is not None and kolumn in kolumner else np.nan


def _maskera_diagram(data: pd.DataFrame, byggen: list[pd.DataFrame | None]) -> pd.DataFrame:
    """Chart data: a value that one of the other builds does not show the same is NaN (no point, no bar)."""
    ut = data.copy()
    nyckel = data.columns[0]
    rader = [{} if b is None else {k: j for j, k in enumerate(b[nyckel])} for b in byggen]
    bkolumner = [{} if b is None else {c: b[c].tolist() for c in b.columns} for b in byggen]  # read once
    for c in data.columns[1:]:
        värden = data[c].tolist()
        for i, k in enumerate(data[nyckel]):
            for bk, pr in zip(bkolumner, rader):
                j = pr.get(k)
                pv = bk[c][j] if j is not None and c in bk else np.nan
                if not _lika(värden[i], pv):
                    ut.at[i, c] = np.nan
                    break
    return ut


def _serietabell(r: Volymrapport, extra: list[str], under: int) -> Tabellvy:
    """The sheet Serier with a column Maskering: whether and why each series is masked."""
    assert r.serier is not None
    defs = {(d.område, df.namn): df for d in r.underlag for df in d.definitioner}
    rader = []
    for rec in r.serier.data.to_dict("records"):
        df = defs.get((rec["Område"], rec["Serie"]))
        if df is None:
            skäl = "kvot: visas inte när täljaren eller nämnaren har en maskerad månad"
        elif (s := maskeringsskäl(df, extra)) is not None:
            skäl = f"ja, {s}: 1–{under - 1} maskeras"
        else:
            skäl = f"nej ({df.slag}{', ' + df.visad_enhet if df.visad_enhet else ''})"
        rader.append({**rec, "Maskering": skäl})
    return Tabellvy(r.serier.namn, r.serier.rubrik, pd.DataFrame(rader, columns=[*r.serier.data.columns, "Maskering"]))


def till_intern(r: Volymrapport, tillägg: str = "_intern") -> Volymrapport:
    """The internal version written beside a public one: the same report, its charts named '…_intern.png'."""
    avsnitt = [dataclasses.replace(a, diagram=[dataclasses.replace(d, filnamn=d.filnamn.removesuffix(".png") + tillägg + ".png")
                                               for d in a.diagram]) for a in r.avsnitt]
    return dataclasses.replace(r, avsnitt=avsnitt)

