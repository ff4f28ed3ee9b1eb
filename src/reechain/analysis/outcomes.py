"""What a scenario changes: key figures over a scenario's results and its no-event baseline.

Everything here reads tidy flows (the same metrics as for observed data) plus the scenario's
events; nothing solves a model.
"""

from __future__ import annotations

import logging

import pandas as pd

from reechain.analysis import metrics
from reechain.data.dataset import Dataset
from reechain.data.flows import UNATTRIBUTED, material_flows
from reechain.data.schema import STAGES
from reechain.engine.inputs.byproducts import byproducts_per_reo
from reechain.engine.run import ScenarioResult
from reechain.engine.scenario import BlocMembershipEvent, DemandEvent, ProjectEvent

logger = logging.getLogger(__name__)

MAGNET_REE = "Pr+Nd+Tb+Dy"


def stage_concentration(
    result: ScenarioResult, material_by_stage: dict | None = None
) -> pd.DataFrame:
    """HHI, CR1 and the top supplier per stage and year from the model's flows."""
    material_by_stage = material_by_stage or {
        "mining": "TREO",
        "separation": "TREO",
        "metal": "REM",
        "magnet": "NdFeB",
    }
    frames = [
        metrics.concentration(metrics.shares(result.flows, stage, None, material=mat))
        for stage, mat in material_by_stage.items()
    ]
    return pd.concat(frames, ignore_index=True)


def country_shares(result: ScenarioResult, stage: str, material: str = "TREO") -> pd.DataFrame:
    """Model shares of every region per year for a stage (elements summed for '+'-groups)."""
    return metrics.shares(material_flows(result.flows, material), stage, None, material=material)


def bloc_shares(
    result: ScenarioResult, ds: Dataset, stage: str, bloc: str, material: str = "TREO"
) -> pd.DataFrame:
    """A bloc's share per year with membership as of 31 December, including the scenario's
    bloc_membership events, beside the share without those joiners."""
    flows = material_flows(result.flows, material)
    joins = [
        ev
        for ev in result.scenario.events
        if isinstance(ev, BlocMembershipEvent) and ev.bloc == bloc and ev.role == "member"
    ]
    frames = []
    for y in result.scenario.years:
        members = set(ds.bloc_members(bloc, on=f"{y}-12-31"))
        joined = {ev.country for ev in joins if ev.from_.year <= y}
        groups = {
            f"{bloc} (data)": sorted(members),
            f"{bloc} with scenario joiners": sorted(members | joined),
        }
        frames.append(metrics.shares(flows, stage, y, material=material, by="group", groups=groups))
    return pd.concat(frames, ignore_index=True)


def project_outputs(result: ScenarioResult, ds: Dataset) -> pd.DataFrame:
    """Per project with a feed of its own and year: oxide output by element [t REO] and
    by-products scaled from the deposit's planned plant (thorium, barite, fluorite per t REO).
    A plant fed by a mine that exists is left out (its output is part of its region's)."""
    net = result.inputs.network
    rows = []
    facts = ds.table("deposit_facts")
    for ev in result.scenario.events:
        if not isinstance(ev, ProjectEvent) or ev.feed is None:
            continue
        pool = f"{ev.feed.deposit}:{ev.name}"
        if pool not in net.composition.index:
            continue  # fed by a mine that exists: its output is its region's, not its own
        mined = result.pool_output[result.pool_output["deposit"] == pool].set_index("year")["value"]
        comp = net.composition.loc[pool]
        rec = net.recovery
        per_reo = byproducts_per_reo(facts, ev.feed.deposit)
        for y, t in mined.items():
            row = {"project": ev.name, "year": int(y), "treo_t": float(t)}
            for e in ("La", "Ce", "Pr", "Nd", "Tb", "Dy"):
                row[f"{e}_t"] = float(t * comp.get(e, 0.0) * rec.get(e, 0.0))
            for name, (ratio, _) in per_reo.items():
                row[f"{name}_t"] = float(t * ratio)
            rows.append(row)
    return pd.DataFrame(rows)


def demand_coverage(result: ScenarioResult, projects: pd.DataFrame) -> pd.DataFrame:
    """For each demand event with an activity: its magnets' Nd, Pr, Dy needs per year against
    the scenario's project output of those elements in the same region [t and %]."""
    net = result.inputs.network
    rows = []
    demand = net.demand.assign(quantity=net.demand_column("reference"))
    demand = demand[demand["kind"] == "magnet"]
    for ev in result.scenario.events:
        if not isinstance(ev, DemandEvent) or ev.activity is None:
            continue
        region = ev.region
        local_projects = [
            p.name
            for p in result.scenario.events
            if isinstance(p, ProjectEvent) and p.country == region
        ]
        for y in result.scenario.years:
            d = demand[(demand["year"] == y) & (demand["region"] == region)]
            magnets = float(d["quantity"].sum())
            if magnets <= 0:
                continue
            grade_mix = d.groupby("item")["quantity"].sum() / magnets
            need = {}
            for e in ("Pr", "Nd", "Dy", "Tb"):
                metal = magnets * sum(
                    grade_mix.get(g, 0) * _content(net, g, e) for g in grade_mix.index
                )
                need[e] = metal / float(net.metal_per_oxide.get(e, 1.0))
            out = (
                projects[(projects["year"] == y) & projects["project"].isin(local_projects)]
                if len(projects)
                else pd.DataFrame()
            )
            row = {"region": region, "year": y, "magnets_t": magnets}
            for e in ("Pr", "Nd", "Dy", "Tb"):
                supply = float(out[f"{e}_t"].sum()) if len(out) else 0.0
                row[f"{e}_need_oxide_t"] = need[e]
                row[f"{e}_project_t"] = supply
                row[f"{e}_coverage"] = supply / need[e] if need[e] > 0 else float("nan")
            rows.append(row)
    return pd.DataFrame(rows)


