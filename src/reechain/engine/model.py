"""The network LP, built with linopy and solved with HiGHS.

Variables (all >= 0, dims in brackets):

- ``mine`` [year, deposit] t REO mined; ``conc`` [year, deposit, region] concentrate separated
  in a region; ``ox`` [year, element, origin, dest] oxide shipped (origin == dest: used at home);
  ``surplus`` [year, region, element] oxide discarded or stockpiled;
- ``metal`` [year, region, element] t metal made; ``met`` [year, element, origin, dest];
- ``magnet`` [year, region, grade] t magnet made; ``mag`` [year, grade, origin, dest];
- ``unmet_oxide``, ``unmet_metal`` [year, region, element, block], ``unmet_magnet``
  [year, region, grade, block]: demand left unserved, at the block's willingness to pay;
- with a flexible Pr/Nd split, ``pr_in_magnets`` [year, region] t Pr metal in magnets;
- with perfect foresight, ``stock`` / ``stock_in`` / ``stock_out`` [year, region, element].

Joint production (the balance problem) is the oxide balance at the separating region: every
tonne of concentrate yields each element in its deposit's proportions (times recovery), and
what nobody takes must go to ``surplus``. The duals of the balances at the receiving region are
the scarcity prices [USD/t] of oxide, metal and magnets by region and year.

Constraints, in the order :func:`build` adds them (one ``define_*`` function per family):
``mine-dispatch``; per stage (:mod:`reechain.engine.stages`) ``<stage>-capacity`` and, with a
calibration floor, ``<stage>-use-min`` (separation, metal, magnet), ``<kind>-origin`` and
``<kind>-dest`` (oxide, metal, magnet), with ``stock-balance`` (foresight) and ``pr-share-min`` /
``pr-share-max`` (flexible Pr/Nd) where they belong; ``lane-cap[<cap_id>]`` (export controls);
``offtake-lane_<kind>``, ``offtake-output_<kind>``, ``offtake-feed``,
``offtake-capacity[...]`` (offtake priorities). The mine's calibration floor is a lower
bound of ``mine``, not a constraint.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import functools
import hashlib
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from reechain.engine import arrays
from reechain.engine.network import Network
from reechain.engine.stages import BY_KIND, NEXT, OXIDE, STAGES, Stage
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)

Expression = linopy.Variable | linopy.LinearExpression


class InfeasibleModelError(ReechainError):
    """The LP has no solution; the message names the constraint family and the event."""


@dataclass
class Solved:
    """A solved model with the network it came from and the time spent in each phase [s]."""

    network: Network
    model: linopy.Model
    foresight: bool
    timings: dict[str, float] = field(default_factory=dict)

    def value(self, name: str) -> xr.DataArray:
        return self.model.variables[name].solution.fillna(0.0)

    def dual(self, name: str) -> xr.DataArray:
        return self.model.constraints[name].dual


def build(net: Network, foresight: bool = False) -> linopy.Model:
    """Build the LP of ``net`` (all its years in one model), one constraint family at a time.

    With ``foresight`` the years are linked by oxide stocks (perfect foresight); without it the
    years share no variable (myopic). ``net`` must have passed :meth:`Network.check`
    (:func:`solve` checks it).
    """
    m = linopy.Model()
    bounds = varying(net)
    conc = define_mining(m, net, bounds)
    produced = joint_production(m, net, conc)
    output: Expression | None = produced
    for stage in STAGES:
        output = define_stage(m, net, bounds, stage, output, foresight)
    define_heavy_metal(m, net, bounds)
    define_integrated_metal(m, net)
    define_lane_caps(m, net)
    define_tracking(m, net)
    reward = define_offtake(m, net, produced)
    define_objective(m, net, foresight, reward)
    return m


def _coords(net: Network, *dims: str) -> list[pd.Index]:
    """Named indexes of the network's sets, for ``add_variables(coords=...)``."""
    labels = {
        "year": net.years,
        "region": net.regions,
        "origin": net.regions,
        "dest": net.regions,
        "element": net.elements,
        "grade": net.grades,
    }
    return [pd.Index(labels[d], name=d) for d in dims]


def define_mining(m: linopy.Model, net: Network, bounds: dict) -> linopy.Variable:
    """``mine`` [year, deposit] within capacity and calibration floor [t REO/yr] (variable
    bounds), dispatched as concentrate ``conc`` [year, deposit, region] to the separating
    regions (``mine-dispatch``). Returns ``conc``."""
    mine = m.add_variables(lower=bounds["mine:lower"], upper=bounds["mine:upper"], name="mine")
    conc = m.add_variables(lower=0, upper=_concentrate_upper(net), name="conc")
    m.add_constraints(conc.sum("region") == mine, name="mine-dispatch")
    return conc


def _concentrate_upper(net: Network) -> xr.DataArray:
    """Upper bound of ``conc`` [year, deposit, region]: a dedicated deposit (a project's own
    feed) may only go to its plant's regions, so 0 elsewhere; no bound otherwise (bounds rather
    than masks keep every slot present)."""
    allowed = xr.DataArray(
        np.ones((len(net.deposits), len(net.regions)), dtype=bool),
        dims=["deposit", "region"],
        coords={"deposit": net.deposits, "region": net.regions},
    )
    for dep, group in net.dedicated.groupby("deposit"):
        allowed.loc[dep] = allowed.region.isin(list(group["region"]))
    return (
        xr.where(allowed, np.inf, 0.0)
        .expand_dims(year=net.years)
        .transpose("year", "deposit", "region")
    )


