"""validation/prices_base_year.py: the base year's shadow prices against observed prices, and
prices that are never negative nor placeholders."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "validation" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


script = load("prices_base_year")


@pytest.fixture(scope="module")
def base_run():
    return script.base_year_run()


def test_base_year_prices_within_tolerance_of_the_observed(base_run, ds):
    table = script.comparison(base_run, ds.table("prices"))
    for element in script.GUARDED:
        row = table.loc[element]
        # the demand curve's band holds the base year's quantity at the observed price
        assert abs(row["gap"]) <= script.TOLERANCE, (element, row.to_dict())
    # against a second market (Fastmarkets FOB China 2024 means) the gap stays within 15 %
    for element in ("Pr", "Nd", "Dy", "Tb"):
        assert abs(table.loc[element, "second_gap"]) <= script.TOLERANCE


def test_no_price_is_negative_or_a_placeholder(base_run, turkiye):
    for res in (base_run, turkiye):
        assert (res.prices["price"] >= 0).all()
    prov = base_run.provenance.set_index("parameter")
    observed = prov[prov.index.str.startswith("base price ")]
    # every priced element cites the row it came from; none shares another's placeholder
    assert observed["source_id"].str.len().gt(0).all()
    missing = prov.loc["elements without an observed price", "value"]
    assert set(missing) <= {"Tm", "Yb", "Lu"}
    demand = base_run.inputs.network.demand
    assert not set(demand.loc[demand["kind"] == "oxide", "item"]) & set(missing)
