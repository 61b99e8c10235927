"""The command line: thin Typer wrappers over kommunrapport.api. Everything a user reads is Swedish.

Exit codes: 0 klart, 2 fel i indata eller konfiguration, 3 internt fel.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from .cli_svenska import SvenskTyper, klickfel_på_svenska
from .errors import Användningsfel, IndataFel, KommunrapportFel
from .model.period import år_och_månad

if TYPE_CHECKING:
    from typer._click.exceptions import UsageError

app = SvenskTyper(
    help="kommunrapport – månadsrapporter för nämnder: ekonomi, volymer, bilagor.",
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

STANDARDKONFIG = "kommunrapport.toml"
MAX_RADER = 30


def _skriv_fel(exc: KommunrapportFel) -> None:
    alla = exc.alla if isinstance(exc, IndataFel) else [exc]
    for e in alla[:MAX_RADER]:
        print(f"fel: {e}", file=sys.stderr)
    if len(alla) > MAX_RADER:
        print(f"fel: … och {len(alla) - MAX_RADER} fel till", file=sys.stderr)


def _konfigfil(config: Path | None) -> Path | None:
    """The --config given, else kommunrapport.toml in the working directory if there is one."""
    return config or (Path(STANDARDKONFIG) if Path(STANDARDKONFIG).exists() else None)


def _skrev(filer, varningar, json_text: str | None = None) -> None:
    """What every report command tells the user: warnings and files on stderr, JSON on stdout."""
    for v in varningar:
        print(f"varning: {v}", file=sys.stderr)
    for f in filer:
        print(f"skrev {f}", file=sys.stderr)
    if json_text is not None:
        print(json_text)


def _tolka_månad(text: str) -> tuple[int | None, int]:
    år, månad = år_och_månad(text)
    if månad is None:
        raise KommunrapportFel(f"--month: '{text}' är ingen månad (skriv t.ex. feb, februari, 2 eller 2025-02)")
    return år, månad


DEBUGVARIABEL = "KOMMUNRAPPORT_DEBUG"
_felsökning = False  # --debug or KOMMUNRAPPORT_DEBUG: main() shows an internal error's traceback


def version() -> str:
    """The installed package's version, else the source's."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as paketversion

    try:
        return paketversion("kommunrapport")
    except PackageNotFoundError:
        from . import __version__

        return __version__


def _visa_version(visa: bool) -> None:
    if visa:
        print(f"kommunrapport {version()}")
        raise typer.Exit()


@app.callback()
def _huvud(
    _version: Annotated[bool, typer.Option("--version", callback=_visa_version, is_eager=True, expose_value=False,
                                           help="Visa versionen och avsluta.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Vid internt fel: visa hela felspårningen på standard fel. "
                                        f"Samma som miljövariabeln {DEBUGVARIABEL}=1.")] = False,
) -> None:
    """kommunrapport – månadsrapporter för nämnder."""
    global _felsökning
    _felsökning = _felsökning or debug


# The options the commands share, declared once; each command resolves them with settings.lös_inställningar.
Månad = Annotated[str, typer.Option("--month", "--månad", "-m", help="Rapportmånad: feb, februari, 2 eller 2025-02.")]
År = Annotated[int | None, typer.Option("--year", "--år", help="Rapportår (standard: året för den senaste stängda månaden i data).")]
Konfig = Annotated[Path | None, typer.Option(
    "--config", "--konfig", help=f"Konfigurationsfil (standard: {STANDARDKONFIG} i aktuell mapp, om den finns).")]
Ut = Annotated[Path, typer.Option("--out", "--ut", help="Mapp att skriva rapportens filer i (Markdown, Word, bilaga, diagram).")]
Data = Annotated[Path | None, typer.Option("--data", help="Exporten med utfall och budget (.xlsx, .xls, .ods eller .csv).")]
Mappning = Annotated[Path | None, typer.Option("--mappning", help="Verksamhetsmappningen (.csv eller .xlsx).")]
Kommentarer = Annotated[Path | None, typer.Option("--kommentarer", help="Controllerns kommentarer (.md).")]
Tecken = Annotated[str | None, typer.Option(
    "--tecken", help="Exportens tecken: kostnad-positiv (huvudbok) eller kostnad-negativ (uppföljningssystem).")]
