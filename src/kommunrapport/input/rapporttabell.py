"""Reading printed report tables (model/tryckt.py) from .xlsx, .ods, .csv and .docx.

A report-shaped table has a label column and columns of measures (Budget, Utfall, Budgetavvikelse,
Prognos, Årsbudget, Förbrukat %, Andel …, or the months jan–dec of an accumulated deviation), title
rows above and rows of verksamheter (with total and varav rows) or of intäkter / kostnader /
nettokostnader. In a Word document every table is read, and the sentences that state a deviation
("budgetavvikelse … −12,4 mnkr", "överskott på 10,0 mnkr") are kept to be checked against the tables.
Tables of another kind are skipped, and named in `TrycktDokument.överhoppade`.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from ..errors import IndataFel, Plats
from ..formatting import heltal, tal
from ..model.tryckt import BELOPP, ENHETER, Påstående, TrycktCell, TrycktDokument, TrycktTabell
from .files import CSV_SUFFIX, EXCEL_SUFFIX, gissa_avgränsare, läs_csv_text
from .headers import månadsrubrik, normalisera_rubrik
from .numbers import tolka_tal
from .xlsx_xml import kolumnbokstav

Rutnät = list[list[str | None]]
MAX_RADER = 2000

# Headings that make a table an export, not a printed report table.
EXPORTRUBRIKER = {"år", "ar", "månad", "manad", "period", "konto", "kontonr", "mått", "matt", "typ"}
KONTROLLERBARA = {"budget", "utfall", "avvikelse", "prognos", "årsbudget", "prognosavvikelse"}
ÅRTAL = re.compile(r"\b(19\d\d|20\d\d)\b")
ENHET = re.compile(r"\b(mnkr|mkr|miljoner kronor|tkr|tusen kronor|kr|kronor)\b", re.IGNORECASE)
ENHETSNAMN = {"mnkr": "mnkr", "mkr": "mnkr", "miljoner kronor": "mnkr", "tkr": "tkr", "tusen kronor": "tkr",
              "kr": "kr", "kronor": "kr"}


def mått_för(rubrik: str, huvudår: int | None, har_månader: bool) -> str | None:
    """The measure a column heading names ('Budgetavvikelse jan–feb 2024' in a 2025 table: avvikelse_fjol)."""
    h = normalisera_rubrik(rubrik)
    if not h:
        return None
    if månadsrubrik(h) is not None and len(h.split()) == 1:
        return "månad"
    år = [int(a) for a in ÅRTAL.findall(h)]
    fjol = "fjol" in h or "föregående år" in h or (huvudår is not None and bool(år) and max(år) < huvudår)
    if "budget i balans" in h or "per " in h:
        return None
    if "förbrukat" in h or "förbrukning" in h:
        return "förbrukat_år" if ("årsbudget" in h or "helår" in h) else "förbrukat"
    if h.startswith("andel"):
        return "andel"
    if "förändring" in h:
        return None if fjol and "mot" not in h else "förändring"
    if "prognosavvikelse" in h or ("prognos" in h and "avvikelse" in h):
        return "prognosavvikelse"
    if "avvikelse" in h:
        return "avvikelse_fjol" if fjol else "avvikelse"
    if "prognos" in h:
        return "prognosavvikelse" if har_månader else "prognos"
    if "årsbudget" in h or ("budget" in h and ("helår" in h or "hela året" in h)):
        return "årsbudget"
    if "budget" in h:
        return "budget_fjol" if fjol else "budget"
    if any(o in h for o in ("utfall", "nettokostnad", "redovisat", "bokfört")):
        return "utfall_fjol" if fjol else "utfall"
    return None


def roll_för(etikett: str) -> str:
    """The role of a row from its label: total, varav, intäkter, kostnader, netto or verksamhet."""
    rå = etikett.strip()
    n = normalisera_rubrik(re.sub(r"^\d+[.)]\s*", "", rå))
    if re.match(r"^[-–−]\s*|^(varav|därav)\b", n):
        return "varav"
    if re.match(r"^(verksamhetens\s+)?(summa\s+)?intäkter\b", n):
        return "intäkter"
    if re.match(r"^(verksamhetens\s+)?(summa\s+)?kostnader\b", n):
        return "kostnader"
    if re.match(r"^(verksamhetens\s+)?(summa\s+)?netto", n):
        return "netto"
    if re.match(r"^(totalt|total|summa|ackumulerad|ack\.?\s)", n) or n.endswith(" totalt") or " totalt " in n:
        return "total"
    return "verksamhet"


def _decimaler(text: str, värde: float) -> int:
    """Printed decimals: the digits beyond those of the integer part ('1 397,1' → 1, '5.000' → 0)."""
    siffror = len(re.sub(r"\D", "", text.split("%")[0].split("e")[0].split("E")[0]))
    heltalssiffror = len(str(int(abs(värde)))) if abs(värde) >= 1 else 1
    return max(0, siffror - heltalssiffror)


def _tolkade(kolumner: list[list[str | None]]) -> list[tuple[list[str | None], list[float]]]:
    """Each column's stripped cell texts and their numbers (tolka_tal), read in one call for all of them:
    tolka_tal reads every cell on its own, and one call per column cost more than the rest of the table."""
    texter = [[(t or "").strip() or None for t in kolumn] for kolumn in kolumner]
    alla, _ = tolka_tal(pd.Series([t for kolumn in texter for t in kolumn], dtype=object))
    värden = alla.tolist()
    ut, i = [], 0
    for kolumn in texter:
        ut.append((kolumn, värden[i:i + len(kolumn)]))
        i += len(kolumn)
    return ut


def _celler(text: list[str | None], värden: list[float], excel: bool, adresser: list[str | None]) -> list[TrycktCell | None]:
    ut: list[TrycktCell | None] = []
    for t, v, adress in zip(text, värden, adresser, strict=True):
        if t is None or pd.isna(v) or re.search(r"[a-zA-ZåäöÅÄÖ]", t):
            ut.append(None)
            continue
        procent = "%" in t
        värde = float(v) * 100 if procent else float(v)  # tolka_tal reads '38 %' as 0.38; keep it as printed
        d = _decimaler(t, värde)
        ut.append(TrycktCell(t, värde, 0.5 * 10.0**-d, d, procent, adress))
    if excel:  # a number saved unrounded (an annex) is exact; else the column's most precise cell decides
        lästa = [c for c in ut if c is not None]
        d_max = max((c.decimaler or 0 for c in lästa), default=0)
        exakt = d_max > 4
        ut = [None if c is None else TrycktCell(c.text.replace(".", ",") if exakt else tal(c.värde, d_max), c.värde,
                                                5e-9 * max(1.0, abs(c.värde)) if exakt else 0.5 * 10.0**-d_max,
                                                None if exakt else d_max, c.procent, c.adress) for c in ut]
    return ut


def tabell_i(rutnät: Rutnät, namn: str, titel: list[str], excel: bool, radnummer: list[int | None],
             enhet_i_filen: str | None = None) -> TrycktTabell | None:
    """The report-shaped table in a grid of cell texts, or None when the grid has none."""
    for i, rad in enumerate(rutnät[:40]):
        rubriker = [normalisera_rubrik(c or "") for c in rad]
        if EXPORTRUBRIKER & set(rubriker):
            return None
        år = [int(a) for c in rubriker for a in ÅRTAL.findall(c)]
        huvudår = max(år) if år else None
        har_månader = sum(mått_för(c, None, False) == "månad" for c in rubriker) >= 2
        mått = [mått_för(c, huvudår, har_månader) for c in rubriker]
        if len({m for m in mått if m}) < 2 or not (KONTROLLERBARA & set(mått)):
            continue
        första = next(k for k, m in enumerate(mått) if m)
        nivåkolumn = next((k for k, c in enumerate(rubriker[:första]) if c in ("nivå", "niva")), None)
        etikettkolumn = next((k for k in range(första - 1, -1, -1) if k != nivåkolumn), None)
        if etikettkolumn is None:
            return None
        värdekolumner = [k for k in range(första, len(rad)) if rubriker[k]]
        data = [(j, r) for j, r in enumerate(rutnät[i + 1:], start=i + 1)
                if etikettkolumn < len(r) and (r[etikettkolumn] or "").strip()]
        if not data:
            return None
        bredd = max(len(r) for _, r in data)
        kolumner = [[r[k] if k < len(r) else None for _, r in data] for k in range(bredd)]
        tolkade = _tolkade([kolumner[k] if k < bredd else [None] * len(data) for k in värdekolumner])
        celler_per_kol = {k: _celler(text, värden, excel, [f"{kolumnbokstav(k)}{radnummer[j]}" if radnummer[j] else None
                                                          for j, _ in data])
                          for k, (text, värden) in zip(värdekolumner, tolkade, strict=True)}
        if excel:  # Excel keeps no printed precision: amounts of one table are printed alike (20 is 20,0 beside 21,3)
            belopp = [k for k in värdekolumner if mått[k] in BELOPP]
            d_tab = max((c.decimaler for k in belopp for c in celler_per_kol[k] if c is not None and c.decimaler is not None),
                        default=None)
            if d_tab is not None:
                for k in belopp:
                    celler_per_kol[k] = [c if c is None or c.decimaler is None else
                                         TrycktCell(tal(c.värde, d_tab), c.värde, 0.5 * 10.0**-d_tab, d_tab, c.procent, c.adress)
                                         for c in celler_per_kol[k]]
        etiketter = [(r[etikettkolumn] or "").strip() for _, r in data]
        roller = [roll_för(e) for e in etiketter]
        nivåer = [0 if x == "total" else 2 if x == "varav" else 1 for x in roller]
        if nivåkolumn is not None:
            for n, (_, r) in enumerate(data):
                try:
                    nivå = int(float(r[nivåkolumn] or ""))
                except ValueError:
                    continue
                nivåer[n] = nivå
                roller[n] = "total" if nivå == 0 else "varav" if nivå >= 2 else roller[n] if roller[n] != "varav" else "verksamhet"
        celler = [[celler_per_kol[k][n] for k in värdekolumner] for n in range(len(data))]
        t = TrycktTabell(namn, " ".join(titel), etiketter, [(rad[k] or "").strip() for k in värdekolumner],
                         [mått[k] for k in värdekolumner], roller, nivåer, celler,
                         [radnummer[j] for j, _ in data])
        _enhet(t, " ".join(titel + [c or "" for c in rad]), enhet_i_filen)
        return t
    return None


def _enhet(t: TrycktTabell, rubriktext: str, enhet_i_filen: str | None) -> None:
    """The unit of the amounts: the heading's, unless the magnitudes say otherwise (and then say so)."""
    m = ENHET.search(rubriktext)
    angiven = ENHETSNAMN[m.group(1).lower()] if m else enhet_i_filen
    belopp = [abs(c.värde) for rad in t.celler for k, c in enumerate(rad)
              if c is not None and t.mått[k] in BELOPP and not c.procent]
    störst = max(belopp, default=0.0)
    if not belopp:
        t.enhet = angiven
        return
    trolig = "kr" if störst >= 1e8 else "tkr" if störst >= 1e5 else "mnkr"
    if angiven is None:
        t.enhet = trolig
        t.anteckningar.append(f"{t.namn}: ingen enhet angiven; beloppen (högst {heltal(störst)}) ser ut att vara {trolig}")
    elif ENHETER[angiven] > ENHETER[trolig] and störst >= 1e5:
        t.enhet = trolig
        t.anteckningar.append(f"{t.namn}: rubriken anger {angiven} men beloppen (högst {heltal(störst)}) ser ut att "
                              f"vara {trolig}; kontrollen räknar med {trolig}")
    else:
        t.enhet = angiven


