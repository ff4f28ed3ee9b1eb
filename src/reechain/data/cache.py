"""A validated copy of the embedded data package in the user's cache folder.

Reading the 24 CSV files, typing them and running every data check costs about half a second,
the same on every command. Once the embedded package has passed every check, its typed tables
are pickled into the cache folder; a later load whose key matches unpickles them instead (a few
milliseconds) and skips the checks, which that very content has already passed.

The key is a SHA-256 of every file the loader reads (``datapackage.json`` and each table's CSV),
of the source of the modules that type and check them, and of the reechain, pandas and Python
versions: a changed CSV, a new check or another pandas gives another key, so a stale copy is
never read. Only the embedded package is cached; a user's package (``--data``) is read and
checked on every load.

Where: ``$REECHAIN_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/reechain``, else
``~/.cache/reechain``. ``REECHAIN_NO_CACHE=1`` turns the cache off. A missing, corrupt or
unwritable cache is never an error: the loader reads and validates the CSV files as it would
without it (a corrupt or unwritable one is logged as a warning). Files are written to a
temporary name and renamed into place (``os.replace``), so a process never reads a half-written
copy. The copy is a pickle: only point ``REECHAIN_CACHE_DIR`` at a folder that you alone can
write.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

ENV_DIR = "REECHAIN_CACHE_DIR"
ENV_OFF = "REECHAIN_NO_CACHE"
FORMAT = 1  # bump when the layout of the pickled payload changes
PREFIX, SUFFIX = "embedded-", ".pickle"
KEEP = 3  # copies kept (e.g. two checkouts or versions in turn), newest first
# The modules whose code decides what a loaded table holds: a change to any of them (a new
# column type, a new check) invalidates the copies.
_CODE = ("cache.py", "checks.py", "dataset.py", "names.py", "schema.py")


def cache_dir() -> Path | None:
    """The cache folder, or None when ``REECHAIN_NO_CACHE`` turns the cache off."""
    if os.environ.get(ENV_OFF, "").strip() not in ("", "0"):
        return None
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "reechain"


def package_key(folder: Path, files: list[str]) -> str:
    """SHA-256 of ``files`` (relative to ``folder``; a missing one counts as missing), the
    loader's code and the versions that shape the pickled tables."""
    import pandas as pd

    # the package root is imported before any of its modules; importing it from here would
    # make the data layer depend on the layers its lazy public API names
    version = getattr(sys.modules.get("reechain"), "__version__", "unknown")
    digest = hashlib.sha256(
        f"format {FORMAT}; reechain {version}; pandas {pd.__version__}; "
        f"python {sys.version}".encode()
    )
    here = Path(__file__).parent
    for name in _CODE:
        digest.update(f"\0code {name}\0".encode())
        digest.update((here / name).read_bytes())
    for name in sorted(files):
        path = folder / name
        digest.update(f"\0file {name}\0".encode())
        digest.update(path.read_bytes() if path.is_file() else b"\0missing\0")
    return digest.hexdigest()


def path_for(key: str, folder: Path) -> Path:
    return folder / f"{PREFIX}{key[:40]}{SUFFIX}"


def read(key: str) -> dict[str, Any] | None:
    """The tables stored under ``key``, or None (no copy, cache off, or an unreadable copy)."""
    folder = cache_dir()
    if folder is None:
        return None
    path = path_for(key, folder)
    try:
        with open(path, "rb") as fh:
            payload = pickle.load(fh)
    except FileNotFoundError:
        logger.debug("no cached copy of the embedded data at %s", path)
        return None
    except Exception as exc:  # any unreadable copy (truncated, garbage): use the CSVs
        logger.warning(
            "ignoring the unreadable data cache %s (%s: %s); reading and checking the CSV files",
            path,
            type(exc).__name__,
            exc,
        )
        return None
    tables = payload.get("tables") if isinstance(payload, dict) else None
    if (
        not isinstance(payload, dict)
        or payload.get("key") != key
        or not isinstance(tables, dict)
        or not all(hasattr(df, "columns") and hasattr(df, "index") for df in tables.values())
    ):
        logger.warning(
            "ignoring the data cache %s (not a copy of this package); reading and checking "
            "the CSV files",
            path,
        )
        return None
    logger.debug("read the validated embedded data from %s", path)
    return tables


def write(key: str, tables: dict[str, Any]) -> Path | None:
    """Store ``tables`` under ``key`` atomically; on any failure log a warning and go on."""
    folder = cache_dir()
    if folder is None:
        return None
    path = path_for(key, folder)
    tmp: str | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{PREFIX}", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump({"key": key, "tables": tables}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tmp = None
    except Exception as exc:  # a cache that cannot be written only costs time
        logger.warning(
            "cannot write the data cache in %s (%s: %s); the next load checks the CSV files again",
            folder,
            type(exc).__name__,
            exc,
        )
        return None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    logger.debug("wrote the validated embedded data to %s", path)
    _prune(folder, path)
    return path


def _prune(folder: Path, current: Path) -> None:
    """Keep the newest few copies; drop temporary files a killed writer left behind."""
    try:
        copies = sorted(
            (p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p != current),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        stale = [
            p for p in folder.glob(f".{PREFIX}*.tmp") if time.time() - p.stat().st_mtime > 3600
        ]
        for p in copies[KEEP - 1 :] + stale:
            p.unlink(missing_ok=True)
    except OSError as exc:
        logger.debug("could not prune the data cache in %s: %s", folder, exc)
