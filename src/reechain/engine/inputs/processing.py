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

import logging
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from reechain.data.dataset import Dataset
from reechain.engine import periods
from reechain.engine.inputs.context import GRADES, ROW, Book, Context, preferred, preferred_value
from reechain.engine.inputs.supply import Pools, grown, pool_row

logger = logging.getLogger(__name__)

# Countries whose separation output is reported [t Pr+Nd or t TREO] (Lynas Malaysia; MP
# Materials and others in the USA).
REPORTING_SEPARATORS = ("MYS", "USA")
# Countries that separate their own ore at home (IREL; Solikamsk): an assumption.
DOMESTIC_SEPARATORS = ("IND", "RUS")


def recipes(ds: Dataset, book: Book) -> pd.DataFrame:
    """Element content of the model's magnet grades [t element / t magnet] (grade x element):
    the preferred Pr+Nd, Dy and Tb contents of each grade of the ladder (:data:`GRADES`), Pr
    and Nd split by the assumption's Pr share. A content the data lacks is an error, never
    read as zero."""
    mr = ds.table("magnet_recipes")
    pr_share = book.assumption("pr_share_of_prnd_in_magnets")
    rows = {}
    for grade in GRADES:
        content, sources = {}, []
        for element in ("Pr+Nd", "Dy", "Tb"):
            value, src = preferred_value(
                mr, f"{element} content of magnet grade {grade}", grade=grade, element=element
            )
            content[element] = value / 100.0
            sources.append(src)
        prnd = content.pop("Pr+Nd")
        rows[grade] = {"Pr": prnd * pr_share, "Nd": prnd * (1 - pr_share), **content}
        book.note(
            f"recipe {grade}",
            {k: round(v, 5) for k, v in rows[grade].items()},
            "t/t magnet",
            f"preferred contents of grade {grade} (Pr+Nd {prnd:.2%}, Dy {content['Dy']:.2%}, "
            f"Tb {content['Tb']:.2%}); Pr = {pr_share} of Pr+Nd (central; the model varies it "
            "within the assumption's range)",
            ";".join(sorted(set(";".join(sources).split(";")))),
        )
    return pd.DataFrame(rows).T


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
        return _reported_output(prod, base, country, material)

    prnd = reported("Pr+Nd")
    feeding, mix = _feeding_mix(pools, country, region_of, routes)
    available = float(feeding["base"].sum()) if len(feeding) else 0.0
    if len(prnd) and len(feeding):
        share = float(mix.get("Pr", 0.0) + mix.get("Nd", 0.0))
        value = float(prnd["value"].iloc[0])
        feed = value / (share * recovery)
        how = (
            f"DERIVED: reported Pr+Nd oxide {value:,.0f} t / (Pr+Nd {share:.3f} of "
            f"its feed x recovery {recovery}) = {feed:,.0f} t; feed from "
            f"{sorted(feeding['pool'])}"
        )
        if feed > available * (1 + 1e-9):
            how += (
                f"; CAPPED at the {available:,.0f} t of concentrate the data sends to it (a "
                "conflict in the data: the reported output needs more feed than the mine "
                "output of its suppliers)"
            )
            logger.warning("separation %s: %s", country, how)
        return min(feed, available), how, str(prnd["source_id"].iloc[0])
    treo = reported("TREO")
    if len(treo):
        return (
            float(treo["value"].iloc[0]),
            "reported separated output (TREO)",
            str(treo["source_id"].iloc[0]),
        )
    return 0.0, "", ""


