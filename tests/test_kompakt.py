"""A big export validated compactly (läs_ekonomi(kompakt_från=…), what `kör` does from a million rows): each text
column kept only as codes once factorised, the cells let go after validating, categoricals and int16 in the
ledger. The figures, row numbers, warnings and errors (their texts and places) are those of the normal way, on
every export of the hostile corpus, read by pyarrow and by pandas."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kommunrapport.errors import IndataFel, KommunrapportFel
from kommunrapport.input import files
from kommunrapport.input.ledger import läs_ekonomi, reducera

sys.path.insert(0, str(Path(__file__).parent / "korpus"))
from generera import fall  # noqa: E402

ALLA = [f for f in fall() if f.filer.get(f.data) and not f.kommando]


def _läs(sökväg: Path, inställningar: dict, kompakt: bool) -> tuple[str, object]:
    try:
        hb = läs_ekonomi(sökväg, **inställningar, med_ansvar=True, kompakt_från=0 if kompakt else None)
    except KommunrapportFel as exc:
        fel = exc.alla if isinstance(exc, IndataFel) else [exc]
        return "fel", [(str(e), e.plats) for e in fel]
    return "ok", hb


def _som_läst(data: pd.DataFrame) -> pd.DataFrame:
    """The compact ledger's columns as the normal one has them (categoricals as their text, int16 as int64)."""
    ut = data.copy()
    for c in ut.columns:
        if isinstance(ut[c].dtype, pd.CategoricalDtype):
            ut[c] = ut[c].astype(ut[c].cat.categories.dtype)
        elif ut[c].dtype == np.int16:
            ut[c] = ut[c].astype(np.int64)
    return ut


@pytest.mark.parametrize("arrow", [True, False], ids=["pyarrow", "pandas"])
@pytest.mark.parametrize("f", ALLA, ids=[f.namn for f in ALLA])
def test_the_compact_ledger_is_the_same(f, arrow, tmp_path, monkeypatch):
    monkeypatch.setattr(files, "ARROW_FRÅN", 0 if arrow else 1 << 62)
    for namn, data in f.filer.items():
        (tmp_path / namn).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / namn).write_bytes(data)
    inställningar = {k: v for k, v in f.inställningar.items()
                     if k in ("tecken", "värden", "blad", "kolumner", "decimaltecken", "dubbletter")}
    vanlig = _läs(tmp_path / f.data, inställningar, False)
    kompakt = _läs(tmp_path / f.data, inställningar, True)
    assert kompakt[0] == vanlig[0]
    if vanlig[0] == "fel":
        assert kompakt[1] == vanlig[1]  # the same errors, with the same cell texts, at the same places
        return
    v, k = vanlig[1], kompakt[1]
    pd.testing.assert_frame_equal(_som_läst(k.data), v.data)
    assert list(k.tabell.radnummer) == list(v.tabell.radnummer)
    assert k.varningar == v.varningar
    pd.testing.assert_frame_equal(reducera(k).data, reducera(v).data)


def test_a_compact_export_lets_its_cells_go_and_keeps_the_codes(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "ARROW_FRÅN", 0)
    rader = ["År;Månad;Ansvar;Verksamhet;Konto;Utfall;Budget"]
    rader += [f"2025;{m};04{i % 3};{1000 + i % 7} ;{3510 if i % 2 else 4610};{i} {i % 1000:03d},50;-{i},00"
              for i in range(300) for m in (1, 2)]
    (tmp_path / "e.csv").write_text("\n".join(rader) + "\n", encoding="utf-8")
    hb = läs_ekonomi(tmp_path / "e.csv", med_ansvar=True, kompakt_från=0)
    assert len(hb.tabell.data) == 0 and list(hb.tabell.data.columns)[:3] == ["år", "månad", "ansvar"]
    d = hb.data
    assert d["år"].dtype == np.int16 and d["månad"].dtype == np.int16
    assert all(isinstance(d[c].dtype, pd.CategoricalDtype) for c in ("verksamhet", "konto", "typ", "ansvar"))
    assert d["verksamhet"].iloc[5] == "1002"  # (row 5: i = 2) stripped, as _textkolumn gives it
    assert d["typ"].iloc[0] == "kostnad" and d["typ"].iloc[2] == "intäkt"
    koder, unika = hb.kodning("verksamhet")
    assert (unika[koder] == d["verksamhet"].astype(str).to_numpy()).all()
    assert d["utfall"].iloc[2] == -1001.5  # row 1 000,50 in month 1 (cost positive: the sign turned)
    assert hb.tabell.plats(3, "konto").rad == 5  # row numbers kept for messages


def test_a_compact_export_reports_bad_cells_with_their_text(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "ARROW_FRÅN", 0)
    rader = ["År;Månad;Verksamhet;Konto;Utfall;Budget", "2025;1;1000;3510;5;5", "2025;13;1000;9999;x;5",
             "20x5;2;;3510;1;1"]
    (tmp_path / "e.csv").write_text("\n".join(rader) + "\n", encoding="utf-8")
    with pytest.raises(IndataFel) as fel:
        läs_ekonomi(tmp_path / "e.csv", kompakt_från=0)
    texter = [str(e) for e in fel.value.alla]
    assert any("rad 3" in t and "'13' är ingen månad" in t for t in texter), texter
    assert any("rad 4" in t and "'20x5' är inget årtal" in t for t in texter), texter
    assert any("rad 4" in t and "verksamhet saknas" in t for t in texter), texter
    assert any("rad 3" in t and "'x' är inget tal" in t for t in texter), texter
    assert any("rad 3" in t and "kontot '9999' är inget resultatkonto" in t for t in texter), texter
