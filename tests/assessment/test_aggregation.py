"""Tract aggregation with rank correlation (Iman-Conover; Schuenemeyer, Zientek & Box 2011)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from bornite.assessment.aggregation import (
    aggregate_pmfs,
    aggregate_tracts,
    iman_conover,
    make_positive_definite,
    rank_correlation,
    rank_correlation_check,
    symmetrize_correlation,
    validate_correlation,
)
from bornite.assessment.pmf import DepositCountPmf
from bornite.errors import ValidationError
from bornite.io.mapwizard import read_correlation_matrix, read_pmf_csv

TARGET = np.array(
    [
        [1.0, 0.6, -0.3, 0.2],
        [0.6, 1.0, 0.1, 0.5],
        [-0.3, 0.1, 1.0, 0.0],
        [0.2, 0.5, 0.0, 1.0],
    ]
)


def mixed_sample(n: int, seed: int = 0) -> np.ndarray:
    """Four continuous columns from different distributions, drawn independently."""
    rng = np.random.default_rng(seed)
    return np.column_stack(
        [
            rng.lognormal(0, 1.5, n),
            rng.gamma(0.7, 2.0, n),
            rng.uniform(-3, 1, n),
            rng.normal(size=n),
        ]
    )


def equicorrelation(k: int, rho: float) -> np.ndarray:
    matrix = np.full((k, k), rho)
    np.fill_diagonal(matrix, 1.0)
    return matrix


# ------------------------------------------------------------------------------ Iman-Conover
def test_iman_conover_keeps_every_marginal_exactly():
    x = mixed_sample(20_000)
    x[:, 3] = np.random.default_rng(9).poisson(3.0, 20_000)  # a discrete column with ties
    y = iman_conover(x, TARGET, seed=1)
    assert y.shape == x.shape
    np.testing.assert_array_equal(np.sort(y, axis=0), np.sort(x, axis=0))
    np.testing.assert_allclose(y.mean(axis=0), x.mean(axis=0), rtol=1e-13)


def test_iman_conover_reaches_the_target_rank_correlation():
    n = 50_000
    # The sampling error of a Spearman correlation is about (1 - rho^2) / sqrt(n) <= 0.0045 here;
    # the normal-score conversion removes the 0.01-0.015 bias of using the target as Pearson r.
    y = iman_conover(mixed_sample(n), TARGET, seed=2)
    achieved = rank_correlation(y)
    np.testing.assert_allclose(achieved, TARGET, atol=0.01)


def test_normal_score_conversion_matters_for_strong_correlation():
    # Without converting, normal scores would give (6/pi) asin(0.75/2) = 0.7346; bornite hits 0.75.
    x = mixed_sample(100_000)[:, :2]
    y = iman_conover(x, [[1, 0.75], [0.75, 1]], seed=3)
    achieved = rank_correlation(y)[0, 1]
    assert abs(achieved - 0.75) < 0.005
    assert abs(achieved - 6 / np.pi * np.arcsin(0.375)) > 0.01


def test_identity_correlation_leaves_columns_independent():
    n = 50_000
    y = iman_conover(mixed_sample(n), np.eye(4), seed=4)
    off = rank_correlation(y)[np.triu_indices(4, 1)]
    assert np.max(np.abs(off)) < 4 / np.sqrt(n)


def test_negative_and_comonotone_targets():
    x = mixed_sample(30_000)[:, :2]
    y = iman_conover(x, [[1, -0.8], [-0.8, 1]], seed=5)
    assert abs(rank_correlation(y)[0, 1] + 0.8) < 0.01
    # All ones is singular but positive semi-definite: every column gets the same ranks.
    y = iman_conover(mixed_sample(5_000), np.ones((4, 4)), seed=5)
    ranks = stats.rankdata(y, axis=0)
    for j in range(1, 4):
        np.testing.assert_array_equal(ranks[:, j], ranks[:, 0])


def test_rank_scores_approach_the_target_less_closely():
    # Linear combinations of uniform rank scores are not normal, so their Spearman correlation
    # drifts from the Pearson one that the method sets; normal scores do better.
    x = mixed_sample(50_000)
    rank = np.abs(rank_correlation(iman_conover(x, TARGET, seed=6, score="rank")) - TARGET)
    normal = np.abs(rank_correlation(iman_conover(x, TARGET, seed=6)) - TARGET)
    assert rank.max() < 0.03
    assert normal.max() < rank.max()


def test_iman_conover_is_reproducible_with_a_seed():
    x = mixed_sample(2_000)
    np.testing.assert_array_equal(iman_conover(x, TARGET, seed=7), iman_conover(x, TARGET, seed=7))
    assert not np.array_equal(iman_conover(x, TARGET, seed=7), iman_conover(x, TARGET, seed=8))


def test_lower_triangular_input_equals_the_full_matrix():
    lower = np.tril(TARGET)
    lower[np.triu_indices(4, 1)] = np.nan
    np.testing.assert_array_equal(symmetrize_correlation(lower), TARGET)
    np.testing.assert_array_equal(symmetrize_correlation(np.tril(TARGET)), TARGET)
    np.testing.assert_array_equal(symmetrize_correlation(np.triu(TARGET)), TARGET)
    x = mixed_sample(3_000)
    np.testing.assert_array_equal(iman_conover(x, lower, seed=1), iman_conover(x, TARGET, seed=1))


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 0.5], [0.2, 1]], "not symmetric"),
        ([[1, 0.5], [0.5, 0.9]], "diagonal must be 1"),
        ([[1, 1.5], [1.5, 1]], r"lie in \[-1, 1\]"),
        ([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]], "not positive semi-definite"),
        ([[1, 0.5, 0.2], [0.5, 1, 0.1]], "square"),
        ([[np.nan, 0.5], [0.5, 1]], "diagonal has missing"),
        ([[1, np.nan, np.nan], [np.nan, 1, np.nan], [0.3, 0.2, 1]], "missing"),
    ],
)
def test_bad_correlation_matrices_are_rejected(matrix, message):
    with pytest.raises(ValidationError, match=message):
        validate_correlation(matrix)
    with pytest.raises(ValidationError, match=message):
        iman_conover(np.ones((100, np.shape(matrix)[1])), matrix)


def test_wrong_size_and_too_few_trials_are_rejected():
    with pytest.raises(ValidationError, match="3 column"):
        iman_conover(mixed_sample(100)[:, :3], TARGET)
    with pytest.raises(ValidationError, match="more trials"):
        iman_conover(mixed_sample(4), TARGET)
    with pytest.raises(ValidationError, match="score"):
        iman_conover(mixed_sample(100), TARGET, score="uniform")  # type: ignore[arg-type]


def test_make_positive_definite_shrinks_uniformly_and_then_works():
    bad = np.array([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]])
    smallest = np.linalg.eigvalsh(bad)[0]
    fixed = make_positive_definite(bad)
    delta = abs(smallest) + 1e-3
    np.testing.assert_allclose(fixed, (bad + delta * np.eye(3)) / (1 + delta))
    np.testing.assert_allclose(np.diag(fixed), 1.0)
    assert np.linalg.eigvalsh(fixed)[0] == pytest.approx(1e-3 / (1 + delta))
    validate_correlation(fixed)
    np.testing.assert_array_equal(make_positive_definite(TARGET), TARGET)  # already fine


def test_rank_correlation_check_lists_every_pair():
    y = iman_conover(mixed_sample(20_000), TARGET, seed=1)
    frame = pd.DataFrame(y, columns=["a", "b", "c", "d"])
    check = rank_correlation_check(frame, TARGET)
    assert len(check) == 6
    assert list(check.columns) == ["first", "second", "target", "achieved", "difference"]
    assert check.iloc[0][["first", "second", "target"]].tolist() == ["a", "b", 0.6]
    np.testing.assert_allclose(check["difference"], check["achieved"] - check["target"])
    assert check["difference"].abs().max() < 0.015


# ----------------------------------------------------------------------------- pmfs, MapWizard
@pytest.fixture(scope="module")
def conduit(mapwizard_data: Path) -> tuple[dict[str, DepositCountPmf], np.ndarray]:
    folder = mapwizard_data / "tract_aggregation_test"
    pmfs = {f"T{i}": read_pmf_csv(folder / f"Conduit1_03_PMF_Probs{i}.csv") for i in range(1, 8)}
    return pmfs, read_correlation_matrix(folder / "CorrelationTab.csv")


def gaussian_copula_covariance(pmf: DepositCountPmf, rank_corr: float) -> float:
    """Cov(X, Y) of two counts with pmf ``pmf`` joined by a normal copula of Spearman rho.

    ``E[XY] = sum_{a, b >= 1} P(X >= a, Y >= b)`` for counts >= 0, with each joint tail a
    bivariate-normal orthant probability.
    """
    r = 2 * np.sin(np.pi * rank_corr / 6)
    assert pmf.support_min == 0
    thresholds = stats.norm.ppf(np.cumsum(pmf.probabilities)[:-1])  # X >= a iff Z > z_{a-1}
    a, b = np.meshgrid(-thresholds, -thresholds, indexing="ij")
    tails = stats.multivariate_normal(mean=[0, 0], cov=[[1, r], [r, 1]]).cdf(
        np.column_stack([a.ravel(), b.ravel()])
    )
    return float(tails.sum() - pmf.mean**2)


def test_seven_mapwizard_tracts_mean_and_variance(conduit):
    pmfs, correlation = conduit
    total, trials = aggregate_pmfs(pmfs, correlation, n_trials=100_000, seed=11)
    counts = trials[list(pmfs)].to_numpy()
    assert list(trials.columns) == ["trial", *pmfs, "n_deposits"]
    np.testing.assert_array_equal(trials["n_deposits"], counts.sum(axis=1))
    # The mean of the total is the sum of the tract sample means exactly (same values, reordered).
    assert trials["n_deposits"].mean() == pytest.approx(counts.mean(axis=0).sum(), rel=1e-15)
    assert total.mean == pytest.approx(trials["n_deposits"].mean(), rel=1e-12)
    # ... and the sum of the pmf means within sampling error (sd of the mean of the total ~0.058).
    expected_mean = sum(p.mean for p in pmfs.values())
    assert expected_mean == pytest.approx(39.8266, abs=1e-4)
    assert total.mean == pytest.approx(expected_mean, abs=0.25)

    sd = counts.std(axis=0, ddof=1)
    independent = float(np.sum(sd**2))
    nominal = independent + 0.75 * float(np.sum(np.outer(sd, sd)) - np.sum(sd**2))
    variance = float(trials["n_deposits"].var())
    # sum_{i != j} rho s_i s_j with rho = 0.75 more than quintuples the independent variance;
    # the Pearson correlation of the counts is not exactly the rank correlation, so allow 2 %.
    assert variance > 5 * independent
    assert variance == pytest.approx(nominal, rel=0.02)
    # Exact expectation under the normal copula that Iman-Conover induces (seed-to-seed sd of the
    # simulated variance is about 0.2 %; tolerance 1.5 %).
    pmf = pmfs["T1"]
    exact = 7 * pmf.variance + 42 * gaussian_copula_covariance(pmf, 0.75)
    assert exact == pytest.approx(331.63, abs=0.01)
    assert variance == pytest.approx(exact, rel=0.015)
    # Ties lower the tie-averaged Spearman correlation of counts a little below 0.75.
    achieved = rank_correlation(counts)[np.triu_indices(7, 1)]
    assert np.all((achieved > 0.73) & (achieved < 0.76))


def test_seven_tracts_against_the_r_script_scheme(conduit):
    """Compare with the algorithm of Schuenemeyer et al.'s AggtEx.fn, which MapWizard runs.

    MapWizard ships no expected output for this example, so the reference is the R script's
    scheme re-expressed here: sort each tract's sample, rank ``U chol(C)`` with ``U`` uniform on
    (-1, 1), and take the sorted values in that rank order. Its P90/P50/P10 are R's type-7
    quantiles 0.1/0.5/0.9 of the total, truncated to integers.
    """
    pmfs, correlation = conduit
    n = 100_000
    rng = np.random.default_rng(2011)
    ordered = np.sort(np.column_stack([p.sample(n, rng) for p in pmfs.values()]), axis=0)
    scores = rng.uniform(-1, 1, (n, 7)) @ np.linalg.cholesky(correlation).T
    ranks = stats.rankdata(scores, axis=0, method="ordinal").astype(int) - 1
    reference = np.take_along_axis(ordered, ranks, axis=0).sum(axis=1)
    _, trials = aggregate_pmfs(pmfs, correlation, n_trials=n, seed=12)
    ours = trials["n_deposits"].to_numpy()

    def p90_p50_p10(values):
        return np.quantile(values, [0.1, 0.5, 0.9]).astype(int)

    assert np.max(np.abs(p90_p50_p10(ours) - p90_p50_p10(reference))) <= 1
    assert ours.std() == pytest.approx(reference.std(), rel=0.03)
    # Independent and fully dependent totals bracket the correlated one.
    independent = np.column_stack([p.sample(n, rng) for p in pmfs.values()]).sum(axis=1)
    assert independent.std() < ours.std() < ordered.sum(axis=1).std()


def test_comonotone_tracts_sum_to_seven_times_one_tract(conduit):
    pmfs, _ = conduit
    total, trials = aggregate_pmfs(pmfs, np.ones((7, 7)), n_trials=20_000, seed=13)
    counts = trials[list(pmfs)].to_numpy()
    # Rank correlation 1: the trials are in the same order in every tract, so sorting the trials
    # by their total sorts every tract, and the total is the sum of the sorted samples.
    by_total = counts[np.argsort(trials["n_deposits"].to_numpy(), kind="stable")]
    assert np.all(np.diff(by_total, axis=0) >= 0)
    np.testing.assert_array_equal(
        np.sort(trials["n_deposits"]), np.sort(counts, axis=0).sum(axis=1)
    )
    # Nearly the quantiles of 7 times one tract (each tract is its own sample of the pmf).
    single = np.quantile(counts[:, 0], [0.1, 0.5, 0.9])
    np.testing.assert_allclose(
        np.quantile(trials["n_deposits"], [0.1, 0.5, 0.9]), 7 * single, atol=3
    )
    assert total.sd == pytest.approx(7 * pmfs["T1"].sd, rel=0.02)


def test_aggregate_pmfs_is_reproducible_and_validates():
    pmf = DepositCountPmf([0.2, 0.5, 0.3])
    first = aggregate_pmfs({"a": pmf, "b": pmf}, [[1, 0.4], [0.4, 1]], n_trials=5_000, seed=1)
    second = aggregate_pmfs({"a": pmf, "b": pmf}, [[1, 0.4], [0.4, 1]], n_trials=5_000, seed=1)
    pd.testing.assert_frame_equal(first[1], second[1])
    assert first[0].method == "aggregate"
    with pytest.raises(ValidationError, match="at least two"):
        aggregate_pmfs({"a": pmf}, [[1.0]])
    with pytest.raises(ValidationError, match="clash"):
        aggregate_pmfs({"a": pmf, "trial": pmf}, np.eye(2))
    with pytest.raises(ValidationError, match="3 tracts"):
        aggregate_pmfs({"a": pmf, "b": pmf, "c": pmf}, np.eye(2))


def test_labelled_correlation_is_aligned_by_tract_name():
    pmfs = {
        "a": DepositCountPmf([0.3, 0.4, 0.3]),
        "b": DepositCountPmf([0.1, 0.9]),
        "c": DepositCountPmf([0.5, 0.2, 0.3]),
    }
    matrix = np.array([[1, 0.7, 0.1], [0.7, 1, -0.2], [0.1, -0.2, 1]])
    shuffled = pd.DataFrame(matrix, index=list("abc"), columns=list("abc")).loc[
        list("cab"), list("cab")
    ]
    by_name = aggregate_pmfs(pmfs, shuffled, n_trials=3_000, seed=2)[1]
    by_order = aggregate_pmfs(pmfs, matrix, n_trials=3_000, seed=2)[1]
    pd.testing.assert_frame_equal(by_name, by_order)


# -------------------------------------------------------------------------- per-trial totals
def tract_totals(n: int, mean: float, seed: int) -> pd.DataFrame:
    """A per-trial totals table like ``simulate``'s, ore and copper growing with the count."""
    rng = np.random.default_rng(seed)
    counts = rng.negative_binomial(3, 3 / (3 + mean), n)
    ore = np.array([rng.lognormal(18.5, 1.2, k).sum() for k in counts])
    return pd.DataFrame(
        {
            "trial": np.arange(1, n + 1),
            "n_deposits": counts,
            "ore_t": ore,
            "cu_t": ore * rng.uniform(0.003, 0.006, n),
        }
    )


