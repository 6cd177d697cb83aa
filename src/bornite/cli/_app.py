"""The root ``bornite`` command: global options and logging."""

from __future__ import annotations

import importlib.metadata
import logging
import platform
from typing import Annotated

import typer
from rich.logging import RichHandler

from bornite._version import __version__
from bornite.cli._common import console, err_console, state

__all__ = ["app"]

app = typer.Typer(
    name="bornite",
    help="Open, reproducible copper resource assessment.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_VERSIONED = [
    "numpy",
    "scipy",
    "pandas",
    "matplotlib",
    "jinja2",
    "typer",
    "rich",
    "pyarrow",
    "openpyxl",
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"bornite {__version__}")
        raise typer.Exit


def _show_versions(value: bool) -> None:
    if value:
        console.print(f"bornite     {__version__}")
        console.print(f"python      {platform.python_version()} ({platform.platform()})")
        for name in _VERSIONED:
            try:
                version = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                version = "not installed"
            console.print(f"{name:<11} {version}")
        raise typer.Exit


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    show_versions: Annotated[
        bool,
        typer.Option(
            "--show-versions",
            callback=_show_versions,
            is_eager=True,
            help="Print versions of bornite and its dependencies and exit.",
        ),
    ] = False,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log output (-vv for debug).")
    ] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors.")] = False,
) -> None:
    """bornite: how much copper a deposit holds, how much more a region may hold."""
    level = (
        logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    )
    handler = RichHandler(console=err_console, show_path=False, show_time=False)
    package_logger = logging.getLogger("bornite")
    package_logger.handlers = [h for h in package_logger.handlers if not isinstance(h, RichHandler)]
    package_logger.addHandler(handler)
    package_logger.setLevel(level)
    console.quiet = quiet
    state["quiet"] = quiet
