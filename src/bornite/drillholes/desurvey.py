"""Desurveying: positions along drill holes from collar coordinates and survey stations.

Two methods are offered. **Minimum curvature** (the default, and the industry standard) joins
consecutive survey stations by a circular arc tangent to both station directions; the
**tangent** method follows each station's direction in a straight line down to the next
station. Above the first station a hole keeps the first station's direction, and below the
last station it continues straight in the last station's direction.

Everything is vectorised over all holes at once: stations and query depths are sorted on a
``(hole, depth)`` key and located with one :func:`numpy.searchsorted`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from bornite.core.validation import format_rows
from bornite.drillholes.database import DrillholeDatabase
from bornite.errors import ValidationError

__all__ = [
    "desurvey_intervals",
    "desurvey_stations",
    "direction_vectors",
    "hole_positions",
    "ratio_factor",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Method = Literal["minimum_curvature", "tangent"]
_METHODS = ("minimum_curvature", "tangent")


def direction_vectors(azimuth: npt.ArrayLike, dip: npt.ArrayLike) -> FloatArray:
    """Unit vectors ``(east, north, up)`` pointing down the hole.

    Parameters
    ----------
    azimuth : array_like
        Degrees clockwise from north.
    dip : array_like
        Degrees from horizontal, negative down.

    Returns
    -------
    numpy.ndarray, shape (n, 3)

    Notes
    -----
    .. math:: \\mathbf t = (\\cos\\delta \\sin\\alpha,\\ \\cos\\delta \\cos\\alpha,\\ \\sin\\delta)

    with azimuth :math:`\\alpha` and dip :math:`\\delta`.

    Examples
    --------
    >>> direction_vectors([0.0, 90.0], [-90.0, 0.0]).round(12) + 0.0
    array([[ 0.,  0., -1.],
           [ 1.,  0.,  0.]])
    """
    az = np.radians(np.atleast_1d(np.asarray(azimuth, dtype=float)))
    dp = np.radians(np.atleast_1d(np.asarray(dip, dtype=float)))
    cos_dip = np.cos(dp)
    return np.column_stack([cos_dip * np.sin(az), cos_dip * np.cos(az), np.sin(dp)])


def ratio_factor(dogleg: npt.ArrayLike) -> FloatArray:
    """Minimum-curvature ratio factor ``RF = (2 / beta) tan(beta / 2)`` (1 when ``beta = 0``).

    Parameters
    ----------
    dogleg : array_like
        Dogleg angle(s) :math:`\\beta` in radians.

    Notes
    -----
    The ratio factor is the length of the two tangent legs of the arc divided by the arc
    length; it tends to 1 as the dogleg tends to 0 (a series expansion is used below 1e-4).

    Examples
    --------
    >>> float(ratio_factor(0.0)), round(float(ratio_factor(np.pi / 2)), 6)
    (1.0, 1.27324)
    """
    beta = np.asarray(dogleg, dtype=float)
    small = np.abs(beta) < 1e-4
    safe = np.where(small, 1.0, beta)
    exact = 2.0 / safe * np.tan(safe / 2.0)
    return np.asarray(np.where(small, 1.0 + beta**2 / 12.0, exact), dtype=float)


def _slerp(t1: FloatArray, t2: FloatArray, beta: FloatArray, frac: FloatArray) -> FloatArray:
    """Direction a fraction ``frac`` of the way along the great circle from ``t1`` to ``t2``."""
    sin_beta = np.sin(beta)
    small = np.abs(sin_beta) < 1e-9
    safe = np.where(small, 1.0, sin_beta)
    a = np.where(small, 1.0 - frac, np.sin((1.0 - frac) * beta) / safe)
    b = np.where(small, frac, np.sin(frac * beta) / safe)
    out = a[:, None] * t1 + b[:, None] * t2
    norm = np.linalg.norm(out, axis=1)
    return np.asarray(out / np.where(norm > 0, norm, 1.0)[:, None], dtype=float)


def _dogleg(t1: FloatArray, t2: FloatArray) -> FloatArray:
    cos_beta = np.clip(np.einsum("ij,ij->i", t1, t2), -1.0, 1.0)
    return np.asarray(np.arccos(cos_beta), dtype=float)


@dataclass(frozen=True)
class _Trajectory:
    """Sorted stations of every hole with positions (internal)."""

    hole_codes: pd.Index  # hole identifier -> code
    code: IntArray
    depth: FloatArray
    tangent: FloatArray
    position: FloatArray
    method: str

    @property
    def span(self) -> float:
        return float(np.nanmax(np.abs(self.depth), initial=0.0)) + 1.0


def _numeric(table: pd.DataFrame, columns: list[str], name: str) -> pd.DataFrame:
    out = table.copy()
    for column in columns:
        values = pd.to_numeric(out[column], errors="coerce")
        bad = out.index[values.isna()]
        if len(bad):
            msg = (
                f"{name}: column {column!r} is missing or not numeric in {format_rows(bad)}; "
                "run bornite.drillholes.validate and fix the database first"
            )
            raise ValidationError(msg)
        out[column] = values.astype(float)
    return out


def _trajectory(db: DrillholeDatabase, method: str) -> _Trajectory:
    if method not in _METHODS:
        msg = f"unknown desurvey method {method!r}; use 'minimum_curvature' or 'tangent'"
        raise ValidationError(msg)
    collar = _numeric(db.collar, ["easting", "northing", "elevation"], "collar table")
    collar["hole"] = collar["hole"].astype(str)
    if collar["hole"].duplicated().any():
        dup = collar.index[collar["hole"].duplicated()]
        msg = f"collar table: duplicate holes in {format_rows(dup)}; fix the database first"
        raise ValidationError(msg)
    survey = _numeric(db.survey, ["depth", "azimuth", "dip"], "survey table")
    survey["hole"] = survey["hole"].astype(str)
    hole_codes = pd.Index(collar["hole"])
    survey = survey[survey["hole"].isin(hole_codes)]
    no_survey = sorted(set(hole_codes) - set(survey["hole"]))
    if no_survey:
        listed = ", ".join(no_survey[:10]) + (" ..." if len(no_survey) > 10 else "")
        msg = (
            f"{len(no_survey)} hole(s) have no survey ({listed}); add surveys or run "
            "bornite.drillholes.fix with FixPolicy(no_survey='vertical')"
        )
        raise ValidationError(msg)
    code = hole_codes.get_indexer(survey["hole"]).astype(np.int64)
    depth = survey["depth"].to_numpy(dtype=float)
    order = np.lexsort((depth, code))
    code, depth = code[order], depth[order]
    az = survey["azimuth"].to_numpy(dtype=float)[order]
    dip = survey["dip"].to_numpy(dtype=float)[order]
    first = np.r_[True, code[1:] != code[:-1]]
    # holes whose first station is below the collar get a station at depth 0, same direction
    needs_top = first & (depth > 0)
    if needs_top.any():
        idx = np.flatnonzero(needs_top)
        code = np.insert(code, idx, code[idx])
        az = np.insert(az, idx, az[idx])
        dip = np.insert(dip, idx, dip[idx])
        depth = np.insert(depth, idx, 0.0)
        first = np.r_[True, code[1:] != code[:-1]]
    tangent = direction_vectors(az, dip)
    t1, t2 = tangent[:-1], tangent[1:]
    dmd = np.diff(depth)
    if method == "minimum_curvature":
        rf = ratio_factor(_dogleg(t1, t2))
        step = (dmd * rf / 2.0)[:, None] * (t1 + t2)
    else:
        step = dmd[:, None] * t1
    step = np.vstack([np.zeros((1, 3)), step])
    step[first] = 0.0
    cumulative = np.cumsum(step, axis=0)
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(code)), 0))
    offset = cumulative - cumulative[group_start]
    origin = collar[["easting", "northing", "elevation"]].to_numpy(dtype=float)[code]
    return _Trajectory(hole_codes, code, depth, tangent, origin + offset, method)


def _evaluate(
    trajectory: _Trajectory, code: IntArray, depth: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Positions and unit directions at ``depth`` along holes ``code`` (vectorised)."""
    span = max(trajectory.span, float(np.nanmax(depth, initial=0.0)) + 1.0)
    station_key = trajectory.code * span + trajectory.depth
    query_key = code * span + depth
    j = np.searchsorted(station_key, query_key, side="right") - 1
    j = np.clip(j, 0, len(station_key) - 1)
    k = np.minimum(j + 1, len(station_key) - 1)
    has_next = (trajectory.code[k] == code) & (k != j)
    t1 = trajectory.tangent[j]
    t2 = np.where(has_next[:, None], trajectory.tangent[k], t1)
    seg = np.where(has_next, trajectory.depth[k] - trajectory.depth[j], 1.0)
    along = depth - trajectory.depth[j]
    if trajectory.method == "tangent":
        return trajectory.position[j] + along[:, None] * t1, t1.copy()
    beta = _dogleg(t1, t2)
    frac = np.clip(along / np.where(seg > 0, seg, 1.0), 0.0, 1.0)
    # below the last station the hole continues straight: frac = 0 keeps direction t1
    frac = np.where(has_next, frac, 0.0)
    t_at = _slerp(t1, t2, beta, frac)
    phi = beta * frac
    rf = ratio_factor(phi)
    position = trajectory.position[j] + (along * rf / 2.0)[:, None] * (t1 + t_at)
    return position, t_at


