"""Reading scenario files: YAML, ``extends:`` variants, dotted overrides, clear errors.

This is the only I/O in ``model/`` (STYLE.md pattern 1). Every problem becomes a
:class:`ScenarioError` whose lines each name the file, the field path and the bad value, so
the CLI can print them without a traceback.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import yaml
from pydantic import ValidationError

from .schema import Scenario

#: Where scenario names are looked up: $DIBSIM_SCENARIOS, else the scenarios shipped inside the
#: package (``dibsim.scenarios``, package data read through importlib.resources).
SCENARIO_DIR = Path(os.environ.get("DIBSIM_SCENARIOS") or str(resources.files("dibsim.scenarios")))


#: PyYAML's safe loader, in its C implementation when libyaml is present (10× faster).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


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
    return sorted(str(p.relative_to(SCENARIO_DIR).with_suffix("")) for p in SCENARIO_DIR.rglob("*.yaml"))


def load_raw(path: Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The scenario as a plain dict with its ``extends:`` chain merged (base first)."""
    path = Path(path)
    if path.resolve() in _seen:
        chain = " → ".join(str(p) for p in _seen + (path,))
        raise ScenarioError([f"{path}: extends: circular chain {chain}"])
    data = _read_yaml(path)
    base_ref = data.pop("extends", None)
    if base_ref is None:
        return data
    if not isinstance(base_ref, str):
        raise ScenarioError([f"{path}: extends: must be a file name (got {base_ref!r})"])
    base_path = (path.parent / base_ref) if not Path(base_ref).is_absolute() else Path(base_ref)
    if not base_path.exists():
        raise ScenarioError([f"{path}: extends: no such file '{base_ref}' (looked for {base_path})"])
    return deep_merge(load_raw(base_path, _seen + (path.resolve(),)), data)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError([f"{path}: cannot read ({exc.strerror})"]) from None
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)  # safe_load semantics, C speed
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError([f"{path}: YAML syntax error at {where}: {what}"]) from None
    if not isinstance(data, dict):
        raise ScenarioError([f"{path}: top level must be a mapping of fields (got {type(data).__name__})"])
    return data


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Mappings merge key by key; anything else in ``over`` replaces what ``base`` had."""
    out = copy.deepcopy(dict(base))
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


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
                lines.append(_format_error(origin, e))
        raise ScenarioError(lines) from None


def _format_error(origin: str, err: Mapping[str, Any]) -> str:
    loc = ".".join(str(x) for x in err.get("loc", ()))
    msg = err.get("msg", "invalid").removeprefix("Value error, ")
    if err.get("type") == "extra_forbidden":
        return f"{origin}: {loc}: unknown field (got {err.get('input')!r}); {_valid_keys(loc)}"
    bad = err.get("input")
    shown = "" if isinstance(bad, (dict, list)) or loc == "" else f" (got {bad!r})"
    return f"{origin}: {loc or '(top level)'}: {msg}{shown}"


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
