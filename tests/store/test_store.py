"""The store on SQLite and PostgreSQL: schema, one-transaction imports, supersession, roll-ups
in SQL equal to the pandas reference, edits under a version column, stored runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bornite import inventory
from bornite.datasets import synthetic_inventory
from bornite.errors import InventoryError, StaleWriteError, StoreError
from bornite.store import Store, database
from bornite.store.schema import Base


def _deposits() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["qulong", "yulong", "zhunuo"],
            "name": ["Qulong 驱龙", "Yulong 玉龙", "Zhunuo 朱诺"],
            "easting": [91.6, 97.7, 87.0],
            "northing": [29.6, 31.4, 29.5],
            "crs": "EPSG:4326",
            "belt": ["Gangdese", "Yulong", "Gangdese"],
            "country": "China",
            "status": ["producing", "producing", "resource"],
        }
    )


def _report(deposit: str, date: str, rows: list[tuple[str, float, float]], **extra) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["category", "ore_t", "cu_pct"])
    frame.insert(0, "deposit_id", deposit)
    frame.insert(1, "effective_date", date)
    frame.insert(2, "code", extra.pop("code", "jorc2012"))
    for key, value in {"citation": "test", **extra}.items():
        frame[key] = value
    return frame


def _total(store: Store, **kwargs) -> float:
    return float(store.rollup("belt", **kwargs).set_index("group").loc["total", "metal_t"])


def test_init_is_idempotent_and_the_migrations_match_the_models(store: Store) -> None:
    assert store.revision() == Store.head()
    assert store.init() is False
    assert store.upgrade() == (Store.head(), Store.head())
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_an_uninitialised_database_names_the_command(tmp_path) -> None:
    store = Store(tmp_path / "none.sqlite")
    with pytest.raises(StoreError, match="bornite db init"):
        store.deposits()
    assert not (tmp_path / "none.sqlite").exists()


def test_a_failed_import_leaves_the_database_unchanged_and_names_the_row(store: Store) -> None:
    store.import_tables(_deposits().iloc[:1])
    bad = pd.concat(
        [
            _report("qulong", "2023-12-31", [("measured", 1e9, 0.4)]),
            _report("yulong", "2023-12-31", [("indicated", -5.0, 0.5)]),
        ],
        ignore_index=True,
    )
    bad.index = pd.RangeIndex(1, 3)
    before = store.counts()
    with pytest.raises(InventoryError, match="row 2: negative ore_t"):
        store.import_tables(_deposits(), bad)
    assert store.counts() == before
    assert store.deposits()["id"].tolist() == ["qulong"]


def test_reimports_add_nothing_and_contradictions_are_refused(store: Store) -> None:
    report = _report("qulong", "2023-12-31", [("measured", 1e9, 0.4), ("indicated", 5e8, 0.3)])
    store.import_tables(_deposits(), report)
    again = store.import_tables(_deposits(), report)
    assert [(s.added, s.unchanged) for s in again] == [(0, 3), (0, 2)]
    assert store.counts()["statements"] == 2
    with pytest.raises(InventoryError, match="deposit qulong is already in the database with belt"):
        store.import_tables(_deposits().assign(belt="Yulong"))
    changed = report.assign(ore_t=[1.1e9, 5e8])
    with pytest.raises(InventoryError, match="statements are never overwritten"):
        store.import_tables(statements=changed)
    other_code = _report("qulong", "2023-12-31", [("inferred", 1e8, 0.3)], code="gbt17766")
    with pytest.raises(InventoryError, match="same ore twice"):
        store.import_tables(statements=other_code)
    assert store.counts()["statements"] == 2


def test_supersession_is_kept_across_imports_including_back_filled_history(store: Store) -> None:
    store.import_tables(_deposits())
    store.import_tables(statements=_report("qulong", "2019-06-30", [("inferred", 1e9, 0.5)]))
    store.import_tables(statements=_report("qulong", "2023-01-01", [("indicated", 2e9, 0.5)]))
    store.import_tables(statements=_report("qulong", "2021-03-01", [("indicated", 1.5e9, 0.5)]))
    frame = store.statements().set_index("effective_date")["superseded_on"]
    assert frame[pd.Timestamp("2019-06-30")] == pd.Timestamp("2021-03-01")
    assert frame[pd.Timestamp("2021-03-01")] == pd.Timestamp("2023-01-01")
    assert pd.isna(frame[pd.Timestamp("2023-01-01")])
    assert _total(store, as_of="2021-02-28") == pytest.approx(5e6, rel=1e-12)
    assert _total(store, as_of="2021-03-01") == pytest.approx(7.5e6, rel=1e-12)
    assert _total(store) == pytest.approx(10e6, rel=1e-12)
    assert store.counts()["current statements"] == 1


@pytest.fixture
def filled(store: Store) -> tuple[Store, pd.DataFrame, pd.DataFrame]:
    deposits, statements = synthetic_inventory(120, 1_200, seed=11)
    # Two imports, the second back-filling history, so stored supersession dates move.
    early = statements["effective_date"] < "2012-01-01"
    store.import_tables(deposits, statements[~early])
    store.import_tables(statements=statements[early])
    return store, store.deposits(), store.statements()


@pytest.mark.parametrize(
    "by", ["belt", "region", "country", "type", "status", "category", "code", "deposit"]
)
def test_sql_rollups_equal_the_pandas_reference(filled, by: str) -> None:
    store, deposits, statements = filled
    for as_of in (None, "2010-01-01", "2016-07-01"):
        for basis in ("identified", "resources", "reserves"):
            sql = store.rollup(by, as_of=as_of, basis=basis, scheme="gbt17766")
            reference = inventory.rollup(
                statements, by, deposits=deposits, as_of=as_of, basis=basis, scheme="gbt17766"
            )
            pd.testing.assert_frame_equal(
                sql, reference, check_dtype=False, check_exact=False, rtol=1e-12
            )


def test_sql_additions_equal_the_pandas_reference(filled) -> None:
    store, deposits, statements = filled
    for by in (None, "belt", "status"):
        sql = store.additions("2012-01-01", "2019-12-31", by=by)
        reference = inventory.additions(
            statements, "2012-01-01", "2019-12-31", by=by, deposits=deposits
        )
        pd.testing.assert_frame_equal(
            sql, reference, check_dtype=False, check_exact=False, rtol=1e-12
        )
    assert int(sql["new_deposits"].iloc[-1]) > 0


def _tract_record(name: str, belt: str) -> dict:
    return {
        "kind": "tract",
        "name": name,
        "started": "2026-01-01T00:00:00Z",
        "finished": "2026-01-01T00:00:01Z",
        "bornite_version": "test",
        "seed": 1,
        "inputs_sha256": "0" * 64,
        "results": {},
        "children": [],
    }


def test_mckelvey_from_stored_runs_equals_the_pandas_reference(filled) -> None:
    store, deposits, statements = filled
    rng = np.random.default_rng(2)
    frames = []
    for number, belt in enumerate(["Gangdese", "Gangdese", "Yulong"]):
        totals = pd.DataFrame(
            {"n_deposits": rng.poisson(2, 2_000), "cu_t": rng.lognormal(13, 1, 2_000)}
        )
        store.record_run(_tract_record(f"tract {number}", belt), trials=totals, belt=belt)
        frames.append(
            pd.DataFrame(
                {
                    "group": belt,
                    "tract": f"tract {number}",
                    "trial": np.arange(2_000),
                    "metal_t": totals["cu_t"],
                }
            )
        )
    # A later run of the same tract replaces the earlier one.
    rerun = pd.DataFrame({"cu_t": rng.lognormal(13, 1, 2_000)})
    store.record_run(_tract_record("tract 2", "Yulong"), trials=rerun, belt="Yulong")
    frames[2] = frames[2].assign(metal_t=rerun["cu_t"].to_numpy())
    sql = store.mckelvey("belt")
    reference = inventory.mckelvey(statements, pd.concat(frames), "belt", deposits=deposits)
    pd.testing.assert_frame_equal(sql, reference, check_dtype=False, check_exact=False, rtol=1e-12)
    stored = store.runs(kind="tract")
    assert len(stored) == 4
    assert set(stored["belt"]) == {"Gangdese", "Yulong"}


def test_edits_keep_history_and_refuse_stale_writes(store: Store) -> None:
    store.import_tables(_deposits(), _report("qulong", "2023-12-31", [("measured", 1e9, 0.4)]))
    version = store.edit(
        "deposits", "zhunuo", {"status": "development", "belt": "Gangdese"}, version=1, who="ana"
    )
    assert version == 2
    with pytest.raises(StaleWriteError, match="reload it and edit again"):
        store.edit("deposits", "zhunuo", {"status": "producing"}, version=1, who="ben")
    history = store.history("deposits", "zhunuo")
    # The belt was sent unchanged: no edit of it is recorded.
    assert history[["field", "before", "after", "who"]].values.tolist() == [
        ["status", '"resource"', '"development"', "ana"],
    ]
    assert store.edit("deposits", "zhunuo", {"belt": "Gangdese"}, version=2) == 2
    assert len(store.history("deposits", "zhunuo")) == 1
    statement = int(store.statements()["id"].iloc[0])
    store.edit("statements", statement, {"ore_t": 1.2e9, "citation": "corrected"}, version=1)
    assert _total(store) == pytest.approx(1.2e9 * 0.004, rel=1e-12)
    with pytest.raises(InventoryError, match="a new figure is a new statement"):
        store.edit("statements", statement, {"category": "inferred"}, version=2)
    with pytest.raises(InventoryError, match="unknown status"):
        store.edit("deposits", "zhunuo", {"status": "mined out"}, version=2)
    with pytest.raises(InventoryError, match="no deposit"):
        store.edit("deposits", "nowhere", {"status": "closed"}, version=1)


def test_runs_are_stored_with_children_and_links(store: Store) -> None:
    store.import_tables(_deposits())
    parent = store.record_run({**_tract_record("demo", ""), "kind": "demo"})
    child = store.record_run(_tract_record("pit", ""), parent=parent, deposit="qulong")
    record = store.run(parent)
    assert record["name"] == "demo"
    assert [c["name"] for c in record["children"]] == ["pit"]
    assert store.runs().set_index("id").loc[child, "deposit_id"] == "qulong"
    with pytest.raises(InventoryError, match="no deposit 'atlantis'"):
        store.record_run(_tract_record("x", ""), deposit="atlantis")


def test_postgresql_copy_without_pyarrow(store: Store, monkeypatch) -> None:
    if store.dialect != "postgresql":
        pytest.skip("the COPY path is PostgreSQL's")

    def no_pyarrow(frame: pd.DataFrame) -> tuple[bytes, str]:
        raise ImportError("pyarrow")

    monkeypatch.setattr(database, "_arrow_csv", no_pyarrow)
    deposits = _deposits().assign(sources=["", 'a "quoted", text', "line\nbreak"])
    store.import_tables(
        deposits, _report("qulong", "2023-12-31", [("measured", 1e9, 0.4)], cutoff="")
    )
    stored = store.deposits().set_index("id")
    assert stored.loc["qulong", "sources"] == ""
    assert stored.loc["yulong", "sources"] == 'a "quoted", text'
    assert pd.isna(stored.loc["qulong", "discovery_year"])
    assert store.statements()["cutoff"].tolist() == [""]
