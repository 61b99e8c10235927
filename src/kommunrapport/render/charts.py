"""Charts with Swedish labels and number format, drawn with matplotlib's Agg backend (no display)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..formatting import tal
from ._matplotlib import (
    Axes,
    Bbox,
    Figure,
    FigureCanvasAgg,
    FontProperties,
    Formatter,
    Text,
    TightLayoutEngine,
    rcParams,
)

STORLEK = (8.0, 4.5)  # inches; at 100 dpi 800 × 450 px
DPI = 100
AKTUELL = "#005a9c"
TIDIGARE = "#9a9a9a"
POSITIV = "#2e7d32"
NEGATIV = "#c62828"

class _SvenskaTal(Formatter):
    """Swedish numbers on an axis with at least `decimaler` decimals, and as many as the step between the
    ticks needs: ticks at 0,5 mnkr are '0,5' and '1,0', never '0' and '1' twice."""

    def __init__(self, decimaler: int) -> None:
        self.decimaler = decimaler
        self.steg_decimaler = decimaler

    def set_locs(self, locs) -> None:  # noqa: ANN001 - the tick positions, before they are labelled
        steg = np.diff(np.asarray(locs, dtype=float))
        steg = steg[steg > 0]
        d = self.decimaler
        while len(steg) and d < 3 and not np.allclose(steg * 10**d, np.round(steg * 10**d), atol=1e-6):
            d += 1
        self.steg_decimaler = d

    def __call__(self, v: float, pos: int | None = None) -> str:
        return tal(v, self.steg_decimaler)




def _spara(fig: Figure, sökväg: Path) -> None:
    """Draw the figure once into a PNG. The margins are set as tight_layout would (`_marginaler`), without
    its layout engine, which draws every figure two more times to find them."""
    motor = fig.get_layout_engine()
    ram = tuple(motor.get().get("rect") or (0, 0, 1, 1)) if isinstance(motor, TightLayoutEngine) else None
    fig.set_layout_engine(None)  # no engine at all: with one ("none" too) savefig draws the figure twice
    FigureCanvasAgg(fig)
    if ram is not None:
        for _ in range(2):  # again with the new size of the axes: it may choose other ticks
            _marginaler(fig, ram)
    # zlib level 3 instead of PIL's 6: half the time to compress, a file about 6 % larger
    fig.savefig(sökväg, dpi=DPI, format="png", metadata={"Software": None}, pil_kwargs={"compress_level": 3})


_MÅTT: dict[tuple[Any, ...], tuple[float, float]] = {}  # a tick label's size, across charts


def _textmått(fig: Figure, r: Any, text: str, mall: Text) -> tuple[float, float]:  # noqa: ANN401 - a renderer
    """Width and height in pixels of `text` set as the tick label `mall` is (font, size, line spacing):
    measured once per process (matplotlib's own cache is per renderer, i.e. per figure)."""
    f = mall.get_fontproperties()
    nyckel = (text, (tuple(f.get_family()), f.get_style(), f.get_variant(), f.get_weight(), f.get_stretch(),
                     f.get_size_in_points(), f.get_file(), f.get_math_fontfamily()), mall.get_linespacing(), fig.dpi)
    if nyckel not in _MÅTT:
        if len(_MÅTT) > 10_000:
            _MÅTT.clear()
        e = Text(0, 0, text, fontproperties=mall.get_fontproperties(), linespacing=mall.get_linespacing(),
                 figure=fig).get_window_extent(r)
        _MÅTT[nyckel] = (e.width, e.height)
    return _MÅTT[nyckel]


def _marginaler(fig: Figure, ram: tuple[float, ...]) -> None:
    """The margins of a figure with one axes, as matplotlib's tight_layout sets them: everything drawn
    outside the axes (tick labels, axis labels, title, a legend beside the axes, texts) inside `ram`
    (left, bottom, right, top as fractions of the figure) with a padding of 1,08 font sizes. Only the
    texts are measured (no tick is drawn), so this costs a few milliseconds."""
    ax = fig.axes[0]
    r = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # FigureCanvasAgg's
    pt = fig.dpi / 72
    luft = 1.08 * FontProperties(size=rcParams["font.size"]).get_size_in_points() * pt
    box = ax.get_window_extent(r)
    ut = {"v": 0.0, "h": 0.0, "n": 0.0, "ö": 0.0}  # how far beyond the axes, in pixels

    def utanför(bb: Bbox) -> None:
        ut["v"] = max(ut["v"], box.x0 - bb.x0)
        ut["h"] = max(ut["h"], bb.x1 - box.x1)
        ut["n"] = max(ut["n"], box.y0 - bb.y0)
        ut["ö"] = max(ut["ö"], bb.y1 - box.y1)

    for axel, vågrät in ((ax.xaxis, True), (ax.yaxis, False)):
        if not axel.get_visible():
            continue
        tick = axel.majorTicks[0]
        avstånd = (tick.get_pad() + tick.get_tick_padding()) * pt  # type: ignore[func-returns-value,operator]
        lo, hi = sorted(axel.get_view_interval())
        platser = [v for v in axel.get_majorticklocs() if lo - 1e-9 * (hi - lo) <= v <= hi + 1e-9 * (hi - lo)]
        etiketter = axel.get_major_formatter().format_ticks(platser)
        mall = tick.label1
        djup = 0.0  # the tick labels' extent away from the axes
        for v, text in zip(platser, etiketter, strict=True):
            if not text:
                continue
            bredd, höjd = _textmått(fig, r, text, mall)
            if vågrät:
                x = ax.transData.transform((v, 0))[0] if axel.get_scale() == "linear" else box.x0
                utanför(Bbox.from_extents(x - bredd / 2, box.y0, x + bredd / 2, box.y1))
                djup = max(djup, höjd)
            else:
                y = ax.transData.transform((0, v))[1]
                utanför(Bbox.from_extents(box.x0, y - höjd / 2, box.x1, y + höjd / 2))
                djup = max(djup, bredd)
        if djup:
            djup += avstånd
        etikett = axel.label
        if etikett.get_visible() and etikett.get_text():
            e = etikett.get_window_extent(r)
            djup += axel.labelpad * pt + (e.height if vågrät else e.width)
        ut["n" if vågrät else "v"] = max(ut["n" if vågrät else "v"], djup)
    för_tight = [a for a in (ax.title, ax._left_title, ax._right_title, ax.get_legend(), *ax.texts)  # type: ignore[attr-defined]
                 if a is not None and a.get_visible() and (not isinstance(a, Text) or a.get_text())]
    for a in för_tight:
        utanför(a.get_window_extent(r))
    b, h = fig.bbox.width, fig.bbox.height
    fig.subplots_adjust(left=(ram[0] * b + luft + ut["v"]) / b, right=(ram[2] * b - luft - ut["h"]) / b,
                        bottom=(ram[1] * h + luft + ut["n"]) / h, top=(ram[3] * h - luft - ut["ö"]) / h)


TIDIGARE_ÅR = ["#9a9a9a", "#d08c2c", "#7aa37a", "#b07aa1", "#c9c9c9"]
MARKÖRER = ["o", "s", "^", "D", "v", "x"]


def linjediagram_per_månad(data: pd.DataFrame, titel: str, enhet: str, sökväg: Path, decimaler: int = 1,
                           nollinje: bool = True, från_noll: bool = False, fotnot: str = "") -> None:
    """One line per year column of `data` (first column: month labels); the first year is current. A value
    that is NaN has no point (a masked value of the public version); `fotnot` is written under the chart."""
    _spara(_med_fotnot(linjefigur(data, titel, enhet, decimaler, nollinje, från_noll), fotnot), sökväg)


def _med_fotnot(fig: Figure, fotnot: str) -> Figure:
    if fotnot:
        fig.text(0.01, 0.01, textwrap.fill(fotnot, 140), fontsize=7, ha="left", va="bottom")
        fig.set_layout_engine("tight", rect=(0, 0.05, 1, 1))
    return fig


def linjefigur(data: pd.DataFrame, titel: str, enhet: str, decimaler: int = 1, nollinje: bool = True,
               från_noll: bool = False) -> Figure:
    """The line chart as a Figure. `enhet` labels the y axis (none when empty); `från_noll`: the y axis
    starts at 0 (counts and volumes) unless a value is negative."""
    fig = Figure(figsize=STORLEK, layout="tight")
    ax = fig.add_subplot()
    x = np.arange(len(data))
    år = list(data.columns[1:])
    for i, col in enumerate(år):
        current = i == 0
        ax.plot(x, data[col].to_numpy(dtype=float), marker=MARKÖRER[i % len(MARKÖRER)],
                linewidth=2.8 if current else 1.4, markersize=6 if current else 4,
                color=AKTUELL if current else TIDIGARE_ÅR[(i - 1) % len(TIDIGARE_ÅR)],
                label=str(col), zorder=3 if current else 2)
    if nollinje:
        ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, list(data.iloc[:, 0]))
    ax.yaxis.set_major_formatter(_SvenskaTal(1 if decimaler else 0))
    ax.set_ylabel(enhet)
    if från_noll:
        _från_noll(ax, data.iloc[:, 1:].to_numpy(dtype=float))
    # y=1.0: the title where matplotlib puts it above these axes, without the search for tick labels above the
    # axes that it makes at every draw otherwise (a measure of the whole y axis)
    ax.set_title(titel, y=1.0)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return fig


