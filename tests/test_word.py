"""Word reports: they open, carry the same numbers as Markdown, and templates edited in Word work."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from kommunrapport.api import ekonomirapport, skriv_ekonomirapport, skriv_volymrapport, volymrapport
from kommunrapport.errors import KonfigurationsFel
from kommunrapport.input.volumes import läs_volymserier
from kommunrapport.render.word import rendera_word
from kommunrapport.settings import läs_konfiguration

ROOT = Path(__file__).resolve().parents[1]
EXEMPEL = ROOT / "examples"


@pytest.fixture(scope="module")
def rapport():
    e = EXEMPEL / "ekonomi"
    return ekonomirapport(e / "ekonomi_2024_2025.xlsx", e / "verksamheter.csv", månad=2, nämnd="Äldrenämnden",
                          kommentarer=e / "kommentarer.md",
                          volymkopplingar=läs_konfiguration(EXEMPEL / "kommunrapport.toml", miljö={}).ekonomi.volymkoppling)


@pytest.fixture(scope="module")
def paket(exempelkörning):
    """The example's ekonomi report for February as `kommunrapport ekonomi` wrote it (the golden test's run,
    read-only; the same report as `rapport`: the .xlsx export, its comments and volume links)."""
    körning = exempelkörning("ekonomi", "--month", "feb", "--json")
    assert körning.returncode == 0, körning.stderr
    return körning.ut


def rader(table) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in table.rows]


def markdown_rader(text: str, rubrik: str) -> list[list[str]]:
    block = text.split(rubrik, 1)[1].split("\n\n", 2)[1]
    out = []
    for line in block.splitlines()[2:]:
        out.append([c.strip().strip("*") for c in line.strip("|").split("|")])
    return out


def tabell_med(doc, *rubriker: str) -> list[list[str]]:
    """The rows of the first table in the document whose header row starts with `rubriker`."""
    return next(t for t in map(rader, doc.tables) if t and t[0][:len(rubriker)] == list(rubriker))


def test_ekonomi_docx_has_the_published_table_as_word_rows(paket):
    doc = Document(paket / "ekonomirapport_2025-02.docx")
    t = tabell_med(doc, "Verksamhet", "jan")
    assert t[0][:3] == ["Verksamhet", "jan", "feb"]
    hemtjanst = next(r for r in t if r[0].startswith("2. Hemtjänst"))
    assert hemtjanst[1:3] == ["\u22120,3", "2,3"] and hemtjanst[13:] == ["6,0", "524,1", "38\u00a0%"]
    total = next(r for r in t if r[0] == "Ackumulerad budgetavvikelse 2025")
    assert total[1:3] == ["3,8", "13,3"] and total[14] == "1\u00a0397,1"
    assert len(t) == 1 + 9 + 2
    # both charts, and those of Ekonomisk utveckling and the volume and price effects of hemtjänsten
    assert len(doc.inline_shapes) == 4
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "är +13,3 mnkr vilket är en positiv budgetavvikelse" in text
    assert "Beviljade timmar har minskat med 7,3 % jämfört med samma period 2024, vilket ger ett överskott." in text
    assert "{{" not in text and "{%" not in text


def test_word_and_markdown_carry_the_same_numbers(paket):
    doc = Document(paket / "ekonomirapport_2025-02.docx")
    md = (paket / "ekonomirapport_2025-02.md").read_text(encoding="utf-8")
    word = tabell_med(doc, "Verksamhet", "jan")[1:]
    assert [r[:16] for r in markdown_rader(md, "## Ackumulerat resultat (mnkr)")] == [r[:16] for r in word]
    utveckling = tabell_med(doc, "Månad", "Budget 2025")[1:]
    assert len(utveckling) == 12
    assert all("| " + " | ".join(r) + " |" in md.splitlines() for r in utveckling)
    assert utveckling[1] == ["feb", "233,2", "223,7", "219,9", "4,3\u00a0%", "\u22121,7\u00a0%"]
    ks_word = tabell_med(doc, "", "Budget jan–feb 2025")[1:]
    ks_md = markdown_rader(md, "## Rapport till kommunstyrelsen (mnkr)")
    assert [r[:8] for r in ks_md] == [r[:8] for r in ks_word]
    assert ks_word[2][3] == "13,3"


def test_volume_docx_opens_with_tables_and_images(tmp_path):
    r = volymrapport([läs_volymserier(EXEMPEL / "volymer" / "an_volymer_2020_2025.xlsx")], 2)
    skriv_volymrapport(r, tmp_path, nämnd="Äldrenämnden")
    doc = Document(tmp_path / "volymrapport_2025-02.docx")
    assert len(doc.tables) == 1  # one area: its main table and one chart; the rest is in the annex
    jämf = rader(doc.tables[0])
    beviljade = next(x for x in jämf if x[0] == "ÄN beviljade timmar/månad")
    assert beviljade[1:] == ["timmar", "summa", "153\u00a0451", "142\u00a0241", "\u221211\u00a0210", "\u22127,3\u00a0%"]
    assert len(doc.inline_shapes) == 1
    assert not any(p.paragraph_format.page_break_before for p in doc.paragraphs)  # one area: on the first page


def _mall(path: Path, *stycken: list[str]) -> Path:
    """A template whose paragraphs are made of the given runs, as Word splits text while editing."""
    doc = Document()
    for runs in stycken:
        p = doc.add_paragraph()
        for i, r in enumerate(runs):
            run = p.add_run(r)
            run.bold = i % 2 == 1  # different formatting: Word keeps such runs apart
    doc.save(path)
    return path


def test_a_tag_split_across_runs_by_word_still_renders(tmp_path):
    mall = _mall(tmp_path / "mall.docx", ["Nämnd: {{ nä", "mnd }}", " år {", "{ år }}"], ["{%p if år > 2000 %}"],
                 ["ja"], ["{%p endif %}"])
    rendera_word(mall, lambda doc: {"nämnd": "Äldrenämnden", "år": 2025}, tmp_path / "ut.docx")
    text = [p.text for p in Document(tmp_path / "ut.docx").paragraphs]
    assert text == ["Nämnd: Äldrenämnden år 2025", "ja"]


def test_an_unknown_field_names_the_template_and_the_field(tmp_path):
    mall = _mall(tmp_path / "mall.docx", ["{{ nämnd }} {{ finns_", "inte }}"])
    with pytest.raises(KonfigurationsFel) as e:
        rendera_word(mall, lambda doc: {"nämnd": "x"}, tmp_path / "ut.docx")
    assert str(e.value) == "mallen mall.docx: fältet 'finns_inte' finns inte"
    assert not (tmp_path / "ut.docx").exists()


def test_a_syntax_error_points_at_the_tag(tmp_path):
    mall = _mall(tmp_path / "mall.docx", ["Före"], ["{%p for rad in %}"], ["{{ rad }}"], ["{%p endfor %}"])
    with pytest.raises(KonfigurationsFel, match=r"mallen mall.docx: syntaxfel i en tagg \(taggen \{% for rad in %\}\)"):
        rendera_word(mall, lambda doc: {}, tmp_path / "ut.docx")


def test_a_word_template_cannot_reach_python(tmp_path):
    mall = _mall(tmp_path / "mall.docx", ["{{ nämnd.__class__.__mro__[1].__subclasses__() }}"])
    with pytest.raises(KonfigurationsFel, match="otillåten|finns inte"):
        rendera_word(mall, lambda doc: {"nämnd": "x"}, tmp_path / "ut.docx")


def test_the_kommuns_own_broken_word_template_writes_nothing(rapport, tmp_path):
    mallar = tmp_path / "mallar"
    mallar.mkdir()
    _mall(mallar / "ekonomirapport.docx", ["{{ inledning }} {{ saknas }}"])
    with pytest.raises(KonfigurationsFel, match="ekonomirapport.docx: fältet 'saknas' finns inte"):
        skriv_ekonomirapport(rapport, tmp_path / "ut", mallar)
    assert not (tmp_path / "ut").exists()
    (mallar / "ekonomirapport.docx").write_bytes(b"not a zip")
    with pytest.raises(KonfigurationsFel, match="kan inte läsas som Word-dokument"):
        skriv_ekonomirapport(rapport, tmp_path / "ut", mallar)


def test_the_kommuns_own_word_template_is_used(rapport, tmp_path):
    mallar = tmp_path / "mallar"
    mallar.mkdir()
    _mall(mallar / "ekonomirapport.docx", ["Till nämnden: ", "{{ inledning }}"])
    skriv_ekonomirapport(rapport, tmp_path / "ut", mallar)
    doc = Document(tmp_path / "ut" / "ekonomirapport_2025-02.docx")
    assert doc.paragraphs[0].text.startswith("Till nämnden: Nämndens budgetavvikelse")


def test_init_writes_a_starter_kit_that_runs_with_the_kommuns_own_templates(tmp_path):
    import shutil

    from kommunrapport import runner
    from kommunrapport.api import init
    from kommunrapport.errors import KommunrapportFel

    kit = tmp_path / "kommun"
    skrivna = init(kit, "Socialnämnden")
    assert {p.relative_to(kit).as_posix() for p in skrivna} == {
        "kommunrapport.toml", "verksamheter.csv", "kommentarer.md", "mallar/ekonomirapport.md.j2",
        "mallar/ekonomirapport.docx", "mallar/volymrapport.md.j2", "mallar/volymrapport.docx",
        "mallar/rapport_till_ks.md.j2", "mallar/rapport_till_ks.docx"}
    with pytest.raises(KommunrapportFel, match="finns redan; ingenting skrevs"):
        init(kit)
    shutil.copy(EXEMPEL / "ekonomi" / "ekonomi_2024_2025.xlsx", kit / "export" / "ekonomi_2025.xlsx")
    shutil.copy(EXEMPEL / "ekonomi" / "verksamheter.csv", kit / "verksamheter.csv")
    mall = kit / "mallar" / "ekonomirapport.md.j2"
    mall.write_text(mall.read_text(encoding="utf-8").replace("**{{ nämnd }}**", "**{{ nämnd }}, Exempelby kommun**"),
                    encoding="utf-8")
    k = runner.kör(kit / "kommunrapport.toml", tyst=True)
    md = (k.mapp / "ekonomirapport_2025-02.md").read_text(encoding="utf-8")
    assert "**Socialnämnden, Exempelby kommun**" in md
    assert (k.mapp / "ekonomirapport_2025-02.docx").exists()


@pytest.mark.parametrize("tagg, fel", [
    ("{{ nämnd | mnkrr }}", "okänt filter 'mnkrr' (finns: mnkr, procent, heltal, tabell)"),
    ("{%p if nämnd %}", "saknar sitt {% endif %} eller {% endfor %}"),
])
def test_template_mistakes_are_explained_in_swedish(tmp_path, tagg, fel):
    mall = _mall(tmp_path / "mall.docx", [tagg], ["text"])
    with pytest.raises(KonfigurationsFel) as e:
        rendera_word(mall, lambda doc: {"nämnd": "x"}, tmp_path / "ut.docx")
    assert fel in str(e.value) and "mallen mall.docx" in str(e.value)


def test_word_dokumentets_författare_är_inte_python_docx(paket):
    egenskaper = Document(paket / "ekonomirapport_2025-02.docx").core_properties
    assert egenskaper.author == "kommunrapport" and egenskaper.last_modified_by == "kommunrapport"


def test_the_core_properties_are_in_the_core_properties_namespace(paket):
    """Word reads docProps/core.xml by its namespace: kommunrapport is the last modifier there, once."""
    import zipfile
    from xml.etree import ElementTree

    kärna = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
    with zipfile.ZipFile(paket / "ekonomirapport_2025-02.docx") as z:
        rot = ElementTree.fromstring(z.read("docProps/core.xml"))
    senast = [e.text for e in rot if e.tag.endswith("}lastModifiedBy")]
    assert senast == ["kommunrapport"], senast
    assert rot.find(f"{kärna}lastModifiedBy").text == "kommunrapport"
    beskrivning = rot.find("{http://purl.org/dc/elements/1.1/}description")
    assert beskrivning is None or not beskrivning.text, beskrivning.text  # not "generated by python-docx"
