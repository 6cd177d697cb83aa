"""``bornite pit``: ultimate pits of MineLib instances, and nested shells on a block model.

:func:`solve_minelib` reads a MineLib instance and solves its ultimate pit exactly.
:func:`load_pit_spec` parses a pit run file (keys in ``docs/pit.md``) into a
:class:`PitRunSpec`; :func:`run_pit` values the blocks of a ``bornite estimate`` block model,
builds the slope precedence, solves the nested shells, chooses the reporting shell and
tabulates the pit-constrained resource; :func:`run_pit_to_dir` writes tables, figures and
the report.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from bornite.blockmodel import CATEGORY_NAMES, DIMS, BlockGrid
from bornite.core.units import (
    from_mass_fraction,
    grade_column,
    is_grade_column,
    parse_grade_column,
)
from bornite.core.validation import require_columns
from bornite.errors import BorniteError, ConvergenceError, RunConfigError, ValidationError
from bornite.io import check_output_dir, read_table, write_json, write_table
from bornite.io.minelib import read_minelib
from bornite.pit import (
    DEFAULT_REVENUE_FACTORS,
    ENGINES,
    PitEconomics,
    SlopeSet,
    block_arcs,
    block_values,
    domain_label,
    integer_values,
    nested_shells,
    pattern_report,
    pit_by_pit,
    select_shell,
    slope_pattern,
    ultimate_pit,
)
from bornite.report import Report, Section, write_report
from bornite.report.pit import pit_by_pit_figure, pit_section, pit_section_figure
from bornite.workflows._spec import check_type, load_toml, resolve_path, take
from bornite.workflows.assessment import provenance
from bornite.workflows.runs import write_figures

__all__ = [
    "ModelSpec",
    "PitResult",
    "PitRunSpec",
    "ShellSpec",
    "load_pit_spec",
    "model_from_table",
    "run_pit",
    "run_pit_to_dir",
    "solve_minelib",
    "write_pit_outputs",
]


# ------------------------------------------------------------------------------ MineLib
def solve_minelib(prefix: str | Path, *, engine: str = "auto") -> dict[str, Any]:
    """Read ``PREFIX.blocks``, ``.prec``, ``.upit`` and solve the ultimate pit exactly.

    Returns
    -------
    dict
        ``name``, ``objective`` (exact sum of the file's values inside the pit, as a float),
        ``objective_rounded`` (to the unit), ``blocks_in_pit``, ``blocks``, ``arcs``,
        ``seconds`` (solve), ``read_seconds``, ``engine``, ``scale`` (power of ten the
        values were multiplied by for the integer solve) and ``exact`` (whether that scale
        kept every digit).
    """
    start = time.perf_counter()
    instance = read_minelib(prefix)
    read_seconds = time.perf_counter() - start
    pit = ultimate_pit(instance.values, instance.source, instance.target, engine=engine)
    objective = instance.objective(pit.mask)
    return {
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
    """

    block_model: Path
    block_size: tuple[float, float, float] | None = None
    grade: str | None = None
    grade_unit: str = "%"
    surface: float | None = None
    density: float | str = 2.7
    domain: str | None = None
    category: str = "category"
    scheme: str | None = None


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


_SECTIONS = {"name", "model", "economics", "slopes", "shells"}
_MODEL_TYPES: dict[str, Any] = {
    "block_model": str,
    "block_size": list,
    "density": float | str,
    "domain": str,
    "category": str,
    "scheme": str,
    "grade": str,
    "grade_unit": str,
    "surface": float,
}
_SHELL_TYPES: dict[str, Any] = {
    "revenue_factors": list,
    "select": str,
    "select_factor": float,
    "engine": str,
    "unit": float,
    "n_jobs": int,
}
_ECONOMICS_KEYS = {
    "prices",
    "recovery",
    "domain_recovery",
    "mining_cost",
    "mining_cost_increment",
    "reference_elevation",
    "processing_cost",
    "selling_cost",
    "royalty",
    "dilution",
    "mining_recovery",
    "year",
}


def _typed(table: Mapping[str, Any], types: Mapping[str, Any], where: str) -> dict[str, Any]:
    values = take(table, set(types), where)
    for key, value in values.items():
        check_type(value, types[key], where, key)
    return values


def _build(cls: Any, values: Mapping[str, Any], where: str) -> Any:
    try:
        return cls(**values)
    except (BorniteError, TypeError, ValueError) as error:
        msg = f"{where}: {error}"
        raise RunConfigError(msg) from error


def load_pit_spec(path: str | Path) -> PitRunSpec:
    """Parse a pit run file; errors name the file, table and key."""
    path = Path(path)
    data = take(load_toml(path), _SECTIONS, str(path), {"model", "economics"})
    base = path.parent
    where = f"{path} [model]"
    model = _typed(data["model"], _MODEL_TYPES, where)
    if "block_model" not in model:
        msg = f"{where}: missing key block_model (the block_model.parquet of bornite estimate)"
        raise RunConfigError(msg)
    model["block_model"] = resolve_path(model["block_model"], base)
    if "block_size" in model:
        size = model["block_size"]
        if len(size) != 3 or not all(isinstance(v, int | float) and v > 0 for v in size):
            msg = f"{where}: block_size must be three positive numbers (metres), got {size}"
            raise RunConfigError(msg)
        model["block_size"] = tuple(float(v) for v in size)
    model_spec = _build(ModelSpec, model, where)
    where = f"{path} [economics]"
    economics = _build(PitEconomics, take(data["economics"], _ECONOMICS_KEYS, where), where)
    where = f"{path} [slopes]"
    slopes_table = take(data.get("slopes", {}), {"sectors", "n_benches", "domains"}, where)
    check_type(slopes_table.get("n_benches"), int, where, "n_benches")
    slopes = _build(SlopeSet, slopes_table, where)
    if model_spec.domain is None:
        for table, key, value in (
            ("economics", "domain_recovery", economics.domain_recovery),
            ("slopes", "domains", slopes.domains),
        ):
            if value:
                msg = (
                    f'{path} [{table}]: {key} needs [model] domain = "<column>" (the block '
                    "model's domain column); without it every block would take the defaults"
                )
                raise RunConfigError(msg)
    where = f"{path} [shells]"
    shells = _typed(data.get("shells", {}), _SHELL_TYPES, where)
    if "revenue_factors" in shells:
        shells["revenue_factors"] = tuple(shells["revenue_factors"])
    shell_spec = _build(ShellSpec, shells, where)
    name = data.get("name", path.stem)
    check_type(name, str, str(path), "name")
    return PitRunSpec(str(name), model_spec, economics, slopes, shell_spec, path)


# ------------------------------------------------------------------------------ run
@dataclass(frozen=True)
class PitResult:
    """Everything a pit run computed (see :func:`run_pit`)."""

    spec: PitRunSpec
    model: xr.Dataset
    values: xr.Dataset
    shells: xr.DataArray
    table: pd.DataFrame
    selected: int
    resource: pd.DataFrame
    slopes: pd.DataFrame
    record: dict[str, Any]


def _block_size(spec: ModelSpec) -> tuple[float, float, float]:
    if spec.block_size is not None:
        return spec.block_size
    beside = spec.block_model.parent / "resource.json"
    if beside.is_file():
        import json  # noqa: PLC0415

        try:
            size = json.loads(beside.read_text(encoding="utf-8"))["grid"]["block_size"]
            return (float(size[0]), float(size[1]), float(size[2]))
        except (KeyError, TypeError, ValueError, IndexError, json.JSONDecodeError):
            pass
    msg = (
        f"{spec.block_model}: the block size is unknown; give [model] block_size = [dx, dy, dz] "
        "(no resource.json with grid.block_size beside the block model)"
    )
    raise RunConfigError(msg)


def _scheme(spec: ModelSpec) -> str:
    if spec.scheme is not None:
        scheme = spec.scheme
    else:
        scheme = "jorc"
        beside = spec.block_model.parent / "resource.json"
        if beside.is_file():
            import json  # noqa: PLC0415

            try:
                scheme = str(json.loads(beside.read_text(encoding="utf-8")).get("scheme", "jorc"))
            except (ValueError, AttributeError):
                scheme = "jorc"
    if scheme not in CATEGORY_NAMES:
        msg = f"[model] scheme must be one of {', '.join(CATEGORY_NAMES)}, got {scheme!r}"
        raise RunConfigError(msg)
    return scheme


def model_from_table(
    table: pd.DataFrame,
    block_size: tuple[float, float, float],
    *,
    surface: float | None = None,
    where: str = "block model",
) -> xr.Dataset:
    """Rebuild the regular block model from a table of block centroids.

    Cells of the grid with no row get missing values (waste rock at zero grade in the pit).
    With ``surface``, benches are added on top until the grid reaches that elevation.
    """
    require_columns(table, DIMS, name=where)
    xyz = table[list(DIMS)].to_numpy(dtype=float)
    size = np.asarray(block_size, dtype=float)
    low = xyz.min(axis=0)
    steps = (xyz - low) / size
    index = np.rint(steps).astype(np.int64)
    if np.abs(steps - index).max() > 1e-6:
        msg = (
            f"{where}: block centroids are not on a regular grid of {tuple(size)} m blocks; "
            "check [model] block_size"
        )
        raise RunConfigError(msg)
    shape = tuple(int(v) for v in index.max(axis=0) + 1)
    if surface is not None:
        top = low[2] - size[2] / 2 + shape[2] * size[2]
        extra = max(0, int(np.ceil((surface - top) / size[2] - 1e-9)))
        shape = (shape[0], shape[1], shape[2] + extra)
    grid = BlockGrid(tuple(low - size / 2), tuple(size), shape)  # type: ignore[arg-type]
    flat = np.ravel_multi_index(tuple(index.T), shape)
    if np.unique(flat).size != flat.size:
        msg = f"{where}: two rows share a block; the table must have one row per block"
        raise RunConfigError(msg)
    variables: dict[str, np.ndarray] = {}
    for column in table.columns:
        if column in DIMS:
            continue
        series = table[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            full = np.full(grid.n_blocks, np.nan)
            full[flat] = series.to_numpy(dtype=float)
        else:
            full = np.full(grid.n_blocks, None, dtype=object)
            full[flat] = series.astype(object).to_numpy()
        variables[str(column)] = full
    present = np.zeros(grid.n_blocks, dtype=bool)
    present[flat] = True
    variables["present"] = present
    return grid.dataset(**variables)


def _resource_table(
    result_values: xr.Dataset,
    inside: np.ndarray,
    category: np.ndarray | None,
    scheme: str,
    element: str,
    unit: str,
) -> pd.DataFrame:
    process = result_values["revenue_usd"].values.ravel() > (
        result_values["processing_cost_usd"].values.ravel()
    )
    ore = result_values["ore_t"].values.ravel()
    metal = result_values[f"{element}_t"].values.ravel()
    codes = (
        np.zeros(ore.size, dtype=np.int64)
        if category is None
        else np.nan_to_num(category.ravel().astype(float), nan=0.0).astype(np.int64)
    )
    names = CATEGORY_NAMES[scheme]
    rows = []
    keep = inside & process
    for code in (1, 2, 3, 0):
        chosen = keep & (codes == code)
        if code == 0 and not chosen.any():
            continue
        tonnes = float(ore[chosen].sum())
        contained = float(metal[chosen].sum())
        rows.append(
            {
                "class": names[code - 1] if code else "unclassified",
                "ore_t": tonnes,
                "grade": float(from_mass_fraction(contained / tonnes, unit)) if tonnes else np.nan,
                "metal_t": contained,
            }
        )
    classified = keep & (codes > 0)
    tonnes = float(ore[classified].sum())
    contained = float(metal[classified].sum())
    rows.append(
        {
            "class": "total (classified)",
            "ore_t": tonnes,
            "grade": float(from_mass_fraction(contained / tonnes, unit)) if tonnes else np.nan,
            "metal_t": contained,
        }
    )
    table = pd.DataFrame(rows)
    table.attrs.update({"element": element, "grade_unit": unit})
    return table


def run_pit(spec: PitRunSpec) -> PitResult:
    """Value the blocks, build the precedence, solve the nested shells, choose the reporting
    shell and tabulate the pit-constrained resource."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    table = read_table(spec.model.block_model)
    element = next(iter(spec.economics.prices))
    if spec.model.grade is not None:
        if spec.model.grade not in table.columns:
            msg = f"{spec.source} [model]: the block model has no grade column {spec.model.grade!r}"
            raise RunConfigError(msg)
        try:
            name = grade_column(element, spec.model.grade_unit)
        except BorniteError as error:
            msg = f"{spec.source} [model]: grade_unit: {error}"
            raise RunConfigError(msg) from error
        table = table.drop(columns=[name], errors="ignore").rename(columns={spec.model.grade: name})
    size = _block_size(spec.model)
    model = model_from_table(
        table, size, surface=spec.model.surface, where=str(spec.model.block_model)
    )
    for key in (
        spec.model.domain,
        *([spec.model.density] if isinstance(spec.model.density, str) else []),
    ):
        if key is not None and key not in model:
            msg = f"{spec.source} [model]: the block model has no column {key!r}"
            raise RunConfigError(msg)
    if spec.model.domain is not None:
        present: set[str] = {
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
    timings["read"] = time.perf_counter() - start
    start = time.perf_counter()
    values = block_values(
        model, spec.economics, density=spec.model.density, domain=spec.model.domain
    )
    timings["values"] = time.perf_counter() - start
    start = time.perf_counter()
    shape = tuple(model.sizes[d] for d in DIMS)
    if spec.model.domain is not None and spec.slopes.domains:
        labels = model[spec.model.domain].values.ravel()
        names = sorted(spec.slopes.domains)
        codes = np.zeros(labels.size, dtype=np.int64)
        block_labels = np.array([domain_label(v) for v in labels], dtype=object)
        for k, label in enumerate(names, start=1):
            codes[block_labels == label] = k
        patterns = [slope_pattern(spec.slopes.sectors_for(None), size, spec.slopes.n_benches)]
        patterns += [
            slope_pattern(spec.slopes.sectors_for(n), size, spec.slopes.n_benches) for n in names
        ]
        source, target = block_arcs(shape, patterns, domain=codes)
    else:
        patterns = [slope_pattern(spec.slopes.sectors, size, spec.slopes.n_benches)]
        source, target = block_arcs(shape, patterns[0])
    reports = [
        pattern_report(spec.slopes.sectors, size, spec.slopes.n_benches, pattern=patterns[0])
    ]
    worst = reports[0].attrs["max_error_deg"]
    domain_names = sorted(spec.slopes.domains) if spec.model.domain is not None else []
    for name, pattern in zip(domain_names, patterns[1:], strict=True):
        report = pattern_report(
            spec.slopes.sectors_for(name), size, spec.slopes.n_benches, pattern=pattern
        )
        worst = max(worst, report.attrs["max_error_deg"])
        reports.append(report.assign(domain=name))
    slopes = pd.concat([reports[0].assign(domain="(default)"), *reports[1:]], ignore_index=True)
    slopes.attrs["max_error_deg"] = worst
    timings["precedence"] = time.perf_counter() - start
    r = values["revenue_usd"].values.ravel()
    p = values["processing_cost_usd"].values.ravel()
    m = values["mining_cost_usd"].values.ravel()
    start = time.perf_counter()
    factors = spec.shells.revenue_factors
    shell = nested_shells(
        r,
        p,
        m,
        source,
        target,
        factors,
        unit=spec.shells.unit,
        engine=spec.shells.engine,
        n_jobs=spec.shells.n_jobs,
    )
    timings["shells"] = time.perf_counter() - start
    start = time.perf_counter()
    ultimate = ultimate_pit(
        integer_values(values["value_usd"].values, spec.shells.unit),
        source,
        target,
        engine=spec.shells.engine,
    )
    timings["ultimate_pit"] = time.perf_counter() - start
    if 1.0 in factors:
        # two independent exact solves of the factor-1 pit must agree in value
        at_one = (shell >= 1) & (shell <= factors.index(1.0) + 1)
        rounded = integer_values(values["value_usd"].values, spec.shells.unit)
        if int(rounded[at_one].sum()) != ultimate.value:
            msg = (
                f"the factor-1 shell is worth {int(rounded[at_one].sum())} but the ultimate "
                f"pit {ultimate.value} (units of {spec.shells.unit} USD); please report it"
            )
            raise ConvergenceError(msg)
    grade_name = next(
        str(v)
        for v in model.data_vars
        if is_grade_column(str(v)) and str(v).startswith(f"{element}_")
    )
    _, unit = parse_grade_column(grade_name)
    by_shell = pit_by_pit(
        shell,
        factors,
        tonnes=values["tonnes"].values,
        ore_t=values["ore_t"].values,
        metal_t=values[f"{element}_t"].values,
        revenue=r,
        processing_cost=p,
        mining_cost=m,
        grade_unit=unit,
    )
    selected = select_shell(
        by_shell, method=spec.shells.select, revenue_factor=spec.shells.select_factor
    )
    inside = (shell >= 1) & (shell <= selected)
    scheme = _scheme(spec.model)
    category = model[spec.model.category].values if spec.model.category in model else None
    resource = _resource_table(values, inside, category, scheme, element, unit)
    shells_grid = xr.DataArray(
        shell.reshape(shape), dims=DIMS, coords={d: model[d] for d in DIMS}, name="shell"
    )
    record: dict[str, Any] = {
        "name": spec.name,
        "blocks": int(np.prod(shape)),
        "grid": {
            "origin": list(model.attrs["origin"]),
            "block_size": list(size),
            "shape": list(shape),
        },
        "arcs": int(source.size),
        "pattern_arcs": len(patterns[0]),
        "engine": ultimate.engine,
        "ultimate_pit": {
            "blocks": ultimate.n_blocks,
            "value_usd": float(values["value_usd"].values.ravel()[ultimate.mask].sum()),
        },
        "selected_shell": selected,
        "selected_revenue_factor": float(factors[selected - 1]),
        "shells": by_shell.to_dict(orient="records"),
        "resource": resource.to_dict(orient="records"),
        "slopes": {
            "sectors": [list(s) for s in spec.slopes.sectors],  # type: ignore[union-attr]
            "n_benches": spec.slopes.n_benches,
            "max_error_deg": slopes.attrs["max_error_deg"],
        },
        "seconds": timings,
        "scheme": scheme,
        "provenance": provenance(
            {"run_file": spec.source, "block_model": spec.model.block_model},
            {"engine": ultimate.engine, "revenue_factors": list(factors)},
            None,
        ),
    }
    return PitResult(spec, model, values, shells_grid, by_shell, selected, resource, slopes, record)


_OUTPUTS = [
    "shells.csv",
    "resource.csv",
    "slopes.csv",
    "pit_blocks.csv",
    "pit.json",
    "report.html",
    "figures",
]


def run_pit_to_dir(
    run_file: str | Path, out: str | Path, *, overwrite: bool = False
) -> tuple[dict[str, Any], list[Path]]:
    """``bornite pit shells``: read the run file, solve, write everything to ``out``.

    Outputs: ``shells.csv`` (pit by pit), ``resource.csv`` (pit-constrained resource by
    class), ``slopes.csv`` (slope honour report), ``pit_blocks.csv`` (every block inside the
    largest shell: centroid, shell, value, process flag, inside the reporting shell),
    ``pit.json`` (summary with provenance), ``figures/`` and ``report.html``.
    """
    spec = load_pit_spec(run_file)
    folder = check_output_dir(out, _OUTPUTS, overwrite=overwrite)
    result = run_pit(spec)
    paths, _ = write_pit_outputs(result, folder)
    return result.record, paths


def write_pit_outputs(result: PitResult, folder: Path) -> tuple[list[Path], Section]:
    """Write the tables, figures and report of a pit run into ``folder``; return the files
    and the report section (for reports that gather several stages)."""
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
    economics = spec.economics
    notes = [
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
            f"of {result.record['pattern_arcs']} arcs ({result.record['arcs']:,} arcs in all), "
            f"worst angle error {result.slopes.attrs['max_error_deg']:.2f} degrees."
        ),
        (
            f"Shells solved exactly by {result.record['engine']} in "
            f"{result.record['seconds']['shells']:.2f} s; the ultimate pit (factor 1) has "
            f"{result.record['ultimate_pit']['blocks']:,} blocks."
        ),
    ]
    paths = [
        write_table(result.table, folder / "shells.csv"),
        write_table(result.resource, folder / "resource.csv"),
        write_table(result.slopes, folder / "slopes.csv"),
        write_table(blocks, folder / "pit_blocks.csv"),
        write_json(result.record, folder / "pit.json"),
        *write_figures(figures, folder / "figures"),
    ]
    section = pit_section(
        spec.name,
        result.table,
        result.resource,
        selected=result.selected,
        figures=figures,
        slopes=result.slopes,
        notes=notes,
        record=result.record,
    )
    report = Report(
        title=f"Pit shells: {spec.name}",
        subtitle="Nested pit shells and the pit-constrained resource, with bornite",
        sections=[section],
        provenance=result.record["provenance"],
    )
    paths.append(write_report(report, folder / "report.html", overwrite=True))
    return paths, section
