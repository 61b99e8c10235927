#!/usr/bin/env python3
"""Generate an example general-ledger export for Äldrenämnden, 2024 and 2025.

Writes ``examples/ekonomi/ekonomi_2024_2025.csv`` (semicolon separated, UTF-8 with BOM, Swedish
number format) and ``examples/ekonomi/ekonomi_2024_2025.xlsx`` (sheet ``Utfall``) with one row per
(år, månad, ansvar/verksamhet, konto) and the value columns Utfall, Budget, Prognos in kronor.

The figures are synthetic but built so that the published table "Ackumulerat resultat (mnkr)" of
Äldrenämnden's Ekonomirapport t.o.m. februari 2025 (``/work/shared/domain/data``) is reproduced to
the printed decimal, and so is last year's row "Ackumulerad budgetavvikelse 2024".

Conventions of the export (ledger style):
- costs positive (debit), revenue negative (credit); amounts in kronor with öre;
- budget deviation of a row = budget − utfall (positive = better than budget);
- budget is given for all 12 months (periodiserad budget with a seasonal profile);
- 2025: utfall is 0,00 for months 3–12 (books not closed yet); prognos is given for all months;
- prognos = the controller's forecast of the outcome spread per month: months already closed when
  the forecast was made carry the outcome, later months the budget adjusted by the expected deviation.
  Annual forecast deviation = annual budget − sum of the 12 months' prognos.

Deterministic: a seeded numpy RNG, no network. All arithmetic is done in whole öre (int64) so sums are
exact; a verification at the end recomputes every target from the generated rows and raises if any
one fails to round (half away from zero, 1 decimal, mnkr) to the published value.

Run from the repository root:  .venv/bin/python examples/make_example_data.py
"""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font

# --------------------------------------------------------------------------------------------------
# Targets (mnkr). Published: an_ekonomi_feb2025_publicerad.csv and an_ackumulerad_avvikelse_2024.csv
# --------------------------------------------------------------------------------------------------
#               acc. dev jan, acc. dev jan–feb, forecast deviation, annual budget
TARGETS_2025: dict[str, tuple[float, float, float, float]] = {
    "R1": (0.1, 0.2, 0.0, 2.6),
    "R2": (-0.3, 2.3, 6.0, 524.1),
    "R2a": (-0.1, -0.1, 0.0, 12.2),
    "R2b": (-1.0, -1.8, -3.0, 124.9),
    "R3": (0.9, 4.0, 2.0, 739.9),
    "R3a": (-0.2, -0.2, 0.0, 67.4),
    "R3b": (-1.1, -2.2, -2.0, 113.4),
    "R4": (0.2, -0.1, 0.0, 17.0),
    "R5": (2.9, 6.9, 2.0, 113.5),
    "Total": (3.8, 13.3, 10.0, 1397.1),
}
TARGET_2025_BUDGET_JANFEB = 233.2  # net budget jan–feb 2025, total
TARGET_2025_UTFALL_JANFEB = 219.9  # net cost jan–feb 2025, total
TARGET_2025_CONSUMED_PCT = 94.3  # utfall / budget jan–feb, %
# Total accumulated budget deviation 2024, months 1..12, and the 2024 forecast deviation.
TARGETS_2024_ACC = [-3.0, 0.0, -2.1, -6.3, -3.0, -3.6, 3.8, 5.5, 10.3, 12.3, 16.7, 20.5]
TARGET_2024_FORECAST_DEV = 15.0
APPROX_2024_BUDGET = 1340.0  # net annual budget 2024, mnkr (approximate, not a printed figure)

# Report rows: top-level rows and their "varav" sub-rows.
TOP_ROWS = ["R1", "R2", "R3", "R4", "R5"]
VARAV = {"R2": ["R2a", "R2b"], "R3": ["R3a", "R3b"]}

SEED = 20250228
NOISE_KR = 5_000  # deviations are target ± up to this many kronor, never exact round numbers
FORECAST_MONTH = {2024: 8, 2025: 2}  # last closed month when the year's prognos was made
CLOSED_MONTHS = {2024: 12, 2025: 2}  # months with booked utfall in the export

