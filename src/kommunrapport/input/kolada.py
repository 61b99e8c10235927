"""Key figures from Kolada (RKA's open database of municipal KPIs): its open API v3, or a downloaded file.

The API (https://api.kolada.se/v3, no key, no agreement; the terms ask for "Källa: Kolada"):

    /kpi/{id,…}                                   the KPIs' metadata (title); an unknown id is absent
    /municipality/{id,…}                          municipalities (id, title, type); 0000 is Riket
    /municipality_groups/{id}                     a group (id, title, members: [{member_id, member_title}])
    /data/kpi/{id}/municipality/{id,…}/year/{år,…}
        {"count": n, "values": [{"kpi", "municipality", "period", "values": [{"gender", "value", …}]}],
         "next_url": url of the next page or null}

Every call here goes through `Klient`: at most MAX_KOMMUNER municipalities in one URL (the API answers 422
to long lists), a pause between calls, retries on 429 (honouring Retry-After) and on 5xx with backoff, a
timeout, and a cache on disk: a response once fetched is read from the cache (a report is reproducible and
works offline) until `förnya` asks for fresh ones. Only the standard library is used (urllib).

A file instead of the API: the JSON the data URL answers (saved from a browser; one response, or a list
of them), or a CSV with one row per key figure, municipality and year (kpi;kommun;år;värde).
"""

from __future__ import annotations

import csv
import email.utils
import hashlib
import io
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from ..errors import IndataFel, KommunrapportFel, Plats

BAS_URL = "https://api.kolada.se/v3"
RIKET = "0000"
MAX_KOMMUNER = 20  # municipalities in one data URL
MAX_VÄNTAN = 120.0  # seconds: a longer Retry-After is not waited for
PAUS = 0.5  # seconds between two calls to Kolada: a polite rate (at most two calls a second)
FILRÅD = ("ladda ner nyckeltalen från Kolada på en dator med internet och ange filen med --fil eller "
          "[kolada] fil (se README, avsnittet Jämförelse med andra kommuner)")


class KoladaFel(KommunrapportFel):
    """Kolada cannot be reached or answers what cannot be used (exit code 2, a Swedish message)."""


class KpiSaknas(Exception):
    """A KPI id Kolada does not know (removed, or mistyped): said as a warning, the rest is still made."""


