"""Drill holes: collar, survey and interval tables to validated, desurveyed, composited samples.

``drillholes`` never imports ``geostats``, ``io``, ``workflows``, ``report`` or ``cli``; files are
read by :func:`bornite.io.read_drillholes`.
"""

from bornite.drillholes.capping import (
    DeclusteringResult,
    TopCutReport,
    cell_declustering,
    top_cut,
)
from bornite.drillholes.composite import composite
from bornite.drillholes.database import (
    COLLAR_COLUMNS,
    INTERVAL_COLUMNS,
    SURVEY_COLUMNS,
    DrillholeDatabase,
)
from bornite.drillholes.desurvey import (
    desurvey_intervals,
    desurvey_stations,
    direction_vectors,
    hole_positions,
    ratio_factor,
)
from bornite.drillholes.validation import (
    NOTICE_KINDS,
    PROBLEM_KINDS,
    FixPolicy,
    ValidationReport,
    clean_grades,
    fix,
    require_valid,
    validate,
)

__all__ = [
    "COLLAR_COLUMNS",
    "INTERVAL_COLUMNS",
    "NOTICE_KINDS",
    "PROBLEM_KINDS",
    "SURVEY_COLUMNS",
    "DeclusteringResult",
    "DrillholeDatabase",
    "FixPolicy",
    "TopCutReport",
    "ValidationReport",
    "cell_declustering",
    "clean_grades",
    "composite",
    "desurvey_intervals",
    "desurvey_stations",
    "direction_vectors",
    "fix",
    "hole_positions",
    "ratio_factor",
    "require_valid",
    "top_cut",
    "validate",
]
