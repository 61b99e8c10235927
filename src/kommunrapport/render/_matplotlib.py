"""The parts of matplotlib the charts use, imported without building matplotlib's property docstrings.

Every Artist subclass that matplotlib defines writes the docstring of its `set()` method at import, from
`matplotlib.artist.kwdoc` (a table of every property with its type), and its docstring templates fill
`%(Line2D:kwdoc)s` the same way: about a third of importing matplotlib.figure (0,1–0,15 s of every run
that draws a chart). kwdoc is replaced by an empty text while these modules are imported and put back
after, so only help() on matplotlib's own classes in this process shows shorter texts; drawing is the same.
"""

from __future__ import annotations

import matplotlib.artist

_kwdoc = getattr(matplotlib.artist, "kwdoc", None)
if _kwdoc is not None:
    matplotlib.artist.kwdoc = lambda artist: ""  # noqa: ARG005 - kwdoc's signature
try:
    from matplotlib import rcParams
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.layout_engine import TightLayoutEngine
    from matplotlib.text import Text
    from matplotlib.ticker import Formatter
    from matplotlib.transforms import Bbox
finally:
    if _kwdoc is not None:
        matplotlib.artist.kwdoc = _kwdoc

__all__ = ["Axes", "Bbox", "Figure", "FigureCanvasAgg", "FontProperties", "Formatter", "Text", "TightLayoutEngine",
           "rcParams"]
