"""RAEF economic filter: hand-computed cost equations, invariants, the user guide's run."""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest

from bornite.assessment.economic_filter import (
    COMMODITY_VALUES_2008,
    MILL_RECOVERY,
    EconomicFilterSpec,
    economic_filter,
    economic_totals,
    present_value_factor,
    summarize_economic,
    taylor_capacity,
    taylor_mine_life,
)
from bornite.errors import RunConfigError, ValidationError

ST = 0.90718474  # tonnes per short ton
YD = 1 / 0.9144  # yards per metre
CU, MO, AU, AG = (COMMODITY_VALUES_2008[m] for m in ("cu", "mo", "au", "ag"))


def _one(ore_t: float, depth: int, **grades: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "trial": [1],
            "n_deposits": [1],
            "deposit": [1],
            "ore_t": [ore_t],
            **{f"{m}_pct": [g] for m, g in grades.items()},
        }
    )


def _at(depth: int, **options: object) -> EconomicFilterSpec:
    return EconomicFilterSpec(depth_intervals=[(depth, depth, 1.0)], **options)


def _annuity(rate: float, years: float) -> float:
    return (1 - (1 + rate) ** -years) / rate


# ----------------------------------------------------------------------- Taylor and NPV
def test_taylors_rule_life_and_capacity():
    # 1e8 short tons: life 0.2 * 100 = 20 years, 1e8 / (20 * 350) short tons a day.
    assert taylor_mine_life(1e8) == pytest.approx(20.0)
    assert taylor_capacity(1e8, 350) == pytest.approx(1e8 / (20 * 350))
    # RAEF writes T**0.75 / 70 for 350 days and T**0.75 / 52 for 260 days.
    t = 3.7e7
    assert taylor_capacity(t, 350) == pytest.approx(t**0.75 / 70, rel=1e-12)
    assert taylor_capacity(t, 260) == pytest.approx(t**0.75 / 52, rel=1e-12)
    # Capacity times days times life gives back the tonnage.
    assert taylor_capacity(t, 260) * 260 * taylor_mine_life(t) == pytest.approx(t)


def test_present_value_of_a_known_cash_flow():
    # $1 at the end of each of 10 years at 15 %: sum of 1.15**-k, k = 1..10.
    explicit = sum(1.15**-k for k in range(1, 11))
    assert present_value_factor(0.15, 10) == pytest.approx(explicit, rel=1e-12)
    assert present_value_factor(0.15, 10) == pytest.approx(5.018768626, rel=1e-9)
    assert present_value_factor(0.0, 7.5) == pytest.approx(7.5)
    # A perpetuity is the limit: 1 / rate.
    assert present_value_factor(0.15, 1e4) == pytest.approx(1 / 0.15)


