"""Writers for run outputs: tables, JSON and output folders that are never clobbered.

Every file is written to a temporary name in its folder and moved into place, so an
interrupted run never leaves a half-written file nor destroys the previous one.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from bornite.errors import DataFileError, MissingDependencyError, OutputExistsError

__all__ = [
    "INCOMPLETE",
    "MANIFEST",
    "StagedFolder",
    "atomic_path",
    "copy_file",
    "list_files",
    "sha256_file",
    "staged_folder",
    "to_jsonable",
    "write_bytes",
    "write_json",
    "write_table",
    "write_text",
]


#: The file of an output folder that records the run (its files are bornite's).
MANIFEST = "run.json"
#: Present in an output folder while its files are being replaced: the folder is incomplete,
#: and a rerun replaces it without ``--overwrite``.
INCOMPLETE = ".bornite-incomplete"
_STAGING = ".bornite-staging"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is another user's
        return True
    return True


def _owned(folder: Path) -> set[str]:
    """Files of ``folder`` that bornite wrote: its manifest's outputs and, after an
    interrupted replacement, every file the marker names."""
    owned: set[str] = set()
    for name, key in ((MANIFEST, "outputs"), (INCOMPLETE, "files")):
        try:
            data = json.loads((folder / name).read_text(encoding="utf-8"))
            entries = data.get(key, [])
        except (OSError, ValueError, AttributeError):
            continue
        for entry in entries if isinstance(entries, list) else []:
            rel = entry.get("path") if isinstance(entry, dict) else entry
            if isinstance(rel, str) and ".." not in Path(rel).parts and not Path(rel).is_absolute():
                owned.add(rel)
    if (folder / MANIFEST).is_file():
        owned.add(MANIFEST)
    return owned


def _check_target(folder: Path, *, overwrite: bool) -> None:
    if folder.exists() and not folder.is_dir():
        msg = f"{folder}: exists and is not a folder; choose another --out"
        raise OutputExistsError(msg)
    if not folder.is_dir() or overwrite or (folder / INCOMPLETE).exists():
        return
    present = sorted(p.name for p in folder.iterdir())
    if present:
        shown = ", ".join(present[:5]) + (" ..." if len(present) > 5 else "")
        msg = (
            f"{folder}: output folder is not empty ({shown}); pass --overwrite to replace "
            "the files bornite wrote there, or choose another --out"
        )
        raise OutputExistsError(msg)


def _remove_stale_staging(folder: Path) -> None:
    """Remove staging folders of earlier runs into ``folder`` that were killed."""
    for stale in folder.parent.glob(f".{folder.name}.bornite-*"):
        try:
            pid = int((stale / _STAGING).read_text(encoding="utf-8").split()[0])
        except (OSError, ValueError, IndexError):
            continue
        if not _alive(pid):
            shutil.rmtree(stale, ignore_errors=True)


def list_files(root: Path) -> list[str]:
    """Paths of the files below ``root``, relative to it, ``/``-separated and sorted."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


class StagedFolder:
    """An output folder being written: files go to :attr:`path`, a hidden folder beside the
    destination, and appear in :attr:`final` only when the run succeeds.

    Made by :func:`staged_folder`; see there for what an interruption leaves.
    """

    def __init__(self, final: Path, path: Path) -> None:
        self.final = final
        self.path = path

    def files(self) -> list[str]:
        """Paths (relative, ``/``-separated, sorted) of the files written so far."""
        return [rel for rel in list_files(self.path) if rel != _STAGING]

    def commit(self) -> None:
        """Move the files into :attr:`final` (called by :func:`staged_folder`)."""
        (self.path / _STAGING).unlink(missing_ok=True)
        if not self.final.exists():
            # One rename: the folder appears whole or not at all.
            os.rename(self.path, self.final)
            return
        new = self.files()
        previous = _owned(self.final)
        write_json({"files": sorted(previous | set(new))}, self.final / INCOMPLETE)
        for rel in new:
            target = self.final / rel
            if target.is_dir():
                if rel not in previous:
                    msg = f"{target}: a folder is in the way of an output file; move it away"
                    raise OutputExistsError(msg)
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.path / rel, target)
        for rel in sorted(previous - set(new)):
            (self.final / rel).unlink(missing_ok=True)
            parent = (self.final / rel).parent
            while parent != self.final and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
        (self.final / INCOMPLETE).unlink()
        shutil.rmtree(self.path, ignore_errors=True)


