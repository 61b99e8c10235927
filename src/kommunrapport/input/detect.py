"""What kind of file is this? `validera` loads a file as the reports would and describes it.

The readers are tried in order; a reader that finds no header row of its kind raises
`IngenRubrikrad` and the next one is tried. Every other problem ends the search and is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import IndataFel, IngenRubrikrad, KommunrapportFel
from ..formatting import heltal
from ..model.area import BISTÅND, HEMTJÄNST, PLACERINGAR
from ..model.period import MÅNADER, MÅNADER_KORT
from .investments import Investeringar, läs_investeringar
from .ledger import Tecken, Värden, läs_ekonomi
from .mapping import koppla_rader, läs_mappning
from .series import läs_serier
from .volumes import Volymdata, läs_bistånd, läs_hemtjänst, läs_placeringar


@dataclass
class Validering:
    """What `kommunrapport validera` found in one file."""

    fil: str
    beskrivning: list[str] = field(default_factory=list)
    varningar: list[str] = field(default_factory=list)
    fel: list[str] = field(default_factory=list)

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


def validera(fil: str | Path, mappning: str | Path | None = None, tecken: Tecken | str = Tecken.KOSTNAD_POSITIV,
             värden: Värden | str = Värden.MÅNAD, blad: str | None = None) -> Validering:
    """Load a file as the reports would and describe it; every problem lands in `fel`, never raised."""
    v = Validering(str(fil))
    try:
        try:
            huvudbok = läs_ekonomi(fil, Tecken(tecken), Värden(värden), blad)
        except IngenRubrikrad:
            huvudbok = None
        if huvudbok is not None:
            d = huvudbok.data
            t = huvudbok.tabell
            v.beskrivning.append(f"dataset: ekonomi (långt format), {heltal(len(d))} rader"
                                 + (f", blad '{t.blad}'" if t.blad else ""))
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
                koppla_rader(huvudbok, träd)
                v.beskrivning.append(f"alla verksamheter finns i {mappning} ({len(träd.rader)} rapportrader)")
            v.varningar += huvudbok.varningar
            return v
        for namn, läs in VOLYMLÄSARE.items():
            try:
                data = läs(fil, blad=blad)
            except IngenRubrikrad:
                continue
            if isinstance(data, Investeringar):
                d = data.data
                v.beskrivning.append(f"dataset: investeringar (långt format), {heltal(len(d))} rader, "
                                     f"{d['projekt'].nunique()} projekt, år {d['år'].min()}–{d['år'].max()}")
            else:
                d = data.serier
                v.beskrivning.append(f"dataset: {namn} (långt format), {d['serie'].nunique()} serier, "
                                     f"{heltal(len(d))} månadsvärden")
                sista = d.sort_values(["år", "månad"]).iloc[-1]
                v.beskrivning.append(f"år {d['år'].min()}–{d['år'].max()}, senaste månad "
                                     f"{MÅNADER[int(sista['månad']) - 1]} {int(sista['år'])}")
            v.varningar += data.varningar
            return v
        try:
            serier = läs_serier(fil, blad)
        except IngenRubrikrad as exc:
            raise KommunrapportFel(
                "känner inte igen filen: varken en ekonomiexport (kolumnerna verksamhet, utfall, budget), "
                "en export av hemtjänst, placeringar, ekonomiskt bistånd eller investeringar, eller en tabell "
                "med månader som kolumner eller rader", exc.plats) from None
        d = serier.data
        t = serier.tabell
        v.beskrivning.append(f"dataset: månadsserier ({serier.layout}), {d['serie'].nunique()} serier, "
                             f"{heltal(len(d))} värden" + (f", blad '{t.blad}'" if t.blad else ""))
        for serie, g in d.groupby("serie", sort=False):
            sista = g.sort_values(["år", "månad"]).iloc[-1]
            v.beskrivning.append(f"{serie}: {g['år'].min()}–{g['år'].max()}, senaste månad "
                                 f"{MÅNADER[int(sista['månad']) - 1]} {int(sista['år'])}")
        n_ok = sum(k.stämmer for k in serier.kontroller)
        if serier.kontroller:
            v.beskrivning.append(f"kontrollerade summor och medel: {n_ok} av {len(serier.kontroller)} stämmer")
        v.varningar += serier.varningar
    except KommunrapportFel as exc:
        v.fel += [str(e) for e in (exc.alla if isinstance(exc, IndataFel) else [exc])]
    return v
