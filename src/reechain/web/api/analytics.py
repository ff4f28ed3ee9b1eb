"""/api/shares, /api/concentration and /api/criticality*: analytics on the observed data."""

import functools
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Query

from reechain.analysis import metrics
from reechain.analysis.criticality.eu import SCOPES
from reechain.analysis.criticality.gpr import PRODUCT_STAGE
from reechain.data.flows import observed_flows
from reechain.data.schema import STAGES
from reechain.web import pages
from reechain.web.common import (
    PAGED,
    Context,
    OneOf,
    Paging,
    answered_once,
    as_json,
    errors,
    paged,
)
from reechain.web.models import (
    Concentration,
    CriticalitySummary,
    EuCriticality,
    GeoPolRisk,
    Share,
    UsgsRisk,
)

LIST = {**PAGED, **errors(400, 422)}  # every route here: a paged list, computed from the data
Page = Annotated[Paging, paged()]
# GeoPolRisk's columns rounded to what the data carries [decimals]: tonnes to 0.1 t (the trade
# tables' precision), HHIs, shares and scores to 4 decimals (sourcing shares are to 0.01 %).
GPR_DECIMALS = {
    "hhi": 4,
    "hhi_upper": 4,
    "imports_t": 1,
    "domestic": 1,
    "unknown_g_share": 4,
    "score_low": 4,
    "score_high": 4,
    "score": 4,
}


def gpr_rows(table: pd.DataFrame) -> pd.DataFrame:
    """GeoPolRisk's rows with one unit per column: imports in tonnes (``imports_t``; null
    where the data give only the partners' shares, ``imports_shares_only``) instead of a
    value whose unit changes from row to row; numbers rounded (:data:`GPR_DECIMALS`)."""
    unit = table["imports_unit"]
    out = table.assign(
        imports_t=table["imports"].where(unit == "t"),
        imports_shares_only=(unit == "fraction").astype(object).where(unit.notna()),
    ).drop(columns=["imports", "imports_unit"])
    return out.round(GPR_DECIMALS)


def no_output(flows: pd.DataFrame, stage: str, material: str, year: int | None = None) -> str:
    """Why shares or concentration of ``stage`` and ``material`` (in ``year``) are empty: the
    filter that matched nothing, with the years that have data."""
    years = flows.loc[(flows["stage"] == stage) & (flows["material"] == material), "year"]
    if years.empty:
        return f"no {stage} output of material={material} in the data"
    span = f"years with data: {years.min()}-{years.max()}"
    return f"no {stage} output of {material} in year={year} ({span})"


def router(ctx: Context) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["analytics"])
    _shares_routes(api, ctx)
    _criticality_routes(api, ctx)
    return api


def _shares_routes(api: APIRouter, ctx: Context) -> None:
    production = ctx.ds.table("production")
    stages = OneOf("stage", STAGES)
    materials = OneOf("material", production["material"])
    StageQ = Annotated[str, Query(description="Supply chain stage.", **stages.schema)]
    MaterialQ = Annotated[
        str | None,
        Query(description="Default: the stage's usual basis.", **materials.schema),
    ]

    def basis(flows: pd.DataFrame, stage: str, material: str | None) -> str:
        """The material asked for, or the stage's usual one (TREO for mining...)."""
        if material is not None:
            return materials(material)
        return pages.stage_material(flows, stages(stage))

    flows_once = functools.cache(lambda: observed_flows(production))

    @answered_once()
    def share_rows(stage: str, year: int | None, material: str | None) -> list:
        flows = flows_once()
        return as_json(metrics.shares(flows, stage, year, material=basis(flows, stage, material)))

    @answered_once()
    def concentration_rows(stage: str, material: str | None) -> list:
        flows = flows_once()
        mat = basis(flows, stage, material)
        return as_json(metrics.concentration(metrics.shares(flows, stage, None, material=mat)))

    @api.get("/shares", responses=LIST)
    def shares(
        stage: StageQ,
        year: Annotated[int, Query(ge=1900, le=2100)],
        paging: Page,
        material: MaterialQ = None,
    ) -> list[Share]:
        """Shares of world output by country (observed data)."""
        if material is not None:
            materials(material)
        rows = share_rows(stages(stage), year, material)
        return paging.page(rows, empty=lambda: no_output(*asked(stage, material), year))

    def asked(stage: str, material: str | None) -> tuple[pd.DataFrame, str, str]:
        flows = flows_once()
        return flows, stage, basis(flows, stage, material)

    @api.get("/concentration", responses=LIST)
    def concentration(
        stage: StageQ, paging: Page, material: MaterialQ = None
    ) -> list[Concentration]:
        """HHI (bracket), CR1, CR3 and N-1 coverage per year (observed data)."""
        if material is not None:
            materials(material)
        rows = concentration_rows(stages(stage), material)
        return paging.page(rows, empty=lambda: no_output(*asked(stage, material)))


