"""STL wireframe reader (binary and ASCII), for domain solids such as ``Mpz.stl``."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bornite.errors import DataFileError

__all__ = ["read_stl"]


def read_stl(path: str | Path) -> npt.NDArray[np.float64]:
    """Read the triangles of an STL file as an array of shape ``(t, 3, 3)``.

    Vertices are (easting, northing, elevation) in the file's units. Binary files are
    recognised by their size (84 + 50 bytes per triangle); others are parsed as ASCII.

    Raises
    ------
    DataFileError
        When the file is missing, truncated, or holds no triangles.
    """
    path = Path(path)
    if path.is_dir():
        msg = f"{path}: is a folder, not a file; give the file inside it"
        raise DataFileError(msg)
    if not path.is_file():
        msg = f"{path}: file not found; check the path"
        raise DataFileError(msg)
    raw = path.read_bytes()
    if len(raw) >= 84:
        n = int.from_bytes(raw[80:84], "little")
        if len(raw) == 84 + 50 * n and n > 0:
            record = np.dtype(
                [("normal", "<f4", 3), ("vertices", "<f4", (3, 3)), ("attribute", "<u2")]
            )
            data = np.frombuffer(raw, dtype=record, count=n, offset=84)
            return data["vertices"].astype(np.float64)
    text = raw.decode("latin-1")
    numbers = re.findall(r"vertex\s+(\S+)\s+(\S+)\s+(\S+)", text)
    if not numbers or len(numbers) % 3:
        msg = (
            f"{path}: not a readable STL (binary size does not match its triangle count, and "
            "no ASCII 'vertex' lines in threes); re-export the wireframe as STL"
        )
        raise DataFileError(msg)
    try:
        vertices = np.array(numbers, dtype=float)
    except ValueError as error:
        msg = f"{path}: an ASCII STL vertex is not numeric ({error})"
        raise DataFileError(msg) from error
    return vertices.reshape(-1, 3, 3)
