"""Rapport till kommunstyrelsen: the arithmetic of the reporting instruction, on the example data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document

from kommunrapport import runner
from kommunrapport.api import ks_rapport, skriv_ks_rapport
from kommunrapport.errors import IndataFel
from kommunrapport.formatting import avrunda

EXEMPEL = Path(__file__).resolve().parents[1] / "examples" / "ekonomi"
ARGS = (EXEMPEL / "ekonomi_2024_2025.csv", EXEMPEL / "verksamheter.csv")


def tabell(r, namn: str):
    return next(t for t in r.tabeller if t.namn == namn).data.set_index("")


def test_jan_aug_arithmetic():
    r = ks_rapport(*ARGS, månad=8, år=2024, investeringar=EXEMPEL / "investeringar_2024_2025.csv")
    d = tabell(r, "Driftredovisning")
    i, k, n = (d.loc[f"Verksamhetens {x}"] for x in ("intäkter", "kostnader", "nettokostnader"))
    for rad in (i, k, n):  # period deviation = utfall − budget; forecast deviation = prognos − budget helår
        assert rad["Budgetavvikelse jan–aug 2024"] == pytest.approx(rad["Utfall jan–aug 2024"] - rad["Budget jan–aug 2024"])
        assert rad["Årsprognos budgetavvikelse 2024"] == pytest.approx(rad["Prognos helår 2024"] - rad["Budget helår 2024"])
    for c in d.columns:  # netto = intäkter + kostnader
        if d[c].notna().all():
            assert n[c] == pytest.approx(i[c] + k[c])
    assert avrunda(n["Budgetavvikelse jan–aug 2024"], 1) == 5.5  # the published 2024 row: +5,5 in August
    assert avrunda(n["Årsprognos budgetavvikelse 2024"], 1) == 15.0
    inv = tabell(r, "Investeringar").loc["Verksamhetens nettoinvesteringar"]
    assert inv["Budget helår 2024"] == pytest.approx(-9.0)
    assert r.varningar == []


def test_only_for_april_august_december():
    with pytest.raises(IndataFel, match="jan–apr, jan–aug och jan–dec"):
        ks_rapport(*ARGS, månad=2)


def test_a_total_row_that_is_not_the_sum_of_its_parts_is_flagged(tmp_path):
    text = ("År;Månad;Projekt;Utfall;Budget;Prognos\n"
            "2024;1;Larm;100 000;120 000;120 000\n"
            "2024;1;Inventarier;50 000;60 000;60 000\n"
            "2024;1;Summa;170 000;180 000;180 000\n")  # utfall should be 150 000
    (tmp_path / "inv.csv").write_text(text, encoding="utf-8")
    r = ks_rapport(*ARGS, månad=4, år=2024, investeringar=tmp_path / "inv.csv")
    assert len(r.varningar) == 1
    assert "rad 4: 'Summa' utfall är 170 000 kr men projekten summerar till 150 000 kr" in r.varningar[0]
    inv = tabell(r, "Investeringar").loc["Verksamhetens nettoinvesteringar"]
    assert inv["Utfall jan–apr 2024"] == pytest.approx(-0.15)  # the total row is not counted twice


def test_word_markdown_and_annex(tmp_path):
    r = ks_rapport(*ARGS, månad=8, år=2024, investeringar=EXEMPEL / "investeringar_2024_2025.csv")
    files = skriv_ks_rapport(r, tmp_path)
    doc = Document(files[1])
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[3][0] == "Verksamhetens nettokostnader" and rows[3][3] == "5,5"
    assert "| Verksamhetens nettokostnader | \u2212903,9 |" in files[0].read_text(encoding="utf-8")


def test_year_end_prognosavvikelse_against_the_jan_aug_forecast(tmp_path):
    for f in ("ekonomi_2024_2025.csv", "verksamheter.csv", "investeringar_2024_2025.csv"):
        shutil.copy(EXEMPEL / f, tmp_path / f)
    (tmp_path / "k.toml").write_text('namnd = "Äldrenämnden"\nrapporter = ["ekonomi", "ks"]\n[ekonomi]\n'
                                     'data = "ekonomi_2024_2025.csv"\nmappning = "verksamheter.csv"\n'
                                     'investeringar = "investeringar_2024_2025.csv"\n', encoding="utf-8")
    aug = runner.kör(tmp_path / "k.toml", månad=8, år=2024, tyst=True)
    assert (aug.mapp / "rapport_till_ks_2024-08.docx").exists()
    dec = runner.kör(tmp_path / "k.toml", månad=12, år=2024, tyst=True)
    md = (dec.mapp / "rapport_till_ks_2024-12.md").read_text(encoding="utf-8")
    assert "Prognos vid rapport jan–aug 2024 | Prognosavvikelse |" in md
    r = ks_rapport(tmp_path / "ekonomi_2024_2025.csv", tmp_path / "verksamheter.csv", 12, 2024,
                   prognos_aug={"Verksamhetens nettokostnader": -1_325_000_000.0})
    n = tabell(r, "Driftredovisning").loc["Verksamhetens nettokostnader"]
    assert n["Prognosavvikelse"] == pytest.approx(n["Utfall 2024"] - (-1325.0))
    # The stored jan–aug forecast: net cost 1 325,0 (budget 1 340,0, forecast deviation +15,0); outcome +20,5.
    assert "| Verksamhetens nettokostnader | \u22121\u00a0340,0 | \u22121\u00a0319,5 | 20,5 |" in md
    assert "\u22121\u00a0325,0 | 5,5 |" in md
    assert "| Verksamhetens nettoinvesteringar |" in md


def test_a_month_that_is_not_closed_is_refused():
    with pytest.raises(IndataFel, match="inget utfall för augusti 2025.*är månaden stängd"):
        ks_rapport(*ARGS, månad=8, år=2025)


def test_investeringarna_läses_med_ekonomins_decimaltecken(tmp_path):
    """[ekonomi] decimaltecken also decides what '1.500' means in the investment export."""
    from kommunrapport.input.investments import läs_investeringar

    p = tmp_path / "inv.csv"
    p.write_text("År;Månad;Projekt;Utfall;Budget\n2025;1;Nytt boende;1.500;2.000\n", encoding="utf-8")
    for decimaltecken, utfall in (("komma", -1500.0), ("punkt", -1.5)):
        inv = läs_investeringar(p, decimaltecken=decimaltecken)
        assert inv.data["utfall"].tolist() == [utfall]
