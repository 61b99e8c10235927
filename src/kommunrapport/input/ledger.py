"""Validating a budget-outcome export (long shape) into a tidy ledger frame.

Vectorised: a million rows are checked column by column, never row by row in Python. Every
problem is reported with file, sheet, row and column, in Swedish.

The tidy ledger has one row per export row with the columns
    år, månad, verksamhet, konto, typ, utfall, budget, prognos, källrad
in the *result* sign convention: revenue positive, costs negative, so that
budgetavvikelse = utfall − budget is positive when the result is better than budget.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from ..errors import IndataFel, IngenRubrikrad, KommunrapportFel, Plats
from ..model.period import MÅNADER, år_och_månad
from .files import Tabell, läs_tabell, årtal_i_bladnamn
from .headers import (
    ACK,
    KRÄVS_I_RUBRIK,
    SYNONYMER,
    Tecken,
    Värden,
    härledd_typ,
    kolumnkarta,
    månadsrubrik,
    normalisera_rubrik,
)
from .numbers import (
    första_tvetydiga,
    har_decimalkomma,
    procentceller,
    punktens_betydelse,
    tolka_tal,
    utan_tusentalspunkter,
)
from .series import Kontroll, _enhet, _kontroll_kolumn, _kontrollera_summarad

MAX_FEL_PER_KOLUMN = 10


@dataclass
class Huvudbok:
    """A validated budget-outcome export."""

    data: pd.DataFrame
    tabell: Tabell
    kodkolumn: str = "verksamhet"
    varningar: list[str] = field(default_factory=list)
    # (codes, distinct values) of text columns of `data`, filled by the reader or on first use (kodning)
    _koder: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, init=False, repr=False,
                                                            compare=False)

    def kodning(self, kolumn: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes, distinct values) of a column of `data`, as pd.factorize(use_na_sentinel=False) gives them
        (the order of the distinct values may differ): text columns factorised once for every use."""
        k = self._koder.get(kolumn)
        if k is None or len(k[0]) != len(self.data):
            koder, unika = pd.factorize(self.data[kolumn], use_na_sentinel=False)
            k = self._koder[kolumn] = (koder, np.asarray(unika, dtype=object))
        return k

    @property
    def har_prognos(self) -> bool:
        return bool(self.data["prognos"].notna().any())

    @property
    def har_typ(self) -> bool:
        return bool(self.data["typ"].notna().all()) and len(self.data) > 0

    @property
    def reducerad(self) -> bool:
        """True when `data` holds one row per line key and month (see reducera), not one per export row."""
        return "rader" in self.data.columns

    def plats(self, i: int, kolumn: str | None = None) -> Plats:
        """Where line `i` of `data` came from (with sheets per year read together: the sheet of its year)."""
        t = self.tabell
        blad = t.blad
        if t.bladen is not None:
            per_år = {årtal_i_bladnamn(b): str(b) for b in pd.unique(t.bladen)}
            blad = per_år.get(int(self.data["år"].to_numpy()[i]), t.blad)
        return Plats(t.fil, blad, int(self.data["källrad"].to_numpy()[i]), t.kolumnnamn(kolumn) if kolumn else None)


NYCKEL = ("år", "månad", "verksamhet", "konto", "typ")  # a ledger line and its month
UTFALL_ÖRE = 0.005  # an outcome counts as outcome above this (calc.closing.ÖRE)


def reducera(huvudbok: Huvudbok, urval: np.ndarray | None = None) -> Huvudbok:
    """The ledger summed to one row per line key (verksamhet, konto, typ) × year × month: every report and
    check after reading works on that, not on every export row. The ansvar column (kept only for the filter
    per nämnd, [[namnd]]) is summed over: no report reads it.

    Sums utfall and budget; prognos too, blank where every row of the group is blank (so a line without a
    forecast still follows its budget, calc.ekonomi.effektiv_prognos). Keeps per row `källrad`, the row of
    the group's first export row (error messages point at it), `rader`, how many export rows it sums, and
    `utfallsrader`, how many of them have outcome (calc.closing counts lines with outcome, which a sum
    could hide when amounts cancel). Rows come in the order of their first export row.

    `urval`: only the rows where it is True (one nämnd of a kommun-wide export), without copying the others."""
    d = huvudbok.data
    if huvudbok.reducerad or len(d) == 0:
        return huvudbok
    rader = np.flatnonzero(urval) if urval is not None else None

    def kolumn(c: str) -> np.ndarray:
        v = d[c].to_numpy(dtype=float)
        return v if rader is None else v[rader]

    nyckel = [k for k in NYCKEL if k in d.columns]
    grupp = np.zeros(len(d) if rader is None else len(rader), dtype=np.int64)
    if len(grupp) == 0:
        tom = d.iloc[:0][[c for c in d.columns if c in (*nyckel, "utfall", "budget", "prognos", "källrad")]]
        return Huvudbok(tom.assign(rader=np.int64(0), utfallsrader=np.int64(0)), huvudbok.tabell,
                        huvudbok.kodkolumn, list(huvudbok.varningar))
    for k in nyckel:  # one int64 per row: the codes of the key columns in mixed radix, refactorised as it grows
        koder, unika = huvudbok.kodning(k)
        grupp = grupp * (len(unika) + 1) + (koder if rader is None else koder[rader])
        grupp, _ = pd.factorize(grupp)  # codes in order of first appearance
    antal = int(grupp.max()) + 1
    _, första = np.unique(grupp, return_index=True)
    utfall = kolumn("utfall")
    prognos = kolumn("prognos")
    har_prognos = ~np.isnan(prognos)
    summa_prognos = np.bincount(grupp, np.where(har_prognos, prognos, 0.0), antal)
    första_rad = första if rader is None else rader[första]
    ut = d.iloc[första_rad][nyckel].reset_index(drop=True)
    for c in nyckel:  # a compact ledger (kör: categoricals, int16): the columns as the reports know them
        if isinstance(ut[c].dtype, pd.CategoricalDtype):
            ut[c] = ut[c].astype(ut[c].cat.categories.dtype)
        elif c in ("år", "månad") and ut[c].dtype != np.int64:
            ut[c] = ut[c].astype(np.int64)
    ut["utfall"] = np.bincount(grupp, utfall, antal)
    ut["budget"] = np.bincount(grupp, kolumn("budget"), antal)
    ut["prognos"] = np.where(np.bincount(grupp, har_prognos, antal) > 0, summa_prognos, np.nan)
    ut["källrad"] = d["källrad"].to_numpy()[första_rad]
    ut["rader"] = np.bincount(grupp, minlength=antal)
    ut["utfallsrader"] = np.bincount(grupp, np.abs(utfall) > UTFALL_ÖRE, antal).astype(np.int64)
    kolumner = [c for c in d.columns if c in ut.columns] + ["rader", "utfallsrader"]
    return Huvudbok(ut[kolumner], huvudbok.tabell, huvudbok.kodkolumn, list(huvudbok.varningar))


