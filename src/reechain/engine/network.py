"""The inputs of one model run, in named, dense tables: the network the LP is built from.

Everything here is data: no dataset access, no solver. Toy networks for tests are built by hand
with :func:`toy_network`-style code; the real one by :mod:`reechain.engine.inputs`.

Units: tonnes of oxide [t REO] for mining, separation and oxide demand; tonnes of metal
[t metal] for the metal stage and metal demand; tonnes of magnet [t magnet] for magnets.
Costs and prices in USD per tonne of the stage's material [USD/t].
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np
import pandas as pd

from reechain.errors import ReechainError

KINDS = ("oxide", "metal", "magnet")
TRACKING_COLUMNS = [
    "control", "year", "item", "actor", "in_force", "kinds", "sources", "blocked", "rate"
]  # fmt: skip


@dataclass(frozen=True)
class Network:
    """One run's inputs.

    Attributes
    ----------
    years, regions, elements, grades, blocks
        The sets (blocks are demand price steps).
    deposit_region
        Series deposit -> region where it is mined.
    composition
        DataFrame deposit x element: share of each element in the deposit's TREO [fraction],
        rows summing to 1.
    recovery
        Series element -> separation recovery [fraction].
    metal_per_oxide
        Series element -> t metal per t oxide.
    recipe
        DataFrame grade x element: t of element (metal) per t of magnet.
    mine_cap, mine_min
        DataFrame year x deposit [t REO/yr]; ``mine_min`` forces use (calibration), default 0.
    sep_cap, metal_cap, magnet_cap
        DataFrame year x region [t REO/yr, t metal/yr, t magnet/yr].
    sep_min, metal_min, magnet_min
        Optional lower bounds on use (calibration), same shape.
    dedicated
        DataFrame [deposit, region]: if a deposit appears here, its concentrate may only be
        separated in the listed regions (a project's own plant).
    demand
        DataFrame [year, region, kind, item, block, quantity, price, reference, firm]: kind
        oxide/metal (item an element) or magnet (item a grade); one row per step of the demand
        curve: quantity [t/yr] the step's width; price [USD/t] what buyers pay for that step
        (the cost of leaving it unserved); reference [t/yr] its part of the demand at the
        observed price; firm [t/yr] its part that counts as unmet demand when not served
        (optional columns: without them every step is firm and reference).
    costs
        Scalars [USD/t]: mine, separation, metal, magnet, transport_concentrate,
        transport_oxide, transport_metal, transport_magnet, surplus (per t oxide discarded or
        stockpiled), stock_holding (perfect foresight, per t and year).
    expansion
        DataFrame [stage, region, first_year, usd_per_t]: where and from which year the model
        may build capacity of a stage beyond ``<stage>_cap``, at a yearly cost [USD per t/yr
        per yr]; empty: no building.
    place_costs
        DataFrame [stage, key, usd_per_t]: the cost of mining per pool (key: deposit) and of
        separation, metal and magnets per region [USD per t of throughput]; a place without a
        row pays the stage's scalar cost in ``costs``.
    stockpiles
        DataFrame [item, stockpile, region, element, stock, first, last, rate, price]: oxide
        held in a region [t REO], released from year ``first`` to ``last`` at most ``rate``
        [t REO/yr] when the region's price reaches ``price`` [USD/t]; never more than
        ``stock`` over the run.
    stocking_price
        Optional Series element -> what oxide nobody consumes fetches from stocks [USD/t]
        (the demand curve's lowest price): shadow prices of a surplus element stay positive.
    lane_caps
        DataFrame [cap_id, year, kind, item, origin, dest, upper]: the sum of flows over the
        rows of one cap_id is at most its upper value [t/yr] (export controls).
    offtake
        DataFrame [year, origin, dest, kind, item, share, pool, capacity, reward]: a partner
        (region ``dest``) may take first up to ``share`` of a project's output of ``item``
        (its ``kind`` of product: concentrate, oxide, metal, magnet) made in ``origin``: of its
        feed ``pool``'s output where it has one, else of its ``capacity`` [t/yr]; ``reward``
        [USD/t] gives the priority (see :func:`reechain.engine.model.define_offtake`).
    light_only
        Optional year x region, 1 where a region's separators separate the light rare earths
        only (La to Nd): the heavy ones (``HEAVY_SEPARATION``) in the concentrate it separates
        leave the model as a mixed concentrate (not recovered there).
    heavy_circuit_cap
        Optional year x region [t REO of heavy feed per period]: where a light-only region's
        heavy separation comes from heavy-only circuits, what they take at most (NaN: no
        bound).
    heavy_separators
        Optional year x region, 1 where a region is known to separate heavy rare earths (China;
        Lynas Malaysia from 2025): the only places a light-only region's mixed heavy
        concentrate may go (all heavy-capable regions when not given).
    linked
        Periods (months ``YYYYMM``) between which stocks carry: producers' oxide stocks at the
        separating region and consumers' magnet stocks at the receiving one (see
        :mod:`reechain.engine.periods`); empty: stocks only with perfect foresight.
    initial_magnet_stock
        Optional region x grade [t magnet]: consumers' magnet stocks before the first linked
        period; the last linked period should hold as much again (a shortfall costs the
        magnets' lowest willingness to pay).
    initial_oxide_stock
        Optional region x element [t REO]: separators' oxide stocks before the first linked
        period (none may be carried out of the last one).
    heavy_metal_cap
        Optional year x region [t metal/yr]: how much of ``heavy_metals`` (Dy, Tb) each
        region's metal plants can make (China holds almost all of it).
    tracking
        DataFrame [control, year, item, actor, in_force, kinds, sources, blocked, rate]: the
        content of the actor's controlled exports followed through third countries (no leak
        around a control). ``item`` is an element, or ``Pr+Nd``; ``kinds`` the controlled
        products (oxide, metal; ';'-joined); content exported by the actor to a region of
        ``sources`` during the part ``in_force`` of the year is tagged, and tagged content
        may leave a third region for a region of ``blocked`` only up to ``rate`` of what it
        received (0: never).
    tariffs
        DataFrame [year, kind, item, origin, dest, usd_per_t]: duties added to the lanes' costs.
    routes
        DataFrame [origin, dest]: concentrate lanes with an observed supply relation (a plant fed
        by a deposit abroad, e.g. Mount Weld -> Lynas Malaysia); they carry no transport cost,
        so that the model follows them before other, equally costly lanes.
    secondary
        Pools that are not mines (recycled feed such as magnet scrap): modelled like a deposit,
        reported apart from mine output.
    prnd, pr_share
        Optional didymium flexibility: ``prnd`` (grade -> t Pr+Nd per t magnet) is met by Pr and
        Nd in any split whose Pr share lies in ``pr_share`` = (low, high); the recipe's own Pr
        and Nd entries are then 0. Magnet makers do vary the Pr:Nd ratio with the ore's.
    """

    years: list[int]
    regions: list[str]
    elements: list[str]
    grades: list[str]
    deposit_region: pd.Series
    composition: pd.DataFrame
    recovery: pd.Series
    metal_per_oxide: pd.Series
    recipe: pd.DataFrame
    mine_cap: pd.DataFrame
    sep_cap: pd.DataFrame
    metal_cap: pd.DataFrame
    magnet_cap: pd.DataFrame
    demand: pd.DataFrame
    costs: dict[str, float]
    mine_min: pd.DataFrame | None = None
    sep_min: pd.DataFrame | None = None
    metal_min: pd.DataFrame | None = None
    magnet_min: pd.DataFrame | None = None
    dedicated: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["deposit", "region"])
    )
    lane_caps: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["cap_id", "year", "kind", "item", "origin", "dest", "upper"]
        )
    )
    offtake: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=[
                "year",
                "origin",
                "dest",
                "kind",
                "item",
                "share",
                "pool",
                "capacity",
                "reward",
            ]  # fmt: skip
        )
    )
    tariffs: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["year", "kind", "item", "origin", "dest", "usd_per_t"]
        )
    )
    light_only: pd.DataFrame | None = None
    heavy_separators: pd.DataFrame | None = None
    heavy_circuit_cap: pd.DataFrame | None = None
    linked: list[int] = field(default_factory=list)
    initial_magnet_stock: pd.DataFrame | None = None
    initial_oxide_stock: pd.DataFrame | None = None
    heavy_metal_cap: pd.DataFrame | None = None
    stocking_price: pd.Series | None = None
    place_costs: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["stage", "key", "usd_per_t"])
    )
    stockpiles: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["item", "stockpile", "region", "element", "stock", "first", "last", "rate",
                     "price"]
        )
    )  # fmt: skip
    expansion: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["stage", "region", "first_year", "usd_per_t"])
    )
    heavy_metals: tuple[str, ...] = ("Dy", "Tb")
    tracking: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TRACKING_COLUMNS))
    secondary: list[str] = field(default_factory=list)
    routes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["origin", "dest"]))
    prnd: pd.Series | None = None
    pr_share: tuple[float, float] | None = None
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def deposits(self) -> list[str]:
        return list(self.deposit_region.index)

    def demand_column(self, column: str) -> pd.Series:
        """The demand table's ``reference`` or ``firm`` column [t/yr]; a table without it
        (every step firm, at the observed price) gives ``quantity``."""
        if column in self.demand.columns:
            return self.demand[column].astype(float)
        return self.demand["quantity"].astype(float)

    @property
    def blocks(self) -> list[int]:
        return sorted(set(self.demand["block"])) if len(self.demand) else [0]

    def for_years(self, years: list[int]) -> Network:
        """The same network restricted to some years: every table with a ``year`` column
        (demand, lane caps, offtake, tariffs) keeps those years' rows, and every table by year
        (capacities, floors) those rows."""
        changes: dict[str, object] = {"years": list(years)}
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, pd.DataFrame):
                continue
            if "year" in value.columns:
                changes[f.name] = value[value["year"].isin(years)]
            elif list(value.index) == list(self.years):
                changes[f.name] = value.loc[years]
        return replace(self, **changes)

    def check(self) -> Network:
        """Raise :class:`ReechainError` naming the first inconsistent input."""
        self._check_table("mine_cap", self.mine_cap, self.deposits)
        self._check_table("mine_min", self.mine_min, self.deposits)
        for name in (
            "sep_cap", "metal_cap", "magnet_cap", "sep_min", "metal_min", "magnet_min",
            "heavy_metal_cap", "light_only", "heavy_separators",
        ):  # fmt: skip
            self._check_table(name, getattr(self, name), self.regions)
        self._check_composition()
        unknown = set(self.deposit_region) - set(self.regions)
        if unknown:
            raise ReechainError(f"deposits in unknown regions: {sorted(unknown)}")
        if len(self.demand):
            self._check_demand()
        return self

    def _check_table(self, name: str, df: pd.DataFrame | None, columns: list[str]) -> None:
        """A year x item table [t/yr]: the network's years as rows, ``columns`` as columns,
        every value given and not negative."""
        if df is None:
            return
        if list(df.index) != list(self.years):
            raise ReechainError(f"network input {name}: rows must be the years {self.years}")
        if sorted(df.columns) != sorted(columns):
            raise ReechainError(
                f"network input {name}: columns must be {sorted(columns)}, got {sorted(df.columns)}"
            )
        values = df.to_numpy(dtype=float)
        if np.isnan(values).any():
            raise ReechainError(
                f"network input {name} has missing values; a capacity must "
                "be given (0 if there is none), never left missing"
            )
        if (values < 0).any():
            raise ReechainError(f"network input {name} has negative values")

    def _check_composition(self) -> None:
        comp = self.composition.reindex(index=self.deposits, columns=self.elements)
        if comp.isna().any().any():
            raise ReechainError(
                "composition must give every element for every deposit (0 where absent)"
            )
        sums = comp.sum(axis=1)
        if ((sums - 1).abs() > 1e-6).any():
            bad = sums[(sums - 1).abs() > 1e-6]
            raise ReechainError(f"composition rows must sum to 1: {bad.round(4).to_dict()}")

    def _check_demand(self) -> None:
        d = self.demand
        if (d["quantity"] < 0).any() or d["quantity"].isna().any():
            raise ReechainError("demand quantities must be given and non-negative")
        for kind, items in (
            ("oxide", self.elements),
            ("metal", self.elements),
            ("magnet", self.grades),
        ):
            bad = set(d.loc[d["kind"] == kind, "item"]) - set(items)
            if bad:
                raise ReechainError(f"{kind} demand for unknown items {sorted(bad)}")
        if set(d["kind"]) - set(KINDS):
            raise ReechainError(f"demand kind must be one of {KINDS}")
        if set(d["region"]) - set(self.regions):
            raise ReechainError(
                f"demand in unknown regions: {sorted(set(d['region']) - set(self.regions))}"
            )
