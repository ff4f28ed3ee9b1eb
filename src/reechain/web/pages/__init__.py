"""Server-rendered pages, one module per page over a shared frame (``shell``), pieces
(``parts``: cards, chart sections with their data, sources) and tables for people
(``tables``). Figures are Plotly JSON drawn by the app's own plotly.js and
``static/charts.js`` (no CDN); form controls are native, with labels."""

from reechain.reports.overview import STAGE_MATERIALS, stage_material
from reechain.web.pages.balance import balance
from reechain.web.pages.criticality import criticality
from reechain.web.pages.demand import demand
from reechain.web.pages.ensembles import ensemble_runs, ensembles
from reechain.web.pages.overview import overview
from reechain.web.pages.scenario import run_payload, scenario
from reechain.web.pages.shell import PLOTLY_CONFIG, layout

__all__ = [
    "PLOTLY_CONFIG",
    "STAGE_MATERIALS",
    "balance",
    "criticality",
    "demand",
    "ensemble_runs",
    "ensembles",
    "layout",
    "overview",
    "run_payload",
    "scenario",
    "stage_material",
]
