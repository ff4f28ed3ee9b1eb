"""Importers: published files (USGS MCS data releases, BACI / Comtrade trade) to package
tables."""
