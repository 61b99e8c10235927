"""The example export reproduces Äldrenämnden's published February 2025 table, cell by cell."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kommunrapport.api import ekonomirapport
from kommunrapport.calc.ekonomi import TOTAL
from kommunrapport.formatting import avrunda, mnkr, procent
from kommunrapport.input.numbers import tolka_tal
from kommunrapport.reports.ekonomi import tabeller

ROOT = Path(__file__).resolve().parents[1]
EXEMPEL = ROOT / "examples" / "ekonomi"
PUBLICERAD = Path(__file__).parent / "published"


def _publicerad(namn: str) -> list[dict[str, str]]:
    with open(PUBLICERAD / namn, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter=";"))


def _tal(text: str) -> float:
    import pandas as pd

    values, bad = tolka_tal(pd.Series([text], dtype=object))
    assert not bad.any()
    return float(values[0])


@pytest.fixture(scope="module", params=["ekonomi_2024_2025.xlsx", "ekonomi_2024_2025.csv"])
def rapport(request):
    return ekonomirapport(EXEMPEL / request.param, EXEMPEL / "verksamheter.csv", månad=2, nämnd="Äldrenämnden",
                          kommentarer=EXEMPEL / "kommentarer.md")


@pytest.fixture(scope="module")
def resultat(rapport):
    df = tabeller(rapport)["Ackumulerat resultat"].data
    return {row["Verksamhet"]: row for row in df.to_dict("records")}


PUBLISHED_ROWS = _publicerad("an_ekonomi_feb2025_publicerad.csv")


@pytest.mark.parametrize("pub", PUBLISHED_ROWS, ids=[r["rad"][:30] for r in PUBLISHED_ROWS])
def test_every_cell_of_the_published_table(resultat, pub):
    row = resultat[pub["rad"]]
    for col, ours in (("jan", "jan"), ("feb", "feb"), ("prognos", "Prognos"), ("årsbudget", "Årsbudget")):
        assert avrunda(row[ours], 1) == pytest.approx(_tal(pub[col])), (pub["rad"], col)
    if pub["andel_av_årsbudget"]:
        assert procent(row["Andel av total årsbudget"]) == pub["andel_av_årsbudget"].replace("%", "\u00a0%")
    else:
        assert row["Andel av total årsbudget"] != row["Andel av total årsbudget"]  # NaN: varav rows have no share


def test_months_after_the_report_month_are_empty_not_zero(resultat):
    total = resultat["Ackumulerad budgetavvikelse 2025"]
    for m in ("mar", "apr", "dec"):
        assert total[m] != total[m]  # NaN


def test_last_years_row_has_all_twelve_months_and_its_forecast(resultat):
    pub = _publicerad("an_ackumulerad_avvikelse_2024.csv")[0]
    row = resultat["Ackumulerad budgetavvikelse 2024"]
    for m in ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"):
        assert avrunda(row[m], 1) == pytest.approx(_tal(pub[m])), m
    assert avrunda(row["Prognos"], 1) == pytest.approx(_tal(pub["prognos"]))


def test_total_is_the_sum_of_top_level_rows_as_printed(rapport):
    top = rapport.träd.toppnivå()
    printed = sum(avrunda(rapport.ackumulerad_avvikelse.loc[t, 2] / 1e6, 1) for t in top)
    assert printed == pytest.approx(13.3)
    assert mnkr(rapport.ackumulerad_avvikelse.loc[TOTAL, 2], tecken=True) == "+13,3"
    assert sum(avrunda(rapport.årsbudget[t] / 1e6, 1) for t in top) == pytest.approx(1397.1)


def test_opening_sentence(rapport):
    assert rapport.inledning() == (
        "Nämndens budgetavvikelse för perioden januari–februari år 2025 är +13,3 mnkr vilket är en positiv "
        "budgetavvikelse och bättre än samma period år 2024 då avvikelsen var 0,0 mnkr.")


def test_net_cost_against_period_budget(rapport):
    """'net cost 219,9 mnkr against a period budget of 233,2 mnkr, deviation +13,3, 94,3 % consumed'."""
    total = rapport.nyckeltal.loc[TOTAL]
    assert mnkr(total["nettokostnad"]) == "219,9"
    assert mnkr(total["budget_period"]) == "233,2"
    assert procent(total["förbrukat_av_periodbudget"], 1) == "94,3\u00a0%"


def test_hemtjanst_share_of_annual_budget(rapport):
    share = rapport.andel_av_årsbudget["hemtjanst"]
    assert share == pytest.approx(524.1 / 1397.1, abs=1e-4)


def test_ks_table_netto_is_intakter_plus_kostnader(rapport):
    ks = rapport.ks
    netto = ks.loc["Verksamhetens nettokostnader"]
    summa = ks.loc["Verksamhetens intäkter"] + ks.loc["Verksamhetens kostnader"]
    assert (netto - summa).abs().max() < 0.01
    assert mnkr(netto["avvikelse_period"], tecken=True) == "+13,3"
    assert mnkr(netto["budget_period"]) == "\u2212233,2"
    assert mnkr(netto["prognosavvikelse"]) == "10,0"
    assert mnkr(netto["budget_helår"]) == "\u22121\u00a0397,1"
    assert netto["prognosavvikelse"] == pytest.approx(netto["prognos_helår"] - netto["budget_helår"])
    assert ks.loc["Verksamhetens intäkter", "utfall_period"] > 0 > ks.loc["Verksamhetens kostnader", "utfall_period"]


def test_comments_are_attached_to_their_rows(rapport):
    assert "7,3 %" in rapport.kommentarer["hemtjanst"]
    assert "prognos" in rapport.kommentarer


def test_the_same_ledger_in_the_wide_shape_gives_the_same_report(tmp_path, rapport):
    """Months as columns, one line per verksamhet, year and measure (as a report saved to Excel)."""
    import pandas as pd

    long = pd.read_csv(EXEMPEL / "ekonomi_2024_2025.csv", sep=";", decimal=",", thousands=" ", encoding="utf-8-sig",
                       dtype={"Verksamhet": str})
    m = long.melt(id_vars=["År", "Månad", "Verksamhet"], value_vars=["Utfall", "Budget", "Prognos"], var_name="Mått")
    wide = m.pivot_table(index=["Verksamhet", "År", "Mått"], columns="Månad", values="value", aggfunc="sum")
    wide.columns = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
    wide["Summa"] = wide.sum(axis=1)
    text = "Utfall, budget och prognos per månad (kr)\n\n" + wide.reset_index().to_csv(sep=";", decimal=",", index=False)
    (tmp_path / "bred.csv").write_text(text, encoding="utf-8")
    bred = ekonomirapport(tmp_path / "bred.csv", EXEMPEL / "verksamheter.csv", månad=2, nämnd="Äldrenämnden")
    a = tabeller(rapport)["Ackumulerat resultat"].data.round(6)
    b = tabeller(bred)["Ackumulerat resultat"].data.round(6)
    pd.testing.assert_frame_equal(a, b)
    assert bred.inledning() == rapport.inledning()
