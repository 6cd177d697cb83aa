"""The raster grid that every 2-D evidence layer and prospectivity map shares.

A layer is an :class:`xarray.DataArray` with dims ``("northing", "easting")``, cell-centre
coordinates (northing descending, as in a north-up GeoTIFF), NaN for nodata,
``attrs["crs"]`` (a WKT or ``"EPSG:..."`` string, or None), ``attrs["cell_size"]``
``(x, y)`` in CRS units and ``attrs["transform"]`` (six affine numbers); integer layers may
carry their nodata value in ``attrs["nodata"]`` instead of NaN (see :func:`masked_values`),
as :mod:`bornite.io.raster` reads them.

:class:`RasterGrid` is the template: it makes empty layers, gives cell centres and converts
between points and cell indices; :func:`grid_of` recovers the template from a layer and
:func:`stack_layers` checks that layers share one grid.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import xarray as xr

from bornite.core.crs import same_crs
from bornite.errors import ValidationError

__all__ = ["RASTER_DIMS", "RasterGrid", "check_layer", "grid_of", "masked_values", "stack_layers"]

#: Dimension names of every 2-D layer, in array order (rows, columns).
RASTER_DIMS: tuple[str, str] = ("northing", "easting")
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class RasterGrid:
    """A north-up regular raster grid.

    Parameters
    ----------
    origin : (float, float)
        Upper-left (north-west) corner of the grid, ``(west, north)``, in CRS units.
    cell_size : (float, float)
        Cell width and height ``(x, y)``, both > 0, in CRS units (metres for the area
        columns of :mod:`bornite.prospectivity.targets`).
    shape : (int, int)
        Number of rows (northing) and columns (easting).
    crs : str, optional
        Coordinate reference system, WKT or ``"EPSG:..."``.

    Examples
    --------
    >>> grid = RasterGrid((0.0, 300.0), (100.0, 100.0), (3, 4))
    >>> grid.easting.tolist(), grid.northing.tolist()
    ([50.0, 150.0, 250.0, 350.0], [250.0, 150.0, 50.0])
    >>> grid.transform
    (100.0, 0.0, 0.0, 0.0, -100.0, 300.0)
    >>> grid.cell_index([160.0], [40.0])
    (array([2]), array([1]))
    """

    origin: tuple[float, float]
    cell_size: tuple[float, float]
    shape: tuple[int, int]
    crs: str | None = None

    def __post_init__(self) -> None:
        origin = tuple(float(v) for v in self.origin)
        size = tuple(float(v) for v in self.cell_size)
        shape = tuple(int(v) for v in self.shape)
        if len(origin) != 2 or len(size) != 2 or len(shape) != 2:
            msg = (
                "origin (west, north), cell_size (x, y) and shape (rows, columns) each need "
                f"two values; got origin={self.origin!r}, cell_size={self.cell_size!r}, "
                f"shape={self.shape!r}"
            )
            raise ValidationError(msg)
        if not all(np.isfinite(origin)):
            msg = f"origin must be finite; got {origin}"
            raise ValidationError(msg)
        if not all(np.isfinite(s) and s > 0 for s in size):
            msg = f"cell_size must be finite and > 0 in x and y; got {size}"
            raise ValidationError(msg)
        if not all(n >= 1 for n in shape):
            msg = f"shape must have at least one row and one column; got {shape}"
            raise ValidationError(msg)
        object.__setattr__(self, "origin", origin)
        object.__setattr__(self, "cell_size", size)
        object.__setattr__(self, "shape", shape)

    # ------------------------------------------------------------------ geometry
    @classmethod
    def from_bounds(
        cls,
        west: float,
        south: float,
        east: float,
        north: float,
        cell_size: float | tuple[float, float],
        *,
        crs: str | None = None,
    ) -> RasterGrid:
        """The grid of ``cell_size`` cells covering a bounding box (rounded outwards)."""
        if isinstance(cell_size, tuple | list):
            cx, cy = float(cell_size[0]), float(cell_size[1])
        else:
            cx = cy = float(cell_size)
        if not (east > west and north > south):
            msg = f"bounds need east > west and north > south; got {(west, south, east, north)}"
            raise ValidationError(msg)
        cols = int(np.ceil((east - west) / float(cx) - 1e-9))
        rows = int(np.ceil((north - south) / float(cy) - 1e-9))
        return cls((west, north), (float(cx), float(cy)), (rows, cols), crs)

    @property
    def n_cells(self) -> int:
        """Number of cells."""
        return self.shape[0] * self.shape[1]

    @property
    def cell_area(self) -> float:
        """Area of one cell in squared CRS units."""
        return self.cell_size[0] * self.cell_size[1]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` of the outer cell edges."""
        west, north = self.origin
        return (
            west,
            north - self.shape[0] * self.cell_size[1],
            west + self.shape[1] * self.cell_size[0],
            north,
        )

    @property
    def transform(self) -> tuple[float, float, float, float, float, float]:
        """Affine coefficients ``(a, b, c, d, e, f)`` as in ``rasterio.Affine``.

        ``easting = a col + b row + c`` and ``northing = d col + e row + f`` at cell corners.
        """
        return (self.cell_size[0], 0.0, self.origin[0], 0.0, -self.cell_size[1], self.origin[1])

    @property
    def easting(self) -> FloatArray:
        """Cell-centre eastings of the columns (increasing)."""
        return np.asarray(
            self.origin[0] + (np.arange(self.shape[1]) + 0.5) * self.cell_size[0], dtype=np.float64
        )

    @property
    def northing(self) -> FloatArray:
        """Cell-centre northings of the rows (decreasing, north-up)."""
        return np.asarray(
            self.origin[1] - (np.arange(self.shape[0]) + 0.5) * self.cell_size[1], dtype=np.float64
        )

    def centres(self, rows: slice | None = None) -> FloatArray:
        """Cell centres ``(easting, northing)``, shape ``(n, 2)``, in row-major order.

        ``rows`` restricts them to a block of rows (for chunked work).
        """
        north = self.northing[rows if rows is not None else slice(None)]
        e, n = np.meshgrid(self.easting, north)
        return np.column_stack([e.ravel(), n.ravel()])

    def row_blocks(self, chunk_rows: int) -> Iterator[slice]:
        """Consecutive row slices of at most ``chunk_rows`` rows covering the grid."""
        step = max(1, int(chunk_rows))
        for start in range(0, self.shape[0], step):
            yield slice(start, min(start + step, self.shape[0]))

    def chunk_rows_for(self, bytes_per_cell: float, budget: float = 64 * 2**20) -> int:
        """Rows per block that keep ``bytes_per_cell * cells`` under ``budget`` bytes."""
        return max(1, int(budget // max(1.0, bytes_per_cell * self.shape[1])))

    def cell_index(
        self, easting: npt.ArrayLike, northing: npt.ArrayLike
    ) -> tuple[IntArray, IntArray]:
        """Row and column of the cells holding points; ``-1`` for points off the grid."""
        e = np.asarray(easting, dtype=float).ravel()
        n = np.asarray(northing, dtype=float).ravel()
        col = np.floor((e - self.origin[0]) / self.cell_size[0]).astype(np.int64)
        row = np.floor((self.origin[1] - n) / self.cell_size[1]).astype(np.int64)
        off = (row < 0) | (row >= self.shape[0]) | (col < 0) | (col >= self.shape[1])
        off |= ~(np.isfinite(e) & np.isfinite(n))
        row[off] = -1
        col[off] = -1
        return row, col

    # -------------------------------------------------------------------- layers
    def layer(
        self,
        values: npt.ArrayLike | None = None,
        *,
        name: str | None = None,
        attrs: Mapping[str, Any] | None = None,
    ) -> xr.DataArray:
        """A layer on this grid: ``values`` of shape ``shape`` (or flat), NaN when omitted."""
        if values is None:
            data = np.full(self.shape, np.nan)
        else:
            data = np.asarray(values)
            if data.size != self.n_cells:
                msg = (
                    f"layer {name or ''!s}: values have {data.size} cells, the grid has "
                    f"{self.shape[0]} x {self.shape[1]} = {self.n_cells}; reshape them to the grid"
                )
                raise ValidationError(msg)
            data = data.reshape(self.shape)
        out = xr.DataArray(
            data,
            dims=RASTER_DIMS,
            coords={"northing": self.northing, "easting": self.easting},
            name=name,
        )
        out.attrs.update(
            {"crs": self.crs, "cell_size": self.cell_size, "transform": self.transform}
        )
        if attrs:
            out.attrs.update(attrs)
        return out


def masked_values(layer: xr.DataArray) -> npt.NDArray[np.floating[Any]]:
    """The layer's values as floats with NaN for nodata (``attrs["nodata"]`` honoured).

    Float layers without a nodata value are returned without a copy.

    Examples
    --------
    >>> grid = RasterGrid((0.0, 10.0), (10.0, 10.0), (1, 3))
    >>> masked_values(grid.layer([1, 255, 2], attrs={"nodata": 255})).tolist()
    [[1.0, nan, 2.0]]
    """
    values = np.asarray(layer.values)
    nodata = layer.attrs.get("nodata")
    if not np.issubdtype(values.dtype, np.floating):
        values = values.astype(np.float64)
    elif nodata is not None:
        values = values.copy()
    if nodata is not None and not (isinstance(nodata, float) and np.isnan(nodata)):
        values[values == nodata] = np.nan
    return values


def grid_of(layer: xr.DataArray | xr.Dataset) -> RasterGrid:
    """The :class:`RasterGrid` of a layer (or of a Dataset of layers).

    Raises
    ------
    ValidationError
        If the layer does not follow the raster convention (dims, spacing, order).
    """
    check_layer(layer)
    east = np.asarray(layer["easting"].values, dtype=float)
    north = np.asarray(layer["northing"].values, dtype=float)
    size = layer.attrs.get("cell_size")
    if size is None:
        if east.size < 2 or north.size < 2:
            msg = (
                "layer: cell_size cannot be inferred from a single row or column; "
                "set attrs['cell_size'] = (x, y)"
            )
            raise ValidationError(msg)
        size = (float(east[1] - east[0]), float(north[0] - north[1]))
    cx, cy = float(size[0]), float(size[1])
    return RasterGrid(
        (float(east[0] - cx / 2), float(north[0] + cy / 2)),
        (cx, cy),
        (north.size, east.size),
        layer.attrs.get("crs"),
    )


def check_layer(layer: xr.DataArray | xr.Dataset, name: str = "layer") -> None:
    """Check the raster convention: dims, regular spacing, northing descending.

    Raises
    ------
    ValidationError
        Naming the layer and what to change.
    """
    if not isinstance(layer, xr.DataArray | xr.Dataset):
        msg = f"{name}: expected an xarray.DataArray or Dataset; got {type(layer).__name__}"
        raise ValidationError(msg)
    dims = tuple(layer.dims) if isinstance(layer, xr.DataArray) else tuple(layer.sizes)
    if set(dims) != set(RASTER_DIMS) or (isinstance(layer, xr.DataArray) and dims != RASTER_DIMS):
        msg = (
            f"{name}: expected dims ('northing', 'easting'); got {dims}; "
            "use layer.transpose('northing', 'easting') or rename x/y"
        )
        raise ValidationError(msg)
    for dim, sign in (("easting", 1.0), ("northing", -1.0)):
        coord = np.asarray(layer[dim].values, dtype=float)
        if coord.size > 1:
            step = np.diff(coord) * sign
            if not (np.all(step > 0) and np.allclose(step, step[0], rtol=1e-6)):
                order = "increasing" if sign > 0 else "decreasing (north-up)"
                msg = f"{name}: {dim} coordinates must be regular and {order}"
                raise ValidationError(msg)


def stack_layers(layers: Mapping[str, xr.DataArray] | xr.Dataset) -> xr.Dataset:
    """Stack evidence layers that share one grid into a Dataset (one variable per layer).

    Nodata values (``attrs["nodata"]``) become NaN (integer layers become floats).

    Raises
    ------
    ValidationError
        If a layer breaks the convention or its grid differs from the first layer's.
    """
    items = dict(layers.data_vars) if isinstance(layers, xr.Dataset) else dict(layers)
    if not items:
        msg = "stack_layers needs at least one layer; got none"
        raise ValidationError(msg)
    first_name, first = next(iter(items.items()))
    reference = grid_of(first)
    for name, layer in items.items():
        check_layer(layer, f"layer {name!r}")
        grid = grid_of(layer)
        if grid.shape != reference.shape or not np.allclose(
            grid.origin + grid.cell_size, reference.origin + reference.cell_size
        ):
            msg = (
                f"layer {name!r}: grid {grid.shape} at {grid.origin} differs from layer "
                f"{first_name!r} ({reference.shape} at {reference.origin}); resample it first"
            )
            raise ValidationError(msg)
        if not same_crs(grid.crs, reference.crs):
            msg = (
                f"layer {name!r} is in CRS {grid.crs or 'none'} but layer {first_name!r} in "
                f"{reference.crs or 'none'}; reproject the layers to one CRS first"
            )
            raise ValidationError(msg)
    data = xr.Dataset(
        {str(name): (RASTER_DIMS, masked_values(layer)) for name, layer in items.items()},
        coords={"northing": reference.northing, "easting": reference.easting},
    )
    for name, layer in items.items():
        data[str(name)].attrs.update(layer.attrs)
        data[str(name)].attrs["nodata"] = None  # nodata cells are NaN from here on
    data.attrs.update(
        {"crs": reference.crs, "cell_size": reference.cell_size, "transform": reference.transform}
    )
    return data
