"""Run a scenario end to end: inputs -> (reference run for licences) -> LP per year or over the
horizon -> checked, tidy results with ownership attribution and provenance."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd

from reechain.data.dataset import Dataset
from reechain.data.flows import FLOW_COLUMNS, UNATTRIBUTED
from reechain.engine import periods
from reechain.engine.inputs import Inputs, build_inputs
from reechain.engine.inputs.context import named_countries
from reechain.engine.model import ModelCache, solve
from reechain.engine.network import Network
from reechain.engine.results import RunResult, collect
from reechain.engine.scenario import Scenario
from reechain.engine.stages import BY_KIND

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass
class ScenarioResult:
    """A scenario's results: the tidy tables of :class:`RunResult` plus what produced them."""

    scenario: Scenario
    result: RunResult
    inputs: Inputs
    reference: RunResult | None = None
    owner_flows: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __getattr__(self, name: str):  # flows, prices, unmet, surplus, capacity_use, ...
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.result, name)

    @property
    def flows(self) -> pd.DataFrame:
        """Flows by calendar year, a run's months summed into their year (what shares, HHI and
        reports read); ``result.flows`` keeps the periods (``YYYYMM`` for months)."""
        flows = self.result.flows
        if not self.scenario.months:
            return flows
        keys = [c for c in flows.columns if c != "value"]
        annual = flows.assign(year=flows["year"].map(periods.year_of))
        return annual.groupby(keys, dropna=False, as_index=False, sort=False)["value"].sum()[
            flows.columns
        ]

    @property
    def provenance(self) -> pd.DataFrame:
        return pd.DataFrame(self.inputs.provenance)


def _solve_all(
    net: Network,
    foresight: bool,
    name: str,
    progress: Progress | None,
    cache: ModelCache | None = None,
) -> tuple[RunResult, pd.DataFrame]:
    """Solve every year in one LP. Myopic years share no variable, so the one block-diagonal
    LP has the same solution (and duals) as solving year by year, for one build instead of
    many; with ``foresight`` the years are linked by stocks. Returns the results and the
    concentrate shipped [year, deposit, origin, region, value] (t REO)."""
    if progress:
        progress(
            f"building and solving {len(net.years)} years "
            f"({'perfect foresight' if foresight else 'myopic'})",
            0,
            2,
        )
    solved = solve(net, foresight=foresight, cache=cache)
    if progress:
        progress("checking balances and collecting results", 1, 2)
    out = collect(solved, name)
    if progress:
        progress("done", 2, 2)
    conc = solved.value("conc").to_dataframe(name="value").reset_index()
    conc["origin"] = conc["deposit"].map(net.deposit_region)
    return out, conc[conc["value"] > 0]


