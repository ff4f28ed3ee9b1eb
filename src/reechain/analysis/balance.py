"""The balance problem: a deposit yields every rare earth in fixed proportions.

:func:`deposit_output` splits a tonnage of TREO into oxides per element using the deposit's
composition (or, where none is published, the preferred composition of its ore type, labelled
as borrowed), converts to metal, and sums the magnet rare earths. With a market demand split
(:func:`market_split`) it tells which elements the deposit would over-supply if it were run to
meet the market's NdPr: the surplus elements.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reechain.data.dataset import Dataset
from reechain.data.names import element_parts
from reechain.data.units import oxide_to_metal
from reechain.errors import ReechainError, UnknownNameError

logger = logging.getLogger(__name__)

NDPR = ("Pr", "Nd")
MAGNET_REE = ("Pr", "Nd", "Tb", "Dy")
# A market split must itemise at least this many rows, La, Ce and Nd among them, to judge surplus.
MIN_MARKET_ROWS = 5


@dataclass(frozen=True)
class CompositionChoice:
    """Which composition was used for a deposit, and why."""

    composition_id: str
    deposit_id: str
    ore_type: str
    borrowed: bool
    reason: str


@dataclass
class ElementBalance:
    """Element-by-element output of a tonnage of a deposit's TREO.

    ``table`` columns: element, share_pct [% TREO], oxide_t [t REO], metal_t [t metal],
    group_eu, magnet_ree (bool), market_share [fraction], balance_ratio, surplus (bool or NA).
    """

    deposit_id: str
    deposit_name: str
    treo_t: float
    choice: CompositionChoice
    table: pd.DataFrame
    sources: pd.DataFrame
    market: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)

    def total(self, elements: tuple[str, ...]) -> float:
        """Oxide tonnes [t REO] of the rows made only of ``elements`` (groups included)."""
        rows = self.table["element"].map(lambda e: set(element_parts(e)) <= set(elements))
        return float(self.table.loc[rows, "oxide_t"].sum())

    def upper(self, elements: tuple[str, ...]) -> float:
        """The most oxide [t REO] that can be ``elements``: the rows made only of them, the rows
        lumping one of them with others (e.g. 'Y+Sm+...+Tb+Dy+...') and the TREO the
        composition does not itemise. Equal to :meth:`total` when the split is exact."""
        rows = self.table["element"].map(lambda e: bool(set(element_parts(e)) & set(elements)))
        return float(self.table.loc[rows, "oxide_t"].sum()) + max(self.unassigned_t, 0.0)

    @property
    def ndpr_t(self) -> float:
        """Nd + Pr oxide [t REO]."""
        return self.total(NDPR)

    @property
    def magnet_ree_t(self) -> float:
        """Nd + Pr + Tb + Dy oxide [t REO]."""
        return self.total(MAGNET_REE)

    @property
    def unassigned_t(self) -> float:
        """TREO the composition does not itemise [t REO] (a published split may sum below 100 %)."""
        return float(self.treo_t - self.table["oxide_t"].sum())

    @property
    def surplus_elements(self) -> list[str]:
        if "surplus" not in self.table:
            return []
        return list(self.table.loc[self.table["surplus"].fillna(False).astype(bool), "element"])


def is_proxy(row: pd.Series) -> bool:
    """Whether a composition row is a labelled proxy (its note's first sentence says PROXY,
    e.g. 'PROXY:', 'CARBONATITE PROXY:', 'PARTLY PROXY'): a split borrowed or built from
    other deposits', not a measurement of its own deposit."""
    head = str(row.get("note", "")).split(":")[0].upper()
    return "PROXY" in head


