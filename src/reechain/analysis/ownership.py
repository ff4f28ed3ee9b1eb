"""Ownership attribution: facility output split by owners' shares, so that concentration can be
read by control as well as by location.

Only facilities with a reported output for the year and an ownership record count; the rest of
world output stays unattributed (lower coverage), never assigned to the host country by default.
"""

from __future__ import annotations

import pandas as pd

from reechain.data.dataset import Dataset
from reechain.data.flows import FLOW_COLUMNS, UNATTRIBUTED, WORLD, observed_flows
from reechain.errors import ReechainError


def owners_on(ownership: pd.DataFrame, year: int) -> pd.DataFrame:
    """Ownership in force at the end of ``year``: per asset, the latest ``as_of`` record."""
    cut = pd.Timestamp(f"{int(year)}-12-31")
    own = ownership[ownership["as_of"] <= cut]
    latest = own.groupby("asset_id")["as_of"].transform("max")
    return own[own["as_of"] == latest]


def owner_flows(ds: Dataset, stage: str, year: int, material: str = "TREO") -> pd.DataFrame:
    """Flows of one stage and year attributed to owner countries, plus the world total row.

    ``owner`` holds the owner's country (ISO3); the part of a facility's output whose owners are
    unknown is kept with owner ``'unattributed'``.
    """
    fac = ds.table("facilities")
    cap = ds.table("facility_capacity")
    out = cap[
        (cap["measure"] == "output")
        & (cap["year"] == year)
        & (cap["material"] == material)
        & cap["preferred"].fillna(False)
        & cap["value"].notna()
    ]
    out = out.merge(fac[["facility_id", "country", "stage", "deposit_id"]], on="facility_id")
    out = out[out["stage"] == stage]
    owners = owners_on(ds.table("ownership"), year)
    rows = []
    for r in out.itertuples():
        held = owners[owners["asset_id"] == r.facility_id]
        if held.empty and stage == "mining" and pd.notna(r.deposit_id):
            held = owners[
                (owners["asset_id"] == r.deposit_id) & (owners["asset_type"] == "deposit")
            ]
        attributed = 0.0
        for h in held.itertuples():
            rows.append(
                (
                    year,
                    stage,
                    material,
                    r.country,
                    None,
                    h.owner_country,
                    r.value * h.share,
                    r.unit.replace("/yr", ""),
                    f"{r.source_id};{h.source_id}",
                )
            )
            attributed += h.share
        if attributed < 1 - 1e-9:
            rows.append(
                (
                    year,
                    stage,
                    material,
                    r.country,
                    None,
                    UNATTRIBUTED,
                    r.value * (1 - attributed),
                    r.unit.replace("/yr", ""),
                    r.source_id,
                )
            )
    flows = pd.DataFrame(rows, columns=FLOW_COLUMNS)
    world = observed_flows(ds.table("production"), measure="output")
    world = world[
        (world["origin"] == WORLD)
        & (world["stage"] == stage)
        & (world["year"] == year)
        & (world["material"] == material)
        & world["value"].notna()
    ]
    if world.empty:
        raise ReechainError(
            f"no published world total of {stage} {material} in {year}: shares by owner need one "
            "(facility outputs alone would make the reported plants look like the whole world)"
        )
    return pd.concat([flows, world], ignore_index=True)
