"""Named data checks. Each ``check_*`` takes the typed tables and returns a list of issues.

Checks never fix data: they report the file, line and column of each problem and how to mend it.
Tables carry two private columns while loading, ``_file`` and ``_line`` (1 = header), so every
issue points at the row a user has to edit, in whichever package it came from.

Each check first computes which rows (or groups) fail with whole-column operations, then builds
the messages for the failing rows only: a clean package costs a few masks, not a walk over every
row.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from reechain.data.names import element_parts
from reechain.data.schema import PackageSchema, TableSchema
from reechain.errors import unknown_message

logger = logging.getLogger(__name__)

FILE, LINE = "_file", "_line"
PRIVATE_COLUMNS = (FILE, LINE)
VALUE_STATUSES = {"reported", "estimated", "derived", "projected"}
EMPTY_STATUSES = {"withheld", "missing"}
# Tables whose numbers may be negative: assumptions (a growth rate can fall) and governance
# scores (about -2.5 to 2.5).
SIGNED_TABLES = {"assumptions", "governance"}
# Materials that are not single elements: total oxides, all RE metals, magnets.
AGGREGATE_MATERIALS = {"TREO", "REM", "NdFeB"}
# Non-rare-earth constituents that magnet recipes list beside the rare earths.
RECIPE_CONSTITUENTS = {"Fe", "B", "Co", "Cu", "Al", "Ga", "Nb", "Zr", "Ti", "C", "O", "Mn", "RE"}
STAGE_UNITS = {
    "mining": {"t REO", "fraction"},
    "separation": {"t REO", "fraction"},
    "metal": {"t metal", "fraction"},
    "magnet": {"t magnet", "fraction"},
}


@dataclass(frozen=True)
class DataIssue:
    """One problem in one cell or row of a data file."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


def issue_at(row: pd.Series, column: str | None, message: str) -> DataIssue:
    """An issue located at ``row`` (a row of a table that still has the private columns)."""
    line = row.get(LINE)
    return DataIssue(str(row.get(FILE)), None if pd.isna(line) else int(line), column, message)


def _failing(df: pd.DataFrame, mask: pd.Series) -> Iterator[tuple[object, pd.Series]]:
    """The rows of ``df`` where ``mask`` holds, as ``iterrows`` gives them (nothing when none)."""
    if not bool(mask.any()):
        return iter(())
    return df[mask].iterrows()


def _where(rows: pd.DataFrame) -> str:
    """'3, 7' for rows of one file; 'a.csv:3, b.csv:7' when they come from several."""
    if rows[FILE].nunique() == 1:
        return ", ".join(str(x) for x in rows[LINE])
    return ", ".join(f"{f}:{x}" for f, x in zip(rows[FILE], rows[LINE], strict=True))


