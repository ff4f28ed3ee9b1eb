"""Scenario files: what happens (projects, export controls, demand, bloc changes, outages,
recycling, substitution), validated in two layers.

1. Structure, with pydantic (:class:`Scenario`): types, ranges, required fields. Its JSON Schema
   (``reechain scenario schema``) lets editors check files as they are typed.
2. Meaning, against the dataset (:meth:`Scenario.check`): countries, elements, deposits, blocs
   and end uses exist; years fall inside the horizon.

Every error names the file, the line and the field, and says how to fix it.

>>> sc = Scenario.model_validate({"name": "x", "base_year": 2024, "horizon": 2026})
>>> sc.years
[2024, 2025, 2026]
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from reechain.data import units
from reechain.data.schema import STAGES
from reechain.engine import periods
from reechain.engine.stages import GRADES
from reechain.engine.uncertainty import TARGET, Uncertainty
from reechain.errors import ReechainError, unknown_message

logger = logging.getLogger(__name__)

Stage = Literal["mining", "separation", "metal", "magnet"]
# The material a stage's capacity is counted in (the basis word a capacity unit may name).
STAGE_BASES = {"mining": {"REO"}, "separation": {"REO"}, "metal": {"metal"}, "magnet": {"magnet"}}
ALL_BASES = {"REO", "metal", "magnet"}
# The unit of each end use's driver values (drivers table).
DRIVER_UNITS = {"ev_traction_motor": "vehicles/yr", "wind_turbine": "GW/yr"}
Share = Annotated[float, Field(ge=0.0, le=1.0)]
MAX_PROBLEMS = 50  # problems listed in one error (the rest counted)
MAX_EVENTS = 1000  # events in one scenario
MAX_DEPTH = 20  # nesting of YAML mappings and lists
MAX_TEXT_BYTES = 1_000_000  # a scenario file's size (the web service takes 50,000 characters)
Year = Annotated[int, Field(ge=1900, le=2100)]


class ScenarioError(ReechainError):
    """A scenario file that cannot be used: ``problems`` lists (where, message) pairs."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(("...", f"and {len(problems) - MAX_PROBLEMS} more problem(s)"))
        self.source, self.problems = source, shown
        lines = [f"{len(problems)} problem(s) in scenario {source}:"]
        lines += [f"  - {where}: {msg}" for where, msg in shown]
        super().__init__("\n".join(lines))


class _Strict(BaseModel):
    # .inf and .nan are refused everywhere: a scenario's numbers are finite
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


#: the largest amount a quantity may have [its unit]: a trillion tonnes, vehicles or GW a year
#: is no scenario, and keeps the LP's coefficients far below what HiGHS treats as infinite
MAX_QUANTITY = 1e12
#: the most a demand may multiply over a run's years through a growth rate
MAX_GROWTH_MULTIPLE = 1e3


class FieldUnitError(units.UnitError):
    """A unit that doesn't fit an event's field: why, the field (``capacity.unit``) and the
    units it accepts."""

    def __init__(self, reason: str, field: str, accepted: str) -> None:
        super().__init__(f"{reason}; {field} takes {accepted}")
        self.reason, self.field, self.accepted = reason, field, accepted

    def at_line(self, line: int | None) -> str:
        """The message with the line of the field in the file."""
        where = f"{self.field} (line {line})" if line else self.field
        return f"{self.reason}; {where} takes {self.accepted}"


@contextmanager
def _unit_of(field: str, accepted: str) -> Iterator[None]:
    """Re-raise a :class:`~reechain.data.units.UnitError` as a :class:`FieldUnitError` of
    ``field``, which accepts ``accepted``."""
    try:
        yield
    except units.UnitError as err:
        raise FieldUnitError(str(err), field, accepted) from None


def _quota_bases(stages: Collection[str]) -> set[str]:
    """The basis a quota's unit may name: the one every controlled stage counts in, none when
    they differ (each stage's flows then count the quota in their own basis)."""
    counted = [STAGE_BASES[s] for s in stages if s in STAGE_BASES]
    return set.intersection(*counted) if counted else set(ALL_BASES)


def _check_capacity_unit(unit: str, stage: str) -> None:
    """A project's capacity unit is a mass per time in its stage's basis (UnitError if not)."""
    bases = STAGE_BASES.get(stage, ALL_BASES)
    with _unit_of("capacity.unit", units.mass_rate_units(bases)):
        units.mass_per_year(1.0, unit, bases)


def _check_quota_unit(unit: str, stages: Collection[str]) -> None:
    """An export quota's unit is a mass per time in the controlled stages' basis."""
    bases = _quota_bases(stages)
    with _unit_of("quota.unit", units.mass_rate_units(bases)):
        units.mass_per_year(1.0, unit, bases)


def _check_activity_unit(unit: str) -> None:
    """A demand's activity unit is vehicles, power or magnets per time."""
    with _unit_of("activity.unit", units.ACTIVITY_ACCEPTED):
        units.activity_per_year(1.0, unit)