def läs_ekonomi(
    sökväg: str | Path,
    tecken: Tecken = Tecken.KOSTNAD_POSITIV,
    värden: Värden = Värden.MÅNAD,
    blad: str | None = None,
    kolumner: dict[str, str] | None = None,
    decimaltecken: str | None = None,
    dubbletter: str = "varning",
    med_ansvar: bool = False,
    kompakt_från: int | None = None,
) -> Huvudbok:
    """Load and validate a budget-outcome export (.csv or .xlsx): the long shape (one row per month), or
    the wide one (months as columns, see läs_ekonomi_bred).

    `decimaltecken` ("komma" or "punkt", None: decided per column) says what a dot in an amount means;
    `dubbletter` ("varning" or "fel") what rows identical to an earlier row are. `med_ansvar` keeps the
    export's ansvar column (long shape) as column 'ansvar', for a filter per nämnd ([[namnd]]).
    `kompakt_från`: a long export of at least this many rows is validated compactly (see validera_ekonomi)."""

    def är_rubrik(h: list[str]) -> bool:
        k = kolumnkarta(h, kolumner)
        return all(f in k for f in KRÄVS_I_RUBRIK)

    def är_rubrik_med_månad(h: list[str]) -> bool:
        return är_rubrik(h) and "månad" in kolumnkarta(h, kolumner)

    # A workbook may start with a summary sheet that also has verksamhet, utfall and budget: the sheet
    # that has a month column too is preferred; only without one is the first looser match taken (and
    # its missing month column reported).
    try:
        tabell = läs_tabell(sökväg, är_rubrik_med_månad, "kolumnerna månad, verksamhet, utfall och budget", blad,
                            årsblad=True)
        return validera_ekonomi(tabell, tecken, värden, kolumner, decimaltecken, dubbletter, med_ansvar, kompakt_från)
    except IngenRubrikrad:
        pass
    try:
        tabell = läs_tabell(sökväg, är_rubrik, "kolumnerna verksamhet, utfall och budget", blad, årsblad=True)
    except IngenRubrikrad as exc:
        try:
            return läs_ekonomi_bred(sökväg, tecken, värden, blad, kolumner, decimaltecken, dubbletter)
        except IngenRubrikrad:
            raise IngenRubrikrad("hittar ingen rubrikrad med kolumnerna verksamhet, utfall och budget (långt format) "
                                 "eller verksamhet och jan, feb, … (brett format)", exc.plats) from None
    return validera_ekonomi(tabell, tecken, värden, kolumner, decimaltecken, dubbletter, med_ansvar, kompakt_från)


MÅTT = {"utfall": ("utfall", "redovisat", "bokfört"), "budget": ("budget", "periodiserad budget"),
        "prognos": ("prognos", "helårsprognos")}
MÅTTKOLUMN = ("mått", "typ", "avser", "värdetyp", "belopp avser")


def _mått(text: str) -> str | None:
    t = text.strip().lower().rstrip(":")
    for namn, ord_ in MÅTT.items():
        if any(t == o or t.startswith(o + " ") for o in ord_):
            return namn
    return None