def joint_production(
    m: linopy.Model, net: Network, conc: linopy.Variable
) -> linopy.LinearExpression:
    """Oxide separated [year, region, element] [t REO/yr]: concentrate times its deposit's
    composition times recovery, summed over deposits. Where a region separates light rare
    earths only, the heavy fraction of its concentrate is not separated there: it may be
    shipped as a mixed heavy concentrate (``heavy_conc`` [year, element, origin, dest], at
    most that fraction: ``heavy-fraction``) to a region that separates heavy rare earths,
    and counts as separated there (Lynas sold its heavy fraction to China before 2025)."""
    produced = (conc * (arrays.composition(net) * arrays.separation_recovery(net))).sum("deposit")
    if not arrays.has_heavy_fraction(net):
        return produced
    left = (conc * (arrays.composition(net) * arrays.heavy_fraction(net))).sum("deposit")
    shipped = m.add_variables(
        lower=0,
        upper=arrays.heavy_lane_upper(net),
        coords=_coords(net, "year", "element", "origin", "dest"),
        name="heavy_conc",
    )
    m.add_constraints(
        shipped.sum("dest").rename({"origin": "region"}) - left <= 0, name="heavy-fraction"
    )
    if net.heavy_circuit_cap is not None:
        cap = arrays.by_year(net.heavy_circuit_cap[net.regions], "region")
        taken = shipped.sum(["element", "origin"]).rename({"dest": "region"})
        m.add_constraints(taken <= cap.fillna(0.0), name="heavy-circuit", mask=cap.notnull())
        # a circuit separates the mixed heavy concentrate it takes as it comes, element by
        # element in the feed's proportions (it can't pick the dearest elements out of it)
        by_element = shipped.sum("origin").rename({"dest": "region"})
        mix = arrays.heavy_circuit_mix(net)
        in_force = cap.notnull() & (mix.sum("element") > 0)
        m.add_constraints(by_element - mix * taken == 0, name="heavy-circuit-mix", mask=in_force)
    return produced + shipped.sum("origin").rename({"dest": "region"})


def define_stage(
    m: linopy.Model,
    net: Network,
    bounds: dict,
    stage: Stage,
    output: Expression | None,
    foresight: bool,
) -> linopy.Variable | None:
    """One stage: its capacity (and calibration floor), its lanes and its two balances.

    ``output`` [year, region, item] is what the stage makes [t/yr]. The balance at the making
    region (``<kind>-origin``) ships it (oxide: or puts it to surplus or stock); the balance at
    the receiving region (``<kind>-dest``) takes what arrives, less what the next stage draws,
    plus unmet demand, equal to demand. Returns the next stage's output variable (``metal``,
    ``magnet``), made here because this stage's receiving balance feeds it; None after magnets.
    """
    define_capacity(m, net, _throughput(m, stage, output), bounds, stage)
    lane = m.add_variables(
        lower=0, coords=_coords(net, "year", stage.item, "origin", "dest"), name=stage.lane
    )
    shipped = lane.sum("dest").rename({"origin": "region"})
    if stage is OXIDE:
        define_oxide_origin(m, net, output, shipped, foresight)
    else:
        m.add_constraints(output - shipped == 0, name=f"{stage.kind}-origin")
    following = NEXT.get(stage)
    made = None
    if following is not None:
        made = m.add_variables(
            lower=0, coords=_coords(net, "year", "region", following.item), name=following.kind
        )
    demand = bounds[f"unmet_{stage.kind}:upper"]
    unmet = m.add_variables(lower=0, upper=demand, name=f"unmet_{stage.kind}")
    balance = lane.sum("origin").rename({"dest": "region"})
    if made is not None:
        balance = balance - define_draw(m, net, stage, made)
    if stage.kind == "magnet" and net.linked:
        balance = balance + define_consumer_stocks(m, net, bounds)

    m.add_constraints(
        balance + unmet.sum("block") == demand.sum("block"), name=f"{stage.kind}-dest"
    )
    return made


def _throughput(m: linopy.Model, stage: Stage, output: Expression | None) -> Expression:
    """What a stage's capacity bounds [year, region]: concentrate separated, metal or magnets
    made."""
    if stage is OXIDE:
        return m.variables["conc"].sum("deposit")
    return output.sum(stage.item)


def define_capacity(
    m: linopy.Model, net: Network, used: Expression, bounds: dict, stage: Stage
) -> None:
    """``used <= capacity`` per year and region (plus what the model builds, where the
    network lets it: ``build_<stage>``), and ``used >= floor`` when the network has a
    calibration minimum (constraints ``<stage>-capacity``, ``<stage>-use-min``)."""
    name = stage.stage
    upper = arrays.build_upper(net, name)
    over_data = used
    if upper is not None:
        built = m.add_variables(lower=0, upper=upper, name=f"build_{name}")
        over_data = used - built
    m.add_constraints(over_data <= bounds[f"{name}-capacity"], name=f"{name}-capacity")
    if f"{name}-use-min" in bounds:
        m.add_constraints(used >= bounds[f"{name}-use-min"], name=f"{name}-use-min")


def define_integrated_metal(m: linopy.Model, net: Network) -> None:
    """Metal capacity is built with magnet capacity (an integrated oxide-to-magnet plant):
    at most the RE metal content of the magnets it can make (``metal-with-magnets``)."""
    v = m.variables
    if "build_metal" not in v or "build_magnet" not in v:
        return
    content = float(arrays.re_content(net).max())  # t RE metal per t magnet, richest grade
    m.add_constraints(
        v["build_metal"] - content * v["build_magnet"] <= 0, name="metal-with-magnets"
    )


def define_oxide_origin(
    m: linopy.Model,
    net: Network,
    produced: Expression,
    shipped: linopy.LinearExpression,
    foresight: bool,
) -> None:
    """Joint production at the separating region (``oxide-origin``): oxide made is shipped, or
    goes to ``surplus`` (or, with foresight, into or out of stock)."""
    surplus = m.add_variables(
        lower=0, coords=_coords(net, "year", "region", "element"), name="surplus"
    )
    if len(net.stockpiles):
        produced = produced + define_stockpiles(m, net)
    if foresight or net.linked:
        stock_in, stock_out = define_stocks(m, net, foresight)
        m.add_constraints(
            produced + stock_out - shipped - surplus - stock_in == 0, name="oxide-origin"
        )
    else:
        m.add_constraints(produced - shipped - surplus == 0, name="oxide-origin")


