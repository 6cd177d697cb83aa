"""Nested shells: nesting, optimality of every shell, monotone value, pit-by-pit tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bornite.errors import ValidationError
from bornite.pit import (
    block_arcs,
    check_closure,
    integer_values,
    nested_shells,
    pit_by_pit,
    select_shell,
    slope_pattern,
    ultimate_pit,
    value_at,
)
from tests.pit.conftest import INSTALLED

FACTORS = (0.4, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0)


@pytest.fixture(scope="module")
def deposit():
    """A 3-D orebody in a 16 x 14 x 10 grid with a 45-degree, 4-bench precedence."""
    shape = (16, 14, 10)
    i, j, k = np.meshgrid(*(np.arange(n) for n in shape), indexing="ij")
    r = np.sqrt(((i - 7.5) / 4.0) ** 2 + ((j - 6.5) / 3.0) ** 2 + ((k - 4.0) / 3.0) ** 2)
    rng = np.random.default_rng(3)
    grade = np.clip(np.exp(-(r**2)) + 0.05 * rng.standard_normal(shape), 0, None).ravel()
    tonnes = np.full(grade.size, 2700.0)
    revenue = tonnes * grade * 0.01 * 8000.0
    processing = tonnes * 9.0
    mining = tonnes * (2.0 + 0.02 * (shape[2] - 1 - k.ravel()))
    src, dst = block_arcs(shape, slope_pattern(45.0, (10.0, 10.0, 10.0), 4))
    return revenue, processing, mining, src, dst, tonnes, grade


def test_shells_are_nested_closed_and_each_optimal(deposit, engine):
    revenue, processing, mining, src, dst, *_ = deposit
    shell = nested_shells(revenue, processing, mining, src, dst, FACTORS, engine=engine)
    previous = np.zeros(shell.size, dtype=bool)
    best_values = []
    for k, factor in enumerate(FACTORS, start=1):
        inside = (shell >= 1) & (shell <= k)
        assert (inside >= previous).all()  # nested
        check_closure(inside, src, dst)
        values = integer_values(value_at(revenue, processing, mining, factor))
        independent = ultimate_pit(values, src, dst, engine=engine)
        assert int(values[inside].sum()) == independent.value  # optimal for its factor
        best_values.append(independent.value)
        previous = inside
    assert best_values == sorted(best_values)  # the optimum grows with the factor
    sizes = [int(((shell >= 1) & (shell <= k)).sum()) for k in range(1, len(FACTORS) + 1)]
    assert len(set(sizes)) >= 5  # the factors really change the pit


def test_shells_do_not_depend_on_the_engine(deposit):
    revenue, processing, mining, src, dst, *_ = deposit
    results = [
        nested_shells(revenue, processing, mining, src, dst, FACTORS, engine=e) for e in INSTALLED
    ]
    totals = [
        [
            int(integer_values(value_at(revenue, processing, mining, f))[(s >= 1) & (s <= k)].sum())
            for k, f in enumerate(FACTORS, start=1)
        ]
        for s in results
    ]
    assert all(t == totals[0] for t in totals)


@pytest.mark.parametrize("n_jobs", [2, 3, 8])
def test_threads_give_optimal_nested_shells(deposit, n_jobs):
    revenue, processing, mining, src, dst, *_ = deposit
    serial = nested_shells(revenue, processing, mining, src, dst, FACTORS, n_jobs=1)
    threaded = nested_shells(revenue, processing, mining, src, dst, FACTORS, n_jobs=n_jobs)
    previous = np.zeros(serial.size, dtype=bool)
    for k, factor in enumerate(FACTORS, start=1):
        inside = (threaded >= 1) & (threaded <= k)
        assert (inside >= previous).all()
        check_closure(inside, src, dst)
        values = integer_values(value_at(revenue, processing, mining, factor))
        assert values[inside].sum() == values[(serial >= 1) & (serial <= k)].sum()
        previous = inside
    with pytest.raises(ValidationError, match="n_jobs"):
        nested_shells(revenue, processing, mining, src, dst, FACTORS, n_jobs=0)


def test_pit_by_pit_table_and_shell_choice(deposit):
    revenue, processing, mining, src, dst, tonnes, grade = deposit
    shell = nested_shells(revenue, processing, mining, src, dst, FACTORS)
    table = pit_by_pit(
        shell,
        FACTORS,
        tonnes=tonnes,
        ore_t=tonnes,
        metal_t=tonnes * grade * 0.01,
        revenue=revenue,
        processing_cost=processing,
        mining_cost=mining,
    )
    assert table["shell"].tolist() == list(range(1, len(FACTORS) + 1))
    for column in ("blocks", "rock_t", "ore_t", "metal_t"):
        assert table[column].is_monotonic_increasing
    np.testing.assert_allclose(table["rock_t"], table["ore_t"] + table["waste_t"])
    # value at factor 1 of the factor-1 shell is the ultimate pit's value
    k1 = FACTORS.index(1.0)
    best = ultimate_pit(integer_values(value_at(revenue, processing, mining)), src, dst)
    assert table["value_usd"][k1] == pytest.approx(best.value, abs=0.5 * best.n_blocks + 1)
    assert table["value_usd"].max() == pytest.approx(table["value_usd"][k1], abs=best.n_blocks)
    assert select_shell(table) == k1 + 1
    assert select_shell(table, revenue_factor=1.3) == k1 + 2
    assert select_shell(table, method="max_value") == int(table["value_usd"].idxmax()) + 1
    with pytest.raises(ValidationError, match="no shell has a revenue factor"):
        select_shell(table, revenue_factor=0.1)


def test_revenue_factor_checks():
    with pytest.raises(ValidationError, match="strictly increasing"):
        nested_shells([1.0], [0.0], [0.0], [], [], [1.0, 0.5])
    with pytest.raises(ValidationError, match="positive"):
        nested_shells([1.0], [0.0], [0.0], [], [], [0.0, 1.0])
    with pytest.raises(ValidationError, match="block 1 has a negative revenue"):
        nested_shells([1.0, -2.0], [0.0, 0.0], [1.0, 1.0], [], [], [0.5, 1.0])


def test_one_block_column_hand_solved():
    # a column of 3 blocks, bottom (rich ore), middle (ore), top (waste)
    revenue = np.array([100.0, 40.0, 0.0])
    processing = np.array([10.0, 10.0, 0.0])
    mining = np.array([5.0, 5.0, 5.0])
    src, dst = np.array([0, 1]), np.array([1, 2])  # bottom needs middle needs top
    shell = nested_shells(revenue, processing, mining, src, dst, [0.2, 0.5, 1.0])
    # f=0.2: bottom max(20-10, 0)-5 = 5, middle max(8-10, 0)-5 = -5, top -5: the column
    #        is worth -5, any top part less: nothing is mined
    # f=0.5: bottom 35, middle 5, top -5: the column is worth 35: all three
    assert shell.tolist() == [2, 2, 2]
    frame = pd.DataFrame(
        {"shell": [1, 2, 3], "revenue_factor": [0.2, 0.5, 1.0], "value_usd": [0, 1, 2]}
    )
    assert select_shell(frame) == 3
