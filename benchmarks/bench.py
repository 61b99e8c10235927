#!/usr/bin/env python3
"""Benchmark: the ekonomi run of kommunrapport against what a controller would write in pandas.

    make bench                                   # CSV 10^4, 10^5, 10^6 rows; xlsx 10^4, 10^5 rows
    make bench ARGS="--full"                     # also the 10^6-row xlsx (slow to generate and to read)
    .venv/bin/python benchmarks/bench.py --sizes 1e5 --formats xlsx --repeat 5

Every measured thing runs in a fresh Python process; its wall time (interpreter start, imports and
work, as a user waits for it) and its peak resident memory (ru_maxrss from os.wait4, per child)
are measured from here. Medians of --repeat runs; the ratios are what to compare across machines.
See benchmarks/README.md.

The synthetic exports are written to benchmarks/data/ (git-ignored) and regenerated only when a
file is missing or GENERATOR_VERSION changed. This file imports only the standard library at the
top so that a child process that runs the baseline does not pay for anything else.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results.csv"
README = HERE / "README.md"
MANIFEST = DATA / "manifest.json"

GENERATOR_VERSION = 1
SEED = 20250228
SHEET = "Utfall"
HEADER = ["År", "Månad", "Ansvar", "Verksamhet", "Konto", "Utfall", "Budget", "Prognos"]
REPORT_YEAR, REPORT_MONTH = 2025, 2
FORECAST_MONTH = {2024: 8, 2025: 2}  # last closed month when the year's prognos was made
CLOSED_MONTHS = {2024: 12, 2025: 2}  # months with booked utfall

DEFAULT_CSV_SIZES = [10**4, 10**5, 10**6]
KOMMUN = "kommun"  # the format label of the kommun-wide ledger case (a CSV of NÄMNDER nämnder, `kör` with [[namnd]])
NÄMNDER = 4
DEFAULT_KOMMUN_SIZES = [10**5, 10**6]
FULL_KOMMUN_SIZES = [10**5, 10**6, 10**7]
DEFAULT_XLSX_SIZES = [10**4, 10**5]
FULL_XLSX_SIZES = [10**4, 10**5, 10**6]
HELP_REPEAT = 5

# Report rows (id, rubrik, förälder, verksamhet codes): 10 rows, 4 of them "varav" rows, 40 codes.
MAPPING = [
    ("namnd", "1. Nämnd- och styrelseverksamhet", "", ["1000", "1010"]),
    ("hemtjanst", "2. Hemtjänst i ordinärt boende över/under 65 år", "",
     ["2100", "2110", "2120", "2130", "2140", "2150"]),
    ("dagverksamhet", "- varav dagverksamhet i ordinärt boende", "hemtjanst", ["2200", "2210"]),
    ("hsl_hemmet", "- varav hälso- och sjukvård i hemmet", "hemtjanst", ["2300", "2310", "2320"]),
    ("vob", "3. Vård- och omsorgsboende inkl korttidsboende", "",
     ["3100", "3110", "3120", "3130", "3140", "3150", "3160"]),
    ("korttid", "- varav korttidsboende inkl HSL", "vob", ["3200", "3210", "3220"]),
    ("hsl_sabo", "- varav hälso- och sjukvård särskilt boende", "vob", ["3300", "3310", "3320"]),
    ("oppen", "4. Öppen verksamhet ej bistånd", "", ["4100", "4110", "4120", "4130"]),
    ("myndighet", "5. Myndighetsutövning och handläggning", "", ["5100", "5110", "5120"]),
    ("gemensamt", "6. Gemensamma kostnader", "", ["5200", "5210", "5220", "5230", "5240", "5250", "5260"]),
]
VERKSAMHETER = [k for *_, koder in MAPPING for k in koder]
assert len(VERKSAMHETER) == 40 and len(set(VERKSAMHETER)) == 40

# Konto (Kommun-Bas classes 3–7) and its seasonal profile over the 12 months.
KONTON = {
    "3510": [1.0] * 12,                                                     # omsorgsavgifter
    "3610": [1.0, .95, 1.0, 1.0, 1.0, 1.0, .90, .95, 1.0, 1.0, 1.0, 1.1],   # ersättningar och bidrag
    "3710": [1.0] * 12,                                                     # statsbidrag
    "4610": [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],               # köp av huvudverksamhet
    "4620": [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
    "5010": [1.03, .98, 1.0, .98, 1.0, 1.06, 1.10, 1.05, .97, .98, .97, 1.02],  # löner månadsavlönade
    "5110": [.95, .85, .85, .85, .95, 1.55, 2.0, 1.5, .9, .85, .85, .95],   # timavlönade
    "5410": [1.03, .97, 1.0, .98, 1.0, 1.10, 1.18, 1.08, .97, .98, .97, 1.02],  # sociala avgifter
    "5510": [1.0] * 12,                                                     # pensioner
    "6410": [1.0] * 12,                                                     # lokalhyror
    "6420": [1.3, 1.3, 1.1, 1.0, .8, .7, .7, .7, .8, 1.0, 1.2, 1.4],        # el och värme
    "6510": [1.0] * 12,                                                     # förbrukningsmaterial
    "6910": [1.0] * 12,                                                     # IT-tjänster
    "7010": [1.25, .9, 1.0, 1.0, 1.0, .9, .75, .85, 1.0, 1.05, 1.05, 1.25],  # övriga kostnader
    "7310": [1.0] * 12,                                                     # konsulttjänster
    "7610": [1.0] * 12,                                                     # avskrivningar
}


# --------------------------------------------------------------------------------------------------
# Data generation
# --------------------------------------------------------------------------------------------------

def size_label(n: int) -> str:
    e = len(str(n)) - 1
    return f"10^{e}" if n == 10**e else f"{n:_}"


def data_path(n: int, fmt: str) -> Path:
    e = len(str(n)) - 1
    if fmt == KOMMUN:  # the kommun-wide ledger of several nämnder, a CSV file
        return DATA / (f"kommun_1e{e}.csv" if n == 10**e else f"kommun_{n}.csv")
    return DATA / (f"ekonomi_1e{e}.{fmt}" if n == 10**e else f"ekonomi_{n}.{fmt}")


def mapping_path() -> Path:
    return DATA / "verksamheter.csv"


def _ledger(n: int, nämnder: int = 0):
    """The n ledger rows as numpy arrays, sorted by year, month and then (ansvar, verksamhet, konto).

    Amounts in kronor with öre, ledger sign: costs positive, revenue negative. A line's budget is
    given for all 12 months; utfall only for closed months (0 after); prognos for every month.
    """
    import numpy as np

    rng = np.random.default_rng(SEED)
    periods = [(y, m) for y in (2024, 2025) for m in range(1, 13)]
    lines = -(-n // len(periods))  # (ansvar, verksamhet, konto) lines per period
    konton = list(KONTON)
    nv, nk = len(VERKSAMHETER), len(konton)
    c = np.arange(lines)
    v_idx, k_idx, unit = c % nv, (c // nv) % nk, c // (nv * nk)
    # a kommun-wide ledger (nämnder > 0): ansvar 04…, 05…, 06…, 07… by nämnd, each nämnd a quarter of the lines
    bas = [400000 + (v % nämnder) * 100000 if nämnder else 400000 for v in range(nv)]
    ansvar = np.array([f"{bas[v] + v * 1000 + u:07d}" for v, u in zip(v_idx, unit)], dtype=object)
    verksamhet = np.array(VERKSAMHETER, dtype=object)[v_idx]
    konto = np.array(konton, dtype=object)[k_idx]
    revenue = np.array([k.startswith("3") for k in konto])
    annual = rng.lognormal(mean=13.0, sigma=1.0, size=lines)  # ~ 440 000 kr per line and year
    annual = np.where(revenue, -0.25 * annual, annual)
    annual[rng.random(lines) < 0.04] = 0.0  # lines without budget (they still get some utfall)
    profile = np.array([KONTON[k] for k in konton], dtype=float)
    profile /= profile.sum(axis=1, keepdims=True)
    trend = rng.normal(0.01, 0.04, size=lines)  # line's tendency to over- or underspend

    cols = {k: [] for k in ("år", "månad", "utfall", "budget", "prognos")}
    for år, månad in periods:
        growth = 1.0 if år == 2024 else 1.035
        budget = np.round(annual * growth * profile[k_idx, månad - 1], 2)
        noise = rng.normal(0.0, 0.06, size=lines)
        booked = budget * (1 + trend + noise) + np.where(budget == 0, rng.normal(0, 2000, lines), 0)
        utfall = np.round(booked, 2) if månad <= CLOSED_MONTHS[år] else np.zeros(lines)
        prognos = utfall if månad <= FORECAST_MONTH[år] else np.round(budget * (1 + trend), 2)
        cols["år"].append(np.full(lines, år))
        cols["månad"].append(np.full(lines, månad))
        cols["utfall"].append(utfall)
        cols["budget"].append(budget)
        cols["prognos"].append(prognos)
    out = {k: np.concatenate(v)[:n] for k, v in cols.items()}
    reps = len(periods)
    out["ansvar"] = np.tile(ansvar, reps)[:n]
    out["verksamhet"] = np.tile(verksamhet, reps)[:n]
    out["konto"] = np.tile(konto, reps)[:n]
    return out


def _sv(x: float) -> str:
    """1234567.8 → '1 234 567,80' (Swedish export format: space thousands, decimal comma)."""
    return f"{x:,.2f}".replace(",", " ").replace(".", ",")


def write_csv(n: int, path: Path, nämnder: int = 0) -> None:
    d = _ledger(n, nämnder)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
        f.write(";".join(HEADER) + "\r\n")
        chunk = 100_000
        for start in range(0, n, chunk):
            sl = slice(start, start + chunk)
            rows = zip(d["år"][sl].tolist(), d["månad"][sl].tolist(), d["ansvar"][sl], d["verksamhet"][sl],
                       d["konto"][sl], d["utfall"][sl].tolist(), d["budget"][sl].tolist(), d["prognos"][sl].tolist())
            f.write("".join(f"{å};{m};{a};{v};{k};{_sv(u)};{_sv(b)};{_sv(p)}\r\n" for å, m, a, v, k, u, b, p in rows))
    tmp.replace(path)


def write_xlsx(n: int, path: Path) -> None:
    from openpyxl import Workbook

    d = _ledger(n)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append(HEADER)
    t0 = time.perf_counter()
    step = max(n // 10, 50_000)
    cols = (d["år"].tolist(), d["månad"].tolist(), d["ansvar"], d["verksamhet"], d["konto"],
            d["utfall"].tolist(), d["budget"].tolist(), d["prognos"].tolist())
    for i, row in enumerate(zip(*cols), 1):
        ws.append(row)
        if i % step == 0 and n >= 10**5:
            print(f"    {path.name}: {i:>9_} / {n:_} rows, {time.perf_counter() - t0:5.1f} s", flush=True)
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)


def write_mapping(path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(["id", "rubrik", "förälder", "koder"])
        for rid, rubrik, förälder, koder in MAPPING:
            w.writerow([rid, rubrik, förälder, ", ".join(koder)])


def ensure_data(csv_sizes: list[int], xlsx_sizes: list[int], force: bool = False,
                kommun_sizes: list[int] | None = None) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    manifest = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}
    wanted = [(mapping_path(), None, None)] + [(data_path(n, "csv"), n, "csv") for n in csv_sizes] \
        + [(data_path(n, "xlsx"), n, "xlsx") for n in xlsx_sizes] \
        + [(data_path(n, KOMMUN), n, KOMMUN) for n in kommun_sizes or []]
    for path, n, fmt in wanted:
        if not force and path.exists() and manifest.get(path.name) == GENERATOR_VERSION:
            continue
        t0 = time.perf_counter()
        print(f"  generating {path.relative_to(HERE.parent)} …", flush=True)
        if fmt is None:
            write_mapping(path)
        elif fmt == "csv":
            write_csv(n, path)
        elif fmt == KOMMUN:
            write_csv(n, path, NÄMNDER)
        else:
            write_xlsx(n, path)
        manifest[path.name] = GENERATOR_VERSION
        MANIFEST.write_text(json.dumps(manifest, indent=1, sort_keys=True))
        mb = path.stat().st_size / 2**20
        print(f"  done: {path.name}, {mb:.1f} MB, {time.perf_counter() - t0:.1f} s", flush=True)


# --------------------------------------------------------------------------------------------------
# What is measured: each runs in a fresh process (`bench.py --child WHAT FORMAT PATH`).
# They print one JSON line: phase times and the accumulated deviation table (for the cross-check).
# --------------------------------------------------------------------------------------------------

def _table_json(table) -> dict:
    """{row id: [acc. deviation jan, feb]} in kr, costs-positive ledger: budget − utfall."""
    return {str(k): [float(v) for v in row] for k, row in table.iterrows()}


def child_kommunrapport(fmt: str, path: str) -> dict:
    t0 = time.perf_counter()
    from kommunrapport.api import ekonomirapport, skriv_ekonomirapport

    t1 = time.perf_counter()
    r = ekonomirapport(path, str(mapping_path()), månad=REPORT_MONTH, år=REPORT_YEAR, nämnd="Benchnämnden",
                       tecken="kostnad-positiv", värden="månad")
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as ut:
        skriv_ekonomirapport(r, ut)
    t3 = time.perf_counter()
    tab = r.ackumulerad_avvikelse[list(range(1, REPORT_MONTH + 1))]
    return {"import": t1 - t0, "ekonomirapport": t2 - t1, "skriv": t3 - t2, "table": _table_json(tab)}


def child_kommunrapport_load(fmt: str, path: str) -> dict:
    t0 = time.perf_counter()
    from kommunrapport.input.ledger import Tecken, Värden, läs_ekonomi

    t1 = time.perf_counter()
    h = läs_ekonomi(path, Tecken.KOSTNAD_POSITIV, Värden.MÅNAD)
    t2 = time.perf_counter()
    return {"import": t1 - t0, "läs": t2 - t1, "rows": len(h.data)}


def _pandas_read(pd, fmt: str, path: str):
    if fmt == "xlsx":
        return pd.read_excel(path, sheet_name=SHEET, engine="openpyxl", dtype={"Ansvar": str, "Verksamhet": str, "Konto": str})
    return pd.read_csv(path, sep=";", decimal=",", thousands=" ", encoding="utf-8-sig",
                       dtype={"Ansvar": str, "Verksamhet": str, "Konto": str})


def _mapped_period(pd, df):
    """The baseline's mapping (a dict from code to report row) and the rows of jan..the report month."""
    m = pd.read_csv(mapping_path(), sep=";", dtype=str).fillna("")
    kod_till_rad = {k.strip(): r.id for r in m.itertuples() for k in r.koder.split(",")}
    df["rad"] = df["Verksamhet"].map(kod_till_rad)
    assert df["rad"].notna().all(), "unknown verksamhet code"
    return m, df[(df["År"] == REPORT_YEAR) & (df["Månad"] <= REPORT_MONTH)]


