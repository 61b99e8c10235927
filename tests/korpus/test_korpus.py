"""Runs the hostile-input corpus (generera.py): every case gives the exact figures, or a Swedish error or
warning that names the place. The counts are printed at the end of the test run (conftest.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from generera import Fall, fall  # noqa: E402

from conftest import kör_cli  # noqa: E402
from kommunrapport.api import ekonomirapport
from kommunrapport.errors import IndataFel, KommunrapportFel

FALL = fall()
UTFALL: dict[str, str] = {}  # case name → rätt siffror | tydligt fel | varning (for the summary)


def _skriv(f: Fall, mapp: Path) -> None:
    for namn, data in f.filer.items():
        (mapp / namn).parent.mkdir(parents=True, exist_ok=True)
        (mapp / namn).write_bytes(data)


def _kör_kommando(f: Fall, mapp: Path) -> None:
    """A fault case: the command line in the case's folder ends in a Swedish error (exit 2) that names the
    place, and writes no report."""
    assert f.kommando is not None
    före = {p for p in mapp.rglob("*")}
    r = kör_cli(*f.kommando, cwd=mapp)
    assert r.returncode == 2, f"slutkod {r.returncode}:\n{r.stderr}"
    saknas = [t for t in f.texter if t not in r.stderr]
    assert not saknas, f"felet nämner inte {saknas}:\n{r.stderr}"
    assert "internt fel" not in r.stderr and "Traceback" not in r.stderr
    nya = {p for p in mapp.rglob("*")} - före
    assert not [p for p in nya if p.suffix in (".md", ".docx", ".xlsx", ".png")], nya


@pytest.mark.parametrize("f", [pytest.param(f, marks=pytest.mark.xfail(reason=f.känt_fel, strict=True))
                               if f.känt_fel else f for f in FALL], ids=[f.namn for f in FALL])
def test_korpus(f: Fall, tmp_path: Path):
    _skriv(f, tmp_path)
    indata = dict(f.inställningar)
    if f.kommando is not None:
        _kör_kommando(f, tmp_path)
        UTFALL[f.namn] = "tydligt fel"
        return
    if f.väntat == "fel":
        with pytest.raises(KommunrapportFel) as info:
            ekonomirapport(tmp_path / f.data, tmp_path / "verksamheter.csv", f.månad, 2025, **indata)
        exc = info.value
        text = "\n".join(str(e) for e in (exc.alla if isinstance(exc, IndataFel) else [exc]))
        saknas = [t for t in f.texter if t not in text]
        assert not saknas, f"felet nämner inte {saknas}:\n{text}"
        assert "Traceback" not in text and "nan" not in text.split()
        UTFALL[f.namn] = "tydligt fel"
        return
    r = ekonomirapport(tmp_path / f.data, tmp_path / "verksamheter.csv", f.månad, 2025, **indata)
    assert f.facit is not None
    fått = {rad: float(r.ackumulerad_avvikelse.loc[rad, f.månad]) for rad in ("nämnd", "hemtjänst", "dag", "boende")}
    fått["total"] = r.avvikelse
    assert fått == pytest.approx(f.facit, abs=0.005), "fel siffror"
    varningar = "\n".join(r.varningar)
    if f.väntat == "varning":
        saknas = [t for t in f.texter if t not in varningar]
        assert not saknas, f"varningen nämner inte {saknas}:\n{varningar}"
        UTFALL[f.namn] = "varning"
    else:
        assert not r.varningar, varningar
        UTFALL[f.namn] = "rätt siffror"


def test_korpuset_är_stort_nog():
    assert len(FALL) >= 100
    assert len({f.namn for f in FALL}) == len(FALL)
