"""A regular block model from a table of block centroids, within its topography.

An estimate writes only the blocks it estimated; a pit needs the whole rock mass around them,
up to the ground and out to where its walls reach. :func:`model_from_table` rebuilds the
regular grid from the centroids, pads it with waste blocks on every side, raises it to the
topographic surface, and gives each block the fraction of its height below that surface.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr

from bornite.blockmodel.grid import DIMS, BlockGrid
from bornite.core.validation import require_columns
from bornite.errors import ValidationError

__all__ = ["Surface", "below_surface", "model_from_table"]

#: A topographic surface: elevation (m) at arrays of easting and northing, or one flat
#: elevation.
Surface = float | Callable[[npt.NDArray[np.float64], npt.NDArray[np.float64]], npt.ArrayLike]


def _elevations(surface: Surface, grid: BlockGrid) -> npt.NDArray[np.float64]:
    """The surface's elevation at the centre of every block column, shape ``(ne, nn)``."""
    east, north = np.meshgrid(grid.axis(0), grid.axis(1), indexing="ij")
    if callable(surface):
        z = np.asarray(surface(east.ravel(), north.ravel()), dtype=float).reshape(east.shape)
    else:
        z = np.full(east.shape, float(surface))
    if not np.isfinite(z).all():
        msg = "the topographic surface has no finite elevation at some block columns"
        raise ValidationError(msg)
    return np.asarray(z)


def below_surface(grid: BlockGrid, surface: Surface) -> npt.NDArray[np.float64]:
    """Fraction of each block's height below the surface at its column centre.

    ``f = clip((s - z_bottom) / dz, 0, 1)`` with ``s`` the surface elevation above the
    column: 1 for a block wholly below ground, 0 for air, between for the block the surface
    cuts (its tonnage is that fraction of a full block's).

    Examples
    --------
    >>> grid = BlockGrid((0.0, 0.0, 0.0), (10.0, 10.0, 10.0), (1, 1, 3))
    >>> below_surface(grid, 15.0).ravel().tolist()
    [1.0, 0.5, 0.0]
    """
    tops = _elevations(surface, grid)[:, :, None]
    bottoms = grid.origin[2] + grid.block_size[2] * np.arange(grid.shape[2])[None, None, :]
    return np.asarray(np.clip((tops - bottoms) / grid.block_size[2], 0.0, 1.0))


def model_from_table(
    table: pd.DataFrame,
    block_size: tuple[float, float, float],
    *,
    surface: Surface | None = None,
    pad: float = 0.0,
    where: str = "block model",
) -> xr.Dataset:
    """Rebuild the regular block model from a table of block centroids.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per block: ``easting``, ``northing``, ``elevation`` (centroids) and any
        variables (grades, category, domain).
    block_size : (float, float, float)
        Block size in metres.
    surface : float or callable, optional
        The topographic surface: a flat elevation, or a function of easting and northing
        (:func:`bornite.io.read_surface`). The grid is raised with whole benches until it
        reaches the highest point of the surface, and ``below_surface`` gives each block's
        fraction below it (:func:`below_surface`).
    pad : float
        Metres of blocks added on each side in easting and northing (whole blocks, rounded
        up), so that pit walls can reach beyond the estimated blocks.
    where : str
        Named in error messages (the file).

    Returns
    -------
    xarray.Dataset
        The table's variables on the grid (missing where the table has no row: waste at zero
        grade in a pit), ``present`` (a row of the table) and, with a surface,
        ``below_surface``.

    Raises
    ------
    ValidationError
        When the centroids are not on a regular grid of ``block_size``, two rows share a
        block, or ``pad`` is negative.

    Examples
    --------
    >>> table = pd.DataFrame({"easting": [5.0], "northing": [5.0], "elevation": [5.0],
    ...                       "cu_pct": [1.0]})
    >>> model = model_from_table(table, (10.0, 10.0, 10.0), surface=25.0, pad=10.0)
    >>> dict(model.sizes), model["below_surface"].values[1, 1].tolist()
    ({'easting': 3, 'northing': 3, 'elevation': 3}, [1.0, 1.0, 0.5])
    """
    require_columns(table, DIMS, name=where)
    if not (np.isfinite(pad) and pad >= 0):
        msg = f"{where}: pad must be a distance >= 0 m, got {pad!r}"
        raise ValidationError(msg)
    xyz = table[list(DIMS)].to_numpy(dtype=float)
    size = np.asarray(block_size, dtype=float)
    low = xyz.min(axis=0)
    steps = (xyz - low) / size
    index = np.rint(steps).astype(np.int64)
    if np.abs(steps - index).max() > 1e-6:
        shown = " x ".join(f"{v:g}" for v in size)
        msg = (
            f"{where}: block centroids are not on a regular grid of {shown} m blocks; "
            "check [model] block_size"
        )
        raise ValidationError(msg)
    margin = np.array([int(np.ceil(pad / size[0] - 1e-9)), int(np.ceil(pad / size[1] - 1e-9)), 0])
    index = index + margin
    shape = tuple(int(v) for v in index.max(axis=0) + 1 + margin)
    origin = low - size / 2 - margin * size
    if surface is not None:
        flat = BlockGrid(tuple(origin), tuple(size), shape)  # type: ignore[arg-type]
        highest = float(_elevations(surface, flat).max())
        top = origin[2] + shape[2] * size[2]
        extra = max(0, int(np.ceil((highest - top) / size[2] - 1e-9)))
        shape = (shape[0], shape[1], shape[2] + extra)
    grid = BlockGrid(tuple(origin), tuple(size), shape)  # type: ignore[arg-type]
    flat_index = np.ravel_multi_index(tuple(index.T), shape)
    if np.unique(flat_index).size != flat_index.size:
        msg = f"{where}: two rows share a block; the table must have one row per block"
        raise ValidationError(msg)
    variables: dict[str, np.ndarray] = {}
    for column in table.columns:
        if column in DIMS:
            continue
        series = table[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            full = np.full(grid.n_blocks, np.nan)
            full[flat_index] = series.to_numpy(dtype=float)
        else:
            full = np.full(grid.n_blocks, None, dtype=object)
            full[flat_index] = series.astype(object).to_numpy()
        variables[str(column)] = full
    present = np.zeros(grid.n_blocks, dtype=bool)
    present[flat_index] = True
    variables["present"] = present
    if surface is not None:
        variables["below_surface"] = below_surface(grid, surface)
    return grid.dataset(**variables)
