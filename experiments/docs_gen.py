"""Generate ``docs/parameters.md`` from the scenario schema and the table of ``docs/metrics.md``
from the metric declarations, so neither reference can drift.

Every field of every pydantic model reachable from :class:`model.schema.Scenario` becomes one
row: dotted path, meaning, unit, default, range, source. Meaning, unit and source are read from
the field's description, which the schema requires to carry its unit and its source or the
word *assumption*: a trailing parenthesis ``(unit; source)`` is split at
the first semicolon; a parenthesis without one is a source when it looks like a citation, else
a unit. The metrics table (one row per entry of ``model.metrics.METRICS``) replaces the text
between two marker comments of ``docs/metrics.md``; the prose around it is hand-written.
``tests/test_docs.py`` checks that the committed files equal the generated text.

The tables of ``docs/calibration.md`` are generated from the stored calibration records
(:mod:`experiments.validation.calib_record`; ``--store-calibration results/<name>`` stores a
finished calibration first) and cross-validations (:mod:`experiments.validation.cv_record`;
``--store-cross-validation results/<name>-cv``).

Usage: ``python -m dibsim.experiments.docs_gen`` (writes the files under ``docs/``, or under the
folder after ``--docs``) or ``--check``.
"""

from __future__ import annotations

import math
import re
import sys
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .errors import UserError

#: Where the references are written by default: docs/ of the checkout in the current directory
#: (the installed package carries no docs folder).
DOCS = Path("docs")
PARAMETERS_FILE, METRICS_FILE = "parameters.md", "metrics.md"
#: The marker comments around the generated table of docs/metrics.md.
METRICS_BEGIN = ("<!-- generated from model/metrics.py (METRICS) by python -m dibsim.experiments.docs_gen;"
                 " do not edit the table by hand -->")
METRICS_END = "<!-- end of the generated metrics table -->"
#: Placeholder shown for the key of a mapping field, by field name.
KEY_NAMES = {"nations": "<ISO3>", "items": "<item>", "producers": "<producer>",
             "adversaries": "<region>", "parameters": "<dotted.path>", "regions": "<region>",
             "groups": "<group>"}
_CITATION = re.compile(r"\b(assumption|[AP]\d+|CRS|GAO|DFARS|ITAR|statutory)\b", re.I)

HEADER = """# Scenario parameters

Generated from the scenario schema (`model/schema*.py`) by `python -m dibsim.experiments.docs_gen`;
do not edit by hand (`tests/test_docs.py` fails when this file and the schema disagree).
Source keys (A1…, P1…) are listed in `docs/sources.md`; *assumption* marks a modeller's
choice. Days are calendar days; weeks are model steps. A `<…>` segment in a path is a key you
choose (a nation's ISO3 code, an item or producer id, a region); `<i>` is a list position.
Defaults shown are the schema's; a scenario file (e.g. `scenarios/baseline.yaml`) may set
other values, each with its own source comment.
"""


