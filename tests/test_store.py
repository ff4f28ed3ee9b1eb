"""DuckDB store: the tables as SQL views and as a persisted file."""

from __future__ import annotations

from reechain.data import store


def test_query_counts_and_joins(ds):
    df = store.query(
        ds,
        """
        select p.country, c.name, p.value from production p join countries c on p.country = c.iso3
        where p.stage = 'mining' and p.year = 2024 and p.preferred and p.measure = 'output'
          and p.country = 'CHN'""",
    )
    assert df["value"].tolist() == [270000]
    assert df["name"].iloc[0].startswith("China")


def test_persisted_database(tmp_path, ds):
    path = tmp_path / "reechain.duckdb"
    con = store.connect(ds, path)
    con.close()
    import duckdb

    with duckdb.connect(str(path)) as again:
        assert again.execute("select count(*) from elements").fetchone()[0] == 17
