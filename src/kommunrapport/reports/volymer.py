"""The volume report as data: tables per area (hemtjänst, placeringar, bistånd, named series).

`bygg_volymrapport` is pure. Every table is a `Tabellvy`: raw numbers plus how each cell is
formatted, so the Markdown report, the Excel annex and the JSON carry the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..calc import volymer as vc
from ..errors import IndataFel, KommunrapportFel, Plats
from ..formatting import decimaler_för
from ..input.volumes import Seriedef, Volymdata, gissa_enhet, saknade_månader, varav_över_total
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
    anteckningar: list[str] = field(default_factory=list)  # inferences from the file (the year from its title …)
    varav: set[str] = field(default_factory=set)  # the names of the varav series ('Kostnad HVB (barn och unga)')


@dataclass
class Volymrapport:
    år: int
    månad: int
    avsnitt: list[Volymavsnitt]
    serier: Tabellvy | None = None  # every series with its kind (the annex's sheet 'Serier')
    underlag: list[Volymdata] = field(default_factory=list, repr=False)  # the data it was built from (maskering)
    maskering: str = ""  # the public version: what is masked and how (reports.maskering); empty: internal

    @property
    def period(self) -> Period:
        """The report period: jan..månad of år."""
        return Period(self.år, self.månad)

    @property
    def varningar(self) -> list[str]:
        return [v for a in self.avsnitt for v in a.varningar]

    @property
    def anteckningar(self) -> list[str]:
        """What was read from the files rather than stated in them (shown on the annex's Info sheet)."""
        return [f"{a.område}: {x}" for a in self.avsnitt for x in a.anteckningar]

    @property
    def bilagetabeller(self) -> list[Tabellvy]:
        """The annex: every area's tables, then the sheet 'Serier'."""
        return [t for a in self.avsnitt for t in a.tabeller] + ([self.serier] if self.serier is not None else [])


def bygg_volymrapport(data: list[Volymdata], månad: int, år: int | None = None) -> Volymrapport:
    if not data:
        raise IndataFel("inga volymdata: ange minst en fil (hemtjänst, placeringar, bistånd eller serier)")
    år = int(år if år is not None else max(int(d.serier["år"].max()) for d in data))
    if not any(((d.serier["år"] == år) & (d.serier["månad"] == månad)).any() for d in data):
        raise IndataFel(f"inga volymer för {MÅNADER[månad - 1]} {år} i någon fil; är månaden rapporterad?")
    avsnitt = [_avsnitt(d, år, månad) for d in data]
    used: set[str] = {"Serier", "Info"}
    for a in avsnitt:  # unique sheet names across the whole annex
        for t in a.tabeller:
            t.namn = base = bladnamn(t.namn)
            n = 2
            while t.namn in used:
                t.namn = f"{base[:26]} ({n})"
                n += 1
            used.add(t.namn)
    unika_diagramnamn([d for a in avsnitt for d in a.diagram])
    return Volymrapport(år, månad, avsnitt, serietabell(data), list(data))


# No change in percent for a share (it changes in procentenheter) or a result (it can be negative or cross
# zero: from −0,3 to −0,4 mnkr is not "+33 %")
UTAN_PROCENT = ("andel", "resultat")


BERÄKNING = {"flöde": "summa", "resultat": "summa", "bestånd": "medel per månad", "andel": "medel per månad",
             "takt": "medel per dag"}


def med_enhet(namn: str, enhet: str) -> str:
    """A heading with its unit: 'Utförda timmar (timmar)'; a name that already says it stays as it is."""
    if not enhet or f"({enhet.lower()}" in namn.lower() or namn.lower().endswith(f" {enhet.lower()}"):
        return namn
    return f"{namn} ({enhet})"


def _ändringsformat(df: Seriedef) -> str:
    """A change of a share is in procentenheter; of anything else in the series' own unit."""
    return "procentenheter" if df.slag == "andel" else df.periodformat


def _avsnitt(d: Volymdata, år: int, månad: int) -> Volymavsnitt:
    if not (d.serier["år"] == år).any():
        finns = sorted(int(y) for y in d.serier["år"].unique())
        år_text = f"{finns[0]}–{finns[-1]}" if len(finns) > 1 else (str(finns[0]) if finns else "inga")
        raise IndataFel(f"{d.område}: {d.källa} har inga värden för {år} (filen har år {år_text}); ange också "
                        f"filen för {år} (en fil per år läses som ett område) eller ta bort filen ur rapporten")
    kort = kort_period(månad)
    varningar = list(d.varningar)
    månader = list(range(1, månad + 1))
    tabeller: list[Tabellvy] = []
    diagram: list[Diagram] = []
    stem = Period(år, månad).stam
    ko = kort_namn(d.område)
    defs = d.definitioner

    def serie(df: Seriedef) -> vc.Månadsserie:  # t.o.m. the report month
        return d.månadsserie(df.namn).tom(år, månad)

    # Missing months are reported, never averaged as zero.
    varningar += [f"{d.område}: {v}" for v in saknade_månader(d, år, månad)]

    # 1. Same period this year against last year (the year to date), every series and ratio.
    rows, fmt, cellfmt = [], [], {}
    for df in defs:
        j = d.månadsserie(df.namn).jämförelse(år, månad, df.slag)
        rows.append({"Mått": df.namn, "Enhet": df.visad_enhet, "Beräkning": BERÄKNING[df.slag],
                     f"{kort} {år - 1}": j["fg"], f"{kort} {år}": j["nu"], "Förändring": j["förändring"],
                     "Förändring %": np.nan if df.slag in UTAN_PROCENT else j["förändring_andel"]})
        fmt.append(df.periodformat)
        cellfmt[(len(rows) - 1, "Förändring")] = _ändringsformat(df)
    for k in d.kvoter:
        a, b = d.månadsserie(k.täljare), d.månadsserie(k.nämnare)
        nu, fg = a.kvot_period(b, år, månader), a.kvot_period(b, år - 1, månader)
        enheter, andel = vc.förändring(nu, fg)
        rows.append({"Mått": k.namn, "Enhet": "%" if k.format == "procent" else gissa_enhet(k.namn), "Beräkning": "kvot",
                     f"{kort} {år - 1}": fg, f"{kort} {år}": nu,
                     "Förändring": enheter, "Förändring %": np.nan if k.format == "procent" else andel})
        fmt.append(k.format)
        if k.format == "procent":
            cellfmt[(len(rows) - 1, "Förändring")] = "procentenheter"
    tabeller.append(Tabellvy(f"{ko} jämförelse", f"Jämförelse {period_text(månad)} {år} mot {år - 1}",
                             pd.DataFrame(rows), fmt, {"Förändring %": "procent"}, cellfmt))

    # 2. Each month this year against the same month last year, in units and in percent.
    rows, fmt, cellfmt = [], [], {}
    for df in defs:
        for r in d.månadsserie(df.namn).månadsjämförelse(år, månad):
            rows.append({"Mått": df.namn, "Enhet": df.visad_enhet, "Månad": MÅNADER_KORT[int(r["månad"]) - 1],
                         str(år - 1): r["fg"], str(år): r["nu"], "Förändring": r["förändring"],
                         "Förändring %": np.nan if df.slag in UTAN_PROCENT else r["förändring_andel"]})
            fmt.append(df.format)
            cellfmt[(len(rows) - 1, "Förändring")] = "procentenheter" if df.slag == "andel" else df.format
    tabeller.append(Tabellvy(f"{ko} per månad", f"Månad för månad {år} mot samma månad {år - 1}",
                             pd.DataFrame(rows), fmt, {"Förändring %": "procent"}, cellfmt))

    # 3. The report month alone, in total and per calendar day (leap years: February has 28 or 29 days).
    per_dag = [df for df in defs if df.per_dag]
    if per_dag:
        rows = []
        for df in per_dag:
            s = d.månadsserie(df.namn)
            nu, fg = s.periodvärde(år, [månad], "flöde"), s.periodvärde(år - 1, [månad], "flöde")
            pd_s = s.per_dag()
            nu_d, fg_d = pd_s.periodvärde(år, [månad], "flöde"), pd_s.periodvärde(år - 1, [månad], "flöde")
            rows.append({"Mått": df.namn, "Enhet": df.enhet, f"{MÅNADER_KORT[månad - 1]} {år - 1}": fg,
                         f"{MÅNADER_KORT[månad - 1]} {år}": nu, "Förändring %": vc.förändring(nu, fg)[1],
                         f"Per dag {år - 1}": fg_d, f"Per dag {år}": nu_d, "Förändring per dag %": vc.förändring(nu_d, fg_d)[1]})
        tabeller.append(Tabellvy(f"{ko} per dag", f"{MÅNADER[månad - 1].capitalize()} {år} mot {år - 1}, "
                                 "totalt och per kalenderdag", pd.DataFrame(rows), [df.format for df in per_dag],
                                 {"Förändring %": "procent", "Förändring per dag %": "procent",
                                  f"Per dag {år - 1}": "tal1", f"Per dag {år}": "tal1"}))

    # 4. Years × months with Årssnitt, and a chart, for the main series; a resultat also accumulated.
    årstabeller = {df.namn: serie(df).årstabell(df.slag) for df in defs}
    for df in [x for x in defs if x.diagram]:
        tab = årstabeller[df.namn]
        välj = [år - ÅR_I_TABELL < y <= år for y in tab.index]
        index = tab.index[välj]
        # the columns taken out as arrays and the frame made at once (a column at a time costs more than the rest)
        månadsvärden = {m: tab[m].to_numpy()[välj] for m in MÅNADSNUMMER}
        out = pd.DataFrame({"År": index.astype(int), **{MÅNADER_KORT[m - 1]: månadsvärden[m] for m in MÅNADSNUMMER},
                            "Årssnitt": tab["årssnitt"].to_numpy()[välj]})
        tabeller.append(Tabellvy(df.namn, med_enhet(df.namn, df.visad_enhet), out, None,
                                 {"År": "text", **{k: df.format for k in MÅNADER_KORT}, "Årssnitt": df.medelformat}))
        rad = {y: i for i, y in enumerate(index)}
        years = [y for y in sorted(index, reverse=True)][:ÅR_I_DIAGRAM]
        chart = pd.DataFrame({"Månad": MÅNADER_KORT, **{
            str(int(y)): np.array([månadsvärden[m][rad[y]] for m in MÅNADSNUMMER], dtype=float) for y in years}})
        diagram.append(Diagram(diagramnamn(d.område, df.namn, stem), df.namn, "linje", chart, df.visad_enhet))
    for df in [x for x in defs if x.slag == "resultat"]:
        ack = serie(df).ackumulerad()
        välj = [år - ÅR_I_TABELL < y <= år for y in ack.index]
        out = pd.DataFrame({"År": ack.index[välj].astype(int),
                            **{MÅNADER_KORT[m - 1]: ack[m].to_numpy()[välj] for m in MÅNADSNUMMER}})
        tabeller.append(Tabellvy(f"{df.namn} ack", med_enhet(f"{df.namn}, ackumulerat från januari", df.enhet), out,
                                 None, {"År": "text", **{k: df.format for k in MÅNADER_KORT}}))

    # 5. Årssnitt per year for every series, varav rows too.
    år_kol = [y for y in range(år - ÅR_I_TABELL + 1, år + 1)]
    rows, fmt = [], []
    for df in defs:
        snitt = årstabeller[df.namn]["årssnitt"]
        rows.append({"Mått": df.namn, "Enhet": df.visad_enhet,
                     **{str(y): float(snitt.get(y, np.nan)) for y in år_kol}})
        fmt.append(df.medelformat)
    årssnitt = pd.DataFrame(rows)
    tomma = [str(y) for y in år_kol if årssnitt[str(y)].isna().all()]
    tabeller.append(Tabellvy(f"{ko} årssnitt", f"Årssnitt (medel per månad) t.o.m. {MÅNADER[månad - 1]} {år}",
                             årssnitt.drop(columns=tomma), fmt))

    # 6. Tertials (complete ones: the report month decides), every series, with change on the same tertial last year.
    rows, fmt, cellfmt = [], [], {}
    for df in defs:
        for r in serie(df).tertialjämförelse(df.slag, år - 1):
            rows.append({"Mått": df.namn, "Enhet": df.visad_enhet, "Tertial": f"{r['tertial']} {r['år']}",
                         "Beräkning": BERÄKNING[df.slag], "Värde": r["värde"], "Samma tertial året innan": r["fg_år"],
                         "Förändring": r["förändring"],
                         "Förändring %": np.nan if df.slag in UTAN_PROCENT else r["förändring_andel"]})
            fmt.append(df.periodformat)
            cellfmt[(len(rows) - 1, "Förändring")] = _ändringsformat(df)
    if rows:
        tabeller.append(Tabellvy(f"{ko} tertialer", "Tertial (T1 jan–apr, T2 maj–aug, T3 sep–dec)",
                                 pd.DataFrame(rows), fmt, {"Förändring %": "procent"}, cellfmt))

    # 7. The last full year against the year before.
    helår = år if månad == 12 else år - 1
    rows, fmt, cellfmt = [], [], {}
    for df in defs:
        nu = serie(df).periodvärde(helår, MÅNADSNUMMER, df.slag)
        fg = serie(df).periodvärde(helår - 1, MÅNADSNUMMER, df.slag)
        if np.isnan(nu) and np.isnan(fg):
            continue
        enheter, andel = vc.förändring(nu, fg)
        rows.append({"Mått": df.namn, "Enhet": df.visad_enhet, "Beräkning": BERÄKNING[df.slag],
                     f"Helår {helår - 1}": fg, f"Helår {helår}": nu, "Förändring": enheter,
                     "Förändring %": np.nan if df.slag in UTAN_PROCENT else andel})
        fmt.append(df.periodformat)
        cellfmt[(len(rows) - 1, "Förändring")] = _ändringsformat(df)
    if rows:
        tabeller.append(Tabellvy(f"{ko} helår", f"Helår {helår} mot {helår - 1}", pd.DataFrame(rows), fmt,
                                 {"Förändring %": "procent"}, cellfmt))

    # 8. Rolling 12 months at the report month, every series.
    rows, fmt, cellfmt = [], [], {}
    for df in defs:
        nu, fg = serie(df).rullande_12(df.slag, [(år, månad), (år - 1, månad)])
        rows.append({"Mått": df.namn, "Enhet": df.visad_enhet, "Beräkning": BERÄKNING[df.slag],
                     f"12 mån t.o.m. {MÅNADER_KORT[månad - 1]} {år - 1}": fg,
                     f"12 mån t.o.m. {MÅNADER_KORT[månad - 1]} {år}": nu,
                     "Förändring %": np.nan if df.slag in UTAN_PROCENT else vc.förändring(nu, fg)[1]})
        fmt.append(df.periodformat)
    if rows:
        tabeller.append(Tabellvy(f"{ko} rullande 12", "Rullande 12 månader", pd.DataFrame(rows), fmt,
                                 {"Förändring %": "procent"}))

    # 9. Bars by type, jan..m this year against last year.
    for titel, namn in d.staplar:
        rows = [{"Typ": etikett,
                 f"{kort} {år - 1}": d.månadsserie(n).periodvärde(år - 1, månader, "flöde"),
                 f"{kort} {år}": d.månadsserie(n).periodvärde(år, månader, "flöde")} for etikett, n in namn]
        enhet = next((df.enhet for df in defs if df.namn == namn[0][1]), "") if namn else ""
        diagram.append(Diagram(diagramnamn(d.område, titel, stem), f"{titel}, {period_text(månad)}",
                               "staplar", pd.DataFrame(rows), enhet))

    # varav lines of a flöde or a bestånd must not add up to more than their total.
    varningar += [f"{d.område}: {v}" for v in varav_över_total(d)]
    for dia in diagram:
        if dia.typ == "staplar":
            tabeller.append(Tabellvy(f"{ko} {dia.titel.rsplit(', ', 1)[0].lower()}", med_enhet(dia.titel, dia.enhet),
                                     dia.data))

    # The Word report shows one page per area: this table and this chart; the rest is in the annex (issue 13).
    if tabeller:
        tabeller[0].huvudtabell = True
    if huvud := [x for x in diagram if x.typ == "linje"] or diagram:
        huvud[0].huvuddiagram = True
    return Volymavsnitt(d.område, d.källa, tabeller, diagram, varningar, list(d.anteckningar),
                        {x.namn for x in defs if x.varav_av is not None})


bygg_avsnitt = _avsnitt  # one area's tables and charts (reports.maskering builds an area again)


def serietabell(data: list[Volymdata]) -> Tabellvy:
    """Every series with its kind, unit, decimals, total and how the kind was decided: the annex's sheet
    'Serier', so that every inference is shown."""
    rows = []
    for d in data:
        for df in d.definitioner:
            rows.append({"Område": d.område, "Serie": df.namn, "Slag": df.slag, "Enhet": df.visad_enhet,
                         "Decimaler": "procent" if df.slag == "andel" else str(df.decimaler),
                         "Varav av": df.varav_av or "", "Källa": df.källa})
        for k in d.kvoter:
            rows.append({"Område": d.område, "Serie": k.namn, "Slag": "kvot",
                         "Enhet": "%" if k.format == "procent" else gissa_enhet(k.namn),
                         "Decimaler": "procent" if k.format == "procent" else str(decimaler_för(k.format)),
                         "Varav av": "", "Källa": f"{k.täljare} / {k.nämnare}"})
    return Tabellvy("Serier", "Serierna och deras slag", pd.DataFrame(rows, columns=[
        "Område", "Serie", "Slag", "Enhet", "Decimaler", "Varav av", "Källa"]))


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
