"""DuckDB as the embedded store: every table of a dataset as a SQL view, optionally persisted.

>>> from reechain import Dataset
>>> con = connect(Dataset.load())
>>> con.execute("select count(*) from elements").fetchone()[0]
17
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import pandas as pd

from reechain.data.dataset import Dataset
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)


def connect(ds: Dataset, path: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding the dataset's tables.

    In memory (``path=None``) the tables are registered as zero-copy views of the DataFrames; with
    a ``path`` they are written as tables into that database file (replacing same-named tables).
    """
    con = duckdb.connect(str(path) if path is not None else ":memory:")
    for name in ds.table_names:
        df = ds.table(name)
        if path is None:
            con.register(name, df)
        else:
            con.register("_incoming", df)
            con.execute(f'create or replace table "{name}" as select * from _incoming')
            con.unregister("_incoming")
    logger.debug("registered %d tables in duckdb (%s)", len(ds.table_names), path or "memory")
    return con


#: what one locked query may use: the dataset is about 7,000 rows, so this is room to spare
#: (an assumption of this module, not a measured need), set before the settings are locked
QUERY_MEMORY = "2GB"
QUERY_THREADS = 2


def query(ds: Dataset, sql: str, allow_files: bool = False) -> pd.DataFrame:
    """Run one SQL query over the dataset's tables and return a DataFrame.

    Unless ``allow_files``, the query sees the dataset's tables only: DuckDB's file access
    (``COPY ... TO``, ``read_text``, ``ATTACH``, extensions) is off, memory and threads are
    bounded, and the settings locked, so a query can neither read nor write a file."""
    if not sql.strip():
        raise ReechainError("the query is empty: give a SELECT over the dataset's tables")
    con = connect(ds)
    if not allow_files:
        con.execute(f"SET memory_limit = '{QUERY_MEMORY}'")
        con.execute(f"SET threads = {QUERY_THREADS}")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    try:
        relation = con.sql(sql)
        if relation is None:
            raise ReechainError("the statement returned no table: give a SELECT")
        return relation.df()
    except duckdb.PermissionException as exc:
        raise ReechainError(
            f"SQL error: {str(exc).splitlines()[0]}; queries read the dataset's tables only "
            "(pass --allow-files to let one read or write files)"
        ) from None
    except duckdb.Error as exc:
        raise ReechainError(
            f"SQL error: {str(exc).splitlines()[0]} (tables: {', '.join(ds.table_names)})"
        ) from None
    finally:
        con.close()
