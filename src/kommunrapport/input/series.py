"""Report-shaped tables: what people save from a report rather than export from a system.

Two layouts are recognised, each with any number of title rows above the header and blank rows
between blocks:

* **months as columns** — a label and/or a year column, then `jan … dec` (or `januari`, `2025-01`),
  optionally derived columns (Årssnitt, Summa, Totalt, Ackumulerat, Tertial 1 …). A label on its
  own line without numbers starts a block (a series); rows labelled with a year belong to it.
* **months as rows** — `januari … december` down the first column and years across, with
  "Tertial N Summa", "Totalsumma" and "Årssnitt" rows.

Derived rows and columns are never loaded as data. Where present they are *checked* against the
sum or mean of the data lines, and a mismatch beyond rounding becomes a warning naming the place
and both numbers. Months not yet reported (blank, or 0 after the last real month of the latest
year) are not data. "varav" rows are loaded as series of their own and left out of the sums.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IndataFel, KommunrapportFel, Plats
from ..formatting import tal
from ..model.period import MÅNADER_KORT, år_och_månad
from .files import Tabell, läs_tabell
from .headers import FOTNOT, härledd_typ, månadsrubrik
from .numbers import tolka_tal

VARAV = re.compile(r"^[\s\-–•]*(varav|därav)\b", re.IGNORECASE)
ÅRTAL = re.compile(r"^(19[5-9]\d|20\d\d)$")
TERTIALMÅNADER = {1: range(1, 5), 2: range(5, 9), 3: range(9, 13)}
MÅNADER_SOM_RUBRIK = 2  # at least this many month headers make a header row


@dataclass
class Kontroll:
    """A derived figure in the file, checked against what the data lines give."""

    plats: Plats
    vad: str
    tryckt: float
    beräknat: float
    tolerans: float

    @property
    def stämmer(self) -> bool:
        return abs(self.tryckt - self.beräknat) <= self.tolerans

    def __str__(self) -> str:
        return (f"{self.plats}: {self.vad} är {tal(self.tryckt, 2).removesuffix(',00')} i filen men "
                f"{tal(self.beräknat, 2).removesuffix(',00')} enligt raderna")


@dataclass
class Serier:
    """Monthly series from a report-shaped table: columns serie, år, månad, värde, källrad, varav_av."""

    data: pd.DataFrame
    tabell: Tabell
    layout: str
    kontroller: list[Kontroll] = field(default_factory=list)

    @property
    def varningar(self) -> list[str]:
        return [*self.tabell.varningar, *(str(k) for k in self.kontroller if not k.stämmer)]


def är_bred_rubrik(h: list[str]) -> bool:
    return sum(1 for c in h if månadsrubrik(c)) >= MÅNADER_SOM_RUBRIK


def rensa_etikett(v: object) -> str:
    """A label cell as text with glued footnote digits removed: 'familjehem2' → 'familjehem'."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return FOTNOT.sub("", str(v).strip()).strip()


def _enhet(values: np.ndarray) -> float:
    """The rounding unit of the data: 1 for whole numbers, 0.1 for one decimal, …"""
    v = values[~np.isnan(values)]
    for d in range(0, 5):
        if np.allclose(v * 10**d, np.round(v * 10**d), atol=1e-6):
            return 10.0 ** -d
    return 1e-4


def läs_serier(sökväg: str | Path, blad: str | None = None) -> Serier:
    """Load a report-shaped table (either layout) into tidy monthly series."""
    tabell = läs_tabell(sökväg, lambda h: är_bred_rubrik(h) or _transponerad_kandidat(h),
                        "månader som kolumner (jan, feb, …) eller årtal som kolumner", blad)
    rubriker = list(tabell.data.columns)
    if är_bred_rubrik(rubriker):
        return _bred(tabell)
    return _transponerad(tabell)


def _transponerad_kandidat(h: list[str]) -> bool:
    years = sum(1 for c in h if ÅRTAL.match(c.strip()))
    return years >= 1 and (years >= 2 or any(c in ("", "månad", "kolumn a", "kolumn 1") for c in h))


def _tal_kolumn(tabell: Tabell, kolumn: str, fel: list[KommunrapportFel]) -> np.ndarray:
    values, bad = tolka_tal(tabell.data[kolumn])
    for p in np.flatnonzero(bad.to_numpy())[:10]:
        fel.append(IndataFel(f"'{tabell.data[kolumn].iloc[p]}' är inget tal", tabell.plats(int(p), kolumn)))
    return values.to_numpy(dtype="float64")