def child_baseline(fmt: str, path: str) -> dict:
    """What a controller writes: read the export, map codes to report rows, group, accumulate, roll up."""
    t0 = time.perf_counter()
    import pandas as pd

    t1 = time.perf_counter()
    df = _pandas_read(pd, fmt, path)
    t2 = time.perf_counter()
    m, d = _mapped_period(pd, df)
    t = (d["Budget"] - d["Utfall"]).groupby([d["rad"], d["Månad"]]).sum().unstack("Månad")
    t = t.reindex(index=list(m["id"]), columns=range(1, REPORT_MONTH + 1)).fillna(0.0).cumsum(axis=1)
    for rid, förälder in zip(m["id"][::-1], m["förälder"][::-1]):  # varav rows into their parents
        if förälder:
            t.loc[förälder] += t.loc[rid]
    t.loc["total"] = t.loc[list(m.loc[m["förälder"] == "", "id"])].sum()
    t3 = time.perf_counter()
    return {"import": t1 - t0, "läs": t2 - t1, "groupby": t3 - t2, "table": _table_json(t)}


def child_pandas_load(fmt: str, path: str) -> dict:
    t0 = time.perf_counter()
    import pandas as pd

    t1 = time.perf_counter()
    df = _pandas_read(pd, fmt, path)
    t2 = time.perf_counter()
    return {"import": t1 - t0, "läs": t2 - t1, "rows": len(df)}


