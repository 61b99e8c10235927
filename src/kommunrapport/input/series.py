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
and both numbers. A row "Ack. …" / "Ackumulerat …" is the accumulation from January of the series
it names (or of the series above it) and is checked as such. Months not yet reported (blank, or 0
after the last real month of the latest year) are not data. "varav" rows are loaded as series of
their own and left out of the sums; a varav label is unique under its total (the same label under
two totals becomes "label (total)"). The header row may be repeated between blocks (its label
cell then names the block), and the year may be in the title only ("Volymer 2022").
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IndataFel, KommunrapportFel, Plats
from ..formatting import tal
from ..model.period import MÅNADER_KORT, år_och_månad
from .files import Tabell, läs_tabell
from .headers import ACK, FOTNOT, härledd_typ, månadsrubrik, normalisera_rubrik
from .numbers import tolka_tal

VARAV = re.compile(r"^[\s\-–•]*(varav|därav)\b", re.IGNORECASE)
ACK_SIST = re.compile(r"\s+ack(umulerad|umulerat)?$")  # 'Resultat ack.', 'Utfall ackumulerat': the accumulation too
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
    anteckningar: list[str] = field(default_factory=list)  # inferences validera shows (the year from the title …)
    övriga_varningar: list[str] = field(default_factory=list)

    @property
    def varningar(self) -> list[str]:
        return [*self.tabell.varningar, *(str(k) for k in self.kontroller if not k.stämmer), *self.övriga_varningar]


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


ÅR_I_TEXT = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def _utan_upprepade_rubriker(tabell: Tabell, månadskol: dict[str, tuple[int | None, int]],
                             ) -> tuple[Tabell, int, bool]:
    """The header row repeated between blocks: its heading cells are emptied, so that a label in its
    first cell ('Antal brukare;jan;feb;…') starts a block like a label on its own line. Returns the table,
    the number of repeated header rows and whether they name their blocks (then the header row itself
    names the first block)."""
    df = tabell.data
    rubrik = {c: normalisera_rubrik(tabell.originalrubriker.get(c, c)) for c in df.columns}
    träffar = np.zeros(len(df), dtype=int)
    for c in månadskol:
        text = df[c].map(lambda v: normalisera_rubrik(v) if isinstance(v, str) else "")
        träffar += (text.eq(rubrik[c]) | text.map(lambda t: bool(t) and månadsrubrik(t) is not None
                                                  and not t.replace(" ", "").isdigit())).to_numpy()
    rader = np.flatnonzero(träffar >= min(MÅNADER_SOM_RUBRIK, len(månadskol)))
    if len(rader) == 0:
        return tabell, 0, False
    df = df.copy()
    namnger = False
    for i in rader:
        for c in df.columns:
            v = df.at[i, c]
            if isinstance(v, str) and (c in månadskol or normalisera_rubrik(v) == rubrik[c] or härledd_typ(v)):
                df.at[i, c] = None
            elif isinstance(v, str) and v.strip() and not ÅRTAL.match(v.strip()):
                namnger = True
    return dataclasses.replace(tabell, data=df), len(rader), namnger


def _bred(tabell: Tabell) -> Serier:
    cols = list(tabell.data.columns)
    månadskol = {c: mr for c in cols if (mr := månadsrubrik(c))}
    tabell, upprepade, namnger = _utan_upprepade_rubriker(tabell, månadskol)
    df = tabell.data
    anteckningar = ([f"{upprepade} {'upprepad rubrikrad' if upprepade == 1 else 'upprepade rubrikrader'} mellan "
                     "blocken hoppades över"] if upprepade else [])
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
    if namnger and etikettkol is not None:  # 'Antal brukare;År;jan;…' repeated: the header names the first block
        titel = rensa_etikett(tabell.originalrubriker.get(etikettkol, etikettkol))
    serie, förälder = titel, None
    block: list[tuple[int, int | None]] = []  # (row, year) since the block started or the last sum rows
    efter_summa = False
    rader: list[tuple[str, int, int, float, int, str | None]] = []
    kontroller: list[Kontroll] = []
    övriga: list[str] = []
    enhet = _enhet(V)
    sista_år = _sista_år(år_värden, etiketter, år_i_rubrik)
    titelår, titeltext = next(((int(m.group(1)), t) for t in tabell.titlar for m in [ÅR_I_TEXT.search(t)] if m),
                              (None, ""))
    flera_år = sorted({int(y) for y in ÅR_I_TEXT.findall(titeltext)})
    if len(flera_år) > 1:  # 'Placeringar 2023–2024': which year the months are is not in the title
        titelår = None
    if sista_år is None:
        sista_år = titelår
    titelår_använt = False
    senaste_kolumnår: list[int] = []
    ack_block: str | None = None  # the label of an accumulated block whose year rows are being read
    for i in range(len(df)):
        etikett = etiketter[i]
        row = V[i].copy()
        typ = härledd_typ(etikett) if etikett else None
        år = None
        if år_värden is not None and not np.isnan(år_värden[i]):
            år = int(år_värden[i])
        elif ÅRTAL.match(etikett):
            år = int(etikett)
        if etikett and (ACK.match(normalisera_rubrik(etikett)) or ACK_SIST.search(normalisera_rubrik(etikett))):
            if np.isnan(row).all() and år is None:  # 'Ack. resultat' on its own line: its year rows follow
                ack_block = etikett
                continue
            _kontrollera_ack(tabell, i, etikett, år, row, rader, senaste_kolumnår, månad_nr, mcols, enhet,
                             kontroller, övriga)
            continue
        if ack_block is not None:
            if år is not None and (not etikett or ÅRTAL.match(etikett)):
                _kontrollera_ack(tabell, i, ack_block, år, row, rader, senaste_kolumnår, månad_nr, mcols, enhet,
                                 kontroller, övriga)
                continue
            if etikett or år is not None:
                ack_block = None
        if typ:
            delar = [r for r, y in block if år is None or y == år]
            _kontrollera_summarad(tabell, i, etikett, typ, row, V, delar, mcols, månad_nr, enhet, kontroller)
            efter_summa = True
            continue
        if efter_summa:
            block, efter_summa = [], False
        if np.isnan(row).all() and år is None:
            if etikett and VARAV.match(etikett):  # a varav block: part of the series above
                serie, förälder, block = etikett, förälder or serie, []
            elif etikett:  # a block title: the series the following year rows belong to
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
        elif år is None and etikett:  # a labelled row with its numbers: the series the varav rows below belong to
            serie, förälder = etikett, None
            serie_nu, förälder_nu = serie, None
        else:
            serie_nu, förälder_nu = serie, förälder
        # the year of each month column on this row: the row's own, else the one in the column's heading
        kolumnår = [år] * len(mcols) if år is not None else [a for a in år_i_rubrik if a is not None]
        if len(kolumnår) < len(mcols) and titelår is not None:
            kolumnår, titelår_använt = [titelår] * len(mcols), True
        if len(kolumnår) < len(mcols):
            i_titeln = (f" (titeln '{titeltext}' har flera år: {', '.join(map(str, flera_år))})"
                        if len(flera_år) > 1 else "")
            raise IndataFel(f"året saknas{i_titeln}: lägg till en kolumn 'år', årtal som radetiketter eller "
                            "månadsrubriker som 2025-01", tabell.plats(i, etikettkol))
        if max(kolumnår) == sista_år:
            _ej_rapporterade(row)
        if förälder_nu is None:
            block.append((i, år))
        senaste_kolumnår = kolumnår
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
    if titelår_använt:
        anteckningar.append(f"året {titelår} är taget ur titeln '{titeltext}'")
    data = _unika_varav(pd.DataFrame(rader, columns=["serie", "år", "månad", "värde", "källrad", "varav_av"]))
    _dubbletter(data, tabell)
    return Serier(data, tabell, "månader som kolumner", kontroller, anteckningar, övriga)


