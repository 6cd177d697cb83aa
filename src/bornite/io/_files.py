"""Small file helpers shared by the readers."""

from __future__ import annotations

from pathlib import Path

from bornite.errors import DataFileError

__all__ = ["read_text"]


def read_text(path: Path) -> str:
    """Read a text file as UTF-8 (with or without BOM), falling back to latin-1.

    Raises
    ------
    DataFileError
        When the file is missing or unreadable, naming it.
    """
    if path.is_dir():
        msg = f"{path}: is a folder, not a file; give the file inside it"
        raise DataFileError(msg)
    if not path.is_file():
        msg = f"{path}: file not found; check the path"
        raise DataFileError(msg)
    try:
        raw = path.read_bytes()
    except OSError as error:
        msg = f"{path}: cannot read the file ({error})"
        raise DataFileError(msg) from error
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