def _codes(trajectory: _Trajectory, holes: pd.Series) -> IntArray:
    code = trajectory.hole_codes.get_indexer(pd.Index(holes.astype(str))).astype(np.int64)
    if (code < 0).any():
        unknown = sorted(set(holes.astype(str)[code < 0]))
        msg = (
            f"hole(s) {', '.join(unknown[:10])} are not in the collar table; add their collars "
            "or drop their rows"
        )
        raise ValidationError(msg)
    return code


def _to_angles(tangent: FloatArray) -> tuple[FloatArray, FloatArray]:
    azimuth = np.degrees(np.arctan2(tangent[:, 0], tangent[:, 1])) % 360.0
    dip = np.degrees(np.arcsin(np.clip(tangent[:, 2], -1.0, 1.0)))
    return azimuth, dip


def hole_positions(
    db: DrillholeDatabase,
    holes: npt.ArrayLike,
    depths: npt.ArrayLike,
    *,
    method: Method = "minimum_curvature",
) -> pd.DataFrame:
    """Coordinates and direction at given depths along given holes.

    Parameters
    ----------
    db : DrillholeDatabase
        Database with numeric collar and survey tables (see :func:`validate`).
    holes : array_like of str
        Hole of each query (broadcast against ``depths``).
    depths : array_like of float
        Depths along the hole (m), >= 0.
    method : {"minimum_curvature", "tangent"}
        Desurvey method.

    Returns
    -------
    pandas.DataFrame
        ``hole, depth, easting, northing, elevation, azimuth, dip`` (dip negative down).

    Raises
    ------
    ValidationError
        When a hole has no collar or no survey, a value is not numeric, or a depth is
        negative.

    Notes
    -----
    Between stations 1 and 2 at depths :math:`d_1 < d_2` with unit directions
    :math:`\\mathbf t_1, \\mathbf t_2`, the dogleg angle is
    :math:`\\beta = \\arccos(\\mathbf t_1 \\cdot \\mathbf t_2)` and minimum curvature gives

    .. math:: \\mathbf p_2 = \\mathbf p_1 + \\frac{d_2 - d_1}{2}
              (\\mathbf t_1 + \\mathbf t_2)\\, RF(\\beta),
              \\qquad RF(\\beta) = \\frac{2}{\\beta}\\tan\\frac{\\beta}{2}.

    A point at depth :math:`d` inside the segment lies on the same arc: its direction is
    :math:`\\mathbf t(d)`, the spherical interpolation of :math:`\\mathbf t_1, \\mathbf t_2`
    at angle :math:`\\varphi = \\beta (d - d_1)/(d_2 - d_1)`, and its position is
    :math:`\\mathbf p_1 + \\frac{d - d_1}{2}(\\mathbf t_1 + \\mathbf t(d)) RF(\\varphi)`.
    The tangent method uses :math:`\\mathbf p = \\mathbf p_1 + (d - d_1)\\mathbf t_1`.

    Examples
    --------
    >>> import pandas as pd
    >>> from bornite.drillholes import DrillholeDatabase
    >>> db = DrillholeDatabase(
    ...     collar=pd.DataFrame({"hole": ["A"], "easting": [0.0], "northing": [0.0],
    ...                          "elevation": [100.0], "length": [50.0]}),
    ...     survey=pd.DataFrame({"hole": ["A"], "depth": [0.0], "azimuth": [90.0],
    ...                          "dip": [-60.0]}),
    ...     intervals=pd.DataFrame({"hole": [], "from": [], "to": []}),
    ... )
    >>> p = hole_positions(db, "A", [0.0, 20.0])
    >>> p[["easting", "northing", "elevation"]].round(3).to_numpy().tolist()
    [[0.0, 0.0, 100.0], [10.0, 0.0, 82.679]]
    """
    holes_arr, depth_arr = np.broadcast_arrays(
        np.asarray(holes, dtype=object), np.asarray(depths, dtype=float)
    )
    hole_series = pd.Series(holes_arr.ravel().astype(str))
    depth = depth_arr.ravel().astype(float)
    if (~np.isfinite(depth) | (depth < 0)).any():
        msg = "depths must be finite and >= 0 (metres down the hole from the collar)"
        raise ValidationError(msg)
    trajectory = _trajectory(db, method)
    position, tangent = _evaluate(trajectory, _codes(trajectory, hole_series), depth)
    azimuth, dip = _to_angles(tangent)
    return pd.DataFrame(
        {
            "hole": hole_series.to_numpy(),
            "depth": depth,
            "easting": position[:, 0],
            "northing": position[:, 1],
            "elevation": position[:, 2],
            "azimuth": azimuth,
            "dip": dip,
        }
    )


