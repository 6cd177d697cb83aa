"""Leave-one-out and leave-one-hole-out cross-validation."""

from __future__ import annotations

import numpy as np
import pytest

from bornite.errors import ValidationError
from bornite.geostats import (
    InverseDistance,
    OrdinaryKriging,
    SearchNeighbourhood,
    Structure,
    VariogramModel,
    cross_validate,
)

MODEL = VariogramModel(0.05, (Structure("spherical", 1.0, (120.0, 80.0, 40.0), 20.0),))


@pytest.fixture(scope="module")
def holes():
    rng = np.random.default_rng(4)
    collars = rng.uniform(0, 300, size=(25, 2))
    ids = np.repeat(np.arange(25), 8)
    xyz = np.column_stack([collars[ids, 0], collars[ids, 1], -np.tile(np.arange(8) * 10.0, 25)])
    z = np.sin(xyz[:, 0] / 60) + np.cos(xyz[:, 1] / 50) + 0.05 * rng.normal(size=len(ids))
    return xyz, z, ids


def test_loo_matches_refitting_without_each_sample(holes):
    xyz, z, _ = holes
    nb = SearchNeighbourhood((150.0, 100.0, 60.0), 20.0, max_samples=10)
    ok = OrdinaryKriging(MODEL, neighbourhood=nb)
    result = cross_validate(ok, xyz, z)
    assert not hasattr(ok, "coordinates_")  # the estimator passed in is not fitted
    for i in (0, 17, 101):
        keep = np.arange(len(z)) != i
        alone = OrdinaryKriging(MODEL, neighbourhood=nb).fit(xyz[keep], z[keep]).predict(xyz[[i]])
        assert result.table["estimate"][i] == pytest.approx(alone["estimate"][0], rel=1e-10)
    s = result.summary
    assert s["n"] == len(z)
    assert s["correlation"] > 0.9
    assert s["mse"] == pytest.approx(np.mean(result.table["error"] ** 2))
    assert abs(s["mean_error"]) < 0.05


def test_global_loo_has_no_sample_at_its_own_location(holes):
    xyz, z, _ = holes
    xyz, z = xyz[::3], z[::3]
    result = cross_validate(OrdinaryKriging(VariogramModel(0.0, MODEL.structures)), xyz, z)
    assert (result.table["error"].abs() > 1e-9).all()
    assert (result.table["variance"] > 0).all()


def test_loho_is_more_pessimistic_than_loo(holes):
    xyz, z, ids = holes
    ok = OrdinaryKriging(MODEL, neighbourhood=SearchNeighbourhood(200.0, max_samples=12))
    loo = cross_validate(ok, xyz, z, ids, method="loo")
    loho = cross_validate(ok, xyz, z, ids, method="loho")
    assert loho.summary["mse"] > loo.summary["mse"]
    assert loho.table["hole_id"].tolist() == ids.tolist()
    assert np.isfinite(loho.table["standardised_error"]).all()
    with pytest.raises(ValidationError, match="hole_ids"):
        cross_validate(ok, xyz, z, method="loho")


def test_inverse_distance_cross_validation(holes):
    xyz, z, _ = holes
    result = cross_validate(InverseDistance(neighbourhood=SearchNeighbourhood(200.0)), xyz, z)
    assert result.table["variance"].isna().all()
    assert result.summary["correlation"] > 0.8
