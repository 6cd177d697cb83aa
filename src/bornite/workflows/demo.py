"""``bornite demo``: the main job on the bundled, illustrative example.

Stages, each run from the copy of the inputs in ``DIR/inputs`` (so that every stage can be
rerun and edited), written to its own folder and gathered in one report:

1. **Deposit** (``deposit.toml`` -> ``DIR/deposit``) -- a seeded synthetic porphyry deposit
   drilled by a synthetic campaign and estimated, with the estimate against the known truth.
2. **Pit** (``pit.toml`` -> ``DIR/pit``) -- nested pit shells on that block model and the
   pit-constrained resource.
3. **Region** (``region.toml`` -> ``DIR/region``) -- prospectivity of a seeded synthetic
   region, spatial cross-validation, targets, and the permissive tract.
4. **Undiscovered copper** (``aggregate.toml`` -> ``DIR/<tract>``) -- three illustrative
   tracts (two elicited; the north one from deposit density on the permissive tract's area,
   which the demo writes into ``DIR/inputs/north.toml``), the economic filter, and their
   rank-correlated aggregation.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bornite.datasets import demo_dir
from bornite.errors import RunConfigError
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
    load_estimate_spec,
    run_estimate,
    write_estimate_outputs,
)
from bornite.workflows.pit import load_pit_spec, run_pit, write_pit_outputs
from bornite.workflows.prospect import (
    load_prospect_spec,
    run_prospect,
    write_prospect_outputs,
)
from bornite.workflows.regional import aggregate_results, load_aggregation_spec, summary_json
from bornite.workflows.runs import copy_inputs, tract_section, write_figures

__all__ = ["run_demo"]

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]

#: Progress units (out of 1000) at which each stage starts; the tracts fill the rest.
_UNITS = 1000
_STAGE_START = {"deposit": 0, "pit": 150, "region": 200, "tracts": 350}


def _stage_progress(progress: Progress | None, stage: str, following: str) -> Progress:
    """Map a stage's own ``(done, total)`` onto its share of the demo's bar."""
    start, end = _STAGE_START[stage], _STAGE_START[following]

    def step(done: int, total: int) -> None:
        if progress is not None:
            progress(start + (end - start) * done // max(total, 1), _UNITS)

    return step


def _pit_stage(run_file: Path, folder: Path) -> tuple[dict[str, Any], Section]:
    """Nested shells on the deposit stage's block model; outputs go to ``folder``."""
    result = run_pit(load_pit_spec(run_file))
    folder.mkdir(exist_ok=True)
    _, section = write_pit_outputs(result, folder)
    record = result.record
    summary = {
        "folder": folder.name,
        "engine": record["engine"],
        "ultimate_pit": record["ultimate_pit"],
        "selected_shell": result.selected,
        "resource": result.resource.to_dict(orient="records"),
    }
    return summary, section


def _region_stage(
    run_file: Path, folder: Path, progress: Progress | None
) -> tuple[dict[str, Any], Section]:
    """Prospectivity of the synthetic region; outputs go to ``folder``."""
    result = run_prospect(
        load_prospect_spec(run_file), progress=_stage_progress(progress, "region", "tracts")
    )
    folder.mkdir(exist_ok=True)
    _, section = write_prospect_outputs(result, folder)
    record = result.record
    summary = {
        "name": record["name"],
        "folder": folder.name,
        "method": record["method"],
        "deposits": record["deposits"],
        "cross_validation": record["cross_validation"],
        "permissive": record["permissive"],
        "targets": record["targets"][:5],
    }
    return summary, section


def _tract_from_region(run_file: Path, permissive: dict[str, Any]) -> None:
    """Write the permissive tract's area into the north tract's run file (the copy in
    ``DIR/inputs``), so that rerunning it gives the demo's numbers.

    Only the area is passed on: the synthetic district holds about ten times more deposits
    per km² than the porphyry deposit-density model's control tracts, so subtracting its
    known deposits from the model's total would leave nothing to estimate. With real data,
    give the tract's known deposits as ``n_known`` too.
    """
    text = run_file.read_text(encoding="utf-8")
    line = f"area_km2 = {permissive['area_km2']:.1f}  # the region stage's permissive tract"
    text, n = re.subn(r"(?m)^area_km2\s*=.*$", line, text)
    if n != 1:
        msg = f"{run_file}: expected one line area_km2 = ... to update; restore the file"
        raise RunConfigError(msg)
    run_file.write_text(text, encoding="utf-8")


def _deposit_stage(
    run_file: Path, folder: Path, progress: Progress | None
) -> tuple[dict[str, Any], Section]:
    """Estimate the synthetic deposit; its outputs go to ``folder``."""

    result = run_estimate(
        load_estimate_spec(run_file), progress=_stage_progress(progress, "deposit", "pit")
    )
    folder.mkdir(exist_ok=True)
    _, section = write_estimate_outputs(result, folder)
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
    return summary, section


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
                start = _STAGE_START["tracts"]
                progress(start + (offset + d) * (_UNITS - start) // max(total, 1), _UNITS)

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
    """The main job on the bundled illustrative example, in four stages (see the module).

    Writes ``report.html`` (every stage), ``summary.json``, one folder per stage with its
    tables, figures and report, and the inputs in ``DIR/inputs`` to edit and rerun.
    """
    folder = check_output_dir(
        out,
        ["report.html", "summary.json", "inputs", "deposit", "pit", "region"],
        overwrite=overwrite,
    )
    files = sorted(p for p in demo_dir().iterdir() if p.suffix in {".toml", ".csv", ".md"})
    copy_inputs(files, folder / "inputs")
    inputs = folder / "inputs"
    deposit, deposit_section = _deposit_stage(inputs / "deposit.toml", folder / "deposit", progress)
    pit, pit_section = _pit_stage(inputs / "pit.toml", folder / "pit")
    region, region_section = _region_stage(inputs / "region.toml", folder / "region", progress)
    _tract_from_region(inputs / "north.toml", region["permissive"])
    tracts, tract_sections = _tract_stage(inputs, folder, trials, progress)
    record_provenance = provenance(
        {"inputs": inputs},
        {"trials_per_tract": trials, "correlation": 0.5},
        tracts.pop("seed"),
    )
    summary: dict[str, Any] = {
        "title": "bornite demo: illustrative copper resource assessment",
        "illustrative": True,
        "deposit": deposit,
        "pit": pit,
        "region": region,
        **tracts,
        "provenance": record_provenance,
    }
    report = Report(
        title="bornite demo: copper resources, known and undiscovered (illustrative)",
        subtitle=(
            "A synthetic porphyry deposit estimated from a synthetic drill campaign and its pit "
            "shells; a synthetic region's prospectivity; three made-up tracts with a synthetic "
            f"USGS 2008 grade-tonnage model, {trials:,} trials each"
        ),
        sections=[deposit_section, pit_section, region_section, *tract_sections],
        provenance=record_provenance,
    )
    summary["report"] = str(write_report(report, folder / "report.html", overwrite=True))
    summary["summary"] = str(folder / "summary.json")
    write_json(summary, folder / "summary.json")
    return summary