def _check_driver_unit(unit: str, end_use: str) -> None:
    """A driver's unit is its end use's (:data:`DRIVER_UNITS`), however spelled
    (``vehicles / year`` is ``vehicles/yr``). Values in another unit of the same kind are
    refused with the factor to apply: they are not converted, so that an ensemble's samples
    stay in the file's unit."""
    expected = DRIVER_UNITS[end_use]
    with _unit_of("unit", f"{expected} for {end_use}"):
        factor = units.convert(1.0, unit, expected)
    if abs(factor - 1.0) > 1e-9:
        raise FieldUnitError(
            f"unit {unit!r}: {end_use}'s driver is in {expected}; multiply the values by "
            f"{factor:g}",
            "unit",
            expected,
        )


def _check_duty_unit(unit: str) -> None:
    """A tariff's unit is USD/t, however spelled (``USD / tonne``). A duty per kg or g is
    refused with the factor to apply, not converted (see :func:`_check_driver_unit`)."""
    with _unit_of("rate.unit", "USD/t"):
        factor = units.convert(1.0, unit, "USD/t")
    if abs(factor - 1.0) > 1e-9:
        raise FieldUnitError(
            f"unit {unit!r}: give the duty in USD/t (multiply the value by {factor:g})",
            "rate.unit",
            "USD/t",
        )


class Quantity(_Strict):
    """A number with its unit, e.g. ``{value: 10000, unit: t REO/yr}``."""

    value: float = Field(ge=0.0, le=MAX_QUANTITY, description="Amount (never negative).")
    unit: str = Field(
        description="Unit, e.g. 't REO/yr', 'kt REO/yr', 't magnet/yr', 'vehicles/yr', 'GW/yr'; "
        "parsed and converted (reechain.data.units), a unit that doesn't fit is an error."
    )

    def tonnes_per_year(self, bases: Collection[str]) -> float:
        """The amount in t/yr (its unit's basis word, if any, one of ``bases``)."""
        return units.mass_per_year(self.value, self.unit, bases)

    def per_year(self) -> tuple[float, str]:
        """An activity in its canonical unit per year and its kind (see
        :func:`reechain.data.units.activity_per_year`)."""
        return units.activity_per_year(self.value, self.unit)


class Feed(_Strict):
    """Where a project's feed comes from: a deposit. A separation plant takes the concentrate
    of the mine that works it (a mine in operation in the data, or the scenario's mining
    project on it); a deposit no mine works is mined by the project itself, at its capacity
    (an integrated mine and plant)."""

    deposit: str = Field(description="Deposit id in the dataset (e.g. beylikova).")
    composition: str | None = Field(
        None, description="Composition id to use (default: the deposit's, or its ore type's)."
    )


class ProjectEvent(_Strict):
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
        _check_capacity_unit(self.capacity.unit, self.stage)
        return self

    def capacity_t_per_yr(self) -> float:
        """Full capacity [t/yr, in the stage's basis: REO, metal or magnet]."""
        return self.capacity.tonnes_per_year(STAGE_BASES[self.stage])


class LicenceTerm(_Strict):
    """An approval rate for some elements, destinations or a period of an export control."""

    rate: Share = Field(description="Share of the no-control flow that licences allow.")
    elements: list[str] | None = Field(None, description="Element symbols (default: all).")
    destinations: list[str] | None = Field(
        None, description="ISO3 codes or bloc ids (default: all the control's destinations)."
    )
    from_: date | None = Field(None, alias="from", description="First day (default: control's).")
    until: date | None = Field(None, description="Last day (default: the control's).")


class ExportControlEvent(_Strict):
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
            _check_quota_unit(self.quota.unit, self.stages)
        return self

    def quota_t_per_yr(self) -> float | None:
        """The quota [t/yr] (of oxide, metal or magnets, as the controlled stages count)."""
        if self.quota is None:
            return None
        return self.quota.tonnes_per_year(_quota_bases(self.stages))

    def share_in_force(self, period: int) -> float:
        """Fraction of a period (a year, or a month ``YYYYMM``) the control is in force
        [0-1]."""
        return periods.share_in_force(self.from_, self.until, period)


class DemandEvent(_Strict):
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
            _check_activity_unit(self.activity.unit)
        if self.values is not None and self.activity is None:
            raise ValueError(
                "values are activity per year in the unit of 'activity': give activity too, "
                "e.g. activity: {value: 150000, unit: vehicles/yr}"
            )
        if self.values and any(v < 0 for v in self.values.values()):
            raise ValueError("values must not be negative")
        return self


class DriverEvent(_Strict):
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
        _check_driver_unit(self.unit, self.end_use)
        if not self.values:
            raise ValueError("give at least one year's value")
        return self


class BlocMembershipEvent(_Strict):
    """A country joins or leaves a bloc at a date."""

    type: Literal["bloc_membership"]
    country: str
    bloc: str
    role: Literal["member", "partner", "applicant", "observer", "invited", "none"] = "member"
    from_: date = Field(alias="from")


class OutageEvent(_Strict):
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


class StockpileEvent(_Strict):
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


class RecyclingEvent(_Strict):
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


class SubstitutionEvent(_Strict):
    """A share of a region's high-coercivity (Dy-bearing) magnets of an end use (``all``: every
    end use) switched to another grade (e.g. Dy-free N42), ramping over years."""

    type: Literal["substitution"]
    region: str
    end_use: str
    to_grade: str = Field(description="Magnet grade in the dataset's recipes (e.g. N42).")
    share: Share
    start: Year
    ramp_up_years: int = Field(0, ge=0, le=30)


