"""Readers for the files of the USGS Resource Assessment Economic Filter (RAEF).

* :func:`read_raef_parameters` -- a RAEF "Pre-Set Parameters" (batch) file, or the
  ``EF_01_Parameters_<run>.csv`` that RAEF writes, into an
  :class:`~bornite.assessment.economic_filter.EconomicFilterSpec`.
* :func:`read_mapmark4_simulation` -- a MapMark4GUI / RAEF simulated-deposit file
  (``<run>_05_SIM_EF.csv``) into bornite's per-deposit table.

References
----------
Shapiro, J.L., and Robinson, G.R., Jr., 2019, Resource Assessment Economic Filter (RAEF) user
guide: batch input parameters (tables 1 and 2) and the simulation file layout.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from bornite.assessment.economic_filter import EconomicFilterSpec
from bornite.core.validation import format_rows
from bornite.errors import DataFileError, ValidationError
from bornite.io._files import read_text

__all__ = ["read_mapmark4_simulation", "read_raef_parameters"]

#: RAEF's "Mill Type 1" labels (squeezed: lower case, no spaces or dashes) and bornite's mills.
_MILLS = {
    "1productflotation": "1_product",
    "2productflotation": "2_product",
    "3productflotation": "3_product",
    "3productflotation(omitlowestvaluecommodity)": "3_product_omit_lowest",
    "customizemilloptions": "custom",
    "userdefine": "user",
    "none": "none",
}
#: RAEF's per-commodity custom mill labels (squeezed, also without / and _).
_CUSTOM_MILLS = {
    "1product": "1_product",
    "2product": "2_product",
    "3product": "3_product",
    "sxew": "sx_ew",
    "ccd": "ccd",
    "cip": "cip",
    "auheapleach": "au_heap_leach",
    "aufloatroastleach": "au_float_roast_leach",
    "userdefine": "user",
    "none": "none",
}
_FALSE = {"", "na", "none", "0", "false", "no", "nan"}
_TRUE = {"1", "true", "yes", "liner", "tailingspondanddam"}


def _squeeze(text: str, drop: str = r"[\s\-\u2013\u2014]") -> str:
    return re.sub(drop, "", text.strip().lower())


def _parameter_rows(path: Path) -> dict[str, tuple[str, str, int]]:
    """``{squeezed name: (name, value, line)}`` from a RAEF parameter file.

    The file has a header ``,A,B`` then rows ``<n>,<name>,<value>``. RAEF quotes some rows as a
    whole (the ``Mine Method`` row), so a row whose only cell holds commas is parsed again.
    """
    entries: dict[str, tuple[str, str, int]] = {}
    for line, row in enumerate(csv.reader(io.StringIO(read_text(path))), start=1):
        cells = list(row)
        filled = [c for c in cells if c.strip()]
        if len(filled) == 1 and "," in filled[0]:
            cells = next(csv.reader([filled[0]]))
        if len(cells) < 2:
            continue
        name = cells[1].strip()
        value = cells[2].strip() if len(cells) > 2 else ""
        if not name or (line == 1 and name == "A"):
            continue
        entries.setdefault(_squeeze(name, r"\s"), (name, value, line))
    if not entries:
        msg = (
            f"{path}: no parameters found; expected RAEF's layout (a header ',A,B' then rows "
            "'<n>,<name>,<value>', as in EF_01_Parameters_<run>.csv)"
        )
        raise DataFileError(msg)
    return entries


class _Parameters:
    """Typed access to the rows of one parameter file, with messages naming the line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = _parameter_rows(path)

    def text(self, name: str, default: str | None = None) -> str:
        key = _squeeze(name, r"\s")
        if key in self.rows:
            return self.rows[key][1]
        if default is not None:
            return default
        msg = (
            f"{self.path}: no {name!r} row; RAEF parameter files give each parameter as "
            "'<n>,<name>,<value>' (see the RAEF user guide, table 2)"
        )
        raise DataFileError(msg)

    def where(self, name: str) -> str:
        key = _squeeze(name, r"\s")
        return f"line {self.rows[key][2]} ({self.rows[key][0]})" if key in self.rows else name

    def number(self, name: str, default: float | None = None) -> float:
        text = self.text(name, None if default is None else str(default))
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not np.isfinite(value):
            msg = f"{self.path}: {self.where(name)}: expected a number, got {text!r}"
            raise DataFileError(msg)
        return value

    def fail(self, name: str, expected: str) -> DataFileError:
        msg = (
            f"{self.path}: {self.where(name)}: expected {expected}, got {self.text(name, '')!r}; "
            "fix the parameter file"
        )
        return DataFileError(msg)


