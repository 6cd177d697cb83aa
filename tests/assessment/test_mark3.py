"""Tests for the Mark3 and Singer-Menzie pmfs of the number of undiscovered deposits."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bornite.assessment.elicitation import QUANTILE_COLUMNS, counts_elicitation
from bornite.assessment.mark3 import Mark3Pmf, SingerMenziePmf, mark3_probabilities
from bornite.assessment.pmf import DepositCountPmf
from bornite.errors import ElicitationError, ValidationError

EXCEEDANCE = [Fraction(9, 10), Fraction(1, 2), Fraction(1, 10), Fraction(1, 20), Fraction(1, 100)]
F = Fraction


def half_weight_reference(thresholds: list[int]) -> list[Fraction]:
    """Mark3's rule in exact arithmetic, stated the discrete way (Root et al. 1992).

    The 1/10 below N90 goes 2 parts to each of 0..N90-1 and 1 part to N90; each later step
    q_{k-1} - q_k goes 1 part to each end and 2 parts to each interior number (all of it to
    the point when the two thresholds are equal); the last q_K goes on the last threshold.
    """
    q = EXCEEDANCE[: len(thresholds)]
    probs = [F(0)] * (thresholds[-1] + 1)
    first = thresholds[0]
    for n in range(first + 1):
        probs[n] += F(1, 10) * (1 if n == first else 2) / (2 * first + 1)
    for k in range(1, len(thresholds)):
        lo, hi, mass = thresholds[k - 1], thresholds[k], q[k - 1] - q[k]
        if lo == hi:
            probs[lo] += mass
            continue
        for n in range(lo, hi + 1):
            probs[n] += mass * (1 if n in (lo, hi) else 2) / (2 * (hi - lo))
    probs[-1] += q[-1]
    return probs


def assert_matches(probs: np.ndarray, expected: list[Fraction]) -> None:
    np.testing.assert_allclose(probs, [float(x) for x in expected], rtol=0, atol=1e-12)


def thresholds_honoured(pmf: DepositCountPmf, thresholds: list[int]) -> None:
    """Mark3's promise at each threshold t with exceedance q: P(N > t) <= q <= P(N >= t)."""
    for t, q in zip(thresholds, QUANTILE_COLUMNS.values(), strict=False):
        at_least = float(pmf.exceedance(t))
        above = float(pmf.exceedance(t + 1))
        assert above <= q + 1e-12, (t, q, above)
        assert at_least >= q - 1e-12, (t, q, at_least)


# ---------------------------------------------------------------------- reference numbers
def test_reference_1_2_4():
    pmf = Mark3Pmf().fit(counts_elicitation([1, 2, 4])).pmf_
    assert pmf.support_min == 0
    assert pmf.support_max == 4
    assert np.round(pmf.probabilities, 3).tolist() == [0.067, 0.233, 0.300, 0.200, 0.200]
    assert_matches(pmf.probabilities, [F(1, 15), F(7, 30), F(3, 10), F(1, 5), F(1, 5)])
    assert pmf.method == "mark3"


def test_reference_1_2_4_singer_menzie_with_repeated_tail():
    # MapWizard's worked example of its rule is (1, 2, 4, 4, 4): N05 = N01 = N10.
    explicit = SingerMenziePmf().fit(counts_elicitation([1, 2, 4, 4, 4])).pmf_
    repeated = SingerMenziePmf(missing_tail="repeat").fit(counts_elicitation([1, 2, 4])).pmf_
    expected = [F(1, 15), F(7, 30), F(3, 10), F(1, 5), F(1, 5)]
    assert_matches(explicit.probabilities, expected)
    assert_matches(repeated.probabilities, expected)
    assert explicit.method == repeated.method == "singer-menzie"


# -------------------------------------------------------------------- hand-worked cases
def test_all_thresholds_equal():
    # 0.1 spread over 0..3 as 2:2:2:1 sevenths; the other 0.9 on 3.
    probs = mark3_probabilities([3, 3, 3])
    assert_matches(probs, [F(2, 70), F(2, 70), F(2, 70), F(1, 70) + F(9, 10)])


