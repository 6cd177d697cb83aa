"""Top cuts and cell declustering."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bornite.drillholes import cell_declustering, top_cut
from bornite.errors import ValidationError


def test_top_cut_by_value_reports_metal_removed():
    table = pd.DataFrame(
        {"from": [0.0, 2.0, 4.0], "to": [2.0, 4.0, 5.0], "cu_pct": [0.5, 10.0, np.nan]}
    )
    capped, report = top_cut(table, "cu_pct", value=4.0)
    assert capped["cu_pct"].tolist()[:2] == [0.5, 4.0]
    assert np.isnan(capped["cu_pct"].iloc[2])
    assert report.n_cut == 1
    assert report.metal_before == pytest.approx(21.0)
    assert report.metal_removed == pytest.approx(12.0)
    assert report.fraction_removed == pytest.approx(12.0 / 21.0)
    assert table["cu_pct"].iloc[1] == 10.0  # input untouched


def test_top_cut_by_percentile():
    table = pd.DataFrame({"cu_pct": np.arange(1.0, 101.0)})
    capped, report = top_cut(table, "cu_pct", percentile=99, length=None)
    assert report.threshold == pytest.approx(np.percentile(np.arange(1.0, 101.0), 99))
    assert report.n_cut == 1
    assert capped["cu_pct"].max() == pytest.approx(report.threshold)
    with pytest.raises(ValidationError, match="exactly one"):
        top_cut(table, "cu_pct")


def test_cell_declustering_downweights_clusters():
    rng = np.random.default_rng(7)
    grid = np.array([(x, y) for x in range(0, 100, 10) for y in range(0, 100, 10)], float)
    cluster = rng.uniform(0, 10, size=(100, 2))  # dense high-grade drilling in one corner
    samples = pd.DataFrame(np.vstack([grid, cluster]), columns=["easting", "northing"])
    samples["cu_pct"] = np.r_[np.full(100, 0.3), np.full(100, 2.0)]
    result = cell_declustering(
        samples, "cu_pct", [1, 5, 10, 20, 50, 1000], coordinates=("easting", "northing")
    )
    assert result.naive_mean == pytest.approx(1.15)
    assert result.mean < 0.5
    assert result.cell_size in (10.0, 20.0)
    assert result.weights.mean() == pytest.approx(1.0)
    assert result.weights[100:].mean() < result.weights[:100].mean()
    assert result.summary["cell_size"].tolist() == [1, 5, 10, 20, 50, 1000]
    # one huge cell gives equal weights: the naive mean
    assert result.summary["mean"].iloc[-1] == pytest.approx(1.15)