def läs_ekonomi_bred(
    sökväg: str | Path,
    tecken: Tecken = Tecken.KOSTNAD_POSITIV,
    värden: Värden = Värden.MÅNAD,
    blad: str | None = None,
    kolumner: dict[str, str] | None = None,
    decimaltecken: str | None = None,
    dubbletter: str = "varning",
) -> Huvudbok:
    """An ekonomi report saved with months as columns: one line per verksamhet (and year), the measure
    (utfall, budget, prognos) in a column such as 'Mått', or as a block title line above its lines.
    Summa/Totalt lines and columns are not data: they are checked against the lines (a Summa line against
    the lines above it since the block or the last Summa line, with the same measure), and one that
    disagrees beyond rounding is a warning naming the cell and both numbers."""

    def är_rubrik(h: list[str]) -> bool:
        return sum(1 for c in h if månadsrubrik(c)) >= 2 and "verksamhet" in kolumnkarta(h, kolumner)

    tabell = läs_tabell(sökväg, är_rubrik, "kolumnerna verksamhet och jan, feb, …", blad)
    df = tabell.data
    cols = list(df.columns)
    karta = kolumnkarta(cols, kolumner)
    kod_col = karta["verksamhet"]
    måttkol = next((c for c in cols if c in MÅTTKOLUMN), None)
    månadskol = {c: mr for c in cols if (mr := månadsrubrik(c))}
    fel: list[KommunrapportFel] = []
    tal = {}
    tusental = _tusentalspunkt(tabell, list(månadskol), decimaltecken)
    varningar = _dubbletter(tabell, dubbletter)
    for c in månadskol:
        procent = _procentfel(tabell, c)
        v, bad = tolka_tal(utan_tusentalspunkter(df[c]) if c in tusental else df[c])
        fel += procent or _fel_för(tabell, bad.to_numpy(), c, "'{värde}' är inget tal", df[c])
        tal[c] = v.to_numpy()
    år_tal = tolka_tal(df[karta["år"]])[0].to_numpy() if "år" in karta else None
    if fel:
        raise IndataFel.samla(fel)
    titelår = next((int(m.group(0)) for t in tabell.titlar for m in [re.search(r"\b(19|20)\d\d\b", t)] if m), None)
    koder = _textkolumn(df[kod_col]).to_numpy()
    mått_text = _textkolumn(df[måttkol]).to_numpy() if måttkol else None
    aktuellt = None
    rader = []
    # Printed Summa/Totalt rows and columns are no data: each is checked against the lines, and one that
    # disagrees beyond rounding is a warning naming the cell and both numbers.
    mcols = list(månadskol)
    V = np.column_stack([tal[c] for c in mcols]) if mcols else np.zeros((len(df), 0))
    månad_nr = np.array([m for _, m in månadskol.values()])
    enhet = _enhet(V) if V.size else 1.0
    # ('Helår' may be a full-year forecast beside months not yet closed: it is not checked as their sum)
    härledda = {c: k for c in cols if c not in månadskol and (k := härledd_typ(c)) and c not in ("helår", "hela året")}
    D = {c: tolka_tal(df[c])[0].to_numpy() for c in härledda}
    kontroller: list[Kontroll] = []
    block: list[int] = []  # data lines since the block started or the last Summa line
    for i in range(len(df)):
        kod = koder[i]
        values = [tal[c][i] for c in månadskol]
        tom = all(np.isnan(v) for v in values)
        if tom and _mått(kod):
            aktuellt = _mått(kod)  # a block title: Utfall / Budget / Prognos
            block = []
            continue
        if kod and härledd_typ(kod):  # a Summa line (an 'Ack.' line is an accumulation: not data either)
            if not tom and not ACK.match(normalisera_rubrik(kod)):
                mått_i = _mått(mått_text[i]) if mått_text is not None else None
                delar = [r for r in block if (mått_text is None or _mått(mått_text[r]) == mått_i)
                         and (år_tal is None or np.isnan(år_tal[i]) or år_tal[r] == år_tal[i])]
                if delar:
                    _kontrollera_summarad(tabell, i, kod, härledd_typ(kod), V[i], V, delar, mcols, månad_nr, enhet,
                                          kontroller)
                block = [r for r in block if r not in delar]
            continue
        if tom or not kod:
            continue
        block.append(i)
        for c, kind in härledda.items():
            if not np.isnan(D[c][i]) and not tom:
                kontroller.append(_kontroll_kolumn(tabell, i, c, kind, D[c][i], V[i], månad_nr, enhet))
        mått = _mått(mått_text[i]) if mått_text is not None else aktuellt
        if mått is None:
            text = f"'{mått_text[i]}' ska vara utfall, budget eller prognos" if mått_text is not None else \
                "okänt mått: lägg till en kolumn 'Mått' (utfall, budget, prognos) eller en rubrikrad 'Utfall' ovanför"
            raise IndataFel(text, tabell.plats(i, måttkol or kod_col))
        for c, (år_rubrik, m) in månadskol.items():
            år = år_rubrik or (int(år_tal[i]) if år_tal is not None and not np.isnan(år_tal[i]) else titelår)
            if år is None:
                raise IndataFel("året saknas: lägg till en kolumn 'År', årtalet i titeln eller månader som 2025-01",
                                tabell.plats(i, kod_col))
            v = tal[c][i]
            if not np.isnan(v):
                rader.append((år, m, kod, mått, v, int(tabell.radnummer[i])))
    lång = pd.DataFrame(rader, columns=["år", "månad", "verksamhet", "mått", "värde", "källrad"])
    if lång.empty:
        raise IndataFel("filen har inga belopp", Plats(tabell.fil, tabell.blad, tabell.rubrikrad))
    out = lång.pivot_table(index=["år", "månad", "verksamhet"], columns="mått", values="värde", aggfunc="sum")
    out = out.reindex(columns=["utfall", "budget", "prognos"]).reset_index()
    out.columns.name = None
    out["källrad"] = lång.groupby(["år", "månad", "verksamhet"])["källrad"].min().to_numpy()
    out[["utfall", "budget"]] = out[["utfall", "budget"]].fillna(0.0)
    out["konto"] = ""
    out["typ"] = None
    if tecken == Tecken.KOSTNAD_POSITIV:
        out[["utfall", "budget", "prognos"]] *= -1
    if värden == Värden.ACKUMULERADE:
        out = _från_ackumulerade(out)
    cols_ut = ["år", "månad", "verksamhet", "konto", "typ", "utfall", "budget", "prognos", "källrad"]
    return Huvudbok(out[cols_ut].astype({"år": "int64", "månad": "int64"}), tabell, kod_col,
                    [*tabell.varningar, *varningar, *(str(k) for k in kontroller if not k.stämmer)])


def _fel_för(tabell: Tabell, mask: np.ndarray, kolumn: str, text: str, värden: pd.Series | None = None) -> list[KommunrapportFel]:
    positions = np.flatnonzero(mask)
    out: list[KommunrapportFel] = []
    for p in positions[:MAX_FEL_PER_KOLUMN]:
        värde = värden.iloc[p] if värden is not None else ""
        tom = värden is not None and (värde is None or pd.isna(värde) or str(värde).strip() == "")
        if tom and text.startswith("'{värde}'"):  # "'' är ingen månad" → "en tom cell är ingen månad"
            t = "en tom cell" + text.removeprefix("'{värde}'")
        else:
            t = text.format(värde="" if tom else värde)
        out.append(IndataFel(t, tabell.plats(int(p), kolumn)))
    if len(positions) > MAX_FEL_PER_KOLUMN:
        out.append(IndataFel(f"… och {len(positions) - MAX_FEL_PER_KOLUMN} rader till med samma fel", tabell.plats(None, kolumn)))
    return out