class TariffEvent(_Strict):
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
        _check_duty_unit(self.rate.unit)
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


class Scenario(_Strict):
    """A scenario: years, regions, assumption overrides and events."""

    name: str
    description: str = ""
    base_year: Year
    horizon: Year
    regions: dict[str, list[str]] = Field(
        default_factory=dict, description="Named regions -> member countries (ISO3)."
    )
    assumptions: dict[str, float] = Field(
        default_factory=dict, description="Overrides of assumption ids -> value."
    )
    events: list[Event] = Field(default_factory=list, max_length=MAX_EVENTS)
    uncertainty: Uncertainty | None = Field(
        None, description="Uncertain inputs and their correlations (ensembles)."
    )
    months: list[Year] = Field(
        default_factory=list,
        description="Years run in months (after the base year): each is split into twelve "
        "periods linked by producers' and consumers' stocks, so a shock within the year shows "
        "month by month.",
    )
    pipeline: Literal["expected", "announced", "none", "drawn"] = Field(
        "expected",
        description="The dataset's announced facilities outside China (facilities not yet "
        "operating with a capacity): 'expected' at capacity x the build probability of their "
        "status, 'announced' at full capacity, 'none' left out, 'drawn' each built at full "
        "capacity or not at all, drawn with its probability from pipeline_seed (what an "
        "ensemble sample runs).",
    )
    pipeline_seed: int | None = Field(
        None, ge=0, description="Seed of the draws of pipeline: drawn (an ensemble sets it)."
    )
    pipeline_exclude: list[str] = Field(
        default_factory=list,
        description="Facility ids of the data to leave out of the pipeline (e.g. a project the "
        "scenario assumes cancelled).",
    )
    expansion: bool = Field(
        True,
        description="Whether the model may build separation, metal and magnet capacity beyond "
        "the data's, the pipeline's and the projects' (after each stage's lead time, at its "
        "annualised capital cost): what it builds is the capacity the scenario would need.",
    )
    intensity_factors: dict[str, Annotated[float, Field(ge=0, le=1000)]] = Field(
        default_factory=dict,
        description="End use -> factor on the dataset's NdFeB intensity (sensitivity runs).",
    )
    demand_outlook: str = Field(
        "STEPS",
        description="The drivers' outlook after their history (the drivers table's scenario, "
        "e.g. STEPS or APS of the IEA): electric car sales and wind additions follow it.",
    )
    _node: Any = PrivateAttr(None)  # the YAML node tree, to give line numbers
    _source: str = PrivateAttr("<scenario>")

    @model_validator(mode="after")
    def _years(self) -> Scenario:
        if self.horizon < self.base_year:
            raise ValueError(f"horizon {self.horizon} is before base_year {self.base_year}")
        if self.horizon - self.base_year > 50:
            raise ValueError("at most 50 years between base_year and horizon")
        return self

    @model_validator(mode="after")
    def _months(self) -> Scenario:
        bad = [y for y in self.months if not self.base_year < y <= self.horizon]
        if bad:
            raise ValueError(
                f"months {bad}: a year run in months must lie after base_year {self.base_year} "
                f"and up to horizon {self.horizon} (the base year is calibrated on annual data)"
            )
        return self

    @property
    def periods(self) -> list[int]:
        """The run's periods: its years, those in ``months`` as twelve months each
        (:mod:`reechain.engine.periods`)."""
        return periods.periods(self.years, self.months)

    @field_validator("regions")
    @classmethod
    def _region_names(cls, regions: dict[str, list[str]]) -> dict[str, list[str]]:
        seen: dict[str, str] = {}
        for name, members in regions.items():
            for c in members:
                if c in seen:
                    raise ValueError(f"{c} is in both regions {seen[c]!r} and {name!r}")
                seen[c] = name
        return regions

    @property
    def years(self) -> list[int]:
        return list(range(self.base_year, self.horizon + 1))

    # -- loading -----------------------------------------------------------------------------
    @classmethod
    def from_yaml(cls, path: str | Path, ds: Any = None) -> Scenario:
        """Read and validate a YAML scenario file (structure only; see :meth:`check`). With
        the dataset ``ds``, a file with structural problems also gets the problems of
        meaning its fields already show (unknown countries, end uses, assumptions), so that
        one pass lists them all."""
        path = Path(path)
        try:
            if path.stat().st_size > MAX_TEXT_BYTES:
                raise ScenarioError(str(path), [("file", f"{path.stat().st_size:,} bytes; a "
                                    f"scenario is at most {MAX_TEXT_BYTES:,}")])  # fmt: skip
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ReechainError(f"cannot read scenario {path}: {exc.strerror}") from None
        return cls.from_text(text, source=str(path), ds=ds)

    @classmethod
    def from_text(cls, text: str, source: str = "<scenario>", ds: Any = None) -> Scenario:
        """Parse and validate scenario text (structure; with ``ds`` also the meaning of the
        fields when the structure fails, see :meth:`from_yaml`)."""
        _check_text(text, source)
        try:
            node = yaml.compose(text)
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
            raise ScenarioError(
                source, [(where, f"not valid YAML: {getattr(exc, 'problem', exc)}")]
            ) from None
        except (ValueError, TypeError, OverflowError) as exc:  # e.g. a date 2027-13-45
            raise ScenarioError(source, [("?", f"a value can't be read: {exc}")]) from None
        if not isinstance(data, dict):
            raise ScenarioError(
                source,
                [("line 1", "a scenario is a mapping with name, base_year, horizon and events")],
            )
        problems = _duplicate_keys(node)
        try:
            scenario = cls.model_validate(data)
        except ValidationError as exc:
            raw_units = _raw_units(data, node)
            problems += _structure_problems(exc, node, {where for where, _ in raw_units})
            problems += raw_units
            if ds is not None:
                problems += _raw_meaning(data, node, ds)
        if problems:
            raise ScenarioError(source, problems) from None
        scenario._node = node
        scenario._source = source
        return scenario

    def check(self, ds: Any) -> Scenario:
        """Check the scenario against the dataset; raise :class:`ScenarioError` listing all."""
        problems: list[tuple[str, str]] = []

        def bad(loc: tuple, msg: str) -> None:
            problems.append((_where(self._node, loc), msg))

        known = _Known(ds, set(self.regions))
        for rname, members in self.regions.items():
            for j, c in enumerate(members):
                if c not in known.countries:
                    bad(("regions", rname, j), unknown_message("country", c, known.countries))
        for j, facility in enumerate(self.pipeline_exclude):
            if facility not in known.facilities:
                bad(
                    ("pipeline_exclude", j),
                    unknown_message("facility", facility, known.facilities),
                )
        _check_names_and_numbers(self, known, bad)
        if self.demand_outlook not in known.outlooks:
            bad(
                ("demand_outlook",),
                unknown_message("outlook of the drivers", self.demand_outlook, known.outlooks),
            )
        for i, ev in enumerate(self.events):
            loc = ("events", i)
            _check_places_and_year(ev, loc, self.horizon, known, bad)
            check_names = _EVENT_CHECKS.get(type(ev))
            if check_names is not None:
                check_names(ev, loc, known, bad)
        if self.uncertainty is not None:
            for i, item in enumerate(self.uncertainty.inputs):
                _check_target(item, i, self.events, known, bad)
        if problems:
            raise ScenarioError(self._source, problems)
        return self

    def warnings(self, ds: Any) -> list[tuple[str, str]]:
        """(where, message) of events that are valid but will do less than they seem to: an
        export control that can match no flow (no magnet grade holds its elements; no
        destination but the actor), one that names a country inside a named region (the
        whole region is controlled), a project that a technology ban stops, a project outside
        China that starts sooner than its stage takes to build."""
        found: list[tuple[str, str]] = []
        magnet_elements = _magnet_elements(ds)
        member_of = {c: name for name, members in self.regions.items() for c in members}
        for i, ev in enumerate(self.events):
            where = _where(self._node, ("events", i))
            if isinstance(ev, ExportControlEvent):
                if (
                    "magnet" in ev.stages
                    and ev.elements != "all"
                    and not set(ev.elements) & magnet_elements
                ):
                    found.append(
                        (where, f"no magnet grade contains {ev.elements}: the control acts on "
                         "no magnet")
                    )  # fmt: skip
                if ev.destinations != "all" and set(ev.destinations) <= {ev.actor}:
                    found.append(
                        (where, "the only destination is the actor: nothing is controlled")
                    )
                for d in [] if ev.destinations == "all" else ev.destinations:
                    if d in member_of and len(self.regions[member_of[d]]) > 1:
                        found.append(
                            (where, f"{d} is in the named region {member_of[d]!r}: the control "
                             "acts on the whole region")
                        )  # fmt: skip
            if isinstance(ev, ProjectEvent) and (early := _sooner_than_built(ds, self, ev)):
                found.append((where, early))
            if isinstance(ev, ProjectEvent) and _technology_banned(ds, ev):
                found.append(
                    (where, f"{ev.technology_from} bans exporting {ev.stage} technology when "
                     f"'{ev.name}' starts: it won't start unless technology_licence: granted")
                )  # fmt: skip
        return found


