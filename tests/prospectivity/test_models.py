"""Presence-background sampling, calibrated models, chunked maps and importances."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from bornite.datasets.region import synthetic_region
from bornite.errors import ValidationError
from bornite.prospectivity.grid import RasterGrid, stack_layers
from bornite.prospectivity.models import (
    ProspectivityModel,
    categorical_layers,
    permutation_importances,
    predict_map,
    sample_presence_background,
)
from bornite.prospectivity.validation import cross_validate, roc_auc


@pytest.fixture(scope="module")
def region():
    # Unclustered deposits: each one is an independent draw from the rule.
    return synthetic_region(
        seed=0, shape=(120, 120), cell_size=300.0, n_deposits=60, mean_cluster_size=1.0
    )


@pytest.fixture(scope="module")
def table(region):
    return sample_presence_background(region.layers, region.deposits, n_background=600, seed=1)


def _toy_layers():
    grid = RasterGrid((0.0, 2000.0), (100.0, 100.0), (20, 20))
    rng = np.random.default_rng(3)
    a = grid.layer(rng.normal(size=grid.shape), attrs={"kind": "continuous"})
    b = grid.layer(rng.integers(1, 4, grid.shape).astype(float), attrs={"kind": "categorical"})
    a.values[0, :3] = np.nan
    return grid, stack_layers({"a": a, "b": b})


def test_background_is_seeded_valid_and_kept_away_from_deposits():
    _grid, layers = _toy_layers()
    deposits = pd.DataFrame({"easting": [550.0, 1550.0, 50.0], "northing": [550.0, 1450.0, 1950.0]})
    t1 = sample_presence_background(
        layers, deposits, n_background=100, exclusion_radius=250.0, seed=4
    )
    t2 = sample_presence_background(
        layers, deposits, n_background=100, exclusion_radius=250.0, seed=4
    )
    pd.testing.assert_frame_equal(t1, t2)
    # The third deposit sits on a nodata cell and is dropped.
    assert t1["presence"].tolist()[:3] == [1, 1, 0]
    assert t1["presence"].sum() == 2
    background = t1[t1["presence"] == 0]
    d = np.hypot(
        background["easting"].to_numpy()[:, None] - deposits["easting"].to_numpy()[None, :2],
        background["northing"].to_numpy()[:, None] - deposits["northing"].to_numpy()[None, :2],
    )
    assert d.min() > 250.0
    assert np.isfinite(t1[["a", "b"]].to_numpy()).all()
    assert not background[["row", "col"]].duplicated().any()
    with pytest.raises(ValidationError, match="fewer than n_background"):
        sample_presence_background(layers, deposits, n_background=10_000, seed=0)
    with pytest.raises(ValidationError, match="easting and northing"):
        sample_presence_background(layers, pd.DataFrame({"x": [1.0]}), seed=0)


@pytest.mark.parametrize("method", ["logistic", "random_forest", "gradient_boosting"])
def test_models_follow_the_estimator_contract_and_give_probabilities(method):
    _grid, layers = _toy_layers()
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=300), "b": rng.integers(1, 4, 300).astype(float)})
    y = ((X["a"] + 0.5 * (X["b"] == 2) + 0.5 * rng.normal(size=300)) > 1.2).astype(int)
    model = ProspectivityModel(method, categorical=["b"], n_estimators=20, seed=0)
    assert model.get_params()["method"] == method
    assert not hasattr(model, "estimator_")
    fitted = model.fit(X, y)
    assert fitted is model
    assert model.features_ == ["a", "b"]
    p = model.predict_proba(X)
    assert p.shape == (300, 2)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert roc_auc(y, p[:, 1]) > 0.8
    np.testing.assert_array_equal(
        clone(model).fit(X, y).predict_proba(X), p
    )  # seeded: refitting a clone reproduces it
    prob_map = model.predict_map(layers, chunk_rows=3)
    assert prob_map.dims == ("northing", "easting")
    assert np.isnan(prob_map.values[0, :3]).all()
    assert np.nanmin(prob_map.values) >= 0
    assert np.nanmax(prob_map.values) <= 1
    calls = []
    again = predict_map(model, layers, progress=lambda done, total: calls.append((done, total)))
    np.testing.assert_allclose(again.values, prob_map.values)
    assert calls[-1] == (20, 20)


def test_model_validation_messages():
    X = pd.DataFrame({"a": [0.0, 1.0, 2.0, np.nan]})
    with pytest.raises(ValidationError, match="NaN"):
        ProspectivityModel("logistic").fit(X, [0, 1, 0, 1])
    with pytest.raises(ValidationError, match="method"):
        ProspectivityModel("svm").fit(X.fillna(0.0), [0, 1, 0, 1])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="not fitted"):
        ProspectivityModel().predict_proba(X)
    with pytest.raises(ValidationError, match="calibration_folds"):
        ProspectivityModel("logistic", calibration_folds=5).fit(X.fillna(0.0), [0, 1, 0, 1])


def test_relative_odds_do_not_depend_on_the_background_count():
    model = ProspectivityModel("logistic", calibration=None)
    model.n_presence_, model.n_background_, model.estimator_ = 10, 1000, object()
    assert model.relative_odds([10 / 1010])[0] == pytest.approx(1.0)


def test_model_ranks_held_out_deposits_and_recovers_the_rule(region, table):
    categorical = categorical_layers(region.layers)
    assert categorical == ["geology"]
    model = ProspectivityModel(
        "random_forest", categorical=categorical, n_estimators=60, min_samples_leaf=5, seed=0
    )
    # Held out by spatial blocks of 7.2 km (a quarter of the region's side).
    result = cross_validate(model, table, scheme="blocks", block_size=7200.0, seed=0)
    assert result.auc.auc > 0.8
    model.fit(table, table["presence"])
    prob_map = model.predict_map(region.layers)
    # The map ranks cells like the true generating intensity.
    truth = region.probability.values.ravel()
    rank_corr = pd.Series(prob_map.values.ravel()).corr(pd.Series(truth), method="spearman")
    assert rank_corr > 0.5
    # Importances on fresh background: the rule's layers beat the unrelated magnetics.
    fresh = sample_presence_background(region.layers, region.deposits, n_background=600, seed=2)
    importances = permutation_importances(model, fresh, fresh["presence"], seed=0)
    rank = dict(zip(importances["feature"], importances["rank"], strict=True))
    assert rank["contact_distance"] == 1  # the rule's strongest term
    assert rank["fault_distance"] <= 3
    assert rank["fault_distance"] < rank["magnetics"]
    assert list(importances.columns) == ["feature", "importance_mean", "importance_sd", "rank"]
