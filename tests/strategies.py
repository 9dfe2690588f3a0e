"""Hypothesis strategy: small valid scenarios that exercise every hard rule of docs/rules.md.

Besides theatres, sessions, surgeons and cases, a drawn scenario may have site-bound and
shared equipment with set-up times, PACU units with fewer beds at some hours, ICU and ward
beds with patients already in them, anaesthesia teams, sequencing flags, surgeons present
only part of a day, and hard deadlines.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

START = dt.date(2027, 3, 1)
SPECIALTIES = ("ortho", "gastro")
FLAGS = ("child", "latex-allergy", "infected", "diabetic")


def _day(d: int) -> str:
    return (START + dt.timedelta(days=d)).isoformat()


@st.composite
def clinical_scenarios(draw: st.DrawFn, robust: bool = False) -> dict[str, Any]:
    """A scenario dict (for ``scenario_from_dict``) of 1-3 theatres, 1-3 days, 0-14 cases.

    With ``robust`` the rules set an overtime-probability target (0.1-0.3) and some cases
    carry their own duration spread (``duration_sd``).
    """
    days = draw(st.integers(1, 3))
    theatres = []
    for t in range(draw(st.integers(1, 3))):
        theatres.append(
            {
                "id": f"T{t}",
                "site": draw(st.sampled_from(["A", "B"])),
                "specialties": draw(st.sampled_from([[], [], ["ortho"]])),
                "capabilities": draw(st.sampled_from([["laminar-flow"], ["laminar-flow"], []])),
            }
        )
    sites = sorted({t["site"] for t in theatres})
    sessions = []
    for theatre in theatres:
        for d in range(days):
            if draw(st.integers(0, 4)) == 0:
                continue
            opening = draw(st.sampled_from([450, 480, 487]))
            sessions.append(
                {
                    "theatre": theatre["id"],
                    "date": _day(d),
                    "open": opening,
                    "close": opening + draw(st.integers(90, 450)),
                    "specialty": draw(st.sampled_from([None, None, *SPECIALTIES])),
                    "overtime": draw(st.sampled_from([0, 30, 60])),
                }
            )
    surgeons = []
    for g in range(draw(st.integers(1, 3))):
        entry: dict[str, Any] = {
            "id": f"S{g}",
            "specialty": draw(st.sampled_from(SPECIALTIES)),
            "max_minutes_per_day": draw(st.integers(60, 480)),
        }
        if draw(st.booleans()):
            entry["available"] = [
                {"date": _day(d), "start": draw(st.sampled_from([420, 540])), "end": 960}
                for d in range(days)
                if draw(st.booleans())
            ]
            for slot in list(entry["available"]):
                if draw(st.integers(0, 2)) == 0:  # a split day: away from 11:00 to 12:30
                    entry["available"].append({**slot, "start": 750})
                    slot["end"] = 660
        surgeons.append(entry)
    equipment = [
        {
            "id": f"E{e}",
            "count": draw(st.sampled_from([0, 1, 1, 2])),
            "setup": draw(st.sampled_from([0, 15, 40])),
            "site": draw(st.none() | st.sampled_from(sites)),
        }
        for e in range(draw(st.integers(0, 2)))
    ]
    recovery = []
    for site in sites:
        if draw(st.booleans()):
            unit: dict[str, Any] = {"site": site, "beds": draw(st.integers(0, 3))}
            if draw(st.booleans()):
                unit["periods"] = [{"start": 600, "end": 720, "beds": draw(st.integers(0, 1))}]
            recovery.append(unit)
    beds = []
    for site in sites:
        for kind in ("icu", "ward"):
            if draw(st.booleans()):
                total = draw(st.integers(1, 4))
                beds.append(
                    {
                        "site": site,
                        "kind": kind,
                        "beds": total,
                        "occupied": {_day(0): min(1, total)},
                    }
                )
    staff = [
        {"site": site, "teams": draw(st.integers(1, 2))} for site in sites if draw(st.booleans())
    ]
    cases = []
    for c in range(draw(st.integers(4 if robust else 0, 14))):
        case: dict[str, Any] = {
            "id": f"C{c}",
            "patient": f"P{c}",
            "procedure": "procedure",
            "specialty": draw(st.sampled_from(SPECIALTIES)),
            "duration": draw(st.integers(10, 180)),
            "priority": draw(st.integers(1, 4)),
            "flags": draw(st.lists(st.sampled_from(FLAGS), max_size=2, unique=True)),
            "recovery_minutes": draw(st.sampled_from([0, 0, 45, 120])),
            "icu_days": draw(st.sampled_from([0, 0, 0, 1, 2])),
            "ward_days": draw(st.sampled_from([0, 0, 1, 3])),
            "requires": draw(st.sampled_from([[], [], ["laminar-flow"]])),
        }
        if equipment:
            case["equipment"] = draw(
                st.lists(st.sampled_from([e["id"] for e in equipment]), max_size=1)
            )
        mode = draw(st.sampled_from(["fixed", "list", "any"]))
        if mode == "fixed":
            case["surgeon"] = draw(st.sampled_from([s["id"] for s in surgeons]))
        elif mode == "list":
            case["eligible_surgeons"] = draw(
                st.lists(st.sampled_from([s["id"] for s in surgeons]), min_size=1, unique=True)
            )
        if draw(st.booleans()):
            case["release"] = _day(draw(st.integers(-3, days - 1)))
        if draw(st.booleans()):
            low = (
                0
                if "release" not in case
                else (dt.date.fromisoformat(case["release"]) - START).days
            )
            case["due"] = _day(draw(st.integers(max(low, -2), days + 1)))
        if robust and draw(st.integers(0, 3)) > 0:
            case["duration_sd"] = draw(st.integers(0, 90))
        cases.append(case)
    rules: dict[str, Any] = {"deadlines_hard": draw(st.booleans())}
    if robust:
        rules["overtime_probability"] = draw(st.sampled_from([0.1, 0.2, 0.3]))
    return {
        "name": "random-clinical",
        "horizon": {"start": START.isoformat(), "days": days},
        "time_step": draw(st.sampled_from([1, 5, 15])),
        "theatres": theatres,
        "sessions": sessions,
        "surgeons": surgeons,
        "cases": cases,
        "equipment": equipment,
        "recovery": recovery,
        "beds": beds,
        "staff": staff,
        "rules": rules,
    }


def _sometimes(draw: st.DrawFn, one_in: int = 6) -> bool:
    """True about once in ``one_in`` draws: a restriction most tiny scenarios do without."""
    return draw(st.integers(0, one_in - 1)) == 0


@st.composite
def tiny_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A scenario dict small enough for the brute-force oracle (``tests/oracle.py``).

    One or two theatres with one or two short sessions in all (60-180 min, up to 30 min of
    overtime) on a 10- or 15-minute grid, one or two surgeons, and one to four cases of
    10-90 min that may need equipment, PACU, ICU or ward beds, a team, or carry sequencing
    flags; about a quarter are mandatory, so some scenarios have no valid plan. Each
    restriction (a specialty, missing capability, surgeon hours, a release date) is drawn
    only now and then, so that most cases have several places to go and interact.
    """
    days = draw(st.integers(1, 2))
    theatres = [
        {
            "id": f"T{t}",
            "site": draw(st.sampled_from(["A", "B"])),
            "specialties": ["ortho"] if _sometimes(draw) else [],
            "capabilities": [] if _sometimes(draw) else ["laminar-flow"],
        }
        for t in range(draw(st.integers(1, 2)))
    ]
    sites = sorted({t["site"] for t in theatres})
    slots = [(t["id"], d) for t in theatres for d in range(days)]
    picked = draw(st.lists(st.sampled_from(slots), min_size=1, max_size=2, unique=True))
    sessions = []
    for theatre, d in picked:
        opening = draw(st.sampled_from([480, 487, 510]))
        sessions.append(
            {
                "theatre": theatre,
                "date": _day(d),
                "open": opening,
                "close": opening + draw(st.integers(60, 180)),
                "specialty": draw(st.sampled_from(SPECIALTIES)) if _sometimes(draw) else None,
                "overtime": draw(st.sampled_from([0, 0, 15, 30])),
            }
        )
    surgeons = []
    for g in range(draw(st.integers(1, 2))):
        entry: dict[str, Any] = {
            "id": f"S{g}",
            "specialty": "gastro" if _sometimes(draw) else "ortho",
            "max_minutes_per_day": draw(st.integers(60, 240)),
        }
        if _sometimes(draw):
            entry["available"] = [
                {
                    "date": _day(d),
                    "start": draw(st.sampled_from([420, 525])),
                    "end": draw(st.sampled_from([600, 720])),
                }
                for d in range(days)
                if draw(st.integers(0, 3)) > 0
            ]
        if draw(st.integers(0, 3)) == 0:
            entry["preferred_weekdays"] = [1]  # Tuesday; day 0 is a Monday
        surgeons.append(entry)
    equipment = [
        {
            "id": "E0",
            "count": draw(st.sampled_from([0, 1, 1, 1, 2])),
            "setup": draw(st.sampled_from([0, 15])),
            "site": draw(st.none() | st.sampled_from(sites)),
        }
    ] * draw(st.integers(0, 1))
    recovery = []
    for site in sites:
        if draw(st.booleans()):
            unit: dict[str, Any] = {"site": site, "beds": draw(st.sampled_from([0, 1, 1, 2]))}
            if draw(st.booleans()):
                unit["periods"] = [{"start": 540, "end": 600, "beds": draw(st.integers(0, 1))}]
            recovery.append(unit)
    beds = []
    for site in sites:
        for kind in ("icu", "ward"):
            if draw(st.integers(0, 2)) == 0:
                total = draw(st.integers(1, 2))
                occupied = {_day(0): draw(st.integers(0, total))}
                beds.append({"site": site, "kind": kind, "beds": total, "occupied": occupied})
    staff = [{"site": site, "teams": 1} for site in sites if draw(st.booleans())]
    cases = []
    for c in range(draw(st.integers(1, 4))):
        case: dict[str, Any] = {
            "id": f"C{c}",
            "patient": f"P{c}",
            "procedure": "procedure",
            "specialty": "gastro" if _sometimes(draw) else "ortho",
            "duration": draw(st.integers(10, 90)),
            "priority": draw(st.integers(1, 4)),
            "mandatory": draw(st.integers(0, 3)) == 0,
            "flags": draw(st.lists(st.sampled_from(FLAGS), max_size=2, unique=True)),
            "recovery_minutes": draw(st.sampled_from([0, 0, 30])),
            "icu_days": draw(st.sampled_from([0, 0, 1])),
            "ward_days": draw(st.sampled_from([0, 0, 1, 2])),
            "requires": ["laminar-flow"] if _sometimes(draw) else [],
            "turnover": draw(st.none() | st.sampled_from([0, 10])),
        }
        if equipment and draw(st.booleans()):
            case["equipment"] = ["E0"]
        mode = draw(st.sampled_from(["fixed", "list", "any"]))
        if mode == "fixed":
            case["surgeon"] = draw(st.sampled_from([s["id"] for s in surgeons]))
        elif mode == "list":
            case["eligible_surgeons"] = draw(
                st.lists(st.sampled_from([s["id"] for s in surgeons]), min_size=1, unique=True)
            )
        if _sometimes(draw, 3):
            case["release"] = _day(draw(st.integers(-2, days - 1)))
        if draw(st.booleans()):
            low = 0
            if "release" in case:
                low = (dt.date.fromisoformat(case["release"]) - START).days
            case["due"] = _day(draw(st.integers(max(low, -1), days)))
        cases.append(case)
    return {
        "name": "tiny-random",
        "horizon": {"start": START.isoformat(), "days": days},
        "time_step": draw(st.sampled_from([10, 15])),
        "default_turnover": draw(st.sampled_from([0, 15])),
        "theatres": theatres,
        "sessions": sessions,
        "surgeons": surgeons,
        "cases": cases,
        "equipment": equipment,
        "recovery": recovery,
        "beds": beds,
        "staff": staff,
        "rules": {"deadlines_hard": draw(st.booleans())},
    }
