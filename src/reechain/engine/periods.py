"""Periods of a run: whole years, or the months of the years a scenario runs in months.

A period is an int: a year (``2025``) or a month of it (``202504``, April 2025). Flows and
capacities of a period are per period [t/period]: a month holds its share of the year's days.

>>> periods([2024, 2025], months=[2025])[:3]
[2024, 202501, 202502]
>>> year_of(202504), label(202504), label(2024)
(2025, '2025-04', '2024')
>>> round(fraction(202502), 4)  # 28 of 365 days
0.0767
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date


def periods(years: Iterable[int], months: Iterable[int] = ()) -> list[int]:
    """The periods of ``years``, each year in ``months`` split into its twelve months."""
    monthly = set(months)
    out: list[int] = []
    for y in years:
        out += [y * 100 + m for m in range(1, 13)] if y in monthly else [y]
    return out


def is_month(period: int) -> bool:
    """Whether a period is a month (``YYYYMM``) rather than a year."""
    return period > 9999


def year_of(period: int) -> int:
    """The calendar year a period lies in."""
    return period // 100 if is_month(period) else period


def span(period: int) -> tuple[date, date]:
    """(first day, last day) of a period."""
    if is_month(period):
        y, m = divmod(period, 100)
        return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
    return date(period, 1, 1), date(period, 12, 31)


def days(period: int) -> int:
    """Number of days in a period."""
    first, last = span(period)
    return (last - first).days + 1


def fraction(period: int) -> float:
    """The period's share of its year [fraction]: 1 for a year, days / days of the year for a
    month (flows and capacities per period are the year's times this)."""
    return days(period) / days(year_of(period))


def label(period: int) -> str:
    """'2025' or '2025-04'."""
    return f"{period // 100}-{period % 100:02d}" if is_month(period) else str(period)


def share_in_force(from_: date, until: date | None, period: int) -> float:
    """Fraction of the period's days [0-1] inside ``from_`` .. ``until`` (open-ended if
    None)."""
    first, last = span(period)
    start = max(first, from_)
    end = min(last, until or last)
    return max(0.0, ((end - start).days + 1) / days(period))
