"""Reading scenario files: YAML, ``extends:`` variants, dotted overrides, clear errors.

This is the only I/O in ``model/``. Every problem becomes a
:class:`ScenarioError` whose lines each name the file, the field path and the bad value, so
the CLI can print them without a traceback.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .scenario_yaml import DuplicateKeyError, ScenarioYamlLoader, UnreadableValueError
from .schema import Scenario
from .variants import MergeError, deep_merge, merge_variant, resolve_lists

__all__ = ["ScenarioError", "available_scenarios", "deep_merge", "is_scenario_file", "load_raw",
           "load_scenario",
           "resolve_path", "scenario_hash", "scenario_to_dict", "set_dotted", "validate"]

#: Where scenario names are looked up: $DIBSIM_SCENARIOS, else the scenarios shipped inside the
#: package (``dibsim.scenarios``, package data read through importlib.resources).
SCENARIO_DIR = Path(os.environ.get("DIBSIM_SCENARIOS") or str(resources.files("dibsim.scenarios")))


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``problems`` holds one line per problem.

    Characters that would break or hide a line (newlines, control characters, e.g. in a key
    the user typed) are shown escaped, so each problem prints as exactly one line.
    """

    def __init__(self, problems: list[str]):
        self.problems = [p if p.isprintable() else _escaped(p) for p in problems]
        super().__init__("\n".join(self.problems))


def _escaped(text: str) -> str:
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def resolve_path(source: str | Path) -> Path:
    """Turn a scenario name ('baseline', 'historical/us_155mm_2022') or a path into a file path."""
    p = Path(source)
    if p.suffix in (".yaml", ".yml") or p.exists():
        return p
    candidate = SCENARIO_DIR / f"{source}.yaml"
    if candidate.exists():
        return candidate
    known = ", ".join(available_scenarios())
    raise ScenarioError([f"{source}: no such scenario file or name (known names: {known})"])


def available_scenarios() -> list[str]:
    """Names of the scenarios shipped in ``scenarios/`` (relative paths without '.yaml')."""
    if not SCENARIO_DIR.is_dir():
        return []
    return sorted(str(p.relative_to(SCENARIO_DIR).with_suffix("")) for p in SCENARIO_DIR.rglob("*.yaml")
                  if is_scenario_file(p))


def is_scenario_file(path: Path) -> bool:
    """Whether a shipped YAML file is a scenario: replay targets (``*.targets.yaml``) and
    calibration configs (``calibration/``) live beside the scenarios but are not ones.
    """
    return not path.name.endswith(".targets.yaml") and "calibration" not in path.parent.parts


