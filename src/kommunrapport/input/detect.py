"""What kind of file is this? `validera` loads a file as the reports would and describes it.

The readers are tried in order; a reader that finds no header row of its kind raises
`IngenRubrikrad` and the next one is tried. Every other problem ends the search and is reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..calc.misstryck import Fynd, granska
from ..errors import IndataFel, IngenRubrikrad, KommunrapportFel, Plats
from ..formatting import heltal, mnkr
from ..model.area import BISTÅND, HEMTJÄNST, PLACERINGAR
from ..model.period import MÅNADER, MÅNADER_KORT
from .headers import månadsrubrik
from .investments import Investeringar, läs_investeringar
from .ledger import Huvudbok, Tecken, Värden, _textkolumn, läs_ekonomi
from .mapping import Verksamhetsträd, läs_mappning
from .rapporttabell import läs_tryckt
from .series import läs_serier
from .volumes import (
    Volymdata,
    läs_bistånd,
    läs_hemtjänst,
    läs_långa_serier,
    läs_placeringar,
    läs_rapportserier,
    saknade_månader,
    varav_över_total,
)

# Headers of the column that names a verksamhet beside its code (normalised: lower case).
NAMNKOLUMNER = ("verksamhetsnamn", "verksamhet namn", "verksamhetsbenämning", "verksamhet benämning", "benämning",
                "vht namn", "vhtnamn", "vht-namn", "verksamhetstext", "verksamhet text", "namn")


@dataclass
class VerksamhetIExporten:
    """One verksamhet code of an export: its name (if the export has a name column), its lines and its
    utfall per year in the export's own sign (kr)."""

    kod: str
    namn: str
    rader: int
    utfall: dict[int, float]
    plats: Plats | None = None  # its first line

    def text(self) -> str:
        """'9999' Okänd verksamhet: 12 rader, utfall 2024 −3,0 mnkr, 2025 1,2 mnkr"""
        namn = f" {self.namn}" if self.namn else ""
        rader = f"{heltal(self.rader)} {'rad' if self.rader == 1 else 'rader'}"
        utfall = ", ".join(f"{år} {mnkr(kr)} mnkr" for år, kr in sorted(self.utfall.items()))
        return f"'{self.kod}'{namn}: {rader}" + (f", utfall {utfall}" if utfall else "")


def namnkolumn(huvudbok: Huvudbok) -> str | None:
    """The export's column that names the verksamhet codes (Verksamhetsnamn, Benämning …), if it has one."""
    kolumner = [c for c in huvudbok.tabell.data.columns if c != huvudbok.kodkolumn]
    return next((c for n in NAMNKOLUMNER for c in kolumner if c == n), None)


def _kodordning(kod: str) -> tuple:
    """Codes in the order a person expects: 900 before 1000, then text."""
    return tuple((0, int(d), "") if d.isdigit() else (1, 0, d) for d in re.findall(r"\d+|\D+", kod))


def verksamheter_i(huvudbok: Huvudbok, tecken: Tecken | str = Tecken.KOSTNAD_POSITIV) -> list[VerksamhetIExporten]:
    """Every verksamhet code of the export, in code order, with its name, lines and utfall per year.

    The name is the first non-empty one in the export's name column (see NAMNKOLUMNER). The utfall is
    shown in the export's own sign: the ledger holds it with costs negative."""
    d, t = huvudbok.data, huvudbok.tabell
    namn: dict[str, str] = {}
    if (kol := namnkolumn(huvudbok)) is not None:
        par = pd.DataFrame({"kod": _textkolumn(t.data[huvudbok.kodkolumn]), "namn": _textkolumn(t.data[kol])})
        par = par[(par["kod"] != "") & (par["namn"] != "")]
        namn = {str(k): str(n) for k, n in par.drop_duplicates("kod").itertuples(index=False)}
    teckenbyte = -1.0 if Tecken(tecken) == Tecken.KOSTNAD_POSITIV else 1.0
    per_år = d.groupby(["verksamhet", "år"])["utfall"].sum() * teckenbyte
    antal = d.groupby("verksamhet").size()
    första = d.groupby("verksamhet")["källrad"].min()
    kolumn = t.kolumnnamn(huvudbok.kodkolumn)
    ut = []
    for kod in sorted(antal.index, key=_kodordning):
        utfall = {int(år): float(v) for år, v in per_år.loc[kod].items()}
        ut.append(VerksamhetIExporten(kod, namn.get(kod, ""), int(antal[kod]), utfall,
                                      Plats(t.fil, t.blad, int(första[kod]), kolumn)))
    return ut


