"""The scenario file's JSON Schema (``reechain scenario schema``), for editors and tools."""

from __future__ import annotations

import json

from reechain.engine.scenario.model import Scenario


def json_schema() -> str:
    """The scenario file's JSON Schema (for editors and other tools)."""
    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "reechain scenario"
    return json.dumps(schema, indent=1)
