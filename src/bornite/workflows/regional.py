"""``bornite assess aggregate`` and ``assess filter``: several tracts rank-correlated, and
the RAEF economic filter on simulated deposits (keys in ``docs/assessment-runs.md``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bornite.assessment import (
    EconomicFilterSpec,
    aggregate_tracts,
    economic_filter,
    economic_totals,
    rank_correlation_check,
    summarize_economic,
    summarize_totals,
)
from bornite.errors import RunConfigError
from bornite.io import (
    read_correlation_matrix,
    read_mapmark4_simulation,
    read_raef_parameters,
    read_table,
    write_json,
    write_table,
)
from bornite.report import Report, Section, totals_section, write_report
from bornite.workflows._run import (
    Headline,
    RecordTable,
    RunRecord,
    TableSchema,
    input_files,
    load_run_file,
    plain,
    resolve_path,
    run_to_dir,
)
from bornite.workflows.assessment import (
    SUMMARY_KEYS,
    load_tract_spec,
    run_tract,
    summary_headline,
    tract_record,
    tract_section,
)

__all__ = [
    "AggregatedTract",
    "AggregationSpec",
    "FilterSpec",
    "aggregate_results",
    "aggregation_record",
    "load_aggregation_spec",
    "load_filter_spec",
    "run_aggregation_to_dir",
    "run_filter_to_dir",
    "summary_json",
]

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
_TOTALS_KEYS = SUMMARY_KEYS[:11]


# ------------------------------------------------------------------------------ aggregation
@dataclass(frozen=True)
class AggregatedTract:
    """``[[tracts]]``: a run file to run, or per-trial totals of an earlier run."""

    name: str
    run_file: Path | None = None
    totals: Path | None = None

    def __post_init__(self) -> None:
        if (self.run_file is None) == (self.totals is None):
            msg = f"tract {self.name!r}: give exactly one of run_file or totals"
            raise RunConfigError(msg)


@dataclass(frozen=True)
class AggregateInfo:
    """``[aggregate]``: the name, the rank correlation between tracts (one number for every
    pair, a k x k matrix, or a CSV labelled by tract name), the column it is imposed on, the
    seed and whether the run is illustrative."""

    name: str
    correlation: float | str | list[list[float]]
    by: str = "n_deposits"
    seed: int | None = None
    illustrative: bool = False
    belt: str = ""
    region: str = ""


@dataclass(frozen=True)
class AggregationSpec:
    """An ``assess aggregate`` run file."""

    name: str
    tracts: tuple[AggregatedTract, ...]
    correlation: np.ndarray = field(compare=False)
    by: str = "n_deposits"
    seed: int | None = None
    illustrative: bool = False
    source: Path | None = None
    correlation_file: Path | None = None
    links: dict[str, str] = field(default_factory=dict)


def _correlation(value: Any, names: list[str], base: Path, where: str) -> np.ndarray:
    """A k x k matrix from one number, a nested list, or a CSV labelled by tract name."""
    n = len(names)
    if isinstance(value, int | float):
        if not -1.0 < float(value) <= 1.0:
            msg = f"{where}: correlation must lie in (-1, 1], got {value}"
            raise RunConfigError(msg)
        matrix = np.full((n, n), float(value))
        np.fill_diagonal(matrix, 1.0)
        return matrix
    if isinstance(value, str):
        labelled = read_correlation_matrix(resolve_path(value, base), labelled=True)
        if list(labelled.index) != list(names):
            try:
                labelled = labelled.loc[list(names), list(names)]
            except KeyError:
                msg = (
                    f"{where}: the correlation file names tracts {', '.join(labelled.index)}; "
                    f"the run file names {', '.join(names)}; make them match"
                )
                raise RunConfigError(msg) from None
        matrix = labelled.to_numpy(dtype=float)
    else:
        matrix = np.asarray(value, dtype=float)
    if matrix.shape != (n, n):
        msg = f"{where}: correlation must be {n} x {n} for {n} tracts, got {matrix.shape}"
        raise RunConfigError(msg)
    return matrix


_AGGREGATION = {
    "aggregate": TableSchema(AggregateInfo, required=True),
    "tracts": TableSchema(AggregatedTract, required=True, array=True, paths=("run_file", "totals")),
}


def load_aggregation_spec(path: str | Path) -> AggregationSpec:
    """Read an aggregation run file."""
    path = Path(path)
    parts, _ = load_run_file(path, _AGGREGATION, named=False)
    info: AggregateInfo = parts["aggregate"]
    tracts: tuple[AggregatedTract, ...] = parts["tracts"]
    names = [t.name for t in tracts]
    if len(set(names)) != len(names):
        msg = f"{path} [[tracts]]: tract names must be unique, got {', '.join(names)}"
        raise RunConfigError(msg)
    if len(tracts) < 2:
        msg = f"{path}: aggregation needs at least two [[tracts]], got {len(tracts)}"
        raise RunConfigError(msg)
    if info.seed is not None and info.seed < 0:
        msg = f"{path} [aggregate]: seed must be >= 0, got {info.seed}"
        raise RunConfigError(msg)
    return AggregationSpec(
        name=info.name,
        tracts=tracts,
        correlation=_correlation(info.correlation, names, path.parent, f"{path} [aggregate]"),
        by=info.by,
        seed=info.seed,
        illustrative=info.illustrative,
        source=path,
        links={k: v for k, v in (("belt", info.belt), ("region", info.region)) if v},
        correlation_file=(
            resolve_path(info.correlation, path.parent)
            if isinstance(info.correlation, str)
            else None
        ),
    )


def aggregate_results(
    totals: dict[str, pd.DataFrame], correlation: np.ndarray, *, by: str, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Aggregate per-trial totals; return the aggregate totals and their summary."""
    lengths = {name: len(t) for name, t in totals.items()}
    if len(set(lengths.values())) != 1:
        shown = ", ".join(f"{k}: {v}" for k, v in lengths.items())
        msg = f"tracts must have the same number of trials to aggregate ({shown})"
        raise RunConfigError(msg)
    combined = aggregate_tracts(totals, correlation, by=by, seed=seed)
    names = list(totals)
    achieved = rank_correlation_check(
        combined[[f"{name}__{by}" for name in names]].to_numpy(), correlation, names=names
    )
    combined.attrs["rank_correlation"] = achieved
    quantities = [
        c
        for c in ("ore_t", *combined.columns)
        if c.endswith("_t") and c in combined.columns and "__" not in c
    ]
    return combined, summarize_totals(combined, list(dict.fromkeys(quantities)))


