"""Experimental variograms and weighted least-squares fits."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from bornite.errors import ValidationError
from bornite.geostats import Structure, VariogramModel, experimental_variogram, fit_variogram


def brute_force(xyz, z, lag, n_lags, direction=None, tol_deg=None):
    """Semivariogram by an explicit loop over pairs (the definition)."""
    sums = np.zeros(n_lags)
    counts = np.zeros(n_lags)
    for i, j in itertools.combinations(range(len(z)), 2):
        h = xyz[j] - xyz[i]
        d = np.linalg.norm(h)
        if direction is not None:
            cosang = abs(h @ direction) / d
            if cosang < np.cos(np.deg2rad(tol_deg)):
                continue
        k = int(np.floor(d / lag + 0.5)) - 1  # an edge pair goes to the farther class
        if 0 <= k < n_lags and abs(d - (k + 1) * lag) <= lag / 2:
            sums[k] += (z[i] - z[j]) ** 2
            counts[k] += 1
    return sums / (2 * np.maximum(counts, 1)), counts


def test_omnidirectional_matches_definition_and_chunks_agree():
    rng = np.random.default_rng(0)
    xyz = rng.uniform(0, 100, size=(120, 3))
    z = rng.normal(size=120)
    table = experimental_variogram(xyz, z, lag=10.0, n_lags=6, chunk_size=17)
    gamma, counts = brute_force(xyz, z, 10.0, 6)
    np.testing.assert_array_equal(table["n_pairs"], counts)
    np.testing.assert_allclose(table["gamma"], gamma, rtol=1e-12)
    whole = experimental_variogram(xyz, z, lag=10.0, n_lags=6, chunk_size=10_000)
    pd.testing.assert_frame_equal(table, whole)


def test_pairs_on_class_edges_go_to_the_farther_class_and_tolerances_cannot_overlap():
    # pairs at exactly 15 m and 25 m (edges of the 10 m classes): both go up, to 20 and 30 m
    xyz = np.array([[0.0, 0, 0], [15.0, 0, 0], [0.0, 100, 0], [25.0, 100, 0]])
    table = experimental_variogram(xyz, [0.0, 1.0, 0.0, 2.0], lag=10.0, n_lags=3)
    assert table["n_pairs"].tolist() == [0, 1, 1]
    assert table["gamma"].tolist()[1:] == [0.5, 2.0]
    with pytest.raises(ValidationError, match="at most lag / 2"):
        experimental_variogram(xyz, [0.0, 1.0, 0.0, 2.0], lag=10.0, n_lags=3, lag_tolerance=6.0)


def test_directional_selects_pairs_along_direction():
    # A grid where east-west pairs differ and north-south pairs are equal.
    e, n = np.meshgrid(np.arange(10.0), np.arange(10.0))
    xyz = np.column_stack([e.ravel() * 5, n.ravel() * 5, np.zeros(100)])
    z = (e.ravel() % 2).astype(float)
    north = experimental_variogram(xyz, z, lag=5.0, n_lags=3, azimuth=0.0, azimuth_tolerance=10.0)
    east = experimental_variogram(xyz, z, lag=5.0, n_lags=3, azimuth=90.0, azimuth_tolerance=10.0)
    assert north["gamma"].tolist() == [0.0, 0.0, 0.0]
    assert east["gamma"].tolist() == [0.5, 0.0, 0.5]
    assert north["n_pairs"].tolist() == [90, 80, 70]


def test_directional_3d_with_dip_matches_cone_on_isotropic_tolerances():
    rng = np.random.default_rng(1)
    xyz = rng.uniform(0, 60, size=(150, 3))
    z = rng.normal(size=150)
    table = experimental_variogram(
        xyz, z, lag=10.0, n_lags=4, azimuth=90.0, dip=-90.0, dip_tolerance=30.0
    )
    gamma, counts = brute_force(xyz, z, 10.0, 4, np.array([0.0, 0.0, -1.0]), 30.0)
    np.testing.assert_array_equal(table["n_pairs"], counts)
    np.testing.assert_allclose(table["gamma"], gamma, rtol=1e-12)


def test_bandwidth_limits_pairs():
    rng = np.random.default_rng(2)
    xyz = rng.uniform(0, 200, size=(200, 3)) * [1, 1, 0.2]
    z = rng.normal(size=200)
    wide = experimental_variogram(xyz, z, lag=20.0, n_lags=8, azimuth=45.0)
    narrow = experimental_variogram(
        xyz,
        z,
        lag=20.0,
        n_lags=8,
        azimuth=45.0,
        horizontal_bandwidth=10.0,
        vertical_bandwidth=5.0,
    )
    assert (narrow["n_pairs"] <= wide["n_pairs"]).all()
    assert narrow["n_pairs"].sum() < wide["n_pairs"].sum()


@pytest.mark.parametrize("weights", ["cressie", "pairs", "pairs_distance"])
@pytest.mark.parametrize("kind", ["spherical", "exponential", "gaussian"])
def test_fit_recovers_model(kind, weights):
    true = VariogramModel(0.3, (Structure(kind, 1.2, 70.0),))
    lags = np.arange(5.0, 150.0, 7.5)
    table = pd.DataFrame(
        {"distance": lags, "gamma": true.isotropic_gamma(lags), "n_pairs": 50 + lags.astype(int)}
    )
    fitted = fit_variogram(table, [kind], weights=weights)
    assert fitted.nugget == pytest.approx(0.3, abs=1e-4)
    assert fitted.structures[0].sill == pytest.approx(1.2, rel=1e-4)
    assert fitted.structures[0].ranges[0] == pytest.approx(70.0, rel=1e-3)


def test_fit_on_simulated_field_and_anisotropy_is_applied():
    rng = np.random.default_rng(3)
    model = VariogramModel(0.1, (Structure("exponential", 0.9, 60.0),))
    pts = np.column_stack([rng.uniform(0, 300, (600, 2)), np.zeros(600)])
    cov = model.covariance(pts[:, None] - pts[None]) + 1e-9 * np.eye(600)
    z = np.linalg.cholesky(cov) @ rng.normal(size=600)
    table = experimental_variogram(pts, z, lag=10.0, n_lags=12)
    fitted = fit_variogram(table, ["exponential"], anisotropy=(0.5, 0.25, 30.0, 0.0, 0.0))
    s = fitted.structures[0]
    assert 0.5 < fitted.sill < 1.6
    assert 25.0 < s.ranges[0] < 140.0
    assert s.ranges[1] == pytest.approx(0.5 * s.ranges[0])
    assert s.azimuth == 30.0


def test_fit_refuses_too_few_lags():
    table = pd.DataFrame({"distance": [1.0, 2.0], "gamma": [0.1, 0.2], "n_pairs": [3, 4]})
    with pytest.raises(ValidationError, match="lag classes"):
        fit_variogram(table, ["spherical", "exponential"])
    with pytest.raises(ValidationError, match="unknown structure kind"):
        fit_variogram(table, ["linear"])
