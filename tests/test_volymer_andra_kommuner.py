"""Volume follow-ups as other kommuner publish them (one file per area and year, the year only in the
title, a row per series with its months, Summa and Årssnitt columns, varav rows under two totals,
a rate per day, a result in mnkr with its printed accumulation). Found by trying issue 13 as a controller
from another kommun would; every expected value is worked out by hand beside it."""

from __future__ import annotations

from pathlib import Path

import docx
import numpy as np
import openpyxl
import pytest
from docx.oxml.ns import qn

from conftest import kör_cli
from kommunrapport.api import läs_volymdata, volymrapport
from kommunrapport.errors import IndataFel
from kommunrapport.input.volumes import läs_volymserier

MÅN = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
DAGAR = {2023: [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], 2024: [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]}
MINUS = "\u2212"


def sv(x: float, dec: int = 0) -> str:
    s = f"{abs(x):,.{dec}f}".replace(",", " ").replace(".", ",")
    return (MINUS if x < 0 else "") + s


def rad(namn: str, v: list[float], dec: int = 0, summa: bool = False, snitt: str = "") -> str:
    celler = [sv(x, dec) for x in v] + [""] * (12 - len(v))
    return ";".join([namn, *celler, sv(sum(v), dec) if summa else "", snitt])


def hemtjänst(år: int, n: int, titel: str, ack_fel: bool = False) -> str:
    """'Hemtjänst 2024': brukare with varav kommunala/privata, hours with the same varav labels, hours per
    day, the result in mnkr and 'Ack. resultat'; a header row per block, no År column."""
    brukare = [400 + 3 * i + (år - 2023) * 10 for i in range(n)]
    kommunala = [b - (120 + i) for i, b in enumerate(brukare)]
    privata = [b - k for b, k in zip(brukare, kommunala)]
    timmar = [11000 + 150 * i + (år - 2023) * 500 for i in range(n)]
    t_kom = [t - (3000 + 20 * i) for i, t in enumerate(timmar)]
    t_pri = [t - k for t, k in zip(timmar, t_kom)]
    per_dag = [round(t / d, 1) for t, d in zip(timmar, DAGAR[år])]
    res = [-0.4, 0.7, -1.2, 0.3, -0.5, 0.2, 1.1, -0.8, 0.4, -0.3, 0.6, -0.9][:n]
    if år == 2023:
        res = [round(r + 0.1, 1) for r in res]
    ack = list(np.round(np.cumsum(res), 1))
    if ack_fel:
        ack[4] += 2.0  # maj: 0,9 printed, −1,1 right
    rubrik = ";".join(["{}", *MÅN, "Summa", "Årssnitt"])
    return "\n".join([
        titel, "", rubrik.format("Hemtjänst"),
        # 416 and 126 printed for 416,5 and 125,5 (rounded half to even): within the rounding
        rad("Antal brukare", brukare, snitt=f"{round(sum(brukare) / n)}"),
        rad("varav kommunala", kommunala),
        rad("varav privata", privata, snitt=f"{round(sum(privata) / n)}"),
        "", rubrik.format("Timmar"),
        rad("Utförda timmar", timmar, summa=True),
        rad("varav kommunala", t_kom, summa=True),
        rad("varav privata", t_pri, summa=True),
        rad("Utförda tim/dag", per_dag, dec=1),
        "", rubrik.format("Ekonomi"),
        rad("Resultat (mnkr)", res, dec=1, summa=True),
        rad("Ack. resultat", ack, dec=1),
    ]) + "\n"


@pytest.fixture
def filer(tmp_path: Path) -> tuple[Path, Path]:
    a = tmp_path / "hemtjanst_2023.csv"
    a.write_text(hemtjänst(2023, 12, "Volymuppföljning hemtjänst december 2023"), encoding="utf-8")
    b = tmp_path / "hemtjanst_2024.csv"
    b.write_text(hemtjänst(2024, 10, "Hemtjänst 2024"), encoding="utf-8")
    return a, b