# ---------------------------------------------------------------------------------------------- files

def läs_tryckt(fil: str | Path, blad: str | None = None) -> TrycktDokument | None:
    """The printed report tables of a file; None when it has none (an export, or a table of another kind)."""
    path = Path(fil)
    namn = str(fil)
    if not path.exists():
        raise IndataFel("filen finns inte", Plats(namn))
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _läs_docx(path, namn)
    if suffix in EXCEL_SUFFIX:
        return _läs_excel(path, namn, blad)
    if suffix in CSV_SUFFIX:
        text = läs_csv_text(path, namn)
        rader = text.splitlines()
        sep = gissa_avgränsare(rader[:40])
        början: Rutnät = [list(r) for r in csv.reader(rader[:40], delimiter=sep)]
        if _är_export(början) or tabell_i(början, "", [], False, [None] * len(början)) is None:
            return None  # an export (possibly millions of lines) is left to its reader
        rutnät: Rutnät = [list(r) for r in csv.reader(rader[:MAX_RADER], delimiter=sep)]
        t = tabell_i(rutnät, "tabellen", _titel(rutnät), False, list(range(1, len(rutnät) + 1)))
        return TrycktDokument(namn, [t]) if t is not None else None
    return None


def _är_export(rutnät: Rutnät) -> bool:
    """A sheet whose header row has export columns (år, månad, konto …) beside utfall or budget. A column
    'Utfall 2024' (a period in the heading) is a report's, as in the annex's 'Ekonomisk utveckling'
    (Månad, Budget 2025, Utfall 2024, Budget i balans): that needs two export columns to be an export."""
    for rad in rutnät[:40]:
        rubriker = {normalisera_rubrik(c or "") for c in rad}
        belopp = [r for r in rubriker if "utfall" in r or "budget" in r]
        export = EXPORTRUBRIKER & rubriker
        if belopp and (len(export) >= 2 or (export and any(not ÅRTAL.search(r) and len(r.split()) <= 2 for r in belopp))):
            return True
    return False


