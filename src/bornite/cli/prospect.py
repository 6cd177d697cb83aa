"""``bornite prospect``: Regional prospectivity."""

from __future__ import annotations

import typer

__all__ = ["prospect_app"]

prospect_app = typer.Typer(help="Regional prospectivity.", no_args_is_help=True)
