"""Estimators of the pmf of the number of undiscovered deposits from elicited counts.

Every estimator follows the scikit-learn contract: the constructor stores options,
``fit(elicitation)`` validates the table and returns ``self``, and the fitted pmf is
``pmf_`` (a :class:`~bornite.assessment.pmf.DepositCountPmf`).

* :class:`NegBinomialPmf` -- MapMark4's negative-binomial fit (Ellefsen 2017).
* :class:`PoissonPmf` -- the same weighted quantile cost with a Poisson pmf, or a given mean.
* :class:`Mark3Pmf` and :class:`SingerMenziePmf` -- see :mod:`bornite.assessment.mark3`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special, stats

from bornite.assessment.elicitation import validate_elicitation
from bornite.assessment.pmf import DepositCountPmf
from bornite.core.estimator import Estimator
from bornite.core.optimize import nelder_mead_r
from bornite.errors import ConvergenceError, ValidationError

__all__ = ["NegBinomialPmf", "PoissonPmf", "elicitation_cost"]

_EXCEEDANCE = np.array([0.90, 0.50, 0.10])


def elicitation_cost(
    quantiles: npt.ArrayLike, elicitation: pd.DataFrame, power: float = 1.0
) -> float:
    """MapMark4's misfit between a pmf's quantiles and the elicited N90, N50, N10.

    Parameters
    ----------
    quantiles : array_like, shape (3,)
        The numbers of deposits ``n`` with ``P(N >= n)`` about 0.9, 0.5 and 0.1 under the pmf,
        computed as the upper-tail quantiles ``min{n : P(N > n) <= p}`` for p = 0.9, 0.5, 0.1.
    elicitation : pandas.DataFrame
        Validated elicitation (``Weight``, ``N90``, ``N50``, ``N10``).
    power : float
        Exponent applied to each absolute difference.

    Returns
    -------
    float
        ``sum_k w_k sum_q |n_q - N_q,k| ** power``; NaN if any quantile is NaN.

    Examples
    --------
    >>> e = pd.DataFrame({"Weight": [1.0, 0.5], "N90": [1, 2], "N50": [2, 5], "N10": [4, 9]})
    >>> elicitation_cost([1, 3, 6], e)
    6.0
    """
    q = np.asarray(quantiles, dtype=float)
    counts = elicitation[["N90", "N50", "N10"]].to_numpy(dtype=float)
    weights = elicitation["Weight"].to_numpy(dtype=float)
    return float(np.sum(weights[:, None] * np.abs(q[None, :] - counts) ** power))


def _nbinom_quantiles(
    size: npt.ArrayLike, prob: npt.ArrayLike, lower: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Smallest ``n`` with ``P(N <= n) >= lower`` for a negative binomial, vectorised.

    Equal to ``scipy.stats.nbinom.ppf`` (checked in the tests) but several times faster:
    start from the continuous inverse and step to the exact integer with the CDF
    ``I_prob(size, n + 1)``.
    """
    size, prob, lower = np.broadcast_arrays(
        np.asarray(size, float), np.asarray(prob, float), np.asarray(lower, float)
    )
    with np.errstate(all="ignore"):
        guess = np.ceil(special.nbdtrik(lower, size, prob)) - 1.0
    n = np.where(np.isfinite(guess), np.maximum(guess, 0.0), 0.0)
    for _ in range(1000):
        up = special.betainc(size, n + 1.0, prob) < lower
        if not up.any():
            break
        n = n + up
    for _ in range(1000):
        down = (n > 0) & (special.betainc(size, np.maximum(n, 1.0), prob) >= lower)
        if not down.any():
            break
        n = n - down
    return n


def _active(elicitation: pd.DataFrame) -> pd.DataFrame:
    """Validated rows with positive weight (MapMark4 drops zero weights before fitting)."""
    table = validate_elicitation(elicitation)
    return table[table["Weight"] > 0].reset_index(drop=True)


def _truncated_pmf(
    pmf_fn: Callable[[npt.NDArray[np.int64]], npt.NDArray[np.float64]],
    upper: int,
) -> tuple[int, npt.NDArray[np.float64]]:
    """MapMark4's truncation: keep ``0..upper`` and drop the low values less probable
    than ``upper``; the caller renormalises."""
    support = np.arange(0, upper + 1)
    probs = pmf_fn(support)
    keep = probs >= probs[-1]
    first = int(np.argmax(keep))
    return first, probs[first:]


