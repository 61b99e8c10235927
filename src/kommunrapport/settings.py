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
    [volymer.slag]                             # optional: flöde, bestånd, takt, andel or resultat
    "Antal pågående ärenden HSV" = "bestånd"

    [kolada]                                   # optional: key figures from Kolada (kommunrapport kolada)
    kommun = "2480"                            # Kolada's municipality id (Umeå)
    jamforelse = "G37411"                      # a group id, or municipality ids ["1480", "1280"]
    kpi = ["N31001", "N33100"]
    fil = "kolada.json"                        # optional: a downloaded file instead of the API

    [publik]                                   # optional: a public version with small counts masked
    maskera_under = 5                          # counts of persons and households 1–4 are masked
    markering = "<5"                           # or "–"
    maskera = ["timmar"]                       # optional: also these series (name or unit)

    [kor]                                      # optional: when a month counts as closed
    stangd_efter_dag = 12                      # month m is closed from the 12th of month m+1
    stangd_tom = "2025-02"                     # or: closed through this month (overrides the day)

Every nämnd of a kommun from one kommun-wide export (`kör` only): `[[namnd]]` tables instead of the
string `namnd`, each with its own mapping and a filter on the export's ansvar or verksamhet codes
("04*" is a prefix); [ekonomi] then gives the export and how to read it.

    [[namnd]]
    namn = "Äldrenämnden"
    mappning = "aldre/verksamheter.csv"
    ansvar = ["04*"]
    kommentarer = "aldre/kommentarer.md"       # optional, as are investeringar, mallar, rapporter, [namnd.volymer]
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Set as AbstractSet
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

from .calc.closing import Stängningsregel
from .errors import KonfigurationsFel, Plats
from .input.headers import SYNONYMER, Tecken, Värden
from .model.period import Period, år_och_månad

VOLYMOMRÅDEN = ("serier", "hemtjanst", "placeringar", "bistand")


class Volymkoppling(BaseModel):
    """[[ekonomi.volymkoppling]]: a report row linked to a volume series, for the volume and price effects
    and the forecast method volume trend × price."""

    model_config = ConfigDict(extra="forbid")

    rad: str  # the row's id or label in the mapping
    serie: str  # the series' name in `fil`, e.g. "Utförda timmar"
    fil: Path
    omrade: Literal["serier", "hemtjanst", "placeringar", "bistand"] = "serier"  # which reader reads `fil`
    blad: str | None = None
    enhet: str = "enheter"  # plural, in the sentence: "färre timmar än budgeterat"
    per: str = "enhet"  # singular: "högre kostnad per timme"
    namn: str | None = None  # the row's name in the sentence; default its label
    budget: dict[int, list[float]] = {}  # volume budget per year: twelve numbers, one per month
    budgetfil: Path | None = None  # or: a file with the volume budget as a series (år, månad, värde)
    budgetserie: str | None = None  # the budget's series in `budgetfil`; default `serie`

    @field_validator("budget", mode="before")
    @classmethod
    def _budget(cls, v: object) -> object:
        if not isinstance(v, dict):
            raise ValueError("ska vara en tabell med ett år per nyckel och tolv tal, "
                             "t.ex. budget.2025 = [76000, 71000, …]")
        for år, tal in v.items():
            if not str(år).strip().isdigit() or not 1900 <= int(str(år)) <= 2200:
                raise ValueError(f"nyckeln '{år}' ska vara ett år, t.ex. budget.2025 = [...]")
            if not isinstance(tal, list) or len(tal) != 12:
                n = len(tal) if isinstance(tal, list) else "inga"
                raise ValueError(f"{år} ska ha tolv tal (ett per månad, januari–december), inte {n}")
            for i, x in enumerate(tal, 1):
                if isinstance(x, bool) or not isinstance(x, (int, float)) or x < 0 or x != x:
                    raise ValueError(f"{år}, månad {i}: '{x}' är ingen volym (ett tal ≥ 0)")
        return v

    def model_post_init(self, __context) -> None:
        if self.budget and self.budgetfil is not None:
            raise ValueError("ange antingen budget eller budgetfil, inte båda")
        if self.budgetserie is not None and self.budgetfil is None:
            raise ValueError("budgetserie kräver budgetfil")


