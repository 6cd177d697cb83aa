"""Mark3-style pmfs of the number of undiscovered deposits, built from elicited thresholds.

USGS's Mark3 simulator (Root, Menzie & Scott 1992) turned an estimator's numbers of deposits
N90, N50, N10 (and optionally N05, N01) directly into a pmf, without fitting a parametric
family: the probability between two consecutive thresholds is spread evenly over the
numbers of deposits between them, half weight at each end, and the probability beyond the
last threshold is put on that threshold.

* :func:`mark3_probabilities` -- the rule for one estimator, as a pure function.
* :class:`Mark3Pmf` -- Mark3's pmf from N90/N50/N10 with N05/N01 when given.
* :class:`SingerMenziePmf` -- the five-threshold form that MapWizard attributes to
  Singer & Menzie (2010).

Both estimators follow the scikit-learn contract of :mod:`bornite.assessment.deposit_counts`
and pool several weighted estimators as a weighted mixture of their pmfs.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from bornite.assessment.elicitation import QUANTILE_COLUMNS, validate_elicitation
from bornite.assessment.pmf import DepositCountPmf
from bornite.core.estimator import Estimator
from bornite.errors import ElicitationError, ValidationError

__all__ = ["Mark3Pmf", "SingerMenziePmf", "mark3_probabilities"]

FloatArray = npt.NDArray[np.float64]

_MISSING_TAIL = ("raise", "repeat")


def mark3_probabilities(thresholds: npt.ArrayLike) -> FloatArray:
    """Mark3's pmf for one estimator's elicited numbers of deposits.

    Parameters
    ----------
    thresholds : array_like of int, length 3 to 5
        ``N90, N50, N10[, N05[, N01]]``: the numbers of deposits that the estimator believes
        will be equalled or exceeded with probability 0.90, 0.50, 0.10 (0.05, 0.01).
        Whole numbers ``>= 0`` in non-decreasing order; equal values are allowed.

    Returns
    -------
    numpy.ndarray
        ``P(N = n)`` for ``n = 0, 1, ..., t_K``, where ``t_K`` is the last threshold. The
        values are non-negative and sum to one (to rounding).

    Raises
    ------
    ElicitationError
        When there are not 3 to 5 thresholds, or they are negative, not whole or out of order.

    Notes
    -----
    Let ``t_1 <= ... <= t_K`` be the thresholds and ``q_1 > ... > q_K`` the exceedance
    probabilities they stand for (0.90, 0.50, 0.10, 0.05, 0.01), and put ``t_0 = -1/2``,
    ``q_0 = 1``. Mark3 treats the number of deposits as the nearest integer to a continuous
    variable ``X`` whose probability ``q_{k-1} - q_k`` is spread uniformly over
    ``[t_{k-1}, t_k]`` (``k = 1..K``) and whose remaining probability ``q_K`` sits on
    ``t_K``:

    .. math::

        P(N = n) = \\sum_{k=1}^{K} (q_{k-1} - q_k)
                   \\frac{|[n - 1/2, n + 1/2] \\cap [t_{k-1}, t_k]|}{t_k - t_{k-1}}
                   + q_K [n = t_K],

    where an interval of zero width (``t_{k-1} = t_k``) gives all its probability to
    ``n = t_k``. In words: the 0.10 below N90 is spread over ``0..N90`` with half weight
    at N90, ``0.10 / (N90 + 1/2)`` on each of ``0..N90-1``; each later step of probability
    ``q_{k-1} - q_k`` is spread over ``t_{k-1}..t_k`` with weight ``(q_{k-1} - q_k) / d``
    on the interior numbers and half that on both ends, ``d = t_k - t_{k-1}``; and the
    probability beyond the last threshold, ``q_K`` (0.10 when only N90, N50, N10 are given,
    0.01 with N01), is added at ``t_K``. Mark3 accepted 3 or 5 of these thresholds (and 7
    or 9 with rarer tails); with N05 and no N01 the same rule puts 0.05 on N05.

    The pmf honours the thresholds as quantiles of exceedance, not exactly:

    .. math:: P(N > t_k) \\le q_k \\le P(N \\ge t_k), \\qquad k = 1..K.

    ``P(N >= t_k)`` equals ``q_k`` plus the half-weight mass at ``t_k`` from the step below
    it, so it is a little above the elicited probability. With ``N90 = 0``,
    ``P(N >= 0) = 1`` while ``P(N >= 1) <= 0.9``.

    References
    ----------
    Root, D.H., Menzie, W.D., and Scott, W.A., 1992, Computer Monte Carlo simulation in
    quantitative resource estimation: Nonrenewable Resources, v. 1, no. 2, p. 125-138.

    Root, D.H., Scott, W.A., Jr., and Schruben, P.G., 1998, MARK3B resource assessment
    program for Macintosh: U.S. Geological Survey Open-File Report 98-356.

    Examples
    --------
    >>> mark3_probabilities([1, 2, 4]).round(3).tolist()
    [0.067, 0.233, 0.3, 0.2, 0.2]
    >>> mark3_probabilities([0, 0, 0]).tolist()
    [1.0]
    """
    t = np.asarray(thresholds, dtype=float).ravel()
    k = t.size
    if not 3 <= k <= len(QUANTILE_COLUMNS):
        msg = f"give 3 to 5 thresholds (N90 N50 N10 [N05 [N01]]), got {k}"
        raise ElicitationError(msg)
    if not np.all(np.isfinite(t)) or np.any(t < 0) or np.any(t != np.round(t)):
        msg = f"thresholds must be whole numbers of deposits >= 0, got {t.tolist()}"
        raise ElicitationError(msg)
    if np.any(np.diff(t) < 0):
        order = " <= ".join(list(QUANTILE_COLUMNS)[:k])
        msg = f"thresholds must satisfy {order}, got {t.astype(int).tolist()}"
        raise ElicitationError(msg)
    exceedance = np.array(list(QUANTILE_COLUMNS.values())[:k])
    edges = np.concatenate([[-0.5], t])
    above = np.concatenate([[1.0], exceedance])
    n = np.arange(int(t[-1]) + 1, dtype=float)
    probs = np.zeros(n.size)
    for lower, upper, mass in zip(edges[:-1], edges[1:], above[:-1] - above[1:], strict=True):
        if upper == lower:
            probs[int(upper)] += mass
        else:
            overlap = np.minimum(n + 0.5, upper) - np.maximum(n - 0.5, lower)
            probs += mass * np.clip(overlap, 0.0, None) / (upper - lower)
    probs[-1] += exceedance[-1]
    return probs


def _pooled(
    table: pd.DataFrame, columns: list[str]
) -> tuple[FloatArray, list[FloatArray], FloatArray]:
    """Weighted mixture of the per-row Mark3 pmfs: ``(pooled, rows, weights)``."""
    rows = [mark3_probabilities(row) for row in table[columns].to_numpy()]
    weights = table["Weight"].to_numpy(dtype=float)
    weights = weights / weights.sum()
    stacked = np.zeros((len(rows), max(r.size for r in rows)))
    for i, row in enumerate(rows):
        stacked[i, : row.size] = row
    return weights @ stacked, rows, weights


def _parameters(
    table: pd.DataFrame, columns: list[str], exceedance: FloatArray
) -> dict[str, float]:
    """Provenance for :attr:`DepositCountPmf.parameters` (thresholds only for one row)."""
    params = {"n_estimators": float(len(table)), "tail_probability": float(exceedance[-1])}
    if len(table) == 1:
        params |= {c: float(table[c].iloc[0]) for c in columns}
    return params


def _fit_pooled(
    estimator: Any,
    table: pd.DataFrame,
    filled: pd.DataFrame,
    columns: list[str],
    exceedance: FloatArray,
    method: str,
) -> None:
    """Set the fitted attributes shared by :class:`Mark3Pmf` and :class:`SingerMenziePmf`:
    per-row pmfs of ``filled[columns]`` and their weighted pool."""
    pooled, rows, weights = _pooled(filled, columns)
    estimator.thresholds_ = columns
    estimator.exceedance_ = exceedance
    estimator.weights_ = weights
    estimator.row_pmfs_ = [
        DepositCountPmf(row, support_min=0, method=method, elicitation=table.iloc[[i]])
        for i, row in enumerate(rows)
    ]
    estimator.pmf_ = DepositCountPmf(
        pooled,
        support_min=0,
        method=method,
        elicitation=table,
        parameters=_parameters(filled, columns, exceedance),
    )


def _active(elicitation: pd.DataFrame, source: str) -> pd.DataFrame:
    """Validated rows with positive weight."""
    table = validate_elicitation(elicitation, source=source)
    return table[table["Weight"] > 0].reset_index(drop=True)


class Mark3Pmf(Estimator):
    """Mark3's pmf from elicited N90/N50/N10 (and N05/N01 when given).

    Attributes
    ----------
    thresholds_ : list of str
        The quantile columns used, ``["N90", "N50", "N10"]`` plus ``"N05"``, ``"N01"``
        when the table has them.
    exceedance_ : numpy.ndarray
        The exceedance probability of each of ``thresholds_`` (0.9, 0.5, 0.1, ...).
    weights_ : numpy.ndarray
        Weights of the estimators with positive weight, normalised to sum to one.
    row_pmfs_ : list of DepositCountPmf
        The pmf of each of those estimators alone.
    pmf_ : DepositCountPmf
        The pooled pmf, ``method="mark3"``.

    Notes
    -----
    Each estimator's thresholds are turned into a pmf by Mark3's rule (Root and others,
    1992), given with its formula in :func:`mark3_probabilities`: the probability between
    consecutive thresholds is spread evenly over the numbers of deposits between them, half
    weight at each end, and the probability beyond the last threshold given (0.10 at N10,
    or 0.01 at N01) is put on that threshold. For the elicitation
    ``(N90, N50, N10) = (1, 2, 4)`` this gives ``P(0..4) = 1/15, 7/30, 3/10, 1/5, 1/5``.

    Mark3 took one estimate per tract (the panel's consensus). When the table has several
    estimators, rows with zero weight are dropped and the rest are pooled linearly, the
    weighted mixture ``P(N = n) = sum_j w_j P_j(N = n) / sum_j w_j`` of their pmfs (a
    linear opinion pool); one row gives its own pmf.

    Every single-row pmf satisfies ``P(N > t) <= q <= P(N >= t)`` at each elicited
    threshold ``t`` with exceedance probability ``q``; a pool keeps this only where the
    estimators agree.

    References
    ----------
    Root, D.H., Menzie, W.D., and Scott, W.A., 1992, Computer Monte Carlo simulation in
    quantitative resource estimation: Nonrenewable Resources, v. 1, no. 2, p. 125-138.

    Root, D.H., Scott, W.A., Jr., and Schruben, P.G., 1998, MARK3B resource assessment
    program for Macintosh: U.S. Geological Survey Open-File Report 98-356.

    Examples
    --------
    >>> from bornite.assessment.elicitation import counts_elicitation
    >>> pmf = Mark3Pmf().fit(counts_elicitation([1, 2, 4])).pmf_
    >>> pmf.probabilities.round(3).tolist()
    [0.067, 0.233, 0.3, 0.2, 0.2]
    >>> round(pmf.mean, 4), pmf.mode
    (2.2333, 2)

    Two estimators, the second counting twice as much:

    >>> e = pd.DataFrame({"Name": ["a", "b"], "Weight": [1, 2],
    ...                   "N90": [1, 0], "N50": [2, 1], "N10": [4, 3]})
    >>> Mark3Pmf().fit(e).pmf_.probabilities.round(4).tolist()
    [0.2222, 0.2778, 0.2333, 0.2, 0.0667]
    """

    def fit(self, elicitation: pd.DataFrame) -> Mark3Pmf:
        """Build the pmf from an elicitation table; return ``self``.

        Parameters
        ----------
        elicitation : pandas.DataFrame
            Columns ``N90``, ``N50``, ``N10`` and optionally ``N05``, ``N01``, ``Name``,
            ``Weight`` (see :func:`~bornite.assessment.elicitation.validate_elicitation`).

        Raises
        ------
        ElicitationError
            When the table is malformed; the message names the rows.
        """
        table = _active(elicitation, source="mark3 pmf")
        columns = [c for c in QUANTILE_COLUMNS if c in table.columns]
        exceedance = np.array([QUANTILE_COLUMNS[c] for c in columns])
        _fit_pooled(self, table, table, columns, exceedance, "mark3")
        return self


class SingerMenziePmf(Estimator):
    """The five-threshold Mark3 pmf of Singer & Menzie (2010), as MapWizard builds it.

    Parameters
    ----------
    missing_tail : {"raise", "repeat"}
        What to do when the table has no ``N05`` or ``N01`` column. ``"raise"`` (MapWizard's
        behaviour: its form asks for all five numbers) raises :class:`ElicitationError`.
        ``"repeat"`` sets a missing N05 to N10 and a missing N01 to N05, so that the
        probability beyond the last threshold given is put on it; the result is then
        :class:`Mark3Pmf`'s.

    Attributes
    ----------
    thresholds_ : list of str
        ``["N90", "N50", "N10", "N05", "N01"]``.
    filled_ : list of str
        The columns that were missing and filled by ``missing_tail="repeat"``.
    exceedance_ : numpy.ndarray
        ``[0.9, 0.5, 0.1, 0.05, 0.01]``.
    weights_ : numpy.ndarray
        Weights of the estimators with positive weight, normalised to sum to one.
    row_pmfs_ : list of DepositCountPmf
        The pmf of each of those estimators alone.
    pmf_ : DepositCountPmf
        The pooled pmf, ``method="singer-menzie"``.

    Notes
    -----
    The Geological Survey of Finland's MapWizard offers this pmf ("CustomMark3", after
    Singer & Menzie 2010) next to MapMark4's negative binomial. From N90, N50, N10, N05 and
    N01 it assigns probability by the rule of :func:`mark3_probabilities` with the
    exceedance probabilities 0.90, 0.50, 0.10, 0.05 and 0.01: with
    ``S_1 = 2 N90 + 1`` and ``S_k = 2 (t_k - t_{k-1})`` for the later steps (``S_k = 1``
    when two thresholds are equal),

    * ``0.2 / S_1`` on each of ``0..N90-1`` and ``0.1 / S_1`` on N90;
    * ``0.8 / S_2`` strictly between N90 and N50, ``0.4 / S_2`` on each end;
      likewise ``0.8 / S_3`` and ``0.4 / S_3`` from N50 to N10,
      ``0.1 / S_4`` and ``0.05 / S_4`` from N10 to N05, and
      ``0.08 / S_5`` and ``0.04 / S_5`` from N05 to N01;
    * the last 0.01 on N01.

    Contributions to the same number add up. This is Mark3's rule with its five-threshold
    input (Root and others, 1992), so the pmf equals :class:`Mark3Pmf`'s for the same five
    numbers and keeps its property ``P(N > t) <= q <= P(N >= t)`` at each threshold.
    MapWizard's example ``(1, 5, 13, 16, 21)`` gives ``P(0) = 1/15``, ``P(1) = 1/12``,
    ``P(2..4) = 1/10`` and ``P(21) = 0.014``. Several weighted estimators are pooled as in
    :class:`Mark3Pmf` (MapWizard takes one).

    References
    ----------
    Singer, D.A., and Menzie, W.D., 2010, Quantitative mineral resource assessments -- An
    integrated approach: Oxford University Press, 219 p.

    Root, D.H., Menzie, W.D., and Scott, W.A., 1992, Computer Monte Carlo simulation in
    quantitative resource estimation: Nonrenewable Resources, v. 1, no. 2, p. 125-138.

    Geological Survey of Finland, 2019, MapWizard, tool "Undiscovered deposits"
    (``NDepositsPmf.R``, function ``CalcCustomMark3Pmf``): https://github.com/gtkfi/MapWizard.

    Examples
    --------
    >>> from bornite.assessment.elicitation import counts_elicitation
    >>> pmf = SingerMenziePmf().fit(counts_elicitation([1, 2, 4, 6, 8])).pmf_
    >>> pmf.probabilities.round(4).tolist()
    [0.0667, 0.2333, 0.3, 0.2, 0.1125, 0.025, 0.0225, 0.02, 0.02]
    >>> SingerMenziePmf(missing_tail="repeat").fit(
    ...     counts_elicitation([1, 2, 4])).pmf_.probabilities.round(3).tolist()
    [0.067, 0.233, 0.3, 0.2, 0.2]
    """

    def __init__(self, missing_tail: str = "raise") -> None:
        self.missing_tail = missing_tail

    def fit(self, elicitation: pd.DataFrame) -> SingerMenziePmf:
        """Build the pmf from an elicitation table with N05 and N01; return ``self``.

        Parameters
        ----------
        elicitation : pandas.DataFrame
            Columns ``N90``, ``N50``, ``N10``, ``N05``, ``N01`` and optionally ``Name``,
            ``Weight``.

        Raises
        ------
        ElicitationError
            When N05 or N01 is missing and ``missing_tail="raise"``, or the table is
            malformed; the message names the rows.
        ValidationError
            When ``missing_tail`` is not one of ``"raise"``, ``"repeat"``.
        """
        if self.missing_tail not in _MISSING_TAIL:
            msg = f"missing_tail must be 'raise' or 'repeat', got {self.missing_tail!r}"
            raise ValidationError(msg)
        source = "singer-menzie pmf"
        table = _active(elicitation, source=source)
        columns = list(QUANTILE_COLUMNS)
        missing = [c for c in columns if c not in table.columns]
        if missing and self.missing_tail == "raise":
            msg = (
                f"{source}: the elicitation has no {', '.join(missing)} column(s), but "
                "Singer & Menzie's pmf needs N90, N50, N10, N05 and N01 for every estimator; "
                "add them, pass missing_tail='repeat' to put the tail on the last threshold "
                "given, or use Mark3Pmf"
            )
            raise ElicitationError(msg)
        filled = table.copy()
        for previous, column in itertools.pairwise(columns):
            if column not in filled.columns:
                filled[column] = filled[previous]
        exceedance = np.array(list(QUANTILE_COLUMNS.values()))
        self.filled_ = missing
        _fit_pooled(self, table, filled, columns, exceedance, "singer-menzie")
        return self
