"""``bornite users`` and ``bornite serve``: accounts from the command line, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bornite.cli import app

pytest.importorskip("argon2", reason="accounts need the web extra (pip install bornite[web])")

runner = CliRunner()


def _db(tmp_path: Path) -> str:
    db = str(tmp_path / "web.sqlite")
    assert runner.invoke(app, ["db", "init", "--db", db]).exit_code == 0
    return db


def test_users_add_list_remove(tmp_path: Path) -> None:
    db = _db(tmp_path)
    added = runner.invoke(
        app,
        ["users", "add", "ana", "--role", "editor", "--password-stdin", "--db", db],
        input="a long enough password\n",
    )
    assert added.exit_code == 0, added.output
    assert "ana may sign in as editor" in added.output
    listed = json.loads(runner.invoke(app, ["users", "list", "--json", "--db", db]).output)
    assert [(u["username"], u["role"]) for u in listed] == [("ana", "editor")]
    assert "ana" in runner.invoke(app, ["users", "list", "--db", db]).output
    removed = runner.invoke(app, ["users", "remove", "ana", "--db", db])
    assert removed.exit_code == 0
    assert "no users" in runner.invoke(app, ["users", "list", "--db", db]).output


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (
            ["users", "add", "ana", "--role", "owner", "--password-stdin"],
            "long enough pw",
            "unknown role",
        ),
        (["users", "add", "ana", "--password-stdin"], "short", "too short"),
        (["users", "add", "ana", "--password-stdin"], "", "no password"),
        (["users", "remove", "ghost"], "", "no user 'ghost'"),
    ],
)
def test_user_errors_are_one_line(
    tmp_path: Path, args: list[str], password: str, message: str
) -> None:
    db = _db(tmp_path)
    result = runner.invoke(app, [*args, "--db", db], input=password + "\n")
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_serve_defaults_to_the_loopback_address_and_checks_the_database(tmp_path: Path) -> None:
    help_text = runner.invoke(app, ["serve", "--help"]).output
    assert "127.0.0.1" in help_text
    missing = runner.invoke(app, ["serve", "--db", str(tmp_path / "none.sqlite")])
    assert missing.exit_code == 1
    assert "bornite db init" in missing.output
    bad = runner.invoke(
        app, ["serve", "--db", _db(tmp_path), "--basemap-bounds", "1", "0", "0", "1"]
    )
    assert bad.exit_code == 1
    assert "basemap" in bad.output
