"""Grade-tonnage models: compositions, fitting, sampling, exact moments, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bornite.assessment.grade_tonnage import GradeTonnageModel, ilr, ilr_basis, ilr_inverse
from bornite.errors import GradeTonnageError, ValidationError


def _deposits(n=60, seed=0, rho=0.0):
    rng = np.random.default_rng(seed)
    cov = np.array([[1.4**2, rho * 1.4 * 0.4], [rho * 1.4 * 0.4, 0.4**2]])
    z = rng.multivariate_normal([19.3, -0.8], cov, size=n)
    return pd.DataFrame(
        {
            "name": [f"D{i}" for i in range(n)],
            "ore_t": np.exp(z[:, 0]),
            "cu_pct": np.exp(z[:, 1]),
            "au_gt": np.exp(rng.normal(-1.2, 0.6, n)),
        }
    )


@settings(max_examples=50, deadline=None)
@given(arrays(float, (5, 4), elements=st.floats(1e-6, 1.0)))
def test_ilr_round_trip_and_orthonormal_basis(parts):
    composition = parts / parts.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(ilr_inverse(ilr(composition)), composition, rtol=1e-9)
    basis = ilr_basis(4)
    np.testing.assert_allclose(basis.T @ basis, np.eye(3), atol=1e-12)


def test_normal_model_recovers_parameters_and_sample_layout():
    table = _deposits(400)
    model = GradeTonnageModel().fit(table)
    assert model.metals_ == ["cu", "au"]
    assert model.grade_units_ == {"cu": "%", "au": "g/t"}
    draws = model.sample(200_000, seed=1)
    assert list(draws.columns) == ["ore_t", "cu_pct", "cu_t", "au_gt", "au_t"]
    assert np.log(draws["ore_t"]).mean() == pytest.approx(np.log(table["ore_t"]).mean(), abs=0.01)
    assert draws["cu_pct"].median() == pytest.approx(table["cu_pct"].median(), rel=0.08)
    np.testing.assert_allclose(draws["cu_t"], draws["ore_t"] * draws["cu_pct"] / 100)
    np.testing.assert_allclose(draws["au_t"], draws["ore_t"] * draws["au_gt"] * 1e-6)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"joint": True},
        {"tonnage_pdf": "kde", "grade_pdf": "kde"},
        {"tonnage_pdf": "kde"},
        {"joint": True, "tonnage_pdf": "kde", "grade_pdf": "kde"},
        {"empirical": True},
    ],
)
def test_exact_moments_agree_with_large_samples(options):
    """Quadrature moments of one deposit against 2 million draws."""
    model = GradeTonnageModel(**options).fit(_deposits(50, rho=0.6))
    moments = model.moments()
    assert moments.exact
    ore, fractions = model.sample_arrays(2_000_000, seed=3)
    x = ore[:, None] * np.column_stack([np.ones(ore.size), fractions])
    se = x.std(axis=0) / np.sqrt(ore.size)
    assert np.all(np.abs(x.mean(axis=0) - moments.mean) < 5 * se)
    np.testing.assert_allclose(np.sqrt(np.diag(moments.covariance)), x.std(axis=0), rtol=0.08)


def test_joint_model_keeps_the_size_grade_correlation():
    table = _deposits(300, seed=2, rho=-0.7)
    draws_joint = GradeTonnageModel(joint=True, metals=["cu"]).fit(table).sample(50_000, seed=1)
    draws_indep = GradeTonnageModel(metals=["cu"]).fit(table).sample(50_000, seed=1)
    observed = np.corrcoef(np.log(table["ore_t"]), np.log(table["cu_pct"]))[0, 1]
    r_joint = np.corrcoef(np.log(draws_joint["ore_t"]), np.log(draws_joint["cu_pct"]))[0, 1]
    r_indep = np.corrcoef(np.log(draws_indep["ore_t"]), np.log(draws_indep["cu_pct"]))[0, 1]
    assert r_joint == pytest.approx(observed, abs=0.05)
    assert abs(r_indep) < 0.02


def test_truncation_keeps_draws_inside_the_data_range():
    table = _deposits(40)
    model = GradeTonnageModel(truncate=True).fit(table)
    draws = model.sample(20_000, seed=4)
    assert draws["ore_t"].between(table["ore_t"].min(), table["ore_t"].max()).all()
    assert draws["cu_pct"].between(table["cu_pct"].min(), table["cu_pct"].max()).all()
    assert not model.moments(n_samples=10_000).exact


def test_sampling_is_seeded():
    model = GradeTonnageModel(tonnage_pdf="kde", grade_pdf="kde").fit(_deposits())
    pd.testing.assert_frame_equal(model.sample(1000, seed=9), model.sample(1000, seed=9))


def test_zero_grades_are_refused_with_the_rows_named_or_resampled():
    table = _deposits(30)
    table.loc[[3, 17], "au_gt"] = 0.0
    table.loc[5, "au_gt"] = np.nan
    with pytest.raises(
        GradeTonnageError,
        match=r"au_gt is missing or zero for rows 3 \(D3\), "
        r"5 \(D5\), 17 \(D17\).*empirical=True",
    ):
        GradeTonnageModel().fit(table)
    # Modelling copper alone is fine, and so is the empirical mode.
    assert GradeTonnageModel(metals=["cu"]).fit(table).metals_ == ["cu"]
    empirical = GradeTonnageModel(empirical=True).fit(table)
    draws = empirical.sample(5000, seed=1)
    assert set(np.round(draws["ore_t"], 3)) <= set(np.round(table["ore_t"], 3))
    assert (draws["au_t"] == 0).any()


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda t: t.head(10), "fewer than the 20"),
        (lambda t: t.assign(ore_t=-t["ore_t"]), "ore_t is missing or not > 0"),
        (lambda t: t.assign(cu_pct=95.0, au_gt=6.0e4), "add up to 100 %"),
        (lambda t: t.drop(columns="ore_t"), "missing column"),
    ],
)
def test_bad_tables_are_refused(change, match):
    with pytest.raises(ValidationError, match=match):
        GradeTonnageModel().fit(change(_deposits(30)))


def test_bad_options_are_refused():
    with pytest.raises(ValidationError, match="same value"):
        GradeTonnageModel(joint=True, tonnage_pdf="kde").fit(_deposits())
    with pytest.raises(ValidationError, match="'normal' or 'kde'"):
        GradeTonnageModel(grade_pdf="gamma").fit(_deposits())  # type: ignore[arg-type]
    with pytest.raises(GradeTonnageError, match="no grade column for zn"):
        GradeTonnageModel(metals=["zn"]).fit(_deposits())
    with pytest.raises(ValidationError, match="not fitted"):
        GradeTonnageModel().sample(3)


def test_diagnostics_compare_data_and_model():
    model = GradeTonnageModel().fit(_deposits(200))
    table = model.diagnostics(n_samples=20_000)
    assert set(table["variable"]) == {"ore_t", "cu_pct", "au_gt"}
    assert set(table["source"]) == {"data", "model"}
    # The data were drawn from the model family: a good fit.
    assert (table["ks_pvalue"] > 0.01).all()
