"""The controller's comments: a Markdown file with one '## heading' per verksamhet.

    ## hemtjanst
    Hemtjänsten visar överskott då beviljade timmar minskat ...

    ## 3. Vård- och omsorgsboende inkl korttidsboende
    ...

A heading is a row id or a row label from the mapping, or one of Inledning, Prognos,
Investeringar. Text before the first heading is ignored (room for notes to oneself).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import IndataFel, Plats
from .files import läs_csv_text

_RUBRIK = re.compile(r"^##(?!#)\s*(.*?)\s*#*\s*$")
_FEL_RUBRIK = re.compile(r"^#(?!#)\s*\S")


def tolka_kommentarer(text: str, fil: str = "kommentarfilen") -> dict[str, str]:
    """Split Markdown into {heading: body}; body keeps its Markdown, trimmed. '### …' stays in the body."""
    out: dict[str, list[str]] = {}
    current: str | None = None
    for nr, line in enumerate(text.splitlines(), start=1):
        m = _RUBRIK.match(line)
        if m:
            current = m.group(1).strip()
            if not current:
                raise IndataFel("rubriken är tom; skriv radens id eller rubrik efter ##", Plats(fil, rad=nr))
            if current in out:
                raise IndataFel(f"rubriken '## {current}' finns två gånger", Plats(fil, rad=nr))
            out[current] = []
        elif _FEL_RUBRIK.match(line):
            raise IndataFel(f"'{line.strip()}': en kommentar börjar med två # (## rubrik)", Plats(fil, rad=nr))
        elif current is not None:
            out[current].append(line)
    return {k: "\n".join(v).strip() for k, v in out.items()}


def läs_kommentarer(sökväg: str | Path) -> dict[str, str]:
    path = Path(sökväg)
    if not path.exists():
        raise IndataFel("kommentarfilen finns inte", Plats(str(sökväg)))
    if path.stat().st_size == 0:
        return {}
    return tolka_kommentarer(läs_csv_text(path, str(sökväg)), str(sökväg))
