"""Benchmark the ultimate pit and nested shells against MineFlow (PyMineFlow) in the same run.

Usage: ``python benchmarks/bench_pit.py [--repeats 5] [--size 100] [--skip-big]``

Cases:

* MineLib UPIT instances (newman1, zuck_small, kd) from ``../shared/data/minelib`` (or
  ``$BORNITE_SHARED_DATA/minelib``); skipped with a message when absent. bornite's solve
  (every engine installed) against MineFlow's ``ExplicitPit`` on the same arcs.
* A synthetic ``size**3`` block model (1,000,000 blocks by default), 10 m cubes, 45-degree
  slopes over 8 benches: bornite end to end (block values, precedence arcs, exact solve) in a
  fresh process (for its peak memory) against MineFlow's implicit 45-degree, 8-bench
  ``minsearch`` pattern on the same values.
* 20 nested shells on the same model against one ultimate pit.

Targets (2 cores): within 3x MineFlow on every instance; the 1M-block pit under 20 s end to
end and 6 GiB peak memory; 20 shells under 3x the cost of one pit. The script prints medians
and ratios; it never fails on a missed target.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from bornite.blockmodel import BlockGrid
from bornite.io.minelib import read_minelib
from bornite.pit import (
    DEFAULT_REVENUE_FACTORS,
    ENGINES,
    PitEconomics,
    block_arcs,
    block_values,
    integer_values,
    nested_shells,
    slope_pattern,
    ultimate_pit,
    value_at,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BORNITE_SHARED_DATA", REPO.parent / "shared" / "data"))
INSTANCES = ("newman1", "zuck_small", "kd")


def _median_time(function, repeats):
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench_minelib(repeats: int) -> None:
    folder = SHARED / "minelib"
    if not folder.is_dir():
        print(f"MineLib: skipped, no reference data at {folder} (set BORNITE_SHARED_DATA)")
        return
    has_mineflow = importlib.util.find_spec("pymineflow") is not None
    engines = [e for e in ENGINES if importlib.util.find_spec(e) is not None and e != "scipy"]
    print(f"MineLib UPIT, median of {repeats} (seconds; ratio = bornite / MineFlow)")
    header = f"{'instance':<11} {'blocks':>7} {'arcs':>8} {'objective':>16}"
    header += "".join(f" {e:>11}" for e in engines) + f" {'MineFlow':>10} {'ratio':>6}"
    print(header)
    for name in INSTANCES:
        prefix = folder / name / name
        if not prefix.with_suffix(".upit").is_file():
            print(f"{name:<11} skipped: {prefix}.upit not found")
            continue
        instance = read_minelib(prefix, blocks=False)
        times = {}
        objective = None
        for engine in engines:
            seconds, pit = _median_time(
                lambda e=engine, inst=instance: ultimate_pit(
                    inst.values, inst.source, inst.target, engine=e
                ),
                repeats,
            )
            times[engine] = seconds
            objective = instance.objective(pit.mask)
        line = f"{name:<11} {instance.n_blocks:>7,} {instance.source.size:>8,}"
        line += f" {float(objective):>16,.2f}"
        line += "".join(f" {times[e]:>11.4f}" for e in engines)
        if has_mineflow:
            import pymineflow  # noqa: PLC0415 (optional peer)

            def mineflow(inst=instance):
                return pymineflow.ExplicitPit(
                    inst.n_blocks, inst.source, inst.target, inst.values
                ).solve()

            reference, answer = _median_time(mineflow, repeats)
            assert int(answer[1]) == int(instance.values[np.asarray(answer[0])].sum())
            best = times[engines[0]]
            line += f" {reference:>10.4f} {best / reference:>6.2f}"
        print(line)


# ------------------------------------------------------------------------------ synthetic
def _synthetic(size: int):
    """A porphyry-like blob of copper in a ``size**3`` grid of 10 m blocks."""
    grid = BlockGrid((0.0, 0.0, -10.0 * size), (10.0, 10.0, 10.0), (size, size, size))
    i, j, k = np.meshgrid(*(np.arange(size, dtype=np.float32),) * 3, indexing="ij", sparse=True)
    c = size / 100.0
    r2 = ((i - 50 * c) / (25 * c)) ** 2 + ((j - 50 * c) / (20 * c)) ** 2
    r2 = r2 + ((k - 70 * c) / (30 * c)) ** 2
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((size, size, size), dtype=np.float32) * 0.03
    cu_pct = np.clip(1.2 * np.exp(-r2) + noise, 0.0, None)
    return grid.dataset(cu_pct=cu_pct)


def _economics():
    return PitEconomics(
        prices={"cu": 9000.0},
        recovery=0.88,
        mining_cost=2.0,
        mining_cost_increment=0.003,
        processing_cost=9.0,
        selling_cost=500.0,
        royalty=0.03,
    )


def child_bornite(size: int) -> dict:
    """bornite end to end on the synthetic model (run in a fresh process)."""
    model = _synthetic(size)
    start = time.perf_counter()
    values = block_values(model, _economics(), density=2.7)
    t_values = time.perf_counter() - start
    pattern = slope_pattern(45.0, (10.0, 10.0, 10.0), 8)
    source, target = block_arcs((size, size, size), pattern)
    t_arcs = time.perf_counter() - start - t_values
    pit = ultimate_pit(integer_values(values["value_usd"].values), source, target)
    total = time.perf_counter() - start
    return {
        "seconds": total,
        "values_s": t_values,
        "arcs_s": t_arcs,
        "solve_s": pit.seconds,
        "engine": pit.engine,
        "blocks_in_pit": pit.n_blocks,
        "value": pit.value,
        "arcs": int(source.size),
        "pattern_arcs": len(pattern),
        "peak_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    }


def child_mineflow(size: int) -> dict:
    """MineFlow's implicit 45-degree, 8-bench pattern on the same block values."""
    import pymineflow  # noqa: PLC0415 (optional peer)

    values = integer_values(
        block_values(_synthetic(size), _economics(), density=2.7)["value_usd"].values
    )
    cells = values.reshape(size, size, size).transpose(2, 1, 0).ravel()  # x fastest
    start = time.perf_counter()
    pit = pymineflow.Pit(
        size,
        size,
        size,
        cells,
        pattern="minsearch",
        slope_deg=45.0,
        n_benches=8,
        block_size=(10.0, 10.0, 10.0),
    )
    _, value, n_blocks, _ = pit.solve()
    return {
        "seconds": time.perf_counter() - start,
        "value": int(value),
        "blocks_in_pit": int(n_blocks),
        "pattern_arcs": len(pit.offsets()),
        "peak_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    }


def child_shells(size: int) -> dict:
    """20 nested shells against one ultimate pit, same arcs and values."""
    values = block_values(_synthetic(size), _economics(), density=2.7)
    source, target = block_arcs((size, size, size), slope_pattern(45.0, (10.0, 10.0, 10.0), 8))
    r = values["revenue_usd"].values.ravel()
    p = values["processing_cost_usd"].values.ravel()
    m = values["mining_cost_usd"].values.ravel()
    start = time.perf_counter()
    one = ultimate_pit(integer_values(values["value_usd"].values), source, target)
    t_one = time.perf_counter() - start
    start = time.perf_counter()
    shells = nested_shells(r, p, m, source, target, DEFAULT_REVENUE_FACTORS, n_jobs=1)
    t_shells = time.perf_counter() - start
    start = time.perf_counter()
    threaded = nested_shells(r, p, m, source, target, DEFAULT_REVENUE_FACTORS, n_jobs=2)
    t_threaded = time.perf_counter() - start
    for k, factor in enumerate(DEFAULT_REVENUE_FACTORS, start=1):
        # each shell is an optimal pit for its factor; optimal pits can tie, so compare values
        worth = integer_values(value_at(r, p, m, factor))
        assert (
            worth[(shells >= 1) & (shells <= k)].sum()
            == worth[(threaded >= 1) & (threaded <= k)].sum()
        )
    return {
        "one_s": t_one,
        "shells_s": t_shells,
        "shells_2_threads_s": t_threaded,
        "n_shells": len(DEFAULT_REVENUE_FACTORS),
        "largest_shell_blocks": int((shells > 0).sum()),
        "pit_blocks": one.n_blocks,
        "peak_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    }


def _spawn(case: str, size: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", case, "--size", str(size)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_synthetic(size: int, repeats: int) -> None:
    n = size**3
    print(f"\nSynthetic {n:,}-block model, 45 degrees over 8 benches, median of {repeats}")
    runs = [_spawn("bornite", size) for _ in range(repeats)]
    ours = sorted(runs, key=lambda d: d["seconds"])[len(runs) // 2]
    print(
        f"bornite end to end  {ours['seconds']:7.2f} s (values {ours['values_s']:.2f}, arcs "
        f"{ours['arcs_s']:.2f}, solve {ours['solve_s']:.2f} by {ours['engine']}); "
        f"{ours['arcs']:,} arcs from a {ours['pattern_arcs']}-arc pattern; peak "
        f"{max(r['peak_gib'] for r in runs):.2f} GiB; pit {ours['blocks_in_pit']:,} blocks"
    )
    if importlib.util.find_spec("pymineflow") is not None:
        theirs_runs = [_spawn("mineflow", size) for _ in range(repeats)]
        theirs = sorted(theirs_runs, key=lambda d: d["seconds"])[len(theirs_runs) // 2]
        print(
            f"MineFlow (implicit) {theirs['seconds']:7.2f} s; {theirs['pattern_arcs']}-offset "
            f"minsearch pattern; peak {max(r['peak_gib'] for r in theirs_runs):.2f} GiB; pit "
            f"{theirs['blocks_in_pit']:,} blocks"
        )
        print(
            f"ratio bornite end to end / MineFlow solve: {ours['seconds'] / theirs['seconds']:.2f}"
            f"; bornite solve / MineFlow solve: {ours['solve_s'] / theirs['seconds']:.2f}"
        )
    else:
        print("MineFlow: skipped (pymineflow not installed)")
    shells = _spawn("shells", size)
    print(
        f"{shells['n_shells']} nested shells {shells['shells_s']:.2f} s (1 thread), "
        f"{shells['shells_2_threads_s']:.2f} s (2 threads) against one pit "
        f"{shells['one_s']:.2f} s: ratios {shells['shells_s'] / shells['one_s']:.2f} and "
        f"{shells['shells_2_threads_s'] / shells['one_s']:.2f} (largest shell "
        f"{shells['largest_shell_blocks']:,} blocks; peak {shells['peak_gib']:.2f} GiB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--size", type=int, default=100, help="blocks along each axis")
    parser.add_argument("--skip-big", action="store_true", help="MineLib only")
    parser.add_argument(
        "--child", choices=["bornite", "mineflow", "shells"], help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        function = {"bornite": child_bornite, "mineflow": child_mineflow, "shells": child_shells}
        print(json.dumps(function[args.child](args.size)))
        return
    bench_minelib(args.repeats)
    if not args.skip_big:
        bench_synthetic(args.size, max(1, min(args.repeats, 3)))


if __name__ == "__main__":
    main()
