"""Domain flagging: blocks inside a closed wireframe or above a grade threshold."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import xarray as xr

from bornite.blockmodel.grid import BlockGrid
from bornite.errors import ValidationError

__all__ = ["density_by_domain", "grade_shell", "inside_wireframe"]

FloatArray = npt.NDArray[np.float64]


def inside_wireframe(grid: BlockGrid, triangles: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Flag the blocks whose centroids lie inside a closed triangulated surface.

    Parameters
    ----------
    grid : BlockGrid
        The block grid.
    triangles : array_like, shape (t, 3, 3)
        Triangles of a closed (watertight) surface: vertices as (easting, northing, elevation).

    Returns
    -------
    numpy.ndarray of bool, shape ``grid.shape``

    Notes
    -----
    Even-odd rule along vertical rays: a centroid is inside when a vertical ray upwards from it
    crosses the surface an odd number of times. For each column of blocks, the elevations at
    which its vertical line crosses each triangle are found with barycentric coordinates in
    plan; the ray is shifted by a tiny irrational fraction of the block size so that it never
    passes exactly through a shared edge or vertex (which would count a crossing twice).

    Examples
    --------
    >>> cube = _box_triangles((0, 0, 0), (10, 10, 10))
    >>> grid = BlockGrid((-5.0, -5.0, -5.0), (5.0, 5.0, 5.0), (4, 4, 4))
    >>> int(inside_wireframe(grid, cube).sum())
    8
    """
    tri = np.asarray(triangles, dtype=float)
    if tri.ndim != 3 or tri.shape[1:] != (3, 3) or len(tri) < 4:
        msg = (
            f"a wireframe needs at least 4 triangles as an array of shape (t, 3, 3), got "
            f"{tri.shape}"
        )
        raise ValidationError(msg)
    nx, ny, nz = grid.shape
    shift = np.array([np.sqrt(2.0) - 1.0, np.sqrt(3.0) - 1.5]) * 1e-6
    east = grid.axis(0) + shift[0] * grid.block_size[0]
    north = grid.axis(1) + shift[1] * grid.block_size[1]
    columns = np.column_stack([np.repeat(east, ny), np.tile(north, nx)])
    a, b, c = tri[:, 0], tri[:, 1], tri[:, 2]
    # Plan-view barycentric set-up per triangle.
    v0 = b[:, :2] - a[:, :2]
    v1 = c[:, :2] - a[:, :2]
    det = v0[:, 0] * v1[:, 1] - v0[:, 1] * v1[:, 0]
    usable = np.abs(det) > 1e-12 * (np.abs(v0).max() * np.abs(v1).max() + 1e-300)
    a, b, c, v0, v1, det = a[usable], b[usable], c[usable], v0[usable], v1[usable], det[usable]
    low = np.minimum(np.minimum(a[:, :2], b[:, :2]), c[:, :2])
    high = np.maximum(np.maximum(a[:, :2], b[:, :2]), c[:, :2])
    # Candidate (triangle, column) pairs from each triangle's plan bounding box.
    first_i = np.ceil((low[:, 0] - east[0]) / grid.block_size[0]).astype(np.int64)
    last_i = np.floor((high[:, 0] - east[0]) / grid.block_size[0]).astype(np.int64)
    first_j = np.ceil((low[:, 1] - north[0]) / grid.block_size[1]).astype(np.int64)
    last_j = np.floor((high[:, 1] - north[0]) / grid.block_size[1]).astype(np.int64)
    first_i, first_j = np.maximum(first_i, 0), np.maximum(first_j, 0)
    last_i, last_j = np.minimum(last_i, nx - 1), np.minimum(last_j, ny - 1)
    width = np.maximum(last_i - first_i + 1, 0)
    height = np.maximum(last_j - first_j + 1, 0)
    count = width * height
    t = np.repeat(np.arange(len(a)), count)
    offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    i = first_i[t] + offset // np.maximum(height[t], 1)
    j = first_j[t] + offset % np.maximum(height[t], 1)
    col = i * ny + j
    d = columns[col] - a[t, :2]
    u = (d[:, 0] * v1[t, 1] - d[:, 1] * v1[t, 0]) / det[t]
    v = (v0[t, 0] * d[:, 1] - v0[t, 1] * d[:, 0]) / det[t]
    hit = (u >= 0) & (v >= 0) & (u + v <= 1)
    col, t, u, v = col[hit], t[hit], u[hit], v[hit]
    z = a[t, 2] + u * (b[t, 2] - a[t, 2]) + v * (c[t, 2] - a[t, 2])
    # Crossings above each block centroid, column by column (even-odd rule).
    order = np.lexsort((z, col))
    col, z = col[order], z[order]
    bounds = np.searchsorted(col, np.arange(nx * ny + 1))
    inside = np.zeros((nx * ny, nz), dtype=bool)
    z_centres = grid.axis(2)
    for k in np.flatnonzero(np.diff(bounds)):
        crossings = z[bounds[k] : bounds[k + 1]]
        above = crossings.size - np.searchsorted(crossings, z_centres, side="right")
        inside[k] = above % 2 == 1
    return inside.reshape(nx, ny, nz)


