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

import json
import logging
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

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

from reechain.data.schema import STAGES
from reechain.engine.uncertainty import TARGET, Uncertainty
from reechain.errors import ReechainError, unknown_message

logger = logging.getLogger(__name__)

Stage = Literal["mining", "separation", "metal", "magnet"]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
Year = Annotated[int, Field(ge=1900, le=2100)]


class ScenarioError(ReechainError):
    """A scenario file that cannot be used: ``problems`` lists (where, message) pairs."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source, self.problems = source, problems
        lines = [f"{len(problems)} problem(s) in scenario {source}:"]
        lines += [f"  - {where}: {msg}" for where, msg in problems]
        super().__init__("\n".join(lines))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Quantity(_Strict):
    """A number with its unit, e.g. ``{value: 10000, unit: t REO/yr}``."""

    value: float = Field(ge=0.0, description="Amount (never negative).")
    unit: str = Field(description="Unit, e.g. 't REO/yr', 't magnet/yr', 'vehicles/yr', 'GW/yr'.")


class Feed(_Strict):
    """Where a separation plant's concentrate comes from."""

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
        default_factory=dict, description="Country -> share of output reserved for it."
    )
    probability: Share = Field(
        1.0,
        description="Chance the project comes online: sampled by ensembles; a single run "
        "includes the project.",
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
        return self


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

    @model_validator(mode="after")
    def _one_mode(self) -> ExportControlEvent:
        modes = [self.ban, self.quota is not None, self.licence_approval_rate is not None]
        if sum(modes) != 1:
            raise ValueError(
                "give exactly one of ban: true, quota: {value, unit} or licence_approval_rate: 0-1"
            )
        if self.until is not None and self.until < self.from_:
            raise ValueError(f"until {self.until} is before from {self.from_}")
        return self

    def share_in_force(self, year: int) -> float:
        """Fraction of ``year`` the control is in force [0-1]."""
        start = max(date(year, 1, 1), self.from_)
        end = min(date(year, 12, 31), self.until or date(year, 12, 31))
        days = (end - start).days + 1
        return max(0.0, days / ((date(year, 12, 31) - date(year, 1, 1)).days + 1))


class DemandEvent(_Strict):
    """Demand of an end use in a region: an activity (e.g. an EV plant: vehicles per year times
    the dataset's NdFeB per vehicle) adds magnet demand; a ``growth_rate`` alone replaces the
    default growth of the region's magnet demand (the base demand of a region is not split by
    end use, so the rate applies to all of it)."""

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
        if self.values and any(v < 0 for v in self.values.values()):
            raise ValueError("values must not be negative")
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


class RecyclingEvent(_Strict):
    """A share of magnet demand met by recycled material, ramping over years (the region's base
    demand is not split by end use: the share applies to all its magnet demand; the end use is
    kept for the record)."""

    type: Literal["recycling"]
    region: str
    end_use: str
    share: Share
    start: Year
    ramp_up_years: int = Field(0, ge=0, le=30)


class SubstitutionEvent(_Strict):
    """A share of a region's high-coercivity (Dy-bearing) magnets switched to another grade
    (e.g. Dy-free N42), ramping over years."""

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

    @field_validator("rate")
    @classmethod
    def _usd_per_t(cls, rate: Quantity) -> Quantity:
        if rate.unit.replace(" ", "") != "USD/t":
            raise ValueError(f"unit {rate.unit!r}: give the duty in USD/t")
        return rate


Event = Annotated[
    ProjectEvent
    | ExportControlEvent
    | DemandEvent
    | BlocMembershipEvent
    | OutageEvent
    | RecyclingEvent
    | SubstitutionEvent
    | TariffEvent,
    Field(discriminator="type"),
]


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
    events: list[Event] = Field(default_factory=list)
    uncertainty: Uncertainty | None = Field(
        None, description="Uncertain inputs and their correlations (ensembles)."
    )
    intensity_factors: dict[str, Annotated[float, Field(ge=0)]] = Field(
        default_factory=dict,
        description="End use -> factor on the dataset's NdFeB intensity (sensitivity runs).",
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
    def from_yaml(cls, path: str | Path) -> Scenario:
        """Read and validate a YAML scenario file (structure only; see :meth:`check`)."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ReechainError(f"cannot read scenario {path}: {exc.strerror}") from None
        return cls.from_text(text, source=str(path))

    @classmethod
    def from_text(cls, text: str, source: str = "<scenario>") -> Scenario:
        try:
            node = yaml.compose(text)
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
            raise ScenarioError(
                source, [(where, f"not valid YAML: {getattr(exc, 'problem', exc)}")]
            ) from None
        if not isinstance(data, dict):
            raise ScenarioError(
                source,
                [("line 1", "a scenario is a mapping with name, base_year, horizon and events")],
            )
        try:
            scenario = cls.model_validate(data)
        except ValidationError as exc:
            problems = [(_where(node, err["loc"]), _message(err)) for err in exc.errors()]
            raise ScenarioError(source, problems) from None
        scenario._node = node
        scenario._source = source
        return scenario

    def check(self, ds: Any) -> Scenario:
        """Check the scenario against the dataset; raise :class:`ScenarioError` listing all."""
        problems: list[tuple[str, str]] = []
        node, source = self._node, self._source
        countries = set(ds.table("countries")["iso3"])
        named = set(self.regions)
        elements = set(ds.table("elements")["symbol"])
        deposits = set(ds.table("deposits")["deposit_id"])
        blocs = set(ds.table("blocs")["bloc_id"])
        grades = set(ds.table("magnet_recipes")["grade"])
        compositions = set(ds.table("compositions")["composition_id"])

        def bad(loc: tuple, msg: str) -> None:
            problems.append((_where(node, loc), msg))

        for rname, members in self.regions.items():
            for j, c in enumerate(members):
                if c not in countries:
                    bad(("regions", rname, j), unknown_message("country", c, countries))
        for i, ev in enumerate(self.events):
            loc = ("events", i)
            for field in ("country", "actor", "region", "importer"):
                code = getattr(ev, field, None)
                if code is not None and code not in countries and code not in named:
                    bad(
                        (*loc, field), unknown_message("country or region", code, countries | named)
                    )
            year = _event_year(ev)
            if year is not None and year > self.horizon:
                bad(
                    (*loc, "start" if hasattr(ev, "start") else "from"),
                    f"starts in {year}, after the horizon {self.horizon}; move it or extend "
                    "the horizon",
                )

            def codes(field: str, kind: str, valid: set[str], ev=ev, loc=loc) -> None:
                values = getattr(ev, field)
                for j, code in enumerate([] if values == "all" else values):
                    if code not in valid:
                        bad((*loc, field, j), unknown_message(kind, code, valid))

            if isinstance(ev, (ExportControlEvent, TariffEvent)):
                codes("elements", "element", elements)
            if isinstance(ev, ExportControlEvent):
                codes("destinations", "destination", countries | blocs | named)
            if isinstance(ev, TariffEvent):
                codes("exporters", "country", countries | named)
            if isinstance(ev, ProjectEvent):
                if ev.feed is not None:
                    if ev.feed.deposit not in deposits:
                        bad(
                            (*loc, "feed", "deposit"),
                            unknown_message("deposit", ev.feed.deposit, deposits),
                        )
                    if ev.feed.composition and ev.feed.composition not in compositions:
                        bad(
                            (*loc, "feed", "composition"),
                            unknown_message("composition", ev.feed.composition, compositions),
                        )
                for field in ("owners", "offtake"):
                    for c in getattr(ev, field):
                        if c not in countries:
                            bad((*loc, field, c), unknown_message("country", c, countries))
            if isinstance(ev, BlocMembershipEvent) and ev.bloc not in blocs:
                bad((*loc, "bloc"), unknown_message("bloc", ev.bloc, blocs))
            if isinstance(ev, OutageEvent) and ev.deposit and ev.deposit not in deposits:
                bad((*loc, "deposit"), unknown_message("deposit", ev.deposit, deposits))
            facilities = set(ds.table("facilities")["facility_id"])
            if isinstance(ev, OutageEvent) and ev.facility and ev.facility not in facilities:
                bad((*loc, "facility"), unknown_message("facility", ev.facility, facilities))
            if isinstance(ev, SubstitutionEvent) and ev.to_grade not in grades:
                bad((*loc, "to_grade"), unknown_message("magnet grade", ev.to_grade, grades))
        if self.uncertainty is not None:
            assumption_ids = set(ds.table("assumptions")["assumption_id"])
            for i, item in enumerate(self.uncertainty.inputs):
                where = ("uncertainty", "inputs", i, "target")
                m = TARGET.match(item.target)
                if m.group(5):
                    if m.group(5) not in assumption_ids:
                        bad(where, unknown_message("assumption", m.group(5), assumption_ids))
                    continue
                if m.group(6):
                    end_uses = set(ds.table("intensities")["end_use"])
                    if m.group(6) not in end_uses:
                        bad(where, unknown_message("end use", m.group(6), end_uses))
                    continue
                if m.group(4) == ".composition":
                    options = getattr(item.distribution, "options", [])
                    for option in options:
                        if option not in compositions:
                            bad(
                                ("uncertainty", "inputs", i, "distribution", "options"),
                                unknown_message("composition", option, compositions),
                            )
                index, field = int(m.group(2)), m.group(3)
                if index >= len(self.events):
                    bad(
                        where,
                        f"there is no event {index} (the scenario has "
                        f"{len(self.events)}; counting from 0)",
                    )
                elif field not in type(self.events[index]).model_fields and field != "from":
                    bad(where, f"event {index} ({self.events[index].type}) has no field {field!r}")
        if problems:
            raise ScenarioError(source, problems)
        return self


def _event_year(ev: Any) -> int | None:
    if getattr(ev, "start", None) is not None:
        return int(ev.start)
    if getattr(ev, "from_", None) is not None:
        return ev.from_.year
    return None


def _message(err: dict) -> str:
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        return "unknown field (check its spelling; `reechain scenario schema` lists the fields)"
    if err["type"] == "missing":
        return "field required"
    if err["type"] == "union_tag_invalid":
        return (
            f"unknown event type {err.get('input', {}).get('type')!r}; use one of project, "
            "export_control, demand, bloc_membership, outage, recycling, substitution, tariff"
        )
    if err["type"] == "literal_error" and err["loc"] and err["loc"][-1] == "stage":
        return f"{msg} (stages: {', '.join(STAGES)})"
    return msg


def _where(node: Any, loc: tuple) -> str:
    """'line 12, events[0].capacity.value' for a pydantic error location in a YAML node tree."""
    path, line = [], None
    current = node
    event_kinds = {
        "tariff",
        "project",
        "export_control",
        "demand",
        "bloc_membership",
        "outage",
        "recycling",
        "substitution",
    }
    for part in loc:
        if isinstance(part, str) and part in event_kinds and path and path[-1].endswith("]"):
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
