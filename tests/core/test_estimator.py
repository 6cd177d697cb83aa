"""bornite's estimators follow scikit-learn's contract: parameters only in ``__init__``,
``clone`` works, learned state ends in ``_``, and a clear error before ``fit``."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from bornite.assessment import (
    GradeTonnageModel,
    Mark3Pmf,
    NegBinomialPmf,
    PoissonPmf,
    SingerMenziePmf,
    counts_elicitation,
)
from bornite.datasets import porphyry_grade_tonnage
from bornite.errors import NotFittedError, ValidationError
from bornite.geostats import (
    InverseDistance,
    OrdinaryKriging,
    SimpleKriging,
    Structure,
    VariogramModel,
    cross_validate,
)

MODEL = VariogramModel(0.1, (Structure("spherical", 1.0, 50.0),))
XYZ = np.random.default_rng(0).uniform(0, 100, (40, 3))
Z = np.sin(XYZ[:, 0] / 20.0)

ESTIMATORS = [
    (OrdinaryKriging(MODEL, chunk_size=7), "coordinates_", lambda e: e.fit(XYZ, Z)),
    (SimpleKriging(MODEL, 0.0, n_jobs=2), "coordinates_", lambda e: e.fit(XYZ, Z)),
    (InverseDistance(power=3.0), "coordinates_", lambda e: e.fit(XYZ, Z)),
    (NegBinomialPmf(n_grid=20), "pmf_", lambda e: e.fit(counts_elicitation([1, 2, 4]))),
    (PoissonPmf(mean=3.0), "pmf_", lambda e: e.fit()),
    (Mark3Pmf(), "pmf_", lambda e: e.fit(counts_elicitation([1, 2, 4]))),
    (
        SingerMenziePmf(missing_tail="repeat"),
        "pmf_",
        lambda e: e.fit(counts_elicitation([1, 2, 4])),
    ),
    (GradeTonnageModel(joint=True), "n_deposits_", lambda e: e.fit(porphyry_grade_tonnage())),
]


@pytest.mark.parametrize(("estimator", "learned", "fit"), ESTIMATORS)
def test_clone_gives_an_unfitted_copy_with_the_same_parameters(estimator, learned, fit):
    fitted = fit(clone(estimator))
    assert learned in vars(fitted)
    copy = clone(fitted)
    assert copy is not fitted
    assert copy.get_params() == estimator.get_params()
    with pytest.raises(NotFittedError, match="not fitted"):
        getattr(copy, learned)
    # the error is what scikit-learn users catch, and what hasattr expects
    assert not hasattr(copy, learned)
    with pytest.raises(AttributeError):
        getattr(copy, learned)
    with pytest.raises(ValueError, match="fit"):
        getattr(copy, learned)


def test_parameters_round_trip_and_are_checked_at_fit():
    ok = OrdinaryKriging(MODEL)
    assert ok.set_params(chunk_size=5) is ok
    assert ok.get_params()["chunk_size"] == 5
    # __init__ stores whatever it is given; fit says what is wrong with it
    bad = OrdinaryKriging("not a model")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="variogram must be a VariogramModel"):
        bad.fit(XYZ, Z)
    with pytest.raises(ValidationError, match="power must be"):
        InverseDistance(power=-1.0).fit(XYZ, Z)
    with pytest.raises(ValidationError, match="n_grid"):
        NegBinomialPmf(n_grid=1).fit(counts_elicitation([1, 2, 4]))
    assert "OrdinaryKriging(" in repr(ok)


def test_predict_before_fit_names_the_estimator():
    with pytest.raises(NotFittedError, match="OrdinaryKriging is not fitted"):
        OrdinaryKriging(MODEL).predict(XYZ[:2])
    with pytest.raises(NotFittedError, match="InverseDistance is not fitted"):
        InverseDistance().predict(XYZ[:2])


@pytest.mark.parametrize("estimator", [OrdinaryKriging(MODEL), InverseDistance()])
def test_exclude_is_leave_one_out(estimator):
    """``predict(exclude=...)`` leaves each target's own sample out: the same as refitting
    without it."""
    fitted = clone(estimator).fit(XYZ, Z)
    left_out = fitted.predict(XYZ[:3], exclude=np.arange(3))
    for i in range(3):
        keep = np.arange(len(Z)) != i
        alone = clone(estimator).fit(XYZ[keep], Z[keep]).predict(XYZ[i : i + 1])
        assert left_out["estimate"].iat[i] == pytest.approx(alone["estimate"].iat[0], rel=1e-9)
    loo = cross_validate(fitted, XYZ, Z)
    assert loo.table["estimate"].iloc[:3].to_numpy() == pytest.approx(
        left_out["estimate"].to_numpy(), rel=1e-12
    )
    with pytest.raises(ValidationError, match="one whole sample index per target"):
        fitted.predict(XYZ[:3], exclude=[0, 1])
