"""The problems of a file whose structure pydantic refuses: its errors in words, and what the
raw fields already show beside them (units that don't fit, with their line; names the
dataset doesn't know), so that one pass lists them all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from reechain.data.schema import STAGES
from reechain.engine.scenario.events import EVENT_TYPES
from reechain.engine.scenario.known import Known
from reechain.engine.scenario.text import line_of, where_of
from reechain.engine.scenario.units import (
    DRIVER_UNITS,
    FieldUnitError,
    check_activity_unit,
    check_capacity_unit,
    check_driver_unit,
    check_duty_unit,
    check_quota_unit,
)
from reechain.errors import unknown_message


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


def meaning_problems(data: dict, node: Any, ds: Any) -> list[tuple[str, str]]:
    """Problems of meaning that a structurally invalid file's fields already show: codes of
    countries and regions, end uses and assumption ids that the dataset doesn't know (the rest
    of :meth:`Scenario.check` needs a valid structure)."""
    found: list[tuple[str, str]] = []
    regions = data.get("regions") if isinstance(data.get("regions"), dict) else {}
    known = Known(ds, set(regions))
    places = known.countries | known.named
    uses = known.end_uses | known.magnet_end_uses | {"all"}
    assumptions = data.get("assumptions")
    for aid in assumptions if isinstance(assumptions, dict) else {}:
        if aid not in known.assumptions:
            found.append((where_of(node, ("assumptions", aid)),
                          unknown_message("assumption", aid, known.assumptions)))  # fmt: skip
    events = data.get("events") if isinstance(data.get("events"), list) else []
    for i, ev in enumerate(events):
        if not isinstance(ev, dict):
            continue
        for field in ("country", "actor", "region", "importer"):
            code = ev.get(field)
            if isinstance(code, str) and code not in places:
                found.append((where_of(node, ("events", i, field)),
                              unknown_message("country or region", code, places)))  # fmt: skip
        use = ev.get("end_use")
        if isinstance(use, str) and ev.get("type") != "driver" and use not in uses:
            found.append((where_of(node, ("events", i, "end_use")),
                          unknown_message("end use", use, uses)))  # fmt: skip
    return found


def structure_problems(
    exc: ValidationError, node: Any, unit_places: set[str]
) -> list[tuple[str, str]]:
    """(where, message) of pydantic's errors, but for the unit errors of events in
    ``unit_places`` (:func:`unit_problems` gives those with the unit's line)."""
    found = []
    for err in exc.errors():
        where = where_of(node, err["loc"])
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
        check_capacity_unit(unit, stage if isinstance(stage, str) else "")
    elif kind == "export_control" and (unit := _unit_text(ev, "quota")) is not None:
        check_quota_unit(unit, stages if isinstance(stages, list) else [])
    elif kind == "demand" and (unit := _unit_text(ev, "activity")) is not None:
        check_activity_unit(unit)
    elif kind == "tariff" and (unit := _unit_text(ev, "rate")) is not None:
        check_duty_unit(unit)
    elif kind == "driver" and isinstance(ev.get("unit"), str) and ev.get("end_use") in DRIVER_UNITS:
        check_driver_unit(ev["unit"], ev["end_use"])


def unit_problems(data: dict, node: Any) -> list[tuple[str, str]]:
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
            line = line_of(node, ("events", i, *err.field.split(".")))
            found.append((where_of(node, ("events", i)), err.at_line(line)))
    return found
