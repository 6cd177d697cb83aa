"""Sample preparation for kriging: merging samples that share a location."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from bornite.errors import ValidationError

__all__ = ["average_duplicates"]


def average_duplicates(
    coordinates: npt.ArrayLike,
    values: npt.ArrayLike,
    hole_ids: npt.ArrayLike | None = None,
    *,
    tolerance: float = 0.0,
) -> pd.DataFrame:
    """Merge samples closer than ``tolerance`` into one sample at their mean location and value.

    Two samples at one location make the kriging matrix singular; averaging them is the usual
    remedy (GSLIB ``kt3d`` would drop one). Groups are the connected components of the
    "closer than ``tolerance``" graph, so a chain of near samples merges into one.

    Parameters
    ----------
    coordinates : array-like, shape (n, 3)
        Sample easting, northing, elevation.
    values : array-like, shape (n,)
        Sample values.
    hole_ids : array-like, shape (n,), optional
        Hole of each sample; a merged sample keeps the hole of its first member.
    tolerance : float
        Distance at or below which samples merge (0: identical coordinates only).

    Returns
    -------
    pandas.DataFrame
        ``easting``, ``northing``, ``elevation``, ``value``, ``n_merged`` (and ``hole``),
        one row per distinct location, in order of first appearance.

    Examples
    --------
    >>> average_duplicates([[0, 0, 0], [0, 0, 0], [5, 0, 0]], [1.0, 3.0, 7.0])
       easting  northing  elevation  value  n_merged
    0      0.0       0.0        0.0    2.0         2
    1      5.0       0.0        0.0    7.0         1
    """
    xyz = np.asarray(coordinates, dtype=float)
    v = np.asarray(values, dtype=float)
    if xyz.ndim != 2 or xyz.shape[1] != 3 or v.shape != (xyz.shape[0],):
        msg = f"coordinates must be (n, 3) and values (n,); got {xyz.shape} and {v.shape}"
        raise ValidationError(msg)
    if not (np.isfinite(tolerance) and tolerance >= 0):
        msg = f"tolerance must be a finite distance >= 0; got {tolerance!r}"
        raise ValidationError(msg)
    n = len(v)
    pairs = cKDTree(xyz).query_pairs(r=tolerance, output_type="ndarray") if n else np.empty((0, 2))
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    # Renumber groups by first appearance so the output keeps the input order.
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first))
    group = rank[inverse]
    counts = np.bincount(group, minlength=len(first))
    table = pd.DataFrame(
        {
            name: np.bincount(group, weights=xyz[:, k], minlength=len(first)) / counts
            for k, name in enumerate(("easting", "northing", "elevation"))
        }
    )
    table["value"] = np.bincount(group, weights=v, minlength=len(first)) / counts
    table["n_merged"] = counts
    if hole_ids is not None:
        holes = np.asarray(hole_ids)
        table["hole"] = holes[np.sort(first)]
    return table
