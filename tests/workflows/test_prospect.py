"""The prospectivity workflow: a synthetic region end to end, weights of evidence from files,
and run-file errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from bornite.cli import app
from bornite.datasets import synthetic_region
from bornite.errors import RunConfigError
from bornite.report import Report, render_report
from bornite.workflows.prospect import (
    load_prospect_spec,
    prospect_record,
    prospect_section,
    run_prospect,
)

pytest.importorskip("rasterio", reason="the geo extra (rasterio, geopandas) is not installed")

SYNTHETIC = """
name = "small region"
[evidence]
synthetic_seed = 2
synthetic_shape = [80, 80]
synthetic_cell_size = 500.0
synthetic_deposits = 30
[model]
method = "random_forest"
background = 600
n_estimators = 40
[validation]
block_size = 8000.0
folds = 4
[targets]
top_fraction = 0.05
min_cells = 2
"""


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    folder = tmp_path_factory.mktemp("prospect")
    (folder / "run.toml").write_text(SYNTHETIC)
    return run_prospect(load_prospect_spec(folder / "run.toml"))


def test_synthetic_region_map_validation_and_tract(synthetic):
    record = prospect_record(synthetic).results
    blocks = record["cross_validation"]["blocks"]
    assert blocks["auc"] > 0.7
    assert blocks["lower"] < blocks["auc"] < blocks["upper"]
    assert blocks["basis"] == "out-of-fold"
    assert record["cross_validation"]["random"]["n_presence"] == 30
    # The map is a probability on the region's grid.
    values = synthetic.prospectivity.values
    assert values.shape == (80, 80)
    assert np.nanmin(values) >= 0
    assert np.nanmax(values) <= 1
    # The permissive tract is read from out-of-fold scores: part of the region, not all.
    permissive = synthetic.permissive
    assert permissive.basis == "out-of-fold"
    assert 0 < permissive.area_km2 < permissive.total_area_km2 == pytest.approx(80 * 80 / 4)
    in_tract = (values >= permissive.threshold).mean()
    assert in_tract == pytest.approx(permissive.area_fraction, abs=0.02)
    # every point of the synthetic region is a deposit unless a deposit fraction is given
    assert permissive.known_deposits == int(
        synthetic.counts.values[values >= permissive.threshold].sum()
    )


def test_in_sample_and_out_of_fold_curves_are_told_apart(synthetic):
    """The map scores its own training deposits almost perfectly; the out-of-fold curve is the
    honest one, and every table and figure says which is which."""
    in_sample = synthetic.curve.attrs["auc"]
    out_of_fold = synthetic.oof_curve.attrs["auc"]
    assert out_of_fold < in_sample
    # The out-of-fold success-rate AUC is the cross-validated presence-background AUC
    # (both count ties one half).
    assert out_of_fold == pytest.approx(synthetic.cross_validation["blocks"].auc.auc, abs=1e-9)
    record = prospect_record(synthetic)
    assert record.tables["capture"].basis == "out-of-fold"
    assert record.tables["capture_in_sample"].basis == "in-sample"
    assert record.figure("success_rate_auc").basis == "in-sample"
    assert record.figure("cv_auc_blocks").basis == "out-of-fold"
    headers, _ = record.tables["capture"].formatted()
    assert headers[:2] == ["area (%)", "deposits (%)"]
    page = render_report(Report("region", sections=[prospect_section(synthetic)]))
    assert "out-of-fold (spatial blocks)" in page
    assert "in-sample" in page
    # Targets are ranked regions of the top 5 % and hold known deposits.
    targets = synthetic.targets
    assert targets["rank"].tolist() == list(range(1, len(targets) + 1))
    assert targets["area_km2"].sum() <= 0.05 * 1600 + 1e-9
    assert targets["n_deposits"].sum() >= 10


def test_section_and_outputs(synthetic, tmp_path):
    from bornite.io import read_raster, read_vector  # noqa: PLC0415
    from bornite.workflows.prospect import write_prospect  # noqa: PLC0415

    page = render_report(Report("region", sections=[prospect_section(synthetic)]))
    assert "spatial-block cross-validation gives ROC AUC" in page
    assert "permissive tract" in page
    write_prospect(synthetic, tmp_path)
    raster = read_raster(tmp_path / "prospectivity.tif")
    np.testing.assert_allclose(
        raster.values, synthetic.prospectivity.values.astype("float32"), equal_nan=True
    )
    polygons = read_vector(tmp_path / "targets.gpkg", geometry="polygon")
    assert len(polygons) == len(synthetic.targets)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["permissive"]["capture"] == 0.8
    assert (tmp_path / "figures" / "prospectivity.svg").is_file()


def test_weights_of_evidence_from_files(tmp_path):
    """Rasters and a deposit GeoPackage on disk, as a user would give them."""
    import geopandas  # noqa: PLC0415
    from shapely.geometry import Point  # noqa: PLC0415

    from bornite.io import write_raster  # noqa: PLC0415

    region = synthetic_region(seed=4, shape=(60, 60), cell_size=500.0, n_deposits=25)
    for name in ("contact_distance", "geology"):
        layer = region.layers[name].copy()
        layer.attrs["crs"] = "EPSG:32645"
        write_raster(layer, tmp_path / f"{name}.tif")
    points = geopandas.GeoDataFrame(
        {"name": region.deposits["name"]},
        geometry=[
            Point(x, y)
            for x, y in zip(region.deposits.easting, region.deposits.northing, strict=True)
        ],
        crs="EPSG:32645",
    )
    points.to_file(tmp_path / "deposits.gpkg", driver="GPKG")
    (tmp_path / "run.toml").write_text(
        """
