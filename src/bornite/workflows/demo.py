"""``bornite demo``: the main job on the bundled, illustrative example.

Stages, each run from the copy of the inputs in ``DIR/inputs`` (so that every stage can be
rerun and edited), written to its own folder with its own ``run.json`` and gathered in one
report:

1. **Deposit** (``deposit.toml`` -> ``DIR/deposit``) -- a seeded synthetic porphyry deposit
   drilled by a synthetic campaign and estimated, with the estimate against the known truth.
2. **Pit** (``pit.toml`` -> ``DIR/pit``) -- nested pit shells on that block model under a
   topographic surface, and the pit-constrained resource.
3. **Region** (``region.toml`` -> ``DIR/region``) -- prospectivity of a seeded synthetic
   region, spatial cross-validation, targets, and the permissive tract.
4. **Undiscovered copper** (``aggregate.toml`` -> ``DIR/<tract>``) -- three illustrative
   tracts (two elicited; the north one from deposit density on the permissive tract, whose
   area and known deposits the demo writes into ``DIR/inputs/north.toml``), the economic
   filter, and their rank-correlated aggregation.

Every stage is illustrative: made-up inputs, not an assessment of any real place.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bornite.datasets import demo_dir
from bornite.errors import RunConfigError
from bornite.io import copy_file, write_json, write_table, write_text
from bornite.report import Report, Section, totals_section, write_report
from bornite.store import Store
from bornite.workflows._run import (
    Headline,
    RecordTable,
    RunRecord,
    finish_stage,
    input_files,
    run_to_dir,
)
from bornite.workflows.assessment import load_tract_spec, run_tract, write_tract
from bornite.workflows.estimate import load_estimate_spec, run_estimate, write_estimate
from bornite.workflows.inventory import resource_statements, store_run
from bornite.workflows.pit import load_pit_spec, run_pit, write_pit
from bornite.workflows.prospect import load_prospect_spec, run_prospect, write_prospect
from bornite.workflows.regional import (
    aggregate_results,
    aggregation_record,
    load_aggregation_spec,
)

__all__ = ["run_demo"]

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]

#: Progress units (out of 1000) at which each stage starts; the tracts fill the rest.
_UNITS = 1000
_STAGE_START = {"deposit": 0, "pit": 150, "region": 200, "tracts": 350}


def _stage_progress(progress: Progress | None, start: int, end: int) -> Progress:
    """Map a stage's own ``(done, total)`` onto its share of the demo's bar."""

    def step(done: int, total: int) -> None:
        if progress is not None:
            progress(start + (end - start) * done // max(total, 1), _UNITS)

    return step


def _tract_from_region(run_file: Path, permissive: dict[str, Any]) -> None:
    """Write the permissive tract's area and its known deposits into the north tract's run
    file (the copy in ``DIR/inputs``), so that rerunning it gives the demo's numbers."""
    text = run_file.read_text(encoding="utf-8")
    for key, value in (
        ("area_km2", f"{permissive['area_km2']:.1f}"),
        ("n_known", f"{permissive['known_deposits']:d}"),
    ):
        line = f"{key} = {value}  # written by bornite demo: the region stage's permissive tract"
        text, n = re.subn(rf"(?m)^{key}\s*=.*$", line, text)
        if n != 1:
            msg = f"{run_file}: expected one line {key} = ... to update; restore the file"
            raise RunConfigError(msg)
    write_text(text, run_file)


def _tracts(
    inputs: Path, folder: Path, trials: int, progress: Progress | None
) -> tuple[list[RunRecord], RunRecord, list[Section]]:
    """Run the tracts and aggregate them; per-tract outputs go to ``folder/<tract>``."""
    aggregation = load_aggregation_spec(inputs / "aggregate.toml")
    records: list[RunRecord] = []
    sections: list[Section] = []
    totals: dict[str, pd.DataFrame] = {}
    share = (_UNITS - _STAGE_START["tracts"]) // len(aggregation.tracts)
    for number, tract in enumerate(aggregation.tracts):
        assert tract.run_file is not None
        start = _STAGE_START["tracts"] + number * share
        result = run_tract(
            load_tract_spec(tract.run_file),
            trials=trials,
            progress=_stage_progress(progress, start, start + share),
        )
        record, section = write_tract(result, folder / tract.name, within=folder)
        records.append(finish_stage(record, folder, tract.name))
        sections.append(section)
        totals[tract.name] = result.simulation.totals
    seed = aggregation.seed if aggregation.seed is not None else 0
    combined, summary = aggregate_results(
        totals, aggregation.correlation, by=aggregation.by, seed=seed
    )
    write_table(combined, folder / "aggregate" / "totals.csv")
    write_table(summary.reset_index(), folder / "aggregate" / "summary.csv")
    aggregate = finish_stage(
        aggregation_record(aggregation, combined, summary, seed, within=folder),
        folder,
        "aggregate",
    )
    sections.insert(
        0,
        totals_section(
            "All tracts, rank-correlated (illustrative)", combined, summary, illustrative=True
        ),
    )
    return records, aggregate, sections


