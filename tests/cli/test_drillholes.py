"""``bornite drillholes validate``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bornite.cli import app

runner = CliRunner()


def _write_messy(folder):
    (folder / "collar.csv").write_text(
        "HOLEID,EAST,NORTH,RL,DEPTH\nA,0,0,100,50\nB,10,0,100,40\nB,10,0,100,40\n"
    )
    (folder / "survey.csv").write_text("HOLEID,AT,AZ,DIP\nA,0,0,-90\nB,0,400,-60\n")
    (folder / "assay.csv").write_text(
        "HOLEID,FROM,TO,CU\nA,0,10,0.5\nA,8,20,<0.01\nA,20,20,0.3\nB,0,10,-99\nC,0,5,0.1\n"
    )
    return [str(folder / name) for name in ("collar.csv", "survey.csv", "assay.csv")]


def test_validate_reports_every_problem_as_json(tmp_path):
    result = runner.invoke(app, ["drillholes", "validate", *_write_messy(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) >= {"holes", "intervals", "problems"}
    kinds = {p["kind"] for p in report["problems"]}
    assert len(kinds) >= 5
    for problem in report["problems"]:
        assert set(problem) == {"hole", "table", "row", "kind", "message"}
    assert any(p["hole"] == "C" for p in report["problems"])  # interval without a collar
    human = runner.invoke(app, ["drillholes", "validate", *_write_messy(tmp_path)])
    assert human.exit_code == 0
    assert "problems by kind" in human.stdout


def test_unreadable_files_exit_non_zero(tmp_path):
    files = _write_messy(tmp_path)
    result = runner.invoke(
        app, ["drillholes", "validate", files[0], files[1], str(tmp_path / "missing.csv")]
    )
    assert result.exit_code == 1
    assert "missing.csv" in result.stderr


@pytest.mark.shared_data
def test_babbitt_validates_without_a_mapping(shared_data):
    folder = shared_data / "drillholes" / "babbitt_cu_ni"
    result = runner.invoke(
        app,
        [
            "drillholes",
            "validate",
            str(folder / "collar_BABBITT.csv"),
            str(folder / "survey_BABBITT.csv"),
            str(folder / "assay_BABBITT.csv"),
            "--units",
            "ft",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["holes"], report["intervals"]) == (399, 35_616)
    assert {p["kind"] for p in report["problems"]} == {"beyond_length"}
    assert len(report["problems"]) == 70
