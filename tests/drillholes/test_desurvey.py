"""Desurveying checked against hand-computed holes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bornite.drillholes import (
    DrillholeDatabase,
    desurvey_intervals,
    desurvey_stations,
    direction_vectors,
    hole_positions,
    ratio_factor,
)
from bornite.errors import ValidationError


def _db(stations: list[tuple[float, float, float]], *, collar=(100.0, 200.0, 50.0), length=200.0):
    return DrillholeDatabase(
        collar=pd.DataFrame(
            {
                "hole": ["H"],
                "easting": [collar[0]],
                "northing": [collar[1]],
                "elevation": [collar[2]],
                "length": [length],
            }
        ),
        survey=pd.DataFrame(
            {
                "hole": "H",
                "depth": [s[0] for s in stations],
                "azimuth": [s[1] for s in stations],
                "dip": [s[2] for s in stations],
            }
        ),
        intervals=pd.DataFrame({"hole": ["H"], "from": [10.0], "to": [30.0]}),
    )


def _xyz(frame: pd.DataFrame) -> np.ndarray:
    return frame[["easting", "northing", "elevation"]].to_numpy()


@pytest.mark.parametrize("method", ["minimum_curvature", "tangent"])
def test_vertical_hole(method):
    db = _db([(0.0, 0.0, -90.0), (100.0, 0.0, -90.0)])
    p = hole_positions(db, "H", [0.0, 25.0, 100.0, 150.0], method=method)
    np.testing.assert_allclose(
        _xyz(p),
        [[100, 200, 50], [100, 200, 25], [100, 200, -50], [100, 200, -100]],
        atol=1e-9,
    )
    np.testing.assert_allclose(p["dip"], -90.0)


@pytest.mark.parametrize("method", ["minimum_curvature", "tangent"])
def test_straight_inclined_hole(method):
    # azimuth 45, dip -60: horizontal step cos60 = 0.5 split equally east/north
    db = _db([(0.0, 45.0, -60.0), (80.0, 45.0, -60.0)])
    p = hole_positions(db, ["H", "H"], [40.0, 120.0], method=method)
    for depth, row in zip([40.0, 120.0], _xyz(p), strict=True):
        horizontal = depth * 0.5
        expected = [
            100 + horizontal * math.sqrt(0.5),
            200 + horizontal * math.sqrt(0.5),
            50 - depth * math.sqrt(3) / 2,
        ]
        np.testing.assert_allclose(row, expected, atol=1e-9)
    np.testing.assert_allclose(p["azimuth"], 45.0)
    np.testing.assert_allclose(p["dip"], -60.0)


def test_one_bend_minimum_curvature_by_hand():
    # vertical at the collar, azimuth 90 / dip -60 at 100 m
    db = _db([(0.0, 0.0, -90.0), (100.0, 90.0, -60.0)], collar=(0.0, 0.0, 0.0))
    t1 = np.array([0.0, 0.0, -1.0])
    t2 = np.array([0.5, 0.0, -math.sqrt(3) / 2])
    beta = math.acos(float(t1 @ t2))  # dogleg 30 degrees
    assert beta == pytest.approx(math.pi / 6)
    rf = 2 / beta * math.tan(beta / 2)  # ratio factor by hand: (12 / pi) tan(15 deg)
    assert rf == pytest.approx(12 / math.pi * 0.2679491924, abs=1e-9)
    assert float(ratio_factor(beta)) == pytest.approx(rf)
    expected = 100 / 2 * (t1 + t2) * rf
    p = hole_positions(db, "H", [100.0, 50.0])
    np.testing.assert_allclose(_xyz(p)[0], expected, atol=1e-9)
    # independent check: a circular arc of length 100 turning 30 degrees has radius 100/beta
    # and its chord 2 R sin(beta/2) points along the bisector of t1 and t2
    radius = 100 / beta
    chord = 2 * radius * math.sin(beta / 2)
    bisector = (t1 + t2) / np.linalg.norm(t1 + t2)
    np.testing.assert_allclose(_xyz(p)[0], chord * bisector, atol=1e-9)
    # the midpoint lies on the same arc: turned 15 degrees, chord 2 R sin(7.5 deg)
    t_mid = (t1 + t2) / np.linalg.norm(t1 + t2)
    mid_bisector = (t1 + t_mid) / np.linalg.norm(t1 + t_mid)
    np.testing.assert_allclose(
        _xyz(p)[1], 2 * radius * math.sin(beta / 4) * mid_bisector, atol=1e-9
    )
    assert p["dip"].iloc[1] == pytest.approx(-75.0)
    assert p["azimuth"].iloc[1] == pytest.approx(90.0)
    # below the last station the hole continues straight along t2
    below = hole_positions(db, "H", [130.0])
    np.testing.assert_allclose(_xyz(below)[0], expected + 30 * t2, atol=1e-9)


def test_one_bend_tangent_method():
    db = _db([(0.0, 0.0, -90.0), (100.0, 90.0, -60.0)], collar=(0.0, 0.0, 0.0))
    p = hole_positions(db, "H", [100.0, 150.0], method="tangent")
    np.testing.assert_allclose(_xyz(p)[0], [0, 0, -100], atol=1e-9)
    np.testing.assert_allclose(_xyz(p)[1], [25.0, 0, -100 - 50 * math.sqrt(3) / 2], atol=1e-9)


def test_first_station_below_collar_keeps_its_direction():
    db = _db([(30.0, 90.0, 0.0)], collar=(0.0, 0.0, 0.0))
    stations = desurvey_stations(db)
    assert stations["depth"].tolist() == [0.0, 30.0]
    np.testing.assert_allclose(_xyz(stations)[1], [30.0, 0.0, 0.0], atol=1e-9)


def test_interval_midpoints_and_ends():
    db = _db([(0.0, 0.0, -90.0)], collar=(0.0, 0.0, 0.0))
    out = desurvey_intervals(db, ends=True)
    assert out["elevation"].iloc[0] == pytest.approx(-20.0)
    assert out["elevation_from"].iloc[0] == pytest.approx(-10.0)
    assert out["elevation_to"].iloc[0] == pytest.approx(-30.0)


def test_several_holes_are_independent():
    db = DrillholeDatabase(
        collar=pd.DataFrame(
            {
                "hole": ["A", "B"],
                "easting": [0.0, 1000.0],
                "northing": [0.0, 0.0],
                "elevation": [0.0, 10.0],
                "length": [100.0, 100.0],
            }
        ),
        survey=pd.DataFrame(
            {
                "hole": ["B", "A", "B"],
                "depth": [50.0, 0.0, 0.0],
                "azimuth": [0.0, 0.0, 0.0],
                "dip": [0.0, -90.0, -90.0],
            }
        ),
        intervals=pd.DataFrame({"hole": [], "from": [], "to": []}),
    )
    p = hole_positions(db, ["A", "B", "A"], [80.0, 0.0, 10.0])
    np.testing.assert_allclose(_xyz(p), [[0, 0, -80], [1000, 0, 10], [0, 0, -10]], atol=1e-9)


def test_refuses_unknown_hole_and_missing_survey():
    db = _db([(0.0, 0.0, -90.0)])
    with pytest.raises(ValidationError, match="not in the collar table"):
        hole_positions(db, "nope", [1.0])
    bare = db.replace(survey=db.survey.iloc[0:0])
    with pytest.raises(ValidationError, match="no survey"):
        hole_positions(bare, "H", [1.0])
    with pytest.raises(ValidationError, match=">= 0"):
        hole_positions(db, "H", [-1.0])


def test_direction_vectors_are_unit():
    t = direction_vectors([0, 90, 180, 270, 33], [-90, -45, 0, 30, -10])
    np.testing.assert_allclose(np.linalg.norm(t, axis=1), 1.0)
    np.testing.assert_allclose(t[2], [0, -1, 0], atol=1e-12)


angles = st.tuples(st.floats(0, 359.9), st.floats(-89.9, 89.9))


@settings(max_examples=40, deadline=None)
@given(st.lists(angles, min_size=2, max_size=4), st.floats(5.0, 80.0))
def test_minimum_curvature_path_is_arc_length_parametrised(directions, spacing):
    """Points along the hole are as far apart along the path as their depths differ."""
    stations = [(i * spacing, az, dip) for i, (az, dip) in enumerate(directions)]
    total = spacing * (len(stations) - 1)
    db = _db(stations, length=total)
    depths = np.linspace(0.0, total, 401)
    xyz = _xyz(hole_positions(db, ["H"] * len(depths), depths))
    steps = np.linalg.norm(np.diff(xyz, axis=0), axis=1)
    # every chord is at most its arc, and the polyline length converges to the depth
    assert (steps <= np.diff(depths) + 1e-9).all()
    assert steps.sum() == pytest.approx(total, rel=2e-3)
    # stations coincide with the station-by-station formula
    stations_xyz = _xyz(desurvey_stations(db))
    at_stations = _xyz(hole_positions(db, ["H"] * len(stations), [s[0] for s in stations]))
    np.testing.assert_allclose(at_stations, stations_xyz, atol=1e-7)
