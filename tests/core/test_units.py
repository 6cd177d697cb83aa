"""Units and the grade-column convention."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bornite.core.units import (
    from_mass_fraction,
    grade_column,
    parse_grade_column,
    to_mass_fraction,
    tonnes,
)
from bornite.errors import UnitError


@pytest.mark.parametrize(
    ("value", "unit", "fraction"),
    [
        (1.0, "%", 0.01),
        (1.0, "g/t", 1e-6),
        (1.0, "ppm", 1e-6),
        (1.0, "ppb", 1e-9),
        (0.5, "fraction", 0.5),
        (2.0, "percent", 0.02),
    ],
)
def test_grade_units(value, unit, fraction):
    assert to_mass_fraction(value, unit) == pytest.approx(fraction)


@given(st.floats(0, 1e6), st.sampled_from(["%", "g/t", "ppm", "ppb"]))
def test_grade_round_trip(value, unit):
    assert from_mass_fraction(to_mass_fraction(value, unit), unit) == pytest.approx(value)


def test_tonnage_units_and_arrays():
    np.testing.assert_allclose(tonnes(np.array([1.0, 2.5]), "Mt"), [1e6, 2.5e6])
    assert tonnes(3.0, "kt") == 3000.0


def test_grade_columns():
    assert grade_column("Cu", "%") == "cu_pct"
    assert grade_column("au", "g/t") == "au_gt"
    assert parse_grade_column("ag_ppm") == ("ag", "ppm")
    with pytest.raises(UnitError, match="not a grade column"):
        parse_grade_column("copper")
    with pytest.raises(UnitError, match="unknown grade unit 'oz/t'"):
        to_mass_fraction(1.0, "oz/t")
    with pytest.raises(UnitError, match="not bare fractions"):
        grade_column("cu", "fraction")
