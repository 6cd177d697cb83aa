"""Validation and repair of a drill-hole database.

:func:`validate` checks every table and reports **every** problem -- it never stops at the
first -- as one row per problem with the hole, the table, the 1-based row in the source table,
a short ``kind`` and a message that says what to do. :func:`fix` applies an explicit
:class:`FixPolicy` and returns a cleaned database; nothing is repaired silently.

Problem kinds
-------------
========================  ==========  ==========================================================
kind                      table       meaning, and what :func:`fix` does
========================  ==========  ==========================================================
``missing_hole``          any         no hole identifier: row dropped
``ambiguous_hole``        any         two ids differ only by leading zeros (``007``, ``7``):
                                      kept as two holes; rename one if they are one hole
``missing_collar``        survey,     the hole has no collar (reported once per hole, first
                          intervals   row): rows dropped
``duplicate_collar``      collar      a hole appears twice: keep the first or drop the hole
``non_numeric``           any         a coordinate, length, depth, azimuth or dip is missing
                                      or text: collar -> hole dropped, other rows dropped
``invalid_length``        collar      length <= 0: replaced by the deepest interval or survey
``no_survey``             collar      no survey station: hole dropped or made vertical
``duplicate_survey``      survey      two stations at one depth: the first is kept
``negative_depth``        survey,     depth or ``from`` < 0: row dropped
                          intervals
``azimuth_range``         survey      azimuth outside [0, 360]: wrapped modulo 360
``dip_range``             survey      dip outside [-90, 90]: row dropped
``beyond_length``         survey,     station or interval deeper than the hole length: surveys
                          intervals   are clipped to the length (exact), intervals extend the
                                      length or are dropped
``from_to``               intervals   ``from >= to``: row dropped
``overlap``               intervals   starts above the end of the previous interval: the later
                                      interval is dropped or truncated
``gap``                   intervals   starts below the end of the previous interval (a notice,
                                      see below): kept, or filled with an unsampled interval
``non_numeric_grade``     intervals   grade is text (``"n.s."``): set missing
``below_detection``       intervals   ``"<0.01"``: half the limit, the limit or missing
``above_detection``       intervals   ``">20"``: set to the limit
``sentinel``              intervals   a sentinel value such as -99: set missing
``negative_grade``        intervals   a negative grade that is not a sentinel: set missing
========================  ==========  ==========================================================

Gaps are often legitimate (unsampled core), so ``gap`` is a *notice*: it is reported but
does not make a report fail (:attr:`ValidationReport.ok`). Compositing never bridges a gap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from bornite.drillholes.database import DrillholeDatabase
from bornite.drillholes.desurvey import _dogleg, _slerp, _to_angles, direction_vectors
from bornite.errors import DrillholeValidationError, ValidationError

__all__ = [
    "NOTICE_KINDS",
    "PROBLEM_KINDS",
    "FixPolicy",
    "ValidationReport",
    "clean_grades",
    "fix",
    "require_valid",
    "validate",
]

FloatArray = npt.NDArray[np.float64]
BelowDetection = Literal["half", "limit", "null"]

#: Every problem kind :func:`validate` can report.
PROBLEM_KINDS: tuple[str, ...] = (
    "missing_hole",
    "ambiguous_hole",
    "missing_collar",
    "duplicate_collar",
    "non_numeric",
    "invalid_length",
    "no_survey",
    "duplicate_survey",
    "negative_depth",
    "azimuth_range",
    "dip_range",
    "beyond_length",
    "from_to",
    "overlap",
    "gap",
    "non_numeric_grade",
    "below_detection",
    "above_detection",
    "sentinel",
    "negative_grade",
)
#: Kinds that are reported but do not make a database invalid.
NOTICE_KINDS: tuple[str, ...] = ("gap",)

_COLUMNS = ["hole", "table", "row", "kind", "message"]
_TOL = 1e-6
_LIMIT = re.compile(r"^\s*([<>])\s*=?\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")
_DEFAULT_SENTINELS: tuple[float, ...] = (-99.0, -999.0, -9999.0)


@dataclass(frozen=True, eq=False)
class ValidationReport:
    """Every problem found in a drill-hole database.

    Attributes
    ----------
    problems : pandas.DataFrame
        One row per problem: ``hole, table, row, kind, message``; ``row`` is the 1-based row
        of the source table (0 for a row added by :func:`fix`).
    holes : int
        Number of collar rows.
    intervals : int
        Number of interval rows.
    below_detection, sentinels
        The conversion settings the report was made with.
    """

    problems: pd.DataFrame
    holes: int
    intervals: int
    below_detection: str = "half"
    sentinels: tuple[float, ...] = _DEFAULT_SENTINELS
    survey_stations: int = field(default=0)

    @property
    def ok(self) -> bool:
        """Whether there is no problem other than the notices in :data:`NOTICE_KINDS`."""
        return bool((~self.problems["kind"].isin(NOTICE_KINDS)).sum() == 0)

    def counts(self) -> pd.Series:
        """Number of problems of each kind (kinds with none left out)."""
        counts = self.problems["kind"].value_counts()
        order = [k for k in PROBLEM_KINDS if k in counts.index]
        return counts.reindex(order).astype(int)

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python summary: ``holes``, ``intervals`` and the ``problems`` list."""
        problems = [
            {
                "hole": None if hole is None or pd.isna(hole) else str(hole),
                "table": str(table),
                "row": int(row),
                "kind": str(kind),
                "message": str(message),
            }
            for hole, table, row, kind, message in zip(
                *(self.problems[c].tolist() for c in _COLUMNS), strict=True
            )
        ]
        return {"holes": self.holes, "intervals": self.intervals, "problems": problems}

    def summary(self, limit: int = 10) -> str:
        """One line per kind with its count, then the first ``limit`` messages."""
        if self.problems.empty:
            return f"{self.holes} holes, {self.intervals} intervals: no problems"
        lines = [f"{self.holes} holes, {self.intervals} intervals; problems by kind:"]
        lines += [f"  {kind}: {n}" for kind, n in self.counts().items()]
        lines += [f"  - {m}" for m in self.problems["message"].head(limit)]
        if len(self.problems) > limit:
            lines.append(f"  ... ({len(self.problems)} problems in all)")
        return "\n".join(lines)


