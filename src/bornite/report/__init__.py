"""Figures and the self-contained HTML report of an assessment.

* :mod:`bornite.report.figures` -- matplotlib figures of the deposit-count pmf
  (:func:`pmf_figure`), the grade-tonnage fit (:func:`tonnage_figure`, :func:`grade_figure`)
  and the simulated totals (:func:`ccdf_figure`, :func:`marginals_figure`), built without
  pyplot, and their serialisation for a web page (:func:`figure_to_svg`,
  :func:`figure_to_png_base64`, :func:`embed_figure`).
* :mod:`bornite.report.estimate`, :mod:`bornite.report.pit`, :mod:`bornite.report.prospect`
  -- figures of a block-model estimate, of pit shells and of a prospectivity run.
* :mod:`bornite.report.html` -- the document model (:class:`Report`, :class:`Section`), the
  standard tract section (:func:`assessment_section`) and one-file HTML output
  (:func:`render_report`, :func:`write_report`) that works offline.
"""

from bornite.report._format import (
    format_number,
    format_probability,
    format_quantity,
    format_table,
    format_tonnes,
    unit_of,
)
from bornite.report.figures import (
    ccdf_figure,
    embed_figure,
    figure_to_png_base64,
    figure_to_svg,
    grade_figure,
    marginals_figure,
    pmf_figure,
    tonnage_figure,
)
from bornite.report.html import (
    Report,
    Section,
    assessment_section,
    render_report,
    totals_section,
    tract_figures,
    write_report,
)
from bornite.report.pit import pit_by_pit_figure, pit_section, pit_section_figure

__all__ = [
    "Report",
    "Section",
    "assessment_section",
    "ccdf_figure",
    "embed_figure",
    "figure_to_png_base64",
    "figure_to_svg",
    "format_number",
    "format_probability",
    "format_quantity",
    "format_table",
    "format_tonnes",
    "grade_figure",
    "marginals_figure",
    "pit_by_pit_figure",
    "pit_section",
    "pit_section_figure",
    "pmf_figure",
    "render_report",
    "tonnage_figure",
    "totals_section",
    "tract_figures",
    "unit_of",
    "write_report",
]
