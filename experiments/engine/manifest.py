"""``manifest.json``: what an experiment was, so its results carry their own metadata.

The manifest holds the resolved scenarios and their hashes, each scenario's design (points and,
for sampled designs, the SALib problem and raw sample), the root seed, planned/done/failed
counts, the code revision, package versions, start and finish times, a ``completed`` flag, and
one entry per session (invocation) with its executor and worker count.

Its ``fingerprint`` is what ``--resume`` checks: a folder is resumed only by the same scenarios
(hashes), designs, root seed, horizon and series setting; replicates may only grow.
"""

from __future__ import annotations

import datetime as _dt
import json
import platform
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UserError
from .results import MANIFEST_FILE, write_json_atomic

if TYPE_CHECKING:
    from .plan import Plan

FORMAT = "dibsim-results/1"
PACKAGES = ("mesa", "numpy", "pandas", "pyarrow", "scipy", "SALib", "pydantic", "dask",
            "distributed", "rich", "ema_workbench")
#: The folder holding model/ and experiments/: a source checkout when installed editable.
REPO = Path(__file__).resolve().parent.parent.parent


def now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def new_manifest(plan: "Plan") -> dict[str, Any]:
    """The manifest of a fresh experiment (no session yet, nothing done)."""
    from ...model.loader import scenario_to_dict

    return {
        "format": FORMAT,
        "started_at": now(),
        "finished_at": None,
        "completed": False,
        "root_seed": plan.root_seed,
        "steps": plan.steps,
        "timeseries": plan.timeseries,
        "planned": plan.n_planned,
        "done": 0,
        "failed": 0,
        "metrics": list(plan.metric_names),
        "parameters": list(plan.param_paths),
        "scenarios": [
            {"name": s.name, "source": s.source, "hash": s.hash, "replications": s.replications,
             "n_points": len(s.design.points), "n_runs": s.n_runs,
             "resolved": scenario_to_dict(s.scenario)}
            for s in plan.scenarios
        ],
        "design": {s.name: s.design.to_dict() for s in plan.scenarios},
        "fingerprint": plan.fingerprint(),
        "code_revision": code_revision(),
        "packages": package_versions(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "sessions": [],
    }


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a results folder.

    Raises:
        UserError: when it is missing or unreadable (not a results folder of this tool).
    """
    path = Path(folder) / MANIFEST_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{folder}: not a dibsim results folder (no {MANIFEST_FILE}); use a new --out") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise UserError(f"{path}: unreadable manifest ({exc}); use a new --out") from None


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically."""
    write_json_atomic(manifest, Path(folder) / MANIFEST_FILE, compact=True)


def refresh_for_plan(manifest: dict[str, Any], plan: "Plan") -> dict[str, Any]:
    """A resumed manifest updated to the (possibly larger) plan: replicates, counts, designs."""
    fresh = new_manifest(plan)
    keep = {"started_at": manifest.get("started_at"), "sessions": manifest.get("sessions", [])}
    return {**fresh, **keep}


def check_resumable(manifest: dict[str, Any], plan: "Plan", folder: Path) -> None:
    """Refuse to resume a folder started with other scenarios, designs, seed or horizon.

    Raises:
        UserError: naming the first difference found.
    """
    old, new = manifest.get("fingerprint") or {}, json.loads(json.dumps(plan.fingerprint(), default=str))
    hint = "start a new folder with --out"
    for key, flag in (("root_seed", "root seed (--seed)"), ("steps", "horizon (--steps)"),
                      ("timeseries", "series setting (--no-timeseries)")):
        if old.get(key) != new[key]:
            raise UserError(f"cannot resume {folder}: the {flag} changed ({old.get(key)} → {new[key]}); {hint}")
    old_s = {s["name"]: s for s in old.get("scenarios", [])}
    if list(old_s) != [s["name"] for s in new["scenarios"]]:
        raise UserError(f"cannot resume {folder}: it holds scenarios {list(old_s)}, "
                        f"not {[s['name'] for s in new['scenarios']]}; {hint}")
    for s in new["scenarios"]:
        _check_scenario(old_s[s["name"]], s, folder, hint)


def _check_scenario(old: dict[str, Any], new: dict[str, Any], folder: Path, hint: str) -> None:
    name = new["name"]
    if old["hash"] != new["hash"]:
        raise UserError(f"cannot resume {folder}: scenario '{name}' changed since the folder was started "
                        f"(hash {old['hash']} → {new['hash']}); {hint}")
    if old["design"] != new["design"]:
        raise UserError(f"cannot resume {folder}: the sweep design of '{name}' changed since the folder "
                        f"was started; {hint}")
    if new["replications"] < old["replications"]:
        raise UserError(f"cannot resume {folder}: '{name}' has {old['replications']} replications there, "
                        f"fewer ({new['replications']}) asked; replicates can only be added")


def code_revision() -> dict[str, Any]:
    """The package version, and where the code is a git checkout, its commit and whether the
    working tree differs from it (an installed wheel has no checkout: commit and dirty are None).
    """
    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,  # noqa: S607 - git on PATH
                                 timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    version = package_version()
    top = git("rev-parse", "--show-toplevel") if (REPO / ".git").exists() else None
    if top is None or Path(top).resolve() != REPO:
        return {"version": version, "commit": None, "dirty": None}
    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no", "--", "model", "experiments", "scenarios")
    return {"version": version, "commit": commit, "dirty": bool(status) if status is not None else None}


def package_version() -> str | None:
    """The installed version of dibsim itself."""
    from importlib import metadata

    try:
        return metadata.version("dibsim")
    except metadata.PackageNotFoundError:
        return None


def package_versions() -> dict[str, str | None]:
    """Versions of the packages that shape results."""
    from importlib import metadata

    out: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out
