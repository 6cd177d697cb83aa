"""Domain-free primitives: units, CRS comparison, random generators and table validators.

The estimator base (:class:`bornite.core.estimator.Estimator`) is imported from its module:
it loads scikit-learn (about a second), which modules without estimators need not pay.
"""

from bornite.core.crs import same_crs
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
    "SeedLike",
    "as_generator",
    "as_seed_sequence",
    "format_rows",
    "from_mass_fraction",
    "grade_column",
    "is_grade_column",
    "parse_grade_column",
    "require_columns",
    "same_crs",
    "to_mass_fraction",
    "tonnes",
]
