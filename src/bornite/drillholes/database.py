"""The drill-hole database: collar, survey and interval tables in bornite's conventions.

A :class:`DrillholeDatabase` holds three :class:`pandas.DataFrame` tables:

* ``collar`` -- one row per hole: ``hole, easting, northing, elevation, length``;
* ``survey`` -- down-hole orientation stations: ``hole, depth, azimuth, dip``;
* ``intervals`` -- sampled intervals: ``hole, from, to`` and the grade columns, plus any
  other interval columns (lithology, domain codes) kept as they are.

Depths, lengths and coordinates are in metres; azimuth is clockwise from north in degrees;
dip is in degrees and **negative down** (-90 is a vertical hole pointing down). Every table is
indexed by ``row``, the 1-based row of the record in its source table, so that validation
messages point at the line a user can fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from bornite.core.validation import require_columns
from bornite.errors import ValidationError

__all__ = [
    "COLLAR_COLUMNS",
    "INTERVAL_COLUMNS",
    "SURVEY_COLUMNS",
    "DrillholeDatabase",
]

#: Required collar columns.
COLLAR_COLUMNS: tuple[str, ...] = ("hole", "easting", "northing", "elevation", "length")
#: Required survey columns.
SURVEY_COLUMNS: tuple[str, ...] = ("hole", "depth", "azimuth", "dip")
#: Required interval columns (grade columns follow).
INTERVAL_COLUMNS: tuple[str, ...] = ("hole", "from", "to")


def _with_row_index(table: pd.DataFrame) -> pd.DataFrame:
    """Index ``table`` by the 1-based source row unless it already is."""
    if table.index.name == "row":
        return table
    out = table.reset_index(drop=True)
    out.index = pd.RangeIndex(1, len(out) + 1, name="row")
    return out


@dataclass(frozen=True, eq=False)
class DrillholeDatabase:
    """Collar, survey and interval tables of a drilling campaign.

    Parameters
    ----------
    collar : pandas.DataFrame
        ``hole, easting, northing, elevation, length`` (metres).
    survey : pandas.DataFrame
        ``hole, depth, azimuth, dip``: depth along the hole (m), azimuth clockwise from
        north (degrees), dip negative down (degrees).
    intervals : pandas.DataFrame
        ``hole, from, to`` (m) and the columns named in ``grades``; other columns are kept.
    grades : sequence of str, optional
        Grade columns of ``intervals``; by default every interval column that is neither
        ``hole``, ``from`` nor ``to`` and is numeric.
    metadata : dict
        Provenance: source files, unit conversion, dip flip, fixes applied.

    Raises
    ------
    ValidationError
        When a table lacks a required column or a grade column is not in ``intervals``.

    Notes
    -----
    Construction checks the layout only. Values (duplicate collars, overlapping intervals,
    text in grade columns, ...) are checked by :func:`bornite.drillholes.validate`, which
    reports every problem, and repaired by :func:`bornite.drillholes.fix`.

    Tables whose index is not named ``row`` are re-indexed ``1..n`` (``row``), the 1-based
    row in the source table that validation messages quote.

    Examples
    --------
    >>> import pandas as pd
    >>> db = DrillholeDatabase(
    ...     collar=pd.DataFrame({"hole": ["A"], "easting": [0.0], "northing": [0.0],
    ...                          "elevation": [100.0], "length": [10.0]}),
    ...     survey=pd.DataFrame({"hole": ["A"], "depth": [0.0], "azimuth": [0.0],
    ...                          "dip": [-90.0]}),
    ...     intervals=pd.DataFrame({"hole": ["A", "A"], "from": [0.0, 5.0], "to": [5.0, 10.0],
    ...                             "cu_pct": [0.5, 1.5]}),
    ... )
    >>> db.holes, db.grades, len(db.intervals)
    (['A'], ('cu_pct',), 2)
    >>> db.intervals.index.name
    'row'
    """

    collar: pd.DataFrame
    survey: pd.DataFrame
    intervals: pd.DataFrame
    grades: Sequence[str] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_columns(self.collar, COLLAR_COLUMNS, name="collar table")
        require_columns(self.survey, SURVEY_COLUMNS, name="survey table")
        require_columns(self.intervals, INTERVAL_COLUMNS, name="interval table")
        object.__setattr__(self, "collar", _with_row_index(self.collar))
        object.__setattr__(self, "survey", _with_row_index(self.survey))
        object.__setattr__(self, "intervals", _with_row_index(self.intervals))
        if self.grades is None:
            grades = tuple(
                str(c)
                for c in self.intervals.columns
                if c not in INTERVAL_COLUMNS and pd.api.types.is_numeric_dtype(self.intervals[c])
            )
        else:
            grades = tuple(self.grades)
            missing = [g for g in grades if g not in self.intervals.columns]
            if missing:
                have = ", ".join(map(str, self.intervals.columns))
                msg = (
                    f"interval table: grade column(s) {', '.join(missing)} not found; the table "
                    f"has {have}; name existing columns in grades="
                )
                raise ValidationError(msg)
        object.__setattr__(self, "grades", grades)

    @property
    def holes(self) -> list[str]:
        """Hole identifiers of the collar table, in table order."""
        return [str(h) for h in self.collar["hole"]]

    @property
    def grade_columns(self) -> tuple[str, ...]:
        """The grade columns as a tuple (never ``None``)."""
        return tuple(self.grades or ())

    def replace(
        self,
        *,
        collar: pd.DataFrame | None = None,
        survey: pd.DataFrame | None = None,
        intervals: pd.DataFrame | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> DrillholeDatabase:
        """Return a copy with some tables (or the metadata) replaced."""
        return replace(
            self,
            collar=self.collar if collar is None else collar,
            survey=self.survey if survey is None else survey,
            intervals=self.intervals if intervals is None else intervals,
            grades=self.grade_columns,
            metadata=dict(self.metadata if metadata is None else metadata),
        )

    def __repr__(self) -> str:
        return (
            f"DrillholeDatabase({len(self.collar)} holes, {len(self.survey)} survey stations, "
            f"{len(self.intervals)} intervals, grades={list(self.grade_columns)})"
        )
