"""Points, lines and polygons from GeoPackage, shapefile or GeoJSON (geopandas, ``geo`` extra).

:func:`points_to_cells` puts deposits on an evidence grid (see :mod:`bornite.io.raster` for
the grid convention): the row and column of the cell holding each point, and a grid of
deposits per cell that the weights-of-evidence functions take. A point on the boundary
between two cells falls in the cell to its east / south (``floor`` of the cell index),
except on the grid's east and south edges, which belong to the last column / row.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from bornite.core.crs import same_crs
from bornite.errors import DataFileError, MissingDependencyError, ValidationError
from bornite.io.outputs import atomic_path
from bornite.io.raster import _rasterio, grid_transform

__all__ = ["points_to_cells", "read_points", "read_vector", "write_targets"]

logger = logging.getLogger(__name__)

_KINDS = {
    "point": ("Point", "MultiPoint"),
    "line": ("LineString", "MultiLineString", "LinearRing"),
    "polygon": ("Polygon", "MultiPolygon"),
}


def _geopandas() -> Any:
    try:
        import geopandas  # noqa: PLC0415 (optional dependency, imported lazily)
    except ImportError as error:
        msg = "reading vector files needs geopandas; install it with pip install 'bornite[geo]'"
        raise MissingDependencyError(msg) from error
    return geopandas


def read_vector(
    path: str | Path,
    *,
    layer: str | None = None,
    geometry: Literal["point", "line", "polygon"] | None = None,
) -> Any:
    """Read a vector file (GeoPackage, shapefile, GeoJSON, ...) as a GeoDataFrame.

    Parameters
    ----------
    path : str or Path
        The file (for a shapefile, the ``.shp``).
    layer : str, optional
        Layer of a multi-layer file such as a GeoPackage.
    geometry : {"point", "line", "polygon"}, optional
        Require every feature to be of this kind (multi-parts allowed).

    Returns
    -------
    geopandas.GeoDataFrame
        With its CRS; ``attrs["crs"]`` also holds it as ``"EPSG:<code>"`` or WKT.

    Raises
    ------
    bornite.errors.DataFileError
        Missing or unreadable file, empty or null geometries, or the wrong geometry kind.
    """
    gpd = _geopandas()
    path = Path(path)
    if not path.exists():
        msg = f"{path}: vector file not found; check the path"
        raise DataFileError(msg)
    try:
        frame = gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    except Exception as error:  # pyogrio raises its own DataSourceError family
        msg = f"{path}: not a readable vector file ({error}); check the file and layer"
        raise DataFileError(msg) from error
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry is None:
        msg = (
            f"{path}: has no geometry (a plain table?); give points as a GeoPackage, "
            "shapefile or GeoJSON in the rasters' CRS"
        )
        raise DataFileError(msg)
    if len(frame) == 0:
        msg = f"{path}: holds no features"
        raise DataFileError(msg)
    empty = frame.geometry.isna() | frame.geometry.is_empty
    if empty.any():
        rows = np.flatnonzero(empty.to_numpy())[:5].tolist()
        msg = (
            f"{path}: {int(empty.sum())} feature(s) without geometry (rows {rows}); fix or "
            "drop them"
        )
        raise DataFileError(msg)
    if geometry is not None:
        kinds = set(frame.geom_type.unique())
        wrong = kinds - set(_KINDS[geometry])
        if wrong:
            msg = f"{path}: expected {geometry} features, found {sorted(wrong)}"
            raise DataFileError(msg)
    crs = frame.crs
    frame.attrs["crs"] = (
        None
        if crs is None
        else (f"EPSG:{crs.to_epsg()}" if crs.to_epsg() is not None else crs.to_wkt())
    )
    return frame


def read_points(path: str | Path, *, layer: str | None = None) -> Any:
    """Read point features (deposits, occurrences); multi-points are split into points."""
    frame = read_vector(path, layer=layer, geometry="point")
    if (frame.geom_type == "MultiPoint").any():
        frame = frame.explode(index_parts=False, ignore_index=True)
    return frame


def points_to_cells(
    points: Any,
    template: xr.DataArray,
    *,
    outside: Literal["raise", "drop"] = "raise",
) -> xr.DataArray:
    """Deposits per cell of ``template``'s grid.

    Parameters
    ----------
    points : geopandas.GeoDataFrame or pandas.DataFrame
        Point features (with a CRS), or a table with ``easting`` and ``northing`` columns
        in the template's CRS.
    template : xarray.DataArray
        A grid in bornite's convention (its CRS, transform and shape are used).
    outside : {"raise", "drop"}
        What to do with points outside the grid: refuse (default) or leave them out (they
        are counted in ``attrs["points_outside"]``).

    Returns
    -------
    xarray.DataArray
        ``uint16`` counts on the template's grid; ``attrs`` hold ``rows`` and ``cols``
        (cell of each kept point, in input order), ``points_total``, ``points_outside`` and
        ``shared_cells`` (cells holding more than one point).

    Raises
    ------
    bornite.errors.ValidationError
        Different CRSs, or points outside the grid with ``outside="raise"`` (the first
        ones are named).

    Examples
    --------
    >>> import pandas as pd
    >>> from bornite.io.raster import raster_template
    >>> grid = raster_template(0.0, 300.0, 100.0, (3, 3))
    >>> pts = pd.DataFrame({"easting": [50.0, 60.0, 250.0], "northing": [250.0, 240.0, 10.0]})
    >>> counts = points_to_cells(pts, grid)
    >>> counts.values.tolist(), counts.attrs["shared_cells"]
    ([[2, 0, 0], [0, 0, 0], [0, 0, 1]], 1)
    """
    if hasattr(points, "geometry") and hasattr(points, "crs"):
        crs = points.crs
        crs_text = (
            None
            if crs is None
            else (f"EPSG:{crs.to_epsg()}" if crs.to_epsg() is not None else crs.to_wkt())
        )
        if not same_crs(crs_text, template.attrs.get("crs")):
            msg = (
                f"points have CRS {crs_text!r} but the grid has {template.attrs.get('crs')!r}; "
                "reproject the points first (points.to_crs(grid_crs)); bornite does not "
                "reproject silently"
            )
            raise ValidationError(msg)
        geom = points.geometry
        if not (geom.geom_type == "Point").all():
            msg = "points_to_cells needs Point features; use read_points() to split multi-points"
            raise ValidationError(msg)
        east = geom.x.to_numpy(dtype=np.float64)
        north = geom.y.to_numpy(dtype=np.float64)
    elif isinstance(points, pd.DataFrame) and {"easting", "northing"} <= set(points.columns):
        east = points["easting"].to_numpy(dtype=np.float64)
        north = points["northing"].to_numpy(dtype=np.float64)
    else:
        msg = "points must be a GeoDataFrame of points or a table with easting and northing"
        raise ValidationError(msg)
    a, _, c, _, e, f = grid_transform(template)
    n_rows, n_cols = template.shape
    col_f = (east - c) / a
    row_f = (north - f) / e
    # The east and south edges belong to the last column / row.
    col = np.where(col_f == n_cols, n_cols - 1, np.floor(col_f))
    row = np.where(row_f == n_rows, n_rows - 1, np.floor(row_f))
    inside = (col >= 0) & (col < n_cols) & (row >= 0) & (row < n_rows) & np.isfinite(col_f)
    inside &= np.isfinite(row_f)
    n_out = int((~inside).sum())
    if n_out and outside == "raise":
        bad = np.flatnonzero(~inside)[:5]
        where = ", ".join(f"#{i} ({east[i]:.1f}, {north[i]:.1f})" for i in bad)
        west_e, east_e = c, c + a * n_cols
        north_e, south_e = f, f + e * n_rows
        msg = (
            f"{n_out} of {east.size} points lie outside the grid (easting {west_e:.1f} .. "
            f"{east_e:.1f}, northing {south_e:.1f} .. {north_e:.1f}): {where}; clip the points "
            "to the study area or pass outside='drop'"
        )
        raise ValidationError(msg)
    rows = row[inside].astype(np.int64)
    cols = col[inside].astype(np.int64)
    flat = rows * n_cols + cols
    counts = np.bincount(flat, minlength=n_rows * n_cols)
    if counts.max(initial=0) > np.iinfo(np.uint16).max:
        msg = "more than 65535 points fall in one cell; use a finer grid"
        raise ValidationError(msg)
    grid = xr.DataArray(
        counts.astype(np.uint16).reshape(n_rows, n_cols),
        coords=template.coords,
        dims=template.dims,
        name="deposits",
        attrs={
            "crs": template.attrs.get("crs"),
            "cell_size": template.attrs.get("cell_size"),
            "transform": template.attrs.get("transform"),
            "rows": rows,
            "cols": cols,
            "points_total": int(east.size),
            "points_outside": n_out,
            "shared_cells": int((counts > 1).sum()),
        },
    )
    if n_out:
        logger.info("%d points outside the grid were left out", n_out)
    return grid


def write_targets(
    labels: xr.DataArray,
    table: pd.DataFrame,
    path: str | Path,
    *,
    id_column: str = "target_id",
) -> Path:
    """Write target regions as polygons (GeoPackage) with their table's columns.

    Parameters
    ----------
    labels : xarray.DataArray
        Label raster in bornite's grid convention: the target id in each cell, 0 (or NaN)
        outside targets (:func:`bornite.prospectivity.extract_targets`).
    table : pandas.DataFrame
        One row per target with ``id_column``; its columns become the layer's attributes.
    path : str or Path
        Output ``.gpkg``, replaced if it exists (callers check their output folder); it is
        written beside and renamed into place, so a failed write leaves an earlier file.
    id_column : str
        Column of ``table`` matching the label values.

    Returns
    -------
    Path
        The file written.
    """
    geopandas = _geopandas()
    rasterio = _rasterio()
    from rasterio import features  # noqa: PLC0415 (optional dependency)
    from shapely.geometry import shape  # noqa: PLC0415
    from shapely.ops import unary_union  # noqa: PLC0415

    values = np.nan_to_num(np.asarray(labels.values, dtype=float), nan=0.0).astype(np.int32)
    transform = rasterio.Affine(*grid_transform(labels)[:6])
    parts: dict[int, list[Any]] = {}
    for geometry, value in features.shapes(values, mask=values > 0, transform=transform):
        parts.setdefault(int(value), []).append(shape(geometry))
    missing = sorted(set(parts) - {int(v) for v in table[id_column]})
    if missing:
        msg = f"label raster has target ids {missing[:5]} that the table lacks"
        raise ValidationError(msg)
    rows = table[table[id_column].astype(int).isin(parts)].reset_index(drop=True)
    geometries = [unary_union(parts[int(v)]) for v in rows[id_column]]
    frame = geopandas.GeoDataFrame(rows, geometry=geometries, crs=labels.attrs.get("crs"))
    path = Path(path)
    # written beside and renamed over: a failed write leaves an earlier file as it was
    try:
        with atomic_path(path, suffix=".gpkg") as tmp, warnings.catch_warnings():
            # A local grid without a CRS (synthetic data) is written as such, knowingly.
            warnings.filterwarnings("ignore", message=".*crs.* was not provided")
            tmp.unlink()  # GDAL creates the GeoPackage itself
            frame.to_file(tmp, driver="GPKG", layer="targets")
    except (OSError, RuntimeError, ValueError) as error:
        msg = f"{path}: could not write the GeoPackage ({error})"
        raise DataFileError(msg) from error
    return path
