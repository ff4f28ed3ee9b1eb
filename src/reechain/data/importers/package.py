"""Write an importer's tables into a user package without ever leaving it half-written.

The importers (:mod:`.usgs`, :mod:`.trade`) read a published file, merge its rows into what the
target package already holds and hand the merged tables to :func:`update_package`, which

1. refuses a target that is the embedded package folder (or inside it) or a file
   (:func:`check_target`);
2. builds the result in a staging folder next to the target: a copy of the package's tables and
   ``datapackage.json``, the imported tables written over them, the descriptor merged (the
   user's kept; resources of the imported tables added with their schema if missing);
3. validates the staging folder as a package layered on the embedded one (what ``--data DIR``
   does) and, only if it passes, moves the changed files into place (``os.replace`` per file,
   undone if a move fails; a new package is one rename of the whole folder).

On any error the target is left as it was and the staging folder is removed.
"""

from __future__ import annotations

import copy
import dataclasses
import filecmp
import json
import logging
import os
import re
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from reechain.data.checks import PRIVATE_COLUMNS, DataIssue
from reechain.data.dataset import Dataset, read_table
from reechain.data.schema import DATA_PACKAGE, embedded_data_dir, embedded_schema
from reechain.errors import DataValidationError, ReechainError

logger = logging.getLogger(__name__)

# Numbers are written with 15 significant digits: every double read from a CSV cell of at most
# 15 digits is written back as the same text, so re-importing gives the same file.
FLOAT_FORMAT = "%.15g"


class ImportValidationError(DataValidationError):
    """The package an import would leave fails the data checks; nothing was written."""

    def __init__(self, issues: list[DataIssue], target: Path) -> None:
        super().__init__(issues)
        detail = str(self.args[0]).partition("\n")[2]
        self.args = (
            f"nothing was written to {target}: the import would leave {len(self.issues)} "
            f"problem(s) in the package:\n{detail}",
        )


def check_target(out: Path) -> None:
    """Raise unless ``out`` may receive an import: a new folder or an existing user package
    folder, neither the embedded package folder nor inside it, nor a file."""
    if out.exists() and not out.is_dir():
        raise ReechainError(
            f"{out} is a file, not a package folder; give a new folder or the folder of "
            "a user package (nothing was written)"
        )
    embedded = embedded_data_dir().resolve()
    target = out.resolve()
    if target == embedded or embedded in target.parents:
        raise ReechainError(
            f"{out} is the embedded data package (or inside it), which importers never "
            "change; give another folder and use it with --data (nothing was written)"
        )


def read_existing(out: Path, table: str) -> pd.DataFrame | None:
    """The typed rows of ``table`` in the package at ``out`` (``None`` if it has no such file).

    Raises :class:`DataValidationError` listing every problem of a file that does not read.
    """
    schema = embedded_schema().tables[table]
    path = out / schema.path
    if not path.exists():
        return None
    df, issues = read_table(schema, path, label=f"{out}/{schema.path}")
    if issues:
        raise DataValidationError(issues)
    return df.drop(columns=[c for c in PRIVATE_COLUMNS if c in df])


def key_tuples(df: pd.DataFrame, key: list[str]) -> list[tuple]:
    """The key of each row as a tuple, missing cells as ``None`` (so that they compare equal)."""
    cells = df[key].astype(object)
    cells = cells.where(cells.notna(), None)
    return [tuple(row) for row in cells.itertuples(index=False, name=None)]


