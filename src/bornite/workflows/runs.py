"""Whole runs behind the CLI: read a run file, compute, write outputs, figures and report."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bornite.assessment import DepositCountPmf, counts_elicitation
from bornite.io import check_output_dir, read_elicitation, write_text
from bornite.report import (
    Report,
    Section,
    assessment_section,
    figure_to_png_base64,
    figure_to_svg,
    tract_figures,
    write_report,
)
from bornite.workflows.assessment import (
    TractResult,
    fit_pmf,
    load_tract_spec,
    run_tract,
    summary_dict,
    tract_output_names,
    write_tract_outputs,
)

__all__ = [
    "copy_inputs",
    "pmf_from_cli",
    "run_tract_to_dir",
    "tract_section",
    "write_figures",
]

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


def pmf_from_cli(
    method: str, elicitation: Path | None, counts: Sequence[int] | None
) -> DepositCountPmf:
    """The pmf for ``bornite assess pmf``: from an elicitation file or a single estimate."""
    if elicitation is not None:
        table = read_elicitation(elicitation)
    else:
        table = counts_elicitation(list(counts or []))
    return fit_pmf(method, table)


def write_figures(figures: dict[str, Any], folder: Path) -> list[Path]:
    """Write figures as SVG (PNG for scatter-heavy marginals) into ``folder``."""
    import base64  # noqa: PLC0415

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for stem, figure in figures.items():
        if "marginals" in stem:
            path = folder / f"{stem}.png"
            path.write_bytes(base64.b64decode(figure_to_png_base64(figure)))
        else:
            path = write_text(figure_to_svg(figure), folder / f"{stem}.svg")
        paths.append(path)
    return paths


def tract_section(result: TractResult, figures: dict[str, Any] | None = None) -> Section:
    """The report section of a tract run."""
    return assessment_section(
        result.spec.name,
        result.pmf,
        result.model,
        result.simulation,
        illustrative=result.spec.illustrative,
        economic=result.economic_summary,
        figures=figures,
    )


def run_tract_to_dir(
    run_file: Path,
    out: Path,
    *,
    trials: int | None = None,
    seed: int | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> tuple[dict[str, Any], list[Path]]:
    """``bornite assess run``: one tract, all outputs in ``out``."""
    spec = load_tract_spec(run_file)
    names = [*tract_output_names(spec.keep_deposits), "report.html", "figures"]
    folder = check_output_dir(out, names, overwrite=overwrite)
    result = run_tract(spec, trials=trials, seed=seed, progress=progress)
    paths = list(write_tract_outputs(result, folder).values())
    figures = tract_figures(result.pmf, result.model, result.simulation)
    paths += write_figures(figures, folder / "figures")
    summary = summary_dict(result)
    report = Report(
        title=f"Undiscovered copper: {spec.name}",
        subtitle="USGS three-part assessment with bornite",
        sections=[tract_section(result, figures)],
        provenance=summary["provenance"],
    )
    paths.append(write_report(report, folder / "report.html", overwrite=True))
    logger.info("tract %s: wrote %d files to %s", spec.name, len(paths), folder)
    return summary, paths


def copy_inputs(files: Sequence[Path], folder: Path) -> list[Path]:
    """Copy run inputs next to the outputs so a run can be repeated and edited."""
    folder.mkdir(parents=True, exist_ok=True)
    copied = []
    for file in files:
        target = folder / file.name
        shutil.copyfile(file, target)
        copied.append(target)
    return copied
