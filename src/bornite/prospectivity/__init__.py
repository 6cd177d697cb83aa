"""Regional prospectivity: evidence layers, weights of evidence, fuzzy overlay, machine-learning
models with spatial cross-validation, success-rate curves and ranked targets.

Layers are :class:`xarray.DataArray` objects on dimensions ``("northing", "easting")`` with
cell-centre coordinates (northing descending, as in a north-up GeoTIFF), NaN for nodata,
``attrs["crs"]`` and ``attrs["cell_size"]``; reading and writing files is :mod:`bornite.io`'s
business (``read_raster``, ``read_points``, ``points_to_cells``).
"""

from bornite.prospectivity.curves import (
    capture_table,
    curve_auc,
    prediction_rate_curve,
    roc_auc_map,
    success_rate_curve,
)
from bornite.prospectivity.fuzzy import (
    fuzzy_algebraic_product,
    fuzzy_algebraic_sum,
    fuzzy_and,
    fuzzy_categorical,
    fuzzy_gamma,
    fuzzy_gaussian,
    fuzzy_large,
    fuzzy_linear,
    fuzzy_near,
    fuzzy_or,
    fuzzy_small,
)
from bornite.prospectivity.weights import (
    WEIGHTS_COLUMNS,
    ConditionalIndependenceResult,
    WeightsSpec,
    class_frequencies,
    conditional_independence_test,
    generalise_weights,
    posterior_probability,
    weights_from_counts,
    weights_of_evidence,
    weights_raster,
)

__all__ = [
    "WEIGHTS_COLUMNS",
    "ConditionalIndependenceResult",
    "WeightsSpec",
    "capture_table",
    "class_frequencies",
    "conditional_independence_test",
    "curve_auc",
    "fuzzy_algebraic_product",
    "fuzzy_algebraic_sum",
    "fuzzy_and",
    "fuzzy_categorical",
    "fuzzy_gamma",
    "fuzzy_gaussian",
    "fuzzy_large",
    "fuzzy_linear",
    "fuzzy_near",
    "fuzzy_or",
    "fuzzy_small",
    "generalise_weights",
    "posterior_probability",
    "prediction_rate_curve",
    "roc_auc_map",
    "success_rate_curve",
    "weights_from_counts",
    "weights_of_evidence",
    "weights_raster",
]