def summary_json(summary: pd.DataFrame) -> dict[str, Any]:
    """The quantiles, mean, sd and probabilities of a totals summary as JSON-ready floats."""
    return {q: {k: float(summary.loc[q, k]) for k in _TOTALS_KEYS} for q in summary.index}


def aggregation_record(
    spec: AggregationSpec,
    combined: pd.DataFrame,
    summary: pd.DataFrame,
    seed: int,
    children: tuple[RunRecord, ...] = (),
    *,
    within: Path | None = None,
) -> RunRecord:
    """The record of an aggregation: aggregated totals, the achieved rank correlation, and
    the records of the tracts it ran."""
    files: dict[str, Any] = {"run_file": spec.source, "correlation": spec.correlation_file}
    files["totals"] = [t.totals for t in spec.tracts if t.totals is not None]
    achieved = combined.attrs["rank_correlation"]
    return RunRecord(
        kind="aggregate",
        name=spec.name,
        inputs=input_files(files, within=within),
        parameters={
            "by": spec.by,
            "correlation": spec.correlation.tolist(),
            "tracts": [plain(t) for t in spec.tracts],
        },
        seed=seed,
        illustrative=spec.illustrative,
        headline=summary_headline(summary, float(combined["n_deposits"].mean())),
        tables={
            "totals": RecordTable.from_frame(
                f"{spec.name}: aggregated totals",
                summary[["q10", "q50", "q90", "mean", "sd", "p0"]].reset_index(),
                basis="simulated",
            ),
            "rank_correlation": RecordTable.from_frame(
                "rank correlation between tracts: asked and achieved", achieved
            ),
        },
        results={
            **summary_json(summary),
            "expected_deposits": float(combined["n_deposits"].mean()),
            "tracts": [t.name for t in spec.tracts],
            "correlation": spec.correlation.tolist(),
            "by": spec.by,
            "rank_correlation": achieved.to_dict(orient="records"),
        },
        children=children,
        links=spec.links,
    )


