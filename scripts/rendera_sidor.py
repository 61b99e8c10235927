#!/usr/bin/env python3
"""Render the demo's Word reports (volymer, ekonomi, KS) to PNG pages, to look at the layout.

    python scripts/rendera_sidor.py [--ut ut/sidor] [--upplosning 60] [--docs]

Writes the reports of the example (examples/kommunrapport.toml) to <ut>/rapporter, converts each .docx to
PDF with LibreOffice headless (`soffice --headless --convert-to pdf`) and each PDF page to PNG with
pdftoppm (poppler-utils): <ut>/volymrapport_2025-02-1.png … `--docs` also copies one page of each report
to docs/ (the pages README shows). Without soffice or pdftoppm it says so and stops with exit code 0:
the pages are a help for the eye, not a test. Run from the repository root (`make sidor`).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROT = Path(__file__).resolve().parents[1]
KONFIG = "examples/kommunrapport.toml"
RAPPORTER = [  # command, its arguments, the .docx it writes, the page to put in docs/
    ("volymer", ["--month", "feb"], "volymrapport_2025-02.docx", 2, "word_volymrapport_sida2.png"),
    ("ekonomi", ["--month", "feb"], "ekonomirapport_2025-02.docx", 1, "word_ekonomirapport_sida1.png"),
    ("ks", ["--month", "2024-08"], "rapport_till_ks_2024-08.docx", 1, "word_ks_sida1.png"),
]


def verktyg() -> tuple[str, str] | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftoppm = shutil.which("pdftoppm")
    saknas = [namn for namn, väg in (("soffice (LibreOffice)", soffice), ("pdftoppm (poppler-utils)", pdftoppm))
              if väg is None]
    if saknas:
        print(f"hoppar över: {' och '.join(saknas)} finns inte; installera t.ex. med "
              "'apt-get install libreoffice-writer poppler-utils'")
        return None
    assert soffice is not None and pdftoppm is not None
    return soffice, pdftoppm


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ut", type=Path, default=ROT / "ut" / "sidor", help="mappen för rapporter, PDF och PNG")
    ap.add_argument("--upplosning", type=int, default=60, help="bildpunkter per tum (pdftoppm -r)")
    ap.add_argument("--docs", action="store_true", help="kopiera en sida av varje rapport till docs/")
    args = ap.parse_args(argv)
    tools = verktyg()
    if tools is None:
        return 0
    soffice, pdftoppm = tools
    ut: Path = args.ut.resolve()
    rapporter = ut / "rapporter"
    rapporter.mkdir(parents=True, exist_ok=True)
    for kommando, flaggor, docx, sida, docsnamn in RAPPORTER:
        subprocess.run([sys.executable, "-m", "kommunrapport", kommando, *flaggor, "--config", KONFIG,
                        "--out", str(rapporter)], cwd=ROT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with tempfile.TemporaryDirectory() as profil:  # an own profile: another soffice may be running
            subprocess.run([soffice, f"-env:UserInstallation={Path(profil).as_uri()}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(ut), str(rapporter / docx)],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pdf = ut / docx.replace(".docx", ".pdf")
        stam = ut / docx.removesuffix(".docx")
        for gammal in ut.glob(f"{stam.name}-*.png"):
            gammal.unlink()
        subprocess.run([pdftoppm, "-png", "-r", str(args.upplosning), str(pdf), str(stam)], check=True)
        sidor = sorted(ut.glob(f"{stam.name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        print(f"{docx}: {len(sidor)} sidor i {ut}")
        if args.docs and len(sidor) >= sida:
            shutil.copyfile(sidor[sida - 1], ROT / "docs" / docsnamn)
            print(f"  sidan {sida} kopierad till docs/{docsnamn}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
