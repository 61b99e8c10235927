"""calc.volymer.Månadsserie: the volume report's lookup of a series gives exactly (bit for bit) what the
frame functions give, for random series with gaps, blank values, one to ten years and every kind."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kommunrapport.calc import volymer as vc
from kommunrapport.model.period import MÅNADSNUMMER


def _samma(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def _slumpserie(rng: np.random.Generator, år: int) -> pd.DataFrame:
    rows = []
    for y in range(2016, 2016 + år):
        for m in MÅNADSNUMMER:
            if rng.random() < 0.85:
                v = rng.choice([rng.random() * 100, round(rng.random() * 1000, 1), rng.random(), -rng.random() * 3,
                                float(rng.integers(0, 40))])
                rows.append((y, m, np.nan if rng.random() < 0.02 else float(v)))
    return pd.DataFrame(rows, columns=["år", "månad", "värde"])


def _lika_rader(a: list[dict], b: list[dict]) -> None:
    assert [list(r) for r in a] == [list(r) for r in b]
    for x, y in zip(a, b, strict=True):
        for k in x:
            assert (_samma(x[k], y[k]) if isinstance(x[k], float) else x[k] == y[k]), (k, x, y)


@pytest.mark.parametrize("frö", range(6))
def test_every_value_is_the_frame_functions_to_the_last_bit(frö):
    rng = np.random.default_rng(frö)
    for år_i_serien in range(1, 11):
        s = _slumpserie(rng, år_i_serien)
        if s.empty:
            continue
        if år_i_serien % 3 == 0:  # whole numbers (−0 too): the årssnitt's fast path
            s["värde"] = s["värde"].round()
        elif år_i_serien % 3 == 1:
            s["värde"] = s["värde"].round().abs()
        slag = str(rng.choice(vc.SLAG))
        år, månad = int(s["år"].max()), int(rng.integers(1, 13))
        tom = s[(s["år"] < år) | ((s["år"] == år) & (s["månad"] <= månad))]
        ms = vc.Månadsserie(s).tom(år, månad)
        pd.testing.assert_frame_equal(ms.årstabell(slag), vc.årstabell(tom, slag), check_exact=True)
        pd.testing.assert_frame_equal(ms.ackumulerad(), vc.ackumulerad(tom), check_exact=True)
        t = vc.tertialjämförelse(tom, slag)
        _lika_rader(ms.tertialjämförelse(slag, år - 1), t[t["år"] >= år - 1].to_dict("records"))
        r12 = vc.rullande_12(tom, slag).set_index(["år", "månad"])["värde"]
        for k, v in zip([(år, månad), (år - 1, månad)], ms.rullande_12(slag, [(år, månad), (år - 1, månad)]),
                        strict=True):
            assert _samma(v, float(r12.get(k, np.nan)))
        hel = vc.Månadsserie(s)
        delar = [_slumpserie(rng, år_i_serien) * [1, 1, 0.6] for _ in range(2)]
        _lika_rader(vc.varav_över(hel, [vc.Månadsserie(x) for x in delar], tolerans=0.0),
                    vc.varav_över_total(s, delar, tolerans=0.0).to_dict("records"))
        assert hel.sista_månad(år) == s.loc[s["år"] == år, "månad"].max()
        for y in (år, år - 1):
            månader = list(range(1, månad + 1))
            assert _samma(hel.periodvärde(y, månader, slag), vc.periodvärde(s, y, månader, slag))
            assert hel.saknade_månader(y, månad) == vc.saknade_månader(s, y, månad)
        _lika_rader([hel.jämförelse(år, månad, slag)], [vc.jämförelse(s, år, månad, slag)])
        _lika_rader(hel.månadsjämförelse(år, månad), vc.månadsjämförelse(s, år, månad).to_dict("records"))


def test_a_series_with_a_month_twice_is_left_to_the_frame_functions():
    s = pd.DataFrame({"år": [2024, 2024, 2025], "månad": [1, 1, 1], "värde": [1.0, 2.0, 4.0]})
    ms = vc.Månadsserie(s)
    assert ms.dubbletter
    assert ms.årstabell().loc[2024, 1] == 3.0  # the pivot sums them
    assert ms.värde(2025, 1) == 4.0
    with pytest.raises(ValueError):  # as reindex does
        ms.värde(2024, 1)


@pytest.mark.parametrize("frö", range(6))
def test_monthly_totals_are_pandas_groupby_sums(frö):
    from kommunrapport.input.volumes import _summera, _summera_pandas

    rng = np.random.default_rng(frö)
    n = 300
    df = pd.DataFrame({"år": rng.integers(2023, 2026, n), "månad": rng.integers(1, 13, n),
                       "timmar": rng.integers(-50, 5000, n).astype(float), "del": rng.random(n) * 10})
    df.loc[rng.random(n) < 0.03, "timmar"] = np.nan  # a blank line: its month has no total
    filter_ = pd.Series(rng.random(n) < 0.7)
    df.loc[rng.random(n) < 0.01, "del"] = np.nan
    for mått in ("timmar", "del"):
        for f in (None, filter_):
            ut = _summera(df, mått, "Timmar", f)
            pd.testing.assert_frame_equal(ut, _summera_pandas(df if f is None else df[f], mått, "Timmar"),
                                          check_exact=True)
            assert (ut["värde"] > 0).any()


def test_a_month_with_a_blank_line_has_no_total():
    from kommunrapport.input.volumes import _summera, _summera_pandas

    df = pd.DataFrame({"år": [2024, 2024, 2024], "månad": [1, 1, 2], "timmar": [1.5, np.nan, 2.25]})
    ut = _summera(df, "timmar", "Timmar")
    assert ut[["år", "månad", "värde"]].values.tolist() == [[2024, 2, 2.25]]
    pd.testing.assert_frame_equal(ut, _summera_pandas(df, "timmar", "Timmar"), check_exact=True)
    pd.testing.assert_frame_equal(_summera(df, "timmar", "Timmar", df["månad"] == 1),
                                  _summera_pandas(df[df["månad"] == 1], "timmar", "Timmar"), check_exact=True)