def saknas_i_mappningen(huvudbok: Huvudbok, träd: Verksamhetsträd, tecken: Tecken | str = Tecken.KOSTNAD_POSITIV,
                        ) -> tuple[list[VerksamhetIExporten], list[KommunrapportFel]]:
    """The export's codes that no row of the mapping takes (with names and amounts), and the errors of
    codes that several rows take."""
    saknas: list[VerksamhetIExporten] = []
    flera: list[KommunrapportFel] = []
    for v in verksamheter_i(huvudbok, tecken):
        träff = träd.slå_upp(v.kod)
        if träff is None:
            saknas.append(v)
        elif isinstance(träff, list):
            flera.append(IndataFel(f"verksamheten '{v.kod}' passar flera rader i {träd.källa}: {', '.join(träff)}",
                                   v.plats))
    return saknas, flera


@dataclass
class Validering:
    """What `kommunrapport validera` found in one file."""

    fil: str
    beskrivning: list[str] = field(default_factory=list)
    varningar: list[str] = field(default_factory=list)
    fel: list[str] = field(default_factory=list)
    saknas: list[VerksamhetIExporten] = field(default_factory=list)  # codes the mapping lacks (--mappning)
    fynd: list[Fynd] = field(default_factory=list)  # inconsistencies in printed report tables (also in varningar)
    överhoppade: list[str] = field(default_factory=list)  # tables not recognised (shown with --verbose)

    @property
    def slutkod(self) -> int:
        return 2 if self.fel else 1 if self.varningar else 0


def _månader_text(månader) -> str:
    ms = sorted(set(int(m) for m in månader))
    if ms == list(range(ms[0], ms[-1] + 1)):
        return MÅNADER_KORT[ms[0] - 1] if len(ms) == 1 else f"{MÅNADER_KORT[ms[0] - 1]}–{MÅNADER_KORT[ms[-1] - 1]}"
    return ", ".join(MÅNADER_KORT[m - 1] for m in ms)


# The volume datasets a long export can be, tried in this order after the ekonomi export.
VOLYMLÄSARE: dict[str, Callable[..., Volymdata | Investeringar]] = {
    HEMTJÄNST.namn.lower(): läs_hemtjänst, PLACERINGAR.namn.lower(): läs_placeringar,
    BISTÅND.namn.lower(): läs_bistånd, "investeringar": läs_investeringar}


def _antal_serier(n: int) -> str:
    return f"{n} {'serie' if n == 1 else 'serier'}"


def seriebeskrivning(data: Volymdata) -> list[str]:
    """Each series of a volume dataset with its kind, unit and how they were decided, so that every
    inference is shown: 'Antal brukare: bestånd, brukare (namn)'."""
    rader = []
    for d in data.definitioner:
        enhet = d.visad_enhet or "ingen enhet"
        rader.append(f"  {d.namn}: {d.slag}, {enhet} ({d.källa})")
    for k in data.kvoter:
        rader.append(f"  {k.namn}: kvot ({k.täljare} / {k.nämnare})")
    return ["serier (slag, enhet, källa):", *rader, *data.anteckningar]


