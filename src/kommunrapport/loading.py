"""Reading .csv and .xlsx files into a raw table of cells, remembering where each cell came from.

Nothing here knows about datasets: the header row is found by a predicate the caller gives, and
every data row keeps its row number in the file (or sheet) so that errors can name it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import IndataFel, Plats

EXCEL_SUFFIX = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_SUFFIX = {".csv", ".txt", ".tsv"}
HEADER_SEARCH_ROWS = 40


def normalisera_rubrik(text: object) -> str:
    """'  Utfall ack. ' → 'utfall ack'; keeps å ä ö, folds case and whitespace, drops trailing dots/colons."""
    s = unicodedata.normalize("NFC", str(text)).replace("\u00a0", " ").replace("\ufeff", "")
    s = re.sub(r"\s+", " ", s).strip().lower()
    return s.rstrip(".:").strip()


@dataclass
class Tabell:
    """Cells of one sheet or CSV file below its header row.

    `data` has one column per header cell (normalised header text); values are str for CSV and
    str/float/int/datetime for Excel. `radnummer[i]` is the 1-based row (line) in the file.
    """

    data: pd.DataFrame
    fil: str
    blad: str | None
    radnummer: np.ndarray
    rubrikrad: int
    originalrubriker: dict[str, str] = field(default_factory=dict)
    kolumnbokstäver: dict[str, str] = field(default_factory=dict)
    titlar: list[str] = field(default_factory=list)  # text of the non-empty cells above the header row

    def plats(self, position: int | None = None, kolumn: str | None = None) -> Plats:
        rad = int(self.radnummer[position]) if position is not None else None
        return Plats(self.fil, self.blad, rad, self.kolumnnamn(kolumn) if kolumn else None)

    def kolumnnamn(self, kolumn: str) -> str:
        namn = self.originalrubriker.get(kolumn, kolumn)
        bokstav = self.kolumnbokstäver.get(kolumn)
        return f"{bokstav} ({namn})" if bokstav else f"'{namn}'"


def kolumnbokstav(index: int) -> str:
    """0 → 'A', 25 → 'Z', 26 → 'AA'."""
    s = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        s = chr(65 + rest) + s
    return s


def läs_tabell(
    sökväg: str | Path,
    är_rubrik: Callable[[list[str]], bool],
    beskrivning: str,
    blad: str | None = None,
) -> Tabell:
    """Read a CSV or Excel file and return the cells below the first row that `är_rubrik` accepts.

    `beskrivning` says in Swedish what header was looked for, for the error message.
    """
    path = Path(sökväg)
    namn = str(sökväg)
    if not path.exists():
        raise IndataFel("filen finns inte", Plats(namn))
    if path.is_dir():
        raise IndataFel("är en mapp, inte en fil", Plats(namn))
    if path.stat().st_size == 0:
        raise IndataFel("filen är tom", Plats(namn))
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIX:
        return _läs_excel(path, namn, är_rubrik, beskrivning, blad)
    if suffix in CSV_SUFFIX or suffix == "":
        return _läs_csv(path, namn, är_rubrik, beskrivning)
    raise IndataFel(
        f"okänd filtyp '{path.suffix}': kommunrapport läser .xlsx, .xls, .ods och .csv", Plats(namn)
    )


def läs_csv_text(path: Path, namn: str) -> str:
    """Decode a CSV file: UTF-16 with BOM (Excel's Unicode text), UTF-8 (with or without BOM), then
    cp1252 (Excel's Swedish CSV)."""
    raw = path.read_bytes()
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode-text" is UTF-16 with a BOM
        return raw.decode("utf-16")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise IndataFel(
                "kan inte avkoda filen som UTF-8 eller Windows-1252 (cp1252); spara den som CSV UTF-8",
                Plats(namn),
            ) from exc
    if "\ufffd" in text:
        rad = text[: text.index("\ufffd")].count("\n") + 1
        raise IndataFel(
            "filen innehåller ersättningstecken (�): å, ä eller ö har förstörts vid en tidigare "
            "konvertering; exportera filen på nytt",
            Plats(namn, rad=rad),
        )
    if not text.strip():
        raise IndataFel("filen är tom", Plats(namn))
    return text


def gissa_avgränsare(rader: list[str]) -> str:
    """';', tab or ',' : the one that splits the first lines most consistently into most fields."""
    best, best_score = ";", -1.0
    sample = [r for r in rader if r.strip()][:30]
    for sep in (";", "\t", ","):
        counts = [len(next(csv.reader([r], delimiter=sep))) for r in sample]
        if not counts or max(counts) < 2:
            continue
        widest = max(counts)
        score = widest * (sum(c == widest for c in counts) / len(counts)) + (0.5 if sep != "," else 0)
        if score > best_score:
            best, best_score = sep, score
    return best


def _läs_csv(path: Path, namn: str, är_rubrik, beskrivning: str) -> Tabell:
    text = läs_csv_text(path, namn)
    head_lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    sep = gissa_avgränsare(head_lines)
    rubrik_idx = None
    rubriker: list[str] = []
    for i, fields in enumerate(csv.reader(head_lines, delimiter=sep)):
        norm = [normalisera_rubrik(f) for f in fields]
        if är_rubrik(norm):
            rubrik_idx, rubriker = i, fields
            break
    if rubrik_idx is None:
        raise IndataFel(f"hittar ingen rubrikrad med {beskrivning} bland de första {HEADER_SEARCH_ROWS} raderna", Plats(namn))
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            skiprows=rubrik_idx + 1,
            header=None,
            names=list(range(len(rubriker))),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+), saw (\d+)", str(exc))
        rad = rubrik_idx + 1 + int(m.group(1)) if m else None
        raise IndataFel(
            f"raden har fler fält än rubrikraden ({len(rubriker)}); kontrollera avgränsaren '{sep}'"
            + (f" (raden har {m.group(2)})" if m else ""),
            Plats(namn, rad=rad),
        ) from exc
    radnummer = np.arange(len(df)) + rubrik_idx + 2
    if '"' in text and len(df) != text.count("\n") - rubrik_idx - 1 + (not text.endswith("\n")):
        radnummer = _postrader(text, sep, rubrik_idx, len(df))
    titlar = [c.strip() for r in csv.reader(head_lines[:rubrik_idx], delimiter=sep) for c in r if c.strip()]
    return _bygg_tabell(df, rubriker, namn, None, radnummer, rubrik_idx + 1, excel=False, titlar=titlar)


def _postrader(text: str, sep: str, rubrik_idx: int, n: int) -> np.ndarray:
    """1-based line where each record starts, when quoted cells contain line breaks."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    starts = []
    line = 1
    for i, _ in enumerate(reader):
        if i > rubrik_idx:
            starts.append(line)
        line = reader.line_num + 1
    return np.asarray(starts[:n], dtype=np.int64)


def _läs_excel(path: Path, namn: str, är_rubrik, beskrivning: str, blad: str | None) -> Tabell:
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - any reader error means the file is unreadable
        raise IndataFel(f"kan inte läsa filen som Excel: {exc}", Plats(namn)) from exc
    names = wb.sheet_names
    if blad is not None and blad not in names:
        raise IndataFel(f"bladet '{blad}' finns inte; filen har {', '.join(names)}", Plats(namn))
    candidates = [blad] if blad is not None else names
    for sheet_name in candidates:
        rows = wb.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            norm = [normalisera_rubrik(_rubriktext(c)) for c in row]
            if är_rubrik(norm):
                width = len(row)
                body = rows[i + 1 :]
                if any(len(r) != width for r in body):
                    body = [list(r) + [""] * (width - len(r)) for r in body]
                # Let pandas infer: all-number columns become float64 and skip the text rules later.
                df = pd.DataFrame(body, columns=list(range(width)))
                radnummer = np.arange(len(df)) + i + 2
                fel = felceller(path, sheet_name, i + 1)
                if fel:
                    raise IndataFel.samla([IndataFel(text, Plats(namn, sheet_name, rad, f"{kol}"))
                                           for kol, rad, text in fel[:20]])
                titlar = [str(c).strip() for r in rows[:i] for c in r if c is not None and str(c).strip()]
                return _bygg_tabell(df, [_rubriktext(c) for c in row], namn, sheet_name, radnummer, i + 1,
                                    excel=True, titlar=titlar)
    where = f"bladet '{blad}'" if blad else ("något blad (" + ", ".join(names) + ")")
    raise IndataFel(f"hittar ingen rubrikrad med {beskrivning} i {where}", Plats(namn))


_CELL = re.compile(rb"<c ([^>]*)>(.*?)</c>", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')


def felceller(path: Path, blad: str, från_rad: int) -> list[tuple[str, int, str]]:
    """Cells of an .xlsx sheet (from row `från_rad`) that calamine would read as empty although they are
    not: Excel errors (#REF!, #N/A, #DIV/0! …) and formulas saved without a value. [(column, row, text)]."""
    import zipfile

    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return []
    try:
        with zipfile.ZipFile(path) as z:
            wb = z.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            rid = next((m.group(2) for m in re.finditer(r'<sheet\b[^>]*name="([^"]*)"[^>]*r:id="([^"]+)"', wb)
                        if _xml_text(m.group(1)) == blad), None)
            target = re.search(rf'<Relationship\b[^>]*(?:Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}")',
                               rels) if rid else None
            if not target:
                return []
            t = (target.group(1) or target.group(2)).lstrip("/")
            data = z.read(t if t.startswith("xl/") else "xl/" + t)
    except (KeyError, zipfile.BadZipFile, OSError):
        return []
    if b't="e"' not in data and b"<f" not in data:
        return []
    out = []
    for m in _CELL.finditer(data):
        attrs, body = m.group(1), m.group(2)
        ref = _REF.search(attrs)
        if not ref or int(ref.group(2)) < från_rad:
            continue
        if b't="e"' in attrs:
            v = re.search(rb"<v>([^<]*)</v>", body)
            out.append((ref.group(1).decode(), int(ref.group(2)),
                        f"cellen innehåller Excel-felet {v.group(1).decode() if v else '#FEL'}; rätta formeln i Excel "
                        "och spara om filen")
                       )
        elif b"<f" in body and not re.search(rb"<v>[^<]+</v>", body) and b't="str"' not in attrs:
            out.append((ref.group(1).decode(), int(ref.group(2)),
                        "formeln har inget sparat värde; öppna filen i Excel och spara den, så att värdet räknas ut"))
    return out


def _xml_text(s: str) -> str:
    import html

    return html.unescape(s)


def _ifylld(col: pd.Series) -> np.ndarray:
    """Cells that hold something: not empty, not NaN, not only spaces (vectorised per column type)."""
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_object_dtype(col.dtype):
        return col.notna().to_numpy()
    if pd.api.types.is_string_dtype(col.dtype) and not pd.api.types.is_object_dtype(col.dtype):
        return col.str.strip().ne("").fillna(False).to_numpy(dtype=bool)
    values = col.to_numpy()
    filled = col.notna().to_numpy() & (values != "")
    text = np.char.strip(values[filled].astype(str))
    filled[np.flatnonzero(filled)] = text != ""
    return filled


def _rubriktext(c: object) -> str:
    """A header cell as text: Excel's 2025.0 → '2025', a date → '2025-01'."""
    if c is None:
        return ""
    if isinstance(c, float) and c.is_integer():
        return str(int(c))
    if hasattr(c, "year") and hasattr(c, "month"):
        return f"{c.year}-{c.month:02d}"
    return str(c)


def _bygg_tabell(df, rubriker, namn, blad, radnummer, rubrikrad, excel: bool, titlar=None) -> Tabell:
    columns, original, letters = [], {}, {}
    for i, r in enumerate(rubriker):
        norm = normalisera_rubrik(r) or f"kolumn {kolumnbokstav(i) if excel else i + 1}"
        while norm in original:
            norm += "_"
        columns.append(norm)
        original[norm] = str(r).strip() or norm
        if excel:
            letters[norm] = kolumnbokstav(i)
    df.columns = columns
    # Drop rows that are entirely empty (blank lines between blocks) but keep row numbers right.
    keep = np.zeros(len(df), dtype=bool)
    for c in df.columns:
        keep |= _ifylld(df[c])
    df = df.loc[keep].reset_index(drop=True)
    return Tabell(df, namn, blad, radnummer[keep], rubrikrad, original, letters, titlar or [])
