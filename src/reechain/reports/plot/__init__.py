"""Plotly figures over the tidy share and concentration tables (no data access here).

Colours: one colour per country in every chart (:func:`country_colour`, colour-blind-safe
Okabe-Ito and Tol palettes), one per stage (:data:`STAGE_COLOURS`). Legends show country
names where the caller passes them (``names``: ISO3 -> name, see :func:`country_names`).

One chart family a module: who holds each stage (:mod:`.shares`), blocs' shares
(:mod:`.blocs`), material flows (:mod:`.flows`), series (:mod:`.series`), an ensemble's fans
(:mod:`.ensemble`) and criticality (:mod:`.criticality`), in the colours of :mod:`.colours`
and the legend names of :mod:`.names`. This module imports their public names.
"""

from __future__ import annotations

from reechain.reports.plot.blocs import founding_years, group_share_lines
from reechain.reports.plot.colours import (
    COUNTRY_COLOURS,
    COUNTRY_COLUMNS,
    FALLBACK_COLOURS,
    PALETTE,
    SAFE_PALETTE,
    STAGE_COLOURS,
    country_colour,
    series_colours,
)
from reechain.reports.plot.criticality import score_ranges, sr_ei
from reechain.reports.plot.ensemble import fan_chart, heat_map
from reechain.reports.plot.flows import STAGE_ORDER, element_bars, sankey
from reechain.reports.plot.names import SHORT_NAMES, STAGE_TITLES, country_names
from reechain.reports.plot.series import DASHES, lines, stacked_area, stacked_bars
from reechain.reports.plot.shares import hhi_lines, stage_shares_bar, world_map

__all__ = [
    "COUNTRY_COLOURS",
    "COUNTRY_COLUMNS",
    "DASHES",
    "FALLBACK_COLOURS",
    "PALETTE",
    "SAFE_PALETTE",
    "SHORT_NAMES",
    "STAGE_COLOURS",
    "STAGE_ORDER",
    "STAGE_TITLES",
    "country_colour",
    "country_names",
    "element_bars",
    "fan_chart",
    "founding_years",
    "group_share_lines",
    "heat_map",
    "hhi_lines",
    "lines",
    "sankey",
    "score_ranges",
    "series_colours",
    "sr_ei",
    "stacked_area",
    "stacked_bars",
    "stage_shares_bar",
    "world_map",
]
