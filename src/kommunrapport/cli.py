"""The command line: thin Typer wrappers over kommunrapport.api. Everything a user reads is Swedish.

Exit codes: 0 klart, 2 fel i indata eller konfiguration, 3 internt fel.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer

from .cli_svenska import SvenskTyper, klickfel_på_svenska
from .errors import IndataFel, KommunrapportFel
from .months import år_och_månad

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


@app.command(short_help="Ekonomirapport t.o.m. en månad: tabell, diagram, Word, Excelbilaga.")
def ekonomi(
    month: Annotated[str, typer.Option("--month", "--månad", "-m", help="Rapportmånad: feb, februari, 2 eller 2025-02.")],
    year: Annotated[int | None, typer.Option("--year", "--år", help="Rapportår (standard: senaste året i exporten).")] = None,
    data: Annotated[Path | None, typer.Option("--data", help="Exporten med utfall och budget (.xlsx, .xls, .ods eller .csv).")] = None,
    mappning: Annotated[Path | None, typer.Option("--mappning", help="Verksamhetsmappningen (.csv eller .xlsx).")] = None,
    kommentarer: Annotated[Path | None, typer.Option("--kommentarer", help="Controllerns kommentarer (.md).")] = None,
    config: Annotated[Path | None, typer.Option("--config", "--konfig", help=f"Konfigurationsfil (standard: {STANDARDKONFIG} i aktuell mapp, om den finns).")] = None,
    out: Annotated[Path, typer.Option("--out", "--ut", help="Mapp att skriva rapport, diagram och bilaga i.")] = Path("ut"),
    tecken: Annotated[str | None, typer.Option("--tecken", help="Exportens tecken: kostnad-positiv (huvudbok) eller kostnad-negativ (uppföljningssystem).")] = None,
    varden: Annotated[str | None, typer.Option("--varden", "--värden", help="månad (belopp per månad) eller ackumulerade (från januari).")] = None,
    blad: Annotated[str | None, typer.Option("--blad", help="Blad i Excelfilen (standard: första blad med rätt rubriker).")] = None,
    namnd: Annotated[str | None, typer.Option("--namnd", "--nämnd", help="Nämndens namn i rapporten.")] = None,
    mallar: Annotated[Path | None, typer.Option("--mallar", help="Mapp med egna mallar (ekonomirapport.md.j2).")] = None,
    json: Annotated[bool, typer.Option("--json", help="Skriv tabeller och nyckeltal som JSON på standard ut.")] = False,
) -> None:
    """Ekonomirapport t.o.m. en månad: tabell, diagram, Excelbilaga och text."""
    try:
        _ekonomi(month, year, data, mappning, kommentarer, config, out, tecken, varden, blad, namnd, mallar, json)
    except KommunrapportFel as exc:
        _skriv_fel(exc)
        raise typer.Exit(exc.exit_code) from None


def _ekonomi(month, year, data, mappning, kommentarer, config, out, tecken, varden, blad, namnd, mallar, json) -> None:
    from pydantic import ValidationError

    from . import api
    from .config import EkonomiInställningar, läs_konfiguration, valideringsfel

    år_i_månad, månad = _tolka_månad(month)
    år = year or år_i_månad
    konfig_fil = _konfigfil(config)
    nämnd = "Nämnden"
    värden: dict = {}
    if konfig_fil is not None:
        konf = läs_konfiguration(konfig_fil)
        nämnd = konf.nämnd
        if konf.ekonomi is not None:
            värden = konf.ekonomi.model_dump()
    for key, val in (("data", data), ("mappning", mappning), ("kommentarer", kommentarer), ("tecken", tecken),
                     ("värden", varden), ("blad", blad)):
        if val is not None:
            värden[key] = val
    saknas = [k for k in ("data", "mappning") if k not in värden]
    if saknas:
        raise KommunrapportFel(
            "ange " + " och ".join(f"--{k}" for k in saknas) + f", eller en konfigurationsfil med --config ({STANDARDKONFIG})")
    try:
        inst = EkonomiInställningar.model_validate(värden)
    except ValidationError as exc:
        raise valideringsfel(exc, "kommandoraden") from None
    rapport = api.ekonomirapport_från_inställningar(inst, månad, år, namnd or nämnd)
    filer = api.skriv_ekonomirapport(rapport, out, mallar, källa=str(inst.data))
    _skrev(filer, rapport.varningar, api.som_json(rapport) if json else None)


@app.command(short_help="Volymrapport: hemtjänst, placeringar, bistånd, andra serier.")
def volymer(
    month: Annotated[str, typer.Option("--month", "--månad", "-m", help="Rapportmånad: feb, februari, 2 eller 2025-02.")],
    year: Annotated[int | None, typer.Option("--year", "--år", help="Rapportår (standard: senaste året i data).")] = None,
    hemtjanst: Annotated[Path | None, typer.Option("--hemtjanst", help="Hemtjänst: beviljade/utförda timmar, brukare.")] = None,
    placeringar: Annotated[Path | None, typer.Option("--placeringar", help="Placeringar: vårddygn, placerade, kostnad.")] = None,
    bistand: Annotated[Path | None, typer.Option("--bistand", help="Ekonomiskt bistånd: utbetalt, hushåll.")] = None,
    serier: Annotated[list[Path] | None, typer.Option("--serier", help="Tabell med namngivna månadsserier (kan anges flera gånger).")] = None,
    omrade: Annotated[list[str] | None, typer.Option("--omrade", "--område", help="Bara dessa områden: hemtjanst, placeringar, bistand, serier.")] = None,
    config: Annotated[Path | None, typer.Option("--config", "--konfig", help=f"Konfigurationsfil (standard: {STANDARDKONFIG} i aktuell mapp, om den finns).")] = None,
    out: Annotated[Path, typer.Option("--out", "--ut", help="Mapp att skriva rapport, diagram och bilaga i.")] = Path("ut"),
    mallar: Annotated[Path | None, typer.Option("--mallar", help="Mapp med egna mallar (volymrapport.md.j2).")] = None,
    json: Annotated[bool, typer.Option("--json", help="Skriv tabellerna som JSON på standard ut.")] = False,
) -> None:
    """Volymrapport: hemtjänst, placeringar, ekonomiskt bistånd och andra månadsserier."""
    try:
        _volymer(month, year, hemtjanst, placeringar, bistand, serier, omrade, config, out, mallar, json)
    except KommunrapportFel as exc:
        _skriv_fel(exc)
        raise typer.Exit(exc.exit_code) from None


def _volymer(month, year, hemtjanst, placeringar, bistand, serier, omrade, config, out, mallar, json) -> None:
    from . import api
    from .comments import läs_kommentarer
    from .config import läs_konfiguration

    år_i_månad, månad = _tolka_månad(month)
    for o in omrade or []:
        if o not in api.OMRÅDEN:
            raise KommunrapportFel(f"--omrade: okänt område '{o}' (välj bland {', '.join(api.OMRÅDEN)})")
    konfig_fil = _konfigfil(config)
    nämnd, inst, kommentarer = "", None, {}
    if konfig_fil is not None:
        konf = läs_konfiguration(konfig_fil)
        nämnd, inst = konf.nämnd, konf.volymer
    filer = {
        "hemtjanst": hemtjanst or (inst.hemtjanst if inst else None),
        "placeringar": placeringar or (inst.placeringar if inst else None),
        "bistand": bistand or (inst.bistand if inst else None),
        "serier": serier or (inst.serier if inst else []),
    }
    if not any(filer.values()):
        raise KommunrapportFel("ange minst en fil: --hemtjanst, --placeringar, --bistand eller --serier, "
                               f"eller en konfigurationsfil med [volymer] ({STANDARDKONFIG})")
    if inst and inst.kommentarer:
        kommentarer = läs_kommentarer(inst.kommentarer)
    data = api.läs_volymdata(**filer, slag=inst.slag if inst else None, områden=omrade,
                             kolumner=inst.kolumner if inst else None)
    rapport = api.volymrapport(data, månad, year or år_i_månad)
    skrivna = api.skriv_volymrapport(rapport, out, nämnd, kommentarer, mallar)
    _skrev(skrivna, rapport.varningar, api.volym_json(rapport) if json else None)


@app.command(short_help="Rapport till kommunstyrelsen (jan–apr, jan–aug, jan–dec).")
def ks(
    month: Annotated[str, typer.Option("--month", "--månad", "-m", help="apr, aug eller dec (eller 2025-08).")],
    year: Annotated[int | None, typer.Option("--year", "--år", help="År (standard: senaste året i exporten).")] = None,
    config: Annotated[Path | None, typer.Option("--config", "--konfig", help=f"Konfigurationsfil (standard: {STANDARDKONFIG}).")] = None,
    data: Annotated[Path | None, typer.Option("--data", help="Exporten med utfall och budget.")] = None,
    mappning: Annotated[Path | None, typer.Option("--mappning", help="Verksamhetsmappningen.")] = None,
    investeringar: Annotated[Path | None, typer.Option("--investeringar", help="Investeringar per projekt (valfritt).")] = None,
    out: Annotated[Path, typer.Option("--out", "--ut", help="Mapp att skriva i.")] = Path("ut"),
) -> None:
    """Rapport till kommunstyrelsen (jan–apr, jan–aug, jan–dec): drift och investeringar i mnkr, Word och Markdown.

    Jan–dec-versionens prognosavvikelse kräver prognosen från rapporten jan–aug i historiken
    (kommunrapport kör --month ÅÅÅÅ-08).
    """
    from . import api, history
    from .config import läs_konfiguration

    try:
        år_i_månad, månad = _tolka_månad(month)
        år = year or år_i_månad
        konfig_fil = _konfigfil(config)
        konf = läs_konfiguration(konfig_fil) if konfig_fil else None
        e = konf.ekonomi if konf else None
        data = data or (e.data if e else None)
        mappning = mappning or (e.mappning if e else None)
        if data is None or mappning is None:
            raise KommunrapportFel("ange --data och --mappning, eller en konfigurationsfil med [ekonomi]")
        r = api.ks_rapport(data, mappning, månad, år, konf.nämnd if konf else "Nämnden",
                           e.tecken if e else "kostnad-positiv", e.värden if e else "månad", e.blad if e else None,
                           e.kolumner if e else None, investeringar or (e.investeringar if e else None),
                           konf.ut / history.FILNAMN if konf else None)
        _skrev(api.skriv_ks_rapport(r, out, konf.mallar if konf else None), r.varningar)
    except KommunrapportFel as exc:
        _skriv_fel(exc)
        raise typer.Exit(exc.exit_code) from None


@app.command("kör", short_help="Schemalagd körning: alla rapporter för en period till ut/ÅÅÅÅ-MM/.")
def kor(
    config: Annotated[Path, typer.Option("--config", "--konfig", help="Konfigurationsfilen.")] = Path(STANDARDKONFIG),
    month: Annotated[str | None, typer.Option("--month", "--månad", "-m", help="Period (standard: senaste stängda månaden i data).")] = None,
    year: Annotated[int | None, typer.Option("--year", "--år", help="År (standard: senaste året i data).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Gör om en period som redan finns.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Skriv bara fel på standard fel (för cron); loggfilen skrivs ändå.")] = False,
    vanta: Annotated[float, typer.Option("--vanta", "--vänta", help="Sekunder att vänta om en annan körning pågår.")] = 0.0,
) -> None:
    """Gör alla konfigurerade rapporter för en period till UT/ÅÅÅÅ-MM/ (för schemalagda körningar).

    Slutkod 0 = klart, 2 = fel i indata eller konfiguration, 3 = internt fel,
    4 = inget att göra (perioden finns redan), 5 = en annan körning pågår.
    """
    from .runner import kör

    try:
        år, månad = (None, None)
        if month is not None:
            år, månad = _tolka_månad(month)
        visa = sys.stderr.isatty() and not quiet

        def steg(n: int, total: int, text: str) -> None:
            if visa:
                bar = "#" * n + "-" * (total - n)
                print(f"\r[{bar}] {n}/{total} {text:<30}", end="" if n < total else "\n", file=sys.stderr, flush=True)

        körning = kör(config, månad, year or år, force, quiet, vanta, steg)
        if not quiet:
            print(f"skrev {körning.mapp}", file=sys.stderr)
    except KommunrapportFel as exc:
        if exc.exit_code == 4:
            if not quiet:
                print(f"inget att göra: {exc}", file=sys.stderr)
        else:
            _skriv_fel(exc)
        raise typer.Exit(exc.exit_code) from None


@app.command(short_help="Sparade perioder: budgetavvikelse och prognos per månad.")
def historik(
    config: Annotated[Path, typer.Option("--config", "--konfig", help="Konfigurationsfilen (anger mappen ut).")] = Path(STANDARDKONFIG),
    json: Annotated[bool, typer.Option("--json", help="Skriv historiken som JSON.")] = False,
) -> None:
    """Lista sparade perioder: budgetavvikelse och prognosavvikelse per rapportmånad (mnkr)."""
    from . import history
    from .config import läs_konfiguration
    from .formatting import mnkr

    try:
        konf = läs_konfiguration(config)
        df = history.perioder(konf.ut / history.FILNAMN)
    except KommunrapportFel as exc:
        _skriv_fel(exc)
        raise typer.Exit(exc.exit_code) from None
    if json:
        print(df.to_json(orient="records", force_ascii=False, indent=2))
        return
    if df.empty:
        print(f"ingen historik i {konf.ut / history.FILNAMN} ännu")
        return
    print(f"{'period':<9} {'budgetavvikelse':>16} {'prognosavvikelse':>16} {'årsbudget':>12}  körd")
    for r in df.itertuples():
        print(f"{r.period:<9} {mnkr(r.budgetavvikelse, True):>16} {mnkr(r.prognosavvikelse, True):>16} "
              f"{mnkr(r.årsbudget):>12}  {r.körd}")


@app.command(short_help="Startkonfiguration, mappning, kommentarfil och egna mallar.")
def init(
    mapp: Annotated[Path, typer.Argument(help="Mappen att skapa eller fylla (standard: aktuell mapp).")] = Path("."),
    namnd: Annotated[str, typer.Option("--namnd", "--nämnd", help="Nämndens namn.")] = "Nämnden",
    force: Annotated[bool, typer.Option("--force", help="Skriv över filer som redan finns.")] = False,
) -> None:
    """Skapa en startkonfiguration, en verksamhetsmappning, en kommentarfil och egna kopior av mallarna."""
    from . import api

    try:
        for f in api.init(mapp, namnd, force):
            print(f"skrev {f}", file=sys.stderr)
    except KommunrapportFel as exc:
        _skriv_fel(exc)
        raise typer.Exit(exc.exit_code) from None
    print(f"Lägg exporten i {mapp / 'export'}, fyll i verksamheter.csv och kör: "
          f"kommunrapport validera {mapp / 'export'}/* && kommunrapport kör --config {mapp / 'kommunrapport.toml'}",
          file=sys.stderr)


@app.command(short_help="Kontrollera filer; slutkod 0 klart, 1 varningar, 2 fel.")
def validera(
    filer: Annotated[list[Path], typer.Argument(help="Filer att kontrollera (.csv, .xlsx, .xls, .ods).")],
    mappning: Annotated[Path | None, typer.Option("--mappning", help="Kontrollera också att alla verksamheter finns i mappningen.")] = None,
    tecken: Annotated[str, typer.Option("--tecken", help="kostnad-positiv eller kostnad-negativ.")] = "kostnad-positiv",
    varden: Annotated[str, typer.Option("--varden", "--värden", help="månad eller ackumulerade.")] = "månad",
    blad: Annotated[str | None, typer.Option("--blad", help="Blad i Excelfilen.")] = None,
) -> None:
    """Läs filer som rapporterna gör och berätta vad som finns i dem.

    Slutkod 0 = allt stämmer, 1 = varningar, 2 = fel (för schemalagda jobb).
    """
    from . import api

    slutkod = 0
    for fil in filer:
        v = api.validera(fil, mappning, tecken, varden, blad)
        print(v.fil)
        for rad in v.beskrivning:
            print(f"  {rad}")
        for rad in v.varningar:
            print(f"  varning: {rad}")
        for rad in v.fel[:MAX_RADER]:
            print(f"fel: {rad}", file=sys.stderr)
        if len(v.fel) > MAX_RADER:
            print(f"fel: … och {len(v.fel) - MAX_RADER} fel till", file=sys.stderr)
        if not v.fel and not v.varningar:
            print("  inga fel eller varningar")
        slutkod = max(slutkod, v.slutkod)
    raise typer.Exit(slutkod)


def main(argv: list[str] | None = None) -> None:
    """The entry point; `argv` (without the program name) lets tests run a command in-process."""
    global _felsökning
    _felsökning = os.environ.get(DEBUGVARIABEL, "").strip().lower() not in ("", "0", "false", "nej", "no", "off")
    try:
        rc = app(args=argv, prog_name="kommunrapport", standalone_mode=False)  # usage errors come here, to be said in Swedish
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except KommunrapportFel as exc:
        _skriv_fel(exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("avbrutet", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last line of defence: a traceback only with --debug
        klasser = {k.__name__ for k in type(exc).__mro__}
        if "NoArgsIsHelpError" in klasser:  # no arguments: the help, as click itself shows it
            exc.show()
            sys.exit(0)
        if "UsageError" in klasser:
            ctx = getattr(exc, "ctx", None)
            kommando = ctx.command_path if ctx is not None else "kommunrapport"
            print(f"fel: {klickfel_på_svenska(exc)}\nSe '{kommando} -h'.", file=sys.stderr)
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