def _titel(rutnät: Rutnät) -> list[str]:
    """The text of the rows above the header row (a row with one text cell is a title)."""
    titel = []
    for rad in rutnät[:40]:
        fyllda = [c.strip() for c in rad if c and c.strip()]
        if len(fyllda) == 1 and re.search(r"[a-zA-ZåäöÅÄÖ]", fyllda[0]):
            titel.append(fyllda[0])
        elif fyllda:
            break
    return titel


def _läs_excel(path: Path, namn: str, blad: str | None) -> TrycktDokument | None:
    import fastexcel

    from .files import _första_raderna

    try:
        reader = fastexcel.read_excel(str(path))
    except Exception:  # noqa: BLE001 - the export readers say why the file cannot be read
        return None
    bladen = [b for b in reader.sheet_names if blad is None or b.lower() == blad.lower()]
    tabeller, överhoppade = [], []
    info: dict[str, str] = {}
    for b in bladen:
        try:
            rutnät, synligt = _första_raderna(path, reader, b, MAX_RADER)
        except Exception:  # noqa: BLE001 - the export readers say why the sheet cannot be read
            return None
        if not synligt and blad is None:
            continue
        if _är_export(rutnät):  # a workbook with an export beside a summary sheet is an export
            return None
        if b.lower() == "info":
            info = {(r[0] or "").strip().lower(): (r[1] or "") for r in rutnät if len(r) >= 2 and r[0]}
            continue
        titel = _titel(rutnät)
        enhet = ENHET.search(info.get("enhet", ""))
        t = tabell_i(rutnät, f"blad '{b}'", titel, True, list(range(1, len(rutnät) + 1)),
                     ENHETSNAMN[enhet.group(1).lower()] if enhet else None)
        if t is None:
            överhoppade.append(f"blad '{b}'")
        else:
            tabeller.append(t)
    if not tabeller and "rapport" not in info:  # a kommunrapport annex is a report even without such a table
        return None
    return TrycktDokument(namn, tabeller, överhoppade=[f"{ö}: ingen tabell i rapportform att kontrollera"
                                                        for ö in överhoppade])


