"""Every nämnd of a kommun in one `kör`: [[namnd]] tables, one read of the kommun-wide export."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import kör_cli
from kommunrapport import history, runner
from kommunrapport.errors import KonfigurationsFel
from kommunrapport.settings import läs_konfiguration

# What `kör` does per nämnd (folders, history, log, failures): Word as the template copied
# (tests/conftest.py); Word from `kör` is looked at in test_manader, test_ks and test_word.
pytestmark = pytest.mark.usefixtures("word_som_kopia_av_mallen")

ROOT = Path(__file__).resolve().parents[1]
EXEMPEL = ROOT / "examples" / "ekonomi"


def kommun(tmp_path: Path, socialnämndens_mappning: str = "verksamheter.csv", extra: str = "") -> Path:
    """A kommun-wide export: the example's Äldrenämnden (ansvar 04…) and the same lines again as a
    Socialnämnden (ansvar 05…, amounts ×2), and a configuration of the two nämnder."""
    rader = (EXEMPEL / "ekonomi_2024_2025.csv").read_text(encoding="utf-8-sig").splitlines()
    social = []
    for rad in rader[1:]:
        f = rad.split(";")
        f[2] = "05" + f[2][2:]
        for i in (7, 8, 9):  # Utfall, Budget, Prognos: twice the Äldrenämnden's
            tal = float(f[i].replace(" ", "").replace(",", ".")) * 2
            f[i] = f"{tal:.2f}".replace(".", ",")
        social.append(";".join(f))
    (tmp_path / "kommunen.csv").write_text("\ufeff" + "\n".join(rader + social) + "\n", encoding="utf-8")
    shutil.copy(EXEMPEL / "verksamheter.csv", tmp_path / "verksamheter.csv")
    # a mapping without verksamhet 5200: that nämnd's export has lines no report row takes
    text = (EXEMPEL / "verksamheter.csv").read_text(encoding="utf-8").replace("5100, 5200", "5100")
    (tmp_path / "utan_5200.csv").write_text(text, encoding="utf-8")
    konfig = tmp_path / "kommunrapport.toml"
    konfig.write_text(f'''ut = "ut"
rapporter = ["ekonomi"]

[ekonomi]
data = "kommunen.csv"

[[namnd]]
namn = "Äldrenämnden"
mappning = "verksamheter.csv"
ansvar = ["04*"]

[[namnd]]
namn = "Socialnämnden"
mappning = "{socialnämndens_mappning}"
ansvar = ["05*"]
{extra}''', encoding="utf-8")
    return konfig


def ensam(tmp_path: Path) -> Path:
    """The example export alone, as the single-nämnd configuration of today."""
    mapp = tmp_path / "ensam"
    mapp.mkdir()
    shutil.copy(EXEMPEL / "ekonomi_2024_2025.csv", mapp / "ekonomi.csv")
    shutil.copy(EXEMPEL / "verksamheter.csv", mapp / "verksamheter.csv")
    konfig = mapp / "kommunrapport.toml"
    konfig.write_text('namnd = "Äldrenämnden"\nut = "ut"\nrapporter = ["ekonomi"]\n\n[ekonomi]\n'
                      'data = "ekonomi.csv"\nmappning = "verksamheter.csv"\n', encoding="utf-8")
    return konfig


@pytest.fixture(scope="module")
def _kommunen_körd(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, runner.Körning]:
    """The kommun's folder (`kommun`) after its first `kör`, made once for the module: (folder, the run).
    READ-ONLY: a test that runs in it again copies it (`kopia`)."""
    from conftest import som_i_en_test_om_kör

    mapp = tmp_path_factory.mktemp("kommunen_kord")
    with som_i_en_test_om_kör():
        k = runner.kör(kommun(mapp), tyst=True)
    return mapp, k


def kopia(tmp_path: Path, mapp: Path) -> Path:
    """`_kommunen_körd`'s folder copied into tmp_path: its configuration."""
    shutil.copytree(mapp, tmp_path, dirs_exist_ok=True)
    return tmp_path / "kommunrapport.toml"