# stage -> the assumption giving the time to build a plant of that stage outside China [years]
LEAD_TIMES = {
    "mining": "lead_time_mine_fid_to_production",
    "separation": "lead_time_separation_outside_china",
    "metal": "lead_time_metal_plant",
    "magnet": "lead_time_magnet_plant",
}


def _sooner_than_built(ds: Any, sc: Scenario, ev: ProjectEvent) -> str | None:
    """A message when a project outside China starts sooner after the base year than its
    stage takes to build there (the assumptions' lead times); None otherwise, or for a
    project that is a facility of the data (its date is the operator's)."""
    if ev.country == "CHN" or ev.facility is not None:
        return None
    table = ds.table("assumptions").set_index("assumption_id")
    if LEAD_TIMES[ev.stage] not in table.index:
        return None
    lead = float(table.loc[LEAD_TIMES[ev.stage], "value"])
    if ev.start - sc.base_year >= lead:
        return None
    return (
        f"'{ev.name}' starts {ev.start - sc.base_year} year(s) after the base year; a "
        f"{ev.stage} plant outside China takes about {lead:g} years to build "
        f"({LEAD_TIMES[ev.stage]}): the start is optimistic"
    )


def _magnet_elements(ds: Any) -> set[str]:
    """Elements some grade of the model's ladder holds in the data (Pr+Nd counts as Pr and
    Nd)."""
    mr = ds.table("magnet_recipes")
    held = mr[mr["grade"].isin(GRADES) & (mr["value"].fillna(0) > 0)]["element"]
    out: set[str] = set()
    for e in held:
        out |= set(str(e).split("+"))
    return out


