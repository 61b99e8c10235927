"""The volume report as data: tables per area (hemtjänst, placeringar, bistånd, named series).

`bygg_volymrapport` is pure. Every table is a `Tabellvy`: raw numbers plus how each cell is
formatted, so the Markdown report, the Excel annex and the JSON carry the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..calc import volymer as vc
from ..errors import IndataFel, KommunrapportFel, Plats
from ..input.volumes import Volymdata
from ..model.area import OMRÅDEN, kort_namn
from ..model.period import MÅNADER, MÅNADER_KORT, MÅNADSNUMMER, Period, kort_period, period_text
from ..model.table import Diagram, Tabellvy, bladnamn, diagramnamn, unika_diagramnamn

ÅR_I_TABELL = 6  # years shown in a years × months table
ÅR_I_DIAGRAM = 4


@dataclass
class Volymavsnitt:
    område: str
    källa: str
    tabeller: list[Tabellvy]
    diagram: list[Diagram]
    varningar: list[str]


@dataclass
class Volymrapport:
    år: int
    månad: int
    avsnitt: list[Volymavsnitt]

    @property
    def period(self) -> Period:
        """The report period: jan..månad of år."""
        return Period(self.år, self.månad)

    @property
    def varningar(self) -> list[str]:
        return [v for a in self.avsnitt for v in a.varningar]


def bygg_volymrapport(data: list[Volymdata], månad: int, år: int | None = None) -> Volymrapport:
    if not data:
        raise IndataFel("inga volymdata: ange minst en fil (hemtjänst, placeringar, bistånd eller serier)")
    år = int(år if år is not None else max(int(d.serier["år"].max()) for d in data))
    if not any(((d.serier["år"] == år) & (d.serier["månad"] == månad)).any() for d in data):
        raise IndataFel(f"inga volymer för {MÅNADER[månad - 1]} {år} i någon fil; är månaden rapporterad?")
    avsnitt = [_avsnitt(d, år, månad) for d in data]
    used: set[str] = set()
    for a in avsnitt:  # unique sheet names across the whole annex
        for t in a.tabeller:
            t.namn = base = bladnamn(t.namn)
            n = 2
            while t.namn in used:
                t.namn = f"{base[:26]} ({n})"
                n += 1
            used.add(t.namn)
    unika_diagramnamn([d for a in avsnitt for d in a.diagram])
    return Volymrapport(år, månad, avsnitt)


def _tom(serie: pd.DataFrame, år: int, månad: int) -> pd.DataFrame:
    """The series t.o.m. the report month: later months are not part of this report."""
    return serie[(serie["år"] < år) | ((serie["år"] == år) & (serie["månad"] <= månad))]


def _avsnitt(d: Volymdata, år: int, månad: int) -> Volymavsnitt:
    if not (d.serier["år"] == år).any():
        raise IndataFel(f"{d.område}: {d.källa} har inga värden för {år}")
    kort = kort_period(månad)
    varningar = list(d.varningar)
    månader = list(range(1, månad + 1))
    tabeller: list[Tabellvy] = []
    diagram: list[Diagram] = []
    stem = Period(år, månad).stam
    ko = kort_namn(d.område)

    # Missing months are reported, never averaged as zero.
    for df in d.definitioner:
        s = d.serie(df.namn)
        for y in sorted(y for y in s["år"].unique() if y <= år):
            last = 12 if y < år else månad
            for m in vc.saknade_månader(s, int(y), last):
                varningar.append(f"{d.område}: '{df.namn}' saknar värde för {MÅNADER[m - 1]} {y}; "
                                 "perioder som omfattar månaden redovisas inte")

    # 1. Same period this year against last year.
    rows, fmt = [], []
    for df in d.definitioner:
        j = vc.jämförelse(d.serie(df.namn), år, månad, df.slag)
        rows.append({"Mått": df.namn, "Beräkning": "summa" if df.slag == "flöde" else "medel per månad",
                     f"{kort} {år - 1}": j["fg"], f"{kort} {år}": j["nu"], "Förändring": j["förändring"],
                     "Förändring %": j["förändring_andel"]})
        fmt.append("heltal")
    for k in d.kvoter:
        a, b = d.serie(k.täljare), d.serie(k.nämnare)
        nu, fg = vc.kvot_period(a, b, år, månader), vc.kvot_period(a, b, år - 1, månader)
        enheter, andel = vc.förändring(nu, fg)
        rows.append({"Mått": k.namn, "Beräkning": "kvot", f"{kort} {år - 1}": fg, f"{kort} {år}": nu,
                     "Förändring": enheter, "Förändring %": np.nan if k.format == "procent" else andel})
        fmt.append(k.format)
    jämf = pd.DataFrame(rows)
    tabeller.append(Tabellvy(f"{ko} jämförelse", f"Jämförelse {period_text(månad)} {år} mot {år - 1}",
                             jämf, fmt, {"Förändring %": "procent"},
                             {(i, "Förändring"): "procentenheter" for i, f in enumerate(fmt) if f == "procent"}))

    # 2. The report month alone, in total and per calendar day (leap years: February has 28 or 29 days).
    per_dag = [df for df in d.definitioner if df.per_dag]
    if per_dag:
        rows = []
        for df in per_dag:
            s = d.serie(df.namn)
            nu, fg = vc.periodvärde(s, år, [månad], "flöde"), vc.periodvärde(s, år - 1, [månad], "flöde")
            pd_s = vc.per_dag(s)
            nu_d, fg_d = vc.periodvärde(pd_s, år, [månad], "flöde"), vc.periodvärde(pd_s, år - 1, [månad], "flöde")
            rows.append({"Mått": df.namn, f"{MÅNADER_KORT[månad - 1]} {år - 1}": fg,
                         f"{MÅNADER_KORT[månad - 1]} {år}": nu, "Förändring %": vc.förändring(nu, fg)[1],
                         f"Per dag {år - 1}": fg_d, f"Per dag {år}": nu_d, "Förändring per dag %": vc.förändring(nu_d, fg_d)[1]})
        tabeller.append(Tabellvy(f"{ko} per dag", f"{MÅNADER[månad - 1].capitalize()} {år} mot {år - 1}, "
                                 "totalt och per kalenderdag", pd.DataFrame(rows), None,
                                 {"Förändring %": "procent", "Förändring per dag %": "procent",
                                  f"Per dag {år - 1}": "tal1", f"Per dag {år}": "tal1"}))

    # 3. Years × months with Årssnitt, and a chart, for the main series.
    for df in [x for x in d.definitioner if x.diagram]:
        tab = vc.årstabell(_tom(d.serie(df.namn), år, månad))
        tab = tab.loc[[y for y in tab.index if år - ÅR_I_TABELL < y <= år]]
        out = pd.DataFrame({"År": tab.index.astype(int)})
        for m in MÅNADSNUMMER:
            out[MÅNADER_KORT[m - 1]] = tab[m].to_numpy()
        out["Årssnitt"] = tab["årssnitt"].to_numpy()
        tabeller.append(Tabellvy(df.namn, df.namn, out,
                                 kolumnformat={"År": "text"}))
        years = [y for y in sorted(tab.index, reverse=True)][:ÅR_I_DIAGRAM]
        chart = pd.DataFrame({"Månad": MÅNADER_KORT})
        for y in years:
            chart[str(int(y))] = tab.loc[y, MÅNADSNUMMER].to_numpy(dtype=float)
        diagram.append(Diagram(diagramnamn(d.område, df.namn, stem), df.namn, "linje", chart))

    # 4. Tertials (complete ones) for the main flows, with change on the same tertial last year.
    rows = []
    for df in [x for x in d.definitioner if x.diagram and x.slag == "flöde"]:
        t = vc.tertialjämförelse(_tom(d.serie(df.namn), år, månad), df.slag)
        for r in t[t["år"] >= år - 1].to_dict("records"):
            rows.append({"Mått": df.namn, "Tertial": f"{r['tertial']} {r['år']}", "Värde": r["värde"],
                         "Samma tertial året innan": r["fg_år"], "Förändring": r["förändring"],
                         "Förändring %": r["förändring_andel"]})
    if rows:
        tabeller.append(Tabellvy(f"{ko} tertialer", "Tertial (T1 jan–apr, T2 maj–aug, T3 sep–dec)",
                                 pd.DataFrame(rows), None, {"Förändring %": "procent"}))

    # 5. Rolling 12 months at the report month.
    rows = []
    for df in [x for x in d.definitioner if x.diagram]:
        r12 = vc.rullande_12(_tom(d.serie(df.namn), år, månad), df.slag).set_index(["år", "månad"])["värde"]
        nu, fg = r12.get((år, månad), np.nan), r12.get((år - 1, månad), np.nan)
        rows.append({"Mått": df.namn, "Beräkning": "summa" if df.slag == "flöde" else "medel",
                     f"12 mån t.o.m. {MÅNADER_KORT[månad - 1]} {år - 1}": fg,
                     f"12 mån t.o.m. {MÅNADER_KORT[månad - 1]} {år}": nu, "Förändring %": vc.förändring(nu, fg)[1]})
    if rows:
        tabeller.append(Tabellvy(f"{ko} rullande 12", "Rullande 12 månader", pd.DataFrame(rows), None,
                                 {"Förändring %": "procent"}))

    # 6. Bars by type, jan..m this year against last year.
    for titel, namn in d.staplar:
        rows = [{"Typ": etikett,
                 f"{kort} {år - 1}": vc.periodvärde(d.serie(n), år - 1, månader, "flöde"),
                 f"{kort} {år}": vc.periodvärde(d.serie(n), år, månader, "flöde")} for etikett, n in namn]
        diagram.append(Diagram(diagramnamn(d.område, titel, stem), f"{titel}, {period_text(månad)}",
                               "staplar", pd.DataFrame(rows)))

    # varav lines must not add up to more than their total.
    for df in d.definitioner:
        delar = [d.serie(x.namn) for x in d.definitioner if x.varav_av == df.namn]
        if delar:
            for r in vc.varav_över_total(d.serie(df.namn), delar).to_dict("records"):
                varningar.append(f"{d.område}: varav-raderna under '{df.namn}' är {r['summa_varav']:.0f} för "
                                 f"{MÅNADER[int(r['månad']) - 1]} {int(r['år'])}, mer än totalen {r['total']:.0f}")
    for dia in diagram:
        if dia.typ == "staplar":
            tabeller.append(Tabellvy(f"{ko} {dia.titel.rsplit(', ', 1)[0].lower()}", dia.titel, dia.data))

    # The Word report shows one page per area: this table and this chart; the rest is in the annex (issue 13).
    if tabeller:
        tabeller[0].huvudtabell = True
    if huvud := [x for x in diagram if x.typ == "linje"] or diagram:
        huvud[0].huvuddiagram = True
    return Volymavsnitt(d.område, d.källa, tabeller, diagram, varningar)


def kontrollera_kommentarer(kommentarer: dict[str, str], r: Volymrapport, fil: str) -> dict[str, str]:
    """Comment headings name an area ('## Hemtjänst', '## Ekonomiskt bistånd' or a series file's title); a
    heading that names none is an error, so that a comment never vanishes from the report. A standard area
    that this report leaves out (--omrade) is passed over."""
    kända = {a.område.lower() for a in r.avsnitt} | {o.namn.lower() for o in OMRÅDEN.values()}
    fel: list[KommunrapportFel] = [
        IndataFel(f"rubriken '## {rubrik}' motsvarar inget område i volymrapporten (rapportens områden: "
                  f"{', '.join(a.område for a in r.avsnitt)})", Plats(fil))
        for rubrik in kommentarer if rubrik.strip().lower() not in kända]
    if fel:
        raise IndataFel.samla(fel)
    return {k.strip().lower(): v for k, v in kommentarer.items()}
