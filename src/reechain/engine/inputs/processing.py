"""Processing: magnet recipes, and the base-year capacities of separation, metal and magnets.

The base year reproduces observed output:

- separation: observed plant output where the data has it (Malaysia = Lynas Malaysia, USA =
  MCS compounds and metals), domestic separation of India's and Russia's own ore (IREL,
  Solikamsk), China the rest of the world's feed (mine output and scrap);
- magnets: China's output and its share of the world (IEA) give the world total; the non-China
  rest is placed in Japan (assumption ``nonchina_magnet_location``) and the rest of the world;
- metal: the rare earth content of those magnets, China's share from the data.

Later years grow with ``existing_capacity_growth``; projects and outages change them
(:mod:`reechain.engine.inputs.events`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from reechain.data.dataset import Dataset
from reechain.engine.inputs.context import GRADES, ROW, Book, Context, preferred, preferred_value
from reechain.engine.inputs.supply import Pools, grown

# Countries whose separation output is reported [t Pr+Nd or t TREO] (Lynas Malaysia; MP
# Materials and others in the USA).
REPORTING_SEPARATORS = ("MYS", "USA")
# Countries that separate their own ore at home (IREL; Solikamsk): an assumption.
DOMESTIC_SEPARATORS = ("IND", "RUS")


def recipes(ds: Dataset, book: Book) -> pd.DataFrame:
    """Element content of the model's magnet grades [t element / t magnet] (grade x element).

    RE content from the preferred generic row; Dy from the N42 (0 %) and GBD rows; Pr share of
    Pr+Nd from the assumption; Tb has no figure in the data (0, said in provenance).
    """
    mr = ds.table("magnet_recipes")
    re_total, src_re = preferred_value(
        mr, "total RE content of sintered NdFeB", element="RE", grade="sintered NdFeB, generic"
    )
    dy = {
        "N42": preferred_value(mr, "Dy in N42", grade="N42", element="Dy"),
        "GBD": preferred_value(
            mr,
            "Dy in GBD magnets",
            element="Dy",
            grade="N38EH-equivalent, grain-boundary diffused (GBD)",
        ),
    }
    pr_share = book.assumption("pr_share_of_prnd_in_magnets")
    rows = {}
    for grade in GRADES:
        dy_pct, src = dy[grade]
        prnd = (re_total - dy_pct) / 100.0
        rows[grade] = {"Pr": prnd * pr_share, "Nd": prnd * (1 - pr_share), "Dy": dy_pct / 100.0}
        book.note(
            f"recipe {grade}",
            rows[grade],
            "t/t magnet",
            f"RE {re_total} wt% (preferred), Dy {dy_pct} wt%, Pr = {pr_share} of Pr+Nd "
            "(central; the model varies it within the assumption's range); no Tb figure in the "
            "data (0)",
            f"{src_re};{src}",
        )
    return pd.DataFrame(rows).T.fillna(0.0)


def pr_share_range(book: Book) -> tuple[float, float]:
    """(low, high) Pr share of Pr+Nd in magnets [fraction]: the model chooses the split."""
    row = book.assumptions.loc["pr_share_of_prnd_in_magnets"]
    bounds = (float(row["low"]), float(row["high"]))
    book.note(
        "Pr share of Pr+Nd in magnets",
        bounds,
        "fraction",
        "the model chooses the split within the assumption's range",
        row["source_id"],
    )
    return bounds


def separation_base(
    ctx: Context, mined: pd.Series, pools: Pools, routes: pd.DataFrame, recovery: float
) -> pd.Series:
    """Region -> base-year separation capacity [t REO/yr in concentrate]: reported plant
    output, domestic separation of own ore, and China the rest of all feed (mine output and
    scrap); each noted in provenance."""
    region_of, book = ctx.region_of, ctx.book
    out = pd.Series(0.0, index=ctx.regions)
    for country in REPORTING_SEPARATORS:
        feed_t, how, src = separation_feed(
            ctx.table("production"), ctx.base, country, routes, pools, recovery, region_of
        )
        if feed_t > 0:
            out[region_of(country)] += feed_t
            book.note(f"separation {country}", feed_t, "t REO in concentrate", how, src)
    for country in DOMESTIC_SEPARATORS:
        if country in mined:
            out[region_of(country)] += float(mined[country])
            book.note(
                f"separation {country}",
                float(mined[country]),
                "t REO",
                "own ore separated at home (IREL; Solikamsk): an assumption",
                "",
            )
    total_feed = float(pools.base.sum())
    out[region_of("CHN")] += total_feed - out.sum()
    book.note(
        "separation CHN",
        float(out[region_of("CHN")]),
        "t REO",
        "DERIVED: all feed (mine output + scrap) not separated elsewhere",
        "",
    )
    return out


def separation_feed(
    prod: pd.DataFrame,
    base: int,
    country: str,
    routes: pd.DataFrame,
    pools: Pools,
    recovery: float,
    region_of: Callable[[str], str],
) -> tuple[float, str, str]:
    """(feed [t REO], how, source) of a country's separation plants in ``base``: its reported
    Pr+Nd oxide output divided by the Pr+Nd content of its feed (the pools of its own region
    and of the regions routed to it) and the recovery [fraction]; else its reported TREO
    output; else 0."""

    def reported(material: str) -> pd.DataFrame:
        return preferred(
            prod[
                (prod["stage"] == "separation")
                & (prod["country"] == country)
                & (prod["year"] == base)
                & (prod["material"] == material)
                & (prod["measure"] == "output")
                & prod["value"].notna()
            ]
        )

    prnd = reported("Pr+Nd")
    region = region_of(country)
    origins = {region} | set(routes.loc[routes["dest"] == region, "origin"])
    table = pools.table
    feeding = table[table["region"].isin(origins) & (table["base"] > 0)]
    if len(prnd) and len(feeding):
        mix = (
            sum(
                pools.compositions[p] * w
                for p, w in zip(feeding["pool"], feeding["base"], strict=True)
            )
            / feeding["base"].sum()
        )
        share = float(mix.get("Pr", 0.0) + mix.get("Nd", 0.0))
        value = float(prnd["value"].iloc[0])
        feed = value / (share * recovery)
        return (
            feed,
            f"DERIVED: reported Pr+Nd oxide {value:,.0f} t / (Pr+Nd {share:.3f} of "
            f"its feed x recovery {recovery}); feed from {sorted(origins)}",
            str(prnd["source_id"].iloc[0]),
        )
    treo = reported("TREO")
    if len(treo):
        return (
            float(treo["value"].iloc[0]),
            "reported separated output (TREO)",
            str(treo["source_id"].iloc[0]),
        )
    return 0.0, "", ""


@dataclass(frozen=True)
class MagnetBase:
    """Base-year magnet output: China's [t magnet/yr], the world's [t magnet/yr], the share of
    the non-China rest made in Japan [fraction] and the capacity by region [t magnet/yr]."""

    china: float
    world: float
    japan_part: float
    capacity: pd.Series


def magnet_base(ctx: Context) -> MagnetBase:
    """World magnet output = China's output / China's share; the rest in Japan and ROW."""
    prod = ctx.table("production")
    china, src_output = preferred_value(
        prod,
        "China's magnet output",
        stage="magnet",
        country="CHN",
        year=ctx.base,
        measure="output",
    )
    share, src_share = preferred_value(
        prod,
        "China's share of magnet output",
        stage="magnet",
        country="CHN",
        year=ctx.base,
        measure="share",
    )
    world = china / share
    japan_part = ctx.book.assumption("nonchina_magnet_location")
    capacity = pd.Series(0.0, index=ctx.regions)
    capacity[ctx.region_of("CHN")] += china
    capacity[ctx.region_of("JPN")] += (world - china) * japan_part
    capacity[ROW] += (world - china) * (1 - japan_part)
    ctx.book.note(
        "world magnet output",
        world,
        "t magnet",
        f"DERIVED: China {china:,.0f} t / China's share {share}",
        f"{src_output};{src_share}",
    )
    return MagnetBase(china, world, japan_part, capacity)


@dataclass(frozen=True)
class MetalBase:
    """Base-year metal capacity by region [t metal/yr] and the rare earth content of a magnet
    (mean over the grades) [t metal / t magnet]."""

    capacity: pd.Series
    re_per_magnet: float


def metal_base(ctx: Context, world_magnets: float, recipe: pd.DataFrame) -> MetalBase:
    """World metal = world magnets [t magnet] x RE content; China's share from the data, the
    rest in ROW."""
    re_per_magnet = float(recipe.sum(axis=1).mean())
    world_metal = world_magnets * re_per_magnet
    cn_share, src = preferred_value(
        ctx.table("production"),
        "China's share of RE metal",
        stage="metal",
        country="CHN",
        measure="share",
        year=ctx.base,
    )
    capacity = pd.Series(0.0, index=ctx.regions)
    capacity[ctx.region_of("CHN")] += world_metal * cn_share
    capacity[ROW] += world_metal * (1 - cn_share)
    ctx.book.note(
        "world metal output",
        world_metal,
        "t metal",
        f"DERIVED: world magnets x RE content {re_per_magnet:.3f}; China {cn_share}",
        src,
    )
    return MetalBase(capacity, re_per_magnet)


@dataclass(frozen=True)
class Capacities:
    """Capacity of each stage by year: ``mine`` year x pool [t REO/yr], ``separation`` year x
    region [t REO/yr], ``metal`` [t metal/yr], ``magnet`` [t magnet/yr]."""

    mine: pd.DataFrame
    separation: pd.DataFrame
    metal: pd.DataFrame
    magnet: pd.DataFrame

    def of(self, stage: str) -> pd.DataFrame:
        """The frame of a scenario stage (mining, separation, metal, magnet)."""
        return {
            "mining": self.mine,
            "separation": self.separation,
            "metal": self.metal,
            "magnet": self.magnet,
        }[stage]

    def copy(self) -> Capacities:
        """Deep copies of the four frames."""
        return Capacities(
            self.mine.copy(), self.separation.copy(), self.metal.copy(), self.magnet.copy()
        )


def base_capacities(
    growth_index: pd.Series,
    pools: Pools,
    separation: pd.Series,
    magnets: MagnetBase,
    metal: MetalBase,
) -> Capacities:
    """Existing capacity of every stage by year: base-year values x ``growth_index``."""
    return Capacities(
        mine=grown(pools.base, growth_index),
        separation=grown(separation, growth_index),
        metal=grown(metal.capacity, growth_index),
        magnet=grown(magnets.capacity, growth_index),
    )


def calibration_minimums(
    caps: Capacities, pools: Pools, base: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(mine_min, sep_min) [t REO/yr]: the base year's mines and separators run at capacity
    (observed use); 0 in later years."""
    mine_min = caps.mine * 0.0
    sep_min = caps.separation * 0.0
    mined = pools.base.index
    mine_min.loc[base, mined] = caps.mine.loc[base, mined]
    sep_min.loc[base] = caps.separation.loc[base]
    return mine_min, sep_min
