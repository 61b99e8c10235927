"""Misprints in printed report tables: the identities a table implies, which of them break, and which
cell is the likely misprint. Pure functions over the model in model/tryckt.py; no I/O.

1. The sign convention is detected, not assumed: for each family of identities (budgetavvikelse,
   prognosavvikelse, netto = intäkter + kostnader) every convention is tried and the one that most
   printed rows satisfy is used (deviation = utfall − budget or budget − utfall, per row class).
2. Every identity is checked with interval arithmetic: each printed term may be off by half a unit of
   its last printed digit, so ordinary rounding gaps never warn.
3. The broken identities are grouped by the cells they share; a cell that lies in every broken identity
   of a group, and for which one value makes all its identities hold (the broken and the holding ones),
   explains the group: that cell is the likely misprint. The usual slips are recognised (a lost minus
   sign, a value copied from a neighbouring cell, two transposed digits, one wrong digit).
4. Figures stated in the text of a Word document are compared with the cell they describe.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..formatting import tal
from ..model.tryckt import BELOPP, ENHETER, Påstående, TrycktCell, TrycktDokument, TrycktTabell

Nyckel = tuple[int, int, int]  # table, row, column
Intervall = tuple[float, float]

NIVÅMÅTT = ("budget", "utfall", "prognos", "årsbudget", "utfall_fjol", "budget_fjol")  # levels, not deviations
AVVIKELSEMÅTT = ("avvikelse", "prognosavvikelse", "avvikelse_fjol", "månad")


@dataclass(frozen=True)
class Identitet:
    """`summa`: Σ k·x = 0; `högst`: Σ k·x ≤ 0; `kvot`: x0 = skala · x1 / x2 + förskjutning."""

    namn: str
    slag: str
    termer: tuple[tuple[float, Nyckel], ...]
    skala: float = 1.0
    förskjutning: float = 0.0

    @property
    def celler(self) -> list[Nyckel]:
        return [n for _, n in self.termer]


@dataclass
class Fynd:
    """One inconsistency: a cell (or a sentence) whose printed value its parts contradict."""

    tabell: str
    rad: str
    kolumn: str
    cell: str | None  # 'D4' in a sheet
    tryckt: str
    väntat: str | None
    identiteter: list[str]
    orsak: str
    i_texten: bool = False  # a figure in a sentence of a Word document: `rad` is the sentence, `kolumn` the figure

    def text(self) -> str:
        if self.i_texten:
            return (f"{self.tabell} (\"{self.rad}\"): texten säger {self.tryckt}, men {self.identiteter[0]} "
                    f"ger {self.väntat}; {self.orsak}")
        plats = f"{self.tabell}, rad '{self.rad}', kolumn '{self.kolumn}'" + (f" (cell {self.cell})" if self.cell else "")
        väntat = f", delarna ger {self.väntat}" if self.väntat is not None else ""
        return f"{plats}: tryckt {self.tryckt}{väntat} (bryter: {'; '.join(self.identiteter)}); {self.orsak}"

    def som_dict(self) -> dict:
        return {"tabell": self.tabell, "rad": self.rad, "kolumn": self.kolumn, "cell": self.cell, "tryckt": self.tryckt,
                "väntat": self.väntat, "identiteter": self.identiteter, "orsak": self.orsak}


@dataclass
class Granskning:
    fynd: list[Fynd] = field(default_factory=list)
    beskrivning: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- intervals

def _eps(v: float) -> float:
    return 1e-9 * max(1.0, abs(v))


def _iv(c: TrycktCell) -> Intervall:
    return (c.värde - c.halvenhet - _eps(c.värde), c.värde + c.halvenhet + _eps(c.värde))


def _summa(delar: list[tuple[float, Intervall]]) -> Intervall:
    lo = sum(k * (a if k > 0 else b) for k, (a, b) in delar)
    hi = sum(k * (b if k > 0 else a) for k, (a, b) in delar)
    return lo, hi


def _div(a: Intervall, b: Intervall) -> Intervall | None:
    if b[0] <= 0 <= b[1]:
        return None
    q = [a[0] / b[0], a[0] / b[1], a[1] / b[0], a[1] / b[1]]
    return min(q), max(q)


def _mul(a: Intervall, b: Intervall) -> Intervall:
    q = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]]
    return min(q), max(q)


def _lin(a: Intervall, skala: float, plus: float) -> Intervall:
    x, y = a[0] * skala + plus, a[1] * skala + plus
    return (min(x, y), max(x, y))


def _snitt(a: Intervall, b: Intervall) -> Intervall | None:
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    return (lo, hi) if lo <= hi else None


# ---------------------------------------------------------------------------------------------- identities

@dataclass
class _Tabeller:
    tabeller: list[TrycktTabell]

    def cell(self, n: Nyckel) -> TrycktCell | None:
        t, r, k = n
        return self.tabeller[t].celler[r][k]


def håller(idt: Identitet, celler: dict[Nyckel, Intervall]) -> bool:
    """Whether the identity can hold with each term anywhere within its interval."""
    if idt.slag == "summa":
        lo, hi = _summa([(k, celler[n]) for k, n in idt.termer])
        return lo <= 0 <= hi
    if idt.slag == "högst":
        return _summa([(k, celler[n]) for k, n in idt.termer])[0] <= 0
    (_, r), (_, a), (_, b) = idt.termer
    q = _div(celler[a], celler[b])
    return q is None or _snitt(celler[r], _lin(q, idt.skala, idt.förskjutning)) is not None


def krav(idt: Identitet, n: Nyckel, celler: dict[Nyckel, Intervall]) -> Intervall | None:
    """The values cell `n` may take for the identity to hold, the other terms as printed (None: any)."""
    if idt.slag in ("summa", "högst"):
        k = next(k for k, m in idt.termer if m == n)
        lo, hi = _summa([(kk, celler[m]) for kk, m in idt.termer if m != n])
        if idt.slag == "summa":
            return _lin((-hi, -lo), 1 / k, 0.0)
        # k·x ≤ −lo
        return (-math.inf, -lo / k) if k > 0 else (-lo / k, math.inf)
    (_, r), (_, a), (_, b) = idt.termer
    if n == r:
        q = _div(celler[a], celler[b])
        return None if q is None else _lin(q, idt.skala, idt.förskjutning)
    rel = _lin(celler[r], 1 / idt.skala, -idt.förskjutning / idt.skala)  # a / b
    if n == a:
        return _mul(rel, celler[b])
    return _div(celler[a], rel)


def _rubrik(t: TrycktTabell, k: int) -> str:
    return f"'{t.kolumner[k]}'"


def _radklass(t: TrycktTabell, r: int) -> int:
    return 0 if t.roller[r] == "intäkter" else 1


# Sign of deviation = s · (a − b) per row class (intäkter, other rows).
TECKENVAL: list[tuple[tuple[int, int], str]] = [
    ((1, 1), "utfall − budget"), ((-1, -1), "budget − utfall"),
    ((1, -1), "utfall − budget för intäkter, budget − utfall för kostnader"),
    ((-1, 1), "budget − utfall för intäkter, utfall − budget för kostnader")]
NETTOVAL: list[tuple[int, int]] = [(1, 1), (1, -1), (-1, 1)]


def _avvikelser(ti: int, t: TrycktTabell, mått: str, a_mått: str, b_mått: str, val: tuple[int, int]) -> list[Identitet]:
    d, a, b = t.kolumn_med(mått), t.kolumn_med(a_mått), t.kolumn_med(b_mått)
    if d is None or a is None or b is None:
        return []
    ut = []
    for r in range(len(t.rader)):
        if t.celler[r][d] is None or t.celler[r][a] is None or t.celler[r][b] is None:
            continue
        s = val[_radklass(t, r)]
        namn = (f"{_rubrik(t, d)} = {_rubrik(t, a)} − {_rubrik(t, b)}" if s > 0
                else f"{_rubrik(t, d)} = {_rubrik(t, b)} − {_rubrik(t, a)}")
        ut.append(Identitet(namn + f" på rad '{t.rader[r]}'", "summa",
                            ((1.0, (ti, r, d)), (-s, (ti, r, a)), (s, (ti, r, b)))))
    return ut


def _prognosavvikelser(ti: int, t: TrycktTabell, val: tuple[int, int]) -> list[Identitet]:
    if t.kolumn_med("årsbudget") is not None:
        return _avvikelser(ti, t, "prognosavvikelse", "prognos", "årsbudget", val)
    return _avvikelser(ti, t, "prognosavvikelse", "utfall", "prognos", val)


def _netto(ti: int, t: TrycktTabell, mått: tuple[str, ...], val: tuple[int, int]) -> list[Identitet]:
    rad = {roll: next((r for r, x in enumerate(t.roller) if x == roll), None) for roll in ("intäkter", "kostnader", "netto")}
    i, k_, n = rad["intäkter"], rad["kostnader"], rad["netto"]
    if i is None or k_ is None or n is None:
        return []
    a, b = val
    tecken = {1: "+", -1: "−"}
    namn = (f"'{t.rader[n]}' = {'' if a > 0 else '−'}'{t.rader[i]}' {tecken[b]} '{t.rader[k_]}'")
    ut = []
    for k, m in enumerate(t.mått):
        if m in mått and all(t.celler[r][k] is not None for r in (i, k_, n)):
            ut.append(Identitet(f"{namn} i kolumn {_rubrik(t, k)}", "summa",
                                ((1.0, (ti, n, k)), (-a, (ti, i, k)), (-b, (ti, k_, k)))))
    return ut


def _summor(ti: int, t: TrycktTabell) -> list[Identitet]:
    """A total = the sum of the main rows since the previous total; varav rows within their parent."""
    ut: list[Identitet] = []
    början = 0
    for r, roll in enumerate(t.roller):
        if roll != "total":
            continue
        delar = [x for x in range(början, r) if t.roller[x] == "verksamhet" and t.nivåer[x] == 1]
        början = r + 1
        if not delar:
            continue
        for k, m in enumerate(t.mått):
            if m not in BELOPP or t.celler[r][k] is None:
                continue
            if any(t.celler[x][k] is None for x in delar) and all(t.celler[x][k] is None for x in delar):
                continue
            termer = ((1.0, (ti, r, k)),) + tuple((-1.0, (ti, x, k)) for x in delar if t.celler[x][k] is not None)
            ut.append(Identitet(f"'{t.rader[r]}' = summan av raderna ovanför i kolumn {_rubrik(t, k)}", "summa", termer))
    for p in range(len(t.rader)):
        barn = []
        for x in range(p + 1, len(t.rader)):
            if t.nivåer[x] <= t.nivåer[p]:
                break
            if t.nivåer[x] == t.nivåer[p] + 1:
                barn.append(x)
        if not barn or t.roller[p] == "total":
            continue
        for k, m in enumerate(t.mått):
            if m not in NIVÅMÅTT or t.celler[p][k] is None:
                continue
            värden = [c for x in barn if (c := t.celler[x][k]) is not None]
            if not värden:
                continue
            pc = t.celler[p][k]
            assert pc is not None
            s = 1.0 if pc.värde >= 0 else -1.0
            if any(c.värde * s < 0 for c in värden):  # mixed signs: no bound
                continue
            termer = tuple((s, (ti, x, k)) for x in barn if t.celler[x][k] is not None) + ((-s, (ti, p, k)),)
            ut.append(Identitet(f"varav-raderna under '{t.rader[p]}' ryms i den i kolumn {_rubrik(t, k)}", "högst", termer))
    return ut


def _skala(t: TrycktTabell, k: int) -> float:
    """100 for a column of percent ('53,7 %' or 53.7), 1 for shares as fractions (0.537, an annex)."""
    celler = [c for rad in t.celler if (c := rad[k]) is not None]
    if any(c.procent for c in celler):
        return 100.0
    return 1.0 if celler and max(abs(c.värde) for c in celler) <= 5 else 100.0


def _kvoter(ti: int, t: TrycktTabell) -> list[Identitet]:
    ut = []
    total = next((r for r, x in enumerate(t.roller) if x == "total"), None)
    for k, m in enumerate(t.mått):
        if m not in ("förbrukat", "förbrukat_år", "andel", "förändring"):
            continue
        skala = _skala(t, k)
        if m == "andel":
            nämnare = t.kolumn_med("årsbudget") if t.kolumn_med("årsbudget") is not None else t.kolumn_med("budget")
            täljare = nämnare
        else:
            täljare = t.kolumn_med("utfall")
            nämnare = t.kolumn_med({"förbrukat": "budget", "förbrukat_år": "årsbudget", "förändring": "utfall_fjol"}[m])
            if m == "förbrukat" and nämnare is None:
                nämnare = t.kolumn_med("årsbudget")
        if täljare is None or nämnare is None:
            continue
        for r in range(len(t.rader)):
            nr = total if m == "andel" else r
            if nr is None or t.celler[r][k] is None or t.celler[r][täljare] is None or t.celler[nr][nämnare] is None:
                continue
            bas = f"'{t.rader[nr]}' {_rubrik(t, nämnare)}" if m == "andel" else _rubrik(t, nämnare)
            formel = f"{_rubrik(t, täljare)} / {bas}" + (" − 1" if m == "förändring" else "")
            ut.append(Identitet(f"{_rubrik(t, k)} = {formel} på rad '{t.rader[r]}'", "kvot",
                                ((1.0, (ti, r, k)), (1.0, (ti, r, täljare)), (1.0, (ti, nr, nämnare))),
                                skala, -skala if m == "förändring" else 0.0))
    return ut


def identiteter(dokument: TrycktDokument) -> tuple[list[Identitet], list[str]]:
    """Every identity the document's tables imply, under the sign conventions that fit them best, and a
    description of the conventions found."""
    tabeller = dokument.tabeller
    celler = _intervall(dokument)
    beskrivning: list[str] = []
    fasta: list[Identitet] = []
    for ti, t in enumerate(tabeller):
        fasta += _summor(ti, t) + _kvoter(ti, t)

    def bäst(bygg, val, namn, per_radklass: bool = False) -> list[Identitet]:
        """Per table the option most of its rows satisfy; a tie (a table of one row) goes to the file's choice.
        `per_radklass`: options 2 and on treat intäkter rows apart, and apply only to tables that have them."""

        def gäller(t: TrycktTabell, n: int) -> bool:
            return n < 2 or not per_radklass or "intäkter" in t.roller

        per_tabell = [[(sum(håller(i, celler) for i in ids) if gäller(t, n) else -1, ids if gäller(t, n) else [])
                       for n, v in enumerate(val) for ids in [bygg(ti, t, v)]]
                      for ti, t in enumerate(tabeller)]
        i_filen = [sum(p[n][0] for p in per_tabell) for n in range(len(val))]
        valda: list[Identitet] = []
        beskrivna = []
        for p in per_tabell:
            if not any(ids for _, ids in p):
                continue
            n = max(range(len(val)), key=lambda n: (p[n][0], i_filen[n], -n))
            valda += p[n][1]
            beskrivna.append(n)
        if namn:
            for n in dict.fromkeys(beskrivna):
                beskrivning.append(namn(val[n]) + (f" ({beskrivna.count(n)} av {len(beskrivna)} tabeller)"
                                                   if len(set(beskrivna)) > 1 else ""))
        return valda

    valda = bäst(lambda ti, t, v: _avvikelser(ti, t, "avvikelse", "utfall", "budget", v[0]), TECKENVAL,
                 lambda v: f"budgetavvikelse = {v[1]}", per_radklass=True)
    mot_årsbudget = any(t.kolumn_med("årsbudget") is not None for t in tabeller)  # else December: utfall − prognos
    valda += bäst(lambda ti, t, v: _prognosavvikelser(ti, t, v[0]), TECKENVAL,
                  lambda v: "prognosavvikelse = " + (v[1].replace("utfall", "prognos").replace("budget", "årsbudget")
                                                     if mot_årsbudget else v[1].replace("budget", "prognos")),
                  per_radklass=True)
    valda += bäst(lambda ti, t, v: _netto(ti, t, NIVÅMÅTT, v), NETTOVAL, None)
    valda += bäst(lambda ti, t, v: _netto(ti, t, AVVIKELSEMÅTT, v), NETTOVAL, None)
    tecken = {}
    for t in tabeller:
        kostnader = [c.värde for r, roll in enumerate(t.roller) if roll in ("kostnader", "netto", "verksamhet", "total")
                     for k, m in enumerate(t.mått) if m in ("budget", "utfall", "årsbudget") and (c := t.celler[r][k]) is not None]
        if kostnader:
            tecken[t.namn] = "negativa" if sum(v < 0 for v in kostnader) > len(kostnader) / 2 else "positiva"
    if len(set(tecken.values())) == 1:
        beskrivning.insert(0, f"kostnader {next(iter(tecken.values()))}")
    elif tecken:
        beskrivning.insert(0, "kostnader " + ", ".join(f"{v} i {n}" for n, v in tecken.items()))
    return fasta + valda, beskrivning


def _intervall(dokument: TrycktDokument) -> dict[Nyckel, Intervall]:
    return {(ti, r, k): _iv(c) for ti, t in enumerate(dokument.tabeller)
            for r, rad in enumerate(t.celler) for k, c in enumerate(rad) if c is not None}


# ---------------------------------------------------------------------------------------------- slips

def _siffror(c: TrycktCell) -> tuple[str, int] | None:
    """The printed digits and decimals of a cell ('1 397,1' → ('13971', 1))."""
    if c.decimaler is None:
        return None
    s = re.sub(r"\D", "", c.text.split("%")[0])
    return (s, c.decimaler) if s else None


def _värde(siffror: str, decimaler: int, tecken: float) -> float:
    return tecken * int(siffror) / 10**decimaler


def _format(c: TrycktCell, v: float) -> str:
    d = c.decimaler if c.decimaler is not None else 1
    return tal(v, d) + (" %" if c.procent else "")


def _slarv(n: Nyckel, c: TrycktCell, ok: Intervall, dok: _Tabeller, t: TrycktTabell) -> tuple[str, float | None] | None:
    """The usual slip that turns a value within `ok` into the printed one: (cause, the right value)."""
    lo, hi = ok[0] - c.halvenhet, ok[1] + c.halvenhet

    def inom(v: float) -> bool:
        return lo - _eps(v) <= v <= hi + _eps(v)

    if c.värde != 0 and inom(-c.värde):
        return "troligen ett tappat minustecken" if c.värde > 0 else "troligen ett minustecken för mycket", -c.värde
    ti, r, k = n
    grannar = [((ti, r, k - 1), f"cellen till vänster ({_rubrik(t, k - 1)})"),
               ((ti, r, k + 1), f"cellen till höger ({_rubrik(t, k + 1)})" if k + 1 < len(t.kolumner) else ""),
               ((ti, r - 1, k), f"raden ovanför ('{t.rader[r - 1]}')" if r > 0 else ""),
               ((ti, r + 1, k), f"raden nedanför ('{t.rader[r + 1]}')" if r + 1 < len(t.rader) else "")]
    for (tt, rr, kk), namn in grannar:
        if namn and 0 <= kk < len(t.kolumner) and 0 <= rr < len(t.rader):
            g = dok.cell((tt, rr, kk))
            if g is not None and g.text.strip() == c.text.strip() and not inom(c.värde):
                return f"troligen kopierat från {namn}", None
    sd = _siffror(c)
    if sd is None:
        return None
    s, dec = sd
    tecken = -1.0 if c.värde < 0 else 1.0
    mitt = _mitt(ok, c)

    def närmast(varianter: list[tuple[str, float]]) -> tuple[str, float] | None:
        inom_ = [(text, v) for text, v in varianter if inom(v)]
        return min(inom_, key=lambda x: abs(x[1] - mitt) if mitt is not None else 0) if inom_ else None

    # a transposition or one wrong digit, whichever lands nearest the value the identities give (a tie: the transposition)
    return närmast([(f"troligen två siffror som bytt plats ({_format(c, v)} blev {c.text.strip()})", v)
                    for i in range(len(s) - 1) if s[i] != s[i + 1]
                    for v in [_värde(s[:i] + s[i + 1] + s[i] + s[i + 2:], dec, tecken)]]
                   + [(f"troligen en felskriven siffra ({d} i stället för {s[i]})", _värde(s[:i] + d + s[i + 1:], dec, tecken))
                      for i in range(len(s)) for d in "0123456789"
                      if d != s[i] and not (i == 0 and d == "0" and len(s) - dec > 1)])  # never '08,0'


# ---------------------------------------------------------------------------------------------- finding

def _komponenter(brutna: list[Identitet]) -> list[list[Identitet]]:
    grupper: list[tuple[set[Nyckel], list[Identitet]]] = []
    for idt in brutna:
        celler = set(idt.celler)
        berörda = [g for g in grupper if g[0] & celler]
        for g in berörda:
            grupper.remove(g)
            celler |= g[0]
        grupper.append((celler, [i for g in berörda for i in g[1]] + [idt]))
    return [g[1] for g in grupper]


def _avvikelse(idt: Identitet, värden: dict[Nyckel, float], halv: dict[Nyckel, float]) -> float:
    """How far the identity is from holding with each term at its printed value, in units of its rounding slack."""
    if idt.slag == "summa":
        rest = sum(k * värden[n] for k, n in idt.termer)
        slack = sum(abs(k) * halv[n] for k, n in idt.termer)
    elif idt.slag == "högst":
        rest = max(0.0, sum(k * värden[n] for k, n in idt.termer))
        slack = sum(abs(k) * halv[n] for k, n in idt.termer)
    else:
        (_, r), (_, a), (_, b) = idt.termer
        if värden[b] == 0:
            return 0.0
        rest = värden[r] - (idt.skala * värden[a] / värden[b] + idt.förskjutning)
        slack = halv[r] + abs(idt.skala) * (halv[a] / abs(värden[b]) + abs(värden[a]) * halv[b] / värden[b] ** 2)
    return abs(rest) / max(slack, _eps(rest))


def _välj(kandidater: list, alla: list[Identitet], dokument: TrycktDokument):
    """The cell that most likely is the misprint among those whose correction makes every identity hold: the
    only one, else the only one with a recognised slip, else the one whose correction leaves the table
    clearly closest to exact (a rounding gap the misprint hid in is then closed too)."""
    pool = [k for k in kandidater if k[2] is not None] or kandidater
    if len(pool) <= 1:
        return pool[0] if pool else None
    värden = {(ti, r, k): c.värde for ti, t in enumerate(dokument.tabeller)
              for r, rad in enumerate(t.celler) for k, c in enumerate(rad) if c is not None}
    halv = {n: max(c.halvenhet, _eps(c.värde)) for n in värden
            if (c := dokument.tabeller[n[0]].celler[n[1]][n[2]]) is not None}
    poäng = []
    for n, ok, slarv in pool:
        c = dokument.tabeller[n[0]].celler[n[1]][n[2]]
        rätt = slarv[1] if slarv is not None and slarv[1] is not None else (_mitt(ok, c) if c is not None else None)
        if rätt is None:
            return None
        rättade = {**värden, n: rätt}
        poäng.append((sum(_avvikelse(i, rättade, halv) for i in alla), n, ok, slarv))
    poäng.sort(key=lambda p: p[0])
    if poäng[0][0] + 0.5 < poäng[1][0]:
        return poäng[0][1:]
    return None


def _mitt(ok: Intervall, c: TrycktCell) -> float | None:
    lo, hi = ok
    if math.isinf(lo) and math.isinf(hi):
        return None
    if math.isinf(lo) or math.isinf(hi):
        return hi if math.isinf(lo) else lo
    return (lo + hi) / 2


def granska(dokument: TrycktDokument) -> Granskning:
    """Check every identity of the document's tables and every stated figure; name the likely misprints."""
    g = Granskning()
    alla, g.beskrivning = identiteter(dokument)
    celler = _intervall(dokument)
    dok = _Tabeller(dokument.tabeller)
    per_cell: dict[Nyckel, list[Identitet]] = {}
    for idt in alla:
        for n in idt.celler:
            per_cell.setdefault(n, []).append(idt)
    brutna = [i for i in alla if not håller(i, celler)]
    g.beskrivning.append(f"kontrollerade samband: {len(alla)}, brutna: {len(brutna)}")
    rättat: dict[Nyckel, float] = {}
    for grupp in _komponenter(brutna):
        gemensamma = set(grupp[0].celler).intersection(*(set(i.celler) for i in grupp[1:]))
        kandidater: list[tuple[Nyckel, Intervall, tuple[str, float | None] | None]] = []
        for n in sorted(gemensamma):
            ok: Intervall | None = (-math.inf, math.inf)
            for idt in per_cell[n]:
                k = krav(idt, n, celler)
                if k is not None and ok is not None:
                    ok = _snitt(ok, k)
            if ok is None:
                continue
            t = dokument.tabeller[n[0]]
            c = dok.cell(n)
            assert c is not None
            kandidater.append((n, ok, _slarv(n, c, ok, dok, t)))
        val = _välj(kandidater, alla, dokument)
        if val is not None:
            n, ok, slarv = val
            t = dokument.tabeller[n[0]]
            c = dok.cell(n)
            assert c is not None
            rätt = slarv[1] if slarv is not None and slarv[1] is not None else _mitt(ok, c)
            if rätt is not None:
                rättat[n] = rätt
            orsak = slarv[0] if slarv else "troligen fel i den här cellen (den ingår i alla samband som inte stämmer)"
            if slarv and slarv[0].startswith("troligen kopierat"):
                orsak = slarv[0]
            g.fynd.append(Fynd(t.namn, t.rader[n[1]], t.kolumner[n[2]], c.adress, c.text.strip(),
                               None if rätt is None else _format(c, rätt), [i.namn for i in grupp], orsak))
            continue
        for idt in grupp:  # no single cell explains the group: each broken identity on its own
            n = idt.termer[0][1]
            t = dokument.tabeller[n[0]]
            c = dok.cell(n)
            assert c is not None
            k = krav(idt, n, celler)
            mitt = None if k is None else _mitt(k, c)
            namn = [f"{dokument.tabeller[m[0]].rader[m[1]]} / {dokument.tabeller[m[0]].kolumner[m[2]]}"
                    for m, _, _ in kandidater] if kandidater else []
            orsak = ("någon av cellerna i sambandet är fel" if not namn
                     else "en av dessa celler kan vara fel: " + "; ".join(namn))
            g.fynd.append(Fynd(t.namn, t.rader[n[1]], t.kolumner[n[2]], c.adress, c.text.strip(),
                               None if mitt is None else _format(c, mitt), [idt.namn], orsak))
    g.fynd += _text_mot_tabell(dokument, rättat)
    return g


