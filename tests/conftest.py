"""Shared fixtures and helpers, scoped by cost: the embedded dataset (loaded once), the solved
Türkiye example and its baseline (solved once), the CLI on the session dataset, and small
hand-made tables."""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest

from reechain import Dataset
from reechain.data.flows import FLOW_COLUMNS
from reechain.data.schema import embedded_schema

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).parents[1] / "examples"
TURKIYE = EXAMPLES / "turkiye-beylikova.yaml"
# Tolerance for shares re-derived from published tonnages [fraction].
SHARE_TOL = 5e-4


def pytest_configure(config: pytest.Config) -> None:
    """Tests (and the commands they start) keep the validated-package cache in a folder of
    their own, never the user's."""
    os.environ["REECHAIN_CACHE_DIR"] = tempfile.mkdtemp(prefix="reechain-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ.pop("REECHAIN_CACHE_DIR", ""), ignore_errors=True)


@pytest.fixture(scope="session")
def ds():
    """The embedded dataset, shared by every test (and, through the ``cli`` fixture, by the
    commands they run). ``Dataset.table`` hands out the same DataFrame to every caller, so
    the session ends by checking that no one changed it."""
    data = Dataset.load()
    before = _fingerprint(data)
    yield data
    changed = [name for name, h in _fingerprint(data).items() if h != before[name]]
    assert not changed, f"tables of the shared dataset were changed in place: {changed}"


def _fingerprint(data: Dataset) -> dict[str, tuple]:
    return {
        name: (
            tuple(data.table(name).columns),
            int(pd.util.hash_pandas_object(data.table(name), index=True).sum()),
        )
        for name in data.table_names
    }


# -- solved examples (each solved once per session) -----------------------------------------


@pytest.fixture(scope="session")
def turkiye(ds):
    """The Türkiye example (examples/turkiye-beylikova.yaml), solved on the embedded data."""
    from reechain.engine.run import run
    from reechain.engine.scenario import Scenario

    return run(Scenario.from_yaml(TURKIYE), ds)


@pytest.fixture(scope="session")
def turkiye_baseline(ds, turkiye):
    """The Türkiye example's baseline: the same years and regions without its events."""
    from reechain.engine.run import baseline_of, run

    return run(baseline_of(turkiye.scenario), ds)


@pytest.fixture
def reuse_turkiye(monkeypatch, turkiye, turkiye_baseline) -> list[str]:
    """Let ``reechain.engine.run.run`` answer the Türkiye example and its baseline (myopic)
    with the session's solves, so that CLI commands given examples/turkiye-beylikova.yaml do
    not solve it again (they import ``run`` when they run). Other scenarios are solved as
    usual. Returns the names of the runs answered from the session, in order."""
    import reechain.engine.run as engine_run

    real = engine_run.run
    known = {_key(r.scenario): r for r in (turkiye, turkiye_baseline)}
    reused: list[str] = []

    def run(sc, ds=None, foresight=False, progress=None, **kwargs):
        hit = None if foresight else known.get(_key(sc))
        if hit is None:
            return real(sc, ds, foresight=foresight, progress=progress, **kwargs)
        reused.append(hit.scenario.name)
        return hit

    monkeypatch.setattr(engine_run, "run", run)
    return reused


def _key(sc) -> str:
    return sc.model_dump_json(by_alias=True)


# -- the CLI ---------------------------------------------------------------------------------


@pytest.fixture
def cli(ds, monkeypatch):
    """Run ``reechain ARGS...`` in-process (Typer's runner) and return the result. Commands
    given no ``--data`` get the session dataset instead of loading and validating their own."""
    from typer.testing import CliRunner

    import reechain.cli.common
    from reechain.cli import app

    real_load = reechain.cli.common.load
    monkeypatch.setattr(
        reechain.cli.common, "load", lambda data: ds if data is None else real_load(data)
    )
    # the same table layout in any runner (a terminal, CI, pytest-xdist's workers)
    for console in (reechain.cli.common.out, reechain.cli.common.err):
        monkeypatch.setattr(console, "width", 160)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "160"})

    return invoke


# -- a stand-in for the model in ensemble executors ----------------------------------------