def test_two_nämnder_from_one_export_each_in_its_folder_with_its_own_history(tmp_path, _kommunen_körd):
    mall, k = _kommunen_körd
    assert k.period == "2025-02"
    assert [n.mapp for n in k.nämnder] == [mall / "ut" / "2025-02" / "Äldrenämnden",
                                           mall / "ut" / "2025-02" / "Socialnämnden"]
    konfig = kopia(tmp_path, mall)
    ut = tmp_path / "ut"
    assert sorted(p.name for p in (ut / "2025-02").iterdir()) == ["Socialnämnden", "Äldrenämnden"]
    # The Äldrenämnden's lines of the kommun-wide export give exactly the report of the export alone
    runner.kör(ensam(tmp_path), tyst=True)
    md = "ekonomirapport_2025-02.md"
    assert (ut / "2025-02" / "Äldrenämnden" / md).read_text(encoding="utf-8") == \
        (tmp_path / "ensam" / "ut" / "2025-02" / md).read_text(encoding="utf-8")
    # one history row per nämnd and period; the Socialnämnden has twice the amounts
    äldre = history.perioder(history.nämndfil(ut, "Äldrenämnden"))
    social = history.perioder(history.nämndfil(ut, "Socialnämnden"))
    assert list(äldre["period"]) == list(social["period"]) == ["2025-02"]
    assert list(äldre["nämnd"]) == ["Äldrenämnden"] and list(social["nämnd"]) == ["Socialnämnden"]
    assert round(äldre["budgetavvikelse"][0] / 1e6, 1) == 13.3  # the published figure (13,3 mnkr)
    assert social["budgetavvikelse"][0] == pytest.approx(2 * äldre["budgetavvikelse"][0], abs=1)
    assert social["årsbudget"][0] == pytest.approx(2 * äldre["årsbudget"][0], abs=1)
    # a second run has nothing new for either nämnd
    with pytest.raises(runner.IngetAttGöra):
        runner.kör(konfig, tyst=True)


def test_a_bad_mapping_in_one_nämnd_does_not_stop_the_other(tmp_path):
    konfig = kommun(tmp_path, "utan_5200.csv")
    r = kör_cli("kör", "--config", str(konfig), cwd=tmp_path)
    assert r.returncode == runner.DELVIS == 6
    ut = tmp_path / "ut"
    assert (ut / "2025-02" / "Äldrenämnden" / "ekonomirapport_2025-02.md").is_file()
    assert not (ut / "2025-02" / "Socialnämnden").exists()
    assert [p.name for p in ut.iterdir() if p.name.startswith(".")] == [".kommunrapport.lock"]  # no staging left
    assert "Socialnämnden" in r.stderr and "5200" in r.stderr and "1 av 2 nämnder" in r.stderr
    log = (ut / "kommunrapport.log").read_text(encoding="utf-8")
    assert "Socialnämnden: fel: " in log and "verksamheten '5200'" in log and "utan_5200.csv" in log
    assert "Socialnämnden: avbrutet: ingenting skrevs för nämnden" in log
    assert f"klart: {ut / '2025-02' / 'Äldrenämnden'}" in log
    assert len(history.perioder(history.nämndfil(ut, "Äldrenämnden"))) == 1
    assert history.perioder(history.nämndfil(ut, "Socialnämnden")).empty
    # fixed: the next run makes the Socialnämnden only
    shutil.copy(tmp_path / "verksamheter.csv", tmp_path / "utan_5200.csv")
    k = runner.kör(konfig, tyst=True)
    assert [n.mapp.name for n in k.nämnder] == ["Socialnämnden"]
    assert "Äldrenämnden: inget att göra" in (ut / "kommunrapport.log").read_text(encoding="utf-8")


def test_rows_of_no_nämnd_are_said_in_the_log_and_a_filter_by_verksamhet(tmp_path):
    # the Äldrenämnden by verksamhet 1000–4100 and an exact ansvar list for the Socialnämnden's 5100 and 5200
    konfig = kommun(tmp_path)
    text = konfig.read_text(encoding="utf-8").replace('ansvar = ["04*"]', 'verksamhet = ["1*", "2*", "3*", "4100"]')
    konfig.write_text(text.replace('ansvar = ["05*"]', 'ansvar = ["045100", "045200"]'), encoding="utf-8")
    runner.kör(konfig, tyst=True)
    log = (tmp_path / "ut" / "kommunrapport.log").read_text(encoding="utf-8")
    # the Socialnämnden's 05… lines of verksamhet 1000–4100 and 5100–5200 belong to no nämnd
    assert "rader i exporten hör inte till någon nämnd" in log
    assert (tmp_path / "ut" / "2025-02" / "Socialnämnden" / "ekonomirapport_2025-02.md").is_file()


