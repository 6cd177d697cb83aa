"""``bornite serve`` and ``bornite users``: the web dashboard and who may sign in to it."""

from __future__ import annotations

import json as jsonlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bornite.cli._common import JsonOption, console, handle_errors
from bornite.cli.db import DbUrlOption
from bornite.errors import AccountError

if TYPE_CHECKING:
    from bornite.store import Accounts

__all__ = ["serve_command", "users_app"]

users_app = typer.Typer(
    help="Who may sign in to the web dashboard, and as what (viewer, editor, admin).",
    no_args_is_help=True,
)


def _accounts(db: str | None) -> Accounts:
    from bornite.store import Store  # noqa: PLC0415 (fast start-up)

    return Store(db).accounts


@handle_errors
def serve_command(
    db: DbUrlOption = None,
    host: Annotated[
        str,
        typer.Option(
            "--host", help="Address to listen on (127.0.0.1: this machine only; 0.0.0.0: all)."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8765,
    login_required: Annotated[
        bool,
        typer.Option(
            "--login-required/--open-reading",
            help="Whether reading needs a signed-in viewer (writing always needs an editor).",
        ),
    ] = False,
    session_hours: Annotated[
        float, typer.Option("--session-hours", min=0.1, max=720, help="How long a sign-in lasts.")
    ] = 8.0,
    max_upload_mb: Annotated[
        float, typer.Option("--max-upload-mb", min=0.01, help="Largest inventory upload.")
    ] = 20.0,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="Behind an HTTPS proxy: Secure cookies.")
    ] = False,
    basemap: Annotated[
        Path | None,
        typer.Option("--basemap", help="A PNG or JPEG under the map (with --basemap-bounds)."),
    ] = None,
    basemap_bounds: Annotated[
        tuple[float, float, float, float] | None,
        typer.Option("--basemap-bounds", help="West, south, east, north of the basemap."),
    ] = None,
) -> None:
    """Serve the dashboard of a database: map, deposits, roll-ups, runs, and a JSON API."""
    from bornite.web import WebSettings, serve  # noqa: PLC0415 (the web extra)

    settings = WebSettings(
        db=db,
        login_required=login_required,
        session_hours=session_hours,
        max_upload_bytes=int(max_upload_mb * 2**20),
        secure_cookies=secure_cookies,
        basemap=basemap,
        basemap_bounds=basemap_bounds,
    )
    console.print(f"bornite dashboard on http://{host}:{port}/ (Ctrl-C stops it)")
    serve(settings, host=host, port=port, log_level="warning")


@users_app.command("add")
@handle_errors
def add_command(
    username: Annotated[str, typer.Argument(help="The user name to sign in with.")],
    role: Annotated[
        str, typer.Option("--role", help="viewer (reads), editor (edits, imports), admin.")
    ] = "viewer",
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from standard input (scripts)."),
    ] = False,
    db: DbUrlOption = None,
) -> None:
    """Add a user, or set an existing user's password and role (ending their sessions)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    if not password:
        msg = "no password was given"
        raise AccountError(msg)
    _accounts(db).add(username, password, role)
    console.print(f"{username} may sign in as {role}")


@users_app.command("remove")
@handle_errors
def remove_command(
    username: Annotated[str, typer.Argument(help="The user to remove.")],
    db: DbUrlOption = None,
) -> None:
    """Remove a user and end their sessions."""
    _accounts(db).remove(username)
    console.print(f"removed {username}")


@users_app.command("list")
@handle_errors
def list_command(db: DbUrlOption = None, json: JsonOption = False) -> None:
    """Every user and role."""
    users = _accounts(db).list()
    if json:
        rows = [
            {"username": r.username, "role": r.role, "created_at": str(r.created_at)}
            for r in users.itertuples()
        ]
        typer.echo(jsonlib.dumps(rows, indent=2))
        return
    if users.empty:
        console.print("no users; add one with `bornite users add NAME --role admin`")
        return
    for row in users.itertuples():
        console.print(f"{row.username:<24} {row.role:<7} since {str(row.created_at)[:10]}")
