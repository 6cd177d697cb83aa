"""Interrupting a run (Ctrl-C, a kill) through the real command line never damages the
previous output folder, and the next run replaces what was left."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time

import pytest

from bornite.datasets import demo_dir

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")

COMMAND = [sys.executable, "-c", "from bornite.cli import main; main()"]


def _digests(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _tract(*extra):
    return [*COMMAND, "assess", "run", str(demo_dir() / "west.toml"), *extra]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_an_interrupted_run_keeps_the_previous_folder(tmp_path, sig):
    out = tmp_path / "west"
    first = subprocess.run(
        _tract("--out", str(out), "--trials", "1000"),
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert first.returncode == 0, first.stderr
    before = _digests(out)
    process = subprocess.Popen(
        _tract("--out", str(out), "--trials", "5000000", "--overwrite"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".west.bornite-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp_path.glob(".west.bornite-*")), "the run never started writing"
    time.sleep(0.5)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=120)
    assert _digests(out) == before
    if sig == signal.SIGINT:
        assert process.returncode == 130
        assert "interrupted" in stderr
        assert "Traceback" not in stderr
        assert not list(tmp_path.glob(".west.bornite-*"))
    else:
        assert process.returncode == -signal.SIGKILL
    again = subprocess.run(
        _tract("--out", str(out), "--trials", "1000", "--seed", "3", "--overwrite"),
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert _digests(out) != before
    assert not list(tmp_path.glob(".west.bornite-*"))
