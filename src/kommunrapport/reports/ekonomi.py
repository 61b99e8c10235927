"""The ekonomi report as data: everything the renderers show, computed once from the inputs.

`bygg_ekonomirapport` is pure (no I/O). `tabeller` turns the report into the tables that the
Markdown report, the Excel annex and the JSON output all show, so they carry the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import cast

import numpy as np
import pandas as pd

from ..calc import closing
from ..calc import ekonomi as calc
from ..calc.effekter import KoppladVolym
from ..calc.ekonomi import TOTAL
from ..errors import IndataFel, KommunrapportFel, Plats
from ..formatting import avrunda, mnkr
from ..input.ledger import Huvudbok
from ..input.mapping import Verksamhetsträd, koppla_rader
from ..model.period import MÅNADER_KORT, MÅNADSNUMMER, Period, kort_period, månadsnamn
from ..model.table import Tabellvy
from .forklaring import Förklaring, bygg_förklaring, förklaringstabeller
from .preliminar import FLAGGRÅD, PreliminärMånad, preliminär_text, preliminära_skäl

MILJON = 1e6
TECKENVARNING = ("årsbudgeten är negativ (en nettointäkt); stämmer inställningen tecken "
                 "(kostnad-positiv för en huvudbok, kostnad-negativ för ett uppföljningssystem)?")


@dataclass
class Ekonomirapport:
    nämnd: str
    år: int
    månad: int
    träd: Verksamhetsträd
    ackumulerad_avvikelse: pd.DataFrame  # kr, rows ids + TOTAL, columns 1..12 (NaN after the month)
    årsbudget: pd.Series  # kr, net cost positive
    prognosavvikelse: pd.Series | None  # kr, + better; None when the export has no prognos
    föregående_år: pd.Series | None  # kr, total accumulated deviation per month of år − 1
    föregående_år_prognos: float | None
    nyckeltal: pd.DataFrame
    ks: pd.DataFrame
    kommentarer: dict[str, str] = field(default_factory=dict)
    varningar: list[str] = field(default_factory=list)
    prognoshistorik: pd.DataFrame | None = None  # kr, rows = row ids (+ TOTAL), columns = earlier report months
    preliminär: list[str] = field(default_factory=list)  # why the month is not closed; empty: it is
    förklaring: Förklaring | None = None  # Ekonomisk utveckling, volume and price effects, forecast proposal

    @property
    def rapportnamn(self) -> str:
        """'Ekonomirapport t.o.m. februari 2025', or 'Preliminär ekonomirapport t.o.m. mars 2025'."""
        namn = f"t.o.m. {månadsnamn(self.månad)} {self.år}"
        return f"Preliminär ekonomirapport {namn}" if self.preliminär else f"Ekonomirapport {namn}"

    def prognosutveckling(self) -> pd.DataFrame | None:
        """Forecast deviation per row at each report month of the year, this month included (kr)."""
        if self.prognosavvikelse is None or self.prognoshistorik is None or self.prognoshistorik.empty:
            return None
        h = self.prognoshistorik.reindex([*self.träd.ids, TOTAL])
        h = h[[m for m in h.columns if int(m) < self.månad]]  # the columns are report months
        h[self.månad] = self.prognosavvikelse
        return h

    def prognosavvikelse_mot(self, månad: int = 8) -> pd.DataFrame | None:
        """Year end against the forecast given at the jan–`månad` report: outcome − forecast (kr)."""
        if self.månad != 12 or self.prognoshistorik is None or månad not in getattr(self.prognoshistorik, "columns", []):
            return None
        given = self.prognoshistorik[månad].reindex([*self.träd.ids, TOTAL])
        utfall = self.ackumulerad_avvikelse[12]
        return pd.DataFrame({"budgetavvikelse": utfall, "prognos": given, "prognosavvikelse": utfall - given})

    @property
    def period(self) -> Period:
        """The report period: jan..månad of år."""
        return Period(self.år, self.månad)

    @property
    def avvikelse(self) -> float:
        return float(cast(float, self.ackumulerad_avvikelse.loc[TOTAL, self.månad]))

    @property
    def avvikelse_fg_år(self) -> float | None:
        if self.föregående_år is None:
            return None
        return float(self.föregående_år[self.månad])

    @property
    def andel_av_årsbudget(self) -> pd.Series:
        """Share of the total annual budget, for top-level rows and the total (as printed)."""
        top = self.träd.toppnivå() + [TOTAL]
        return calc.andel(self.årsbudget, float(self.årsbudget[TOTAL])).where(self.årsbudget.index.isin(top))

    def inledning(self) -> str:
        """The factual opening sentence of the report (after a warning when the month is preliminary)."""
        if self.preliminär:
            return preliminär_text(self.år, self.månad, self.preliminär) + " " + self._inledning()
        return self._inledning()

    def _inledning(self) -> str:
        a = avrunda(self.avvikelse / MILJON, 1)
        slag = ("vilket är en positiv budgetavvikelse" if a > 0 else
                "vilket är en negativ budgetavvikelse" if a < 0 else "vilket innebär en budget i balans")
        text = (f"Nämndens budgetavvikelse för perioden {self.period.text} år {self.år} är "
                f"{mnkr(self.avvikelse, tecken=True)} mnkr {slag}")
        if self.avvikelse_fg_år is None:
            return text + f". Jämförelse med samma period år {self.år - 1} saknas i underlaget."
        f = avrunda(self.avvikelse_fg_år / MILJON, 1)
        jämf = "bättre än" if a > f else "sämre än" if a < f else "i nivå med"
        return (text + f" och {jämf} samma period år {self.år - 1} då avvikelsen var "
                f"{mnkr(self.avvikelse_fg_år, tecken=f != 0)} mnkr.")


def kontrollera_preliminär(r: Ekonomirapport, regel: closing.Stängningsregel | None, idag: date,
                           tillåt: bool) -> None:
    """Add the calendar rule's reason to the data's; refuse a preliminary month unless `tillåt`
    (--preliminar), in which case every output of the report says Preliminär."""
    r.preliminär = preliminära_skäl(r.år, r.månad, regel, idag, r.preliminär)
    if r.preliminär and not tillåt:
        raise PreliminärMånad(r.år, r.månad, r.preliminär, FLAGGRÅD)


def toppnivåer(träd: Verksamhetsträd) -> tuple[dict[str, str], dict[str, str]]:
    """Each row id's top-level row id, and each top-level row's label (for the check per verksamhet)."""
    topp = {}
    for rad in träd.rader:
        r = rad
        while r.förälder:
            r = träd.rad(r.förälder)
        topp[rad.id] = r.id
    return topp, {i: träd.rad(i).rubrik for i in träd.toppnivå()}


def standardår(ledger: pd.DataFrame, träd: Verksamhetsträd | None = None) -> int:
    """The default report year: the latest year with a month that looks closed in the data (not the
    newest year in the export: next year's budget may be loaded in December), else the latest year
    with outcome, else the latest year."""
    topp, namn = toppnivåer(träd) if träd is not None else (None, None)
    stängd, _ = closing.senaste_stängda(ledger, toppnamn=namn, topp=topp)
    if stängd is not None:
        return stängd[0]
    med = closing.månader_med_utfall(ledger)
    return med[0][0] if med else int(ledger["år"].max())


def kontrollera_stängd(ledger: pd.DataFrame, år: int, månad: int, källa: Plats) -> None:
    """The report month must have utfall: exports show 0,0 for months that are not closed."""
    if not (ledger["år"] == år).any():
        years = ", ".join(str(y) for y in sorted(ledger["år"].unique()))
        raise IndataFel(f"exporten har inga rader för år {år} (den har {years})", källa)
    denna_månad = ledger[(ledger["år"] == år) & (ledger["månad"] == månad)]
    if not closing.har_utfall(denna_månad).any():
        raise IndataFel(
            f"exporten har inget utfall för {månadsnamn(månad)} {år} (alla belopp är 0 eller saknas); "
            "är månaden stängd?", källa)


def bygg_ekonomirapport(
    huvudbok: Huvudbok,
    träd: Verksamhetsträd,
    månad: int,
    år: int | None = None,
    nämnd: str = "Nämnden",
    kommentarer: dict[str, str] | None = None,
    prognoshistorik: pd.DataFrame | None = None,
    volymkopplingar: list[KoppladVolym] | None = None,
) -> Ekonomirapport:
    """Compute the whole ekonomi report for jan..`månad` of `år` (default: the latest year with a closed
    month, see `standardår`). A month that does not look closed in the data gets its reasons in
    `preliminär`; the caller decides whether a preliminary report may be written (see
    `kontrollera_preliminär`).

    `prognoshistorik` (rows = row ids, columns = earlier report months of the year, kr) comes from
    the run history and lets the report show how the forecast moved and, in December, the
    Prognosavvikelse against the forecast given at the jan–aug report.
    """
    ledger = koppla_rader(huvudbok, träd)
    år = int(år if år is not None else standardår(ledger, träd))
    källa = Plats(huvudbok.tabell.fil, huvudbok.tabell.blad)
    kontrollera_stängd(ledger, år, månad, källa)
    topp, toppnamn = toppnivåer(träd)
    preliminär = closing.dataskäl(ledger, år, månad, toppnamn, topp)

    varningar = list(huvudbok.varningar)
    for y in (år - 1, år):
        if (ledger["år"] == y).any():
            saknas = sorted(set(range(1, månad + 1)) - set(ledger.loc[ledger["år"] == y, "månad"]))
            if saknas:
                varningar.append(f"exporten har inga rader alls för {', '.join(månadsnamn(m) for m in saknas)} {y}; "
                                 "beloppen för perioden kan vara för låga")
    har_prognos = huvudbok.har_prognos
    if har_prognos:
        for kod in calc.koder_utan_prognos(ledger, år):
            varningar.append(f"verksamhet {kod}: prognos saknas i exporten; den antas följa budget")
    if float(-calc.årsbelopp(ledger, träd, år, "budget")[TOTAL]) < 0:
        varningar.append(TECKENVARNING)

    har_fg = bool((ledger["år"] == år - 1).any())
    # one row: the row ids are unique
    föregående = cast(pd.Series, calc.ackumulerad_avvikelse(ledger, träd, år - 1, 12).loc[TOTAL]) if har_fg else None
    fg_prognos = None
    if har_fg and ledger.loc[ledger["år"] == år - 1, "prognos"].notna().any():
        fg_prognos = float(calc.prognosavvikelse(ledger, träd, år - 1)[TOTAL])

    prognos = calc.prognosavvikelse(ledger, träd, år) if har_prognos else None
    årsbudget = -calc.årsbelopp(ledger, träd, år, "budget")
    förklaring = bygg_förklaring(ledger, träd, år, månad, volymkopplingar, prognos, årsbudget)
    varningar += förklaring.varningar
    return Ekonomirapport(
        nämnd=nämnd,
        år=år,
        månad=månad,
        träd=träd,
        ackumulerad_avvikelse=calc.ackumulerad_avvikelse(ledger, träd, år, månad),
        årsbudget=årsbudget,
        prognosavvikelse=prognos,
        föregående_år=föregående,
        föregående_år_prognos=fg_prognos,
        nyckeltal=calc.nyckeltal(ledger, träd, år, månad),
        ks=calc.ks_tabell(ledger, år, månad),
        kommentarer=dict(kommentarer or {}),
        varningar=varningar,
        prognoshistorik=prognoshistorik,
        preliminär=preliminär,
        förklaring=förklaring,
    )


ANDELSKOLUMNER = {"Andel av total årsbudget", "Förbrukat av periodbudget", "Förbrukat av årsbudget",
                  "Budget i balans"}


def _vy(namn: str, rubrik: str, df: pd.DataFrame) -> Tabellvy:
    """An ekonomi table: amounts in mnkr with one decimal, shares and changes as percent."""
    format_ = {c: ("procent" if c in ANDELSKOLUMNER or Tabellvy.plustecken(c) else "tal1")
               for c in df.columns if pd.api.types.is_float_dtype(df[c].dtype)}
    return Tabellvy(namn, rubrik, df, None, format_)


def tabeller(r: Ekonomirapport) -> dict[str, Tabellvy]:
    """Every table and chart's data, in mnkr (unrounded) and shares as fractions.

    The keys are the annex's sheet names; the first column of each table is its row label.
    """
    mån = [MÅNADER_KORT[m - 1] for m in MÅNADSNUMMER]
    labels = [r.träd.rad(i).rubrik for i in r.träd.ids] + [f"Ackumulerad budgetavvikelse {r.år}"]
    ack = r.ackumulerad_avvikelse[MÅNADSNUMMER] / MILJON
    ack.columns = mån
    resultat = pd.DataFrame({"Verksamhet": labels, "Nivå": [r.träd.rad(i).nivå for i in r.träd.ids] + [0]})
    resultat = pd.concat([resultat, ack.reset_index(drop=True)], axis=1)
    if r.prognosavvikelse is not None:
        resultat["Prognos"] = (r.prognosavvikelse / MILJON).to_numpy()
    resultat["Årsbudget"] = (r.årsbudget / MILJON).to_numpy()
    resultat["Andel av total årsbudget"] = r.andel_av_årsbudget.to_numpy()
    if r.föregående_år is not None:
        fg = {"Verksamhet": f"Ackumulerad budgetavvikelse {r.år - 1}", "Nivå": 0}
        fg.update({mån[m - 1]: r.föregående_år[m] / MILJON for m in MÅNADSNUMMER})
        if r.prognosavvikelse is not None:
            fg["Prognos"] = np.nan if r.föregående_år_prognos is None else r.föregående_år_prognos / MILJON
        resultat = pd.concat([resultat, pd.DataFrame([fg])], ignore_index=True)

    nt = r.nyckeltal.copy()
    for col in ("nettokostnad", "budget_period", "budgetavvikelse", "årsbudget", "nettokostnad_fg_år"):
        nt[col] = nt[col] / MILJON
    totalrad = labels[:-1] + [f"Totalt {r.nämnd}"]
    nt.insert(0, "Verksamhet", totalrad)
    nt = nt.rename(columns={
        "nettokostnad": f"Nettokostnad {r.period.text} {r.år}",
        "budget_period": f"Budget {r.period.text} {r.år}",
        "budgetavvikelse": "Budgetavvikelse",
        "årsbudget": f"Årsbudget {r.år}",
        "förbrukat_av_periodbudget": "Förbrukat av periodbudget",
        "förbrukat_av_årsbudget": "Förbrukat av årsbudget",
        "nettokostnad_fg_år": f"Nettokostnad {r.period.text} {r.år - 1}",
        "förändring_mot_fg_år": f"Förändring mot {r.år - 1}",
        "budget_i_balans": "Budget i balans",
    }).reset_index(drop=True)

    kort = kort_period(r.månad)
    ks = (r.ks.drop(columns=["utfall_period_fg_år"]) / MILJON).rename(columns={
        "budget_period": f"Budget {kort} {r.år}",
        "utfall_period": f"Utfall {kort} {r.år}",
        "avvikelse_period": f"Budgetavvikelse {kort} {r.år}",
        "avvikelse_period_fg_år": f"Budgetavvikelse {kort} {r.år - 1}",
        "budget_helår": f"Budget helår {r.år}",
        "prognos_helår": f"Prognos helår {r.år}",
        "prognosavvikelse": f"Årsprognos budgetavvikelse {r.år}",
    })
    ks.insert(0, "Rad", ks.index)
    ks = ks.reset_index(drop=True)

    diagram1 = pd.DataFrame({"Månad": mån, str(r.år): ack.loc[TOTAL].to_numpy()})
    if r.föregående_år is not None:
        diagram1[str(r.år - 1)] = (r.föregående_år[MÅNADSNUMMER] / MILJON).to_numpy()
    top = r.träd.toppnivå()
    diagram2 = pd.DataFrame({
        "Verksamhet": [r.träd.rad(i).rubrik for i in top],
        f"Budgetavvikelse {r.period.text} {r.år}": (r.ackumulerad_avvikelse.loc[top, r.månad] / MILJON).to_numpy(),
    })
    vyer = [
        _vy("Ackumulerat resultat", f"Ackumulerat resultat {r.period.text} {r.år} (mnkr)", resultat),
        _vy("Nyckeltal", f"Nyckeltal {r.period.text} {r.år} (mnkr)", nt),
        _vy("Rapport till KS", f"Rapport till kommunstyrelsen {kort} {r.år} (mnkr)", ks),
    ]
    förklaring = ([] if r.förklaring is None else
                  förklaringstabeller(r.förklaring, r.träd, r.år, r.månad, r.nämnd, r.prognosavvikelse, r.årsbudget))
    vyer[1:1] = [v for v in förklaring if v.namn == "Ekonomisk utveckling"]
    utv = r.prognosutveckling()
    if utv is not None:
        t = pd.DataFrame({"Verksamhet": totalrad})
        for m in map(int, utv.columns):  # report months
            t[f"Prognos jan–{MÅNADER_KORT[m - 1]}" if m > 1 else "Prognos jan"] = (utv[m] / MILJON).to_numpy()
        vyer.append(_vy("Prognosens utveckling", "Prognosens utveckling (mnkr)", t))
    mot = r.prognosavvikelse_mot(8)
    if mot is not None:
        vyer.append(_vy("Prognosavvikelse", "Prognosavvikelse (mnkr)", pd.DataFrame({
            "Verksamhet": totalrad,
            f"Budgetavvikelse {r.år}": (mot["budgetavvikelse"] / MILJON).to_numpy(),
            f"Prognos vid rapport jan–aug {r.år}": (mot["prognos"] / MILJON).to_numpy(),
            "Prognosavvikelse": (mot["prognosavvikelse"] / MILJON).to_numpy(),
        })))
    vyer += [v for v in förklaring if v.namn != "Ekonomisk utveckling"]
    vyer.append(_vy("Diagram avvikelse per månad", f"Ackumulerad budgetavvikelse per månad, {r.nämnd}", diagram1))
    vyer.append(_vy("Diagram avvikelse per verks.", f"Budgetavvikelse per verksamhet {r.period.text} {r.år}", diagram2))
    return {v.namn: v for v in vyer}


def kontrollera_kommentarer(kommentarer: dict[str, str], träd: Verksamhetsträd, fil: str) -> dict[str, str]:
    """Match comment headings to row ids or labels; unknown headings are errors (a comment must not vanish)."""
    by_key = {}
    for rad in träd.rader:
        by_key[rad.id.lower()] = rad.id
        by_key[rad.rubrik.lower()] = rad.id
    for special in SÄRSKILDA_KOMMENTARER:
        by_key[special] = special
    out: dict[str, str] = {}
    fel: list[KommunrapportFel] = []
    for rubrik, text in kommentarer.items():
        key = by_key.get(rubrik.strip().lower())
        if key is None:
            fel.append(IndataFel(
                f"rubriken '## {rubrik}' motsvarar ingen rad i mappningen (använd radens id eller rubrik, "
                f"eller {', '.join(SÄRSKILDA_KOMMENTARER)})", Plats(fil)))
        else:
            out[key] = text
    if fel:
        raise IndataFel.samla(fel)
    return out


SÄRSKILDA_KOMMENTARER = ("inledning", "prognos", "investeringar")