def test_all_zero_is_certain_zero():
    pmf = Mark3Pmf().fit(counts_elicitation([0, 0, 0])).pmf_
    assert pmf.probabilities.tolist() == [1.0]
    assert pmf.support_min == pmf.support_max == 0
    pmf5 = SingerMenziePmf().fit(counts_elicitation([0, 0, 0, 0, 0])).pmf_
    assert pmf5.probabilities.tolist() == [1.0]


def test_zero_n90():
    # All of 1 - 0.9 at zero, then 0.4 over 0..1 and 0.4 over 1..3, and 0.1 at 3.
    pmf = Mark3Pmf().fit(counts_elicitation([0, 1, 3])).pmf_
    assert_matches(pmf.probabilities, [F(3, 10), F(3, 10), F(1, 5), F(1, 5)])
    # P(N >= 0) = 1 cannot equal 0.9; Mark3 keeps P(N >= 1) below 0.9 instead.
    assert float(pmf.exceedance(1)) == pytest.approx(0.7)


def test_zero_n90_n50():
    # 0.1 and then 0.4 on zero; 0.4 over 0..2 as 1:2:1 quarters; 0.1 on 2.
    pmf = Mark3Pmf().fit(counts_elicitation([0, 0, 2])).pmf_
    assert_matches(pmf.probabilities, [F(1, 10) + F(2, 5) + F(1, 10), F(1, 5), F(1, 10) + F(1, 10)])


def test_ellefsen_mark3_example_1_7_20():
    probs = mark3_probabilities([1, 7, 20])
    expected = (
        [F(1, 15), F(1, 15)]
        + [F(1, 15)] * 5
        + [F(1, 30) + F(1, 65)]
        + [F(2, 65)] * 12
        + [F(1, 65) + F(1, 10)]
    )
    assert_matches(probs, expected)


def test_mapwizard_example_1_5_13_16_21():
    # The five-threshold example in MapWizard's N_Undiscovered_warpper.r, worked by hand.
    pmf = SingerMenziePmf().fit(counts_elicitation([1, 5, 13, 16, 21])).pmf_
    expected = (
        [F(1, 15), F(1, 30) + F(1, 20)]
        + [F(1, 10)] * 3
        + [F(1, 20) + F(1, 40)]
        + [F(1, 20)] * 7
        + [F(1, 40) + F(1, 120)]
        + [F(1, 60)] * 2
        + [F(1, 120) + F(1, 250)]
        + [F(1, 125)] * 4
        + [F(1, 250) + F(1, 100)]
    )
    assert sum(expected) == 1
    assert_matches(pmf.probabilities, expected)
    assert pmf.parameters["N01"] == 21.0
    assert pmf.parameters["tail_probability"] == pytest.approx(0.01)


def test_n05_without_n01_puts_five_percent_on_n05():
    pmf = Mark3Pmf().fit(counts_elicitation([1, 2, 4, 6])).pmf_
    assert_matches(
        pmf.probabilities,
        [F(1, 15), F(7, 30), F(3, 10), F(1, 5), F(1, 10) + F(1, 80), F(1, 40), F(1, 80) + F(1, 20)],
    )
    assert pmf.parameters["tail_probability"] == pytest.approx(0.05)


def test_five_thresholds_shift_the_tail():
    three = Mark3Pmf().fit(counts_elicitation([1, 2, 4])).pmf_
    five = Mark3Pmf().fit(counts_elicitation([1, 2, 4, 6, 8])).pmf_
    # Below N10 nothing changes; the 0.1 at N10 is spread out to N01.
    np.testing.assert_allclose(five.probabilities[:4], three.probabilities[:4], atol=1e-15)
    assert five.support_max == 8
    assert five.mean > three.mean
    assert float(five.exceedance(8)) == pytest.approx(0.02)


def test_thresholds_honoured_in_hand_cases():
    for counts in ([1, 2, 4], [0, 1, 3], [3, 3, 3], [1, 7, 20], [1, 5, 13, 16, 21], [2, 2, 9, 9]):
        thresholds_honoured(Mark3Pmf().fit(counts_elicitation(counts)).pmf_, counts)


