"""`kommunrapport init`: a starter kit for a kommun (configuration, mapping, comments, templates)."""

from __future__ import annotations

from pathlib import Path

from .errors import KommunrapportFel, SkrivFel, skrivfel

STARTKONFIG = '''# kommunrapport: konfiguration för {namn}. Sökvägar är relativa till den här filen.
# Nycklar skrivs utan å, ä, ö (TOML). Se README för alla nycklar.
namnd = {namnd}
ut = "ut"            # kommunrapport kör skriver en mapp per period här: ut/2025-02/
mallar = "mallar"    # era egna mallar (Markdown och Word); ändra dem fritt

[ekonomi]
data = "export/ekonomi_*{ändelse}"      # exporten från ekonomisystemet; ett mönster tar den senaste filen
{blad}mappning = "verksamheter.csv"        # vilka rader rapporten har och vilka koder som hör till dem
kommentarer = "kommentarer.md"       # controllerns kommentarer, en rubrik (##) per verksamhet
tecken = "kostnad-positiv"           # huvudbok: kostnader positiva; uppföljningssystem: "kostnad-negativ"
varden = "månad"                     # "månad" eller "ackumulerade"

# [ekonomi.kolumner]                 # om exportens rubriker heter något annat
# utfall = "Bokfört belopp"

# [[ekonomi.volymkoppling]]          # volym- och priseffekt för en rad (en sådan tabell per rad)
# rad = "hemtjanst"                  # radens id eller rubrik i verksamheter.csv
# fil = "export/hemtjanst.csv"
# omrade = "hemtjanst"               # läsaren: serier, hemtjanst, placeringar eller bistand
# serie = "Utförda timmar"
# enhet = "timmar"
# per = "timme"
# budget.2025 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]   # volymbudgeten per månad, om ni har en

# [volymer]
# hemtjanst = "export/hemtjanst.csv"
# placeringar = "export/placeringar.xlsx"
# bistand = "export/ekonomiskt_bistand.csv"
# serier = ["export/volymer.xlsx"]

# [publik]                           # volymrapporten också i en publik version (den interna bredvid, _intern)
# maskera_under = 5                  # antal personer och hushåll 1–4 maskeras
# markering = "<5"                   # eller "–"
'''

STARTKOMMENTARER = '''Controllerns kommentarer. En rubrik (##) per verksamhet: radens id eller rubrik i
verksamheter.csv. Rubrikerna Inledning, Prognos och Investeringar hamnar på sina platser.
Text före första rubriken kommer inte med i rapporten.

## Inledning

## Prognos
'''


def _toml(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's (a name with a quote or a backslash stays valid)."""
    import json

    return json.dumps(text, ensure_ascii=False)


def startkonfig(namn: str, från_export: str | Path | None = None, blad: str | None = None) -> str:
    """kommunrapport.toml for a new kommun; with an export, its kind of file and its sheet."""
    ändelse = Path(från_export).suffix.lower() if från_export is not None else ""
    return STARTKONFIG.format(
        namn=" ".join(namn.splitlines()), namnd=_toml(namn),
        ändelse=ändelse if ändelse in (".csv", ".xls", ".ods", ".xlsx") else ".xlsx",
        blad=f"blad = {_toml(blad)}\n" if blad else "")


def mappning_från_export(export: str | Path, blad: str | None = None) -> tuple[bytes, int]:
    """A starter mapping (verksamheter.csv) from an export: one top-level row per verksamhet code, in code
    order, its id the code and its heading the export's name for it. Returns the file's bytes (UTF-8 with
    BOM, so that Excel shows å, ä, ö) and the number of rows."""
    import csv
    import io

    from .input.detect import verksamheter_i
    from .input.ledger import läs_ekonomi

    vs = verksamheter_i(läs_ekonomi(export, blad=blad))
    antal_namn: dict[str, int] = {}
    for v in vs:
        antal_namn[v.namn] = antal_namn.get(v.namn, 0) + 1
    text = io.StringIO()
    w = csv.writer(text, delimiter=";", lineterminator="\n")
    w.writerow(["id", "rubrik", "förälder", "koder"])
    for v in vs:
        # the export's name as the heading; the code too when the name is missing or not unique
        rubrik = v.namn if v.namn and antal_namn[v.namn] == 1 else f"{v.kod} {v.namn}".strip()
        w.writerow([v.kod, rubrik, "", v.kod])
    return text.getvalue().encode("utf-8-sig"), len(vs)


def init(mapp: str | Path, namn: str = "Nämnden", skriv_över: bool = False, från_export: str | Path | None = None,
         blad: str | None = None) -> list[Path]:
    """Write a starter configuration, mapping, comments file and copies of the default templates into `mapp`.

    With `från_export` the mapping has a row for every verksamhet of that export (see mappning_från_export);
    the export is read before anything is written."""
    import shutil

    from .render.markdown import standardmallar

    mapp = Path(mapp)
    exempel = Path(__file__).parent / "data" / "verksamheter_exempel.csv"
    if från_export is not None:
        mappning, _ = mappning_från_export(från_export, blad)
    else:
        mappning = exempel.read_bytes() if exempel.exists() else b"id;rubrik;f\xc3\xb6r\xc3\xa4lder;koder\n"
    filer: dict[str, bytes] = {
        "kommunrapport.toml": startkonfig(namn, från_export, blad).encode("utf-8"),
        "verksamheter.csv": mappning,
        "kommentarer.md": STARTKOMMENTARER.encode("utf-8"),
    }
    for mall in ("ekonomirapport.md.j2", "ekonomirapport.docx", "volymrapport.md.j2", "volymrapport.docx",
                 "rapport_till_ks.md.j2", "rapport_till_ks.docx"):
        filer[f"mallar/{mall}"] = (standardmallar() / mall).read_bytes()
    if mapp.exists() and not mapp.is_dir():
        raise SkrivFel(f"{mapp} är en fil, inte en mapp; ange en mapp att skriva startfilerna i")
    finns = [n for n in filer if (mapp / n).exists()]
    if finns and not skriv_över:
        raise KommunrapportFel(f"{mapp}: {', '.join(finns)} finns redan; ingenting skrevs (använd --force för att skriva över)")
    skrivna: list[Path] = []
    tmp = None
    try:
        (mapp / "mallar").mkdir(parents=True, exist_ok=True)
        (mapp / "export").mkdir(exist_ok=True)
        for namn_, data in filer.items():
            tmp = mapp / (namn_ + ".tmp")
            tmp.write_bytes(data)
            shutil.move(tmp, mapp / namn_)
            tmp = None
            skrivna.append(mapp / namn_)
    except OSError as exc:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        klara = f" (skrivna: {', '.join(p.relative_to(mapp).as_posix() for p in skrivna)})" if skrivna else ""
        raise skrivfel(exc, f"i {mapp}{klara}") from exc
    return skrivna
