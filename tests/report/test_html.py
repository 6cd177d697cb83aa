"""The HTML report: content, self-containment, number formatting and safe writing."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import bornite.report.html as report_html
from bornite._version import __version__
from bornite.errors import OutputExistsError, ValidationError
from bornite.report import (
    Report,
    Section,
    assessment_section,
    figure_to_svg,
    format_number,
    format_probability,
    format_quantity,
    format_table,
    format_tonnes,
    pmf_figure,
    render_report,
    write_report,
)

TINY_PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="module")
def tract(pmf, model, result):
    economic = pd.DataFrame(
        {"contained_t": [3.1e7], "economic_t": [1.2e7]}, index=pd.Index(["cu"], name="metal")
    )
    return assessment_section(
        "Tract East", pmf, model, result, illustrative=True, economic=economic
    )


@pytest.fixture(scope="module")
def other(pmf):
    return Section(
        title="Notes <on> method",
        summary="Hand-made section with a pre-rendered figure & a table.",
        tables=[("Ranks", pd.DataFrame({"tract": ["East", "West"], "probability": [0.25, 1.0]}))],
        figures=[("Inline SVG", figure_to_svg(pmf_figure(pmf))), ("A PNG", TINY_PNG)],
        notes=["A note."],
    )


@pytest.fixture(scope="module")
def page(tract, other):
    report = Report(
        title="Undiscovered copper",
        subtitle="Synthetic tracts",
        sections=[tract, other],
        provenance={
            "seed": 7,
            "date": "2024-05-01",
            "inputs": {"grade-tonnage": "synthetic.csv", "elicitation": "east.csv"},
            "parameters": {"n_trials": 2000, "tracts": ["East", "West"]},
        },
    )
    return render_report(report)


def _section_html(page, title_fragment):
    blocks = re.findall(r"<section class=\"tract.*?</section>", page, flags=re.DOTALL)
    return next(b for b in blocks if title_fragment in b)


# ---------------------------------------------------------------------------- content
def test_assessment_section_content(tract, pmf, result):
    assert tract.title == "Tract East"
    assert tract.illustrative
    assert tract.summary.startswith("Median undiscovered Cu ")
    assert "90 % chance of at least" in tract.summary
    assert f"P(no deposit) {format_probability(pmf.pmf(np.array([0]))[0])}" in tract.summary
    captions = [caption for caption, _ in tract.tables]
    assert len(captions) == 5  # pmf, elicitation, diagnostics, summary, economic
    summary = dict(tract.tables)[captions[3]]
    pd.testing.assert_frame_equal(summary, result.summary())
    assert len(tract.figures) == 5
    assert any("seed=" in note for note in tract.notes)


def test_page_has_titles_contents_and_table_headers(page):
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Undiscovered copper</title>" in page
    for anchor, title in (("s1-tract-east", "Tract East"), ("s2-notes-on-method", "Notes")):
        assert f'href="#{anchor}"' in page
        assert f'id="{anchor}"' in page
        assert title in page
    for header in (
        "method",
        "entropy",
        "support",
        "N90",
        "ks_pvalue",
        "q05",
        "q95",
        "p0",
        "analytic_mean",
        "analytic_sd",
        "quantity",
        "economic (Mt)",
        "metal",
    ):
        assert re.search(rf'<th scope="col"( class="num")?>{re.escape(header)}</th>', page), header
    assert 'id="provenance"' in page


def test_page_escapes_text(page):
    assert "Notes &lt;on&gt; method" in page
    assert "<on>" not in page
    assert "figure &amp; a table" in page


def test_page_embeds_figures(page):
    assert page.count("<figure>") == 7
    assert page.count("<svg") >= 5
    assert page.count('<img src="data:image/png;base64,') == 2  # scatter matrix, tiny PNG
    # Each inline SVG has its own id prefix, so ids never collide.
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_page_loads_nothing_from_the_web(page):
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"""url\(\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert "@import" not in page
    assert "<script" not in page
    assert "<link" not in page


def test_illustrative_flag_is_shown_only_where_set(page):
    east = _section_html(page, 'id="s1-tract-east"')
    notes = _section_html(page, 'id="s2-notes-on-method"')
    assert 'class="badge">illustrative' in east
    assert "Illustrative: demonstration inputs" in east
    assert "illustrative" not in notes.lower()
    assert 'class="banner"' in page.split("<nav")[0]


def test_numbers_are_formatted_for_reading(page, result):
    summary = result.summary()
    # One unit per quantity (row), in a unit column; the cells in that unit
    headers, rows = format_table(summary.reset_index())
    assert headers[:2] == ["quantity", "unit"]
    by_quantity = {row[0]: row for row in rows}
    assert by_quantity["ore_t"][1] in {"Gt", "Mt"}
    assert by_quantity["au_t"][1] in {"t", "kt"}
    mean = by_quantity["ore_t"][headers.index("mean")]
    assert f'<td class="num">{mean}</td>' in page
    scale = {"Gt": 1e9, "Mt": 1e6}[by_quantity["ore_t"][1]]
    assert float(mean.replace(",", "")) == pytest.approx(
        summary.loc["ore_t", "mean"] / scale, rel=1e-3
    )
    # No exponent and no 17-digit float in any cell
    cells = re.findall(r'<td class="num">([^<]*)</td>', page)
    assert cells
    assert not [c for c in cells if re.search(r"\de-?\d|\.\d{7,}", c)]
    p0 = format_probability(summary.loc["ore_t", "p0"])
    assert re.fullmatch(r"\d\.\d{3}", p0)
    assert f'<td class="num">{p0}</td>' in page
    assert '<td class="num">0.250</td>' in page  # the 'probability' column


def test_provenance_block(page):
    provenance = page.split('id="provenance"')[1]
    assert "bornite version" in provenance
    assert __version__ in provenance
    assert "2024-05-01" in provenance
    assert "synthetic.csv" in provenance
    assert "East, West" in provenance
    assert provenance.index("seed") < provenance.index("</section>")


def test_format_helpers():
    assert format_number(6.0712e9) == "6.07e9"
    assert format_quantity(6.0712e9, "t") == "6.07 Gt"
    assert format_quantity(0.44, "%") == "0.440 %"
    assert format_number(1234567) == "1,234,567"
    assert format_number(999.7) == "1,000"
    assert format_probability(np.float64(0.0081)) == "0.008"
    assert format_tonnes(3.08e7) == "30.8 Mt"


def test_a_figure_that_is_neither_figure_svg_nor_data_uri_is_refused():
    report = Report("x", sections=[Section("s", figures=[("bad", "https://example.org/a.png")])])
    with pytest.raises(ValidationError, match="data:image"):
        render_report(report)


def test_sections_and_reports_validate_their_parts():
    with pytest.raises(ValidationError, match="table 1"):
        Section("s", tables=[pd.DataFrame({"a": [1]})])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="figure 1"):
        Section("s", figures=[("caption", 3)])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="section 1"):
        Report("r", sections=["not a section"])  # type: ignore[list-item]


