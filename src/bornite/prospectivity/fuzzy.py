"""Fuzzy membership of evidence layers and fuzzy overlay (knowledge-driven prospectivity).

Membership functions turn an evidence value into a degree of favourability between 0 and 1;
overlay operators combine memberships cell by cell (Bonham-Carter 1994, ch. 9; An, Moon and
Rencz 1991). The membership functions follow ArcGIS's *Fuzzy Membership* tool (linear,
large, small, gaussian, near) so that published parameters carry over, plus a categorical
look-up.

Every function takes NumPy arrays or :class:`xarray.DataArray` grids and returns the same
kind (a DataArray keeps the coordinates and attributes of its input). NaN (no evidence)
stays NaN in memberships. The overlays propagate NaN by default; with ``skipna=True`` they
combine only the layers that have a value in a cell (NaN where none has).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import xarray as xr

from bornite.errors import ValidationError

__all__ = [
    "fuzzy_algebraic_product",
    "fuzzy_algebraic_sum",
    "fuzzy_and",
    "fuzzy_categorical",
    "fuzzy_gamma",
    "fuzzy_gaussian",
    "fuzzy_large",
    "fuzzy_linear",
    "fuzzy_near",
    "fuzzy_or",
    "fuzzy_small",
]

Grid = TypeVar("Grid", npt.NDArray[np.float64], xr.DataArray)
FloatArray = npt.NDArray[np.float64]


def _values(x: Any) -> FloatArray:
    data = x.values if isinstance(x, xr.DataArray) else x
    return np.asarray(data, dtype=np.float64)


def _wrap(template: Any, values: FloatArray, name: str) -> Any:
    if isinstance(template, xr.DataArray):
        return xr.DataArray(
            values,
            coords=template.coords,
            dims=template.dims,
            name=name,
            attrs=dict(template.attrs),
        )
    return values


def _check_positive(name: str, value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        msg = f"{name} must be a positive finite number, got {value!r}"
        raise ValidationError(msg)


# ----------------------------------------------------------------------------- memberships


def fuzzy_linear(x: Grid, low: float, high: float) -> Grid:
    """Linear membership: 0 at ``low``, 1 at ``high``, straight in between, clipped.

    ``low > high`` gives a decreasing membership (e.g. distance to a fault).

    Examples
    --------
    >>> import numpy as np
    >>> fuzzy_linear(np.array([0.0, 5.0, 10.0, 20.0, np.nan]), 0.0, 10.0).tolist()
    [0.0, 0.5, 1.0, 1.0, nan]
    >>> fuzzy_linear(np.array([0.0, 2.5]), 10.0, 0.0).tolist()
    [1.0, 0.75]
    """
    if not (math.isfinite(low) and math.isfinite(high)) or low == high:
        msg = f"fuzzy_linear needs two different finite bounds, got low={low!r}, high={high!r}"
        raise ValidationError(msg)
    v = _values(x)
    out = np.clip((v - low) / (high - low), 0.0, 1.0)
    return _wrap(x, out, "membership")


def fuzzy_large(x: Grid, midpoint: float, spread: float = 5.0) -> Grid:
    """Large values are favourable: ``1 / (1 + (x / midpoint) ** -spread)``.

    Membership is 0.5 at ``midpoint``; ``spread`` sets how sharply it rises. Values
    ``x <= 0`` get 0 (ArcGIS's *FuzzyLarge*).

    Examples
    --------
    >>> import numpy as np
    >>> fuzzy_large(np.array([0.0, 10.0, 20.0]), 10.0, 2.0).round(3).tolist()
    [0.0, 0.5, 0.8]
    """
    _check_positive("midpoint", midpoint)
    _check_positive("spread", spread)
    v = _values(x)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        out = 1.0 / (1.0 + np.power(np.where(v > 0, v, 1.0) / midpoint, -spread))
    out = np.where(v > 0, out, np.where(np.isnan(v), np.nan, 0.0))
    return _wrap(x, out, "membership")


def fuzzy_small(x: Grid, midpoint: float, spread: float = 5.0) -> Grid:
    """Small values are favourable: ``1 / (1 + (x / midpoint) ** spread)``.

    Membership is 0.5 at ``midpoint``; values ``x <= 0`` get 1 (ArcGIS's *FuzzySmall*).

    Examples
    --------
    >>> import numpy as np
    >>> fuzzy_small(np.array([0.0, 10.0, 20.0]), 10.0, 2.0).round(3).tolist()
    [1.0, 0.5, 0.2]
    """
    _check_positive("midpoint", midpoint)
    _check_positive("spread", spread)
    v = _values(x)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        out = 1.0 / (1.0 + np.power(np.where(v > 0, v, 1.0) / midpoint, spread))
    out = np.where(v > 0, out, np.where(np.isnan(v), np.nan, 1.0))
    return _wrap(x, out, "membership")


def fuzzy_gaussian(x: Grid, midpoint: float, spread: float = 0.1) -> Grid:
    """Values near ``midpoint`` are favourable: ``exp(-spread * (x - midpoint) ** 2)``.

    Examples
    --------
    >>> import numpy as np
    >>> fuzzy_gaussian(np.array([5.0, 6.0]), 5.0, 1.0).round(4).tolist()
    [1.0, 0.3679]
    """
    _check_positive("spread", spread)
    if not math.isfinite(midpoint):
        msg = f"midpoint must be finite, got {midpoint!r}"
        raise ValidationError(msg)
    v = _values(x)
    out = np.exp(-spread * (v - midpoint) ** 2)
    return _wrap(x, out, "membership")


def fuzzy_near(x: Grid, midpoint: float, spread: float = 0.1) -> Grid:
    """Values near ``midpoint`` are favourable, with heavier tails than the gaussian:
    ``1 / (1 + spread * (x - midpoint) ** 2)``.

    Examples
    --------
    >>> import numpy as np
    >>> fuzzy_near(np.array([5.0, 6.0]), 5.0, 1.0).tolist()
    [1.0, 0.5]
    """
    _check_positive("spread", spread)
    if not math.isfinite(midpoint):
        msg = f"midpoint must be finite, got {midpoint!r}"
        raise ValidationError(msg)
    v = _values(x)
    out = 1.0 / (1.0 + spread * (v - midpoint) ** 2)
    return _wrap(x, out, "membership")


def fuzzy_categorical(
    x: Grid, memberships: Mapping[float, float], *, default: float = math.nan
) -> Grid:
    """Membership of class codes from a table ``{class: membership}``.

    Classes not in the table get ``default`` (NaN unless given).

    Examples
    --------
    >>> import numpy as np
    >>> fuzzy_categorical(np.array([1, 2, 7]), {1: 0.9, 2: 0.2}, default=0.0).tolist()
    [0.9, 0.2, 0.0]
    """
    if not memberships:
        msg = "memberships must map at least one class to a membership"
        raise ValidationError(msg)
    bad = {k: v for k, v in memberships.items() if not 0.0 <= float(v) <= 1.0}
    if bad or not (math.isnan(default) or 0.0 <= default <= 1.0):
        msg = f"memberships must lie between 0 and 1; got {bad or {'default': default}}"
        raise ValidationError(msg)
    keys = np.array(sorted(memberships), dtype=np.float64)
    vals = np.array([float(memberships[k]) for k in sorted(memberships)], dtype=np.float64)
    v = _values(x)
    where = np.minimum(np.searchsorted(keys, v), keys.size - 1)
    found = keys[where] == v
    out = np.where(found, vals[where], default)
    return _wrap(x, out, "membership")


# ----------------------------------------------------------------------------- overlays


def _stack(layers: tuple[Any, ...], operator: str) -> tuple[FloatArray, Any]:
    if not layers:
        msg = f"fuzzy {operator} needs at least one membership layer"
        raise ValidationError(msg)
    arrays = [_values(layer) for layer in layers]
    shape = arrays[0].shape
    for i, a in enumerate(arrays[1:], start=2):
        if a.shape != shape:
            msg = f"fuzzy {operator}: layer {i} has shape {a.shape} but layer 1 has {shape}"
            raise ValidationError(msg)
    stack = np.stack(arrays)
    finite = stack[~np.isnan(stack)]
    if finite.size and (finite.min() < 0.0 or finite.max() > 1.0):
        msg = (
            f"fuzzy {operator}: memberships must lie between 0 and 1, got "
            f"{finite.min():g} .. {finite.max():g}; apply a membership function first"
        )
        raise ValidationError(msg)
    return stack, layers[0]


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence numpy's 'All-NaN slice' warning (those cells become NaN anyway)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _finish(stack: FloatArray, out: FloatArray, skipna: bool, template: Any, name: str) -> Any:
    nan = np.isnan(stack)
    out = (
        np.where(nan.all(axis=0), np.nan, out) if skipna else np.where(nan.any(axis=0), np.nan, out)
    )
    return _wrap(template, out, name)


def fuzzy_and(*layers: Any, skipna: bool = False) -> Any:
    """Fuzzy AND: the minimum membership (the weakest evidence decides).

    Examples
    --------
    >>> import numpy as np
    >>> fuzzy_and(np.array([0.2, 0.9, np.nan]), np.array([0.5, 0.4, 0.3])).tolist()
    [0.2, 0.4, nan]
    >>> fuzzy_and(np.array([0.2, np.nan]), np.array([0.5, 0.3]), skipna=True).tolist()
    [0.2, 0.3]
    """
    stack, template = _stack(layers, "AND")
    with np.errstate(invalid="ignore"), _quiet():
        out = np.nanmin(stack, axis=0) if skipna else np.min(stack, axis=0)
    return _finish(stack, out, skipna, template, "fuzzy_and")


def fuzzy_or(*layers: Any, skipna: bool = False) -> Any:
    """Fuzzy OR: the maximum membership (the strongest evidence decides).

    Examples
    --------
    >>> import numpy as np
    >>> fuzzy_or(np.array([0.2, 0.9]), np.array([0.5, 0.4])).tolist()
    [0.5, 0.9]
    """
    stack, template = _stack(layers, "OR")
    with np.errstate(invalid="ignore"), _quiet():
        out = np.nanmax(stack, axis=0) if skipna else np.max(stack, axis=0)
    return _finish(stack, out, skipna, template, "fuzzy_or")


def fuzzy_algebraic_product(*layers: Any, skipna: bool = False) -> Any:
    """Fuzzy algebraic product ``prod(mu_i)`` (decreasive: never above the AND).

    Examples
    --------
    >>> import numpy as np
    >>> fuzzy_algebraic_product(np.array([0.5, 0.9]), np.array([0.5, 1.0])).tolist()
    [0.25, 0.9]
    """
    stack, template = _stack(layers, "algebraic product")
    out = np.nanprod(stack, axis=0) if skipna else np.prod(stack, axis=0)
    return _finish(stack, out, skipna, template, "fuzzy_product")


def fuzzy_algebraic_sum(*layers: Any, skipna: bool = False) -> Any:
    """Fuzzy algebraic sum ``1 - prod(1 - mu_i)`` (increasive: never below the OR).

    Examples
    --------
    >>> import numpy as np
    >>> fuzzy_algebraic_sum(np.array([0.5, 0.0]), np.array([0.5, 0.3])).round(12).tolist()
    [0.75, 0.3]
    """
    stack, template = _stack(layers, "algebraic sum")
    comp = 1.0 - stack
    out = 1.0 - (np.nanprod(comp, axis=0) if skipna else np.prod(comp, axis=0))
    return _finish(stack, out, skipna, template, "fuzzy_sum")


def fuzzy_gamma(*layers: Any, gamma: float, skipna: bool = False) -> Any:
    """Fuzzy gamma: ``(algebraic sum) ** gamma * (algebraic product) ** (1 - gamma)``.

    ``gamma = 0`` is the algebraic product, ``gamma = 1`` the algebraic sum; values around
    0.7-0.9 are common (Bonham-Carter 1994).

    Examples
    --------
    >>> import numpy as np
    >>> a, b = np.array([0.5]), np.array([0.5])
    >>> float(fuzzy_gamma(a, b, gamma=0.5)[0]) == float(np.sqrt(0.75 * 0.25))
    True
    """
    if not (math.isfinite(gamma) and 0.0 <= gamma <= 1.0):
        msg = f"gamma must lie between 0 and 1, got {gamma!r}"
        raise ValidationError(msg)
    stack, template = _stack(layers, "gamma")
    if skipna:
        product = np.nanprod(stack, axis=0)
        total = 1.0 - np.nanprod(1.0 - stack, axis=0)
    else:
        product = np.prod(stack, axis=0)
        total = 1.0 - np.prod(1.0 - stack, axis=0)
    out = np.power(total, gamma) * np.power(product, 1.0 - gamma)
    return _finish(stack, out, skipna, template, "fuzzy_gamma")
