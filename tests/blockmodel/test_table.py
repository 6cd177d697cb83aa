"""A regular block model from a table of centroids: padding, topography, in-situ fraction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bornite.blockmodel import BlockGrid, below_surface, model_from_table
from bornite.errors import ValidationError
from bornite.pit import PitEconomics, block_values

TABLE = pd.DataFrame(
    {"easting": [5.0, 15.0], "northing": [5.0, 5.0], "elevation": [2.5, 7.5], "cu_pct": [1, 2]}
)


def test_the_grid_is_rebuilt_and_off_grid_rows_refused():
    model = model_from_table(TABLE, (10.0, 10.0, 5.0))
    assert dict(model.sizes) == {"easting": 2, "northing": 1, "elevation": 2}
    assert int(model["present"].sum()) == 2
    assert np.isnan(model["cu_pct"].values).sum() == 2
    assert "below_surface" not in model
    with pytest.raises(ValidationError, match="not on a regular grid of 4 x 10 x 5 m"):
        model_from_table(TABLE, (4.0, 10.0, 5.0))
    with pytest.raises(ValidationError, match="one row per block"):
        model_from_table(pd.concat([TABLE, TABLE]), (10.0, 10.0, 5.0))
    with pytest.raises(ValidationError, match="pad must be"):
        model_from_table(TABLE, (10.0, 10.0, 5.0), pad=-1.0)


def test_a_flat_surface_raises_the_grid_with_whole_benches():
    # up to 22 m: the grid (top at 10 m) grows by three 5 m benches (top 25 m)
    raised = model_from_table(TABLE, (10.0, 10.0, 5.0), surface=22.0)
    assert raised.sizes["elevation"] == 5
    assert float(raised["elevation"].max()) == pytest.approx(22.5)
    assert not raised["present"].values[:, :, 2:].any()
    np.testing.assert_allclose(raised["below_surface"].values[0, 0], [1, 1, 1, 1, 0.4])


def test_padding_and_a_sloping_surface():
    def surface(east, north):
        return 10.0 + 0.5 * np.asarray(east)  # rises eastward

    model = model_from_table(TABLE, (10.0, 10.0, 5.0), surface=surface, pad=15.0)
    # 15 m of padding is two 10 m blocks each side in easting and northing
    assert (model.sizes["easting"], model.sizes["northing"]) == (6, 5)
    assert float(model["easting"].min()) == pytest.approx(5.0 - 20.0)
    # the rows keep their places
    assert model["cu_pct"].sel(easting=5.0, northing=5.0, elevation=2.5).item() == 1.0
    fraction = model["below_surface"].values
    grid = BlockGrid.from_dataset(model)
    tops = 10.0 + 0.5 * grid.axis(0)
    bottoms = grid.origin[2] + 5.0 * np.arange(grid.shape[2])
    expected = np.clip((tops[:, None] - bottoms[None, :]) / 5.0, 0, 1)
    np.testing.assert_allclose(fraction[:, 0, :], expected)
    # the grid reaches the highest point of the surface
    assert grid.origin[2] + grid.shape[2] * 5.0 >= tops.max()
    np.testing.assert_allclose(below_surface(grid, surface), fraction)


def test_air_costs_nothing_and_a_cut_block_counts_its_fraction():
    def surface(east, north):  # a step: 7.5 m to the west, 4 m to the east
        return np.where(np.asarray(east) < 10.0, 7.5, 4.0)

    model = model_from_table(TABLE, (10.0, 10.0, 5.0), surface=surface)
    economics = PitEconomics({"cu": 9000.0}, recovery=0.9, mining_cost=2.0)
    full = block_values(model, economics, density=2.5)
    cut = block_values(model, economics, density=2.5, in_situ="below_surface")
    fraction = model["below_surface"].values
    np.testing.assert_allclose(cut["tonnes"].values, full["tonnes"].values * fraction)
    np.testing.assert_allclose(
        cut["mining_cost_usd"].values, full["mining_cost_usd"].values * fraction
    )
    air = fraction == 0
    assert air.any()
    assert (cut["value_usd"].values[air] == 0).all()
    half = np.isclose(fraction, 0.5)
    assert half.any()
    with pytest.raises(ValidationError, match="no in-situ fraction variable"):
        block_values(model, economics, in_situ="rock")
