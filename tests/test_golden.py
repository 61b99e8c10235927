"""Golden test: every report's output on the bundled examples, pinned in tests/golden/*.json.

Each case runs a report in-process through the entry point (kommunrapport.cli.main, by `kör_cli`: a real
process's stderr, warnings included), with `--config examples/kommunrapport.toml` (the working directory is
the repository root, as when a user runs the example) and `--out` a temporary folder, and compares what it
wrote with the saved file:

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

Speed: the runs are `exempelkörning` (tests/conftest.py): each is made once per test run and shared with
the other tests that look at the example's reports (the Word and annex checks of test_misstryck and
test_word_layout, the reference report of test_cli). Rasterising the PNG charts (18 in the volume report,
2 in each ekonomi report) is about half the run time, and their bytes are not compared, so matplotlib's
Figure.savefig is replaced by one that records the chart (the "diagram" part) and writes a blank PNG of the
same pixel size (the Word report still embeds it). Set KOMMUNRAPPORT_GOLDEN_RITA=1 to draw the real PNGs as
well (slower; same golden files).

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

import datetime as dt
import json
import math
import os
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

import kommunrapport.render.word  # noqa: F401 - read the .docx as the run that wrote it does (see _word)
from conftest import EXEMPELKONFIG, Exempelkörning, kör_cli

ROT = Path(__file__).resolve().parents[1]
KONFIG = EXEMPELKONFIG  # relative to ROT, the working directory of the runs
HISTORIK = ROT / "examples" / "ut" / "historik.sqlite"
GOLDEN = Path(__file__).resolve().parent / "golden"
UPPDATERA = os.environ.get("KOMMUNRAPPORT_GOLDEN_UPPDATERA") == "1"
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
    # render/word.py gives python-docx its prefix 'cp' back after docxcompose rebinds it; this module imports it
    # so the reading is the same whichever test ran first in this process
    # (test_word.py::test_the_core_properties_are_in_the_core_properties_namespace).
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


# ---------------------------------------------------------------- running and comparing


def _rapport(körning: Exempelkörning, json_ut: bool) -> dict:
    """One run's outputs; with --publik those of the public version (the internal one is the golden without it)."""
    res, ut = körning, körning.ut
    assert res.returncode == 0, f"exit {res.returncode}\nstdout:\n{res.stdout}\nstderr:\n{res.stderr}"
    filer = sorted(p.name for p in ut.iterdir())
    publika = [f for f in filer if "_intern." not in f]
    md = [f for f in publika if f.endswith(".md")]
    bilagor = [f for f in publika if f.startswith("bilaga_") and f.endswith(".xlsx")]
    worddok = [f for f in publika if f.endswith(".docx")]
    diagram = {k: v for k, v in res.diagram.items() if "_intern." not in k}
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


def test_golden_ekonomi_feb(exempelkörning):
    _jämför("ekonomi_2025-02", _rapport(exempelkörning("ekonomi", "--month", "feb", "--json"), True))


def test_golden_ekonomi_aug(exempelkörning):
    # 2024: the example ledger has no utfall for 2025 after February
    _jämför("ekonomi_2024-08", _rapport(exempelkörning("ekonomi", "--month", "aug", "--year", "2024", "--json"), True))


def test_golden_volymer_feb(exempelkörning):
    _jämför("volymer_2025-02", _rapport(exempelkörning("volymer", "--month", "feb", "--json"), True))


def test_golden_volymer_feb_publik(exempelkörning):
    # the public version (the example's [publik]: below 10, on with --publik); the internal one beside it is
    # the same as volymer_2025-02 (tests/test_maskering.py)
    _jämför("volymer_2025-02_publik", _rapport(exempelkörning("volymer", "--month", "feb", "--json", "--publik"), True))


def test_golden_ks_apr(exempelkörning):
    _jämför("ks_2024-04", _rapport(exempelkörning("ks", "--month", "apr", "--year", "2024"), False))


def test_golden_ks_aug(exempelkörning):
    _jämför("ks_2024-08", _rapport(exempelkörning("ks", "--month", "aug", "--year", "2024"), False))


def test_golden_ks_dec(exempelkörning):
    if HISTORIK.exists():
        pytest.fail(f"{HISTORIK} finns (från 'kommunrapport kör' på exemplet): rapporten jan–dec läser "
                    "prognosen jan–aug därifrån, och golden-filen gäller körningen utan historik. Ta bort filen.")
    _jämför("ks_2024-12", _rapport(exempelkörning("ks", "--month", "dec", "--year", "2024"), False))


FEL = {
    "ekonomi_aug_2025": ["ekonomi", "--month", "aug", "--json"],
    "ks_apr_2025": ["ks", "--month", "apr"],
    "ks_aug_2025": ["ks", "--month", "aug"],
    "ks_dec_2025": ["ks", "--month", "dec"],
    "ks_feb": ["ks", "--month", "feb"],
}


def test_golden_fel_manad_utan_utfall(tmp_path):
    """Months the example cannot report on today: exit code and message, and nothing written."""
    färsk = {}
    for namn, args in FEL.items():
        ut = tmp_path / namn
        res = kör_cli(*args, "--config", KONFIG, "--out", ut, cwd=ROT)
        färsk[namn] = {"kommando": args, "exit_code": res.returncode, "stdout": res.stdout.splitlines(),
                       "stderr": res.stderr.splitlines(), "ut_finns": ut.exists()}
    _jämför("fel_manad_utan_utfall", _normera(färsk, {str(tmp_path): "<TMP>", str(ROT): "<ROT>"}))
