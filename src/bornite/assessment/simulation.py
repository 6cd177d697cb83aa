"""Monte Carlo totals of undiscovered ore and metal in a tract.

Each trial draws a number of deposits ``N`` from the tract's pmf and, for each deposit, an ore
tonnage and grades from the grade-tonnage model; the trial's totals are the sums. This is the
third part of the USGS three-part method (Singer 1993; Root, Menzie & Scott 1992), as run by
MapMark4 and EMINERS.

The simulation is vectorised and runs in chunks of trials, each with its own random stream
derived from the seed and the chunk's index, so memory stays bounded, results are
bit-identical for the same seed and chunk size, and chunks could run in parallel.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from bornite._config import get_options
from bornite.assessment.grade_tonnage import DepositMoments, GradeTonnageModel
from bornite.assessment.pmf import DepositCountPmf
from bornite.core.random import SeedLike, as_seed_sequence
from bornite.core.units import from_mass_fraction
from bornite.errors import ValidationError

__all__ = [
    "QUANTILES",
    "SimulationResult",
    "compound_moments",
    "simulate",
    "summarize_totals",
]

FloatArray = npt.NDArray[np.float64]
#: Quantiles reported for totals, as MapMark4 reports them.
QUANTILES: tuple[float, ...] = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95)
ProgressCallback = Callable[[int, int], None]


def compound_moments(
    pmf: DepositCountPmf, moments: DepositMoments
) -> tuple[FloatArray, FloatArray]:
    """Mean and covariance of the tract totals of a compound sum of deposits.

    Notes
    -----
    For ``T = X_1 + ... + X_N`` with ``N`` independent of the i.i.d. deposit vectors ``X``
    (mean ``mu``, covariance ``S``)::

        E[T]   = E[N] mu
        Cov[T] = E[N] S + Var(N) mu mu^T

    Examples
    --------
    >>> from bornite.assessment.pmf import DepositCountPmf
    >>> pmf = DepositCountPmf([0.5, 0.5], support_min=1)
    >>> m = DepositMoments(("ore_t",), np.array([2.0]), np.array([[1.0]]), exact=True)
    >>> mean, cov = compound_moments(pmf, m)
    >>> float(mean[0]), float(cov[0, 0])
    (3.0, 2.5)
    """
    mean = pmf.mean * moments.mean
    covariance = pmf.mean * moments.covariance + pmf.variance * np.outer(moments.mean, moments.mean)
    return mean, covariance


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Outcome of :func:`simulate`.

    Attributes
    ----------
    totals : pandas.DataFrame
        One row per trial: ``trial`` (1-based), ``n_deposits``, ``ore_t`` and ``<metal>_t``.
    deposits : pandas.DataFrame or None
        With ``keep_deposits=True``, one row per simulated deposit: ``trial``,
        ``n_deposits``, ``deposit`` (1-based within the trial), ``ore_t``, ``<metal>_pct`` and
        ``<metal>_t`` (the input layout of the economic filter).
    pmf, model
        The inputs.
    moments : DepositMoments
        One deposit's moments, for the analytic check.
    entropy : int
        Root entropy of the random streams; ``simulate(..., seed=entropy)`` repeats the run.
    """

    totals: pd.DataFrame
    deposits: pd.DataFrame | None
    pmf: DepositCountPmf
    model: GradeTonnageModel
    moments: DepositMoments
    entropy: int
    chunk_trials: int

    @property
    def quantities(self) -> list[str]:
        """Names of the simulated totals: ``ore_t`` and ``<metal>_t``."""
        return list(self.moments.names)

    def analytic(self) -> pd.DataFrame:
        """Analytic mean and standard deviation of each total (see :func:`compound_moments`)."""
        mean, cov = compound_moments(self.pmf, self.moments)
        return pd.DataFrame(
            {"analytic_mean": mean, "analytic_sd": np.sqrt(np.diag(cov))},
            index=pd.Index(self.quantities, name="quantity"),
        )

    def summary(self) -> pd.DataFrame:
        """Quantiles, mean, P(0), P(>mean) of each total beside the analytic mean and sd."""
        table = summarize_totals(self.totals, self.quantities)
        return table.join(self.analytic())


def summarize_totals(totals: pd.DataFrame, quantities: list[str] | None = None) -> pd.DataFrame:
    """Summarise per-trial totals as MapMark4 does.

    Parameters
    ----------
    totals : pandas.DataFrame
        One row per trial, one column per quantity.
    quantities : list of str, optional
        Columns to summarise (default: every column ending in ``_t``).

    Returns
    -------
    pandas.DataFrame
        Index ``quantity``; columns ``q05 q10 q25 q50 q75 q90 q95`` (linear interpolation,
        R's type 7), ``mean``, ``sd``, ``p0`` (fraction of trials with a zero total) and
        ``p_gt_mean`` (fraction above the mean).

    Examples
    --------
    >>> t = pd.DataFrame({"ore_t": [0.0, 1.0, 2.0, 5.0]})
    >>> summarize_totals(t).loc["ore_t", ["q50", "mean", "p0", "p_gt_mean"]].tolist()
    [1.5, 2.0, 0.25, 0.25]
    """
    names = quantities or [c for c in totals.columns if str(c).endswith("_t")]
    rows = {}
    for name in names:
        values = totals[name].to_numpy(dtype=float)
        q = np.quantile(values, QUANTILES)
        mean = float(values.mean())
        rows[name] = {
            **{f"q{round(p * 100):02d}": float(v) for p, v in zip(QUANTILES, q, strict=True)},
            "mean": mean,
            "sd": float(values.std(ddof=1)) if values.size > 1 else 0.0,
            "p0": float(np.mean(values == 0)),
            "p_gt_mean": float(np.mean(values > mean)),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "quantity"
    return table


def _chunk_stream(root: np.random.SeedSequence, index: int) -> np.random.Generator:
    """Random stream of chunk ``index``: a child of ``root`` fixed by its index."""
    child = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, index))
    return np.random.default_rng(child)


