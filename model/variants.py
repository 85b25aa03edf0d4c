"""How a variant combines with its base (``extends:``): the merge rule of scenario files.

* Mappings merge key by key: a variant names only the fields it changes.
* A list never replaces its base's entries silently. Where the base already has entries
  there (in its file, or as the schema default when its file does not write the field), the
  variant says which it means: ``{add: [...]}`` keeps them and appends, ``{replace: [...]}``
  uses only its own list (``{replace: []}`` clears it). A plain list there is an error that
  says what to write instead.
* A plain list is taken as written where the base has no entries: an empty list, or any list
  inside something new (a nation, item or producer the base lacks, a list entry), and
  anywhere in a file without ``extends:``.

The entries of the scenario's lists (crises, fast tracks, planned expansions) carry no name
to match them by, so lists are not merged entry by entry: to change one entry, replace the
list. The schema (``model/schema*.py``) tells which places hold lists and their defaults.
"""

from __future__ import annotations

import copy
import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from .schema import Scenario

#: The words a variant may use on a list: keep the base's entries and append, or use only its own.
LIST_OPS: tuple[str, ...] = ("add", "replace")

_MISSING: Any = object()


class MergeError(ValueError):
    """A variant list that does not say how it combines with its base; one line."""


@dataclass(frozen=True)
class _Files:
    variant: str  # the file whose values are merged in
    base: str  # the file (chain) they are merged onto


def merge_variant(base: dict[str, Any], variant: Mapping[str, Any], variant_file: str,
                  base_file: str) -> dict[str, Any]:
    """Merge ``variant`` onto ``base`` by the rule above; ``base`` is consumed (changed in place).

    Raises:
        MergeError: naming the variant file and the field path of a list that would drop
            entries of its base, or of a malformed ``add``/``replace``.
    """
    return _merge_into(base, variant, _Files(variant_file, base_file), (), Scenario, True)


def resolve_lists(data: dict[str, Any], origin: str) -> dict[str, Any]:
    """A file without a base: plain lists as written, ``add`` onto the schema defaults.

    ``data`` itself is returned when it says neither ``add`` nor ``replace`` anywhere (the
    common case, checked by a quick scan rather than the schema-guided merge).
    """
    if not _says_list_op(data):
        return data
    return _merge_into({}, data, _Files(origin, ""), (), Scenario, False)


def _says_list_op(data: Any) -> bool:
    """Whether any mapping under ``data`` has the single key ``add`` or ``replace``."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if len(node) == 1 and next(iter(node)) in LIST_OPS:
                return True
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
    return False


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`merge_variant` on a copy of ``base`` (for callers without file names)."""
    return merge_variant(copy.deepcopy(dict(base)), over, "variant", "base")


def _merge_into(out: dict[str, Any], over: Mapping[str, Any], files: _Files, path: tuple,
                schema: Any, in_base: bool) -> dict[str, Any]:
    """Merge ``over`` into ``out``; ``in_base``: the object at ``path`` exists in the base."""
    for key, value in over.items():
        here = (*path, key)
        child, is_entry, default = _child(schema, key)
        had = out.get(key, _MISSING)
        if _is_list(child) or (child is None and isinstance(had, list)):
            out[key] = _merge_list(had, value, files, here, child, in_base, default)
        elif isinstance(value, Mapping) and (had is _MISSING or had is None or isinstance(had, dict)):
            exists = isinstance(had, dict) or (had is _MISSING and not is_entry and default is not None)
            out[key] = _merge_into(dict(had) if isinstance(had, dict) else {}, value, files, here,
                                   child, in_base and exists)  # a copy: YAML aliases share dicts
        else:
            out[key] = _fresh(value, files, here, child)
    return out


