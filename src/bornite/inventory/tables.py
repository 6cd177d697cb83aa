"""Deposits and resource statements as documented tables, checked and put in canonical form.

A deposit table has one row per deposit; a statement table one row per reported category of
a report. The columns are documented in ``docs/inventory.md`` and listed in
:data:`DEPOSIT_COLUMNS` and :data:`STATEMENT_COLUMNS`; commodity columns follow the grade
convention of ``docs/conventions.md``: ``cu_pct``, ``au_gt``, ``mo_ppm`` for grades and
``cu_t`` for contained metal in tonnes.

A *report* is every statement of one deposit, kind (resource or reserve) and effective date.
The rules that keep roll-ups free of double counting are checked here:

* one reporting code per report (a JORC and a GB/T statement of the same date would count
  the same ore twice);
* one row per deposit, effective date, code, category and ``domain`` (oxide, sulphide, ...):
  a restatement needs a new effective date, which supersedes the old report;
* one ``inclusive_of_reserves`` flag per resource report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from bornite.core.units import is_grade_column, parse_grade_column, to_mass_fraction
from bornite.errors import InventoryError
from bornite.inventory.categories import CATEGORY_KIND, canonical_category, canonical_code

__all__ = [
    "DEPOSIT_COLUMNS",
    "STATEMENT_COLUMNS",
    "STATEMENT_KEY",
    "STATUSES",
    "commodities",
    "grade_columns",
    "normalise_deposits",
    "normalise_statements",
]

#: Deposit statuses, from the least to the most developed (and ``closed``).
STATUSES: Final[tuple[str, ...]] = (
    "occurrence",
    "prospect",
    "resource",
    "development",
    "producing",
    "closed",
)
#: Deposit columns: name -> meaning. ``id`` and ``name`` are required.
DEPOSIT_COLUMNS: Final[dict[str, str]] = {
    "id": "unique identifier (text)",
    "name": "deposit name (Chinese names allowed)",
    "aliases": "other names, separated by ';'",
    "easting": "x coordinate (longitude in a geographic CRS)",
    "northing": "y coordinate (latitude in a geographic CRS)",
    "crs": "CRS of easting/northing, e.g. EPSG:4326 (required with coordinates)",
    "deposit_type": "deposit type, e.g. porphyry Cu-Mo",
    "belt": "metallogenic belt, e.g. Gangdese",
    "region": "region or province",
    "country": "country",
    "status": f"one of {', '.join(STATUSES)}",
    "discovery_year": "year of discovery",
    "sources": "where the deposit is described",
}
#: Statement columns: name -> meaning; grade and metal columns come besides them.
STATEMENT_COLUMNS: Final[dict[str, str]] = {
    "deposit_id": "the deposit's id",
    "effective_date": "ISO date the figures are effective (YYYY-MM-DD)",
    "code": "jorc2012, cim (NI 43-101), samrec, gbt17766 or compilation",
    "category": "measured, indicated, inferred, proved, probable, unclassified (or 探明, ...)",
    "domain": "part of the deposit the row covers (oxide, sulphide, ...); empty for all",
    "ore_t": "ore tonnes (empty where a compilation gives metal only)",
    "cutoff": "cutoff as reported, e.g. '0.2% Cu'",
    "inclusive_of_reserves": "whether the resources include the reserves (default true)",
    "citation": "the source of the figures (required)",
}
#: What identifies a statement: restating it needs a new effective date.
STATEMENT_KEY: Final[tuple[str, ...]] = (
    "deposit_id",
    "effective_date",
    "code",
    "category",
    "domain",
)
_METAL = re.compile(r"^(?P<element>[a-z][a-z0-9]*)_t$")
#: A reported metal and ore x grade that differ by more than this share are refused.
METAL_TOLERANCE: Final[float] = 0.10


def _rows(frame: pd.DataFrame, mask: np.ndarray | pd.Series, limit: int = 5) -> str:
    rows = [str(r) for r in frame.index[np.asarray(mask, dtype=bool)][:limit]]
    more = int(np.asarray(mask, dtype=bool).sum()) - len(rows)
    return ", ".join(rows) + (f" and {more} more" if more > 0 else "")


def _refuse(frame: pd.DataFrame, mask: np.ndarray | pd.Series, problem: str, fix: str) -> None:
    if np.asarray(mask, dtype=bool).any():
        msg = f"row {_rows(frame, mask)}: {problem}; {fix}"
        raise InventoryError(msg)


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column with runs of white space collapsed, empty where missing (cleaned once
    per distinct value: a million rows hold few)."""
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype=object)
    codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
    cleaned = np.array([" ".join(str(u).split()) for u in uniques] + [""], dtype=object)
    return pd.Series(cleaned[codes], index=frame.index, dtype=object)


def _number(frame: pd.DataFrame, column: str) -> pd.Series:
    raw = frame[column]
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        return raw.astype(float)
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    bad = values.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
    _refuse(frame, bad, f"{column} is not a number", f"write {column} as a plain number")
    return values


