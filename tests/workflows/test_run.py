"""The run seam: run files into frozen specs, typed run records, output folders."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from bornite.errors import DataFileError, OutputExistsError, RunConfigError
from bornite.workflows import Headline, RecordTable, RunRecord
from bornite.workflows._run import TableSchema, input_files, load_run_file, run_to_dir


@dataclass(frozen=True)
class _Grid:
    block_size: tuple[float, ...]
    name: str = "g"
    fix: bool = False
    wireframe: Path | None = None


@dataclass(frozen=True)
class _Tract:
    name: str
    weight: float = 1.0


TABLES = {
    "grid": TableSchema(_Grid, required=True, paths=("wireframe",)),
    "tracts": TableSchema(_Tract, array=True),
    "extra": TableSchema(_Tract, optional=True),
}


def _load(tmp_path, text):
    path = tmp_path / "run.toml"
    path.write_text(text)
    return load_run_file(path, TABLES)


def test_run_files_become_frozen_specs_with_paths_resolved(tmp_path):
    parts, name = _load(
        tmp_path,
        'name = "demo"\n[grid]\nblock_size = [10, 10.5, 5]\nwireframe = "solid.stl"\n'
        '[[tracts]]\nname = "a"\n[[tracts]]\nname = "b"\nweight = 2\n',
    )
    assert name == "demo"
    assert parts["grid"].block_size == [10, 10.5, 5]
    assert parts["grid"].wireframe == tmp_path / "solid.stl"
    assert [t.name for t in parts["tracts"]] == ["a", "b"]
    assert parts["tracts"][1].weight == 2
    assert parts["extra"] is None  # an optional table that is absent
    with pytest.raises(dataclasses.FrozenInstanceError):
        parts["grid"].fix = True  # type: ignore[misc]
    _, stem = _load(tmp_path, "[grid]\nblock_size = [1]\n")
    assert stem == "run"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[grid]\nblock_size = [1]\nfixx = true\n", r"\[grid\]: unknown key\(s\) fixx"),
        ("[grid]\nname = 'x'\n", r"\[grid\]: missing key\(s\) block_size"),
        ("[grid]\nblock_size = 5\n", r"\[grid\]: block_size must be a list"),
        ("[grid]\nblock_size = ['a']\n", r"block_size item 1 must be a number, got 'a'"),
        ("[grid]\nblock_size = [1]\nfix = 'yes'\n", "fix must be true or false"),
        ("[grid]\nblock_size = [1]\nwireframe = 3\n", "wireframe must be a string"),
        ("[grid]\nblock_size = [1]\n[gird]\n", r"unknown table\(s\) gird"),
        ("[tracts]\nname = 'a'\n", r"missing table\(s\) grid"),
        ("tracts = 3\n[grid]\nblock_size = [1]\n", "expected an array of tables"),
        ("[grid]\nblock_size = [1]\n[[tracts]]\nweight = 1\n", r"\[\[tracts\]\] 1: missing"),
        ("name = 3\n[grid]\nblock_size = [1]\n", "name must be a string"),
        ("[grid\nblock_size = [1]\n", "not valid TOML"),
    ],
)
def test_run_file_errors_name_the_file_table_and_key(tmp_path, text, message):
    with pytest.raises(RunConfigError, match=message) as error:
        _load(tmp_path, text)
    assert str(tmp_path / "run.toml") in str(error.value)


def test_missing_run_files_and_folders_are_named(tmp_path):
    with pytest.raises(DataFileError, match="run file not found"):
        load_run_file(tmp_path / "nope.toml", TABLES)
    with pytest.raises(DataFileError, match="is a folder"):
        load_run_file(tmp_path, TABLES)


def _record(**changes):
    table = pd.DataFrame({"class": ["a", "b"], "ore_t": [1.5e8, 2e7], "cu_pct": [0.4, 0.31]})
    record = RunRecord(
        kind="test",
        name="run",
        parameters={"seed": 1, "path": Path("x.csv")},
        seed=1,
        headline=(Headline("metal_t", "metal", 1.23e6, "t"), Headline("auc", "AUC", 0.85)),
        tables={"resource": RecordTable.from_frame("resource", table)},
        results={"total": {"ore_t": 1.7e8}, "values": (1, 2)},
    )
    return dataclasses.replace(record, **changes)


def test_records_round_trip_through_json():
    record = _record()
    data = json.loads(json.dumps(record.to_dict()))
    assert data["parameters"]["path"] == "x.csv"
    back = RunRecord.from_dict(data)
    assert back.to_dict() == data
    assert back.figure("metal_t").text() == "1.23 Mt"
    assert back.tables["resource"].formatted() == (
        ["class", "ore (Mt)", "Cu (%)"],
        [["a", "150", "0.40"], ["b", "20", "0.31"]],
    )
    with pytest.raises(KeyError, match="no headline figure"):
        back.figure("nope")
    with pytest.raises(DataFileError, match="not a bornite run record"):
        RunRecord.from_dict({"kind": "x"})


def test_inputs_are_hashed_and_their_hash_changes_with_them(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("a\n1\n")
    first = _record(inputs=input_files({"data": data, "absent": tmp_path / "no.csv"}))
    assert [i.role for i in first.inputs] == ["data"]
    assert first.inputs[0].bytes == 4
    data.write_text("a\n2\n")
    second = _record(inputs=input_files({"data": data}))
    assert first.inputs_sha256 != second.inputs_sha256
    assert len(first.inputs_sha256) == 64
    inside = input_files({"data": data}, within=tmp_path)
    assert inside[0].path == "data.csv"


def test_run_to_dir_records_every_output_and_refuses_to_clobber(tmp_path):
    out = tmp_path / "out"

    def write(folder):
        (folder / "figures").mkdir()
        (folder / "figures" / "a.svg").write_text("<svg/>")
        (folder / "table.csv").write_text("a\n1\n")
        return _record()

    record = run_to_dir(out, write)
    assert record.folder == str(out.absolute())
    assert {o.path for o in record.outputs} == {"figures/a.svg", "table.csv"}
    assert all(len(o.sha256) == 64 for o in record.outputs)
    assert record.started <= record.finished
    on_disk = json.loads((out / "run.json").read_text())
    assert on_disk == json.loads(json.dumps(record.to_dict()))
    with pytest.raises(OutputExistsError, match="--overwrite"):
        run_to_dir(out, write)
    again = run_to_dir(out, write, overwrite=True)
    assert {o.path for o in again.outputs} == {"figures/a.svg", "table.csv"}
