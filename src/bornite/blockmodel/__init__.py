"""Block models: grid geometry, domains, the estimation driver, classification, grade-tonnage
curves and validation. Models are :class:`xarray.Dataset` objects on dimensions
``easting``, ``northing``, ``elevation`` with the grid geometry in ``attrs``."""

from bornite.blockmodel.domains import density_by_domain, grade_shell, inside_wireframe
from bornite.blockmodel.estimate import PointEstimator, estimate_blocks
from bornite.blockmodel.grid import DIMS, BlockGrid
from bornite.blockmodel.resources import (
    CATEGORY_NAMES,
    classify,
    clip_negative_grades,
    grade_tonnage_curve,
    resource_by_class,
)
from bornite.blockmodel.table import Surface, below_surface, model_from_table
from bornite.blockmodel.validation import (
    CompositeCheck,
    check_against_composites,
    declustering_cells,
    global_mean_check,
    swath,
)

__all__ = [
    "CATEGORY_NAMES",
    "DIMS",
    "BlockGrid",
    "CompositeCheck",
    "PointEstimator",
    "Surface",
    "below_surface",
    "check_against_composites",
    "classify",
    "clip_negative_grades",
    "declustering_cells",
    "density_by_domain",
    "estimate_blocks",
    "global_mean_check",
    "grade_shell",
    "grade_tonnage_curve",
    "inside_wireframe",
    "model_from_table",
    "resource_by_class",
    "swath",
]