# ------------------------------------------------------------ hand-computed cost equations
def test_block_caving_deposit_by_hand():
    """Every equation of the RAEF glossary for one block-caving deposit at 500 m."""
    ore_t, cu, mo = 1.0e8, 0.5, 0.01
    out = economic_filter(_one(ore_t, 500, cu=cu, mo=mo), _at(500), seed=0).iloc[0]

    t = ore_t / ST
    life = 0.2 * t**0.25
    depth_yd = 0.3772 * t ** (1 / 3) + 500 * YD
    cap = ((1 + 0.15) * 0.95 * t) ** 0.75 / 70  # mine and mill alike for block caving
    mine_k = 64800 * cap**0.759 + 371 * cap + 180 * 3 * depth_yd * cap**0.404
    mine_o = 48.4 * cap**-0.217 + 2343 / cap + 0.44 * 3 * depth_yd / cap + 0.00163 * 3 * depth_yd
    mill_k, mill_o = 83600 * cap**0.708, 153 * cap**-0.344
    assert life > 15
    acres = 62 * cap / 1000
    dam = 4 * np.sqrt(43560 * acres)
    tailings = 146000 + 1783 * acres + 161 * dam + 5 * dam + 35790 * acres
    value = ST * (CU * 0.91 * cu / 100 + MO * 0.63 * mo / 100)
    cu_eq = 100 * value / (ST * 0.91 * CU)
    smelting = 0.26 * 2000 * t * cu_eq / 100 * 0.95 * 0.91 / life
    capital = 1.26 * (mine_k + mill_k + tailings)
    operating = 1.26 * (cap * mine_o * 350 + cap * mill_o * 350 + smelting)
    revenue = value * cap * 350
    npv = (revenue - operating) * _annuity(0.15, life) - capital

    assert out["mine_method"] == "block_caving"
    assert out["depth_m"] == 500
    expected = {
        "life_years": life,
        "mine_capacity_st_per_day": cap,
        "mill_capacity_st_per_day": cap,
        "mine_capital_usd": 1.26 * mine_k,
        "mill_capital_usd": 1.26 * mill_k,
        "tailings_capital_usd": 1.26 * tailings,
        "capital_usd": capital,
        "mine_operating_usd_per_st": 1.26 * mine_o,
        "mill_operating_usd_per_st": 1.26 * mill_o,
        "smelting_usd_per_year": 1.26 * smelting,
        "operating_usd_per_year": operating,
        "ore_value_usd_per_st": value,
        "cu_eq_pct": cu_eq,
        "revenue_usd_per_year": revenue,
        "npv_usd": npv,
        "cu_recovered_t": 0.95 * 0.91 * cu / 100 * ore_t,
        "mo_recovered_t": 0.95 * 0.63 * mo / 100 * ore_t,
    }
    for column, value_expected in expected.items():
        assert out[column] == pytest.approx(value_expected, rel=1e-10), column
    assert np.isnan(out["strip_ratio"])
    assert out["economic"] == (npv > 0)
    assert out["cu_revenue_usd_per_year"] + out["mo_revenue_usd_per_year"] == pytest.approx(revenue)


@pytest.mark.parametrize(("ore_t", "curve"), [(2e6, "small"), (6e8, "large")])
def test_open_pit_deposit_by_hand(ore_t, curve):
    """Open pit at 30 m: strip ratio, Taylor capacity on ore plus waste, small/large curves."""
    out = economic_filter(_one(ore_t, 30, cu=0.45), _at(30, liner=False), seed=0).iloc[0]
    t = ore_t / ST
    depth_yd = 0.3772 * t ** (1 / 3) + 30 * YD
    strip = 18.634 * depth_yd**3 / t - 1
    ore = 1.05 * 0.90 * t
    cap = ((strip + 1) * ore) ** 0.75 / 70
    mill_cap = ore**0.75 / 70
    if curve == "small":
        assert cap < 20_000
        mine_k, mine_o = 160000 * cap**0.515, 71.0 * cap**-0.414
    else:
        assert cap >= 20_000
        mine_k, mine_o = 2670 * cap**0.917, 5.14 * cap**-0.148
    life = 0.2 * t**0.25
    acres = (17 if life < 7.5 else 32 if life < 15 else 62) * mill_cap / 1000
    tailings = 146000 + 1783 * acres + 161 * 4 * np.sqrt(43560 * acres)  # no liner
    assert out["mine_method"] == "open_pit"
    assert out["strip_ratio"] == pytest.approx(strip, rel=1e-12)
    assert out["mine_capacity_st_per_day"] == pytest.approx(cap, rel=1e-12)
    assert out["mill_capacity_st_per_day"] == pytest.approx(mill_cap, rel=1e-12)
    assert out["mine_capital_usd"] == pytest.approx(1.26 * mine_k, rel=1e-12)
    assert out["mine_operating_usd_per_st"] == pytest.approx(1.26 * mine_o, rel=1e-12)
    assert out["tailings_capital_usd"] == pytest.approx(1.26 * tailings, rel=1e-12)
    assert out["cu_recovered_t"] == pytest.approx(0.90 * 0.91 * 0.0045 * ore_t)


def test_open_pit_strip_ratio_is_zero_at_surface():
    out = economic_filter(_one(3e7, 0, cu=0.5), _at(0), seed=0).iloc[0]
    assert out["strip_ratio"] == pytest.approx(0.0, abs=1e-4)


