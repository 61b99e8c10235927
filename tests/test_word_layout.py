"""Word reports ready for the nämnd: widths from the content (no number wrapped, no heading split inside a
word), no empty columns, headings kept with their tables, one page per area in the volume report, short
chart file names, and charts with the unit on the y axis that start at 0 (issue 13)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

from kommunrapport.api import (
    ekonomirapport,
    ks_rapport_från_inställningar,
    skriv_ekonomirapport,
    skriv_ks_rapport,
    skriv_volymrapport,
    volymrapport_från_inställningar,
)
from kommunrapport.model.table import Diagram, Tabellvy, diagramnamn, unika_diagramnamn
from kommunrapport.render.charts import linjefigur, stapelfigur_jämförelse
from kommunrapport.render.volymer import RADER_PÅ_SIDAN, nämndsida
from kommunrapport.render.wordlayout import (
    CELLMARGINAL,
    LUFT,
    cellbredd_behövs,
    kolumnbredder,
    minsta_bredd,
    textbredd,
    är_tal,
)
from kommunrapport.settings import lös_inställningar

ROOT = Path(__file__).resolve().parents[1]
EXEMPEL = ROOT / "examples"
E = EXEMPEL / "ekonomi"


# ---------------------------------------------------------------- measuring text


def test_textbredd_mäter_arials_tecken():
    # Arial's digits are 0.556 em, a (no-break) space 0.278 em, the minus sign 0.584 em: at 10 pt
    assert textbredd("1\u00a0234\u00a0567", 10) == pytest.approx(7 * 5.56 + 2 * 2.78)
    assert textbredd("\u22120,3", 8) == pytest.approx((584 + 556 + 278 + 556) * 8 / 1000)
    assert textbredd("Årssnitt", 8, fet=True) > textbredd("Årssnitt", 8)  # bold is wider
    assert textbredd("", 8) == 0


def test_ett_tal_bryts_aldrig_en_rubrik_bara_mellan_ord():
    assert är_tal("1\u00a0397,1") and är_tal("\u22127,3\u00a0%") and är_tal("+553\u00a0037") and är_tal("38 %")
    assert not är_tal("Förändring %") and not är_tal("jan–feb 2025") and not är_tal("2. Hemtjänst")
    # a number needs its whole width; a heading its longest word ("Förändring"), never "Progno|s"
    assert minsta_bredd("1\u00a0234\u00a0567", 8) == textbredd("1\u00a0234\u00a0567", 8)
    assert minsta_bredd("Förändring per dag %", 8, fet=True) == textbredd("Förändring", 8, fet=True)
    assert minsta_bredd("Prognos", 8, fet=True) == textbredd("Prognos", 8, fet=True)
    assert cellbredd_behövs("Årssnitt", 8, fet=True) == pytest.approx(
        textbredd("Årssnitt", 8, fet=True) + 2 * CELLMARGINAL + LUFT)


def test_kolumnbredder_ger_resten_till_den_som_vill_ha_mer():
    assert kolumnbredder([10, 20], [30, 20], 100) == [30, 20]  # all fit as they want
    assert kolumnbredder([10, 20], [50, 20], 40) == [20, 20]  # the label gets what is left
    assert kolumnbredder([10, 20], [50, 40], 45) == pytest.approx([10 + 40 * 15 / 60, 20 + 20 * 15 / 60])
    assert kolumnbredder([30, 20], [30, 20], 40) is None  # not even the minimums fit
    # the label's rows on one line first (it wants 50 for its rows), then the headings (the number column
    # wants 40 for its heading on one line)
    assert kolumnbredder([10, 20], [50, 40], 75, först=[50, 20]) == pytest.approx([50 + 0 * 5, 20 + 5])
    assert kolumnbredder([10, 20], [50, 40], 50, först=[50, 20]) == pytest.approx([30, 20])


# ---------------------------------------------------------------- the Word reports


def _tabeller(path: Path):
    doc = Document(path)
    return doc, doc.tables


def _kontrollera_bredder(path: Path) -> int:
    """Every column of every table is at least as wide as its longest number and its longest heading word
    need at the font size used; returns the number of cells checked."""
    doc, tabeller = _tabeller(path)
    antal = 0
    for t in tabeller:
        bredder = [gc.w.pt for gc in t._tbl.tblGrid.gridCol_lst]
        for i, row in enumerate(t.rows):
            for j, c in enumerate(row.cells):
                runs = [r for p in c.paragraphs for r in p.runs if r.text.strip()]
                if not runs:
                    continue
                storlek = runs[0].font.size.pt
                assert storlek >= 6
                behövs = cellbredd_behövs(c.text, storlek, any(r.bold for r in runs))
                assert bredder[j] >= behövs - 0.05, (path.name, i, j, c.text, bredder[j], behövs)
                assert c.width.pt == pytest.approx(bredder[j], abs=0.1)
                if är_tal(c.text):
                    assert " " not in c.text  # no-break spaces only
                    assert c._tc.tcPr.find(qn("w:noWrap")) is not None
                antal += 1
        for tr in t._tbl.tr_lst:
            assert tr.trPr.find(qn("w:cantSplit")) is not None  # rows are not split across pages
        assert t._tbl.tr_lst[0].trPr.find(qn("w:tblHeader")) is not None
    return antal


def _rubriker_hålls_ihop(path: Path) -> None:
    doc = Document(path)
    rubriker = [p for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title")) and p.text.strip()]
    assert rubriker
    assert all(p.paragraph_format.keep_with_next for p in rubriker), [p.text for p in rubriker]
    for tbl in doc.element.body.iterchildren(qn("w:tbl")):  # the paragraph above a table stays with it
        före = tbl.getprevious()
        assert före.tag == qn("w:p") and före.find(qn("w:pPr")).find(qn("w:keepNext")) is not None


@pytest.fixture(scope="module")
def utan_prognos(tmp_path_factory):
    """The example ledger without its Prognos column."""
    mapp = tmp_path_factory.mktemp("utan_prognos")
    text = (E / "ekonomi_2024_2025.csv").read_text(encoding="utf-8-sig").splitlines()
    rader = [";".join(line.split(";")[:-1]) for line in text]
    (mapp / "ekonomi.csv").write_text("\n".join(rader) + "\n", encoding="utf-8")
    r = ekonomirapport(mapp / "ekonomi.csv", E / "verksamheter.csv", månad=2, nämnd="Äldrenämnden")
    skriv_ekonomirapport(r, mapp / "ut")
    return mapp / "ut"


def _ackumulerat(tabeller):
    """The table of accumulated results (Verksamhet × months); Ekonomisk utveckling may come before it."""
    return next(t for t in tabeller if [c.text for c in t.rows[0].cells][:2] == ["Verksamhet", "jan"])


def test_ekonomi_utan_prognos_har_ingen_prognoskolumn_i_word(utan_prognos):
    doc, tabeller = _tabeller(utan_prognos / "ekonomirapport_2025-02.docx")
    ack = _ackumulerat(tabeller)
    rubriker = [c.text for c in ack.rows[0].cells]
    assert rubriker[:3] == ["Verksamhet", "jan", "feb"] and rubriker[-2:] == ["Årsbudget", "Andel"]
    assert "Prognos" not in rubriker
    md = (utan_prognos / "ekonomirapport_2025-02.md").read_text(encoding="utf-8")
    assert "| Prognos |" not in md  # as in Markdown
    total = next(r for r in ack.rows if r.cells[0].text == "Ackumulerad budgetavvikelse 2025")
    assert [c.text for c in total.cells][1:3] == ["3,8", "13,3"] and total.cells[-2].text == "1\u00a0397,1"


def test_ekonomi_med_prognos_behåller_kolumnen_och_alla_bredder_räcker(tmp_path):
    r = ekonomirapport(E / "ekonomi_2024_2025.xlsx", E / "verksamheter.csv", månad=2, nämnd="Äldrenämnden",
                       kommentarer=E / "kommentarer.md")
    skriv_ekonomirapport(r, tmp_path)
    path = tmp_path / "ekonomirapport_2025-02.docx"
    doc, tabeller = _tabeller(path)
    assert [c.text for c in _ackumulerat(tabeller).rows[0].cells][13] == "Prognos"
    assert _kontrollera_bredder(path) > 200
    _rubriker_hålls_ihop(path)


def test_ekonomi_utan_prognos_bredder_och_rubriker(utan_prognos):
    path = utan_prognos / "ekonomirapport_2025-02.docx"
    assert _kontrollera_bredder(path) > 100
    _rubriker_hålls_ihop(path)


def test_ks_rapportens_bredder_och_rubriker(tmp_path):
    konf = lös_inställningar(EXEMPEL / "kommunrapport.toml")
    r = ks_rapport_från_inställningar(konf.ekonomi, 8, 2024, "Äldrenämnden")
    skriv_ks_rapport(r, tmp_path)
    path = tmp_path / "rapport_till_ks_2024-08.docx"
    assert _kontrollera_bredder(path) > 20
    _rubriker_hålls_ihop(path)
    drift, investeringar = Document(path).tables  # the same headings: the same widths, one under the other
    assert [gc.w for gc in drift._tbl.tblGrid.gridCol_lst] == [gc.w for gc in investeringar._tbl.tblGrid.gridCol_lst]


@pytest.fixture(scope="module")
def volymer(exempelkörning):
    """The example's volume report, and the folder `kommunrapport volymer` wrote it to (the golden test's run,
    read-only)."""
    konf = lös_inställningar(EXEMPEL / "kommunrapport.toml")
    r = volymrapport_från_inställningar(konf.volymer, 2)
    körning = exempelkörning("volymer", "--month", "feb", "--json")
    assert körning.returncode == 0, körning.stderr
    return r, körning.ut


def test_volymrapporten_i_word_har_en_sida_per_område(volymer):
    r, ut = volymer
    path = ut / "volymrapport_2025-02.docx"
    doc = Document(path)
    assert len(r.avsnitt) == 4
    # the summary, then per area its main table and one chart
    assert len(doc.tables) == 1 + len(r.avsnitt)
    assert len(doc.inline_shapes) == len(r.avsnitt)
    assert sum(len(a.tabeller) for a in r.avsnitt) > 30  # … of the many tables that stay in the annex
    områden = [p for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert [p.text for p in områden] == [a.område for a in r.avsnitt]
    assert all(p.paragraph_format.page_break_before for p in områden)
    summa = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert summa[0][:2] == ["Område", "Mått"]
    assert ["Hemtjänst", "Beviljade timmar", "timmar", "summa", "40\u00a0444", "40\u00a0340", "\u2212104", "\u22120,3\u00a0%"] in summa
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Fler tabeller finns i Excelbilagan (bilaga_volymrapport_2025-02.xlsx)" in text
    assert _kontrollera_bredder(path) > 100
    _rubriker_hålls_ihop(path)


def test_en_lång_huvudtabell_visar_varavraderna_bara_i_bilagan(volymer):
    r, ut = volymer
    placeringar = next(a for a in r.avsnitt if a.område == "Placeringar")
    tabell, diagram, utan_varav = nämndsida(placeringar)
    assert len(placeringar.tabeller[0].data) > RADER_PÅ_SIDAN and utan_varav
    etiketter = list(tabell.data["Mått"])
    assert "Vårddygn barn och unga" in etiketter and not any("varav" in e for e in etiketter)
    # the varav rows per insats of vårddygn, placerade and kostnad (9 each), also those whose label has no 'varav'
    assert len(etiketter) == len(placeringar.tabeller[0].data) - 27
    assert not any(e.startswith(("Kostnad HVB", "Placerade HVB")) for e in etiketter)
    assert diagram is not None and diagram.typ == "linje" and diagram.titel == "Vårddygn barn och unga"
    hemtjänst = next(a for a in r.avsnitt if a.område == "Hemtjänst")
    tabell, _, utan_varav = nämndsida(hemtjänst)
    assert not utan_varav and "- varav utförda i egen regi" in list(tabell.data["Mått"])  # a short table keeps them
    doc = Document(ut / "volymrapport_2025-02.docx")
    assert "Varav-raderna och fler tabeller finns i Excelbilagan" in "\n".join(p.text for p in doc.paragraphs)


def test_urval_behåller_formaten():
    vy = Tabellvy("t", "T", pd.DataFrame({"Mått": ["a", "b", "c"], "v": [0.5, 2.0, 0.25]}), ["procent", "heltal", "procent"],
                  cellformat={(2, "v"): "tal1"})
    u = vy.urval([0, 2])
    assert list(u.data["Mått"]) == ["a", "c"] and u.format(0, "v") == "procent" and u.format(1, "v") == "tal1"


# ---------------------------------------------------------------- charts


def test_diagrammens_filnamn_är_korta_och_unika(volymer):
    r, ut = volymer
    namn = [d.filnamn for a in r.avsnitt for d in a.diagram]
    assert len(namn) == len(set(namn)) == 18
    assert "hemtjanst_utforda_timmar_2025-02.png" in namn
    assert "placeringar_varddygn_barn_unga_2025-02.png" in namn
    assert "aldrenamnden_an_beviljade_timmar_manad_2025-02.png" in namn
    assert all(re.fullmatch(r"[a-z0-9_]+_2025-02(_\d)?\.png", n) and len(n) <= 60 for n in namn), namn
    assert all((ut / n).exists() for n in namn)


def test_diagramnamn_och_dubbletter():
    assert diagramnamn("Ekonomiskt bistånd", "Utbetalt per hushåll och månad (kr)", "2025-02") == \
        "bistand_utbetalt_hushall_manad_kr_2025-02.png"
    lång = diagramnamn("Socialnämndens volymer 2022", "Antal pågående ärenden inom hälso- och sjukvård i hemmet", "2022-12")
    assert lång == "socialnamndens_antal_pagaende_arenden_halso_2022-12.png"
    d = [Diagram(diagramnamn("Hemtjänst", "Brukare", "2025-02"), "Brukare", "linje", pd.DataFrame()) for _ in range(3)]
    unika_diagramnamn(d)
    assert [x.filnamn for x in d] == ["hemtjanst_brukare_2025-02.png", "hemtjanst_brukare_2025-02_2.png",
                                      "hemtjanst_brukare_2025-02_3.png"]


def _linjedata(värden: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"Månad": ["jan", "feb", "mar"], "2025": värden[:3], "2024": värden[3:]})


def test_linjediagrammet_har_enheten_och_börjar_på_noll():
    fig = linjefigur(_linjedata([16_500, 17_000, float("nan"), 16_800, 17_200, 17_900]), "Utförda timmar", "timmar",
                     decimaler=0, nollinje=False, från_noll=True)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "timmar"
    assert ax.get_ylim()[0] == 0 and ax.get_ylim()[1] >= 17_900
    utan = linjefigur(_linjedata([16_500, 17_000, 17_100, 16_800, 17_200, 17_900]), "x", "", nollinje=False)
    assert utan.axes[0].get_ylabel() == "" and utan.axes[0].get_ylim()[0] > 10_000  # the ekonomi chart: as before
    negativ = linjefigur(_linjedata([-0.4, 0.7, -1.2, 0.1, 0.2, 0.3]), "Resultat", "mnkr", från_noll=True)
    assert negativ.axes[0].get_ylim()[0] < -1.2  # a result in mnkr can be negative: not cut at 0


def test_stapeldiagrammet_har_enheten_och_börjar_på_noll():
    data = pd.DataFrame({"Typ": ["HVB", "SiS"], "jan–feb 2024": [610, 51], "jan–feb 2025": [489, 135]})
    ax = stapelfigur_jämförelse(data, "Vårddygn per insats", "vårddygn").axes[0]
    assert ax.get_ylabel() == "vårddygn" and ax.get_ylim()[0] == 0


def test_volymrapportens_diagram_får_enheten_ur_diagrammet(tmp_path, monkeypatch):
    """render/volymer passes Diagram.enhet to the chart and asks for the y axis from 0."""
    from kommunrapport.render import charts

    anrop = []
    ritad = charts.linjediagram_per_månad

    def spion(*a, **k):
        anrop.append((a, k))
        return ritad(*a, **k)

    monkeypatch.setattr(charts, "linjediagram_per_månad", spion)
    konf = lös_inställningar(EXEMPEL / "kommunrapport.toml")
    r = volymrapport_från_inställningar(konf.volymer, 2, områden=["hemtjanst"])
    for a in r.avsnitt:
        for d in a.diagram:
            d.enhet = "timmar"
    skriv_volymrapport(r, tmp_path / "ut")
    assert len(anrop) == 3 and all(k["från_noll"] and a[2] == "timmar" for a, k in anrop)


def test_sidskriptet_hoppar_över_utan_libreoffice(tmp_path, monkeypatch, capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location("rendera_sidor", ROOT / "scripts" / "rendera_sidor.py")
    assert spec is not None and spec.loader is not None
    skript = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(skript)
    monkeypatch.setattr(skript.shutil, "which", lambda namn: "/usr/bin/pdftoppm" if namn == "pdftoppm" else None)
    assert skript.main(["--ut", str(tmp_path / "sidor")]) == 0
    assert capsys.readouterr().out.startswith("hoppar över: soffice (LibreOffice) finns inte")
    assert not (tmp_path / "sidor").exists()  # nothing written
