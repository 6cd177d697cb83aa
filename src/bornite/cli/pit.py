"""``bornite pit``: Ultimate pit and nested shells."""

from __future__ import annotations

import typer

__all__ = ["pit_app"]

pit_app = typer.Typer(help="Ultimate pit and nested shells.", no_args_is_help=True)