class EkonomiInställningar(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    data: Path
    mappning: Path | None = None  # required, except when every [[namnd]] gives its own (checked in lös_inställningar)
    kommentarer: Path | None = None
    investeringar: Path | None = None  # for the report to kommunstyrelsen
    blad: str | None = None
    tecken: Tecken = Tecken.KOSTNAD_POSITIV
    värden: Värden = Field(Värden.MÅNAD, validation_alias=AliasChoices("varden", "värden"))
    kolumner: dict[str, str] = {}
    # What a dot in an amount means: "komma" (decimal comma, so 5.000 is five thousand) or "punkt" (decimal
    # point); None: decided per column, and an error when the export cannot tell.
    decimaltecken: Literal["komma", "punkt"] | None = None
    dubbletter: Literal["varning", "fel"] = "varning"  # rows identical to an earlier row
    volymkoppling: list[Volymkoppling] = []  # rows linked to volume series ([[ekonomi.volymkoppling]])

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
    # series name → kind, when its name and unit do not tell (see input.volumes.tolka_serie)
    slag: dict[str, Literal["flöde", "bestånd", "takt", "andel", "resultat"]] = {}
    kolumner: dict[str, str] = {}  # e.g. beviljade = "Bev. tim", vårddygn = "Dygn"
    kommentarer: Path | None = None
    blad: str | None = None  # sheet in every Excel file of the volumes
    decimaltecken: Literal["komma", "punkt"] | None = None  # as in [ekonomi]
    kolada: bool = False  # a last section "Jämförelse med andra kommuner" from [kolada]'s cache or file

    @field_validator("slag", mode="before")
    @classmethod
    def _slag(cls, v: object) -> object:
        """'stock' (the earlier name of bestånd) still means bestånd."""
        if isinstance(v, dict):
            return {k: "bestånd" if x == "stock" else x for k, x in v.items()}
        return v

    @property
    def datafiler(self) -> list[Path]:
        """The files the report is made of (hemtjanst, placeringar, bistand, serier), those given."""
        return [p for p in (self.hemtjanst, self.placeringar, self.bistand) if p] + list(self.serier)


def _lista(v: object) -> object:
    """A list from TOML, or a comma-separated text (a flag, an environment variable): "N31001, N33100"."""
    if isinstance(v, str):
        return [x.strip() for x in v.split(",") if x.strip()]
    if isinstance(v, (list, tuple)):
        return [x.strip() if isinstance(x, str) else x for x in v]
    return v


class KoladaInställningar(BaseModel):
    """[kolada]: key figures from Kolada for the kommun, a comparison group and Riket."""

    model_config = ConfigDict(extra="forbid")

    kommun: str  # Kolada's municipality id: "2480" Umeå, "0180" Stockholm
    jamforelse: list[str] = []  # group ids ("G37411") and/or municipality ids ("1880", "0580")
    kpi: list[str]  # KPI ids: "N31001"
    ar: list[int] | None = None  # years; default: the last five with values
    fil: Path | None = None  # a file downloaded from Kolada instead of the API
    cache: Path | None = None  # default: <ut>/kolada_cache
    url: str = "https://api.kolada.se/v3"
    uppdatera: bool = False  # fetch again even what the cache holds

    @field_validator("kommun", mode="before")
    @classmethod
    def _kommun(cls, v: object) -> object:
        if isinstance(v, int) and not isinstance(v, bool):
            v = str(v).zfill(4)  # kommun = 180 in TOML: Stockholm's 0180
        if isinstance(v, str) and not re.fullmatch(r"\d{4}", v.strip()):
            raise ValueError(f"ska vara kommunens fyrsiffriga id i Kolada (t.ex. \"2480\" för Umeå), inte '{v}'")
        return v.strip() if isinstance(v, str) else v

    @field_validator("jamforelse", "kpi", mode="before")
    @classmethod
    def _id_lista(cls, v: object) -> object:
        lista = _lista(v)
        return [str(x).zfill(4) if isinstance(x, int) else x for x in lista] if isinstance(lista, list) else lista

    @field_validator("ar", mode="before")
    @classmethod
    def _år(cls, v: object) -> object:
        return _lista(v)

    @field_validator("kpi")
    @classmethod
    def _minst_ett(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("ange minst ett nyckeltal (t.ex. kpi = [\"N31001\"])")
        fel = [k for k in v if not re.fullmatch(r"[A-Za-z]\d{5}", k)]
        if fel:
            raise ValueError(f"'{fel[0]}' är inget nyckeltals-id i Kolada (en bokstav och fem siffror, t.ex. N31001)")
        return [k.upper() for k in v]

    @field_validator("uppdatera", mode="before")
    @classmethod
    def _ja_nej(cls, v: object) -> object:
        return {"ja": True, "nej": False}.get(v.strip().lower(), v) if isinstance(v, str) else v


def ja_nej(v: object) -> object:
    """'ja'/'nej' (any case) as True/False for a yes/no setting; anything else to pydantic as it is."""
    return {"ja": True, "nej": False}.get(v.strip().lower(), v) if isinstance(v, str) else v


class PublikInställningar(BaseModel):
    """[publik]: the public version of the volume report, counts of persons and households below
    `maskera_under` masked (reports.maskering); the internal version is written beside it (…_intern)."""

    model_config = ConfigDict(extra="forbid")

    aktiv: bool = True  # the section given: public; KOMMUNRAPPORT_PUBLIK=nej turns it off, --publik on
    maskera_under: int = 5
    markering: str | None = None  # default "<5" (the threshold's)
    maskera: list[str] = []  # series (by name) or units (kr, timmar) masked too

    @field_validator("aktiv", mode="before")
    @classmethod
    def _ja_nej(cls, v: object) -> object:
        return ja_nej(v)

    @field_validator("maskera_under", mode="before")
    @classmethod
    def _gräns(cls, v: object) -> object:
        text = str(v).strip()
        if isinstance(v, bool) or not text.isdigit() or not 2 <= int(text) <= 1000:
            raise ValueError(f"ska vara ett heltal från 2 (t.ex. 5: antal 1–4 maskeras), inte '{v}'")
        return int(text)

    @field_validator("markering")
    @classmethod
    def _markering(cls, v: str | None) -> str | None:
        if v is not None and (not v.strip() or len(v.strip()) > 12 or re.fullmatch(r"[\d\s,.\-−+]*\d[\d\s,.]*", v.strip())):
            raise ValueError(f"ska vara en kort markering som \"<5\" eller \"–\" (inte ett tal), inte '{v}'")
        return v.strip() if v is not None else None

    @field_validator("maskera", mode="before")
    @classmethod
    def _maskera(cls, v: object) -> object:
        return _lista(v)

    @property
    def märke(self) -> str:
        """The mark of a masked count: the setting, else '<5'."""
        return self.markering or f"<{self.maskera_under}"


class KörInställningar(BaseModel):
    """When a month counts as closed ([kor]); the data must also look closed (calc.closing)."""

    model_config = ConfigDict(extra="forbid")

    stangd_efter_dag: int | None = None  # month m is closed from this day of month m+1
    stangd_tom: str | None = None  # "2025-02": the months through February are closed (overrides the day)

    @field_validator("stangd_efter_dag", mode="before")
    @classmethod
    def _dag(cls, v: object) -> int | None:
        if v is None:
            return None
        text = str(v).strip()
        if isinstance(v, bool) or not text.isdigit() or not 1 <= int(text) <= 31:
            raise ValueError(f"ska vara en dag i månaden (1–31), inte '{v}'")
        return int(text)

    @field_validator("stangd_tom")
    @classmethod
    def _månad(cls, v: str | None) -> str | None:
        if v is not None:
            år, månad = år_och_månad(v)
            if år is None or månad is None:
                raise ValueError(f"ska vara en månad som \"2025-02\", inte '{v}'")
        return v

    def regel(self) -> Stängningsregel:
        tom = None
        if self.stangd_tom is not None:
            år, månad = år_och_månad(self.stangd_tom)
            tom = Period(int(år), int(månad))  # type: ignore[arg-type]
        return Stängningsregel(self.stangd_efter_dag, tom)


RAPPORTER = Literal["ekonomi", "volymer", "ks"]
OSÄKRA_TECKEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


class NämndInställningar(BaseModel):
    """One nämnd of a kommun-wide run (`[[namnd]]`): its rows of the export and its own files."""

    model_config = ConfigDict(extra="forbid")

    namn: str
    mapp: str | None = None  # the folder under ut/ÅÅÅÅ-MM/; default: the name
    mappning: Path | None = None  # default: [ekonomi] mappning
    ansvar: list[str] = []  # codes, or prefixes ending in *: "04*"
    verksamhet: list[str] = []
    kommentarer: Path | None = None
    investeringar: Path | None = None
    mallar: Path | None = None
    rapporter: list[RAPPORTER] | None = None  # default: the configuration's
    volymer: VolymInställningar | None = None

    @field_validator("namn")
    @classmethod
    def _namn(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("får inte vara tomt")
        return v.strip()

    @field_validator("ansvar", "verksamhet", mode="before")
    @classmethod
    def _koder(cls, v: object) -> object:
        """A single code or prefix as well as a list; numbers as text (TOML 4100 → '4100')."""
        lista = v if isinstance(v, list) else [v]
        return [str(k).strip() for k in lista if str(k).strip()]

    @property
    def mappnamn(self) -> str:
        """The folder name: `mapp`, or the name without characters a file system refuses."""
        return OSÄKRA_TECKEN.sub("_", self.mapp or self.namn).strip(" .") or "namnd"


class Konfiguration(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    nämnd: str = Field("Nämnden", validation_alias=AliasChoices("namnd", "nämnd"))
    # [[namnd]]: every nämnd of the kommun in one `kör` (lös_inställningar moves the list from the key namnd)
    nämnder: list[NämndInställningar] = Field([], validation_alias=AliasChoices("namnder", "nämnder"))
    ut: Path = Path("ut")  # output folder of `kör`: one sub-folder per period
    rapporter: list[RAPPORTER] | None = None  # default: every configured report
    mallar: Path | None = None  # the kommun's own templates
    ekonomi: EkonomiInställningar | None = None
    volymer: VolymInställningar | None = None
    kolada: KoladaInställningar | None = None
    kör: KörInställningar = Field(default_factory=KörInställningar, validation_alias=AliasChoices("kor", "kör"))
    publik: PublikInställningar | None = None
    preliminär: bool = Field(False, validation_alias=AliasChoices("preliminar", "preliminär"))

    @field_validator("preliminär", mode="before")
    @classmethod
    def _ja_nej(cls, v: object) -> object:
        """ja/nej as well as true/false (KOMMUNRAPPORT_PRELIMINAR=ja)."""
        return ja_nej(v)

    @field_validator("publik", mode="before")
    @classmethod
    def _publik(cls, v: object) -> object:
        """`publik = true` (or false) at the top as well as a section [publik]."""
        if isinstance(v, (bool, str)):
            return {"aktiv": v}
        return v

    @property
    def publicera(self) -> PublikInställningar | None:
        """The settings of the public version when it is to be written ([publik], --publik), else None."""
        return self.publik if self.publik is not None and self.publik.aktiv else None

    def stängningsregel(self) -> Stängningsregel:
        """The user's rule for a closed month ([kor] stangd_tom or stangd_efter_dag; none by default)."""
        return self.kör.regel()

    @property
    def valda_rapporter(self) -> list[str]:
        if self.rapporter is not None:
            return list(self.rapporter)
        valda = [n for n in ("ekonomi", "volymer") if getattr(self, n) is not None]
        return valda + (["ks"] if self.ekonomi is not None else [])


MILJÖPREFIX = "KOMMUNRAPPORT_"
# The one alias table of the boundaries: every setting a command line, the environment and the file can
# give, by section. The ASCII key is the TOML key, the flag (--namnd, --varden) and the environment
# variable's suffix (KOMMUNRAPPORT_NAMND, KOMMUNRAPPORT_EKONOMI_VARDEN); the Python field may differ
# (namnd → nämnd, varden → värden, through the models' aliases).
NYCKLAR = {"": ("namnd", "ut", "mallar", "preliminar", "publik"),
           "ekonomi": ("data", "mappning", "kommentarer", "investeringar", "blad", "tecken", "varden", "decimaltecken",
                       "dubbletter"),
           "volymer": ("hemtjanst", "placeringar", "bistand", "serier", "kommentarer", "blad", "decimaltecken", "kolada"),
           "kolada": ("kommun", "jamforelse", "kpi", "ar", "fil", "cache", "url", "uppdatera"),
           "kor": ("stangd_efter_dag", "stangd_tom"),
           "publik": ("maskera_under", "markering", "maskera")}
SÖKVÄGAR = {"ut", "mallar", "data", "mappning", "kommentarer", "investeringar", "hemtjanst", "placeringar",
            "bistand", "serier", "fil", "cache"}


def _sätt(raw: dict, sektion: str, nyckel: str, värde: object) -> None:
    """Put a value from the command line or the environment into the raw configuration; a path is taken
    relative to the working directory (made absolute, so the file's folder does not apply)."""
    if nyckel in SÖKVÄGAR:
        värde = ([str(Path(v).absolute()) for v in värde] if isinstance(värde, (list, tuple))
                 else str(Path(str(värde)).absolute()))
    if not sektion and nyckel == "publik":  # --publik, KOMMUNRAPPORT_PUBLIK: switches [publik] on (or off)
        befintlig = raw.get("publik")
        raw["publik"] = {**(befintlig if isinstance(befintlig, dict) else {}), "aktiv": värde}
        return
    (raw if not sektion else raw.setdefault(sektion, {}))[nyckel] = värde


def miljövariabler(raw: dict, miljö: dict[str, str], använda: dict[str, str] | None = None) -> dict:
    """Settings from environment variables: KOMMUNRAPPORT_UT, KOMMUNRAPPORT_EKONOMI_DATA, … (not lists).

    `använda` gets each key taken ('ekonomi.tecken') and its variable, so an error can name the variable."""
    for sektion, nycklar in NYCKLAR.items():
        for nyckel in nycklar:
            namn = MILJÖPREFIX + (f"{sektion}_{nyckel}" if sektion else nyckel).upper()
            if miljö.get(namn) and nyckel != "serier":
                _sätt(raw, sektion, nyckel, miljö[namn])
                if använda is not None:
                    # KOMMUNRAPPORT_PUBLIK is [publik] aktiv (see _sätt)
                    använda[f"{sektion}.{nyckel}" if sektion else "publik.aktiv" if nyckel == "publik" else nyckel] = namn
    return raw


def _glob(path: Path, nyckel: str, fil: str) -> Path:
    """A path with * or ? is a glob: the last match by name (e.g. the newest export) is used."""
    if not any(c in str(path) for c in "*?["):
        return path
    träffar = sorted(path.parent.glob(path.name))
    if not träffar:
        raise KonfigurationsFel(f"'{nyckel}': inga filer matchar {path}", Plats(fil))
    return träffar[-1]


KÄNDA_NYCKLAR = ("namnd", "ut", "rapporter", "mallar", "ekonomi", "volymer", "data", "mappning", "kommentarer",
                 "investeringar", "blad", "tecken", "varden", "kolumner", "hemtjanst", "placeringar", "bistand",
                 "serier", "slag", "decimaltecken", "dubbletter", "kor", "stangd_efter_dag", "stangd_tom", "preliminar",
                 "kolada", "kommun", "jamforelse", "kpi", "ar", "fil", "cache", "url", "uppdatera",
                 "publik", "aktiv", "maskera_under", "markering", "maskera",
                 "volymkoppling", "rad", "serie", "omrade", "enhet", "per", "budget", "budgetfil", "budgetserie",
                 "namn", "mapp", "ansvar")


def valideringsfel(exc: ValidationError, fil: str, från_flaggor: AbstractSet[str] = frozenset(),
                   har_fil: bool = True, från_miljön: dict[str, str] | None = None) -> KonfigurationsFel:
    """Pydantic's error in Swedish; a value from the command line is named by its flag, one from the
    environment by its variable, one from the file by the file and key."""
    import difflib

    # An unknown key explains a missing one ('mapning' for 'mappning'): report it first.
    e = sorted(exc.errors(), key=lambda x: x["type"] != "extra_forbidden")[0]
    key = ("".join(f"[{p + 1}]" if isinstance(p, int) else f".{p}" for p in e["loc"]).lstrip(".")
           .replace("värden", "varden").replace("nämnder", "namnd").replace("namnder", "namnd").replace("nämnd", "namnd")
           .replace("kör", "kor").replace("preliminär", "preliminar"))
    typ = e["type"]
    förväntat = (e["ctx"]["expected"].replace(" or ", " eller ") if typ in ("enum", "literal_error")
                 else "true eller false" if typ.startswith("bool") else None)
    if key in (från_miljön or {}) and key not in från_flaggor:
        variabel = (från_miljön or {})[key]
        if förväntat is not None:
            return KonfigurationsFel(f"miljövariabeln {variabel} ska vara {'en av ' if typ != 'bool_parsing' else ''}"
                                     f"{förväntat}, inte '{e['input']}'")
        return KonfigurationsFel(f"miljövariabeln {variabel}: {e['msg'].removeprefix('Value error, ')}")
    if typ.startswith("bool"):
        return KonfigurationsFel(f"'{key}' ska vara true eller false, inte '{e['input']}'",
                                 Plats(fil) if key not in från_flaggor else None)
    if key in från_flaggor or (typ == "missing" and not har_fil):
        flagga = "--" + str(e["loc"][-1]).replace("värden", "varden")
        if typ == "missing":
            return KonfigurationsFel(f"ange {flagga}, eller en konfigurationsfil med --config")
        if typ in ("enum", "literal_error"):
            expected = e["ctx"]["expected"].replace(" or ", " eller ")
            return KonfigurationsFel(f"{flagga} ska vara en av {expected}, inte '{e['input']}'")
        return KonfigurationsFel(f"{flagga}: {e['msg'].removeprefix('Value error, ')}")
    if typ == "extra_forbidden":
        nära = difflib.get_close_matches(str(e["loc"][-1]), KÄNDA_NYCKLAR, n=1)
        msg = f"okänd nyckel '{key}'" + (f"; menar du '{nära[0]}'?" if nära else "")
    elif typ == "missing":
        msg = f"nyckeln '{key}' saknas"
    elif typ in ("enum", "literal_error"):
        expected = e["ctx"]["expected"].replace(" or ", " eller ")
        msg = f"'{key}' ska vara en av {expected}, inte '{e['input']}'"
    else:
        msg = f"'{key}': {e['msg']}" if key else e["msg"].removeprefix("Value error, ")
    return KonfigurationsFel(msg.replace("Value error, ", ""), Plats(fil))


def _läs_toml(path: Path) -> dict:
    if not path.exists():
        raise KonfigurationsFel("konfigurationsfilen finns inte", Plats(str(path)))
    if path.is_dir():
        raise KonfigurationsFel("är en mapp, inte en konfigurationsfil", Plats(str(path)))
    try:
        text = path.read_text(encoding="utf-8-sig")
        from .input.files import kontrollera_teckenkodning

        kontrollera_teckenkodning(text, str(path), KonfigurationsFel)  # 'Ã¤' for 'ä', as in an export
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+), column (\d+)", str(exc))
        where = f" på rad {m.group(1)}, tecken {m.group(2)}" if m else ""
        raise KonfigurationsFel(
            f"filen är inte giltig TOML{where}; skriv nyckel = \"värde\", nycklar utan å, ä, ö "
            "(t.ex. namnd, varden) eller inom citattecken", Plats(str(path))) from exc
    except UnicodeDecodeError as exc:
        raise KonfigurationsFel("filen är inte sparad som UTF-8", Plats(str(path))) from exc


def lös_inställningar(konfigfil: str | Path | None, flaggor: dict | None = None,
                      miljö: dict[str, str] | None = None) -> Konfiguration:
    """Every command's settings, resolved one way: flag > environment > configuration file > default.

    `flaggor` holds what the command line gave, by section and ASCII key (see NYCKLAR), None where a
    flag was not given: {"namnd": None, "ekonomi": {"data": Path("x.csv"), "tecken": None}}. Paths from
    the command line and the environment are relative to the working directory, paths in the file
    relative to the file. A wrong value names where it came from: the file or the flag.
    """
    path = Path(konfigfil) if konfigfil is not None else None
    raw = _läs_toml(path) if path is not None else {}
    if isinstance(raw.get("namnd"), list):  # [[namnd]] tables: every nämnd of the kommun
        raw["namnder"] = raw.pop("namnd")
    från_miljön: dict[str, str] = {}
    raw = miljövariabler(raw, dict(os.environ) if miljö is None else miljö, från_miljön)
    från_flaggor: set[str] = set()
    for nyckel, värde in (flaggor or {}).items():
        if isinstance(värde, dict):
            for k, v in värde.items():
                if v is not None and v != []:
                    _sätt(raw, nyckel, k, v)
                    från_flaggor.add(f"{nyckel}.{k}")
        elif värde is not None:
            _sätt(raw, "", nyckel, värde)
            från_flaggor.add(nyckel)
    källa = str(konfigfil) if konfigfil is not None else "kommandoraden"
    try:
        konf = Konfiguration.model_validate(raw)
    except ValidationError as exc:
        raise valideringsfel(exc, källa, från_flaggor, har_fil=path is not None, från_miljön=från_miljön) from exc
    base = path.parent if path is not None else Path(".")
    konf.ut = Path(os.path.normpath(base / konf.ut))
    if konf.mallar is not None:
        konf.mallar = base / konf.mallar
    if konf.ekonomi is not None:
        e = konf.ekonomi
        if e.mappning is None and (not konf.nämnder or any(n.mappning is None for n in konf.nämnder)):
            if path is None:
                raise KonfigurationsFel("ange --mappning, eller en konfigurationsfil med --config")
            raise KonfigurationsFel("nyckeln 'ekonomi.mappning' saknas" + (
                " (eller ange mappning i varje [[namnd]])" if konf.nämnder else ""), Plats(källa))
        e.data = _glob(base / e.data, "ekonomi.data", källa)
        if e.mappning is not None:
            e.mappning = base / e.mappning
        if e.kommentarer is not None:
            e.kommentarer = base / e.kommentarer
        if e.investeringar is not None:
            e.investeringar = _glob(base / e.investeringar, "ekonomi.investeringar", källa)
        for i, k in enumerate(e.volymkoppling, 1):
            k.fil = _glob(base / k.fil, f"ekonomi.volymkoppling[{i}].fil", källa)
            if k.budgetfil is not None:
                k.budgetfil = _glob(base / k.budgetfil, f"ekonomi.volymkoppling[{i}].budgetfil", källa)
    if konf.volymer is not None:
        v = konf.volymer
        for key in ("hemtjanst", "placeringar", "bistand", "kommentarer"):
            if getattr(v, key) is not None:
                setattr(v, key, _glob(base / getattr(v, key), f"volymer.{key}", källa))
        v.serier = [_glob(base / p, "volymer.serier", källa) for p in v.serier]
    if konf.kolada is not None:
        k = konf.kolada
        if k.fil is not None:
            k.fil = _glob(base / k.fil, "kolada.fil", källa)
        k.cache = base / k.cache if k.cache is not None else konf.ut / "kolada_cache"
    _nämnder(konf, base, källa)
    return konf


def _nämnder(konf: Konfiguration, base: Path, källa: str) -> None:
    """Check the [[namnd]] tables and make their paths relative to the file's folder."""
    if not konf.nämnder:
        return
    if konf.ekonomi is None and any(n.volymer is None for n in konf.nämnder):
        raise KonfigurationsFel("[[namnd]] behöver avsnittet [ekonomi] med den gemensamma exporten (data)", Plats(källa))
    mappar: dict[str, str] = {}
    for i, n in enumerate(konf.nämnder, 1):
        if konf.ekonomi is not None and not (n.ansvar or n.verksamhet):
            raise KonfigurationsFel(f"[[namnd]] nr {i} ({n.namn}): ange ansvar eller verksamhet, de koder i exporten "
                                    "som hör till nämnden (t.ex. ansvar = [\"04*\"] för alla som börjar på 04)",
                                    Plats(källa))
        nyckel = n.mappnamn.casefold()
        if nyckel in mappar:
            raise KonfigurationsFel(f"[[namnd]] {mappar[nyckel]} och {n.namn} skulle skrivas i samma mapp "
                                    f"'{n.mappnamn}'; ge en av dem en egen mapp = \"…\"", Plats(källa))
        mappar[nyckel] = n.namn
        for key in ("mappning", "kommentarer", "mallar"):
            if getattr(n, key) is not None:
                setattr(n, key, base / getattr(n, key))
        if n.investeringar is not None:
            n.investeringar = _glob(base / n.investeringar, f"namnd.{n.namn}.investeringar", källa)
        v = n.volymer
        if v is not None:
            for key in ("hemtjanst", "placeringar", "bistand", "kommentarer"):
                if getattr(v, key) is not None:
                    setattr(v, key, _glob(base / getattr(v, key), f"namnd.{n.namn}.volymer.{key}", källa))
            v.serier = [_glob(base / p, f"namnd.{n.namn}.volymer.serier", källa) for p in v.serier]


def idag() -> date:
    """Today's date, for the rule of closed months ([kor] stangd_efter_dag); tests replace it."""
    return date.today()


def läs_konfiguration(sökväg: str | Path, miljö: dict[str, str] | None = None) -> Konfiguration:
    """Load and validate the TOML configuration (with the environment's settings); relative paths are
    relative to the file."""
    return lös_inställningar(sökväg, None, miljö)