def test_fitted_attributes_and_parameters():
    model = Mark3Pmf().fit(counts_elicitation([1, 2, 4]))
    assert model.thresholds_ == ["N90", "N50", "N10"]
    np.testing.assert_allclose(model.exceedance_, [0.9, 0.5, 0.1])
    np.testing.assert_allclose(model.weights_, [1.0])
    assert len(model.row_pmfs_) == 1
    np.testing.assert_array_equal(model.row_pmfs_[0].probabilities, model.pmf_.probabilities)
    assert model.pmf_.parameters == {
        "n_estimators": 1.0,
        "tail_probability": pytest.approx(0.1),
        "N90": 1.0,
        "N50": 2.0,
        "N10": 4.0,
    }
    assert isinstance(model.pmf_.elicitation, pd.DataFrame)
    assert model.pmf_.elicitation["N10"].tolist() == [4]


def test_singer_menzie_records_filled_columns():
    model = SingerMenziePmf(missing_tail="repeat").fit(counts_elicitation([1, 2, 4, 6]))
    assert model.filled_ == ["N01"]
    assert model.pmf_.parameters["N01"] == 6.0
    # The stored elicitation is what was elicited, not the filled-in table.
    assert "N01" not in model.pmf_.elicitation.columns
    np.testing.assert_allclose(
        model.pmf_.probabilities,
        Mark3Pmf().fit(counts_elicitation([1, 2, 4, 6])).pmf_.probabilities,
    )


# ------------------------------------------------------------------------------ pooling
def test_weighted_pool_is_weighted_average_of_rows():
    table = pd.DataFrame(
        {
            "Name": ["a", "b", "c"],
            "Weight": [1.0, 2.0, 0.5],
            "N90": [1, 0, 2],
            "N50": [2, 1, 5],
            "N10": [4, 3, 10],
        }
    )
    pooled = Mark3Pmf().fit(table).pmf_
    singles = [
        Mark3Pmf().fit(counts_elicitation([1, 2, 4])).pmf_,
        Mark3Pmf().fit(counts_elicitation([0, 1, 3])).pmf_,
        Mark3Pmf().fit(counts_elicitation([2, 5, 10])).pmf_,
    ]
    n = np.arange(0, 11)
    expected = (1.0 * singles[0].pmf(n) + 2.0 * singles[1].pmf(n) + 0.5 * singles[2].pmf(n)) / 3.5
    np.testing.assert_allclose(pooled.pmf(n), expected, atol=1e-14)
    assert pooled.support_max == 10
    assert pooled.parameters["n_estimators"] == 3.0
    assert "N90" not in pooled.parameters
    means = [p.mean for p in singles]
    assert pooled.mean == pytest.approx((means[0] + 2 * means[1] + 0.5 * means[2]) / 3.5)


def test_zero_weight_rows_are_dropped():
    table = pd.DataFrame(
        {"Name": ["a", "b"], "Weight": [1.0, 0.0], "N90": [1, 50], "N50": [2, 60], "N10": [4, 90]}
    )
    model = Mark3Pmf().fit(table)
    assert model.pmf_.support_max == 4
    assert len(model.row_pmfs_) == 1
    assert model.pmf_.elicitation["Name"].tolist() == ["a"]


def test_singer_menzie_pool():
    table = pd.DataFrame(
        {
            "Weight": [3, 1],
            "N90": [1, 0],
            "N50": [2, 1],
            "N10": [4, 3],
            "N05": [6, 3],
            "N01": [8, 5],
        }
    )
    pooled = SingerMenziePmf().fit(table).pmf_
    a = mark3_probabilities([1, 2, 4, 6, 8])
    b = np.pad(mark3_probabilities([0, 1, 3, 3, 5]), (0, 3))
    np.testing.assert_allclose(pooled.probabilities, 0.75 * a + 0.25 * b, atol=1e-14)


