"""The formulas of the domain description on small, hand-checked cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kommunrapport.calc import ekonomi as calc
from kommunrapport.calc.ekonomi import TOTAL
from kommunrapport.errors import IndataFel
from kommunrapport.input.mapping import VerksamhetsRad, Verksamhetsträd


def träd3() -> Verksamhetsträd:
    """IFO → Barn- och ungdomsvård → varav placeringar; plus Vuxen and a second top row."""
    return Verksamhetsträd([
        VerksamhetsRad(id="ifo", rubrik="1. Individ- och familjeomsorg", koder=["600"]),
        VerksamhetsRad(id="bou", rubrik="- Barn- och ungdomsvård", förälder="ifo", koder=["610"]),
        VerksamhetsRad(id="plac", rubrik="- varav placeringar", förälder="bou", koder=["611", "612*"]),
        VerksamhetsRad(id="vuxen", rubrik="- Vuxenvård", förälder="ifo", koder=["620"]),
        VerksamhetsRad(id="adm", rubrik="2. Administration", koder=["900"]),
    ])


def ledger(rows) -> pd.DataFrame:
    """rows: (år, månad, rad, typ, utfall, budget, prognos) in the result sign (costs negative)."""
    df = pd.DataFrame(rows, columns=["år", "månad", "rad", "typ", "utfall", "budget", "prognos"])
    df["prognos"] = df["prognos"].astype("float64")
    df["verksamhet"] = df["rad"]
    df["konto"] = df["typ"].map({"intäkt": "3510", "kostnad": "5010"}).fillna("")
    return df


def test_parent_rows_are_own_codes_plus_all_descendants():
    t = träd3()
    df = ledger([
        (2025, 1, "ifo", "kostnad", -1, -1, np.nan),
        (2025, 1, "bou", "kostnad", -10, -12, np.nan),
        (2025, 1, "plac", "kostnad", -100, -90, np.nan),
        (2025, 1, "vuxen", "kostnad", -1000, -1003, np.nan),
        (2025, 1, "adm", "kostnad", -5, -5, np.nan),
    ])
    dev = calc.ackumulerad_avvikelse(df, t, 2025, 1)[1]
    assert dev["plac"] == -10
    assert dev["bou"] == 2 - 10
    assert dev["vuxen"] == 3
    assert dev["ifo"] == 0 + 2 - 10 + 3
    assert dev["adm"] == 0
    assert dev[TOTAL] == dev["ifo"] + dev["adm"]
    assert list(dev.index) == ["ifo", "bou", "plac", "vuxen", "adm", TOTAL]


def test_accumulation_and_months_after_the_report_month_are_not_data():
    t = träd3()
    rows = [(2025, m, "adm", "kostnad", -(10 + m), -10, np.nan) for m in (1, 2, 3)]
    rows += [(2025, m, "adm", "kostnad", 0.0, -10, np.nan) for m in range(4, 13)]  # export shows 0,0
    ack = calc.ackumulerad_avvikelse(ledger(rows), t, 2025, 3).loc["adm"]
    assert list(ack[[1, 2, 3]]) == [-1, -3, -6]
    assert all(math.isnan(ack[m]) for m in range(4, 13))


def test_annual_budget_counts_all_twelve_months_of_budget():
    t = träd3()
    rows = [(2025, m, "adm", "kostnad", -1.0 if m <= 2 else 0.0, -m, np.nan) for m in range(1, 13)]
    assert calc.årsbelopp(ledger(rows), t, 2025, "budget")["adm"] == -78


def test_forecast_deviation_from_prognos_spread_or_on_one_line():
    t = träd3()
    spread = [(2025, m, "adm", "kostnad", 0.0, -10, -9.5) for m in range(1, 13)]
    one_line = [(2025, m, "adm", "kostnad", 0.0, -10, -114.0 if m == 2 else np.nan) for m in range(1, 13)]
    assert calc.prognosavvikelse(ledger(spread), t, 2025)["adm"] == pytest.approx(6.0)  # −114 − (−120)
    assert calc.prognosavvikelse(ledger(one_line), t, 2025)["adm"] == pytest.approx(6.0)


def test_a_row_without_any_prognos_is_forecast_at_budget_and_reported():
    t = träd3()
    rows = [(2025, 1, "adm", "kostnad", 0.0, -10, -8.0), (2025, 1, "vuxen", "kostnad", 0.0, -50, np.nan)]
    df = ledger(rows)
    assert calc.koder_utan_prognos(df, 2025) == ["vuxen"]
    p = calc.prognosavvikelse(df, t, 2025)
    assert p["vuxen"] == 0 and p["adm"] == 2 and p[TOTAL] == 2


def test_a_partial_forecast_only_the_lines_without_prognos_follow_budget():
    """One code forecast on its cost account, its revenue account and another code not at all."""
    t = träd3()
    df = ledger([(2025, 1, "adm", "kostnad", 0.0, -10, -8.0), (2025, 1, "adm", "intäkt", 0.0, 5.0, np.nan),
                 (2025, 1, "plac", "kostnad", 0.0, -50, np.nan)])
    p = calc.prognosavvikelse(df, t, 2025)
    assert p["adm"] == 2 and p["plac"] == 0 and p[TOTAL] == 2  # not 2 − 5 − (−50)
    assert calc.koder_utan_prognos(df, 2025) == ["adm", "plac"]


def test_key_figures_year_on_year_and_budget_i_balans():
    """Äldrenämnden-like: net cost 219,9 vs 233,2 budget; last year 223,7."""
    t = träd3()
    df = ledger([
        (2025, 1, "adm", "kostnad", -219.9, -233.2, np.nan),
        (2025, 12, "adm", "kostnad", 0.0, -1163.9, np.nan),
        (2024, 1, "adm", "kostnad", -223.7, -223.7, np.nan),
    ])
    k = calc.nyckeltal(df, t, 2025, 1).loc[TOTAL]
    assert k["nettokostnad"] == pytest.approx(219.9)
    assert k["budgetavvikelse"] == pytest.approx(13.3)
    assert k["förbrukat_av_periodbudget"] == pytest.approx(0.943, abs=5e-4)
    assert k["förbrukat_av_årsbudget"] == pytest.approx(219.9 / 1397.1)
    assert k["förändring_mot_fg_år"] == pytest.approx(219.9 / 223.7 - 1)
    assert k["budget_i_balans"] == pytest.approx(233.2 / 223.7 - 1)


def test_last_years_net_cost_is_empty_not_zero_without_last_year():
    """No 2024 lines in the export: last year's net cost is unknown (empty), not 0 kr."""
    t = träd3()
    df = ledger([(2025, 1, "adm", "kostnad", -219.9, -233.2, np.nan)])
    k = calc.nyckeltal(df, t, 2025, 1)
    assert k["nettokostnad_fg_år"].isna().all() and k["förändring_mot_fg_år"].isna().all()
    assert k["budget_i_balans"].isna().all()
    assert k.loc[TOTAL, "nettokostnad"] == pytest.approx(219.9)


