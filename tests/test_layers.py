"""The layer contract: imports point down only (import-linter, configured in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
LINT = shutil.which("lint-imports")

pytestmark = pytest.mark.skipif(LINT is None, reason="import-linter is not installed")


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter with the project's contract over the package at ``tree/src``."""
    env = {"PYTHONPATH": str(tree / "src"), "PATH": str(Path(sys.executable).parent)}
    return subprocess.run(
        [LINT, "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, check=False
    )


def copy_of_project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(
        ROOT / "src" / "reechain",
        tmp_path / "src" / "reechain",
        ignore=shutil.ignore_patterns("__pycache__", "*.csv", "topojson"),
    )
    return tmp_path


def test_the_project_keeps_the_layer_contract(tmp_path: Path) -> None:
    result = lint(copy_of_project(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        ("data/flows.py", "from reechain.engine import network"),
        ("engine/network.py", "from reechain.analysis import metrics"),
        ("analysis/metrics.py", "import reechain.reports.plot"),
        ("reports/plot/shares.py", "from reechain.web import pages"),
    ],
)
def test_an_upward_import_breaks_the_contract(tmp_path: Path, module: str, upward: str) -> None:
    tree = copy_of_project(tmp_path)
    path = tree / "src" / "reechain" / module
    path.write_text(path.read_text() + f"\n{upward}  # noqa\n")
    result = lint(tree)
    assert result.returncode == 1
    assert "BROKEN" in result.stdout
    assert f"reechain.{module.removesuffix('.py').replace('/', '.')} ->" in result.stdout
