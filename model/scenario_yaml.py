"""The YAML dialect of scenario files: PyYAML's safe loader, stricter where YAML is silent.

YAML lets a mapping give a key twice and keeps the last value without a word; a scenario
file may not (the first value would be lost). A scalar its tag cannot build (the date
2026-13-45, ``!!bool maybe``) becomes a positioned error instead of a Python exception.
Parsing stays in libyaml's C implementation when it is installed; the key check runs as
each mapping is built (in Python, as PyYAML's constructor always is).

It builds plain YAML values only (text, numbers, booleans, dates, lists, mappings):
the constructor is PyYAML's ``SafeConstructor``, which has no constructor for the
``!!python/...`` tags that import or call Python objects, and a tag it cannot build is
refused by name (:class:`UnreadableValueError`) before anything of the file is used.
"""

from __future__ import annotations

from typing import Any

import yaml

#: PyYAML's safe loader, in its C implementation when libyaml is present (10× faster).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DuplicateKeyError(yaml.YAMLError):
    """A key given twice in one mapping (YAML itself would keep the last one silently).

    ``where`` is the field path of the mapping, filled in once the error is raised.
    """

    def __init__(self, key: Any, mapping: yaml.Node, mark: yaml.Mark, first: yaml.Mark):
        self.key, self.mapping, self.problem_mark, self.first = key, mapping, mark, first
        self.where: tuple = ()
        super().__init__(f"duplicate key {key!r}")


class UnreadableValueError(yaml.YAMLError):
    """A scalar its tag cannot be built from, e.g. the date 2026-13-45 or ``!!bool maybe``."""

    def __init__(self, problem: str, mark: yaml.Mark | None):
        self.problem, self.problem_mark = problem, mark
        super().__init__(problem)


_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


class ScenarioYamlLoader(SAFE_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader (libyaml's parser when present) that refuses duplicate keys at any
    depth and reports an unreadable value (e.g. the date 2026-13-45) with its position.
    """

    def refuse_tag(self, node: yaml.Node) -> Any:
        """A tag the safe constructor has no builder for (``!!python/object/apply:os.system``,
        ``!!python/name:...``, a custom ``!tag``): refused by name, nothing built or called.
        """
        tag = node.tag.replace("tag:yaml.org,2002:", "!!", 1)
        raise UnreadableValueError(f"the tag {tag!r} is not allowed in a scenario file (plain "
                                   "text, numbers, dates, lists and mappings only)", node.start_mark)

    def construct_document(self, node: yaml.Node) -> Any:
        """Build the document; a key given twice becomes a DuplicateKeyError with its place."""
        try:
            return super().construct_document(node)
        except DuplicateKeyError as exc:
            exc.where = _path_to(node, exc.mapping)
            raise
        except (ValueError, TypeError, LookupError, OverflowError) as exc:
            raise _unreadable_value(self, node, exc) from None

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> Any:
        """The keys as written (before ``<<`` merges, which may be overridden) must differ."""
        if isinstance(node, yaml.MappingNode):
            first: dict[Any, yaml.Mark] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE or not isinstance(key_node, yaml.ScalarNode):
                    continue  # a complex key is left to the constructor
                key = key_node.value if key_node.tag == _STR else self.construct_object(key_node)
                try:
                    seen = key in first
                except TypeError:  # unhashable: the constructor reports it
                    continue
                if seen:
                    raise DuplicateKeyError(key, node, key_node.start_mark, first[key])
                first[key] = key_node.start_mark
        return super().construct_mapping(node, deep)


ScenarioYamlLoader.add_constructor(None, ScenarioYamlLoader.refuse_tag)  # the unknown-tag slot


def _path_to(root: yaml.Node, target: yaml.Node) -> tuple:
    """The keys and indices leading from ``root`` to ``target`` (searched only on an error)."""
    stack: list[tuple[yaml.Node, tuple]] = [(root, ())]
    visited: set[int] = set()  # aliases share nodes
    while stack:
        node, where = stack.pop()
        if node is target:
            return where
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*where, i)) for i, item in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                step = () if key_node.tag == _MERGE else (
                    key_node.value if isinstance(key_node, yaml.ScalarNode) else "?",)
                stack.append((value_node, where + step))
    return ()


#: How a rejected scalar's YAML tag is named in the error.
_KINDS = {"timestamp": "a date", "bool": "a boolean", "int": "an integer", "float": "a number",
          "binary": "base64 data"}


def _unreadable_value(loader: Any, root: yaml.Node, exc: Exception) -> yaml.YAMLError:
    """The error of a scalar its tag's constructor rejects, with its position (only on failure,
    so reading a good file pays nothing for it).
    """
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            build = loader.yaml_constructors.get(node.tag)
            try:
                if build is not None:
                    build(loader, node)
            except Exception as bad:
                kind = node.tag.rsplit(":", 1)[-1]
                kind = _KINDS.get(kind, f"!!{kind}")
                why = "" if isinstance(bad, LookupError) else f" ({bad})"
                return UnreadableValueError(f"cannot read {node.value!r} as {kind}{why}", node.start_mark)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in reversed(node.value) for n in reversed(pair))
    return UnreadableValueError(f"cannot read a value ({exc})", None)
