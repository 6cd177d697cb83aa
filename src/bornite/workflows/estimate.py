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
    check_against_composites,
    classify,
    clip_negative_grades,
    declustering_cells,
    estimate_blocks,
    grade_tonnage_curve,
    inside_wireframe,
    resource_by_class,
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
    read_drillholes,
    read_stl,
    write_block_model,
    write_json,
    write_table,
)
from bornite.report import Section, format_quantity
from bornite.report.estimate import (
    grade_tonnage_figure,
    section_figure,
    swath_figure,
    variogram_figure,
)
from bornite.workflows._run import (
    Headline,
    RecordTable,
    RunRecord,
    TableSchema,
    as_toml,
    input_files,
    load_run_file,
    plain,
    run_to_dir,
    write_figures,
    write_run_report,
)
from bornite.workflows.drillholes import load_mapping

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
    "estimate_record",
    "estimate_section",
    "load_estimate_spec",
    "reporting_cutoff",
    "run_estimate",
    "run_estimate_to_dir",
    "write_estimate",
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
    ``bornite drillholes validate --mapping``); ``fix = true`` repairs problems with the
    default :class:`~bornite.drillholes.FixPolicy` instead of refusing the database, and
    ``fix = { overlap = "truncate", gap = "fill", ... }`` chooses the repairs (the policy's
    keys: ``duplicate_collar``, ``no_survey``, ``overlap``, ``gap``, ``beyond_length``,
    ``below_detection``, ``sentinels``).
    """

    collar: Path | None = None
    survey: Path | None = None
    assay: Path | None = None
    mapping: Path | dict[str, Any] | None = None
    units: str = "m"
    fix: bool | dict[str, Any] = False
    synthetic_seed: int | None = None

    def policy(self) -> FixPolicy | None:
        """The repairs to apply (``None``: refuse a database with problems)."""
        if self.fix is False:
            return None
        if self.fix is True:
            return FixPolicy()
        assert isinstance(self.fix, dict)
        allowed = {f.name for f in dataclasses.fields(FixPolicy)}
        unknown = sorted(set(self.fix) - allowed)
        if unknown:
            msg = (
                f"fix: unknown key(s) {', '.join(unknown)}; allowed keys are "
                f"{', '.join(sorted(allowed))}"
            )
            raise ValidationError(msg)
        values = dict(self.fix)
        if "sentinels" in values:
            values["sentinels"] = tuple(float(v) for v in values["sentinels"])
        try:
            return FixPolicy(**values)
        except ValidationError as error:
            msg = f"fix: {as_toml(str(error))}"
            raise ValidationError(msg) from error

    def __post_init__(self) -> None:
        if self.units not in ("m", "ft"):
            msg = f"units must be 'm' or 'ft', got {self.units!r}"
            raise ValidationError(msg)
        self.policy()
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
    """``[resource]``: cutoffs of the grade-tonnage table, the one the headline reports
    (default: the lowest positive cutoff), bulk density and declustering cell sizes."""

    cutoffs: tuple[float, ...] = (0.0, 0.2, 0.3, 0.4, 0.5)
    density: float = 2.7
    declustering_cells: tuple[float, ...] | None = None
    reporting_cutoff: float | None = None

    def __post_init__(self) -> None:
        _set(self, "cutoffs", _floats(self.cutoffs, None, "cutoffs"))
        if not self.cutoffs:
            msg = "cutoffs is empty; give at least one cutoff grade"
            raise ValidationError(msg)
        if self.reporting_cutoff is not None and self.reporting_cutoff not in self.cutoffs:
            msg = f"reporting_cutoff {self.reporting_cutoff:g} must be one of the cutoffs"
            raise ValidationError(msg)
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


_TABLES = {
    "drillholes": TableSchema(
        DrillholeSource, required=True, paths=("collar", "survey", "assay", "mapping")
    ),
    "composites": TableSchema(CompositeSpec),
    "variogram": TableSchema(VariogramSpec),
    "kriging": TableSchema(KrigingSpec),
    "grid": TableSchema(GridSpec, paths=("wireframe",)),
    "classification": TableSchema(ClassificationSpec),
    "resource": TableSchema(ResourceSpec),
}


def load_estimate_spec(path: str | Path) -> EstimateSpec:
    """Parse an estimate run file; errors name the file, table and key."""
    path = Path(path)
    parts, name = load_run_file(path, _TABLES)
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


def _composites(
    spec: EstimateSpec, db: DrillholeDatabase, where: str
) -> tuple[pd.DataFrame, TopCutReport | None]:
    """Composites of the grade, located, with finite grades, top-cut if asked."""
    grade = spec.composites.grade
    if grade not in db.intervals.columns:
        grades = [c for c in db.intervals.columns if c not in ("hole", "from", "to")]
        msg = (
            f"{where} [composites]: grade = {grade!r} is not a column of the assay table; it "
            f"has {', '.join(map(str, grades)) or 'no grade columns'} (rename with a mapping)"
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
    return composites, cut


def _krige(
    spec: EstimateSpec,
    composites: pd.DataFrame,
    model: VariogramModel,
    where: str,
    progress: Progress | None,
) -> tuple[BlockGrid, xr.Dataset]:
    """Ordinary block kriging of the composites on the run's grid (inside its wireframe)."""
    grade = spec.composites.grade
    xyz = composites[list(_AXES)].to_numpy(dtype=float)
    try:
        grid = _grid(spec.grid, xyz)
    except ValidationError as error:
        msg = f"{where} [grid]: {error}"
        raise RunConfigError(msg) from error
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
    estimator = OrdinaryKriging(
        model,
        neighbourhood=_neighbourhood(spec.kriging, spec.variogram, model),
        block_size=spec.grid.block_size,  # type: ignore[arg-type]
        discretisation=spec.kriging.discretisation,  # type: ignore[arg-type]
    ).fit(
        samples[list(_AXES)].to_numpy(dtype=float),
        samples["value"].to_numpy(dtype=float),
        samples["hole"].to_numpy(),
    )
    blocks = estimate_blocks(grid, estimator, mask=mask, progress=progress)
    return grid, blocks.rename({"estimate": grade})


