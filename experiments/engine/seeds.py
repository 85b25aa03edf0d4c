"""Seeds of an experiment: one root seed, one derived seed per replicate.

Every run's seed comes from ``numpy.random.SeedSequence(root_seed, spawn_key=(replicate,))``
(docs/architecture.md). It depends on the root seed and the replicate index only, so

* the same replicate index has the same seed at every design point and in every scenario of
  an experiment (common random numbers: differences between points are signal, not noise);
* adding replicates or design points never changes a run already made.

The sampler of a design (LHS, Sobol, Morris) draws from the root's own stream
(``spawn_key=()``), which no replicate ever uses.
"""

from __future__ import annotations

import numpy as np

from ...model.schema_sweep import DEFAULT_ROOT_SEED

__all__ = ["DEFAULT_ROOT_SEED", "design_seed", "run_seed"]


def run_seed(root_seed: int, replicate: int) -> int:
    """The seed of replicate ``replicate`` under ``root_seed``, a non-negative int64.

    Args:
        root_seed: the experiment's root seed (non-negative).
        replicate: the replicate index (0, 1, ...).

    Returns:
        An int in ``[0, 2**63)``, suitable for ``CooperationModel(rng=...)`` and for an int64
        column.
    """
    seq = np.random.SeedSequence(int(root_seed), spawn_key=(int(replicate),))
    return int(seq.generate_state(1, np.uint64)[0] >> np.uint64(1))


def design_seed(root_seed: int) -> int:
    """The seed handed to a design's sampler (LHS, Sobol scrambling, Morris trajectories)."""
    seq = np.random.SeedSequence(int(root_seed))
    return int(seq.generate_state(1, np.uint32)[0])