def test_room_and_pillar_and_vertical_crater_retreat_by_hand():
    ore_t = 1.0e6
    t = ore_t / ST
    # Room and pillar at the surface: the access depth is floored at 6 yards.
    out = economic_filter(
        _one(ore_t, 0, pb=4.0, zn=6.0),
        _at(0, mine_method="room_and_pillar", mill="2_product"),
        seed=0,
    ).iloc[0]
    assert 0.0243 * t ** (1 / 3) < 6
    cap = (1.05 * 1.05 * 0.85 * t) ** 0.75 / 70
    assert out["mine_capacity_st_per_day"] == pytest.approx(cap, rel=1e-12)
    mine_k = 97600 * cap**0.644 + 371 * cap + 180 * 18 * cap**0.404
    mine_o = 35.5 * cap**-0.171 + 2343 / cap + 0.44 * 18 / cap + 0.00163 * 18
    assert out["mine_capital_usd"] == pytest.approx(1.26 * mine_k, rel=1e-12)
    assert out["mine_operating_usd_per_st"] == pytest.approx(1.26 * mine_o, rel=1e-12)
    mill_cap = (1.05 * 0.85 * t) ** 0.75 / 70
    assert out["mill_capacity_st_per_day"] == pytest.approx(mill_cap, rel=1e-12)
    assert out["mill_capital_usd"] == pytest.approx(1.26 * 82500 * mill_cap**0.702, rel=1e-12)
    assert out["pb_recovered_t"] == pytest.approx(0.85 * 0.9 * 0.04 * ore_t)

    # Vein: vertical crater retreat at any depth, steep ore body 0.6853 T**(1/3).
    out = economic_filter(
        _one(ore_t, 40, au=5e-4), _at(40, deposit_type="vein", mill="cip"), seed=0
    ).iloc[0]
    assert out["mine_method"] == "vertical_crater_retreat"
    depth_ft = 3 * (0.6853 * t ** (1 / 3) + 40 * YD)
    cap = (1.10 * 1.10 * 0.90 * t) ** 0.75 / 70
    mine_k = 45200 * cap**0.747 + 371 * cap + 180 * depth_ft * cap**0.404
    mine_o = 51.0 * cap**-0.206 + 2343 / cap + 0.44 * depth_ft / cap + 0.00163 * depth_ft
    assert out["mine_capital_usd"] == pytest.approx(1.26 * mine_k, rel=1e-12)
    assert out["mine_operating_usd_per_st"] == pytest.approx(1.26 * mine_o, rel=1e-12)
    assert out["au_recovered_t"] == pytest.approx(0.90 * 0.89 * 5e-6 * ore_t)


def test_tailings_area_steps_with_mine_life():
    # Lives of about 5, 10 and 20 years take 17, 32 and 62 acres per 1000 st/d.
    for life, acres_per_kst in [(5.0, 17), (10.0, 32), (20.0, 62)]:
        ore_t = (life / 0.2) ** 4 * ST
        out = economic_filter(_one(ore_t, 0, cu=0.5), _at(0, liner=False), seed=0).iloc[0]
        acres = acres_per_kst * out["mill_capacity_st_per_day"] / 1000
        expected = 146000 + 1783 * acres + 161 * 4 * np.sqrt(43560 * acres)
        assert out["life_years"] == pytest.approx(life)
        assert out["tailings_capital_usd"] == pytest.approx(1.26 * expected, rel=1e-12)
    no_pond = economic_filter(
        _one(1e8, 0, cu=0.5), _at(0, tailings_pond=False, liner=False), seed=0
    )
    assert no_pond["tailings_capital_usd"].iloc[0] == 0


def test_cost_index_inflation_factors_and_days():
    base = economic_filter(_one(2e8, 700, cu=0.5), _at(700), seed=0).iloc[0]
    dear = economic_filter(
        _one(2e8, 700, cu=0.5),
        _at(700, cost_index=2.0, capital_cost_factor=1.8, operating_cost_factor=1.4),
        seed=0,
    ).iloc[0]
    assert dear["capital_usd"] == pytest.approx(base["capital_usd"] / 1.26 * 2.0 * 1.8)
    assert dear["operating_usd_per_year"] == pytest.approx(
        base["operating_usd_per_year"] / 1.26 * 2.0 * 1.4
    )
    assert dear["revenue_usd_per_year"] == pytest.approx(base["revenue_usd_per_year"])
    restricted = economic_filter(_one(2e8, 700, cu=0.5), _at(700, days_per_year=260), seed=0)
    assert restricted["mine_capacity_st_per_day"].iloc[0] == pytest.approx(
        base["mine_capacity_st_per_day"] * 350 / 260
    )