@dataclass
class Klient:
    """HTTP GET against Kolada with a disk cache, a pause between calls and retries (see the module doc)."""

    bas_url: str = BAS_URL
    cache: Path | None = None
    förnya: bool = False  # fetch again even when the cache has the response
    bara_cache: bool = False  # never the network: only what the cache holds (the volume report)
    paus: float = PAUS  # seconds between two calls to the server
    timeout: float = 30.0
    försök: int = 5  # calls for one URL before giving up on 429 or 5xx
    sov: Callable[[float], None] = time.sleep
    anrop: int = 0  # calls made to the server (not the cache)
    från_cache: int = 0
    _senast: float | None = field(default=None, repr=False)

    def url(self, väg: str) -> str:
        return self.bas_url.rstrip("/") + "/" + väg.lstrip("/")

    def _cachefil(self, url: str) -> Path | None:
        if self.cache is None:
            return None
        return self.cache / (hashlib.sha256(url.encode()).hexdigest()[:24] + ".json")

    def hämta(self, url: str) -> dict:
        """The JSON answer for `url`: from the cache if it holds it (unless `förnya`), else from the server.

        A 404 raises KpiSaknas (the caller knows which KPI); no network raises KoladaFel with advice."""
        fil = self._cachefil(url)
        if fil is not None and fil.exists() and not self.förnya:
            try:
                post = json.loads(fil.read_text(encoding="utf-8"))
                if post.get("url") == url:
                    self.från_cache += 1
                    return post["svar"]
            except (ValueError, KeyError, OSError):
                pass  # a broken cache file is fetched again
        if self.bara_cache:
            raise KoladaFel(f"Kolada-svaret finns inte i cachen {self.cache} ({url}); kör först "
                            "`kommunrapport kolada` (med samma konfiguration), eller ange en nedladdad fil med "
                            "[kolada] fil")
        svar = self._från_servern(url)
        if fil is not None:
            try:
                fil.parent.mkdir(parents=True, exist_ok=True)
                tmp = fil.with_suffix(".tmp")
                tmp.write_text(json.dumps({"url": url, "hämtad": datetime.now(UTC).isoformat(timespec="seconds"),
                                           "svar": svar}, ensure_ascii=False), encoding="utf-8")
                tmp.replace(fil)
            except OSError as exc:
                from ..errors import skrivfel

                raise skrivfel(exc, f"Koladas cache {self.cache}") from exc
        return svar

    def _vänta_på_tur(self) -> None:
        if self._senast is not None and self.paus > 0:
            kvar = self.paus - (time.monotonic() - self._senast)
            if kvar > 0:
                self.sov(kvar)

    def _från_servern(self, url: str) -> dict:
        värd = urllib.parse.urlsplit(url).netloc or url
        for försök in range(1, self.försök + 1):
            self._vänta_på_tur()
            self.anrop += 1
            try:
                req = urllib.request.Request(url, headers={"Accept": "application/json",
                                                           "User-Agent": "kommunrapport (Kolada-jämförelser)"})
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    data = resp.read()
                self._senast = time.monotonic()
            except urllib.error.HTTPError as exc:
                self._senast = time.monotonic()
                if exc.code == 404:
                    raise KpiSaknas(url) from None
                if exc.code == 429 or exc.code >= 500:
                    if försök == self.försök:
                        raise KoladaFel(f"Kolada ({värd}) svarar {exc.code} "
                                        f"{'(för många anrop)' if exc.code == 429 else '(fel hos Kolada)'} "
                                        f"också efter {self.försök} försök; försök igen senare, eller {FILRÅD}") from None
                    self.sov(_väntetid(exc.headers.get("Retry-After"), försök))
                    continue
                raise KoladaFel(f"Kolada ({värd}) svarar {exc.code} på {url}"
                                f"{' (för många id:n i ett anrop?)' if exc.code == 422 else ''}") from None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                orsak = getattr(exc, "reason", exc)
                raise KoladaFel(
                    f"kan inte nå Kolada ({värd}): {orsak}. Att hämta nyckeltal direkt kräver att datorn som kör "
                    f"kommunrapport når internet ({värd} över https); utan det: {FILRÅD}") from None
            try:
                svar = json.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise KoladaFel(f"Kolada ({värd}) svarade inte med JSON på {url}") from None
            if not isinstance(svar, dict):
                raise KoladaFel(f"Kolada ({värd}) svarade med något annat än ett JSON-objekt på {url}")
            return svar
        raise AssertionError("unreachable")  # pragma: no cover

    def sidor(self, url: str) -> list[dict]:
        """Every record of a paged answer: the "values" of each page, following "next_url" until it is null."""
        värden: list[dict] = []
        sedda: set[str] = set()
        nästa: str | None = url
        while nästa and nästa not in sedda:
            sedda.add(nästa)
            svar = self.hämta(nästa)
            sida = svar.get("values") or []
            värden += [v for v in sida if isinstance(v, dict)]
            länk = svar.get("next_url") if sida else None
            nästa = urllib.parse.urljoin(nästa, länk) if isinstance(länk, str) and länk else None
        return värden


HÄMTNINGAR = "hamtningar.json"  # in the cache: the years and date of each configuration's last fetch


def hämtningsnyckel(bas_url: str, kommun: str, jämförelse: list[str], kpi: list[str]) -> str:
    """What identifies a configuration's fetch in the cache (not the years: they follow the date of the fetch)."""
    return hashlib.sha256(json.dumps([bas_url.rstrip("/"), kommun, jämförelse, kpi]).encode()).hexdigest()[:24]


def senaste_hämtning(cache: Path | None, nyckel: str) -> dict | None:
    """{"år": [...], "hämtad": "2026-12-02"} of the last fetch of this configuration, or None."""
    if cache is None or not (cache / HÄMTNINGAR).exists():
        return None
    try:
        post = json.loads((cache / HÄMTNINGAR).read_text(encoding="utf-8")).get(nyckel)
    except (ValueError, OSError, AttributeError):
        return None
    return post if isinstance(post, dict) and isinstance(post.get("år"), list) else None


