"""Tests of the IHTC benchmark runner's reporting helpers (no solving)."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.ihtc.run import parse_params, plot_gaps, read_reference, write_markdown


def test_read_reference(ihtc_data: Path) -> None:
    """Both reference columns are read; the test set has no upper bound."""
    refs = read_reference(ihtc_data)
    assert refs["i01"] == {"competition_best": 3842, "upper_bound": 3842}
    assert refs["i07"]["upper_bound"] == 4985 < (refs["i07"]["competition_best"] or 0)
    assert refs["test01"]["upper_bound"] is None


def test_markdown_and_plot(ihtc_data: Path, tmp_path: Path) -> None:
    """The table lists each instance, the mean gaps and the feasible count; the plot is written."""
    rows = [
        {
            "instance": "i01",
            "cost": 3900,
            "upper_bound": 3842,
            "competition_best": 3842,
            "gap_to_best_known_pct": 1.51,
            "gap_to_competition_best_pct": 1.51,
            "time_to_first_feasible": 0.1,
            "wall_time": 9.0,
            "feasible": True,
        },
        {
            "instance": "i02",
            "cost": None,
            "upper_bound": 1264,
            "competition_best": 1264,
            "gap_to_best_known_pct": None,
            "gap_to_competition_best_pct": None,
            "time_to_first_feasible": None,
            "wall_time": 9.0,
            "feasible": False,
        },
    ]
    md = tmp_path / "r.md"
    write_markdown(rows, md, "title")
    text = md.read_text()
    assert "| i01 | 3900 | 3842 | 1.51 |" in text
    assert "Mean gap to best known: 1.51 % over 1 instances." in text
    assert "Feasible: 1 of 2." in text
    png = tmp_path / "g.png"
    assert plot_gaps({"i01": [(0.5, 4200), (8.0, 3900)]}, read_reference(ihtc_data), png)
    assert png.stat().st_size > 0


def test_side_by_side_table(tmp_path: Path) -> None:
    """Rows from several files and limits: the last file wins, missing runs are said, each
    limit's mean is over its own rows, and the commits of the rows are listed."""
    from benchmarks.ihtc.run import COLUMNS
    from benchmarks.ihtc.table import MARK_END, MARK_START, collect, markdown, update_readme

    def write(name: str, rows: list[dict[str, object]]) -> Path:
        path = tmp_path / name
        lines = [",".join(COLUMNS)]
        for r in rows:
            lines.append(",".join(str(r.get(c, "")) for c in COLUMNS))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def row(inst: str, limit: int, cost: int, gap: float, feasible: bool = True) -> dict:
        return {"instance": inst, "time_limit": float(limit), "cost": cost, "upper_bound": 100,
                "gap_to_best_known_pct": gap if feasible else None, "feasible": feasible,
                "violations": 0 if feasible else 3}  # fmt: skip

    old = write(
        "ihtc-2026-01-01-aaaaaaa.csv", [row("i01", 60, 110, 10.0), row("i02", 60, 104, 4.0)]
    )
    new = write("ihtc-2026-01-02-bbbbbbb-600s.csv", [row("i01", 600, 101, 1.0)])
    again = write("ihtc-2026-01-03-ccccccc.csv", [row("i02", 60, 0, 0.0, feasible=False)])
    text = markdown(collect([old, new, again]))
    assert "| i01 | 100 | 110 | 10.0 | 101 | 1.0 |" in text
    assert "| i02 | 100 | infeasible (3) |  | not run |  |" in text
    assert "60 s: 2 of 2 instances run, 1 feasible, mean gap to best known 10.00 %" in text
    assert "commits aaaaaaa, ccccccc." in text
    assert "600 s: 1 of 2 instances run, 1 feasible, mean gap to best known 1.00 %" in text
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{MARK_START}\nold table\n{MARK_END}\nrest\n", encoding="utf-8")
    update_readme(text, readme)
    content = readme.read_text(encoding="utf-8")
    assert "old table" not in content and text in content and content.endswith("rest\n")


def test_components_against_the_best_known(ihtc_data: Path) -> None:
    """A row with the best-known solution's own soft costs differs by 0 everywhere; adding one
    unscheduled patient's weight to S8 shows up in S8 alone."""
    from benchmarks.ihtc.table import COMPONENTS, components

    from orplan.ihtc import evaluate, load_instance, load_solution

    instance = load_instance(ihtc_data / "instances" / "i01.json")
    best = evaluate(instance, load_solution(ihtc_data / "solutions/upper_bound/sol_i01.json"))
    row = {c: str(cost.weighted) for c, cost in zip(COMPONENTS, best.costs, strict=True)}
    row.update(feasible="True", gap_to_best_known_pct="0.0")
    text = components({"i01": (row, "abc1234")}, ihtc_data)
    assert "| i01 | 0.0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |" in text
    row["S8"] = str(int(row["S8"]) + 100)
    text = components({"i01": (row, "abc1234")}, ihtc_data)
    assert "| i01 | 0.0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 100 |" in text
    share = 100 * 100 / best.total_cost
    zeros = "| 0.00 " * 7
    assert text.rstrip().endswith(f"{zeros}| {share:.2f} |")


def test_param_overrides() -> None:
    """``--param`` changes only the named settings and refuses unknown names or bad values."""
    from orplan.ihtc.solve import SolverParams

    params = parse_params(["eject=0", "syncs=5", "lambda_range=2,50"])
    assert (params.eject, params.syncs, params.lambda_range) == (0.0, 5, (2.0, 50.0))
    assert params.move_prob == SolverParams().move_prob
    # one temperature factor per worker, as many as asked for
    assert parse_params(["worker_heat=1,2,3"]).worker_heat == (1.0, 2.0, 3.0)
    for bad in ("nonsense=1", "__init__=1", "eject", "eject=high", "lambda_range=1,2,3"):
        with pytest.raises(ValueError, match="--param"):
            parse_params([bad])
