"""Units of tonnage and grade, and the column-naming convention that carries them.

bornite computes in tonnes and in mass fractions; units are converted at the edges.
Grade columns in tables are named ``<element>_<unit>`` with the unit token one of
``pct`` (%), ``gt`` (g/t), ``ppm`` or ``ppb``; metal tonnage columns are ``<element>_t``
and ore tonnage is ``ore_t``. See ``docs/conventions.md``.

Examples
--------
>>> to_mass_fraction(0.44, "%")
0.0044
>>> float(from_mass_fraction(to_mass_fraction(0.65, "g/t"), "ppm"))
0.65
>>> parse_grade_column("au_gt")
('au', 'g/t')
>>> tonnes(241, "Mt")
241000000.0
"""

from __future__ import annotations

import re
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from bornite.errors import UnitError

__all__ = [
    "GRADE_UNITS",
    "TONNAGE_UNITS",
    "from_mass_fraction",
    "grade_column",
    "is_grade_column",
    "parse_grade_column",
    "to_mass_fraction",
    "tonnes",
]

#: Mass fraction represented by one unit of each grade unit.
GRADE_UNITS: dict[str, float] = {
    "fraction": 1.0,
    "%": 1e-2,
    "g/t": 1e-6,
    "ppm": 1e-6,
    "ppb": 1e-9,
}
#: Tonnes represented by one unit of each tonnage unit.
TONNAGE_UNITS: dict[str, float] = {"t": 1.0, "kt": 1e3, "Mt": 1e6, "Gt": 1e9}

_ALIASES = {
    "percent": "%",
    "pct": "%",
    "wt%": "%",
    "gpt": "g/t",
    "gt": "g/t",
    "g/tonne": "g/t",
    "mt": "Mt",
    "tonnes": "t",
    "tonne": "t",
    "tons": "t",
}
_TOKENS = {"%": "pct", "g/t": "gt", "ppm": "ppm", "ppb": "ppb"}
_COLUMN = re.compile(r"^(?P<element>[a-z][a-z0-9]*)_(?P<token>pct|gt|ppm|ppb)$")

ArrayOrFloat = TypeVar("ArrayOrFloat", float, npt.NDArray[np.float64])


def _canonical(unit: str, table: dict[str, float], kind: str) -> str:
    if unit in table:
        return unit
    alias = _ALIASES.get(unit.strip().lower(), _ALIASES.get(unit.strip(), unit.strip()))
    if alias in table:
        return alias
    known = ", ".join(table)
    msg = f"unknown {kind} unit {unit!r}; use one of {known}"
    raise UnitError(msg)


def to_mass_fraction(values: ArrayOrFloat, unit: str) -> ArrayOrFloat:
    """Convert grades in ``unit`` to mass fractions (0..1)."""
    return values * GRADE_UNITS[_canonical(unit, GRADE_UNITS, "grade")]


def from_mass_fraction(values: ArrayOrFloat, unit: str) -> ArrayOrFloat:
    """Convert mass fractions (0..1) to grades in ``unit``."""
    return values / GRADE_UNITS[_canonical(unit, GRADE_UNITS, "grade")]


def tonnes(values: ArrayOrFloat, unit: str) -> ArrayOrFloat:
    """Convert a tonnage in ``unit`` (t, kt, Mt, Gt) to tonnes."""
    return values * TONNAGE_UNITS[_canonical(unit, TONNAGE_UNITS, "tonnage")]


def grade_column(element: str, unit: str) -> str:
    """Name the grade column of ``element`` in ``unit``: ``grade_column("Cu", "%") == "cu_pct"``."""
    canonical = _canonical(unit, GRADE_UNITS, "grade")
    if canonical == "fraction":
        msg = "grade columns carry %, g/t, ppm or ppb, not bare fractions"
        raise UnitError(msg)
    return f"{element.strip().lower()}_{_TOKENS[canonical]}"


def is_grade_column(name: str) -> bool:
    """Whether ``name`` follows the grade-column convention (``cu_pct``, ``au_gt``, ...)."""
    return _COLUMN.match(name) is not None


def parse_grade_column(name: str) -> tuple[str, str]:
    """Split a grade column name into ``(element, unit)``; raise if it breaks the convention."""
    match = _COLUMN.match(name)
    if match is None:
        msg = (
            f"column {name!r} is not a grade column; name grade columns <element>_<unit> "
            "with unit pct, gt, ppm or ppb, e.g. cu_pct or au_gt"
        )
        raise UnitError(msg)
    token = match["token"]
    unit = next(u for u, t in _TOKENS.items() if t == token)
    return match["element"], unit
