"""A small seeded tract shared by the report tests: two metals, a fitted pmf, 2,000 trials."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bornite.assessment.deposit_counts import NegBinomialPmf
from bornite.assessment.grade_tonnage import GradeTonnageModel
from bornite.assessment.simulation import simulate


@pytest.fixture(scope="session")
def deposits() -> pd.DataFrame:
    """50 synthetic porphyry deposits: log-normal tonnage, Cu in %, Au in g/t."""
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "ore_t": np.exp(rng.normal(19, 1.4, 50)),
            "cu_pct": np.exp(rng.normal(-0.8, 0.4, 50)),
            "au_gt": np.exp(rng.normal(-1.5, 0.7, 50)),
        }
    )


@pytest.fixture(scope="session")
def elicitation() -> pd.DataFrame:
    """Three estimators; two agree on N90 = 2 and N10 = 10."""
    return pd.DataFrame(
        {
            "Name": ["A", "B", "C"],
            "Weight": [1.0, 1.0, 1.0],
            "N90": [2, 3, 2],
            "N50": [5, 5, 6],
            "N10": [10, 10, 12],
        }
    )


@pytest.fixture(scope="session")
def model(deposits):
    return GradeTonnageModel().fit(deposits)


@pytest.fixture(scope="session")
def pmf(elicitation):
    return NegBinomialPmf().fit(elicitation).pmf_


@pytest.fixture(scope="session")
def result(pmf, model):
    return simulate(pmf, model, 2_000, seed=7)
