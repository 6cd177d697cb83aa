"""Reader for drill-hole collar, survey and assay tables (CSV, Excel or Parquet).

Common column names are recognised without a mapping, ignoring case and surrounding spaces:

==============  ===========================================================
bornite column  recognised source names
==============  ===========================================================
``hole``        HOLEID, HOLE_ID, BHID, DHID, HOLE
``easting``     XCOLLAR, EAST, EASTING, X
``northing``    YCOLLAR, NORTH, NORTHING, Y
``elevation``   ZCOLLAR, RL, ELEV, ELEVATION, Z
``length``      LENGTH, DEPTH, MAX_DEPTH, EOH, TOTAL_DEPTH (collar table)
``depth``       AT, DEPTH, SURVEY_DEPTH (survey table)
``azimuth``     AZ, AZIMUTH, BRG, BEARING
``dip``         DIP, INCLINATION
``from``        FROM, DEPTH_FROM, MFROM
``to``          TO, DEPTH_TO, MTO
==============  ===========================================================

Every other column of the assay table whose non-empty values are mostly numbers (``<0.01``
counts as a number) is a grade column, named in lower case unless the mapping renames it;
the values are kept as read (text included) for :func:`bornite.drillholes.validate`. Other
columns (lithology, sample numbers) are kept unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from bornite.drillholes.database import DrillholeDatabase
from bornite.errors import DataFileError
from bornite.io.grade_tonnage import read_table

__all__ = ["BABBITT_MAPPING", "FOOT", "read_drillholes"]

#: Metres in one international foot.
FOOT = 0.3048

#: Mapping that gives the Babbitt (Duluth Complex) grade columns bornite's unit-bearing names;
#: the hole, coordinate, depth and orientation columns are recognised without it.
BABBITT_MAPPING: dict[str, str] = {"CU": "cu_pct", "NI": "ni_pct", "S": "s_pct", "FE": "fe_pct"}

_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "collar": {
        "hole": ("holeid", "hole_id", "bhid", "dhid", "hole"),
        "easting": ("xcollar", "east", "easting", "x"),
        "northing": ("ycollar", "north", "northing", "y"),
        "elevation": ("zcollar", "rl", "elev", "elevation", "z"),
        "length": ("length", "depth", "max_depth", "eoh", "total_depth"),
    },
    "survey": {
        "hole": ("holeid", "hole_id", "bhid", "dhid", "hole"),
        "depth": ("at", "depth", "survey_depth"),
        "azimuth": ("az", "azimuth", "brg", "bearing"),
        "dip": ("dip", "inclination"),
    },
    "assay": {
        "hole": ("holeid", "hole_id", "bhid", "dhid", "hole"),
        "from": ("from", "depth_from", "mfrom"),
        "to": ("to", "depth_to", "mto"),
    },
}
_REQUIRED = {
    "collar": ("hole", "easting", "northing", "elevation"),
    "survey": ("hole", "depth", "azimuth", "dip"),
    "assay": ("hole", "from", "to"),
}
_NUMBERISH = re.compile(r"^\s*[<>]?\s*=?\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")


def _table_mapping(mapping: Mapping[str, Any] | None, table: str) -> dict[str, str]:
    if mapping is None:
        return {}
    if (
        mapping
        and set(mapping) <= {"collar", "survey", "assay"}
        and all(isinstance(v, Mapping) for v in mapping.values())
    ):
        return {str(k): str(v) for k, v in mapping.get(table, {}).items()}
    return {str(k): str(v) for k, v in mapping.items()}


def _rename(raw: pd.DataFrame, table: str, mapping: dict[str, str], path: Path) -> pd.DataFrame:
    """Rename source columns to bornite's names: explicit mapping first, then the aliases."""
    by_lower = {str(c).strip().lower(): c for c in raw.columns}
    rename: dict[object, str] = {}
    for source, target in mapping.items():
        column = by_lower.get(source.strip().lower())
        if column is not None:
            rename[column] = target
    taken = set(rename.values())
    for target, aliases in _ALIASES[table].items():
        if target in taken:
            continue
        for alias in aliases:
            column = by_lower.get(alias)
            if column is not None and column not in rename:
                rename[column] = target
                break
    out = raw.rename(columns=rename)
    missing = [c for c in _REQUIRED[table] if c not in out.columns]
    if missing:
        hints = "; ".join(f"{c}: one of {', '.join(_ALIASES[table][c]).upper()}" for c in missing)
        msg = (
            f"{path}: {table} table lacks column(s) {', '.join(missing)} ({hints}); it has "
            f"{', '.join(map(str, raw.columns))}; map them with --mapping FILE (command line) or "
            f'mapping = {{ SOURCE = "{missing[0]}" }} ([drillholes] of a run file)'
        )
        raise DataFileError(msg)
    return out


