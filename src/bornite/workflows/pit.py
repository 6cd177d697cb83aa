"""``bornite pit``: ultimate pits of MineLib instances, and nested shells on a block model.

:func:`solve_minelib` reads a MineLib instance and solves its ultimate pit exactly.
:func:`load_pit_spec` parses a pit run file (keys in ``docs/pit.md``) into a
:class:`PitRunSpec`; :func:`run_pit` values the blocks of a ``bornite estimate`` block model,
builds the slope precedence, solves the nested shells, chooses the reporting shell and
tabulates the pit-constrained resource; :func:`write_pit` writes its tables, figures and
report and returns its record; :func:`run_pit_to_dir` does both into an output folder.
"""

from __future__ import annotations

import itertools
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from bornite.blockmodel import CATEGORY_NAMES, DIMS, BlockGrid, Surface, model_from_table
from bornite.core.units import grade_column, is_grade_column, parse_grade_column
from bornite.errors import BorniteError, ConvergenceError, RunConfigError, ValidationError
from bornite.io import read_surface, read_table, write_json, write_table
from bornite.io.minelib import read_minelib
from bornite.pit import (
    DEFAULT_REVENUE_FACTORS,
    ENGINES,
    PitEconomics,
    PitSolution,
    SlopeSet,
    block_values,
    domain_label,
    integer_values,
    nested_shells,
    pit_by_pit,
    resource_in_pit,
    select_shell,
    slope_arcs,
    ultimate_pit,
)
from bornite.report import Section, format_quantity
from bornite.report.pit import pit_by_pit_figure, pit_section, pit_section_figure
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
    "ModelSpec",
    "PitResult",
    "PitRunSpec",
    "ShellSpec",
    "load_pit_spec",
    "pit_record",
    "run_pit",
    "run_pit_to_dir",
    "solve_minelib",
    "write_pit",
]


# ------------------------------------------------------------------------------ MineLib
def solve_minelib(prefix: str | Path, *, engine: str = "auto") -> RunRecord:
    """Read ``PREFIX.blocks``, ``.prec`` and ``.upit`` and solve the ultimate pit exactly.

    Returns
    -------
    RunRecord
        Kind ``minelib``; its results hold ``name``, ``objective`` (exact sum of the file's
        values inside the pit, as a float), ``objective_rounded`` (to the unit),
        ``blocks_in_pit``, ``blocks``, ``arcs``, ``seconds`` (solve), ``read_seconds``,
        ``engine``, ``scale`` (power of ten the values were multiplied by for the integer
        solve) and ``exact`` (whether that scale kept every digit).
    """
    start = time.perf_counter()
    instance = read_minelib(prefix)
    read_seconds = time.perf_counter() - start
    pit = ultimate_pit(instance.values, instance.source, instance.target, engine=engine)
    objective = instance.objective(pit.mask)
    results = {
        "name": instance.name,
        "objective": float(objective),
        "objective_rounded": int(objective.to_integral_value()),
        "blocks_in_pit": pit.n_blocks,
        "blocks": instance.n_blocks,
        "arcs": int(instance.source.size),
        "seconds": pit.seconds,
        "read_seconds": read_seconds,
        "engine": pit.engine,
        "scale": instance.scale,
        "exact": not instance.rounded,
    }
    base = Path(prefix)
    files = {kind: base.with_name(base.name + f".{kind}") for kind in ("blocks", "prec", "upit")}
    return RunRecord(
        kind="minelib",
        name=instance.name,
        inputs=input_files(files),
        parameters={"engine": engine},
        headline=(
            Headline(
                "objective",
                "objective (sum of values in the pit)",
                float(objective),
                "",
                "exact" if results["exact"] else "values rounded for the solve",
            ),
            Headline("blocks_in_pit", "blocks in the pit", pit.n_blocks, "count"),
            Headline("blocks", "blocks", instance.n_blocks, "count"),
            Headline("arcs", "precedence arcs", int(instance.source.size), "count"),
            Headline("seconds", f"solve ({pit.engine})", pit.seconds, "s"),
        ),
        results=results,
    )