def unreported_feed(ctx: Context, pools: Pools, routes: pd.DataFrame, recovery: float) -> Pools:
    """Pools of feed that a reporting separator's output proves and the mine output of its
    suppliers lacks [t REO/yr]: its reported Pr+Nd oxide needs more concentrate than the data
    sends it (Lynas Malaysia in 2024: 5,655 t NdPr needs about 29 kt of Mount Weld
    concentrate; USGS estimates Australia's output at 13 kt from China's import data, and Lynas
    mines Mount Weld in campaigns and draws on stocks). Each gap becomes a pool of the
    suppliers' mix, separated only there and not counted as mine output (said in
    provenance). Returns ``pools`` with these added."""
    rows: list[dict] = []
    compositions: dict[str, pd.Series] = {}
    for country in REPORTING_SEPARATORS:
        feeding, mix = _feeding_mix(pools, country, ctx.region_of, routes)
        reported = _reported_output(ctx.table("production"), ctx.base, country, "Pr+Nd")
        if feeding.empty or reported.empty:
            continue
        share = float(mix.get("Pr", 0.0) + mix.get("Nd", 0.0))
        need = float(reported["value"].iloc[0]) / (share * recovery)
        gap = need - float(feeding["base"].sum())
        if gap <= 1e-6 * need:
            continue
        origin = feeding.sort_values("base").iloc[-1]
        pool = f"{country}-unreported-feed"
        rows.append(
            pool_row(pool, origin["country"], origin["region"], "mix of its suppliers", gap,
                     "derived", pool_type="unreported", separated_in=country)
        )  # fmt: skip
        ctx.book.note(
            f"pool {pool}",
            gap,
            "t REO",
            f"DERIVED: {country}'s reported Pr+Nd oxide needs {need:,.0f} t of feed; its "
            f"suppliers' mine output in the data is {need - gap:,.0f} t; the gap is feed the "
            "mine statistics miss (stocks, unreported output): a labelled pool of the "
            f"suppliers' mix ({', '.join(feeding['pool'])}), not counted as mine output",
            str(reported["source_id"].iloc[0]),
        )
        logger.warning("pool %s: %.0f t of feed beyond the data's mine output", pool, gap)
        compositions[pool] = mix
    return pools.plus(tuple(rows), compositions)


def _reported_output(prod: pd.DataFrame, base: int, country: str, material: str) -> pd.DataFrame:
    """The preferred reported separation output rows of a country, material and year."""
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


def _feeding_mix(
    pools: Pools, country: str, region_of: Callable[[str], str], routes: pd.DataFrame
) -> tuple[pd.DataFrame, pd.Series]:
    """(pools that feed a country's separators in the base year, their mix [fraction]): the
    pools sent to it by their observed destination, and the unrestricted pools of its own
    region and of the regions routed to it."""
    region = region_of(country)
    origins = {region} | set(routes.loc[routes["dest"] == region, "origin"])
    table = pools.table
    places = table["separated_in"].fillna("").astype(str)
    sent_here = places.apply(lambda p: country in p.split(";"))
    unrestricted = (places == "") & table["region"].isin(origins)
    feeding = table[(sent_here | unrestricted) & (table["base"] > 0)]
    if feeding.empty:
        return feeding, pd.Series(dtype=float)
    mix = sum(
        pools.compositions[p] * w for p, w in zip(feeding["pool"], feeding["base"], strict=True)
    ) / float(feeding["base"].sum())
    return feeding, mix


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
        f"DERIVED: China {china:,.0f} t / China's share {share}"
        + _projected_note(prod, "magnet", "CHN", ctx.base, "output"),
        f"{src_output};{src_share}",
    )
    return MagnetBase(china, world, japan_part, capacity)


def _projected_note(prod: pd.DataFrame, stage: str, country: str, year: int, measure: str) -> str:
    """A warning for provenance when the preferred row used is a projection, not an
    observation ('' otherwise)."""
    rows = prod[
        (prod["stage"] == stage) & (prod["country"] == country) & (prod["year"] == year)
        & (prod["measure"] == measure) & prod["preferred"].fillna(False).astype(bool)
    ]  # fmt: skip
    if len(rows) and rows["status"].iloc[0] in ("projected", "forecast"):
        return (
            f"; China's {year} output is a {rows['status'].iloc[0]} (the data has no observed "
            "figure for the year): read the base year's magnets as that projection"
        )
    return ""


