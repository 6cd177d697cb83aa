"""Spatial cross-validation of prospectivity models and ROC AUC with confidence intervals.

Deposits cluster, and evidence layers are smooth in space. When a random k-fold split puts a
deposit in the test fold and its neighbour (sharing almost the same evidence) in the training
fold, the model is rewarded for memorising places rather than learning the geology, and the
cross-validated score is optimistic (Roberts et al. 2017). The schemes here hold out whole
regions instead:

* :func:`block_folds`: square spatial blocks of side ``block_size`` assigned to folds
  (shuffled with a seed, balanced greedily by the number of deposits, then samples);
* :func:`buffered_leave_one_out`: each deposit is held out alone and every training sample
  (deposit or background) within ``buffer`` of it is left out; background samples are held
  out by spatial blocks with the same buffer, so every sample gets one out-of-fold score;
* :func:`random_folds`: stratified random k-fold, for comparison (the biased baseline).

:func:`cross_validate` fits a clone of the model on each training set, scores the held-out
samples and pools the out-of-fold scores; :func:`roc_auc_ci` gives the AUC with a DeLong or
bootstrap confidence interval.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats
from scipy.spatial import cKDTree
from sklearn.base import clone

from bornite.core.random import SeedLike, as_generator
from bornite.errors import ValidationError

__all__ = [
    "AucResult",
    "CrossValidationResult",
    "block_folds",
    "buffered_folds",
    "buffered_leave_one_out",
    "cross_validate",
    "random_folds",
    "roc_auc",
    "roc_auc_ci",
]

logger = logging.getLogger(__name__)
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Split = tuple[IntArray, IntArray]


# ------------------------------------------------------------------------------ AUC
@dataclass(frozen=True)
class AucResult:
    """ROC AUC with a confidence interval.

    Attributes
    ----------
    auc : float
        Area under the ROC curve: the probability that a random deposit scores above a random
        background sample (ties count one half).
    lower, upper : float
        Confidence bounds.
    confidence : float
        Confidence level of the interval.
    method : str
        ``"delong"`` or ``"bootstrap"``.
    se : float
        Standard error (DeLong) or standard deviation of the bootstrap AUCs.
    n_presence, n_background : int
        Numbers of deposits and background samples scored.
    """

    auc: float
    lower: float
    upper: float
    confidence: float
    method: str
    se: float
    n_presence: int
    n_background: int


def _labels_scores(labels: npt.ArrayLike, scores: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    y = np.asarray(labels).ravel()
    s = np.asarray(scores, dtype=float).ravel()
    if y.shape != s.shape:
        msg = f"labels and scores must have the same length; got {y.size} and {s.size}"
        raise ValidationError(msg)
    if not np.isin(y, (0, 1)).all() or not np.isfinite(s).all():
        msg = "labels must be 0/1 and scores finite; drop unscored (NaN) samples first"
        raise ValidationError(msg)
    pos, neg = s[y == 1], s[y == 0]
    if pos.size == 0 or neg.size == 0:
        msg = f"ROC AUC needs deposits and background; got {pos.size} and {neg.size}"
        raise ValidationError(msg)
    return pos, neg


def roc_auc(labels: npt.ArrayLike, scores: npt.ArrayLike) -> float:
    """ROC AUC by the Mann-Whitney statistic (ties count one half).

    Examples
    --------
    >>> roc_auc([1, 1, 0, 0, 0], [0.9, 0.4, 0.5, 0.1, 0.4])
    0.75
    """
    pos, neg = _labels_scores(labels, scores)
    ranks = stats.rankdata(np.concatenate([pos, neg]))
    m, n = pos.size, neg.size
    return float((ranks[:m].sum() - m * (m + 1) / 2) / (m * n))


def roc_auc_ci(
    labels: npt.ArrayLike,
    scores: npt.ArrayLike,
    *,
    method: Literal["delong", "bootstrap"] = "delong",
    confidence: float = 0.95,
    n_bootstrap: int = 2000,
    seed: SeedLike = None,
) -> AucResult:
    """ROC AUC with a DeLong or stratified-bootstrap confidence interval.

    Parameters
    ----------
    labels : array-like of {0, 1}
        1 for deposits, 0 for background.
    scores : array-like of float
        Scores (higher: more prospective).
    method : {"delong", "bootstrap"}
        ``"delong"``: the variance of DeLong et al. (1988) in the fast midrank form of Sun and
        Xu (2014), with a normal interval clipped to [0, 1]. ``"bootstrap"``: percentile
        interval of ``n_bootstrap`` resamples drawn with replacement within each class.
    confidence : float
        Confidence level in (0, 1).
    n_bootstrap : int
        Bootstrap resamples.
    seed : int, SeedSequence, Generator or None
        Seed of the bootstrap.

    Returns
    -------
    AucResult

    Notes
    -----
    With ``m`` deposits and ``n`` background samples, let ``T_z`` be midranks in the pooled
    sample and ``T_x``, ``T_y`` midranks within each class. The structural components are
    ``V10_i = (T_z,i - T_x,i) / n`` for deposits and ``V01_j = 1 - (T_z,j - T_y,j) / m`` for
    background; ``AUC = mean(V10)`` and ``Var(AUC) = s^2(V10) / m + s^2(V01) / n``. Both
    intervals treat samples as independent, which spatial autocorrelation violates: with
    clustered deposits the intervals are too narrow, one more reason to cross-validate by
    blocks. Deposits are often few (tens): the interval is then wide, as it should be.

    References
    ----------
    DeLong, E. R., DeLong, D. M. and Clarke-Pearson, D. L. (1988). Comparing the areas under
    two or more correlated receiver operating characteristic curves: a nonparametric approach.
    *Biometrics* 44, 837-845.
    Sun, X. and Xu, W. (2014). Fast implementation of DeLong's algorithm for comparing the
    areas under correlated receiver operating characteristic curves. *IEEE Signal Processing
    Letters* 21, 1389-1393.

    Examples
    --------
    >>> result = roc_auc_ci([1, 1, 1, 0, 0, 0, 0], [0.9, 0.8, 0.3, 0.5, 0.2, 0.1, 0.4])
    >>> round(result.auc, 4), result.lower < result.auc < result.upper
    (0.8333, True)
    """
    pos, neg = _labels_scores(labels, scores)
    if not 0 < confidence < 1:
        msg = f"confidence must lie in (0, 1); got {confidence}"
        raise ValidationError(msg)
    m, n = pos.size, neg.size
    tz = stats.rankdata(np.concatenate([pos, neg]))
    v10 = (tz[:m] - stats.rankdata(pos)) / n
    v01 = 1.0 - (tz[m:] - stats.rankdata(neg)) / m
    auc = float(v10.mean())
    alpha = 1.0 - confidence
    if method == "delong":
        var = (v10.var(ddof=1) / m if m > 1 else 0.0) + (v01.var(ddof=1) / n if n > 1 else 0.0)
        se = float(np.sqrt(var))
        z = float(stats.norm.ppf(1 - alpha / 2))
        lower, upper = max(0.0, auc - z * se), min(1.0, auc + z * se)
    elif method == "bootstrap":
        if n_bootstrap < 10:
            msg = f"n_bootstrap must be >= 10; got {n_bootstrap}"
            raise ValidationError(msg)
        rng = as_generator(seed)
        boots = np.empty(n_bootstrap)
        for b in range(n_bootstrap):
            p = pos[rng.integers(0, m, m)]
            q = neg[rng.integers(0, n, n)]
            r = stats.rankdata(np.concatenate([p, q]))
            boots[b] = (r[:m].sum() - m * (m + 1) / 2) / (m * n)
        se = float(boots.std(ddof=1))
        lower, upper = (float(v) for v in np.quantile(boots, [alpha / 2, 1 - alpha / 2]))
    else:
        msg = f"method must be 'delong' or 'bootstrap'; got {method!r}"
        raise ValidationError(msg)
    return AucResult(auc, lower, upper, confidence, method, se, m, n)


# ------------------------------------------------------------------------------ folds
def _coordinates(coordinates: npt.ArrayLike) -> FloatArray:
    xy = np.asarray(coordinates, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2 or not np.isfinite(xy).all():
        msg = f"coordinates: expected a finite (n, 2) array of (easting, northing); got {xy.shape}"
        raise ValidationError(msg)
    return xy


def _check_folds(n_folds: int) -> int:
    if int(n_folds) < 2:
        msg = f"n_folds must be >= 2; got {n_folds}"
        raise ValidationError(msg)
    return int(n_folds)


def block_folds(
    coordinates: npt.ArrayLike,
    block_size: float,
    n_folds: int = 5,
    *,
    labels: npt.ArrayLike | None = None,
    seed: SeedLike = None,
) -> IntArray:
    """Assign samples to folds by square spatial blocks.

    Parameters
    ----------
    coordinates : array-like, shape (n, 2)
        Sample ``(easting, northing)``.
    block_size : float
        Side of the blocks (CRS units); choose it larger than the range of spatial
        autocorrelation of the evidence (and than deposit clusters).
    n_folds : int
        Number of folds.
    labels : array-like of {0, 1}, optional
        With labels, folds are balanced by their number of deposits first.
    seed : int, SeedSequence, Generator or None
        Seed of the block order.

    Returns
    -------
    ndarray of int
        Fold (``0 .. n_folds-1``) of each sample; samples in one block share a fold.

    Notes
    -----
    Blocks are shuffled, sorted by decreasing number of deposits (stable, so ties keep the
    random order), and each block holding deposits is given to the fold with the fewest
    deposits so far (then the fewest samples); blocks without deposits go to the fold with
    the fewest samples.

    Examples
    --------
    >>> xy = [[10.0, 10.0], [20.0, 15.0], [510.0, 10.0], [520.0, 30.0]]
    >>> folds = block_folds(xy, 100.0, 2, seed=0)
    >>> bool(folds[0] == folds[1]), bool(folds[2] == folds[3]), bool(folds[0] != folds[2])
    (True, True, True)
    """
    xy = _coordinates(coordinates)
    k = _check_folds(n_folds)
    if not (np.isfinite(block_size) and block_size > 0):
        msg = f"block_size must be a finite distance > 0; got {block_size!r}"
        raise ValidationError(msg)
    y = np.zeros(len(xy), dtype=np.int64) if labels is None else np.asarray(labels).ravel()
    ij = np.floor((xy - xy.min(axis=0)) / block_size).astype(np.int64)
    _, block = np.unique(ij, axis=0, return_inverse=True)
    block = block.ravel()
    n_blocks = int(block.max()) + 1
    if n_blocks < k:
        msg = (
            f"only {n_blocks} blocks of size {block_size} hold samples, fewer than "
            f"n_folds={k}; use smaller blocks or fewer folds"
        )
        raise ValidationError(msg)
    presences = np.bincount(block, weights=(y == 1), minlength=n_blocks)
    sizes = np.bincount(block, minlength=n_blocks)
    order = as_generator(seed).permutation(n_blocks)
    order = order[np.argsort(-presences[order], kind="stable")]
    fold_of_block = np.empty(n_blocks, dtype=np.int64)
    load = np.zeros((k, 2))
    for b in order:
        # Blocks with deposits go where deposits are fewest, the others where samples are.
        keys = (load[:, 1], load[:, 0]) if presences[b] > 0 else (load[:, 0], load[:, 1])
        f = int(np.lexsort(keys)[0])
        fold_of_block[b] = f
        load[f] += (presences[b], sizes[b])
    return fold_of_block[block]


def random_folds(
    n_samples: int,
    n_folds: int = 5,
    *,
    labels: npt.ArrayLike | None = None,
    seed: SeedLike = None,
) -> IntArray:
    """Random k-fold assignment (stratified by ``labels`` when given).

    Examples
    --------
    >>> np.bincount(random_folds(10, 5, seed=1)).tolist()
    [2, 2, 2, 2, 2]
    """
    k = _check_folds(n_folds)
    rng = as_generator(seed)
    folds = np.empty(int(n_samples), dtype=np.int64)
    y = np.zeros(int(n_samples), dtype=np.int64) if labels is None else np.asarray(labels).ravel()
    offset = 0
    for value in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == value))
        folds[idx] = (np.arange(idx.size) + offset) % k
        offset += idx.size
    return folds


def buffered_folds(coordinates: npt.ArrayLike, folds: npt.ArrayLike, buffer: float) -> list[Split]:
    """Train/test splits from fold labels, leaving out training samples near the test fold.

    A sample is left out of a fold's training set when it lies within ``buffer`` of any
    sample of the test fold (``buffer = 0``: plain folds).

    Returns
    -------
    list of (train_indices, test_indices)
    """
    xy = _coordinates(coordinates)
    f = np.asarray(folds).ravel()
    if f.shape != (len(xy),):
        msg = f"folds: expected one fold per sample ({len(xy)}); got shape {f.shape}"
        raise ValidationError(msg)
    if not (np.isfinite(buffer) and buffer >= 0):
        msg = f"buffer must be a finite distance >= 0; got {buffer!r}"
        raise ValidationError(msg)
    splits: list[Split] = []
    for value in np.unique(f):
        test = np.flatnonzero(f == value)
        train_mask = f != value
        if buffer > 0:
            near, _ = _near(xy, xy[test], buffer)
            train_mask &= ~near
        splits.append((np.flatnonzero(train_mask), test))
    return splits


def _near(xy: FloatArray, centres: FloatArray, buffer: float) -> tuple[npt.NDArray[np.bool_], Any]:
    tree = cKDTree(centres)
    d, _ = tree.query(xy, distance_upper_bound=buffer)
    return np.isfinite(d), tree


def buffered_leave_one_out(
    coordinates: npt.ArrayLike,
    labels: npt.ArrayLike,
    buffer: float,
    *,
    background_block_size: float | None = None,
    n_background_folds: int = 5,
    seed: SeedLike = None,
) -> list[Split]:
    """Buffered leave-one-deposit-out splits.

    Parameters
    ----------
    coordinates : array-like, shape (n, 2)
        Sample ``(easting, northing)``.
    labels : array-like of {0, 1}
        1 for deposits, 0 for background.
    buffer : float
        Training samples (deposits and background) within this distance of the held-out
        samples are left out of the fold's training set; choose the range of spatial
        autocorrelation of the evidence or the size of deposit clusters.
    background_block_size : float, optional
        Background samples are held out by spatial blocks of this size (default
        ``2 * buffer``, at least 1/10 of the extent), in ``n_background_folds`` folds;
        background training samples within ``buffer`` of a held-out background sample are
        left out, deposits are all kept (buffering them too would leave almost none, as the
        held-out background is spread over the region). These folds only contribute
        background scores.
    n_background_folds : int
        Folds for the background.
    seed : int, SeedSequence, Generator or None
        Seed of the background blocks.

    Returns
    -------
    list of (train_indices, test_indices)
        One split per deposit (the test set is that deposit alone), then one per background
        fold. Every sample is tested exactly once; pooled out-of-fold scores give the AUC.

    Notes
    -----
    This is the buffered leave-one-out of Roberts et al. (2017) for the rare class, with
    buffered blocks for the abundant background so that the cost is ``n_deposits +
    n_background_folds`` fits instead of one per sample.

    Examples
    --------
    >>> xy = [[0.0, 0.0], [50.0, 0.0], [1000.0, 0.0], [0.0, 900.0], [900.0, 900.0]]
    >>> splits = buffered_leave_one_out(xy, [1, 1, 1, 0, 0], 100.0, n_background_folds=2,
    ...                                 seed=0)
    >>> splits[0][0].tolist(), splits[0][1].tolist()
    ([2, 3, 4], [0])
    """
    xy = _coordinates(coordinates)
    y = np.asarray(labels).ravel()
    if y.shape != (len(xy),) or not np.isin(y, (0, 1)).all():
        msg = f"labels: expected one 0/1 label per sample ({len(xy)})"
        raise ValidationError(msg)
    if not (np.isfinite(buffer) and buffer >= 0):
        msg = f"buffer must be a finite distance >= 0; got {buffer!r}"
        raise ValidationError(msg)
    tree = cKDTree(xy)
    everyone = np.arange(len(xy))
    splits: list[Split] = []
    for i in np.flatnonzero(y == 1):
        near = tree.query_ball_point(xy[i], buffer) if buffer > 0 else [i]
        mask = np.ones(len(xy), dtype=bool)
        mask[near] = False
        mask[i] = False
        splits.append((everyone[mask], np.array([i], dtype=np.int64)))
    background = np.flatnonzero(y == 0)
    if background.size:
        extent = float(np.ptp(xy, axis=0).max()) or 1.0
        size = background_block_size or max(2.0 * buffer, extent / 10.0)
        folds = block_folds(xy[background], size, n_background_folds, seed=seed)
        for f in range(int(folds.max()) + 1):
            test = background[folds == f]
            mask = np.ones(len(xy), dtype=bool)
            mask[test] = False
            if buffer > 0:
                near, _ = _near(xy, xy[test], buffer)
                mask &= ~(near & (y == 0))
            splits.append((everyone[mask], test))
    return splits


# ------------------------------------------------------------------------------ CV driver
@dataclass(frozen=True)
class CrossValidationResult:
    """Out-of-fold scores of a cross-validated prospectivity model.

    Attributes
    ----------
    scheme : str
        ``"blocks"``, ``"buffered_loo"``, ``"random"`` or ``"custom"``.
    predictions : DataFrame
        One row per scored sample: ``sample`` (row of the input table), ``fold``,
        ``presence``, ``score`` (out-of-fold presence probability), ``easting``, ``northing``.
    auc : AucResult
        AUC of the pooled out-of-fold scores, with its interval.
    folds : DataFrame
        Per fold: ``fold``, ``n_train``, ``n_test``, ``n_test_presence``, ``auc`` (NaN when
        the test fold lacks one of the classes, e.g. a single held-out deposit).
    """

    scheme: str
    predictions: pd.DataFrame
    auc: AucResult
    folds: pd.DataFrame


def cross_validate(
    model: Any,
    table: pd.DataFrame,
    *,
    scheme: Literal["blocks", "buffered_loo", "random"] = "blocks",
    n_folds: int = 5,
    block_size: float | None = None,
    buffer: float = 0.0,
    splits: Sequence[Split] | None = None,
    label: str = "presence",
    ci_method: Literal["delong", "bootstrap"] = "delong",
    confidence: float = 0.95,
    seed: SeedLike = None,
) -> CrossValidationResult:
    """Cross-validate a prospectivity model with a spatial or random scheme.

    Parameters
    ----------
    model : classifier
        Unfitted (or fitted: it is cloned) scikit-learn style classifier such as
        :class:`~bornite.prospectivity.models.ProspectivityModel`.
    table : DataFrame
        Training table with ``easting``, ``northing``, the ``label`` column and the features
        (:func:`~bornite.prospectivity.models.sample_presence_background`).
    scheme : {"blocks", "buffered_loo", "random"}
        Spatial blocks (:func:`block_folds`, with ``buffer`` around each test fold when
        ``buffer > 0``), buffered leave-one-deposit-out (:func:`buffered_leave_one_out`), or
        stratified random k-fold (:func:`random_folds`).
    n_folds : int
        Folds for ``"blocks"`` and ``"random"`` (background folds for ``"buffered_loo"``).
    block_size : float, optional
        Block side for ``"blocks"``; default one fifth of the larger extent.
    buffer : float
        Exclusion buffer (CRS units).
    splits : sequence of (train, test), optional
        Explicit splits (positional row indices); overrides ``scheme``.
    label : str
        Label column.
    ci_method, confidence
        Interval of the pooled AUC (:func:`roc_auc_ci`).
    seed : int, SeedSequence, Generator or None
        Seed of the fold assignment (the model keeps its own seed).

    Returns
    -------
    CrossValidationResult
    """
    for column in ("easting", "northing", label):
        if column not in table.columns:
            msg = f"table: missing column {column!r}; build it with sample_presence_background"
            raise ValidationError(msg)
    xy = table[["easting", "northing"]].to_numpy(dtype=float)
    y = table[label].to_numpy()
    name = "custom"
    if splits is None:
        name = scheme
        if scheme == "blocks":
            size = block_size or float(np.ptp(xy, axis=0).max()) / 5.0
            splits = buffered_folds(xy, block_folds(xy, size, n_folds, labels=y, seed=seed), buffer)
        elif scheme == "random":
            splits = buffered_folds(xy, random_folds(len(y), n_folds, labels=y, seed=seed), buffer)
        elif scheme == "buffered_loo":
            splits = buffered_leave_one_out(
                xy,
                y,
                buffer,
                background_block_size=block_size,
                n_background_folds=n_folds,
                seed=seed,
            )
        else:
            msg = f"scheme must be 'blocks', 'buffered_loo' or 'random'; got {scheme!r}"
            raise ValidationError(msg)
    features = table.drop(columns=[label])
    score = np.full(len(y), np.nan)
    fold_of = np.full(len(y), -1, dtype=np.int64)
    rows = []
    for f, (train, test) in enumerate(splits):
        if (y[train] == 1).sum() < 2 or (y[train] == 0).sum() < 2:
            msg = (
                f"fold {f}: the training set keeps {(y[train] == 1).sum()} deposits and "
                f"{(y[train] == 0).sum()} background samples; use fewer folds, smaller blocks "
                "or a smaller buffer"
            )
            raise ValidationError(msg)
        fitted = clone(model).fit(features.iloc[train], y[train])
        score[test] = np.asarray(fitted.predict_proba(features.iloc[test]))[:, 1]
        fold_of[test] = f
        both = 0 < (y[test] == 1).sum() < len(test)
        rows.append(
            {
                "fold": f,
                "n_train": len(train),
                "n_test": len(test),
                "n_test_presence": int((y[test] == 1).sum()),
                "auc": roc_auc(y[test], score[test]) if both else np.nan,
            }
        )
    scored = fold_of >= 0
    predictions = pd.DataFrame(
        {
            "sample": np.flatnonzero(scored),
            "fold": fold_of[scored],
            "presence": y[scored],
            "score": score[scored],
            "easting": xy[scored, 0],
            "northing": xy[scored, 1],
        }
    )
    auc = roc_auc_ci(y[scored], score[scored], method=ci_method, confidence=confidence, seed=seed)
    logger.info("%s cross-validation: AUC %.3f [%.3f, %.3f]", name, auc.auc, auc.lower, auc.upper)
    return CrossValidationResult(name, predictions, auc, pd.DataFrame(rows))