# ------------------------------------------------------------------------------- errors
def test_misordered_counts_name_the_row():
    table = pd.DataFrame(
        {"Name": ["ok", "bad"], "Weight": [1, 1], "N90": [1, 3], "N50": [2, 2], "N10": [4, 5]}
    )
    for model in (Mark3Pmf(), SingerMenziePmf(missing_tail="repeat")):
        with pytest.raises(ElicitationError, match=r"row 2 \(bad\)"):
            model.fit(table)
    with pytest.raises(ElicitationError, match="N90 <= N50 <= N10"):
        Mark3Pmf().fit(table)
    with pytest.raises(ElicitationError, match="N90 <= N50 <= N10"):
        counts_elicitation([3, 2, 4])


def test_misordered_tail_counts():
    table = pd.DataFrame({"N90": [1], "N50": [2], "N10": [4], "N05": [6], "N01": [5]})
    with pytest.raises(ElicitationError, match="N05 <= N01"):
        SingerMenziePmf().fit(table)
    with pytest.raises(ElicitationError):
        Mark3Pmf().fit(table)


def test_singer_menzie_needs_tail_columns_by_default():
    with pytest.raises(ElicitationError, match="no N05, N01 column") as info:
        SingerMenziePmf().fit(counts_elicitation([1, 2, 4]))
    assert "missing_tail='repeat'" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_singer_menzie_rejects_unknown_missing_tail():
    with pytest.raises(ValidationError, match="missing_tail"):
        SingerMenziePmf(missing_tail="zero").fit(counts_elicitation([1, 2, 4, 5, 6]))


@pytest.mark.parametrize(
    ("thresholds", "match"),
    [
        ([1, 2], "3 to 5 thresholds"),
        ([1, 2, 3, 4, 5, 6], "3 to 5 thresholds"),
        ([-1, 2, 3], "whole numbers"),
        ([1, 2.5, 3], "whole numbers"),
        ([1, 4, 3], "N90 <= N50 <= N10"),
    ],
)
def test_mark3_probabilities_rejects_bad_thresholds(thresholds, match):
    with pytest.raises(ElicitationError, match=match):
        mark3_probabilities(thresholds)


def test_missing_columns_surface():
    with pytest.raises(ElicitationError, match="missing column"):
        Mark3Pmf().fit(pd.DataFrame({"N90": [1], "N50": [2]}))


# ------------------------------------------------------------------- property tests
counts_strategy = st.lists(st.integers(0, 200), min_size=3, max_size=5).map(sorted)


@settings(max_examples=200, deadline=None)
@given(counts_strategy)
def test_property_single_estimator(counts):
    raw = mark3_probabilities(counts)
    assert raw.size == counts[-1] + 1
    assert np.all(raw >= 0)
    assert abs(raw.sum() - 1.0) < 1e-12  # normalised before any rescaling
    assert raw[-1] >= QUANTILE_COLUMNS[list(QUANTILE_COLUMNS)[len(counts) - 1]] - 1e-15
    assert_matches(raw, half_weight_reference(counts))
    pmf = Mark3Pmf().fit(counts_elicitation(counts)).pmf_
    assert pmf.support_max == counts[-1]
    assert np.all(pmf.probabilities >= 0)
    assert abs(pmf.probabilities.sum() - 1.0) < 1e-12
    thresholds_honoured(pmf, counts)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 200), min_size=5, max_size=5).map(sorted))
def test_property_singer_menzie_equals_mark3_with_five_thresholds(counts):
    sm = SingerMenziePmf().fit(counts_elicitation(counts)).pmf_
    m3 = Mark3Pmf().fit(counts_elicitation(counts)).pmf_
    assert sm.support_min == m3.support_min
    np.testing.assert_allclose(sm.probabilities, m3.probabilities, atol=1e-15)
    assert np.all(sm.probabilities >= 0)
    assert abs(sm.probabilities.sum() - 1.0) < 1e-12