@dataclass(frozen=True)
class FixPolicy:
    """How :func:`fix` repairs each kind of problem (see the module table).

    Parameters
    ----------
    duplicate_collar : {"first", "drop"}
        Keep the first collar row of a repeated hole, or drop the hole altogether.
    no_survey : {"drop", "vertical"}
        Drop holes without surveys, or give them one vertical station (azimuth 0, dip -90) at
        the collar.
    overlap : {"drop", "truncate"}
        Drop an interval that starts above the end of the previous one, or move its ``from``
        down to the previous ``to`` (dropping it if nothing is left).
    gap : {"keep", "fill"}
        Keep gaps (compositing stops at them) or fill them with unsampled intervals.
    beyond_length : {"extend", "drop"}
        Intervals deeper than the hole length extend the length, or are dropped. Survey
        stations beyond the (possibly extended) length are always clipped: the first is moved
        to the end of the hole with the direction interpolated along the minimum-curvature
        arc, deeper ones are dropped, so positions inside the hole do not change.
    below_detection : {"half", "limit", "null"}
        Value given to ``"<L"`` grades: ``L / 2``, ``L`` or missing.
    sentinels : tuple of float
        Grade values that mean "no value" (set missing).

    Examples
    --------
    >>> FixPolicy(no_survey="vertical").overlap
    'drop'
    """

    duplicate_collar: Literal["first", "drop"] = "first"
    no_survey: Literal["drop", "vertical"] = "drop"
    overlap: Literal["drop", "truncate"] = "drop"
    gap: Literal["keep", "fill"] = "keep"
    beyond_length: Literal["extend", "drop"] = "extend"
    below_detection: BelowDetection = "half"
    sentinels: tuple[float, ...] = _DEFAULT_SENTINELS

    def __post_init__(self) -> None:
        choices = {
            "duplicate_collar": ("first", "drop"),
            "no_survey": ("drop", "vertical"),
            "overlap": ("drop", "truncate"),
            "gap": ("keep", "fill"),
            "beyond_length": ("extend", "drop"),
            "below_detection": ("half", "limit", "null"),
        }
        for name, allowed in choices.items():
            value = getattr(self, name)
            if value not in allowed:
                msg = f"{name}={value!r}; use one of {', '.join(allowed)}"
                raise ValidationError(msg)


def _numeric(series: pd.Series) -> FloatArray:
    return np.asarray(pd.to_numeric(series, errors="coerce"), dtype=float)


def _hole_str(series: pd.Series) -> pd.Series:
    missing = series.isna() | (series.astype(str).str.strip() == "")
    out = series.astype(str).str.strip()
    return out.where(~missing, None)


def clean_grades(
    values: pd.Series,
    *,
    below_detection: BelowDetection = "half",
    sentinels: Iterable[float] = _DEFAULT_SENTINELS,
) -> tuple[pd.Series, pd.Series]:
    """Parse a grade column: numbers, detection-limit strings, sentinels and text.

    Parameters
    ----------
    values : pandas.Series
        Raw grades (numbers or text).
    below_detection : {"half", "limit", "null"}
        ``"<L"`` becomes ``L / 2``, ``L`` or missing.
    sentinels : iterable of float
        Values meaning "no value".

    Returns
    -------
    grades : pandas.Series of float
        Clean grades; text, sentinels and negative values become missing.
    kinds : pandas.Series of str
        The problem kind of each value (``""`` when fine).

    Examples
    --------
    >>> import pandas as pd
    >>> g, k = clean_grades(pd.Series(["0.5", "<0.01", "-99", "n.s.", "-0.2", None, ">20"]))
    >>> g.tolist()
    [0.5, 0.005, nan, nan, nan, nan, 20.0]
    >>> k.tolist()
    ['', 'below_detection', 'sentinel', 'non_numeric_grade', 'negative_grade', '', \
'above_detection']
    """
    if below_detection not in ("half", "limit", "null"):
        msg = f"below_detection={below_detection!r}; use 'half', 'limit' or 'null'"
        raise ValidationError(msg)
    number = pd.to_numeric(values, errors="coerce").astype(float)
    kinds = pd.Series("", index=values.index, dtype=object)
    if not pd.api.types.is_numeric_dtype(values):
        text = values.astype(str).str.strip()
        present = values.notna() & (text != "") & ~text.str.lower().isin(["nan", "none"])
        unparsed = present & number.isna()
        if unparsed.any():
            parts = text[unparsed].str.extract(_LIMIT)
            limit = pd.to_numeric(parts[1], errors="coerce").astype(float)
            below = (parts[0] == "<") & limit.notna()
            above = (parts[0] == ">") & limit.notna()
            factor = {"half": 0.5, "limit": 1.0, "null": np.nan}[below_detection]
            number.loc[below[below].index] = limit[below] * factor
            kinds.loc[below[below].index] = "below_detection"
            number.loc[above[above].index] = limit[above]
            kinds.loc[above[above].index] = "above_detection"
            kinds.loc[(~below & ~above)[~below & ~above].index] = "non_numeric_grade"
    flagged = kinds != ""
    is_sentinel = number.isin(list(sentinels)) & ~flagged
    kinds[is_sentinel] = "sentinel"
    negative = (number < 0) & ~is_sentinel & ~flagged
    kinds[negative] = "negative_grade"
    number[is_sentinel | negative] = np.nan
    return number, kinds


