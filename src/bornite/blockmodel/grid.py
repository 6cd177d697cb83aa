"""Regular block grids and block models as labelled :class:`xarray.Dataset` objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import xarray as xr

from bornite.errors import ValidationError

__all__ = ["DIMS", "BlockGrid"]

#: Dimension names of every block model, in array order.
DIMS: tuple[str, str, str] = ("easting", "northing", "elevation")
FloatArray = npt.NDArray[np.float64]


#: The largest grid bornite builds: a billion blocks (a grid of one variable of that size
#: takes 8 GB). Larger ones are almost always a block size in the wrong unit.
MAX_BLOCKS = 1_000_000_000


@dataclass(frozen=True)
class BlockGrid:
    """A regular grid of blocks aligned with easting, northing and elevation.

    Parameters
    ----------
    origin : (float, float, float)
        Minimum corner of the grid (easting, northing, elevation), in metres.
    block_size : (float, float, float)
        Block dimensions along easting, northing, elevation, in metres.
    shape : (int, int, int)
        Number of blocks along easting, northing, elevation.
    crs : str, optional
        Coordinate reference system of the coordinates (e.g. ``"EPSG:32645"``).

    Examples
    --------
    >>> grid = BlockGrid((0.0, 0.0, 0.0), (10.0, 10.0, 5.0), (3, 2, 2))
    >>> grid.n_blocks, grid.block_volume
    (12, 500.0)
    >>> grid.centroids()[0].tolist()
    [5.0, 5.0, 2.5]
    """

    origin: tuple[float, float, float]
    block_size: tuple[float, float, float]
    shape: tuple[int, int, int]
    crs: str | None = None

    def __post_init__(self) -> None:
        origin = tuple(float(v) for v in self.origin)
        size = tuple(float(v) for v in self.block_size)
        shape = tuple(int(v) for v in self.shape)
        if len(origin) != 3 or len(size) != 3 or len(shape) != 3:
            msg = (
                "origin, block_size and shape each need three values (easting, northing, elevation)"
            )
            raise ValidationError(msg)
        if not all(np.isfinite(origin)):
            msg = f"origin must be finite, got {origin}"
            raise ValidationError(msg)
        if not all(s > 0 for s in size):
            msg = f"block_size must be > 0 in every direction, got {size}"
            raise ValidationError(msg)
        if not all(n >= 1 for n in shape):
            msg = f"shape must be >= 1 block in every direction, got {shape}"
            raise ValidationError(msg)
        blocks = shape[0] * shape[1] * shape[2]
        if blocks > MAX_BLOCKS:
            msg = (
                f"a grid of {shape[0]:,} x {shape[1]:,} x {shape[2]:,} = {blocks:,} blocks of "
                f"{' x '.join(f'{s:g}' for s in size)} m is beyond bornite's {MAX_BLOCKS:,}; "
                "check the block size (metres) and the grid's extent"
            )
            raise ValidationError(msg)
        object.__setattr__(self, "origin", origin)
        object.__setattr__(self, "block_size", size)
        object.__setattr__(self, "shape", shape)

    @classmethod
    def covering(
        cls,
        points: npt.ArrayLike,
        block_size: tuple[float, float, float],
        *,
        padding: float = 0.0,
        crs: str | None = None,
    ) -> BlockGrid:
        """The smallest grid of ``block_size`` blocks covering ``points`` plus ``padding``."""
        xyz = np.asarray(points, dtype=float).reshape(-1, 3)
        low = xyz.min(axis=0) - padding
        high = xyz.max(axis=0) + padding
        size = np.asarray(block_size, dtype=float)
        shape = np.maximum(np.ceil((high - low) / size).astype(int), 1)
        return cls(tuple(low), tuple(size), tuple(int(n) for n in shape), crs)  # type: ignore[arg-type]

    @property
    def n_blocks(self) -> int:
        """Number of blocks."""
        return int(np.prod(self.shape))

    @property
    def block_volume(self) -> float:
        """Volume of one block in cubic metres."""
        return float(np.prod(self.block_size))

    def axis(self, k: int) -> FloatArray:
        """Centroid coordinates along axis ``k`` (0 easting, 1 northing, 2 elevation)."""
        return np.asarray(
            self.origin[k] + self.block_size[k] * (np.arange(self.shape[k]) + 0.5), dtype=float
        )

    def centroids(self, mask: npt.ArrayLike | None = None) -> FloatArray:
        """Block centroids as an ``(n, 3)`` array in C order (elevation fastest), optionally
        only where ``mask`` (shape ``self.shape``) is true."""
        e, n, z = np.meshgrid(self.axis(0), self.axis(1), self.axis(2), indexing="ij")
        xyz = np.column_stack([e.ravel(), n.ravel(), z.ravel()])
        if mask is not None:
            xyz = xyz[np.asarray(mask, dtype=bool).ravel()]
        return xyz

    def index(self, points: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Integer block indices ``(i, j, k)`` of points; -1 where a point is outside."""
        xyz = np.asarray(points, dtype=float).reshape(-1, 3)
        ijk = np.floor((xyz - np.asarray(self.origin)) / np.asarray(self.block_size)).astype(
            np.int64
        )
        outside = np.any((ijk < 0) | (ijk >= np.asarray(self.shape)), axis=1)
        ijk[outside] = -1
        return ijk

    def dataset(self, **variables: Any) -> xr.Dataset:
        """An empty (or filled) block model on this grid.

        Variables are arrays of ``self.shape`` (or flat arrays of ``n_blocks`` in C order).
        Grid geometry is stored in ``attrs`` so that the grid can be rebuilt.
        """
        coords = {name: (name, self.axis(k), {"units": "m"}) for k, name in enumerate(DIMS)}
        data = {
            name: (DIMS, np.asarray(values).reshape(self.shape))
            for name, values in variables.items()
        }
        attrs = {
            "origin": list(self.origin),
            "block_size": list(self.block_size),
            "crs": self.crs or "",
        }
        return xr.Dataset(data, coords=coords, attrs=attrs)

    @classmethod
    def from_dataset(cls, dataset: xr.Dataset) -> BlockGrid:
        """The grid of a block model made by :meth:`dataset`."""
        try:
            origin = tuple(dataset.attrs["origin"])
            size = tuple(dataset.attrs["block_size"])
        except KeyError as error:
            msg = "the dataset has no origin/block_size attrs; build it with BlockGrid.dataset"
            raise ValidationError(msg) from error
        shape = tuple(dataset.sizes[d] for d in DIMS)
        return cls(origin, size, shape, dataset.attrs.get("crs") or None)  # type: ignore[arg-type]
