"""Shared look-ups for the criticality methods: preferred rows, governance by year, groups."""

from __future__ import annotations

import pandas as pd

from reechain.data.dataset import Dataset
from reechain.errors import ReechainError, UnknownNameError

GROUPS = ("LREE", "HREE", "Sc")


def preferred(df: pd.DataFrame) -> pd.DataFrame:
    """The rows marked preferred (one per key where sources disagree)."""
    return df[df["preferred"].fillna(False).astype(bool)]


def governance(ds: Dataset, indicator: str, year: int) -> pd.Series:
    """Latest preferred value of a governance ``indicator`` per country at or before ``year``
    [score, about -2.5 worst to 2.5 best], indexed by ISO3."""
    values, _ = governance_near(ds, indicator, year, later=False)
    return values


def governance_near(
    ds: Dataset, indicator: str, year: int, later: bool = True
) -> tuple[pd.Series, int]:
    """Like :func:`governance`, and the newest year used. With ``later``, a year before the
    data's first takes the first year's values (the caller should say so)."""
    g = preferred(ds.table("governance"))
    known = set(g["indicator"])
    if indicator not in known:
        raise UnknownNameError("governance indicator", indicator, known)
    g = g[(g["indicator"] == indicator) & g["value"].notna()]
    first = int(g["year"].min())
    if year < first and later:
        year = first
    g = g[g["year"] <= year]
    if g.empty:
        raise ReechainError(
            f"no {indicator} values at or before {year}; the data starts in {first}"
        )
    latest = g.sort_values("year").groupby("country").tail(1)
    return latest.set_index("country")["value"], int(latest["year"].max())


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


def eu_assessment(ds: Dataset, year: int) -> str:
    """The newest EU assessment published in or before ``year`` (e.g. 2024 -> EU2023)."""
    names = sorted(a for a in set(ds.table("criticality_inputs")["assessment"]) if a[:2] == "EU")
    usable = [a for a in names if int(a[2:]) <= year]
    if not usable:
        raise ReechainError(f"no EU assessment in or before {year}; the first is {names[0]}")
    return usable[-1]


def assessment_inputs(ds: Dataset, assessment: str) -> pd.DataFrame:
    """The preferred ``criticality_inputs`` rows of one assessment (e.g. EU2023)."""
    c = ds.table("criticality_inputs")
    rows = preferred(c[c["assessment"] == assessment])
    if rows.empty:
        raise UnknownNameError("assessment", assessment, c["assessment"].unique())
    return rows
