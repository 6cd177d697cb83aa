"""Helpers for the pit tests: engines installed here and a brute-force closure solver."""

from __future__ import annotations

import importlib.util
import itertools

import numpy as np
import pytest

from bornite.pit import ENGINES

#: Engines installed in this environment (scipy always is).
INSTALLED = [e for e in ENGINES if importlib.util.find_spec(e) is not None]


def brute_force(values, source, target):
    """Best closure by enumerating every subset (tiny problems only)."""
    values = np.asarray(values)
    src = np.asarray(source)
    dst = np.asarray(target)
    best = 0
    for bits in itertools.product([False, True], repeat=values.size):
        mask = np.array(bits, dtype=bool)
        if (mask[src] & ~mask[dst]).any():
            continue
        best = max(best, int(values[mask].sum()))
    return best


@pytest.fixture(params=INSTALLED)
def engine(request):
    """Every installed max-closure engine in turn."""
    return request.param
