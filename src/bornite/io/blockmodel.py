"""Block-model exports: tables (CSV, Parquet) and VTK for 3-D viewers (ParaView)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from bornite.errors import ValidationError
from bornite.io.outputs import write_table, write_text

__all__ = ["block_table", "write_block_model", "write_vtk"]

_DIMS = ("easting", "northing", "elevation")


def block_table(model: xr.Dataset, *, drop_empty: bool = True) -> pd.DataFrame:
    """The block model as a table: one row per block, centroid columns then variables.

    With ``drop_empty``, blocks where every variable is missing are left out.
    """
    table = model.to_dataframe().reset_index()
    variables = [c for c in table.columns if c not in _DIMS]
    if drop_empty and variables:
        table = table[table[variables].notna().any(axis=1)].reset_index(drop=True)
    return table


def write_block_model(model: xr.Dataset, path: str | Path) -> Path:
    """Write the block model as CSV or Parquet (by suffix) or legacy VTK (``.vtk``)."""
    target = Path(path)
    if target.suffix.lower() == ".vtk":
        return write_vtk(model, target)
    return write_table(block_table(model), target)


def write_vtk(model: xr.Dataset, path: str | Path) -> Path:
    """Write a legacy ASCII VTK ``STRUCTURED_POINTS`` file with one cell per block.

    Cell data hold every numeric variable (missing values as NaN), in VTK's x-fastest order.
    """
    if any(d not in model.dims for d in _DIMS):
        msg = f"a block model needs dimensions {', '.join(_DIMS)}"
        raise ValidationError(msg)
    shape = [model.sizes[d] for d in _DIMS]
    size = [float(v) for v in model.attrs["block_size"]]
    origin = [float(v) for v in model.attrs["origin"]]
    lines = [
        "# vtk DataFile Version 3.0",
        "bornite block model",
        "ASCII",
        "DATASET STRUCTURED_POINTS",
        f"DIMENSIONS {shape[0] + 1} {shape[1] + 1} {shape[2] + 1}",
        f"ORIGIN {origin[0]} {origin[1]} {origin[2]}",
        f"SPACING {size[0]} {size[1]} {size[2]}",
        f"CELL_DATA {int(np.prod(shape))}",
    ]
    for name, variable in model.data_vars.items():
        if not np.issubdtype(variable.dtype, np.number):
            continue
        values = variable.transpose(*_DIMS).values.astype(float)
        flat = values.transpose(2, 1, 0).ravel()  # x fastest, then y, then z
        lines.append(f"SCALARS {str(name).replace(' ', '_')} double 1")
        lines.append("LOOKUP_TABLE default")
        lines.extend(" ".join(f"{v:.6g}" for v in flat[i : i + 9]) for i in range(0, flat.size, 9))
    return write_text("\n".join(lines) + "\n", path)