def run_estimate(spec: EstimateSpec, *, progress: Progress | None = None) -> EstimateResult:
    """Drill holes -> validation -> composites -> variogram -> block kriging -> classes ->
    grade-tonnage curves and validation, in memory."""
    where = str(spec.source or spec.name)
    db, synthetic = _database(spec.drillholes)
    policy = spec.drillholes.policy()
    if policy is not None:
        db = fix(db, policy)
    report = require_valid(db)
    grade = spec.composites.grade
    composites, cut = _composites(spec, db, where)
    model, experimentals = _variogram(spec.variogram, composites, grade)
    grid, blocks = _krige(spec, composites, model, where, progress)
    clip_negative_grades(blocks, grade)
    classes = spec.classification
    blocks["category"] = classify(
        blocks, classes.variable, classes.thresholds, higher_is_better=classes.higher_is_better
    )
    blocks.attrs.update({"grade": grade, "density": spec.resource.density})
    size = spec.grid.block_size
    declustering = cell_declustering(
        composites,
        grade,
        spec.resource.declustering_cells or declustering_cells(size),  # type: ignore[arg-type]
        anisotropy=(1.0, size[1] / size[0], size[2] / size[0]),
    )
    weights = declustering.weights.to_numpy()
    try:
        check = check_against_composites(
            blocks, grade, composites[list(_AXES)], composites[grade], weights
        )
    except ValidationError as error:
        msg = f"{where}: {error}"
        raise RunConfigError(msg) from error
    composites = composites.assign(weight=weights, in_model=check.in_model)
    curve, by_class = resource_by_class(
        blocks, grade, spec.resource.cutoffs, density=spec.resource.density, scheme=classes.scheme
    )
    truth = truth_curve = None
    if synthetic is not None:
        deposit, wave_field = synthetic
        estimated = np.isfinite(blocks[grade].values)
        true_grade = block_truth(grid, deposit, wave_field, discretisation=3, mask=estimated)
        truth = grid.dataset(**{grade: true_grade})
        truth_curve = grade_tonnage_curve(
            truth, grade, spec.resource.cutoffs, density=spec.resource.density
        )
        for axis in _AXES:
            check.swaths[axis]["truth_mean"] = swath(
                truth, grade, np.empty((0, 3)), np.empty(0), axis=axis
            )["estimate_mean"].to_numpy()
    return EstimateResult(
        spec=spec,
        grid=grid,
        blocks=blocks,
        composites=composites,
        variogram=model,
        experimentals=experimentals,
        validation=report,
        declustering=declustering,
        global_mean=check.global_mean,
        swaths=check.swaths,
        curve=curve,
        by_class=by_class,
        top_cut=cut,
        truth=truth,
        truth_curve=truth_curve,
    )


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


