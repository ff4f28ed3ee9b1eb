"""EU Critical Raw Materials Act benchmarks (Regulation (EU) 2024/1252, Article 5(1)) for any
importer, from a run's modelled flows.

For the magnet rare earths (Pr, Nd, Dy, Tb) in a year, with everything in t REO (oxide
equivalent; metal and the content of magnets converted with the elements' metal per oxide):

- consumption: the importer's oxides consumed outside magnets plus the rare earths in the
  magnets it consumes (each grade's recipe, Pr and Nd at the central Pr share);
- extraction, processing (separation) and recycling (secondary feed: scrap pools) inside
  the importer, each as a share of its consumption: benchmarks 10, 40 and 25 %
  (Article 5(1)(a));
- for each stage (mined concentrate, separated oxide, metal, magnets), the largest single
  third country's share of what the importer gets at that stage (made at home plus
  imported): at most 65 % (Article 5(1)(b)).
"""

from __future__ import annotations

import logging

import pandas as pd

from reechain.data.dataset import Dataset
from reechain.engine.inputs.context import Book
from reechain.engine.inputs.processing import recipes
from reechain.engine.run import run
from reechain.engine.scenario import Scenario
from reechain.errors import ReechainError, UnknownNameError

logger = logging.getLogger(__name__)

MAGNET_REE = ("Pr", "Nd", "Dy", "Tb")
TARGETS = {"extraction": 0.10, "processing": 0.40, "recycling": 0.25}
MAX_THIRD_COUNTRY = 0.65
#: stage of the flows -> (what the importer gets there, the material rows to read)
STAGES = {
    "mining": ("concentrate", MAGNET_REE),
    "separation": ("oxide", MAGNET_REE),
    "metal": ("metal", MAGNET_REE),
    "magnet": ("magnets", ("NdFeB",)),
}


def consumption(
    consumed: pd.DataFrame,
    regions: set[str],
    year: int,
    recipe: pd.DataFrame,
    metal_per_oxide: pd.Series,
) -> float:
    """Magnet rare earths consumed by ``regions`` in ``year`` [t REO]: oxides outside
    magnets plus the content of the magnets (``recipe``: grade x element [t metal / t
    magnet])."""
    c = consumed[consumed["region"].isin(regions) & (consumed["year"] == year)]
    oxide = c[(c["kind"] == "oxide") & c["item"].isin(MAGNET_REE)]["consumed"].sum()
    magnets = c[c["kind"] == "magnet"].set_index("item")["consumed"]
    content = recipe.reindex(index=magnets.index, columns=list(MAGNET_REE)).fillna(0.0)
    in_magnets = (content.mul(magnets, axis=0).sum() / metal_per_oxide[list(MAGNET_REE)]).sum()
    return float(oxide + in_magnets)


def crma_from_flows(
    flows: pd.DataFrame,
    consumed_reo: float,
    secondary_reo: float,
    regions: set[str],
    year: int,
    importer: str,
) -> pd.DataFrame:
    """The benchmarks of ``importer`` (the run's ``regions``) in ``year`` from the run's
    tidy ``flows``, its consumption and its recycled feed [t REO]."""
    f = flows[flows["year"] == year]
    made = f[f["destination"].isna() & f["origin"].isin(regions)]
    rows = []
    for name, stage in (("extraction", "mining"), ("processing", "separation")):
        amount = made[(made["stage"] == stage) & made["material"].isin(MAGNET_REE)]["value"].sum()
        rows.append(_target(name, float(amount), consumed_reo, year, importer, stage))
    rows.append(_target("recycling", secondary_reo, consumed_reo, year, importer, "scrap"))
    for stage, (product, materials) in STAGES.items():
        rows.append(_third_country(f, stage, product, materials, regions, year, importer))
    return pd.DataFrame(rows)


def _target(
    name: str, amount: float, consumed_reo: float, year: int, importer: str, stage: str
) -> dict:
    target = TARGETS[name]
    share = amount / consumed_reo if consumed_reo > 0 else float("nan")
    return {
        "importer": importer,
        "year": year,
        "benchmark": f"{name} >= {target:.0%} of consumption",
        "value": share,
        "target": target,
        "met": None if pd.isna(share) else bool(share >= target),
        "largest": None,
        "note": f"{amount:,.0f} t REO of Pr, Nd, Dy, Tb ({stage}) / {consumed_reo:,.0f} t REO "
        "consumed (oxides and the content of magnets)",
    }


