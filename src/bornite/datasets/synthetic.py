"""Seeded synthetic generators of example data.

The generators are parametrised from published statistics, so the examples look like the real
thing without shipping third-party data. Everything they make is labelled illustrative.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from bornite.core.random import SeedLike, as_generator
from bornite.errors import ValidationError

__all__ = ["PORPHYRY_2008", "porphyry_grade_tonnage"]

#: Published statistics of the USGS general porphyry copper grade-tonnage model
#: (Singer, Berger & Moring 2008, USGS OFR 2008-1155; 422 deposits): median, 10th and 90th
#: percentiles of ore tonnage (Mt) and copper grade (%).
PORPHYRY_2008: dict[str, tuple[float, float, float]] = {
    "ore_mt": (241.0, 34.0, 1438.0),
    "cu_pct": (0.44, 0.25, 0.75),
}
_Z90 = float(stats.norm.ppf(0.9))


def _log_sd(p10: float, p90: float) -> float:
    return float(np.log(p90 / p10) / (2.0 * _Z90))


def porphyry_grade_tonnage(
    n_deposits: int = 422, *, correlation: float = 0.0, seed: SeedLike = 0
) -> pd.DataFrame:
    """Synthetic porphyry copper deposits drawn from the published USGS 2008 statistics.

    Log tonnage and log copper grade are normal with the published medians and a log standard
    deviation matching the published 10th-90th percentile spread. Each margin is a set of
    normal scores (so the sample quantiles equal the published ones), paired at random with
    the given rank correlation.

    Parameters
    ----------
    n_deposits : int
        Number of deposits (422 as in the 2008 model).
    correlation : float
        Correlation between log tonnage and log grade (0: independent).
    seed : int, SeedSequence, Generator or None
        Seed; the default gives the bundled example.

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``ore_t`` (tonnes) and ``cu_pct``, with ``attrs["illustrative"]``.

    Examples
    --------
    >>> table = porphyry_grade_tonnage(seed=0)
    >>> len(table), round(float(table["cu_pct"].median()), 2)
    (422, 0.44)
    """
    if n_deposits < 2:
        msg = f"n_deposits must be at least 2, got {n_deposits}"
        raise ValidationError(msg)
    if not -1.0 < correlation < 1.0:
        msg = f"correlation must lie strictly between -1 and 1, got {correlation}"
        raise ValidationError(msg)
    rng = as_generator(seed)
    med_t, p10_t, p90_t = PORPHYRY_2008["ore_mt"]
    med_g, p10_g, p90_g = PORPHYRY_2008["cu_pct"]
    sd = np.array([_log_sd(p10_t, p90_t), _log_sd(p10_g, p90_g)])
    cov = np.outer(sd, sd) * np.array([[1.0, correlation], [correlation, 1.0]])
    # Normal scores paired by the ranks of correlated draws: each margin then has exactly the
    # published median and 10th/90th percentiles (up to interpolation), in a random order.
    draws = rng.multivariate_normal(np.zeros(2), cov, size=n_deposits)
    scores = stats.norm.ppf((np.arange(n_deposits) + 0.5) / n_deposits)
    ranks = np.argsort(np.argsort(draws, axis=0), axis=0)
    z = scores[ranks] * sd
    table = pd.DataFrame(
        {
            "name": [f"Synthetic porphyry {i + 1:03d}" for i in range(n_deposits)],
            "ore_t": med_t * 1e6 * np.exp(z[:, 0]),
            "cu_pct": med_g * np.exp(z[:, 1]),
        }
    )
    table.attrs.update({"illustrative": True, "source": "bornite synthetic porphyry generator"})
    return table