@contextmanager
def staged_folder(path: str | Path, *, overwrite: bool = False) -> Iterator[StagedFolder]:
    """Write a run's outputs so that the folder is either the old one or the new one.

    The run writes into a hidden folder beside ``path``; when the block ends without error,
    its files move into ``path``: by one rename when ``path`` does not exist, else file by
    file while ``path`` holds a :data:`INCOMPLETE` marker. So an interruption (Ctrl-C, a
    kill, a failure) leaves either the previous folder untouched or, if it strikes while
    files move, a folder marked incomplete, which the next run replaces without
    ``--overwrite``. Replacing keeps every file bornite did not write: only the files of the
    previous run's manifest (:data:`MANIFEST`) and the new run's names are replaced or
    removed. A staging folder left by a killed run is removed by the next run into ``path``.

    Parameters
    ----------
    path : str or Path
        The output folder.
    overwrite : bool
        Allow replacing a non-empty folder (CLI ``--overwrite``).

    Raises
    ------
    OutputExistsError
        When ``path`` is a file, or a non-empty folder without ``overwrite``.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "run"
    >>> with staged_folder(out) as folder:
    ...     _ = write_text("42", folder.path / "answer.txt")
    ...     out.exists()
    False
    >>> (out / "answer.txt").read_text()
    '42'
    """
    final = Path(path).absolute()
    _check_target(final, overwrite=overwrite)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(final)
        staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.bornite-", dir=final.parent))
    except OSError as error:
        msg = f"{final}: cannot create the output folder ({error})"
        raise DataFileError(msg) from error
    (staging / _STAGING).write_text(f"{os.getpid()}\n", encoding="utf-8")
    folder = StagedFolder(final, staging)
    try:
        yield folder
        folder.commit()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _umask() -> int:
    """The process's file-creation mask (read by setting it and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | Path, *, suffix: str = "") -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it when the block ends without error.

    Every file bornite writes goes through here, so an interrupted or failed write never
    leaves a half-written file and never destroys the previous one: the data is written to a
    hidden temporary name in the destination folder, flushed, given the usual permissions
    (those of any new file under the process's umask) and moved into place with
    :func:`os.replace`, which is atomic on one file system. On any exception, including
    ``KeyboardInterrupt``, the temporary file is removed and ``path`` is left as it was.

    Parameters
    ----------
    path : str or Path
        Destination; missing parent folders are created.
    suffix : str
        Suffix of the temporary name, for writers that choose a format by it (``".gpkg"``).

    Yields
    ------
    Path
        Where to write.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with atomic_path(folder / "a.txt") as part:
    ...     _ = part.write_text("done")
    >>> (folder / "a.txt").read_text(), sorted(p.name for p in folder.iterdir())
    ('done', ['a.txt'])
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        msg = f"{target.parent}: cannot create the folder ({error})"
        raise DataFileError(msg) from error
    handle, name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part" + suffix, dir=target.parent
    )
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        # mkstemp makes the file private (0600); give it the permissions of any new file.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextmanager
def _atomic(path: Path) -> Iterator[BinaryIO]:
    with atomic_path(path) as temporary, temporary.open("wb") as stream:
        yield stream
        stream.flush()
        os.fsync(stream.fileno())


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
    """Write UTF-8 text atomically (``\n`` line ends on every platform)."""
    return write_bytes(text.encode(), path)


def write_bytes(data: bytes, path: str | Path) -> Path:
    """Write bytes atomically."""
    target = Path(path)
    with _atomic(target) as stream:
        stream.write(data)
    return target


def copy_file(source: str | Path, path: str | Path) -> Path:
    """Copy a file atomically (the copy appears whole or not at all)."""
    source = Path(source)
    try:
        data = source.read_bytes()
    except OSError as error:
        msg = f"{source}: cannot read the file to copy it ({error})"
        raise DataFileError(msg) from error
    return write_bytes(data, path)


def sha256_file(path: str | Path) -> str:
    """The SHA-256 digest of a file's bytes, as 64 hexadecimal digits.

    Examples
    --------
    >>> import tempfile
    >>> file = Path(tempfile.mkdtemp()) / "x"
    >>> _ = file.write_bytes(b"abc")
    >>> sha256_file(file)[:16]
    'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError as error:
        msg = f"{path}: cannot read the file ({error})"
        raise DataFileError(msg) from error
    return digest.hexdigest()


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
