"""Success-rate and prediction-rate curves, their areas, and ROC AUC of prospectivity maps.

A *success-rate curve* ranks the cells of a prospectivity map from the most to the least
prospective and plots the cumulative fraction of training deposits captured against the
cumulative fraction of the study area (Chung and Fabbri, 2003); with deposits withheld from
training it is a *prediction-rate curve*. Cells with equal scores are one step of the
curve (ties are never split arbitrarily), so the area under it is the probability that a
deposit's cell outranks a random cell, ties counting one half.

:func:`roc_auc_map` is the area under the ROC curve exactly as Geoscience Australia's
*Calculate AUC* tool computes it (R package modEvA, ``AUC(obs = deposit coordinates, pred =
raster)``): every deposit is a presence (a cell with ``k`` deposits counts ``k`` times),
every cell without a deposit an absence, and the Mann-Whitney statistic with mid-ranks
gives the area.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from bornite.errors import ValidationError
from bornite.prospectivity.weights import class_frequencies

__all__ = [
    "capture_table",
    "curve_auc",
    "out_of_fold_rate_curve",
    "prediction_rate_curve",
    "roc_auc_map",
    "success_rate_curve",
]


def success_rate_curve(
    score: Any,
    deposits: Any,
    *,
    higher_is_better: bool = True,
) -> pd.DataFrame:
    """Fraction of deposits against fraction of area, cells ranked by score.

    Parameters
    ----------
    score : xarray.DataArray or array_like, 2-D
        Prospectivity (posterior probability, fuzzy membership, model score); NaN outside
        the study area.
    deposits : array_like, 2-D
        Deposits per cell or a boolean mask on the same grid.
    higher_is_better : bool
        Rank high scores first (default) or low scores first.

    Returns
    -------
    pandas.DataFrame
        One row per distinct score, from the best, after a first row at the origin:
        ``threshold`` (cells scoring at least this, or at most for
        ``higher_is_better=False``), ``cells``, ``deposits`` (cumulative),
        ``area_fraction`` and ``deposit_fraction``. ``attrs`` holds ``auc``,
        ``n_cells`` and ``n_deposits`` (deposits on scored cells).

    Examples
    --------
    >>> import numpy as np
    >>> score = np.array([[0.9, 0.5], [0.5, 0.1]])
    >>> curve = success_rate_curve(score, np.array([[1, 0], [1, 0]]))
    >>> curve[["area_fraction", "deposit_fraction"]].to_numpy().tolist()
    [[0.0, 0.0], [0.25, 0.5], [0.75, 1.0], [1.0, 1.0]]
    >>> curve.attrs["auc"]
    0.6875
    """
    freq = class_frequencies(score, deposits)
    if freq.empty:
        msg = "the score grid holds no finite values; nothing to rank"
        raise ValidationError(msg)
    freq = freq.sort_values("class", ascending=not higher_is_better, kind="stable")
    cells = np.cumsum(freq["cells"].to_numpy())
    points = np.cumsum(freq["points"].to_numpy())
    n_cells = int(cells[-1])
    n_points = int(points[-1])
    if n_points == 0:
        msg = (
            "no deposit falls on a scored cell; check that the deposits and the map share a "
            "grid (bornite.io.vector.points_to_cells)"
        )
        raise ValidationError(msg)
    curve = pd.DataFrame(
        {
            "threshold": np.concatenate(([np.nan], freq["class"].to_numpy())),
            "cells": np.concatenate(([0], cells)),
            "deposits": np.concatenate(([0], points)),
        }
    )
    curve["area_fraction"] = curve["cells"] / n_cells
    curve["deposit_fraction"] = curve["deposits"] / n_points
    curve.attrs.update(n_cells=n_cells, n_deposits=n_points)
    curve.attrs["auc"] = curve_auc(curve)
    return curve


def prediction_rate_curve(
    score: Any,
    validation_deposits: Any,
    *,
    higher_is_better: bool = True,
) -> pd.DataFrame:
    """Success-rate curve of deposits that were *not* used to build the map.

    Same computation and columns as :func:`success_rate_curve`; the name records that the
    deposits are a validation set, so the area measures predictive, not fitting, power.
    """
    return success_rate_curve(score, validation_deposits, higher_is_better=higher_is_better)


def out_of_fold_rate_curve(predictions: pd.DataFrame) -> pd.DataFrame:
    """The success-rate curve of out-of-fold scores: deposits captured against area.

    In presence-background cross-validation every deposit and every background cell is
    scored by a model that did not see it. Background cells are a uniform sample of the study
    area, so the share of them scoring at least ``t`` estimates the share of the area that a
    map threshold at ``t`` selects; the share of deposits scoring at least ``t`` is the share
    captured. Unlike the success-rate curve of the map (the model scoring its own training
    deposits, which a flexible model nearly memorises), this curve says how well deposits
    the model has not seen would be found.

    Parameters
    ----------
    predictions : pandas.DataFrame
        ``presence`` (1 deposit, 0 background) and ``score``, e.g.
        :attr:`CrossValidationResult.predictions`.

    Returns
    -------
    pandas.DataFrame
        As :func:`success_rate_curve`, with ``cells`` and ``deposits`` counting background
        samples and deposits; ``attrs``: ``auc`` (presence against background, ties one half),
        ``n_cells`` (background samples), ``n_deposits`` and ``basis = "out-of-fold"``.

    Examples
    --------
    >>> oof = pd.DataFrame({"presence": [1, 1, 0, 0, 0, 0],
    ...                     "score": [0.9, 0.5, 0.5, 0.2, 0.1, 0.1]})
    >>> curve = out_of_fold_rate_curve(oof)
    >>> curve[["area_fraction", "deposit_fraction"]].to_numpy().tolist()
    [[0.0, 0.0], [0.0, 0.5], [0.25, 1.0], [0.5, 1.0], [1.0, 1.0]]
    >>> curve.attrs["auc"]
    0.9375
    """
    missing = sorted({"presence", "score"} - set(predictions.columns))
    if missing:
        msg = f"out-of-fold predictions need columns presence and score; missing {missing}"
        raise ValidationError(msg)
    presence = predictions["presence"].to_numpy() == 1
    score = predictions["score"].to_numpy(dtype=np.float64)
    keep = np.isfinite(score)
    presence, score = presence[keep], score[keep]
    n_deposits, n_cells = int(presence.sum()), int((~presence).sum())
    if n_deposits == 0 or n_cells == 0:
        msg = (
            "out-of-fold predictions need deposits and background samples with finite scores; "
            f"got {n_deposits} and {n_cells}"
        )
        raise ValidationError(msg)
    levels, inverse = np.unique(-score, return_inverse=True)
    deposits = np.bincount(inverse, weights=presence, minlength=levels.size)
    cells = np.bincount(inverse, weights=~presence, minlength=levels.size)
    curve = pd.DataFrame(
        {
            "threshold": np.concatenate(([np.nan], -levels)),
            "cells": np.concatenate(([0], np.cumsum(cells))).astype(np.int64),
            "deposits": np.concatenate(([0], np.cumsum(deposits))).astype(np.int64),
        }
    )
    curve["area_fraction"] = curve["cells"] / n_cells
    curve["deposit_fraction"] = curve["deposits"] / n_deposits
    curve.attrs.update(n_cells=n_cells, n_deposits=n_deposits, basis="out-of-fold")
    curve.attrs["auc"] = curve_auc(curve)
    return curve


def curve_auc(curve: pd.DataFrame) -> float:
    """Area under a success- or prediction-rate curve (trapezoid rule).

    Because tied cells form one straight step, this equals
    ``P(S_deposit > S_cell) + P(S_deposit = S_cell) / 2`` for a random deposit and a random
    cell of the study area.
    """
    x = curve["area_fraction"].to_numpy(dtype=np.float64)
    y = curve["deposit_fraction"].to_numpy(dtype=np.float64)
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2.0))


def roc_auc_map(score: Any, deposits: Any, *, higher_is_better: bool = True) -> float:
    """ROC AUC of a map: deposits as presences, deposit-free cells as absences (modEvA).

    Parameters
    ----------
    score : xarray.DataArray or array_like, 2-D
        Prospectivity; NaN outside the study area (deposits there are ignored).
    deposits : array_like, 2-D
        Deposits per cell (a cell with ``k`` deposits is ``k`` presences) or a mask.
    higher_is_better : bool
        High scores are prospective (default).

    Returns
    -------
    float
        ``(sum over presences of #absences scoring lower + #ties / 2) / (n1 n0)``, the
        Mann-Whitney form with mid-ranks that modEvA's ``AUC(method = "rank")`` uses.

    Examples
    --------
    >>> import numpy as np
    >>> roc_auc_map(np.array([[0.9, 0.5], [0.5, 0.1]]), np.array([[1, 0], [1, 0]]))
    0.875
    """
    freq = class_frequencies(score, deposits)
    freq = freq.sort_values("class", ascending=higher_is_better, kind="stable")
    n1_k = freq["points"].to_numpy(dtype=np.float64)
    n0_k = (freq["cells"] - freq["occupied_cells"]).to_numpy(dtype=np.float64)
    n1, n0 = float(n1_k.sum()), float(n0_k.sum())
    if n1 == 0 or n0 == 0:
        msg = (
            f"ROC AUC needs presences and absences; got {n1:g} deposits on scored cells and "
            f"{n0:g} cells without deposits"
        )
        raise ValidationError(msg)
    below = np.concatenate(([0.0], np.cumsum(n0_k)[:-1]))
    return float(np.sum(n1_k * (below + 0.5 * n0_k)) / (n1 * n0))


def capture_table(
    curve: pd.DataFrame,
    *,
    area_fractions: Sequence[float] = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5),
    deposit_fractions: Sequence[float] = (0.5, 0.75, 0.9),
) -> pd.DataFrame:
    """ "x % of the deposits lie in the best y % of the area", read off a rate curve.

    Parameters
    ----------
    curve : pandas.DataFrame
        From :func:`success_rate_curve` or :func:`prediction_rate_curve`.
    area_fractions : sequence of float
        Fractions of the area (0-1) at which to read the deposits captured.
    deposit_fractions : sequence of float
        Fractions of the deposits (0-1) for which to read the area needed.

    Returns
    -------
    pandas.DataFrame
        ``area_pct``, ``deposits_pct`` and ``given`` (``"area"`` or ``"deposits"``), sorted
        by area; values inside a tie step are interpolated linearly along the step.

    Examples
    --------
    >>> import numpy as np
    >>> curve = success_rate_curve(np.array([[0.9, 0.5], [0.5, 0.1]]),
    ...                            np.array([[1, 0], [1, 0]]))
    >>> capture_table(curve, area_fractions=[0.25], deposit_fractions=[1.0]).to_dict("list")
    {'area_pct': [25.0, 75.0], 'deposits_pct': [50.0, 100.0], 'given': ['area', 'deposits']}
    """
    x = curve["area_fraction"].to_numpy(dtype=np.float64)
    y = curve["deposit_fraction"].to_numpy(dtype=np.float64)
    for name, values in (
        ("area_fractions", area_fractions),
        ("deposit_fractions", deposit_fractions),
    ):
        bad = [v for v in values if not 0.0 <= float(v) <= 1.0]
        if bad:
            msg = f"{name} must lie between 0 and 1, got {bad}"
            raise ValidationError(msg)
    rows = [(100.0 * float(a), 100.0 * _read(x, y, float(a)), "area") for a in area_fractions]
    rows += [
        (100.0 * _read(y, x, float(d)), 100.0 * float(d), "deposits") for d in deposit_fractions
    ]
    table = pd.DataFrame(rows, columns=["area_pct", "deposits_pct", "given"])
    return table.sort_values(["area_pct", "deposits_pct"], kind="stable").reset_index(drop=True)


def _read(x: np.ndarray, y: np.ndarray, at: float) -> float:
    """``y`` where the non-decreasing ``x`` first reaches ``at`` (linear within a step)."""
    i = int(np.searchsorted(x, at, side="left"))
    if i <= 0:
        return float(y[0])
    if i >= x.size:
        return float(y[-1])
    x0, x1, y0, y1 = x[i - 1], x[i], y[i - 1], y[i]
    if x1 == x0:
        return float(y1)
    return float(y0 + (y1 - y0) * (at - x0) / (x1 - x0))
