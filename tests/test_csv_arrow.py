"""pyarrow's CSV reader (input/files._läs_csv_arrow) gives exactly what pandas' reader gave: the same cells,
row numbers and figures, and the same errors at the same file, row and column, on the hostile corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from kommunrapport.errors import IndataFel, KommunrapportFel
from kommunrapport.input import files
from kommunrapport.input.files import läs_tabell
from kommunrapport.input.ledger import läs_ekonomi

sys.path.insert(0, str(Path(__file__).parent / "korpus"))
from generera import fall  # noqa: E402

ALLA = fall()
MED_CSV = [f for f in ALLA if any(n.endswith(".csv") for n in f.filer)]


def _läs(sökväg: Path, inställningar: dict, arrow: bool, monkeypatch) -> tuple[str, object]:
    """('ok', the ledger, row numbers and warnings) or ('fel', every error with its place), read by pyarrow
    (every size of file) or by pandas only."""
    monkeypatch.setattr(files, "ARROW_FRÅN", 0 if arrow else 1 << 62)
    läst: list[bool] = []
    original = files._läs_csv_arrow

    def spion(*a, **k):
        df = original(*a, **k)
        läst.append(df is not None)
        return df

    monkeypatch.setattr(files, "_läs_csv_arrow", spion)
    try:
        hb = läs_ekonomi(sökväg, **inställningar)
    except KommunrapportFel as exc:
        fel = exc.alla if isinstance(exc, IndataFel) else [exc]
        return "fel", ([(str(e), e.plats) for e in fel], läst)
    return "ok", (hb.data, list(hb.tabell.radnummer), hb.varningar, läst)


@pytest.mark.parametrize("f", MED_CSV, ids=[f.namn for f in MED_CSV])
def test_the_corpus_reads_the_same_with_pyarrow(f, tmp_path, monkeypatch):
    for namn, data in f.filer.items():
        (tmp_path / namn).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / namn).write_bytes(data)
    inställningar = {k: v for k, v in f.inställningar.items()
                     if k in ("tecken", "värden", "blad", "kolumner", "decimaltecken", "dubbletter")}
    for namn in f.filer:
        if not namn.endswith(".csv"):
            continue
        pandas_ = _läs(tmp_path / namn, inställningar, False, monkeypatch)
        arrow = _läs(tmp_path / namn, inställningar, True, monkeypatch)
        assert arrow[0] == pandas_[0]
        if arrow[0] == "fel":
            assert arrow[1][0] == pandas_[1][0]  # the same errors at the same file, row and column
        else:
            pd.testing.assert_frame_equal(arrow[1][0], pandas_[1][0])
            assert arrow[1][1:3] == pandas_[1][1:3]  # row numbers and warnings


def test_the_corpus_takes_the_arrow_path_where_it_can(tmp_path, monkeypatch):
    """Not every case falls back to pandas: the comparison above is of the Arrow reader's own output."""
    arrow = 0
    for i, f in enumerate(MED_CSV):
        (tmp_path / str(i)).mkdir()
        (tmp_path / str(i) / f.data).write_bytes(f.filer.get(f.data, b""))
        if f.data.endswith(".csv") and f.filer.get(f.data):
            status, (*_, läst) = _läs(tmp_path / str(i) / f.data, {}, True, monkeypatch)
            arrow += any(läst)
    assert arrow >= 20, arrow


def test_a_big_export_is_read_by_pyarrow_with_the_same_cells(tmp_path, monkeypatch):
    rader = ["Rapport: huvudbok", "", "År;Månad;Verksamhet;Konto;Utfall;Budget"]
    rader += [f"2025;{m};{1000 + i % 7};5010;{i} {i % 1000:03d},50;-{i},00" for i in range(2000) for m in (1, 2)]
    rader.append("2025;3;1000;5010;;")  # empty cells: '' in both
    p = tmp_path / "stor.csv"
    p.write_text("\r\n".join(rader) + "\r\n", encoding="utf-8-sig")
    monkeypatch.setattr(files, "ARROW_FRÅN", 0)
    a = läs_tabell(p, lambda h: "verksamhet" in h, "x")
    monkeypatch.setattr(files, "ARROW_FRÅN", 1 << 62)
    b = läs_tabell(p, lambda h: "verksamhet" in h, "x")
    pd.testing.assert_frame_equal(a.data, b.data)
    assert list(a.radnummer) == list(b.radnummer) and a.radnummer[0] == 4 and a.radnummer[-1] == 4004
    assert a.data.iloc[2, 4] == "1 001,50" and a.data.iloc[-1, 4] == ""
    monkeypatch.setattr(files, "ARROW_FRÅN", 0)
    assert files._läs_csv_arrow(memoryview(p.read_bytes())[3:], ";", 3, 6) is not None
    assert a.titlar == b.titlar == ["Rapport: huvudbok"]


@pytest.mark.parametrize("kodning", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_every_encoding_reads_the_same_with_pyarrow(tmp_path, monkeypatch, kodning):
    rader = ["År;Månad;Verksamhet;Utfall;Budget"] + [f"2025;{m};Äldreomsorg {i};{i},50;-{i}" for i in range(50)
                                                     for m in (1, 2)]
    p = tmp_path / "e.csv"
    p.write_text("\n".join(rader), encoding=kodning)  # no line break at the end
    monkeypatch.setattr(files, "ARROW_FRÅN", 0)
    a = läs_tabell(p, lambda h: "verksamhet" in h, "x")
    monkeypatch.setattr(files, "ARROW_FRÅN", 1 << 62)
    b = läs_tabell(p, lambda h: "verksamhet" in h, "x")
    pd.testing.assert_frame_equal(a.data, b.data)
    assert list(a.radnummer) == list(b.radnummer) and len(a.data) == 100 and a.data.iloc[0, 2] == "Äldreomsorg 0"


def test_a_row_with_a_field_too_many_is_the_same_error(tmp_path, monkeypatch):
    p = tmp_path / "fel.csv"
    p.write_text("År;Månad;Verksamhet;Utfall;Budget\n2025;1;1000;5;6\n2025;2;1000;5;6;7\n", encoding="utf-8")
    monkeypatch.setattr(files, "ARROW_FRÅN", 0)
    with pytest.raises(IndataFel) as info:
        läs_tabell(p, lambda h: "verksamhet" in h, "x")
    assert info.value.plats.rad == 3 and "fler fält än rubrikraden (5)" in str(info.value)
