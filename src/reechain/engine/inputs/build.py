"""From the dataset and a scenario to the model's :class:`~reechain.engine.network.Network`.

Every number comes from a data row or a labelled assumption (``assumptions`` table, which a
scenario may override by id); each derived parameter is recorded in ``Inputs.provenance`` with
how it was computed. The base year (``base_year`` of the scenario) reproduces observed output:
mine output is fixed to the USGS figures, separation capacity is fixed and fully used; metal
and magnet capacities follow the published country shares.

:func:`build_inputs` runs the steps in order, each in the module of its part of the network:
:mod:`.supply` (mine output, pools, compositions), :mod:`.processing` (recipes, separation,
metal and magnet capacities), :mod:`.demand`, :mod:`.prices`, :mod:`.events` (projects,
outages, offtake) and :mod:`.trade` (routes, tariffs, export-control lanes).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from reechain.data.dataset import Dataset
from reechain.engine import periods
from reechain.engine.inputs.context import (
    GRADES,
    Book,
    Context,
    ScenarioEvents,
    map_regions,
)
from reechain.engine.inputs.costs import place_costs
from reechain.engine.inputs.demand import (
    base_magnet_rows,
    base_separated,
    demand_drivers,
    eol_recycling_rates,
    event_magnet_rows,
    magnets_into_use,
    nonmagnet_oxide_demand,
    oxide_rows,
    stocking_multiple,
)
from reechain.engine.inputs.events import (
    ProjectEffects,
    apply_capacity_events,
    offtake_table,
    project_effects,
)
from reechain.engine.inputs.expansion import expansion_table
from reechain.engine.inputs.grades import grade_mix
from reechain.engine.inputs.owners import existing_owners
from reechain.engine.inputs.pipeline import pipeline_projects
from reechain.engine.inputs.prices import magnet_price, oxide_prices, unit_costs
from reechain.engine.inputs.processing import (
    Capacities,
    base_capacities,
    calibration_minimums,
    heavy_circuits,
    heavy_separators,
    light_only,
    magnet_base,
    metal_base,
    pr_share_range,
    recipes,
    separation_base,
    unreported_feed,
)
from reechain.engine.inputs.stockpiles import stockpile_table
from reechain.engine.inputs.supply import (
    Pools,
    capacity_growth,
    grown,
    mine_output,
    mining_pools,
    model_elements,
)
from reechain.engine.inputs.trade import (
    concentrate_routes,
    control_lanes,
    export_destinations,
    tariff_table,
    tracking_table,
)
from reechain.engine.mfa.run import InUseStocks, in_use_stocks
from reechain.engine.network import Network
from reechain.engine.scenario import Scenario
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)


@dataclass
class Inputs:
    """A network plus where its numbers came from: provenance rows, the pools table, project
    owners, the export-control lanes and the owners of existing capacity."""

    network: Network
    provenance: list[dict] = field(default_factory=list)
    pools: pd.DataFrame = field(default_factory=pd.DataFrame)
    owners: pd.DataFrame = field(default_factory=pd.DataFrame)
    lane_events: pd.DataFrame = field(default_factory=pd.DataFrame)
    existing_owners: pd.DataFrame = field(default_factory=pd.DataFrame)
    project_capacity: pd.DataFrame = field(default_factory=pd.DataFrame)
    magnets_into_use: pd.DataFrame = field(default_factory=pd.DataFrame)
    in_use: InUseStocks | None = None


def build_inputs(ds: Dataset, sc: Scenario) -> Inputs:
    """The network of a scenario (all its years) and the provenance of its numbers."""
    book = Book(ds, sc.assumptions)
    mined = mine_output(ds, sc.base_year, book)
    destinations = export_destinations(ds.table("trade"), book)
    region_of = map_regions(sc, mined.index, destinations.index, ds.table("blocs")["bloc_id"])
    ctx = Context(ds, sc, book, region_of, ScenarioEvents.of(sc.events))
    pipeline = tuple(pipeline_projects(ctx))
    ctx = replace(ctx, events=replace(ctx.events, projects=ctx.events.projects + pipeline))
    recipe = recipes(ds, book)
    pr_range = pr_share_range(book)
    recovery = book.assumption("separation_recovery_per_element_default")

    observed_routes = concentrate_routes(ctx)
    pools = mining_pools(ctx, mined)
    pools = unreported_feed(ctx, pools, observed_routes, recovery)
    projects = project_effects(ctx, pools)
    pools = pools.plus(projects.pools, projects.compositions)
    elements = model_elements(ctx.element_table, pools.compositions, recipe)
    composition = pools.composition(elements)

    growth_index = capacity_growth(ctx)
    sep_base = separation_base(ctx, mined, pools, observed_routes, recovery)
    routes = feed_routes(observed_routes, pools, projects)
    magnets = magnet_base(ctx)
    light = light_only(ctx)
    separated = base_separated(composition, pools, recovery)
    grades = grade_mix(ctx, magnets.world, separated, recipe)
    metal = metal_base(ctx, magnets.world, recipe, grades.world)
    flat_index = pd.Series(ctx.fractions, index=ctx.years)
    china = ctx.region_of("CHN")
    caps = base_capacities(growth_index, flat_index, china, pools, sep_base, magnets, metal)

    drivers = demand_drivers(ctx, magnets, destinations, grades)
    prices = oxide_prices(ctx, elements)
    metal_per_oxide = ctx.element_table["metal_per_oxide"]
    magnet_usd = magnet_price(book, prices, recipe, metal_per_oxide)
    into_use = magnets_into_use(ctx, drivers)
    # the stocks change the network only through recycling events: without them a run (an
    # ensemble's sample) doesn't pay for them; `reechain stocks` computes them on request
    in_use = stocks_in_use(ctx, into_use) if ctx.events.recycling else None
    added = in_use.added_recycling if in_use is not None else None
    rows = base_magnet_rows(ctx, drivers, magnet_usd, added)
    rows += event_magnet_rows(ctx, drivers.blocks, magnet_usd, grades)
    residual = nonmagnet_oxide_demand(ctx, separated, drivers, recipe)
    demand = pd.DataFrame(rows + oxide_rows(ctx, residual, sep_base, drivers, prices))

    before = caps.metal
    caps = apply_capacity_events(ctx, caps, pools, projects, composition.index)
    heavy = grown(metal.heavy, flat_index)
    heavy[china] = grown(metal.heavy[[china]], growth_index)[china]
    heavy = heavy + (caps.metal - before).clip(lower=0.0)
    net = assemble_network(
        ctx,
        pools=pools,
        composition=composition,
        recipe=recipe,
        recovery=recovery,
        pr_range=pr_range,
        caps=caps,
        demand=demand,
        projects=projects,
        routes=routes,
    )
    net = replace(
        net,
        heavy_metal_cap=heavy.reindex(columns=net.regions, fill_value=0.0),
        stocking_price=prices * stocking_multiple(book),
        expansion=expansion_table(ctx),
        stockpiles=stockpile_table(ctx, prices, elements),
        place_costs=place_costs(ctx, pools.table, net.costs),
        light_only=light,
        heavy_separators=heavy_separators(ctx) if light is not None else None,
        heavy_circuit_cap=heavy_circuits(ctx) if light is not None else None,
        **monthly_stocks(ctx, demand, magnet_usd, net.costs),
        initial_oxide_stock=producer_stocks(ctx, separated, sep_base),
    )
    net = replace(net, tariffs=tariff_table(ctx, net))
    net = replace(
        net,
        tracking=tracking_table(ctx, net),
        offtake=offtake_table(ctx, net, projects.offtake),
    )
    lanes = control_lanes(ctx, net)
    logger.debug(
        "inputs of %r: %d regions, %d pools, %d demand rows, %d export-control lanes",
        sc.name,
        len(net.regions),
        len(net.deposits),
        len(demand),
        len(lanes),
    )
    owners = existing_owners(ctx)
    added = pd.DataFrame(
        [
            {"project": a.project, "stage": a.stage, "key": a.key, "year": y, "tonnes": t}
            for a in projects.capacity
            for y, t in zip(ctx.years, a.tonnes, strict=True)
        ],
        columns=["project", "stage", "key", "year", "tonnes"],
    )
    return Inputs(
        net, book.rows, pools.table, projects.owners, lanes, owners, added, into_use, in_use
    )


def assemble_network(
    ctx: Context,
    *,
    pools: Pools,
    composition: pd.DataFrame,
    recipe: pd.DataFrame,
    recovery: float,
    pr_range: tuple[float, float],
    caps: Capacities,
    demand: pd.DataFrame,
    projects: ProjectEffects,
    routes: pd.DataFrame,
) -> Network:
    """The network from its parts (tariffs are added by the caller): ``recovery``
    [fraction], ``pr_range`` the Pr share of Pr+Nd [fraction]; the base year's mines and
    separators run at capacity (calibration minimums)."""
    elements = list(composition.columns)
    mine_min, sep_min = calibration_minimums(caps, pools, ctx.base)
    return Network(
        years=ctx.years,
        regions=ctx.regions,
        elements=elements,
        grades=list(GRADES),
        deposit_region=pools.table.set_index("pool")["region"],
        composition=composition,
        recovery=pd.Series(recovery, index=elements),
        metal_per_oxide=ctx.element_table.loc[elements, "metal_per_oxide"].astype(float),
        recipe=recipe.reindex(columns=elements).fillna(0.0).assign(Pr=0.0, Nd=0.0),
        prnd=recipe["Pr"] + recipe["Nd"],
        pr_share=pr_range,
        mine_cap=caps.mine,
        sep_cap=caps.separation,
        metal_cap=caps.metal,
        magnet_cap=caps.magnet,
        demand=demand,
        costs=unit_costs(ctx.book),
        mine_min=mine_min,
        sep_min=sep_min,
        dedicated=dedication(ctx, pools, projects),
        secondary=pools.secondary,
        routes=routes,
        labels={
            "calibration minimums (observed use in the base year)": f"base year {ctx.base}",
        },
    )


def stocks_in_use(ctx: Context, into_use: pd.DataFrame) -> InUseStocks | None:
    """The in-use stocks of the magnets entering use, with the recycling events' end-of-life
    rates; their provenance goes to the book. Without the data they need (a package without
    recycling rates) they are not computed, and said so, unless a recycling event needs
    them (an error)."""
    years = sorted(set(into_use["year"]))
    rates = eol_recycling_rates(ctx, years, sorted(set(into_use["end_use"])))
    try:
        in_use = in_use_stocks(into_use, ctx.ds, ctx.sc, rates)
    except ReechainError as exc:
        if len(rates):
            raise
        ctx.book.note("in-use stocks", None, "", f"not computed: {exc}", "")
        return None
    for row in in_use.provenance:
        ctx.book.note(row["parameter"], row["value"], row["unit"], row["how"], row["source_id"])
    return in_use


def feed_routes(routes: pd.DataFrame, pools: Pools, projects: ProjectEffects) -> pd.DataFrame:
    """Observed concentrate routes [origin, dest] plus one from each feed pool's region to the
    plant it feeds (no transport cost: a supply relation)."""
    region = pools.table.set_index("pool")["region"]
    fed = pd.DataFrame(
        {"origin": projects.feeds["pool"].map(region), "dest": projects.feeds["region"]}
    )
    fed = fed[fed["origin"] != fed["dest"]]
    return pd.concat([routes, fed], ignore_index=True).drop_duplicates()


def dedication(ctx: Context, pools: Pools, projects: ProjectEffects) -> pd.DataFrame:
    """[deposit, region] where restricted pools may be separated: the observed destinations of
    the mining pools, a project's own feed at its plant, and a plant fed by a restricted pool
    added to that pool's places."""
    observed = pools.dedication(ctx.region_of)
    restricted = set(observed["deposit"])
    fed = projects.feeds.rename(columns={"pool": "deposit"})
    fed = fed[fed["deposit"].isin(restricted)]
    return pd.concat([observed, projects.dedicated, fed], ignore_index=True).drop_duplicates()


