"""Supply: mine output, mining pools and their element compositions, the model's elements and
the growth of existing capacity.

A pool is one feed of the model: a country's output of one ore type (``mining_pools`` table:
element split and share), China's separation of recycled magnet scrap, or a project's deposit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from reechain.data.dataset import Dataset
from reechain.engine import periods
from reechain.engine.inputs.context import SCRAP_POOL, Book, Context, preferred
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)


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
    pool_type: str = "",
    separated_in: str = "",
) -> dict:
    """One row of the pools table; ``base`` is the base-year output [t REO/yr];
    ``separated_in`` the countries (';'-joined) where its concentrate is separated (empty:
    anywhere)."""
    return {
        "pool": pool,
        "country": country,
        "region": region,
        "composition_id": composition_id,
        "base": base,
        "basis": basis,
        "project": project,
        "pool_type": pool_type,
        "separated_in": separated_in,
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
        """Pools that are not mines: recycled feed and feed the mine statistics miss."""
        kinds = self.table.get("pool_type", pd.Series("", index=self.table.index))
        return list(self.table.loc[kinds.isin(["secondary", "unreported"]), "pool"])

    def plus(self, rows: tuple[dict, ...], compositions: Mapping[str, pd.Series]) -> Pools:
        """These pools and more (a project's deposit, say)."""
        return Pools(self.rows + rows, {**self.compositions, **compositions}, self.scrap)

    def dedication(self, region_of: Callable[[str], str]) -> pd.DataFrame:
        """[deposit, region]: the regions where each pool with an observed destination
        (``separated_in``) may be separated."""
        rows = [
            {"deposit": r["pool"], "region": region_of(c)}
            for r in self.rows
            if r.get("separated_in")
            for c in str(r["separated_in"]).split(";")
        ]
        return pd.DataFrame(rows, columns=["deposit", "region"]).drop_duplicates()

    def composition(self, elements: list[str]) -> pd.DataFrame:
        """Pool x element shares [fraction], in the order of ``rows``."""
        return pd.DataFrame(
            {p: self.compositions[p].reindex(elements).fillna(0.0) for p in self.table["pool"]}
        ).T


def mining_pools(ctx: Context, mined: pd.Series) -> Pools:
    """Each mining country's output [t REO/yr] split into pools by the latest ``mining_pools``
    rows up to the base year (``OTH`` rows where a country has none), plus China's recycled
    magnet scrap as its own pool (element split of the reported recycled oxides)."""
    rows = _country_pools(ctx, mined)
    # the scrap is reported as oxide recovered in China (its source): it is separated there,
    # as China's mined pools are, and never leaves as concentrate around a control
    scrap_t, scrap_src = recycled_feed(ctx.table("production"), ctx.base)
    compositions = {r["pool"]: composition_shares(ctx.ds, r["composition_id"]) for r in rows}
    if scrap_t > 0:
        compositions[SCRAP_POOL] = scrap_split(ctx)
        region = ctx.region_of("CHN")
        rows.append(
            pool_row(
                SCRAP_POOL,
                "CHN",
                region,
                "magnet scrap",
                scrap_t,
                "derived",
                pool_type="secondary",
                separated_in="CHN",
            )
        )
        ctx.book.note(
            "China scrap feed",
            scrap_t,
            "t REO",
            "rare earths recovered from magnet scrap in China",
            scrap_src,
        )
    return Pools(tuple(rows), compositions, scrap_t)


def scrap_split(ctx: Context) -> pd.Series:
    """Element shares [fraction] of China's recycled oxides in the base year: the reported
    oxides by element (Pr+Nd split by the magnets' Pr share), normalised to 1 (the unitemised
    rest of the reported total spread in proportion, as for compositions; said in
    provenance). Raises if the data itemises none."""
    prod = preferred(ctx.table("production"))
    rows = prod[
        (prod["stage"] == "separation")
        & (prod["country"] == "CHN")
        & (prod["measure"] == "recycled_output")
        & (prod["year"] == ctx.base)
        & (prod["material"] != "TREO")
        & prod["value"].notna()
    ]
    if rows.empty:
        raise ReechainError(
            f"the data has China's recycled rare earths in {ctx.base} but not by element; add "
            "recycled_output rows by element (production table)"
        )
    values = rows.set_index("material")["value"].astype(float)
    pr = ctx.book.assumption("pr_share_of_prnd_in_magnets")
    if "Pr+Nd" in values:
        prnd = values.pop("Pr+Nd")
        values["Pr"], values["Nd"] = prnd * pr, prnd * (1 - pr)
    itemised = float(values.sum())
    total = recycled_feed(ctx.table("production"), ctx.base)[0]
    ctx.book.note(
        "China scrap split",
        (values / itemised).round(4).to_dict(),
        "fraction",
        f"reported recycled oxides by element ({itemised:,.0f} t of {total:,.0f} t itemised; "
        "the rest spread in proportion); Pr+Nd split by the magnets' Pr share",
        ";".join(rows["source_id"].unique()),
    )
    return values / itemised


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
            separated_in = "" if pd.isna(r.separated_in) else str(r.separated_in)
            rows.append(
                pool_row(
                    pool,
                    country,
                    ctx.region_of(country),
                    r.composition_id,
                    base,
                    r.basis,
                    pool_type=r.pool_type,
                    separated_in=separated_in,
                )
            )
            how = (
                f"{country} output x share {r.share} ({r.pool_type}, split {r.composition_id}: "
                f"{r.basis}{'; a borrowed split' if r.basis == 'proxy' else ''}"
                f"{'; separated in ' + separated_in if separated_in else ''})"
            )
            if r.basis == "proxy":
                logger.info("pool %s borrows the split %s (proxy)", pool, r.composition_id)
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
    """Period -> existing capacity per period relative to the base year's [factor]:
    ``(1 + g)^(y - base)`` with g the assumption ``existing_capacity_growth`` [fraction/yr]
    and y the period's year, times the period's share of its year (a month: its days)."""
    growth = ctx.book.assumption("existing_capacity_growth")
    factors = [
        (1 + growth) ** (periods.year_of(p) - ctx.base) * f
        for p, f in zip(ctx.years, ctx.fractions, strict=True)
    ]
    return pd.Series(factors, index=ctx.years)


def grown(base: pd.Series, growth_index: pd.Series) -> pd.DataFrame:
    """Year x ``base.index`` capacity [unit of ``base``/yr]: the base-year values times the
    growth index."""
    return pd.DataFrame(np.outer(growth_index, base), index=growth_index.index, columns=base.index)