def _bred(tabell: Tabell) -> Serier:
    df = tabell.data
    cols = list(df.columns)
    månadskol = {c: mr for c in cols if (mr := månadsrubrik(c))}
    årkol = next((c for c in cols if c in ("år", "ar", "year", "årtal")), None)
    härledda = {c: härledd_typ(c) for c in cols if c not in månadskol and härledd_typ(c)}
    etikettkol = next((c for c in cols if c not in månadskol and c != årkol and c not in härledda), None)
    fel: list[KommunrapportFel] = []
    mcols = list(månadskol)
    V = np.column_stack([_tal_kolumn(tabell, c, fel) for c in mcols])
    D = {c: _tal_kolumn(tabell, c, fel) for c in härledda}
    år_värden = _tal_kolumn(tabell, årkol, fel) if årkol else None
    if fel:
        raise IndataFel.samla(fel)
    etiketter = [rensa_etikett(v) for v in df[etikettkol]] if etikettkol else [""] * len(df)
    månad_nr = np.array([månadskol[c][1] for c in mcols])
    år_i_rubrik = [månadskol[c][0] for c in mcols]

    titel = tabell.titlar[0] if tabell.titlar else Path(tabell.fil).stem
    serie, förälder = titel, None
    block: list[tuple[int, int | None]] = []  # (row, year) since the block started or the last sum rows
    efter_summa = False
    rader: list[tuple[str, int, int, float, int, str | None]] = []
    kontroller: list[Kontroll] = []
    enhet = _enhet(V)
    sista_år = _sista_år(år_värden, etiketter, år_i_rubrik)
    for i in range(len(df)):
        etikett = etiketter[i]
        row = V[i].copy()
        typ = härledd_typ(etikett) if etikett else None
        år = None
        if år_värden is not None and not np.isnan(år_värden[i]):
            år = int(år_värden[i])
        elif ÅRTAL.match(etikett):
            år = int(etikett)
        if typ:
            delar = [r for r, y in block if år is None or y == år]
            _kontrollera_summarad(tabell, i, etikett, typ, row, V, delar, mcols, månad_nr, enhet, kontroller)
            efter_summa = True
            continue
        if efter_summa:
            block, efter_summa = [], False
        if np.isnan(row).all() and år is None:
            if etikett:  # a block title: the series the following year rows belong to
                serie, förälder, block = etikett, None, []
            continue
        if år is not None and etikett and not ÅRTAL.match(etikett) and etikett != serie:
            if VARAV.match(etikett):
                förälder_nu = förälder or serie
                serie_nu = etikett
            else:
                serie, förälder = etikett, None
                serie_nu, förälder_nu = serie, None
        elif VARAV.match(etikett):
            serie_nu, förälder_nu = etikett, (förälder or serie)
        elif år is None and etikett:
            serie_nu, förälder_nu = etikett, None
        else:
            serie_nu, förälder_nu = serie, None
        # the year of each month column on this row: the row's own, else the one in the column's heading
        kolumnår = [år] * len(mcols) if år is not None else [a for a in år_i_rubrik if a is not None]
        if len(kolumnår) < len(mcols):
            raise IndataFel("året saknas: lägg till en kolumn 'år', årtal som radetiketter eller "
                            "månadsrubriker som 2025-01", tabell.plats(i, etikettkol))
        if max(kolumnår) == sista_år:
            _ej_rapporterade(row)
        if förälder_nu is None:
            block.append((i, år))
        V[i] = row
        for c, kind in härledda.items():
            tryckt = D[c][i]
            if np.isnan(tryckt) or np.isnan(row).all():
                continue
            kontroller.append(_kontroll_kolumn(tabell, i, c, kind, tryckt, row, månad_nr, enhet))
        for j, m in enumerate(månad_nr):
            if not np.isnan(row[j]):
                rader.append((serie_nu, kolumnår[j], int(m), float(row[j]),
                              int(tabell.radnummer[i]), förälder_nu))
    data = pd.DataFrame(rader, columns=["serie", "år", "månad", "värde", "källrad", "varav_av"])
    _dubbletter(data, tabell)
    return Serier(data, tabell, "månader som kolumner", kontroller)


def _sista_år(år_värden, etiketter, år_i_rubrik) -> int | None:
    years = []
    if år_värden is not None:
        years += [int(v) for v in år_värden if not np.isnan(v)]
    years += [int(e) for e in etiketter if ÅRTAL.match(e)]
    years += [a for a in år_i_rubrik if a is not None]
    return max(years) if years else None


def _ej_rapporterade(row: np.ndarray) -> None:
    """0 after the last real month of the latest year is 'not yet reported', not data (in place)."""
    nonzero = np.flatnonzero(~np.isnan(row) & (row != 0))
    if len(nonzero):
        tail = row[nonzero[-1] + 1:]
        tail[tail == 0] = np.nan


