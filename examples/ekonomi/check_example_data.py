#!/usr/bin/env python3
"""Independent check of ekonomi_2024_2025.csv against Äldrenämnden's published February 2025 figures.

Plain pandas (no kommunrapport import). Reads the CSV as a user would (semicolon, UTF-8 with BOM,
decimal comma, space as thousands separator), recomputes the published figures from the unrounded
kronor and asserts that each one rounds (half away from zero, one decimal, mnkr) to the printed value.
Also checks that the .xlsx next to it holds the same rows with text codes and numeric values.

Run from the repository root:  .venv/bin/python examples/ekonomi/check_example_data.py
"""

from __future__ import annotations

import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
CSV = HERE / "ekonomi_2024_2025.csv"
XLSX = HERE / "ekonomi_2024_2025.xlsx"
HEADER = [
    "År",
    "Månad",
    "Ansvar",
    "Verksamhet",
    "Verksamhetsnamn",
    "Konto",
    "Kontonamn",
    "Utfall",
    "Budget",
    "Prognos",
]

# Report rows → verksamheter (own part + varav rows).
ROWS = {
    "R1": ["1000"],
    "R2": ["2100", "2110", "2200", "2300"],
    "R2a": ["2200"],
    "R2b": ["2300"],
    "R3": ["3100", "3200", "3300"],
    "R3a": ["3200"],
    "R3b": ["3300"],
    "R4": ["4100"],
    "R5": ["5100", "5200"],
}
ROWS["Total"] = ROWS["R1"] + ROWS["R2"] + ROWS["R3"] + ROWS["R4"] + ROWS["R5"]

# Published (mnkr): acc. deviation jan, acc. deviation jan–feb, forecast deviation, annual budget.
PUBLISHED_2025 = {
    "R1": ("0.1", "0.2", "0.0", "2.6"),
    "R2": ("-0.3", "2.3", "6.0", "524.1"),
    "R2a": ("-0.1", "-0.1", "0.0", "12.2"),
    "R2b": ("-1.0", "-1.8", "-3.0", "124.9"),
    "R3": ("0.9", "4.0", "2.0", "739.9"),
    "R3a": ("-0.2", "-0.2", "0.0", "67.4"),
    "R3b": ("-1.1", "-2.2", "-2.0", "113.4"),
    "R4": ("0.2", "-0.1", "0.0", "17.0"),
    "R5": ("2.9", "6.9", "2.0", "113.5"),
    "Total": ("3.8", "13.3", "10.0", "1397.1"),
}
PUBLISHED_2024_ACC = [
    "-3.0",
    "0.0",
    "-2.1",
    "-6.3",
    "-3.0",
    "-3.6",
    "3.8",
    "5.5",
    "10.3",
    "12.3",
    "16.7",
    "20.5",
]
PUBLISHED_2024_FORECAST_DEV = "15.0"


def mnkr(ore: int, decimals: int = 1) -> Decimal:
    """öre → mnkr, rounded half away from zero."""
    q = Decimal(1).scaleb(-decimals)
    return (Decimal(int(ore)) / Decimal(100_000_000)).quantize(q, rounding=ROUND_HALF_UP)


def show(d: Decimal) -> str:
    """Swedish display: decimal comma, never −0,0."""
    d = abs(d) if d == 0 else d
    return f"{d:,}".replace(",", " ").replace(".", ",")