@st.composite
def elicitation_tables(draw: st.DrawFn) -> pd.DataFrame:
    n_rows = draw(st.integers(1, 5))
    n_columns = draw(st.integers(3, 5))
    rows = [
        sorted(draw(st.lists(st.integers(0, 200), min_size=n_columns, max_size=n_columns)))
        for _ in range(n_rows)
    ]
    weights = draw(st.lists(st.floats(0.01, 10.0), min_size=n_rows, max_size=n_rows))
    table = pd.DataFrame(rows, columns=list(QUANTILE_COLUMNS)[:n_columns])
    table.insert(0, "Weight", weights)
    return table


@settings(max_examples=100, deadline=None)
@given(elicitation_tables())
def test_property_pool(table):
    model = Mark3Pmf().fit(table)
    pmf = model.pmf_
    assert np.all(pmf.probabilities >= 0)
    assert abs(pmf.probabilities.sum() - 1.0) < 1e-12
    columns = [c for c in QUANTILE_COLUMNS if c in table.columns]
    last = table[columns[-1]].to_numpy()
    assert pmf.support_max == last.max()
    weights = table["Weight"].to_numpy() / table["Weight"].sum()
    n = np.arange(last.max() + 1)
    expected = sum(
        w * np.pad(mark3_probabilities(r), (0, n.size - r[-1] - 1))
        for w, r in zip(weights, table[columns].to_numpy(), strict=True)
    )
    np.testing.assert_allclose(pmf.pmf(n), expected, atol=1e-12)
    np.testing.assert_allclose(model.weights_, weights)


# ------------------------------------------------------------- MapWizard example tables
@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["example_nDepEst.csv", "nDepEst.csv"])
def test_mapwizard_elicitations(mapwizard_data: Path, name: str):
    path = mapwizard_data / "undiscovered_deposits" / name
    if not path.is_file():
        pytest.skip(f"{path} not found")
    table = pd.read_csv(path)
    model = Mark3Pmf().fit(table)
    weights = table["Weight"].to_numpy(dtype=float)
    rows = table[["N90", "N50", "N10"]].to_numpy()
    n = np.arange(rows[:, 2].max() + 1)
    expected = (
        sum(
            w * np.pad(mark3_probabilities(r), (0, n.size - r[-1] - 1))
            for w, r in zip(weights, rows, strict=True)
        )
        / weights.sum()
    )
    np.testing.assert_allclose(model.pmf_.pmf(n), expected, atol=1e-14)
    assert model.pmf_.parameters["n_estimators"] == len(table)
    for row, single in zip(rows, model.row_pmfs_, strict=True):
        thresholds_honoured(single, row.tolist())
    # MapWizard's tables have no N05/N01, which its Singer-Menzie pmf requires.
    with pytest.raises(ElicitationError, match="N05, N01"):
        SingerMenziePmf().fit(table)
    repeated = SingerMenziePmf(missing_tail="repeat").fit(table).pmf_
    np.testing.assert_allclose(repeated.probabilities, model.pmf_.probabilities, atol=1e-15)


@pytest.mark.shared_data
def test_mapwizard_example_table_values(mapwizard_data: Path):
    # example_nDepEst.csv = MapMark4's ExampleDepEst3; person7 has weight 0.01.
    table = pd.read_csv(mapwizard_data / "undiscovered_deposits" / "example_nDepEst.csv")
    pmf = Mark3Pmf().fit(table).pmf_
    assert pmf.support_max == 150
    total = table["Weight"].sum()
    # Only person7 (10, 25, 150) reaches 150: its 0.1 tail plus the half weight 0.4 / 250.
    assert float(pmf.pmf(150)) == pytest.approx(0.01 * (0.1 + 0.4 / 250) / total, rel=1e-12)
    # P(0): only person9 (N90 = 0) puts 0.1 + 0.4 / 2 on zero; the rest 0.2 / (2 N90 + 1).
    p0 = sum(
        w * (0.3 if n90 == 0 else 0.2 / (2 * n90 + 1))
        for w, n90 in zip(table["Weight"], table["N90"], strict=True)
    )
    assert float(pmf.pmf(0)) == pytest.approx(p0 / total, rel=1e-12)