OUT_DIR = Path(__file__).resolve().parent / "ekonomi"
CSV_PATH = OUT_DIR / "ekonomi_2024_2025.csv"
XLSX_PATH = OUT_DIR / "ekonomi_2024_2025.xlsx"
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

ORE_PER_MNKR = 100_000_000
ORE_PER_KR = 100

# --------------------------------------------------------------------------------------------------
# Chart of accounts (Kommun-Bas: class 3 revenue, classes 4–7 costs)
# --------------------------------------------------------------------------------------------------
KONTON = {
    "3510": "Omsorgsavgifter",
    "3610": "Ersättningar och bidrag",
    "4610": "Köp av huvudverksamhet",
    "5010": "Löner månadsavlönad personal",
    "5110": "Löner timavlönad personal",
    "5410": "Sociala avgifter",
    "6410": "Lokalhyror",
    "7010": "Övriga kostnader",
}


def is_revenue(konto: str) -> bool:
    return konto.startswith("3")


# Seasonal shape per konto (relative weights per month). Timavlönade peak in summer (vacation
# substitutes), övriga kostnader have annual invoices in January, köp av verksamhet follows the number
# of days. Every profile is normalised so that jan+feb carries the same share S of the year (see
# monthly_profile), which makes the total jan–feb budget S × annual budget for any konto mix.
SHAPES = {
    "3510": [1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00],
    "3610": [1.00, 0.95, 1.00, 1.00, 1.00, 1.00, 0.90, 0.95, 1.00, 1.00, 1.00, 1.10],
    "4610": [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
    "5010": [1.03, 0.98, 1.00, 0.98, 1.00, 1.06, 1.10, 1.05, 0.97, 0.98, 0.97, 1.02],
    "5110": [0.95, 0.85, 0.85, 0.85, 0.95, 1.55, 2.00, 1.50, 0.90, 0.85, 0.85, 0.95],
    "5410": [1.03, 0.97, 1.00, 0.98, 1.00, 1.10, 1.18, 1.08, 0.97, 0.98, 0.97, 1.02],
    "6410": [1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00],
    "7010": [1.25, 0.90, 1.00, 1.00, 1.00, 0.90, 0.75, 0.85, 1.00, 1.05, 1.05, 1.25],
}
# Share of the annual budget falling in jan–feb, chosen so that 1 397,1 × S = 233,2.
JANFEB_SHARE = 233.2 / 1397.1


# --------------------------------------------------------------------------------------------------
# Verksamheter: code, name, report row, gross-cost shares per cost konto, revenue as share of gross
# cost per revenue konto, and optional weights for where deviations arise (default: cost shares).
# --------------------------------------------------------------------------------------------------
VERKSAMHETER = [
    {
        "code": "1000",
        "name": "Nämnd- och styrelseverksamhet",
        "row": "R1",
        "costs": {"5010": 0.55, "5410": 0.17, "6410": 0.05, "7010": 0.23},
        "revenue": {},
    },
    {
        "code": "2100",
        "name": "Hemtjänst egen regi",
        "row": "R2",
        "costs": {"5010": 0.57, "5110": 0.09, "5410": 0.22, "6410": 0.04, "7010": 0.08},
        "revenue": {"3510": 0.06, "3610": 0.015},
        "dev_weights": {"5010": 0.45, "5110": 0.30, "5410": 0.15, "7010": 0.10},
    },
    {
        "code": "2110",
        "name": "Hemtjänst privata utförare (LOV)",
        "row": "R2",
        "costs": {"4610": 0.96, "7010": 0.04},
        "revenue": {"3510": 0.055},
        "dev_weights": {"4610": 0.95, "3510": 0.05},
    },
    {
        "code": "2200",
        "name": "Dagverksamhet ordinärt boende",
        "row": "R2a",
        "costs": {"5010": 0.50, "5110": 0.05, "5410": 0.18, "6410": 0.15, "7010": 0.12},
        "revenue": {"3510": 0.04},
    },
    {
        "code": "2300",
        "name": "Hälso- och sjukvård i hemmet",
        "row": "R2b",
        "costs": {"5010": 0.60, "5110": 0.05, "5410": 0.22, "6410": 0.03, "7010": 0.10},
        "revenue": {"3610": 0.06},
        "dev_weights": {"5010": 0.30, "5110": 0.25, "5410": 0.10, "7010": 0.35},  # 7010: inhyrd personal
    },
    {
        "code": "3100",
        "name": "Vård- och omsorgsboende",
        "row": "R3",
        "costs": {"4610": 0.15, "5010": 0.40, "5110": 0.07, "5410": 0.17, "6410": 0.15, "7010": 0.06},
        "revenue": {"3510": 0.08, "3610": 0.02},
    },
    {
        "code": "3200",
        "name": "Korttidsboende inkl HSL",
        "row": "R3a",
        "costs": {"5010": 0.52, "5110": 0.08, "5410": 0.20, "6410": 0.12, "7010": 0.08},
        "revenue": {"3510": 0.04, "3610": 0.03},
    },
    {
        "code": "3300",
        "name": "Hälso- och sjukvård särskilt boende",
        "row": "R3b",
        "costs": {"5010": 0.62, "5110": 0.05, "5410": 0.23, "7010": 0.10},
        "revenue": {"3610": 0.05},
        "dev_weights": {"5010": 0.25, "5110": 0.25, "5410": 0.10, "7010": 0.40},  # 7010: inhyrd personal
    },
    {
        "code": "4100",
        "name": "Öppen verksamhet ej bistånd",
        "row": "R4",
        "costs": {"5010": 0.40, "5410": 0.13, "6410": 0.20, "7010": 0.27},
        "revenue": {"3610": 0.06},
    },
    {
        "code": "5100",
        "name": "Gemensamma kostnader",
        "row": "R5",
        "costs": {"5010": 0.25, "5410": 0.08, "6410": 0.12, "7010": 0.55},
        "revenue": {"3610": 0.06},
        "dev_weights": {"7010": 0.80, "5010": 0.12, "5410": 0.04, "6410": 0.04},  # 7010: nämndens buffert
    },
    {
        "code": "5200",
        "name": "Handläggare myndighet",
        "row": "R5",
        "costs": {"5010": 0.68, "5410": 0.22, "7010": 0.10},
        "revenue": {},
    },
]
for _v in VERKSAMHETER:
    _v["ansvar"] = "04" + _v["code"]  # 6-digit cost centre code with a leading zero
    _v["konton"] = sorted([*_v["revenue"], *_v["costs"]])

# How a report row's own part is split when it has several verksamheter (budget / deviations).
BUDGET_SPLIT = {"R2": {"2100": 0.62, "2110": 0.38}, "R5": {"5100": 0.72, "5200": 0.28}}
DEV_SPLIT = {"R2": {"2100": 0.45, "2110": 0.55}, "R5": {"5100": 0.85, "5200": 0.15}}
# 2024 budget per verksamhet relative to 2025 (before scaling the total to ≈ 1 340 mnkr).
GROWTH_NOISE_2024 = 0.02
# 2024: persistent monthly deviation per verksamhet as a share of its monthly budget (before the
# monthly totals are imposed): HSL runs deficits (inhyrd personal), LOV and the buffert surpluses.
TENDENCY_2024 = {
    "1000": 0.0,
    "2100": -0.004,
    "2110": 0.010,
    "2200": 0.0,
    "2300": -0.015,
    "3100": 0.004,
    "3200": -0.006,
    "3300": -0.018,
    "4100": 0.0,
    "5100": 0.035,
    "5200": 0.008,
}
MONTH_NOISE_2024 = 0.008  # sd of the month-to-month variation, share of monthly budget


# --------------------------------------------------------------------------------------------------
# Helpers (integer öre)
# --------------------------------------------------------------------------------------------------
def allocate(total: int, weights) -> np.ndarray:
    """Split an integer amount (öre, may be negative) by non-negative weights, exactly.

    Largest-remainder method: the parts are integers and sum to ``total``.
    """
    w = np.asarray(weights, dtype=float)
    if w.sum() <= 0:
        raise ValueError("weights must have a positive sum")
    raw = total * w / w.sum()
    base = np.floor(raw).astype(np.int64)
    rest = int(total - base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base


def zero_sum_noise(rng: np.random.Generator, scale) -> np.ndarray:
    """Integer öre noise with standard deviation ∝ scale and an exact sum of zero."""
    scale = np.abs(np.asarray(scale, dtype=float))
    e = rng.normal(0.0, 1.0, len(scale)) * scale
    if scale.sum() > 0:
        e -= scale * (e.sum() / scale.sum())
    return round_zero_sum(e)


def round_zero_sum(x: np.ndarray) -> np.ndarray:
    """Round a float vector that sums to ~0 to integers summing to exactly 0."""
    out = np.round(x).astype(np.int64)
    out[int(np.argmax(np.abs(x)))] -= int(out.sum())
    return out


def monthly_profile(konto: str) -> np.ndarray:
    """12 monthly weights summing to 1, with jan+feb = JANFEB_SHARE."""
    s = np.asarray(SHAPES[konto], dtype=float)
    prof = np.empty(12)
    prof[:2] = JANFEB_SHARE * s[:2] / s[:2].sum()
    prof[2:] = (1 - JANFEB_SHARE) * s[2:] / s[2:].sum()
    return prof


def mnkr_rounded(ore: int) -> Decimal:
    """öre → mnkr rounded half away from zero to one decimal."""
    return (Decimal(int(ore)) / ORE_PER_MNKR).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def target_ore(rng: np.random.Generator, mnkr: float) -> int:
    """A raw value near a printed target: target ± up to NOISE_KR kronor (öre precision).

    A target of 0,0 gets a small positive value so it never prints as −0,0.
    """
    noise = int(rng.integers(-NOISE_KR * ORE_PER_KR, NOISE_KR * ORE_PER_KR + 1))
    if mnkr == 0:
        noise = abs(noise) + 137 * ORE_PER_KR
    return round(mnkr * 10) * (ORE_PER_MNKR // 10) + noise


def format_sv(ore: int) -> str:
    """öre → '1 234 567,89' / '-12 345,00' (normal space as thousands separator)."""
    sign = "-" if ore < 0 else ""
    kr, ore_part = divmod(abs(int(ore)), 100)
    return f"{sign}{kr:,}".replace(",", " ") + f",{ore_part:02d}"


# --------------------------------------------------------------------------------------------------
# Building the data
# --------------------------------------------------------------------------------------------------
def leaf_codes(row: str) -> list[str]:
    return [v["code"] for v in VERKSAMHETER if v["row"] == row]


def split_row_to_leaves(row_values: dict[str, int], split: dict[str, dict[str, float]]) -> dict[str, int]:
    """Report-row values (incl. varav) → values per verksamhet: own part = row − its varav rows."""
    out: dict[str, int] = {}
    for row, value in row_values.items():
        own = value - sum(row_values[c] for c in VARAV.get(row, []))
        codes = leaf_codes(row)
        if len(codes) == 1:
            out[codes[0]] = own
        else:
            parts = allocate(own, [split[row][c] for c in codes])
            out.update(dict(zip(codes, (int(p) for p in parts))))
    return out


def design_2025(rng: np.random.Generator) -> dict[str, dict[str, int]]:
    """Per verksamhet: annual budget, acc. deviation jan and feb, forecast deviation (öre)."""
    rows = [r for r in TARGETS_2025 if r != "Total"]
    raw = {
        k: {r: target_ore(rng, TARGETS_2025[r][i]) for r in rows}
        for i, k in enumerate(["acc1", "acc2", "fdev", "budget"])
    }
    return {
        "budget": split_row_to_leaves(raw["budget"], BUDGET_SPLIT),
        "acc1": split_row_to_leaves(raw["acc1"], DEV_SPLIT),
        "acc2": split_row_to_leaves(raw["acc2"], DEV_SPLIT),
        "fdev": split_row_to_leaves(raw["fdev"], DEV_SPLIT),
    }


def design_2024(rng: np.random.Generator, budget_2025: dict[str, int]):
    """Per verksamhet: annual budget (whole tkr), monthly deviations (12), forecast deviation."""
    codes = [v["code"] for v in VERKSAMHETER]
    rel = np.array([budget_2025[c] * (1 + rng.normal(0, GROWTH_NOISE_2024)) for c in codes])
    rel *= APPROX_2024_BUDGET * ORE_PER_MNKR / rel.sum()
    budget = {c: round(x / 100_000) * 100_000 for c, x in zip(codes, rel)}
    share = np.array([budget[c] for c in codes], dtype=float)

    acc = np.array([target_ore(rng, t) for t in TARGETS_2024_ACC], dtype=np.int64)
    monthly_total = np.diff(np.concatenate([[0], acc]))
    # Persistent tendencies: some verksamheter run a surplus all year, others a deficit; the total
    # per month is then spread by budget share plus zero-sum noise.
    tendency = np.array([TENDENCY_2024[c] for c in codes]) * share / 12
    tendency = round_zero_sum(tendency - share * tendency.sum() / share.sum())
    monthly = np.zeros((len(codes), 12), dtype=np.int64)
    for m in range(12):
        base = allocate(int(monthly_total[m]), share)
        noise = zero_sum_noise(rng, share / 12 * MONTH_NOISE_2024)
        monthly[:, m] = base + noise + tendency
    fdev_total = target_ore(rng, TARGET_2024_FORECAST_DEV)
    acc_aug = monthly[:, : FORECAST_MONTH[2024]].sum(axis=1)
    # The forecast (made at the Jan–Aug report): the deviation so far stands, and the rest of the
    # expected year-end surplus is spread by budget share.
    fdev = acc_aug + allocate(fdev_total - int(acc_aug.sum()), share)
    return (
        budget,
        {c: monthly[i] for i, c in enumerate(codes)},
        {c: int(fdev[i]) for i, c in enumerate(codes)},
    )


def konto_budget(v: dict, annual_net: int) -> dict[str, int]:
    """Annual net budget of a verksamhet → annual budget per konto (revenue negative), exact sum."""
    rev_share = sum(v["revenue"].values())
    gross = annual_net / (1 - rev_share)
    out = {k: -round(gross * s) for k, s in v["revenue"].items()}
    cost_total = annual_net - sum(out.values())
    costs = list(v["costs"])
    out.update(dict(zip(costs, (int(x) for x in allocate(cost_total, [v["costs"][k] for k in costs])))))
    return out


def build_year(
    rng, year: int, budget: dict[str, int], monthly_dev: dict[str, np.ndarray], fdev: dict[str, int]
) -> list[dict]:
    """Rows (in öre) for one year: budget, utfall = budget − deviation, prognos."""
    rows = []
    closed, fmonth = CLOSED_MONTHS[year], FORECAST_MONTH[year]
    for v in VERKSAMHETER:
        code, konton = v["code"], v["konton"]
        annual = konto_budget(v, budget[code])
        # budget[konto, month]
        bud = np.array([allocate(annual[k], monthly_profile(k)) for k in konton], dtype=np.int64)
        utf = np.zeros_like(bud)
        dev_w = v.get("dev_weights") or v["costs"]
        w = np.array([dev_w.get(k, 0.0) for k in konton])
        for m in range(closed):
            d = int(monthly_dev[code][m])
            split = allocate(d, w)
            churn = zero_sum_noise(rng, np.abs(bud[:, m]) * 0.015)
            utf[:, m] = bud[:, m] - split - churn
        # prognos: closed months at forecast time = utfall, later months = budget − remaining deviation
        prog = bud.copy()
        prog[:, :fmonth] = utf[:, :fmonth]
        remaining = fdev[code] - int((bud[:, :fmonth] - utf[:, :fmonth]).sum())
        later = range(fmonth, 12)
        month_net = np.array([bud[:, m].sum() for m in later], dtype=float)
        per_month = allocate(remaining, month_net)
        cost_idx = [i for i, k in enumerate(konton) if not is_revenue(k)]
        for j, m in enumerate(later):
            cw = bud[cost_idx, m].astype(float)
            adj = allocate(int(per_month[j]), cw)
            prog[cost_idx, m] -= adj
        for m in range(12):
            for i, k in enumerate(konton):
                rows.append(
                    {
                        "år": year,
                        "månad": m + 1,
                        "ansvar": v["ansvar"],
                        "verksamhet": code,
                        "verksamhetsnamn": v["name"],
                        "konto": k,
                        "kontonamn": KONTON[k],
                        "utfall": int(utf[i, m]),
                        "budget": int(bud[i, m]),
                        "prognos": int(prog[i, m]),
                    }
                )
    return rows


def build_rows(seed: int = SEED) -> list[dict]:
    rng = np.random.default_rng(seed)
    d25 = design_2025(rng)
    codes = [v["code"] for v in VERKSAMHETER]
    dev25 = {
        c: np.array([d25["acc1"][c], d25["acc2"][c] - d25["acc1"][c]] + [0] * 10, dtype=np.int64)
        for c in codes
    }
    b24, dev24, fdev24 = design_2024(rng, d25["budget"])
    rows = build_year(rng, 2024, b24, dev24, fdev24)
    rows += build_year(rng, 2025, d25["budget"], dev25, d25["fdev"])
    rows.sort(key=lambda r: (r["år"], r["månad"], r["ansvar"], r["konto"]))
    return rows


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------
def write_csv(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        w.writerow(HEADER)
        for r in rows:
            w.writerow(
                [
                    r["år"],
                    r["månad"],
                    r["ansvar"],
                    r["verksamhet"],
                    r["verksamhetsnamn"],
                    r["konto"],
                    r["kontonamn"],
                    format_sv(r["utfall"]),
                    format_sv(r["budget"]),
                    format_sv(r["prognos"]),
                ]
            )


def write_xlsx(rows: list[dict], path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Utfall"
    ws.append(HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(
            [
                r["år"],
                r["månad"],
                r["ansvar"],
                r["verksamhet"],
                r["verksamhetsnamn"],
                r["konto"],
                r["kontonamn"],
                r["utfall"] / 100,
                r["budget"] / 100,
                r["prognos"] / 100,
            ]
        )
    for row in ws.iter_rows(min_row=2):
        for cell in (row[2], row[3], row[5]):  # Ansvar, Verksamhet, Konto: text cells
            cell.number_format = "@"
        for cell in row[7:10]:
            cell.number_format = "#,##0.00"
    for col, width in zip("ABCDEFGHIJ", [6, 7, 9, 11, 36, 7, 30, 16, 16, 16]):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    wb.properties.creator = "kommunrapport example generator"
    wb.save(path)


# --------------------------------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------------------------------
def verify(rows: list[dict]) -> dict[str, object]:
    """Recompute every target from the rows; raise AssertionError listing all failures."""
    failures: list[str] = []
    row_of = {v["code"]: v["row"] for v in VERKSAMHETER}
    members = {r: {r, *VARAV.get(r, [])} for r in TARGETS_2025 if r != "Total"}
    members["Total"] = set(row_of.values())

    def total(year, field, month_max=12, row="Total", month_min=1):
        return sum(
            r[field]
            for r in rows
            if r["år"] == year
            and month_min <= r["månad"] <= month_max
            and row_of[r["verksamhet"]] in members[row]
        )

    def expect(label, ore, target):
        got = mnkr_rounded(ore)
        if got != Decimal(str(target)):
            failures.append(f"{label}: got {got} (raw {ore / ORE_PER_MNKR:.6f}) expected {target}")
        if target == 0 and ore < 0:
            failures.append(f"{label}: raw {ore / ORE_PER_MNKR:.6f} would print as -0,0")

    for row, (t1, t2, tf, tb) in TARGETS_2025.items():
        expect(f"2025 {row} acc jan", total(2025, "budget", 1, row) - total(2025, "utfall", 1, row), t1)
        expect(f"2025 {row} acc feb", total(2025, "budget", 2, row) - total(2025, "utfall", 2, row), t2)
        expect(
            f"2025 {row} forecast dev", total(2025, "budget", 12, row) - total(2025, "prognos", 12, row), tf
        )
        expect(f"2025 {row} annual budget", total(2025, "budget", 12, row), tb)
    b2, u2 = total(2025, "budget", 2), total(2025, "utfall", 2)
    expect("2025 budget jan-feb", b2, TARGET_2025_BUDGET_JANFEB)
    expect("2025 utfall jan-feb", u2, TARGET_2025_UTFALL_JANFEB)
    pct = (Decimal(u2) / Decimal(b2) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if pct != Decimal(str(TARGET_2025_CONSUMED_PCT)):
        failures.append(f"2025 consumed %: got {pct} expected {TARGET_2025_CONSUMED_PCT}")
    for m, t in enumerate(TARGETS_2024_ACC, start=1):
        expect(f"2024 acc m={m}", total(2024, "budget", m) - total(2024, "utfall", m), t)
    if not total(2024, "budget", 2) - total(2024, "utfall", 2) > 0:
        failures.append("2024 acc jan-feb should be a tiny positive raw value")
    expect("2024 forecast dev", total(2024, "budget") - total(2024, "prognos"), TARGET_2024_FORECAST_DEV)
    b24 = total(2024, "budget") / ORE_PER_MNKR
    if abs(b24 - APPROX_2024_BUDGET) > 5:
        failures.append(f"2024 annual budget {b24:.1f} not ≈ {APPROX_2024_BUDGET}")

    # Structure and plausibility.
    keys = {}
    for r in rows:
        keys.setdefault((r["år"], r["verksamhet"], r["konto"]), set()).add(r["månad"])
        closed = r["månad"] <= CLOSED_MONTHS[r["år"]]
        if not closed and r["utfall"] != 0:
            failures.append(f"utfall should be 0 in open month: {r}")
        sign_ok = (lambda x: x <= 0) if is_revenue(r["konto"]) else (lambda x: x >= 0)
        if not (sign_ok(r["budget"]) and sign_ok(r["prognos"]) and (not closed or sign_ok(r["utfall"]))):
            failures.append(f"wrong sign for konto class: {r}")
    for (år, verks, konto), months in keys.items():
        if months != set(range(1, 13)):
            failures.append(f"missing months for {år} {verks} {konto}: {sorted(months)}")
    if {y for y, _, _ in keys} != {2024, 2025} or {(v, k) for y, v, k in keys if y == 2024} != {
        (v, k) for y, v, k in keys if y == 2025
    }:
        failures.append("verksamhet/konto combinations differ between years")
    for year in (2024, 2025):
        gross = sum(r["budget"] for r in rows if r["år"] == year and not is_revenue(r["konto"]))
        rev = -sum(r["budget"] for r in rows if r["år"] == year and is_revenue(r["konto"]))
        if not 0.05 <= rev / gross <= 0.10:
            failures.append(f"{year}: revenue {rev / gross:.1%} of gross cost, expected 5–10 %")

    if failures:
        raise AssertionError("example data does not reproduce the targets:\n  " + "\n  ".join(failures))
    return {
        "budget_janfeb_2025": b2,
        "utfall_janfeb_2025": u2,
        "budget_janfeb_2024": total(2024, "budget", 2),
        "utfall_janfeb_2024": total(2024, "utfall", 2),
        "budget_2024": total(2024, "budget"),
        "budget_2025": total(2025, "budget"),
        "rows": len(rows),
    }


def main() -> None:
    rows = build_rows()
    summary = verify(rows)
    write_csv(rows, CSV_PATH)
    write_xlsx(rows, XLSX_PATH)
    for path in (CSV_PATH, XLSX_PATH):
        print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    print(f"{summary['rows']} rows; all targets verified")
    for year in (2024, 2025):
        print(
            f"{year}: budget jan–feb {summary[f'budget_janfeb_{year}'] / ORE_PER_MNKR:.4f} mnkr, "
            f"utfall jan–feb {summary[f'utfall_janfeb_{year}'] / ORE_PER_MNKR:.4f} mnkr, "
            f"annual budget {summary[f'budget_{year}'] / ORE_PER_MNKR:.4f} mnkr"
        )


if __name__ == "__main__":
    main()
