"""Experimental variograms (omnidirectional and 3-D directional) and weighted least-squares fits.

Pairs are found with a :class:`scipy.spatial.cKDTree` (only pairs closer than the last lag's
outer edge), in chunks of samples so that memory stays bounded, and binned with
:func:`numpy.bincount`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize
from scipy.spatial import cKDTree

from bornite.errors import ConvergenceError, ValidationError
from bornite.geostats.models import STRUCTURE_KINDS, Structure, VariogramModel, rotation_matrix

__all__ = [
    "axis_directions",
    "downhole_variogram",
    "experimental_variogram",
    "fit_anisotropic_variogram",
    "fit_variogram",
]

FloatArray = npt.NDArray[np.float64]
WeightRule = Literal["cressie", "pairs", "pairs_distance"]


def _direction(azimuth: float, dip: float) -> FloatArray:
    """Unit vector along ``azimuth`` (clockwise from north) and ``dip`` (negative down)."""
    a, d = np.deg2rad(azimuth), np.deg2rad(dip)
    return np.array([np.cos(d) * np.sin(a), np.cos(d) * np.cos(a), np.sin(d)])


def experimental_variogram(
    coordinates: npt.ArrayLike,
    values: npt.ArrayLike,
    *,
    lag: float,
    n_lags: int,
    lag_tolerance: float | None = None,
    azimuth: float | None = None,
    dip: float = 0.0,
    azimuth_tolerance: float = 22.5,
    dip_tolerance: float = 22.5,
    horizontal_bandwidth: float = np.inf,
    vertical_bandwidth: float = np.inf,
    chunk_size: int = 2048,
) -> pd.DataFrame:
    """Semivariogram of ``values`` by lag class, omnidirectional or along a 3-D direction.

    Parameters
    ----------
    coordinates : array-like, shape (n, 3)
        Easting, northing, elevation of the samples.
    values : array-like, shape (n,)
        Sample values.
    lag : float
        Lag spacing; lag class ``i`` (``i = 1..n_lags``) is centred on ``i * lag``.
    n_lags : int
        Number of lag classes.
    lag_tolerance : float, optional
        Half-width of a lag class, at most and by default ``lag / 2`` (contiguous classes);
        a pair exactly on the edge of two classes goes to the farther one. Pairs closer
        than ``lag - lag_tolerance`` (duplicates included) are not counted.
    azimuth : float, optional
        Direction azimuth in degrees clockwise from north; ``None`` for omnidirectional.
    dip : float
        Direction dip in degrees, negative downward.
    azimuth_tolerance, dip_tolerance : float
        Half-angle tolerances (degrees) on the azimuth of the pair's horizontal projection
        and on the pair's dip. Pairs with no horizontal extent, and every pair when the
        direction is vertical (``dip = ±90``), pass the azimuth test.
    horizontal_bandwidth, vertical_bandwidth : float
        Maximum distance of the pair vector from the direction line, measured horizontally
        (perpendicular to the direction) and in the vertical plane containing it.
    chunk_size : int
        Samples whose pairs are searched at once (bounds memory).

    Returns
    -------
    pandas.DataFrame
        One row per lag class: ``lag`` (class centre), ``distance`` (mean pair distance,
        NaN when empty), ``gamma`` (semivariance, NaN when empty) and ``n_pairs``. ``attrs``
        records the direction and tolerances.

    Notes
    -----
    ``gamma(h) = 1 / (2 N(h)) sum (z(x_i) - z(x_j))^2`` over the ``N(h)`` pairs whose
    separation falls in the class and passes the direction tests; each unordered pair counts
    once. The direction of a pair is taken with the sign that points along the requested
    direction, so ``h`` and ``-h`` are the same pair.

    References
    ----------
    Deutsch, C. V. and Journel, A. G. (1998). *GSLIB*, 2nd ed., section III.1 (``gamv``).

    Examples
    --------
    >>> xyz = np.column_stack([np.arange(5.0), np.zeros(5), np.zeros(5)])
    >>> table = experimental_variogram(xyz, [0.0, 1.0, 0.0, 1.0, 0.0], lag=1.0, n_lags=2)
    >>> table[["lag", "gamma", "n_pairs"]].to_numpy().tolist()
    [[1.0, 0.5, 4.0], [2.0, 0.0, 3.0]]
    """
    xyz = np.asarray(coordinates, dtype=float)
    z = np.asarray(values, dtype=float)
    if xyz.ndim != 2 or xyz.shape[1] != 3 or z.shape != (xyz.shape[0],):
        msg = (
            "coordinates must have shape (n, 3) and values shape (n,); got "
            f"{xyz.shape} and {z.shape}"
        )
        raise ValidationError(msg)
    if not (np.isfinite(xyz).all() and np.isfinite(z).all()):
        msg = "coordinates and values must be finite; remove missing samples first"
        raise ValidationError(msg)
    centres, tol = _lag_classes(lag, n_lags, lag_tolerance)
    max_distance = centres[-1] + tol
    directional = azimuth is not None
    az = 0.0 if azimuth is None else float(azimuth)
    if directional:
        u = _direction(az, dip)
        horizontal_perp = np.array([np.cos(np.deg2rad(az)), -np.sin(np.deg2rad(az)), 0.0])
        vertical_perp = np.cross(horizontal_perp, u)

    sums = np.zeros(len(centres))
    dists = np.zeros(len(centres))
    counts = np.zeros(len(centres))
    tree = cKDTree(xyz)
    n = xyz.shape[0]
    for start in range(0, n, chunk_size):
        rows = np.arange(start, min(start + chunk_size, n))
        neighbours = tree.query_ball_point(xyz[rows], max_distance, workers=-1)
        lengths = np.fromiter((len(x) for x in neighbours), dtype=np.int64, count=len(rows))
        if lengths.sum() == 0:
            continue
        i = np.repeat(rows, lengths)
        j = np.concatenate([np.asarray(x, dtype=np.int64) for x in neighbours])
        keep = j > i
        i, j = i[keep], j[keep]
        h = xyz[j] - xyz[i]
        d = np.linalg.norm(h, axis=1)
        if directional:
            along = h @ u
            h = np.where(along[:, None] < 0, -h, h)
            horizontal = np.hypot(h[:, 0], h[:, 1])
            pair_azimuth = np.rad2deg(np.arctan2(h[:, 0], h[:, 1]))
            pair_dip = np.rad2deg(np.arctan2(h[:, 2], horizontal))
            delta_az = np.abs((pair_azimuth - az + 180.0) % 360.0 - 180.0)
            # A vertical direction has no azimuth: only the dip tolerance applies.
            vertical = abs(abs(dip) - 90.0) < 1e-9
            ok = (horizontal == 0) | (delta_az <= azimuth_tolerance) | vertical
            ok &= np.abs(pair_dip - dip) <= dip_tolerance
            ok &= np.abs(h @ horizontal_perp) <= horizontal_bandwidth
            ok &= np.abs(h @ vertical_perp) <= vertical_bandwidth
            i, j, d = i[ok], j[ok], d[ok]
        cls = np.floor(d / lag + 0.5).astype(np.int64) - 1  # a pair on an edge goes up
        inside = (cls >= 0) & (cls < len(centres))
        inside[inside] &= np.abs(d[inside] - centres[cls[inside]]) <= tol
        cls, i, j, d = cls[inside], i[inside], j[inside], d[inside]
        sq = (z[i] - z[j]) ** 2
        sums += np.bincount(cls, weights=sq, minlength=len(centres))
        dists += np.bincount(cls, weights=d, minlength=len(centres))
        counts += np.bincount(cls, minlength=len(centres))
    table = _variogram_table(centres, sums, dists, counts)
    table.attrs.update(
        {
            "azimuth": azimuth,
            "dip": dip if directional else None,
            "azimuth_tolerance": azimuth_tolerance if directional else None,
            "dip_tolerance": dip_tolerance if directional else None,
            "lag_tolerance": tol,
        }
    )
    return table


def fit_variogram(
    experimental: pd.DataFrame,
    kinds: Sequence[str] = ("spherical",),
    *,
    nugget: bool = True,
    weights: WeightRule = "cressie",
    anisotropy: tuple[float, float, float, float, float] | None = None,
    max_range: float | None = None,
    nugget_value: float | None = None,
    min_range: float | None = None,
) -> VariogramModel:
    """Fit a nugget plus nested structures to an experimental variogram by weighted least squares.

    Parameters
    ----------
    experimental : pandas.DataFrame
        A table from :func:`experimental_variogram` (columns ``distance``, ``gamma``,
        ``n_pairs``); empty classes are ignored.
    kinds : sequence of {"spherical", "exponential", "gaussian"}
        One structure per entry, fitted by its sill and its range along the direction of the
        experimental variogram.
    nugget : bool
        Fit a nugget effect (otherwise zero).
    weights : {"cressie", "pairs", "pairs_distance"}
        ``"cressie"``: ``w = N(h) / gamma_model(h)^2`` (Cressie 1985, minimised as the
        residuals ``sqrt(N) (gamma_exp / gamma_model - 1)``); ``"pairs"``: ``w = N(h)``;
        ``"pairs_distance"``: ``w = N(h) / h^2``.
    anisotropy : tuple, optional
        ``(semi_major_ratio, minor_ratio, azimuth, dip, rake)`` given to every structure; the
        fitted range is the major range. Default isotropic.
    max_range : float, optional
        Upper bound on the ranges; default three times the largest lag distance.
    nugget_value : float, optional
        Hold the nugget at this value (typically read from a :func:`downhole_variogram`)
        instead of fitting it.
    min_range : float, optional
        Lower bound on the ranges; default a tenth of the shortest lag distance. To read a
        nugget off a variogram, bound the range below by about two lags: a structure whose
        range is shorter than the first lag is indistinguishable from a nugget effect.

    Returns
    -------
    VariogramModel

    Raises
    ------
    ValidationError
        Fewer non-empty classes than parameters, or an unknown kind or weight rule.
    ConvergenceError
        The optimiser failed.

    Notes
    -----
    Parameters (nugget, sills, ranges) are bounded: sills and nugget in
    ``[0, 2 max gamma]``, ranges in ``[min lag / 10, max_range]``; the start has equal sills
    summing to the mean of the experimental gammas and ranges spread over the lags. Solved
    with :func:`scipy.optimize.least_squares` (trust-region reflective). Anisotropy ratios
    are not fitted: pass them from directional variograms.

    References
    ----------
    Cressie, N. (1985). Fitting variogram models by weighted least squares. *Mathematical
    Geology* 17(5), 563-586.

    Examples
    --------
    >>> true = VariogramModel(0.2, (Structure("spherical", 0.8, 60.0),))
    >>> lags = np.arange(5.0, 100.0, 5.0)
    >>> table = pd.DataFrame({"distance": lags, "gamma": true.isotropic_gamma(lags),
    ...                       "n_pairs": 100})
    >>> fitted = fit_variogram(table, ["spherical"])
    >>> round(fitted.nugget, 3), round(fitted.structures[0].ranges[0], 1)
    (0.2, 60.0)
    """
    h, g, npairs = _fit_table(experimental)
    ratios = (1.0, 1.0) if anisotropy is None else anisotropy[:2]
    angles = (0.0, 0.0, 0.0) if anisotropy is None else anisotropy[2:]
    # One free range per structure, along the experimental direction: the lag in units of
    # range is h / r, whatever the ratios (the fitted range is the major range).
    params = _wls_fit(
        h,
        g,
        npairs,
        None,
        kinds,
        nugget=nugget,
        nugget_value=nugget_value,
        weights=weights,
        max_range=max_range,
        min_range=min_range,
    )
    structures = tuple(
        Structure(kind, sill, (r[0], r[0] * ratios[0], r[0] * ratios[1]), *angles)  # type: ignore[arg-type]
        for kind, sill, r in zip(kinds, params.sills, params.ranges, strict=True)
    )
    return VariogramModel(params.nugget, structures)


def fit_anisotropic_variogram(
    experimentals: Sequence[pd.DataFrame],
    kinds: Sequence[str] = ("spherical",),
    *,
    azimuth: float = 0.0,
    dip: float = 0.0,
    rake: float = 0.0,
    nugget: bool = True,
    weights: WeightRule = "cressie",
    max_range: float | None = None,
    nugget_value: float | None = None,
) -> VariogramModel:
    """Fit one 3-D anisotropic model to several directional experimental variograms at once.

    The nugget and the sill of each structure are shared by all directions; each structure has
    three ranges, along the major, semi-major and minor axes of the frame ``(azimuth, dip,
    rake)`` (GSLIB angles, see :func:`~bornite.geostats.models.rotation_matrix`). The model's
    variogram for a lag of length ``h`` along a table's direction ``u`` is
    ``gamma(h u)``, so directions need not be the axes themselves, although the axes
    (:func:`axis_directions`) constrain the ranges best.

    Parameters
    ----------
    experimentals : sequence of pandas.DataFrame
        Tables from :func:`experimental_variogram` with a direction (``attrs["azimuth"]`` and
        ``attrs["dip"]`` set); at least one per axis whose range is to be learnt.
    kinds, nugget, weights, max_range, nugget_value
        As in :func:`fit_variogram`.
    azimuth, dip, rake : float
        Orientation of the anisotropy frame in degrees.

    Returns
    -------
    VariogramModel
        Every structure oriented by ``(azimuth, dip, rake)``.

    Notes
    -----
    An axis that no table's direction has a component along (the vertical, when all samples
    lie in a plane) cannot be fitted: it takes the range of the axis before it (the
    semi-major's for the minor).

    Raises
    ------
    ValidationError
        A table without a direction, too few non-empty lag classes, an unknown kind.
    ConvergenceError
        The optimiser failed.

    Examples
    --------
    >>> true = VariogramModel(0.1, (Structure("spherical", 0.9, (120.0, 60.0, 20.0), 30.0),))
    >>> lags = np.arange(5.0, 150.0, 5.0)
    >>> tables = []
    >>> for az, dp in axis_directions(30.0):
    ...     u = np.array([np.cos(np.deg2rad(dp)) * np.sin(np.deg2rad(az)),
    ...                   np.cos(np.deg2rad(dp)) * np.cos(np.deg2rad(az)),
    ...                   np.sin(np.deg2rad(dp))])
    ...     t = pd.DataFrame({"distance": lags, "gamma": true.gamma(lags[:, None] * u),
    ...                       "n_pairs": 100})
    ...     t.attrs.update(azimuth=az, dip=dp)
    ...     tables.append(t)
    >>> fitted = fit_anisotropic_variogram(tables, azimuth=30.0)
    >>> [round(r) for r in fitted.structures[0].ranges], round(fitted.nugget, 3)
    ([120, 60, 20], 0.1)
    """
    if len(experimentals) == 0:
        msg = "give at least one directional experimental variogram"
        raise ValidationError(msg)
    frame = rotation_matrix(azimuth, dip, rake)
    hs, gs, ns, components = [], [], [], []
    for number, table in enumerate(experimentals, start=1):
        if table.attrs.get("azimuth") is None or table.attrs.get("dip") is None:
            msg = (
                f"experimental variogram {number} has no direction (attrs azimuth and dip); "
                "compute it with experimental_variogram(..., azimuth=..., dip=...)"
            )
            raise ValidationError(msg)
        h, g, n = _fit_table(table)
        u = _direction(float(table.attrs["azimuth"]), float(table.attrs["dip"]))
        hs.append(h)
        gs.append(g)
        ns.append(n)
        components.append(np.tile(frame @ u, (len(h), 1)))
    params = _wls_fit(
        np.concatenate(hs),
        np.concatenate(gs),
        np.concatenate(ns),
        np.concatenate(components),
        kinds,
        nugget=nugget,
        nugget_value=nugget_value,
        weights=weights,
        max_range=max_range,
    )
    structures = tuple(
        Structure(kind, sill, r, azimuth, dip, rake)  # type: ignore[arg-type]
        for kind, sill, r in zip(kinds, params.sills, params.ranges, strict=True)
    )
    return VariogramModel(params.nugget, structures)


def axis_directions(
    azimuth: float = 0.0, dip: float = 0.0, rake: float = 0.0
) -> list[tuple[float, float]]:
    """``(azimuth, dip)`` of the major, semi-major and minor axes of a GSLIB frame.

    Each axis is given pointing down, or horizontal with an azimuth in [0, 180) (a direction
    and its opposite are the same variogram direction).

    Examples
    --------
    >>> axis_directions(30.0)
    [(30.0, 0.0), (120.0, 0.0), (0.0, -90.0)]
    """
    out = []
    for axis in rotation_matrix(azimuth, dip, rake):
        v = -axis if axis[2] > 1e-12 else axis
        horizontal = float(np.hypot(v[0], v[1]))
        az = float(np.rad2deg(np.arctan2(v[0], v[1]))) % 360.0 if horizontal > 1e-12 else 0.0
        dp = float(np.rad2deg(np.arctan2(v[2], horizontal)))
        if abs(dp) < 1e-9:
            az %= 180.0  # a horizontal line: report the azimuth in [0, 180)
        out.append((round(az, 9) % 360.0, round(dp, 9) + 0.0))
    return out


def downhole_variogram(
    hole_ids: npt.ArrayLike,
    depths: npt.ArrayLike,
    values: npt.ArrayLike,
    *,
    lag: float,
    n_lags: int,
    lag_tolerance: float | None = None,
) -> pd.DataFrame:
    """Semivariogram along the holes: pairs within one hole, separated by their depth difference.

    The down-hole variogram at short lags (composite length) is where the nugget effect is
    best seen: pass its fitted nugget to :func:`fit_variogram` or
    :func:`fit_anisotropic_variogram` as ``nugget_value``.

    Parameters
    ----------
    hole_ids : array-like, shape (n,)
        Hole of each sample.
    depths : array-like, shape (n,)
        Along-hole depth of each sample (e.g. composite mid-depth).
    values : array-like, shape (n,)
        Sample values.
    lag, n_lags, lag_tolerance
        As in :func:`experimental_variogram`.

    Returns
    -------
    pandas.DataFrame
        ``lag``, ``distance``, ``gamma``, ``n_pairs`` as :func:`experimental_variogram`, with
        ``attrs["direction"] = "downhole"``.

    Examples
    --------
    >>> table = downhole_variogram(["a"] * 4 + ["b"] * 2, [1.0, 2, 3, 4, 1, 2],
    ...                            [0.0, 1, 0, 1, 5, 5], lag=1.0, n_lags=2)
    >>> table[["lag", "gamma", "n_pairs"]].to_numpy().tolist()
    [[1.0, 0.375, 4.0], [2.0, 0.0, 2.0]]
    """
    holes = np.asarray(hole_ids)
    d = np.asarray(depths, dtype=float)
    z = np.asarray(values, dtype=float)
    if not (holes.shape == d.shape == z.shape and d.ndim == 1):
        msg = (
            f"hole_ids, depths and values must have one shape (n,); got {holes.shape}, "
            f"{d.shape} and {z.shape}"
        )
        raise ValidationError(msg)
    if not (np.isfinite(d).all() and np.isfinite(z).all()):
        msg = "depths and values must be finite; remove missing samples first"
        raise ValidationError(msg)
    centres, tol = _lag_classes(lag, n_lags, lag_tolerance)
    _, codes = np.unique(holes, return_inverse=True)
    order = np.lexsort((d, codes))
    codes, d, z = codes[order], d[order], z[order]
    sums = np.zeros(len(centres))
    dists = np.zeros(len(centres))
    counts = np.zeros(len(centres))
    max_distance = centres[-1] + tol
    for offset in range(1, len(d)):
        same = codes[offset:] == codes[:-offset]
        separation = d[offset:] - d[:-offset]
        near = same & (separation <= max_distance)
        if not near.any():
            break  # sorted by depth within holes: larger offsets are farther still
        h = separation[near]
        sq = (z[offset:][near] - z[:-offset][near]) ** 2
        cls = np.floor(h / lag + 0.5).astype(np.int64) - 1
        inside = (cls >= 0) & (cls < len(centres))
        inside[inside] &= np.abs(h[inside] - centres[cls[inside]]) <= tol
        sums += np.bincount(cls[inside], weights=sq[inside], minlength=len(centres))
        dists += np.bincount(cls[inside], weights=h[inside], minlength=len(centres))
        counts += np.bincount(cls[inside], minlength=len(centres))
    table = _variogram_table(centres, sums, dists, counts)
    table.attrs.update({"direction": "downhole", "lag_tolerance": tol})
    return table


# --------------------------------------------------------------------------- internals
def _lag_classes(lag: float, n_lags: int, lag_tolerance: float | None) -> tuple[FloatArray, float]:
    if not (lag > 0 and int(n_lags) >= 1):
        msg = f"need lag > 0 and n_lags >= 1; got lag={lag}, n_lags={n_lags}"
        raise ValidationError(msg)
    tol = lag / 2.0 if lag_tolerance is None else float(lag_tolerance)
    if not 0 < tol <= lag / 2.0:
        msg = (
            f"lag_tolerance must be > 0 and at most lag / 2 = {lag / 2.0} (classes that do not "
            f"overlap: each pair counts in one class); got {lag_tolerance}"
        )
        raise ValidationError(msg)
    return float(lag) * np.arange(1, int(n_lags) + 1, dtype=np.float64), tol


def _variogram_table(
    centres: FloatArray, sums: FloatArray, dists: FloatArray, counts: FloatArray
) -> pd.DataFrame:
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame(
            {
                "lag": centres,
                "distance": np.where(counts > 0, dists / counts, np.nan),
                "gamma": np.where(counts > 0, sums / (2.0 * counts), np.nan),
                "n_pairs": counts.astype(np.int64),
            }
        )


def _fit_table(experimental: pd.DataFrame) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Distances, gammas and pair counts of the non-empty lag classes."""
    table = experimental.dropna(subset=["distance", "gamma"])
    table = table[table["n_pairs"] > 0]
    return (
        table["distance"].to_numpy(dtype=float),
        table["gamma"].to_numpy(dtype=float),
        table["n_pairs"].to_numpy(dtype=float),
    )


@dataclass(frozen=True)
class _Fitted:
    nugget: float
    sills: tuple[float, ...]
    ranges: tuple[tuple[float, ...], ...]


def _wls_fit(
    h: FloatArray,
    g: FloatArray,
    npairs: FloatArray,
    components: FloatArray | None,
    kinds: Sequence[str],
    *,
    nugget: bool,
    nugget_value: float | None,
    weights: WeightRule,
    max_range: float | None,
    min_range: float | None = None,
) -> _Fitted:
    """Weighted least squares over lag classes; ``components`` (rows: the unit lag direction
    in the model frame) switch from one range per structure to one per frame axis."""
    for kind in kinds:
        if kind not in STRUCTURE_KINDS:
            msg = f"unknown structure kind {kind!r}; use one of {', '.join(STRUCTURE_KINDS)}"
            raise ValidationError(msg)
    if weights not in ("cressie", "pairs", "pairs_distance"):
        msg = f"weights must be 'cressie', 'pairs' or 'pairs_distance'; got {weights!r}"
        raise ValidationError(msg)
    if nugget_value is not None and not (np.isfinite(nugget_value) and nugget_value >= 0):
        msg = f"nugget_value must be a finite number >= 0; got {nugget_value!r}"
        raise ValidationError(msg)
    free_nugget = nugget and nugget_value is None
    # An axis no lag points along (e.g. the vertical with 2-D data) has no range to learn: it
    # takes the range of the nearest informed axis before it (or after it, for the major).
    axes = [0]
    if components is not None:
        informed = np.flatnonzero(np.abs(components).max(axis=0) > 1e-6)
        if informed.size == 0:
            msg = "the directional variograms have no lag classes to fit"
            raise ValidationError(msg)
        axes = [
            int(informed[informed <= k].max()) if (informed <= k).any() else int(informed[0])
            for k in range(3)
        ]
    free_axes = sorted(set(axes))
    n_ranges = len(free_axes)
    n_kinds = len(kinds)
    n_params = (1 + n_ranges) * n_kinds + int(free_nugget)
    if len(h) < n_params or n_kinds == 0:
        msg = (
            f"fitting {n_kinds} structure(s){' and a nugget' if free_nugget else ''} needs at "
            f"least {max(n_params, 1)} non-empty lag classes; got {len(h)}. Use more lags, "
            "more directions or fewer structures"
        )
        raise ValidationError(msg)
    top = 3.0 * float(h.max()) if max_range is None else float(max_range)
    gmax = max(float(g.max()), 1e-12)
    fixed_c0 = 0.0 if not nugget else float(nugget_value or 0.0)
    offset = int(free_nugget)
    correlograms = [Structure(kind, 1.0, 1.0) for kind in kinds]  # type: ignore[arg-type]

    def unpack(p: FloatArray) -> _Fitted:
        c0 = float(p[0]) if free_nugget else fixed_c0
        sills, ranges = [], []
        for s in range(n_kinds):
            base = offset + (1 + n_ranges) * s
            sills.append(float(p[base]))
            free = dict(zip(free_axes, p[base + 1 : base + 1 + n_ranges], strict=True))
            ranges.append(tuple(float(free[a]) for a in axes))
        return _Fitted(c0, tuple(sills), tuple(ranges))

    def model_gamma(p: FloatArray) -> FloatArray:
        fitted = unpack(p)
        out = np.full_like(h, fitted.nugget)
        for probe, sill, r in zip(correlograms, fitted.sills, fitted.ranges, strict=True):
            if components is None:
                scaled = h / r[0]
            else:
                scaled = h * np.linalg.norm(components / np.asarray(r), axis=1)
            out += sill * (1.0 - probe.unit_correlogram(scaled))
        return out

    def residuals(p: FloatArray) -> FloatArray:
        model = model_gamma(p)
        if weights == "cressie":
            return np.asarray(np.sqrt(npairs) * (g / np.maximum(model, 1e-12 * gmax) - 1.0))
        w = npairs if weights == "pairs" else npairs / h**2
        return np.asarray(np.sqrt(w / w.sum()) * (model - g) / gmax)

    start: list[float] = [0.1 * float(g.min())] if free_nugget else []
    lower: list[float] = [0.0] if free_nugget else []
    upper: list[float] = [2.0 * gmax] if free_nugget else []
    r_low = max(float(h.min()) / 10.0 if min_range is None else float(min_range), 1e-9)
    for s in range(n_kinds):
        start += [max(float(np.mean(g)) - fixed_c0, 0.0) / n_kinds]
        start += [float(h.max()) * (s + 1) / (n_kinds + 1)] * n_ranges
        lower += [0.0] + [r_low] * n_ranges
        upper += [2.0 * gmax] + [max(top, 2 * r_low)] * n_ranges
    x0 = np.clip(start, lower, upper)
    try:
        result = optimize.least_squares(residuals, x0, bounds=(lower, upper), method="trf")
    except (ValueError, np.linalg.LinAlgError) as error:
        msg = f"variogram fit failed: {error}"
        raise ConvergenceError(msg) from error
    if not result.success:
        msg = f"variogram fit did not converge: {result.message}"
        raise ConvergenceError(msg)
    # The trust-region solver stops a hair inside a bound: a nugget or sill within 1e-9 of
    # the variogram's scale above zero is zero (a "nugget of 2.6e-17" is no nugget).
    x = np.asarray(result.x, dtype=float)
    x[(np.asarray(lower) == 0.0) & (x < 1e-9 * gmax)] = 0.0
    fitted = unpack(x)
    if fitted.nugget + sum(fitted.sills) <= 0:
        msg = "the fitted variogram has a zero sill; check the experimental variogram"
        raise ConvergenceError(msg)
    return fitted