# ---------------------------------------------------------------------------- writing
@pytest.fixture
def small_report():
    table = pd.DataFrame({"quantity": ["ore_t"], "mean": [6.07e9]})
    return Report("Small", sections=[Section("Only", "Text.", tables=[("T", table)])])


def test_write_report_writes_and_refuses_to_overwrite(tmp_path, small_report):
    path = tmp_path / "out" / "report.html"
    assert write_report(small_report, path) == path
    first = path.read_text(encoding="utf-8")
    assert "<td>Gt</td>" in first
    assert '<td class="num">6.07</td>' in first
    with pytest.raises(OutputExistsError, match="--overwrite") as error:
        write_report(small_report, path)
    assert str(path) in str(error.value)
    assert isinstance(error.value, FileExistsError)
    assert path.read_text(encoding="utf-8") == first
    replaced = Report("Replaced", sections=small_report.sections)
    write_report(replaced, path, overwrite=True)
    assert "<title>Replaced</title>" in path.read_text(encoding="utf-8")
    assert sorted(p.name for p in path.parent.iterdir()) == ["report.html"]


def test_a_failure_while_rendering_keeps_the_old_report(tmp_path, small_report):
    path = tmp_path / "report.html"
    path.write_text("old report", encoding="utf-8")
    broken = Report("Broken", sections=[Section("s", figures=[("bad", "not a figure")])])
    with pytest.raises(ValidationError):
        write_report(broken, path, overwrite=True)
    assert path.read_text(encoding="utf-8") == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_a_failure_while_writing_keeps_the_old_report(tmp_path, small_report, monkeypatch):
    path = tmp_path / "report.html"
    path.write_text("old report", encoding="utf-8")

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(report_html.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_report(small_report, path, overwrite=True)
    assert path.read_text(encoding="utf-8") == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
