"""The library behind the CLI: call these from a notebook or a script.

    from kommunrapport.api import ekonomirapport, skriv_ekonomirapport
    r = ekonomirapport("examples/ekonomi/ekonomi_2024_2025.xlsx", "examples/ekonomi/verksamheter.csv", månad=2)
    r.avvikelse / 1e6   # 13.3…
    skriv_ekonomirapport(r, "ut/")
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from .formatting import heltal
from .input.comments import läs_kommentarer
from .input.ledger import Tecken, Värden, läs_ekonomi
from .input.mapping import läs_mappning
from .model.period import MÅNADER, MÅNADER_KORT, månadsnamn
from .output import atomisk_mapp
from .reports.ekonomi import Ekonomirapport, bygg_ekonomirapport, kontrollera_kommentarer, tabeller
from .settings import EkonomiInställningar

ANDELSKOLUMNER = {"Andel av total årsbudget", "Förbrukat av periodbudget", "Förbrukat av årsbudget",
                  "Budget i balans"}


def ekonomirapport(
    data: str | Path,
    mappning: str | Path,
    månad: int,
    år: int | None = None,
    nämnd: str = "Nämnden",
    kommentarer: str | Path | None = None,
    tecken: Tecken | str = Tecken.KOSTNAD_POSITIV,
    värden: Värden | str = Värden.MÅNAD,
    blad: str | None = None,
    kolumner: dict[str, str] | None = None,
) -> Ekonomirapport:
    """Load the export and the mapping, validate them, and compute the report for jan..`månad`.

    `data` and `mappning` may also be an already loaded Huvudbok and Verksamhetsträd (read once, use twice).
    """
    träd, huvudbok = _läs(data, mappning, tecken, värden, blad, kolumner)
    komm = {}
    if kommentarer is not None:  # a comments file that was named must exist (läs_kommentarer says so)
        komm = kontrollera_kommentarer(läs_kommentarer(kommentarer), träd, str(kommentarer))
    return bygg_ekonomirapport(huvudbok, träd, månad, år, nämnd, komm)


def _läs(data, mappning, tecken, värden, blad, kolumner):
    from .input.ledger import Huvudbok
    from .input.mapping import Verksamhetsträd

    träd = mappning if isinstance(mappning, Verksamhetsträd) else läs_mappning(mappning)
    huvudbok = data if isinstance(data, Huvudbok) else läs_ekonomi(data, Tecken(tecken), Värden(värden), blad, kolumner)
    return träd, huvudbok


def ekonomirapport_från_inställningar(inst: EkonomiInställningar, månad: int, år: int | None = None,
                                      nämnd: str = "Nämnden") -> Ekonomirapport:
    return ekonomirapport(inst.data, inst.mappning, månad, år, nämnd, inst.kommentarer, inst.tecken,
                          inst.värden, inst.blad, inst.kolumner)


def filnamn(r: Ekonomirapport) -> dict[str, str]:
    stam = f"{r.år}-{r.månad:02d}"
    return {
        "rapport": f"ekonomirapport_{stam}.md",
        "word": f"ekonomirapport_{stam}.docx",
        "bilaga": f"bilaga_ekonomirapport_{stam}.xlsx",
        "diagram_månad": f"diagram_avvikelse_per_manad_{stam}.png",
        "diagram_verksamhet": f"diagram_avvikelse_per_verksamhet_{stam}.png",
    }


def markdown(r: Ekonomirapport, mallmapp: Path | None = None) -> str:
    from .render.markdown import rendera

    t = tabeller(r)
    namn = filnamn(r)
    resultat = t["Ackumulerat resultat"]
    verksamheter = []
    for rad in r.träd.rader:
        verksamheter.append({
            "id": rad.id,
            "rubrik": rad.rubrik,
            "nivå": rad.nivå,
            "avvikelse": r.ackumulerad_avvikelse.loc[rad.id, r.månad] / 1e6,
            "prognos": None if r.prognosavvikelse is None else r.prognosavvikelse[rad.id] / 1e6,
            "kommentar": r.kommentarer.get(rad.id, ""),
        })
    kontext = {
        "nämnd": r.nämnd,
        "år": r.år,
        "månad": r.månad,
        "månadsnamn": månadsnamn(r.månad),
        "period": r.period,
        "inledning": r.inledning(),
        "avvikelse": r.avvikelse / 1e6,
        "avvikelse_fg_år": None if r.avvikelse_fg_år is None else r.avvikelse_fg_år / 1e6,
        "månader": [c for c in resultat.columns if c in {"jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}],
        "har_prognos": r.prognosavvikelse is not None,
        "resultat": resultat.to_dict("records"),
        "nyckeltal": t["Nyckeltal"].to_dict("records"),
        "nyckeltal_kolumner": list(t["Nyckeltal"].columns),
        "ks": t["Rapport till KS"].to_dict("records"),
        "ks_kolumner": list(t["Rapport till KS"].columns),
        "verksamheter": verksamheter,
        "extra_tabeller": [{"rubrik": k, "kolumner": list(t[k].columns), "rader": t[k].to_dict("records")}
                           for k in ("Prognosens utveckling", "Prognosavvikelse") if k in t],
        "kommentarer": r.kommentarer,
        "varningar": r.varningar,
        "andelskolumner": ANDELSKOLUMNER,
        "filer": namn,
    }
    return rendera("ekonomirapport.md.j2", kontext, mallmapp)


def word_kontext(r: Ekonomirapport, doc, diagram: dict[str, Path]) -> dict:
    """What the Word template gets: the same tables as Markdown and the annex, formatted the Swedish way."""
    from .formatting import procent, tal
    from .render.word import bild, fet, lägg_till_tabell, stycke
    from .reports.volymer import Tabellvy

    t = tabeller(r)
    mån = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
    resultat = []
    for rad in t["Ackumulerat resultat"].to_dict("records"):
        resultat.append({
            "namn": fet(str(rad["Verksamhet"]), rad["Nivå"] == 0),
            "m": [tal(rad[m], 1) if rad[m] == rad[m] else "" for m in mån],
            "prognos": tal(rad["Prognos"], 1) if "Prognos" in rad and rad["Prognos"] == rad["Prognos"] else "",
            "årsbudget": tal(rad["Årsbudget"], 1) if rad["Årsbudget"] == rad["Årsbudget"] else "",
            "andel": procent(rad["Andel av total årsbudget"]),
        })
    ks = t["Rapport till KS"]
    sub = doc.new_subdoc()
    vyer = [Tabellvy("Nyckeltal", f"Nyckeltal {r.period} {r.år} (mnkr)", t["Nyckeltal"], None,
                     {c: ("procent" if c in ANDELSKOLUMNER or c.startswith("Förändring") else "tal1")
                      for c in t["Nyckeltal"].columns[1:]})]
    for namn in ("Prognosens utveckling", "Prognosavvikelse"):
        if namn in t:
            vyer.append(Tabellvy(namn, f"{namn} (mnkr)", t[namn], None, {c: "tal1" for c in t[namn].columns[1:]}))
    for vy in vyer:
        lägg_till_tabell(sub, vy)
    verksamheter = []
    for rad in r.träd.rader:
        text = f"Budgetavvikelse {r.period}: {mnkr_text(r.ackumulerad_avvikelse.loc[rad.id, r.månad])} mnkr"
        if r.prognosavvikelse is not None:
            text += f". Prognosavvikelse helår: {mnkr_text(r.prognosavvikelse[rad.id])} mnkr"
        verksamheter.append({"rubrik": rad.rubrik, "sammanfattning": text + ".",
                             "kommentar": stycke(r.kommentarer.get(rad.id, ""))})
    return {
        "nämnd": r.nämnd, "år": r.år, "månad": r.månad, "månadsnamn": månadsnamn(r.månad), "period": r.period,
        "rapportnamn": f"Ekonomirapport t.o.m. {månadsnamn(r.månad)} {r.år}",
        "inledning": r.inledning(),
        "kommentarer": {k: stycke(r.kommentarer.get(k, "")) for k in ("inledning", "prognos", "investeringar")},
        "resultat": resultat,
        "ks_rubriker": list(ks.columns[1:]),
        "ks": [{"namn": rec[0], "v": [tal(v, 1) if v == v else "" for v in rec[1:]]} for rec in ks.itertuples(index=False)],
        "nyckeltal": sub,
        "verksamheter": verksamheter,
        "diagram_manad": bild(doc, diagram["diagram_månad"]),
        "diagram_verksamhet": bild(doc, diagram["diagram_verksamhet"]),
    }


def mnkr_text(kr: float) -> str:
    from .formatting import mnkr

    return mnkr(kr, tecken=True)


def _json_värde(v):
    """A cell as JSON: NaN and infinity become null, numpy scalars plain numbers."""
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return v


def som_json(r: Ekonomirapport) -> str:
    """Key figures and every table as JSON (amounts in mnkr, unrounded; shares as fractions)."""
    clean = _json_värde
    t = tabeller(r)
    nt = r.nyckeltal.loc["total"]
    doc = {
        "nämnd": r.nämnd,
        "år": r.år,
        "månad": r.månad,
        "period": r.period,
        "enhet": "mnkr",
        "nyckeltal": {
            "budgetavvikelse": r.avvikelse / 1e6,
            "budgetavvikelse_fg_år": None if r.avvikelse_fg_år is None else r.avvikelse_fg_år / 1e6,
            "prognos": None if r.prognosavvikelse is None else float(r.prognosavvikelse["total"]) / 1e6,
            "årsbudget": float(r.årsbudget["total"]) / 1e6,
            "nettokostnad": nt["nettokostnad"] / 1e6,
            "budget_period": nt["budget_period"] / 1e6,
            "förbrukat_av_periodbudget": nt["förbrukat_av_periodbudget"],
            "förbrukat_av_årsbudget": nt["förbrukat_av_årsbudget"],
            "förändring_mot_fg_år": nt["förändring_mot_fg_år"],
            "budget_i_balans": nt["budget_i_balans"],
        },
        "inledning": r.inledning(),
        "tabeller": {k: [{c: clean(v) for c, v in rec.items()} for rec in df.to_dict("records")] for k, df in t.items()},
        "varningar": r.varningar,
    }
    doc["nyckeltal"] = {k: clean(float(v)) if v is not None else None for k, v in doc["nyckeltal"].items()}
    return json.dumps(doc, ensure_ascii=False, indent=2)


def skriv_ekonomirapport(r: Ekonomirapport, ut: str | Path, mallmapp: Path | None = None,
                         källa: str = "") -> list[Path]:
    """Write the Markdown report, the two charts and the Excel annex into `ut`, atomically."""
    from .render.annex import skriv_bilaga
    from .render.charts import linjediagram_per_månad, stapeldiagram
    from .render.word import mallsökväg, rendera_word

    namn = filnamn(r)
    t = tabeller(r)
    text = markdown(r, mallmapp)  # render first: a template error writes nothing
    with atomisk_mapp(ut) as stage:
        (stage / namn["rapport"]).write_text(text, encoding="utf-8")
        d1 = t["Diagram avvikelse per månad"]
        linjediagram_per_månad(d1, f"Ackumulerad budgetavvikelse per månad, {r.nämnd}", "mnkr",
                               stage / namn["diagram_månad"])
        d2 = t["Diagram avvikelse per verks."]
        stapeldiagram(list(d2.iloc[:, 0]), list(d2.iloc[:, 1]),
                      f"Budgetavvikelse per verksamhet {r.period} {r.år}", "mnkr",
                      stage / namn["diagram_verksamhet"])
        info = {
            "Rapport": f"Ekonomirapport t.o.m. {MÅNADER[r.månad - 1]} {r.år}",
            "Nämnd": r.nämnd,
            "Enhet": "mnkr (miljoner kronor), + är bättre än budget; andelar i procent",
            "Underlag": källa,
        }
        skriv_bilaga(t, info, stage / namn["bilaga"], ANDELSKOLUMNER)
        rendera_word(mallsökväg("ekonomirapport.docx", mallmapp),
                     lambda doc: word_kontext(r, doc, {k: stage / namn[k] for k in ("diagram_månad", "diagram_verksamhet")}),
                     stage / namn["word"])
    ut = Path(ut)
    return [ut / n for n in namn.values()]


# --- validera -------------------------------------------------------------------------------------

@dataclass
class Validering:
    """What `kommunrapport validera` found in one file."""

    fil: str
    beskrivning: list[str] = field(default_factory=list)
    varningar: list[str] = field(default_factory=list)
    fel: list[str] = field(default_factory=list)

    @property
    def slutkod(self) -> int:
        return 2 if self.fel else 1 if self.varningar else 0


def _månader_text(månader) -> str:
    ms = sorted(set(int(m) for m in månader))
    if ms == list(range(ms[0], ms[-1] + 1)):
        return MÅNADER_KORT[ms[0] - 1] if len(ms) == 1 else f"{MÅNADER_KORT[ms[0] - 1]}–{MÅNADER_KORT[ms[-1] - 1]}"
    return ", ".join(MÅNADER_KORT[m - 1] for m in ms)


def _volymläsare() -> dict:
    from .input.volumes import läs_bistånd, läs_hemtjänst, läs_placeringar
    from .reports.ks import läs_investeringar

    return {"hemtjänst": läs_hemtjänst, "placeringar": läs_placeringar, "ekonomiskt bistånd": läs_bistånd,
            "investeringar": läs_investeringar}


def validera(fil: str | Path, mappning: str | Path | None = None, tecken: Tecken | str = Tecken.KOSTNAD_POSITIV,
             värden: Värden | str = Värden.MÅNAD, blad: str | None = None) -> Validering:
    """Load a file as the reports would and describe it; every problem lands in `fel`, never raised."""
    from .errors import IngenRubrikrad, KommunrapportFel
    from .input.series import läs_serier
    from .reports.ekonomi import koppla_rader

    v = Validering(str(fil))
    try:
        try:
            huvudbok = läs_ekonomi(fil, Tecken(tecken), Värden(värden), blad)
        except IngenRubrikrad:
            huvudbok = None
        if huvudbok is not None:
            d = huvudbok.data
            t = huvudbok.tabell
            v.beskrivning.append(f"dataset: ekonomi (långt format), {heltal(len(d))} rader"
                                 + (f", blad '{t.blad}'" if t.blad else ""))
            for år, g in d.groupby("år"):
                med_utfall = g.loc[g["utfall"].abs() > 0.005, "månad"]
                text = f"{år}: månader {_månader_text(g['månad'])}"
                if len(med_utfall):
                    text += f", utfall t.o.m. {MÅNADER[int(med_utfall.max()) - 1]}"
                v.beskrivning.append(text)
            v.beskrivning.append(f"verksamheter: {d['verksamhet'].nunique()}"
                                 + (f", konton: {d['konto'].nunique()}" if (d["konto"] != "").any() else "")
                                 + (", prognos: ja" if huvudbok.har_prognos else ", prognos: nej"))
            if mappning is not None:
                träd = läs_mappning(mappning)
                koppla_rader(huvudbok, träd)
                v.beskrivning.append(f"alla verksamheter finns i {mappning} ({len(träd.rader)} rapportrader)")
            v.varningar += huvudbok.varningar
            return v
        for namn, läs in _volymläsare().items():
            try:
                data = läs(fil, blad=blad)
            except IngenRubrikrad:
                continue
            if namn == "investeringar":
                d = data.data
                v.beskrivning.append(f"dataset: investeringar (långt format), {heltal(len(d))} rader, "
                                     f"{d['projekt'].nunique()} projekt, år {d['år'].min()}–{d['år'].max()}")
            else:
                d = data.serier
                v.beskrivning.append(f"dataset: {namn} (långt format), {d['serie'].nunique()} serier, "
                                     f"{heltal(len(d))} månadsvärden")
                sista = d.sort_values(["år", "månad"]).iloc[-1]
                v.beskrivning.append(f"år {d['år'].min()}–{d['år'].max()}, senaste månad "
                                     f"{MÅNADER[int(sista['månad']) - 1]} {int(sista['år'])}")
            v.varningar += data.varningar
            return v
        try:
            serier = läs_serier(fil, blad)
        except IngenRubrikrad as exc:
            raise KommunrapportFel(
                "känner inte igen filen: varken en ekonomiexport (kolumnerna verksamhet, utfall, budget), "
                "en export av hemtjänst, placeringar, ekonomiskt bistånd eller investeringar, eller en tabell "
                "med månader som kolumner eller rader", exc.plats) from None
        d = serier.data
        t = serier.tabell
        v.beskrivning.append(f"dataset: månadsserier ({serier.layout}), {d['serie'].nunique()} serier, "
                             f"{heltal(len(d))} värden" + (f", blad '{t.blad}'" if t.blad else ""))
        for namn, g in d.groupby("serie", sort=False):
            sista = g.sort_values(["år", "månad"]).iloc[-1]
            v.beskrivning.append(f"{namn}: {g['år'].min()}–{g['år'].max()}, senaste månad "
                                 f"{MÅNADER[int(sista['månad']) - 1]} {int(sista['år'])}")
        n_ok = sum(k.stämmer for k in serier.kontroller)
        if serier.kontroller:
            v.beskrivning.append(f"kontrollerade summor och medel: {n_ok} av {len(serier.kontroller)} stämmer")
        v.varningar += serier.varningar
    except KommunrapportFel as exc:
        from .errors import IndataFel

        v.fel += [str(e) for e in (exc.alla if isinstance(exc, IndataFel) else [exc])]
    return v


# --- volymer --------------------------------------------------------------------------------------

OMRÅDEN = ("hemtjanst", "placeringar", "bistand", "serier")


def läs_volymdata(hemtjanst=None, placeringar=None, bistand=None, serier=(), slag=None, områden=None,
                  kolumner=None) -> list:
    """Load every volume dataset given (paths); `områden` limits which areas are loaded.

    `kolumner` maps a field (beviljade, utförda, brukare, regi, utförare, vårddygn, placerade,
    kostnad, målgrupp, insats, utbetalt, hushåll, långvariga, barn, beslutsorsak, år, månad) to
    the export's own header.
    """
    from .input.volumes import läs_bistånd, läs_hemtjänst, läs_placeringar, läs_volymserier

    vill = set(områden or OMRÅDEN)
    data = []
    if hemtjanst and "hemtjanst" in vill:
        data.append(läs_hemtjänst(hemtjanst, kolumner=kolumner))
    if placeringar and "placeringar" in vill:
        data.append(läs_placeringar(placeringar, kolumner=kolumner))
    if bistand and "bistand" in vill:
        data.append(läs_bistånd(bistand, kolumner=kolumner))
    if "serier" in vill:
        data += [läs_volymserier(p, slag) for p in serier]
    return data


def volymrapport(data: list, månad: int, år: int | None = None):
    """The volume report for jan..`månad` from loaded datasets (see läs_volymdata)."""
    from .reports.volymer import bygg_volymrapport

    return bygg_volymrapport(data, månad, år)


def volym_markdown(r, nämnd: str = "", kommentarer: dict[str, str] | None = None, mallmapp: Path | None = None) -> str:
    from .render.markdown import rendera

    return rendera("volymrapport.md.j2", {
        "nämnd": nämnd, "år": r.år, "månad": r.månad, "månadsnamn": månadsnamn(r.månad), "period": r.period,
        "avsnitt": r.avsnitt, "varningar": r.varningar, "kommentarer": {k.lower(): v for k, v in (kommentarer or {}).items()},
    }, mallmapp)


def volym_json(r) -> str:
    clean = _json_värde
    doc = {
        "år": r.år, "månad": r.månad, "period": r.period,
        "avsnitt": [{
            "område": a.område, "källa": a.källa,
            "tabeller": {t.namn: [{c: clean(v) for c, v in rec.items()} for rec in t.data.to_dict("records")]
                         for t in a.tabeller},
            "varningar": a.varningar,
        } for a in r.avsnitt],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def skriv_volymrapport(r, ut: str | Path, nämnd: str = "", kommentarer: dict[str, str] | None = None,
                       mallmapp: Path | None = None) -> list[Path]:
    """Write the volume report (Markdown), its charts and the Excel annex into `ut`, atomically."""
    from .render.annex import skriv_vyer
    from .render.charts import linjediagram_per_månad, stapeldiagram_jämförelse
    from .render.word import mallsökväg, rendera_word

    stam = f"{r.år}-{r.månad:02d}"
    rapport, bilaga, word = (f"volymrapport_{stam}.md", f"bilaga_volymrapport_{stam}.xlsx",
                             f"volymrapport_{stam}.docx")
    text = volym_markdown(r, nämnd, kommentarer, mallmapp)
    written = [rapport, bilaga, word]
    with atomisk_mapp(ut) as stage:
        (stage / rapport).write_text(text, encoding="utf-8")
        for a in r.avsnitt:
            for d in a.diagram:
                if d.typ == "linje":
                    linjediagram_per_månad(d.data, d.titel, "", stage / d.filnamn, decimaler=0, nollinje=False)
                else:
                    stapeldiagram_jämförelse(d.data, d.titel, stage / d.filnamn)
                written.append(d.filnamn)
        info = {"Rapport": f"Volymer t.o.m. {MÅNADER[r.månad - 1]} {r.år}", "Nämnd": nämnd,
                "Underlag": ", ".join(a.källa for a in r.avsnitt),
                "Beräkning": "flöden summeras över perioden, stockar är medelvärden per månad"}
        skriv_vyer([t for a in r.avsnitt for t in a.tabeller], info, stage / bilaga)
        rendera_word(mallsökväg("volymrapport.docx", mallmapp),
                     lambda doc: volym_word_kontext(r, doc, stage, nämnd, kommentarer), stage / word)
    return [Path(ut) / n for n in written]


def volym_word_kontext(r, doc, mapp: Path, nämnd: str, kommentarer: dict[str, str] | None) -> dict:
    from docx.shared import Cm

    from .render.word import lägg_till_tabell, stycke

    komm = {k.lower(): v for k, v in (kommentarer or {}).items()}
    sub = doc.new_subdoc()
    for a in r.avsnitt:
        sub.add_paragraph(a.område, style="Heading 1")
        for t in a.tabeller:
            lägg_till_tabell(sub, t)
        for d in a.diagram:
            sub.add_picture(str(mapp / d.filnamn), width=Cm(13))
        if komm.get(a.område.lower()):
            sub.add_paragraph(stycke(komm[a.område.lower()]))
    if r.varningar:
        sub.add_paragraph("Att kontrollera", style="Heading 1")
        for v in r.varningar:
            sub.add_paragraph(v, style="List Bullet")
    return {"nämnd": nämnd, "år": r.år, "månad": r.månad, "månadsnamn": månadsnamn(r.månad), "period": r.period,
            "rapportnamn": f"Volymer t.o.m. {månadsnamn(r.månad)} {r.år}", "innehåll": sub}


# --- init -----------------------------------------------------------------------------------------

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

    from .errors import KommunrapportFel
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


# --- rapport till kommunstyrelsen -------------------------------------------------------------------

def ks_rapport(data, mappning, månad: int, år: int | None = None, nämnd: str = "Nämnden",
               tecken=Tecken.KOSTNAD_POSITIV, värden=Värden.MÅNAD, blad=None, kolumner=None,
               investeringar: str | Path | None = None, historik: str | Path | None = None,
               prognos_aug: dict[str, float] | None = None):
    """The report to kommunstyrelsen (jan–apr, jan–aug or jan–dec) from the ekonomi export and, optionally,
    an investment export (år, månad, projekt, utfall, budget, prognos). In December the forecast given at
    jan–aug is `prognos_aug`, or read from the `historik` database."""
    from . import history
    from .errors import Plats
    from .reports.ekonomi import kontrollera_stängd, koppla_rader
    from .reports.ks import bygg_ks_rapport, läs_investeringar

    träd, huvudbok = _läs(data, mappning, tecken, värden, blad, kolumner)
    ledger = koppla_rader(huvudbok, träd)
    år = int(år if år is not None else ledger["år"].max())
    kontrollera_stängd(ledger, år, månad, Plats(huvudbok.tabell.fil, huvudbok.tabell.blad))
    inv = läs_investeringar(investeringar, Tecken(tecken)) if investeringar else None
    if prognos_aug is None and historik is not None and månad == 12:
        prognos_aug = history.ks_prognos(historik, f"{år}-08")
    return bygg_ks_rapport(ledger, år, månad, nämnd, prognos_aug, inv, huvudbok.varningar)


def skriv_ks_rapport(r, ut: str | Path, mallmapp: Path | None = None) -> list[Path]:
    """Write rapport_till_ks_ÅÅÅÅ-MM.md/.docx and its Excel annex into `ut`, atomically."""
    from .render.annex import skriv_vyer
    from .render.markdown import rendera
    from .render.word import lägg_till_tabell, mallsökväg, rendera_word

    stam = f"{r.år}-{r.månad:02d}"
    namn = [f"rapport_till_ks_{stam}.md", f"rapport_till_ks_{stam}.docx", f"bilaga_rapport_till_ks_{stam}.xlsx"]
    kontext = {"nämnd": r.nämnd, "år": r.år, "månad": r.månad, "period": r.period,
               "rapportnamn": f"Rapport till kommunstyrelsen {r.period} {r.år}",
               "tabeller": r.tabeller, "varningar": r.varningar}
    text = rendera("rapport_till_ks.md.j2", kontext, mallmapp)

    def word(doc):
        sub = doc.new_subdoc()
        for t in r.tabeller:
            lägg_till_tabell(sub, t)
        if r.varningar:
            sub.add_paragraph("Att kontrollera", style="Heading 2")
            for v in r.varningar:
                sub.add_paragraph(v, style="List Bullet")
        return {**kontext, "tabeller": sub}

    with atomisk_mapp(ut) as stage:
        (stage / namn[0]).write_text(text, encoding="utf-8")
        rendera_word(mallsökväg("rapport_till_ks.docx", mallmapp), word, stage / namn[1])
        skriv_vyer(r.tabeller, {"Rapport": kontext["rapportnamn"], "Nämnd": r.nämnd,
                                "Enhet": "mnkr; intäkter +, kostnader och investeringar −"}, stage / namn[2])
    return [Path(ut) / n for n in namn]
