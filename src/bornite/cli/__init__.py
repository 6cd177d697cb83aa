"""The ``bornite`` command line: thin commands over :mod:`bornite.workflows`."""

from bornite.cli._app import app
from bornite.cli.assess import assess_app
from bornite.cli.db import db_app
from bornite.cli.demo import demo_command
from bornite.cli.drillholes import drillholes_app
from bornite.cli.estimate import estimate_command
from bornite.cli.inventory import inventory_app
from bornite.cli.pit import pit_app
from bornite.cli.prospect import prospect_app
from bornite.cli.web import serve_command, users_app

app.add_typer(assess_app, name="assess")
app.add_typer(db_app, name="db")
app.add_typer(drillholes_app, name="drillholes")
app.add_typer(inventory_app, name="inventory")
app.add_typer(pit_app, name="pit")
app.add_typer(prospect_app, name="prospect")
app.add_typer(users_app, name="users")
app.command("demo")(demo_command)
app.command("estimate")(estimate_command)
app.command("serve")(serve_command)

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``bornite`` console script."""
    app()
