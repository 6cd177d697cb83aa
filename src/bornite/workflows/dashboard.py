"""What the web dashboard shows that lives in files: a stored run's outputs, the prospectivity
map of a prospect run, an estimate's grade-tonnage curve, and uploads to import.

The dashboard (:mod:`bornite.web`) calls these with a :class:`~bornite.store.Store`; they read
through :mod:`bornite.io` only files that a stored run lists among its outputs, inside its
folder, so a request can name no other file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePosixPath
from typing import Any, Final

import numpy as np
import pandas as pd

from bornite.errors import DataFileError, InventoryError, NotFoundError
from bornite.io import read_raster, read_table
from bornite.store import Store
from bornite.workflows._run import RunRecord
from bornite.workflows.inventory import import_inventory

__all__ = [
    "SERVED_TYPES",
    "UPLOAD_TYPES",
    "grade_tonnage_curve",
    "import_upload",
    "prospectivity_layer",
    "run_file",
    "shell_table",
]

#: Output files a run page may serve, by suffix, with their media types.
SERVED_TYPES: Final = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".html": "text/html; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
}
#: Inventory files an upload may be (what :func:`bornite.io.read_inventory` reads).
UPLOAD_TYPES: Final = (".csv", ".json", ".xlsx", ".parquet", ".gpkg")


def _output(record: dict[str, Any], name: str) -> Path | None:
    """The path of output ``name`` of a record: only a file the record lists among its
    outputs, still inside its folder (after resolving links); else ``None``."""
    wanted = PurePosixPath(name)
    listed = {str(o["path"]) for o in record.get("outputs", [])}
    if name not in listed or wanted.is_absolute() or ".." in wanted.parts:
        return None
    if not record.get("folder"):
        return None
    folder = Path(str(record["folder"])).resolve()
    path = (folder / wanted).resolve()
    return path if path.is_relative_to(folder) and path.is_file() else None


def run_file(store: Store, run_id: str, name: str) -> Path:
    """The path of output ``name`` of stored run ``run_id``, to serve.

    Only a file the run's record lists among its outputs, of a type in
    :data:`SERVED_TYPES`, that is still inside the run's folder (after resolving links) is
    returned.

    Raises
    ------
    NotFoundError
        For any other name (``..``, an absolute path, an unlisted, moved or unserved file).
    """
    path = None
    if PurePosixPath(name).suffix.lower() in SERVED_TYPES:
        path = _output(store.run(run_id), name)
    if path is None:
        msg = f"run {run_id} has no output {name!r} to show"
        raise NotFoundError(msg)
    return path


def grade_tonnage_curve(store: Store, run_id: str) -> pd.DataFrame | None:
    """An estimate run's grade-tonnage curve (cut-off, tonnes, grade, metal, by category),
    or ``None`` for runs without one."""
    path = _output(store.run(run_id), "grade_tonnage.csv")
    return None if path is None else read_table(path)


def shell_table(store: Store, run_id: str) -> pd.DataFrame | None:
    """A pit run's nested shells (revenue factor, ore, waste, metal, value), or ``None``."""
    path = _output(store.run(run_id), "shells.csv")
    return None if path is None else read_table(path)


def _latest(store: Store, kind: str) -> str | None:
    runs = store.runs(kind=kind)
    return None if runs.empty else str(runs["id"].iloc[0])


def prospectivity_layer(
    store: Store, run_id: str | None = None, *, max_cells: int = 200
) -> dict[str, Any] | None:
    """The prospectivity map of a prospect run (default: the latest stored), for a map.

    Returns
    -------
    dict or None
        ``run_id``, ``name``, ``crs``, ``easting`` and ``northing`` (cell centres),
        ``probability`` (rows north to south, ``None`` for no data), ``threshold`` (the
        permissive tract's, when the run drew one) and ``targets`` (rows of
        ``targets.csv``). A grid with more than ``max_cells`` cells along a side is shown
        with every n-th cell. ``None`` when there is no prospect run with a map.
    """
    run_id = run_id or _latest(store, "prospect")
    if run_id is None:
        return None
    record = store.run(run_id)
    path = _output(record, "prospectivity.tif")
    if path is None:
        return None
    grid = read_raster(path)
    step = max(1, int(np.ceil(max(grid.shape) / max_cells)))
    shown = grid.isel(northing=slice(None, None, step), easting=slice(None, None, step))
    values = shown.to_numpy().astype(float)
    targets_path = _output(record, "targets.csv")
    targets = read_table(targets_path) if targets_path is not None else pd.DataFrame()
    permissive = record.get("results", {}).get("permissive") or {}
    return {
        "run_id": run_id,
        "name": record["name"],
        "crs": grid.attrs.get("crs") or "",
        "easting": shown["easting"].to_numpy().tolist(),
        "northing": shown["northing"].to_numpy().tolist(),
        "probability": [[None if np.isnan(v) else float(v) for v in row] for row in values],
        "threshold": permissive.get("threshold"),
        "targets": targets.replace({np.nan: None}).to_dict(orient="records"),
    }


def import_upload(
    content: bytes, filename: str, store: Store, *, who: str, max_bytes: int
) -> RunRecord:
    """Import an uploaded inventory file (see :func:`import_inventory`).

    Raises
    ------
    DataFileError
        For an empty or oversized upload, or a type not in :data:`UPLOAD_TYPES`.
    InventoryError
        For rows the inventory refuses (naming the file and row; nothing is imported).
    """
    name = PurePosixPath(filename.replace("\\", "/")).name or "upload"
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        kind = suffix or "file without a suffix"
        msg = f"{name}: cannot import a {kind}; upload {', '.join(UPLOAD_TYPES)}"
        raise DataFileError(msg)
    if not content:
        msg = f"{name}: the upload is empty"
        raise DataFileError(msg)
    if len(content) > max_bytes:
        msg = f"{name}: {len(content):,} bytes is more than the {max_bytes:,} an upload may be"
        raise DataFileError(msg)
    with tempfile.TemporaryDirectory(prefix="bornite-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        try:
            return import_inventory(path, store=store, who=who, source=name)
        except (InventoryError, DataFileError) as error:
            # Messages name the temporary file; the person knows the upload by its name.
            text = str(error).replace(str(path), name)
            raise type(error)(text) from error
