"""The inventory's workflows: databases, imports and exports, stored runs, roll-ups.

Each returns a :class:`~bornite.workflows.RunRecord` (kind ``db``, ``import``, ``export``,
``rollup``, ``additions`` or ``mckelvey``), so the CLI renders them as it renders any run.
The roll-ups' rows are in ``results["rows"]``; the science (the counting rule, quantiles from
trials) is in :mod:`bornite.inventory`, the SQL in :mod:`bornite.store`.
"""

from __future__ import annotations

import dataclasses
import getpass
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from bornite.errors import InventoryError
from bornite.inventory import STATEMENT_COLUMNS, grade_columns
from bornite.io import read_inventory, read_table, sha256_file, write_inventory
from bornite.store import Store
from bornite.workflows._run import Headline, RecordTable, RunRecord, input_files

__all__ = [
    "additions_record",
    "check_database",
    "export_inventory",
    "import_inventory",
    "init_database",
    "mckelvey_record",
    "rollup_record",
    "store_run",
    "upgrade_database",
]

logger = logging.getLogger(__name__)

#: Run kinds whose per-trial totals (``totals.csv`` in their folder) are stored.
ASSESSMENT_KINDS = ("tract", "aggregate")
LINK_KEYS = ("deposit", "belt", "region")


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _db_record(kind: str, store: Store, **extra: Any) -> RunRecord:
    counts = store.counts()
    return RunRecord(
        kind=kind,
        name=store.describe(),
        parameters={"database": store.describe(), "schema": store.head(), **extra},
        tables={
            "contents": RecordTable(
                "what the database holds",
                ("table", "rows"),
                tuple((name, count) for name, count in counts.items()),
            )
        },
        results={"database": store.describe(), "counts": counts, **extra},
    )


def check_database(db: str | Path | None = None) -> None:
    """Raise :class:`~bornite.errors.StoreError` unless ``db`` is a reachable bornite
    database at this version's schema (saying which command fixes it)."""
    Store(db).check()


def init_database(db: str | Path | None = None) -> RunRecord:
    """Create the database (the default SQLite file when ``db`` is ``None``)."""
    store = Store(db)
    created = store.init()
    return _db_record("db", store, created=created)


def upgrade_database(db: str | Path | None = None) -> RunRecord:
    """Migrate the database to this version's schema."""
    store = Store(db)
    before, after = store.upgrade()
    return _db_record("db", store, upgraded_from=before, upgraded_to=after)


def import_inventory(
    path: str | Path,
    db: str | Path | None = None,
    *,
    layout: str = "auto",
    store: Store | None = None,
    who: str | None = None,
    source: str | None = None,
) -> RunRecord:
    """Import an inventory file in one transaction (see :func:`bornite.io.read_inventory`).

    ``store`` is an open store to use instead of ``db``; ``who`` is recorded as the
    importer (default: the login name); ``source`` names the file in the import's record and
    messages (default: its path; an upload keeps the name it was sent under).

    Raises
    ------
    InventoryError or DataFileError
        Naming the file and row; the database is left as it was.
    """
    path = Path(path)
    store = store or Store(db)
    store.check()
    tables = read_inventory(path, layout=layout)
    name = source or str(path)
    try:
        summaries = store.import_tables(
            tables.deposits,
            tables.statements,
            source=name,
            sha256=sha256_file(path),
            who=who or _who(),
        )
    except InventoryError as error:
        msg = f"{name}: {error}; nothing was imported"
        raise InventoryError(msg) from error
    headline = tuple(
        Headline(f"{s.kind}_added", f"{s.kind} added", float(s.added), "count") for s in summaries
    )
    return RunRecord(
        kind="import",
        name=path.name,
        inputs=input_files({"inventory": path}),
        parameters={"database": store.describe(), "layout": tables.layout},
        headline=headline,
        tables={
            "imported": RecordTable(
                f"imported into {store.describe()}",
                ("table", "rows read", "added", "already there"),
                tuple((s.kind, s.rows, s.added, s.unchanged) for s in summaries),
            )
        },
        results={
            "database": store.describe(),
            "layout": tables.layout,
            "imports": [
                {"table": s.kind, "rows": s.rows, "added": s.added, "unchanged": s.unchanged}
                for s in summaries
            ],
        },
    )


def export_inventory(destination: str | Path, db: str | Path | None = None) -> RunRecord:
    """Write every deposit and statement to CSV files (a folder), JSON or a GeoPackage."""
    store = Store(db)
    deposits = store.deposits().drop(columns=["version"])
    statements = store.statements()
    columns = [c for c in STATEMENT_COLUMNS if c in statements.columns or c == "domain"]
    columns += list(grade_columns(statements))
    columns += [c for c in statements.columns if c.endswith("_t") and c != "ore_t"]
    written = write_inventory(deposits, statements, destination, columns)
    return RunRecord(
        kind="export",
        name=str(destination),
        parameters={"database": store.describe()},
        tables={
            "exported": RecordTable(
                f"exported from {store.describe()}",
                ("table", "rows"),
                (("deposits", len(deposits)), ("statements", len(statements))),
            )
        },
        results={"files": [str(p) for p in written], "deposits": len(deposits)},
    )


def _folder(record: RunRecord, root: Path | None) -> Path | None:
    if not record.folder:
        return None
    folder = Path(record.folder)
    return folder if folder.is_absolute() or root is None else root / folder


def _trials(record: RunRecord, folder: Path | None) -> pd.DataFrame | None:
    if record.kind not in ASSESSMENT_KINDS or folder is None:
        return None
    path = folder / "totals.csv"
    if not path.is_file():
        logger.warning("run %s: no %s, its trials are not stored", record.name, path)
        return None
    return read_table(path)