def _depth_intervals(p: _Parameters) -> list[tuple[float, float, float]]:
    count = p.number("Number of Depth Intervals")
    if count != int(count) or not 1 <= count <= 4:
        raise p.fail("Number of Depth Intervals", "a whole number from 1 to 4")
    return [
        (p.number(f"Min{k}"), p.number(f"Max{k}"), p.number(f"Per{k}"))
        for k in range(1, int(count) + 1)
    ]


def _deposit_type(p: _Parameters) -> str:
    label = _squeeze(p.text("Deposit Type"))
    for keyword, deposit_type in (
        ("massive", "massive"),
        ("flat", "flat_bedded"),
        ("vein", "vein"),
    ):
        if keyword in label:
            return deposit_type
    raise p.fail(
        "Deposit Type",
        "'Flat-bedded/stratiform', 'Ore body massive / disseminated' or 'Vein deposit / steep'",
    )


def _mills(p: _Parameters, commodities: list[str]) -> tuple[str, dict[str, str]]:
    mill = _MILLS.get(_squeeze(p.text("Mill Type 1")))
    if mill is None:
        raise p.fail("Mill Type 1", f"one of RAEF's mill types ({', '.join(_MILLS)}, squeezed)")
    custom: dict[str, str] = {}
    if mill == "custom":
        for k, metal in enumerate(commodities, start=1):
            name = f"Custom_Mill_Option{k}"
            label = _squeeze(p.text(name, ""), r"[\s\-\u2013\u2014/_]")
            if label.startswith("noset") or not label:
                continue
            if label not in _CUSTOM_MILLS:
                raise p.fail(name, f"one of {', '.join(_CUSTOM_MILLS)} (squeezed)")
            custom[metal] = _CUSTOM_MILLS[label]
    return mill, custom


def _flag(p: _Parameters, name: str) -> bool:
    label = _squeeze(p.text(name, ""))
    if label in _FALSE:
        return False
    if label in _TRUE:
        return True
    raise p.fail(name, "'Tailings Pond and Dam' / 'Liner' (or 1), or empty / NA (or 0)")


def read_raef_parameters(path: str | Path) -> EconomicFilterSpec:
    """Read a RAEF Pre-Set Parameters (batch) file into an :class:`EconomicFilterSpec`.

    Parameters
    ----------
    path : str or Path
        CSV with a header ``,A,B`` and rows ``<n>,<name>,<value>`` (RAEF user guide, table 2;
        RAEF writes the same layout as ``EF_01_Parameters_<run>.csv``).

    Returns
    -------
    EconomicFilterSpec
        Depth intervals (``Min<k>``, ``Max<k>``, ``Per<k>``), deposit type, the open-pit depth
        limit parsed from the ``Mine Method`` sentence (61 m when absent), mill
        (``Mill Type 1``; ``Custom_Mill_Option<k>`` for a customised mill, commodity ``k`` being
        the ``k``-th ``CV_`` row), days of operation, tailings pond and liner, ``MSC`` (cost
        index), investment rate of return, capital and operating cost inflation factors, the
        user-defined mill curve, prices (``CV_<X>``) and recoveries (``MRR_<X>``). The tract
        ``Area`` and the file names are not part of the specification.

    Raises
    ------
    DataFileError
        If the file is missing, a row is absent or a value is malformed (naming the line), or
        the values do not make a valid specification.

    Examples
    --------
    >>> import tempfile
    >>> text = "\\n".join([",A,B", "1,Number of Depth Intervals,1", "2,Min1,0", "3,Max1,500",
    ...     "4,Per1,1", "5,Deposit Type,Ore body massive / disseminated",
    ...     "6,Mill Type 1 ,3 - Product Flotation", "7,Days of Operation,350",
    ...     "8,Environment Choice 1 ,Tailings Pond and Dam", "9,Liner?,Liner", "10,MSC,1.26",
    ...     "11,Investment Rate of Return,0.15", "12,Cap Cost Inflation Factor,1",
    ...     "13,Operating Cost Inflation Factor,1", "14,CV_Cu,3813.958", "15,MRR_Cu,0.91"])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     file = Path(folder) / "preset.csv"
    ...     _ = file.write_text(text)
    ...     spec = read_raef_parameters(file)
    >>> spec.mill, spec.depth_intervals, spec.recoveries["cu"]
    ('3_product', ((0.0, 500.0, 1.0),), 0.91)
    """
    path = Path(path)
    p = _Parameters(path)
    depth_intervals = tuple(_depth_intervals(p))
    deposit_type = _deposit_type(p)
    prices: dict[str, float] = {}
    recoveries: dict[str, float] = {}
    for key, (name, _value, _line) in p.rows.items():
        match = re.fullmatch(r"(cv|mrr)_([a-z][a-z0-9]*)", key)
        if match:
            (prices if match[1] == "cv" else recoveries)[match[2]] = p.number(name)
    mill, custom = _mills(p, list(prices))
    threshold = re.search(r"depth\s*<\s*(\d+(?:\.\d+)?)", p.text("Mine Method", ""), re.I)
    user_mill_cost = None
    if mill == "user" or "user" in custom.values():
        user_mill_cost = (
            p.number("User Define: Mill Capital Cost Constant"),
            p.number("User Define: Mill Capital Cost Power log"),
            p.number("User Define: Mill Operating Cost Constant"),
            p.number("User Define: Mill Operating Cost Power log"),
        )
    days = p.number("Days of Operation")
    if days != int(days):
        raise p.fail("Days of Operation", "a whole number of days (RAEF: 350 or 260)")
    try:
        return EconomicFilterSpec(
            depth_intervals=depth_intervals,
            deposit_type=deposit_type,
            open_pit_max_depth_m=float(threshold[1]) if threshold else 61.0,
            mill=mill,
            commodity_mills=custom,
            user_mill_cost=user_mill_cost,
            days_per_year=int(days),
            tailings_pond=_flag(p, "Environment Choice 1"),
            liner=_flag(p, "Liner?"),
            investment_rate=p.number("Investment Rate of Return"),
            cost_index=p.number("MSC"),
            capital_cost_factor=p.number("Cap Cost Inflation Factor", 1.0),
            operating_cost_factor=p.number("Operating Cost Inflation Factor", 1.0),
            prices=prices,
            recoveries=recoveries,
            price_source=f"RAEF parameter file {path.name} (CV_ rows, dollars per metric ton)",
        )
    except ValidationError as error:
        msg = f"{path}: the parameters do not make a valid economic filter: {error}"
        raise DataFileError(msg) from error


