"""The written package: Markdown, charts, Excel annex; atomic writing; templates."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kommunrapport.api import ekonomirapport, skriv_ekonomirapport
from kommunrapport.errors import KonfigurationsFel
from kommunrapport.formatting import avrunda
from kommunrapport.settings import läs_konfiguration

EXEMPEL = Path(__file__).resolve().parents[1] / "examples" / "ekonomi"

pytestmark = pytest.mark.rita  # the charts are looked at: drawn for real


@pytest.fixture(scope="module")
def rapport():
    return ekonomirapport(EXEMPEL / "ekonomi_2024_2025.csv", EXEMPEL / "verksamheter.csv", månad=2,
                          nämnd="Äldrenämnden", kommentarer=EXEMPEL / "kommentarer.md",
                          volymkopplingar=läs_konfiguration(EXEMPEL.parent / "kommunrapport.toml",
                                                            miljö={}).ekonomi.volymkoppling)


@pytest.fixture(scope="module")
def paket(rapport, tmp_path_factory):
    ut = tmp_path_factory.mktemp("paket") / "ut"
    skriv_ekonomirapport(rapport, ut)
    return ut


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_package_files(paket):
    assert sorted(p.name for p in paket.iterdir()) == [
        "bilaga_ekonomirapport_2025-02.xlsx",
        "diagram_avvikelse_per_manad_2025-02.png",
        "diagram_avvikelse_per_verksamhet_2025-02.png",
        "diagram_ekonomisk_utveckling_2025-02.png",
        "diagram_volym_och_pris_hemtjanst_2025-02.png",
        "ekonomirapport_2025-02.docx",
        "ekonomirapport_2025-02.md",
    ]


@pytest.mark.parametrize("name", ["diagram_avvikelse_per_manad_2025-02.png", "diagram_avvikelse_per_verksamhet_2025-02.png",
                                  "diagram_ekonomisk_utveckling_2025-02.png",
                                  "diagram_volym_och_pris_hemtjanst_2025-02.png"])
def test_charts_are_png_of_the_expected_size(paket, name):
    path = paket / name
    assert png_size(path) == (800, 450)
    assert path.stat().st_size > 10_000  # lines, labels and text, not an empty canvas


def test_markdown_has_the_table_rows_and_comments(paket):
    text = (paket / "ekonomirapport_2025-02.md").read_text(encoding="utf-8")
    assert "# Ekonomirapport t.o.m. februari 2025" in text
    assert "| 2. Hemtjänst i ordinärt boende över/under 65 år | \u22120,3 | 2,3 |" in text
    assert "| **Ackumulerad budgetavvikelse 2025** | 3,8 | 13,3 |" in text
    assert "10,0 | 1\u00a0397,1 | 100\u00a0% |" in text
    assert "Beviljade timmar har minskat med 7,3 %" in text
    assert "![Ackumulerad budgetavvikelse per månad](diagram_avvikelse_per_manad_2025-02.png)" in text


def test_annex_has_every_table_as_numbers(paket):
    wb = load_workbook(paket / "bilaga_ekonomirapport_2025-02.xlsx")
    assert wb.sheetnames == ["Info", "Ackumulerat resultat", "Ekonomisk utveckling", "Nyckeltal", "Rapport till KS",
                             "Volym och pris hemtjanst", "Prognosförslag", "Prognosmetoder",
                             "Diagram avvikelse per månad", "Diagram avvikelse per verks."]
    ws = wb["Ackumulerat resultat"]
    header = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    total = rows["Ackumulerad budgetavvikelse 2025"]
    assert isinstance(total["feb"], float) and avrunda(total["feb"], 1) == 13.3
    assert total["mar"] is None
    assert avrunda(total["Årsbudget"], 1) == 1397.1
    assert avrunda(rows["Ackumulerad budgetavvikelse 2024"]["dec"], 1) == 20.5
    assert ws["D2"].number_format == "#,##0.0"
    diagram = wb["Diagram avvikelse per månad"]
    assert [c.value for c in diagram[1]] == ["Månad", "2025", "2024"]
    assert diagram["A3"].value == "feb" and avrunda(diagram["B3"].value, 1) == 13.3


def test_a_template_error_writes_nothing(rapport, tmp_path):
    mallar = tmp_path / "mallar"
    mallar.mkdir()
    (mallar / "ekonomirapport.md.j2").write_text("# {{ nämnd }} {{ finns_inte }}\n", encoding="utf-8")
    ut = tmp_path / "ut"
    with pytest.raises(KonfigurationsFel, match="finns_inte"):
        skriv_ekonomirapport(rapport, ut, mallar)
    assert not ut.exists()
    assert list(tmp_path.iterdir()) == [mallar]


def test_a_failure_while_writing_leaves_nothing(rapport, tmp_path, monkeypatch):
    import kommunrapport.render.annex as annex

    def boom(*a, **k):
        raise OSError("disken är full")

    monkeypatch.setattr(annex, "skriv_vyer", boom)
    ut = tmp_path / "a" / "b"
    with pytest.raises(OSError):
        skriv_ekonomirapport(rapport, ut)
    assert list(tmp_path.iterdir()) == []


def test_templates_cannot_run_code(rapport, tmp_path):
    mallar = tmp_path / "mallar"
    mallar.mkdir()
    (mallar / "ekonomirapport.md.j2").write_text(
        "{{ nämnd.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8")
    with pytest.raises(KonfigurationsFel, match="otillåten|finns inte"):
        skriv_ekonomirapport(rapport, tmp_path / "ut", mallar)


def test_out_that_is_a_file_is_a_clear_error(rapport, tmp_path):
    from kommunrapport.errors import KommunrapportFel

    (tmp_path / "fil").write_text("x")
    with pytest.raises(KommunrapportFel, match="är en fil, inte en mapp"):
        skriv_ekonomirapport(rapport, tmp_path / "fil")


def test_staging_happens_inside_an_existing_out_folder(rapport, tmp_path, monkeypatch):
    """An existing --out may be a mount point: the staging folder must be on the same file system."""
    import tempfile

    seen = []
    real = tempfile.mkdtemp

    def spy(*a, **k):
        seen.append(Path(k["dir"]))
        return real(*a, **k)

    monkeypatch.setattr(tempfile, "mkdtemp", spy)
    ut = tmp_path / "ut"
    ut.mkdir()
    skriv_ekonomirapport(rapport, ut)
    assert seen == [ut]
    assert [p.name for p in ut.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("text, fel", [
    ("## \nText under tom rubrik.\n", "rad 1: rubriken är tom"),
    ("#Prognos\nText\n", "rad 1: '#Prognos': en kommentar börjar med två #"),
    ("## hemtjanst\na\n## hemtjanst\nb\n", "rad 3: rubriken '## hemtjanst' finns två gånger"),
])
def test_comment_file_mistakes_are_errors(tmp_path, text, fel):
    from kommunrapport.errors import IndataFel
    from kommunrapport.input.comments import läs_kommentarer

    (tmp_path / "k.md").write_text(text, encoding="utf-8")
    with pytest.raises(IndataFel, match=fel):
        läs_kommentarer(tmp_path / "k.md")


def test_comments_in_word_keep_lists_and_drop_markdown_markers():
    from kommunrapport.render.word import stycke

    md = "Överskott beror på\nvakanser och **lägre** volymer.\n\n- punkt ett\n- punkt två\n"
    assert stycke(md) == "Överskott beror på vakanser och lägre volymer.\n• punkt ett\n• punkt två"