class NegBinomialPmf(Estimator):
    """Negative-binomial pmf fitted to weighted N90/N50/N10 elicitations (MapMark4).

    Parameters
    ----------
    n_grid : int
        Grid points in each of mean and variance for the initial grid search.
    power : float
        Exponent of the absolute quantile differences in the cost.
    optimize : bool
        Refine the best grid point by a Nelder-Mead search (R semantics).
    prob_right_tail : float
        The pmf is truncated at the ``1 - prob_right_tail`` quantile, and values below the
        mode whose probability is below that of the truncation point are dropped; the rest
        is renormalised.

    Attributes
    ----------
    prob_, size_ : float
        Fitted negative-binomial parameters (``scipy.stats.nbinom(size_, prob_)``; R's
        ``dnbinom(size=, prob=)``).
    cost_ : float
        Cost at the fitted parameters.
    pmf_ : DepositCountPmf
        The truncated, normalised pmf.

    Notes
    -----
    For each estimator ``k`` with weight ``w_k`` and the fitted pmf's upper-tail quantiles
    ``n_q`` (q = 0.9, 0.5, 0.1), the cost is ``sum_k w_k sum_q |n_q - N_q,k| ** power``.
    The grid spans means from the weighted mean of N90 (+0.01) to the weighted mean of N10,
    and for each mean variances from the mean (+0.01) to the square of their difference,
    ``n_grid`` points each; ``prob = mean / variance`` and ``size = mean * prob / (1 - prob)``.
    Grid points where these are invalid are skipped. The smallest cost (first in R's
    column-major order) starts the simplex search.

    References
    ----------
    Ellefsen, K.J., 2017, User's guide for MapMark4 -- An R package for the probabilistic
    calculation of mineral resources: USGS Techniques and Methods 7-C14.

    Examples
    --------
    >>> e = pd.DataFrame({"Name": ["a", "b"], "Weight": [1, 1],
    ...                   "N90": [2, 3], "N50": [5, 5], "N10": [10, 10]})
    >>> pmf = NegBinomialPmf().fit(e).pmf_
    >>> round(float(pmf.probabilities.sum()), 12), pmf.support_min
    (1.0, 0)
    """

    def __init__(
        self,
        n_grid: int = 40,
        power: float = 1.0,
        optimize: bool = True,
        prob_right_tail: float = 0.001,
    ) -> None:
        self.n_grid = n_grid
        self.power = power
        self.optimize = optimize
        self.prob_right_tail = prob_right_tail

    def _cost(self, params: npt.NDArray[np.float64], table: pd.DataFrame) -> float:
        prob, size = float(params[0]), float(params[1])
        if not (0.0 < prob <= 1.0) or not size > 0.0:
            return float("nan")
        quantiles = _nbinom_quantiles(size, prob, 1.0 - _EXCEEDANCE)
        return elicitation_cost(quantiles, table, self.power)

    def fit(self, elicitation: pd.DataFrame) -> NegBinomialPmf:
        """Fit the pmf to an elicitation table; return ``self``."""
        if self.n_grid < 2:
            msg = f"n_grid must be at least 2, got {self.n_grid}"
            raise ValidationError(msg)
        if not 0.0 < self.prob_right_tail < 0.5:
            msg = f"prob_right_tail must lie in (0, 0.5), got {self.prob_right_tail}"
            raise ValidationError(msg)
        table = _active(elicitation)
        weights = table["Weight"].to_numpy(dtype=float)
        low = float(np.dot(table["N90"], weights) / weights.sum())
        high = float(np.dot(table["N10"], weights) / weights.sum())
        if high - low <= 0.01:
            msg = (
                "negative-binomial fit needs spread between the weighted N90 "
                f"({low:g}) and N10 ({high:g}); use method='poisson' or a custom pmf"
            )
            raise ValidationError(msg)
        means = np.linspace(low + 0.01, high, self.n_grid)
        var_max = (high - low) ** 2
        # grid[i, j] = (prob, size) for mean i and variance j.
        variances = np.linspace(means + 0.01, var_max, self.n_grid, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            grid_prob = means[:, None] / variances
            grid_size = means[:, None] * grid_prob / (1.0 - grid_prob)
        grid = np.stack([grid_prob, grid_size], axis=-1)
        valid = (grid_prob > 0) & (grid_prob < 1) & (grid_size > 0)
        costs = np.full(valid.shape, np.nan)
        quantiles = _nbinom_quantiles(
            grid_size[valid][:, None], grid_prob[valid][:, None], 1.0 - _EXCEEDANCE[None, :]
        )
        counts = table[["N90", "N50", "N10"]].to_numpy(dtype=float)
        misfit = np.abs(quantiles[:, None, :] - counts[None, :, :]) ** self.power
        costs[valid] = np.einsum("k,gkq->g", weights, misfit)
        # Column-major flattening (variance index outer) so that ties resolve as R's
        # which.min does.
        flat = costs.ravel(order="F")
        if np.all(np.isnan(flat)):
            msg = "negative-binomial fit: no grid point gives a valid pmf; check the elicitation"
            raise ConvergenceError(msg)
        index = int(np.nanargmin(flat))
        i, j = index % self.n_grid, index // self.n_grid
        start = grid[i, j]
        best: tuple[float, float, float] = (float(start[0]), float(start[1]), float(costs[i, j]))
        if self.optimize:
            result = nelder_mead_r(lambda p: self._cost(p, table), start)
            if not result.converged:
                msg = (
                    "negative-binomial fit: the simplex search did not converge "
                    f"(status {result.status}); retry with optimize=False"
                )
                raise ConvergenceError(msg)
            best = (float(result.x[0]), float(result.x[1]), result.fun)
        prob, size, cost = best
        upper = int(stats.nbinom.ppf(1.0 - self.prob_right_tail, size, prob))
        first, probs = _truncated_pmf(lambda n: stats.nbinom.pmf(n, size, prob), upper)
        self.prob_, self.size_, self.cost_ = prob, size, cost
        self.pmf_ = DepositCountPmf(
            probs,
            support_min=first,
            method="negbinomial",
            elicitation=table,
            parameters={"size": size, "prob": prob, "cost": cost},
        )
        return self


class PoissonPmf(Estimator):
    """Poisson pmf, given its mean or fitted to weighted N90/N50/N10 elicitations.

    Parameters
    ----------
    mean : float, optional
        Use this mean instead of fitting.
    power : float
        Exponent in :func:`elicitation_cost`.
    prob_right_tail : float
        Truncation as in :class:`NegBinomialPmf`.

    Attributes
    ----------
    mean_ : float
        The Poisson mean (before truncation).
    cost_ : float
        Cost at ``mean_`` (NaN when the mean was given and no elicitation was used).
    pmf_ : DepositCountPmf

    Notes
    -----
    The fit scans means on a grid from the weighted N90 to the weighted N10 (plus one), then
    refines with the same simplex search as :class:`NegBinomialPmf`. A Poisson pmf has
    variance equal to its mean, so it cannot honour wide elicitations; its cost tells how
    badly.

    Examples
    --------
    >>> pmf = PoissonPmf(mean=3.0).fit().pmf_
    >>> round(pmf.mean, 2)
    3.0
    """

    def __init__(
        self, mean: float | None = None, power: float = 1.0, prob_right_tail: float = 0.001
    ) -> None:
        self.mean = mean
        self.power = power
        self.prob_right_tail = prob_right_tail

    def fit(self, elicitation: pd.DataFrame | None = None) -> PoissonPmf:
        """Fit (or just build, when ``mean`` is given) the pmf; return ``self``."""
        table: pd.DataFrame | None = None
        cost = float("nan")
        if self.mean is not None:
            if not (np.isfinite(self.mean) and self.mean > 0):
                msg = f"Poisson mean must be > 0, got {self.mean}"
                raise ValidationError(msg)
            mean = float(self.mean)
        else:
            if elicitation is None:
                msg = "PoissonPmf.fit needs an elicitation table when no mean is given"
                raise ValidationError(msg)
            table = _active(elicitation)

            def cost_fn(p: npt.NDArray[np.float64]) -> float:
                if not p[0] > 0:
                    return float("nan")
                q = stats.poisson.ppf(1.0 - _EXCEEDANCE, p[0])
                return elicitation_cost(q, table, self.power)

            w = table["Weight"].to_numpy(dtype=float)
            low = max(float(np.dot(table["N90"], w) / w.sum()), 0.01)
            high = float(np.dot(table["N10"], w) / w.sum()) + 1.0
            grid = np.linspace(low, high, 200)
            costs = np.array([cost_fn(np.array([m])) for m in grid])
            start = grid[int(np.nanargmin(costs))]
            result = nelder_mead_r(cost_fn, [start])
            mean, cost = float(result.x[0]), result.fun
        upper = int(stats.poisson.ppf(1.0 - self.prob_right_tail, mean))
        first, probs = _truncated_pmf(lambda n: stats.poisson.pmf(n, mean), upper)
        self.mean_, self.cost_ = mean, cost
        params: dict[str, Any] = {"mean": mean}
        if table is not None:
            params["cost"] = cost
        self.pmf_ = DepositCountPmf(
            probs, support_min=first, method="poisson", elicitation=table, parameters=params
        )
        return self