def choose_composition(
    ds: Dataset, deposit_id: str, composition_id: str | None = None
) -> CompositionChoice:
    """The composition for a deposit: the given one, the deposit's preferred one, or its ore
    type's preferred one (then labelled as borrowed)."""
    deposits = ds.table("deposits").set_index("deposit_id")
    if deposit_id not in deposits.index:
        raise UnknownNameError("deposit", deposit_id, deposits.index)
    dep = deposits.loc[deposit_id]
    comps = ds.table("compositions")
    if composition_id is not None:
        chosen = comps[comps["composition_id"] == composition_id]
        if chosen.empty:
            raise UnknownNameError("composition", composition_id, comps["composition_id"])
        row = chosen.iloc[0]
        borrowed = row["deposit_id"] != deposit_id
        return CompositionChoice(
            composition_id, deposit_id, row["ore_type"], bool(borrowed), "chosen by the user"
        )
    own = comps[(comps["deposit_id"] == deposit_id) & comps["preferred"].fillna(False)]
    if not own.empty:
        cid = own["composition_id"].iloc[0]
        if is_proxy(own.iloc[0]):
            return CompositionChoice(
                cid,
                deposit_id,
                own["ore_type"].iloc[0],
                True,
                f"{dep['name']} has no published element split; its preferred composition "
                f"({cid}) is a labelled proxy built from other deposits' splits (see its "
                "note). This is an assumption, not a measurement of the deposit",
            )
        return CompositionChoice(
            cid,
            deposit_id,
            own["ore_type"].iloc[0],
            False,
            "the deposit's preferred published composition",
        )
    ore_type = dep["ore_type"]
    if pd.isna(ore_type):
        raise ReechainError(
            f"deposit {deposit_id!r} has no published composition and no ore type "
            "to borrow one from; pass a composition id (reechain data show "
            "compositions lists them)"
        )
    family = comps[(comps["ore_type"] == ore_type) & comps["preferred"].fillna(False)]
    if family.empty:
        family = comps[comps["ore_type"] == ore_type]
    if family.empty:
        raise ReechainError(
            f"deposit {deposit_id!r} has no published composition and none exists "
            f"for its ore type {ore_type!r}; pass a composition id"
        )
    cid = family["composition_id"].iloc[0]
    return CompositionChoice(
        cid,
        deposit_id,
        ore_type,
        True,
        f"{dep['name']} has no published element split; borrowed the "
        f"preferred composition of its ore type {ore_type!r} ({cid}). "
        "This is an assumption, not a measurement of the deposit",
    )


def market_split(ds: Dataset, year: int | None = None) -> pd.DataFrame | None:
    """World demand split by element [fraction of total REO demand], from the demand table.

    Uses preferred ``element_demand`` (t REO) or ``element_demand_share`` rows for region WLD
    in ``year`` (default: the latest historical year with data). None when the data has none.
    """
    d = ds.table("demand")
    symbols = set(ds.table("elements")["symbol"])
    d = d[
        (d["region"] == "WLD")
        & d["metric"].isin(["element_demand", "element_demand_share"])
        & d["preferred"].fillna(False)
        & d["value"].notna()
        & (d["scenario"] == "historical")
        & d["material"].map(lambda m: set(element_parts(m)) <= symbols)
    ]
    if d.empty:
        return None
    if year is None:
        year = int(d["year"].max())
    d = d[d["year"] == year]
    if d.empty:
        return None
    metric = "element_demand" if (d["metric"] == "element_demand").any() else "element_demand_share"
    d = d[d["metric"] == metric]
    covered = {p for m in d["material"] for p in element_parts(m)}
    if len(d) < MIN_MARKET_ROWS or not {"La", "Ce", "Nd"} <= covered:
        logger.info("demand split of %s itemises too little (%s) to judge surplus", year, covered)
        return None
    total = d["value"].sum()
    out = d[["material", "value", "source_id"]].rename(columns={"material": "element"})
    out["share"] = out["value"] / total if metric == "element_demand" else out["value"]
    out["year"] = year
    return out.reset_index(drop=True)


