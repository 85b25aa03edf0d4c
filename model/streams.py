"""Named random streams: one generator per stochastic process, derived from the run seed.

After Starsim's ``distributions.py``: each process (a barrier's processing times, the source
choice, an adversary's decision) draws from its own ``numpy.random.Generator``, seeded from
the run seed plus a stable hash of the process name. Changing one barrier therefore leaves
the draws of every other process unchanged (common random numbers), and nothing touches
global random state.
"""

from __future__ import annotations

import zlib

import numpy as np

#: What a run seed may be: an int, or None for OS entropy (not reproducible).
Seed = int | None


def stream_key(name: str) -> int:
    """A stable 32-bit key for a stream name (CRC-32; Python's ``hash`` varies per process)."""
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Lazily created, named generators for one run.

    Args:
        seed: the run seed; ``None`` draws OS entropy (the run cannot be reproduced).
    """

    def __init__(self, seed: Seed):
        self.root = np.random.SeedSequence(seed)
        self._streams: dict[str, np.random.Generator] = {}

    @property
    def entropy(self) -> int:
        """The root entropy actually used (recorded so unseeded runs can be replayed)."""
        return int(self.root.entropy)  # type: ignore[arg-type]

    def __getitem__(self, name: str) -> np.random.Generator:
        gen = self._streams.get(name)
        if gen is None:
            seq = np.random.SeedSequence(self.root.entropy, spawn_key=(stream_key(name),))
            gen = np.random.Generator(np.random.PCG64(seq))
            self._streams[name] = gen
        return gen
