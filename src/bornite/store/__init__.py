"""Persistence: the inventory and every run in a SQLite file or on a PostgreSQL server.

:class:`Store` imports deposits and statements (one transaction each), keeps edits with who,
when, before and after under a version column, stores :class:`~bornite.workflows.RunRecord`
dictionaries with an assessment's per-trial totals, and computes the roll-ups of
:mod:`bornite.inventory` in SQL. The schema is migrated by Alembic (``bornite db upgrade``).
"""

from bornite.store.accounts import MIN_PASSWORD, ROLES, Accounts, SignedIn
from bornite.store.database import EDITABLE, FILTERS, ImportSummary, Store
from bornite.store.engine import DEFAULT_FILENAME, default_url, resolve_url

__all__ = [
    "DEFAULT_FILENAME",
    "EDITABLE",
    "FILTERS",
    "MIN_PASSWORD",
    "ROLES",
    "Accounts",
    "ImportSummary",
    "SignedIn",
    "Store",
    "default_url",
    "resolve_url",
]
