"""Seeds and random generators: every stochastic function takes ``seed``.

``seed`` may be ``None`` (the global option ``seed``, or fresh entropy when that is unset),
an ``int``, a :class:`numpy.random.SeedSequence` or a :class:`numpy.random.Generator`.
"""

from __future__ import annotations

import numpy as np

from bornite._config import get_options
from bornite.errors import ValidationError

__all__ = ["SeedLike", "as_generator", "as_seed_sequence"]

SeedLike = int | np.random.SeedSequence | np.random.Generator | None


def as_seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """Return a :class:`~numpy.random.SeedSequence` for ``seed``, to spawn independent streams."""
    if seed is None:
        seed = get_options()["seed"]
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        # Draw entropy from the generator so that the caller's stream advances reproducibly.
        return np.random.SeedSequence(int(seed.integers(0, 2**63 - 1)))
    if seed is None or (isinstance(seed, int | np.integer) and seed >= 0):
        return np.random.SeedSequence(None if seed is None else int(seed))
    msg = f"seed must be None, a non-negative int, a SeedSequence or a Generator; got {seed!r}"
    raise ValidationError(msg)


def as_generator(seed: SeedLike) -> np.random.Generator:
    """Return a :class:`~numpy.random.Generator` for ``seed`` (a Generator is passed through)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(as_seed_sequence(seed))