def test_npv_is_the_annuity_of_the_cash_flow_less_capital():
    table = pd.DataFrame(
        {
            "trial": [1, 1, 2],
            "ore_t": [5e7, 8e8, 3e6],
            "cu_pct": [0.8, 0.4, 1.5],
            "au_pct": [1e-4, 2e-5, 0.0],
        }
    )
    spec = EconomicFilterSpec(depth_intervals=[(0, 1000, 1.0)], investment_rate=0.08)
    out = economic_filter(table, spec, seed=3)
    expected = (
        out["cash_flow_usd_per_year"] * _annuity(0.08, out["life_years"].to_numpy())
        - out["capital_usd"]
    )
    np.testing.assert_allclose(out["npv_usd"], expected, rtol=1e-12)
    np.testing.assert_allclose(
        out["cash_flow_usd_per_year"],
        out["revenue_usd_per_year"] - out["operating_usd_per_year"],
        rtol=1e-12,
    )
    assert (out["economic"] == (out["npv_usd"] > 0)).all()
    np.testing.assert_array_equal(
        out["cu_economic_t"], np.where(out["economic"], out["cu_recovered_t"], 0.0)
    )


# ------------------------------------------------------------------------------ mills
def test_three_product_omit_lowest_drops_each_deposits_lowest_value_commodity():
    table = pd.DataFrame(
        {
            "trial": [1, 2],
            "ore_t": [5e8, 5e8],
            "cu_pct": [0.5, 0.5],
            "mo_pct": [0.02, 1e-4],
            "au_pct": [1e-6, 1e-4],
            "ag_pct": [2e-4, 2e-4],
        }
    )
    spec = _at(100, mill="3_product_omit_lowest")
    out = economic_filter(table, spec, seed=0)
    full = economic_filter(table, _at(100), seed=0)
    # Deposit 1: gold is worth least; deposit 2: molybdenum.
    assert out.loc[0, "au_recovered_t"] == 0
    assert out.loc[0, "mo_recovered_t"] > 0
    assert out.loc[1, "mo_recovered_t"] == 0
    assert out.loc[1, "au_recovered_t"] > 0
    lost = full.loc[0, "au_revenue_usd_per_year"]
    assert out.loc[0, "revenue_usd_per_year"] == pytest.approx(
        full.loc[0, "revenue_usd_per_year"] - lost
    )
    assert out.loc[0, "mill_capital_usd"] == full.loc[0, "mill_capital_usd"]


def test_no_mill_recovers_everything_without_mill_or_smelter_costs():
    out = economic_filter(_one(1e8, 0, cu=0.5, mo=0.01), _at(0, mill="none"), seed=0).iloc[0]
    assert out["mill_capital_usd"] == 0
    assert out["mill_operating_usd_per_st"] == 0
    assert out["smelting_usd_per_year"] == 0
    assert out["cu_recovered_t"] == pytest.approx(0.90 * 1.0 * 0.005 * 1e8)


def test_custom_mills_sum_their_costs_and_take_their_recoveries():
    spec = _at(
        0,
        mill="custom",
        commodity_mills={"cu": "3_product", "au": "cip", "ag": "none"},
    )
    out = economic_filter(_one(1e8, 0, cu=0.5, au=1e-4, ag=2e-4), spec, seed=0).iloc[0]
    cap = out["mill_capacity_st_per_day"]
    assert out["mill_capital_usd"] == pytest.approx(
        1.26 * (83600 * cap**0.708 + 372000 * cap**0.540)
    )
    assert out["mill_operating_usd_per_st"] == pytest.approx(
        1.26 * (153 * cap**-0.344 + 105 * cap**-0.303)
    )
    assert out["au_recovered_t"] == pytest.approx(0.90 * MILL_RECOVERY["cip"]["au"] * 1e-6 * 1e8)
    assert out["ag_recovered_t"] == 0
    assert out["ag_revenue_usd_per_year"] == 0

    user = _at(0, mill="user", user_mill_cost=(50000, 0.7, 100, -0.3), recoveries={"cu": 0.8})
    out = economic_filter(_one(1e8, 0, cu=0.5), user, seed=0).iloc[0]
    cap = out["mill_capacity_st_per_day"]
    assert out["mill_capital_usd"] == pytest.approx(1.26 * 50000 * cap**0.7)
    assert out["cu_recovered_t"] == pytest.approx(0.90 * 0.8 * 0.005 * 1e8)


