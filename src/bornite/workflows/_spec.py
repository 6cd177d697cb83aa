"""Helpers to turn TOML tables into validated specifications with helpful errors."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from bornite.errors import DataFileError, RunConfigError

__all__ = ["dataclass_from_table", "load_toml", "resolve_path", "take"]

T = TypeVar("T")


def load_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML run file; errors name the file and the line."""
    path = Path(path)
    if not path.is_file():
        msg = f"{path}: run file not found; check the path"
        raise DataFileError(msg)
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except tomllib.TOMLDecodeError as error:
        msg = f"{path}: not valid TOML ({error}); fix the file"
        raise RunConfigError(msg) from error


def take(
    table: Mapping[str, Any],
    allowed: set[str],
    where: str,
    required: frozenset[str] | set[str] = frozenset(),
) -> dict[str, Any]:
    """Return ``table`` as a dict after checking its keys (catches typos in run files)."""
    if not isinstance(table, Mapping):
        msg = f"{where}: expected a table of keys, got {type(table).__name__}"
        raise RunConfigError(msg)
    unknown = sorted(set(table) - allowed)
    if unknown:
        msg = (
            f"{where}: unknown key(s) {', '.join(unknown)}; allowed keys are "
            f"{', '.join(sorted(allowed))}"
        )
        raise RunConfigError(msg)
    missing = sorted(required - set(table))
    if missing:
        msg = f"{where}: missing key(s) {', '.join(missing)}"
        raise RunConfigError(msg)
    return dict(table)


def dataclass_from_table(cls: type[T], table: Mapping[str, Any], where: str) -> T:
    """Build the frozen dataclass ``cls`` from a TOML table, naming bad keys and values."""
    fields = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values = take(table, fields, where)
    try:
        return cls(**values)
    except (TypeError, ValueError) as error:
        msg = f"{where}: {error}"
        raise RunConfigError(msg) from error


def resolve_path(value: str | Path, base: Path) -> Path:
    """A path from a run file, relative to the run file's folder unless absolute."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path