class _Collector:
    def __init__(self) -> None:
        self.frames: list[pd.DataFrame] = []

    def add(
        self,
        table: str,
        kind: str,
        holes: Iterable[object],
        rows: Iterable[object],
        messages: Iterable[str],
    ) -> None:
        row_list = list(rows)
        if not row_list:
            return
        frame = pd.DataFrame({"hole": list(holes), "row": row_list, "message": list(messages)})
        frame["table"] = table
        frame["kind"] = kind
        self.frames.append(frame)

    def result(self) -> pd.DataFrame:
        if not self.frames:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in _COLUMNS}).astype({"row": int})
        out = pd.concat(self.frames, ignore_index=True)[_COLUMNS]
        out["row"] = out["row"].astype(int)
        return out


@dataclass(frozen=True)
class _Lengths:
    """Depths and lengths written in the units of the source files (a database read from
    feet is stored in metres; its messages quote the feet the user typed)."""

    factor: float = 1.0
    unit: str = "m"

    @classmethod
    def of(cls, db: DrillholeDatabase) -> _Lengths:
        unit = str(db.metadata.get("source_units", "m"))
        return cls(float(db.metadata.get("length_factor", 1.0)), unit)

    def __call__(self, value: object) -> str:
        return f"{self._number(value)} {self.unit}"

    def span(self, start: object, end: object) -> str:
        return f"{self._number(start)}-{self._number(end)} {self.unit}"

    def _number(self, value: object) -> str:
        if isinstance(value, int | float | np.floating) and not isinstance(value, bool):
            return f"{float(value) / self.factor:.10g}"
        return _fmt(value)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value) if isinstance(value, str) else str(value)


def _check_numeric(
    out: _Collector, table: pd.DataFrame, name: str, holes: pd.Series, columns: list[str]
) -> dict[str, FloatArray]:
    parsed = {}
    for column in columns:
        values = _numeric(table[column])
        bad = ~np.isfinite(values) & holes.notna().to_numpy()
        if bad.any():
            raw = table[column][bad]
            out.add(
                name,
                "non_numeric",
                holes[bad],
                table.index[bad],
                (
                    f"hole {h}: {column} {_fmt(v) if pd.notna(v) else 'is missing'}"
                    f"{' is not a number' if pd.notna(v) else ''} in {name} row {r}; "
                    "fill in a number or remove the row"
                    for h, v, r in zip(holes[bad], raw, table.index[bad], strict=True)
                ),
            )
        parsed[column] = values
    return parsed


