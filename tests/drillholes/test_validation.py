"""Validation of a hand-made messy database: every problem kind, with the right hole and row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bornite.drillholes import (
    PROBLEM_KINDS,
    DrillholeDatabase,
    FixPolicy,
    clean_grades,
    desurvey_intervals,
    fix,
    require_valid,
    validate,
)
from bornite.errors import ValidationError


def messy() -> DrillholeDatabase:
    collar = pd.DataFrame(
        {
            "hole": ["A", "B", "B", "C", "D", "E"],
            "easting": ["0", "10", "10", "x", "20", "30"],
            "northing": [0.0] * 6,
            "elevation": [100.0] * 6,
            "length": [50.0, 30.0, 30.0, 40.0, 20.0, -5.0],
        }
    )
    survey = pd.DataFrame(
        {
            "hole": ["A", "A", "B", "B", "B", "01", "C", "E", "A"],
            "depth": [0.0, 60.0, 0.0, 10.0, 10.0, 0.0, 0.0, 0.0, -5.0],
            "azimuth": [0.0, 0.0, 400.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            "dip": [-90.0, -90.0, -60.0, -95.0, -60.0, -90.0, -90.0, -90.0, -90.0],
        }
    )
    intervals = pd.DataFrame(
        {
            "hole": ["A", "A", "A", "A", "A", "B", "B", "1", "B", "B", None],
            "from": ["0", "10", "18", "30", "45", "5", "10", "0", "12", "15", "0"],
            "to": ["10", "20", "25", "40", "55", "5", "ten", "1", "15", "18", "1"],
            "cu_pct": [
                "0.5",
                "<0.01",
                "1.2",
                "-99",
                "abc",
                "0.3",
                "0.2",
                "0.1",
                "-0.5",
                ">20",
                "0.1",
            ],
        }
    )
    return DrillholeDatabase(collar, survey, intervals, grades=["cu_pct"])


EXPECTED = {
    ("B", "collar", 3, "duplicate_collar"),
    ("C", "collar", 4, "non_numeric"),
    ("D", "collar", 5, "no_survey"),
    ("E", "collar", 6, "invalid_length"),
    ("A", "survey", 2, "beyond_length"),
    ("B", "survey", 3, "azimuth_range"),
    ("B", "survey", 4, "dip_range"),
    ("B", "survey", 5, "duplicate_survey"),
    ("01", "survey", 6, "missing_collar"),
    ("A", "survey", 9, "negative_depth"),
    ("A", "intervals", 2, "below_detection"),
    ("A", "intervals", 3, "overlap"),
    ("A", "intervals", 4, "gap"),
    ("A", "intervals", 4, "sentinel"),
    ("A", "intervals", 5, "gap"),
    ("A", "intervals", 5, "beyond_length"),
    ("A", "intervals", 5, "non_numeric_grade"),
    ("B", "intervals", 6, "from_to"),
    ("B", "intervals", 7, "non_numeric"),
    ("1", "intervals", 8, "missing_collar"),
    ("1", "intervals", 8, "ambiguous_hole"),
    ("B", "intervals", 9, "negative_grade"),
    ("B", "intervals", 10, "above_detection"),
    (None, "intervals", 11, "missing_hole"),
}


def test_every_problem_is_reported_with_hole_table_row_kind():
    report = validate(messy())
    found = {
        (None if pd.isna(h) else h, t, r, k)
        for h, t, r, k in report.problems[["hole", "table", "row", "kind"]].itertuples(index=False)
    }
    assert found == EXPECTED
    assert set(report.problems["kind"]) == set(PROBLEM_KINDS)
    assert not report.ok
    assert report.holes == 6
    assert report.intervals == 11
    assert list(report.problems.columns) == ["hole", "table", "row", "kind", "message"]


def test_messages_name_hole_row_and_remedy():
    problems = validate(messy()).problems.set_index(["kind", "row"])
    overlap = problems.loc[("overlap", 3), "message"]
    assert "hole A" in overlap
    assert "18-25 m" in overlap
    assert "row 2" in overlap
    assert "fix policy overlap = 'drop' or 'truncate'" in overlap
    below = problems.loc[("below_detection", 2), "message"]
    assert "'<0.01'" in below
    assert "0.005" in below


def test_below_detection_policy_is_quoted():
    limit = validate(messy(), below_detection="limit").problems
    message = limit.loc[limit["kind"] == "below_detection", "message"].iloc[0]
    assert "sets it to 0.01" in message


def test_to_dict():
    out = validate(messy()).to_dict()
    assert set(out) == {"holes", "intervals", "problems"}
    assert out["holes"] == 6
    assert len(out["problems"]) == len(EXPECTED)
    first = out["problems"][0]
    assert set(first) == {"hole", "table", "row", "kind", "message"}
    assert isinstance(first["row"], int)


def test_counts_and_summary():
    report = validate(messy())
    counts = report.counts()
    assert counts["gap"] == 2
    assert counts["beyond_length"] == 2
    assert counts.sum() == len(EXPECTED)
    assert "overlap: 1" in report.summary()


def test_clean_grades():
    values, kinds = clean_grades(
        pd.Series(["1", "<0.2", "-999", "x"]), below_detection="null", sentinels=(-999,)
    )
    assert np.isnan(values[1])
    assert values[0] == 1.0
    assert np.isnan(values[2])
    assert kinds.tolist() == ["", "below_detection", "sentinel", "non_numeric_grade"]
    _numeric, kinds = clean_grades(pd.Series([0.2, -99.0, -1.0]))
    assert kinds.tolist() == ["", "sentinel", "negative_grade"]


def test_require_valid_refuses_invalid_data():
    with pytest.raises(ValidationError, match="fix"):
        require_valid(messy())


def test_fix_default_policy():
    clean = fix(messy(), FixPolicy())
    assert validate(clean).counts().to_dict() == {"gap": 2}
    assert validate(clean).ok
    # collars: B kept once, C (no easting), D (no survey), E (length -5 -> no data) dropped
    assert clean.holes == ["A", "B"]
    a = clean.intervals[clean.intervals["hole"] == "A"]
    assert a.index.tolist() == [1, 2, 4, 5]  # source rows kept; overlapping row 3 dropped
    assert a["cu_pct"].iloc[1] == pytest.approx(0.005)
    assert np.isnan(a["cu_pct"].iloc[2])
    assert np.isnan(a["cu_pct"].iloc[3])
    # hole A extended to its deepest interval; its 60 m survey clipped to 55 m
    assert clean.collar.set_index("hole").loc["A", "length"] == 55.0
    assert clean.survey[clean.survey["hole"] == "A"]["depth"].tolist() == [0.0, 55.0]
    b = clean.survey[clean.survey["hole"] == "B"]
    # 400 wrapped to 40; the -95 dip row dropped, so row 5 at 10 m is no longer a duplicate
    assert b[["depth", "azimuth"]].to_numpy().tolist() == [[0.0, 40.0], [10.0, 0.0]]
    assert clean.metadata["fixes"]["overlaps_dropped"] == 1
    assert clean.metadata["validation"]["overlap"] == 1
    assert clean.intervals["cu_pct"].dtype == float
    desurvey_intervals(clean)  # the cleaned database desurveys


def test_fix_alternative_policy():
    policy = FixPolicy(
        no_survey="vertical",
        overlap="truncate",
        gap="fill",
        beyond_length="drop",
        below_detection="limit",
        duplicate_collar="drop",
    )
    clean = fix(messy(), policy)
    report = validate(clean)
    assert report.problems.empty
    assert clean.holes == ["A", "D"]
    a = clean.intervals[clean.intervals["hole"] == "A"]
    # row 5 (45-55 m) ends beyond the 50 m hole and is dropped, so only one gap is filled
    assert a[["from", "to"]].to_numpy().tolist() == [
        [0, 10],
        [10, 20],
        [20, 25],
        [25, 30],
        [30, 40],
    ]
    assert a["cu_pct"].iloc[1] == pytest.approx(0.01)
    assert a.index.tolist() == [1, 2, 3, 0, 4]  # row 0 marks intervals added by the fix
    d = clean.survey[clean.survey["hole"] == "D"]
    assert d[["depth", "azimuth", "dip"]].to_numpy().tolist() == [[0.0, 0.0, -90.0]]


def test_policy_choices_are_checked():
    with pytest.raises(ValidationError, match="overlap"):
        FixPolicy(overlap="merge")  # type: ignore[arg-type]


def _hole(lengths: list[float], grades: list[float]) -> DrillholeDatabase:
    edges = np.r_[0.0, np.cumsum(lengths)]
    return DrillholeDatabase(
        collar=pd.DataFrame(
            {
                "hole": ["H"],
                "easting": [0.0],
                "northing": [0.0],
                "elevation": [0.0],
                "length": [edges[-1]],
            }
        ),
        survey=pd.DataFrame({"hole": ["H"], "depth": [0.0], "azimuth": [0.0], "dip": [-90.0]}),
        intervals=pd.DataFrame(
            {"hole": "H", "from": edges[:-1], "to": edges[1:], "cu_pct": grades}
        ),
    )


lengths = st.lists(st.integers(1, 40).map(lambda n: n / 4), min_size=2, max_size=30)


@settings(max_examples=30, deadline=None)
@given(lengths, st.data())
def test_contiguous_intervals_are_clean_and_perturbations_are_found(steps, data):
    n = len(steps)
    db = _hole(steps, [1.0] * n)
    assert validate(db).problems.empty
    i = data.draw(st.integers(1, n - 1))
    shift = data.draw(st.sampled_from([-1, 1])) * min(steps[i], steps[i - 1]) / 2
    intervals = db.intervals.copy()
    intervals.loc[i + 1, "from"] += shift  # row labels are 1-based
    report = validate(db.replace(intervals=intervals))
    kind = "overlap" if shift < 0 else "gap"
    assert report.problems[["row", "kind"]].to_numpy().tolist() == [[i + 1, kind]]
    # shuffling the rows changes nothing but the order
    shuffled = intervals.sample(frac=1.0, random_state=data.draw(st.integers(0, 99)))
    again = validate(db.replace(intervals=shuffled))
    assert again.problems[["row", "kind"]].to_numpy().tolist() == [[i + 1, kind]]