def test_change_is_nan_without_last_year():
    assert math.isnan(calc.förändring(5.0, 0.0))


def test_ks_table_revenue_cost_net():
    df = ledger([
        (2025, 1, "adm", "intäkt", 12.0, 10.0, 11.0),
        (2025, 1, "adm", "kostnad", -100.0, -104.0, -102.0),
        (2025, 5, "adm", "kostnad", -999.0, -50.0, -50.0),  # after the report month: only budget and prognos count
        (2024, 1, "adm", "intäkt", 9.0, 10.0, np.nan),
        (2024, 1, "adm", "kostnad", -95.0, -97.0, np.nan),
    ])
    ks = calc.ks_tabell(df, 2025, 1)
    i, k, n = (ks.loc[r] for r in ("Verksamhetens intäkter", "Verksamhetens kostnader", "Verksamhetens nettokostnader"))
    assert (i["budget_period"], i["utfall_period"], i["avvikelse_period"]) == (10, 12, 2)
    assert (k["budget_period"], k["utfall_period"], k["avvikelse_period"]) == (-104, -100, 4)
    assert n["avvikelse_period"] == 6 and n["avvikelse_period_fg_år"] == (9 - 10) + (-95 + 97)
    assert k["budget_helår"] == -154 and k["prognos_helår"] == -152 and k["prognosavvikelse"] == 2
    assert n["prognosavvikelse"] == i["prognosavvikelse"] + k["prognosavvikelse"] == 3


def test_ks_table_without_revenue_cost_split_has_only_net():
    df = ledger([(2025, 1, "adm", None, -1.0, -2.0, np.nan)])
    assert list(calc.ks_tabell(df, 2025, 1).index) == ["Verksamhetens nettokostnader"]


# --- the tree ---------------------------------------------------------------------------------

def test_code_lookup_exact_before_pattern_and_unknown_code_is_an_error():
    t = träd3()
    assert t.slå_upp("611") == "plac"
    assert t.slå_upp("6125") == "plac"
    assert t.slå_upp("999") is None
    from kommunrapport.errors import Plats

    with pytest.raises(IndataFel) as e:
        t.koppla(pd.Series(["600", "999", "999"]), lambda i: Plats("export.csv", rad=i + 2, kolumn="'Verksamhet'"))
    assert "export.csv, rad 3, kolumn 'Verksamhet'" in str(e.value)
    assert "'999' (2 rader)" in str(e.value)


@pytest.mark.parametrize("rader, fragment", [
    ([VerksamhetsRad(id="a", rubrik="A"), VerksamhetsRad(id="a", rubrik="B")], "id 'a' finns redan"),
    ([VerksamhetsRad(id="a", rubrik="A", förälder="x")], "föräldern 'x' finns inte"),
    ([VerksamhetsRad(id="a", rubrik="A", koder=["1"]), VerksamhetsRad(id="b", rubrik="B", koder=["1"])],
     "koden '1' hör redan till raden 'a'"),
    ([VerksamhetsRad(id="a", rubrik="A", förälder="b"), VerksamhetsRad(id="b", rubrik="B", förälder="a")], "cirkel"),
])
def test_mapping_errors(rader, fragment):
    with pytest.raises(Exception) as e:
        Verksamhetsträd(rader, "verksamheter.csv")
    assert fragment in str(e.value)
    assert "verksamheter.csv" in str(e.value)


def test_overlapping_patterns_are_ambiguous():
    t = Verksamhetsträd([VerksamhetsRad(id="a", rubrik="A", koder=["61*"]),
                         VerksamhetsRad(id="b", rubrik="B", koder=["6*"])])
    assert t.slå_upp("612") == ["a", "b"]


def test_a_month_missing_from_the_export_is_a_warning(tmp_path):
    from pathlib import Path

    from kommunrapport.api import ekonomirapport

    ex = Path(__file__).resolve().parents[1] / "examples" / "ekonomi"
    lines = (ex / "ekonomi_2024_2025.csv").read_text(encoding="utf-8-sig").splitlines()
    kept = [line for line in lines if not line.startswith("2025;1;")]
    (tmp_path / "e.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    r = ekonomirapport(tmp_path / "e.csv", ex / "verksamheter.csv", månad=2)
    assert r.varningar == ["exporten har inga rader alls för januari 2025; beloppen för perioden kan vara för låga"]