def upsert(old: pd.DataFrame | None, new: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """``old`` with the rows of ``new`` merged in by ``key``: a row of ``new`` replaces the old
    row(s) of its key, in place; rows of new keys are appended; other old rows are kept."""
    new = new.drop_duplicates(key, keep="last")
    if old is None or old.empty:
        return new.reset_index(drop=True)
    new_pos = {k: i for i, k in enumerate(key_tuples(new, key))}
    both = pd.concat([old, new], ignore_index=True)
    order: list[int] = []
    placed: set[tuple] = set()
    for i, k in enumerate(key_tuples(old, key)):
        if k not in new_pos:
            order.append(i)
        elif k not in placed:
            order.append(len(old) + new_pos[k])
            placed.add(k)
    order += [len(old) + i for k, i in new_pos.items() if k not in placed]
    return both.iloc[order].reset_index(drop=True)


def write_table(df: pd.DataFrame, table: str, path: Path) -> None:
    """Write rows as the CSV of ``table``: its schema's columns in order, booleans as
    ``true``/``false``, integers without a decimal point, dates as YYYY-MM-DD."""
    schema = embedded_schema().tables[table]
    out = df.reindex(columns=schema.column_names)
    for col in schema.columns:
        values = out[col.name]
        if col.type == "boolean":
            out[col.name] = values.map(_bool_text)
        elif col.type == "integer":
            out[col.name] = pd.to_numeric(values).astype("Int64")
        elif col.type == "date":
            out[col.name] = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
    out.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def _bool_text(value: Any) -> str:
    """A boolean cell as the package writes it: ``true``, ``false`` or empty."""
    if value is None or value is pd.NA or value != value:
        return ""
    if isinstance(value, str):
        return value.strip().lower()
    return "true" if value else "false"


def _embedded_resources() -> dict[str, dict[str, Any]]:
    """The resources of the embedded ``datapackage.json`` by name (each with its schema)."""
    with open(embedded_data_dir() / DATA_PACKAGE, encoding="utf-8") as fh:
        return {r["name"]: r for r in json.load(fh)["resources"]}


def read_descriptor(out: Path) -> dict[str, Any] | None:
    """The package's ``datapackage.json`` (``None`` if it has none); raises if it is not a JSON
    object with a list of resources."""
    path = out / DATA_PACKAGE
    if not path.exists():
        return None
    label = f"{out}/{DATA_PACKAGE}"
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataValidationError(
            [DataIssue(label, exc.lineno, None, f"not valid JSON: {exc.msg}")]
        ) from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources", []), list):
        raise DataValidationError(
            [DataIssue(label, None, None, "not a data package (an object with 'resources')")]
        )
    return descriptor


def merge_descriptor(
    existing: dict[str, Any] | None, tables: Iterable[str], name: str
) -> dict[str, Any]:
    """The user's descriptor with a resource for each of ``tables`` (added with its embedded
    schema if missing). A resource of a table of the schema keeps its fields and gets those it
    lacks (its ``schema`` above all: packages written by older importers had none)."""
    descriptor = copy.deepcopy(existing) if existing is not None else None
    if descriptor is None:
        slug = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-._") or "user-package"
        descriptor = {"name": slug, "profile": "reechain user package"}
    resources = descriptor.setdefault("resources", [])
    embedded = _embedded_resources()
    named = {r.get("name"): r for r in resources if isinstance(r, dict)}
    for table in tables:
        if table not in named:
            named[table] = {"name": table}
            resources.append(named[table])
    for table, resource in named.items():
        for key, value in embedded.get(table, {}).items():
            resource.setdefault(key, copy.deepcopy(value))
    return descriptor


def validate(folder: Path) -> None:
    """Check ``folder`` as a package layered on the embedded one (as ``--data`` loads it)."""
    Dataset.load(extra=folder)


def _relabel(issues: list[DataIssue], staging: Path, out: Path) -> list[DataIssue]:
    """Issues located in the staging folder, named by the target's files instead."""
    old, new = f"{staging}/", f"{out}/"
    return [
        dataclasses.replace(i, file=new + i.file[len(old) :])
        if isinstance(i.file, str) and i.file.startswith(old)
        else i
        for i in issues
    ]


def _make_parents(folder: Path) -> list[Path]:
    """Create the missing ancestors of ``folder``; return them, outermost first."""
    missing = [p for p in reversed(folder.parents) if not p.exists()]
    for p in missing:
        p.mkdir()
    return missing


def _stage(
    out: Path, staging: Path, tables: dict[str, pd.DataFrame], descriptor: dict[str, Any]
) -> list[str]:
    """Fill ``staging`` with the package's current files and the new ones; return the names of
    the files that differ from the target's."""
    schema = embedded_schema()
    if out.is_dir():
        for name in [DATA_PACKAGE, *(t.path for t in schema.tables.values())]:
            if (out / name).is_file():
                shutil.copy2(out / name, staging / name)
    changed = []
    for table, df in tables.items():
        name = schema.tables[table].path
        write_table(df, table, staging / name)
        changed.append(name)
    if descriptor != read_descriptor(out):
        text = json.dumps(descriptor, indent=1, ensure_ascii=False) + "\n"
        (staging / DATA_PACKAGE).write_text(text, encoding="utf-8")
        changed.append(DATA_PACKAGE)
    return [
        n
        for n in changed
        if not (out / n).is_file() or not filecmp.cmp(staging / n, out / n, False)
    ]


def _commit(staging: Path, out: Path, names: list[str]) -> None:
    """Move the staged files ``names`` into ``out``: each with ``os.replace`` (keeping the
    replaced file's permissions), the ones already moved put back if a move fails."""
    backup = staging / ".previous"
    backup.mkdir()
    for name in names:
        if (out / name).exists():
            shutil.copymode(out / name, staging / name)
            try:
                os.link(out / name, backup / name)
            except OSError:
                shutil.copy2(out / name, backup / name)
    done: list[str] = []
    try:
        for name in names:
            os.replace(staging / name, out / name)
            done.append(name)
    except BaseException:
        for name in reversed(done):
            if (backup / name).exists():
                os.replace(backup / name, out / name)
            else:
                (out / name).unlink()
        raise


def update_package(out: str | Path, tables: dict[str, pd.DataFrame]) -> list[Path]:
    """Write the merged ``tables`` (name -> rows) into the user package at ``out`` atomically.

    The package is built in a staging folder next to ``out`` and validated layered on the
    embedded package before anything moves; on any problem ``out`` is unchanged. Returns the
    files that changed.
    """
    out = Path(out)
    check_target(out)
    descriptor = merge_descriptor(read_descriptor(out), tables, out.resolve().name)
    created = _make_parents(out) if not out.exists() else []
    real = out.resolve()  # stage beside the real folder: same file system, never inside it
    staging = real.parent / f".{real.name}.import-{uuid.uuid4().hex[:12]}"
    try:
        staging.mkdir()
        names = _stage(out, staging, tables, descriptor)
        try:
            validate(staging)
        except DataValidationError as exc:
            raise ImportValidationError(_relabel(exc.issues, staging, out), out) from None
        if out.exists():
            _commit(staging, out, names)
        else:  # a new package: one rename of the whole folder
            os.replace(staging, out)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        _undo_parents(created)
        if isinstance(exc, OSError):
            raise ReechainError(f"cannot write {out}: {exc}; nothing was written") from None
        raise
    shutil.rmtree(staging, ignore_errors=True)
    logger.info("updated %s: %s", out, ", ".join(names) or "no change")
    return [out / n for n in names]


def _undo_parents(created: list[Path]) -> None:
    """Remove the folders :func:`_make_parents` created (innermost first) if still empty."""
    for p in reversed(created):
        try:
            p.rmdir()
        except OSError:
            return
