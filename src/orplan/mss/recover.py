"""Theatres from counts: turn the count model's blocks per class into a theatre-level MSS.

Within one theatre class and weekday the theatres are interchangeable, so any assignment of
:math:`n_{s,w}` theatres to specialty :math:`s` in week :math:`w` (at most one specialty per
theatre and week) keeps every rule and both bed peaks of the counts. Only the pattern term
depends on the choice: the number of (specialty, theatre) pairs used. Each (class, weekday)
is a small independent problem; its lower bound :math:`\\sum_s \\max_w n_{s,w}` is reached
whenever the specialties can keep their theatres, and CP-SAT finds the fewest pairs
otherwise (e.g. three specialties pairwise sharing weeks in two theatres need one more).
Pinned theatres are classes of their own, so pins are kept exactly.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from orplan.mss.model import Block, MssTheatre

Counts = dict[tuple[str, int], int]  # (specialty, week) -> theatres of the class that week


def _greedy(theatres: list[str], counts: Counts) -> dict[tuple[str, int], list[str]] | None:
    """Give each specialty the same theatres every week when that fits (``None`` if not)."""
    most: dict[str, int] = defaultdict(int)
    for (s, _w), k in counts.items():
        most[s] = max(most[s], k)
    if sum(most.values()) > len(theatres):
        return None
    out: dict[tuple[str, int], list[str]] = {}
    start = 0
    for s in sorted(most):
        own = theatres[start : start + most[s]]
        start += most[s]
        for (s2, w), k in counts.items():
            if s2 == s:
                out[s, w] = own[:k]
    return out


def _exact(
    theatres: list[str], counts: Counts, time_limit: float, seed: int
) -> dict[tuple[str, int], list[str]]:
    """Fewest (specialty, theatre) pairs meeting ``counts`` (CP-SAT; the bound is the LP's)."""
    model = cp_model.CpModel()
    specs = sorted({s for s, _w in counts})
    weeks = sorted({w for _s, w in counts})
    a = {(s, t, w): model.new_bool_var(f"a[{s},{t},{w}]")
         for s in specs for t in theatres for w in weeks}  # fmt: skip
    z = {(s, t): model.new_bool_var(f"z[{s},{t}]") for s in specs for t in theatres}
    for t in theatres:
        for w in weeks:
            model.add_at_most_one(a[s, t, w] for s in specs)
    for s in specs:
        for w in weeks:
            model.add(sum(a[s, t, w] for t in theatres) == counts.get((s, w), 0))
            for t in theatres:
                model.add_implication(a[s, t, w], z[s, t])
    model.minimize(sum(z.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # counts fit the class: never
        raise RuntimeError("no theatre assignment for counts that fit the class")
    return {(s, w): [t for t in theatres if solver.boolean_value(a[s, t, w])]
            for s in specs for w in weeks}  # fmt: skip


def recover_blocks(
    classes: list[list[MssTheatre]],
    counts: dict[tuple[str, int, int, int], int],
    time_limit: float = 5.0,
    seed: int = 0,
) -> list[Block]:
    """Theatre-level blocks with exactly ``counts`` per (specialty, class, week, weekday).

    Parameters
    ----------
    classes
        The theatre classes the counts refer to (by index).
    counts
        ``counts[s, c, w, d]``: blocks of specialty ``s`` in class ``c``, week ``w``,
        weekday ``d``; the counts of one class, week and weekday sum to at most its size.
    time_limit, seed
        For each (class, weekday) that needs CP-SAT (rare: most keep their theatres).

    Returns
    -------
    list of Block
        Sorted by week, weekday, theatre.
    """
    cells: dict[tuple[int, int], Counts] = defaultdict(dict)
    for (s, c, w, d), k in counts.items():
        if k > 0:
            cells[c, d][s, w] = k
    blocks: list[Block] = []
    for (c, d), cell in cells.items():
        theatres = [t.id for t in classes[c]]
        chosen = _greedy(theatres, cell) or _exact(theatres, cell, time_limit, seed)
        blocks += [Block(theatre=t, week=w, weekday=d, specialty=s)
                   for (s, w), ts in chosen.items() for t in ts]  # fmt: skip
    blocks.sort(key=lambda b: (b.week, b.weekday, b.theatre))
    return blocks


def pattern_count(blocks: list[Block]) -> int:
    """Distinct (specialty, theatre, weekday) triples: the theatre model's pattern term."""
    return len({(b.specialty, b.theatre, b.weekday) for b in blocks})
