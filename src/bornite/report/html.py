"""The self-contained HTML report: a small document model, rendering and atomic writing.

A :class:`Report` is a title, a subtitle, a list of :class:`Section` objects and a provenance
mapping. :func:`render_report` turns it into one HTML file with the figures embedded (inline
SVG, or base64 PNG for scatter-heavy figures), the CSS inline and no reference to anything on
the web, so the report opens offline and can be archived or mailed as it is.
:func:`write_report` writes it atomically and never overwrites without being asked.
:func:`assessment_section` builds the standard section of one assessed tract.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from bornite._version import __version__
from bornite.assessment.grade_tonnage import GradeTonnageModel
from bornite.assessment.pmf import DepositCountPmf
from bornite.assessment.simulation import SimulationResult
from bornite.errors import OutputExistsError, ValidationError
from bornite.io import write_text
from bornite.report._format import (
    format_number,
    format_probability,
    format_table,
    format_tonnes,
    quantity_label,
)
from bornite.report.figures import (
    ccdf_figure,
    embed_figure,
    grade_figure,
    marginals_figure,
    pmf_figure,
    tonnage_figure,
)

__all__ = [
    "Report",
    "Section",
    "assessment_section",
    "render_report",
    "totals_section",
    "tract_figures",
    "write_report",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Section:
    """One section of a report.

    Parameters
    ----------
    title : str
        Heading, also the entry in the table of contents.
    summary : str
        A sentence or two printed under the heading.
    tables : list of (str, pandas.DataFrame)
        Captioned tables. A named or non-default index is printed as the first column(s).
    figures : list of (str, Figure or str)
        Captioned figures: a matplotlib figure (embedded by
        :func:`~bornite.report.figures.embed_figure`), inline ``<svg ...>`` markup, or a
        ``data:image/...`` URI.
    notes : list of str
        Footnotes: method, units, how to repeat the run.
    illustrative : bool
        Mark the section prominently as illustrative (demonstration inputs, not an
        assessment).
    """

    title: str
    summary: str = ""
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    figures: list[tuple[str, Figure | str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    illustrative: bool = False

    def __post_init__(self) -> None:
        where = f"section {self.title!r}"
        for k, entry in enumerate(self.tables, start=1):
            if not (
                isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], pd.DataFrame)
            ):
                msg = f"{where}: table {k} must be a (caption, pandas.DataFrame) pair"
                raise ValidationError(msg)
        for k, item in enumerate(self.figures, start=1):
            if not (
                isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Figure | str)
            ):
                msg = (
                    f"{where}: figure {k} must be a (caption, Figure or str) pair; got "
                    f"{type(item).__name__}"
                )
                raise ValidationError(msg)


@dataclass(frozen=True)
class Report:
    """A report: title, subtitle, sections and provenance.

    Parameters
    ----------
    title, subtitle : str
        Shown at the top of the page.
    sections : list of Section
        In reading order.
    provenance : dict
        What is needed to repeat the work (``seed``, ``inputs``, ``parameters``, ...); values
        may be nested mappings or lists. ``bornite version`` and ``date`` (UTC, now) are added
        when absent.
    """

    title: str
    subtitle: str = ""
    sections: list[Section] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for k, section in enumerate(self.sections, start=1):
            if not isinstance(section, Section):
                msg = (
                    f"report {self.title!r}: section {k} is a {type(section).__name__}; "
                    "build it with Section(...) or assessment_section(...)"
                )
                raise ValidationError(msg)


# --------------------------------------------------------------------------- tables
#: A formatted number (right-aligned in tables), possibly with its unit.
_NUMBER = re.compile(r"(-?[\d,]+(\.\d+)?(e-?\d+)?( [^\d\s]+)?|–|∞|-∞)")


def _table_view(caption: str, frame: pd.DataFrame) -> dict[str, Any]:
    """Headers and formatted rows of a table for the template (one unit and one precision per
    numeric column, as everywhere in bornite: :func:`~bornite.report.format_table`)."""
    show_index = not isinstance(frame.index, pd.RangeIndex) or any(
        name is not None for name in frame.index.names
    )
    table = frame.reset_index() if show_index else frame
    table.attrs = dict(frame.attrs)
    headers, cells = format_table(table)
    numeric = [
        bool(cells) and all(_NUMBER.fullmatch(row[k]) for row in cells) for k in range(len(headers))
    ]
    rows = [[(cell, numeric[k]) for k, cell in enumerate(row)] for row in cells]
    return {
        "caption": caption,
        "headers": [
            {"text": text, "numeric": flag} for text, flag in zip(headers, numeric, strict=True)
        ],
        "rows": rows,
    }


# -------------------------------------------------------------------------- figures
def _figure_html(caption: str, figure: Figure | str, id_prefix: str) -> str:
    """Markup embedding one figure (a Figure, inline SVG or a data URI); the template inserts
    it unescaped."""
    if isinstance(figure, Figure):
        return embed_figure(figure, alt=caption, id_prefix=id_prefix)
    text = figure.strip()
    if text.startswith("<svg"):
        return text
    if text.startswith("data:image/"):
        return f'<img src="{escape(text)}" alt="{escape(caption)}">'
    msg = (
        f"figure {caption!r}: expected a matplotlib Figure, inline '<svg ...>' markup or a "
        f"'data:image/...' URI; got text starting {text[:30]!r}"
    )
    raise ValidationError(msg)


# ------------------------------------------------------------------------ rendering
def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def _provenance_value(value: Any) -> Any:
    """Provenance values for the template: mappings stay mappings (nested tables), lists
    become comma-separated text, numbers are formatted."""
    if isinstance(value, Mapping):
        return {str(k): _provenance_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(_provenance_value(v)) for v in value)
    if isinstance(value, float | np.floating):
        return format_number(float(value), digits=6)
    return str(value)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("bornite.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_report(report: Report) -> str:
    """Render a report to one self-contained HTML document.

    Parameters
    ----------
    report : Report
        The report.

    Returns
    -------
    str
        HTML5 with inline CSS and embedded figures; it loads nothing from the web.

    Examples
    --------
    >>> page = render_report(Report("Copper", sections=[Section("Tract A", "Nothing yet.")],
    ...                             provenance={"date": "2024-01-01"}))
    >>> "Tract A" in page and "<nav" in page
    True
    """
    sections = []
    for i, section in enumerate(report.sections, start=1):
        anchor = f"s{i}-{_slug(section.title)}"
        sections.append(
            {
                "anchor": anchor,
                "number": i,
                "title": section.title,
                "summary": section.summary,
                "illustrative": section.illustrative,
                "tables": [_table_view(caption, frame) for caption, frame in section.tables],
                "figures": [
                    {"caption": caption, "html": _figure_html(caption, figure, f"s{i}f{k}-")}
                    for k, (caption, figure) in enumerate(section.figures, start=1)
                ],
                "notes": list(section.notes),
            }
        )
    provenance: dict[str, Any] = {
        "bornite version": __version__,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    provenance.update(report.provenance)
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            title=report.title,
            subtitle=report.subtitle,
            sections=sections,
            any_illustrative=any(s.illustrative for s in report.sections),
            provenance={str(k): _provenance_value(v) for k, v in provenance.items()},
        )
    )


def write_report(report: Report, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Render a report and write it to ``path`` atomically.

    The page is rendered in memory and written by :func:`bornite.io.write_text` (a temporary
    file moved into place), so a failure never leaves a half-written report and never
    destroys the previous one.

    Parameters
    ----------
    report : Report
        The report.
    path : str or path-like
        Destination ``.html`` file; missing parent folders are created.
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OutputExistsError
        When ``path`` exists and ``overwrite`` is false.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        msg = f"{target} already exists; pass --overwrite (overwrite=True) to replace it"
        raise OutputExistsError(msg)
    page = render_report(report)
    write_text(page, target)
    logger.info("wrote report %s (%d kB)", target, len(page) // 1024)
    return target


# ------------------------------------------------------------------ assessment section
def tract_figures(
    pmf: DepositCountPmf, model: GradeTonnageModel, result: SimulationResult, seed: int = 0
) -> dict[str, Figure]:
    """The standard figures of a tract, keyed by file stem: ``pmf``, ``tonnage``, ``grades``
    (when the model has metals), ``totals_ccdf`` and ``totals_marginals``."""
    figures = {"pmf": pmf_figure(pmf), "tonnage": tonnage_figure(model, seed)}
    if model.metals_:
        figures["grades"] = grade_figure(model, seed)
    figures["totals_ccdf"] = ccdf_figure(result)
    figures["totals_marginals"] = marginals_figure(result, seed=seed)
    return figures


def _headline_quantity(quantities: list[str]) -> str:
    """Copper if simulated, else the first metal, else ore."""
    if "cu_t" in quantities:
        return "cu_t"
    return quantities[1] if len(quantities) > 1 else quantities[0]


def _summary_sentence(pmf: DepositCountPmf, result: SimulationResult) -> str:
    summary = result.summary()
    quantity = _headline_quantity(result.quantities)
    values = summary.loc[quantity, ["q10", "q50", "mean", "p0"]].to_numpy(dtype=float)
    q10, q50, mean, p0 = (float(v) for v in values)
    label = quantity_label(quantity)
    p_none = float(pmf.pmf(np.array([0]))[0])
    p_text = "<0.001" if 0 < p_none < 0.0005 else format_probability(p_none)
    at_least = (
        f"90 % chance of at least {format_tonnes(q10)}"
        if q10 > 0
        else f"{100 * (1 - p0):.0f} % chance of any {label}"
    )
    return (
        f"Median undiscovered {label} {format_tonnes(q50)}; {at_least}; "
        f"mean {format_tonnes(mean)}; P(no deposit) {p_text}. "
        f"Expected number of undiscovered deposits {pmf.mean:.3g} (mode {pmf.mode}); "
        f"{len(result.totals):,} Monte Carlo trials."
    )


def _pmf_table(pmf: DepositCountPmf) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "method": [pmf.method],
            "mean": [pmf.mean],
            "variance": [pmf.variance],
            "sd": [pmf.sd],
            "mode": [pmf.mode],
            "entropy": [pmf.entropy],
            "support": [f"{pmf.support_min}–{pmf.support_max}"],
            "P(N = 0)": [float(pmf.pmf(np.array([0]))[0])],
        }
    )


def _model_note(model: GradeTonnageModel) -> str:
    metals = ", ".join(f"{m.capitalize()} ({model.grade_units_[m]})" for m in model.metals_)
    return f"Grade-tonnage model: {model.describe()}, fitted to {model.n_deposits_} deposits" + (
        f"; metals {metals}." if metals else "."
    )


def assessment_section(
    name: str,
    pmf: DepositCountPmf,
    model: GradeTonnageModel,
    result: SimulationResult,
    *,
    illustrative: bool = False,
    economic: pd.DataFrame | None = None,
    seed: int = 0,
    figures: Mapping[str, Figure] | None = None,
) -> Section:
    """The standard report section of one assessed tract.

    Parameters
    ----------
    name : str
        Section title (the tract's name).
    pmf : DepositCountPmf
        Number of undiscovered deposits.
    model : GradeTonnageModel
        The fitted grade-tonnage model.
    result : SimulationResult
        The simulation of the tract (``simulate(pmf, model, ...)``).
    illustrative : bool
        Flag the section as illustrative.
    economic : pandas.DataFrame, optional
        Contained versus economic summary (for example
        :func:`~bornite.assessment.summarize_economic`), added as a table.
    seed : int
        Seed of the model draws shown in the grade-tonnage figures (display only).
    figures : mapping, optional
        Figures already drawn by :func:`tract_figures` (to reuse them, e.g. when they are also
        written to files); drawn here when not given.

    Returns
    -------
    Section
        A summary sentence (median, 90 % level and mean of undiscovered copper, or of the
        first metal, and the probability of no deposit); tables of the pmf statistics, the
        elicitation (when kept), the grade-tonnage diagnostics, the simulated totals beside
        their analytic mean and sd, and the economic summary; the pmf, tonnage, grade,
        total-CCDF and scatter-matrix figures; notes on the model and how to repeat the run.
    """
    tables: list[tuple[str, pd.DataFrame]] = [
        ("Number of undiscovered deposits: pmf statistics", _pmf_table(pmf))
    ]
    if pmf.elicitation is not None:
        tables.append(("Elicited numbers of undiscovered deposits", pmf.elicitation))
    tables.append(("Grade-tonnage model: data versus model draws", model.diagnostics(seed=seed)))
    tables.append(
        (
            (
                "Undiscovered ore and metal (tonnes): simulated quantiles, mean and sd beside the "
                "analytic mean and sd"
            ),
            result.summary(),
        )
    )
    if economic is not None:
        tables.append(("Contained versus economic resources", economic))

    built = dict(figures) if figures is not None else tract_figures(pmf, model, result, seed)
    captions = {
        "pmf": "Number of undiscovered deposits: probability and exceedance, with the elicited "
        "estimates",
        "tonnage": "Ore tonnage: grade-tonnage data against the model",
        "grades": "Grades: data against model draws",
        "totals_ccdf": "Probability of at least each total of undiscovered ore and metal",
        "totals_marginals": "Simulated totals: scatter matrix",
    }
    shown: list[tuple[str, Figure | str]] = [
        (caption, built[key]) for key, caption in captions.items() if key in built
    ]

    notes = [_model_note(model)]
    if pmf.parameters:
        fitted = ", ".join(f"{k} = {format_number(v, 4)}" for k, v in pmf.parameters.items())
        notes.append(f"Deposit-count pmf: {pmf.method} ({fitted}).")
    if pmf.description:
        notes.append(pmf.description)
    notes.append(
        "q05 ... q95 are quantiles of the simulated totals: a q10 of x means a 90 % chance of "
        "at least x. p0 is the fraction of trials with a zero total, p_gt_mean the fraction "
        "above the mean; analytic_mean and analytic_sd are the exact moments of the compound "
        "sum, a check on the simulation."
    )
    notes.append(
        f"{len(result.totals):,} trials in chunks of {result.chunk_trials:,}; "
        f"simulate(..., seed={result.entropy}) repeats the run."
    )
    return Section(
        title=name,
        summary=_summary_sentence(pmf, result),
        tables=tables,
        figures=shown,
        notes=notes,
        illustrative=illustrative,
    )


def totals_section(
    name: str,
    totals: pd.DataFrame,
    summary: pd.DataFrame,
    *,
    illustrative: bool = False,
    notes: list[str] | None = None,
) -> Section:
    """A report section for per-trial totals that have no single pmf or model, such as
    tracts aggregated with rank correlation.

    Parameters
    ----------
    name : str
        Section title.
    totals : pandas.DataFrame
        Per-trial totals (``n_deposits``, ``ore_t``, ``<metal>_t``).
    summary : pandas.DataFrame
        :func:`~bornite.assessment.summarize_totals` of ``totals``.
    illustrative : bool
        Flag the section as illustrative.
    notes : list of str, optional
        Extra notes (method, correlation).
    """
    quantity = _headline_quantity([str(q) for q in summary.index])
    row = summary.loc[quantity, ["q10", "q50", "mean", "p0"]].to_numpy(dtype=float)
    q10, q50, mean, p0 = (float(v) for v in row)
    label = quantity_label(quantity)
    text = (
        f"Median undiscovered {label} {format_tonnes(q50)}; 90 % chance of at least "
        f"{format_tonnes(q10)}; mean {format_tonnes(mean)}; P(none) {format_probability(p0)}. "
    )
    if "n_deposits" in totals.columns:
        text += f"Expected number of undiscovered deposits {totals['n_deposits'].mean():.3g}; "
    text += f"{len(totals):,} Monte Carlo trials."
    return Section(
        title=name,
        summary=text,
        tables=[("Totals of all tracts (tonnes)", summary.reset_index())],
        figures=[
            ("Probability of at least each total", ccdf_figure(totals)),
            ("Totals against each other", marginals_figure(totals)),
        ],
        notes=list(notes or []),
        illustrative=illustrative,
    )
