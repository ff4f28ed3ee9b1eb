"""Data layer: the embedded package, its schema and checks, units, tidy flows, the DuckDB store
and the importers."""
