"""Accounts and the dashboard's queries on SQLite and PostgreSQL: Argon2 hashes, sessions
stored as hashes that expire, deposit pages in SQL, the change marker, per-run trials, and
the upgrade of a database made before accounts existed."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
from alembic import command
from sqlalchemy import select, text

pytest.importorskip("argon2", reason="accounts need the web extra (pip install bornite[web])")

from argon2 import PasswordHasher

from bornite.errors import AccountError, InventoryError, NotFoundError, StoreError
from bornite.store import Store
from bornite.store.engine import write_transaction
from bornite.store.schema import User, WebSession


def test_passwords_are_argon2id_hashes_and_check(store: Store) -> None:
    accounts = store.accounts
    accounts.add("ana", "a long enough password", "editor")
    with store.engine.connect() as connection:
        stored = connection.scalar(select(User.password_hash).where(User.username == "ana"))
    assert stored.startswith("$argon2id$")
    assert "a long enough password" not in stored
    assert accounts.authenticate("ana", "a long enough password") == "editor"
    assert accounts.authenticate("ana", "a long enough passworD") is None
    assert accounts.authenticate("nobody", "a long enough password") is None
    listed = accounts.list()
    assert listed.columns.tolist() == ["username", "role", "created_at"]
    assert listed["username"].tolist() == ["ana"]


def test_names_roles_and_passwords_are_checked(store: Store) -> None:
    accounts = store.accounts
    with pytest.raises(AccountError, match="too short"):
        accounts.add("ana", "short", "viewer")
    with pytest.raises(AccountError, match="unknown role 'owner'"):
        accounts.add("ana", "a long enough password", "owner")
    with pytest.raises(AccountError, match="not allowed"):
        accounts.add("ana; DROP TABLE users", "a long enough password")
    with pytest.raises(NotFoundError, match="no user 'ghost'"):
        accounts.remove("ghost")
    assert accounts.list().empty


def test_sessions_are_stored_as_hashes_expire_and_end(store: Store) -> None:
    accounts = store.accounts
    accounts.add("ana", "a long enough password", "admin")
    token, csrf = accounts.start("ana", hours=1)
    with store.engine.connect() as connection:
        stored = connection.execute(select(WebSession.token_sha256, WebSession.csrf)).all()
    assert stored == [(hashlib.sha256(token.encode()).hexdigest(), csrf)]
    who = accounts.session(token)
    assert (who.username, who.role, who.csrf) == ("ana", "admin", csrf)
    assert all(who.may(role) for role in ("viewer", "editor", "admin"))
    assert accounts.session(token + "x") is None
    assert accounts.session(None) is None

    expired, _ = accounts.start("ana", hours=-0.5)
    assert accounts.session(expired) is None
    accounts.start("ana", hours=1)  # removes the expired one on the way
    with store.engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM sessions")) == 2

    accounts.end(token)
    assert accounts.session(token) is None


def test_a_new_password_or_removal_ends_the_sessions(store: Store) -> None:
    accounts = store.accounts
    accounts.add("ana", "a long enough password", "editor")
    token, _ = accounts.start("ana")
    accounts.add("ana", "another long password", "viewer")
    assert accounts.session(token) is None
    assert accounts.authenticate("ana", "a long enough password") is None
    assert accounts.authenticate("ana", "another long password") == "viewer"
    token, _ = accounts.start("ana")
    accounts.remove("ana")
    assert accounts.session(token) is None


def test_an_outdated_hash_is_renewed_at_sign_in(store: Store) -> None:
    old = PasswordHasher(time_cost=1, memory_cost=8192).hash("a long enough password")
    store.accounts.add("ana", "placeholder password", "viewer")
    with write_transaction(store.engine) as connection:
        connection.execute(
            User.__table__.update().where(User.username == "ana").values(password_hash=old)
        )
    assert store.accounts.authenticate("ana", "a long enough password") == "viewer"
    with store.engine.connect() as connection:
        renewed = connection.scalar(select(User.password_hash).where(User.username == "ana"))
    assert renewed != old
    assert not PasswordHasher().check_needs_rehash(renewed)


def _inventory() -> tuple[pd.DataFrame, pd.DataFrame]:
    deposits = pd.DataFrame(
        {
            "id": ["d1", "d2", "d3", "d4"],
            "name": ["Red hill", "Blue_lake", "50% ridge", "Red valley"],
            "belt": ["A", "A", "B", "B"],
            "status": ["producing", "resource", "resource", "prospect"],
            "easting": [1.0, 2.0, 3.0, 4.0],
            "northing": [1.0, 2.0, 3.0, 4.0],
            "crs": "EPSG:32645",
        }
    )
    statements = pd.DataFrame(
        {
            "deposit_id": ["d1", "d2", "d3"],
            "effective_date": "2024-01-01",
            "code": "jorc2012",
            "category": ["measured", "indicated", "inferred"],
            "ore_t": [1e8, 3e8, 2e8],
            "cu_pct": [0.5, 0.5, 0.2],
            "citation": "test",
        }
    )
    return deposits, statements


def test_find_deposits_filters_searches_sorts_and_pages_in_sql(store: Store) -> None:
    store.import_tables(*_inventory())
    page, total = store.find_deposits(sort="metal_t", descending=True)
    assert total == 4
    assert page["id"].tolist() == ["d2", "d1", "d3", "d4"]  # d4 has no metal: last
    assert page["metal_t"].tolist()[:3] == pytest.approx([1.5e6, 5e5, 4e5], rel=1e-12)
    assert np.isnan(page["metal_t"].iloc[3])
    page, _ = store.find_deposits(sort="metal_t")
    assert page["id"].tolist() == ["d3", "d1", "d2", "d4"]
    page, total = store.find_deposits(search="red", filters={"belt": "B"})
    assert (page["id"].tolist(), total) == (["d4"], 1)
    assert store.find_deposits(search="RED HILL")[1] == 1  # every word, any case
    assert store.find_deposits(search="_")[0]["id"].tolist() == ["d2"]  # literal, not a wildcard
    assert store.find_deposits(search="%")[0]["id"].tolist() == ["d3"]
    page, total = store.find_deposits(sort="id", limit=2, offset=1)
    assert (page["id"].tolist(), total) == (["d2", "d3"], 4)
    with pytest.raises(InventoryError, match="cannot sort deposits by 'secret'"):
        store.find_deposits(sort="secret")
    with pytest.raises(InventoryError, match="cannot filter deposits by 'sources'"):
        store.find_deposits(filters={"sources": "x"})


def test_the_change_marker_moves_with_every_write(store: Store) -> None:
    deposits, _statements = _inventory()
    start = store.generation()
    store.import_tables(deposits)
    imported = store.generation()
    assert imported != start
    store.import_tables(deposits)  # nothing new, but an import is recorded
    assert store.generation() != imported
    before = store.generation()
    store.edit("deposits", "d1", {"status": "closed"}, version=1)
    edited = store.generation()
    assert edited != before
    store.record_run({"kind": "tract", "name": "t"})
    assert store.generation() != edited
    assert store.generation() == store.generation()


def test_run_trials_come_back_wide(store: Store) -> None:
    trials = pd.DataFrame({"cu_t": [1.0, 0.0, 3.0], "mo_t": [0.1, 0.0, 0.2]})
    run = store.record_run({"kind": "tract", "name": "t"}, trials=trials)
    wide = store.run_trials(run)
    assert wide.columns.tolist() == ["trial", "cu_t", "mo_t"]
    assert wide["trial"].tolist() == [1, 2, 3]
    assert wide["cu_t"].tolist() == pytest.approx([1.0, 0.0, 3.0], abs=0)
    assert store.run_trials(store.record_run({"kind": "pit", "name": "p"})).empty


def test_a_database_made_before_accounts_upgrades_with_its_data(store_url: str) -> None:
    store = Store(store_url)
    store.drop_everything()
    with write_transaction(store.engine) as connection:
        command.upgrade(store._alembic(connection), "0001")
        connection.execute(
            text(
                "INSERT INTO deposits (id, name, aliases, crs, deposit_type, belt, region, "
                "country, status, sources, version) VALUES ('old', 'Old mine', '', '', '', "
                "'A', '', '', 'closed', 'before accounts', 1)"
            )
        )
    assert store.revision() == "0001"
    with pytest.raises(StoreError, match="bornite db upgrade"):
        store.deposits()
    assert store.upgrade() == ("0001", Store.head())
    assert store.deposits()["id"].tolist() == ["old"]
    store.accounts.add("ana", "a long enough password", "viewer")
    assert store.accounts.authenticate("ana", "a long enough password") == "viewer"
    store.close()
