"""Readers and writers at the edge: deposit tables, elicitations, run outputs.

Domain packages never import ``io``; workflows and faces use it to get data in and out.
"""

from bornite.io.blockmodel import block_table, write_block_model, write_vtk
from bornite.io.drillholes import BABBITT_MAPPING, FOOT, read_drillholes
from bornite.io.grade_tonnage import read_elicitation, read_grade_tonnage, read_table
from bornite.io.inventory import (
    USGS2008_CITATION,
    InventoryTables,
    read_inventory,
    read_usgs2008_inventory,
    write_inventory,
)
from bornite.io.mapwizard import (
    read_control_tracts,
    read_correlation_matrix,
    read_deposit_density_coefficients,
    read_pmf_csv,
    read_tract_pmfs,
)
from bornite.io.minelib import (
    MineLibInstance,
    read_minelib,
    read_minelib_blocks,
    read_minelib_precedence,
    read_minelib_values,
)
from bornite.io.outputs import (
    INCOMPLETE,
    MANIFEST,
    StagedFolder,
    atomic_path,
    copy_file,
    list_files,
    sha256_file,
    staged_folder,
    to_jsonable,
    write_bytes,
    write_json,
    write_table,
    write_text,
)
from bornite.io.raef import read_mapmark4_simulation, read_raef_parameters
from bornite.io.raster import (
    RESAMPLING_METHODS,
    align,
    check_aligned,
    grid_transform,
    raster_template,
    read_raster,
    write_raster,
)
from bornite.io.stl import read_stl
from bornite.io.surface import read_surface
from bornite.io.vector import points_to_cells, read_points, read_vector, write_targets

__all__ = [
    "BABBITT_MAPPING",
    "FOOT",
    "INCOMPLETE",
    "MANIFEST",
    "RESAMPLING_METHODS",
    "USGS2008_CITATION",
    "InventoryTables",
    "MineLibInstance",
    "StagedFolder",
    "align",
    "atomic_path",
    "block_table",
    "check_aligned",
    "copy_file",
    "grid_transform",
    "list_files",
    "points_to_cells",
    "raster_template",
    "read_control_tracts",
    "read_correlation_matrix",
    "read_deposit_density_coefficients",
    "read_drillholes",
    "read_elicitation",
    "read_grade_tonnage",
    "read_inventory",
    "read_mapmark4_simulation",
    "read_minelib",
    "read_minelib_blocks",
    "read_minelib_precedence",
    "read_minelib_values",
    "read_pmf_csv",
    "read_points",
    "read_raef_parameters",
    "read_raster",
    "read_stl",
    "read_surface",
    "read_table",
    "read_tract_pmfs",
    "read_usgs2008_inventory",
    "read_vector",
    "sha256_file",
    "staged_folder",
    "to_jsonable",
    "write_block_model",
    "write_bytes",
    "write_inventory",
    "write_json",
    "write_raster",
    "write_table",
    "write_targets",
    "write_text",
    "write_vtk",
]
