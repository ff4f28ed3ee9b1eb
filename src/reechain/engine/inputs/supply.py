"""Supply: mine output, mining pools and their element compositions, the model's elements and
the growth of existing capacity.

A pool is one feed of the model: a country's output of one ore type (``mining_pools`` table:
element split and share), China's separation of recycled magnet scrap, or a project's deposit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from reechain.data.dataset import Dataset
from reechain.engine.inputs.context import SCRAP_POOL, Book, Context, preferred
from reechain.errors import ReechainError

# Grade mix of China's magnet scrap [fraction of each grade]: its element split is that of
# the model's magnets in these proportions.
SCRAP_GRADE_MIX = {"N42": 0.8, "GBD": 0.2}


def mine_output(ds: Dataset, base: int, book: Book) -> pd.Series:
    """Each country's preferred USGS mine output in ``base`` [t REO/yr], countries with output
    only; the world total is noted in provenance. Raises if the year has no world total."""
    prod = ds.table("production")
    mining = preferred(
        prod[
            (prod["stage"] == "mining")
            & (prod["measure"] == "output")
            & (prod["material"] == "TREO")
            & (prod["year"] == base)
        ]
    )
    if mining.empty or not (mining["country"] == "WLD").any():
        raise ReechainError(
            f"no USGS mine production for base year {base}; choose a base year "
            "with data (e.g. 2024)"
        )
    world_mined = float(mining.loc[mining["country"] == "WLD", "value"].iloc[0])
    country_mined = mining[(mining["country"] != "WLD") & mining["value"].fillna(0).gt(0)]
    book.note(
        "world mine output",
        world_mined,
        "t REO",
        f"USGS, preferred edition, {base}",
        ";".join(mining["source_id"].unique()),
    )
    return country_mined.set_index("country")["value"].astype(float)


def composition_shares(ds: Dataset, composition_id: str) -> pd.Series:
    """Element shares [fraction] of a composition, normalised to 1 (the unitemised remainder is
    spread in proportion; said in provenance). Raises for element groups."""
    comp = ds.table("compositions")
    rows = comp[comp["composition_id"] == composition_id]
    if rows.empty:
        raise ReechainError(f"unknown composition {composition_id!r}")
    grouped = [e for e in rows["element"] if "+" in e]
    if grouped:
        raise ReechainError(
            f"composition {composition_id!r} reports element groups "
            f"({', '.join(grouped)}); the model needs an element-resolved split: "
            "name one in the scenario (feed: {deposit: ..., composition: ...})"
        )
    shares = rows.set_index("element")["value"].astype(float)
    return shares / shares.sum()


def deposit_composition(ds: Dataset, deposit: str, composition: str | None) -> tuple[str, str]:
    """(composition id, how chosen) for a project's feed deposit: the scenario's choice; else
    the deposit's own preferred split; else a complete split of its ore type (preferred
    first); the first one that is element-resolved."""
    if composition:
        return composition, "named in the scenario"
    comps = ds.table("compositions")
    own = comps[(comps["deposit_id"] == deposit) & comps["preferred"].fillna(False)]
    candidates = list(own["composition_id"].unique())
    ore_type = ds.table("deposits").set_index("deposit_id").loc[deposit, "ore_type"]
    family = comps[(comps["ore_type"] == ore_type) & comps["complete"].fillna(False)]
    candidates += list(family.sort_values("preferred", ascending=False)["composition_id"].unique())
    for cid in candidates:
        if not comps[comps["composition_id"] == cid]["element"].str.contains(r"\+").any():
            return cid, f"borrowed from ore type {ore_type!r} (an assumption)"
    raise ReechainError(
        f"deposit {deposit!r} has no element-resolved composition; name one in "
        "the scenario (feed: {deposit: ..., composition: ID})"
    )


def pool_row(
    pool: str,
    country: str,
    region: str,
    composition_id: str,
    base: float,
    basis: str,
    project: str | None = None,
) -> dict:
    """One row of the pools table; ``base`` is the base-year output [t REO/yr]."""
    return {
        "pool": pool,
        "country": country,
        "region": region,
        "composition_id": composition_id,
        "base": base,
        "basis": basis,
        "project": project,
    }


@dataclass(frozen=True)
class Pools:
    """The model's feeds: ``rows`` (see :func:`pool_row`), the element split [fraction] of
    each pool and the scrap feed [t REO/yr] (0: no secondary feed)."""

    rows: tuple[dict, ...]
    compositions: Mapping[str, pd.Series]
    scrap: float = 0.0

    @cached_property
    def table(self) -> pd.DataFrame:
        """[pool, country, region, composition_id, base, basis, project]."""
        return pd.DataFrame(list(self.rows))

    @property
    def base(self) -> pd.Series:
        """Pool -> base-year output [t REO/yr] (0 for projects)."""
        return self.table.set_index("pool")["base"]

    @property
    def secondary(self) -> list[str]:
        """Pools that are not mines (recycled feed)."""
        return [SCRAP_POOL] if self.scrap > 0 else []

    def plus(self, rows: tuple[dict, ...], compositions: Mapping[str, pd.Series]) -> Pools:
        """These pools and more (a project's deposit, say)."""
        return Pools(self.rows + rows, {**self.compositions, **compositions}, self.scrap)

    def composition(self, elements: list[str]) -> pd.DataFrame:
        """Pool x element shares [fraction], in the order of ``rows``."""
        return pd.DataFrame(
            {p: self.compositions[p].reindex(elements).fillna(0.0) for p in self.table["pool"]}
        ).T


def mining_pools(ctx: Context, mined: pd.Series, recipe: pd.DataFrame) -> Pools:
    """Each mining country's output [t REO/yr] split into pools by the latest ``mining_pools``
    rows up to the base year (``OTH`` rows where a country has none), plus China's recycled
    magnet scrap as its own pool (element split of :data:`SCRAP_GRADE_MIX` of ``recipe``)."""
    rows = _country_pools(ctx, mined)
    scrap_t, scrap_src = recycled_feed(ctx.table("production"), ctx.base)
    compositions = {r["pool"]: composition_shares(ctx.ds, r["composition_id"]) for r in rows}
    if scrap_t > 0:
        compositions[SCRAP_POOL] = (
            recipe.loc["N42"] / recipe.loc["N42"].sum() * SCRAP_GRADE_MIX["N42"]
            + recipe.loc["GBD"] / recipe.loc["GBD"].sum() * SCRAP_GRADE_MIX["GBD"]
        )
        region = ctx.region_of("CHN")
        rows.append(pool_row(SCRAP_POOL, "CHN", region, "magnet scrap", scrap_t, "derived"))
        ctx.book.note(
            "China scrap feed",
            scrap_t,
            "t REO",
            "rare earths recovered from magnet scrap "
            "in China; element split of the model's magnet mix",
            scrap_src,
        )
    return Pools(tuple(rows), compositions, scrap_t)


def _country_pools(ctx: Context, mined: pd.Series) -> list[dict]:
    """Pool rows of the mining countries: output [t REO/yr] x the pool's share."""
    table = ctx.table("mining_pools")
    rows = []
    for country, output in mined.items():
        own = table[(table["country"] == country) & (table["year"] <= ctx.base)]
        if own.empty:
            own = table[table["country"] == "OTH"]
        own = own[own["year"] == own["year"].max()]
        for r in own.itertuples():
            pool = f"{country}:{r.composition_id}"
            base = output * r.share
            rows.append(
                pool_row(pool, country, ctx.region_of(country), r.composition_id, base, r.basis)
            )
            how = f"{country} output x share {r.share} ({r.basis})"
            ctx.book.note(f"pool {pool}", base, "t REO", how, r.source_id)
    return rows


def recycled_feed(prod: pd.DataFrame, base: int) -> tuple[float, str]:
    """China's separation of recycled magnet scrap in the base year [t REO] and its source (0
    if not in the data: then the model has no secondary feed, which provenance records)."""
    rows = preferred(
        prod[
            (prod["stage"] == "separation")
            & (prod["country"] == "CHN")
            & (prod["measure"] == "recycled_output")
            & (prod["material"] == "TREO")
            & (prod["year"] == base)
            & prod["value"].notna()
        ]
    )
    if rows.empty:
        return 0.0, ""
    return float(rows["value"].iloc[0]), str(rows["source_id"].iloc[0])


def model_elements(
    element_table: pd.DataFrame, compositions: Mapping[str, pd.Series], recipe: pd.DataFrame
) -> list[str]:
    """Elements in any pool or in the magnet recipe, by atomic number."""
    return [
        s
        for s in element_table.sort_values("atomic_number").index
        if any(compositions[p].get(s, 0) > 0 for p in compositions) or s in recipe.columns
    ]


def capacity_growth(ctx: Context) -> pd.Series:
    """Year -> existing capacity relative to the base year [factor]: ``(1 + g)^(y - base)``
    with g the assumption ``existing_capacity_growth`` [fraction/yr]."""
    growth = ctx.book.assumption("existing_capacity_growth")
    return pd.Series([(1 + growth) ** (y - ctx.base) for y in ctx.years], index=ctx.years)


def grown(base: pd.Series, growth_index: pd.Series) -> pd.DataFrame:
    """Year x ``base.index`` capacity [unit of ``base``/yr]: the base-year values times the
    growth index."""
    return pd.DataFrame(np.outer(growth_index, base), index=growth_index.index, columns=base.index)