Varden = Annotated[str | None, typer.Option(
    "--varden", "--värden", help="månad (belopp per månad) eller ackumulerade (från januari).")]
Blad = Annotated[str | None, typer.Option("--blad", help="Blad i Excelfilen (standard: första blad med rätt rubriker).")]
Namnd = Annotated[str | None, typer.Option("--namnd", "--nämnd", help="Nämndens namn i rapporten.")]
Mallar = Annotated[Path | None, typer.Option("--mallar", help="Mapp med egna mallar (Markdown och Word).")]
Decimaltecken = Annotated[str | None, typer.Option(
    "--decimaltecken", help="Vad en punkt i ett belopp betyder: komma (5.000 = femtusen) eller punkt (5.000 = fem); "
    "standard: avgörs per kolumn.")]
Json = Annotated[bool, typer.Option("--json", help="Skriv tabeller och nyckeltal som JSON på standard ut.")]
Publik = Annotated[bool, typer.Option("--publik", help=(
    "Skriv en publik version där antal personer och hushåll under [publik] maskera_under (standard 5) är "
    "maskerade; den omaskerade skrivs bredvid med _intern i filnamnen."))]


def _inställningar(config: Path | None, flaggor: dict):
    """flag > environment > configuration file > default, the same way for every command."""
    from .settings import lös_inställningar

    return lös_inställningar(_konfigfil(config), flaggor)


def _månad_och_år(month: str, year: int | None) -> tuple[int, int | None]:
    år_i_månad, månad = _tolka_månad(month)
    if year is not None and år_i_månad is not None and year != år_i_månad:
        raise KommunrapportFel(f"--month {month} och --year {year} anger olika år; ange året på ett av ställena")
    return månad, year or år_i_månad


def _ett_av(värde: str, giltiga: list[str], flagga: str) -> str:
    """A flag's value that must be one of `giltiga`, said as the settings resolver says it."""
    if värde not in giltiga:
        raise KommunrapportFel(f"{flagga} ska vara en av {' eller '.join(repr(g) for g in giltiga)}, inte '{värde}'")
    return värde


def _ekonomiinställningar(konf):
    if konf.ekonomi is None:
        raise KommunrapportFel(
            f"ange --data och --mappning, eller en konfigurationsfil med [ekonomi] (--config, {STANDARDKONFIG})")
    return konf.ekonomi


@app.command(short_help="Ekonomirapport t.o.m. en månad: tabell, diagram, Word, Excelbilaga.")
def ekonomi(month: Månad, year: År = None, data: Data = None, mappning: Mappning = None,
            kommentarer: Kommentarer = None, config: Konfig = None, out: Ut = Path("ut"), tecken: Tecken = None,
            varden: Varden = None, blad: Blad = None, decimaltecken: Decimaltecken = None, namnd: Namnd = None,
            mallar: Mallar = None, json: Json = False,
            preliminar: Annotated[bool, typer.Option("--preliminar", "--preliminär", help=(
                "Gör rapporten också för en månad som inte är stängd; den märks då Preliminär."))] = False) -> None:
    """Ekonomirapport t.o.m. en månad: tabell, diagram, Excelbilaga och text."""
    from . import api, settings
    from .reports.ekonomi import kontrollera_preliminär

    månad, år = _månad_och_år(month, year)
    konf = _inställningar(config, {"namnd": namnd, "mallar": mallar, "preliminar": preliminar or None, "ekonomi": {
        "data": data, "mappning": mappning, "kommentarer": kommentarer, "tecken": tecken, "varden": varden,
        "blad": blad, "decimaltecken": decimaltecken}})
    e = _ekonomiinställningar(konf)
    rapport = api.ekonomirapport_från_inställningar(e, månad, år, konf.nämnd)
    kontrollera_preliminär(rapport, konf.stängningsregel(), settings.idag(), konf.preliminär)
    filer = api.skriv_ekonomirapport(rapport, out, konf.mallar, källa=str(e.data))
    _skrev(filer, rapport.varningar, api.ekonomi_json(rapport) if json else None)