# ------------------------------------------------------------------------- invariants
def _synthetic(n: int = 3000, seed: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "trial": rng.integers(1, n // 2, n),
            "ore_t": np.exp(rng.normal(19.5, 1.6, n)),
            "cu_pct": np.exp(rng.normal(-0.9, 0.4, n)),
            "mo_pct": np.exp(rng.normal(-4.5, 0.8, n)),
            "au_pct": np.exp(rng.normal(-11.5, 1.0, n)),
        }
    )


def test_higher_prices_never_make_fewer_deposits_economic():
    table = _synthetic()
    spec = EconomicFilterSpec(depth_intervals=[(0, 100, 0.3), (101, 1500, 0.7)])
    low = economic_filter(table, spec, seed=4)
    for factor in (1.1, 1.5, 3.0):
        prices = {m: factor * COMMODITY_VALUES_2008[m] for m in ("cu", "mo", "au")}
        high = economic_filter(
            table, EconomicFilterSpec(depth_intervals=spec.depth_intervals, prices=prices), seed=4
        )
        np.testing.assert_array_equal(high["depth_m"], low["depth_m"])
        assert (high["economic"] >= low["economic"]).all()
        assert (high["npv_usd"] > low["npv_usd"]).all()
        low = high
    assert 0 < low["economic"].mean() < 1


@pytest.mark.parametrize(
    ("method", "ore_t"),
    [
        ("block_caving", 3e8),
        ("room_and_pillar", 4e7),
        ("vertical_crater_retreat", 2e6),
        ("open_pit", 1e6),
        ("open_pit", 1e9),
    ],
)
def test_deeper_deposits_are_never_cheaper(method, ore_t):
    depths = [0, 20, 60, 150, 400, 900, 1500]
    rows = [
        economic_filter(_one(ore_t, d, cu=0.6), _at(d, mine_method=method), seed=0).iloc[0]
        for d in depths
    ]
    frame = pd.DataFrame(rows)
    if method == "open_pit":  # compare within one size class of Camm's pit curves
        size = frame["mine_capacity_st_per_day"] >= 20_000
        frame = frame[size == size.iloc[0]]
    assert len(frame) >= 4
    for column in ("capital_usd", "operating_usd_per_year"):
        assert frame[column].is_monotonic_increasing, column
    assert frame["npv_usd"].is_monotonic_decreasing


def test_depth_rule_and_forced_method():
    spec = EconomicFilterSpec(depth_intervals=[(0, 120, 1.0)])
    out = economic_filter(_synthetic(2000), spec, seed=1)
    shallow = out["depth_m"] < 61
    assert (out.loc[shallow, "mine_method"] == "open_pit").all()
    assert (out.loc[~shallow, "mine_method"] == "block_caving").all()
    flat = EconomicFilterSpec(depth_intervals=[(0, 120, 1.0)], deposit_type="flat_bedded")
    out = economic_filter(_synthetic(2000), flat, seed=1)
    assert set(out.loc[out["depth_m"] >= 61, "mine_method"]) == {"room_and_pillar"}
    forced = EconomicFilterSpec(depth_intervals=[(0, 120, 1.0)], mine_method="open_pit")
    assert set(economic_filter(_synthetic(200), forced, seed=1)["mine_method"]) == {"open_pit"}


def test_depths_are_whole_metres_drawn_by_interval_probability():
    spec = EconomicFilterSpec(depth_intervals=[(0, 250, 0.2), (251, 500, 0.2), (501, 1000, 0.6)])
    out = economic_filter(_synthetic(20000), spec, seed=5)
    depth, cls = out["depth_m"].to_numpy(), out["depth_class"].to_numpy()
    assert (depth == np.round(depth)).all()
    for k, (low, high, prob) in enumerate(spec.depth_intervals, start=1):
        inside = depth[cls == k]
        assert inside.min() == low
        assert inside.max() == high
        share = np.mean(cls == k)
        assert abs(share - prob) < 4 * np.sqrt(prob * (1 - prob) / len(cls))