def validate(
    db: DrillholeDatabase,
    *,
    below_detection: BelowDetection = "half",
    sentinels: Iterable[float] = _DEFAULT_SENTINELS,
) -> ValidationReport:
    """Check a drill-hole database and report every problem (see the module table).

    Parameters
    ----------
    db : DrillholeDatabase
        Raw database, as read by :func:`bornite.io.read_drillholes`.
    below_detection : {"half", "limit", "null"}
        How ``"<L"`` grades will be converted (quoted in the messages).
    sentinels : iterable of float
        Grade values that mean "no value".

    Returns
    -------
    ValidationReport
        ``problems`` has one row per problem; ``ok`` is False when any problem other than a
        gap was found.

    Notes
    -----
    Interval order is checked per hole after sorting by ``from``: an interval overlaps when
    its ``from`` is above the deepest ``to`` so far, and follows a gap when its ``from`` is
    below the previous ``to`` (tolerance 1e-6 m). Depth checks compare with the collar
    ``length``.

    Examples
    --------
    >>> import pandas as pd
    >>> from bornite.drillholes import DrillholeDatabase
    >>> db = DrillholeDatabase(
    ...     collar=pd.DataFrame({"hole": ["A"], "easting": [0.0], "northing": [0.0],
    ...                          "elevation": [0.0], "length": [10.0]}),
    ...     survey=pd.DataFrame({"hole": ["A"], "depth": [0.0], "azimuth": [0.0],
    ...                          "dip": [-90.0]}),
    ...     intervals=pd.DataFrame({"hole": ["A", "A"], "from": [0.0, 4.0], "to": [5.0, 8.0],
    ...                             "cu_pct": ["0.4", "<0.01"]}),
    ...     grades=["cu_pct"],
    ... )
    >>> report = validate(db)
    >>> report.problems[["hole", "table", "row", "kind"]].to_numpy().tolist()
    [['A', 'intervals', 2, 'overlap'], ['A', 'intervals', 2, 'below_detection']]
    >>> report.ok
    False
    """
    sentinels = tuple(float(s) for s in sentinels)
    out = _Collector()
    collar, survey, intervals = db.collar, db.survey, db.intervals
    length = _Lengths.of(db)

    # ---- collar
    c_hole = _hole_str(collar["hole"])
    missing = c_hole.isna()
    out.add(
        "collar",
        "missing_hole",
        [None] * int(missing.sum()),
        collar.index[missing],
        (
            f"collar row {r}: no hole identifier; fill it in or remove the row"
            for r in collar.index[missing]
        ),
    )
    c_num = _check_numeric(
        out, collar, "collar", c_hole, ["easting", "northing", "elevation", "length"]
    )
    length_ok = np.isfinite(c_num["length"])
    bad_len = length_ok & (c_num["length"] <= 0) & c_hole.notna().to_numpy()
    out.add(
        "collar",
        "invalid_length",
        c_hole[bad_len],
        collar.index[bad_len],
        (
            f"hole {h}: length {length(v)} in collar row {r} must be > 0; correct it (the fix "
            "policy uses the deepest interval)"
            for h, v, r in zip(
                c_hole[bad_len], c_num["length"][bad_len], collar.index[bad_len], strict=True
            )
        ),
    )
    dup = c_hole.notna() & c_hole.duplicated(keep="first")
    first_row = pd.Series(collar.index, index=c_hole.to_numpy()).groupby(level=0).first()
    out.add(
        "collar",
        "duplicate_collar",
        c_hole[dup],
        collar.index[dup],
        (
            f"hole {h}: collar row {r} repeats the collar of row {first_row[h]}; remove one, or "
            "repair with the fix policy duplicate_collar = 'first' (keep the first)"
            for h, r in zip(c_hole[dup], collar.index[dup], strict=True)
        ),
    )
    collar_holes = set(c_hole.dropna())
    length_of = (
        pd.Series(c_num["length"], index=c_hole.to_numpy())[c_hole.notna().to_numpy()]
        .groupby(level=0)
        .first()
    )
    length_of = length_of.where(length_of > 0)  # invalid lengths are reported above

    # ---- survey
    s_hole = _hole_str(survey["hole"])
    _missing_hole_and_collar(out, "survey", survey, s_hole, collar_holes)
    s_num = _check_numeric(out, survey, "survey", s_hole, ["depth", "azimuth", "dip"])
    known = s_hole.isin(collar_holes).to_numpy()
    no_survey = c_hole.notna() & ~c_hole.isin(set(s_hole.dropna()))
    out.add(
        "collar",
        "no_survey",
        c_hole[no_survey],
        collar.index[no_survey],
        (
            f"hole {h} (collar row {r}) has no survey station; add one, or use "
            "the fix policy no_survey = 'vertical' to treat it as vertical"
            for h, r in zip(c_hole[no_survey], collar.index[no_survey], strict=True)
        ),
    )
    depth, az, dip = s_num["depth"], s_num["azimuth"], s_num["dip"]
    neg = known & (depth < 0)
    out.add(
        "survey",
        "negative_depth",
        s_hole[neg],
        survey.index[neg],
        (
            f"hole {h}: survey depth {length(d)} in survey row {r} is negative; depths are "
            "measured down the hole from the collar"
            for h, d, r in zip(s_hole[neg], depth[neg], survey.index[neg], strict=True)
        ),
    )
    bad_az = known & np.isfinite(az) & ((az < 0) | (az > 360))
    out.add(
        "survey",
        "azimuth_range",
        s_hole[bad_az],
        survey.index[bad_az],
        (
            f"hole {h}: azimuth {_fmt(a)} in survey row {r} is outside 0-360 degrees; "
            "correct it (the fix policy wraps it modulo 360)"
            for h, a, r in zip(s_hole[bad_az], az[bad_az], survey.index[bad_az], strict=True)
        ),
    )
    bad_dip = known & np.isfinite(dip) & ((dip < -90) | (dip > 90))
    out.add(
        "survey",
        "dip_range",
        s_hole[bad_dip],
        survey.index[bad_dip],
        (
            f"hole {h}: dip {_fmt(d)} in survey row {r} is outside -90..90 degrees; correct "
            "it or remove the row"
            for h, d, r in zip(s_hole[bad_dip], dip[bad_dip], survey.index[bad_dip], strict=True)
        ),
    )
    dup_s = (
        known & np.isfinite(depth) & pd.DataFrame({"h": s_hole, "d": depth}).duplicated().to_numpy()
    )
    out.add(
        "survey",
        "duplicate_survey",
        s_hole[dup_s],
        survey.index[dup_s],
        (
            f"hole {h}: a second survey station at depth {length(d)} in survey row {r}; "
            "remove one (the fix policy keeps the first)"
            for h, d, r in zip(s_hole[dup_s], depth[dup_s], survey.index[dup_s], strict=True)
        ),
    )
    s_len = length_of.reindex(s_hole.to_numpy()).to_numpy(dtype=float)
    deep = known & np.isfinite(depth) & np.isfinite(s_len) & (depth > s_len + _TOL)
    out.add(
        "survey",
        "beyond_length",
        s_hole[deep],
        survey.index[deep],
        (
            f"hole {h}: survey station at {length(d)} in survey row {r} is beyond the hole "
            f"length {length(L)}; correct the depth or the length (the fix policy clips it to the "
            "end of the hole)"
            for h, d, L, r in zip(
                s_hole[deep], depth[deep], s_len[deep], survey.index[deep], strict=True
            )
        ),
    )

    # ---- intervals
    i_hole = _hole_str(intervals["hole"])
    _missing_hole_and_collar(out, "intervals", intervals, i_hole, collar_holes)
    _ambiguous_holes(out, {"collar": c_hole, "survey": s_hole, "intervals": i_hole})
    i_num = _check_numeric(out, intervals, "intervals", i_hole, ["from", "to"])
    start, end = i_num["from"], i_num["to"]
    known = i_hole.isin(collar_holes).to_numpy()
    finite = known & np.isfinite(start) & np.isfinite(end)
    neg = finite & (start < 0)
    out.add(
        "intervals",
        "negative_depth",
        i_hole[neg],
        intervals.index[neg],
        (
            f"hole {h}: interval from {length(a)} in intervals row {r} is negative; depths "
            "are measured down the hole from the collar"
            for h, a, r in zip(i_hole[neg], start[neg], intervals.index[neg], strict=True)
        ),
    )
    inverted = finite & (start >= end)
    out.add(
        "intervals",
        "from_to",
        i_hole[inverted],
        intervals.index[inverted],
        (
            f"hole {h}: interval {length.span(a, b)} in intervals row {r} has from >= to; "
            "correct it or remove the row"
            for h, a, b, r in zip(
                i_hole[inverted],
                start[inverted],
                end[inverted],
                intervals.index[inverted],
                strict=True,
            )
        ),
    )
    i_len = length_of.reindex(i_hole.to_numpy()).to_numpy(dtype=float)
    deep = finite & np.isfinite(i_len) & (end > i_len + _TOL)
    out.add(
        "intervals",
        "beyond_length",
        i_hole[deep],
        intervals.index[deep],
        (
            f"hole {h}: interval {length.span(a, b)} in intervals row {r} ends beyond the "
            f"hole length {length(L)}; correct the interval or the collar length, or use "
            "the fix policy beyond_length = 'extend'"
            for h, a, b, L, r in zip(
                i_hole[deep],
                start[deep],
                end[deep],
                i_len[deep],
                intervals.index[deep],
                strict=True,
            )
        ),
    )
    _check_sequence(
        out, intervals, i_hole, start, end, finite & (start < end) & (start >= 0), length
    )

    # ---- grades
    for grade in db.grade_columns:
        values, kinds = clean_grades(
            intervals[grade], below_detection=below_detection, sentinels=sentinels
        )
        raw = intervals[grade]
        for kind, text in (
            ("non_numeric_grade", "is not a number; correct it (the fix policy sets it missing)"),
            ("below_detection", "is below detection; the fix policy sets it to {new}"),
            ("above_detection", "is above detection; the fix policy sets it to the limit {new}"),
            ("sentinel", "is a no-value sentinel; the fix policy sets it missing"),
            ("negative_grade", "is negative; correct it (the fix policy sets it missing)"),
        ):
            mask = (kinds == kind).to_numpy() & i_hole.notna().to_numpy()
            if not mask.any():
                continue
            out.add(
                "intervals",
                kind,
                i_hole[mask],
                intervals.index[mask],
                (
                    f"hole {h}: {grade} {_fmt(v)} in intervals row {r} "
                    + text.format(new="missing" if pd.isna(n) else _fmt(float(n)))
                    for h, v, n, r in zip(
                        i_hole[mask], raw[mask], values[mask], intervals.index[mask], strict=True
                    )
                ),
            )
    return ValidationReport(
        problems=out.result(),
        holes=len(collar),
        intervals=len(intervals),
        below_detection=below_detection,
        sentinels=sentinels,
        survey_stations=len(survey),
    )


