"""A cache of fact arms that serves a shorter run of seeds from a longer one.

``measure`` and ``measure_shipped`` (experiments/validation) key an arm's runs by what the arm
is and, last, by the number of replications, and replicate ``i`` always runs with
``run_seed(root, i)``: the runs of the first ``n`` seeds are therefore the first ``n`` runs of
any longer list of the same arm. A test module that judges facts at several seed counts on a
shared base arm (the shipped facts at 16, 6, 5 and 4 seeds) runs that arm once at the largest
count asked first, instead of once per count. The runs served are the very runs a fresh
measurement would make; nothing a test checks changes.
"""

from __future__ import annotations

from typing import Any


class SeedPrefixCache(dict):
    """A dict of ``key → list of runs`` whose key ends in the replication count.

    A lookup of ``(*arm, n)`` finds ``(*arm, m)`` for any stored ``m >= n`` and returns its
    first ``n`` runs.
    """

    def _longer(self, key: Any) -> Any | None:
        if not isinstance(key, tuple) or not key or not isinstance(key[-1], int):
            return None
        *arm, n = key
        best = None
        for stored in self.keys():
            if (isinstance(stored, tuple) and len(stored) == len(key) and list(stored[:-1]) == arm
                    and stored[-1] >= n and (best is None or stored[-1] < best[-1])):
                best = stored
        return best

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or self._longer(key) is not None

    def __getitem__(self, key: Any) -> Any:
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        longer = self._longer(key)
        if longer is None:
            raise KeyError(key)
        return dict.__getitem__(self, longer)[: key[-1]]
