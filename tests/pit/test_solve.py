"""Ultimate pit: hand-solved 2-D sections, brute force, engine agreement and verification."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bornite.errors import ConvergenceError, MissingDependencyError, ValidationError
from bornite.pit import block_arcs, check_closure, integer_values, ultimate_pit
from bornite.pit import solve as solve_module
from tests.pit.conftest import INSTALLED, brute_force

# A 2-D section, 5 blocks wide and 3 deep, with the 1:3 (45 degree) pattern: a block needs
# the three blocks above it. Rows are benches from the top.
PATTERN_2D = np.array([[-1, 0, 1], [0, 0, 1], [1, 0, 1]])


def _section(rows):
    """Values of a 2-D section given top row first -> flat values in grid order and arcs."""
    grid = np.asarray(rows, dtype=np.int64)  # (benches, columns), top first
    nz, nx = grid.shape
    values = grid[::-1].T.reshape(nx, 1, nz).ravel()  # easting, northing, elevation (up)
    src, dst = block_arcs((nx, 1, nz), PATTERN_2D)
    return values, src, dst, (nx, nz)


def _as_rows(mask, nx, nz):
    return mask.reshape(nx, nz)[:, ::-1].T.astype(int).tolist()


def test_hand_solved_section_mines_the_cone_over_the_ore(engine):
    # ore of 10 at the bottom centre under eight waste blocks of -1: the cone costs
    # 1 + 3 + 5 = 9 blocks (8 waste), worth 10 - 8 = 2 > 0, so it is mined
    values, src, dst, (nx, nz) = _section(
        [[-1, -1, -1, -1, -1], [0, -1, -1, -1, 0], [0, 0, 10, 0, 0]]
    )
    pit = ultimate_pit(values, src, dst, engine=engine)
    assert pit.value == 2
    rows = np.array(_as_rows(pit.mask, nx, nz))
    cone = np.array([[1, 1, 1, 1, 1], [0, 1, 1, 1, 0], [0, 0, 1, 0, 0]])
    assert (rows >= cone).all()  # the cone is mined (zero-valued blocks are optional)
    assert rows[2].tolist() == [0, 0, 1, 0, 0]
    check_closure(pit.mask, src, dst)


def test_hand_solved_section_leaves_uneconomic_ore(engine):
    # the same cone with ore worth 7 < 8 of waste: the best pit is empty
    values, src, dst, _ = _section([[-1, -1, -1, -1, -1], [-1, -1, -1, -1, -1], [0, 0, 7, 0, 0]])
    pit = ultimate_pit(values, src, dst, engine=engine)
    assert pit.value == 0
    assert pit.n_blocks == 0


def test_hand_solved_section_two_ore_bodies_share_waste(engine):
    # two ore blocks of 6 at the bottom, columns 1 and 3: each cone alone costs 7 waste
    # blocks (loses 1); together they share waste: 6 + 6 - 10 = 2
    values, src, dst, (nx, nz) = _section(
        [[-1, -1, -1, -1, -1], [-1, -1, -1, -1, -1], [0, 6, 0, 6, 0]]
    )
    pit = ultimate_pit(values, src, dst, engine=engine)
    assert pit.value == 2
    assert _as_rows(pit.mask, nx, nz) == [
        [1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1],
        [0, 1, 0, 1, 0],
    ]


@pytest.mark.parametrize("name", INSTALLED)
@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-6, 6), min_size=9, max_size=9))
def test_engines_match_brute_force_on_3x3_sections(name, values):
    src, dst = block_arcs((3, 1, 3), PATTERN_2D)
    pit = ultimate_pit(np.array(values), src, dst, engine=name)
    assert pit.value == brute_force(values, src, dst)
    check_closure(pit.mask, src, dst)
    assert pit.value == int(np.asarray(values)[pit.mask].sum())


def test_engines_agree_on_a_random_3d_model():
    rng = np.random.default_rng(7)
    shape = (12, 10, 8)
    values = rng.integers(-50, 40, size=int(np.prod(shape)))
    src, dst = block_arcs(shape, np.array([[i, j, 1] for i in (-1, 0, 1) for j in (-1, 0, 1)]))
    results = [ultimate_pit(values, src, dst, engine=name) for name in INSTALLED]
    assert len({r.value for r in results}) == 1
    assert results[0].value > 0
    for r in results:
        check_closure(r.mask, src, dst)


def test_auto_engine_and_missing_engine(monkeypatch):
    pit = ultimate_pit([-1, 3], [1], [0])
    assert pit.engine in solve_module.ENGINES
    assert pit.value == 2
    monkeypatch.setattr(solve_module, "_available", lambda name: name == "scipy")
    assert ultimate_pit([-1, 3], [1], [0]).engine == "scipy"
    with pytest.raises(MissingDependencyError, match=r"pip install 'bornite\[pit\]'"):
        ultimate_pit([-1, 3], [1], [0], engine="ortools")


def test_scipy_refuses_values_beyond_int32():
    with pytest.raises(ValidationError, match="int32"):
        ultimate_pit([2**31, -1], [0], [1], engine="scipy")


def test_verification_catches_a_wrong_engine(monkeypatch):
    def liar(n, values, src, dst):
        return np.ones(n, dtype=bool), 999

    monkeypatch.setitem(solve_module._SOLVERS, "scipy", liar)
    with pytest.raises(ConvergenceError, match="reported a pit value of 999"):
        ultimate_pit([-1, 3], [1], [0], engine="scipy")

    def unclosed(n, values, src, dst):
        return np.array([False, True]), 3

    monkeypatch.setitem(solve_module._SOLVERS, "scipy", unclosed)
    with pytest.raises(ConvergenceError, match="block 1 needs block 0"):
        ultimate_pit([-1, 3], [1], [0], engine="scipy")


def test_input_checks():
    with pytest.raises(ValidationError, match="integers"):
        ultimate_pit([0.5, 1.0], [], [])
    with pytest.raises(ValidationError, match=r"outside 0\.\.1"):
        ultimate_pit([1, 2], [0], [5])
    with pytest.raises(ValidationError, match="unknown engine"):
        ultimate_pit([1, 2], [], [], engine="cplex")
    with pytest.raises(ValidationError, match="finite"):
        integer_values([1.0, np.nan])
    assert integer_values([0.49, 0.51, -2.5], unit=1.0).tolist() == [0, 1, -2]
    assert ultimate_pit([], [], []).n_blocks == 0


@pytest.mark.parametrize("name", INSTALLED)
def test_engines_without_any_negative_block(name):
    """No waste at all: the sink has no arc, which OR-tools once mishandled (the solve said
    OPTIMAL with a wrong cut); found by Hypothesis."""
    src, dst = block_arcs((3, 1, 3), PATTERN_2D)
    pit = ultimate_pit(np.array([0, 0, 0, 0, 0, 0, 0, 0, 1]), src, dst, engine=name)
    assert pit.value == 1
    check_closure(pit.mask, src, dst)
