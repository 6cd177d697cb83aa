"""Database URLs, engines and transactions: a SQLite file by default, PostgreSQL by URL.

The default database is the SQLite file ``$XDG_DATA_HOME/bornite/bornite.sqlite``
(``~/.local/share/bornite/bornite.sqlite``), or what ``$BORNITE_DB`` names (a path or a
URL). A plain path means a SQLite file; ``postgresql+psycopg://user:pass@host/db`` a server.

SQLite runs in WAL mode (readers do not block the writer), with foreign keys on and a busy
timeout, and every write transaction starts with ``BEGIN IMMEDIATE`` so that concurrent
writers queue instead of failing half-way. On PostgreSQL every import and edit takes one
transaction-scoped advisory lock, so imports (which recompute supersession per deposit) are
serialised while readers go on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bornite.errors import StoreError

__all__ = ["DEFAULT_FILENAME", "default_url", "make_engine", "resolve_url", "write_transaction"]

#: The default database's file name.
DEFAULT_FILENAME = "bornite.sqlite"
#: Key of the PostgreSQL advisory lock that serialises writers.
_WRITE_LOCK = 0x626F726E  # "born"
_BUSY_TIMEOUT_MS = 120_000


def default_url() -> str:
    """The database used when no ``--db`` is given (see the module notes)."""
    named = os.environ.get("BORNITE_DB", "").strip()
    if named:
        return resolve_url(named)
    home = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(home) if home else Path.home() / ".local" / "share"
    return resolve_url(base / "bornite" / DEFAULT_FILENAME)


def resolve_url(value: str | Path | None) -> str:
    """A SQLAlchemy URL from a URL, a path of a SQLite file, or ``None`` (the default)."""
    if value is None:
        return default_url()
    text_value = str(value)
    if "://" not in text_value:
        return f"sqlite:///{Path(text_value).expanduser().resolve()}"
    try:
        url = make_url(text_value)
    except ArgumentError:
        msg = f"{text_value!r} is not a database URL; give a file path or postgresql+psycopg://..."
        raise StoreError(msg) from None
    if url.get_backend_name() not in {"sqlite", "postgresql"}:
        msg = f"{url.get_backend_name()} databases are not supported; use SQLite or PostgreSQL"
        raise StoreError(msg)
    if url.get_backend_name() == "postgresql" and url.get_driver_name() != "psycopg":
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite would defer it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    write = connection.get_execution_options().get("bornite_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with bornite's settings (WAL and busy timeout on SQLite)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": _BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # JIT compilation costs more than it saves on queries of a second or less.
    return create_engine(url, pool_pre_ping=True, connect_args={"options": "-c jit=off"})


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (``None`` for other databases and in-memory SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction: all of it commits, or none of it (on any exception)."""
    with engine.connect() as connection:
        connection.execution_options(bornite_write=True)
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITE_LOCK})
            yield connection
