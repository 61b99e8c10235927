"""Ekonomisk utveckling, volume and price effects, and the forecast proposal (issue 16), on small
ledgers whose numbers are checked by hand in the comments."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.conftest import kör_i_processen

from kommunrapport import api
from kommunrapport.calc import prognosforslag as pf
from kommunrapport.calc.effekter import KoppladVolym, dela_upp
from kommunrapport.errors import KonfigurationsFel
from kommunrapport.reports.ekonomi import tabeller
from kommunrapport.reports.forklaring import mening
from kommunrapport.settings import läs_konfiguration

MN = 1e6


def huvudbok(tmp_path: Path, rader: dict[int, dict[str, list[float | None]]], tecken: int = 1,
             prognos: dict[int, float] | None = None) -> tuple[Path, Path]:
    """A ledger for one row 'hemtjanst' (code 2100): rader[år] = {"utfall": 12 values or None, "budget": 12}.
    Amounts in mnkr as costs positive; `tecken` −1 writes them as costs negative. `prognos[år]` is a
    full-year forecast written on January's line (the rest of the year's lines have none)."""
    lines = ["År;Månad;Verksamhet;Utfall;Budget;Prognos"]
    for år, d in rader.items():
        for m in range(1, 13):
            u = d["utfall"][m - 1]
            b = d["budget"][m - 1]
            p = "" if prognos is None or år not in prognos else (str(tecken * prognos[år] * MN) if m == 1 else "0")
            lines.append(f"{år};{m};2100;{'' if u is None else tecken * u * MN};{tecken * b * MN};{p}")
    data = tmp_path / "ekonomi.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mappning = tmp_path / "verksamheter.csv"
    mappning.write_text("id;rubrik;förälder;koder\nhemtjanst;Hemtjänst;;2100\n", encoding="utf-8")
    return data, mappning


def volymer(år_värden: dict[int, list[float | None]]) -> pd.DataFrame:
    return pd.DataFrame([{"år": y, "månad": m, "värde": v} for y, vs in år_värden.items()
                         for m, v in enumerate(vs, 1) if v is not None])


# --- Ekonomisk utveckling ---------------------------------------------------------------------------


def test_ekonomisk_utveckling_for_mars_har_budget_i_balans_for_alla_tolv_manader(tmp_path):
    # 2024: 10 mnkr a month; 2025 budget 11 a month and 12 in December; 2025 outcome 10,5 · 11 · 9,5
    # through March (April on 0,0: not closed, not data).
    data, mappning = huvudbok(tmp_path, {
        2024: {"utfall": [10.0] * 12, "budget": [10.0] * 12},
        2025: {"utfall": [10.5, 11.0, 9.5] + [0.0] * 9, "budget": [11.0] * 11 + [12.0]},
    })
    r = api.ekonomirapport(data, mappning, månad=3, år=2025)
    u = tabeller(r)["Ekonomisk utveckling"].data
    assert list(u.columns) == ["Månad", "Budget 2025", "Utfall 2024", "Utfall 2025", "Budget i balans",
                               "Förändring mot 2024"]
    assert u["Budget 2025"].tolist() == pytest.approx([11 * m for m in range(1, 12)] + [133.0])
    assert u["Utfall 2024"].tolist() == pytest.approx([10 * m for m in range(1, 13)])
    assert u["Utfall 2025"].tolist()[:3] == pytest.approx([10.5, 21.5, 31.0])
    assert u["Utfall 2025"].iloc[3:].isna().all()
    # budget i balans = budget 2025 (jan..m) / utfall 2024 (jan..m) − 1: 11m / 10m − 1 = 10 %, December 133/120 − 1
    assert u["Budget i balans"].tolist() == pytest.approx([0.1] * 11 + [133 / 120 - 1])
    assert u["Förändring mot 2024"].tolist()[:3] == pytest.approx([0.05, 0.075, 31 / 30 - 1])
    assert u["Förändring mot 2024"].iloc[3:].isna().all()
    md = api.markdown(r)
    assert "| mar | 33,0 | 30,0 | 31,0 | 10,0\xa0% | +3,3\xa0% |" in md
    assert "| dec | 133,0 | 120,0 |  | 10,8\xa0% |  |" in md


def test_ekonomisk_utveckling_utan_fjolar_ar_tom_inte_noll(tmp_path):
    data, mappning = huvudbok(tmp_path, {2025: {"utfall": [10.0, 10.0] + [0.0] * 10, "budget": [11.0] * 12}})
    u = tabeller(api.ekonomirapport(data, mappning, månad=2, år=2025))["Ekonomisk utveckling"].data
    assert u["Utfall 2024"].isna().all() and u["Budget i balans"].isna().all()
    assert u["Budget 2025"].iloc[11] == pytest.approx(132.0)


# --- volume and price effects -----------------------------------------------------------------------

TVÅ_ÅR = {
    2024: {"utfall": [10.0] * 12, "budget": [10.0] * 12},
    2025: {"utfall": [10.5, 11.0] + [0.0] * 10, "budget": [11.0] * 12},
}


def koppling(v2025: list[float | None], budget: list[float] | None = None) -> KoppladVolym:
    vb = None if budget is None else volymer({2025: budget})
    return KoppladVolym("hemtjanst", "Utförda timmar", volymer({2024: [1000.0] * 12, 2025: v2025}), vb,
                        "timmar", "timme", "hemtjänsten")


@pytest.mark.parametrize("tecken", [1, -1], ids=["kostnad-positiv", "kostnad-negativ"])
def test_effekter_mot_budget_summerar_exakt_till_avvikelsen(tmp_path, tecken):
    # Budget jan–feb: 22 mnkr for 2 000 timmar = 11 000 kr per timme. Utfall: 21,5 mnkr for 1 900 timmar.
    # Volume effect −(1 900 − 2 000) × 11 000 = +1,1 mnkr; price effect −(21,5 mnkr − 1 900 × 11 000) = −0,6 mnkr;
    # together +0,5 mnkr = 22 − 21,5, the budget deviation (+ = better), whatever the export's sign.
    data, mappning = huvudbok(tmp_path, TVÅ_ÅR, tecken)
    r = api.ekonomirapport(data, mappning, månad=2, år=2025,
                           tecken="kostnad-positiv" if tecken == 1 else "kostnad-negativ",
                           volymkopplingar=[koppling([950.0, 950.0] + [None] * 10, [1000.0] * 12)])
    e = r.förklaring.effekter[0].resultat
    assert e.jämförelse == "budget"
    assert (e.effekter.volymeffekt, e.effekter.priseffekt, e.effekter.avvikelse) == (1.1e6, -0.6e6, 0.5e6)
    assert e.effekter.volymeffekt + e.effekter.priseffekt == r.ackumulerad_avvikelse.loc["hemtjanst", 2]
    assert e.effekter.pris_jmf == 11000 and e.effekter.pris == pytest.approx(21.5e6 / 1900)
    assert mening(r.förklaring.effekter[0], 2025, 2) == (
        "Av överskottet för hemtjänsten januari–februari 2025 på 0,5 mnkr förklaras +1,1 mnkr av färre timmar "
        "än budgeterat och −0,6 mnkr av högre kostnad per timme.")
    t = tabeller(r)["Volym och pris hemtjanst"].data
    assert t.iloc[2, 1:].tolist()[:2] == [-100.0, pytest.approx(21.5e6 / 1900 - 11000)]
    assert (t["Volymeffekt"].iloc[2], t["Priseffekt"].iloc[2], t["Summa = budgetavvikelse"].iloc[2]) == (1.1, -0.6, 0.5)


def test_effekter_summerar_exakt_pa_ojamna_belopp():
    for k, k0, v, v0 in [(85_182_442.37, 87_480_937.11, 142_241.0, 148_000.0), (1e6 / 3, 7e5, 7.0, 3.0),
                         (-2.5e6, -2.4e6, 10.0, 11.0)]:
        e = dela_upp(k, k0, v, v0)
        assert e.volymeffekt + e.priseffekt == pytest.approx(k0 - k, abs=1e-6)
        assert e.priseffekt == pytest.approx(-(k / v - k0 / v0) * v, rel=1e-12)


def test_en_manad_med_volym_noll_raknas_och_redovisas(tmp_path):
    # January 1 900 timmar, February 0: the period's 1 900 timmar carry both months' cost, with a warning.
    data, mappning = huvudbok(tmp_path, TVÅ_ÅR)
    r = api.ekonomirapport(data, mappning, månad=2, år=2025,
                           volymkopplingar=[koppling([1900.0, 0.0] + [None] * 10, [1000.0] * 12)])
    e = r.förklaring.effekter[0].resultat.effekter
    assert (e.volymeffekt, e.priseffekt) == (1.1e6, -0.6e6)
    assert any("volymen i 'Utförda timmar' är 0 i februari 2025" in v for v in r.varningar)


def test_volym_noll_hela_perioden_ger_kostnaden_som_priseffekt(tmp_path):
    data, mappning = huvudbok(tmp_path, TVÅ_ÅR)
    r = api.ekonomirapport(data, mappning, månad=2, år=2025,
                           volymkopplingar=[koppling([0.0, 0.0] + [None] * 10, [1000.0] * 12)])
    e = r.förklaring.effekter[0].resultat.effekter
    # volume effect: 2 000 fewer timmar × 11 000 = +22 mnkr; the 21,5 mnkr spent without volume: −21,5
    assert (e.volymeffekt, e.priseffekt, e.avvikelse) == (22e6, -21.5e6, 0.5e6)
    assert any("volymen är 0 för hela perioden" in v for v in r.varningar)


def test_en_saknad_volymmanad_gissas_inte_utan_redovisas(tmp_path):
    data, mappning = huvudbok(tmp_path, TVÅ_ÅR)
    r = api.ekonomirapport(data, mappning, månad=2, år=2025,
                           volymkopplingar=[koppling([950.0] + [None] * 11, [1000.0] * 12)])
    assert r.förklaring.effekter[0].resultat.effekter is None
    assert ("hemtjänsten: volymserien 'Utförda timmar' saknar februari 2025; volym- och priseffekt räknas inte "
            "(en saknad månad gissas inte)") in r.varningar
    assert "Volym och pris hemtjanst" not in tabeller(r)
    assert "## Volym- och priseffekter" not in api.markdown(r)


def test_utan_volymbudget_delas_forandringen_mot_fjolaret_upp(tmp_path):
    # 2024 jan–feb: 20 mnkr for 2 000 timmar = 10 000 kr per timme; 2025: 21,5 mnkr for 1 900 timmar.
    # Volume change −100 × 10 000 = +1,0 mnkr (lower cost); price −(21,5 − 1 900 × 10 000 / 1e6) = −2,5 mnkr;
    # together −1,5 mnkr = 20 − 21,5 (the cost rose by 1,5 mnkr).
    data, mappning = huvudbok(tmp_path, TVÅ_ÅR)
    r = api.ekonomirapport(data, mappning, månad=2, år=2025, volymkopplingar=[koppling([950.0, 950.0] + [None] * 10)])
    e = r.förklaring.effekter[0]
    assert e.resultat.jämförelse == "fg_år"
    assert (e.resultat.effekter.volymeffekt, e.resultat.effekter.priseffekt) == (1.0e6, -2.5e6)
    assert mening(e, 2025, 2) == (
        "Av den högre nettokostnaden för hemtjänsten januari–februari 2025 jämfört med 2024, 1,5 mnkr, förklaras "
        "+1,0 mnkr av färre timmar än samma period 2024 och −2,5 mnkr av högre kostnad per timme.")
    t = tabeller(r)["Volym och pris hemtjanst"].data
    assert t.iloc[0, 0] == "Utfall jan–feb 2024" and t["Summa = förändring mot 2024"].iloc[2] == -1.5


def test_volymkoppling_fran_konfigurationen_ger_tabell_mening_och_diagram(tmp_path, capsys, monkeypatch):
    data, mappning = huvudbok(tmp_path, TVÅ_ÅR)
    (tmp_path / "volymer.csv").write_text(
        "Serie;År;Månad;Värde\n" + "".join(f"Utförda timmar;2024;{m};1000\n" for m in range(1, 13))
        + "Utförda timmar;2025;1;950\nUtförda timmar;2025;2;950\n", encoding="utf-8")
    (tmp_path / "k.toml").write_text(
        '[ekonomi]\ndata = "ekonomi.csv"\nmappning = "verksamheter.csv"\n'
        '[[ekonomi.volymkoppling]]\nrad = "Hemtjänst"\nfil = "volymer.csv"\nserie = "utförda timmar"\n'
        'namn = "hemtjänsten"\nenhet = "timmar"\nper = "timme"\nbudget.2025 = [' + ", ".join(["1000"] * 12) + "]\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    kod, ut, fel = kör_i_processen(capsys, "ekonomi", "--month", "2025-02", "--config", "k.toml", "--out", "ut", "--json")
    assert kod == 0, fel
    doc = json.loads(ut)
    assert doc["tabeller"]["Volym och pris hemtjanst"][2]["Volymeffekt"] == pytest.approx(1.1)
    assert doc["volym_och_pris"]["hemtjanst"].startswith("Av överskottet för hemtjänsten januari–februari 2025 på 0,5")
    assert (tmp_path / "ut" / "diagram_volym_och_pris_hemtjanst_2025-02.png").is_file()
    assert (tmp_path / "ut" / "diagram_ekonomisk_utveckling_2025-02.png").is_file()
    md = (tmp_path / "ut" / "ekonomirapport_2025-02.md").read_text(encoding="utf-8")
    assert "förklaras +1,1 mnkr av färre timmar än budgeterat och −0,6 mnkr av högre kostnad per timme." in md


@pytest.mark.parametrize("rad, serie, förväntat", [
    ('rad = "saknas"', 'serie = "Utförda timmar"', "'ekonomi.volymkoppling[1].rad': raden 'saknas' finns inte"),
    ('rad = "hemtjanst"', 'serie = "Beviljade"', "'ekonomi.volymkoppling[1].serie': serien 'Beviljade' finns inte"),
])
def test_volymkoppling_fel_namnger_nyckeln(tmp_path, rad, serie, förväntat):
    data, mappning = huvudbok(tmp_path, TVÅ_ÅR)
    (tmp_path / "volymer.csv").write_text("Serie;År;Månad;Värde\nUtförda timmar;2025;1;950\n", encoding="utf-8")
    (tmp_path / "k.toml").write_text(f'[ekonomi]\ndata = "ekonomi.csv"\nmappning = "verksamheter.csv"\n'
                                     f'[[ekonomi.volymkoppling]]\n{rad}\nfil = "volymer.csv"\n{serie}\n', encoding="utf-8")
    konf = läs_konfiguration(tmp_path / "k.toml", miljö={})
    with pytest.raises(KonfigurationsFel, match=förväntat.replace("[", r"\[").replace("]", r"\]")):
        api.ekonomirapport_från_inställningar(konf.ekonomi, 2, 2025)


def test_volymbudget_med_fel_antal_manader_ar_ett_fel_som_namnger_nyckeln(tmp_path):
    (tmp_path / "k.toml").write_text('[ekonomi]\ndata = "e.csv"\nmappning = "m.csv"\n[[ekonomi.volymkoppling]]\n'
                                     'rad = "a"\nfil = "v.csv"\nserie = "s"\nbudget.2025 = [1, 2, 3]\n', encoding="utf-8")
    with pytest.raises(KonfigurationsFel) as exc:
        läs_konfiguration(tmp_path / "k.toml", miljö={})
    assert "'ekonomi.volymkoppling[1].budget': 2025 ska ha tolv tal (ett per månad, januari–december), inte 3" in str(exc.value)


# --- forecast methods and backtest ------------------------------------------------------------------

NAN = math.nan


def test_varje_prognosmetod_pa_handraknade_tal():
    # 2024: 10 a month and 20 in December (130); 2025: 12 + 12 through February; budget 11 a month.
    kostnad = {2024: np.array([10.0] * 11 + [20.0]), 2025: np.array([12.0, 12.0] + [NAN] * 10)}
    budget = {2024: np.array([10.0] * 12), 2025: np.array([11.0] * 12)}
    volym = {2023: np.array([90.0] * 12), 2024: np.array([100.0] * 12), 2025: np.array([110.0, 110.0] + [NAN] * 10)}
    p = {m: pf.prognos(m, 2025, 2, kostnad, budget, volym) for m in pf.METODER}
    assert p["budget"] == 24 + 10 * 11  # the outcome so far + the remaining budget = 134
    assert p["takt"] == pytest.approx(24 + 110 * 24 / 22)  # 144
    assert p["säsong"] == pytest.approx(24 * 130 / 20)  # 156
    # the volume trend: the twelve months mar 2024–feb 2025 (10 × 100 + 2 × 110 = 1 220) against mar 2023–feb 2024
    # (10 × 90 + 2 × 100 = 1 100); remaining volume: last year's 1 000 × 1 220 / 1 100, at this year's 24 / 220
    # per timme
    assert p["volym"] == pytest.approx(24 + 1000 * 1220 / 1100 * 24 / 220)
    assert math.isnan(pf.prognos("volym", 2025, 2, kostnad, budget, None))
    assert math.isnan(pf.prognos("säsong", 2024, 2, kostnad, budget, volym))  # no 2023


def test_backtest_valjer_utfallstakten_nar_den_alltid_har_traffat():
    # Every earlier year the outcome is 1,1 × a seasonal budget: run rate forecasts the year exactly at
    # every month; the budget method is 10 % low on the remaining months; last year's profile is off
    # because the budget's profile changes from year to year.
    rng = np.random.default_rng(7)
    budget = {y: rng.uniform(8, 12, 12) for y in range(2021, 2026)}
    kostnad = {y: 1.1 * budget[y] for y in range(2021, 2025)}
    kostnad[2025] = np.concatenate([1.1 * budget[2025][:3], [NAN] * 9])
    fel = pf.backtest(kostnad, budget, 2025)
    assert set(fel["år"]) == {2021, 2022, 2023, 2024} and set(fel["månad"]) == set(range(1, 12))
    assert fel.loc[fel["metod"] == "takt", "fel"].abs().max() < 1e-9
    b = fel[(fel["metod"] == "budget") & (fel["år"] == 2024) & (fel["månad"] == 3)]["fel"].iloc[0]
    assert b == pytest.approx(-0.1 * budget[2024][3:].sum())
    assert set(fel.loc[fel["metod"] == "säsong", "år"]) == {2022, 2023, 2024}  # 2021 has no 2020
    f = pf.föreslå(2025, 3, kostnad, budget)
    assert f.metod == "takt" and f.antal == 4 and f.medelfel == pytest.approx(0, abs=1e-9)
    assert f.prognos == pytest.approx(1.1 * budget[2025].sum())


def test_backtest_valjer_saongsprofilen_nar_den_alltid_har_traffat():
    # Outcome follows a fixed seasonal profile at a level that changes every year; the budget is flat.
    profil = np.array([1, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 2], dtype=float)
    kostnad = {y: profil * (1 + 0.1 * (y - 2020)) for y in range(2020, 2025)}
    budget = {y: np.full(12, 1.5) for y in range(2020, 2026)}
    kostnad[2025] = np.concatenate([profil[:4] * 1.6, [NAN] * 8])
    f = pf.föreslå(2025, 4, kostnad, budget)
    assert f.metod == "säsong" and f.medelfel == pytest.approx(0, abs=1e-9)
    assert f.prognos == pytest.approx(profil.sum() * 1.6)


def test_utan_tidigare_ar_foreslas_budgeten_utan_intervall():
    f = pf.föreslå(2025, 2, {2025: np.array([1.0, 1.0] + [NAN] * 10)}, {2025: np.ones(12)})
    assert f.metod is None and f.prognos == 12 and math.isnan(f.medelfel)
    assert not pf.utanför(f, 100.0)


def test_varning_nar_controllerns_prognos_ligger_utanfor_intervallet(tmp_path):
    # 2022–2024: the outcome is 1,1 × budget (10 a month), so the run rate has never missed at March,
    # with a mean absolute error of 0 kr. 2025: 11 a month through March, budget 10: the proposal is
    # 132 mnkr, a forecast deviation of −12,0 mnkr. The controller forecasts 125 (−5,0 mnkr): outside.
    rader = {y: {"utfall": [11.0] * 12, "budget": [10.0] * 12} for y in (2022, 2023, 2024)}
    rader[2025] = {"utfall": [11.0] * 3 + [0.0] * 9, "budget": [10.0] * 12}
    data, mappning = huvudbok(tmp_path, rader, prognos={2025: 125.0})
    r = api.ekonomirapport(data, mappning, månad=3, år=2025)
    t = tabeller(r)["Prognosförslag"].data
    rad = t.iloc[0]
    assert rad["Metod"] == "Utfallstakt"
    assert (rad["Förslag"], rad["Intervall från"], rad["Intervall till"]) == pytest.approx((-12.0, -12.0, -12.0))
    assert (rad["Controllerns prognos"], rad["Skillnad"]) == pytest.approx((-5.0, 7.0))
    assert r.förklaring.prognosvarningar[0] == (
        "Hemtjänst: controllerns prognos (−5,0 mnkr) ligger utanför prognosförslagets vanliga intervall "
        "(−12,0 till −12,0 mnkr, utfallstakt)")
    assert "- Hemtjänst: controllerns prognos (−5,0 mnkr) ligger utanför" in api.markdown(r)
    m = tabeller(r)["Prognosmetoder"].data
    assert m.loc[m["Metod"] == "Utfallstakt", "Medelfel vid jan–mar, totalt"].iloc[0] == pytest.approx(0, abs=1e-9)
    assert m.loc[m["Metod"] == "Budget för resterande månader", "Medelfel vid jan–mar, totalt"].iloc[0] == pytest.approx(9.0)
    assert m.loc[m["Metod"] == "Utfallstakt", "År prövade"].iloc[0] == "2022, 2023, 2024"


def test_med_farre_an_tre_provade_ar_ges_inget_intervall_och_ingen_varning(tmp_path):
    # The same data with only 2023 and 2024 before: the run rate is still the proposal, but two years'
    # errors say nothing about a usual error, so there is no range and no warning.
    rader = {y: {"utfall": [11.0] * 12, "budget": [10.0] * 12} for y in (2023, 2024)}
    rader[2025] = {"utfall": [11.0] * 3 + [0.0] * 9, "budget": [10.0] * 12}
    data, mappning = huvudbok(tmp_path, rader, prognos={2025: 125.0})
    r = api.ekonomirapport(data, mappning, månad=3, år=2025)
    rad = tabeller(r)["Prognosförslag"].data.iloc[0]
    assert rad["Metod"] == "Utfallstakt" and rad["Förslag"] == pytest.approx(-12.0)
    assert math.isnan(rad["Intervall från"]) and math.isnan(rad["Intervall till"])
    assert r.förklaring.prognosvarningar == []


def test_ingen_varning_nar_controllerns_prognos_ligger_inom_intervallet(tmp_path):
    rader = {y: {"utfall": [11.0] * 12, "budget": [10.0] * 12} for y in (2023, 2024)}
    rader[2025] = {"utfall": [11.0] * 3 + [0.0] * 9, "budget": [10.0] * 12}
    data, mappning = huvudbok(tmp_path, rader, prognos={2025: 132.0})
    r = api.ekonomirapport(data, mappning, månad=3, år=2025)
    assert r.förklaring.prognosvarningar == []
    assert r.prognosavvikelse["total"] == pytest.approx(-12e6)  # the controller's forecast stays the report's


@pytest.mark.usefixtures("word_som_kopia_av_mallen")  # the Markdown report is looked at
def test_kor_gor_ekonomirapporten_med_utveckling_effekter_och_prognosforslag(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KOMMUNRAPPORT_UT", str(tmp_path / "ut"))
    konfig = Path(__file__).resolve().parents[1] / "examples" / "kommunrapport.toml"
    kod, _, fel = kör_i_processen(capsys, "kör", "--month", "2025-02", "--config", konfig, "--quiet")
    assert kod == 0, fel
    mapp = tmp_path / "ut" / "2025-02"
    assert (mapp / "diagram_ekonomisk_utveckling_2025-02.png").is_file()
    assert (mapp / "diagram_volym_och_pris_hemtjanst_2025-02.png").is_file()
    md = (mapp / "ekonomirapport_2025-02.md").read_text(encoding="utf-8")
    assert ("Av överskottet för hemtjänsten januari–februari 2025 på 2,3 mnkr förklaras +3,4 mnkr av färre timmar "
            "än budgeterat och −1,1 mnkr av högre kostnad per timme.") in md
    assert "## Ekonomisk utveckling (mnkr)" in md and "## Prognosförslag" in md


def test_volymbudget_fran_fil_med_egen_serie(tmp_path):
    data, mappning = huvudbok(tmp_path, TVÅ_ÅR)
    (tmp_path / "volymer.csv").write_text(
        "Serie;År;Månad;Värde\nUtförda timmar;2025;1;950\nUtförda timmar;2025;2;950\n", encoding="utf-8")
    (tmp_path / "budget.csv").write_text(
        "Serie;År;Månad;Värde\n" + "".join(f"Budgeterade timmar;2025;{m};1000\n" for m in range(1, 13)),
        encoding="utf-8")
    (tmp_path / "k.toml").write_text(
        '[ekonomi]\ndata = "ekonomi.csv"\nmappning = "verksamheter.csv"\n[[ekonomi.volymkoppling]]\nrad = "hemtjanst"\n'
        'fil = "volymer.csv"\nserie = "Utförda timmar"\nbudgetfil = "budget.csv"\nbudgetserie = "Budgeterade timmar"\n',
        encoding="utf-8")
    konf = läs_konfiguration(tmp_path / "k.toml", miljö={})
    r = api.ekonomirapport_från_inställningar(konf.ekonomi, 2, 2025)
    e = r.förklaring.effekter[0].resultat
    assert e.jämförelse == "budget" and (e.effekter.volymeffekt, e.effekter.priseffekt) == (1.1e6, -0.6e6)


def test_en_saknad_manad_i_volymbudgeten_redovisas(tmp_path):
    data, mappning = huvudbok(tmp_path, TVÅ_ÅR)
    r = api.ekonomirapport(data, mappning, månad=2, år=2025,
                           volymkopplingar=[koppling([950.0, 950.0] + [None] * 10, [1000.0] + [None] * 11)])
    assert r.förklaring.effekter[0].resultat.effekter is None
    assert "hemtjänsten: volymbudgeten saknar februari 2025; volym- och priseffekt räknas inte" in r.varningar


def test_ekonomisk_utveckling_for_exemplet_stammer_med_de_publicerade_talen_och_nyckeltalen():
    # Äldrenämnden feb 2025: period budget 233,2 mnkr, 94,3 % of it used (the published report).
    exempel = Path(__file__).resolve().parents[1] / "examples" / "ekonomi"
    r = api.ekonomirapport(exempel / "ekonomi_2024_2025.xlsx", exempel / "verksamheter.csv", månad=2)
    u = tabeller(r)["Ekonomisk utveckling"].data.set_index("Månad")
    assert round(u.loc["feb", "Budget 2025"], 1) == 233.2
    assert round(u.loc["feb", "Utfall 2025"] / u.loc["feb", "Budget 2025"] * 100, 1) == 94.3
    assert round(u.loc["dec", "Budget 2025"], 1) == 1397.1  # the annual budget
    nt = r.nyckeltal.loc["total"]
    assert u.loc["feb", "Budget i balans"] == pytest.approx(nt["budget_i_balans"])
    assert u.loc["feb", "Förändring mot 2024"] == pytest.approx(nt["förändring_mot_fg_år"])
    assert u["Budget i balans"].notna().all() and u["Utfall 2025"].notna().sum() == 2
