"""Figures: axes, labels and the plotted data against the objects they show."""

from __future__ import annotations

import base64
import re
import sys

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.container import StemContainer
from matplotlib.figure import Figure

from bornite.assessment.grade_tonnage import GradeTonnageModel
from bornite.assessment.pmf import DepositCountPmf
from bornite.errors import ValidationError
from bornite.report import (
    ccdf_figure,
    embed_figure,
    figure_to_png_base64,
    figure_to_svg,
    grade_figure,
    marginals_figure,
    pmf_figure,
    tonnage_figure,
)
from bornite.report.figures import _vector_points


def _line_with_label(ax, label):
    return next(line for line in ax.get_lines() if line.get_label() == label)


# ------------------------------------------------------------------------------- pmf
def test_pmf_stems_are_the_probabilities_and_the_curve_the_exceedance(pmf):
    fig = pmf_figure(pmf)
    assert isinstance(fig, Figure)
    ax_pmf, ax_exc = fig.axes
    stems = next(c for c in ax_pmf.containers if isinstance(c, StemContainer))
    np.testing.assert_array_equal(stems.markerline.get_xdata(), pmf.support)
    np.testing.assert_allclose(stems.markerline.get_ydata(), pmf.probabilities)
    curve = _line_with_label(ax_exc, f"{pmf.method} pmf")
    n = np.asarray(curve.get_xdata())
    assert n[0] == 0
    np.testing.assert_allclose(curve.get_ydata(), 100 * pmf.exceedance(n))
    assert ax_pmf.get_xlabel() == ax_exc.get_xlabel() == "Number of undiscovered deposits"
    assert ax_pmf.get_ylabel() == "Probability"
    assert "%" in ax_exc.get_ylabel()
    assert ax_pmf.get_title(loc="left")
    assert ax_exc.get_title(loc="left")


def test_pmf_overlays_each_elicited_value_sized_by_the_estimators_who_gave_it(pmf):
    _, ax_exc = pmf_figure(pmf).axes
    points = {}
    for collection in ax_exc.collections:
        for (n, level), size in zip(
            collection.get_offsets(),
            np.broadcast_to(collection.get_sizes(), len(collection.get_offsets())),
            strict=True,
        ):
            points[(int(n), float(level))] = float(size)
    # Estimators A, C gave N90 = 2 and B gave 3; A, B gave N10 = 10 and C gave 12.
    assert set(points) == {(2, 90.0), (3, 90.0), (5, 50.0), (6, 50.0), (10, 10.0), (12, 10.0)}
    assert points[(2, 90.0)] == pytest.approx(2 * points[(3, 90.0)])
    assert points[(10, 10.0)] == pytest.approx(2 * points[(12, 10.0)])


def test_pmf_without_elicitation_has_no_overlay():
    fig = pmf_figure(DepositCountPmf([0.2, 0.5, 0.3], support_min=1))
    assert not fig.axes[1].collections


# ----------------------------------------------------------------------- grade-tonnage
def test_tonnage_figure_pdf_integrates_to_one_and_ecdf_is_the_data(model, deposits):
    fig = tonnage_figure(model, seed=3)
    ax_pdf, ax_cdf = fig.axes
    for ax in (ax_pdf, ax_cdf):
        assert ax.get_xscale() == "log"
        assert "tonnes" in ax.get_xlabel()
    pdf = _line_with_label(ax_pdf, "model pdf (normal)")
    log10_t = np.log10(pdf.get_xdata())
    mass = np.sum(np.diff(log10_t) * (pdf.get_ydata()[1:] + pdf.get_ydata()[:-1]) / 2)
    assert mass == pytest.approx(1.0, abs=0.01)
    data = _line_with_label(ax_cdf, "data")
    np.testing.assert_allclose(data.get_xdata(), np.sort(deposits["ore_t"]))
    assert data.get_ydata()[-1] == 1.0
    assert any("KS D" in t.get_text() for t in ax_cdf.texts)


def test_tonnage_figure_of_an_empirical_model_shows_model_draws(deposits):
    model = GradeTonnageModel(empirical=True).fit(deposits)
    ax_pdf, _ = tonnage_figure(model).axes
    assert ax_pdf.get_legend_handles_labels()[1][-1] == "model draws"


def test_grade_figure_has_a_panel_per_metal_and_a_log_ratio_scatter(model, deposits):
    fig = grade_figure(model, seed=3, n_points=300)
    ax_cu, ax_au, ax_ratio = fig.axes
    assert ax_cu.get_xscale() == ax_au.get_xscale() == "log"
    assert "Cu grade (%)" in ax_cu.get_xlabel()
    assert "Au grade (g/t)" in ax_au.get_xlabel()
    assert "ilr" in ax_ratio.get_xlabel()
    assert "ilr" in ax_ratio.get_ylabel()
    model_points, data_points = ax_ratio.collections
    assert len(model_points.get_offsets()) == 300
    assert model_points.get_rasterized()
    assert len(data_points.get_offsets()) == len(deposits)


