"""The cache of the validated embedded package: a hit equals a fresh validated load, and a
corrupt, stale, unwritable or switched-off cache falls back to reading and checking the CSVs."""

from __future__ import annotations

import logging
import pickle
import shutil
from pathlib import Path

import pandas as pd
import pytest

from reechain.data import cache, checks, dataset
from reechain.data.dataset import Dataset
from reechain.data.schema import embedded_data_dir
from reechain.errors import DataValidationError

from conftest import production_row, write_package


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("REECHAIN_CACHE_DIR", str(folder))
    monkeypatch.delenv("REECHAIN_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def count_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the runs of every data check over a package."""
    calls: list[int] = []
    run_all = checks.run_all

    def counted(schema, tables):
        calls.append(1)
        return run_all(schema, tables)

    monkeypatch.setattr(checks, "run_all", counted)
    return calls


def copies(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{cache.PREFIX}*{cache.SUFFIX}"))


def fresh(monkeypatch: pytest.MonkeyPatch) -> Dataset:
    """A load that reads and checks the CSV files, the cache switched off."""
    with monkeypatch.context() as m:
        m.setenv("REECHAIN_NO_CACHE", "1")
        return Dataset.load()


def assert_same_tables(a: Dataset, b: Dataset) -> None:
    assert list(a._tables) == list(b._tables)
    for name in a._tables:
        pd.testing.assert_frame_equal(a.located(name), b.located(name))  # with _file, _line
        pd.testing.assert_frame_equal(a.table(name), b.table(name))


def test_second_load_reads_the_cache_and_equals_a_fresh_validated_load(
    cache_dir: Path, count_checks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Dataset.load()
    assert len(copies(cache_dir)) == 1 and count_checks == [1]

    def no_csv(*args, **kwargs):
        raise AssertionError("a cache hit reads no CSV file")

    with monkeypatch.context() as m:
        m.setattr(dataset, "_read_package", no_csv)
        second = Dataset.load()
    assert count_checks == [1]  # the copy had passed every check: none runs again
    assert_same_tables(second, first)
    assert_same_tables(second, fresh(monkeypatch))
    assert second.packages == ("embedded",)


def test_a_corrupt_cache_file_falls_back_and_is_rewritten(
    cache_dir: Path, count_checks: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    Dataset.load()
    (path,) = copies(cache_dir)
    path.write_bytes(path.read_bytes()[:1000])  # truncated, as by a full disk
    with caplog.at_level(logging.WARNING, logger="reechain.data.cache"):
        ds = Dataset.load()
    assert count_checks == [1, 1]
    assert "ignoring the unreadable data cache" in caplog.text
    assert "Traceback" not in caplog.text
    assert len(ds.table("production")) > 0
    caplog.clear()
    again = Dataset.load()  # rewritten: a clean hit
    assert count_checks == [1, 1] and not caplog.records
    assert_same_tables(again, ds)


def test_a_payload_that_is_not_a_copy_of_this_package_is_ignored(
    cache_dir: Path, count_checks: list[int]
) -> None:
    Dataset.load()
    (path,) = copies(cache_dir)
    path.write_bytes(pickle.dumps({"key": "another", "tables": {}}))
    Dataset.load()
    assert count_checks == [1, 1]


def test_a_changed_file_misses_and_never_reads_the_stale_copy(
    cache_dir: Path, tmp_path: Path, count_checks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    Dataset.load()
    (old,) = copies(cache_dir)
    package = tmp_path / "embedded"
    shutil.copytree(embedded_data_dir(), package)
    monkeypatch.setattr(dataset, "embedded_data_dir", lambda: package)
    elements = package / "elements.csv"
    text = elements.read_text(encoding="utf-8")
    elements.write_text(text.replace("Neodymium", "Neodymium (edited)", 1), encoding="utf-8")
    edited = Dataset.load()
    assert count_checks == [1, 1]  # a miss: read and checked again
    assert "Neodymium (edited)" in set(edited.table("elements")["name"])
    assert len(copies(cache_dir)) == 2 and old in copies(cache_dir)
    again = Dataset.load()  # the edited package's own copy
    assert count_checks == [1, 1]
    assert "Neodymium (edited)" in set(again.table("elements")["name"])


def test_a_package_that_fails_its_checks_is_never_cached(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "embedded"
    shutil.copytree(embedded_data_dir(), package)
    monkeypatch.setattr(dataset, "embedded_data_dir", lambda: package)
    prod = package / "production.csv"
    lines = prod.read_text(encoding="utf-8").splitlines(keepends=True)
    prod.write_text("".join([lines[0], lines[1].replace("mining", "smelting", 1), *lines[2:]]))
    for _ in range(2):
        with pytest.raises(DataValidationError, match="unknown stage 'smelting'"):
            Dataset.load()
    assert copies(cache_dir) == []


def test_user_packages_are_checked_on_every_load(
    cache_dir: Path, tmp_path: Path, count_checks: list[int]
) -> None:
    Dataset.load()
    row = production_row()
    good = write_package(tmp_path / "good", "production", [row])
    ds = Dataset.load(extra=good)  # the embedded part from the cache, checked with the user's
    assert count_checks == [1, 1]
    assert ds.packages == ("embedded", str(good))
    prod = ds.table("production")
    assert list(prod.loc[prod["note"] == "test row", "value"]) == [1000]
    bad = write_package(tmp_path / "bad", "production", [{**row, "country": "ATL"}])
    with pytest.raises(DataValidationError, match="unknown country 'ATL'"):
        Dataset.load(extra=bad)
    assert count_checks == [1, 1, 1]
    assert len(copies(cache_dir)) == 1  # only the embedded package is ever stored


def test_a_failed_write_leaves_neither_a_half_written_copy_nor_a_temporary_file(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def half_then_fail(obj, fh, protocol=None):
        fh.write(b"half a pickle")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.pickle, "dump", half_then_fail)
    with caplog.at_level(logging.WARNING, logger="reechain.data.cache"):
        Dataset.load()
    assert "cannot write the data cache" in caplog.text
    assert list(cache_dir.iterdir()) == []
    monkeypatch.undo()
    monkeypatch.setenv("REECHAIN_CACHE_DIR", str(cache_dir))
    Dataset.load()
    assert [p.name for p in cache_dir.iterdir()] == [p.name for p in copies(cache_dir)]


def test_an_unwritable_cache_folder_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("REECHAIN_CACHE_DIR", str(blocker / "cache"))
    with caplog.at_level(logging.WARNING, logger="reechain.data.cache"):
        ds = Dataset.load()
    assert "cannot write the data cache" in caplog.text
    assert len(ds.table("elements")) > 0


def test_the_cache_can_be_switched_off(
    cache_dir: Path, count_checks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REECHAIN_NO_CACHE", "1")
    Dataset.load()
    Dataset.load()
    assert count_checks == [1, 1] and not cache_dir.exists()


def test_the_folder_follows_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("REECHAIN_CACHE_DIR", raising=False)
    monkeypatch.delenv("REECHAIN_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "reechain"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.cache_dir() == Path.home() / ".cache" / "reechain"
