"""``orplan export fhir`` and ``orplan import fhir``: plans out as FHIR, waiting lists in."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_fhir_parser", "run_export", "run_import"]

EXPORT_EXAMPLES = (
    "examples:\n"
    "  orplan export fhir scenarios/demo.yaml out/demo --out out/demo/bundle.json\n"
    "  orplan export fhir scenarios/demo.yaml out/demo/plan.json --out draft.json --proposed\n"
    "  orplan export fhir out/replan --parent out/demo/plan.json --out changes.json\n"
    "  ORPLAN_PSEUDONYM_KEY=... orplan export fhir s.yaml out/s --out b.json --pseudonymise"
)
IMPORT_EXAMPLES = (
    "example:\n"
    "  orplan import fhir waiting-list.json --base scenarios/demo.yaml "
    "--mapping mapping.yaml --out scenario.yaml"
)


def _plan_file(path: Path) -> Path:
    """A plan folder (as ``orplan solve --out`` writes) or its ``plan.json``."""
    return path / "plan.json" if path.is_dir() else path


def _scenario_and_plan(paths: list[Path]) -> tuple[Path, Path]:
    """``SCENARIO PLAN``, or one folder holding both (``orplan replan`` and ``orplan book
    --apply`` write scenario.yaml beside plan.json; ``orplan solve`` does not)."""
    from orplan.errors import ScenarioError

    if len(paths) == 2:
        return paths[0], paths[1]
    if len(paths) == 1 and (paths[0] / "scenario.yaml").is_file():
        return paths[0] / "scenario.yaml", paths[0]
    if len(paths) == 1:
        raise ScenarioError(
            str(paths[0]), ["no scenario.yaml in it; give the scenario: SCENARIO PLAN"]
        )
    raise ScenarioError("export fhir", [f"{len(paths)} paths given; give SCENARIO PLAN"])


def run_export(args: argparse.Namespace) -> int:
    """Check the plan, then write it as a FHIR Bundle (JSON)."""
    from orplan.fhir.export import export_bundle
    from orplan.files import atomic_write_text, check_output_file
    from orplan.plan.io import load_plan, scenario_as_planned
    from orplan.pseudonym import apply_option
    from orplan.scenario import load_scenario

    check_output_file(args.out)
    scenario_path, plan_path = _scenario_and_plan(args.paths)
    plan = load_plan(_plan_file(plan_path))
    scenario = scenario_as_planned(load_scenario(scenario_path), plan)
    scenario = apply_option(scenario, args)
    parent = load_plan(_plan_file(args.parent)) if args.parent is not None else None
    bundle = export_bundle(
        scenario, plan, proposed=args.proposed, timezone=args.timezone, parent=parent
    )
    atomic_write_text(args.out, bundle.model_dump_json(indent=2, exclude_none=True) + "\n")
    if not args.quiet:
        kinds: dict[str, int] = {}
        for entry in bundle.entry or []:
            assert entry.resource is not None
            kind = entry.resource.get_resource_type()
            kinds[kind] = kinds.get(kind, 0) + 1
        counts = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        print(f"checked plan written as a FHIR R4 bundle: {counts}\nwrote {args.out}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Read a bundle's ServiceRequests as the cases of the base scenario; write a scenario."""
    from orplan.fhir.importer import load_bundle_cases
    from orplan.fhir.mapping import FhirMapping
    from orplan.files import check_output_file
    from orplan.scenario import load_scenario, save_scenario
    from orplan.scenario.io import load_model_file, scenario_from_dict

    check_output_file(args.out)
    if args.out.suffix.lower() not in (".yaml", ".yml", ".json"):
        from orplan.errors import OutputPathError

        raise OutputPathError("--out", args.out, "name a .yaml or .json scenario file")
    mapping = load_model_file(args.mapping, FhirMapping) if args.mapping is not None else None
    durations = None
    if args.durations is not None:
        from orplan.durations.model import DurationModel

        durations = DurationModel.load(args.durations)
    base = load_scenario(args.base)
    cases = [case for _, case in load_bundle_cases(args.bundle, mapping, durations)]
    data = base.model_dump(mode="json", exclude_none=True)
    data.pop("cases_file", None)
    data["cases"] = [c.model_dump(mode="json", exclude_none=True) for c in cases]
    # Checked as a whole: a surgeon or specialty the base scenario lacks is named here.
    scenario = scenario_from_dict(data, str(args.bundle))
    save_scenario(scenario, args.out)
    if not args.quiet:
        print(
            f"{args.bundle}: {len(cases)} cases on {base.name!r}'s theatres; wrote {args.out}",
            file=sys.stdout,
        )
    return 0


def add_fhir_parser(subparsers: Any) -> None:
    """Add ``export fhir`` and ``import fhir`` to ``orplan``'s sub-parsers."""
    from orplan.pseudonym import add_pseudonym_options

    fmt = argparse.RawDescriptionHelpFormatter
    export = subparsers.add_parser("export", help="export a checked plan (FHIR R4)")
    formats = export.add_subparsers(dest="format", required=True)
    p = formats.add_parser(
        "fhir",
        help="a plan as a FHIR R4 Bundle (JSON)",
        epilog=EXPORT_EXAMPLES,
        formatter_class=fmt,
    )
    p.add_argument("paths", type=Path, nargs="+", metavar="[SCENARIO] PLAN",
                   help="the scenario and plan.json (or its folder); a folder alone when it "
                        "holds scenario.yaml (orplan replan, book --apply)")  # fmt: skip
    p.add_argument("--out", type=Path, required=True, help="bundle file to write (.json)")
    p.add_argument(
        "--proposed",
        action="store_true",
        help="appointments 'proposed' (a draft) instead of 'booked'",
    )
    p.add_argument(
        "--timezone",
        default="Europe/Oslo",
        help="IANA time zone of the session times (default Europe/Oslo)",
    )
    p.add_argument(
        "--parent",
        type=Path,
        default=None,
        help="the published plan a replanned plan replaces: its moved and "
        "cancelled appointments are exported as cancelled",
    )
    add_pseudonym_options(p)
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(func=run_export)

    importer = subparsers.add_parser("import", help="import a waiting list (FHIR R4)")
    formats = importer.add_subparsers(dest="format", required=True)
    p = formats.add_parser(
        "fhir",
        help="a Bundle of ServiceRequests as a scenario's cases",
        epilog=IMPORT_EXAMPLES,
        formatter_class=fmt,
    )
    p.add_argument("bundle", type=Path, help="FHIR Bundle (JSON) of ServiceRequests")
    p.add_argument(
        "--base", type=Path, required=True, help="scenario giving theatres, sessions and surgeons"
    )
    p.add_argument(
        "--mapping",
        type=Path,
        default=None,
        help="YAML: durations etc. FHIR does not carry (docs/fhir.md)",
    )
    p.add_argument("--durations", type=Path, default=None, metavar="MODEL",
                   help="fitted duration model (orplan durations fit) for durations neither "
                        "the bundle nor the mapping's code entry gives")  # fmt: skip
    p.add_argument("--out", type=Path, required=True, help="scenario file to write")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(func=run_import)
