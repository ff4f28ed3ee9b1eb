"""The scripts in validation/ run and put the model beside the published figures."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

VALIDATION = Path(__file__).parents[1] / "validation"


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, VALIDATION / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_published_figures_cite_their_source():
    published = pd.read_csv(VALIDATION / "published.csv")
    assert published[["source_id", "citation", "address", "reliability"]].notna().all().all()
    assert set(published["reliability"]) <= {"high", "medium", "low"}


def test_side_by_side_gives_the_model_and_its_ratio_to_each_published_figure():
    script = load("heavy_rare_earths")
    published = pd.read_csv(VALIDATION / "published.csv")
    table = script.side_by_side(pd.Series({"Dy": 3700.0, "Tb": 600.0}), published)
    dy = table[table["element"] == "Dy"].set_index("source_id")["model/published"]
    assert dy["adamas-gcc-2020-08"] == pytest.approx(2.0)  # 3,700 / 1,850
    tb = table[table["element"] == "Tb"].set_index("source_id")["model/published"]
    assert tb["rareearthinvesting-tb"] == pytest.approx(1.0)  # 600 / 600
    assert tb["smm-2024-05-06-mhree-output"] == pytest.approx(1.22)  # 600 / 490, 2 decimals


def test_world_separated_reads_the_runs_world_rows(turkiye_baseline):
    script = load("heavy_rare_earths")
    world = script.world_separated(turkiye_baseline, 2024)
    f = turkiye_baseline.result.flows
    by_region = f[
        (f["stage"] == "separation")
        & (f["year"] == 2024)
        & f["destination"].isna()
        & (f["origin"] != "WLD")
        & (f["material"] == "Dy")
    ]["value"].sum()
    assert world["Dy"] == pytest.approx(by_region, rel=1e-9)


def test_demand_validation_sets_the_model_beside_its_sources():
    script = load("demand_end_uses")
    ds, inputs, result = script.baseline(horizon=2030)
    shares = script.shares_table(ds, inputs.magnets_into_use)
    iea = shares[shares["preferred"]].set_index("end_use")
    assert iea.loc["ev_traction_motor", ["published", "model"]].tolist() == pytest.approx(
        [0.07, 0.07]
    )
    growth = script.growth_table(inputs.magnets_into_use).set_index("year")
    assert growth.loc[2030, "published"] == pytest.approx(1.45)
    assert 1.2 < growth.loc[2030, "model"] < 1.6
    eol = script.end_of_life_table(result).set_index("source_id")
    assert eol.loc["rawmaterials-2024-heraeus-adamas", "published"] == 21_000
    assert 0 < eol.loc["rawmaterials-2024-heraeus-adamas", "model"] < 21_000
