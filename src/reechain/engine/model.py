"""The network LP, built with linopy and solved with HiGHS.

Variables (all >= 0, dims in brackets; see MODEL.md in the design notes):

- ``mine`` [year, deposit] t REO mined; ``conc`` [year, deposit, region] concentrate separated
  in a region; ``ox`` [year, element, origin, dest] oxide shipped (origin == dest: used at home);
  ``surplus`` [year, region, element] oxide discarded or stockpiled;
- ``metal`` [year, region, element] t metal made; ``met`` [year, element, origin, dest];
- ``magnet`` [year, region, grade] t magnet made; ``mag`` [year, grade, origin, dest];
- ``unmet_oxide``, ``unmet_metal`` [year, region, element, block], ``unmet_magnet``
  [year, region, grade, block]: demand left unserved, at the block's willingness to pay;
- with perfect foresight, ``stock`` / ``stock_in`` / ``stock_out`` [year, region, element].

Joint production (the balance problem) is the oxide balance at the separating region: every
tonne of concentrate yields each element in its deposit's proportions (times recovery), and
what nobody takes must go to ``surplus``. The duals of the balances at the receiving region are
the scarcity prices [USD/t] of oxide, metal and magnets by region and year.

Constraint names: ``mine-use-min``, ``separation-capacity``, ``oxide-origin``, ``oxide-dest``,
``metal-capacity``, ``metal-origin``, ``metal-dest``, ``magnet-capacity``, ``magnet-origin``,
``magnet-dest``, ``lane-cap``, ``offtake``, ``stock-balance``, ``*-use-min``.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import logging
import os
import sys
import time
from dataclasses import dataclass, field

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from reechain.engine.network import Network
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)

DEST_BALANCES = {"oxide": "oxide-dest", "metal": "metal-dest", "magnet": "magnet-dest"}


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


def _frame(df: pd.DataFrame, first: str, second: str) -> xr.DataArray:
    """A years x items DataFrame as a DataArray with named dims."""
    return xr.DataArray(
        df.to_numpy(dtype=float),
        dims=[first, second],
        coords={first: list(df.index), second: list(df.columns)},
    )


def _demand_array(net: Network, kind: str, items: list[str], column: str) -> xr.DataArray:
    """Dense [year, region, item, block] array of demand quantities or prices."""
    dims = ["year", "region", "item", "block"]
    coords = {"year": net.years, "region": net.regions, "item": items, "block": net.blocks}
    arr = xr.DataArray(np.zeros([len(coords[d]) for d in dims]), dims=dims, coords=coords)
    part = net.demand[net.demand["kind"] == kind] if len(net.demand) else net.demand
    if len(part):
        grouped = part.groupby(["year", "region", "item", "block"])[column]
        series = grouped.sum() if column == "quantity" else grouped.max()
        full = series.reindex(pd.MultiIndex.from_product([coords[d] for d in dims], names=dims))
        arr.values[:] = full.fillna(0.0).to_numpy().reshape(arr.shape)
    return arr


def _offdiag(regions: list[str]) -> xr.DataArray:
    """1 on lanes between different regions, 0 on domestic use."""
    eye = 1.0 - np.eye(len(regions))
    return xr.DataArray(eye, dims=["origin", "dest"], coords={"origin": regions, "dest": regions})


def build(net: Network, foresight: bool = False) -> linopy.Model:
    """Build the LP of ``net`` (all its years in one model).

    With ``foresight`` the years are linked by oxide stocks (perfect foresight); without it the
    caller solves one year at a time (myopic; see :func:`solve_myopic`).
    """
    net.check()
    m = linopy.Model()
    years, regions, elements, grades = net.years, net.regions, net.elements, net.grades
    deposits = net.deposits
    c = net.costs
    y_idx = pd.Index(years, name="year")
    r_idx = pd.Index(regions, name="region")
    e_idx = pd.Index(elements, name="element")
    g_idx = pd.Index(grades, name="grade")
    o_idx, t_idx = pd.Index(regions, name="origin"), pd.Index(regions, name="dest")

    # -- mining and concentrate ------------------------------------------------------------
    bounds = varying(net)
    mine = m.add_variables(lower=bounds["mine:lower"], upper=bounds["mine:upper"], name="mine")
    allowed = xr.DataArray(
        np.ones((len(deposits), len(regions)), dtype=bool),
        dims=["deposit", "region"],
        coords={"deposit": deposits, "region": regions},
    )
    for dep, group in net.dedicated.groupby("deposit"):
        allowed.loc[dep] = allowed.region.isin(list(group["region"]))
    # A dedicated deposit (a project's own feed) may only go to its plant's regions: upper
    # bound 0 elsewhere (bounds rather than masks keep every slot present).
    conc_upper = (
        xr.where(allowed, np.inf, 0.0)
        .expand_dims(year=years)
        .transpose("year", "deposit", "region")
    )
    conc = m.add_variables(lower=0, upper=conc_upper, name="conc")
    m.add_constraints(conc.sum("region") == mine, name="mine-dispatch")
    _capacity(m, conc.sum("deposit"), bounds, "separation")

    # -- oxides: joint production -------------------------------------------------------------
    comp = xr.DataArray(
        net.composition.loc[deposits, elements].to_numpy(dtype=float),
        dims=["deposit", "element"],
        coords={"deposit": deposits, "element": elements},
    )
    recovery = xr.DataArray(
        net.recovery.reindex(elements).to_numpy(dtype=float),
        dims=["element"],
        coords={"element": elements},
    )
    produced = (conc * (comp * recovery)).sum("deposit")  # [year, region, element]
    ox = m.add_variables(lower=0, coords=[y_idx, e_idx, o_idx, t_idx], name="ox")
    surplus = m.add_variables(lower=0, coords=[y_idx, r_idx, e_idx], name="surplus")
    shipped = ox.sum("dest").rename({"origin": "region"})
    if foresight:
        stock = m.add_variables(lower=0, coords=[y_idx, r_idx, e_idx], name="stock")
        stock_in = m.add_variables(lower=0, coords=[y_idx, r_idx, e_idx], name="stock_in")
        stock_out = m.add_variables(lower=0, coords=[y_idx, r_idx, e_idx], name="stock_out")
        # The stock before the first year is zero: the shifted slot contributes nothing.
        m.add_constraints(
            stock - stock.shift(year=1).fillna(0) - stock_in + stock_out == 0, name="stock-balance"
        )
        m.add_constraints(
            produced + stock_out - shipped - surplus - stock_in == 0, name="oxide-origin"
        )
    else:
        m.add_constraints(produced - shipped - surplus == 0, name="oxide-origin")

    phi = xr.DataArray(
        net.metal_per_oxide.reindex(elements).to_numpy(dtype=float),
        dims=["element"],
        coords={"element": elements},
    )
    metal = m.add_variables(lower=0, coords=[y_idx, r_idx, e_idx], name="metal")
    d_ox = bounds["unmet_oxide:upper"]
    unmet_ox = m.add_variables(lower=0, upper=d_ox, name="unmet_oxide")
    received_ox = ox.sum("origin").rename({"dest": "region"})
    m.add_constraints(
        received_ox - metal / phi + unmet_ox.sum("block") == d_ox.sum("block"), name="oxide-dest"
    )

    # -- metal ----------------------------------------------------------------------------------
    _capacity(m, metal.sum("element"), bounds, "metal")
    met = m.add_variables(lower=0, coords=[y_idx, e_idx, o_idx, t_idx], name="met")
    m.add_constraints(
        metal - met.sum("dest").rename({"origin": "region"}) == 0, name="metal-origin"
    )
    recipe = xr.DataArray(
        net.recipe.reindex(index=grades, columns=elements).fillna(0.0).to_numpy(dtype=float),
        dims=["grade", "element"],
        coords={"grade": grades, "element": elements},
    )
    magnet = m.add_variables(lower=0, coords=[y_idx, r_idx, g_idx], name="magnet")
    d_met = bounds["unmet_metal:upper"]
    unmet_met = m.add_variables(lower=0, upper=d_met, name="unmet_metal")
    received_met = met.sum("origin").rename({"dest": "region"})
    needs = (magnet * recipe).sum("grade")  # [year, region, element]
    if net.prnd is not None:
        # didymium: Pr+Nd per magnet is fixed, its split flexible within pr_share
        prnd = xr.DataArray(
            net.prnd.reindex(grades).to_numpy(dtype=float), dims=["grade"], coords={"grade": grades}
        )
        prnd_need = (magnet * prnd).sum("grade")  # [year, region]
        pr_used = m.add_variables(lower=0, coords=[y_idx, r_idx], name="pr_in_magnets")
        low, high = net.pr_share
        m.add_constraints(pr_used - low * prnd_need >= 0, name="pr-share-min")
        m.add_constraints(pr_used - high * prnd_need <= 0, name="pr-share-max")
        is_pr = xr.DataArray(
            [1.0 if e == "Pr" else 0.0 for e in elements],
            dims=["element"],
            coords={"element": elements},
        )
        is_nd = xr.DataArray(
            [1.0 if e == "Nd" else 0.0 for e in elements],
            dims=["element"],
            coords={"element": elements},
        )
        needs = needs + pr_used * is_pr + (prnd_need - pr_used) * is_nd
    m.add_constraints(
        received_met - needs + unmet_met.sum("block") == d_met.sum("block"),
        name="metal-dest",
    )

    # -- magnets ----------------------------------------------------------------------------------
    _capacity(m, magnet.sum("grade"), bounds, "magnet")
    mag = m.add_variables(lower=0, coords=[y_idx, g_idx, o_idx, t_idx], name="mag")
    m.add_constraints(
        magnet - mag.sum("dest").rename({"origin": "region"}) == 0, name="magnet-origin"
    )
    d_mag = bounds["unmet_magnet:upper"]
    unmet_mag = m.add_variables(lower=0, upper=d_mag, name="unmet_magnet")
    received_mag = mag.sum("origin").rename({"dest": "region"})
    m.add_constraints(
        received_mag + unmet_mag.sum("block") == d_mag.sum("block"), name="magnet-dest"
    )

    # -- policy bounds ----------------------------------------------------------------------------
    _lane_caps(m, net)
    _offtake(m, net, produced)

    # -- objective --------------------------------------------------------------------------------
    off = _offdiag(regions)
    home = xr.DataArray(
        [net.deposit_region[d] for d in deposits], dims=["deposit"], coords={"deposit": deposits}
    )
    away = home.values[:, None] != np.array(regions)[None, :]
    routed = {(r.origin, r.dest) for r in net.routes.itertuples()}
    for a, dep in enumerate(deposits):
        for b, reg in enumerate(regions):
            if (net.deposit_region[dep], reg) in routed:
                away[a, b] = False  # an observed supply relation: no transport cost
    conc_away = xr.DataArray(
        away.astype(float),
        dims=["deposit", "region"],
        coords={"deposit": deposits, "region": regions},
    )
    p_ox = _demand_array(net, "oxide", elements, "price").rename(item="element")
    p_met = _demand_array(net, "metal", elements, "price").rename(item="element")
    p_mag = _demand_array(net, "magnet", grades, "price").rename(item="grade")
    objective = (
        c["mine"] * mine.sum()
        + c["separation"] * conc.sum()
        + c["transport_concentrate"] * (conc * conc_away).sum()
        + c["transport_oxide"] * (ox * off).sum()
        + c["surplus"] * surplus.sum()
        + c["metal"] * metal.sum()
        + c["transport_metal"] * (met * off).sum()
        + c["magnet"] * magnet.sum()
        + c["transport_magnet"] * (mag * off).sum()
        + (unmet_ox * p_ox).sum()
        + (unmet_met * p_met).sum()
        + (unmet_mag * p_mag).sum()
    )
    if len(net.tariffs):
        lanes = {
            "oxide": (ox, "element", elements),
            "metal": (met, "element", elements),
            "magnet": (mag, "grade", grades),
        }
        for kind, part in net.tariffs.groupby("kind"):
            var, dim, items = lanes[kind]
            rate = xr.zeros_like(var.labels, dtype=float)
            for r in part.itertuples():
                rate.loc[{"year": r.year, dim: r.item, "origin": r.origin, "dest": r.dest}] += (
                    r.usd_per_t
                )
            objective = objective + (var * rate).sum()
    if foresight:
        # Putting oxide into stock costs what disposal costs (handling, storage set-up), and
        # holding it costs per tonne and year; drawing it later saves mining it again.
        objective = (
            objective
            + c["surplus"] * m.variables["stock_in"].sum()
            + c.get("stock_holding", 0.0) * m.variables["stock"].sum()
        )
    m.add_objective(objective)
    return m


def _capacity(m: linopy.Model, used, bounds: dict, stage: str) -> None:
    """``used <= capacity`` per year and region, and ``used >= floor`` when the network has a
    calibration minimum (constraints ``<stage>-capacity``, ``<stage>-use-min``)."""
    m.add_constraints(used <= bounds[f"{stage}-capacity"], name=f"{stage}-capacity")
    if f"{stage}-use-min" in bounds:
        m.add_constraints(used >= bounds[f"{stage}-use-min"], name=f"{stage}-use-min")


def varying(net: Network) -> dict[str, xr.DataArray | float]:
    """The numbers that may change between variants of one network without changing the
    model's structure: variable bounds (``name:lower`` / ``name:upper``) and constraint
    right-hand sides (by constraint name). :func:`build` and :func:`update` both read them."""
    deposits, regions = net.deposits, net.regions
    mine_cap = _frame(net.mine_cap[deposits], "year", "deposit")
    mine_lo = (
        _frame(net.mine_min[deposits], "year", "deposit")
        if net.mine_min is not None
        else xr.zeros_like(mine_cap)
    )
    out: dict[str, xr.DataArray | float] = {
        "mine:upper": mine_cap,
        "mine:lower": np.minimum(mine_lo, mine_cap),
    }
    for stage, cap, minimum in (
        ("separation", net.sep_cap, net.sep_min),
        ("metal", net.metal_cap, net.metal_min),
        ("magnet", net.magnet_cap, net.magnet_min),
    ):
        capacity = _frame(cap[regions], "year", "region")
        out[f"{stage}-capacity"] = capacity
        if minimum is not None:
            out[f"{stage}-use-min"] = np.minimum(
                _frame(minimum[regions], "year", "region"), capacity
            )
    for kind, items, dim in (
        ("oxide", net.elements, "element"),
        ("metal", net.elements, "element"),
        ("magnet", net.grades, "grade"),
    ):
        demand = _demand_array(net, kind, items, "quantity").rename(item=dim)
        out[f"unmet_{kind}:upper"] = demand
        out[f"{kind}-dest"] = demand.sum("block")
    for cap_id, rows in net.lane_caps.groupby("cap_id", sort=False):
        out[f"lane-cap[{cap_id}]"] = float(rows["upper"].iloc[0])
    return out


def structure_key(net: Network, foresight: bool) -> str:
    """A digest of everything :func:`varying` leaves out: two networks with the same key differ
    only in bounds and right-hand sides, so one built model serves both."""
    lanes = net.lane_caps.drop(columns=["upper"]) if len(net.lane_caps) else net.lane_caps
    parts = [
        foresight,
        net.years,
        net.regions,
        net.elements,
        net.grades,
        net.deposits,
        net.composition.round(12).to_json(),
        net.recovery.to_json(),
        net.metal_per_oxide.to_json(),
        net.recipe.round(12).to_json(),
        None if net.prnd is None else net.prnd.to_json(),
        net.pr_share,
        sorted(net.costs.items()),
        net.dedicated.to_json(),
        net.routes.to_json(),
        net.secondary,
        net.offtake.to_json(),
        net.tariffs.to_json(),
        lanes.to_json(),
        net.deposit_region.to_json(),
        [
            _demand_array(net, k, i, "price").values.tobytes().hex()
            for k, i in (("oxide", net.elements), ("metal", net.elements), ("magnet", net.grades))
        ],
    ]
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def update(m: linopy.Model, net: Network) -> None:
    """Set the bounds and right-hand sides of a built model to those of ``net`` (same
    structure: see :func:`structure_key`)."""
    for name, value in varying(net).items():
        if ":" in name:
            var, side = name.split(":")
            m.variables[var].update(**{side: value})
        else:
            m.constraints[name].update(rhs=value)


class ModelCache:
    """Built models by structure, so that variants (ensemble samples) skip the build."""

    def __init__(self, size: int = 2) -> None:
        self.size = size
        self.models: dict[str, linopy.Model] = {}
        self.hits = 0

    def get(self, net: Network, foresight: bool) -> linopy.Model:
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


def _lane_caps(m: linopy.Model, net: Network) -> None:
    """Sum of flows on the lanes of each cap_id <= its upper bound (export controls)."""
    caps = net.lane_caps
    if not len(caps):
        return
    variables = {
        "oxide": ("ox", "element"),
        "metal": ("met", "element"),
        "magnet": ("mag", "grade"),
    }
    for cap_id, rows in caps.groupby("cap_id", sort=False):
        expr = None
        for kind, part in rows.groupby("kind"):
            name, item_dim = variables[kind]
            var = m.variables[name]
            mask = xr.zeros_like(var.labels, dtype=bool)
            for r in part.itertuples():
                mask.loc[{"year": r.year, item_dim: r.item, "origin": r.origin, "dest": r.dest}] = (
                    True
                )
            term = var.where(mask).sum()
            expr = term if expr is None else expr + term
        upper = float(rows["upper"].iloc[0])
        m.add_constraints(expr <= upper, name=f"lane-cap[{cap_id}]")


def _offtake(m: linopy.Model, net: Network, produced) -> None:
    """At least ``share`` of a region's separated oxide goes to a partner."""
    ox = m.variables["ox"]
    for i, r in enumerate(net.offtake.itertuples()):
        to_partner = ox.sel(year=r.year, origin=r.origin, dest=r.dest).sum("element")
        total = produced.sel(year=r.year, region=r.origin).sum("element")
        m.add_constraints(to_partner - float(r.share) * total >= 0, name=f"offtake[{i}]")


