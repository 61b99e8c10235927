"""Parsing numbers as Swedish exports write them, vectorised over a whole column.

Handles decimal comma or point, thousands separated by space, NBSP (U+00A0), narrow NBSP
(U+202F) or nothing (a space elsewhere between digits, '1 2 3,4', is not a number), minus as '-', U+2212 or en dash (also '- 3,4' and '--25,6'), parentheses
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
        rest = tal.isna() & kolumn.notna() & kolumn.ne("")  # an empty cell is NaN by the full rules too
        if not rest.any():
            return tal.astype("float64"), pd.Series(False, index=kolumn.index)
        values, bad = _tolka_blandat(kolumn[rest].astype(object))
        tal = tal.astype("float64")
        tal[rest] = values
        return tal, bad.reindex(kolumn.index, fill_value=False)
    return _tolka_blandat(kolumn.astype(object))


_ENKELT_MELLANRUM = (" ", "\u00a0", "\u202f")
# A space between two digits separates thousands, so it must stand between groups of three: '1 234 567,5'
# is a number, '1 2 3,4 5' or '12 34' is not (a typing error must not become 12345).
_MELLANRUM_I_TAL = "\\d[\\s\u00a0\u202f\u2009\u2007']+\\d"  # real characters: Arrow's RE2 has no \u escapes
_GRUPPERAT = ("^\\s*[(]?\\s*(?:[-+\u2212\u2013\u2012\u2014]\\s*){0,2}"
              "\\d{1,3}(?:[\\s\u00a0\u202f\u2009\u2007']\\d{3})+(?:[.,]\\d+)?\\s*[)]?\\s*%?\\s*$")


# The shapes the fast path reads: 1234 · -1234,5 · 1234.5 · 1 234 567,89 (space, NBSP or narrow NBSP between
# groups of three). Every cell of these shapes reads the same by the full rules (_tolka_blandat); any other
# cell (parentheses, %, the minus sign −, 1 2 3,4 …) is left to them.
_SNABB_FORM = "^-?(?:\\d{1,3}(?:[ \u00a0\u202f]\\d{3})+|\\d+)(?:[.,]\\d+)?$"  # real characters: RE2 has no \\u


def _enkla_tal(kolumn: pd.Series) -> np.ndarray:
    """float64 of each cell of a simple shape (_SNABB_FORM); NaN for the rest. One pass of Arrow compute
    per column (the regex that accepts), then on the column's bytes in numpy: the thousands spaces taken
    out and the decimal comma made a point in one copy of the text, which Arrow's correctly rounded cast
    reads (the cells the regex rejected are masked out, not copied)."""
    import pyarrow as pa

    text = pa.array(kolumn.array)  # pandas' Arrow-backed strings are not copied
    if not isinstance(text, pa.ChunkedArray):
        return _enkla_tal_arrow(text)
    if text.num_chunks == 0:
        return np.zeros(0, dtype=np.float64)
    return np.concatenate([_enkla_tal_arrow(c) for c in text.chunks])


def _enkla_tal_arrow(text) -> np.ndarray:
    """_enkla_tal of one Arrow string array."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_large_string(text.type):
        text = text.cast(pa.large_string())
    ok = pc.fill_null(pc.match_substring_regex(text, _SNABB_FORM), False)
    n = len(text)
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    _, offsets, data = text.buffers()
    o = np.frombuffer(offsets, dtype=np.int64, count=n + 1, offset=8 * text.offset)
    if data is None or o[-1] == o[0]:  # every cell empty
        return np.full(n, np.nan)
    b = np.frombuffer(data, dtype=np.uint8, count=int(o[-1] - o[0]), offset=int(o[0]))
    if (b >= 0x80).any():  # NBSP or narrow NBSP between thousands: Arrow's literal replaces
        for tecken in _ENKELT_MELLANRUM + (",",):
            if pc.any(pc.match_substring(text, tecken)).as_py():
                text = pc.replace_substring(text, tecken, "" if tecken != "," else ".")
        enkel = pc.if_else(ok, text, pa.scalar(None, text.type))
        return pc.cast(enkel, pa.float64()).to_numpy(zero_copy_only=False)
    mellanrum = b == 0x20
    if mellanrum.any():  # (a space outside an accepted cell goes too: that cell is masked out below)
        före = np.zeros(len(b) + 1, dtype=np.int32 if len(b) < 1 << 31 else np.int64)
        np.cumsum(mellanrum, out=före[1:])
        b = b[~mellanrum]
        o = o - o[0] - före[o - o[0]]
    else:
        b = b.copy()
        o = o - o[0]
    b[b == 0x2C] = 0x2E  # ',' → '.'
    giltig = ok.buffers()[1] if ok.offset == 0 else pa.array(ok.to_numpy(zero_copy_only=False)).buffers()[1]
    enkel = pa.LargeStringArray.from_buffers(n, pa.py_buffer(o), pa.py_buffer(b), giltig)
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
    felgrupperad = raw.str.contains(_MELLANRUM_I_TAL, regex=True) & ~raw.str.fullmatch(_GRUPPERAT)
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
    valid = s.str.fullmatch(r"-?(\d+\.?\d*|\.\d+)") & ~felgrupperad
    parsed = pd.to_numeric(s.where(valid), errors="coerce")
    parsed = parsed.where(~percent, parsed / 100)
    result[text_mask] = parsed.astype("float64")
    bad = pd.Series(False, index=kolumn.index)
    bad[text_mask] = (~empty & parsed.isna()).to_numpy()
    result[text_mask & bad.reindex(kolumn.index, fill_value=False)] = np.nan
    return result, bad