def test_seeded_runs_are_reproducible():
    table = _synthetic(500)
    spec = EconomicFilterSpec(depth_intervals=[(0, 1000, 1.0)])
    a = economic_filter(table, spec, seed=42)
    b = economic_filter(table, spec, seed=42)
    pd.testing.assert_frame_equal(a, b)
    c = economic_filter(table, spec, seed=43)
    assert not np.array_equal(a["depth_m"], c["depth_m"])
    pd.testing.assert_frame_equal(
        economic_filter(table, spec, seed=np.random.default_rng(7)),
        economic_filter(table, spec, seed=np.random.default_rng(7)),
    )


def test_input_columns_and_index_are_kept_and_contained_metal_added():
    table = _synthetic(50).set_index(pd.Index(range(100, 150)))
    out = economic_filter(table, EconomicFilterSpec(depth_intervals=[(0, 0, 1.0)]), seed=0)
    assert list(out.index) == list(table.index)
    pd.testing.assert_frame_equal(out[table.columns], table)
    np.testing.assert_allclose(out["cu_t"], table["ore_t"] * table["cu_pct"] / 100)
    again = economic_filter(out, EconomicFilterSpec(depth_intervals=[(0, 0, 1.0)]), seed=0)
    assert list(again.columns) == list(out.columns)


def test_empty_table():
    table = _synthetic(10).iloc[:0]
    out = economic_filter(table, EconomicFilterSpec(depth_intervals=[(0, 10, 1.0)]), seed=0)
    assert len(out) == 0
    assert "npv_usd" in out.columns
    totals = economic_totals(out, 5)
    assert (totals["n_deposits"] == 0).all()
    assert totals["economic_fraction"].isna().all()


# ----------------------------------------------------------------------------- errors
def test_negative_or_missing_tonnage_names_the_rows():
    table = pd.DataFrame({"ore_t": [1e6, -5.0, np.nan], "cu_pct": [0.5, 0.5, 0.5]})
    spec = _at(0)
    with pytest.raises(ValidationError, match=r"ore_t must be a tonnage > 0.*rows 1, 2"):
        economic_filter(table, spec, seed=0)
    with pytest.raises(ValidationError, match=r"cu_pct must be a grade in percent.*row 0"):
        economic_filter(pd.DataFrame({"ore_t": [1e6], "cu_pct": [140.0]}), spec, seed=0)
    with pytest.raises(ValidationError, match="no grade column"):
        economic_filter(pd.DataFrame({"ore_t": [1e6]}), spec, seed=0)


def test_unknown_commodity_needs_a_price_or_a_recovery():
    table = _one(1e7, 0, cu=0.5, w=0.3)
    with pytest.raises(RunConfigError, match=r"no price for commodity 'w' \(column w_pct\)"):
        economic_filter(table, _at(0), seed=0)
    with pytest.raises(RunConfigError, match=r"no metallurgical recovery for 'w'"):
        economic_filter(table, _at(0, prices={"w": 30000.0}), seed=0)
    out = economic_filter(table, _at(0, prices={"w": 3e4}, recoveries={"w": 0.7}), seed=0)
    assert out["w_recovered_t"].iloc[0] == pytest.approx(0.9 * 0.7 * 0.003 * 1e7)
    only_cu = economic_filter(table, _at(0, commodities=("cu",)), seed=0)
    assert "w_recovered_t" not in only_cu.columns
    with pytest.raises(ValidationError, match="mo_pct"):
        economic_filter(table, _at(0, commodities=("cu", "mo")), seed=0)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"depth_intervals": [(0, 250, 0.2), (251, 500, 0.2)]},
            r"sum to 1.*0\.2, 0\.2 sum to 0\.4",
        ),
        ({"depth_intervals": [(300, 250, 1.0)]}, "need 0 <= min_m <= max_m"),
        ({"depth_intervals": [(0, 250.5, 1.0)]}, "whole metres"),
        ({"depth_intervals": []}, "empty"),
        ({"deposit_type": "porphyry"}, "deposit_type must be one of massive"),
        ({"mine_method": "strip"}, "mine_method must be one of"),
        ({"mill": "4_product"}, "mill must be one of"),
        ({"mill": "custom"}, "needs commodity_mills"),
        ({"commodity_mills": {"cu": "cip"}}, "only used with mill='custom'"),
        ({"mill": "user"}, "needs user_mill_cost"),
        ({"liner": True, "tailings_pond": False}, "liner=True needs tailings_pond=True"),
        ({"days_per_year": 400}, "days_per_year"),
        ({"investment_rate": float("nan")}, "investment_rate"),
        ({"cost_index": 0.0}, "cost_index must be a number > 0"),
        ({"prices": {"cu": -1.0}}, r"prices\['cu'\]"),
        ({"recoveries": {"cu": 1.2}}, r"recoveries\['cu'\] must be a fraction"),
        ({"commodities": ("Cu!",)}, "commodities must be distinct"),
    ],
)
def test_invalid_specifications_are_refused(options, message):
    arguments = {"depth_intervals": [(0, 100, 1.0)], **options}
    with pytest.raises(RunConfigError, match=message):
        EconomicFilterSpec(**arguments)


