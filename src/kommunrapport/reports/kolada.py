"""The comparison with other municipalities as report data: one table and one chart per key figure (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..calc.kolada import decimaler, jämförelse
from ..input.kolada import Koladadata
from ..model.table import Diagram, Tabellvy, bladnamn, slug

RUBRIK = "Jämförelse med andra kommuner"
# Kolada's terms: its values carry "Källa: Kolada"; what is computed from them must not be attributed to
# Kolada, so the group's mean and range are said to be our own processing.
KÄLLTEXT = ("Källa: Kolada (kommunens och rikets värden). Jämförelsegruppens medel, lägsta och högsta värde är "
            "egen bearbetning av data från Kolada.")


@dataclass
class Nyckeltal:
    kpi: str
    titel: str
    tabell: Tabellvy
    diagram: Diagram


@dataclass
class KoladaJämförelse:
    kommun: str
    kommunnamn: str
    gruppnamn: str
    medlemmar: list[str]  # the group's names
    nyckeltal: list[Nyckeltal]
    källa: str
    jämförelse: pd.DataFrame  # calc.kolada.jämförelse's tidy table
    varningar: list[str] = field(default_factory=list)
    källtext: str = KÄLLTEXT

    @property
    def tabeller(self) -> list[Tabellvy]:
        return [n.tabell for n in self.nyckeltal]

    @property
    def diagram(self) -> list[Diagram]:
        return [n.diagram for n in self.nyckeltal]


def bygg_koladajämförelse(d: Koladadata, år: list[int] | None = None) -> KoladaJämförelse:
    """The comparison table and chart of every key figure that has values (see calc.kolada.jämförelse)."""
    tabell = jämförelse(d.värden, d.kommun, d.grupp, år)
    kommunnamn = d.namn.get(d.kommun, d.kommun)
    nyckeltal = []
    använda: set[str] = {"Info"}
    for kpi, titel in d.nyckeltal.items():
        t = tabell[tabell["kpi"] == kpi]
        if t.empty:
            continue
        fmt = "heltal" if decimaler(pd.Series(t[["kommun", "medel", "lägst", "högst", "riket"]].to_numpy().ravel())) == 0 else "tal1"
        kolumner = {"kommun": kommunnamn, "medel": "Jämförelsegruppen, medel", "lägst": "Lägst i gruppen",
                    "högst": "Högst i gruppen", "antal": "Antal i gruppen", "riket": "Riket"}
        data = pd.DataFrame({"År": [str(a) for a in t["år"]]})
        for k, rubrik in kolumner.items():
            data[rubrik] = t[k].to_numpy()
        namn = bladnamn(kpi)
        while namn in använda:
            namn = bladnamn(namn + "_")
        använda.add(namn)
        vy = Tabellvy(namn, f"{titel} ({kpi})" if titel != kpi else kpi, data,
                      kolumnformat={r: ("heltal" if k == "antal" else fmt) for k, r in kolumner.items()})
        diagramdata = pd.DataFrame({"År": [str(a) for a in t["år"]], kommunnamn: t["kommun"].to_numpy(),
                                    "medel": t["medel"].to_numpy(), "lägst": t["lägst"].to_numpy(),
                                    "högst": t["högst"].to_numpy(), "Riket": t["riket"].to_numpy()})
        diagram = Diagram(f"diagram_kolada_{slug(kpi)}.png", titel, "kolada", diagramdata)
        nyckeltal.append(Nyckeltal(kpi, titel, vy, diagram))
    varningar = list(d.varningar)
    if not nyckeltal:
        varningar.append("inget av nyckeltalen har värden för kommunen, jämförelsegruppen eller riket")
    medlemmar = [d.namn.get(m, m) for m in d.grupp]
    return KoladaJämförelse(d.kommun, kommunnamn, d.gruppnamn, medlemmar, nyckeltal, d.källa, tabell, varningar)