def _headline(
    deposit: RunRecord,
    pit: RunRecord,
    region: RunRecord,
    tracts: list[RunRecord],
    aggregate: RunRecord,
) -> tuple[Headline, ...]:
    """The demo's headline: a few figures of each stage, labelled by the stage's folder."""
    picks = [
        (
            deposit,
            {
                "metal_t": f"Cu above {deposit.results['reporting_cutoff']:g} %, kriged",
                "truth_metal_t": f"Cu above {deposit.results['reporting_cutoff']:g} %, truth",
            },
        ),
        (pit, {"pit_metal_t": "Cu in the reporting shell", "strip_ratio": "strip ratio"}),
        (region, {"cv_auc_blocks": "spatial-block CV AUC", "permissive_area_km2": "tract area"}),
        *((tract, {"cu_t_q50": "median undiscovered Cu"}) for tract in tracts),
        (aggregate, {"cu_t_q50": "median undiscovered Cu"}),
    ]
    out = []
    for record, labels in picks:
        stage = record.folder or "all tracts"
        for key, label in labels.items():
            item = record.figure(key)
            out.append(dataclasses.replace(item, key=f"{stage}.{key}", label=f"{stage}: {label}"))
    return tuple(out)


def _tracts_table(tracts: list[RunRecord], aggregate: RunRecord) -> RecordTable:
    rows = []
    for record in [*tracts, aggregate]:
        cu = record.results["cu_t"]
        economic = next((h.value for h in record.headline if h.key == "cu_economic_t_mean"), None)
        rows.append(
            {
                "tract": record.folder or "all",
                "E[N]": record.figure("expected_deposits").value,
                "q10_t": cu["q10"],
                "q50_t": cu["q50"],
                "q90_t": cu["q90"],
                "mean_t": cu["mean"],
                "economic_t": economic,
            }
        )
    if all(row["economic_t"] is not None for row in rows[:-1]):
        # The mean of a sum is the sum of the means, whatever the correlation.
        rows[-1]["economic_t"] = sum(row["economic_t"] for row in rows[:-1])
    return RecordTable.from_frame(
        "undiscovered Cu by tract and all rank-correlated (q10: 90 % chance of at least this "
        "much; economic: mean in deposits that pass the RAEF filter)",
        pd.DataFrame(rows),
        basis="simulated",
    )


def _deposit_table(deposit: RunRecord) -> RecordTable:
    truth = {row["cutoff"]: row["metal_t"] for row in deposit.results.get("truth", [])}
    rows = [
        {
            "cutoff": row["cutoff"],
            "tonnes": row["tonnes"],
            "grade": row["grade"],
            "metal_t": row["metal_t"],
            "truth_t": truth.get(row["cutoff"]),
        }
        for row in deposit.results["total"]
    ]
    return RecordTable.from_frame(
        f"{deposit.name}: kriged against the known truth (all classes)",
        pd.DataFrame(rows),
        units={"cutoff": "%", "grade": "%"},
    )


