"""``bornite prospect wofe``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from bornite.cli import app

rasterio = pytest.importorskip("rasterio")
gpd = pytest.importorskip("geopandas")

runner = CliRunner()
KEYS = {
    "class",
    "area_km2",
    "points",
    "wplus",
    "s_wplus",
    "wminus",
    "s_wminus",
    "contrast",
    "s_contrast",
    "stud_contrast",
}


def _files(folder):
    from bornite.io.raster import raster_template, write_raster  # noqa: PLC0415

    grid = raster_template(0.0, 10_000.0, 500.0, (20, 20), crs="EPSG:7845")
    distance = np.tile(np.arange(20.0), (20, 1))
    grid.values[:] = distance
    write_raster(grid.astype(np.int16).assign_attrs(grid.attrs), folder / "distance.tif")
    rng = np.random.default_rng(0)
    cols = np.concatenate([rng.integers(0, 3, 25), rng.integers(0, 20, 5)])
    rows = rng.integers(0, 20, 30)
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(cols * 500.0 + 250.0, 10_000.0 - rows * 500.0 - 250.0),
        crs="EPSG:7845",
    )
    points.to_file(folder / "deposits.geojson", driver="GeoJSON")
    return folder / "distance.tif", folder / "deposits.geojson"


def test_wofe_prints_the_weights_table_as_json(tmp_path):
    evidence, deposits = _files(tmp_path)
    result = runner.invoke(
        app,
        [
            "prospect",
            "wofe",
            "--evidence",
            str(evidence),
            "--deposits",
            str(deposits),
            "--unit-area",
            "1",
            "--type",
            "ascending",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["kind"] == "wofe"
    assert record["tables"]["weights"]["basis"] == "in-sample"
    records = record["results"]["classes"]
    assert len(records) == 20
    assert set(records[0]) >= KEYS
    assert records[-1]["points"] == 30
    assert records[0]["area_km2"] == pytest.approx(20 * 0.25)
    assert records[0]["wplus"] > 0


def test_wofe_prints_a_table(tmp_path):
    evidence, deposits = _files(tmp_path)
    result = runner.invoke(
        app,
        [
            "prospect",
            "wofe",
            "--evidence",
            str(evidence),
            "--deposits",
            str(deposits),
            "--type",
            "categorical",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "deposits on the evidence" in result.stdout
    assert "30" in result.stdout
    assert "categorical weights" in result.stdout


def test_bad_files_give_one_line_errors(tmp_path):
    evidence, deposits = _files(tmp_path)
    missing = runner.invoke(
        app,
        ["prospect", "wofe", "--evidence", str(tmp_path / "no.tif"), "--deposits", str(deposits)],
    )
    assert missing.exit_code == 1
    assert "raster file not found" in missing.output
    assert "Traceback" not in missing.output
    swapped = runner.invoke(
        app, ["prospect", "wofe", "--evidence", str(evidence), "--deposits", str(evidence)]
    )
    assert swapped.exit_code == 1
    assert "not a readable vector file" in swapped.output
    bad_type = runner.invoke(
        app,
        [
            "prospect",
            "wofe",
            "--evidence",
            str(evidence),
            "--deposits",
            str(deposits),
            "--type",
            "sideways",
        ],
    )
    assert bad_type.exit_code == 2


@pytest.mark.shared_data
def test_wofe_reproduces_ga_fault_density(shared_data):
    folder = shared_data / "prospectivity" / "ga_mpm_wofe_cloncurry_iocg"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    result = runner.invoke(
        app,
        [
            "prospect",
            "wofe",
            "--evidence",
            str(folder / "CalculateWeights" / "FaultDensity.tif"),
            "--deposits",
            str(folder / "deposits" / "IOCG_Deposits.shp"),
            "--unit-area",
            "1",
            "--type",
            "descending",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    ours = pd.DataFrame(json.loads(result.stdout)["results"]["classes"])
    ga = pd.read_csv(folder / "CalculateWeights" / "FaultDensity_CD.csv")
    np.testing.assert_allclose(ours["wplus"], ga["WPLUS"], rtol=1e-13)
    np.testing.assert_allclose(ours["stud_contrast"], ga["STUDC"], rtol=1e-13)
    assert ours["points"].tolist() == ga["NO_POINTS"].tolist()