@pytest.fixture(scope="module")
def three_tracts() -> dict[str, pd.DataFrame]:
    return {
        name: tract_totals(20_000, mean, seed)
        for name, mean, seed in [("west", 4.0, 1), ("east", 7.0, 2), ("north", 2.0, 3)]
    }


def test_aggregate_tracts_moves_whole_trials_and_sums(three_tracts):
    target = np.array([[1, 0.5, 0.3], [0.5, 1, 0.6], [0.3, 0.6, 1]])
    out = aggregate_tracts(three_tracts, target, seed=5)
    assert list(out.columns[:5]) == ["trial", "n_deposits", "ore_t", "cu_t", "west__n_deposits"]
    assert out.attrs["tracts"] == ["west", "east", "north"]
    for name, table in three_tracts.items():
        kept = out[[f"{name}__n_deposits", f"{name}__ore_t", f"{name}__cu_t"]].to_numpy()
        original = table[["n_deposits", "ore_t", "cu_t"]].to_numpy()
        # The same rows (whole trials), only in another order.
        np.testing.assert_array_equal(
            kept[np.lexsort(kept.T[::-1])], original[np.lexsort(original.T[::-1])]
        )
    for column in ("n_deposits", "ore_t", "cu_t"):
        np.testing.assert_allclose(
            out[column], sum(out[f"{name}__{column}"] for name in three_tracts), rtol=1e-12
        )
        assert out[column].mean() == pytest.approx(
            sum(t[column].mean() for t in three_tracts.values()), rel=1e-12
        )
    per_tract = out[[f"{name}__n_deposits" for name in three_tracts]]
    check = rank_correlation_check(per_tract, target, names=list(three_tracts))
    # Counts have ties, so the tie-averaged Spearman sits a little below the target.
    assert check["difference"].between(-0.04, 0.015).all()
    # Positive correlation widens the aggregate ore distribution.
    independent = sum(t["ore_t"].var() for t in three_tracts.values())
    assert out["ore_t"].var() > 1.2 * independent