def producer_stocks(
    ctx: Context, separated: pd.Series, separation: pd.Series
) -> pd.DataFrame | None:
    """Region x element oxide held by separators entering the first linked month [t REO]:
    ``producer_oxide_stock_months`` [months] of the base year's separated oxide
    (``separated`` [t REO/yr] by element), placed where the base year separated
    (``separation`` [t REO/yr] by region). None for a run without months."""
    if not any(periods.is_month(p) for p in ctx.years):
        return None
    months = ctx.book.assumption("producer_oxide_stock_months")
    where = separation / separation.sum()
    table = pd.DataFrame(
        np.outer(where.to_numpy(), separated.to_numpy()) * months / 12,
        index=where.index,
        columns=separated.index,
    )
    ctx.book.note(
        "producers' oxide stocks",
        round(float(table.to_numpy().sum())),
        "t REO",
        f"{months} months of the base year's separated oxide, where it was separated, before "
        "the first month",
        ctx.book.assumptions.loc["producer_oxide_stock_months", "source_id"],
    )
    return table


def monthly_stocks(
    ctx: Context, demand: pd.DataFrame, magnet_usd: pd.Series, costs: dict[str, float]
) -> dict:
    """The linked months of a run, the consumers' magnet stocks they start from [t magnet]
    (``consumer_magnet_stock_months`` [months] of each region's magnet demand in the first
    month, outside China, as the assumption's sources say; none given for China), the carrying
    cost of magnet stocks [USD/t magnet/yr] (the magnet price ``magnet_usd`` [USD/t] x
    ``inventory_carrying_cost_rate`` [fraction/yr]) and their value [USD/t magnet] (the
    grades' prices ``magnet_usd`` [USD/t] weighted by the first month's demand). Nothing
    for a run without months. ``costs`` are the network's unit costs [USD/t], to which the
    stock costs are added."""
    linked = [p for p in ctx.years if periods.is_month(p)]
    if not linked:
        return {"linked": [], "initial_magnet_stock": None}
    months = ctx.book.assumption("consumer_magnet_stock_months")
    first = demand[(demand["kind"] == "magnet") & (demand["year"] == linked[0])]
    by_grade = first.groupby("item")["reference"].sum()
    value = float((magnet_usd.reindex(by_grade.index) * by_grade).sum() / by_grade.sum())
    carrying = ctx.book.assumption("inventory_carrying_cost_rate") * value
    per_month = first.groupby(["region", "item"])["reference"].sum()
    per_month /= periods.fraction(linked[0]) * 12  # a month of the year's demand
    stock = (per_month * months).unstack("item", fill_value=0.0)
    stock = stock.drop(index=ctx.region_of("CHN"), errors="ignore")  # stocks outside China
    ctx.book.note(
        "consumers' magnet stocks",
        round(float(stock.to_numpy().sum())),
        "t magnet",
        f"{months} months of each region's magnet demand outside China, before "
        f"{periods.label(linked[0])}",
        ctx.book.assumptions.loc["consumer_magnet_stock_months", "source_id"],
    )
    costs = {
        **costs,
        "magnet_stock_holding": carrying,
        "magnet_stock_value": value,
    }
    return {"linked": linked, "initial_magnet_stock": stock, "costs": costs}
