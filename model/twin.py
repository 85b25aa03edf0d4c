"""The counterfactual copy of a run (``CooperationModel._fork_counterfactual``).

When an adversary acts, the model copies the run as it stands and lets the copy go on without
the attack, so the adversary's weekly chance along the path without it is known to the horizon.
The copy is a deep copy made through pickle, which copies this object graph in C, about a third
faster than ``copy.deepcopy`` and with the same result. It shares what never changes during a
run — the frozen scenario and the static world — and has no weekly series collector and no
counterfactual copies of its own.
"""

from __future__ import annotations

import copy
import io
import pickle
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import CooperationModel

_FRESH_DICT = object()  # marks an object the copy gets a new empty dict for


class _Pickler(pickle.Pickler):
    """Pickles a run, leaving out the objects named in ``shared`` (by id) for the loader."""

    def __init__(self, file: io.BytesIO, shared: dict[int, Any]):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.shared = shared

    def persistent_id(self, obj: Any) -> int | None:
        key = id(obj)
        return key if key in self.shared else None


class _Unpickler(pickle.Unpickler):
    """Loads what :class:`_Pickler` wrote, putting the shared objects back."""

    def __init__(self, file: io.BytesIO, shared: dict[int, Any]):
        super().__init__(file)
        self.shared = shared

    def persistent_load(self, pid: Any) -> Any:
        obj = self.shared[pid]
        return {} if obj is _FRESH_DICT else obj


def copy_run(model: "CooperationModel") -> "CooperationModel":
    """A deep copy of the run that shares its scenario and world, with ``datacollector`` None
    and an empty ``counterfactuals``.
    """
    shared: dict[int, Any] = {id(model.scenario_spec): model.scenario_spec, id(model.world): model.world,
                              id(model.datacollector): None, id(model.counterfactuals): _FRESH_DICT}
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, shared).dump(model)
    except (pickle.PicklingError, AttributeError, TypeError):
        # Something set on the run cannot be pickled (e.g. a closure a user's script put on it):
        # copy.deepcopy takes functions as they are, so the copy still runs, more slowly.
        memo = {key: ({} if obj is _FRESH_DICT else obj) for key, obj in shared.items()}
        return copy.deepcopy(model, memo)
    buffer.seek(0)
    return _Unpickler(buffer, shared).load()
