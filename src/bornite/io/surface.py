"""Topographic surfaces: points of a survey (CSV) or a digital elevation model (GeoTIFF).

:func:`read_surface` returns a function of easting and northing that a block model is cut
with (:func:`bornite.blockmodel.model_from_table`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from bornite.errors import DataFileError
from bornite.io.grade_tonnage import read_table

__all__ = ["read_surface"]

FloatArray = npt.NDArray[np.float64]
SurfaceFunction = Callable[[FloatArray, FloatArray], FloatArray]


def _points(path: Path) -> SurfaceFunction:
    table = read_table(path)
    table.columns = [str(c).strip().lower() for c in table.columns]
    missing = [c for c in ("easting", "northing", "elevation") if c not in table.columns]
    if missing:
        msg = (
            f"{path}: a surface needs columns easting, northing, elevation; missing "
            f"{', '.join(missing)} (it has {', '.join(table.columns)})"
        )
        raise DataFileError(msg)
    xyz = table[["easting", "northing", "elevation"]].apply(pd.to_numeric, errors="coerce")
    bad = ~np.isfinite(xyz.to_numpy(dtype=float)).all(axis=1)
    if bad.any():
        rows = (np.flatnonzero(bad)[:5] + 1).tolist()
        msg = f"{path}: rows {rows} have a missing or non-numeric coordinate; fix or remove them"
        raise DataFileError(msg)
    points = xyz.to_numpy(dtype=float)
    _, first = np.unique(points[:, :2], axis=0, return_index=True)
    if first.size < len(points):
        msg = (
            f"{path}: {len(points) - first.size} point(s) repeat an easting and northing; "
            "keep one elevation per place"
        )
        raise DataFileError(msg)
    if len(points) < 3:
        msg = f"{path}: a surface needs at least 3 points, got {len(points)}"
        raise DataFileError(msg)
    from scipy.interpolate import LinearNDInterpolator, NearestNDInterpolator  # noqa: PLC0415
    from scipy.spatial import QhullError  # noqa: PLC0415

    try:
        linear = LinearNDInterpolator(points[:, :2], points[:, 2])
    except QhullError as error:
        msg = f"{path}: the points lie on a line; a surface needs points spread in plan"
        raise DataFileError(msg) from error
    nearest = NearestNDInterpolator(points[:, :2], points[:, 2])

    def elevation(east: FloatArray, north: FloatArray) -> FloatArray:
        z = np.asarray(linear(east, north), dtype=float)
        outside = np.isnan(z)
        if outside.any():  # beyond the points' hull: the nearest point's elevation
            z[outside] = nearest(east[outside], north[outside])
        return z

    return elevation


def _dem(path: Path) -> SurfaceFunction:
    from scipy.interpolate import RegularGridInterpolator  # noqa: PLC0415

    from bornite.io.raster import read_raster  # noqa: PLC0415

    layer = read_raster(path)
    values = np.asarray(layer.values, dtype=float)
    if not np.isfinite(values).any():
        msg = f"{path}: the elevation model has no valid cell"
        raise DataFileError(msg)
    northing = np.asarray(layer["northing"].values, dtype=float)[::-1]
    easting = np.asarray(layer["easting"].values, dtype=float)
    grid = RegularGridInterpolator(
        (northing, easting), values[::-1], bounds_error=False, fill_value=np.nan
    )
    cells = np.column_stack(np.nonzero(np.isfinite(values[::-1])))

    def elevation(east: FloatArray, north: FloatArray) -> FloatArray:
        z = np.asarray(grid(np.column_stack([north, east])), dtype=float)
        outside = np.isnan(z)
        if outside.any():  # off the model or on nodata: the nearest valid cell
            from scipy.spatial import cKDTree  # noqa: PLC0415

            tree = cKDTree(np.column_stack([northing[cells[:, 0]], easting[cells[:, 1]]]))
            _, k = tree.query(np.column_stack([north[outside], east[outside]]))
            z[outside] = values[::-1][cells[k, 0], cells[k, 1]]
        return z

    return elevation


def read_surface(path: str | Path) -> SurfaceFunction:
    """A topographic surface from survey points or a digital elevation model.

    Parameters
    ----------
    path : str or Path
        A CSV (or Excel, Parquet) table of points with columns ``easting``, ``northing``,
        ``elevation`` (metres, in the block model's coordinates), or a GeoTIFF elevation
        model (the ``geo`` extra).

    Returns
    -------
    callable
        ``elevation(easting, northing)``: linear between the points (Delaunay triangles) or
        cells (bilinear), and the nearest point's or cell's value beyond them.

    Raises
    ------
    DataFileError
        Naming the file (and rows): missing columns, non-numeric or missing coordinates,
        repeated points, fewer than three points, points on a line.

    Examples
    --------
    >>> import tempfile
    >>> file = Path(tempfile.mkdtemp()) / "topo.csv"
    >>> _ = file.write_text("easting,northing,elevation\\n0,0,100\\n100,0,110\\n0,100,120\\n")
    >>> surface = read_surface(file)
    >>> surface(np.array([50.0, 500.0]), np.array([0.0, 0.0])).tolist()
    [105.0, 110.0]
    """
    path = Path(path)
    if path.suffix.lower() in {".tif", ".tiff"}:
        return _dem(path)
    return _points(path)
