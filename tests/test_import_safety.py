"""The importers update a user package safely: they merge into what it holds, validate the
result layered on the embedded package before anything moves, never touch the embedded
package folder and leave the target unchanged on any error.

The embedded folder is never given to an importer here: the refusal is tested on a copy that
:func:`reechain.data.schema.embedded_data_dir` is made to return."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from reechain import Dataset
from reechain.data.checks import DataIssue
from reechain.data.importers import package
from reechain.data.importers.trade import import_trade
from reechain.data.importers.usgs import import_usgs
from reechain.data.schema import embedded_data_dir
from reechain.errors import DataValidationError, ImportFormatError, ReechainError

from conftest import DATA, production_row, select, write_package

USGS_WORLD = DATA / "usgs" / "MCS2025_raree_world.csv"
USGS_SALIENT = DATA / "usgs" / "MCS2025_raree_salient.csv"
BACI = DATA / "trade" / "BACI_HS17_Y2022_V202401.csv"
COMTRADE = DATA / "trade" / "comtrade_bulk.csv"
USGS_ID = "usgs-mcs2025-data-release"
BACI_ID = "trade-import-baci_hs17_y2022_v202401"
COMTRADE_ID = "trade-import-comtrade_bulk"


def hashes(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) by relative path -> SHA-256."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def one_line(output: str) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    return lines[0]


@pytest.fixture
def usgs_package(tmp_path, ds) -> Path:
    """A user package made by import-usgs (world and salient files)."""
    out = tmp_path / "pkg"
    import_usgs([USGS_WORLD, USGS_SALIENT], out, ds)
    return out


# -- merging -------------------------------------------------------------------------------


def test_usgs_then_trade_keeps_both_sources_and_shares_work(cli, tmp_path):
    pkg = tmp_path / "pkgX"
    first = cli("data", "import-usgs", USGS_WORLD, "--out", pkg)
    assert first.exit_code == 0, first.output
    second = cli("trade", "import", BACI, "--out", pkg)
    assert second.exit_code == 0, second.output
    sources = pd.read_csv(pkg / "sources.csv")
    assert set(sources["source_id"]) == {USGS_ID, BACI_ID}
    assert set(pd.read_csv(pkg / "production.csv")["source_id"]) == {USGS_ID}
    ds = Dataset.load(extra=pkg)
    assert (ds.trade["source_id"] == BACI_ID).sum() == 40  # exports, imports, import totals
    assert (ds.production["source_id"] == USGS_ID).sum() == 36
    shares = cli("shares", "--stage", "mining", "--year", "2024", "--data", pkg, "-f", "csv")
    assert shares.exit_code == 0, shares.output
    table = pd.read_csv(io.StringIO(shares.output)).set_index("group")
    assert table.loc["CHN", "value"] == 270000
    assert table.loc["CHN", "source"] == USGS_ID
    valid = cli("data", "validate", "--data", pkg)
    assert valid.exit_code == 0, valid.output


def test_trade_then_usgs_keeps_the_trade_rows(tmp_path, ds):
    pkg = tmp_path / "pkg"
    import_trade(BACI, pkg)
    trade_before = (pkg / "trade.csv").read_bytes()
    import_usgs([USGS_WORLD], pkg, ds)
    assert (pkg / "trade.csv").read_bytes() == trade_before
    assert set(pd.read_csv(pkg / "sources.csv")["source_id"]) == {BACI_ID, USGS_ID}
    Dataset.load(extra=pkg)


def test_descriptor_is_merged_not_replaced(usgs_package):
    descriptor = json.loads((usgs_package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["title"] = "my package"
    descriptor["resources"] = [{"name": "production", "path": "production.csv"}]  # no schema
    (usgs_package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    import_trade(BACI, usgs_package)
    merged = json.loads((usgs_package / "datapackage.json").read_text(encoding="utf-8"))
    assert merged["title"] == "my package"
    names = [r["name"] for r in merged["resources"]]
    assert names == ["production", "trade", "sources"]
    assert all("fields" in r["schema"] for r in merged["resources"])


def test_users_own_rows_and_sources_are_kept(tmp_path, ds):
    pkg = write_package(
        tmp_path / "pkg",
        "production",
        [production_row(country="AUS", year="2030", source_id="my-source")],
    )
    write_package(
        pkg,
        "sources",
        [{"source_id": "my-source", "title": "My estimate", "publisher": "me", "year": "2025"}],
    )
    import_usgs([USGS_WORLD], pkg, ds)
    prod = pd.read_csv(pkg / "production.csv")
    mine = select(prod, source_id="my-source")
    assert len(mine) == 1 and mine.iloc[0]["value"] == 1000
    assert mine.index[0] == 0  # kept in its place
    assert set(pd.read_csv(pkg / "sources.csv")["source_id"]) == {"my-source", USGS_ID}


def test_second_trade_source_merges_by_key(tmp_path):
    pkg = tmp_path / "pkg"
    import_trade(BACI, pkg)
    import_trade(COMTRADE, pkg)
    t = pd.read_csv(pkg / "trade.csv")
    assert (t["source_id"] == BACI_ID).sum() == 40  # nothing of BACI lost
    shared = select(t, flow="export", reporter="CHN", partner="DEU", unit="t")
    assert shared.set_index("source_id")["preferred"].to_dict() == {
        BACI_ID: False,
        COMTRADE_ID: True,  # the newer import is the one in effect
    }
    assert set(pd.read_csv(pkg / "sources.csv")["source_id"]) == {BACI_ID, COMTRADE_ID}
    Dataset.load(extra=pkg)


def test_importing_twice_is_idempotent(usgs_package, ds):
    import_trade(BACI, usgs_package)
    before = hashes(usgs_package)
    rows = {f: pd.read_csv(usgs_package / f) for f in before if f.endswith(".csv")}
    import_usgs([USGS_WORLD, USGS_SALIENT], usgs_package, ds)
    import_trade(BACI, usgs_package)
    for f, df in rows.items():
        pd.testing.assert_frame_equal(pd.read_csv(usgs_package / f), df)
    assert hashes(usgs_package) == before


def test_upsert_replaces_by_key_in_place():
    old = pd.DataFrame({"k": ["a", "b", None], "v": [1, 2, 3]})
    new = pd.DataFrame({"k": ["c", None, "b"], "v": [30, 40, 20]})
    merged = package.upsert(old, new, ["k"])
    assert merged["k"].fillna("-").tolist() == ["a", "b", "-", "c"]
    assert merged["v"].tolist() == [1, 20, 40, 30]


# -- refusals --------------------------------------------------------------------------------


@pytest.fixture
def embedded_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the embedded package that the importers take for the embedded folder."""
    copy = tmp_path / "embedded"
    shutil.copytree(embedded_data_dir(), copy)
    monkeypatch.setattr(package, "embedded_data_dir", lambda: copy)
    return copy


