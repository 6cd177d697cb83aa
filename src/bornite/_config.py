"""The few global knobs of bornite, set in a validated and scoped way.

Arguments always win over options; options only supply defaults.

Examples
--------
>>> from bornite import get_options, set_options
>>> with set_options(chunk_trials=10_000):
...     get_options()["chunk_trials"]
10000
>>> get_options()["chunk_trials"]
50000
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bornite.errors import ValidationError

__all__ = ["get_options", "set_options"]

_DEFAULTS: dict[str, Any] = {
    "seed": None,
    "n_jobs": 1,
    "chunk_trials": 50_000,
}

_options: dict[str, Any] = dict(_DEFAULTS)


def _validate(name: str, value: Any) -> None:
    if name not in _DEFAULTS:
        known = ", ".join(sorted(_DEFAULTS))
        msg = f"unknown option {name!r}; known options are {known}"
        raise ValidationError(msg)
    if name in {"n_jobs", "chunk_trials"} and (not isinstance(value, int) or value < 1):
        msg = f"option {name!r} must be a positive integer, got {value!r}"
        raise ValidationError(msg)
    if name == "seed" and value is not None and (not isinstance(value, int) or value < 0):
        msg = f"option 'seed' must be None or a non-negative integer, got {value!r}"
        raise ValidationError(msg)


def get_options() -> dict[str, Any]:
    """Return a copy of the current global options."""
    return dict(_options)


@contextmanager
def set_options(**kwargs: Any) -> Iterator[None]:
    """Set global options within a ``with`` block and restore them afterwards.

    Parameters
    ----------
    seed : int or None
        Default seed for stochastic functions called without one.
    n_jobs : int
        Default number of worker processes for chunked work.
    chunk_trials : int
        Monte Carlo trials simulated per chunk; bounds peak memory.
    """
    for name, value in kwargs.items():
        _validate(name, value)
    previous = dict(_options)
    _options.update(kwargs)
    try:
        yield
    finally:
        _options.clear()
        _options.update(previous)
