"""One resolver for every command: flag > environment > configuration file > default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import kör_i_processen
from kommunrapport.errors import KonfigurationsFel
from kommunrapport.input.headers import Tecken, Värden
from kommunrapport.settings import lös_inställningar

ROT = Path(__file__).resolve().parents[1]
EXEMPEL = ROT / "examples"


def konfig(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "k.toml"
    p.write_text(text, encoding="utf-8")
    return p


FIL = '''namnd = "Filnämnden"
mallar = "mallar"
[ekonomi]
data = "e.csv"
mappning = "m.csv"
tecken = "kostnad-negativ"
'''


def test_filen_ger_värdena_och_sökvägar_relativt_filen(tmp_path):
    k = lös_inställningar(konfig(tmp_path, FIL), miljö={})
    assert k.nämnd == "Filnämnden" and k.mallar == tmp_path / "mallar"
    assert k.ekonomi.data == tmp_path / "e.csv" and k.ekonomi.tecken is Tecken.KOSTNAD_NEGATIV
    assert k.ekonomi.värden is Värden.MÅNAD  # the default


def test_miljön_går_före_filen(tmp_path):
    k = lös_inställningar(konfig(tmp_path, FIL), miljö={"KOMMUNRAPPORT_NAMND": "Miljönämnden",
                                                         "KOMMUNRAPPORT_EKONOMI_TECKEN": "kostnad-positiv",
                                                         "KOMMUNRAPPORT_EKONOMI_VARDEN": "ackumulerade"})
    assert k.nämnd == "Miljönämnden"
    assert k.ekonomi.tecken is Tecken.KOSTNAD_POSITIV and k.ekonomi.värden is Värden.ACKUMULERADE


def test_flaggan_går_före_miljön_och_filen(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    k = lös_inställningar(konfig(tmp_path, FIL), {"namnd": "Flaggnämnden", "mallar": Path("egna"),
                                                  "ekonomi": {"tecken": "kostnad-positiv", "data": None}},
                          miljö={"KOMMUNRAPPORT_NAMND": "Miljönämnden"})
    assert k.nämnd == "Flaggnämnden" and k.ekonomi.tecken is Tecken.KOSTNAD_POSITIV
    assert k.mallar == tmp_path / "egna"  # a flag's path is relative to the working directory
    assert k.ekonomi.data == tmp_path / "e.csv"  # a flag not given (None) leaves the file's value


def test_utan_fil_räcker_flaggorna(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    k = lös_inställningar(None, {"ekonomi": {"data": Path("x.csv"), "mappning": Path("m.csv")}}, miljö={})
    assert k.ekonomi.data == tmp_path / "x.csv" and k.nämnd == "Nämnden"


def test_fel_värde_på_kommandoraden_namnger_flaggan(tmp_path):
    with pytest.raises(KonfigurationsFel) as e:
        lös_inställningar(konfig(tmp_path, FIL), {"ekonomi": {"varden": "årsvis"}}, miljö={})
    assert str(e.value) == "--varden ska vara en av 'månad' eller 'ackumulerade', inte 'årsvis'"


def test_fel_värde_i_filen_namnger_filen_och_nyckeln(tmp_path):
    with pytest.raises(KonfigurationsFel) as e:
        lös_inställningar(konfig(tmp_path, FIL.replace("kostnad-negativ", "plus")), miljö={})
    assert str(e.value).startswith(f"{tmp_path / 'k.toml'}: 'ekonomi.tecken' ska vara en av ")


def test_saknad_flagga_utan_fil_säger_vad_som_behövs(tmp_path):
    with pytest.raises(KonfigurationsFel) as e:
        lös_inställningar(None, {"ekonomi": {"data": tmp_path / "x.csv"}}, miljö={})
    assert str(e.value) == "ange --mappning, eller en konfigurationsfil med --config"




def test_ks_tar_tecken_och_json(tmp_path, capsys, monkeypatch):
    """ks takes the common flags: --tecken turns the export's sign, --json prints the tables."""
    monkeypatch.chdir(tmp_path)
    args = ("ks", "--month", "2024-08", "--config", EXEMPEL / "kommunrapport.toml", "--json")
    kod, ut, fel = kör_i_processen(capsys, *args, "--out", tmp_path / "a")
    assert kod == 0, fel
    vanlig = json.loads(ut)
    kod, ut, fel = kör_i_processen(capsys, *args, "--out", tmp_path / "b", "--tecken", "kostnad-negativ", "--namnd", "KS-test")
    assert kod == 0, fel
    vänd = json.loads(ut)
    assert vänd["nämnd"] == "KS-test" and vanlig["period"] == "jan–aug"
    a = vanlig["tabeller"]["Driftredovisning"][0]
    b = vänd["tabeller"]["Driftredovisning"][0]
    nyckel = "Utfall jan–aug 2024"
    assert a[""] == b[""] == "Verksamhetens intäkter"
    assert a[nyckel] == pytest.approx(74.40930589) and b[nyckel] == pytest.approx(-74.40930589)


