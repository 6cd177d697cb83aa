"""Ordinary and simple kriging and inverse-distance weighting, point or block support.

The estimators follow the scikit-learn contract: the constructor stores parameters, ``fit``
validates the samples and returns ``self`` (fitted state ends in ``_``), ``predict`` is pure
and returns a :class:`pandas.DataFrame` with one row per target.

With a moving neighbourhood every target has its own small system, built and solved by a
compiled kernel (:mod:`bornite.geostats._kernels`: covariances computed in place, Cholesky,
about 7 microseconds for 32 samples). Without one, the single system of all samples is
factored once and every target is a right-hand side. Targets go in chunks, which bound the
memory and may run on threads (``n_jobs`` argument or the global option).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import linalg

from bornite._config import get_options
from bornite.core.estimator import Estimator, check_fitted
from bornite.errors import ValidationError
from bornite.geostats._kernels import (
    ESTIMATE,
    KIND_CODES,
    LAMBDA_C,
    MEAN_DISTANCE,
    MU,
    SUM_WEIGHTS,
    krige_targets,
)
from bornite.geostats.models import VariogramModel, _correlogram_inplace
from bornite.geostats.neighbourhood import SearchNeighbourhood, _Searcher

__all__ = ["InverseDistance", "OrdinaryKriging", "SimpleKriging", "block_discretisation"]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Columns of the table that :meth:`OrdinaryKriging.predict` returns.
KRIGING_COLUMNS = (
    "estimate",
    "variance",
    "n_samples",
    "n_holes",
    "mean_distance",
    "slope_of_regression",
    "kriging_efficiency",
    "sum_weights",
)

_CHUNK_BYTES = 48 * 2**20


def _as_points(points: npt.ArrayLike, name: str) -> FloatArray:
    """Validate an ``(n, 3)`` array of finite (easting, northing, elevation)."""
    array = np.array(points, dtype=float, order="C")  # a writeable copy: one compiled kernel
    if array.ndim != 2 or array.shape[1] != 3:
        msg = (
            f"{name} must have shape (n, 3): easting, northing, elevation; got shape "
            f"{array.shape}. For 2-D data add an elevation column of zeros"
        )
        raise ValidationError(msg)
    bad = np.flatnonzero(~np.isfinite(array).all(axis=1))
    if bad.size:
        rows = ", ".join(map(str, bad[:10])) + (" ..." if bad.size > 10 else "")
        msg = f"{name}: non-finite coordinates in rows {rows}; remove or fix those rows"
        raise ValidationError(msg)
    return array


def _as_values(values: npt.ArrayLike, n: int) -> FloatArray:
    array = np.array(values, dtype=float, order="C")
    if array.shape != (n,):
        msg = f"values must have shape ({n},), one per coordinate row; got {array.shape}"
        raise ValidationError(msg)
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        rows = ", ".join(map(str, bad[:10])) + (" ..." if bad.size > 10 else "")
        msg = f"values: missing or non-finite in rows {rows}; remove those samples before fit"
        raise ValidationError(msg)
    return array


def _hole_codes(hole_ids: npt.ArrayLike | None, n: int) -> IntArray | None:
    if hole_ids is None:
        return None
    ids = np.asarray(hole_ids)
    if ids.shape != (n,):
        msg = f"hole_ids must have shape ({n},), one per sample; got {ids.shape}"
        raise ValidationError(msg)
    return np.unique(ids, return_inverse=True)[1].astype(np.int64).reshape(n)


def block_discretisation(
    block_size: tuple[float, float, float], discretisation: tuple[int, int, int]
) -> FloatArray:
    """Offsets from a block centroid of its ``nx * ny * nz`` discretisation points.

    The points are the centres of a regular ``nx x ny x nz`` subdivision of the block.

    Examples
    --------
    >>> block_discretisation((10.0, 10.0, 5.0), (2, 1, 1))
    array([[-2.5,  0. ,  0. ],
           [ 2.5,  0. ,  0. ]])
    """
    size = np.asarray(block_size, dtype=float)
    counts = np.asarray(discretisation, dtype=int)
    if size.shape != (3,) or not np.all(size > 0):
        msg = f"block_size must be three lengths > 0 (easting, northing, elevation); got {size}"
        raise ValidationError(msg)
    if counts.shape != (3,) or not np.all(counts >= 1):
        msg = f"discretisation must be three counts >= 1 (nx, ny, nz); got {counts}"
        raise ValidationError(msg)
    axes = [(np.arange(c) + 0.5) / c * s - s / 2.0 for c, s in zip(counts, size, strict=True)]
    grid = np.meshgrid(*axes, indexing="ij")
    return np.stack([g.ravel() for g in grid], axis=1)


def _as_exclude(exclude: npt.ArrayLike | None, targets: npt.ArrayLike) -> IntArray | None:
    """``exclude`` of :meth:`predict` as one sample index per target (``-1``: none)."""
    if exclude is None:
        return None
    out = np.asarray(exclude)
    m = np.asarray(targets).reshape(-1, 3).shape[0] if np.size(targets) else 0
    if out.shape != (m,) or not np.issubdtype(out.dtype, np.integer):
        msg = (
            f"exclude must hold one whole sample index per target ({m}); got shape "
            f"{out.shape} of {out.dtype}"
        )
        raise ValidationError(msg)
    return out.astype(np.int64)


def _pairwise_sq(a: FloatArray, b: FloatArray) -> FloatArray:
    """Squared distances between the rows of ``a (..., p, 3)`` and ``b (..., q, 3)``.

    Uses ``|a|^2 + |b|^2 - 2 a.b``; callers pass coordinates relative to the target, so the
    terms are of the order of the ranges and the cancellation is harmless.
    """
    aa = np.einsum("...i,...i->...", a, a)
    bb = np.einsum("...i,...i->...", b, b)
    d2 = aa[..., :, None] + bb[..., None, :] - 2.0 * (a @ np.swapaxes(b, -1, -2))
    return np.asarray(np.maximum(d2, 0.0))


class _KrigingBase(Estimator):
    """Shared fitting, search and batched solving of simple and ordinary kriging."""

    _ordinary = True

    def __init__(
        self,
        variogram: VariogramModel,
        *,
        neighbourhood: SearchNeighbourhood | None = None,
        block_size: tuple[float, float, float] | None = None,
        discretisation: tuple[int, int, int] = (4, 4, 1),
        chunk_size: int | None = None,
        n_jobs: int | None = None,
    ) -> None:
        self.variogram = variogram
        self.neighbourhood = neighbourhood
        self.block_size = block_size
        self.discretisation = discretisation
        self.chunk_size = chunk_size
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------------- fit
    def fit(
        self,
        coordinates: npt.ArrayLike,
        values: npt.ArrayLike,
        hole_ids: npt.ArrayLike | None = None,
    ) -> _KrigingBase:
        """Store validated samples and prepare the search.

        Parameters
        ----------
        coordinates : array-like, shape (n, 3)
            Sample easting, northing, elevation.
        values : array-like, shape (n,)
            Sample values (finite).
        hole_ids : array-like, shape (n,), optional
            Drill-hole label of each sample; needed when the neighbourhood sets
            ``max_per_hole``, and used by leave-one-hole-out cross-validation.

        Returns
        -------
        self
        """
        if not isinstance(self.variogram, VariogramModel):
            msg = f"variogram must be a VariogramModel; got {type(self.variogram).__name__}"
            raise ValidationError(msg)
        if self.neighbourhood is not None and not isinstance(
            self.neighbourhood, SearchNeighbourhood
        ):
            msg = (
                "neighbourhood must be a SearchNeighbourhood or None (all samples); got "
                f"{type(self.neighbourhood).__name__}"
            )
            raise ValidationError(msg)
        coords = _as_points(coordinates, "coordinates")
        n = coords.shape[0]
        if n == 0:
            msg = "fit needs at least one sample; got none"
            raise ValidationError(msg)
        self.coordinates_ = coords
        self.values_ = _as_values(values, n)
        self.hole_ids_ = None if hole_ids is None else np.asarray(hole_ids)
        codes = _hole_codes(hole_ids, n)
        self.hole_codes_ = codes
        self.n_samples_ = n
        if self.block_size is None:
            self.discretisation_offsets_ = np.zeros((1, 3))
        else:
            self.discretisation_offsets_ = block_discretisation(
                self.block_size, self.discretisation
            )
        self.block_covariance_ = self._block_covariance(self.discretisation_offsets_)
        self.searcher_ = (
            None if self.neighbourhood is None else _Searcher(self.neighbourhood, coords, codes)
        )
        self.global_factor_ = None if self.searcher_ is not None else self._factor_global()
        frames = [coords @ s.transform.T for s in self.variogram.structures]
        self.frames_ = np.array(frames, dtype=float).reshape(-1, n, 3)  # (structures, n, 3)
        self._check_extra()
        return self

    def _factor_global(self) -> tuple[FloatArray, IntArray]:
        """LU factors of the one kriging matrix used when every sample serves every target."""
        n = self.n_samples_
        lhs, _ = self._covariances(self.coordinates_[:1], np.arange(n)[None, :])
        system = lhs[0]
        if self._ordinary:
            system = np.block([[system, np.ones((n, 1))], [np.ones((1, n)), np.zeros((1, 1))]])
        with np.errstate(divide="raise", invalid="raise"):
            try:
                lu, piv = linalg.lu_factor(system, check_finite=False)
            except (linalg.LinAlgError, FloatingPointError, ValueError) as error:
                msg = "the kriging matrix is singular; remove or average duplicate samples"
                raise ValidationError(msg) from error
        if np.any(np.diag(lu) == 0):
            msg = "the kriging matrix is singular; remove or average duplicate samples"
            raise ValidationError(msg)
        return np.asarray(lu), np.asarray(piv)

    def _check_extra(self) -> None:
        """Validate subclass parameters at fit time."""

    def _block_covariance(self, offsets: FloatArray) -> float:
        """``C_BB``: the sill for points; for blocks, the mean structured covariance between
        discretisation points (the nugget averages out over a block, as GSLIB ``kt3d``)."""
        model = self.variogram
        if offsets.shape[0] == 1:
            return model.sill
        total = 0.0
        for s in model.structures:
            u = offsets @ s.transform.T
            d = np.sqrt(_pairwise_sq(u, u))
            total += s.sill * float(s.unit_correlogram(d).mean())
        return total

    # ---------------------------------------------------------------------- predict
    def predict(
        self, targets: npt.ArrayLike, *, exclude: npt.ArrayLike | None = None
    ) -> pd.DataFrame:
        """Estimate at target points or block centroids.

        Parameters
        ----------
        targets : array-like, shape (m, 3)
            Easting, northing, elevation of the target points (point support) or of the block
            centroids (when ``block_size`` was given).
        exclude : array-like of int, shape (m,), optional
            For each target, the index of one fitted sample to leave out of its
            neighbourhood (leave-one-out cross-validation: target ``i`` is sample
            ``exclude[i]``); ``-1`` leaves none out.

        Returns
        -------
        pandas.DataFrame
            One row per target with columns ``estimate``, ``variance`` (kriging variance),
            ``n_samples``, ``n_holes`` (distinct holes among the samples; NaN when ``fit``
            had no ``hole_ids``), ``mean_distance`` (mean Euclidean distance in metres from
            the target to its samples), ``slope_of_regression``, ``kriging_efficiency`` and
            ``sum_weights``. Targets with fewer than ``min_samples`` samples in the search
            ellipsoid get NaN and ``n_samples = 0``. ``attrs`` records the method and support.
        """
        return self._predict(targets, exclude)

    def _predict(self, targets: npt.ArrayLike, exclude: npt.ArrayLike | None) -> pd.DataFrame:
        check_fitted(self, "coordinates_")
        exclude = _as_exclude(exclude, targets)
        points = _as_points(targets, "targets")
        m = points.shape[0]
        out = {name: np.full(m, np.nan) for name in KRIGING_COLUMNS}
        out["n_samples"] = np.zeros(m)
        k = (
            self.n_samples_
            if self.searcher_ is None
            else min(self.searcher_.neighbourhood.max_samples, self.n_samples_)
        )
        n_jobs = self.n_jobs or get_options()["n_jobs"]
        if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs < 1:
            msg = f"n_jobs must be a whole number of threads >= 1; got {n_jobs!r}"
            raise ValidationError(msg)
        chunk = self.chunk_size or self._auto_chunk(k)
        if n_jobs > 1:  # a few chunks per thread, so that one slow chunk idles no thread
            chunk = min(chunk, max(1, -(-m // (4 * n_jobs))))
        bounds = [(a, min(a + chunk, m)) for a in range(0, m, chunk)]

        def work(bound: tuple[int, int]) -> None:
            a, b = bound
            ex = None if exclude is None else exclude[a:b]
            result = self._solve_chunk(points[a:b], ex)
            for name, column in result.items():
                out[name][a:b] = column

        if n_jobs > 1 and len(bounds) > 1:
            with ThreadPoolExecutor(max_workers=n_jobs) as pool:
                list(pool.map(work, bounds))
        else:
            for bound in bounds:
                work(bound)
        table = pd.DataFrame(out)
        table["n_samples"] = table["n_samples"].astype(np.int64)
        table.attrs["method"] = "ordinary kriging" if self._ordinary else "simple kriging"
        table.attrs["support"] = "point" if self.block_size is None else "block"
        return table

    def _auto_chunk(self, k: int) -> int:
        if self.searcher_ is None:  # (b, n) right-hand sides over the discretisation points
            nd = self.discretisation_offsets_.shape[0]
            per_target = 8 * (6 * k * nd + 8 * k)
        else:  # the search's candidates: distances, indices, octant coordinates
            nb = self.searcher_.neighbourhood
            capped = nb.max_per_hole is not None or nb.max_per_octant is not None
            per_target = 64 * k * (nb.candidate_factor if capped else 1) + 64
        return int(max(1, min(50_000, _CHUNK_BYTES // per_target)))

    # ------------------------------------------------------------------- covariances
    def _select(self, targets: FloatArray, exclude: IntArray | None) -> tuple[IntArray, BoolArray]:
        n = self.n_samples_
        if self.searcher_ is None:
            idx = np.broadcast_to(np.arange(n), (targets.shape[0], n))
            valid = np.ones(idx.shape, dtype=bool)
            if exclude is not None:
                valid &= idx != exclude[:, None]
            return np.ascontiguousarray(idx), valid
        return self.searcher_.query(targets, exclude)

    def _covariances(
        self, targets: FloatArray, idx: IntArray, *, left: bool = True
    ) -> tuple[FloatArray, FloatArray]:
        """Left-hand covariances ``(b, k, k)`` and right-hand ``(b, k)`` for one batch.

        Coordinates are taken relative to each target before squaring (precision with large
        projected coordinates). Used for the one system of a global neighbourhood.
        """
        model = self.variogram
        offsets = self.discretisation_offsets_
        rel = self.coordinates_[idx] - targets[:, None, :]  # (b, k, 3)
        b, k = idx.shape
        lhs = np.zeros((b, k, k) if left else (0, k, k))
        rhs = np.zeros((b, k))
        for s in model.structures:
            u = rel @ s.transform.T
            if left:
                d = _pairwise_sq(u, u)
                np.sqrt(d, out=d)
                d = _correlogram_inplace(s.kind, d)
                d *= s.sill
                lhs += d
            if offsets.shape[0] == 1:
                dr = np.sqrt(np.einsum("bki,bki->bk", u, u))
                rhs += s.sill * _correlogram_inplace(s.kind, dr)
            else:
                v = offsets @ s.transform.T  # (nd, 3)
                dr = np.sqrt(_pairwise_sq(u, np.broadcast_to(v, (b, *v.shape))))
                rhs += s.sill * _correlogram_inplace(s.kind, dr).mean(axis=2)
        if left:
            diag = np.arange(k)
            lhs[:, diag, diag] = model.sill
        if offsets.shape[0] == 1 and model.nugget > 0:
            rhs += model.nugget * (np.abs(rel).sum(axis=2) == 0.0)
        return lhs, rhs

    # ------------------------------------------------------------------------ solve
    def _solve_chunk(self, targets: FloatArray, exclude: IntArray | None) -> dict[str, FloatArray]:
        idx, valid = self._select(targets, exclude)
        if self.searcher_ is None and exclude is None:
            return self._solve_global(targets, idx)
        model = self.variogram
        structures = model.structures
        transforms = np.array([s.transform for s in structures]).reshape(-1, 3, 3)
        offsets = np.einsum("dj,sij->sdi", self.discretisation_offsets_, transforms)
        out = np.empty((targets.shape[0], 5))
        krige_targets(
            targets,
            np.ascontiguousarray(idx, dtype=np.int64),
            np.ascontiguousarray(valid),
            self.coordinates_,
            self.frames_,
            np.array([KIND_CODES[s.kind] for s in structures], dtype=np.int64),
            np.array([s.sill for s in structures], dtype=float),
            transforms,
            np.ascontiguousarray(offsets),
            float(model.sill),
            float(model.nugget),
            self.values_,
            bool(self._ordinary),
            0.0 if self._ordinary else float(self._mean()),
            out,
        )
        return self._outputs(idx, valid, out)

    def _solve_global(self, targets: FloatArray, idx: IntArray) -> dict[str, FloatArray]:
        """All samples for every target: factor the one matrix once, many right-hand sides."""
        b, n = idx.shape
        _, rhs = self._covariances(targets, idx, left=False)
        right = np.concatenate([rhs, np.ones((b, 1))], axis=1) if self._ordinary else rhs
        solution = linalg.lu_solve(self.global_factor_, right.T, check_finite=False).T
        weights = solution[:, :n]
        out = np.empty((b, 5))
        mean = 0.0 if self._ordinary else self._mean()
        out[:, ESTIMATE] = mean + weights @ (self.values_ - mean)
        out[:, LAMBDA_C] = np.einsum("bk,bk->b", weights, rhs)
        out[:, MU] = solution[:, n] if self._ordinary else 0.0
        out[:, SUM_WEIGHTS] = weights.sum(axis=1)
        out[:, MEAN_DISTANCE] = np.linalg.norm(
            self.coordinates_ - targets[:, None, :], axis=2
        ).mean(1)
        return self._outputs(idx, np.ones((b, n), dtype=bool), out)

    def _outputs(
        self, idx: IntArray, valid: BoolArray, solved: FloatArray
    ) -> dict[str, FloatArray]:
        """The output columns from each target's samples and its kriging sums ``solved``
        (columns estimate, ``lambda^T c``, ``mu``, ``sum(lambda)``, mean distance; ``mu = 0``
        for SK)."""
        nvalid = valid.sum(axis=1)
        cbb = self.block_covariance_
        lam_c, mu = solved[:, LAMBDA_C], solved[:, MU]
        variance = cbb - lam_c - mu
        var_est = lam_c - mu  # var(Z*): lambda^T C lambda
        with np.errstate(invalid="ignore", divide="ignore"):
            slope = np.where(var_est > 0, lam_c / var_est, np.nan)
        result = {
            "estimate": solved[:, ESTIMATE].copy(),
            "variance": np.maximum(variance, 0.0),
            "n_samples": nvalid.astype(float),
            "n_holes": _distinct_holes(getattr(self, "hole_codes_", None), idx, valid),
            "mean_distance": solved[:, MEAN_DISTANCE].copy(),
            "slope_of_regression": slope,
            "kriging_efficiency": (cbb - variance) / cbb,
            "sum_weights": solved[:, SUM_WEIGHTS].copy(),
        }
        empty = nvalid == 0
        if empty.any():
            for name, column in result.items():
                if name not in ("n_samples", "n_holes"):
                    column[empty] = np.nan
        return result

    def _mean(self) -> float:
        raise NotImplementedError


def _distinct_holes(codes: IntArray | None, idx: IntArray, valid: BoolArray) -> FloatArray:
    """Number of distinct holes among each target's samples (NaN without hole ids)."""
    if codes is None:
        return np.full(idx.shape[0], np.nan)
    holes = np.sort(np.where(valid, codes[idx], -1), axis=1)
    new = np.ones(holes.shape, dtype=bool)
    new[:, 1:] = holes[:, 1:] != holes[:, :-1]
    return np.asarray(((holes >= 0) & new).sum(axis=1), dtype=float)


