"""Readers for the input files of the Geological Survey of Finland's MapWizard.

* :func:`read_deposit_density_coefficients` -- a deposit-density model file
  (``PorphyryCu_data.csv`` and the like: ``;``-separated ``a;b;c;t10,N-3;sy|x;N;MeanLogArea;
  MeanLogMedTons;sLogArea;sLogMedTons;Bibliographic information``) into a
  :class:`~bornite.assessment.deposit_density.DepositDensityModel`.
* :func:`read_control_tracts` -- the control tracts behind a deposit-density model
  (``IndataPorCu.csv`` ...: ``;``-separated, no header, areas with spaces between thousands).
* :func:`read_pmf_csv` -- one tract's pmf as MapMark4 writes it (``<run>_03_PMF_Probs.csv``:
  ``NDeposits``, ``RelProbs``).
* :func:`read_tract_pmfs` -- several tracts' pmfs in one table (MapWizard's
  ``CorresondingEstimates.csv``: tract, ``NDeposits``, ``RelProbs``).
* :func:`read_correlation_matrix` -- a tract correlation matrix, typically only its lower
  triangle (``CorrelationTab.csv``).

References
----------
Geological Survey of Finland, 2019, MapWizard, tools "Deposit density" and "Aggregate results":
https://github.com/gtkfi/MapWizard.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Literal, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from bornite.assessment.aggregation import symmetrize_correlation, validate_correlation
from bornite.assessment.deposit_density import DepositDensityModel
from bornite.assessment.pmf import DepositCountPmf, custom_pmf
from bornite.errors import DataFileError, ValidationError
from bornite.io._files import read_text

__all__ = [
    "read_control_tracts",
    "read_correlation_matrix",
    "read_deposit_density_coefficients",
    "read_pmf_csv",
    "read_tract_pmfs",
]

#: Deposit-density file header (squeezed: lower case, no spaces) -> field.
_DENSITY_COLUMNS = {
    "a": "a",
    "b": "b",
    "c": "c",
    "t10,n-3": "t_value",
    "t10": "t_value",
    "t": "t_value",
    "sy|x": "s_yx",
    "syx": "s_yx",
    "n": "n_tracts",
    "meanlogarea": "mean_log_area",
    "meanlogmedtons": "mean_log_tonnage",
    "slogarea": "var_log_area",
    "slogmedtons": "var_log_tonnage",
    "bibliographicinformation": "citation",
}
#: How the file names each field, for messages.
_DENSITY_HEADER = {
    "a": "a",
    "b": "b",
    "t_value": "t10,N-3",
    "s_yx": "sy|x",
    "n_tracts": "N",
    "mean_log_area": "MeanLogArea",
    "var_log_area": "sLogArea",
}
_DENSITY_REQUIRED = ("a", "b", "t_value", "s_yx", "n_tracts", "mean_log_area", "var_log_area")
_DEPOSIT_TYPES = {
    "porphyrycu": "porphyry copper",
    "podiformcr": "podiform chromite",
    "vms": "volcanogenic massive sulfide",
    "general": "general",
}


def _rows(path: Path, delimiter: str) -> list[tuple[int, list[str]]]:
    """Non-blank rows of a delimited file with their 1-based line numbers."""
    reader = csv.reader(io.StringIO(read_text(path)), delimiter=delimiter)
    return [
        (reader.line_num, [cell.strip() for cell in row])
        for row in reader
        if any(cell.strip() for cell in row)
    ]


def _number(text: str, path: Path, line: int, what: str) -> float:
    """Parse a number written with spaces (or no-break spaces) between thousands."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        msg = f"{path}, row {line}: {what} {text!r} is not a number; fix the file"
        raise DataFileError(msg) from None


