"""The library behind the CLI: call these from a notebook or a script.

    from kommunrapport.api import ekonomirapport, skriv_ekonomirapport
    r = ekonomirapport("examples/ekonomi/ekonomi_2024_2025.xlsx", "examples/ekonomi/verksamheter.csv", månad=2)
    r.avvikelse / 1e6   # 13.3…
    skriv_ekonomirapport(r, "ut/")

Each report is loaded (input/), built (reports/) and written (render/); the functions here put
those steps together. Every CLI command calls one of them with the settings that
`settings.lös_inställningar` resolved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from . import history
from .calc.volymer import Slag
from .errors import KonfigurationsFel, Plats
from .input.comments import läs_kommentarer
from .input.detect import Validering, validera
from .input.investments import läs_investeringar
from .input.ledger import Huvudbok, Tecken, Värden, läs_ekonomi
from .input.mapping import Verksamhetsträd, koppla_rader, läs_mappning
from .input.volumes import Volymdata, läs_bistånd, läs_hemtjänst, läs_placeringar, läs_volymserier
from .model import area
from .model.period import Period
from .render.ekonomi import filnamn, markdown, skriv_ekonomirapport, word_kontext
from .render.json import ekonomi_json, ks_json, volym_json
from .render.ks import skriv_ks_rapport
from .render.volymer import skriv_volymrapport, volym_markdown
from .reports.ekonomi import (
    Ekonomirapport,
    bygg_ekonomirapport,
    kontrollera_kommentarer,
    kontrollera_stängd,
    standardår,
    tabeller,
)
from .reports.ks import KSRapport, bygg_ks_rapport
from .reports.volymer import Volymrapport, bygg_volymrapport
from .reports.volymer import kontrollera_kommentarer as kontrollera_volymkommentarer
from .scaffold import init
from .settings import EkonomiInställningar, VolymInställningar

som_json = ekonomi_json  # the name of the first release

__all__ = [
    "Ekonomirapport", "KSRapport", "Validering", "Volymrapport", "ekonomi_json", "ekonomirapport",
    "ekonomirapport_från_inställningar", "filnamn", "init", "ks_json", "ks_rapport", "läs_volymdata", "markdown",
    "skriv_ekonomirapport", "skriv_ks_rapport", "skriv_volymrapport", "som_json", "tabeller", "validera",
    "läs_volymkommentarer", "volym_json", "volym_markdown", "volymrapport", "volymrapport_från_inställningar", "word_kontext",
]


def _läs(data: str | Path | Huvudbok, mappning: str | Path | Verksamhetsträd, tecken: Tecken | str,
         värden: Värden | str, blad: str | None, kolumner: dict[str, str] | None, decimaltecken: str | None = None,
         dubbletter: str = "varning") -> tuple[Verksamhetsträd, Huvudbok]:
    """The mapping and the export; either may already be loaded (read once, use twice)."""
    träd = mappning if isinstance(mappning, Verksamhetsträd) else läs_mappning(mappning)
    huvudbok = data if isinstance(data, Huvudbok) else läs_ekonomi(data, Tecken(tecken), Värden(värden), blad, kolumner,
                                                                   decimaltecken, dubbletter)
    return träd, huvudbok


def ekonomirapport(
    data: str | Path | Huvudbok,
    mappning: str | Path | Verksamhetsträd,
    månad: int,
    år: int | None = None,
    nämnd: str = "Nämnden",
    kommentarer: str | Path | None = None,
    tecken: Tecken | str = Tecken.KOSTNAD_POSITIV,
    värden: Värden | str = Värden.MÅNAD,
    blad: str | None = None,
    kolumner: dict[str, str] | None = None,
    decimaltecken: str | None = None,
    dubbletter: str = "varning",
) -> Ekonomirapport:
    """Load the export and the mapping, validate them, and compute the report for jan..`månad`.

    `data` and `mappning` may also be an already loaded Huvudbok and Verksamhetsträd (read once, use twice).
    `decimaltecken` ("komma", "punkt"; None: decided per column) and `dubbletter` ("varning", "fel") are
    the settings of the same names in [ekonomi].
    """
    träd, huvudbok = _läs(data, mappning, tecken, värden, blad, kolumner, decimaltecken, dubbletter)
    komm = {}
    if kommentarer is not None:  # a comments file that was named must exist (läs_kommentarer says so)
        komm = kontrollera_kommentarer(läs_kommentarer(kommentarer), träd, str(kommentarer))
    return bygg_ekonomirapport(huvudbok, träd, månad, år, nämnd, komm)


def _mappning(inst: EkonomiInställningar) -> Path:
    if inst.mappning is None:  # a configuration of several nämnder ([[namnd]]) without a common mapping
        raise KonfigurationsFel("konfigurationen har flera nämnder ([[namnd]]) men ingen mappning i [ekonomi]: ange "
                                "--mappning (och --namnd), eller gör alla nämndernas rapporter med kommunrapport kor")
    return inst.mappning


def ekonomirapport_från_inställningar(inst: EkonomiInställningar, månad: int, år: int | None = None,
                                      nämnd: str = "Nämnden") -> Ekonomirapport:
    return ekonomirapport(inst.data, _mappning(inst), månad, år, nämnd, inst.kommentarer, inst.tecken,
                          inst.värden, inst.blad, inst.kolumner, inst.decimaltecken, inst.dubbletter)


OMRÅDEN = tuple(area.OMRÅDEN)  # the values of --omrade


def läs_volymdata(hemtjanst: str | Path | None = None, placeringar: str | Path | None = None,
                  bistand: str | Path | None = None, serier: Iterable[str | Path] = (),
                  slag: Mapping[str, Slag] | None = None, områden: Iterable[str] | None = None,
                  kolumner: dict[str, str] | None = None, blad: str | None = None,
                  decimaltecken: str | None = None) -> list[Volymdata]:
    """Load every volume dataset given (paths); `områden` limits which areas are loaded.

    `kolumner` maps a field (beviljade, utförda, brukare, regi, utförare, vårddygn, placerade,
    kostnad, målgrupp, insats, utbetalt, hushåll, långvariga, barn, beslutsorsak, år, månad) to
    the export's own header. `blad` is the sheet to read in every Excel file.
    """
    vill = set(områden or OMRÅDEN)
    data = []
    if hemtjanst and area.HEMTJÄNST.nyckel in vill:
        data.append(läs_hemtjänst(hemtjanst, kolumner=kolumner, blad=blad, decimaltecken=decimaltecken))
    if placeringar and area.PLACERINGAR.nyckel in vill:
        data.append(läs_placeringar(placeringar, kolumner=kolumner, blad=blad, decimaltecken=decimaltecken))
    if bistand and area.BISTÅND.nyckel in vill:
        data.append(läs_bistånd(bistand, kolumner=kolumner, blad=blad, decimaltecken=decimaltecken))
    if area.SERIER.nyckel in vill:
        data += [läs_volymserier(p, slag, blad) for p in serier]
    return data


def volymrapport(data: list[Volymdata], månad: int, år: int | None = None) -> Volymrapport:
    """The volume report for jan..`månad` from loaded datasets (see läs_volymdata)."""
    return bygg_volymrapport(data, månad, år)


def volymrapport_från_inställningar(inst: VolymInställningar, månad: int, år: int | None = None,
                                    områden: list[str] | None = None) -> Volymrapport:
    data = läs_volymdata(inst.hemtjanst, inst.placeringar, inst.bistand, inst.serier, inst.slag, områden,
                         inst.kolumner, inst.blad, inst.decimaltecken)
    return volymrapport(data, månad, år)


def läs_volymkommentarer(fil: str | Path, r: Volymrapport) -> dict[str, str]:
    """The controller's comments on the volume report, one '## Område' heading each (checked against the
    report's areas: a heading that names none is an error)."""
    return kontrollera_volymkommentarer(läs_kommentarer(fil), r, str(fil))