class OrdinaryKriging(_KrigingBase):
    """Ordinary kriging (unknown constant mean in each neighbourhood), point or block support.

    Parameters
    ----------
    variogram : VariogramModel
        The variogram of the values.
    neighbourhood : SearchNeighbourhood, optional
        Moving search neighbourhood; ``None`` uses every sample for every target (one
        matrix, factored once).
    block_size : tuple of three floats, optional
        Block size (easting, northing, elevation) for block kriging; ``None`` for points.
    discretisation : tuple of three ints
        Block discretisation ``(nx, ny, nz)``; point-block covariances are averaged over the
        ``nx * ny * nz`` points of :func:`block_discretisation`.
    chunk_size : int, optional
        Targets per batch; default chosen to keep each batch near 48 MiB.
    n_jobs : int, optional
        Threads over batches; default the global option ``n_jobs``.

    Attributes
    ----------
    coordinates_, values_ : numpy.ndarray
        The fitted samples.
    hole_ids_ : numpy.ndarray or None
        Hole labels given to ``fit``.
    n_samples_ : int
        Number of samples.
    block_covariance_ : float
        ``C_BB``: the sill for points, the mean covariance within a block otherwise.

    Notes
    -----
    For the ``k`` selected samples with covariances ``C`` (``k x k``) and target
    covariances ``c`` (point-block averages for blocks), the weights ``lambda`` and the
    Lagrange multiplier ``mu`` solve

    .. math::

        \\begin{pmatrix} C & 1 \\\\ 1^T & 0 \\end{pmatrix}
        \\begin{pmatrix} \\lambda \\\\ \\mu \\end{pmatrix} =
        \\begin{pmatrix} c \\\\ 1 \\end{pmatrix}

    and the outputs are: estimate ``z* = lambda^T z``; kriging variance
    ``sigma^2 = C_BB - lambda^T c - mu``; slope of regression of the true value on the
    estimate ``cov(Z, Z*) / var(Z*) = lambda^T c / (lambda^T c - mu)``; kriging efficiency
    ``KE = (C_BB - sigma^2) / C_BB`` (Krige 1997); sum of weights (one).

    The nugget applies to a sample paired with itself; two samples at the same place make the
    system singular (average duplicates first). Point targets on a sample include the nugget
    in ``c`` so that kriging is an exact interpolator; block covariances exclude it.

    References
    ----------
    Journel, A. G. and Huijbregts, C. J. (1978). *Mining Geostatistics*. Academic Press.
    Krige, D. G. (1997). A practical analysis of the effects of spatial structure and of data
    available and accessed, on conditional biases in ordinary kriging. *Geostatistics
    Wollongong '96*, 799-810.

    Examples
    --------
    >>> from bornite.geostats import Structure, VariogramModel
    >>> model = VariogramModel(0.0, (Structure("spherical", 1.0, 100.0),))
    >>> xyz = np.array([[0.0, 0, 0], [50, 0, 0], [0, 50, 0], [50, 50, 0]])
    >>> ok = OrdinaryKriging(model).fit(xyz, [1.0, 2.0, 3.0, 4.0])
    >>> table = ok.predict([[0.0, 0, 0], [25, 25, 0]])
    >>> np.round(table["estimate"].to_numpy(), 6)
    array([1. , 2.5])
    >>> np.round(table["sum_weights"].to_numpy(), 6)
    array([1., 1.])
    """


