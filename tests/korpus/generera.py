"""The hostile-input corpus: generated exports, each with what kommunrapport must do with it.

Every case is one ekonomi export (and its mapping) made from one small ledger whose right answer is
known by plain arithmetic (the oracle below, independent of kommunrapport). A case expects either

- "siffror": the exact budgetavvikelse jan–feb 2025 and per report row (the export is only written
  differently: encoding, delimiter, number and month formats, headers, title rows, Excel …);
- "fel": a Swedish error whose text names the place (file, row, column) and the problem;
- "varning": the right figures and a warning that says what was passed over.

The fault cases (`kommando`) run a command line in the case's folder instead: an output path that is a
file, a broken history, a template that runs away, a configuration that is not TOML …; each must end in
a Swedish error (exit 2) naming the place, with no report written.

`fall()` returns every case; tests/korpus/test_korpus.py runs them and prints the counts.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from dataclasses import dataclass, field

import openpyxl

MAPPNING = ("id;rubrik;förälder;koder\n"
            "nämnd;1. Nämnd;;1000\n"
            "hemtjänst;2. Hemtjänst;;2100, 2110\n"
            "dag;- varav dagverksamhet;hemtjänst;2200\n"
            "boende;3. Vård- och omsorgsboende;;3*\n")
KODER = ["1000", "2100", "2110", "2200", "3010", "3020"]
RAD_FÖR_KOD = {"1000": "nämnd", "2100": "hemtjänst", "2110": "hemtjänst", "2200": "dag", "3010": "boende",
               "3020": "boende"}
MÅNADER = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december"]
KORT = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


@dataclass
class Rad:
    år: int
    månad: int
    kod: str
    utfall: float  # kr, costs positive (ledger sign); revenue negative
    budget: float


def huvudbok(seed: int = 7) -> list[Rad]:
    """2024 jan–dec and 2025 jan–feb, every code, amounts in öre; one revenue code (3020)."""
    rng = random.Random(seed)
    rader = []
    for år, sista in ((2024, 12), (2025, 2)):
        for m in range(1, sista + 1):
            for kod in KODER:
                tecken = -1 if kod == "3020" else 1
                budget = round(rng.uniform(20_000, 900_000), 2) * tecken
                utfall = round(budget * rng.uniform(0.8, 1.2), 2)
                rader.append(Rad(år, m, kod, utfall, budget))
    return rader


def facit(rader: list[Rad], år: int = 2025, månad: int = 2) -> dict[str, float]:
    """The oracle: accumulated budgetavvikelse jan..månad in kr (+ better), per report row and in total.

    budgetavvikelse = budget − utfall in the ledger's sign (costs +): spending less than budget is +.
    A varav row ('dag') is part of its parent ('hemtjänst')."""
    ut: dict[str, float] = {"nämnd": 0.0, "hemtjänst": 0.0, "dag": 0.0, "boende": 0.0}
    for r in rader:
        if r.år == år and r.månad <= månad:
            ut[RAD_FÖR_KOD[r.kod]] += r.budget - r.utfall
    ut["hemtjänst"] += ut["dag"]
    ut["total"] = ut["nämnd"] + ut["hemtjänst"] + ut["boende"]
    return ut


@dataclass
class Fall:
    namn: str
    väntat: str  # siffror | fel | varning
    filer: dict[str, bytes]
    data: str = "ekonomi.csv"
    månad: int = 2
    inställningar: dict = field(default_factory=dict)  # tecken, värden, blad, kolumner
    facit: dict[str, float] | None = None  # kr per report row and 'total'
    texter: list[str] = field(default_factory=list)  # must stand in the error or warning text
    känt_fel: str | None = None  # a known defect, not yet mended: the case is expected to fail (strict)
    kommando: list[str] | None = None  # a fault case: this command line, run in the case's folder


# --- writing a ledger ------------------------------------------------------------------------------

def _tal(v: float, stil: str) -> str:
    """An amount as an export writes it."""
    if stil == "punkt":
        return f"{v:.2f}"
    heltal, dec = f"{abs(v):.2f}".split(".")
    tusen = {"mellanslag": " ", "nbsp": "\u00a0", "inget": "", "minus": " ", "parentes": " "}[stil]
    grupper = []
    while len(heltal) > 3:
        grupper.insert(0, heltal[-3:])
        heltal = heltal[:-3]
    text = tusen.join([heltal, *grupper]) + "," + dec
    if v < 0:
        return {"minus": "\u2212" + text, "parentes": f"({text})"}.get(stil, "-" + text)
    return text


def csv_text(rader: list[Rad], sep: str = ";", stil: str = "mellanslag", månad: str = "nr",
             rubriker: tuple[str, ...] = ("År", "Månad", "Verksamhet", "Utfall", "Budget"),
             titlar: int = 0, tomma_rader: bool = False, tecken: int = 1, ackumulerat: bool = False) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    for i in range(titlar):
        w.writerow([f"Rapport {i + 1}: utfall per verksamhet"])
    w.writerow(list(rubriker))
    summor: dict[tuple[int, str], tuple[float, float]] = {}
    for r in rader:
        u, b = r.utfall, r.budget
        if ackumulerat:
            fu, fb = summor.get((r.år, r.kod), (0.0, 0.0))
            u, b = round(fu + u, 2), round(fb + b, 2)
            summor[(r.år, r.kod)] = (u, b)
        m = {"nr": str(r.månad), "kort": KORT[r.månad - 1], "namn": MÅNADER[r.månad - 1].capitalize(),
             "period": f"{r.år}-{r.månad:02d}", "yyyymm": f"{r.år}{r.månad:02d}"}[månad]
        rad = [m, r.kod, _tal(u * tecken, stil), _tal(b * tecken, stil)]
        if månad not in ("period", "yyyymm"):
            rad.insert(0, str(r.år))
        w.writerow(rad)
        if tomma_rader and r.kod == "1000":
            w.writerow([])
    return buf.getvalue()


def xlsx_bytes(rader: list[Rad], blad: str = "Utfall", titlar: int = 0, koder_som_tal: bool = True,
               före: str | None = None, ändra=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if före is not None:  # a summary sheet before the export
        ws.title = före
        ws.append(["Verksamhet", "Utfall", "Budget"])
        ws.append(["Totalt", 1.0, 2.0])
        ws = wb.create_sheet(blad)
    else:
        ws.title = blad
    for i in range(titlar):
        ws.append([f"Utfall per verksamhet {i + 1}"])
    ws.append(["År", "Månad", "Verksamhet", "Utfall", "Budget"])
    for r in rader:
        ws.append([r.år, KORT[r.månad - 1], int(r.kod) if koder_som_tal else r.kod, r.utfall, r.budget])
    if ändra is not None:
        ändra(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _med_data(namn: str, data: bytes) -> dict[str, bytes]:
    return {"verksamheter.csv": MAPPNING.encode("utf-8"), namn: data}


# --- the cases ------------------------------------------------------------------------------------

def fall() -> list[Fall]:
    rader = huvudbok()
    rätt = facit(rader)
    ut: list[Fall] = []

    def siffror(namn: str, filer: dict[str, bytes], data: str = "ekonomi.csv", **inst) -> None:
        ut.append(Fall(namn, "siffror", filer, data, inställningar=inst, facit=rätt))

    # 1. The same ledger written every way an export is written: the same figures.
    for kodning in ("utf-8", "utf-8-sig", "cp1252", "utf-16"):
        for sep in (";", "\t", ","):
            for stil in ("mellanslag", "nbsp", "inget", "minus", "parentes", "punkt"):
                if kodning == "cp1252" and stil == "minus":
                    continue  # U+2212 does not exist in cp1252
                if stil == "punkt" and sep == ",":
                    continue  # 1234.50 with ',' between fields is another case (below)
                text = csv_text(rader, sep, stil)
                siffror(f"csv {kodning} sep={sep!r} tal={stil}", _med_data("ekonomi.csv", text.encode(kodning)))
    for månad in ("kort", "namn", "period", "yyyymm"):
        rubriker = (("Period", "Verksamhet", "Utfall", "Budget") if månad in ("period", "yyyymm")
                    else ("År", "Månad", "Verksamhet", "Utfall", "Budget"))
        siffror(f"csv månad som {månad}", _med_data("ekonomi.csv", csv_text(rader, månad=månad,
                                                                             rubriker=rubriker).encode()))
    for rubriker in (("år", "månad", "verksamhet", "utfall", "budget"), ("ÅR", "MÅNAD", "VERKSAMHET", "UTFALL", "BUDGET"),
                     ("Bokföringsår", "Period", "Verksamhetskod", "Utfall kr", "Budget kr"),
                     ("  År ", "Månad.", "Vht", "Bokfört", "Periodiserad budget")):
        siffror(f"csv rubriker {rubriker[2].strip()}", _med_data("ekonomi.csv", csv_text(rader, rubriker=rubriker).encode()))
    for titlar in (1, 3):
        siffror(f"csv {titlar} titelrader", _med_data("ekonomi.csv", csv_text(rader, titlar=titlar).encode()))
    siffror("csv tomma rader emellan", _med_data("ekonomi.csv", csv_text(rader, tomma_rader=True).encode()))
    blandad = rader[:]
    random.Random(3).shuffle(blandad)
    siffror("csv rader i annan ordning", _med_data("ekonomi.csv", csv_text(blandad).encode()))
    siffror("csv kostnad-negativ", _med_data("ekonomi.csv", csv_text(rader, tecken=-1).encode()),
            tecken="kostnad-negativ")
    siffror("csv ackumulerade belopp", _med_data("ekonomi.csv", csv_text(rader, ackumulerat=True).encode()),
            värden="ackumulerade")
    siffror("csv egna rubriker", _med_data("ekonomi.csv", csv_text(
        rader, rubriker=("År", "Månad", "Ansvar", "Redovisat belopp", "Budgetbelopp")).encode()),
        kolumner={"verksamhet": "Ansvar", "utfall": "Redovisat belopp", "budget": "Budgetbelopp"})
    for titlar, koder_som_tal, före in ((0, True, None), (2, False, None), (0, True, "Sammanställning")):
        siffror(f"xlsx titlar={titlar} koder som tal={koder_som_tal} blad före={före}",
                _med_data("ekonomi.xlsx", xlsx_bytes(rader, titlar=titlar, koder_som_tal=koder_som_tal, före=före)),
                "ekonomi.xlsx")
    siffror("xlsx blad med annat namn valt med --blad", _med_data("ekonomi.xlsx", xlsx_bytes(rader, blad="Export")),
            "ekonomi.xlsx", blad="export")

    # 2. One bad cell somewhere: an error naming the row and the column, whatever the row.
    rng = random.Random(11)
    text = csv_text(rader)
    linjer = text.splitlines(keepends=True)
    for i in range(24):
        rad_nr = rng.randrange(2, len(linjer) + 1)  # a data line, 1-based; line 1 is the header
        fält = linjer[rad_nr - 1].rstrip("\n").split(";")
        kolumn, värde, väntad = [
            (3, "abc", "'abc' är inget tal"),
            (4, "12,3,4", "'12,3,4' är inget tal"),
            (3, "1 2 3,4 5", "är inget tal"),
            (1, "13", "'13' är ingen månad"),
            (1, "feb2", "'feb2' är ingen månad"),
            (2, "9999", "verksamheten '9999' finns inte i"),
        ][i % 6]
        fält[kolumn] = värde
        kolumnnamn = ["År", "Månad", "Verksamhet", "Utfall", "Budget"][kolumn]
        nya = linjer[:]
        nya[rad_nr - 1] = ";".join(fält) + "\n"
        ut.append(Fall(f"csv fel cell rad {rad_nr} kolumn {kolumnnamn}: {värde}", "fel",
                       _med_data("ekonomi.csv", "".join(nya).encode()),
                       texter=["ekonomi.csv", f"rad {rad_nr}", f"kolumn '{kolumnnamn}'", väntad]))

    # 3. Excel cells that must not pass as numbers.
    def cell(ref: str, värde, typ: str | None = None):
        def ändra(ws):
            ws[ref] = värde
            if typ:
                ws[ref].data_type = typ
        return ändra

    for ref, värde, typ, väntad in (("D5", "#REF!", "e", "#REF!"), ("E9", "#N/A", "e", "#N/A"),
                                    ("D12", "=1/0", None, "formeln har inget sparat värde"),
                                    ("E7", True, None, "SANT/FALSKT"), ("D20", "tolv", None, "'tolv' är inget tal")):
        kol = "Utfall" if ref[0] == "D" else "Budget"
        ut.append(Fall(f"xlsx {ref} = {värde}", "fel", _med_data("ekonomi.xlsx", xlsx_bytes(rader, ändra=cell(ref, värde, typ))),
                       "ekonomi.xlsx", texter=["ekonomi.xlsx", "blad 'Utfall'", f"rad {ref[1:]}", f"kolumn {ref[0]} ({kol})",
                                               väntad]))

    # 4. Files that are not what they claim to be, or hold no data.
    xlsx = xlsx_bytes(rader)
    för_fel = [
        ("tom fil", "ekonomi.csv", b"", "filen är tom"),
        ("bara rubrikrad", "ekonomi.csv", b"\xc3\x85r;M\xc3\xa5nad;Verksamhet;Utfall;Budget\n", "inga datarader"),
        ("kolumnen budget saknas", "ekonomi.csv", "År;Månad;Verksamhet;Utfall\n2025;1;1000;1\n".encode(),
         "hittar ingen rubrikrad"),
        ("html sparad som xlsx", "ekonomi.xlsx", b"<html><body><table><tr><td>1</td></tr></table></body></html>",
         "webbsida"),
        ("avkortad xlsx", "ekonomi.xlsx", xlsx[: len(xlsx) // 2], "ekonomi.xlsx"),
        ("csv med ändelsen xlsx", "ekonomi.xlsx", csv_text(rader).encode(), "textfil"),
        ("xlsx med trasigt blad", "ekonomi.xlsx", xlsx_med_trasigt_blad(xlsx), "ekonomi.xlsx"),
        ("binärt skräp", "ekonomi.csv", bytes(range(256)) * 8, "ekonomi.csv"),
        ("en rad med ett fält för mycket", "ekonomi.csv",
         "År;Månad;Verksamhet;Utfall;Budget\n2025;1;1000;100,00;90,00\n2025;2;1000;100,00;90,00;7\n".encode(),
         "rad 3"),
        ("mojibake", "ekonomi.csv", csv_text(rader).replace("Månad", "MÃ¥nad").replace("1000", "1000").encode(),
         "Ã"),
        ("år saknas", "ekonomi.csv", csv_text(rader, rubriker=("Månad", "Verksamhet", "Utfall", "Budget"))
         .replace("\n2024;", "\n").replace("\n2025;", "\n").encode(), "år"),
    ]
    for namn, fil, data, väntad in för_fel:
        ut.append(Fall(namn, "fel", _med_data(fil, data), fil, texter=[fil, väntad]))
    ut.append(Fall("rapportmånad utan utfall", "fel", _med_data("ekonomi.csv", csv_text(rader).encode()), månad=3,
                   texter=["ekonomi.csv", "inget utfall för mars 2025"]))
    ut.append(Fall("mappning med okänd förälder", "fel", {
        "verksamheter.csv": MAPPNING.replace(";hemtjänst;2200", ";saknas;2200").encode(),
        "ekonomi.csv": csv_text(rader).encode()}, texter=["verksamheter.csv", "saknas"]))
    ut.append(Fall("mappning med en kod två gånger", "fel", {
        "verksamheter.csv": MAPPNING.replace(";;1000", ";;1000, 2100").encode(),
        "ekonomi.csv": csv_text(rader).encode()}, texter=["verksamheter.csv", "2100"]))

    # 5. Faults around the inputs: each a Swedish error (exit 2), never an internal error, nothing written.
    konfig = ('namnd = "Nämnden"\nut = "ut"\nrapporter = ["ekonomi"]\n[ekonomi]\n'
              'data = "ekonomi.csv"\nmappning = "verksamheter.csv"\n').encode()
    bas = {**_med_data("ekonomi.csv", csv_text(rader).encode()), "kommunrapport.toml": konfig}
    ekonomi = ["ekonomi", "--month", "feb", "--config", "kommunrapport.toml"]
    for namn, extra, kommando, texter in (
        ("--out är en fil", {"rapport": b"x"}, [*ekonomi, "--out", "rapport"], ["rapport", "fil"]),
        ("ut i kör är en fil", {"ut": b"x"}, ["kör", "--config", "kommunrapport.toml"], ["ut"]),
        ("historiken är en mapp", {"ut/historik.sqlite/x": b""}, ["kör", "--config", "kommunrapport.toml"],
         ["historik.sqlite", "mapp"]),
        ("historiken är trasig", {"ut/historik.sqlite": b"SQLite format 3\x00" + bytes(200)},
         ["kör", "--config", "kommunrapport.toml"], ["historik.sqlite", "historik --reparera"]),
        ("mall med okänt fält", {"mallar/ekonomirapport.md.j2": b"{{ saknas }}"},
         [*ekonomi, "--mallar", "mallar", "--out", "ut"], ["ekonomirapport.md.j2", "saknas"]),
        ("mall som skenar", {"mallar/ekonomirapport.md.j2": b"{% for i in range(10**9) %}x{% endfor %}"},
         [*ekonomi, "--mallar", "mallar", "--out", "ut"], ["ekonomirapport.md.j2", "rad 1", "range"]),
        ("konfiguration som inte är TOML", {"kommunrapport.toml": b"namnd = \n"}, ekonomi,
         ["kommunrapport.toml", "TOML"]),
        ("okänd nyckel i konfigurationen", {"kommunrapport.toml": konfig + b"mapning = 1\n"}, ekonomi,
         ["kommunrapport.toml", "okänd nyckel"]),
        ("mappningen saknas", {"verksamheter.csv": None}, ekonomi, ["verksamheter.csv", "finns inte"]),
    ):
        filer = {k: v for k, v in {**bas, **extra}.items() if v is not None}
        ut.append(Fall(f"fel i miljön: {namn}", "fel", filer, texter=texter, kommando=kommando))

    # 6. What is passed over must be said.
    summa = csv_text(rader) + ";;Summa;1 000,00;2 000,00\n"
    ut.append(Fall("summarad utan månad", "varning", _med_data("ekonomi.csv", summa.encode()), facit=rätt,
                   texter=["ekonomi.csv", "'Summa' är en summarad och räknas inte"]))
    return ut


def xlsx_med_trasigt_blad(data: bytes) -> bytes:
    """The .xlsx with its sheet's XML cut in half (a zip that opens, a sheet that does not parse)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for info in src.infolist():
            b = src.read(info)
            z.writestr(info, b[: len(b) // 2] if info.filename.startswith("xl/worksheets/") else b)
    return buf.getvalue()
