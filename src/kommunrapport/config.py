"""Configuration: a TOML file (kommunrapport.toml) validated with pydantic.

    namnd = "Äldrenämnden"                       # TOML keys are ASCII: namnd, varden

    [ekonomi]
    data = "ekonomi/ekonomi_2024_2025.xlsx"    # relative to this file
    blad = "Utfall"                            # optional: sheet in an Excel file
    mappning = "ekonomi/verksamheter.csv"
    kommentarer = "ekonomi/kommentarer.md"     # optional
    tecken = "kostnad-positiv"                 # or "kostnad-negativ"
    varden = "månad"                           # or "ackumulerade"

    [ekonomi.kolumner]                         # optional: your export's own headers
    utfall = "Bokfört"

    [volymer]
    hemtjanst = "volymer/hemtjanst.csv"
    placeringar = "volymer/placeringar.xlsx"
    bistand = "volymer/ekonomiskt_bistand.csv"
    serier = ["volymer/an_volymer_2020_2025.xlsx"]
    [volymer.slag]                             # optional: flöde (summeras) or stock (medel)
    "Antal pågående ärenden HSV" = "stock"
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from .errors import KonfigurationsFel, Plats
from .validation import SYNONYMER, Tecken, Värden


class EkonomiInställningar(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    data: Path
    mappning: Path
    kommentarer: Path | None = None
    blad: str | None = None
    tecken: Tecken = Tecken.KOSTNAD_POSITIV
    värden: Värden = Field(Värden.MÅNAD, validation_alias=AliasChoices("varden", "värden"))
    kolumner: dict[str, str] = {}

    def model_post_init(self, __context) -> None:
        okända = sorted(set(self.kolumner) - set(SYNONYMER))
        if okända:
            raise ValueError(f"okänd kolumn i [ekonomi.kolumner]: {', '.join(okända)} (giltiga: {', '.join(SYNONYMER)})")


class VolymInställningar(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hemtjanst: Path | None = None
    placeringar: Path | None = None
    bistand: Path | None = None
    serier: list[Path] = []
    slag: dict[str, Literal["flöde", "stock"]] = {}
    kommentarer: Path | None = None


class Konfiguration(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    nämnd: str = Field("Nämnden", validation_alias=AliasChoices("namnd", "nämnd"))
    ekonomi: EkonomiInställningar | None = None
    volymer: VolymInställningar | None = None


def _sv_fel(exc: ValidationError, fil: str) -> KonfigurationsFel:
    e = exc.errors()[0]
    key = ".".join(str(p) for p in e["loc"])
    typ = e["type"]
    if typ == "extra_forbidden":
        msg = f"okänd nyckel '{key}'"
    elif typ == "missing":
        msg = f"nyckeln '{key}' saknas"
    elif typ in ("enum", "literal_error"):
        expected = e["ctx"]["expected"].replace(" or ", " eller ")
        msg = f"'{key}' ska vara en av {expected}, inte '{e['input']}'"
    else:
        msg = f"'{key}': {e['msg']}" if key else e["msg"].removeprefix("Value error, ")
    return KonfigurationsFel(msg.replace("Value error, ", ""), Plats(fil))


def läs_konfiguration(sökväg: str | Path) -> Konfiguration:
    """Load and validate the TOML configuration; relative paths are relative to the file."""
    path = Path(sökväg)
    if not path.exists():
        raise KonfigurationsFel("konfigurationsfilen finns inte", Plats(str(sökväg)))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+), column (\d+)", str(exc))
        where = f" på rad {m.group(1)}, tecken {m.group(2)}" if m else ""
        raise KonfigurationsFel(
            f"filen är inte giltig TOML{where}; skriv nyckel = \"värde\", nycklar utan å, ä, ö "
            "(t.ex. namnd, varden) eller inom citattecken", Plats(str(sökväg))) from exc
    except UnicodeDecodeError as exc:
        raise KonfigurationsFel("filen är inte sparad som UTF-8", Plats(str(sökväg))) from exc
    try:
        konf = Konfiguration.model_validate(raw)
    except ValidationError as exc:
        raise _sv_fel(exc, str(sökväg)) from exc
    if konf.ekonomi is not None:
        base = path.parent
        e = konf.ekonomi
        e.data = base / e.data
        e.mappning = base / e.mappning
        if e.kommentarer is not None:
            e.kommentarer = base / e.kommentarer
    if konf.volymer is not None:
        v = konf.volymer
        base = path.parent
        for key in ("hemtjanst", "placeringar", "bistand", "kommentarer"):
            if getattr(v, key) is not None:
                setattr(v, key, base / getattr(v, key))
        v.serier = [base / p for p in v.serier]
    return konf
