"""The probability mass function of the number of undiscovered deposits in a tract.

:class:`DepositCountPmf` is the common result of every estimator in
:mod:`bornite.assessment.deposit_counts`: a frozen, validated pmf on a contiguous support
``support_min .. support_max`` with the summary statistics that MapMark4 prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from bornite.core.random import SeedLike, as_generator
from bornite.errors import ValidationError

__all__ = ["DepositCountPmf", "custom_pmf"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class DepositCountPmf:
    """Probability of each number of undiscovered deposits.

    Parameters
    ----------
    probabilities : array_like of float
        ``P(N = support_min + k)`` for ``k = 0, 1, ...``; normalised to sum to one.
    support_min : int
        Smallest number of deposits with a stored probability (zeros inside are allowed).
    method : str
        Name of the estimator that produced the pmf (``"negbinomial"``, ``"mark3"``, ...).
    description : str
        Free text carried into reports.
    elicitation : pandas.DataFrame, optional
        The elicited table the pmf was fitted to, kept for plots and provenance.
    parameters : dict
        Fitted parameters of the estimator (for example ``size`` and ``prob``).

    Examples
    --------
    >>> pmf = DepositCountPmf([0.25, 0.5, 0.25], support_min=1, method="custom")
    >>> pmf.mean, pmf.variance, pmf.mode, pmf.support_max
    (2.0, 0.5, 2, 3)
    """

    probabilities: FloatArray
    support_min: int = 0
    method: str = "custom"
    description: str = ""
    elicitation: pd.DataFrame | None = field(default=None, repr=False)
    parameters: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        probs = np.asarray(self.probabilities, dtype=float).ravel()
        if probs.size == 0 or not np.all(np.isfinite(probs)) or np.any(probs < 0):
            msg = f"{self.method} pmf: probabilities must be a non-empty list of finite values >= 0"
            raise ValidationError(msg)
        total = probs.sum()
        if total <= 0:
            msg = f"{self.method} pmf: probabilities sum to zero; give at least one positive value"
            raise ValidationError(msg)
        if int(self.support_min) != self.support_min or self.support_min < 0:
            msg = f"{self.method} pmf: support_min must be an integer >= 0, got {self.support_min}"
            raise ValidationError(msg)
        # Trim zero tails so that support_min/support_max are the true support.
        nonzero = np.flatnonzero(probs > 0)
        lo, hi = int(nonzero[0]), int(nonzero[-1])
        probs = probs[lo : hi + 1] / total
        probs.setflags(write=False)
        object.__setattr__(self, "probabilities", probs)
        object.__setattr__(self, "support_min", int(self.support_min) + lo)

    # ------------------------------------------------------------------ support
    @property
    def support(self) -> IntArray:
        """Numbers of deposits ``support_min .. support_max``."""
        return np.arange(self.support_min, self.support_min + self.probabilities.size)

    @property
    def support_max(self) -> int:
        """Largest number of deposits with non-zero probability."""
        return self.support_min + self.probabilities.size - 1

    def pmf(self, n: npt.ArrayLike) -> FloatArray:
        """Return ``P(N = n)`` for integers ``n`` (zero outside the support)."""
        n = np.asarray(n)
        index = n - self.support_min
        inside = (index >= 0) & (index < self.probabilities.size)
        out = np.zeros(n.shape, dtype=float)
        out[inside] = self.probabilities[index[inside].astype(int)]
        return out

    def cdf(self, n: npt.ArrayLike) -> FloatArray:
        """Return ``P(N <= n)``."""
        cumulative = np.cumsum(self.probabilities)
        index = np.floor(np.asarray(n, dtype=float)).astype(int) - self.support_min
        clipped = np.clip(index, 0, self.probabilities.size - 1)
        return np.where(
            index < 0, 0.0, np.where(index >= self.probabilities.size, 1.0, cumulative[clipped])
        )

    def exceedance(self, n: npt.ArrayLike) -> FloatArray:
        """Return ``P(N >= n)``, the quantity elicited as N90, N50, N10."""
        return 1.0 - self.cdf(np.asarray(n) - 1)

    # --------------------------------------------------------------- statistics
    @property
    def mean(self) -> float:
        """Expected number of deposits."""
        return float(np.dot(self.probabilities, self.support))

    @property
    def variance(self) -> float:
        """Variance of the number of deposits."""
        return float(np.dot(self.probabilities, (self.support - self.mean) ** 2))

    @property
    def sd(self) -> float:
        """Standard deviation of the number of deposits."""
        return float(np.sqrt(self.variance))

    @property
    def mode(self) -> int:
        """Most probable number of deposits (the smallest if tied)."""
        return int(self.support[int(np.argmax(self.probabilities))])

    @property
    def entropy(self) -> float:
        """Information entropy in nats, ``-sum p log p`` over the non-zero probabilities."""
        p = self.probabilities[self.probabilities > 0]
        return float(-np.sum(p * np.log(p)))

    # ----------------------------------------------------------------- sampling
    def sample(self, size: int, seed: SeedLike = None) -> IntArray:
        """Draw ``size`` numbers of deposits.

        Uses inverse-CDF sampling on uniform draws, which is exact and fast for the
        short supports of deposit counts.
        """
        rng = as_generator(seed)
        cumulative = np.cumsum(self.probabilities)
        cumulative[-1] = 1.0
        u = rng.random(size)
        return self.support_min + np.searchsorted(cumulative, u, side="right").astype(np.int64)

    # ------------------------------------------------------------------ export
    def to_dict(self) -> dict[str, Any]:
        """The pmf as plain JSON-ready values (the ``bornite assess pmf --json`` keys)."""
        return {
            "method": self.method,
            "support_min": self.support_min,
            "support_max": self.support_max,
            "probabilities": [float(p) for p in self.probabilities],
            "mean": self.mean,
            "variance": self.variance,
            "mode": self.mode,
            "entropy": self.entropy,
            "parameters": {k: float(v) for k, v in self.parameters.items()},
        }

    def to_frame(self) -> pd.DataFrame:
        """The pmf as a table with columns ``n_deposits``, ``probability``, ``exceedance``."""
        return pd.DataFrame(
            {
                "n_deposits": self.support,
                "probability": self.probabilities,
                "exceedance": self.exceedance(self.support),
            }
        )


def custom_pmf(
    n_deposits: npt.ArrayLike,
    relative_probabilities: npt.ArrayLike,
    *,
    description: str = "",
) -> DepositCountPmf:
    """Build a pmf from numbers of deposits and relative probabilities (MapMark4 ``Custom``).

    Parameters
    ----------
    n_deposits : array_like of int
        Strictly increasing non-negative numbers of deposits.
    relative_probabilities : array_like of float
        Non-negative weights, normalised to sum to one.

    Examples
    --------
    >>> custom_pmf([0, 2, 3], [1, 2, 1]).probabilities.tolist()
    [0.25, 0.0, 0.5, 0.25]
    """
    n = np.asarray(n_deposits)
    rel = np.asarray(relative_probabilities, dtype=float)
    if n.shape != rel.shape or n.ndim != 1:
        msg = (
            f"custom pmf: n_deposits ({n.size} values) and relative_probabilities "
            f"({rel.size} values) must be 1-D lists of the same length"
        )
        raise ValidationError(msg)
    if np.any(n < 0) or np.any(n != np.round(n)):
        msg = "custom pmf: numbers of deposits must be integers >= 0"
        raise ValidationError(msg)
    if np.any(np.diff(n) <= 0):
        msg = "custom pmf: numbers of deposits must be strictly increasing"
        raise ValidationError(msg)
    if np.any(rel < 0) or not np.all(np.isfinite(rel)):
        msg = "custom pmf: relative probabilities must be finite and >= 0"
        raise ValidationError(msg)
    n = n.astype(np.int64)
    dense = np.zeros(int(n[-1] - n[0]) + 1)
    dense[n - n[0]] = rel
    return DepositCountPmf(dense, support_min=int(n[0]), method="custom", description=description)