def _ambiguous_holes(out: _Collector, tables: dict[str, pd.Series]) -> None:
    """Hole ids that are the same number written differently (``007`` and ``7``): a sheet
    that dropped leading zeros, or two holes a reader will confuse. Reported at the first
    row of each spelling after the first (in the order collar, survey, intervals)."""
    first: dict[str, tuple[str, str, int]] = {}
    for name, holes in tables.items():
        ids = holes.dropna()
        digits = ids[ids.str.fullmatch(r"\d+")]
        for hole, row in zip(digits, digits.index, strict=True):
            first.setdefault(hole, (name, hole, int(row)))
    by_number: dict[int, list[tuple[str, str, int]]] = {}
    for name, hole, row in first.values():
        by_number.setdefault(int(hole), []).append((name, hole, row))
    for spellings in by_number.values():
        if len(spellings) < 2:
            continue
        (name0, hole0, row0), *others = spellings
        for name, hole, row in others:
            out.add(
                name,
                "ambiguous_hole",
                [hole],
                [row],
                [
                    (
                        f"hole {hole!r} ({name} row {row}) and hole {hole0!r} ({name0} row {row0}) "
                        "differ only by leading zeros; bornite keeps them as two holes: write them "
                        "alike if they are one hole, or rename one"
                    )
                ],
            )