@dataclass(frozen=True)
class MetalBase:
    """Base-year metal capacity by region [t metal/yr], the part of it that can make heavy
    rare earth metals (Dy, Tb) [t metal/yr] and the rare earth content of a magnet (over the
    grade mix) [t metal / t magnet]."""

    capacity: pd.Series
    re_per_magnet: float
    heavy: pd.Series


# Heavy rare earth metals whose making China holds almost alone (the metal-heavy-capacity
# constraint).
HEAVY_METALS = ("Dy", "Tb")


def metal_base(
    ctx: Context, world_magnets: float, recipe: pd.DataFrame, mix: pd.Series
) -> MetalBase:
    """World metal = world magnets [t magnet] x RE content (grades in the base year's
    ``mix`` [fraction]); China's share from the data, the rest in ROW."""
    re_per_magnet = float((recipe.sum(axis=1) * mix.reindex(recipe.index)).sum())
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
    china = ctx.region_of("CHN")
    capacity[china] += world_metal * cn_share
    capacity[ROW] += world_metal * (1 - cn_share)
    ctx.book.note(
        "world metal output",
        world_metal,
        "t metal",
        f"DERIVED: world magnets x RE content {re_per_magnet:.3f}; China {cn_share}",
        src,
    )
    heavy_world = world_magnets * float((recipe[list(HEAVY_METALS)].sum(axis=1) * mix).sum())
    heavy_share, heavy_src = preferred_value(
        ctx.table("production"),
        "China's share of heavy rare earth metals",
        stage="metal",
        country="CHN",
        measure="share",
        material="Tb+Dy",
        year=ctx.base,
    )
    heavy = capacity.copy()  # China: all its metal capacity may make Dy and Tb
    heavy[heavy.index != china] = 0.0
    heavy[ROW] = heavy_world * (1 - heavy_share)
    ctx.book.note(
        "heavy metal capacity outside China",
        float(heavy[ROW]),
        "t Dy+Tb metal/yr",
        f"DERIVED: the magnets' Dy+Tb metal {heavy_world:,.0f} t x (1 - China's share "
        f"{heavy_share}); the rest of the world's metal plants make light metals",
        heavy_src,
    )
    return MetalBase(capacity, re_per_magnet, heavy)


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
    flat_index: pd.Series,
    china: str,
    pools: Pools,
    separation: pd.Series,
    magnets: MagnetBase,
    metal: MetalBase,
) -> Capacities:
    """Existing capacity of every stage by year: base-year values x ``growth_index`` in
    China (region ``china``; its pools, scrap included), whose capacity follows its quotas,
    and x ``flat_index`` (the period's share of its year) elsewhere, where capacity grows only
    by the pipeline's and the scenario's projects."""
    chinese = list(pools.table.loc[pools.table["country"] == "CHN", "pool"])

    def by_place(base: pd.Series, growing: list[str]) -> pd.DataFrame:
        out = grown(base, flat_index)
        rising = [c for c in growing if c in out.columns]
        out[rising] = grown(base[rising], growth_index)
        return out

    return Capacities(
        mine=by_place(pools.base, chinese),
        separation=by_place(separation, [china]),
        metal=by_place(metal.capacity, [china]),
        magnet=by_place(magnets.capacity, [china]),
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


def light_only(ctx: Context) -> pd.DataFrame | None:
    """Period x region, 1 where the separators operating in the region separate light rare
    earths only, but for heavy-only circuits (facilities' ``separates``: Lynas Malaysia, whose
    heavy circuit from 2025 takes part of its heavy fraction), else 0; None when no separator
    is marked light. A separator whose ``separates`` is
    not stated may separate all, and so may China's."""
    fac = ctx.table("facilities")
    sep = fac[(fac["stage"] == "separation") & (fac["status"] == "operating")]
    if not (sep["separates"] == "light").any():
        return None
    table = pd.DataFrame(0.0, index=ctx.years, columns=ctx.regions)
    sep = sep.assign(region=sep["country"].map(ctx.region_of))
    for region, part in sep.groupby("region"):
        if region in (ctx.region_of("CHN"), ROW):
            continue
        for p in ctx.years:
            started = part["start_year"].isna() | (part["start_year"] <= periods.year_of(p))
            running = part[started]
            kinds = running["separates"]
            if len(running) and kinds.isin(["light", "heavy"]).all() and (kinds == "light").any():
                table.loc[p, region] = 1.0  # light plants; heavy circuits take a fraction only
    marked = table.columns[table.sum() > 0]
    for region in marked:
        years = sorted({periods.year_of(p) for p in table.index[table[region] > 0]})
        ctx.book.note(
            f"light rare earths only in {region}",
            years,
            "years",
            "its operating separators separate La to Nd only in these years (facilities, "
            "'separates'); the heavy fraction of what it separates leaves as a mixed "
            "concentrate",
            ";".join(sep.loc[sep["region"] == region, "source_id"]),
        )
    return table


def heavy_separators(ctx: Context) -> pd.DataFrame:
    """Period x region, 1 where a region is known to separate heavy rare earths: China, and a
    region with an operating separator that separates heavy ones or all (facilities,
    ``separates``) from its start year. Mixed heavy concentrate goes only there."""
    fac = ctx.table("facilities")
    sep = fac[
        (fac["stage"] == "separation")
        & (fac["status"] == "operating")
        & fac["separates"].isin(["heavy", "all"])
    ]
    table = pd.DataFrame(0.0, index=ctx.years, columns=ctx.regions)
    table[ctx.region_of("CHN")] = 1.0
    for r in sep.itertuples():
        region = ctx.region_of(r.country)
        if region == ROW:
            continue
        start = r.start_year if pd.notna(r.start_year) else ctx.base
        table.loc[[p for p in ctx.years if periods.year_of(p) >= start], region] = 1.0
    return table


HEAVY_GROUP = "Sm+Eu+Gd+Tb+Dy+Ho+Er+Tm+Yb+Lu+Y"


def heavy_circuits(ctx: Context) -> pd.DataFrame | None:
    """Period x region capacity of the heavy-only circuits [t REO/yr of mixed heavy feed]
    (facility_capacity rows of the heavy group, from the circuit's start) in regions whose
    separators separate light rare earths only; NaN elsewhere (no bound). None when no such
    circuit has a capacity in the data."""
    fac = ctx.table("facilities")
    circuits = fac[(fac["separates"] == "heavy") & (fac["status"] == "operating")]
    cap = ctx.table("facility_capacity")
    cap = cap[
        cap["facility_id"].isin(circuits["facility_id"])
        & (cap["measure"] == "capacity")
        & (cap["material"] == HEAVY_GROUP)
        & (cap["unit"] == "t REO/yr")
        & cap["value"].notna()
        & cap["preferred"].fillna(False).astype(bool)
    ]
    if cap.empty:
        return None
    table = pd.DataFrame(float("nan"), index=ctx.years, columns=ctx.regions)
    for r in circuits.itertuples():
        rows = cap[cap["facility_id"] == r.facility_id].sort_values("year")
        region = ctx.region_of(r.country)
        if rows.empty or region in (ctx.region_of("CHN"), ROW):
            continue
        for p in ctx.years:
            year = periods.year_of(p)
            known = rows[rows["year"] <= year]
            started = pd.isna(r.start_year) or r.start_year <= year
            if len(known) and started:
                prior = table.loc[p, region]
                value = float(known["value"].iloc[-1]) * periods.fraction(p)
                table.loc[p, region] = value + (0.0 if pd.isna(prior) else prior)
        ctx.book.note(
            f"heavy circuit {r.facility_id}",
            float(rows["value"].iloc[-1]),
            "t REO/yr of heavy feed",
            "its capacity bounds the heavy fraction separated in its region; the rest leaves "
            "as a mixed heavy concentrate",
            ";".join(rows["source_id"]),
        )
    return table
