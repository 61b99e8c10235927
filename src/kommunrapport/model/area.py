"""The volume areas: one name per area, in each of the forms a boundary needs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Område:
    nyckel: str  # ASCII: the flag (--hemtjanst), the TOML key, the value of --omrade
    namn: str  # the heading in the reports: 'Ekonomiskt bistånd'
    kort: str  # the start of the annex's sheet names: 'Bistånd'


HEMTJÄNST = Område("hemtjanst", "Hemtjänst", "Hemtjänst")
PLACERINGAR = Område("placeringar", "Placeringar", "Placeringar")
BISTÅND = Område("bistand", "Ekonomiskt bistånd", "Bistånd")
SERIER = Område("serier", "Serier", "Serier")  # named series; the area's heading comes from the file
OMRÅDEN = {o.nyckel: o for o in (HEMTJÄNST, PLACERINGAR, BISTÅND, SERIER)}


def kort_namn(namn: str) -> str:
    """The sheet-name prefix for an area heading; a long title of a series file becomes 'Serier'."""
    for o in OMRÅDEN.values():
        if o.namn == namn:
            return o.kort
    return namn if len(namn) <= 14 else SERIER.kort
