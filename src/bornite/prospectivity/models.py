"""Machine-learning prospectivity models trained on known deposits and background cells.

* :func:`sample_presence_background` turns a stack of evidence layers and known deposits into
  a training table: one row per deposit cell (``presence = 1``) and seeded random background
  cells (``presence = 0``) drawn away from the deposits.
* :class:`ProspectivityModel` wraps logistic regression, random forest or histogram gradient
  boosting (scikit-learn) with class weighting and probability calibration, and follows the
  scikit-learn estimator contract (it can be cloned, cross-validated and permuted).
* :func:`predict_map` scores every cell of the grid in blocks of rows (memory-bounded) and
  returns a prospectivity layer; :func:`permutation_importances` ranks the layers.

Presence-background, not presence-absence
-----------------------------------------
Background cells are *unlabelled*, not known to be barren: undiscovered deposits may lie
among them. A classifier trained on deposits against background estimates
``P(s = 1 | x)``, the probability that a cell with evidence ``x`` is one of the *sampled
deposit cells* rather than a *background draw*. Under the usual assumption that known
deposits are a random sample of all deposits (selected completely at random), this is a
monotone function of the true probability of a deposit, so maps rank cells correctly, but its
level depends on the ratio of deposits to background draws: a calibrated value of 0.8 does
not mean an 80 % chance of a deposit in the cell. Calibration (isotonic or Platt scaling,
fitted on held-out folds) makes the scores honest frequencies of *that* labelling, so that
maps from different models and layer sets are comparable; the relative odds
``p / (1 - p) * n_background / n_presence`` estimate how many times more likely a deposit is
in the cell than in an average background cell (Ward et al. 2009; Elkan and Noto 2008).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr
from scipy.spatial import cKDTree
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from bornite._config import get_options
from bornite.core.random import SeedLike, as_generator, as_seed_sequence
from bornite.errors import ValidationError
from bornite.prospectivity.grid import grid_of, stack_layers

__all__ = [
    "MODEL_METHODS",
    "ProspectivityModel",
    "categorical_layers",
    "permutation_importances",
    "predict_map",
    "sample_presence_background",
]

logger = logging.getLogger(__name__)
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Names accepted by :class:`ProspectivityModel` ``method``.
MODEL_METHODS: tuple[str, ...] = ("logistic", "random_forest", "gradient_boosting")
_CELL_COLUMNS = ("easting", "northing", "row", "col", "presence")


def _random_state(seed: SeedLike) -> int:
    """A scikit-learn ``random_state`` integer derived from a bornite seed."""
    return int(as_seed_sequence(seed).generate_state(1)[0])


def categorical_layers(layers: xr.Dataset | Mapping[str, xr.DataArray]) -> list[str]:
    """Names of the layers with ``attrs["kind"] == "categorical"`` (to one-hot encode)."""
    items = layers.data_vars if isinstance(layers, xr.Dataset) else layers
    return [str(k) for k, v in items.items() if v.attrs.get("kind") == "categorical"]


def _deposit_cells(grid: Any, deposits: pd.DataFrame) -> tuple[IntArray, IntArray]:
    if {"row", "col"} <= set(deposits.columns):
        row = deposits["row"].to_numpy(dtype=np.int64)
        col = deposits["col"].to_numpy(dtype=np.int64)
        off = (row < 0) | (row >= grid.shape[0]) | (col < 0) | (col >= grid.shape[1])
        row, col = np.where(off, -1, row), np.where(off, -1, col)
    elif {"easting", "northing"} <= set(deposits.columns):
        row, col = grid.cell_index(deposits["easting"], deposits["northing"])
    else:
        msg = (
            "deposits: expected columns easting and northing (or row and col); got "
            f"{list(deposits.columns)}"
        )
        raise ValidationError(msg)
    return row, col


def sample_presence_background(
    layers: xr.Dataset | Mapping[str, xr.DataArray],
    deposits: pd.DataFrame,
    *,
    n_background: int = 2000,
    exclusion_radius: float = 0.0,
    seed: SeedLike = None,
) -> pd.DataFrame:
    """Training table of deposit cells and random background cells.

    Parameters
    ----------
    layers : Dataset or mapping of DataArray
        Evidence layers on one grid.
    deposits : DataFrame
        Known deposits: ``easting``, ``northing`` (or grid ``row``, ``col``). Deposits off the
        grid or on cells with nodata in any layer are dropped (logged); several deposits in
        one cell give one presence row.
    n_background : int
        Number of background cells, drawn uniformly without replacement from the valid cells.
    exclusion_radius : float
        Background cells whose centre lies within this distance of a deposit are not drawn
        (0 excludes the deposit cells only).
    seed : int, SeedSequence, Generator or None
        Seed of the background draw.

    Returns
    -------
    DataFrame
        ``easting, northing, row, col, presence`` (1 deposit, 0 background) and one column per
        layer; deposit rows first.

    Notes
    -----
    Background is *unlabelled* (it may hold undiscovered deposits); see the module notes.
    """
    data = stack_layers(layers)
    grid = grid_of(data)
    names = [str(n) for n in data.data_vars]
    valid = np.ones(grid.shape, dtype=bool)
    for name in names:
        valid &= np.isfinite(np.asarray(data[name].values, dtype=float))
    row, col = _deposit_cells(grid, deposits)
    on = row >= 0
    on[on] &= valid[row[on], col[on]]
    if (~on).any():
        logger.info("%d deposits off the grid or on nodata cells were dropped", int((~on).sum()))
    cells = np.unique(row[on] * grid.shape[1] + col[on])
    if cells.size == 0:
        msg = "no deposit falls on a valid cell of the layers; check the CRS and nodata"
        raise ValidationError(msg)
    if n_background < 1:
        msg = f"n_background must be >= 1; got {n_background}"
        raise ValidationError(msg)
    if not (np.isfinite(exclusion_radius) and exclusion_radius >= 0):
        msg = f"exclusion_radius must be a finite distance >= 0; got {exclusion_radius!r}"
        raise ValidationError(msg)
    allowed = valid.ravel().copy()
    allowed[cells] = False
    if exclusion_radius > 0:
        centres = np.column_stack(
            [grid.easting[cells % grid.shape[1]], grid.northing[cells // grid.shape[1]]]
        )
        tree = cKDTree(centres)
        for block in grid.row_blocks(grid.chunk_rows_for(64)):
            near = np.isfinite(
                tree.query(grid.centres(block), distance_upper_bound=exclusion_radius)[0]
            )
            start = block.start * grid.shape[1]
            allowed[start : start + near.size] &= ~near
    candidates = np.flatnonzero(allowed)
    if candidates.size < n_background:
        msg = (
            f"only {candidates.size} valid cells lie outside the exclusion radius; ask for "
            f"fewer than n_background={n_background} or reduce exclusion_radius"
        )
        raise ValidationError(msg)
    rng = as_generator(seed)
    background = np.sort(rng.choice(candidates, size=n_background, replace=False))
    chosen = np.concatenate([cells, background])
    r, c = chosen // grid.shape[1], chosen % grid.shape[1]
    table = pd.DataFrame(
        {
            "easting": grid.easting[c],
            "northing": grid.northing[r],
            "row": r,
            "col": c,
            "presence": np.r_[
                np.ones(cells.size, dtype=np.int64), np.zeros(n_background, np.int64)
            ],
        }
    )
    for name in names:
        table[name] = np.asarray(data[name].values, dtype=float)[r, c]
    return table


class ProspectivityModel(ClassifierMixin, BaseEstimator):
    """A calibrated presence-background classifier of evidence layers.

    Parameters
    ----------
    method : {"logistic", "random_forest", "gradient_boosting"}
        Logistic regression on standardised layers; a random forest; or histogram gradient
        boosting (:class:`sklearn.ensemble.HistGradientBoostingClassifier`).
    features : sequence of str, optional
        Columns of ``X`` to use; default every column except ``easting, northing, row, col,
        presence``.
    categorical : sequence of str, optional
        Features to one-hot encode (geology units); see :func:`categorical_layers`.
    class_weight : "balanced", dict or None
        Class weights of the base learner; ``"balanced"`` weighs deposits and background
        equally in total, so that a few deposits are not swamped by background.
    calibration : {"isotonic", "sigmoid"} or None
        Calibration of the probabilities by :class:`sklearn.calibration.CalibratedClassifierCV`
        (``ensemble=False``): out-of-fold scores of the base learner on
        ``calibration_folds`` stratified folds (fitted with class weights) train the
        calibrator without weights, so the weighting does not distort the calibrated
        probabilities; the base learner is then refitted on all rows, and a map costs one
        model. ``None``: raw scores.
    calibration_folds : int
        Folds for calibration (at least 2; at most the number of deposits).
    n_estimators : int
        Trees of the forest, or boosting iterations.
    max_depth : int, optional
        Maximum tree depth (forest and boosting).
    min_samples_leaf : int
        Minimum samples in a leaf (forest and boosting).
    learning_rate : float
        Boosting learning rate.
    C : float
        Inverse L2 regularisation of the logistic regression.
    seed : int or None
        Seed of the forest, boosting and calibration folds.
    n_jobs : int, optional
        Threads for the forest and for the OpenMP loops of boosting; default the global
        option ``n_jobs`` (OpenMP is capped too, as unbounded OpenMP threads crawl on a
        shared, busy machine).

    Attributes
    ----------
    features_ : list of str
        Features used, in order.
    classes_ : ndarray
        ``[0, 1]``.
    estimator_ : sklearn estimator
        The fitted (calibrated) scikit-learn model.
    n_presence_, n_background_ : int
        Class counts of the training table.

    Notes
    -----
    Probabilities are ``P(presence | x)`` under the presence-background labelling of the
    training table; see :mod:`bornite.prospectivity.models`. Use :meth:`relative_odds` for
    a quantity that does not depend on the number of background cells drawn.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    >>> y = (X["a"] + 0.3 * rng.normal(size=200) > 1.0).astype(int)
    >>> model = ProspectivityModel("logistic", calibration="sigmoid").fit(X, y)
    >>> bool(model.predict_proba(pd.DataFrame({"a": [2.0], "b": [0.0]}))[0, 1] > 0.5)
    True
    """

    def __init__(
        self,
        method: Literal["logistic", "random_forest", "gradient_boosting"] = "random_forest",
        *,
        features: Sequence[str] | None = None,
        categorical: Sequence[str] | None = None,
        class_weight: str | dict[int, float] | None = "balanced",
        calibration: Literal["isotonic", "sigmoid"] | None = "isotonic",
        calibration_folds: int = 3,
        n_estimators: int = 200,
        max_depth: int | None = None,
        min_samples_leaf: int = 3,
        learning_rate: float = 0.1,
        C: float = 1.0,
        seed: int | None = 0,
        n_jobs: int | None = None,
    ) -> None:
        self.method = method
        self.features = features
        self.categorical = categorical
        self.class_weight = class_weight
        self.calibration = calibration
        self.calibration_folds = calibration_folds
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.learning_rate = learning_rate
        self.C = C
        self.seed = seed
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ building
    def _base(self, features: list[str], random_state: int) -> Pipeline:
        categorical = [c for c in (self.categorical or []) if c in features]
        numeric = [c for c in features if c not in categorical]
        steps: list[tuple[str, Any]] = []
        transformers: list[tuple[str, Any, list[str]]] = []
        if categorical:
            transformers.append(
                ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical)
            )
        if numeric:
            transformers.append(
                (
                    "numeric",
                    StandardScaler() if self.method == "logistic" else "passthrough",
                    numeric,
                )
            )
        steps.append(("encode", ColumnTransformer(transformers, sparse_threshold=0.0)))
        classifier: Any
        if self.method == "logistic":
            classifier = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000)
        elif self.method == "random_forest":
            classifier = RandomForestClassifier(
                n_estimators=self.n_estimators,
                max_depth=self.max_depth,
                min_samples_leaf=self.min_samples_leaf,
                class_weight=self.class_weight,
                random_state=random_state,
                n_jobs=self._threads(),
            )
        elif self.method == "gradient_boosting":
            classifier = HistGradientBoostingClassifier(
                max_iter=self.n_estimators,
                max_depth=self.max_depth,
                min_samples_leaf=self.min_samples_leaf,
                learning_rate=self.learning_rate,
                class_weight=self.class_weight,
                random_state=random_state,
            )
        else:
            msg = f"method must be one of {MODEL_METHODS}; got {self.method!r}"
            raise ValidationError(msg)
        steps.append(("classifier", classifier))
        return Pipeline(steps)

    def _threads(self) -> int:
        return int(self.n_jobs or get_options()["n_jobs"])

    def _feature_names(self, X: pd.DataFrame) -> list[str]:
        if self.features is not None:
            names = [str(f) for f in self.features]
            missing = [f for f in names if f not in X.columns]
            if missing:
                msg = f"features {missing} are not columns of X ({list(X.columns)})"
                raise ValidationError(msg)
            return names
        return [str(c) for c in X.columns if c not in _CELL_COLUMNS]

    # ----------------------------------------------------------------------- fit
    def fit(self, X: pd.DataFrame, y: npt.ArrayLike) -> ProspectivityModel:
        """Fit on a training table (e.g. from :func:`sample_presence_background`).

        Parameters
        ----------
        X : DataFrame
            One column per feature (extra cell columns are ignored).
        y : array-like of {0, 1}
            1 for deposits, 0 for background.

        Returns
        -------
        self
        """
        if not isinstance(X, pd.DataFrame):
            msg = f"X must be a pandas DataFrame with one column per layer; got {type(X).__name__}"
            raise ValidationError(msg)
        labels = np.asarray(y).ravel()
        if labels.shape != (len(X),) or not np.isin(labels, (0, 1)).all():
            msg = f"y must hold one 0/1 label per row of X ({len(X)}); got shape {labels.shape}"
            raise ValidationError(msg)
        features = self._feature_names(X)
        if not features:
            msg = "X has no feature columns; pass the evidence layers as columns"
            raise ValidationError(msg)
        values = X[features].to_numpy(dtype=float)
        if not np.isfinite(values).all():
            bad = [
                f for f, ok in zip(features, np.isfinite(values).all(axis=0), strict=True) if not ok
            ]
            msg = f"features {bad} hold NaN or infinite values; drop those rows (nodata cells)"
            raise ValidationError(msg)
        n_pos, n_neg = int(labels.sum()), int((labels == 0).sum())
        if n_pos < 2 or n_neg < 2:
            msg = f"fit needs at least 2 deposits and 2 background rows; got {n_pos} and {n_neg}"
            raise ValidationError(msg)
        random_state = _random_state(self.seed)
        base = self._base(features, random_state)
        frame = X[features].astype(float)
        with threadpool_limits(limits=self._threads(), user_api="openmp"):
            estimator = self._fit_estimator(base, frame, labels, n_pos, random_state)
        self.features_ = features
        self.classes_ = np.array([0, 1])
        self.estimator_ = estimator
        self.n_presence_ = n_pos
        self.n_background_ = n_neg
        self.n_features_in_ = len(features)
        return self

    def _fit_estimator(
        self, base: Pipeline, frame: pd.DataFrame, labels: IntArray, n_pos: int, random_state: int
    ) -> Any:
        if self.calibration is None:
            estimator: Any = base.fit(frame, labels)
        elif self.calibration in ("isotonic", "sigmoid"):
            folds = int(self.calibration_folds)
            if not 2 <= folds <= n_pos:
                msg = (
                    f"calibration_folds must be between 2 and the number of deposits ({n_pos}); "
                    f"got {folds}; use calibration=None for very few deposits"
                )
                raise ValidationError(msg)
            cv = StratifiedKFold(folds, shuffle=True, random_state=random_state)
            # ensemble=False: one base model refitted on all rows, so that predicting a map
            # costs one forest, not one per calibration fold.
            estimator = CalibratedClassifierCV(base, method=self.calibration, cv=cv, ensemble=False)
            estimator.fit(frame, labels)
        else:
            msg = f"calibration must be 'isotonic', 'sigmoid' or None; got {self.calibration!r}"
            raise ValidationError(msg)
        return estimator

    # ------------------------------------------------------------------ predict
    def _check_fitted(self) -> None:
        if not hasattr(self, "estimator_"):
            msg = "this ProspectivityModel is not fitted yet; call fit(X, y) first"
            raise ValidationError(msg)

    def predict_proba(self, X: pd.DataFrame) -> FloatArray:
        """Probabilities ``[P(background), P(presence)]`` per row, shape ``(n, 2)``."""
        self._check_fitted()
        if not isinstance(X, pd.DataFrame):
            X = pd.DataFrame(np.asarray(X, dtype=float), columns=self.features_)
        missing = [f for f in self.features_ if f not in X.columns]
        if missing:
            msg = f"X lacks the features {missing} the model was fitted on"
            raise ValidationError(msg)
        with threadpool_limits(limits=self._threads(), user_api="openmp"):
            return np.asarray(self.estimator_.predict_proba(X[self.features_].astype(float)))

    def predict(self, X: pd.DataFrame) -> IntArray:
        """0/1 labels (presence where its probability exceeds 0.5)."""
        return (self.predict_proba(X)[:, 1] > 0.5).astype(np.int64)

    def decision_function(self, X: pd.DataFrame) -> FloatArray:
        """Presence probability (the score used for ranking and ROC curves)."""
        return self.predict_proba(X)[:, 1]

    def relative_odds(self, probability: npt.ArrayLike) -> FloatArray:
        """Odds of a deposit relative to an average background cell.

        ``p / (1 - p) * n_background / n_presence``: independent of how many background
        cells were drawn, approximately 1 for a cell like the average background.
        """
        self._check_fitted()
        p = np.clip(np.asarray(probability, dtype=float), 1e-12, 1 - 1e-12)
        return np.asarray(p / (1 - p) * self.n_background_ / self.n_presence_)

    def predict_map(
        self,
        layers: xr.Dataset | Mapping[str, xr.DataArray],
        *,
        chunk_rows: int | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> xr.DataArray:
        """Presence probability of every cell; see :func:`predict_map`."""
        return predict_map(self, layers, chunk_rows=chunk_rows, progress=progress)


def predict_map(
    model: Any,
    layers: xr.Dataset | Mapping[str, xr.DataArray],
    *,
    chunk_rows: int | None = None,
    name: str = "prospectivity",
    progress: Callable[[int, int], None] | None = None,
) -> xr.DataArray:
    """Score every cell of a layer stack with a fitted classifier, in blocks of rows.

    Parameters
    ----------
    model : fitted classifier
        A :class:`ProspectivityModel` or any scikit-learn classifier with ``predict_proba``
        fitted on a DataFrame whose columns are layer names (``features_`` or
        ``feature_names_in_``).
    layers : Dataset or mapping of DataArray
        Evidence layers on one grid, holding at least the model's features.
    chunk_rows : int, optional
        Rows per block; by default about 64 MiB of features per block. Peak memory is the
        output grid plus one block of features and the model's working arrays.
    name : str
        Name of the layer.
    progress : callable, optional
        Called as ``progress(rows_done, rows_total)`` after each block (the CLI renders it
        as a progress bar).

    Returns
    -------
    xarray.DataArray
        Presence probability in the raster convention; NaN on cells where any feature is
        nodata.

    Notes
    -----
    Blocks are independent, so the same computation maps onto a Dask-backed stack with
    ``xarray.map_blocks`` (chunks along ``northing``) for grids larger than memory.
    """
    data = stack_layers(layers)
    grid = grid_of(data)
    features = getattr(model, "features_", None) or list(getattr(model, "feature_names_in_", []))
    missing = [f for f in features if f not in data.data_vars]
    if not features or missing:
        msg = (
            f"the layers lack the model's features {missing or '(unknown)'}; pass a stack with "
            "one layer per feature the model was fitted on"
        )
        raise ValidationError(msg)
    rows = chunk_rows or grid.chunk_rows_for(8.0 * (len(features) + 2))
    out = np.full(grid.shape, np.nan)
    arrays = [data[f].values for f in features]
    for block in grid.row_blocks(rows):
        values = np.stack([np.asarray(a[block], dtype=float).ravel() for a in arrays], axis=1)
        ok = np.isfinite(values).all(axis=1)
        score = np.full(len(values), np.nan)
        if ok.any():
            frame = pd.DataFrame(values[ok], columns=features)
            score[ok] = np.asarray(model.predict_proba(frame))[:, 1]
        out[block] = score.reshape(-1, grid.shape[1])
        logger.debug("predicted rows %d-%d of %d", block.start, block.stop, grid.shape[0])
        if progress is not None:
            progress(block.stop, grid.shape[0])
    return grid.layer(out, name=name, attrs={"kind": "continuous", "units": "presence probability"})


def permutation_importances(
    model: Any,
    X: pd.DataFrame,
    y: npt.ArrayLike,
    *,
    n_repeats: int = 5,
    scoring: str = "roc_auc",
    seed: SeedLike = None,
) -> pd.DataFrame:
    """Permutation importance of each feature: the drop in score when it is shuffled.

    Parameters
    ----------
    model : fitted classifier
        Fitted on the columns of ``X``.
    X, y : DataFrame and labels
        Data to score on; held-out data (another fold, or other deposits) measure what the
        model generalises, training data what it relies on.
    n_repeats : int
        Shuffles per feature.
    scoring : str
        scikit-learn scorer (default ROC AUC, insensitive to the background ratio).
    seed : int, SeedSequence, Generator or None
        Seed of the shuffles.

    Returns
    -------
    DataFrame
        ``feature, importance_mean, importance_sd, rank`` sorted by decreasing importance.
    """
    features = getattr(model, "features_", None) or [
        str(c) for c in X.columns if c not in _CELL_COLUMNS
    ]
    result = permutation_importance(
        model,
        X[features],
        np.asarray(y).ravel(),
        n_repeats=n_repeats,
        scoring=scoring,
        random_state=_random_state(seed),
    )
    table = pd.DataFrame(
        {
            "feature": features,
            "importance_mean": result.importances_mean,
            "importance_sd": result.importances_std,
        }
    )
    table = table.sort_values("importance_mean", ascending=False, kind="stable")
    table["rank"] = np.arange(1, len(table) + 1)
    return table.reset_index(drop=True)
