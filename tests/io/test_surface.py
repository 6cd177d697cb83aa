"""Topographic surfaces from survey points and elevation models."""

from __future__ import annotations

import numpy as np
import pytest

from bornite.errors import DataFileError
from bornite.io import read_surface


def test_points_interpolate_linearly_and_hold_the_nearest_beyond(tmp_path):
    path = tmp_path / "topo.csv"
    path.write_text("Easting, Northing, Elevation\n0,0,100\n100,0,110\n0,100,120\n100,100,130\n")
    surface = read_surface(path)
    z = surface(np.array([50.0, 0.0, 1000.0]), np.array([50.0, 50.0, 0.0]))
    # planar data: linear interpolation is exact; beyond the hull, the nearest point (100, 0)
    np.testing.assert_allclose(z, [115.0, 110.0, 110.0])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("e,n,z\n0,0,1\n1,0,1\n0,1,1\n", "needs columns easting, northing, elevation"),
        ("easting,northing,elevation\n0,0,1\n1,0,x\n0,1,1\n", r"rows \[2\]"),
        ("easting,northing,elevation\n0,0,1\n0,0,2\n1,0,1\n0,1,1\n", "repeat"),
        ("easting,northing,elevation\n0,0,1\n1,0,1\n", "at least 3 points"),
        ("easting,northing,elevation\n0,0,1\n1,1,1\n2,2,1\n", "on a line"),
    ],
)
def test_bad_surveys_are_refused_naming_the_file(tmp_path, text, message):
    path = tmp_path / "topo.csv"
    path.write_text(text)
    with pytest.raises(DataFileError, match=message) as error:
        read_surface(path)
    assert "topo.csv" in str(error.value)


def test_an_elevation_model(tmp_path):
    pytest.importorskip("rasterio")
    from bornite.io import raster_template, write_raster  # noqa: PLC0415

    dem = raster_template(0.0, 100.0, 10.0, (10, 10), crs="EPSG:32645")
    dem.values[:] = np.tile(np.arange(10.0) * 10.0 + 5.0, (10, 1))  # elevation = easting
    write_raster(dem, tmp_path / "dem.tif")
    surface = read_surface(tmp_path / "dem.tif")
    z = surface(np.array([25.0, 50.0, 500.0]), np.array([50.0, 50.0, 50.0]))
    np.testing.assert_allclose(z, [25.0, 50.0, 95.0])
