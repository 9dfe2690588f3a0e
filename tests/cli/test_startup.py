"""``orplan --help`` and ``orplan validate`` load no heavy library (start-up time lives in
benchmarks/day_of_surgery; this guards the cause: an import at module level)."""

from __future__ import annotations

import subprocess
import sys

from tests.builders import DATA

HEAVY = ("numpy", "pandas", "matplotlib", "ortools", "numba", "fastapi", "sqlalchemy")


def _loaded_after(code: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {heavy!r} if m in sys.modules))"
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_help_loads_no_heavy_library() -> None:
    assert _loaded_after("import orplan.cli; orplan.cli.build_parser().format_help()") == []


def test_help_loads_no_model_or_interop_library() -> None:
    """Help needs no scenario model: the --pseudonymise options and the fhir, sweep and mss
    commands register themselves without pydantic, fhir.resources, dask or jinja2."""
    code = "import orplan.cli; orplan.cli.build_parser().format_help()"
    heavy = ("pydantic", "fhir.resources", "dask", "distributed", "jinja2")
    assert _loaded_after(code, heavy) == []


def test_validate_loads_no_heavy_library() -> None:
    code = (
        "import contextlib, io, orplan.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert orplan.cli.main(['validate', {str(DATA / 'tiny.yaml')!r}]) == 0"
    )
    assert _loaded_after(code) == []