def desurvey_stations(
    db: DrillholeDatabase, *, method: Method = "minimum_curvature"
) -> pd.DataFrame:
    """Positions of every survey station (plus a station at the collar where missing).

    Returns
    -------
    pandas.DataFrame
        ``hole, depth, azimuth, dip, easting, northing, elevation`` sorted by hole and depth.

    Examples
    --------
    >>> import pandas as pd
    >>> from bornite.drillholes import DrillholeDatabase
    >>> db = DrillholeDatabase(
    ...     collar=pd.DataFrame({"hole": ["A"], "easting": [0.0], "northing": [0.0],
    ...                          "elevation": [0.0], "length": [10.0]}),
    ...     survey=pd.DataFrame({"hole": ["A"], "depth": [10.0], "azimuth": [0.0],
    ...                          "dip": [-90.0]}),
    ...     intervals=pd.DataFrame({"hole": [], "from": [], "to": []}),
    ... )
    >>> desurvey_stations(db)[["depth", "elevation"]].to_numpy().tolist()
    [[0.0, 0.0], [10.0, -10.0]]
    """
    trajectory = _trajectory(db, method)
    azimuth, dip = _to_angles(trajectory.tangent)
    return pd.DataFrame(
        {
            "hole": np.asarray(trajectory.hole_codes)[trajectory.code],
            "depth": trajectory.depth,
            "azimuth": azimuth,
            "dip": dip,
            "easting": trajectory.position[:, 0],
            "northing": trajectory.position[:, 1],
            "elevation": trajectory.position[:, 2],
        }
    )