def test_spec_round_trips_through_its_dict():
    spec = EconomicFilterSpec(
        depth_intervals=[(0, 250, 0.5), (251, 600, 0.5)],
        mill="custom",
        commodity_mills={"Cu": "3_product", "au": "CIP"},
        prices={"Cu": 8000},
    )
    again = EconomicFilterSpec(**spec.to_dict())
    assert again.to_dict() == spec.to_dict()
    assert spec.prices["cu"] == 8000
    assert spec.prices["mo"] == COMMODITY_VALUES_2008["mo"]
    assert dict(spec.commodity_mills) == {"cu": "3_product", "au": "cip"}


# -------------------------------------------------------------------------- summaries
def test_totals_count_trials_without_deposits_as_zeros():
    filtered = pd.DataFrame(
        {
            "trial": [1, 1, 4],
            "ore_t": [1e6, 2e6, 4e6],
            "cu_t": [10.0, 20.0, 40.0],
            "cu_economic_t": [9.0, 0.0, 36.0],
            "npv_usd": [5.0, -1.0, 7.0],
            "economic": [True, False, True],
        }
    )
    totals = economic_totals(filtered, 5)
    assert totals["trial"].tolist() == [1, 2, 3, 4, 5]
    assert totals["n_deposits"].tolist() == [2, 0, 0, 1, 0]
    assert totals["cu_t"].tolist() == [30.0, 0.0, 0.0, 40.0, 0.0]
    assert totals["economic_ore_t"].tolist() == [1e6, 0.0, 0.0, 4e6, 0.0]
    assert totals["economic_fraction"].iloc[[0, 3]].tolist() == [0.5, 1.0]
    summary = summarize_economic(filtered, 5)
    assert summary.loc["cu_t", "p0"] == pytest.approx(0.6)
    assert summary.loc["cu_economic_t", "mean"] == pytest.approx(45 / 5)
    assert summary.loc["cu_economic_t", "fraction"] == pytest.approx(45 / 70)
    assert summary.loc["n_economic", "fraction"] == pytest.approx(2 / 3)
    assert summary.loc["npv_usd", "mean"] == pytest.approx(12 / 5)
    assert list(summary.columns[:7]) == ["q05", "q10", "q25", "q50", "q75", "q90", "q95"]
    with pytest.raises(ValidationError, match=r"trial must be a whole number in 1\.\.3"):
        economic_totals(filtered, 3)


# ------------------------------------------------------ the RAEF user guide's tutorial run
@pytest.fixture(scope="module")
def tutorial(mapwizard_data):
    raw = pd.read_csv(mapwizard_data / "raef_input" / "Run1_01234_05_SIM_EF.csv")
    raw = raw[raw["Number.of.Deposits"] > 0]
    table = pd.DataFrame(
        {
            "trial": raw["Simulation.Index"].astype(int),
            "ore_t": raw["Ore_mT"],
            **{f"{m.lower()}_pct": raw[f"{m} _pct"] for m in ("Cu", "Mo", "Au", "Ag")},
            **{f"{m.lower()}_t": raw[f"{m} _MetricTons"] for m in ("Cu", "Mo", "Au", "Ag")},
        }
    ).reset_index(drop=True)
    return table, 20_000


