"""Compositing: residual rules, domains, gaps, and metal conservation (Hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bornite.drillholes import DrillholeDatabase, composite
from bornite.errors import ValidationError


def _table(edges, grades, hole="A", **extra):
    edges = np.asarray(edges, dtype=float)
    return pd.DataFrame(
        {"hole": hole, "from": edges[:-1], "to": edges[1:], "cu_pct": grades, **extra}
    )


def test_hand_computed_composites():
    table = _table([0, 1, 3, 4.8], [1.0, 2.0, 0.5])
    out = composite(table, 2.0)
    assert out[["from", "to", "length"]].to_numpy().tolist() == [[0, 2, 2], [2, 4.8, 2.8]]
    assert out["cu_pct"].tolist() == pytest.approx([1.5, (2.0 * 1 + 0.5 * 1.8) / 2.8])
    assert out["cu_pct_length"].tolist() == pytest.approx([2.0, 2.8])


@pytest.mark.parametrize(
    ("residual", "expected"),
    [
        ("merge", [[0, 2], [2, 4], [4, 6.5]]),  # 0.5 < 1 merged
        ("keep", [[0, 2], [2, 4], [4, 6], [6, 6.5]]),
        ("distribute", [[0, 6.5 / 3], [6.5 / 3, 13 / 3], [13 / 3, 6.5]]),
    ],
)
def test_residual_rules(residual, expected):
    out = composite(_table([0, 6.5], [1.0]), 2.0, residual=residual)
    np.testing.assert_allclose(out[["from", "to"]].to_numpy(), expected)
    np.testing.assert_allclose(out["cu_pct"], 1.0)


def test_residual_of_half_or_more_is_kept():
    out = composite(_table([0, 5.0], [1.0]), 2.0)
    np.testing.assert_allclose(out[["from", "to"]].to_numpy(), [[0, 2], [2, 4], [4, 5]])
    short = composite(_table([0, 0.3], [1.0]), 2.0)
    np.testing.assert_allclose(short[["from", "to"]].to_numpy(), [[0, 0.3]])


def test_domains_and_gaps_split_composites():
    table = pd.concat(
        [
            _table([0, 3, 5], [1.0, 2.0], rock=["ox", "ox"]),
            _table([5, 9], [4.0], rock=["sulph"]),
            _table([10, 12], [3.0], rock=["sulph"]),  # gap 9-10
        ]
    )
    out = composite(table, 4.0, domain="rock")
    assert out[["from", "to", "rock"]].to_numpy().tolist() == [
        [0.0, 5.0, "ox"],
        [5.0, 9.0, "sulph"],
        [10.0, 12.0, "sulph"],
    ]
    assert out["cu_pct"].tolist() == pytest.approx([(3 * 1 + 2 * 2) / 5, 4.0, 3.0])


def test_missing_grades_are_excluded_and_metal_kept():
    out = composite(_table([0, 1, 2], [2.0, np.nan]), 2.0)
    assert out["cu_pct"].tolist() == [2.0]
    assert out["cu_pct_length"].tolist() == [1.0]
    assert out["length"].tolist() == [2.0]


def test_database_input_and_refusals():
    db = DrillholeDatabase(
        collar=pd.DataFrame(
            {
                "hole": ["A"],
                "easting": [0.0],
                "northing": [0.0],
                "elevation": [0.0],
                "length": [4.0],
            }
        ),
        survey=pd.DataFrame({"hole": ["A"], "depth": [0.0], "azimuth": [0.0], "dip": [-90.0]}),
        intervals=_table([0, 2, 4], ["1.0", "<0.1"]),
        grades=["cu_pct"],
    )
    with pytest.raises(ValidationError, match="holds text"):
        composite(db, 2.0)
    with pytest.raises(ValidationError, match="overlapping"):
        composite(
            pd.DataFrame({"hole": "A", "from": [0.0, 1.0], "to": [2.0, 3.0], "cu_pct": [1.0, 1.0]}),
            1.0,
        )
    with pytest.raises(ValidationError, match="from >= to"):
        composite(_table([0, 0], [1.0]), 1.0)
    with pytest.raises(ValidationError, match="positive"):
        composite(_table([0, 1], [1.0]), 0.0)


@st.composite
def interval_tables(draw):
    frames = []
    for hole in draw(st.lists(st.sampled_from("ABCD"), min_size=1, max_size=3, unique=True)):
        depth = draw(st.integers(0, 20)) / 4
        n = draw(st.integers(1, 15))
        rows = []
        for _ in range(n):
            depth += draw(st.sampled_from([0.0, 0.0, 0.0, 0.5, 1.7]))  # sometimes a gap
            length = draw(st.integers(1, 40)) / 8
            grade = draw(st.one_of(st.floats(0, 30), st.just(np.nan)))
            rows.append((hole, depth, depth + length, grade, draw(st.sampled_from("xyz"))))
            depth += length
        frames.append(pd.DataFrame(rows, columns=["hole", "from", "to", "cu_pct", "dom"]))
    return pd.concat(frames, ignore_index=True)


@settings(max_examples=40, deadline=None)
@given(
    interval_tables(),
    st.sampled_from([0.5, 1.0, 2.5, 3.0]),
    st.sampled_from(["merge", "keep", "distribute"]),
)
def test_metal_conserved_and_domains_never_crossed(table, length, residual):
    out = composite(table, length, domain="dom", residual=residual)
    sampled = table["cu_pct"].notna()
    metal_in = float((table["cu_pct"][sampled] * (table["to"] - table["from"])[sampled]).sum())
    metal_out = float(np.nansum(out["cu_pct"] * out["cu_pct_length"]))
    assert metal_out == pytest.approx(metal_in, rel=1e-9, abs=1e-9)
    assert out["length"].sum() == pytest.approx((table["to"] - table["from"]).sum())
    assert (out["length"] > 0).all()
    for comp in out.itertuples(index=False):
        inside = table[
            (table["hole"] == comp.hole)
            & (table["to"] > comp[1] + 1e-9)
            & (table["from"] < comp[2] - 1e-9)
        ]
        # one domain only, and the intervals cover the composite without a gap
        assert set(inside["dom"]) == {comp.dom}
        covered = (np.minimum(inside["to"], comp[2]) - np.maximum(inside["from"], comp[1])).sum()
        assert covered == pytest.approx(comp.length)
        if residual == "merge":
            assert comp.length < 1.5 * length + 1e-9
