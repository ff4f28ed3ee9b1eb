"""reechain: an open model of the global rare earth supply chain.

The public API, loaded on first use so that ``import reechain`` (and every CLI command) stays
fast:

>>> import reechain
>>> ds = reechain.load()
>>> shares = reechain.metrics.shares(ds.production, stage="mining", year=2024)
>>> round(float(shares.loc[shares["group"] == "CHN", "share"].iloc[0]), 2)
0.69

The layers, top to bottom (imports point down only; ``docs/architecture.md``): ``cli`` and
``web`` (interfaces), ``reports``, ``ensemble``, ``analysis``, ``engine``, ``data``.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> (module, attribute path); None means the module itself
_PUBLIC: dict[str, tuple[str, str | None]] = {
    "Dataset": ("reechain.data.dataset", "Dataset"),
    "load": ("reechain.data.dataset", "Dataset.load"),
    "Scenario": ("reechain.engine.scenario", "Scenario"),
    "run": ("reechain.engine.run", "run"),
    "ScenarioResult": ("reechain.engine.run", "ScenarioResult"),
    "metrics": ("reechain.analysis.metrics", None),
    "criticality": ("reechain.analysis.criticality", None),
    "ReechainError": ("reechain.errors", "ReechainError"),
    "DataValidationError": ("reechain.errors", "DataValidationError"),
    "UnknownNameError": ("reechain.errors", "UnknownNameError"),
    "ScenarioError": ("reechain.engine.scenario", "ScenarioError"),
}

__all__ = [
    "DataValidationError",
    "Dataset",
    "ReechainError",
    "Scenario",
    "ScenarioError",
    "ScenarioResult",
    "UnknownNameError",
    "__version__",
    "criticality",
    "load",
    "metrics",
    "run",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from reechain.analysis import criticality, metrics
    from reechain.data.dataset import Dataset
    from reechain.engine.run import ScenarioResult, run
    from reechain.engine.scenario import Scenario, ScenarioError
    from reechain.errors import DataValidationError, ReechainError, UnknownNameError


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    try:
        module, attribute = _PUBLIC[name]
    except KeyError:
        raise AttributeError(f"module 'reechain' has no attribute {name!r}") from None
    value = importlib.import_module(module)
    for part in attribute.split(".") if attribute else ():
        value = getattr(value, part)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])


logging.getLogger(__name__).addHandler(logging.NullHandler())
