#!/usr/bin/env python3
"""Write three invented, plausible volume exports for a small kommun's socialnämnd, 2023 – Feb 2025:

- examples/volymer/hemtjanst.csv           long, `;`, UTF-8 with BOM, Swedish numbers, month names
- examples/volymer/placeringar.xlsx        sheet "Placeringar", two title rows + blank row, numeric cells
- examples/volymer/ekonomiskt_bistand.csv  long, `;`, cp1252 (Excel "CSV semikolonavgränsad")

The figures are made up (fixed seed, so every run writes the same files). Flows (hours, care days, cost,
paid amount) follow the length of the month, so February is short and February 2024 is a leap month.

Run from the repository root: .venv/bin/python examples/make_volume_data.py
"""

from __future__ import annotations

import calendar
import csv
import io
import re
import zipfile
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font

UT = Path(__file__).resolve().parent / "volymer"
RNG = np.random.default_rng(20250305)
MÅNADSNAMN = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
              "oktober", "november", "december"]
PERIODER = [(år, m) for år in (2023, 2024, 2025) for m in range(1, 13) if år < 2025 or m <= 2]


def dagar(år: int, m: int) -> int:
    return calendar.monthrange(år, m)[1]


def tid(år: int, m: int) -> float:
    """Years since January 2023 (for trends)."""
    return (år - 2023) + (m - 1) / 12


def säsong(m: int, amplitud: float) -> float:
    """1 + amplitude in January, 1 − amplitude in July."""
    return 1 + amplitud * np.cos(2 * np.pi * (m - 1) / 12)


def fördela(total: int, andelar: np.ndarray) -> list[int]:
    """Split an integer total by shares, largest remainder, so the parts sum to the total."""
    råa = total * andelar / andelar.sum()
    delar = np.floor(råa).astype(int)
    for i in np.argsort(-(råa - delar))[: total - delar.sum()]:
        delar[i] += 1
    return delar.tolist()


def sv(x: float | int, decimaler: int = 0) -> str:
    """Swedish number: thousands separated by a normal space, decimal comma."""
    return f"{x:,.{decimaler}f}".replace(",", " ").replace(".", ",")


