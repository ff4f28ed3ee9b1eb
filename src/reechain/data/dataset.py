"""Load and validate data packages: the embedded one, optionally layered with a user's package.

>>> ds = Dataset.load()
>>> ds.table("production").columns[:4].tolist()
['stage', 'country', 'year', 'material']
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from reechain.data import cache, checks
from reechain.data.checks import FILE, LINE, PRIVATE_COLUMNS, DataIssue
from reechain.data.schema import (
    DATA_PACKAGE,
    PackageSchema,
    TableSchema,
    embedded_data_dir,
    embedded_schema,
)
from reechain.errors import DataValidationError, ReechainError, UnknownNameError

logger = logging.getLogger(__name__)

TRUE, FALSE = {"true", "True", "TRUE", "1", "yes"}, {"false", "False", "FALSE", "0", "no"}
ROLES = ("member", "partner", "applicant", "observer", "invited")


def _typed(
    table: TableSchema, raw: pd.DataFrame, file: str
) -> tuple[pd.DataFrame, list[DataIssue]]:
    """Convert the string cells of ``raw`` to the schema's types; report cells that do not parse."""
    issues: list[DataIssue] = []
    out = pd.DataFrame(index=raw.index)
    for col in table.columns:
        text = raw[col.name].str.strip()
        empty = text == ""
        if col.type in ("number", "integer"):
            values = pd.to_numeric(text.where(~empty), errors="coerce")
            # inf, 1e400 and nan are no measurement: refused like text
            values = values.where(np.isfinite(values.astype("float64")))
            bad = ~empty & values.isna()
            if col.type == "integer":
                bad |= values.notna() & (values % 1 != 0)
                values = values.where(~bad).astype("Int64")
            else:
                values = values.astype("float64")
        elif col.type == "boolean":
            values = text.map(lambda s: True if s in TRUE else False if s in FALSE else pd.NA)
            bad = ~empty & values.isna()
            values = values.astype("boolean")
        elif col.type == "date":
            values = pd.to_datetime(text.where(~empty), format="%Y-%m-%d", errors="coerce")
            bad = ~empty & values.isna()
        else:
            values = text.where(~empty, None).astype(object)
            bad = pd.Series(False, index=raw.index)
        for idx in raw.index[bad]:
            issues.append(
                DataIssue(
                    file,
                    int(raw.at[idx, LINE]),
                    col.name,
                    f"{raw.at[idx, col.name]!r} is not a valid {col.type}"
                    + (" (write dates as YYYY-MM-DD)" if col.type == "date" else ""),
                )
            )
        out[col.name] = values
    out[FILE] = file
    out[LINE] = raw[LINE].astype(int)
    return out, issues


def read_table(
    table: TableSchema, path: Path, label: str | None = None
) -> tuple[pd.DataFrame, list[DataIssue]]:
    """Read one CSV of a package, check its header and convert its types.

    Returns the typed table (with the private ``_file`` and ``_line`` columns) and the issues.
    """
    label = label or path.name
    try:
        ragged = _ragged_lines(path)
        raw = (
            pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8", index_col=False)
            if not ragged
            else None
        )
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        return pd.DataFrame(), [DataIssue(label, None, None, f"cannot read the CSV: {exc}")]
    except OSError as exc:  # a folder in the table's place, a file the user can't read
        return pd.DataFrame(), [DataIssue(label, None, None, f"cannot read: {exc.strerror}")]
    if ragged:
        return pd.DataFrame(), [
            DataIssue(
                label,
                line,
                None,
                f"{n} fields where the header has {expected_n}; quote "
                'a text that holds a comma ("like, this")',
            )
            for line, n, expected_n in ragged
        ]
    expected = table.column_names
    missing = [c for c in expected if c not in raw.columns]
    extra = [c for c in raw.columns if c not in expected]
    if missing or extra:
        msg = "header does not match the schema"
        if missing:
            msg += f"; missing column(s) {missing}"
        if extra:
            msg += f"; unknown column(s) {extra}"
        return pd.DataFrame(), [DataIssue(label, 1, None, msg + f"; expected {expected}")]
    raw[LINE] = raw.index + 2  # line 1 is the header
    return _typed(table, raw[expected + [LINE]], label)