class SimpleKriging(_KrigingBase):
    """Simple kriging with a known, constant mean; point or block support.

    Parameters
    ----------
    variogram : VariogramModel
        The variogram of the values (its sill is the variance of the random function).
    mean : float
        The known mean.
    neighbourhood, block_size, discretisation, chunk_size, n_jobs
        As :class:`OrdinaryKriging`.

    Notes
    -----
    ``C lambda = c``; estimate ``z* = m + lambda^T (z - m)``; kriging variance
    ``sigma^2 = C_BB - lambda^T c``; the slope of regression is one by construction;
    ``sum_weights`` is ``sum lambda`` (the weight of the mean is its complement).

    Examples
    --------
    >>> from bornite.geostats import Structure, VariogramModel
    >>> model = VariogramModel(0.0, (Structure("exponential", 1.0, 30.0),))
    >>> sk = SimpleKriging(model, mean=0.0).fit([[0.0, 0, 0]], [1.0])
    >>> float(sk.predict([[1000.0, 0, 0]])["estimate"].round(6).iloc[0])  # far: the mean
    0.0
    """

    _ordinary = False

    def __init__(
        self,
        variogram: VariogramModel,
        mean: float,
        *,
        neighbourhood: SearchNeighbourhood | None = None,
        block_size: tuple[float, float, float] | None = None,
        discretisation: tuple[int, int, int] = (4, 4, 1),
        chunk_size: int | None = None,
        n_jobs: int | None = None,
    ) -> None:
        super().__init__(
            variogram,
            neighbourhood=neighbourhood,
            block_size=block_size,
            discretisation=discretisation,
            chunk_size=chunk_size,
            n_jobs=n_jobs,
        )
        self.mean = mean

    def _check_extra(self) -> None:
        if not np.isfinite(self.mean):
            msg = f"simple kriging needs a finite known mean; got {self.mean!r}"
            raise ValidationError(msg)

    def _mean(self) -> float:
        return float(self.mean)


