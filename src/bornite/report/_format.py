"""Number and label formatting that geologists read at a glance, one style for every face.

Quantities carry units: tonnes with a metric prefix (``12.3 Mt``), grades in their unit
(``0.44 %``, ``0.35 g/t``), money in millions of dollars, areas in km², probabilities with
three decimals, fractions as percentages. Tables choose one unit per column (``ore (Mt)``)
and one number of decimals per column, so a column reads down; a value below a billionth of
its column's largest is shown as ``0`` (a fitted nugget of ``2.6e-17`` is zero). The CLI and
the HTML report both format through here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "UNIT_LABELS",
    "column_label",
    "format_number",
    "format_probability",
    "format_quantity",
    "format_table",
    "format_tonnes",
    "quantity_label",
    "unit_of",
]

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
    return format_quantity(x, "t", digits)


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


#: How each unit is written after a number.
UNIT_LABELS = {
    "%": "%",
    "g/t": "g/t",
    "ppm": "ppm",
    "ppb": "ppb",
    "km2": "km²",
    "m": "m",
    "m3": "m³",
    "t/m3": "t/m³",
    "deg": "°",
    "s": "s",
    "count": "",
    "probability": "",
    "fraction": "%",
    "": "",
}
_SCALED = {
    "t": ((1e9, "Gt"), (1e6, "Mt"), (1e3, "kt"), (1.0, "t")),
    "USD": ((1e6, "M USD"), (1e3, "k USD"), (1.0, "USD")),
}
_GRADE_SUFFIXES = {"_pct": "%", "_gt": "g/t", "_ppm": "ppm", "_ppb": "ppb"}
_PROBABILITY_NAMES = frozenset(
    {"p0", "p_gt_mean", "probability", "exceedance", "ks_statistic", "ks_pvalue", "posterior"}
)


def unit_of(column: str, attrs: Mapping[str, Any] | None = None) -> str:
    """The unit of a table column, from ``attrs["units"]`` or bornite's column names.

    ``<x>_t`` and ``tonnes`` are tonnes, ``<x>_usd`` dollars, ``<x>_pct`` / ``_gt`` /
    ``_ppm`` / ``_ppb`` grades, ``<x>_km2`` km², ``<x>_m`` metres, ``<x>_deg`` degrees,
    ``<x>_fraction`` fractions (shown as %), ``<x>_pct`` of areas percentages, ``p0`` and
    ``P(...)`` probabilities; ``grade`` takes ``attrs["grade_unit"]``.

    Examples
    --------
    >>> [unit_of(c) for c in ("ore_t", "cu_pct", "area_km2", "value_usd", "p0", "name")]
    ['t', '%', 'km2', 'USD', 'probability', '']
    """
    attrs = attrs or {}
    units = attrs.get("units") or {}
    if column in units:
        return str(units[column])
    name = column.lower()
    if name == "grade":
        return str(attrs.get("grade_unit", ""))
    if name in _PROBABILITY_NAMES or column.startswith("P("):
        return "probability"
    if name.endswith("_t") or name in {"tonnes", "ore", "metal"}:
        return "t"
    if name.endswith("_usd"):
        return "USD"
    for suffix, unit in _GRADE_SUFFIXES.items():
        if name.endswith(suffix):
            return unit
    if name.endswith("_km2"):
        return "km2"
    if name.endswith("_fraction") or name == "fraction":
        return "fraction"
    if name.endswith("_deg"):
        return "deg"
    if name.endswith("_m"):
        return "m"
    return ""


def _finite(value: Any) -> float | None:
    if value is None or isinstance(value, bool | str) or not isinstance(value, Real):
        return None
    x = float(value)
    return x if math.isfinite(x) else None


def format_quantity(value: object, unit: str = "", digits: int = 3) -> str:
    """A value with its unit, to ``digits`` significant digits, without exponents.

    Examples
    --------
    >>> format_quantity(1.234e7, "t"), format_quantity(12586e6, "USD")
    ('12.3 Mt', '12,586 M USD')
    >>> format_quantity(0.4412, "%"), format_quantity(4642.3, "km2")
    ('0.441 %', '4,642 km²')
    >>> format_quantity(0.852, ""), format_quantity(0.0081, "probability")
    ('0.852', '0.008')
    >>> format_quantity(0.8, "fraction"), format_quantity(5234, "count")
    ('80.0 %', '5,234')
    """
    if value is None or isinstance(value, str | bool):
        return (
            MISSING
            if value is None
            else (("yes" if value else "no") if isinstance(value, bool) else value)
        )
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Integral) and unit not in _SCALED and unit != "fraction":
        label = UNIT_LABELS.get(unit, unit)
        return f"{int(value):,}" + (f" {label}" if label else "")
    x = _finite(value)
    if x is None:
        return format_number(value)
    if unit == "probability":
        return format_probability(x)
    if unit == "fraction":
        return f"{100 * x:.1f} %"
    if unit in _SCALED:
        factor, label = next(
            ((f, lab) for f, lab in _SCALED[unit] if abs(x) >= f), _SCALED[unit][-1]
        )
        return f"{_significant(x / factor, digits)} {label}"
    label = UNIT_LABELS.get(unit, unit)
    text = _plain(x, digits)
    return f"{text} {label}" if label else text


def _plain(x: float, digits: int) -> str:
    """``x`` to ``digits`` significant digits, with separators and no exponent above 1e-4."""
    if x == 0:
        return "0"
    if abs(x) < 1e-4:
        mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    return _significant(x, digits)


def column_label(column: str, unit: str, unit_label: str) -> str:
    """A column header with its unit: ``ore_t`` in Mt is ``ore (Mt)``, ``cu_pct`` is
    ``Cu (%)``.

    Examples
    --------
    >>> column_label("ore_t", "t", "Mt"), column_label("cu_pct", "%", "%")
    ('ore (Mt)', 'Cu (%)')
    >>> column_label("area_fraction", "fraction", "%"), column_label("auc", "", "")
    ('area (%)', 'auc')
    """
    name = column
    suffixes = {
        "t": "_t",
        "USD": "_usd",
        "km2": "_km2",
        "fraction": "_fraction",
        "m": "_m",
        "deg": "_deg",
    }
    suffixes.update({u: s for s, u in _GRADE_SUFFIXES.items()})
    suffix = suffixes.get(unit)
    if suffix and name.lower().endswith(suffix) and len(name) > len(suffix):
        name = name[: -len(suffix)]
        if len(name) <= 2:  # an element symbol: cu_t is Cu
            name = name.capitalize()
    if not unit_label:
        return name
    return f"{name} ({unit_label})"


def _scale(values: Sequence[Any], unit: str) -> tuple[str, float, int, float]:
    """Unit label, divisor, decimals and peak for a run of values sharing one unit: tonnes
    and dollars scaled to the largest value, four significant digits on it (three for units
    that are not scaled)."""
    finite = [x for x in (_finite(v) for v in values) if x is not None]
    peak = max((abs(x) for x in finite), default=0.0)
    factor, label = 1.0, UNIT_LABELS.get(unit, unit)
    if unit in _SCALED:
        factor, label = next(((f, lab) for f, lab in _SCALED[unit] if peak >= f), _SCALED[unit][-1])
    if unit == "fraction":
        factor = 0.01
    if unit == "probability":
        return label, factor, 3, peak
    top = peak / factor
    lead = math.floor(math.log10(top)) if top > 0 else 0
    decimals = min(6, max(0, (3 if unit in _SCALED else 2) - lead))
    # No more decimals than the values need: cutoffs 0.2, 0.3 are not 0.200, 0.300.
    scaled = [x / factor for x in finite]
    while decimals > 0 and all(
        abs(x * 10 ** (decimals - 1) - round(x * 10 ** (decimals - 1))) < 1e-9 for x in scaled
    ):
        decimals -= 1
    return label, factor, decimals, peak


def _cell(value: Any, factor: float, decimals: int, peak: float) -> str:
    x = _finite(value)
    if x is None:
        if value is None:
            return MISSING
        return format_number(value) if isinstance(value, Real) else str(value)
    if abs(x) <= 1e-9 * peak:
        x = 0.0
    return f"{x / factor:,.{decimals}f}"


def _column(values: Sequence[Any], unit: str) -> tuple[str, list[str]]:
    """The unit label of a column and its cells (one scale and one precision per column)."""
    integral = all(isinstance(v, Integral | np.integer) or v is None for v in values)
    if integral and unit not in _SCALED and unit != "fraction":
        return UNIT_LABELS.get(unit, unit), [
            MISSING if v is None else f"{int(v):,}" for v in values
        ]
    label, factor, decimals, peak = _scale(values, unit)
    return label, [_cell(v, factor, decimals, peak) for v in values]


def format_table(
    frame: pd.DataFrame, *, units: Mapping[str, str] | None = None
) -> tuple[list[str], list[list[str]]]:
    """Headers (with units) and formatted cells of a table.

    Each numeric column gets one unit (tonnes and dollars scaled to the column's largest
    value) and one number of decimals; text columns are left as they are. In a summary with a
    ``quantity`` column (one quantity per row: ``ore_t``, ``cu_t``), the columns without a
    unit of their own take the row's unit, scaled to the row, and a ``unit`` column follows
    ``quantity``.

    Examples
    --------
    >>> table = pd.DataFrame({"class": ["a", "b"], "ore_t": [9.754e8, 2.231e8],
    ...                       "cu_pct": [0.359, 0.689], "nugget": [2.6e-17, 0.12]})
    >>> headers, rows = format_table(table)
    >>> headers
    ['class', 'ore (Mt)', 'Cu (%)', 'nugget']
    >>> rows
    [['a', '975.4', '0.359', '0.00'], ['b', '223.1', '0.689', '0.12']]
    """
    merged = {**(frame.attrs.get("units") or {}), **(units or {})}
    attrs: dict[str, Any] = {**{str(k): v for k, v in frame.attrs.items()}, "units": merged}
    by_row = None
    if "quantity" in frame.columns:
        # A summary with one quantity per row (ore_t, cu_t, ...): the unit is the row's, and
        # so is the scale of the columns without a unit of their own.
        free = [
            c
            for c in frame.columns
            if c != "quantity"
            and unit_of(str(c), attrs) == ""
            and pd.api.types.is_numeric_dtype(frame[c])
        ]
        by_row = [
            _scale([frame[c].iat[k] for c in free], unit_of(str(q)))
            for k, q in enumerate(frame["quantity"])
        ]
    headers: list[str] = []
    columns: list[list[str]] = []
    for column in frame.columns:
        name = (
            " ".join(str(p) for p in column if str(p)) if isinstance(column, tuple) else str(column)
        )
        series = frame[column]
        values = [
            None if _missing(v) else (v.item() if isinstance(v, np.generic) else v) for v in series
        ]
        if pd.api.types.is_bool_dtype(series) or not any(
            isinstance(v, Real) and not isinstance(v, bool) for v in values
        ):
            headers.append(name)
            columns.append(
                [
                    format_quantity(v)
                    if isinstance(v, bool)
                    else (MISSING if v is None else str(v))
                    for v in values
                ]
            )
            continue
        unit = unit_of(name, attrs)
        if by_row is not None and unit == "":
            headers.append(name)
            columns.append([_cell(v, *by_row[k][1:]) for k, v in enumerate(values)])
            continue
        label, cells = _column(values, unit)
        headers.append(column_label(name, unit, label))
        columns.append(cells)
    if by_row is not None:
        at = headers.index("quantity") + 1
        headers.insert(at, "unit")
        columns.insert(at, [label for label, *_ in by_row])
    rows = [list(row) for row in zip(*columns, strict=True)] if columns else []
    return headers, rows


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
