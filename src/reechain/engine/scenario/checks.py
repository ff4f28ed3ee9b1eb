"""A scenario's meaning against the dataset: the names each event refers to, its places and
year, event names used once, assumption ids, the base year, growth rates and the uncertain
inputs' targets. Each check records its problems through ``bad`` (:data:`Report`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from reechain.engine.scenario.events import (
    BlocMembershipEvent,
    DemandEvent,
    ExportControlEvent,
    OutageEvent,
    ProjectEvent,
    RecyclingEvent,
    StockpileEvent,
    SubstitutionEvent,
    TariffEvent,
)
from reechain.engine.scenario.known import Known
from reechain.engine.scenario.limits import MAX_GROWTH_MULTIPLE
from reechain.engine.uncertainty import TARGET
from reechain.errors import unknown_message

if TYPE_CHECKING:  # pragma: no cover - the model imports this module
    from reechain.engine.scenario.model import Scenario

# Records one problem: the location in the scenario (as pydantic gives it) and the message.
Report = Callable[[tuple, str], None]


def check_places_and_year(ev: Any, loc: tuple, horizon: int, known: Known, bad: Report) -> None:
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


def _check_project(ev: ProjectEvent, loc: tuple, known: Known, bad: Report) -> None:
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


def _check_export_control(ev: ExportControlEvent, loc: tuple, known: Known, bad: Report) -> None:
    _check_codes(ev, loc, "elements", "element", known.elements, bad)
    destinations = known.countries | known.blocs | known.named
    _check_codes(ev, loc, "destinations", "destination", destinations, bad)
    for j, term in enumerate(ev.licence_terms):
        _check_codes(term, (*loc, "licence_terms", j), "elements", "element", known.elements, bad)
        _check_codes(
            term, (*loc, "licence_terms", j), "destinations", "destination", destinations, bad
        )


def _check_tariff(ev: TariffEvent, loc: tuple, known: Known, bad: Report) -> None:
    _check_codes(ev, loc, "elements", "element", known.elements, bad)
    _check_codes(ev, loc, "exporters", "country", known.countries | known.named, bad)


def _check_bloc_membership(ev: BlocMembershipEvent, loc: tuple, known: Known, bad: Report) -> None:
    if ev.bloc not in known.blocs:
        bad((*loc, "bloc"), unknown_message("bloc", ev.bloc, known.blocs))


def _check_outage(ev: OutageEvent, loc: tuple, known: Known, bad: Report) -> None:
    if ev.deposit and ev.deposit not in known.deposits:
        bad((*loc, "deposit"), unknown_message("deposit", ev.deposit, known.deposits))
    if ev.facility and ev.facility not in known.facilities:
        bad((*loc, "facility"), unknown_message("facility", ev.facility, known.facilities))


def _check_stockpile(ev: StockpileEvent, loc: tuple, known: Known, bad: Report) -> None:
    for element in ev.stocks:
        if element not in known.elements:
            bad((*loc, "stocks", element), unknown_message("element", element, known.elements))


def _check_substitution(ev: SubstitutionEvent, loc: tuple, known: Known, bad: Report) -> None:
    if ev.to_grade not in known.grades:
        bad((*loc, "to_grade"), unknown_message("magnet grade", ev.to_grade, known.grades))
    _check_end_use(ev, loc, known, bad)


def _check_end_use(ev: Any, loc: tuple, known: Known, bad: Report) -> None:
    """The event's end use is one the dataset knows (or ``all``): it acts on that end use's
    demand only."""
    valid = known.end_uses | known.magnet_end_uses | {"all"}
    if ev.end_use not in valid:
        bad((*loc, "end_use"), unknown_message("end use", ev.end_use, valid))


# The dataset names each event type refers to, beyond its place and year.
EVENT_CHECKS: dict[type, Callable[[Any, tuple, Known, Report], None]] = {
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


def check_names_and_numbers(sc: Scenario, known: Known, bad: Report) -> None:
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


def check_target(item: Any, i: int, events: list, known: Known, bad: Report) -> None:
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
