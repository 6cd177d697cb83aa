"""Economic block values: hand-computed values, depth increment, dilution, recovery."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from bornite.blockmodel import BlockGrid
from bornite.errors import ValidationError
from bornite.pit import PitEconomics, block_values, breakeven_grade, value_at


def _model(cu_pct, shape, **extra):
    grid = BlockGrid((0.0, 0.0, 0.0), (10.0, 10.0, 10.0), shape)
    return grid.dataset(cu_pct=np.asarray(cu_pct, dtype=float), **extra)


def test_hand_computed_block_value():
    # 1000 m^3 x 2.5 t/m^3 = 2500 t at 0.5 % Cu = 12.5 t of copper
    economics = PitEconomics(
        prices={"cu": 9000.0},
        recovery=0.9,
        mining_cost=2.0,
        processing_cost=10.0,
        selling_cost=1000.0,
        royalty=0.05,
    )
    v = block_values(_model([0.5], (1, 1, 1)), economics, density=2.5)
    revenue = 12.5 * 0.9 * (9000.0 - 1000.0) * 0.95  # 85,500
    assert v["revenue_usd"].item() == pytest.approx(revenue)
    assert v["processing_cost_usd"].item() == pytest.approx(25_000.0)
    assert v["mining_cost_usd"].item() == pytest.approx(5_000.0)
    assert v["value_usd"].item() == pytest.approx(revenue - 25_000.0 - 5_000.0)
    assert bool(v["process"].item())
    assert v["cu_t"].item() == pytest.approx(12.5)


def test_waste_blocks_pay_mining_only_and_the_decision_follows_the_cutoff():
    economics = PitEconomics({"cu": 10000.0}, recovery=1.0, mining_cost=2.0, processing_cost=10.0)
    cutoff = breakeven_grade(economics, "cu", "%")
    assert cutoff == pytest.approx(0.1)  # 10 USD/t / (10000 USD/t) = 0.001 = 0.1 %
    v = block_values(_model([0.05, 0.099, 0.101, np.nan], (4, 1, 1)), economics, density=2.0)
    assert v["process"].values.ravel().tolist() == [False, False, True, False]
    values = v["value_usd"].values.ravel()
    np.testing.assert_allclose(values[[0, 1, 3]], -4000.0)  # 2000 t x 2 USD/t
    assert values[2] == pytest.approx(2000 * 0.00101 * 10000 - 2000 * 10 - 4000)


def test_depth_increment_raises_the_mining_cost_below_the_reference():
    economics = PitEconomics(
        {"cu": 9000.0}, mining_cost=2.0, mining_cost_increment=0.01, processing_cost=5.0
    )
    v = block_values(_model([0.0, 0.0, 0.0], (1, 1, 3)), economics, density=1.0)
    # centroids at 5, 15, 25 m; reference = the top centroid (25 m): depths 20, 10, 0
    per_tonne = v["mining_cost_usd"].values.ravel() / 1000.0
    np.testing.assert_allclose(per_tonne, [2.2, 2.1, 2.0])
    below = PitEconomics(
        {"cu": 9000.0}, mining_cost=2.0, mining_cost_increment=0.01, reference_elevation=10.0
    )
    per_tonne = (
        block_values(_model([0.0] * 3, (1, 1, 3)), below, density=1.0)[
            "mining_cost_usd"
        ].values.ravel()
        / 1000.0
    )
    np.testing.assert_allclose(per_tonne, [2.05, 2.0, 2.0])


def test_dilution_and_mining_recovery():
    economics = PitEconomics(
        {"cu": 10000.0},
        recovery=1.0,
        mining_cost=0.0,
        processing_cost=10.0,
        dilution=0.10,
        mining_recovery=0.90,
    )
    v = block_values(_model([1.0], (1, 1, 1)), economics, density=1.0)
    # 1000 t: 900 t recovered, milled as 990 t at 0.909 % (9 t of copper)
    assert v["ore_t"].item() == pytest.approx(990.0)
    assert v["cu_t"].item() == pytest.approx(9.0)
    assert v["value_usd"].item() == pytest.approx(9.0 * 10000.0 - 990.0 * 10.0)
    assert breakeven_grade(economics, "cu") == pytest.approx(0.11)


def test_recovery_by_domain_and_revenue_factor():
    economics = PitEconomics(
        {"cu": 10000.0},
        recovery=0.9,
        domain_recovery={"oxide": {"cu": 0.5}},
        mining_cost=0.0,
        processing_cost=0.0,
    )
    model = _model([1.0, 1.0], (2, 1, 1), domain=np.array(["oxide", "sulphide"], dtype=object))
    v = block_values(model, economics, density=1.0, domain="domain")
    np.testing.assert_allclose(v["revenue_usd"].values.ravel(), [50_000.0, 90_000.0])
    half = block_values(model, economics, density=1.0, domain="domain", revenue_factor=0.5)
    np.testing.assert_allclose(half["value_usd"].values.ravel(), [25_000.0, 45_000.0])
    # revenue stays at factor 1; value_at recomputes any factor from the parts
    np.testing.assert_allclose(
        value_at(half["revenue_usd"], half["processing_cost_usd"], half["mining_cost_usd"], 0.5),
        half["value_usd"],
    )


def test_value_never_decreases_with_the_revenue_factor():
    rng = np.random.default_rng(1)
    r, p, m = rng.uniform(0, 100, 50), rng.uniform(0, 50, 50), rng.uniform(0, 20, 50)
    values = [value_at(r, p, m, f) for f in np.linspace(0.1, 2.0, 12)]
    assert all((b >= a).all() for a, b in itertools.pairwise(values))


def test_economics_validation_messages():
    with pytest.raises(ValidationError, match="price of cu must be > 0"):
        PitEconomics({"cu": 0.0})
    with pytest.raises(ValidationError, match=r"recovery must be >= 0 and <= 1"):
        PitEconomics({"cu": 9000.0}, recovery=1.2)
    with pytest.raises(ValidationError, match="no price for element"):
        PitEconomics({"cu": 9000.0}, recovery={"au": 0.8})
    with pytest.raises(ValidationError, match="selling_cost of cu"):
        PitEconomics({"cu": 9000.0}, selling_cost=9500.0)
    with pytest.raises(ValidationError, match="mining_recovery"):
        PitEconomics({"cu": 9000.0}, mining_recovery=0.0)
    with pytest.raises(ValidationError, match="no grade variable for au"):
        block_values(_model([1.0], (1, 1, 1)), PitEconomics({"au": 5e7, "cu": 9000.0}))


def test_a_missing_domain_variable_is_a_clear_error():
    model = _model([0.5, 0.2], (2, 1, 1))
    economics = PitEconomics({"cu": 9000.0}, recovery=0.88)
    with pytest.raises(ValidationError, match="no domain variable 'dom'"):
        block_values(model, economics, density=2.5, domain="dom")