# --------------------------------------------------------------------- deposit-density models
def read_deposit_density_coefficients(
    path: str | Path,
    *,
    spread: Literal["variance", "sd"] = "variance",
    deposit_type: str | None = None,
) -> DepositDensityModel:
    """Read a MapWizard deposit-density model file.

    Parameters
    ----------
    path : str or Path
        ``;``-separated file with a header row and one row of coefficients.
    spread : {"variance", "sd"}
        What the ``sLogArea`` and ``sLogMedTons`` columns hold. MapWizard's formula uses them
        as variances, and the single-type files (porphyry Cu, podiform Cr, VMS) hold variances;
        pass ``"sd"`` for a file that holds standard deviations (they are squared).
    deposit_type : str, optional
        Name carried by the model (default: from the file name, ``PorphyryCu_data.csv`` ->
        ``"porphyry copper"``).

    Returns
    -------
    DepositDensityModel
        Without a calibration range (the file has none): predictions more than three standard
        deviations of log10(area) from ``MeanLogArea`` warn.

    Raises
    ------
    DataFileError
        If the file is missing, a required column is absent, or a value is not a number; the
        message names the file, row and column.

    Notes
    -----
    MapWizard's ``PorphyryCu_data.csv`` gives ``MeanLogArea = 2.622``, while its own 33 control
    tracts (``IndataPorCu.csv``) have a mean log10(area in km2) of 4.6305, with the same variance
    0.2912 as the file. :meth:`DepositDensityModel.porphyry_copper` uses 4.6305; a model read
    from the file reproduces MapWizard (and warns for typical tract areas).
    """
    path = Path(path)
    rows = _rows(path, ";")
    if len(rows) < 2:
        msg = f"{path}: expected a header row and a row of coefficients, got {len(rows)} row(s)"
        raise DataFileError(msg)
    (_, header), (line, values) = rows[0], rows[1]
    fields: dict[str, object] = {}
    for position, name in enumerate(header):
        key = _DENSITY_COLUMNS.get(re.sub(r"\s", "", name.lower()))
        if key is None or position >= len(values):
            continue
        if key == "citation":
            fields[key] = "; ".join(v for v in values[position:] if v)
            continue
        if values[position] == "":
            continue
        fields[key] = _number(values[position], path, line, f"column {name!r}")
    missing = [k for k in _DENSITY_REQUIRED if k not in fields]
    if missing:
        names = ", ".join(_DENSITY_HEADER[k] for k in missing)
        msg = (
            f"{path}, row {line}: missing value(s) for {names}; expected MapWizard's header "
            "a;b;c;t10,N-3;sy|x;N;MeanLogArea;MeanLogMedTons;sLogArea;sLogMedTons;"
            "Bibliographic information"
        )
        raise DataFileError(msg)
    if spread not in {"variance", "sd"}:
        msg = f"spread must be 'variance' or 'sd', got {spread!r}"
        raise ValidationError(msg)
    if spread == "sd":
        for key in ("var_log_area", "var_log_tonnage"):
            if key in fields:
                fields[key] = float(fields[key]) ** 2  # type: ignore[arg-type]
    if float(fields.get("c", 0.0)) == 0.0:  # type: ignore[arg-type]
        fields.pop("mean_log_tonnage", None)
        fields.pop("var_log_tonnage", None)
    if deposit_type is None:
        stem = re.sub(r"_data$", "", path.stem, flags=re.IGNORECASE)
        deposit_type = _DEPOSIT_TYPES.get(stem.lower(), stem)
    try:
        return DepositDensityModel(deposit_type=deposit_type, **fields)  # type: ignore[arg-type]
    except ValidationError as error:
        msg = f"{path}, row {line}: {error}"
        raise DataFileError(msg) from error


