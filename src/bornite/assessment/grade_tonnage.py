"""Grade-tonnage models: the probability distribution of an undiscovered deposit's size and grades.

A grade-tonnage model is fitted to a table of well-explored deposits of one type (for porphyry
copper, the USGS 2008 database). MapMark4 (Ellefsen 2017) models

* the ore tonnage by a normal pdf or a Gaussian kernel density estimate (KDE) of its logarithm;
* the grades as a composition: the metal mass fractions plus a gangue part that closes them to
  one, mapped to real space by the isometric log-ratio (ilr) transform, where a multivariate
  normal pdf or a KDE is fitted;
* tonnage and grades independently, optionally truncated to the range of the data.

:class:`GradeTonnageModel` does all of this and adds a **joint** model (normal or KDE on
``[log tonnage, ilr grades]``) that keeps the correlation between size and grade that
MapMark4 1.0 drops, and an **empirical** mode that resamples the deposits themselves (the only
honest choice when grades are missing or zero for some deposits).

Deposit tables follow bornite's conventions: ore tonnage in column ``ore_t`` (tonnes) and one
grade column per metal named ``<element>_<unit>`` (``cu_pct``, ``au_gt``, ...); an optional
``name`` column labels the deposits in messages.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from bornite.core.estimator import Estimator
from bornite.core.random import SeedLike, as_generator
from bornite.core.units import (
    grade_column,
    is_grade_column,
    parse_grade_column,
    to_mass_fraction,
)
from bornite.core.validation import format_rows, require_columns
from bornite.errors import GradeTonnageError, ValidationError

__all__ = ["DepositMoments", "GradeTonnageModel", "ilr", "ilr_basis", "ilr_inverse"]

FloatArray = npt.NDArray[np.float64]
PdfType = Literal["normal", "kde"]


# ---------------------------------------------------------------------------- compositions
def ilr_basis(n_parts: int) -> FloatArray:
    """Orthonormal basis of the simplex's tangent space (a Helmert-type contrast matrix).

    Returns a ``(n_parts, n_parts - 1)`` matrix ``V`` with ``V.T @ V = I`` and
    ``V.T @ 1 = 0``. The ilr coordinates of a composition ``x`` are ``log(x) @ V``.

    Examples
    --------
    >>> V = ilr_basis(3)
    >>> bool(np.allclose(V.T @ V, np.eye(2))), bool(np.allclose(V.sum(axis=0), 0))
    (True, True)
    """
    basis = np.zeros((n_parts, n_parts - 1))
    for i in range(1, n_parts):
        basis[:i, i - 1] = 1.0 / i
        basis[i, i - 1] = -1.0
        basis[:, i - 1] *= np.sqrt(i / (i + 1.0))
    return basis


def ilr(composition: npt.ArrayLike) -> FloatArray:
    """Isometric log-ratio coordinates of compositions (rows, parts > 0).

    Examples
    --------
    >>> bool(np.allclose(ilr_inverse(ilr([[0.2, 0.3, 0.5]])), [[0.2, 0.3, 0.5]]))
    True
    """
    x = np.atleast_2d(np.asarray(composition, dtype=float))
    return np.asarray(np.log(x) @ ilr_basis(x.shape[1]))


def ilr_inverse(coordinates: npt.ArrayLike) -> FloatArray:
    """Compositions (rows summing to one) from ilr coordinates."""
    z = np.atleast_2d(np.asarray(coordinates, dtype=float))
    log_x = z @ ilr_basis(z.shape[1] + 1).T
    log_x -= log_x.max(axis=1, keepdims=True)
    x = np.exp(log_x)
    return np.asarray(x / x.sum(axis=1, keepdims=True))


def _metal_fractions(coordinates: FloatArray) -> FloatArray:
    """Metal mass fractions from ilr coordinates given one row per coordinate.

    With the gangue as the last part, ``g_i = r_i / (1 + sum_j r_j)`` where
    ``r_i = exp(l_i - l_D)`` are the ratios to gangue; returns ``(n_metals, n)``.
    """
    m = coordinates.shape[0]
    if m == 0:
        return np.zeros((0, coordinates.shape[1]))
    log_parts = ilr_basis(m + 1) @ coordinates
    ratios = np.exp(np.minimum(log_parts[:m] - log_parts[m], 700.0))
    denominator = 1.0 + ratios.sum(axis=0)
    ratios /= denominator
    return ratios


def _silverman_1d(values: FloatArray) -> float:
    """R's ``bw.nrd0``: ``0.9 min(sd, IQR / 1.34) n^(-1/5)`` (MapMark4's tonnage KDE)."""
    sd = float(np.std(values, ddof=1))
    iqr = float(np.subtract(*np.percentile(values, [75, 25])))
    spread = min(sd, iqr / 1.34) if iqr > 0 else sd
    if spread <= 0:
        spread = abs(float(values[0])) or 1.0
    return 0.9 * spread * values.size ** (-0.2)


def _normal_reference_bandwidth(values: FloatArray) -> FloatArray:
    """Normal-reference full bandwidth matrix ``(4 / (d + 2))^(2/(d+4)) n^(-2/(d+4)) S``."""
    n, d = values.shape
    factor = (4.0 / (d + 2.0)) ** (2.0 / (d + 4.0)) * n ** (-2.0 / (d + 4.0))
    return np.atleast_2d(np.cov(values, rowvar=False)) * factor


# --------------------------------------------------------------------------------- moments
@dataclass(frozen=True)
class DepositMoments:
    """Mean and covariance of one deposit's ore and metal tonnages.

    ``names`` are ``ore_t`` followed by ``<metal>_t``; ``mean`` has shape ``(k,)`` and
    ``covariance`` ``(k, k)``. ``exact`` tells whether they were integrated (Gauss-Hermite
    quadrature, exact to rounding) or estimated from a large random sample (truncated pdfs).
    """

    names: tuple[str, ...]
    mean: FloatArray
    covariance: FloatArray
    exact: bool


def _hermite_nodes(dim: int) -> tuple[FloatArray, FloatArray]:
    """Tensor Gauss-Hermite nodes and weights for a standard normal in ``dim`` dimensions."""
    if dim == 0:
        return np.zeros((1, 0)), np.ones(1)
    per_axis = int(min(40, max(6, round(2e5 ** (1.0 / dim)))))
    x, w = np.polynomial.hermite_e.hermegauss(per_axis)
    w = w / w.sum()
    nodes = np.array(list(itertools.product(x, repeat=dim)))
    weights = np.prod(np.array(list(itertools.product(w, repeat=dim))), axis=1)
    return nodes, weights


def _grade_expectations(
    centres: FloatArray, chol: FloatArray, n_metals: int
) -> tuple[FloatArray, FloatArray]:
    """``E[g]`` and ``E[g g^T]`` of the metal fractions for an equal-weight mixture of normals
    in ilr space with the given centres (rows) and common Cholesky factor."""
    dim = chol.shape[0]
    nodes, weights = _hermite_nodes(dim)
    m1 = np.zeros(n_metals)
    m2 = np.zeros((n_metals, n_metals))
    for centre in np.atleast_2d(centres):
        g = ilr_inverse(centre + nodes @ chol.T)[:, :n_metals]
        m1 += weights @ g
        m2 += (g * weights[:, None]).T @ g
    k = np.atleast_2d(centres).shape[0]
    return m1 / k, m2 / k


# ---------------------------------------------------------------------------------- model
class GradeTonnageModel(Estimator):
    """Probability model of one undiscovered deposit's ore tonnage and metal grades.

    Parameters
    ----------
    tonnage_pdf : {"normal", "kde"}
        Pdf of log ore tonnage: normal (a log-normal tonnage) or Gaussian KDE with R's
        ``bw.nrd0`` bandwidth, as MapMark4.
    grade_pdf : {"normal", "kde"}
        Pdf of the ilr-transformed grade composition (metals plus gangue): multivariate normal
        or Gaussian KDE with a normal-reference full bandwidth matrix.
    joint : bool
        Model ``[log tonnage, ilr grades]`` jointly (one normal or one KDE in
        ``1 + n_metals`` dimensions, ``tonnage_pdf`` must equal ``grade_pdf``), keeping the
        correlation between deposit size and grade. ``False`` samples them independently, as
        MapMark4 1.0 does.
    truncate : bool
        Reject draws whose tonnage or any grade lies outside the range of the data.
    empirical : bool
        Resample whole deposits (with replacement) instead of fitting pdfs. Zero or missing
        grades are then allowed and count as zero metal.
    metals : sequence of str, optional
        Metals to model (element symbols, e.g. ``["cu", "au"]``); default all grade columns.
    min_deposits : int
        Refuse tables with fewer deposits (MapMark4 uses 20).

    Attributes
    ----------
    metals_ : list of str
        Metals modelled, in column order.
    grade_units_ : dict
        Unit of each metal's grade column in the fitted table.
    log_tonnage_ : ndarray
        Natural log of the data's ore tonnages.
    ilr_grades_ : ndarray, shape (n, n_metals)
        ilr coordinates of the data's grade compositions (absent in empirical mode).
    mean_, covariance_ : ndarray
        Mean and covariance of ``[log tonnage, ilr grades]`` in the data (for normal pdfs, the
        fitted parameters; for ``joint=False`` the cross-covariance is set to zero).
    bandwidth_ : ndarray
        KDE bandwidth (covariance) matrix on ``[log tonnage, ilr grades]`` (zeros where a
        normal pdf is used).
    n_deposits_ : int
        Deposits in the fitted table.

    Notes
    -----
    With ``D = n_metals + 1`` parts and metal mass fractions ``g``, the composition is
    ``x = (g_1, ..., g_m, 1 - sum g)`` and ``z = ilr(x) = log(x) V`` with ``V`` from
    :func:`ilr_basis`. Draws are mapped back with ``x = C(exp(z V^T))``. A deposit's
    contained metal is ``ore_t * g``. The normal and KDE models in ilr space do not depend on
    the choice of orthonormal basis.

    MapMark4's grade KDE uses the plug-in bandwidth of the R package ``ks`` (``Hpi``); bornite
    uses the normal-reference rule, which is smoother for multimodal data.

    References
    ----------
    Ellefsen, K.J., 2017, User's guide for MapMark4: USGS Techniques and Methods 7-C14.
    Egozcue, J.J., et al., 2003, Isometric logratio transformations for compositional data
    analysis: Mathematical Geology 35, 279-300.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> table = pd.DataFrame({"ore_t": np.exp(rng.normal(19, 1.4, 50)),
    ...                       "cu_pct": np.exp(rng.normal(-0.8, 0.4, 50))})
    >>> model = GradeTonnageModel().fit(table)
    >>> draws = model.sample(1000, seed=2)
    >>> list(draws.columns)
    ['ore_t', 'cu_pct', 'cu_t']
    """

    def __init__(
        self,
        tonnage_pdf: PdfType = "normal",
        grade_pdf: PdfType = "normal",
        joint: bool = False,
        truncate: bool = False,
        empirical: bool = False,
        metals: list[str] | tuple[str, ...] | None = None,
        min_deposits: int = 20,
    ) -> None:
        self.tonnage_pdf = tonnage_pdf
        self.grade_pdf = grade_pdf
        self.joint = joint
        self.truncate = truncate
        self.empirical = empirical
        self.metals = metals
        self.min_deposits = min_deposits

    # -------------------------------------------------------------------------- fitting
    def _check_options(self) -> None:
        for name in ("tonnage_pdf", "grade_pdf"):
            value = getattr(self, name)
            if value not in ("normal", "kde"):
                msg = f"{name} must be 'normal' or 'kde', got {value!r}"
                raise ValidationError(msg)
        if self.joint and self.tonnage_pdf != self.grade_pdf:
            msg = (
                "a joint model uses one pdf for tonnage and grades; set tonnage_pdf and "
                f"grade_pdf to the same value (got {self.tonnage_pdf!r} and {self.grade_pdf!r})"
            )
            raise ValidationError(msg)

    def fit(self, deposits: pd.DataFrame) -> GradeTonnageModel:
        """Fit the model to a deposit table; return ``self``.

        Raises
        ------
        GradeTonnageError
            When the table has too few deposits, a tonnage that is missing or not positive, or
            (outside empirical mode) a grade that is missing or zero; the message names the
            deposits and suggests ``metals=`` or ``empirical=True``.
        """
        self._check_options()
        source = str(deposits.attrs.get("source", "grade-tonnage table"))
        require_columns(deposits, ["ore_t"], name=source)
        grade_columns = [c for c in deposits.columns if is_grade_column(str(c))]
        parsed = {c: parse_grade_column(str(c)) for c in grade_columns}
        if self.metals is not None:
            wanted = [m.lower() for m in self.metals]
            unknown = [m for m in wanted if m not in {e for e, _ in parsed.values()}]
            if unknown:
                have = ", ".join(e for e, _ in parsed.values()) or "none"
                msg = f"{source}: no grade column for {', '.join(unknown)}; have {have}"
                raise GradeTonnageError(msg)
            grade_columns = [c for c in grade_columns if parsed[c][0] in wanted]
        if len(deposits) < self.min_deposits:
            msg = (
                f"{source}: {len(deposits)} deposits, fewer than the "
                f"{self.min_deposits} needed for a reliable model; add deposits or lower "
                "min_deposits"
            )
            raise GradeTonnageError(msg)
        labels = _row_labels(deposits)
        ore = pd.to_numeric(deposits["ore_t"], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~(ore > 0))
        if bad.size:
            msg = (
                f"{source}: ore_t is missing or not > 0 for "
                f"{format_rows(labels[bad])}; remove those deposits"
            )
            raise GradeTonnageError(msg)
        fractions = (
            np.column_stack(
                [
                    to_mass_fraction(
                        pd.to_numeric(deposits[c], errors="coerce").to_numpy(dtype=float),
                        parsed[c][1],
                    )
                    for c in grade_columns
                ]
            )
            if grade_columns
            else np.zeros((len(deposits), 0))
        )
        if self.empirical:
            fractions = np.nan_to_num(fractions, nan=0.0)
            if np.any(fractions < 0):
                rows = np.flatnonzero(np.any(fractions < 0, axis=1))
                msg = f"{source}: negative grades for {format_rows(labels[rows])}"
                raise GradeTonnageError(msg)
        else:
            for k, column in enumerate(grade_columns):
                rows = np.flatnonzero(~(fractions[:, k] > 0))
                if rows.size:
                    msg = (
                        f"{source}: {column} is missing or zero for "
                        f"{format_rows(labels[rows])}; a log-ratio pdf needs positive grades. "
                        f"Model fewer metals (metals=[...]), drop those deposits, or resample "
                        "the deposits themselves (empirical=True)"
                    )
                    raise GradeTonnageError(msg)
        gangue = 1.0 - fractions.sum(axis=1)
        rows = np.flatnonzero(~(gangue > 0))
        if rows.size:
            msg = (
                f"{source}: grades add up to 100 % or more for "
                f"{format_rows(labels[rows])}; check the grade units"
            )
            raise GradeTonnageError(msg)

        self.metals_ = [parsed[c][0] for c in grade_columns]
        self.grade_units_ = {parsed[c][0]: parsed[c][1] for c in grade_columns}
        self.n_deposits_ = len(deposits)
        self.log_tonnage_ = np.log(ore)
        self.fractions_ = fractions
        self.tonnage_range_ = (float(ore.min()), float(ore.max()))
        self.grade_range_ = (
            fractions.min(axis=0) if fractions.size else np.zeros(0),
            fractions.max(axis=0) if fractions.size else np.zeros(0),
        )
        m = len(self.metals_)
        if self.empirical:
            self.ilr_grades_ = np.zeros((len(ore), 0))
            self.mean_ = np.zeros(0)
            self.covariance_ = np.zeros((0, 0))
            self.bandwidth_ = np.zeros((0, 0))
            return self
        composition = np.column_stack([fractions, gangue])
        self.ilr_grades_ = ilr(composition) if m else np.zeros((len(ore), 0))
        data = np.column_stack([self.log_tonnage_, self.ilr_grades_])
        self.mean_ = data.mean(axis=0)
        covariance = np.atleast_2d(np.cov(data, rowvar=False))
        if not self.joint:
            covariance[0, 1:] = covariance[1:, 0] = 0.0
        self.covariance_ = covariance
        bandwidth = np.zeros((1 + m, 1 + m))
        if self.joint and self.tonnage_pdf == "kde":
            bandwidth = _normal_reference_bandwidth(data)
        else:
            if self.tonnage_pdf == "kde":
                bandwidth[0, 0] = _silverman_1d(self.log_tonnage_) ** 2
            if self.grade_pdf == "kde" and m:
                bandwidth[1:, 1:] = _normal_reference_bandwidth(self.ilr_grades_)
        self.bandwidth_ = bandwidth
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "metals_"):
            msg = "this GradeTonnageModel is not fitted yet; call fit(deposits) first"
            raise ValidationError(msg)

    # ------------------------------------------------------------------------- sampling
    def _draw_log_space(self, n: int, rng: np.random.Generator) -> FloatArray:
        """Draw ``n`` points of ``[log tonnage, ilr grades]`` without truncation.

        Returns a ``(1 + n_metals, n)`` array: one contiguous row per coordinate, which keeps
        the arithmetic on long rows (several times faster than narrow columns).
        """
        m = len(self.metals_)
        if self.joint:
            normal = self.tonnage_pdf == "normal"
            cov = self.covariance_ if normal else self.bandwidth_
            out = _cholesky(cov) @ rng.standard_normal((1 + m, n))
            if normal:
                out += self.mean_[:, None]
            else:
                data = np.vstack([self.log_tonnage_, self.ilr_grades_.T])
                out += data[:, rng.integers(0, self.n_deposits_, n)]
            return out
        out = np.empty((1 + m, n))
        if self.tonnage_pdf == "normal":
            out[0] = rng.standard_normal(n)
            out[0] *= np.sqrt(self.covariance_[0, 0])
            out[0] += self.mean_[0]
        else:
            out[0] = rng.standard_normal(n)
            out[0] *= np.sqrt(self.bandwidth_[0, 0])
            out[0] += self.log_tonnage_[rng.integers(0, self.n_deposits_, n)]
        if m:
            if self.grade_pdf == "normal":
                out[1:] = _cholesky(self.covariance_[1:, 1:]) @ rng.standard_normal((m, n))
                out[1:] += self.mean_[1:, None]
            else:
                out[1:] = _cholesky(self.bandwidth_[1:, 1:]) @ rng.standard_normal((m, n))
                out[1:] += self.ilr_grades_.T[:, rng.integers(0, self.n_deposits_, n)]
        return out

    def sample_arrays(self, n: int, seed: SeedLike = None) -> tuple[FloatArray, FloatArray]:
        """Draw ``n`` deposits as arrays ``(ore_t, fractions)``.

        ``fractions`` has shape ``(n, n_metals)`` (mass fractions); it is a transposed view
        of a row-per-metal array, so ``fractions[:, k]`` is contiguous. This is the fast path
        used by the Monte Carlo simulation.
        """
        self._check_fitted()
        rng = as_generator(seed)
        m = len(self.metals_)
        if self.empirical:
            rows = rng.integers(0, self.n_deposits_, n)
            return np.exp(self.log_tonnage_[rows]), self.fractions_[rows]
        if not self.truncate:
            points = self._draw_log_space(n, rng)
            return np.exp(points[0]), _metal_fractions(points[1:]).T
        ore = np.empty(n)
        fractions = np.empty((m, n))
        filled = 0
        for _ in range(1000):
            need = n - filled
            points = self._draw_log_space(int(need * 1.5) + 64, rng)
            t = np.exp(points[0])
            g = _metal_fractions(points[1:])
            lo, hi = self.tonnage_range_
            keep = (t >= lo) & (t <= hi)
            for k in range(m):
                keep &= (g[k] >= self.grade_range_[0][k]) & (g[k] <= self.grade_range_[1][k])
            index = np.flatnonzero(keep)[:need]
            ore[filled : filled + index.size] = t[index]
            fractions[:, filled : filled + index.size] = g[:, index]
            filled += index.size
            if filled == n:
                return ore, fractions.T
        msg = "the truncated grade-tonnage pdf rejects nearly every draw; fit without truncate"
        raise ValidationError(msg)

    def sample(self, n: int, seed: SeedLike = None) -> pd.DataFrame:
        """Draw ``n`` deposits as a table: ``ore_t``, then per metal its grade column in the
        fitted unit and its contained metal ``<metal>_t``."""
        ore, fractions = self.sample_arrays(n, seed)
        table = {"ore_t": ore}
        for k, metal in enumerate(self.metals_):
            unit = self.grade_units_[metal]
            table[grade_column(metal, unit)] = fractions[:, k] / to_mass_fraction(1.0, unit)
            table[f"{metal}_t"] = ore * fractions[:, k]
        return pd.DataFrame(table)

    # -------------------------------------------------------------------------- moments
    def moments(self, n_samples: int = 400_000, seed: SeedLike = 0) -> DepositMoments:
        """Mean and covariance of one deposit's ``ore_t`` and ``<metal>_t``.

        Normal and KDE pdfs are integrated exactly: the tonnage factor ``exp(a y)`` is taken
        out analytically (a shift of the grade normal by ``a`` times the cross-covariance),
        and the grade expectations by tensor Gauss-Hermite quadrature. Empirical models use
        the data's own moments. Truncated pdfs have no closed form; their moments are
        estimated from ``n_samples`` draws with ``seed``.
        """
        self._check_fitted()
        names = ("ore_t", *(f"{m}_t" for m in self.metals_))
        m = len(self.metals_)
        if self.empirical:
            x = np.exp(self.log_tonnage_)[:, None] * np.column_stack(
                [np.ones(self.n_deposits_), self.fractions_]
            )
            return DepositMoments(
                names,
                x.mean(axis=0),
                np.cov(x, rowvar=False, ddof=0).reshape(m + 1, m + 1),
                exact=True,
            )
        if self.truncate:
            ore, fractions = self.sample_arrays(n_samples, seed)
            x = ore[:, None] * np.column_stack([np.ones(n_samples), fractions])
            return DepositMoments(
                names, x.mean(axis=0), np.cov(x, rowvar=False).reshape(m + 1, m + 1), exact=False
            )
        first = np.empty(m + 1)
        second = np.empty((m + 1, m + 1))
        # Components of the (mixture) pdf on [log t, z]: centres and a common covariance.
        data = np.column_stack([self.log_tonnage_, self.ilr_grades_])
        if self.joint:
            cov = self.covariance_ if self.tonnage_pdf == "normal" else self.bandwidth_
            centres = self.mean_[None, :] if self.tonnage_pdf == "normal" else data
            for power, target in ((1, "first"), (2, "second")):
                e_t = np.exp(power * centres[:, 0] + 0.5 * power**2 * cov[0, 0])
                shifted = centres[:, 1:] + power * cov[1:, 0]
                chol = _cholesky(cov[1:, 1:]) if m else np.zeros((0, 0))
                g1 = np.zeros((len(centres), m))
                g2 = np.zeros((len(centres), m, m))
                for k in range(len(centres)):
                    g1[k], g2[k] = (
                        _grade_expectations(shifted[k], chol, m)
                        if m
                        else (np.zeros(0), np.zeros((0, 0)))
                    )
                w = e_t / len(centres)
                if target == "first":
                    first[0] = w.sum()
                    first[1:] = w @ g1
                else:
                    second[0, 0] = w.sum()
                    second[0, 1:] = second[1:, 0] = w @ g1
                    second[1:, 1:] = np.einsum("k,kij->ij", w, g2)
        else:
            if self.tonnage_pdf == "normal":
                t_centres, t_var = self.mean_[:1], self.covariance_[0, 0]
            else:
                t_centres, t_var = self.log_tonnage_, self.bandwidth_[0, 0]
            e_t1 = float(np.mean(np.exp(t_centres + 0.5 * t_var)))
            e_t2 = float(np.mean(np.exp(2 * t_centres + 2.0 * t_var)))
            if m:
                if self.grade_pdf == "normal":
                    z_centres, z_cov = self.mean_[None, 1:], self.covariance_[1:, 1:]
                else:
                    z_centres, z_cov = self.ilr_grades_, self.bandwidth_[1:, 1:]
                g1, g2 = _grade_expectations(z_centres, _cholesky(z_cov), m)
            else:
                g1, g2 = np.zeros(0), np.zeros((0, 0))  # type: ignore[assignment]
            first[0], first[1:] = e_t1, e_t1 * g1
            second[0, 0] = e_t2
            second[0, 1:] = second[1:, 0] = e_t2 * g1
            second[1:, 1:] = e_t2 * g2
        covariance = second - np.outer(first, first)
        return DepositMoments(names, first, covariance, exact=True)

    # ---------------------------------------------------------------------- diagnostics
    def diagnostics(self, n_samples: int = 100_000, seed: SeedLike = 0) -> pd.DataFrame:
        """Data-versus-model summary of ore tonnage and each grade.

        Returns
        -------
        pandas.DataFrame
            One row per variable and source (``data`` / ``model``) with minimum, quartiles,
            maximum, mean and standard deviation, plus per variable the two-sample
            Kolmogorov-Smirnov statistic and p-value of the data against model draws.
        """
        self._check_fitted()
        draws = self.sample(n_samples, seed=seed)
        rows = []
        variables = {"ore_t": np.exp(self.log_tonnage_)}
        for k, metal in enumerate(self.metals_):
            unit = self.grade_units_[metal]
            variables[grade_column(metal, unit)] = self.fractions_[:, k] / to_mass_fraction(
                1.0, unit
            )
        for name, observed in variables.items():
            simulated = draws[name].to_numpy()
            ks = stats.ks_2samp(observed, simulated)
            for source, values in (("data", observed), ("model", simulated)):
                q = np.percentile(values, [0, 25, 50, 75, 100])
                rows.append(
                    {
                        "variable": name,
                        "source": source,
                        "min": q[0],
                        "q25": q[1],
                        "median": q[2],
                        "q75": q[3],
                        "max": q[4],
                        "mean": float(np.mean(values)),
                        "sd": float(np.std(values, ddof=1)),
                        "ks_statistic": float(ks.statistic),
                        "ks_pvalue": float(ks.pvalue),
                    }
                )
        return pd.DataFrame(rows)

    def describe(self) -> str:
        """One line naming the model, for reports."""
        if self.empirical:
            return "empirical (resampled deposits)"
        kind = "joint" if self.joint else "independent"
        trunc = ", truncated to the data range" if self.truncate else ""
        return f"{kind} {self.tonnage_pdf} log-tonnage and {self.grade_pdf} ilr-grade pdfs{trunc}"


def _row_labels(table: pd.DataFrame) -> npt.NDArray[np.str_]:
    if "name" in table.columns:
        return np.array([f"{i} ({n})" for i, n in zip(table.index, table["name"], strict=True)])
    return np.array([str(i) for i in table.index])


def _cholesky(matrix: FloatArray) -> FloatArray:
    """Cholesky factor, tolerant of a covariance that is singular to rounding."""
    matrix = np.atleast_2d(matrix)
    if matrix.size == 0:
        return matrix
    try:
        return np.asarray(np.linalg.cholesky(matrix), dtype=float)
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(matrix)
        if values.min() < -1e-9 * max(values.max(), 1e-300):
            msg = "the grade-tonnage covariance is not positive semi-definite"
            raise ValidationError(msg) from None
        return np.asarray(vectors * np.sqrt(np.clip(values, 0, None)))