def _merge_list(had: Any, value: Any, files: _Files, here: tuple, schema: Any, in_base: bool,
                default: Any) -> Any:
    """The list at ``here``: ``value`` combined with the base's ``had`` (or the schema default)."""
    item = _child(schema, 0)[0]
    if had is _MISSING:
        base_list, from_default = (list(default) if isinstance(default, (list, tuple)) else []), True
    else:
        base_list, from_default = had, False
    if isinstance(value, Mapping):
        op = _list_op(value, files, here)
        mine = [_fresh(x, files, (*here, op, i), item) for i, x in enumerate(value[op])]
        if op == "replace" or base_list is None:
            return mine
        if not isinstance(base_list, list):
            raise MergeError(f"{files.variant}: {_dotted(here)}: add: the base has no list here "
                             f"(got {base_list!r}); write {here[-1]}: {{replace: [...]}}")
        return base_list + mine
    if isinstance(value, list):
        if in_base and isinstance(base_list, list) and base_list:
            raise MergeError(_drop_message(files, here, base_list, from_default))
        return [_fresh(x, files, (*here, i), item) for i, x in enumerate(value)]
    return _fresh(value, files, here, schema)


def _list_op(value: Mapping[str, Any], files: _Files, here: tuple) -> str:
    """The single ``add`` or ``replace`` of a list written as a mapping, or a clear error."""
    where = f"{files.variant}: {_dotted(here)}"
    ops = [k for k in value if k in LIST_OPS]
    if len(ops) != 1 or len(value) != 1:
        got = ", ".join(str(k) for k in value) or "none"
        if len(ops) > 1:
            raise MergeError(f"{where}: give one of add or replace, not both")
        raise MergeError(f"{where}: a list is expected; write a list, {{add: [...]}} or "
                         f"{{replace: [...]}} (got a mapping with keys: {got})")
    if not isinstance(value[ops[0]], list):
        raise MergeError(f"{where}.{ops[0]}: needs a list, e.g. {ops[0]}: [...] "
                         f"(got {value[ops[0]]!r})")
    return ops[0]


def _drop_message(files: _Files, here: tuple, base_list: list, from_default: bool) -> str:
    name = here[-1]
    source = "the schema default" if from_default else f"its base ({files.base})"
    if all(isinstance(x, (str, int, float, bool)) for x in base_list):
        has = f"[{', '.join(str(x) for x in base_list)}]"
    else:
        has = f"{len(base_list)} {'entry' if len(base_list) == 1 else 'entries'}"
    them = "it" if len(base_list) == 1 else "them"
    return (f"{files.variant}: {_dotted(here)}: {source} already has {has}, which a plain list "
            f"would replace; write {name}: {{add: [...]}} to keep {them} and append, or "
            f"{name}: {{replace: [...]}} to use only the new list")


def _fresh(value: Any, files: _Files, here: tuple, schema: Any) -> Any:
    """New content (nothing in the base under it): copied, with ``add``/``replace`` resolved."""
    if isinstance(value, Mapping):
        return _merge_into({}, value, files, here, schema, False)
    if isinstance(value, list):
        item = _child(schema, 0)[0]
        return [_fresh(x, files, (*here, i), item) for i, x in enumerate(value)]
    if value is None or isinstance(value, (str, int, float)):
        return value  # immutable: nothing to copy
    return copy.deepcopy(value)


def _dotted(here: tuple) -> str:
    return ".".join(str(k) for k in here)


def _child(schema: Any, key: Any) -> tuple[Any, bool, Any]:
    """(annotation at ``schema[key]``, whether ``key`` is an entry of a dict or list rather
    than a model field, the field's default or ``None``).

    Not cached: the scenario's ``barriers`` block is rebuilt when a barrier is registered.
    """
    ann = _unwrap(schema)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        f = ann.model_fields.get(key) if isinstance(key, str) else None
        if f is None:
            return None, False, None
        return f.annotation, False, None if f.is_required() else f.get_default(call_default_factory=True)
    origin, args = get_origin(ann), get_args(ann)
    if origin is dict and len(args) == 2:
        return args[1], True, None
    if origin in (tuple, list) and args:
        return args[0], True, None
    return None, False, None


def _unwrap(ann: Any) -> Any:
    """``X | None`` → ``X``; other unions have no single shape (``None``)."""
    if get_origin(ann) in (Union, types.UnionType):
        args = [a for a in get_args(ann) if a is not type(None)]
        return args[0] if len(args) == 1 else None
    return ann


def _is_list(schema: Any) -> bool:
    return get_origin(_unwrap(schema)) in (tuple, list)