def _inner(annotation: Any) -> tuple[str, Any]:
    """('model'|'dict'|'list'|'leaf', the pydantic model inside or None)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model", annotation
    if origin in (typing.Union, types.UnionType):
        for a in args:
            kind, m = _inner(a)
            if m is not None:
                return kind, m
        return "leaf", None
    if origin is dict and args:
        kind, m = _inner(args[1])
        return ("dict", m) if m is not None else ("leaf", None)
    if origin is tuple and args:
        kind, m = _inner(args[0])
        return ("list", m) if m is not None else ("leaf", None)
    return "leaf", None


def sections(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, type[BaseModel]]]:
    """(path prefix, model) for the model and every model nested in it, depth first."""
    yield prefix, model
    for name, f in model.model_fields.items():
        kind, inner = _inner(f.annotation)
        if inner is None:
            continue
        path = f"{prefix}.{name}" if prefix else name
        if kind == "dict":
            path += "." + KEY_NAMES.get(name, "<key>")
        elif kind == "list":
            path += ".<i>"
        yield from sections(inner, path)


def merged_sections(model: type[BaseModel]) -> list[tuple[str, type[BaseModel]]]:
    """:func:`sections` with a model that recurs under several parents shown once, its path
    generalised where the parents differ (``barriers.<barrier>.fast_track.<i>``).
    """
    by_class: dict[type, list[str]] = {}
    for prefix, m in sections(model):
        by_class.setdefault(m, []).append(prefix)
    out = []
    for m, prefixes in by_class.items():
        if len(prefixes) == 1:
            out.append((prefixes[0], m))
            continue
        parts = [p.split(".") for p in prefixes]
        merged = [seg if all(len(q) > i and q[i] == seg for q in parts) else f"<{parts[0][i - 1].rstrip('s')}>"
                  for i, seg in enumerate(parts[0])]
        out.append((".".join(merged), m))
    return out


def split_description(text: str, name: str = "") -> tuple[str, str, str]:
    """(meaning, unit, source) from a field description; ``name`` stands in for a meaning
    when the description is only 'unit; source'.
    """
    text = " ".join(text.split())
    m = re.search(r"\(([^()]*)\)\s*$", text)
    meaning, inside = (text[: m.start()].strip(), m.group(1).strip()) if m else ("", text)
    if ";" in inside:
        first, second = (x.strip() for x in inside.split(";", 1))
        if _CITATION.search(first):
            return meaning or name.replace("_", " "), "", inside
        if _CITATION.search(second):
            return meaning or name.replace("_", " "), first, second
        return text, "", ""
    if not m:
        return text, "", ("assumption" if "assumption" in text.lower() else "")
    if _CITATION.search(inside):
        return meaning, "", inside
    return meaning, inside, ""


def fmt_default(field: Any) -> str:
    """The default as YAML would show it."""
    d = field.default
    if d is PydanticUndefined:
        return "required"
    if isinstance(d, BaseModel):
        return "see section"
    if d is None:
        return "null"
    if d == "":
        return '""'
    if isinstance(d, bool):
        return str(d).lower()
    if isinstance(d, (tuple, list)):
        return "[" + ", ".join(str(x) for x in d) + "]"
    if isinstance(d, dict):
        return "{}" if not d else str(d)
    return str(d)


def fmt_range(field: Any) -> str:
    """Bounds, allowed values or pattern of a field."""
    parts = []
    for meta in field.metadata:
        for attr, sym in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            if getattr(meta, attr, None) is not None:
                parts.append(f"{sym} {getattr(meta, attr)}")
        if getattr(meta, "min_length", None) is not None:
            parts.append(f"at least {meta.min_length} item(s)")
        if getattr(meta, "pattern", None):
            parts.append(meta.pattern.strip("^$").replace("|", " or ").strip("()"))
    lits = list(dict.fromkeys(_literals(field.annotation)))
    if lits:
        keyed = typing.get_origin(field.annotation) is dict
        parts.append(("keys: " if keyed else "") + " / ".join(lits))
    return ", ".join(parts)


def _literals(annotation: Any) -> list[str]:
    if typing.get_origin(annotation) is typing.Literal:
        return [str(a) for a in typing.get_args(annotation)]
    out = []
    for a in typing.get_args(annotation):
        out += _literals(a)
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|") or "—"


def render() -> str:
    """The full text of docs/parameters.md."""
    from ..model.schema import Scenario

    lines = [HEADER]
    for prefix, model in merged_sections(Scenario):
        title = prefix or "(top level)"
        doc = " ".join((model.__doc__ or "").strip().split("\n\n")[0].split())
        lines += [f"## `{title}` — {model.__name__}", "", doc, "",
                  "| field | meaning | unit | default | range | source |",
                  "|---|---|---|---|---|---|"]
        for name, f in model.model_fields.items():
            meaning, unit, source = split_description(f.description or "", name)
            path = f"{prefix}.{name}" if prefix else name
            lines.append("| " + " | ".join(_cell(x) for x in (
                f"`{path}`", meaning, unit, f"`{fmt_default(f)}`", fmt_range(f), source)) + " |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def metrics_table() -> str:
    """The generated table of docs/metrics.md, marker comments included."""
    from ..model.metrics import METRICS, RENAMED

    lines = [METRICS_BEGIN, "", "| metric | definition | unit | range | better |", "|---|---|---|---|---|"]
    for name, spec in METRICS.items():
        span = f"{spec.low:g}–{spec.high:g}" if math.isfinite(spec.high) else f"≥ {spec.low:g}"
        if spec.missing:
            span += f"; NaN {spec.missing}"
        better = "higher" if spec.better > 0 else "lower"
        lines.append("| " + " | ".join(_cell(x) for x in (
            f"`{name}`", spec.description, spec.unit, span, better)) + " |")
    lines += ["", "A `<system>` key is one column per crisis system (`output_12m.pac3_mse`), a `<region>` key "
              "one column per region with an adversary (`deterrence_index.indo_pacific`), a `<theatre>` key one "
              "column per region where a crisis can run (a scripted crisis's or an adversary's: "
              "`shortfall_share.europe`), a `<site>` key one column per region with a system line "
              "(`regional_capacity.europe`), a `<route>` key one column per buying route "
              "(`lead_time_weeks.fms`: fms, dcs, domestic, licensed).", "",
              "### Changes", "", "Names whose meaning changed, or that were dropped (results folders "
              "written before keep the old columns; the analysis still reads them):", ""]
    lines += [f"- `{old}`: {why}" for old, why in RENAMED.items()]
    return "\n".join([*lines, "", METRICS_END])


def block_span(current: str, begin: str, end: str) -> tuple[int, int] | None:
    """Where the generated block of ``current`` stands: from its ``begin`` marker through the
    first ``end`` marker after it (None when either is missing). The one place the docs'
    marker comments are found: :func:`replace_block`, the calibration records' blocks and the
    committed deterrence facts read it.
    """
    start = current.find(begin)
    stop = current.find(end, start + len(begin)) if start >= 0 else -1
    return None if stop < 0 else (start, stop + len(end))


def replace_block(current: str, begin: str, end: str, block: str, where: str) -> str:
    """``current`` with its text from the ``begin`` marker through the ``end`` marker replaced
    by ``block`` (which carries the markers; :func:`block_span`): the splice of metrics.md's
    table, ODD.md's barrier headlines and deterrence facts.

    Raises:
        UserError: when either marker is missing (or the end stands before the begin); the
            message starts with ``where`` (the file and the block).
    """
    span = block_span(current, begin, end)
    if span is None:
        raise UserError(f"{where}: the marker comments are missing (or out of order)")
    return current[:span[0]] + block + current[span[1]:]


def write_block(path: Path, begin: str, end: str, block: str, name: str) -> None:
    """Write ``block`` over the text between the markers of ``path`` (:func:`replace_block`).

    Raises:
        UserError: when ``path`` lacks the markers of block ``name``.
    """
    current = path.read_text(encoding="utf-8")
    path.write_text(replace_block(current, begin, end, block, f"{path} ({name})"), encoding="utf-8")


def render_metrics(current: str) -> str:
    """docs/metrics.md with the text between the markers replaced by :func:`metrics_table`."""
    return replace_block(current, METRICS_BEGIN, METRICS_END, metrics_table(), f"{METRICS_FILE} (metrics table)")


#: Generated file → its text from the current text (parameters.md is generated whole).
#: Numbers written as words in prose (the README's metric count).
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "twenty-one", "twenty-two", "twenty-three",
                "twenty-four", "twenty-five", "twenty-six", "twenty-seven", "twenty-eight", "twenty-nine",
                "thirty"]


def render_readme(current: str) -> str:
    """The README with its count of run metrics (``the <n> run metrics``) from ``METRICS``."""
    import re

    from ..model.metrics import METRICS

    n = len(METRICS)
    word = NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)
    return re.sub(r"the [\w-]+ run metrics", f"the {word} run metrics", current)


def render_calibration(current: str) -> str:
    """docs/calibration.md with the tables generated from the stored calibration records and
    cross-validations.
    """
    from .validation.calib_record import render_doc
    from .validation.cv_record import render_cv

    return render_cv(render_doc(current))


CALIBRATION_FILE = "calibration.md"
GENERATORS: dict[str, Callable[[str], str]] = {
    PARAMETERS_FILE: lambda current: render(),
    METRICS_FILE: render_metrics,
    "README.md": render_readme,
    CALIBRATION_FILE: render_calibration,
}
README_FILE = "README.md"


def _store_calibration(folder: str) -> Path:
    from .validation.calib_record import store

    return store(folder)


def _store_cross_validation(folder: str) -> Path:
    from .validation.cv_record import store_cv

    return store_cv(folder)


#: Flag → how it stores the finished results folder named after it.
STORES: dict[str, Callable[[str], Path]] = {"--store-calibration": _store_calibration,
                                            "--store-cross-validation": _store_cross_validation}


def _store(flag: str, store: Callable[[str], Path], argv: list[str]) -> bool:
    """Store the folder after ``flag``; False (after one line on stderr) when it cannot."""
    try:
        print(f"stored {store(argv[argv.index(flag) + 1])}")
    except (UserError, IndexError) as exc:
        print(f"{flag}: {exc or 'give a finished results folder'}", file=sys.stderr)
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    """Write docs/parameters.md and the table of docs/metrics.md (under the folder after
    ``--docs``), or with ``--check`` exit 1 when either is out of date.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    folder = Path(argv[argv.index("--docs") + 1]) if "--docs" in argv else DOCS
    for flag, store in STORES.items():  # a finished folder becomes the stored record
        if flag in argv and not _store(flag, store, argv):
            return 2
    stale = []
    for name, generate in GENERATORS.items():
        path = folder / name if name != README_FILE else folder.parent / name
        if name == README_FILE and not path.exists():
            continue
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        text = generate(current)
        if "--check" in argv:
            if current != text:
                stale.append(path)
            continue
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    for path in stale:
        print(f"{path} is out of date: run python -m dibsim.experiments.docs_gen", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
