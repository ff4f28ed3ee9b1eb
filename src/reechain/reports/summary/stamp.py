"""What a report was made from (its stamp): the dataset, the day, the reechain version and the
scenario's hash, and the stamp as the paragraph at the foot of the first page."""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass
from datetime import date

from reechain import __version__
from reechain.data.dataset import Dataset
from reechain.engine.scenario import Scenario


@dataclass(frozen=True)
class Stamp:
    """What a report was made from: the dataset (name, version, packages), the day, the
    reechain version and the scenario's hash (:func:`scenario_hash`)."""

    data: str
    day: str
    version: str
    scenario_hash: str


def scenario_hash(sc: Scenario) -> str:
    """sha256 [hex] of the scenario's canonical JSON (every field, defaults too, keys sorted):
    the same scenario has the same hash however its file is laid out or commented, and any
    change of a value changes it."""
    data = sc.model_dump(mode="json", by_alias=True)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stamp(sc: Scenario, ds: Dataset, day: date | None = None) -> Stamp:
    """The report's stamp (``day``: today unless given)."""
    data = f"{ds.schema.name} v{ds.schema.version} (packages: {', '.join(ds.packages)})"
    return Stamp(data, str(day or date.today()), __version__, scenario_hash(sc))


def stamp_html(st: Stamp) -> str:
    """The stamp as one paragraph: data version, date, reechain version, scenario hash."""
    return (
        f"<p class='stamp'>Data: {html.escape(st.data)}. Generated {st.day} by reechain "
        f"{html.escape(st.version)}. Scenario sha256: <code>{st.scenario_hash}</code>.</p>"
    )