def define_stocks(
    m: linopy.Model, net: Network, foresight: bool
) -> tuple[linopy.Variable, linopy.Variable]:
    """Oxide stocks [year, region, element] [t REO] carried from period to period
    (``stock-balance``): in every period with perfect foresight, otherwise only between the
    linked months (none at the end of an unlinked period); returns the variables ``stock_in``
    and ``stock_out``."""
    coords = _coords(net, "year", "region", "element")
    stock = m.add_variables(
        lower=0, upper=_stock_upper(net, foresight), coords=coords, name="stock"
    )
    stock_in = m.add_variables(lower=0, coords=coords, name="stock_in")
    stock_out = m.add_variables(lower=0, coords=coords, name="stock_out")
    # The stock before the first year is zero (the shifted slot contributes nothing), but for
    # producers' stock entering the first linked month (``bounds['stock-balance']``).
    m.add_constraints(
        stock - _carried(stock, net, foresight) - stock_in + stock_out
        == arrays.initial_oxide_stock(net),
        name="stock-balance",
    )
    return stock_in, stock_out


def _carried(stock: linopy.Variable, net: Network, foresight: bool) -> linopy.LinearExpression:
    """The stock each period starts from: the previous period's, with perfect foresight or
    between two linked months; none otherwise (a stock left at the end of the linked months
    stays out of the model: it is not drawn in the next, annual period)."""
    linked = set(net.linked)
    years = net.years
    carry = [
        1.0 if i > 0 and (foresight or (y in linked and years[i - 1] in linked)) else 0.0
        for i, y in enumerate(years)
    ]
    weight = xr.DataArray(carry, dims=["year"], coords={"year": years})
    return stock.shift(year=1).fillna(0) * weight


def _stock_upper(net: Network, foresight: bool = False) -> xr.DataArray | float:
    """Upper bound of a stock [year]: none where stocks are held (perfect foresight, or a
    linked month), 0 at the end of any other period."""
    if foresight:
        return np.inf
    carried = [np.inf if y in set(net.linked) else 0.0 for y in net.years]
    return xr.DataArray(carried, dims=["year"], coords={"year": net.years})


def define_consumer_stocks(m: linopy.Model, net: Network, bounds: dict) -> linopy.LinearExpression:
    """Consumers' magnet stocks [year, region, grade] [t magnet] between linked months
    (``magnet-stock-balance``, starting from ``net.initial_magnet_stock``). Consumers keep
    their usual stock: ``magnet_stock_short`` and ``magnet_stock_over`` measure how far a
    month's stock lies below or above it, each at the carrying cost (see
    :func:`define_objective`), so a stock is drawn only when drawing it is worth more than
    that (a shortage) and rebuilt after. Returns what the stocks give to the receiving
    balance (drawn less added)."""
    coords = _coords(net, "year", "region", "grade")
    stock = m.add_variables(lower=0, upper=_stock_upper(net), coords=coords, name="magnet_stock")
    put = m.add_variables(lower=0, coords=coords, name="magnet_stock_in")
    drawn = m.add_variables(lower=0, coords=coords, name="magnet_stock_out")
    m.add_constraints(
        stock - _carried(stock, net, False) - put + drawn == bounds["magnet-stock-balance"],
        name="magnet-stock-balance",
    )
    short = m.add_variables(lower=0, coords=coords, name="magnet_stock_short")
    over = m.add_variables(lower=0, coords=coords, name="magnet_stock_over")
    m.add_constraints(stock + short >= bounds["magnet-stock-short"], name="magnet-stock-short")
    m.add_constraints(over - stock >= bounds["magnet-stock-over"], name="magnet-stock-over")
    return drawn - put


def define_draw(
    m: linopy.Model, net: Network, stage: Stage, made: linopy.Variable
) -> linopy.LinearExpression:
    """What the next stage draws from ``stage``'s receiving balance [year, region, element]:
    t oxide per t metal made (1 / metal per oxide), or t metal per t magnet made."""
    if stage is OXIDE:
        return made / arrays.metal_per_oxide(net)
    return define_magnet_needs(m, net, made)


def define_magnet_needs(
    m: linopy.Model, net: Network, magnet: linopy.Variable
) -> linopy.LinearExpression:
    """Metal the magnets take [year, region, element] by their recipe. With didymium
    (``net.prnd``), Pr+Nd per magnet is fixed and its split flexible: the variable
    ``pr_in_magnets`` [t Pr] lies within ``pr_share`` of it (``pr-share-min``/``-max``)."""
    needs = (magnet * arrays.recipe(net)).sum("grade")  # [year, region, element]
    if net.prnd is None:
        return needs
    prnd_need = (magnet * arrays.prnd(net)).sum("grade")  # [year, region]
    pr_used = m.add_variables(lower=0, coords=_coords(net, "year", "region"), name="pr_in_magnets")
    low, high = net.pr_share
    m.add_constraints(pr_used - low * prnd_need >= 0, name="pr-share-min")
    m.add_constraints(pr_used - high * prnd_need <= 0, name="pr-share-max")
    is_pr, is_nd = (_indicator_over(net.elements, {symbol}, "element") for symbol in ("Pr", "Nd"))
    return needs + pr_used * is_pr + (prnd_need - pr_used) * is_nd