FIGUR = re.compile(r"(?<![\w,])([+\-−–]?\s?\d{1,3}(?:[ \u00a0\u202f]\d{3})*(?:,\d+)?)\s?(mnkr|mkr|miljoner kronor|tkr)\b")


def _läs_docx(path: Path, namn: str) -> TrycktDokument:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        dokument = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - a damaged or password-protected file
        raise IndataFel(f"Word-dokumentet kan inte läsas ({type(exc).__name__}); spara det på nytt i Word",
                        Plats(namn)) from None
    tabeller: list[TrycktTabell] = []
    överhoppade: list[str] = []
    stycken: list[tuple[int, str]] = []
    senaste = ""
    nr_tabell = nr_stycke = 0
    body = dokument.element.body
    for element in body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(element, dokument).text.strip()
            nr_stycke += 1
            if text:
                stycken.append((nr_stycke, text))
                senaste = text
        elif tag == "tbl":
            nr_tabell += 1
            rutnät: Rutnät = [[c.text for c in rad.cells] for rad in Table(element, dokument).rows]
            t = tabell_i(rutnät, f"tabell {nr_tabell}", [senaste] if senaste else [], False, [None] * len(rutnät))
            if t is None:
                överhoppade.append(f"tabell {nr_tabell}" + (f" ({senaste})" if senaste else "")
                                   + ": ingen tabell i rapportform att kontrollera")
            else:
                tabeller.append(t)
    return TrycktDokument(namn, tabeller, påståenden(stycken, tabeller), överhoppade)


