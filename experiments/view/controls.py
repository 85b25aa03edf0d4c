"""The What-if page's controls, read from the scenario schema (no hand list of settings).

Every registered barrier (:data:`model.barriers.BARRIERS`) brings its pydantic settings model;
each field of it becomes one :class:`Control`: a switch for a ``bool``, a slider for a number,
a choice for a ``Literal``, a multi-choice of the scenario's nations and groups for a list of
ISO3 codes or group names, and an optional limit for a number that may be ``null``. Labels,
units and help text come from the field's description (read as ``docs/parameters.md`` reads it), ranges from its ``ge``/``le`` bounds, so
a slider cannot leave the field's range. A number without an upper bound in the schema gets
one by :data:`OPEN_SPAN`: the study's "stricter" factor times the larger of the field's
default and its value in the scenario (and at least :data:`MIN_OPEN_HIGH`), so a slider
reaches as far as the study's stricter arm. Fields that are not settings (the ``source``
citation) and nested lists (``fast_track``) are shown, not edited.
"""

from __future__ import annotations

import math
import types
import typing
from dataclasses import dataclass
from typing import Any

from ...model.barrier_base import STRICTER_TIME_FACTOR

#: How far past the larger of the default and the scenario's value an unbounded slider goes.
OPEN_SPAN = STRICTER_TIME_FACTOR
#: The least upper end of an unbounded slider (so a field at 0 still has room).
MIN_OPEN_HIGH = 1.0
#: Fields that describe a setting rather than set it.
NOT_SETTINGS = frozenset({"source"})


@dataclass(frozen=True)
class Control:
    """One editable setting.

    Attributes:
        path: the dotted scenario path (``barriers.export_licence.median_days``).
        name: the field's name.
        kind: ``switch``, ``slider``, ``choice``, ``members``, ``optional`` or ``fixed``.
        label: what the widget says (the name and its unit).
        help: the schema's description.
        low: the least value (sliders, optional limits).
        high: the largest value (sliders, optional limits).
        step: the slider's step.
        integer: whether the value is an integer.
        options: the choices (``choice`` and ``members``).
    """

    path: str
    name: str
    kind: str
    label: str
    help: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    integer: bool = False
    options: tuple[str, ...] = ()


def unit_of(description: str, name: str = "") -> str:
    """The unit a field's description states, read as ``docs/parameters.md`` reads it
    (:func:`experiments.docs_gen.split_description`): ``days`` of ``(days; P7)``.
    """
    from ..docs_gen import split_description

    return split_description(description, name)[1]


def _bounds(info: Any) -> tuple[float | None, float | None]:
    low = high = None
    for m in info.metadata:
        if getattr(m, "ge", None) is not None:
            low = float(m.ge)
        if getattr(m, "gt", None) is not None:
            low = float(m.gt)
        if getattr(m, "le", None) is not None:
            high = float(m.le)
        if getattr(m, "lt", None) is not None:
            high = float(m.lt)
    return low, high


def nice_step(low: float, high: float, integer: bool) -> float:
    """A round slider step: about a hundredth of the range (1 for integers)."""
    if integer:
        return 1.0
    span = max(high - low, 1e-9)
    return float(10 ** math.floor(math.log10(span) - 2))


def _optional(annotation: Any) -> Any:
    """The inner type of ``X | None``, or ``None`` when the annotation is not optional."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2:
            return args[0]
    return None


def control_for(path: str, name: str, info: Any, current: Any, members: tuple[str, ...]) -> Control:
    """The control of one schema field (``info``: its pydantic ``FieldInfo``)."""
    ann, desc = info.annotation, info.description or ""
    unit = unit_of(desc, name)
    label = name.replace("_", " ") + (f" ({unit})" if unit else "")
    base: dict[str, Any] = {"path": path, "name": name, "label": label, "help": desc}
    if name in NOT_SETTINGS:
        return Control(kind="fixed", **base)
    if ann is bool:
        return Control(kind="switch", **base)
    if typing.get_origin(ann) is typing.Literal:
        return Control(kind="choice", options=tuple(map(str, typing.get_args(ann))), **base)
    if typing.get_origin(ann) is tuple and typing.get_args(ann)[:1] == (str,):
        return Control(kind="members", options=tuple(dict.fromkeys((*members, *(current or ())))), **base)
    inner = _optional(ann)
    number = inner if inner in (int, float) else ann if ann in (int, float) else None
    if number is None:
        return Control(kind="fixed", **base)
    integer = number is int
    low, high = _bounds(info)
    low = 0.0 if low is None else low
    if high is None:
        ref = max(abs(float(v)) for v in (info.default, current, 0.0) if isinstance(v, (int, float)))
        high = max(MIN_OPEN_HIGH, low + 1.0, OPEN_SPAN * ref)
        high = float(math.ceil(high)) if integer or high > 10 else high
    kind = "optional" if inner is not None else "slider"
    return Control(kind=kind, low=low, high=high, step=nice_step(low, high, integer),
                   integer=integer, **base)


def model_controls(prefix: str, model: Any, settings: Any, members: tuple[str, ...]) -> list[Control]:
    """The controls of every field of a settings model, in the schema's order."""
    return [control_for(f"{prefix}.{name}", name, info, getattr(settings, name, None), members)
            for name, info in model.model_fields.items()]


def barrier_controls(scenario: Any) -> dict[str, list[Control]]:
    """Barrier key → the controls of its settings, in stage order, for this scenario."""
    from ...model.barriers import BARRIERS

    members = scenario_members(scenario)
    return {key: model_controls(f"barriers.{key}", cls.settings_model, getattr(scenario.barriers, key),
                                members)
            for key, cls in BARRIERS.items()}


def policy_controls(scenario: Any) -> list[Control]:
    """The controls of the scenario's ``policies`` block (the reform levers)."""
    return model_controls("policies", type(scenario.policies), scenario.policies,
                          scenario_members(scenario))


def scenario_members(scenario: Any) -> tuple[str, ...]:
    """What an exemption list may name: the scenario's nations (ISO3) and groups."""
    return (*scenario.nations, *scenario.groups)


def current_value(scenario: Any, path: str) -> Any:
    """The value at a dotted path of a validated scenario."""
    obj = scenario
    for part in path.split("."):
        obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
    return obj


def clamp(control: Control, value: Any) -> Any:
    """A value held inside the control's range (a scenario may hold a value past a slider's
    computed upper end; the slider then starts at that end's value, never outside it).
    """
    if control.kind not in ("slider", "optional") or value is None:
        return value
    assert control.low is not None and control.high is not None
    v = min(max(float(value), control.low), control.high)
    return round(v) if control.integer else v


def changed(controls: list[Control], scenario: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The dotted overrides: the values that differ from the scenario's own."""
    out = {}
    for c in controls:
        if c.kind == "fixed" or c.path not in values:
            continue
        new, old = values[c.path], current_value(scenario, c.path)
        if c.kind == "members":
            new, old = tuple(new), tuple(old)
        if new != old and not (isinstance(new, float) and isinstance(old, (int, float))
                               and math.isclose(new, old, rel_tol=0, abs_tol=1e-12)):
            out[c.path] = list(new) if c.kind == "members" else new
    return out