@pytest.mark.shared_data
def test_user_guide_tutorial_statistics(tutorial):
    """RAEF user guide tables 4 and 5 (porphyry tract, depths 0-250/251-500/501-1000 m with
    fractions 0.1/0.2/0.7, open pit above 61 m and block caving below, 3-product flotation,
    350 days, tailings pond, dam and liner). RAEF draws depths at random, so bornite's seeded
    run agrees within the spread of the depth draws (measured over 12 seeds: P(0) 0.888-0.892,
    recovered means and NPV within 0.97-1.09 of the guide's)."""
    table, n_trials = tutorial
    spec = EconomicFilterSpec(depth_intervals=[(0, 250, 0.1), (251, 500, 0.2), (501, 1000, 0.7)])
    out = economic_filter(table, spec, seed=2019)
    summary = summarize_economic(out, n_trials)
    # Contained resources (no randomness): table 4 means and P(0).
    for quantity, mean in [
        ("ore_t", 1.77e9),
        ("cu_t", 7609219),
        ("mo_t", 239160),
        ("au_t", 335),
        ("ag_t", 4043),
    ]:
        assert summary.loc[quantity, "mean"] == pytest.approx(mean, rel=3e-3)
    assert summary.loc["cu_t", "p0"] == pytest.approx(0.2982)
    # Recovered resources: P(0) 0.89015 and the means.
    assert summary.loc["cu_economic_t", "p0"] == pytest.approx(0.89015, abs=0.006)
    for quantity, mean in [
        ("cu_economic_t", 1604334),
        ("mo_economic_t", 29579),
        ("au_economic_t", 85),
        ("ag_economic_t", 674),
        ("npv_usd", 1.82e8),
    ]:
        assert summary.loc[quantity, "mean"] == pytest.approx(mean, rel=0.12), quantity
    # Table 5: percent of deposits with nothing recovered, by depth interval.
    not_economic = 100 * (1 - out.groupby("depth_class")["economic"].mean())
    np.testing.assert_allclose(not_economic, [66.3, 87.66, 93.68], atol=2.0)
    assert (out.loc[out["depth_m"] < 61, "mine_method"] == "open_pit").all()


@pytest.mark.shared_data
def test_user_guide_ten_depth_bins(tutorial):
    """Table 6: percent of deposits not economic in ten 100 m bins falls with depth from about
    42 % (0-100 m, where open pits are) to about 96 % (900-1000 m)."""
    table, _ = tutorial
    spec = EconomicFilterSpec(depth_intervals=[(0, 250, 0.1), (251, 500, 0.2), (501, 1000, 0.7)])
    out = economic_filter(table, spec, seed=7)
    bins = np.minimum(out["depth_m"] // 100, 9)
    not_economic = 100 * (1 - out.groupby(bins)["economic"].mean())
    guide = [42.38, 82.78, 84.29, 87.07, 89.43, 91.06, 93.28, 93.47, 94.75, 95.97]
    np.testing.assert_allclose(not_economic, guide, atol=4.0)


def test_a_toml_table_builds_the_spec():
    """The keys of docs/economic-filter.md's ``[economic_filter]`` table are the fields."""
    text = """
    [economic_filter]
    depth_intervals = [[0, 250, 0.2], [251, 500, 0.2], [501, 1000, 0.6]]
    deposit_type = "massive"
    open_pit_max_depth_m = 61
    mill = "custom"
    user_mill_cost = [50000, 0.7, 100, -0.3]
    days_per_year = 260
    tailings_pond = true
    liner = false
    investment_rate = 0.12
    cost_index = 1.26
    capital_cost_factor = 1.8
    operating_cost_factor = 1.4
    smelting_cost_per_lb = 0.26
    commodities = ["cu", "au"]
    base_year = 2008
    price_source = "RAEF 2008 values"

    [economic_filter.prices]
    cu = 6000.0

    [economic_filter.recoveries]
    au = 0.8

    [economic_filter.commodity_mills]
    cu = "3_product"
    au = "user"
    """
    spec = EconomicFilterSpec(**tomllib.loads(text)["economic_filter"])
    assert spec.depth_intervals[2] == (501, 1000, 0.6)
    assert spec.commodities == ("cu", "au")
    assert spec.user_mill_cost == (50000, 0.7, 100, -0.3)
    assert spec.recovery("au") == 0.8
    assert spec.recovery("cu") == 0.91
    assert spec.price("cu") == 6000.0
    assert spec.mills_used(["cu", "au"]) == ("3_product", "user")
    assert set(spec.to_dict()) == set(EconomicFilterSpec.__dataclass_fields__)
