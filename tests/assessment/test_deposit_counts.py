"""Deposit-count pmfs: MapMark4 reference numbers, invariants and validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from bornite.assessment.deposit_counts import (
    NegBinomialPmf,
    PoissonPmf,
    _nbinom_quantiles,
    elicitation_cost,
)
from bornite.assessment.elicitation import counts_elicitation, validate_elicitation
from bornite.errors import ElicitationError, ValidationError


@pytest.mark.shared_data
def test_negbinomial_reproduces_mapmark4_users_guide(mapmark4_data):
    """MapMark4 User's Guide, ExampleDepEst1: every printed digit of the summary."""
    elicitation = pd.read_csv(mapmark4_data / "ExampleDepEst1.csv")
    pmf = NegBinomialPmf().fit(elicitation).pmf_
    assert (pmf.support_min, pmf.support_max) == (0, 42)
    assert f"{pmf.mean:.6g}" == "10.6613"
    assert f"{pmf.variance:.6g}" == "43.0923"
    assert pmf.mode == 7
    assert f"{pmf.entropy:.6g}" == "3.19684"
    assert round(pmf.probabilities[0], 5) == 0.00787
    assert round(pmf.probabilities[1], 4) == 0.0204


def _table(rows):
    return pd.DataFrame(rows, columns=["Name", "Weight", "N90", "N50", "N10"])


def test_negbinomial_fit_honours_consensus_quantiles():
    """A single estimator's quantiles are met exactly when a negative binomial can meet them."""
    fitted = NegBinomialPmf().fit(_table([["a", 1, 2, 5, 10]]))
    pmf = fitted.pmf_
    assert fitted.cost_ == 0
    # N_q is the upper-tail quantile: P(N >= N_q) > q >= P(N >= N_q + 1), before truncation.
    tail = 1e-3
    for n_q, q in ((2, 0.9), (5, 0.5), (10, 0.1)):
        assert pmf.exceedance(n_q) > q - tail
        assert pmf.exceedance(n_q + 1) <= q + tail
    assert pmf.method == "negbinomial"
    assert pmf.parameters["size"] == pytest.approx(fitted.size_)


def test_negbinomial_zero_weight_rows_are_ignored():
    a = NegBinomialPmf().fit(_table([["a", 1, 2, 5, 10], ["b", 1, 3, 6, 12]])).pmf_
    b = (
        NegBinomialPmf()
        .fit(_table([["a", 1, 2, 5, 10], ["b", 1, 3, 6, 12], ["c", 0, 40, 80, 200]]))
        .pmf_
    )
    np.testing.assert_array_equal(a.probabilities, b.probabilities)


def test_negbinomial_right_tail_truncation():
    fitted = NegBinomialPmf(prob_right_tail=0.01).fit(_table([["a", 1, 2, 5, 10]]))
    upper = stats.nbinom.ppf(0.99, fitted.size_, fitted.prob_)
    assert fitted.pmf_.support_max == upper
    assert fitted.pmf_.probabilities.sum() == pytest.approx(1.0)


def test_negbinomial_without_spread_is_refused():
    with pytest.raises(ValidationError, match="poisson"):
        NegBinomialPmf().fit(_table([["a", 1, 3, 3, 3]]))


def test_fast_quantiles_equal_scipy():
    rng = np.random.default_rng(3)
    size = rng.uniform(0.05, 300, 400)
    prob = rng.uniform(0.001, 0.999, 400)
    lower = np.array([0.1, 0.5, 0.9])
    ours = _nbinom_quantiles(size[:, None], prob[:, None], lower[None, :])
    np.testing.assert_array_equal(ours, stats.nbinom.ppf(lower, size[:, None], prob[:, None]))


def test_elicitation_cost_is_weighted_absolute_misfit():
    table = _table([["a", 2.0, 1, 2, 4], ["b", 1.0, 0, 3, 9]])
    assert elicitation_cost([1, 2, 4], table) == 0 + 1.0 * (1 + 1 + 5)
    assert elicitation_cost([1, 2, 4], table, power=2) == 1 + 1 + 25


def test_poisson_given_mean_and_fitted():
    pmf = PoissonPmf(mean=4.0).fit().pmf_
    assert pmf.mean == pytest.approx(4.0, rel=2e-3)
    fitted = PoissonPmf().fit(_table([["a", 1, 2, 4, 7]]))
    # A Poisson with mean ~4.3 has upper quantiles (2, 4, 7); the fit must find a zero cost.
    assert fitted.cost_ == 0
    assert 3 < fitted.mean_ < 6


def test_pmf_probabilities_sum_to_one_for_many_elicitations():
    rng = np.random.default_rng(0)
    for _ in range(10):
        n90 = int(rng.integers(0, 10))
        n50 = n90 + int(rng.integers(1, 10))
        n10 = n50 + int(rng.integers(1, 20))
        pmf = NegBinomialPmf().fit(_table([["x", 1, n90, n50, n10]])).pmf_
        assert pmf.probabilities.sum() == pytest.approx(1.0, abs=1e-12)
        assert np.all(pmf.probabilities >= 0)


# ----------------------------------------------------------------------------- validation
counts = st.integers(min_value=0, max_value=500)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(counts, counts, counts), min_size=1, max_size=6))
def test_validation_accepts_ordered_and_rejects_disordered(rows):
    table = pd.DataFrame(rows, columns=["N90", "N50", "N10"])
    ordered = all(a <= b <= c for a, b, c in rows)
    if ordered:
        clean = validate_elicitation(table)
        assert list(clean.columns) == ["Name", "Weight", "N90", "N50", "N10"]
        assert clean["N90"].dtype == np.int64
    else:
        bad = [i + 1 for i, (a, b, c) in enumerate(rows) if not a <= b <= c]
        with pytest.raises(ElicitationError, match=f"row.* {bad[0]} "):
            validate_elicitation(table)


@settings(max_examples=100, deadline=None)
@given(
    st.one_of(
        st.floats(max_value=-0.001),
        st.floats(min_value=0.001, max_value=1e6).filter(lambda x: x != int(x)),
        st.sampled_from([float("nan"), float("inf"), "many"]),
    )
)
def test_validation_rejects_negative_fractional_or_missing_counts(value):
    table = pd.DataFrame({"Name": ["ann"], "N90": [value], "N50": [5], "N10": [9]})
    with pytest.raises(ElicitationError, match=r"N90 must be a whole number .* 1 \(ann\)"):
        validate_elicitation(table)


def test_validation_messages_name_the_problem():
    with pytest.raises(ElicitationError, match="missing column"):
        validate_elicitation(pd.DataFrame({"N90": [1], "N50": [2]}))
    with pytest.raises(ElicitationError, match="all weights are zero"):
        validate_elicitation(_table([["a", 0, 1, 2, 3]]))
    with pytest.raises(ElicitationError, match="Weight must be a number"):
        validate_elicitation(_table([["a", -1, 1, 2, 3]]))
    with pytest.raises(ElicitationError, match="3 to 5 counts"):
        counts_elicitation([1, 2])


def test_counts_elicitation_with_tail_quantiles():
    table = counts_elicitation([1, 2, 4, 6, 9])
    assert list(table.columns) == ["Name", "Weight", "N90", "N50", "N10", "N05", "N01"]
    with pytest.raises(ElicitationError, match="N90 <= N50 <= N10 <= N05 "):
        counts_elicitation([1, 2, 4, 3])