@app.command(short_help="Volymrapport: hemtjänst, placeringar, bistånd, andra serier.")
def volymer(
    month: Månad,
    year: År = None,
    hemtjanst: Annotated[Path | None, typer.Option("--hemtjanst", help="Hemtjänst: beviljade/utförda timmar, brukare.")] = None,
    placeringar: Annotated[Path | None, typer.Option("--placeringar", help="Placeringar: vårddygn, placerade, kostnad.")] = None,
    bistand: Annotated[Path | None, typer.Option("--bistand", help="Ekonomiskt bistånd: utbetalt, hushåll.")] = None,
    serier: Annotated[list[Path] | None, typer.Option("--serier", help="Tabell med namngivna månadsserier (kan anges flera gånger).")] = None,
    omrade: Annotated[list[str] | None, typer.Option("--omrade", "--område", help="Bara dessa områden: hemtjanst, placeringar, bistand, serier.")] = None,
    kommentarer: Kommentarer = None,
    config: Konfig = None,
    out: Ut = Path("ut"),
    blad: Blad = None,
    decimaltecken: Decimaltecken = None,
    namnd: Namnd = None,
    mallar: Mallar = None,
    json: Json = False,
    preliminar: Annotated[bool, typer.Option("--preliminar", "--preliminär", help=(
        "Gör rapporten också för en månad som inte är stängd; den märks då Preliminär."))] = False,
    publik: Publik = False,
) -> None:
    """Volymrapport: hemtjänst, placeringar, ekonomiskt bistånd och andra månadsserier."""
    from . import api, settings
    from .reports.preliminar import FLAGGRÅD, PreliminärMånad, preliminära_skäl

    månad, år = _månad_och_år(month, year)
    for o in omrade or []:
        if o not in api.OMRÅDEN:
            raise KommunrapportFel(f"--omrade: okänt område '{o}' (välj bland {', '.join(api.OMRÅDEN)})")
    konf = _inställningar(config, {"namnd": namnd, "mallar": mallar, "preliminar": preliminar or None,
                                   "publik": publik or None, "volymer": {
        "hemtjanst": hemtjanst, "placeringar": placeringar, "bistand": bistand, "serier": serier,
        "kommentarer": kommentarer, "blad": blad, "decimaltecken": decimaltecken}})
    v = konf.volymer
    if v is None or not v.datafiler:
        raise KommunrapportFel("ange minst en fil: --hemtjanst, --placeringar, --bistand eller --serier, "
                               f"eller en konfigurationsfil med [volymer] ({STANDARDKONFIG})")
    rapport = api.volymrapport_från_inställningar(v, månad, år, omrade)
    # Volumes have no budget to check against: the user's rule ([kor]) decides whether the month is closed.
    preliminär = preliminära_skäl(rapport.år, rapport.månad, konf.stängningsregel(), settings.idag(), [])
    if preliminär and not konf.preliminär:
        raise PreliminärMånad(rapport.år, rapport.månad, preliminär, FLAGGRÅD)
    kommentarer_ = api.läs_volymkommentarer(v.kommentarer, rapport) if v.kommentarer else {}
    kolada_ = api.kolada_för_volymer(konf)  # [volymer] kolada = true: from the cache or file, never the network
    publik_ = api.publik_volymrapport(rapport, konf.publicera) if konf.publicera else None
    skrivna = api.skriv_volymrapport(rapport, out, konf.nämnd, kommentarer_, konf.mallar, preliminär, kolada_, publik_)
    _skrev(skrivna, rapport.varningar + (kolada_.varningar if kolada_ else []),
           api.volym_json(publik_ or rapport, preliminär) if json else None)


