"""Fuzzy membership functions and overlay operators."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from bornite.errors import ValidationError
from bornite.prospectivity.fuzzy import (
    fuzzy_algebraic_product,
    fuzzy_algebraic_sum,
    fuzzy_and,
    fuzzy_categorical,
    fuzzy_gamma,
    fuzzy_gaussian,
    fuzzy_large,
    fuzzy_linear,
    fuzzy_near,
    fuzzy_or,
    fuzzy_small,
)


@pytest.fixture
def layers():
    rng = np.random.default_rng(4)
    return [rng.random((30, 20)) for _ in range(3)]


def test_linear_is_clipped_and_can_decrease():
    x = np.array([-1.0, 0.0, 2.5, 10.0, 11.0])
    np.testing.assert_allclose(fuzzy_linear(x, 0.0, 10.0), [0.0, 0.0, 0.25, 1.0, 1.0])
    np.testing.assert_allclose(fuzzy_linear(x, 10.0, 0.0), [1.0, 1.0, 0.75, 0.0, 0.0])


@pytest.mark.parametrize("function", [fuzzy_large, fuzzy_small, fuzzy_gaussian, fuzzy_near])
def test_midpoint_memberships_are_one_half_or_one(function):
    value = float(function(np.array([7.0]), 7.0, 2.0)[0])
    expected = 0.5 if function in (fuzzy_large, fuzzy_small) else 1.0
    assert value == pytest.approx(expected)


def test_large_increases_small_decreases_and_they_sum_to_one():
    x = np.linspace(0.1, 50, 200)
    large = fuzzy_large(x, 10.0, 3.0)
    small = fuzzy_small(x, 10.0, 3.0)
    assert np.all(np.diff(large) > 0)
    assert np.all(np.diff(small) < 0)
    np.testing.assert_allclose(large + small, 1.0)
    assert float(fuzzy_large(np.array([0.0]), 10.0)[0]) == 0.0
    assert float(fuzzy_small(np.array([-3.0]), 10.0)[0]) == 1.0


def test_gaussian_and_near_are_symmetric_about_the_midpoint():
    for function in (fuzzy_gaussian, fuzzy_near):
        left = function(np.array([3.0]), 5.0, 0.3)
        right = function(np.array([7.0]), 5.0, 0.3)
        assert left[0] == pytest.approx(right[0])
    # near has heavier tails than gaussian with the same spread
    assert fuzzy_near(np.array([10.0]), 0.0, 0.1)[0] > fuzzy_gaussian(np.array([10.0]), 0.0, 0.1)[0]


def test_categorical_lookup_and_default():
    x = np.array([[1, 2], [3, 4]])
    out = fuzzy_categorical(x, {1: 0.9, 3: 0.1})
    assert out[0, 0] == 0.9
    assert out[1, 0] == 0.1
    assert np.isnan(out[0, 1])
    with pytest.raises(ValidationError, match="between 0 and 1"):
        fuzzy_categorical(x, {1: 1.5})


def test_nan_stays_nan_in_memberships():
    x = np.array([np.nan, 1.0])
    for out in (
        fuzzy_linear(x, 0, 2),
        fuzzy_large(x, 1.0),
        fuzzy_small(x, 1.0),
        fuzzy_gaussian(x, 1.0),
        fuzzy_near(x, 1.0),
    ):
        assert np.isnan(out[0])
        assert np.isfinite(out[1])


def test_dataarrays_keep_coordinates_and_attrs():
    grid = xr.DataArray(
        np.arange(6.0).reshape(2, 3),
        dims=("northing", "easting"),
        coords={"northing": [150.0, 50.0], "easting": [50.0, 150.0, 250.0]},
        attrs={"crs": "EPSG:7845", "cell_size": (100.0, 100.0)},
    )
    out = fuzzy_linear(grid, 0.0, 5.0)
    assert isinstance(out, xr.DataArray)
    assert out.attrs["crs"] == "EPSG:7845"
    np.testing.assert_array_equal(out["easting"], grid["easting"])
    combined = fuzzy_and(out, out)
    assert isinstance(combined, xr.DataArray)


def test_overlay_ordering(layers):
    product = fuzzy_algebraic_product(*layers)
    low = fuzzy_and(*layers)
    high = fuzzy_or(*layers)
    total = fuzzy_algebraic_sum(*layers)
    assert np.all(product <= low + 1e-15)
    assert np.all(low <= high)
    assert np.all(high <= total + 1e-15)
    np.testing.assert_allclose(fuzzy_gamma(*layers, gamma=0.0), product)
    np.testing.assert_allclose(fuzzy_gamma(*layers, gamma=1.0), total)
    mid = fuzzy_gamma(*layers, gamma=0.5)
    np.testing.assert_allclose(mid, np.sqrt(product * total))


def test_overlay_nan_handling(layers):
    a, b, _ = layers
    a = a.copy()
    a[0, 0] = np.nan
    b = b.copy()
    b[0, 0] = np.nan
    b[1, 1] = np.nan
    for operator in (fuzzy_and, fuzzy_or, fuzzy_algebraic_product, fuzzy_algebraic_sum):
        out = operator(a, b)
        assert np.isnan(out[0, 0])
        assert np.isnan(out[1, 1])
        skipped = operator(a, b, skipna=True)
        assert np.isnan(skipped[0, 0])  # no layer has a value
        assert skipped[1, 1] == pytest.approx(a[1, 1])  # only a has one
    assert np.isnan(fuzzy_gamma(a, b, gamma=0.8)[1, 1])
    assert fuzzy_gamma(a, b, gamma=0.8, skipna=True)[1, 1] == pytest.approx(a[1, 1])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: fuzzy_linear(np.ones(2), 1.0, 1.0), "different"),
        (lambda: fuzzy_large(np.ones(2), 0.0), "midpoint"),
        (lambda: fuzzy_small(np.ones(2), 1.0, -1.0), "spread"),
        (lambda: fuzzy_gaussian(np.ones(2), np.inf), "midpoint"),
        (fuzzy_and, "at least one"),
        (lambda: fuzzy_or(np.ones(2), np.ones(3)), "shape"),
        (lambda: fuzzy_algebraic_sum(np.array([2.0])), "between 0 and 1"),
        (lambda: fuzzy_gamma(np.ones(2), gamma=1.5), "gamma"),
    ],
)
def test_clear_errors(call, match):
    with pytest.raises(ValidationError, match=match):
        call()
