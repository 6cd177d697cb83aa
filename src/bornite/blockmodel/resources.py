"""Resource classification and grade-tonnage curves of block models."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr

from bornite.core.units import parse_grade_column, to_mass_fraction
from bornite.errors import ValidationError

__all__ = [
    "CATEGORY_NAMES",
    "classify",
    "clip_negative_grades",
    "grade_tonnage_curve",
    "resource_by_class",
]

#: Category names by reporting code, from most to least confident (codes 1, 2, 3; 0 is
#: unclassified). GB/T 17766-2020 is China's classification of solid mineral resources.
CATEGORY_NAMES: dict[str, tuple[str, str, str]] = {
    "jorc": ("Measured", "Indicated", "Inferred"),
    "cim": ("Measured", "Indicated", "Inferred"),
    "gbt17766": ("探明 (measured)", "控制 (indicated)", "推断 (inferred)"),
}


def classify(
    model: xr.Dataset,
    variable: str,
    thresholds: Sequence[float],
    *,
    higher_is_better: bool = True,
) -> xr.DataArray:
    """Classify blocks into categories 1 (measured), 2 (indicated), 3 (inferred), 0 (none).

    Parameters
    ----------
    model : xarray.Dataset
        Block model.
    variable : str
        The confidence criterion: slope of regression, number of samples or holes (higher is
        better), kriging variance or drill spacing (lower is better).
    thresholds : sequence of three floats
        Limits for measured, indicated and inferred, e.g. slope ``(0.8, 0.5, 0.0)`` or
        kriging variance ``(0.3, 0.6, 0.9)`` with ``higher_is_better=False``.
    higher_is_better : bool
        Direction of the criterion.

    Returns
    -------
    xarray.DataArray of int8
        Codes, with ``attrs["names"]`` giving the JORC/CIM and GB/T 17766 names.

    Examples
    --------
    >>> from bornite.blockmodel.grid import BlockGrid
    >>> m = BlockGrid((0.0, 0.0, 0.0), (1.0, 1.0, 1.0), (4, 1, 1)).dataset(
    ...     slope=[0.9, 0.6, 0.2, np.nan])
    >>> classify(m, "slope", (0.8, 0.5, 0.0)).values.ravel().tolist()
    [1, 2, 3, 0]
    """
    if variable not in model:
        msg = f"block model has no variable {variable!r}; it has {', '.join(map(str, model))}"
        raise ValidationError(msg)
    limits = [float(t) for t in thresholds]
    ordered = limits == sorted(limits, reverse=higher_is_better)
    if len(limits) != 3 or not ordered:
        way = "decreasing" if higher_is_better else "increasing"
        msg = f"give three {way} thresholds (measured, indicated, inferred), got {limits}"
        raise ValidationError(msg)
    values = model[variable].values
    codes = np.zeros(values.shape, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        for code, limit in zip((3, 2, 1), reversed(limits), strict=True):
            meets = values >= limit if higher_is_better else values <= limit
            codes[meets & np.isfinite(values)] = code
    return xr.DataArray(
        codes,
        dims=model[variable].dims,
        coords=model[variable].coords,
        name="category",
        attrs={
            "criterion": variable,
            "thresholds": limits,
            "names": {k: list(v) for k, v in CATEGORY_NAMES.items()},
        },
    )


def grade_tonnage_curve(
    model: xr.Dataset,
    grade: str,
    cutoffs: npt.ArrayLike,
    *,
    density: float | str = 2.7,
    block_volume: float | None = None,
    by: str | None = None,
) -> pd.DataFrame:
    """Tonnes, mean grade and contained metal above each cutoff.

    Parameters
    ----------
    model : xarray.Dataset
        Block model with the grade variable (named ``<element>_<unit>``, e.g. ``cu_pct``).
    grade : str
        Grade variable.
    cutoffs : array_like
        Cutoff grades in the grade's unit.
    density : float or str
        Dry bulk density in t/m^3, or the name of a density variable.
    block_volume : float, optional
        Block volume in m^3 (default: from the dataset's ``block_size`` attrs).
    by : str, optional
        Integer variable to split by (e.g. ``category``); category 0 is left out.

    Returns
    -------
    pandas.DataFrame
        ``cutoff``, (``by``), ``tonnes``, ``grade`` (tonnage-weighted mean, grade unit),
        ``metal_t``.

    Examples
    --------
    >>> from bornite.blockmodel.grid import BlockGrid
    >>> m = BlockGrid((0.0, 0.0, 0.0), (10.0, 10.0, 10.0), (3, 1, 1)).dataset(
    ...     cu_pct=[0.2, 0.4, 0.6])
    >>> grade_tonnage_curve(m, "cu_pct", [0.3], density=2.5)[["tonnes", "grade", "metal_t"]]
       tonnes  grade  metal_t
    0  5000.0    0.5     25.0
    """
    element, unit = parse_grade_column(grade)
    if grade not in model:
        msg = f"block model has no grade variable {grade!r}"
        raise ValidationError(msg)
    if block_volume is None:
        block_volume = float(np.prod(model.attrs.get("block_size", [np.nan])))
    if not np.isfinite(block_volume) or block_volume <= 0:
        msg = "give block_volume (m^3): the dataset has no block_size attrs"
        raise ValidationError(msg)
    values = model[grade].values.ravel()
    rho = (
        model[density].values.ravel()
        if isinstance(density, str)
        else np.full(values.shape, float(density))
    )
    tonnes = rho * block_volume
    groups = model[by].values.ravel() if by is not None else np.ones(values.shape, dtype=int)
    rows = []
    fraction = to_mass_fraction(1.0, unit)
    for cutoff in np.atleast_1d(np.asarray(cutoffs, dtype=float)):
        for group in sorted(set(groups[np.isfinite(values)].tolist()) - {0} if by else {1}):
            keep = np.isfinite(values) & (values >= cutoff) & (groups == group)
            t = float(tonnes[keep].sum())
            g = float(np.dot(tonnes[keep], values[keep]) / t) if t > 0 else np.nan
            row = {
                "cutoff": float(cutoff),
                "tonnes": t,
                "grade": g,
                "metal_t": t * g * fraction if t > 0 else 0.0,
            }
            if by:
                row = {"cutoff": float(cutoff), by: int(group)} | {
                    k: v for k, v in row.items() if k != "cutoff"
                }
            rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs.update({"grade": grade, "element": element, "unit": unit})
    return table


def clip_negative_grades(blocks: xr.Dataset, grade: str) -> int:
    """Set negative estimates of ``grade`` to zero in place; return how many there were.

    Ordinary-kriging weights can be negative, and so, rarely, can an estimate near a high
    sample screened by low ones; a grade cannot (and a pit refuses one). The count is kept in
    ``blocks.attrs["negative_estimates_set_to_zero"]`` so reports can state it.

    Examples
    --------
    >>> from bornite.blockmodel.grid import BlockGrid
    >>> m = BlockGrid((0.0, 0.0, 0.0), (1.0, 1.0, 1.0), (3, 1, 1)).dataset(
    ...     cu_pct=[0.2, -0.01, float("nan")])
    >>> clip_negative_grades(m, "cu_pct"), m["cu_pct"].values.ravel().tolist()[:2]
    (1, [0.2, 0.0])
    """
    if grade not in blocks:
        msg = f"block model has no grade variable {grade!r}"
        raise ValidationError(msg)
    values = blocks[grade].values
    negative = values < 0
    values[negative] = 0.0
    count = int(negative.sum())
    blocks.attrs["negative_estimates_set_to_zero"] = count
    return count


def resource_by_class(
    blocks: xr.Dataset,
    grade: str,
    cutoffs: npt.ArrayLike,
    *,
    density: float | str = 2.7,
    scheme: str = "jorc",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The grade-tonnage curve of all estimated blocks and of each resource class.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The total curve (:func:`grade_tonnage_curve`) and the curve by ``category`` with the
        class named in ``scheme`` (``class``: e.g. ``indicated`` or ``控制 (indicated)``).
    """
    if scheme not in CATEGORY_NAMES:
        msg = f"scheme must be one of {', '.join(CATEGORY_NAMES)}, got {scheme!r}"
        raise ValidationError(msg)
    total = grade_tonnage_curve(blocks, grade, cutoffs, density=density)
    by_class = grade_tonnage_curve(blocks, grade, cutoffs, density=density, by="category")
    labels = CATEGORY_NAMES[scheme]
    by_class["class"] = [labels[int(c) - 1] for c in by_class["category"]]
    return total, by_class
