"""Moving search neighbourhoods: an anisotropic ellipsoid, sample limits, per-hole and octant caps.

The search runs in the ellipsoid's own frame: coordinates are multiplied by
``T = diag(1 / ranges) R`` (:func:`~bornite.geostats.models.anisotropic_transform`), so the
ellipsoid becomes the unit sphere and a :class:`scipy.spatial.cKDTree` answers
nearest-neighbour queries for all targets at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from bornite.errors import ValidationError
from bornite.geostats.models import _check_ranges, anisotropic_transform

__all__ = ["SearchNeighbourhood"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class SearchNeighbourhood:
    """A moving search neighbourhood.

    Parameters
    ----------
    ranges : float or tuple of three floats
        Radii of the search ellipsoid along its major, semi-major and minor axes (metres).
    azimuth, dip, rake : float
        Orientation of the ellipsoid, GSLIB ``ang1``/``ang2``/``ang3`` in degrees
        (see :func:`~bornite.geostats.models.rotation_matrix`).
    min_samples : int
        Targets with fewer samples in the ellipsoid are not estimated (NaN).
    max_samples : int
        The nearest samples kept, nearest measured in the ellipsoid's metric
        ``|T (x - x0)|`` (anisotropic distance).
    max_per_hole : int, optional
        At most this many samples from one drill hole (needs ``hole_ids`` in ``fit``).
    max_per_octant : int, optional
        At most this many samples in each of the eight octants of the ellipsoid's frame
        (the signs of the three rotated coordinates of ``x - x0``).
    candidate_factor : int
        When a per-hole or per-octant cap is set, the ``candidate_factor * max_samples``
        nearest samples are examined before the caps are applied (the caps can then only
        choose among those).

    Examples
    --------
    >>> SearchNeighbourhood((300.0, 150.0, 60.0), azimuth=30.0, max_samples=32).ranges
    (300.0, 150.0, 60.0)
    """

    ranges: tuple[float, float, float] | float
    azimuth: float = 0.0
    dip: float = 0.0
    rake: float = 0.0
    min_samples: int = 1
    max_samples: int = 32
    max_per_hole: int | None = None
    max_per_octant: int | None = None
    candidate_factor: int = 4

    def __post_init__(self) -> None:
        ranges = _check_ranges(self.ranges, "search neighbourhood")  # type: ignore[arg-type]
        object.__setattr__(self, "ranges", ranges)
        if not (1 <= int(self.min_samples) <= int(self.max_samples)):
            msg = (
                "search neighbourhood: need 1 <= min_samples <= max_samples; got "
                f"min_samples={self.min_samples}, max_samples={self.max_samples}"
            )
            raise ValidationError(msg)
        for name in ("max_per_hole", "max_per_octant"):
            value = getattr(self, name)
            if value is not None and int(value) < 1:
                msg = f"search neighbourhood: {name} must be None or >= 1; got {value!r}"
                raise ValidationError(msg)
        if int(self.candidate_factor) < 1:
            msg = (
                f"search neighbourhood: candidate_factor must be >= 1; got {self.candidate_factor}"
            )
            raise ValidationError(msg)

    @property
    def transform(self) -> FloatArray:
        """``diag(1 / ranges) R``: maps the search ellipsoid onto the unit sphere."""
        return anisotropic_transform(
            self.ranges,  # type: ignore[arg-type]
            self.azimuth,
            self.dip,
            self.rake,
        )


def _rank_within_groups(groups: IntArray, valid: npt.NDArray[np.bool_]) -> IntArray:
    """Per row, the rank of each column among earlier valid columns of the same group.

    Columns are already in order of distance; invalid columns get a large rank.
    """
    b, k = groups.shape
    big = np.iinfo(np.int64).max // 4
    keyed = np.where(valid, groups, big)
    order = np.argsort(keyed, axis=1, kind="stable")
    sorted_groups = np.take_along_axis(keyed, order, axis=1)
    position = np.broadcast_to(np.arange(k), (b, k))
    starts = np.ones((b, k), dtype=bool)
    starts[:, 1:] = sorted_groups[:, 1:] != sorted_groups[:, :-1]
    first = np.maximum.accumulate(np.where(starts, position, 0), axis=1)
    ranks_sorted = position - first
    ranks = np.empty_like(ranks_sorted)
    np.put_along_axis(ranks, order, ranks_sorted, axis=1)
    return np.where(valid, ranks, big)


class _Searcher:
    """A fitted search: the tree of transformed samples and the caps' group labels."""

    def __init__(
        self,
        neighbourhood: SearchNeighbourhood,
        coordinates: FloatArray,
        hole_codes: IntArray | None,
    ) -> None:
        self.neighbourhood = neighbourhood
        self.transform = neighbourhood.transform
        self.coordinates = coordinates
        self.tree = cKDTree(coordinates @ self.transform.T)
        self.hole_codes = hole_codes
        if neighbourhood.max_per_hole is not None and hole_codes is None:
            msg = (
                "the search neighbourhood caps samples per hole (max_per_hole="
                f"{neighbourhood.max_per_hole}) but fit received no hole_ids; pass hole_ids"
            )
            raise ValidationError(msg)

    def query(
        self, targets: FloatArray, exclude: IntArray | None = None
    ) -> tuple[IntArray, npt.NDArray[np.bool_]]:
        """Indices ``(m, k)`` of the selected samples per target and their validity mask.

        ``exclude`` (one sample index per target, or -1) drops that sample (cross-validation).
        """
        nb = self.neighbourhood
        n = self.coordinates.shape[0]
        capped = nb.max_per_hole is not None or nb.max_per_octant is not None
        k = nb.max_samples * (nb.candidate_factor if capped else 1) + (exclude is not None)
        k = min(k, n)
        local = targets @ self.transform.T
        dist, idx = self.tree.query(local, k=k, distance_upper_bound=1.0 + 1e-12, workers=-1)
        dist = np.asarray(dist).reshape(len(targets), k)
        idx = np.asarray(idx, dtype=np.int64).reshape(len(targets), k)
        valid = np.isfinite(dist)
        idx = np.where(valid, idx, 0)
        if exclude is not None:
            valid &= idx != exclude[:, None]
        if nb.max_per_hole is not None and self.hole_codes is not None:
            valid &= _rank_within_groups(self.hole_codes[idx], valid) < nb.max_per_hole
        if nb.max_per_octant is not None:
            rel = local[:, None, :] - (self.coordinates[idx] @ self.transform.T)
            octant = (
                (rel[..., 0] < 0).astype(np.int64) + 2 * (rel[..., 1] < 0) + 4 * (rel[..., 2] < 0)
            )
            valid &= _rank_within_groups(octant, valid) < nb.max_per_octant
        # Keep the first max_samples valid columns (already sorted by distance).
        order = np.argsort(~valid, axis=1, kind="stable")[:, : min(nb.max_samples, k)]
        idx = np.take_along_axis(idx, order, axis=1)
        valid = np.take_along_axis(valid, order, axis=1)
        enough = valid.sum(axis=1) >= nb.min_samples
        valid &= enough[:, None]
        return idx, valid
