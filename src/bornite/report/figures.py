"""Figures of an assessment: deposit-count pmf, grade-tonnage fit and simulated totals.

Every function returns a :class:`matplotlib.figure.Figure` built directly on the Agg canvas,
never through :mod:`matplotlib.pyplot`: no GUI backend is needed, no figure is registered in a
global list, and the caller's backend and ``rcParams`` are left alone. The figures share one
small style and are sized for an HTML page (about 9 inches wide).

:func:`figure_to_svg` and :func:`figure_to_png_base64` serialise a figure;
:func:`embed_figure` returns the HTML that embeds it: inline SVG by default, a base64 PNG for
scatter-heavy figures whose SVG would be large.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import logging
import math
import re
import warnings
from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import Collection
from matplotlib.figure import Figure
from matplotlib.ticker import (
    FuncFormatter,
    LogFormatter,
    LogLocator,
    MaxNLocator,
    NullFormatter,
)
from scipy import stats

from bornite.assessment.elicitation import QUANTILE_COLUMNS
from bornite.assessment.grade_tonnage import GradeTonnageModel, ilr
from bornite.assessment.pmf import DepositCountPmf
from bornite.assessment.simulation import SimulationResult
from bornite.core.random import SeedLike, as_generator
from bornite.core.units import grade_column, to_mass_fraction
from bornite.errors import ValidationError
from bornite.report._format import format_probability, format_tonnes, quantity_label

__all__ = [
    "ccdf_figure",
    "embed_figure",
    "figure_to_png_base64",
    "figure_to_svg",
    "grade_figure",
    "marginals_figure",
    "pmf_figure",
    "tonnage_figure",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

#: Page width of a figure in inches; heights follow the number of panel rows.
FIGURE_WIDTH = 9.0
_DATA_COLOR = "#c0392b"
_MODEL_COLOR = "#1f5f8b"
_GUIDE_COLOR = "0.55"
#: Colours of successive series (directions, classes, curves) in one figure.
_SERIES_COLORS = (_MODEL_COLOR, _DATA_COLOR, "#27ae60", "#8e44ad")
_TITLE_SIZE = 10
_LABEL_SIZE = 9
_TICK_SIZE = 8
_NOTE_SIZE = 8


# ------------------------------------------------------------------------------ helpers
def _new_figure(width: float, height: float) -> Figure:
    """A constrained-layout figure on its own Agg canvas (no pyplot, no global registry)."""
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _style(ax: Axes, title: str, xlabel: str, ylabel: str) -> None:
    """Apply the house style: small type, light grid, no top/right frame, ``10ⁿ`` labels on
    log axes (unless the axis already has its own formatter)."""
    ax.set_title(title, fontsize=_TITLE_SIZE, loc="left")
    ax.set_xlabel(xlabel, fontsize=_LABEL_SIZE)
    ax.set_ylabel(ylabel, fontsize=_LABEL_SIZE)
    ax.tick_params(labelsize=_TICK_SIZE)
    ax.grid(visible=True, which="major", color="0.88", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for axis in (ax.xaxis, ax.yaxis):
        if axis.get_scale() == "log" and isinstance(axis.get_major_formatter(), LogFormatter):
            _power_log_axis(axis)


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_label(value: float) -> str:
    """``1e6`` -> ``"10⁶"``, ``2e6`` -> ``"2×10⁶"``: plain text, no mathtext to typeset."""
    if not value > 0:
        return ""
    exponent = math.floor(math.log10(value) + 1e-9)
    mantissa = value / 10.0**exponent
    power = f"10{str(exponent).translate(_SUPERSCRIPTS)}"
    return power if abs(mantissa - 1.0) < 1e-6 else f"{mantissa:.2g}×{power}"


def _power_log_axis(axis: Any) -> None:
    """Decade ticks labelled ``10ⁿ`` and minor ticks at 2 and 5 times each decade, labelled
    only when the axis spans less than a decade and a half.

    Plain-text labels avoid typesetting mathtext, and fewer minor ticks mean fewer tick
    objects; together they roughly halve the time to draw a figure of wide-ranging totals.
    """

    def minor(value: float, _: int | None) -> str:
        low, high = sorted(axis.get_view_interval())
        narrow = low > 0 and math.log10(high / low) < 1.5
        return _power_label(value) if narrow else ""

    axis.set_major_locator(LogLocator(base=10.0, numticks=12))
    axis.set_major_formatter(FuncFormatter(lambda value, _: _power_label(value)))
    axis.set_minor_locator(LogLocator(base=10.0, subs=(2.0, 5.0), numticks=12))
    axis.set_minor_formatter(FuncFormatter(minor))


def _plain_log_axis(axis: Any) -> None:
    """Log-axis ticks at 1, 2 and 5 times powers of ten labelled as plain numbers (0.2, 0.5),
    which read better than ``10^-1`` on grade axes spanning a decade or two."""
    axis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_formatter(NullFormatter())


def _note(ax: Axes, text: str, *, loc: str = "upper right") -> None:
    """A small boxed note in a corner of the axes."""
    x, ha = (0.97, "right") if loc.endswith("right") else (0.03, "left")
    y, va = (0.97, "top") if loc.startswith("upper") else (0.03, "bottom")
    ax.text(
        x,
        y,
        text,
        transform=ax.transAxes,
        ha=ha,
        va=va,
        fontsize=_NOTE_SIZE,
        bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "0.8", "alpha": 0.9},
    )


def _legend(ax: Axes, **kwargs: Any) -> None:
    """A frameless legend, only when something is labelled (no empty-legend warning)."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=_NOTE_SIZE, frameon=False, **kwargs)