def _missing_hole_and_collar(
    out: _Collector, name: str, table: pd.DataFrame, holes: pd.Series, collar_holes: set[str]
) -> None:
    missing = holes.isna()
    out.add(
        name,
        "missing_hole",
        [None] * int(missing.sum()),
        table.index[missing],
        (
            f"{name} row {r}: no hole identifier; fill it in or remove the row"
            for r in table.index[missing]
        ),
    )
    orphan = holes.notna() & ~holes.isin(collar_holes)
    first = orphan & ~holes.where(orphan).duplicated(keep="first")
    counts = holes[orphan].value_counts()
    out.add(
        name,
        "missing_collar",
        holes[first],
        table.index[first],
        (
            f"hole {h}: {counts[h]} {name} row(s) from row {r} have no collar; add the collar "
            "or remove the rows (the fix policy drops them)"
            for h, r in zip(holes[first], table.index[first], strict=True)
        ),
    )


def _check_sequence(
    out: _Collector,
    intervals: pd.DataFrame,
    holes: pd.Series,
    start: FloatArray,
    end: FloatArray,
    usable: npt.NDArray[np.bool_],
    length: _Lengths,
) -> None:
    idx = np.flatnonzero(usable)
    if len(idx) == 0:
        return
    frame = pd.DataFrame(
        {"hole": holes.to_numpy()[idx], "from": start[idx], "to": end[idx], "pos": idx}
    ).sort_values(["hole", "from", "to"], kind="stable")
    same = frame["hole"].eq(frame["hole"].shift()).to_numpy()
    deepest = frame.groupby("hole", sort=False)["to"].cummax().shift().to_numpy()
    prev_from = frame["from"].shift().to_numpy()
    prev_pos = frame["pos"].shift().fillna(0).astype(int).to_numpy()
    a, b = frame["from"].to_numpy(), frame["to"].to_numpy()
    rows = intervals.index.to_numpy()
    overlap = same & (a < deepest - _TOL)
    gap = same & (a > deepest + _TOL)
    pos = frame["pos"].to_numpy()
    out.add(
        "intervals",
        "overlap",
        frame["hole"][overlap],
        rows[pos[overlap]],
        (
            f"hole {h}: interval {length.span(x, y)} (intervals row {r}) overlaps the "
            f"interval from {length(p)} (row {q}) that ends at {length(d)}; fix the table or "
            "use the fix policy overlap = 'drop' or 'truncate'"
            for h, x, y, r, p, q, d in zip(
                frame["hole"][overlap],
                a[overlap],
                b[overlap],
                rows[pos[overlap]],
                prev_from[overlap],
                rows[prev_pos[overlap]],
                deepest[overlap],
                strict=True,
            )
        ),
    )
    out.add(
        "intervals",
        "gap",
        frame["hole"][gap],
        rows[pos[gap]],
        (
            f"hole {h}: gap {length.span(d, x)} before intervals row {r}; fine if the core "
            "was not sampled (composites stop at gaps), or use the fix policy gap = 'fill'"
            for h, d, x, r in zip(
                frame["hole"][gap], deepest[gap], a[gap], rows[pos[gap]], strict=True
            )
        ),
    )


def require_valid(db: DrillholeDatabase, **kwargs: Any) -> ValidationReport:
    """Validate ``db`` and raise unless it is clean (gaps allowed).

    Raises
    ------
    ValidationError
        Listing the counts by kind and the first messages; the remedy is :func:`fix`.

    Examples
    --------
    >>> import pandas as pd
    >>> from bornite.drillholes import DrillholeDatabase
    >>> db = DrillholeDatabase(
    ...     collar=pd.DataFrame({"hole": ["A"], "easting": [0.0], "northing": [0.0],
    ...                          "elevation": [0.0], "length": [10.0]}),
    ...     survey=pd.DataFrame({"hole": ["A"], "depth": [0.0], "azimuth": [0.0],
    ...                          "dip": [-90.0]}),
    ...     intervals=pd.DataFrame({"hole": ["A"], "from": [0.0], "to": [5.0]}),
    ... )
    >>> require_valid(db).ok
    True
    """
    report = validate(db, **kwargs)
    if not report.ok:
        failing = report.problems[~report.problems["kind"].isin(NOTICE_KINDS)]
        counts = ", ".join(f"{n} {kind}" for kind, n in report.counts().items())
        msg = (
            f"the drill-hole database has {len(failing):,} problem(s) ({counts}); the first: "
            f"{failing['message'].iloc[0]}. List them all with `bornite drillholes validate` "
            "(--csv FILE), correct the files, or repair them with a fix policy (fix = true, "
            "or fix = { overlap = 'truncate', ... }, in [drillholes]; fix(db, FixPolicy(...)) "
            "in Python)"
        )
        raise DrillholeValidationError(msg)
    return report