def test_a_varav_row_under_a_row_with_numbers_belongs_to_that_row_not_to_the_block_heading(filer):
    # the header row 'Hemtjänst;jan;…' names the block, but 'varav kommunala' is part of 'Antal brukare',
    # the row with numbers above it (before: 'varav kommunala (Hemtjänst)', no kind, the run stopped)
    d = läs_volymserier(filer[1])
    got = {x.namn: (x.slag, x.varav_av) for x in d.definitioner}
    assert got == {
        "Antal brukare": ("bestånd", None),
        "varav kommunala (Antal brukare)": ("bestånd", "Antal brukare"),
        "varav privata (Antal brukare)": ("bestånd", "Antal brukare"),
        "Utförda timmar": ("flöde", None),
        "varav kommunala (Utförda timmar)": ("flöde", "Utförda timmar"),
        "varav privata (Utförda timmar)": ("flöde", "Utförda timmar"),
        "Utförda tim/dag": ("takt", None),
        "Resultat (mnkr)": ("resultat", None),
    }


def test_a_printed_mean_is_checked_with_its_own_rounding_not_the_finest_in_the_file(filer, tmp_path):
    # the file has mnkr with one decimal; that does not make 'Årssnitt 416' for 416,5 brukare a misprint
    r = kör_cli("validera", filer[0], cwd=tmp_path)
    assert "varning:" not in r.stdout + r.stderr, r.stdout
    # Summa of the three hour rows and the result, two årssnitt, twelve accumulated months
    assert "kontrollerade summor och medel: 18 av 18 stämmer" in r.stdout
    assert r.returncode == 0
    # a printed accumulation that is wrong is still flagged, with its place and both figures
    fel = tmp_path / "fel.csv"
    fel.write_text(hemtjänst(2024, 10, "Hemtjänst 2024", ack_fel=True), encoding="utf-8")
    r = kör_cli("validera", fel, cwd=tmp_path)
    assert r.returncode == 1
    assert "rad 16, kolumn 'maj': Ack. resultat för maj 2024 (ackumulerat 'Resultat (mnkr)') är 0,90 i filen men " \
           f"{MINUS}1,10 enligt raderna" in r.stdout
    # and an årssnitt off by more than its rounding too
    text = hemtjänst(2023, 12, "Hemtjänst 2023").replace(";416\n", ";418\n")
    fel.write_text(text, encoding="utf-8")
    r = kör_cli("validera", fel, cwd=tmp_path)
    assert "Årssnitt (medel av 12 månader) är 418 i filen men 416,50 enligt raderna" in r.stdout


def test_one_file_per_year_of_the_same_area_is_one_area_with_comparisons(filer):
    data = läs_volymdata(serier=list(filer))
    assert [d.område for d in data] == ["Hemtjänst"]  # 'Hemtjänst 2024' without its year
    # each file's inferences name the file, and the merge is said
    assert "hemtjanst_2024.csv: året 2024 är taget ur titeln 'Hemtjänst 2024'" in data[0].anteckningar
    assert any("har samma serier och läses som ett område (ett år per fil)" in x for x in data[0].anteckningar)
    r = volymrapport(data, 10)
    j = next(t for t in r.avsnitt[0].tabeller if t.namn == "Hemtjänst jämförelse").data.set_index("Mått")
    # varav kommunala under a stock: mean of jan–okt, not a sum; 2024: 290, 292 … 308 → 299,0; 2023: 289,0
    assert j.loc["varav kommunala (Antal brukare)", "jan–okt 2024"] == pytest.approx(299.0)
    assert j.loc["varav kommunala (Antal brukare)", "jan–okt 2023"] == pytest.approx(289.0)
    # varav privata under hours: a flow, summed: 3 000 + 3 020 + … + 3 180 = 30 900
    assert j.loc["varav privata (Utförda timmar)", "jan–okt 2024"] == pytest.approx(30900)
    # hours per day weighted by the days: Σ(tim/dag × dagar) / Σ dagar over jan–okt 2024 (leap year)
    per_dag = [round((11500 + 150 * i) / d, 1) for i, d in enumerate(DAGAR[2024][:10])]
    vägt = sum(p * d for p, d in zip(per_dag, DAGAR[2024])) / sum(DAGAR[2024][:10])
    assert vägt == pytest.approx(399.159, abs=1e-3)  # the plain mean would be 399,28
    assert j.loc["Utförda tim/dag", "jan–okt 2024"] == pytest.approx(vägt)
    # the result: −0,5 mnkr against +0,5 mnkr, −1,0 mnkr and no percent (from +0,5 to −0,5 is no "−200 %")
    assert j.loc["Resultat (mnkr)", "jan–okt 2024"] == pytest.approx(-0.5)
    assert j.loc["Resultat (mnkr)", "Förändring"] == pytest.approx(-1.0)
    assert np.isnan(j.loc["Resultat (mnkr)", "Förändring %"])
    m = next(t for t in r.avsnitt[0].tabeller if t.namn == "Hemtjänst per månad").data
    jan = m[(m["Mått"] == "Resultat (mnkr)") & (m["Månad"] == "jan")].iloc[0]
    assert (jan["2023"], jan["2024"], jan["Förändring"]) == pytest.approx((-0.3, -0.4, -0.1))
    assert np.isnan(jan["Förändring %"])  # not "+33,3 %" for a result that got worse
    brukare = m[(m["Mått"] == "Antal brukare") & (m["Månad"] == "mar")].iloc[0]
    assert (brukare["2023"], brukare["2024"], brukare["Förändring %"]) == pytest.approx((406, 416, 10 / 406))
    t = next(t for t in r.avsnitt[0].tabeller if t.namn == "Hemtjänst tertialer").data
    t1 = t[(t["Mått"] == "Antal brukare") & (t["Tertial"] == "T1 2024")].iloc[0]
    # (410 + 413 + 416 + 419) / 4 = 414,5 against (400 + 403 + 406 + 409) / 4 = 404,5
    assert (t1["Värde"], t1["Förändring"]) == pytest.approx((414.5, 10.0))
    assert "T3 2024" not in set(t["Tertial"])  # october: T3 is not complete


