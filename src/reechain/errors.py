"""Exceptions raised by reechain, each with a message a user can act on."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class ReechainError(Exception):
    """Base class: a problem with the user's input or data, explained in its message."""


class UnknownNameError(ReechainError, KeyError):
    """A code or name (country, element, stage, bloc, table, deposit) that the data lacks."""

    def __init__(self, kind: str, name: str, valid: Iterable[str]) -> None:
        self.kind, self.name = kind, name
        self.valid = sorted({str(v) for v in valid})
        super().__init__(unknown_message(kind, name, self.valid))

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class DataValidationError(ReechainError):
    """Problems in a data package; ``issues`` lists each with its file, line and column."""

    def __init__(self, issues: list) -> None:
        self.issues = list(issues)
        lines = [f"{len(self.issues)} problem(s) in the data package:"]
        lines += [f"  - {text}" for text in _grouped(self.issues)]
        super().__init__("\n".join(lines))


def _grouped(issues: list) -> list[str]:
    """One line per distinct (file, column, message), listing its lines: 'f, lines 2, 5: m'."""
    groups: dict[tuple, list] = {}
    for issue in issues:
        key = (
            getattr(issue, "file", None),
            getattr(issue, "column", None),
            getattr(issue, "message", str(issue)),
        )
        groups.setdefault(key, []).append(getattr(issue, "line", None))
    out = []
    for (file, column, message), lines in groups.items():
        if file is None:
            out.append(message)
            continue
        known = [str(x) for x in lines if x is not None]
        where = file
        if known:
            shown = ", ".join(known[:12]) + (
                f" and {len(known) - 12} more" if len(known) > 12 else ""
            )
            where += f", line{'s' if len(known) > 1 else ''} {shown}"
        if column:
            where += f", column {column!r}"
        out.append(f"{where}: {message}")
    return out


class ImportFormatError(ReechainError):
    """A file given to an importer does not have the expected format."""


def nearest(name: str, valid: Iterable[str], n: int = 3) -> list[str]:
    """Closest matches of ``name`` among ``valid`` (case-insensitive)."""
    valid = [str(v) for v in valid]
    lower = {v.lower(): v for v in valid}
    hits = difflib.get_close_matches(str(name).lower(), list(lower), n=n, cutoff=0.5)
    return [lower[h] for h in hits]


def unknown_message(kind: str, name: str, valid: Iterable[str]) -> str:
    """'unknown country 'TRK' (did you mean 'TUR'?); valid: ...'."""
    valid = sorted({str(v) for v in valid})
    close = nearest(name, valid)
    msg = f"unknown {kind} {name!r}"
    if close:
        msg += f" (did you mean {', '.join(repr(c) for c in close)}?)"
    if len(valid) <= 30:
        msg += f"; valid: {', '.join(valid)}"
    elif not close:
        msg += f"; none of the {len(valid)} known values is close"
    return msg
