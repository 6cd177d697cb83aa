"""End to end on the synthetic porphyry: drill campaign -> composites -> variogram ->
block kriging -> grade-tonnage curve against the known truth."""

from __future__ import annotations

import numpy as np
import pytest

from bornite.blockmodel import BlockGrid, estimate_blocks, grade_tonnage_curve
from bornite.datasets import block_truth, synthetic_drill_campaign, synthetic_porphyry_deposit
from bornite.drillholes import DrillholeDatabase, composite, desurvey_intervals
from bornite.geostats import (
    OrdinaryKriging,
    SearchNeighbourhood,
    experimental_variogram,
    fit_variogram,
)


def test_kriged_grade_tonnage_tracks_the_truth():
    grid = BlockGrid((0.0, 0.0, -500.0), (50.0, 50.0, 25.0), (20, 20, 20))
    _, deposit, field = synthetic_porphyry_deposit(grid, seed=5)
    collar, survey, assay = synthetic_drill_campaign(
        deposit,
        field,
        spacing=80.0,
        extent=(100.0, 900.0, 100.0, 900.0),
        length=560.0,
        sample_length=2.0,
        seed=6,
    )
    db = DrillholeDatabase(collar=collar, survey=survey, intervals=assay)
    composites = composite(db, 10.0)
    located = desurvey_intervals(db, composites)
    xyz = located[["easting", "northing", "elevation"]].to_numpy()
    values = located["cu_pct"].to_numpy()
    keep = np.isfinite(values) & (xyz[:, 2] >= -500.0)
    xyz, values = xyz[keep], values[keep]
    experimental = experimental_variogram(xyz, values, lag=25.0, n_lags=12)
    model = fit_variogram(experimental, kinds=("spherical",))
    kriging = OrdinaryKriging(
        model,
        neighbourhood=SearchNeighbourhood(ranges=(250.0, 250.0, 250.0), max_samples=24),
        block_size=grid.block_size,
        discretisation=(2, 2, 2),
    ).fit(xyz, values)
    estimate = estimate_blocks(grid, kriging, prefix="cu_")
    estimate["cu_pct"] = estimate["cu_estimate"]
    # Compare inside the drilled volume (the campaign's footprint and depth).
    c = grid.centroids()
    inside = (
        (c[:, 0] > 100) & (c[:, 0] < 900) & (c[:, 1] > 100) & (c[:, 1] < 900) & (c[:, 2] > -470)
    ).reshape(grid.shape)
    truth = grid.dataset(cu_pct=block_truth(grid, deposit, field))
    true_curve = grade_tonnage_curve(truth.where(inside), "cu_pct", [0.2, 0.4], density=2.7)
    kriged_curve = grade_tonnage_curve(estimate.where(inside), "cu_pct", [0.2, 0.4], density=2.7)
    # Stated tolerance, for 80 m drill spacing and 50 x 50 x 25 m blocks: contained metal
    # within 12 %, mean grade within 10 %, tonnes within 25 % (kriging smooths: more tonnes
    # at lower grade above a cutoff, the classic conditional bias).
    for row in (0, 1):
        k, t = kriged_curve.loc[row], true_curve.loc[row]
        assert k["metal_t"] == pytest.approx(t["metal_t"], rel=0.12)
        assert k["grade"] == pytest.approx(t["grade"], rel=0.10)
        assert k["tonnes"] == pytest.approx(t["tonnes"], rel=0.25)
