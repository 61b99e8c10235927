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

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import history
from .calc.effekter import KoppladVolym
from .calc.volymer import Slag
from .errors import KonfigurationsFel, Plats
from .input.comments import läs_kommentarer
from .input.detect import Validering, validera
from .input.investments import läs_investeringar
from .input.ledger import Huvudbok, Tecken, Värden, läs_ekonomi, reducera
from .input.mapping import Verksamhetsträd, koppla_rader, läs_mappning
from .input.volumes import (
    Volymdata,
    läs_bistånd,
    läs_hemtjänst,
    läs_placeringar,
    läs_volymfil,
    slå_ihop_år,
)
from .input.volymkoppling import läs_volymkopplingar
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
from .settings import EkonomiInställningar, KoladaInställningar, PublikInställningar, VolymInställningar, Volymkoppling

if TYPE_CHECKING:
    from .input.kolada import Klient
    from .reports.kolada import KoladaJämförelse
    from .settings import Konfiguration

som_json = ekonomi_json  # the name of the first release

__all__ = [
    "Ekonomirapport", "KSRapport", "Validering", "koladajämförelse", "skriv_koladajämförelse", "Volymrapport", "ekonomi_json", "ekonomirapport",
    "ekonomirapport_från_inställningar", "filnamn", "init", "ks_json", "ks_rapport", "läs_volymdata", "markdown",
    "skriv_ekonomirapport", "skriv_ks_rapport", "skriv_volymrapport", "som_json", "tabeller", "validera",
    "läs_volymkommentarer", "läs_volymkopplingar", "publik_volymrapport", "volym_json", "volym_markdown", "volymrapport", "volymrapport_från_inställningar", "word_kontext",
]


def _läs(data: str | Path | Huvudbok, mappning: str | Path | Verksamhetsträd, tecken: Tecken | str,
         värden: Värden | str, blad: str | None, kolumner: dict[str, str] | None, decimaltecken: str | None = None,
         dubbletter: str = "varning") -> tuple[Verksamhetsträd, Huvudbok]:
    """The mapping and the export; either may already be loaded (read once, use twice)."""
    träd = mappning if isinstance(mappning, Verksamhetsträd) else läs_mappning(mappning)
    huvudbok = data if isinstance(data, Huvudbok) else läs_ekonomi(data, Tecken(tecken), Värden(värden), blad, kolumner,
                                                                   decimaltecken, dubbletter)
    return träd, reducera(huvudbok)  # every report works on the ledger summed per line and month


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
    volymkopplingar: Sequence[Volymkoppling | KoppladVolym] = (),
) -> Ekonomirapport:
    """Load the export and the mapping, validate them, and compute the report for jan..`månad`.

    `data` and `mappning` may also be an already loaded Huvudbok and Verksamhetsträd (read once, use twice).
    `decimaltecken` ("komma", "punkt"; None: decided per column) and `dubbletter` ("varning", "fel") are
    the settings of the same names in [ekonomi]. `volymkopplingar` ([[ekonomi.volymkoppling]], or already
    loaded) link rows to volume series: volume and price effects, and a forecast method.
    """
    träd, huvudbok = _läs(data, mappning, tecken, värden, blad, kolumner, decimaltecken, dubbletter)
    komm = {}
    if kommentarer is not None:  # a comments file that was named must exist (läs_kommentarer says so)
        komm = kontrollera_kommentarer(läs_kommentarer(kommentarer), träd, str(kommentarer))
    kopplade = läs_volymkopplingar(volymkopplingar, träd)
    return bygg_ekonomirapport(huvudbok, träd, månad, år, nämnd, komm, volymkopplingar=kopplade)


def _mappning(inst: EkonomiInställningar) -> Path:
    if inst.mappning is None:  # a configuration of several nämnder ([[namnd]]) without a common mapping
        raise KonfigurationsFel("konfigurationen har flera nämnder ([[namnd]]) men ingen mappning i [ekonomi]: ange "
                                "--mappning (och --namnd), eller gör alla nämndernas rapporter med kommunrapport kor")
    return inst.mappning


def ekonomirapport_från_inställningar(inst: EkonomiInställningar, månad: int, år: int | None = None,
                                      nämnd: str = "Nämnden") -> Ekonomirapport:
    return ekonomirapport(inst.data, _mappning(inst), månad, år, nämnd, inst.kommentarer, inst.tecken,
                          inst.värden, inst.blad, inst.kolumner, inst.decimaltecken, inst.dubbletter,
                          inst.volymkoppling)


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
        data += slå_ihop_år([v for p in serier for v in läs_volymfil(p, slag, blad)])
    return data