# ------------------------------------------------------------------------------ run file
@dataclass(frozen=True)
class ModelSpec:
    """``[model]``: the block model written by ``bornite estimate``.

    Parameters
    ----------
    block_model : Path
        ``block_model.parquet`` (or CSV) with ``easting``, ``northing``, ``elevation`` block
        centroids, grade column(s) ``<element>_<unit>`` and optionally ``category``.
    block_size : (float, float, float), optional
        Block size in metres; default: ``grid.block_size`` of the ``resource.json`` beside the
        block model.
    density : float or str
        Bulk density (t/m^3) or a density column.
    domain : str, optional
        Column with each block's domain (for ``domain_recovery`` and slope domains).
    category : str
        Column with the resource class code (1 measured, 2 indicated, 3 inferred, 0 none).
    scheme : str, optional
        Class names: ``jorc``, ``cim`` or ``gbt17766`` (default: the estimate's, else jorc).
    grade : str, optional
        Column with the grade of the (first) priced element when it is not named
        ``<element>_<unit>`` (e.g. ``"estimate"``), in ``grade_unit``.
    grade_unit : str
        Unit of ``grade`` (``%``, ``g/t``, ``ppm``, ``ppb``).
    surface : float, optional
        Elevation (m) of a flat topographic surface: the grid is extended upward with
        waste blocks up to it (an estimate's grid often stops below the surface).
    topography : Path, optional
        The topographic surface instead: survey points (CSV ``easting, northing,
        elevation``) or a GeoTIFF elevation model (:func:`bornite.io.read_surface`). Blocks
        are rock below it (the block it cuts in proportion) and air above it.
    pad : float
        Metres of waste blocks added around the block model in easting and northing, so
        that the pit walls can reach beyond the estimated blocks (about the pit's depth for
        45-degree walls).
    """

    block_model: Path
    block_size: tuple[float, float, float] | None = None
    grade: str | None = None
    grade_unit: str = "%"
    surface: float | None = None
    topography: Path | None = None
    pad: float = 0.0
    density: float | str = 2.7
    domain: str | None = None
    category: str = "category"
    scheme: str | None = None

    def __post_init__(self) -> None:
        if self.surface is not None and self.topography is not None:
            msg = "give surface (a flat elevation) or topography (a file), not both"
            raise RunConfigError(msg)
        if not (np.isfinite(self.pad) and self.pad >= 0):
            msg = f"pad must be a distance >= 0 m, got {self.pad}"
            raise RunConfigError(msg)
        if self.block_size is not None:
            size = tuple(self.block_size)
            if len(size) != 3 or not all(isinstance(v, int | float) and v > 0 for v in size):
                msg = f"block_size must be three positive numbers (metres), got {list(size)}"
                raise RunConfigError(msg)
            object.__setattr__(self, "block_size", tuple(float(v) for v in size))


@dataclass(frozen=True)
class ShellSpec:
    """``[shells]``: revenue factors, the reporting-shell choice and the solver.

    Parameters
    ----------
    revenue_factors : tuple of float
        Strictly increasing price multipliers (default 0.30 to 1.25 by 0.05).
    select : str
        ``"revenue_factor"`` (largest shell with factor <= ``select_factor``) or
        ``"max_value"`` (shell of largest undiscounted value).
    select_factor : float
        Factor for ``select = "revenue_factor"``.
    engine : str
        ``auto``, ``pymineflow``, ``ortools`` or ``scipy``.
    unit : float
        Block values are rounded to whole multiples of this many USD for the exact solve.
    n_jobs : int, optional
        Threads for the shells (see :func:`bornite.pit.nested_shells`); default the
        ``n_jobs`` option of :func:`bornite.set_options` (1).
    """

    revenue_factors: tuple[float, ...] = DEFAULT_REVENUE_FACTORS
    select: str = "revenue_factor"
    select_factor: float = 1.0
    engine: str = "auto"
    unit: float = 1.0
    n_jobs: int | None = None

    def __post_init__(self) -> None:
        factors = tuple(float(f) for f in self.revenue_factors)
        if not factors or any(not math.isfinite(f) or f <= 0 for f in factors):
            msg = f"revenue_factors must be positive numbers, got {list(self.revenue_factors)}"
            raise ValidationError(msg)
        if any(b <= a for a, b in itertools.pairwise(factors)):
            msg = f"revenue_factors must be strictly increasing, got {list(factors)}"
            raise ValidationError(msg)
        object.__setattr__(self, "revenue_factors", factors)
        if self.select not in ("revenue_factor", "max_value"):
            msg = f"select must be 'revenue_factor' or 'max_value', got {self.select!r}"
            raise ValidationError(msg)
        if self.engine not in ("auto", *ENGINES):
            msg = f"engine must be one of auto, {', '.join(ENGINES)}; got {self.engine!r}"
            raise ValidationError(msg)
        if not self.unit > 0:
            msg = f"unit must be > 0 USD, got {self.unit}"
            raise ValidationError(msg)
        if self.n_jobs is not None and self.n_jobs < 1:
            msg = f"n_jobs must be >= 1 thread, got {self.n_jobs}"
            raise ValidationError(msg)


