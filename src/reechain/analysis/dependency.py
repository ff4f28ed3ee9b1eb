"""Dependency along the chain: through whom does a consumer's supply pass, stage by stage?

The model's flows say who ships what to whom at each stage. Assuming each plant mixes its
inputs (proportional attribution, the usual input-output convention), a consumer's supply of an
element (or of magnets) is traced back: magnets from magnet plants, their metal from metal
plants, that metal's oxide from separators, their concentrate from mines. A path is one
(mine, separation, metal, magnet) sequence of regions with its probability; the share of
supply that passes a region at a stage is the sum over paths, and the *effective* dependency
on a region is the share of supply whose path passes it at any stage (a magnet bought from
Japan made of Chinese metal still depends on China).
"""

from __future__ import annotations

import logging
from collections import defaultdict

import pandas as pd

from reechain.analysis import metrics
from reechain.data.flows import observed_flows
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)

CRMA_MAX_THIRD_COUNTRY = 0.65
CRMA_TARGETS = {"extraction": 0.10, "processing": 0.40, "recycling": 0.25}


def _lane_shares(flows: pd.DataFrame, year: int, stage: str, material: str) -> pd.DataFrame:
    """Shares of each destination's receipts by origin for one lane family (stage, material)."""
    lanes = flows[
        (flows["year"] == year)
        & (flows["stage"] == stage)
        & (flows["material"] == material)
        & flows["destination"].notna()
    ]
    lanes = lanes.groupby(["destination", "origin"], as_index=False)["value"].sum()
    total = lanes.groupby("destination")["value"].transform("sum")
    lanes["share"] = lanes["value"] / total.where(total > 0)
    return lanes[lanes["share"] > 0]


FORMS = ("magnet", "metal", "oxide")


def paths(
    flows: pd.DataFrame,
    consumer: str | list[str],
    element: str | None,
    year: int,
    form: str = "magnet",
) -> pd.DataFrame:
    """Supply paths of ``consumer`` (a region, or several: a bloc) with their probabilities.

    ``form``: magnet (magnets received, traced upstream through the metal, oxide and
    concentrate of ``element``, default Nd), metal (``element`` metal received) or oxide
    (``element`` oxide received)."""
    if form not in FORMS:
        raise ReechainError(f"form must be one of {FORMS}, not {form!r}")
    element = element or "Nd"
    members = [consumer] if isinstance(consumer, str) else list(consumer)
    first_stage, first_material, chain, columns = {
        "magnet": (
            "magnet",
            "NdFeB",
            [("metal", element), ("separation", element), ("mining", "TREO")],
            ["magnet", "metal", "separation", "mining"],
        ),
        "metal": (
            "metal",
            element,
            [("separation", element), ("mining", "TREO")],
            ["metal", "separation", "mining"],
        ),
        "oxide": ("separation", element, [("mining", "TREO")], ["separation", "mining"]),
    }[form]
    lanes = flows[
        (flows["year"] == year)
        & (flows["stage"] == first_stage)
        & (flows["material"] == first_material)
        & flows["destination"].isin(members)
    ]
    received = lanes.groupby("origin")["value"].sum()
    received = received[received > 0]
    if received.empty:
        what = "magnets" if form == "magnet" else f"{element} {form}"
        raise ReechainError(f"{'+'.join(members)} receives no {what} in {year} in these flows")
    current: dict[tuple, float] = {(o,): v / received.sum() for o, v in received.items()}
    for stage, material in chain:
        shares = _lane_shares(flows, year, stage, material)
        by_dest = {
            d: list(zip(g["origin"], g["share"], strict=True))
            for d, g in shares.groupby("destination")
        }
        nxt: dict[tuple, float] = defaultdict(float)
        for path, p in current.items():
            sources = by_dest.get(path[-1])
            if not sources:  # no upstream lane recorded: the node supplies itself
                nxt[(*path, path[-1])] += p
                continue
            for origin, share in sources:
                nxt[(*path, origin)] += p * share
        current = nxt
    out = pd.DataFrame(
        [(*path, p) for path, p in current.items()], columns=[*columns, "probability"]
    )
    return out.sort_values("probability", ascending=False).reset_index(drop=True)


