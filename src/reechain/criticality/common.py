"""Shared look-ups for the criticality methods: preferred rows, governance by year, groups."""

from __future__ import annotations

import pandas as pd

from ..dataset import Dataset
from ..errors import ReechainError, UnknownNameError

GROUPS = ("LREE", "HREE", "Sc")


def preferred(df: pd.DataFrame) -> pd.DataFrame:
    """The rows marked preferred (one per key where sources disagree)."""
    return df[df["preferred"].fillna(False).astype(bool)]


def governance(ds: Dataset, indicator: str, year: int) -> pd.Series:
    """Latest preferred value of a governance ``indicator`` per country at or before ``year``
    [score, about -2.5 worst to 2.5 best], indexed by ISO3."""
    g = preferred(ds.table("governance"))
    known = set(g["indicator"])
    if indicator not in known:
        raise UnknownNameError("governance indicator", indicator, known)
    g = g[(g["indicator"] == indicator) & (g["year"] <= year) & g["value"].notna()]
    if g.empty:
        first = int(ds.table("governance")["year"].min())
        raise ReechainError(
            f"no {indicator} values at or before {year}; the data starts in {first}"
        )
    return g.sort_values("year").groupby("country").tail(1).set_index("country")["value"]


def assumption(ds: Dataset, assumption_id: str) -> float:
    """A labelled assumption's central value."""
    return float(ds.table("assumptions").set_index("assumption_id").loc[assumption_id, "value"])


def group_elements(ds: Dataset, group: str) -> list[str]:
    """Element symbols of an EU group (LREE, HREE, Sc)."""
    el = ds.table("elements")
    if group not in GROUPS:
        raise UnknownNameError("group", group, GROUPS)
    return el.loc[el["group_eu"] == group, "symbol"].tolist()


def material_of(ds: Dataset, element: str | None, group: str | None) -> str | None:
    """The material an assessment row is filed under: an element symbol or a group."""
    if element is not None and group is not None:
        raise ReechainError("give --element or --group, not both")
    if element is not None:
        return ds.check_element(element)
    if group is not None and group not in GROUPS:
        raise UnknownNameError("group", group, GROUPS)
    return group
