"""The synthetic prospectivity region."""

from __future__ import annotations

import numpy as np
import pytest

from bornite.datasets.region import REGION_RULE, synthetic_region
from bornite.errors import ValidationError
from bornite.prospectivity.grid import grid_of


@pytest.fixture(scope="module")
def region():
    return synthetic_region(seed=3, shape=(80, 100), cell_size=400.0, n_deposits=30)


def test_region_is_reproducible_and_follows_the_raster_convention(region):
    again = synthetic_region(seed=3, shape=(80, 100), cell_size=400.0, n_deposits=30)
    for name in region.layers.data_vars:
        np.testing.assert_array_equal(region.layers[name].values, again.layers[name].values)
    assert region.deposits.equals(again.deposits)
    assert grid_of(region.layers) == region.grid
    assert region.grid.shape == (80, 100)
    assert set(region.layers.data_vars) == {
        "contact_distance",
        "fault_distance",
        "fault_density",
        "geology",
        "cu_log10",
        "magnetics",
    }
    assert region.layers["geology"].attrs["kind"] == "categorical"
    assert np.isfinite(region.layers.to_array().values).all()
    other = synthetic_region(seed=4, shape=(80, 100), cell_size=400.0, n_deposits=30)
    assert not region.deposits.equals(other.deposits)


def test_deposits_follow_the_rule(region):
    deposits = region.deposits
    assert len(deposits) == 30
    assert not deposits[["row", "col"]].duplicated().any()
    row, col = region.grid.cell_index(deposits["easting"], deposits["northing"])
    np.testing.assert_array_equal(row, deposits["row"])
    np.testing.assert_array_equal(col, deposits["col"])
    # Deposits sit where the true probability is high, near contacts and faults.
    p = region.probability.values
    assert np.median(p[row, col]) > 3 * np.median(p)
    contact = region.layers["contact_distance"].values
    assert np.median(contact[row, col]) < 0.5 * np.median(contact)
    # The true probability sums to the expected number of deposits.
    assert p.sum() == pytest.approx(30.0, rel=0.05)
    assert region.rule == dict(REGION_RULE)


def test_deposits_cluster_and_copper_is_anomalous_near_them(region):
    assert region.deposits["cluster"].nunique() < len(region.deposits)
    unclustered = synthetic_region(
        seed=3, shape=(80, 100), cell_size=400.0, n_deposits=30, mean_cluster_size=1.0
    )
    assert unclustered.deposits["cluster"].nunique() == 30
    cu = region.layers["cu_log10"].values
    row, col = region.deposits["row"], region.deposits["col"]
    assert np.median(cu[row, col]) > np.median(cu)
    assert {"easting", "northing", "cu_ppm"} <= set(region.samples.columns)
    assert all(f.shape[1] == 2 for f in region.faults)
    assert all(np.array(i).shape[1] == 2 for i in region.intrusions)


def test_bad_arguments_are_refused():
    with pytest.raises(ValidationError, match="shape"):
        synthetic_region(shape=(5, 5))
    with pytest.raises(ValidationError, match="n_deposits"):
        synthetic_region(shape=(20, 20), n_deposits=100)
    with pytest.raises(ValidationError, match="rule_strength"):
        synthetic_region(rule_strength=-1.0)
