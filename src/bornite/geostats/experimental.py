"""Experimental variograms (omnidirectional and 3-D directional) and weighted least-squares fits.

Pairs are found with a :class:`scipy.spatial.cKDTree` (only pairs closer than the last lag's
outer edge), in chunks of samples so that memory stays bounded, and binned with
:func:`numpy.bincount`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize
from scipy.spatial import cKDTree

from bornite.errors import ConvergenceError, ValidationError
from bornite.geostats.models import STRUCTURE_KINDS, Structure, VariogramModel

__all__ = ["experimental_variogram", "fit_variogram"]

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
        Half-width of a lag class; default ``lag / 2`` (contiguous classes).
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
    if not (lag > 0 and int(n_lags) >= 1):
        msg = f"need lag > 0 and n_lags >= 1; got lag={lag}, n_lags={n_lags}"
        raise ValidationError(msg)
    tol = lag / 2.0 if lag_tolerance is None else float(lag_tolerance)
    if not tol > 0:
        msg = f"lag_tolerance must be > 0; got {lag_tolerance}"
        raise ValidationError(msg)
    centres = lag * np.arange(1, int(n_lags) + 1)
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
        cls = np.rint(d / lag).astype(np.int64) - 1
        inside = (cls >= 0) & (cls < len(centres))
        inside[inside] &= np.abs(d[inside] - centres[cls[inside]]) <= tol
        cls, i, j, d = cls[inside], i[inside], j[inside], d[inside]
        sq = (z[i] - z[j]) ** 2
        sums += np.bincount(cls, weights=sq, minlength=len(centres))
        dists += np.bincount(cls, weights=d, minlength=len(centres))
        counts += np.bincount(cls, minlength=len(centres))
    with np.errstate(invalid="ignore", divide="ignore"):
        table = pd.DataFrame(
            {
                "lag": centres,
                "distance": np.where(counts > 0, dists / counts, np.nan),
                "gamma": np.where(counts > 0, sums / (2.0 * counts), np.nan),
                "n_pairs": counts.astype(np.int64),
            }
        )
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
    for kind in kinds:
        if kind not in STRUCTURE_KINDS:
            msg = f"unknown structure kind {kind!r}; use one of {', '.join(STRUCTURE_KINDS)}"
            raise ValidationError(msg)
    if weights not in ("cressie", "pairs", "pairs_distance"):
        msg = f"weights must be 'cressie', 'pairs' or 'pairs_distance'; got {weights!r}"
        raise ValidationError(msg)
    table = experimental.dropna(subset=["distance", "gamma"])
    table = table[table["n_pairs"] > 0]
    h = table["distance"].to_numpy(dtype=float)
    g = table["gamma"].to_numpy(dtype=float)
    npairs = table["n_pairs"].to_numpy(dtype=float)
    n_params = 2 * len(kinds) + int(nugget)
    if len(h) < n_params or len(kinds) == 0:
        msg = (
            f"fitting {len(kinds)} structure(s){' and a nugget' if nugget else ''} needs at least "
            f"{max(n_params, 1)} non-empty lag classes; got {len(h)}. Use more lags or fewer "
            "structures"
        )
        raise ValidationError(msg)
    ratios = (1.0, 1.0) if anisotropy is None else anisotropy[:2]
    angles = (0.0, 0.0, 0.0) if anisotropy is None else anisotropy[2:]
    top = 3.0 * float(h.max()) if max_range is None else float(max_range)
    gmax = max(float(g.max()), 1e-12)
    n_kinds = len(kinds)

    def build(p: FloatArray) -> VariogramModel:
        c0 = float(p[0]) if nugget else 0.0
        offset = int(nugget)
        structures = tuple(
            Structure(
                kind,  # type: ignore[arg-type]
                float(p[offset + 2 * s]),
                (
                    float(p[offset + 2 * s + 1]),
                    float(p[offset + 2 * s + 1] * ratios[0]),
                    float(p[offset + 2 * s + 1] * ratios[1]),
                ),
                *angles,
            )
            for s, kind in enumerate(kinds)
        )
        return VariogramModel(c0, structures)

    def model_gamma(p: FloatArray) -> FloatArray:
        c0 = p[0] if nugget else 0.0
        offset = int(nugget)
        out = np.full_like(h, c0)
        for s, kind in enumerate(kinds):
            probe = Structure(kind, 1.0, float(p[offset + 2 * s + 1]))  # type: ignore[arg-type]
            out += p[offset + 2 * s] * (1.0 - probe.unit_correlogram(h / probe.ranges[0]))  # type: ignore[index]
        return out

    def residuals(p: FloatArray) -> FloatArray:
        model = model_gamma(p)
        if weights == "cressie":
            return np.asarray(np.sqrt(npairs) * (g / np.maximum(model, 1e-12 * gmax) - 1.0))
        w = npairs if weights == "pairs" else npairs / h**2
        return np.asarray(np.sqrt(w / w.sum()) * (model - g) / gmax)

    start: list[float] = [0.1 * float(g.min())] if nugget else []
    lower: list[float] = [0.0] if nugget else []
    upper: list[float] = [2.0 * gmax] if nugget else []
    r_low = max(float(h.min()) / 10.0, 1e-9)
    for s in range(n_kinds):
        start += [float(np.mean(g)) / n_kinds, float(h.max()) * (s + 1) / (n_kinds + 1)]
        lower += [0.0, r_low]
        upper += [2.0 * gmax, max(top, 2 * r_low)]
    x0 = np.clip(start, lower, upper)
    try:
        result = optimize.least_squares(residuals, x0, bounds=(lower, upper), method="trf")
    except (ValueError, np.linalg.LinAlgError) as error:
        msg = f"variogram fit failed: {error}"
        raise ConvergenceError(msg) from error
    if not result.success:
        msg = f"variogram fit did not converge: {result.message}"
        raise ConvergenceError(msg)
    return build(np.asarray(result.x))