def _check_fitted(model: GradeTonnageModel) -> None:
    if not hasattr(model, "metals_"):
        msg = "this GradeTonnageModel is not fitted yet; call fit(deposits) before plotting it"
        raise ValidationError(msg)


def _log_edges(values: Sequence[FloatArray], n_bins: int) -> FloatArray:
    """``n_bins + 1`` bin edges evenly spaced in log10 over the positive values given."""
    positive = np.concatenate([v[v > 0] for v in values])
    lo, hi = np.log10(positive.min()), np.log10(positive.max())
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    return np.linspace(lo, hi, n_bins + 1)


def _log_density(values: FloatArray, edges: FloatArray) -> FloatArray:
    """Histogram of ``log10(values)`` normalised to a density per log10 unit."""
    counts, _ = np.histogram(np.log10(values[values > 0]), bins=edges)
    width = float(edges[1] - edges[0])
    return np.asarray(counts / max(values.size, 1) / width, dtype=float)


def _rank_subsample(sorted_values: FloatArray, max_points: int) -> npt.NDArray[np.intp]:
    """Indices of at most ``max_points`` values evenly spaced in rank, first and last kept."""
    n = sorted_values.size
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(np.intp))


def _ecdf(values: FloatArray, max_points: int | None = None) -> tuple[FloatArray, FloatArray]:
    """Sorted values and ``P(X <= x)`` at each, optionally thinned evenly in rank."""
    x = np.sort(values)
    y = np.arange(1, x.size + 1) / x.size
    if max_points is not None:
        keep = _rank_subsample(x, max_points)
        x, y = x[keep], y[keep]
    return x, y


def _panels(n_panels: int, row_height: float) -> tuple[Figure, list[Axes]]:
    """A figure of ``n_panels`` axes in rows of at most three, 3 inches a panel wide (4.5 at
    least, the page width at most); unused slots are removed."""
    cols = min(n_panels, 3)
    rows = math.ceil(n_panels / cols)
    fig = _new_figure(min(FIGURE_WIDTH, max(4.5, 3.0 * cols)), row_height * rows)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax in axes[n_panels:]:
        ax.remove()
    return fig, list(axes[:n_panels])


