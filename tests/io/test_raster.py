"""GeoTIFF grids (bornite.io.raster) and vector points on grids (bornite.io.vector)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from bornite.errors import DataFileError, OutputExistsError, ValidationError

rasterio = pytest.importorskip("rasterio")
gpd = pytest.importorskip("geopandas")

from bornite.io.raster import (  # noqa: E402
    align,
    check_aligned,
    grid_transform,
    raster_template,
    read_raster,
    write_raster,
)
from bornite.io.vector import points_to_cells, read_points, read_vector  # noqa: E402

CRS = "EPSG:7845"


def _write_int_tif(path, values, nodata=-1, crs=CRS, west=1000.0, north=9000.0, size=100.0):
    transform = rasterio.Affine(size, 0.0, west, 0.0, -size, north)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=values.shape[0],
        width=values.shape[1],
        count=1,
        dtype=values.dtype.name,
        crs=crs,
        transform=transform,
        nodata=nodata,
    ) as dst:
        dst.write(values, 1)
    return path


def test_read_raster_follows_the_grid_convention(tmp_path):
    values = np.arange(12, dtype=np.int32).reshape(3, 4)
    values[0, 0] = -1
    grid = read_raster(_write_int_tif(tmp_path / "a.tif", values))
    assert grid.dims == ("northing", "easting")
    assert grid.attrs["crs"] == CRS
    assert grid.attrs["cell_size"] == (100.0, 100.0)
    assert grid["easting"].values.tolist() == [1050.0, 1150.0, 1250.0, 1350.0]
    assert grid["northing"].values.tolist() == [8950.0, 8850.0, 8750.0]
    assert grid.dtype == np.float64
    assert np.isnan(grid.values[0, 0])
    assert grid.values[2, 3] == 11.0
    raw = read_raster(tmp_path / "a.tif", masked=False)
    assert raw.dtype == np.int32
    assert raw.attrs["nodata"] == -1.0
    small = read_raster(_write_int_tif(tmp_path / "b.tif", values.astype(np.int16)))
    assert small.dtype == np.float32


def test_write_then_read_round_trips(tmp_path):
    grid = raster_template(500.0, 2000.0, (50.0, 50.0), (4, 6), crs=CRS)
    grid.values[:] = np.linspace(0, 1, 24).reshape(4, 6)
    grid.values[1, 2] = np.nan
    path = write_raster(grid, tmp_path / "out.tif")
    back = read_raster(path)
    np.testing.assert_array_equal(back.values, grid.values)
    assert grid_transform(back) == grid_transform(grid)
    assert back.attrs["crs"] == CRS
    with pytest.raises(OutputExistsError, match="overwrite"):
        write_raster(grid, path)
    write_raster(grid, path, overwrite=True)
    codes = grid.fillna(255).astype(np.uint8)
    codes.attrs["nodata"] = 255
    back = read_raster(write_raster(codes, tmp_path / "codes.tif"), masked=False)
    assert back.dtype == np.uint8
    assert back.attrs["nodata"] == 255.0
    codes.attrs["nodata"] = float("nan")  # carried over from a float layer
    with pytest.raises(ValidationError, match="does not fit the layer's uint8"):
        write_raster(codes, tmp_path / "bad.tif")
    assert not (tmp_path / "bad.tif").exists()


def test_read_raster_errors(tmp_path):
    with pytest.raises(DataFileError, match="not found"):
        read_raster(tmp_path / "missing.tif")
    (tmp_path / "junk.tif").write_text("not a raster")
    with pytest.raises(DataFileError, match="not a readable raster"):
        read_raster(tmp_path / "junk.tif")
    path = _write_int_tif(tmp_path / "a.tif", np.zeros((2, 2), dtype=np.int32))
    with pytest.raises(DataFileError, match="band 2"):
        read_raster(path, band=2)


def test_check_aligned_refuses_mismatches():
    base = raster_template(0.0, 1000.0, 10.0, (100, 100), crs=CRS)
    check_aligned(base, base.copy())
    with pytest.raises(ValidationError, match="CRS"):
        check_aligned(base, raster_template(0.0, 1000.0, 10.0, (100, 100), crs="EPSG:3577"))
    with pytest.raises(ValidationError, match="cells of 20"):
        check_aligned(base, raster_template(0.0, 1000.0, 20.0, (50, 50), crs=CRS))
    with pytest.raises(ValidationError, match="offset"):
        check_aligned(base, raster_template(5.0, 1000.0, 10.0, (100, 100), crs=CRS))
    with pytest.raises(ValidationError, match="cells but layer 1"):
        check_aligned(base, raster_template(0.0, 1000.0, 10.0, (90, 100), crs=CRS))


def test_align_resamples_same_crs_with_an_explicit_method():
    coarse = raster_template(0.0, 40.0, 20.0, (2, 2), crs=CRS)
    coarse.values[:] = [[1.0, 2.0], [3.0, 4.0]]
    fine = raster_template(0.0, 40.0, 10.0, (4, 4), crs=CRS)
    nearest = align(coarse, fine, resampling="nearest")
    np.testing.assert_array_equal(nearest.values[:2, :2], 1.0)
    np.testing.assert_array_equal(nearest.values[2:, 2:], 4.0)
    assert nearest.attrs["resampling"] == "nearest"
    check_aligned(nearest, fine)
    back = align(nearest, coarse, resampling="average")
    np.testing.assert_allclose(back.values, coarse.values)
    with pytest.raises(ValidationError, match="resampling must be one of"):
        align(coarse, fine, resampling="spline")
    other = raster_template(0.0, 40.0, 10.0, (4, 4), crs="EPSG:3577")
    with pytest.raises(ValidationError, match="does not reproject"):
        align(coarse, other, resampling="nearest")
    with pytest.raises(TypeError):
        align(coarse, fine)  # type: ignore[call-arg]  # the method is never implicit


def test_points_to_cells_counts_and_refuses_outside_points():
    grid = raster_template(0.0, 300.0, 100.0, (3, 3), crs=CRS)
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(
            [50.0, 60.0, 299.9, 300.0, 0.0], [250.0, 240.0, 0.1, 0.0, 300.0]
        ),
        crs=CRS,
    )
    counts = points_to_cells(points, grid)
    assert counts.dtype == np.uint16
    assert counts.values.tolist() == [[3, 0, 0], [0, 0, 0], [0, 0, 2]]
    assert counts.attrs["shared_cells"] == 2
    assert counts.attrs["rows"].tolist() == [0, 0, 2, 2, 0]
    outside = pd.concat(
        [points, gpd.GeoDataFrame(geometry=gpd.points_from_xy([350.0], [100.0]), crs=CRS)],
        ignore_index=True,
    )
    with pytest.raises(ValidationError, match=r"1 of 6 points lie outside the grid.*#5"):
        points_to_cells(outside, grid)
    dropped = points_to_cells(outside, grid, outside="drop")
    assert dropped.attrs["points_outside"] == 1
    assert int(dropped.sum()) == 5
    with pytest.raises(ValidationError, match="to_crs"):
        points_to_cells(points.set_crs("EPSG:3577", allow_override=True), grid)
    table = pd.DataFrame({"easting": [150.0], "northing": [150.0]})
    assert int(points_to_cells(table, grid).values[1, 1]) == 1


def test_read_vector_kinds_and_errors(tmp_path):
    points = gpd.GeoDataFrame(
        {"name": ["a", "b"]}, geometry=gpd.points_from_xy([1.0, 2.0], [3.0, 4.0]), crs=CRS
    )
    path = tmp_path / "deposits.geojson"
    points.to_file(path, driver="GeoJSON")
    frame = read_points(path)
    assert len(frame) == 2
    assert frame.attrs["crs"] == CRS
    with pytest.raises(DataFileError, match="expected polygon"):
        read_vector(path, geometry="polygon")
    gpkg = tmp_path / "deposits.gpkg"
    points.to_file(gpkg, layer="iocg", driver="GPKG")
    assert len(read_points(gpkg, layer="iocg")) == 2
    with pytest.raises(DataFileError, match="not found"):
        read_vector(tmp_path / "none.shp")
    (tmp_path / "bad.geojson").write_text("{not json")
    with pytest.raises(DataFileError, match="not a readable vector"):
        read_vector(tmp_path / "bad.geojson")


@pytest.mark.shared_data
def test_reads_the_ga_rasters_and_deposits(shared_data):
    folder = shared_data / "prospectivity" / "ga_mpm_wofe_cloncurry_iocg"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    grid = read_raster(folder / "CalculateWeights" / "StratNo.tif")
    assert grid.shape == (2487, 1259)
    assert grid.attrs["crs"] == "EPSG:7845"
    assert grid.attrs["cell_size"] == (100.0, 100.0)
    points = read_points(folder / "deposits" / "IOCG_Deposits.shp")
    counts = points_to_cells(points, grid)
    assert int(counts.sum()) == 258
    assert int((counts > 0).sum()) == 252
    check_aligned(grid, read_raster(folder / "CalculateResponse" / "StratNo.tif"))
    assert isinstance(grid, xr.DataArray)


def test_lazy_reading_gives_the_same_grid(tmp_path):
    pytest.importorskip("dask")
    values = np.arange(60, dtype=np.int16).reshape(6, 10)
    values[2, 3] = -1
    path = _write_int_tif(tmp_path / "lazy.tif", values)
    eager = read_raster(path)
    lazy = read_raster(path, chunk_rows=4)
    assert lazy.data.chunks == ((4, 2), (10,))
    assert lazy.dtype == eager.dtype == np.float32
    np.testing.assert_array_equal(lazy.values, eager.values)
    raw = read_raster(path, masked=False, chunk_rows=5)
    assert raw.dtype == np.int16
    assert raw.attrs["nodata"] == -1.0
    np.testing.assert_array_equal(raw.values, values)
    with pytest.raises(ValidationError, match="chunk_rows"):
        read_raster(path, chunk_rows=0)


def test_read_vector_lines_and_polygons(tmp_path):
    from shapely.geometry import LineString, Polygon  # noqa: PLC0415

    faults = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (10, 10)])], crs=CRS)
    faults.to_file(tmp_path / "faults.shp")
    units = gpd.GeoDataFrame(
        {"unit": ["granite"]}, geometry=[Polygon([(0, 0), (5, 0), (5, 5)])], crs=CRS
    )
    units.to_file(tmp_path / "geology.gpkg", layer="units", driver="GPKG")
    assert read_vector(tmp_path / "faults.shp", geometry="line").geom_type.tolist() == [
        "LineString"
    ]
    polygons = read_vector(tmp_path / "geology.gpkg", layer="units", geometry="polygon")
    assert polygons["unit"].tolist() == ["granite"]
    with pytest.raises(DataFileError, match="expected point"):
        read_points(tmp_path / "faults.shp")