# ============================================================================ simulations
_SIM_COLUMNS = {
    "simulation.index": "trial",
    "number.of.deposits": "n_deposits",
    "sim.deposit.index": "deposit",
    "ore_mt": "ore_t",
}


def read_mapmark4_simulation(path: str | Path) -> tuple[pd.DataFrame, int]:
    """Read a MapMark4GUI / RAEF simulated-deposit file (``*_SIM_EF.csv``).

    Parameters
    ----------
    path : str or Path
        CSV with a row-number column, ``Simulation.Index``, ``Number.of.Deposits``,
        ``Sim.Deposit.Index``, ``Ore_mT`` (metric tonnes), grade columns ``<X> _pct`` (percent),
        ``gangue`` and contained metal ``<X> _MetricTons``. Trials without deposits are one row
        with ``Number.of.Deposits`` 0 and ``NA`` elsewhere.

    Returns
    -------
    deposits : pandas.DataFrame
        bornite's per-deposit table: ``trial``, ``n_deposits``, ``deposit`` (1-based),
        ``ore_t``, ``<metal>_pct`` and ``<metal>_t`` (metals as lower-case symbols); rows of
        trials without deposits are dropped. ``attrs["source"]`` is the path.
    n_trials : int
        Number of trials in the file, those without deposits included.

    Raises
    ------
    DataFileError
        If the file is missing or unreadable, lacks a column, or a deposit row has a missing,
        non-positive tonnage or a bad grade (naming the file lines), or a trial's rows do not
        match its number of deposits.

    Examples
    --------
    >>> import tempfile
    >>> text = "\\n".join([",Simulation.Index,Number.of.Deposits,Sim.Deposit.Index,Ore_mT,"
    ...     "Cu _pct,gangue,Cu _MetricTons", "1,1,1,1,1e8,0.5,99.5,5e5",
    ...     "2,2,0,NA,NA,NA,NA,NA", "3,3,1,1,2e7,0.4,99.6,8e4"])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     file = Path(folder) / "run_05_SIM_EF.csv"
    ...     _ = file.write_text(text)
    ...     deposits, n_trials = read_mapmark4_simulation(file)
    >>> n_trials, deposits.columns.tolist(), deposits["trial"].tolist()
    (3, ['trial', 'n_deposits', 'deposit', 'ore_t', 'cu_pct', 'cu_t'], [1, 3])
    """
    path = Path(path)
    text = read_text(path)
    try:
        raw = pd.read_csv(io.StringIO(text))
    except (ValueError, pd.errors.ParserError) as error:
        msg = f"{path}: cannot read the table ({error}); check that it is a valid CSV file"
        raise DataFileError(msg) from error
    names = {str(c): re.sub(r"\s+", "", str(c)).lower() for c in raw.columns}
    table = raw.rename(columns=names)
    missing = [source for source in _SIM_COLUMNS if source not in table.columns]
    if missing:
        msg = (
            f"{path}: missing column(s) {', '.join(missing)}; a MapMark4 *_SIM_EF.csv has "
            "Simulation.Index, Number.of.Deposits, Sim.Deposit.Index, Ore_mT, <X> _pct and "
            f"<X> _MetricTons (the file has {', '.join(map(str, raw.columns))})"
        )
        raise DataFileError(msg)
    grades = [m[1] for c in table.columns if (m := re.fullmatch(r"([a-z][a-z0-9]*)_pct", c))]
    if not grades:
        msg = f"{path}: no grade column (<X> _pct); the economic filter needs grades in percent"
        raise DataFileError(msg)
    numeric = {
        c: pd.to_numeric(table[c], errors="coerce").to_numpy(dtype=float)
        for c in [*_SIM_COLUMNS, *(f"{m}_pct" for m in grades)]
    }
    lines = table.index.to_numpy() + 2  # header is line 1

    trials = numeric["simulation.index"]
    counts = numeric["number.of.deposits"]
    bad = lines[
        ~(
            np.isfinite(trials)
            & (trials >= 1)
            & (trials == np.round(trials))
            & np.isfinite(counts)
            & (counts >= 0)
            & (counts == np.round(counts))
        )
    ]
    if bad.size:
        msg = (
            f"{path}: Simulation.Index must be a whole number >= 1 and Number.of.Deposits a "
            f"whole number >= 0, but are not on {_lines(bad)}; fix those lines"
        )
        raise DataFileError(msg)
    unique = np.unique(trials)
    n_trials = int(unique.size)
    if unique[-1] != n_trials:
        msg = (
            f"{path}: Simulation.Index should run 1..{n_trials} over the {n_trials} trials in the "
            f"file but reaches {unique[-1]:g}; include the trials without deposits (one row "
            "with Number.of.Deposits 0)"
        )
        raise DataFileError(msg)

    keep = counts > 0
    checks = {
        "sim.deposit.index": (1.0, np.inf),
        "ore_mt": (0.0, np.inf),
        **{f"{m}_pct": (0.0, 100.0) for m in grades},
    }
    for column, (low, high) in checks.items():
        values = numeric[column][keep]
        ok = np.isfinite(values) & (values >= low) & (values <= high)
        if column == "ore_mt":
            ok &= values > 0
        if not ok.all():
            where = lines[keep][~ok]
            original = next(c for c, n in names.items() if n == column)
            msg = (
                f"{path}: column {original!r} is missing or out of range [{low:g}, {high:g}] on "
                f"{_lines(where)} (deposit rows); fix or remove those deposits"
            )
            raise DataFileError(msg)

    deposits = pd.DataFrame(
        {
            "trial": trials[keep].astype(np.int64),
            "n_deposits": counts[keep].astype(np.int64),
            "deposit": numeric["sim.deposit.index"][keep].astype(np.int64),
            "ore_t": numeric["ore_mt"][keep],
            **{f"{m}_pct": numeric[f"{m}_pct"][keep] for m in grades},
        }
    )
    for metal in grades:
        column = f"{metal}_metrictons"
        if column in table.columns:
            deposits[f"{metal}_t"] = pd.to_numeric(table[column], errors="coerce").to_numpy(
                dtype=float
            )[keep]
        else:
            deposits[f"{metal}_t"] = deposits["ore_t"] * deposits[f"{metal}_pct"] / 100.0
    rows_per_trial = deposits.groupby("trial")["n_deposits"].agg(["size", "first"])
    wrong = rows_per_trial.index[rows_per_trial["size"] != rows_per_trial["first"]]
    if len(wrong):
        msg = (
            f"{path}: the number of deposit rows differs from Number.of.Deposits in trial(s) "
            f"{', '.join(map(str, wrong[:10]))}; the file may be truncated or edited"
        )
        raise DataFileError(msg)
    deposits.attrs["source"] = str(path)
    return deposits, n_trials


def _lines(lines: npt.NDArray[np.int64]) -> str:
    return format_rows(lines.tolist()).replace("row", "line", 1)
