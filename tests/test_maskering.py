"""The public version: small counts masked, with secondary suppression, in every output (issue 17).

The pure function (calc.maskering) is checked on hand-built tables by solving the relations: a masked
cell is recoverable exactly when every solution of the relations (given the cells shown) has the same
value in it, i.e. when the null space of the relations restricted to the masked cells is zero there.
The outputs are searched for the exact masked numbers: the .docx with python-docx, the annex with
openpyxl (every sheet), the JSON and the Markdown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from docx import Document

from conftest import kör_cli, kör_i_processen
from kommunrapport.calc.maskering import Relation, bestämda, primära, sekundära
from kommunrapport.input.volumes import läs_volymfil
from kommunrapport.render import charts
from kommunrapport.render.markdown import cell
from kommunrapport.reports.maskering import Maskerad, maskera, maskeringsskäl
from kommunrapport.reports.volymer import bygg_volymrapport

NBSP, MINUS = "\u00a0", "\u2212"


# --- the pure function on hand-built tables --------------------------------------------------------------

def återställbara(värden: dict, relationer: list[Relation], maskerade: set) -> set:
    """The masked cells that the relations give back, solved independently of the module: a cell is fixed
    when the null space of the system over the masked cells is zero in its coordinate."""
    celler = sorted(maskerade, key=repr)
    index = {c: i for i, c in enumerate(celler)}
    rader = []
    for r in relationer:
        rad = np.zeros(len(celler))
        for c, k in r.termer:
            if c in index:
                rad[index[c]] += k
        rader.append(rad)
    a = np.array(rader) if rader else np.zeros((0, len(celler)))
    # solve for the masked cells from the shown ones: one solution must exist (the true values) …
    b = np.array([-sum(k * värden[c] for c, k in r.termer if c not in index) for r in relationer])
    x, *_ = np.linalg.lstsq(a, b, rcond=None) if len(rader) else (np.zeros(len(celler)),)
    assert np.allclose(a @ x, b)
    # … and a cell is recovered when no direction of the null space moves it
    _, s, vt = np.linalg.svd(a) if len(rader) else (None, np.array([]), np.eye(len(celler)))
    rang = int((s > 1e-9).sum())
    noll = vt[rang:]
    return {c for c, i in index.items() if noll.shape[0] == 0 or np.allclose(noll[:, i], 0)}


def test_en_maskerad_cell_bredvid_en_total_far_en_andra_den_minsta():
    # Total 38 = A 3 + B 20 + C 15: A (3 < 5) is masked; shown, B and the total give A = 38 − 20 − 15.
    värden = {"A": 3.0, "B": 20.0, "C": 15.0, "T": 38.0}
    rel = [Relation.summa("T", ["A", "B", "C"])]
    prim = primära(värden, 5)
    assert prim == {"A"}
    assert återställbara(värden, rel, prim) == {"A"}  # the test can fail: the primary alone is recoverable
    m = sekundära(värden, rel, prim)
    assert m == {"A", "C"}  # the smallest other cell, 15
    assert återställbara(värden, rel, m) == set()


def test_varavrad_i_en_tabell_med_rad_och_kolumnsummor():
    # Three varav rows × three months, each row's period sum, each month's total and the grand total.
    tal = {("HVB", 1): 4, ("HVB", 2): 30, ("HVB", 3): 31,
           ("Fam", 1): 60, ("Fam", 2): 62, ("Fam", 3): 65,
           ("Jour", 1): 12, ("Jour", 2): 9, ("Jour", 3): 14}
    värden = {k: float(v) for k, v in tal.items()}
    rader, mån = ["HVB", "Fam", "Jour"], [1, 2, 3]
    for r in rader:
        värden[(r, "summa")] = sum(värden[(r, m)] for m in mån)
    for m in mån:
        värden[("Totalt", m)] = sum(värden[(r, m)] for r in rader)
    värden[("Totalt", "summa")] = sum(värden[("Totalt", m)] for m in mån)
    rel = [Relation.summa((r, "summa"), [(r, m) for m in mån]) for r in [*rader, "Totalt"]]
    rel += [Relation.summa(("Totalt", m), [(r, m) for r in rader]) for m in [*mån, "summa"]]
    prim = primära(värden, 5, [k for k in värden if k[0] != "Totalt"])
    assert prim == {("HVB", 1)}
    m = sekundära(värden, rel, prim, {c: (1, 4) for c in prim})
    assert återställbara(värden, rel, m) == set()
    assert all(sum(c in m for c in r.celler) != 1 for r in rel)  # every relation: none or at least two
    assert bestämda(rel, m) == set()
    assert len(m) == 4  # a rectangle: the fewest that protect a cell in a table with both sums
    assert ("Jour", 1) in m and ("HVB", 2) in m  # the smallest in its column (12) and then in its row (30)


def test_ackumulerad_serie_och_medelvarde():
    # Months x1..x4 (x2 = 2 is masked), the accumulation from January and the mean of the months.
    x = {1: 12.0, 2: 2.0, 3: 15.0, 4: 11.0}
    värden = {("x", m): v for m, v in x.items()}
    värden |= {("ack", m): sum(x[k] for k in range(1, m + 1)) for m in x}
    värden[("snitt",)] = sum(x.values()) / 4
    rel = [Relation((( ("ack", 1), 1.0), (("x", 1), -1.0)))]
    rel += [Relation(((("ack", m), 1.0), (("ack", m - 1), -1.0), (("x", m), -1.0))) for m in (2, 3, 4)]
    rel.append(Relation.summa(("snitt",), [("x", m) for m in x], medel=True))
    prim = primära(värden, 5, [("x", m) for m in x])
    assert prim == {("x", 2)}
    m = sekundära(värden, rel, prim)
    assert återställbara(värden, rel, m) == set()
    # ack feb − ack jan gives x2: one of them must go, and the mean of the months too (or another month)
    assert {("ack", 1), ("ack", 2)} & m or {("x", 1)} & m


def test_forandring_och_procent_relation():
    # now 3 (masked), last year 8, change −5: the change gives now back unless it is masked too.
    värden = {"nu": 3.0, "fg": 8.0, "förändring": -5.0}
    rel = [Relation(((("förändring"), 1.0), ("nu", -1.0), ("fg", 1.0)))]
    m = sekundära(värden, rel, primära(värden, 5, ["nu", "fg"]))
    assert "förändring" in m and återställbara(värden, rel, m) == set()


def test_granser_laser_inte_fast_tva_maskerade():
    # T 18 = A 4 + B 4 + C 10: A and B are both "<5", and A + B = 8 leaves only 4 and 4: one more is masked.
    värden = {"A": 4.0, "B": 4.0, "C": 10.0, "T": 18.0}
    rel = [Relation.summa("T", ["A", "B", "C"])]
    prim = primära(värden, 5, ["A", "B", "C"])
    assert prim == {"A", "B"}
    assert sekundära(värden, rel, prim) == {"A", "B"}  # without bounds the pair looks safe
    m = sekundära(värden, rel, prim, {c: (1, 4) for c in prim})
    assert "C" in m


def test_noll_och_tomma_celler_maskeras_inte():
    assert primära({"a": 0.0, "b": float("nan"), "c": 4.0, "d": 5.0}, 5) == {"c"}


# --- the volume report: which series, which cells ---------------------------------------------------------

SERIER = ["Placerade barn", "- varav HVB", "- varav Familjehem", "- varav Jourhem", "Utförda timmar",
          "Kostnad placeringar (kr)"]


def _värden(serie: str, år: int, månad: int) -> float:
    i = (år - 2024) * 12 + månad
    hvb = 2 if (år, månad) == (2025, 1) else 25 + i % 9  # 25..33; January 2025: 2, below 20
    jour = 57 if (år, månad) == (2025, 1) else [40, 41, 42, 44, 45, 46, 47, 48][i % 8]
    fam = 120 + i % 13
    return {"Placerade barn": hvb + jour + fam, "- varav HVB": hvb, "- varav Familjehem": fam,
            "- varav Jourhem": jour, "Utförda timmar": 12_000 + 37 * i, "Kostnad placeringar (kr)": 1_000_000 + 7_919 * i}[serie]


def _skriv_data(mapp: Path) -> Path:
    rader = ["Serie;År;Månad;Värde;Enhet"]
    for s in SERIER:
        enhet = {"Utförda timmar": "timmar", "Kostnad placeringar (kr)": "kr"}.get(s, "personer")
        for år, sista in ((2024, 12), (2025, 2)):
            for m in range(1, sista + 1):
                rader.append(f"{s};{år};{m};{_värden(s, år, m)};{enhet}")
    fil = mapp / "placeringar_lang.csv"
    fil.write_text("\n".join(rader) + "\n", encoding="utf-8")
    return fil


@pytest.fixture(scope="module")
def rapporter(tmp_path_factory):
    """Built once for the module: the tests only read the two reports (`maskera` leaves `intern` as it
    was, which test_interna_rapporten_ar_orord checks)."""
    data = läs_volymfil(_skriv_data(tmp_path_factory.mktemp("maskering")), område="Placeringar")
    intern = bygg_volymrapport(data, 2, 2025)
    return intern, maskera(intern, 20)


def _tabell(r, namn):
    return next(t for a in r.avsnitt for t in a.tabeller if t.namn == namn)


def test_vilka_serier_som_maskeras(rapporter):
    intern, publik = rapporter
    defs = {d.namn: d for d in intern.underlag[0].definitioner}
    assert maskeringsskäl(defs["Placerade barn"], []) == "antal personer"
    assert maskeringsskäl(defs["- varav HVB"], []) == "antal personer"
    assert maskeringsskäl(defs["Utförda timmar"], []) is None  # hours: only when configured
    assert maskeringsskäl(defs["Kostnad placeringar (kr)"], []) is None  # money: only when configured
    assert maskeringsskäl(defs["Kostnad placeringar (kr)"], ["kr"]) == "[publik] maskera"
    serier = publik.serier.data.set_index("Serie")["Maskering"]
    assert serier["- varav HVB"] == "ja, antal personer: 1–19 maskeras"
    assert serier["Kostnad placeringar (kr)"] == "nej (flöde, kr)"


def test_primar_och_sekundar_maskering_i_manadstabellen(rapporter):
    intern, publik = rapporter
    t = _tabell(publik, "Placeringar per månad").data.set_index(["Mått", "Månad"])
    ti = _tabell(intern, "Placeringar per månad").data.set_index(["Mått", "Månad"])
    assert t.loc[("- varav HVB", "jan"), "2025"] == "<20"  # 7
    assert isinstance(t.loc[("- varav HVB", "jan"), "2025"], Maskerad)
    assert t.loc[("- varav Jourhem", "jan"), "2025"] == "–"  # 57: secondary, the smallest other varav row
    assert t.loc[("- varav HVB", "jan"), "Förändring"] == "–" and t.loc[("- varav HVB", "jan"), "Förändring %"] == "–"
    assert t.loc[("Placerade barn", "jan"), "2025"] == ti.loc[("Placerade barn", "jan"), "2025"]  # the total stays
    assert t.loc[("- varav Familjehem", "jan"), "2025"] == ti.loc[("- varav Familjehem", "jan"), "2025"]
    # the total minus the varav rows shown leaves two masked unknowns: 2 + 57 = 59, not one value
    rest = t.loc[("Placerade barn", "jan"), "2025"] - t.loc[("- varav Familjehem", "jan"), "2025"]
    assert rest == 59
    # money and hours unchanged everywhere
    for namn in ("Utförda timmar", "Kostnad placeringar (kr)"):
        kol = ["2024", "2025", "Förändring", "Förändring %"]
        assert (t.loc[namn, kol].astype(float).fillna(-1) == ti.loc[namn, kol].astype(float).fillna(-1)).all().all()


def test_harledda_celler_ar_maskerade(rapporter):
    _, publik = rapporter
    j = _tabell(publik, "Placeringar jämförelse").data.set_index("Mått")
    # jan–feb 2025 of HVB: (2 + 30) / 2 = 16 → "<20"; of Jourhem the mean contains the secondary 57 → "–"
    assert j.loc["- varav HVB", "jan–feb 2025"] == "<20"
    assert j.loc["- varav Jourhem", "jan–feb 2025"] == "–"
    assert j.loc["- varav HVB", "Förändring"] == "–"
    assert not isinstance(j.loc["- varav HVB", "jan–feb 2024"], str)  # last year's period has no masked month
    s = _tabell(publik, "Placeringar årssnitt").data.set_index("Mått")
    assert s.loc["- varav HVB", "2025"] == "<20" and s.loc["- varav Jourhem", "2025"] == "–"


def test_interna_rapporten_ar_orord(rapporter):
    intern, _ = rapporter
    t = _tabell(intern, "Placeringar per månad").data.set_index(["Mått", "Månad"])
    assert t.loc[("- varav HVB", "jan"), "2025"] == 2 and t.loc[("- varav Jourhem", "jan"), "2025"] == 57


# --- every output searched for the masked numbers ---------------------------------------------------------

def _maskerade_tal(intern, publik) -> tuple[set[float], set[str]]:
    """The internal values of every masked cell (as numbers and as a person reads them) that the public
    version does not show legitimately elsewhere."""
    visade_tal, visade_text = set(), set()
    for a in publik.avsnitt:
        for t in a.tabeller:
            for i, rec in enumerate(t.data.itertuples(index=False)):
                for v, c in zip(rec, t.data.columns):
                    if not isinstance(v, str) and v == v:
                        visade_tal.add(round(float(v), 6))
                        visade_text.add(cell(v, t.format(i, c), t.plustecken(c)))
    tal, text = set(), set()
    for ai, ap in zip(intern.avsnitt, publik.avsnitt):
        for ti, tp in zip(ai.tabeller, ap.tabeller):
            for i in range(len(tp.data)):
                for c in tp.data.columns:
                    if isinstance(tp.data.at[i, c], Maskerad):
                        v = float(ti.data.at[i, c])
                        if round(v, 6) not in visade_tal:
                            tal.add(round(v, 6))
                        if (s := cell(v, ti.format(i, c), ti.plustecken(c))) not in visade_text:
                            text.add(s)
    return tal, text


def _ord(text: str) -> set[str]:
    return set(re.split(r"[ |\t\n*()]+", text))  # a no-break space stays inside a number: 1 037, 5,6 %


def test_inga_maskerade_tal_i_nagon_utdata(tmp_path, capsys, monkeypatch):
    fil = _skriv_data(tmp_path)
    konfig = tmp_path / "k.toml"
    konfig.write_text(f'namnd = "Socialnämnden"\n[volymer]\nserier = ["{fil.name}"]\n[publik]\nmaskera_under = 20\n',
                      encoding="utf-8")
    ritade: dict[str, object] = {}

    def rita(data, titel, *args, **kwargs):  # the data each chart is drawn from, and a blank picture
        from PIL import Image

        sökväg = next(a for a in (*args, *kwargs.values()) if isinstance(a, Path))
        ritade[sökväg.name] = data.copy()
        Image.new("RGB", (80, 45), "white").save(sökväg, format="PNG")

    monkeypatch.setattr(charts, "linjediagram_per_månad", rita)
    monkeypatch.setattr(charts, "stapeldiagram_jämförelse", rita)
    kod, ut, fel = kör_i_processen(capsys, "volymer", "--month", "2025-02", "--config", str(konfig), "--out",
                                   str(tmp_path / "ut"), "--json")
    assert kod == 0, fel
    mapp = tmp_path / "ut"
    data = läs_volymfil(fil)
    intern = bygg_volymrapport(data, 2, 2025)
    publik = maskera(intern, 20)
    tal, text = _maskerade_tal(intern, publik)
    assert {2.0, 57.0, 16.0} <= tal and {"2", "57", "16,0"} <= text  # the search can find something

    # Markdown
    md = (mapp / "volymrapport_2025-02.md").read_text(encoding="utf-8")
    assert not (text & _ord(md)), text & _ord(md)
    assert "<20" in md and "Publik version" in md
    # Word: every table cell and paragraph
    doc = Document(str(mapp / "volymrapport_2025-02.docx"))
    ord_ = set()
    for p in doc.paragraphs:
        ord_ |= _ord(p.text)
    for t in doc.tables:
        for rad in t.rows:
            for c in rad.cells:
                ord_ |= _ord(c.text)
    assert "<20" in ord_ and not (text & ord_), text & ord_
    # the annex: every sheet, every cell; no hidden sheet, no formula (no cached value)
    wb = openpyxl.load_workbook(mapp / "bilaga_volymrapport_2025-02.xlsx")
    for ws in wb.worksheets:
        assert ws.sheet_state == "visible"
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f"
                if isinstance(c.value, (int, float)):
                    assert round(float(c.value), 6) not in tal, (ws.title, c.coordinate, c.value)
                elif isinstance(c.value, str):
                    assert not (text & _ord(c.value)), (ws.title, c.coordinate, c.value)
    assert "Maskering" in [c.value for c in wb["Serier"][1]]
    # JSON: masked cells null and named under "maskerad"
    doc_json = json.loads(ut)
    siffror: list[float] = []

    def gå(x):
        if isinstance(x, dict):
            for v in x.values():
                gå(v)
        elif isinstance(x, list):
            for v in x:
                gå(v)
        elif isinstance(x, (int, float)) and not isinstance(x, bool):
            siffror.append(round(float(x), 6))

    gå(doc_json["avsnitt"])
    assert not (set(siffror) & tal)
    tabeller = doc_json["avsnitt"][0]["tabeller"]
    rader = next(v for k, v in tabeller.items() if k.endswith("per månad"))
    hvb = next(r for r in rader if r["Mått"] == "- varav HVB" and r["Månad"] == "jan")
    assert hvb["2025"] is None and hvb["maskerad"]["2025"] == "<20"
    assert "maskering" in doc_json
    # charts: no point for a masked month in the public chart, the internal one has it
    namn = next(n for n in ritade if "placerade_barn" in n and not n.endswith("_intern.png"))
    publikt, internt = ritade[namn], ritade[namn.replace(".png", "_intern.png")]
    assert internt.loc[0, "2025"] == 2 + 57 + _värden("- varav Familjehem", 2025, 1)  # the total is a line
    assert publikt.loc[0, "2025"] == internt.loc[0, "2025"]  # the total is shown
    for namn, x in ritade.items():  # no chart has a masked value
        if not namn.endswith("_intern.png"):
            assert not (set(x.iloc[:, 1:].round(6).stack()) & tal), namn
    # the internal version beside it
    assert (mapp / "volymrapport_2025-02_intern.docx").exists()
    assert "57" in _ord((mapp / "volymrapport_2025-02_intern.md").read_text(encoding="utf-8"))


def test_intern_version_ar_samma_som_utan_publik(tmp_path):
    fil = _skriv_data(tmp_path)
    bas = ("volymer", "--month", "2025-02", "--serier", fil)
    a = kör_cli(*bas, "--out", tmp_path / "a", cwd=tmp_path)
    b = kör_cli(*bas, "--out", tmp_path / "b", "--publik", cwd=tmp_path)
    assert a.returncode == 0 and b.returncode == 0, b.stderr
    md_a = (tmp_path / "a" / "volymrapport_2025-02.md").read_text(encoding="utf-8")
    md_b = (tmp_path / "b" / "volymrapport_2025-02_intern.md").read_text(encoding="utf-8")
    assert md_b.replace("_intern.png", ".png") == md_a
    wa = openpyxl.load_workbook(tmp_path / "a" / "bilaga_volymrapport_2025-02.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "b" / "bilaga_volymrapport_2025-02_intern.xlsx")
    assert wa.sheetnames == wb.sheetnames
    for namn in wa.sheetnames:
        va = [[c.value for c in r] for r in wa[namn].iter_rows()]
        vb = [[c.value for c in r] for r in wb[namn].iter_rows()]
        if namn == "Info":  # the internal one says that it is internal
            vb = [r for r in vb if r[0] != "Intern version"]
        assert va == vb, namn
    def word_text(fil: Path) -> list[str]:
        d = Document(str(fil))
        return [p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells]

    intern_word = [x.replace("_intern.xlsx", ".xlsx") for x in word_text(tmp_path / "b" / "volymrapport_2025-02_intern.docx")]
    assert intern_word == word_text(tmp_path / "a" / "volymrapport_2025-02.docx")  # it names its own annex
    # the default threshold 5 masks the 2 (and the 57 beside it), the public report is beside the internal one
    md_pub = (tmp_path / "b" / "volymrapport_2025-02.md").read_text(encoding="utf-8")
    assert "| <5 |" in md_pub and "| 57 |" not in md_pub and "| 57 |" in md_b


def test_publik_fran_miljon_och_toml(tmp_path):
    from kommunrapport.settings import lös_inställningar

    konfig = tmp_path / "k.toml"
    konfig.write_text('[publik]\nmaskera_under = 3\nmarkering = "–"\nmaskera = ["kr", "Utförda timmar"]\n', encoding="utf-8")
    k = lös_inställningar(konfig, None, {})
    assert k.publicera is not None and k.publicera.märke == "–" and k.publicera.maskera == ["kr", "Utförda timmar"]
    assert lös_inställningar(konfig, None, {"KOMMUNRAPPORT_PUBLIK": "nej"}).publicera is None  # env > TOML
    assert lös_inställningar(None, None, {}).publicera is None  # default: internal only
    k = lös_inställningar(None, {"publik": True}, {"KOMMUNRAPPORT_PUBLIK_MASKERA_UNDER": "10"})
    assert k.publicera is not None and k.publicera.maskera_under == 10 and k.publicera.märke == "<10"
    k = lös_inställningar(konfig, {"publik": True}, {"KOMMUNRAPPORT_PUBLIK": "nej"})  # flag > env
    assert k.publicera is not None and k.publicera.maskera_under == 3


def test_fel_markering_och_grans(tmp_path):
    from kommunrapport.errors import KonfigurationsFel
    from kommunrapport.settings import lös_inställningar

    konfig = tmp_path / "k.toml"
    konfig.write_text('[publik]\nmarkering = "3"\n', encoding="utf-8")
    with pytest.raises(KonfigurationsFel, match="inte ett tal"):
        lös_inställningar(konfig, None, {})
    konfig.write_text('[publik]\nmaskera_under = 1\n', encoding="utf-8")
    with pytest.raises(KonfigurationsFel, match="heltal från 2"):
        lös_inställningar(konfig, None, {})


def test_ett_omrade_dar_allt_ar_maskerat(tmp_path):
    # Every value of a small area is below the threshold: the area is in the public report, every number masked.
    rader = ["Serie;År;Månad;Värde;Enhet"]
    for år, sista in ((2024, 12), (2025, 2)):
        for m in range(1, sista + 1):
            rader.append(f"Placerade SiS;{år};{m};{1 + m % 3};personer")
    fil = tmp_path / "sis.csv"
    fil.write_text("\n".join(rader) + "\n", encoding="utf-8")
    intern = bygg_volymrapport(läs_volymfil(fil, område="SiS"), 2, 2025)
    publik = maskera(intern, 5)
    for t in publik.avsnitt[0].tabeller:
        for i in range(len(t.data)):
            for c in t.data.columns:
                v = t.data.at[i, c]
                assert isinstance(v, str) or v != v or t.format(i, c) == "text", (t.namn, c, v)
    for d in publik.avsnitt[0].diagram:
        assert d.data.iloc[:, 1:].isna().all().all()
    per_månad = _tabell(publik, "SiS per månad").data
    assert list(per_månad["2025"]) == ["<5", "<5"]


@pytest.mark.usefixtures("word_som_kopia_av_mallen")  # the Markdown is looked at; Word in test_inga_maskerade_tal…
def test_kor_med_publik(tmp_path):
    fil = _skriv_data(tmp_path)
    konfig = tmp_path / "k.toml"
    konfig.write_text(f'ut = "ut"\n[volymer]\nserier = ["{fil.name}"]\n[kor]\nstangd_tom = "2025-02"\n', encoding="utf-8")
    r = kör_cli("kör", "--config", konfig, "--month", "2025-02", "--publik", "--quiet", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    mapp = tmp_path / "ut" / "2025-02"
    assert {"volymrapport_2025-02.md", "volymrapport_2025-02_intern.md", "bilaga_volymrapport_2025-02.xlsx",
            "bilaga_volymrapport_2025-02_intern.xlsx", "volymrapport_2025-02_intern.docx"} <= {p.name for p in mapp.iterdir()}
    assert "| <5 |" in (mapp / "volymrapport_2025-02.md").read_text(encoding="utf-8")
    assert "| <5 |" not in (mapp / "volymrapport_2025-02_intern.md").read_text(encoding="utf-8")


def test_fel_varde_i_miljon_namner_variabeln():
    from kommunrapport.errors import KonfigurationsFel
    from kommunrapport.settings import lös_inställningar

    with pytest.raises(KonfigurationsFel, match="miljövariabeln KOMMUNRAPPORT_PUBLIK ska vara true eller false"):
        lös_inställningar(None, None, {"KOMMUNRAPPORT_PUBLIK": "kanske"})


def test_arssnitt_som_rakas_bli_lika_utan_den_maskerade_manaden(tmp_path):
    # B is 50 in January and February 2025; January's B is masked beside A's 2. The mean of the months
    # there are without January is also 50: shown, it would give January back (2 × 50 − 50) and through the
    # total A's 2. The build with the masked months changed finds it.
    rader = ["Serie;År;Månad;Värde;Enhet"]
    for år, sista in ((2024, 12), (2025, 2)):
        for m in range(1, sista + 1):
            a = 2 if (år, m) == (2025, 1) else 30 + m
            b = 50 if år == 2025 else 60 + m
            rader += [f"Hushåll;{år};{m};{a + b};hushåll", f"- varav A;{år};{m};{a};hushåll",
                      f"- varav B;{år};{m};{b};hushåll"]
    fil = tmp_path / "h.csv"
    fil.write_text("\n".join(rader) + "\n", encoding="utf-8")
    intern = bygg_volymrapport(läs_volymfil(fil, område="Bistånd"), 2, 2025)
    publik = maskera(intern, 5)
    m = _tabell(publik, "Bistånd per månad").data.set_index(["Mått", "Månad"])
    assert m.loc[("- varav A", "jan"), "2025"] == "<5" and m.loc[("- varav B", "jan"), "2025"] == "–"
    assert m.loc[("- varav B", "feb"), "2025"] == 50
    s = _tabell(publik, "Bistånd årssnitt").data.set_index("Mått")
    assert _tabell(intern, "Bistånd årssnitt").data.set_index("Mått").loc["- varav B", "2025"] == 50
    assert s.loc["- varav B", "2025"] == "–"


def test_timmar_maskeras_bara_nar_konfigurationen_sager_det(rapporter):
    intern, utan = rapporter
    ti = _tabell(intern, "Placeringar per månad").data.set_index(["Mått", "Månad"])
    assert _tabell(utan, "Placeringar per månad").data.set_index(["Mått", "Månad"]).loc[("Utförda timmar", "jan"), "2024"] == 12_037
    med = maskera(intern, 12_100, maskera_även=["Utförda timmar"])
    t = _tabell(med, "Placeringar per månad").data.set_index(["Mått", "Månad"])
    assert ti.loc[("Utförda timmar", "jan"), "2024"] == 12_037
    assert t.loc[("Utförda timmar", "jan"), "2024"] == "<12100"  # 12 037 is below 12 100
    assert t.loc[("Utförda timmar", "jan"), "2025"] == ti.loc[("Utförda timmar", "jan"), "2025"]  # 12 481: shown
    assert t.loc[("Kostnad placeringar (kr)", "jan"), "2025"] == ti.loc[("Kostnad placeringar (kr)", "jan"), "2025"]
    assert med.serier.data.set_index("Serie").loc["Utförda timmar", "Maskering"] == "ja, [publik] maskera: 1–12099 maskeras"


def test_markering_streck(rapporter):
    intern, _ = rapporter
    publik = maskera(intern, 20, "–")
    t = _tabell(publik, "Placeringar per månad").data.set_index(["Mått", "Månad"])
    assert t.loc[("- varav HVB", "jan"), "2025"] == "–" and t.loc[("- varav Jourhem", "jan"), "2025"] == "–"
    assert publik.maskering.startswith("Publik version: antal personer, brukare och hushåll 1–19 är ersatta med –, "
                                       "liksom uppgifter som är dolda för att")