def define_stockpiles(m: linopy.Model, net: Network) -> linopy.LinearExpression:
    """Stockpile releases ``release`` [year, item] [t REO]: at most the item's yearly rate in
    its years (bounds), at most its stock over the run (``stockpile-stock``); returns what
    each holding region puts on the market [year, region, element] (its own, or shipped)."""
    release = m.add_variables(lower=0, upper=arrays.release_upper(net), name="release")
    stock = xr.DataArray(
        net.stockpiles["stock"].to_numpy(dtype=float),
        dims=["item"],
        coords={"item": list(net.stockpiles["item"])},
    )
    m.add_constraints(release.sum("year") <= stock, name="stockpile-stock")
    return (release * arrays.release_into(net)).sum("item")


def define_heavy_metal(m: linopy.Model, net: Network, bounds: dict) -> None:
    """Dy and Tb metal made in a region at most its heavy metal capacity [t metal/yr]
    (``metal-heavy-capacity``; networks with ``heavy_metal_cap`` only)."""
    if "metal-heavy-capacity" not in bounds:
        return
    heavy = [e for e in net.heavy_metals if e in net.elements]
    made = m.variables["metal"].sel(element=heavy).sum("element")
    m.add_constraints(made <= bounds["metal-heavy-capacity"], name="metal-heavy-capacity")


def define_lane_caps(m: linopy.Model, net: Network) -> None:
    """Sum of flows on the lanes of each cap_id <= its upper bound [t/yr] (export controls;
    constraints ``lane-cap[<cap_id>]``)."""
    caps = net.lane_caps
    if not len(caps):
        return
    for cap_id, rows in caps.groupby("cap_id", sort=False):
        terms = [_lane_sum(m, kind, part) for kind, part in rows.groupby("kind")]
        expr = sum(terms[1:], terms[0])
        upper = float(rows["upper"].iloc[0])
        m.add_constraints(expr <= upper, name=f"lane-cap[{cap_id}]")


def _lane_sum(m: linopy.Model, kind: str, rows: pd.DataFrame) -> linopy.LinearExpression:
    """Sum of a product's lane flows [t] over the (year, item, origin, dest) of ``rows``:
    one selection per (year, item, origin) with its list of destinations. Concentrate lanes
    are ``conc`` [year, deposit, region] (the item is the pool, the origin its region)."""
    if kind == "concentrate":
        conc = m.variables["conc"]
        terms = [
            conc.sel(year=[y], deposit=[item], region=list(part["dest"])).sum()
            for (y, item), part in rows.groupby(["year", "item"])
        ]
        return sum(terms[1:], terms[0])
    stage = BY_KIND[kind]
    var = m.variables[stage.lane]
    terms = [
        # lists keep every dimension, so the sums carry no scalar coordinates that could clash
        var.sel(
            {"year": [y], stage.item: [item], "origin": [origin], "dest": list(part["dest"])}
        ).sum()
        for (y, item, origin), part in rows.groupby(["year", "item", "origin"])
    ]
    return sum(terms[1:], terms[0])


def define_tracking(m: linopy.Model, net: Network) -> None:
    """Follow the content of an actor's controlled exports through third countries, so that
    no control leaks (``net.tracking``; one set of variables per control).

    Tagged content [t element] enters a source region with the actor's controlled oxide and
    metal (times the part of the year in force) and is followed form by form, as the chain
    moves it: tagged oxide is used in the region (its final demand) or made into metal there;
    metal made from it leaves on the region's metal lanes (``tagmet_<c>`` [year, item,
    origin, dest], domestic use included) and tagged metal that arrives is used there or made
    into magnets, which leave on its magnet lanes (``tagmag_<c>``). No tagged lane may carry
    more than the lane's content, and none may enter a blocked region (re-export under
    licence: at most ``rate`` of what a region received may leave it). Magnets are final
    products (no lane re-ships them), and oxide is never re-shipped, so these are all the ways
    content can travel. The split between tagged and clean is the model's (mass balance): a
    third country with supply of its own may ship its own and use the actor's.
    """
    if not len(net.tracking):
        return
    for control, rows in net.tracking.groupby("control", sort=False):
        _define_control_tracking(m, net, int(control), rows)


def _define_control_tracking(
    m: linopy.Model, net: Network, control: int, rows: pd.DataFrame
) -> None:
    first = rows.iloc[0]
    years = sorted(set(rows["year"]))
    items = sorted(set(rows["item"]))
    actor, regions = first["actor"], net.regions
    others = [r for r in regions if r != actor]
    content = {s.kind: arrays.content(net, s, items) for s in STAGES}
    lanes = _content_shipped(m, content, years)  # [year, item, origin, dest]
    tagged_in = _tagged_from_actor(rows, lanes, first, others, years)
    made = _content_made(m, content, years, others)
    final = _final_use(m, net, content, years, others)
    coords = [pd.Index(years, name="year"), pd.Index(items, name="item")]
    at = coords + [pd.Index(others, name="region")]
    lane_coords = coords + [pd.Index(others, name="origin"), pd.Index(regions, name="dest")]
    upper = _tag_upper(others, regions, set(first["blocked"].split(";")), first["rate"] > 0)
    tag = {
        kind: m.add_variables(lower=0, upper=upper, coords=lane_coords, name=f"tag{kind}_{control}")
        for kind in ("metal", "magnet")
    }
    into = {
        kind: m.add_variables(lower=0, coords=at, name=f"tag-into-{kind}_{control}")
        for kind in ("metal", "magnet")
    }
    name = f"_{control}"
    for kind in ("metal", "magnet"):
        m.add_constraints(
            tag[kind] - lanes[kind].sel(origin=others) <= 0, name=f"tag-lane-{kind}{name}"
        )
        m.add_constraints(into[kind] - made[kind] <= 0, name=f"tag-made-{kind}{name}")
        m.add_constraints(
            tag[kind].sum("dest").rename({"origin": "region"}) - into[kind] == 0,
            name=f"tag-out-{kind}{name}",
        )
    oxide_in = tagged_in["oxide"]
    m.add_constraints(into["metal"] - oxide_in <= 0, name=f"tag-oxide-used{name}")
    m.add_constraints(-1 * into["metal"] + oxide_in <= final["oxide"], name=f"tag-oxide-kept{name}")
    metal_in = tagged_in["metal"] + tag["metal"].sum("origin").sel(dest=others).rename(
        {"dest": "region"}
    )
    m.add_constraints(into["magnet"] - metal_in <= 0, name=f"tag-metal-used{name}")
    m.add_constraints(
        -1 * into["magnet"] + metal_in <= final["metal"], name=f"tag-metal-kept{name}"
    )
    if first["rate"] > 0:
        blocked = _indicator_over(regions, set(first["blocked"].split(";")), "dest")
        leaving = sum(
            (tag[kind] * blocked * _offdiag(regions).sel(origin=others)).sum("dest") for kind in tag
        ).rename({"origin": "region"})
        arriving = tagged_in["metal"] + (tag["metal"] * _offdiag(regions).sel(origin=others)).sum(
            "origin"
        ).sel(dest=others).rename({"dest": "region"})
        m.add_constraints(
            leaving - float(first["rate"]) * (oxide_in + arriving) <= 0, name=f"tag-licence{name}"
        )