def _third_country(
    f: pd.DataFrame,
    stage: str,
    product: str,
    materials: tuple[str, ...],
    regions: set[str],
    year: int,
    importer: str,
) -> dict:
    """The largest single third country's share of what ``regions`` get at ``stage``."""
    part = f[(f["stage"] == stage) & f["material"].isin(materials)]
    home = part[part["destination"].isna() & part["origin"].isin(regions)]["value"].sum()
    imports = part[
        part["destination"].isin(regions)
        & ~part["origin"].isin(regions)
        & (part["origin"] != "WLD")
    ]
    by_origin = imports.groupby("origin")["value"].sum()
    total = float(home + by_origin.sum())
    base = {
        "importer": importer,
        "year": year,
        "benchmark": f"no third country above 65 % ({product})",
        "target": MAX_THIRD_COUNTRY,
    }
    if total <= 0:
        return {**base, "value": float("nan"), "met": None, "largest": None,
                "note": f"{importer} gets no {product} in {year}"}  # fmt: skip
    top = by_origin.idxmax() if len(by_origin) else None
    share = float(by_origin.max() / total) if len(by_origin) else 0.0
    return {
        **base,
        "value": share,
        "met": share <= MAX_THIRD_COUNTRY,
        "largest": top,
        "note": f"of {total:,.0f} t ({home:,.0f} t made at home); 'ROW' is the rest of the "
        "world as one region, not one country",
    }


def crma_of_scenario(ds: Dataset, sc: Scenario, importer: str, year: int) -> pd.DataFrame:
    """Solve ``sc`` with ``importer`` as a region of its own (a bloc: its members on 31
    December of ``year`` as one named region) and return its benchmarks in ``year``."""
    if year < sc.base_year:
        raise ReechainError(f"year {year} is before the scenario's base year {sc.base_year}")
    sc, regions = with_importer(sc, ds, importer, year)
    result = run(sc, ds)
    if not regions & set(result.inputs.network.regions):
        raise ReechainError(
            f"{importer} is not a region of this run: name it in the scenario's regions or use "
            "a bloc such as EU27"
        )
    recipe = recipes(ds, Book(ds, sc.assumptions))
    metal_per_oxide = ds.table("elements").set_index("symbol")["metal_per_oxide"]
    primary = consumption(result.result.consumed, regions, year, recipe, metal_per_oxide)
    pools = result.inputs.pools
    scrap = pools[(pools["pool_type"] == "secondary") & pools["region"].isin(regions)]["pool"]
    made = result.result.pool_output
    secondary = float(made[made["deposit"].isin(scrap) & (made["year"] == year)]["value"].sum())
    # end-of-life magnets the scenario's recycling adds: used, and recycled, in the region
    added = _added_recycling(result.inputs.in_use, regions, year, metal_per_oxide)
    used = primary + added
    return crma_from_flows(result.flows, used, secondary + added, regions, year, importer)


def _added_recycling(in_use, regions: set[str], year: int, metal_per_oxide: pd.Series) -> float:
    """Magnet rare earths recycled beyond the data's rate in ``regions`` in ``year``
    [t REO]."""
    if in_use is None or in_use.added_recycling.empty:
        return 0.0
    a = in_use.added_recycling
    a = a[(a["year"] == year) & a["region"].isin(regions) & a["element"].isin(MAGNET_REE)]
    per_element = a.groupby("element")["value"].sum()
    return float((per_element / metal_per_oxide[per_element.index]).sum())


def with_importer(sc: Scenario, ds: Dataset, importer: str, year: int) -> tuple[Scenario, set]:
    """The scenario with the importer as a region of its own and the run's regions that make
    it up; an unknown code, or a bloc whose members are in another named region, is an
    error."""
    if importer in sc.regions:
        return sc, {importer}
    blocs = set(ds.table("blocs")["bloc_id"])
    countries = set(ds.table("countries")["iso3"])
    if importer not in blocs | countries:
        raise UnknownNameError("country or bloc", importer, sorted(blocs | countries))
    if importer not in blocs:
        return sc, {importer}  # a country: a region of the run once it appears in events
    members = ds.bloc_members(importer, on=f"{year}-12-31")
    taken = {c for name, cs in sc.regions.items() for c in cs} & set(members)
    if taken:
        raise ReechainError(
            f"{importer}'s members {sorted(taken)} are already in another named region of the "
            "scenario; name that region as the importer instead"
        )
    regions = {**sc.regions, importer: members}
    return sc.model_copy(update={"regions": regions}), {importer}
