"""Figures of a block-model estimate: variograms, swath plots, sections and grade-tonnage curves.

Like :mod:`bornite.report.figures`, every function returns a :class:`matplotlib.figure.Figure`
on its own Agg canvas (no pyplot).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from bornite.errors import ValidationError
from bornite.geostats import VariogramModel, rotation_matrix
from bornite.report.figures import (
    _DATA_COLOR,
    _GUIDE_COLOR,
    _MODEL_COLOR,
    _SERIES_COLORS,
    FIGURE_WIDTH,
    _legend,
    _new_figure,
    _note,
    _style,
)

__all__ = ["grade_tonnage_figure", "section_figure", "swath_figure", "variogram_figure"]

_TRUTH_COLOR = "0.25"


def variogram_figure(
    experimentals: Mapping[str, pd.DataFrame],
    model: VariogramModel,
    *,
    title: str = "Variograms",
) -> Figure:
    """Experimental variograms (points sized by pair count) and the fitted model along each.

    Parameters
    ----------
    experimentals : mapping of label to pandas.DataFrame
        Tables from :func:`~bornite.geostats.experimental_variogram` (the model is drawn
        along each table's direction, or isotropically when it has none) or
        :func:`~bornite.geostats.downhole_variogram` (points only: a hole's direction is
        not one direction of the model).
    model : VariogramModel
        The fitted model.
    """
    if not experimentals:
        msg = "give at least one experimental variogram to plot"
        raise ValidationError(msg)
    fig = _new_figure(FIGURE_WIDTH, 3.6)
    ax = fig.add_subplot()
    top = 0.0
    for k, (label, table) in enumerate(experimentals.items()):
        color = _SERIES_COLORS[k % len(_SERIES_COLORS)]
        rows = table.dropna(subset=["distance", "gamma"])
        rows = rows[rows["n_pairs"] > 0]
        if rows.empty:
            continue
        sizes = 12 + 60 * rows["n_pairs"] / max(float(rows["n_pairs"].max()), 1.0)
        ax.scatter(rows["distance"], rows["gamma"], s=sizes, color=color, alpha=0.8, label=label)
        h = np.linspace(0.0, float(table["lag"].max()) * 1.05, 200)
        if table.attrs.get("direction") == "downhole":
            continue
        if table.attrs.get("azimuth") is None:
            gamma = model.isotropic_gamma(h)
        else:
            # The first row of the frame's rotation is the direction (azimuth, dip) itself.
            u = rotation_matrix(
                float(table.attrs["azimuth"]), float(table.attrs.get("dip") or 0.0)
            )[0]
            gamma = model.gamma(h[:, None] * u)
        ax.plot(h, gamma, color=color, linewidth=1.3)
        top = max(top, float(np.nanmax(gamma)), float(rows["gamma"].max()))
    ax.axhline(model.sill, color=_GUIDE_COLOR, linestyle=":", linewidth=1.0)
    ax.set_ylim(0.0, max(top, model.sill) * 1.1)
    _style(ax, title, "lag distance (m)", "semivariance")
    structures = ", ".join(
        f"{s.kind} {s.sill:.3g} ({'/'.join(f'{r:.0f}' for r in s.ranges)} m)"  # type: ignore[union-attr]
        for s in model.structures
    )
    _note(ax, f"nugget {model.nugget:.3g}; {structures}", loc="lower right")
    _legend(ax, loc="upper left")
    return fig


def swath_figure(swaths: Mapping[str, pd.DataFrame], *, grade_label: str = "grade") -> Figure:
    """Swath plots: block-estimate, sample (declustered) and, when given, true means by slice.

    Parameters
    ----------
    swaths : mapping of axis name to pandas.DataFrame
        Tables from :func:`~bornite.blockmodel.swath`; an optional ``truth_mean`` column is
        drawn as a dashed line.
    grade_label : str
        Y-axis label.
    """
    if not swaths:
        msg = "give at least one swath table to plot"
        raise ValidationError(msg)
    fig = _new_figure(FIGURE_WIDTH, 2.8 * len(swaths))
    axes = fig.subplots(len(swaths), 1, squeeze=False)[:, 0]
    for ax, (axis, table) in zip(axes, swaths.items(), strict=True):
        twin = ax.twinx()
        width = float((table["end"] - table["start"]).median())
        twin.bar(table["centre"], table["samples"], width=width * 0.9, color="0.9", zorder=0)
        twin.set_ylabel("samples", fontsize=8, color="0.5")
        twin.tick_params(labelsize=7, colors="0.5")
        ax.set_zorder(twin.get_zorder() + 1)
        ax.patch.set_visible(False)
        ax.plot(
            table["centre"],
            table["estimate_mean"],
            color=_MODEL_COLOR,
            marker="o",
            markersize=3,
            label="block estimates",
        )
        ax.plot(
            table["centre"],
            table["sample_mean"],
            color=_DATA_COLOR,
            marker="s",
            markersize=3,
            label="composites",
        )
        if "truth_mean" in table:
            ax.plot(
                table["centre"],
                table["truth_mean"],
                color=_TRUTH_COLOR,
                linestyle="--",
                label="truth",
            )
        _style(ax, f"Swath along {axis}", f"{axis} (m)", grade_label)
        _legend(ax, loc="upper right")
    return fig


def section_figure(
    model: xr.Dataset,
    variable: str,
    *,
    samples: pd.DataFrame | None = None,
    elevation: float | None = None,
    northing: float | None = None,
    title: str = "Sections",
) -> Figure:
    """A plan at one elevation and an east-west section at one northing, with the samples
    within half a block of each drawn in the same colour scale.

    Parameters
    ----------
    model : xarray.Dataset
        Block model on ``easting``, ``northing``, ``elevation``.
    variable : str
        Variable to colour by.
    samples : pandas.DataFrame, optional
        ``easting``, ``northing``, ``elevation`` and ``variable`` columns (composites).
    elevation, northing : float, optional
        Where to cut; default: the level and the row with the most metal (largest sum).
    """
    if variable not in model:
        msg = f"block model has no variable {variable!r}"
        raise ValidationError(msg)
    grid = model[variable].transpose("easting", "northing", "elevation")
    values = grid.values
    if not np.isfinite(values).any():
        msg = f"block model variable {variable!r} has no estimated blocks to draw"
        raise ValidationError(msg)
    filled = np.nan_to_num(values)
    e, n, z = (model[d].values for d in ("easting", "northing", "elevation"))
    k_z = (
        int(np.argmax(filled.sum(axis=(0, 1))))
        if elevation is None
        else int(np.argmin(np.abs(z - elevation)))
    )
    k_n = (
        int(np.argmax(filled.sum(axis=(0, 2))))
        if northing is None
        else int(np.argmin(np.abs(n - northing)))
    )
    size = np.asarray(model.attrs.get("block_size", [np.nan] * 3), dtype=float)
    norm = Normalize(vmin=0.0, vmax=float(np.nanpercentile(values, 99)) or 1.0)
    fig = _new_figure(FIGURE_WIDTH, 4.2)
    plan, section = fig.subplots(1, 2)
    cuts = [
        (
            plan,
            values[:, :, k_z].T,
            e,
            n,
            "northing",
            2,
            z[k_z],
            f"Plan at elevation {z[k_z]:.0f} m",
            "northing (m)",
        ),
        (
            section,
            values[:, k_n, :].T,
            e,
            z,
            "elevation",
            1,
            n[k_n],
            f"Section at northing {n[k_n]:.0f} m",
            "elevation (m)",
        ),
    ]
    for ax, plane, xs, ys, ycol, cut_axis, level, name, ylabel in cuts:
        ax.pcolormesh(xs, ys, plane, norm=norm, cmap="viridis", shading="nearest")
        if samples is not None and len(samples):
            column = ("easting", "northing", "elevation")[cut_axis]
            half = size[cut_axis] / 2 if np.isfinite(size[cut_axis]) else np.inf
            near = samples[np.abs(samples[column] - level) <= half]
            ax.scatter(
                near["easting"],
                near[ycol],
                c=near[variable],
                norm=norm,
                cmap="viridis",
                s=14,
                edgecolors="white",
                linewidths=0.5,
            )
        ax.set_aspect("equal")
        _style(ax, name, "easting (m)", ylabel)
        ax.grid(visible=False)
    fig.colorbar(
        ScalarMappable(norm=norm, cmap="viridis"), ax=[plan, section], shrink=0.8, label=variable
    )
    fig.suptitle(title, fontsize=10, x=0.02, ha="left")
    return fig


def grade_tonnage_figure(
    curves: Mapping[str, pd.DataFrame],
    *,
    grade_label: str = "grade",
    title: str = "Grade-tonnage curves",
) -> Figure:
    """Tonnes (left) and mean grade (right) above each cutoff for one or more curves.

    Parameters
    ----------
    curves : mapping of label to pandas.DataFrame
        Tables from :func:`~bornite.blockmodel.grade_tonnage_curve` (``cutoff``, ``tonnes``,
        ``grade``); a label ``"truth"`` is drawn dashed in grey.
    """
    if not curves:
        msg = "give at least one grade-tonnage curve to plot"
        raise ValidationError(msg)
    fig = _new_figure(FIGURE_WIDTH, 3.4)
    left, right = fig.subplots(1, 2)
    for k, (label, curve) in enumerate(curves.items()):
        truth = label == "truth"
        style = {
            "color": _TRUTH_COLOR if truth else _SERIES_COLORS[k % len(_SERIES_COLORS)],
            "linestyle": "--" if truth else "-",
            "marker": None if truth else "o",
            "markersize": 3,
            "label": label,
        }
        left.plot(curve["cutoff"], curve["tonnes"] / 1e6, **style)
        right.plot(curve["cutoff"], curve["grade"], **style)
    _style(left, title, f"cutoff ({grade_label})", "tonnes above cutoff (Mt)")
    _style(right, "Mean grade above cutoff", f"cutoff ({grade_label})", grade_label)
    _legend(left, loc="upper right")
    return fig