def _tagged_from_actor(
    rows: pd.DataFrame,
    lanes: dict[str, linopy.LinearExpression],
    first: pd.Series,
    others: list[str],
    years: list[int],
) -> dict[str, linopy.LinearExpression | xr.DataArray]:
    """Tagged content [year, item, region] arriving in each source region from the actor, by
    form (oxide, metal): its controlled exports times the part of the year in force."""
    in_force = rows.groupby("year")["in_force"].first().reindex(years)
    f = xr.DataArray(in_force.to_numpy(float), dims=["year"], coords={"year": years})
    source = _indicator_over(others, set(first["sources"].split(";")), "dest")
    kinds = set(first["kinds"].split(";"))
    out: dict[str, linopy.LinearExpression | xr.DataArray] = {}
    for kind in ("oxide", "metal"):
        if kind in kinds:
            shipped = lanes[kind].sel(origin=first["actor"], dest=others) * source * f
            out[kind] = shipped.rename({"dest": "region"})
        else:
            out[kind] = xr.zeros_like(source.rename({"dest": "region"}), dtype=float)
    return out


def _content_shipped(
    m: linopy.Model, content: dict[str, xr.DataArray], years: list[int]
) -> dict[str, linopy.LinearExpression]:
    """Content [t element] of each product's lanes [year, item, origin, dest]."""
    out = {}
    for stage in STAGES:
        lane = m.variables[stage.lane].sel(year=years)
        out[stage.kind] = (lane * content[stage.kind]).sum(stage.item)
    return out


def _content_made(
    m: linopy.Model, content: dict[str, xr.DataArray], years: list[int], regions: list[str]
) -> dict[str, linopy.LinearExpression]:
    """Content [t element] of the metal and the magnets made in each region [year, item,
    region]."""
    sel = {"year": years, "region": regions}
    return {
        stage.kind: (m.variables[stage.kind].sel(sel) * content[stage.kind]).sum(stage.item)
        for stage in STAGES
        if stage.kind != "oxide"
    }


def _final_use(
    m: linopy.Model,
    net: Network,
    content: dict[str, xr.DataArray],
    years: list[int],
    regions: list[str],
) -> dict[str, linopy.LinearExpression]:
    """Content [t element] of the demand met for oxide and metal in each region [year, item,
    region]: demand less unmet."""
    out = {}
    for stage in STAGES:
        if stage.kind == "magnet":
            continue
        sel = {"year": years, "region": regions}
        demand = arrays.demand(net, stage, "quantity").sum("block").sel(sel)
        unmet = m.variables[f"unmet_{stage.kind}"].sum("block").sel(sel)
        demand_content = (demand * content[stage.kind]).sum(stage.item)
        out[stage.kind] = -1 * (unmet * content[stage.kind]).sum(stage.item) + demand_content
    return out


def _indicator_over(labels: list[str], chosen: set[str], dim: str) -> xr.DataArray:
    """[dim] 1 for labels in ``chosen``, else 0."""
    return xr.DataArray(
        [1.0 if x in chosen else 0.0 for x in labels], dims=[dim], coords={dim: labels}
    )


def _tag_upper(
    origins: list[str], regions: list[str], blocked: set[str], licensed: bool
) -> xr.DataArray:
    """[origin, dest] bound of tagged lanes: none into a blocked region unless a licence rate
    lets a share through (then the licence constraint bounds it); domestic use is free."""
    values = [
        [0.0 if (d in blocked and d != o and not licensed) else np.inf for d in regions]
        for o in origins
    ]
    return xr.DataArray(
        np.array(values), dims=["origin", "dest"], coords={"origin": origins, "dest": regions}
    )


def define_offtake(
    m: linopy.Model, net: Network, produced: Expression
) -> linopy.LinearExpression | None:
    """Offtake as a priority, never an obligation (``net.offtake``, one row per year, project,
    partner and product item).

    ``offtake_<kind>`` [offtake] is what the partner takes of a project's product: at most
    what the lane to the partner carries, and at most ``share`` of the project's output (a
    project with its own feed: that feed's output of the item; otherwise ``share`` of the
    project's capacity over its items, and of its region's output of each). The objective
    rewards it by more than any willingness to pay of the item, so that the partner is served
    first; nothing forces it, so an offtake can't shut a plant. Returns the reward [USD] (a
    device of the model, not a cost) or None.
    """
    if not len(net.offtake):
        return None
    rewards = []
    for kind, part in net.offtake.groupby("kind", sort=False):
        part = part.reset_index(drop=True)
        offtake = pd.Index(range(len(part)), name="offtake")
        take = m.add_variables(lower=0, coords=[offtake], name=f"offtake_{kind}")
        lane, made, dim = _offtake_product(m, net, kind, produced)
        at = _rows(part, offtake)
        where = {"year": at("year"), dim: at("item"), "dest": at("dest")}
        if kind != "concentrate":
            where["origin"] = at("origin")
        m.add_constraints(take - _pick(lane, where) <= 0, name=f"offtake-lane_{kind}")
        output = {"year": at("year"), dim: at("item")}
        if kind != "concentrate":
            output["region"] = at("origin")
        share = at("share")
        m.add_constraints(take - _pick(made, output) * share <= 0, name=f"offtake-output_{kind}")
        _offtake_project_bounds(m, net, part, take, kind)
        rewards.append((take * at("reward")).sum())
    return sum(rewards[1:], rewards[0])


