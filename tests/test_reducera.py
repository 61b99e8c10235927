"""Reduce early: the reports work on the ledger summed per line and month (input.ledger.reducera), the
history's fingerprint stays byte for byte what it was, and the faster duplicate check finds the same rows."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunrapport.calc import closing
from kommunrapport.errors import IndataFel
from kommunrapport.input.files import läs_tabell
from kommunrapport.input.headers import kolumnkarta
from kommunrapport.input.ledger import Huvudbok, _dubbletter, _kopior, läs_ekonomi, reducera
from kommunrapport.input.mapping import koppla_rader, läs_mappning
from kommunrapport.reports.ekonomi import bygg_ekonomirapport

EXEMPEL = Path(__file__).resolve().parents[1] / "examples" / "ekonomi"
KOLUMNER = ["år", "månad", "verksamhet", "konto", "typ", "utfall", "budget"]


def underlag_som_förut(df: pd.DataFrame, år: int, månad: int, kolumner: list[str], från_år: int | None = None) -> str:
    """calc.closing.underlag as it was before it was made fast: the reference the history was written with."""
    från = år - 1 if från_år is None else från_år
    d = df[((df["år"] == år) & (df["månad"] <= månad)) | ((df["år"] >= från) & (df["år"] < år))]
    d = d[[c for c in kolumner if c in d.columns]].copy()
    for c in d.columns:
        if pd.api.types.is_float_dtype(d[c].dtype):
            d[c] = np.round(d[c].to_numpy(dtype=float), 2) + 0.0
    text = d.astype(str).sort_values(list(d.columns)).to_csv(index=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_fingerprint_is_byte_identical_to_the_one_in_existing_histories():
    rng = np.random.default_rng(7)
    n = 5000
    df = pd.DataFrame({
        "år": rng.choice([2023, 2024, 2025], n), "månad": rng.integers(1, 13, n),
        "verksamhet": rng.choice(["510", "5101", "52", "é1", " x", "Å", ""], n).astype(object),
        "konto": rng.choice(["4010", "3010", ""], n).astype(object),
        "typ": rng.choice(np.array(["intäkt", "kostnad", None], dtype=object), n),
        "utfall": np.round(rng.normal(0, 1e5, n), 3),
        "budget": rng.choice([0.0, -0.0, 1e16, np.nan, 0.1 + 0.2, -5.005, 1e-5, 12.0], n),
        "prognos": rng.normal(size=n)})
    for månad in (1, 2, 9, 10, 12):
        assert closing.underlag(df, 2025, månad, KOLUMNER) == underlag_som_förut(df, 2025, månad, KOLUMNER)
    serier = pd.DataFrame({"serie": rng.choice(["hemtjänst", "plac"], 300), "år": rng.integers(2019, 2026, 300),
                           "månad": rng.integers(1, 13, 300), "värde": rng.normal(size=300)})
    args = (2025, 3, ["serie", "år", "månad", "värde"], 2020)
    assert closing.underlag(serier, *args) == underlag_som_förut(serier, *args)
    serier.loc[5, "serie"] = 'a "citat", med komma'  # quoted in the CSV text: the slow way, the same result
    assert closing.underlag(serier, *args) == underlag_som_förut(serier, *args)
    assert closing.underlag(df.iloc[:0], 2025, 3, KOLUMNER) == underlag_som_förut(df.iloc[:0], 2025, 3, KOLUMNER)
    # and it still changes when a figure of the period does
    ändrad = df.copy()
    ändrad.loc[ändrad.index[(ändrad["år"] == 2025) & (ändrad["månad"] == 1)][0], "utfall"] += 1
    assert closing.underlag(ändrad, 2025, 2, KOLUMNER) != closing.underlag(df, 2025, 2, KOLUMNER)


def test_the_example_report_is_the_same_from_lines_and_from_the_reduced_ledger():
    bok = läs_ekonomi(EXEMPEL / "ekonomi_2024_2025.csv")
    träd = läs_mappning(EXEMPEL / "verksamheter.csv")
    # every line split in two export rows (a quarter and three quarters of each amount), rows shuffled
    d = bok.data
    delar = [d.assign(**{c: d[c] * f for c in ("utfall", "budget", "prognos")}) for f in (0.25, 0.75)]
    linjer = pd.concat(delar).sample(frac=1, random_state=3).reset_index(drop=True)
    linjer["källrad"] = np.arange(2, len(linjer) + 2)
    rader = Huvudbok(linjer, bok.tabell, bok.kodkolumn, list(bok.varningar))
    red = reducera(rader)
    assert red.reducerad and not rader.reducerad
    assert len(red.data) < len(rader.data)
    assert int(red.data["rader"].sum()) == len(rader.data)
    assert reducera(red) is red
    a = bygg_ekonomirapport(rader, träd, 2, 2025)
    b = bygg_ekonomirapport(red, träd, 2, 2025)
    pd.testing.assert_frame_equal(a.ackumulerad_avvikelse, b.ackumulerad_avvikelse, rtol=1e-9, atol=1e-4)  # kr: only the order of the sums differs
    pd.testing.assert_frame_equal(a.nyckeltal, b.nyckeltal, rtol=1e-9, atol=1e-4)  # kr: only the order of the sums differs
    pd.testing.assert_frame_equal(a.ks, b.ks, rtol=1e-9, atol=1e-4)  # kr: only the order of the sums differs
    pd.testing.assert_series_equal(a.prognosavvikelse, b.prognosavvikelse, rtol=1e-9, atol=1e-4)  # kr: only the order of the sums differs
    assert a.preliminär == b.preliminär and a.varningar == b.varningar
    l_a, l_b = koppla_rader(rader, träd), koppla_rader(red, träd)
    assert closing.månader_med_utfall(l_a) == closing.månader_med_utfall(l_b)
    for år, månad in [(2025, 1), (2025, 2), (2025, 3), (2024, 12)]:
        assert closing.dataskäl(l_a, år, månad) == closing.dataskäl(l_b, år, månad)


def skriv(tmp_path: Path, rader: list[str]) -> Path:
    fil = tmp_path / "ekonomi.csv"
    fil.write_text("År;Månad;Verksamhet;Konto;Utfall;Budget;Prognos\n" + "\n".join(rader) + "\n", encoding="utf-8")
    return fil


def test_reduced_rows_count_lines_and_lines_with_outcome(tmp_path):
    fil = skriv(tmp_path, [
        "2025;1;510;4010;100;50;",       # row 2
        "2025;1;520;4010;30;30;30",      # row 3
        "2025;1;510;4010;-100;50;",      # row 4: cancels row 2's outcome, the line still has outcome
        "2025;2;510;4010;0;50;",         # row 5
        "2025;1;510;3010;-7;0;-7",       # row 6
        "2025;1;510;4010;0;0;12",        # row 7: a forecast on one of the lines
    ])
    red = reducera(läs_ekonomi(fil)).data
    rad = red[(red["verksamhet"] == "510") & (red["konto"] == "4010") & (red["månad"] == 1)].iloc[0]
    assert (rad["utfall"], rad["budget"], rad["prognos"]) == (0.0, -100.0, -12.0)
    assert (rad["rader"], rad["utfallsrader"], rad["källrad"]) == (3, 2, 2)
    feb = red[red["månad"] == 2].iloc[0]
    assert (feb["rader"], feb["utfallsrader"]) == (1, 0) and np.isnan(feb["prognos"])
    assert list(red["källrad"]) == [2, 3, 5, 6]  # in the order of their first export row
    # the closed-month check sees the line of cancelling amounts as a line with outcome, as before
    assert closing.har_utfall(red).tolist() == [True, True, False, True]
    assert closing.månader_med_utfall(red) == [(2025, 1)]


def test_an_unknown_code_names_its_first_row_and_counts_export_rows(tmp_path):
    fil = skriv(tmp_path, ["2025;1;510;4010;1;1;", "2025;1;999;4010;1;1;", "2025;2;999;4010;1;1;",
                           "2025;1;999;4010;2;1;"])
    mappning = tmp_path / "verksamheter.csv"
    mappning.write_text("id;rubrik;förälder;koder\nv;Verksamhet;;510\n", encoding="utf-8")
    träd = läs_mappning(mappning)
    meddelanden = []
    for bok in (läs_ekonomi(fil), reducera(läs_ekonomi(fil))):
        with pytest.raises(IndataFel) as e:
            koppla_rader(bok, träd)
        meddelanden.append(str(e.value))
    assert meddelanden[0] == meddelanden[1]
    assert "'999' (3 rader)" in meddelanden[0] and "rad 3" in meddelanden[0]


def test_the_duplicate_check_on_parsed_amounts_finds_exactly_the_identical_rows(tmp_path):
    fil = skriv(tmp_path, [
        "2025;1;510;4010;1000;5;",
        "2025;1;510;4010;1 000;5;",   # the same figures, other text: not a copy
        "2025;1;510;4010;1000;5;",    # a copy of row 2
        "2025;1;510;4010;-0;5;",
        "2025;1;510;4010;0;5;",       # -0 and 0: other text
        "2025;1;510;4010;x;5;",       # no number: NaN, as the next
        "2025;1;510;4010;y;5;",
        "2025;1;510;4010;y;5;",       # a copy of row 8
    ])
    tabell = läs_tabell(fil, lambda h: "verksamhet" in kolumnkarta(h, None), "kolumnen verksamhet")
    df = tabell.data
    tal = {c: pd.to_numeric(df[c].str.replace(" ", ""), errors="coerce").to_numpy() for c in ("utfall", "budget",
                                                                                             "prognos")}
    kopior, _ = _kopior(df, tal)
    assert kopior.tolist() == df.duplicated().tolist() == [False, False, True, False, False, False, False, True]
    assert _dubbletter(tabell, "varning", tal) == _dubbletter(tabell, "varning")
    assert "rad 4 = rad 2, rad 9 = rad 8" in _dubbletter(tabell, "varning", tal)[0]


def test_one_nämnds_rows_are_reduced_and_fingerprinted_as_a_copy_of_them_would_be(tmp_path):
    # A kommun-wide run ([[namnd]]) reduces and fingerprints each nämnd's rows of the export in place (a row
    # mask, the text columns' codes from the reader); the result is that of the rows copied out, as before.
    rng = np.random.default_rng(11)
    rader = [f"{å};{m};{v};{k};{u};{b};{p}" for å, m, v, k, u, b, p in zip(
        rng.choice([2024, 2025], 400), rng.integers(1, 13, 400), rng.choice(["510", " 520", "530 ", "5101"], 400),
        rng.choice(["4010", "3010", "5010"], 400), rng.choice(["1 000,5", "-3", "0", "12,25", "7"], 400),
        rng.choice(["5", "1 234 567,89", "0,1"], 400), rng.choice(["", "9"], 400))]
    bok = läs_ekonomi(skriv(tmp_path, rader))
    assert {"verksamhet", "konto", "typ"} <= set(bok._koder)  # the reader's codes are what is used
    urval = bok.data["verksamhet"].isin(["510", "530"]).to_numpy()
    kopia = Huvudbok(bok.data.loc[urval].reset_index(drop=True), bok.tabell, bok.kodkolumn, list(bok.varningar))
    pd.testing.assert_frame_equal(reducera(bok, urval).data, reducera(kopia).data)
    koder = {c: bok.kodning(c) for c in ("verksamhet", "konto", "typ")}
    for månad in (1, 6, 12):
        assert (closing.underlag(bok.data, 2025, månad, KOLUMNER, urval=urval, koder=koder)
                == underlag_som_förut(kopia.data, 2025, månad, KOLUMNER)
                == closing.underlag(kopia.data, 2025, månad, KOLUMNER))
    assert closing.underlag(bok.data, 2025, 3, KOLUMNER, urval=~urval, koder=koder) != \
        closing.underlag(bok.data, 2025, 3, KOLUMNER, urval=urval, koder=koder)


@given(st.lists(st.one_of(st.text(max_size=30), st.floats(allow_nan=False, allow_infinity=False).map(repr)),
                max_size=60))
def test_the_fingerprint_orders_texts_as_python_does(texts):
    # The fingerprint's sort of the distinct texts (short ones as padded 64-bit words) is str's order, stable.
    import pyarrow as pa

    ordning, ny = closing._textordning(pa.array(texts, type=pa.large_string()))
    assert list(ordning) == sorted(range(len(texts)), key=lambda i: (texts[i], i))
    ordnade = [texts[i] for i in ordning]
    assert list(ny) == [i == 0 or ordnade[i] != ordnade[i - 1] for i in range(len(texts))]


def test_the_duplicate_key_is_the_same_made_a_block_of_rows_at_a_time(tmp_path, monkeypatch):
    from kommunrapport.input import ledger

    fil = skriv(tmp_path, [f"2025;{1 + i % 2};51{i % 4};4010;{i % 5} 000;5;" for i in range(40)])  # 20 lines twice
    tabell = läs_tabell(fil, lambda h: "verksamhet" in kolumnkarta(h, None), "kolumnen verksamhet")
    tal = {c: pd.to_numeric(tabell.data[c].str.replace(" ", ""), errors="coerce").to_numpy()
           for c in ("utfall", "budget", "prognos")}
    hel = ledger._radnycklar(tabell.data, tal, tabell)
    monkeypatch.setattr(ledger, "_BLOCK", 7)
    assert (ledger._radnycklar(tabell.data, tal, tabell) == hel).all()
    kopior, _ = _kopior(tabell.data, tal, tabell)
    assert kopior.tolist() == tabell.data.duplicated().tolist() and kopior.sum() == 20
