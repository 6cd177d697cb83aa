"""Monte Carlo totals: reference numbers, analytic check, reproducibility, chunking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bornite.assessment.deposit_counts import NegBinomialPmf
from bornite.assessment.grade_tonnage import DepositMoments, GradeTonnageModel
from bornite.assessment.pmf import DepositCountPmf
from bornite.assessment.simulation import compound_moments, simulate, summarize_totals
from bornite.errors import ValidationError


@pytest.fixture(scope="module")
def users_guide(mapmark4_data):
    """MapMark4 User's Guide tract: ExampleGatm (71 deposits) and ExampleDepEst1."""
    gatm = pd.read_csv(mapmark4_data / "ExampleGatm_synthetic71.csv").rename(
        columns={"Name": "name", "Ore": "ore_t", "Cu": "cu_pct", "Au": "au_pct"}
    )
    elicitation = pd.read_csv(mapmark4_data / "ExampleDepEst1.csv")
    return NegBinomialPmf().fit(elicitation).pmf_, GradeTonnageModel().fit(gatm)


@pytest.mark.shared_data
def test_users_guide_analytic_moments(users_guide):
    """MapMark4 prints means 6.06e9 / 3.07e7 / 2.64e3 and sds 6.44e9 / 3.58e7 / 3.14e3 from
    random pdf samples; bornite integrates exactly, so agreement is within about 3 %."""
    pmf, model = users_guide
    result = simulate(pmf, model, 20_000, seed=2024)
    analytic = result.analytic()
    np.testing.assert_allclose(analytic["analytic_mean"], [6.06e9, 3.07e7, 2.64e3], rtol=0.03)
    np.testing.assert_allclose(analytic["analytic_sd"], [6.44e9, 3.58e7, 3.14e3], rtol=0.03)
    summary = result.summary()
    assert summary.loc["ore_t", "p0"] == pytest.approx(0.008, abs=0.002)
    se = summary["analytic_sd"] / np.sqrt(20_000)
    assert (np.abs(summary["mean"] - summary["analytic_mean"]) < 4 * se).all()


@pytest.mark.shared_data
def test_users_guide_converges_to_the_analytic_mean(users_guide):
    pmf, model = users_guide
    result = simulate(pmf, model, 400_000, seed=11)
    summary = result.summary()
    np.testing.assert_allclose(summary["mean"], summary["analytic_mean"], rtol=0.01)
    np.testing.assert_allclose(summary["sd"], summary["analytic_sd"], rtol=0.03)


def _model():
    rng = np.random.default_rng(5)
    table = pd.DataFrame(
        {"ore_t": np.exp(rng.normal(19, 1.2, 60)), "cu_pct": np.exp(rng.normal(-0.8, 0.4, 60))}
    )
    return GradeTonnageModel().fit(table)


def test_seeded_runs_are_bit_identical_and_seeds_differ():
    pmf = DepositCountPmf([0.1, 0.3, 0.4, 0.2])
    model = _model()
    a = simulate(pmf, model, 10_000, seed=3, chunk_trials=3_000)
    b = simulate(pmf, model, 10_000, seed=3, chunk_trials=3_000)
    c = simulate(pmf, model, 10_000, seed=4, chunk_trials=3_000)
    pd.testing.assert_frame_equal(a.totals, b.totals)
    assert not a.totals["ore_t"].equals(c.totals["ore_t"])


def test_results_do_not_depend_on_the_number_of_threads():
    pmf = DepositCountPmf([0.1, 0.3, 0.4, 0.2])
    one = simulate(pmf, _model(), 9_000, seed=6, chunk_trials=1_000, keep_deposits=True)
    two = simulate(pmf, _model(), 9_000, seed=6, chunk_trials=1_000, keep_deposits=True, n_jobs=2)
    pd.testing.assert_frame_equal(one.totals, two.totals)
    pd.testing.assert_frame_equal(one.deposits, two.deposits)


def test_totals_are_sums_of_the_kept_deposits():
    pmf = DepositCountPmf([0.2, 0.3, 0.5])
    result = simulate(pmf, _model(), 3_000, seed=1, chunk_trials=1_000, keep_deposits=True)
    deposits = result.deposits
    assert deposits is not None
    sums = deposits.groupby("trial")[["ore_t", "cu_t"]].sum()
    totals = result.totals.set_index("trial")
    np.testing.assert_allclose(totals.loc[sums.index, ["ore_t", "cu_t"]], sums, rtol=1e-12)
    empty = totals.index.difference(sums.index)
    assert (totals.loc[empty, "n_deposits"] == 0).all()
    assert (totals.loc[empty, ["ore_t", "cu_t"]] == 0).all().all()
    assert (
        deposits.groupby("trial")["deposit"].max()
        == deposits.groupby("trial")["n_deposits"].first()
    ).all()
    np.testing.assert_allclose(deposits["cu_t"], deposits["ore_t"] * deposits["cu_pct"] / 100)


def test_number_of_deposits_follows_the_pmf():
    pmf = DepositCountPmf([0.25, 0.25, 0.5], support_min=2)
    result = simulate(pmf, _model(), 40_000, seed=8)
    frequencies = result.totals["n_deposits"].value_counts(normalize=True).sort_index()
    np.testing.assert_allclose(frequencies.to_numpy(), [0.25, 0.25, 0.5], atol=0.01)


def test_compound_moments_formula():
    pmf = DepositCountPmf([0.5, 0.0, 0.5])  # N in {0, 2}: mean 1, variance 1
    moments = DepositMoments(
        ("ore_t", "cu_t"), np.array([10.0, 1.0]), np.array([[4.0, 1.0], [1.0, 0.5]]), True
    )
    mean, cov = compound_moments(pmf, moments)
    np.testing.assert_allclose(mean, [10.0, 1.0])
    np.testing.assert_allclose(cov, [[4 + 100, 1 + 10], [1 + 10, 0.5 + 1]])


def test_summary_matches_numpy_quantiles():
    values = np.random.default_rng(0).lognormal(size=1001)
    table = summarize_totals(pd.DataFrame({"cu_t": values}))
    assert table.loc["cu_t", "q25"] == pytest.approx(np.quantile(values, 0.25))
    assert table.loc["cu_t", "p0"] == 0
    assert 0 < table.loc["cu_t", "p_gt_mean"] < 0.5


def test_progress_is_reported_per_chunk():
    calls = []
    simulate(
        DepositCountPmf([0.5, 0.5]),
        _model(),
        2_500,
        seed=0,
        chunk_trials=1_000,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]


def test_bad_trial_counts_are_refused():
    with pytest.raises(ValidationError, match="positive integer"):
        simulate(DepositCountPmf([1.0]), _model(), 0)