def ks_rapport(data: str | Path | Huvudbok, mappning: str | Path | Verksamhetsträd, månad: int, år: int | None = None, nämnd: str = "Nämnden",
               tecken: Tecken | str = Tecken.KOSTNAD_POSITIV, värden: Värden | str = Värden.MÅNAD,
               blad: str | None = None, kolumner: dict[str, str] | None = None,
               investeringar: str | Path | None = None, historik: str | Path | None = None,
               prognos_aug: dict[str, float] | None = None, decimaltecken: str | None = None,
               dubbletter: str = "varning") -> KSRapport:
    """The report to kommunstyrelsen (jan–apr, jan–aug or jan–dec) from the ekonomi export and, optionally,
    an investment export (år, månad, projekt, utfall, budget, prognos). In December the forecast given at
    jan–aug is `prognos_aug`, or read from the `historik` database."""
    träd, huvudbok = _läs(data, mappning, tecken, värden, blad, kolumner, decimaltecken, dubbletter)
    ledger = koppla_rader(huvudbok, träd)
    år = int(år if år is not None else standardår(ledger, träd))  # next year's budget may be loaded
    kontrollera_stängd(ledger, år, månad, Plats(huvudbok.tabell.fil, huvudbok.tabell.blad))
    inv = läs_investeringar(investeringar, Tecken(tecken), decimaltecken=decimaltecken) if investeringar else None
    if prognos_aug is None and historik is not None and månad == 12:
        prognos_aug = history.ks_prognos(historik, Period(år, 8).stam)
    return bygg_ks_rapport(ledger, år, månad, nämnd, prognos_aug, inv, huvudbok.varningar)


def ks_rapport_från_inställningar(inst: EkonomiInställningar, månad: int, år: int | None = None,
                                  nämnd: str = "Nämnden", historik: str | Path | None = None) -> KSRapport:
    return ks_rapport(inst.data, _mappning(inst), månad, år, nämnd, inst.tecken, inst.värden, inst.blad,
                      inst.kolumner, inst.investeringar, historik, None, inst.decimaltecken, inst.dubbletter)
