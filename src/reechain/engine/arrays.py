"""A network's tables as labelled arrays (xarray), for the model and for the checks of its
solution: one conversion per table, so that both read the same numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from reechain.engine import periods
from reechain.engine.network import Network
from reechain.engine.stages import Stage


def by_year(df: pd.DataFrame, second: str) -> xr.DataArray:
    """A years x items table (capacities, floors) as a [year, ``second``] array."""
    return xr.DataArray(
        df.to_numpy(dtype=float),
        dims=["year", second],
        coords={"year": list(df.index), second: list(df.columns)},
    )


def _along(values: pd.Series, dim: str, labels: list[str]) -> xr.DataArray:
    return xr.DataArray(
        values.reindex(labels).to_numpy(dtype=float), dims=[dim], coords={dim: labels}
    )


def _expansion(net: Network, stage: str) -> pd.DataFrame:
    rows = net.expansion
    return rows[rows["stage"] == stage].set_index("region") if len(rows) else rows


def build_upper(net: Network, stage: str) -> xr.DataArray | None:
    """[year, region] bound of the capacity the model may build at ``stage`` [t/yr]: none
    from the region's first year on, 0 before; None when the stage can't be built."""
    rows = _expansion(net, stage)
    if not len(rows):
        return None
    first = rows["first_year"].reindex(net.regions)
    open_ = [[periods.year_of(y) >= f for f in first] for y in net.years]
    return xr.DataArray(
        np.where(open_, np.inf, 0.0),
        dims=["year", "region"],
        coords={"year": net.years, "region": net.regions},
    )


def build_cost(net: Network, stage: str) -> xr.DataArray:
    """[region] yearly cost of a t/yr of built capacity at ``stage`` [USD per t/yr per yr]
    (per t of a period's capacity in a run with months)."""
    return _along(_expansion(net, stage)["usd_per_t"], "region", net.regions).fillna(0.0)


def release_upper(net: Network) -> xr.DataArray:
    """[year, item] most a stockpile item may release in a period [t REO]: its yearly rate
    times the period's share of its year, in its years; 0 outside them."""
    sp = net.stockpiles
    fractions = np.array([periods.fraction(p) for p in net.years])
    years = np.array([periods.year_of(p) for p in net.years])
    active = (years[:, None] >= sp["first"].to_numpy()) & (years[:, None] <= sp["last"].to_numpy())
    values = np.where(active, fractions[:, None] * sp["rate"].to_numpy(dtype=float), 0.0)
    return xr.DataArray(
        values, dims=["year", "item"], coords={"year": net.years, "item": list(sp["item"])}
    )


def release_into(net: Network) -> xr.DataArray:
    """[item, region, element] 1 where a stockpile item's release enters a region's market."""
    sp = net.stockpiles
    arr = xr.DataArray(
        np.zeros((len(sp), len(net.regions), len(net.elements))),
        dims=["item", "region", "element"],
        coords={"item": list(sp["item"]), "region": net.regions, "element": net.elements},
    )
    for r in sp.itertuples():
        arr.loc[{"item": r.item, "region": r.region, "element": r.element}] = 1.0
    return arr


def place_cost(net: Network, stage: str) -> xr.DataArray:
    """[deposit] (mining) or [region] cost of a stage's throughput [USD/t]: the network's
    cost by place, its scalar cost where a place has none."""
    dim, labels = ("deposit", net.deposits) if stage == "mining" else ("region", net.regions)
    scalar = net.costs["mine" if stage == "mining" else stage]
    rows = net.place_costs[net.place_costs["stage"] == stage].set_index("key")["usd_per_t"]
    return _along(rows.astype(float), dim, labels).fillna(scalar)


def stocking_price(net: Network) -> xr.DataArray:
    """[element] what oxide nobody consumes fetches from producers' and traders' stocks
    [USD/t]; NaN for an element without an observed price (or a network without them)."""
    if net.stocking_price is None:
        return _along(pd.Series(dtype=float), "element", net.elements)
    return _along(net.stocking_price, "element", net.elements)


def re_content(net: Network) -> pd.Series:
    """Grade -> t rare earth metal per t of magnet: its recipe with the flexible Pr+Nd part."""
    total = net.recipe.sum(axis=1)
    if net.prnd is not None:
        total = total + net.prnd.reindex(total.index).fillna(0.0)
    return total


def composition(net: Network) -> xr.DataArray:
    """[deposit, element] share of each element in a deposit's TREO [fraction]."""
    return xr.DataArray(
        net.composition.loc[net.deposits, net.elements].to_numpy(dtype=float),
        dims=["deposit", "element"],
        coords={"deposit": net.deposits, "element": net.elements},
    )


def recovery(net: Network) -> xr.DataArray:
    """[element] separation recovery [fraction]."""
    return _along(net.recovery, "element", net.elements)


def metal_per_oxide(net: Network) -> xr.DataArray:
    """[element] t metal per t oxide."""
    return _along(net.metal_per_oxide, "element", net.elements)


def recipe(net: Network) -> xr.DataArray:
    """[grade, element] t of each metal per t of magnet (0 where the recipe has none)."""
    table = net.recipe.reindex(index=net.grades, columns=net.elements).fillna(0.0)
    return xr.DataArray(
        table.to_numpy(dtype=float),
        dims=["grade", "element"],
        coords={"grade": net.grades, "element": net.elements},
    )


def prnd(net: Network) -> xr.DataArray:
    """[grade] t Pr+Nd per t of magnet (networks with a flexible Pr/Nd split only)."""
    if net.prnd is None:
        raise ValueError("the network has no flexible Pr/Nd split (prnd is None)")
    return _along(net.prnd, "grade", net.grades)


def demand(net: Network, stage: Stage, column: str) -> xr.DataArray:
    """Dense [year, region, item, block] array (item: the stage's ``element`` or ``grade``) of
    the demand ``quantity``, ``reference`` or ``firm`` [t/yr] (summed) or ``price`` [USD/t]
    (the highest) for the stage's product; 0 where there is none."""
    dims = ["year", "region", stage.item, "block"]
    coords = {"year": net.years, "region": net.regions, stage.item: stage.items(net)}
    coords["block"] = net.blocks
    arr = xr.DataArray(np.zeros([len(coords[d]) for d in dims]), dims=dims, coords=coords)
    demand = net.demand
    if column != "price" and len(demand):  # quantities: 'reference' and 'firm' may be absent
        demand = demand.assign(**{column: net.demand_column(column)})
    part = demand[demand["kind"] == stage.kind] if len(demand) else demand
    if len(part):
        keys = ["year", "region", "item", "block"]
        grouped = part.groupby(keys)[column]
        series = grouped.max() if column == "price" else grouped.sum()
        full = series.reindex(pd.MultiIndex.from_product([coords[d] for d in dims], names=keys))
        arr.values[:] = full.fillna(0.0).to_numpy().reshape(arr.shape)
    return arr


def content(net: Network, stage: Stage, items: list[str]) -> xr.DataArray:
    """[stage item, item] t of each tracked content item (an element, or ``Pr+Nd``) per t of
    the stage's product: oxide t metal per t oxide, metal 1, magnets their recipe (Pr+Nd:
    the grade's Pr+Nd content when the model chooses the split)."""
    rows = stage.items(net)
    table = pd.DataFrame(0.0, index=rows, columns=items)
    for item in items:
        elements = ["Pr", "Nd"] if item == "Pr+Nd" else [item]
        if stage.item == "element":
            per = net.metal_per_oxide if stage.kind == "oxide" else pd.Series(1.0, index=rows)
            for e in elements:
                if e in table.index:
                    table.loc[e, item] = float(per.get(e, 0.0))
        elif item == "Pr+Nd" and net.prnd is not None:
            table[item] = net.prnd.reindex(rows).fillna(0.0) + sum(
                net.recipe.reindex(index=rows).get(e, 0.0) for e in elements
            )
        else:
            table[item] = sum(net.recipe.reindex(index=rows).get(e, 0.0) for e in elements)
    return xr.DataArray(
        table.to_numpy(dtype=float),
        dims=[stage.item, "item"],
        coords={stage.item: rows, "item": items},
    )


def period_fractions(net: Network) -> xr.DataArray:
    """[year] each period's share of its year [fraction] (1 for a year, days for a month)."""
    values = [periods.fraction(p) for p in net.years]
    return xr.DataArray(values, dims=["year"], coords={"year": net.years})


def _start_table(net: Network, table: pd.DataFrame | None, dim: str, labels: list[str]):
    """A region x ``dim`` table as an array (0 where none is given)."""
    start = xr.DataArray(
        np.zeros((len(net.regions), len(labels))),
        dims=["region", dim],
        coords={"region": net.regions, dim: labels},
    )
    if table is not None:
        start.values[:] = table.reindex(index=net.regions, columns=labels).fillna(0.0).to_numpy()
    return start


def _in_periods(net: Network, chosen: set) -> xr.DataArray:
    """[year] 1 in the ``chosen`` periods, 0 elsewhere."""
    values = [1.0 if y in chosen else 0.0 for y in net.years]
    return xr.DataArray(values, dims=["year"], coords={"year": net.years})


def initial_magnet_stock(net: Network) -> tuple[xr.DataArray, xr.DataArray]:
    """(consumers' magnet stock entering the first linked period, 0 in every other period;
    the usual stock in every linked period, 0 in the others) [year, region, grade] [t magnet],
    from ``net.initial_magnet_stock`` (0 where none is given)."""
    start = _start_table(net, net.initial_magnet_stock, "grade", net.grades)
    at_first, in_linked = _in_periods(net, {min(net.linked)}), _in_periods(net, set(net.linked))
    order = ("year", "region", "grade")
    return (at_first * start).transpose(*order), (in_linked * start).transpose(*order)


def initial_oxide_stock(net: Network) -> xr.DataArray:
    """Producers' oxide stock entering the first linked period, 0 in every other period
    [year, region, element] [t REO], from ``net.initial_oxide_stock`` (0 where none)."""
    start = _start_table(net, net.initial_oxide_stock, "element", net.elements)
    at_first = _in_periods(net, {min(net.linked)} if net.linked else set())
    return (at_first * start).transpose("year", "region", "element")


# Elements a light-only separator doesn't separate: Sm to Lu and Y (Lynas sold them as mixed
# SEG and heavy concentrates before its heavy circuit).
HEAVY_SEPARATION = ("Y", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu")


def separation_recovery(net: Network) -> xr.DataArray:
    """[element], or [year, region, element] where some regions separate light rare earths
    only: separation recovery [fraction], 0 for the heavy elements in those regions and
    periods."""
    rec = recovery(net)
    if net.light_only is None:
        return rec
    light, heavy = _light_heavy(net)
    return (rec * (1 - light * heavy)).transpose("year", "region", "element")


def _light_heavy(net: Network) -> tuple[xr.DataArray, xr.DataArray]:
    """([year, region] 1 where a region separates light rare earths only, [element] 1 for the
    elements it doesn't separate)."""
    light = by_year(net.light_only[net.regions], "region")
    heavy = xr.DataArray(
        [1.0 if e in HEAVY_SEPARATION else 0.0 for e in net.elements],
        dims=["element"],
        coords={"element": net.elements},
    )
    return light, heavy


def has_heavy_fraction(net: Network) -> bool:
    """Whether some region separates light rare earths only in some year."""
    return net.light_only is not None and bool((net.light_only.to_numpy() > 0).any())


def heavy_fraction(net: Network) -> xr.DataArray:
    """[year, region, element] the share of each element of a concentrate [fraction] that a
    light-only region recovers into a mixed heavy concentrate instead of separating it."""
    light, heavy = _light_heavy(net)
    return (recovery(net) * light * heavy).transpose("year", "region", "element")


def heavy_circuit_mix(net: Network) -> xr.DataArray:
    """[region, element] the element mix [fraction, rows sum to 1] of the heavy concentrate a
    region's heavy circuit takes: the heavy fraction of the ores it separates (the deposits
    in the region and those whose concentrate the observed routes bring to it), weighted by
    their base-year mine capacity; 0 for a region that takes none."""
    heavy = _light_heavy(net)[1]
    base = net.mine_cap.iloc[0].reindex(net.deposits).fillna(0.0)
    rows = []
    for region in net.regions:
        sources = {region}
        if net.routes is not None and len(net.routes):
            sources |= set(net.routes.loc[net.routes["dest"] == region, "origin"])
        feeds = [d for d in net.deposits if net.deposit_region[d] in sources]
        weights = base[feeds]
        mix = (
            net.composition.loc[feeds, net.elements].mul(weights, axis=0).sum()
            if len(feeds) and weights.sum() > 0
            else pd.Series(0.0, index=net.elements)
        )
        mix = mix * heavy.to_series().reindex(net.elements).to_numpy()
        rows.append(mix / mix.sum() if mix.sum() > 0 else mix)
    table = pd.DataFrame(rows, index=net.regions, columns=net.elements).astype(float)
    return xr.DataArray(
        table.to_numpy(),
        dims=["region", "element"],
        coords={"region": net.regions, "element": net.elements},
    )


def heavy_lane_upper(net: Network) -> xr.DataArray:
    """[year, element, origin, dest] bound of heavy concentrate lanes: open from a light-only
    region to one known to separate heavy rare earths (``net.heavy_separators``; else any
    region that is not light-only), for the heavy elements; 0 elsewhere."""
    light, heavy = _light_heavy(net)
    origin = light.rename({"region": "origin"})
    if net.heavy_separators is not None:
        dest = by_year(net.heavy_separators[net.regions], "region").rename({"region": "dest"})
    else:
        dest = 1 - light.rename({"region": "dest"})
    open_ = (origin * dest * heavy) > 0
    return xr.where(open_, np.inf, 0.0).transpose("year", "element", "origin", "dest")
