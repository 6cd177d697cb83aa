"""Figures and the report section of an ultimate pit and its nested shells.

:func:`pit_by_pit_figure` draws the classic pit-by-pit graph (ore and waste tonnes and the
undiscounted value of every nested shell); :func:`pit_section_figure` an east-west section
and a plan through the shells; :func:`pit_section` builds the report section.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure

from bornite.errors import ValidationError
from bornite.report.figures import FIGURE_WIDTH, _new_figure, _style
from bornite.report.html import Section

__all__ = ["pit_by_pit_figure", "pit_section", "pit_section_figure"]

_ORE = "#c0392b"
_WASTE = "0.75"
_VALUE = "#1f5f8b"


def pit_by_pit_figure(table: pd.DataFrame, *, selected: int | None = None) -> Figure:
    """Pit-by-pit graph: ore and waste tonnes (bars) and value (line) by shell.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`bornite.pit.pit_by_pit`: ``shell``, ``revenue_factor``, ``ore_t``,
        ``waste_t``, ``value_usd``.
    selected : int, optional
        Shell chosen for reporting, marked on the graph.
    """
    needed = {"shell", "revenue_factor", "ore_t", "waste_t", "value_usd"}
    if not needed <= set(table.columns):
        msg = f"pit-by-pit table needs columns {', '.join(sorted(needed))}"
        raise ValidationError(msg)
    fig = _new_figure(FIGURE_WIDTH, 3.8)
    ax = fig.subplots()
    x = table["shell"].to_numpy()
    ore = table["ore_t"].to_numpy() / 1e6
    waste = table["waste_t"].to_numpy() / 1e6
    ax.bar(x, ore, color=_ORE, label="ore (Mt)")
    ax.bar(x, waste, bottom=ore, color=_WASTE, label="waste (Mt)")
    _style(ax, "Pit by pit", "shell (revenue factor)", "tonnes (Mt)")
    ax.set_xticks(x, [f"{s}\n{f:g}" for s, f in zip(x, table["revenue_factor"], strict=True)])
    ax.tick_params(axis="x", labelsize=7)
    right = ax.twinx()
    right.plot(x, table["value_usd"].to_numpy() / 1e6, color=_VALUE, marker="o", ms=3)
    right.set_ylabel("undiscounted value (M USD, factor 1)", fontsize=9, color=_VALUE)
    right.tick_params(labelsize=8, colors=_VALUE)
    right.spines["top"].set_visible(False)
    if selected is not None:
        ax.axvline(selected, color="k", linestyle="--", linewidth=0.8)
        ax.annotate(
            "reporting shell",
            (selected, 1.0),
            xycoords=("data", "axes fraction"),
            fontsize=8,
            ha="left",
            va="top",
        )
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return fig


def pit_section_figure(
    shells: xr.DataArray,
    *,
    selected: int | None = None,
    northing: float | None = None,
    elevation: float | None = None,
    title: str = "Nested shells",
) -> Figure:
    """An east-west section and a plan through the nested shells.

    Parameters
    ----------
    shells : xarray.DataArray of int
        First shell of every block (0 outside every shell) on ``easting``, ``northing``,
        ``elevation``.
    selected : int, optional
        Reporting shell: blocks inside it are outlined.
    northing, elevation : float, optional
        Where to cut (default: the row and the level with the most blocks inside a shell).
    """
    grid = shells.transpose("easting", "northing", "elevation")
    values = np.asarray(grid.values, dtype=float)
    inside = values > 0
    e, n, z = (grid[d].values for d in ("easting", "northing", "elevation"))
    k_n = (
        int(np.argmax(inside.sum(axis=(0, 2))))
        if northing is None
        else int(np.argmin(np.abs(n - northing)))
    )
    k_z = (
        int(np.argmax(inside.sum(axis=(0, 1))))
        if elevation is None
        else int(np.argmin(np.abs(z - elevation)))
    )
    count = max(int(values.max()), 1)
    colours = ["#f4f4f4", *[_shell_colour(k, count) for k in range(1, count + 1)]]
    cmap = ListedColormap(colours)
    norm = BoundaryNorm(np.arange(-0.5, count + 1.5), cmap.N)
    fig = _new_figure(FIGURE_WIDTH, 4.0)
    section, plan = fig.subplots(1, 2)
    cuts = [
        (
            section,
            values[:, k_n, :].T,
            e,
            z,
            f"Section at northing {n[k_n]:.0f} m",
            "elevation (m)",
        ),
        (plan, values[:, :, k_z].T, e, n, f"Plan at elevation {z[k_z]:.0f} m", "northing (m)"),
    ]
    for ax, plane, xs, ys, name, ylabel in cuts:
        mesh = ax.pcolormesh(xs, ys, plane, cmap=cmap, norm=norm, shading="nearest")
        if selected is not None and ((plane > 0) & (plane <= selected)).any():
            chosen = ((plane > 0) & (plane <= selected)).astype(float)
            ax.contour(xs, ys, chosen, levels=[0.5], colors="k", linewidths=1.0)
        ax.set_aspect("equal")
        _style(ax, name, "easting (m)", ylabel)
        ax.grid(visible=False)
    bar = fig.colorbar(mesh, ax=[section, plan], shrink=0.8, label="shell (0: outside)")
    bar.set_ticks(sorted({round(float(t)) for t in np.linspace(0, count, min(count + 1, 6))}))
    fig.suptitle(title, fontsize=10, x=0.02, ha="left")
    return fig


def _shell_colour(k: int, count: int) -> str:
    from matplotlib import colormaps  # noqa: PLC0415

    r, g, b, _ = colormaps["viridis"](1.0 - (k - 1) / max(count - 1, 1) * 0.9)
    return f"#{int(255 * r):02x}{int(255 * g):02x}{int(255 * b):02x}"


def pit_section(
    name: str,
    shells: pd.DataFrame,
    resource: pd.DataFrame,
    *,
    selected: int,
    figures: Mapping[str, Figure | str] | None = None,
    slopes: pd.DataFrame | None = None,
    notes: Sequence[str] = (),
    record: Mapping[str, Any] | None = None,
    illustrative: bool = False,
) -> Section:
    """The report section of a pit run: shells, the reporting shell and the resource in it.

    Parameters
    ----------
    name : str
        Deposit or run name.
    shells : pandas.DataFrame
        Pit-by-pit table.
    resource : pandas.DataFrame
        Pit-constrained resource by class.
    selected : int
        Reporting shell.
    figures : mapping of str to Figure, optional
        ``pit_by_pit`` and ``section`` figures (built when absent).
    slopes : pandas.DataFrame, optional
        Slope honour report (:func:`bornite.pit.pattern_report`).
    notes : sequence of str
        Footnotes (economics, engine, timings).
    record : mapping, optional
        Run summary; ``ultimate_value_usd`` and ``engine`` are quoted when present.
    illustrative : bool
        Mark the section as illustrative.
    """
    row = shells[shells["shell"] == selected]
    if row.empty:
        msg = f"shell {selected} is not in the pit-by-pit table (shells 1..{len(shells)})"
        raise ValidationError(msg)
    chosen = row.iloc[0]
    summary = (
        f"{len(shells)} nested shells; the resource is reported in shell {selected} "
        f"(revenue factor {chosen['revenue_factor']:g}): {chosen['ore_t'] / 1e6:,.1f} Mt of ore "
        f"at {chosen['grade']:.3g} and {chosen['waste_t'] / 1e6:,.1f} Mt of waste, "
        f"undiscounted value {chosen['value_usd'] / 1e6:,.1f} M USD."
    )
    if record and "engine" in record:
        summary += f" Pits solved exactly by {record['engine']}."
    tables = [
        (f"Pit-constrained resource by class (shell {selected})", resource),
        ("Pit by pit (values at revenue factor 1, undiscounted)", shells),
    ]
    if slopes is not None:
        tables.append(("How the precedence arcs honour the slope angles", slopes))
    if figures is None:
        figures = {"pit_by_pit": pit_by_pit_figure(shells, selected=selected)}
    captions = {
        "pit_by_pit": "Pit by pit: ore and waste tonnes and value of every nested shell",
        "section": "Nested shells in section and plan; the reporting shell outlined",
    }
    return Section(
        title=f"Pit shells: {name}",
        summary=summary,
        tables=tables,
        figures=[(captions.get(k, k), f) for k, f in figures.items()],
        notes=list(notes),
        illustrative=illustrative,
    )
