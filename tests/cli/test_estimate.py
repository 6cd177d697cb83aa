"""``bornite estimate`` on the synthetic porphyry drill campaign."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from bornite.cli import app

runner = CliRunner()
RUN = """
[drillholes]
synthetic_seed = 5
[composites]
length = 10.0
grade = "cu_pct"
[grid]
block_size = [50.0, 50.0, 25.0]
[kriging]
ranges = [250.0, 250.0, 250.0]
max_samples = 24
[classification]
scheme = "gbt17766"
[resource]
cutoffs = [0.2, 0.4]
"""


def test_estimate_writes_a_classified_resource(tmp_path):
    run_file = tmp_path / "run.toml"
    run_file.write_text(RUN)
    out = tmp_path / "out"
    result = runner.invoke(app, ["estimate", str(run_file), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)["results"]
    classes = {row["class"] for row in record["resource"]}
    assert classes <= {"探明 (measured)", "控制 (indicated)", "推断 (inferred)"}
    assert classes
    for row in record["resource"]:
        # metal = tonnes x grade; 1e-12 allows rounding, not a wrong unit (1e-2) or formula
        assert row["metal_t"] == pytest.approx(row["tonnes"] * row["grade"] / 100, rel=1e-12)
    total = {row["cutoff"]: row for row in record["total"]}
    assert total[0.2]["tonnes"] > total[0.4]["tonnes"] > 0
    blocks = pd.read_parquet(out / "block_model.parquet")
    assert {"cu_pct", "variance", "slope_of_regression", "category"} <= set(blocks.columns)
    for name in ("grade_tonnage.csv", "variogram.csv", "composites.csv", "validation.json"):
        assert (out / name).is_file()
    again = runner.invoke(app, ["estimate", str(run_file), "--out", str(out)])
    assert again.exit_code == 1
    assert "--overwrite" in again.stderr


def test_estimate_run_file_errors_are_named(tmp_path):
    run_file = tmp_path / "run.toml"
    run_file.write_text(RUN.replace("block_size = [50.0, 50.0, 25.0]", "block_size = [50.0]"))
    result = runner.invoke(app, ["estimate", str(run_file), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "[grid]: block_size needs 3 values" in result.stderr
