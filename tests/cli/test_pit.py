"""``bornite pit minelib`` and ``bornite pit shells``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bornite.cli import app
from tests.workflows.test_pit import _model, _run_file

runner = CliRunner()


def _toy(folder):
    (folder / "toy.upit").write_text(
        "NAME: toy\nTYPE: UPIT\nNBLOCKS: 4\nOBJECTIVE_FUNCTION:\n0 -1\n1 -1\n2 -1\n3 4.5\n"
    )
    (folder / "toy.prec").write_text("0 0\n1 0\n2 0\n3 3 0 1 2\n")
    (folder / "toy.blocks").write_text("0 0 0 1\n1 1 0 1\n2 2 0 1\n3 1 0 0\n")
    return folder / "toy"


def test_minelib_json_and_text(tmp_path):
    prefix = _toy(tmp_path)
    result = runner.invoke(app, ["pit", "minelib", str(prefix), "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["kind"] == "minelib"
    assert {i["role"] for i in record["inputs"]} == {"blocks", "prec", "upit"}
    data = record["results"]
    assert data["objective"] == 1.5
    assert data["blocks_in_pit"] == 4
    assert data["seconds"] >= 0
    text = runner.invoke(app, ["pit", "minelib", str(prefix), "--engine", "scipy"])
    assert text.exit_code == 0, text.output
    assert "objective" in text.stdout
    assert "1.50" in text.stdout


def test_minelib_bad_file_is_one_clear_line(tmp_path):
    prefix = _toy(tmp_path)
    (tmp_path / "toy.prec").write_text("0 0\n1 0\n2 0\n3 2 0 1 2\n")
    result = runner.invoke(app, ["pit", "minelib", str(prefix)])
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "toy.prec, line 4: block 3 declares 2 predecessors but lists 3" in message
    assert "Traceback" not in result.output


@pytest.mark.shared_data
def test_minelib_newman1(shared_data):
    prefix = shared_data / "minelib" / "newman1" / "newman1"
    result = runner.invoke(app, ["pit", "minelib", str(prefix), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["results"]
    assert round(data["objective"]) == 26_086_899
    assert data["objective_rounded"] == 26_086_899


def test_shells_command_writes_outputs_and_refuses_to_clobber(tmp_path):
    _model(tmp_path)
    run_file = _run_file(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["pit", "shells", str(run_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "pit by pit" in result.stdout
    assert (out / "report.html").is_file()
    again = runner.invoke(app, ["pit", "shells", str(run_file), "--out", str(out)])
    assert again.exit_code == 1
    assert "--overwrite" in again.stderr
    data = runner.invoke(
        app, ["pit", "shells", str(run_file), "--out", str(out), "--overwrite", "--json"]
    )
    assert data.exit_code == 0, data.output
    record = json.loads(data.stdout)
    assert record["results"]["selected_shell"] == 4
    assert {o["path"] for o in record["outputs"]} >= {"shells.csv", "pit.json", "report.html"}
