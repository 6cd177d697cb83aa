"""Slope precedence: patterns from angles, minimality, the honour report, grid arcs."""

from __future__ import annotations

import numpy as np
import pytest

from bornite.errors import ValidationError
from bornite.pit import SlopeSet, block_arcs, pattern_report, slope_pattern
from bornite.pit.precedence import _reach


def test_45_degree_one_bench_pattern_is_the_9_block_cone():
    pattern = slope_pattern(45.0, (10.0, 10.0, 10.0), n_benches=1)
    assert sorted(map(tuple, pattern.tolist())) == [
        (i, j, 1) for i in (-1, 0, 1) for j in (-1, 0, 1)
    ]


def test_steep_one_bench_pattern_is_the_block_above_and_flat_ones_are_wider():
    assert slope_pattern(80.0, (10.0, 10.0, 10.0), n_benches=1).tolist() == [[0, 0, 1]]
    # 30 degrees: reach 1.5 * 10 / tan(30) = 26 m -> offsets within 2.6 blocks
    flat = slope_pattern(30.0, (10.0, 10.0, 10.0), n_benches=1)
    assert len(flat) == 21  # the 5x5 square less its 4 corners
    assert max(np.hypot(flat[:, 0], flat[:, 1])) <= 2.6


def test_pattern_is_minimal_no_arc_is_implied_by_the_others():
    pattern = slope_pattern(45.0, (10.0, 10.0, 10.0), n_benches=8)
    half = 20
    full = _reach(pattern, 8, half)
    for k in range(len(pattern)):
        others = np.delete(pattern, k, axis=0)
        reduced = _reach(others, 8, half)
        a, b, c = pattern[k]
        assert not reduced[c][a + half, b + half], f"arc {pattern[k]} is redundant"
        assert any((f != r).any() for f, r in zip(full, reduced, strict=True))


def test_pattern_never_reaches_outside_the_cone_within_its_height():
    size = (20.0, 20.0, 15.0)
    sectors = [(0, 45), (90, 40), (180, 50), (270, 38)]
    report = pattern_report(sectors, size, 8, levels=8)
    assert (report["extra_blocks"] == 0).all()
    # beyond its height the chained arcs approximate the angles within a few degrees
    long = pattern_report(sectors, size, 8, levels=24)
    assert long.attrs["max_error_deg"] < 4.0
    assert (np.abs(long["effective_angle"] - long["angle"]) < 4.0).all()


def test_more_benches_honour_the_angle_better():
    errors = [
        pattern_report(45.0, (10.0, 10.0, 10.0), n, levels=24).attrs["max_error_deg"]
        for n in (1, 8)
    ]
    assert errors[1] < errors[0]
    one_bench = pattern_report(45.0, (10.0, 10.0, 10.0), 1, levels=24)
    # the 1:9 cone chains into a square: flatter than 45 degrees on the diagonals
    assert one_bench["effective_angle"][0] < 43.0


def test_sector_angles_change_the_pattern_by_azimuth():
    # azimuths 0-180 (the east walls) at 60 degrees, 180-360 (west) at 30 degrees
    pattern = slope_pattern([(0, 60), (180, 30)], (10.0, 10.0, 10.0), 1)
    east = pattern[pattern[:, 0] > 0]
    west = pattern[pattern[:, 0] < 0]
    assert np.abs(west[:, 0]).max() == 2  # 1.5 * 10 / tan(30) = 26 m
    assert len(east) == 0  # 1.5 * 10 / tan(60) = 8.7 m: not even the next block
    assert len(west) > 4


def test_block_arcs_on_a_small_grid_and_domains():
    src, dst = block_arcs((3, 1, 2), np.array([[-1, 0, 1], [0, 0, 1], [1, 0, 1]]))
    assert sorted(zip(src.tolist(), dst.tolist(), strict=True)) == [
        (0, 1),
        (0, 3),
        (2, 1),
        (2, 3),
        (2, 5),
        (4, 3),
        (4, 5),
    ]
    steep = np.array([[0, 0, 1]])
    wide = np.array([[-1, 0, 1], [0, 0, 1], [1, 0, 1]])
    domain = np.array([0, 0, 1, 1, 0, 0])  # the middle column is the wide domain
    src, dst = block_arcs((3, 1, 2), [steep, wide], domain=domain)
    assert sorted(zip(src.tolist(), dst.tolist(), strict=True)) == [
        (0, 1),
        (2, 1),
        (2, 3),
        (2, 5),
        (4, 5),
    ]
    assert (np.diff(src) >= 0).all()  # sorted by source block (CSR order for the engines)
    present = np.array([True, True, True, False, True, True])
    src, dst = block_arcs((3, 1, 2), wide, present=present)
    assert 3 not in src.tolist() + dst.tolist()
    with pytest.raises(ValidationError, match="domain codes"):
        block_arcs((3, 1, 2), [steep, wide], domain=np.full(6, 2))


def test_slope_set_validation():
    slopes = SlopeSet([(270, 40), (90, 45)], n_benches=4, domains={"oxide": 35})
    assert slopes.sectors == ((90.0, 45.0), (270.0, 40.0))
    assert slopes.angle_at(0.0) == 40.0  # before the first start: the last sector wraps
    assert slopes.angle_at(100.0, domain="oxide") == 35.0
    assert slopes.angle_at(100.0, domain="fresh") == 45.0
    with pytest.raises(ValidationError, match="strictly between 0 and 90"):
        SlopeSet(95.0)
    with pytest.raises(ValidationError, match="n_benches"):
        SlopeSet(45.0, n_benches=0)
    with pytest.raises(ValidationError, match="same azimuth"):
        SlopeSet([(0, 40), (360, 45)])
    with pytest.raises(ValidationError, match=r"\(azimuth, angle\) pairs"):
        SlopeSet("steep")  # type: ignore[arg-type]
