"""Atomic output writers: files get ordinary permissions, and nothing is half-written."""

from __future__ import annotations

import os
import stat

import pandas as pd
import pytest

from bornite.io import write_json, write_table


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