def child_floor(fmt: str, path: str) -> dict:
    t0 = time.perf_counter()
    if fmt == "xlsx":
        from python_calamine import CalamineWorkbook

        t1 = time.perf_counter()
        rows = CalamineWorkbook.from_path(path).get_sheet_by_name(SHEET).to_python()
    else:
        import pandas as pd

        t1 = time.perf_counter()
        rows = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str)
    t2 = time.perf_counter()
    return {"import": t1 - t0, "läs": t2 - t1, "rows": len(rows)}


def child_floor_arrow(fmt: str, path: str) -> dict:
    """calamine (through fastexcel, which kommunrapport uses) parsing the sheet into Arrow columns and
    nothing else: the floor for a reader that makes no Python object per cell."""
    t0 = time.perf_counter()
    import fastexcel

    t1 = time.perf_counter()
    batch = fastexcel.read_excel(path).load_sheet(SHEET, schema_sample_rows=None).to_arrow()
    t2 = time.perf_counter()
    return {"import": t1 - t0, "läs": t2 - t1, "rows": batch.num_rows}


def _kommun_config(path: str, ut: Path) -> Path:
    """A configuration of the kommun's NÄMNDER nämnder ([[namnd]], ansvar 04*, 05* …), every one with the
    bench mapping, writing to `ut`."""
    konfig = ut.parent / "kommunrapport.toml"
    nämnder = "".join(f'\n[[namnd]]\nnamn = "Nämnd 0{4 + i}"\nansvar = ["0{4 + i}*"]\n' for i in range(NÄMNDER))
    konfig.write_text(f'ut = "{ut.as_posix()}"\nrapporter = ["ekonomi"]\n\n[ekonomi]\ndata = "{Path(path).resolve().as_posix()}"\n'
                      f'mappning = "{mapping_path().as_posix()}"\ntecken = "kostnad-positiv"\nvarden = "månad"\n'
                      f'\n[kor]\nstangd_tom = "{REPORT_YEAR}-{REPORT_MONTH:02d}"\n{nämnder}', encoding="utf-8")
    return konfig


