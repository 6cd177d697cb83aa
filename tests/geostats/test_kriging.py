"""Kriging and inverse distance: exactness, unbiasedness, agreement with a dense solve."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bornite.errors import ValidationError
from bornite.geostats import (
    InverseDistance,
    OrdinaryKriging,
    SearchNeighbourhood,
    SimpleKriging,
    Structure,
    VariogramModel,
    block_discretisation,
)

ANISO = VariogramModel(
    0.1,
    (
        Structure("spherical", 0.6, (300.0, 150.0, 60.0), 30.0, -10.0, 5.0),
        Structure("exponential", 0.3, (500.0, 400.0, 100.0), 30.0),
    ),
)


@pytest.fixture(scope="module")
def samples() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(42)
    # Large projected coordinates test the precision of the relative-coordinate covariances.
    xyz = rng.uniform([0, 0, -200], [600, 600, 0], size=(150, 3)) + np.array([5e5, 7e6, 1e3])
    z = np.sin(xyz[:, 0] / 90.0) + np.cos(xyz[:, 1] / 70.0) + 0.2 * rng.normal(size=150)
    return xyz, z


def dense_ok(model, xyz, z, targets, *, simple_mean=None):
    """Ordinary (or simple) kriging by a direct dense solve, one target at a time."""
    n = len(z)
    C = model.covariance(xyz[:, None, :] - xyz[None, :, :])
    estimates, variances, weights_sum = [], [], []
    for t in targets:
        c = model.covariance(xyz - t)
        if simple_mean is None:
            A = np.ones((n + 1, n + 1))
            A[:n, :n] = C
            A[n, n] = 0.0
            sol = np.linalg.solve(A, np.append(c, 1.0))
            lam, mu = sol[:n], sol[n]
            estimates.append(lam @ z)
            variances.append(model.sill - lam @ c - mu)
        else:
            lam = np.linalg.solve(C, c)
            estimates.append(simple_mean + lam @ (z - simple_mean))
            variances.append(model.sill - lam @ c)
        weights_sum.append(lam.sum())
    return np.array(estimates), np.array(variances), np.array(weights_sum)


def test_zero_nugget_ok_reproduces_data(samples):
    xyz, z = samples
    model = VariogramModel(0.0, ANISO.structures)
    for nb in (None, SearchNeighbourhood((400.0, 300.0, 150.0), 30.0, max_samples=20)):
        table = OrdinaryKriging(model, neighbourhood=nb).fit(xyz, z).predict(xyz[:30])
        np.testing.assert_allclose(table["estimate"], z[:30], atol=1e-8)
        np.testing.assert_allclose(table["variance"], 0.0, atol=1e-8)


def test_ok_with_nugget_is_still_exact_at_samples(samples):
    xyz, z = samples
    table = OrdinaryKriging(ANISO).fit(xyz, z).predict(xyz[:10])
    np.testing.assert_allclose(table["estimate"], z[:10], atol=1e-8)


def test_ok_weights_sum_to_one_and_variance_is_positive(samples):
    xyz, z = samples
    rng = np.random.default_rng(3)
    targets = rng.uniform(xyz.min(0), xyz.max(0), size=(500, 3))
    nb = SearchNeighbourhood((400.0, 300.0, 150.0), 30.0, min_samples=4, max_samples=16)
    table = OrdinaryKriging(ANISO, neighbourhood=nb, chunk_size=64).fit(xyz, z).predict(targets)
    ok = table["n_samples"] > 0
    assert ok.mean() > 0.9
    np.testing.assert_allclose(table.loc[ok, "sum_weights"], 1.0, atol=1e-10)
    assert (table.loc[ok, "variance"] >= 0).all()
    assert (table.loc[ok, "n_samples"] <= 16).all()
    assert (table.loc[ok, "kriging_efficiency"] <= 1.0 + 1e-12).all()
    assert table.loc[~ok, "estimate"].isna().all()
    assert list(table.columns) == [
        "estimate",
        "variance",
        "n_samples",
        "n_holes",
        "mean_distance",
        "slope_of_regression",
        "kriging_efficiency",
        "sum_weights",
    ]


def test_global_ok_matches_dense_solve(samples):
    xyz, z = samples
    targets = np.random.default_rng(5).uniform(xyz.min(0), xyz.max(0), size=(40, 3))
    table = OrdinaryKriging(ANISO).fit(xyz, z).predict(targets)
    est, var, _ = dense_ok(ANISO, xyz, z, targets)
    np.testing.assert_allclose(table["estimate"], est, rtol=1e-8)
    np.testing.assert_allclose(table["variance"], var, rtol=1e-8)


def test_batched_moving_neighbourhood_matches_dense_solve_on_same_samples(samples):
    xyz, z = samples
    targets = np.random.default_rng(6).uniform(xyz.min(0), xyz.max(0), size=(60, 3))
    nb = SearchNeighbourhood((2000.0, 1500.0, 800.0), 30.0, max_samples=12)
    table = OrdinaryKriging(ANISO, neighbourhood=nb, chunk_size=7).fit(xyz, z).predict(targets)
    T = nb.transform
    for i, t in enumerate(targets):
        near = np.argsort(np.linalg.norm((xyz - t) @ T.T, axis=1))[:12]
        est, var, _ = dense_ok(ANISO, xyz[near], z[near], t[None])
        assert table["estimate"][i] == pytest.approx(est[0], rel=1e-8)
        assert table["variance"][i] == pytest.approx(var[0], rel=1e-8)
        d = np.linalg.norm(xyz[near] - t, axis=1).mean()
        assert table["mean_distance"][i] == pytest.approx(d, rel=1e-12)


def test_simple_kriging_with_true_mean(samples):
    xyz, z = samples
    targets = np.random.default_rng(7).uniform(xyz.min(0), xyz.max(0), size=(25, 3))
    sk = SimpleKriging(ANISO, mean=0.3).fit(xyz, z)
    table = sk.predict(targets)
    est, var, wsum = dense_ok(ANISO, xyz, z, targets, simple_mean=0.3)
    np.testing.assert_allclose(table["estimate"], est, rtol=1e-8)
    np.testing.assert_allclose(table["variance"], var, rtol=1e-8)
    np.testing.assert_allclose(table["sum_weights"], wsum, rtol=1e-8)
    np.testing.assert_allclose(table["slope_of_regression"], 1.0, rtol=1e-8)
    # Far from all data, SK returns the mean with the full sill as variance.
    far = sk.predict([[0.0, 0.0, 0.0]])
    assert far["estimate"][0] == pytest.approx(0.3)
    assert far["variance"][0] == pytest.approx(ANISO.sill)


GAUSS = VariogramModel(
    0.05,
    (
        Structure("gaussian", 0.5, (250.0, 200.0, 90.0), 60.0, 15.0),
        Structure("spherical", 0.45, (400.0, 300.0, 150.0), 60.0),
    ),
)


def test_simple_kriging_in_a_moving_neighbourhood_matches_dense_solve(samples):
    xyz, z = samples
    targets = np.random.default_rng(17).uniform(xyz.min(0), xyz.max(0), size=(30, 3))
    nb = SearchNeighbourhood((900.0, 700.0, 400.0), 60.0, max_samples=10)
    table = SimpleKriging(GAUSS, mean=0.2, neighbourhood=nb).fit(xyz, z).predict(targets)
    for i, t in enumerate(targets):
        near = np.argsort(np.linalg.norm((xyz - t) @ nb.transform.T, axis=1))[:10]
        est, var, wsum = dense_ok(GAUSS, xyz[near], z[near], t[None], simple_mean=0.2)
        assert table["estimate"][i] == pytest.approx(est[0], rel=1e-8)
        assert table["variance"][i] == pytest.approx(var[0], rel=1e-8)
        assert table["sum_weights"][i] == pytest.approx(wsum[0], rel=1e-8)


def test_block_kriging_in_a_neighbourhood_matches_the_global_solve(samples):
    xyz, z = samples
    centres = xyz.mean(axis=0) + np.random.default_rng(3).uniform(-150, 150, size=(6, 3))
    size, disc = (40.0, 40.0, 10.0), (3, 2, 2)
    everything = SearchNeighbourhood(1e6, max_samples=len(z))  # every sample, solved per target
    moving = OrdinaryKriging(ANISO, neighbourhood=everything, block_size=size, discretisation=disc)
    single = OrdinaryKriging(ANISO, block_size=size, discretisation=disc)
    a = moving.fit(xyz, z).predict(centres)
    b = single.fit(xyz, z).predict(centres)
    for column in ("estimate", "variance", "slope_of_regression", "sum_weights"):
        np.testing.assert_allclose(a[column], b[column], rtol=1e-8)
    np.testing.assert_allclose(a["mean_distance"], b["mean_distance"], rtol=1e-12)


def test_two_samples_at_one_place_without_nugget_leave_the_target_unestimated():
    model = VariogramModel(0.0, (Structure("spherical", 1.0, 100.0),))
    xyz = np.array([[0.0, 0, 0], [0.0, 0, 0], [30.0, 0, 0], [0.0, 40, 0]])
    nb = SearchNeighbourhood(200.0, max_samples=4)
    table = OrdinaryKriging(model, neighbourhood=nb).fit(xyz, [1.0, 2.0, 3.0, 4.0])
    row = table.predict([[10.0, 10.0, 0.0]]).iloc[0]
    assert np.isnan(row["estimate"])  # singular: no weights
    assert np.isnan(row["variance"])
    assert row["n_samples"] == 4
    assert row["mean_distance"] > 0


def test_sk_variance_not_above_ok_variance(samples):
    xyz, z = samples
    targets = np.random.default_rng(8).uniform(xyz.min(0), xyz.max(0), size=(50, 3))
    ok = OrdinaryKriging(ANISO).fit(xyz, z).predict(targets)
    sk = SimpleKriging(ANISO, mean=float(z.mean())).fit(xyz, z).predict(targets)
    assert (sk["variance"] <= ok["variance"] + 1e-12).all()


def test_sk_reproduces_stationary_simulation_mean():
    """On a seeded Gaussian field with known mean, SK errors are unbiased and match variances."""
    rng = np.random.default_rng(11)
    model = VariogramModel(0.05, (Structure("exponential", 0.95, 40.0),))
    pts = np.column_stack([rng.uniform(0, 150, (400, 2)), np.zeros(400)])
    cov = model.covariance(pts[:, None] - pts[None]) + 1e-10 * np.eye(400)
    field = 2.0 + np.linalg.cholesky(cov) @ rng.normal(size=400)
    train, test = np.arange(300), np.arange(300, 400)
    table = SimpleKriging(model, mean=2.0).fit(pts[train], field[train]).predict(pts[test])
    err = table["estimate"].to_numpy() - field[test]
    assert abs(err.mean()) < 3 * np.sqrt(table["variance"].mean() / 100)
    ratio = np.mean(err**2) / table["variance"].mean()
    assert 0.6 < ratio < 1.5


def test_block_kriging_averages_point_kriging(samples):
    xyz, z = samples
    centre = xyz.mean(axis=0, keepdims=True)
    size = (40.0, 40.0, 10.0)
    disc = (3, 3, 2)
    block = OrdinaryKriging(ANISO, block_size=size, discretisation=disc).fit(xyz, z)
    table = block.predict(centre)
    points = OrdinaryKriging(ANISO).fit(xyz, z).predict(centre + block_discretisation(size, disc))
    # OK is linear in the right-hand side: the block estimate is the mean of point estimates.
    assert table["estimate"][0] == pytest.approx(points["estimate"].mean(), rel=1e-10)
    assert table["variance"][0] < points["variance"].mean()
    assert table.attrs["support"] == "block"
    assert 0.0 < table["kriging_efficiency"][0] <= 1.0
    assert block.block_covariance_ < ANISO.sill - ANISO.nugget


def test_slope_of_regression_formula(samples):
    xyz, z = samples
    targets = np.random.default_rng(9).uniform(xyz.min(0), xyz.max(0), size=(5, 3))
    nb = SearchNeighbourhood((300.0, 300.0, 300.0), max_samples=8)
    table = OrdinaryKriging(ANISO, neighbourhood=nb).fit(xyz, z).predict(targets)
    T = nb.transform
    for i, t in enumerate(targets):
        near = np.argsort(np.linalg.norm((xyz - t) @ T.T, axis=1))[:8]
        C = ANISO.covariance(xyz[near][:, None] - xyz[near][None])
        c = ANISO.covariance(xyz[near] - t)
        A = np.block([[C, np.ones((8, 1))], [np.ones((1, 8)), np.zeros((1, 1))]])
        lam = np.linalg.solve(A, np.append(c, 1.0))[:8]
        slope = (lam @ c) / (lam @ C @ lam)  # cov(Z, Z*) / var(Z*)
        assert table["slope_of_regression"][i] == pytest.approx(slope, rel=1e-8)
        ke = (lam @ c * 2 - lam @ C @ lam) / ANISO.sill  # (C_BB - sigma^2) / C_BB
        assert table["kriging_efficiency"][i] == pytest.approx(ke, rel=1e-8)


def test_neighbourhood_caps_per_hole_and_octant():
    rng = np.random.default_rng(12)
    holes = np.repeat(np.arange(20), 10)
    collars = rng.uniform(0, 200, size=(20, 2))
    xyz = np.column_stack([collars[holes, 0], collars[holes, 1], -np.tile(np.arange(10) * 5.0, 20)])
    z = rng.normal(size=200)
    model = VariogramModel(0.0, (Structure("spherical", 1.0, 150.0),))
    targets = rng.uniform([0, 0, -45], [200, 200, 0], size=(30, 3))
    nb = SearchNeighbourhood(500.0, max_samples=12, max_per_hole=2, candidate_factor=10)
    ok = OrdinaryKriging(model, neighbourhood=nb).fit(xyz, z, hole_ids=holes)
    idx, valid = ok.searcher_.query(targets)
    for row, mask in zip(idx, valid, strict=True):
        counts = np.bincount(holes[row[mask]], minlength=20)
        assert counts.max() <= 2
        assert mask.sum() == 12
    nb8 = SearchNeighbourhood(500.0, max_samples=16, max_per_octant=2)
    ok8 = OrdinaryKriging(model, neighbourhood=nb8).fit(xyz, z)
    idx, valid = ok8.searcher_.query(targets)
    for t, row, mask in zip(targets, idx, valid, strict=True):
        rel = xyz[row[mask]] - t
        octant = (rel[:, 0] > 0) * 1 + (rel[:, 1] > 0) * 2 + (rel[:, 2] > 0) * 4
        assert np.bincount(octant, minlength=8).max() <= 2
    with pytest.raises(ValidationError, match="hole_ids"):
        OrdinaryKriging(model, neighbourhood=nb).fit(xyz, z)


def test_min_samples_leaves_targets_unestimated():
    xyz = np.array([[0.0, 0, 0], [10.0, 0, 0], [1000.0, 0, 0]])
    model = VariogramModel(0.0, (Structure("spherical", 1.0, 50.0),))
    nb = SearchNeighbourhood(50.0, min_samples=2, max_samples=4)
    table = (
        OrdinaryKriging(model, neighbourhood=nb)
        .fit(xyz, [1.0, 2.0, 3.0])
        .predict([[5.0, 0, 0], [1000.0, 0, 0]])
    )
    assert table["n_samples"].tolist() == [2, 0]
    assert np.isfinite(table["estimate"][0])
    assert np.isnan(table["estimate"][1])


def test_estimator_contract(samples):
    xyz, z = samples
    ok = OrdinaryKriging(ANISO, chunk_size=10)
    assert ok.get_params()["chunk_size"] == 10
    assert not hasattr(ok, "coordinates_")
    with pytest.raises(ValidationError, match="not fitted"):
        ok.predict(xyz[:1])
    assert ok.fit(xyz, z) is ok
    first = ok.predict(xyz[:5] + 1.0)
    pd.testing.assert_frame_equal(first, ok.predict(xyz[:5] + 1.0))
    with pytest.raises(ValidationError, match=r"shape \(n, 3\)"):
        ok.fit(xyz[:, :2], z)
    bad = z.copy()
    bad[3] = np.nan
    with pytest.raises(ValidationError, match="rows 3"):
        ok.fit(xyz, bad)


def test_threads_give_same_numbers(samples):
    xyz, z = samples
    targets = np.random.default_rng(10).uniform(xyz.min(0), xyz.max(0), size=(200, 3))
    nb = SearchNeighbourhood((400.0, 300.0, 150.0), 30.0, max_samples=16)
    one = OrdinaryKriging(ANISO, neighbourhood=nb, chunk_size=30).fit(xyz, z).predict(targets)
    two = OrdinaryKriging(ANISO, neighbourhood=nb, chunk_size=30, n_jobs=2).fit(xyz, z)
    pd.testing.assert_frame_equal(one, two.predict(targets))
    auto = OrdinaryKriging(ANISO, neighbourhood=nb, n_jobs=3).fit(xyz, z)  # automatic chunks
    pd.testing.assert_frame_equal(one, auto.predict(targets))
    for bad in (-1, 2.0):
        with pytest.raises(ValidationError, match="n_jobs must be a whole number"):
            OrdinaryKriging(ANISO, neighbourhood=nb, n_jobs=bad).fit(xyz, z).predict(targets)


def test_inverse_distance():
    xyz = np.array([[0.0, 0, 0], [10.0, 0, 0], [0.0, 20.0, 0]])
    z = np.array([1.0, 2.0, 4.0])
    idw = InverseDistance(power=2.0).fit(xyz, z)
    table = idw.predict([[0.0, 0, 0], [5.0, 5.0, 0.0]])
    assert table["estimate"][0] == 1.0
    d = np.linalg.norm(xyz - [5.0, 5.0, 0.0], axis=1)
    w = d**-2.0
    assert table["estimate"][1] == pytest.approx(w @ z / w.sum())
    assert table["sum_weights"][1] == pytest.approx(1.0)
    nb = SearchNeighbourhood((100.0, 10.0, 10.0), azimuth=90.0, max_samples=2)
    aniso = InverseDistance(neighbourhood=nb).fit(xyz, z).predict([[5.0, 1.0, 0.0]])
    assert aniso["n_samples"][0] == 2  # the sample 20 m north is outside the 10 m semi-axis
    assert aniso["estimate"][0] == pytest.approx(1.5, rel=0.05)


def test_number_of_distinct_holes_per_target():
    xyz = np.array([[0.0, 0, z] for z in range(4)] + [[10.0, 0, z] for z in range(4)])
    holes = ["a"] * 4 + ["b"] * 4
    model = VariogramModel(0.1, (Structure("spherical", 1.0, 50.0),))
    search = SearchNeighbourhood(100.0, max_samples=3)
    near_a = [[0.0, 0.0, 1.5]]
    table = OrdinaryKriging(model, neighbourhood=search).fit(xyz, np.arange(8.0), holes)
    assert table.predict(near_a)["n_holes"].iloc[0] == 1
    wide = OrdinaryKriging(model, neighbourhood=SearchNeighbourhood(100.0, max_samples=8))
    assert wide.fit(xyz, np.arange(8.0), holes).predict(near_a)["n_holes"].iloc[0] == 2
    unnamed = OrdinaryKriging(model, neighbourhood=search).fit(xyz, np.arange(8.0))
    assert np.isnan(unnamed.predict(near_a)["n_holes"].iloc[0])
