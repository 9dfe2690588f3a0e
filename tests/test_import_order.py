"""Every module of orplan imports first, on its own (no import cycle hides behind an order).

A cycle between modules only breaks when one of them is imported before the others, e.g.
``orplan.baselines.timing`` first in a benchmark's child process (it happened after a merge:
timing -> common -> orplan.solver -> benders -> mip -> board -> timing). In one fresh
interpreter, each module is imported after every ``orplan`` module is dropped from
``sys.modules``: third-party libraries stay loaded, so this takes seconds, not one
interpreter per module.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orplan

SCRIPT = """
import importlib, sys, traceback
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "orplan" or m.startswith("orplan.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ": " + traceback.format_exc().strip().splitlines()[-1])
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def _modules() -> list[str]:
    root = Path(orplan.__file__).parent
    names = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).with_suffix("")
        if "migrations" in rel.parts or rel.name == "__main__":
            continue  # Alembic scripts run inside Alembic; __main__ runs the CLI
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        names.append(".".join(parts))
    return names


def test_every_module_imports_first() -> None:
    names = _modules()
    assert "orplan.baselines.timing" in names and "orplan.solver.solve" in names
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *names], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