def _aggregate(spec: AggregationSpec, folder: Path, seed: int) -> RunRecord:
    totals: dict[str, pd.DataFrame] = {}
    sections: list[Section] = []
    children = []
    for tract in spec.tracts:
        if tract.run_file is not None:
            result = run_tract(load_tract_spec(tract.run_file))
            totals[tract.name] = result.simulation.totals
            sections.append(tract_section(result))
            children.append(tract_record(result))
        else:
            assert tract.totals is not None
            table = read_table(tract.totals)
            if spec.by not in table.columns or not any(str(c).endswith("_t") for c in table):
                msg = (
                    f"{tract.totals}: not a per-trial totals table (needs {spec.by} and "
                    "<quantity>_t columns); give totals.parquet or totals.csv of `assess run`"
                )
                raise RunConfigError(msg)
            totals[tract.name] = table
    combined, summary = aggregate_results(totals, spec.correlation, by=spec.by, seed=seed)
    record = aggregation_record(spec, combined, summary, seed, tuple(children))
    write_json(record.results, folder / "summary.json")
    write_table(combined, folder / "totals.csv")
    write_table(summary.reset_index(), folder / "summary.csv")
    write_table(combined.attrs["rank_correlation"], folder / "rank_correlation.csv")
    sections.insert(
        0,
        totals_section(
            f"{spec.name}: all tracts", combined, summary, illustrative=spec.illustrative
        ),
    )
    report = Report(
        title=f"Undiscovered copper: {spec.name}",
        subtitle="Tracts aggregated with rank correlation (Iman-Conover)",
        sections=sections,
        provenance=record.provenance(),
    )
    write_report(report, folder / "report.html", overwrite=True)
    return record


def run_aggregation_to_dir(
    run_file: str | Path, out: str | Path, *, seed: int | None = None, overwrite: bool = False
) -> RunRecord:
    """``bornite assess aggregate``: ``summary.json``, ``totals.csv``, ``summary.csv``,
    ``rank_correlation.csv`` and ``report.html`` in ``out``."""
    spec = load_aggregation_spec(run_file)
    chosen = seed if seed is not None else (spec.seed if spec.seed is not None else 0)
    return run_to_dir(out, lambda folder: _aggregate(spec, folder, chosen), overwrite=overwrite)


# --------------------------------------------------------------------------- economic filter
@dataclass(frozen=True)
class FilterInfo:
    """``[filter]``: the simulated deposits, RAEF parameters as a file (or an
    ``[economic_filter]`` table), the number of trials and the seed."""

    simulation: Path
    parameters: Path | None = None
    n_trials: int | None = None
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.n_trials is not None and self.n_trials < 1:
            msg = f"n_trials must be >= 1, got {self.n_trials}"
            raise RunConfigError(msg)
        if self.seed is not None and self.seed < 0:
            msg = f"seed must be >= 0, got {self.seed}"
            raise RunConfigError(msg)


@dataclass(frozen=True)
class FilterSpec:
    """An ``assess filter`` run file: simulated deposits and RAEF parameters."""

    simulation: Path
    economic: EconomicFilterSpec
    n_trials: int | None = None
    seed: int | None = None
    source: Path | None = None
    parameters_file: Path | None = None


_FILTER = {
    "filter": TableSchema(FilterInfo, required=True, paths=("simulation", "parameters")),
    "economic_filter": TableSchema(EconomicFilterSpec, optional=True),
}


def load_filter_spec(path: str | Path) -> FilterSpec:
    """Read an economic-filter run file."""
    path = Path(path)
    parts, _ = load_run_file(path, _FILTER, named=False)
    info: FilterInfo = parts["filter"]
    table: EconomicFilterSpec | None = parts["economic_filter"]
    if info.parameters is not None and table is not None:
        msg = f"{path}: give RAEF parameters as a file or an [economic_filter] table, not both"
        raise RunConfigError(msg)
    if info.parameters is not None:
        economic = read_raef_parameters(info.parameters)
    elif table is not None:
        economic = table
    else:
        msg = (
            f'{path} [filter]: give RAEF parameters (parameters = "file.csv", or an '
            "[economic_filter] table)"
        )
        raise RunConfigError(msg)
    return FilterSpec(info.simulation, economic, info.n_trials, info.seed, path, info.parameters)


