"""Shared options, output helpers and error handling of the ``bornite`` command.

Commands only parse, call workflows and print. Errors from bornite become one clear line on
stderr and exit status 1; usage errors exit with 2 (Typer's convention).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from bornite.errors import BorniteError

if TYPE_CHECKING:
    from bornite.workflows import RunRecord

__all__ = [
    "DbOption",
    "JsonOption",
    "LinkOption",
    "OutOption",
    "OverwriteOption",
    "SeedOption",
    "TrialsOption",
    "check_db",
    "console",
    "emit",
    "err_console",
    "handle_errors",
    "print_json",
    "progress_bar",
    "show_record",
    "state",
]

P = ParamSpec("P")
R = TypeVar("R")

#: Settings of the current invocation, set by the root callback.
state: dict[str, Any] = {"quiet": False}
console = Console()
err_console = Console(stderr=True)
logger = logging.getLogger("bornite.cli")

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
OverwriteOption = Annotated[
    bool, typer.Option("--overwrite", help="Replace existing output files.")
]
OutOption = Annotated[Path, typer.Option("--out", "-o", help="Output folder.")]
SeedOption = Annotated[
    int | None, typer.Option("--seed", min=0, help="Random seed (default: the run file's).")
]
TrialsOption = Annotated[
    int | None,
    typer.Option("--trials", min=1, help="Monte Carlo trials (default: the run file's)."),
]


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Also store the run's record in this database: a SQLite file or a "
        "postgresql+psycopg:// URL (create it first with `bornite db init`).",
        show_default=False,
    ),
]
LinkOption = Annotated[
    list[str] | None,
    typer.Option(
        "--link",
        metavar="KEY=VALUE",
        help="With --db: link the stored run to a deposit, belt or region, e.g. "
        "--link deposit=qulong --link belt=Gangdese (repeatable).",
        show_default=False,
    ),
]


def _links(values: Sequence[str] | None) -> dict[str, str]:
    links = {}
    for value in values or []:
        key, sep, target = value.partition("=")
        if not sep or not key.strip() or not target.strip():
            raise typer.BadParameter(
                f"--link takes KEY=VALUE (deposit=ID, belt=NAME), got {value!r}"
            )
        links[key.strip()] = target.strip()
    return links


def check_db(db: str | None, link: Sequence[str] | None = None) -> None:
    """Before a run: refuse an unreachable or uninitialised ``--db`` (and ``--link`` without
    it), so that a long run does not end in an error."""
    if db is None:
        if link:
            raise typer.BadParameter("--link needs --db (the database to store the run in)")
        return
    _links(link)
    from bornite.workflows import check_database  # noqa: PLC0415 (keeps start-up fast)

    check_database(db)


def emit(
    record: RunRecord,
    *,
    json: bool,
    db: str | None = None,
    link: Sequence[str] | None = None,
    tables: Sequence[str] | None = None,
) -> None:
    """Store the record when ``--db`` is given, then print it (``--json`` or for a person)."""
    if db is not None:
        from bornite.workflows import store_run  # noqa: PLC0415

        run_id = store_run(record, db, links=_links(link))
        err_console.print(escape(f"stored run {run_id} ({record.kind}) in {db}"), highlight=False)
    if json:
        print_json(record)
        return
    show_record(record, tables=tables)


def handle_errors(function: Callable[P, R]) -> Callable[P, R]:
    """Turn bornite's errors into a one-line message and exit status 1.

    Only :class:`~bornite.errors.BorniteError` is a user's problem (a bad file, key or
    value), told in one line that names it and the fix; ``-v`` adds the traceback. Ctrl-C
    says what became of the output folder and exits with 130. Anything else is a bug in
    bornite and is not hidden: it propagates with its traceback.
    """

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except BorniteError as error:
            logger.info("command failed", exc_info=True)
            message = Text.assemble(("error: ", "bold red"), str(error))
            err_console.print(message, highlight=False, soft_wrap=True)
            raise typer.Exit(code=1) from None
        except KeyboardInterrupt:
            message = Text.assemble(
                ("interrupted: ", "bold red"),
                "the output folder was left as it was (or marked incomplete, and the next run "
                "replaces it)",
            )
            err_console.print(message, highlight=False, soft_wrap=True)
            raise typer.Exit(code=130) from None

    return wrapper


def show_record(record: RunRecord, *, tables: Sequence[str] | None = None) -> None:
    """Print a run record for a person: its name, headline figures (with units and whether
    they are out-of-fold or in-sample), its tables, and where its files are.

    ``tables`` chooses which of the record's tables to print (default all).
    """
    badge = " [reverse] illustrative [/]" if record.illustrative else ""
    console.print(f"[bold]{escape(record.kind)}[/] {escape(record.name)}{badge}")
    if record.headline:
        figures = Table(box=None, show_header=False, pad_edge=False)
        figures.add_column("figure")
        figures.add_column("value", justify="right")
        figures.add_column("basis", style="dim")
        for item in record.headline:
            figures.add_row(item.label, item.text(), item.basis)
        console.print(figures)
    for key in tables if tables is not None else list(record.tables):
        table = record.tables[key]
        headers, rows = table.formatted()
        title = table.title + (f" [{table.basis}]" if table.basis else "")
        shown = Table(title=escape(title), title_justify="left")
        for header in headers:
            shown.add_column(escape(header), justify="left")
        for row in rows:
            shown.add_row(*(escape(cell) for cell in row))
        console.print(shown)
        hidden = len(table.rows) - len(rows)
        if hidden > 0:
            console.print(f"({hidden:,} more rows in the output files or with --json)")
    if record.folder is not None:
        report = Path(record.folder) / "report.html"
        line = f"wrote {len(record.outputs):,} files to {record.folder}"
        if report.is_file():
            line += f" (open {report})"
        console.print(escape(line))


def print_json(data: Any) -> None:
    """Print ``data`` as JSON on stdout (plain, no colour, so scripts can parse it)."""
    from bornite.io import to_jsonable  # noqa: PLC0415 (keeps start-up fast)
    from bornite.workflows import RunRecord  # noqa: PLC0415

    if isinstance(data, RunRecord):
        data = data.to_dict()
    typer.echo(json.dumps(to_jsonable(data), indent=2, ensure_ascii=False))


@contextmanager
def progress_bar(description: str, *, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar; yields the ``progress(done, total)`` callback workflows take."""
    if not enabled or state["quiet"] or not err_console.is_terminal:
        yield lambda done, total: None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