def _tusentalspunkt(tabell: Tabell, kolumner: list[str], decimaltecken: str | None,
                    sektion: str = "ekonomi") -> set[str]:
    """The amount columns whose dots separate thousands ('5.000' = 5 000), decided per column.

    `decimaltecken` from the configuration decides for all: "komma" (a dot separates thousands) or
    "punkt" (a dot is the decimal point). Otherwise a column with 1.234.567 or 1.234,50 has thousands
    dots, one with 12.5 decimal points; a column whose every dotted value is like 5.000 has thousands
    dots when the export writes decimal commas elsewhere, decimal points when it writes decimal points
    elsewhere, and is an error otherwise. Excel columns are left alone: there a number is a number, and
    a number in a mixed column reads as text with a decimal point."""
    if tabell.kolumnbokstäver or decimaltecken == "punkt":
        return set()
    if decimaltecken == "komma":
        return set(kolumner)
    betydelse = {c: punktens_betydelse(tabell.data[c]) for c in kolumner}
    tvetydiga = [c for c, b in betydelse.items() if b == "tvetydig"]
    if not tvetydiga:
        return {c for c, b in betydelse.items() if b == "tusental"}
    komma = any(b == "tusental" for b in betydelse.values()) or any(har_decimalkomma(tabell.data[c]) for c in kolumner)
    punkt = any(b == "decimal" for b in betydelse.values())
    if komma and not punkt:
        return {c for c, b in betydelse.items() if b in ("tusental", "tvetydig")}
    if punkt and not komma:
        return set()
    c = tvetydiga[0]
    i = första_tvetydiga(tabell.data[c])
    värde = str(tabell.data[c].iloc[i]).strip()
    siffror = re.sub(r"\D", "", värde)
    minus = "\u2212" if re.match(r"^\s*[-\u2212\u2013(]", värde) else ""
    decimal, tusen = f"{minus}{int(siffror[:-3])},{siffror[-3:]}", minus + f"{int(siffror):,}".replace(",", " ")
    raise IndataFel(f"'{värde}' kan vara {decimal} eller {tusen}: exporten visar inte om punkten är decimaltecken "
                    "eller skiljer tusental; ange decimaltecken = \"komma\" (punkten skiljer tusental) eller "
                    f"decimaltecken = \"punkt\" under [{sektion}] i konfigurationen, eller flaggan "
                    "--decimaltecken komma eller punkt", tabell.plats(i, c))


def _procentfel(tabell: Tabell, kolumn: str) -> list[KommunrapportFel]:
    return _fel_för(tabell, procentceller(tabell.data[kolumn]), kolumn, "'{värde}' är ett procenttal, inget belopp",
                    tabell.data[kolumn])


def _radnycklar(df: pd.DataFrame, tal: Mapping[str, np.ndarray], tabell: Tabell | None = None) -> np.ndarray:
    """A 64-bit key per row, equal for rows equal in every column: the parsed amounts' bits for the
    columns in `tal` (equal text gives an equal figure), the factorisation codes for the others (several
    columns' codes combined in one integer while their product fits, one hash round for them). Rows
    with equal keys are only candidates: unequal rows may share one (see _kopior)."""
    delar: list[tuple[np.ndarray, int | None]] = []  # per column: the amounts (None) or codes and their number
    for c in df.columns:
        if c in tal:
            delar.append((np.asarray(tal[c], dtype=np.float64), None))
            continue
        k = tabell.kodning(c) if tabell is not None else None
        if k is not None:
            delar.append((k.koder, len(k.unika)))
        else:
            koder, unika = pd.factorize(df[c], use_na_sentinel=False)
            delar.append((koder, len(unika)))
    nyckel = np.empty(len(df), dtype=np.uint64)
    for start in range(0, len(df), _BLOCK):  # a block of rows at a time: small temporary arrays
        nyckel[start:start + _BLOCK] = _blocknycklar([(v[start:start + _BLOCK], antal) for v, antal in delar])
    return nyckel


_BLOCK = 1 << 20


def _blocknycklar(delar: list[tuple[np.ndarray, int | None]]) -> np.ndarray:
    """_radnycklar of a block of rows."""
    nyckel = np.zeros(len(delar[0][0]) if delar else 0, dtype=np.uint64)

    def runda(nyckel: np.ndarray, bitar: np.ndarray) -> np.ndarray:
        nyckel ^= bitar
        nyckel *= np.uint64(0x100000001B3)
        nyckel += np.uint64(0x9E3779B97F4A7C15)
        nyckel ^= nyckel >> np.uint64(29)
        return nyckel

    samlade: np.ndarray | None = None  # codes of the columns since the last round, in mixed radix
    bas = 1
    for värden, antal in delar:
        if antal is None:
            if samlade is not None:
                nyckel, samlade = runda(nyckel, samlade.view(np.uint64)), None
            v = värden + 0.0  # -0.0 → 0.0
            v[np.isnan(v)] = np.nan  # one NaN
            nyckel = runda(nyckel, v.view(np.uint64))
            continue
        if samlade is not None and bas * antal < 1 << 62:
            samlade *= antal
            samlade += värden
            bas *= antal
        else:
            if samlade is not None:
                nyckel = runda(nyckel, samlade.view(np.uint64))
            samlade, bas = värden.astype(np.int64), max(antal, 1)
    if samlade is not None:
        nyckel = runda(nyckel, samlade.view(np.uint64))
    return nyckel


