"""`kommunrapport init`: a starter kit for a kommun (configuration, mapping, comments, templates)."""

from __future__ import annotations

from pathlib import Path

from .errors import KommunrapportFel

STARTKONFIG = '''# kommunrapport: konfiguration för {namn}. Sökvägar är relativa till den här filen.
# Nycklar skrivs utan å, ä, ö (TOML). Se README för alla nycklar.
namnd = "{namn}"
ut = "ut"            # kommunrapport kör skriver en mapp per period här: ut/2025-02/
mallar = "mallar"    # era egna mallar (Markdown och Word); ändra dem fritt

[ekonomi]
data = "export/ekonomi_*.xlsx"      # exporten från ekonomisystemet; ett mönster tar den senaste filen
mappning = "verksamheter.csv"        # vilka rader rapporten har och vilka koder som hör till dem
kommentarer = "kommentarer.md"       # controllerns kommentarer, en rubrik (##) per verksamhet
tecken = "kostnad-positiv"           # huvudbok: kostnader positiva; uppföljningssystem: "kostnad-negativ"
varden = "månad"                     # "månad" eller "ackumulerade"

# [ekonomi.kolumner]                 # om exportens rubriker heter något annat
# utfall = "Bokfört belopp"

# [volymer]
# hemtjanst = "export/hemtjanst.csv"
# placeringar = "export/placeringar.xlsx"
# bistand = "export/ekonomiskt_bistand.csv"
# serier = ["export/volymer.xlsx"]
'''

STARTKOMMENTARER = '''Controllerns kommentarer. En rubrik (##) per verksamhet: radens id eller rubrik i
verksamheter.csv. Rubrikerna Inledning, Prognos och Investeringar hamnar på sina platser.
Text före första rubriken kommer inte med i rapporten.

## Inledning

## Prognos
'''


def init(mapp: str | Path, namn: str = "Nämnden", skriv_över: bool = False) -> list[Path]:
    """Write a starter configuration, mapping, comments file and copies of the default templates into `mapp`."""
    import shutil

    from .render.markdown import standardmallar

    mapp = Path(mapp)
    filer: dict[str, bytes] = {
        "kommunrapport.toml": STARTKONFIG.format(namn=namn).encode("utf-8"),
        "verksamheter.csv": (Path(__file__).parent / "data" / "verksamheter_exempel.csv").read_bytes()
        if (Path(__file__).parent / "data" / "verksamheter_exempel.csv").exists()
        else b"id;rubrik;f\xc3\xb6r\xc3\xa4lder;koder\n",
        "kommentarer.md": STARTKOMMENTARER.encode("utf-8"),
    }
    for mall in ("ekonomirapport.md.j2", "ekonomirapport.docx", "volymrapport.md.j2", "volymrapport.docx",
                 "rapport_till_ks.md.j2", "rapport_till_ks.docx"):
        filer[f"mallar/{mall}"] = (standardmallar() / mall).read_bytes()
    finns = [n for n in filer if (mapp / n).exists()]
    if finns and not skriv_över:
        raise KommunrapportFel(f"{mapp}: {', '.join(finns)} finns redan; ingenting skrevs (använd --force för att skriva över)")
    (mapp / "mallar").mkdir(parents=True, exist_ok=True)
    (mapp / "export").mkdir(exist_ok=True)
    skrivna = []
    for namn_, data in filer.items():
        tmp = mapp / (namn_ + ".tmp")
        tmp.write_bytes(data)
        shutil.move(tmp, mapp / namn_)
        skrivna.append(mapp / namn_)
    return skrivna