def _letter(k: int) -> str:
    return f"({chr(ord('a') + k)})"


# ---------------------------------------------------------------------------------- pmf
def pmf_figure(pmf: DepositCountPmf) -> Figure:
    """Plot the pmf of the number of undiscovered deposits and its exceedance curve.

    Parameters
    ----------
    pmf : DepositCountPmf
        The deposit-count pmf.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels: (a) ``P(N = n)`` as stems with the mean marked; (b) ``P(N >= n)`` in
        percent. When ``pmf.elicitation`` is present, panel (b) also shows each elicited
        N90, N50, N10 (and N05, N01) at its exceedance level as an open circle whose area is
        proportional to the number of estimators who gave that value, as MapMark4's plot does.

    Examples
    --------
    >>> fig = pmf_figure(DepositCountPmf([0.2, 0.5, 0.3]))
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['Number of undiscovered deposits', 'Number of undiscovered deposits']
    """
    fig = _new_figure(FIGURE_WIDTH, 3.4)
    ax_pmf, ax_exc = fig.subplots(1, 2)
    support = pmf.support
    stems = ax_pmf.stem(
        support, pmf.probabilities, linefmt="-", markerfmt="o", basefmt=" ", label="P(N = n)"
    )
    stems.markerline.set_color(_MODEL_COLOR)
    stems.markerline.set_markersize(4)
    stems.stemlines.set_color(_MODEL_COLOR)
    stems.stemlines.set_linewidth(1.5)
    ax_pmf.axvline(
        pmf.mean, color=_GUIDE_COLOR, linestyle="--", linewidth=1, label=f"mean {pmf.mean:.3g}"
    )
    ax_pmf.set_ylim(0, float(pmf.probabilities.max()) * 1.12)
    _style(
        ax_pmf,
        "(a) Probability of each number of deposits",
        "Number of undiscovered deposits",
        "Probability",
    )
    _legend(ax_pmf, loc="upper right")

    n = np.arange(0, pmf.support_max + 2)
    ax_exc.plot(
        n,
        100.0 * pmf.exceedance(n),
        color=_MODEL_COLOR,
        marker="o",
        markersize=3,
        linewidth=1.2,
        label=f"{pmf.method} pmf",
    )
    if pmf.elicitation is not None:
        first = True
        for column, level in QUANTILE_COLUMNS.items():
            if column not in pmf.elicitation.columns:
                continue
            values, counts = np.unique(
                pmf.elicitation[column].to_numpy(dtype=np.int64), return_counts=True
            )
            ax_exc.scatter(
                values,
                np.full(values.size, 100.0 * level),
                s=36.0 * counts,
                facecolors="none",
                edgecolors=_DATA_COLOR,
                linewidths=1.2,
                zorder=3,
                label="elicited (area ∝ estimators)" if first else None,
            )
            first = False
    ax_exc.set_ylim(-3, 103)
    ax_exc.set_yticks([0, 10, 25, 50, 75, 90, 100])
    _style(
        ax_exc,
        "(b) Probability of at least n deposits",
        "Number of undiscovered deposits",
        "P(N ≥ n) (%)",
    )
    _legend(ax_exc, loc="upper right")
    for ax in (ax_pmf, ax_exc):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return fig