@pytest.mark.parametrize("inside", ["", "sub"])
def test_out_at_the_embedded_folder_is_refused(cli, embedded_copy, inside):
    before = hashes(embedded_copy)
    target = embedded_copy / inside if inside else embedded_copy
    for args in (
        ("data", "import-usgs", USGS_WORLD, "--out", target),
        ("trade", "import", BACI, "--out", target),
    ):
        result = cli(*args)
        assert result.exit_code == 2, result.output
        assert "is the embedded data package" in one_line(result.output)
    assert hashes(embedded_copy) == before
    assert not (embedded_copy / "sub").exists()
    assert sorted(p.name for p in embedded_copy.parent.iterdir()) == ["embedded"]


def test_out_at_the_embedded_folder_is_refused_by_the_library(embedded_copy, ds):
    before = hashes(embedded_copy)
    with pytest.raises(ReechainError, match="embedded data package"):
        import_usgs([USGS_WORLD], embedded_copy, ds)
    with pytest.raises(ReechainError, match="embedded data package"):
        import_trade(BACI, embedded_copy)
    assert hashes(embedded_copy) == before


def test_out_at_an_existing_file_is_refused(cli, tmp_path):
    target = tmp_path / "not-a-folder.csv"
    target.write_text("a,b\n1,2\n", encoding="utf-8")
    for args in (
        ("data", "import-usgs", USGS_WORLD, "--out", target),
        ("trade", "import", BACI, "--out", target),
    ):
        result = cli(*args)
        assert result.exit_code == 2, result.output
        assert "is a file, not a package folder" in one_line(result.output)
    assert target.read_text(encoding="utf-8") == "a,b\n1,2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder.csv"]