def _långa_serier(v: Validering, fil: str | Path, slag: Mapping[str, str] | None, blad: str | None) -> bool:
    """Describe a file of named series in the long shape (Serie, År, Månad, Värde); False if it is none."""
    try:
        långa = läs_långa_serier(fil, slag, blad)
    except IngenRubrikrad:
        return False
    n = sum(x.serier["serie"].nunique() for x in långa)
    v.beskrivning.append(f"dataset: månadsserier (långt format), {n} {'serie' if n == 1 else 'serier'} i {len(långa)} "
                         f"{'område' if len(långa) == 1 else 'områden'}")
    for x in långa:
        d = x.serier
        v.beskrivning.append(f"{x.område}: år {d['år'].min()}–{d['år'].max()}")
        v.beskrivning += seriebeskrivning(x)
        v.varningar += x.varningar + varav_över_total(x) + [f"{x.område}: {w}" for w in saknade_månader(x)]
    return True


def validera(fil: str | Path, mappning: str | Path | None = None, tecken: Tecken | str = Tecken.KOSTNAD_POSITIV,
             värden: Värden | str = Värden.MÅNAD, blad: str | None = None,
             decimaltecken: str | None = None, slag: Mapping[str, str] | None = None) -> Validering:
    """Load a file as the reports would and describe it; every problem lands in `fel`, never raised.
    `slag` is [volymer.slag]: the kinds of named series that their names do not tell."""
    v = Validering(str(fil))
    try:
        if _tryckta_tabeller(v, fil, blad):
            return v
        try:
            huvudbok = läs_ekonomi(fil, Tecken(tecken), Värden(värden), blad, decimaltecken=decimaltecken)
        except IngenRubrikrad:
            huvudbok = None
        if huvudbok is not None:
            d = huvudbok.data
            t = huvudbok.tabell
            bred = sum(1 for c in t.data.columns if månadsrubrik(str(c))) >= 2  # months as columns
            v.beskrivning.append(f"dataset: ekonomi (brett format: månader som kolumner), {heltal(len(t.data))} rader"
                                 if bred else f"dataset: ekonomi (långt format), {heltal(len(d))} rader")
            if t.blad:
                v.beskrivning[-1] += f", blad '{t.blad}'"
            for år, g in d.groupby("år"):
                med_utfall = g.loc[g["utfall"].abs() > 0.005, "månad"]
                text = f"{år}: månader {_månader_text(g['månad'])}"
                if len(med_utfall):
                    text += f", utfall t.o.m. {MÅNADER[int(med_utfall.max()) - 1]}"
                v.beskrivning.append(text)
            v.beskrivning.append(f"verksamheter: {d['verksamhet'].nunique()}"
                                 + (f", konton: {d['konto'].nunique()}" if (d["konto"] != "").any() else "")
                                 + (", prognos: ja" if huvudbok.har_prognos else ", prognos: nej"))
            if mappning is not None:
                träd = läs_mappning(mappning)
                v.saknas, flera = saknas_i_mappningen(huvudbok, träd, tecken)
                v.fel += [str(f) for f in flera]
                if v.saknas:
                    n = len(v.saknas)
                    åren = sorted({å for s in v.saknas for å in s.utfall})
                    summor = ", ".join(f"{å} {mnkr(sum(s.utfall.get(å, 0.0) for s in v.saknas))} mnkr" for å in åren)
                    v.fel.append(str(IndataFel(
                        f"{n} {'verksamhet' if n == 1 else 'verksamheter'} i exporten finns inte i {mappning} "
                        f"(utfall sammanlagt {summor}): lägg till dem under rätt rad så att inga "
                        "pengar faller bort ur rapporten, eller skriv en ny mappning med kommunrapport init "
                        "--fran-export", Plats(str(fil)))))
                elif not flera:
                    v.beskrivning.append(f"alla verksamheter finns i {mappning} ({len(träd.rader)} rapportrader)")
            v.varningar += huvudbok.varningar
            return v
        for namn, läs in VOLYMLÄSARE.items():
            # named series in the long shape (a column Serie) before bistånd, whose 'belopp' they may share
            if namn == BISTÅND.namn.lower() and _långa_serier(v, fil, slag, blad):
                return v
            try:
                data = läs(fil, blad=blad, decimaltecken=decimaltecken)
            except IngenRubrikrad:
                continue
            if isinstance(data, Investeringar):
                d = data.data
                v.beskrivning.append(f"dataset: investeringar (långt format), {heltal(len(d))} rader, "
                                     f"{d['projekt'].nunique()} projekt, år {d['år'].min()}–{d['år'].max()}")
            else:
                d = data.serier
                v.beskrivning.append(f"dataset: {namn} (långt format), {_antal_serier(d['serie'].nunique())}, "
                                     f"{heltal(len(d))} månadsvärden")
                sista = d.sort_values(["år", "månad"]).iloc[-1]
                v.beskrivning.append(f"år {d['år'].min()}–{d['år'].max()}, senaste månad "
                                     f"{MÅNADER[int(sista['månad']) - 1]} {int(sista['år'])}")
                v.beskrivning += seriebeskrivning(data)
            v.varningar += data.varningar
            if isinstance(data, Volymdata):
                v.varningar += varav_över_total(data) + saknade_månader(data)
            return v
        try:
            serier = läs_serier(fil, blad)
        except IngenRubrikrad as exc:
            raise KommunrapportFel(
                "känner inte igen filen: varken en ekonomiexport (kolumnerna verksamhet, utfall, budget), "
                "en export av hemtjänst, placeringar, ekonomiskt bistånd eller investeringar, en tabell "
                "med månader som kolumner eller rader, eller serier i långt format (Serie, År, Månad, Värde)", exc.plats) from None
        d = serier.data
        t = serier.tabell
        v.beskrivning.append(f"dataset: månadsserier ({serier.layout}), {_antal_serier(d['serie'].nunique())}, "
                             f"{heltal(len(d))} värden" + (f", blad '{t.blad}'" if t.blad else ""))
        for serie, g in d.groupby("serie", sort=False):
            sista = g.sort_values(["år", "månad"]).iloc[-1]
            år = str(g['år'].min()) + (f"–{g['år'].max()}" if g['år'].max() != g['år'].min() else "")
            v.beskrivning.append(f"{serie}: {år}, senaste månad "
                                 f"{MÅNADER[int(sista['månad']) - 1]} {int(sista['år'])}")
        n_ok = sum(k.stämmer for k in serier.kontroller)
        if serier.kontroller:
            v.beskrivning.append(f"kontrollerade summor och medel: {n_ok} av {len(serier.kontroller)} stämmer")
        v.varningar += serier.varningar
        [data] = läs_rapportserier(serier, slag)  # an unknown kind is an error that says how to declare it
        v.beskrivning += seriebeskrivning(data)
        v.varningar += [f"{fil}: {w}" for w in varav_över_total(data) + saknade_månader(data)]
    except KommunrapportFel as exc:
        v.fel += [str(e) for e in (exc.alla if isinstance(exc, IndataFel) else [exc])]
    return v


def _tryckta_tabeller(v: Validering, fil: str | Path, blad: str | None) -> bool:
    """Check the printed report tables of a file (a Word draft, an annex, a table saved from a report);
    False when the file has none (an export: the other readers take it)."""
    dokument = läs_tryckt(fil, blad)
    if dokument is None:
        return False
    n = len(dokument.tabeller)
    v.beskrivning.append(f"dataset: rapporttabeller, {n} {'tabell' if n == 1 else 'tabeller'} att kontrollera"
                         + (f", {len(dokument.påståenden)} belopp i texten" if dokument.påståenden else ""))
    for t in dokument.tabeller:
        v.beskrivning.append(f"{t.namn}: {t.titel or 'utan titel'}, {len(t.rader)} rader, "
                             f"enhet {t.enhet or 'okänd'}")
        for a in t.anteckningar:
            (v.varningar if "men beloppen" in a else v.beskrivning).append(a)
    g = granska(dokument)
    if dokument.tabeller:
        v.beskrivning += g.beskrivning
    v.fynd = g.fynd
    v.varningar += [f.text() for f in g.fynd]
    v.överhoppade = dokument.överhoppade
    return True