@dataclass(frozen=True)
class PitRunSpec:
    """A whole pit run: model, economics, slopes and shells."""

    name: str
    model: ModelSpec
    economics: PitEconomics
    slopes: SlopeSet
    shells: ShellSpec = field(default_factory=ShellSpec)
    source: Path | None = None


_TABLES = {
    "model": TableSchema(ModelSpec, required=True, paths=("block_model", "topography")),
    "economics": TableSchema(PitEconomics, required=True),
    "slopes": TableSchema(SlopeSet),
    "shells": TableSchema(ShellSpec),
}


def load_pit_spec(path: str | Path) -> PitRunSpec:
    """Parse a pit run file; errors name the file, table and key."""
    path = Path(path)
    parts, name = load_run_file(path, _TABLES)
    model: ModelSpec = parts["model"]
    if model.domain is None:
        for table, key, value in (
            ("economics", "domain_recovery", parts["economics"].domain_recovery),
            ("slopes", "domains", parts["slopes"].domains),
        ):
            if value:
                msg = (
                    f'{path} [{table}]: {key} needs [model] domain = "<column>" (the block '
                    "model's domain column); without it every block would take the defaults"
                )
                raise RunConfigError(msg)
    return PitRunSpec(name, model, parts["economics"], parts["slopes"], parts["shells"], path)


# ------------------------------------------------------------------------------ run
@dataclass(frozen=True)
class PitResult:
    """Everything a pit run computed (see :func:`run_pit`).

    Attributes
    ----------
    model, values : xarray.Dataset
        The block model (with waste blocks up to the surface) and the block values.
    shells : xarray.DataArray
        First shell of every block (0 outside every shell).
    table : pandas.DataFrame
        Pit by pit (:func:`bornite.pit.pit_by_pit`).
    selected : int
        The reporting shell.
    resource : pandas.DataFrame
        The pit-constrained resource by class (:func:`bornite.pit.resource_in_pit`).
    slopes : pandas.DataFrame
        How well the precedence honours the slope angles.
    ultimate : PitSolution
        The factor-1 pit solved on its own (a check on the shells).
    arcs, pattern_arcs : int
        Precedence arcs in all, and in the default pattern.
    scheme : str
        Class names of the resource.
    illustrative : bool
        The block model comes from an illustrative estimate (its ``resource.json`` says so).
    seconds : dict
        Time of each step.
    """

    spec: PitRunSpec
    model: xr.Dataset
    values: xr.Dataset
    shells: xr.DataArray
    table: pd.DataFrame
    selected: int
    resource: pd.DataFrame
    slopes: pd.DataFrame
    ultimate: PitSolution
    arcs: int
    pattern_arcs: int
    scheme: str
    seconds: dict[str, float]
    illustrative: bool = False


