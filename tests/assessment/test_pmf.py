"""DepositCountPmf: statistics, sampling and construction."""

from __future__ import annotations

import numpy as np
import pytest

from bornite.assessment.pmf import DepositCountPmf, custom_pmf
from bornite.errors import ValidationError


def test_statistics_of_a_known_pmf():
    pmf = DepositCountPmf([0.1, 0.2, 0.3, 0.4], support_min=2)
    assert pmf.support.tolist() == [2, 3, 4, 5]
    assert pmf.mean == pytest.approx(4.0)
    assert pmf.variance == pytest.approx(1.0)
    assert pmf.mode == 5
    assert pmf.entropy == pytest.approx(-sum(p * np.log(p) for p in (0.1, 0.2, 0.3, 0.4)))
    assert pmf.cdf(3) == pytest.approx(0.3)
    assert pmf.exceedance(3) == pytest.approx(0.9)
    assert pmf.pmf([1, 2, 6]).tolist() == [0.0, 0.1, 0.0]


def test_zero_tails_are_trimmed_and_probabilities_normalised():
    pmf = DepositCountPmf([0.0, 0.0, 2.0, 2.0, 0.0], support_min=1)
    assert (pmf.support_min, pmf.support_max) == (3, 4)
    assert pmf.probabilities.tolist() == [0.5, 0.5]


def test_sampling_is_seeded_and_matches_probabilities():
    pmf = DepositCountPmf([0.2, 0.5, 0.3], support_min=1)
    a = pmf.sample(200_000, seed=7)
    np.testing.assert_array_equal(a, pmf.sample(200_000, seed=7))
    frequencies = np.bincount(a, minlength=4)[1:] / a.size
    np.testing.assert_allclose(frequencies, [0.2, 0.5, 0.3], atol=4e-3)


def test_to_dict_has_the_cli_keys():
    d = custom_pmf([0, 1], [1, 3]).to_dict()
    assert {
        "method",
        "support_min",
        "support_max",
        "probabilities",
        "mean",
        "variance",
        "mode",
        "entropy",
    } <= set(d)
    assert d["probabilities"] == [0.25, 0.75]


@pytest.mark.parametrize(
    ("n", "p", "match"),
    [
        ([0, 1], [1.0], "same length"),
        ([1, 1], [1.0, 1.0], "strictly increasing"),
        ([-1, 1], [1.0, 1.0], ">= 0"),
        ([0, 1], [-1.0, 2.0], ">= 0"),
    ],
)
def test_custom_pmf_rejects_bad_input(n, p, match):
    with pytest.raises(ValidationError, match=match):
        custom_pmf(n, p)


def test_all_zero_probabilities_are_rejected():
    with pytest.raises(ValidationError, match="sum to zero"):
        DepositCountPmf([0.0, 0.0])
