"""The tidy flows table, the one currency between data, engine and analysis.

Columns: ``year, stage, material, origin, destination, owner, value, unit, source``.
Production totals have an empty ``destination``; the published world total is the row with
``origin == "WLD"``. Observed production becomes flows with :func:`observed_flows`; the engine
writes simulated flows in the same columns, so every metric runs on both.
"""

from __future__ import annotations

import pandas as pd

from reechain.data.names import element_parts

FLOW_COLUMNS = [
    "year",
    "stage",
    "material",
    "origin",
    "destination",
    "owner",
    "value",
    "unit",
    "source",
]
WORLD = "WLD"
OTHER = "OTH"  # USGS "other countries": output, but of no named country
UNATTRIBUTED = "unattributed"  # output whose owners are not in the data


def empty_flows() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype="float64" if c == "value" else object) for c in FLOW_COLUMNS}
    )


PROJECTED = ("projected", "forecast")  # statuses of rows that are not observations


def observed_flows(
    production: pd.DataFrame, measure: str | None = None, projected: bool = False
) -> pd.DataFrame:
    """Preferred rows of the ``production`` table as flows (production totals).

    Parameters
    ----------
    production
        The dataset's production table.
    measure
        'output' (tonnes), 'share' (fractions, unit 'fraction') or None for both.
    projected
        Keep rows that are forecasts or projections (status projected or forecast; the
        IEA's 2030 shares, a mid-year forecast of a year's output). Off by default: they are
        not observations, and a concentration series would draw them as history.

    Withheld and missing rows are kept with a NaN value, so that coverage can count them.
    """
    df = production[production["preferred"].fillna(False).astype(bool)]
    if not projected:
        df = df[~df["status"].isin(PROJECTED)]
    df = df[df["measure"] != "recycled_output"]  # a part of output, not output of its own
    if measure is not None:
        df = df[df["measure"] == measure]
    out = pd.DataFrame(
        {
            "year": df["year"].astype("int64"),
            "stage": df["stage"],
            "material": df["material"],
            "origin": df["country"],
            "destination": None,
            "owner": None,
            "value": df["value"].astype("float64"),
            "unit": df["unit"],
            "source": df["source_id"],
        }
    )
    return out.reset_index(drop=True)


def as_flows(table: pd.DataFrame) -> pd.DataFrame:
    """Accept either a production table (observed) or a flows table and return flows."""
    if "measure" in table.columns and "country" in table.columns:
        return observed_flows(table)
    missing = [c for c in FLOW_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"not a flows table: missing columns {missing}; expected {FLOW_COLUMNS}")
    return table


def material_flows(flows: pd.DataFrame, material: str) -> pd.DataFrame:
    """Flows with production rows of a '+'-group (e.g. Pr+Nd+Tb+Dy) added, summed from its
    elements' rows per year, stage and origin; other materials pass through."""
    parts = element_parts(material)
    if len(parts) == 1:
        return flows
    sel = flows[flows["material"].isin(parts) & flows["destination"].isna()]
    summed = sel.groupby(["year", "stage", "origin", "unit"], as_index=False)["value"].sum()
    summed["material"], summed["destination"], summed["owner"] = material, None, None
    summed["source"] = ";".join(sorted(set(sel["source"].dropna()))) or None
    return pd.concat([flows, summed[FLOW_COLUMNS]], ignore_index=True)
