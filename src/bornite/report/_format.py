"""Number and label formatting that geologists read at a glance.

Tonnages are printed with three significant digits: engineering style (``6.07e9``) for millions
and more, thousands separators (``12,346``) below; probabilities with three decimals; quantity
names such as ``cu_t`` become ``Cu``.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

__all__ = [
    "format_number",
    "format_probability",
    "format_tonnes",
    "quantity_label",
]

_TONNE_PREFIXES: tuple[tuple[float, str], ...] = ((1e9, "Gt"), (1e6, "Mt"), (1e3, "kt"))
#: Shown for missing values in tables.
MISSING = "–"


def format_number(value: object, digits: int = 3) -> str:
    """Format a number for a table cell.

    Parameters
    ----------
    value : object
        A number (anything else is returned as ``str(value)``).
    digits : int
        Significant digits of non-integer values.

    Returns
    -------
    str
        Integers with thousands separators; floats of magnitude 1e6 and more or below 1e-3 in
        engineering style ``<mantissa>e<exponent>``; floats from 1,000 to 1e6 rounded to whole
        numbers with separators; other floats with ``digits`` significant digits. Missing
        values give ``"–"``.

    Examples
    --------
    >>> [format_number(v) for v in (6.0712e9, 12345.6, 0.51234, 42, 2.5e-5, 0.0, float("nan"))]
    ['6.07e9', '12,346', '0.512', '42', '2.50e-5', '0', '–']
    """
    if value is None or isinstance(value, bool):
        return MISSING if value is None else ("yes" if value else "no")
    if isinstance(value, Integral):
        return f"{int(value):,}"
    if not isinstance(value, Real):
        return str(value)
    x = float(value)
    if math.isnan(x):
        return MISSING
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if x == 0:
        return "0"
    magnitude = abs(x)
    if magnitude >= 1e6 or magnitude < 1e-3:
        mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    if magnitude >= 1000:
        return f"{x:,.0f}"
    text = f"{x:.{digits}g}"
    return f"{x:,.0f}" if "e" in text else text


def format_probability(value: object) -> str:
    """Format a probability with three decimals (``"0.008"``), or ``"–"`` when missing.

    Examples
    --------
    >>> format_probability(0.00812), format_probability(1)
    ('0.008', '1.000')
    """
    if value is None or isinstance(value, bool) or not isinstance(value, Real):
        return MISSING if value is None else str(value)
    x = float(value)
    return MISSING if math.isnan(x) else f"{x:.3f}"


def format_tonnes(value: float, digits: int = 3) -> str:
    """Format a tonnage with a metric prefix: ``"12.3 Mt"``, ``"6.07 Gt"``, ``"850 t"``.

    Examples
    --------
    >>> format_tonnes(1.234e7), format_tonnes(6.07e9), format_tonnes(850.0), format_tonnes(0)
    ('12.3 Mt', '6.07 Gt', '850 t', '0 t')
    """
    x = float(value)
    if not math.isfinite(x):
        return f"{format_number(x)} t"
    for factor, unit in _TONNE_PREFIXES:
        if abs(x) >= factor:
            return f"{_significant(x / factor, digits)} {unit}"
    return f"{_significant(x, digits)} t"


def _significant(x: float, digits: int) -> str:
    """``x`` to ``digits`` significant digits without an exponent (``|x| < 1e6``)."""
    if x == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    return f"{x:,.{decimals}f}"


def quantity_label(quantity: str) -> str:
    """Human name of a simulated quantity: ``"ore_t"`` -> ``"ore"``, ``"cu_t"`` -> ``"Cu"``.

    Examples
    --------
    >>> quantity_label("ore_t"), quantity_label("cu_t"), quantity_label("npv_usd")
    ('ore', 'Cu', 'npv_usd')
    """
    if quantity == "ore_t":
        return "ore"
    if quantity.endswith("_t"):
        return quantity[:-2].capitalize()
    return quantity
