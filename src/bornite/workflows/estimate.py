"""``bornite estimate``: drill holes to a classified, kriged block model and a resource table.

The run file wires :mod:`bornite.drillholes`, :mod:`bornite.geostats` and
:mod:`bornite.blockmodel` together; keys are documented in ``docs/estimate-runs.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bornite.blockmodel import (
    CATEGORY_NAMES,
    BlockGrid,
    classify,
    estimate_blocks,
    grade_tonnage_curve,
    inside_wireframe,
)
from bornite.datasets import synthetic_drill_campaign, synthetic_porphyry_deposit
from bornite.drillholes import (
    DrillholeDatabase,
    FixPolicy,
    composite,
    desurvey_intervals,
    fix,
    require_valid,
)
from bornite.errors import RunConfigError
from bornite.geostats import (
    OrdinaryKriging,
    SearchNeighbourhood,
    experimental_variogram,
    fit_variogram,
)
from bornite.io import (
    check_output_dir,
    read_drillholes,
    read_stl,
    write_block_model,
    write_json,
    write_table,
)
from bornite.workflows._spec import check_type, load_toml, resolve_path, take
from bornite.workflows.assessment import provenance

__all__ = ["run_estimate_to_dir"]

_SECTIONS = {
    "drillholes": {"collar", "survey", "assay", "units", "fix", "synthetic_seed"},
    "composites": {"length", "grade"},
    "variogram": {"lag", "n_lags", "kinds"},
    "kriging": {"ranges", "max_samples", "min_samples", "discretisation"},
    "grid": {"block_size", "origin", "shape", "padding"},
    "domain": {"wireframe"},
    "classification": {"variable", "thresholds", "higher_is_better", "scheme"},
    "resource": {"cutoffs", "density"},
}
_TYPES: dict[str, type] = {
    "collar": str,
    "survey": str,
    "assay": str,
    "units": str,
    "fix": bool,
    "synthetic_seed": int,
    "length": float,
    "grade": str,
    "lag": float,
    "n_lags": int,
    "kinds": list,
    "ranges": list,
    "max_samples": int,
    "min_samples": int,
    "discretisation": list,
    "block_size": list,
    "origin": list,
    "shape": list,
    "padding": float,
    "wireframe": str,
    "variable": str,
    "thresholds": list,
    "higher_is_better": bool,
    "scheme": str,
    "cutoffs": list,
    "density": float,
}


def _load(path: Path) -> dict[str, dict[str, Any]]:
    data = take(load_toml(path), set(_SECTIONS), str(path), {"drillholes", "grid"})
    out: dict[str, dict[str, Any]] = {}
    for section, keys in _SECTIONS.items():
        where = f"{path} [{section}]"
        table = take(data.get(section, {}), keys, where)
        for key, value in table.items():
            check_type(value, _TYPES[key], where, key)
        out[section] = table
    return out


def _triple(values: list[Any], where: str) -> tuple[float, float, float]:
    """Three numbers (easting, northing, elevation) from a run-file list."""
    if len(values) != 3:
        msg = f"{where}: give three values (easting, northing, elevation), got {values}"
        raise RunConfigError(msg)
    try:
        a, b, c = (float(v) for v in values)
    except (TypeError, ValueError) as error:
        msg = f"{where}: values must be numbers, got {values}"
        raise RunConfigError(msg) from error
    return a, b, c


def _drillholes(config: dict[str, Any], base: Path) -> DrillholeDatabase:
    if "synthetic_seed" in config:
        _, deposit, field = synthetic_porphyry_deposit(
            BlockGrid((0.0, 0.0, -600.0), (50.0, 50.0, 50.0), (2, 2, 2)),
            seed=config["synthetic_seed"],
        )
        collar, survey, assay = synthetic_drill_campaign(
            deposit, field, spacing=80.0, length=560.0, seed=config["synthetic_seed"] + 1
        )
        return DrillholeDatabase(collar=collar, survey=survey, intervals=assay)
    missing = [k for k in ("collar", "survey", "assay") if k not in config]
    if missing:
        msg = f"[drillholes] needs collar, survey and assay files (missing {', '.join(missing)})"
        raise RunConfigError(msg)
    return read_drillholes(
        resolve_path(config["collar"], base),
        resolve_path(config["survey"], base),
        resolve_path(config["assay"], base),
        units=config.get("units", "m"),
    )


def run_estimate_to_dir(
    run_file: Path,
    out: Path,
    *,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict[str, Any], list[Path]]:
    """Drill holes -> validation -> composites -> variogram -> block kriging -> classes ->
    grade-tonnage and resource table, written to ``out``."""
    config = _load(run_file)
    base = run_file.parent
    names = [
        "block_model.parquet",
        "grade_tonnage.csv",
        "resource.json",
        "variogram.csv",
        "composites.csv",
        "validation.json",
    ]
    folder = check_output_dir(out, names, overwrite=overwrite)
    db = _drillholes(config["drillholes"], base)
    if config["drillholes"].get("fix", False):
        db = fix(db, FixPolicy())
    report = require_valid(db)
    grade = config["composites"].get("grade", "cu_pct")
    if grade not in db.intervals.columns:
        msg = f"{run_file} [composites]: no grade column {grade!r} in the assay table"
        raise RunConfigError(msg)
    composites = desurvey_intervals(
        db, composite(db, config["composites"].get("length", 10.0), grades=[grade])
    )
    composites = composites[np.isfinite(composites[grade].to_numpy(dtype=float))]
    xyz = composites[["easting", "northing", "elevation"]].to_numpy(dtype=float)
    values = composites[grade].to_numpy(dtype=float)
    vario = config["variogram"]
    experimental = experimental_variogram(
        xyz, values, lag=vario.get("lag", 25.0), n_lags=vario.get("n_lags", 12)
    )
    model = fit_variogram(experimental, kinds=tuple(vario.get("kinds", ["spherical"])))
    grid_config = config["grid"]
    size = _triple(grid_config["block_size"], f"{run_file} [grid] block_size")
    if "origin" in grid_config and "shape" in grid_config:
        grid = BlockGrid(
            _triple(grid_config["origin"], f"{run_file} [grid] origin"),
            size,
            tuple(int(n) for n in _triple(grid_config["shape"], f"{run_file} [grid] shape")),  # type: ignore[arg-type]
        )
    else:
        grid = BlockGrid.covering(xyz, size, padding=grid_config.get("padding", 0.0))
    mask = None
    if "wireframe" in config["domain"]:
        mask = inside_wireframe(grid, read_stl(resolve_path(config["domain"]["wireframe"], base)))
    krig = config["kriging"]
    ranges = _triple(krig.get("ranges", [250.0, 250.0, 250.0]), f"{run_file} [kriging] ranges")
    estimator = OrdinaryKriging(
        model,
        neighbourhood=SearchNeighbourhood(
            ranges=ranges,
            max_samples=krig.get("max_samples", 24),
            min_samples=krig.get("min_samples", 4),
        ),
        block_size=size,
        discretisation=tuple(krig.get("discretisation", [2, 2, 2])),
    ).fit(xyz, values, composites["hole"].astype(str).to_numpy())
    blocks = estimate_blocks(grid, estimator, mask=mask, progress=progress)
    blocks = blocks.rename({"estimate": grade})
    classes = config["classification"]
    scheme = classes.get("scheme", "jorc")
    if scheme not in CATEGORY_NAMES:
        msg = f"{run_file} [classification]: scheme must be one of {', '.join(CATEGORY_NAMES)}"
        raise RunConfigError(msg)
    blocks["category"] = classify(
        blocks,
        classes.get("variable", "slope_of_regression"),
        classes.get("thresholds", [0.8, 0.5, 0.0]),
        higher_is_better=classes.get("higher_is_better", True),
    )
    resource = config["resource"]
    cutoffs = resource.get("cutoffs", [0.0, 0.2, 0.3, 0.4, 0.5])
    density = resource.get("density", 2.7)
    curve = grade_tonnage_curve(blocks, grade, cutoffs, density=density)
    by_class = grade_tonnage_curve(blocks, grade, cutoffs, density=density, by="category")
    labels = CATEGORY_NAMES[scheme]
    by_class["class"] = [labels[int(c) - 1] for c in by_class["category"]]
    record = {
        "grade": grade,
        "blocks": grid.n_blocks,
        "estimated_blocks": int(np.isfinite(blocks[grade].values).sum()),
        "composites": len(composites),
        "holes": report.holes,
        "variogram": {"nugget": model.nugget, "sill": model.sill},
        "resource": by_class.to_dict(orient="records"),
        "total": curve.to_dict(orient="records"),
        "provenance": provenance({"run_file": run_file}, {"scheme": scheme}, None),
    }
    paths = [
        write_block_model(blocks, folder / "block_model.parquet"),
        write_table(
            pd.concat([curve.assign(category=-1, **{"class": "all"}), by_class]),
            folder / "grade_tonnage.csv",
        ),
        write_table(experimental, folder / "variogram.csv"),
        write_table(composites, folder / "composites.csv"),
        write_json(report.to_dict(), folder / "validation.json"),
        write_json(record, folder / "resource.json"),
    ]
    return record, paths
