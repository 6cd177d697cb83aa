"""The synthetic porphyry deposit and its drill campaign."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bornite.blockmodel import BlockGrid
from bornite.datasets import (
    PorphyryDeposit,
    porphyry_grade_tonnage,
    synthetic_drill_campaign,
    synthetic_porphyry_deposit,
    truth_at,
)
from bornite.errors import ValidationError

GRID = BlockGrid((0.0, 0.0, -600.0), (40.0, 40.0, 20.0), (25, 25, 30))


def test_deposit_has_shells_a_leached_cap_and_a_blanket():
    truth, deposit, field = synthetic_porphyry_deposit(GRID, seed=2)
    again, _, _ = synthetic_porphyry_deposit(GRID, seed=2)
    np.testing.assert_array_equal(truth["cu_pct"].values, again["cu_pct"].values)
    trend = deposit.trend
    centre = np.array(deposit.centre)
    # Barren core < ore shell > distant halo (deterministic trend).
    core, shell = trend([centre])[0], trend([centre + np.array([deposit.shell_radius, 0, 0])])[0]
    far = trend([centre + np.array([3 * deposit.shell_radius, 0, 0])])[0]
    assert core < shell > far
    # The leached cap is poorer than the enriched blanket below it, above the centre.
    cap = trend([[centre[0] + 150, centre[1], deposit.surface - 10]])[0]
    blanket = trend([[centre[0] + 150, centre[1], deposit.surface - 55]])[0]
    assert cap < blanket
    # The random field is a mean-one multiplier: the block mean is close to the trend's.
    mean_ratio = truth["cu_pct"].values.mean() / trend(GRID.centroids()).mean()
    assert mean_ratio == pytest.approx(1.0, abs=0.15)
    np.testing.assert_allclose(
        truth_at(GRID.centroids()[:5], deposit, field), truth["cu_pct"].values.ravel()[:5]
    )


def test_drill_campaign_samples_the_truth():
    _, deposit, field = synthetic_porphyry_deposit(GRID, seed=2)
    collar, survey, assay = synthetic_drill_campaign(
        deposit, field, spacing=200.0, length=300.0, assay_sd=0.0, seed=4
    )
    assert len(collar) == 16
    assert (survey["dip"] < 0).all()
    assert len(assay) == 16 * 150
    first = assay.iloc[0]
    mid = (first["from"] + first["to"]) / 2
    point = collar.loc[0, ["easting", "northing", "elevation"]].to_numpy(dtype=float)
    direction = np.array(
        [np.sin(np.radians(45)) * 0.5, np.cos(np.radians(45)) * 0.5, -np.sqrt(3) / 2]
    )
    expected = truth_at([point + mid * direction], deposit, field)[0]
    assert first["cu_pct"] == pytest.approx(expected, abs=1e-4)
    with pytest.raises(ValidationError, match="dip must be negative"):
        synthetic_drill_campaign(deposit, field, dip=30.0)


def test_porphyry_generator_matches_published_statistics():
    table = porphyry_grade_tonnage(seed=0)
    assert table["ore_t"].median() == pytest.approx(241e6, rel=0.001)
    assert table["cu_pct"].median() == pytest.approx(0.44, rel=0.001)
    p10, p90 = np.percentile(table["ore_t"], [10, 90]) / 1e6
    assert p10 == pytest.approx(34, rel=0.15)
    assert p90 == pytest.approx(1438, rel=0.15)
    assert isinstance(PorphyryDeposit().peak_grade, float)


def test_the_bundled_topography_is_the_generators():
    """``datasets/data/demo/topography.csv`` is ``synthetic_topography()`` to its 0.1 m, and
    every collar of the demo campaign lies on the valley floor."""
    from bornite.datasets import demo_dir, synthetic_topography  # noqa: PLC0415

    bundled = pd.read_csv(demo_dir() / "topography.csv")
    made = synthetic_topography()
    np.testing.assert_allclose(bundled.to_numpy(), made.to_numpy(), atol=0.05)
    deposit = PorphyryDeposit()
    east, north = np.meshgrid(np.arange(150.0, 851.0, 80.0), np.arange(150.0, 851.0, 80.0))
    r = np.hypot(east - deposit.centre[0], north - deposit.centre[1])
    assert r.max() < 520.0  # inside the flat valley floor
    assert made["elevation"].min() == deposit.surface
    assert 250.0 < made["elevation"].max() < 400.0