class InverseDistance(Estimator):
    """Inverse-distance weighting with an optional anisotropic search neighbourhood.

    Parameters
    ----------
    power : float
        Weights are ``1 / d^power``.
    neighbourhood : SearchNeighbourhood, optional
        Search ellipsoid and sample limits; distances are then anisotropic,
        ``d = r_major |T (x - x0)|`` (metres along the major axis). ``None`` uses every sample
        with Euclidean distances.
    chunk_size : int, optional
        Targets per batch.

    Notes
    -----
    ``z* = sum w_i z_i / sum w_i`` with ``w_i = d_i^(-power)``; a target on a sample takes its
    value. Only point support. Outputs: ``estimate``, ``n_samples``, ``mean_distance``
    (Euclidean, metres) and ``sum_weights`` (normalised weights: one).

    Examples
    --------
    >>> idw = InverseDistance(power=2.0).fit([[0.0, 0, 0], [10.0, 0, 0]], [0.0, 1.0])
    >>> idw.predict([[5.0, 0, 0], [10.0, 0, 0]])["estimate"].tolist()
    [0.5, 1.0]
    """

    def __init__(
        self,
        power: float = 2.0,
        *,
        neighbourhood: SearchNeighbourhood | None = None,
        chunk_size: int | None = None,
    ) -> None:
        self.power = power
        self.neighbourhood = neighbourhood
        self.chunk_size = chunk_size

    def fit(
        self,
        coordinates: npt.ArrayLike,
        values: npt.ArrayLike,
        hole_ids: npt.ArrayLike | None = None,
    ) -> InverseDistance:
        """Store validated samples (see :meth:`OrdinaryKriging.fit`); returns ``self``."""
        if not (np.isfinite(self.power) and self.power > 0):
            msg = f"power must be a finite number > 0; got {self.power!r}"
            raise ValidationError(msg)
        coords = _as_points(coordinates, "coordinates")
        n = coords.shape[0]
        if n == 0:
            msg = "fit needs at least one sample; got none"
            raise ValidationError(msg)
        self.coordinates_ = coords
        self.values_ = _as_values(values, n)
        self.hole_ids_ = None if hole_ids is None else np.asarray(hole_ids)
        self.n_samples_ = n
        self.searcher_ = (
            None
            if self.neighbourhood is None
            else _Searcher(self.neighbourhood, coords, _hole_codes(hole_ids, n))
        )
        return self

    def predict(
        self, targets: npt.ArrayLike, *, exclude: npt.ArrayLike | None = None
    ) -> pd.DataFrame:
        """Estimates at target points; columns ``estimate``, ``n_samples``,
        ``mean_distance``, ``sum_weights``; ``exclude`` as :meth:`OrdinaryKriging.predict`."""
        return self._predict(targets, exclude)

    def _predict(self, targets: npt.ArrayLike, exclude: npt.ArrayLike | None) -> pd.DataFrame:
        check_fitted(self, "coordinates_")
        exclude = _as_exclude(exclude, targets)
        points = _as_points(targets, "targets")
        m, n = points.shape[0], self.n_samples_
        k = n if self.searcher_ is None else min(n, self.searcher_.neighbourhood.max_samples)
        chunk = self.chunk_size or int(max(1, _CHUNK_BYTES // (8 * 8 * k)))
        cols = {c: np.full(m, np.nan) for c in ("estimate", "mean_distance", "sum_weights")}
        counts = np.zeros(m, dtype=np.int64)
        for a in range(0, m, chunk):
            t = points[a : a + chunk]
            b = t.shape[0]
            if self.searcher_ is None:
                idx = np.ascontiguousarray(np.broadcast_to(np.arange(n), (b, n)))
                valid = np.ones((b, n), dtype=bool)
                if exclude is not None:
                    valid &= idx != exclude[a : a + chunk, None]
                rel = self.coordinates_[idx] - t[:, None, :]
                d = np.linalg.norm(rel, axis=2)
            else:
                ex = None if exclude is None else exclude[a : a + chunk]
                idx, valid = self.searcher_.query(t, ex)
                rel = self.coordinates_[idx] - t[:, None, :]
                nb = self.searcher_.neighbourhood
                d = np.linalg.norm(rel @ nb.transform.T, axis=2) * nb.ranges[0]  # type: ignore[index]
            with np.errstate(divide="ignore"):
                w = np.where(valid, np.power(np.where(d > 0, d, 1.0), -float(self.power)), 0.0)
            exact = valid & (d == 0.0)
            has_exact = exact.any(axis=1)
            w = np.where(has_exact[:, None], exact.astype(float), w)
            total = w.sum(axis=1)
            nvalid = valid.sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                w = w / total[:, None]
                cols["estimate"][a : a + b] = np.einsum("bk,bk->b", w, self.values_[idx])
                cols["sum_weights"][a : a + b] = w.sum(axis=1)
                euclid = np.linalg.norm(rel, axis=2)
                cols["mean_distance"][a : a + b] = np.where(valid, euclid, 0.0).sum(axis=1) / nvalid
            counts[a : a + b] = nvalid
        empty = counts == 0
        for column in cols.values():
            column[empty] = np.nan
        table = pd.DataFrame(
            {
                "estimate": cols["estimate"],
                "n_samples": counts,
                "mean_distance": cols["mean_distance"],
                "sum_weights": cols["sum_weights"],
            }
        )
        table.attrs["method"] = "inverse distance"
        table.attrs["support"] = "point"
        return table