def read_control_tracts(path: str | Path) -> pd.DataFrame:
    """Read the control tracts of a MapWizard deposit-density model.

    Three layouts are recognised (``;``-separated, no header):

    * ``type;tract;area;deposits`` (``IndataPorCu.csv``),
    * ``type;tract;area;deposits;type id`` (``IndataPodiformCr.csv``, ``IndataVMS.csv``),
    * ``type;type id;tract;area;deposits`` (``IndataGeneral.csv``).

    Areas may have spaces between thousands (``"93 400"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``deposit_type``, ``tract``, ``area_km2`` (float), ``n_deposits`` (int), and
        ``type_id`` (int) when the file has it.

    Raises
    ------
    DataFileError
        For a missing file, an unknown layout, or a value that is not a number (naming the row).
    """
    path = Path(path)
    rows = _rows(path, ";")
    if not rows:
        msg = f"{path}: the file has no rows"
        raise DataFileError(msg)
    widths = {len(row) for _, row in rows}
    if len(widths) != 1 or next(iter(widths)) not in {4, 5}:
        msg = (
            f"{path}: expected 4 or 5 ';'-separated columns on every row (type;tract;area;"
            f"deposits[;type id] or type;type id;tract;area;deposits), got {sorted(widths)}"
        )
        raise DataFileError(msg)
    width = next(iter(widths))
    if width == 4:
        positions = {"deposit_type": 0, "tract": 1, "area_km2": 2, "n_deposits": 3}
    elif all(re.fullmatch(r"\d+", row[1]) for _, row in rows):
        positions = {"deposit_type": 0, "type_id": 1, "tract": 2, "area_km2": 3, "n_deposits": 4}
    else:
        positions = {"deposit_type": 0, "tract": 1, "area_km2": 2, "n_deposits": 3, "type_id": 4}
    records = []
    for line, row in rows:
        record: dict[str, object] = {
            "deposit_type": row[positions["deposit_type"]],
            "tract": row[positions["tract"]],
            "area_km2": _number(row[positions["area_km2"]], path, line, "area"),
        }
        count = _number(row[positions["n_deposits"]], path, line, "number of deposits")
        if count < 0 or count != round(count):
            msg = f"{path}, row {line}: number of deposits {count:g} must be a whole number >= 0"
            raise DataFileError(msg)
        record["n_deposits"] = int(count)
        if "type_id" in positions:
            record["type_id"] = int(_number(row[positions["type_id"]], path, line, "type id"))
        if not record["area_km2"] > 0:  # type: ignore[operator]
            msg = f"{path}, row {line}: area must be > 0 km2, got {record['area_km2']}"
            raise DataFileError(msg)
        records.append(record)
    columns = ["deposit_type", "tract", "area_km2", "n_deposits"]
    if "type_id" in positions:
        columns.append("type_id")
    return pd.DataFrame.from_records(records, columns=columns)


# ----------------------------------------------------------------------------------- pmfs
def _find(table: pd.DataFrame, name: str, path: Path) -> str:
    for column in table.columns:
        if str(column).strip().lower() == name.lower():
            return str(column)
    have = ", ".join(map(str, table.columns))
    msg = f"{path}: no column {name!r}; expected NDeposits and RelProbs, the file has {have}"
    raise DataFileError(msg)


def _pmf_from(
    n: npt.ArrayLike, rel: npt.ArrayLike, path: Path, lines: npt.ArrayLike, label: str
) -> DepositCountPmf:
    counts = pd.to_numeric(pd.Series(np.asarray(n)), errors="coerce").to_numpy(dtype=float)
    probs = pd.to_numeric(pd.Series(np.asarray(rel)), errors="coerce").to_numpy(dtype=float)
    rows = np.asarray(lines)
    bad = ~np.isfinite(counts) | ~np.isfinite(probs) | (counts < 0) | (probs < 0)
    bad |= counts != np.round(counts)
    if bad.any():
        line = int(rows[np.flatnonzero(bad)[0]])
        msg = (
            f"{path}, row {line}: NDeposits must be a whole number >= 0 and RelProbs a number "
            ">= 0; fix the row"
        )
        raise DataFileError(msg)
    disorder = np.flatnonzero(np.diff(counts) <= 0)
    if disorder.size:
        line = int(rows[disorder[0] + 1])
        msg = f"{path}, row {line}: NDeposits must increase from row to row{label}"
        raise DataFileError(msg)
    try:
        return custom_pmf(counts.astype(np.int64), probs, description=f"{path.name}{label}")
    except ValidationError as error:
        msg = f"{path}{label}: {error}"
        raise DataFileError(msg) from error


def _read_csv(path: Path, **kwargs: object) -> pd.DataFrame:
    text = read_text(path)
    try:
        return pd.read_csv(io.StringIO(text), **kwargs)  # type: ignore[call-overload]
    except (ValueError, pd.errors.ParserError) as error:
        msg = f"{path}: cannot read the table ({error}); check that it is a CSV file"
        raise DataFileError(msg) from error


def read_pmf_csv(path: str | Path) -> DepositCountPmf:
    """Read one tract's pmf written by MapMark4 (columns ``NDeposits`` and ``RelProbs``).

    Returns
    -------
    DepositCountPmf
        ``method="custom"``; relative probabilities are normalised to sum to one.

    Raises
    ------
    DataFileError
        For a missing file or column, or a row whose values are invalid (the row is named, as
        the line number in the file).
    """
    path = Path(path)
    table = _read_csv(path)
    n = _find(table, "NDeposits", path)
    rel = _find(table, "RelProbs", path)
    if table.empty:
        msg = f"{path}: the pmf has no rows"
        raise DataFileError(msg)
    return _pmf_from(table[n], table[rel], path, np.arange(len(table)) + 2, "")


