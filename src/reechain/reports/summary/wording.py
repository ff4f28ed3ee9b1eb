"""Numbers and names as the summary's sentences write them: percentages, percentage points,
multiples, USD/kg, a baseline in brackets, an end use in words."""

from __future__ import annotations

from collections.abc import Callable

from reechain.reports.tables import MISSING, is_missing, percent

STAGE_WORDS = {"mining": "mining", "separation": "separation", "metal": "metal",
               "magnet": "magnets"}  # fmt: skip


def pct(value: float) -> str:
    """A fraction as a percentage ('1.6 %'; '–' when missing)."""
    return MISSING if is_missing(value) else f"{percent(100 * value)} %"


def pp(value: float, baseline: float) -> str:
    """The change of a fraction in percentage points ('−1.0 pp'; '' without a baseline)."""
    if is_missing(value) or is_missing(baseline):
        return ""
    return f"{100 * (value - baseline):+.1f} pp".replace("-", "−")


def usd_per_kg(value: float) -> str:
    """A price in USD/t as USD/kg ('68.6', '15,043'; '–' when missing)."""
    if is_missing(value):
        return MISSING
    v = value / 1000
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.1f}"


def baseline(value: float, fmt: Callable[[float], str], unit: str = "") -> str:
    """' (baseline 1,234 t)': a baseline value in brackets, '' without a baseline."""
    return "" if is_missing(value) else f" (baseline {fmt(value)}{unit})"


def times(value: float) -> str:
    """A multiple ('17.5×'; '–' when missing)."""
    return MISSING if is_missing(value) else f"{value:,.1f}×"


def end_use(name: str) -> str:
    """An end use in words ('ev_traction_motor' is 'ev traction motor')."""
    return {"all": "all end uses"}.get(name, name.replace("_", " "))
