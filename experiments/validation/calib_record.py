"""The stored calibration result: a small record of a finished calibration, committed beside its
config, from which the tables of docs/calibration.md are generated and which ``dibsim study``
reads for its plausible-set checks.

``scenarios/calibration/results/<name>.json`` (``format: dibsim-calibration-record/1``, with a
``version`` field) holds what a reader of the calibration needs a year later without the
results folder: the config's name and fingerprint, the trials and seeds, the code revision,
the best trial, the error per replay and the plausible set by history matching (every
carried point with its values, implausibility and study overrides).

Store a finished folder and regenerate the docs with
``python -m dibsim.experiments.docs_gen --store-calibration results/<name>``;
``tests/test_docs.py`` fails when docs/calibration.md and the stored records disagree.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ...model.loader import SCENARIO_DIR
from ..errors import UserError

RECORD_FORMAT, RECORD_VERSION = "dibsim-calibration-record/1", 1
RECORD_DIR = Path(SCENARIO_DIR) / "calibration" / "results"
BEGIN = "<!-- generated from scenarios/calibration/results/{name}.json by python -m dibsim.experiments.docs_gen; do not edit by hand -->"
END = "<!-- end of the generated table of {name} -->"


def make_record(folder: Path | str) -> dict[str, Any]:
    """The record of a finished calibration folder.

    Raises:
        UserError: when the folder is not a finished calibration.
    """
    folder = Path(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        best = json.loads((folder / "best.json").read_text(encoding="utf-8"))
        ensemble = json.loads((folder / "ensemble.json").read_text(encoding="utf-8"))
        with open(folder / "summary.csv", encoding="utf-8") as fh:
            summary = list(csv.DictReader(fh))
    except (OSError, ValueError) as exc:
        raise UserError(f"{folder}: not a finished calibration ({exc})") from None
    if not manifest.get("completed") or ensemble.get("version", 1) < 2:
        raise UserError(f"{folder}: not a finished calibration with a history-matched plausible "
                        "set; rerun dibsim calibrate")
    config = manifest["config"]
    sets = ensemble["sets"]
    return {
        "format": RECORD_FORMAT, "version": RECORD_VERSION, "name": manifest["name"],
        "fingerprint": manifest["fingerprint"], "root_seed": manifest["root_seed"],
        "trials": manifest["trials"], "seeds": config["loss"]["seeds"],
        "code_revision": manifest["code_revision"], "finished_at": manifest["finished_at"],
        "fitted": manifest["fitted"], "reported": manifest["reported"],
        "best": {"trial": best["trial"], "loss": best["loss"], "values": best["values"]},
        "summary": [{"replay": s["replay"], "role": s["role"], "reached": s["reached"] == "True",
                     "error": float(s["error"]), "rate_error": _float(s["rate_error"]),
                     "targets_ok": int(s["targets_ok"]), "targets": int(s["targets"])}
                    for s in summary],
        "plausible_set": {"rule": ensemble["rule"], "cutoff": ensemble["cutoff"],
                          "points": ensemble["points"], "plausible": ensemble["plausible"],
                          "ruled_out_by_target": ensemble["ruled_out_by_target"],
                          "carried": [{k: sets[i][k] for k in ("trial", "loss", "implausibility",
                                                               "values", "study_overrides")}
                                      for i in ensemble["carried"]],
                          "ranges": _ranges(sets)},
    }


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value else None


def _ranges(sets: list[dict[str, Any]]) -> dict[str, list[float]]:
    """Each variable's smallest and largest value over the plausible set."""
    out: dict[str, list[float]] = {}
    for s in sets:
        for k, v in s["values"].items():
            lo, hi = out.get(k, [v, v])
            out[k] = [min(lo, v), max(hi, v)]
    return out


def store(folder: Path | str, where: Path = RECORD_DIR) -> Path:
    """Write the record of ``folder`` to ``<where>/<name>.json``."""
    from ..stored_json import write_record

    return write_record(make_record(folder), where)


def read_record(name: str, where: Path = RECORD_DIR) -> dict[str, Any] | None:
    """A stored record by calibration name (None when none is stored).

    Raises:
        UserError: on a file that is not a record of the version this code reads
            (:func:`experiments.stored_json.read_versioned`).
    """
    from ..stored_json import read_versioned

    return read_versioned(where / f"{name}.json", RECORD_FORMAT, RECORD_VERSION,
                          "store the calibration again (python -m dibsim.experiments.docs_gen "
                          "--store-calibration results/<name>)")


def stored_records(where: Path = RECORD_DIR) -> list[dict[str, Any]]:
    """Every stored record, by name."""
    names = sorted(p.stem for p in where.glob("*.json")) if where.is_dir() else []
    return [r for n in names if (r := read_record(n, where)) is not None]


def _g(v: Any) -> str:
    return "—" if v is None else (f"{v:.3g}" if isinstance(v, float) else str(v))


def table(record: dict[str, Any]) -> str:
    """The generated Markdown of one record: how it was run, the best trial, the error per
    replay and the plausible set.
    """
    best, ps = record["best"], record["plausible_set"]
    rev = record["code_revision"]
    lines = [f"Stored result: {record['trials']} trials × {record['seeds']} seeds, root seed "
             f"{record['root_seed']}, code {str(rev.get('commit'))[:10]}"
             f"{' (uncommitted changes)' if rev.get('dirty') else ''}, finished "
             f"{str(record['finished_at'])[:10]}.", "",
             f"Best trial {best['trial']} (loss {best['loss']:.3f}): "
             + ", ".join(f"`{k}` {_g(v)}" for k, v in best["values"].items()) + ".", "",
             "| replay | role | reached by the parameters | error (in tolerances) | rate error | targets met |",
             "|---|---|---|---|---|---|"]
    for s in record["summary"]:
        rate = "—" if s["rate_error"] is None else f"{100 * s['rate_error']:.1f} %"
        lines.append(f"| `{s['replay']}` | {s['role']} | {'yes' if s['reached'] else '**no**'} | "
                     f"{s['error']:.2f} | {rate} | {s['targets_ok']}/{s['targets']} |")
    lines += ["", f"Plausible set (history matching, implausibility ≤ {ps['cutoff']:g} on every "
              f"target): **{ps['plausible']} of {ps['points']} points**"
              + (f"; {len(ps['carried'])} carried into `dibsim study --ensemble`." if ps["carried"] else ".")]
    if ps["ranges"]:
        lines.append("Over the set: " + "; ".join(f"`{k}` {_g(lo)}–{_g(hi)}"
                                                  for k, (lo, hi) in ps["ranges"].items()) + ".")
    if ps["ruled_out_by_target"]:
        worst = sorted(ps["ruled_out_by_target"].items(), key=lambda kv: -kv[1])[:3]
        lines.append("Targets ruling out most points: " + "; ".join(f"{k} ({n})" for k, n in worst) + ".")
    return "\n".join(lines)


def render_doc(current: str, records: list[dict[str, Any]] | None = None) -> str:
    """docs/calibration.md with each record's generated block replaced (between its markers)."""
    for record in stored_records() if records is None else records:
        current = replace_block(current, BEGIN.format(name=record["name"]),
                                END.format(name=record["name"]), table(record))
    return current


def replace_block(current: str, begin: str, end: str, body: str) -> str:
    """``current`` with the text between the marker lines ``begin`` and ``end`` set to
    ``body`` (unchanged when the markers are not both there).
    """
    from ..docs_gen import block_span

    span = block_span(current, begin, end)
    if span is None:
        return current
    return current[:span[0]] + f"{begin}\n{body}\n{end}" + current[span[1]:]