def normalise_deposits(frame: pd.DataFrame) -> pd.DataFrame:
    """Check a deposit table and return it in canonical form.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns of :data:`DEPOSIT_COLUMNS`; ``id`` and ``name`` are required. The index
        labels rows in messages (1-based file rows when read from a file).

    Returns
    -------
    pandas.DataFrame
        Every column of :data:`DEPOSIT_COLUMNS`: text columns as ``str`` (empty when not
        given), ``easting``/``northing`` as float, ``discovery_year`` as nullable ``Int64``,
        ``status`` lower case.

    Raises
    ------
    InventoryError
        Naming the rows: a missing id or name, a duplicate id, an unknown status or column,
        coordinates without a CRS, an impossible year.
    """
    unknown = [c for c in frame.columns if c not in DEPOSIT_COLUMNS]
    if unknown:
        msg = (
            f"unknown deposit column(s) {', '.join(map(str, unknown))}; the columns are "
            f"{', '.join(DEPOSIT_COLUMNS)}"
        )
        raise InventoryError(msg)
    for required in ("id", "name"):
        if required not in frame.columns:
            msg = f"the deposit table has no {required} column; it needs id and name"
            raise InventoryError(msg)
    out = pd.DataFrame(index=frame.index)
    for column in DEPOSIT_COLUMNS:
        if column in {"easting", "northing"}:
            out[column] = _number(frame, column) if column in frame else np.nan
        elif column == "discovery_year":
            years = _number(frame, column) if column in frame else pd.Series(np.nan, out.index)
            wrong = years.notna() & ((years % 1 != 0) | (years < 1000) | (years > 2200))
            _refuse(frame, wrong, "discovery_year is not a year", "write a four-digit year")
            out[column] = years.astype("Int64")
        else:
            out[column] = _text(frame, column)
    _refuse(out, out["id"] == "", "the deposit has no id", "give every deposit an id")
    _refuse(out, out["name"] == "", "the deposit has no name", "give every deposit a name")
    duplicated = out["id"].duplicated(keep=False)
    _refuse(out, duplicated, "the deposit id appears twice", "give each deposit one row")
    out["status"] = out["status"].str.lower()
    bad = (out["status"] != "") & ~out["status"].isin(STATUSES)
    _refuse(out, bad, "unknown status", f"use one of {', '.join(STATUSES)}")
    located = out["easting"].notna() | out["northing"].notna()
    half = out["easting"].isna() != out["northing"].isna()
    _refuse(out, half, "only one coordinate", "give both easting and northing, or neither")
    _refuse(out, located & (out["crs"] == ""), "coordinates without a CRS", "fill crs")
    return out