def desurvey_intervals(
    db: DrillholeDatabase,
    intervals: pd.DataFrame | None = None,
    *,
    method: Method = "minimum_curvature",
    ends: bool = False,
) -> pd.DataFrame:
    """Add the coordinates of each interval's midpoint (and optionally its ends).

    Parameters
    ----------
    db : DrillholeDatabase
        Supplies collars and surveys.
    intervals : pandas.DataFrame, optional
        ``hole, from, to, ...``; by default ``db.intervals``. Pass composites here.
    method : {"minimum_curvature", "tangent"}
        Desurvey method.
    ends : bool
        Also add ``easting_from, northing_from, elevation_from`` and the ``_to`` columns.

    Returns
    -------
    pandas.DataFrame
        A copy of ``intervals`` with ``easting, northing, elevation`` at the midpoint depth
        ``(from + to) / 2``.

    Examples
    --------
    >>> import pandas as pd
    >>> from bornite.drillholes import DrillholeDatabase
    >>> db = DrillholeDatabase(
    ...     collar=pd.DataFrame({"hole": ["A"], "easting": [0.0], "northing": [0.0],
    ...                          "elevation": [0.0], "length": [10.0]}),
    ...     survey=pd.DataFrame({"hole": ["A"], "depth": [0.0], "azimuth": [0.0],
    ...                          "dip": [-90.0]}),
    ...     intervals=pd.DataFrame({"hole": ["A"], "from": [2.0], "to": [4.0]}),
    ... )
    >>> float(desurvey_intervals(db)["elevation"].iloc[0])
    -3.0
    """
    table = db.intervals if intervals is None else intervals
    table = _numeric(table, ["from", "to"], "interval table")
    trajectory = _trajectory(db, method)
    code = _codes(trajectory, table["hole"])
    start = table["from"].to_numpy(dtype=float)
    end = table["to"].to_numpy(dtype=float)
    if (start < 0).any():
        msg = (
            f"interval table: negative 'from' depth in {format_rows(table.index[start < 0])}; "
            "fix the database first"
        )
        raise ValidationError(msg)
    out = table.copy()
    mid, _ = _evaluate(trajectory, code, (start + end) / 2.0)
    out["easting"], out["northing"], out["elevation"] = mid[:, 0], mid[:, 1], mid[:, 2]
    if ends:
        top, _ = _evaluate(trajectory, code, start)
        bottom, _ = _evaluate(trajectory, code, end)
        for i, axis in enumerate(("easting", "northing", "elevation")):
            out[f"{axis}_from"] = top[:, i]
            out[f"{axis}_to"] = bottom[:, i]
    return out
