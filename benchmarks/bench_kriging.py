"""Benchmark 3-D ordinary kriging: 100,000 block centroids from 5,000 drill-hole samples.

Data (seeded): 100 synthetic holes (collars on a 1,000 m square, azimuth random, dip -50 to
-80 degrees), 50 samples each every 5 m; values from a smooth trend plus noise. Variogram:
nugget 0.1 plus a spherical structure of sill 0.9 with ranges 300/150/60 m, azimuth 30
degrees. Targets: a 50 x 50 x 40 grid of 20 x 20 x 10 m blocks (100,000 centroids); the 32
nearest samples in the anisotropic metric.

Timed for bornite: point OK at the centroids (1 and ``--jobs`` threads) and block OK with a
2 x 2 x 2 discretisation. Each is run ``--repeat`` times (median), then once more under
``tracemalloc`` for the peak traced memory (NumPy reports its buffers to it).

Peers, measured in this run when installed:

* PyKrige ``OrdinaryKriging3D`` with ``n_closest_points=32`` (its ``loop`` backend). Its
  constructor computes cross-validation statistics with one growing solve per sample,
  ``O(n^4)`` work, which is out of reach at n = 5,000; the constructor is therefore timed at a
  few smaller n, and the peer kriges ``--peer-targets`` targets from a ``--peer-samples``
  subset (its per-target cost hardly depends on n), scaled to 100,000 targets. bornite is
  timed on exactly the same subset for the ratio, and the two estimates are compared.
  PyKrige gets coordinates already rotated and scaled into the isotropic frame of the
  variogram (its own anisotropy angles follow another convention), with an isotropic
  spherical model of range 300 m: the same kriging problem.
* GSTools ``krige.Ordinary`` has no moving neighbourhood (every sample serves every
  target), so it is compared with bornite's global neighbourhood (``neighbourhood=None``: one
  LU factor, every target a right-hand side) on ``--global-samples`` samples and
  ``--global-targets`` targets, in the same isotropic frame as PyKrige, with
  ``pseudo_inv=False`` (an exact solve, as bornite's).

With ``--million``: 1,000,000 blocks of 10 x 10 x 4 m (a 100 x 100 x 100 grid over the
holes), block OK with a 4 x 4 x 2 discretisation through the chunked driver
(:func:`bornite.blockmodel.estimate_blocks`, ``--jobs`` threads); seconds and the process's
peak resident memory (``ru_maxrss``) are printed. Targets on 2 cores: under 5 minutes and
4 GiB.

Usage: ``python benchmarks/bench_kriging.py [--repeat 3] [--jobs 2] [--peer-targets 2000]
[--million]``.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from bornite.blockmodel import BlockGrid, estimate_blocks
from bornite.geostats import OrdinaryKriging, SearchNeighbourhood, Structure, VariogramModel

MODEL = VariogramModel(0.1, (Structure("spherical", 0.9, (300.0, 150.0, 60.0), 30.0),))
SEARCH = SearchNeighbourhood((3000.0, 1500.0, 600.0), azimuth=30.0, max_samples=32)


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median seconds of untraced runs, the peak traced MiB of one more run, and its result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), peak, result


def synthetic_holes(seed: int = 2024) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """5,000 samples down 100 inclined holes; returns coordinates, values and hole ids."""
    rng = np.random.default_rng(seed)
    n_holes, per_hole, spacing = 100, 50, 5.0
    collars = np.column_stack([rng.uniform(0, 1000, (n_holes, 2)), np.full(n_holes, 500.0)])
    azimuth = np.deg2rad(rng.uniform(0, 360, n_holes))
    dip = np.deg2rad(rng.uniform(-80, -50, n_holes))
    direction = np.column_stack(
        [np.cos(dip) * np.sin(azimuth), np.cos(dip) * np.cos(azimuth), np.sin(dip)]
    )
    depth = (np.arange(per_hole) + 0.5) * spacing
    xyz = (collars[:, None, :] + depth[None, :, None] * direction[:, None, :]).reshape(-1, 3)
    trend = np.sin(xyz[:, 0] / 180.0) * np.cos(xyz[:, 1] / 120.0) + (xyz[:, 2] - 400) / 300
    values = np.exp(0.5 * trend + 0.3 * rng.normal(size=len(xyz)))
    return xyz, values, np.repeat(np.arange(n_holes), per_hole)


def block_centroids() -> np.ndarray:
    e = np.arange(50) * 20.0 + 10.0
    n = np.arange(50) * 20.0 + 10.0
    z = 500.0 - (np.arange(40) * 10.0 + 5.0)
    grid = np.meshgrid(e, n, z, indexing="ij")
    return np.column_stack([g.ravel() for g in grid])


def pykrige_peer(
    xyz: np.ndarray, values: np.ndarray, targets: np.ndarray
) -> tuple[float, float, np.ndarray] | None:
    """Constructor and execute seconds of PyKrige, and its estimates; None if not installed."""
    try:
        from pykrige.ok3d import OrdinaryKriging3D  # noqa: PLC0415
    except ImportError:
        return None
    iso = 300.0 * SEARCH.transform * (np.array(SEARCH.ranges) / np.array([300, 150, 60]))[:, None]
    a, b = xyz @ iso.T, targets @ iso.T
    params = {"psill": 0.9, "range": 300.0, "nugget": 0.1}
    start = time.perf_counter()
    peer = OrdinaryKriging3D(
        a[:, 0], a[:, 1], a[:, 2], values, "spherical", variogram_parameters=params
    )
    built = time.perf_counter() - start
    start = time.perf_counter()
    estimate, _ = peer.execute(
        "points", b[:, 0], b[:, 1], b[:, 2], backend="loop", n_closest_points=32
    )
    return built, time.perf_counter() - start, np.asarray(estimate)


def gstools_peer(
    xyz: np.ndarray, values: np.ndarray, targets: np.ndarray
) -> tuple[float, np.ndarray] | None:
    """Seconds of GSTools global ordinary kriging and its estimates; None if not installed."""
    try:
        import gstools  # noqa: PLC0415
    except ImportError:
        return None
    iso = 300.0 * SEARCH.transform * (np.array(SEARCH.ranges) / np.array([300, 150, 60]))[:, None]
    model = gstools.Spherical(dim=3, var=0.9, len_scale=300.0, nugget=0.1)
    start = time.perf_counter()
    krige = gstools.krige.Ordinary(
        model, cond_pos=(xyz @ iso.T).T, cond_val=values, pseudo_inv=False
    )
    estimate = krige((targets @ iso.T).T, mesh_type="unstructured", return_var=False)
    return time.perf_counter() - start, np.asarray(estimate)


def million_blocks(xyz: np.ndarray, values: np.ndarray, jobs: int) -> None:
    """1,000,000 blocks, 4 x 4 x 2 discretisation, chunked and threaded."""
    grid = BlockGrid((0.0, 0.0, 100.0), (10.0, 10.0, 4.0), (100, 100, 100))
    kriging = OrdinaryKriging(
        MODEL, neighbourhood=SEARCH, block_size=grid.block_size, discretisation=(4, 4, 2)
    ).fit(xyz, values)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    start = time.perf_counter()
    model = estimate_blocks(grid, kriging, n_jobs=jobs)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    done = int(np.isfinite(model["estimate"].values).sum())
    print(
        f"bornite 1,000,000 blocks, 4x4x2, {jobs} threads: {seconds:8.1f} s "
        f"({done:,} estimated); peak RSS {peak:5.2f} GiB (before {before:4.2f} GiB); "
        "targets 300 s, 4 GiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--peer-samples", type=int, default=1000)
    parser.add_argument("--peer-targets", type=int, default=2000)
    parser.add_argument("--global-samples", type=int, default=300)
    parser.add_argument("--global-targets", type=int, default=20_000)
    parser.add_argument("--million", action="store_true", help="also 1,000,000 blocks")
    args = parser.parse_args()

    xyz, values, holes = synthetic_holes()
    targets = block_centroids()
    print(f"samples {len(xyz):,} in {len(np.unique(holes))} holes; targets {len(targets):,}")

    cases = {
        "point OK, 1 thread": OrdinaryKriging(MODEL, neighbourhood=SEARCH, n_jobs=1),
        f"point OK, {args.jobs} threads": OrdinaryKriging(
            MODEL, neighbourhood=SEARCH, n_jobs=args.jobs
        ),
        "block OK 2x2x2, 1 thread": OrdinaryKriging(
            MODEL,
            neighbourhood=SEARCH,
            block_size=(20.0, 20.0, 10.0),
            discretisation=(2, 2, 2),
            n_jobs=1,
        ),
    }
    seconds_of = {}
    for label, estimator in cases.items():
        seconds, peak, table = timed(lambda e=estimator: e.fit(xyz, values).predict(targets), 1)
        if args.repeat > 1:
            seconds, peak, table = timed(
                lambda e=estimator: e.fit(xyz, values).predict(targets), args.repeat
            )
        rate = len(targets) / seconds
        seconds_of[label] = seconds
        print(
            f"bornite {label:<26s} {seconds:8.2f} s  {rate:10,.0f} targets/s  "
            f"peak {peak:7.1f} MiB  mean estimate {table['estimate'].mean():.4f}"
        )

    # Like-for-like against PyKrige on a sample subset and a target subset.
    rng = np.random.default_rng(7)
    keep = np.sort(rng.choice(len(xyz), size=args.peer_samples, replace=False))
    few = targets[rng.choice(len(targets), size=args.peer_targets, replace=False)]
    for n in (250, 500):
        sub = np.sort(rng.choice(len(xyz), size=n, replace=False))
        peer = pykrige_peer(xyz[sub], values[sub], few[:10])
        if peer is None:
            print("PyKrige not installed: no peer timing")
            break
        print(f"PyKrige OrdinaryKriging3D constructor, n = {n:5d}: {peer[0]:8.2f} s")
    peer = pykrige_peer(xyz[keep], values[keep], few)
    if peer is not None:
        built, run, estimate = peer
        ours, _, table = timed(
            lambda: (
                OrdinaryKriging(MODEL, neighbourhood=SEARCH, n_jobs=1)
                .fit(xyz[keep], values[keep])
                .predict(few)
            ),
            args.repeat,
        )
        scale = len(targets) / len(few)
        diff = np.max(np.abs(table["estimate"].to_numpy() - estimate) / np.abs(estimate))
        print(
            f"PyKrige constructor, n = {len(keep):5d}: {built:8.2f} s (O(n^4) statistics; "
            "out of reach at n = 5,000)"
        )
        print(
            f"PyKrige execute {len(few):,} targets: {run:8.2f} s -> {run * scale:8.1f} s "
            f"for {len(targets):,}"
        )
        print(
            f"bornite same {len(few):,} targets:  {ours:8.3f} s -> {ours * scale:8.1f} s; "
            f"ratio PyKrige / bornite = {run / ours:6.1f}; max relative difference {diff:.1e}"
        )
        threaded = seconds_of[f"point OK, {args.jobs} threads"]
        print(
            f"PyKrige execute scaled to {len(targets):,} targets / bornite on {args.jobs} "
            f"threads ({threaded:.2f} s): {run * scale / threaded:6.1f} (target 20)"
        )
    sub = np.sort(rng.choice(len(xyz), size=args.global_samples, replace=False))
    some = targets[rng.choice(len(targets), size=args.global_targets, replace=False)]
    gs_peer = gstools_peer(xyz[sub], values[sub], some)
    if gs_peer is None:
        print("GSTools not installed: no global-neighbourhood peer (pip install 'bornite[bench]')")
    else:
        theirs, estimate = gs_peer
        ours, _, table = timed(
            lambda: OrdinaryKriging(MODEL, n_jobs=1).fit(xyz[sub], values[sub]).predict(some),
            args.repeat,
        )
        diff = np.max(np.abs(table["estimate"].to_numpy() - estimate) / np.abs(estimate))
        print(
            f"global neighbourhood, {len(sub):,} samples -> {len(some):,} targets: GSTools "
            f"{theirs:.2f} s, bornite {ours:.2f} s (1 thread); ratio {theirs / ours:.1f}; max "
            f"relative difference {diff:.1e}"
        )
    if args.million:
        million_blocks(xyz, values, args.jobs)


if __name__ == "__main__":
    main()
