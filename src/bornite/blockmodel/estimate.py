"""The estimation driver: fitted estimators applied to block centroids in chunks."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import nullcontext
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr

from bornite._config import get_options
from bornite.blockmodel.grid import BlockGrid
from bornite.errors import ValidationError

__all__ = ["PointEstimator", "estimate_blocks"]


class PointEstimator(Protocol):
    """Anything fitted with a ``predict(targets)`` that returns one table row per target."""

    def predict(self, targets: npt.NDArray[np.float64]) -> pd.DataFrame | Any:
        """Estimates at ``targets`` (an ``(m, 3)`` array of easting, northing, elevation)."""


def estimate_blocks(
    grid: BlockGrid,
    estimator: PointEstimator,
    *,
    mask: npt.ArrayLike | None = None,
    chunk_blocks: int = 20_000,
    n_jobs: int | None = None,
    prefix: str = "",
    progress: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
) -> xr.Dataset:
    """Estimate every block (or the masked ones) with a fitted estimator, chunk by chunk.

    Parameters
    ----------
    grid : BlockGrid
        Block grid; targets are the block centroids (block support, if any, is the
        estimator's business: it knows the block size it was configured with).
    estimator : PointEstimator
        Fitted, with ``predict(targets) -> DataFrame`` (one row per target, numeric columns).
    mask : array_like of bool, shape ``grid.shape``, optional
        Blocks to estimate (e.g. a domain); the rest are NaN.
    chunk_blocks : int
        Blocks per chunk; bounds memory (the estimator sees one chunk at a time).
    n_jobs : int, optional
        Chunks estimated at once in threads (default: the ``n_jobs`` option). Chunks are
        independent, so the result does not depend on it; Dask can map the same chunks.
    prefix : str
        Prefix for the output variable names (``"cu_"`` gives ``cu_estimate`` ...).
    progress : callable, optional
        ``progress(blocks_done, blocks_total)`` after each chunk.
    executor : concurrent.futures.Executor, optional
        Run the chunks on this executor instead of local threads: a
        :class:`~concurrent.futures.ProcessPoolExecutor`, or a Dask cluster through
        ``distributed.Client(...).get_executor()``. The estimator is sent with each chunk, so
        it must pickle (bornite's estimators do); results are identical.

    Returns
    -------
    xarray.Dataset
        One variable per column that ``predict`` returns, on the grid's dimensions.
    """
    if chunk_blocks < 1:
        msg = f"chunk_blocks must be >= 1, got {chunk_blocks}"
        raise ValidationError(msg)
    selected = np.ones(grid.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    if selected.shape != grid.shape:
        msg = f"mask has shape {selected.shape}; the grid has {grid.shape}"
        raise ValidationError(msg)
    targets = grid.centroids(selected)
    flat_index = np.flatnonzero(selected.ravel())
    starts = list(range(0, len(targets), chunk_blocks))

    outputs: dict[str, npt.NDArray[np.float64]] = {}
    workers = max(1, min(int(n_jobs or get_options()["n_jobs"]), max(len(starts), 1)))
    done = 0
    chunks = [targets[start : start + chunk_blocks] for start in starts]
    with (
        ThreadPoolExecutor(max_workers=workers)
        if executor is None
        else nullcontext(executor) as pool
    ):
        tables = pool.map(_predict_chunk, [estimator] * len(chunks), chunks)
        for start, table in zip(starts, tables, strict=True):
            for column in table.columns:
                values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
                if column not in outputs:
                    outputs[column] = np.full(grid.n_blocks, np.nan)
                outputs[column][flat_index[start : start + len(table)]] = values
            done += len(table)
            if progress is not None:
                progress(done, len(targets))
    return grid.dataset(**{f"{prefix}{name}": values for name, values in outputs.items()})


def _predict_chunk(estimator: PointEstimator, targets: npt.NDArray[np.float64]) -> pd.DataFrame:
    """One chunk: a module-level function, so that process and Dask executors can pickle it."""
    table = pd.DataFrame(estimator.predict(targets))
    if len(table) != len(targets):
        msg = "the estimator returned a different number of rows than targets"
        raise ValidationError(msg)
    return table
