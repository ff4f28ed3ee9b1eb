"""From the dataset and a scenario to the model's :class:`~reechain.engine.network.Network`.

Every number comes from a data row or a labelled assumption (``assumptions`` table, which a
scenario may override by id); each derived parameter is recorded in ``Inputs.provenance`` with
how it was computed. The base year reproduces observed output: mine output is fixed to the
USGS figures, separation capacity is fixed and fully used; metal and magnet capacities follow
the published country shares.

Base-year construction (``base_year`` of the scenario, default data year 2024):

- mining: each country's preferred USGS output, split into pools by ``mining_pools`` (element
  split and share), plus China's separation of recycled scrap as its own pool;
- separation: observed plant output where the data has it (Malaysia = Lynas Malaysia, USA =
  MCS compounds and metals), domestic separation of India's and Russia's own ore (IREL,
  Solikamsk), China the rest of the world's concentrate;
- magnets: China's output and its share of the world (IEA) give the world total; the non-China
  rest is placed in Japan (assumption ``nonchina_magnet_location``);
- metal: the rare earth content of those magnets, China's share from the data;
- magnet demand by region: China's output minus its exports; exports split by destination with
  the latest full-year destination split in the trade table; Japan uses its own output;
- non-magnet oxide demand: what the base year separated beyond the magnets' needs, by element,
  where it was separated (so the base year has no surplus by construction, and surplus in later
  years is the balance problem of the scenario's changes).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reechain.data.dataset import Dataset
from reechain.engine.network import Network
from reechain.engine.scenario import (
    DemandEvent,
    ExportControlEvent,
    OutageEvent,
    ProjectEvent,
    RecyclingEvent,
    Scenario,
    SubstitutionEvent,
    TariffEvent,
)
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)

ROW = "ROW"
GRADES = ("N42", "GBD")  # Dy-free standard grade; grain-boundary-diffused high-coercivity grade
HIGH_COERCIVITY_USES = ("ev_traction_motor", "wind_turbine", "hybrid_vehicle")
SCRAP_POOL = "CHN-scrap"


@dataclass
class Inputs:
    """A network plus where its numbers came from."""

    network: Network
    provenance: list[dict] = field(default_factory=list)
    pools: pd.DataFrame = field(default_factory=pd.DataFrame)
    owners: pd.DataFrame = field(default_factory=pd.DataFrame)
    lane_events: pd.DataFrame = field(default_factory=pd.DataFrame)


class _Book:
    """Collects parameters and their provenance."""

    def __init__(self, ds: Dataset, overrides: dict[str, float]) -> None:
        self.ds = ds
        self.rows: list[dict] = []
        self.assumptions = ds.table("assumptions").set_index("assumption_id")
        unknown = set(overrides) - set(self.assumptions.index)
        if unknown:
            raise ReechainError(
                f"scenario assumptions name unknown ids {sorted(unknown)}; see "
                "`reechain data assumptions`"
            )
        self.overrides = overrides
        self.used: set[str] = set()

    def note(self, parameter: str, value: object, unit: str, how: str, sources: str) -> None:
        self.rows.append(
            {"parameter": parameter, "value": value, "unit": unit, "how": how, "source_id": sources}
        )

    def assumption(self, aid: str) -> float:
        row = self.assumptions.loc[aid]
        value = float(self.overrides.get(aid, row["value"]))
        if aid not in self.used:
            how = "scenario override" if aid in self.overrides else "labelled assumption"
            self.note(aid, value, row["unit"], f"{how}: {row['rationale']}", row["source_id"])
            self.used.add(aid)
        return value


def _preferred(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["preferred"].fillna(False).astype(bool)]


def _value(df: pd.DataFrame, what: str, **where: object) -> tuple[float, str]:
    """The preferred value of the rows matching ``where``; raise naming what is missing."""
    part = _preferred(df)
    for k, v in where.items():
        part = part[part[k] == v]
    part = part[part["value"].notna()]
    if part.empty:
        raise ReechainError(f"the data has no {what} ({where}); add it or choose another base year")
    return float(part["value"].iloc[0]), str(part["source_id"].iloc[0])


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
    """(composition id, how chosen) for a project's feed deposit."""
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


