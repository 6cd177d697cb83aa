"""Figures of a prospectivity run: the map with deposits and targets, rate curves, importances.

Like :mod:`bornite.report.figures`, every function returns a :class:`matplotlib.figure.Figure`
on its own Agg canvas (no pyplot).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure

from bornite.errors import ValidationError
from bornite.report.figures import (
    _GUIDE_COLOR,
    _MODEL_COLOR,
    _SERIES_COLORS,
    FIGURE_WIDTH,
    _legend,
    _new_figure,
    _style,
)

__all__ = ["importance_figure", "prospectivity_figure", "rate_curve_figure"]


def prospectivity_figure(
    prospectivity: xr.DataArray,
    *,
    deposits: pd.DataFrame | None = None,
    targets: xr.DataArray | None = None,
    title: str = "Prospectivity",
    label: str = "probability",
    percentile: bool = True,
) -> Figure:
    """The map on its grid, known deposits as points and target outlines.

    With ``percentile`` (default) cells are coloured by the percentage of the area scoring
    below them, the usual way to show a map whose values span orders of magnitude; otherwise
    by ``label``'s values.

    Parameters
    ----------
    prospectivity : xarray.DataArray
        Layer on ``("northing", "easting")``.
    deposits : pandas.DataFrame, optional
        ``easting``, ``northing`` of known deposits.
    targets : xarray.DataArray, optional
        Label raster of targets (0 outside); their outlines are drawn.
    """
    if set(prospectivity.dims) != {"northing", "easting"}:
        msg = f"expected a layer on (northing, easting); got dims {prospectivity.dims}"
        raise ValidationError(msg)
    east = prospectivity["easting"].values / 1e3
    north = prospectivity["northing"].values / 1e3
    fig = _new_figure(FIGURE_WIDTH * 0.75, FIGURE_WIDTH * 0.62)
    ax = fig.add_subplot()
    values = np.asarray(prospectivity.transpose("northing", "easting").values, dtype=float)
    if percentile:
        valid = np.isfinite(values)
        ranks = np.full(values.shape, np.nan)
        ordered = np.sort(values[valid])
        ranks[valid] = 100.0 * np.searchsorted(ordered, values[valid], side="left") / valid.sum()
        values, label = ranks, f"{label}: percentile of area"
    mesh = ax.pcolormesh(east, north, values, cmap="magma", shading="nearest", rasterized=True)
    fig.colorbar(mesh, ax=ax, shrink=0.85, label=label)
    if targets is not None:
        inside = np.nan_to_num(targets.transpose("northing", "easting").values) > 0
        if inside.any():
            ax.contour(
                east, north, inside.astype(float), levels=[0.5], colors="#00bcd4", linewidths=0.9
            )
    if deposits is not None and len(deposits):
        ax.scatter(
            deposits["easting"] / 1e3,
            deposits["northing"] / 1e3,
            s=14,
            c="white",
            edgecolors="black",
            linewidths=0.6,
            label="known deposits",
            zorder=3,
        )
    ax.set_aspect("equal")
    _style(ax, title, "easting (km)", "northing (km)")
    ax.grid(visible=False)
    _legend(ax, loc="upper right")
    return fig


def rate_curve_figure(
    curves: Mapping[str, pd.DataFrame], *, title: str = "Success-rate curves"
) -> Figure:
    """Fraction of deposits against fraction of area (best cells first), with the diagonal.

    Parameters
    ----------
    curves : mapping of label to pandas.DataFrame
        From :func:`~bornite.prospectivity.success_rate_curve` or
        :func:`~bornite.prospectivity.prediction_rate_curve` (their ``attrs["auc"]`` is put
        in the legend).
    """
    if not curves:
        msg = "give at least one rate curve to plot"
        raise ValidationError(msg)
    fig = _new_figure(FIGURE_WIDTH * 0.6, FIGURE_WIDTH * 0.5)
    ax = fig.add_subplot()
    ax.plot([0, 100], [0, 100], color=_GUIDE_COLOR, linestyle=":", linewidth=1.0)
    for k, (name, curve) in enumerate(curves.items()):
        auc = curve.attrs.get("auc")
        text = name if auc is None else f"{name} (AUC {auc:.3f})"
        ax.plot(
            100 * curve["area_fraction"],
            100 * curve["deposit_fraction"],
            color=_SERIES_COLORS[k % len(_SERIES_COLORS)],
            linewidth=1.4,
            label=text,
        )
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    _style(ax, title, "most prospective area (%)", "known deposits captured (%)")
    _legend(ax, loc="lower right")
    return fig


def importance_figure(
    table: pd.DataFrame,
    *,
    value: str = "importance_mean",
    error: str | None = "importance_sd",
    label: str = "feature",
    title: str = "Evidence layers",
    xlabel: str = "drop in AUC when shuffled",
) -> Figure:
    """Horizontal bars of one value per evidence layer (permutation importance, contrast)."""
    if table.empty:
        msg = "the importance table is empty"
        raise ValidationError(msg)
    rows = table.sort_values(value)
    fig = _new_figure(FIGURE_WIDTH * 0.6, 0.5 + 0.32 * len(rows))
    ax = fig.add_subplot()
    ax.barh(
        rows[label].astype(str),
        rows[value],
        xerr=rows[error] if error is not None and error in rows else None,
        color=_MODEL_COLOR,
        alpha=0.85,
    )
    ax.axvline(0.0, color=_GUIDE_COLOR, linewidth=0.8)
    _style(ax, title, xlabel, "")
    return fig
