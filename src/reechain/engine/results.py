"""Results of a solve in tidy tables, and the invariants every solve must satisfy.

After each solve the balances are re-derived from the solution in pandas (not read back from
the solver) and checked with a tolerance scaled to the flows; a violation raises
:class:`InvariantError` naming the node.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from reechain.data.flows import FLOW_COLUMNS, WORLD
from reechain.engine import arrays
from reechain.engine.model import Solved
from reechain.engine.network import Network
from reechain.engine.stages import BY_KIND, METAL, OXIDE, STAGES, Stage
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)

# Relative tolerance of balance checks, scaled by the largest flow of the solve.
BALANCE_RTOL = 1e-6


class InvariantError(ReechainError):
    """A solved model breaks mass balance, non-negativity, a capacity or a lane cap."""


def _df(arr: xr.DataArray, name: str = "value") -> pd.DataFrame:
    return arr.to_dataframe(name=name).reset_index()


def _tolerance(solved: Solved) -> float:
    scale = max(float(abs(solved.value(v)).max()) for v in ("mine", "ox", "met", "mag"))
    return BALANCE_RTOL * max(1.0, scale)


def check_invariants(solved: Solved) -> dict[str, float]:
    """Re-derive every balance from the solution; raise on a violation; return the largest
    residual [t] of each check (balances, capacities, lane caps)."""
    tol = _tolerance(solved)
    _require_non_negative(solved, tol)
    residuals: dict[str, float] = {}
    for name, residual, what in _balances(solved):
        residuals[name] = _require(residual, what, tol)
    for what, over in _capacity_excess(solved):
        residuals[what] = _require(over, what, tol)
    for what, over in _limit_excess(solved):
        residuals[what] = _require(over, what, tol)
    residuals.update(_lane_cap_excess(solved, tol))
    return residuals


def _require(residual: xr.DataArray, what: str, tol: float) -> float:
    """The largest absolute residual [t]; raise :class:`InvariantError` naming where it is if it
    exceeds ``tol``."""
    worst = float(abs(residual).max()) if residual.size else 0.0
    if worst > tol:
        where = residual.where(abs(residual) == worst, drop=True)
        coords = {k: where[k].values.tolist() for k in where.coords}
        raise InvariantError(
            f"{what} broken at {coords}: residual {worst:.6g} t (tolerance {tol:.3g} t)"
        )
    return worst


def _require_non_negative(solved: Solved, tol: float) -> None:
    for name in ("mine", "conc", "ox", "surplus", "metal", "met", "magnet", "mag"):
        low = float(solved.value(name).min())
        if low < -tol:
            raise InvariantError(f"negative flow in {name}: {low:.6g}")


def _balances(solved: Solved) -> Iterator[tuple[str, xr.DataArray, str]]:
    """(constraint name, residual [t], description) of the six mass balances, re-derived from
    the solution, in the order of the chain."""
    for stage in STAGES:
        where = "the making region"
        if stage is OXIDE:
            where = "the separating region (joint production)"
        yield (
            f"{stage.kind}-origin",
            _origin_residual(solved, stage),
            f"{stage.kind} balance at {where}",
        )
        yield (
            f"{stage.kind}-dest",
            _dest_residual(solved, stage),
            f"{stage.kind} balance at the receiving region",
        )


def _origin_residual(solved: Solved, stage: Stage) -> xr.DataArray:
    """Made - shipped [year, region, item] at the making region; for oxide also less surplus,
    plus what stocks give (foresight)."""
    v = solved.value
    shipped = v(stage.lane).sum("dest").rename(origin="region")
    if stage is not OXIDE:
        return v(stage.kind) - shipped
    stock_term = v("stock_out") - v("stock_in") if "stock" in solved.model.variables else 0.0
    if "release" in solved.model.variables:  # stockpiles put on the market
        net = solved.network
        stock_term = stock_term + (v("release") * arrays.release_into(net)).sum("item")
    return _separated(solved) + stock_term - shipped - v("surplus")


def _dest_residual(solved: Solved, stage: Stage) -> xr.DataArray:
    """Received - drawn by the next stage - demand served [year, region, item]."""
    net, v = solved.network, solved.value
    received = v(stage.lane).sum("origin").rename(dest="region")
    if stage is OXIDE:
        received = received - v("metal") / arrays.metal_per_oxide(net)
    elif stage is METAL:
        received = received - _magnet_needs(solved, arrays.recipe(net))
    elif "magnet_stock" in solved.model.variables:  # consumers' stocks (linked months)
        received = received + v("magnet_stock_out") - v("magnet_stock_in")
    return received - _served(solved, stage)


def _separated(solved: Solved) -> xr.DataArray:
    """Oxide separated [year, region, element] [t REO]: concentrate x composition x recovery."""
    net = solved.network
    recovered = arrays.composition(net) * arrays.separation_recovery(net)
    separated = (solved.value("conc") * recovered).sum("deposit")
    if "heavy_conc" in solved.model.variables:  # heavy fraction separated where it arrives
        separated = separated + solved.value("heavy_conc").sum("origin").rename(dest="region")
    return separated


def _limit_excess(solved: Solved) -> Iterator[tuple[str, xr.DataArray]]:
    """(description, amount above its limit [t]) of the limits beyond capacities: plants built
    before their lead time, metal built beyond its magnets' content, stockpiles released
    beyond their yearly rate or their stock, heavy circuits beyond their capacity."""
    net, variables = solved.network, solved.model.variables
    for stage in ("separation", "metal", "magnet"):
        if f"build_{stage}" in variables:
            upper = arrays.build_upper(net, stage)
            early = solved.value(f"build_{stage}").where(upper == 0, 0.0)
            yield f"{stage} built before its lead time", early.clip(min=0)
    if "build_metal" in variables and "build_magnet" in variables:
        content = float(arrays.re_content(net).max())
        over = solved.value("build_metal") - content * solved.value("build_magnet")
        yield "metal built beyond its magnets' content", over.clip(min=0)
    if "release" in variables:
        release = solved.value("release")
        yield "stockpile release beyond its rate", (release - arrays.release_upper(net)).clip(min=0)
        stock = xr.DataArray(
            net.stockpiles["stock"].to_numpy(dtype=float),
            dims=["item"],
            coords={"item": list(net.stockpiles["item"])},
        )
        yield "stockpile released beyond its stock", (release.sum("year") - stock).clip(min=0)
    if "heavy_conc" in variables and net.heavy_circuit_cap is not None:
        cap = arrays.by_year(net.heavy_circuit_cap[net.regions], "region")
        taken = solved.value("heavy_conc").sum(["element", "origin"]).rename(dest="region")
        yield (
            "heavy circuit beyond its capacity",
            (taken - cap).where(cap.notnull(), 0.0).clip(min=0),
        )


def _capacity_excess(solved: Solved) -> Iterator[tuple[str, xr.DataArray]]:
    """(description, use above capacity [t]) of mining and each stage (the data's capacity and
    what the model built), per year and region."""
    net = solved.network
    yield (
        "mine capacity",
        (solved.value("mine") - arrays.by_year(net.mine_cap, "deposit")).clip(min=0),
    )
    for stage in STAGES:
        capacity = arrays.by_year(getattr(net, stage.capacity), "region")
        built, _ = _built(solved, stage.stage)
        capacity = capacity + built.to_xarray().reindex_like(capacity).fillna(0.0)
        yield f"{stage.stage} capacity", (_use(solved, stage) - capacity).clip(min=0)


def _use(solved: Solved, stage: Stage) -> xr.DataArray:
    """What bounds a stage's capacity [year, region]: concentrate separated [t REO], metal or
    magnets made [t metal, t magnet]."""
    if stage is OXIDE:
        return solved.value("conc").sum("deposit")
    return solved.value(stage.kind).sum(stage.item)


def _lane_cap_excess(solved: Solved, tol: float) -> dict[str, float]:
    """Flow above each export cap [t] (``lane-cap[<cap_id>]``); raise if one exceeds ``tol``.
    Concentrate caps name a pool as their item: its ``conc`` to the destination region."""
    excess = {}
    for cap_id, rows in solved.network.lane_caps.groupby("cap_id"):
        total = 0.0
        for r in rows.itertuples():
            if r.kind == "concentrate":
                where = {"year": r.year, "deposit": r.item, "region": r.dest}
                total += float(solved.value("conc").sel(where))
                continue
            stage = BY_KIND[r.kind]
            where = {"year": r.year, stage.item: r.item, "origin": r.origin, "dest": r.dest}
            total += float(solved.value(stage.lane).sel(where))
        upper = float(rows["upper"].iloc[0])
        excess[f"lane-cap[{cap_id}]"] = max(0.0, total - upper)
        if total > upper + tol:
            raise InvariantError(f"export cap {cap_id} exceeded: {total:.6g} > {upper:.6g} t")
    return excess


def _magnet_needs(solved: Solved, recipe: xr.DataArray) -> xr.DataArray:
    """Metal each region's magnets consumed [year, region, element], including the flexible
    Pr/Nd split when the network has one."""
    net = solved.network
    needs = (solved.value("magnet") * recipe).sum("grade")
    if net.prnd is None:
        return needs
    total = (solved.value("magnet") * arrays.prnd(net)).sum("grade")
    pr = solved.value("pr_in_magnets")
    add = xr.zeros_like(needs)
    add.loc[{"element": "Pr"}] = pr
    add.loc[{"element": "Nd"}] = total - pr
    return needs + add


def _served(solved: Solved, stage: Stage) -> xr.DataArray:
    """Demand served [year, region, item] = demand - unmet."""
    demand = arrays.demand(solved.network, stage, "quantity").sum("block")
    unmet = solved.value(f"unmet_{stage.kind}")
    if "block" in unmet.dims:
        unmet = unmet.sum("block")
    return demand - unmet.reindex_like(demand).fillna(0.0)


DEMAND_COLUMNS = ["year", "region", "kind", "item", "quantity"]
STOCK_COLUMNS = ["year", "region", "element", "stock"]
CONSUMED_COLUMNS = ["year", "region", "kind", "item", "consumed"]
RELEASED_COLUMNS = ["year", "stockpile", "region", "element", "released"]
# Magnet grades are named as materials with their family: 'NdFeB:N42', 'NdFeB:GBD'.
MAGNET_FAMILY = "NdFeB"


@dataclass
class RunResult:
    """Tidy results of a run, as the model's variables give them. For tables a reader can't
    misread (one unit per stage and form, no totals beside their parts, no domestic use
    counted as trade) see :mod:`reechain.engine.tables`, which is computed from these.

    flows: the flows schema (``year, stage, material, origin, destination, owner, value, unit,
    source``), for the metrics shared with observed data: production per region (destination
    empty) both in total (TREO, REM, NdFeB) and per element or grade, a WLD row per stage,
    material and year, and shipments (destination set, domestic use included): never sum its
    ``value`` column. prices: shadow prices [USD/t] (model duals of the receiving balances,
    not market prices). unmet [t of the form: magnet, metal or REO], surplus [t REO],
    capacity_use: per year and region.
    pool_output: t REO taken from each pool (mine or recycled feed) per year. pools: each
    pool's region and whether it is recycled feed (``secondary``). concentrate: t REO of each
    pool separated in each region (``origin`` the pool's region, ``destination`` the
    separating one; positive rows). demand: final demand [t] per year, region, kind and item
    at the observed price (the demand curve's steps of demand at lower prices left out).
    consumed: demand served [t] per year, region, kind and item (it may exceed the demand at
    the observed price when prices fall). stocks: oxide stock at the end of each year [t REO]
    (perfect foresight; empty for myopic runs).
    """

    name: str
    mode: str
    flows: pd.DataFrame
    prices: pd.DataFrame
    unmet: pd.DataFrame
    surplus: pd.DataFrame
    capacity_use: pd.DataFrame
    pool_output: pd.DataFrame = field(default_factory=pd.DataFrame)
    pools: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["deposit", "region", "secondary"])
    )
    concentrate: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["year", "deposit", "origin", "destination", "value"]
        )
    )
    demand: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DEMAND_COLUMNS))
    stocks: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=STOCK_COLUMNS))
    consumed: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CONSUMED_COLUMNS))
    released: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=RELEASED_COLUMNS))
    residuals: dict[str, float] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    objective: float = float("nan")


def magnet_material(grade: str) -> str:
    """A magnet grade's name as a material: ``'GBD'`` -> ``'NdFeB:GBD'``."""
    return f"{MAGNET_FAMILY}:{grade}"


def _grade_material(arr: xr.DataArray) -> xr.DataArray:
    """Magnet values with grades named as materials: 'NdFeB:N42', 'NdFeB:GBD'."""
    return arr.assign_coords(grade=[magnet_material(g) for g in arr["grade"].values])


def _production_rows(
    arr: xr.DataArray,
    stage: str,
    unit: str,
    region_dim: str,
    material_dim: str | None,
    material: str | None,
    run_id: str,
) -> pd.DataFrame:
    if material_dim is None:
        df = _df(arr)
        df["material"] = material
    else:
        df = _df(arr).rename(columns={material_dim: "material"})
    df = df.rename(columns={region_dim: "origin"})
    df["stage"], df["unit"], df["destination"], df["owner"], df["source"] = (
        stage,
        unit,
        None,
        None,
        run_id,
    )
    return df[FLOW_COLUMNS]


def _trade_rows(
    arr: xr.DataArray,
    stage: str,
    unit: str,
    material_dim: str,
    run_id: str,
    material: str | None = None,
) -> pd.DataFrame:
    df = _df(arr).rename(columns={"dest": "destination"})
    df["material"] = material if material else df[material_dim]
    df["stage"], df["unit"], df["owner"], df["source"] = stage, unit, None, run_id
    df = df[df["value"] > 0]
    return df[FLOW_COLUMNS]


def collect(solved: Solved, run_id: str) -> RunResult:
    """Turn one solved model into tidy tables (after checking its invariants)."""
    residuals = check_invariants(solved)
    return RunResult(
        name=run_id,
        mode="foresight" if solved.foresight else "myopic",
        flows=_flows(solved, run_id),
        prices=_prices(solved),
        unmet=_unmet(solved),
        surplus=_surplus(solved),
        capacity_use=_capacity_use(solved),
        pool_output=_df(solved.value("mine")),
        pools=_pools(solved.network),
        concentrate=_concentrate(solved),
        demand=_demand(solved.network),
        stocks=_stocks(solved),
        consumed=_consumed(solved),
        released=_released(solved),
        residuals=residuals,
        timings=dict(solved.timings),
        objective=float(solved.model.objective.value),
    )


def _flows(solved: Solved, run_id: str) -> pd.DataFrame:
    """The flows table [t]: production per region, world totals, then shipments."""
    production = _production(solved, run_id)
    world = production.groupby(["year", "stage", "material", "unit"], as_index=False)["value"].sum()
    world["origin"], world["destination"], world["owner"], world["source"] = (
        WORLD,
        None,
        None,
        run_id,
    )
    flows = pd.concat([production, world[FLOW_COLUMNS], _trade(solved, run_id)], ignore_index=True)
    flows["year"] = flows["year"].astype(int)
    flows["value"] = flows["value"].clip(lower=0.0)
    return flows


def _pools(net: Network) -> pd.DataFrame:
    """Each pool's region and whether it is recycled feed rather than a mine."""
    return pd.DataFrame(
        {
            "deposit": net.deposits,
            "region": [str(r) for r in net.deposit_region[net.deposits]],
            "secondary": [d in net.secondary for d in net.deposits],
        }
    )


def _concentrate(solved: Solved) -> pd.DataFrame:
    """Concentrate [t REO] of each pool separated in each region, per year (positive rows)."""
    df = _df(solved.value("conc")).rename(columns={"region": "destination"})
    df = df[df["value"] > 0]
    origin = solved.network.deposit_region
    df.insert(2, "origin", origin.reindex(df["deposit"]).to_numpy())
    return df[["year", "deposit", "origin", "destination", "value"]].reset_index(drop=True)


def _demand(net: Network) -> pd.DataFrame:
    """Final demand at the observed price [t] per year, region, kind and item (the curve's
    steps of demand at lower prices left out)."""
    if not len(net.demand):
        return pd.DataFrame(columns=DEMAND_COLUMNS)
    keys = DEMAND_COLUMNS[:-1]
    table = net.demand.assign(quantity=net.demand_column("reference"))
    return table.groupby(keys, as_index=False)["quantity"].sum()[DEMAND_COLUMNS]


def _consumed(solved: Solved) -> pd.DataFrame:
    """Demand served [t] per year, region, kind and item (rows above 1e-9)."""
    parts = []
    for stage in STAGES:
        df = _df(_served(solved, stage), "consumed").rename(columns={stage.item: "item"})
        df["kind"] = stage.kind
        parts.append(df[df["consumed"] > 1e-9][CONSUMED_COLUMNS])
    return pd.concat(parts, ignore_index=True)


def _released(solved: Solved) -> pd.DataFrame:
    """Stockpile releases [t REO] per year, stockpile, region and element (rows above 1e-9)."""
    if "release" not in solved.model.variables:
        return pd.DataFrame(columns=RELEASED_COLUMNS)
    df = _df(solved.value("release"), "released")
    sp = solved.network.stockpiles.set_index("item")
    df = df.join(sp[["stockpile", "region", "element"]], on="item")
    return df[df["released"] > 1e-9][RELEASED_COLUMNS].reset_index(drop=True)


def _stocks(solved: Solved) -> pd.DataFrame:
    """Oxide stock at the end of each period [t REO] (perfect foresight or linked months;
    empty otherwise)."""
    if "stock" not in solved.model.variables:
        return pd.DataFrame(columns=STOCK_COLUMNS)
    return _df(solved.value("stock"), "stock")[STOCK_COLUMNS]


def _mines(net: Network) -> xr.DataArray:
    """[deposit] True for mines, False for pools that are not (recycled feed)."""
    return xr.DataArray(
        [d not in net.secondary for d in net.deposits],
        dims=["deposit"],
        coords={"deposit": net.deposits},
    )


def _home(net: Network, name: str) -> xr.DataArray:
    """[deposit] the region where each deposit lies, named ``name`` (to group by)."""
    return xr.DataArray(
        list(net.deposit_region[net.deposits]),
        dims=["deposit"],
        coords={"deposit": net.deposits},
        name=name,
    )


def _production(solved: Solved, run_id: str) -> pd.DataFrame:
    """Output per stage, region and year [t]: totals (TREO, REM, NdFeB) and per element or
    magnet grade. Recycled feed is not mine output."""
    net, v = solved.network, solved.value
    mined = v("mine").where(_mines(net), 0.0)
    by_region = _home(net, "region")
    mine_by_region = mined.groupby(by_region).sum()
    mine_elements = (mined * arrays.composition(net)).groupby(by_region).sum()
    parts = [
        _production_rows(mine_by_region, "mining", "t REO", "region", None, "TREO", run_id),
        _production_rows(mine_elements, "mining", "t REO", "region", "element", None, run_id),
        _production_rows(
            v("conc").sum("deposit"), "separation", "t REO", "region", None, "TREO", run_id
        ),
        _production_rows(
            _separated(solved), "separation", "t REO", "region", "element", None, run_id
        ),
        _production_rows(
            v("metal").sum("element"), "metal", "t metal", "region", None, "REM", run_id
        ),
        _production_rows(v("metal"), "metal", "t metal", "region", "element", None, run_id),
        _production_rows(
            v("magnet").sum("grade"), "magnet", "t magnet", "region", None, "NdFeB", run_id
        ),
        _production_rows(
            _grade_material(v("magnet")), "magnet", "t magnet", "region", "grade", None, run_id
        ),
    ]
    return pd.concat(parts, ignore_index=True)


def _trade(solved: Solved, run_id: str) -> pd.DataFrame:
    """Shipments [t] with a positive value: concentrate from mines (not recycled feed) by the
    deposits' regions, oxides, metals, magnets (in total and per grade)."""
    net, v = solved.network, solved.value
    conc_lanes = (
        v("conc").where(_mines(net), 0.0).groupby(_home(net, "origin")).sum().rename(region="dest")
    )
    return pd.concat(
        [
            _trade_rows(conc_lanes, "mining", "t REO", "element", run_id, "TREO"),
            *_heavy_concentrate(solved, run_id),
            _trade_rows(v("ox"), "separation", "t REO", "element", run_id),
            _trade_rows(v("met"), "metal", "t metal", "element", run_id),
            _trade_rows(v("mag").sum("grade"), "magnet", "t magnet", "grade", run_id, "NdFeB"),
            _trade_rows(_grade_material(v("mag")), "magnet", "t magnet", "grade", run_id),
        ],
        ignore_index=True,
    )


def _heavy_concentrate(solved: Solved, run_id: str) -> list[pd.DataFrame]:
    """Mixed heavy concentrate shipped from light-only separators [t REO], as concentrate
    (stage ``mining``) by element; none without it."""
    if "heavy_conc" not in solved.model.variables:
        return []
    return [_trade_rows(solved.value("heavy_conc"), "mining", "t REO", "element", run_id)]


#: What sets a shadow price (the ``set_by`` column of the prices), read against the demand
#: curve of the item in its region (or, where the region has no final demand of it, the item's
#: curves in the other regions that year): within the curve, demand ('demand'); below its
#: lowest step, the cost of one more tonne supplied, every step being served ('supply'); at or
#: above its highest step, unmet demand at a choke price, the item's own or that of a product
#: made from it ('choke'); oxide of which the region puts some to surplus, what stocks pay for
#: it or its disposal cost ('surplus'); an item with no final demand anywhere, the chain's
#: other stages ('chain'). 'surplus' and 'choke' prices are bounds set by assumptions (the
#: stocking price, the choke multiple), not estimates a market would quote.
PRICE_SETTERS = ("demand", "supply", "surplus", "choke", "chain")
# Relative tolerance of the comparison of a dual with its demand curve's steps.
PRICE_RTOL = 1e-6
PRICE_COLUMNS = ("year", "region", "kind", "item", "price", "set_by")


def _prices(solved: Solved) -> pd.DataFrame:
    """Shadow prices [USD/t]: the duals of the receiving balances, per year, region, kind and
    item (model duals, not market prices), where the region has a demand for the item or
    receives it; elsewhere a dual prices nothing and is left out. ``set_by`` says what sets
    each (:data:`PRICE_SETTERS`)."""
    prices = []
    for stage in STAGES:
        dual = solved.dual(f"{stage.kind}-dest")
        has = arrays.demand(solved.network, stage, "quantity") > 1e-9
        received = solved.value(stage.lane).sum("origin").rename({"dest": "region"}) > 1e-9
        priced = dual.where(has.any("block").reindex_like(dual) | received.reindex_like(dual))
        df = _df(priced, "price").rename(columns={stage.item: "item"})
        df["set_by"] = _df(price_setter(solved, stage, dual, has), "set_by")["set_by"]
        df["kind"] = stage.kind
        prices.append(df.dropna(subset=["price"])[[*PRICE_COLUMNS]])
    return pd.concat(prices, ignore_index=True)


def price_setter(
    solved: Solved, stage: Stage, dual: xr.DataArray, has: xr.DataArray
) -> xr.DataArray:
    """[year, region, item] what sets each shadow price of ``stage``'s product
    (:data:`PRICE_SETTERS`), comparing ``dual`` [USD/t] with the lowest and highest step of the
    region's demand curve [USD/t] (the item's curves elsewhere that year where it has none),
    ``has`` [year, region, item, block] marking the steps with a quantity; oxide of which the
    region puts some to surplus is priced by the surplus, whatever its curve (the LP's
    complementary slackness)."""
    steps = arrays.demand(solved.network, stage, "price").where(has)
    low, high = steps.min("block"), steps.max("block")
    low, high = low.fillna(low.min("region")), high.fillna(high.max("region"))
    dual = dual.reindex_like(low)
    setter = xr.full_like(dual, "demand", dtype=object)
    setter = setter.where(~(dual < low - PRICE_RTOL * abs(low)), "supply")
    setter = setter.where(~(dual >= high - PRICE_RTOL * abs(high)), "choke")
    setter = setter.where(low.notnull(), "chain")
    if stage.kind == OXIDE.kind:
        surplus = solved.value("surplus").reindex_like(dual).fillna(0.0)
        setter = setter.where(~(surplus > 1e-9), "surplus")
    return setter


def _unmet(solved: Solved) -> pd.DataFrame:
    """Unmet demand [t] per year, region, kind and item: the firm demand (the curve's steps
    above the observed price's band) less what was served (rows above 1e-9). Demand that buyers
    give up within the band, or at lower prices, is a price response, not unmet demand."""
    net = solved.network
    unmet = []
    for stage in STAGES:
        firm = _firm(net, stage)
        left = (firm - _served(solved, stage).reindex_like(firm).fillna(0.0)).clip(min=0.0)
        df = _df(left, "unmet").rename(columns={stage.item: "item"})
        df["kind"] = stage.kind
        unmet.append(df[df["unmet"] > 1e-9][["year", "region", "kind", "item", "unmet"]])
    return pd.concat(unmet, ignore_index=True)


def _firm(net: Network, stage: Stage) -> xr.DataArray:
    """[year, region, item] firm demand of a stage [t/yr]."""
    return arrays.demand(net, stage, "firm").sum("block")


def _surplus(solved: Solved) -> pd.DataFrame:
    """Oxide put to surplus [t REO] per year, region and element (rows above 1e-9)."""
    surplus = _df(solved.value("surplus"), "surplus")
    return surplus[surplus["surplus"] > 1e-9]


def _capacity_use(solved: Solved) -> pd.DataFrame:
    """Use, capacity [t/yr] and utilisation [fraction] of each stage per year and region, with
    the unit of use and capacity (separation: t REO of concentrate taken in); ``built``: the
    capacity the model built beyond the data's [t/yr], counted in ``capacity``, and
    ``build_cost`` its yearly cost [USD]."""
    rows = []
    for stage in STAGES:
        cap = getattr(solved.network, stage.capacity)
        df = _df(_use(solved, stage), "used")
        df["capacity"] = [
            float(cap.loc[y, r]) for y, r in zip(df["year"], df["region"], strict=True)
        ]
        built, cost = _built(solved, stage.stage)
        df["built"] = built.reindex(pd.MultiIndex.from_frame(df[["year", "region"]])).to_numpy()
        df["build_cost"] = df["built"] * cost.reindex(df["region"]).to_numpy()
        df["capacity"] += df["built"]
        df["stage"] = stage.stage
        df["unit"] = stage.unit
        rows.append(df)
    out = pd.concat(rows, ignore_index=True)
    out["utilisation"] = np.where(out["capacity"] > 0, out["used"] / out["capacity"], np.nan)
    columns = ["year", "stage", "region", "used", "capacity", "built", "build_cost"]
    return out[[*columns, "utilisation", "unit"]]


def _built(solved: Solved, stage: str) -> tuple[pd.Series, pd.Series]:
    """(capacity built [t/yr] by (year, region), its yearly cost by region [USD per t/yr]);
    zeros where the stage can't be built."""
    net = solved.network
    index = pd.MultiIndex.from_product([net.years, net.regions], names=["year", "region"])
    if f"build_{stage}" not in solved.model.variables:
        return pd.Series(0.0, index=index), pd.Series(0.0, index=net.regions)
    built = solved.value(f"build_{stage}").to_series().reindex(index).fillna(0.0)
    cost = arrays.build_cost(net, stage).to_series()
    return built.clip(lower=0.0), cost