def _rows(part: pd.DataFrame, offtake: pd.Index) -> Callable[[str], xr.DataArray]:
    """A column of ``part`` as an [offtake] array (to pick one slot per row)."""
    return lambda column: xr.DataArray(
        part[column].to_numpy(), dims="offtake", coords={"offtake": offtake}
    )


def _pick(expr: Expression, where: dict[str, xr.DataArray]) -> linopy.LinearExpression:
    """One slot of ``expr`` per offtake row (pointwise selection), as an [offtake]
    expression labelled like the rows."""
    data = expr.to_linexpr().data if isinstance(expr, linopy.Variable) else expr.data
    picked = data.sel(where).reset_coords(list(where), drop=True)
    return linopy.LinearExpression(picked, expr.model)


def _offtake_product(
    m: linopy.Model, net: Network, kind: str, produced: Expression
) -> tuple[Expression, Expression, str]:
    """(lanes, output by region or pool, item dimension) of a product: concentrate lanes are
    ``conc`` [year, deposit, dest] and its output ``mine``; oxide output is what is separated."""
    v = m.variables
    if kind == "concentrate":
        return v["conc"].rename({"region": "dest"}), v["mine"], "deposit"
    stage = BY_KIND[kind]
    made = produced if kind == "oxide" else v[kind]
    return v[stage.lane], made, stage.item


def _offtake_project_bounds(
    m: linopy.Model, net: Network, part: pd.DataFrame, take: linopy.Variable, kind: str
) -> None:
    """A project's own share: rows with a feed pool take at most ``share`` of that pool's
    output of the item (separated oxide: concentrate x composition x recovery); the others at
    most ``share`` of the project's capacity [t/yr] over its items, per year."""
    offtake = take.indexes["offtake"]
    pooled = part[part["pool"].notna()]
    if kind == "oxide" and len(pooled):
        sub = pooled.reset_index()
        at = _rows(sub, pd.Index(sub["index"], name="offtake"))
        conc = m.variables["conc"] * (arrays.composition(net) * arrays.separation_recovery(net))
        output = _pick(conc, {"year": at("year"), "deposit": at("pool"),
                              "region": at("origin"), "element": at("item")})  # fmt: skip
        m.add_constraints(
            take.sel(offtake=list(sub["index"])) - output * at("share") <= 0,
            name="offtake-feed",
        )
    unpooled = part[part["pool"].isna()]
    for (event, year, dest), rows in unpooled.groupby(["event", "year", "dest"]):
        share, capacity = float(rows["share"].iloc[0]), float(rows["capacity"].iloc[0])
        m.add_constraints(
            take.sel(offtake=offtake[rows.index]).sum() <= share * capacity,
            name=f"offtake-capacity[{kind},{event},{year},{dest}]",
        )


def define_objective(
    m: linopy.Model,
    net: Network,
    foresight: bool,
    reward: linopy.LinearExpression | None = None,
) -> None:
    """Total cost [USD]: mining, separation, making and transport per tonne, oxide put to
    surplus (disposed of, or sold to stocks at their price), unmet demand at its willingness to
    pay, tariffs and (foresight) stocks, less the offtake ``reward`` (a priority device, see
    :func:`define_offtake`)."""
    c, v = net.costs, m.variables
    off = _offdiag(net.regions)
    objective = (
        (v["mine"] * arrays.place_cost(net, "mining")).sum()
        + (v["conc"].sum("deposit") * arrays.place_cost(net, "separation")).sum()
        + c["transport_concentrate"] * (v["conc"] * _concentrate_away(net)).sum()
        + c["transport_oxide"] * (v["ox"] * off).sum()
        + (v["surplus"] * _surplus_cost(net)).sum()
        + (v["metal"] * arrays.place_cost(net, "metal")).sum()
        + c["transport_metal"] * (v["met"] * off).sum()
        + (v["magnet"] * arrays.place_cost(net, "magnet")).sum()
        + c["transport_magnet"] * (v["mag"] * off).sum()
    )
    for stage in STAGES:
        price = arrays.demand(net, stage, "price")
        objective = objective + (v[f"unmet_{stage.kind}"] * price).sum()
    if "release" in v:
        # a stockpile sells at its trigger price: it is released only when the market pays it
        price = xr.DataArray(
            net.stockpiles["price"].to_numpy(dtype=float),
            dims=["item"],
            coords={"item": list(net.stockpiles["item"])},
        )
        objective = objective + (v["release"] * price).sum()
    for name in ("separation", "metal", "magnet"):
        if f"build_{name}" in v:
            objective = objective + (v[f"build_{name}"] * arrays.build_cost(net, name)).sum()
    for duty in _tariff_costs(m, net):
        objective = objective + duty
    if "heavy_conc" in v:
        # shipped as concentrate; its separation is paid with the concentrate it came from
        away = _offdiag(net.regions)  # a heavy circuit next to its light plant: no transport
        objective = objective + c["transport_concentrate"] * (v["heavy_conc"] * away).sum()
    if reward is not None:
        objective = objective - reward
    if "stock" in v:
        # Putting oxide into stock costs what disposal costs (handling, storage set-up), and
        # holding it costs per tonne and year (a month: its share of the year); drawing it
        # later saves mining it again.
        held = c.get("stock_holding", 0.0) * arrays.period_fractions(net)
        objective = objective + c["surplus"] * v["stock_in"].sum() + (v["stock"] * held).sum()
    if "magnet_stock" in v:
        # A consumer's stock away from its usual level costs its carrying cost per t and
        # period (below it: the risk of running short; above it: the money tied up).
        # The last linked month's stock stays out of the model: one left short of its usual
        # level must be bought back later at the magnets' value.
        off_usual = v["magnet_stock_short"] + v["magnet_stock_over"]
        held = c.get("magnet_stock_holding", 0.0) * arrays.period_fractions(net)
        last_short = v["magnet_stock_short"].sel(year=max(net.linked))
        objective = (
            objective
            + (off_usual * held).sum()
            + c.get("magnet_stock_value", 0.0) * last_short.sum()
        )
    m.add_objective(objective)


