"""The data package's schema: tables, columns, types and units, read from ``datapackage.json``.

The JSON file is the single description of the data (as PyPSA's attribute CSVs are): loading,
validation and the documentation of ``reechain data list`` all read it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

DATA_PACKAGE = "datapackage.json"
STAGES: tuple[str, ...] = ("mining", "separation", "metal", "magnet")


@dataclass(frozen=True)
class Column:
    """One column of a table: name, type (string, integer, number, boolean, date) and unit."""

    name: str
    type: str
    description: str
    unit: str | None = None
    required: bool = False
    enum: tuple[str, ...] | None = None
    references: str | None = None


@dataclass(frozen=True)
class TableSchema:
    """A table of the package, its columns and its keys.

    ``primary_key`` rows must be unique; ``duplicate_key`` rows may repeat (one per source or
    edition), and then exactly one of them is ``preferred``.
    """

    name: str
    path: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    duplicate_key: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


@dataclass(frozen=True)
class PackageSchema:
    """All tables of a data package, with the package-wide conventions (tolerances)."""

    name: str
    version: str
    tables: dict[str, TableSchema] = field(default_factory=dict)
    conventions: dict[str, Any] = field(default_factory=dict)

    @property
    def composition_tolerance_pp(self) -> float:
        """Allowed distance of a composition's sum from 100 [percentage points]."""
        return float(self.conventions.get("composition_sum_tolerance_pp", 3.0))

    @property
    def share_tolerance(self) -> float:
        """Allowed excess of summed country shares over 1 [fraction]."""
        return float(self.conventions.get("share_sum_tolerance", 0.02))


def _column(spec: dict[str, Any]) -> Column:
    constraints = spec.get("constraints", {})
    enum = constraints.get("enum")
    return Column(
        name=spec["name"],
        type=spec["type"],
        description=spec.get("description", ""),
        unit=spec.get("unit"),
        required=bool(constraints.get("required", False)),
        enum=tuple(enum) if enum else None,
        references=spec.get("references"),
    )


def parse_package(descriptor: dict[str, Any]) -> PackageSchema:
    """Build a :class:`PackageSchema` from a parsed ``datapackage.json``."""
    tables = {}
    for res in descriptor["resources"]:
        schema = res["schema"]
        tables[res["name"]] = TableSchema(
            name=res["name"],
            path=res["path"],
            description=res.get("description", ""),
            columns=tuple(_column(c) for c in schema["fields"]),
            primary_key=tuple(schema.get("primaryKey", ())),
            duplicate_key=tuple(schema.get("duplicateKey", ())),
        )
    return PackageSchema(
        name=descriptor.get("name", ""),
        version=descriptor.get("version", ""),
        tables=tables,
        conventions=descriptor.get("conventions", {}),
    )


def embedded_data_dir() -> Path:
    """Folder of the embedded data package inside the installed ``reechain``."""
    return Path(str(resources.files("reechain.data") / "embedded"))


@cache
def embedded_schema() -> PackageSchema:
    """The schema of the embedded package (read once)."""
    with open(embedded_data_dir() / DATA_PACKAGE, encoding="utf-8") as fh:
        return parse_package(json.load(fh))


def data_dictionary(schema: PackageSchema | None = None) -> str:
    """The package's tables and columns as Markdown (rendered from ``datapackage.json``)."""
    schema = schema or embedded_schema()
    lines = [
        f"# Data dictionary: {schema.name} v{schema.version}",
        "",
        "Generated from `src/reechain/data/embedded/datapackage.json` by `reechain data docs`;"
        " do not edit.",
        "",
    ]
    for table in schema.tables.values():
        lines += [f"## `{table.name}`", "", table.description, ""]
        if table.primary_key:
            lines += [f"Primary key: {', '.join(table.primary_key)}.", ""]
        if table.duplicate_key:
            lines += [
                f"One row per source or edition of ({', '.join(table.duplicate_key)}); "
                "exactly one of them preferred.",
                "",
            ]
        lines += ["| column | type | unit | required | description |", "|---|---|---|---|---|"]
        for c in table.columns:
            desc = c.description.replace("|", "\\|")
            if c.enum:
                desc += " One of: " + ", ".join(f"`{v}`" for v in c.enum) + "."
            if c.references:
                desc += f" Refers to `{c.references}`."
            lines.append(
                f"| `{c.name}` | {c.type} | {c.unit or ''} | "
                f"{'yes' if c.required else ''} | {desc} |"
            )
        lines.append("")
    return "\n".join(lines)