def _criticality_routes(api: APIRouter, ctx: Context) -> None:
    ds = ctx.ds
    assessments = OneOf("assessment", ds.table("criticality_inputs")["assessment"])
    elements = OneOf("material", [*ds.table("elements")["symbol"], "LREE", "HREE", "REE"])
    # the EU method's materials are those with sourcing shares in the data (review L3: the
    # schema listed LREE, which the method rejects)
    c = ds.table("criticality_inputs")
    eu_materials = OneOf("material", c.loc[c["parameter"].isin(SCOPES), "material"].dropna())
    # importers are countries and the aggregates of the countries table (EU27); a bloc of the
    # blocs table (G7, OECD) is not an importer the methods know
    importers = OneOf("importer", ds.table("countries")["iso3"])
    products = OneOf("product", PRODUCT_STAGE)
    YearQ = Annotated[int, Query(ge=1900, le=2100, description="Data year.")]
    ImporterQ = Annotated[
        str, Query(description="Importing country (ISO3, or EU27).", **importers.schema)
    ]
    CritMaterialQ = Annotated[
        str | None,
        Query(description="An element or group (LREE, HREE, Sc); default all.", **elements.schema),
    ]

    # The dataset doesn't change while the app runs: each answer is computed once per question.
    @answered_once()
    def summary_rows(year: int, importer: str, element: str | None, group: str | None) -> list:
        from reechain.analysis.criticality import side_by_side
        from reechain.analysis.criticality.common import eu_assessment

        return as_json(side_by_side(ds, eu_assessment(ds, year), year, importer, element, group))

    @answered_once()
    def usgs_rows(year: int, importer: str, material: str | None) -> list:
        from reechain.analysis.criticality import usgs_supply_risk

        return as_json(usgs_supply_risk(ds, importer, year, material=material))

    @answered_once()
    def geopolrisk_rows(year: int, importer: str | None, product: str | None) -> list:
        from reechain.analysis.criticality import geopolrisk_table

        return as_json(gpr_rows(geopolrisk_table(ds, year, importer, product)))

    @answered_once()
    def eu_rows(assessment: str, element: str | None) -> list:
        from reechain.analysis.criticality import eu_supply_risk

        return as_json(eu_supply_risk(ds, assessment, element))

    def element_or_group(material: str | None) -> tuple[str | None, str | None]:
        if material is None or material == "REE":
            return None, None
        material = elements(material)
        return (None, material) if material in ("LREE", "HREE") else (material, None)

    @api.get("/criticality", responses=LIST)
    def criticality(
        paging: Page,
        assessment: Annotated[str, Query(**assessments.schema)] = "EU2023",
        material: Annotated[str | None, Query(**eu_materials.schema)] = None,
    ) -> list[EuCriticality]:
        """EU method: HHI and HHI_WGI,t by stage and scope; SR where its inputs exist. An
        assessment without sourcing shares in the data is an empty list that says so."""
        element = eu_materials(material) if material is not None else None
        rows = eu_rows(assessments(assessment), element)
        return paging.page(
            rows,
            empty=lambda: (
                f"assessment={assessment} has no sourcing shares in the data"
                + (f" for material={material}" if material else "")
                + " (its published scores are in /api/criticality/summary)"
            ),
        )

    @api.get("/criticality/summary", responses=LIST)
    def criticality_summary(
        paging: Page,
        year: YearQ = 2023,
        importer: ImporterQ = "USA",
        material: CritMaterialQ = None,
    ) -> list[CriticalitySummary]:
        """The methods side by side per element or group: EU SR and EI ranges, published EU
        scores and verdicts, USGS-style disruption potential and trade exposure. A missing
        input makes a range (_low, _high); it is never read as zero."""
        element, group = element_or_group(material)
        return paging.page(summary_rows(year, importers(importer), element, group))

    @api.get("/criticality/usgs", responses=LIST)
    def criticality_usgs(
        paging: Page,
        year: YearQ = 2023,
        importer: ImporterQ = "USA",
        material: CritMaterialQ = None,
    ) -> list[UsgsRisk]:
        """USGS-style factors per stage: DP and TE ranges; SR stays empty with the reason."""
        element, group = element_or_group(material)
        return paging.page(usgs_rows(year, importers(importer), element or group))

    @api.get("/criticality/geopolrisk", responses=LIST)
    def criticality_geopolrisk(
        paging: Page,
        year: YearQ = 2023,
        importer: Annotated[
            str | None,
            Query(description="Importer; default every one with data.", **importers.schema),
        ] = None,
        product: Annotated[
            str | None, Query(description="Traded product; default all.", **products.schema)
        ] = None,
    ) -> list[GeoPolRisk]:
        """GeoPolRisk (0-1) of importers for traded rare earth products, as a range where
        inputs are missing, with what is missing; imports in tonnes (or known only as the
        partners' shares), numbers rounded to what the data carries."""
        return paging.page(
            geopolrisk_rows(
                year,
                importers(importer) if importer is not None else None,
                products(product) if product is not None else None,
            )
        )
