"""Down-hole variograms, fixed nuggets, joint 3-D anisotropic fits and duplicate averaging."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from bornite.errors import ValidationError
from bornite.geostats import (
    OrdinaryKriging,
    Structure,
    VariogramModel,
    average_duplicates,
    axis_directions,
    downhole_variogram,
    experimental_variogram,
    fit_anisotropic_variogram,
    fit_variogram,
    rotation_matrix,
)


def unit(azimuth: float, dip: float) -> np.ndarray:
    a, d = np.deg2rad(azimuth), np.deg2rad(dip)
    return np.array([np.cos(d) * np.sin(a), np.cos(d) * np.cos(a), np.sin(d)])


def test_downhole_variogram_matches_pairs_within_holes():
    rng = np.random.default_rng(3)
    holes = np.repeat(["h1", "h2", "h3"], 15)
    depths = np.concatenate([np.sort(rng.uniform(0, 60, 15)) for _ in range(3)])
    values = rng.normal(size=45)
    shuffle = rng.permutation(45)  # input order must not matter
    table = downhole_variogram(holes[shuffle], depths[shuffle], values[shuffle], lag=4.0, n_lags=6)
    sums, counts = np.zeros(6), np.zeros(6)
    for i, j in itertools.combinations(range(45), 2):
        if holes[i] != holes[j]:
            continue
        d = abs(depths[i] - depths[j])
        k = round(d / 4.0) - 1
        if 0 <= k < 6 and abs(d - (k + 1) * 4.0) <= 2.0:
            sums[k] += (values[i] - values[j]) ** 2
            counts[k] += 1
    np.testing.assert_array_equal(table["n_pairs"], counts)
    np.testing.assert_allclose(table["gamma"], sums / (2 * counts))
    assert table.attrs["direction"] == "downhole"


def test_downhole_variogram_refuses_mismatched_inputs():
    with pytest.raises(ValidationError, match="one shape"):
        downhole_variogram(["a", "b"], [1.0], [1.0, 2.0], lag=1.0, n_lags=2)


def test_fixed_nugget_is_kept_and_the_rest_fitted():
    true = VariogramModel(0.3, (Structure("spherical", 0.7, 80.0),))
    lags = np.arange(5.0, 120.0, 5.0)
    table = pd.DataFrame({"distance": lags, "gamma": true.isotropic_gamma(lags), "n_pairs": 50})
    fitted = fit_variogram(table, nugget_value=0.3)
    assert fitted.nugget == 0.3
    assert fitted.structures[0].sill == pytest.approx(0.7, rel=1e-4)
    assert fitted.structures[0].ranges[0] == pytest.approx(80.0, rel=1e-3)
    # A wrong nugget is honoured too: the fit does not silently free it.
    assert fit_variogram(table, nugget_value=0.1).nugget == 0.1


def test_axis_directions_are_the_rows_of_the_rotation():
    for angles in [(30.0, 0.0, 0.0), (110.0, -35.0, 20.0), (250.0, -60.0, -45.0)]:
        directions = axis_directions(*angles)
        vectors = np.array([unit(az, dp) for az, dp in directions])
        rows = rotation_matrix(*angles)
        # Same lines (up to sign) as the frame's axes, and the down-or-horizontal rule holds.
        np.testing.assert_allclose(np.abs(np.sum(vectors * rows, axis=1)), 1.0, atol=1e-9)
        assert all(dp <= 1e-9 for _, dp in directions)


@pytest.mark.parametrize("angles", [(30.0, 0.0, 0.0), (120.0, -25.0, 15.0)])
def test_joint_fit_recovers_a_rotated_nested_model(angles):
    true = VariogramModel(
        0.15,
        (
            Structure("spherical", 0.5, (60.0, 40.0, 15.0), *angles),
            Structure("exponential", 0.35, (300.0, 150.0, 60.0), *angles),
        ),
    )
    lags = np.arange(10.0, 400.0, 10.0)
    rng = np.random.default_rng(0)
    tables = []
    for az, dp in axis_directions(*angles):
        gamma = true.gamma(lags[:, None] * unit(az, dp)) * (1 + rng.normal(0, 0.01, lags.size))
        table = pd.DataFrame({"distance": lags, "gamma": gamma, "n_pairs": 400})
        table.attrs.update(azimuth=az, dip=dp)
        tables.append(table)
    fitted = fit_anisotropic_variogram(
        tables, ["spherical", "exponential"], azimuth=angles[0], dip=angles[1], rake=angles[2]
    )
    assert fitted.nugget == pytest.approx(0.15, abs=0.02)
    for got, want in zip(fitted.structures, true.structures, strict=True):
        assert got.sill == pytest.approx(want.sill, rel=0.08)
        np.testing.assert_allclose(got.ranges, want.ranges, rtol=0.1)
        assert (got.azimuth, got.dip, got.rake) == angles


def test_joint_fit_on_sampled_points_finds_the_long_axis():
    """Experimental variograms of a field that varies slowly along N30E: the fitted major
    range is clearly longer than the semi-major one."""
    rng = np.random.default_rng(7)
    xyz = np.column_stack([rng.uniform(0, 1000, 1500), rng.uniform(0, 1000, 1500), np.zeros(1500)])
    frame = rotation_matrix(30.0)
    along, across = (xyz @ frame.T)[:, 0], (xyz @ frame.T)[:, 1]
    values = np.sin(along / 160.0) + np.sin(across / 40.0) + rng.normal(0, 0.1, 1500)
    tables = [
        experimental_variogram(
            xyz, values, lag=20.0, n_lags=12, azimuth=az, dip=0.0, azimuth_tolerance=15.0
        )
        for az, _ in axis_directions(30.0)[:2]
    ]
    fitted = fit_anisotropic_variogram(tables, azimuth=30.0, max_range=600.0)
    major, semi, _ = fitted.structures[0].ranges
    assert major > 2 * semi


def test_joint_fit_needs_directional_tables():
    table = pd.DataFrame({"distance": [1.0, 2.0, 3.0], "gamma": [0.1, 0.2, 0.3], "n_pairs": 9})
    with pytest.raises(ValidationError, match="has no direction"):
        fit_anisotropic_variogram([table])


def test_average_duplicates_merges_chains_and_keeps_order():
    xyz = [[10, 0, 0], [0, 0, 0], [0.4, 0, 0], [0.8, 0, 0], [10, 0, 0]]
    merged = average_duplicates(
        xyz, [1.0, 2.0, 4.0, 6.0, 3.0], ["a", "b", "c", "d", "e"], tolerance=0.5
    )
    assert merged["n_merged"].tolist() == [2, 3]
    assert merged["value"].tolist() == [2.0, 4.0]
    assert merged["easting"].tolist() == pytest.approx([10.0, 0.4])
    assert merged["hole"].tolist() == ["a", "b"]


@pytest.mark.filterwarnings("ignore::scipy.linalg.LinAlgWarning")
def test_kriging_duplicates_fails_until_averaged():
    model = VariogramModel(0.0, (Structure("spherical", 1.0, 50.0),))
    xyz = np.array([[0.0, 0, 0], [0.0, 0, 0], [20.0, 0, 0], [0.0, 30, 0]])
    values = np.array([1.0, 3.0, 2.0, 0.5])
    with pytest.raises(ValidationError, match="average duplicate"):
        OrdinaryKriging(model).fit(xyz, values)
    merged = average_duplicates(xyz, values)
    estimate = (
        OrdinaryKriging(model)
        .fit(merged[["easting", "northing", "elevation"]], merged["value"])
        .predict([[0.0, 0.0, 0.0]])
    )
    assert estimate["estimate"].iloc[0] == pytest.approx(2.0)


def test_min_range_separates_a_nugget_from_a_short_structure():
    """With the range free, a structure shorter than the first lag soaks up the nugget; with
    the range bounded below by two lags, the fit finds the nugget the data imply."""
    true = VariogramModel(0.4, (Structure("spherical", 0.6, 60.0),))
    lags = np.arange(6.0, 61.0, 6.0)
    table = pd.DataFrame({"distance": lags, "gamma": true.isotropic_gamma(lags), "n_pairs": 80})
    bounded = fit_variogram(table, min_range=12.0)
    assert bounded.nugget == pytest.approx(0.4, abs=0.02)
    with pytest.raises(ValidationError, match="finite number"):
        fit_variogram(table, nugget_value=-1.0)