def fix(db: DrillholeDatabase, policy: FixPolicy) -> DrillholeDatabase:
    """Repair a database according to an explicit policy.

    Parameters
    ----------
    db : DrillholeDatabase
        Raw database.
    policy : FixPolicy
        One choice per problem kind (see the module table).

    Returns
    -------
    DrillholeDatabase
        Numeric tables; grade columns as float; rows keep their source ``row`` labels (rows
        added by the fix have ``row`` 0). ``metadata["fixes"]`` counts every change, and
        ``metadata["validation"]`` holds the counts by kind found before fixing.

    Examples
    --------
    >>> import pandas as pd
    >>> from bornite.drillholes import DrillholeDatabase
    >>> db = DrillholeDatabase(
    ...     collar=pd.DataFrame({"hole": ["A"], "easting": [0.0], "northing": [0.0],
    ...                          "elevation": [0.0], "length": [10.0]}),
    ...     survey=pd.DataFrame({"hole": ["A"], "depth": [0.0], "azimuth": [0.0],
    ...                          "dip": [-90.0]}),
    ...     intervals=pd.DataFrame({"hole": ["A", "A"], "from": [0.0, 4.0], "to": [5.0, 8.0],
    ...                             "cu_pct": ["0.4", "<0.01"]}),
    ...     grades=["cu_pct"],
    ... )
    >>> clean = fix(db, FixPolicy(overlap="truncate"))
    >>> clean.intervals[["from", "to", "cu_pct"]].to_numpy().tolist()
    [[0.0, 5.0, 0.4], [5.0, 8.0, 0.005]]
    >>> validate(clean).ok
    True
    """
    report = validate(db, below_detection=policy.below_detection, sentinels=policy.sentinels)
    fixes: dict[str, int] = {}

    def count(name: str, n: int) -> None:
        if n:
            fixes[name] = fixes.get(name, 0) + int(n)

    # ---- collar
    collar = db.collar.copy()
    collar["hole"] = _hole_str(collar["hole"])
    for column in ("easting", "northing", "elevation", "length"):
        collar[column] = _numeric(collar[column])
    keep = collar["hole"].notna() & collar[["easting", "northing", "elevation"]].notna().all(axis=1)
    count("collar_rows_dropped_missing", int((~keep).sum()))
    collar = collar[keep]
    dup = collar["hole"].duplicated(keep=False)
    if policy.duplicate_collar == "drop":
        count("collar_duplicates_dropped", int(dup.sum()))
        collar = collar[~dup]
    else:
        count("collar_duplicates_dropped", int(collar["hole"].duplicated().sum()))
        collar = collar[~collar["hole"].duplicated()]
    holes = set(collar["hole"])

    # ---- survey
    survey = db.survey.copy()
    survey["hole"] = _hole_str(survey["hole"])
    for column in ("depth", "azimuth", "dip"):
        survey[column] = _numeric(survey[column])
    good = (
        survey["hole"].isin(holes)
        & survey[["depth", "azimuth", "dip"]].notna().all(axis=1)
        & (survey["depth"] >= 0)
        & survey["dip"].between(-90, 90)
    )
    count("survey_rows_dropped", int((~good).sum()))
    survey = survey[good]
    wrapped = ~survey["azimuth"].between(0, 360)
    count("azimuths_wrapped", int(wrapped.sum()))
    survey.loc[wrapped, "azimuth"] = survey.loc[wrapped, "azimuth"] % 360.0
    dup_s = survey.duplicated(["hole", "depth"])
    count("survey_duplicates_dropped", int(dup_s.sum()))
    survey = survey[~dup_s]

    # ---- intervals
    intervals = db.intervals.copy()
    intervals["hole"] = _hole_str(intervals["hole"])
    intervals["from"] = _numeric(intervals["from"])
    intervals["to"] = _numeric(intervals["to"])
    good = (
        intervals["hole"].isin(holes)
        & intervals[["from", "to"]].notna().all(axis=1)
        & (intervals["from"] >= 0)
        & (intervals["from"] < intervals["to"])
    )
    count("intervals_dropped_invalid", int((~good).sum()))
    intervals = intervals[good]
    for grade in db.grade_columns:
        values, kinds = clean_grades(
            intervals[grade], below_detection=policy.below_detection, sentinels=policy.sentinels
        )
        intervals[grade] = values.astype(float)
        for kind, n in kinds[kinds != ""].value_counts().items():
            count(f"grades_{kind}", int(n))
    intervals = intervals.sort_values(["hole", "from", "to"], kind="stable")
    intervals = _fix_overlaps(intervals, policy, count)

    # ---- lengths
    deepest = intervals.groupby("hole")["to"].max()
    length = collar["length"].to_numpy(dtype=float)
    hole_deepest = deepest.reindex(collar["hole"]).to_numpy(dtype=float)
    survey_deepest = (
        survey.groupby("hole")["depth"].max().reindex(collar["hole"]).to_numpy(dtype=float)
    )
    invalid = ~(length > 0)
    fallback = np.where(np.isfinite(hole_deepest), hole_deepest, survey_deepest)
    count("lengths_replaced", int(invalid.sum()))
    length = np.where(invalid, fallback, length)
    if policy.beyond_length == "extend":
        longer = np.isfinite(hole_deepest) & (hole_deepest > length + _TOL)
        count("lengths_extended", int(longer.sum()))
        length = np.where(longer, hole_deepest, length)
    collar["length"] = length
    bad_length = ~(collar["length"] > 0)
    count("holes_dropped_no_length", int(bad_length.sum()))
    collar = collar[~bad_length]
    holes = set(collar["hole"])
    survey = survey[survey["hole"].isin(holes)]
    intervals = intervals[intervals["hole"].isin(holes)]
    hole_length = intervals["hole"].map(dict(zip(collar["hole"], collar["length"], strict=True)))
    beyond = intervals["to"] > hole_length + _TOL
    count("intervals_dropped_beyond_length", int(beyond.sum()))
    intervals = intervals[~beyond]
    survey = _clip_surveys(survey, collar, count)

    # ---- holes without survey
    missing = collar[~collar["hole"].isin(set(survey["hole"]))]
    if policy.no_survey == "vertical":
        count("vertical_surveys_added", len(missing))
        added = pd.DataFrame(
            {"hole": missing["hole"].to_numpy(), "depth": 0.0, "azimuth": 0.0, "dip": -90.0},
            index=pd.Index(np.zeros(len(missing), dtype=int), name="row"),
        )
        survey = pd.concat([survey, added]) if len(added) else survey
    else:
        count("holes_dropped_no_survey", len(missing))
        collar = collar[~collar["hole"].isin(set(missing["hole"]))]
        intervals = intervals[intervals["hole"].isin(set(collar["hole"]))]
    if policy.gap == "fill":
        intervals = _fill_gaps(intervals, count)
    survey = survey.sort_values(["hole", "depth"], kind="stable")
    intervals = intervals.sort_values(["hole", "from"], kind="stable")
    metadata = dict(db.metadata)
    metadata["fixes"] = fixes
    metadata["fix_policy"] = policy
    metadata["validation"] = report.counts().to_dict()
    return DrillholeDatabase(
        collar=collar,
        survey=survey,
        intervals=intervals,
        grades=db.grade_columns,
        metadata=metadata,
    )