def _kontroll_kolumn(tabell, i, kolumn, kind, tryckt, row, månad_nr, enhet) -> Kontroll:
    typ, tertial = kind
    present = ~np.isnan(row)
    if typ == "tertial":
        present &= np.isin(månad_nr, list(TERTIALMÅNADER[tertial]))
    values = row[present]
    if typ == "medel":
        beräknat, tol = float(values.mean()), max(enhet, 1.0 if enhet >= 1 else enhet) * 1.0
        vad = f"{tabell.originalrubriker.get(kolumn, kolumn)} (medel av {len(values)} månader)"
    else:
        beräknat, tol = float(values.sum()), 0.5 * max(len(values), 2) * enhet
        vad = f"{tabell.originalrubriker.get(kolumn, kolumn)} (summa av {len(values)} månader)"
    return Kontroll(tabell.plats(i, kolumn), vad, float(tryckt), beräknat, tol)


def _kontrollera_summarad(tabell, i, etikett, kind, row, V, block, mcols, månad_nr, enhet, kontroller) -> None:
    if not block:
        return
    typ, _ = kind
    parts = V[block]
    for j, c in enumerate(mcols):
        if np.isnan(row[j]):
            continue
        col = parts[:, j]
        col = col[~np.isnan(col)]
        if len(col) == 0:
            continue
        beräknat = float(col.mean()) if typ == "medel" else float(col.sum())
        tol = enhet if typ == "medel" else 0.5 * max(len(col), 2) * enhet
        kontroller.append(Kontroll(tabell.plats(i, c), f"{etikett} för {MÅNADER_KORT[månad_nr[j] - 1]}",
                                   float(row[j]), beräknat, tol))


def _transponerad(tabell: Tabell) -> Serier:
    df = tabell.data
    cols = list(df.columns)
    årkol = {c: int(c.strip()) for c in cols if ÅRTAL.match(c.strip())}
    etikettkol = cols[0] if cols[0] not in årkol else None
    if etikettkol is None:
        raise IndataFel("första kolumnen ska ange månaderna (januari … december)", tabell.plats(None, cols[0]))
    fel: list[KommunrapportFel] = []
    V = {c: _tal_kolumn(tabell, c, fel) for c in årkol}
    if fel:
        raise IndataFel.samla(fel)
    serie = tabell.titlar[0] if tabell.titlar else Path(tabell.fil).stem
    sista_år = max(årkol.values())
    månadsrad: dict[int, int] = {}
    summarader: list[tuple[int, str, tuple[str, int | None]]] = []
    for i, v in enumerate(df[etikettkol]):
        etikett = rensa_etikett(v)
        _, m = år_och_månad(etikett) if etikett and not etikett.isdigit() else (None, None)
        kind = härledd_typ(etikett)
        if kind:
            summarader.append((i, etikett, kind))
        elif m:
            månadsrad[m] = i
        elif etikett or any(not np.isnan(V[c][i]) for c in årkol):
            raise IndataFel(f"raden '{etikett}' är varken en månad eller en summa/tertialsumma/årssnitt",
                            tabell.plats(i, etikettkol))
    rader = []
    kontroller: list[Kontroll] = []
    for c, år in årkol.items():
        col = np.array([V[c][månadsrad[m]] if m in månadsrad else np.nan for m in range(1, 13)])
        if år == sista_år:
            _ej_rapporterade(col)
        all_values = np.array([v for v in V[c] if not np.isnan(v)])
        enhet = _enhet(all_values) if len(all_values) else 1.0
        for m in range(1, 13):
            if not np.isnan(col[m - 1]):
                rader.append((serie, år, m, float(col[m - 1]), int(tabell.radnummer[månadsrad[m]]), None))
        for i, etikett, (typ, tertial) in summarader:
            tryckt = V[c][i]
            months = list(TERTIALMÅNADER[tertial]) if tertial is not None else list(range(1, 13))  # None: summa, medel
            values = np.array([col[m - 1] for m in months])
            values = values[~np.isnan(values)]
            if np.isnan(tryckt) or len(values) == 0:
                continue
            beräknat = float(values.mean()) if typ == "medel" else float(values.sum())
            tol = enhet if typ == "medel" else 0.5 * max(len(values), 2) * enhet
            kontroller.append(Kontroll(tabell.plats(i, c), f"{etikett} {år}", float(tryckt), beräknat, tol))
    data = pd.DataFrame(rader, columns=["serie", "år", "månad", "värde", "källrad", "varav_av"])
    return Serier(data, tabell, "månader som rader", kontroller)


def _dubbletter(data: pd.DataFrame, tabell: Tabell) -> None:
    dup = data.duplicated(["serie", "år", "månad"], keep="first")
    if dup.any():
        first = data[dup].iloc[0]
        raise IndataFel(f"serien '{first['serie']}' har {first['år']} två gånger",
                        Plats(tabell.fil, tabell.blad, int(first["källrad"])))
