"""The scenario (:class:`Scenario`): years, regions, assumption overrides, events and the
run's options; read from YAML with line numbers in every error (:meth:`Scenario.from_yaml`),
checked against the dataset (:meth:`Scenario.check`) and warned about
(:meth:`Scenario.warnings`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, PrivateAttr, ValidationError, field_validator, model_validator

from reechain.engine import periods
from reechain.engine.scenario.cautions import (
    elements_in_magnets,
    sooner_than_built,
    technology_banned,
)
from reechain.engine.scenario.checks import (
    EVENT_CHECKS,
    check_names_and_numbers,
    check_places_and_year,
    check_target,
)
from reechain.engine.scenario.events import Event, ExportControlEvent, ProjectEvent
from reechain.engine.scenario.fields import Strict, Year
from reechain.engine.scenario.known import Known
from reechain.engine.scenario.limits import MAX_EVENTS, MAX_TEXT_BYTES, ScenarioError
from reechain.engine.scenario.structure import meaning_problems, structure_problems, unit_problems
from reechain.engine.scenario.text import check_text, duplicate_keys, where_of
from reechain.engine.uncertainty import Uncertainty
from reechain.errors import ReechainError, unknown_message


class Scenario(Strict):
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
        check_text(text, source)
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
        problems = duplicate_keys(node)
        try:
            scenario = cls.model_validate(data)
        except ValidationError as exc:
            raw_units = unit_problems(data, node)
            problems += structure_problems(exc, node, {where for where, _ in raw_units})
            problems += raw_units
            if ds is not None:
                problems += meaning_problems(data, node, ds)
        if problems:
            raise ScenarioError(source, problems) from None
        scenario._node = node
        scenario._source = source
        return scenario

    def check(self, ds: Any) -> Scenario:
        """Check the scenario against the dataset; raise :class:`ScenarioError` listing all."""
        problems: list[tuple[str, str]] = []

        def bad(loc: tuple, msg: str) -> None:
            problems.append((where_of(self._node, loc), msg))

        known = Known(ds, set(self.regions))
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
        check_names_and_numbers(self, known, bad)
        if self.demand_outlook not in known.outlooks:
            bad(
                ("demand_outlook",),
                unknown_message("outlook of the drivers", self.demand_outlook, known.outlooks),
            )
        for i, ev in enumerate(self.events):
            loc = ("events", i)
            check_places_and_year(ev, loc, self.horizon, known, bad)
            check_names = EVENT_CHECKS.get(type(ev))
            if check_names is not None:
                check_names(ev, loc, known, bad)
        if self.uncertainty is not None:
            for i, item in enumerate(self.uncertainty.inputs):
                check_target(item, i, self.events, known, bad)
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
        magnet_elements = elements_in_magnets(ds)
        member_of = {c: name for name, members in self.regions.items() for c in members}
        for i, ev in enumerate(self.events):
            where = where_of(self._node, ("events", i))
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
            if isinstance(ev, ProjectEvent) and (early := sooner_than_built(ds, self, ev)):
                found.append((where, early))
            if isinstance(ev, ProjectEvent) and technology_banned(ds, ev):
                found.append(
                    (where, f"{ev.technology_from} bans exporting {ev.stage} technology when "
                     f"'{ev.name}' starts: it won't start unless technology_licence: granted")
                )  # fmt: skip
        return found
