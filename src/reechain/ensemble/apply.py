"""One sample's values applied to a scenario: a plain scenario the engine can run."""

from __future__ import annotations

from collections.abc import Mapping

from reechain.engine.scenario import Scenario
from reechain.engine.uncertainty import TARGET

INTEGER_FIELDS = {"start", "end", "ramp_up_years"}


def apply(sc: Scenario, values: Mapping[str, float], targets: Mapping[str, str]) -> Scenario:
    """A copy of ``sc`` with each input's value set at its target.

    Years are rounded; a composition is a choice of id; an intensity target multiplies the
    dataset's intensity of that end use; a project switched off (``online`` 0) or starting
    after the horizon keeps its place with zero capacity (so every sample has the same
    regions); assumption targets become scenario assumption overrides; the pipeline's seed
    makes the sample's pipeline drawn."""
    data = sc.model_dump(mode="json", by_alias=True, exclude={"uncertainty"})
    drop: set[int] = set()
    for name, value in values.items():
        m = TARGET.match(targets[name]) if targets[name] != "" else None
        if targets[name] == "pipeline_seed":
            data["pipeline"], data["pipeline_seed"] = "drawn", int(value)
            continue
        if targets[name].endswith(".online"):
            index = int(targets[name].split("[")[1].split("]")[0])
            if value < 0.5:
                drop.add(index)
            continue
        if m is None:
            raise ValueError(f"cannot apply target {targets[name]!r}")
        if m.group(5):
            data.setdefault("assumptions", {})[m.group(5)] = float(value)
            continue
        if m.group(6):
            data.setdefault("intensity_factors", {})[m.group(6)] = float(value)
            continue
        index, field = int(m.group(2)), m.group(3)
        event = data["events"][index]
        if m.group(4) == ".composition":  # a choice among composition ids
            event[field]["composition"] = str(value)
        elif m.group(4):  # a quantity: set its value
            event[field]["value"] = float(value)
        elif field in INTEGER_FIELDS:
            event[field] = int(round(value))
            if field == "start" and event[field] > sc.horizon:
                drop.add(index)
        else:
            event[field] = float(value)
    for index in drop:
        event = data["events"][index]
        event["capacity"]["value"] = 0.0
        event["start"] = min(int(event["start"]), sc.horizon)
    return Scenario.model_validate(data)
