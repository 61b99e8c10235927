"""Parsing Swedish numbers (numbers.tolka_tal) and formatting them (formatting.*)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kommunrapport.formatting import avrunda, mnkr, procent, tal
from kommunrapport.input.numbers import tolka_tal

NBSP = "\u00a0"
NNBSP = "\u202f"
MINUS = "\u2212"
EN_DASH = "\u2013"


def tolka_ett(cell):
    """Parse one cell; return (value, flagged)."""
    values, bad = tolka_tal(pd.Series([cell], dtype=object))
    return values.iloc[0], bool(bad.iloc[0])


# ---------------------------------------------------------------------------------------------
# tolka_tal: explicit cases
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 397,1", 1397.1),
        (f"1{NBSP}397,1", 1397.1),
        (f"1{NNBSP}397,1", 1397.1),
        (f"12{NBSP}345{NBSP}678,90", 12345678.9),
        (f"12{NNBSP}345{NNBSP}678", 12345678.0),
        ("1397,1", 1397.1),
        ("1.234,5", 1234.5),
        ("1.234.567,25", 1234567.25),
        ("12,5", 12.5),
        ("0,05", 0.05),
        ("12", 12.0),
        ("-3,4", -3.4),
        (f"{MINUS}3,4", -3.4),
        (f"{EN_DASH}3,4", -3.4),
        ("- 3,4", -3.4),
        (f"{MINUS} 1 234,5", -1234.5),
        ("--25,6", -25.6),
        ("(12)", -12.0),
        ("(1 234,5)", -1234.5),
        ("  42,0  ", 42.0),
        ("+13,3", 13.3),
        ("0", 0.0),
    ],
)
def test_tolka_tal_explicit(text, expected):
    value, flagged = tolka_ett(text)
    assert not flagged
    assert value == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("text", ["abc", "familjehem2", "1e5", "12abc", "inf", "nan", "1,2,3,4x", "(abc)", "12 kr"])
def test_tolka_tal_flags_non_numbers(text):
    value, flagged = tolka_ett(text)
    assert flagged, f"{text!r} should be flagged as not a number"
    assert math.isnan(value), f"{text!r} must not get a value, got {value!r}"


@pytest.mark.parametrize("cell", ["", None, np.nan, "   ", "-"])
def test_tolka_tal_empty_is_nan_and_not_flagged(cell):
    value, flagged = tolka_ett(cell)
    assert math.isnan(value)
    assert flagged is False


def test_tolka_tal_mixed_styles_in_one_column():
    col = pd.Series(
        [
            "1 397,1",
            f"1{NBSP}397,1",
            f"1{NNBSP}397,1",
            "1397,1",
            "1.397,1",
            f"{MINUS}2,5",
            f"{EN_DASH}2,5",
            "- 2,5",
            "--2,5",
            "(2,5)",
            "",
            "abc",
            "7",
        ]
    )
    values, bad = tolka_tal(col)
    assert list(values.index) == list(col.index)
    assert values.iloc[:5].tolist() == pytest.approx([1397.1] * 5)
    assert values.iloc[5:10].tolist() == pytest.approx([-2.5] * 5)
    assert math.isnan(values.iloc[10]) and math.isnan(values.iloc[11])
    assert values.iloc[12] == 7.0
    assert bad.tolist() == [False] * 11 + [True, False]


def test_tolka_tal_numeric_cells_pass_through():
    # Excel gives floats and ints mixed with text in one object column.
    col = pd.Series([1397.1, 12, np.int64(5), np.float64(-2.25), "1 000,5", None, ""], dtype=object)
    values, bad = tolka_tal(col)
    assert values.iloc[:5].tolist() == [1397.1, 12.0, 5.0, -2.25, 1000.5]
    assert math.isnan(values.iloc[5]) and math.isnan(values.iloc[6])
    assert not bad.any()
    assert values.dtype == np.float64


def test_tolka_tal_numeric_dtype_column():
    values, bad = tolka_tal(pd.Series([1, 2, 3], index=[10, 20, 30]))
    assert values.tolist() == [1.0, 2.0, 3.0]
    assert values.dtype == np.float64
    assert list(values.index) == [10, 20, 30]
    assert not bad.any()

    values, bad = tolka_tal(pd.Series([1.5, np.nan]))
    assert values.iloc[0] == 1.5 and math.isnan(values.iloc[1])
    assert not bad.any()


def test_tolka_tal_keeps_index():
    col = pd.Series(["1,5", "x", "2"], index=[7, 3, 9])
    values, bad = tolka_tal(col)
    assert list(values.index) == [7, 3, 9]
    assert list(bad.index) == [7, 3, 9]
    assert values.loc[7] == 1.5 and values.loc[9] == 2.0 and math.isnan(values.loc[3])
    assert bad.loc[3] and not bad.loc[7] and not bad.loc[9]


# ---------------------------------------------------------------------------------------------
# tolka_tal: property-based, round trip through a Swedish formatter
# ---------------------------------------------------------------------------------------------

TUSENTAL = ["", " ", NBSP, NNBSP]
MINUSTECKEN = ["-", MINUS, EN_DASH, "- "]


def gruppera(heltal: int, sep: str) -> str:
    digits = str(heltal)
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return sep.join(groups)


@st.composite
def svenskt_tal(draw) -> tuple[int, str]:
    """(cents, text) where text is cents/100 written in one of the supported Swedish styles."""
    cents = draw(st.integers(min_value=-(10**11), max_value=10**11))
    # Fewer decimals are allowed only when the dropped digits are zero.
    choices = [2]
    if cents % 10 == 0:
        choices.append(1)
    if cents % 100 == 0:
        choices.append(0)
    decimaler = draw(st.sampled_from(choices))
    # '.' as thousands separator is only unambiguous together with a decimal comma.
    sep = draw(st.sampled_from(TUSENTAL + (["."] if decimaler > 0 else [])))
    a = abs(cents)
    heltal, rest = divmod(a, 100)
    text = gruppera(heltal, sep)
    if decimaler == 2:
        text += f",{rest:02d}"
    elif decimaler == 1:
        text += f",{rest // 10}"
    if cents < 0:
        if draw(st.booleans()):
            text = f"({text})"
        else:
            text = draw(st.sampled_from(MINUSTECKEN)) + text
    if draw(st.booleans()):
        text = draw(st.sampled_from(["", " ", "  "])) + text + draw(st.sampled_from(["", " "]))
    return cents, text


def assert_same_cents(value: float, cents: int, text: str) -> None:
    assert not math.isnan(value), f"{text!r} was not parsed"
    assert round(value * 100) == cents, f"{text!r} parsed as {value!r}, expected {cents / 100!r}"
    assert math.isclose(value, cents / 100, rel_tol=1e-9, abs_tol=1e-12)


@given(svenskt_tal())
@example((139710, "1 397,10"))
@example((-2560, "--25,60"))
@example((-1200, "(12)"))
@example((-340, "- 3,4"))
def test_tolka_tal_round_trip_single(fall):
    cents, text = fall
    value, flagged = tolka_ett(text)
    assert not flagged, f"{text!r} flagged as not a number"
    assert_same_cents(value, cents, text)


@given(st.lists(svenskt_tal(), min_size=1, max_size=30), st.sampled_from([object, None]))
def test_tolka_tal_round_trip_column(fall, dtype):
    # Mixed styles in one column, as pandas' default string dtype and as object (Excel).
    texts = [t for _, t in fall]
    col = pd.Series(texts, dtype=dtype) if dtype is not None else pd.Series(texts)
    values, bad = tolka_tal(col)
    assert not bad.any(), [t for t, b in zip(texts, bad) if b]
    assert len(values) == len(fall)
    for (cents, text), value in zip(fall, values):
        assert_same_cents(value, cents, text)


# ---------------------------------------------------------------------------------------------
# formatting
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimaler", "expected"),
    [
        (0.25, 1, 0.3),
        (-0.25, 1, -0.3),
        (0.35, 1, 0.4),
        (2.675, 2, 2.68),  # Python's round gives 2.67
        (-2.675, 2, -2.68),
        (0.5, 0, 1.0),
        (1.5, 0, 2.0),
        (2.5, 0, 3.0),  # banker's rounding would give 2
        (-2.5, 0, -3.0),
        (1.04, 1, 1.0),
        (1234.5678, 2, 1234.57),
    ],
)
def test_avrunda_half_away_from_zero(value, decimaler, expected):
    assert avrunda(value, decimaler) == expected


@pytest.mark.parametrize(
    ("value", "decimaler", "tecken", "expected"),
    [
        (1397.1, 1, False, f"1{NBSP}397,1"),
        (1397.14, 1, False, f"1{NBSP}397,1"),
        (1234567.891, 2, False, f"1{NBSP}234{NBSP}567,89"),
        (-1397.1, 1, False, f"{MINUS}1{NBSP}397,1"),
        (999.95, 1, False, f"1{NBSP}000,0"),
        (76074, 0, False, f"76{NBSP}074"),
        (0.0, 1, False, "0,0"),
        (-0.0, 1, False, "0,0"),
        (-0.04, 1, False, "0,0"),
        (-0.04, 1, True, "0,0"),
        (13.3, 1, True, "+13,3"),
        (-3.0, 1, True, f"{MINUS}3,0"),
        (0.25, 1, False, "0,3"),
        (-0.25, 1, False, f"{MINUS}0,3"),
        (5, 1, False, "5,0"),
    ],
)
def test_tal(value, decimaler, tecken, expected):
    assert tal(value, decimaler, tecken) == expected


@pytest.mark.parametrize("value", [None, float("nan")])
def test_tal_empty(value):
    assert tal(value) == ""
    assert mnkr(value) == ""
    assert procent(value) == ""


def test_mnkr():
    assert mnkr(1_397_100_000) == f"1{NBSP}397,1"
    assert mnkr(-40_000) == "0,0"
    assert mnkr(40_000) == "0,0"
    assert mnkr(-50_000) == f"{MINUS}0,1"
    assert mnkr(-3_000_000, tecken=True) == f"{MINUS}3,0"
    assert mnkr(13_300_000, tecken=True) == "+13,3"
    assert mnkr(0) == "0,0"


def test_procent():
    assert procent(-0.073, 1) == f"{MINUS}7,3{NBSP}%"
    assert procent(0.3751) == f"38{NBSP}%"
    assert procent(0.125) == f"13{NBSP}%"
    assert procent(-0.0004, 1) == f"0,0{NBSP}%"
    assert procent(0.05, 0, tecken=True) == f"+5{NBSP}%"
    assert procent(float("inf")) == ""


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False))
@example(0.125)
@example(-0.005)
@example(2.675)
@example(-1e-9)
def test_tal_parses_back_to_avrunda(x):
    text = tal(x, 2)
    assert MINUS + "0,00" != text  # never a negative zero
    values, bad = tolka_tal(pd.Series([text]))
    assert not bad.iloc[0], text
    assert values.iloc[0] == avrunda(x, 2), (x, text)


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
       st.integers(min_value=0, max_value=4))
def test_tal_shape(x, decimaler):
    text = tal(x, decimaler)
    assert "-" not in text and "." not in text and " " not in text
    body = text.removeprefix(MINUS)
    if decimaler:
        heltal, dec = body.split(",")
        assert len(dec) == decimaler
    else:
        heltal = body
        assert "," not in body
    groups = heltal.split(NBSP)
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3
    if text.startswith(MINUS):
        assert avrunda(x, decimaler) < 0


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15), min_size=1,
                max_size=30), st.booleans())
def test_tolka_tal_korrekt_avrundat(tal, komma):
    """The shortest text of a float, with decimal point or comma, reads back as that very float."""
    from decimal import Decimal

    texts = [format(Decimal(repr(x)), "f") for x in tal]
    if komma:
        texts = [t.replace(".", ",") for t in texts]
    values, bad = tolka_tal(pd.Series(texts))
    assert not bad.any()
    assert [v if v != 0 else 0.0 for v in values.tolist()] == [x if x != 0 else 0.0 for x in tal]


# ---------------------------------------------------------------------------------------------
# The dot: thousands separator or decimal point, decided per column (numbers.punktens_betydelse)
# ---------------------------------------------------------------------------------------------


def med_punkter(heltal: int) -> str:
    """1234567 → '1.234.567'."""
    return f"{heltal:,}".replace(",", ".")


@given(st.lists(st.integers(min_value=0, max_value=10**10), min_size=1, max_size=20), st.booleans())
def test_tusentalspunkter_läses_som_heltal(tal, minus):
    """A column written with dots between thousands reads as the whole numbers once its dots are removed."""
    from kommunrapport.input.numbers import punktens_betydelse, utan_tusentalspunkter

    celler = [("-" if minus and t else "") + med_punkter(t) for t in tal]
    kolumn = pd.Series(celler, dtype="str")
    betydelse = punktens_betydelse(kolumn)
    if any(t >= 10**6 for t in tal):
        assert betydelse == "tusental"
    elif any(t >= 1000 for t in tal):
        assert betydelse == "tvetydig"  # 5.000 alone: five thousand, or five?
    else:
        assert betydelse is None
    values, bad = tolka_tal(utan_tusentalspunkter(kolumn))
    assert not bad.any()
    assert values.tolist() == [(-t if minus else t) for t in tal]


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=20),
       st.integers(min_value=1, max_value=4).filter(lambda d: d != 3))
def test_decimalpunkt_med_annat_än_tre_decimaler_är_decimal(tal, decimaler):
    from kommunrapport.input.numbers import punktens_betydelse

    celler = [f"{t / 10**decimaler:.{decimaler}f}" for t in tal]
    assert punktens_betydelse(pd.Series(celler, dtype="str")) == "decimal"


@pytest.mark.parametrize(("celler", "betydelse"), [
    (["5.000", "300", "12.500"], "tvetydig"),
    (["1.234.567", "5.000"], "tusental"),
    (["1.234,50", "5.000"], "tusental"),
    (["12.5", "5.000"], "decimal"),
    (["1234.567"], "decimal"),  # four digits before the dot: not a thousands group
    (["(5.000)", "-2.500", f"{MINUS}7.125"], "tvetydig"),
    (["1 397,10", "5"], None),
])
def test_punktens_betydelse(celler, betydelse):
    from kommunrapport.input.numbers import punktens_betydelse

    assert punktens_betydelse(pd.Series(celler, dtype="str")) == betydelse


@pytest.mark.parametrize("text, väntat", [
    ("1 234", 1234.0), ("−1 234 567,50", -1234567.5), ("- 3,4", -3.4), ("(12 345)", -12345.0),
    ("1\u00a0397,1", 1397.1), ("12,5 %", 0.125), ("1 234,5 %", 12.345),
    ("1 2 3,4 5", None), ("12 34", None), ("1234 567", None), ("1 23", None), ("1 234,5 6", None),
])
def test_mellanrum_bara_mellan_tusental(text, väntat):
    """A space between digits separates thousands: '1 2 3,4 5' is a typing error, not 123,45."""
    for kolumn in (pd.Series([text, "1 000"], dtype="str"), pd.Series([text, 5.0], dtype=object)):
        values, bad = tolka_tal(kolumn)
        if väntat is None:
            assert bool(bad.iloc[0]) and np.isnan(values.iloc[0])
        else:
            assert not bad.iloc[0] and values.iloc[0] == pytest.approx(väntat)


@given(st.lists(st.one_of(svenskt_tal().map(lambda f: f[1]),
                          st.text(alphabet="0123456789 ,.-+()%\u00a0\u202f\u2212x", max_size=14)),
                min_size=1, max_size=30))
@example(["1 234 567,89", "12 ,5", "1 2 3,4", "", "1234.5", "-0,00", "007", "1 234.5", "+5"])
def test_the_fast_path_reads_every_cell_as_the_full_rules_do(texts):
    # The Arrow fast path (CSV columns) and the full Swedish rules (_tolka_blandat) give the same figure
    # and flag the same cells, whatever the text.
    from kommunrapport.input.numbers import _tolka_blandat

    snabb, snabb_fel = tolka_tal(pd.Series(texts, dtype="str"))
    full, full_fel = _tolka_blandat(pd.Series(texts, dtype=object))
    assert snabb_fel.tolist() == full_fel.tolist()
    assert snabb.isna().tolist() == full.isna().tolist()
    assert snabb.fillna(0).tolist() == full.fillna(0).tolist()