def simulate(
    pmf: DepositCountPmf,
    model: GradeTonnageModel,
    n_trials: int = 20_000,
    *,
    seed: SeedLike = None,
    chunk_trials: int | None = None,
    keep_deposits: bool = False,
    progress: ProgressCallback | None = None,
    n_jobs: int | None = None,
) -> SimulationResult:
    """Simulate the undiscovered ore and metal of one tract.

    Parameters
    ----------
    pmf : DepositCountPmf
        Number of undiscovered deposits.
    model : GradeTonnageModel
        Fitted grade-tonnage model.
    n_trials : int
        Monte Carlo trials (MapMark4 uses 20,000).
    seed : int, SeedSequence, Generator or None
        Seed of the run; the same seed and chunk size give bit-identical results.
    chunk_trials : int, optional
        Trials per chunk (default: the ``chunk_trials`` option, 50,000); bounds memory.
    keep_deposits : bool
        Also return the per-deposit table (memory grows with ``n_trials * E[N]``).
    progress : callable, optional
        Called as ``progress(trials_done, n_trials)`` after each chunk.
    n_jobs : int, optional
        Threads simulating chunks at once (default: the ``n_jobs`` option, 1). Results do
        not depend on it.

    Returns
    -------
    SimulationResult

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> table = pd.DataFrame({"ore_t": np.exp(rng.normal(19, 1.4, 40)),
    ...                       "cu_pct": np.exp(rng.normal(-0.8, 0.4, 40))})
    >>> model = GradeTonnageModel().fit(table)
    >>> pmf = DepositCountPmf([0.2, 0.5, 0.3])
    >>> result = simulate(pmf, model, 5_000, seed=1)
    >>> list(result.totals.columns)
    ['trial', 'n_deposits', 'ore_t', 'cu_t']
    """
    if int(n_trials) != n_trials or n_trials < 1:
        msg = f"n_trials must be a positive integer, got {n_trials!r}"
        raise ValidationError(msg)
    chunk = int(chunk_trials or get_options()["chunk_trials"])
    if chunk < 1:
        msg = f"chunk_trials must be a positive integer, got {chunk_trials!r}"
        raise ValidationError(msg)
    moments = model.moments()
    root = as_seed_sequence(seed)
    metals = model.metals_
    m = len(metals)
    n_deposits = np.empty(n_trials, dtype=np.int64)
    sums = np.empty((n_trials, 1 + m))

    def run_chunk(index: int) -> tuple[int, int, pd.DataFrame | None]:
        start = index * chunk
        stop = min(start + chunk, n_trials)
        size = stop - start
        rng = _chunk_stream(root, index)
        counts = pmf.sample(size, rng)
        total = int(counts.sum())
        ore, fractions = model.sample_arrays(total, rng)
        owner = np.repeat(np.arange(size), counts)
        n_deposits[start:stop] = counts
        sums[start:stop, 0] = np.bincount(owner, weights=ore, minlength=size)
        metal = [ore * fractions[:, k] for k in range(m)]
        for k in range(m):
            sums[start:stop, 1 + k] = np.bincount(owner, weights=metal[k], minlength=size)
        table = None
        if keep_deposits:
            first = np.cumsum(counts) - counts
            columns = {
                "trial": start + 1 + owner,
                "n_deposits": counts[owner],
                "deposit": np.arange(total) - first[owner] + 1,
                "ore_t": ore,
            }
            for k, name in enumerate(metals):
                columns[f"{name}_pct"] = from_mass_fraction(fractions[:, k], "%")
            for k, name in enumerate(metals):
                columns[f"{name}_t"] = metal[k]
            table = pd.DataFrame(columns)
        return stop, index, table

    n_chunks = -(-n_trials // chunk)
    workers = min(int(n_jobs or get_options()["n_jobs"]), n_chunks)
    kept: list[pd.DataFrame | None] = [None] * n_chunks
    # NumPy releases the GIL in random generation and array arithmetic, so threads share the
    # chunks; each chunk writes its own rows, and its stream depends only on its index, so the
    # result is the same for any number of workers.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done, index, table in pool.map(run_chunk, range(n_chunks)):
            kept[index] = table
            if progress is not None:
                progress(done, n_trials)
    totals = pd.DataFrame(
        {"trial": np.arange(1, n_trials + 1), "n_deposits": n_deposits}
        | {name: sums[:, k] for k, name in enumerate(moments.names)}
    )
    deposits = (
        pd.concat([t for t in kept if t is not None], ignore_index=True) if keep_deposits else None
    )
    return SimulationResult(
        totals=totals,
        deposits=deposits,
        pmf=pmf,
        model=model,
        moments=moments,
        entropy=int(root.entropy) if isinstance(root.entropy, int) else 0,
        chunk_trials=chunk,
    )