def _estimate_summary(spec: ModelSpec) -> dict[str, Any]:
    """The ``resource.json`` an estimate wrote beside the block model (empty when there is
    none or it cannot be read): read once, for the block size, scheme and illustrative flag."""
    try:
        data = json.loads((spec.block_model.parent / "resource.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _block_size(spec: ModelSpec, estimate: dict[str, Any]) -> tuple[float, float, float]:
    if spec.block_size is not None:
        return spec.block_size
    try:
        size = estimate["grid"]["block_size"]
        return (float(size[0]), float(size[1]), float(size[2]))
    except (KeyError, TypeError, ValueError, IndexError):
        pass
    msg = (
        f"{spec.block_model}: the block size is unknown; give [model] block_size = [dx, dy, dz] "
        "(no resource.json with grid.block_size beside the block model)"
    )
    raise RunConfigError(msg)


def _scheme(spec: ModelSpec, estimate: dict[str, Any]) -> str:
    """Class names: ``[model] scheme``, else the estimate's, else JORC."""
    scheme = spec.scheme or str(estimate.get("scheme") or "jorc")
    if scheme not in CATEGORY_NAMES:
        msg = f"[model] scheme must be one of {', '.join(CATEGORY_NAMES)}, got {scheme!r}"
        raise RunConfigError(msg)
    return scheme


def _load_model(
    spec: PitRunSpec, block_size: tuple[float, float, float]
) -> tuple[xr.Dataset, str, str]:
    """The block model of the run (grade column renamed to ``<element>_<unit>``), the
    priced element and its grade unit; domain keys checked against the model's domains."""
    table = read_table(spec.model.block_model)
    element = next(iter(spec.economics.prices))
    where = f"{spec.source} [model]"
    if spec.model.grade is not None:
        if spec.model.grade not in table.columns:
            msg = f"{where}: grade = {spec.model.grade!r} is not a column of the block model"
            raise RunConfigError(msg)
        try:
            name = grade_column(element, spec.model.grade_unit)
        except BorniteError as error:
            msg = f"{where}: grade_unit: {error}"
            raise RunConfigError(msg) from error
        table = table.drop(columns=[name], errors="ignore").rename(columns={spec.model.grade: name})
    surface: Surface | None = spec.model.surface
    if spec.model.topography is not None:
        surface = read_surface(spec.model.topography)
    try:
        model = model_from_table(
            table,
            block_size,
            surface=surface,
            pad=spec.model.pad,
            where=str(spec.model.block_model),
        )
    except ValidationError as error:
        raise RunConfigError(str(error)) from error
    density = [spec.model.density] if isinstance(spec.model.density, str) else []
    for key, column in (("domain", spec.model.domain), *(("density", d) for d in density)):
        if column is not None and column not in model:
            msg = f"{where}: {key} = {column!r} is not a column of the block model"
            raise RunConfigError(msg)
    if spec.model.domain is not None:
        present = {
            label
            for label in (domain_label(v) for v in model[spec.model.domain].values.ravel())
            if label is not None
        }
        for section, key, configured in (
            ("economics", "domain_recovery", spec.economics.domain_recovery),
            ("slopes", "domains", spec.slopes.domains or {}),
        ):
            unknown = sorted(set(configured) - present)
            if unknown:
                msg = (
                    f"{spec.source} [{section}]: {key} names domain(s) {', '.join(unknown)} that "
                    f"no block of column {spec.model.domain!r} has (it has "
                    f"{', '.join(sorted(present)[:10]) or 'none'})"
                )
                raise RunConfigError(msg)
    grade_name = next(
        (
            str(v)
            for v in model.data_vars
            if is_grade_column(str(v)) and str(v).startswith(f"{element}_")
        ),
        None,
    )
    if grade_name is None:
        msg = (
            f"{spec.model.block_model}: no {element}_<unit> grade column for the priced "
            f"element {element!r}; name it with [model] grade and grade_unit"
        )
        raise RunConfigError(msg)
    return model, element, parse_grade_column(grade_name)[1]


def _check_factor_one(
    shell: np.ndarray, factors: tuple[float, ...], rounded: np.ndarray, ultimate: PitSolution
) -> None:
    """Two independent exact solves of the factor-1 pit must agree in value."""
    if 1.0 not in factors:
        return
    at_one = (shell >= 1) & (shell <= factors.index(1.0) + 1)
    if int(rounded[at_one].sum()) != ultimate.value:
        msg = (
            f"the factor-1 shell is worth {int(rounded[at_one].sum())} but the ultimate pit "
            f"{ultimate.value} (integer units); please report it"
        )
        raise ConvergenceError(msg)


def _precedence(
    spec: PitRunSpec, model: xr.Dataset
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame, int]:
    """Slope arcs of the model, by slope domain when the run names some."""
    shape = tuple(model.sizes[d] for d in DIMS)
    labels = None
    if spec.model.domain is not None and spec.slopes.domains:
        labels = np.array([domain_label(v) for v in model[spec.model.domain].values.ravel()])
    size = tuple(float(v) for v in model.attrs["block_size"])
    return slope_arcs(shape, size, spec.slopes, labels)  # type: ignore[arg-type]


def run_pit(spec: PitRunSpec) -> PitResult:
    """Value the blocks, build the precedence, solve the nested shells, choose the reporting
    shell and tabulate the pit-constrained resource."""
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[step] = now - clock
        clock = now

    estimate = _estimate_summary(spec.model)
    model, element, unit = _load_model(spec, _block_size(spec.model, estimate))
    lap("read")
    values = block_values(
        model,
        spec.economics,
        density=spec.model.density,
        domain=spec.model.domain,
        in_situ="below_surface" if "below_surface" in model else None,
    )
    lap("values")
    source, target, slopes, pattern_arcs = _precedence(spec, model)
    lap("precedence")
    r, p, m = (
        values[k].values.ravel() for k in ("revenue_usd", "processing_cost_usd", "mining_cost_usd")
    )
    shells = spec.shells
    factors = shells.revenue_factors
    options = {"unit": shells.unit, "engine": shells.engine, "n_jobs": shells.n_jobs}
    shell = nested_shells(r, p, m, source, target, factors, **options)  # type: ignore[arg-type]
    lap("shells")
    rounded = integer_values(values["value_usd"].values, shells.unit)
    ultimate = ultimate_pit(rounded, source, target, engine=shells.engine)
    lap("ultimate_pit")
    _check_factor_one(shell, factors, rounded, ultimate)
    ore, metal = values["ore_t"].values, values[f"{element}_t"].values
    by_shell = pit_by_pit(
        shell,
        factors,
        tonnes=values["tonnes"].values,
        ore_t=ore,
        metal_t=metal,
        revenue=r,
        processing_cost=p,
        mining_cost=m,
        grade_unit=unit,
    )
    selected = select_shell(by_shell, method=shells.select, revenue_factor=shells.select_factor)
    scheme = _scheme(spec.model, estimate)
    category = model[spec.model.category].values if spec.model.category in model else None
    inside = (shell >= 1) & (shell <= selected)
    resource = resource_in_pit(inside, r > p, ore, metal, category, scheme=scheme, grade_unit=unit)
    grid = xr.DataArray(
        shell.reshape(tuple(model.sizes[d] for d in DIMS)),
        dims=DIMS,
        coords={d: model[d] for d in DIMS},
        name="shell",
    )
    return PitResult(
        spec=spec,
        model=model,
        values=values,
        shells=grid,
        table=by_shell,
        selected=selected,
        resource=resource,
        slopes=slopes,
        ultimate=ultimate,
        arcs=int(source.size),
        pattern_arcs=pattern_arcs,
        scheme=scheme,
        seconds=seconds,
        illustrative=bool(estimate.get("illustrative", False)),
    )


# ------------------------------------------------------------------------------ records
def _results(result: PitResult) -> dict[str, Any]:
    """What ``pit.json`` holds."""
    spec = result.spec
    shape = [int(result.model.sizes[d]) for d in DIMS]
    factors = spec.shells.revenue_factors
    return {
        "name": spec.name,
        "blocks": int(np.prod(shape)),
        "grid": {
            "origin": list(result.model.attrs["origin"]),
            "block_size": [float(v) for v in result.model.attrs["block_size"]],
            "shape": shape,
        },
        "arcs": result.arcs,
        "pattern_arcs": result.pattern_arcs,
        "engine": result.ultimate.engine,
        "ultimate_pit": {
            "blocks": result.ultimate.n_blocks,
            "value_usd": float(
                result.values["value_usd"].values.ravel()[result.ultimate.mask].sum()
            ),
        },
        "selected_shell": result.selected,
        "selected_revenue_factor": float(factors[result.selected - 1]),
        "shells": result.table.to_dict(orient="records"),
        "resource": result.resource.to_dict(orient="records"),
        "slopes": {
            "sectors": [list(s) for s in spec.slopes.sectors],  # type: ignore[union-attr]
            "n_benches": spec.slopes.n_benches,
            "max_error_deg": result.slopes.attrs["max_error_deg"],
        },
        "seconds": result.seconds,
        "scheme": result.scheme,
    }


def pit_record(result: PitResult, *, within: Path | None = None) -> RunRecord:
    """The :class:`~bornite.workflows.RunRecord` of a pit run (without output files)."""
    spec = result.spec
    unit = str(result.table.attrs.get("grade_unit", "%"))
    row = result.table.set_index("shell").loc[result.selected].to_dict()
    total = result.resource.set_index("class").loc["total (classified)"].to_dict()
    shell = f"shell {result.selected} (revenue factor {row['revenue_factor']:g})"
    ultimate_value = float(result.values["value_usd"].values.ravel()[result.ultimate.mask].sum())
    headline = (
        Headline("selected_shell", "reporting shell", result.selected, "count"),
        Headline("pit_ore_t", f"{shell}: ore", float(row["ore_t"]), "t"),
        Headline("pit_grade", f"{shell}: grade", float(row["grade"]), unit),
        Headline("pit_metal_t", f"{shell}: contained metal", float(row["metal_t"]), "t"),
        Headline("pit_waste_t", f"{shell}: waste", float(row["waste_t"]), "t"),
        Headline("strip_ratio", f"{shell}: strip ratio (waste : ore)", float(row["strip_ratio"])),
        Headline(
            "resource_metal_t",
            "pit-constrained resource (classified): metal",
            float(total["metal_t"]),
            "t",
        ),
        Headline("ultimate_pit_blocks", "ultimate pit: blocks", result.ultimate.n_blocks, "count"),
        Headline(
            "ultimate_pit_value_usd", "ultimate pit: undiscounted value", ultimate_value, "USD"
        ),
        Headline("engine", "max-closure engine", result.ultimate.engine),
    )
    shells = result.table[
        [
            "shell",
            "revenue_factor",
            "ore_t",
            "grade",
            "metal_t",
            "waste_t",
            "strip_ratio",
            "value_usd",
        ]
    ].rename(columns={"revenue_factor": "factor", "strip_ratio": "strip"})
    return RunRecord(
        kind="pit",
        name=spec.name,
        inputs=input_files(
            {
                "run_file": spec.source,
                "block_model": spec.model.block_model,
                "topography": spec.model.topography,
            },
            within=within,
        ),
        parameters={
            "model": plain(spec.model),
            "economics": plain(spec.economics),
            "slopes": plain(spec.slopes),
            "shells": plain(spec.shells),
        },
        illustrative=result.illustrative,
        headline=headline,
        tables={
            "shells": RecordTable.from_frame("pit by pit", shells, units={"grade": unit}, shown=40),
            "resource": RecordTable.from_frame(
                f"resource in shell {result.selected}", result.resource, units={"grade": unit}
            ),
        },
        results=_results(result),
    )


# ------------------------------------------------------------------------------ outputs
def _notes(result: PitResult) -> list[str]:
    economics = result.spec.economics
    spec = result.spec
    row = result.table.set_index("shell").loc[result.selected].to_dict()
    return [
        (
            "Block value max(f R - P, 0) - M with net revenue R = T g MR r (p - s)(1 - y), "
            f"processing P = T (1 + D) MR c_p, mining M = T (c_m + c_h depth); prices "
            f"{', '.join(f'{k} {v:,.0f} USD/t' for k, v in economics.prices.items())}, "
            f"mining {economics.mining_cost:g} USD/t (+{economics.mining_cost_increment:g} "
            f"USD/t per m), processing {economics.processing_cost:g} USD/t, dilution "
            f"{economics.dilution:g}, mining recovery {economics.mining_recovery:g}."
        ),
        (
            f"Slopes: {len(result.slopes)} sector(s), a {spec.slopes.n_benches}-bench pattern "
            f"of {result.pattern_arcs} arcs ({result.arcs:,} arcs in all), worst angle error "
            f"{result.slopes.attrs['max_error_deg']:.2f} degrees."
        ),
        (
            f"Shells solved exactly by {result.ultimate.engine} in "
            f"{result.seconds['shells']:.2f} s; the ultimate pit (factor 1) has "
            f"{result.ultimate.n_blocks:,} blocks."
        ),
        (
            f"Reporting shell {result.selected}: {format_quantity(row['ore_t'], 't')} of ore and "
            f"{format_quantity(row['waste_t'], 't')} of waste, a strip ratio of "
            f"{row['strip_ratio']:.2f} (waste : ore; open-pit porphyry copper mines move about "
            "1 to 3 t of waste per t of ore)."
            + (
                f" Ground: {spec.model.topography.name}, blocks cut by it in proportion; "
                f"{spec.model.pad:g} m of waste around the block model."
                if spec.model.topography is not None
                else ""
            )
        ),
    ]


def write_pit(
    result: PitResult, folder: Path, *, report: bool = True, within: Path | None = None
) -> tuple[RunRecord, Section]:
    """Write the tables, figures and (with ``report``) the report of a pit run into
    ``folder``; return its record and its report section.

    Files: ``shells.csv`` (pit by pit), ``resource.csv`` (pit-constrained resource by
    class), ``slopes.csv`` (slope honour report), ``pit_blocks.csv`` (every block inside the
    largest shell: centroid, shell, value, process flag, inside the reporting shell),
    ``pit.json`` (the record's results), ``figures/`` and ``report.html``.
    """
    record = pit_record(result, within=within)
    spec = result.spec
    figures = {
        "pit_by_pit": pit_by_pit_figure(result.table, selected=result.selected),
        "section": pit_section_figure(
            result.shells, selected=result.selected, title=f"{spec.name}: nested shells"
        ),
    }
    shell = result.shells.values.ravel()
    keep = shell > 0
    centroids = BlockGrid.from_dataset(result.model).centroids()
    blocks = pd.DataFrame(
        {
            "easting": centroids[keep, 0],
            "northing": centroids[keep, 1],
            "elevation": centroids[keep, 2],
            "shell": shell[keep],
            "in_reporting_shell": shell[keep] <= result.selected,
            "process": result.values["process"].values.ravel()[keep],
            "value_usd": result.values["value_usd"].values.ravel()[keep],
        }
    )
    write_table(result.table, folder / "shells.csv")
    write_table(result.resource, folder / "resource.csv")
    write_table(result.slopes, folder / "slopes.csv")
    write_table(blocks, folder / "pit_blocks.csv")
    write_json(record.results, folder / "pit.json")
    write_figures(figures, folder / "figures")
    section = pit_section(
        spec.name,
        result.table,
        result.resource,
        selected=result.selected,
        figures=figures,
        slopes=result.slopes,
        notes=_notes(result),
        record=record.results,
        illustrative=record.illustrative,
    )
    if report:
        write_run_report(
            folder,
            record,
            [section],
            title=f"Pit shells: {spec.name}",
            subtitle="Nested pit shells and the pit-constrained resource, with bornite",
        )
    return record, section


def run_pit_to_dir(run_file: str | Path, out: str | Path, *, overwrite: bool = False) -> RunRecord:
    """``bornite pit shells``: read the run file, solve, write everything to ``out`` (see
    :func:`write_pit`)."""
    spec = load_pit_spec(run_file)
    return run_to_dir(out, lambda folder: write_pit(run_pit(spec), folder)[0], overwrite=overwrite)