def test_grade_figure_of_one_metal_has_one_panel_and_of_none_refuses(deposits):
    one = GradeTonnageModel().fit(deposits[["ore_t", "cu_pct"]])
    assert len(grade_figure(one).axes) == 1
    none = GradeTonnageModel().fit(deposits[["ore_t"]])
    with pytest.raises(ValidationError, match="no metals"):
        grade_figure(none)


def test_figures_refuse_an_unfitted_model():
    with pytest.raises(ValidationError, match="not fitted"):
        tonnage_figure(GradeTonnageModel())


# ------------------------------------------------------------------------------ totals
def test_ccdf_starts_at_one_minus_p0_and_marks_the_mean(result):
    fig = ccdf_figure(result)
    summary = result.summary()
    assert len(fig.axes) == len(result.quantities) == 3
    for ax, quantity in zip(fig.axes, result.quantities, strict=True):
        curve = _line_with_label(ax, "simulated")
        y = np.asarray(curve.get_ydata())
        assert y[0] == pytest.approx(1 - summary.loc[quantity, "p0"])
        assert np.all(np.diff(y) <= 0)
        assert curve.get_xdata()[-1] == result.totals[quantity].max()
        assert ax.get_xscale() == "log"
        assert "tonnes" in ax.get_xlabel()
        mean_line = next(line for line in ax.get_lines() if line.get_label().startswith("mean"))
        assert mean_line.get_xdata()[0] == pytest.approx(summary.loc[quantity, "mean"])
        assert any("P(total = 0)" in t.get_text() for t in ax.texts)
    assert fig.axes[0].get_ylabel() == "P(total ≥ x)"


def test_marginals_is_a_scatter_matrix_too_dense_for_svg(result):
    fig = marginals_figure(result, n_points=500)
    k = len(result.quantities)
    assert len(fig.axes) == k * k
    grid = np.array(fig.axes).reshape(k, k)
    for i in range(k):
        for j in range(k):
            ax = grid[i, j]
            if i < j:
                assert not ax.axison
                assert "Spearman" in ax.texts[0].get_text()
            elif i == j:
                assert len(ax.patches) == 30
            else:
                assert 0 < len(ax.collections[0].get_offsets()) <= 500
                assert ax.get_xscale() == ax.get_yscale() == "log"
    assert grid[k - 1, 0].get_xlabel() == "Total ore (tonnes)"
    assert _vector_points(fig) > 1_000  # so embed_figure writes a PNG


# ------------------------------------------------------------------------- serialising
def test_svg_is_inline_ready_prefixed_and_refers_to_nothing_outside(pmf):
    before = dict(mpl.rcParams)
    svg = figure_to_svg(pmf_figure(pmf), id_prefix="f7-")
    assert dict(mpl.rcParams) == before  # the SVG settings were scoped
    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    assert "<?xml" not in svg
    assert "DOCTYPE" not in svg
    assert "<metadata" not in svg
    assert not re.search(r"(?:href|src)\s*=\s*\"(?!#)", svg)
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    assert ids
    assert all(i.startswith("f7-") for i in ids)
    references = set(re.findall(r'(?:url\(#|href="#)([^")]+)', svg))
    assert references <= ids
    assert "Number of undiscovered deposits" in svg


def test_png_is_base64(pmf):
    data = base64.b64decode(figure_to_png_base64(pmf_figure(pmf), dpi=30))
    assert data.startswith(b"\x89PNG")


def test_figures_need_no_pyplot(monkeypatch, pmf):
    """With pyplot made unimportable, figures are still built and serialised."""
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    assert embed_figure(pmf_figure(pmf)).startswith("<svg")


def test_figures_are_reproducible(model, result):
    def data(fig):
        lines = [np.asarray(line.get_ydata()) for ax in fig.axes for line in ax.get_lines()]
        points = [np.asarray(c.get_offsets()) for ax in fig.axes for c in ax.collections]
        return lines + points

    for make in (tonnage_figure, grade_figure):
        first, second, other = data(make(model, 1)), data(make(model, 1)), data(make(model, 2))
        assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
        assert not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True))
    one, two = marginals_figure(result, seed=1), marginals_figure(result, seed=1)
    np.testing.assert_array_equal(
        one.axes[1 * 3].collections[0].get_offsets(), two.axes[1 * 3].collections[0].get_offsets()
    )


def test_chinese_class_names_stay_text_in_svg():
    """GB/T 17766 names are drawn by the reader's fonts (SVG text), without matplotlib's
    missing-glyph warning (its DejaVu has no CJK)."""
    import warnings  # noqa: PLC0415

    from matplotlib.figure import Figure  # noqa: PLC0415

    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label="探明 (measured)")
    ax.legend()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        svg = figure_to_svg(fig)
    assert ">探明 (measured)</text>" in svg
    assert "sans-serif" in svg
    assert not [w for w in caught if "Glyph" in str(w.message)]