[evidence]
layers = { contact_distance = "contact_distance.tif", geology = "geology.tif" }
categorical = ["geology"]
[deposits]
path = "deposits.gpkg"
[model]
method = "wofe"
weights = { contact_distance = "ascending", geology = "categorical" }
unit_area_km2 = 0.25
"""
    )
    result = run_prospect(load_prospect_spec(tmp_path / "run.toml"))
    assert set(result.explanation["layer"]) == {"contact_distance", "geology"}
    assert result.cross_validation == {}
    assert result.permissive.basis == "in-sample"
    assert result.oof_curve is None
    posterior = result.prospectivity.values
    assert np.nanmin(posterior) > 0
    assert np.nanmax(posterior) < 1
    # Deposits hug intrusion contacts: the posterior ranks their cells well above chance.
    assert prospect_record(result).results["success_rate_auc"] > 0.7


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[evidence]\nsynthetic_seed = 1\nlayers = { a = 'a.tif' }\n", "either layers"),
        ("[evidence]\nlayers = { a = 'a.tif' }\n", r"\[deposits\]: give path"),
        (
            "[evidence]\nsynthetic_seed = 1\n[model]\nmethod = 'wofe'\n",
            "needs weights",
        ),
        ("[evidence]\nsynthetic_seed = 1\n[model]\nmethod = 'svm'\n", "method must be wofe"),
        (
            "[evidence]\nlayers = { a = 'a.tif' }\ncategorical = ['b']\n",
            "categorical names layers",
        ),
        ("[evidence]\nsynthetic_seed = 1\n[targets]\nsize = 3\n", r"unknown key\(s\) size"),
    ],
)
def test_run_file_errors(tmp_path, text, message):
    (tmp_path / "run.toml").write_text(text)
    with pytest.raises(RunConfigError, match=message):
        load_prospect_spec(tmp_path / "run.toml")


def test_cli_prospect_run_json(tmp_path):
    (tmp_path / "run.toml").write_text(SYNTHETIC.replace("n_estimators = 40", "n_estimators = 20"))
    result = CliRunner().invoke(
        app, ["prospect", "run", str(tmp_path / "run.toml"), "--out", str(tmp_path / "o"), "--json"]
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["kind"] == "prospect"
    assert set(record["results"]["cross_validation"]) == {"blocks", "random"}
    assert pd.DataFrame(record["results"]["targets"])["rank"].iloc[0] == 1
    assert record["outputs"]
    again = CliRunner().invoke(
        app, ["prospect", "run", str(tmp_path / "run.toml"), "--out", str(tmp_path / "o")]
    )
    assert again.exit_code == 1
    assert "--overwrite" in again.stderr