# --- the dot: decimal point or thousands separator ('5.000') ------------------------------------------

_TECKEN_BORT = r"[\s\u00a0\u202f\u2009\u2007'()%+\-\u2212\u2013\u2012\u2014]"
_TUSENTAL_SÄKERT = r"^\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?$|^\d{1,3}(?:\.\d{3})+,\d+$"  # 1.234.567 · 1.234,50
_TVETYDIGT = r"^\d{1,3}\.\d{3}$"  # 5.000: five thousand, or five with three decimals?
_DECIMALKOMMA = r"^\d+,\d+$"


def _arrow_text(kolumn: pd.Series):
    """The Arrow array of a text column (CSV: pandas' Arrow-backed strings, not copied); None for others."""
    if pd.api.types.is_string_dtype(kolumn.dtype) and not pd.api.types.is_object_dtype(kolumn.dtype):
        import pyarrow as pa

        return pa.array(kolumn.array)
    return None


def _utan_tecken(kolumn: pd.Series, tecken: str) -> bool:
    """True when no text cell of a text column contains `tecken`: a quick answer in Arrow compute for the
    checks below, which only look at cells that have it. False when unsure (not a text column)."""
    arr = _arrow_text(kolumn)
    if arr is None:
        return False
    if len(tecken) == 1 and tecken.isascii():  # one byte: looked for in the text's bytes, no kernel per cell
        return not any(ord(tecken) in _textens_byte(c) for c in getattr(arr, "chunks", [arr]))
    import pyarrow.compute as pc

    return not pc.any(pc.fill_null(pc.match_substring(arr, tecken), False)).as_py()


def _textens_byte(arr) -> np.ndarray:
    """The UTF-8 bytes of the cells of an Arrow string array (its data buffer over the array's cells)."""
    import pyarrow as pa

    if len(arr) == 0:
        return np.zeros(0, dtype=np.uint8)
    if not pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.large_string())
    _, offsets, data = arr.buffers()
    o = np.frombuffer(offsets, dtype=np.int64, count=len(arr) + 1, offset=8 * arr.offset)
    if data is None or o[-1] == o[0]:
        return np.zeros(0, dtype=np.uint8)
    return np.frombuffer(data, dtype=np.uint8, count=int(o[-1] - o[0]), offset=int(o[0]))


