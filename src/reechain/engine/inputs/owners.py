"""Who owns the existing capacity of each region and stage: the owners of its operating
facilities in the ownership table (Lynas Malaysia is Australian, not Malaysian); a facility
without an ownership record, and a region without any facility in the data, is owned by its
host country (said in the report)."""

from __future__ import annotations

import pandas as pd

from reechain.engine.inputs.context import ROW, Context

OWNER_COLUMNS = ["region", "stage", "owner", "share"]


def existing_owners(ctx: Context) -> pd.DataFrame:
    """[region, stage, owner, share]: the owner countries [fraction] of each region's existing
    output at each stage, from the facilities operating there in the base year (equal weights,
    since their reported figures come in different materials and units); a region and stage
    without facilities in the data has no row (its host owns it), nor has the rest-of-world
    region (a few listed plants don't stand for its output)."""
    fac = ctx.table("facilities")
    fac = fac[(fac["status"] == "operating") & fac["stage"].isin(["mining", "separation",
                                                                  "metal", "magnet"])]  # fmt: skip
    owners = _owners_on(ctx.table("ownership"), ctx.base)
    rows = []
    fac = fac[fac["country"].map(ctx.region_of) != ROW]  # the rest of the world stays as is
    started = fac["start_year"].isna() | (fac["start_year"] <= ctx.base)
    fac = fac[started]  # the base year's facilities
    for r in fac.itertuples():
        held = owners[owners["asset_id"] == r.facility_id]
        region = ctx.region_of(r.country)
        known = float(held["share"].sum()) if len(held) else 0.0
        rows += [
            {"region": region, "stage": r.stage, "owner": h.owner_country, "share": h.share}
            for h in held.itertuples()
        ]
        if known < 1 - 1e-9:
            rows.append(
                {"region": region, "stage": r.stage, "owner": r.country, "share": 1 - known}
            )
    table = pd.DataFrame(rows, columns=OWNER_COLUMNS)
    if table.empty:
        return table
    # each facility weighs 1 in its region and stage
    counts = fac.assign(region=fac["country"].map(ctx.region_of)).groupby(["region", "stage"])
    table["share"] = table["share"] / table.set_index(["region", "stage"]).index.map(counts.size())
    out = table.groupby(["region", "stage", "owner"], as_index=False)["share"].sum()
    moved = out[out["owner"] != out["region"]]
    if len(moved):
        ctx.book.note(
            "owners of existing capacity",
            moved.round(3).to_dict("records"),
            "fraction",
            "operating facilities' owners in the ownership table (equal weight per facility); "
            "the rest owned by the host country",
            "",
        )
    return out


def _owners_on(ownership: pd.DataFrame, year: int) -> pd.DataFrame:
    """The ownership rows in force at the end of ``year``: each asset's latest record."""
    own = ownership[pd.to_datetime(ownership["as_of"]) <= pd.Timestamp(year, 12, 31)]
    latest = own.groupby("asset_id")["as_of"].transform("max")
    return own[own["as_of"] == latest]