def _read_text_table(path: Path) -> pd.DataFrame:
    """A table with every cell as written (CSV and Excel): hole ids ``007`` and ``7`` stay two
    ids, as a drilling database means them; numbers are parsed after the columns are known."""
    if path.suffix.lower() == ".parquet":
        return read_table(path)
    return read_table(path, dtype=str)


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    """Columns other than ``hole`` that are wholly numbers become numeric (as pandas would
    have read them); any other column stays text, for validation to report its values."""
    out = table.copy()
    for column in out.columns:
        if column == "hole" or not (
            pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(out[column])
        ):
            continue
        text = out[column].astype("string").str.strip()
        numbers = pd.to_numeric(text, errors="coerce")
        if bool((numbers.notna() | text.isna() | (text == "")).all()):
            out[column] = numbers.astype(float)
    return out


def _hole_id(value: object) -> object:
    """Hole identifier as text, as written (CSV, Excel); numeric ids of a Parquet table read as
    floats (``1001.0``) lose the ``.0``."""
    if pd.isna(value):  # type: ignore[call-overload]
        return None
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def _numberish(series: pd.Series) -> bool:
    if pd.api.types.is_numeric_dtype(series):
        return True
    text = series.dropna().astype(str).str.strip()
    text = text[text != ""]
    if text.empty:
        return False
    return bool(text.str.match(_NUMBERISH).mean() >= 0.5)


def _scaled(series: pd.Series, factor: float) -> pd.Series:
    """Numbers times ``factor``; text that is not a number is kept for validation to report."""
    number = pd.to_numeric(series, errors="coerce")
    bad = number.isna() & series.notna()
    if not bad.any():
        scaled = number.astype(float) * factor
        scaled.name = series.name
        return scaled
    out = series.astype(object).copy()
    out[~bad] = number[~bad].astype(float) * factor
    return out