def _med_tecken(kolumn: pd.Series, tecken: str) -> pd.Series:
    """The cells of a text column that contain `tecken` (the column itself for other kinds)."""
    arr = _arrow_text(kolumn)
    if arr is None:
        return kolumn
    import pyarrow.compute as pc

    return kolumn[pc.fill_null(pc.match_substring(arr, tecken), False).to_numpy(zero_copy_only=False)]


def _textceller(kolumn: pd.Series) -> pd.Series:
    """The column's text cells without spaces, signs, parentheses and %; empty for a number column."""
    if pd.api.types.is_numeric_dtype(kolumn.dtype) and not pd.api.types.is_object_dtype(kolumn.dtype):
        return pd.Series([], dtype=str)
    text = kolumn[kolumn.map(lambda v: isinstance(v, str))] if pd.api.types.is_object_dtype(kolumn.dtype) else kolumn
    return text.dropna().astype(str).str.replace(_TECKEN_BORT, "", regex=True)


def punktens_betydelse(kolumn: pd.Series) -> str | None:
    """What a dot means in a column of numbers written as text: 'decimal' when some cell has a dot that
    cannot separate thousands (12.5, 1234.567), else 'tusental' when some cell can only be read with dots
    between thousands (1.234.567, 1.234,50), 'tvetydig' when every dotted cell is like 5.000 or 12.345
    (either), None when no cell has a dot."""
    if _utan_tecken(kolumn, "."):  # the usual Swedish export: no dot at all
        return None
    text = _textceller(_med_tecken(kolumn, "."))  # what is taken away below is never a dot
    punkt = text[text.str.contains(".", regex=False)]
    if punkt.empty:
        return None
    säkert = punkt.str.fullmatch(_TUSENTAL_SÄKERT)
    tvetydigt = punkt.str.fullmatch(_TVETYDIGT)
    if (~säkert & ~tvetydigt).any():
        return "decimal"  # (with 1.234.567 in the same column too: each cell is read by its own shape)
    return "tusental" if säkert.any() else "tvetydig"


def har_decimalkomma(kolumn: pd.Series) -> bool:
    """Whether some text cell is written with a Swedish decimal comma (12,5 · 1 397,10)."""
    if _utan_tecken(kolumn, ","):
        return False
    return bool(_textceller(_med_tecken(kolumn, ",")).str.fullmatch(_DECIMALKOMMA).any())


def första_tvetydiga(kolumn: pd.Series) -> int:
    """Position of the first cell like 5.000 (see punktens_betydelse)."""
    text = pd.Series(kolumn.to_numpy(dtype=object)).map(lambda v: v if isinstance(v, str) else "")
    return int(np.flatnonzero(text.str.replace(_TECKEN_BORT, "", regex=True).str.fullmatch(_TVETYDIGT))[0])


def utan_tusentalspunkter(kolumn: pd.Series) -> pd.Series:
    """The column with the dots of its text cells removed (they separate thousands: 5.000 → 5000)."""
    if pd.api.types.is_object_dtype(kolumn.dtype):
        return kolumn.map(lambda v: v.replace(".", "") if isinstance(v, str) else v)
    if pd.api.types.is_string_dtype(kolumn.dtype):
        return kolumn.str.replace(".", "", regex=False)
    return kolumn


def procentceller(kolumn: pd.Series) -> np.ndarray:
    """Mask of the text cells that end with a percent sign ('12 %', '3,5%')."""
    if pd.api.types.is_numeric_dtype(kolumn.dtype) and not pd.api.types.is_object_dtype(kolumn.dtype):
        return np.zeros(len(kolumn), dtype=bool)
    if _utan_tecken(kolumn, "%"):  # no cell has a percent sign at all: none ends with one
        return np.zeros(len(kolumn), dtype=bool)
    return kolumn.map(lambda v: isinstance(v, str) and v.strip().endswith("%")).to_numpy(dtype=bool)
