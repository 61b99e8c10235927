"""Golden test: every report's output on the bundled examples, pinned in tests/golden/*.json.

Each case runs a report in-process through the entry point (kommunrapport.cli.main), with
`--config examples/kommunrapport.toml` (the working directory is the repository root, as when a user
runs the example) and `--out` a tmp_path folder, and compares what it wrote with the saved file:

- "filer": the sorted names of the files written;
- "json": the JSON printed on stdout, parsed (ekonomi and volymer with --json);
- "markdown": the .md file, split on "\\n" (exact bytes, decoded as UTF-8);
- "bilaga" / "bilaga_blad": the values of every sheet of the Excel annex (bilaga_*.xlsx, openpyxl),
  sheet name -> rows, and the sheet order;
- "word": the text of the .docx in document order (python-docx): a paragraph is a string, a table is
  {"tabell": rows of cell texts} (a cell holding a nested table is a list of the same); sub-documents
  appear where they were merged into the saved document; "word_sidhuvud_och_sidfot" and
  "word_egenskaper" add the header/footer texts and the core properties (no dates);
- "diagram": per chart file, what the chart shows: title, axis labels, fixed tick labels, legend,
  each line's and bar group's values and colours, texts at the bars;
- "stderr": the lines on standard error (warnings, 'skrev …'), the out folder written as <UT>.

Floats are rounded to 9 decimals (platform noise); None stays None; -0.0 is written 0.0. PNG bytes and
the .docx/.xlsx zip bytes are not compared. Each part is compared with plain `==`, so pytest shows the
difference (use -vv for the whole of it).

Speed: rasterising the PNG charts (18 in the volume report, 2 in each ekonomi report) is about half the
run time, and their bytes are not compared, so matplotlib's Figure.savefig is replaced by one that records the chart
(the "diagram" part) and writes a blank PNG of the same pixel size (the Word report still embeds it).
Set KOMMUNRAPPORT_GOLDEN_RITA=1 to draw the real PNGs as well (slower; same golden files).

The example ledger has utfall for 2024 jan–dec but only 2025 jan–feb, so the later months run on 2024
(--year 2024); the 2025 runs of those months fail today and that failure is pinned too
(test_golden_fel_manad_utan_utfall).

The ks report for December reads the run history (examples/ut/historik.sqlite, the config's `ut`);
the golden file is the run without history, so that test fails with an explanation if the file exists.

Regenerate the files after an intended change (then review `git diff tests/golden`):

    KOMMUNRAPPORT_GOLDEN_UPPDATERA=1 python -m pytest tests/test_golden.py

With the variable set to 1 the tests rewrite tests/golden/*.json instead of comparing, and pass.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import docx
import matplotlib.figure
import openpyxl
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from matplotlib.colors import to_hex
from matplotlib.ticker import FixedLocator
from PIL import Image

import kommunrapport.cli

pytestmark = pytest.mark.rita  # the charts are built (their savefig is replaced below)

ROT = Path(__file__).resolve().parents[1]
KONFIG = "examples/kommunrapport.toml"  # relative to ROT, the working directory of the runs
HISTORIK = ROT / "examples" / "ut" / "historik.sqlite"
GOLDEN = Path(__file__).resolve().parent / "golden"
UPPDATERA = os.environ.get("KOMMUNRAPPORT_GOLDEN_UPPDATERA") == "1"
RITA = os.environ.get("KOMMUNRAPPORT_GOLDEN_RITA") == "1"
DECIMALER = 9


# ---------------------------------------------------------------- normalising


def _normera(v, ersätt: dict[str, str]):
    """JSON-able data with rounded floats and the machine's paths replaced by placeholders."""
    if hasattr(v, "tolist") and not isinstance(v, str):  # numpy arrays and scalars
        v = v.tolist()
    if isinstance(v, dict):
        return {str(k): _normera(x, ersätt) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_normera(x, ersätt) for x in v]
    if isinstance(v, bool) or v is None or isinstance(v, int):
        return v
    if isinstance(v, float):
        if not math.isfinite(v):
            return repr(v)
        r = round(v, DECIMALER)
        return 0.0 if r == 0 else r
    if isinstance(v, dt.datetime | dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, str):
        for gammal, ny in ersätt.items():
            v = v.replace(gammal, ny)
        return v
    return repr(v)