def skriv_csv(namn: str, kodning: str, rubrik: list[str], rader: list[list]) -> None:
    with open(UT / namn, "w", encoding=kodning, newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        w.writerow(rubrik)
        w.writerows(rader)


# --- hemtjänst ------------------------------------------------------------------------------------
UTFÖRARE = [("egen regi", "Hemtjänst Norr", 0.38), ("egen regi", "Hemtjänst Söder", 0.35),
            ("egen regi", "Hemtjänst Centrum", 0.27), ("privat", "Omsorgsbolaget AB", 0.58),
            ("privat", "Vardaga Hemtjänst AB", 0.42)]


def hemtjänst() -> list[dict]:
    rader = []
    for år, m in PERIODER:
        t = tid(år, m)
        beviljat = 640 * dagar(år, m) * säsong(m, 0.045) * (1.015 ** t) * RNG.normal(1, 0.008)
        brukare = round(398 * säsong(m, 0.02) * (1.012 ** t) + RNG.normal(0, 3))
        privat = 0.265 + 0.01 * t / 2 + RNG.normal(0, 0.004)         # private share of hours
        for regi, namn, andel in UTFÖRARE:
            regiandel = privat if regi == "privat" else 1 - privat
            v = beviljat * regiandel * andel * RNG.normal(1, 0.015)
            rader.append(dict(år=år, m=m, regi=regi, utförare=namn, beviljade=round(v, 1),
                              utförda=round(v * RNG.uniform(0.885, 0.945), 1), vikt=v))
        vikter = np.array([r["vikt"] for r in rader[-5:]]) * np.array([1, 1, 1, 1.08, 1.08])
        for r, n in zip(rader[-5:], fördela(brukare, vikter)):   # private: slightly fewer h/brukare
            r["brukare"] = n
    return rader


# --- placeringar ----------------------------------------------------------------------------------
# (målgrupp, insats, typical number placed, occupancy range, kr per vårddygn 2023, kr range)
INSATSER = [
    ("Barn och unga", "HVB", 10, (0.78, 0.92), 3750, (3500, 4500)),
    ("Barn och unga", "Familjehem", 33, (0.90, 0.97), 900, (800, 1200)),
    ("Barn och unga", "Konsulentstött familjehem", 13, (0.88, 0.96), 1950, (1800, 2400)),
    ("Barn och unga", "Jourhem", 5, (0.60, 0.80), 1300, (1200, 1600)),
    ("Barn och unga", "SiS", 2, (0.65, 0.90), 5300, (5000, 6500)),
    ("Vuxna", "HVB", 2, (0.70, 0.95), 2900, (2500, 3500)),
    ("Vuxna", "Stödboende", 4, (0.80, 0.97), 1350, (1200, 1800)),
    ("Vuxna", "LVM", 1, (0.50, 0.90), 4250, (4000, 5000)),
    ("Vuxna", "Skyddat boende", 1, (0.45, 0.85), 2000, (1800, 2600)),
]


def placeringar() -> list[dict]:
    rader = []
    bas = np.array([ins[2] for ins in INSATSER], dtype=float)
    nivå = bas.copy()
    barn = np.array([ins[0] == "Barn och unga" for ins in INSATSER])
    for år, m in PERIODER:   # placements persist: a level reverting slowly to its base, plus noise
        nivå = np.maximum(bas + 0.8 * (nivå - bas) + RNG.normal(0, 0.3, len(bas)) * np.sqrt(bas + 1), 0)
        nivå[barn] *= np.clip(nivå[barn].sum(), 61, 73) / nivå[barn].sum()   # keep 61–73 children
        antal = np.round(nivå).astype(int)
        for (grupp, insats, _, (lo, hi), pris, (golv, tak)), n in zip(INSATSER, antal):
            kr = float(np.clip(pris * 1.035 ** tid(år, m) * RNG.normal(1, 0.02), golv, tak))
            dygn = int(round(n * dagar(år, m) * RNG.uniform(lo, hi)))
            rader.append(dict(år=år, m=m, grupp=grupp, insats=insats, dygn=dygn, placerade=int(n),
                              kostnad=round(dygn * kr, 2)))
    return rader


# --- ekonomiskt bistånd ---------------------------------------------------------------------------
# (beslutsorsak, share of households, kr per household and month, share långvariga, barn per household)
ORSAKER = [
    ("Arbetslös", 0.37, 8400, 0.33, 0.85),
    ("Sjukskriven", 0.20, 8300, 0.52, 0.70),
    ("Sjuk- eller aktivitetsersättning", 0.07, 5200, 0.80, 0.30),
    ("Otillräcklig inkomst", 0.14, 6300, 0.42, 1.10),
    ("Väntar på ersättning", 0.10, 9200, 0.08, 0.80),
    ("Övrigt", 0.12, 7000, 0.30, 0.55),
]


def bistånd() -> list[dict]:
    rader = []
    andelar = np.array([o[1] for o in ORSAKER])
    for år, m in PERIODER:
        t = tid(år, m)
        hushåll = round(188 * säsong(m - 2, 0.05) * (1.04 ** t) + RNG.normal(0, 4))
        andelar = np.clip(andelar * RNG.normal(1, 0.04, len(andelar)), 0.03, None)
        for (orsak, _, kr, lång, barn), n in zip(ORSAKER, fördela(hushåll, andelar)):
            per_hh = kr * 1.025 ** t * RNG.normal(1, 0.04)
            rader.append(dict(år=år, m=m, orsak=orsak, utbetalt=round(n * per_hh, 2), hushåll=n,
                              långvariga=round(n * lång * RNG.normal(1, 0.03)),
                              barn=round(n * barn * RNG.normal(1, 0.05))))
    return rader


# --- writing and summary --------------------------------------------------------------------------
def skriv_placeringar(rader: list[dict]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Placeringar"
    ws.append(["Placeringar – vårddygn, placerade och kostnad"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["Källa: verksamhetssystemet, uttag 2025-03-05"])
    ws.append([])
    ws.append(["År", "Månad", "Målgrupp", "Insats", "Vårddygn", "Placerade", "Kostnad (kr)"])
    for c in ws[4]:
        c.font = Font(bold=True)
    for r in rader:
        ws.append([r["år"], r["m"], r["grupp"], r["insats"], r["dygn"], r["placerade"], float(r["kostnad"])])
        ws.cell(ws.max_row, 5).number_format = "#,##0"
        ws.cell(ws.max_row, 7).number_format = "#,##0.00"
    for kol, bredd in zip("ABCDEFG", (8, 8, 16, 28, 12, 12, 16)):
        ws.column_dimensions[kol].width = bredd
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(UT / "placeringar.xlsx", "w") as zout:
        for namn in zin.namelist():   # fixed timestamps, so every run writes the same bytes
            data = zin.read(namn)
            if namn == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2025-03-05T07:00:00Z", data)
            zout.writestr(zipfile.ZipInfo(namn, (2025, 3, 5, 7, 0, 0)), data, zipfile.ZIP_DEFLATED)


DECIMALER = {"beviljade": 1, "utförda": 1, "dygn": 0, "kostnad": 2, "utbetalt": 2}


def sammanfatta(namn: str, rader: list[dict], flöden: list[str], stockar: list[str], jämför: str,
                filter_=lambda r: True) -> None:
    """Per year: sum of flows, mean of monthly totals for stocks; then jan–feb 2025 against 2024."""
    valda = [r for r in rader if filter_(r)]
    print(f"\n{namn}: {len(valda)} rader")
    mån: dict[tuple[int, int], dict[str, float]] = {}
    for r in valda:
        d = mån.setdefault((r["år"], r["m"]), {})
        for k in flöden + stockar:
            d[k] = d.get(k, 0) + r[k]
    for år in (2023, 2024, 2025):
        ds = [d for (å, _), d in mån.items() if å == år]
        txt = [f"{k} summa {sv(sum(d[k] for d in ds), DECIMALER[k])}" for k in flöden]
        txt += [f"{k} månadssnitt {sv(np.mean([d[k] for d in ds]), 1)}" for k in stockar]
        print(f"  {år} ({len(ds)} mån): " + "; ".join(txt))
    mått = "månadssnitt" if jämför in stockar else "summa"
    jf = {år: [d[jämför] for (å, m), d in mån.items() if å == år and m <= 2] for år in (2024, 2025)}
    jf = {år: np.mean(v) if jämför in stockar else sum(v) for år, v in jf.items()}
    dec = DECIMALER.get(jämför, 1)
    print(f"  {jämför} jan–feb ({mått}) 2025 mot 2024: {sv(jf[2025], dec)} mot {sv(jf[2024], dec)}"
          f" = {sv(100 * (jf[2025] / jf[2024] - 1), 1)} %")


def kontrollera(hem: list[dict], plac: list[dict], ekb: list[dict]) -> None:
    """Assert the brief's plausibility ranges on the monthly totals."""
    for år, m in PERIODER:
        h = [r for r in hem if (r["år"], r["m"]) == (år, m)]
        bev = sum(r["beviljade"] for r in h)
        assert 18_000 <= bev <= 22_000 and 380 <= sum(r["brukare"] for r in h) <= 430, (år, m, bev)
        assert 0.25 <= sum(r["beviljade"] for r in h if r["regi"] == "privat") / bev <= 0.30, (år, m)
        assert all(0.88 <= r["utförda"] / r["beviljade"] <= 0.95 for r in h), (år, m)
        p = [r for r in plac if (r["år"], r["m"]) == (år, m)]
        assert 60 <= sum(r["placerade"] for r in p if r["grupp"] == "Barn och unga") <= 75, (år, m)
        assert 1_000 <= sum(r["dygn"] for r in p) <= 2_200, (år, m)
        e = [r for r in ekb if (r["år"], r["m"]) == (år, m)]
        hh, utb = sum(r["hushåll"] for r in e), sum(r["utbetalt"] for r in e)
        assert 150 <= hh <= 250 and 1.0e6 <= utb <= 1.9e6 and 7_000 <= utb / hh <= 9_000, (år, m)
        assert 0.35 <= sum(r["långvariga"] for r in e) / hh <= 0.45, (år, m)
        assert 0.6 <= sum(r["barn"] for r in e) / hh <= 0.9, (år, m)


def main() -> None:
    UT.mkdir(parents=True, exist_ok=True)
    hem, plac, ekb = hemtjänst(), placeringar(), bistånd()
    kontrollera(hem, plac, ekb)
    skriv_csv("hemtjanst.csv", "utf-8-sig",
              ["År", "Månad", "Regi", "Utförare", "Beviljade timmar", "Utförda timmar", "Brukare"],
              [[r["år"], MÅNADSNAMN[r["m"] - 1], r["regi"], r["utförare"], sv(r["beviljade"], 1),
                sv(r["utförda"], 1), r["brukare"]] for r in hem])
    skriv_placeringar(plac)
    skriv_csv("ekonomiskt_bistand.csv", "cp1252",
              ["År", "Månad", "Beslutsorsak", "Utbetalt (kr)", "Hushåll", "Långvariga hushåll", "Barn"],
              [[r["år"], r["m"], r["orsak"], sv(r["utbetalt"], 2), sv(r["hushåll"]), sv(r["långvariga"]),
                sv(r["barn"])] for r in ekb])
    print(f"Skrev {UT}/hemtjanst.csv, placeringar.xlsx, ekonomiskt_bistand.csv (2025: bara jan–feb)")
    sammanfatta("hemtjanst.csv", hem, ["beviljade", "utförda"], ["brukare"], "beviljade")
    sammanfatta("placeringar.xlsx", plac, ["dygn", "kostnad"], ["placerade"], "dygn")
    for grupp in ("Barn och unga", "Vuxna"):
        sammanfatta(f"  varav {grupp}", plac, ["dygn", "kostnad"], ["placerade"], "placerade",
                    lambda r: r["grupp"] == grupp)
    sammanfatta("ekonomiskt_bistand.csv", ekb, ["utbetalt"], ["hushåll", "långvariga", "barn"], "utbetalt")


if __name__ == "__main__":
    main()
