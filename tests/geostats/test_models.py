"""Variogram models: shapes, sills and the GSLIB anisotropy rotation."""

from __future__ import annotations

import numpy as np
import pytest

from bornite.errors import ValidationError
from bornite.geostats import Structure, VariogramModel, anisotropic_transform, rotation_matrix


def _unit(azimuth: float, dip: float) -> np.ndarray:
    a, d = np.deg2rad(azimuth), np.deg2rad(dip)
    return np.array([np.cos(d) * np.sin(a), np.cos(d) * np.cos(a), np.sin(d)])


@pytest.mark.parametrize(("azimuth", "dip", "rake"), [(0, 0, 0), (30, 0, 0), (120, -35, 20)])
def test_rotation_is_orthonormal_and_first_row_is_major_axis(azimuth, dip, rake):
    R = rotation_matrix(azimuth, dip, rake)
    np.testing.assert_allclose(R @ R.T, np.eye(3), atol=1e-14)
    assert np.linalg.det(R) == pytest.approx(1.0)
    np.testing.assert_allclose(R[0], _unit(azimuth, dip), atol=1e-14)


def test_rotation_without_rake_keeps_semi_major_axis_horizontal():
    R = rotation_matrix(75.0, -40.0, 0.0)
    assert R[1, 2] == pytest.approx(0.0, abs=1e-14)
    # Semi-major axis is 90 degrees anticlockwise (seen from above) of the major's azimuth.
    np.testing.assert_allclose(R[1], _unit(75.0 - 90.0, 0.0), atol=1e-14)


def test_range_is_reached_along_rotated_major_axis():
    model = VariogramModel(0.0, (Structure("spherical", 2.0, (300.0, 150.0, 60.0), 30.0),))
    major = _unit(30.0, 0.0)
    semi = _unit(-60.0, 0.0)
    minor = np.array([0.0, 0.0, 1.0])
    g = model.gamma(np.array([300 * major, 299 * major, 150 * semi, 149 * semi, 60 * minor]))
    assert g[0] == pytest.approx(2.0)
    assert g[1] < 2.0
    assert g[2] == pytest.approx(2.0)
    assert g[3] < 2.0
    assert g[4] == pytest.approx(2.0)
    # Along north (30 degrees off the major axis) the range is shorter than 300 m.
    assert model.gamma(np.array([[0.0, 250.0, 0.0]]))[0] == pytest.approx(2.0)
    # A dipping major axis: the range is met down-dip, not horizontally.
    dipping = VariogramModel(0.0, (Structure("spherical", 1.0, (100.0, 50.0, 10.0), 0.0, -45.0),))
    down = 100.0 * _unit(0.0, -45.0)
    assert dipping.gamma(down[None])[0] == pytest.approx(1.0)
    assert dipping.gamma(0.9 * down[None])[0] < 1.0
    assert dipping.gamma(np.array([[0.0, 30.0, 0.0]]))[0] == pytest.approx(1.0)


def test_transform_maps_ellipsoid_to_unit_sphere():
    T = anisotropic_transform((300.0, 150.0, 60.0), 30.0, -20.0, 10.0)
    R = rotation_matrix(30.0, -20.0, 10.0)
    for axis, r in zip(R, (300.0, 150.0, 60.0), strict=True):
        assert np.linalg.norm(T @ (r * axis)) == pytest.approx(1.0)


@pytest.mark.parametrize("kind", ["spherical", "exponential", "gaussian"])
def test_shapes_and_practical_range(kind):
    model = VariogramModel(0.25, (Structure(kind, 1.0, 100.0),))
    assert model.sill == 1.25
    assert model.gamma(np.zeros((1, 3)))[0] == 0.0
    tiny = model.gamma(np.array([[1e-9, 0, 0]]))[0]
    assert tiny == pytest.approx(0.25, abs=1e-6)  # nugget jump
    at_range = model.gamma(np.array([[100.0, 0, 0]]))[0] - 0.25
    expected = {"spherical": 1.0, "exponential": 1 - np.exp(-3), "gaussian": 1 - np.exp(-3)}[kind]
    assert at_range == pytest.approx(expected)
    h = np.linspace(0, 400, 50)[:, None] * np.array([[1.0, 0.0, 0.0]])
    g = model.gamma(h)
    assert np.all(np.diff(g) >= -1e-12)
    np.testing.assert_allclose(model.covariance(h), model.sill - g, atol=1e-12)
    np.testing.assert_allclose(model.isotropic_gamma(h[:, 0]), g)


def test_nested_structures_add():
    a = Structure("spherical", 0.5, 50.0)
    b = Structure("exponential", 0.7, (200.0, 100.0, 20.0), 45.0)
    h = np.random.default_rng(1).normal(scale=80, size=(20, 3))
    both = VariogramModel(0.1, (a, b)).gamma(h)
    np.testing.assert_allclose(
        both, VariogramModel(0.1, (a,)).gamma(h) + VariogramModel(0.0, (b,)).gamma(h)
    )


@pytest.mark.parametrize(
    "build",
    [
        lambda: Structure("cubic", 1.0, 10.0),  # type: ignore[arg-type]
        lambda: Structure("spherical", -1.0, 10.0),
        lambda: Structure("spherical", 1.0, (10.0, 0.0, 5.0)),
        lambda: VariogramModel(-0.1, ()),
        lambda: VariogramModel(0.0, ()),
    ],
)
def test_invalid_specifications_raise(build):
    with pytest.raises(ValidationError):
        build()


def test_specification_is_frozen():
    model = VariogramModel(0.1, [Structure("spherical", 1.0, 10.0)])
    assert isinstance(model.structures, tuple)
    with pytest.raises(AttributeError):
        model.nugget = 0.2  # type: ignore[misc]
