"""Faults and hostile inputs end in clear Swedish errors with exit codes, never `internt fel`, and leave
nothing half-written: a read-only output folder, a full disk, an output path that is a file, a template
that runs away, a text that would become a formula in the Excel annex, a symlinked log or lock file.

In-process (`cli.main([...])`). The real read-only and full disks are small tmpfs mounts, made only when
running as root on Linux (skipped otherwise); the simulated OSErrors always run.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from conftest import kör_i_processen
from kommunrapport import history, runner
from kommunrapport.errors import KonfigurationsFel
from kommunrapport.render import markdown
from kommunrapport.render.markdown import rendera
from kommunrapport.render.word import rendera_word

ROOT = Path(__file__).resolve().parents[1]
EKONOMI = ROOT / "examples" / "ekonomi"
NBSP = "\u00a0"
INDATA = {"ekonomi.csv", "verksamheter.csv", "kommunrapport.toml"}




def kommun(tmp_path: Path, ut: str | Path = "ut") -> Path:
    """The example export and mapping, and a configuration whose kör writes to `ut`."""
    shutil.copy(EKONOMI / "ekonomi_2024_2025.csv", tmp_path / "ekonomi.csv")
    shutil.copy(EKONOMI / "verksamheter.csv", tmp_path / "verksamheter.csv")
    konfig = tmp_path / "kommunrapport.toml"
    konfig.write_text(f'namnd = "Äldrenämnden"\nut = "{Path(ut).as_posix()}"\nrapporter = ["ekonomi"]\n\n'
                      '[ekonomi]\ndata = "ekonomi.csv"\nmappning = "verksamheter.csv"\n', encoding="utf-8")
    return konfig


def ekonomi(capsys, tmp_path: Path, ut: Path, *extra: str) -> tuple[int, str, str]:
    return kör_i_processen(capsys, "ekonomi", "--month", "feb", "--data", tmp_path / "ekonomi.csv", "--mappning",
                   tmp_path / "verksamheter.csv", "--out", ut, *extra)


@pytest.fixture
def tmpfs(tmp_path):
    """mount(namn, storlek, skrivskyddad): a small tmpfs under tmp_path; skipped unless root on Linux."""
    monterade: list[Path] = []

    def mount(namn: str, storlek: str = "64k", skrivskyddad: bool = False) -> Path:
        if sys.platform != "linux" or os.geteuid() != 0:
            pytest.skip("en riktig liten disk kräver root på Linux (mount -t tmpfs)")
        mnt = tmp_path / namn
        mnt.mkdir()
        flaggor = f"size={storlek},mode=0777" + (",ro" if skrivskyddad else "")
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", flaggor, "tmpfs", str(mnt)], capture_output=True, text=True)
        if r.returncode:
            pytest.skip(f"mount är inte tillåtet här: {r.stderr.strip()}")
        monterade.append(mnt)
        return mnt

    yield mount
    for mnt in monterade:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


# ---------------------------------------------------------------- an output path that is a file


@pytest.mark.usefixtures("word_som_kopia_av_mallen")  # the error and what is left on disk, not what Word says
def test_out_som_ar_en_fil(capsys, tmp_path):
    kommun(tmp_path)
    (tmp_path / "fil").write_text("x")
    kod, _, fel = ekonomi(capsys, tmp_path, tmp_path / "fil")
    assert (kod, fel) == (2, f"fel: {tmp_path / 'fil'} är en fil, inte en mapp; ange en mapp med --out\n")
    kod, _, fel = ekonomi(capsys, tmp_path, tmp_path / "fil" / "ut")
    assert (kod, fel) == (2, f"fel: {tmp_path / 'fil'} är en fil, inte en mapp, så {tmp_path / 'fil' / 'ut'} "
                             "kan inte skapas; ange en mapp med --out\n")
    assert (tmp_path / "fil").read_text() == "x"
    assert {p.name for p in tmp_path.iterdir()} == INDATA | {"fil"}


@pytest.mark.usefixtures("word_som_kopia_av_mallen")  # the error and what is left on disk, not what Word says
def test_ut_i_konfigurationen_ar_en_fil(capsys, tmp_path):
    konfig = kommun(tmp_path)
    (tmp_path / "ut").write_text("x")
    kod, _, fel = kör_i_processen(capsys, "kör", "--config", konfig)
    assert (kod, fel) == (2, f"fel: {tmp_path / 'ut'} är en fil, inte en mapp; ange en mapp som ut i "
                             "konfigurationen (eller med KOMMUNRAPPORT_UT)\n")
    konfig.write_text(konfig.read_text(encoding="utf-8").replace('ut = "ut"', 'ut = "ut/perioder"'), encoding="utf-8")
    kod, _, fel = kör_i_processen(capsys, "kör", "--config", konfig)
    assert (kod, fel) == (2, f"fel: kan inte skriva mappen {tmp_path / 'ut' / 'perioder'}: en del av sökvägen är en "
                             "fil, inte en mapp; ange en mapp\n")
    assert (tmp_path / "ut").read_text() == "x"


# ---------------------------------------------------------------- simulated faults: always run


def _full_disk(sökväg=None):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), *([str(sökväg)] if sökväg else []))


@pytest.mark.usefixtures("word_som_kopia_av_mallen")  # the error and what is left on disk, not what Word says
def test_full_disk_simulerad_namnger_filen_och_lamnar_inget(capsys, tmp_path, monkeypatch):
    import kommunrapport.render.annex as annex

    kommun(tmp_path)
    monkeypatch.setattr(annex, "skriv_vyer", lambda vyer, info, sökväg: _full_disk(sökväg))
    ut = tmp_path / "a" / "ut"
    kod, _, fel = ekonomi(capsys, tmp_path, ut)
    assert (kod, fel) == (2, f"fel: kan inte skriva {ut / 'bilaga_ekonomirapport_2025-02.xlsx'}: disken är full; "
                             "frigör utrymme och kör igen\n")
    assert {p.name for p in tmp_path.iterdir()} == INDATA  # neither the folder nor a staging folder


@pytest.mark.usefixtures("word_som_kopia_av_mallen")  # the error and what is left on disk, not what Word says
def test_full_disk_utan_filnamn_och_i_en_befintlig_mapp(capsys, tmp_path, monkeypatch):
    """ENOSPC from write() on an open file names no file: the message names the folder. An existing
    --out keeps exactly the files it had."""
    import kommunrapport.render.annex as annex

    kommun(tmp_path)
    ut = tmp_path / "ut"
    ut.mkdir()
    (ut / "gammal.txt").write_text("kvar")
    monkeypatch.setattr(annex, "skriv_vyer", lambda *a: _full_disk())
    kod, _, fel = ekonomi(capsys, tmp_path, ut)
    assert (kod, fel) == (2, f"fel: kan inte skriva i {ut}: disken är full; frigör utrymme och kör igen\n")
    assert [p.name for p in ut.iterdir()] == ["gammal.txt"]


@pytest.mark.usefixtures("word_som_kopia_av_mallen")  # the error and what is left on disk, not what Word says
def test_skrivskyddad_mapp_simulerad(capsys, tmp_path, monkeypatch):
    kommun(tmp_path)

    def skrivskyddat(*a, **k):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(tmp_path))

    monkeypatch.setattr(tempfile, "mkdtemp", skrivskyddat)
    kod, _, fel = ekonomi(capsys, tmp_path, tmp_path / "ut")
    assert (kod, fel) == (2, f"fel: kan inte skriva i {tmp_path}: filsystemet är skrivskyddat; ange en mapp som går "
                             "att skriva i\n")


@pytest.mark.usefixtures("word_som_kopia_av_mallen")  # the error and what is left on disk, not what Word says
def test_kor_i_en_skrivskyddad_mapp_simulerad(capsys, tmp_path, monkeypatch):
    konfig = kommun(tmp_path)

    def nekad(*a, **k):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(tmp_path / "ut" / "x"))

    monkeypatch.setattr(tempfile, "mkstemp", nekad)
    kod, _, fel = kör_i_processen(capsys, "kör", "--config", konfig)
    assert (kod, fel) == (2, f"fel: kan inte skriva i {tmp_path / 'ut'}: behörighet saknas (mappen eller filen är "
                             "skrivskyddad, eller öppen i ett annat program); ge användaren skrivrätt, stäng filen "
                             "eller ange en annan mapp\n")
    assert list((tmp_path / "ut").iterdir()) == []


@pytest.mark.usefixtures("word_som_kopia_av_mallen")  # the error and what is left on disk, not what Word says
def test_kor_med_full_disk_simulerad_skriver_ingen_period_och_ingen_historik(capsys, tmp_path, monkeypatch):
    import kommunrapport.render.annex as annex

    konfig = kommun(tmp_path)
    monkeypatch.setattr(annex, "skriv_vyer", lambda *a: _full_disk())
    kod, _, fel = kör_i_processen(capsys, "kör", "--config", konfig, "--quiet")
    ut = tmp_path / "ut"
    assert kod == 2
    assert fel.startswith(f"fel: kan inte skriva i {ut}{os.sep}.2025-02-")
    assert fel.endswith(": disken är full; frigör utrymme och kör igen\n")
    assert not (ut / "2025-02").exists() and not [p for p in ut.iterdir() if p.name.startswith(".2025-02")]
    assert history.perioder(ut / history.FILNAMN).empty
    logg = (ut / "kommunrapport.log").read_text(encoding="utf-8")
    assert "ERROR fel: kan inte skriva i" in logg and "avbrutet: ingenting skrevs för 2025-02" in logg


def test_en_loggfil_som_inte_gar_att_skriva_sags_en_gang(capsys, tmp_path):
    log = runner.logg(tmp_path / "ut", tyst=True)
    fil = log.handlers[0]
    fil.stream.close()  # as if the disk went away: every write fails
    with open(os.devnull) as skrivskyddad:  # write() raises an OSError (UnsupportedOperation)
        fil.stream = skrivskyddad
        log.info("ett")
        log.info("två")
    fil.stream = None
    log.handlers.clear()
    fel = capsys.readouterr().err
    assert fel.count(f"varning: kan inte skriva i loggfilen {tmp_path / 'ut' / 'kommunrapport.log'}: ") == 1
    assert "Traceback" not in fel


# ---------------------------------------------------------------- real small disks (root on Linux)


@pytest.mark.usefixtures("word_som_kopia_av_mallen")  # the error and what is left on disk, not what Word says
def test_skrivskyddad_disk(capsys, tmp_path, tmpfs):
    mnt = tmpfs("skrivskyddad", skrivskyddad=True)
    konfig = kommun(tmp_path, mnt / "ut")
    kod, _, fel = ekonomi(capsys, tmp_path, mnt / "ut")
    assert (kod, fel) == (2, f"fel: kan inte skriva i {mnt}: filsystemet är skrivskyddat; ange en mapp som går att "
                             "skriva i\n")
    kod, _, fel = kör_i_processen(capsys, "kör", "--config", konfig)
    assert (kod, fel) == (2, f"fel: kan inte skriva mappen {mnt / 'ut'}: filsystemet är skrivskyddat; ange en mapp "
                             "som går att skriva i\n")


def test_full_disk(capsys, tmp_path, tmpfs):
    mnt = tmpfs("full", "64k")
    kommun(tmp_path)
    kod, _, fel = ekonomi(capsys, tmp_path, mnt / "ut")
    assert kod == 2 and fel.startswith("fel: kan inte skriva ") and fel.count("\n") == 1
    assert fel.endswith(": disken är full; frigör utrymme och kör igen\n")
    assert list(mnt.iterdir()) == []  # nothing half-written


def test_kor_pa_full_disk(capsys, tmp_path, tmpfs):
    mnt = tmpfs("full", "64k")
    konfig = kommun(tmp_path, mnt)
    kod, _, fel = kör_i_processen(capsys, "kör", "--config", konfig, "--quiet")
    assert kod == 2 and fel.endswith(": disken är full; frigör utrymme och kör igen\n"), fel
    assert "internt fel" not in fel
    assert {p.name for p in mnt.iterdir()} <= {".kommunrapport.lock", "kommunrapport.log", history.FILNAMN}
    assert history.perioder(mnt / history.FILNAMN).empty


@pytest.mark.usefixtures("word_som_kopia_av_mallen")  # the error and what is left on disk, not what Word says
def test_skrivskyddad_mapp_utan_root(capsys, tmp_path):
    if sys.platform == "win32" or os.geteuid() == 0:
        pytest.skip("root skriver i en mapp utan skrivrätt; se test_skrivskyddad_disk")
    kommun(tmp_path)
    mapp = tmp_path / "låst"
    mapp.mkdir()
    mapp.chmod(0o555)
    try:
        kod, _, fel = ekonomi(capsys, tmp_path, mapp / "ut")
    finally:
        mapp.chmod(0o755)
    assert kod == 2 and fel.startswith(f"fel: kan inte skriva i {mapp}: behörighet saknas")


# ---------------------------------------------------------------- templates that run away


@pytest.mark.parametrize("mall, fel", [
    ("rad 1\n{% for i in range(10**9) %}x{% endfor %}\n",
     f"rad 2: range med 1{NBSP}000{NBSP}000{NBSP}000 tal är för stort (högst 100{NBSP}000)"),
    ("a\nb\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
     f"rad 3: mallens slingor går mer än 1{NBSP}000{NBSP}000 varv"),
    ("a\n{% for i in range(100000) %}{{ 'x' * 999999 }}{% endfor %}\n",
     f"rad 2: mallen skriver mer än 20{NBSP}000{NBSP}000 tecken"),
    ("{{ 'x' * 10000000000 }}",
     f"rad 1: '*' ger ett värde med 10{NBSP}000{NBSP}000{NBSP}000 tecken eller element (högst 1{NBSP}000{NBSP}000)"),
    ("{% set ns = namespace(s='x') %}\n{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
     f"rad 2: ett värde i mallen blir 1{NBSP}048{NBSP}576 tecken eller element långt (högst 1{NBSP}000{NBSP}000)"),
    ("{% set l = [1] %}\n\n{% for i in range(60) %}{% set _ = l.extend(l) %}{% endfor %}",
     f"rad 3: ett värde i mallen blir 1{NBSP}048{NBSP}576 tecken eller element långt (högst 1{NBSP}000{NBSP}000)"),
    ("{{ 'x' | center(10**9) }}",
     f"rad 1: filtret center ger ett värde med 1{NBSP}000{NBSP}000{NBSP}000 tecken eller element "
     f"(högst 1{NBSP}000{NBSP}000)"),
    ("{{ '{:>1000000000}'.format(1) }}",
     f"rad 1: formatet ger ett värde med 1{NBSP}000{NBSP}000{NBSP}000 tecken eller element (högst 1{NBSP}000{NBSP}000)"),
    ("{{ 2 ** 10000000 }}", f"rad 1: '**' ger ett tal med mer än 100{NBSP}000 bitar"),
    ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}\n{{ f(1) }}", "rad 1: ett makro anropar sig självt utan slut"),
], ids=["range", "slingor", "utdata", "gånger", "dubblering", "extend", "center", "format", "potens", "rekursion"])
def test_en_mall_som_skenar_ar_ett_mallfel_med_rad(tmp_path, mall, fel):
    (tmp_path / "skenar.md.j2").write_text(mall, encoding="utf-8")
    with pytest.raises(KonfigurationsFel) as e:
        rendera("skenar.md.j2", {}, tmp_path)
    assert str(e.value) == f"mallen skenar.md.j2, {fel}"


def test_en_mall_som_arbetar_for_lange_stoppas(tmp_path, monkeypatch):
    monkeypatch.setattr(markdown, "MAX_SEKUNDER", 0.3)
    (tmp_path / "seg.md.j2").write_text(
        "\n{% for i in range(100000) %}{% set s = 'x' * 999999 %}{% set t = s | upper %}{% endfor %}", encoding="utf-8")
    with pytest.raises(KonfigurationsFel, match=r"^mallen seg.md.j2, rad 2: mallen har arbetat i mer än 0,3 sekunder$"):
        rendera("seg.md.j2", {}, tmp_path)


@pytest.mark.parametrize("mall, fält", [("{{ finns_inte }}", "finns_inte"), ("{{ nämnd.saknas }}", "saknas")])
def test_ett_okänt_fält_i_en_markdownmall_sägs_på_svenska(tmp_path, mall, fält):
    """As in a Word template: the field's name, not Jinja's English ("'x' is undefined")."""
    (tmp_path / "fält.md.j2").write_text(mall, encoding="utf-8")
    with pytest.raises(KonfigurationsFel) as e:
        rendera("fält.md.j2", {"nämnd": "Nämnden"}, tmp_path)
    assert str(e.value) == f"mallen fält.md.j2: fältet '{fält}' finns inte"


def test_vanliga_mallar_paverkas_inte(tmp_path):
    (tmp_path / "ok.md.j2").write_text(
        "{% for i in range(3) %}{{ i }}{% endfor %} {{ range(5) | list | length }} {{ range(5) | length }} "
        "{{ range(3) | reverse | list }} {{ '{:,}'.format(25000000) }} {{ 2 ** 10 }} {{ 'a' ~ 'b' }} "
        "{{ [1] + [2] }} {{ 'x' * 3 }} {{ '%5.1f' % 1.5 }} {{ 1397.1 | mnkr }}", encoding="utf-8")
    assert rendera("ok.md.j2", {}, tmp_path) == f"012 5 5 [2, 1, 0] 25,000,000 1024 ab [1, 2] xxx   1.5 1{NBSP}397,1"


def _wordmall(sökväg: Path, *stycken: str) -> Path:
    doc = Document()
    for text in stycken:
        doc.add_paragraph(text)
    doc.save(sökväg)
    return sökväg


def test_en_wordmall_som_skenar_namnger_mallen_och_taggen(tmp_path):
    mall = _wordmall(tmp_path / "mall.docx", "Före", "{%p for i in range(10**9) %}", "{{ i }}", "{%p endfor %}")
    with pytest.raises(KonfigurationsFel) as e:
        rendera_word(mall, lambda doc: {}, tmp_path / "ut.docx")
    assert str(e.value) == (f"mallen mall.docx (taggen {{% for i in range(10**9) %}}): range med "
                            f"1{NBSP}000{NBSP}000{NBSP}000 tal är för stort (högst 100{NBSP}000)")
    mall = _wordmall(tmp_path / "mall.docx", "Före {{ 'x' * 10**8 }}")
    with pytest.raises(KonfigurationsFel, match=r"^mallen mall.docx \(taggen \{\{ 'x' \* 10\*\*8 \}\}\): '\*' ger"):
        rendera_word(mall, lambda doc: {}, tmp_path / "ut.docx")
    assert not (tmp_path / "ut.docx").exists()


def test_en_egen_mall_som_skenar_via_kommandot(capsys, tmp_path):
    kommun(tmp_path)
    mallar = tmp_path / "mallar"
    mallar.mkdir()
    (mallar / "ekonomirapport.md.j2").write_text("# {{ nämnd }}\n{% for i in range(10**7) %}{% endfor %}\n",
                                                 encoding="utf-8")
    kod, _, fel = ekonomi(capsys, tmp_path, tmp_path / "ut", "--mallar", mallar)
    assert (kod, fel) == (2, f"fel: mallen ekonomirapport.md.j2, rad 2: range med 10{NBSP}000{NBSP}000 tal är för "
                             f"stort (högst 100{NBSP}000)\n")
    assert not (tmp_path / "ut").exists()


# ---------------------------------------------------------------- no formulas in the Excel annex


@pytest.mark.parametrize("text", ["=1+1", "+46701234567", "-1", "@SUMMA(A1:A2)", "=cmd|' /C calc'!A0",
                                  '=HYPERLINK("http://example.invalid/?q="&A1;"Klicka")'],
                         ids=["lika-med", "plus", "minus", "snabel-a", "dde", "hyperlink"])
@pytest.mark.usefixtures("word_som_kopia_av_mallen")  # the annex is looked at
def test_text_blir_aldrig_en_formel_i_bilagan(capsys, tmp_path, text):
    kommun(tmp_path)
    mappning = tmp_path / "verksamheter.csv"
    rader = mappning.read_text(encoding="utf-8").splitlines()
    assert rader[1].startswith("namnd;1. Nämnd- styrelseverksamhet;")
    rader[1] = rader[1].replace("1. Nämnd- styrelseverksamhet", text.replace(";", ","))
    mappning.write_text("\n".join(rader) + "\n", encoding="utf-8")
    rubrik = text.replace(";", ",")
    kod, _, fel = ekonomi(capsys, tmp_path, tmp_path / "ut", f"--namnd={text}")
    assert kod == 0, fel
    wb = load_workbook(tmp_path / "ut" / "bilaga_ekonomirapport_2025-02.xlsx")
    info = {r[0].value: r[1] for r in wb["Info"].iter_rows()}
    assert info["Nämnd"].value == text and info["Nämnd"].data_type == "s" and info["Nämnd"].quotePrefix
    celler = [c for ws in wb for rad in ws.iter_rows() for c in rad]
    träffar = [c for c in celler if c.value == rubrik]
    assert träffar and all(c.data_type == "s" for c in träffar)
    assert {ws.title for ws in wb for c in (x for rad in ws.iter_rows() for x in rad) if c.value == rubrik} >= {
        "Ackumulerat resultat"}
    assert not [c.coordinate for c in celler if c.data_type == "f"]


# ---------------------------------------------------------------- kör writes no file through a symbolic link


def _länk(länk: Path, mål: Path) -> None:
    try:
        länk.symlink_to(mål)
    except OSError as exc:  # Windows without the right to make links
        pytest.skip(f"kan inte skapa en symbolisk länk här: {exc}")


@pytest.mark.parametrize("namn, vad", [("kommunrapport.log", "loggfilen"), (".kommunrapport.lock", "låsfilen")])
@pytest.mark.parametrize("finns", [True, False], ids=["mål-finns", "mål-saknas"])
def test_logg_och_las_foljer_inga_lankar(capsys, tmp_path, namn, vad, finns):
    konfig = kommun(tmp_path)
    ut = tmp_path / "ut"
    ut.mkdir()
    mål = tmp_path / "annan_fil"
    if finns:
        mål.write_text("rör inte\n")
    _länk(ut / namn, mål)
    kod, _, fel = kör_i_processen(capsys, "kör", "--config", konfig, "--quiet")
    assert (kod, fel) == (2, f"fel: {vad} {ut / namn} är en symbolisk länk (till {mål}); kommunrapport skriver inte "
                             "genom en länk: ta bort länken (filen skapas på nytt) och kör igen\n")
    assert (mål.read_text() == "rör inte\n") if finns else not mål.exists()
    assert not (ut / "2025-02").exists()


@pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="O_NOFOLLOW finns bara på POSIX")
def test_en_lank_som_dyker_upp_efter_kontrollen_foljs_inte_heller(capsys, tmp_path, monkeypatch):
    """The check before opening (all Windows has) races with a link made in between; O_NOFOLLOW does not."""
    konfig = kommun(tmp_path)
    ut = tmp_path / "ut"
    ut.mkdir()
    mål = tmp_path / "annan_fil"
    mål.write_text("rör inte\n")
    _länk(ut / "kommunrapport.log", mål)
    monkeypatch.setattr(runner, "_inte_länk", lambda sökväg, vad: None)
    kod, _, fel = kör_i_processen(capsys, "kör", "--config", konfig, "--quiet")
    assert kod == 2 and fel.startswith(f"fel: loggfilen {ut / 'kommunrapport.log'} är en symbolisk länk")
    assert mål.read_text() == "rör inte\n"


@pytest.mark.parametrize("mall, väntat", [
    ("rad ett\n{{ 1 / 0 }}\n", "mallen egen.md.j2, rad 2: ett uttryck i mallen går inte att räkna ut "
                              "(ZeroDivisionError: division by zero)"),
    ("{{ nämnd | procent }}", "mallen egen.md.j2, rad 1: ett uttryck i mallen går inte att räkna ut (ValueError: "),
])
def test_ett_uttryck_som_inte_går_att_räkna_ut_är_ett_mallfel(tmp_path, mall, väntat):
    """An expression of the user's own template that fails is a template error naming the line (exit 2), not an
    internal error."""
    (tmp_path / "egen.md.j2").write_text(mall, encoding="utf-8")
    with pytest.raises(KonfigurationsFel) as info:
        rendera("egen.md.j2", {"nämnd": "Äldrenämnden"}, tmp_path)
    assert str(info.value).startswith(väntat)


def test_ett_uttryck_i_en_wordmall_som_inte_går_att_räkna_ut(tmp_path):
    mall = _wordmall(tmp_path / "egen.docx", "Rapport", "{{ 1 / 0 }}")
    with pytest.raises(KonfigurationsFel) as info:
        rendera_word(mall, lambda doc: {}, tmp_path / "ut.docx")
    assert str(info.value) == ("mallen egen.docx: ett uttryck i mallen går inte att räkna ut "
                               "(ZeroDivisionError: division by zero)")
    assert not (tmp_path / "ut.docx").exists()