def test_the_same_series_in_another_unit_the_year_before_is_an_error(tmp_path):
    # 'Resultat' takes its unit from the title: tkr in 2023, mnkr in 2024; adding them up would be wrong
    a = tmp_path / "h23.csv"
    a.write_text(hemtjänst(2023, 12, "Hemtjänst 2023 (tkr)").replace("Resultat (mnkr)", "Resultat"), encoding="utf-8")
    b = tmp_path / "h24.csv"
    b.write_text(hemtjänst(2024, 10, "Hemtjänst 2024 (mnkr)").replace("Resultat (mnkr)", "Resultat"), encoding="utf-8")
    with pytest.raises(IndataFel, match=r"serien 'Resultat' är resultat \(tkr\) i .*h23.csv men resultat \(mnkr\) i "
                                        r".*h24.csv"):
        läs_volymdata(serier=[a, b])


def test_an_empty_cell_in_a_word_table_is_no_taller_than_the_others(filer, tmp_path):
    r = kör_cli("volymer", "--month", "okt", "--serier", filer[0], "--serier", filer[1], "--out", "ut", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = docx.Document(str(tmp_path / "ut" / "volymrapport_2024-10.docx"))
    tabell = doc.tables[0]
    tomma = [c for row in tabell.rows for c in row.cells if not c.text.strip()]
    assert tomma  # the result's Förändring %
    for c in tomma:
        for p in c.paragraphs:
            sz = p._p.pPr.find(qn("w:rPr")).find(qn("w:sz"))
            fylld = next(x for row in tabell.rows for x in row.cells if x.text.strip()).paragraphs[0].runs[0]
            assert int(sz.get(qn("w:val"))) == \
                round(fylld.font.size.pt * 2)
    bilaga = tmp_path / "ut" / "bilaga_volymrapport_2024-10.xlsx"
    info = {r[0]: r[1] for r in openpyxl.load_workbook(bilaga)["Info"].iter_rows(values_only=True)}
    assert info["Underlag"].count("hemtjanst_2024.csv") == 1


def test_a_row_pasted_twice_in_a_long_volume_file_is_a_warning(tmp_path):
    # the long generic shape sums rows with the same series, year and month (rows per utförare); an exact
    # copy would double the hushåll without a word: 1 204 + 1 204 = 2 408
    f = tmp_path / "ifo.csv"
    f.write_text("Område;Mått;År;Månad;Värde;Enhet\n"
                 "IFO;Försörjningsstöd hushåll;2023;1;1 204;hushåll\n"
                 "IFO;Försörjningsstöd hushåll;2023;1;1 204;hushåll\n"
                 "IFO;Försörjningsstöd hushåll;2024;1;1 250;hushåll\n", encoding="utf-8")
    r = kör_cli("validera", f, cwd=tmp_path)
    assert r.returncode == 1
    assert "1 rad är en exakt kopia av en tidigare rad (rad 3 = rad 2)" in r.stdout
    d = läs_volymdata(serier=[f])[0]
    assert any("exakt kopia" in v for v in d.varningar)


@pytest.mark.parametrize("rubriker", ["jan-24;feb-24;mar-24", "jan 2024;feb 2024;mar 2024", "Januari 2024;Februari 2024;Mars 2024"])
def test_month_headers_with_their_year_as_excel_writes_them(tmp_path, rubriker):
    # Excel's default month format 'mmm-åå' gives 'jan-24'; papers also write 'jan 2024'
    f = tmp_path / "h.csv"
    f.write_text(f"Hemtjänst\nMått;{rubriker};Totalt\nUtförda timmar;1 000;1 100;1 200;3 300\n"
                 "varav privata;300;310;320;930\n", encoding="utf-8")
    d = läs_volymserier(f)
    s = d.serie("Utförda timmar")
    assert list(zip(s["år"], s["månad"], s["värde"])) == [(2024, 1, 1000), (2024, 2, 1100), (2024, 3, 1200)]
    assert d.definition("varav privata").varav_av == "Utförda timmar"


def test_validera_calls_a_wide_ekonomi_export_wide(tmp_path):
    f = tmp_path / "ek.csv"
    f.write_text("Utfall och budget per månad 2025 (kr)\nVerksamhet;Mått;jan;feb;mar;Summa\n"
                 "2100;Utfall;500 000;480 000;;990 000\n2100;Budget;490 000;490 000;490 000;1 470 000\n",
                 encoding="utf-8")
    r = kör_cli("validera", f, cwd=tmp_path)
    assert "dataset: ekonomi (brett format: månader som kolumner), 2 rader" in r.stdout  # not 'långt format'
    # the printed Summa of utfall is 10 000 too high
    assert "kolumn 'Summa': Summa (summa av 2 månader) är 990 000 i filen men 980 000 enligt raderna" in \
        r.stdout.replace("\u00a0", " ")


def test_validera_says_when_the_varav_rows_are_more_than_their_total(tmp_path):
    # 'varav privata' under 'Antal brukare' is 220 in January 2024: with 'varav kommunala' 290, 510 > 410
    f = tmp_path / "h.csv"
    f.write_text(hemtjänst(2024, 10, "Hemtjänst 2024").replace("varav privata;120;", "varav privata;220;", 1),
                 encoding="utf-8")
    r = kör_cli("validera", f, cwd=tmp_path)
    assert r.returncode == 1
    assert "varav-raderna under 'Antal brukare' är 510 för januari 2024, mer än totalen 410" in r.stdout
    assert "Antal brukare: 2024, senaste månad oktober 2024" in r.stdout  # one year: not '2024–2024'


def test_the_y_axis_of_a_result_in_mnkr_has_the_decimals_its_ticks_need():
    # volume charts ask for whole numbers; ticks at every 0,5 mnkr were labelled 1, 1, 0, −1, −1
    import pandas as pd
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from kommunrapport.render.charts import linjefigur

    data = pd.DataFrame({"Månad": MÅN[:4], "2024": [-0.4, 0.7, -1.2, 0.3], "2023": [-0.3, 0.8, -1.1, 0.4]})
    fig = linjefigur(data, "Resultat (mnkr)", "mnkr", decimaler=0, nollinje=False, från_noll=True)
    FigureCanvasAgg(fig).draw()
    ax = fig.axes[0]
    etiketter = [t.get_text() for t in ax.get_yticklabels()]
    assert len(etiketter) == len(set(etiketter)), etiketter
    # every label is the value of its tick (−1,25 is not '−1')
    for loc, text in zip(ax.get_yticks(), etiketter):
        assert float(text.replace(MINUS, "-").replace(",", ".")) == pytest.approx(loc), (loc, text)
    assert any("," in e for e in etiketter)
    # whole numbers stay whole
    data = pd.DataFrame({"Månad": MÅN[:3], "2024": [11500, 11650, 11800]})
    fig = linjefigur(data, "Utförda timmar", "timmar", decimaler=0, nollinje=False, från_noll=True)
    FigureCanvasAgg(fig).draw()
    etiketter = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert "0" in etiketter and not any("," in e for e in etiketter), etiketter


@pytest.mark.parametrize("etikett", ["Resultat ack.", "Resultat ackumulerat", "Ackumulerat resultat (mnkr)"])
def test_an_accumulated_row_named_at_its_end_is_checked_not_read_as_a_series(tmp_path, etikett):
    # 'Resultat ack.' was a series of its own (a result without unit, summed in the report)
    f = tmp_path / "h.csv"
    f.write_text(hemtjänst(2024, 10, "Hemtjänst 2024", ack_fel=True).replace("Ack. resultat;", f"{etikett};"),
                 encoding="utf-8")
    d = läs_volymserier(f)
    assert [x.namn for x in d.definitioner if x.slag == "resultat"] == ["Resultat (mnkr)"]
    r = kör_cli("validera", f, cwd=tmp_path)
    assert f"kolumn 'maj': {etikett} för maj 2024 (ackumulerat 'Resultat (mnkr)') är 0,90 i filen men " \
           f"{MINUS}1,10 enligt raderna" in r.stdout


def test_a_file_without_the_report_year_says_which_years_it_has_and_what_to_do(filer, tmp_path):
    lss = tmp_path / "lss_2024.csv"  # another area, with 2024
    lss.write_text(filer[1].read_text(encoding="utf-8").replace("Antal brukare", "Antal brukare LSS"), encoding="utf-8")
    r = kör_cli("volymer", "--month", "okt", "--serier", filer[0], "--serier", lss, "--out", "ut", cwd=tmp_path)
    assert r.returncode == 2
    assert "hemtjanst_2023.csv har inga värden för 2024 (filen har år 2023); ange också filen för 2024 (en fil " \
           "per år läses som ett område) eller ta bort filen ur rapporten" in r.stderr
    assert not (tmp_path / "ut").exists()


def test_a_ratio_per_something_else_than_time_is_a_mean_never_a_sum(tmp_path):
    # 'Kostnad per vårddygn (kr)' was a flöde: jan–mar summed to 3 × the cost of a vårddygn
    f = tmp_path / "ifo.csv"
    rader = ["Serie;År;Månad;Värde"]
    for år, bas in ((2023, 3000), (2024, 3300)):
        for m in (1, 2, 3):
            rader += [f"Kostnad per vårddygn (kr);{år};{m};{bas + 100 * m}", f"Timmar/brukare;{år};{m};{20 + m}",
                      f"Beviljade timmar/månad;{år};{m};{1000 * m}"]
    f.write_text("\n".join(rader) + "\n", encoding="utf-8")
    d = läs_volymserier(f)
    assert {x.namn: x.slag for x in d.definitioner} == {
        "Kostnad per vårddygn (kr)": "bestånd", "Timmar/brukare": "bestånd", "Beviljade timmar/månad": "flöde"}
    j = next(t for t in volymrapport([d], 3).avsnitt[0].tabeller if t.namn.endswith("jämförelse")).data.set_index("Mått")
    assert j.loc["Kostnad per vårddygn (kr)", "jan–mar 2024"] == pytest.approx(3500)  # (3 400 + 3 500 + 3 600) / 3
    assert j.loc["Timmar/brukare", "jan–mar 2023"] == pytest.approx(22)  # (21 + 22 + 23) / 3
    assert j.loc["Beviljade timmar/månad", "jan–mar 2024"] == pytest.approx(6000)  # hours in each month: a sum


def test_a_title_with_two_years_gives_no_year_to_months_without_one(tmp_path):
    # 'Hemtjänst 2023–2024' over months jan–dec: the first year in the title was taken, in silence but for validera
    f = tmp_path / "h.csv"
    f.write_text(hemtjänst(2024, 10, "Hemtjänst 2023–2024"), encoding="utf-8")
    r = kör_cli("validera", f, cwd=tmp_path)
    assert r.returncode == 2
    assert "året saknas (titeln 'Hemtjänst 2023–2024' har flera år: 2023, 2024): lägg till en kolumn 'år'" in r.stderr


def test_placerade_per_insats_are_varav_rows_of_a_stock(tmp_path):
    # the placements export has placerade per insats; they were left out (only vårddygn and kostnad had varav rows)
    from kommunrapport.input.volumes import läs_placeringar

    f = tmp_path / "plac.csv"
    rader = ["År;Månad;Målgrupp;Insats;Vårddygn;Placerade"]
    for år in (2023, 2024):
        for m, (hvb, fam) in enumerate(((14, 40), (16, 41), (15, 43)), start=1):
            rader += [f"{år};{m};Barn och unga;HVB;{hvb * 30};{hvb + år - 2023}",
                      f"{år};{m};Barn och unga;Familjehem;{fam * 30};{fam}"]
    f.write_text("\n".join(rader) + "\n", encoding="utf-8")
    d = läs_placeringar(f)
    assert d.definition("Placerade HVB (barn och unga)").varav_av == "Placerade barn och unga"
    assert d.definition("Placerade HVB (barn och unga)").slag == "bestånd"
    j = next(t for t in volymrapport([d], 3).avsnitt[0].tabeller if t.namn.endswith("jämförelse")).data.set_index("Mått")
    # a mean over jan–mar, not a sum: 2024 (15 + 17 + 16) / 3 = 16,0 against (14 + 16 + 15) / 3 = 15,0
    assert j.loc["Placerade HVB (barn och unga)", ["jan–mar 2023", "jan–mar 2024"]].tolist() == pytest.approx([15.0, 16.0])
    assert j.loc["Placerade barn och unga", "jan–mar 2024"] == pytest.approx(16.0 + (40 + 41 + 43) / 3)


def test_rows_named_by_type_take_their_kind_from_a_title_that_names_one(tmp_path):
    # the rows are placement types (HVB, Familjehem, SiS) and the title says what they count
    f = tmp_path / "typer.csv"
    f.write_text("Placerade barn och unga 2024\nPlaceringsform;jan;feb;mar;Årssnitt\nHVB;14;15;16;15\n"
                 "Familjehem;40;41;42;41\nSiS;2;3;2;2,3\nTotalt;56;59;60;58,3\n", encoding="utf-8")
    d = läs_volymserier(f)
    assert {x.namn: (x.slag, x.enhet, x.källa) for x in d.definitioner} == {
        n: ("bestånd", "personer", "titeln") for n in ("HVB", "Familjehem", "SiS")}
    r = kör_cli("validera", f, cwd=tmp_path)
    assert "    HVB: bestånd, personer (titeln)" in r.stdout and r.returncode == 0
    # a title that names two kinds decides nothing: the error says how to declare the kind
    f.write_text(f.read_text(encoding="utf-8").replace("Placerade barn och unga 2024", "Placerade och vårddygn 2024"),
                 encoding="utf-8")
    with pytest.raises(IndataFel, match=r"serien 'HVB': varken namnet eller enheten säger vad serien är"):
        läs_volymserier(f)


def test_validera_counts_one_series_in_the_singular(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("Utförda timmar hemtjänst\nMånad;2023;2024\njanuari;11 000;11 500\nfebruari;11 150;11 650\n",
                 encoding="utf-8")
    r = kör_cli("validera", f, cwd=tmp_path)
    assert "dataset: månadsserier (månader som rader), 1 serie, 4 värden" in r.stdout


def test_months_missing_last_year_are_one_warning_per_series(tmp_path):
    # a paper with jan–mar of both years: 9 missing months × 2 series were 18 warnings
    f = tmp_path / "h.csv"
    f.write_text("Hemtjänst\nMått;jan 2024;feb 2024;mar 2024;jan 2023;feb 2023;mar 2023\n"
                 "Utförda timmar;11 500;11 650;11 800;11 000;11 150;11 300\nAntal brukare;410;413;416;400;403;406\n",
                 encoding="utf-8")
    r = volymrapport(läs_volymdata(serier=[f]), 3)
    assert r.varningar == [
        "Hemtjänst: 'Utförda timmar' saknar värde för april–december 2023; perioder som omfattar månaderna redovisas inte",
        "Hemtjänst: 'Antal brukare' saknar värde för april–december 2023; perioder som omfattar månaderna redovisas inte"]
    j = r.avsnitt[0].tabeller[0].data.set_index("Mått")
    assert j.loc["Utförda timmar", "Förändring"] == pytest.approx(1500)  # 34 950 − 33 450


def test_validera_says_which_months_are_missing_as_the_report_does(tmp_path):
    # a blank hushåll in February 2023: the report warned, validera said nothing
    f = tmp_path / "b.csv"
    f.write_text("År;Månad;Utbetalt;Hushåll\n2023;1;1 200 000;410\n2023;2;1 250 000;\n2023;3;1 260 000;415\n"
                 "2024;1;1 300 000;420\n2024;2;1 320 000;425\n2024;3;1 330 000;428\n", encoding="utf-8")
    r = kör_cli("validera", f, cwd=tmp_path)
    assert r.returncode == 1
    assert "'Hushåll' saknar värde för februari 2023; perioder som omfattar månaden " \
           "redovisas inte" in r.stdout
    # jan–mar of both years is the paper's layout, not a gap: only the blank cell is warned about
    assert r.stdout.count("varning:") == 1
