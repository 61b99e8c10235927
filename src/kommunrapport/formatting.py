"""Swedish number formats for everything a person reads: 1 397,1 · −3,0 · +13,3 · 38 % · 76 074.

Thousands are separated by a no-break space (U+00A0) so a number never wraps in a report; the minus
sign is U+2212. Rounding is half away from zero, as in Excel and in the printed reports.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
MINUS = "\u2212"


def avrunda(värde: float, decimaler: int = 1) -> float:
    """Round half away from zero (Excel's ROUND), not Python's banker's rounding."""
    q = Decimal(1).scaleb(-decimaler)
    return float(Decimal(repr(float(värde))).quantize(q, rounding=ROUND_HALF_UP))


def tal(värde: float | None, decimaler: int = 1, tecken: bool = False) -> str:
    """Format a number the Swedish way; None or NaN becomes an empty string."""
    if värde is None or (isinstance(värde, float) and math.isnan(värde)):
        return ""
    r = avrunda(float(värde), decimaler)
    if r == 0:
        r = 0.0  # never print −0,0
    text = f"{abs(r):,.{decimaler}f}".replace(",", NBSP).replace(".", ",")
    if r < 0:
        return MINUS + text
    if tecken and r > 0:
        return "+" + text
    return text


def mnkr(kronor: float | None, tecken: bool = False) -> str:
    """Kronor shown as mnkr with one decimal: 1397100000 → '1 397,1'."""
    if kronor is None or (isinstance(kronor, float) and math.isnan(kronor)):
        return ""
    return tal(kronor / 1e6, 1, tecken)


def procent(andel: float | None, decimaler: int = 0, tecken: bool = False) -> str:
    """A share as percent: 0.3751 → '38 %', −0.073 → '−7,3 %' with decimaler=1."""
    if andel is None or (isinstance(andel, float) and (math.isnan(andel) or math.isinf(andel))):
        return ""
    return f"{tal(andel * 100, decimaler, tecken)}{NBSP}%"


def heltal(värde: float | None) -> str:
    return tal(värde, 0)


def talformat(decimaler: int) -> str:
    """The format of a number with this many decimals: heltal, tal1, tal2 …"""
    return "heltal" if decimaler <= 0 else f"tal{min(decimaler, 4)}"


def decimaler_för(format: str) -> int | None:
    """The decimals of a number format (heltal 0, tal1 1, tal2 2 …); None for procent and text."""
    if format == "heltal":
        return 0
    m = re.fullmatch(r"tal([1-4])", format)
    return int(m.group(1)) if m else None
