"""Parsing numbers as Swedish exports write them, vectorised over a whole column.

Handles decimal comma or point, thousands separated by space, NBSP (U+00A0), narrow NBSP
(U+202F) or nothing, minus as '-', U+2212 or en dash (also '- 3,4' and '--25,6'), parentheses
for negatives and trailing percent signs. Cells that already are numbers (from .xlsx) pass through.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_MELLANRUM = r"[\s\u00a0\u202f\u2009\u2007']"
_MINUS = r"[\u2212\u2013\u2012\u2014]"


def tolka_tal(kolumn: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (float values, mask of cells that are non-empty but not a number).

    Empty cells become NaN and are not flagged; the caller decides what empty means.
    """
    if pd.api.types.is_numeric_dtype(kolumn.dtype) and not pd.api.types.is_bool_dtype(kolumn.dtype):
        values = kolumn.astype("float64")
        return values, pd.Series(False, index=kolumn.index)

    if pd.api.types.is_string_dtype(kolumn.dtype) and not pd.api.types.is_object_dtype(kolumn.dtype):
        # A text column (CSV, or Excel cells mixing text and numbers). Fast path for the common shapes
        # (1234 · -1 234,5 · 1234.5) in Arrow compute: literal replaces, one regex, one correctly
        # rounded cast; only the cells it cannot read take the full Swedish rules below.
        tal = pd.Series(_enkla_tal(kolumn), index=kolumn.index)
        rest = tal.isna() & kolumn.notna()
        if not rest.any():
            return tal.astype("float64"), pd.Series(False, index=kolumn.index)
        values, bad = _tolka_blandat(kolumn[rest].astype(object))
        tal = tal.astype("float64")
        tal[rest] = values
        return tal, bad.reindex(kolumn.index, fill_value=False)
    return _tolka_blandat(kolumn.astype(object))


_ENKELT_MELLANRUM = (" ", "\u00a0", "\u202f")
_ENKELT_TAL = r"^-?\d+(?:\.\d+)?$"


def _enkla_tal(kolumn: pd.Series) -> np.ndarray:
    """float64 of each cell written as -?digits[,.digits] once the spaces are gone; NaN for the rest."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(kolumn.array)  # pandas' Arrow-backed strings are not copied
    for tecken in _ENKELT_MELLANRUM + (",",):  # literal replaces: much faster than a character class
        text = pc.replace_substring(text, tecken, "" if tecken != "," else ".")
    enkel = pc.if_else(pc.match_substring_regex(text, _ENKELT_TAL), text, pa.scalar(None, text.type))
    return pc.cast(enkel, pa.float64()).to_numpy(zero_copy_only=False)


def _tolka_blandat(obj: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The full rules, for Excel's mixed cells and the text the fast path could not read."""
    kolumn = obj
    is_num = obj.map(lambda v: isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool))
    result = pd.Series(np.nan, index=kolumn.index, dtype="float64")
    if is_num.any():
        result[is_num] = obj[is_num].astype("float64")

    text_mask = ~is_num & obj.notna()
    if not text_mask.any():
        return result, pd.Series(False, index=kolumn.index)
    raw = obj[text_mask].astype(str)
    s = raw.str.replace(_MELLANRUM, "", regex=True).str.replace(_MINUS, "-", regex=True)
    empty = s.eq("") | s.eq("-")
    percent = s.str.endswith("%")
    s = s.str.rstrip("%")
    paren = s.str.startswith("(") & s.str.endswith(")")
    s = s.where(~paren, "-" + s.str.slice(1, -1))
    s = s.str.replace(r"^-{2,}", "-", regex=True)
    s = s.str.replace(r"^\+", "", regex=True)
    # Decimal comma: '1.234,5' → '1234.5'; '1,234.5' → '1234.5'; '12,5' → '12.5'; '1.234.567' → '1234567'
    has_comma = s.str.contains(",", regex=False)
    has_dot = s.str.contains(".", regex=False)
    both = has_comma & has_dot
    comma_last = s.str.rfind(",") > s.str.rfind(".")
    s = s.where(~(both & comma_last), s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    s = s.where(~(both & ~comma_last), s.str.replace(",", "", regex=False))
    only_comma = has_comma & ~has_dot
    s = s.where(~only_comma, s.str.replace(",", ".", regex=False))
    many_dots = ~has_comma & (s.str.count(r"\.") > 1)
    s = s.where(~many_dots, s.str.replace(".", "", regex=False))
    # Only plain decimal numbers are accepted: no exponents, no letters ('12abc', 'inf', '1e5' are errors).
    valid = s.str.fullmatch(r"-?(\d+\.?\d*|\.\d+)")
    parsed = pd.to_numeric(s.where(valid), errors="coerce")
    parsed = parsed.where(~percent, parsed / 100)
    result[text_mask] = parsed.astype("float64")
    bad = pd.Series(False, index=kolumn.index)
    bad[text_mask] = (~empty & parsed.isna()).to_numpy()
    result[text_mask & bad.reindex(kolumn.index, fill_value=False)] = np.nan
    return result, bad
