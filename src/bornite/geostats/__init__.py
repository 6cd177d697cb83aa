"""Geostatistics on coordinates and values: variograms, search neighbourhoods, kriging, validation.

* :mod:`~bornite.geostats.models`: nugget plus nested spherical, exponential and Gaussian
  structures with GSLIB-convention 3-D anisotropy (:class:`VariogramModel`).
* :mod:`~bornite.geostats.experimental`: omnidirectional, directional and down-hole
  experimental variograms; weighted least-squares fits, one direction or 3-D anisotropic.
* :mod:`~bornite.geostats.samples`: averaging samples that share a location.
* :mod:`~bornite.geostats.neighbourhood`: the moving search ellipsoid.
* :mod:`~bornite.geostats.kriging`: :class:`OrdinaryKriging`, :class:`SimpleKriging`,
  :class:`InverseDistance`, point or block support, batched solves.
* :mod:`~bornite.geostats.crossval`: leave-one-out and leave-one-hole-out cross-validation.

Coordinates are ``(easting, northing, elevation)`` arrays of shape ``(n, 3)``, elevation up.
This package never reads drill-hole tables; :mod:`bornite.drillholes` prepares them.
"""

from bornite.geostats.crossval import CrossValidationResult, cross_validate
from bornite.geostats.experimental import (
    axis_directions,
    downhole_variogram,
    experimental_variogram,
    fit_anisotropic_variogram,
    fit_variogram,
)
from bornite.geostats.kriging import (
    InverseDistance,
    OrdinaryKriging,
    SimpleKriging,
    block_discretisation,
)
from bornite.geostats.models import (
    STRUCTURE_KINDS,
    Structure,
    VariogramModel,
    anisotropic_transform,
    rotation_matrix,
)
from bornite.geostats.neighbourhood import SearchNeighbourhood
from bornite.geostats.samples import average_duplicates

__all__ = [
    "STRUCTURE_KINDS",
    "CrossValidationResult",
    "InverseDistance",
    "OrdinaryKriging",
    "SearchNeighbourhood",
    "SimpleKriging",
    "Structure",
    "VariogramModel",
    "anisotropic_transform",
    "average_duplicates",
    "axis_directions",
    "block_discretisation",
    "cross_validate",
    "downhole_variogram",
    "experimental_variogram",
    "fit_anisotropic_variogram",
    "fit_variogram",
    "rotation_matrix",
]
