"""Criticality (EU, USGS-style, GeoPolRisk), dependency along the chain and N-k stress."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from reechain.cli import common
from reechain.cli.analysis import default_material
from reechain.cli.common import (
    DataOpt,
    Format,
    FormatOpt,
    app,
    check_stage,
    emit,
    friendly,
    load_scenario,
)
from reechain.errors import ReechainError, UnknownNameError

# ---------------------------------------------------------------------------------------------
# criticality


class Method(StrEnum):
    all = "all"
    eu = "eu"
    usgs = "usgs"
    gpr = "gpr"


RANGE_NOTE = (
    "Where an input is missing, a score is a range: _low with the unknowns at their least "
    "critical, _high at their most; a missing input is never read as zero."
)


@app.command("criticality")
@friendly
def criticality_command(
    method: Annotated[
        Method, typer.Option(help="all (side by side) | eu | usgs | gpr (GeoPolRisk).")
    ] = Method.all,
    element: Annotated[str | None, typer.Option(help="One element, e.g. Dy.")] = None,
    group: Annotated[str | None, typer.Option(help="LREE | HREE | Sc and its elements.")] = None,
    year: Annotated[
        int | None,
        typer.Option(
            help="Data year (default 2023); EU scores come from the newest assessment by then."
        ),
    ] = None,
    importer: Annotated[
        str | None,
        typer.Option(help="Importing country or bloc for usgs and gpr (default USA; gpr: all)."),
    ] = None,
    product: Annotated[
        str | None, typer.Option(help="gpr: traded product, e.g. ree_compounds_and_metals.")
    ] = None,
    scenario: Annotated[
        Path | None,
        typer.Option(
            help="gpr or usgs: score the scenario's modelled flows beside its baseline's "
            "(gpr: magnets by default, --product and --element pick another stage; usgs: "
            "every stage of --importer)."
        ),
    ] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """How critical is each rare earth, by the EU method, USGS-style supply risk and
    GeoPolRisk, with the published scores beside."""
    from reechain.analysis.criticality.common import eu_assessment, material_of

    ds = common.load(data)
    year_asked, year = year, year or 2023
    material = material_of(ds, element, group)
    if scenario is not None:
        if method not in (Method.gpr, Method.usgs):
            raise ReechainError("--scenario works with --method gpr or --method usgs")
        _scenario_scores(ds, scenario, method, year_asked, importer, product, element, fmt)
    elif method is Method.gpr:
        if material is not None:
            raise ReechainError(
                "GeoPolRisk works on traded products (--product), not elements: rare earths "
                "trade as ores, compounds, metals and magnets"
            )
        _geopolrisk_scores(ds, year, importer, product, fmt)
    elif method is Method.usgs:
        _usgs_scores(ds, year, importer or "USA", material, fmt)
    elif method is Method.eu:
        _eu_scores(ds, eu_assessment(ds, year), material, fmt)
    else:
        _all_scores(ds, eu_assessment(ds, year), year, importer or "USA", element, group, fmt)


def _geopolrisk_scores(
    ds, year: int, importer: str | None, product: str | None, fmt: Format
) -> None:
    from reechain.analysis.criticality import geopolrisk_table
    from reechain.analysis.criticality.summary import with_spans

    table = geopolrisk_table(ds, year, importer, product)
    if fmt is Format.table:
        table = with_spans(
            table,
            {"GeoPolRisk": ("score_low", "score_high")},
            ["importer", "product", "stage", "hhi", "imports_unit", "missing"],
        )
    emit(
        table,
        fmt,
        title=f"GeoPolRisk {year} (0-1; Koyamparambath et al. 2024)",
        caption=RANGE_NOTE,
    )


def _usgs_scores(ds, year: int, importer: str, material: str | None, fmt: Format) -> None:
    from reechain.analysis.criticality import usgs_supply_risk
    from reechain.analysis.criticality.summary import with_spans

    table = usgs_supply_risk(ds, importer, year, material=material)
    if fmt is Format.table:
        table = with_spans(
            table,
            {"DP": ("dp_low", "dp_high"), "TE": ("te_low", "te_high")},
            ["material", "stage", "te_source", "missing"],
        )
    emit(
        table,
        fmt,
        title=f"USGS-style supply risk factors, {importer} {year}",
        caption="SR = (DP x TE x EV)^(1/3) (Nassar et al. 2020, as restated); EV is not "
        "public, so SR is not computed. " + RANGE_NOTE,
    )


def _eu_scores(ds, assessment: str, material: str | None, fmt: Format) -> None:
    from reechain.analysis.criticality import economic_importance, eu_supply_risk, published
    from reechain.analysis.criticality.summary import with_spans

    sr = eu_supply_risk(ds, assessment, material)
    ei = economic_importance(ds, assessment, material)
    if fmt is not Format.table:
        emit(sr.merge(ei, on="material", how="outer"), fmt)
        return
    emit(
        with_spans(
            sr,
            {"SR": ("sr_low", "sr_high")},
            ["material", "stage", "scope", "hhi", "hhi_wgi_t", "sr_missing"]
            + (["sr_fallback"] if "sr_fallback" in sr.columns else []),
        ),
        fmt,
        title=f"{assessment}: supply risk by stage and scope",
        caption="HHI 0-1; HHI_WGI,t with WGI rescaled 0-10 (assumption eu_wgi_rescaling). "
        + RANGE_NOTE,
    )
    emit(
        with_spans(ei, {"EI": ("ei_low", "ei_high")}, ["material", "unassigned_share", "missing"]),
        fmt,
        title=f"{assessment}: economic importance from end uses and sector value added",
        percent=("unassigned_share",),
    )
    emit(
        published(ds, assessment),
        fmt,
        title=f"{assessment}: published SR and EI (critical if SR >= 1 and EI >= 2.8)",
    )


def _all_scores(
    ds,
    assessment: str,
    year: int,
    importer: str,
    element: str | None,
    group: str | None,
    fmt: Format,
) -> None:
    from reechain.analysis.criticality import side_by_side
    from reechain.analysis.criticality.summary import side_by_side_view

    table = side_by_side(ds, assessment, year, importer, element, group)
    if fmt is Format.table:
        table = side_by_side_view(table)
    emit(
        table,
        fmt,
        title=f"Criticality side by side: EU {assessment} and USGS-style ({importer})",
        caption=RANGE_NOTE + " GeoPolRisk is per traded product: --method gpr.",
    )


def _scenario_scores(
    ds,
    path: Path,
    method: Method,
    year: int | None,
    importer: str | None,
    product: str | None,
    element: str | None,
    fmt: Format,
) -> None:
    """GeoPolRisk or the USGS-style factors of a scenario's modelled supply beside its
    baseline's."""
    from reechain.analysis.criticality.gpr import PRODUCT_STAGE
    from reechain.analysis.criticality.gpr_flows import STAGE_UNITS, geopolrisk_runs
    from reechain.analysis.criticality.summary import with_spans
    from reechain.analysis.criticality.usgs_flows import usgs_factors_flows
    from reechain.engine.run import baseline_of
    from reechain.engine.run import run as run_scenario

    sc = load_scenario(path, ds)
    year = sc.horizon if year is None else year
    if year not in sc.years:
        raise ReechainError(
            f"year {year} is outside the scenario's years {sc.base_year}-{sc.horizon}"
        )
    if product and product not in PRODUCT_STAGE:
        raise UnknownNameError("product", product, PRODUCT_STAGE)
    stage = PRODUCT_STAGE[product][0] if product else "magnet"
    if stage not in STAGE_UNITS:
        raise ReechainError(
            f"the model trades oxides, metals and magnets; {product} is a {stage} product"
        )
    element = ds.check_element(element or "Nd")
    if method is Method.usgs and importer is None:
        raise ReechainError("--method usgs --scenario needs --importer (a region of the run)")
    runs = {
        "scenario": run_scenario(sc, ds, owners=False).flows,
        "baseline": run_scenario(baseline_of(sc), ds, owners=False).flows,
    }
    if method is Method.usgs:
        table = usgs_factors_flows(ds, runs, importer, year, element)
        if fmt is Format.table:
            table = with_spans(
                table,
                {"DP": ("dp_low", "dp_high"), "TE": ("te", "te")},
                ["importer", "run", "stage", "material", "imports", "exports", "output", "notes"],
            )
        title = f"USGS-style factors {year} from the model: {sc.name} vs baseline"
    else:
        material = "NdFeB" if stage == "magnet" else element
        table = geopolrisk_runs(ds, runs, year, stage, material, [importer] if importer else None)
        if fmt is Format.table:
            table = with_spans(
                table,
                {"GeoPolRisk": ("score_low", "score_high")},
                ["importer", "run", "product", "hhi", "imports", "domestic", "missing"],
            )
        title = f"GeoPolRisk {year} from the model: {sc.name} vs baseline"
    emit(table, fmt, title=title, caption=RANGE_NOTE)


