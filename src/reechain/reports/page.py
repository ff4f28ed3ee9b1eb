"""One self-contained HTML page: the project's stylesheet, Plotly figures inlined, written whole."""

from __future__ import annotations

import html
import os
import uuid
from pathlib import Path
from typing import Any

# The one Plotly config of every chart, in the reports and on the dashboard's pages. No logo; no
# "Share chart" button (plotly.js shows it by default and it uploads the figure to Plotly's
# cloud); and a modebar of what a reader needs, download as PNG and reset the view, so that a
# keyboard user meets two or three tab stops instead of a dozen (dragging still zooms).
PLOTLY_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "showSendToCloud": False,
    "modeBarButtonsToRemove": [
        "sendChartToCloud",
        "zoom2d",
        "pan2d",
        "select2d",
        "lasso2d",
        "zoomIn2d",
        "zoomOut2d",
        "autoScale2d",
        "toggleSpikelines",
        "hoverClosestCartesian",
        "hoverCompareCartesian",
        "toggleHover",
        "zoomInGeo",
        "zoomOutGeo",
        "hoverClosestGeo",
        "hoverClosestPie",
    ],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}

CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em;
       color: #222 }
table { border-collapse: collapse }
td, th { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left }
.caption { color: #555; font-size: .9em }
section { margin-bottom: 2.5em }
"""


def write_page(path: str | Path, title: str, parts: list[str]) -> Path:
    """Write a self-contained HTML page (the project's stylesheet, the given sections).

    The page is written to a temporary file beside ``path`` and then renamed, so a reader never
    sees a half-written report.
    """
    page = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
        + "".join(parts)
        + "</body></html>"
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_text(page, encoding="utf-8")  # open() keeps the user's umask
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def chart_html(fig, include_plotlyjs: bool) -> str:
    """A figure as an HTML fragment drawn with :data:`PLOTLY_CONFIG` (plotly.js inlined if
    asked). ``to_html`` adds to the config it is given, so it gets a copy."""
    return fig.to_html(
        full_html=False, include_plotlyjs=include_plotlyjs, config=dict(PLOTLY_CONFIG)
    )


def figure_sections(figs) -> list[str]:
    """Plotly figures as HTML sections; plotly.js inlined once, in the first."""
    return [f"<section>{chart_html(fig, i == 0)}</section>" for i, fig in enumerate(figs)]