# ---------------------------------------------------------------------- grade-tonnage
def _log_tonnage_pdf(model: GradeTonnageModel, log_t: FloatArray) -> FloatArray | None:
    """Model pdf of ``ln(ore_t)`` on ``log_t``; ``None`` where it has no closed form.

    Normal and KDE pdfs (independent or joint: the marginal of a Gaussian mixture with a
    common covariance is a mixture with its tonnage variance) are exact; truncation at the
    data range renormalises the tonnage marginal, which is exact for independent models.
    """
    if model.empirical or (model.truncate and model.joint):
        return None
    if model.tonnage_pdf == "normal":
        centres = model.mean_[:1]
        scale = math.sqrt(float(model.covariance_[0, 0]))
    else:
        centres = model.log_tonnage_
        scale = math.sqrt(float(model.bandwidth_[0, 0]))
    pdf: FloatArray = stats.norm.pdf(log_t[:, None], centres[None, :], scale).mean(axis=1)
    if model.truncate:
        lo, hi = np.log(model.tonnage_range_[0]), np.log(model.tonnage_range_[1])
        mass = float(
            np.mean(stats.norm.cdf(hi, centres, scale) - stats.norm.cdf(lo, centres, scale))
        )
        pdf = np.where((log_t >= lo) & (log_t <= hi), pdf / max(mass, 1e-300), 0.0)
    return pdf


def tonnage_figure(
    model: GradeTonnageModel, seed: SeedLike = 0, *, n_draws: int = 20_000
) -> Figure:
    """Plot the ore-tonnage pdf of a grade-tonnage model against its data.

    Parameters
    ----------
    model : GradeTonnageModel
        A fitted model.
    seed : int, Generator or None
        Seed of the model draws.
    n_draws : int
        Model draws for the ECDF (and for the density where the pdf has no closed form).

    Returns
    -------
    matplotlib.figure.Figure
        (a) the data as a histogram and a rug and the model pdf, per log10 unit of tonnage,
        on a log axis; (b) the ECDFs of the data and of the model draws, with the two-sample
        Kolmogorov-Smirnov statistic.
    """
    _check_fitted(model)
    data = np.exp(model.log_tonnage_)
    draws, _ = model.sample_arrays(n_draws, as_generator(seed))
    fig = _new_figure(FIGURE_WIDTH, 3.4)
    ax_pdf, ax_cdf = fig.subplots(1, 2)

    lo, hi = np.log10(np.quantile(draws, [0.001, 0.999]))
    edges = _log_edges([data, np.array([10.0**lo, 10.0**hi])], 24)
    density = _log_density(data, edges)
    ax_pdf.stairs(
        density,
        10.0**edges,
        fill=True,
        color=_DATA_COLOR,
        alpha=0.25,
        label=f"data ({data.size} deposits)",
    )
    ax_pdf.plot(
        data, np.zeros_like(data), "|", color=_DATA_COLOR, markersize=10, markeredgewidth=0.8
    )
    grid = np.linspace(edges[0], edges[-1], 300)
    pdf = _log_tonnage_pdf(model, grid * math.log(10.0))
    if pdf is not None:
        ax_pdf.plot(
            10.0**grid,
            pdf * math.log(10.0),
            color=_MODEL_COLOR,
            linewidth=1.5,
            label=f"model pdf ({model.tonnage_pdf})",
        )
    else:
        ax_pdf.stairs(
            _log_density(draws, edges),
            10.0**edges,
            color=_MODEL_COLOR,
            linewidth=1.5,
            label="model draws",
        )
    ax_pdf.set_xscale("log")
    ax_pdf.set_ylim(bottom=0)
    _style(
        ax_pdf,
        "(a) Ore tonnage: data and model pdf",
        "Ore tonnage (tonnes)",
        "Density per log10 unit",
    )
    _legend(ax_pdf, loc="upper left")

    x_data, y_data = _ecdf(data)
    x_model, y_model = _ecdf(draws, max_points=400)
    ax_cdf.plot(
        x_model, y_model, color=_MODEL_COLOR, linewidth=1.5, label=f"model ({n_draws:,} draws)"
    )
    ax_cdf.plot(
        x_data, y_data, color=_DATA_COLOR, drawstyle="steps-post", linewidth=1.2, label="data"
    )
    ax_cdf.set_xscale("log")
    ax_cdf.set_ylim(0, 1.02)
    ks = stats.ks_2samp(data, draws)
    _note(
        ax_cdf, f"KS D = {ks.statistic:.3f}\np = {format_probability(ks.pvalue)}", loc="lower right"
    )
    _style(
        ax_cdf, "(b) Ore tonnage: cumulative distribution", "Ore tonnage (tonnes)", "P(tonnage ≤ x)"
    )
    _legend(ax_cdf, loc="upper left")
    return fig