def _ragged_lines(path: Path) -> list[tuple[int, int, int]]:
    """(line, fields, header fields) of every record of a CSV whose field count differs from
    its header's (pandas would shift or drop its cells silently)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        found = []
        for record in reader:
            if record and len(record) != len(header):
                found.append((reader.line_num, len(record), len(header)))
    return found


def _layer(table: TableSchema, base: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    """Put a user's rows over the embedded rows of one table.

    A row with the same primary key replaces the embedded row. A preferred user row for a
    duplicate key (e.g. the same country and year from a newer edition) takes the preferred mark
    from the embedded rows of that key, which stay visible as alternatives.
    """
    if base.empty:
        return extra
    if table.primary_key:
        key = list(table.primary_key)
        replaced = base.set_index(key).index.isin(extra.set_index(key).index)
        base = base[~replaced]
    elif table.duplicate_key and "preferred" in extra:
        key = list(table.duplicate_key)
        pref_keys = extra.loc[extra["preferred"].fillna(False).astype(bool), key]
        hit = (
            base.set_index(key).index.isin(pd.MultiIndex.from_frame(pref_keys))
            if len(key) > 1
            else base[key[0]].isin(pref_keys[key[0]])
        )
        base = base.copy()
        base.loc[hit, "preferred"] = False
    return pd.concat([base, extra], ignore_index=True)


@dataclass
class Dataset:
    """A validated set of tables (the embedded package, possibly with a user's package on top).

    Tables are pandas DataFrames in the columns of ``datapackage.json``; get them with
    :meth:`table` or as attributes (``ds.production``). Missing and withheld values are NaN.
    """

    schema: PackageSchema
    _tables: dict[str, pd.DataFrame] = field(repr=False)
    packages: tuple[str, ...] = ()
    _public: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @classmethod
    def load(
        cls, extra: str | Path | Iterable[str | Path] | None = None, validate: bool = True
    ) -> Dataset:
        """Load the embedded package, then each ``extra`` package folder on top, and validate.

        Parameters
        ----------
        extra
            Folder(s) of a user's package: CSV files named like the embedded tables
            (``production.csv``, ``sources.csv``, ...) with the same columns, and optionally a
            ``datapackage.json``. Tables the folder lacks are left as embedded.
        validate
            Run every data check and raise :class:`DataValidationError` listing all problems.
        """
        schema = embedded_schema()
        extras = [] if extra is None else [extra] if isinstance(extra, (str, Path)) else list(extra)
        tables, issues, checked = _embedded_tables(schema, validate)
        packages = ["embedded"]
        for folder in extras:
            folder = Path(folder)
            if not folder.is_dir():
                raise ReechainError(
                    f"extra data package {str(folder)!r} is not a folder; give the "
                    "folder that holds its CSV files"
                )
            user_tables, user_issues = _read_package(
                schema, folder, prefix=f"{folder}/", required=False
            )
            if not user_tables and not user_issues:
                raise ReechainError(
                    f"{folder} holds no table of the schema (expected files like "
                    "production.csv or sources.csv)"
                )
            issues += user_issues
            for name, df in user_tables.items():
                tables[name] = _layer(schema.tables[name], tables.get(name, pd.DataFrame()), df)
            packages.append(str(folder))
        if validate:
            # the embedded tables alone were checked already (or came checked from the cache);
            # layered with a user's package, every check runs over the whole again
            issues += checks.run_all(schema, tables) if extras else checked
            if issues:
                raise DataValidationError(issues)
        logger.info("loaded %d tables from %s", len(tables), ", ".join(packages))
        return cls(schema=schema, _tables=tables, packages=tuple(packages))

    # -- access --------------------------------------------------------------------------------
    @property
    def table_names(self) -> list[str]:
        return list(self.schema.tables)

    def table(self, name: str) -> pd.DataFrame:
        """A table by name, in its schema's columns (a copy-free cached view; do not mutate)."""
        if name not in self.schema.tables:
            raise UnknownNameError("table", name, self.schema.tables)
        if name not in self._public:
            df = self._tables.get(name, pd.DataFrame(columns=self.schema.tables[name].column_names))
            self._public[name] = df.drop(columns=[c for c in PRIVATE_COLUMNS if c in df])
        return self._public[name]

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_") or name not in embedded_schema().tables:
            raise AttributeError(name)
        return self.table(name)

    def located(self, name: str) -> pd.DataFrame:
        """A table with its ``_file`` and ``_line`` columns (where each row came from)."""
        self.table(name)
        return self._tables[name]

    # -- code look-ups -------------------------------------------------------------------------
    def check_country(self, code: str) -> str:
        """Return ``code`` if it is a country or aggregate of the data; else raise, naming the
        nearest codes."""
        valid = set(self.table("countries")["iso3"])
        code = str(code).upper()
        if code not in valid:
            raise UnknownNameError("country", code, valid)
        return code

    def check_element(self, symbol: str) -> str:
        """Return the canonical symbol (case-insensitive match) or raise with the nearest."""
        valid = list(self.table("elements")["symbol"])
        for v in valid:
            if v.lower() == str(symbol).lower():
                return v
        raise UnknownNameError("element", symbol, valid)

    def check_bloc(self, bloc: str) -> str:
        valid = set(self.table("blocs")["bloc_id"])
        bloc = str(bloc).upper()
        if bloc not in valid:
            raise UnknownNameError("bloc", bloc, valid)
        return bloc

    def source(self, source_id: str) -> pd.Series:
        """The sources-table row of one id."""
        src = self.table("sources").set_index("source_id")
        if source_id not in src.index:
            raise UnknownNameError("source id", source_id, src.index)
        return src.loc[source_id]

    def cite(self, source_ids: Iterable[str]) -> pd.DataFrame:
        """Sources rows for ids (cells may hold several ids joined by ';'), unique and sorted."""
        ids = sorted({i for cell in source_ids for i in checks.split_list(cell)})
        src = self.table("sources")
        return src[src["source_id"].isin(ids)].sort_values("source_id").reset_index(drop=True)

    # -- blocs ---------------------------------------------------------------------------------
    def bloc_members(
        self, bloc: str, on: date | str | None = None, roles: Iterable[str] = ("member",)
    ) -> list[str]:
        """Countries in ``bloc`` on date ``on`` (default today) in one of ``roles``.

        Roles: member, partner, applicant, observer, invited. A role counts from its
        ``start_date`` to its ``end_date`` inclusive.
        """
        bloc = self.check_bloc(bloc)
        roles = tuple(roles)
        for role in roles:
            if role not in ROLES:
                raise UnknownNameError("role", role, ROLES)
        when = pd.Timestamp(on if on is not None else date.today())
        m = self.table("bloc_membership")
        active = (
            (m["bloc_id"] == bloc)
            & m["role"].isin(roles)
            & (m["start_date"] <= when)
            & (m["end_date"].isna() | (m["end_date"] >= when))
        )
        return sorted(set(m.loc[active, "country"]))


def _embedded_tables(
    schema: PackageSchema, validate: bool
) -> tuple[dict[str, pd.DataFrame], list[DataIssue], list[DataIssue]]:
    """The embedded package's typed tables, the issues of reading them and those of checking
    them (``validate``; none for a copy from the cache, :mod:`reechain.data.cache`).

    On a miss the CSV files are read and, with ``validate``, checked; if they pass, they are
    stored for the next load.
    """
    folder = embedded_data_dir()
    key = None
    if cache.cache_dir() is not None:
        try:
            key = cache.package_key(
                folder, [DATA_PACKAGE, *(t.path for t in schema.tables.values())]
            )
        except OSError as exc:
            logger.warning("cannot hash the embedded data for its cache (%s)", exc)
        if key is not None:
            hit = cache.read(key)
            if hit is not None and set(hit) == set(schema.tables):
                return dict(hit), [], []
    tables, issues = _read_package(schema, folder, prefix="")
    checked = checks.run_all(schema, tables) if validate else []
    if key is not None and validate and not issues and not checked:
        cache.write(key, tables)
    return tables, issues, checked


def _read_package(
    schema: PackageSchema, folder: Path, prefix: str, required: bool = True
) -> tuple[dict[str, pd.DataFrame], list[DataIssue]]:
    tables: dict[str, pd.DataFrame] = {}
    issues: list[DataIssue] = []
    descriptor = folder / DATA_PACKAGE
    if not required and descriptor.exists():
        try:
            json.loads(descriptor.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            issues.append(
                DataIssue(f"{prefix}{DATA_PACKAGE}", exc.lineno, None, f"not valid JSON: {exc.msg}")
            )
    for name, table in schema.tables.items():
        path = folder / table.path
        if not path.exists():
            if required:
                issues.append(DataIssue(f"{prefix}{table.path}", None, None, "file missing"))
            continue
        df, table_issues = read_table(table, path, label=f"{prefix}{table.path}")
        issues += table_issues
        if not df.empty or not table_issues:
            tables[name] = df
    return tables, issues