def test_volymer_tar_kommentarer_och_namnd(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "k.md").write_text("## Hemtjänst\n\nFler beviljade timmar i februari.\n", encoding="utf-8")
    kod, _, fel = kör_i_processen(capsys, "volymer", "--month", "feb", "--hemtjanst", EXEMPEL / "volymer" / "hemtjanst.csv",
                      "--kommentarer", "k.md", "--namnd", "Socialnämnden", "--out", "ut")
    assert kod == 0, fel
    md = (tmp_path / "ut" / "volymrapport_2025-02.md").read_text(encoding="utf-8")
    assert "Fler beviljade timmar i februari." in md and "Socialnämnden" in md


def test_ekonomi_fel_tecken_på_kommandoraden(tmp_path, capsys):
    kod, _, fel = kör_i_processen(capsys, "ekonomi", "--month", "feb", "--config", EXEMPEL / "kommunrapport.toml",
                      "--tecken", "plus", "--out", tmp_path / "ut")
    assert kod == 2
    assert fel == "fel: --tecken ska vara en av 'kostnad-positiv' eller 'kostnad-negativ', inte 'plus'\n"
    assert not (tmp_path / "ut").exists()


def test_decimaltecken_i_konfigurationen_når_läsaren(tmp_path):
    """[ekonomi] decimaltecken decides what '5.000' means, through the resolver and the library."""
    from kommunrapport.api import ekonomirapport_från_inställningar

    (tmp_path / "m.csv").write_text("id;rubrik;förälder;koder\na;A;;1000\n", encoding="utf-8")
    (tmp_path / "e.csv").write_text("År;Månad;Verksamhet;Utfall;Budget\n2025;1;1000;5.000;6.000\n"
                                    "2025;2;1000;1.000;2.000\n", encoding="utf-8")
    bas = '[ekonomi]\ndata = "e.csv"\nmappning = "m.csv"\n'
    for värde, väntat in (("komma", 2000.0), ("punkt", 2.0)):
        konf = lös_inställningar(konfig(tmp_path, bas + f'decimaltecken = "{värde}"\n'), miljö={})
        r = ekonomirapport_från_inställningar(konf.ekonomi, 2, 2025)
        assert r.avvikelse == pytest.approx(väntat)


@pytest.mark.parametrize("variabel, värde, väntat", [
    ("KOMMUNRAPPORT_EKONOMI_TECKEN", "plus", "miljövariabeln KOMMUNRAPPORT_EKONOMI_TECKEN ska vara en av "
                                              "'kostnad-positiv' eller 'kostnad-negativ', inte 'plus'"),
    ("KOMMUNRAPPORT_PRELIMINAR", "kanske", "miljövariabeln KOMMUNRAPPORT_PRELIMINAR ska vara true eller false, "
                                           "inte 'kanske'"),
    ("KOMMUNRAPPORT_KOR_STANGD_EFTER_DAG", "abc", "miljövariabeln KOMMUNRAPPORT_KOR_STANGD_EFTER_DAG: ska vara en "
                                                  "dag i månaden (1–31), inte 'abc'"),
])
def test_fel_värde_i_miljön_namnger_variabeln(tmp_path, variabel, värde, väntat):
    """A bad value from the environment is blamed on the variable, not on the file or the command line."""
    with pytest.raises(KonfigurationsFel) as e:
        lös_inställningar(konfig(tmp_path, FIL), miljö={variabel: värde})
    assert str(e.value) == väntat