def read_csv() -> pd.DataFrame:
    raw = CSV.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM"
    first = raw[3:].split(b"\n", 1)[0].decode("utf-8").rstrip("\r")
    assert first == ";".join(HEADER), f"unexpected header: {first!r}"
    text = pd.read_csv(CSV, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    pattern = r"-?\d{1,3}( \d{3})*,\d{2}"
    for col in ("Utfall", "Budget", "Prognos"):
        bad = ~text[col].str.fullmatch(pattern)
        assert not bad.any(), f"{col}: not in Swedish format: {text.loc[bad, col].head().tolist()}"
    df = pd.read_csv(
        CSV,
        sep=";",
        encoding="utf-8-sig",
        decimal=",",
        thousands=" ",
        dtype={"Ansvar": str, "Verksamhet": str, "Konto": str},
    )
    for col in ("Utfall", "Budget", "Prognos"):
        df[col] = (df[col] * 100).round().astype("int64")  # whole öre: exact sums
    return df


def check_structure(df: pd.DataFrame) -> None:
    assert list(df.columns) == HEADER
    assert set(df["År"]) == {2024, 2025} and set(df["Månad"]) == set(range(1, 13))
    assert df["Ansvar"].str.fullmatch(r"0\d{5}").all(), "Ansvar must be 6 digits with a leading zero"
    assert df["Verksamhet"].str.fullmatch(r"\d{4}").all() and df["Konto"].str.fullmatch(r"\d{4}").all()
    assert set(df["Verksamhet"]) == set(ROWS["Total"]), "unexpected verksamheter"
    months = df.groupby(["År", "Verksamhet", "Konto"])["Månad"].apply(
        lambda s: sorted(s) == list(range(1, 13))
    )
    assert months.all(), f"combinations missing months: {months[~months].index.tolist()}"
    combos = df.groupby("År").apply(
        lambda g: frozenset(zip(g["Verksamhet"], g["Konto"])), include_groups=False
    )
    assert combos[2024] == combos[2025], "verksamhet/konto combinations differ between years"
    assert not df.duplicated(["År", "Månad", "Verksamhet", "Konto"]).any()
    assert (df.loc[(df["År"] == 2025) & (df["Månad"] >= 3), "Utfall"] == 0).all(), (
        "2025 utfall m3–12 must be 0"
    )
    revenue = df["Konto"].str.startswith("3")
    assert revenue.any() and (df["Konto"].str[0].isin(list("4567")) | revenue).all()
    assert (df.loc[revenue, ["Utfall", "Budget", "Prognos"]] <= 0).all().all(), "revenue must be negative"
    assert (df.loc[~revenue, ["Utfall", "Budget", "Prognos"]] >= 0).all().all(), "costs must be positive"
    for year in (2024, 2025):
        y = df[df["År"] == year]
        share = -y.loc[revenue, "Budget"].sum() / y.loc[~revenue, "Budget"].sum()
        assert 0.05 <= share <= 0.10, f"{year}: revenue {share:.1%} of gross cost"


def check_xlsx(df: pd.DataFrame) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(XLSX, read_only=True)
    assert wb.sheetnames == ["Utfall"], wb.sheetnames
    rows = list(wb["Utfall"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADER, rows[0]
    body = rows[1:]
    assert len(body) == len(df), (len(body), len(df))
    for i, r in enumerate(body):
        assert isinstance(r[0], int) and isinstance(r[1], int), f"xlsx row {i + 2}: År/Månad not numbers"
        assert all(isinstance(r[c], str) for c in (2, 3, 5)), f"xlsx row {i + 2}: codes not text"
        assert all(isinstance(r[c], (int, float)) for c in (7, 8, 9)), f"xlsx row {i + 2}: values not numbers"
    x = pd.DataFrame(body, columns=HEADER)
    for col in ("Utfall", "Budget", "Prognos"):
        x[col] = (x[col].astype(float) * 100).round().astype("int64")
    keys = ["År", "Månad", "Ansvar", "Verksamhet", "Konto"]
    pd.testing.assert_frame_equal(
        x.sort_values(keys).reset_index(drop=True),
        df.sort_values(keys).reset_index(drop=True),
        check_dtype=False,
    )


def main() -> int:
    df = read_csv()
    check_structure(df)

    failures: list[str] = []
    try:
        check_xlsx(df)
    except AssertionError as e:
        failures.append("xlsx differs from csv: " + " ".join(str(e).split())[:300])
    y25, y24 = df[df["År"] == 2025], df[df["År"] == 2024]

    def s(frame, col, row="Total", m=12):
        part = frame[frame["Verksamhet"].isin(ROWS[row]) & (frame["Månad"] <= m)]
        return int(part[col].sum())

    def check(label, ore, published):
        got = mnkr(ore)
        if got != Decimal(published) or (Decimal(published) == 0 and ore < 0):
            failures.append(f"{label}: {got} (raw {ore / 1e8:+.6f}) ≠ published {published}")
        return got

    table = []
    for row, (p1, p2, pf, pb) in PUBLISHED_2025.items():
        table.append(
            (
                row,
                check(f"2025 {row} jan", s(y25, "Budget", row, 1) - s(y25, "Utfall", row, 1), p1),
                check(f"2025 {row} jan–feb", s(y25, "Budget", row, 2) - s(y25, "Utfall", row, 2), p2),
                check(f"2025 {row} prognos", s(y25, "Budget", row) - s(y25, "Prognos", row), pf),
                check(f"2025 {row} årsbudget", s(y25, "Budget", row), pb),
            )
        )
    budget_jf, utfall_jf = s(y25, "Budget", m=2), s(y25, "Utfall", m=2)
    check("2025 budget jan–feb", budget_jf, "233.2")
    check("2025 utfall jan–feb", utfall_jf, "219.9")
    consumed = (Decimal(utfall_jf) / Decimal(budget_jf) * 100).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    if consumed != Decimal("94.3"):
        failures.append(f"2025 förbrukat jan–feb {consumed} % ≠ 94.3 %")
    acc24 = [
        check(f"2024 ack m={m}", s(y24, "Budget", m=m) - s(y24, "Utfall", m=m), p)
        for m, p in enumerate(PUBLISHED_2024_ACC, start=1)
    ]
    if not s(y24, "Budget", m=2) - s(y24, "Utfall", m=2) > 0:
        failures.append("2024 jan–feb deviation should be a tiny positive raw value (prints 0,0)")
    fdev24 = check("2024 prognosavvikelse", s(y24, "Budget") - s(y24, "Prognos"), PUBLISHED_2024_FORECAST_DEV)
    budget24 = s(y24, "Budget") / 1e8
    if abs(budget24 - 1340) > 5:
        failures.append(f"2024 årsbudget {budget24:.1f} not ≈ 1 340")

    print(f"{'rad':<6}{'jan':>8}{'feb':>8}{'prognos':>9}{'årsbudget':>11}")
    for row, *vals in table:
        print(f"{row:<6}" + "".join(f"{show(v):>{w}}" for v, w in zip(vals, (8, 8, 9, 11))))
    print(
        f"2025 jan–feb: budget {show(mnkr(budget_jf))}, utfall {show(mnkr(utfall_jf))}, "
        f"förbrukat {show(consumed)} %"
    )
    print(
        "2024 ack:",
        " ".join(show(v) for v in acc24),
        "| prognosavvikelse",
        show(fdev24),
        "| årsbudget",
        show(mnkr(s(y24, "Budget"))),
    )
    print(f"{len(df)} rader")
    if failures:
        print("FAIL\n  " + "\n  ".join(failures))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