def child_kommunrapport_kor(fmt: str, path: str) -> dict:
    """`kommunrapport kör` of every nämnd of the kommun-wide ledger: one read, NÄMNDER packages."""
    t0 = time.perf_counter()
    from kommunrapport import history
    from kommunrapport.runner import kör

    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        ut = Path(tmp) / "ut"
        k = kör(_kommun_config(path, ut), månad=REPORT_MONTH, år=REPORT_YEAR, tyst=True)
        t2 = time.perf_counter()
        assert len(k.nämnder) == NÄMNDER, k
        tab = {}
        for i in range(NÄMNDER):
            p = history.perioder(history.nämndfil(ut, f"Nämnd 0{4 + i}"))
            tab[f"0{4 + i}"] = [float(p["budgetavvikelse"].iloc[0])]
    return {"import": t1 - t0, "kör": t2 - t1, "table": tab}


def child_baseline_kommun(fmt: str, path: str) -> dict:
    """What a controller writes for every nämnd: read once, then per nämnd (ansvar prefix) map, filter,
    group and sum the accumulated deviation jan..feb (budget − utfall)."""
    t0 = time.perf_counter()
    import pandas as pd

    t1 = time.perf_counter()
    df = _pandas_read(pd, "csv", path)
    t2 = time.perf_counter()
    m, d = _mapped_period(pd, df)
    tab = {}
    for i in range(NÄMNDER):
        n = d[d["Ansvar"].str.startswith(f"0{4 + i}")]
        t = (n["Budget"] - n["Utfall"]).groupby([n["rad"], n["Månad"]]).sum().unstack("Månad")
        tab[f"0{4 + i}"] = [float(t.to_numpy().sum())]
    t3 = time.perf_counter()
    return {"import": t1 - t0, "läs": t2 - t1, "groupby": t3 - t2, "table": tab}