def _fix_overlaps(intervals: pd.DataFrame, policy: FixPolicy, count: Any) -> pd.DataFrame:
    """Drop or truncate overlapping intervals (sorted by hole, from) until none remain."""
    while True:
        same = intervals["hole"].eq(intervals["hole"].shift())
        deepest = intervals.groupby("hole", sort=False)["to"].cummax().shift()
        overlap = same & (intervals["from"] < deepest - _TOL)
        if not overlap.any():
            return intervals
        if policy.overlap == "drop":
            count("overlaps_dropped", int(overlap.sum()))
            return intervals[~overlap]
        intervals = intervals.copy()
        intervals.loc[overlap, "from"] = deepest[overlap]
        empty = intervals["from"] >= intervals["to"] - _TOL
        count("overlaps_truncated", int((overlap & ~empty).sum()))
        count("overlaps_dropped", int(empty.sum()))
        intervals = intervals[~empty]


def _fill_gaps(intervals: pd.DataFrame, count: Any) -> pd.DataFrame:
    same = intervals["hole"].eq(intervals["hole"].shift())
    prev_to = intervals["to"].shift()
    gap = same & (intervals["from"] > prev_to + _TOL)
    count("gaps_filled", int(gap.sum()))
    if not gap.any():
        return intervals
    added = pd.DataFrame(
        {"hole": intervals["hole"][gap], "from": prev_to[gap], "to": intervals["from"][gap]}
    )
    added.index = pd.Index(np.zeros(len(added), dtype=int), name="row")
    return pd.concat([intervals, added]).sort_values(["hole", "from"], kind="stable")


def _clip_surveys(survey: pd.DataFrame, collar: pd.DataFrame, count: Any) -> pd.DataFrame:
    """Move the first station beyond the hole length to the length; drop deeper ones.

    The moved station takes the direction at the hole length on the minimum-curvature arc
    from the previous station, so positions inside the hole are unchanged.
    """
    survey = survey.sort_values(["hole", "depth"], kind="stable")
    length = survey["hole"].map(dict(zip(collar["hole"], collar["length"], strict=True)))
    beyond = (survey["depth"] > length + _TOL).to_numpy()
    if not beyond.any():
        return survey
    same = survey["hole"].eq(survey["hole"].shift()).to_numpy()
    prev_beyond = np.r_[False, beyond[:-1]] & same
    first = beyond & ~prev_beyond
    count("survey_stations_clipped", int(first.sum()))
    count("survey_stations_dropped", int((beyond & prev_beyond).sum()))
    survey = survey.copy()
    depth = survey["depth"].to_numpy(dtype=float, copy=True)
    az = survey["azimuth"].to_numpy(dtype=float, copy=True)
    dip = survey["dip"].to_numpy(dtype=float, copy=True)
    idx = np.flatnonzero(first)
    has_prev = same[idx]
    j = idx[has_prev]
    if len(j):
        t1 = direction_vectors(az[j - 1], dip[j - 1])
        t2 = direction_vectors(az[j], dip[j])
        frac = (length.to_numpy()[j] - depth[j - 1]) / (depth[j] - depth[j - 1])
        new_az, new_dip = _to_angles(_slerp(t1, t2, _dogleg(t1, t2), frac))
        az[j], dip[j] = new_az, new_dip
    depth[idx] = length.to_numpy()[idx]
    survey["depth"], survey["azimuth"], survey["dip"] = depth, az, dip
    return survey[~(beyond & prev_beyond)]
