"""Header vocabulary: what the column and row headings of an export mean.

Pure Python (no pandas), so that the settings can name the valid column keys without loading
the readers. The ekonomi export's fields and their synonyms, the sign and value conventions,
and the labels of derived rows and columns (Summa, Årssnitt, Tertial 1, Ack.).
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from ..model.period import månadsnummer, år_och_månad


def normalisera_rubrik(text: object) -> str:
    """'  Utfall ack. ' → 'utfall ack'; keeps å ä ö, folds case and whitespace, drops trailing dots/colons."""
    s = unicodedata.normalize("NFC", str(text)).replace("\u00a0", " ").replace("\ufeff", "")
    s = re.sub(r"\s+", " ", s).strip().lower()
    return s.rstrip(".:").strip()


class Tecken(StrEnum):
    """Sign convention of an export."""

    KOSTNAD_POSITIV = "kostnad-positiv"  # ledger: costs positive (debit), revenue negative
    KOSTNAD_NEGATIV = "kostnad-negativ"  # follow-up system (Hypergene): costs negative, revenue positive


class Värden(StrEnum):
    """Whether amounts are per month or accumulated from January."""

    MÅNAD = "månad"
    ACKUMULERADE = "ackumulerade"


# Standard field → header texts that mean it (normalised: lower case, single spaces).
SYNONYMER: dict[str, tuple[str, ...]] = {
    "år": ("år", "ar", "year", "bokföringsår", "räkenskapsår"),
    "månad": ("månad", "manad", "mån", "månadsnr", "månadsnummer", "month", "period", "bokföringsperiod"),
    "verksamhet": ("verksamhet", "verksamhetskod", "vht", "verks", "verksamhetsområde"),
    "utfall": ("utfall", "utfall kr", "redovisat", "bokfört", "utfall period"),
    "budget": ("budget", "budget kr", "periodiserad budget", "budget period"),
    "prognos": ("prognos", "prognos kr", "helårsprognos"),
    "konto": ("konto", "kontonr", "kontonummer"),
    "typ": ("typ", "intäkt/kostnad", "kontotyp"),
    "ansvar": ("ansvar", "ansvarskod", "ansvarsnummer", "ansvarsnr"),  # read only for [[namnd]] ansvar
}
KRÄVS_I_RUBRIK = ("verksamhet", "utfall", "budget")


def kolumnkarta(rubriker: list[str], egna: dict[str, str] | None = None,
                synonymer: dict[str, tuple[str, ...]] = SYNONYMER) -> dict[str, str]:
    """Standard field → header found in the file, using the user's own names first."""
    karta: dict[str, str] = {}
    for fält, namn in (egna or {}).items():
        n = normalisera_rubrik(namn)
        if n in rubriker:
            karta[fält] = n
    for fält, syn in synonymer.items():
        if fält in karta:
            continue
        for s in syn:
            if s in rubriker and s not in karta.values():
                karta[fält] = s
                break
    return karta


SUMMA = {"summa", "totalsumma", "totalt", "total", "delsumma", "sum", "summa totalt", "helår", "hela året"}
MEDEL = {"årssnitt", "snitt", "medel", "medelvärde", "genomsnitt", "snitt per månad", "medel per månad"}
ACK = re.compile(r"^ack(\.|umulerad|umulerat)?\b")
TERTIAL = re.compile(r"^(?:tertial\s*|t)([123])\b")
FOTNOT = re.compile(r"(?<=[a-zåäöé])\d{1,2}$")

MÅNAD_OCH_ÅR = re.compile(r"([a-zåäö]{3,9})\.?[\s\-/']*(\d{2}|(?:19|20)\d{2})")


def månadsrubrik(h: str) -> tuple[int | None, int] | None:
    """(year or None, month) for a header cell that names a month: 'jan', 'Januari', '2025-01'."""
    h = h.strip().lower()
    if not h or h.isdigit() and len(h) <= 2:
        return None
    år, m = år_och_månad(h)
    if m is None and (mm := MÅNAD_OCH_ÅR.fullmatch(h)) and (m := månadsnummer(mm.group(1))):
        år = int(mm.group(2)) + (2000 if len(mm.group(2)) == 2 else 0)  # Excel's 'jan-24' (mmm-åå), 'jan 2024'
    return (år, m) if m else None


def _nyckel(h: str) -> str:
    return FOTNOT.sub("", h.strip().lower()).strip(" .:")


def härledd_typ(h: str) -> tuple[str, int | None] | None:
    """('summa'|'medel'|'tertial', tertial number) for a derived row/column label; else None."""
    k = _nyckel(h)
    if not k:
        return None
    m = TERTIAL.match(k)
    if m and (k.endswith("summa") or re.fullmatch(r"(tertial\s*|t)[123]", k)):
        return "tertial", int(m.group(1))
    if k in SUMMA or k.startswith("summa ") or k.endswith(" summa") or ACK.match(k):
        return "summa", None
    if k in MEDEL:
        return "medel", None
    return None