# ---------------------------------------------------------------------------------------------
# dependency and stress


@app.command("dependency")
@friendly
def dependency_command(
    consumer: Annotated[str, typer.Option(help="Country (ISO3) or bloc id, e.g. DEU or EU27.")],
    element: Annotated[str, typer.Option(help="Element to follow upstream, e.g. Dy.")] = "Nd",
    form: Annotated[
        str, typer.Option(help="magnet | metal | oxide: what the consumer buys.")
    ] = "magnet",
    scenario: Annotated[
        Path | None,
        typer.Option(
            help="Scenario whose flows to use (default: the no-event model of the base year)."
        ),
    ] = None,
    year: Annotated[int | None, typer.Option(help="Year (default: the base year).")] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Through whom does a consumer's supply pass at each stage, and its effective dependency."""
    from reechain.analysis.dependency import dependency
    from reechain.engine.run import run as run_scenario
    from reechain.engine.scenario import Scenario

    ds = common.load(data)
    sc = (
        load_scenario(scenario, ds)
        if scenario
        else Scenario.model_validate({"name": "no events", "base_year": 2024, "horizon": 2024})
    )
    year = year or sc.base_year
    if year not in sc.years:
        raise ReechainError(
            f"year {year} is outside the scenario's years {sc.base_year}-{sc.horizon}"
        )
    element = ds.check_element(element)
    blocs = set(ds.table("blocs")["bloc_id"])
    members = (
        ds.bloc_members(consumer.upper(), on=f"{year}-12-31")
        if consumer.upper() in blocs
        else ds.check_country(consumer)
    )
    res = run_scenario(sc, ds, owners=False)
    by_stage, effective = dependency(res.flows, members, element, year, form)
    if fmt is not Format.table:
        emit(by_stage.merge(effective, left_on="supplier", right_on="country", how="left"), fmt)
        return
    emit(
        by_stage,
        fmt,
        title=f"{consumer} {form} ({element}) {year}: supply by stage",
        percent=("share",),
    )
    emit(
        effective,
        fmt,
        title="Effective dependency (share of supply passing a country at any stage)",
        percent=("effective_dependency",),
    )


@app.command("stress")
@friendly
def stress_command(
    stage: Annotated[str, typer.Option(help="mining | separation | metal | magnet")] = "mining",
    year: Annotated[int, typer.Option(help="Year.")] = 2024,
    k: Annotated[int, typer.Option(help="Withdraw the largest k suppliers.", min=1)] = 1,
    bloc: Annotated[str | None, typer.Option(help="Withdraw a bloc's members instead.")] = None,
    material: Annotated[str | None, typer.Option(help="Material as in the data.")] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """N-k stress on observed data: world output left if the largest k suppliers (or a bloc)
    stop; and the EU CRMA benchmarks."""
    from reechain.analysis.dependency import crma_benchmarks, stress

    ds = common.load(data)
    stage = check_stage(stage)
    mat = default_material(ds, stage, None, material, year)
    withdraw = ds.bloc_members(ds.check_bloc(bloc), on=f"{year}-12-31") if bloc else None
    table = stress(ds.table("production"), stage, year, mat, k=k, withdraw=withdraw)
    emit(
        table,
        fmt,
        title=f"Stress: {stage} {mat} {year}",
        percent=("lost_share", "remaining", "remaining_upper", "coverage"),
    )
    if fmt is Format.table:
        emit(
            crma_benchmarks(ds, year),
            fmt,
            title="EU Critical Raw Materials Act benchmarks",
            percent=("value",),
        )