# ---------------------------------------------------------------------------------------------- text

def _kandidatceller(dokument: TrycktDokument, p: Påstående) -> list[tuple[Nyckel, TrycktCell]]:
    ut = []
    for ti, t in enumerate(dokument.tabeller):
        if p.rad is not None:
            rader = [r for r, x in enumerate(t.rader) if _norm(x) == _norm(p.rad)]
        else:
            total = [r for r, x in enumerate(t.roller) if x == "total"]
            rader = total[:1] or [r for r, x in enumerate(t.roller) if x == "netto"][:1]
        for r in rader:
            kolumner = [k for k, m in enumerate(t.mått) if m == p.mått]
            if not kolumner and p.mått == "avvikelse":  # accumulated deviation per month: the last month printed
                månader = [k for k, m in enumerate(t.mått) if m == "månad" and t.celler[r][k] is not None]
                kolumner = månader[-1:]
            for k in kolumner:
                if (c := t.celler[r][k]) is not None and not c.procent:
                    ut.append(((ti, r, k), c))
    return ut


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().lower()


def _text_mot_tabell(dokument: TrycktDokument, rättat: dict[Nyckel, float]) -> list[Fynd]:
    ut = []
    for p in dokument.påståenden:
        for n, c in _kandidatceller(dokument, p):
            t = dokument.tabeller[n[0]]
            faktor = ENHETER.get(t.enhet or "mnkr", 1e6)
            värde = rättat.get(n, c.värde)
            cell = (värde * faktor - c.halvenhet * faktor, värde * faktor + c.halvenhet * faktor)
            text = (p.värde - p.halvenhet, p.värde + p.halvenhet)
            if _snitt((cell[0] - _eps(cell[0]), cell[1] + _eps(cell[1])), text) is not None:
                continue
            enhet = t.enhet or "mnkr"
            ut.append(Fynd(f"stycke {p.stycke}", p.text, p.utdrag, None, p.utdrag,
                           f"{_format(c, värde)} {enhet}",
                           [f"{t.namn}, rad '{t.rader[n[1]]}', kolumn '{t.kolumner[n[2]]}'"],
                           "troligen fel i texten", i_texten=True))
            break
    return ut


__all__ = ["Fynd", "Granskning", "Identitet", "granska", "håller", "identiteter", "krav"]