def echo_sample(
    scenario, values, targets, extra=None, foresight=False, keep=None, pause=0.0, fail_if=None
):
    """A stand-in for one ensemble sample's model run (``execute(..., fn=...)``): one result
    row per uncertain input holding the sample's value of it, after a sleep of ``pause`` plus
    up to 0.35 s that varies with the values (so samples finish out of submission order).
    ``fail_if=(name, value)`` raises, as a failing model would, where that input has that value.

    It lives here, not in a test module, because worker processes import it by name: this
    module is quick to import."""
    from reechain.errors import ReechainError

    start = time.perf_counter()
    if fail_if is not None and values[fail_if[0]] == fail_if[1]:
        raise ReechainError(f"no model for {fail_if[0]} = {fail_if[1]}")
    first = next(iter(values.values()), 0.0)
    time.sleep(pause + 0.05 + 0.3 * (abs(float(first)) % 1))
    rows = pd.DataFrame(
        [
            {"metric": "input", "stage": "", "region": "", "item": name, "year": 0, "value": v}
            for name, v in values.items()
        ],
        columns=["metric", "stage", "region", "item", "year", "value"],
    )
    return rows, time.perf_counter() - start


# -- small tables ----------------------------------------------------------------------------


def select(flows: pd.DataFrame, **equals) -> pd.DataFrame:
    """Rows of ``flows`` whose columns equal the given values: ``None`` selects missing cells
    (e.g. ``destination=None``: production rows), a list or set selects any of its values."""
    keep = pd.Series(True, index=flows.index)
    for column, value in equals.items():
        if value is None:
            keep &= flows[column].isna()
        elif isinstance(value, (list, tuple, set, frozenset)):
            keep &= flows[column].isin(list(value))
        else:
            keep &= flows[column] == value
    return flows[keep]


def make_flows(
    rows: list[tuple], stage: str = "mining", material: str = "TREO", unit: str = "t REO"
) -> pd.DataFrame:
    """Flows from (year, origin, value) tuples; origin 'WLD' is the published world total."""
    return pd.DataFrame(
        [(y, stage, material, o, None, None, v, unit, "test") for y, o, v in rows],
        columns=FLOW_COLUMNS,
    )


def production_row(**kw) -> dict:
    """One good ``production`` row of a user package (CSV text cells); ``kw`` changes cells."""
    row = {
        "stage": "mining",
        "country": "AUS",
        "year": "2030",
        "material": "TREO",
        "measure": "output",
        "value": "1000",
        "unit": "t REO",
        "basis": "REO",
        "status": "reported",
        "edition": "",
        "preferred": "true",
        "source_id": "usgs-mcs-2025",
        "note": "test row",
    }
    row.update(kw)
    return row


def write_package(folder: Path, table: str, rows: list[dict]) -> Path:
    """Write one table of a user package (the embedded schema's columns; absent cells empty)
    to ``folder`` and return the folder, for ``Dataset.load(extra=folder)``."""
    folder.mkdir(parents=True, exist_ok=True)
    columns = embedded_schema().tables[table].column_names
    with open(folder / f"{table}.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, columns)
        w.writeheader()
        for row in rows:
            w.writerow({c: row.get(c, "") for c in columns})
    return folder


def trade_rows(
    rows: list[tuple[str, str, float]], product: str = "ndfeb_magnets", year: int = 2024
) -> list[dict]:
    """Rows of a user's ``trade`` table: annual imports [t] as (reporter, partner, tonnes)."""
    return [
        {"flow": "import", "reporter": r, "partner": p, "product": product, "year": str(year),
         "period": "annual", "value": str(v), "unit": "t", "status": "reported",
         "preferred": "true", "source_id": "usgs-mcs-2025", "note": "test"}
        for r, p, v in rows
    ]  # fmt: skip


def turkish_magnets_made(res, year: int = 2035) -> float:
    """Türkiye's magnets made at home in ``year`` [t magnet]: in plants the model chose to
    build there (the dataset has none)."""
    f = res.flows
    made = f[
        (f["stage"] == "magnet") & (f["origin"] == "TUR") & f["destination"].isna()
        & (f["material"] == "NdFeB") & (f["year"] == year)
    ]  # fmt: skip
    return float(made["value"].sum())


def turkish_magnets_consumed(res, year: int = 2035) -> float:
    """Türkiye's magnets consumed in ``year`` [t magnet]: its demand less what prices and
    shortages leave unbought."""
    c = res.consumed
    return float(
        c[(c["region"] == "TUR") & (c["kind"] == "magnet") & (c["year"] == year)]["consumed"].sum()
    )
