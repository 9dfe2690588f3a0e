"""The example notebooks are committed without outputs, and as their build script writes them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_the_four_notebooks_exist() -> None:
    names = [p.name for p in NOTEBOOKS]
    for stem in ("01-quickstart", "02-what-if", "03-robust", "04-benchmark"):
        assert any(name.startswith(stem) for name in names), f"no notebook {stem}*"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_outputs(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        assert cell.get("outputs") == [], f"{path.name} cell {index} has outputs"
        assert cell.get("execution_count") is None, f"{path.name} cell {index} was executed"
    assert "widgets" not in notebook.get("metadata", {})


def test_notebooks_match_their_build_script() -> None:
    pytest.importorskip("nbformat")
    script = REPO / "notebooks" / "build_notebooks.py"
    done = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
