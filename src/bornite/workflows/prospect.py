"""``bornite prospect run``: evidence layers and known deposits to a prospectivity map, its
spatial cross-validation, success-rate curve, ranked targets and a permissive tract.

The run file (keys in ``docs/prospectivity-runs.md``) is parsed into a :class:`ProspectSpec`;
:func:`run_prospect` computes in memory and :func:`run_prospect_to_dir` writes the GeoTIFF,
GeoPackage, tables, figures and report.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from bornite.datasets import synthetic_region
from bornite.errors import RunConfigError, ValidationError
from bornite.io import (
    points_to_cells,
    read_points,
    read_raster,
    write_json,
    write_raster,
    write_table,
    write_targets,
)
from bornite.prospectivity import (
    MODEL_METHODS,
    CrossValidationResult,
    PermissiveTract,
    ProspectivityModel,
    capture_table,
    categorical_layers,
    cross_validate,
    extract_targets,
    grid_of,
    out_of_fold_rate_curve,
    permissive_tract,
    permutation_importances,
    posterior_probability,
    predict_map,
    sample_presence_background,
    stack_layers,
    success_rate_curve,
    weights_of_evidence,
)
from bornite.report import Section, format_quantity
from bornite.report.prospect import importance_figure, prospectivity_figure, rate_curve_figure
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
    "DepositSource",
    "EvidenceSpec",
    "PermissiveSpec",
    "ProspectModelSpec",
    "ProspectResult",
    "ProspectSpec",
    "TargetSpec",
    "ValidationSpec",
    "load_prospect_spec",
    "prospect_figures",
    "prospect_record",
    "prospect_section",
    "run_prospect",
    "run_prospect_to_dir",
    "write_prospect",
]

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
_WEIGHT_TYPES = ("ascending", "descending", "categorical", "unique")


# ------------------------------------------------------------------------------- specs
@dataclass(frozen=True)
class EvidenceSpec:
    """``[evidence]``: GeoTIFF layers on one grid (``layers = { name = "file.tif" }``), or
    ``synthetic_seed`` for bornite's synthetic region (``synthetic_shape`` cells of
    ``synthetic_cell_size`` m, ``synthetic_deposits`` known points of which a share
    ``synthetic_deposit_fraction`` are deposits and the rest occurrences, geology lengths
    times ``synthetic_length_scale``)."""

    layers: dict[str, Any] | None = None
    categorical: tuple[str, ...] = ()
    synthetic_seed: int | None = None
    synthetic_shape: tuple[int, ...] = (160, 160)
    synthetic_cell_size: float = 500.0
    synthetic_deposits: int = 40
    synthetic_length_scale: float = 1.0
    synthetic_deposit_fraction: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "categorical", tuple(str(c) for c in self.categorical))
        if (self.layers is None) == (self.synthetic_seed is None):
            msg = 'give either layers = { name = "file.tif", ... } or synthetic_seed'
            raise ValidationError(msg)
        if self.layers is not None:
            if not self.layers:
                msg = "layers is empty; name at least one evidence raster"
                raise ValidationError(msg)
            for name, value in self.layers.items():
                if not isinstance(value, str | Path):
                    msg = f"layer {name!r} must be a file path, got {value!r}"
                    raise ValidationError(msg)
            unknown = sorted(set(self.categorical) - set(self.layers))
            if unknown:
                msg = f"categorical names layers that are not given: {', '.join(unknown)}"
                raise ValidationError(msg)
        shape = tuple(int(v) for v in self.synthetic_shape)
        if len(shape) != 2:
            msg = f"synthetic_shape needs two values (rows, columns), got {self.synthetic_shape}"
            raise ValidationError(msg)
        object.__setattr__(self, "synthetic_shape", shape)


@dataclass(frozen=True)
class DepositSource:
    """``[deposits]``: a point file in the rasters' CRS (not needed with a synthetic region).

    Every point trains the model. With ``deposit_column``, only points whose value there is
    true (``true``, ``1``, ``yes`` or ``deposit``) count as known deposits of the permissive
    tract (deposits of the grade-tonnage model's type, for a deposit-density estimate); the
    others are occurrences and prospects.
    """

    path: Path | None = None
    layer: str | None = None
    deposit_column: str | None = None


@dataclass(frozen=True)
class ProspectModelSpec:
    """``[model]``: ``method`` is ``wofe`` (weights of evidence, with ``weights = { layer =
    "ascending" | "descending" | "categorical" | "unique" }`` and ``unit_area_km2``) or a
    presence-background classifier: ``logistic``, ``random_forest``, ``gradient_boosting``,
    calibrated by ``sigmoid`` (default: it keeps the ranking of the scores, where isotonic
    steps tie many cells) or ``isotonic``."""

    method: str = "random_forest"
    background: int = 2000
    exclusion_radius: float = 0.0
    seed: int = 0
    n_estimators: int = 200
    max_depth: int | None = None
    min_samples_leaf: int = 3
    calibration: str | None = "sigmoid"
    weights: dict[str, Any] | None = None
    unit_area_km2: float = 1.0

    def __post_init__(self) -> None:
        if self.method not in ("wofe", *MODEL_METHODS):
            msg = f"method must be wofe or one of {', '.join(MODEL_METHODS)}, got {self.method!r}"
            raise ValidationError(msg)
        if self.method == "wofe":
            if not self.weights:
                msg = 'method = "wofe" needs weights = { layer = "ascending", ... }'
                raise ValidationError(msg)
            bad = {k: v for k, v in self.weights.items() if v not in _WEIGHT_TYPES}
            if bad:
                msg = f"weights types must be one of {', '.join(_WEIGHT_TYPES)}; got {bad}"
                raise ValidationError(msg)
        if self.background < 10:
            msg = f"background must be at least 10 cells, got {self.background}"
            raise ValidationError(msg)
        if not self.unit_area_km2 > 0:
            msg = f"unit_area_km2 must be > 0, got {self.unit_area_km2}"
            raise ValidationError(msg)


@dataclass(frozen=True)
class ValidationSpec:
    """``[validation]``: spatial-block cross-validation (``block_size`` m, default a fifth of
    the region; ``buffer`` m around each test block) and, for comparison, random k-fold."""

    folds: int = 5
    block_size: float | None = None
    buffer: float = 0.0
    random: bool = True

    def __post_init__(self) -> None:
        if self.folds < 2:
            msg = f"folds must be at least 2, got {self.folds}"
            raise ValidationError(msg)


@dataclass(frozen=True)
class TargetSpec:
    """``[targets]``: the most prospective ``top_fraction`` of the area (or cells at or above
    ``threshold``) as ranked connected regions of at least ``min_cells`` cells."""

    top_fraction: float | None = 0.05
    threshold: float | None = None
    min_cells: int = 1

    def __post_init__(self) -> None:
        if self.threshold is not None:
            object.__setattr__(self, "top_fraction", None)


@dataclass(frozen=True)
class PermissiveSpec:
    """``[permissive]``: the permissive tract is the most prospective area that holds
    ``capture`` of the known deposits (its area feeds a deposit-density estimate)."""

    capture: float = 0.8

    def __post_init__(self) -> None:
        if not 0 < self.capture <= 1:
            msg = f"capture must be in (0, 1], got {self.capture}"
            raise ValidationError(msg)


@dataclass(frozen=True)
class ProspectSpec:
    """A whole prospectivity run."""

    evidence: EvidenceSpec
    deposits: DepositSource = field(default_factory=DepositSource)
    model: ProspectModelSpec = field(default_factory=ProspectModelSpec)
    validation: ValidationSpec = field(default_factory=ValidationSpec)
    targets: TargetSpec = field(default_factory=TargetSpec)
    permissive: PermissiveSpec = field(default_factory=PermissiveSpec)
    name: str = "region"
    source: Path | None = None


_TABLES = {
    "evidence": TableSchema(EvidenceSpec, required=True, path_tables=("layers",)),
    "deposits": TableSchema(DepositSource, paths=("path",)),
    "model": TableSchema(ProspectModelSpec),
    "validation": TableSchema(ValidationSpec),
    "targets": TableSchema(TargetSpec),
    "permissive": TableSchema(PermissiveSpec),
}


def load_prospect_spec(path: str | Path) -> ProspectSpec:
    """Parse a prospectivity run file; errors name the file, table and key."""
    path = Path(path)
    parts, name = load_run_file(path, _TABLES)
    if parts["evidence"].synthetic_seed is None and parts["deposits"].path is None:
        msg = f'{path} [deposits]: give path = "deposits.gpkg" (points in the rasters\' CRS)'
        raise RunConfigError(msg)
    return ProspectSpec(**parts, name=name, source=path)


# ------------------------------------------------------------------------------- result
@dataclass(frozen=True)
class ProspectResult:
    """Everything a prospectivity run computed.

    Attributes
    ----------
    prospectivity : xarray.DataArray
        Presence probability (classifiers) or posterior probability per unit cell (WofE).
    explanation : pandas.DataFrame
        Permutation importances (classifiers) or the weights tables (WofE, one block of rows
        per layer, column ``layer``).
    cross_validation : dict of str to CrossValidationResult
        By scheme (``blocks``, ``random``); empty for WofE.
    curve, capture : pandas.DataFrame
        Success-rate curve of the known deposits on the map and its capture table: in-sample
        (the model scoring the deposits it was fitted to).
    oof_curve, oof_capture : pandas.DataFrame or None
        The same from the spatial-block out-of-fold scores (classifiers only): what the
        headline figures quote.
    targets : pandas.DataFrame
        Ranked targets; ``labels`` is their raster.
    counts, counted : xarray.DataArray
        Known points per cell (all of them train the model), and the deposits among them
        (what the permissive tract counts).
    permissive : PermissiveTract
        The permissive tract.
    """

    spec: ProspectSpec
    layers: xr.Dataset
    deposits: pd.DataFrame
    counts: xr.DataArray
    counted: xr.DataArray
    prospectivity: xr.DataArray
    explanation: pd.DataFrame
    cross_validation: dict[str, CrossValidationResult]
    curve: pd.DataFrame
    capture: pd.DataFrame
    oof_curve: pd.DataFrame | None
    oof_capture: pd.DataFrame | None
    targets: pd.DataFrame
    labels: xr.DataArray
    permissive: PermissiveTract

    @property
    def illustrative(self) -> bool:
        """A synthetic region."""
        return self.spec.evidence.synthetic_seed is not None


_TRUE = {"true", "1", "yes", "y", "deposit", "1.0"}


def _evidence(
    spec: ProspectSpec,
) -> tuple[xr.Dataset, pd.DataFrame, xr.DataArray, xr.DataArray, list[str]]:
    """Layers, known points (easting, northing, name), points per cell, deposits per cell,
    categorical layer names."""
    evidence = spec.evidence
    if evidence.synthetic_seed is not None:
        region = synthetic_region(
            seed=evidence.synthetic_seed,
            shape=evidence.synthetic_shape,  # type: ignore[arg-type]
            cell_size=evidence.synthetic_cell_size,
            n_deposits=evidence.synthetic_deposits,
            length_scale=evidence.synthetic_length_scale,
            deposit_fraction=evidence.synthetic_deposit_fraction,
        )
        layers = region.layers
        deposits = region.deposits[["name", "easting", "northing", "kind"]]
        grids = []
        for keep in (np.ones(len(deposits), dtype=bool), deposits["kind"].eq("deposit")):
            counts = np.zeros(region.grid.shape, dtype=np.uint16)
            chosen = region.deposits[np.asarray(keep)]
            np.add.at(counts, (chosen["row"], chosen["col"]), 1)
            grids.append(region.grid.layer(counts, name="deposits"))
        return layers, deposits, grids[0], grids[1], categorical_layers(layers)
    assert evidence.layers is not None
    rasters = {name: read_raster(path) for name, path in evidence.layers.items()}
    layers = stack_layers(rasters)
    template = next(iter(rasters.values()))
    source = spec.deposits
    assert source.path is not None
    points = read_points(source.path, layer=source.layer)
    grid_counts = points_to_cells(points, template)
    kind = np.full(len(points), "deposit", dtype=object)
    counted = grid_counts
    if source.deposit_column is not None:
        if source.deposit_column not in points.columns:
            shown = ", ".join(str(c) for c in points.columns if c != "geometry")
            msg = (
                f"{source.path}: no column {source.deposit_column!r} ([deposits] "
                f"deposit_column); it has {shown or 'no attribute columns'}"
            )
            raise RunConfigError(msg)
        flags = points[source.deposit_column].astype(str).str.strip().str.lower().isin(_TRUE)
        kind[~flags.to_numpy()] = "occurrence"
        counted = points_to_cells(points[flags.to_numpy()], template)
    xy = pd.DataFrame(
        {
            "name": [str(i + 1) for i in range(len(points))],
            "easting": np.asarray(points.geometry.x, dtype=float),
            "northing": np.asarray(points.geometry.y, dtype=float),
            "kind": kind,
        }
    )
    return layers, xy, grid_counts, counted, list(evidence.categorical)


def _wofe(
    spec: ProspectModelSpec, layers: xr.Dataset, counts: xr.DataArray, where: str
) -> tuple[xr.DataArray, pd.DataFrame]:
    assert spec.weights is not None
    missing = sorted(set(spec.weights) - set(layers.data_vars))
    if missing:
        msg = (
            f"{where} [model]: weights names layers that [evidence] layers does not give: "
            f"{', '.join(missing)}"
        )
        raise RunConfigError(msg)
    pairs = []
    tables = []
    for name, kind in spec.weights.items():
        table = weights_of_evidence(
            layers[name], counts, weights_type=kind, unit_area_km2=spec.unit_area_km2
        )
        pairs.append((layers[name], table))
        tables.append(table.assign(layer=name))
    posterior = posterior_probability(pairs)["posterior"].astype(float)
    return posterior.rename("prospectivity"), pd.concat(tables, ignore_index=True)


def _classifier(
    spec: ProspectSpec,
    layers: xr.Dataset,
    deposits: pd.DataFrame,
    categorical: list[str],
    progress: Progress | None,
) -> tuple[xr.DataArray, pd.DataFrame, dict[str, CrossValidationResult]]:
    """A presence-background classifier: cross-validated, refitted, mapped, explained."""
    model_spec = spec.model
    table = sample_presence_background(
        layers,
        deposits,
        n_background=model_spec.background,
        exclusion_radius=model_spec.exclusion_radius,
        seed=model_spec.seed,
    )
    model = ProspectivityModel(
        model_spec.method,  # type: ignore[arg-type]
        categorical=categorical,
        n_estimators=model_spec.n_estimators,
        max_depth=model_spec.max_depth,
        min_samples_leaf=model_spec.min_samples_leaf,
        calibration=model_spec.calibration,  # type: ignore[arg-type]
        seed=model_spec.seed,
    )
    features = list(layers.data_vars)
    validation = spec.validation
    cv = {
        "blocks": cross_validate(
            model,
            table,
            scheme="blocks",
            n_folds=validation.folds,
            block_size=validation.block_size,
            buffer=validation.buffer,
            seed=model_spec.seed,
        )
    }
    if validation.random:
        cv["random"] = cross_validate(
            model, table, scheme="random", n_folds=validation.folds, seed=model_spec.seed
        )
    model.fit(table[features], table["presence"])
    prospectivity = predict_map(model, layers, progress=progress)
    explanation = permutation_importances(
        model, table[features], table["presence"], seed=model_spec.seed
    )
    return prospectivity, explanation, cv


def run_prospect(spec: ProspectSpec, *, progress: Progress | None = None) -> ProspectResult:
    """Layers and deposits -> model -> map, cross-validation, curves, targets, permissive
    tract, in memory."""
    layers, deposits, counts, counted, categorical = _evidence(spec)
    cv: dict[str, CrossValidationResult] = {}
    if spec.model.method == "wofe":
        where = str(spec.source or spec.name)
        prospectivity, explanation = _wofe(spec.model, layers, counts, where)
    else:
        prospectivity, explanation, cv = _classifier(spec, layers, deposits, categorical, progress)
    fractions = (0.5, 0.75, spec.permissive.capture)
    curve = success_rate_curve(prospectivity, counts)
    capture = capture_table(curve, deposit_fractions=fractions)
    oof_curve = oof_capture = None
    if "blocks" in cv:
        oof_curve = out_of_fold_rate_curve(cv["blocks"].predictions)
        oof_capture = capture_table(oof_curve, deposit_fractions=fractions)
    targets, labels = extract_targets(
        prospectivity,
        threshold=spec.targets.threshold,
        top_fraction=spec.targets.top_fraction,
        deposits=deposits,
        min_cells=spec.targets.min_cells,
    )
    permissive = permissive_tract(
        prospectivity,
        np.asarray(counted.values),
        spec.permissive.capture,
        out_of_fold=cv["blocks"].predictions if "blocks" in cv else None,
    )
    return ProspectResult(
        spec=spec,
        layers=layers,
        deposits=deposits,
        counts=counts,
        counted=counted,
        prospectivity=prospectivity,
        explanation=explanation,
        cross_validation=cv,
        curve=curve,
        capture=capture,
        oof_curve=oof_curve,
        oof_capture=oof_capture,
        targets=targets,
        labels=labels,
        permissive=permissive,
    )


def _auc_dict(result: CrossValidationResult) -> dict[str, Any]:
    auc = result.auc
    return {
        "auc": auc.auc,
        "lower": auc.lower,
        "upper": auc.upper,
        "confidence": auc.confidence,
        "method": auc.method,
        "n_presence": auc.n_presence,
        "n_background": auc.n_background,
        "basis": "out-of-fold",
    }


def _results(result: ProspectResult) -> dict[str, Any]:
    """What ``summary.json`` holds."""
    spec = result.spec
    grid = grid_of(result.prospectivity)
    out: dict[str, Any] = {
        "name": spec.name,
        "method": spec.model.method,
        "layers": list(result.layers.data_vars),
        "deposits": len(result.deposits),
        "known_deposits": int(result.deposits["kind"].eq("deposit").sum()),
        "cells": grid.n_cells,
        "cell_size": list(grid.cell_size),
        "success_rate_auc": float(result.curve.attrs["auc"]),
        "success_rate_basis": "in-sample",
        "cross_validation": {k: _auc_dict(v) for k, v in result.cross_validation.items()},
        "capture": result.capture.to_dict(orient="records"),
        "capture_basis": "in-sample",
        "permissive": result.permissive.to_dict(),
        "targets": result.targets.head(10).to_dict(orient="records"),
        "illustrative": result.illustrative,
    }
    if result.oof_curve is not None and result.oof_capture is not None:
        out["out_of_fold_success_rate_auc"] = float(result.oof_curve.attrs["auc"])
        out["out_of_fold_capture"] = result.oof_capture.to_dict(orient="records")
    return out


def _headline(result: ProspectResult) -> list[Headline]:
    cv = result.cross_validation
    figures: list[Headline] = [
        Headline(
            "deposits", "known deposits and occurrences (training)", len(result.deposits), "count"
        ),
        Headline(
            "known_deposits",
            "of which deposits",
            int(result.deposits["kind"].eq("deposit").sum()),
            "count",
        ),
    ]
    if "blocks" in cv:
        auc = cv["blocks"].auc
        figures.append(
            Headline(
                "cv_auc_blocks",
                f"ROC AUC, spatial-block CV [{auc.lower:.3f}, {auc.upper:.3f}]",
                auc.auc,
                "",
                "out-of-fold",
            )
        )
    if "random" in cv:
        figures.append(
            Headline(
                "cv_auc_random",
                "ROC AUC, random k-fold CV (optimistic: neighbours leak)",
                cv["random"].auc.auc,
                "",
                "out-of-fold",
            )
        )
    figures.append(
        Headline(
            "success_rate_auc",
            "success-rate AUC of the map (its own training deposits)",
            float(result.curve.attrs["auc"]),
            "",
            "in-sample",
        )
    )
    tract = result.permissive
    figures += [
        Headline(
            "permissive_area_km2",
            f"permissive tract: best area holding {100 * tract.capture:.0f} % of known points",
            tract.area_km2,
            "km2",
            tract.basis,
        ),
        Headline(
            "permissive_area_fraction",
            "permissive tract: share of the area",
            tract.area_fraction,
            "fraction",
            tract.basis,
        ),
        Headline(
            "permissive_known_deposits",
            "known deposits inside the tract",
            tract.known_deposits,
            "count",
        ),
    ]
    return figures


def prospect_record(result: ProspectResult, *, within: Path | None = None) -> RunRecord:
    """The :class:`~bornite.workflows.RunRecord` of a prospectivity run."""
    spec = result.spec
    files: dict[str, Any] = {"run_file": spec.source, "deposits": spec.deposits.path}
    for name, path in (spec.evidence.layers or {}).items():
        files[f"layer:{name}"] = path
    tables = {}
    if result.oof_capture is not None:
        tables["capture"] = RecordTable.from_frame(
            "known points captured by area, out-of-fold (spatial blocks)",
            result.oof_capture,
            basis="out-of-fold",
        )
    tables["capture_in_sample"] = RecordTable.from_frame(
        "known points captured by area on the map, in-sample (the model's own training points)",
        result.capture,
        basis="in-sample",
    )
    tables["targets"] = RecordTable.from_frame(
        "top targets",
        result.targets[
            ["rank", "area_km2", "mean_probability", "max_probability", "n_deposits"]
        ].rename(
            columns={
                "mean_probability": "mean_p",
                "max_probability": "max_p",
                "n_deposits": "known",
            }
        ),
        shown=10,
    )
    return RunRecord(
        kind="prospect",
        name=spec.name,
        inputs=input_files(files, within=within),
        parameters={
            k: plain(getattr(spec, k))
            for k in ("evidence", "deposits", "model", "validation", "targets", "permissive")
        },
        seed=spec.model.seed,
        illustrative=result.illustrative,
        headline=tuple(_headline(result)),
        tables=tables,
        results=_results(result),
    )


# ------------------------------------------------------------------------------ outputs
def prospect_figures(result: ProspectResult) -> dict[str, Any]:
    """Map with deposits and targets, success-rate curves (out-of-fold and in-sample), and
    importances or contrasts."""
    label = "posterior probability" if result.spec.model.method == "wofe" else "probability"
    curves = {}
    if result.oof_curve is not None:
        curves["out-of-fold (spatial blocks)"] = result.oof_curve
    curves["map, in-sample (training deposits)"] = result.curve
    figures: dict[str, Any] = {
        "prospectivity": prospectivity_figure(
            result.prospectivity,
            deposits=result.deposits,
            targets=result.labels,
            title=f"{result.spec.name}: prospectivity and targets",
            label=label,
        ),
        "success_rate": rate_curve_figure(curves),
    }
    if result.spec.model.method == "wofe":
        best = result.explanation.loc[result.explanation.groupby("layer")["contrast"].idxmax()]
        figures["evidence"] = importance_figure(
            best,
            value="contrast",
            error="s_contrast",
            label="layer",
            xlabel="largest contrast C = W+ - W-",
        )
    else:
        figures["evidence"] = importance_figure(result.explanation)
    return figures


def _section_tables(result: ProspectResult) -> list[tuple[str, pd.DataFrame]]:
    """Capture tables (out-of-fold first, then in-sample), cross-validated AUCs, targets."""
    cv = result.cross_validation
    tables = []
    if result.oof_capture is not None:
        tables.append(
            (
                (
                    "Deposits captured by area, out-of-fold (spatial blocks): the share of area "
                    "is the share of background samples scoring as high"
                ),
                result.oof_capture,
            )
        )
    tables.append(
        (
            (
                "Deposits captured by area on the map, in-sample: the model scoring the deposits "
                "it was fitted to (optimistic)"
            ),
            result.capture,
        )
    )
    cv_rows = [
        {"scheme": k, **{key: v[key] for key in ("auc", "lower", "upper", "n_presence")}}
        for k, v in ((k, _auc_dict(v)) for k, v in cv.items())
    ]
    if cv_rows:
        tables.append(
            ("Cross-validated ROC AUC, out-of-fold (95 % DeLong interval)", pd.DataFrame(cv_rows))
        )
    tables.append(("Ranked targets", result.targets.head(15)))
    return tables


def prospect_section(result: ProspectResult, figures: Mapping[str, Any] | None = None) -> Section:
    """The report section of a prospectivity run: every table and curve says whether it is
    out-of-fold or in-sample, and the summary quotes out-of-fold figures."""
    spec = result.spec
    figures = dict(figures) if figures is not None else prospect_figures(result)
    tract = result.permissive
    known = len(result.deposits)
    deposits = int(result.deposits["kind"].eq("deposit").sum())
    points = (
        f"{known} known deposits"
        if deposits == known
        else f"{known} known deposits and occurrences ({deposits} deposits)"
    )
    parts = [
        (
            f"{spec.model.method.replace('_', ' ')} on {len(result.layers.data_vars)} evidence "
            f"layers and {points}."
        )
    ]
    cv = result.cross_validation
    if "blocks" in cv:
        blocks = cv["blocks"].auc
        text = (
            f"Out of fold, spatial-block cross-validation gives ROC AUC {blocks.auc:.3f} "
            f"[{blocks.lower:.3f}, {blocks.upper:.3f}]"
        )
        if "random" in cv:
            text += f" (random k-fold, which lets neighbours leak, {cv['random'].auc.auc:.3f})"
        parts.append(text + ".")
    basis = "out of fold" if tract.basis == "out-of-fold" else "in-sample"
    parts.append(
        f"The most prospective {100 * tract.area_fraction:.1f} % of the area "
        f"({format_quantity(tract.area_km2, 'km2')}) is expected to hold "
        f"{100 * tract.capture:.0f} % of them ({basis}): the permissive tract, with "
        f"{tract.known_deposits} known deposit(s) inside it."
    )
    tables = _section_tables(result)
    notes = [
        (
            "Background cells are unlabelled, not known barren: probabilities rank cells; they "
            "are not the chance that a cell holds a deposit."
        ),
        (
            f"Success-rate AUC of the map on its own training deposits (in-sample) "
            f"{result.curve.attrs['auc']:.3f}"
            + (
                f"; out of fold {result.oof_curve.attrs['auc']:.3f}."
                if result.oof_curve is not None
                else "."
            )
        ),
    ]
    if spec.model.method == "wofe":
        notes[0] = (
            "Posterior probability per unit cell of "
            f"{spec.model.unit_area_km2:g} km² (weights of evidence, conditional independence "
            "assumed); weights are fitted to the known deposits, so every curve is in-sample."
        )
    captions = {
        "prospectivity": "Prospectivity, known deposits (white) and targets (outlined)",
        "success_rate": "Success-rate curves: deposits captured by the best area, out of fold "
        "and on the map (in-sample)",
        "evidence": "What the model relies on",
    }
    return Section(
        title=f"Prospectivity: {spec.name}",
        summary=" ".join(parts),
        tables=tables,
        figures=[(captions.get(k, k), f) for k, f in figures.items()],
        notes=notes,
        illustrative=result.illustrative,
    )


def write_prospect(
    result: ProspectResult, folder: Path, *, report: bool = True, within: Path | None = None
) -> tuple[RunRecord, Section]:
    """Write the map, targets, tables, figures and (with ``report``) the report of a run into
    ``folder``; return its record and its report section.

    Files: ``prospectivity.tif``, ``targets.gpkg`` and ``.csv``, ``explanation.csv``,
    ``success_rate.csv`` and ``capture.csv`` (in-sample), ``success_rate_oof.csv`` and
    ``capture_oof.csv`` (out-of-fold, classifiers), ``cross_validation.csv``,
    ``summary.json``, ``figures/`` and ``report.html``.
    """
    record = prospect_record(result, within=within)
    folds = [cv.folds.assign(scheme=scheme) for scheme, cv in result.cross_validation.items()]
    write_raster(
        result.prospectivity.astype("float32"), folder / "prospectivity.tif", overwrite=True
    )
    write_targets(result.labels, result.targets, folder / "targets.gpkg")
    write_table(result.targets, folder / "targets.csv")
    write_table(result.explanation, folder / "explanation.csv")
    write_table(result.curve, folder / "success_rate.csv")
    write_table(result.capture, folder / "capture.csv")
    if result.oof_curve is not None and result.oof_capture is not None:
        write_table(result.oof_curve, folder / "success_rate_oof.csv")
        write_table(result.oof_capture, folder / "capture_oof.csv")
    write_table(
        pd.concat(folds, ignore_index=True) if folds else pd.DataFrame(),
        folder / "cross_validation.csv",
    )
    write_json(record.results, folder / "summary.json")
    figures = prospect_figures(result)
    write_figures(figures, folder / "figures")
    section = prospect_section(result, figures)
    if report:
        write_run_report(
            folder,
            record,
            [section],
            title=f"Prospectivity: {result.spec.name}",
            subtitle="Where to explore next, with bornite",
        )
    return record, section


def run_prospect_to_dir(
    run_file: str | Path,
    out: str | Path,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> RunRecord:
    """``bornite prospect run``: read the run file, compute, write everything to ``out``."""
    spec = load_prospect_spec(run_file)

    def write(folder: Path) -> RunRecord:
        return write_prospect(run_prospect(spec, progress=progress), folder)[0]

    return run_to_dir(out, write, overwrite=overwrite)
