"""Readers and writers at the edge: deposit tables, elicitations, run outputs.

Domain packages never import ``io``; workflows and faces use it to get data in and out.
"""

from bornite.io.blockmodel import block_table, write_block_model, write_vtk
from bornite.io.drillholes import BABBITT_MAPPING, FOOT, read_drillholes
from bornite.io.grade_tonnage import read_elicitation, read_grade_tonnage, read_table
from bornite.io.mapwizard import (
    read_control_tracts,
    read_correlation_matrix,
    read_deposit_density_coefficients,
    read_pmf_csv,
    read_tract_pmfs,
)
from bornite.io.outputs import (
    check_output_dir,
    to_jsonable,
    write_json,
    write_table,
    write_text,
)
from bornite.io.raef import read_mapmark4_simulation, read_raef_parameters
from bornite.io.stl import read_stl

__all__ = [
    "BABBITT_MAPPING",
    "FOOT",
    "block_table",
    "check_output_dir",
    "read_control_tracts",
    "read_correlation_matrix",
    "read_deposit_density_coefficients",
    "read_drillholes",
    "read_elicitation",
    "read_grade_tonnage",
    "read_mapmark4_simulation",
    "read_pmf_csv",
    "read_raef_parameters",
    "read_stl",
    "read_table",
    "read_tract_pmfs",
    "to_jsonable",
    "write_block_model",
    "write_json",
    "write_table",
    "write_text",
    "write_vtk",
]
