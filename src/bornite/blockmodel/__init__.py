"""Block models: grid geometry, domains, the estimation driver, classification, grade-tonnage
curves and validation. Models are :class:`xarray.Dataset` objects on dimensions
``easting``, ``northing``, ``elevation`` with the grid geometry in ``attrs``."""

from bornite.blockmodel.domains import density_by_domain, grade_shell, inside_wireframe
from bornite.blockmodel.estimate import PointEstimator, estimate_blocks
from bornite.blockmodel.grid import DIMS, BlockGrid
from bornite.blockmodel.resources import CATEGORY_NAMES, classify, grade_tonnage_curve
from bornite.blockmodel.validation import global_mean_check, swath

__all__ = [
    "CATEGORY_NAMES",
    "DIMS",
    "BlockGrid",
    "PointEstimator",
    "classify",
    "density_by_domain",
    "estimate_blocks",
    "global_mean_check",
    "grade_shell",
    "grade_tonnage_curve",
    "inside_wireframe",
    "swath",
]
