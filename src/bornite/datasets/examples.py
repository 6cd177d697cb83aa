"""Locations of the bundled example inputs."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["demo_dir"]


def demo_dir() -> Path:
    """Folder of the bundled demo inputs: tract run files and elicitation tables.

    Examples
    --------
    >>> sorted(p.name for p in demo_dir().glob("*.toml"))[:1]
    ['aggregate.toml']
    """
    return Path(str(files("bornite.datasets") / "data" / "demo"))
