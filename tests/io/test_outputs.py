"""Atomic output writers: files get ordinary permissions, and nothing is half-written."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pandas as pd
import pytest

from bornite.errors import OutputExistsError
from bornite.io import INCOMPLETE, MANIFEST, staged_folder, write_json, write_table, write_text


def test_written_files_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        table = write_table(pd.DataFrame({"a": [1, 2]}), tmp_path / "t.csv")
        record = write_json({"a": 1}, tmp_path / "r.json")
    finally:
        os.umask(old)
    for path in (table, record):
        # Readable by group and others like any new file, not private as mkstemp makes it.
        assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_failed_write_leaves_no_file(tmp_path):
    with pytest.raises(TypeError):
        write_json({"a": object()}, tmp_path / "bad.json")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------- staged folders
def _run_into(out, files, *, overwrite=False, manifest=True):
    with staged_folder(out, overwrite=overwrite) as folder:
        for name, text in files.items():
            write_text(text, folder.path / name)
        if manifest:
            outputs = [{"path": p} for p in folder.files()]
            write_json({"outputs": outputs}, folder.path / MANIFEST)


def test_a_staged_folder_appears_whole(tmp_path):
    out = tmp_path / "run"
    _run_into(out, {"a.txt": "1", "figures/b.svg": "<svg/>"})
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "a.txt",
        "figures/b.svg",
        "run.json",
    ]
    # nothing left beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_failed_run_leaves_the_previous_folder_untouched(tmp_path):
    out = tmp_path / "run"
    _run_into(out, {"a.txt": "old"})
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def failing_run():
        with staged_folder(out, overwrite=True) as folder:
            write_text("new", folder.path / "a.txt")
            raise RuntimeError("the run failed")

    with pytest.raises(RuntimeError):
        failing_run()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_non_empty_folder_is_refused_without_overwrite(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputExistsError, match="--overwrite"):
        _run_into(out, {"a.txt": "1"})
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputExistsError, match="not a folder"):
        _run_into(tmp_path / "file", {"a.txt": "1"})


def test_overwrite_never_deletes_files_bornite_did_not_write(tmp_path):
    out = tmp_path / "run"
    _run_into(out, {"a.txt": "1", "old.csv": "x", "figures/f.svg": "<svg/>"})
    (out / "notes.txt").write_text("mine")
    (out / "figures" / "sketch.png").write_bytes(b"mine")
    _run_into(out, {"a.txt": "2", "b.txt": "3"}, overwrite=True)
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    # old.csv and figures/f.svg were bornite's and are gone; the user's files stay
    assert names == ["a.txt", "b.txt", "figures/sketch.png", "notes.txt", "run.json"]
    assert (out / "a.txt").read_text() == "2"


def test_an_incomplete_folder_is_replaced_without_overwrite(tmp_path):
    out = tmp_path / "run"
    _run_into(out, {"a.txt": "1", "b.txt": "1"})
    # as if a run was killed while its files moved in
    write_json({"files": ["a.txt", "b.txt", "run.json"]}, out / INCOMPLETE)
    (out / "b.txt").unlink()
    _run_into(out, {"a.txt": "2"})
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "run.json"]


_KILLED_RUN = """
import os, signal, sys, time
from pathlib import Path
from bornite.io import staged_folder, write_text
out = Path(sys.argv[1])
with staged_folder(out, overwrite=True) as folder:
    write_text("new", folder.path / "a.txt")
    Path(sys.argv[2]).write_text("started")
    if sys.argv[3] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    else:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)
"""


@pytest.mark.parametrize("how", ["kill", "interrupt"])
def test_an_interrupted_run_leaves_the_previous_folder(tmp_path, how):
    out = tmp_path / "run"
    _run_into(out, {"a.txt": "old"})
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    started = tmp_path / "started"
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_RUN, str(out), str(started), how],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert started.is_file()
    assert done.returncode != 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    if how == "interrupt":
        # Ctrl-C cleans its staging folder up
        assert sorted(p.name for p in tmp_path.iterdir()) == ["run", "started"]
    # the next run removes what a killed run left beside the folder, and replaces it
    _run_into(out, {"a.txt": "newer"}, overwrite=True)
    assert (out / "a.txt").read_text() == "newer"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run", "started"]