def spara_hämtning(cache: Path, nyckel: str, år: list[int], hämtad: str) -> None:
    """Remember the years and date of this fetch, so the next run (next year, offline) reads the same answers."""
    fil = cache / HÄMTNINGAR
    try:
        alla = json.loads(fil.read_text(encoding="utf-8")) if fil.exists() else {}
    except (ValueError, OSError):
        alla = {}
    alla[nyckel] = {"år": sorted(år), "hämtad": hämtad}
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = fil.with_suffix(".tmp")
        tmp.write_text(json.dumps(alla, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(fil)
    except OSError as exc:
        from ..errors import skrivfel

        raise skrivfel(exc, f"Koladas cache {cache}") from exc


def _väntetid(retry_after: str | None, försök: int) -> float:
    """Seconds to wait before the next try: Retry-After (seconds or an HTTP date), else 1, 2, 4, 8 … s."""
    if retry_after:
        text = retry_after.strip()
        try:
            return min(max(float(text), 0.0), MAX_VÄNTAN)
        except ValueError:
            try:
                när = email.utils.parsedate_to_datetime(text)
                return min(max((när - datetime.now(UTC)).total_seconds(), 0.0), MAX_VÄNTAN)
            except (TypeError, ValueError):
                pass
    return min(2.0 ** (försök - 1), MAX_VÄNTAN)


def _block(ids: list[str], n: int = MAX_KOMMUNER) -> Iterable[list[str]]:
    for i in range(0, len(ids), n):
        yield ids[i:i + n]


@dataclass
class Koladadata:
    """Key figures for a kommun, its comparison group and Riket: tidy values plus the names to show."""

    värden: pd.DataFrame  # kpi, kommun (id), år, värde; gender total only
    kommun: str
    grupp: list[str]  # the comparison group's municipality ids (without the kommun)
    gruppnamn: str
    nyckeltal: dict[str, str]  # KPI id → title, in the order asked for
    namn: dict[str, str]  # municipality id → name
    källa: str  # "Kolada (api.kolada.se/v3), hämtat …" or the file
    varningar: list[str] = field(default_factory=list)


def tom_värdetabell() -> pd.DataFrame:
    return pd.DataFrame({"kpi": pd.Series(dtype=str), "kommun": pd.Series(dtype=str),
                         "år": pd.Series(dtype=int), "värde": pd.Series(dtype=float)})


def _värderader(poster: Iterable[dict]) -> list[dict]:
    """API records → rows (kpi, kommun, år, värde) for the total (gender T, or a record without gender)."""
    rader = []
    for p in poster:
        try:
            kpi, kommun, år = str(p["kpi"]), str(p["municipality"]), int(p["period"])
        except (KeyError, TypeError, ValueError):
            continue
        for v in p.get("values") or []:
            if not isinstance(v, dict) or v.get("gender") not in (None, "T"):
                continue
            värde = v.get("value")
            if värde is None or v.get("isdeleted"):
                continue
            rader.append({"kpi": kpi, "kommun": kommun, "år": år, "värde": float(värde)})
    return rader


def _grupp(j: str) -> bool:
    """A comparison item that names a group ("G37411") rather than a municipality ("2480")."""
    return j[:1].upper() == "G"


def hämta_kolada(klient: Klient, kommun: str, jämförelse: list[str], kpi: list[str], år: list[int]) -> Koladadata:
    """Fetch the KPIs for the kommun, the comparison group (group ids or municipality ids) and Riket.

    A KPI Kolada does not know, or one without any value, is a warning; the others are still fetched."""
    varningar: list[str] = []
    nyckeltal: dict[str, str] = {k: k for k in kpi}
    try:
        for block in _block(kpi):
            for m in klient.sidor(klient.url(f"kpi/{','.join(block)}")):
                if str(m.get("id")) in nyckeltal and m.get("title"):
                    nyckeltal[str(m["id"])] = str(m["title"])
        kända = {k for k, t in nyckeltal.items() if t != k}
    except KpiSaknas:
        kända = set(kpi)  # no metadata: the data calls decide
    namn: dict[str, str] = {RIKET: "Riket"}
    medlemmar: list[str] = []
    gruppnamn: list[str] = []
    for j in jämförelse:
        if _grupp(j):
            try:
                svar = klient.hämta(klient.url(f"municipality_groups/{j}"))
            except KpiSaknas:
                raise KoladaFel(f"kommungruppen '{j}' finns inte i Kolada ([kolada] jamforelse)") from None
            grupper = svar.get("values") if isinstance(svar.get("values"), list) else [svar]
            if not grupper or not grupper[0].get("members"):
                raise KoladaFel(f"kommungruppen '{j}' finns inte i Kolada eller saknar medlemmar ([kolada] jamforelse)")
            g = grupper[0]
            gruppnamn.append(str(g.get("title") or j))
            for m in g["members"]:
                mid = str(m.get("member_id") or m.get("id") or "")
                if mid:
                    medlemmar.append(mid)
                    namn.setdefault(mid, str(m.get("member_title") or m.get("title") or mid))
        else:
            medlemmar.append(j)
    grupp = list(dict.fromkeys(m for m in medlemmar if m not in (kommun, RIKET)))
    okända_namn = [m for m in [kommun, *grupp] if m not in namn]
    for block in _block(okända_namn):
        try:
            for m in klient.sidor(klient.url(f"municipality/{','.join(block)}")):
                namn[str(m.get("id"))] = str(m.get("title") or m.get("id"))
        except KpiSaknas:
            pass
    if kommun not in namn:
        namn[kommun] = kommun
    for kod in grupp:
        namn.setdefault(kod, kod)
    alla = [kommun, RIKET, *grupp]
    rader: list[dict] = []
    årtext = ",".join(str(a) for a in sorted(år))
    for k in kpi:
        if k not in kända:
            varningar.append(f"nyckeltalet {k} finns inte i Kolada (borttaget eller fel id i [kolada] kpi); "
                             "det saknas i jämförelsen, övriga nyckeltal redovisas")
            continue
        try:
            egna = []
            for block in _block(alla):
                egna += _värderader(klient.sidor(klient.url(f"data/kpi/{k}/municipality/{','.join(block)}/year/{årtext}")))
        except KpiSaknas:
            varningar.append(f"nyckeltalet {k} finns inte i Kolada (borttaget eller fel id i [kolada] kpi); "
                             "det saknas i jämförelsen, övriga nyckeltal redovisas")
            continue
        if not egna:
            varningar.append(f"nyckeltalet {k} ({nyckeltal[k]}) har inga värden i Kolada för åren {årtext}")
        rader += egna
    värden = pd.DataFrame(rader) if rader else tom_värdetabell()
    värd = urllib.parse.urlsplit(klient.bas_url)
    källa = f"Kolada ({värd.netloc}{värd.path})"
    return Koladadata(värden, kommun, grupp, " + ".join(gruppnamn) or "Jämförelsekommuner", nyckeltal, namn,
                      källa, varningar)


# --- a downloaded file ------------------------------------------------------------------------------------

KOLUMNER = {
    "kpi": ("kpi", "nyckeltal", "kpi-id", "kpi_id", "nyckeltals-id", "id"),
    "kommun": ("kommun", "municipality", "kommun-id", "kommun_id", "kommunkod", "municipality_id", "område", "omrade"),
    "år": ("år", "ar", "period", "year"),
    "värde": ("värde", "varde", "value"),
    "kön": ("kön", "kon", "gender"),
    "kommunnamn": ("kommunnamn", "municipality_name", "namn"),
    "nyckeltalsnamn": ("nyckeltalsnamn", "kpi_name", "titel", "title"),
}


def _tal(text: str) -> float | None:
    """'1 234,5', '1234.5', '−3,2' → a number; '' → None."""
    t = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("\u2212", "-")
    if t in ("", "-", "..", "."):
        return None
    if "," in t:
        t = t.replace(".", "").replace(",", ".")
    return float(t)


def läs_koladafil(fil: str | Path, kommun: str, jämförelse: list[str], kpi: list[str]) -> Koladadata:
    """A file downloaded from Kolada: the API's JSON (one response or a list of them) or a long CSV.

    The comparison group is the municipalities of `jämförelse` that are not groups; when it names only a
    group (whose members a file does not hold), the group is every municipality in the file other than the
    kommun and Riket."""
    path = Path(fil)
    if not path.exists():
        raise IndataFel("filen finns inte", Plats(str(path)))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1252")
    namn: dict[str, str] = {RIKET: "Riket"}
    titlar: dict[str, str] = {}
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise IndataFel(f"filen är inte giltig JSON ({exc})", Plats(str(path))) from exc
        svar = data if isinstance(data, list) else [data]
        poster = [p for s in svar if isinstance(s, dict) for p in (s.get("values") or [])]
        if not poster and any(isinstance(s, dict) and "kpi" in s for s in svar):
            poster = svar  # a bare list of records
        rader = _värderader(poster)
        if not rader:
            raise IndataFel("filen har inga värden i Koladas form ({\"values\": [{\"kpi\", \"municipality\", "
                            "\"period\", \"values\": [{\"gender\", \"value\"}]}]})", Plats(str(path)))
    else:
        rader = _läs_csv(text, str(path), namn, titlar)
    värden = pd.DataFrame(rader)
    i_filen = list(dict.fromkeys(värden["kommun"]))
    listade = [j for j in jämförelse if not _grupp(j)]
    grupp = listade if listade else [m for m in i_filen if m not in (kommun, RIKET)]
    grupp = [m for m in dict.fromkeys(grupp) if m not in (kommun, RIKET)]
    varningar = []
    if kommun not in i_filen:
        raise IndataFel(f"kommunen {kommun} ([kolada] kommun) finns inte i filen (där finns {', '.join(i_filen[:10])})",
                        Plats(str(path)))
    if any(_grupp(j) for j in jämförelse) and not listade:
        varningar.append(f"{path.name} har inte kommungruppens medlemmar: jämförelsegruppen är filens övriga "
                         f"{len(grupp)} kommuner")
    saknas = [m for m in grupp if m not in i_filen]
    if saknas:
        varningar.append(f"jämförelsekommunerna {', '.join(saknas)} finns inte i {path.name}")
    vill = kpi or list(dict.fromkeys(värden["kpi"]))
    for k in vill:
        if k not in set(värden["kpi"]):
            varningar.append(f"nyckeltalet {k} finns inte i {path.name}; det saknas i jämförelsen, övriga nyckeltal "
                             "redovisas")
    värden = värden[värden["kpi"].isin(vill)]
    for kod in [kommun, *grupp]:
        namn.setdefault(kod, kod)
    return Koladadata(värden.reset_index(drop=True), kommun, grupp, "Jämförelsekommuner",
                      {k: titlar.get(k, k) for k in vill}, namn, f"Kolada, nedladdad fil {path.name}", varningar)


def _läs_csv(text: str, fil: str, namn: dict[str, str], titlar: dict[str, str]) -> list[dict]:
    rader = list(csv.reader(io.StringIO(text), delimiter=";" if text.count(";") >= text.count(",") else ","))
    if not rader:
        raise IndataFel("filen är tom", Plats(fil))
    rubriker = [r.strip().lower() for r in rader[0]]
    index: dict[str, int] = {}
    for fält, synonymer in KOLUMNER.items():
        for s in synonymer:
            if s in rubriker:
                index[fält] = rubriker.index(s)
                break
    saknas = [f for f in ("kpi", "kommun", "år", "värde") if f not in index]
    if saknas:
        raise IndataFel(f"filen saknar kolumnerna {', '.join(saknas)} (en rad per nyckeltal, kommun och år: "
                        "kpi;kommun;år;värde, gärna kön, kommunnamn och nyckeltalsnamn)", Plats(fil, rad=1))
    ut = []
    for nr, rad in enumerate(rader[1:], start=2):
        if not any(c.strip() for c in rad):
            continue
        cell = {f: (rad[i].strip() if i < len(rad) else "") for f, i in index.items()}
        if cell.get("kön", "T").upper() not in ("T", "", "TOTALT", "TOTAL"):
            continue
        kommun = cell["kommun"]
        if kommun.isdigit() and len(kommun) < 4:
            kommun = kommun.zfill(4)  # Excel drops the leading zero of 0180
        try:
            år = int(float(cell["år"]))
        except ValueError:
            raise IndataFel(f"'{cell['år']}' är inget år", Plats(fil, rad=nr, kolumn=rader[0][index['år']])) from None
        try:
            värde = _tal(cell["värde"])
        except ValueError:
            raise IndataFel(f"'{cell['värde']}' är inget tal", Plats(fil, rad=nr, kolumn=rader[0][index['värde']])) from None
        if cell.get("kommunnamn"):
            namn[kommun] = cell["kommunnamn"]
        if cell.get("nyckeltalsnamn"):
            titlar[cell["kpi"]] = cell["nyckeltalsnamn"]
        if värde is not None:
            ut.append({"kpi": cell["kpi"], "kommun": kommun, "år": år, "värde": värde})
    if not ut:
        raise IndataFel("filen har inga värden", Plats(fil))
    return ut
