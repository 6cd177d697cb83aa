"""Helpers to turn TOML tables into validated specifications with helpful errors."""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from bornite.errors import DataFileError, RunConfigError

__all__ = [
    "check_type",
    "dataclass_from_table",
    "load_tables",
    "load_toml",
    "resolve_path",
    "take",
]

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
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
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


def _kinds(annotation: Any) -> set[type]:
    """The plain TOML value types an annotation admits (empty: no check)."""
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return set().union(*(_kinds(a) for a in args if a is not type(None)))
    if annotation in (bool, int, float, str):
        return {annotation}
    if origin in (tuple, list) or annotation in (tuple, list):
        return {list, tuple}
    if annotation is Path:
        return {str, Path}
    if origin is dict or annotation is dict:
        return {dict}
    return set()


def check_type(value: Any, annotation: Any, where: str, key: str) -> None:
    """Refuse a TOML value of the wrong type for ``key`` (``joint = "yes"``, ``trials = 2.5``).

    Examples
    --------
    >>> check_type(3, int | None, "run.toml [simulation]", "trials")
    >>> check_type("yes", bool, "run.toml [grade_tonnage]", "joint")
    Traceback (most recent call last):
    ...
    bornite.errors.RunConfigError: run.toml [grade_tonnage]: joint must be true or false, got 'yes'
    """
    kinds = _kinds(annotation)
    if not kinds or value is None:
        return
    ok = any(
        isinstance(value, kind) and not (kind in (int, float) and isinstance(value, bool))
        for kind in kinds
    ) or (float in kinds and isinstance(value, int) and not isinstance(value, bool))
    if ok:
        return
    names = {
        bool: "true or false",
        int: "a whole number",
        float: "a number",
        str: "a string",
        list: "a list [...]",
        tuple: "a list [...]",
        Path: "a path",
        dict: "a table {...}",
    }
    ordered = sorted(kinds, key=lambda k: k.__name__)
    expected = " or ".join(dict.fromkeys(names[k] for k in ordered))
    msg = f"{where}: {key} must be {expected}, got {value!r}"
    raise RunConfigError(msg)


def dataclass_from_table(cls: type[T], table: Mapping[str, Any], where: str) -> T:
    """Build the frozen dataclass ``cls`` from a TOML table, naming bad keys and values."""
    try:
        hints = typing.get_type_hints(cls)
    except (NameError, TypeError):
        hints = {}
    fields = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values = take(table, fields, where)
    for key, value in values.items():
        check_type(value, hints.get(key), where, key)
    try:
        return cls(**values)
    except (TypeError, ValueError) as error:
        msg = f"{where}: {error}"
        raise RunConfigError(msg) from error


def resolve_path(value: str | Path, base: Path) -> Path:
    """A path from a run file, relative to the run file's folder unless absolute."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def load_tables(
    path: Path,
    tables: Mapping[str, type],
    *,
    required: set[str],
    paths: Mapping[str, tuple[str, ...]] | None = None,
    path_tables: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[dict[str, Any], str]:
    """Parse a run file made of one TOML table per frozen dataclass, plus a ``name``.

    Parameters
    ----------
    path : Path
        The run file.
    tables : mapping of table name to dataclass
        Each table's keys are the dataclass's fields (checked by :func:`dataclass_from_table`).
    required : set of str
        Tables that must be present.
    paths : mapping of table name to keys, optional
        Keys whose string values are file paths, resolved relative to the run file (other
        values, e.g. an inline table, are left alone).
    path_tables : mapping of table name to keys, optional
        Keys whose values are tables of file paths (``layers = { a = "a.tif" }``); each string
        value is resolved.

    Returns
    -------
    (dict, str)
        The dataclass of each table (defaults for absent ones) and the run's name (default:
        the file's stem).
    """
    data = take(load_toml(path), {*tables, "name"}, str(path), required)
    parts: dict[str, Any] = {}
    for table, cls in tables.items():
        where = f"{path} [{table}]"
        fields = {f.name for f in dataclasses.fields(cls)}
        values = dict(take(data.get(table, {}), fields, where))
        for key in (paths or {}).get(table, ()):
            if isinstance(values.get(key), str):
                values[key] = resolve_path(values[key], path.parent)
        for key in (path_tables or {}).get(table, ()):
            value = values.get(key)
            if isinstance(value, Mapping):
                values[key] = {
                    k: resolve_path(v, path.parent) if isinstance(v, str) else v
                    for k, v in value.items()
                }
        parts[table] = dataclass_from_table(cls, values, where)
    name = data.get("name", path.stem)
    if not isinstance(name, str):
        msg = f"{path}: name must be a string, got {name!r}"
        raise RunConfigError(msg)
    return parts, name