def read_tract_pmfs(path: str | Path) -> dict[str, DepositCountPmf]:
    """Read several tracts' pmfs from one table (MapWizard's "corresponding estimates").

    The table has a tract column (``TractID``, or the first column that is neither
    ``NDeposits`` nor ``RelProbs`` nor an unnamed row index) and ``NDeposits``, ``RelProbs``.

    Returns
    -------
    dict of str to DepositCountPmf
        In the order in which the tracts first appear.
    """
    path = Path(path)
    table = _read_csv(path)
    n = _find(table, "NDeposits", path)
    rel = _find(table, "RelProbs", path)
    candidates = [
        str(c)
        for c in table.columns
        if str(c) not in {n, rel} and not str(c).startswith("Unnamed") and str(c).strip()
    ]
    preferred = [c for c in candidates if c.strip().lower() in {"tractid", "tract"}]
    if not (preferred or candidates):
        msg = f"{path}: no tract column; expected TractID, NDeposits, RelProbs"
        raise DataFileError(msg)
    tract = (preferred or candidates)[0]
    lines = np.arange(len(table)) + 2
    out: dict[str, DepositCountPmf] = {}
    for name in pd.unique(table[tract].astype(str)):
        rows = (table[tract].astype(str) == name).to_numpy()
        out[str(name)] = _pmf_from(
            table.loc[rows, n], table.loc[rows, rel], path, lines[rows], f" (tract {name})"
        )
    return out


# ------------------------------------------------------------------------ correlation matrix
@overload
def read_correlation_matrix(
    path: str | Path, *, labelled: Literal[False] = ..., validate: bool = ...
) -> npt.NDArray[np.float64]: ...


@overload
def read_correlation_matrix(
    path: str | Path, *, labelled: Literal[True], validate: bool = ...
) -> pd.DataFrame: ...


def read_correlation_matrix(
    path: str | Path, *, labelled: bool = False, validate: bool = True
) -> npt.NDArray[np.float64] | pd.DataFrame:
    """Read a tract correlation matrix, full or lower-triangular (MapWizard's layout).

    The first row names the tracts (after an empty corner cell) and each following row starts
    with a tract name; cells above the diagonal may be empty.

    Parameters
    ----------
    path : str or Path
        CSV file.
    labelled : bool
        Return a DataFrame indexed by tract name (aligned by name in
        :func:`~bornite.assessment.aggregation.aggregate_tracts`) instead of an array.
    validate : bool
        Check that the completed matrix is a correlation matrix (unit diagonal, entries in
        [-1, 1], positive semi-definite).

    Returns
    -------
    numpy.ndarray or pandas.DataFrame, shape (k, k)
        The full symmetric matrix.

    Raises
    ------
    DataFileError
        For a missing file, a matrix that is not square or whose row and column names differ,
        a cell that is not a number (naming its row), or, with ``validate``, a matrix that is
        not a correlation matrix.
    """
    path = Path(path)
    rows = _rows(path, ",")
    if len(rows) < 2:
        msg = f"{path}: expected a header row of tract names and one row per tract"
        raise DataFileError(msg)
    header = rows[0][1][1:]
    while header and header[-1] == "":
        header.pop()
    k = len(header)
    if len(rows) - 1 != k:
        msg = (
            f"{path}: the header names {k} tracts but there are {len(rows) - 1} rows; the "
            "matrix must be square"
        )
        raise DataFileError(msg)
    labels: list[str] = []
    values = np.full((k, k), np.nan)
    for i, (line, row) in enumerate(rows[1:]):
        labels.append(row[0])
        cells = row[1:]
        if len(cells) > k and any(cell != "" for cell in cells[k:]):
            msg = f"{path}, row {line}: {len(cells)} values for {k} tracts"
            raise DataFileError(msg)
        for j, cell in enumerate(cells[:k]):
            if cell != "" and cell.upper() != "NA":
                values[i, j] = _number(cell, path, line, f"correlation with {header[j]}")
    if labels != header:
        msg = (
            f"{path}: row names ({', '.join(labels)}) differ from column names "
            f"({', '.join(header)}); list the tracts in the same order"
        )
        raise DataFileError(msg)
    try:
        matrix = validate_correlation(values) if validate else symmetrize_correlation(values)
    except ValidationError as error:
        msg = f"{path}: {error}"
        raise DataFileError(msg) from error
    if labelled:
        return pd.DataFrame(matrix, index=pd.Index(labels, name="tract"), columns=labels)
    return matrix