CHILDREN = {
    "kommunrapport": child_kommunrapport,
    "baseline": child_baseline,
    "floor": child_floor,
    "floor_arrow": child_floor_arrow,
    "kommunrapport_load": child_kommunrapport_load,
    "pandas_load": child_pandas_load,
    "kommunrapport_kor": child_kommunrapport_kor,
    "baseline_kommun": child_baseline_kommun,
}
# For each measured thing: what its ratio_vs_baseline is taken against.
BASELINE_OF = {
    "kommunrapport": "baseline",
    "baseline": "baseline",
    "floor": "baseline",
    "floor_arrow": "baseline",
    "kommunrapport_load": "pandas_load",
    "pandas_load": "pandas_load",
    "kommunrapport_kor": "baseline_kommun",
    "baseline_kommun": "baseline_kommun",
    "kommunrapport --help": "python -c pass",
    "python -c pass": "python -c pass",
}


def base_of(what: str, fmt: str) -> str:
    """What `what`'s ratio_vs_baseline is taken against (the kommun ledger's floor: the script for every nämnd)."""
    return "baseline_kommun" if fmt == KOMMUN and BASELINE_OF[what] == "baseline" else BASELINE_OF[what]


def run_measured(cmd: list[str]) -> tuple[float, float, dict]:
    """Run cmd in a fresh process: (wall seconds, peak RSS in MB, its JSON output)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg")
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=HERE.parent)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace")
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited with {p.returncode}:\n{err.read().decode('utf-8', 'replace')[-3000:]}")
    peak_mb = usage.ru_maxrss / 1024  # Linux: kilobytes
    info = {}
    lines = [ln for ln in text.splitlines() if ln.startswith("{")]
    if lines:
        info = json.loads(lines[-1])
    return wall, peak_mb, info


# --------------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------------

def _sizes(text: str) -> list[int]:
    return [int(float(s)) for s in text.split(",") if s.strip()]


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cpu, {cpu}".strip(", ")


def compare_tables(a: dict, b: dict, tol: float = 0.5) -> str | None:
    """None if the two {row: [jan, feb]} tables agree to `tol` kronor, else a description."""
    if set(a) != set(b):
        return f"different rows: {sorted(set(a) ^ set(b))}"
    for k in a:
        for x, y in zip(a[k], b[k]):
            if abs(x - y) > tol:
                return f"row {k}: {a[k]} vs {b[k]}"
    return None


def fmt_s(s: float) -> str:
    return f"{s:.3f}" if s < 10 else f"{s:.1f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", help="row counts for both formats, e.g. 1e4,1e5 (overrides --csv-sizes/--xlsx-sizes)")
    ap.add_argument("--csv-sizes", default=",".join(str(s) for s in DEFAULT_CSV_SIZES), help="default 1e4,1e5,1e6")
    ap.add_argument("--xlsx-sizes", default=None, help="default 1e4,1e5; with --full also 1e6")
    ap.add_argument("--kommun-sizes", default=None,
                    help="rows of the kommun-wide ledger (kör of every nämnd); default 1e5,1e6; with --full also 1e7")
    ap.add_argument("--formats", default=f"csv,xlsx,{KOMMUN}")
    ap.add_argument("--full", action="store_true", default=os.environ.get("KOMMUNRAPPORT_BENCH_FULL", "") not in ("", "0"),
                    help="include the 10^6-row xlsx (or set KOMMUNRAPPORT_BENCH_FULL=1)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is reported (default 3)")
    ap.add_argument("--load-sizes", default="1e4,1e5",
                    help="sizes at which loading alone is also measured (kommunrapport_load vs pandas_load); "
                         "default 1e4,1e5; '' for none")
    ap.add_argument("--no-help", action="store_true", help="skip kommunrapport --help vs python -c pass")
    ap.add_argument("--regenerate", action="store_true", help="regenerate the data files even if they are up to date")
    ap.add_argument("--generate-only", action="store_true", help="only generate the data files")
    ap.add_argument("--no-save", action="store_true", help="do not update results.csv and README.md")
    ap.add_argument("--generator", action="store_true", help=argparse.SUPPRESS)  # the parent's data step
    ap.add_argument("--child", nargs=3, metavar=("WHAT", "FORMAT", "PATH"), help=argparse.SUPPRESS)
    a = ap.parse_args(argv)

    if a.child:
        what, fmt, path = a.child
        print(json.dumps(CHILDREN[what](fmt, path)), flush=True)
        return 0

    formats = [f.strip() for f in a.formats.split(",") if f.strip()]
    csv_sizes = _sizes(a.sizes or a.csv_sizes) if "csv" in formats else []
    if a.sizes:
        xlsx_sizes = _sizes(a.sizes)
    elif a.xlsx_sizes:
        xlsx_sizes = _sizes(a.xlsx_sizes)
    else:
        xlsx_sizes = FULL_XLSX_SIZES if a.full else DEFAULT_XLSX_SIZES
    if "xlsx" not in formats:
        xlsx_sizes = []
    if a.kommun_sizes is not None:
        kommun_sizes = _sizes(a.kommun_sizes)
    elif a.sizes:
        kommun_sizes = []
    else:
        kommun_sizes = FULL_KOMMUN_SIZES if a.full else DEFAULT_KOMMUN_SIZES
    if KOMMUN not in formats:
        kommun_sizes = []

    started = time.perf_counter()
    if not a.generator:
        print(f"kommunrapport benchmark: csv {[size_label(n) for n in csv_sizes]}, xlsx {[size_label(n) for n in xlsx_sizes]}, "
              f"kommun {[size_label(n) for n in kommun_sizes]}, "
              f"median of {a.repeat} runs\n{machine()}, Python {platform.python_version()}", flush=True)
        print("data in benchmarks/data/:", flush=True)
    warm = 10**4  # the warm-up runs use the 10^4-row file of each format
    if not a.generate_only:
        # Generated in a process of its own: a child's ru_maxrss counts the parent's memory at the fork, so a
        # parent grown by generating would inflate every small child's peak.
        args = sys.argv[1:] if argv is None else list(argv)
        subprocess.run([sys.executable, str(Path(__file__).resolve()), *args, "--generate-only", "--generator"],
                       check=True)
    ensure_data(sorted(set(csv_sizes) | ({warm} if csv_sizes else set())),
                sorted(set(xlsx_sizes) | ({warm} if xlsx_sizes else set())), a.regenerate and a.generate_only,
                sorted(kommun_sizes))
    if a.generate_only:
        return 0

    py = sys.executable
    me = str(Path(__file__).resolve())
    load_sizes = set(_sizes(a.load_sizes))
    today = dt.date.today().isoformat()
    pyver = platform.python_version()
    mach = machine()
    results: list[dict] = []
    problems: list[str] = []

    cases = [(n, "csv") for n in csv_sizes] + [(n, "xlsx") for n in xlsx_sizes] + [(n, KOMMUN) for n in kommun_sizes]
    warmed: set[str] = set()
    for n, fmt in sorted(cases, key=lambda c: (c[1] == KOMMUN, c[0], c[1])):
        path = str(data_path(n, fmt))
        if fmt == KOMMUN:
            whats = ["kommunrapport_kor", "baseline_kommun", "floor"]
        else:
            whats = ["kommunrapport", "baseline", "floor"] + (["floor_arrow"] if fmt == "xlsx" else []) \
                + (["kommunrapport_load", "pandas_load"] if n in load_sizes else [])
        if fmt not in warmed:  # first process of a kind pays for .pyc and font caches: not measured
            warm_path = str(data_path(warm, fmt))
            if fmt == KOMMUN:  # the smallest kommun ledger there is (not a 10^7-row warm-up)
                warm_path = str(min((data_path(n, fmt) for n in [10**5, *kommun_sizes] if data_path(n, fmt).exists()),
                                    key=lambda p: p.stat().st_size))
            for w in (whats if fmt == KOMMUN else [w for w in CHILDREN if w not in ("kommunrapport_kor", "baseline_kommun")]):
                if w != "floor_arrow" or fmt == "xlsx":
                    run_measured([py, me, "--child", w, fmt, warm_path])
            warmed.add(fmt)
        print(f"\n{size_label(n)} rows, {fmt}:", flush=True)
        walls: dict[str, list[float]] = {w: [] for w in whats}
        peaks: dict[str, list[float]] = {w: [] for w in whats}
        infos: dict[str, list[dict]] = {w: [] for w in whats}
        for i in range(a.repeat):  # round robin, so that a noisy moment hits all alike
            for w in whats:
                wall, peak, info = run_measured([py, me, "--child", w, fmt, path])
                walls[w].append(wall)
                peaks[w].append(peak)
                infos[w].append(info)
                print(f"  {i + 1}/{a.repeat} {w:<19} {fmt_s(wall):>7} s {peak:7.0f} MB", flush=True)
        kr, bl = ("kommunrapport_kor", "baseline_kommun") if fmt == KOMMUN else ("kommunrapport", "baseline")
        diff = compare_tables(infos[kr][0]["table"], infos[bl][0]["table"], 1.0)
        if diff:
            problems.append(f"{size_label(n)} {fmt}: kommunrapport and baseline disagree: {diff}")
        med = {w: statistics.median(walls[w]) for w in whats}
        for w in whats:
            ph = {k: statistics.median(i[k] for i in infos[w]) for k in infos[w][0] if k not in ("table", "rows")}
            results.append({
                "size": n, "format": fmt, "what": w, "median_s": med[w], "peak_mb": max(peaks[w]),
                "ratio_vs_baseline": med[w] / med[base_of(w, fmt)], "ratio_vs_floor": med[w] / med["floor"],
                "date": today, "python": pyver, "machine": mach, "_phases": ph,
            })
        print_case(results[-len(whats):])

    if not a.no_help:
        exe = str(Path(py).parent / "kommunrapport")
        print("\nkommunrapport --help:", flush=True)
        run_measured([exe, "--help"])  # warm
        hw = {"kommunrapport --help": [], "python -c pass": []}
        hp = {"kommunrapport --help": [], "python -c pass": []}
        for _ in range(HELP_REPEAT):
            for w, cmd in (("kommunrapport --help", [exe, "--help"]), ("python -c pass", [py, "-c", "pass"])):
                wall, peak, _ = run_measured(cmd)
                hw[w].append(wall)
                hp[w].append(peak)
        base = statistics.median(hw["python -c pass"])
        for w in hw:
            m = statistics.median(hw[w])
            results.append({"size": "", "format": "", "what": w, "median_s": m, "peak_mb": max(hp[w]),
                            "ratio_vs_baseline": m / base, "ratio_vs_floor": "", "date": today, "python": pyver,
                            "machine": mach, "_phases": {}})
            print(f"  {w:<22} {m:.3f} s {max(hp[w]):6.0f} MB  ({m / base:.1f}× python -c pass)")

    rows = merge(results)  # this run's figures replace older ones of the same size, format and what
    verdicts = targets(rows)
    print("\ntargets (latest figure of each in results.csv):")
    for line in verdicts:
        print("  " + line)
    for p in problems:
        print("ERROR: " + p)
    if not a.no_save:
        write_results(rows)
        update_readme(rows, verdicts)
        print(f"\nwrote {RESULTS.relative_to(HERE.parent)} and {README.relative_to(HERE.parent)}")
    print(f"total time: {time.perf_counter() - started:.0f} s")
    return 1 if problems else 0


def print_case(rows: list[dict]) -> None:
    kr = next(r for r in rows if r["what"] in ("kommunrapport", "kommunrapport_kor"))
    print(f"  {'':<19} {'median s':>9} {'peak MB':>8} {'×baseline':>10} {'×floor':>7}  in-process phases (median s)")
    for r in rows:
        ph = ", ".join(f"{k} {v:.2f}" for k, v in r["_phases"].items())
        print(f"  {r['what']:<19} {fmt_s(r['median_s']):>9} {r['peak_mb']:8.0f} {r['ratio_vs_baseline']:10.2f} "
              f"{r['ratio_vs_floor']:7.2f}  {ph}")
    base = next(r for r in rows if r["what"] in ("baseline", "baseline_kommun"))
    fl = next(r for r in rows if r["what"] == "floor")
    print(f"  peak memory kommunrapport/baseline {kr['peak_mb'] / base['peak_mb']:.2f}×, /floor {kr['peak_mb'] / fl['peak_mb']:.2f}×")


def _find(rows: list[dict], size: int | str, fmt: str, what: str) -> dict | None:
    return next((r for r in rows if r["size"] == str(size) and r["format"] == fmt and r["what"] == what), None)


def targets(rows: list[dict]) -> list[str]:
    """The targets of benchmarks/README.md, judged on the rows of results.csv (strings)."""
    out = []

    def verdict(ok: bool, r: dict) -> str:
        return ("met" if ok else "NOT met") + f" ({r['date']})"

    r = _find(rows, 10**6, "xlsx", "kommunrapport")
    if r:
        speedup, vs_floor = 1 / float(r["ratio_vs_baseline"]), float(r["ratio_vs_floor"])
        out.append(f"10^6 xlsx: {speedup:.1f}× faster than baseline (target ≥ 5×), "
                   f"{vs_floor:.2f}× floor (target ≤ 1.5×): {verdict(speedup >= 5 and vs_floor <= 1.5, r)}")
    else:
        out.append("10^6 xlsx: not measured yet (run with --full)")
    r = _find(rows, 10**6, "csv", "kommunrapport")
    if r:
        s, mb = float(r["median_s"]), float(r["peak_mb"])
        out.append(f"10^6 csv: {s:.1f} s (target < 10 s), {mb:.0f} MB peak (target < 1024 MB): "
                   f"{verdict(s < 10 and mb < 1024, r)}")
    r = _find(rows, 10**6, "csv", "kommunrapport")
    b = _find(rows, 10**6, "csv", "baseline")
    if r and b:
        x, mb = float(r["ratio_vs_baseline"]), float(r["peak_mb"]) / float(b["peak_mb"])
        out.append(f"10^6 csv vs the pandas baseline: {x:.2f}× its time (target ≤ 1.5×), {mb:.2f}× its peak memory "
                   f"(target ≤ 1.5×): {verdict(x <= 1.5 and mb <= 1.5, r)}")
    for fmt in ("csv", "xlsx"):
        r = _find(rows, 10**4, fmt, "kommunrapport")
        if r:
            out.append(f"10^4 {fmt} full ekonomi run: {float(r['median_s']):.2f} s (target ≤ 1.0 s): "
                       f"{verdict(float(r['median_s']) <= 1.0, r)}")
    r = _find(rows, 10**6, "xlsx", "floor_arrow")
    k = _find(rows, 10**6, "xlsx", "kommunrapport")
    if r and k:
        x = float(k["median_s"]) / float(r["median_s"])
        out.append(f"10^6 xlsx: {x:.2f}× the Arrow read floor (target ≤ 1.3×): {verdict(x <= 1.3, k)}")
    r = _find(rows, 10**7, KOMMUN, "kommunrapport_kor")
    if r:
        s, mb = float(r["median_s"]), float(r["peak_mb"])
        out.append(f"10^7 kommun-wide ledger, kör of {NÄMNDER} nämnder: {s:.1f} s (target < 20 s), {mb:.0f} MB peak "
                   f"(target < 2048 MB): {verdict(s < 20 and mb < 2048, r)}")
    else:
        out.append("10^7 kommun-wide ledger: not measured yet (run with --full)")
    växt = [(int(x["size"]), float(x["median_s"]), float(x["peak_mb"])) for x in rows
            if x["format"] == KOMMUN and x["what"] == "kommunrapport_kor"]
    if len(växt) > 1:
        out.append("kör of every nämnd, growth: " + ", ".join(f"{size_label(n)} {s:.1f} s {mb:.0f} MB"
                                                              for n, s, mb in sorted(växt)))
    r = _find(rows, "", "", "kommunrapport --help")
    if r:
        s = float(r["median_s"])
        out.append(f"kommunrapport --help: {s:.3f} s (target < 0.3 s): {verdict(s < 0.3, r)}")
    for fmt in ("xlsx", "csv"):
        r = _find(rows, 10**5, fmt, "kommunrapport_load")
        if r:
            x = float(r["ratio_vs_baseline"])
            out.append(f"loading 10^5 {fmt}: {x:.2f}× pandas' own read of the file (target ≤ 2×): {verdict(x <= 2, r)}")
    return out


COLUMNS = ["size", "format", "what", "median_s", "peak_mb", "ratio_vs_baseline", "ratio_vs_floor", "date", "python", "machine"]


def merge(results: list[dict]) -> list[dict]:
    """results.csv's rows with this run's replacing those of the same size, format and what."""
    old = []
    if RESULTS.exists():
        with open(RESULTS, newline="", encoding="utf-8") as f:
            old = list(csv.DictReader(f))
    new_keys = {(str(r["size"]), r["format"], r["what"]) for r in results}
    rows = [r for r in old if (r["size"], r["format"], r["what"]) not in new_keys]
    for r in results:
        rows.append({
            "size": str(r["size"]), "format": r["format"], "what": r["what"], "median_s": f"{r['median_s']:.4f}",
            "peak_mb": f"{r['peak_mb']:.0f}", "ratio_vs_baseline": f"{r['ratio_vs_baseline']:.3f}",
            "ratio_vs_floor": "" if r["ratio_vs_floor"] == "" else f"{r['ratio_vs_floor']:.3f}",
            "date": r["date"], "python": r["python"], "machine": r["machine"],
        })
    order = {w: i for i, w in enumerate(BASELINE_OF)} | {"kommunrapport_kor": 0, "baseline_kommun": 1}
    rows.sort(key=lambda r: (r["size"] == "", r["format"] == KOMMUN, r["format"], int(r["size"] or 0),
                             order.get(r["what"], 99)))
    return rows


def write_results(rows: list[dict]) -> None:
    with open(RESULTS, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def results_markdown(rows: list[dict]) -> str:
    lines = ["| rows | format | what | median s | peak MB | × baseline | × floor | date |",
             "|---:|---|---|---:|---:|---:|---:|---|"]
    for r in rows:
        size = size_label(int(r["size"])) if r["size"] else ""
        floor = f"{float(r['ratio_vs_floor']):.2f}" if r["ratio_vs_floor"] else ""
        lines.append(f"| {size} | {r['format']} | {r['what']} | {float(r['median_s']):.3f} | {r['peak_mb']} | "
                     f"{float(r['ratio_vs_baseline']):.2f} | {floor} | {r['date']} |")
    machines = sorted({f"{r['machine']}, Python {r['python']}" for r in rows})
    return "\n".join(lines) + "\n\nMachine: " + "; ".join(machines) + "\n"


START, END = "<!-- results:start -->", "<!-- results:end -->"


def update_readme(rows: list[dict], verdicts: list[str]) -> None:
    """Replace the block between the markers in benchmarks/README.md with results.csv as a table."""
    if not README.exists():
        return
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        return
    block = results_markdown(rows) + "\nTargets at the latest run:\n\n" + "\n".join(f"- {v}" for v in verdicts) + "\n"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(head + START + "\n" + block + END + tail, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
