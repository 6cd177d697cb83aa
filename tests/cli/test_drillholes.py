"""``bornite drillholes validate``."""

from __future__ import annotations

import json

import pandas as pd
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
    # problems make the command fail, after printing them all
    assert result.exit_code == 1, result.output
    assert "--allow-problems" in result.stderr
    record = json.loads(result.stdout)
    assert record["kind"] == "validate"
    report = record["results"]
    assert report["ok"] is False
    assert set(report) >= {"holes", "intervals", "problems"}
    kinds = {p["kind"] for p in report["problems"]}
    assert len(kinds) >= 5
    for problem in report["problems"]:
        assert set(problem) == {"hole", "table", "row", "kind", "message"}
    assert any(p["hole"] == "C" for p in report["problems"])  # interval without a collar
    human = runner.invoke(
        app, ["drillholes", "validate", *_write_messy(tmp_path), "--allow-problems"]
    )
    assert human.exit_code == 0
    assert "problems by kind" in human.stdout


def test_every_problem_goes_to_csv_and_clean_tables_pass(tmp_path):
    files = _write_messy(tmp_path)
    out = tmp_path / "problems.csv"
    result = runner.invoke(app, ["drillholes", "validate", *files, "--csv", str(out), "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["results"]["problems"]
    table = pd.read_csv(out)
    assert list(table.columns) == ["hole", "table", "row", "kind", "message"]
    assert len(table) == len(problems)
    again = runner.invoke(app, ["drillholes", "validate", *files, "--csv", str(out)])
    assert again.exit_code == 1
    assert "--overwrite" in again.stderr
    (tmp_path / "collar.csv").write_text("HOLEID,EAST,NORTH,RL,DEPTH\nA,0,0,100,50\n")
    (tmp_path / "survey.csv").write_text("HOLEID,AT,AZ,DIP\nA,0,0,-90\n")
    (tmp_path / "assay.csv").write_text("HOLEID,FROM,TO,CU\nA,0,10,0.5\nA,12,20,0.3\n")
    clean = runner.invoke(app, ["drillholes", "validate", *files])
    assert clean.exit_code == 0, clean.output  # a gap is a notice, not a problem
    assert "notices" in clean.stdout


def test_values_are_quoted_in_the_files_units_and_ids_kept_as_written(tmp_path):
    (tmp_path / "collar.csv").write_text("HOLEID,EAST,NORTH,RL,DEPTH\n007,0,0,100,100\n")
    (tmp_path / "survey.csv").write_text("HOLEID,AT,AZ,DIP\n007,0,0,-90\n")
    (tmp_path / "assay.csv").write_text(
        "HOLEID,FROM,TO,CU\n007,0,50,0.5\n007,40,60,0.3\n7,0,10,0.2\n"
    )
    files = [str(tmp_path / n) for n in ("collar.csv", "survey.csv", "assay.csv")]
    result = runner.invoke(app, ["drillholes", "validate", *files, "--units", "ft", "--json"])
    problems = json.loads(result.stdout)["results"]["problems"]
    messages = " ".join(p["message"] for p in problems)
    # 40-60 ft as typed, not 12.192-18.288 m
    assert "interval 40-60 ft" in messages
    assert "from 0 ft" in messages
    kinds = {p["kind"] for p in problems}
    # '7' is not '007': its interval has no collar, and the ids are flagged as look-alikes
    assert {"overlap", "missing_collar", "ambiguous_hole"} <= kinds
    assert any(p["hole"] == "7" and p["kind"] == "missing_collar" for p in problems)


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
    assert result.exit_code == 1, result.output  # 70 stations beyond the hole length
    report = json.loads(result.stdout)["results"]
    assert (report["holes"], report["intervals"]) == (399, 35_616)
    assert {p["kind"] for p in report["problems"]} == {"beyond_length"}
    assert len(report["problems"]) == 70
