"""Kolada comparisons: the client against a local server in the API's documented shape (paging by next_url,
429 with Retry-After, a removed KPI), the disk cache (a second run without the server), a downloaded file,
and the comparison table's numbers from a fixture computed by hand. No test touches the network."""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from conftest import ROOT, kör_cli
from kommunrapport.calc.kolada import jämförelse
from kommunrapport.input.kolada import Klient, KoladaFel, hämta_kolada, läs_koladafil

# Hand-made values, kr per inhabitant (N31001) and kr per care day (N33100). Umeå (2480) is the kommun; the
# group G1 lists Umeå itself too (it must not count) and four others; 0580 has no value in 2023.
VÄRDEN = {
    "N31001": {
        "2480": {2022: 1500, 2023: 1600, 2024: 1700},
        "0000": {2022: 1800, 2023: 1900, 2024: 2000},
        "1480": {2022: 2000, 2023: 2100, 2024: 2300},
        "1280": {2022: 3000, 2023: 3300, 2024: 3600},
        "0380": {2022: 1000, 2023: 1100, 2024: 1250},
        "0580": {2022: 1400, 2023: None, 2024: 1450},
    },
    "N33100": {
        "2480": {2024: 8200}, "0000": {2024: 7900}, "1480": {2024: 9000}, "1280": {2024: 7000},
        "0380": {2024: 8000}, "0580": {2024: 6000},
    },
}
# The group's mean, lowest, highest and count by hand (Umeå left out):
#   2022: (2000 + 3000 + 1000 + 1400) / 4 = 1850, 1000, 3000, 4
#   2023: (2100 + 3300 + 1100) / 3 = 2166,67, 1100, 3300, 3 (0580 has no value)
#   2024: (2300 + 3600 + 1250 + 1450) / 4 = 2150, 1250, 3600, 4
KPI_TITLAR = {"N31001": "Kostnad ekonomiskt bistånd, kr/inv",
              "N33100": "Kostnad/vårddygn för institutionsvård av barn och unga 0-20 år, kr (genomsnitt)"}
NAMN = {"2480": "Umeå", "0000": "Riket", "1480": "Göteborg", "1280": "Malmö", "0380": "Uppsala", "0580": "Linköping"}
GRUPPER = {"G1": {"id": "G1", "title": "Liknande kommuner IFO, Umeå, 2024",
                  "members": [{"member_id": m, "member_title": NAMN[m]} for m in ("2480", "1480", "1280", "0380", "0580")]}}
PER_SIDA = 4  # records per page: the data of one KPI comes in two pages