def dependency(
    flows: pd.DataFrame,
    consumer: str | list[str],
    element: str | None,
    year: int,
    form: str = "magnet",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(share of supply by stage and supplier, effective dependency by country)."""
    p = paths(flows, consumer, element, year, form)
    stages = [c for c in p.columns if c != "probability"]
    by_stage = pd.concat(
        [
            p.groupby(s, as_index=False)["probability"]
            .sum()
            .rename(columns={s: "supplier", "probability": "share"})
            .assign(stage=s)
            for s in stages
        ]
    )
    by_stage = by_stage[["stage", "supplier", "share"]].sort_values(
        ["stage", "share"],
        ascending=[True, False],
        key=lambda c: c.map({s: i for i, s in enumerate(stages)}) if c.name == "stage" else c,
    )
    countries = sorted(set(p[stages].to_numpy().ravel()))
    effective = pd.DataFrame(
        [
            {
                "country": c,
                "effective_dependency": float(
                    p.loc[(p[stages] == c).any(axis=1), "probability"].sum()
                ),
            }
            for c in countries
        ]
    )
    effective = effective.sort_values("effective_dependency", ascending=False)
    return by_stage.reset_index(drop=True), effective.reset_index(drop=True)


def stress(
    table: pd.DataFrame,
    stage: str,
    year: int,
    material: str,
    k: int = 1,
    withdraw: list[str] | None = None,
) -> pd.DataFrame:
    """World output left if the largest ``k`` suppliers (or the ``withdraw`` countries) stop.

    Coverage is the share of world output that remains [fraction]; with incomplete data the
    remaining share is a bracket (the uncovered rest may or may not belong to the withdrawn)."""
    s = metrics.shares(table, stage, year, material=material)
    if s.empty:
        raise ReechainError(f"no {stage} {material} shares for {year}")
    named = s[s["share"].notna() & (s["group"] != "OTH")].sort_values("share", ascending=False)
    gone = list(named["group"].head(k)) if withdraw is None else list(withdraw)
    lost = float(named.loc[named["group"].isin(gone), "share"].sum())
    coverage = float(s["coverage"].iloc[0])
    total = float(named["share"].sum())
    note = (
        f"the named countries add up to {total:.1%} of the published world total (sources "
        "disagree); shares are capped at 100 %"
        if total > 1
        else ""
    )
    lost = min(lost, 1.0)
    return pd.DataFrame(
        [
            {
                "stage": stage,
                "material": material,
                "year": year,
                "withdrawn": ", ".join(gone),
                "lost_share": lost,
                "remaining": max(0.0, min(coverage, 1.0) - lost),
                "remaining_upper": max(0.0, 1.0 - lost),
                "coverage": coverage,
                "note": note,
            }
        ]
    )


def crma_benchmarks(ds, year: int) -> pd.DataFrame:
    """EU Critical Raw Materials Act benchmarks against the observed data of ``year`` (or the
    latest year with data for a stage): no single third country above 65 % of the EU's supply
    at any stage (read here on world shares, the proxy the data allows), and EU extraction,
    processing and recycling capacity as 10 / 40 / 25 % of EU consumption (not assessable
    without EU consumption; said so)."""
    flows = observed_flows(ds.table("production"))
    members = set(ds.bloc_members("EU27", on=f"{year}-12-31"))
    rows = []
    for stage, material in (
        ("mining", "TREO"),
        ("separation", "Pr+Nd+Tb+Dy"),
        ("metal", "REM"),
        ("magnet", "NdFeB"),
    ):
        years = sorted(
            set(flows.loc[(flows["stage"] == stage) & (flows["material"] == material), "year"])
        )
        years = [y for y in years if y <= year]
        if not years:
            continue
        y = years[-1]
        s = metrics.shares(flows, stage, y, material=material)
        third = s[s["group"].notna() & ~s["group"].isin(members | {"OTH", "EU27"})]
        top = third.sort_values("share", ascending=False).iloc[0]
        rows.append(
            {
                "benchmark": f"no third country above 65 % ({stage}, world share proxy)",
                "year": y,
                "value": float(top["share"]),
                "largest": top["group"],
                "met": bool(top["share"] <= CRMA_MAX_THIRD_COUNTRY),
                "note": "world share used as proxy for the EU's sourcing share",
            }
        )
    for name, target in CRMA_TARGETS.items():
        rows.append(
            {
                "benchmark": f"EU {name} >= {target:.0%} of EU consumption",
                "year": year,
                "value": float("nan"),
                "largest": None,
                "met": None,
                "note": "not assessable on observed data (no EU rare earth consumption); "
                "from modelled flows: reechain crma --importer EU27 --year Y",
            }
        )
    return pd.DataFrame(rows)