def _från_noll(ax: Axes, värden: np.ndarray) -> None:
    """The y axis from 0 when no value is negative (a count starting at 16 500 exaggerates a change)."""
    finite = värden[np.isfinite(värden)]
    if finite.size and finite.min() >= 0:
        ax.set_ylim(bottom=0, top=max(float(finite.max()) * 1.05, 1.0))


def stapeldiagram(etiketter: list[str], värden: list[float], titel: str, enhet: str, sökväg: Path) -> None:
    """Horizontal bars, green for + (better than budget) and red for −, with the value at each bar."""
    fig = Figure(figsize=STORLEK, layout="tight")
    ax = fig.add_subplot()
    y = np.arange(len(etiketter))[::-1]
    v = np.asarray(värden, dtype=float)
    ax.barh(y, v, color=[POSITIV if x >= 0 else NEGATIV for x in v])
    ax.set_yticks(y, [textwrap.fill(e, 34, max_lines=2, placeholder="…") for e in etiketter], fontsize=9)
    ax.axvline(0, color="black", linewidth=0.8)
    lo = min(0.0, float(np.nanmin(v))) if len(v) else 0.0
    hi = max(0.0, float(np.nanmax(v))) if len(v) else 1.0
    span = max(hi - lo, 0.1)
    for yi, xi in zip(y, v):
        ax.text(xi + (0.01 * span if xi >= 0 else -0.01 * span), yi, tal(xi, 1, tecken=True),
                va="center", ha="left" if xi >= 0 else "right", fontsize=9)
    ax.set_xlim(lo - 0.15 * span, hi + 0.15 * span)
    ax.xaxis.set_major_formatter(_SvenskaTal(1))
    ax.set_xlabel(enhet)
    ax.set_title(titel, fontsize=11, y=1.0)
    ax.grid(axis="x", alpha=0.3)
    _spara(fig, sökväg)