def _kopior(df: pd.DataFrame, tal: Mapping[str, np.ndarray] | None,
            tabell: Tabell | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Which rows are identical in every column to an earlier row (df.duplicated()), and a key per row
    equal for identical rows. With the parsed amounts (`tal`) it hashes numbers instead of the text of
    every cell, then confirms every candidate against its first row cell by cell (a collision falls back
    to df.duplicated())."""
    if tal is None:
        return df.duplicated().to_numpy(), None
    nyckel = _radnycklar(df, tal, tabell)
    sorterade = np.sort(nyckel)
    if not (sorterade[1:] == sorterade[:-1]).any():  # no two keys equal: no copies (the usual export)
        return np.zeros(len(df), dtype=bool), nyckel
    del sorterade
    kandidat = pd.Series(nyckel).duplicated().to_numpy()
    först = pd.Series(np.arange(len(df))).groupby(nyckel).transform("min").to_numpy()
    p = np.flatnonzero(kandidat)
    q = först[p]
    lika = np.ones(len(p), dtype=bool)
    for c in df.columns:
        a, b = df[c].iloc[p], df[c].iloc[q]
        lika &= (a.to_numpy() == b.to_numpy()) | (a.isna().to_numpy() & b.isna().to_numpy())
    if lika.all():
        return kandidat, nyckel
    return df.duplicated().to_numpy(), None


def _dubbletter(tabell: Tabell, dubbletter: str, tal: Mapping[str, np.ndarray] | None = None) -> list[str]:
    """Rows identical in every column to an earlier row (a block pasted twice adds money): a warning, or an
    error with dubbletter = "fel". `tal`: the parsed amount columns, if parsed (a faster check)."""
    df = tabell.data
    if len(df) < 2:
        return []
    kopia, nycklar = _kopior(df, tal, tabell)
    if not kopia.any():
        return []
    if nycklar is None:
        try:
            nycklar = pd.util.hash_pandas_object(df, index=False).to_numpy()
        except TypeError:  # Excel cells of mixed types in one column
            nycklar = pd.util.hash_pandas_object(df.astype(str), index=False).to_numpy()
    först = pd.Series(np.arange(len(df))).groupby(nycklar).transform("min").to_numpy()
    par = [f"rad {tabell.radnummer[p]} = rad {tabell.radnummer[först[p]]}" for p in np.flatnonzero(kopia)[:3]]
    n = int(kopia.sum())
    text = (f"{n} {'rad är en exakt kopia' if n == 1 else 'rader är exakta kopior'} av en tidigare rad "
            f"({', '.join(par)}{' …' if n > 3 else ''}); en rad som klistrats in två gånger räknas två gånger")
    plats = Plats(tabell.fil, tabell.blad_för(int(np.flatnonzero(kopia)[0])))
    if dubbletter == "fel":
        raise IndataFel(text + "; ta bort kopiorna (eller ange dubbletter = \"varning\")", plats)
    return [f"{plats}: {text}; ta bort kopiorna om de inte ska vara där"]


def _tomt_utfall(tabell: Tabell, tom: np.ndarray, år: np.ndarray, månad: np.ndarray) -> list[str]:
    """A blank outcome (`tom`) in a month where the other lines have numbers: blank is not 0, so say which
    rows."""
    if not tom.any() or tom.all():
        return []
    nyckel = pd.Series(np.asarray(år, dtype=np.int64) * 100 + np.asarray(månad, dtype=np.int64))
    har_tal = pd.Series(~tom).groupby(nyckel).transform("any").to_numpy()
    varningar = []
    for k in sorted(set(nyckel[tom & har_tal].astype(int))):
        pos = np.flatnonzero(tom & har_tal & (nyckel.to_numpy() == k))
        rader = ", ".join(str(tabell.radnummer[p]) for p in pos[:5]) + (" …" if len(pos) > 5 else "")
        plats = Plats(tabell.fil, tabell.blad_för(int(pos[0])))
        varningar.append(f"{plats}: utfallet är tomt på {len(pos)} {'rad' if len(pos) == 1 else 'rader'} i "
                         f"{MÅNADER[k % 100 - 1]} {k // 100} (rad {rader}), fast månadens övriga rader har belopp; "
                         "en tom cell räknas som 0: skriv 0 om det är rätt, annars exportera på nytt")
    return varningar


def validera_ekonomi(
    tabell: Tabell,
    tecken: Tecken = Tecken.KOSTNAD_POSITIV,
    värden: Värden = Värden.MÅNAD,
    kolumner: dict[str, str] | None = None,
    decimaltecken: str | None = None,
    dubbletter: str = "varning",
    med_ansvar: bool = False,
    kompakt_från: int | None = None,
) -> Huvudbok:
    """The tidy ledger of a long export's table (see the module's docstring).

    `kompakt_från`: from this many rows (monthly amounts, CSV) the ledger is made compactly, for `kör`, which
    only reduces and fingerprints it: each text column is kept only as codes as soon as it is factorised
    (Tabell.släpp_texten), the amounts' text until the duplicate check, then the table's cells are let go
    (`tabell.data` keeps its columns, no rows); verksamhet, konto, typ and ansvar come as categoricals,
    år and månad as int16. The figures, warnings and errors (with their cell texts) are the same."""
    df = tabell.data
    karta = kolumnkarta(list(df.columns), kolumner)
    fel: list[KommunrapportFel] = []
    plats0 = Plats(tabell.fil, tabell.blad, tabell.rubrikrad)

    if "månad" not in karta:
        raise IndataFel("saknar kolumnen 'månad' (eller 'period') i rubrikraden", plats0)
    if len(df) == 0:
        raise IndataFel("filen har en rubrikrad men inga datarader", plats0)
    tabell, varningar = _utan_summarader(tabell, karta["månad"])
    df = tabell.data

    n = len(df)
    out: dict[str, object] = {}  # the ledger's columns, made a frame at the end (no copy per column)
    belopp = [karta[f] for f in ("utfall", "budget", "prognos") if f in karta]
    kompakt = kompakt_från is not None and n >= kompakt_från and värden == Värden.MÅNAD
    if kompakt:  # every text column as codes only, one at a time, before anything else (10^7 rows: ~0,6 GB)
        for c in list(df.columns):
            if c not in belopp:
                tabell.släpp_texten(c)
                _släpp_arrowminne()  # (given back at once: the next column's codes reuse none of it)

    år_, månad_ = tolka_år_och_månad(tabell, karta, fel, plats0)
    # as integers at once (a cell that is no year or month is an error raised below): no float columns kept
    år = _heltal(år_.to_numpy(), kompakt)
    del år_
    månad = _heltal(månad_.to_numpy(), kompakt)
    del månad_

    kod_col = karta["verksamhet"]
    kod = _utkolumn(tabell, kod_col, kompakt)
    tom_kod = _är_tom(tabell, kod_col, kod if isinstance(kod, pd.Series) else None)
    fel += _fel_för(tabell, tom_kod, kod_col, "verksamhet saknas")

    tusental = _tusentalspunkt(tabell, belopp, decimaltecken)
    tal: dict[str, np.ndarray] = {}
    for fält in ("utfall", "budget", "prognos"):
        if fält not in karta:
            out[fält] = np.full(n, np.nan)
            continue
        col = karta[fält]
        procent = _procentfel(tabell, col)
        fel += procent
        values, bad = tolka_tal(utan_tusentalspunkter(df[col]) if col in tusental else df[col])
        if not procent:
            fel += _fel_för(tabell, bad.to_numpy(), col, "'{värde}' är inget tal", df[col])
        v = values.to_numpy()
        if fält == "utfall":
            tomt_utfall = np.isnan(v)
        v = v.copy() if fält == "prognos" else np.where(np.isnan(v), 0.0, v)
        del values
        if tecken == Tecken.KOSTNAD_POSITIV:
            np.negative(v, out=v)
        out[fält] = tal[col] = v  # the duplicate check needs only equal figures equal: a blank utfall is 0 here
    varningar += _dubbletter(tabell, dubbletter, tal)
    del tal

    if "konto" in karta:
        konto = pd.Series(_utkolumn(tabell, karta["konto"], kompakt), copy=False)
    else:
        konto = pd.Series("", index=df.index)
    # typ per row as a code into TYPER (-1: none), decided per distinct text when the column has a kodning
    typkod = np.full(len(df), -1, dtype=np.int8)
    if "typ" in karta:
        typkod = _typkoder(tabell, karta["typ"], lambda t: t.lower(), ("intäkt", "kostnad"))
        bad_typ = typkod < 0
        fel += _fel_för(tabell, bad_typ, karta["typ"], "'{värde}' ska vara intäkt eller kostnad", df[karta["typ"]])
    elif "konto" in karta:
        typkod = _typkoder(tabell, karta["konto"], lambda t: t[:1], ("3", tuple("45678")))
        bad_klass = typkod < 0
        fel += _fel_för(tabell, bad_klass, karta["konto"],
                        "kontot '{värde}' är inget resultatkonto (klass 3 = intäkter, 4–8 = kostnader)", konto)
    if kompakt:  # nothing below reads the cells: the amounts' text let go (the row numbers stay in tabell)
        tabell.data = tabell.data.iloc[:0]
        del df
        _släpp_arrowminne()

    if fel:
        raise IndataFel.samla(fel)
    varningar += _tomt_utfall(tabell, tomt_utfall, år, månad)

    out["år"], out["månad"] = år, månad
    del år, månad
    out["verksamhet"] = _värden(kod) if isinstance(kod, pd.Series) else kod
    out["konto"] = konto.array if isinstance(konto.dtype, pd.CategoricalDtype) else _värden(konto)
    del kod, konto
    out["typ"] = _typkolumn(typkod, kompakt)
    out["källrad"] = tabell.radnummer
    kolumner_ut = ["år", "månad", "verksamhet", "konto", "typ", "utfall", "budget", "prognos", "källrad"]
    if med_ansvar and "ansvar" in karta:
        ansvar = _utkolumn(tabell, karta["ansvar"], kompakt)
        out["ansvar"] = _värden(ansvar) if isinstance(ansvar, pd.Series) else ansvar
        kolumner_ut.append("ansvar")
    ram = pd.DataFrame({k: out[k] for k in kolumner_ut}, index=pd.RangeIndex(n), copy=False)
    if värden == Värden.ACKUMULERADE:
        return Huvudbok(_från_ackumulerade(ram)[kolumner_ut], tabell, kod_col, [*tabell.varningar, *varningar])
    bok = Huvudbok(ram, tabell, kod_col, [*tabell.varningar, *varningar])
    for fält, kolumn in (("verksamhet", kod_col), ("konto", karta.get("konto")), ("ansvar", karta.get("ansvar"))):
        k = tabell.kodning(kolumn) if kolumn is not None and fält in bok.data.columns else None
        if k is not None:  # the codes of the stripped text, as the column holds it
            bok._koder[fält] = k.text()
    if (typkod >= 0).all():
        bok._koder["typ"] = (typkod, np.array(TYPER, dtype=object))
    return bok


def _utan_summarader(tabell: Tabell, mån_col: str) -> tuple[Tabell, list[str]]:
    """The table without rows such as 'Summa' or 'Totalt' at the end of an export: a total label in a text
    cell and no month. They are no data; a warning names each one."""
    df = tabell.data
    utan_månad = np.flatnonzero(_är_tom(tabell, mån_col))
    if len(utan_månad) == 0 or len(utan_månad) > 1000:  # many rows without a month: errors, not totals
        return tabell, []
    summor = {}
    for p in utan_månad:
        etikett = next((v.strip() for v in df.iloc[p] if isinstance(v, str) and härledd_typ(v) == ("summa", None)), None)
        if etikett is not None:
            summor[int(p)] = etikett
    if not summor:
        return tabell, []
    behåll = np.ones(len(df), dtype=bool)
    behåll[list(summor)] = False
    varningar = [f"{tabell.plats(p)}: '{etikett}' är en summarad och "
                 "räknas inte" for p, etikett in summor.items()]
    return tabell.urval(behåll), varningar


def tolka_år_och_månad(tabell: Tabell, karta: dict[str, str], fel: list[KommunrapportFel],
                       plats0: Plats) -> tuple[pd.Series, pd.Series]:
    """Year and month per row: 'år' + 'månad', or a period column such as 2025-02 or 202502.

    Problems are appended to `fel`; a missing year column that the month column cannot replace raises.
    """
    df = tabell.data
    mån_col = karta["månad"]
    # Each distinct text is parsed once and spread back with the factorize codes: no Python per row.
    k = tabell.kodning(mån_col)
    if k is not None:
        koder, unika = k.text()
    else:
        koder, u = pd.factorize(_textkolumn(df[mån_col]), use_na_sentinel=False)
        unika = np.asarray(u, dtype=object)
    tolkade = [år_och_månad(u) for u in unika]
    månad = pd.Series(np.array([np.nan if m is None else m for _, m in tolkade], dtype="float64")[koder],
                      index=df.index)
    if "år" not in karta:  # (with a year column the period's year is not needed: not made for every row)
        år_från_period = pd.Series(np.array([np.nan if å is None else å for å, _ in tolkade],
                                            dtype="float64")[koder], index=df.index)
    bad = månad.isna().to_numpy()
    if bad.any():
        fel += _fel_för(tabell, bad, mån_col, "'{värde}' är ingen månad (skriv t.ex. 2, feb, februari eller 2025-02)",
                        _text(tabell, mån_col))
    if "år" in karta:
        år, ej_tal = _tolka_tal_per_text(tabell, karta["år"])
        bad_år = (ej_tal.to_numpy() | år.isna().to_numpy() | ~år.fillna(0).between(1900, 2200).to_numpy()
                  | (år.fillna(0) % 1 != 0).to_numpy())
        fel += _fel_för(tabell, bad_år, karta["år"], "'{värde}' är inget årtal", df[karta["år"]])
    elif år_från_period.notna().all():
        år = år_från_period.astype("float64")
    elif (år_blad := tabell.år_från_bladnamn()) is not None:  # sheets '2024', '2025' without a year column
        år = år_från_period.fillna(pd.Series(år_blad, index=år_från_period.index))
    else:
        raise IndataFel("saknar kolumnen 'år', och kolumnen '" + tabell.originalrubriker[mån_col]
                        + "' anger inte året (skriv t.ex. 2025-02)", plats0)
    return år, månad


def läs_lång(
    sökväg: str | Path,
    synonymer: Mapping[str, tuple[str, ...]],
    mått: list[str],
    dimensioner: list[str],
    krävs: tuple[str, ...],
    blad: str | None = None,
    kolumner: dict[str, str] | None = None,
    negativa: bool = False,
    decimaltecken: str | None = None,
    sektion: str = "volymer",
) -> tuple[pd.DataFrame, Tabell]:
    """A long export of volumes: one row per year, month (and dimensions) with measure columns.

    Returns a frame with år, månad, the dimensions found (text), the measures found (float; a blank
    cell is NaN: not reported) and källrad. The header must have month and every field in `krävs`.
    """
    syn = {"år": SYNONYMER["år"], "månad": SYNONYMER["månad"], **synonymer}

    def är_rubrik(h: list[str]) -> bool:
        k = kolumnkarta(h, kolumner, syn)
        return "månad" in k and all(f in k for f in krävs)

    namn = ", ".join(syn[f][0] for f in ("månad", *krävs))
    tabell = läs_tabell(sökväg, är_rubrik, f"kolumnerna {namn}", blad, årsblad=True)
    df = tabell.data
    karta = kolumnkarta(list(df.columns), kolumner, syn)
    plats0 = Plats(tabell.fil, tabell.blad, tabell.rubrikrad)
    if len(df) == 0:
        raise IndataFel("filen har en rubrikrad men inga datarader", plats0)
    fel: list[KommunrapportFel] = []
    år, månad = tolka_år_och_månad(tabell, karta, fel, plats0)
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for d in dimensioner:
        if d in karta:
            out[d] = _textkolumn(df[karta[d]]).to_numpy()
    tusental = _tusentalspunkt(tabell, [karta[m] for m in mått if m in karta], decimaltecken, sektion)
    for m in mått:
        if m in karta:
            values, bad = tolka_tal(utan_tusentalspunkter(df[karta[m]]) if karta[m] in tusental else df[karta[m]])
            fel += _fel_för(tabell, bad.to_numpy(), karta[m], "'{värde}' är inget tal", df[karta[m]])
            neg = (values < 0).to_numpy() & (not negativa)
            fel += _fel_för(tabell, neg, karta[m], "'{värde}' är negativt; en volym kan inte vara negativ", df[karta[m]])
            out[m] = values.to_numpy()
    if fel:
        raise IndataFel.samla(fel)
    out.insert(0, "år", år.astype("int64").to_numpy())
    out.insert(1, "månad", månad.astype("int64").to_numpy())
    out["källrad"] = tabell.radnummer
    # a row pasted twice would count twice (two identical rows of brukare are summed): said, as for ekonomi
    tabell.varningar.extend(_dubbletter(tabell, "varning"))
    return out, tabell


def _text(tabell: Tabell, kolumn: str) -> pd.Series:
    """_textkolumn of the table's column, made from its distinct cells when it has a kodning (CSV)."""
    s = tabell.textkolumn(kolumn)
    return s if s is not None else _textkolumn(tabell.data[kolumn])


