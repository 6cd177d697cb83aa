"""Run files for undiscovered-resource assessments: one tract, several tracts, the filter.

This module turns TOML run files (documented in ``docs/assessment-runs.md``) into validated
specifications, runs the domain functions of :mod:`bornite.assessment`, and writes the outputs
with their provenance. It holds no science of its own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import platform
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bornite._version import __version__
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
from bornite.workflows._spec import (
    check_type,
    dataclass_from_table,
    load_toml,
    resolve_path,
    take,
)

__all__ = [
    "PMF_METHODS",
    "DepositCountSpec",
    "GradeTonnageSpec",
    "TractResult",
    "TractSpec",
    "fit_pmf",
    "load_tract_spec",
    "provenance",
    "run_tract",
    "summary_dict",
    "tract_output_names",
    "write_tract_outputs",
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
        known = {*PMF_METHODS, "custom", "deposit-density"}
        if self.method not in known:
            msg = f"method {self.method!r} is unknown; use one of {', '.join(sorted(known))}"
            raise RunConfigError(msg)
        if self.method == "custom" and (self.n_deposits is None or self.probabilities is None):
            msg = "method 'custom' needs n_deposits and probabilities"
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
class TractSpec:
    """One permissive tract: deposits model, count estimate, simulation settings."""

    name: str
    grade_tonnage: GradeTonnageSpec
    deposit_count: DepositCountSpec
    description: str = ""
    illustrative: bool = False
    trials: int = 20_000
    seed: int | None = None
    keep_deposits: bool = True
    economic: EconomicFilterSpec | None = None
    source: Path | None = field(default=None, compare=False)


def _paths(table: dict[str, Any], keys: tuple[str, ...], base: Path) -> dict[str, Any]:
    for key in keys:
        if table.get(key) is not None:
            table[key] = resolve_path(table[key], base)
    return table


def tract_spec_from_dict(data: Mapping[str, Any], *, base: Path, where: str) -> TractSpec:
    """Build a :class:`TractSpec` from a parsed run file (paths relative to ``base``)."""
    top = take(
        data,
        {"tract", "grade_tonnage", "deposit_count", "simulation", "economic_filter"},
        where,
        required={"tract", "grade_tonnage", "deposit_count"},
    )
    tract = take(
        top["tract"], {"name", "description", "illustrative"}, f"{where} [tract]", required={"name"}
    )
    gt_table = _paths(dict(top["grade_tonnage"]), ("path",), base)
    grade_tonnage = dataclass_from_table(GradeTonnageSpec, gt_table, f"{where} [grade_tonnage]")
    dc_table = _paths(dict(top["deposit_count"]), ("elicitation",), base)
    for key in ("counts", "n_deposits", "probabilities"):
        if key in dc_table:
            dc_table[key] = tuple(dc_table[key])
    deposit_count = dataclass_from_table(DepositCountSpec, dc_table, f"{where} [deposit_count]")
    simulation = take(
        top.get("simulation", {}), {"trials", "seed", "keep_deposits"}, f"{where} [simulation]"
    )
    checks: list[tuple[dict[str, Any], str, type, str]] = [
        (simulation, "trials", int, "[simulation]"),
        (simulation, "seed", int, "[simulation]"),
        (simulation, "keep_deposits", bool, "[simulation]"),
        (tract, "name", str, "[tract]"),
        (tract, "description", str, "[tract]"),
        (tract, "illustrative", bool, "[tract]"),
    ]
    for table, key, kind, section in checks:
        check_type(table.get(key), kind, f"{where} {section}", key)
    if simulation.get("trials", 1) < 1 or simulation.get("seed", 0) < 0:
        msg = f"{where} [simulation]: trials must be >= 1 and seed >= 0"
        raise RunConfigError(msg)
    economic = None
    if "economic_filter" in top:
        economic = dataclass_from_table(
            EconomicFilterSpec, top["economic_filter"], f"{where} [economic_filter]"
        )
    try:
        return TractSpec(
            name=str(tract["name"]),
            description=str(tract.get("description", "")),
            illustrative=bool(tract.get("illustrative", False)),
            grade_tonnage=grade_tonnage,
            deposit_count=deposit_count,
            trials=int(simulation.get("trials", 20_000)),
            seed=simulation.get("seed"),
            keep_deposits=bool(simulation.get("keep_deposits", True)),
            economic=economic,
            source=base,
        )
    except (TypeError, ValueError) as error:
        msg = f"{where}: {error}"
        raise RunConfigError(msg) from error


def load_tract_spec(path: str | Path) -> TractSpec:
    """Read a tract run file (TOML); see ``docs/assessment-runs.md`` for its keys."""
    path = Path(path)
    return tract_spec_from_dict(load_toml(path), base=path.parent, where=str(path))


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
    trials = trials or spec.trials
    seed = seed if seed is not None else spec.seed
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % 2**32)  # type: ignore[operator]
        logger.info("tract %s: no seed given; using seed %d", spec.name, seed)
    deposits = spec.grade_tonnage.load()
    model = spec.grade_tonnage.model().fit(deposits)
    pmf = spec.deposit_count.fit()
    keep = spec.keep_deposits or spec.economic is not None
    result = simulate(pmf, model, trials, seed=seed, keep_deposits=keep, progress=progress)
    economic = economic_summary = None
    if spec.economic is not None and result.deposits is not None:
        economic = economic_filter(result.deposits, spec.economic, seed=seed + 1)
        economic_summary = summarize_economic(economic, trials)
    return TractResult(spec, deposits, model, pmf, result, economic, economic_summary, seed)


def provenance(
    inputs: Mapping[str, Any], parameters: Mapping[str, Any], seed: int | None
) -> dict[str, Any]:
    """The provenance record written beside every output."""
    return {
        "bornite_version": __version__,
        "python": platform.python_version(),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seed": seed,
        "inputs": {k: str(v) for k, v in inputs.items() if v is not None},
        "parameters": dict(parameters),
    }


def summary_dict(result: TractResult) -> dict[str, Any]:
    """``summary.json`` content: per quantity its quantiles, mean, P(0), P(>mean) and the
    analytic mean and sd, plus the tract, the pmf and the provenance."""
    table = result.simulation.summary()
    keys = [
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
    ]
    out: dict[str, Any] = {
        quantity: {k: float(table.loc[quantity, k]) for k in keys} for quantity in table.index
    }
    out["tract"] = {
        "name": result.spec.name,
        "description": result.spec.description,
        "illustrative": result.spec.illustrative,
    }
    out["n_trials"] = len(result.simulation.totals)
    out["pmf"] = result.pmf.to_dict()
    out["grade_tonnage_model"] = {
        "description": result.model.describe(),
        "metals": result.model.metals_,
        "n_deposits": result.model.n_deposits_,
    }
    if result.economic_summary is not None:
        out["economic"] = result.economic_summary.to_dict(orient="index")
    spec = result.spec
    out["provenance"] = provenance(
        {
            "run_file": spec.source,
            "deposits": spec.grade_tonnage.path or f"synthetic:{spec.grade_tonnage.synthetic}",
            "elicitation": spec.deposit_count.elicitation,
        },
        {"grade_tonnage": _plain(spec.grade_tonnage), "deposit_count": _plain(spec.deposit_count)},
        result.seed,
    )
    return out


def _plain(spec: Any) -> dict[str, Any]:
    return {
        k: (str(v) if isinstance(v, Path) else v)
        for k, v in dataclasses.asdict(spec).items()
        if v is not None
    }


def tract_output_names(keep_deposits: bool) -> list[str]:
    """Files that :func:`write_tract_outputs` writes."""
    names = [
        "summary.json",
        "summary.csv",
        "totals.csv",
        "totals.parquet",
        "pmf.csv",
        "grade_tonnage_diagnostics.csv",
    ]
    if keep_deposits:
        names.append("deposits.parquet")
    return names


def write_tract_outputs(result: TractResult, out: Path) -> dict[str, Path]:
    """Write the tables and ``summary.json`` of a tract run into ``out`` (which must exist)."""
    paths = {
        "summary.json": write_json(summary_dict(result), out / "summary.json"),
        "summary.csv": write_table(result.simulation.summary().reset_index(), out / "summary.csv"),
        "totals.csv": write_table(result.simulation.totals, out / "totals.csv"),
        "totals.parquet": write_table(result.simulation.totals, out / "totals.parquet"),
        "pmf.csv": write_table(result.pmf.to_frame(), out / "pmf.csv"),
        "grade_tonnage_diagnostics.csv": write_table(
            result.model.diagnostics(), out / "grade_tonnage_diagnostics.csv"
        ),
    }
    if result.simulation.deposits is not None and result.spec.keep_deposits:
        paths["deposits.parquet"] = write_table(
            result.simulation.deposits, out / "deposits.parquet"
        )
    if result.economic is not None and result.economic_summary is not None:
        paths["economic_deposits.parquet"] = write_table(
            result.economic, out / "economic_deposits.parquet"
        )
        paths["economic_summary.csv"] = write_table(
            result.economic_summary.reset_index(), out / "economic_summary.csv"
        )
    return paths