def test_preliminar_ja_och_nej(tmp_path):
    for värde, väntat in (("ja", True), ("Nej", False), ("true", True)):
        assert lös_inställningar(konfig(tmp_path, FIL), miljö={"KOMMUNRAPPORT_PRELIMINAR": värde}).preliminär is väntat


def test_olika_år_i_month_och_year_är_ett_fel(tmp_path, capsys):
    kod, _, fel = kör_i_processen(capsys, "ekonomi", "-m", "2025-02", "--year", "2024", "--config",
                                  EXEMPEL / "kommunrapport.toml", "--out", tmp_path / "ut")
    assert kod == 2 and fel == "fel: --month 2025-02 och --year 2024 anger olika år; ange året på ett av ställena\n"
    assert not (tmp_path / "ut").exists()


def test_volymer_okänd_rubrik_i_kommentarerna_är_ett_fel(tmp_path, capsys, monkeypatch):
    """A comment whose heading names no area would vanish from the report: an error, as in ekonomi. A
    standard area the report leaves out (--omrade) is passed over."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "k.md").write_text("## Hemtjänsten\n\nFler timmar.\n\n## Placeringar\n\nInga.\n", encoding="utf-8")
    kod, _, fel = kör_i_processen(capsys, "volymer", "--month", "feb", "--hemtjanst",
                                  EXEMPEL / "volymer" / "hemtjanst.csv", "--kommentarer", "k.md", "--out", "ut")
    assert kod == 2 and fel == (f"fel: {tmp_path / 'k.md'}: rubriken '## Hemtjänsten' motsvarar inget område i "
                                "volymrapporten (rapportens områden: Hemtjänst)\n")
    assert not (tmp_path / "ut").exists()


def test_validera_med_decimaltecken_och_fel_tecken(tmp_path, capsys):
    """validera takes --decimaltecken as the reports do; a bad --tecken is a Swedish error, not an internal one."""
    (tmp_path / "e.csv").write_text("År;Månad;Verksamhet;Utfall;Budget\n2025;1;1000;5.000;6.000\n", encoding="utf-8")
    kod, _, fel = kör_i_processen(capsys, "validera", tmp_path / "e.csv")
    assert kod == 2 and "'5.000' kan vara 5,000 eller 5 000" in fel and "--decimaltecken" in fel
    kod, ut, _ = kör_i_processen(capsys, "validera", "--decimaltecken", "komma", tmp_path / "e.csv")
    assert kod == 0 and "dataset: ekonomi (långt format), 1 rader" in ut
    kod, _, fel = kör_i_processen(capsys, "validera", "--tecken", "plus", tmp_path / "e.csv")
    assert kod == 2 and fel == "fel: --tecken ska vara en av 'kostnad-positiv' eller 'kostnad-negativ', inte 'plus'\n"


def test_ks_varnar_för_fel_tecken(tmp_path, capsys):
    """The wrong --tecken makes revenue negative and costs positive: ks warns, as ekonomi does."""
    args = ("ks", "--month", "2024-08", "--config", EXEMPEL / "kommunrapport.toml", "--json")
    kod, ut, _ = kör_i_processen(capsys, *args, "--out", tmp_path / "a")
    assert kod == 0 and json.loads(ut)["varningar"] == []
    kod, ut, fel = kör_i_processen(capsys, *args, "--out", tmp_path / "b", "--tecken", "kostnad-negativ")
    assert kod == 0
    assert json.loads(ut)["varningar"] == [
        "årsbudgeten är negativ (en nettointäkt); stämmer inställningen tecken (kostnad-positiv för en huvudbok, "
        "kostnad-negativ för ett uppföljningssystem)?"]
    assert "varning: årsbudgeten är negativ" in fel