def grade_shell(model: xr.Dataset, variable: str, threshold: float) -> xr.DataArray:
    """Blocks whose ``variable`` is at least ``threshold`` (a grade shell domain).

    Examples
    --------
    >>> grid = BlockGrid((0.0, 0.0, 0.0), (1.0, 1.0, 1.0), (2, 1, 1))
    >>> grade_shell(grid.dataset(cu_pct=[0.1, 0.5]), "cu_pct", 0.3).values.ravel().tolist()
    [False, True]
    """
    if variable not in model:
        msg = f"block model has no variable {variable!r}; it has {', '.join(map(str, model))}"
        raise ValidationError(msg)
    return (model[variable] >= threshold).rename(f"{variable}_ge_{threshold:g}")


def density_by_domain(
    model: xr.Dataset,
    domain: str,
    densities: Mapping[int, float],
    *,
    default: float | None = None,
) -> xr.DataArray:
    """Dry bulk density (t/m^3) of each block from its domain code.

    Parameters
    ----------
    model : xarray.Dataset
        Block model with an integer domain variable.
    domain : str
        Name of the domain variable (e.g. codes from :func:`inside_wireframe` or
        :func:`grade_shell` cast to int, or a lithology model).
    densities : mapping of int to float
        Density of each domain code.
    default : float, optional
        Density of codes not in ``densities``; without it such blocks are an error.

    Returns
    -------
    xarray.DataArray
        ``density`` on the grid, ready for ``grade_tonnage_curve(..., density="density")``.

    Examples
    --------
    >>> grid = BlockGrid((0.0, 0.0, 0.0), (1.0, 1.0, 1.0), (3, 1, 1))
    >>> model = grid.dataset(rock=[1, 2, 1])
    >>> density_by_domain(model, "rock", {1: 2.7, 2: 2.9}).values.ravel().tolist()
    [2.7, 2.9, 2.7]
    """
    if domain not in model:
        msg = f"block model has no domain variable {domain!r}; it has {', '.join(map(str, model))}"
        raise ValidationError(msg)
    for code, value in densities.items():
        if not (np.isfinite(value) and value > 0):
            msg = f"density of domain {code} must be a number > 0 t/m^3, got {value!r}"
            raise ValidationError(msg)
    codes = model[domain].values
    known = np.isin(codes, list(densities))
    if default is None and not known.all():
        missing = sorted({int(c) for c in np.unique(codes[~known]) if np.isfinite(c)})
        msg = f"no density for domain code(s) {missing}; add them to densities or give a default"
        raise ValidationError(msg)
    out = np.full(codes.shape, np.nan if default is None else float(default))
    for code, value in densities.items():
        out[codes == code] = float(value)
    return xr.DataArray(out, dims=model[domain].dims, coords=model[domain].coords, name="density")


def _box_triangles(low: tuple[float, float, float], high: tuple[float, float, float]) -> FloatArray:
    """The 12 triangles of an axis-aligned box (for examples and tests)."""
    x0, y0, z0 = low
    x1, y1, z1 = high
    p = np.array(
        [
            [x0, y0, z0],
            [x1, y0, z0],
            [x1, y1, z0],
            [x0, y1, z0],
            [x0, y0, z1],
            [x1, y0, z1],
            [x1, y1, z1],
            [x0, y1, z1],
        ]
    )
    faces = [
        (0, 1, 2),
        (0, 2, 3),
        (4, 6, 5),
        (4, 7, 6),
        (0, 5, 1),
        (0, 4, 5),
        (1, 6, 2),
        (1, 5, 6),
        (2, 7, 3),
        (2, 6, 7),
        (3, 4, 0),
        (3, 7, 4),
    ]
    return p[np.array(faces)]