def volymrapport(data: list[Volymdata], månad: int, år: int | None = None) -> Volymrapport:
    """The volume report for jan..`månad` from loaded datasets (see läs_volymdata)."""
    return bygg_volymrapport(data, månad, år)


def volymrapport_från_inställningar(inst: VolymInställningar, månad: int, år: int | None = None,
                                    områden: list[str] | None = None) -> Volymrapport:
    data = läs_volymdata(inst.hemtjanst, inst.placeringar, inst.bistand, inst.serier, inst.slag, områden,
                         inst.kolumner, inst.blad, inst.decimaltecken)
    return volymrapport(data, månad, år)


def publik_volymrapport(r: Volymrapport, inst: PublikInställningar | None = None) -> Volymrapport:
    """The public version of a volume report: counts of persons and households below [publik]
    maskera_under masked, with secondary suppression (reports.maskering); default: below 5, mark '<5'."""
    from .reports.maskering import maskera

    inst = inst or PublikInställningar()
    return maskera(r, inst.maskera_under, inst.märke, inst.maskera)


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


ÅR_ATT_HÄMTA = 8  # Kolada publishes a year's figures during the next: of these the last five with values are shown


def koladajämförelse(inst: KoladaInställningar, bara_cache: bool = False,
                     klient: Klient | None = None) -> KoladaJämförelse:
    """The comparison with other municipalities ([kolada]): from the file if `fil` is set, else from Kolada's
    API through the cache (`bara_cache`: never the network, only what an earlier `kommunrapport kolada`
    fetched). A removed KPI is a warning in the result; no network is a KoladaFel that says what to do."""
    from . import settings
    from .input import kolada
    from .input.kolada import Klient, hämta_kolada, läs_koladafil
    from .reports.kolada import bygg_koladajämförelse

    if inst.fil is not None:
        data = läs_koladafil(inst.fil, inst.kommun, inst.jamforelse, inst.kpi)
        return bygg_koladajämförelse(data, inst.ar)
    if klient is None:
        klient = Klient(inst.url, inst.cache, förnya=inst.uppdatera and not bara_cache, bara_cache=bara_cache,
                        paus=kolada.PAUS)
    # The years of the last fetch are asked for again (the cache answers, next year and offline too) until
    # `uppdatera` asks for fresh figures: then the last ÅR_ATT_HÄMTA years from today.
    nyckel = kolada.hämtningsnyckel(klient.bas_url, inst.kommun, inst.jamforelse, inst.kpi)
    senast = None if klient.förnya else kolada.senaste_hämtning(klient.cache, nyckel)
    i_år = settings.idag()
    år = inst.ar or (senast["år"] if senast else list(range(i_år.year - ÅR_ATT_HÄMTA + 1, i_år.year + 1)))
    data = hämta_kolada(klient, inst.kommun, inst.jamforelse, inst.kpi, år)
    hämtad = senast["hämtad"] if senast and not klient.anrop else i_år.isoformat()
    if klient.cache is not None and not bara_cache and (klient.anrop or senast is None):
        kolada.spara_hämtning(klient.cache, nyckel, år, hämtad)
    data.källa += f", hämtat {hämtad}"
    return bygg_koladajämförelse(data, inst.ar)


def skriv_koladajämförelse(r: KoladaJämförelse, ut: str | Path, mallmapp: Path | None = None) -> list[Path]:
    """Write the comparison (Markdown, charts, Excel annex) into `ut`."""
    from .render.kolada import skriv_koladajämförelse as skriv

    return skriv(r, ut, mallmapp)


def kolada_för_volymer(konf: Konfiguration) -> KoladaJämförelse | None:
    """The comparison section of the volume report when [volymer] kolada = true (else None): from [kolada]'s
    cache or file, never the network."""
    if konf.volymer is None or not konf.volymer.kolada:
        return None
    if konf.kolada is None:
        from .errors import KonfigurationsFel

        raise KonfigurationsFel("[volymer] kolada = true kräver en sektion [kolada] i konfigurationen")
    return koladajämförelse(konf.kolada, bara_cache=True)
