"""Property tests over generated inputs, using bornite's public strategies and assertions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from bornite.assessment import (
    GradeTonnageModel,
    Mark3Pmf,
    NegBinomialPmf,
    PoissonPmf,
    SingerMenziePmf,
    simulate,
)
from bornite.datasets import porphyry_grade_tonnage
from bornite.errors import ValidationError
from bornite.testing import assert_valid_pmf, assert_within_monte_carlo_error
from bornite.testing.strategies import elicitation_tables, grade_tonnage_tables

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(elicitation_tables(max_count=60))
def test_every_estimator_gives_a_valid_pmf(table):
    for estimator in (Mark3Pmf(), PoissonPmf(), SingerMenziePmf(missing_tail="repeat")):
        assert_valid_pmf(estimator.fit(table).pmf_)
    weights = table["Weight"] / table["Weight"].sum()
    if (weights @ table["N10"]) - (weights @ table["N90"]) > 0.01:
        assert_valid_pmf(NegBinomialPmf().fit(table).pmf_)
    else:
        with pytest.raises(ValidationError, match="needs spread"):
            NegBinomialPmf().fit(table)


@SETTINGS
@given(grade_tonnage_tables())
def test_models_fit_sample_and_integrate_any_valid_table(table):
    for options in ({}, {"joint": True}):
        model = GradeTonnageModel(**options).fit(table)
        moments = model.moments()
        assert np.all(np.isfinite(moments.mean))
        assert np.all(moments.mean > 0)
        assert np.all(np.linalg.eigvalsh(moments.covariance) > -1e-6 * moments.covariance.max())
        draws = model.sample(500, seed=0)
        assert (draws[["ore_t", "cu_pct", "au_gt"]] > 0).all().all()
        np.testing.assert_allclose(draws["cu_t"], draws["ore_t"] * draws["cu_pct"] / 100)


def test_assertions_catch_a_wrong_simulation():
    model = GradeTonnageModel().fit(porphyry_grade_tonnage(60, seed=3))
    pmf = PoissonPmf(mean=3.0).fit().pmf_
    result = simulate(pmf, model, 20_000, seed=1)
    assert_within_monte_carlo_error(result, n_se=5)
    shifted = result.totals.assign(ore_t=result.totals["ore_t"] * 1.5)
    wrong = type(result)(shifted, None, pmf, model, result.moments, 1, 1)
    with pytest.raises(AssertionError, match="ore_t: simulated"):
        assert_within_monte_carlo_error(wrong)