def _är_tom(tabell: Tabell, kolumn: str, text: pd.Series | None = None) -> np.ndarray:
    """Per row: is the cell empty (or only spaces)?"""
    k = tabell.kodning(kolumn)
    if k is not None:
        koder, unika = k.text()
        return (unika == "")[koder] if len(unika) else np.zeros(len(koder), dtype=bool)
    return (text if text is not None else _textkolumn(tabell.data[kolumn])).eq("").to_numpy()


TYPER = ("intäkt", "kostnad")


def _typkoder(tabell: Tabell, kolumn: str, nyckel, prefix: tuple) -> np.ndarray:
    """Per row the index into TYPER of the first of `prefix` that nyckel(stripped cell text) starts with,
    -1 when none does: per distinct text when the column has a kodning."""
    def typ_av(texter) -> np.ndarray:
        out = np.full(len(texter), -1, dtype=np.int8)
        for i, t in enumerate(texter):
            n = nyckel(t)
            out[i] = next((j for j, p in enumerate(prefix) if n.startswith(p)), -1)
        return out

    k = tabell.kodning(kolumn)
    if k is not None:
        koder, unika = k.text()
        return typ_av(unika.tolist())[koder] if len(unika) else np.full(len(koder), -1, dtype=np.int8)
    text = _textkolumn(tabell.data[kolumn])
    ko, un = pd.factorize(text, use_na_sentinel=False)
    return typ_av([str(u) for u in un])[ko] if len(un) else np.full(len(text), -1, dtype=np.int8)


