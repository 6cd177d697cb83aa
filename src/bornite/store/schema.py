"""The database schema: deposits, statements and their grades, imports, edits, runs.

The tables are described in ``docs/inventory.md``; Alembic migrations in
``store/migrations/versions`` create them, and a test holds the migrations and these models
equal. Statements are never updated by a new statement: each carries ``superseded_on``, the
effective date of the next report of its deposit and kind (``NULL`` while current), so that a
roll-up *as of* a date is one indexed filter.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Base",
    "Deposit",
    "DepositMetal",
    "Edit",
    "Grade",
    "ImportBatch",
    "Run",
    "RunTrial",
    "Statement",
    "Undiscovered",
    "User",
    "WebSession",
]

_NAMES = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with named constraints (so migrations can refer to them)."""

    metadata = MetaData(naming_convention=_NAMES)


class Deposit(Base):
    """A deposit: identity, location, type, belt, region, country, status."""

    __tablename__ = "deposits"
    # Roll-ups look every counted statement's deposit up by id: on SQLite a table clustered on
    # its key (WITHOUT ROWID) answers that with one b-tree search, not two.
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    aliases: Mapped[str] = mapped_column(Text, default="")
    easting: Mapped[float | None] = mapped_column(Float)
    northing: Mapped[float | None] = mapped_column(Float)
    crs: Mapped[str] = mapped_column(String(200), default="")
    deposit_type: Mapped[str] = mapped_column(String(200), default="", index=True)
    belt: Mapped[str] = mapped_column(String(200), default="", index=True)
    region: Mapped[str] = mapped_column(String(200), default="", index=True)
    country: Mapped[str] = mapped_column(String(200), default="", index=True)
    status: Mapped[str] = mapped_column(String(20), default="")
    discovery_year: Mapped[int | None] = mapped_column(Integer)
    sources: Mapped[str] = mapped_column(Text, default="")
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)


class Statement(Base):
    """One reported category of one report of a deposit."""

    __tablename__ = "statements"
    __table_args__ = (
        UniqueConstraint("deposit_id", "effective_date", "code", "category", "domain"),
        # A covering index in deposit order: every report of a deposit by date, read without
        # the table by imports and by roll-ups as of a date (sums per deposit stream from it
        # without a sort). Roll-ups of the latest statements read ``deposit_metal``.
        Index(
            "ix_statements_current",
            "deposit_id",
            "kind",
            "effective_date",
            "superseded_on",
            "id",
            "category",
            "ore_t",
            "inclusive_of_reserves",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deposit_id: Mapped[str] = mapped_column(ForeignKey("deposits.id"))
    effective_date: Mapped[dt.date] = mapped_column(Date)
    code: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10))
    domain: Mapped[str] = mapped_column(String(100), default="")
    ore_t: Mapped[float | None] = mapped_column(Float)
    cutoff: Mapped[str] = mapped_column(String(200), default="")
    inclusive_of_reserves: Mapped[bool] = mapped_column(Boolean, default=True)
    citation: Mapped[str] = mapped_column(Text)
    superseded_on: Mapped[dt.date | None] = mapped_column(Date)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)


class Grade(Base):
    """A statement's grade and contained metal of one commodity."""

    __tablename__ = "grades"
    # Clustered on (statement, commodity): a roll-up finds a statement's metal in one search.
    __table_args__ = ({"sqlite_with_rowid": False},)

    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"), primary_key=True)
    commodity: Mapped[str] = mapped_column(String(10), primary_key=True)
    grade: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(10), default="")
    metal_t: Mapped[float] = mapped_column(Float)


class DepositMetal(Base):
    """The latest statements of a deposit summed per commodity (derived data, kept by every
    import and edit): what a roll-up of the latest statements reads instead of every
    statement. Resource and reserve sums are kept apart, with whether the current resources
    include the reserves, so that every counting basis is one expression over this table."""

    __tablename__ = "deposit_metal"
    __table_args__ = ({"sqlite_with_rowid": False},)

    deposit_id: Mapped[str] = mapped_column(ForeignKey("deposits.id"), primary_key=True)
    commodity: Mapped[str] = mapped_column(String(10), primary_key=True)
    resource_metal_t: Mapped[float | None] = mapped_column(Float)
    resource_ore_t: Mapped[float | None] = mapped_column(Float)
    reserve_metal_t: Mapped[float | None] = mapped_column(Float)
    reserve_ore_t: Mapped[float | None] = mapped_column(Float)
    inclusive: Mapped[int] = mapped_column(Integer)


class ImportBatch(Base):
    """One import: what file, by whom, when, how many rows."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    rows: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    who: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Edit(Base):
    """One changed field of a deposit or statement: who, when, before and after (JSON)."""

    __tablename__ = "edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_name: Mapped[str] = mapped_column(String(20))
    row_id: Mapped[str] = mapped_column(String(100), index=True)
    field: Mapped[str] = mapped_column(String(50))
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    who: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Run(Base):
    """A stored :class:`~bornite.workflows.RunRecord`, with its links."""

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("runs.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(Text)
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int | None] = mapped_column(Integer)
    bornite_version: Mapped[str] = mapped_column(String(40))
    started: Mapped[str] = mapped_column(String(40))
    finished: Mapped[str] = mapped_column(String(40))
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    folder: Mapped[str] = mapped_column(Text, default="")
    record: Mapped[str] = mapped_column(Text)
    deposit_id: Mapped[str | None] = mapped_column(ForeignKey("deposits.id"))
    belt: Mapped[str] = mapped_column(String(200), default="", index=True)
    region: Mapped[str] = mapped_column(String(200), default="", index=True)
    stored_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    stored_by: Mapped[str] = mapped_column(String(200), default="")


class Undiscovered(Base):
    """An assessment run's undiscovered total of one commodity: mean and quantiles."""

    __tablename__ = "undiscovered"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    commodity: Mapped[str] = mapped_column(String(10), primary_key=True)
    trials: Mapped[int] = mapped_column(Integer)
    mean_t: Mapped[float] = mapped_column(Float)
    q10_t: Mapped[float] = mapped_column(Float)
    q50_t: Mapped[float] = mapped_column(Float)
    q90_t: Mapped[float] = mapped_column(Float)
    p0: Mapped[float] = mapped_column(Float)


class RunTrial(Base):
    """An assessment run's simulated total of one commodity in one trial."""

    __tablename__ = "run_trials"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    commodity: Mapped[str] = mapped_column(String(10), primary_key=True)
    trial: Mapped[int] = mapped_column(Integer, primary_key=True)
    metal_t: Mapped[float] = mapped_column(Float)


class User(Base):
    """A person who may sign in to the web dashboard: role and Argon2id password hash."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A signed-in session: the SHA-256 of its token (the token itself is never stored), its
    CSRF token and when it expires."""

    __tablename__ = "sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("users.username", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