def _content(net, grade: str, element: str) -> float:
    """t element per t magnet of a grade (central Pr/Nd split when the split is flexible)."""
    if net.prnd is not None and element in ("Pr", "Nd"):
        low, high = net.pr_share
        pr = (low + high) / 2
        return float(net.prnd[grade]) * (pr if element == "Pr" else 1 - pr)
    return float(net.recipe.loc[grade].get(element, 0.0))


def ownership_vs_location(result: ScenarioResult, stage: str = "separation") -> pd.DataFrame:
    """Each owner's share of world output of a stage per year: by location and by ownership."""
    loc = metrics.shares(result.flows, stage, None, material="TREO")
    own = metrics.shares(result.owner_flows, stage, None, material="TREO", by="owner")
    loc = loc.rename(columns={"share": "share_by_location"})[["year", "group", "share_by_location"]]
    own = own.rename(columns={"share": "share_by_ownership"})[
        ["year", "group", "share_by_ownership"]
    ]
    out = loc.merge(own, on=["year", "group"], how="outer")
    out = out[out["group"] != UNATTRIBUTED]
    return out.fillna({"share_by_location": 0.0}).sort_values(
        ["year", "share_by_location"], ascending=[True, False]
    )


def surplus_by_element(result: ScenarioResult) -> pd.DataFrame:
    """Oxide surplus (discarded or stockpiled) per year and element, world [t REO]."""
    s = result.surplus
    if s.empty:
        return pd.DataFrame(columns=["year", "element", "surplus"])
    return s.groupby(["year", "element"], as_index=False)["surplus"].sum()


def unmet_by_region(result: ScenarioResult) -> pd.DataFrame:
    u = result.unmet
    if u.empty:
        return pd.DataFrame(columns=["year", "region", "kind", "item", "unmet"])
    return u.groupby(["year", "region", "kind", "item"], as_index=False)["unmet"].sum()


UNMET_UNITS = {"magnet": "t magnet", "metal": "t metal", "oxide": "t REO"}


def _shortfall_rows(res: ScenarioResult) -> list[dict]:
    """Rows (year, metric, value) of unmet demand per form [its unit] and of surplus oxide
    [t REO], all elements and Dy and Tb alone."""
    rows = []
    unmet = res.unmet
    for (y, kind), v in unmet.groupby(["year", "kind"])["unmet"].sum().items():
        rows.append({"year": y, "metric": f"unmet {kind} [{UNMET_UNITS[kind]}]", "value": v})
    for element in ("Dy", "Tb"):
        part = unmet[unmet["item"] == element]
        for (y, kind), v in part.groupby(["year", "kind"])["unmet"].sum().items():
            rows.append(
                {"year": y, "metric": f"unmet {element} {kind} [{UNMET_UNITS[kind]}]", "value": v}
            )
    surplus = res.surplus
    for y, v in surplus.groupby("year")["surplus"].sum().items():
        rows.append({"year": y, "metric": "surplus oxide [t REO]", "value": v})
    for element in ("Dy", "Tb"):
        part = surplus[surplus["element"] == element]
        for y, v in part.groupby("year")["surplus"].sum().items():
            rows.append({"year": y, "metric": f"surplus {element} oxide [t REO]", "value": v})
    return rows


def compare(a: ScenarioResult, b: ScenarioResult) -> pd.DataFrame:
    """Side by side per year: China's share and HHI per stage, unmet demand per form (never
    added across forms: t magnet, t metal and t REO differ) and surplus oxide, with Dy and Tb
    on their own rows."""
    rows = []
    for label, res in (("A", a), ("B", b)):
        conc = stage_concentration(res)
        for r in conc.itertuples():
            rows.append(
                {"scenario": label, "year": r.year, "metric": f"{r.stage} HHI", "value": r.hhi}
            )
            rows.append(
                {"scenario": label, "year": r.year, "metric": f"{r.stage} CR1", "value": r.cr1}
            )
        rows += [{"scenario": label, **r} for r in _shortfall_rows(res)]
    df = pd.DataFrame(rows)
    wide = df.pivot_table(
        index=["metric", "year"], columns="scenario", values="value", aggfunc="sum"
    ).reset_index()
    for col in ("A", "B"):
        if col not in wide:
            wide[col] = float("nan")
    # a run without unmet or surplus rows for a year has none: 0, not missing
    shortfall = wide["metric"].str.startswith(("unmet ", "surplus "))
    wide.loc[shortfall, ["A", "B"]] = wide.loc[shortfall, ["A", "B"]].fillna(0.0)
    wide["B - A"] = wide["B"] - wide["A"]
    order = {
        m: i for i, m in enumerate([f"{s} HHI" for s in STAGES] + [f"{s} CR1" for s in STAGES])
    }
    return wide.sort_values(
        ["metric", "year"], key=lambda c: c.map(order).fillna(99) if c.name == "metric" else c
    ).reset_index(drop=True)