_RANGE_COLUMNS = ("major_m", "semi_major_m", "minor_m")


def _structures(model: VariogramModel) -> pd.DataFrame:
    """The nested structures of a variogram model, one row each, ranges by axis (m)."""
    return pd.DataFrame(
        [
            {
                "kind": s.kind,
                "sill": s.sill,
                **dict(zip(_RANGE_COLUMNS, np.broadcast_to(s.ranges, 3).tolist(), strict=True)),
                "azimuth_deg": s.azimuth,
                "dip_deg": s.dip,
                "rake_deg": s.rake,
            }
            for s in model.structures
        ]
    )


def _results(result: EstimateResult) -> dict[str, Any]:
    """What ``resource.json`` holds: the grid, variogram, declustering, global-mean check and
    the resource by class and in total at every cutoff (and the truth when known)."""
    spec = result.spec
    grade = spec.composites.grade
    out: dict[str, Any] = {
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
        "reporting_cutoff": reporting_cutoff(spec.resource),
        "scheme": spec.classification.scheme,
        "illustrative": spec.drillholes.synthetic_seed is not None,
    }
    if result.top_cut is not None:
        out["top_cut"] = dataclasses.asdict(result.top_cut)
    if result.truth_curve is not None:
        out["truth"] = result.truth_curve.to_dict(orient="records")
    return out


def reporting_cutoff(spec: ResourceSpec) -> float:
    """The cutoff of the headline resource: ``reporting_cutoff``, else the lowest positive
    cutoff (else the lowest)."""
    if spec.reporting_cutoff is not None:
        return float(spec.reporting_cutoff)
    positive = [c for c in spec.cutoffs if c > 0]
    return float(min(positive) if positive else min(spec.cutoffs))


def _headline(result: EstimateResult) -> list[Headline]:
    """Blocks, composites and holes; the resource at the reporting cutoff (and the truth's);
    the global-mean check and the negative estimates set to zero."""
    spec = result.spec
    grade = spec.composites.grade
    _, unit = parse_grade_column(grade)
    cutoff = reporting_cutoff(spec.resource)
    total = result.curve.set_index("cutoff").loc[cutoff].to_dict()
    at = f"above {cutoff:g} {unit}"
    estimated = int(np.isfinite(result.blocks[grade].values).sum())
    headline = [
        Headline("estimated_blocks", "blocks estimated", estimated, "count"),
        Headline("composites", "composites", len(result.composites), "count"),
        Headline("holes", "holes", int(result.validation.holes), "count"),
        Headline("ore_t", f"resource {at}: tonnes (all classes)", float(total["tonnes"]), "t"),
        Headline("grade", f"resource {at}: grade", float(total["grade"]), unit),
        Headline("metal_t", f"resource {at}: contained metal", float(total["metal_t"]), "t"),
    ]
    if result.truth_curve is not None:
        truth = result.truth_curve.set_index("cutoff").loc[cutoff].to_dict()
        label = f"known truth {at}: contained metal"
        headline.append(
            Headline("truth_metal_t", label, float(truth["metal_t"]), "t", "synthetic truth")
        )
    difference = float(result.global_mean["relative_difference"])
    negative = int(result.blocks.attrs["negative_estimates_set_to_zero"])
    return [
        *headline,
        Headline(
            "global_mean_difference",
            "block mean / declustered composite mean - 1",
            difference,
            "fraction",
        ),
        Headline(
            "negative_estimates_set_to_zero", "negative estimates set to 0", negative, "count"
        ),
    ]


