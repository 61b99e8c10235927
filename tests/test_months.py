"""Swedish month names and period texts (months.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kommunrapport.model.period import MÅNADER, månadsnamn, månadsnummer, period_text, år_och_månad

FEBRUARI = [
    "feb", "Feb", "FEB", "feb.", "februari", "Februari", "FEBRUARI", " februari ",
    "2", "02", " 2 ", 2, 2.0,
    "2025-02", "202502", "2025-02-28", "2025/02", "2025.02", "2025-2",
    "2025-02-01 00:00:00",
]


@pytest.mark.parametrize("text", FEBRUARI)
def test_månadsnummer_februari(text):
    assert månadsnummer(text) == 2


def test_månadsnummer_iso_datetime_med_T():
    assert månadsnummer("2025-02-01T00:00:00") == 2


@pytest.mark.parametrize(
    ("text", "nr"),
    [("2025-01", 1), ("2025-12-31", 12), ("2024-03-01 00:00:00", 3), ("202411", 11)],
)
def test_månadsnummer_med_år(text, nr):
    assert månadsnummer(text) == nr


@pytest.mark.parametrize(
    ("text", "nr"),
    [
        ("jan", 1), ("januari", 1), ("mar", 3), ("mars", 3), ("Mars", 3), ("apr", 4),
        ("maj", 5), ("MAJ", 5), ("jun", 6), ("juni", 6), ("jul", 7), ("aug", 8),
        ("sep", 9), ("sept", 9), ("september", 9), ("okt", 10), ("okt.", 10), ("oktober", 10),
        ("nov", 11), ("dec", 12), ("december", 12), ("12", 12), (12, 12), ("1", 1), ("01", 1),
    ],
)
def test_månadsnummer_alla_månader(text, nr):
    assert månadsnummer(text) == nr


@pytest.mark.parametrize("nr", range(1, 13))
def test_månadsnummer_namn_runt(nr):
    assert månadsnummer(MÅNADER[nr - 1]) == nr
    assert månadsnummer(MÅNADER[nr - 1].upper()) == nr
    assert månadsnummer(månadsnamn(nr)) == nr


@pytest.mark.parametrize(
    "text",
    ["13", "0", "00", "foo", "", "   ", None, 13, 0, 2.5, -1, "2025-13", "202500", "marsch", "febr uari", True,
     "45658", "20252", "2025021", 45658.0],
)
def test_månadsnummer_ogiltigt(text):
    assert månadsnummer(text) is None


def test_månadsnummer_datetime_objekt():
    assert månadsnummer(dt.datetime(2025, 2, 1)) == 2
    assert månadsnummer(pd.Timestamp("2025-11-30")) == 11


@pytest.mark.parametrize(
    "text",
    ["2025-02", "202502", "2025-02-28", "2025-02-01 00:00:00", "2025-02-01T00:00:00", " 2025-02 ", "2025/02"],
)
def test_år_och_månad_med_år(text):
    assert år_och_månad(text) == (2025, 2)


@pytest.mark.parametrize("text", ["feb", "Februari", "FEB", "2", "02", 2])
def test_år_och_månad_utan_år(text):
    assert år_och_månad(text) == (None, 2)


def test_år_och_månad_float_från_excel():
    assert år_och_månad(2.0) == (None, 2)


def test_år_och_månad_mars_och_maj():
    assert år_och_månad("mars") == (None, 3)
    assert år_och_månad("maj") == (None, 5)
    assert år_och_månad("2024-12") == (2024, 12)


def test_år_och_månad_datetime_objekt():
    assert år_och_månad(dt.datetime(2025, 2, 1)) == (2025, 2)
    assert år_och_månad(pd.Timestamp("2024-03-31")) == (2024, 3)


@pytest.mark.parametrize("text", ["13", "foo", "", None])
def test_år_och_månad_ogiltigt(text):
    assert år_och_månad(text) == (None, None)


def test_år_och_månad_ogiltig_månad_med_år():
    år, månad = år_och_månad("2025-13")
    assert månad is None
    assert år_och_månad("202513")[1] is None


def test_period_text():
    assert period_text(1) == "januari"
    assert period_text(2) == "januari\u2013februari"
    assert period_text(3) == "januari\u2013mars"
    assert period_text(12) == "januari\u2013december"
    assert "-" not in period_text(6)  # en dash, not hyphen


def test_månadsnamn():
    assert [månadsnamn(i) for i in (1, 3, 5, 12)] == ["januari", "mars", "maj", "december"]
