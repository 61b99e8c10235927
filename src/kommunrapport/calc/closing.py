"""Is a month closed? The user's rule (a closing day, or an explicit month) and the data's own look.

Pure: no I/O and no clock (today's date is an argument). Every check gives its reason in Swedish, so
a month that fails is *preliminär* with a reason the controller can read and check:

- the rule: `[kor] stangd_tom = "2025-02"` (the months through February are closed), else
  `[kor] stangd_efter_dag = 12` (month m is closed from the 12th of month m+1), else no calendar rule;
- the data, in total: the share of the ledger's regular lines (lines with outcome in each of the up to
  three months before) that have outcome in the month; the month's outcome against its budget; and
  against the mean of the months before;
- the data, per verksamhet (top-level row of the mapping) with at least 5 % of the month's budget, when
  the total looks closed: the same share of lines, and the outcome against the budget (with a looser
  bound: small units are lumpier).

Only the low side counts: an unfinished month has too little outcome, a closed one may have more
(accruals, year-end postings).
"""

from __future__ import annotations

import calendar
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from ..formatting import procent
from ..model.period import Period, månadsnamn

# The bounds of the data check; named in every reason.
ANDEL_RADER = 0.6  # of the regular lines at least this share has outcome in a closed month
UTFALL_MOT_BUDGET = 0.5  # the month's outcome is at least this share of its budget
UTFALL_MOT_FÖRE = 0.5  # … and of the mean of the months before
VERKSAMHET_ANDEL_RADER = 0.5
VERKSAMHET_MOT_BUDGET = 0.25
VÄSENTLIG = 0.05  # a verksamhet is checked when its budget is at least this share of the month's total
MÅNADER_FÖRE = 3
ÖRE = 0.005


@dataclass(frozen=True)
class Stängningsregel:
    """When a month counts as closed by the calendar: the user's configuration ([kor])."""

    stängd_efter_dag: int | None = None  # month m is closed from this day of month m+1
    stängd_tom: Period | None = None  # the latest closed month, set by hand (overrides the day)

    def skäl(self, år: int, månad: int, idag: date) -> str | None:
        """Why (år, månad) is not yet closed by the rule, or None when it is (or no rule is set)."""
        namn = f"{månadsnamn(månad)} {år}"
        if self.stängd_tom is not None:
            s = self.stängd_tom
            if (år, månad) > (s.år, s.månad):
                return (f"konfigurationen anger att månaderna är stängda t.o.m. {månadsnamn(s.månad)} {s.år} "
                        f"([kor] stangd_tom = \"{s.stam}\")")
            return None
        if self.stängd_efter_dag is None:
            return None
        dag = stängningsdag(år, månad, self.stängd_efter_dag)
        if idag < dag:
            return (f"{namn} räknas som stängd först den {dag.day} {månadsnamn(dag.month)} {dag.year} "
                    f"([kor] stangd_efter_dag = {self.stängd_efter_dag}); i dag är det {idag.isoformat()}")
        return None


def stängningsdag(år: int, månad: int, dag: int) -> date:
    """The day month (år, månad) is closed: `dag` of the next month (the month's last day at most)."""
    å, m = (år + 1, 1) if månad == 12 else (år, månad + 1)
    return date(å, m, min(dag, calendar.monthrange(å, m)[1]))


def _tidsindex(df: pd.DataFrame) -> pd.Series:
    return df["år"].astype(int) * 12 + df["månad"].astype(int) - 1


def _radnyckel(df: pd.DataFrame) -> list[str]:
    """A ledger line: verksamhet, and konto (or typ) when the export has it."""
    return ["verksamhet"] + [c for c in ("konto", "typ") if c in df.columns and df[c].notna().any()]


def har_utfall(df: pd.DataFrame) -> pd.Series:
    """Per row of the ledger: has it outcome? A reduced ledger (input.ledger.reducera) counts the export rows
    with outcome in 'utfallsrader', so a row whose amounts cancel out still counts as having outcome."""
    if "utfallsrader" in df.columns:
        return df["utfallsrader"] > 0
    return df["utfall"].abs() > ÖRE


def _andel_rader(df: pd.DataFrame, t: int, före: list[int], nyckel: list[str]) -> tuple[float, int] | None:
    """Share of the regular lines (outcome in each month of `före`) that have outcome in month t."""
    if not före:
        return None
    d = df[df["_t"].isin([*före, t])]
    d = d.assign(_har=har_utfall(d))
    har = d[d["_har"]].groupby(nyckel, dropna=False)["_t"].agg(frozenset)
    regelbundna = har[har.map(lambda s: set(före) <= s)]
    if regelbundna.empty:
        return None
    med = int(regelbundna.map(lambda s: t in s).sum())
    return med / len(regelbundna), len(regelbundna)


