"""Scenario files: what happens (projects, export controls, demand, bloc changes, outages,
recycling, substitution), validated in two layers.

1. Structure, with pydantic (:class:`Scenario`): types, ranges, required fields. Its JSON Schema
   (``reechain scenario schema``) lets editors check files as they are typed.
2. Meaning, against the dataset (:meth:`Scenario.check`): countries, elements, deposits, blocs
   and end uses exist; years fall inside the horizon.

Every error names the file, the line and the field, and says how to fix it.

One job a module: the limits and the error (:mod:`.limits`), the units of the fields
(:mod:`.units`), the models' shared parts (:mod:`.fields`), the events (:mod:`.events`), the
scenario (:mod:`.model`), the YAML text and its lines (:mod:`.text`), the problems of a file
whose structure fails (:mod:`.structure`), the names the dataset knows (:mod:`.known`), the
checks of meaning (:mod:`.checks`), the warnings' rules (:mod:`.cautions`) and the JSON Schema
(:mod:`.schema`). This module imports the names other modules use.

>>> sc = Scenario.model_validate({"name": "x", "base_year": 2024, "horizon": 2026})
>>> sc.years
[2024, 2025, 2026]
"""

from __future__ import annotations

from reechain.engine.scenario.cautions import technology_rules
from reechain.engine.scenario.events import (
    BlocMembershipEvent,
    DemandEvent,
    DriverEvent,
    Event,
    ExportControlEvent,
    OutageEvent,
    ProjectEvent,
    RecyclingEvent,
    StockpileEvent,
    SubstitutionEvent,
    TariffEvent,
)
from reechain.engine.scenario.limits import MAX_QUANTITY, ScenarioError
from reechain.engine.scenario.model import Scenario
from reechain.engine.scenario.schema import json_schema

__all__ = [
    "MAX_QUANTITY",
    "BlocMembershipEvent",
    "DemandEvent",
    "DriverEvent",
    "Event",
    "ExportControlEvent",
    "OutageEvent",
    "ProjectEvent",
    "RecyclingEvent",
    "Scenario",
    "ScenarioError",
    "StockpileEvent",
    "SubstitutionEvent",
    "TariffEvent",
    "json_schema",
    "technology_rules",
]