def _typkolumn(typkod: np.ndarray, kategorier: bool = False) -> pd.api.extensions.ExtensionArray:
    """The 'typ' column from codes into TYPER (-1: missing), Arrow-backed text as pandas infers it
    (`kategorier`: a categorical of the codes, with Arrow-backed text as its categories)."""
    import pyarrow as pa

    if kategorier:
        return pd.Categorical.from_codes(typkod, pd.Index(list(TYPER), dtype=_TEXTTYP))
    arr = pa.array(list(TYPER), type=pa.large_string()).take(pa.array(typkod, mask=typkod < 0))
    return pd.array(arr, dtype=pd.StringDtype("pyarrow", na_value=np.nan))


_TEXTTYP = pd.StringDtype("pyarrow", na_value=np.nan)  # the text columns' type (pandas' read_csv(dtype=str))


def _utkolumn(tabell: Tabell, kolumn: str, kompakt: bool) -> pd.Series | pd.Categorical:
    """The column's stripped text for the ledger (_text); compact (validera_ekonomi): a categorical of its
    kodning's codes, with no string per row, when the column has a kodning."""
    k = tabell.kodning(kolumn) if kompakt else None
    if k is None:
        return _text(tabell, kolumn)
    koder, rena = k.text()
    return pd.Categorical.from_codes(koder, pd.Index(rena, dtype=_TEXTTYP))


