"""Reading .csv and .xlsx files into a raw table of cells, remembering where each cell came from.

Nothing here knows about datasets: the header row is found by a predicate the caller gives, and
every data row keeps its row number in the file (or sheet) so that errors can name it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import logging
import re
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IndataFel, IngenRubrikrad, Plats
from .headers import normalisera_rubrik
from .xlsx_xml import LUCKA_KOLUMNER, bladets_dataområde, början_av_bladet, granska_bladets_xml, kolumnbokstav

EXCEL_SUFFIX = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_SUFFIX = {".csv", ".txt", ".tsv"}
HEADER_SEARCH_ROWS = 40
ARROW_FRÅN = 1 << 20  # characters: a CSV file this big is read by pyarrow (_läs_csv_arrow); tests set 0


@dataclass
class Tabell:
    """Cells of one sheet or CSV file below its header row.

    `data` has one column per header cell (normalised header text). CSV columns are text; Excel
    columns are float64 when every cell below the header is a number, datetime64 when every cell is
    a date, and text otherwise (a number in such a column as its decimal text, '3510' or '-2915.37',
    a date as '2025-02-01 00:00:00'). `radnummer[i]` is the 1-based row (line) in the file.
    """

    data: pd.DataFrame
    fil: str
    blad: str | None
    radnummer: np.ndarray
    rubrikrad: int
    originalrubriker: dict[str, str] = field(default_factory=dict)
    kolumnbokstäver: dict[str, str] = field(default_factory=dict)
    titlar: list[str] = field(default_factory=list)  # text of the non-empty cells above the header row
    varningar: list[str] = field(default_factory=list)  # hidden sheets skipped, stray cells not read, …
    # Sheet of each row, when sheets per year ('2024', '2025') were read together; `blad` then names them all.
    bladen: np.ndarray | None = None
    # Each text column's cells factorised once (kodning); a new Tabell (urval) starts without.
    _kodningar: dict[str, Kodning | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    def kodning(self, kolumn: str) -> Kodning | None:
        """The column's cells factorised (see Kodning) when it is a text column read by pyarrow or pandas
        (CSV); None for Excel's columns (numbers, dates, mixed cells)."""
        if kolumn not in self._kodningar:
            s = self.data[kolumn]
            k = None
            if isinstance(s.dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(s.cat.categories.dtype):
                k = Kodning(np.asarray(s.cat.codes), np.asarray(s.cat.categories, dtype=object))  # (släpp_texten)
            elif pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_object_dtype(s.dtype):
                koder, unika = pd.factorize(s, use_na_sentinel=False)
                k = Kodning(_smal(koder, len(unika)), np.asarray(unika, dtype=object))
            self._kodningar[kolumn] = k
        return self._kodningar[kolumn]

    def släpp_texten(self, kolumn: str) -> bool:
        """Keep a text column's cells only as its kodning: the column becomes a categorical of the codes (the
        same cells: `.iloc`, comparisons and duplicated() give what the text gave) and its strings are let go
        (a 10^7-row column of Arrow text is about 100 MB, its codes 10–40 MB). False, and nothing done, for a
        column without a kodning (Excel) or with a missing cell (NaN is no category)."""
        k = self.kodning(kolumn)
        s = self.data[kolumn]
        if k is None or isinstance(s.dtype, pd.CategoricalDtype):
            return k is not None
        if any(not isinstance(u, str) for u in k.unika.tolist()):
            return False
        kategorier = pd.Categorical.from_codes(k.koder, pd.Index(k.unika, dtype=s.dtype), validate=False)
        del s
        self.data[kolumn] = kategorier
        koder = np.asarray(kategorier.codes)  # (the smallest integers that hold them: one array, not two)
        if k._text is not None and k._text[0] is k.koder:
            k._text = (koder, k._text[1])
        k.koder = koder
        return True

    def textkolumn(self, kolumn: str) -> pd.Series | None:
        """The column as stripped text (an empty or missing cell ''), as ledger._textkolumn gives it, made
        from the distinct cells; None when the column has no kodning (an Excel column)."""
        k = self.kodning(kolumn)
        if k is None:
            return None
        koder, unika = k.text()
        if koder is k.koder:  # no cell changed
            return self.data[kolumn]
        import pyarrow as pa

        arr = pa.array(unika, type=pa.large_string()).take(pa.array(koder))
        return pd.Series(pd.array(arr, dtype=pd.StringDtype("pyarrow", na_value=np.nan)), index=self.data.index)

    def plats(self, position: int | None = None, kolumn: str | None = None) -> Plats:
        rad = int(self.radnummer[position]) if position is not None else None
        return Plats(self.fil, self.blad_för(position), rad, self.kolumnnamn(kolumn) if kolumn else None)

    def blad_för(self, position: int | None) -> str | None:
        """The sheet of row `position` (the one sheet, unless sheets per year were read together)."""
        if self.bladen is not None and position is not None:
            return str(self.bladen[position])
        return self.blad

    def urval(self, behåll: np.ndarray) -> Tabell:
        """The table with only the rows where `behåll` is True (row numbers and sheets follow)."""
        return dataclasses.replace(self, data=self.data.loc[behåll].reset_index(drop=True),
                                   radnummer=self.radnummer[behåll],
                                   bladen=self.bladen[behåll] if self.bladen is not None else None)

    def år_från_bladnamn(self) -> np.ndarray | None:
        """Each row's year from its sheet's name ('2025', 'Utfall 2025'), when every sheet read names one."""
        namn = self.bladen if self.bladen is not None else (
            np.full(len(self.data), self.blad, dtype=object) if self.blad else None)
        if namn is None:
            return None
        år = {n: årtal_i_bladnamn(n) for n in set(namn)}
        if any(a is None for a in år.values()):
            return None
        return np.array([år[n] for n in namn], dtype="float64")

    def kolumnnamn(self, kolumn: str) -> str:
        namn = self.originalrubriker.get(kolumn, kolumn)
        bokstav = self.kolumnbokstäver.get(kolumn)
        return f"{bokstav} ({namn})" if bokstav else f"'{namn}'"


@dataclass
class Kodning:
    """A text column's cells factorised once: what several checks need (blank cells, months, the class of
    each konto, the duplicate key) is decided per distinct text, not per row."""

    koder: np.ndarray  # per row: the index of its text in `unika` (equal text, equal code)
    unika: np.ndarray  # the distinct texts as they stand in the file (object; NaN for a missing cell)
    _text: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    def text(self) -> tuple[np.ndarray, np.ndarray]:
        """(codes, distinct texts) of the cells stripped of spaces, a missing cell ''. The codes are
        `koder` itself when stripping changes no text."""
        if self._text is None:
            rena = np.array([u.strip() if isinstance(u, str) else "" for u in self.unika.tolist()], dtype=object)
            if all(isinstance(u, str) and u == r for u, r in zip(self.unika.tolist(), rena.tolist())):
                self._text = (self.koder, rena)
            else:
                k, u = pd.factorize(rena)
                self._text = (_smal(k, len(u))[self.koder], np.asarray(u, dtype=object))
        return self._text


def _smal(koder: np.ndarray, antal: int) -> np.ndarray:
    """Codes as int32 when they fit (half the memory of a 10^7-row column's codes)."""
    return koder.astype(np.int32) if antal < 1 << 31 else koder


def läs_tabell(
    sökväg: str | Path,
    är_rubrik: Callable[[list[str]], bool],
    beskrivning: str,
    blad: str | None = None,
    årsblad: bool = False,
) -> Tabell:
    """Read a CSV or Excel file and return the cells below the first row that `är_rubrik` accepts.

    `beskrivning` says in Swedish what header was looked for, for the error message. `årsblad`: an
    Excel file split into sheets per year with the same columns is read as one table (see _läs_excel).
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
        return _läs_excel(path, namn, är_rubrik, beskrivning, blad, årsblad)
    if suffix in CSV_SUFFIX or suffix == "":
        return _läs_csv(path, namn, är_rubrik, beskrivning)
    raise IndataFel(
        f"okänd filtyp '{path.suffix}': kommunrapport läser .xlsx, .xls, .ods och .csv", Plats(namn)
    )


def läs_csv_text(path: Path, namn: str) -> str:
    """Decode a CSV file: UTF-16 with BOM (Excel's Unicode text), UTF-8 (with or without BOM), then
    cp1252 (Excel's Swedish CSV)."""
    return _avkoda_csv(path, namn)[0]


def _avkoda_csv(path: Path, namn: str) -> tuple[str, memoryview | None]:
    """läs_csv_text, and the file's bytes after a BOM when they are the text's UTF-8 (else None): what
    pyarrow reads, without encoding the text again."""
    raw = path.read_bytes()
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode-text" is UTF-16 with a BOM
        return raw.decode("utf-16"), None
    utf8: memoryview | None = None
    try:
        text = raw.decode("utf-8-sig")
        utf8 = memoryview(raw)[3:] if raw.startswith(b"\xef\xbb\xbf") else memoryview(raw)
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
    kontrollera_teckenkodning(text, namn)
    if not text or text.isspace():  # (text.strip() would copy a whole export)
        raise IndataFel("filen är tom", Plats(namn))
    return text, utf8


# UTF-8 read as Windows-1252 (or Latin-1) and saved again: 'ä' becomes 'Ã¤', 'ö' 'Ã¶', 'Å' 'Ã…', '–' 'â€“'.
_FÖRSTÖRT = re.compile("Ã[" + re.escape("".join(sorted(
    {bytes([b]).decode("cp1252", "ignore") for b in range(0x80, 0xC0)} | {chr(b) for b in range(0x80, 0xC0)})))
    + "]|â€.")


def förstörda_tecken(text: str) -> tuple[int, str] | None:
    """(position, text) of the first mojibake in `text` ('Ã¤' for 'ä'), or None."""
    if "Ã" not in text and "â€" not in text:  # what the pattern needs, found without a regex (a big export)
        return None
    m = _FÖRSTÖRT.search(text)
    return (m.start(), m.group(0)) if m else None


def kontrollera_teckenkodning(text: str, namn: str, fel=IndataFel, plats: Plats | None = None) -> None:
    """Mojibake ('Ã¤' where 'ä' was meant) is an error that names the line, as the replacement character is:
    such a file was converted wrongly once, and its names no longer match the mapping or the report."""
    träff = förstörda_tecken(text)
    if träff is None:
        return
    pos, tecken = träff
    try:
        rätt = f" i stället för '{tecken.encode('cp1252').decode('utf-8')}'"
    except UnicodeError:
        rätt = ""
    raise fel(f"filen innehåller förstörda tecken ('{tecken}'{rätt}): å, ä eller ö har förstörts när filen sparats i "
              "fel teckenkodning (UTF-8 läst som Windows-1252); spara eller exportera filen på nytt som UTF-8",
              plats or Plats(namn, rad=text[:pos].count("\n") + 1))


def gissa_avgränsare(rader: list[str]) -> str:
    """';', tab or ',' : the one that splits the first lines most consistently into most fields."""
    best, best_score = ";", -1.0
    sample = [r for r in rader if r.strip()][:30]
    for sep in (";", "\t", ","):
        counts = [len(next(csv.reader([r], delimiter=sep))) for r in sample]
        if not counts or max(counts) < 2:
            continue
        # the most common field count, weighted by how many lines have it: one ragged line (a row with a
        # field too many) must not make ',' (the decimal comma) look like the better delimiter
        vanligast = max(set(counts), key=lambda c: (counts.count(c) * c, c))
        score = vanligast * (counts.count(vanligast) / len(counts)) + (0.5 if sep != "," else 0)
        if score > best_score:
            best, best_score = sep, score
    return best


def _rubrikraden(head_lines: list[str], är_rubrik) -> tuple[str, int | None, list[str], list[str]]:
    """(delimiter, index of the header line among `head_lines` or None, its cells, the texts above it)."""
    sep = gissa_avgränsare(head_lines)
    titlar: list[str] = []
    for i, fields in enumerate(csv.reader(head_lines, delimiter=sep)):
        if är_rubrik([normalisera_rubrik(f) for f in fields]):
            return sep, i, fields, titlar
        titlar += [c.strip() for c in fields if c.strip()]
    return sep, None, [], []


def _läs_csv(path: Path, namn: str, är_rubrik, beskrivning: str) -> Tabell:
    direkt = _läs_csv_direkt(path, namn, är_rubrik)
    if direkt is not None:
        return direkt
    text, utf8 = _avkoda_csv(path, namn)
    head_lines = _textens_första_rader(text, HEADER_SEARCH_ROWS)
    sep, rubrik_idx, rubriker, titlar = _rubrikraden(head_lines, är_rubrik)
    if rubrik_idx is None:
        raise IngenRubrikrad(f"hittar ingen rubrikrad med {beskrivning} bland de första {HEADER_SEARCH_ROWS} raderna", Plats(namn))
    df = None
    if '"' not in text and len(text) >= ARROW_FRÅN:  # pyarrow reads the bytes; the text is let go meanwhile
        data = utf8 if utf8 is not None else memoryview(text.encode("utf-8"))
        del text, utf8
        df = _läs_csv_arrow(data, sep, rubrik_idx + 1, len(rubriker))
        if df is None:
            text = bytes(data).decode("utf-8")
        del data
    else:
        del utf8
    try:
        df_från_pandas = df is None
        if df is None:  # quotes, a row with another number of fields, a blank line: pandas' reader
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
        rad = int(m.group(1)) if m else None  # pandas counts the file's lines, the skipped ones too
        raise IndataFel(
            f"raden har fler fält än rubrikraden ({len(rubriker)}); kontrollera avgränsaren '{sep}'"
            + (f" (raden har {m.group(2)})" if m else ""),
            Plats(namn, rad=rad),
        ) from exc
    radnummer = np.arange(len(df)) + rubrik_idx + 2
    if df_från_pandas and '"' in text and len(df) != text.count("\n") - rubrik_idx - 1 + (not text.endswith("\n")):
        radnummer = _postrader(text, sep, rubrik_idx, len(df))
    return _bygg_tabell(df, rubriker, namn, None, radnummer, rubrik_idx + 1, excel=False, titlar=titlar)


# UTF-8 of what _avkoda_csv and _läs_csv look for in the text: a quote (pandas' reader), the replacement
# character, and the start of mojibake (förstörda_tecken)
_I_TEXTEN = (b'"', "\ufffd".encode(), "Ã".encode(), "â€".encode())


def _läs_csv_direkt(path: Path, namn: str, är_rubrik) -> Tabell | None:
    """A big UTF-8 export read from its bytes by pyarrow, without the whole text as a Python string (half
    the memory of a 10^7-row file): only the start is decoded, to find the header line. None when the
    file needs _läs_csv's way, which then says what it says about it: smaller than ARROW_FRÅN, UTF-16 or
    not UTF-8, a quote, a replacement character or mojibake anywhere, no header line found in the start,
    or any line pyarrow cannot read with the header's number of fields (a blank line, one field too many).
    What it returns is what _läs_csv would: pyarrow checks every cell below the header as UTF-8, the lines
    above it are decoded here, and the checks that could say something found nothing to look at."""
    import codecs

    storlek = path.stat().st_size
    with open(path, "rb") as f:
        början = f.read(3)
        if storlek < ARROW_FRÅN or början[:2] in (b"\xff\xfe", b"\xfe\xff") or _finns_i_filen(f, _I_TEXTEN):
            return None
        bom = 3 if början == b"\xef\xbb\xbf" else 0
        storlek -= bom
        k = 1 << 16
        while True:  # the first HEADER_SEARCH_ROWS lines, as _textens_första_rader gives them from the whole text
            f.seek(bom)
            try:
                text = codecs.getincrementaldecoder("utf-8")().decode(f.read(k), final=k >= storlek)
            except UnicodeDecodeError:
                return None
            rader = text.splitlines()
            if len(rader) > HEADER_SEARCH_ROWS or k >= storlek:
                break
            k *= 4
    if k >= storlek and (not text or text.isspace()):
        return None
    head_lines = rader[:HEADER_SEARCH_ROWS]
    sep, rubrik_idx, rubriker, titlar = _rubrikraden(head_lines, är_rubrik)
    if rubrik_idx is None:
        return None
    del text, rader
    df = _läs_csv_arrow(path, sep, rubrik_idx + 1, len(rubriker))  # pyarrow reads the file (and skips a BOM)
    if df is None:
        return None
    radnummer = np.arange(len(df)) + rubrik_idx + 2
    return _bygg_tabell(df, rubriker, namn, None, radnummer, rubrik_idx + 1, excel=False, titlar=titlar)


def _finns_i_filen(f, mönster: tuple[bytes, ...], bit: int = 1 << 24) -> bool:
    """Whether any of `mönster` occurs in the rest of the open file `f`, read a piece at a time."""
    f.seek(0)
    överlapp = max(len(m) for m in mönster) - 1
    rest = b""
    while True:
        del_ = f.read(bit)
        if not del_:
            return False
        text = rest + del_
        if any(m in text for m in mönster if m.isascii() or not text.isascii()):
            return True
        rest = text[-överlapp:]


def _textens_första_rader(text: str, n: int) -> list[str]:
    """text.splitlines()[:n] without splitting a whole export of a million lines."""
    k = 1 << 16
    while k < len(text):
        rader = text[:k].splitlines()
        if len(rader) > n:  # the n first are whole: another line starts after them
            return rader[:n]
        k *= 4
    return text.splitlines()[:n]


def _läs_csv_arrow(data: memoryview | Path, sep: str, hoppa: int, kolumner: int) -> pd.DataFrame | None:
    """The rows below the header (`hoppa` lines) of the file (`data`: its path or its UTF-8 bytes) read by pyarrow's
    multi-threaded CSV reader, every cell as
    text (an empty cell ''), exactly as the pandas reader in _läs_csv gives them: the same lines (\\n, \\r\\n
    and \\r end a line in both), the same columns, Arrow-backed strings without a Python object per cell.

    None when the file needs pandas' reader for its row numbers or its messages: a quote anywhere, or any
    line with another number of fields than the header (a blank line, a row with a field too many); the
    caller reads the text for quotes and leaves a small file (under ARROW_FRÅN characters) to pandas, as
    fast there and without threads."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    namn = [str(i) for i in range(kolumner)]
    try:
        tabell = pacsv.read_csv(
            str(data) if isinstance(data, Path) else pa.py_buffer(data),
            # (16 MB blocks: fewer, bigger chunks, less to do per chunk in every step after)
            read_options=pacsv.ReadOptions(skip_rows=hoppa, column_names=namn, use_threads=True, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=sep, quote_char=False, double_quote=False,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(namn, pa.large_string()),
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:
        return None
    typ = pd.StringDtype("pyarrow", na_value=np.nan)  # what read_csv(dtype=str) gives
    pa.default_memory_pool().release_unused()  # the parser's buffers, given back to the system
    return pd.DataFrame({i: pd.array(tabell.column(i), dtype=typ) for i in range(kolumner)})


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


def _läs_excel(path: Path, namn: str, är_rubrik, beskrivning: str, blad: str | None,
               årsblad: bool = False) -> Tabell:
    """calamine (through fastexcel) parses the sheet straight into Arrow columns, with no Python object
    per cell: all-number columns become float64, text and mixed columns text, dates datetime64.
    Excel error cells, formulas saved without a value and TRUE/FALSE among numbers are errors that
    name the cell.

    Which sheet: the one named by `blad` (also a hidden one: the user asked for it), else the one visible
    sheet whose header `är_rubrik` accepts. Hidden sheets are never read on their own (a warning names
    those that have the header); several visible sheets that fit are an error that lists them, unless
    they are sheets per year with the same columns ('2024', '2025') and `årsblad` allows reading them
    together."""
    try:
        import fastexcel

        # fastexcel logs a warning for an all-empty column ('falling back to string'): not news to a user
        logging.getLogger("fastexcel").setLevel(logging.ERROR)
        reader = fastexcel.read_excel(str(path))
        names = list(reader.sheet_names)
    except Exception as exc:  # noqa: BLE001 - any reader error means the file is unreadable
        raise IndataFel(_oläslig_excel(path, exc), Plats(namn)) from exc
    if blad is not None and blad not in names:  # Excel itself does not tell 'utfall' from 'Utfall'
        blad = next((n for n in names if n.casefold() == blad.strip().casefold()), blad)
    if blad is not None and blad not in names:
        raise IndataFel(f"bladet '{blad}' finns inte; filen har {', '.join(names)}", Plats(namn))
    passar: list[tuple[str, list[list[str | None]], int, bool]] = []  # (sheet, first rows, header index, visible)
    for sheet_name in [blad] if blad is not None else names:
        try:
            huvud, synligt = _första_raderna(path, reader, sheet_name, HEADER_SEARCH_ROWS)
        except Exception as exc:  # noqa: BLE001
            raise IndataFel(f"kan inte läsa bladet ({_orsak(exc)})", Plats(namn, sheet_name)) from exc
        i = next((i for i, rad in enumerate(huvud)
                  if är_rubrik([normalisera_rubrik(_rubriktext(c)) for c in rad])), None)
        if i is not None:
            passar.append((sheet_name, huvud, i, synligt))
    synliga = [p for p in passar if p[3] or blad is not None]
    dolda = [p[0] for p in passar if p not in synliga]
    varningar = [f"{Plats(namn, d)}: bladet är dolt och läses inte, fast det har rubrikraden; ange bladet med "
                 "--blad (eller blad i konfigurationen) om det är det som ska läsas" for d in dolda]
    if not synliga:
        if dolda:
            raise IndataFel(f"bara dolda blad har rubrikraden med {beskrivning}: {_lista(dolda)}; dolda blad läses "
                            "inte utan att de anges: ange bladet med --blad (eller blad i konfigurationen)",
                            Plats(namn))
        where = f"bladet '{blad}'" if blad else ("något blad (" + ", ".join(names) + ")")
        raise IngenRubrikrad(f"hittar ingen rubrikrad med {beskrivning} i {where} bland de {HEADER_SEARCH_ROWS} "
                             "första raderna", Plats(namn))
    if len(synliga) == 1:
        sheet_name, huvud, i, _ = synliga[0]
        tabell = _läs_kropp(path, namn, reader, sheet_name, huvud, i)
        tabell.varningar[:0] = varningar
        return tabell
    bladnamn = [p[0] for p in synliga]
    if not _är_årsblad(bladnamn):
        raise IndataFel(f"flera blad har rubrikraden med {beskrivning}: {_lista(bladnamn)}; ange vilket som ska "
                        "läsas med --blad (eller blad i konfigurationen)", Plats(namn))
    if not årsblad:
        raise IndataFel(f"exporten är uppdelad på ett blad per år ({_lista(bladnamn)}), och den här sortens tabell "
                        "läses bara från ett blad; samla åren på ett blad eller ange bladet med --blad", Plats(namn))
    layouter = {p[0]: _layout(p[1][p[2]]) for p in synliga}
    första = layouter[bladnamn[0]]
    olika = [b for b in bladnamn if layouter[b] != första]
    if olika:
        raise IndataFel(f"bladen per år ({_lista(bladnamn)}) har inte samma kolumner: {_lista(olika)} skiljer sig "
                        f"från '{bladnamn[0]}' ({', '.join(r for _, r in första)}); ge bladen samma rubrikrad, eller "
                        "ange ett blad med --blad", Plats(namn))
    delar = [_läs_kropp(path, namn, reader, b, huvud, i) for b, huvud, i, _ in synliga]
    return _slå_ihop(delar, varningar)


def _lista(namn: list[str]) -> str:
    """'A', 'B' och 'C'."""
    citerade = [f"'{n}'" for n in namn]
    return citerade[0] if len(citerade) == 1 else ", ".join(citerade[:-1]) + " och " + citerade[-1]


_ÅRTAL_I_NAMN = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def årtal_i_bladnamn(namn: str | None) -> int | None:
    """The one year a sheet's name gives ('2025', 'Utfall 2025', 'HB_2025'), else None."""
    träffar = _ÅRTAL_I_NAMN.findall(namn or "")
    return int(träffar[0]) if len(träffar) == 1 else None


def _är_årsblad(namn: list[str]) -> bool:
    """Sheets per year: each name holds one year, the years differ and the names are alike otherwise."""
    år = [årtal_i_bladnamn(n) for n in namn]
    if any(a is None for a in år) or len(set(år)) != len(år):
        return False
    resten = {_ÅRTAL_I_NAMN.sub("", n).strip(" _-").casefold() for n in namn}
    return len(resten) == 1


def _layout(rad: list[str | None]) -> list[tuple[int, str]]:
    """A header row as (column, normalised header) of its non-empty cells."""
    return [(k, normalisera_rubrik(_rubriktext(c))) for k, c in enumerate(rad) if _rubriktext(c).strip()]


def _slå_ihop(delar: list[Tabell], varningar: list[str]) -> Tabell:
    """Sheets per year with the same columns as one table; each row remembers its sheet."""
    först = delar[0]
    data = pd.concat([d.data for d in delar], ignore_index=True)
    bladen = np.concatenate([np.full(len(d.data), d.blad, dtype=object) for d in delar])
    return Tabell(data, först.fil, ", ".join(str(d.blad) for d in delar),
                  np.concatenate([d.radnummer for d in delar]), först.rubrikrad, först.originalrubriker,
                  först.kolumnbokstäver, [t for d in delar for t in d.titlar],
                  varningar + [v for d in delar for v in d.varningar], bladen)


def _läs_kropp(path: Path, namn: str, reader, sheet_name: str, huvud: list[list[str | None]], i: int) -> Tabell:
    """The rows below header row `i` (0-based) of a sheet whose first rows are `huvud`."""
    # A stray value far out in the sheet (XFD1048576) would make calamine build a grid of the whole sheet:
    # then a copy with only the table's range is read instead (see bladets_dataområde).
    with tempfile.TemporaryDirectory(prefix="kommunrapport-", ignore_cleanup_errors=True) as mapp:
        område = None
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            område = bladets_dataområde(path, sheet_name, i + 1, _sista_rubrikkolumn(huvud[i]), Path(mapp))
        if område is not None:
            import fastexcel

            reader = fastexcel.read_excel(str(område.kopia))
        # What calamine cannot tell (a formula saved without its value reads as empty; TRUE in a column of
        # numbers reads as 1) is looked up in the sheet's XML, in a thread while calamine parses: both
        # release the GIL, so on two cores this costs no wall time.
        with ThreadPoolExecutor(max_workers=1) as pool:
            granskning = pool.submit(granska_bladets_xml, path, sheet_name)
            try:
                sheet = reader.load_sheet(sheet_name, header_row=None, skip_rows=i + 1, schema_sample_rows=None,
                                          dtype_coercion="coerce")
                batch, cellfel = sheet.to_arrow_with_errors()
            except Exception:  # noqa: BLE001 - a column mixing types fastexcel cannot combine (a duration
                try:           # [h]:mm among numbers): read every column as text, as a CSV file
                    sheet = reader.load_sheet(sheet_name, header_row=None, skip_rows=i + 1, dtypes="string")
                    batch, cellfel = sheet.to_arrow_with_errors()
                except Exception as exc:  # noqa: BLE001
                    raise IndataFel(f"kan inte läsa bladet ({_orsak(exc)})", Plats(namn, sheet_name)) from exc
            kolumner = [c.absolute_index for c in sheet.selected_columns]
            fel = [(kolumnbokstav(kolumner[k]), r + 1, _cellfel_text(e.detail))
                   for e in (cellfel.errors if cellfel else []) for r, k in [e.position]]
            formler, sanningsvärden = granskning.result()
    varningar = []
    if område is not None:
        formler = [f for f in formler if område.innanför(f[0], f[1])]
        sanningsvärden = [f for f in sanningsvärden if område.innanför(f[0], f[1])]
        if område.antal_utanför:
            varningar.append(f"{Plats(namn, sheet_name)}: {område.varning()}")
    fel += [f for f in formler if f[1] > i + 1]
    talkolumner = {kolumnbokstav(k) for k, typ in zip(kolumner, batch.schema.types)
                   if _är_taltyp(typ)}
    if path.suffix.lower() not in (".xlsx", ".xlsm") and talkolumner:
        sanningsvärden = _sanningsvärden_som_text(reader, sheet_name, i, batch.schema.types)
    fel += [(kol, rad, "cellen innehåller SANT/FALSKT, inte ett tal; skriv talet i cellen")
            for kol, rad in sanningsvärden if rad > i + 1 and kol in talkolumner]
    rubriker = [_rubriktext(huvud[i][k]) if k < len(huvud[i]) else "" for k in kolumner]
    if fel:
        fel.sort(key=lambda f: (f[1], len(f[0]), f[0]))
        rubrik = {kolumnbokstav(k): r.strip() for k, r in zip(kolumner, rubriker)}
        raise IndataFel.samla([IndataFel(text, Plats(namn, sheet_name, rad, f"{kol} ({rubrik[kol]})" if rubrik.get(kol) else kol))
                               for kol, rad, text in fel[:20]])
    df = batch.to_pandas()
    df.columns = list(range(len(kolumner)))
    for j in df.columns:
        if pd.api.types.is_timedelta64_dtype(df[j].dtype):
            df[j] = _som_timmar_och_minuter(df[j])
    titlar = [c.strip() for rad in huvud[:i] for c in rad if c is not None and c.strip()]
    tabell = _bygg_tabell(df, rubriker, namn, sheet_name, np.arange(len(df)) + i + 2, i + 1, excel=True,
                          titlar=titlar, kolumner=kolumner)
    tabell.varningar += varningar
    return tabell


def _sista_rubrikkolumn(rad: list[str | None]) -> int:
    """The header row's last column (0-based) before a gap of more than LUCKA_KOLUMNER empty cells."""
    sista = 0
    for k, c in enumerate(rad):
        if c is not None and str(c).strip():
            if k - sista > LUCKA_KOLUMNER and sista > 0:
                break
            sista = k
    return sista


def _sanningsvärden_som_text(reader, sheet_name: str, i: int, typer) -> list[tuple[str, int]]:
    """(column, row) of the TRUE/FALSE cells in the number columns of an .xls or .ods sheet, which has no
    XML to look in: those columns are parsed once more as text, where TRUE reads 'true'."""
    import pyarrow as pa
    import pyarrow.compute as pc

    tal = [j for j, typ in enumerate(typer) if _är_taltyp(typ)]
    sheet = reader.load_sheet(sheet_name, header_row=None, skip_rows=i + 1, dtypes="string", use_columns=tal)
    sant_falskt = pa.array(["true", "false"], type=pa.string())
    return [(kolumnbokstav(info.absolute_index), i + 2 + int(r))
            for info, kolumn in zip(sheet.selected_columns, sheet.to_arrow().columns)
            for r in np.flatnonzero(pc.is_in(kolumn, value_set=sant_falskt).to_numpy(zero_copy_only=False))]


def _som_timmar_och_minuter(tider: pd.Series) -> pd.Series:
    """Excel durations ([h]:mm) as the text Excel shows, '126:00', so that a message quotes what the
    user sees rather than '5 days 06:00:00'."""
    minuter = (tider.dt.total_seconds() / 60).round()
    heltal = minuter.abs().fillna(0).astype("int64")
    text = (np.where(minuter < 0, "-", "") + (heltal // 60).astype(str) + ":"
            + (heltal % 60).astype(str).str.zfill(2))
    return pd.Series(text, index=tider.index, dtype="str").where(minuter.notna())


def _är_taltyp(typ) -> bool:
    import pyarrow.types as pat

    return pat.is_floating(typ) or pat.is_integer(typ)


def _oläslig_excel(path: Path, exc: Exception) -> str:
    """Why an Excel file cannot be opened, in Swedish, from what its first bytes are."""
    with open(path, "rb") as f:
        början = f.read(512)
    if början.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") and path.suffix.lower() in (".xlsx", ".xlsm"):
        return "filen är lösenordsskyddad (krypterad); spara en kopia utan lösenord i Excel och läs den"
    text = början.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        return ("filen är en webbsida eller XML med Excel-ändelse, inte en Excelfil; öppna den i Excel och "
                "spara som .xlsx, eller exportera som CSV")
    if början and b"\0" not in början and not början.startswith(b"PK"):
        return (f"filen är en textfil (CSV?) med ändelsen {path.suffix}, inte en Excelfil; byt ändelse till .csv "
                "eller spara den som .xlsx i Excel")
    return f"kan inte läsa filen som Excel ({_orsak(exc)}); är den trasig eller bara delvis kopierad?"


def _orsak(exc: Exception) -> str:
    """The first line of a reader's (English) error, to quote in a Swedish message."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# calamine's names for Excel's error values
_EXCELFEL = {"Div0": "#DIV/0!", "NA": "#N/A", "Name": "#NAME?", "Null": "#NULL!", "Num": "#NUM!",
             "Ref": "#REF!", "Value": "#VALUE!", "GettingData": "#GETTING_DATA"}


def _cellfel_text(detail: str) -> str:
    """fastexcel's note on a cell it could not convert, in Swedish."""
    m = re.search(r"Error\((\w+)\)", detail)
    if m:
        värde = _EXCELFEL.get(m.group(1), "#" + m.group(1).upper())
        return f"cellen innehåller Excel-felet {värde}; rätta formeln i Excel och spara om filen"
    return f"cellen kan inte läsas ({detail}); spara cellen som tal eller text i Excel"


def _första_raderna(path: Path, reader, sheet_name: str, n: int) -> tuple[list[list[str | None]], bool]:
    """The sheet's rows 1..n as text, each a list from column A (None for an empty cell), and whether
    the sheet is visible (not hidden or 'very hidden').

    For .xlsx only the start of the sheet is parsed (see `början_av_bladet`); other formats, and an
    .xlsx whose start cannot be cut out, are parsed whole."""
    import fastexcel

    kopia = början_av_bladet(path, sheet_name, n) if path.suffix.lower() in (".xlsx", ".xlsm") else None
    try:
        if kopia is None:
            raise ValueError("ingen kopia")
        sheet = fastexcel.read_excel(kopia).load_sheet(sheet_name, header_row=None, skip_rows=0, n_rows=n,
                                                       dtypes="string")
        batch = sheet.to_arrow()
    except Exception:  # noqa: BLE001 - parse the whole sheet instead
        sheet = reader.load_sheet(sheet_name, header_row=None, skip_rows=0, n_rows=n, dtypes="string")
        batch = sheet.to_arrow()
    rader: list[list[str | None]] = [[] for _ in range(batch.num_rows)]
    for j, info in enumerate(sheet.selected_columns):
        for r, v in enumerate(batch.column(j).to_pylist()):
            if v is not None:
                rad = rader[r]
                rad.extend([None] * (info.absolute_index + 1 - len(rad)))
                rad[info.absolute_index] = v
    return rader, sheet.visible == "visible"


def _ifylld(col: pd.Series) -> np.ndarray:
    """Cells that hold something: not empty, not NaN, not only spaces (vectorised per column type)."""
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_object_dtype(col.dtype):
        return col.notna().to_numpy()
    if pd.api.types.is_string_dtype(col.dtype) and not pd.api.types.is_object_dtype(col.dtype):
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pa.array(col.array)  # Arrow-backed text, not copied: a cell that is not empty nor only spaces
        ifylld = pc.and_not(pc.greater(pc.binary_length(arr), 0), pc.utf8_is_space(arr))
        return pc.fill_null(ifylld, False).to_numpy(zero_copy_only=False)
    values = col.to_numpy()
    filled = col.notna().to_numpy() & (values != "")
    text = np.char.strip(values[filled].astype(str))
    filled[np.flatnonzero(filled)] = text != ""
    return filled


_DATUM_MIDNATT = re.compile(r"^(\d{4})-(\d{2})-\d{2} 00:00:00$")


def _rubriktext(c: object) -> str:
    """A header cell as text: Excel's date 2025-02-01 (read as '2025-02-01 00:00:00') → '2025-02'."""
    if c is None:
        return ""
    s = str(c)
    m = _DATUM_MIDNATT.match(s)
    return f"{m.group(1)}-{m.group(2)}" if m else s


def _bygg_tabell(df, rubriker, namn, blad, radnummer, rubrikrad, excel: bool, titlar=None,
                 kolumner: list[int] | None = None) -> Tabell:
    """`kolumner`: each column's index in the sheet (0 = A), when the first columns are empty."""
    kolumner = kolumner or list(range(len(rubriker)))
    columns, original, letters = [], {}, {}
    for i, r in enumerate(rubriker):
        norm = normalisera_rubrik(r) or f"kolumn {kolumnbokstav(kolumner[i]) if excel else i + 1}"
        while norm in original:
            norm += "_"
        columns.append(norm)
        original[norm] = str(r).strip() or norm
        if excel:
            letters[norm] = kolumnbokstav(kolumner[i])
    df.columns = columns
    # Drop rows that are entirely empty (blank lines between blocks) but keep row numbers right.
    keep = np.zeros(len(df), dtype=bool)
    for c in df.columns:
        keep |= _ifylld(df[c])
        if keep.all():  # (the first column is full in the usual export: the others need not be looked at)
            break
    if not keep.all():
        df = df.loc[keep].reset_index(drop=True)
        radnummer = radnummer[keep]
    return Tabell(df, namn, blad, radnummer, rubrikrad, original, letters, titlar or [])