# Stages whose technology a technology export ban covers (China's Dec 2023 catalogue: RE
# extraction and separation, metal and alloy production, magnet preparation; mining and
# beneficiation technology is restricted, not banned), and the policy measures that act so.
TECHNOLOGY_STAGES = ("separation", "metal", "magnet")
TECHNOLOGY_MEASURES = ("technology_export_ban", "export_licensing")


def technology_rules(policies: Any, ev: ProjectEvent) -> Any:
    """The policies rows by which the project's technology partner bans or licenses the export
    of its stage's technology on the project's first day (stages 'technology'); none for a
    project without a partner or at a stage no such rule covers."""
    if ev.technology_from is None or ev.stage not in TECHNOLOGY_STAGES:
        return policies.iloc[0:0]
    day = date(ev.start, 1, 1).isoformat()
    return policies[
        (policies["actor"] == ev.technology_from)
        & policies["measure"].isin(TECHNOLOGY_MEASURES)
        & (policies["stages"] == "technology")
        & (policies["start_date"].astype(str) <= day)
        & (policies["end_date"].isna() | (policies["end_date"].astype(str) >= day))
    ]


def _technology_banned(ds: Any, ev: ProjectEvent) -> bool:
    """Whether a technology rule stops the project (the scenario doesn't grant the licence)."""
    return (
        ev.technology_licence != "granted" and len(technology_rules(ds.table("policies"), ev)) > 0
    )


# Records one problem: the location in the scenario (as pydantic gives it) and the message.
Report = Callable[[tuple, str], None]


class _Known:
    """The names a scenario may use: the dataset's countries, elements, deposits, blocs, magnet
    grades, compositions, facilities, end uses and assumptions (each read when first needed),
    and the scenario's own named regions."""

    def __init__(self, ds: Any, named: set[str]) -> None:
        self.ds, self.named = ds, named

    def _column(self, table: str, column: str) -> set[str]:
        return set(self.ds.table(table)[column])

    @functools.cached_property
    def countries(self) -> set[str]:
        return self._column("countries", "iso3")

    @functools.cached_property
    def elements(self) -> set[str]:
        return self._column("elements", "symbol")

    @functools.cached_property
    def deposits(self) -> set[str]:
        return self._column("deposits", "deposit_id")

    @functools.cached_property
    def blocs(self) -> set[str]:
        return self._column("blocs", "bloc_id")

    @functools.cached_property
    def grades(self) -> set[str]:
        return self._column("magnet_recipes", "grade")

    @functools.cached_property
    def compositions(self) -> set[str]:
        return self._column("compositions", "composition_id")

    @functools.cached_property
    def facilities(self) -> set[str]:
        return self._column("facilities", "facility_id")

    @functools.cached_property
    def end_uses(self) -> set[str]:
        return self._column("intensities", "end_use")

    @functools.cached_property
    def magnet_end_uses(self) -> set[str]:
        return self._column("magnet_end_uses", "end_use")

    @functools.cached_property
    def outlooks(self) -> set[str]:
        return self._column("drivers", "scenario") - {"historical"}

    @functools.cached_property
    def mined_years(self) -> set[int]:
        p = self.ds.table("production")
        rows = p[(p["stage"] == "mining") & (p["measure"] == "output") & p["value"].notna()]
        return {int(y) for y in rows["year"]}

    @functools.cached_property
    def assumptions(self) -> set[str]:
        return self._column("assumptions", "assumption_id")


def _check_places_and_year(ev: Any, loc: tuple, horizon: int, known: _Known, bad: Report) -> None:
    """Every event: the country or region it names exists, and it starts by the horizon."""
    for field in ("country", "actor", "region", "importer"):
        code = getattr(ev, field, None)
        if code is not None and code not in known.countries and code not in known.named:
            valid = known.countries | known.named
            bad((*loc, field), unknown_message("country or region", code, valid))
    year = _event_year(ev)
    if year is not None and year > horizon:
        bad(
            (*loc, "start" if hasattr(ev, "start") else "from"),
            f"starts in {year}, after the horizon {horizon}; move it or extend the horizon",
        )


def _check_codes(ev: Any, loc: tuple, field: str, kind: str, valid: set[str], bad: Report) -> None:
    """Each code of a list field (or ``all``) is one of ``valid``."""
    values = getattr(ev, field)
    for j, code in enumerate([] if values in ("all", None) else values):
        if code not in valid:
            bad((*loc, field, j), unknown_message(kind, code, valid))


