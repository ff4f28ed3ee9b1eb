"""The README's Python examples run as they are written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)


def test_the_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 1


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_python_block_runs(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the examples name files relative to the repository root
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    # what the block computed, against the published figures it shows
    shares = namespace["s"].set_index("group")["share"]
    assert shares["CHN"] == pytest.approx(270_000 / 390_000)  # USGS MCS 2025: China 2024
    flows = namespace["res"].flows  # type: ignore[attr-defined]
    assert {"mining", "separation", "metal", "magnet"} <= set(flows["stage"])