def store_run(
    record: RunRecord,
    db: str | Path | None = None,
    *,
    links: Mapping[str, str] | None = None,
    store: Store | None = None,
    parent: str | None = None,
    root: Path | None = None,
    relocate: tuple[Path, Path] | None = None,
) -> str:
    """Store a run record and its children; return the stored id of ``record``.

    An assessment's per-trial totals are read from ``totals.csv`` in its folder, for the
    McKelvey boxes (a relative folder is taken under ``root``, as a demo's stages are under
    the demo's folder). ``links`` (``deposit``, ``belt``, ``region``) add to the record's
    own. The folder is stored as an absolute path (the dashboard serves the run's report and
    figures from it); ``relocate`` is (a staged folder, where it will be when finished), for
    runs stored before their folder is moved into place.
    """
    store = store or Store(db)
    if parent is None:
        store.check()
    merged = {**record.links, **(links or {})}
    wrong = sorted(set(merged) - set(LINK_KEYS))
    if wrong:
        msg = f"cannot link a run to {', '.join(wrong)}; link it to a deposit, belt or region"
        raise InventoryError(msg)
    folder = _folder(record, root)
    data = record.to_dict()
    if folder is not None:
        stored = folder.resolve()
        if relocate is not None and stored.is_relative_to(relocate[0].resolve()):
            stored = relocate[1].resolve() / stored.relative_to(relocate[0].resolve())
        data["folder"] = str(stored)
    run_id = store.record_run(
        data,
        trials=_trials(record, folder),
        deposit=merged.get("deposit"),
        belt=merged.get("belt"),
        region=merged.get("region"),
        parent=parent,
        who=_who(),
    )
    for child in record.children:
        store_run(child, store=store, parent=run_id, root=folder or root, relocate=relocate)
    return run_id


def _rows_record(
    kind: str,
    title: str,
    table: pd.DataFrame,
    store: Store,
    parameters: dict[str, Any],
    headers: Mapping[str, str] | None = None,
) -> RunRecord:
    """A record of a table of rows; ``headers`` shortens column names for people (the rows
    in ``results`` keep the full names)."""
    shown = table.rename(columns=dict(headers or {}))
    units = {new: "t" for old, new in (headers or {}).items() if old.endswith("_t")}
    return RunRecord(
        kind=kind,
        name=title,
        parameters={"database": store.describe(), **parameters},
        tables={kind: RecordTable.from_frame(title, shown, units=units, shown=200)},
        results={"rows": table.to_dict(orient="records"), **parameters},
    )


def rollup_record(
    by: str = "belt",
    db: str | Path | None = None,
    *,
    commodity: str = "cu",
    as_of: str | None = None,
    basis: str = "identified",
    scheme: str = "crirsco",
) -> RunRecord:
    """Totals of ore and metal by group, as of a date, from the database."""
    store = Store(db)
    table = store.rollup(by, commodity=commodity, as_of=as_of, basis=basis, scheme=scheme)
    when = f"as of {as_of}" if as_of else "latest statements"
    title = f"{commodity.capitalize()} by {by}, {basis} ({when})"
    parameters = {"by": by, "commodity": commodity, "as_of": as_of, "basis": basis}
    return _rows_record("rollup", title, table, store, parameters)


def additions_record(
    since: str,
    until: str | None = None,
    db: str | Path | None = None,
    *,
    by: str | None = None,
    commodity: str = "cu",
    basis: str = "identified",
) -> RunRecord:
    """New deposits and growth of known ones between two dates, from the database."""
    store = Store(db)
    table = store.additions(since, until, by=by, commodity=commodity, basis=basis)
    title = f"{commodity.capitalize()} added from {since} to {until or 'the latest statements'}"
    parameters = {"since": since, "until": until, "by": by, "commodity": commodity}
    return _rows_record("additions", title, table, store, parameters)


def mckelvey_record(
    by: str = "belt",
    db: str | Path | None = None,
    *,
    commodity: str = "cu",
    as_of: str | None = None,
) -> RunRecord:
    """Identified (by category) and undiscovered (from stored assessment trials) metal."""
    store = Store(db)
    table = store.mckelvey(by, commodity=commodity, as_of=as_of)
    title = f"{commodity.capitalize()} identified and undiscovered by {by}"
    parameters = {"by": by, "commodity": commodity, "as_of": as_of}
    headers = {
        c: c.removesuffix("_t").replace("undiscovered_", "undisc. ").replace("_", " ")
        for c in table.columns
        if c.endswith("_t")
    }
    record = _rows_record("mckelvey", title, table, store, parameters, headers)
    note = (
        "undiscovered quantiles come from the per-trial totals (quantiles do not add); q90 "
        "is the 90th percentile"
    )
    return dataclasses.replace(record, results={**record.results, "note": note})


def resource_statements(
    record: RunRecord,
    deposit_id: str,
    *,
    commodity: str,
    code: str,
    effective_date: str,
    citation: str,
    cutoff: str = "",
) -> pd.DataFrame:
    """Statement rows from an estimate's or a pit's resource by class (``results["resource"]``:
    ``class``, ``ore_t``, ``metal_t``), one per class with tonnage (total rows left out), for
    :meth:`bornite.store.Store.import_tables`."""
    rows = [
        r
        for r in record.results.get("resource", [])
        if float(r.get("ore_t") or 0) > 0 and not str(r["class"]).lower().startswith("total")
    ]
    return pd.DataFrame(
        {
            "deposit_id": deposit_id,
            "effective_date": effective_date,
            "code": code,
            "category": [r["class"] for r in rows],
            "ore_t": [float(r["ore_t"]) for r in rows],
            f"{commodity}_t": [float(r["metal_t"]) for r in rows],
            "cutoff": cutoff,
            "inclusive_of_reserves": True,
            "citation": citation,
        }
    )
