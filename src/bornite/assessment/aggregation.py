"""Aggregation of tracts whose numbers of undiscovered deposits are rank-correlated.

Neighbouring permissive tracts share geology and exploration history, so an assessor who
believes one tract holds more deposits than expected tends to believe the same of the next.
Summing independent per-tract simulations ignores that association and understates the
uncertainty of the regional total. Schuenemeyer, Zientek & Box (2011) therefore reorder the
per-tract samples so that their rank correlation matches an elicited matrix, by the
distribution-free method of Iman & Conover (1982), and sum the reordered samples trial by
trial. The Geological Survey of Finland's MapWizard ("Aggregate results") runs their R script.

* :func:`iman_conover` -- reorder the columns of a sample to a target rank correlation,
  keeping every column's values (its marginal distribution) exactly.
* :func:`aggregate_pmfs` -- the pmf of the total number of deposits of several tracts.
* :func:`aggregate_tracts` -- per-trial ore and metal totals of several tracts, reordered as
  whole trials by their numbers of deposits and summed.
* :func:`rank_correlation` and :func:`rank_correlation_check` -- the rank correlations
  achieved, beside the target.
* :func:`symmetrize_correlation`, :func:`validate_correlation` and
  :func:`make_positive_definite` -- correlation matrices as assessors write them (often only
  the lower triangle) into valid ones.

References
----------
Iman, R.L., and Conover, W.J., 1982, A distribution-free approach to inducing rank correlation
among input variables: Communications in Statistics -- Simulation and Computation, v. 11,
no. 3, p. 311-334.

Schuenemeyer, J.H., Zientek, M.L., and Box, S.E., 2011, Aggregation of estimated numbers of
undiscovered deposits -- an R-script with an example from the Chu Sarysu Basin, Kazakhstan:
U.S. Geological Survey Scientific Investigations Report 2010-5090-B, 13 p.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import linalg, special, stats

from bornite.assessment.pmf import DepositCountPmf
from bornite.core.random import SeedLike, as_generator, as_seed_sequence
from bornite.errors import ValidationError

__all__ = [
    "aggregate_pmfs",
    "aggregate_tracts",
    "iman_conover",
    "make_positive_definite",
    "rank_correlation",
    "rank_correlation_check",
    "symmetrize_correlation",
    "validate_correlation",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Score = Literal["van der waerden", "rank"]

#: Eigenvalues down to ``-_PSD_TOL`` count as zero (round-off in a singular matrix).
_PSD_TOL = 1e-10
_SYMMETRY_TOL = 1e-8
#: Separator of the per-tract columns kept by :func:`aggregate_tracts`: ``<tract>__<column>``.
TRACT_SEPARATOR = "__"


# ------------------------------------------------------------------------ correlation matrices
def symmetrize_correlation(correlation: npt.ArrayLike | pd.DataFrame) -> FloatArray:
    """Complete a correlation matrix given as its lower (or upper) triangle.

    Parameters
    ----------
    correlation : array_like or pandas.DataFrame, shape (k, k)
        A full symmetric matrix, or a triangular one whose other strict triangle is empty
        (NaN) or all zero, as in MapWizard's ``CorrelationTab.csv``.

    Returns
    -------
    numpy.ndarray, shape (k, k)
        The symmetric matrix (values are not otherwise checked; see
        :func:`validate_correlation`).

    Raises
    ------
    ValidationError
        If the matrix is not square, has missing values in the filled triangle or on the
        diagonal, or has both triangles filled with different values.

    Examples
    --------
    >>> symmetrize_correlation([[1, np.nan], [0.5, 1]]).tolist()
    [[1.0, 0.5], [0.5, 1.0]]
    """
    values = np.array(correlation, dtype=float)
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] == 0:
        msg = (
            f"correlation must be a square k x k matrix (one row and column per tract), "
            f"got shape {values.shape}"
        )
        raise ValidationError(msg)
    k = values.shape[0]
    lower = np.tril_indices(k, -1)
    upper = np.triu_indices(k, 1)
    if np.any(~np.isfinite(np.diag(values))):
        msg = "correlation: the diagonal has missing values; put 1 on the diagonal"
        raise ValidationError(msg)
    lower_empty = bool(np.all(np.isnan(values[lower]) | (values[lower] == 0)))
    upper_empty = bool(np.all(np.isnan(values[upper]) | (values[upper] == 0)))
    if upper_empty and not lower_empty:
        values[upper] = values.T[upper]
    elif lower_empty and not upper_empty:
        values[lower] = values.T[lower]
    elif lower_empty and upper_empty:
        values[lower] = 0.0
        values[upper] = 0.0
    missing = np.argwhere(~np.isfinite(values))
    if missing.size:
        i, j = (int(x) + 1 for x in missing[0])
        msg = (
            f"correlation: entry ({i}, {j}) is missing; fill the whole lower triangle "
            "(the upper may be left empty)"
        )
        raise ValidationError(msg)
    asymmetry = np.abs(values - values.T)
    if np.max(asymmetry) > _SYMMETRY_TOL:
        i, j = (int(x) + 1 for x in np.unravel_index(np.argmax(asymmetry), asymmetry.shape))
        msg = (
            f"correlation is not symmetric: entry ({i}, {j}) is {values[i - 1, j - 1]:g} but "
            f"({j}, {i}) is {values[j - 1, i - 1]:g}; give one triangle only or make them equal"
        )
        raise ValidationError(msg)
    return (values + values.T) / 2.0


def validate_correlation(
    correlation: npt.ArrayLike | pd.DataFrame, *, name: str = "correlation"
) -> FloatArray:
    """Check that a matrix is a correlation matrix and return it as a full float array.

    A triangular input is completed first (:func:`symmetrize_correlation`).

    Parameters
    ----------
    correlation : array_like or pandas.DataFrame, shape (k, k)
    name : str
        Used in messages.

    Returns
    -------
    numpy.ndarray, shape (k, k)

    Raises
    ------
    ValidationError
        If the matrix is not square and symmetric, its diagonal is not 1, an entry lies outside
        [-1, 1], or it is not positive semi-definite (its smallest eigenvalue is named, with
        the remedy :func:`make_positive_definite`).

    Examples
    --------
    >>> validate_correlation([[1, 0.3], [0.3, 1]]).tolist()
    [[1.0, 0.3], [0.3, 1.0]]
    >>> validate_correlation([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]])
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    bornite.errors.ValidationError: correlation is not positive semi-definite ...
    """
    values = symmetrize_correlation(correlation)
    diagonal = np.diag(values)
    if not np.allclose(diagonal, 1.0, rtol=0.0, atol=1e-9):
        bad = int(np.argmax(np.abs(diagonal - 1.0)))
        msg = (
            f"{name}: the diagonal must be 1 (each tract is perfectly correlated with itself), "
            f"but entry ({bad + 1}, {bad + 1}) is {diagonal[bad]:g}"
        )
        raise ValidationError(msg)
    if np.any(np.abs(values) > 1.0 + 1e-12):
        i, j = (int(x) + 1 for x in np.unravel_index(np.argmax(np.abs(values)), values.shape))
        msg = (
            f"{name}: correlations must lie in [-1, 1], but entry ({i}, {j}) is "
            f"{values[i - 1, j - 1]:g}"
        )
        raise ValidationError(msg)
    smallest = float(np.linalg.eigvalsh(values)[0])
    if smallest < -_PSD_TOL:
        msg = (
            f"{name} is not positive semi-definite (smallest eigenvalue {smallest:.4g}): the "
            "pairwise correlations contradict each other; revise them, or pass the matrix "
            "through bornite.assessment.aggregation.make_positive_definite"
        )
        raise ValidationError(msg)
    np.fill_diagonal(values, 1.0)
    return np.clip(values, -1.0, 1.0)


def make_positive_definite(
    correlation: npt.ArrayLike | pd.DataFrame, *, epsilon: float = 1e-3
) -> FloatArray:
    """Shift a symmetric matrix's eigenvalues to make it a positive-definite correlation matrix.

    This is Schuenemeyer, Zientek & Box's (2011) remedy for elicited matrices that are not
    correlation matrices: when the smallest eigenvalue ``lambda_min`` is not positive, add
    ``delta = |lambda_min| + epsilon`` to every eigenvalue and rescale to a unit diagonal.

    Parameters
    ----------
    correlation : array_like or pandas.DataFrame, shape (k, k)
        Symmetric (or triangular) matrix with unit diagonal.
    epsilon : float
        Margin added beyond the smallest eigenvalue (0.001 in the R script).

    Returns
    -------
    numpy.ndarray, shape (k, k)
        The matrix itself if it is already positive definite, else ``(R + delta I) / (1 + delta)``.

    Notes
    -----
    Every off-diagonal correlation is shrunk by the same factor ``1 / (1 + delta)``, so the
    pattern of the elicited correlations is kept.

    Examples
    --------
    >>> bad = [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]
    >>> fixed = make_positive_definite(bad)
    >>> bool(np.linalg.eigvalsh(fixed)[0] > 0), round(float(fixed[0, 1]), 4)
    (True, 0.4997)
    """
    if not epsilon > 0:
        msg = f"epsilon must be > 0, got {epsilon}"
        raise ValidationError(msg)
    values = symmetrize_correlation(correlation)
    smallest = float(np.linalg.eigvalsh(values)[0])
    if smallest > 0:
        return values
    delta = abs(smallest) + epsilon
    shifted = (values + delta * np.eye(values.shape[0])) / (1.0 + delta)
    return np.asarray((shifted + shifted.T) / 2.0, dtype=float)


def _correlation_factor(correlation: FloatArray) -> FloatArray:
    """A matrix ``P`` with ``P @ P.T == correlation``; Cholesky, or eigen for singular input."""
    try:
        return np.asarray(np.linalg.cholesky(correlation), dtype=np.float64)
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(correlation)
        return np.asarray(vectors * np.sqrt(np.clip(values, 0.0, None)), dtype=np.float64)


def _normal_score_correlation(rank_corr: FloatArray) -> FloatArray:
    """Pearson correlation of normal scores whose Spearman correlation is ``rank_corr``.

    For a bivariate normal, Spearman's rho is ``(6 / pi) asin(r / 2)``, so ``r = 2 sin(pi
    rho / 6)``. The result is projected back to the positive semi-definite cone if the
    element-wise map broke it (possible only for nearly singular targets).
    """
    pearson = 2.0 * np.sin(np.pi * rank_corr / 6.0)
    np.fill_diagonal(pearson, 1.0)
    values, vectors = np.linalg.eigh(pearson)
    if values[0] >= -_PSD_TOL:
        return pearson
    fixed = (vectors * np.clip(values, 0.0, None)) @ vectors.T
    scale = np.sqrt(np.diag(fixed))
    fixed = fixed / np.outer(scale, scale)
    np.fill_diagonal(fixed, 1.0)
    return fixed


# ------------------------------------------------------------------------------ Iman-Conover
def _scores(n: int, score: str) -> FloatArray:
    key = score.strip().lower().replace("-", " ").replace("_", " ")
    if key in {"van der waerden", "normal"}:
        return np.asarray(special.ndtri(np.arange(1, n + 1) / (n + 1.0)), dtype=float)
    if key == "rank":
        return np.arange(1, n + 1, dtype=float) - (n + 1) / 2.0
    msg = f"score must be 'van der waerden' or 'rank', got {score!r}"
    raise ValidationError(msg)


def _iman_conover_order(
    n: int, correlation: FloatArray, rng: np.random.Generator, score: str
) -> IntArray:
    """Row orders: column ``j`` of the result lists the trials from lowest to highest rank.

    The ``i``-th smallest value of variable ``j`` goes to trial ``order[i, j]``.
    """
    k = correlation.shape[0]
    scores = _scores(n, score)
    key = score.strip().lower().replace("-", " ").replace("_", " ")
    target = _normal_score_correlation(correlation) if key != "rank" else correlation
    if k == 1:
        return rng.permutation(n)[:, None].astype(np.int64)
    if n <= k + 1:
        msg = (
            f"Iman-Conover needs more trials than variables: got {n} trials for {k} variables; "
            "simulate more trials"
        )
        raise ValidationError(msg)
    matrix = rng.permuted(np.tile(scores[:, None], (1, k)), axis=0)
    sample_corr = np.corrcoef(matrix, rowvar=False)
    try:
        sample_factor = np.linalg.cholesky(sample_corr)
    except np.linalg.LinAlgError as error:  # pragma: no cover - needs degenerate permutations
        msg = "Iman-Conover: the random scores are degenerate; simulate more trials"
        raise ValidationError(msg) from error
    # Decorrelate the scores exactly (M F^-T has identity sample correlation), then impose the
    # target: the Pearson correlation of the transformed scores equals ``target`` exactly.
    white = linalg.solve_triangular(sample_factor, matrix.T, lower=True).T
    transformed = white @ _correlation_factor(target).T
    return np.argsort(transformed, axis=0, kind="stable").astype(np.int64)


def _as_samples(samples: npt.ArrayLike) -> FloatArray:
    values = np.asarray(samples, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2 or values.shape[0] == 0:
        msg = f"samples must be a 2-D array (trials x variables), got shape {values.shape}"
        raise ValidationError(msg)
    if not np.all(np.isfinite(values)):
        rows = np.flatnonzero(~np.all(np.isfinite(values), axis=1))
        msg = f"samples hold missing or infinite values in rows {rows[:10].tolist()}; remove them"
        raise ValidationError(msg)
    return values


def iman_conover(
    samples: npt.ArrayLike,
    correlation: npt.ArrayLike | pd.DataFrame,
    *,
    seed: SeedLike = None,
    score: Score = "van der waerden",
) -> FloatArray:
    """Reorder each column of a sample so that the columns have a target rank correlation.

    Parameters
    ----------
    samples : array_like, shape (n, k)
        ``n`` draws of each of ``k`` variables (for example the numbers of deposits of ``k``
        tracts); the columns may come from any distributions, discrete or continuous.
    correlation : array_like or pandas.DataFrame, shape (k, k)
        Target Spearman rank correlation matrix; a lower-triangular matrix is completed
        (:func:`symmetrize_correlation`). It must be positive semi-definite.
    seed : int, SeedSequence, Generator or None
        Seed of the random scores; the same seed gives the same order.
    score : {"van der waerden", "rank"}
        Scores that carry the correlation: normal scores ``Phi^-1(i / (n + 1))`` (Iman &
        Conover's choice) or centred ranks.

    Returns
    -------
    numpy.ndarray, shape (n, k)
        The same values column by column, in a new order. Each column is a permutation of the
        input column, so every marginal distribution (and every statistic of one column) is
        kept exactly.

    Raises
    ------
    ValidationError
        For a sample that is not 2-D and finite, a matrix that is not a correlation matrix of
        the right size, or fewer than ``k + 2`` trials.

    Notes
    -----
    Iman & Conover (1982): build a score matrix ``M`` (``n x k``) whose columns are independent
    random permutations of the scores; let ``E = F F^T`` be the Cholesky factorisation of the
    sample correlation of ``M`` and ``C = P P^T`` that of the target. The columns of
    ``M* = M F^-T P^T`` have Pearson correlation exactly ``C``. Each column of the sample is then
    sorted and placed in the rank order of the matching column of ``M*``: the trial with the
    ``i``-th smallest ``M*_j`` receives the ``i``-th smallest value of variable ``j``. Because only
    ranks are used, the rank correlation of the output is that of ``M*``.

    With normal scores, the Pearson correlation ``r`` of ``M*`` and its Spearman correlation
    ``rho`` are related by ``rho = (6 / pi) asin(r / 2)``; Iman & Conover used the target directly
    as ``r``, which gives rank correlations slightly below the target (0.735 for 0.75). bornite
    targets ``r = 2 sin(pi rho / 6)`` so that the achieved *rank* correlation matches the target
    in expectation; with ``score="rank"`` the target is used as given. A singular but positive
    semi-definite target (for example all ones, comonotone columns) is factored by its
    eigen-decomposition. Ties in a column (deposit counts) are kept as they are, so the
    tie-corrected Spearman correlation of discrete columns is somewhat lower than the target.

    Schuenemeyer, Zientek & Box's R script (and so MapWizard) uses uniform scores on (-1, 1) and
    omits the ``F^-T`` step, so its correlations match the target only approximately.

    References
    ----------
    Iman, R.L., and Conover, W.J., 1982, A distribution-free approach to inducing rank
    correlation among input variables: Communications in Statistics -- Simulation and
    Computation, v. 11, no. 3, p. 311-334.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = np.column_stack([rng.lognormal(size=5000), rng.poisson(4.0, size=5000)])
    >>> y = iman_conover(x, [[1.0, 0.7], [0.7, 1.0]], seed=1)
    >>> bool(np.array_equal(np.sort(y, axis=0), np.sort(x, axis=0)))
    True
    >>> round(float(rank_correlation(y)[0, 1]), 2)
    0.69
    """
    values = _as_samples(samples)
    n, k = values.shape
    target = validate_correlation(correlation)
    if target.shape != (k, k):
        msg = (
            f"correlation is {target.shape[0]} x {target.shape[1]} but samples have {k} "
            f"column(s); give a {k} x {k} matrix"
        )
        raise ValidationError(msg)
    order = _iman_conover_order(n, target, as_generator(seed), score)
    out = np.empty_like(values)
    np.put_along_axis(out, order, np.sort(values, axis=0), axis=0)
    return out


# --------------------------------------------------------------------------- rank correlation
def rank_correlation(samples: npt.ArrayLike | pd.DataFrame) -> FloatArray:
    """Spearman rank correlation matrix of the columns of a sample (ties get average ranks).

    Examples
    --------
    >>> rank_correlation([[1, 10], [2, 30], [3, 20]]).round(2).tolist()
    [[1.0, 0.5], [0.5, 1.0]]
    """
    values = _as_samples(samples)
    if values.shape[1] == 1:
        return np.ones((1, 1))
    ranks = stats.rankdata(values, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.atleast_2d(np.corrcoef(ranks, rowvar=False))
    return np.asarray(corr, dtype=float)


def rank_correlation_check(
    samples: npt.ArrayLike | pd.DataFrame,
    correlation: npt.ArrayLike | pd.DataFrame,
    *,
    names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Rank correlations achieved beside the target, one row per pair of variables.

    Parameters
    ----------
    samples : array_like or pandas.DataFrame, shape (n, k)
        Reordered sample (for a DataFrame, the column names name the variables).
    correlation : array_like, shape (k, k)
        Target rank correlation (triangular accepted).
    names : sequence of str, optional
        Names of the variables (default: the DataFrame's columns, else ``1 .. k``).

    Returns
    -------
    pandas.DataFrame
        Columns ``first``, ``second``, ``target``, ``achieved`` (Spearman, ties averaged) and
        ``difference`` (achieved - target).

    Examples
    --------
    >>> x = iman_conover(np.random.default_rng(0).normal(size=(4000, 2)), [[1, .5], [.5, 1]],
    ...                  seed=2)
    >>> check = rank_correlation_check(x, [[1, .5], [.5, 1]], names=["a", "b"])
    >>> check[["first", "second", "target"]].to_dict("records")
    [{'first': 'a', 'second': 'b', 'target': 0.5}]
    >>> bool(abs(check["difference"].iloc[0]) < 0.03)
    True
    """
    if names is None:
        names = (
            [str(c) for c in samples.columns]
            if isinstance(samples, pd.DataFrame)
            else [str(j + 1) for j in range(np.shape(samples)[1])]
        )
    achieved = rank_correlation(samples)
    target = validate_correlation(correlation)
    if target.shape != achieved.shape or len(names) != achieved.shape[0]:
        msg = (
            f"rank_correlation_check: {achieved.shape[0]} variables, a {target.shape[0]} x "
            f"{target.shape[1]} target and {len(names)} names; give matching sizes"
        )
        raise ValidationError(msg)
    first, second = np.triu_indices(achieved.shape[0], 1)
    return pd.DataFrame(
        {
            "first": [names[int(i)] for i in first],
            "second": [names[int(j)] for j in second],
            "target": target[first, second],
            "achieved": achieved[first, second],
            "difference": achieved[first, second] - target[first, second],
        }
    )


# -------------------------------------------------------------------------------- aggregation
def _aligned_correlation(correlation: npt.ArrayLike | pd.DataFrame, names: list[str]) -> FloatArray:
    """The correlation matrix in the order of ``names`` (a labelled DataFrame is reindexed)."""
    if isinstance(correlation, pd.DataFrame):
        labels = [str(x) for x in correlation.index]
        columns = [str(x) for x in correlation.columns]
        if set(labels) == set(names) and set(columns) == set(names):
            frame = correlation.copy()
            frame.index = labels
            frame.columns = columns
            matrix = validate_correlation(frame.loc[labels, labels].to_numpy(dtype=float))
            position = [labels.index(name) for name in names]
            return matrix[np.ix_(position, position)]
    matrix = validate_correlation(correlation)
    if matrix.shape[0] != len(names):
        msg = (
            f"correlation is {matrix.shape[0]} x {matrix.shape[1]} but there are {len(names)} "
            f"tracts ({', '.join(names)}); give one row and column per tract, in that order"
        )
        raise ValidationError(msg)
    return matrix


def aggregate_pmfs(
    pmfs: Mapping[str, DepositCountPmf],
    correlation: npt.ArrayLike | pd.DataFrame,
    *,
    n_trials: int = 100_000,
    seed: SeedLike = None,
    score: Score = "van der waerden",
) -> tuple[DepositCountPmf, pd.DataFrame]:
    """The pmf of the total number of undiscovered deposits in rank-correlated tracts.

    Parameters
    ----------
    pmfs : mapping of str to DepositCountPmf
        Each tract's pmf, keyed by tract name (the order is that of ``correlation``).
    correlation : array_like or pandas.DataFrame, shape (k, k)
        Rank correlation between the tracts' numbers of deposits; lower-triangular accepted.
        A DataFrame whose index and columns are the tract names is aligned by name.
    n_trials : int
        Monte Carlo trials (Schuenemeyer et al. used 2,000; the default keeps the sampling
        error of the aggregate mean below about 0.3 %).
    seed : int, SeedSequence, Generator or None
        Seed; the same seed gives the same trials.
    score : {"van der waerden", "rank"}
        Scores of :func:`iman_conover`.

    Returns
    -------
    pmf : DepositCountPmf
        Relative frequencies of the total over the trials (``method="aggregate"``).
    trials : pandas.DataFrame
        One row per trial: ``trial`` (1-based), one column of deposit counts per tract, and the
        total ``n_deposits``. Pass the tract columns to :func:`rank_correlation_check` to see
        the rank correlations achieved.

    Raises
    ------
    ValidationError
        For fewer than two tracts, tract names that clash with ``trial`` or ``n_deposits``, a
        correlation matrix that does not fit, or ``n_trials`` too small.

    Notes
    -----
    Each tract's counts are drawn by inverse-CDF sampling of its pmf (as the R script does),
    reordered by :func:`iman_conover`, and summed trial by trial. Each tract column keeps its
    sampled values, so the mean of the total equals the sum of the tract sample means exactly,
    and its variance is ``sum_i s_i^2 + sum_{i != j} r_ij s_i s_j`` with the Pearson
    correlations ``r_ij`` the reordering induces (close to the rank correlations).

    References
    ----------
    Schuenemeyer, J.H., Zientek, M.L., and Box, S.E., 2011, Aggregation of estimated numbers of
    undiscovered deposits -- an R-script with an example from the Chu Sarysu Basin, Kazakhstan:
    USGS Scientific Investigations Report 2010-5090-B.

    Examples
    --------
    >>> pmf = DepositCountPmf([0.2, 0.5, 0.3])
    >>> total, trials = aggregate_pmfs({"a": pmf, "b": pmf}, [[1, 0], [0.5, 1]],
    ...                                n_trials=20_000, seed=3)
    >>> list(trials.columns)
    ['trial', 'a', 'b', 'n_deposits']
    >>> bool(np.isclose(total.mean, trials["a"].mean() + trials["b"].mean()))
    True
    """
    names = [str(name) for name in pmfs]
    if len(names) < 2:
        msg = f"aggregation needs at least two tracts, got {len(names)}"
        raise ValidationError(msg)
    clash = sorted({"trial", "n_deposits"} & set(names))
    if clash:
        msg = f"tract names {clash} clash with the trial table's columns; rename the tracts"
        raise ValidationError(msg)
    if int(n_trials) != n_trials or n_trials < 1:
        msg = f"n_trials must be a positive integer, got {n_trials!r}"
        raise ValidationError(msg)
    n_trials = int(n_trials)
    target = _aligned_correlation(correlation, names)
    streams = as_seed_sequence(seed).spawn(len(names) + 1)
    counts = np.column_stack(
        [
            pmf.sample(n_trials, np.random.default_rng(stream))
            for pmf, stream in zip(pmfs.values(), streams, strict=False)
        ]
    )
    order = _iman_conover_order(n_trials, target, np.random.default_rng(streams[-1]), score)
    reordered = np.empty_like(counts)
    np.put_along_axis(reordered, order, np.sort(counts, axis=0), axis=0)
    total = reordered.sum(axis=1)
    trials = pd.DataFrame(
        {"trial": np.arange(1, n_trials + 1)}
        | {name: reordered[:, j] for j, name in enumerate(names)}
        | {"n_deposits": total}
    )
    frequencies = np.bincount(total).astype(float)
    pmf = DepositCountPmf(
        frequencies,
        support_min=0,
        method="aggregate",
        description=f"total of {len(names)} rank-correlated tracts ({', '.join(names)})",
        parameters={"n_trials": float(n_trials)},
    )
    return pmf, trials


def aggregate_tracts(
    totals: Mapping[str, pd.DataFrame],
    correlation: npt.ArrayLike | pd.DataFrame,
    *,
    by: str = "n_deposits",
    seed: SeedLike = None,
    score: Score = "van der waerden",
    keep_tracts: bool = True,
) -> pd.DataFrame:
    """Aggregate the per-trial totals of several tracts with rank correlation between them.

    Parameters
    ----------
    totals : mapping of str to pandas.DataFrame
        Each tract's per-trial table (``SimulationResult.totals``): one row per trial, with
        ``n_deposits``, ``ore_t`` and ``<metal>_t`` (and optionally ``trial``). Every table must
        have the same number of rows.
    correlation : array_like or pandas.DataFrame, shape (k, k)
        Rank correlation between the tracts' ``by`` columns; lower-triangular accepted; a
        DataFrame labelled with the tract names is aligned by name.
    by : str
        Column whose rank correlation is imposed (default the number of deposits).
    seed : int, SeedSequence, Generator or None
        Seed of the reordering (and of the random order of tied ``by`` values).
    score : {"van der waerden", "rank"}
        Scores of :func:`iman_conover`.
    keep_tracts : bool
        Also return each tract's reordered columns as ``<tract>__<column>``.

    Returns
    -------
    pandas.DataFrame
        ``trial`` (1-based), then the additive columns common to all tracts (``n_deposits`` and
        every tonnage ``*_t``: ``ore_t``, ``<metal>_t``, ...) summed over the tracts, then, with
        ``keep_tracts``, every numeric column of each tract as ``<tract>__<column>`` (grades and
        other non-additive columns appear only there). ``attrs`` holds ``tracts`` (names, in
        order) and ``by``.

    Raises
    ------
    ValidationError
        For fewer than two tracts, tables of different lengths, a missing ``by`` column, or a
        correlation matrix that does not fit.

    Notes
    -----
    Whole trials are moved, not single columns: within a tract, the ore, metal and number of
    deposits of a trial stay together (a trial with many deposits keeps its large tonnage), and
    the trials of different tracts are paired so that their ``by`` values have the target rank
    correlation (:func:`iman_conover`). Ties in ``by`` (many trials share a number of deposits)
    are broken at random, so no other column is correlated between tracts by accident. Each
    tract's rows are a permutation of its input rows, so its marginal distribution of every
    column is kept exactly and the mean of each aggregate total equals the sum of the tract
    means.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> def tract(mean):
    ...     n = rng.poisson(mean, 10_000)
    ...     return pd.DataFrame({"n_deposits": n, "ore_t": n * rng.lognormal(18, 1, 10_000)})
    >>> a, b = tract(3.0), tract(5.0)
    >>> out = aggregate_tracts({"a": a, "b": b}, [[1.0, 0.6], [0.6, 1.0]], seed=1)
    >>> list(out.columns)[:3]
    ['trial', 'n_deposits', 'ore_t']
    >>> bool(np.isclose(out["ore_t"].mean(), a["ore_t"].mean() + b["ore_t"].mean()))
    True
    """
    names = [str(name) for name in totals]
    if len(names) < 2:
        msg = f"aggregation needs at least two tracts, got {len(names)}"
        raise ValidationError(msg)
    tables = list(totals.values())
    lengths = {name: len(table) for name, table in zip(names, tables, strict=True)}
    if len(set(lengths.values())) != 1:
        shown = ", ".join(f"{k}: {v}" for k, v in lengths.items())
        msg = (
            f"tracts must have the same number of trials to aggregate ({shown}); rerun them "
            "with the same number of trials"
        )
        raise ValidationError(msg)
    n = next(iter(lengths.values()))
    for name, table in zip(names, tables, strict=True):
        if by not in table.columns:
            have = ", ".join(map(str, table.columns))
            msg = f"tract {name!r}: no column {by!r} to correlate by; the table has {have}"
            raise ValidationError(msg)
        if not np.all(np.isfinite(pd.to_numeric(table[by], errors="coerce").to_numpy(float))):
            msg = f"tract {name!r}: column {by!r} has missing or non-numeric values"
            raise ValidationError(msg)
    common = [
        str(c)
        for c in tables[0].columns
        if c != "trial"
        and all(c in t.columns and pd.api.types.is_numeric_dtype(t[c]) for t in tables)
    ]
    target = _aligned_correlation(correlation, names)
    streams = as_seed_sequence(seed).spawn(2)
    tie_rng = np.random.default_rng(streams[0])
    order = _iman_conover_order(n, target, np.random.default_rng(streams[1]), score)

    out: dict[str, npt.NDArray[np.generic]] = {"trial": np.arange(1, n + 1)}
    kept: dict[str, npt.NDArray[np.generic]] = {}
    sums: dict[str, npt.NDArray[np.generic]] = {}
    for j, (name, table) in enumerate(zip(names, tables, strict=True)):
        key = table[by].to_numpy(dtype=float)
        ascending = np.lexsort((tie_rng.random(n), key))
        # The i-th smallest trial of this tract goes to trial order[i, j] of the aggregate.
        rows = np.empty(n, dtype=np.int64)
        rows[order[:, j]] = ascending
        for column in common:
            values = table[column].to_numpy()[rows]
            if column == "n_deposits" or column.endswith("_t"):
                sums[column] = values if column not in sums else sums[column] + values
            if keep_tracts:
                kept[f"{name}{TRACT_SEPARATOR}{column}"] = values
    result = pd.DataFrame(out | sums | kept)
    result.attrs["tracts"] = names
    result.attrs["by"] = by
    return result
