"""reechain: an open model of the global rare earth supply chain.

>>> import reechain
>>> ds = reechain.Dataset.load()
>>> shares = reechain.metrics.shares(ds.production, stage="mining", year=2024)
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

from . import metrics
from .dataset import Dataset
from .errors import DataValidationError, ReechainError, UnknownNameError

__all__ = [
    "DataValidationError",
    "Dataset",
    "ReechainError",
    "UnknownNameError",
    "metrics",
    "__version__",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