def _check_project(ev: ProjectEvent, loc: tuple, known: _Known, bad: Report) -> None:
    if ev.feed is not None:
        if ev.feed.deposit not in known.deposits:
            bad(
                (*loc, "feed", "deposit"),
                unknown_message("deposit", ev.feed.deposit, known.deposits),
            )
        if ev.feed.composition and ev.feed.composition not in known.compositions:
            bad(
                (*loc, "feed", "composition"),
                unknown_message("composition", ev.feed.composition, known.compositions),
            )
    for field in ("owners", "offtake"):
        for c in getattr(ev, field):
            if c not in known.countries:
                bad((*loc, field, c), unknown_message("country", c, known.countries))
    if ev.technology_from is not None and ev.technology_from not in known.countries:
        bad(
            (*loc, "technology_from"),
            unknown_message("country", ev.technology_from, known.countries),
        )
    if ev.facility is not None and ev.facility not in known.facilities:
        bad((*loc, "facility"), unknown_message("facility", ev.facility, known.facilities))
    _check_codes(ev, loc, "offtake_elements", "element", known.elements, bad)
    if ev.offtake_elements and ev.stage not in ("separation", "metal"):
        bad((*loc, "offtake_elements"), "only separation and metal projects make elements")


def _check_export_control(ev: ExportControlEvent, loc: tuple, known: _Known, bad: Report) -> None:
    _check_codes(ev, loc, "elements", "element", known.elements, bad)
    destinations = known.countries | known.blocs | known.named
    _check_codes(ev, loc, "destinations", "destination", destinations, bad)
    for j, term in enumerate(ev.licence_terms):
        _check_codes(term, (*loc, "licence_terms", j), "elements", "element", known.elements, bad)
        _check_codes(
            term, (*loc, "licence_terms", j), "destinations", "destination", destinations, bad
        )


def _check_tariff(ev: TariffEvent, loc: tuple, known: _Known, bad: Report) -> None:
    _check_codes(ev, loc, "elements", "element", known.elements, bad)
    _check_codes(ev, loc, "exporters", "country", known.countries | known.named, bad)


def _check_bloc_membership(ev: BlocMembershipEvent, loc: tuple, known: _Known, bad: Report) -> None:
    if ev.bloc not in known.blocs:
        bad((*loc, "bloc"), unknown_message("bloc", ev.bloc, known.blocs))


def _check_outage(ev: OutageEvent, loc: tuple, known: _Known, bad: Report) -> None:
    if ev.deposit and ev.deposit not in known.deposits:
        bad((*loc, "deposit"), unknown_message("deposit", ev.deposit, known.deposits))
    if ev.facility and ev.facility not in known.facilities:
        bad((*loc, "facility"), unknown_message("facility", ev.facility, known.facilities))


def _check_stockpile(ev: StockpileEvent, loc: tuple, known: _Known, bad: Report) -> None:
    for element in ev.stocks:
        if element not in known.elements:
            bad((*loc, "stocks", element), unknown_message("element", element, known.elements))


def _check_substitution(ev: SubstitutionEvent, loc: tuple, known: _Known, bad: Report) -> None:
    if ev.to_grade not in known.grades:
        bad((*loc, "to_grade"), unknown_message("magnet grade", ev.to_grade, known.grades))
    _check_end_use(ev, loc, known, bad)


def _check_end_use(ev: Any, loc: tuple, known: _Known, bad: Report) -> None:
    """The event's end use is one the dataset knows (or ``all``): it acts on that end use's
    demand only."""
    valid = known.end_uses | known.magnet_end_uses | {"all"}
    if ev.end_use not in valid:
        bad((*loc, "end_use"), unknown_message("end use", ev.end_use, valid))


# The dataset names each event type refers to, beyond its place and year.
_EVENT_CHECKS: dict[type, Callable[[Any, tuple, _Known, Report], None]] = {
    DemandEvent: _check_end_use,
    RecyclingEvent: _check_end_use,
    ProjectEvent: _check_project,
    ExportControlEvent: _check_export_control,
    TariffEvent: _check_tariff,
    BlocMembershipEvent: _check_bloc_membership,
    OutageEvent: _check_outage,
    SubstitutionEvent: _check_substitution,
    StockpileEvent: _check_stockpile,
}


def _check_names_and_numbers(sc: Scenario, known: _Known, bad: Report) -> None:
    """What the run would otherwise reject late: event names used twice, unknown assumption
    ids, a base year without mine production in the data, growth rates that multiply demand
    beyond reason, correlations that are no correlation matrix."""
    first: dict[str, int] = {}
    for i, ev in enumerate(sc.events):
        name = getattr(ev, "name", None)
        if name is None:
            continue
        if name in first:
            bad(("events", i, "name"), f"event name {name!r} is also event {first[name]}'s; "
                "give each event its own name")  # fmt: skip
        first.setdefault(name, i)
    for aid in sc.assumptions:
        if aid not in known.assumptions:
            bad(("assumptions", aid), unknown_message("assumption", aid, known.assumptions))
    if sc.base_year not in known.mined_years:
        years = sorted(known.mined_years)
        bad(("base_year",), f"no mine production in the data for {sc.base_year}; choose a "
            f"base year with data ({years[0]}-{years[-1]})")  # fmt: skip
    span = sc.horizon - sc.base_year
    for i, ev in enumerate(sc.events):
        rate = getattr(ev, "growth_rate", None)
        if rate is not None and (1 + rate) ** span > MAX_GROWTH_MULTIPLE:
            bad(("events", i, "growth_rate"), f"{rate:.0%} a year for {span} years multiplies "
                f"demand {(1 + rate) ** span:,.0f}-fold (at most {MAX_GROWTH_MULTIPLE:,.0f}); "
                "lower the rate or shorten the horizon")  # fmt: skip
    if sc.uncertainty is not None and sc.uncertainty.correlations:
        try:
            sc.uncertainty.correlation_matrix([item.name for item in sc.uncertainty.inputs])
        except ValueError as exc:
            bad(("uncertainty", "correlations"), str(exc))


