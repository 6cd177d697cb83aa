"""Table validators that name the offending rows, so users can fix their data.

Each validator returns nothing and raises :class:`~bornite.errors.ValidationError`
(or the subclass given) with the table's name, the column and up to ten row labels.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from bornite.errors import ValidationError

__all__ = ["format_rows", "require_columns", "require_finite", "require_positive"]


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


def require_finite(
    table: pd.DataFrame,
    columns: Iterable[str],
    *,
    name: str = "table",
    error: type[ValidationError] = ValidationError,
    hint: str = "fill or remove those rows",
) -> None:
    """Raise if any of ``columns`` holds a missing or non-numeric value."""
    for column in columns:
        values = pd.to_numeric(table[column], errors="coerce")
        bad = table.index[~np.isfinite(values.to_numpy(dtype=float))]
        if len(bad):
            msg = (
                f"{name}: column {column!r} is missing or not numeric in {format_rows(bad)}; {hint}"
            )
            raise error(msg)


def require_positive(
    table: pd.DataFrame,
    columns: Iterable[str],
    *,
    name: str = "table",
    error: type[ValidationError] = ValidationError,
    hint: str = "fix or remove those rows",
) -> None:
    """Raise if any of ``columns`` holds a value <= 0 (missing values count as bad)."""
    for column in columns:
        values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
        bad = table.index[~(values > 0)]
        if len(bad):
            msg = f"{name}: column {column!r} must be > 0, but is not in {format_rows(bad)}; {hint}"
            raise error(msg)