def _surplus_cost(net: Network) -> xr.DataArray | float:
    """[element] cost of a tonne of oxide nobody consumes [USD/t]: minus what producers' and
    traders' stocks pay for it where the network prices stocks (they hold it rather than
    dump it), so that no shadow price is negative; its disposal cost where it has no price."""
    if net.stocking_price is None:
        return net.costs["surplus"]
    return (-arrays.stocking_price(net)).fillna(net.costs["surplus"])


def _offdiag(regions: list[str]) -> xr.DataArray:
    """1 on lanes between different regions, 0 on domestic use."""
    eye = 1.0 - np.eye(len(regions))
    return xr.DataArray(eye, dims=["origin", "dest"], coords={"origin": regions, "dest": regions})


def _concentrate_away(net: Network) -> xr.DataArray:
    """[deposit, region] 1 where concentrate pays transport: separated outside its deposit's
    region, except on an observed supply relation (``net.routes``)."""
    deposits, regions = net.deposits, net.regions
    home = np.array([net.deposit_region[d] for d in deposits])
    away = home[:, None] != np.array(regions)[None, :]
    routed = {(r.origin, r.dest) for r in net.routes.itertuples()}
    for a, dep in enumerate(deposits):
        for b, reg in enumerate(regions):
            if (net.deposit_region[dep], reg) in routed:
                away[a, b] = False  # an observed supply relation: no transport cost
    return xr.DataArray(
        away.astype(float),
        dims=["deposit", "region"],
        coords={"deposit": deposits, "region": regions},
    )


def _tariff_costs(m: linopy.Model, net: Network) -> Iterator[linopy.LinearExpression]:
    """Duties [USD] on the lanes of each taxed product: t shipped x USD/t."""
    if not len(net.tariffs):
        return
    for kind, part in net.tariffs.groupby("kind"):
        stage = BY_KIND[kind]
        var = m.variables[stage.lane]
        rate = xr.zeros_like(var.labels, dtype=float)
        for r in part.itertuples():
            where = {"year": r.year, stage.item: r.item, "origin": r.origin, "dest": r.dest}
            rate.loc[where] += r.usd_per_t
        yield (var * rate).sum()


def varying(net: Network) -> dict[str, xr.DataArray | float]:
    """The numbers that may change between variants of one network without changing the
    model's structure: variable bounds (``name:lower`` / ``name:upper``) and constraint
    right-hand sides (by constraint name). :func:`build` and :func:`update` both read them."""
    deposits, regions = net.deposits, net.regions
    mine_cap = arrays.by_year(net.mine_cap[deposits], "deposit")
    mine_lo = (
        arrays.by_year(net.mine_min[deposits], "deposit")
        if net.mine_min is not None
        else xr.zeros_like(mine_cap)
    )
    out: dict[str, xr.DataArray | float] = {
        "mine:upper": mine_cap,
        "mine:lower": np.minimum(mine_lo, mine_cap),
    }
    for stage in STAGES:
        capacity = arrays.by_year(getattr(net, stage.capacity)[regions], "region")
        out[f"{stage.stage}-capacity"] = capacity
        minimum = getattr(net, stage.minimum)
        if minimum is not None:
            out[f"{stage.stage}-use-min"] = np.minimum(
                arrays.by_year(minimum[regions], "region"), capacity
            )
    if net.heavy_metal_cap is not None and any(e in net.elements for e in net.heavy_metals):
        out["metal-heavy-capacity"] = arrays.by_year(net.heavy_metal_cap[regions], "region")
    if net.linked:
        start, usual = arrays.initial_magnet_stock(net)
        out["magnet-stock-balance"], out["magnet-stock-short"] = start, usual
        out["stock-balance"] = arrays.initial_oxide_stock(net)
        out["magnet-stock-over"] = -usual
    for stage in STAGES:
        demand = arrays.demand(net, stage, "quantity")
        out[f"unmet_{stage.kind}:upper"] = demand
        out[f"{stage.kind}-dest"] = demand.sum("block")
    for cap_id, rows in net.lane_caps.groupby("cap_id", sort=False):
        out[f"lane-cap[{cap_id}]"] = float(rows["upper"].iloc[0])
    return out


def _whole(value: Any, net: Network) -> Any:
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.to_json()
    if isinstance(value, dict):
        return sorted(value.items())
    return value


def _demand_prices(demand: pd.DataFrame, net: Network) -> list[str]:
    """Demand enters the model's structure through its prices (objective coefficients); its
    quantities are bounds and right-hand sides."""
    return [arrays.demand(net, stage, "price").values.tobytes().hex() for stage in STAGES]


