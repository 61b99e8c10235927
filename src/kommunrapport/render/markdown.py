"""Markdown reports from Jinja templates, rendered in a sandbox (a template cannot run code).

The sandbox also keeps a template from running away: a huge `range`, loops that turn too many times,
a value that grows without bound, too much output or too much time stop the rendering with
`MallenSkenar`, which knows the template and the line. Word templates (docxtpl) use the same
environment (see render/word.py).
"""

from __future__ import annotations

import functools
import math
import re
import sys
import time
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError
from jinja2.sandbox import MAX_RANGE, SandboxedEnvironment

from ..errors import KommunrapportFel, KonfigurationsFel
from ..formatting import decimaler_för, heltal, procent, tal

if TYPE_CHECKING:
    from ..model.table import Tabellvy

PAKETMALLAR = Path(__file__).resolve().parent.parent / "templates"
REPOMALLAR = Path(__file__).resolve().parents[3] / "templates"


def standardmallar() -> Path:
    """The bundled templates: inside the installed package, or the repository's templates/."""
    return PAKETMALLAR if PAKETMALLAR.is_dir() else REPOMALLAR


def _tom(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


# The limits of one rendering. A report is some ten thousand characters (its Word XML some hundred
# thousand) and renders in well under a second; a template far beyond these runs away.
MAX_TECKEN = 20_000_000  # characters a template may write
MAX_STORLEK = 1_000_000  # characters or elements of one value a template builds, width it may pad to
MAX_VARV = 1_000_000  # numbers range() may give in one rendering, all loops together
MAX_SEKUNDER = 60.0  # time one rendering may take
MAX_BITAR = 100_000  # bits of an integer that ** may make (about 30 000 digits)
BREDDMETODER = ("center", "ljust", "rjust", "zfill", "expandtabs")  # str methods whose int is a width
BREDDFILTER = ("center", "indent", "wordwrap", "truncate", "slice", "batch")  # filters whose ints are sizes


class MallenSkenar(SecurityError):
    """A template that runs away. `lineno` and `name` say where, found when the limit was hit."""

    def __init__(self, text: str, lineno: int | None = None, name: str | None = None):
        super().__init__(text)
        self.text = text
        self.lineno = lineno
        self.name = name


def _här() -> tuple[int | None, str | None]:
    """(line, template name) of the template code that is running: the innermost frame of a compiled template."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        mall = frame.f_globals.get("__jinja_template__")
        if mall is not None:
            return mall.get_corresponding_lineno(frame.f_lineno), mall.name
        frame = frame.f_back
    return None, None


def _i_traceback(tb) -> tuple[int | None, str | None]:
    """(line, template name) of the innermost template frame in a traceback."""
    hittat: tuple[int | None, str | None] = (None, None)
    while tb is not None:
        mall = tb.tb_frame.f_globals.get("__jinja_template__")
        if mall is not None:
            hittat = (mall.get_corresponding_lineno(tb.tb_lineno), mall.name)
        tb = tb.tb_next
    return hittat


def _största_bredd(fmt: str) -> int:
    """The largest width or precision in a %-format or a str.format string ('%999d', '{:>999}')."""
    tal_ = [int(x) for x in re.findall(r"%[-+ #0]*(\d+)", fmt)]
    tal_ += [int(x) for x in re.findall(r"%[-+ #0]*\d*\.(\d+)", fmt)]
    tal_ += [int(x) for spec in re.findall(r"\{[^{}]*:([^{}]*)\}", fmt) for x in re.findall(r"\d+", spec)]
    return max(tal_, default=0)


class _Räknad:
    """range() in a template: a sequence whose numbers count against the rendering's MAX_VARV."""

    def __init__(self, env: _Sandlåda, rng: range):
        self._env, self._rng = env, rng

    def __iter__(self):
        for i in self._rng:
            self._env._varv(1)
            yield i

    def __reversed__(self):
        for i in reversed(self._rng):
            self._env._varv(1)
            yield i

    def __len__(self) -> int:
        return len(self._rng)

    def __getitem__(self, i):
        return self._rng[i]

    def __contains__(self, x) -> bool:
        return x in self._rng

    def __repr__(self) -> str:
        return repr(self._rng)


class _Kodgenerator(CodeGenerator):
    """Jinja's code generator, but the result of `~` (string concatenation) is checked against MAX_STORLEK:
    a string that doubles in a loop stops at a million characters, not at the server's memory."""

    def visit_Concat(self, node, frame) -> None:
        self.write("environment._storlek(")
        super().visit_Concat(node, frame)
        self.write(")")


class _MallMedTak(jinja2.Template):
    """A template whose output is counted as it is written (MAX_TECKEN); a recursion without end, an
    overflow or memory running out in the template become MallenSkenar too."""

    def render(self, *args, **kwargs) -> str:
        ctx = self.new_context(dict(*args, **kwargs))
        try:
            return self.environment.concat(self._delar(ctx))
        except Exception:
            self.environment.handle_exception()

    def _delar(self, ctx):
        env = self.environment
        flöde = self.root_render_func(ctx)
        n = 0
        try:
            for del_ in flöde:
                n += len(del_)
                if n > MAX_TECKEN:
                    raise MallenSkenar(f"mallen skriver mer än {heltal(MAX_TECKEN)} tecken",
                                       self.get_corresponding_lineno(flöde.gi_frame.f_lineno), self.name)
                env._klocka()
                yield del_
        except RecursionError as exc:
            raise MallenSkenar("ett makro anropar sig självt utan slut", *_i_traceback(exc.__traceback__)) from None
        except OverflowError as exc:
            raise MallenSkenar("ett tal i mallen blir för stort", *_i_traceback(exc.__traceback__)) from None
        except MemoryError as exc:
            raise MallenSkenar("mallen tar slut på minnet", *_i_traceback(exc.__traceback__)) from None


class _Sandlåda(SandboxedEnvironment):
    """The sandbox with limits: see MAX_TECKEN, MAX_STORLEK, MAX_VARV, MAX_SEKUNDER."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _Kodgenerator
    template_class = _MallMedTak

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._antal_varv = 0
        self._slut = time.monotonic() + MAX_SEKUNDER
        self.globals["range"] = self._range

    # the checks, each raising MallenSkenar with the template's line
    def _klocka(self) -> None:
        if time.monotonic() > self._slut:
            raise MallenSkenar(f"mallen har arbetat i mer än {tal(MAX_SEKUNDER, 0 if float(MAX_SEKUNDER).is_integer() else 1)} "
                                  "sekunder", *_här())

    def _varv(self, n: int) -> None:
        self._antal_varv += n
        if self._antal_varv > MAX_VARV:
            raise MallenSkenar(f"mallens slingor går mer än {heltal(MAX_VARV)} varv", *_här())
        self._klocka()

    def _storlek(self, värde):
        if isinstance(värde, (str, list, tuple, dict, set)) and len(värde) > MAX_STORLEK:
            raise MallenSkenar(f"ett värde i mallen blir {heltal(len(värde))} tecken eller element långt "
                               f"(högst {heltal(MAX_STORLEK)})", *_här())
        return värde

    def _inte_för_stort(self, vad: str, n: int) -> None:
        if n > MAX_STORLEK:
            raise MallenSkenar(f"{vad} ger ett värde med {heltal(n)} tecken eller element "
                               f"(högst {heltal(MAX_STORLEK)})", *_här())

    def _range(self, *args: int) -> _Räknad:
        rng = range(*args)
        if len(rng) > MAX_RANGE:
            raise MallenSkenar(f"range med {heltal(len(rng))} tal är för stort (högst {heltal(MAX_RANGE)})", *_här())
        return _Räknad(self, rng)

    def call_binop(self, context, operator: str, left, right):
        self._klocka()
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int):
                    self._inte_för_stort("'*'", len(seq) * n)
        elif operator == "**":
            if (isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1
                    and right * math.log2(abs(left)) > MAX_BITAR):
                raise MallenSkenar(f"'**' ger ett tal med mer än {heltal(MAX_BITAR)} bitar", *_här())
        elif operator == "%" and isinstance(left, str):
            self._inte_för_stort("formatet", _största_bredd(left))
        try:
            return self._storlek(super().call_binop(context, operator, left, right))
        except OverflowError:
            raise MallenSkenar("ett tal i mallen blir för stort", *_här()) from None

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        __self._klocka()
        f = getattr(__obj, "__wrapped__", __obj)  # str.format comes wrapped by the sandbox
        mål, namn = getattr(f, "__self__", None), getattr(f, "__name__", "")
        if isinstance(mål, str):
            if namn in BREDDMETODER:
                for n in (*args, *kwargs.values()):
                    if isinstance(n, int):
                        __self._inte_för_stort(f"{namn}()", n)
            elif namn in ("format", "format_map"):
                __self._inte_för_stort("formatet", _största_bredd(mål))
            elif namn == "replace" and len(args) >= 2:
                __self._inte_för_stort("replace()", _efter_replace(mål, *args[:2]))
        elif namn == "generate_lorem_ipsum":
            for n in (*args, *kwargs.values()):
                if isinstance(n, int) and n > 1000:
                    raise MallenSkenar(f"lipsum med {heltal(n)} är för stort (högst 1 000)", *_här())
        resultat = super().call(__context, __obj, *args, **kwargs)
        if isinstance(mål, (list, dict, set)):  # list.extend in a loop grows without bound
            __self._storlek(mål)
        return __self._storlek(resultat)


def _efter_replace(s, old, new) -> int:
    """The length of str(s).replace(old, new), without making it."""
    s, old, new = str(s), str(old), str(new)
    träffar = s.count(old) if old else len(s) + 1
    return len(s) + träffar * (len(new) - len(old))


def _med_tak(env: _Sandlåda, namn: str, filter_):
    """A filter that counts against the limits: its sizes are checked before, its result after."""

    @functools.wraps(filter_)
    def med_tak(*args, **kwargs):
        env._klocka()
        if namn in BREDDFILTER:
            for n in (*args[1:], *kwargs.values()):
                if isinstance(n, int) and not isinstance(n, bool):
                    env._inte_för_stort(f"filtret {namn}", n)
        elif namn == "format" and args and isinstance(args[0], str):
            env._inte_för_stort("formatet", _största_bredd(args[0]))
        elif namn == "replace" and len(args) >= 4:  # (eval_ctx, s, old, new)
            env._inte_för_stort("filtret replace", _efter_replace(*args[1:4]))
        return env._storlek(filter_(*args, **kwargs))

    return med_tak


def miljö(mallmapp: Path | None = None, word: bool = False) -> SandboxedEnvironment:
    """The sandboxed Jinja environment with the Swedish number filters (for Markdown or for Word XML).

    One environment per rendering: the limits on loops and time count from its creation."""
    dirs = [str(mallmapp)] if mallmapp else []
    dirs.append(str(standardmallar()))
    env = _Sandlåda(
        loader=jinja2.FileSystemLoader(dirs),
        undefined=jinja2.StrictUndefined,
        autoescape=word,
        keep_trailing_newline=not word,
        trim_blocks=not word,
        lstrip_blocks=not word,
    )
    env.filters["mnkr"] = lambda v, tecken=False: "" if _tom(v) else tal(v, 1, tecken)
    env.filters["procent"] = lambda v, decimaler=0, tecken=False: "" if _tom(v) else procent(v, decimaler, tecken)
    env.filters["heltal"] = lambda v: "" if _tom(v) else tal(v, 0)
    env.filters["tabell"] = markdown_tabell
    for namn, filter_ in list(env.filters.items()):
        env.filters[namn] = _med_tak(env, namn, filter_)
    return env


def cell(v, format: str, tecken: bool = False) -> str:
    """One cell as a person reads it: 76 074 · 1 397,1 · −0,45 · −7,3 % · +1,2 procentenheter."""
    if _tom(v):
        return ""
    if isinstance(v, str) and format != "text":  # a masked cell of the public version ('<5', '–')
        return v
    if (decimaler := decimaler_för(format)) is not None:
        return tal(v, decimaler, tecken)
    if format == "procent":
        return procent(v, 1, tecken)
    if format == "procentenheter":
        return f"{tal(v * 100, 1, tecken=True)} procentenheter"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).replace("|", "\\|")


def markdown_tabell(vy: Tabellvy) -> str:
    """A Tabellvy (see model.table) as a Markdown table; text columns left, numbers right."""
    cols = list(vy.data.columns)
    align = ["---" if vy.format(0, c) == "text" else "---:" for c in cols] if len(vy.data) else ["---"] * len(cols)
    lines = ["| " + " | ".join(str(c) for c in cols) + " |", "|" + "|".join(align) + "|"]
    for i, rec in enumerate(vy.data.itertuples(index=False)):
        lines.append("| " + " | ".join(cell(v, vy.format(i, c), vy.plustecken(c)) for v, c in zip(rec, cols)) + " |")
    return "\n".join(lines)


FILTER = ("mnkr", "procent", "heltal", "tabell")


def jinjafel_på_svenska(meddelande: str | None) -> str:
    """Jinja's English messages for the mistakes people make in templates, in Swedish."""
    m = meddelande or ""
    if (f := re.search(r"No filter named '([^']+)'", m)):
        return f"okänt filter '{f.group(1)}' (finns: {', '.join(FILTER)})"
    if "Unexpected end of template" in m:
        return "mallen tar slut mitt i ett block: en {% if %} eller {% for %} saknar sitt {% endif %} eller {% endfor %}"
    if (f := re.search(r"unexpected '(.)'", m)):
        return f"oväntat tecken '{f.group(1)}': en tagg är inte stängd med }}}} eller %}}"
    if (f := re.search(r"Encountered unknown tag '([^']+)'", m)):
        return f"okänd tagg '{f.group(1)}'"
    return m


def okänt_fält(exc: jinja2.UndefinedError) -> str:
    """The field a template named that does not exist: 'x' of "'x' is undefined", 'y' of "… has no attribute 'y'"."""
    fält = re.search(r"'([^']+)' (?:is undefined|has no attribute '([^']+)')", exc.message or "")
    return (fält.group(2) or fält.group(1)) if fält else str(exc.message)


def rendera(mallnamn: str, kontext: dict[str, Any], mallmapp: Path | None = None) -> str:
    """Render a template; a Jinja error names the template, the line and what went wrong."""
    env = miljö(mallmapp)
    try:
        return env.get_template(mallnamn).render(**kontext)
    except jinja2.TemplateNotFound as exc:
        raise KonfigurationsFel(f"mallen '{exc.name}' finns inte") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise KonfigurationsFel(f"mallen {exc.filename or exc.name}, rad {exc.lineno}: "
                                f"{jinjafel_på_svenska(exc.message)}") from exc
    except jinja2.UndefinedError as exc:
        raise KonfigurationsFel(f"mallen {mallnamn}: fältet '{okänt_fält(exc)}' finns inte") from exc
    except MallenSkenar as exc:
        rad = f", rad {exc.lineno}" if exc.lineno else ""
        raise KonfigurationsFel(f"mallen {exc.name or mallnamn}{rad}: {exc.text}") from None
    except jinja2.exceptions.SecurityError as exc:
        raise KonfigurationsFel(f"mallen {mallnamn}: otillåten operation i mallen: {exc}") from exc
    except KommunrapportFel:
        raise
    except Exception as exc:  # noqa: BLE001 - an expression of the template failed ({{ 1/0 }}, a filter on text)
        raise uttrycksfel(exc, mallnamn) from exc


def uttrycksfel(exc: Exception, mallnamn: str, rad: int | None = None) -> KonfigurationsFel:
    """An expression in a user's template that fails while it is rendered: a configuration error that names
    the template and, from the traceback Jinja writes in the template's own lines, the line."""
    import traceback

    if rad is None:
        rader = [f.lineno for f in traceback.extract_tb(exc.__traceback__)
                 if f.filename.replace("\\", "/").endswith("/" + mallnamn) or f.filename == mallnamn]
        rad = rader[-1] if rader else None
    var = f", rad {rad}" if rad else ""
    return KonfigurationsFel(f"mallen {mallnamn}{var}: ett uttryck i mallen går inte att räkna ut "
                             f"({type(exc).__name__}: {str(exc)[:120]})")
