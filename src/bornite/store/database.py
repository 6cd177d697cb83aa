"""The inventory database: imports, edits, stored runs, and roll-ups computed in SQL.

:class:`Store` is the one object the faces use. It takes and returns DataFrames in the
layout of :mod:`bornite.inventory`; the roll-ups it computes with SQL aggregates on the
server are assembled into the same tables as :func:`bornite.inventory.rollup` and its
siblings, and the tests hold the two equal.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, cast

import numpy as np
import pandas as pd
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Connection,
    Table,
    and_,
    bindparam,
    case,
    distinct,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.schema import AddConstraint, DropConstraint

from bornite.assessment.simulation import summarize_totals
from bornite.core.units import grade_column, to_mass_fraction
from bornite.errors import InventoryError, NotFoundError, StaleWriteError, StoreError
from bornite.inventory import (
    DEPOSIT_COLUMNS,
    GROUPS,
    STATEMENT_KEY,
    UNASSIGNED,
    additions_period,
    additions_table,
    category_label,
    commodities,
    grade_columns,
    mckelvey_table,
    normalise_deposits,
    normalise_statements,
    rollup_table,
)
from bornite.inventory.rollup import BASES
from bornite.store.accounts import Accounts
from bornite.store.engine import make_engine, resolve_url, sqlite_path, write_transaction
from bornite.store.schema import (
    Base,
    Deposit,
    DepositMetal,
    Edit,
    Grade,
    ImportBatch,
    Run,
    RunTrial,
    Statement,
    Undiscovered,
)

__all__ = ["EDITABLE", "FILTERS", "ImportSummary", "Store"]

_MIGRATIONS = Path(__file__).parent / "migrations"
_DEPOSITS = cast(Table, Deposit.__table__)
_STATEMENTS = cast(Table, Statement.__table__)
_GRADES = cast(Table, Grade.__table__)
_RUNS = cast(Table, Run.__table__)
_TRIALS = cast(Table, RunTrial.__table__)
_IMPORTS = cast(Table, ImportBatch.__table__)
_EDITS = cast(Table, Edit.__table__)
_UNDISCOVERED = cast(Table, Undiscovered.__table__)
_DEPOSIT_METAL = cast(Table, DepositMetal.__table__)
#: Fields an edit may change, per table.
EDITABLE: Final[dict[str, tuple[str, ...]]] = {
    "deposits": tuple(c for c in DEPOSIT_COLUMNS if c != "id"),
    "statements": ("ore_t", "cutoff", "citation"),
}
#: Columns :meth:`Store.find_deposits` filters on.
FILTERS: Final = ("id", "deposit_type", "belt", "region", "country", "status")
_CHUNK = 500
#: Imports touching more deposits than this recompute all of ``deposit_metal`` at once.
_REFRESH_ALL = 5_000
#: PostgreSQL imports of at least this many statements check foreign keys once, after loading.
_BULK_ROWS = 50_000
#: Imports of at least this many statements refresh the planner's statistics.
_ANALYZE_ROWS = 10_000
#: Groups of statements rather than of deposits (a deposit may be in several).
_PER_STATEMENT: Final[frozenset[str]] = frozenset({"category", "code"})


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: rows read, rows added, identical rows already there."""

    kind: str
    rows: int
    added: int
    unchanged: int
    import_id: int | None

    def text(self) -> str:
        """One line for a person."""
        return (
            f"{self.kind}: {self.rows:,} rows read, {self.added:,} added, "
            f"{self.unchanged:,} already in the database"
        )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _plain(value: Any) -> Any:
    """A JSON- and database-ready Python value (NaN and NA become ``None``)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


class Store:
    """A bornite database: a SQLite file or a PostgreSQL server.

    Parameters
    ----------
    url : str or Path, optional
        A SQLAlchemy URL or the path of a SQLite file (default: :func:`default_url`).

    Notes
    -----
    Construction does not touch the database. :meth:`init` creates the schema (and a SQLite
    file's folder), :meth:`upgrade` migrates an older one; every other method checks that the
    schema is at the latest revision and says which command fixes it when not.
    """

    def __init__(self, url: str | Path | None = None) -> None:
        self.url = resolve_url(url)
        self.engine = make_engine(self.url)
        self._checked = False
        self._accounts: Accounts | None = None

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def describe(self) -> str:
        """The database for a person: the SQLite file, or the server URL without password."""
        path = sqlite_path(self.url)
        return str(path) if path else self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Release the engine's connections."""
        self.engine.dispose()

    # ------------------------------------------------------------------ schema

    def _alembic(self, connection: Connection) -> Config:
        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        config.attributes["connection"] = connection
        return config

    def _connect_error(self, error: Exception) -> StoreError:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        msg = f"cannot open the database {self.describe()}: {reason}"
        if self.dialect == "postgresql":
            msg += "; check the URL, the password and that the server is running"
        return StoreError(msg)

    def check(self) -> None:
        """Raise :class:`~bornite.errors.StoreError` unless the database is reachable and at
        the latest schema revision (saying which command fixes it)."""
        self._checked = False
        self._check()

    def revision(self) -> str | None:
        """The schema revision of the database (``None``: not initialised)."""
        path = sqlite_path(self.url)
        if path is not None and not path.exists():
            return None
        try:
            with self.engine.connect() as connection:
                return MigrationContext.configure(connection).get_current_revision()
        except (OperationalError, DBAPIError) as error:
            raise self._connect_error(error) from error

    @staticmethod
    def head() -> str:
        """The latest schema revision this version of bornite knows."""
        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        head = ScriptDirectory.from_config(config).get_current_head()
        assert head is not None
        return head

    def init(self) -> bool:
        """Create the database at the latest revision; return whether anything was created.

        Raises
        ------
        StoreError
            When the database exists at an older revision (use :meth:`upgrade`).
        """
        path = sqlite_path(self.url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        current = self.revision()
        if current == self.head():
            return False
        if current is not None:
            msg = (
                f"the database {self.describe()} is at schema revision {current}, older than "
                f"{self.head()}; run `bornite db upgrade` to migrate it"
            )
            raise StoreError(msg)
        self._migrate()
        return True

    def upgrade(self) -> tuple[str | None, str]:
        """Migrate the database to the latest revision; return (before, after)."""
        before = self.revision()
        if before is None:
            msg = f"no bornite database at {self.describe()}; create it with `bornite db init`"
            raise StoreError(msg)
        self._migrate()
        return before, self.head()

    def _migrate(self) -> None:
        try:
            with write_transaction(self.engine) as connection:
                command.upgrade(self._alembic(connection), "head")
        except (OperationalError, DBAPIError) as error:
            raise self._connect_error(error) from error
        self._checked = True

    def _check(self) -> None:
        if self._checked:
            return
        current = self.revision()
        if current is None:
            msg = f"no bornite database at {self.describe()}; create it with `bornite db init`"
            raise StoreError(msg)
        if current != self.head():
            msg = (
                f"the database {self.describe()} is at schema revision {current}, not "
                f"{self.head()}; run `bornite db upgrade`"
            )
            raise StoreError(msg)
        self._checked = True

    def _read(self, query: Any, **params: Any) -> pd.DataFrame:
        self._check()
        with self.engine.connect() as connection:
            result = connection.execute(query, params)
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    # ------------------------------------------------------------------ imports

    def import_tables(
        self,
        deposits: pd.DataFrame | None = None,
        statements: pd.DataFrame | None = None,
        *,
        source: str = "",
        sha256: str = "",
        who: str = "",
    ) -> list[ImportSummary]:
        """Import deposits, then statements, in **one** transaction.

        Deposits already stored with the same values are left as they are. A statement
        identical to a stored one (same deposit, date, code, category and domain, same
        figures) is left as it is; one with the same key and other figures is refused, since
        a restatement needs a new effective date (it then supersedes the old report).

        Returns
        -------
        list of ImportSummary
            One per table given.

        Raises
        ------
        InventoryError
            Naming the row: an invalid deposit or statement, a deposit stored with other
            values (edit it instead), a statement that contradicts a stored one. Nothing is
            written then: the database is as it was.
        """
        self._check()
        done = []
        with write_transaction(self.engine) as connection:
            if deposits is not None:
                done.append(self._import_deposits(connection, deposits, source, sha256, who))
            if statements is not None:
                done.append(self._import_statements(connection, statements, source, sha256, who))
        return done

    def _import_deposits(
        self, connection: Connection, frame: pd.DataFrame, source: str, sha256: str, who: str
    ) -> ImportSummary:
        deposits = normalise_deposits(frame)
        stored = self._stored_deposits(connection, deposits["id"])
        if len(stored):
            _refuse_changed(deposits, stored)
        new = deposits[~deposits["id"].isin(stored["id"])]
        batch = self._batch(connection, "deposits", len(deposits), len(new), source, sha256, who)
        self._bulk_insert(connection, _DEPOSITS, new.assign(import_id=batch, version=1))
        return ImportSummary("deposits", len(deposits), len(new), len(deposits) - len(new), batch)

    def _stored_deposits(self, connection: Connection, ids: pd.Series) -> pd.DataFrame:
        known = set(connection.scalars(select(_DEPOSITS.c.id)))
        wanted = [i for i in ids if i in known]
        columns = [_DEPOSITS.c[c] for c in DEPOSIT_COLUMNS]
        parts = [
            connection.execute(select(*columns).where(_DEPOSITS.c.id.in_(chunk))).fetchall()
            for chunk in _chunks(wanted)
        ]
        return pd.DataFrame([r for p in parts for r in p], columns=list(DEPOSIT_COLUMNS))

    def _batch(
        self,
        connection: Connection,
        kind: str,
        rows: int,
        added: int,
        source: str,
        sha256: str,
        who: str,
    ) -> int:
        values = {
            "kind": kind,
            "source": source,
            "sha256": sha256,
            "rows": rows,
            "added": added,
            "who": who,
            "at": _now(),
        }
        result = connection.execute(_IMPORTS.insert().values(**values))
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def _import_statements(
        self, connection: Connection, frame: pd.DataFrame, source: str, sha256: str, who: str
    ) -> ImportSummary:
        ids = set(connection.scalars(select(_DEPOSITS.c.id)))
        statements = normalise_statements(frame, deposit_ids=sorted(ids))
        affected = sorted(statements["deposit_id"].unique())
        stored = self._stored_statements(connection, affected)
        statements, unchanged = _against_stored(statements, stored)
        batch = self._batch(
            connection, "statements", len(frame), len(statements), source, sha256, who
        )
        if len(statements):
            first = int(connection.scalar(select(func.max(_STATEMENTS.c.id))) or 0)
            statements = statements.assign(
                id=np.arange(first + 1, first + 1 + len(statements)),
                import_id=batch,
                version=1,
            )
            superseded, changed = _supersession(statements, stored)
            statements["superseded_on"] = superseded
            columns = [c.name for c in _STATEMENTS.columns]
            with self._bulk_keys(connection, len(statements)):
                self._bulk_insert(connection, _STATEMENTS, statements[columns])
                self._bulk_insert(connection, _GRADES, _grade_rows(statements))
            if len(changed):
                connection.execute(
                    update(_STATEMENTS)
                    .where(_STATEMENTS.c.id == bindparam("stored_id"))
                    .values(superseded_on=bindparam("next_date")),
                    [
                        {"stored_id": int(i), "next_date": _plain(d)}
                        for i, d in zip(changed["id"], changed["next"], strict=True)
                    ],
                )
            self._refresh_metal(connection, affected)
            if self.dialect == "postgresql":
                connection.exec_driver_sql(
                    "SELECT setval(pg_get_serial_sequence('statements', 'id'), "
                    "(SELECT max(id) FROM statements))"
                )
            if len(statements) >= _ANALYZE_ROWS:
                # Fresh statistics, so the planner uses the covering indexes at once.
                connection.exec_driver_sql("ANALYZE")
        return ImportSummary("statements", len(frame), len(statements), unchanged, batch)

    def _stored_statements(self, connection: Connection, deposits: Sequence[str]) -> pd.DataFrame:
        if not deposits:
            return pd.DataFrame()
        stored = connection.execute(select(func.count()).select_from(_STATEMENTS)).scalar()
        if not stored:
            return pd.DataFrame()
        frames = [
            self._statement_frame(connection, _STATEMENTS.c.deposit_id.in_(chunk))
            for chunk in _chunks(deposits)
        ]
        return pd.concat(frames, ignore_index=True)

    def _statement_frame(self, connection: Connection, where: Any) -> pd.DataFrame:
        s = _STATEMENTS
        result = connection.execute(select(s).where(where).order_by(s.c.id))
        frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        if frame.empty:
            return frame
        grades = connection.execute(
            select(_GRADES).where(_GRADES.c.statement_id.in_(select(s.c.id).where(where)))
        )
        long = pd.DataFrame(grades.fetchall(), columns=list(grades.keys()))
        return _wide(frame, long)

    @contextmanager
    def _bulk_keys(self, connection: Connection, rows: int) -> Iterator[None]:
        """On PostgreSQL, a large import checks the statements' and grades' foreign keys once
        after loading (dropped, then added back and validated in one pass by the server)
        instead of once per row: three times faster for a million rows. Inside the import's
        transaction, so the keys are never missing for anyone else; the tables are locked
        until it commits."""
        if self.dialect != "postgresql" or rows < _BULK_ROWS:
            yield
            return
        keys = [
            key
            for table in (_GRADES, _STATEMENTS)
            for key in table.foreign_key_constraints
            if key.referred_table.name in {"statements", "deposits"}
        ]
        for key in keys:
            connection.execute(DropConstraint(key))
        yield
        for key in reversed(keys):
            connection.execute(AddConstraint(key))

    def _bulk_insert(self, connection: Connection, table: Table, frame: pd.DataFrame) -> None:
        """Insert a DataFrame's rows: PostgreSQL ``COPY`` of CSV text, SQLite ``executemany``
        (both orders of magnitude faster than row-by-row inserts)."""
        if frame.empty:
            return
        columns = list(frame.columns)
        raw = connection.connection.driver_connection
        assert raw is not None
        if self.dialect == "postgresql":
            text, options = _csv_text(frame)
            copy_sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN WITH ({options})"
            with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
                copy.write(text)
            return
        marks = ", ".join("?" for _ in columns)
        cursor = raw.cursor()
        cursor.executemany(
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})",
            _sqlite_rows(frame),
        )
        cursor.close()

    # ------------------------------------------------------------------ reading

    @property
    def accounts(self) -> Accounts:
        """The web dashboard's users and sessions (:class:`~bornite.store.Accounts`)."""
        self._check()
        if self._accounts is None:
            self._accounts = Accounts(self.engine)
        return self._accounts

    def find_deposits(
        self,
        *,
        search: str = "",
        filters: Mapping[str, str] | None = None,
        sort: str = "id",
        descending: bool = False,
        limit: int | None = 100,
        offset: int = 0,
        commodity: str = "cu",
    ) -> tuple[pd.DataFrame, int]:
        """One page of deposits, with their identified ore and metal; and how many match.

        Parameters
        ----------
        search : str
            Matches id, name or aliases, ignoring case (every word must match).
        filters : mapping
            Column -> value, equality, for the columns of :data:`FILTERS`.
        sort : str
            A deposit column, ``ore_t`` or ``metal_t`` (deposits without metal sort last).
        limit, offset : int
            The page (``limit=None``: every match).

        Returns
        -------
        (pandas.DataFrame, int)
            The deposit columns, ``version``, ``ore_t`` and ``metal_t`` (the latest
            identified resources of ``commodity``, NaN where none), and the number of matches.
        """
        d = _DEPOSITS
        sums = self._deposit_sums(None, "identified", commodity.lower())
        where = []
        for column, value in (filters or {}).items():
            if column not in FILTERS:
                msg = f"cannot filter deposits by {column!r}; use {', '.join(FILTERS)}"
                raise InventoryError(msg)
            where.append(d.c[column] == value)
        for word in search.split():
            pattern = (
                "%"
                + word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%"
            )
            where.append(
                or_(
                    *(
                        func.lower(d.c[c]).like(pattern, escape="\\")
                        for c in ("id", "name", "aliases")
                    )
                )
            )
        sortable = {
            **{c: d.c[c] for c in DEPOSIT_COLUMNS},
            "ore_t": sums.c.ore_t,
            "metal_t": sums.c.metal_t,
        }
        if sort not in sortable:
            msg = f"cannot sort deposits by {sort!r}; use {', '.join(sortable)}"
            raise InventoryError(msg)
        key = sortable[sort].desc() if descending else sortable[sort].asc()
        joined = d.outerjoin(sums, sums.c.deposit_id == d.c.id)
        columns = [d.c[c] for c in DEPOSIT_COLUMNS] + [d.c.version, sums.c.ore_t, sums.c.metal_t]
        query = (
            select(*columns)
            .select_from(joined)
            .where(*where)
            .order_by(sortable[sort].is_(None), key, d.c.id)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        page = self._read(query)
        counted = self._read(select(func.count().label("n")).select_from(d).where(*where))
        total = int(counted["n"].iloc[0])
        page["discovery_year"] = page["discovery_year"].astype("Int64")
        for column in ("easting", "northing", "ore_t", "metal_t"):
            page[column] = page[column].astype(float)
        return page, total

    def choices(self) -> dict[str, list[str]]:
        """The values of each column of :data:`FILTERS` but ``id`` (for filter menus)."""
        self._check()
        out: dict[str, list[str]] = {}
        with self.engine.connect() as connection:
            for name in FILTERS[1:]:
                column = _DEPOSITS.c[name]
                query = select(column).distinct().where(column != "").order_by(column)
                out[name] = [str(v) for v in connection.scalars(query)]
        return out

    def deposits(self) -> pd.DataFrame:
        """Every deposit, with its ``version``."""
        columns = [_DEPOSITS.c[c] for c in DEPOSIT_COLUMNS] + [_DEPOSITS.c.version]
        frame = self._read(select(*columns).order_by(_DEPOSITS.c.id))
        frame["discovery_year"] = frame["discovery_year"].astype("Int64")
        return frame

    def statements(self, *, deposit: str | None = None) -> pd.DataFrame:
        """Every statement (superseded ones too), wide: ``cu_pct``, ``cu_t``, ...

        Columns are those of :func:`~bornite.inventory.normalise_statements` plus ``id``,
        ``superseded_on``, ``import_id`` and ``version``.
        """
        self._check()
        where = literal(True) if deposit is None else _STATEMENTS.c.deposit_id == deposit
        with self.engine.connect() as connection:
            return self._statement_frame(connection, where)

    def history(self, table: str, row_id: str) -> pd.DataFrame:
        """The edits of one deposit or statement: field, before, after, version, who, when."""
        e = _EDITS
        return self._read(
            select(e.c.field, e.c.before, e.c.after, e.c.version, e.c.who, e.c.at)
            .where(e.c.table_name == table, e.c.row_id == str(row_id))
            .order_by(e.c.id)
        )

    # ------------------------------------------------------------------ edits

    def edit(
        self,
        table: str,
        row_id: str | int,
        changes: Mapping[str, Any],
        *,
        version: int,
        who: str = "",
    ) -> int:
        """Change fields of one deposit or statement; return its new version.

        Parameters
        ----------
        table : {"deposits", "statements"}
        row_id : str or int
            The deposit's id or the statement's id.
        changes : mapping
            Field -> new value; the fields of :data:`EDITABLE`.
        version : int
            The version the edit was based on (what :meth:`deposits` or :meth:`statements`
            returned). Every edit keeps who, when, and each field's value before and after;
            a field sent with its current value is not an edit (nothing changed: the version
            stays).

        Raises
        ------
        StaleWriteError
            When the row has changed since ``version``: nothing is written; reload and edit
            again.
        InventoryError
            For an unknown row or field, or a value the table refuses.
        """
        if table not in EDITABLE:
            msg = f"cannot edit {table!r}; edit deposits or statements"
            raise InventoryError(msg)
        wrong = [f for f in changes if f not in EDITABLE[table]]
        if wrong:
            msg = (
                f"cannot edit {', '.join(wrong)} of {table}; the editable fields are "
                f"{', '.join(EDITABLE[table])} (a new figure is a new statement, which "
                "supersedes the old one)"
            )
            raise InventoryError(msg)
        target = _DEPOSITS if table == "deposits" else _STATEMENTS
        key = str(row_id) if table == "deposits" else int(row_id)
        self._check()
        with write_transaction(self.engine) as connection:
            row = connection.execute(select(target).where(target.c.id == key)).mappings().first()
            if row is None:
                msg = f"no {table[:-1]} {row_id!r} in {self.describe()}"
                raise NotFoundError(msg)
            values = {
                name: value
                for name, value in _checked_changes(table, dict(row), changes).items()
                if value != _plain(row[name])  # a field sent unchanged is no edit
            }
            if not values and row["version"] == version:
                return version
            result = connection.execute(
                update(target)
                .where(target.c.id == key, target.c.version == version)
                .values(**values, version=target.c.version + 1)
            )
            if result.rowcount != 1:
                msg = (
                    f"{table[:-1]} {row_id!r} was changed by someone else (version "
                    f"{row['version']}, your edit was based on {version}); reload it and edit "
                    "again"
                )
                raise StaleWriteError(msg)
            if table == "statements" and "ore_t" in values:
                _recompute_metal(connection, int(key), values["ore_t"])
                self._refresh_metal(connection, [str(row["deposit_id"])])
            now = _now()
            connection.execute(
                _EDITS.insert(),
                [
                    {
                        "table_name": table,
                        "row_id": str(row_id),
                        "field": name,
                        "before": json.dumps(_plain(row[name]), default=str, ensure_ascii=False),
                        "after": json.dumps(value, default=str, ensure_ascii=False),
                        "version": version + 1,
                        "who": who,
                        "at": now,
                    }
                    for name, value in values.items()
                ],
            )
        return version + 1

    # ------------------------------------------------------------------ runs

    def record_run(
        self,
        record: Mapping[str, Any],
        *,
        trials: pd.DataFrame | None = None,
        deposit: str | None = None,
        belt: str | None = None,
        region: str | None = None,
        parent: str | None = None,
        who: str = "",
    ) -> str:
        """Store one run record (its ``to_dict()``, without children); return its id.

        Parameters
        ----------
        record : mapping
            A :class:`~bornite.workflows.RunRecord`'s ``to_dict()``.
        trials : pandas.DataFrame, optional
            An assessment's per-trial totals (columns ``<commodity>_t``); stored per trial
            with their mean and quantiles, for McKelvey boxes.
        deposit, belt, region : str, optional
            What the run is linked to.
        parent : str, optional
            The id of the run this one is a stage of.
        """
        self._check()
        run_id = uuid.uuid4().hex
        data = {k: v for k, v in record.items() if k != "children"}
        row = {
            "id": run_id,
            "parent_id": parent,
            "kind": str(record["kind"]),
            "name": str(record["name"]),
            "inputs_sha256": str(record.get("inputs_sha256", "")),
            "seed": record.get("seed"),
            "bornite_version": str(record.get("bornite_version", "")),
            "started": str(record.get("started", "")),
            "finished": str(record.get("finished", "")),
            "illustrative": bool(record.get("illustrative", False)),
            "folder": str(record.get("folder") or ""),
            "record": json.dumps(data, ensure_ascii=False, default=str),
            "deposit_id": deposit,
            "belt": belt or "",
            "region": region or "",
            "stored_at": _now(),
            "stored_by": who,
        }
        with write_transaction(self.engine) as connection:
            if (
                deposit is not None
                and connection.scalar(select(_DEPOSITS.c.id).where(_DEPOSITS.c.id == deposit))
                is None
            ):
                msg = f"no deposit {deposit!r} to link the run to; import it first"
                raise InventoryError(msg)
            connection.execute(_RUNS.insert().values(**row))
            if trials is not None and len(trials):
                self._store_trials(connection, run_id, trials)
        return run_id

    def _store_trials(self, connection: Connection, run_id: str, trials: pd.DataFrame) -> None:
        quantities = [c for c in trials.columns if str(c).endswith("_t")]
        summary = summarize_totals(trials, quantities)
        long = []
        for quantity in quantities:
            commodity = str(quantity).removesuffix("_t")
            values = trials[quantity].to_numpy(dtype=float)
            long.append(
                pd.DataFrame(
                    {
                        "run_id": run_id,
                        "commodity": commodity,
                        "trial": np.arange(1, len(values) + 1),
                        "metal_t": values,
                    }
                )
            )
            row = summary.loc[quantity].astype(float)
            connection.execute(
                _UNDISCOVERED.insert().values(
                    run_id=run_id,
                    commodity=commodity,
                    trials=len(values),
                    mean_t=row["mean"],
                    q10_t=row["q10"],
                    q50_t=row["q50"],
                    q90_t=row["q90"],
                    p0=row["p0"],
                )
            )
        self._bulk_insert(connection, _TRIALS, pd.concat(long, ignore_index=True))

    def runs(self, *, kind: str | None = None) -> pd.DataFrame:
        """Stored runs, newest first: id, parent, kind, name, links, inputs hash, times."""
        r = _RUNS
        columns = [c for c in r.columns if c.name != "record"]
        query = select(*columns).order_by(r.c.stored_at.desc(), r.c.id)
        if kind is not None:
            query = query.where(r.c.kind == kind)
        return self._read(query)

    def run(self, run_id: str) -> dict[str, Any]:
        """One stored record (``to_dict()`` form) with its children's records."""
        found = self._read(select(_RUNS.c.record).where(_RUNS.c.id == run_id))
        if found.empty:
            msg = f"no run {run_id!r} in {self.describe()}"
            raise NotFoundError(msg)
        record = json.loads(found["record"].iloc[0])
        children = self._read(
            select(_RUNS.c.id).where(_RUNS.c.parent_id == run_id).order_by(_RUNS.c.started)
        )
        record["children"] = [self.run(c) for c in children["id"]]
        return record

    def run_trials(self, run_id: str) -> pd.DataFrame:
        """A stored assessment run's per-trial totals, wide: ``trial``, ``<commodity>_t``
        (empty when the run has none)."""
        t = _TRIALS
        long = self._read(
            select(t.c.commodity, t.c.trial, t.c.metal_t)
            .where(t.c.run_id == run_id)
            .order_by(t.c.commodity, t.c.trial)
        )
        if long.empty:
            return pd.DataFrame({"trial": pd.Series(dtype=int)})
        wide = long.pivot(index="trial", columns="commodity", values="metal_t")
        wide.columns = [f"{c}_t" for c in wide.columns]
        return wide.reset_index()

    # ------------------------------------------------------------------ roll-ups

    @staticmethod
    def _current(s: Any, as_of: str | None) -> Any:
        """Statements of the current report of their deposit and kind as of a date."""
        if as_of is None:
            return s.c.superseded_on.is_(None)
        date = _date(as_of)
        return and_(
            s.c.effective_date <= date,
            or_(s.c.superseded_on.is_(None), s.c.superseded_on > date),
        )

    def _counted(self, as_of: str | None, basis: str) -> tuple[Table, Any]:
        """The statements table and the condition that selects the counted statements as of a
        date (the rule of :mod:`bornite.inventory.rollup`), for groups of statements."""
        if basis not in BASES:
            msg = f"unknown basis {basis!r}; use {', '.join(BASES)}"
            raise InventoryError(msg)
        s = _STATEMENTS
        current = self._current(s, as_of)
        if basis == "resources":
            return s, and_(current, s.c.kind == "resource")
        if basis == "reserves":
            return s, and_(current, s.c.kind == "reserve")
        other = s.alias("inclusive")
        inclusive = select(other.c.deposit_id).where(
            self._current(other, as_of),
            other.c.kind == "resource",
            other.c.inclusive_of_reserves.is_(True),
        )
        return s, and_(current, or_(s.c.kind == "resource", s.c.deposit_id.not_in(inclusive)))

    def _sums(
        self, as_of: str | None, *, commodity: str | None = None, deposits: Any = None
    ) -> Any:
        """Per deposit and commodity, over the statements current as of a date: resource and
        reserve metal and ore side by side, and whether the current resources include the
        reserves (``incl``, 1 or 0). Ore adds up over the statements that give the metal."""
        s, g = _STATEMENTS, _GRADES
        i = s.alias("flags")
        inclusive = (
            select(func.max(case((i.c.inclusive_of_reserves.is_(True), 1), else_=0)))
            .where(
                i.c.deposit_id == s.c.deposit_id, i.c.kind == "resource", self._current(i, as_of)
            )
            .scalar_subquery()
        )
        resource, reserve = s.c.kind == "resource", s.c.kind == "reserve"
        query = (
            select(
                s.c.deposit_id,
                g.c.commodity,
                func.sum(case((resource, g.c.metal_t))).label("resource_metal_t"),
                func.sum(case((resource, s.c.ore_t))).label("resource_ore_t"),
                func.sum(case((reserve, g.c.metal_t))).label("reserve_metal_t"),
                func.sum(case((reserve, s.c.ore_t))).label("reserve_ore_t"),
                func.coalesce(inclusive, 0).label("inclusive"),
            )
            .select_from(s.join(g, g.c.statement_id == s.c.id))
            .where(self._current(s, as_of))
            .group_by(s.c.deposit_id, g.c.commodity)
        )
        if commodity is not None:
            query = query.where(g.c.commodity == commodity)
        if deposits is not None:
            query = query.where(s.c.deposit_id.in_(deposits))
        return query

    def _refresh_metal(self, connection: Connection, deposits: Sequence[str]) -> None:
        """Recompute ``deposit_metal`` for these deposits (all of it for a large import)."""
        table = _DEPOSIT_METAL
        columns = [c.name for c in table.columns]
        if len(deposits) > _REFRESH_ALL:
            connection.execute(table.delete())
            connection.execute(table.insert().from_select(columns, self._sums(None)))
            return
        for chunk in _chunks(deposits):
            connection.execute(table.delete().where(table.c.deposit_id.in_(chunk)))
            query = self._sums(None, deposits=chunk)
            connection.execute(table.insert().from_select(columns, query))

    def _deposit_sums(self, as_of: str | None, basis: str, commodity: str) -> Any:
        """Counted ore and metal per deposit by the rule of :mod:`bornite.inventory.rollup`:
        from ``deposit_metal`` for the latest statements, else summed over the statements
        current as of the date. Deposits without counted metal of the commodity are left
        out."""
        if basis not in BASES:
            msg = f"unknown basis {basis!r}; use {', '.join(BASES)}"
            raise InventoryError(msg)
        if as_of is None:
            m = _DEPOSIT_METAL
            c: Any = select(m).where(m.c.commodity == commodity).subquery("sums").c
        else:
            c = self._sums(as_of, commodity=commodity).subquery("sums").c
        metal_t: Any
        ore_t: Any
        if basis == "resources":
            metal_t, ore_t = c.resource_metal_t, func.coalesce(c.resource_ore_t, 0.0)
        elif basis == "reserves":
            metal_t, ore_t = c.reserve_metal_t, func.coalesce(c.reserve_ore_t, 0.0)
        else:
            alone = or_(c.inclusive == 1, c.reserve_metal_t.is_(None))
            metal_t = case(
                (alone, c.resource_metal_t),
                (c.resource_metal_t.is_(None), c.reserve_metal_t),
                else_=c.resource_metal_t + c.reserve_metal_t,
            )
            ore_t = func.coalesce(c.resource_ore_t, 0.0) + case(
                (c.inclusive == 1, 0.0), else_=func.coalesce(c.reserve_ore_t, 0.0)
            )
        return (
            select(c.deposit_id, ore_t.label("ore_t"), metal_t.label("metal_t"))
            .where(metal_t.is_not(None))
            .subquery("counted")
        )

    def _group(self, cur: Any, by: str) -> Any:
        if by not in GROUPS:
            msg = f"cannot roll up by {by!r}; use one of {', '.join(GROUPS)}"
            raise InventoryError(msg)
        column = GROUPS[by]
        value = cur.c[column] if column in cur.c else _DEPOSITS.c[column]
        return func.coalesce(func.nullif(value, ""), UNASSIGNED)

    def rollup(
        self,
        by: str = "belt",
        *,
        commodity: str = "cu",
        as_of: str | None = None,
        basis: str = "identified",
        scheme: str = "crirsco",
    ) -> pd.DataFrame:
        """:func:`bornite.inventory.rollup` computed by the database (same columns)."""
        commodity = commodity.lower()
        if by in _PER_STATEMENT:
            groups, total = self._statement_groups(by, commodity, as_of, basis)
            if by == "category":
                groups["group"] = groups["group"].map(lambda c: category_label(c, scheme))
        else:
            groups = self._per_deposit(by, commodity, as_of, basis)
            if by == "deposit":  # one group per deposit
                groups = groups.drop(columns="deposit_id").assign(deposits=1)
            total = (
                int(groups["deposits"].sum()),
                float(groups["ore_t"].fillna(0.0).sum()),
                float(groups["metal_t"].fillna(0.0).sum()),
            )
        table = rollup_table(groups, total)
        table.attrs.update({"by": by, "commodity": commodity, "as_of": as_of, "basis": basis})
        return table

    def _statement_groups(
        self, by: str, commodity: str, as_of: str | None, basis: str
    ) -> tuple[pd.DataFrame, tuple[int, float, float]]:
        """Sums per group of statements (category, code), and the total (whose deposits are
        counted once, though a deposit may be in several groups)."""
        cur, counted = self._counted(as_of, basis)
        group = self._group(cur, by)
        g = _GRADES
        joined = cur.join(g, and_(g.c.statement_id == cur.c.id, g.c.commodity == commodity))
        sums = (
            func.count(distinct(cur.c.deposit_id)).label("deposits"),
            func.sum(cur.c.ore_t).label("ore_t"),
            func.sum(g.c.metal_t).label("metal_t"),
        )
        groups = self._read(
            select(group.label("group"), *sums).select_from(joined).where(counted).group_by(group)
        )
        row = self._read(select(*sums).select_from(joined).where(counted)).iloc[0]
        total = (int(row["deposits"] or 0), float(row["ore_t"] or 0), float(row["metal_t"] or 0))
        return groups, total

    def _per_deposit(
        self, by: str | None, commodity: str, as_of: str | None, basis: str
    ) -> pd.DataFrame:
        """Counted metal per deposit (``by`` None or ``deposit``: ``deposit_id``, ``group``,
        ``ore_t``, ``metal_t``), or per group of a deposit attribute (``group``,
        ``deposits``, ``ore_t``, ``metal_t``), summed by the database."""
        per = self._deposit_sums(as_of, basis, commodity.lower())
        if by is None or by == "deposit":
            return self._read(
                select(
                    per.c.deposit_id, per.c.deposit_id.label("group"), per.c.ore_t, per.c.metal_t
                )
            )
        group = self._group(_DEPOSITS, by)
        return self._read(
            select(
                group.label("group"),
                func.count().label("deposits"),
                func.sum(per.c.ore_t).label("ore_t"),
                func.sum(per.c.metal_t).label("metal_t"),
            )
            .select_from(per.join(_DEPOSITS, _DEPOSITS.c.id == per.c.deposit_id))
            .group_by(group)
        )

    def additions(
        self,
        since: str,
        until: str | None = None,
        *,
        by: str | None = None,
        commodity: str = "cu",
        basis: str = "identified",
    ) -> pd.DataFrame:
        """:func:`bornite.inventory.additions` with the sums done by the database."""
        day_before, end = additions_period(since, until, by)
        before = self._per_deposit(None, commodity, str(day_before.date()), basis)
        after = self._per_deposit(None, commodity, None if end is None else str(end.date()), basis)
        ids = pd.Index(before["deposit_id"]).union(pd.Index(after["deposit_id"]))
        if by is None or by == "deposit":
            groups = pd.Series(ids, index=ids)
        else:
            column = GROUPS[by]
            lookup = self._read(select(_DEPOSITS.c.id, _DEPOSITS.c[column]))
            values = lookup.set_index("id")[column].reindex(ids)
            groups = values.where(values.notna() & (values != ""), UNASSIGNED)
        return additions_table(
            before.set_index("deposit_id")["metal_t"],
            after.set_index("deposit_id")["metal_t"],
            groups,
        )

    def mckelvey(
        self, by: str = "belt", *, commodity: str = "cu", as_of: str | None = None
    ) -> pd.DataFrame:
        """:func:`bornite.inventory.mckelvey` from the statements and the stored assessment
        runs linked to each group (see :meth:`undiscovered_trials`)."""
        if by not in {"belt", "region"}:
            msg = f"a McKelvey box is by belt or region (what runs are linked to), not by {by}"
            raise InventoryError(msg)
        cur, counted = self._counted(as_of, "identified")
        group = self._group(cur, by)
        g = _GRADES
        query = (
            select(group.label("group"), cur.c.category, func.sum(g.c.metal_t).label("metal_t"))
            .select_from(
                cur.join(
                    g, and_(g.c.statement_id == cur.c.id, g.c.commodity == commodity.lower())
                ).join(_DEPOSITS, _DEPOSITS.c.id == cur.c.deposit_id)
            )
            .where(counted)
            .group_by(group, cur.c.category)
        )
        identified = self._read(query)
        return mckelvey_table(identified, self.undiscovered_trials(by, commodity=commodity))

    def undiscovered_trials(
        self, by: str = "belt", *, commodity: str = "cu"
    ) -> dict[Hashable, np.ndarray]:
        """Each group's undiscovered total per trial, summed in SQL over its runs.

        The runs of a group are the stored ``tract`` and ``aggregate`` runs linked to it
        with trials of the commodity: its latest aggregate if it has one (an aggregation
        carries the tracts' correlation), otherwise the latest run of each tract name.
        """
        r, t = _RUNS, _TRIALS
        column = r.c[by]
        runs = self._read(
            select(r.c.id, r.c.kind, r.c.name, column.label("group"), r.c.stored_at)
            .where(
                r.c.kind.in_(["tract", "aggregate"]),
                column != "",
                r.c.id.in_(select(t.c.run_id).where(t.c.commodity == commodity.lower())),
            )
            .order_by(r.c.stored_at.desc(), r.c.id)
        )
        chosen: list[str] = []
        for _group, rows in runs.groupby("group"):
            aggregates = rows[rows["kind"] == "aggregate"]
            picked = aggregates.head(1) if len(aggregates) else rows.drop_duplicates("name")
            chosen.extend(picked["id"])
        if not chosen:
            return {}
        counts = self._read(
            select(r.c.name, column.label("group"), func.count().label("trials"))
            .select_from(t.join(r, r.c.id == t.c.run_id))
            .where(t.c.run_id.in_(chosen), t.c.commodity == commodity.lower())
            .group_by(r.c.name, column)
        )
        for group, rows in counts.groupby("group"):
            if rows["trials"].nunique() > 1:
                shown = ", ".join(
                    f"{n} ({k:,})" for n, k in zip(rows["name"], rows["trials"], strict=True)
                )
                msg = (
                    f"the tracts of {group} have different numbers of trials: {shown}; rerun "
                    "them with the same number of trials"
                )
                raise InventoryError(msg)
        sums = self._read(
            select(column.label("group"), t.c.trial, func.sum(t.c.metal_t).label("metal_t"))
            .select_from(t.join(r, r.c.id == t.c.run_id))
            .where(t.c.run_id.in_(chosen), t.c.commodity == commodity.lower())
            .group_by(column, t.c.trial)
            .order_by(column, t.c.trial)
        )
        return {
            group: rows["metal_t"].to_numpy(dtype=float) for group, rows in sums.groupby("group")
        }

    def counts(self) -> dict[str, int]:
        """Rows per table: deposits, statements, current statements, runs, imports, edits."""
        self._check()
        with self.engine.connect() as connection:

            def count(table: Any, *where: Any) -> int:
                query = select(func.count()).select_from(table)
                return int(connection.scalar(query.where(*where) if where else query) or 0)

            return {
                "deposits": count(_DEPOSITS),
                "statements": count(_STATEMENTS),
                "current statements": count(_STATEMENTS, _STATEMENTS.c.superseded_on.is_(None)),
                "runs": count(_RUNS),
                "imports": count(_IMPORTS),
                "edits": count(_EDITS),
            }

    def generation(self) -> tuple[int, int, int]:
        """A marker that changes whenever the inventory or the runs change: the latest
        import and edit ids and the number of runs (every write adds one of them), read in
        one cheap query. Faces cache what they computed from the database under it."""
        self._check()
        query = select(
            select(func.coalesce(func.max(_IMPORTS.c.id), 0)).scalar_subquery(),
            select(func.coalesce(func.max(_EDITS.c.id), 0)).scalar_subquery(),
            select(func.count()).select_from(_RUNS).scalar_subquery(),
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).one()
        return int(row[0]), int(row[1]), int(row[2])

    def drop_everything(self) -> None:
        """Drop every bornite table (tests and ``--overwrite`` of a demo database)."""
        with write_transaction(self.engine) as connection:
            Base.metadata.drop_all(connection)
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        self._checked = False


# ---------------------------------------------------------------------- helpers


def _chunks(values: Sequence[Any] | Iterable[Any]) -> list[list[Any]]:
    items = list(values)
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _date(value: str | dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        msg = f"{value!r} is not a date; write YYYY-MM-DD"
        raise InventoryError(msg) from None


def _csv_text(frame: pd.DataFrame) -> tuple[bytes, str]:
    """CSV text and the ``COPY`` options that read it, for PostgreSQL: pyarrow's CSV writer
    where it is installed (several times faster), else pandas'."""
    try:
        return _arrow_csv(frame)
    except ImportError:
        return _pandas_csv(frame)


def _arrow_csv(frame: pd.DataFrame) -> tuple[bytes, str]:
    """Every value quoted, so that an unquoted empty field is ``NULL`` and a quoted one an
    empty string."""
    import pyarrow as pa  # noqa: PLC0415 (optional: the parquet extra)
    import pyarrow.csv as pa_csv  # noqa: PLC0415

    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    options = pa_csv.WriteOptions(include_header=False, quoting_style="all_valid")
    pa_csv.write_csv(table, sink, write_options=options)
    return sink.getvalue().to_pybytes(), "FORMAT csv"


def _pandas_csv(frame: pd.DataFrame) -> tuple[bytes, str]:
    """``\\N`` for ``NULL``, so that an empty field is an empty string."""
    text = frame.to_csv(index=False, header=False, na_rep="\\N", date_format="%Y-%m-%d")
    return text.encode(), "FORMAT csv, NULL '\\N'"


def _sqlite_rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """Rows as SQLite stores them: ISO dates, 0/1 booleans, ``None`` for missing values;
    converted column by column (not value by value)."""
    columns = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            values = series.dt.strftime("%Y-%m-%d").astype(object)
        elif pd.api.types.is_bool_dtype(series):
            values = series.astype(int).astype(object)
        else:
            values = series.astype(object)
        columns.append(values.where(series.notna(), None).tolist())
    return list(zip(*columns, strict=True))


def _supersession(incoming: pd.DataFrame, stored: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """Each statement's ``superseded_on``: the effective date of the next report of its
    deposit and kind (``NaT`` for the current report), over stored and incoming statements.

    Returns the incoming statements' dates and the stored statements whose date changes
    (``id``, ``next``).
    """
    report = ["deposit_id", "kind", "effective_date"]
    parts = [incoming[["id", *report]].assign(stored=False)]
    if not stored.empty:
        parts.append(stored[["id", *report]].assign(stored=True, before=stored["superseded_on"]))
    both = pd.concat(parts, ignore_index=True)
    reports = both[report].drop_duplicates().sort_values(report)
    reports["next"] = reports.groupby(["deposit_id", "kind"])["effective_date"].shift(-1)
    merged = both.merge(reports, on=report, how="left")
    mine = merged[~merged["stored"]].set_index("id")["next"]
    superseded = pd.Series(incoming["id"].map(mine).to_numpy(), index=incoming.index)
    if stored.empty:
        return superseded, pd.DataFrame(columns=["id", "next"])
    theirs = merged[merged["stored"]]
    moved = ~(
        (theirs["next"] == theirs["before"]) | (theirs["next"].isna() & theirs["before"].isna())
    )
    return superseded, theirs.loc[moved, ["id", "next"]]


def _grade_rows(statements: pd.DataFrame) -> pd.DataFrame:
    grades = grade_columns(statements)
    parts = []
    for commodity in commodities(statements):
        metal = statements[f"{commodity}_t"]
        has = metal.notna()
        grade = pd.Series(np.nan, index=statements.index)
        unit = pd.Series("", index=statements.index, dtype=object)
        for column, (element, grade_unit) in grades.items():
            if element == commodity:
                fill = grade.isna() & statements[column].notna()
                grade = grade.where(~fill, statements[column])
                unit = unit.where(~fill, grade_unit)
        parts.append(
            pd.DataFrame(
                {
                    "commodity": commodity,
                    "statement_id": statements.loc[has, "id"].to_numpy(),
                    "grade": grade[has].to_numpy(),
                    "unit": unit[has].to_numpy(),
                    "metal_t": metal[has].to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _wide(frame: pd.DataFrame, long: pd.DataFrame) -> pd.DataFrame:
    """Statements with their grades as columns ``<commodity>_<unit>`` and ``<commodity>_t``."""
    out = frame.copy()
    out["effective_date"] = pd.to_datetime(out["effective_date"]).astype("datetime64[ns]")
    out["superseded_on"] = pd.to_datetime(out["superseded_on"]).astype("datetime64[ns]")
    out["inclusive_of_reserves"] = out["inclusive_of_reserves"].astype(bool)
    out["ore_t"] = out["ore_t"].astype(float)
    if long.empty:
        return out
    metal = long.pivot(index="statement_id", columns="commodity", values="metal_t")
    for name in metal.columns:
        out[f"{name}_t"] = out["id"].map(metal[name]).astype(float)
    graded = long[long["grade"].notna() & (long["unit"] != "")]
    for keys, rows in graded.groupby(["commodity", "unit"]):
        element, unit = keys
        column = grade_column(str(element), str(unit))
        out[column] = out["id"].map(rows.set_index("statement_id")["grade"]).astype(float)
    return out


def _against_stored(statements: pd.DataFrame, stored: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The incoming statements not yet stored, after refusing those that contradict it."""
    if stored.empty:
        return statements, 0
    report = ["deposit_id", "kind", "effective_date"]
    codes = stored.drop_duplicates(report)[[*report, "code"]]
    clash = statements.reset_index().merge(codes, on=report, suffixes=("", "_stored"))
    clash = clash[clash["code"] != clash["code_stored"]]
    if len(clash):
        row = clash.iloc[0]
        msg = (
            f"row {row.iloc[0]}: deposit {row['deposit_id']} already has a {row['kind']} report "
            f"effective {row['effective_date'].date()} under {row['code_stored']}; a {row['code']} "
            "report of the same date would count the same ore twice; keep one code per date"
        )
        raise InventoryError(msg)
    keyed = statements.reset_index(names="_row").merge(
        stored, on=list(STATEMENT_KEY), how="left", suffixes=("", "_stored"), indicator=True
    )
    matched = keyed[keyed["_merge"] == "both"]
    fields = ["ore_t", "citation", "cutoff", "inclusive_of_reserves"]
    fields += [f"{c}_t" for c in commodities(statements)]
    for field in fields:
        other = f"{field}_stored"
        if other not in matched:
            continue
        mine, theirs = matched[field], matched[other]
        if field.endswith("_t"):
            same = (mine.isna() & theirs.isna()) | np.isclose(mine, theirs, rtol=1e-9)
        else:
            same = mine.astype(str) == theirs.astype(str)
        if not same.all():
            row = matched[~same].iloc[0]
            msg = (
                f"row {row['_row']}: deposit {row['deposit_id']} already has a {row['category']} "
                f"statement effective {row['effective_date'].date()} ({row['code']}) with "
                f"{field} {_plain(row[other])!r}, not {_plain(row[field])!r}; statements are "
                "never overwritten: "
                "date a restatement later, or edit the stored one"
            )
            raise InventoryError(msg)
    fresh = statements[(keyed["_merge"] == "left_only").to_numpy()]
    return fresh, len(matched)


def _refuse_changed(deposits: pd.DataFrame, stored: pd.DataFrame) -> None:
    merged = deposits.reset_index(names="_row").merge(stored, on="id", suffixes=("", "_stored"))
    for column in DEPOSIT_COLUMNS:
        if column == "id":
            continue
        mine = merged[column].astype(object).where(merged[column].notna(), None)
        theirs = (
            merged[f"{column}_stored"]
            .astype(object)
            .where(merged[f"{column}_stored"].notna(), None)
        )
        if column in {"easting", "northing", "discovery_year"}:
            a = pd.to_numeric(mine, errors="coerce").astype(float)
            b = pd.to_numeric(theirs, errors="coerce").astype(float)
            same = (a.isna() & b.isna()) | np.isclose(a, b, rtol=0, atol=1e-9)
        else:
            same = mine.map(lambda v: "" if v is None else str(v)) == theirs.map(
                lambda v: "" if v is None else str(v)
            )
        if not same.all():
            row = merged[~same.to_numpy()].iloc[0]
            msg = (
                f"row {row['_row']}: deposit {row['id']} is already in the database with "
                f"{column} {_plain(row[f'{column}_stored'])!r}, not {_plain(row[column])!r}; "
                "edit the stored deposit instead of importing it again"
            )
            raise InventoryError(msg)


def _recompute_metal(connection: Connection, statement: int, ore_t: float | None) -> None:
    """Contained metal = ore x grade again, for the grades of a statement whose ore changed."""
    g = _GRADES
    rows = connection.execute(
        select(g.c.commodity, g.c.grade, g.c.unit).where(
            g.c.statement_id == statement, g.c.grade.is_not(None)
        )
    ).fetchall()
    if rows and ore_t is None:
        msg = f"statement {statement} gives grades, so its ore_t cannot be emptied"
        raise InventoryError(msg)
    for commodity, grade, unit in rows:
        connection.execute(
            update(g)
            .where(g.c.statement_id == statement, g.c.commodity == commodity)
            .values(metal_t=float(ore_t) * to_mass_fraction(float(grade), unit))  # type: ignore[arg-type]
        )


def _checked_changes(table: str, row: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """Changes validated by the same rules as an import (one-row table through the checks)."""
    if table == "deposits":
        current = {c: row[c] for c in DEPOSIT_COLUMNS}
        current.update(changes)
        checked = normalise_deposits(pd.DataFrame([current], index=[f"of {row['id']}"]))
    else:
        current = {
            "deposit_id": row["deposit_id"],
            "effective_date": str(row["effective_date"]),
            "code": row["code"],
            "category": row["category"],
            **{k: row[k] for k in EDITABLE["statements"]},
        }
        current.update(changes)
        checked = normalise_statements(pd.DataFrame([current], index=[f"of {row['id']}"]))
    return {name: _plain(checked[name].iloc[0]) for name in changes}