def _unika_varav(data: pd.DataFrame) -> pd.DataFrame:
    """A varav label needs to be unique under its total only: the same label under two totals ('- varav
    privata' under both brukare and timmar) becomes '- varav privata (Antal brukare)' and so on."""
    varav = data[data["varav_av"].notna()]
    if varav.empty:
        return data
    totaler = varav.groupby("serie", sort=False)["varav_av"].nunique()
    flera = set(totaler[totaler > 1].index)
    if not flera:
        return data
    data = data.copy()
    i = data["serie"].isin(flera) & data["varav_av"].notna()
    data.loc[i, "serie"] = data.loc[i, "serie"] + " (" + data.loc[i, "varav_av"] + ")"
    return data


def _stam(text: str) -> str:
    """A series name without its 'Ack.'/'Ackumulerat' prefix, year, unit and punctuation, to compare."""
    t = normalisera_rubrik(text)
    t = re.sub(r"^ack(umulerad|umulerat|\.)?\s*", "", t)
    t = ACK_SIST.sub("", t)
    t = ÅR_I_TEXT.sub("", t)
    t = re.sub(r"\(.*?\)|\b(mnkr|tkr|kr)\b|[^\wåäö ]", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def _kontrollera_ack(tabell, i, etikett, år, row, rader, senaste_kolumnår, månad_nr, mcols, enhet, kontroller,
                     övriga) -> None:
    """'Ack. resultat' is the accumulation from January of the series it names, or else of the series on
    the row above: each printed value is checked against the sum of that series' months so far."""
    stam = _stam(etikett)
    namn_i_ordning = list(dict.fromkeys(r[0] for r in rader))
    mål = next((n for n in namn_i_ordning if _stam(n) == stam), None)
    if mål is None and stam:
        mål = next((n for n in reversed(namn_i_ordning) if stam in _stam(n) or _stam(n) in stam), None)
    if mål is None and rader:
        mål = rader[-1][0]
    if mål is None:
        övriga.append(f"{tabell.plats(i)}: '{etikett}' är en ackumulerad rad men det finns ingen serie ovanför "
                      "den; raden läses inte")
        return
    m_år = ÅR_I_TEXT.search(etikett)
    if år is None:
        år = int(m_år.group(1)) if m_år else (senaste_kolumnår[0] if senaste_kolumnår else None)
    if år is None:
        return
    värden = {m: v for n, y, m, v, _, _ in rader if n == mål and y == år}
    summa = 0.0
    for j, m in sorted(enumerate(månad_nr), key=lambda x: x[1]):
        if int(m) not in värden:
            break
        summa += värden[int(m)]
        if np.isnan(row[j]):
            continue
        kontroller.append(Kontroll(tabell.plats(i, mcols[j]),
                                   f"{etikett} för {MÅNADER_KORT[int(m) - 1]} {år} (ackumulerat '{mål}')",
                                   float(row[j]), summa, 0.5 * enhet * (int(m) + 1)))


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
    # the rounding of this row and of the printed figure, not of the whole table: a table with mnkr to one
    # decimal does not make a printed årssnitt of brukare (416 for 416,5) a misprint
    enhet = max(enhet, _enhet(row), _enhet(np.array([float(tryckt)])))
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
        e = max(enhet, _enhet(col), _enhet(np.array([float(row[j])])))  # this column's rounding
        tol = e if typ == "medel" else 0.5 * max(len(col), 2) * e
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