def _heltal(x: np.ndarray, små: bool) -> np.ndarray:
    """A year or month column as int64 (a cell that is no number or too big 0: an error is raised for it);
    `små`: int16 when every value fits."""
    ut = np.where(np.isfinite(x) & (np.abs(x) < 1e9), x, 0).astype(np.int64)
    if små and len(ut) and ut.min() >= -(1 << 15) and ut.max() < 1 << 15:
        return ut.astype(np.int16)
    return ut


def _släpp_arrowminne() -> None:
    """What pyarrow has freed, given back to the system."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _tolka_tal_per_text(tabell: Tabell, kolumn: str) -> tuple[pd.Series, pd.Series]:
    """tolka_tal of a column with few distinct cells (the year), each distinct text parsed once."""
    df = tabell.data
    k = tabell.kodning(kolumn)
    if k is None or len(k.unika) * 4 > len(df):
        return tolka_tal(df[kolumn])
    värden, ej_tal = tolka_tal(pd.Series(pd.array(k.unika, dtype=pd.StringDtype("pyarrow", na_value=np.nan))))
    return (pd.Series(värden.to_numpy()[k.koder], index=df.index),
            pd.Series(ej_tal.to_numpy(dtype=bool)[k.koder], index=df.index))


def _textkolumn(s: pd.Series) -> pd.Series:
    """A column as stripped text; vectorised for CSV (all text), cell by cell for Excel's mixed types."""
    if pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_object_dtype(s.dtype):
        return s.fillna("").str.strip()  # stays Arrow-backed text: no Python string per cell
    if (pd.api.types.is_integer_dtype(s.dtype)
            or pd.api.types.is_float_dtype(s.dtype) and (s.dropna() % 1 == 0).all()):  # Excel codes as numbers
        return s.astype("Int64").astype(str).fillna("").replace("<NA>", "").astype(object)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):  # an Excel column of dates (periods)
        return s.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("").astype(object)
    return s.map(_cell_text).astype(object)


def _värden(s: pd.Series) -> np.ndarray | ExtensionArray:
    """A column's values to put in another frame: Arrow-backed text as it is (no Python string per cell)."""
    return s.array if isinstance(s.dtype, pd.StringDtype) else s.to_numpy()


def _cell_text(v: object) -> str:
    """A code cell as text: Excel numbers 510.0 → '510'; None → ''."""
    if v is None:
        return ""
    if isinstance(v, float):
        if np.isnan(v):
            return ""
        if v.is_integer():
            return str(int(v))
    return str(v).strip()


def _från_ackumulerade(df: pd.DataFrame) -> pd.DataFrame:
    """Monthly amounts from year-to-date amounts: the difference to the previous month present."""
    keys = ["år", "verksamhet", "konto", "typ"] + (["ansvar"] if "ansvar" in df.columns else [])
    agg = (
        df.assign(typ=df["typ"].fillna(""))
        .groupby(keys + ["månad"], sort=True, dropna=False)
        .agg(utfall=("utfall", "sum"), budget=("budget", "sum"), prognos=("prognos", lambda s: s.sum(min_count=1)),
             källrad=("källrad", "min"))
        .reset_index()
    )
    agg = agg.sort_values(keys + ["månad"]).reset_index(drop=True)
    grupper = [agg[k] for k in keys]
    # A year-to-date utfall of 0 after the last non-zero month is 'not yet reported', not a reversal.
    senast = agg["månad"].where(agg["utfall"].abs() > 0.005).groupby(grupper).transform("max").fillna(0)
    agg.loc[agg["månad"] > senast, "utfall"] = np.nan
    for col in ("utfall", "budget", "prognos"):
        ifylld = agg[col].groupby(grupper).ffill()
        månadsvis = ifylld - ifylld.groupby(grupper).shift(1).fillna(0.0)
        agg[col] = månadsvis.where(agg[col].notna(), np.nan if col == "prognos" else 0.0)
    agg["typ"] = agg["typ"].replace("", None)
    return agg
