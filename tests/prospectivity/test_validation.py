"""Spatial cross-validation and ROC AUC with confidence intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from bornite.datasets.region import synthetic_region
from bornite.errors import ValidationError
from bornite.prospectivity.models import ProspectivityModel, sample_presence_background
from bornite.prospectivity.validation import (
    block_folds,
    buffered_folds,
    buffered_leave_one_out,
    cross_validate,
    random_folds,
    roc_auc,
    roc_auc_ci,
)


def _scores(seed=0, m=30, n=200, shift=1.0):
    rng = np.random.default_rng(seed)
    y = np.r_[np.ones(m, int), np.zeros(n, int)]
    s = np.r_[rng.normal(shift, 1.0, m), rng.normal(0.0, 1.0, n)].round(1)  # with ties
    return y, s


def test_auc_matches_scikit_learn_with_ties():
    y, s = _scores()
    assert roc_auc(y, s) == pytest.approx(roc_auc_score(y, s))
    assert roc_auc_ci(y, s).auc == pytest.approx(roc_auc_score(y, s))


def test_delong_variance_matches_its_definition_and_the_bootstrap():
    y, s = _scores(1)
    pos, neg = s[y == 1], s[y == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    var = v10.var(ddof=1) / pos.size + v01.var(ddof=1) / neg.size
    delong = roc_auc_ci(y, s)
    assert delong.se == pytest.approx(np.sqrt(var))
    assert delong.lower == pytest.approx(delong.auc - 1.959964 * delong.se, abs=1e-6)
    boot = roc_auc_ci(y, s, method="bootstrap", n_bootstrap=1000, seed=0)
    assert boot.se == pytest.approx(delong.se, rel=0.2)
    assert boot.lower < boot.auc < boot.upper
    assert roc_auc_ci(y, s, method="bootstrap", n_bootstrap=200, seed=3) == roc_auc_ci(
        y, s, method="bootstrap", n_bootstrap=200, seed=3
    )
    with pytest.raises(ValidationError, match="deposits and background"):
        roc_auc_ci(np.ones(5, int), np.arange(5.0))


def test_block_folds_keep_blocks_together_and_balance_deposits():
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 10_000, (500, 2))
    y = (rng.uniform(size=500) < 0.1).astype(int)
    folds = block_folds(xy, 2000.0, 5, labels=y, seed=0)
    block = [tuple(b) for b in np.floor((xy - xy.min(axis=0)) / 2000.0).astype(int)]
    for b in set(block):
        members = [i for i, bb in enumerate(block) if bb == b]
        assert len(set(folds[members])) == 1
    per_fold = np.bincount(folds, weights=y, minlength=5)
    assert per_fold.max() - per_fold.min() <= 6  # at most one block's worth of deposits
    np.testing.assert_array_equal(folds, block_folds(xy, 2000.0, 5, labels=y, seed=0))
    with pytest.raises(ValidationError, match="fewer than"):
        block_folds(xy, 20_000.0, 5)


def test_random_folds_are_stratified_and_buffers_drop_nearby_training_samples():
    y = np.r_[np.ones(10, int), np.zeros(40, int)]
    folds = random_folds(50, 5, labels=y, seed=2)
    assert np.bincount(folds[y == 1]).tolist() == [2, 2, 2, 2, 2]
    xy = np.column_stack([np.arange(50) * 100.0, np.zeros(50)])
    for train, test in buffered_folds(xy, folds, 150.0):
        d = np.abs(xy[train, 0][:, None] - xy[test, 0][None, :])
        assert d.min() > 150.0


def test_buffered_leave_one_out_tests_each_sample_once_outside_the_buffer():
    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 10_000, (300, 2))
    y = np.zeros(300, int)
    y[:12] = 1
    splits = buffered_leave_one_out(xy, y, 1000.0, n_background_folds=4, seed=0)
    tested = np.concatenate([test for _, test in splits])
    assert sorted(tested.tolist()) == list(range(300))
    for train, test in splits[:12]:
        assert test.size == 1
        assert y[test[0]] == 1
        assert np.hypot(*(xy[train] - xy[test[0]]).T).min() > 1000.0
    for train, test in splits[12:]:
        background_train = train[y[train] == 0]
        d = np.hypot(*(xy[background_train][:, None, :] - xy[test][None, :, :]).transpose(2, 0, 1))
        assert d.min() > 1000.0
        assert (y[train] == 1).sum() == 12  # deposits kept for background folds


def _cv_gap(region_seed, cluster_size, fold_seed, strength=0.5):
    region = synthetic_region(
        seed=region_seed,
        shape=(120, 120),
        cell_size=300.0,
        mean_cluster_size=cluster_size,
        cluster_radius=700.0,
        rule_strength=strength,
    )
    table = sample_presence_background(region.layers, region.deposits, n_background=600, seed=1)
    # A flexible forest that can memorise places (leaves of one sample).
    model = ProspectivityModel(
        "random_forest",
        categorical=["geology"],
        n_estimators=40,
        min_samples_leaf=1,
        calibration=None,
        seed=0,
    )
    random = cross_validate(model, table, scheme="random", seed=fold_seed)
    blocks = cross_validate(model, table, scheme="blocks", block_size=7200.0, seed=fold_seed)
    return random, blocks, model, table


def test_spatial_cv_reveals_the_optimism_of_random_folds_with_clustered_deposits():
    # Deposits in clusters of about 8 (radius 700 m): random folds put cluster mates on both
    # sides of the split and reward memorising places.
    random, blocks, model, table = _cv_gap(0, 8.0, 0)
    assert random.auc.auc > 0.9
    assert random.auc.auc - blocks.auc.auc > 0.08
    # The spatial AUC lies below the random fold's DeLong interval: the gap is not noise.
    assert blocks.auc.auc < random.auc.lower
    # One fit per deposit: a smaller forest keeps the test quick.
    small = model.set_params(n_estimators=15)
    loo = cross_validate(small, table, scheme="buffered_loo", buffer=2000.0, seed=0)
    assert random.auc.auc - loo.auc.auc > 0.08
    assert loo.folds["n_test_presence"].iloc[:40].eq(1).all()
    assert len(loo.predictions) == len(table)


def test_without_clustering_random_and_spatial_cv_agree():
    # Control: the same region with unclustered deposits shows no such gap.
    random, blocks, _, _ = _cv_gap(0, 1.0, 0)
    assert abs(random.auc.auc - blocks.auc.auc) < 0.05


def test_cross_validate_reports_folds_and_validates_its_input():
    y, s = _scores(2, m=20, n=100, shift=2.0)
    rng = np.random.default_rng(0)
    table = pd.DataFrame(
        {
            "easting": rng.uniform(0, 5000, 120),
            "northing": rng.uniform(0, 5000, 120),
            "presence": y,
            "signal": s,
        }
    )
    model = ProspectivityModel("logistic", calibration=None)
    result = cross_validate(model, table, scheme="blocks", n_folds=3, block_size=1000.0, seed=0)
    assert result.scheme == "blocks"
    assert set(result.folds.columns) == {"fold", "n_train", "n_test", "n_test_presence", "auc"}
    assert result.folds["n_test"].sum() == 120
    assert result.auc.auc > 0.8
    with pytest.raises(ValidationError, match="missing column"):
        cross_validate(model, table.drop(columns="easting"))
    with pytest.raises(ValidationError, match="scheme"):
        cross_validate(model, table, scheme="checkerboard")  # type: ignore[arg-type]