@functools.cache
def _highs_banner_to_stderr() -> None:
    """HiGHS prints its banner on stdout when a process makes its first solver, before any
    option can silence it. Make that first solver with stdout pointed at stderr, so the
    banner stays visible and CSV or JSON on stdout stays clean."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        highspy.Highs()
        # C's stdout buffer, before fd 1 is restored (best effort without a C library handle)
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).fflush(None)
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _solve(m: linopy.Model) -> tuple[str, str]:
    _highs_banner_to_stderr()
    status, condition = m.solve(solver_name="highs", io_api="direct", output_flag=False)
    return status, condition


def solve(net: Network, foresight: bool = False, cache: ModelCache | None = None) -> Solved:
    """Build (or take from ``cache`` and update) and solve ``net`` in one model; raise
    :class:`InfeasibleModelError` if it has no solution."""
    t0 = time.perf_counter()
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
    or offtake floors colliding with export caps or capacities: drop each family in turn and
    report the first whose removal restores a solution.
    """
    trials = [
        ("offtake floors", {"offtake": net.offtake.iloc[0:0]}),
        ("export-control lane caps", {"lane_caps": net.lane_caps.iloc[0:0]}),
        (
            "calibration minimums (observed use in the base year)",
            {"mine_min": None, "sep_min": None, "metal_min": None, "magnet_min": None},
        ),
    ]
    for label, change in trials:
        trial = Network(**{**net.__dict__, **change})
        status, _ = _solve(build(trial, foresight))
        if status == "ok":
            events = sorted(set(net.labels.get(label, "").split(";")) - {""})
            hint = f" (from: {', '.join(events)})" if events else ""
            return (
                f"the model is infeasible ({condition}) because of its {label}{hint}; "
                "relax them (e.g. a smaller offtake share or a higher quota)"
            )
    return (
        f"the model is infeasible ({condition}) and no single constraint family explains "
        "it; check capacities and demand inputs"
    )