def read_drillholes(
    collar: str | Path,
    survey: str | Path,
    assay: str | Path,
    *,
    mapping: Mapping[str, Any] | None = None,
    units: Literal["m", "ft"] = "m",
    dip_positive_down: bool | None = None,
) -> DrillholeDatabase:
    """Read collar, survey and assay files into a :class:`~bornite.drillholes.DrillholeDatabase`.

    Parameters
    ----------
    collar, survey, assay : str or Path
        CSV, Excel or Parquet files.
    mapping : mapping, optional
        ``{source_column: bornite_name}`` applied to all three tables, or
        ``{"collar": {...}, "survey": {...}, "assay": {...}}`` per table. Needed only for
        names outside the recognised aliases (module table) and to rename grade columns,
        e.g. ``{"CU": "cu_pct"}`` (:data:`BABBITT_MAPPING`).
    units : {"m", "ft"}
        Unit of coordinates, lengths and depths in the files; feet are converted to metres
        and the conversion is recorded in ``metadata``.
    dip_positive_down : bool, optional
        Whether the survey dips are positive downwards (then their sign is flipped to
        bornite's negative-down convention). By default it is detected: if most non-zero
        dips are positive, they are taken as positive down.

    Returns
    -------
    DrillholeDatabase
        Tables indexed by ``row`` (1-based data row of each file). When the collar table has
        no length column, ``length`` is the deepest interval ``to`` of the hole (or its
        deepest survey station when it has no interval). ``metadata`` holds ``source``,
        ``source_units``, ``length_factor``, ``dip_flipped`` and ``length_from``.

    Raises
    ------
    DataFileError
        When a file cannot be read or lacks a required column.

    Notes
    -----
    Values are not checked here: run :func:`bornite.drillholes.validate` on the result,
    then :func:`bornite.drillholes.fix` with a :class:`~bornite.drillholes.FixPolicy`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "c.csv").write_text("HOLEID,EAST,NORTH,RL\\nA,0,0,100\\n")
    >>> _ = (folder / "s.csv").write_text("HOLEID,DEPTH,AZIMUTH,DIP\\nA,0,90,60\\n")
    >>> _ = (folder / "a.csv").write_text("HOLEID,FROM,TO,CU\\nA,0,10,0.5\\nA,10,20,<0.01\\n")
    >>> db = read_drillholes(folder / "c.csv", folder / "s.csv", folder / "a.csv",
    ...                      units="ft", mapping={"CU": "cu_pct"})
    >>> db.collar["length"].round(3).tolist(), db.survey["dip"].tolist(), db.grades
    ([6.096], [-60.0], ('cu_pct',))
    >>> db.intervals["cu_pct"].tolist()
    ['0.5', '<0.01']
    """
    if units not in ("m", "ft"):
        msg = f"units={units!r}; use 'm' or 'ft'"
        raise DataFileError(msg)
    factor = FOOT if units == "ft" else 1.0
    paths = {"collar": Path(collar), "survey": Path(survey), "assay": Path(assay)}
    tables = {
        name: _typed(_rename(_read_text_table(path), name, _table_mapping(mapping, name), path))
        for name, path in paths.items()
    }
    c, s, a = tables["collar"], tables["survey"], tables["assay"]
    for table in (c, s, a):
        table["hole"] = table["hole"].map(_hole_id)
    for column in ("easting", "northing", "elevation"):
        c[column] = _scaled(c[column], factor)
    s["depth"] = _scaled(s["depth"], factor)
    s["azimuth"] = _scaled(s["azimuth"], 1.0)
    s["dip"] = _scaled(s["dip"], 1.0)
    a["from"] = _scaled(a["from"], factor)
    a["to"] = _scaled(a["to"], factor)

    dips = pd.to_numeric(s["dip"], errors="coerce").to_numpy(dtype=float)
    nonzero = dips[np.isfinite(dips) & (dips != 0)]
    if dip_positive_down is None:
        dip_positive_down = bool(nonzero.size and (nonzero > 0).mean() > 0.5)
    if dip_positive_down:
        numeric = pd.to_numeric(s["dip"], errors="coerce")
        s["dip"] = (
            s["dip"].where(numeric.isna(), -numeric) if s["dip"].dtype == object else -numeric
        )

    if "length" in c.columns:
        c["length"] = _scaled(c["length"], factor)
        length_from = "collar"
    else:
        deepest = pd.to_numeric(a["to"], errors="coerce").groupby(a["hole"]).max()
        deepest_survey = pd.to_numeric(s["depth"], errors="coerce").groupby(s["hole"]).max()
        c["length"] = c["hole"].map(deepest).fillna(c["hole"].map(deepest_survey))
        length_from = "intervals"

    reserved = {"hole", "from", "to"}
    grades = [str(col) for col in a.columns if col not in reserved and _numberish(a[col])]
    renamed = set(_table_mapping(mapping, "assay").values())
    lower = {g: g if g in renamed else g.strip().lower() for g in grades}
    a = a.rename(columns=lower)
    grades = [lower[g] for g in grades]
    collar_table = c[
        ["hole", "easting", "northing", "elevation", "length"]
        + [x for x in c.columns if x not in _ALIASES["collar"]]
    ]
    survey_table = s[
        ["hole", "depth", "azimuth", "dip"] + [x for x in s.columns if x not in _ALIASES["survey"]]
    ]
    interval_table = a[["hole", "from", "to"] + [x for x in a.columns if x not in reserved]]
    metadata = {
        "source": {name: str(path) for name, path in paths.items()},
        "source_units": units,
        "length_factor": factor,
        "dip_flipped": dip_positive_down,
        "length_from": length_from,
    }
    return DrillholeDatabase(
        collar=collar_table,
        survey=survey_table,
        intervals=interval_table,
        grades=grades,
        metadata=metadata,
    )
