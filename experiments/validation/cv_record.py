"""The stored cross-validation: a small record of a finished ``dibsim calibrate --cross-validate``,
committed beside the calibration records, from which the cross-validation table of
docs/calibration.md is generated.

``scenarios/calibration/results/cross_validation/<name>.json`` (``format:
dibsim-cross-validation/1``, with a ``version``) holds how the fits were run (trials, seeds,
root seed, code revision, when) and, per replay, its error in sample (the fit on every fitted
replay) and out of sample (the fit without it; for a report-only replay, the full fit), with
the targets met, whether the parameters reach it, and the held-out fit's values.

Store a finished folder and regenerate the docs with
``python -m dibsim.experiments.docs_gen --store-cross-validation results/<name>-cv``;
``tests/test_docs.py`` fails when docs/calibration.md and the stored records disagree.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ..errors import UserError
from .calib_record import RECORD_DIR, _float, _g, replace_block

CV_FORMAT, CV_VERSION = "dibsim-cross-validation/1", 1
CV_DIR = RECORD_DIR / "cross_validation"
CV_BEGIN = ("<!-- generated from scenarios/calibration/results/cross_validation/{name}.json by "
            "python -m dibsim.experiments.docs_gen; do not edit by hand -->")
CV_END = "<!-- end of the generated cross-validation table of {name} -->"


def _fit(folder: Path) -> tuple[dict[str, Any], dict[str, dict[str, str]], dict[str, Any]]:
    """One finished fit of a cross-validation: its manifest, its summary rows by replay and
    its best trial.

    Raises:
        UserError: when the fit's folder is not a finished calibration.
    """
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        best = json.loads((folder / "best.json").read_text(encoding="utf-8"))
        with open(folder / "summary.csv", encoding="utf-8") as fh:
            summary = {row["replay"]: row for row in csv.DictReader(fh)}
    except (OSError, ValueError, KeyError) as exc:
        raise UserError(f"{folder}: not a finished calibration fit ({exc}); rerun dibsim "
                        "calibrate --cross-validate --resume") from None
    if not manifest.get("completed"):
        raise UserError(f"{folder}: the fit did not finish; rerun dibsim calibrate "
                        "--cross-validate --resume")
    return manifest, summary, best


def _errors(row: dict[str, str]) -> dict[str, Any]:
    return {"error": float(row["error"]), "rate_error": _float(row["rate_error"]),
            "targets_ok": int(row["targets_ok"]), "targets": int(row["targets"]),
            "reached": row["reached"] == "True"}


def make_cv_record(folder: Path | str) -> dict[str, Any]:
    """The record of a finished cross-validation folder (``<folder>/all`` and
    ``<folder>/without-<replay>`` for each fitted replay).

    Raises:
        UserError: when a fit the cross-validation needs is missing or unfinished.
    """
    folder = Path(folder)
    manifest, full, _ = _fit(folder / "all")
    rows = []
    for replay, row in full.items():
        fitted = row["role"] == "fitted"
        entry: dict[str, Any] = {"replay": replay, "role": row["role"],
                                 "in_sample": _errors(row) if fitted else None}
        if fitted and len(manifest["fitted"]) > 1:
            held, summary, best = _fit(folder / f"without-{replay}")
            entry["out_of_sample"] = {**_errors(summary[replay]), "fit_on": held["fitted"],
                                      "values": best["values"]}
        else:
            entry["out_of_sample"] = None if fitted else _errors(row)
        rows.append(entry)
    return {"format": CV_FORMAT, "version": CV_VERSION, "name": manifest["name"],
            "fingerprint": manifest["fingerprint"], "trials": manifest["trials"],
            "seeds": manifest["config"]["loss"]["seeds"], "root_seed": manifest["root_seed"],
            "code_revision": manifest["code_revision"], "finished_at": manifest["finished_at"],
            "note": "", "replays": rows}


def store_cv(folder: Path | str, where: Path = CV_DIR) -> Path:
    """Write the record of a cross-validation folder to ``<where>/<name>.json``."""
    from ..stored_json import write_record

    return write_record(make_cv_record(folder), where)


def read_cv(name: str, where: Path = CV_DIR) -> dict[str, Any] | None:
    """A stored cross-validation by calibration name (None when none is stored).

    Raises:
        UserError: on a file that is not a cross-validation record of this version.
    """
    from ..stored_json import read_versioned

    return read_versioned(where / f"{name}.json", CV_FORMAT, CV_VERSION,
                          "store the cross-validation again (python -m dibsim.experiments.docs_gen "
                          "--store-cross-validation results/<name>-cv)")


def stored_cv_records(where: Path = CV_DIR) -> list[dict[str, Any]]:
    """Every stored cross-validation, by name."""
    names = sorted(p.stem for p in where.glob("*.json")) if where.is_dir() else []
    return [r for n in names if (r := read_cv(n, where)) is not None]


def _cell(e: dict[str, Any] | None) -> str:
    """'0.15 (2.2 %), 4/4 targets met' for one side of a replay; '—' when there is none."""
    if e is None:
        return "—"
    pct = None if e["rate_error"] is None else 100 * e["rate_error"]
    rate = "" if pct is None else f" ({pct:.1f} %)" if pct < 10 else f" ({pct:.0f} %)"
    text = f"{e['error']:.2f}{rate}, {e['targets_ok']}/{e['targets']} targets met"
    if e.get("fit_on"):
        values = ", ".join(f"`{k}` {_g(v)}" for k, v in e.get("values", {}).items())
        text += f" (fit on {', '.join(f'`{r}`' for r in e['fit_on'])}: {values})"
    return text


def cv_table(record: dict[str, Any]) -> str:
    """The generated Markdown of one cross-validation: how it was run, then one row per replay."""
    rev = record["code_revision"] or {}
    code = (f"code {str(rev.get('commit'))[:10]}{' (uncommitted changes)' if rev.get('dirty') else ''}"
            if rev.get("commit") else "code revision not recorded")
    lines = [f"Stored cross-validation: each fit {record['trials']} trials × {record['seeds']} seeds, "
             f"root seed {record['root_seed']}, {code}, finished {str(record['finished_at'])[:10]}"
             + (f" ({record['note']})" if record.get("note") else "") + ". Error = mean over a "
             "replay's targets of |error| ÷ tolerance; in brackets the mean absolute relative "
             "error of its rates.", "",
             "| replay | in sample (fit on every fitted replay) | out of sample (fit without it) "
             "| reached by the fitted parameters |", "|---|---|---|---|"]
    for r in record["replays"]:
        out = r["out_of_sample"]
        reached = "—" if out is None else ("yes" if out["reached"] else "**no**")
        lines.append(f"| `{r['replay']}` | {_cell(r['in_sample'])} | {_cell(out)} | {reached} |")
    return "\n".join(lines)


def render_cv(current: str, records: list[dict[str, Any]] | None = None) -> str:
    """docs/calibration.md with each cross-validation's block replaced (between its markers)."""
    for record in stored_cv_records() if records is None else records:
        current = replace_block(current, CV_BEGIN.format(name=record["name"]),
                                CV_END.format(name=record["name"]), cv_table(record))
    return current