# -- failures leave the target unchanged -----------------------------------------------------


def test_failing_validation_leaves_the_package_byte_identical(usgs_package, monkeypatch, ds):
    before = hashes(usgs_package)

    def failing(folder: Path) -> None:
        raise DataValidationError([DataIssue(f"{folder}/trade.csv", 3, "value", "made up")])

    monkeypatch.setattr(package, "validate", failing)
    with pytest.raises(DataValidationError) as err:
        import_trade(BACI, usgs_package)
    assert f"{usgs_package}/trade.csv, line 3, column 'value': made up" in str(err.value)
    assert f"nothing was written to {usgs_package}" in str(err.value)
    with pytest.raises(DataValidationError):
        import_usgs([USGS_WORLD], usgs_package, ds)
    assert hashes(usgs_package) == before
    assert sorted(p.name for p in usgs_package.parent.iterdir()) == ["pkg"]  # no staging left


def test_failing_validation_of_a_new_package_creates_nothing(tmp_path, monkeypatch):
    def failing(folder: Path) -> None:
        raise DataValidationError([DataIssue(f"{folder}/trade.csv", 2, None, "made up")])

    monkeypatch.setattr(package, "validate", failing)
    with pytest.raises(DataValidationError):
        import_trade(BACI, tmp_path / "new" / "pkg")
    assert not any(tmp_path.iterdir())


def test_real_check_failure_lists_problems_and_writes_nothing(cli, usgs_package):
    prod = usgs_package / "production.csv"
    prod.write_text(
        prod.read_text(encoding="utf-8").replace(USGS_ID, "no-such-source", 1), encoding="utf-8"
    )
    before = hashes(usgs_package)
    result = cli("trade", "import", BACI, "--out", usgs_package)
    assert result.exit_code == 2
    assert f"nothing was written to {usgs_package}" in result.output
    assert f"{usgs_package}/production.csv, line 2, column 'source_id'" in result.output
    assert "no-such-source" in result.output
    assert hashes(usgs_package) == before


def test_broken_input_file_leaves_the_package_byte_identical(usgs_package):
    before = hashes(usgs_package)
    codes = DATA / "trade" / "country_codes_V202401.csv"
    with pytest.raises(ImportFormatError, match=r"line 3, column 'v'"):
        import_trade(DATA / "trade" / "broken_baci.csv", usgs_package, codes)
    assert hashes(usgs_package) == before


def test_unreadable_existing_table_is_reported_not_overwritten(usgs_package):
    (usgs_package / "trade.csv").write_text("flow,oops\nexport,1\n", encoding="utf-8")
    before = hashes(usgs_package)
    with pytest.raises(DataValidationError, match=r"pkg/trade.csv, line 1: header"):
        import_trade(BACI, usgs_package)
    assert hashes(usgs_package) == before


def test_failed_move_puts_back_what_was_moved(usgs_package, monkeypatch):
    before = hashes(usgs_package)
    real = package.os.replace
    moved: list[str] = []

    def flaky(src, dst):
        if Path(dst).parent == usgs_package and Path(src).parent.name != ".previous":
            if moved:
                raise OSError(28, "No space left on device")
            moved.append(str(dst))
        return real(src, dst)

    monkeypatch.setattr(package.os, "replace", flaky)
    with pytest.raises(ReechainError, match="cannot write .*nothing was written"):
        import_trade(BACI, usgs_package)
    assert moved  # one file had been moved before the failure, and was put back
    assert hashes(usgs_package) == before
    assert sorted(p.name for p in usgs_package.parent.iterdir()) == ["pkg"]