def test_ties_are_broken_at_random():
    # Tract tables sorted by ore within each count: a stable tie-break would correlate the ore of
    # different tracts beyond what their counts imply. With random tie-breaks, the ore of two
    # tracts is correlated only through the counts.
    rng = np.random.default_rng(0)
    tables = {}
    for name in ("a", "b"):
        n = 20_000
        tables[name] = pd.DataFrame(
            {"n_deposits": rng.integers(0, 2, n), "ore_t": rng.lognormal(18, 1, n)}
        ).sort_values("ore_t", ignore_index=True)
    out = aggregate_tracts(tables, [[1, 0.9], [0.9, 1]], seed=3)
    same = out["a__n_deposits"] == out["b__n_deposits"]
    ore = out.loc[same, ["a__ore_t", "b__ore_t"]].to_numpy()
    assert abs(rank_correlation(ore)[0, 1]) < 0.03


def test_aggregate_tracts_is_reproducible_and_validates(three_tracts):
    target = np.eye(3)
    pd.testing.assert_frame_equal(
        aggregate_tracts(three_tracts, target, seed=1),
        aggregate_tracts(three_tracts, target, seed=1),
    )
    slim = aggregate_tracts(three_tracts, target, seed=1, keep_tracts=False)
    assert list(slim.columns) == ["trial", "n_deposits", "ore_t", "cu_t"]
    # Grades are not additive: kept per tract, never summed.
    graded = {k: t.assign(cu_pct=100 * t["cu_t"] / t["ore_t"]) for k, t in three_tracts.items()}
    out = aggregate_tracts(graded, target, seed=1)
    assert "cu_pct" not in out.columns
    assert "west__cu_pct" in out.columns
    short = dict(three_tracts, north=three_tracts["north"].iloc[:100])
    with pytest.raises(ValidationError, match="same number of trials"):
        aggregate_tracts(short, target)
    with pytest.raises(ValidationError, match="no column 'ore'"):
        aggregate_tracts(three_tracts, target, by="ore")
    with pytest.raises(ValidationError, match="at least two"):
        aggregate_tracts({"west": three_tracts["west"]}, [[1.0]])


def test_aggregate_tracts_by_ore(three_tracts):
    out = aggregate_tracts(three_tracts, equicorrelation(3, 0.7), by="ore_t", seed=2)
    ore = out[[f"{name}__ore_t" for name in three_tracts]].to_numpy()
    np.testing.assert_allclose(rank_correlation(ore)[np.triu_indices(3, 1)], 0.7, atol=0.015)