def split_list(value: object, sep: str = ";") -> list[str]:
    """Items of a ';'-separated cell, stripped; [] for an empty cell."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return []
    return [v.strip() for v in str(value).split(sep) if v.strip()]


# ----------------------------------------------------------------------------------------------
# column-level checks


def check_required(table: TableSchema, df: pd.DataFrame) -> list[DataIssue]:
    """Required columns must have a value in every row."""
    issues = []
    for col in table.columns:
        if not col.required or col.name not in df:
            continue
        for _, row in _failing(df, df[col.name].isna()):
            issues.append(issue_at(row, col.name, f"a value is required ({col.description})"))
    return issues


def check_enums(table: TableSchema, df: pd.DataFrame) -> list[DataIssue]:
    """Columns with a closed set of values (stage, status, unit, ...) hold only those."""
    issues = []
    for col in table.columns:
        if not col.enum or col.name not in df:
            continue
        bad = df[col.name].notna() & ~df[col.name].isin(col.enum)
        for _, row in _failing(df, bad):
            issues.append(
                issue_at(row, col.name, unknown_message(col.name, row[col.name], col.enum))
            )
    return issues


def check_primary_key(table: TableSchema, df: pd.DataFrame) -> list[DataIssue]:
    """Primary-key values are unique."""
    if not table.primary_key:
        return []
    key = list(table.primary_key)
    return [
        issue_at(
            row,
            key[0],
            f"duplicate {'/'.join(key)} {tuple(row[k] for k in key)}; each must appear once",
        )
        for _, row in _failing(df, df.duplicated(key, keep="first"))
    ]


def check_references(
    schema: PackageSchema, table: TableSchema, tables: dict[str, pd.DataFrame]
) -> list[DataIssue]:
    """Codes that point into another table (country, source, deposit, bloc, ...) exist there."""
    issues = []
    df = tables[table.name]
    for col in table.columns:
        if not col.references or col.name not in df:
            continue
        target = schema.tables[col.references]
        key = target.primary_key[0]
        valid = set(tables[col.references][key].dropna()) if col.references in tables else set()
        cells = df[col.name]
        bad_cells = [  # each distinct cell once: source_id cells are ';'-joined lists
            cell
            for cell in cells.dropna().unique()
            if any(
                v not in valid for v in (split_list(cell) if col.name == "source_id" else [cell])
            )
        ]
        if col.name == "source_id":  # ';;' is a list of no source
            blank = cells.notna() & cells.map(lambda c: not split_list(c))
            issues += [
                issue_at(row, col.name, f"{row[col.name]!r} names no source id; give one")
                for _, row in _failing(df, blank)
            ]
        for _, row in _failing(df, cells.notna() & cells.isin(bad_cells)):
            values = split_list(row[col.name]) if col.name == "source_id" else [row[col.name]]
            for value in values:
                if value not in valid:
                    kind = {"countries": "country", "sources": "source id"}.get(
                        col.references, col.references.rstrip("s")
                    )
                    issues.append(
                        issue_at(
                            row,
                            col.name,
                            f"{unknown_message(kind, value, valid)}; add it to {target.path}",
                        )
                    )
    return issues


# ----------------------------------------------------------------------------------------------
# content checks


def check_materials(tables: dict[str, pd.DataFrame]) -> list[DataIssue]:
    """Element and material columns hold symbols, '+'-joined groups or the known aggregates."""
    symbols = set(tables["elements"]["symbol"].dropna()) if "elements" in tables else set()
    rules = {
        ("compositions", "element"): set(),
        ("production", "material"): AGGREGATE_MATERIALS,
        ("facility_capacity", "material"): AGGREGATE_MATERIALS,
        ("yields", "element"): {"all"},
        ("magnet_recipes", "element"): RECIPE_CONSTITUENTS,
    }
    issues = []
    for (name, column), extra in rules.items():
        df = tables.get(name)
        if df is None or column not in df:
            continue
        cells = df[column]
        bad_values = [
            v
            for v in cells.dropna().unique()
            if v not in extra and any(p not in symbols and p not in extra for p in element_parts(v))
        ]
        for _, row in _failing(df, cells.notna() & cells.isin(bad_values)):
            value = row[column]
            if value in extra:
                continue
            parts = element_parts(value)
            bad = [p for p in parts if p not in symbols and p not in extra]
            if bad:
                issues.append(
                    issue_at(
                        row,
                        column,
                        unknown_message("element", bad[0], sorted(symbols | extra))
                        + " (join groups with '+')",
                    )
                )
    policies = tables.get("policies")
    if policies is not None:
        cells = policies["elements"]
        bad_cells = [
            v
            for v in cells.dropna().unique()
            if any(e != "all" and e not in symbols for e in split_list(v))
        ]
        for _, row in _failing(policies, cells.notna() & cells.isin(bad_cells)):
            for value in split_list(row["elements"]):
                if value != "all" and value not in symbols:
                    issues.append(
                        issue_at(
                            row,
                            "elements",
                            unknown_message("element", value, sorted(symbols | {"all"})),
                        )
                    )
    return issues


def check_value_status(table: TableSchema, df: pd.DataFrame) -> list[DataIssue]:
    """Withheld and missing rows leave the value empty (never zero); reported rows have one."""
    if "status" not in df or "value" not in df:
        return []
    issues = []
    for _, row in _failing(df, df["status"].isin(EMPTY_STATUSES) & df["value"].notna()):
        issues.append(
            issue_at(
                row,
                "value",
                f"status is {row['status']!r} but a value is given "
                "(leave it empty: a missing value is not a number)",
            )
        )
    no_value = df["value"].isna()
    for bound in ("low", "high"):  # a published range without a central value is a value
        if bound in df:
            no_value &= df[bound].isna()
    for _, row in _failing(df, df["status"].isin(VALUE_STATUSES) & no_value):
        issues.append(
            issue_at(
                row,
                "value",
                f"status is {row['status']!r} but the value is empty "
                "(give the value or its range, or set status to 'missing')",
            )
        )
    return issues


def check_non_negative(table: TableSchema, df: pd.DataFrame) -> list[DataIssue]:
    """Tonnages, capacities, prices and shares are never negative (assumptions may be: a growth
    rate can fall)."""
    if table.name in SIGNED_TABLES:
        return []
    issues = []
    for col in table.columns:
        if col.type != "number" or col.name not in df:
            continue
        for _, row in _failing(df, df[col.name] < 0):
            issues.append(
                issue_at(
                    row,
                    col.name,
                    f"negative value {row[col.name]}; quantities in this table cannot be negative",
                )
            )
    return issues


def check_fractions(table: TableSchema, df: pd.DataFrame) -> list[DataIssue]:
    """Values in unit 'fraction' lie in [0, 1]; ownership shares too."""
    issues = []
    columns = [c.name for c in table.columns if c.type == "number" and c.name in df]
    if "unit" in df:
        fraction_rows = df[df["unit"] == "fraction"]
    elif table.name == "ownership":
        fraction_rows, columns = df, ["share"]
    else:
        return []
    for col in columns:
        for _, row in _failing(fraction_rows, fraction_rows[col] > 1):
            issues.append(
                issue_at(
                    row,
                    col,
                    f"share {row[col]} is above 1; shares are fractions 0-1 (write 0.69, not 69)",
                )
            )
    return issues


def check_stage_units(df: pd.DataFrame) -> list[DataIssue]:
    """Production units fit the stage and measure (mining in t REO, magnets in t magnet, ...)."""
    stage, unit = df["stage"], df["unit"]
    fits = pd.Series(False, index=df.index)
    for name, units in STAGE_UNITS.items():
        fits |= (stage == name) & unit.isin(list(units))
    mismatch = (df["measure"] == "share") != (unit == "fraction")
    suspect = stage.isin(list(STAGE_UNITS)) & unit.notna() & (~fits | mismatch)
    issues = []
    for _, row in _failing(df, suspect):
        allowed = STAGE_UNITS.get(row["stage"])
        if allowed is None or pd.isna(row["unit"]):
            continue
        if row["unit"] not in allowed:
            issues.append(
                issue_at(
                    row,
                    "unit",
                    f"unit {row['unit']!r} does not fit stage "
                    f"{row['stage']!r}; use one of {sorted(allowed)}",
                )
            )
        elif (row["measure"] == "share") != (row["unit"] == "fraction"):
            issues.append(
                issue_at(
                    row,
                    "unit",
                    "measure 'share' goes with unit 'fraction', measure 'output' with tonnes",
                )
            )
    return issues


def check_preferred(table: TableSchema, df: pd.DataFrame) -> list[DataIssue]:
    """Rows that share a duplicate key (several sources or editions) mark exactly one preferred.

    A key with a single row may leave it unpreferred (e.g. a superseded estimate of another year).
    """
    if not table.duplicate_key or "preferred" not in df:
        return []
    key = list(table.duplicate_key)
    issues = []
    marked = df.assign(_pref=df["preferred"].fillna(False).astype(bool))
    by_key = marked.groupby(key, dropna=False, sort=False)["_pref"]
    n_pref, n_rows = by_key.transform("sum"), by_key.transform("size")
    ok = (n_pref == 1) | ((n_pref == 0) & (n_rows == 1))
    if bool(ok.all()):
        return []
    grouped = marked[~ok].groupby(key, dropna=False, sort=False)
    for values, group in grouped:
        n = int(group["_pref"].sum())
        if n == 1 or (n == 0 and len(group) == 1):  # a lone row may be a superseded alternative
            continue
        label = ", ".join(f"{k}={v}" for k, v in zip(key, values, strict=True))
        lines = _where(group)
        what = "none is" if n == 0 else f"{n} are"
        issues.append(
            issue_at(
                group.iloc[0],
                "preferred",
                f"{len(group)} rows for {label} (lines {lines}) and {what} marked "
                "preferred; mark exactly one preferred=true and say why in its note",
            )
        )
    return issues


def check_share_sums(
    df: pd.DataFrame, countries: pd.DataFrame, tolerance: float
) -> list[DataIssue]:
    """Country shares of one stage, year and material add up to at most 1 (+ tolerance)."""
    aggregates = set(countries.loc[countries["is_aggregate"].fillna(False).astype(bool), "iso3"])
    shares = df[
        (df["measure"] == "share")
        & df["preferred"].fillna(False).astype(bool)
        & ~df["country"].isin(aggregates)
        & df["value"].notna()
    ]
    issues = []
    totals = shares.groupby(["stage", "year", "material"])["value"].transform("sum")
    shares = shares[totals > 1 + tolerance]
    for (stage, year, material), group in shares.groupby(["stage", "year", "material"]):
        total = group["value"].sum()
        if total > 1 + tolerance:
            issues.append(
                issue_at(
                    group.iloc[0],
                    "value",
                    f"country shares of {stage} {material} in {year} sum to "
                    f"{total:.3f} (> 1 + {tolerance}); lines {_where(group)}",
                )
            )
    return issues


#: a country's output may exceed its stage's published world total by this much [fraction]
#: (sources disagree by a few percent); beyond it the row is an error of magnitude
WORLD_OUTPUT_TOLERANCE = 0.10


def check_output_within_world(df: pd.DataFrame, countries: pd.DataFrame) -> list[DataIssue]:
    """No country's output exceeds the world total of its stage, year and material (a value of
    1e300 or a unit slip of 1,000x would pass every other check)."""
    aggregates = set(countries.loc[countries["is_aggregate"].fillna(False).astype(bool), "iso3"])
    output = df[
        (df["measure"] == "output")
        & df["preferred"].fillna(False).astype(bool)
        & df["value"].notna()
    ]
    key = ["stage", "year", "material"]
    world = output[output["country"] == "WLD"].groupby(key)["value"].max()
    rows = output[~output["country"].isin(aggregates)]
    limit = rows.set_index(key).index.map(world.to_dict().get)
    limit = pd.Series(limit, index=rows.index, dtype="float64")
    over = rows[limit.notna() & (rows["value"] > limit * (1 + WORLD_OUTPUT_TOLERANCE))]
    return [
        issue_at(row, "value", f"{row['value']:,.6g} is more than the world total "
                 f"{world[(row['stage'], row['year'], row['material'])]:,.6g} of {row['stage']} "
                 f"{row['material']} in {row['year']}; check the number and its unit")
        for _, row in over.iterrows()
    ]  # fmt: skip


def check_ownership_sums(df: pd.DataFrame) -> list[DataIssue]:
    """Owner shares of one asset at one date add up to at most 1."""
    issues = []
    df = df[df.groupby(["asset_id", "as_of"])["share"].transform("sum") > 1 + 1e-6]
    for (asset, as_of), group in df.groupby(["asset_id", "as_of"]):
        total = group["share"].sum()
        if total > 1 + 1e-6:
            issues.append(
                issue_at(
                    group.iloc[0],
                    "share",
                    f"owner shares of {asset} as of {pd.Timestamp(as_of).date()} "
                    f"sum to {total:.3f} (> 1)",
                )
            )
    return issues


def check_compositions(df: pd.DataFrame, tolerance_pp: float) -> list[DataIssue]:
    """A complete composition sums to 100 % of TREO (within the tolerance), a partial one to less;
    all rows of a composition agree on ``complete`` and ``preferred``; one preferred (and
    complete) composition per deposit or ore type."""
    issues = []
    for cid, group in df[_composition_suspects(df, tolerance_pp)].groupby("composition_id"):
        total = group["value"].sum()
        complete = bool(group["complete"].fillna(False).astype(bool).iloc[0])
        if complete and abs(total - 100) > tolerance_pp:
            issues.append(
                issue_at(
                    group.iloc[0],
                    "value",
                    f"composition {cid!r} sums to {total:.2f} % of TREO; a complete "
                    f"one must sum to 100 +/- {tolerance_pp} (check for a missing or "
                    "mistyped element, or set complete=false for a partial split)",
                )
            )
        elif not complete and total > 100 + tolerance_pp:
            issues.append(
                issue_at(
                    group.iloc[0],
                    "value",
                    f"partial composition {cid!r} sums to {total:.2f} % of TREO, "
                    "more than the whole",
                )
            )
        for column in ("complete", "preferred"):
            if group[column].nunique(dropna=False) > 1:
                issues.append(
                    issue_at(
                        group.iloc[0],
                        column,
                        f"composition {cid!r} mixes {column} true and false; "
                        "mark all its rows alike",
                    )
                )
        if not complete and bool(group["preferred"].fillna(False).astype(bool).any()):
            issues.append(
                issue_at(
                    group.iloc[0],
                    "preferred",
                    f"composition {cid!r} is partial and cannot be preferred",
                )
            )
    per_comp = df.groupby("composition_id").agg(
        deposit_id=("deposit_id", "first"),
        ore_type=("ore_type", "first"),
        preferred=("preferred", "max"),
        first=(LINE, "min"),
        file=(FILE, "first"),
    )
    per_comp["subject"] = per_comp["deposit_id"].fillna("ore type " + per_comp["ore_type"])
    for subject, group in per_comp.groupby("subject"):
        n = int(group["preferred"].fillna(False).astype(bool).sum())
        if n > 1:
            issues.append(
                DataIssue(
                    str(group["file"].iloc[0]),
                    int(group["first"].min()),
                    "preferred",
                    f"{len(group)} compositions for {subject} "
                    f"({', '.join(group.index)}) and {n} preferred; mark one",
                )
            )
    return issues


def _composition_suspects(df: pd.DataFrame, tolerance_pp: float) -> pd.Series:
    """Rows of the compositions that one of the per-composition rules of
    :func:`check_compositions` may flag."""
    by_comp = df.groupby("composition_id")
    total = by_comp["value"].transform("sum")
    complete = df["complete"].fillna(False).astype(bool).groupby(df["composition_id"])
    complete = complete.transform("first").astype(bool)
    preferred = df["preferred"].fillna(False).astype(bool).groupby(df["composition_id"])
    mixed = pd.Series(False, index=df.index)
    for column in ("complete", "preferred"):
        mixed |= by_comp[column].transform("nunique", dropna=False) > 1
    return (
        (complete & ((total - 100).abs() > tolerance_pp))
        | (~complete & (total > 100 + tolerance_pp))
        | mixed
        | (~complete & preferred.transform("any").astype(bool))
    ).fillna(False)


def check_mining_pools(pools: pd.DataFrame, compositions: pd.DataFrame) -> list[DataIssue]:
    """Pool shares of a country and year sum to 1; pool compositions exist and name single
    elements (the model needs every element's share)."""
    issues = []
    totals = pools.groupby(["country", "year"])["share"].transform("sum")
    for (country, year), group in pools[(totals - 1).abs() > 1e-3].groupby(["country", "year"]):
        total = group["share"].sum()
        if abs(total - 1) > 1e-3:
            issues.append(
                issue_at(
                    group.iloc[0],
                    "share",
                    f"pool shares of {country} from {year} sum to {total:.4f}; they must sum to 1",
                )
            )
    grouped = (
        compositions["element"]
        .astype(str)
        .str.contains("+", regex=False)
        .groupby(compositions["composition_id"])
        .any()
    )
    suspect = ~pools["composition_id"].isin(grouped.index) | pools["composition_id"].map(
        grouped
    ).fillna(False).astype(bool)
    if not bool(suspect.any()):
        return issues
    known = dict(list(compositions.groupby("composition_id")["element"]))
    for _, row in _failing(pools, suspect):
        elements = known.get(row["composition_id"])
        if elements is None:
            issues.append(
                issue_at(
                    row,
                    "composition_id",
                    unknown_message("composition", row["composition_id"], known),
                )
            )
        elif any("+" in str(e) for e in elements):
            issues.append(
                issue_at(
                    row,
                    "composition_id",
                    f"composition {row['composition_id']!r} "
                    "reports element groups; the model needs one element per row",
                )
            )
    return issues


def run_all(schema: PackageSchema, tables: dict[str, pd.DataFrame]) -> list[DataIssue]:
    """Every check over every table, in a stable order."""
    issues: list[DataIssue] = []
    for name, table in schema.tables.items():
        df = tables.get(name)
        if df is None:
            continue
        for check in (
            check_required,
            check_enums,
            check_primary_key,
            check_value_status,
            check_non_negative,
            check_fractions,
            check_preferred,
        ):
            issues += check(table, df)
        issues += check_references(schema, table, tables)
    issues += check_materials(tables)
    if "production" in tables:
        issues += check_stage_units(tables["production"])
        if "countries" in tables:
            issues += check_share_sums(
                tables["production"], tables["countries"], schema.share_tolerance
            )
            issues += check_output_within_world(tables["production"], tables["countries"])
    if "ownership" in tables:
        issues += check_ownership_sums(tables["ownership"])
    if "compositions" in tables:
        issues += check_compositions(tables["compositions"], schema.composition_tolerance_pp)
        if "mining_pools" in tables:
            issues += check_mining_pools(tables["mining_pools"], tables["compositions"])
    logger.debug("data checks found %d issue(s)", len(issues))
    return issues
