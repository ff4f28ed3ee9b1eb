"""Legend names: countries by their short names (:func:`country_names`), stages by their
titles (:data:`STAGE_TITLES`)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

STAGE_TITLES = {
    "mining": "Mining",
    "separation": "Separation",
    "metal": "Metal",
    "magnet": "Magnets",
}
# Short forms of the dataset's official (UN) names, for legends
SHORT_NAMES = {
    "USA": "United States",
    "GBR": "United Kingdom",
    "KOR": "South Korea",
    "RUS": "Russia",
    "LAO": "Laos",
    "VNM": "Vietnam",
    "TZA": "Tanzania",
    "EU27": "EU27",
    "OTH": "Other countries",
    "ROW": "Rest of world",
}


def country_names(countries: pd.DataFrame) -> dict[str, str]:
    """ISO3 -> legend name from the dataset's countries table (``iso3``, ``name``), the long
    official names shortened (parentheses dropped, :data:`SHORT_NAMES`)."""
    names = {
        str(code): str(name).split(" (")[0]
        for code, name in zip(countries["iso3"], countries["name"], strict=True)
    }
    return names | SHORT_NAMES


def legend_name(value: object, names: Mapping[str, str] | None = None) -> str:
    """Legend text of a value: a country's name, a stage's title, else the value itself."""
    text = str(value)
    return (names or {}).get(text, STAGE_TITLES.get(text, text))
