"""``bornite drillholes validate``: read the tables of a campaign and report every problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from bornite.drillholes import NOTICE_KINDS, ValidationReport, validate
from bornite.errors import OutputExistsError, RunConfigError
from bornite.io import read_drillholes, write_table
from bornite.workflows._run import Headline, RecordTable, RunRecord, input_files, load_toml

__all__ = ["load_mapping", "run_validation", "validate_files"]


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


def run_validation(
    collar: Path,
    survey: Path,
    assay: Path,
    *,
    mapping: Path | None = None,
    units: Literal["m", "ft"] = "m",
    dip_positive_down: bool | None = None,
    csv: Path | None = None,
    overwrite: bool = False,
) -> RunRecord:
    """``bornite drillholes validate``: every problem of the three tables, as a run record
    (``results``: ``ok``, ``holes``, ``intervals``, ``problems``); with
    ``csv``, every problem is also written to that file (``hole, table, row, kind,
    message``; rows are 1-based data rows of the source table, the header not counted)."""
    if csv is not None and csv.exists() and not overwrite:
        msg = f"{csv}: exists; pass --overwrite to replace it, or choose another --csv"
        raise OutputExistsError(msg)
    report = validate_files(
        collar, survey, assay, mapping=mapping, units=units, dip_positive_down=dip_positive_down
    )
    problems = report.problems
    notices = int(problems["kind"].isin(NOTICE_KINDS).sum())
    if csv is not None:
        write_table(problems, csv)
    counts = report.counts()
    return RunRecord(
        kind="validate",
        name=collar.stem,
        inputs=input_files(
            {"collar": collar, "survey": survey, "assay": assay, "mapping": mapping}
        ),
        parameters={"units": units, "dip_positive_down": dip_positive_down},
        headline=(
            Headline("holes", "holes", report.holes, "count"),
            Headline("intervals", "intervals", report.intervals, "count"),
            Headline("problems", "problems", len(problems) - notices, "count"),
            Headline("notices", "notices (gaps: often unsampled core)", notices, "count"),
        ),
        tables={
            "kinds": RecordTable.from_frame(
                "problems by kind",
                pd.DataFrame({"kind": counts.index.astype(str), "problems": counts.to_numpy()}),
            ),
            "problems": RecordTable.from_frame(
                "problems", problems[["hole", "table", "row", "message"]], shown=20
            ),
        },
        results={"ok": report.ok, **report.to_dict()},
    )
