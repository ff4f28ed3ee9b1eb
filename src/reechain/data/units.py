"""Unit conversions in one place: oxide <-> metal per element, tonnes <-> kilograms.

Factors come from the ``elements`` table (``metal_per_oxide`` [t metal/t oxide]), computed from
standard atomic weights, so this module holds no numbers of its own.
"""

from __future__ import annotations

import pandas as pd

KG_PER_T = 1000.0


def metal_per_oxide(elements: pd.DataFrame) -> pd.Series:
    """Mass of element per mass of its oxide [t metal/t oxide], indexed by symbol."""
    return elements.set_index("symbol")["metal_per_oxide"].astype(float)


def oxide_to_metal(
    oxide_t: float | pd.Series, element: str | pd.Series, elements: pd.DataFrame
) -> float | pd.Series:
    """Metal contained in an oxide quantity [t metal] from oxide [t REO] of ``element``.

    ``element`` may be a symbol or a Series of symbols aligned with ``oxide_t``. Groups such as
    'Pr+Nd' have no single factor and give NaN.
    """
    factors = metal_per_oxide(elements)
    if isinstance(element, pd.Series):
        return oxide_t * element.map(factors)
    return oxide_t * factors.get(element, float("nan"))


def metal_to_oxide(metal_t: float, element: str, elements: pd.DataFrame) -> float:
    """Oxide equivalent [t REO] of a metal quantity [t metal] of ``element``."""
    return metal_t / float(metal_per_oxide(elements)[element])
