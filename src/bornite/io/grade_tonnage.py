"""Readers for deposit (grade-tonnage) tables and elicitation tables.

Three layouts load without a mapping:

* ``usgs2008`` -- the USGS porphyry copper database (Singer, Berger & Moring 2008,
  OFR 2008-1155): ``depname``, ``oreton`` (Mt), ``cugrd``/``mogrd`` (%), ``augrd``/``aggrd``
  (g/t); latin-1 encoded; rows without tonnage (prospects) are dropped and counted.
* ``mapmark4`` -- MapMark4 grade-and-tonnage tables: an ID and/or name column, a tonnage
  column in metric tonnes (``Ore`` or ``Tonnage (mt)``), then grade columns in percent
  (``Cu`` or ``Cu Grade (%)``).
* ``bornite`` -- bornite's own layout: ``ore_t`` and ``<element>_<unit>`` grade columns.

Any other table loads with an explicit ``columns`` mapping.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from bornite.assessment.elicitation import validate_elicitation
from bornite.core.units import grade_column, is_grade_column, tonnes
from bornite.errors import DataFileError, ValidationError

__all__ = ["read_elicitation", "read_grade_tonnage", "read_table"]

logger = logging.getLogger(__name__)

_USGS2008 = {
    "oreton": ("ore", "Mt"),
    "cugrd": ("cu", "%"),
    "mogrd": ("mo", "%"),
    "augrd": ("au", "g/t"),
    "aggrd": ("ag", "g/t"),
}
_USGS2008_KEEP = {
    "depname": "name",
    "country": "country",
    "deptype": "deposit_type",
    "latitude": "latitude",
    "longitude": "longitude",
}
_MAPMARK4_GRADE = re.compile(r"^\s*([A-Za-z]{1,3})\s*(?:grade)?\s*(?:\(%\))?\s*$", re.IGNORECASE)


def read_table(path: str | Path, **kwargs: object) -> pd.DataFrame:
    """Read a CSV, Excel or Parquet table, turning failures into a clear :class:`DataFileError`.

    CSV files that are not UTF-8 are retried as latin-1 (the USGS databases are latin-1).
    """
    path = Path(path)
    if path.is_dir():
        msg = f"{path}: is a folder, not a file; give the file inside it"
        raise DataFileError(msg)
    if not path.is_file():
        msg = f"{path}: file not found; check the path"
        raise DataFileError(msg)
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        msg = f"{path}: is empty; give a table with a header line and rows"
        raise DataFileError(msg)
    try:
        if suffix in {".xlsx", ".xls"}:
            return pd.read_excel(path, **kwargs)  # type: ignore[call-overload]
        if suffix == ".parquet":
            return pd.read_parquet(path)
        try:
            return pd.read_csv(path, **kwargs)  # type: ignore[call-overload]
        except UnicodeDecodeError:
            return pd.read_csv(path, encoding="latin-1", **kwargs)  # type: ignore[call-overload]
    except (ValueError, OSError, ImportError) as error:
        msg = f"{path}: cannot read the table ({error}); check that it is a valid {suffix} file"
        raise DataFileError(msg) from error


def _detect_layout(table: pd.DataFrame) -> str:
    columns = {str(c).strip().lower() for c in table.columns}
    if {"oreton", "cugrd"} <= columns:
        return "usgs2008"
    if "ore_t" in columns:
        return "bornite"
    if columns & {"ore", "tonnage (mt)", "tonnage"}:
        return "mapmark4"
    msg = (
        "unrecognised grade-tonnage layout: expected the USGS 2008 columns (oreton, cugrd, ...), "
        "MapMark4 columns (Ore or 'Tonnage (mt)', then grades in %), or bornite's (ore_t, "
        "cu_pct, ...); otherwise pass a column mapping"
    )
    raise DataFileError(msg)


def _apply_mapping(
    table: pd.DataFrame, mapping: Mapping[str, tuple[str, str]], keep: Mapping[str, str]
) -> pd.DataFrame:
    out = pd.DataFrame(index=table.index)
    for target_column, source_column in keep.items():
        if target_column in table.columns:
            out[source_column] = table[target_column]
    for source, (quantity, unit) in mapping.items():
        if source not in table.columns:
            msg = f"column {source!r} is not in the table; it has {', '.join(map(str, table))}"
            raise DataFileError(msg)
        values = pd.to_numeric(table[source], errors="coerce").to_numpy(dtype=float)
        if quantity == "ore":
            out["ore_t"] = tonnes(values, unit)
        else:
            out[grade_column(quantity, unit)] = values
    if "ore_t" not in out.columns:
        msg = "the column mapping names no ore tonnage; map a column to ('ore', 't' or 'Mt')"
        raise DataFileError(msg)
    ordered = [c for c in out.columns if c not in {"ore_t"} and not is_grade_column(c)]
    grades = [c for c in out.columns if is_grade_column(c)]
    return out[[*ordered, "ore_t", *grades]]


def read_grade_tonnage(
    path: str | Path,
    *,
    layout: str = "auto",
    columns: Mapping[str, tuple[str, str]] | None = None,
    deposit_type: str | None = None,
) -> pd.DataFrame:
    """Read a deposit table into bornite's grade-tonnage layout.

    Parameters
    ----------
    path : str or Path
        CSV, Excel or Parquet file.
    layout : {"auto", "usgs2008", "mapmark4", "bornite"}
        Known layout, detected from the header by default.
    columns : mapping, optional
        Explicit mapping ``{source_column: (quantity, unit)}`` where quantity is ``"ore"`` or
        an element symbol, e.g. ``{"Tonnage": ("ore", "Mt"), "Cu": ("cu", "%")}``; overrides
        ``layout``. Columns ``name``/``Name`` are kept as deposit names.
    deposit_type : str, optional
        USGS 2008 only: keep deposits whose ``deptype`` equals this code.

    Returns
    -------
    pandas.DataFrame
        ``name`` (when known), descriptive columns, ``ore_t`` in tonnes and grade columns
        ``<element>_<unit>``. ``attrs`` holds ``source``, ``layout`` and ``dropped_rows``
        (rows without a tonnage).

    Raises
    ------
    DataFileError
        When the file cannot be read or its layout is not recognised.
    """
    raw = read_table(path)
    path = Path(path)
    # Label rows by their 1-based data row in the file, so messages point at the file.
    raw.index = pd.RangeIndex(1, len(raw) + 1, name="row")
    try:
        chosen = "mapping" if columns is not None else layout
        if chosen == "auto":
            chosen = _detect_layout(raw)
        if deposit_type is not None and chosen != "usgs2008":
            msg = f"deposit_type applies to the USGS 2008 layout only; this table is {chosen!r}"
            raise DataFileError(msg)
        if columns is not None:
            keep = {c: "name" for c in raw.columns if str(c).strip().lower() == "name"}
            table = _apply_mapping(raw, columns, keep)
        elif chosen == "usgs2008":
            lower = raw.rename(columns=lambda c: str(c).strip().lower())
            if deposit_type is not None:
                lower = lower[lower["deptype"].astype(str).str.strip() == deposit_type]
            table = _apply_mapping(lower, _USGS2008, _USGS2008_KEEP)
            if "name" in table.columns:
                table["name"] = table["name"].astype(str).str.split().str.join(" ")
        elif chosen == "mapmark4":
            table = _mapmark4(raw)
        elif chosen == "bornite":
            if "ore_t" not in raw.columns:
                msg = "the bornite layout needs an ore_t column (tonnes)"
                raise DataFileError(msg)
            table = raw.copy()
            table["ore_t"] = pd.to_numeric(table["ore_t"], errors="coerce")
            unitless = [
                c
                for c in table.columns
                if c not in {"ore_t", "name", "id"}
                and not is_grade_column(str(c))
                and pd.to_numeric(table[c], errors="coerce").notna().all()
            ]
            if unitless:
                msg = (
                    f"numeric column(s) {', '.join(map(str, unitless))} carry no unit; name "
                    "grade columns <element>_<unit> (cu_pct, au_gt, ag_ppm) or pass a mapping"
                )
                raise DataFileError(msg)
        else:
            msg = f"unknown layout {layout!r}; use auto, usgs2008, mapmark4 or bornite"
            raise DataFileError(msg)
    except (DataFileError, ValidationError) as error:
        msg = f"{path}: {error}"
        raise DataFileError(msg) from error
    ore = table["ore_t"].to_numpy(dtype=float)
    # Missing and zero tonnages mean "not reported" in compilations (the USGS 2008 table has
    # both): those deposits are left out, with a warning naming them. A negative or infinite
    # tonnage is an error in the table.
    impossible = ~np.isnan(ore) & ~(np.isfinite(ore) & (ore >= 0))
    if impossible.any():
        rows = table.index[impossible]
        shown = ", ".join(
            f"row {r} ({v:g} t)" for r, v in zip(rows[:5], ore[impossible][:5], strict=False)
        )
        msg = (
            f"{path}: {int(impossible.sum())} deposit(s) with a negative or infinite ore "
            f"tonnage: {shown}{' ...' if impossible.sum() > 5 else ''}; correct the tonnage, "
            "or leave the cell empty to leave the deposit out"
        )
        raise DataFileError(msg)
    has_tonnage = ~np.isnan(ore) & (ore > 0)
    dropped = int((~has_tonnage).sum())
    if dropped:
        rows = ", ".join(map(str, table.index[~has_tonnage][:10]))
        logger.warning(
            "%s: %d row(s) without an ore tonnage (empty or 0) left out (rows %s%s)",
            path,
            dropped,
            rows,
            ", ..." if dropped > 10 else "",
        )
    table = table[has_tonnage]
    table.attrs.update({"source": str(path), "layout": chosen, "dropped_rows": dropped})
    return table


def _mapmark4(raw: pd.DataFrame) -> pd.DataFrame:
    """MapMark4 layout: [ID], [Name], tonnage (t), grades (%)."""
    names = [str(c).strip() for c in raw.columns]
    lower = [n.lower() for n in names]
    tonnage_index = next(
        (i for i, n in enumerate(lower) if n in {"ore", "tonnage (mt)", "tonnage"}), None
    )
    if tonnage_index is None:
        msg = "no MapMark4 tonnage column (Ore or 'Tonnage (mt)') in the table"
        raise DataFileError(msg)
    mapping: dict[str, tuple[str, str]] = {raw.columns[tonnage_index]: ("ore", "t")}
    for column in raw.columns[tonnage_index + 1 :]:
        match = _MAPMARK4_GRADE.match(str(column))
        if match is None:
            msg = (
                f"column {column!r} after the tonnage is not a grade in percent (expected e.g. "
                "'Cu' or 'Cu Grade (%)'); pass a column mapping"
            )
            raise DataFileError(msg)
        mapping[column] = (match.group(1).lower(), "%")
    keep = {}
    for original, low in zip(raw.columns, lower, strict=True):
        if low in {"name", "deposit name"}:
            keep[original] = "name"
        elif low in {"id"}:
            keep[original] = "id"
        elif low == "location":
            keep[original] = "location"
    return _apply_mapping(raw, mapping, keep)


def read_elicitation(path: str | Path) -> pd.DataFrame:
    """Read and validate an elicitation table (``Name, Weight, N90, N50, N10[, N05, N01]``).

    Raises
    ------
    DataFileError
        When the file cannot be read.
    ElicitationError
        When the counts are malformed; the message names the file and the rows.
    """
    return validate_elicitation(read_table(path), source=str(path))
