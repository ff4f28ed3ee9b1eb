"""Concentration metrics over the tidy flows: shares, HHI, CR1/CR3 and N-1 coverage.

Conventions (stated once, used everywhere):

- The denominator of a share is the published world total (``origin == 'WLD'``) for the stage,
  year and material. Without one, tonnages give no shares unless the caller asks for
  ``denominator='sum'`` (then ``coverage`` is 1 by construction and ``world_basis`` says so).
- Where a source gives shares rather than tonnes (the IEA's separation and magnet shares), the
  shares are used as given and tonnes stay NaN.
- ``coverage`` is the fraction of world output that is attributed to named countries (or owners).
  Output reported only as "other countries" (OTH), withheld ("W") or missing does not count.
- A missing share is never treated as zero in concentration: the HHI is reported as a bracket.
  ``hhi`` sums the squares of the known shares, the least concentrated the truth can be
  (the remainder spread over many small suppliers); ``hhi_upper`` adds the square of the
  uncovered remainder (all of it held by one further supplier).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from reechain.data.flows import OTHER, UNATTRIBUTED, WORLD, as_flows

logger = logging.getLogger(__name__)

SHARE_COLUMNS = [
    "year",
    "stage",
    "material",
    "group",
    "share",
    "value",
    "unit",
    "coverage",
    "world",
    "world_basis",
    "source",
]


def _select(
    flows: pd.DataFrame, stage: str, material: str, years: Iterable[int] | None
) -> pd.DataFrame:
    df = flows[
        (flows["stage"] == stage) & (flows["material"] == material) & flows["destination"].isna()
    ]
    if years is not None:
        df = df[df["year"].isin(list(years))]
    return df


def _all_shares(df: pd.DataFrame, group_col: str, denominator: str) -> pd.DataFrame:
    """Shares for one stage and material, every year at once, from flows rows (tonnes or
    fractions). Per year, the denominator is the published world total (tonnes); else, with
    ``denominator='sum'`` and no published shares, the sum of the reported tonnes; else the
    shares as published (fractions)."""
    is_fraction = df["unit"] == "fraction"
    tonnes, fractions = df[~is_fraction], df[is_fraction]
    world_rows = tonnes[(tonnes["origin"] == WORLD) & tonnes["value"].notna()]
    world = world_rows.groupby("year")["value"].first()
    world_sources = world_rows.groupby("year")["source"].agg(
        lambda s: ";".join(sorted(set(s.dropna())))
    )
    parts = tonnes[tonnes["origin"] != WORLD]
    sum_years: set = set()
    if denominator == "sum":
        reported = parts[parts["value"].notna()]
        sum_years = set(reported["year"]) - set(world.index) - set(fractions["year"])
        world = pd.concat(
            [world, reported[reported["year"].isin(sum_years)].groupby("year")["value"].sum()]
        )
    frames = []
    by_tonnes = parts[parts["year"].isin(world.index)]
    if len(by_tonnes):
        grouped = by_tonnes.groupby(["year", group_col], dropna=False)
        out = pd.DataFrame(
            {
                "value": grouped["value"].sum(min_count=1),  # all-missing stays missing
                "unit": grouped["unit"].first(),
                "source": _sources(grouped["source"]),
            }
        ).reset_index()
        out["world"] = out["year"].map(world)
        out["share"] = out["value"] / out["world"]
        out["world_basis"] = np.where(
            out["year"].isin(sum_years),
            "sum of reported countries (no published world total)",
            "published world total",
        )
        extra = [world_sources.get(y, "") for y in out["year"]]
        out["source"] = [
            ";".join(sorted(set(filter(None, f"{a};{b}".split(";")))))
            for a, b in zip(out["source"], extra, strict=True)
        ]
        frames.append(out)
    published = fractions[~fractions["year"].isin(world.index) & (fractions["origin"] != WORLD)]
    if len(published):  # shares as published (e.g. IEA): no tonnage denominator
        grouped = published.groupby(["year", group_col], dropna=False)
        out = pd.DataFrame(
            {"share": grouped["value"].sum(min_count=1), "source": _sources(grouped["source"])}
        ).reset_index()
        out["value"], out["unit"], out["world"] = np.nan, "fraction", np.nan
        out["world_basis"] = "shares as published"
        frames.append(out)
    if not frames:
        return pd.DataFrame(columns=["year", "group", *SHARE_COLUMNS[4:]])
    return pd.concat(frames, ignore_index=True).rename(columns={group_col: "group"})


def _join(values: Iterable) -> str:
    """Source ids of several cells (each may hold ids joined by ';'), unique and sorted."""
    return ";".join(sorted({p for v in values if isinstance(v, str) for p in v.split(";") if p}))


def _sources(grouped) -> pd.Series:
    """:func:`_join` per group of a grouped ``source`` column (distinct cells first)."""
    return grouped.unique().map(_join)


def shares(
    flows: pd.DataFrame,
    stage: str,
    year: int | Iterable[int] | None = None,
    material: str = "TREO",
    by: str = "country",
    groups: Mapping[str, Iterable[str]] | None = None,
    denominator: str = "world",
) -> pd.DataFrame:
    """Shares of world output by country, group of countries (bloc) or owner.

    Parameters
    ----------
    flows
        Flows table, or the dataset's production table (its preferred rows are used).
    stage
        mining | separation | metal | magnet.
    year
        One year, several, or None for all years with data.
    material
        TREO (default), an element symbol, a '+'-group such as 'Pr+Nd', REM or NdFeB.
    by
        'country' (origin), 'owner' (the flows' owner column, from ownership attribution) or
        'group' (sums of countries given in ``groups``, e.g. bloc members; a group's ``share``
        counts members with data, ``share_upper`` adds the uncovered remainder).
    groups
        For ``by='group'``: label -> countries, e.g. ``{"BRICS": ["BRA", "RUS", ...]}``.
        Countries in no group are summed into 'rest of world'.
    denominator
        'world' (default): tonnages become shares only over a published world total; a year
        with tonnages for some countries but no world total gives no shares (a single
        reported country would otherwise look like 100 %). 'sum': use the sum of the reported
        countries when no world total exists (only sensible for complete country tables).

    Returns
    -------
    DataFrame
        ``year, stage, material, group, share [fraction], value [t], unit, coverage [fraction],
        world [t], world_basis, source``, sorted by year and descending share.
    """
    flows = as_flows(flows)
    years = [year] if isinstance(year, (int, np.integer)) else year
    df = _select(flows, stage, material, years)
    if denominator not in ("world", "sum"):
        raise ValueError(f"denominator must be 'world' or 'sum', not {denominator!r}")
    if by == "owner":
        df = df.assign(_group=df["owner"].where(df["origin"] != WORLD, None))
        df.loc[df["origin"] == WORLD, "origin"] = WORLD
    elif by in ("country", "group"):
        df = df.assign(_group=df["origin"])
    else:
        raise ValueError(f"by must be 'country', 'group' or 'owner', not {by!r}")
    result = _all_shares(df, "_group", denominator)
    if result.empty:
        return pd.DataFrame(columns=SHARE_COLUMNS)
    named = result[
        result["group"].notna()
        & ~result["group"].isin([OTHER, UNATTRIBUTED])
        & result["share"].notna()
    ]
    # Rounded world totals can fall a little below the sum of countries: cap at 1.
    coverage = named.groupby("year")["share"].sum().clip(upper=1.0)
    result["coverage"] = result["year"].map(coverage).fillna(0.0)
    result["year"] = result["year"].astype(int)
    result["stage"], result["material"] = stage, material
    columns = SHARE_COLUMNS
    if by == "group":
        result = _group_countries(result, groups or {})
        columns = [*SHARE_COLUMNS[:5], "share_upper", *SHARE_COLUMNS[5:], "members_with_data"]
    result = result.sort_values(["year", "share"], ascending=[True, False], na_position="last")
    return result[columns].reset_index(drop=True)


def _group_countries(
    country_shares: pd.DataFrame, groups: Mapping[str, Iterable[str]]
) -> pd.DataFrame:
    """Sum country shares into the given groups (a country may be in several groups)."""
    if not groups:
        return country_shares.iloc[0:0]
    labels = list(groups)
    per_year = (
        country_shares.groupby("year")
        .agg(
            stage=("stage", "first"),
            material=("material", "first"),
            unit=("unit", "first"),
            coverage=("coverage", "first"),
            world=("world", "first"),
            world_basis=("world_basis", "first"),
        )
        .reset_index()
    )
    membership = pd.DataFrame(
        [(label, m) for label, members in groups.items() for m in set(members)],
        columns=["label", "group"],
    )
    parts = membership.merge(country_shares[["year", "group", "share", "value", "source"]])
    grouped = parts.groupby(["label", "year"])
    sums = pd.DataFrame(
        {
            "share": grouped["share"].sum(min_count=1),
            "value": grouped["value"].sum(min_count=1),
            "source": _sources(grouped["source"]) if len(parts) else None,
            "n": grouped["group"].nunique(),
        },
        columns=["share", "value", "source", "n"],
    ).reset_index()
    grid = pd.DataFrame({"label": labels}).merge(per_year, how="cross")
    out = grid.merge(sums, on=["label", "year"], how="left")
    # No member with data: the known share is 0, and at most the uncovered remainder.
    out["share"] = out["share"].fillna(0.0)
    out["share_upper"] = out["share"] + (1.0 - out["coverage"]).clip(lower=0.0)
    out["members_with_data"] = out["n"].fillna(0).astype(int)
    out["source"] = out["source"].astype(country_shares["source"].dtype)
    return out.rename(columns={"label": "group"})


def concentration(share_table: pd.DataFrame) -> pd.DataFrame:
    """HHI, CR1, CR3 and N-1 coverage per year, stage and material from a country share table.

    Returns
    -------
    DataFrame
        ``year, stage, material, hhi [0-10,000], hhi_upper [0-10,000], hhi_unit [0-1], cr1,
        cr3 [fraction], top_supplier, n1_coverage [fraction], coverage [fraction],
        n_suppliers``. ``hhi`` is the lower bound when coverage < 1 (see the module notes);
        ``n1_coverage`` is the share of world output left without the largest supplier.
    """
    rows = []
    for (year, stage, material), part in share_table.groupby(["year", "stage", "material"]):
        named = part[
            part["group"].notna()
            & ~part["group"].isin([OTHER, UNATTRIBUTED])
            & part["share"].notna()
        ]
        named = named.sort_values("share", ascending=False)
        s = named["share"].to_numpy(dtype=float)
        if len(s) == 0:  # only missing or unattributed values: nothing to measure
            continue
        coverage = min(1.0, float(s.sum()))  # rounded world totals: see shares()
        remainder = 1.0 - coverage
        hhi_unit = float(np.sum(s**2))
        cr1 = float(s[0]) if len(s) else np.nan
        rows.append(
            {
                "year": int(year),
                "stage": stage,
                "material": material,
                "hhi": 10_000 * hhi_unit,
                "hhi_upper": 10_000 * (hhi_unit + remainder**2),
                "hhi_unit": hhi_unit,
                "cr1": cr1,
                "cr3": float(s[:3].sum()) if len(s) else np.nan,
                "top_supplier": named["group"].iloc[0] if len(s) else None,
                "n1_coverage": 1.0 - cr1 if len(s) else np.nan,
                "coverage": coverage,
                "n_suppliers": len(s),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "year",
            "stage",
            "material",
            "hhi",
            "hhi_upper",
            "hhi_unit",
            "cr1",
            "cr3",
            "top_supplier",
            "n1_coverage",
            "coverage",
            "n_suppliers",
        ],
    )


def hhi(shares_: Iterable[float]) -> float:
    """Herfindahl-Hirschman index of shares given as fractions [0-10,000]."""
    s = np.asarray(list(shares_), dtype=float)
    if np.isnan(s).any():
        raise ValueError(
            "a share is missing (NaN); HHI is not defined without it - use "
            "concentration(), which reports a bracket and the coverage"
        )
    return float(10_000 * np.sum(s**2))


def latest_year(
    flows: pd.DataFrame, stage: str, material: str = "TREO", historical_until: int | None = None
) -> int | None:
    """Latest year with data for a stage and material (at most ``historical_until``)."""
    flows = as_flows(flows)
    df = _select(flows, stage, material, None)
    df = df[df["value"].notna()]
    if historical_until is not None:
        df = df[df["year"] <= historical_until]
    return int(df["year"].max()) if len(df) else None


def bloc_shares(
    ds,
    flows: pd.DataFrame,
    stage: str,
    years: Iterable[int] | int | None = None,
    blocs: Iterable[str] = ("BRICS",),
    material: str = "TREO",
    roles: Iterable[str] = ("member",),
    add: Mapping[str, Iterable[str]] | None = None,
) -> pd.DataFrame:
    """Shares of blocs, with membership as of 31 December of each year.

    Parameters
    ----------
    ds
        Dataset holding the bloc memberships.
    roles
        Which roles count (member; or member, partner, applicant ...).
    add
        Hypothetical members per bloc, e.g. ``{"BRICS": ["TUR"]}`` gives an extra group
        'BRICS + TUR' beside 'BRICS'.
    """
    flows = as_flows(flows)
    if isinstance(years, (int, np.integer)):
        years = [years]
    if years is None:
        years = sorted(set(_select(flows, stage, material, None)["year"]))
    add = add or {}
    frames = []
    for y in years:
        on = f"{int(y)}-12-31"
        groups: dict[str, list[str]] = {}
        for bloc in blocs:
            members = ds.bloc_members(bloc, on=on, roles=roles)
            groups[bloc] = members
            if bloc in add:
                extra = [ds.check_country(c) for c in add[bloc]]
                groups[f"{bloc} + {'+'.join(extra)}"] = sorted(set(members) | set(extra))
        part = shares(flows, stage, int(y), material=material, by="group", groups=groups)
        frames.append(part)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
