"""Table validators that name the offending rows, so users can fix their data.

Validators return nothing and raise :class:`~bornite.errors.ValidationError` with the
table's name and what is missing; :func:`format_rows` lists offending rows for messages.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from bornite.errors import ValidationError

__all__ = ["format_rows", "require_columns"]


def format_rows(labels: Iterable[object], limit: int = 10) -> str:
    """Format row labels for a message: ``"rows 3, 7, 9"`` or ``"rows 1, 2, ... (25 in all)"``."""
    items = [str(x) for x in labels]
    head = ", ".join(items[:limit])
    more = f", ... ({len(items)} in all)" if len(items) > limit else ""
    return f"row{'s' if len(items) != 1 else ''} {head}{more}"


def require_columns(table: pd.DataFrame, columns: Iterable[str], *, name: str = "table") -> None:
    """Raise if ``table`` lacks any of ``columns``."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        have = ", ".join(map(str, table.columns))
        msg = f"{name}: missing column(s) {', '.join(missing)}; the table has {have}"
        raise ValidationError(msg)
