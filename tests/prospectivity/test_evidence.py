"""Evidence layers: distances, densities, polygons, interpolation, classes, the grid."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import xarray as xr

from bornite.errors import ValidationError
from bornite.geostats import Structure, VariogramModel
from bornite.prospectivity.evidence import (
    classify,
    distance_to_lines,
    distance_to_polygon_boundaries,
    interpolate_samples,
    line_density,
    point_density,
    rasterize_polygons,
    within_distance,
)
from bornite.prospectivity.grid import RasterGrid, grid_of, stack_layers

GRID = RasterGrid((1000.0, 5000.0), (100.0, 100.0), (30, 40), crs="EPSG:32719")


def _brute_distance(points, vertices):
    best = np.full(len(points), np.inf)
    for a, b in itertools.pairwise(vertices):
        for k, p in enumerate(points):
            # dense sampling of the segment: an upper bound close to the exact distance
            t = np.linspace(0.0, 1.0, 2001)[:, None]
            best[k] = min(best[k], np.hypot(*(a + t * (b - a) - p).T).min())
    return best


def test_grid_follows_the_raster_convention():
    layer = GRID.layer(name="x")
    assert layer.dims == ("northing", "easting")
    assert np.all(np.diff(layer["northing"].values) < 0)
    assert layer.attrs["crs"] == "EPSG:32719"
    assert layer.attrs["cell_size"] == (100.0, 100.0)
    assert grid_of(layer) == GRID
    assert GRID.bounds == (1000.0, 2000.0, 5000.0, 5000.0)
    row, col = GRID.cell_index([1050.0, 4999.0, 999.0], [4990.0, 2001.0, 3000.0])
    assert row.tolist() == [0, 29, -1]
    assert col.tolist() == [0, 39, -1]
    covering = RasterGrid.from_bounds(1000.0, 2000.0, 4950.0, 5000.0, 100.0, crs="EPSG:32719")
    assert covering == GRID
    blocks = list(GRID.row_blocks(7))
    assert sum(b.stop - b.start for b in blocks) == 30
    np.testing.assert_array_equal(GRID.centres(blocks[1]), GRID.centres()[7 * 40 : 14 * 40])


def test_grid_rejects_bad_specifications_and_layers():
    with pytest.raises(ValidationError, match="cell_size"):
        RasterGrid((0.0, 0.0), (0.0, 10.0), (2, 2))
    with pytest.raises(ValidationError, match="shape"):
        RasterGrid((0.0, 0.0), (10.0, 10.0), (0, 2))
    flipped = GRID.layer().isel(northing=slice(None, None, -1))
    with pytest.raises(ValidationError, match="decreasing"):
        grid_of(flipped)
    with pytest.raises(ValidationError, match="dims"):
        grid_of(GRID.layer().transpose())
    other = RasterGrid((0.0, 5000.0), (100.0, 100.0), (30, 40)).layer()
    with pytest.raises(ValidationError, match="differs"):
        stack_layers({"a": GRID.layer(), "b": other})


def test_exact_distance_matches_brute_force_and_raster_is_within_half_a_diagonal():
    fault = np.array([[1200.0, 4800.0], [2500.0, 3100.0], [4700.0, 2900.0]])
    exact = distance_to_lines(GRID, [fault], chunk_rows=3)
    rng = np.random.default_rng(0)
    idx = rng.choice(GRID.n_cells, 25, replace=False)
    expected = _brute_distance(GRID.centres()[idx], fault)
    np.testing.assert_allclose(exact.values.ravel()[idx], expected, atol=0.2)
    raster = distance_to_lines(GRID, [fault], method="raster")
    half_diagonal = 0.5 * np.hypot(100.0, 100.0)
    assert np.abs(raster.values - exact.values).max() <= half_diagonal + 1e-9
    assert exact.attrs["kind"] == "continuous"


def test_signed_distance_to_polygon_boundary():
    square = np.array([[2000.0, 2500.0], [3000.0, 2500.0], [3000.0, 3500.0], [2000.0, 3500.0]])
    d = distance_to_polygon_boundaries(GRID, [square], signed=True)
    assert float(d.sel(easting=2450.0, northing=2950.0)) == pytest.approx(-450.0)
    assert float(d.sel(easting=1850.0, northing=2950.0)) == pytest.approx(150.0)
    unsigned = distance_to_polygon_boundaries(GRID, [square])
    np.testing.assert_allclose(unsigned.values, np.abs(d.values))


def test_rasterize_polygons_later_polygons_win_and_categories_are_kept():
    big = np.array([[1000.0, 2000.0], [5000.0, 2000.0], [5000.0, 5000.0], [1000.0, 5000.0]])
    small = np.array([[2000.0, 3000.0], [2500.0, 3000.0], [2500.0, 3500.0], [2000.0, 3500.0]])
    geology = rasterize_polygons(GRID, [big, small], values=[1.0, 2.0], categories=["a", "b"])
    assert set(np.unique(geology.values)) == {1.0, 2.0}
    assert (geology.values == 2.0).sum() == 25  # 5 x 5 cells of 100 m
    assert geology.attrs["kind"] == "categorical"
    assert geology.attrs["categories"] == ["a", "b"]
    with pytest.raises(ValidationError, match="one value per polygon"):
        rasterize_polygons(GRID, [big], values=[1.0, 2.0])


def test_line_density_of_a_straight_line_matches_its_length_per_area():
    grid = RasterGrid((0.0, 10_000.0), (100.0, 100.0), (100, 100))
    line = np.array([[0.0, 5050.0], [10_000.0, 5050.0]])
    density = line_density(grid, [line], radius=1000.0)
    # Away from the edges a window of radius r holds a chord of length 2r through its centre:
    # 2 r / (pi r^2) per m, i.e. 2 / (pi * 1 km) km/km^2.
    centre = float(density.sel(easting=5050.0, northing=5050.0))
    assert centre == pytest.approx(2.0 / np.pi, rel=0.05)
    assert float(density.sel(easting=5050.0, northing=8050.0)) == pytest.approx(0.0, abs=1e-9)
    assert density.attrs["units"] == "km/km^2"


def test_point_density_count_and_gaussian_kernels():
    grid = RasterGrid((0.0, 5000.0), (100.0, 100.0), (50, 50))
    points = np.array([[2550.0, 2550.0], [2600.0, 2500.0]])
    count = point_density(grid, points, 500.0)
    assert float(count.sel(easting=2550.0, northing=2550.0)) == pytest.approx(2 / (np.pi * 0.25))
    gauss = point_density(grid, points, 300.0, kernel="gaussian", chunk_rows=7)
    # The Gaussian kernel integrates to the number of points (per km^2 times cell area).
    assert float(gauss.values.sum()) * grid.cell_area / 1e6 == pytest.approx(2.0, rel=1e-3)
    with pytest.raises(ValidationError, match="kernel"):
        point_density(grid, points, 300.0, kernel="box")  # type: ignore[arg-type]


def test_interpolation_reproduces_samples_and_kriging_works():
    grid = RasterGrid((0.0, 1000.0), (100.0, 100.0), (10, 10))
    xy = np.array([[50.0, 950.0], [950.0, 50.0], [450.0, 450.0]])
    values = np.array([10.0, 100.0, 1000.0])
    idw = interpolate_samples(grid, xy, values, log=True)
    assert float(idw.sel(easting=450.0, northing=450.0)) == pytest.approx(3.0)
    assert idw.attrs["log10"] is True
    model = VariogramModel(0.0, (Structure("spherical", 1.0, 2000.0),))
    kriged = interpolate_samples(grid, xy, values, method="kriging", variogram=model)
    assert float(kriged.sel(easting=950.0, northing=50.0)) == pytest.approx(100.0)
    with pytest.raises(ValidationError, match="variogram"):
        interpolate_samples(grid, xy, values, method="kriging")
    with pytest.raises(ValidationError, match="> 0"):
        interpolate_samples(grid, xy, [0.0, 1.0, 2.0], log=True)


def test_classify_by_breaks_and_quantiles_and_buffers():
    layer = GRID.layer(np.arange(GRID.n_cells, dtype=float))
    layer.values[0, 0] = np.nan
    quartiles = classify(layer, quantiles=4)
    counts = np.bincount(quartiles.values[np.isfinite(quartiles.values)].astype(int))
    assert counts.tolist() == pytest.approx([300, 300, 300, 299], abs=1)
    assert np.isnan(quartiles.values[0, 0])
    assert quartiles.attrs["kind"] == "ordinal"
    classes = classify(layer, breaks=[100.0, 1000.0])
    assert np.unique(classes.values[np.isfinite(classes.values)]).tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(ValidationError, match="exactly one"):
        classify(layer)
    with pytest.raises(ValidationError, match="increasing"):
        classify(layer, breaks=[5.0, 1.0])
    buffer = within_distance(layer, 500.0)
    assert np.nansum(buffer.values) == 500  # cells 1..500
    assert buffer.attrs["kind"] == "binary"


def test_layers_stack_into_a_dataset_with_the_grid_attrs():
    stack = stack_layers({"a": GRID.layer(np.zeros(GRID.shape)), "b": GRID.layer()})
    assert isinstance(stack, xr.Dataset)
    assert stack.attrs["cell_size"] == (100.0, 100.0)
    assert grid_of(stack) == GRID


def test_integer_layers_with_a_nodata_value_become_nan_when_stacked():
    codes = GRID.layer(np.ones(GRID.shape, dtype=np.uint8), attrs={"nodata": 255})
    codes.values[0, 0] = 255
    stack = stack_layers({"geology": codes})
    assert np.isnan(stack["geology"].values[0, 0])
    assert stack["geology"].values[0, 1] == 1.0
    assert stack.attrs["transform"] == GRID.transform
    assert GRID.layer().attrs["transform"] == (100.0, 0.0, 1000.0, 0.0, -100.0, 5000.0)
    assert np.isnan(classify(codes, breaks=[0.5]).values[0, 0])
