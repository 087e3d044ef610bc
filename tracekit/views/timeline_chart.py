"""The panel's shipments-over-time chart, drawn with matplotlib as a static SVG.

Why matplotlib SVG rather than altair/Vega-Lite: the chart must render where the explorer is not live
(nbconvert, the brief's offline HTML, GitHub) and nothing may be fetched from a CDN. A matplotlib SVG is
plain markup that every one of those shows as it is; Vega-Lite needs a JavaScript renderer in the page
(or vl-convert's bundled engine to make a static image). Text is drawn as paths (``svg.fonttype``), so
no string from the data ever becomes SVG text, and the chart carries no names at all (the panel's
heading, escaped, says whose shipments these are). ``pyplot`` is never imported: the user's plotting
backend stays as it was.
"""

from __future__ import annotations

import io
import re

import matplotlib
from matplotlib.figure import Figure

__all__ = ["shipments_chart_svg"]

_SHIPPED, _RECEIVED = "#4c78a8", "#f58518"


def _ticks(months: list[str], most: int = 6) -> list[int]:
    step = max(1, -(-len(months) // most))
    return list(range(0, len(months), step))


def shipments_chart_svg(months: list[str], series: dict[str, list[int]], *, window: tuple[str, str] | None = None,
                        width: float = 3.3, height: float = 1.7) -> str:
    """An SVG bar chart of shipments per month, one stacked colour per series.

    Parameters
    ----------
    months : list of str
        ``YYYY-MM``, consecutive.
    series : dict
        Label (``"shipped"``, ``"received"``, …; fixed words, never data) → counts aligned with ``months``.
    window : (str, str), optional
        A date window drawn as a shaded band (e.g. the explorer's date filter).

    Examples
    --------
    >>> svg = shipments_chart_svg(["2024-01", "2024-02"], {"shipped": [3, 1]})
    >>> svg.startswith("<svg") and "</svg>" in svg and "<text" not in svg
    True
    """
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "tracekit", "font.size": 7,
                                "axes.spines.top": False, "axes.spines.right": False}):
        fig = Figure(figsize=(width, height), dpi=100)
        ax = fig.add_subplot()
        x = list(range(len(months)))
        bottom = [0] * len(months)
        colours = [_SHIPPED, _RECEIVED, "#54a24b", "#b279a2"]
        for (label, counts), colour in zip(series.items(), colours, strict=False):
            ax.bar(x, counts, bottom=bottom, width=0.85, color=colour, label=label, linewidth=0)
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
        if window and months:
            lo = _index(months, window[0], 0)
            hi = _index(months, window[1], len(months) - 1)
            ax.axvspan(lo - 0.5, hi + 0.5, color="#999999", alpha=0.12, linewidth=0)
        ticks = _ticks(months)
        ax.set_xticks(ticks, [months[i] for i in ticks], rotation=0)
        ax.set_xlim(-0.6, max(len(months) - 0.4, 0.6))
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylabel("shipments / month")
        if len(series) > 1:
            ax.legend(frameon=False, loc="upper left", ncols=len(series), fontsize=6)
        fig.tight_layout(pad=0.3)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    # scale with the panel instead of a fixed size in points
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 width="100%"', svg, count=1)


def _index(months: list[str], month: str, default: int) -> int:
    month = (month or "")[:7]
    if month in months:
        return months.index(month)
    if not month:
        return default
    return 0 if month < months[0] else len(months) - 1
