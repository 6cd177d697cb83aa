"""``bornite demo``: the main job on the bundled, illustrative example.

Stages, each written to its own folder and gathered in one report:

1. **Deposit** -- a seeded synthetic porphyry deposit drilled by a synthetic campaign and
   estimated from ``deposit.toml`` (``DIR/deposit``), with the estimate shown against the
   known truth.
2. **Undiscovered copper** -- three illustrative tracts (two elicited, one from deposit
   density), the economic filter, and their rank-correlated aggregation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bornite.datasets import demo_dir
from bornite.io import check_output_dir, write_json, write_table
from bornite.report import Report, Section, totals_section, tract_figures, write_report
from bornite.workflows.assessment import (
    TractResult,
    TractSpec,
    load_tract_spec,
    provenance,
    run_tract,
    summary_dict,
    write_tract_outputs,
)
from bornite.workflows.estimate import (
    EstimateResult,
    estimate_figures,
    estimate_section,
    load_estimate_spec,
    run_estimate,
    write_estimate_outputs,
)
from bornite.workflows.regional import aggregate_results, load_aggregation_spec, summary_json
from bornite.workflows.runs import copy_inputs, tract_section, write_figures

__all__ = ["run_demo"]

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]

#: Progress units: the deposit stage fills the first fifth of the bar, the tracts the rest.
_UNITS = 1000
_DEPOSIT_SHARE = 200


def _deposit_stage(
    run_file: Path, folder: Path, progress: Progress | None
) -> tuple[dict[str, Any], Section, EstimateResult]:
    """Estimate the synthetic deposit; its outputs go to ``folder``."""

    def step(done: int, total: int) -> None:
        if progress is not None:
            progress(_DEPOSIT_SHARE * done // max(total, 1), _UNITS)

    result = run_estimate(load_estimate_spec(run_file), progress=step)
    folder.mkdir(exist_ok=True)
    write_estimate_outputs(result, folder)
    record = result.record
    truth = {row["cutoff"]: row for row in record.get("truth", [])}
    summary = {
        "name": result.spec.name,
        "folder": folder.name,
        "illustrative": True,
        "grade": record["grade"],
        "scheme": record["scheme"],
        "estimated_blocks": record["estimated_blocks"],
        "composites": record["composites"],
        "holes": record["holes"],
        "resource": record["resource"],
        "total": [
            row | {"truth_metal_t": truth[row["cutoff"]]["metal_t"]}
            if row["cutoff"] in truth
            else row
            for row in record["total"]
        ],
        "global_mean": record["global_mean"],
    }
    return summary, estimate_section(result, estimate_figures(result)), result


def _tract_stage(
    inputs: Path, folder: Path, trials: int, progress: Progress | None
) -> tuple[dict[str, Any], list[Section]]:
    """Run the three tracts and aggregate them; per-tract tables go to ``folder/<tract>``."""
    aggregation = load_aggregation_spec(inputs / "aggregate.toml")
    results: list[TractResult] = []
    sections: list[Section] = []
    total = trials * len(aggregation.tracts)
    for number, tract in enumerate(aggregation.tracts):
        assert tract.run_file is not None
        spec: TractSpec = load_tract_spec(tract.run_file)
        offset = number * trials

        def step(d: int, _t: int, offset: int = offset) -> None:
            if progress is not None:
                share = (offset + d) * (_UNITS - _DEPOSIT_SHARE) // max(total, 1)
                progress(_DEPOSIT_SHARE + share, _UNITS)

        result = run_tract(spec, trials=trials, progress=step)
        results.append(result)
        tract_folder = folder / tract.name
        tract_folder.mkdir(exist_ok=True)
        write_tract_outputs(result, tract_folder)
        write_json(summary_dict(result), tract_folder / "summary.json")
        figures = tract_figures(result.pmf, result.model, result.simulation)
        write_figures(figures, tract_folder / "figures")
        sections.append(tract_section(result, figures))
    totals = {t.name: r.simulation.totals for t, r in zip(aggregation.tracts, results, strict=True)}
    seed = aggregation.seed if aggregation.seed is not None else 0
    combined, summary = aggregate_results(
        totals, aggregation.correlation, by=aggregation.by, seed=seed
    )
    write_table(combined, folder / "aggregate_totals.csv")
    tracts_json = []
    for tract, result in zip(aggregation.tracts, results, strict=True):
        record = summary_dict(result)
        entry = {
            "name": result.spec.name,
            "folder": tract.name,
            "illustrative": True,
            "expected_deposits": result.pmf.mean,
            "pmf_method": result.pmf.method,
            **{q: record[q] for q in record if q.endswith("_t")},
        }
        if result.economic_summary is not None and "cu_economic_t" in result.economic_summary.index:
            entry["economic_cu_t_mean"] = float(
                result.economic_summary["mean"].to_numpy(dtype=float)[
                    result.economic_summary.index.get_loc("cu_economic_t")
                ]
            )
        tracts_json.append(entry)
    economic_means = [t["economic_cu_t_mean"] for t in tracts_json if "economic_cu_t_mean" in t]
    aggregate: dict[str, Any] = {
        "expected_deposits": float(combined["n_deposits"].mean()),
        **summary_json(summary),
    }
    if len(economic_means) == len(tracts_json):
        # The mean of a sum is the sum of the means, whatever the correlation.
        aggregate["economic_cu_t_mean"] = float(sum(economic_means))
    sections.insert(
        0,
        totals_section(
            "All tracts, rank-correlated (illustrative)", combined, summary, illustrative=True
        ),
    )
    return {"tracts": tracts_json, "aggregate": aggregate, "seed": seed}, sections


def run_demo(
    out: Path, *, trials: int = 20_000, overwrite: bool = False, progress: Progress | None = None
) -> dict[str, Any]:
    """The main job on the bundled illustrative example.

    Estimates the synthetic deposit (``DIR/deposit``), runs the three demo tracts with the
    economic filter and aggregates them with a rank correlation of 0.5, and writes
    ``report.html``, ``summary.json``, per-stage tables and figures, and a copy of the inputs
    to edit and rerun (``DIR/inputs``).
    """
    folder = check_output_dir(
        out, ["report.html", "summary.json", "inputs", "deposit"], overwrite=overwrite
    )
    inputs = demo_dir()
    files = sorted(p for p in inputs.iterdir() if p.suffix in {".toml", ".csv", ".md"})
    copy_inputs(files, folder / "inputs")
    deposit, deposit_section, _ = _deposit_stage(
        inputs / "deposit.toml", folder / "deposit", progress
    )
    tracts, tract_sections = _tract_stage(inputs, folder, trials, progress)
    record_provenance = provenance(
        {"inputs": folder / "inputs"},
        {"trials_per_tract": trials, "correlation": 0.5},
        tracts.pop("seed"),
    )
    summary: dict[str, Any] = {
        "title": "bornite demo: illustrative copper resource assessment",
        "illustrative": True,
        "deposit": deposit,
        **tracts,
        "provenance": record_provenance,
    }
    report = Report(
        title="bornite demo: copper resources, known and undiscovered (illustrative)",
        subtitle=(
            "A synthetic porphyry deposit estimated from a synthetic drill campaign; three "
            f"made-up tracts with a synthetic USGS 2008 grade-tonnage model, {trials:,} trials "
            "each"
        ),
        sections=[deposit_section, *tract_sections],
        provenance=record_provenance,
    )
    summary["report"] = str(write_report(report, folder / "report.html", overwrite=True))
    summary["summary"] = str(folder / "summary.json")
    write_json(summary, folder / "summary.json")
    return summary