def estimate_record(result: EstimateResult, *, within: Path | None = None) -> RunRecord:
    """The :class:`~bornite.workflows.RunRecord` of an estimate (without output files)."""
    spec = result.spec
    grade = spec.composites.grade
    _, unit = parse_grade_column(grade)
    files: dict[str, Any] = {"run_file": spec.source, "wireframe": spec.grid.wireframe}
    source = spec.drillholes
    files |= {"collar": source.collar, "survey": source.survey, "assay": source.assay}
    if isinstance(source.mapping, Path):
        files["mapping"] = source.mapping
    return RunRecord(
        kind="estimate",
        name=spec.name,
        inputs=input_files(files, within=within),
        parameters={k: plain(getattr(spec, k)) for k in _TABLES},
        seed=source.synthetic_seed,
        illustrative=source.synthetic_seed is not None,
        headline=tuple(_headline(result)),
        tables={
            "resource": RecordTable.from_frame(
                f"resource by class ({grade}, {spec.resource.density:g} t/m³)",
                _resource_table(result),
                units={"grade": unit},
                shown=40,
            ),
            "variogram": RecordTable.from_frame(
                f"variogram model (nugget {format_quantity(result.variogram.nugget)}; "
                "ranges along the major, semi-major and minor axes)",
                _structures(result.variogram)[["kind", "sill", *_RANGE_COLUMNS]],
            ),
        },
        results=_results(result),
    )


# ------------------------------------------------------------------------------ outputs
def estimate_figures(result: EstimateResult) -> dict[str, Any]:
    """The figures of an estimate: variograms, swaths, sections, grade-tonnage curves."""
    grade = result.spec.composites.grade
    curves: dict[str, pd.DataFrame] = {"estimate": result.curve}
    # The scheme's own names (探明 (measured) for GB/T 17766): figures are SVG text, drawn by
    # the reader's fonts.
    labels = CATEGORY_NAMES[result.spec.classification.scheme]
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


def _truth_table(result: EstimateResult) -> pd.DataFrame:
    """Tonnes, grade and metal above each cutoff, estimated and true, and the metal error."""
    assert result.truth_curve is not None
    _, unit = parse_grade_column(result.spec.composites.grade)
    columns = ["cutoff", "tonnes", "grade", "metal_t"]
    comparison = result.curve[columns].merge(
        result.truth_curve[columns], on="cutoff", suffixes=("_estimate", "_truth")
    )
    truth = comparison["metal_t_truth"].where(comparison["metal_t_truth"] > 0)
    comparison["metal_error"] = comparison["metal_t_estimate"] / truth - 1.0
    comparison.attrs["units"] = {
        "cutoff": unit,
        "grade_estimate": unit,
        "grade_truth": unit,
        "metal_error": "fraction",
    }
    return comparison


