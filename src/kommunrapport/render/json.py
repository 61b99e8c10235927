"""Reports as JSON (`--json`): amounts in mnkr, unrounded; shares as fractions; NaN as null."""

from __future__ import annotations

import json
import math
from typing import Any

from ..reports.ekonomi import Ekonomirapport, tabeller
from ..reports.forklaring import mening
from ..reports.ks import KSRapport
from ..reports.volymer import Volymrapport


def _json_värde(v: object) -> object:
    """A cell as JSON: NaN and infinity become null, numpy scalars plain numbers."""
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return v


def _preliminär(skäl: list[str] | None) -> dict:
    """'preliminär': true and the reasons, only for a month that is not closed (closed months' JSON is as before)."""
    return {"preliminär": True, "preliminär_skäl": list(skäl)} if skäl else {}


def _förklaring(r: Ekonomirapport) -> dict[str, Any]:
    """The sentences of the volume and price effects (row id -> sentence) and the warnings where the
    controller's forecast lies outside the proposal's range (the tables are under "tabeller")."""
    if r.förklaring is None:
        return {}
    return {
        "volym_och_pris": {e.rad: mening(e, r.år, r.månad) for e in r.förklaring.effekter if e.resultat.effekter},
        "prognosvarningar": list(r.förklaring.prognosvarningar),
    }


def ekonomi_json(r: Ekonomirapport) -> str:
    """Key figures and every table as JSON (amounts in mnkr, unrounded; shares as fractions)."""
    clean = _json_värde
    t = {namn: vy.data for namn, vy in tabeller(r).items()}
    nt = r.nyckeltal.loc["total"]
    doc: dict[str, Any] = {
        "nämnd": r.nämnd,
        "år": r.år,
        "månad": r.månad,
        "period": r.period.text,
        "enhet": "mnkr",
        **_preliminär(r.preliminär),
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
        **_förklaring(r),
    }
    doc["nyckeltal"] = {k: clean(float(v)) if v is not None else None for k, v in doc["nyckeltal"].items()}
    return json.dumps(doc, ensure_ascii=False, indent=2)


def _maskerad_rad(rec: dict) -> dict:
    """A row of the public version: a masked cell is null, and the row names it under "maskerad" with its
    mark ({"jan–feb 2025": "<5", "Förändring": "–"})."""
    from ..reports.maskering import Maskerad

    maskerade = {c: str(v) for c, v in rec.items() if isinstance(v, Maskerad)}
    rad = {c: None if isinstance(v, Maskerad) else _json_värde(v) for c, v in rec.items()}
    return rad | {"maskerad": maskerade} if maskerade else rad


def volym_json(r: Volymrapport, preliminär: list[str] | None = None) -> str:
    """The volume report as JSON; `preliminär` (the reasons) marks a month that is not closed. In the public
    version (r.maskering) a masked cell is null and its row says so under "maskerad"."""
    doc = {
        "år": r.år, "månad": r.månad, "period": r.period.text, **_preliminär(preliminär),
        **({"maskering": r.maskering} if r.maskering else {}),
        "avsnitt": [{
            "område": a.område, "källa": a.källa,
            "tabeller": {t.namn: [_maskerad_rad(rec) for rec in t.data.to_dict("records")] for t in a.tabeller},
            "varningar": a.varningar,
        } for a in r.avsnitt],
        "serier": [] if r.serier is None else [_maskerad_rad(rec) for rec in r.serier.data.to_dict("records")],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def ks_json(r: KSRapport) -> str:
    """The report to kommunstyrelsen as JSON: every table (mnkr, result sign) and the warnings."""
    clean = _json_värde
    doc = {
        "nämnd": r.nämnd, "år": r.år, "månad": r.månad, "period": r.period.kort, "enhet": "mnkr",
        "tabeller": {t.namn: [{c: clean(v) for c, v in rec.items()} for rec in t.data.to_dict("records")]
                     for t in r.tabeller},
        "varningar": r.varningar,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)
