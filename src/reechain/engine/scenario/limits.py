"""The limits of a scenario file (its size, nesting, events, quantities and growth) and the
error that lists a file's problems (:class:`ScenarioError`)."""

from __future__ import annotations

from reechain.errors import ReechainError

MAX_PROBLEMS = 50  # problems listed in one error (the rest counted)
MAX_EVENTS = 1000  # events in one scenario
MAX_DEPTH = 20  # nesting of YAML mappings and lists
MAX_TEXT_BYTES = 1_000_000  # a scenario file's size (the web service takes 50,000 characters)

#: the largest amount a quantity may have [its unit]: a trillion tonnes, vehicles or GW a year
#: is no scenario, and keeps the LP's coefficients far below what HiGHS treats as infinite
MAX_QUANTITY = 1e12
#: the most a demand may multiply over a run's years through a growth rate
MAX_GROWTH_MULTIPLE = 1e3


class ScenarioError(ReechainError):
    """A scenario file that cannot be used: ``problems`` lists (where, message) pairs."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(("...", f"and {len(problems) - MAX_PROBLEMS} more problem(s)"))
        self.source, self.problems = source, shown
        lines = [f"{len(problems)} problem(s) in scenario {source}:"]
        lines += [f"  - {where}: {msg}" for where, msg in shown]
        super().__init__("\n".join(lines))
