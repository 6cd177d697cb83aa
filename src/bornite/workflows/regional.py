"""Several tracts together (rank-correlated aggregation), the economic filter, and the demo."""

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
    check_output_dir,
    read_correlation_matrix,
    read_mapmark4_simulation,
    read_raef_parameters,
    read_table,
    write_json,
    write_table,
)
from bornite.report import Report, Section, totals_section, write_report
from bornite.workflows._spec import (
    check_type,
    dataclass_from_table,
    load_toml,
    resolve_path,
    take,
)
from bornite.workflows.assessment import (
    load_tract_spec,
    provenance,
    run_tract,
)
from bornite.workflows.runs import tract_section

__all__ = [
    "AggregationSpec",
    "FilterSpec",
    "aggregate_results",
    "load_aggregation_spec",
    "load_filter_spec",
    "run_aggregation_to_dir",
    "run_filter_to_dir",
    "summary_json",
]

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
_SUMMARY_KEYS = ("q05", "q10", "q25", "q50", "q75", "q90", "q95", "mean", "sd", "p0", "p_gt_mean")


# ------------------------------------------------------------------------------ aggregation
@dataclass(frozen=True)
class AggregatedTract:
    """One tract of an aggregation: a run file to run, or per-trial totals of an earlier run."""

    name: str
    run_file: Path | None = None
    totals: Path | None = None

    def __post_init__(self) -> None:
        if (self.run_file is None) == (self.totals is None):
            msg = f"tract {self.name!r}: give exactly one of run_file or totals"
            raise RunConfigError(msg)


@dataclass(frozen=True)
class AggregationSpec:
    """An ``assess aggregate`` run file (see ``docs/assessment-runs.md``)."""

    name: str
    tracts: tuple[AggregatedTract, ...]
    correlation: np.ndarray = field(compare=False)
    by: str = "n_deposits"
    seed: int | None = None
    illustrative: bool = False
    source: Path | None = None


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


def load_aggregation_spec(path: str | Path) -> AggregationSpec:
    """Read an aggregation run file."""
    path = Path(path)
    data = take(load_toml(path), {"aggregate", "tracts"}, str(path), {"aggregate", "tracts"})
    top = take(
        data["aggregate"],
        {"name", "correlation", "by", "seed", "illustrative"},
        f"{path} [aggregate]",
        {"name", "correlation"},
    )
    for key, kind in (("name", str), ("by", str), ("seed", int), ("illustrative", bool)):
        check_type(top.get(key), kind, f"{path} [aggregate]", key)
    tracts = []
    for k, item in enumerate(data["tracts"], start=1):
        where = f"{path} [[tracts]] {k}"
        entry = take(item, {"name", "run_file", "totals"}, where, {"name"})
        for key in ("name", "run_file", "totals"):
            check_type(entry.get(key), str, where, key)
        for key in ("run_file", "totals"):
            if entry.get(key) is not None:
                entry[key] = resolve_path(entry[key], path.parent)
        tracts.append(dataclass_from_table(AggregatedTract, entry, where))
    names = [t.name for t in tracts]
    if len(set(names)) != len(names):
        msg = f"{path}: tract names must be unique, got {', '.join(names)}"
        raise RunConfigError(msg)
    if len(tracts) < 2:
        msg = f"{path}: aggregation needs at least two [[tracts]], got {len(tracts)}"
        raise RunConfigError(msg)
    return AggregationSpec(
        name=str(top["name"]),
        tracts=tuple(tracts),
        correlation=_correlation(
            top["correlation"], [t.name for t in tracts], path.parent, f"{path} [aggregate]"
        ),
        by=str(top.get("by", "n_deposits")),
        seed=top.get("seed"),
        illustrative=bool(top.get("illustrative", False)),
        source=path,
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
    return {q: {k: float(summary.loc[q, k]) for k in _SUMMARY_KEYS} for q in summary.index}


def run_aggregation_to_dir(
    run_file: Path, out: Path, *, seed: int | None = None, overwrite: bool = False
) -> tuple[dict[str, Any], list[Path]]:
    """``bornite assess aggregate``."""
    spec = load_aggregation_spec(run_file)
    folder = check_output_dir(
        out, ["summary.json", "totals.csv", "report.html"], overwrite=overwrite
    )
    seed = seed if seed is not None else (spec.seed if spec.seed is not None else 0)
    totals: dict[str, pd.DataFrame] = {}
    sections: list[Section] = []
    for tract in spec.tracts:
        if tract.run_file is not None:
            result = run_tract(load_tract_spec(tract.run_file))
            totals[tract.name] = result.simulation.totals
            sections.append(tract_section(result))
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
    record = {
        "name": spec.name,
        **summary_json(summary),
        "expected_deposits": float(combined["n_deposits"].mean()),
        "tracts": [t.name for t in spec.tracts],
        "correlation": spec.correlation.tolist(),
        "by": spec.by,
        "rank_correlation": combined.attrs["rank_correlation"].to_dict(orient="records"),
        "provenance": provenance({"run_file": run_file}, {"by": spec.by}, seed),
    }
    paths = [
        write_json(record, folder / "summary.json"),
        write_table(combined, folder / "totals.csv"),
        write_table(summary.reset_index(), folder / "summary.csv"),
        write_table(combined.attrs["rank_correlation"], folder / "rank_correlation.csv"),
    ]
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
        provenance=record["provenance"],
    )
    paths.append(write_report(report, folder / "report.html", overwrite=True))
    return record, paths


