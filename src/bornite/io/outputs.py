"""Writers for run outputs: tables, JSON and output folders that are never clobbered.

Every file is written to a temporary name in its folder and moved into place, so an
interrupted run never leaves a half-written file nor destroys the previous one.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from bornite.errors import DataFileError, MissingDependencyError, OutputExistsError

__all__ = ["check_output_dir", "to_jsonable", "write_json", "write_table", "write_text"]


def check_output_dir(path: str | Path, names: Iterable[str] = (), *, overwrite: bool) -> Path:
    """Create ``path`` if needed and refuse to reuse a non-empty folder unless ``overwrite``.

    Parameters
    ----------
    path : str or Path
        Output folder.
    names : iterable of str
        Files the run will write; with ``overwrite=False`` any existing one is an error
        (and so is any other content in the folder).
    overwrite : bool
        Allow replacing existing files.

    Raises
    ------
    OutputExistsError
        Naming the folder and what is in it, and saying to pass ``--overwrite``.
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        msg = f"{folder}: exists and is not a folder; choose another --out"
        raise OutputExistsError(msg)
    if folder.is_dir() and not overwrite:
        present = sorted(p.name for p in folder.iterdir())
        clashing = sorted(set(names) & set(present)) or present
        if clashing:
            shown = ", ".join(clashing[:5]) + (" ..." if len(clashing) > 5 else "")
            msg = (
                f"{folder}: output folder is not empty ({shown}); pass --overwrite to replace "
                "its files, or choose another --out"
            )
            raise OutputExistsError(msg)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        msg = f"{folder}: cannot create the output folder ({error})"
        raise DataFileError(msg) from error
    return folder


def _umask() -> int:
    """The process's file-creation mask (read by setting it and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def _atomic(path: Path) -> Iterator[BinaryIO]:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
        # mkstemp makes the file private (0600); give it the permissions of any new file.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def to_jsonable(value: Any) -> Any:
    """Convert NumPy/pandas scalars and containers to plain JSON values (NaN -> None)."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, Path):
        return str(value)
    return value


def write_json(obj: Any, path: str | Path) -> Path:
    """Write ``obj`` as indented JSON atomically."""
    target = Path(path)
    text = json.dumps(to_jsonable(obj), indent=2, sort_keys=False)
    with _atomic(target) as stream:
        stream.write((text + "\n").encode())
    return target


def write_text(text: str, path: str | Path) -> Path:
    """Write UTF-8 text atomically."""
    target = Path(path)
    with _atomic(target) as stream:
        stream.write(text.encode())
    return target


def write_table(table: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as CSV or Parquet (by the suffix of ``path``) atomically.

    Raises
    ------
    MissingDependencyError
        For Parquet without ``pyarrow`` (install ``bornite[parquet]``).
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401, PLC0415
        except ImportError as error:
            msg = "writing Parquet needs pyarrow; install it with pip install 'bornite[parquet]'"
            raise MissingDependencyError(msg) from error
        with _atomic(target) as stream:
            table.to_parquet(stream, index=False)
    elif suffix == ".csv":
        with _atomic(target) as stream:
            stream.write(table.to_csv(index=False).encode())
    else:
        msg = f"{target}: unsupported table format {suffix!r}; use .csv or .parquet"
        raise DataFileError(msg)
    return target
