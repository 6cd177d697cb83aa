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
    check_output_dir,
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
    ProspectivityModel,
    capture_table,
    categorical_layers,
    cross_validate,
    extract_targets,
    grid_of,
    permutation_importances,
    posterior_probability,
    predict_map,
    sample_presence_background,
    stack_layers,
    success_rate_curve,
    weights_of_evidence,
)
from bornite.report import Report, Section, write_report
from bornite.report.prospect import importance_figure, prospectivity_figure, rate_curve_figure
from bornite.workflows._spec import load_tables
from bornite.workflows.assessment import provenance
from bornite.workflows.runs import write_figures

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
    "prospect_section",
    "run_prospect",
    "run_prospect_to_dir",
    "write_prospect_outputs",
]

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
_WEIGHT_TYPES = ("ascending", "descending", "categorical", "unique")


# ------------------------------------------------------------------------------- specs
@dataclass(frozen=True)
class EvidenceSpec:
    """``[evidence]``: GeoTIFF layers on one grid (``layers = { name = "file.tif" }``), or
    ``synthetic_seed`` for bornite's synthetic region (``synthetic_shape`` cells of
    ``synthetic_cell_size`` m, ``synthetic_deposits`` known deposits, geology lengths times
    ``synthetic_length_scale``)."""

    layers: dict[str, Any] | None = None
    categorical: tuple[str, ...] = ()
    synthetic_seed: int | None = None
    synthetic_shape: tuple[int, ...] = (160, 160)
    synthetic_cell_size: float = 500.0
    synthetic_deposits: int = 40
    synthetic_length_scale: float = 1.0

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
    """``[deposits]``: a point file in the rasters' CRS (not needed with a synthetic region)."""

    path: Path | None = None
    layer: str | None = None


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


_TABLES: dict[str, type] = {
    "evidence": EvidenceSpec,
    "deposits": DepositSource,
    "model": ProspectModelSpec,
    "validation": ValidationSpec,
    "targets": TargetSpec,
    "permissive": PermissiveSpec,
}