def recipes(ds: Dataset, book: _Book) -> pd.DataFrame:
    """Element content of the model's magnet grades [t element / t magnet].

    RE content from the preferred generic row; Dy from the N42 (0 %) and GBD rows; Pr share of
    Pr+Nd from the assumption; Tb has no figure in the data (0, said in provenance).
    """
    mr = ds.table("magnet_recipes")
    re_total, src_re = _value(
        mr, "total RE content of sintered NdFeB", element="RE", grade="sintered NdFeB, generic"
    )
    dy = {
        "N42": _value(mr, "Dy in N42", grade="N42", element="Dy"),
        "GBD": _value(
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


def build_inputs(ds: Dataset, sc: Scenario) -> Inputs:
    """The network of a scenario (all its years)."""
    book = _Book(ds, sc.assumptions)
    years = sc.years
    base = sc.base_year
    prod = ds.table("production")
    mining = _preferred(
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
    country_mined = country_mined.set_index("country")["value"].astype(float)
    book.note(
        "world mine output",
        world_mined,
        "t REO",
        f"USGS, preferred edition, {base}",
        ";".join(mining["source_id"].unique()),
    )

    # -- regions --------------------------------------------------------------------------------
    trade = ds.table("trade")
    destinations = _export_destinations(trade, book)
    named = {c: name for name, members in sc.regions.items() for c in members}
    mentioned = {
        getattr(ev, f)
        for ev in sc.events
        for f in ("country", "region", "actor")
        if getattr(ev, f, None)
    }
    countries = (
        set(country_mined.index)
        | {"MYS", "USA", "CHN", "JPN", "IND", "RUS"}
        | set(destinations.index)
        | mentioned
    ) - {"OTH", "WLD"}

    def region_of(country: str) -> str:
        if country in named:
            return named[country]
        if country in sc.regions:
            return country
        return country if country in countries else ROW

    regions = sorted({region_of(c) for c in countries} | set(sc.regions) | {ROW})

    # -- elements and constants -----------------------------------------------------------------
    el = ds.table("elements").set_index("symbol")
    recipe = recipes(ds, book)
    pr_row = book.assumptions.loc["pr_share_of_prnd_in_magnets"]
    pr_range = (float(pr_row["low"]), float(pr_row["high"]))
    book.note(
        "Pr share of Pr+Nd in magnets",
        pr_range,
        "fraction",
        "the model chooses the split within the assumption's range",
        pr_row["source_id"],
    )
    recovery_value = book.assumption("separation_recovery_per_element_default")

    # -- mining pools ------------------------------------------------------------------------------
    pools_table = ds.table("mining_pools")
    pool_rows = []
    for country, output in country_mined.items():
        rows = pools_table[(pools_table["country"] == country) & (pools_table["year"] <= base)]
        if rows.empty:
            rows = pools_table[pools_table["country"] == "OTH"]
        rows = rows[rows["year"] == rows["year"].max()]
        for r in rows.itertuples():
            pool_rows.append(
                {
                    "pool": f"{country}:{r.composition_id}",
                    "country": country,
                    "region": region_of(country),
                    "composition_id": r.composition_id,
                    "base": output * r.share,
                    "basis": r.basis,
                    "project": None,
                }
            )
            book.note(
                f"pool {country}:{r.composition_id}",
                output * r.share,
                "t REO",
                f"{country} output x share {r.share} ({r.basis})",
                r.source_id,
            )
    scrap_t, scrap_src = _recycled_feed(prod, base)
    compositions: dict[str, pd.Series] = {}
    for p in pool_rows:
        compositions[p["pool"]] = composition_shares(ds, p["composition_id"])
    if scrap_t > 0:
        mix = (
            recipe.loc["N42"] / recipe.loc["N42"].sum() * 0.8
            + recipe.loc["GBD"] / recipe.loc["GBD"].sum() * 0.2
        )
        compositions[SCRAP_POOL] = mix
        pool_rows.append(
            {
                "pool": SCRAP_POOL,
                "country": "CHN",
                "region": region_of("CHN"),
                "composition_id": "magnet scrap",
                "base": scrap_t,
                "basis": "derived",
                "project": None,
            }
        )
        book.note(
            "China scrap feed",
            scrap_t,
            "t REO",
            "rare earths recovered from magnet scrap "
            "in China; element split of the model's magnet mix",
            scrap_src,
        )

    # -- projects (new pools and capacities) ---------------------------------------------------
    project_caps: list[dict] = []
    owners: list[dict] = []
    dedicated: list[dict] = []
    offtake_rows: list[dict] = []
    for ev in sc.events:
        if not isinstance(ev, ProjectEvent):
            continue
        ramp = _ramp(years, ev.start, ev.ramp_up_years, ev.end)
        cap = ev.capacity.value
        region = region_of(ev.country)
        if ev.stage in ("mining", "separation") and ev.feed is not None:
            cid, how = deposit_composition(ds, ev.feed.deposit, ev.feed.composition)
            pool = f"{ev.feed.deposit}:{ev.name}"
            compositions[pool] = composition_shares(ds, cid)
            pool_rows.append(
                {
                    "pool": pool,
                    "country": ev.country,
                    "region": region,
                    "composition_id": cid,
                    "base": 0.0,
                    "basis": "project",
                    "project": ev.name,
                }
            )
            project_caps.append({"stage": "mining", "key": pool, "ramp": ramp * cap})
            book.note(f"project {ev.name} feed", cid, "composition", how, "")
            if ev.stage == "separation":
                dedicated.append({"deposit": pool, "region": region})
        if ev.stage != "mining":
            project_caps.append({"stage": ev.stage, "key": region, "ramp": ramp * cap})
        for owner, share in ev.owners.items():
            owners.append(
                {
                    "project": ev.name,
                    "region": region,
                    "stage": ev.stage,
                    "owner": owner,
                    "share": share,
                }
            )
        for partner, share in ev.offtake.items():
            for y, level in zip(years, ramp, strict=True):
                if level > 0:
                    offtake_rows.append(
                        {
                            "year": y,
                            "origin": region,
                            "dest": region_of(partner),
                            "share": share,
                            "event": ev.name,
                        }
                    )
    pools = pd.DataFrame(pool_rows)
    elements = [
        s
        for s in el.sort_values("atomic_number").index
        if any(compositions[p].get(s, 0) > 0 for p in compositions) or s in recipe.columns
    ]
    comp_df = pd.DataFrame(
        {p: compositions[p].reindex(elements).fillna(0.0) for p in pools["pool"]}
    ).T

    growth = book.assumption("existing_capacity_growth")
    factor = pd.Series([(1 + growth) ** (y - base) for y in years], index=years)
    mine_base = pools.set_index("pool")["base"]
    mine_cap = pd.DataFrame(np.outer(factor, mine_base), index=years, columns=mine_base.index)

    # -- separation -----------------------------------------------------------------------------
    sep_base = pd.Series(0.0, index=regions)
    routes = _routes(ds, region_of, book)
    for country in ("MYS", "USA"):
        feed_t, how, src = _separation_feed(
            prod, base, country, routes, pools, compositions, recovery_value, region_of
        )
        if feed_t > 0:
            sep_base[region_of(country)] += feed_t
            book.note(f"separation {country}", feed_t, "t REO in concentrate", how, src)
    for country in ("IND", "RUS"):
        if country in country_mined:
            sep_base[region_of(country)] += float(country_mined[country])
            book.note(
                f"separation {country}",
                float(country_mined[country]),
                "t REO",
                "own ore separated at home (IREL; Solikamsk): an assumption",
                "",
            )
    total_feed = float(mine_base.sum())
    sep_base[region_of("CHN")] += total_feed - sep_base.sum()
    book.note(
        "separation CHN",
        float(sep_base[region_of("CHN")]),
        "t REO",
        "DERIVED: all feed (mine output + scrap) not separated elsewhere",
        "",
    )
    sep_cap = pd.DataFrame(np.outer(factor, sep_base), index=years, columns=regions)

    # -- magnets and metal --------------------------------------------------------------------
    cn_mag, src_cn_mag = _value(
        prod, "China's magnet output", stage="magnet", country="CHN", year=base, measure="output"
    )
    cn_share, src_share = _value(
        prod,
        "China's share of magnet output",
        stage="magnet",
        country="CHN",
        year=base,
        measure="share",
    )
    world_mag = cn_mag / cn_share
    jpn_part = book.assumption("nonchina_magnet_location")
    mag_base = pd.Series(0.0, index=regions)
    mag_base[region_of("CHN")] += cn_mag
    mag_base[region_of("JPN")] += (world_mag - cn_mag) * jpn_part
    mag_base[ROW] += (world_mag - cn_mag) * (1 - jpn_part)
    book.note(
        "world magnet output",
        world_mag,
        "t magnet",
        f"DERIVED: China {cn_mag:,.0f} t / China's share {cn_share}",
        f"{src_cn_mag};{src_share}",
    )
    magnet_cap = pd.DataFrame(np.outer(factor, mag_base), index=years, columns=regions)
    re_per_magnet = float(recipe.sum(axis=1).mean())
    world_metal = world_mag * re_per_magnet
    cn_metal_share, src_metal = _value(
        prod, "China's share of RE metal", stage="metal", country="CHN", measure="share", year=base
    )
    metal_base = pd.Series(0.0, index=regions)
    metal_base[region_of("CHN")] += world_metal * cn_metal_share
    metal_base[ROW] += world_metal * (1 - cn_metal_share)
    book.note(
        "world metal output",
        world_metal,
        "t metal",
        f"DERIVED: world magnets x RE content {re_per_magnet:.3f}; China {cn_metal_share}",
        src_metal,
    )
    metal_cap = pd.DataFrame(np.outer(factor, metal_base), index=years, columns=regions)

    # -- demand ---------------------------------------------------------------------------------
    exports, src_exp = _value(
        trade,
        "China's magnet exports",
        flow="export",
        reporter="CHN",
        partner="WLD",
        product="ndfeb_magnets",
        year=base,
        period="annual",
    )
    mag_demand = pd.Series(0.0, index=regions)
    mag_demand[region_of("CHN")] += cn_mag - exports
    for country, share in destinations.items():
        mag_demand[region_of(country)] += exports * share
    mag_demand[region_of("JPN")] += (world_mag - cn_mag) * jpn_part
    mag_demand[ROW] += (world_mag - cn_mag) * (1 - jpn_part) + exports * max(
        0.0, 1 - destinations.sum()
    )
    book.note(
        "magnet demand by region",
        mag_demand.round(0).to_dict(),
        "t magnet",
        f"China output - exports ({exports:,.0f} t); exports by the destination split of "
        f"{int(destinations.attrs.get('year', 0))}",
        src_exp,
    )
    hc_share = _high_coercivity_share(ds, book, world_mag, base)
    mag_growth = _magnet_growth(ds, book)
    nonmag_growth = book.assumption("nonmagnet_demand_growth")
    block_share = book.assumption("demand_block_shares")
    multiple = book.assumption("demand_block_price_multiples")
    blocks = [(0, block_share, multiple), (1, 0.3, 5.0), (2, max(0.0, 0.7 - block_share), 1.5)]
    prices = _base_prices(ds, book, base, elements, el)
    magnet_price = float(
        (recipe * pd.Series({e: prices[e] / el.loc[e, "metal_per_oxide"] for e in recipe.columns}))
        .sum(axis=1)
        .max()
    )
    magnet_price += book.assumption("magnet_cost") + book.assumption("metal_cost") * re_per_magnet

    demand_rows = []
    events = [ev for ev in sc.events if isinstance(ev, DemandEvent)]
    region_growth = {
        region_of(ev.region): ev.growth_rate
        for ev in events
        if ev.growth_rate is not None and ev.activity is None and not ev.values
    }
    for y in years:
        for r in regions:
            g = region_growth.get(r, mag_growth)
            total = mag_demand[r] * (1 + g) ** (y - base)
            shares = {"N42": 1 - hc_share, "GBD": hc_share}
            shares = _substitution(sc, region_of, r, y, shares)
            total *= 1 - _recycled(sc, region_of, r, y)
            for grade, share in shares.items():
                for b, bshare, mult in blocks:
                    if total * share * bshare > 0:
                        demand_rows.append(
                            {
                                "year": y,
                                "region": r,
                                "kind": "magnet",
                                "item": grade,
                                "block": b,
                                "quantity": total * share * bshare,
                                "price": magnet_price * mult,
                            }
                        )
    for ev in events:
        if ev.activity is None and not ev.values:
            continue
        per_unit = _intensity(ds, book, ev.end_use, ev.activity.unit if ev.activity else "")
        factor = sc.intensity_factors.get(ev.end_use, 1.0)
        if factor != 1.0:
            book.note(
                f"intensity factor {ev.end_use}",
                factor,
                "x",
                "scenario factor on the dataset's intensity",
                "",
            )
            per_unit *= factor
        for y in years:
            act = ev.values.get(y, 0.0) if ev.values else ev.activity.value
            level = _ramp([y], ev.start or base, ev.ramp_up_years, None)[0]
            qty = act * level * per_unit
            if qty <= 0:
                continue
            grade = "GBD" if ev.end_use in HIGH_COERCIVITY_USES else "N42"
            for b, bshare, mult in blocks:
                demand_rows.append(
                    {
                        "year": y,
                        "region": region_of(ev.region),
                        "kind": "magnet",
                        "item": grade,
                        "block": b,
                        "quantity": qty * bshare,
                        "price": magnet_price * mult,
                    }
                )

    # non-magnet oxide demand: base-year separated output beyond the magnets' needs
    comp_base = comp_df.mul(mine_base.reindex(comp_df.index).fillna(0.0), axis=0)
    separated = comp_base.sum() * recovery_value
    magnet_metal = sum(
        mag_demand.sum() * s * recipe.loc[g] for g, s in (("N42", 1 - hc_share), ("GBD", hc_share))
    )
    magnet_oxide = magnet_metal.reindex(elements).fillna(0.0) / el.loc[elements, "metal_per_oxide"]
    residual = (separated - magnet_oxide).clip(lower=0.0)
    book.note(
        "non-magnet oxide demand",
        residual.round(0).to_dict(),
        "t REO",
        "DERIVED: base-year separated oxide minus the magnets' needs (0 where magnets "
        "need more than was separated)",
        "",
    )
    where = sep_base / sep_base.sum()
    for y in years:
        scale = (1 + nonmag_growth) ** (y - base)
        for r in regions:
            for e in elements:
                qty = residual[e] * where[r] * scale
                if qty <= 1e-9:
                    continue
                for b, bshare, mult in blocks:
                    demand_rows.append(
                        {
                            "year": y,
                            "region": r,
                            "kind": "oxide",
                            "item": e,
                            "block": b,
                            "quantity": qty * bshare,
                            "price": prices[e] * mult,
                        }
                    )
    demand = pd.DataFrame(demand_rows)

    # -- events that change capacity --------------------------------------------------------------
    for pc in project_caps:
        target = {
            "mining": mine_cap,
            "separation": sep_cap,
            "metal": metal_cap,
            "magnet": magnet_cap,
        }[pc["stage"]]
        if pc["key"] not in target.columns:
            target[pc["key"]] = 0.0
        target[pc["key"]] += pc["ramp"]
    mine_cap = mine_cap[comp_df.index]
    for ev in sc.events:
        if isinstance(ev, OutageEvent):
            _outage(ev, years, pools, region_of, mine_cap, sep_cap, metal_cap, magnet_cap, ds, book)

    # -- calibration minimums (base year: observed use) ---------------------------------------
    mine_min = mine_cap * 0.0
    sep_min = sep_cap * 0.0
    mine_min.loc[base, mine_base.index] = mine_cap.loc[base, mine_base.index]
    sep_min.loc[base] = sep_cap.loc[base]

    costs = {
        "mine": book.assumption("mining_cost"),
        "separation": book.assumption("separation_cost"),
        "metal": book.assumption("metal_cost"),
        "magnet": book.assumption("magnet_cost"),
        "transport_concentrate": book.assumption("concentrate_transport_cost"),
        "transport_oxide": book.assumption("oxide_transport_cost_interregional"),
        "transport_metal": book.assumption("metal_transport_cost"),
        "transport_magnet": book.assumption("magnet_transport_cost"),
        "surplus": book.assumption("surplus_oxide_disposal_cost"),
        "stock_holding": book.assumption("surplus_oxide_disposal_cost") * 0.1,
    }
    net = Network(
        years=years,
        regions=regions,
        elements=elements,
        grades=list(GRADES),
        deposit_region=pools.set_index("pool")["region"],
        composition=comp_df,
        recovery=pd.Series(recovery_value, index=elements),
        metal_per_oxide=el.loc[elements, "metal_per_oxide"].astype(float),
        recipe=recipe.reindex(columns=elements).fillna(0.0).assign(Pr=0.0, Nd=0.0),
        prnd=recipe["Pr"] + recipe["Nd"],
        pr_share=pr_range,
        mine_cap=mine_cap,
        sep_cap=sep_cap,
        metal_cap=metal_cap,
        magnet_cap=magnet_cap,
        demand=demand,
        costs=costs,
        mine_min=mine_min,
        sep_min=sep_min,
        dedicated=pd.DataFrame(dedicated, columns=["deposit", "region"]),
        secondary=[SCRAP_POOL] if scrap_t > 0 else [],
        routes=routes,
        offtake=pd.DataFrame(offtake_rows, columns=["year", "origin", "dest", "share", "event"]),
        labels={
            "offtake floors": ";".join(r["event"] for r in offtake_rows),
            "calibration minimums (observed use in the base year)": f"base year {base}",
        },
    )
    net.tariffs = _tariffs(sc, net, region_of)
    lane_events = _control_lanes(ds, sc, net, region_of)
    return Inputs(
        network=net,
        provenance=book.rows,
        pools=pools,
        owners=pd.DataFrame(owners, columns=["project", "region", "stage", "owner", "share"]),
        lane_events=lane_events,
    )


# ------------------------------------------------------------------------------------------------
# helpers


def _recycled_feed(prod: pd.DataFrame, base: int) -> tuple[float, str]:
    """China's separation of recycled magnet scrap in the base year [t REO] (0 if not in the
    data: then the model has no secondary feed, which provenance records)."""
    rows = _preferred(
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


def _separation_feed(
    prod: pd.DataFrame,
    base: int,
    country: str,
    routes: pd.DataFrame,
    pools: pd.DataFrame,
    compositions: dict[str, pd.Series],
    recovery: float,
    region_of,
) -> tuple[float, str, str]:
    """Concentrate a country's separation plants take in [t REO], from its reported Pr+Nd
    oxide output divided by the Pr+Nd content of its feed (the pools of its own country and of
    the countries routed to it) and the recovery; else its reported TREO output."""

    def reported(material: str) -> pd.DataFrame:
        return _preferred(
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
    feeding = pools[pools["region"].isin(origins) & (pools["base"] > 0)]
    if len(prnd) and len(feeding):
        mix = (
            sum(compositions[p] * w for p, w in zip(feeding["pool"], feeding["base"], strict=True))
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


def _routes(ds: Dataset, region_of, book: _Book) -> pd.DataFrame:
    """Concentrate lanes with an observed supply relation: operating separation plants whose
    feed deposit lies in another country (facilities table)."""
    fac = ds.table("facilities")
    dep = ds.table("deposits").set_index("deposit_id")["country"]
    rows = []
    for r in fac[
        (fac["stage"] == "separation") & fac["deposit_id"].notna() & (fac["status"] == "operating")
    ].itertuples():
        origin = region_of(dep.get(r.deposit_id, r.country))
        dest = region_of(r.country)
        if origin != dest:
            rows.append({"origin": origin, "dest": dest})
            book.note(
                f"route {origin}->{dest}",
                r.facility_id,
                "concentrate lane",
                f"{r.name} is fed by {r.deposit_id}",
                r.source_id,
            )
    return pd.DataFrame(rows, columns=["origin", "dest"]).drop_duplicates()


def _ramp(years: list[int], start: int, ramp_years: int, end: int | None) -> np.ndarray:
    """Share of full capacity in each year: linear over ``ramp_years`` from ``start``."""
    out = []
    for y in years:
        if y < start or (end is not None and y > end):
            out.append(0.0)
        elif ramp_years <= 0:
            out.append(1.0)
        else:
            out.append(min(1.0, (y - start + 1) / (ramp_years + 1)))
    return np.array(out)


def _export_destinations(trade: pd.DataFrame, book: _Book) -> pd.Series:
    """Shares of China's magnet exports by destination, from the latest full year that splits
    them (annual rows, destination tonnes / world total)."""
    t = _preferred(
        trade[
            (trade["flow"] == "export")
            & (trade["reporter"] == "CHN")
            & (trade["product"] == "ndfeb_magnets")
            & (trade["period"] == "annual")
            & trade["value"].notna()
            & (trade["unit"] == "t")
        ]
    )
    years = sorted(
        set(t.loc[t["partner"] != "WLD", "year"]) & set(t.loc[t["partner"] == "WLD", "year"])
    )
    if not years:
        return pd.Series(dtype=float)
    y = years[-1]
    part = t[t["year"] == y]
    world = float(part.loc[part["partner"] == "WLD", "value"].iloc[0])
    shares = part[part["partner"] != "WLD"].set_index("partner")["value"] / world
    shares.attrs["year"] = y
    book.note(
        "export destinations",
        shares.round(4).to_dict(),
        "fraction",
        f"China's magnet exports by destination in {y} / world total",
        ";".join(part["source_id"].unique()),
    )
    return shares


def _magnet_growth(ds: Dataset, book: _Book) -> float:
    """Yearly growth of magnet demand: IEA magnet rare earth demand 2023 -> 2030 (derived)."""
    d = _preferred(ds.table("demand"))
    d = d[
        (d["metric"] == "magnet_ree_demand")
        & (d["region"] == "WLD")
        & d["value"].notna()
        & (d["material"] == "Pr+Nd+Tb+Dy")
    ]
    hist = d[d["scenario"] == "historical"].sort_values("year").iloc[-1]
    proj = (
        d[(d["scenario"] != "historical") & (d["year"] > hist["year"])].sort_values("year").iloc[0]
    )
    g = (proj["value"] / hist["value"]) ** (1 / (proj["year"] - hist["year"])) - 1
    book.note(
        "magnet demand growth",
        round(g, 4),
        "fraction/yr",
        f"DERIVED: ({proj['value']:,.0f} / {hist['value']:,.0f})^(1/"
        f"{int(proj['year'] - hist['year'])}) - 1 ({proj['scenario']})",
        f"{hist['source_id']};{proj['source_id']}",
    )
    return float(g)


def _high_coercivity_share(ds: Dataset, book: _Book, world_mag: float, base: int) -> float:
    """Share of magnets that are high-coercivity (EV traction and wind): EV sales x kg/vehicle +
    wind additions x kg/MW, over world magnet output."""
    d = _preferred(ds.table("demand"))
    ev = (
        d[
            (d["metric"] == "ev_sales")
            & (d["region"] == "WLD")
            & d["value"].notna()
            & (d["scenario"] == "historical")
            & (d["year"] <= base)
        ]
        .sort_values("year")
        .iloc[-1]
    )
    wind = (
        d[
            (d["metric"] == "wind_additions")
            & (d["region"] == "WLD")
            & d["value"].notna()
            & (d["material"] == "wind capacity (onshore+offshore)")
            & (d["year"] <= base)
        ]
        .sort_values("year")
        .iloc[-1]
    )
    ints = _preferred(ds.table("intensities"))
    kg_ev = float(
        ints[
            (ints["end_use"] == "ev_traction_motor")
            & (ints["material"] == "NdFeB")
            & (ints["unit"] == "kg/vehicle")
        ]["value"]
        .dropna()
        .iloc[0]
    )
    kg_mw = float(
        ints[
            (ints["end_use"] == "wind_turbine")
            & (ints["material"] == "NdFeB")
            & ints["technology"].str.startswith("fleet average (all")
        ]["value"].iloc[0]
    )
    tonnes = ev["value"] * kg_ev / 1000 + wind["value"] * 1000 * kg_mw / 1000
    share = min(1.0, tonnes / world_mag)
    book.note(
        "high-coercivity magnet share",
        round(share, 4),
        "fraction",
        f"DERIVED: EV sales {ev['value']:,.0f} ({int(ev['year'])}) x {kg_ev} kg + wind "
        f"{wind['value']} GW ({int(wind['year'])}) x {kg_mw} kg/MW = {tonnes:,.0f} t of "
        f"{world_mag:,.0f} t",
        f"{ev['source_id']};{wind['source_id']}",
    )
    return float(share)


def _intensity(ds: Dataset, book: _Book, end_use: str, unit: str) -> float:
    """t magnet per unit of activity for a demand event."""
    ints = _preferred(ds.table("intensities"))
    part = ints[
        (ints["end_use"] == end_use) & (ints["material"] == "NdFeB") & ints["value"].notna()
    ]
    if unit.startswith("vehicles"):
        part = part[part["unit"] == "kg/vehicle"]
        per = 1e-3
    elif unit.startswith(("MW", "GW")):
        part = part[part["unit"] == "kg/MW"]
        part = part[part["technology"].str.startswith("fleet average (all")]
        per = 1e-3 * (1000 if unit.startswith("GW") else 1)
    elif unit.startswith("t"):
        return 1.0
    else:
        raise ReechainError(
            f"demand activity unit {unit!r}: use vehicles/yr, MW/yr, GW/yr or t magnet/yr"
        )
    if part.empty:
        raise ReechainError(f"no NdFeB intensity for end use {end_use!r} in unit {unit!r}")
    value = float(part["value"].iloc[0])
    book.note(
        f"intensity {end_use}",
        value,
        part["unit"].iloc[0],
        "preferred intensity row",
        part["source_id"].iloc[0],
    )
    return value * per


def _base_prices(
    ds: Dataset, book: _Book, base: int, elements: list[str], el: pd.DataFrame
) -> pd.Series:
    """Base-year oxide prices [USD/t]: USGS annual averages where the data has them; for other
    elements the lowest of them (a floor; said in provenance)."""
    p = _preferred(ds.table("prices"))
    p = p[
        (p["unit"] == "USD/kg")
        & (p["period"] == "annual")
        & (p["price_type"] == "annual_average")
        & p["value"].notna()
        & (p["year"] <= base)
    ]
    out = {}
    for e in elements:
        formula = el.loc[e, "oxide_formula"]
        rows = p[p["material"] == formula].sort_values("year")
        if len(rows):
            out[e] = float(rows["value"].iloc[-1]) * 1000
    if "Pr" not in out and "Nd" in out:
        out["Pr"] = out["Nd"]
    floor = min(out.values()) if out else 1000.0
    for e in elements:
        out.setdefault(e, floor)
    book.note(
        "base oxide prices",
        {k: round(v) for k, v in out.items()},
        "USD/t",
        "USGS annual averages (latest year <= base); Pr priced as Nd; elements without a "
        "price in the data at the lowest known price",
        "",
    )
    return pd.Series(out)


def _substitution(sc, region_of, region, year, shares):
    for ev in sc.events:
        if isinstance(ev, SubstitutionEvent) and region_of(ev.region) == region:
            level = _ramp([year], ev.start, ev.ramp_up_years, None)[0] * ev.share
            target = ev.to_grade if ev.to_grade in shares else "N42"
            moved = shares.get("GBD", 0.0) * level
            shares = dict(shares)
            shares["GBD"] = shares.get("GBD", 0.0) - moved
            shares[target] = shares.get(target, 0.0) + moved
    return shares


def _recycled(sc, region_of, region, year) -> float:
    share = 0.0
    for ev in sc.events:
        if isinstance(ev, RecyclingEvent) and region_of(ev.region) == region:
            share += _ramp([year], ev.start, ev.ramp_up_years, None)[0] * ev.share
    return min(share, 1.0)


def _outage(ev, years, pools, region_of, mine_cap, sep_cap, metal_cap, magnet_cap, ds, book):
    frames = {"mining": mine_cap, "separation": sep_cap, "metal": metal_cap, "magnet": magnet_cap}
    span = ExportControlEvent.model_construct(from_=ev.from_, until=ev.until)
    if ev.facility is not None:
        fac = ds.table("facilities").set_index("facility_id").loc[ev.facility]
        caps = _preferred(ds.table("facility_capacity"))
        rows = caps[
            (caps["facility_id"] == ev.facility)
            & caps["value"].notna()
            & caps["measure"].isin(["capacity", "output"])
            & (caps["material"].isin(["TREO", "NdFeB", "REM"]))
        ]
        if rows.empty:
            raise ReechainError(
                f"outage of facility {ev.facility!r}: the data has no capacity "
                "or output for it; use its country and stage instead"
            )
        row = rows.sort_values(["year", "measure"]).iloc[-1]
        target = frames[fac["stage"]]
        region = region_of(fac["country"])
        for y in years:
            f = span.share_in_force(y)
            if f > 0:
                target.loc[y, region] = max(
                    0.0, target.loc[y, region] - float(row["value"]) * ev.share * f
                )
        book.note(
            f"outage {ev.name or ev.facility}",
            float(row["value"]) * ev.share,
            row["unit"],
            f"{ev.facility} ({fac['stage']}, {fac['country']}) loses "
            f"{ev.share:.0%} of its {row['measure']} ({int(row['year'])}) from "
            f"{ev.from_} to {ev.until}",
            row["source_id"],
        )
        return
    target = frames[ev.stage]
    if ev.deposit is not None:
        country = ds.table("deposits").set_index("deposit_id").loc[ev.deposit, "country"]
    else:
        country = ev.country
    cols = (
        list(pools.loc[pools["country"] == country, "pool"])
        if ev.stage == "mining"
        else [region_of(country)]
    )
    for y in years:
        f = span.share_in_force(y)
        if f > 0:
            target.loc[y, cols] *= 1 - ev.share * f
    book.note(
        f"outage {ev.name or country}",
        ev.share,
        "fraction",
        f"{ev.stage} capacity of {country} cut from {ev.from_} to {ev.until}",
        "",
    )


def _tariffs(sc: Scenario, net: Network, region_of) -> pd.DataFrame:
    """Duties per lane and year [USD/t], pro rata for the part of a year in force."""
    rows = []
    for ev in sc.events:
        if not isinstance(ev, TariffEvent):
            continue
        dest = region_of(ev.importer)
        origins = (
            set(net.regions) - {dest}
            if ev.exporters == "all"
            else {region_of(c) for c in ev.exporters} - {dest}
        )
        span = ExportControlEvent.model_construct(from_=ev.from_, until=ev.until)
        for y in net.years:
            f = span.share_in_force(y)
            if f <= 0:
                continue
            for stage in ev.stages:
                kind = {"separation": "oxide", "metal": "metal", "magnet": "magnet"}[stage]
                items = (
                    net.grades
                    if kind == "magnet"
                    else net.elements
                    if ev.elements == "all"
                    else [e for e in ev.elements if e in net.elements]
                )
                for item in items:
                    for o in sorted(origins):
                        rows.append(
                            {
                                "year": y,
                                "kind": kind,
                                "item": item,
                                "origin": o,
                                "dest": dest,
                                "usd_per_t": ev.rate.value * f,
                            }
                        )
    return pd.DataFrame(rows, columns=["year", "kind", "item", "origin", "dest", "usd_per_t"])


def _control_lanes(ds: Dataset, sc: Scenario, net: Network, region_of) -> pd.DataFrame:
    """Lanes (year, kind, item, origin, dest) of each export control, with its mode and the
    fraction of each year it is in force. Caps are set by :mod:`reechain.engine.run`."""
    rows = []
    elements = set(net.elements)
    for i, ev in enumerate(sc.events):
        if not isinstance(ev, ExportControlEvent):
            continue
        actor = region_of(ev.actor)
        controlled = elements if ev.elements == "all" else set(ev.elements) & elements
        dests = set(net.regions) - {actor}
        if ev.destinations != "all":
            chosen: set[str] = set()
            for d in ev.destinations:
                if d in set(ds.table("blocs")["bloc_id"]):
                    chosen |= {region_of(c) for c in ds.bloc_members(d, on=ev.from_)}
                else:
                    chosen.add(region_of(d))
            dests &= chosen
        for y in net.years:
            f = ev.share_in_force(y)
            if f <= 0:
                continue
            for stage in ev.stages:
                if stage == "mining":
                    continue
                kind = {"separation": "oxide", "metal": "metal", "magnet": "magnet"}[stage]
                items = (
                    sorted(controlled)
                    if kind != "magnet"
                    else [
                        g
                        for g in net.grades
                        if any(net.recipe.loc[g, e] > 0 for e in controlled if e in net.recipe)
                    ]
                )
                for item in items:
                    for d in sorted(dests):
                        rows.append(
                            {
                                "event": i,
                                "year": y,
                                "kind": kind,
                                "item": item,
                                "origin": actor,
                                "dest": d,
                                "in_force": f,
                                "mode": "ban" if ev.ban else "quota" if ev.quota else "licence",
                                "rate": ev.licence_approval_rate,
                                "quota": ev.quota.value if ev.quota else None,
                            }
                        )
    return pd.DataFrame(rows)