def test_namnd_tables_in_the_configuration(tmp_path):
    konf = läs_konfiguration(kommun(tmp_path))
    assert [n.namn for n in konf.nämnder] == ["Äldrenämnden", "Socialnämnden"]
    assert konf.nämnder[0].mappning == tmp_path / "verksamheter.csv" and konf.nämnder[0].ansvar == ["04*"]
    assert konf.ekonomi is not None and konf.ekonomi.mappning is None
    utan_filter = kommun(tmp_path).read_text(encoding="utf-8").replace('ansvar = ["05*"]\n', "")
    (tmp_path / "utan.toml").write_text(utan_filter, encoding="utf-8")
    with pytest.raises(KonfigurationsFel, match=r"nr 2 \(Socialnämnden\): ange ansvar eller verksamhet"):
        läs_konfiguration(tmp_path / "utan.toml")
    samma = kommun(tmp_path).read_text(encoding="utf-8").replace('"Socialnämnden"', '"Äldrenämnden"')
    (tmp_path / "samma.toml").write_text(samma, encoding="utf-8")
    with pytest.raises(KonfigurationsFel, match="samma mapp"):
        läs_konfiguration(tmp_path / "samma.toml")


def test_the_ekonomi_command_asks_for_a_mapping_with_a_kommun_configuration(tmp_path):
    konfig = kommun(tmp_path)
    r = kör_cli("ekonomi", "--month", "feb", "--config", str(konfig), "--out", str(tmp_path / "x"), cwd=tmp_path)
    assert r.returncode == 2 and "ange --mappning" in r.stderr
    r = kör_cli("ekonomi", "--month", "feb", "--config", str(konfig), "--mappning", str(tmp_path / "verksamheter.csv"),
                "--out", str(tmp_path / "x"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("steg", ["journal", "på_plats"])
def test_a_kill_while_a_nämnd_is_published_is_rolled_back_by_the_next_run(tmp_path, steg, monkeypatch):
    from kommunrapport.render import word
    from test_krasch import döda_vid

    monkeypatch.setattr(word, "rendera_word", lambda mall, kontext_för, sökväg: shutil.copyfile(mall, sökväg))
    konfig = kommun(tmp_path)
    ut = tmp_path / "ut"
    r = döda_vid(steg, konfig)  # killed (kill -9) while the first nämnd, the Äldrenämnden, is published
    assert r.returncode != 0
    assert [rad.period for rad in history.pågående(history.nämndfil(ut, "Äldrenämnden"))] == ["2025-02/Äldrenämnden"]
    k = runner.kör(konfig, tyst=True)  # rolls the killed one back, then makes both
    assert [n.mapp.name for n in k.nämnder] == ["Äldrenämnden", "Socialnämnden"]
    assert history.pågående(history.nämndfil(ut, "Äldrenämnden")) == []
    assert len(history.perioder(history.nämndfil(ut, "Äldrenämnden"))) == 1
    assert [p.name for p in ut.iterdir() if p.name.startswith(".20")] == []
    assert "återställning: en avbruten körning av 2025-02/Äldrenämnden" in (ut / "kommunrapport.log").read_text(
        encoding="utf-8")


def test_historik_lists_every_nämnd(tmp_path, capsys, _kommunen_körd):
    from conftest import kör_i_processen

    konfig = kopia(tmp_path, _kommunen_körd[0])
    kod, ut, fel = kör_i_processen(capsys, "historik", "--config", str(konfig))
    assert kod == 0, fel
    rader = ut.splitlines()
    assert rader[0].startswith("nämnd  period")
    assert rader[1].startswith("Äldrenämnden  2025-02") and "+13,3" in rader[1]
    assert rader[2].startswith("Socialnämnden  2025-02") and "+26,6" in rader[2]


def test_a_big_export_made_compact_gives_the_same_reports_and_fingerprints(tmp_path, monkeypatch, _kommunen_körd):
    # A big export is kept compact in kör (categoricals of codes, int16 year and month; runner._utan_celler):
    # the reports and the history's fingerprint of each nämnd are those of the export kept as read (the
    # module's run of the example: far fewer rows than KOMPAKT_FRÅN).
    assert len((_kommunen_körd[0] / "kommunen.csv").read_text(encoding="utf-8-sig").splitlines()) < runner.KOMPAKT_FRÅN
    resultat = []
    for kompakt_från, mapp in ((None, "som_läst"), (0, "kompakt")):
        if kompakt_från is None:
            k, ut = _kommunen_körd[1], _kommunen_körd[0] / "ut"
        else:
            monkeypatch.setattr(runner, "KOMPAKT_FRÅN", kompakt_från)
            (tmp_path / mapp).mkdir()
            k = runner.kör(kommun(tmp_path / mapp), tyst=True)
            ut = tmp_path / mapp / "ut"
        filer = {f.relative_to(ut).as_posix(): f.read_text(encoding="utf-8") for f in sorted(ut.rglob("*.md"))}
        summor = {n: history.senaste_klara(history.nämndfil(ut, n), f"{k.period}/{n}")[0].underlag
                  for n in ("Äldrenämnden", "Socialnämnden")}
        resultat.append((filer, summor))
    assert resultat[0] == resultat[1]
    assert len(resultat[0][0]) == 2 and all(resultat[0][1].values())
