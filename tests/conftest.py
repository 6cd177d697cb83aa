"""Shared fixtures: the reference data in ``../shared/data`` (skipped when absent), and the
databases the store and web tests run on: SQLite and PostgreSQL.

PostgreSQL is found at ``$BORNITE_TEST_POSTGRESQL`` (default
``postgresql+psycopg://bornite:bornite@127.0.0.1:5432/bornite_test``; ``.ci/run`` starts one).
Each pytest-xdist worker gets its own database, created beside that one. Where no server is
reachable the PostgreSQL cases skip with the reason, except under ``CI=true``, where they
fail: CI must test both.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bornite.store import Store

#: Reference data beside the checkout; ``BORNITE_SHARED_DATA`` overrides the location.
SHARED_DATA = Path(
    os.environ.get("BORNITE_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ``../shared/data``; skips the test with a reason when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"reference data not found at {SHARED_DATA} (set BORNITE_SHARED_DATA or place "
            "the shared/ folder beside the checkout)"
        )
    return SHARED_DATA


@pytest.fixture(scope="session")
def mapmark4_data(shared_data: Path) -> Path:
    """MapMark4 example data folder."""
    return shared_data / "assessment" / "mapmark4"


@pytest.fixture(scope="session")
def mapwizard_data(shared_data: Path) -> Path:
    """MapWizard example data folder."""
    return shared_data / "assessment" / "mapwizard"


POSTGRESQL = os.environ.get(
    "BORNITE_TEST_POSTGRESQL", "postgresql+psycopg://bornite:bornite@127.0.0.1:5432/bornite_test"
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def postgresql_url(worker_id: str) -> str:
    """A PostgreSQL database of this worker's own (created afresh), or a skip."""
    try:
        import psycopg  # noqa: F401, PLC0415
    except ImportError:
        reason = "psycopg is not installed (pip install 'bornite[postgresql]')"
        if _in_ci():
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)
    base = make_url(POSTGRESQL)
    name = f"{base.database}_{worker_id}"
    try:
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except SQLAlchemyError as error:
        reason = (
            f"no PostgreSQL server at {base.render_as_string(hide_password=True)} "
            f"({str(getattr(error, 'orig', error)).strip().splitlines()[0]}); set "
            "BORNITE_TEST_POSTGRESQL or run .ci/run"
        )
        if _in_ci():
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, initialised database URL on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'inventory.sqlite'}"
    else:
        url = request.getfixturevalue("postgresql_url")
        Store(url).drop_everything()
    store = Store(url)
    store.init()
    store.close()
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A :class:`Store` on an empty database, on each backend."""
    opened = Store(store_url)
    yield opened
    opened.close()