def _write_demo(folder: Path, trials: int, progress: Progress | None, final: Path) -> RunRecord:
    inputs = folder / "inputs"
    files = sorted(p for p in demo_dir().iterdir() if p.suffix in {".toml", ".csv", ".md"})
    for file in files:
        copy_file(file, inputs / file.name)
    result = run_estimate(
        load_estimate_spec(inputs / "deposit.toml"),
        progress=_stage_progress(progress, _STAGE_START["deposit"], _STAGE_START["pit"]),
    )
    deposit, deposit_section = write_estimate(result, folder / "deposit", within=folder)
    pit, pit_section = write_pit(
        run_pit(load_pit_spec(inputs / "pit.toml")), folder / "pit", within=folder
    )
    region_result = run_prospect(
        load_prospect_spec(inputs / "region.toml"),
        progress=_stage_progress(progress, _STAGE_START["region"], _STAGE_START["tracts"]),
    )
    region, region_section = write_prospect(region_result, folder / "region", within=folder)
    _tract_from_region(inputs / "north.toml", region_result.permissive.to_dict())
    tracts, aggregate, tract_sections = _tracts(inputs, folder, trials, progress)
    linked = {"deposit": DEMO_DEPOSIT}
    stages = [
        finish_stage(dataclasses.replace(deposit, links=linked), folder, "deposit"),
        finish_stage(dataclasses.replace(pit, links=linked), folder, "pit"),
        finish_stage(region, folder, "region"),
    ]
    record = RunRecord(
        kind="demo",
        name="bornite demo (illustrative)",
        inputs=input_files({"inputs": [inputs / f.name for f in files]}, within=folder),
        parameters={"trials_per_tract": trials},
        seed=aggregate.seed,
        illustrative=True,
        headline=_headline(stages[0], stages[1], stages[2], tracts, aggregate),
        tables={"deposit": _deposit_table(deposit), "tracts": _tracts_table(tracts, aggregate)},
        results={
            "title": "bornite demo: illustrative copper resource assessment",
            "illustrative": True,
            "stages": [r.folder for r in [*stages, *tracts]],
            "deposit": deposit.results,
            "pit": pit.results,
            "region": region.results,
            "tracts": [{"name": t.name, "folder": t.folder, **t.results} for t in tracts],
            "aggregate": aggregate.results,
        },
        children=(*stages, *tracts, aggregate),
    )
    report = Report(
        title="bornite demo: copper resources, known and undiscovered (illustrative)",
        subtitle=(
            "A synthetic porphyry deposit estimated from a synthetic drill campaign and its pit "
            "shells; a synthetic region's prospectivity; three made-up tracts with a synthetic "
            f"USGS 2008 grade-tonnage model, {trials:,} trials each. Every figure is "
            "illustrative: made-up inputs, not an assessment of any real place"
        ),
        sections=[deposit_section, pit_section, region_section, *tract_sections],
        provenance=record.provenance(),
    )
    write_report(report, folder / "report.html", overwrite=True)
    write_json(record.results, folder / "summary.json")
    _demo_database(folder, record, region_result.deposits, final)
    return record


#: The inventory id of the demo's estimated deposit.
DEMO_DEPOSIT = "demo-porphyry"
#: The demo's belt: its tracts' and deposits'.
DEMO_BELT = "Plateau belt"
#: The demo's database, in its output folder.
DEMO_DATABASE = "bornite.sqlite"


def _demo_database(folder: Path, record: RunRecord, known: pd.DataFrame, final: Path) -> None:
    """The demo's inventory in ``folder/bornite.sqlite``: the estimated deposit with its
    pit-constrained resource as statements, the region's known points, every run (stored
    with the folders they will have in ``final``, where the staged ``folder`` moves)."""
    deposit, pit = record.children[0], record.children[1]
    deposits = pd.DataFrame(
        {
            "id": [DEMO_DEPOSIT, *("demo-region-" + known["name"].astype(str))],
            "name": [deposit.name, *known["name"].astype(str)],
            "easting": [None, *known["easting"]],
            "northing": [None, *known["northing"]],
            "crs": ["", *["synthetic local grid (m)"] * len(known)],
            "deposit_type": "porphyry Cu",
            "belt": DEMO_BELT,
            "region": "Demo region (synthetic)",
            "status": ["resource", *np.where(known["kind"] == "deposit", "prospect", "occurrence")],
            "sources": "bornite demo (illustrative)",
        }
    )
    commodity = str(deposit.results["grade"]).split("_")[0]
    statements = resource_statements(
        pit,
        DEMO_DEPOSIT,
        commodity=commodity,
        code=str(deposit.results.get("scheme", "jorc2012")),
        effective_date=pit.finished[:10],
        citation="bornite demo (illustrative): kriged estimate inside the selected pit shell",
    )
    store = Store(folder / DEMO_DATABASE)
    try:
        store.init()
        store.import_tables(deposits, statements, source="bornite demo")
        store_run(
            dataclasses.replace(record, folder=str(folder)), store=store, relocate=(folder, final)
        )
    finally:
        store.close()


def run_demo(
    out: str | Path,
    *,
    trials: int = 20_000,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> RunRecord:
    """The main job on the bundled illustrative example, in four stages (see the module).

    Writes ``report.html`` (every stage), ``summary.json``, ``run.json``, one folder per
    stage with its tables, figures, report and ``run.json``, and the inputs in
    ``DIR/inputs`` to edit and rerun.
    """
    return run_to_dir(
        out,
        lambda folder: _write_demo(folder, trials, progress, Path(out).resolve()),
        overwrite=overwrite,
    )