def grade_columns(frame: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Grade columns of a table: ``{column: (commodity, unit)}``, e.g. ``cu_pct -> (cu, %)``."""
    return {str(c): parse_grade_column(str(c)) for c in frame.columns if is_grade_column(str(c))}


def commodities(frame: pd.DataFrame) -> list[str]:
    """Commodities with a contained-metal column ``<commodity>_t`` (``ore_t`` excluded)."""
    return [
        m["element"]
        for c in frame.columns
        if (m := _METAL.match(str(c))) is not None and m["element"] != "ore"
    ]


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(frame[column]):
        dates = frame[column].dt.tz_localize(None) if frame[column].dt.tz else frame[column]
        _refuse(frame, dates.isna(), f"no {column}", f"give {column} as YYYY-MM-DD")
        return dates.dt.normalize().astype("datetime64[ns]")
    text = _text(frame, column)
    dates = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    _refuse(
        frame,
        dates.isna(),
        f"{column} is not an ISO date",
        f"write {column} as YYYY-MM-DD, e.g. 2023-12-31",
    )
    return dates.astype("datetime64[ns]")


def _canonical(frame: pd.DataFrame, column: str, function: object) -> pd.Series:
    text = _text(frame, column)
    mapping = {}
    for value in text.unique():
        try:
            mapping[value] = function(value)  # type: ignore[operator]
        except InventoryError as error:
            msg = f"row {_rows(frame, text == value)}: {error}"
            raise InventoryError(msg) from None
    return text.map(mapping)


def _flags(frame: pd.DataFrame, column: str, default: bool) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(default, index=frame.index, dtype=bool)
    text = _text(frame, column).str.lower()
    truth = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
    bad = (text != "") & ~text.isin(list(truth))
    _refuse(frame, bad, f"{column} is not true or false", f"write {column} as true or false")
    return text.map(truth).fillna(default).astype(bool)


def normalise_statements(
    frame: pd.DataFrame, *, deposit_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """Check a statement table and return it in canonical form.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns of :data:`STATEMENT_COLUMNS` plus grade (``cu_pct``) and metal (``cu_t``)
        columns. The index labels rows in messages.
    deposit_ids : sequence of str, optional
        Known deposit ids; statements of other deposits are refused.

    Returns
    -------
    pandas.DataFrame
        The statement columns with canonical ``code`` and ``category``, ``kind``
        (resource or reserve), ``effective_date`` as ``datetime64``, grades as given and a
        ``<commodity>_t`` column for every commodity with a grade or a metal: the reported
        metal where given, else ``ore_t`` x grade.

    Raises
    ------
    InventoryError
        Naming the rows: missing or unknown values, a negative tonnage, a metal that is
        neither given nor computable, a reported metal more than 10 % from ore x grade,
        statements that break the rules of the module notes.

    Notes
    -----
    Contained metal :math:`M = T \\cdot g \\cdot f_u`, with :math:`T` the ore tonnes,
    :math:`g` the grade and :math:`f_u` the mass fraction of one grade unit (0.01 for %,
    10\\ :sup:`-6` for g/t and ppm).
    """
    grades = grade_columns(frame)
    metals = commodities(frame)
    known = set(STATEMENT_COLUMNS) | set(grades) | {f"{m}_t" for m in metals}
    unknown = [c for c in frame.columns if c not in known]
    if unknown:
        msg = (
            f"unknown statement column(s) {', '.join(map(str, unknown))}; the columns are "
            f"{', '.join(STATEMENT_COLUMNS)}, grades such as cu_pct or au_gt, and metal "
            "tonnes such as cu_t"
        )
        raise InventoryError(msg)
    for required in ("deposit_id", "effective_date", "code", "category", "citation"):
        if required not in frame.columns:
            msg = f"the statement table has no {required} column"
            raise InventoryError(msg)
    out = pd.DataFrame(index=frame.index)
    out["deposit_id"] = _text(frame, "deposit_id")
    _refuse(out, out["deposit_id"] == "", "no deposit_id", "name the statement's deposit")
    if deposit_ids is not None:
        missing = ~out["deposit_id"].isin(list(deposit_ids))
        _refuse(out, missing, "unknown deposit", "import the deposit before its statements")
    out["effective_date"] = _dates(frame, "effective_date")
    out["code"] = _canonical(frame, "code", canonical_code)
    out["category"] = _canonical(frame, "category", canonical_category)
    out["kind"] = out["category"].map(CATEGORY_KIND)
    out["domain"] = _text(frame, "domain")
    out["ore_t"] = _number(frame, "ore_t") if "ore_t" in frame else np.nan
    _refuse(out, out["ore_t"] < 0, "negative ore_t", "ore tonnes are zero or more")
    out["cutoff"] = _text(frame, "cutoff")
    out["inclusive_of_reserves"] = _flags(frame, "inclusive_of_reserves", default=True)
    out["citation"] = _text(frame, "citation")
    _refuse(out, out["citation"] == "", "no citation", "say where the figures come from")
    _fill_metals(frame, out, grades, metals)
    _check_reports(out)
    return out


def _fill_metals(
    frame: pd.DataFrame,
    out: pd.DataFrame,
    grades: dict[str, tuple[str, str]],
    metals: list[str],
) -> None:
    for column in grades:
        out[column] = _number(frame, column)
        _refuse(out, out[column] < 0, f"negative {column}", "grades are zero or more")
    for commodity in dict.fromkeys([c for c, _ in grades.values()] + metals):
        reported = (
            _number(frame, f"{commodity}_t")
            if f"{commodity}_t" in frame
            else pd.Series(np.nan, index=out.index)
        )
        _refuse(out, reported < 0, f"negative {commodity}_t", "metal tonnes are zero or more")
        computed = pd.Series(np.nan, index=out.index)
        for column, (element, unit) in grades.items():
            if element == commodity:
                fraction = to_mass_fraction(out[column].to_numpy(dtype=float), unit)
                computed = computed.fillna(out["ore_t"] * fraction)
        both = reported.notna() & computed.notna() & (computed > 0)
        off = both & ((reported - computed).abs() > METAL_TOLERANCE * computed)
        _refuse(
            out,
            off,
            f"{commodity}_t differs from ore_t x grade by more than 10 %",
            f"correct one of them, or leave {commodity}_t empty to compute it",
        )
        grade_given = pd.Series(False, index=out.index)
        for column, (element, _) in grades.items():
            if element == commodity:
                grade_given |= out[column].notna()
        _refuse(
            out,
            grade_given & reported.isna() & out["ore_t"].isna(),
            f"a {commodity} grade without ore_t or {commodity}_t",
            f"give ore_t, or the contained metal as {commodity}_t",
        )
        out[f"{commodity}_t"] = reported.fillna(computed)


def _check_reports(out: pd.DataFrame) -> None:
    duplicated = out.duplicated(list(STATEMENT_KEY), keep=False)
    _refuse(
        out,
        duplicated,
        "two statements of the same deposit, date, code, category and domain",
        "merge them, tell them apart by domain, or date a restatement later",
    )
    report = ["deposit_id", "kind", "effective_date"]
    codes = out.groupby(report)["code"].transform("nunique")
    _refuse(
        out,
        codes > 1,
        "one report (deposit, resource or reserve, date) under two reporting codes",
        "keep one code per date: two would count the same ore twice",
    )
    resources = out[out["kind"] == "resource"]
    flags = resources.groupby(report)["inclusive_of_reserves"].transform("nunique")
    _refuse(
        resources,
        flags > 1,
        "a resource report both inclusive and exclusive of reserves",
        "give the report one inclusive_of_reserves value",
    )