def dataskäl(ledger: pd.DataFrame, år: int, månad: int, toppnamn: dict[str, str] | None = None,
             topp: dict[str, str] | None = None) -> list[str]:
    """Why the month does not look closed in the data (empty: it does).

    `ledger` has år, månad, verksamhet, utfall, budget (and optionally konto, typ, and 'rad', the
    mapping row); `topp` maps a row id to its top-level row id and `toppnamn` a top-level id to its
    label, for the check per verksamhet.
    """
    df = ledger.assign(_t=_tidsindex(ledger))
    t = år * 12 + månad - 1
    finns = sorted(set(df["_t"]))
    har = har_utfall(df)
    före = [x for x in finns if t - MÅNADER_FÖRE <= x < t and har[df["_t"] == x].any()]
    namn = f"{månadsnamn(månad)} {år}"
    nyckel = _radnyckel(df)
    skäl: list[str] = []

    denna = df[df["_t"] == t]
    utfall, budget = float(denna["utfall"].sum()), float(denna["budget"].sum())
    a = _andel_rader(df, t, före, nyckel)
    if a is not None and a[0] < ANDEL_RADER:
        skäl.append(f"bara {procent(a[0])} av huvudbokens {a[1]} rader som hade utfall månaderna före har utfall i "
                    f"{namn} (en stängd månad har minst {procent(ANDEL_RADER)})")
    if abs(budget) > 1 and utfall / budget < UTFALL_MOT_BUDGET:
        skäl.append(f"utfallet i {namn} är {procent(utfall / budget)} av månadens budget "
                    f"(en stängd månad har minst {procent(UTFALL_MOT_BUDGET)})")
    if före:
        medel = float(df[df["_t"].isin(före)]["utfall"].sum()) / len(före)
        if abs(medel) > 1 and utfall / medel < UTFALL_MOT_FÖRE:
            skäl.append(f"utfallet i {namn} är {procent(utfall / medel)} av medel för "
                        f"{'månaden' if len(före) == 1 else f'de {len(före)} månaderna'} före "
                        f"(en stängd månad har minst {procent(UTFALL_MOT_FÖRE)})")

    if not skäl and topp and "rad" in df.columns and abs(budget) > 1:  # a month closed in total, not everywhere
        df = df.assign(_topp=df["rad"].map(topp))
        öppna = []
        for tid, grupp in df.groupby("_topp", sort=False):
            g_denna = grupp[grupp["_t"] == t]
            g_budget = float(g_denna["budget"].sum())
            if abs(g_budget) < VÄSENTLIG * abs(budget):
                continue
            g_utfall = float(g_denna["utfall"].sum())
            rubrik = (toppnamn or {}).get(str(tid), str(tid))
            ga = _andel_rader(grupp, t, före, nyckel)
            if ga is not None and ga[0] < VERKSAMHET_ANDEL_RADER:
                öppna.append(f"{rubrik}: {procent(ga[0])} av raderna har utfall")
            elif g_utfall / g_budget < VERKSAMHET_MOT_BUDGET:
                öppna.append(f"{rubrik}: utfallet är {procent(g_utfall / g_budget)} av budget")
        if öppna:
            skäl.append(f"verksamheter som ser öppna ut i {namn} ({'; '.join(öppna)})")
    return skäl