# How :func:`structure_key` reads the Network fields whose numbers :func:`update` can change.
# Every other field enters the key whole, so that a new field makes networks rebuild rather
# than share a model built for another value of it.
_KEY_VIEWS: dict[str, Callable[[Any, Network], Any]] = {
    **{
        name: lambda value, net: None  # bounds and right-hand sides only (see varying())
        for name in (
            "mine_cap",
            "mine_min",
            "heavy_metal_cap",
            "initial_magnet_stock",
            "initial_oxide_stock",
            *(stage.capacity for stage in STAGES),
            *(stage.minimum for stage in STAGES),
        )
    },
    "demand": _demand_prices,
    "lane_caps": lambda caps, net: (caps.drop(columns=["upper"]) if len(caps) else caps).to_json(),
    "composition": lambda df, net: df.round(12).to_json(),
    "recipe": lambda df, net: df.round(12).to_json(),
    "labels": lambda value, net: None,  # names for messages, not part of the model
}


def _layout(value: xr.DataArray | float) -> Any:
    """The labels of an entry of :func:`varying` (None for a scalar right-hand side)."""
    if isinstance(value, xr.DataArray):
        return [(dim, value[dim].values.tolist()) for dim in value.dims]
    return None


def structure_key(net: Network, foresight: bool) -> str:
    """A digest of everything :func:`update` cannot change: two networks with the same key
    differ only in bounds and right-hand sides, so one built model serves both.

    Derived rather than listed: every :class:`Network` field enters whole unless
    ``_KEY_VIEWS`` says which part of it is structure, and so do the names and labels of
    everything :func:`varying` returns, so that an optional constraint (a calibration floor)
    that one network has and the other lacks gives two keys.
    """
    parts: list[Any] = [foresight]
    for f in dataclasses.fields(Network):
        view = _KEY_VIEWS.get(f.name, _whole)
        parts.append((f.name, view(getattr(net, f.name), net)))
    parts.append(sorted((name, _layout(value)) for name, value in varying(net).items()))
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def update(m: linopy.Model, net: Network) -> None:
    """Set the bounds and right-hand sides of a built model to those of ``net`` (same
    structure: see :func:`structure_key`)."""
    bounds: dict[str, dict[str, Any]] = {}
    for name, value in varying(net).items():
        if ":" in name:
            var, side = name.split(":")
            bounds.setdefault(var, {})[side] = value
        else:
            m.constraints[name].update(rhs=value)
    # Both bounds of a variable at once: a new upper bound may lie below the old lower one.
    for var, sides in bounds.items():
        m.variables[var].update(**sides)


class ModelCache:
    """Built models by structure, so that variants (ensemble samples) skip the build."""

    def __init__(self, size: int = 2) -> None:
        self.size = size
        self.models: dict[str, linopy.Model] = {}
        self.hits = 0

    def get(self, net: Network, foresight: bool) -> linopy.Model:
        """A model of ``net``: a cached one of the same structure, updated, or a new build."""
        key = structure_key(net, foresight)
        if key in self.models:
            self.hits += 1
            m = self.models.pop(key)
            update(m, net)
        else:
            m = build(net, foresight)
        self.models[key] = m
        while len(self.models) > self.size:
            self.models.pop(next(iter(self.models)))
        return m


@functools.cache
def _quiet_highs_banner() -> None:
    """HiGHS prints its banner on stdout when a process makes its first solver, before any
    option can silence it. Make that first solver with stdout pointed at the null device, so
    that CSV or JSON on stdout stays clean and a one-line error stays one line (the version
    is logged instead, at info level)."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        highspy.Highs()
        # C's stdout buffer, before fd 1 is restored (best effort without a C library handle)
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).fflush(None)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)
    version = getattr(highspy.Highs(), "version", lambda: "?")
    logger.info("solver: HiGHS %s", version() if callable(version) else version)


def _solve(m: linopy.Model) -> tuple[str, str]:
    _quiet_highs_banner()
    status, condition = m.solve(solver_name="highs", io_api="direct", output_flag=False)
    return status, condition


def solve(net: Network, foresight: bool = False, cache: ModelCache | None = None) -> Solved:
    """Check ``net``, build it (or take a model of its structure from ``cache`` and update it)
    and solve it in one model; raise :class:`ReechainError` naming a bad input, or
    :class:`InfeasibleModelError` if the model has no solution."""
    t0 = time.perf_counter()
    net.check()
    m = cache.get(net, foresight) if cache is not None else build(net, foresight)
    t1 = time.perf_counter()
    status, condition = _solve(m)
    t2 = time.perf_counter()
    if status != "ok":
        raise InfeasibleModelError(diagnose(net, foresight, condition))
    highs_time = float(m.solver_model.getRunTime()) if m.solver_model is not None else np.nan
    return Solved(
        net, m, foresight, {"build": t1 - t0, "solve_total": t2 - t1, "highs": highs_time}
    )


def diagnose(net: Network, foresight: bool, condition: str) -> str:
    """Name the constraint family (and the event) that makes the model infeasible.

    Demand can always go unmet, so infeasibility comes from forced use (calibration minimums)
    colliding with export caps or capacities: drop each family in turn and report the first
    whose removal restores a solution (offtake is a priority and never forces anything).
    """
    trials = [
        ("export-control lane caps", {"lane_caps": net.lane_caps.iloc[0:0]}),
        (
            "calibration minimums (observed use in the base year)",
            {"mine_min": None, "sep_min": None, "metal_min": None, "magnet_min": None},
        ),
    ]
    for label, change in trials:
        trial = dataclasses.replace(net, **change)
        status, _ = _solve(build(trial, foresight))
        if status == "ok":
            events = sorted(set(net.labels.get(label, "").split(";")) - {""})
            hint = f" (from: {', '.join(events)})" if events else ""
            return (
                f"the model is infeasible ({condition}) because of its {label}{hint}; "
                "relax them (e.g. a higher quota)"
            )
    return (
        f"the model is infeasible ({condition}) and no single constraint family explains "
        "it; check capacities and demand inputs"
    )
