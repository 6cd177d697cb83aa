"""Drill-hole workflows: read the tables of a campaign and validate them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from bornite.drillholes import ValidationReport, validate
from bornite.errors import RunConfigError
from bornite.io import read_drillholes
from bornite.workflows._run import load_toml

__all__ = ["load_mapping", "validate_files"]


def load_mapping(path: Path) -> dict[str, Any]:
    """A column mapping from a TOML or JSON file (one table for all files, or one per file:
    ``[collar]``, ``[survey]``, ``[assay]``)."""
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            msg = f"{path}: cannot read the column mapping ({error}); give a TOML or JSON file"
            raise RunConfigError(msg) from error
    else:
        data = load_toml(path)
    if not isinstance(data, dict):
        msg = f"{path}: a column mapping must be a table of column = name entries"
        raise RunConfigError(msg)
    return data


def validate_files(
    collar: Path,
    survey: Path,
    assay: Path,
    *,
    mapping: Path | None = None,
    units: Literal["m", "ft"] = "m",
    dip_positive_down: bool | None = None,
) -> ValidationReport:
    """Read the three tables and report every problem (nothing is raised for bad data)."""
    database = read_drillholes(
        collar,
        survey,
        assay,
        mapping=load_mapping(mapping) if mapping is not None else None,
        units=units,
        dip_positive_down=dip_positive_down,
    )
    return validate(database)
