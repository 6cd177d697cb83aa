"""Benchmark the inventory database: a large import and roll-ups in SQL, on SQLite and PostgreSQL.

Usage: ``python benchmarks/bench_inventory.py [--deposits 100000] [--statements 1000000]
[--repeats 5] [--postgresql URL]``

Cases, each on a fresh SQLite file and, when a server is reachable (``--postgresql`` or
``$BORNITE_TEST_POSTGRESQL``, default ``postgresql+psycopg://bornite:bornite@127.0.0.1/
bornite_test``), on PostgreSQL:

* importing 100,000 synthetic deposits and 1,000,000 statements (one transaction);
* the roll-up by belt (latest statements), as of a date, and by category, in SQL;
* beside them, the same roll-up by belt as a plain Python loop over the rows (what SQL
  replaces), and the pandas reference (:func:`bornite.inventory.rollup`) on the same data.

Targets: the import under 60 s; a roll-up by belt under 1 s on both databases. The script
prints medians and ratios; it never fails on a missed target.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from bornite import inventory
from bornite.datasets import synthetic_inventory
from bornite.errors import StoreError
from bornite.store import Store

DEFAULT_POSTGRESQL = "postgresql+psycopg://bornite:bornite@127.0.0.1:5432/bornite_test"


def _median(function: Callable[[], object], repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _python_loop(statements: pd.DataFrame, deposits: pd.DataFrame) -> dict[str, float]:
    """The roll-up by belt as a loop over rows: latest report per deposit and kind, reserves
    only where resources exclude them."""
    belt = dict(zip(deposits["id"], deposits["belt"], strict=True))
    latest: dict[tuple[str, str], object] = {}
    rows = list(
        zip(
            statements["deposit_id"],
            statements["kind"],
            statements["effective_date"],
            statements["inclusive_of_reserves"],
            statements["cu_t"],
            strict=True,
        )
    )
    for deposit, kind, date, _, _ in rows:
        key = (deposit, kind)
        if key not in latest or date > latest[key]:  # type: ignore[operator]
            latest[key] = date
    inclusive = {
        d for d, k, date, flag, _ in rows if k == "resource" and flag and latest[(d, k)] == date
    }
    totals: dict[str, float] = defaultdict(float)
    for deposit, kind, date, _, metal in rows:
        if latest[(deposit, kind)] != date or math.isnan(metal):
            continue
        if kind == "reserve" and deposit in inclusive:
            continue
        totals[belt[deposit] or "(unassigned)"] += metal
    return totals


def _case(name: str, url: str, deposits: pd.DataFrame, statements: pd.DataFrame, repeats: int):
    store = Store(url)
    try:
        store.drop_everything()
        store.init()
    except StoreError as error:
        print(f"{name}: skipped ({error})")
        return None
    start = time.perf_counter()
    store.import_tables(deposits, statements)
    seconds = time.perf_counter() - start
    print(
        f"{name}: import of {len(deposits):,} deposits + {len(statements):,} statements: "
        f"{seconds:.1f} s (target < 60 s)"
    )
    belt, table = _median(lambda: store.rollup("belt"), repeats)
    as_of, _ = _median(lambda: store.rollup("belt", as_of="2015-06-30"), repeats)
    category, _ = _median(lambda: store.rollup("category"), repeats)
    print(
        f"{name}: roll-up by belt median {belt * 1000:.0f} ms (target < 1000 ms); as of a "
        f"date {as_of * 1000:.0f} ms; by category {category * 1000:.0f} ms"
    )
    store.close()
    return belt, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deposits", type=int, default=100_000)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--postgresql", default=os.environ.get("BORNITE_TEST_POSTGRESQL", DEFAULT_POSTGRESQL)
    )
    args = parser.parse_args()
    deposits, statements = synthetic_inventory(args.deposits, args.statements, seed=0)
    print(f"synthetic inventory: {len(deposits):,} deposits, {len(statements):,} statements")
    canonical_deposits = inventory.normalise_deposits(deposits)
    canonical = inventory.normalise_statements(statements)
    loop, totals = _median(lambda: _python_loop(canonical, canonical_deposits), 1)
    frame, reference = _median(
        lambda: inventory.rollup(canonical, "belt", deposits=canonical_deposits), args.repeats
    )
    print(f"Python loop over rows: {loop * 1000:.0f} ms; pandas reference: {frame * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as folder:
        cases = {
            "SQLite": f"sqlite:///{Path(folder) / 'bench.sqlite'}",
            "PostgreSQL": args.postgresql,
        }
        for name, url in cases.items():
            done = _case(name, url, deposits, statements, args.repeats)
            if done is None:
                continue
            seconds, table = done
            assert isinstance(table, pd.DataFrame)
            assert isinstance(reference, pd.DataFrame)
            same = (table["metal_t"] - reference["metal_t"]).abs().max() <= 1e-9 * float(
                reference["metal_t"].iloc[-1]
            )
            loop_total = sum(totals.values())  # type: ignore[union-attr]
            print(
                f"{name}: Python loop / SQL = {loop / seconds:.1f}x; same totals as pandas: "
                f"{same}; loop total {loop_total:.6g} t vs SQL {table['metal_t'].iloc[-1]:.6g} t"
            )


if __name__ == "__main__":
    main()
