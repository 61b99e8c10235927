"""Markdown reports from Jinja templates, rendered in a sandbox (a template cannot run code)."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ..errors import KonfigurationsFel
from ..formatting import procent, tal

if TYPE_CHECKING:
    from ..model.table import Tabellvy

PAKETMALLAR = Path(__file__).resolve().parent.parent / "templates"
REPOMALLAR = Path(__file__).resolve().parents[3] / "templates"


def standardmallar() -> Path:
    """The bundled templates: inside the installed package, or the repository's templates/."""
    return PAKETMALLAR if PAKETMALLAR.is_dir() else REPOMALLAR


def _tom(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def miljö(mallmapp: Path | None = None, word: bool = False) -> SandboxedEnvironment:
    """The sandboxed Jinja environment with the Swedish number filters (for Markdown or for Word XML)."""
    dirs = [str(mallmapp)] if mallmapp else []
    dirs.append(str(standardmallar()))
    env = SandboxedEnvironment(
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
    return env


def cell(v, format: str, tecken: bool = False) -> str:
    """One cell as a person reads it: 76 074 · 1 397,1 · −7,3 % · +1,2 procentenheter."""
    if _tom(v):
        return ""
    if format == "heltal":
        return tal(v, 0, tecken)
    if format == "tal1":
        return tal(v, 1, tecken)
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
        raise KonfigurationsFel(f"mallen {mallnamn}: okänt fält: {exc.message}") from exc
    except jinja2.exceptions.SecurityError as exc:
        raise KonfigurationsFel(f"mallen {mallnamn}: otillåten operation i mallen: {exc}") from exc
