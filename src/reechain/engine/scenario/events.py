"""The scenario's events, one pydantic class per event type (projects, export controls,
demand, drivers, bloc changes, outages, stockpiles, recycling, substitution, tariffs), united
in :data:`Event`; validators check what the structure alone can tell (units included)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, get_args

from pydantic import Field, field_validator, model_validator

from reechain.engine import periods
from reechain.engine.scenario.fields import Quantity, Share, Stage, Strict, Year
from reechain.engine.scenario.units import (
    STAGE_BASES,
    check_activity_unit,
    check_capacity_unit,
    check_driver_unit,
    check_duty_unit,
    check_quota_unit,
    quota_bases,
)


class Feed(Strict):
    """Where a project's feed comes from: a deposit. A separation plant takes the concentrate
    of the mine that works it (a mine in operation in the data, or the scenario's mining
    project on it); a deposit no mine works is mined by the project itself, at its capacity
    (an integrated mine and plant)."""

    deposit: str = Field(description="Deposit id in the dataset (e.g. beylikova).")
    composition: str | None = Field(
        None, description="Composition id to use (default: the deposit's, or its ore type's)."
    )


class ProjectEvent(Strict):
    """New or expanded capacity at a stage in a country."""

    type: Literal["project"]
    name: str
    country: str = Field(description="ISO3 code of the location.")
    stage: Stage
    capacity: Quantity
    start: Year = Field(description="First year of output.")
    ramp_up_years: int = Field(0, ge=0, le=20, description="Years to reach full capacity.")
    end: Year | None = Field(None, description="Last year of output (default: open-ended).")
    feed: Feed | None = Field(None, description="Feed deposit (mining and separation projects).")
    owners: dict[str, Share] = Field(default_factory=dict, description="Owner country -> share.")
    offtake: dict[str, Share] = Field(
        default_factory=dict,
        description="Country -> share of the project's output reserved for it if it takes it "
        "(a priority, never an obligation: offtake never shuts a plant).",
    )
    offtake_elements: list[str] | None = Field(
        None,
        description="Elements the offtake covers (separation and metal projects; default all "
        "of the project's products).",
    )
    technology_from: str | None = Field(
        None,
        description="ISO3 of the partner whose technology the project uses; a technology "
        "export ban of that country on the project's stage (policies table) stops the project "
        "unless technology_licence is 'granted'.",
    )
    technology_licence: Literal["granted", "refused"] | None = Field(
        None, description="Whether the technology partner's state licenses the transfer."
    )
    probability: Share = Field(
        1.0,
        description="Chance the project comes online: sampled by ensembles; a single run "
        "includes the project.",
    )
    facility: str | None = Field(
        None,
        description="Facility id of the dataset this project is (e.g. beylikova-plant): its "
        "pipeline entry is replaced by this project, never counted twice.",
    )

    @field_validator("owners", "offtake")
    @classmethod
    def _sum_at_most_one(cls, shares: dict[str, float]) -> dict[str, float]:
        total = sum(shares.values())
        if total > 1 + 1e-9:
            raise ValueError(f"shares sum to {total:.3f}; they must not exceed 1")
        return shares

    @model_validator(mode="after")
    def _consistent(self) -> ProjectEvent:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.stage == "mining" and self.feed is None:
            raise ValueError("a mining project needs feed: {deposit: ID} (its composition)")
        check_capacity_unit(self.capacity.unit, self.stage)
        return self

    def capacity_t_per_yr(self) -> float:
        """Full capacity [t/yr, in the stage's basis: REO, metal or magnet]."""
        return self.capacity.tonnes_per_year(STAGE_BASES[self.stage])


class LicenceTerm(Strict):
    """An approval rate for some elements, destinations or a period of an export control."""

    rate: Share = Field(description="Share of the no-control flow that licences allow.")
    elements: list[str] | None = Field(None, description="Element symbols (default: all).")
    destinations: list[str] | None = Field(
        None, description="ISO3 codes or bloc ids (default: all the control's destinations)."
    )
    from_: date | None = Field(None, alias="from", description="First day (default: control's).")
    until: date | None = Field(None, description="Last day (default: the control's).")


class ExportControlEvent(Strict):
    """Export restrictions by an actor on elements (and magnets containing them) at stages."""

    type: Literal["export_control"]
    actor: str = Field(description="ISO3 of the exporting state.")
    elements: list[str] | Literal["all"] = Field(description="Element symbols, or 'all'.")
    stages: list[Stage] = Field(description="Stages whose exports are controlled.")
    destinations: list[str] | Literal["all"] = Field(
        "all", description="ISO3 codes or bloc ids, or 'all'."
    )
    from_: date = Field(alias="from", description="Date in force.")
    until: date | None = Field(None, description="Last day in force (default: open-ended).")
    ban: bool = Field(False, description="No exports at all.")
    quota: Quantity | None = Field(None, description="Cap on controlled exports per year.")
    licence_approval_rate: Share | None = Field(
        None, description="Share of the no-control flow that licences still allow."
    )
    licence_terms: list[LicenceTerm] = Field(
        default_factory=list,
        description="Approval rates that differ by element, destination or period; the first "
        "matching term applies, licence_approval_rate elsewhere.",
    )
    re_export: bool = Field(
        False,
        description="Also control material of the actor's origin inside other countries' "
        "products (re-export), as China's October 2025 rules did: such content may not leave "
        "the country that imported it. Without it, material exported under the control may "
        "still not reach a controlled destination through a third country.",
    )

    @model_validator(mode="after")
    def _one_mode(self) -> ExportControlEvent:
        licence = self.licence_approval_rate is not None or bool(self.licence_terms)
        modes = [self.ban, self.quota is not None, licence]
        if sum(modes) != 1:
            raise ValueError(
                "give exactly one of ban: true, quota: {value, unit} or licence_approval_rate: 0-1"
            )
        if self.licence_terms and self.licence_approval_rate is None:
            raise ValueError(
                "licence_terms refine licence_approval_rate: give licence_approval_rate too "
                "(the rate where no term matches)"
            )
        if self.until is not None and self.until < self.from_:
            raise ValueError(f"until {self.until} is before from {self.from_}")
        if self.quota is not None:
            check_quota_unit(self.quota.unit, self.stages)
        return self

    def quota_t_per_yr(self) -> float | None:
        """The quota [t/yr] (of oxide, metal or magnets, as the controlled stages count)."""
        if self.quota is None:
            return None
        return self.quota.tonnes_per_year(quota_bases(self.stages))

    def share_in_force(self, period: int) -> float:
        """Fraction of a period (a year, or a month ``YYYYMM``) the control is in force
        [0-1]."""
        return periods.share_in_force(self.from_, self.until, period)


class DemandEvent(Strict):
    """Demand of an end use in a region: an activity (e.g. an EV plant: vehicles per year times
    the dataset's NdFeB per vehicle) adds magnet demand; a ``growth_rate`` alone replaces the
    growth of the end use's part of the region's magnet demand (``end_use: all``: every end
    use's)."""

    type: Literal["demand"]
    name: str
    region: str = Field(description="ISO3 code or a named region of the scenario.")
    end_use: str = Field(description="End use, e.g. ev_traction_motor, wind_turbine.")
    activity: Quantity | None = Field(
        None, description="Activity per year, e.g. {value: 150000, unit: vehicles/yr}."
    )
    growth_rate: float | None = Field(
        None, ge=-0.5, le=1.0, description="Yearly growth of the end use's demand [fraction]."
    )
    values: dict[int, float] | None = Field(
        None, description="Explicit activity per year (unit of 'activity')."
    )
    start: Year | None = None
    ramp_up_years: int = Field(0, ge=0, le=20)

    @model_validator(mode="after")
    def _some_path(self) -> DemandEvent:
        if self.activity is None and self.growth_rate is None and self.values is None:
            raise ValueError("give activity, growth_rate or values")
        if self.activity is not None:
            check_activity_unit(self.activity.unit)
        if self.values is not None and self.activity is None:
            raise ValueError(
                "values are activity per year in the unit of 'activity': give activity too, "
                "e.g. activity: {value: 150000, unit: vehicles/yr}"
            )
        if self.values and any(v < 0 for v in self.values.values()):
            raise ValueError("values must not be negative")
        return self


class DriverEvent(Strict):
    """The path of an end use's driver (world electric car sales, wind capacity additions),
    replacing the dataset's history and outlook from its first year: a demand case expressed
    in physical drivers, not growth rates. Values are interpolated between the given years
    and held level after the last."""

    type: Literal["driver"]
    name: str
    end_use: Literal["ev_traction_motor", "wind_turbine"] = Field(
        description="End use whose driver this is: ev_traction_motor (electric car sales, "
        "vehicles/yr) or wind_turbine (wind capacity additions, GW/yr)."
    )
    unit: str = Field(description="vehicles/yr (ev_traction_motor) or GW/yr (wind_turbine).")
    values: dict[Year, Annotated[float, Field(ge=0, allow_inf_nan=False)]] = Field(
        description="Year -> the driver's world value in that year [unit]."
    )

    @model_validator(mode="after")
    def _unit_of_end_use(self) -> DriverEvent:
        check_driver_unit(self.unit, self.end_use)
        if not self.values:
            raise ValueError("give at least one year's value")
        return self


class BlocMembershipEvent(Strict):
    """A country joins or leaves a bloc at a date."""

    type: Literal["bloc_membership"]
    country: str
    bloc: str
    role: Literal["member", "partner", "applicant", "observer", "invited", "none"] = "member"
    from_: date = Field(alias="from")


class OutageEvent(Strict):
    """A facility, deposit or country's stage loses a share of its capacity for a period.

    A country (or deposit: its country's mine output) loses that share of the stage's capacity;
    a facility takes its latest reported capacity (or output) times the share out of its
    country's capacity at its stage."""

    type: Literal["outage"]
    name: str | None = None
    country: str | None = None
    deposit: str | None = None
    facility: str | None = None
    stage: Stage = "mining"
    share: Share = Field(description="Share of capacity lost [0-1].")
    from_: date = Field(alias="from")
    until: date | None = None

    @model_validator(mode="after")
    def _target(self) -> OutageEvent:
        if sum(x is not None for x in (self.country, self.deposit, self.facility)) != 1:
            raise ValueError("give exactly one of country, deposit or facility")
        return self


class StockpileEvent(Strict):
    """A stockpile of separated oxides held in a region (a state reserve, JOGMEC, a defence
    stockpile, an industry's strategic stock), sold into the region's market when the price
    there reaches a trigger.

    The stock is drawn at most ``max_release_share`` of its start a year, from ``from`` to
    ``until``; what is released is gone (one stock over the run's years, in myopic runs too).
    """

    type: Literal["stockpile"]
    name: str
    region: str = Field(description="ISO3 code or named region holding the stock.")
    stocks: dict[str, Annotated[float, Field(ge=0)]] = Field(
        description="Element symbol -> oxide held at the start [t REO]."
    )
    release_price: float = Field(
        1.5,
        ge=0,
        description="Released when the region's shadow price of the oxide reaches this multiple "
        "of its observed base-year price.",
    )
    max_release_share: Share = Field(
        1.0, description="Most of the starting stock released in one year [fraction/yr]."
    )
    from_: Year | None = Field(None, alias="from", description="First year it may release.")
    until: Year | None = Field(None, description="Last year it may release.")

    @model_validator(mode="after")
    def _consistent(self) -> StockpileEvent:
        if not self.stocks:
            raise ValueError("give stocks: {element: t REO}")
        if self.from_ is not None and self.until is not None and self.until < self.from_:
            raise ValueError(f"until {self.until} is before from {self.from_}")
        return self


class RecyclingEvent(Strict):
    """End-of-life recycling of an end use's magnets in a region (``end_use: all``: every end
    use's): ``share`` of the magnets reaching end of life there is recycled into magnet
    material (times the recycling yield), ramping up from ``start``. The in-use stocks give
    how much reaches end of life; what is recycled beyond the data's rate replaces primary
    magnets in the region."""

    type: Literal["recycling"]
    region: str
    end_use: str
    share: Share = Field(description="End-of-life recycling rate [fraction of end of life].")
    start: Year
    ramp_up_years: int = Field(0, ge=0, le=30)


class SubstitutionEvent(Strict):
    """A share of a region's high-coercivity (Dy-bearing) magnets of an end use (``all``: every
    end use) switched to another grade (e.g. Dy-free N42), ramping over years."""

    type: Literal["substitution"]
    region: str
    end_use: str
    to_grade: str = Field(description="Magnet grade in the dataset's recipes (e.g. N42).")
    share: Share
    start: Year
    ramp_up_years: int = Field(0, ge=0, le=30)


class TariffEvent(Strict):
    """An import duty of ``importer`` on oxides, metals or magnets from ``exporters``."""

    type: Literal["tariff"]
    importer: str = Field(description="ISO3 of the importing country, or a named region.")
    exporters: list[str] | Literal["all"] = Field("all", description="ISO3 codes or 'all'.")
    stages: list[Literal["separation", "metal", "magnet"]] = Field(
        description="Products taxed: separation = oxides, metal = metals, magnet = magnets."
    )
    elements: list[str] | Literal["all"] = Field("all", description="Elements (oxide, metal).")
    rate: Quantity = Field(description="Duty, {value: ..., unit: USD/t}.")
    from_: date = Field(alias="from")
    until: date | None = None

    @model_validator(mode="after")
    def _usd_per_t(self) -> TariffEvent:
        check_duty_unit(self.rate.unit)
        return self


Event = Annotated[
    ProjectEvent
    | ExportControlEvent
    | DemandEvent
    | BlocMembershipEvent
    | OutageEvent
    | RecyclingEvent
    | SubstitutionEvent
    | TariffEvent
    | StockpileEvent
    | DriverEvent,
    Field(discriminator="type"),
]

# The event types' tags (``type: project``, ...), in the order of :data:`Event`.
EVENT_TYPES: tuple[str, ...] = tuple(
    get_args(cls.model_fields["type"].annotation)[0] for cls in get_args(get_args(Event)[0])
)
