"""One self-contained HTML page: the project's stylesheet, Plotly figures inlined, written whole."""

from __future__ import annotations

import html
import os
import uuid
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

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

# The reports' own layout beside :data:`CSS` (which the web pages share): tables that scroll in
# their own box on a phone (never the page), and A4 print: each section after the summary on a
# new page, headings kept with what follows, table headers repeated, no modebar.
REPORT_CSS = """
body { line-height: 1.45; overflow-wrap: break-word }
.table { max-width: 100%; overflow-x: auto; margin: .4em 0 1em }
th { background: #f3f3f3; vertical-align: bottom }
td.num { white-space: nowrap }
pre, code { white-space: pre-wrap; overflow-wrap: anywhere }
.js-plotly-plot, .plotly-graph-div { max-width: 100% }
.summary li { margin-bottom: .35em }
figure { margin: 1.5em 0 }
figcaption { font-weight: 600; margin-bottom: .3em }
.stamp { font-size: .85em; color: #444; border-top: 1px solid #ddd; padding-top: .5em }
.sources li { margin-bottom: .3em }
.via { color: #555 }
@media (max-width: 640px) {
  body { margin: .5em auto; padding: 0 .6em }
  td, th { padding: 3px 6px }
  h1 { font-size: 1.5em }
}
@page { size: A4; margin: 15mm 13mm 17mm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555 } }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 9.5pt; color: #000 }
  section[id]:not(#summary) { break-before: page }
  h2, h3 { break-after: avoid }
  tr, li, .caption, .stamp { break-inside: avoid }
  .table { overflow: visible }
  table { width: 100%; font-size: 8pt }
  thead { display: table-header-group }
  td.num { white-space: normal }
  figure { break-inside: avoid; margin: 1em 0 }
  .modebar-container { display: none !important }
  pre { font-size: 7.5pt }
  a { color: inherit; text-decoration: none }
}
"""

# Charts follow the page: on a narrow screen and in print (A4 is about 680 CSS px wide) each
# chart is redrawn at the width it has with its legend below it, so no legend is cut or
# scrolled; after printing the screen layout comes back. window.reechainPrintLayout() applies
# the print layout for a browser driven to print (a PDF export).
FIT_SCRIPT = """
<script>(function () {
  var PRINT_WIDTH = 680, NARROW = 700, saved = new Map();
  var below = {"legend.orientation": "h", "legend.x": 0, "legend.xanchor": "left",
               "legend.y": -0.2, "legend.yanchor": "top"};
  function plots() { return window.Plotly ? document.querySelectorAll(".js-plotly-plot") : []; }
  function fit(width) {  // width: null for each chart's own box
    plots().forEach(function (gd) {
      if (!saved.has(gd)) {
        saved.set(gd, {"legend": JSON.parse(JSON.stringify(gd.layout.legend || {})),
                       "width": gd.layout.width || null, "height": gd.layout.height || null,
                       "box": gd.parentElement.style.height});
      }
      var w = width || gd.clientWidth, named = gd.data.filter(function (t) {
        return t.showlegend !== false && t.type !== "sankey"; }).length;
      var grouped = gd.data.some(function (t) { return t.legendgroup; });  // a column a group
      var rows = grouped ? named : Math.ceil(named / Math.max(1, Math.floor(w / 190)));
      var h = 360 + 22 * rows;
      gd.parentElement.style.height = h + "px";  // the chart's box grows with its legend
      Plotly.relayout(gd, Object.assign({"width": w, "height": h}, below));
    });
  }
  function restore() {
    saved.forEach(function (old, gd) {
      gd.parentElement.style.height = old.box;
      Plotly.relayout(gd, {"legend": old.legend, "width": old.width, "height": old.height});
    });
    saved.clear();
    if (window.innerWidth < NARROW) fit(null);
  }
  window.reechainPrintLayout = function () { fit(PRINT_WIDTH); };
  window.addEventListener("beforeprint", window.reechainPrintLayout);
  window.addEventListener("afterprint", restore);
  window.addEventListener("load", function () {
    if (window.innerWidth < NARROW) fit(null);
  });
})();</script>
"""


def write_page(path: str | Path, title: str, parts: list[str]) -> Path:
    """Write a self-contained HTML page (the project's stylesheet and the reports' layout for
    phones and A4 print, the given sections, charts fitted to the page: :data:`FIT_SCRIPT`).

    The page is written to a temporary file beside ``path`` and then renamed, so a reader never
    sees a half-written report.
    """
    page = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{CSS}{REPORT_CSS}</style></head><body>"
        + "".join(parts)
        + FIT_SCRIPT
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
    """Plotly figures as HTML sections, each figure's title as a caption above its chart (a
    caption wraps on a phone and in print, where a long chart title would be cut); plotly.js
    inlined once, in the first. The figures themselves are left as they are."""
    out = []
    for i, fig in enumerate(figs):
        title = fig.layout.title.text or ""
        bare = go.Figure(fig).update_layout(title_text=None, margin_t=30)
        out.append(
            f"<section><figure><figcaption>{html.escape(title)}</figcaption>"
            f"{chart_html(bare, i == 0)}</figure></section>"
        )
    return out