def _read_deposits(spec: FilterSpec) -> tuple[pd.DataFrame, int]:
    table = read_table(spec.simulation)
    if "Simulation.Index" in table.columns or "Simulation Index" in table.columns:
        deposits, n_trials = read_mapmark4_simulation(spec.simulation)
        if spec.n_trials is not None and spec.n_trials != n_trials:
            msg = (
                f"{spec.source} [filter]: n_trials = {spec.n_trials}, but the MapMark4 "
                f"simulation {spec.simulation} holds {n_trials} trials; remove n_trials"
            )
            raise RunConfigError(msg)
        return deposits, n_trials
    missing = [c for c in ("trial", "ore_t") if c not in table.columns]
    if missing:
        msg = (
            f"{spec.simulation}: not a simulated-deposit table (no {', '.join(missing)} column); "
            "give deposits.parquet from `bornite assess run` or a MapMark4 *_SIM_EF.csv"
        )
        raise RunConfigError(msg)
    n_trials = spec.n_trials or int(table["trial"].max())
    return table, n_trials


def _filter(spec: FilterSpec, folder: Path, seed: int) -> RunRecord:
    deposits, n_trials = _read_deposits(spec)
    filtered = economic_filter(deposits, spec.economic, seed=seed)
    summary = summarize_economic(filtered, n_trials)
    fraction = float(filtered["economic"].mean()) if len(filtered) else 0.0
    headline = [
        Headline("n_deposits", "simulated deposits", len(filtered), "count"),
        Headline("fraction_economic", "economic deposits: share", fraction, "fraction"),
    ]
    for metal in [q for q in summary.index if str(q).endswith("_economic_t")]:
        name = str(metal).removesuffix("_economic_t").capitalize()
        headline.append(
            Headline(
                f"{metal}_mean",
                f"{name} in economic deposits: mean",
                float(summary.loc[metal, "mean"]),
                "t",
                "RAEF filter",
            )
        )
    record = RunRecord(
        kind="filter",
        name=spec.simulation.stem,
        inputs=input_files(
            {
                "run_file": spec.source,
                "simulation": spec.simulation,
                "parameters": spec.parameters_file,
            }
        ),
        parameters={"economic_filter": spec.economic.to_dict(), "n_trials": n_trials},
        seed=seed,
        headline=tuple(headline),
        tables={
            "totals": RecordTable.from_frame(
                "contained versus economic (per trial)",
                summary[["q50", "mean", "p0", "fraction"]].reset_index(),
                basis="simulated",
            )
        },
        results={
            "n_trials": n_trials,
            "n_deposits": len(filtered),
            "fraction_economic": fraction,
            "totals": {
                q: {
                    k: float(summary.loc[q, k])
                    for k in (*_TOTALS_KEYS, "fraction")
                    if k in summary.columns
                }
                for q in summary.index
            },
            "parameters": spec.economic.to_dict(),
        },
    )
    write_json(record.results, folder / "summary.json")
    write_table(filtered, folder / "economic_deposits.csv")
    write_table(economic_totals(filtered, n_trials), folder / "economic_totals.csv")
    write_table(summary.reset_index(), folder / "economic_summary.csv")
    return record


def run_filter_to_dir(
    run_file: str | Path, out: str | Path, *, seed: int | None = None, overwrite: bool = False
) -> RunRecord:
    """``bornite assess filter``: ``summary.json``, ``economic_deposits.csv``,
    ``economic_totals.csv`` and ``economic_summary.csv`` in ``out``."""
    spec = load_filter_spec(run_file)
    chosen = seed if seed is not None else (spec.seed if spec.seed is not None else 0)
    return run_to_dir(out, lambda folder: _filter(spec, folder, chosen), overwrite=overwrite)
