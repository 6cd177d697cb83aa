"""Roll-ups of resource statements: totals by group, additions over a period, McKelvey boxes.

These are the reference computations on DataFrames; :mod:`bornite.store` computes the same
figures in SQL on the database and its tests hold the two equal.

The counting rule
-----------------
A roll-up *as of* a date counts, for every deposit, its **current report** of each kind: of
its resource reports (and, separately, of its reserve reports) effective on or before the
date, the latest; every earlier report is superseded. Then, by ``basis``:

* ``identified`` (default): the current resources, plus the current reserves of deposits
  whose current resources are *exclusive* of reserves (or that have no resource report).
  Resources inclusive of reserves already contain them, so adding the reserves would count
  the same ore twice.
* ``resources``: the current resource statements only.
* ``reserves``: the current reserve statements only.

A statement counts towards a commodity when it has that commodity's metal (``cu_t``). Ore
tonnes add up only over statements that give them (a compilation may give metal only).
Deposit attributes (belt, status, ...) are their present values, not as of the date.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Final

import numpy as np
import pandas as pd

from bornite.assessment.simulation import summarize_totals
from bornite.errors import InventoryError
from bornite.inventory.categories import CATEGORIES, category_label

__all__ = [
    "BASES",
    "GROUPS",
    "QUANTILES",
    "TOTAL",
    "UNASSIGNED",
    "additions",
    "additions_period",
    "additions_table",
    "counted_statements",
    "mckelvey",
    "mckelvey_table",
    "rollup",
    "rollup_table",
    "undiscovered_by_group",
]

#: What ``by`` may name, and the column it groups on.
GROUPS: Final[dict[str, str]] = {
    "belt": "belt",
    "region": "region",
    "country": "country",
    "type": "deposit_type",
    "status": "status",
    "category": "category",
    "code": "code",
    "deposit": "deposit_id",
}
#: The counting bases of the module notes.
BASES: Final[tuple[str, ...]] = ("identified", "resources", "reserves")
#: Quantiles of undiscovered totals in a McKelvey box (lower quantiles: q90 has a 10 %
#: chance of being exceeded), as in the assessment's summaries.
QUANTILES: Final[tuple[str, ...]] = ("q10", "q50", "q90")
#: The group given to deposits without a value of the grouping attribute.
UNASSIGNED: Final[str] = "(unassigned)"
#: The label of the total row.
TOTAL: Final[str] = "total"
ROLLUP_COLUMNS: Final[tuple[str, ...]] = ("group", "deposits", "ore_t", "metal_t", "share")


def _as_of(value: str | pd.Timestamp | None) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        return pd.Timestamp(value).normalize()
    except ValueError:
        msg = f"as-of date {value!r} is not a date; write YYYY-MM-DD"
        raise InventoryError(msg) from None


def counted_statements(
    statements: pd.DataFrame,
    *,
    as_of: str | pd.Timestamp | None = None,
    basis: str = "identified",
) -> pd.DataFrame:
    """The statements a roll-up counts as of a date, by the rule of the module notes.

    Parameters
    ----------
    statements : pandas.DataFrame
        Canonical statements (:func:`~bornite.inventory.normalise_statements`).
    as_of : date, optional
        Count reports effective on or before this date (default: all).
    basis : {"identified", "resources", "reserves"}

    Returns
    -------
    pandas.DataFrame
        The counted rows of ``statements``.
    """
    if basis not in BASES:
        msg = f"unknown basis {basis!r}; use {', '.join(BASES)}"
        raise InventoryError(msg)
    date = _as_of(as_of)
    frame = statements if date is None else statements[statements["effective_date"] <= date]
    latest = frame.groupby(["deposit_id", "kind"])["effective_date"].transform("max")
    current = frame[frame["effective_date"] == latest]
    resources = current[current["kind"] == "resource"]
    reserves = current[current["kind"] == "reserve"]
    if basis == "resources":
        return resources
    if basis == "reserves":
        return reserves
    inclusive = resources.loc[resources["inclusive_of_reserves"], "deposit_id"].unique()
    return pd.concat([resources, reserves[~reserves["deposit_id"].isin(inclusive)]])


def _grouped(
    counted: pd.DataFrame,
    deposits: pd.DataFrame | None,
    by: str,
    scheme: str,
) -> pd.Series:
    if by not in GROUPS:
        msg = f"cannot roll up by {by!r}; use one of {', '.join(GROUPS)}"
        raise InventoryError(msg)
    column = GROUPS[by]
    if column in counted.columns:
        values = counted[column]
        if by == "category":
            values = values.map(lambda c: category_label(c, scheme))
    else:
        if deposits is None:
            msg = f"rolling up by {by} needs the deposit table (its {column} column)"
            raise InventoryError(msg)
        lookup = deposits.set_index("id")[column]
        values = counted["deposit_id"].map(lookup)
    values = values.astype(object)
    return values.where(values.notna() & (values != ""), UNASSIGNED)


def _metal(frame: pd.DataFrame, commodity: str) -> str:
    column = f"{commodity.strip().lower()}_t"
    if column not in frame.columns:
        msg = f"no statement gives {commodity} ({column}); commodities here: " + ", ".join(
            sorted(c.removesuffix("_t") for c in frame.columns if c.endswith("_t") and c != "ore_t")
        )
        raise InventoryError(msg)
    return column


def rollup(
    statements: pd.DataFrame,
    by: str = "belt",
    *,
    deposits: pd.DataFrame | None = None,
    commodity: str = "cu",
    as_of: str | pd.Timestamp | None = None,
    basis: str = "identified",
    scheme: str = "crirsco",
) -> pd.DataFrame:
    """Total ore and contained metal by group, with each group's share of the metal.

    Parameters
    ----------
    statements : pandas.DataFrame
        Canonical statements (:func:`~bornite.inventory.normalise_statements`).
    by : str
        A key of :data:`GROUPS`: belt, region, country, type, status, category, code or
        deposit.
    deposits : pandas.DataFrame, optional
        Canonical deposits, needed to group by a deposit attribute.
    commodity : str
        The metal summed (``cu`` sums ``cu_t``).
    as_of : date, optional
        The date of the roll-up (default: every statement's latest).
    basis : {"identified", "resources", "reserves"}
        What counts (the module notes).
    scheme : {"crirsco", "gbt17766"}
        Category names when ``by="category"``.

    Returns
    -------
    pandas.DataFrame
        Columns ``group``, ``deposits`` (distinct deposits), ``ore_t``, ``metal_t`` and
        ``share`` (of the total metal), largest metal first, and a last ``total`` row whose
        ``deposits`` counts each deposit once.

    Examples
    --------
    >>> from bornite.inventory import normalise_statements
    >>> s = normalise_statements(pd.DataFrame({
    ...     "deposit_id": ["a", "a", "b"], "effective_date": ["2020-01-01", "2024-01-01",
    ...     "2024-01-01"], "code": "jorc", "category": ["inferred", "indicated", "探明"],
    ...     "ore_t": [100e6, 200e6, 50e6], "cu_pct": [0.5, 0.4, 1.0], "citation": "x"}))
    >>> table = rollup(s, by="category")
    >>> table[["group", "deposits", "metal_t"]].to_numpy().tolist()
    [['Indicated', 1, 800000.0], ['Measured', 1, 500000.0], ['total', 2, 1300000.0]]
    >>> table["share"].round(3).tolist()
    [0.615, 0.385, 1.0]
    """
    metal = _metal(statements, commodity)
    counted = counted_statements(statements, as_of=as_of, basis=basis)
    counted = counted[counted[metal].notna()]
    frame = pd.DataFrame(
        {
            "group": _grouped(counted, deposits, by, scheme),
            "deposit_id": counted["deposit_id"],
            "ore_t": counted["ore_t"],
            "metal_t": counted[metal],
        }
    )
    groups = (
        frame.groupby("group")
        .agg(
            deposits=("deposit_id", "nunique"),
            ore_t=("ore_t", "sum"),
            metal_t=("metal_t", "sum"),
        )
        .reset_index()
    )
    total = (frame["deposit_id"].nunique(), frame["ore_t"].sum(), frame["metal_t"].sum())
    table = rollup_table(groups, total)
    table.attrs.update({"by": by, "commodity": commodity, "basis": basis})
    table.attrs["as_of"] = None if as_of is None else str(pd.Timestamp(as_of).date())
    return table


def rollup_table(groups: pd.DataFrame, total: tuple[int, float, float]) -> pd.DataFrame:
    """A roll-up's rows from per-group sums: largest metal first, shares, a ``total`` row.

    Parameters
    ----------
    groups : pandas.DataFrame
        ``group``, ``deposits``, ``ore_t``, ``metal_t`` per group.
    total : tuple
        Distinct deposits, ore and metal over all groups (a deposit in two groups, as in two
        categories, counts once).
    """
    deposits, ore, metal = total
    table = groups.sort_values(["metal_t", "group"], ascending=[False, True])
    row = pd.DataFrame(
        {"group": [TOTAL], "deposits": [deposits], "ore_t": [ore], "metal_t": [metal]}
    )
    table = pd.concat([table, row], ignore_index=True)
    table["ore_t"] = table["ore_t"].astype(float).fillna(0.0)
    table["metal_t"] = table["metal_t"].astype(float).fillna(0.0)
    total_metal = float(table["metal_t"].iloc[-1])
    table["share"] = table["metal_t"] / total_metal if total_metal > 0 else np.nan
    table["deposits"] = table["deposits"].astype(int)
    table["group"] = table["group"].astype(object)
    return table[list(ROLLUP_COLUMNS)]


def _per_deposit(
    statements: pd.DataFrame, metal: str, as_of: pd.Timestamp | None, basis: str
) -> pd.Series:
    counted = counted_statements(statements, as_of=as_of, basis=basis)
    return counted.groupby("deposit_id")[metal].sum(min_count=1).dropna()


def additions(
    statements: pd.DataFrame,
    since: str | pd.Timestamp,
    until: str | pd.Timestamp | None = None,
    *,
    by: str | None = None,
    deposits: pd.DataFrame | None = None,
    commodity: str = "cu",
    basis: str = "identified",
) -> pd.DataFrame:
    """What was added between two dates: new deposits and the change of each known one.

    A deposit's metal *before* is its roll-up as of the day before ``since``; *after*, as of
    ``until`` (default: the latest statements). A deposit is **new** when it had no counted
    metal before and has some after; the others **grew** (or shrank) by after - before.

    Returns
    -------
    pandas.DataFrame
        Per group (``by``; per deposit when ``None``): ``group``, ``new_deposits``,
        ``new_metal_t``, ``grown_deposits`` (known deposits whose metal rose),
        ``growth_t`` (their rise), ``net_change_t`` (every change, falls included), and a
        ``total`` row.
    """
    day_before, end = additions_period(since, until, by)
    metal = _metal(statements, commodity)
    before = _per_deposit(statements, metal, day_before, basis)
    after = _per_deposit(statements, metal, end, basis)
    ids = before.index.union(after.index)
    frame = pd.DataFrame({"deposit_id": ids})
    groups = frame["deposit_id"] if by is None else _grouped(frame, deposits, by, "crirsco")
    return additions_table(before, after, pd.Series(groups.to_numpy(), index=ids))


def additions_period(
    since: str | pd.Timestamp, until: str | pd.Timestamp | None, by: str | None
) -> tuple[pd.Timestamp, pd.Timestamp | None]:
    """The two dates an additions table compares: the day before ``since`` and ``until``
    (``None``: the latest statements); refuses a period that ends before it starts and a
    grouping that is not by deposit or deposit attribute."""
    if by in {"category", "code"}:
        msg = f"additions are per deposit or deposit attribute (belt, region, ...), not by {by}"
        raise InventoryError(msg)
    start = _as_of(since)
    assert start is not None
    end = _as_of(until)
    if end is not None and end < start:
        msg = f"the period ends ({end.date()}) before it starts ({start.date()})"
        raise InventoryError(msg)
    return start - pd.Timedelta(days=1), end


def additions_table(before: pd.Series, after: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """The additions table from each deposit's metal before and after the period.

    Parameters
    ----------
    before, after : pandas.Series
        Counted metal per deposit id at the two dates (deposits without any left out).
    groups : pandas.Series
        The group of each deposit id (the id itself for a table per deposit).
    """
    ids = before.index.union(after.index)
    was = before.reindex(ids)
    now = after.reindex(ids).fillna(0.0)
    new = was.isna() & (now > 0)
    change = now - was.fillna(0.0)
    # A change within a part in 10^9 is the order of a sum, not an addition.
    change = change.where(change.abs() > 1e-9 * np.maximum(now.abs(), was.abs().fillna(0.0)), 0.0)
    grown = ~new & (change > 0)
    frame = pd.DataFrame(
        {
            "group": groups.reindex(ids).to_numpy(),
            "new_deposits": new.astype(int).to_numpy(),
            "new_metal_t": np.where(new, now, 0.0),
            "grown_deposits": grown.astype(int).to_numpy(),
            "growth_t": np.where(grown, change, 0.0),
            "net_change_t": change.to_numpy(),
        }
    )
    columns = ["new_deposits", "new_metal_t", "grown_deposits", "growth_t", "net_change_t"]
    table = frame.groupby("group")[columns].sum().reset_index()
    table = table[(table[columns] != 0).any(axis=1)]
    table = table.sort_values(["net_change_t", "group"], ascending=[False, True])
    total = pd.DataFrame({"group": [TOTAL], **{c: [frame[c].sum()] for c in columns}})
    table = pd.concat([table, total], ignore_index=True)
    for column in ("new_deposits", "grown_deposits"):
        table[column] = table[column].astype(int)
    table["group"] = table["group"].astype(object)
    return table


def undiscovered_by_group(trials: pd.DataFrame) -> dict[Hashable, np.ndarray]:
    """Per-trial undiscovered totals of each group from the trials of its tracts.

    Parameters
    ----------
    trials : pandas.DataFrame
        Columns ``group``, ``tract``, ``trial`` and ``metal_t``: each tract's simulated
        total in each trial.

    Returns
    -------
    dict of group to numpy.ndarray
        The group's total in each trial: the sum over its tracts of their totals in the
        same trial. Tracts simulated independently give independent trials, so the sums are
        draws of the group's total; quantiles are taken from these sums, because quantiles do
        not add.

    Raises
    ------
    InventoryError
        When the tracts of a group have different numbers of trials.
    """
    out: dict[Hashable, np.ndarray] = {}
    for group, rows in trials.groupby("group", sort=True):
        counts = rows.groupby("tract")["trial"].nunique()
        if counts.nunique() > 1:
            shown = ", ".join(f"{t} ({n:,})" for t, n in counts.items())
            msg = (
                f"the tracts of {group} have different numbers of trials: {shown}; rerun them "
                "with the same number of trials"
            )
            raise InventoryError(msg)
        out[group] = rows.groupby("trial")["metal_t"].sum().to_numpy(dtype=float)
    return out


def _summary(totals: np.ndarray) -> dict[str, float]:
    row = summarize_totals(pd.DataFrame({"metal_t": totals})).to_dict(orient="index")["metal_t"]
    return {
        "undiscovered_mean_t": float(row["mean"]),
        **{f"undiscovered_{q}_t": float(row[q]) for q in QUANTILES},
    }


def mckelvey(
    statements: pd.DataFrame,
    trials: pd.DataFrame | None = None,
    by: str = "belt",
    *,
    deposits: pd.DataFrame | None = None,
    commodity: str = "cu",
    as_of: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Identified plus undiscovered metal per group: the rows of a McKelvey box.

    Parameters
    ----------
    statements : pandas.DataFrame
        Canonical statements.
    trials : pandas.DataFrame, optional
        Undiscovered totals per trial (:func:`undiscovered_by_group`'s input), grouped by
        the same attribute as ``by``.
    by : str
        A deposit attribute of :data:`GROUPS` (belt, region, country, ...).

    Returns
    -------
    pandas.DataFrame
        Per group: identified metal by category (one column per category present, e.g.
        ``measured_t``), ``identified_t`` (the ``identified`` basis: no double counting of
        reserves), ``undiscovered_mean_t``, ``undiscovered_q10_t``, ``undiscovered_q50_t``,
        ``undiscovered_q90_t``, and ``total_mean_t`` = identified + undiscovered mean; then a
        ``total`` row, whose undiscovered quantiles come from the per-trial sums over the
        groups (the groups taken as independent), not from adding the groups' quantiles.
    """
    if by == "category":
        msg = "a McKelvey box is by a deposit attribute (belt, region, ...), not by category"
        raise InventoryError(msg)
    metal = _metal(statements, commodity)
    counted = counted_statements(statements, as_of=as_of)
    counted = counted[counted[metal].notna()]
    frame = pd.DataFrame(
        {
            "group": _grouped(counted, deposits, by, "crirsco"),
            "category": counted["category"],
            "metal_t": counted[metal],
        }
    )
    identified = frame.groupby(["group", "category"])["metal_t"].sum().reset_index()
    undiscovered = undiscovered_by_group(trials) if trials is not None else {}
    return mckelvey_table(identified, undiscovered)


def mckelvey_table(
    identified: pd.DataFrame, undiscovered: Mapping[Hashable, np.ndarray]
) -> pd.DataFrame:
    """A McKelvey box from identified metal per group and category and the per-trial
    undiscovered totals of each group (see :func:`mckelvey` for the columns).

    Parameters
    ----------
    identified : pandas.DataFrame
        ``group``, ``category``, ``metal_t``: counted metal (the ``identified`` basis).
    undiscovered : mapping of group to numpy.ndarray
        Each group's undiscovered total in each trial.
    """
    table = identified.pivot_table(
        index="group", columns="category", values="metal_t", aggfunc="sum", fill_value=0.0
    )
    present = [c for c in CATEGORIES if c in table.columns]
    table = table[present].rename(columns=lambda c: f"{c}_t")
    table.columns.name = None
    table["identified_t"] = table.sum(axis=1)
    groups = table.index.union(pd.Index(list(undiscovered), dtype=object))
    table = table.reindex(groups).fillna(0.0)
    names = ["undiscovered_mean_t", *(f"undiscovered_{q}_t" for q in QUANTILES)]
    for name in names:
        table[name] = np.nan
    for group, totals in undiscovered.items():
        for name, value in _summary(totals).items():
            table.loc[group, name] = value
    total = table.drop(columns=names).sum().to_frame(TOTAL).T
    if undiscovered:
        lengths = {len(t) for t in undiscovered.values()}
        if len(lengths) > 1:
            msg = "the groups' undiscovered totals have different numbers of trials; rerun them"
            raise InventoryError(msg)
        for name, value in _summary(np.sum(list(undiscovered.values()), axis=0)).items():
            total[name] = value
    table = pd.concat([table.sort_index(), total])
    table["total_mean_t"] = table["identified_t"] + table["undiscovered_mean_t"].fillna(0.0)
    table = table.rename_axis("group").reset_index()
    table["group"] = table["group"].astype(object)
    return table