@app.command(short_help="Jämförelse med andra kommuner: nyckeltal ur Kolada.")
def kolada(
    config: Konfig = None,
    out: Ut = Path("ut"),
    kommun: Annotated[str | None, typer.Option("--kommun", help="Kommunens id i Kolada, t.ex. 2480 (Umeå) eller 0180 (Stockholm).")] = None,
    jamforelse: Annotated[str | None, typer.Option("--jamforelse", "--jämförelse", help=(
        "Jämförelsegrupp: en kommungrupp i Kolada (t.ex. G37411) eller kommun-id, kommaseparerade."))] = None,
    kpi: Annotated[str | None, typer.Option("--kpi", help="Nyckeltalens id i Kolada, kommaseparerade (t.ex. N31001,N33100).")] = None,
    ar: Annotated[str | None, typer.Option("--ar", "--år", help="År, kommaseparerade (standard: de fem senaste med värden).")] = None,
    fil: Annotated[Path | None, typer.Option("--fil", help="En fil som laddats ner från Kolada (JSON eller CSV) i stället för att hämta.")] = None,
    cache: Annotated[Path | None, typer.Option("--cache", help="Mapp för Koladas svar (standard: kolada_cache i mappen ut).")] = None,
    uppdatera: Annotated[bool, typer.Option("--uppdatera", help="Hämta från Kolada igen, också det som redan finns i cachen.")] = False,
    mallar: Mallar = None,
) -> None:
    """Jämförelse med andra kommuner: nyckeltal ur Kolada för kommunen, en jämförelsegrupp och riket.

    Hämtar från Koladas öppna API (kräver internet) eller läser en nedladdad fil (--fil), och skriver
    tabell, diagram och Excelbilaga. Källa: Kolada.
    """
    from . import api

    konf = _inställningar(config, {"mallar": mallar, "kolada": {
        "kommun": kommun, "jamforelse": jamforelse, "kpi": kpi, "ar": ar, "fil": fil, "cache": cache,
        "uppdatera": uppdatera or None}})
    if konf.kolada is None:
        raise KommunrapportFel(f"ange --kommun och --kpi, eller en konfigurationsfil med [kolada] ({STANDARDKONFIG})")
    r = api.koladajämförelse(konf.kolada)
    _skrev(api.skriv_koladajämförelse(r, out, konf.mallar), r.varningar)


@app.command(short_help="Rapport till kommunstyrelsen (jan–apr, jan–aug, jan–dec).")
def ks(
    month: Annotated[str, typer.Option("--month", "--månad", "-m", help="apr, aug eller dec (eller 2025-08).")],
    year: År = None,
    data: Data = None,
    mappning: Mappning = None,
    investeringar: Annotated[Path | None, typer.Option("--investeringar", help="Investeringar per projekt (valfritt).")] = None,
    config: Konfig = None,
    out: Ut = Path("ut"),
    tecken: Tecken = None,
    varden: Varden = None,
    blad: Blad = None,
    decimaltecken: Decimaltecken = None,
    namnd: Namnd = None,
    mallar: Mallar = None,
    json: Json = False,
) -> None:
    """Rapport till kommunstyrelsen (jan–apr, jan–aug, jan–dec): drift och investeringar i mnkr, Word och Markdown.

    Jan–dec-versionens prognosavvikelse kräver prognosen från rapporten jan–aug i historiken
    (kommunrapport kör --month ÅÅÅÅ-08).
    """
    from . import api, history

    månad, år = _månad_och_år(month, year)
    konf = _inställningar(config, {"namnd": namnd, "mallar": mallar, "ekonomi": {
        "data": data, "mappning": mappning, "investeringar": investeringar, "tecken": tecken, "varden": varden,
        "blad": blad, "decimaltecken": decimaltecken}})
    e = _ekonomiinställningar(konf)
    historik_ = konf.ut / history.FILNAMN if _konfigfil(config) else None
    r = api.ks_rapport_från_inställningar(e, månad, år, konf.nämnd, historik_)
    _skrev(api.skriv_ks_rapport(r, out, konf.mallar), r.varningar, api.ks_json(r) if json else None)


