"""Assertions about bornite objects, with messages that say what is wrong."""

from __future__ import annotations

import numpy as np

from bornite.assessment import DepositCountPmf, SimulationResult

__all__ = ["assert_valid_pmf", "assert_within_monte_carlo_error"]


def assert_valid_pmf(pmf: DepositCountPmf, *, atol: float = 1e-12) -> None:
    """Assert that ``pmf`` is a probability mass function on whole numbers of deposits.

    Checks non-negative probabilities summing to one, a non-negative support, and that the
    mean, variance and mode agree with the probabilities.

    Examples
    --------
    >>> from bornite.assessment import custom_pmf
    >>> assert_valid_pmf(custom_pmf([0, 1, 2], [1, 2, 1]))
    """
    probs = np.asarray(pmf.probabilities)
    if np.any(probs < 0):
        msg = f"{pmf.method} pmf has negative probabilities: {probs[probs < 0]}"
        raise AssertionError(msg)
    if abs(probs.sum() - 1.0) > atol:
        msg = f"{pmf.method} pmf sums to {probs.sum()!r}, not 1"
        raise AssertionError(msg)
    if pmf.support_min < 0:
        msg = f"{pmf.method} pmf has negative support_min {pmf.support_min}"
        raise AssertionError(msg)
    support = np.arange(pmf.support_min, pmf.support_max + 1)
    mean = float(np.dot(support, probs))
    if not np.isclose(pmf.mean, mean, rtol=1e-12, atol=atol):
        msg = f"{pmf.method} pmf mean {pmf.mean} disagrees with its probabilities ({mean})"
        raise AssertionError(msg)
    if pmf.variance < -atol:
        msg = f"{pmf.method} pmf has negative variance {pmf.variance}"
        raise AssertionError(msg)
    if probs[pmf.mode - pmf.support_min] != probs.max():
        msg = f"{pmf.method} pmf mode {pmf.mode} is not the most probable value"
        raise AssertionError(msg)


def assert_within_monte_carlo_error(result: SimulationResult, *, n_se: float = 4.0) -> None:
    """Assert that every simulated mean total lies within ``n_se`` standard errors of the
    analytic compound-sum mean.

    The standard error is ``analytic_sd / sqrt(n_trials)``; heavy right tails (log-normal
    tonnages) make the simulated mean fall short more often than it overshoots, so keep
    ``n_se`` generous for small runs.
    """
    summary = result.summary()
    n = len(result.totals)
    se = summary["analytic_sd"] / np.sqrt(n)
    gap = (summary["mean"] - summary["analytic_mean"]).abs()
    bad = summary.index[gap > n_se * se]
    if len(bad):
        rows = ", ".join(
            f"{q}: simulated {summary.loc[q, 'mean']:.4g} vs analytic "
            f"{summary.loc[q, 'analytic_mean']:.4g} (se {se[q]:.2g})"
            for q in bad
        )
        msg = f"simulated means outside {n_se} standard errors of the analytic means: {rows}"
        raise AssertionError(msg)