def _json_text(v, nivå: int = 0, i_lista: bool = False) -> str:
    """JSON with indent 1 and sorted keys, except that a list of plain values stays on one line if it is
    inside a list (a table row), holds no strings (a series of numbers) or is short, so that a diff shows
    the row that changed and a Markdown text still has one line per line."""
    ind = " " * (nivå + 1)
    if isinstance(v, dict) and v:
        rader = [f"{ind}{json.dumps(k, ensure_ascii=False)}: {_json_text(v[k], nivå + 1)}" for k in sorted(v)]
        return "{\n" + ",\n".join(rader) + "\n" + " " * nivå + "}"
    på_en_rad = isinstance(v, list) and not any(isinstance(x, dict | list) for x in v) and (
        i_lista or not any(isinstance(x, str) for x in v) or len(json.dumps(v, ensure_ascii=False)) <= 100)
    if isinstance(v, list) and v and not på_en_rad:
        rader = [ind + _json_text(x, nivå + 1, i_lista=True) for x in v]
        return "[\n" + ",\n".join(rader) + "\n" + " " * nivå + "]"
    return json.dumps(v, ensure_ascii=False)


# ---------------------------------------------------------------- reading the outputs


def _bilaga(sökväg: Path) -> tuple[list[str], dict[str, list[list]]]:
    wb = openpyxl.load_workbook(sökväg)  # formulas (if any) as their text: openpyxl computes nothing
    try:
        return wb.sheetnames, {ws.title: [list(rad) for rad in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    finally:
        wb.close()


_UTAN_TEXT = {qn(t) for t in ("w:sectPr", "w:bookmarkStart", "w:bookmarkEnd", "w:tcPr", "w:tblPr", "w:tblGrid",
                              "w:trPr", "w:tblPrEx", "w:sdtPr", "w:sdtEndPr", "w:proofErr", "w:permStart",
                              "w:permEnd", "w:commentRangeStart", "w:commentRangeEnd")}


def _block(element, förälder) -> list:
    """Paragraphs and tables of a body, cell, header or footer, in document order."""
    ut: list = []
    for el in element.iterchildren():
        if el.tag == qn("w:p"):
            ut.append(Paragraph(el, förälder).text)
        elif el.tag == qn("w:tbl"):
            rader = []
            for tr in el.iterchildren(qn("w:tr")):
                celler = []
                for tc in tr.iterchildren(qn("w:tc")):
                    inre = _block(tc, förälder)
                    celler.append("\n".join(inre) if all(isinstance(x, str) for x in inre) else inre)
                rader.append(celler)
            ut.append({"tabell": rader})
        elif el.tag == qn("w:sdt"):
            innehåll = el.find(qn("w:sdtContent"))
            if innehåll is not None:
                ut += _block(innehåll, förälder)
        elif el.tag not in _UTAN_TEXT:
            ut.append({"okänt element": el.tag})  # shows up in the golden file instead of vanishing
    return ut


def _word(sökväg: Path) -> dict:
    d = docx.Document(str(sökväg))
    sidhuvud = []
    for nr, s in enumerate(d.sections, start=1):
        for namn in ("header", "footer", "first_page_header", "first_page_footer", "even_page_header",
                     "even_page_footer"):
            hf = getattr(s, namn)
            if not hf.is_linked_to_previous:
                sidhuvud.append({f"sektion {nr} {namn}": _block(hf._element, hf)})
    p = d.core_properties
    egenskaper = {k: getattr(p, k) for k in ("author", "last_modified_by", "title", "subject", "keywords",
                                              "category", "comments")}
    return {"word": _block(d.element.body, d._body), "word_sidhuvud_och_sidfot": sidhuvud,
            "word_egenskaper": egenskaper}


def _axel(ax) -> dict:
    """What one chart's axes show, without drawing it."""
    ut: dict = {"titel": ax.get_title(), "x": ax.get_xlabel(), "y": ax.get_ylabel()}
    for namn, axel in (("xtick", ax.xaxis), ("ytick", ax.yaxis)):
        if isinstance(axel.get_major_locator(), FixedLocator):  # ticks the code set, not matplotlib's choice
            ut[namn] = [t.get_text() for t in axel.get_ticklabels()]
    if ax.get_legend() is not None:
        ut["legend"] = [t.get_text() for t in ax.get_legend().get_texts()]
    ut["linjer"] = [{"etikett": None if str(ln.get_label()).startswith("_") else ln.get_label(),
                     "färg": to_hex(ln.get_color()), "x": list(ln.get_xdata()), "y": list(ln.get_ydata())}
                    for ln in ax.get_lines()]
    ut["staplar"] = [{"etikett": None if str(c.get_label()).startswith("_") else c.get_label(),
                      "färger": [to_hex(p.get_facecolor()) for p in c], "värden": list(c.datavalues)}
                     for c in ax.containers]
    ut["texter"] = [t.get_text() for t in ax.texts]
    return ut


@pytest.fixture
def diagram(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Chart file name -> what the chart shows; savefig writes a blank PNG unless KOMMUNRAPPORT_GOLDEN_RITA=1."""
    sparade: dict = {}
    original = matplotlib.figure.Figure.savefig

    def savefig(fig, fname, *args, **kwargs):
        sparade[Path(fname).name] = [_axel(ax) for ax in fig.axes]
        if RITA:
            return original(fig, fname, *args, **kwargs)
        dpi = kwargs.get("dpi") or fig.dpi
        bredd, höjd = (round(x * dpi) for x in fig.get_size_inches())
        Image.new("RGB", (bredd, höjd), "white").save(fname, format="PNG")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    return sparade


# ---------------------------------------------------------------- running and comparing


@dataclass
class Körning:
    exit_code: int
    stdout: str
    stderr: str


def _kör(args: list[str], ut: Path, monkeypatch: pytest.MonkeyPatch) -> Körning:
    """The command as the entry point runs it (kommunrapport.cli.main: errors said in Swedish, exit codes)."""
    monkeypatch.chdir(ROT)
    monkeypatch.delenv("KOMMUNRAPPORT_DEBUG", raising=False)
    out, err = io.StringIO(), io.StringIO()
    kod = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            kommunrapport.cli.main([*args, "--config", KONFIG, "--out", str(ut)])
        except SystemExit as exc:
            kod = exc.code if isinstance(exc.code, int) else 1
    return Körning(kod, out.getvalue(), err.getvalue())


def _rapport(args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, diagram: dict, json_ut: bool) -> dict:
    """One run's outputs; with --publik those of the public version (the internal one is the golden without it)."""
    ut = tmp_path / "ut"
    res = _kör(args, ut, monkeypatch)
    assert res.exit_code == 0, f"exit {res.exit_code}\nstdout:\n{res.stdout}\nstderr:\n{res.stderr}"
    filer = sorted(p.name for p in ut.iterdir())
    publika = [f for f in filer if "_intern." not in f]
    md = [f for f in publika if f.endswith(".md")]
    bilagor = [f for f in publika if f.startswith("bilaga_") and f.endswith(".xlsx")]
    worddok = [f for f in publika if f.endswith(".docx")]
    diagram = {k: v for k, v in diagram.items() if "_intern." not in k}
    assert len(md) == len(bilagor) == len(worddok) == 1, filer
    blad, bilaga = _bilaga(ut / bilagor[0])
    data = {
        "filer": filer,
        "markdown": (ut / md[0]).read_bytes().decode("utf-8").split("\n"),
        "bilaga_blad": blad,
        "bilaga": bilaga,
        **_word(ut / worddok[0]),
        "diagram": diagram,
        "stderr": res.stderr.splitlines(),
    }
    if json_ut:
        data["json"] = json.loads(res.stdout)
    else:
        assert res.stdout == ""
    return _normera(data, {str(ut): "<UT>", str(ROT): "<ROT>"})


def _jämför(namn: str, färsk: dict) -> None:
    """Compare with tests/golden/<namn>.json part by part, or rewrite it (KOMMUNRAPPORT_GOLDEN_UPPDATERA=1)."""
    fil = GOLDEN / f"{namn}.json"
    text = _json_text(färsk) + "\n"
    färsk = json.loads(text)  # exactly what a saved file holds (tuples as lists, etc.)
    if UPPDATERA:
        GOLDEN.mkdir(exist_ok=True)
        fil.write_text(text, encoding="utf-8")
        return
    assert fil.exists(), f"{fil} saknas; skapa den med KOMMUNRAPPORT_GOLDEN_UPPDATERA=1"
    sparad = json.loads(fil.read_text(encoding="utf-8"))
    assert sorted(färsk) == sorted(sparad), f"{fil.name}: other parts than saved"
    for del_ in sorted(färsk):
        assert färsk[del_] == sparad[del_], f"{fil.name}: '{del_}' differs from the saved golden file"


# ---------------------------------------------------------------- the cases


def test_golden_ekonomi_feb(tmp_path, monkeypatch, diagram):
    _jämför("ekonomi_2025-02", _rapport(["ekonomi", "--month", "feb", "--json"], tmp_path, monkeypatch, diagram, True))


def test_golden_ekonomi_aug(tmp_path, monkeypatch, diagram):
    # 2024: the example ledger has no utfall for 2025 after February
    _jämför("ekonomi_2024-08",
            _rapport(["ekonomi", "--month", "aug", "--year", "2024", "--json"], tmp_path, monkeypatch, diagram, True))


def test_golden_volymer_feb(tmp_path, monkeypatch, diagram):
    _jämför("volymer_2025-02", _rapport(["volymer", "--month", "feb", "--json"], tmp_path, monkeypatch, diagram, True))


def test_golden_volymer_feb_publik(tmp_path, monkeypatch, diagram):
    # the public version (the example's [publik]: below 10, on with --publik); the internal one beside it is
    # the same as volymer_2025-02 (tests/test_maskering.py)
    _jämför("volymer_2025-02_publik",
            _rapport(["volymer", "--month", "feb", "--json", "--publik"], tmp_path, monkeypatch, diagram, True))


def test_golden_ks_apr(tmp_path, monkeypatch, diagram):
    _jämför("ks_2024-04", _rapport(["ks", "--month", "apr", "--year", "2024"], tmp_path, monkeypatch, diagram, False))


def test_golden_ks_aug(tmp_path, monkeypatch, diagram):
    _jämför("ks_2024-08", _rapport(["ks", "--month", "aug", "--year", "2024"], tmp_path, monkeypatch, diagram, False))


def test_golden_ks_dec(tmp_path, monkeypatch, diagram):
    if HISTORIK.exists():
        pytest.fail(f"{HISTORIK} finns (från 'kommunrapport kör' på exemplet): rapporten jan–dec läser "
                    "prognosen jan–aug därifrån, och golden-filen gäller körningen utan historik. Ta bort filen.")
    _jämför("ks_2024-12", _rapport(["ks", "--month", "dec", "--year", "2024"], tmp_path, monkeypatch, diagram, False))


FEL = {
    "ekonomi_aug_2025": ["ekonomi", "--month", "aug", "--json"],
    "ks_apr_2025": ["ks", "--month", "apr"],
    "ks_aug_2025": ["ks", "--month", "aug"],
    "ks_dec_2025": ["ks", "--month", "dec"],
    "ks_feb": ["ks", "--month", "feb"],
}


def test_golden_fel_manad_utan_utfall(tmp_path, monkeypatch):
    """Months the example cannot report on today: exit code and message, and nothing written."""
    färsk = {}
    for namn, args in FEL.items():
        ut = tmp_path / namn
        res = _kör(args, ut, monkeypatch)
        färsk[namn] = {"kommando": args, "exit_code": res.exit_code, "stdout": res.stdout.splitlines(),
                       "stderr": res.stderr.splitlines(), "ut_finns": ut.exists()}
    _jämför("fel_manad_utan_utfall", _normera(färsk, {str(tmp_path): "<TMP>", str(ROT): "<ROT>"}))
