"""GeoTIFF evidence layers as :class:`xarray.DataArray` grids (rasterio, the ``geo`` extra).

bornite's raster convention, shared by every prospectivity function:

* a 2-D ``DataArray`` with dims ``("northing", "easting")`` and cell-centre coordinates,
  northing descending (first row is the northern edge, as in a north-up GeoTIFF);
* NaN marks cells outside the study area (nodata). :func:`read_raster` returns floats by
  default (``float32`` for 8/16-bit integers and float32 sources, ``float64`` otherwise, so
  integer class codes stay exact); with ``masked=False`` the source integers are kept and the
  nodata value is ``attrs["nodata"]``, which the prospectivity functions honour;
* ``attrs["crs"]``: the CRS as ``"EPSG:<code>"`` when it has one, else WKT, or ``None``;
  ``attrs["cell_size"]``: ``(x, y)`` cell size in CRS units (positive);
  ``attrs["transform"]``: the affine transform as six numbers ``(a, b, c, d, e, f)``.

Grids are never reprojected silently: :func:`check_aligned` refuses layers on different
CRSs or grids with a message saying what differs, and :func:`align` resamples a layer onto
a template of the *same* CRS only with an explicitly named resampling method.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from bornite.core.crs import same_crs
from bornite.errors import DataFileError, MissingDependencyError, OutputExistsError, ValidationError
from bornite.io.outputs import atomic_path

__all__ = [
    "RESAMPLING_METHODS",
    "align",
    "check_aligned",
    "grid_transform",
    "raster_template",
    "read_raster",
    "write_raster",
]

logger = logging.getLogger(__name__)

#: Resampling methods :func:`align` accepts (rasterio names).
RESAMPLING_METHODS = ("nearest", "bilinear", "cubic", "average", "mode", "min", "max", "sum")

_INSTALL = "pip install 'bornite[geo]'"


def _rasterio() -> Any:
    try:
        import rasterio  # noqa: PLC0415 (optional dependency, imported lazily)
    except ImportError as error:
        msg = f"reading and writing rasters needs rasterio; install it with {_INSTALL}"
        raise MissingDependencyError(msg) from error
    return rasterio


def _crs_string(crs: Any) -> str | None:
    if crs is None:
        return None
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg is not None else str(crs.to_wkt())


def read_raster(
    path: str | Path,
    *,
    band: int = 1,
    masked: bool = True,
    name: str | None = None,
    chunk_rows: int | None = None,
) -> xr.DataArray:
    """Read one band of a raster file (GeoTIFF or any GDAL format) as a bornite grid.

    Parameters
    ----------
    path : str or Path
        The raster file.
    band : int
        1-based band number.
    masked : bool
        Turn nodata cells into NaN (floats); ``False`` keeps the source dtype and puts the
        nodata value in ``attrs["nodata"]``.
    name : str, optional
        Name of the DataArray (default: the file stem).
    chunk_rows : int, optional
        Read lazily: a dask array of blocks of this many full rows, each read from the file
        only when needed (the prospectivity functions work block by block, so a 1e8-cell
        layer never has to fit in memory). Needs dask.

    Returns
    -------
    xarray.DataArray
        dims ``("northing", "easting")``, attrs ``crs``, ``cell_size``, ``transform``,
        ``nodata`` and ``source``.

    Raises
    ------
    bornite.errors.DataFileError
        The file is missing, unreadable, rotated, or has no such band.
    bornite.errors.MissingDependencyError
        rasterio is not installed.
    """
    rasterio = _rasterio()
    path = Path(path)
    if path.is_dir():
        msg = f"{path}: is a folder, not a raster file; give the file inside it"
        raise DataFileError(msg)
    if not path.is_file():
        msg = f"{path}: raster file not found; check the path"
        raise DataFileError(msg)
    try:
        with rasterio.open(path) as src:
            if not 1 <= band <= src.count:
                msg = f"{path}: has {src.count} band(s), band {band} was asked for"
                raise DataFileError(msg)
            transform = src.transform
            nodata = src.nodatavals[band - 1]
            crs = _crs_string(src.crs)
            if chunk_rows is None:
                data = src.read(band)
            else:
                shape, dtype = (src.height, src.width), np.dtype(src.dtypes[band - 1])
    except rasterio.errors.RasterioIOError as error:
        msg = f"{path}: not a readable raster ({error}); check the file"
        raise DataFileError(msg) from error
    if transform.b != 0 or transform.d != 0:
        msg = f"{path}: rotated or sheared grids are not supported; warp it north-up first"
        raise DataFileError(msg)
    if chunk_rows is not None:
        lazy = _lazy(path, band, shape, dtype, nodata, masked, chunk_rows)
        stored = None if masked or nodata is None else float(nodata)
        return _make_grid(lazy, transform, crs, name or path.stem, stored, str(path))
    if masked:
        if np.issubdtype(data.dtype, np.integer) and data.dtype.itemsize <= 2:
            values = data.astype(np.float32)
        elif data.dtype == np.float32:
            values = data.copy()
        else:
            values = data.astype(np.float64)
        if nodata is not None and not math.isnan(nodata):
            values[data == nodata] = np.nan
        stored_nodata: float | None = None
    else:
        values = data
        stored_nodata = None if nodata is None else float(nodata)
    return _make_grid(values, transform, crs, name or path.stem, stored_nodata, str(path))


def _masked_dtype(dtype: np.dtype) -> np.dtype:
    if np.issubdtype(dtype, np.integer) and dtype.itemsize <= 2:
        return np.dtype(np.float32)
    if dtype == np.float32:
        return dtype
    return np.dtype(np.float64)


class _WindowReader:
    """Rows of one band read from the file on demand (for :func:`dask.array.from_array`)."""

    def __init__(
        self,
        path: Path,
        band: int,
        shape: tuple[int, int],
        dtype: np.dtype,
        nodata: float | None,
        masked: bool,
    ) -> None:
        self.path, self.band, self.shape, self.nodata = path, band, shape, nodata
        self.masked = masked
        self.dtype = _masked_dtype(dtype) if masked else dtype
        self.ndim = 2

    def __getitem__(self, key: tuple[slice, slice]) -> np.ndarray:
        from rasterio.windows import Window  # noqa: PLC0415 (optional dependency)

        rows, cols = key
        r0, r1, _ = rows.indices(self.shape[0])
        c0, c1, _ = cols.indices(self.shape[1])
        with _rasterio().open(self.path) as src:
            data = src.read(self.band, window=Window(c0, r0, max(c1 - c0, 0), max(r1 - r0, 0)))
        if not self.masked:
            return np.asarray(data)
        values = data.astype(self.dtype)
        if self.nodata is not None and not math.isnan(self.nodata):
            values[data == self.nodata] = np.nan
        return np.asarray(values)


def _lazy(
    path: Path,
    band: int,
    shape: tuple[int, int],
    dtype: np.dtype,
    nodata: float | None,
    masked: bool,
    chunk_rows: int,
) -> Any:
    try:
        import dask.array as dask_array  # noqa: PLC0415 (optional dependency)
    except ImportError as error:
        msg = "lazy reading (chunk_rows=) needs dask; install it with pip install 'bornite[dask]'"
        raise MissingDependencyError(msg) from error
    if chunk_rows < 1:
        msg = f"chunk_rows must be a positive number of rows, got {chunk_rows}"
        raise ValidationError(msg)
    reader = _WindowReader(path, band, shape, dtype, nodata, masked=masked)
    return dask_array.from_array(reader, chunks=(chunk_rows, shape[1]), lock=False, asarray=True)


def _make_grid(
    values: Any,
    transform: Any,
    crs: str | None,
    name: str,
    nodata: float | None,
    source: str | None,
) -> xr.DataArray:
    rows, cols = values.shape
    a, e = float(transform.a), float(transform.e)
    if a <= 0 or e >= 0:
        msg = (
            f"{source or name}: grid is not north-up (cell size x={a}, y={e}); flip or warp it "
            "so that rows run north to south"
        )
        raise DataFileError(msg)
    easting = float(transform.c) + a * (np.arange(cols) + 0.5)
    northing = float(transform.f) + e * (np.arange(rows) + 0.5)
    attrs: dict[str, Any] = {
        "crs": crs,
        "cell_size": (a, -e),
        "transform": tuple(float(v) for v in tuple(transform)[:6]),
        "nodata": nodata,
    }
    if source is not None:
        attrs["source"] = source
    return xr.DataArray(
        values,
        dims=("northing", "easting"),
        coords={"northing": northing, "easting": easting},
        name=name,
        attrs=attrs,
    )


def grid_transform(layer: xr.DataArray) -> tuple[float, float, float, float, float, float]:
    """The affine transform ``(a, b, c, d, e, f)`` of a grid, from attrs or its coordinates."""
    if "transform" in layer.attrs:
        return tuple(float(v) for v in layer.attrs["transform"])  # type: ignore[return-value]
    for dim in ("northing", "easting"):
        if dim not in layer.coords:
            msg = (
                f"layer {layer.name!r} lacks the {dim} coordinate; expected dims "
                "(northing, easting)"
            )
            raise ValidationError(msg)
    dx, dy = _coord_steps(layer)
    west = float(layer["easting"][0]) - dx / 2
    north = float(layer["northing"][0]) + dy / 2
    return (dx, 0.0, west, 0.0, -dy, north)


def _coord_steps(layer: xr.DataArray) -> tuple[float, float]:
    if "cell_size" in layer.attrs:
        size = layer.attrs["cell_size"]
        return abs(float(size[0])), abs(float(size[1]))
    east = layer["easting"].to_numpy()
    north = layer["northing"].to_numpy()
    if east.size < 2 or north.size < 2:
        msg = f"layer {layer.name!r}: cannot infer the cell size; set attrs['cell_size']"
        raise ValidationError(msg)
    if north[1] > north[0]:
        msg = (
            f"layer {layer.name!r}: northing must descend (north-up grid); flip it with "
            ".isel(northing=slice(None, None, -1))"
        )
        raise ValidationError(msg)
    return float(east[1] - east[0]), float(north[0] - north[1])


def raster_template(
    west: float,
    north: float,
    cell_size: float | tuple[float, float],
    shape: tuple[int, int],
    *,
    crs: str | None = None,
    fill: float = np.nan,
    dtype: Any = np.float64,
) -> xr.DataArray:
    """An empty bornite grid with its north-west corner at ``(west, north)``.

    Examples
    --------
    >>> grid = raster_template(1000.0, 5000.0, 100.0, (2, 3), crs="EPSG:7845")
    >>> grid.dims, grid["easting"].values.tolist(), grid.attrs["cell_size"]
    (('northing', 'easting'), [1050.0, 1150.0, 1250.0], (100.0, 100.0))
    """
    if isinstance(cell_size, tuple | list):
        dx, dy = float(cell_size[0]), float(cell_size[1])
    else:
        dx = dy = float(cell_size)
    transform = _Affine(dx, float(west), -dy, float(north))
    values = np.full(shape, fill, dtype=dtype)
    return _make_grid(values, transform, crs, "template", None, None)


class _Affine:
    """The subset of an affine transform that :func:`_make_grid` reads (no rasterio needed)."""

    def __init__(self, a: float, c: float, e: float, f: float) -> None:
        self.a, self.b, self.c, self.d, self.e, self.f = a, 0.0, c, 0.0, e, f

    def __iter__(self) -> Any:
        return iter((self.a, self.b, self.c, self.d, self.e, self.f, 0.0, 0.0, 1.0))


def check_aligned(*layers: xr.DataArray, tolerance: float = 1e-6) -> None:
    """Refuse layers that do not share one CRS and grid.

    Parameters
    ----------
    *layers : xarray.DataArray
        Grids in bornite's convention.
    tolerance : float
        Largest difference of origins and cell sizes, as a fraction of the cell size.

    Raises
    ------
    bornite.errors.ValidationError
        Naming the first layer that differs from the first one and how (CRS, shape, cell
        size or origin), with what to do.

    Examples
    --------
    >>> a = raster_template(0.0, 100.0, 10.0, (10, 10), crs="EPSG:7845")
    >>> check_aligned(a, a.copy())
    >>> check_aligned(a, raster_template(5.0, 100.0, 10.0, (10, 10), crs="EPSG:7845"))
    Traceback (most recent call last):
    ...
    bornite.errors.ValidationError: layer 2 ('template') is offset from layer 1 ...
    """
    if len(layers) < 2:
        return
    first = layers[0]
    t0 = grid_transform(first)
    for i, layer in enumerate(layers[1:], start=2):
        label = f"layer {i} ({layer.name!r})"
        c0, c1 = first.attrs.get("crs"), layer.attrs.get("crs")
        if not same_crs(c0, c1):
            msg = (
                f"{label} has CRS {c1!r} but layer 1 has {c0!r}; bornite does not reproject "
                "silently: warp it onto layer 1's grid (e.g. gdalwarp or rioxarray's "
                "reproject_match) and read it again"
            )
            raise ValidationError(msg)
        t = grid_transform(layer)
        dx, dy = t0[0], -t0[4]
        if abs(t[0] - t0[0]) > tolerance * dx or abs(t[4] - t0[4]) > tolerance * dy:
            msg = (
                f"{label} has cells of {t[0]:g} x {-t[4]:g} but layer 1 has {dx:g} x {dy:g}; "
                "resample it with bornite.io.raster.align(layer, template, resampling=...)"
            )
            raise ValidationError(msg)
        if abs(t[2] - t0[2]) > tolerance * dx or abs(t[5] - t0[5]) > tolerance * dy:
            msg = (
                f"{label} is offset from layer 1 (origin {t[2]:.6g}, {t[5]:.6g} against "
                f"{t0[2]:.6g}, {t0[5]:.6g}); resample it with "
                "bornite.io.raster.align(layer, template, resampling=...)"
            )
            raise ValidationError(msg)
        if layer.shape != first.shape:
            msg = (
                f"{label} has {layer.shape[0]} x {layer.shape[1]} cells but layer 1 has "
                f"{first.shape[0]} x {first.shape[1]}; clip or align it to layer 1"
            )
            raise ValidationError(msg)


def align(layer: xr.DataArray, template: xr.DataArray, *, resampling: str) -> xr.DataArray:
    """Resample ``layer`` onto the grid of ``template`` (same CRS only).

    Parameters
    ----------
    layer, template : xarray.DataArray
        Grids in bornite's convention, on the same CRS.
    resampling : str
        One of :data:`RESAMPLING_METHODS`, chosen explicitly: ``"nearest"`` or ``"mode"``
        for class codes, ``"bilinear"``/``"cubic"``/``"average"`` for continuous values.

    Returns
    -------
    xarray.DataArray
        ``layer``'s values on ``template``'s cells (NaN where it has none), float64.

    Raises
    ------
    bornite.errors.ValidationError
        Different CRSs, or an unknown resampling method.
    """
    if resampling not in RESAMPLING_METHODS:
        msg = f"resampling must be one of {RESAMPLING_METHODS}, got {resampling!r}"
        raise ValidationError(msg)
    crs_l, crs_t = layer.attrs.get("crs"), template.attrs.get("crs")
    if not same_crs(crs_l, crs_t):
        msg = (
            f"layer {layer.name!r} has CRS {crs_l!r} but the template has {crs_t!r}; bornite "
            "does not reproject silently: warp the layer onto the template's CRS first"
        )
        raise ValidationError(msg)
    rasterio = _rasterio()
    from rasterio.warp import Resampling, reproject  # noqa: PLC0415 (optional dependency)

    src_t = rasterio.Affine(*grid_transform(layer))
    dst_t = rasterio.Affine(*grid_transform(template))
    source = np.asarray(layer.values, dtype=np.float64)
    nodata = layer.attrs.get("nodata")
    if nodata is not None:
        source = np.where(source == nodata, np.nan, source)
    out = np.full(template.shape, np.nan, dtype=np.float64)
    crs = crs_t or "EPSG:3857"  # any projected CRS: both grids share it, nothing is warped
    reproject(
        source,
        out,
        src_transform=src_t,
        dst_transform=dst_t,
        src_crs=crs,
        dst_crs=crs,
        src_nodata=np.nan,
        dst_nodata=np.nan,
        resampling=getattr(Resampling, resampling),
    )
    result = xr.DataArray(
        out, coords=template.coords, dims=template.dims, name=layer.name, attrs=dict(template.attrs)
    )
    result.attrs["nodata"] = None
    result.attrs["resampling"] = resampling
    return result


def write_raster(
    layer: xr.DataArray,
    path: str | Path,
    *,
    nodata: float | None = None,
    overwrite: bool = False,
    compress: str = "deflate",
) -> Path:
    """Write a bornite grid as a single-band GeoTIFF.

    Parameters
    ----------
    layer : xarray.DataArray
        dims ``("northing", "easting")``; NaN cells are written as nodata.
    path : str or Path
        Output ``.tif``.
    nodata : float, optional
        Nodata value for integer grids (float grids use NaN); defaults to
        ``attrs["nodata"]``.
    overwrite : bool
        Replace an existing file.
    compress : str
        GeoTIFF compression.

    Returns
    -------
    Path
        The file written.
    """
    rasterio = _rasterio()
    path = Path(path)
    if path.exists() and not overwrite:
        msg = f"{path}: exists; pass overwrite=True (CLI: --overwrite) to replace it"
        raise OutputExistsError(msg)
    if layer.dims != ("northing", "easting"):
        msg = f"layer dims are {layer.dims}; expected ('northing', 'easting')"
        raise ValidationError(msg)
    values = np.asarray(layer.values)
    if values.dtype == np.bool_:
        values = values.astype(np.uint8)
    if values.dtype == np.float16 or values.dtype.kind not in "biuf":
        values = values.astype(np.float64)
    floating = np.issubdtype(values.dtype, np.floating)
    fill = nodata if nodata is not None else layer.attrs.get("nodata")
    if floating:
        fill = np.nan if fill is None else fill
        if not (isinstance(fill, float) and math.isnan(fill)):
            values = np.where(np.isnan(values), fill, values)
    elif fill is not None:
        limits = np.iinfo(values.dtype)
        if not (math.isfinite(float(fill)) and limits.min <= float(fill) <= limits.max):
            msg = (
                f"{path}: nodata {fill!r} does not fit the layer's {values.dtype.name} cells; "
                f"pass a nodata value between {limits.min} and {limits.max}"
            )
            raise ValidationError(msg)
    transform = rasterio.Affine(*grid_transform(layer))
    profile = {
        "driver": "GTiff",
        "height": values.shape[0],
        "width": values.shape[1],
        "count": 1,
        "dtype": values.dtype.name,
        "crs": layer.attrs.get("crs"),
        "transform": transform,
        "nodata": fill,
        "compress": compress,
    }
    try:
        with atomic_path(path, suffix=".tif") as tmp, rasterio.open(tmp, "w", **profile) as dst:
            dst.write(values, 1)
    except (OSError, rasterio.errors.RasterioError) as error:
        msg = f"{path}: could not write the raster ({error})"
        raise DataFileError(msg) from error
    logger.info("wrote %s", path)
    return path