def månader_med_utfall(ledger: pd.DataFrame) -> list[tuple[int, int]]:
    """Every (år, månad) with any outcome, newest first."""
    d = ledger[har_utfall(ledger)]
    nycklar = pd.unique(d["år"].to_numpy(dtype=np.int64) * 100 + d["månad"].to_numpy(dtype=np.int64))
    return sorted({(int(k) // 100, int(k) % 100) for k in nycklar}, reverse=True)


def senaste_stängda(ledger: pd.DataFrame, regel: Stängningsregel | None = None, idag: date | None = None,
                    toppnamn: dict[str, str] | None = None, topp: dict[str, str] | None = None,
                    ) -> tuple[tuple[int, int] | None, list[tuple[int, int, list[str]]]]:
    """The latest month with outcome that is closed by the rule and the data, and the later months
    with outcome that are not, with their reasons (newest first)."""
    preliminära: list[tuple[int, int, list[str]]] = []
    for år, månad in månader_med_utfall(ledger):
        skäl = []
        if regel is not None and idag is not None:
            s = regel.skäl(år, månad, idag)
            if s:
                skäl.append(s)
        skäl += dataskäl(ledger, år, månad, toppnamn, topp)
        if not skäl:
            return (år, månad), preliminära
        preliminära.append((år, månad, skäl))
    return None, preliminära


def underlag(df: pd.DataFrame, år: int, månad: int, kolumner: list[str], från_år: int | None = None,
             urval: np.ndarray | None = None,
             koder: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None) -> str:
    """A fingerprint (sha256) of the figures a period's report is made of: the rows from `från_år`
    (default the year before) through `månad` of `år`, in the given columns (amounts to the öre), in a
    fixed order. Rows of later months, and columns not named (the forecast), do not change it.

    `urval`: only the rows where it is True (one nämnd's rows of a kommun-wide export), not copied.
    `koder`: (codes, distinct values) of text columns of `df` (Huvudbok.kodning), to not factorise again."""
    från = år - 1 if från_år is None else från_år
    å, m = df["år"].to_numpy(), df["månad"].to_numpy()
    mask = ((å == år) & (m <= månad)) | ((å >= från) & (å < år))
    if urval is not None:
        mask &= urval
    rader = np.flatnonzero(mask)
    namn = [c for c in kolumner if c in df.columns]
    if len(rader) and namn:
        kolumner_: dict[str, Any] = {}
        for c in namn:
            if koder is not None and c in koder:
                kod, unika = koder[c]
                kolumner_[c] = (kod[rader], unika)
            elif pd.api.types.is_float_dtype(df[c].dtype):
                kolumner_[c] = np.round(df[c].to_numpy(dtype=float)[rader], 2) + 0.0  # never -0.0
            else:
                kolumner_[c] = df[c].iloc[rader]
        summa = _csv_summa(kolumner_)
        if summa is not None:
            return summa
    d = df.iloc[rader][namn].copy()
    for c in d.columns:
        if pd.api.types.is_float_dtype(d[c].dtype):
            d[c] = np.round(d[c].to_numpy(dtype=float), 2) + 0.0  # never -0.0
    text = d.astype(str).sort_values(list(d.columns)).to_csv(index=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _csv_summa(kolumner: Mapping[str, Any]) -> str | None:
    """The sha256 of `d.astype(str).sort_values(all columns).to_csv(index=False)` of the frame of
    `kolumner` (each a Series, float64 values, or (codes, distinct values)), byte for byte, without a Python
    string per cell: each column's distinct values are turned into text (the same astype(str)), ranked (a
    missing value last, as sort_values puts it), the rows sorted on the ranks, and the lines joined in
    Arrow. None when a text needs quoting in CSV (a comma, a quote, a line break), or the frame is
    empty: then the caller does it the slow way."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not kolumner:
        return None
    rang, texter, koder = [], [], []
    for värden in kolumner.values():
        flyttal = isinstance(värden, np.ndarray) and värden.dtype.kind == "f"
        if isinstance(värden, tuple):
            kod, unika = värden
            siffror = False
        else:
            kod, unika = pd.factorize(värden, use_na_sentinel=False)
            siffror = isinstance(värden, np.ndarray) or pd.api.types.is_numeric_dtype(värden.dtype)
        if len(kod) == 0:
            return None
        if flyttal:  # astype(str) of a float is its repr, NaN missing
            v = np.asarray(unika, dtype=np.float64)
            saknas = np.isnan(v)
            text = _flyttalstext(np.where(saknas, 0.0, v))
            if saknas.any():
                text = pc.if_else(pa.array(saknas), pa.scalar("", pa.large_string()), text)
        else:
            serie = pd.Series(unika).astype(str)
            saknas = serie.isna().to_numpy()
            ord_ = serie.fillna("").to_numpy(dtype=object)
            if not siffror and any(any(t in v for t in ',"\r\n') for v in ord_):
                return None
            text = pa.array(ord_, type=pa.large_string())
        # sorted as text (Arrow compares UTF-8 bytes: the order of the code points, as Python's str), a
        # missing value last; stable, as sort_values
        # (equal texts get the same rank: two distinct values written alike, 1 and '1', tie as their text does)
        finns = np.flatnonzero(~saknas)
        sorterade, ny = _textordning(text.take(pa.array(finns)))
        r = np.empty(len(saknas), dtype=np.int64)
        r[finns[sorterade]] = np.cumsum(ny) - 1
        r[saknas] = int(ny.sum())  # a missing value last
        rang.append(r[kod])
        texter.append(text)
        koder.append(kod)
    storlekar = [len(t) + 1 for t in texter]
    if float(np.prod(np.array(storlekar, dtype=np.float64))) < 2.0**62:  # one integer key: one argsort, not lexsort
        nyckel = np.zeros(len(rang[0]), dtype=np.int64)
        for r_, u in zip(rang, storlekar):
            nyckel *= u
            nyckel += r_
        rader = np.argsort(nyckel)  # (rows with equal keys are equal in every column: their order does not matter)
        del nyckel
    else:
        rader = np.lexsort(rang[::-1])
    del rang
    delar = [t.take(pa.array(k[rader])) for t, k in zip(texter, koder)]
    slut = os.linesep
    rader_text = pc.binary_join_element_wise(*delar, pa.scalar(",", pa.large_string()))
    rader_text = pc.binary_join_element_wise(rader_text, pa.scalar("", pa.large_string()),
                                             pa.scalar(slut, pa.large_string()))
    _, offsets, data = rader_text.buffers()
    o = np.frombuffer(offsets, dtype=np.int64)[rader_text.offset:rader_text.offset + len(rader_text) + 1]
    h = hashlib.sha256((",".join(str(c) for c in kolumner) + slut).encode("utf-8"))
    h.update(memoryview(data)[int(o[0]):int(o[-1])])
    return h.hexdigest()


_DECIMALER = np.array(
    [".0" if f == 0 else f".{f // 10}" if f % 10 == 0 else f".{f:02d}" for f in range(100)], dtype=object)


def _flyttalstext(v: np.ndarray):
    """repr() of every float of `v` as an Arrow large_string array, without a Python float per value for
    the amounts in kronor and öre: a value that is the double nearest to k/100 with |k| < 2^52 (every
    amount rounded to the öre below 45 000 bn kr) is written from the integer k (its shortest repr is k/100
    without trailing zeros, e.g. 1234.0, 1234.5, -0.05); any other value by repr itself."""
    import pyarrow as pa
    import pyarrow.compute as pc

    k = np.rint(v * 100.0)
    öre = (np.abs(v) < 7e13) & (k / 100.0 == v)
    ki = np.where(öre, k, 0).astype(np.int64)
    a = np.abs(ki)
    heltal = pc.cast(pa.array(a // 100), pa.large_string())
    tecken = pa.array(np.where(ki < 0, "-", ""), type=pa.large_string())
    decimaler = pa.array(_DECIMALER, type=pa.large_string()).take(pa.array(a % 100))
    text = pc.binary_join_element_wise(tecken, heltal, decimaler, pa.scalar("", pa.large_string()))
    if not öre.all():  # 1e16, 0.1 + 0.2, NaN's stand-in …: Python's own repr
        annat = [repr(x) for x in v[~öre].tolist()]
        text = pc.replace_with_mask(text, pa.array(~öre), pa.array(annat, type=pa.large_string()))
    return text


def _textordning(text) -> tuple[np.ndarray, np.ndarray]:
    """(the indices that sort an Arrow string array as text, stably; per sorted position whether its text
    differs from the one before). Short texts (every amount) are sorted as big-endian 64-bit words of
    their zero-padded UTF-8 bytes, which order as the texts do; longer ones by Arrow's sort."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(text)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    if not pa.types.is_large_string(text.type):
        text = text.cast(pa.large_string())
    _, offsets, data = text.buffers()
    o = np.frombuffer(offsets, dtype=np.int64, count=n + 1, offset=8 * text.offset)
    längd = np.diff(o)
    bredd = -(-int(längd.max()) // 8) * 8 if n else 0
    b = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    if data is None or bredd == 0 or bredd > 24 or text.null_count or 0 in b[o[0]:o[-1]]:  # (NUL: the padding)
        ordning = pc.sort_indices(text).to_numpy()
        ordnade = text.take(pa.array(ordning))
        ny = np.ones(n, dtype=bool)
        if n > 1:
            ny[1:] = ~pc.equal(ordnade[1:], ordnade[:-1]).to_numpy(zero_copy_only=False)
        return ordning, ny
    matris = np.zeros((n, bredd), dtype=np.uint8)
    for j in range(bredd):  # byte j of every text (0 after its end: a shorter text sorts first, as str does)
        har = längd > j
        matris[har, j] = b[o[:-1][har] + j]
    ord_ = matris.view(">u8").astype(np.uint64)  # (n, bredd / 8) words, most significant first
    ordning = np.lexsort(ord_.T[::-1])
    ordnade = ord_[ordning]
    ny = np.ones(n, dtype=bool)
    ny[1:] = (ordnade[1:] != ordnade[:-1]).any(axis=1)
    return ordning, ny
