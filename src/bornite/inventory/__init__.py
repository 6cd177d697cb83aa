"""Deposits, resource statements and their roll-ups: pure pandas, no database.

* :mod:`~bornite.inventory.categories` -- reporting codes and the CRIRSCO <-> GB/T 17766-2020
  category map;
* :mod:`~bornite.inventory.tables` -- the deposit and statement tables, checked and made
  canonical;
* :mod:`~bornite.inventory.rollup` -- totals by belt, region, country, type, status or
  category as of a date, additions over a period, and McKelvey boxes of identified and
  undiscovered metal, under one documented rule against double counting.

:mod:`bornite.store` keeps these tables in a database and computes the same roll-ups in SQL.
"""

from bornite.inventory.categories import (
    CATEGORIES,
    CATEGORY_KIND,
    GBT17766_NAMES,
    REPORTING_CODES,
    SCHEMES,
    canonical_category,
    canonical_code,
    category_label,
)
from bornite.inventory.rollup import (
    BASES,
    GROUPS,
    QUANTILES,
    TOTAL,
    UNASSIGNED,
    additions,
    additions_period,
    additions_table,
    counted_statements,
    mckelvey,
    mckelvey_table,
    rollup,
    rollup_table,
    undiscovered_by_group,
)
from bornite.inventory.tables import (
    DEPOSIT_COLUMNS,
    STATEMENT_COLUMNS,
    STATEMENT_KEY,
    STATUSES,
    commodities,
    grade_columns,
    normalise_deposits,
    normalise_statements,
)

__all__ = [
    "BASES",
    "CATEGORIES",
    "CATEGORY_KIND",
    "DEPOSIT_COLUMNS",
    "GBT17766_NAMES",
    "GROUPS",
    "QUANTILES",
    "REPORTING_CODES",
    "SCHEMES",
    "STATEMENT_COLUMNS",
    "STATEMENT_KEY",
    "STATUSES",
    "TOTAL",
    "UNASSIGNED",
    "additions",
    "additions_period",
    "additions_table",
    "canonical_category",
    "canonical_code",
    "category_label",
    "commodities",
    "counted_statements",
    "grade_columns",
    "mckelvey",
    "mckelvey_table",
    "normalise_deposits",
    "normalise_statements",
    "rollup",
    "rollup_table",
    "undiscovered_by_group",
]
