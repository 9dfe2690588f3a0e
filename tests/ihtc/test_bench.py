"""Tests of the IHTC benchmark runner's reporting helpers (no solving)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.ihtc.run import plot_gaps, read_reference, write_markdown


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