def lane_caps(
    lanes: pd.DataFrame, reference: RunResult | None, concentrate: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Caps of the export-control lanes [t/yr], one per event, year, controlled product (an
    element's oxide or metal, a magnet grade containing a controlled element, or a mining
    pool's concentrate) and approval rate, summed over the destinations that share the rate:
    a licence regime grants or refuses per product.

    ban: 0 while in force (a part-year control keeps the reference flow for the rest of the
    year); quota: the quota shared over the products in proportion to their reference flows,
    pro rata for the part of the year; licence: reference flow x (1 - f + rate x f), with f the
    fraction of the year in force.
    """
    columns = ["cap_id", "year", "kind", "item", "origin", "dest", "upper"]
    if lanes.empty:
        return pd.DataFrame(columns=columns)
    lanes = lanes.assign(
        reference=_reference_flows(lanes, reference, concentrate) if reference is not None else 0.0,
        rate=lanes["rate"].fillna(-1.0),
    )
    rows = []
    for (event, year), ev_part in lanes.groupby(["event", "year"]):
        f = float(ev_part["in_force"].iloc[0])
        mode = ev_part["mode"].iloc[0]
        refs = ev_part.groupby(["kind", "item", "rate"])["reference"].sum()
        total_ref = float(refs.sum())
        for (kind, item, rate), part in ev_part.groupby(["kind", "item", "rate"]):
            ref = float(refs[(kind, item, rate)])
            if mode == "quota":
                weight = ref / total_ref if total_ref > 0 else 1.0 / len(refs)
                upper = float(part["quota"].iloc[0]) * f * weight + ref * (1 - f)
            elif mode == "ban":
                upper = ref * (1 - f)
            else:
                upper = ref * (1 - f + rate * f)
            cap = part[["year", "kind", "item", "origin", "dest"]].copy()
            cap["cap_id"] = f"event{event}-{year}-{kind}-{item}-{rate:g}"
            cap["upper"] = upper
            rows.append(cap)
    return pd.concat(rows, ignore_index=True)[columns]


def _reference_flows(
    lanes: pd.DataFrame, reference: RunResult, concentrate: pd.DataFrame | None
) -> pd.Series:
    """Each lane's flow in the reference run [t/yr] (0 where the run has none), aligned with
    ``lanes``: matched on year, the stage of the lane's kind, origin, destination and material
    (a magnet lane's material is its grade, 'NdFeB:<grade>'; a concentrate lane's its pool,
    from ``concentrate`` [year, deposit, origin, region, value])."""
    flows = reference.flows
    shipped = (
        flows[flows["destination"].notna()]
        .groupby(["year", "stage", "origin", "destination", "material"])["value"]
        .sum()
    )
    if concentrate is not None and len(concentrate):
        conc = concentrate.assign(stage="concentrate").rename(
            columns={"region": "destination", "deposit": "material"}
        )
        shipped = pd.concat([shipped, conc.groupby(list(shipped.index.names))["value"].sum()])
    kinds = lanes["kind"].map(lambda k: BY_KIND[k].stage if k in BY_KIND else k)
    materials = lanes["item"].where(lanes["kind"] != "magnet", "NdFeB:" + lanes["item"])
    keys = pd.MultiIndex.from_arrays(
        [lanes["year"], kinds, lanes["origin"], lanes["dest"], materials],
        names=shipped.index.names,
    )
    return pd.Series(shipped.reindex(keys).fillna(0.0).to_numpy(), index=lanes.index)


def run(
    sc: Scenario,
    ds: Dataset | None = None,
    foresight: bool = False,
    progress: Progress | None = None,
    cache: ModelCache | None = None,
    owners: bool = True,
) -> ScenarioResult:
    """Run a scenario: check it, build the network, solve, check invariants, attribute owners.

    ``cache`` keeps built models by structure, so that variants of one scenario (ensemble
    samples) only update bounds and right-hand sides. ``owners=False`` skips the ownership
    attribution (``owner_flows`` stays empty) where no one reads it.

    Export controls with a licence approval rate, and part-year controls, need the flows
    without the control: a reference run without any export control is solved first.
    """
    ds = ds or Dataset.load()
    sc.check(ds)
    t0 = time.perf_counter()
    inputs = build_inputs(ds, sc)
    t_inputs = time.perf_counter() - t0
    net = inputs.network
    reference, reference_conc = None, None
    lanes = inputs.lane_events
    if len(lanes) and ((lanes["mode"] == "licence").any() or (lanes["in_force"] < 1).any()):
        reference, reference_conc = _solve_all(
            net, foresight, f"{sc.name} (without export controls)", progress, cache
        )
    controls = sorted(set(lanes["event"])) if len(lanes) else []
    net = replace(
        net,
        lane_caps=lane_caps(lanes, reference, reference_conc),
        labels={
            **net.labels,
            "export-control lane caps": ";".join(f"export_control #{i}" for i in controls),
        },
    )
    inputs = replace(inputs, network=net)
    result, _ = _solve_all(net, foresight, sc.name, progress, cache)
    result.timings["inputs"] = t_inputs
    owner_flows = attribute_owners(result, inputs) if owners else pd.DataFrame()
    return ScenarioResult(
        scenario=sc, result=result, inputs=inputs, reference=reference, owner_flows=owner_flows
    )


def attribute_owners(result: RunResult, inputs: Inputs) -> pd.DataFrame:
    """Production flows with an owner.

    A separation project's output (its dedicated feed's share of its region's separation) is
    split by the project's owners' shares, any remainder ``unattributed``; existing output is
    split by the owners of its region's operating facilities at the stage (ownership table),
    the rest owned by its host country (an assumption the report states).
    """
    flows = result.flows
    prod = flows[flows["destination"].isna() & (flows["origin"] != "WLD")].copy()
    prod["owner"] = prod["origin"]
    net = inputs.network
    mined = result.pool_output.set_index(["year", "deposit"])["value"]
    feed = prod[(prod["stage"] == "separation") & (prod["material"] == "TREO")].set_index(
        ["year", "origin"]
    )["value"]
    extra = []
    for (project, region), part in inputs.owners[inputs.owners["stage"] == "separation"].groupby(
        ["project", "region"]
    ):
        pool = next((p for p in net.deposits if p.endswith(f":{project}")), None)
        for y in net.years:
            total = float(feed.get((y, region), 0.0))
            share = _project_share(inputs, net, project, region, y, pool, mined, total)
            if share <= 0:
                continue
            rows = prod[
                (prod["stage"] == "separation")
                & (prod["origin"] == region)
                & (prod["year"] == y)
                & (prod["owner"] == region)
            ]
            for idx, row in rows.iterrows():
                part_value = row["value"] * min(share, 1.0)
                prod.loc[idx, "value"] = row["value"] - part_value
                owned = 0.0
                for o in part.itertuples():
                    extra.append({**row.to_dict(), "owner": o.owner, "value": part_value * o.share})
                    owned += o.share
                if owned < 1 - 1e-9:
                    extra.append(
                        {**row.to_dict(), "owner": UNATTRIBUTED, "value": part_value * (1 - owned)}
                    )
    out = pd.concat([prod, pd.DataFrame(extra, columns=prod.columns)], ignore_index=True)
    out = _existing_owners(out, inputs.existing_owners)
    world = flows[flows["destination"].isna() & (flows["origin"] == "WLD")]
    return pd.concat([out, world], ignore_index=True)[FLOW_COLUMNS]


def _project_share(
    inputs: Inputs,
    net: Network,
    project: str,
    region: str,
    year: int,
    pool: str | None,
    mined: pd.Series,
    total: float,
) -> float:
    """A separation project's share of its region's separation in a period [fraction]: its own
    feed's share of what the region separated; for a plant fed by a mine that exists (no pool
    of its own), its capacity's share of the region's capacity."""
    if total <= 0:
        return 0.0
    if pool is not None:
        return float(mined.get((year, pool), 0.0)) / total
    cap = inputs.project_capacity
    own = cap[(cap["project"] == project) & (cap["stage"] == "separation") & (cap["year"] == year)]
    region_cap = float(net.sep_cap.loc[year, region])
    return float(own["tonnes"].sum()) / region_cap if region_cap > 0 else 0.0


def _existing_owners(prod: pd.DataFrame, owners: pd.DataFrame) -> pd.DataFrame:
    """Split the output still owned by its host region by the owners of the region's existing
    facilities at that stage (``owners`` [region, stage, owner, share])."""
    if owners.empty:
        return prod
    hosted = prod["owner"] == prod["origin"]
    keyed = owners.set_index(["region", "stage"])
    split = []
    for (region, stage), held in keyed.groupby(level=[0, 1]):
        mask = hosted & (prod["origin"] == region) & (prod["stage"] == stage)
        if not mask.any():
            continue
        for o in held.itertuples():
            split.append(prod[mask].assign(owner=o.owner, value=prod.loc[mask, "value"] * o.share))
        hosted &= ~mask
    kept = prod[~(prod["owner"] == prod["origin"]) | hosted]
    return pd.concat([kept, *split], ignore_index=True)


def baseline_of(sc: Scenario, ds: Dataset | None = None) -> Scenario:
    """The same years and regions without events: the reference for 'before and after'.

    Countries the scenario's events name keep their own region, so that both runs have the
    same regions. The ``uncertainty:`` section goes too (its inputs may name the events)."""
    blocs = (ds or Dataset.load()).table("blocs")["bloc_id"]
    named = named_countries(sc, blocs)
    taken = {c for members in sc.regions.values() for c in members}
    regions = dict(sc.regions)
    for c in sorted(named - taken - set(regions)):
        regions[c] = [c]
    return sc.model_copy(
        update={
            "name": f"{sc.name} (baseline: no events)",
            "events": [],
            "regions": regions,
            "uncertainty": None,
        }
    )
