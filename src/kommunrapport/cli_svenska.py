"""The words Typer and click write themselves, said in Swedish: the help (-h) and the usage errors.

cli.py builds its app with `SvenskTyper` instead of `typer.Typer`; its commands stay plain
`@app.command()`. Nothing here patches Typer or click: `SvenskTyper` only picks the classes through
Typer's public `cls=` (and `options_metavar`, `subcommand_metavar`), and the classes override
documented click methods:

- `SvenskFormatter` (via the context's `formatter_class`): what the help formatter writes itself,
  "Usage:" and the section headings.
- `SvenskKommando`, `SvenskGrupp`: what a command writes: the text of -h, the metavars (MÅNAD, FIL,
  MAPP … for Typer's <str>, <path>), and "[default: …]", "[required]", "[env var: …]" after an
  option's help.
- `klickfel_på_svenska`: click's usage errors (a missing or unknown option, a bad value …).

If an upgrade of Typer brings a new English word, tests/test_cli_hjalp.py fails: it reads every
command's help for English words.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from pathlib import Path

import typer
from typer.core import TyperCommand, TyperGroup

from .errors import Användningsfel

if typing.TYPE_CHECKING:
    # click as Typer vendors it; imported for the type checker only (at run time the classes are reached
    # through Typer's public names: typer.Context.formatter_class, TyperCommand, TyperGroup)
    from typer._click.core import Command as _Kommandobas
    from typer._click.core import Context
    from typer._click.exceptions import UsageError
    from typer._click.formatting import HelpFormatter as _Formatter
else:
    _Formatter = typer.Context.formatter_class
    _Kommandobas = object

FLAGGOR = "[FLAGGOR]"
HUVUDFLAGGOR = ("--debug", "--version")  # the program's own flags: before the command
KOMMANDO = "KOMMANDO [ARGUMENT]..."
HJÄLP = "Visa den här hjälpen och avsluta."
RUBRIKER = {"Usage": "Användning", "Options": "Flaggor", "Arguments": "Argument", "Commands": "Kommandon"}

# A value's placeholder in the help, by the parameter's name in cli.py; else by its type (TYPMETAVAR).
# A `metavar=` given in cli.py wins over both.
METAVAR = {
    "month": "MÅNAD", "year": "ÅR", "out": "MAPP", "mallar": "MAPP", "mapp": "MAPP", "namnd": "NAMN",
    "blad": "BLAD", "omrade": "OMRÅDE", "vanta": "SEKUNDER",
}
TYPMETAVAR = {bool: "JA|NEJ", Path: "FIL", int: "HELTAL", float: "TAL", str: "VÄRDE"}  # bool before int


class SvenskFormatter(_Formatter):
    """Click's help formatter with "Användning:" and Swedish section headings."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, f"{RUBRIKER['Usage']}: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(RUBRIKER.get(heading, heading))


class SvenskKontext(typer.Context):
    formatter_class = SvenskFormatter


def _metavar(param) -> str | None:
    """The Swedish placeholder for a parameter's value; None for a flag or a choice (its values are shown)."""
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return None
    typ = getattr(param, "type_descriptor", None)
    if getattr(typ, "is_choice", False):
        return None
    if param.name in METAVAR:
        return METAVAR[param.name]
    annotation = getattr(typ, "annotation", None)
    while typing.get_origin(annotation) in (list, tuple, typing.Union, types.UnionType):  # list[Path], Path | None
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    for t, namn in TYPMETAVAR.items():
        if isinstance(annotation, type) and issubclass(annotation, t):
            return namn
    return "VÄRDE"


def _tillägg_på_svenska(hjälp: str) -> str:
    """An option's help ends with click's "[default: ut; required]": said in Swedish."""
    m = re.search(r"\[([^\[\]]*)\]\Z", hjälp)
    if m is None:
        return hjälp
    delar = []
    for del_ in m.group(1).split("; "):
        if del_ == "required":
            del_ = "krävs"
        elif del_.startswith("default: "):
            värde = del_.removeprefix("default: ")
            del_ = "standard: " + ("beräknas vid körningen" if värde == "(dynamic)" else värde)
        elif del_.startswith("env var: "):
            del_ = "miljövariabel: " + del_.removeprefix("env var: ")
        delar.append(del_)
    return f"{hjälp[:m.start()]}[{'; '.join(delar)}]"


class _SvenskHjälp(_Kommandobas):
    """What SvenskKommando and SvenskGrupp share (a mixin in front of click's Command)."""

    context_class: type[Context] = SvenskKontext

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if param.metavar is None:
                param.metavar = _metavar(param)

    def get_help_option(self, ctx):
        hjälp = super().get_help_option(ctx)
        if hjälp is not None:
            hjälp.help = HJÄLP
        return hjälp

    def _format_parametrar(self, ctx, formatter) -> None:
        """The arguments and the options, as click does it, in Swedish."""
        argument, flaggor = [], []
        for param in self.get_params(ctx):
            rad = param.get_help_record(ctx)
            if rad is None:
                continue
            namn, hjälp = rad[0], _tillägg_på_svenska(rad[1])
            if param.param_type_name == "argument":
                # Typer writes "mapp <path>": the metavar alone, as in the usage line
                namn = (param.metavar or param.name.upper()) + ("..." if param.nargs != 1 else "")
                argument.append((namn, hjälp))
            else:
                flaggor.append((namn, hjälp))
        for rubrik, rader in ((RUBRIKER["Arguments"], argument), (RUBRIKER["Options"], flaggor)):
            if rader:
                with formatter.section(rubrik):
                    formatter.write_dl(rader)


