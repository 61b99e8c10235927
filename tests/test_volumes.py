"""Volume calculations on hand-checked numbers and the Äldrenämnden series."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from kommunrapport.calc import volymer as vc
from kommunrapport.formatting import avrunda, procent
from kommunrapport.input.volumes import gissa_slag, läs_volymserier
from kommunrapport.reports.volymer import bygg_volymrapport

ROOT = Path(__file__).resolve().parents[1]
SERIER = ROOT / "examples" / "volymer" / "an_volymer_2020_2025.xlsx"
PUBLICERAD = Path(__file__).parent / "published" / "an_volymer_2020_2025.csv"


def serie(values: dict[tuple[int, int], float]) -> pd.DataFrame:
    return pd.DataFrame([(y, m, v) for (y, m), v in values.items()], columns=["år", "månad", "värde"])


@pytest.fixture(scope="module")
def an():
    return läs_volymserier(SERIER)


@pytest.fixture(scope="module")
def beviljade(an):
    return an.serie("ÄN beviljade timmar/månad")


def test_arssnitt_reproduces_every_printed_value_within_one(an):
    with open(PUBLICERAD, encoding="utf-8") as f:
        printed = [r for r in csv.DictReader(f, delimiter=";") if r["årssnitt"]]
    assert len(printed) == 30
    exact = 0
    for r in printed:
        tab = vc.årstabell(an.serie(r["serie"]))
        ours = avrunda(tab.loc[int(r["år"]), "årssnitt"], 0)
        theirs = float(r["årssnitt"].replace(" ", ""))
        assert abs(ours - theirs) <= 1, r
        exact += ours == theirs
    assert exact == 29  # the one ±1 case: 2023 beviljade timmar, 76 213,58 printed as 76 213


def test_beviljade_timmar_jan_feb_2025_against_2024_is_minus_7_3_percent(beviljade):
    j = vc.jämförelse(beviljade, 2025, 2, "flöde")
    assert (j["nu"], j["fg"]) == (142_241, 153_451)
    assert j["förändring"] == -11_210
    assert procent(j["förändring_andel"], 1) == "\u22127,3\u00a0%"


def test_february_per_calendar_day_leap_year(beviljade):
    """−10,5 % in total but −7,3 % per calendar day: February 2024 had 29 days."""
    nu, fg = vc.periodvärde(beviljade, 2025, [2], "flöde"), vc.periodvärde(beviljade, 2024, [2], "flöde")
    assert procent(vc.förändring(nu, fg)[1], 1) == "\u221210,5\u00a0%"
    d = vc.per_dag(beviljade)
    nu_d, fg_d = vc.periodvärde(d, 2025, [2], "flöde"), vc.periodvärde(d, 2024, [2], "flöde")
    assert nu_d == pytest.approx(66_862 / 28) and fg_d == pytest.approx(74_708 / 29)
    assert procent(vc.förändring(nu_d, fg_d)[1], 1) == "\u22127,3\u00a0%"


def test_bestand_is_averaged_not_summed(an):
    j = vc.jämförelse(an.serie("Antal brukare per månad"), 2025, 2, "bestånd")
    assert j["nu"] == (2075 + 2074) / 2 and j["fg"] == (2151 + 2141) / 2


def test_tertials_with_change_in_percent_and_kronor():
    s = serie({**{(2024, m): 100.0 for m in range(1, 13)}, **{(2025, m): 110.0 for m in range(1, 5)},
               (2025, 5): 120.0})
    t = vc.tertialjämförelse(s, "flöde")
    row = t[(t["år"] == 2025) & (t["tertial"] == "T1")].iloc[0]
    assert (row["värde"], row["fg_år"], row["förändring"]) == (440, 400, 40)
    assert row["förändring_andel"] == pytest.approx(0.10)
    assert not ((t["år"] == 2025) & (t["tertial"] == "T2")).any()  # T2 2025 is incomplete: not shown
    assert vc.tertialer(s, "bestånd").loc[2025, "T1"] == 110


def test_a_missing_month_is_reported_and_never_averaged_as_zero():
    s = serie({(2024, 1): 10.0, (2024, 3): 30.0, (2025, 1): 12.0, (2025, 2): 14.0, (2025, 3): 16.0})
    assert vc.saknade_månader(s, 2024, 3) == [2]
    assert vc.årstabell(s).loc[2024, "årssnitt"] == 20  # mean of the two months present, not 40/3
    assert vc.årstabell(s).loc[2024, "månader"] == 2
    j = vc.jämförelse(s, 2025, 3, "flöde")
    assert math.isnan(j["fg"]) and math.isnan(j["förändring_andel"]) and j["nu"] == 42
    v = bygg_volymrapport([_volymdata(s)], månad=3)
    assert any("saknar värde för februari, april–december 2024" in w for w in v.varningar)  # one warning, as ranges


def test_a_year_with_only_a_few_months():
    s = serie({(2025, 1): 5.0, (2025, 2): 7.0})
    tab = vc.årstabell(s)
    assert tab.loc[2025, "årssnitt"] == 6 and tab.loc[2025, "månader"] == 2
    assert math.isnan(vc.jämförelse(s, 2025, 2, "flöde")["fg"])
    assert vc.rullande_12(s, "flöde").empty


def test_rolling_12_months():
    s = serie({(y, m): float(m) for y in (2024, 2025) for m in range(1, 13)})
    r = vc.rullande_12(s, "flöde").set_index(["år", "månad"])["värde"]
    assert r[(2024, 12)] == 78 and r[(2025, 6)] == 78 and (2024, 11) not in r.index
    assert vc.rullande_12(s, "bestånd").set_index(["år", "månad"])["värde"][(2025, 1)] == 6.5


def test_ratio_over_a_period_is_sum_over_sum():
    kostnad = serie({(2025, 1): 310_000.0, (2025, 2): 280_000.0})
    dygn = serie({(2025, 1): 100.0, (2025, 2): 50.0})
    assert vc.kvot_period(kostnad, dygn, 2025, [1, 2]) == pytest.approx(590_000 / 150)
    assert vc.kvot(kostnad, dygn)["värde"].tolist() == [3100, 5600]


def test_varav_over_total_is_found():
    total = serie({(2025, 1): 100.0, (2025, 2): 100.0})
    a, b = serie({(2025, 1): 60.0, (2025, 2): 60.0}), serie({(2025, 1): 30.0, (2025, 2): 50.0})
    bad = vc.varav_över_total(total, [a, b])
    assert bad[["år", "månad", "total", "summa_varav"]].values.tolist() == [[2025, 2, 100, 110]]


@pytest.mark.parametrize("namn, slag", [
    ("ÄN beviljade timmar/månad", "flöde"), ("Korttidsvård antal vårddygn", "flöde"),
    ("Antal brukare per månad", "bestånd"), ("Antal belagda platser på VoB", "bestånd"),
    ("Antal pågående ärenden HSV", "bestånd"), ("Utbetalt (kr)", "flöde"), ("Något annat", None),
    ("Utförda tim/dag", "takt"), ("Beviljade timmar per dag", "takt"), ("Andel utförda (%)", "andel"),
    ("Resultat (mnkr)", "resultat"), ("Ack. budgetavvikelse", "resultat"), ("Antal hushåll", "bestånd"),
    ("Antal beslut", "flöde"), ("Kostnad tkr", "flöde"),
])
def test_slag_is_guessed_from_the_name(namn, slag):
    assert gissa_slag(namn) == slag


def test_report_tables_for_the_aldrenamnden_series(an):
    r = bygg_volymrapport([an], månad=2)
    assert r.år == 2025
    jämf = r.avsnitt[0].tabeller[0].data.set_index("Mått")
    assert jämf.loc["ÄN beviljade timmar/månad", "jan–feb 2025"] == 142_241
    assert jämf.loc["Antal brukare per månad", "Beräkning"] == "medel per månad"
    vy = next(t for t in r.avsnitt[0].tabeller if t.namn == "ÄN beviljade timmar-månad")
    assert vy.rubrik == "ÄN beviljade timmar/månad (timmar)"  # the unit is in every heading
    tab = vy.data.set_index("År")
    assert math.isnan(tab.loc[2025, "mar"])  # data exists for March, but the report is t.o.m. February
    assert tab.loc[2024, "Årssnitt"] == 75_803
    assert r.varningar == []


def _volymdata(s: pd.DataFrame):
    from kommunrapport.input.volumes import Seriedef, Volymdata

    return Volymdata("Test", s.assign(serie="x"), [Seriedef("x", "flöde", diagram=True)])


@pytest.mark.rita
def test_volume_package_markdown_charts_annex(an, tmp_path):
    import json
    import struct

    from openpyxl import load_workbook

    from kommunrapport.api import skriv_volymrapport, volym_json

    r = bygg_volymrapport([an], månad=2)
    files = skriv_volymrapport(r, tmp_path / "ut", nämnd="Äldrenämnden")
    names = {f.name for f in files}
    assert {"volymrapport_2025-02.md", "bilaga_volymrapport_2025-02.xlsx"} <= names
    pngs = sorted(f for f in files if f.suffix == ".png")
    assert len(pngs) == 6
    for p in pngs:
        data = p.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (800, 450)
        assert len(data) > 10_000
    md = (tmp_path / "ut" / "volymrapport_2025-02.md").read_text(encoding="utf-8")
    assert ("| ÄN beviljade timmar/månad | timmar | summa | 153\u00a0451 | 142\u00a0241 | \u221211\u00a0210 | "
            "\u22127,3\u00a0% |") in md
    assert "| Antal brukare per månad | brukare | medel per månad | 2\u00a0146,0 | 2\u00a0074,5 |" in md
    assert "| 2020 | 76\u00a0074 | 70\u00a0980 |" in md
    wb = load_workbook(tmp_path / "ut" / "bilaga_volymrapport_2025-02.xlsx")
    assert "ÄN beviljade timmar-månad" in wb.sheetnames  # '/' is not allowed in a sheet name
    ws = wb["Serier jämförelse"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["ÄN beviljade timmar/månad"][3:5] == (153_451, 142_241)
    assert ws["G4"].number_format == "0.0%"
    assert ws["E5"].number_format == "#,##0.0"  # a mean of brukare has a decimal
    assert ws["E4"].number_format == "#,##0"
    doc = json.loads(volym_json(r))
    jämf = doc["avsnitt"][0]["tabeller"]["Serier jämförelse"]
    assert round(jämf[2]["Förändring %"], 4) == -0.0731


# --- the three domain datasets (examples/volymer, made by examples/make_volume_data.py) --------------

VOLYMER = ROOT / "examples" / "volymer"


def _pandas_sum(path, **kw):
    """An independent reading with plain pandas, to check our loaders against."""
    if str(path).endswith(".xlsx"):
        return pd.read_excel(path, skiprows=3, engine="openpyxl")
    return pd.read_csv(path, sep=";", decimal=",", thousands=" ", **kw)


def test_hemtjanst_loads_with_swedish_month_names_and_regi():
    from kommunrapport.input.volumes import läs_hemtjänst

    h = läs_hemtjänst(VOLYMER / "hemtjanst.csv")
    ref = _pandas_sum(VOLYMER / "hemtjanst.csv", encoding="utf-8-sig")
    feb25 = ref[(ref["År"] == 2025) & (ref["Månad"] == "februari")]
    s = h.serie("Beviljade timmar").set_index(["år", "månad"])["värde"]
    assert s[(2025, 2)] == pytest.approx(feb25["Beviljade timmar"].sum())
    privat = h.serie("- varav utförda av privata utförare").set_index(["år", "månad"])["värde"]
    assert privat[(2025, 2)] == pytest.approx(feb25.loc[feb25["Regi"] == "privat", "Utförda timmar"].sum())
    assert h.definition("Brukare").slag == "bestånd"
    assert len(h.serie("Utförda timmar")) == 26  # 2023–2024 and jan–feb 2025


def test_placeringar_from_a_report_shaped_xlsx_with_title_rows():
    from kommunrapport.input.volumes import läs_placeringar

    p = läs_placeringar(VOLYMER / "placeringar.xlsx")
    ref = _pandas_sum(VOLYMER / "placeringar.xlsx")
    bou = ref[(ref["Målgrupp"] == "Barn och unga") & (ref["År"] == 2024)]
    vd = p.serie("Vårddygn barn och unga")
    assert vd[vd["år"] == 2024]["värde"].sum() == bou["Vårddygn"].sum()
    r = bygg_volymrapport([p], månad=2)
    jämf = r.avsnitt[0].tabeller[0].data.set_index("Mått")
    hvb = ref[(ref["Målgrupp"] == "Barn och unga") & (ref["Insats"] == "HVB") & (ref["År"] == 2025)]
    assert jämf.loc["Kostnad per vårddygn, HVB (barn och unga) (kr)", "jan–feb 2025"] == pytest.approx(
        hvb["Kostnad (kr)"].sum() / hvb["Vårddygn"].sum())
    assert r.varningar == []  # the varav lines add up to their totals


def test_bistand_cp1252_and_per_household():
    from kommunrapport.input.volumes import läs_bistånd

    b = läs_bistånd(VOLYMER / "ekonomiskt_bistand.csv")
    ref = _pandas_sum(VOLYMER / "ekonomiskt_bistand.csv", encoding="cp1252")
    jf = ref[(ref["År"] == 2025) & (ref["Månad"] <= 2)]
    r = bygg_volymrapport([b], månad=2)
    jämf = r.avsnitt[0].tabeller[0].data.set_index("Mått")
    assert jämf.loc["Utbetalt (kr)", "jan–feb 2025"] == pytest.approx(jf["Utbetalt (kr)"].sum())
    assert jämf.loc["Hushåll", "jan–feb 2025"] == pytest.approx(jf.groupby("Månad")["Hushåll"].sum().mean())
    assert jämf.loc["Utbetalt per hushåll och månad (kr)", "jan–feb 2025"] == pytest.approx(
        jf["Utbetalt (kr)"].sum() / jf["Hushåll"].sum())
    assert "- varav utbetalt, arbetslös" in set(b.serier["serie"])


def test_varav_lines_larger_than_the_total_are_a_warning(tmp_path):
    from kommunrapport.input.volumes import läs_bistånd

    text = "År;Månad;Utbetalt;Hushåll;Långvariga hushåll\n2025;1;100;10;4\n2025;2;100;10;12\n"
    (tmp_path / "b.csv").write_text(text, encoding="utf-8")
    r = bygg_volymrapport([läs_bistånd(tmp_path / "b.csv")], månad=2)
    assert any("långvariga" not in w and "under 'Hushåll' är 12 för februari 2025, mer än totalen 10" in w
               for w in r.varningar)


def test_volymer_command_with_area_filter_and_json(tmp_path):
    import json

    from conftest import kör_cli

    r = kör_cli("volymer", "--month", "feb", "--config", ROOT / "examples" / "kommunrapport.toml", "--omrade",
                "hemtjanst", "--out", tmp_path / "ut", "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [a["område"] for a in doc["avsnitt"]] == ["Hemtjänst"]
    assert (tmp_path / "ut" / "volymrapport_2025-02.md").exists()
    bad = kör_cli("volymer", "--month", "feb", "--omrade", "x", "--serier", SERIER, cwd=tmp_path)
    assert bad.returncode == 2 and "okänt område 'x'" in bad.stderr


def test_unusual_headers_through_the_column_mapping(tmp_path):
    from kommunrapport.api import läs_volymdata

    (tmp_path / "h.csv").write_text("Period;Bev. tim;Utf. tim\n2025-01;100;90\n2025-02;110;99\n", encoding="utf-8")
    [h] = läs_volymdata(hemtjanst=tmp_path / "h.csv", kolumner={"beviljade": "Bev. tim", "utförda": "Utf. tim"})
    assert h.serie("Utförda timmar")["värde"].tolist() == [90, 99]
    assert h.serie("Beviljade timmar")["år"].tolist() == [2025, 2025]


def test_a_blank_cell_makes_the_months_total_missing_not_smaller(tmp_path):
    from kommunrapport.input.volumes import läs_hemtjänst

    text = ("År;Månad;Utförare;Beviljade timmar;Utförda timmar\n2024;1;A;100;90\n2024;1;B;100;90\n"
            "2024;2;A;100;90\n2024;2;B;100;90\n2025;1;A;100;90\n2025;1;B;100;90\n2025;2;A;100;90\n2025;2;B;;90\n")
    (tmp_path / "h.csv").write_text(text, encoding="utf-8")
    h = läs_hemtjänst(tmp_path / "h.csv")
    assert (2025, 2) not in set(zip(h.serie("Beviljade timmar")["år"], h.serie("Beviljade timmar")["månad"]))
    r = bygg_volymrapport([h], månad=2)
    assert any("'Beviljade timmar' saknar värde för februari 2025" in w for w in r.varningar)
    jämf = r.avsnitt[0].tabeller[0].data.set_index("Mått")
    assert math.isnan(jämf.loc["Beviljade timmar", "jan–feb 2025"])


def test_an_unknown_regi_is_an_error(tmp_path):
    from kommunrapport.errors import IndataFel
    from kommunrapport.input.volumes import läs_hemtjänst

    (tmp_path / "h.csv").write_text("År;Månad;Regi;Beviljade timmar;Utförda timmar\n2025;1;LOV;1;1\n"
                                    "2025;1;Egen regi;1;1\n2025;1;Bemanningsföretag;1;1\n", encoding="utf-8")
    with pytest.raises(IndataFel, match="okänd regi: 'Bemanningsföretag'"):
        läs_hemtjänst(tmp_path / "h.csv")


def test_tertials_and_rolling_stop_at_the_report_month():
    from kommunrapport.input.volumes import Seriedef, Volymdata

    s = serie({(y, m): 10.0 for y in (2024, 2025) for m in range(1, 13)})
    v = Volymdata("Test", s.assign(serie="x"), [Seriedef("x", "flöde", diagram=True)])
    r = bygg_volymrapport([v], månad=2, år=2025)
    tert = next(t for t in r.avsnitt[0].tabeller if t.namn == "Test tertialer").data
    assert not tert["Tertial"].str.endswith("2025").any()
    r12 = next(t for t in r.avsnitt[0].tabeller if t.namn == "Test rullande 12").data
    assert r12.iloc[0]["12 mån t.o.m. feb 2025"] == 120


def test_named_series_in_the_long_shape(tmp_path):
    (tmp_path / "s.csv").write_text("serie;år;månad;värde\nBeviljade timmar;2024;jan;100\nBeviljade timmar;2025;jan;90\n"
                                    "Antal brukare;2024;jan;10\nAntal brukare;2025;jan;12\n", encoding="utf-8")
    v = läs_volymserier(tmp_path / "s.csv")
    assert [(d.namn, d.slag) for d in v.definitioner] == [("Beviljade timmar", "flöde"), ("Antal brukare", "bestånd")]
    j = vc.jämförelse(v.serie("Beviljade timmar"), 2025, 1, "flöde")
    assert (j["nu"], j["fg"]) == (90, 100)


def test_annex_sheet_names_keep_what_tells_tables_apart(tmp_path):
    """Excel allows 31 characters in a sheet name: a longer one keeps its start and its end, so the
    adults' and the children's placement tables do not become 'Placeringar vårddygn per i (2)'."""
    from openpyxl import load_workbook

    from kommunrapport.api import skriv_volymrapport, volymrapport
    from kommunrapport.input.volumes import läs_placeringar

    r = volymrapport([läs_placeringar(VOLYMER / "placeringar.xlsx")], månad=2)
    skriv_volymrapport(r, tmp_path / "ut")
    wb = load_workbook(tmp_path / "ut" / "bilaga_volymrapport_2025-02.xlsx")
    namn = [n for n in wb.sheetnames if n.startswith("Placeringar vårddygn")]
    assert len(namn) >= 2 and all(len(n) <= 31 and "(" not in n for n in namn), namn
    assert len({n[-6:] for n in namn}) == len(namn)  # the ends differ
    rubrik = wb[namn[0]]["B1"]
    assert rubrik.alignment.wrap_text and wb[namn[0]].column_dimensions["B"].width >= 12
