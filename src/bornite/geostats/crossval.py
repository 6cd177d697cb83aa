"""Cross-validation of kriging and inverse distance: leave-one-out and leave-one-hole-out.

Each sample (or each hole's samples) is estimated from the others with the estimator's own
variogram and neighbourhood; the errors and their statistics tell whether the variogram and
the search are sound.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import clone

from bornite.errors import ValidationError

__all__ = ["CrossValidationResult", "cross_validate"]

FloatArray = npt.NDArray[np.float64]


class _Estimator(Protocol):
    def get_params(self, deep: bool = True) -> dict[str, Any]: ...

    def fit(
        self,
        coordinates: npt.ArrayLike,
        values: npt.ArrayLike,
        hole_ids: npt.ArrayLike | None = None,
    ) -> Any: ...

    def predict(self, targets: npt.ArrayLike, *, exclude: Any = None) -> pd.DataFrame: ...


class CrossValidationResult:
    """Per-sample cross-validation table and its summary statistics.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per sample: ``value``, ``estimate``, ``variance`` (NaN for inverse
        distance), ``error`` (``estimate - value``), ``standardised_error``
        (``error / sqrt(variance)``), ``n_samples`` and ``hole_id`` (when given).
    summary : pandas.Series
        ``n`` (samples estimated), ``mean_error``, ``mse``, ``rmse``, ``correlation``
        (Pearson, value vs estimate), ``mean_standardised_error`` and
        ``variance_standardised_error`` (near 0 and 1 when the kriging variances are right).
    """

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table
        ok = table.dropna(subset=["estimate"])
        err = ok["error"].to_numpy()
        std = ok["standardised_error"].dropna().to_numpy()
        corr = (
            float(np.corrcoef(ok["value"], ok["estimate"])[0, 1]) if len(ok) > 1 else float("nan")
        )
        self.summary = pd.Series(
            {
                "n": float(len(ok)),
                "mean_error": float(err.mean()) if len(err) else np.nan,
                "mse": float(np.mean(err**2)) if len(err) else np.nan,
                "rmse": float(np.sqrt(np.mean(err**2))) if len(err) else np.nan,
                "correlation": corr,
                "mean_standardised_error": float(std.mean()) if len(std) else np.nan,
                "variance_standardised_error": float(std.var()) if len(std) else np.nan,
            }
        )

    def __repr__(self) -> str:
        return f"CrossValidationResult(n={int(self.summary['n'])}, rmse={self.summary['rmse']:.4g})"


def cross_validate(
    estimator: _Estimator,
    coordinates: npt.ArrayLike,
    values: npt.ArrayLike,
    hole_ids: npt.ArrayLike | None = None,
    *,
    method: Literal["loo", "loho"] = "loo",
) -> CrossValidationResult:
    """Leave-one-out or leave-one-hole-out cross-validation.

    Parameters
    ----------
    estimator : OrdinaryKriging, SimpleKriging or InverseDistance
        An unfitted or fitted estimator; its parameters are used, it is not modified.
    coordinates : array-like, shape (n, 3)
        Sample easting, northing, elevation.
    values : array-like, shape (n,)
        Sample values.
    hole_ids : array-like, shape (n,), optional
        Drill-hole labels; required for ``method="loho"``.
    method : {"loo", "loho"}
        ``"loo"``: each sample is estimated from all others (one batched prediction that
        excludes the target sample from its own neighbourhood). ``"loho"``: the samples of
        each hole are estimated from the other holes only (one refit per hole), which avoids
        the optimism of estimating a sample from its neighbours down the same hole.

    Returns
    -------
    CrossValidationResult

    Notes
    -----
    With errors ``e_i = z*_i - z_i`` and kriging variances ``s_i^2``: mean error
    ``mean(e)``, mean squared error ``mean(e^2)``, standardised errors ``e_i / s_i``.

    Examples
    --------
    >>> from bornite.geostats import OrdinaryKriging, Structure, VariogramModel
    >>> rng = np.random.default_rng(0)
    >>> xyz = np.column_stack([rng.uniform(0, 100, (40, 2)), np.zeros(40)])
    >>> z = np.sin(xyz[:, 0] / 20.0)
    >>> ok = OrdinaryKriging(VariogramModel(0.0, (Structure("gaussian", 1.0, 60.0),)))
    >>> result = cross_validate(ok, xyz, z)
    >>> bool(result.summary["correlation"] > 0.9)
    True
    """
    xyz = np.asarray(coordinates, dtype=float)
    z = np.asarray(values, dtype=float)
    n = xyz.shape[0] if xyz.ndim == 2 else 0
    if method == "loo":
        fitted = clone(estimator).fit(xyz, z, hole_ids)
        result = fitted.predict(xyz, exclude=np.arange(n))
    elif method == "loho":
        if hole_ids is None:
            msg = "leave-one-hole-out cross-validation needs hole_ids (one label per sample)"
            raise ValidationError(msg)
        holes = np.asarray(hole_ids)
        if holes.shape != (n,):
            msg = f"hole_ids must have shape ({n},); got {holes.shape}"
            raise ValidationError(msg)
        labels, codes = np.unique(holes, return_inverse=True)
        if len(labels) < 2:
            msg = "leave-one-hole-out cross-validation needs at least two holes"
            raise ValidationError(msg)
        parts = []
        for code in range(len(labels)):
            test = codes == code
            fitted = clone(estimator).fit(xyz[~test], z[~test], holes[~test])
            part = fitted.predict(xyz[test])
            part.index = np.flatnonzero(test)
            parts.append(part)
        result = pd.concat(parts).sort_index()
    else:
        msg = f"method must be 'loo' or 'loho'; got {method!r}"
        raise ValidationError(msg)
    variance = result["variance"].to_numpy() if "variance" in result else np.full(n, np.nan)
    estimate = result["estimate"].to_numpy()
    error = estimate - z
    with np.errstate(invalid="ignore", divide="ignore"):
        standardised = np.where(variance > 0, error / np.sqrt(variance), np.nan)
    table = pd.DataFrame(
        {
            "value": z,
            "estimate": estimate,
            "variance": variance,
            "error": error,
            "standardised_error": standardised,
            "n_samples": result["n_samples"].to_numpy(),
        }
    )
    if hole_ids is not None:
        table["hole_id"] = np.asarray(hole_ids)
    return CrossValidationResult(table)