def deposit_output(
    ds: Dataset,
    deposit_id: str,
    treo_t: float,
    composition_id: str | None = None,
    market_year: int | None = None,
) -> ElementBalance:
    """Per-element output of ``treo_t`` [t REO] of a deposit's concentrate.

    Surplus: if the deposit were run to supply the market's NdPr, element e is in surplus when
    its output share exceeds its market share scaled by the NdPr ratio, i.e. when
    ``balance_ratio = (share_e / market_e) / (share_NdPr / market_NdPr) > 1``.
    """
    if not np.isfinite(treo_t) or treo_t < 0:
        raise ReechainError(f"tonnes must be a non-negative number [t REO], not {treo_t}")
    choice = choose_composition(ds, deposit_id, composition_id)
    comps = ds.table("compositions")
    rows = comps[comps["composition_id"] == choice.composition_id]
    elements = ds.table("elements")
    table = pd.DataFrame(
        {"element": rows["element"].to_numpy(), "share_pct": rows["value"].to_numpy(dtype=float)}
    )
    table["oxide_t"] = treo_t * table["share_pct"] / 100.0
    table["metal_t"] = oxide_to_metal(table["oxide_t"], table["element"], elements)
    groups = elements.set_index("symbol")["group_eu"]
    table["group_eu"] = table["element"].map(
        lambda e: "+".join(sorted({groups.get(p, "?") for p in element_parts(e)}))
    )
    table["magnet_ree"] = table["element"].map(lambda e: set(element_parts(e)) <= set(MAGNET_REE))
    z = elements.set_index("symbol")["atomic_number"]
    table["_z"] = table["element"].map(lambda e: z.get(element_parts(e)[0], 999))
    table = table.sort_values("_z").drop(columns="_z").reset_index(drop=True)
    notes = []
    if choice.borrowed:
        notes.append(choice.reason)
    total_pct = table["share_pct"].sum()
    if abs(total_pct - 100) > 0.05:
        notes.append(
            f"the composition itemises {total_pct:.2f} % of TREO; "
            f"{treo_t * (100 - total_pct) / 100:,.0f} t stay unassigned (not spread)"
        )
    market = market_split(ds, market_year)
    if market is None:
        table["market_share"] = np.nan
        table["balance_ratio"] = np.nan
        table["surplus"] = pd.array([pd.NA] * len(table), dtype="boolean")
        notes.append("surplus not assessed: the data has no world demand split by element")
    else:
        _mark_surplus(table, market)
        notes.append(f"surplus judged against the world demand split of {int(market['year'][0])}")
    src_ids = list(rows["source_id"])
    dep = ds.table("deposits").set_index("deposit_id").loc[deposit_id]
    if market is not None:
        src_ids += list(market["source_id"])
    return ElementBalance(
        deposit_id=deposit_id,
        deposit_name=str(dep["name"]),
        treo_t=float(treo_t),
        choice=choice,
        table=table,
        sources=ds.cite(src_ids),
        market=market,
        notes=notes,
    )


def _mark_surplus(table: pd.DataFrame, market: pd.DataFrame) -> None:
    """Fill market_share, balance_ratio and surplus for the rows the market split covers."""
    share_of = market.set_index("element")["share"]

    def market_of(material: str) -> float:
        if material in share_of.index:
            return float(share_of[material])
        parts = element_parts(material)
        vals = [share_of.get(p) for p in parts]
        return float(sum(vals)) if all(v is not None for v in vals) else np.nan

    table["market_share"] = table["element"].map(market_of)
    deposit_ndpr = (
        table.loc[
            table["element"].map(lambda e: set(element_parts(e)) <= set(NDPR)), "share_pct"
        ].sum()
        / 100.0
    )
    market_ndpr = market_of("Pr+Nd")
    ratio = (table["share_pct"] / 100.0 / table["market_share"]) / (deposit_ndpr / market_ndpr)
    table["balance_ratio"] = ratio.where(table["market_share"] > 0)
    table["surplus"] = (
        (table["balance_ratio"] > 1.0)
        .astype("boolean")
        .where(table["balance_ratio"].notna(), pd.NA)
    )