# --------------------------------------------------------------------------- economic filter
@dataclass(frozen=True)
class FilterSpec:
    """An ``assess filter`` run file: simulated deposits and RAEF parameters."""

    simulation: Path
    economic: EconomicFilterSpec
    n_trials: int | None = None
    seed: int | None = None
    source: Path | None = None


def load_filter_spec(path: str | Path) -> FilterSpec:
    """Read an economic-filter run file."""
    path = Path(path)
    data = take(load_toml(path), {"filter", "economic_filter"}, str(path), {"filter"})
    top = take(
        data["filter"],
        {"simulation", "parameters", "n_trials", "seed"},
        f"{path} [filter]",
        {"simulation"},
    )
    for key, kind in (("simulation", str), ("parameters", str), ("n_trials", int), ("seed", int)):
        check_type(top.get(key), kind, f"{path} [filter]", key)
    if top.get("n_trials") is not None and top["n_trials"] < 1:
        msg = f"{path} [filter]: n_trials must be >= 1, got {top['n_trials']}"
        raise RunConfigError(msg)
    if "parameters" in top:
        if "economic_filter" in data:
            msg = f"{path}: give RAEF parameters as a file or an [economic_filter] table, not both"
            raise RunConfigError(msg)
        economic = read_raef_parameters(resolve_path(top["parameters"], path.parent))
    elif "economic_filter" in data:
        economic = dataclass_from_table(
            EconomicFilterSpec, data["economic_filter"], f"{path} [economic_filter]"
        )
    else:
        msg = f"{path}: give RAEF parameters (parameters = 'file.csv' or [economic_filter])"
        raise RunConfigError(msg)
    return FilterSpec(
        resolve_path(top["simulation"], path.parent),
        economic,
        top.get("n_trials"),
        top.get("seed"),
        path,
    )


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


def run_filter_to_dir(
    run_file: Path, out: Path, *, seed: int | None = None, overwrite: bool = False
) -> tuple[dict[str, Any], list[Path]]:
    """``bornite assess filter``."""
    spec = load_filter_spec(run_file)
    folder = check_output_dir(out, ["summary.json", "economic_deposits.csv"], overwrite=overwrite)
    seed = seed if seed is not None else (spec.seed if spec.seed is not None else 0)
    deposits, n_trials = _read_deposits(spec)
    filtered = economic_filter(deposits, spec.economic, seed=seed)
    summary = summarize_economic(filtered, n_trials)
    record = {
        "n_trials": n_trials,
        "n_deposits": len(filtered),
        "fraction_economic": float(filtered["economic"].mean()) if len(filtered) else 0.0,
        "totals": {
            q: {
                k: float(summary.loc[q, k])
                for k in (*_SUMMARY_KEYS, "fraction")
                if k in summary.columns
            }
            for q in summary.index
        },
        "parameters": spec.economic.to_dict(),
        "provenance": provenance({"run_file": run_file, "simulation": spec.simulation}, {}, seed),
    }
    paths = [
        write_json(record, folder / "summary.json"),
        write_table(filtered, folder / "economic_deposits.csv"),
        write_table(economic_totals(filtered, n_trials), folder / "economic_totals.csv"),
        write_table(summary.reset_index(), folder / "economic_summary.csv"),
    ]
    return record, paths


# ------------------------------------------------------------------------------------- demo