@app.command("kör", short_help="Schemalagd körning: alla rapporter för en period till ut/ÅÅÅÅ-MM/.")
def kor(
    config: Annotated[Path, typer.Option("--config", "--konfig", help="Konfigurationsfilen.")] = Path(STANDARDKONFIG),
    month: Annotated[str | None, typer.Option("--month", "--månad", "-m", help="Period (standard: senaste stängda månaden, enligt [kor] och data).")] = None,
    year: Annotated[int | None, typer.Option("--year", "--år", help="År (standard: året för senaste stängda månaden).")] = None,
    force: Annotated[bool, typer.Option("--force", "--tvinga", help="Gör om en period som redan finns (den tidigare sparas i ut/arkiv/).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "--tyst", "-q", help="Skriv bara fel på standard fel (för cron); loggfilen skrivs ändå.")] = False,
    vanta: Annotated[float, typer.Option("--vanta", "--vänta", help="Sekunder att vänta om en annan körning pågår (standard 0: vänta inte).", show_default=False)] = 0.0,
    publik: Publik = False,
) -> None:
    """Gör alla konfigurerade rapporter för en period till UT/ÅÅÅÅ-MM/ (för schemalagda körningar).

    Med [[namnd]] i konfigurationen: varje nämnds rapporter till UT/ÅÅÅÅ-MM/NÄMND/, exporten läses en gång.

    Slutkod 0 = klart, 2 = fel i indata eller konfiguration, 3 = internt fel,
    4 = inget att göra (perioden finns redan, eller månaden är preliminär), 5 = en annan körning pågår,
    6 = några nämnder misslyckades (de andra är skrivna).
    """
    from .runner import IngetAttGöra, kör

    år, månad = (None, None)
    if month is not None:
        år, månad = _tolka_månad(month)
    visa = sys.stderr.isatty() and not quiet

    def steg(n: int, total: int, text: str) -> None:
        if visa:
            bar = "#" * n + "-" * (total - n)
            print(f"\r[{bar}] {n}/{total} {text:<30}", end="" if n < total else "\n", file=sys.stderr, flush=True)

    try:
        körning = kör(config, månad, year or år, force, quiet, vanta, steg, publik=publik)
    except IngetAttGöra as exc:  # not an error: cron stays silent with --quiet
        if not quiet:
            print(f"inget att göra: {exc}", file=sys.stderr)
        raise typer.Exit(exc.exit_code) from None
    if not quiet:
        print(f"skrev {körning.mapp}", file=sys.stderr)


@app.command(short_help="Sparade perioder: budgetavvikelse och prognos per månad.")
def historik(
    config: Annotated[Path, typer.Option("--config", "--konfig", help="Konfigurationsfilen (anger mappen ut).")] = Path(STANDARDKONFIG),
    json: Annotated[bool, typer.Option("--json", help="Skriv historiken som JSON.")] = False,
    reparera: Annotated[bool, typer.Option("--reparera", help=(
        "Laga en trasig historik: den trasiga filen sparas bredvid och allt som går att läsa flyttas till en ny."
    ))] = False,
) -> None:
    """Lista sparade perioder: budgetavvikelse och prognosavvikelse per rapportmånad (mnkr)."""
    from . import history
    from .formatting import mnkr
    from .runner import lås
    from .settings import läs_konfiguration

    konf = läs_konfiguration(config)
    # with [[namnd]]: every nämnd's history (ut/historik/<nämnd>.sqlite), the nämnd named on each line
    databaser = ([history.nämndfil(konf.ut, n.mappnamn) for n in konf.nämnder] if konf.nämnder
                 else [konf.ut / history.FILNAMN])
    if reparera:
        with lås(konf.ut, 0):
            for databas in databaser:
                if not databas.exists() and konf.nämnder:
                    continue
                resultat = history.reparera(databas)
                if resultat is None:
                    print(f"{databas} är hel; inget att reparera")
                    continue
                trasig, räddat = resultat
                print(f"den trasiga historiken är sparad som {trasig}")
                print(f"ny historik i {databas} med det som gick att läsa: "
                      + ", ".join(f"{antal} rader i {tabell}" for tabell, antal in räddat.items()))
        return
    import pandas as pd

    delar = [history.perioder(d) for d in databaser]
    df = pd.concat(delar, ignore_index=True) if len(delar) > 1 else delar[0]
    if json:
        print(df.to_json(orient="records", force_ascii=False, indent=2))
        return
    if df.empty:
        print(f"ingen historik i {' eller '.join(str(d) for d in databaser)} ännu")
        return
    nämnd = "nämnd  " if konf.nämnder else ""
    print(f"{nämnd}{'period':<9} {'budgetavvikelse':>16} {'prognosavvikelse':>16} {'årsbudget':>12}  körd")
    for r in df.itertuples():
        # REAL columns of the history: a float, or None where all are NULL
        budget, prognos, årsbudget = (cast("float | None", v)
                                      for v in (r.budgetavvikelse, r.prognosavvikelse, r.årsbudget))
        print(f"{f'{r.nämnd}  ' if konf.nämnder else ''}{r.period:<9} {mnkr(budget, True):>16} "
              f"{mnkr(prognos, True):>16} {mnkr(årsbudget):>12}  {r.körd}")


@app.command(short_help="Startkonfiguration, mappning, kommentarfil och egna mallar.")
def init(
    mapp: Annotated[Path, typer.Argument(help="Mappen att skapa eller fylla (standard: aktuell mapp).")] = Path("."),
    namnd: Annotated[str, typer.Option("--namnd", "--nämnd", help="Nämndens namn.")] = "Nämnden",
    force: Annotated[bool, typer.Option("--force", "--tvinga", help="Skriv över filer som redan finns.")] = False,
    fran_export: Annotated[Path | None, typer.Option(
        "--fran-export", "--från-export",
        help="Ekonomiexport att göra mappningen av: en rad per verksamhetskod, med exportens namn som rubrik.")] = None,
    blad: Annotated[str | None, typer.Option("--blad", help="Blad i exporten (med --fran-export).")] = None,
) -> None:
    """Skapa en startkonfiguration, en verksamhetsmappning, en kommentarfil och egna kopior av mallarna.

    Med --fran-export FIL får verksamheter.csv en rad för varje verksamhet i exporten.
    """
    from .scaffold import init as init_

    for f in init_(mapp, namnd, force, fran_export, blad):
        print(f"skrev {f}", file=sys.stderr)
    if fran_export is not None:
        print(f"verksamheter.csv har en rad per verksamhet i {fran_export}: ge raderna rubriker som i nämndens "
              f"rapport och samla underrader under sin förälder. Lägg exporterna i {mapp / 'export'} med namn som "
              f"ekonomi_2025-02{fran_export.suffix.lower()} (mönstret ekonomi_* i kommunrapport.toml) och kör: "
              f"kommunrapport validera {fran_export} --mappning {mapp / 'verksamheter.csv'} && "
              f"kommunrapport kör --config {mapp / 'kommunrapport.toml'}", file=sys.stderr)
        return
    print(f"Lägg exporten i {mapp / 'export'} med ett namn som ekonomi_2025-02.xlsx (mönstret ekonomi_*.xlsx i "
          "kommunrapport.toml), fyll i verksamheter.csv och kör: "
          f"kommunrapport validera {mapp / 'export'}/* && kommunrapport kör --config {mapp / 'kommunrapport.toml'}",
          file=sys.stderr)


@app.command(short_help="Kontrollera filer; slutkod 0 klart, 1 varningar, 2 fel.")
def validera(
    filer: Annotated[list[Path], typer.Argument(help="Filer att kontrollera (.csv, .xlsx, .xls, .ods, .docx).")],
    mappning: Annotated[Path | None, typer.Option("--mappning", help="Kontrollera också att alla verksamheter finns i mappningen.")] = None,
    tecken: Annotated[str, typer.Option("--tecken", help="kostnad-positiv eller kostnad-negativ.")] = "kostnad-positiv",
    varden: Annotated[str, typer.Option("--varden", "--värden", help="månad eller ackumulerade.")] = "månad",
    blad: Annotated[str | None, typer.Option("--blad", help="Blad i Excelfilen.")] = None,
    decimaltecken: Decimaltecken = None,
    config: Annotated[Path | None, typer.Option(
        "--config", "--konfig", help="Konfigurationsfil vars [volymer.slag] anger slaget för serier som namnet inte "
        "avgör.")] = None,
    json: Annotated[bool, typer.Option("--json", help="Skriv fynden som JSON på standard ut (en lista).")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "--utforlig", "-v",
                                          help="Visa också tabeller som inte känns igen och hoppas över.")] = False,
) -> None:
    """Läs filer som rapporterna gör och berätta vad som finns i dem.

    Tabeller i rapportform (en bilaga, en tabell som sparats från en rapport, ett Word-utkast) kontrolleras
    mot sambanden de själva ger: budgetavvikelse = utfall − budget, summor, varav-rader, andelar och
    beloppen i texten. Slutkod 0 = allt stämmer, 1 = varningar, 2 = fel (för schemalagda jobb).
    """
    import json as json_

    from .input.detect import validera as validera_
    from .input.headers import Tecken as Teckenval
    from .input.headers import Värden

    tecken_ = _ett_av(tecken, [t.value for t in Teckenval], "--tecken")
    värden = _ett_av(varden, [v.value for v in Värden], "--varden")
    if decimaltecken is not None:
        _ett_av(decimaltecken, ["komma", "punkt"], "--decimaltecken")
    slag = {}
    if config is not None:
        konf = _inställningar(config, {})
        slag = dict(konf.volymer.slag) if konf.volymer is not None else {}
    slutkod = 0
    fynd: list[dict] = []
    for fil in filer:
        v = validera_(fil, mappning, tecken_, värden, blad, decimaltecken, slag)
        slutkod = max(slutkod, v.slutkod)
        if json:
            fynd += [{"fil": v.fil, "slag": "misstryck", **f.som_dict()} for f in v.fynd]
            texter = {f.text() for f in v.fynd}
            fynd += [{"fil": v.fil, "slag": "varning", "meddelande": r} for r in v.varningar if r not in texter]
            fynd += [{"fil": v.fil, "slag": "fel", "meddelande": r} for r in v.fel]
            continue
        print(v.fil)
        for rad in v.beskrivning:
            print(f"  {rad}")
        if verbose:
            for rad in v.överhoppade:
                print(f"  hoppade över {rad}")
        if v.saknas:  # every code, not only the first screenful: this is the list to add to the mapping
            print(f"  verksamheter som saknas i {mappning} (kod, namn, rader, utfall):")
            for s in v.saknas:
                print(f"    {s.text()}")
        for rad in v.varningar:
            print(f"  varning: {rad}")
        for rad in v.fel[:MAX_RADER]:
            print(f"fel: {rad}", file=sys.stderr)
        if len(v.fel) > MAX_RADER:
            print(f"fel: … och {len(v.fel) - MAX_RADER} fel till", file=sys.stderr)
        if not v.fel and not v.varningar:
            print("  inga fel eller varningar")
    if json:
        print(json_.dumps(fynd, ensure_ascii=False, indent=2))
    raise typer.Exit(slutkod)


def main(argv: list[str] | None = None) -> None:
    """The entry point; `argv` (without the program name) lets tests run a command in-process."""
    global _felsökning
    _felsökning = os.environ.get(DEBUGVARIABEL, "").strip().lower() not in ("", "0", "false", "nej", "no", "off")
    try:
        rc = app(args=argv, prog_name="kommunrapport", standalone_mode=False)  # usage errors come here, to be said in Swedish
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except Användningsfel as exc:
        print(f"fel: {exc}\nSe '{exc.kommando} -h'.", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KommunrapportFel as exc:
        _skriv_fel(exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("avbrutet", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last line of defence: a traceback only with --debug
        klasser = {k.__name__ for k in type(exc).__mro__}
        if "NoArgsIsHelpError" in klasser:  # no arguments: the help, as click itself shows it
            cast("UsageError", exc).show()
            sys.exit(0)
        if "UsageError" in klasser:
            ctx = getattr(exc, "ctx", None)
            kommando = ctx.command_path if ctx is not None else "kommunrapport"
            fel = klickfel_på_svenska(cast("UsageError", exc))
            print(f"fel: {fel}\nSe '{kommando} -h'.", file=sys.stderr)
            sys.exit(2)
        if "Abort" in klasser:
            print("avbrutet", file=sys.stderr)
            sys.exit(1)
        if _felsökning:
            traceback.print_exception(exc, file=sys.stderr)
        print(f"internt fel: {type(exc).__name__}: {exc}. Rapportera gärna felet med kommandot du körde.",
              file=sys.stderr)
        sys.exit(3)


if __name__ == "__main__":
    main()
