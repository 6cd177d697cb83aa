"""``bornite db``: create, migrate, import into and export from the inventory database."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bornite.cli._common import JsonOption, console, emit, handle_errors

__all__ = ["DbUrlOption", "db_app"]

db_app = typer.Typer(
    help="The inventory database: a SQLite file by default, PostgreSQL by URL.",
    no_args_is_help=True,
)

DbUrlOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="A SQLite file or a postgresql+psycopg://user:password@host/database URL "
        "(default: $BORNITE_DB, else ~/.local/share/bornite/bornite.sqlite).",
        show_default=False,
    ),
]


class Layout(StrEnum):
    """What an imported file is (``auto``: told from its suffix and header)."""

    auto = "auto"
    deposits = "deposits"
    statements = "statements"
    usgs2008 = "usgs2008"
    json = "json"
    geopackage = "geopackage"


@db_app.command("init")
@handle_errors
def init_command(db: DbUrlOption = None, json: JsonOption = False) -> None:
    """Create the database (nothing happens to one that is already at this version)."""
    from bornite.workflows import init_database  # noqa: PLC0415 (fast start-up)

    record = init_database(db)
    emit(record, json=json)
    if not json:
        state = "created" if record.results["created"] else "already up to date:"
        console.print(f"{state} {record.results['database']}")


@db_app.command("upgrade")
@handle_errors
def upgrade_command(db: DbUrlOption = None, json: JsonOption = False) -> None:
    """Migrate the database to this version of bornite's schema."""
    from bornite.workflows import upgrade_database  # noqa: PLC0415

    record = upgrade_database(db)
    emit(record, json=json)
    if not json:
        before, after = record.results["upgraded_from"], record.results["upgraded_to"]
        console.print(f"schema {before} -> {after}")


@db_app.command("import")
@handle_errors
def import_command(
    path: Annotated[
        Path,
        typer.Argument(
            help="Deposits or statements (CSV, Excel, Parquet), JSON, GeoPackage, or the "
            "USGS 2008 porphyry copper table."
        ),
    ],
    db: DbUrlOption = None,
    layout: Annotated[
        Layout, typer.Option("--layout", help="What the file is (default: told from it).")
    ] = Layout.auto,
    json: JsonOption = False,
) -> None:
    """Import an inventory file in one transaction: all of it, or nothing (the error names
    the row).

    Examples: bornite db import deposits.csv; bornite db import statements.csv;
    bornite db import porphyry_copper_deposits_2008.csv --db usgs.sqlite
    """
    from bornite.workflows import import_inventory  # noqa: PLC0415

    emit(import_inventory(path, db, layout=layout.value), json=json)


@db_app.command("export")
@handle_errors
def export_command(
    destination: Annotated[
        Path,
        typer.Argument(
            help="FILE.json, FILE.gpkg, or a folder (gets deposits.csv and statements.csv)."
        ),
    ],
    db: DbUrlOption = None,
    json: JsonOption = False,
) -> None:
    """Export every deposit and statement in a form `bornite db import` reads back."""
    from bornite.workflows import export_inventory  # noqa: PLC0415

    record = export_inventory(destination, db)
    emit(record, json=json)
    if not json:
        console.print(f"wrote {', '.join(record.results['files'])}")