def load_raw(path: Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The scenario as a plain dict with its ``extends:`` chain merged (base first).

    Variants merge onto their base by the rule of :mod:`model.variants` (mappings key by key;
    a list that would drop its base's entries must say ``add`` or ``replace``).
    """
    path = Path(path)
    if path.resolve() in _seen:
        chain = " → ".join(str(p) for p in (*_seen, path))
        raise ScenarioError([f"{path}: extends: circular chain {chain}"])
    data = read_yaml(path)
    base_ref = data.pop("extends", None)
    try:
        if base_ref is None:
            return resolve_lists(data, str(path))
        if not isinstance(base_ref, str) or not base_ref.strip():
            raise ScenarioError([f"{path}: extends: must be a file name (got {base_ref!r})"])
        base_path = base_file(path, base_ref)
        if not base_path.is_file():
            what = "is a directory" if base_path.is_dir() else "no such file"
            raise ScenarioError([f"{path}: extends: {what} '{base_ref}' (looked for {base_path}); "
                                 "name the base scenario file, e.g. baseline.yaml"])
        base = load_raw(base_path, (*_seen, path.resolve()))
        return merge_variant(base, data, str(path), str(base_path))
    except MergeError as exc:
        raise ScenarioError([str(exc)]) from None


def base_file(path: Path, base_ref: str) -> Path:
    """Where ``extends: base_ref`` of the file ``path`` points: the file relative to ``path``'s
    folder (or an absolute path); failing that, a shipped scenario of that name, so a planner's
    own variant anywhere on disk may write ``extends: baseline.yaml``.
    """
    ref = Path(base_ref)
    local = ref if ref.is_absolute() else path.parent / ref
    if local.exists() or ref.is_absolute():
        return local
    shipped = SCENARIO_DIR / (ref if ref.suffix in (".yaml", ".yml") else ref.with_suffix(".yaml"))
    return shipped if shipped.is_file() else local


def read_yaml(path: Path) -> dict[str, Any]:
    """One YAML file as a mapping (no ``extends:`` merge), every problem a one-line ScenarioError."""
    text = _read_text(path)
    try:
        # S506 flags yaml.load with a Loader it cannot see is safe: ScenarioYamlLoader subclasses
        # (C)SafeLoader, whose SafeConstructor builds plain values only and refuses !!python/* tags
        # (tests/test_loader_inputs.py::test_python_tags_are_refused_and_nothing_runs).
        data = yaml.load(text, Loader=ScenarioYamlLoader)  # noqa: S506 - safe constructor, see above
    except DuplicateKeyError as exc:
        where = ".".join(str(k) for k in exc.where) or "the top level"
        raise ScenarioError([
            f"{path}: line {exc.problem_mark.line + 1}, column {exc.problem_mark.column + 1}: "
            f"key {exc.key!r} given twice in {where} (first at line {exc.first.line + 1}); "
            "YAML would silently keep only the last: delete one or merge them"
        ]) from None
    except UnreadableValueError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ScenarioError([f"{path}: {where}{exc.problem}; fix it, or quote it to make it text"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f"line {mark.line + 1}, column {mark.column + 1}"
        elif getattr(exc, "position", None) is not None:
            where = f"character {exc.position}"  # a reader error (e.g. a control character)
        else:
            where = "unknown position"
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError([f"{path}: YAML syntax error at {where}: {what}"]) from None
    except RecursionError:
        raise ScenarioError([f"{path}: nested too deeply to read; a scenario is a few levels deep"]) from None
    if data is None:
        raise ScenarioError([f"{path}: no fields (only comments or blank); {_NEEDS}"])
    if not isinstance(data, dict):
        raise ScenarioError([f"{path}: top level must be a mapping of fields such as 'name: ...' "
                             f"(got {type(data).__name__}); {_NEEDS}"])
    return data


#: What to tell someone whose file holds no scenario.
_NEEDS = ("a scenario gives name, transit_weeks, nations, items and producers, or "
          "'extends: baseline.yaml' and the fields it changes")


def _read_text(path: Path) -> str:
    """The file as text, or a :class:`ScenarioError` saying what it is instead and what to do."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise ScenarioError([f"{path}: is a directory, not a scenario file; give a .yaml file"]) from None
    except FileNotFoundError:
        raise ScenarioError([f"{path}: no such file; check the path (`dibsim list` shows the "
                             "shipped scenario names)"]) from None
    except OSError as exc:
        raise ScenarioError([f"{path}: cannot read ({exc.strerror}); check that the file is "
                             "readable"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        hint = ("it looks like UTF-16: save it as UTF-8" if raw[:2] in (b"\xff\xfe", b"\xfe\xff")
                else "give a YAML scenario file saved as UTF-8")
        raise ScenarioError([f"{path}: not UTF-8 text: byte 0x{raw[exc.start]:02x} at position "
                             f"{exc.start} (line {line}); {hint}"]) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise ScenarioError([f"{path}: a binary file, not YAML text: NUL byte at position {nul}; "
                             "give a YAML scenario file"]) from None
    if not text.strip():
        raise ScenarioError([f"{path}: empty file; {_NEEDS}"])
    return text


def set_dotted(data: dict[str, Any], path: str, value: Any, origin: str = "override") -> None:
    """Set ``a.b.c`` in nested dicts, creating nothing new above the last key's parent."""
    keys = path.split(".")
    node: Any = data
    for i, k in enumerate(keys[:-1]):
        if isinstance(node, list) and k.isdigit() and int(k) < len(node):
            node = node[int(k)]
            continue
        if not isinstance(node, dict):
            raise ScenarioError([f"{origin}: {path}: '{'.'.join(keys[:i])}' is not a mapping"])
        if k not in node or node[k] is None:
            node[k] = {}
        if isinstance(node[k], tuple):  # a loaded scenario's list (crises.0.…) dumps as a tuple
            node[k] = list(node[k])
        node = node[k]
    last = keys[-1]
    if isinstance(node, list) and last.isdigit() and int(last) < len(node):
        node[int(last)] = value
    elif isinstance(node, dict):
        node[last] = value
    else:
        raise ScenarioError([f"{origin}: {path}: parent is not a mapping"])


def validate(data: dict[str, Any], origin: str) -> Scenario:
    """Build the frozen :class:`Scenario`, turning pydantic errors into one line each."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        lines = []
        for e in exc.errors():
            if not e.get("loc"):  # cross-reference problems: one per '; '-separated part
                msg = e.get("msg", "").removeprefix("Value error, ")
                lines += [f"{origin}: {part}" for part in msg.split("; ")]
            else:
                lines.append(format_error(origin, e))
        raise ScenarioError(lines) from None


def format_error(origin: str, err: Mapping[str, Any]) -> str:
    """One pydantic error as the one-line problem the CLI prints: file, field path, bad value."""
    loc = ".".join(str(x) for x in err.get("loc", ()))
    msg = err.get("msg", "invalid").removeprefix("Value error, ")
    if err.get("type") == "extra_forbidden":
        return f"{origin}: {loc}: unknown field (got {_short_repr(err.get('input'))}); {_valid_keys(loc)}"
    bad = err.get("input")
    shown = "" if isinstance(bad, (dict, list)) or loc == "" else f" (got {_short_repr(bad)})"
    return f"{origin}: {loc or '(top level)'}: {msg}{shown}"


def _short_repr(value: Any, limit: int = 80) -> str:
    """``repr`` cut to ``limit`` characters (a 400-digit number stays readable)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 5]}…{text[-4:]}"


def _valid_keys(loc: str) -> str:
    """List the fields allowed where an unknown key was found."""
    model: Any = Scenario
    for part in loc.split(".")[:-1]:
        fields = getattr(model, "model_fields", None)
        if fields is None:
            break
        if part in fields:  # a dict key (a nation code) keeps the dict's value model
            model = _inner_model(fields[part].annotation)
    fields = getattr(model, "model_fields", None)
    return f"valid fields: {', '.join(fields)}" if fields else "see `dibsim schema`"


def _inner_model(annotation: Any) -> Any:
    from typing import get_args

    if hasattr(annotation, "model_fields"):
        return annotation
    for arg in reversed(get_args(annotation)):
        inner = _inner_model(arg)
        if inner is not None and hasattr(inner, "model_fields"):
            return inner
    return None


#: The blocks whose run-time overrides leave the week-0 pipeline as the file's rules built it.
HISTORY_BLOCKS = ("barriers", "policies")


def keep_history(data: dict[str, Any], overrides: Mapping[str, Any]) -> None:
    """Before overrides change the barriers or policies, keep the file's blocks as
    ``warm_start.history`` (unless the file set one, or ``warm_start.history_from_file`` is
    false): the cases in flight at week 0 were opened under the rules that held before the run
    (docs/ODD.md §5, 'Cases in flight').
    """
    if not any(k.split(".", 1)[0] in HISTORY_BLOCKS for k in overrides):
        return
    ws = data.setdefault("warm_start", {})
    if not isinstance(ws, dict) or ws.get("history") is not None:
        return
    if not overrides.get("warm_start.history_from_file", ws.get("history_from_file", True)):
        return  # the overrides describe the world before the run too (a fitted replay)
    ws["history"] = {b: copy.deepcopy(data.get(b) or {}) for b in HISTORY_BLOCKS}


def load_scenario(
    source: str | Path | Scenario, overrides: Mapping[str, Any] | None = None
) -> Scenario:
    """Load a scenario from a name, a path or an existing :class:`Scenario`, with overrides.

    Args:
        source: a scenario name from ``scenarios/``, a YAML path, or a loaded scenario.
        overrides: dotted path → value, e.g. ``{"barriers.export_licence.median_days": 10}``.

    Returns:
        The validated, frozen scenario.

    Raises:
        ScenarioError: with one line per problem (file, field path, bad value).
    """
    if isinstance(source, Scenario):
        data, origin = source.model_dump(mode="python"), source.name
    else:
        path = resolve_path(source)
        data, origin = load_raw(path), str(path)
    keep_history(data, overrides or {})
    for key, value in (overrides or {}).items():
        set_dotted(data, key, value, origin=f"{origin} (override {key})")
    scenario = validate(data, origin)
    if scenario.sweep is not None:
        check_sweep_paths(scenario, origin)
    return scenario


def check_sweep_paths(scenario: Scenario, origin: str) -> None:
    """Each swept dotted path must name an existing scalar setting of the scenario."""
    data = scenario.model_dump(mode="python")
    problems = []
    for path in scenario.sweep.parameters:  # type: ignore[union-attr]
        node: Any = data
        for k in path.split("."):
            if isinstance(node, dict) and k in node:
                node = node[k]
            elif isinstance(node, (list, tuple)) and k.isdigit() and int(k) < len(node):
                node = node[int(k)]
            else:
                problems.append(f"{origin}: sweep.parameters.{path}: no such setting in the scenario")
                break
    if problems:
        raise ScenarioError(problems)


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The resolved scenario as JSON-ready data (saved beside every result)."""
    return scenario.model_dump(mode="json")


def scenario_hash(scenario: Scenario) -> str:
    """A stable hash of the resolved scenario (sweep block excluded: it is the design's)."""
    data = scenario_to_dict(scenario)
    data.pop("sweep", None)
    blob = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()[:16]
