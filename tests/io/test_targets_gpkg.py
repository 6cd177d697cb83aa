"""Target regions written as GeoPackage polygons."""

from __future__ import annotations

import numpy as np
import pytest

from bornite.io import read_vector, write_targets
from bornite.prospectivity import RasterGrid, extract_targets

pytest.importorskip("geopandas", reason="the geo extra (geopandas, rasterio) is not installed")


def test_targets_round_trip_as_polygons(tmp_path):
    grid = RasterGrid((1000.0, 5000.0), (100.0, 100.0), (4, 5), crs="EPSG:32645")
    p = grid.layer(
        [
            [0.9, 0.8, 0.1, 0.1, 0.1],
            [0.7, 0.1, 0.1, 0.1, 0.1],
            [0.1, 0.1, 0.1, 0.6, 0.6],
            [0.1, 0.1, 0.6, 0.6, np.nan],
        ]
    )
    table, labels = extract_targets(p, threshold=0.5)
    path = write_targets(labels, table, tmp_path / "targets.gpkg")
    back = read_vector(path, geometry="polygon").sort_values("target_id")
    assert back["target_id"].tolist() == [1, 2]
    # Polygon areas are the cells' areas: 3 and 4 cells of 100 m x 100 m.
    np.testing.assert_allclose(back.geometry.area.to_numpy(), [30_000.0, 40_000.0])
    assert back.crs.to_epsg() == 32645
    assert back["n_cells"].tolist() == [3, 4]


def test_a_failed_write_keeps_the_earlier_file(tmp_path, monkeypatch):
    import geopandas  # noqa: PLC0415

    from bornite.errors import DataFileError  # noqa: PLC0415

    grid = RasterGrid((0.0, 0.0), (100.0, 100.0), (2, 2), crs="EPSG:32645")
    table, labels = extract_targets(grid.layer([[0.9, 0.1], [0.1, 0.1]]), threshold=0.5)
    path = write_targets(labels, table, tmp_path / "targets.gpkg")
    before = path.read_bytes()

    def broken(self, filename, *args, **kwargs):
        with open(filename, "wb") as handle:
            handle.write(b"half a file")
        raise RuntimeError("disk full")

    monkeypatch.setattr(geopandas.GeoDataFrame, "to_file", broken)
    with pytest.raises(DataFileError, match=r"targets.gpkg: could not write the GeoPackage"):
        write_targets(labels, table, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["targets.gpkg"]
