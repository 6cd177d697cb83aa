"""``bornite estimate``: drill holes to a classified, kriged block model and a resource table.

The run file (keys in ``docs/estimate-runs.md``) is parsed into an :class:`EstimateSpec`, one
frozen dataclass per TOML table; :func:`run_estimate` wires :mod:`bornite.drillholes`,
:mod:`bornite.geostats` and :mod:`bornite.blockmodel` together in memory and
:func:`run_estimate_to_dir` writes the block model, tables, figures and report.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from bornite.blockmodel import (
    CATEGORY_NAMES,
    BlockGrid,
    classify,
    estimate_blocks,
    global_mean_check,
    grade_tonnage_curve,
    inside_wireframe,
    swath,
)
from bornite.core.units import parse_grade_column
from bornite.datasets import block_truth, synthetic_drill_campaign, synthetic_porphyry_deposit
from bornite.drillholes import (
    DeclusteringResult,
    DrillholeDatabase,
    FixPolicy,
    TopCutReport,
    ValidationReport,
    cell_declustering,
    composite,
    desurvey_intervals,
    fix,
    require_valid,
    top_cut,
)
from bornite.errors import RunConfigError, ValidationError
from bornite.geostats import (
    OrdinaryKriging,
    SearchNeighbourhood,
    VariogramModel,
    average_duplicates,
    axis_directions,
    downhole_variogram,
    experimental_variogram,
    fit_anisotropic_variogram,
    fit_variogram,
)
from bornite.io import (
    FOOT,
    check_output_dir,
    read_drillholes,
    read_stl,
    write_block_model,
    write_json,
    write_table,
)
from bornite.report import Report, Section, write_report
from bornite.report.estimate import (
    grade_tonnage_figure,
    section_figure,
    swath_figure,
    variogram_figure,
)
from bornite.workflows._spec import load_tables
from bornite.workflows.assessment import provenance
from bornite.workflows.drillholes import load_mapping
from bornite.workflows.runs import write_figures

__all__ = [
    "ClassificationSpec",
    "CompositeSpec",
    "DrillholeSource",
    "EstimateResult",
    "EstimateSpec",
    "GridSpec",
    "KrigingSpec",
    "ResourceSpec",
    "VariogramSpec",
    "estimate_figures",
    "estimate_section",
    "load_estimate_spec",
    "run_estimate",
    "run_estimate_to_dir",
    "write_estimate_outputs",
]

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
_AXES = ("easting", "northing", "elevation")


def _floats(value: Any, n: int | None, what: str) -> tuple[float, ...]:
    """A tuple of finite numbers from a run-file list (``n`` of them when given)."""
    try:
        out = tuple(float(v) for v in value)
    except (TypeError, ValueError) as error:
        msg = f"{what} must be a list of numbers, got {value!r}"
        raise ValidationError(msg) from error
    if n is not None and len(out) != n:
        msg = f"{what} needs {n} values (easting, northing, elevation), got {len(out)}"
        raise ValidationError(msg)
    if not all(np.isfinite(out)):
        msg = f"{what} must be finite numbers, got {value!r}"
        raise ValidationError(msg)
    return out


def _set(spec: Any, name: str, value: Any) -> None:
    object.__setattr__(spec, name, value)


# ------------------------------------------------------------------------------- specs
@dataclass(frozen=True)
class DrillholeSource:
    """``[drillholes]``: the three tables, or a seeded synthetic campaign.

    ``mapping`` is a TOML/JSON column-mapping file or an inline table (see
    ``bornite drillholes validate --mapping``); ``fix = true`` repairs problems with
    :class:`~bornite.drillholes.FixPolicy` defaults instead of refusing the database.
    """

    collar: Path | None = None
    survey: Path | None = None
    assay: Path | None = None
    mapping: Path | dict[str, Any] | None = None
    units: str = "m"
    fix: bool = False
    synthetic_seed: int | None = None

    def __post_init__(self) -> None:
        if self.units not in ("m", "ft"):
            msg = f"units must be 'm' or 'ft', got {self.units!r}"
            raise ValidationError(msg)
        files = [self.collar, self.survey, self.assay]
        if self.synthetic_seed is None and any(f is None for f in files):
            msg = "give collar, survey and assay files (or synthetic_seed for the demo campaign)"
            raise ValidationError(msg)


@dataclass(frozen=True)
class CompositeSpec:
    """``[composites]``: fixed-length composites of one grade, optionally top-cut."""

    length: float = 10.0
    grade: str = "cu_pct"
    top_cut: float | None = None
    top_cut_percentile: float | None = None

    def __post_init__(self) -> None:
        if not self.length > 0:
            msg = f"length must be > 0 m, got {self.length}"
            raise ValidationError(msg)
        parse_grade_column(self.grade)
        if self.top_cut is not None and self.top_cut_percentile is not None:
            msg = "give top_cut or top_cut_percentile, not both"
            raise ValidationError(msg)


@dataclass(frozen=True)
class VariogramSpec:
    """``[variogram]``: experimental variograms and the fitted model.

    ``directional = false`` fits one omnidirectional variogram (``ratios`` then sets the
    semi-major/major and minor/major range ratios in the ``azimuth, dip, rake`` frame);
    ``directional = true`` computes a variogram along each axis of that frame and fits one
    3-D model to all of them. ``downhole_lag`` (e.g. the composite length) fixes the nugget
    from the down-hole variogram.
    """

    lag: float = 25.0
    n_lags: int = 12
    kinds: tuple[str, ...] = ("spherical",)
    directional: bool = False
    azimuth: float = 0.0
    dip: float = 0.0
    rake: float = 0.0
    ratios: tuple[float, ...] = (1.0, 1.0)
    azimuth_tolerance: float = 22.5
    dip_tolerance: float = 22.5
    bandwidth: float | None = None
    downhole_lag: float | None = None
    downhole_n_lags: int = 10

    def __post_init__(self) -> None:
        _set(self, "kinds", tuple(str(k) for k in self.kinds))
        _set(self, "ratios", _floats(self.ratios, 2, "ratios"))
        if not (self.lag > 0 and self.n_lags >= 1):
            msg = f"need lag > 0 and n_lags >= 1, got lag={self.lag}, n_lags={self.n_lags}"
            raise ValidationError(msg)
        if not all(0 < r <= 1 for r in self.ratios):
            msg = f"ratios (semi-major/major, minor/major) must be in (0, 1], got {self.ratios}"
            raise ValidationError(msg)
        if self.downhole_lag is not None and not self.downhole_lag > 0:
            msg = f"downhole_lag must be > 0, got {self.downhole_lag}"
            raise ValidationError(msg)


@dataclass(frozen=True)
class KrigingSpec:
    """``[kriging]``: ordinary block kriging and its search.

    The search ellipsoid defaults to the variogram's frame and, per axis, to the longest range
    of its structures. Composites closer than ``duplicate_tolerance`` are averaged first.
    """

    ranges: tuple[float, ...] | None = None
    azimuth: float | None = None
    dip: float | None = None
    rake: float | None = None
    max_samples: int = 24
    min_samples: int = 4
    max_per_hole: int | None = None
    max_per_octant: int | None = None
    discretisation: tuple[int, ...] = (2, 2, 2)
    duplicate_tolerance: float = 0.0

    def __post_init__(self) -> None:
        if self.ranges is not None:
            _set(self, "ranges", _floats(self.ranges, 3, "ranges"))
        counts = tuple(int(v) for v in _floats(self.discretisation, 3, "discretisation"))
        if min(counts) < 1:
            msg = f"discretisation needs three counts >= 1, got {self.discretisation}"
            raise ValidationError(msg)
        _set(self, "discretisation", counts)
        if not self.duplicate_tolerance >= 0:
            msg = f"duplicate_tolerance must be >= 0 m, got {self.duplicate_tolerance}"
            raise ValidationError(msg)


@dataclass(frozen=True)
class GridSpec:
    """``[grid]``: block size and either ``origin`` + ``shape`` or a grid covering the
    composites (plus ``padding``); ``wireframe`` restricts estimation to a closed STL solid
    whose coordinates are in ``wireframe_units`` (feet are converted to metres)."""

    block_size: tuple[float, ...] = (25.0, 25.0, 15.0)
    origin: tuple[float, ...] | None = None
    shape: tuple[int, ...] | None = None
    padding: float = 0.0
    wireframe: Path | None = None
    wireframe_units: str = "m"

    def __post_init__(self) -> None:
        _set(self, "block_size", _floats(self.block_size, 3, "block_size"))
        if self.wireframe_units not in ("m", "ft"):
            msg = f"wireframe_units must be 'm' or 'ft', got {self.wireframe_units!r}"
            raise ValidationError(msg)
        if min(self.block_size) <= 0:
            msg = f"block_size must be > 0, got {self.block_size}"
            raise ValidationError(msg)
        if (self.origin is None) != (self.shape is None):
            msg = "give both origin and shape, or neither (the grid then covers the composites)"
            raise ValidationError(msg)
        if self.origin is not None and self.shape is not None:
            _set(self, "origin", _floats(self.origin, 3, "origin"))
            _set(self, "shape", tuple(int(v) for v in _floats(self.shape, 3, "shape")))


@dataclass(frozen=True)
class ClassificationSpec:
    """``[classification]``: measured/indicated/inferred thresholds on one kriging output."""

    variable: str = "slope_of_regression"
    thresholds: tuple[float, ...] = (0.8, 0.5, 0.0)
    higher_is_better: bool = True
    scheme: str = "jorc"

    def __post_init__(self) -> None:
        _set(self, "thresholds", _floats(self.thresholds, 3, "thresholds"))
        if self.scheme not in CATEGORY_NAMES:
            msg = f"scheme must be one of {', '.join(CATEGORY_NAMES)}, got {self.scheme!r}"
            raise ValidationError(msg)


@dataclass(frozen=True)
class ResourceSpec:
    """``[resource]``: reporting cutoffs, bulk density and declustering cell sizes."""

    cutoffs: tuple[float, ...] = (0.0, 0.2, 0.3, 0.4, 0.5)
    density: float = 2.7
    declustering_cells: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        _set(self, "cutoffs", _floats(self.cutoffs, None, "cutoffs"))
        if not self.density > 0:
            msg = f"density must be > 0 t/m^3, got {self.density}"
            raise ValidationError(msg)
        if self.declustering_cells is not None:
            _set(self, "declustering_cells", _floats(self.declustering_cells, None, "cells"))


@dataclass(frozen=True)
class EstimateSpec:
    """A whole estimate run: one spec per run-file table."""

    drillholes: DrillholeSource
    composites: CompositeSpec = field(default_factory=CompositeSpec)
    variogram: VariogramSpec = field(default_factory=VariogramSpec)
    kriging: KrigingSpec = field(default_factory=KrigingSpec)
    grid: GridSpec = field(default_factory=GridSpec)
    classification: ClassificationSpec = field(default_factory=ClassificationSpec)
    resource: ResourceSpec = field(default_factory=ResourceSpec)
    name: str = "deposit"
    source: Path | None = None


_TABLES: dict[str, type] = {
    "drillholes": DrillholeSource,
    "composites": CompositeSpec,
    "variogram": VariogramSpec,
    "kriging": KrigingSpec,
    "grid": GridSpec,
    "classification": ClassificationSpec,
    "resource": ResourceSpec,
}
_PATHS = {"drillholes": ("collar", "survey", "assay", "mapping"), "grid": ("wireframe",)}


def load_estimate_spec(path: str | Path) -> EstimateSpec:
    """Parse an estimate run file; errors name the file, table and key."""
    path = Path(path)
    parts, name = load_tables(path, _TABLES, required={"drillholes"}, paths=_PATHS)
    return EstimateSpec(**parts, name=name, source=path)


# ------------------------------------------------------------------------------- result
@dataclass(frozen=True)
class EstimateResult:
    """Everything an estimate run computed.

    Attributes
    ----------
    blocks : xarray.Dataset
        The block model: the grade (named as in the spec), the kriging outputs and
        ``category`` (0 unclassified, 1 measured, 2 indicated, 3 inferred).
    composites : pandas.DataFrame
        Located composites with ``weight`` (declustering) and ``in_model`` (inside an
        estimated block).
    experimentals : dict of str to pandas.DataFrame
        Experimental variograms by label.
    truth : xarray.Dataset or None
        The true grade at block support (synthetic campaigns only).
    """

    spec: EstimateSpec
    grid: BlockGrid
    blocks: xr.Dataset
    composites: pd.DataFrame
    variogram: VariogramModel
    experimentals: dict[str, pd.DataFrame]
    validation: ValidationReport
    declustering: DeclusteringResult
    global_mean: dict[str, float]
    swaths: dict[str, pd.DataFrame]
    curve: pd.DataFrame
    by_class: pd.DataFrame
    top_cut: TopCutReport | None = None
    truth: xr.Dataset | None = None
    truth_curve: pd.DataFrame | None = None
    record: dict[str, Any] = field(default_factory=dict)


def _database(source: DrillholeSource) -> tuple[DrillholeDatabase, Any]:
    """The drill-hole database, and the synthetic deposit when the campaign is synthetic."""
    if source.synthetic_seed is not None:
        _, deposit, wave_field = synthetic_porphyry_deposit(
            BlockGrid((0.0, 0.0, -600.0), (50.0, 50.0, 50.0), (2, 2, 2)),
            seed=source.synthetic_seed,
        )
        collar, survey, assay = synthetic_drill_campaign(
            deposit, wave_field, spacing=80.0, length=560.0, seed=source.synthetic_seed + 1
        )
        db = DrillholeDatabase(collar=collar, survey=survey, intervals=assay)
        return db, (deposit, wave_field)
    assert source.collar is not None
    assert source.survey is not None
    assert source.assay is not None
    mapping = load_mapping(source.mapping) if isinstance(source.mapping, Path) else source.mapping
    db = read_drillholes(
        source.collar,
        source.survey,
        source.assay,
        mapping=mapping,
        units=source.units,  # type: ignore[arg-type]
    )
    return db, None


def _variogram(
    spec: VariogramSpec, composites: pd.DataFrame, grade: str
) -> tuple[VariogramModel, dict[str, pd.DataFrame]]:
    xyz = composites[list(_AXES)].to_numpy(dtype=float)
    values = composites[grade].to_numpy(dtype=float)
    tables: dict[str, pd.DataFrame] = {}
    nugget = None
    if spec.downhole_lag is not None:
        downhole = downhole_variogram(
            composites["hole"].astype(str).to_numpy(),
            ((composites["from"] + composites["to"]) / 2).to_numpy(dtype=float),
            values,
            lag=spec.downhole_lag,
            n_lags=spec.downhole_n_lags,
        )
        tables["down-hole"] = downhole
        # A range shorter than two lags would pass for a nugget: bound it below.
        nugget = fit_variogram(downhole, spec.kinds[:1], min_range=2 * spec.downhole_lag).nugget
    bandwidth = np.inf if spec.bandwidth is None else spec.bandwidth
    if spec.directional:
        names = ("major", "semi-major", "minor")
        for name, (az, dp) in zip(
            names, axis_directions(spec.azimuth, spec.dip, spec.rake), strict=True
        ):
            table = experimental_variogram(
                xyz,
                values,
                lag=spec.lag,
                n_lags=spec.n_lags,
                azimuth=az,
                dip=dp,
                azimuth_tolerance=spec.azimuth_tolerance,
                dip_tolerance=spec.dip_tolerance,
                horizontal_bandwidth=bandwidth,
                vertical_bandwidth=bandwidth,
            )
            tables[f"{name} ({az:.0f}/{dp:.0f})"] = table
        directional = [t for label, t in tables.items() if label != "down-hole"]
        model = fit_anisotropic_variogram(
            directional,
            spec.kinds,
            azimuth=spec.azimuth,
            dip=spec.dip,
            rake=spec.rake,
            nugget_value=nugget,
        )
    else:
        table = experimental_variogram(xyz, values, lag=spec.lag, n_lags=spec.n_lags)
        tables["omnidirectional"] = table
        model = fit_variogram(
            table,
            spec.kinds,
            anisotropy=(*spec.ratios, spec.azimuth, spec.dip, spec.rake),  # type: ignore[arg-type]
            nugget_value=nugget,
        )
    return model, tables


def _neighbourhood(spec: KrigingSpec, vario: VariogramSpec, model: VariogramModel) -> Any:
    ranges = spec.ranges or tuple(
        max(float(s.ranges[k]) for s in model.structures)  # type: ignore[index]
        for k in range(3)
    )
    return SearchNeighbourhood(
        ranges=ranges,  # type: ignore[arg-type]
        azimuth=vario.azimuth if spec.azimuth is None else spec.azimuth,
        dip=vario.dip if spec.dip is None else spec.dip,
        rake=vario.rake if spec.rake is None else spec.rake,
        max_samples=spec.max_samples,
        min_samples=spec.min_samples,
        max_per_hole=spec.max_per_hole,
        max_per_octant=spec.max_per_octant,
    )


def _grid(spec: GridSpec, xyz: np.ndarray) -> BlockGrid:
    size: tuple[float, float, float] = spec.block_size  # type: ignore[assignment]
    if spec.origin is not None and spec.shape is not None:
        return BlockGrid(spec.origin, size, spec.shape)  # type: ignore[arg-type]
    return BlockGrid.covering(xyz, size, padding=spec.padding)


def run_estimate(spec: EstimateSpec, *, progress: Progress | None = None) -> EstimateResult:
    """Drill holes -> validation -> composites -> variogram -> block kriging -> classes ->
    grade-tonnage curves and validation, in memory."""
    where = str(spec.source or spec.name)
    db, synthetic = _database(spec.drillholes)
    if spec.drillholes.fix:
        db = fix(db, FixPolicy())
    report = require_valid(db)
    grade = spec.composites.grade
    if grade not in db.intervals.columns:
        grades = [c for c in db.intervals.columns if c not in ("hole", "from", "to")]
        msg = (
            f"{where} [composites]: no grade column {grade!r} in the assay table; it has "
            f"{', '.join(map(str, grades)) or 'no grade columns'} (rename with a mapping)"
        )
        raise RunConfigError(msg)
    composites = desurvey_intervals(db, composite(db, spec.composites.length, grades=[grade]))
    composites = composites[np.isfinite(composites[grade].to_numpy(dtype=float))]
    composites = composites.reset_index(drop=True)
    if composites.empty:
        msg = f"{where}: no composite has a {grade} value; check the assay table"
        raise RunConfigError(msg)
    cut = None
    if spec.composites.top_cut is not None or spec.composites.top_cut_percentile is not None:
        composites, cut = top_cut(
            composites,
            grade,
            value=spec.composites.top_cut,
            percentile=spec.composites.top_cut_percentile,
        )
    model, experimentals = _variogram(spec.variogram, composites, grade)
    xyz = composites[list(_AXES)].to_numpy(dtype=float)
    grid = _grid(spec.grid, xyz)
    mask = None
    if spec.grid.wireframe is not None:
        factor = FOOT if spec.grid.wireframe_units == "ft" else 1.0
        mask = inside_wireframe(grid, read_stl(spec.grid.wireframe) * factor)
        if not mask.any():
            msg = f"{where} [grid]: no block centroid lies inside {spec.grid.wireframe}"
            raise RunConfigError(msg)
    samples = average_duplicates(
        xyz,
        composites[grade].to_numpy(dtype=float),
        composites["hole"].astype(str).to_numpy(),
        tolerance=spec.kriging.duplicate_tolerance,
    )
    size = spec.grid.block_size
    estimator = OrdinaryKriging(
        model,
        neighbourhood=_neighbourhood(spec.kriging, spec.variogram, model),
        block_size=size,  # type: ignore[arg-type]
        discretisation=spec.kriging.discretisation,  # type: ignore[arg-type]
    ).fit(
        samples[list(_AXES)].to_numpy(dtype=float),
        samples["value"].to_numpy(dtype=float),
        samples["hole"].to_numpy(),
    )
    blocks = estimate_blocks(grid, estimator, mask=mask, progress=progress)
    blocks = blocks.rename({"estimate": grade})
    # Ordinary kriging weights can be negative, and so, rarely, can an estimate; a grade
    # cannot. Such blocks are set to zero (and counted in resource.json).
    negative = blocks[grade].values < 0
    blocks[grade].values[negative] = 0.0
    blocks.attrs["negative_estimates_set_to_zero"] = int(negative.sum())
    classes = spec.classification
    blocks["category"] = classify(
        blocks, classes.variable, classes.thresholds, higher_is_better=classes.higher_is_better
    )
    blocks.attrs.update({"grade": grade, "density": spec.resource.density})
    # Validation: composites inside estimated blocks, declustered, against the blocks.
    index = grid.index(xyz)
    inside = (index >= 0).all(axis=1)
    estimated = np.isfinite(blocks[grade].values)
    in_model = np.zeros(len(composites), dtype=bool)
    in_model[inside] = estimated[tuple(index[inside].T)]
    cells = spec.resource.declustering_cells or tuple(
        float(size[0]) * f for f in (1.0, 1.5, 2.0, 3.0, 4.0, 6.0)
    )
    declustering = cell_declustering(
        composites,
        grade,
        cells,
        anisotropy=(1.0, size[1] / size[0], size[2] / size[0]),
    )
    composites = composites.assign(weight=declustering.weights.to_numpy(), in_model=in_model)
    checked = composites[in_model]
    if checked.empty:
        msg = f"{where}: no composite lies inside an estimated block; check the grid and domain"
        raise RunConfigError(msg)
    mean_check = global_mean_check(blocks, grade, checked[grade], weights=checked["weight"])
    swaths = {
        axis: swath(
            blocks,
            grade,
            checked[list(_AXES)].to_numpy(dtype=float),
            checked[grade].to_numpy(dtype=float),
            axis=axis,
            weights=checked["weight"].to_numpy(dtype=float),
        )
        for axis in _AXES
    }
    density = spec.resource.density
    curve = grade_tonnage_curve(blocks, grade, spec.resource.cutoffs, density=density)
    by_class = grade_tonnage_curve(
        blocks, grade, spec.resource.cutoffs, density=density, by="category"
    )
    labels = CATEGORY_NAMES[classes.scheme]
    by_class["class"] = [labels[int(c) - 1] for c in by_class["category"]]
    truth = truth_curve = None
    if synthetic is not None:
        deposit, wave_field = synthetic
        true_grade = block_truth(grid, deposit, wave_field, discretisation=3, mask=estimated)
        truth = grid.dataset(**{grade: true_grade})
        truth_curve = grade_tonnage_curve(truth, grade, spec.resource.cutoffs, density=density)
        for axis in _AXES:
            swaths[axis]["truth_mean"] = swath(
                truth, grade, np.empty((0, 3)), np.empty(0), axis=axis
            )["estimate_mean"].to_numpy()
    result = EstimateResult(
        spec=spec,
        grid=grid,
        blocks=blocks,
        composites=composites,
        variogram=model,
        experimentals=experimentals,
        validation=report,
        declustering=declustering,
        global_mean=mean_check,
        swaths=swaths,
        curve=curve,
        by_class=by_class,
        top_cut=cut,
        truth=truth,
        truth_curve=truth_curve,
    )
    _set(result, "record", _record(result))
    return result


def _model_dict(model: VariogramModel) -> dict[str, Any]:
    return {
        "nugget": model.nugget,
        "sill": model.sill,
        "structures": [
            {
                "kind": s.kind,
                "sill": s.sill,
                "ranges": list(s.ranges),  # type: ignore[arg-type]
                "azimuth": s.azimuth,
                "dip": s.dip,
                "rake": s.rake,
            }
            for s in model.structures
        ],
    }


def _record(result: EstimateResult) -> dict[str, Any]:
    """The JSON summary (``resource.json``) of an estimate."""
    spec = result.spec
    grade = spec.composites.grade
    record: dict[str, Any] = {
        "name": spec.name,
        "grade": grade,
        "blocks": result.grid.n_blocks,
        "estimated_blocks": int(np.isfinite(result.blocks[grade].values).sum()),
        "negative_estimates_set_to_zero": result.blocks.attrs["negative_estimates_set_to_zero"],
        "composites": len(result.composites),
        "holes": result.validation.holes,
        "grid": {
            "origin": list(result.grid.origin),
            "block_size": list(result.grid.block_size),
            "shape": list(result.grid.shape),
        },
        "variogram": _model_dict(result.variogram),
        "declustering": {
            "cell_size": result.declustering.cell_size,
            "declustered_mean": result.declustering.mean,
            "naive_mean": result.declustering.naive_mean,
        },
        "global_mean": result.global_mean,
        "resource": result.by_class.to_dict(orient="records"),
        "total": result.curve.to_dict(orient="records"),
        "scheme": spec.classification.scheme,
        "illustrative": spec.drillholes.synthetic_seed is not None,
        "provenance": provenance(
            {"run_file": spec.source} if spec.source else {},
            {"scheme": spec.classification.scheme},
            spec.drillholes.synthetic_seed,
        ),
    }
    if result.top_cut is not None:
        record["top_cut"] = dataclasses.asdict(result.top_cut)
    if result.truth_curve is not None:
        record["truth"] = result.truth_curve.to_dict(orient="records")
    return record


# ------------------------------------------------------------------------------ outputs
def estimate_figures(result: EstimateResult) -> dict[str, Any]:
    """The figures of an estimate: variograms, swaths, sections, grade-tonnage curves."""
    grade = result.spec.composites.grade
    curves: dict[str, pd.DataFrame] = {"estimate": result.curve}
    # Figures name classes in English: matplotlib's bundled fonts have no CJK glyphs (the
    # report's tables carry the scheme's own names).
    labels = CATEGORY_NAMES["jorc"]
    for category in sorted(set(result.by_class["category"].astype(int))):
        table = result.by_class[result.by_class["category"] == category]
        curves[labels[category - 1]] = table
    if result.truth_curve is not None:
        curves["truth"] = result.truth_curve
    return {
        "variogram": variogram_figure(result.experimentals, result.variogram),
        "swaths": swath_figure(result.swaths, grade_label=grade),
        "sections": section_figure(
            result.blocks, grade, samples=result.composites, title=f"{result.spec.name}: {grade}"
        ),
        "grade_tonnage": grade_tonnage_figure(curves, grade_label=grade),
    }


def _resource_table(result: EstimateResult) -> pd.DataFrame:
    table = result.by_class[["cutoff", "class", "tonnes", "grade", "metal_t"]]
    total = result.curve.assign(**{"class": "total"})[list(table.columns)]
    out = pd.concat([table, total]).sort_values(["cutoff", "class"], kind="stable")
    return out.reset_index(drop=True)


def estimate_section(result: EstimateResult, figures: Mapping[str, Any] | None = None) -> Section:
    """The report section of an estimate: resource by class, validation, figures."""
    spec = result.spec
    grade = spec.composites.grade
    figures = dict(figures) if figures is not None else estimate_figures(result)
    check = result.global_mean
    summary = (
        f"{result.record['estimated_blocks']:,} blocks of "
        f"{' x '.join(f'{s:g}' for s in result.grid.block_size)} m kriged from "
        f"{len(result.composites):,} composites in {result.validation.holes} holes. Block mean "
        f"{check['block_mean']:.3g} against a declustered composite mean of "
        f"{check['sample_mean']:.3g} ({100 * check['relative_difference']:+.1f} %)."
    )
    tables = [
        (
            f"Resource by class and cutoff ({grade}, {spec.resource.density} t/m³)",
            _resource_table(result),
        )
    ]
    if result.truth_curve is not None:
        comparison = result.curve[["cutoff", "tonnes", "grade", "metal_t"]].merge(
            result.truth_curve[["cutoff", "tonnes", "grade", "metal_t"]],
            on="cutoff",
            suffixes=("_estimate", "_truth"),
        )
        comparison["metal_error"] = (
            comparison["metal_t_estimate"]
            / comparison["metal_t_truth"].where(comparison["metal_t_truth"] > 0)
            - 1.0
        )
        tables.append(("Estimate against the known truth (block support)", comparison))
    model = pd.DataFrame(_model_dict(result.variogram)["structures"])
    tables.append((f"Variogram model (nugget {result.variogram.nugget:.3g})", model))
    notes = [
        (
            f"Ordinary block kriging, {' x '.join(map(str, spec.kriging.discretisation))} "
            f"discretisation; classes by {spec.classification.variable} with thresholds "
            f"{', '.join(f'{t:g}' for t in spec.classification.thresholds)} "
            f"({spec.classification.scheme})."
        ),
        (
            f"Declustering cell {result.declustering.cell_size:g} m: declustered mean "
            f"{result.declustering.mean:.3g}, naive {result.declustering.naive_mean:.3g}."
        ),
    ]
    if result.top_cut is not None:
        notes.append(
            f"Top cut at {result.top_cut.threshold:.3g}: {result.top_cut.n_cut} composites, "
            f"{100 * result.top_cut.fraction_removed:.2f} % of the metal removed."
        )
    captions = {
        "variogram": "Experimental variograms (point size: pairs) and the fitted model",
        "swaths": "Swath plots: block estimates, declustered composites"
        + (", truth" if result.truth is not None else ""),
        "sections": "Plan and section through the richest level and row, with composites",
        "grade_tonnage": "Grade-tonnage curves, total and by class",
    }
    return Section(
        title=f"Deposit resource: {spec.name}",
        summary=summary,
        tables=tables,
        figures=[(captions.get(k, k), f) for k, f in figures.items()],
        notes=notes,
        illustrative=bool(result.record.get("illustrative")),
    )


_OUTPUTS = [
    "block_model.parquet",
    "grade_tonnage.csv",
    "resource.json",
    "variogram.csv",
    "composites.csv",
    "swaths.csv",
    "validation.json",
    "report.html",
    "figures",
]


def write_estimate_outputs(result: EstimateResult, folder: Path) -> tuple[list[Path], Section]:
    """Write the block model, tables, figures and report of an estimate into ``folder``;
    return the files and the report section (for reports that gather several stages)."""
    grade = result.spec.composites.grade
    experimental = pd.concat(
        [t.assign(direction=label) for label, t in result.experimentals.items()],
        ignore_index=True,
    )
    swaths = pd.concat(
        [t.assign(axis=axis) for axis, t in result.swaths.items()], ignore_index=True
    )
    figures = estimate_figures(result)
    paths = [
        write_block_model(result.blocks, folder / "block_model.parquet"),
        write_table(
            pd.concat([result.curve.assign(category=-1, **{"class": "all"}), result.by_class]),
            folder / "grade_tonnage.csv",
        ),
        write_table(experimental, folder / "variogram.csv"),
        write_table(result.composites, folder / "composites.csv"),
        write_table(swaths, folder / "swaths.csv"),
        write_json(result.validation.to_dict(), folder / "validation.json"),
        write_json(result.record, folder / "resource.json"),
        *write_figures(figures, folder / "figures"),
    ]
    section = estimate_section(result, figures)
    report = Report(
        title=f"Deposit resource: {result.spec.name}",
        subtitle=f"{grade} block model with bornite",
        sections=[section],
        provenance=result.record["provenance"],
    )
    paths.append(write_report(report, folder / "report.html", overwrite=True))
    return paths, section


def run_estimate_to_dir(
    run_file: Path,
    out: Path,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> tuple[dict[str, Any], list[Path]]:
    """``bornite estimate``: read the run file, estimate, write everything to ``out``."""
    spec = load_estimate_spec(run_file)
    folder = check_output_dir(out, _OUTPUTS, overwrite=overwrite)
    result = run_estimate(spec, progress=progress)
    paths, _ = write_estimate_outputs(result, folder)
    logger.info("estimate %s: wrote %d files to %s", spec.name, len(paths), folder)
    return result.record, paths