def _nyckelord(tabeller: list[TrycktTabell]) -> dict[str, str]:
    """The first word of each verksamhet row ('2. Hemtjänst i ordinärt boende' → 'hemtjänst'), when it is
    long enough to mean something and names one row only: a sentence that says it is about that row."""
    ord_: dict[str, set[str]] = {}
    for t in tabeller:
        for e, roll in zip(t.rader, t.roller, strict=True):
            if roll in ("total", "netto", "varav"):
                continue
            m = re.match(r"^[\s\d.)\-–•]*([^\W\d_]{5,})(?![\w-])", e)  # not a cut compound ("Nämnd- och")
            if m:
                ord_.setdefault(m.group(1).lower(), set()).add(e)
    return {o: next(iter(e)) for o, e in ord_.items() if len(e) == 1}


def påståenden(stycken: list[tuple[int, str]], tabeller: list[TrycktTabell]) -> list[Påstående]:
    """The deviations stated in the text. A short paragraph without figures is a heading: when it is a
    row label of a table, the sentences under it are about that row; otherwise about the total."""
    etiketter = {normalisera_rubrik(e): e for t in tabeller for e in t.rader}
    nyckelord = _nyckelord(tabeller)
    år = [int(a) for t in tabeller for k in t.kolumner for a in ÅRTAL.findall(k)]
    huvudår = max(år) if år else None
    ut = []
    rad: str | None = None
    for nr, text in stycken:
        figurer = list(FIGUR.finditer(text))
        if not figurer:
            if len(text) < 120:
                rad = etiketter.get(normalisera_rubrik(text))
            continue
        början = 0
        for m in figurer:
            sammanhang = text[början:m.start()].lower()
            början = m.end()
            if "prognos" in sammanhang:
                mått = "prognosavvikelse"
            elif any(o in sammanhang for o in ("avvikelse", "överskott", "underskott", "resultat")):
                åren = [int(a) for a in ÅRTAL.findall(sammanhang)]
                fjol = ("fjol" in sammanhang or "föregående år" in sammanhang
                        or (huvudår is not None and bool(åren) and max(åren) < huvudår))
                mått = "avvikelse_fjol" if fjol else "avvikelse"
            else:
                continue
            siffror = m.group(1)
            värden, _ = tolka_tal(pd.Series([siffror], dtype=object))
            if pd.isna(värden[0]):
                continue
            v = float(värden[0])
            if "underskott" in sammanhang[-60:] or "negativ" in sammanhang[-60:]:
                v = -abs(v)
            elif "överskott" in sammanhang[-60:]:
                v = abs(v)
            faktor = ENHETER[ENHETSNAMN.get(m.group(2).lower(), "mnkr")]
            d = _decimaler(siffror, v)
            kort = text if len(text) <= 90 else text[:87] + "…"
            nämnd_rad = rad
            if nämnd_rad is None:  # 'Av överskottet för hemtjänsten … på 2,3 mnkr': the row the sentence names
                träffar = {e for ord_, e in nyckelord.items()
                           if re.search(rf"\b{re.escape(ord_)}(en|et|n|t|s|ens|ets)?\b", sammanhang)}
                nämnd_rad = träffar.pop() if len(träffar) == 1 else None
            ut.append(Påstående(nr, kort, m.group(0).strip(), mått, v * faktor, 0.5 * 10.0**-d * faktor, nämnd_rad))
    return ut