class SvenskKommando(_SvenskHjälp, TyperCommand):
    def format_options(self, ctx, formatter) -> None:
        self._format_parametrar(ctx, formatter)

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        """An argument the command does not take is an Användningsfel (click would say it in English)."""
        tillåt, ctx.allow_extra_args = ctx.allow_extra_args, True
        try:
            rest = super().parse_args(ctx, args)
        except Exception as exc:
            if getattr(exc, "ctx", False) is None:  # click's parser raises some usage errors without the command
                exc.ctx = ctx  # type: ignore[attr-defined]
            raise
        finally:
            ctx.allow_extra_args = tillåt
        if rest and not tillåt and not ctx.resilient_parsing:
            raise Användningsfel(f"oväntat argument: {' '.join(rest)}", ctx.command_path)
        return rest


class SvenskGrupp(_SvenskHjälp, TyperGroup):
    def format_options(self, ctx, formatter) -> None:
        self._format_parametrar(ctx, formatter)
        self.format_commands(ctx, formatter)  # its heading "Commands" is translated by SvenskFormatter

    def resolve_command(self, ctx, args: list[str]):
        """An unknown command is an Användningsfel with the commands it may have meant."""
        namn = args[0]
        if self.get_command(ctx, namn) is None and not ctx.resilient_parsing and not namn.startswith("-"):
            förslag = difflib.get_close_matches(namn, list(self.commands))
            raise Användningsfel(f"okänt kommando '{namn}'" + (f"; menade du {' eller '.join(förslag)}?" if förslag
                                                                else ""), ctx.command_path)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx):
        if not ctx._protected_args and not self.invoke_without_command:  # options but no command
            raise Användningsfel("ange ett kommando", ctx.command_path)
        return super().invoke(ctx)


class SvenskTyper(typer.Typer):
    """typer.Typer whose help is Swedish: the group and every command get the classes above."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cls", SvenskGrupp)
        kwargs.setdefault("options_metavar", FLAGGOR)  # Typer passes it on to the commands
        kwargs.setdefault("subcommand_metavar", KOMMANDO)
        kwargs.setdefault("rich_markup_mode", None)  # Rich's help has words of its own, and bypasses these classes
        super().__init__(**kwargs)

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs):
        return super().command(name, cls=cls or SvenskKommando, **kwargs)


def klickfel_på_svenska(exc: UsageError) -> str:
    """Click's usage errors (a missing or unknown option, a bad value), said in Swedish."""
    klasser = {k.__name__ for k in type(exc).__mro__}
    meddelande = str(getattr(exc, "message", ""))
    param = getattr(exc, "param", None)
    hint = getattr(exc, "param_hint", None) or (" / ".join(param.opts) if param is not None and param.opts else None)
    if "MissingParameter" in klasser:
        return f"flaggan {hint} saknas" if hint and str(hint).startswith("-") else f"{hint or 'ett argument'} saknas"
    if "NoSuchOption" in klasser:
        flagga = getattr(exc, "option_name", "")
        ctx = getattr(exc, "ctx", None)
        if flagga in HUVUDFLAGGOR and ctx is not None and ctx.parent is not None:  # `ekonomi --debug`
            return (f"{flagga} skrivs före kommandot: {ctx.parent.command_path} {flagga} {ctx.info_name} …")
        förslag = sorted(getattr(exc, "possibilities", None) or [])
        return f"okänd flagga {flagga}" + (f"; menade du {' eller '.join(förslag)}?" if förslag else "")
    if "BadOptionUsage" in klasser:  # an option used wrongly: a flag given a value, or a value missing
        flagga = getattr(exc, "option_name", "")
        ctx = getattr(exc, "ctx", None)
        param = next((p for p in (ctx.command.params if ctx is not None else []) if flagga in p.opts), None)
        if param is not None and (getattr(param, "is_flag", False) or getattr(param, "count", False)):
            return f"flaggan {flagga} tar inget värde"
        return f"flaggan {flagga} behöver ett värde"
    if "BadParameter" in klasser:
        förväntat = _förväntat_värde(param)
        meddelande = f"'{_indata(exc)}' är inget {förväntat}" if förväntat and _indata(exc) is not None else meddelande
        return f"ogiltigt värde för {hint}: {meddelande}" if hint else meddelande
    return exc.format_message()


def _förväntat_värde(param) -> str | None:
    """'heltal' or 'tal' for a parameter of type int or float (from its annotation, not the message)."""
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    while typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    return {int: "heltal", float: "tal"}.get(annotation) if isinstance(annotation, type) else None


def _indata(exc: UsageError) -> str | None:
    """The value the user typed, when click kept it on the error (pydantic's error carries it)."""
    orsak = exc.__cause__ or exc.__context__
    fel = getattr(orsak, "errors", None)
    if callable(fel):
        try:
            return str(fel()[0]["input"])
        except (IndexError, KeyError, TypeError):
            return None
    return None
