"""Scenario commands: ``dibsim validate``, ``dibsim schema`` and ``dibsim list``."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    """Add the scenario subcommands."""
    p = sub.add_parser("validate", help="check scenario, targets and calibration files; exit 2 with one line per problem")
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files or names, *.targets.yaml, calibration configs")
    p.set_defaults(handler=validate)

    p = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(handler=schema)

    p = sub.add_parser("list", help="list shipped scenarios and the metrics with descriptions")
    p.set_defaults(handler=list_all)


def validate(args: argparse.Namespace) -> int:
    """Validate every file as what its ``format:`` key says it is (a scenario, replay targets
    or a calibration config); report all problems, not just the first file's.
    """
    from ...model.loader import ScenarioError
    from ..validation.data_files import validate_file

    failed = 0
    for f in args.files:
        try:
            print(validate_file(f))
        except ScenarioError as exc:
            failed += 1
            for line in exc.problems:
                print(line, file=sys.stderr)
    return 2 if failed else 0


def schema(args: argparse.Namespace) -> int:
    """Print or write the scenario JSON Schema (for editor completion and checking)."""
    from ...model.schema import Scenario

    text = json.dumps(Scenario.model_json_schema(), indent=2)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        print(f"wrote {args.output}")
    else:
        print(text)
    return 0


def list_all(args: argparse.Namespace) -> int:
    """Scenarios with their descriptions, then the metrics with unit and meaning."""
    from ...model.loader import ScenarioError, available_scenarios, load_scenario
    from ...model.metrics import METRICS

    print("Scenarios (scenarios/):")
    for name in available_scenarios():
        try:
            desc = load_scenario(name).description.strip().splitlines()
            line = desc[0] if desc else ""
        except ScenarioError as exc:
            line = f"INVALID — {exc.problems[0]}"
        print(f"  {name:34s} {line}")
    print("\nMetrics (one value per run):")
    for name, spec in METRICS.items():
        print(f"  {name:30s} [{spec.unit}] {spec.description}")
    return 0
