"""Benchmark regional prospectivity: weights of evidence and posterior on 1e8 cells.

Sections (each a function, run from :func:`main`; later sections such as random forests add
their own function and a line in ``SECTIONS``):

``wofe``
    A 10,000 x 10,000 continuous evidence raster (float32, 1,000 distinct values, a smooth
    seeded field) and 300 seeded deposits. Timed: :func:`weights_of_evidence` (ascending,
    maximum-contrast generalisation) and :func:`posterior_probability` of the generalised
    layer (posterior and its standard deviation, float32). Targets on 2 cores: under 60 s and
    under 2 GiB peak memory. The peak is the largest traced allocation (``tracemalloc``; NumPy
    reports its buffers) over the inputs, plus the inputs themselves; the process's maximum
    resident set size is printed too.

``wofe-peers``
    On a 1,000 x 1,000 raster with the same 1,000 classes, bornite against two
    straightforward peers measured in the same run: a per-class loop (one boolean mask per
    class for its cells and deposits), and a cumulative per-class loop (one ``evidence <=
    class`` mask per class, as tools that rebuild the cumulative pattern for each class do,
    e.g. EIS Toolkit's weights of evidence). Medians of ``--repeat`` runs and ratios.

Usage: ``python benchmarks/bench_prospectivity.py [--section wofe|wofe-peers|all]
[--size 10000] [--repeat 3]``.
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

from bornite.prospectivity.weights import posterior_probability, weights_of_evidence

N_CLASSES = 1_000
N_DEPOSITS = 300
CELL_M = 100.0


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds of ``repeat`` runs and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def make_region(size: int, seed: int = 42) -> tuple[np.ndarray, np.ndarray]:
    """A smooth continuous evidence layer with ``N_CLASSES`` distinct values and deposits.

    The layer is built row block by row block (float32) so that making it never needs more
    than the layer itself. Deposits favour low values (like distance to a structure).
    """
    rng = np.random.default_rng(seed)
    evidence = np.empty((size, size), dtype=np.float32)
    cols = np.arange(size, dtype=np.float32)
    phase = rng.uniform(0, 2 * np.pi, 4).astype(np.float32)
    step = max(1, 4_000_000 // size)
    scale = np.float32(2 * np.pi / size)
    for start in range(0, size, step):
        rows = np.arange(start, min(start + step, size), dtype=np.float32)[:, None]
        evidence[start : start + rows.shape[0]] = (
            np.sin(cols * scale * 3 + phase[0]) * np.cos(rows * scale * 2 + phase[1])
            + 0.5 * np.sin((cols + rows) * scale * 5 + phase[2])
            + 0.25 * np.cos((cols - rows) * scale * 7 + phase[3])
        )
    low, high = float(evidence.min()), float(evidence.max())
    factor = np.float32((N_CLASSES - 1e-3) / (high - low))
    for start in range(0, size, step):
        # Exactly N_CLASSES distinct values, 0 .. N_CLASSES - 1.
        block = evidence[start : start + step]
        np.floor((block - np.float32(low)) * factor, out=block)
    deposits = np.zeros((size, size), dtype=np.uint8)
    found = 0
    while found < N_DEPOSITS:
        r, c = rng.integers(0, size, 2)
        # Accept with a probability falling with the class: low classes are favourable.
        if deposits[r, c] == 0 and rng.random() < 1.0 - evidence[r, c] / N_CLASSES:
            deposits[r, c] = 1
            found += 1
    return evidence, deposits


def wofe_and_posterior(evidence: np.ndarray, deposits: np.ndarray) -> tuple[Any, Any]:
    """Weights table of the layer and the posterior of its generalised pattern."""
    table = weights_of_evidence(
        evidence, deposits, weights_type="ascending", cell_size=(CELL_M, CELL_M)
    )
    post = posterior_probability([(evidence, table)], confidence=False)
    return table, post


def per_class_loop(evidence: np.ndarray, deposits: np.ndarray) -> tuple[np.ndarray, ...]:
    """Peer: one mask per class for its cells and deposits."""
    classes = np.unique(evidence)
    cells = np.array([np.count_nonzero(evidence == c) for c in classes])
    points = np.array([int(deposits[evidence == c].sum()) for c in classes])
    return classes, np.cumsum(cells), np.cumsum(points)


def cumulative_loop(evidence: np.ndarray, deposits: np.ndarray) -> tuple[np.ndarray, ...]:
    """Peer: one cumulative ``evidence <= class`` mask per class."""
    classes = np.unique(evidence)
    cells = np.array([np.count_nonzero(evidence <= c) for c in classes])
    points = np.array([int(deposits[evidence <= c].sum()) for c in classes])
    return classes, cells, points


def section_wofe(args: argparse.Namespace) -> None:
    """Weights of evidence and posterior on ``size x size`` cells: time and peak memory."""
    size = args.size
    start = time.perf_counter()
    evidence, deposits = make_region(size)
    made = time.perf_counter() - start
    inputs_mib = (evidence.nbytes + deposits.nbytes) / 2**20
    print(
        f"[wofe] {size} x {size} = {size * size:,} cells, "
        f"{int(deposits.sum())} deposits; inputs {inputs_mib:,.0f} MiB, made in {made:.1f} s"
    )
    tracemalloc.start()
    start = time.perf_counter()
    table, post = wofe_and_posterior(evidence, deposits)
    seconds = time.perf_counter() - start
    peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total_mib = peak_mib + inputs_mib
    print(
        f"[wofe] distinct values = classes in the table: {len(table):,}; pattern up to class "
        f"{table.attrs['threshold_class']:g}, contrast "
        f"{table['contrast'].iat[table.attrs['pattern_row']]:.3f}"
    )
    print(f"[wofe] weights + posterior: {seconds:.1f} s (target < 60 s)")
    print(
        f"[wofe] peak traced {peak_mib:,.0f} MiB + inputs {inputs_mib:,.0f} MiB = "
        f"{total_mib:,.0f} MiB (target < 2,048 MiB); max RSS {rss_mib:,.0f} MiB"
    )
    print(
        f"[wofe] posterior range {float(np.nanmin(post['posterior'])):.4g} .. "
        f"{float(np.nanmax(post['posterior'])):.4g}"
    )


def section_wofe_peers(args: argparse.Namespace) -> None:
    """bornite against per-class loops on 1,000 x 1,000 cells with 1,000 classes."""
    evidence, deposits = make_region(1_000, seed=7)
    ours, table = timed(
        lambda: weights_of_evidence(
            evidence, deposits, cell_size=(CELL_M, CELL_M), generalisation="none"
        ),
        args.repeat,
    )
    loop, (_, cells, points) = timed(lambda: per_class_loop(evidence, deposits), args.repeat)
    cumulative, (_, cells2, points2) = timed(
        lambda: cumulative_loop(evidence, deposits), args.repeat
    )
    assert np.array_equal(table["points"], points)
    assert np.array_equal(table["points"], points2)
    assert np.array_equal(table["class_cells"].cumsum(), cells)
    assert np.array_equal(table["class_cells"].cumsum(), cells2)
    print(f"[wofe-peers] 1,000 x 1,000 cells, {len(table):,} classes, median of {args.repeat}")
    print(f"[wofe-peers] bornite weights_of_evidence: {ours * 1000:8.1f} ms")
    print(
        f"[wofe-peers] per-class mask loop:         {loop * 1000:8.1f} ms "
        f"({loop / ours:.0f}x slower)"
    )
    print(
        f"[wofe-peers] cumulative mask loop:        {cumulative * 1000:8.1f} ms "
        f"({cumulative / ours:.0f}x slower)"
    )


SECTIONS: dict[str, Callable[[argparse.Namespace], None]] = {
    "wofe": section_wofe,
    "wofe-peers": section_wofe_peers,
}


def main(argv: list[str] | None = None) -> None:
    """Run the chosen benchmark sections."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--section", choices=[*SECTIONS, "all"], default="all")
    parser.add_argument("--size", type=int, default=10_000, help="raster side in cells")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    args = parser.parse_args(argv)
    names = list(SECTIONS) if args.section == "all" else [args.section]
    for name in names:
        SECTIONS[name](args)


if __name__ == "__main__":
    main()