def _ilr_label(k: int, parts: Sequence[str]) -> str:
    """Label of ilr coordinate ``k`` (0-based): the parts it contrasts."""
    return f"ilr z{k + 1}: {'·'.join(parts[: k + 1])} vs {parts[k + 1]}"


def grade_figure(
    model: GradeTonnageModel,
    seed: SeedLike = 0,
    *,
    n_draws: int = 20_000,
    n_points: int = 1_000,
) -> Figure:
    """Plot each metal's grade distribution, data against model, and the grade log-ratios.

    Parameters
    ----------
    model : GradeTonnageModel
        A fitted model with at least one metal.
    seed : int, Generator or None
        Seed of the model draws.
    n_draws : int
        Model draws for the grade densities.
    n_points : int
        Model draws shown in the log-ratio scatter.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per metal: the data as a histogram and the density of the model draws per
        log10 unit of grade, on a log axis. With two or more metals, also scatters of pairs
        of the ilr coordinates (the log-ratios that the model fits; at most three pairs) of
        the data and of the model draws; the draws are rasterised to keep SVG output small.

    Raises
    ------
    ValidationError
        When the model has no metals.
    """
    _check_fitted(model)
    metals = list(model.metals_)
    if not metals:
        msg = "grade_figure: the grade-tonnage model has no metals; fit it to grade columns"
        raise ValidationError(msg)
    rng = as_generator(seed)
    _, fractions = model.sample_arrays(n_draws, rng)
    pairs = list(itertools.combinations(range(len(metals)), 2))[:3] if len(metals) > 1 else []
    n_panels = len(metals) + len(pairs)
    fig, axes = _panels(n_panels, 3.2)

    for k, metal in enumerate(metals):
        ax = axes[k]
        unit = model.grade_units_[metal]
        scale = to_mass_fraction(1.0, unit)
        data = model.fractions_[:, k] / scale
        simulated = fractions[:, k] / scale
        edges = _log_edges([data, np.quantile(simulated[simulated > 0], [0.001, 0.999])], 24)
        ax.stairs(
            _log_density(data, edges),
            10.0**edges,
            fill=True,
            color=_DATA_COLOR,
            alpha=0.25,
            label=f"data ({data.size})",
        )
        ax.stairs(
            _log_density(simulated, edges),
            10.0**edges,
            color=_MODEL_COLOR,
            linewidth=1.5,
            label="model draws",
        )
        ax.set_xscale("log")
        _plain_log_axis(ax.xaxis)
        ax.set_ylim(bottom=0)
        positive = data[data > 0]
        ks = stats.ks_2samp(positive, simulated[simulated > 0])
        note = f"KS D = {ks.statistic:.3f}"
        if positive.size < data.size:
            note += f"\n{data.size - positive.size} zero grades not shown"
        _note(ax, note)
        _style(
            ax,
            f"{_letter(k)} {metal.capitalize()} grade",
            f"{metal.capitalize()} grade ({unit}) [{grade_column(metal, unit)}]",
            "Density per log10 unit" if k % 3 == 0 else "",
        )
        _legend(ax, loc="upper left")

    if pairs:
        parts = [m.capitalize() for m in metals] + ["gangue"]
        gangue = 1.0 - fractions.sum(axis=1)
        z_model = ilr(np.column_stack([fractions, gangue]))
        keep = rng.choice(z_model.shape[0], min(n_points, z_model.shape[0]), replace=False)
        z_model = z_model[keep]
        composition = np.column_stack([model.fractions_, 1.0 - model.fractions_.sum(axis=1)])
        z_data = ilr(composition[np.all(composition > 0, axis=1)])
        for offset, (i, j) in enumerate(pairs):
            ax = axes[len(metals) + offset]
            ax.scatter(
                z_model[:, i],
                z_model[:, j],
                s=4,
                color=_MODEL_COLOR,
                alpha=0.35,
                linewidths=0,
                rasterized=True,
                label=f"model ({z_model.shape[0]:,})",
            )
            ax.scatter(
                z_data[:, i],
                z_data[:, j],
                s=14,
                facecolors="none",
                edgecolors=_DATA_COLOR,
                linewidths=0.9,
                label=f"data ({len(z_data)})",
            )
            _style(
                ax,
                f"{_letter(len(metals) + offset)} Grade log-ratios",
                _ilr_label(i, parts),
                _ilr_label(j, parts),
            )
            _legend(ax, loc="best")
    return fig


