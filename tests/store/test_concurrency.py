"""Concurrent writers, threads and processes, on SQLite and PostgreSQL: nothing lost, nothing
duplicated, supersession right, and of two edits of the same version exactly one wins."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from bornite.errors import StaleWriteError
from bornite.store import Store

WRITERS = 6


def _work(url: str, writer: int) -> int:
    """One writer's imports: its own deposits with statements, the shared deposits again
    (identical), and a report of the shared deposit dated by the writer; then a run."""
    store = Store(url)
    try:
        own = pd.DataFrame(
            {
                "id": [f"w{writer}-{i}" for i in range(15)],
                "name": [f"W{writer} {i}" for i in range(15)],
            }
        )
        shared = pd.DataFrame({"id": [f"shared-{i}" for i in range(5)], "name": "Shared"})
        statements = pd.DataFrame(
            {
                "deposit_id": [*own["id"], "shared-0"],
                "effective_date": ["2020-01-01"] * 15 + [f"{2000 + writer}-06-30"],
                "code": "jorc",
                "category": "indicated",
                "ore_t": 1e6,
                "cu_pct": 0.5,
                "citation": f"writer {writer}",
            }
        )
        for _ in range(2):  # importing twice must not duplicate anything
            store.import_tables(pd.concat([own, shared], ignore_index=True), statements)
        store.record_run({"kind": "pmf", "name": f"run {writer}", "results": {}})
        return writer
    finally:
        store.close()


def _check(url: str) -> None:
    store = Store(url)
    deposits, statements = store.deposits(), store.statements()
    assert len(deposits) == WRITERS * 15 + 5
    assert deposits["id"].is_unique
    assert len(statements) == WRITERS * 16
    assert not statements.duplicated(["deposit_id", "effective_date", "code", "category"]).any()
    shared = statements[statements["deposit_id"] == "shared-0"].sort_values("effective_date")
    # Each report of the shared deposit is superseded by the next one, whatever the order
    # in which the writers got there.
    expected = [*shared["effective_date"].iloc[1:], pd.NaT]
    assert list(shared["superseded_on"]) == expected
    assert len(store.runs()) == WRITERS
    total = store.rollup("deposit").set_index("group")
    assert total.loc["total", "metal_t"] == pytest.approx((WRITERS * 15 + 1) * 5_000.0, rel=1e-12)
    store.close()


def test_threads_lose_and_duplicate_nothing(store_url: str) -> None:
    with ThreadPoolExecutor(WRITERS) as pool:
        assert sorted(pool.map(lambda w: _work(store_url, w), range(WRITERS))) == list(
            range(WRITERS)
        )
    _check(store_url)


def test_processes_lose_and_duplicate_nothing(store_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        done = pool.starmap(_work, [(store_url, w) for w in range(WRITERS)])
    assert sorted(done) == list(range(WRITERS))
    _check(store_url)


def test_of_concurrent_edits_of_one_version_exactly_one_wins(store_url: str) -> None:
    store = Store(store_url)
    store.import_tables(pd.DataFrame({"id": ["a"], "name": ["A"]}))

    def edit(writer: int) -> str:
        try:
            Store(store_url).edit(
                "deposits", "a", {"belt": f"belt {writer}"}, version=1, who=str(writer)
            )
        except StaleWriteError:
            return "stale"
        return "won"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(edit, range(8)))
    assert outcomes.count("won") == 1
    assert outcomes.count("stale") == 7
    deposit = store.deposits().iloc[0]
    assert deposit["version"] == 2
    history = store.history("deposits", "a")
    assert len(history) == 1
    assert history["after"].iloc[0] == f'"{deposit["belt"]}"'