class _Kolada(BaseHTTPRequestHandler):
    """Answers as api.kolada.se/v3 does (the documented shape), from VÄRDEN; `server.fel` holds statuses to
    answer first for a path prefix (e.g. one 429 before the data of N33100)."""

    def log_message(self, *args) -> None:  # quiet
        pass

    def _json(self, status: int, svar: object, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(svar, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        srv = self.server
        url = urllib.parse.urlsplit(self.path)
        srv.anrop.append(self.path)  # type: ignore[attr-defined]
        for prefix, statusar in srv.fel.items():  # type: ignore[attr-defined]
            if url.path.startswith(prefix) and statusar:
                status = statusar.pop(0)
                return self._json(status, {"error": "Too many requests"}, {"Retry-After": "0"})
        delar = url.path.removeprefix("/v3/").split("/")
        if delar[0] == "kpi":
            ids = delar[1].split(",")
            return self._json(200, {"count": 0, "next_url": None, "values": [
                {"id": k, "title": KPI_TITLAR[k], "municipality_type": "K"} for k in ids if k in KPI_TITLAR]})
        if delar[0] == "municipality_groups":
            g = GRUPPER.get(delar[1])
            return self._json(200, {"values": [g] if g else [], "count": 1 if g else 0, "next_url": None})
        if delar[0] == "municipality":
            return self._json(200, {"values": [{"id": m, "title": NAMN[m], "type": "K"} for m in delar[1].split(",")
                                               if m in NAMN], "next_url": None})
        if delar[:2] == ["data", "kpi"] and delar[3] == "municipality" and delar[5] == "year":
            kpi, kommuner, år = delar[2], delar[4].split(","), [int(a) for a in delar[6].split(",")]
            if kpi not in VÄRDEN:
                return self._json(404, {"error": f"KPI {kpi} not found"})
            poster = [{"kpi": kpi, "municipality": m, "period": a,
                       "values": [{"gender": "T", "count": 1, "status": "" if v is not None else "Missing", "value": v},
                                  {"gender": "K", "count": 1, "status": "", "value": 1.0}]}
                      for m in kommuner for a in år if a in VÄRDEN[kpi].get(m, {})
                      for v in [VÄRDEN[kpi][m][a]]]
            sida = int(urllib.parse.parse_qs(url.query).get("page", ["1"])[0])
            del_ = poster[(sida - 1) * PER_SIDA:sida * PER_SIDA]
            nästa = (f"http://127.0.0.1:{srv.server_port}{url.path}?page={sida + 1}"
                     if sida * PER_SIDA < len(poster) else None)
            return self._json(200, {"count": len(del_), "values": del_, "next_url": nästa,
                                     "previous_url": None})
        return self._json(404, {"error": "not found"})


@pytest.fixture(autouse=True)
def _ingen_paus(monkeypatch):
    """The commands pause between calls to Kolada (a polite rate); the local server needs no such pause."""
    monkeypatch.setattr("kommunrapport.input.kolada.PAUS", 0.0)


@pytest.fixture
def kolada_server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Kolada)
    srv.anrop = []  # type: ignore[attr-defined]
    srv.fel = {"/v3/data/kpi/N33100": [429]}  # type: ignore[attr-defined]
    tråd = threading.Thread(target=srv.serve_forever, daemon=True)
    tråd.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        tråd.join(timeout=5)


def _url(srv) -> str:
    return f"http://127.0.0.1:{srv.server_port}/v3"


def test_jämförelsetabellens_tal_räknade_för_hand():
    rader = [{"kpi": k, "kommun": m, "år": a, "värde": v} for k, per in VÄRDEN.items() for m, år in per.items()
             for a, v in år.items() if v is not None]
    t = jämförelse(pd.DataFrame(rader), "2480", ["2480", "1480", "1280", "0380", "0580"])
    n = t[t["kpi"] == "N31001"].set_index("år")
    assert list(n.index) == [2022, 2023, 2024]
    assert n.loc[2022, ["kommun", "medel", "lägst", "högst", "antal", "riket"]].tolist() == [1500, 1850, 1000, 3000, 4, 1800]
    assert n.loc[2023, "medel"] == pytest.approx(6500 / 3) and n.loc[2023, "antal"] == 3  # 0580 missing, not 0
    assert n.loc[2024, ["medel", "lägst", "högst"]].tolist() == [2150, 1250, 3600]  # not 2060: Umeå is not in its group
    h = t[t["kpi"] == "N33100"].set_index("år")
    assert h.loc[2024, ["kommun", "medel", "lägst", "högst", "riket"]].tolist() == [8200, 7500, 6000, 9000, 7900]


def test_de_fem_senaste_åren_med_värden_per_nyckeltal():
    rader = [{"kpi": "N1", "kommun": "2480", "år": a, "värde": float(a)} for a in range(2015, 2025)]
    rader += [{"kpi": "N2", "kommun": "0000", "år": a, "värde": 1.0} for a in (2018, 2019)]
    t = jämförelse(pd.DataFrame(rader), "2480", [])
    assert t[t["kpi"] == "N1"]["år"].tolist() == [2020, 2021, 2022, 2023, 2024]
    assert t[t["kpi"] == "N2"]["år"].tolist() == [2018, 2019]
    assert t[t["kpi"] == "N1"]["medel"].isna().all()  # no group: no mean, never 0


def test_klienten_följer_next_url_tar_högst_20_kommuner_per_anrop_och_väntar_vid_429(kolada_server, tmp_path):
    many = {f"{9000 + i:04d}": {2024: 100.0 + i} for i in range(25)}
    VÄRDEN["N31001"].update(many)
    try:
        sovit: list[float] = []
        k = Klient(_url(kolada_server), tmp_path / "cache", paus=0, sov=sovit.append)
        d = hämta_kolada(k, "2480", list(many), ["N31001", "N33100"], [2024])
    finally:
        for m in many:
            del VÄRDEN["N31001"][m]
    data = [a for a in kolada_server.anrop if a.startswith("/v3/data/")]
    listor = [re.search(r"/municipality/([^/]+)/", a).group(1).split(",") for a in data]
    assert max(len(x) for x in listor) == 20  # 27 municipalities: 20 and 7
    assert len({i for x in listor for i in x}) == 27
    assert any("page=2" in a for a in data)  # paging by next_url
    assert sovit == [0.0]  # one 429, Retry-After: 0 honoured, then success
    assert len(d.värden[d.värden["kpi"] == "N31001"]) == 27  # Umeå, Riket and 25 others, every page
    assert d.nyckeltal["N33100"].startswith("Kostnad/vårddygn")


def test_en_paus_mellan_anropen(kolada_server, tmp_path):
    sovit: list[float] = []
    k = Klient(_url(kolada_server), None, paus=0.25, sov=sovit.append)
    k.hämta(k.url("kpi/N31001"))
    k.hämta(k.url("kpi/N33100"))
    assert len(sovit) == 1 and 0 < sovit[0] <= 0.25  # the second call waited for its turn


def test_429_som_inte_ger_med_sig_är_ett_svenskt_fel(kolada_server, tmp_path):
    kolada_server.fel["/v3/kpi"] = [429] * 10
    k = Klient(_url(kolada_server), tmp_path / "cache", paus=0, försök=3, sov=lambda s: None)
    with pytest.raises(KoladaFel, match="svarar 429 \\(för många anrop\\) också efter 3 försök"):
        hämta_kolada(k, "2480", ["G1"], ["N31001"], [2024])


def _konfig(tmp_path: Path, url: str, **extra: str) -> Path:
    rader = [f'ut = "{tmp_path / "ut"}"', "", "[kolada]", 'kommun = "2480"', 'jamforelse = "G1"',
             'kpi = ["N31001", "N33100", "N99999"]', "ar = [2022, 2023, 2024]", f'url = "{url}"']
    rader += [f"{k} = {v}" for k, v in extra.items()]
    fil = tmp_path / "kommunrapport.toml"
    fil.write_text("\n".join(rader) + "\n", encoding="utf-8")
    return fil


def test_kolada_kommandot_mot_lokal_server_och_sedan_ur_cachen_utan_server(kolada_server, tmp_path):
    konfig = _konfig(tmp_path, _url(kolada_server))
    r = kör_cli("kolada", "--config", konfig, "--out", tmp_path / "a", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "nyckeltalet N99999 finns inte i Kolada" in r.stderr and "övriga nyckeltal redovisas" in r.stderr
    md = (tmp_path / "a" / "kolada_jamforelse.md").read_text(encoding="utf-8")
    assert "| 2022 | 1\u00a0500 | 1\u00a0850 | 1\u00a0000 | 3\u00a0000 | 4 | 1\u00a0800 |" in md
    assert "| 2023 | 1\u00a0600 | 2\u00a0167 | 1\u00a0100 | 3\u00a0300 | 3 | 1\u00a0900 |" in md
    assert "| 2024 | 8\u00a0200 | 7\u00a0500 | 6\u00a0000 | 9\u00a0000 | 4 | 7\u00a0900 |" in md
    assert "| 2022 |  |" not in md  # N33100 has values for 2024 only: no empty rows for the years asked for
    assert md.count("Källa: Kolada") == 2  # under each key figure's table (and in each chart)
    assert "Liknande kommuner IFO, Umeå, 2024 (4 kommuner: Göteborg, Malmö, Uppsala, Linköping)" in md
    assert "N99999" in md  # the removed KPI is named in the report too
    wb = openpyxl.load_workbook(tmp_path / "a" / "bilaga_kolada_jamforelse.xlsx")
    assert wb["N31001"]["C2"].value == 1850 and wb["N31001"]["B1"].value == "Umeå"
    assert (tmp_path / "a" / "diagram_kolada_n31001.png").exists()
    anrop = len(kolada_server.anrop)

    kolada_server.shutdown()
    kolada_server.server_close()
    r2 = kör_cli("kolada", "--config", konfig, "--out", tmp_path / "b", cwd=tmp_path)
    assert r2.returncode == 0, r2.stderr
    assert (tmp_path / "b" / "kolada_jamforelse.md").read_text(encoding="utf-8") == md
    assert len(kolada_server.anrop) == anrop

    r3 = kör_cli("kolada", "--config", konfig, "--out", tmp_path / "c", "--uppdatera", cwd=tmp_path)
    assert r3.returncode == 2
    assert "kan inte nå Kolada (127.0.0.1:" in r3.stderr and "kräver att datorn som kör kommunrapport når internet" in r3.stderr
    assert "--fil" in r3.stderr and "Traceback" not in r3.stderr
    assert not (tmp_path / "c").exists()


def test_volymrapporten_får_ett_sista_avsnitt_ur_cachen(kolada_server, tmp_path):


    konfig = _konfig(tmp_path, _url(kolada_server))
    assert kör_cli("kolada", "--config", konfig, "--out", tmp_path / "k", cwd=tmp_path).returncode == 0
    kolada_server.shutdown()
    kolada_server.server_close()
    serie = ROOT / "examples" / "volymer" / "an_volymer_2020_2025.xlsx"
    text = konfig.read_text(encoding="utf-8").replace("[kolada]", f'[volymer]\nserier = ["{serie}"]\nkolada = true\n\n[kolada]')
    konfig.write_text(text, encoding="utf-8")
    r = kör_cli("volymer", "--month", "feb", "--year", "2025", "--config", konfig, "--out", tmp_path / "v",
                "--preliminar", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    md = (tmp_path / "v" / "volymrapport_2025-02.md").read_text(encoding="utf-8")
    assert md.index("## Jämförelse med andra kommuner") > md.index("## Äldrenämnden – volymer")
    assert "| 2024 | 1\u00a0700 | 2\u00a0150 | 1\u00a0250 | 3\u00a0600 | 4 | 2\u00a0000 |" in md
    assert "Källa: Kolada" in md
    wb = openpyxl.load_workbook(tmp_path / "v" / "bilaga_volymrapport_2025-02.xlsx")
    assert "N31001" in wb.sheetnames
    from docx import Document

    doc = "\n".join(p.text for p in Document(str(tmp_path / "v" / "volymrapport_2025-02.docx")).paragraphs)
    assert "Jämförelse med andra kommuner" in doc and "Källa: Kolada" in doc
    # the public version and the internal one beside it both have the section (the Kolada charts are shared)
    r = kör_cli("volymer", "--month", "feb", "--year", "2025", "--config", konfig, "--out", tmp_path / "vp",
                "--preliminar", "--publik", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    for namn in ("volymrapport_2025-02.docx", "volymrapport_2025-02_intern.docx"):
        doc = "\n".join(p.text for p in Document(str(tmp_path / "vp" / namn)).paragraphs)
        assert "Jämförelse med andra kommuner" in doc and "Källa: Kolada" in doc


def test_volymrapporten_utan_cache_säger_vad_man_gör(tmp_path):
    konfig = _konfig(tmp_path, "http://127.0.0.1:9/v3")


    serie = ROOT / "examples" / "volymer" / "an_volymer_2020_2025.xlsx"
    text = konfig.read_text(encoding="utf-8").replace("[kolada]", f'[volymer]\nserier = ["{serie}"]\nkolada = true\n\n[kolada]')
    konfig.write_text(text, encoding="utf-8")
    r = kör_cli("volymer", "--month", "feb", "--year", "2025", "--config", konfig, "--out", tmp_path / "v",
                "--preliminar", cwd=tmp_path)
    assert r.returncode == 2
    assert "finns inte i cachen" in r.stderr and "kommunrapport kolada" in r.stderr
    assert not (tmp_path / "v").exists()


def test_nedladdad_json_fil_i_apiets_form(tmp_path):
    poster = [{"kpi": "N31001", "municipality": m, "period": a, "values": [{"gender": "T", "value": v}]}
              for m, år in VÄRDEN["N31001"].items() for a, v in år.items()]
    fil = tmp_path / "kolada.json"
    fil.write_text(json.dumps({"count": len(poster), "values": poster, "next_url": None}), encoding="utf-8")
    d = läs_koladafil(fil, "2480", ["G1"], ["N31001", "N33100"])
    assert sorted(d.grupp) == ["0380", "0580", "1280", "1480"]  # the file's other municipalities
    assert any("har inte kommungruppens medlemmar" in v for v in d.varningar)
    assert any("N33100 finns inte i kolada.json" in v for v in d.varningar)
    t = jämförelse(d.värden, d.kommun, d.grupp)
    assert t.set_index("år").loc[2024, "medel"] == 2150


@pytest.mark.rita  # the chart is drawn for real
def test_nedladdad_csv_fil_med_svenska_tal(tmp_path):
    fil = tmp_path / "kolada.csv"
    fil.write_text("Kommun;Kommunnamn;KPI;Nyckeltalsnamn;År;Kön;Värde\n"
                   "2480;Umeå;N31001;Kostnad ekonomiskt bistånd, kr/inv;2024;T;1 700,0\n"
                   "2480;Umeå;N31001;Kostnad ekonomiskt bistånd, kr/inv;2024;K;99\n"
                   "0;Riket;N31001;Kostnad ekonomiskt bistånd, kr/inv;2024;T;2000\n"
                   "1480;Göteborg;N31001;Kostnad ekonomiskt bistånd, kr/inv;2024;T;2300\n"
                   "1280;Malmö;N31001;Kostnad ekonomiskt bistånd, kr/inv;2024;T;3600\n", encoding="utf-8")
    r = kör_cli("kolada", "--kommun", "2480", "--kpi", "N31001", "--jamforelse", "1480,1280", "--fil", fil,
                "--out", tmp_path / "ut", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    md = (tmp_path / "ut" / "kolada_jamforelse.md").read_text(encoding="utf-8")
    assert "## Kostnad ekonomiskt bistånd, kr/inv (N31001)" in md
    assert "| 2024 | 1\u00a0700 | 2\u00a0950 | 2\u00a0300 | 3\u00a0600 | 2 | 2\u00a0000 |" in md  # (2300 + 3600) / 2
    from PIL import Image

    with Image.open(tmp_path / "ut" / "diagram_kolada_n31001.png") as bild:
        assert bild.size == (800, 450) and len(bild.convert("L").getcolors(maxcolors=65536) or []) > 10  # drawn, not blank


def test_fel_i_nedladdad_fil_anger_rad_och_kolumn(tmp_path):
    fil = tmp_path / "kolada.csv"
    fil.write_text("kpi;kommun;år;värde\nN31001;2480;2024;abc\n", encoding="utf-8")
    r = kör_cli("kolada", "--kommun", "2480", "--kpi", "N31001", "--fil", fil, "--out", tmp_path / "ut", cwd=tmp_path)
    assert r.returncode == 2
    assert "kolada.csv, rad 2, kolumn värde: 'abc' är inget tal" in r.stderr


def test_felaktiga_inställningar_namnger_nyckeln(tmp_path):
    r = kör_cli("kolada", "--kommun", "Umeå", "--kpi", "N31001", cwd=tmp_path)
    assert r.returncode == 2 and "--kommun" in r.stderr and "fyrsiffriga id" in r.stderr
    r = kör_cli("kolada", "--kommun", "2480", "--kpi", "hemtjänst", cwd=tmp_path)
    assert r.returncode == 2 and "'hemtjänst' är inget nyckeltals-id" in r.stderr


def test_kör_tar_med_jämförelsen_i_volymrapporten(tmp_path):
    import shutil

    from kommunrapport import runner

    shutil.copy(ROOT / "examples" / "volymer" / "an_volymer_2020_2025.csv", tmp_path / "volymer.csv")
    (tmp_path / "kolada.csv").write_text("kpi;kommun;år;värde\nN31001;2480;2024;1700\nN31001;0000;2024;2000\n"
                                         "N31001;1480;2024;2300\nN31001;1280;2024;3600\n", encoding="utf-8")
    konfig = tmp_path / "kommunrapport.toml"
    konfig.write_text('ut = "ut"\nrapporter = ["volymer"]\n\n[kor]\nstangd_tom = "2025-02"\n\n'
                      '[volymer]\nserier = ["volymer.csv"]\nkolada = true\n\n'
                      '[kolada]\nkommun = "2480"\njamforelse = ["1480", "1280"]\nkpi = ["N31001"]\nfil = "kolada.csv"\n',
                      encoding="utf-8")
    k = runner.kör(konfig, 2, 2025, tyst=True)
    md = (tmp_path / "ut" / k.period / f"volymrapport_{k.period}.md").read_text(encoding="utf-8")
    assert "## Jämförelse med andra kommuner" in md
    assert "| 2024 | 1\u00a0700 | 2\u00a0950 | 2\u00a0300 | 3\u00a0600 | 2 | 2\u00a0000 |" in md


def test_nästa_år_och_utan_nät_läses_samma_svar_ur_cachen(kolada_server, tmp_path, monkeypatch):
    """The default years follow the date of the fetch: a run next year (offline) reads the same answers,
    and says when they were fetched, until --uppdatera asks for new ones."""
    from datetime import date

    from kommunrapport import settings

    konfig = _konfig(tmp_path, _url(kolada_server))
    konfig.write_text(konfig.read_text(encoding="utf-8").replace("ar = [2022, 2023, 2024]\n", ""), encoding="utf-8")
    monkeypatch.setattr(settings, "idag", lambda: date(2025, 11, 3))
    assert kör_cli("kolada", "--config", konfig, "--out", tmp_path / "a", cwd=tmp_path).returncode == 0
    md = (tmp_path / "a" / "kolada_jamforelse.md").read_text(encoding="utf-8")
    assert "| 2022 | 1\u00a0500 | 1\u00a0850 |" in md and "hämtat 2025-11-03" in md
    kolada_server.shutdown()
    kolada_server.server_close()
    monkeypatch.setattr(settings, "idag", lambda: date(2026, 2, 10))
    r = kör_cli("kolada", "--config", konfig, "--out", tmp_path / "b", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "b" / "kolada_jamforelse.md").read_text(encoding="utf-8") == md


def test_en_kommungrupp_som_inte_finns_namnges(kolada_server, tmp_path):
    konfig = _konfig(tmp_path, _url(kolada_server))
    konfig.write_text(konfig.read_text(encoding="utf-8").replace('jamforelse = "G1"', 'jamforelse = "G404"'),
                      encoding="utf-8")
    r = kör_cli("kolada", "--config", konfig, "--out", tmp_path / "a", cwd=tmp_path)
    assert r.returncode == 2
    assert "kommungruppen 'G404' finns inte i Kolada" in r.stderr and "[kolada] jamforelse" in r.stderr
    assert not (tmp_path / "a").exists()


def test_volymer_kolada_utan_sektionen_kolada(tmp_path):
    serie = ROOT / "examples" / "volymer" / "an_volymer_2020_2025.xlsx"
    konfig = tmp_path / "kommunrapport.toml"
    konfig.write_text(f'[volymer]\nserier = ["{serie}"]\nkolada = true\n', encoding="utf-8")
    r = kör_cli("volymer", "--month", "feb", "--year", "2025", "--config", konfig, "--out", tmp_path / "v",
                "--preliminar", cwd=tmp_path)
    assert r.returncode == 2 and "[volymer] kolada = true kräver en sektion [kolada]" in r.stderr