def _check_target(item: Any, i: int, events: list, known: _Known, bad: Report) -> None:
    """An uncertain input's target exists: an assumption, an end use, or an event's field
    (with known compositions as the options of a composition)."""
    where = ("uncertainty", "inputs", i, "target")
    m = TARGET.match(item.target)
    if m.group(5):
        if m.group(5) not in known.assumptions:
            bad(where, unknown_message("assumption", m.group(5), known.assumptions))
        return
    if m.group(6):
        if m.group(6) not in known.end_uses:
            bad(where, unknown_message("end use", m.group(6), known.end_uses))
        return
    if m.group(4) == ".composition":
        for option in getattr(item.distribution, "options", []):
            if option not in known.compositions:
                bad(
                    ("uncertainty", "inputs", i, "distribution", "options"),
                    unknown_message("composition", option, known.compositions),
                )
    index, field = int(m.group(2)), m.group(3)
    if index >= len(events):
        bad(
            where,
            f"there is no event {index} (the scenario has {len(events)}; counting from 0)",
        )
    elif field not in type(events[index]).model_fields and field != "from":
        bad(where, f"event {index} ({events[index].type}) has no field {field!r}")
    elif m.group(4) is None and field != "from" and not _numeric(events[index], field):
        bad(where, f"event {index}'s field {field!r} is not a number; an uncertain input "
            "varies a number (or a quantity's .value, a feed's .composition)")  # fmt: skip


def _numeric(ev: Any, field: str) -> bool:
    """Whether an event's ``field`` holds a number (what an uncertain input can vary)."""
    value = getattr(ev, field, None)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _event_year(ev: Any) -> int | None:
    if getattr(ev, "start", None) is not None:
        return int(ev.start)
    start = getattr(ev, "from_", None)
    if start is not None:
        return start if isinstance(start, int) else start.year
    return None


def _message(err: dict) -> str:
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        return "unknown field (check its spelling; `reechain scenario schema` lists the fields)"
    if err["type"] == "missing":
        return "field required"
    if err["type"] == "union_tag_invalid":
        return (
            f"unknown event type {err.get('input', {}).get('type')!r}; use one of "
            f"{', '.join(EVENT_TYPES)}"
        )
    if err["type"] == "literal_error" and err["loc"] and err["loc"][-1] == "stage":
        return f"{msg} (stages: {', '.join(STAGES)})"
    return msg