def load_prospect_spec(path: str | Path) -> ProspectSpec:
    """Parse a prospectivity run file; errors name the file, table and key."""
    path = Path(path)
    parts, name = load_tables(
        path,
        _TABLES,
        required={"evidence"},
        paths={"deposits": ("path",)},
        path_tables={"evidence": ("layers",)},
    )
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
        Success-rate curve of the known deposits and its capture table.
    targets : pandas.DataFrame
        Ranked targets; ``labels`` is their raster.
    permissive : dict
        ``capture``, ``area_km2``, ``area_fraction``, ``threshold``, ``source`` and
        ``known_deposits`` (inside it) of the permissive tract, and ``total_area_km2``.
    """

    spec: ProspectSpec
    layers: xr.Dataset
    deposits: pd.DataFrame
    counts: xr.DataArray
    prospectivity: xr.DataArray
    explanation: pd.DataFrame
    cross_validation: dict[str, CrossValidationResult]
    curve: pd.DataFrame
    capture: pd.DataFrame
    targets: pd.DataFrame
    labels: xr.DataArray
    permissive: dict[str, Any]
    record: dict[str, Any] = field(default_factory=dict)


def _evidence(spec: ProspectSpec) -> tuple[xr.Dataset, pd.DataFrame, xr.DataArray, list[str]]:
    """Layers, deposits (easting, northing, name), deposits per cell, categorical names."""
    evidence = spec.evidence
    if evidence.synthetic_seed is not None:
        region = synthetic_region(
            seed=evidence.synthetic_seed,
            shape=evidence.synthetic_shape,  # type: ignore[arg-type]
            cell_size=evidence.synthetic_cell_size,
            n_deposits=evidence.synthetic_deposits,
            length_scale=evidence.synthetic_length_scale,
        )
        layers = region.layers
        deposits = region.deposits[["name", "easting", "northing"]]
        counts = np.zeros(region.grid.shape, dtype=np.uint16)
        np.add.at(counts, (region.deposits["row"], region.deposits["col"]), 1)
        grid_counts = region.grid.layer(counts, name="deposits")
        return layers, deposits, grid_counts, categorical_layers(layers)
    assert evidence.layers is not None
    rasters = {name: read_raster(path) for name, path in evidence.layers.items()}
    layers = stack_layers(rasters)
    template = next(iter(rasters.values()))
    assert spec.deposits.path is not None
    points = read_points(spec.deposits.path, layer=spec.deposits.layer)
    grid_counts = points_to_cells(points, template)
    xy = pd.DataFrame(
        {
            "name": [str(i + 1) for i in range(len(points))],
            "easting": np.asarray(points.geometry.x, dtype=float),
            "northing": np.asarray(points.geometry.y, dtype=float),
        }
    )
    return layers, xy, grid_counts, list(evidence.categorical)


def _wofe(
    spec: ProspectModelSpec, layers: xr.Dataset, counts: xr.DataArray
) -> tuple[xr.DataArray, pd.DataFrame]:
    assert spec.weights is not None
    missing = sorted(set(spec.weights) - set(layers.data_vars))
    if missing:
        msg = f"[model] weights names layers that are not given: {', '.join(missing)}"
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


def run_prospect(spec: ProspectSpec, *, progress: Progress | None = None) -> ProspectResult:
    """Layers and deposits -> model -> map, cross-validation, curves, targets, permissive
    tract, in memory."""
    layers, deposits, counts, categorical = _evidence(spec)
    model_spec = spec.model
    cv: dict[str, CrossValidationResult] = {}
    if model_spec.method == "wofe":
        prospectivity, explanation = _wofe(model_spec, layers, counts)
    else:
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
        cv["blocks"] = cross_validate(
            model,
            table,
            scheme="blocks",
            n_folds=validation.folds,
            block_size=validation.block_size,
            buffer=validation.buffer,
            seed=model_spec.seed,
        )
        if validation.random:
            cv["random"] = cross_validate(
                model, table, scheme="random", n_folds=validation.folds, seed=model_spec.seed
            )
        model.fit(table[features], table["presence"])
        prospectivity = predict_map(model, layers, progress=progress)
        explanation = permutation_importances(
            model, table[features], table["presence"], seed=model_spec.seed
        )
    curve = success_rate_curve(prospectivity, counts)
    capture = capture_table(curve, deposit_fractions=(0.5, 0.75, spec.permissive.capture))
    target_spec = spec.targets
    targets, labels = extract_targets(
        prospectivity,
        threshold=target_spec.threshold,
        top_fraction=target_spec.top_fraction,
        deposits=deposits,
        min_cells=target_spec.min_cells,
    )
    oof = cv["blocks"].predictions if "blocks" in cv else None
    permissive = _permissive(prospectivity, curve, spec.permissive.capture, oof)
    inside = np.nan_to_num(prospectivity.values, nan=-np.inf) >= permissive["threshold"]
    permissive["known_deposits"] = int(np.asarray(counts.values)[inside].sum())
    result = ProspectResult(
        spec=spec,
        layers=layers,
        deposits=deposits,
        counts=counts,
        prospectivity=prospectivity,
        explanation=explanation,
        cross_validation=cv,
        curve=curve,
        capture=capture,
        targets=targets,
        labels=labels,
        permissive=permissive,
    )
    object.__setattr__(result, "record", _record(result))
    return result


def _permissive(
    prospectivity: xr.DataArray,
    curve: pd.DataFrame,
    capture: float,
    out_of_fold: pd.DataFrame | None,
) -> dict[str, Any]:
    """The smallest most-prospective area that captures ``capture`` of the known deposits.

    A classifier scores its own training deposits too well (a forest nearly memorises them),
    so its threshold is read from the spatially cross-validated, out-of-fold scores of the
    deposits; weights of evidence, with a few weights per layer, uses its success-rate curve.
    """
    grid = grid_of(prospectivity)
    values = prospectivity.values
    valid = np.isfinite(values)
    total_km2 = float(valid.sum()) * grid.cell_area / 1e6
    if out_of_fold is not None:
        # Out of fold, deposits and background cells were scored by the same fold models:
        # the share of background (a uniform sample of the area) scoring at least the
        # deposits' (1 - capture) quantile is the share of the area the tract needs. The
        # map's own threshold for that share outlines the tract.
        presence = out_of_fold["presence"].to_numpy() == 1
        score = out_of_fold["score"].to_numpy(dtype=float)
        cut = float(np.quantile(score[presence], 1.0 - capture, method="lower"))
        fraction = float((score[~presence] >= cut).mean())
        threshold = float(np.quantile(values[valid], 1.0 - fraction, method="higher"))
        source = "out-of-fold scores (spatial blocks)"
    else:
        first = curve[curve["deposit_fraction"] >= capture - 1e-12].iloc[0]
        threshold = float(first["threshold"])
        fraction = float(first["area_fraction"])
        source = "success-rate curve"
    return {
        "capture": capture,
        "threshold": threshold,
        "area_fraction": fraction,
        "area_km2": fraction * total_km2,
        "total_area_km2": total_km2,
        "source": source,
    }


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
    }


def _record(result: ProspectResult) -> dict[str, Any]:
    spec = result.spec
    grid = grid_of(result.prospectivity)
    return {
        "name": spec.name,
        "method": spec.model.method,
        "layers": list(result.layers.data_vars),
        "deposits": len(result.deposits),
        "cells": grid.n_cells,
        "cell_size": list(grid.cell_size),
        "success_rate_auc": float(result.curve.attrs["auc"]),
        "cross_validation": {k: _auc_dict(v) for k, v in result.cross_validation.items()},
        "capture": result.capture.to_dict(orient="records"),
        "permissive": result.permissive,
        "targets": result.targets.head(10).to_dict(orient="records"),
        "illustrative": spec.evidence.synthetic_seed is not None,
        "provenance": provenance(
            {"run_file": spec.source} if spec.source else {},
            {"method": spec.model.method},
            spec.model.seed,
        ),
    }


# ------------------------------------------------------------------------------ outputs
def prospect_figures(result: ProspectResult) -> dict[str, Any]:
    """Map with deposits and targets, success-rate curve, and importances or contrasts."""
    label = "posterior probability" if result.spec.model.method == "wofe" else "probability"
    figures: dict[str, Any] = {
        "prospectivity": prospectivity_figure(
            result.prospectivity,
            deposits=result.deposits,
            targets=result.labels,
            title=f"{result.spec.name}: prospectivity and targets",
            label=label,
        ),
        "success_rate": rate_curve_figure({"known deposits": result.curve}),
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


def prospect_section(result: ProspectResult, figures: Mapping[str, Any] | None = None) -> Section:
    """The report section of a prospectivity run."""
    spec = result.spec
    figures = dict(figures) if figures is not None else prospect_figures(result)
    permissive = result.permissive
    parts = [
        (
            f"{spec.model.method.replace('_', ' ')} on {len(result.layers.data_vars)} evidence "
            f"layers and {len(result.deposits)} known deposits."
        ),
    ]
    if "blocks" in result.cross_validation:
        blocks = result.cross_validation["blocks"].auc
        text = (
            f"Spatial-block cross-validation AUC {blocks.auc:.3f} "
            f"[{blocks.lower:.3f}, {blocks.upper:.3f}]"
        )
        if "random" in result.cross_validation:
            text += f" (random k-fold {result.cross_validation['random'].auc.auc:.3f})"
        parts.append(text + ".")
    parts.append(
        f"The most prospective {100 * permissive['area_fraction']:.1f} % of the area "
        f"({permissive['area_km2']:,.0f} km²) holds {100 * permissive['capture']:.0f} % of the "
        "known deposits: the permissive tract."
    )
    cv_rows = [
        {"scheme": k, **{key: v[key] for key in ("auc", "lower", "upper", "n_presence")}}
        for k, v in result.record["cross_validation"].items()
    ]
    tables = [("Deposits captured by area (success rate)", result.capture)]
    if cv_rows:
        tables.append(("Cross-validated ROC AUC (95 % DeLong interval)", pd.DataFrame(cv_rows)))
    tables.append(("Ranked targets", result.targets.head(15)))
    notes = [
        (
            "Background cells are unlabelled, not known barren: probabilities rank cells; they are "
            "not the chance that a cell holds a deposit."
        ),
        f"Success-rate AUC (known deposits, training data) {result.curve.attrs['auc']:.3f}.",
    ]
    if spec.model.method == "wofe":
        notes[0] = (
            "Posterior probability per unit cell of "
            f"{spec.model.unit_area_km2:g} km² (weights of evidence, conditional independence "
            "assumed)."
        )
    captions = {
        "prospectivity": "Prospectivity, known deposits (white) and targets (outlined)",
        "success_rate": "Success-rate curve: known deposits captured by the best area",
        "evidence": "What the model relies on",
    }
    return Section(
        title=f"Prospectivity: {spec.name}",
        summary=" ".join(parts),
        tables=tables,
        figures=[(captions.get(k, k), f) for k, f in figures.items()],
        notes=notes,
        illustrative=bool(result.record.get("illustrative")),
    )


_OUTPUTS = [
    "prospectivity.tif",
    "targets.gpkg",
    "targets.csv",
    "explanation.csv",
    "success_rate.csv",
    "capture.csv",
    "cross_validation.csv",
    "summary.json",
    "report.html",
    "figures",
]


def write_prospect_outputs(result: ProspectResult, folder: Path) -> tuple[list[Path], Section]:
    """Write the map, targets, tables, figures and report of a run into ``folder``; return
    the files and the report section (for reports that gather several stages)."""
    figures = prospect_figures(result)
    folds = [cv.folds.assign(scheme=scheme) for scheme, cv in result.cross_validation.items()]
    paths = [
        write_raster(
            result.prospectivity.astype("float32"), folder / "prospectivity.tif", overwrite=True
        ),
        write_targets(result.labels, result.targets, folder / "targets.gpkg"),
        write_table(result.targets, folder / "targets.csv"),
        write_table(result.explanation, folder / "explanation.csv"),
        write_table(result.curve, folder / "success_rate.csv"),
        write_table(result.capture, folder / "capture.csv"),
        write_table(
            pd.concat(folds, ignore_index=True) if folds else pd.DataFrame(),
            folder / "cross_validation.csv",
        ),
        write_json(result.record, folder / "summary.json"),
        *write_figures(figures, folder / "figures"),
    ]
    section = prospect_section(result, figures)
    report = Report(
        title=f"Prospectivity: {result.spec.name}",
        subtitle="Where to explore next, with bornite",
        sections=[section],
        provenance=result.record["provenance"],
    )
    paths.append(write_report(report, folder / "report.html", overwrite=True))
    return paths, section


def run_prospect_to_dir(
    run_file: Path, out: Path, *, overwrite: bool = False, progress: Progress | None = None
) -> tuple[dict[str, Any], list[Path]]:
    """``bornite prospect run``: read the run file, compute, write everything to ``out``."""
    spec = load_prospect_spec(run_file)
    folder = check_output_dir(out, _OUTPUTS, overwrite=overwrite)
    result = run_prospect(spec, progress=progress)
    paths, _ = write_prospect_outputs(result, folder)
    logger.info("prospect %s: wrote %d files to %s", spec.name, len(paths), folder)
    return result.record, paths
