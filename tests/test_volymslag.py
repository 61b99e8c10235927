"""What a series is (flöde, bestånd, takt, andel, resultat), its unit and decimals, varav rows, the
comparisons municipal papers print, printed helper rows and the shapes of volume files. Every
expected value below is worked out by hand in the comment beside it."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from conftest import kör_cli
from kommunrapport.calc import volymer as vc
from kommunrapport.errors import IndataFel
from kommunrapport.input.volumes import läs_bistånd, läs_volymfil, läs_volymserier
from kommunrapport.reports.volymer import bygg_volymrapport

MINUS, NBSP = "\u2212", "\u00a0"
MÅN = "jan;feb;mar;apr;maj;jun;jul;aug;sep;okt;nov;dec"


def skriv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def tabell(r, namn: str) -> pd.DataFrame:
    return next(t for a in r.avsnitt for t in a.tabeller if t.namn == namn).data


def vy(r, namn: str):
    return next(t for a in r.avsnitt for t in a.tabeller if t.namn == namn)


# A paper from another kommun: brukare with a varav row, hours per day, a share in percent and a
# monthly result in mnkr, one block per series, years as row labels.
def rad(*celler: object) -> str:
    """A CSV line with a label and twelve month cells (missing ones blank)."""
    värden = [str(c).replace(".", ",") for c in celler[1:]]
    return ";".join([str(celler[0]), *värden, *[""] * (12 - len(värden))])


PAPPER = "\n".join([
    "Hemtjänst och ekonomi", f"Serie;{MÅN}",
    rad("Antal brukare"), rad(2024, 100, 110, 120, 120, 130, 130, 140, 140, 150, 150, 160, 160), rad(2025, 120, 130),
    rad("- varav kommunala"), rad(2024, 60, 70, 70, 70, 80, 80, 80, 80, 90, 90, 90, 90), rad(2025, 80, 90),
    rad("Utförda tim/dag"), rad(2024, 12, 14), rad(2025, 10, 20),
    rad("Andel utförda (%)"), rad(2024, 80, 90), rad(2025, 85, 95),
    rad("Resultat (mnkr)"), rad(2024, 0.5, 0.2), rad(2025, -0.4, 0.7),
    rad("Ack. resultat"), rad(2025, -0.4, 0.3),
]) + "\n"


@pytest.fixture
def papper(tmp_path):
    return läs_volymserier(skriv(tmp_path / "papper.csv", PAPPER))


def test_each_series_gets_its_kind_unit_and_source(papper):
    got = {d.namn: (d.slag, d.visad_enhet, d.källa, d.varav_av) for d in papper.definitioner}
    assert got == {
        "Antal brukare": ("bestånd", "brukare", "namn", None),
        "- varav kommunala": ("bestånd", "brukare", "varav av Antal brukare", "Antal brukare"),
        "Utförda tim/dag": ("takt", "timmar per dag", "namn", None),
        "Andel utförda (%)": ("andel", "%", "namn", None),
        "Resultat (mnkr)": ("resultat", "mnkr", "namn", None),
    }
    assert papper.definition("Resultat (mnkr)").decimaler == 1  # mnkr keeps its decimal
    assert papper.definition("Antal brukare").decimaler == 0  # a count is a whole number
    # the share is held as a fraction, so every output shows it in percent
    assert papper.serie("Andel utförda (%)")["värde"].tolist() == pytest.approx([0.80, 0.90, 0.85, 0.95])


def test_a_varav_row_under_a_stock_is_averaged_and_gets_every_calculation(papper):
    r = bygg_volymrapport([papper], månad=2, år=2025)
    j = tabell(r, "Serier jämförelse").set_index("Mått")
    # brukare jan–feb: (100 + 110) / 2 = 105 in 2024, (120 + 130) / 2 = 125 in 2025: +20, +19,0 %
    assert (j.loc["Antal brukare", "jan–feb 2024"], j.loc["Antal brukare", "jan–feb 2025"]) == (105, 125)
    # varav kommunala: (60 + 70) / 2 = 65 against (80 + 90) / 2 = 85, never summed to 130 and 170
    assert (j.loc["- varav kommunala", "jan–feb 2024"], j.loc["- varav kommunala", "jan–feb 2025"]) == (65, 85)
    assert j.loc["- varav kommunala", "Beräkning"] == "medel per månad"
    assert j.loc["- varav kommunala", "Förändring %"] == pytest.approx(85 / 65 - 1)
    snitt = tabell(r, "Serier årssnitt").set_index("Mått")
    # 2024: 60+70+70+70+80+80+80+80+90+90+90+90 = 950, / 12 = 79,1666…
    assert snitt.loc["- varav kommunala", "2024"] == pytest.approx(950 / 12)
    tert = tabell(r, "Serier tertialer")
    assert set(tert["Mått"]) >= {"Antal brukare", "- varav kommunala"}
    r12 = tabell(r, "Serier rullande 12").set_index("Mått")
    assert "- varav kommunala" in r12.index
    # 80 ≤ 120 and 90 ≤ 130: the varav row stays within its total (the other series lack mar–dec 2024)
    assert not [w for w in r.varningar if "varav" in w]
    assert all("saknar värde" in w and "Antal brukare" not in w and "kommunala" not in w for w in r.varningar)


def test_a_rate_per_day_is_a_mean_weighted_by_days_never_a_sum(papper):
    s = papper.serie("Utförda tim/dag")
    # 2025: 10 per day in January (31 days) and 20 in February (28 days): (310 + 560) / 59 = 14,745…
    assert vc.jämförelse(s, 2025, 2, "takt")["nu"] == pytest.approx(870 / 59)
    # 2024 is a leap year: (12·31 + 14·29) / 60 = 778 / 60 = 12,966…
    assert vc.jämförelse(s, 2025, 2, "takt")["fg"] == pytest.approx(778 / 60)
    r = bygg_volymrapport([papper], månad=2, år=2025)
    j = vy(r, "Serier jämförelse")
    i = list(j.data["Mått"]).index("Utförda tim/dag")
    assert j.data.loc[i, "Beräkning"] == "medel per dag" and j.format(i, "jan–feb 2025") == "tal1"
    snitt = tabell(r, "Serier årssnitt").set_index("Mått")
    assert snitt.loc["Utförda tim/dag", "2025"] == pytest.approx(870 / 59)


def test_a_share_is_a_mean_and_its_change_is_in_percentage_points(papper):
    r = bygg_volymrapport([papper], månad=2, år=2025)
    j = vy(r, "Serier jämförelse")
    i = list(j.data["Mått"]).index("Andel utförda (%)")
    # (80 + 90) / 2 = 85 % in 2024, (85 + 95) / 2 = 90 % in 2025: +5,0 procentenheter, no "change in %"
    assert j.data.loc[i, "jan–feb 2024"] == pytest.approx(0.85) and j.data.loc[i, "jan–feb 2025"] == pytest.approx(0.90)
    assert j.format(i, "Förändring") == "procentenheter" and math.isnan(j.data.loc[i, "Förändring %"])
    from kommunrapport.render.markdown import markdown_tabell

    assert f"| Andel utförda (%) | % | medel per månad | 85,0{NBSP}% | 90,0{NBSP}% | +5,0 procentenheter |  |" \
        in markdown_tabell(j)


def test_a_result_in_mnkr_is_summed_accumulated_and_keeps_its_decimal(papper, tmp_path):
    from openpyxl import load_workbook

    from kommunrapport.render.annex import skriv_vyer
    from kommunrapport.render.json import volym_json
    from kommunrapport.render.markdown import markdown_tabell

    r = bygg_volymrapport([papper], månad=2, år=2025)
    j = vy(r, "Serier jämförelse")
    i = list(j.data["Mått"]).index("Resultat (mnkr)")
    # 2025: −0,4 + 0,7 = 0,3; 2024: 0,5 + 0,2 = 0,7; change −0,4 (not 0)
    assert j.data.loc[i, "jan–feb 2025"] == pytest.approx(0.3) and j.data.loc[i, "Förändring"] == pytest.approx(-0.4)
    md = markdown_tabell(j)
    # no change in percent for a result: it can be negative or cross zero (from +0,5 to −0,4 is no "−180 %")
    assert f"| Resultat (mnkr) | mnkr | summa | 0,7 | 0,3 | {MINUS}0,4 |  |" in md
    ack = vy(r, "Resultat (mnkr) ack")
    assert ack.rubrik == "Resultat (mnkr), ackumulerat från januari"  # the name already has its unit
    assert ack.data.set_index("År").loc[2025, ["jan", "feb"]].tolist() == pytest.approx([-0.4, 0.3])
    assert f"| 2025 | {MINUS}0,4 | 0,3 |" in markdown_tabell(ack)
    per_månad = markdown_tabell(vy(r, "Serier per månad"))
    assert f"| Resultat (mnkr) | mnkr | jan | 0,5 | {MINUS}0,4 | {MINUS}0,9 |" in per_månad
    skriv_vyer(r.bilagetabeller, {"Rapport": "test"}, tmp_path / "b.xlsx")
    wb = load_workbook(tmp_path / "b.xlsx")
    ws = wb["Serier jämförelse"]  # a long area title gives its sheets the prefix 'Serier'
    rad = next(row for row in ws.iter_rows(min_row=2) if row[0].value == "Resultat (mnkr)")
    assert rad[5].value == pytest.approx(-0.4) and rad[5].number_format == "#,##0.0"
    assert rad[4].number_format == "#,##0.0"
    doc = json.loads(volym_json(r))
    rader = doc["avsnitt"][0]["tabeller"]["Serier jämförelse"]
    assert next(x for x in rader if x["Mått"] == "Resultat (mnkr)")["Förändring"] == pytest.approx(-0.4)
    serier = {s["Serie"]: s for s in doc["serier"]}
    assert serier["Resultat (mnkr)"]["Slag"] == "resultat" and serier["Resultat (mnkr)"]["Decimaler"] == "1"


def test_the_annex_has_a_sheet_of_the_series_and_their_kinds(papper, tmp_path):
    from openpyxl import load_workbook

    from kommunrapport.render.annex import skriv_vyer

    r = bygg_volymrapport([papper], månad=2, år=2025)
    skriv_vyer(r.bilagetabeller, {"Rapport": "test"}, tmp_path / "b.xlsx")
    ws = load_workbook(tmp_path / "b.xlsx")["Serier"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("Område", "Serie", "Slag", "Enhet", "Decimaler", "Varav av", "Källa")
    assert ("Hemtjänst och ekonomi", "- varav kommunala", "bestånd", "brukare", "0", "Antal brukare",
            "varav av Antal brukare") in rows


def test_the_per_month_table_compares_each_month_with_the_same_month_last_year(papper):
    r = bygg_volymrapport([papper], månad=2, år=2025)
    t = tabell(r, "Serier per månad")
    b = t[t["Mått"] == "Antal brukare"].set_index("Månad")
    # jan: 120 against 100 = +20, +20,0 %; feb: 130 against 110 = +20, +18,2 %
    assert b.loc["jan", ["2024", "2025", "Förändring"]].tolist() == [100, 120, 20]
    assert b.loc["feb", "Förändring %"] == pytest.approx(130 / 110 - 1)
    assert list(b.index) == ["jan", "feb"]  # t.o.m. the report month
    v = t[t["Mått"] == "- varav kommunala"].set_index("Månad")
    assert v.loc["feb", ["2024", "2025"]].tolist() == [70, 90]


def test_tertials_with_change_and_the_report_month_decides_which_are_complete(tmp_path):
    rader = [f"Beviljade timmar;2023;{';'.join(str(100 + m) for m in range(12))}",
             f"Beviljade timmar;2024;{';'.join(str(110 + m) for m in range(8))};;;;",
             f"Antal brukare;2023;{';'.join(['10'] * 12)}",
             f"Antal brukare;2024;{';'.join(['12'] * 4 + ['13'] * 4)};;;;"]
    v = läs_volymserier(skriv(tmp_path / "t.csv", f"Serie;År;{MÅN}\n" + "\n".join(rader) + "\n"))
    r = bygg_volymrapport([v], månad=8, år=2024)
    t = tabell(r, "t tertialer")
    tim = t[t["Mått"] == "Beviljade timmar"].set_index("Tertial")
    # T2 2024 = 114+115+116+117 = 462 against T2 2023 = 104+105+106+107 = 422: +40, +9,5 %
    assert tim.loc["T2 2024", ["Värde", "Samma tertial året innan", "Förändring"]].tolist() == [462, 422, 40]
    assert tim.loc["T2 2024", "Förändring %"] == pytest.approx(40 / 422)
    assert "T3 2024" not in tim.index  # september–december 2024 are after the report month
    bru = t[t["Mått"] == "Antal brukare"].set_index("Tertial")
    # a bestånd is a mean: T1 2024 = 12 against 10 (+2, +20 %), not 48 against 40
    assert bru.loc["T1 2024", ["Värde", "Samma tertial året innan", "Förändring"]].tolist() == [12, 10, 2]
    assert bru.loc["T1 2024", "Beräkning"] == "medel per månad"
    helår = tabell(r, "t helår").set_index("Mått")
    assert helår.loc["Beviljade timmar", "Helår 2023"] == sum(100 + m for m in range(12))  # 1 266


def test_a_printed_accumulated_row_is_checked_as_an_accumulation(tmp_path):
    s = läs_volymserier(skriv(tmp_path / "a.csv", PAPPER))
    assert s.varningar == []  # −0,4 and −0,4 + 0,7 = 0,3: no false warning
    from kommunrapport.input.series import läs_serier

    serier = läs_serier(tmp_path / "a.csv")
    ack = [k for k in serier.kontroller if "Ack." in k.vad]
    assert len(ack) == 2 and all(k.stämmer for k in ack)
    assert "Ack. resultat" not in set(serier.data["serie"])  # a helper row is no data


def test_a_wrong_accumulated_value_is_one_warning_naming_place_and_both_numbers(tmp_path):
    text = PAPPER.replace(rad(2025, -0.4, 0.3), rad(2025, -0.4, 1.3))
    assert text != PAPPER
    s = läs_volymserier(skriv(tmp_path / "a.csv", text))
    assert s.varningar == [f"{tmp_path / 'a.csv'}, rad 19, kolumn 'feb': Ack. resultat för feb 2025 (ackumulerat "
                           f"'Resultat (mnkr)') är 1,30 i filen men 0,30 enligt raderna"]


def test_an_accumulated_row_with_its_year_under_the_series_with_the_same_stem(tmp_path):
    text = (f"Ekonomi (mnkr)\nSerie;År;{MÅN}\n"
            "Resultat;2025;1,5;-0,5;2,0;;;;;;;;;\n"
            "Ackumulerat resultat;2025;1,5;1,0;3,0;;;;;;;;;\n"
            "Övrigt netto;2025;10,0;10,0;10,0;;;;;;;;;\n")
    s = läs_volymserier(skriv(tmp_path / "e.csv", text))
    assert s.varningar == []
    assert [d.namn for d in s.definitioner] == ["Resultat", "Övrigt netto"]
    # nothing in the name tells, the unit in the title does: mnkr is an amount, summed
    d = s.definition("Övrigt netto")
    assert (d.slag, d.enhet, d.källa, d.decimaler) == ("flöde", "mnkr", "enhet", 1)


def test_the_same_varav_label_under_two_totals(tmp_path):
    text = (f"Serie;År;{MÅN}\n"
            "Antal brukare;2025;100;110;;;;;;;;;;\n"
            "- varav privata;2025;40;45;;;;;;;;;;\n"
            "Utförda timmar;2025;2000;2100;;;;;;;;;;\n"
            "- varav privata;2025;800;900;;;;;;;;;;\n")
    s = läs_volymserier(skriv(tmp_path / "v.csv", text))
    got = {d.namn: (d.slag, d.varav_av) for d in s.definitioner}
    assert got == {"Antal brukare": ("bestånd", None), "- varav privata (Antal brukare)": ("bestånd", "Antal brukare"),
                   "Utförda timmar": ("flöde", None), "- varav privata (Utförda timmar)": ("flöde", "Utförda timmar")}
    assert s.serie("- varav privata (Utförda timmar)")["värde"].tolist() == [800, 900]


def test_a_varav_row_larger_than_its_stock_is_a_warning(tmp_path):
    text = (f"Serie;År;{MÅN}\nAntal brukare;2025;100;110;;;;;;;;;;\n"
            "- varav privata;2025;40;115;;;;;;;;;;\n")
    r = bygg_volymrapport([läs_volymserier(skriv(tmp_path / "v.csv", text))], månad=2)
    assert r.varningar == ["v: varav-raderna under 'Antal brukare' är 115 för februari 2025, mer än totalen 110"]


def test_the_year_from_the_title(tmp_path):
    text = f"Volymer december 2022\nSerie;{MÅN}\nAntal brukare;10;11;12;13;14;15;16;17;18;19;20;21\n"
    s = läs_volymserier(skriv(tmp_path / "y.csv", text))
    assert set(s.serier["år"]) == {2022}
    assert s.serie("Antal brukare")["värde"].tolist() == list(range(10, 22))
    assert "året 2022 är taget ur titeln 'Volymer december 2022'" in s.anteckningar
    assert s.område == "Volymer december 2022"


def test_repeated_header_rows_between_blocks_are_skipped(tmp_path):
    text = (f"Volymer\n"
            f"Antal brukare;År;{MÅN}\n"
            ";2024;10;11;;;;;;;;;;\n;2025;12;13;;;;;;;;;;\n"
            f"Utförda timmar;År;{MÅN}\n"
            ";2024;100;110;;;;;;;;;;\n;2025;120;130;;;;;;;;;;\n"
            f"Antal brukare;År;{MÅN}\n")
    s = läs_volymserier(skriv(tmp_path / "r.csv", text))
    # the header row names the first block, as its repetitions name theirs; the last one (no rows) is no block
    assert [d.namn for d in s.definitioner] == ["Antal brukare", "Utförda timmar"]
    assert s.serie("Antal brukare")["värde"].tolist() == [10, 11, 12, 13]
    assert s.serie("Utförda timmar")["värde"].tolist() == [100, 110, 120, 130]
    assert s.område == "Volymer"


def test_a_repeated_header_that_names_the_next_block(tmp_path):
    text = (f"Serie;År;{MÅN}\n"
            "Antal brukare;;;;;;;;;;;;;\n;2024;10;11;;;;;;;;;;\n;2025;12;13;;;;;;;;;;\n"
            f"Utförda timmar;År;{MÅN}\n"
            ";2024;100;110;;;;;;;;;;\n;2025;120;130;;;;;;;;;;\n")
    s = läs_volymserier(skriv(tmp_path / "r.csv", text))
    assert [d.namn for d in s.definitioner] == ["Antal brukare", "Utförda timmar"]
    assert s.serie("Antal brukare")["värde"].tolist() == [10, 11, 12, 13]
    assert s.serie("Utförda timmar")["värde"].tolist() == [100, 110, 120, 130]
    assert "1 upprepad rubrikrad mellan blocken hoppades över" in s.anteckningar


def test_the_long_generic_shape_with_areas_and_units(tmp_path):
    text = ("Område;Mått;År;Månad;Värde;Enhet\n"
            "Hemtjänst;Utförda timmar;2024;1;100;timmar\nHemtjänst;Utförda timmar;2025;1;90;timmar\n"
            "Hemtjänst;varav privata;2024;1;40;\nHemtjänst;varav privata;2025;1;30;\n"
            "Ekonomi;Resultat;2024;1;-0,25;mnkr\nEkonomi;Resultat;2025;1;0,5;mnkr\n")
    alla = läs_volymfil(skriv(tmp_path / "l.csv", text))
    assert [a.område for a in alla] == ["Hemtjänst", "Ekonomi"]
    h, e = alla
    assert (h.definition("varav privata").slag, h.definition("varav privata").varav_av) == ("flöde", "Utförda timmar")
    assert (e.definition("Resultat").slag, e.definition("Resultat").enhet, e.definition("Resultat").decimaler) == \
        ("resultat", "mnkr", 2)  # −0,25 has two decimals: they are kept
    r = bygg_volymrapport(alla, månad=1, år=2025)
    j = tabell(r, "Ekonomi jämförelse").set_index("Mått")
    assert j.loc["Resultat", "Förändring"] == pytest.approx(0.75)
    with pytest.raises(IndataFel, match="2 områden"):
        läs_volymserier(tmp_path / "l.csv")


def test_a_series_nothing_tells_stops_with_how_to_declare_it(tmp_path):
    from kommunrapport.api import läs_volymdata

    p = skriv(tmp_path / "s.csv", "Serie;År;Månad;Värde\nSkolskjutsar;2025;1;5\nSkolskjutsar;2025;2;6\n")
    with pytest.raises(IndataFel) as e:
        läs_volymserier(p)
    assert str(e.value) == (f"{p}: serien 'Skolskjutsar': varken namnet eller enheten säger vad serien är (flöde, "
                            "bestånd, takt, andel eller resultat); ange det i konfigurationen under [volymer.slag], "
                            "t.ex. \"Skolskjutsar\" = \"bestånd\"")
    [v] = läs_volymdata(serier=[p], slag={"Skolskjutsar": "flöde"})
    assert (v.definition("Skolskjutsar").slag, v.definition("Skolskjutsar").källa) == ("flöde", "[volymer.slag]")


def test_volymer_slag_in_the_configuration_and_validera_lists_each_series(tmp_path):
    skriv(tmp_path / "s.csv", "Serie;År;Månad;Värde\nSkolskjutsar;2025;1;5\nAntal brukare;2025;1;10\n")
    skriv(tmp_path / "k.toml", '[volymer]\nserier = ["s.csv"]\n[volymer.slag]\n"Skolskjutsar" = "flöde"\n')
    run = kör_cli("validera", tmp_path / "s.csv", cwd=tmp_path)
    assert run.returncode == 2 and "[volymer.slag]" in run.stderr
    run = kör_cli("validera", tmp_path / "s.csv", "--config", tmp_path / "k.toml", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "    Skolskjutsar: flöde, ingen enhet ([volymer.slag])" in run.stdout
    assert "    Antal brukare: bestånd, brukare (namn)" in run.stdout


def test_validera_prints_each_series_of_a_volume_file_with_kind_and_unit(tmp_path):
    skriv(tmp_path / "papper.csv", PAPPER)
    run = kör_cli("validera", tmp_path / "papper.csv", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    for rad in ("Antal brukare: bestånd, brukare (namn)", "- varav kommunala: bestånd, brukare (varav av Antal brukare)",
                "Utförda tim/dag: takt, timmar per dag (namn)", "Andel utförda (%): andel, % (namn)",
                "Resultat (mnkr): resultat, mnkr (namn)"):
        assert f"    {rad}\n" in run.stdout
    assert "kontrollerade summor och medel: 2 av 2 stämmer" in run.stdout  # the two Ack. values


def test_a_benefit_file_with_payments_but_without_households(tmp_path):
    p = skriv(tmp_path / "b.csv", "År;Månad;Beslutsorsak;Utbetalt\n2024;1;Arbetslös;100\n2024;1;Övrigt;50\n"
                                  "2025;1;Arbetslös;120\n2025;1;Övrigt;60\n")
    b = läs_bistånd(p)
    assert [d.namn for d in b.definitioner] == ["Utbetalt (kr)", "- varav utbetalt, arbetslös", "- varav utbetalt, övrigt"]
    assert b.kvoter == []
    r = bygg_volymrapport([b], månad=1)
    j = tabell(r, "Bistånd jämförelse").set_index("Mått")
    assert (j.loc["Utbetalt (kr)", "jan 2024"], j.loc["Utbetalt (kr)", "jan 2025"]) == (150, 180)


# --- printed Summa rows and columns in a wide ekonomi export ----------------------------------------

BRED = ("Nämndens ekonomi 2025\n"
        "Verksamhet;Mått;jan;feb;Summa\n"
        "1000;Utfall;100;110;210\n"
        "2100;Utfall;500;480;980\n"
        "1000;Budget;120;120;240\n"
        "2100;Budget;490;490;980\n"
        "Summa;Utfall;600;590;1190\n"
        "Summa;Budget;610;610;1220\n")


def test_a_right_printed_summa_in_a_wide_ekonomi_export_is_no_warning(tmp_path):
    from kommunrapport.input.ledger import Tecken, läs_ekonomi

    hb = läs_ekonomi(skriv(tmp_path / "b.csv", BRED), tecken=Tecken.KOSTNAD_NEGATIV)
    assert hb.varningar == []
    assert set(hb.data["verksamhet"]) == {"1000", "2100"}  # the Summa lines are no data
    assert hb.data["utfall"].sum() == 1190


def test_a_wrong_printed_summa_in_a_wide_ekonomi_export_is_a_warning_and_dropped(tmp_path):
    from kommunrapport.input.ledger import Tecken, läs_ekonomi

    text = BRED.replace("1000;Utfall;100;110;210", "1000;Utfall;100;110;201").replace(
        "Summa;Budget;610;610;1220", "Summa;Budget;610;601;1220")
    p = skriv(tmp_path / "b.csv", text)
    hb = läs_ekonomi(p, tecken=Tecken.KOSTNAD_NEGATIV)
    assert hb.varningar == [
        f"{p}, rad 3, kolumn 'Summa': Summa (summa av 2 månader) är 201 i filen men 210 enligt raderna",
        f"{p}, rad 8, kolumn 'feb': Summa för feb är 601 i filen men 610 enligt raderna"]
    assert set(hb.data["verksamhet"]) == {"1000", "2100"} and hb.data["budget"].sum() == 1220


@pytest.mark.rita
def test_mnkr_decimals_in_the_word_report_and_every_file(papper, tmp_path):
    from docx import Document

    from kommunrapport.api import skriv_volymrapport

    r = bygg_volymrapport([papper], månad=2, år=2025)
    skriv_volymrapport(r, tmp_path)
    doc = Document(tmp_path / "volymrapport_2025-02.docx")
    celler = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert f"{MINUS}0,4" in celler  # the change of the result, −0,4 mnkr, not 0
    md = (tmp_path / "volymrapport_2025-02.md").read_text(encoding="utf-8")
    assert f"| Resultat (mnkr) | mnkr | summa | 0,7 | 0,3 | {MINUS}0,4 |" in md


def test_validera_takes_a_long_file_of_named_series_with_belopp_for_series_not_for_bistand(tmp_path):
    from kommunrapport.api import validera

    p = skriv(tmp_path / "s.csv", "Serie;År;Månad;Belopp\nResultat (mnkr);2024;1;-0,4\nResultat (mnkr);2025;1;0,7\n")
    v = validera(p)
    assert v.slutkod == 0 and v.beskrivning[0] == "dataset: månadsserier (långt format), 1 serie i 1 område"
    assert "  Resultat (mnkr): resultat, mnkr (namn)" in v.beskrivning


def test_an_accumulated_line_in_a_wide_ekonomi_export_is_no_data_and_no_false_warning(tmp_path):
    from kommunrapport.input.ledger import Tecken, läs_ekonomi

    text = BRED.replace("Summa;Utfall;600;590;1190\n", "Summa;Utfall;600;590;1190\nAck. utfall;Utfall;600;1190;\n")
    hb = läs_ekonomi(skriv(tmp_path / "b.csv", text), tecken=Tecken.KOSTNAD_NEGATIV)
    assert hb.varningar == [] and hb.data["utfall"].sum() == 1190


def test_volymer_slag_takes_the_five_kinds_and_stock_still_means_bestand(tmp_path):
    from kommunrapport.errors import KonfigurationsFel
    from kommunrapport.settings import lös_inställningar

    skriv(tmp_path / "k.toml", '[volymer.slag]\n"Utförda" = "takt"\n"Ärenden" = "stock"\n"Resultatet" = "resultat"\n')
    konf = lös_inställningar(tmp_path / "k.toml", miljö={})
    assert konf.volymer is not None
    assert konf.volymer.slag == {"Utförda": "takt", "Ärenden": "bestånd", "Resultatet": "resultat"}
    skriv(tmp_path / "fel.toml", '[volymer.slag]\n"Utförda" = "per dag"\n')
    with pytest.raises(KonfigurationsFel, match="volymer.slag"):
        lös_inställningar(tmp_path / "fel.toml", miljö={})


def test_the_same_varav_label_under_two_totals_in_the_long_shape(tmp_path):
    text = ("Serie;År;Månad;Värde\n"
            "Antal brukare;2025;1;100\n- varav privata;2025;1;40\n"
            "Utförda timmar;2025;1;2000\n- varav privata;2025;1;800\n"
            "Antal brukare;2025;2;110\n- varav privata;2025;2;45\n"
            "Utförda timmar;2025;2;2100\n- varav privata;2025;2;900\n")
    s = läs_volymserier(skriv(tmp_path / "l.csv", text))
    got = {d.namn: (d.slag, d.varav_av) for d in s.definitioner}
    assert got["- varav privata (Antal brukare)"] == ("bestånd", "Antal brukare")
    assert s.serie("- varav privata (Utförda timmar)")["värde"].tolist() == [800, 900]  # never 840 and 945
    assert s.serie("- varav privata (Antal brukare)")["värde"].tolist() == [40, 45]


@pytest.mark.rita
def test_the_year_from_the_title_is_shown_on_the_annex_info_sheet(tmp_path):
    from openpyxl import load_workbook

    from kommunrapport.api import skriv_volymrapport

    text = f"Volymer 2022\nSerie;{MÅN}\nAntal brukare;10;11;12;13;14;15;16;17;18;19;20;21\n"
    r = bygg_volymrapport([läs_volymserier(skriv(tmp_path / "y.csv", text))], månad=3)
    assert r.år == 2022
    skriv_volymrapport(r, tmp_path / "ut")
    info = dict(load_workbook(tmp_path / "ut" / "bilaga_volymrapport_2022-03.xlsx")["Info"].iter_rows(values_only=True))
    assert info["Tolkningar"] == "Volymer 2022: året 2022 är taget ur titeln 'Volymer 2022'"
