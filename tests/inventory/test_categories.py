"""The CRIRSCO <-> GB/T 17766-2020 map and the reporting codes."""

from __future__ import annotations

import pytest

from bornite.errors import InventoryError
from bornite.inventory import (
    CATEGORIES,
    CATEGORY_KIND,
    GBT17766_NAMES,
    canonical_category,
    canonical_code,
    category_label,
)


@pytest.mark.parametrize("category", CATEGORIES)
def test_category_round_trips_through_both_schemes(category: str) -> None:
    for scheme in ("crirsco", "gbt17766"):
        assert canonical_category(category_label(category, scheme)) == category


def test_gbt17766_map_is_one_to_one_and_keeps_resources_apart_from_reserves() -> None:
    assert len(set(GBT17766_NAMES.values())) == len(GBT17766_NAMES)
    assert {c for c, k in CATEGORY_KIND.items() if k == "reserve"} == {"proved", "probable"}
    assert GBT17766_NAMES["measured"] == "探明资源量"
    assert GBT17766_NAMES["indicated"] == "控制资源量"
    assert GBT17766_NAMES["inferred"] == "推断资源量"
    assert GBT17766_NAMES["proved"] == "证实储量"
    assert GBT17766_NAMES["probable"] == "可信储量"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("探明", "measured"),
        ("控制 (indicated)", "indicated"),  # the block model's labels
        ("tuiduan", "inferred"),
        ("Proven", "proved"),
        ("Probable Reserve", "probable"),
        (" Measured ", "measured"),
        ("kexin", "probable"),
    ],
)
def test_reported_names_map_to_canonical_categories(name: str, expected: str) -> None:
    assert canonical_category(name) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("JORC", "jorc2012"),
        ("NI 43-101", "cim"),
        ("GB/T 17766-2020", "gbt17766"),
        ("none", "compilation"),
    ],
)
def test_codes(code: str, expected: str) -> None:
    assert canonical_code(code) == expected


def test_unknown_names_are_refused_with_the_choices() -> None:
    with pytest.raises(InventoryError, match="探明资源量"):
        canonical_category("possible")
    with pytest.raises(InventoryError, match="jorc2012"):
        canonical_code("PERC")
    with pytest.raises(InventoryError, match="crirsco or gbt17766"):
        category_label("measured", "usgs")
