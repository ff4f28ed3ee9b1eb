"""Results of a solve in tidy tables, and the invariants every solve must satisfy.

After each solve the balances are re-derived from the solution in pandas (not read back from
the solver) and checked with a tolerance scaled to the flows; a violation raises
:class:`InvariantError` naming the node.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from reechain.data.flows import FLOW_COLUMNS, WORLD
from reechain.engine.model import DEST_BALANCES, Solved
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
    """Re-derive every balance from the solution; raise on a violation; return max residuals."""
    net = solved.network
    tol = _tolerance(solved)
    v = solved.value
    residuals: dict[str, float] = {}

    def require(name: str, residual: xr.DataArray, what: str) -> None:
        worst = float(abs(residual).max()) if residual.size else 0.0
        residuals[name] = worst
        if worst > tol:
            where = residual.where(abs(residual) == worst, drop=True)
            coords = {k: where[k].values.tolist() for k in where.coords}
            raise InvariantError(
                f"{what} broken at {coords}: residual {worst:.6g} t (tolerance {tol:.3g} t)"
            )

    for name in ("mine", "conc", "ox", "surplus", "metal", "met", "magnet", "mag"):
        low = float(v(name).min())
        if low < -tol:
            raise InvariantError(f"negative flow in {name}: {low:.6g}")
    comp = xr.DataArray(
        net.composition.loc[net.deposits, net.elements].to_numpy(float),
        dims=["deposit", "element"],
        coords={"deposit": net.deposits, "element": net.elements},
    )
    rec = xr.DataArray(
        net.recovery.reindex(net.elements).to_numpy(float),
        dims=["element"],
        coords={"element": net.elements},
    )
    produced = (v("conc") * comp * rec).sum("deposit")
    shipped = v("ox").sum("dest").rename(origin="region")
    stock_term = 0.0
    if solved.foresight:
        stock_term = v("stock_out") - v("stock_in")
    require(
        "oxide-origin",
        produced + stock_term - shipped - v("surplus"),
        "oxide balance at the separating region (joint production)",
    )
    phi = xr.DataArray(
        net.metal_per_oxide.reindex(net.elements).to_numpy(float),
        dims=["element"],
        coords={"element": net.elements},
    )
    received = v("ox").sum("origin").rename(dest="region")
    served_ox = _served(solved, "oxide", "element")
    require(
        "oxide-dest",
        received - v("metal") / phi - served_ox,
        "oxide balance at the receiving region",
    )
    require(
        "metal-origin",
        v("metal") - v("met").sum("dest").rename(origin="region"),
        "metal balance at the making region",
    )
    recipe = xr.DataArray(
        net.recipe.reindex(index=net.grades, columns=net.elements).fillna(0).to_numpy(float),
        dims=["grade", "element"],
        coords={"grade": net.grades, "element": net.elements},
    )
    require(
        "metal-dest",
        v("met").sum("origin").rename(dest="region")
        - _magnet_needs(solved, recipe)
        - _served(solved, "metal", "element"),
        "metal balance at the receiving region",
    )
    require(
        "magnet-origin",
        v("magnet") - v("mag").sum("dest").rename(origin="region"),
        "magnet balance at the making region",
    )
    require(
        "magnet-dest",
        v("mag").sum("origin").rename(dest="region") - _served(solved, "magnet", "grade"),
        "magnet balance at the receiving region",
    )
    caps = {
        "mine capacity": (v("mine"), net.mine_cap, "deposit"),
        "separation capacity": (v("conc").sum("deposit"), net.sep_cap, "region"),
        "metal capacity": (v("metal").sum("element"), net.metal_cap, "region"),
        "magnet capacity": (v("magnet").sum("grade"), net.magnet_cap, "region"),
    }
    for what, (used, cap, dim) in caps.items():
        capacity = xr.DataArray(
            cap.to_numpy(float),
            dims=["year", dim],
            coords={"year": list(cap.index), dim: list(cap.columns)},
        )
        over = (used - capacity).clip(min=0)
        require(what, over, what)
    for cap_id, rows in net.lane_caps.groupby("cap_id"):
        total = 0.0
        for r in rows.itertuples():
            name, dim = {
                "oxide": ("ox", "element"),
                "metal": ("met", "element"),
                "magnet": ("mag", "grade"),
            }[r.kind]
            total += float(
                v(name).sel({"year": r.year, dim: r.item, "origin": r.origin, "dest": r.dest})
            )
        upper = float(rows["upper"].iloc[0])
        residuals[f"lane-cap[{cap_id}]"] = max(0.0, total - upper)
        if total > upper + tol:
            raise InvariantError(f"export cap {cap_id} exceeded: {total:.6g} > {upper:.6g} t")
    return residuals


def _magnet_needs(solved: Solved, recipe: xr.DataArray) -> xr.DataArray:
    """Metal each region's magnets consumed [year, region, element], including the flexible
    Pr/Nd split when the network has one."""
    net = solved.network
    needs = (solved.value("magnet") * recipe).sum("grade")
    if net.prnd is None:
        return needs
    prnd = xr.DataArray(
        net.prnd.reindex(net.grades).to_numpy(float), dims=["grade"], coords={"grade": net.grades}
    )
    total = (solved.value("magnet") * prnd).sum("grade")
    pr = solved.value("pr_in_magnets")
    add = xr.zeros_like(needs)
    add.loc[{"element": "Pr"}] = pr
    add.loc[{"element": "Nd"}] = total - pr
    return needs + add


def _served(solved: Solved, kind: str, dim: str) -> xr.DataArray:
    """Demand served [year, region, item] = demand - unmet."""
    from reechain.engine.model import _demand_array

    net = solved.network
    items = net.elements if dim == "element" else net.grades
    demand = _demand_array(net, kind, items, "quantity").rename(item=dim).sum("block")
    unmet = solved.value(f"unmet_{kind}")
    if "block" in unmet.dims:
        unmet = unmet.sum("block")
    return demand - unmet.reindex_like(demand).fillna(0.0)


@dataclass
class RunResult:
    """Tidy results of a run.

    flows: the flows schema (``year, stage, material, origin, destination, owner, value, unit,
    source``): production totals per region (destination empty, plus a WLD row per stage,
    material and year) and shipments (destination set). prices: scarcity prices [USD/t] from
    the duals of the receiving balances. unmet, surplus, capacity_use: per year and region.
    """

    name: str
    mode: str
    flows: pd.DataFrame
    prices: pd.DataFrame
    unmet: pd.DataFrame
    surplus: pd.DataFrame
    capacity_use: pd.DataFrame
    pool_output: pd.DataFrame = field(default_factory=pd.DataFrame)
    residuals: dict[str, float] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    objective: float = float("nan")


def _grade_material(arr: xr.DataArray) -> xr.DataArray:
    """Magnet values with grades named as materials: 'NdFeB:N42', 'NdFeB:GBD'."""
    return arr.assign_coords(grade=[f"NdFeB:{g}" for g in arr["grade"].values])


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
    net, v = solved.network, solved.value
    dep_region = xr.DataArray(
        list(net.deposit_region[net.deposits]), dims=["deposit"], coords={"deposit": net.deposits}
    )
    primary = xr.DataArray(
        [d not in net.secondary for d in net.deposits],
        dims=["deposit"],
        coords={"deposit": net.deposits},
    )
    mined = v("mine").where(primary, 0.0)  # recycled feed is not mine output
    mine_by_region = mined.groupby(dep_region.rename("region")).sum()
    comp = xr.DataArray(
        net.composition.loc[net.deposits, net.elements].to_numpy(float),
        dims=["deposit", "element"],
        coords={"deposit": net.deposits, "element": net.elements},
    )
    mine_elements = (mined * comp).groupby(dep_region.rename("region")).sum()
    rec = xr.DataArray(
        net.recovery.reindex(net.elements).to_numpy(float),
        dims=["element"],
        coords={"element": net.elements},
    )
    separated = (v("conc") * comp * rec).sum("deposit")
    parts = [
        _production_rows(mine_by_region, "mining", "t REO", "region", None, "TREO", run_id),
        _production_rows(mine_elements, "mining", "t REO", "region", "element", None, run_id),
        _production_rows(
            v("conc").sum("deposit"), "separation", "t REO", "region", None, "TREO", run_id
        ),
        _production_rows(separated, "separation", "t REO", "region", "element", None, run_id),
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
    production = pd.concat(parts, ignore_index=True)
    world = production.groupby(["year", "stage", "material", "unit"], as_index=False)["value"].sum()
    world["origin"], world["destination"], world["owner"], world["source"] = (
        WORLD,
        None,
        None,
        run_id,
    )
    conc_lanes = (
        v("conc")
        .where(primary, 0.0)
        .groupby(dep_region.rename("origin"))
        .sum()
        .rename(region="dest")
    )
    trade = pd.concat(
        [
            _trade_rows(conc_lanes, "mining", "t REO", "element", run_id, "TREO"),
            _trade_rows(v("ox"), "separation", "t REO", "element", run_id),
            _trade_rows(v("met"), "metal", "t metal", "element", run_id),
            _trade_rows(v("mag").sum("grade"), "magnet", "t magnet", "grade", run_id, "NdFeB"),
            _trade_rows(_grade_material(v("mag")), "magnet", "t magnet", "grade", run_id),
        ],
        ignore_index=True,
    )
    flows = pd.concat([production, world[FLOW_COLUMNS], trade], ignore_index=True)
    flows["year"] = flows["year"].astype(int)
    flows["value"] = flows["value"].clip(lower=0.0)
    prices = []
    for kind, cname in DEST_BALANCES.items():
        dual = solved.dual(cname)
        dim = "grade" if kind == "magnet" else "element"
        df = _df(dual, "price").rename(columns={dim: "item"})
        df["kind"] = kind
        prices.append(df[["year", "region", "kind", "item", "price"]])
    unmet = []
    for kind, dim in (("oxide", "element"), ("metal", "element"), ("magnet", "grade")):
        arr = v(f"unmet_{kind}")
        if "block" in arr.dims:
            arr = arr.sum("block")
        df = _df(arr, "unmet").rename(columns={dim: "item"})
        df["kind"] = kind
        unmet.append(df[df["unmet"] > 1e-9][["year", "region", "kind", "item", "unmet"]])
    surplus = _df(v("surplus"), "surplus")
    surplus = surplus[surplus["surplus"] > 1e-9]
    capacity_use = _capacity_use(solved)
    return RunResult(
        name=run_id,
        mode="foresight" if solved.foresight else "myopic",
        flows=flows,
        prices=pd.concat(prices, ignore_index=True),
        unmet=pd.concat(unmet, ignore_index=True),
        surplus=surplus,
        capacity_use=capacity_use,
        pool_output=_df(v("mine")),
        residuals=residuals,
        timings=dict(solved.timings),
        objective=float(solved.model.objective.value),
    )


def _capacity_use(solved: Solved) -> pd.DataFrame:
    net, v = solved.network, solved.value
    rows = []
    for stage, used, cap in (
        ("separation", v("conc").sum("deposit"), net.sep_cap),
        ("metal", v("metal").sum("element"), net.metal_cap),
        ("magnet", v("magnet").sum("grade"), net.magnet_cap),
    ):
        df = _df(used, "used")
        df["capacity"] = [
            float(cap.loc[y, r]) for y, r in zip(df["year"], df["region"], strict=True)
        ]
        df["stage"] = stage
        rows.append(df)
    out = pd.concat(rows, ignore_index=True)
    out["utilisation"] = np.where(out["capacity"] > 0, out["used"] / out["capacity"], np.nan)
    return out[["year", "stage", "region", "used", "capacity", "utilisation"]]