def _check_text(text: str, source: str) -> None:
    """Refuse, before parsing, what no scenario needs and what would make parsing costly:
    text that isn't valid Unicode (lone surrogates), YAML aliases (``*name``: a small text
    expanding to thousands of events), nesting deeper than :data:`MAX_DEPTH`."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ScenarioError(source, [("?", "the text holds invalid characters (a lone "
                                      "surrogate); send UTF-8 text")]) from None  # fmt: skip
    depth = 0
    try:
        for token in yaml.scan(text):
            if isinstance(token, yaml.AliasToken):
                line = token.start_mark.line + 1
                raise ScenarioError(source, [(f"line {line}", "YAML aliases (*name) are not "
                                              "accepted; write each event out")])  # fmt: skip
            if isinstance(
                token,
                (
                    yaml.FlowMappingStartToken,
                    yaml.FlowSequenceStartToken,
                    yaml.BlockMappingStartToken,
                    yaml.BlockSequenceStartToken,
                ),
            ):
                depth += 1
            elif isinstance(
                token, (yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken, yaml.BlockEndToken)
            ):
                depth -= 1
            if depth > MAX_DEPTH:
                line = token.start_mark.line + 1
                raise ScenarioError(source, [(f"line {line}", f"nested more than {MAX_DEPTH} "
                                              "levels deep; a scenario needs a few")])  # fmt: skip
    except yaml.YAMLError:
        return  # parsing reports it with its line


def _raw_meaning(data: dict, node: Any, ds: Any) -> list[tuple[str, str]]:
    """Problems of meaning that a structurally invalid file's fields already show: codes of
    countries and regions, end uses and assumption ids that the dataset doesn't know (the rest
    of :meth:`Scenario.check` needs a valid structure)."""
    found: list[tuple[str, str]] = []
    regions = data.get("regions") if isinstance(data.get("regions"), dict) else {}
    known = _Known(ds, set(regions))
    places = known.countries | known.named
    uses = known.end_uses | known.magnet_end_uses | {"all"}
    assumptions = data.get("assumptions")
    for aid in assumptions if isinstance(assumptions, dict) else {}:
        if aid not in known.assumptions:
            found.append((_where(node, ("assumptions", aid)),
                          unknown_message("assumption", aid, known.assumptions)))  # fmt: skip
    events = data.get("events") if isinstance(data.get("events"), list) else []
    for i, ev in enumerate(events):
        if not isinstance(ev, dict):
            continue
        for field in ("country", "actor", "region", "importer"):
            code = ev.get(field)
            if isinstance(code, str) and code not in places:
                found.append((_where(node, ("events", i, field)),
                              unknown_message("country or region", code, places)))  # fmt: skip
        use = ev.get("end_use")
        if isinstance(use, str) and ev.get("type") != "driver" and use not in uses:
            found.append((_where(node, ("events", i, "end_use")),
                          unknown_message("end use", use, uses)))  # fmt: skip
    return found


def _structure_problems(
    exc: ValidationError, node: Any, unit_places: set[str]
) -> list[tuple[str, str]]:
    """(where, message) of pydantic's errors, but for the unit errors of events in
    ``unit_places`` (:func:`_raw_units` gives those with the unit's line)."""
    found = []
    for err in exc.errors():
        where = _where(node, err["loc"])
        unit_error = isinstance(err.get("ctx", {}).get("error"), FieldUnitError)
        if not (unit_error and where in unit_places):
            found.append((where, _message(err)))
    return found


def _unit_text(ev: Mapping[str, Any], field: str) -> str | None:
    """The unit text of a raw event's quantity ``field`` (None when the field has none)."""
    quantity = ev.get(field)
    unit = quantity.get("unit") if isinstance(quantity, dict) else None
    return unit if isinstance(unit, str) else None


def _raw_event_units(ev: Mapping[str, Any]) -> None:
    """Check the units of one raw event mapping as its validators do (UnitError if one is
    wrong); fields of the wrong type are left to pydantic."""
    kind, stage, stages = ev.get("type"), ev.get("stage"), ev.get("stages")
    if kind == "project" and (unit := _unit_text(ev, "capacity")) is not None:
        _check_capacity_unit(unit, stage if isinstance(stage, str) else "")
    elif kind == "export_control" and (unit := _unit_text(ev, "quota")) is not None:
        _check_quota_unit(unit, stages if isinstance(stages, list) else [])
    elif kind == "demand" and (unit := _unit_text(ev, "activity")) is not None:
        _check_activity_unit(unit)
    elif kind == "tariff" and (unit := _unit_text(ev, "rate")) is not None:
        _check_duty_unit(unit)
    elif kind == "driver" and isinstance(ev.get("unit"), str) and ev.get("end_use") in DRIVER_UNITS:
        _check_driver_unit(ev["unit"], ev["end_use"])


def _raw_units(data: dict, node: Any) -> list[tuple[str, str]]:
    """(where, message) of every unit that doesn't fit in a structurally invalid file.

    An event's validators check its units only when all its fields are valid; this reads
    them from the raw events, so that a bad unit is reported with the file's other problems
    in one pass, the line of the unit in its message (the caller drops the unit errors
    pydantic reported without it)."""
    found: list[tuple[str, str]] = []
    events = data.get("events") if isinstance(data.get("events"), list) else []
    for i, ev in enumerate(events):
        if not isinstance(ev, dict):
            continue
        try:
            _raw_event_units(ev)
        except FieldUnitError as err:
            line = _line_of(node, ("events", i, *err.field.split(".")))
            found.append((_where(node, ("events", i)), err.at_line(line)))
    return found


def _line_of(node: Any, loc: tuple) -> int | None:
    """The line [1-based] of the YAML node at ``loc``, None if the file has no such node."""
    for key in loc:
        node = _child(node, key)
        if node is None:
            return None
    return node.start_mark.line + 1


def _duplicate_keys(node: Any) -> list[tuple[str, str]]:
    """(where, message) of every key given twice in one mapping of the YAML ``node`` tree
    (YAML loaders keep the last silently)."""
    found: list[tuple[str, str]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                name = getattr(key, "value", None)
                line = key.start_mark.line + 1
                if isinstance(name, str) and name in seen:
                    found.append(
                        (f"line {line}", f"key {name!r} is given twice (first on line "
                         f"{seen[name]}); keep one")
                    )  # fmt: skip
                elif isinstance(name, str):
                    seen[name] = line
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return sorted(found, key=lambda p: int(p[0].split()[1]))


def _where(node: Any, loc: tuple) -> str:
    """'line 12, events[0].capacity.value' for a pydantic error location in a YAML node tree."""
    path, line = [], None
    current = node
    for part in loc:
        if isinstance(part, str) and part in EVENT_TYPES and path and path[-1].endswith("]"):
            continue  # pydantic's discriminator tag is not part of the file
        key = "from" if part == "from_" else part
        if current is not None:
            line = current.start_mark.line + 1
            current = _child(current, key)
            if current is not None:
                line = current.start_mark.line + 1
        path.append(f"[{key}]" if isinstance(key, int) else f".{key}" if path else str(key))
    field = "".join(path) or "(top level)"
    return f"line {line}, {field}" if line else field


def _child(node: Any, key: Any) -> Any:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if str(k.value) == str(key):
                return v
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


def json_schema() -> str:
    """The scenario file's JSON Schema (for editors and other tools)."""
    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "reechain scenario"
    return json.dumps(schema, indent=1)
