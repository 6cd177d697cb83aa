"""Ranked targets from a thresholded prospectivity map."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bornite.errors import ValidationError
from bornite.prospectivity.grid import RasterGrid
from bornite.prospectivity.targets import TARGET_COLUMNS, extract_targets

GRID = RasterGrid((0.0, 1000.0), (100.0, 100.0), (10, 10))


def _map():
    p = np.full(GRID.shape, 0.1)
    p[1:3, 1:4] = 0.6  # 6 cells, max 0.9 below
    p[1, 1] = 0.9
    p[6:9, 6:9] = 0.7  # 9 cells
    p[9, 0] = 0.95  # a single cell
    p[0, 9] = np.nan
    return GRID.layer(p)


def test_targets_are_connected_ranked_and_described():
    deposits = pd.DataFrame(
        {
            "name": ["A", "B", "C"],
            "easting": [150.0, 750.0, 5000.0],
            "northing": [850.0, 250.0, 0.0],
        }
    )
    table, labels = extract_targets(_map(), threshold=0.5, deposits=deposits)
    assert tuple(table.columns) == TARGET_COLUMNS
    assert table["target_id"].tolist() == [1, 2, 3]
    assert table["max_probability"].tolist() == pytest.approx([0.95, 0.9, 0.7])
    assert table["n_cells"].tolist() == [1, 6, 9]
    assert table["area_km2"].tolist() == pytest.approx([0.01, 0.06, 0.09])
    assert table.loc[1, "mean_probability"] == pytest.approx((5 * 0.6 + 0.9) / 6)
    assert table.loc[2, "centroid_easting"] == pytest.approx(750.0)
    assert table.loc[2, "centroid_northing"] == pytest.approx(250.0)
    assert table["deposits"].tolist() == ["", "A", "B"]
    assert table["n_deposits"].tolist() == [0, 1, 1]
    by_cell, _ = extract_targets(
        _map(), threshold=0.5, deposits=pd.DataFrame({"row": [1, 7, 99], "col": [1, 7, 0]})
    )
    assert by_cell["n_deposits"].tolist() == [0, 1, 1]
    # The label raster carries the ids; NaN stays nodata, 0 is outside every target.
    assert labels.dims == ("northing", "easting")
    assert (labels.values == 3).sum() == 9
    assert np.isnan(labels.values[0, 9])
    assert labels.values[5, 5] == 0
    assert labels.attrs["threshold"] == 0.5


def test_ranking_criteria_min_cells_and_connectivity():
    by_area, _ = extract_targets(_map(), threshold=0.5, rank_by="area")
    assert by_area["n_cells"].tolist() == [9, 6, 1]
    big, _ = extract_targets(_map(), threshold=0.5, min_cells=2)
    assert big["n_cells"].tolist() == [6, 9]
    diagonal = GRID.layer(np.eye(10)[::-1] * 0.9)
    assert len(extract_targets(diagonal, threshold=0.5, connectivity=8)[0]) == 1
    assert len(extract_targets(diagonal, threshold=0.5, connectivity=4)[0]) == 10


def test_top_fraction_keeps_that_share_of_the_area():
    rng = np.random.default_rng(0)
    layer = GRID.layer(rng.uniform(size=GRID.shape))
    table, labels = extract_targets(layer, top_fraction=0.1)
    assert table["n_cells"].sum() == 10
    assert (labels.values > 0).sum() == 10


def test_bad_arguments_are_explained():
    with pytest.raises(ValidationError, match="exactly one"):
        extract_targets(_map())
    with pytest.raises(ValidationError, match="top_fraction"):
        extract_targets(_map(), top_fraction=1.5)
    with pytest.raises(ValidationError, match="rank_by"):
        extract_targets(_map(), threshold=0.5, rank_by="size")  # type: ignore[arg-type]


def test_no_cell_above_the_threshold_gives_an_empty_table():
    table, labels = extract_targets(_map(), threshold=0.99)
    assert table.empty
    assert tuple(table.columns) == TARGET_COLUMNS
    assert np.nanmax(labels.values) == 0