def estimate_section(result: EstimateResult, figures: Mapping[str, Any] | None = None) -> Section:
    """The report section of an estimate: resource by class, validation, figures."""
    spec = result.spec
    grade = spec.composites.grade
    figures = dict(figures) if figures is not None else estimate_figures(result)
    check = result.global_mean
    _, unit = parse_grade_column(grade)
    estimated = int(np.isfinite(result.blocks[grade].values).sum())
    summary = (
        f"{estimated:,} blocks of "
        f"{' x '.join(f'{s:g}' for s in result.grid.block_size)} m kriged from "
        f"{len(result.composites):,} composites in {result.validation.holes} holes. Block mean "
        f"{format_quantity(check['block_mean'], unit)} against a declustered composite mean of "
        f"{format_quantity(check['sample_mean'], unit)} "
        f"({100 * check['relative_difference']:+.1f} %)."
    )
    resource = _resource_table(result)
    resource.attrs["units"] = {"grade": unit, "cutoff": unit}
    tables = [(f"Resource by class and cutoff ({grade}, {spec.resource.density:g} t/m³)", resource)]
    if result.truth_curve is not None:
        tables.append(("Estimate against the known truth (block support)", _truth_table(result)))
    tables.append(
        (
            f"Variogram model (nugget {format_quantity(result.variogram.nugget)})",
            _structures(result.variogram),
        )
    )
    notes = [
        (
            f"Ordinary block kriging, {' x '.join(map(str, spec.kriging.discretisation))} "
            f"discretisation; classes by {spec.classification.variable} with thresholds "
            f"{', '.join(f'{t:g}' for t in spec.classification.thresholds)} "
            f"({spec.classification.scheme})."
        ),
        (
            f"Declustering cell {result.declustering.cell_size:g} m: declustered mean "
            f"{format_quantity(result.declustering.mean, unit)}, naive "
            f"{format_quantity(result.declustering.naive_mean, unit)}."
        ),
        (
            f"{result.blocks.attrs['negative_estimates_set_to_zero']:,} negative ordinary-kriging "
            "estimates were set to zero."
        ),
    ]
    if result.top_cut is not None:
        notes.append(
            f"Top cut at {format_quantity(result.top_cut.threshold, unit)}: "
            f"{result.top_cut.n_cut} composites, "
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
        illustrative=spec.drillholes.synthetic_seed is not None,
    )


def write_estimate(
    result: EstimateResult, folder: Path, *, report: bool = True, within: Path | None = None
) -> tuple[RunRecord, Section]:
    """Write the block model, tables, figures and (with ``report``) the report of an estimate
    into ``folder``; return its record and its report section.

    Files: ``block_model.parquet``, ``grade_tonnage.csv``, ``resource.json`` (the record's
    results), ``variogram.csv``, ``composites.csv``, ``swaths.csv``, ``validation.json``,
    ``figures/`` and ``report.html``.
    """
    record = estimate_record(result, within=within)
    experimental = pd.concat(
        [t.assign(direction=label) for label, t in result.experimentals.items()],
        ignore_index=True,
    )
    swaths = pd.concat(
        [t.assign(axis=axis) for axis, t in result.swaths.items()], ignore_index=True
    )
    write_block_model(result.blocks, folder / "block_model.parquet")
    write_table(
        pd.concat([result.curve.assign(category=-1, **{"class": "all"}), result.by_class]),
        folder / "grade_tonnage.csv",
    )
    write_table(experimental, folder / "variogram.csv")
    write_table(result.composites, folder / "composites.csv")
    write_table(swaths, folder / "swaths.csv")
    write_json(result.validation.to_dict(), folder / "validation.json")
    write_json(record.results, folder / "resource.json")
    figures = estimate_figures(result)
    write_figures(figures, folder / "figures")
    section = estimate_section(result, figures)
    if report:
        write_run_report(
            folder,
            record,
            [section],
            title=f"Deposit resource: {result.spec.name}",
            subtitle=f"{result.spec.composites.grade} block model with bornite",
        )
    return record, section


def run_estimate_to_dir(
    run_file: str | Path,
    out: str | Path,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> RunRecord:
    """``bornite estimate``: read the run file, estimate, write everything to ``out``."""
    spec = load_estimate_spec(run_file)

    def write(folder: Path) -> RunRecord:
        return write_estimate(run_estimate(spec, progress=progress), folder)[0]

    return run_to_dir(out, write, overwrite=overwrite)
