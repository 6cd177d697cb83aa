"""Roll-ups against an independent computation, supersession and as-of dates to the day,
additions, and McKelvey quantiles from trials."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from bornite.datasets import synthetic_inventory
from bornite.errors import InventoryError
from bornite.inventory import (
    additions,
    counted_statements,
    mckelvey,
    normalise_deposits,
    normalise_statements,
    rollup,
)


@pytest.fixture(scope="module")
def synthetic() -> tuple[pd.DataFrame, pd.DataFrame]:
    deposits, statements = synthetic_inventory(150, 1_500, seed=3)
    return normalise_deposits(deposits), normalise_statements(statements)


def _by_hand(statements: pd.DataFrame, deposits: pd.DataFrame, as_of: str | None, basis: str):
    """The counting rule written as loops over rows, independently of the pandas code."""
    date = None if as_of is None else pd.Timestamp(as_of)
    rows = [r for r in statements.itertuples() if date is None or r.effective_date <= date]
    latest: dict[tuple[str, str], pd.Timestamp] = {}
    for r in rows:
        key = (r.deposit_id, r.kind)
        latest[key] = max(latest.get(key, r.effective_date), r.effective_date)
    current = [r for r in rows if latest[(r.deposit_id, r.kind)] == r.effective_date]
    inclusive = {r.deposit_id for r in current if r.kind == "resource" and r.inclusive_of_reserves}
    belt = dict(zip(deposits["id"], deposits["belt"], strict=True))
    metal: dict[str, float] = defaultdict(float)
    members: dict[str, set[str]] = defaultdict(set)
    for r in current:
        if basis == "resources" and r.kind != "resource":
            continue
        if basis == "reserves" and r.kind != "reserve":
            continue
        if basis == "identified" and r.kind == "reserve" and r.deposit_id in inclusive:
            continue
        if np.isnan(r.cu_t):
            continue
        group = belt[r.deposit_id] or "(unassigned)"
        metal[group] += r.cu_t
        members[group].add(r.deposit_id)
    return metal, members


@pytest.mark.parametrize("as_of", [None, "2008-06-30", "2013-01-01", "2019-12-31"])
@pytest.mark.parametrize("basis", ["identified", "resources", "reserves"])
def test_rollup_by_belt_equals_a_computation_by_hand(synthetic, as_of, basis) -> None:
    deposits, statements = synthetic
    table = rollup(statements, "belt", deposits=deposits, as_of=as_of, basis=basis)
    metal, members = _by_hand(statements, deposits, as_of, basis)
    body = table.iloc[:-1].set_index("group")
    assert set(body.index) == set(metal)
    for group, value in metal.items():
        assert body.loc[group, "metal_t"] == pytest.approx(value, rel=1e-12)
        assert body.loc[group, "deposits"] == len(members[group])
    total = table.iloc[-1]
    assert total["group"] == "total"
    assert total["metal_t"] == pytest.approx(sum(metal.values()), rel=1e-12)
    assert total["share"] == pytest.approx(1.0, rel=1e-12)
    assert body["share"].sum() == pytest.approx(1.0, rel=1e-12)
    assert list(body["metal_t"]) == sorted(body["metal_t"], reverse=True)


def _history() -> tuple[pd.DataFrame, pd.DataFrame]:
    deposits = normalise_deposits(
        pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "belt": ["Gangdese", "Yulong"]})
    )
    statements = normalise_statements(
        pd.DataFrame(
            {
                "deposit_id": ["a", "a", "a", "a", "b", "b"],
                "effective_date": [
                    "2019-06-30",
                    "2022-03-15",
                    "2022-03-15",
                    "2022-03-15",
                    "2021-01-01",
                    "2023-01-01",
                ],
                "code": ["jorc", "jorc", "jorc", "jorc", "gbt17766", "gbt17766"],
                "category": ["inferred", "indicated", "inferred", "probable", "推断", "可信"],
                "ore_t": [100e6, 150e6, 50e6, 80e6, 200e6, 40e6],
                "cu_pct": [0.5, 0.6, 0.4, 0.55, 0.3, 0.35],
                "inclusive_of_reserves": [True, True, True, True, False, False],
                "citation": "test",
            }
        )
    )
    return deposits, statements


def test_supersession_and_as_of_dates_are_exact_to_the_day() -> None:
    deposits, statements = _history()

    def metal(as_of: str | None, basis: str = "identified") -> float:
        return float(
            rollup(statements, "belt", deposits=deposits, as_of=as_of, basis=basis)
            .set_index("group")
            .loc["total", "metal_t"]
        )

    # a: 500 kt (2019) superseded on 2022-03-15 by 900 + 200 kt (its 440 kt reserve is
    # inside those inclusive resources); b: 600 kt inferred, plus a 140 kt reserve in 2023
    # that its exclusive resources do not contain.
    assert metal("2019-06-29") == 0.0
    assert metal("2019-06-30") == pytest.approx(500e3, rel=1e-12)
    assert metal("2022-03-14") == pytest.approx(500e3 + 600e3, rel=1e-12)
    assert metal("2022-03-15") == pytest.approx(1_100e3 + 600e3, rel=1e-12)
    assert metal("2023-01-01") == pytest.approx(1_100e3 + 600e3 + 140e3, rel=1e-12)
    assert metal(None) == metal("2023-01-01")
    assert metal(None, "reserves") == pytest.approx(440e3 + 140e3, rel=1e-12)
    assert metal(None, "resources") == pytest.approx(1_100e3 + 600e3, rel=1e-12)
    counted = counted_statements(statements, as_of="2022-03-15")
    assert sorted(counted["category"]) == ["indicated", "inferred", "inferred"]


def test_rollup_by_category_counts_a_deposit_once_in_the_total() -> None:
    _, statements = _history()
    table = rollup(statements, "category", scheme="gbt17766").set_index("group")
    assert table.loc["控制资源量", "metal_t"] == pytest.approx(900e3, rel=1e-12)
    assert table.loc["推断资源量", "metal_t"] == pytest.approx(800e3, rel=1e-12)
    assert table.loc["可信储量", "metal_t"] == pytest.approx(140e3, rel=1e-12)
    assert table.loc["推断资源量", "deposits"] == 2
    assert table.loc["total", "deposits"] == 2


def test_additions_tell_new_deposits_from_growth() -> None:
    deposits, statements = _history()
    table = additions(statements, "2021-01-01", by="belt", deposits=deposits).set_index("group")
    # Before 2021: a holds 500 kt. Since: b is new (600 + 140 kt); a grew by 600 kt.
    assert table.loc["Yulong", "new_deposits"] == 1
    assert table.loc["Yulong", "new_metal_t"] == pytest.approx(740e3, rel=1e-12)
    assert table.loc["Gangdese", "grown_deposits"] == 1
    assert table.loc["Gangdese", "growth_t"] == pytest.approx(600e3, rel=1e-12)
    assert table.loc["total", "net_change_t"] == pytest.approx(1_340e3, rel=1e-12)
    until = additions(statements, "2021-01-01", "2022-12-31").set_index("group")
    assert until.loc["b", "new_metal_t"] == pytest.approx(600e3, rel=1e-12)
    with pytest.raises(InventoryError, match="ends"):
        additions(statements, "2022-01-01", "2021-01-01")


def test_mckelvey_takes_quantiles_from_summed_trials_not_summed_quantiles() -> None:
    deposits, statements = _history()
    rng = np.random.default_rng(5)
    n = 4_000
    trials = pd.DataFrame(
        {
            "group": ["Gangdese"] * (2 * n) + ["Yulong"] * n,
            "tract": ["g1"] * n + ["g2"] * n + ["y1"] * n,
            "trial": np.tile(np.arange(n), 3),
            "metal_t": rng.lognormal(13, 1.0, 3 * n),
        }
    )
    box = mckelvey(statements, trials, "belt", deposits=deposits).set_index("group")
    g = trials[trials.group == "Gangdese"].groupby("trial")["metal_t"].sum().to_numpy()
    y = trials[trials.group == "Yulong"]["metal_t"].to_numpy()
    assert box.loc["Gangdese", "undiscovered_q50_t"] == pytest.approx(
        np.quantile(g, 0.5), rel=1e-12
    )
    assert box.loc["Gangdese", "undiscovered_mean_t"] == pytest.approx(g.mean(), rel=1e-12)
    assert box.loc["total", "undiscovered_q90_t"] == pytest.approx(
        np.quantile(g + y, 0.9), rel=1e-12
    )
    added = box.loc["Gangdese", "undiscovered_q90_t"] + box.loc["Yulong", "undiscovered_q90_t"]
    assert box.loc["total", "undiscovered_q90_t"] < added  # quantiles do not add
    assert box.loc["total", "undiscovered_mean_t"] == pytest.approx(g.mean() + y.mean(), rel=1e-12)
    assert box.loc["Gangdese", "identified_t"] == pytest.approx(1_100e3, rel=1e-12)
    assert box.loc["Yulong", "probable_t"] == pytest.approx(140e3, rel=1e-12)
    assert box.loc["Yulong", "total_mean_t"] == pytest.approx(740e3 + y.mean(), rel=1e-12)
    uneven = trials[~((trials["tract"] == "g2") & (trials["trial"] >= n - 10))]
    with pytest.raises(InventoryError, match=r"g1 \(4,000\), g2 \(3,990\)"):
        mckelvey(statements, uneven, "belt", deposits=deposits)
