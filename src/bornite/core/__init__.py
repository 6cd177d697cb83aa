"""Domain-free primitives: units, random generators, table validators, the estimator base."""

from bornite.core.estimator import Estimator, check_fitted
from bornite.core.random import SeedLike, as_generator, as_seed_sequence
from bornite.core.units import (
    GRADE_UNITS,
    TONNAGE_UNITS,
    from_mass_fraction,
    grade_column,
    is_grade_column,
    parse_grade_column,
    to_mass_fraction,
    tonnes,
)
from bornite.core.validation import format_rows, require_columns

__all__ = [
    "GRADE_UNITS",
    "TONNAGE_UNITS",
    "Estimator",
    "SeedLike",
    "as_generator",
    "as_seed_sequence",
    "check_fitted",
    "format_rows",
    "from_mass_fraction",
    "grade_column",
    "is_grade_column",
    "parse_grade_column",
    "require_columns",
    "to_mass_fraction",
    "tonnes",
]
