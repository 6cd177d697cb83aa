"""``bornite assess run`` and ``assess pmf``: one tract of the USGS three-part method.

A tract run file (keys in ``docs/assessment-runs.md``) is parsed into a :class:`TractSpec`;
:func:`run_tract` fits the grade-tonnage model and the deposit-count pmf, simulates the
totals and applies the economic filter in memory; :func:`write_tract` writes its tables,
figures and report into a folder and returns its :class:`~bornite.workflows.RunRecord`;
:func:`run_tract_to_dir` does both into an output folder. This module holds no science of
its own.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bornite.assessment import (
    DepositCountPmf,
    DepositDensityModel,
    EconomicFilterSpec,
    GradeTonnageModel,
    Mark3Pmf,
    NegBinomialPmf,
    PoissonPmf,
    SimulationResult,
    SingerMenziePmf,
    counts_elicitation,
    custom_pmf,
    economic_filter,
    simulate,
    summarize_economic,
)
from bornite.datasets import porphyry_grade_tonnage
from bornite.errors import RunConfigError
from bornite.io import read_elicitation, read_grade_tonnage, write_json, write_table
from bornite.report import assessment_section, tract_figures
from bornite.workflows._run import (
    Headline,
    RecordTable,
    RunRecord,
    TableSchema,
    input_files,
    load_run_file,
    plain,
    run_to_dir,
    write_figures,
    write_run_report,
)

__all__ = [
    "PMF_METHODS",
    "DepositCountSpec",
    "GradeTonnageSpec",
    "SimulationSpec",
    "TractInfo",
    "TractResult",
    "TractSpec",
    "fit_pmf",
    "load_tract_spec",
    "run_pmf",
    "run_tract",
    "run_tract_to_dir",
    "summary_headline",
    "tract_record",
    "write_tract",
]

logger = logging.getLogger(__name__)

#: Estimators of the number of deposits, by the name used in run files and on the CLI.
PMF_METHODS: dict[str, Callable[[], Any]] = {
    "negbinomial": NegBinomialPmf,
    "mark3": Mark3Pmf,
    # Without N05/N01 the tail beyond N10 is put on N10 (the Mark3 rule with three thresholds).
    "singer-menzie": lambda: SingerMenziePmf(missing_tail="repeat"),
    "poisson": PoissonPmf,
}


def fit_pmf(method: str, elicitation: pd.DataFrame) -> DepositCountPmf:
    """Fit the pmf of ``method`` (a key of :data:`PMF_METHODS`) to an elicitation table."""
    try:
        estimator = PMF_METHODS[method]()
    except KeyError:
        msg = f"unknown pmf method {method!r}; use one of {', '.join(PMF_METHODS)}"
        raise RunConfigError(msg) from None
    pmf: DepositCountPmf = estimator.fit(elicitation).pmf_
    return pmf


@dataclass(frozen=True)
class GradeTonnageSpec:
    """Where the deposit table comes from and how to model it (``[grade_tonnage]``)."""

    path: Path | None = None
    synthetic: str | None = None
    synthetic_seed: int = 0
    layout: str = "auto"
    deposit_type: str | None = None
    metals: tuple[str, ...] | None = None
    tonnage_pdf: str = "normal"
    grade_pdf: str = "normal"
    joint: bool = False
    truncate: bool = False
    empirical: bool = False
    min_deposits: int = 20

    def __post_init__(self) -> None:
        if (self.path is None) == (self.synthetic is None):
            msg = "give exactly one of path (a deposit table) or synthetic = 'porphyry'"
            raise RunConfigError(msg)
        if self.synthetic not in (None, "porphyry"):
            msg = f"synthetic must be 'porphyry', got {self.synthetic!r}"
            raise RunConfigError(msg)
        if self.metals is not None:
            object.__setattr__(self, "metals", tuple(self.metals))
        if self.synthetic_seed < 0 or self.min_deposits < 1:
            msg = "synthetic_seed must be >= 0 and min_deposits >= 1"
            raise RunConfigError(msg)

    def load(self) -> pd.DataFrame:
        """The deposit table."""
        if self.synthetic == "porphyry":
            return porphyry_grade_tonnage(seed=self.synthetic_seed)
        assert self.path is not None
        return read_grade_tonnage(self.path, layout=self.layout, deposit_type=self.deposit_type)

    def model(self) -> GradeTonnageModel:
        """The unfitted model."""
        return GradeTonnageModel(
            tonnage_pdf=self.tonnage_pdf,  # type: ignore[arg-type]
            grade_pdf=self.grade_pdf,  # type: ignore[arg-type]
            joint=self.joint,
            truncate=self.truncate,
            empirical=self.empirical,
            metals=self.metals,
            min_deposits=self.min_deposits,
        )


@dataclass(frozen=True)
class DepositCountSpec:
    """How the number of undiscovered deposits is estimated (``[deposit_count]``).

    ``method`` is one of :data:`PMF_METHODS`, ``"custom"`` (``n_deposits`` and
    ``probabilities``) or ``"deposit-density"`` (``area_km2``; the counts from the porphyry
    copper deposit-density model are fitted with ``density_pmf``).
    """

    method: str = "negbinomial"
    elicitation: Path | None = None
    counts: tuple[int, ...] | None = None
    mean: float | None = None
    n_deposits: tuple[int, ...] | None = None
    probabilities: tuple[float, ...] | None = None
    area_km2: float | None = None
    n_known: int = 0
    density_pmf: str = "negbinomial"

    def __post_init__(self) -> None:
        for key in ("counts", "n_deposits", "probabilities"):
            if getattr(self, key) is not None:
                object.__setattr__(self, key, tuple(getattr(self, key)))
        if self.n_known < 0:
            msg = f"n_known (known deposits in the tract) must be >= 0, got {self.n_known}"
            raise RunConfigError(msg)
        known = {*PMF_METHODS, "custom", "deposit-density"}
        if self.method not in known:
            msg = f"method {self.method!r} is unknown; use one of {', '.join(sorted(known))}"
            raise RunConfigError(msg)
        if self.method == "custom" and (self.n_deposits is None or self.probabilities is None):
            msg = "method 'custom' needs n_deposits and probabilities"
            raise RunConfigError(msg)
        if self.method == "custom":
            assert self.n_deposits is not None
            assert self.probabilities is not None
            custom_pmf(self.n_deposits, self.probabilities)  # refuses bad numbers now
        if self.probabilities is not None:
            total = float(sum(self.probabilities))
            if not abs(total - 1.0) <= 1e-6:
                msg = (
                    f"probabilities sum to {total:.6g}, not 1; give the probability of each "
                    "number of deposits in n_deposits (they must add up to 1)"
                )
                raise RunConfigError(msg)
        if self.method == "deposit-density" and self.area_km2 is None:
            msg = "method 'deposit-density' needs area_km2 (the tract area)"
            raise RunConfigError(msg)
        if self.method == "poisson" and self.mean is not None:
            return
        if self.method in PMF_METHODS and (self.elicitation is None) == (self.counts is None):
            msg = (
                f"method {self.method!r} needs exactly one of elicitation (a CSV of "
                "Name, Weight, N90, N50, N10) or counts = [N90, N50, N10]"
            )
            raise RunConfigError(msg)

    def fit(self) -> DepositCountPmf:
        """Build the pmf."""
        if self.method == "custom":
            assert self.n_deposits is not None
            assert self.probabilities is not None
            return custom_pmf(self.n_deposits, self.probabilities)
        if self.method == "deposit-density":
            assert self.area_km2 is not None
            table = DepositDensityModel.porphyry_copper().elicitation(
                self.area_km2, n_known=self.n_known
            )
            return dataclasses.replace(
                fit_pmf(self.density_pmf, table),
                description=f"deposit density, porphyry Cu, {self.area_km2:g} km2",
            )
        if self.method == "poisson" and self.mean is not None:
            return PoissonPmf(mean=self.mean).fit().pmf_
        if self.elicitation is not None:
            table = read_elicitation(self.elicitation)
        else:
            assert self.counts is not None
            table = counts_elicitation(list(self.counts))
        return fit_pmf(self.method, table)


@dataclass(frozen=True)
class TractInfo:
    """``[tract]``: the tract's name, a description, whether it is illustrative, and the
    belt and region it lies in (which the inventory's McKelvey boxes group it by)."""

    name: str
    description: str = ""
    illustrative: bool = False
    belt: str = ""
    region: str = ""

    def links(self) -> dict[str, str]:
        """The record's links: the belt and region that are given."""
        return {k: v for k, v in (("belt", self.belt), ("region", self.region)) if v}


@dataclass(frozen=True)
class SimulationSpec:
    """``[simulation]``: Monte Carlo trials, the seed and whether to keep every deposit."""

    trials: int = 20_000
    seed: int | None = None
    keep_deposits: bool = True

    def __post_init__(self) -> None:
        if self.trials < 1:
            msg = f"trials must be >= 1, got {self.trials}"
            raise RunConfigError(msg)
        if self.seed is not None and self.seed < 0:
            msg = f"seed must be >= 0, got {self.seed}"
            raise RunConfigError(msg)


@dataclass(frozen=True)
class TractSpec:
    """One permissive tract: deposits model, count estimate, simulation settings."""

    tract: TractInfo
    grade_tonnage: GradeTonnageSpec
    deposit_count: DepositCountSpec
    simulation: SimulationSpec = field(default_factory=SimulationSpec)
    economic: EconomicFilterSpec | None = None
    source: Path | None = None

    @property
    def name(self) -> str:
        """The tract's name."""
        return self.tract.name

    def input_paths(self) -> dict[str, Path | None]:
        """The files the run reads, by role."""
        return {
            "run_file": self.source,
            "deposits": self.grade_tonnage.path,
            "elicitation": self.deposit_count.elicitation,
        }


_TABLES = {
    "tract": TableSchema(TractInfo, required=True),
    "grade_tonnage": TableSchema(GradeTonnageSpec, required=True, paths=("path",)),
    "deposit_count": TableSchema(DepositCountSpec, required=True, paths=("elicitation",)),
    "simulation": TableSchema(SimulationSpec),
    "economic_filter": TableSchema(EconomicFilterSpec, optional=True),
}


def load_tract_spec(path: str | Path) -> TractSpec:
    """Read a tract run file (TOML); see ``docs/assessment-runs.md`` for its keys."""
    path = Path(path)
    parts, _ = load_run_file(path, _TABLES, named=False)
    return TractSpec(
        tract=parts["tract"],
        grade_tonnage=parts["grade_tonnage"],
        deposit_count=parts["deposit_count"],
        simulation=parts["simulation"],
        economic=parts["economic_filter"],
        source=path,
    )


@dataclass(frozen=True, eq=False)
class TractResult:
    """Everything a tract run produced."""

    spec: TractSpec
    deposits: pd.DataFrame
    model: GradeTonnageModel
    pmf: DepositCountPmf
    simulation: SimulationResult
    economic: pd.DataFrame | None = None
    economic_summary: pd.DataFrame | None = None
    seed: int = 0


def run_tract(
    spec: TractSpec,
    *,
    trials: int | None = None,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> TractResult:
    """Run one tract: fit the models, simulate the totals, apply the economic filter."""
    trials = trials or spec.simulation.trials
    seed = seed if seed is not None else spec.simulation.seed
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % 2**32)  # type: ignore[operator]
        logger.info("tract %s: no seed given; using seed %d", spec.name, seed)
    deposits = spec.grade_tonnage.load()
    model = spec.grade_tonnage.model().fit(deposits)
    pmf = spec.deposit_count.fit()
    keep = spec.simulation.keep_deposits or spec.economic is not None
    result = simulate(pmf, model, trials, seed=seed, keep_deposits=keep, progress=progress)
    economic = economic_summary = None
    if spec.economic is not None and result.deposits is not None:
        economic = economic_filter(result.deposits, spec.economic, seed=seed + 1)
        economic_summary = summarize_economic(economic, trials)
    return TractResult(spec, deposits, model, pmf, result, economic, economic_summary, seed)


# ------------------------------------------------------------------------------- records
#: The statistics of a totals summary kept in records, and those the CLI shows.
SUMMARY_KEYS = (
    "q05",
    "q10",
    "q25",
    "q50",
    "q75",
    "q90",
    "q95",
    "mean",
    "sd",
    "p0",
    "p_gt_mean",
    "analytic_mean",
    "analytic_sd",
)
_SHOWN = ("q10", "q50", "q90", "mean", "analytic_mean", "p0")


def summary_headline(
    summary: pd.DataFrame, expected_deposits: float, *, prefix: str = ""
) -> tuple[Headline, ...]:
    """Headline figures of simulated totals: the expected number of deposits and, for copper
    (else the first metal), the 90 % level, median and mean (simulated) beside the analytic
    mean, and the probability of none."""
    quantities = [str(q) for q in summary.index]
    metal = (
        "cu_t"
        if "cu_t" in quantities
        else next((q for q in quantities if q.endswith("_t") and q != "ore_t"), "ore_t")
    )
    label = "ore" if metal == "ore_t" else metal.removesuffix("_t").capitalize()
    row = summary.loc[metal].to_dict()
    figures = [
        Headline(
            f"{prefix}expected_deposits", "expected undiscovered deposits", float(expected_deposits)
        ),
        Headline(
            f"{prefix}{metal}_q10",
            f"{label}: 90 % chance of at least (q10)",
            float(row["q10"]),
            "t",
            "simulated",
        ),
        Headline(f"{prefix}{metal}_q50", f"{label}: median", float(row["q50"]), "t", "simulated"),
        Headline(f"{prefix}{metal}_mean", f"{label}: mean", float(row["mean"]), "t", "simulated"),
    ]
    if "analytic_mean" in summary.columns and np.isfinite(row["analytic_mean"]):
        figures.append(
            Headline(
                f"{prefix}{metal}_analytic_mean",
                f"{label}: mean",
                float(row["analytic_mean"]),
                "t",
                "analytic",
            )
        )
    figures.append(
        Headline(f"{prefix}{metal}_p0", f"{label}: P(none)", float(row["p0"]), "probability")
    )
    return tuple(figures)


def _totals_table(summary: pd.DataFrame, title: str) -> RecordTable:
    shown = [c for c in _SHOWN if c in summary.columns]
    table = summary[shown].rename(columns={"analytic_mean": "exact mean"}).reset_index()
    return RecordTable.from_frame(title, table, basis="simulated")


def _results(result: TractResult) -> dict[str, Any]:
    """What ``summary.json`` holds: per quantity its quantiles, mean, P(0), P(>mean) and the
    analytic mean and sd, plus the tract, the pmf and the model."""
    table = result.simulation.summary()
    out: dict[str, Any] = {
        quantity: {k: float(table.loc[quantity, k]) for k in SUMMARY_KEYS}
        for quantity in table.index
    }
    out["tract"] = plain(result.spec.tract)
    out["n_trials"] = len(result.simulation.totals)
    out["pmf"] = result.pmf.to_dict()
    out["grade_tonnage_model"] = {
        "description": result.model.describe(),
        "metals": result.model.metals_,
        "n_deposits": result.model.n_deposits_,
    }
    if result.economic_summary is not None:
        out["economic"] = result.economic_summary.to_dict(orient="index")
    return out


def tract_record(result: TractResult, *, within: Path | None = None) -> RunRecord:
    """The :class:`~bornite.workflows.RunRecord` of a tract run (without output files)."""
    spec = result.spec
    summary = result.simulation.summary()
    headline = list(summary_headline(summary, result.pmf.mean))
    tables = {"totals": _totals_table(summary, f"{spec.name}: undiscovered totals")}
    if result.economic_summary is not None:
        economic = result.economic_summary
        for metal in [q for q in economic.index if str(q).endswith("_economic_t")]:
            row = economic.loc[metal].to_dict()
            name = str(metal).removesuffix("_economic_t").capitalize()
            headline.append(
                Headline(
                    f"{metal}_mean",
                    f"{name} in economic deposits: mean",
                    float(row["mean"]),
                    "t",
                    "RAEF filter",
                )
            )
            headline.append(
                Headline(
                    f"{metal}_fraction",
                    f"{name} in economic deposits: share of contained",
                    float(row["fraction"]),
                    "fraction",
                )
            )
        tables["economic"] = RecordTable.from_frame(
            "contained versus economic (RAEF)",
            economic[[c for c in ("q50", "mean", "p0", "fraction") if c in economic]].reset_index(),
        )
    return RunRecord(
        kind="tract",
        name=spec.name,
        inputs=input_files(spec.input_paths(), within=within),
        parameters={
            "grade_tonnage": plain(spec.grade_tonnage),
            "deposit_count": plain(spec.deposit_count),
            "simulation": {**plain(spec.simulation), "trials": len(result.simulation.totals)},
            **({"economic_filter": spec.economic.to_dict()} if spec.economic else {}),
        },
        seed=result.seed,
        illustrative=spec.tract.illustrative,
        headline=tuple(headline),
        tables=tables,
        results=_results(result),
        links=spec.tract.links(),
    )


def tract_section(result: TractResult, figures: dict[str, Any] | None = None) -> Any:
    """The report section of a tract run."""
    return assessment_section(
        result.spec.name,
        result.pmf,
        result.model,
        result.simulation,
        illustrative=result.spec.tract.illustrative,
        economic=result.economic_summary,
        figures=figures,
    )


def write_tract(
    result: TractResult, folder: Path, *, report: bool = True, within: Path | None = None
) -> tuple[RunRecord, Any]:
    """Write the tables, figures and (with ``report``) the report of a tract run into
    ``folder``; return its record and its report section.

    Files: ``summary.json`` (the record's results), ``summary.csv``, ``totals.csv`` and
    ``.parquet`` (per trial), ``pmf.csv``, ``grade_tonnage_diagnostics.csv``,
    ``deposits.parquet`` (every simulated deposit, when kept), ``economic_*`` (with an
    economic filter), ``figures/`` and ``report.html``.
    """
    record = tract_record(result, within=within)
    simulation = result.simulation
    write_json(record.results, folder / "summary.json")
    write_table(simulation.summary().reset_index(), folder / "summary.csv")
    write_table(simulation.totals, folder / "totals.csv")
    write_table(simulation.totals, folder / "totals.parquet")
    write_table(result.pmf.to_frame(), folder / "pmf.csv")
    write_table(result.model.diagnostics(), folder / "grade_tonnage_diagnostics.csv")
    if simulation.deposits is not None and result.spec.simulation.keep_deposits:
        write_table(simulation.deposits, folder / "deposits.parquet")
    if result.economic is not None and result.economic_summary is not None:
        write_table(result.economic, folder / "economic_deposits.parquet")
        write_table(result.economic_summary.reset_index(), folder / "economic_summary.csv")
    figures = tract_figures(result.pmf, result.model, simulation)
    write_figures(figures, folder / "figures")
    section = tract_section(result, figures)
    if report:
        write_run_report(
            folder,
            record,
            [section],
            title=f"Undiscovered copper: {result.spec.name}",
            subtitle="USGS three-part assessment with bornite",
        )
    return record, section


def run_tract_to_dir(
    run_file: str | Path,
    out: str | Path,
    *,
    trials: int | None = None,
    seed: int | None = None,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> RunRecord:
    """``bornite assess run``: one tract, every output in ``out`` (see :func:`write_tract`)."""
    spec = load_tract_spec(run_file)

    def write(folder: Path) -> RunRecord:
        result = run_tract(spec, trials=trials, seed=seed, progress=progress)
        return write_tract(result, folder)[0]

    return run_to_dir(out, write, overwrite=overwrite)


def run_pmf(
    method: str, elicitation: str | Path | None = None, counts: Sequence[int] | None = None
) -> RunRecord:
    """``bornite assess pmf``: the pmf of the number of undiscovered deposits, fitted by
    ``method`` to an elicitation file or to one estimate ``counts = [N90, N50, N10, ...]``."""
    if elicitation is not None:
        table = read_elicitation(elicitation)
    else:
        table = counts_elicitation(list(counts or []))
    pmf = fit_pmf(method, table)
    frame = pmf.to_frame()
    return RunRecord(
        kind="pmf",
        name=pmf.method,
        inputs=input_files({"elicitation": elicitation}),
        parameters={"method": method, **({"counts": list(counts)} if counts else {})},
        headline=(
            Headline("mean", "expected number of deposits", pmf.mean),
            Headline("variance", "variance", pmf.variance),
            Headline("mode", "mode", int(pmf.mode), "count"),
            Headline("entropy", "entropy (nats)", pmf.entropy),
            Headline("support", "support", f"{pmf.support_min}..{pmf.support_max} deposits"),
        ),
        tables={
            "pmf": RecordTable.from_frame(
                f"{pmf.method} pmf",
                frame[["n_deposits", "probability", "exceedance"]].rename(
                    columns={"probability": "P(N = n)", "exceedance": "P(N >= n)"}
                ),
                shown=60,
            )
        },
        results=pmf.to_dict(),
    )
