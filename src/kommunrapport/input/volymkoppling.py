"""The volume series that [[ekonomi.volymkoppling]] links to report rows, read with the volume readers.

A row must be in the mapping (its id or label) and a series in its file; else a KonfigurationsFel that
names the key ('ekonomi.volymkoppling[1].serie')."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..calc.effekter import KoppladVolym
from ..errors import KonfigurationsFel
from ..settings import Volymkoppling
from .mapping import Verksamhetsträd
from .volumes import Volymdata, läs_bistånd, läs_hemtjänst, läs_placeringar, läs_volymserier


def _läs_volymfil(fil: Path, område: str, blad: str | None) -> Volymdata:
    if område == "hemtjanst":
        return läs_hemtjänst(fil, blad=blad)
    if område == "placeringar":
        return läs_placeringar(fil, blad=blad)
    if område == "bistand":
        return läs_bistånd(fil, blad=blad)
    return läs_volymserier(fil, blad=blad)


def _volymserie(k: Volymkoppling, fil: Path, namn: str, nyckel: str) -> pd.DataFrame:
    """One series (år, månad, värde) of a volume file; a name the file does not have is an error naming `nyckel`."""
    vd = _läs_volymfil(fil, k.omrade, k.blad)
    namn_i_fil = {d.namn.lower(): d.namn for d in vd.definitioner}
    if namn.strip().lower() not in namn_i_fil:
        finns = ", ".join(f"'{d.namn}'" for d in vd.definitioner)
        raise KonfigurationsFel(f"'{nyckel}': serien '{namn}' finns inte i {fil} (den har {finns})")
    return vd.serie(namn_i_fil[namn.strip().lower()]).reset_index(drop=True)


def läs_volymkopplingar(kopplingar: Sequence[Volymkoppling | KoppladVolym], träd: Verksamhetsträd) -> list[KoppladVolym]:
    """Read the volume series (and volume budget) of every [[ekonomi.volymkoppling]]; the row must be in the
    mapping (its id or label) and the series in the file, else an error that names the key."""
    ut: list[KoppladVolym] = []
    rader = {r.id.lower(): r.id for r in träd.rader} | {r.rubrik.lower(): r.id for r in träd.rader}
    for i, k in enumerate(kopplingar, 1):
        if isinstance(k, KoppladVolym):
            ut.append(k)
            continue
        nyckel = f"ekonomi.volymkoppling[{i}]"
        rad = rader.get(k.rad.strip().lower())
        if rad is None:
            raise KonfigurationsFel(f"'{nyckel}.rad': raden '{k.rad}' finns inte i mappningen (ange radens id "
                                    f"eller rubrik, t.ex. '{träd.rader[0].id}')")
        if any(u.rad == rad for u in ut):
            raise KonfigurationsFel(f"'{nyckel}.rad': raden '{k.rad}' är redan kopplad till en volymserie")
        volym = _volymserie(k, k.fil, k.serie, f"{nyckel}.serie")
        budget = None
        if k.budget:
            budget = pd.DataFrame([{"år": int(y), "månad": m, "värde": float(v)}
                                   for y, tal in k.budget.items() for m, v in enumerate(tal, 1)])
        elif k.budgetfil is not None:
            budget = _volymserie(k, k.budgetfil, k.budgetserie or k.serie,
                                 f"{nyckel}.{'budgetserie' if k.budgetserie else 'serie'}")
        ut.append(KoppladVolym(rad, k.serie, volym, budget, k.enhet, k.per, k.namn, str(k.fil)))
    return ut
