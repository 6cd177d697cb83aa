"""Deposit and statement tables: canonical form, contained metal, and the rules that keep
roll-ups free of double counting, each refused with the row named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bornite.errors import InventoryError
from bornite.inventory import normalise_deposits, normalise_statements


def _statements(**columns: object) -> pd.DataFrame:
    base: dict[str, object] = {
        "deposit_id": ["a"],
        "effective_date": ["2023-12-31"],
        "code": ["JORC"],
        "category": ["indicated"],
        "ore_t": [100e6],
        "cu_pct": [0.45],
        "citation": ["test"],
    }
    base.update(columns)
    rows = max(len(v) for v in base.values())  # type: ignore[arg-type]
    frame = pd.DataFrame({k: list(v) * (rows // len(v)) for k, v in base.items()})  # type: ignore[arg-type]
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


def test_metal_is_ore_times_grade_in_each_unit() -> None:
    frame = _statements(au_gt=[0.25], mo_ppm=[120.0])
    out = normalise_statements(frame)
    # 100 Mt x 0.45 % = 450 kt Cu; x 0.25 g/t = 25 t Au; x 120 ppm = 12 kt Mo.
    assert out["cu_t"].iloc[0] == pytest.approx(450_000.0, rel=1e-12)
    assert out["au_t"].iloc[0] == pytest.approx(25.0, rel=1e-12)
    assert out["mo_t"].iloc[0] == pytest.approx(12_000.0, rel=1e-12)
    assert out.loc[1, "code"] == "jorc2012"
    assert out.loc[1, "kind"] == "resource"
    assert bool(out.loc[1, "inclusive_of_reserves"]) is True


def test_reported_metal_is_kept_and_a_compilation_may_give_metal_only() -> None:
    frame = _statements(
        deposit_id=["a", "b"],
        category=["indicated", "unclassified"],
        code=["jorc", "compilation"],
        ore_t=[100e6, None],
        cu_pct=[0.45, None],
        cu_t=[452_000.0, 10e6],
        citation=["x", "CGS 2024"],
    )
    out = normalise_statements(frame)
    assert out["cu_t"].tolist() == pytest.approx([452_000.0, 10e6], rel=1e-12)
    assert np.isnan(out["ore_t"].iloc[1])


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"cu_t": [600_000.0]}, "row 1: cu_t differs from ore_t x grade"),
        ({"effective_date": ["31/12/2023"]}, "row 1: effective_date is not an ISO date"),
        ({"category": ["possible"]}, "row 1: unknown resource category"),
        ({"code": ["PERC"]}, "row 1: unknown reporting code"),
        ({"ore_t": [-5.0]}, "row 1: negative ore_t"),
        ({"citation": [""]}, "row 1: no citation"),
        ({"ore_t": [None]}, "a cu grade without ore_t or cu_t"),
        ({"tonnage": [1.0]}, "unknown statement column"),
        ({"ore_t": ["lots"]}, "row 1: ore_t is not a number"),
    ],
)
def test_bad_statements_are_refused_naming_the_row(columns: dict, message: str) -> None:
    with pytest.raises(InventoryError, match=message):
        normalise_statements(_statements(**columns))


def test_the_counting_rules_are_enforced() -> None:
    twice = _statements(
        deposit_id=["a", "a"],
        category=["indicated", "indicated"],
        ore_t=[1e6, 2e6],
        cu_pct=[0.5, 0.5],
        citation=["x", "y"],
    )
    with pytest.raises(InventoryError, match=r"rows? 1, 2: two statements of the same deposit"):
        normalise_statements(twice)
    # The same category in two domains is two statements.
    assert len(normalise_statements(twice.assign(domain=["oxide", "sulphide"]))) == 2
    codes = twice.assign(code=["jorc", "gbt17766"], category=["indicated", "measured"])
    with pytest.raises(InventoryError, match="under two reporting codes"):
        normalise_statements(codes)
    flags = twice.assign(category=["indicated", "measured"], inclusive_of_reserves=["true", "no"])
    with pytest.raises(InventoryError, match="both inclusive and exclusive"):
        normalise_statements(flags)
    with pytest.raises(InventoryError, match="row 1: unknown deposit"):
        normalise_statements(_statements(), deposit_ids=["b"])


def test_deposits_are_checked_and_made_canonical() -> None:
    frame = pd.DataFrame(
        {
            "id": ["qulong", "yulong"],
            "name": ["Qulong 驱龙", "  Yulong   玉龙 "],
            "easting": [91.6, 97.7],
            "northing": [29.6, 31.4],
            "crs": "EPSG:4326",
            "status": ["Producing", "producing"],
            "discovery_year": [1994, None],
        },
        index=pd.RangeIndex(1, 3),
    )
    out = normalise_deposits(frame)
    assert out["name"].tolist() == ["Qulong 驱龙", "Yulong 玉龙"]
    assert out["status"].tolist() == ["producing", "producing"]
    assert out["discovery_year"].tolist()[0] == 1994
    assert out["discovery_year"].isna().tolist() == [False, True]
    bad = [
        (frame.assign(id=["a", "a"]), "rows? 1, 2: the deposit id appears twice"),
        (frame.assign(status=["mined out", "closed"]), "row 1: unknown status"),
        (frame.assign(crs=""), "coordinates without a CRS"),
        (frame.assign(northing=[29.6, None]), "row 2: only one coordinate"),
        (frame.assign(discovery_year=[94, 1990]), "row 1: discovery_year is not a year"),
        (frame.assign(grade=1.0), "unknown deposit column"),
    ]
    for table, message in bad:
        with pytest.raises(InventoryError, match=message):
            normalise_deposits(table)