def stapeldiagram_jämförelse(data: pd.DataFrame, titel: str, sökväg: Path, enhet: str = "", fotnot: str = "") -> None:
    """Grouped bars per type (first column): last year grey, this year highlighted (the last column); a NaN
    value has no bar."""
    _spara(_med_fotnot(stapelfigur_jämförelse(data, titel, enhet), fotnot), sökväg)


def stapelfigur_jämförelse(data: pd.DataFrame, titel: str, enhet: str = "") -> Figure:
    """The grouped bars as a Figure; `enhet` labels the y axis, which starts at 0 (bars always do)."""
    fig = Figure(figsize=STORLEK, layout="tight")
    ax = fig.add_subplot()
    etiketter = [textwrap.fill(str(e), 16, max_lines=2, placeholder="…") for e in data.iloc[:, 0]]
    x = np.arange(len(etiketter))
    fg, nu = data.columns[1], data.columns[2]
    w = 0.38
    ax.bar(x - w / 2, data[fg].to_numpy(dtype=float), w, color=TIDIGARE, label=str(fg))
    ax.bar(x + w / 2, data[nu].to_numpy(dtype=float), w, color=AKTUELL, label=str(nu))
    ax.set_xticks(x, etiketter, fontsize=8)
    ax.yaxis.set_major_formatter(_SvenskaTal(0))
    ax.set_ylabel(enhet)
    _från_noll(ax, data.iloc[:, 1:].to_numpy(dtype=float))
    ax.set_title(titel, fontsize=11, y=1.0)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(frameon=False)
    return fig


