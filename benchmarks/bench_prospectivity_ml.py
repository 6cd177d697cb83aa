"""Benchmark random-forest prospectivity prediction over a large grid.

Data (seeded): ``--size`` x ``--size`` cells of 100 m with ``--layers`` float32 evidence
layers, each a separable smooth field (sums of random sines of easting and of northing, so
that building them costs little); deposits are drawn from a logistic rule of the first three
layers and ``--background`` background cells are sampled with
:func:`bornite.prospectivity.models.sample_presence_background`.

Timed: fitting :class:`~bornite.prospectivity.models.ProspectivityModel` (random forest of
``--trees`` trees, ``--max-depth``, isotonic calibration from 3 out-of-fold predictions
unless ``--raw``; one forest is evaluated per cell either way) and
:func:`~bornite.prospectivity.models.predict_map` over the whole grid in blocks of rows, with
``--jobs`` threads. The process's peak resident memory (``ru_maxrss``) is printed; the layers
alone take ``size^2 x layers x 4`` bytes and the output ``size^2 x 8`` bytes.

Target on 2 cores: 10,000 x 10,000 cells and 8 layers in under 5 minutes.

Usage: ``python benchmarks/bench_prospectivity_ml.py [--size 10000] [--layers 8]
[--trees 50] [--max-depth 12] [--jobs 2] [--raw]``. With a smaller ``--size`` the
prediction time is also extrapolated (linearly in cells) to 10,000 x 10,000, labelled as such.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd
import xarray as xr

from bornite.prospectivity.grid import RasterGrid
from bornite.prospectivity.models import (
    ProspectivityModel,
    predict_map,
    sample_presence_background,
)


def _layers(grid: RasterGrid, n_layers: int, seed: int) -> xr.Dataset:
    rng = np.random.default_rng(seed)
    east = (grid.easting / 1000.0).astype(np.float32)
    north = (grid.northing / 1000.0).astype(np.float32)
    data = {}
    for k in range(n_layers):
        fe = rng.uniform(0.05, 0.5, 3)
        fn = rng.uniform(0.05, 0.5, 3)
        a = sum(np.sin(f * east + rng.uniform(0, 6)) for f in fe).astype(np.float32)
        b = sum(np.sin(f * north + rng.uniform(0, 6)) for f in fn).astype(np.float32)
        values = np.empty(grid.shape, dtype=np.float32)
        np.add(b[:, None], a[None, :], out=values)
        data[f"layer{k}"] = (("northing", "easting"), values)
    out = xr.Dataset(data, coords={"northing": grid.northing, "easting": grid.easting})
    out.attrs.update({"crs": None, "cell_size": grid.cell_size})
    return out


def _deposits(layers: xr.Dataset, grid: RasterGrid, n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 1)
    rows = rng.integers(0, grid.shape[0], 200 * n)
    cols = rng.integers(0, grid.shape[1], 200 * n)
    score = sum(
        layers[f"layer{k}"].values[rows, cols].astype(float) for k in range(3)
    )  # rule on the first three layers
    p = 1.0 / (1.0 + np.exp(-(2.0 * score - 6.0)))
    keep = np.flatnonzero(rng.uniform(size=p.size) < p)[:n]
    return pd.DataFrame(
        {"easting": grid.easting[cols[keep]], "northing": grid.northing[rows[keep]]}
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--trees", type=int, default=50)
    parser.add_argument("--max-depth", type=int, default=12)
    parser.add_argument("--deposits", type=int, default=200)
    parser.add_argument("--background", type=int, default=5000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--chunk-rows", type=int, default=None)
    parser.add_argument("--raw", action="store_true", help="no calibration (one forest)")
    args = parser.parse_args()

    grid = RasterGrid((0.0, args.size * 100.0), (100.0, 100.0), (args.size, args.size))
    t0 = time.perf_counter()
    layers = _layers(grid, args.layers, 0)
    deposits = _deposits(layers, grid, args.deposits, 0)
    t_data = time.perf_counter() - t0

    t0 = time.perf_counter()
    table = sample_presence_background(layers, deposits, n_background=args.background, seed=1)
    model = ProspectivityModel(
        "random_forest",
        n_estimators=args.trees,
        max_depth=args.max_depth,
        calibration=None if args.raw else "isotonic",
        n_jobs=args.jobs,
        seed=0,
    ).fit(table, table["presence"])
    t_fit = time.perf_counter() - t0

    t0 = time.perf_counter()
    prob = predict_map(model, layers, chunk_rows=args.chunk_rows)
    t_predict = time.perf_counter() - t0
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux

    cells = grid.n_cells
    print(
        f"grid {args.size} x {args.size} ({cells:,} cells), {args.layers} float32 layers "
        f"({cells * args.layers * 4 / 2**30:.2f} GiB), {len(deposits)} deposits, "
        f"{args.background} background"
    )
    calibration = "none" if args.raw else "isotonic (3 folds, refitted on all rows)"
    print(
        f"random forest: {args.trees} trees, max_depth {args.max_depth}, {args.jobs} threads, "
        f"calibration {calibration}"
    )
    print(f"data generation      {t_data:8.1f} s")
    print(f"sampling + fit       {t_fit:8.1f} s")
    print(f"predict_map          {t_predict:8.1f} s  ({cells / t_predict / 1e6:.2f} Mcells/s)")
    print(f"peak resident memory {peak_gib:8.2f} GiB")
    print(f"finite output cells  {int(np.isfinite(prob.values).sum()):,}")
    if args.size != 10_000:
        scale = 1e8 / cells
        print(
            f"EXTRAPOLATED (linear in cells, not measured) to 10,000 x 10,000: "
            f"predict_map about {t_predict * scale:.0f} s"
        )


if __name__ == "__main__":
    main()
