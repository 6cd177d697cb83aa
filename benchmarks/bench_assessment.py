"""Benchmark the three-part assessment chain on the MapMark4 User's Guide tract.

Stages: negative-binomial fit (ExampleDepEst1), grade-tonnage pdfs (ExampleGatm, normal pdfs,
with exact deposit moments), 20,000 trials, summary; then 1,000,000 trials. Each stage is run
``--repeat`` times and the median is printed with trials per second and the peak memory traced
by ``tracemalloc`` (NumPy reports its buffers to it).

Peers:

* MapMark4 1.0 in R, published on this kind of machine (not re-run here: R is not available):
  fit 27 s, pdf sampling 2.4 s, 20,000 trials 1.2 s, totals 0.35 s.
* A per-trial loop written the way MapMark4's ``Simulation`` loops over trials (one draw of N,
  then its deposits), measured in this process on the same model, for a like-for-like ratio.

Targets (2 cores): whole chain < 0.3 s; 1,000,000 trials < 3 s with peak memory < 1 GiB.

Usage: ``python benchmarks/bench_assessment.py [--data ../shared/data] [--repeat 5]``.
Without the reference data, a synthetic tract of the same shape is used (and said so).
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bornite.assessment import GradeTonnageModel, NegBinomialPmf, simulate
from bornite.datasets import porphyry_grade_tonnage

MAPMARK4_SECONDS = {"fit": 27.0, "pdfs": 2.4, "trials_20k": 1.2, "summary": 0.35}


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median seconds of untraced runs, the peak traced MiB of one more run, and its result.

    Timing and memory tracing are separate because ``tracemalloc`` slows Python code.
    """
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    result = function()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), peak, result


def load_inputs(data: Path) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    folder = data / "assessment" / "mapmark4"
    if (folder / "ExampleGatm_synthetic71.csv").is_file():
        gatm = pd.read_csv(folder / "ExampleGatm_synthetic71.csv").rename(
            columns={"Name": "name", "Ore": "ore_t", "Cu": "cu_pct", "Au": "au_pct"}
        )
        elicitation = pd.read_csv(folder / "ExampleDepEst1.csv")
        return gatm, elicitation, "MapMark4 User's Guide (ExampleGatm + ExampleDepEst1)"
    gatm = porphyry_grade_tonnage(71, seed=1)
    elicitation = pd.DataFrame(
        {
            "Name": ["a", "b", "c", "d"],
            "Weight": [0.5, 1, 1, 1],
            "N90": [3, 2, 5, 2],
            "N50": [10, 5, 7, 10],
            "N10": [25, 10, 10, 20],
        }
    )
    return gatm, elicitation, "synthetic stand-in (reference data not found)"


def loop_peer(pmf: Any, model: GradeTonnageModel, n_trials: int, seed: int) -> np.ndarray:
    """Per-trial loop in the style of MapMark4's Simulation: the peer for the ratio."""
    rng = np.random.default_rng(seed)
    ore, fractions = model.sample_arrays(int(n_trials * pmf.mean * 1.5) + 100, rng)
    totals = np.zeros((n_trials, 1 + fractions.shape[1]))
    index = 0
    for trial in range(n_trials):
        n = int(pmf.sample(1, rng)[0])
        for _ in range(n):
            totals[trial, 0] += ore[index]
            totals[trial, 1:] += ore[index] * fractions[index]
            index += 1
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    gatm, elicitation, label = load_inputs(args.data)
    print(f"tract: {label}")

    fit_s, fit_mb, pmf = timed(lambda: NegBinomialPmf().fit(elicitation).pmf_, args.repeat)

    def pdfs() -> GradeTonnageModel:
        model = GradeTonnageModel().fit(gatm)
        model.moments()
        return model

    pdf_s, pdf_mb, model = timed(pdfs, args.repeat)
    sim_s, sim_mb, result = timed(lambda: simulate(pmf, model, 20_000, seed=1), args.repeat)
    sum_s, sum_mb, _ = timed(result.summary, args.repeat)
    chain_s = fit_s + pdf_s + sim_s + sum_s

    print(f"{'stage':<28}{'median s':>10}{'peak MiB':>10}{'MapMark4 s':>12}{'speed-up':>10}")
    for name, seconds, mib, key in (
        ("negative-binomial fit", fit_s, fit_mb, "fit"),
        ("pdfs + exact moments", pdf_s, pdf_mb, "pdfs"),
        ("20,000 trials", sim_s, sim_mb, "trials_20k"),
        ("summary", sum_s, sum_mb, "summary"),
    ):
        reference = MAPMARK4_SECONDS[key]
        print(
            f"{name:<28}{seconds:>10.4f}{mib:>10.1f}{reference:>12.2f}{reference / seconds:>9.0f}x"
        )
    total_reference = sum(MAPMARK4_SECONDS.values())
    print(
        f"{'whole chain':<28}{chain_s:>10.4f}{'':>10}{total_reference:>12.2f}"
        f"{total_reference / chain_s:>9.0f}x   target < 0.3 s: "
        f"{'met' if chain_s < 0.3 else 'NOT met'}"
    )
    print(f"trials per second (20,000): {20_000 / sim_s:,.0f}")

    peer_s, _, _ = timed(lambda: loop_peer(pmf, model, 20_000, 1), max(1, args.repeat // 2))
    print(
        f"per-trial loop peer, 20,000 trials: {peer_s:.3f} s; bornite is {peer_s / sim_s:.0f}x "
        "faster on the same model"
    )

    big_s, big_mb, big = timed(
        lambda: simulate(pmf, model, 1_000_000, seed=2), max(1, args.repeat // 2)
    )
    print(
        f"1,000,000 trials: {big_s:.3f} s ({1e6 / big_s:,.0f} trials/s), peak traced memory "
        f"{big_mb:.0f} MiB; targets < 3 s and < 1024 MiB: "
        f"{'met' if big_s < 3 and big_mb < 1024 else 'NOT met'}"
    )
    threads_s, _, _ = timed(
        lambda: simulate(pmf, model, 1_000_000, seed=2, n_jobs=2), max(1, args.repeat // 2)
    )
    print(
        f"1,000,000 trials with n_jobs=2 (threads over chunks, same numbers): {threads_s:.3f} s "
        f"({big_s / threads_s:.2f}x the single-thread speed)"
    )
    summary = big.summary()
    print("simulated vs analytic mean (1,000,000 trials):")
    for quantity, row in summary.iterrows():
        print(
            f"  {quantity:<6} {row['mean']:.4g} vs {row['analytic_mean']:.4g} "
            f"(sd {row['sd']:.4g} vs {row['analytic_sd']:.4g})"
        )


if __name__ == "__main__":
    main()