def jämförelsediagram(data: pd.DataFrame, titel: str, sökväg: Path, fotnot: str = "Källa: Kolada") -> None:
    """A key figure over the years (first column): the kommun (second column) highlighted, the comparison
    group's mean dashed with its range (lägst–högst) shaded, and Riket; `fotnot` under the chart."""
    fig = Figure(figsize=STORLEK, layout="tight")
    ax = fig.add_subplot()
    x = np.arange(len(data))
    kommun = data.columns[1]
    v = data.drop(columns=[data.columns[0]]).to_numpy(dtype=float)
    decimaler = 0 if np.all(np.abs(v[~np.isnan(v)]) >= 100) else 1
    lägst, högst = data["lägst"].to_numpy(dtype=float), data["högst"].to_numpy(dtype=float)
    ax.fill_between(x, lägst, högst, color=TIDIGARE, alpha=0.25, linewidth=0, label="Jämförelsegruppen, lägst–högst")
    ax.plot(x, data["medel"].to_numpy(dtype=float), linestyle="--", marker="s", markersize=4, color=TIDIGARE_ÅR[1],
            linewidth=1.6, label="Jämförelsegruppen, medel")
    ax.plot(x, data["Riket"].to_numpy(dtype=float), marker="^", markersize=4, color="#555555", linewidth=1.4,
            label="Riket")
    ax.plot(x, data[kommun].to_numpy(dtype=float), marker="o", markersize=6, color=AKTUELL, linewidth=2.8,
            label=str(kommun), zorder=3)
    ax.set_xticks(x, list(data.iloc[:, 0]))
    ax.yaxis.set_major_formatter(_SvenskaTal(1 if decimaler else 0))
    ax.set_title(textwrap.fill(titel, 70, max_lines=2, placeholder="…"), fontsize=11, y=1.0)
    ax.grid(axis="y", alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    ordning = [3, 1, 0, 2]  # the kommun first, then the group's mean and range, then Riket
    ax.legend([handles[i] for i in ordning], [labels[i] for i in ordning], frameon=False, loc="upper left",
              bbox_to_anchor=(1.0, 1.0), fontsize=8)
    fig.text(0.01, 0.01, textwrap.fill(fotnot, 140), fontsize=7, ha="left", va="bottom")
    fig.set_layout_engine("tight", rect=(0, 0.06, 1, 1))
    _spara(fig, sökväg)


def vattenfall(etiketter: list[str], värden: list[float], titel: str, enhet: str, sökväg: Path) -> None:
    """A waterfall: each step (all but the last) starts where the previous ended; the last bar is the
    total, from 0. Green for + (better than budget), red for −, with the value at each bar."""
    fig = Figure(figsize=STORLEK, layout="tight")
    ax = fig.add_subplot()
    v = np.asarray(värden, dtype=float)
    starter = np.concatenate([[0.0], np.cumsum(v[:-1])[:-1], [0.0]]) if len(v) > 1 else np.zeros(len(v))
    x = np.arange(len(v))
    färger = [POSITIV if val >= 0 else NEGATIV for val in v]
    färger[-1] = AKTUELL
    ax.bar(x, v, bottom=starter, color=färger, width=0.6)
    for i in range(len(v) - 1):
        topp = starter[i] + v[i]
        ax.plot([x[i] + 0.3, x[i + 1] - 0.3], [topp, topp], color="black", linewidth=0.8)
    for xi, s, val in zip(x, starter, v):
        ax.text(float(xi), s + val + (0.02 if val >= 0 else -0.02) * max(float(np.nanmax(np.abs(v))), 0.1),
                tal(val, 1, tecken=True), ha="center", va="bottom" if val >= 0 else "top", fontsize=9)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, [textwrap.fill(e, 22, max_lines=2, placeholder="…") for e in etiketter], fontsize=9)
    ax.yaxis.set_major_formatter(_SvenskaTal(1))
    ax.set_ylabel(enhet)
    ax.set_title(titel, fontsize=11, y=1.0)
    ax.grid(axis="y", alpha=0.3)
    lo = min(0.0, float(np.nanmin(np.minimum(starter, starter + v))))
    hi = max(0.0, float(np.nanmax(np.maximum(starter, starter + v))))
    span = max(hi - lo, 0.1)
    ax.set_ylim(lo - 0.15 * span, hi + 0.15 * span)
    _spara(fig, sökväg)