# ------------------------------------------------------------------------------ totals
def _totals(result: SimulationResult | pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Per-trial totals and their quantities (``ore_t`` then ``<metal>_t``) of a simulation or
    of a totals table (for example aggregated tracts)."""
    if isinstance(result, SimulationResult):
        return result.totals, result.quantities
    quantities = [c for c in result.columns if str(c).endswith("_t") and "__" not in str(c)]
    if "ore_t" in quantities:
        quantities.remove("ore_t")
        quantities.insert(0, "ore_t")
    if not quantities:
        msg = "the totals table has no ore_t or <metal>_t column to plot"
        raise ValidationError(msg)
    return result, quantities


def ccdf_figure(result: SimulationResult | pd.DataFrame, *, max_points: int = 500) -> Figure:
    """Plot the probability of at least each total of ore and metal.

    Parameters
    ----------
    result : SimulationResult or pandas.DataFrame
        A simulation of the tract, or a per-trial totals table (aggregated tracts).
    max_points : int
        Points drawn per curve (evenly spaced in rank, so in probability).

    Returns
    -------
    matplotlib.figure.Figure
        One panel per quantity (``ore_t``, then each ``<metal>_t``): ``P(total >= x)`` against
        ``x`` on a log axis, starting at ``1 - P(total = 0)`` (zero totals cannot be drawn on
        a log axis; their probability is printed in the panel), with the mean marked and the
        90, 50 and 10 % levels as guides.
    """
    totals, quantities = _totals(result)
    fig, axes = _panels(len(quantities), 3.4)
    n_trials = len(totals)
    for k, (ax, quantity) in enumerate(zip(axes, quantities, strict=True)):
        values = np.sort(totals[quantity].to_numpy(dtype=float))
        label = quantity_label(quantity)
        # P(T >= v_i) for the sorted values, exact under ties.
        exceed = 1.0 - np.searchsorted(values, values, side="left") / values.size
        positive = values > 0
        p0 = float(np.mean(values == 0))
        mean = float(values.mean())
        if positive.any():
            x, y = values[positive], exceed[positive]
            keep = _rank_subsample(x, max_points)
            ax.plot(
                x[keep],
                y[keep],
                color=_MODEL_COLOR,
                linewidth=1.5,
                drawstyle="steps-pre",
                label="simulated",
            )
            ax.set_xscale("log")
            for level in (0.9, 0.5, 0.1):
                ax.axhline(level, color="0.8", linewidth=0.7, linestyle=":")
            if mean > 0:
                ax.axvline(
                    mean,
                    color=_DATA_COLOR,
                    linestyle="--",
                    linewidth=1,
                    label=f"mean {format_tonnes(mean)}",
                )
        _note(ax, f"P(total = 0) = {format_probability(p0)}\n{n_trials:,} trials", loc="lower left")
        ax.set_ylim(0, 1.02)
        _style(
            ax,
            f"{_letter(k)} Undiscovered {label}",
            f"Total {label} (tonnes)",
            "P(total ≥ x)" if k % 3 == 0 else "",
        )
        _legend(ax, loc="upper right")
    return fig


def marginals_figure(
    result: SimulationResult | pd.DataFrame, n_points: int = 2000, *, seed: SeedLike = 0
) -> Figure:
    """Plot the scatter matrix of the simulated totals on log axes.

    Parameters
    ----------
    result : SimulationResult or pandas.DataFrame
        A simulation of the tract, or a per-trial totals table.
    n_points : int
        Trials shown in each scatter (a seeded random subset; the histograms use every trial).
    seed : int, Generator or None
        Seed of the subset.

    Returns
    -------
    matplotlib.figure.Figure
        A ``k x k`` grid for ``k`` quantities: histograms of the positive totals on the
        diagonal, scatters of pairs of totals below it and Spearman's rank correlation over
        all trials above it. Trials with a zero total are left out of the log axes; their
        share is printed on the diagonal.
    """
    table, quantities = _totals(result)
    k = len(quantities)
    totals = {q: table[q].to_numpy(dtype=float) for q in quantities}
    n_trials = len(table)
    rng = as_generator(seed)
    subset = np.sort(rng.choice(n_trials, min(n_points, n_trials), replace=False))
    size = min(8.0, 2.1 * k + 0.9)
    fig = _new_figure(size, size) if k > 1 else _new_figure(4.5, 3.0)
    axes = np.atleast_2d(fig.subplots(k, k, squeeze=False))
    limits: dict[str, tuple[float, float]] = {}
    for q in quantities:
        positive = totals[q][totals[q] > 0]
        if positive.size:
            lo, hi = np.log10(positive.min()), np.log10(positive.max())
            pad = 0.05 * max(hi - lo, 0.2)
            limits[q] = (10.0 ** (lo - pad), 10.0 ** (hi + pad))
    for i, qi in enumerate(quantities):
        for j, qj in enumerate(quantities):
            ax = axes[i, j]
            xlabel = f"Total {quantity_label(qj)} (tonnes)" if i == k - 1 else ""
            if i == j:
                values = totals[qi]
                positive = values[values > 0]
                if positive.size:
                    edges = _log_edges([positive], 30)
                    ax.hist(positive, bins=10.0**edges, color=_MODEL_COLOR, alpha=0.7)
                    ax.set_xscale("log")
                _note(ax, f"P(0) = {format_probability(np.mean(values == 0))}", loc="upper left")
                _style(ax, "", xlabel, "Trials" if j == 0 else "")
            elif i > j:
                x, y = totals[qj][subset], totals[qi][subset]
                both = (x > 0) & (y > 0)
                ax.scatter(x[both], y[both], s=4, color=_MODEL_COLOR, alpha=0.4, linewidths=0)
                if both.any():
                    ax.set_xscale("log")
                    ax.set_yscale("log")
                else:
                    _note(ax, "no trial with both totals > 0", loc="upper left")
                _style(ax, "", xlabel, f"Total {quantity_label(qi)} (tonnes)" if j == 0 else "")
            else:
                constant = np.ptp(totals[qi]) == 0 or np.ptp(totals[qj]) == 0
                rho = (
                    "undefined" if constant else f"{stats.spearmanr(totals[qi], totals[qj])[0]:.3f}"
                )
                ax.text(
                    0.5,
                    0.5,
                    f"Spearman ρ\n{rho}",
                    transform=ax.transAxes,
                    ha="center",
                    va="center",
                    fontsize=_LABEL_SIZE,
                )
                ax.set_axis_off()
                continue
            if qj in limits:
                ax.set_xlim(*limits[qj])
            if i != j and qi in limits:
                ax.set_ylim(*limits[qi])
    title = (
        f"Simulated totals: {len(subset):,} of {n_trials:,} trials in each scatter"
        if k > 1
        else f"Simulated total ore: {n_trials:,} trials"
    )
    fig.suptitle(title, fontsize=_TITLE_SIZE)
    return fig


# ------------------------------------------------------------------------ serialising
_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([^")]+)')
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)


def figure_to_svg(fig: Figure, *, id_prefix: str = "") -> str:
    """Serialise a figure to an SVG element ready to inline in HTML.

    Text stays text (``svg.fonttype = "none"``, rendered with the reader's sans-serif font,
    so Chinese class names show whatever fonts matplotlib has),
    the XML prologue, DOCTYPE and metadata (creator, date) are dropped so the output is
    reproducible and refers to nothing outside the page.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    id_prefix : str
        Prepended to every element ``id`` and every internal reference to one, so that several
        figures can share one HTML page without id collisions.

    Returns
    -------
    str
        Markup starting with ``<svg``.

    Examples
    --------
    >>> svg = figure_to_svg(pmf_figure(DepositCountPmf([0.5, 0.5])), id_prefix="f1-")
    >>> svg.startswith("<svg"), 'id="f1-' in svg
    (True, True)
    """
    buffer = io.StringIO()
    # Scoped: rcParams are restored on exit, so the caller's settings are untouched. Text is
    # written as text and drawn by the reader's browser, whose fonts cover CJK class names
    # (探明, 控制, 推断) that matplotlib's bundled DejaVu lacks: its warning about the missing
    # glyphs concerns only its own estimate of the text's width.
    with (
        mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": id_prefix or "bornite"}),
        warnings.catch_warnings(),
    ):
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = _METADATA.sub("", text[text.index("<svg") :])
    if id_prefix:
        text = _ID.sub(lambda m: f'id="{id_prefix}{m.group(1)}"', text)
        text = _REFERENCE.sub(lambda m: f"{m.group(1)}{id_prefix}{m.group(2)}", text)
    return text.strip()


def figure_to_png_base64(fig: Figure, *, dpi: float = 120) -> str:
    """Serialise a figure to a base64-encoded PNG (without the ``data:`` prefix).

    Examples
    --------
    >>> text = figure_to_png_base64(pmf_figure(DepositCountPmf([0.5, 0.5])), dpi=20)
    >>> base64.b64decode(text)[:4]
    b'\\x89PNG'
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _vector_points(fig: Figure) -> int:
    """Number of markers the SVG of ``fig`` would draw one by one (rasterised ones excluded)."""
    count = 0
    for ax in fig.axes:
        for collection in ax.collections:
            if isinstance(collection, Collection) and not collection.get_rasterized():
                count += int(np.shape(collection.get_offsets())[0])
    return count


def embed_figure(
    fig: Figure, *, alt: str = "", id_prefix: str = "", max_vector_points: int = 1_000
) -> str:
    """HTML that embeds a figure in a self-contained page.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    alt : str
        Text alternative (the figure's caption), for the ``role="img"`` label.
    id_prefix : str
        Passed to :func:`figure_to_svg`.
    max_vector_points : int
        Figures with more scatter markers than this (not rasterised) are embedded as a base64
        PNG ``<img>``, which is far smaller than one SVG element per marker.

    Returns
    -------
    str
        Inline ``<svg ...>`` markup or ``<img src="data:image/png;base64,...">``.
    """
    label = html.escape(alt, quote=True)
    points = _vector_points(fig)
    if points > max_vector_points:
        logger.debug("embedding a figure with %d markers as PNG", points)
        # Shown at the figure's size in CSS pixels (96 per inch), the scale of the inline SVGs.
        width = round(fig.get_figwidth() * 96)
        return (
            f'<img src="data:image/png;base64,{figure_to_png_base64(fig)}" width="{width}" '
            f'alt="{label}">'
        )
    svg = figure_to_svg(fig, id_prefix=id_prefix)
    return svg.replace("<svg", f'<svg role="img" aria-label="{label}"', 1)
