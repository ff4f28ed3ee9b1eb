"""The charts' colours: one per country or region in every chart (:func:`country_colour`,
Okabe-Ito and Tol palettes, colour-blind-safe), one per stage (:data:`STAGE_COLOURS`), and
:func:`series_colours` for any colour column."""

from __future__ import annotations

import zlib
from collections.abc import Iterable

PALETTE = [
    "#b2182b",
    "#2166ac",
    "#4d9221",
    "#e08214",
    "#762a83",
    "#1b7837",
    "#8c510a",
    "#01665e",
    "#c51b7d",
    "#5e3c99",
    "#999999",
]
# Paul Tol's "muted" scheme (colour-blind safe): series that are neither countries nor stages
SAFE_PALETTE = (
    "#332288",
    "#CC6677",
    "#117733",
    "#DDCC77",
    "#88CCEE",
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
)
# Paul Tol's "bright" scheme (colour-blind safe), one colour per stage of the chain
STAGE_COLOURS = {
    "mining": "#4477AA",
    "separation": "#EE6677",
    "metal": "#228833",
    "magnet": "#CCBB44",
}
# The main players in Okabe-Ito colours, the next ones in Tol's "muted" scheme (both
# colour-blind safe); aggregates in greys. The EU and Germany (the model's EU region) share one.
COUNTRY_COLOURS = {
    "CHN": "#D55E00",
    "USA": "#0072B2",
    "AUS": "#E69F00",
    "MMR": "#CC79A7",
    "MYS": "#009E73",
    "JPN": "#56B4E9",
    "DEU": "#332288",
    "EU27": "#332288",
    "TUR": "#882255",
    "RUS": "#000000",
    "IND": "#DDCC77",
    "BRA": "#117733",
    "VNM": "#44AA99",
    "THA": "#999933",
    "LAO": "#AA4499",
    "NGA": "#88CCEE",
    "KOR": "#CC6677",
    "ROW": "#888888",
    "OTH": "#BBBBBB",
    "WLD": "#444444",
}
# Countries without a fixed colour: one of these, chosen by a checksum of the code (the same
# in every run and process, unlike hash())
FALLBACK_COLOURS = ("#661100", "#6699CC", "#AA4466", "#4B0092", "#1A85FF", "#994F00", "#006CD1")
# Columns whose values are countries or model regions (coloured with country_colour)
COUNTRY_COLUMNS = frozenset({"country", "region", "importer", "exporter"})


def country_colour(code: str) -> str:
    """The colour of a country or region (ISO3 code or model region), the same in every chart."""
    if code in COUNTRY_COLOURS:
        return COUNTRY_COLOURS[code]
    return FALLBACK_COLOURS[zlib.crc32(str(code).encode()) % len(FALLBACK_COLOURS)]


def series_colours(column: str, values: Iterable) -> dict:
    """Colour of each value of a colour column: by country for :data:`COUNTRY_COLUMNS`, by
    stage for ``stage``, else :data:`SAFE_PALETTE` in order of appearance."""
    values = list(dict.fromkeys(values))
    if column in COUNTRY_COLUMNS:
        return {v: country_colour(v) for v in values}
    if column == "stage":
        return {v: STAGE_COLOURS.get(v, PALETTE[-1]) for v in values}
    return {v: SAFE_PALETTE[i % len(SAFE_PALETTE)] for i, v in enumerate(values)}
