"""Elicited estimates of the number of undiscovered deposits, validated.

An elicitation table has one row per estimator (an expert, or the panel's consensus) with
columns ``Name``, ``Weight`` and the numbers of deposits that the estimator believes will be
equalled or exceeded with 90, 50 and 10 % probability (``N90``, ``N50``, ``N10``);
optionally also ``N05`` and ``N01`` (Singer & Menzie 2010). This is MapMark4's layout.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bornite.core.validation import format_rows
from bornite.errors import ElicitationError

__all__ = ["QUANTILE_COLUMNS", "counts_elicitation", "validate_elicitation"]

#: Elicited quantile columns and the exceedance probability each stands for.
QUANTILE_COLUMNS: dict[str, float] = {
    "N90": 0.90,
    "N50": 0.50,
    "N10": 0.10,
    "N05": 0.05,
    "N01": 0.01,
}
_ALIASES = {"name": "Name", "weight": "Weight", "estimator": "Name"}


def validate_elicitation(table: pd.DataFrame, *, source: str = "elicitation") -> pd.DataFrame:
    """Check an elicitation table and return a clean copy.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``N90``, ``N50``, ``N10`` (required), ``N05``, ``N01`` (optional),
        ``Name`` and ``Weight`` (optional: names default to ``estimator<k>``, weights to 1).
        Column names are matched case-insensitively.
    source : str
        Name used in messages (a file path, a tract).

    Returns
    -------
    pandas.DataFrame
        Columns ``Name``, ``Weight``, then the quantile columns present, as integers,
        in the order N90, N50, N10, N05, N01; rows with zero weight are kept.

    Raises
    ------
    ElicitationError
        When a count is missing, negative or not a whole number, when the counts of a row are
        not in order (``N90 <= N50 <= N10 <= N05 <= N01``), or when weights are negative or
        all zero. The message names the rows.

    Examples
    --------
    >>> validate_elicitation(pd.DataFrame({"N90": [1], "N50": [2], "N10": [4]}))
             Name  Weight  N90  N50  N10
    0  estimator1     1.0    1    2    4
    """
    renamed = {}
    for column in table.columns:
        key = str(column).strip()
        if key.upper() in QUANTILE_COLUMNS:
            renamed[column] = key.upper()
        elif key.lower() in _ALIASES:
            renamed[column] = _ALIASES[key.lower()]
    frame = table.rename(columns=renamed)
    missing = [c for c in ("N90", "N50", "N10") if c not in frame.columns]
    if missing:
        msg = (
            f"{source}: missing column(s) {', '.join(missing)}; an elicitation needs "
            "N90, N50 and N10 (and optionally Name, Weight, N05, N01)"
        )
        raise ElicitationError(msg)
    if len(frame) == 0:
        msg = f"{source}: the elicitation has no rows; give at least one estimate"
        raise ElicitationError(msg)
    quantiles = [c for c in QUANTILE_COLUMNS if c in frame.columns]
    names = (
        frame["Name"].astype(str).to_numpy()
        if "Name" in frame.columns
        else np.array([f"estimator{i + 1}" for i in range(len(frame))])
    )
    labels = [f"{i + 1} ({name})" for i, name in enumerate(names)]

    out = pd.DataFrame({"Name": names})
    weights = (
        pd.to_numeric(frame["Weight"], errors="coerce").to_numpy(dtype=float)
        if "Weight" in frame.columns
        else np.ones(len(frame))
    )
    bad = [labels[i] for i in np.flatnonzero(~(np.isfinite(weights) & (weights >= 0)))]
    if bad:
        msg = f"{source}: Weight must be a number >= 0 in {format_rows(bad)}"
        raise ElicitationError(msg)
    if weights.sum() <= 0:
        msg = f"{source}: all weights are zero; give at least one estimator a positive weight"
        raise ElicitationError(msg)
    out["Weight"] = weights

    values = np.empty((len(frame), len(quantiles)))
    for k, column in enumerate(quantiles):
        values[:, k] = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        invalid = (
            ~np.isfinite(values[:, k])
            | (values[:, k] < 0)
            | (values[:, k] != np.round(values[:, k]))
        )
        bad = [labels[i] for i in np.flatnonzero(invalid)]
        if bad:
            msg = (
                f"{source}: {column} must be a whole number of deposits >= 0 in {format_rows(bad)}"
            )
            raise ElicitationError(msg)
    disorder = np.any(np.diff(values, axis=1) < 0, axis=1)
    bad = [labels[i] for i in np.flatnonzero(disorder)]
    if bad:
        order = " <= ".join(quantiles)
        msg = (
            f"{source}: counts must satisfy {order} (a higher count is less likely to be "
            f"exceeded), but do not in {format_rows(bad)}"
        )
        raise ElicitationError(msg)
    for k, column in enumerate(quantiles):
        out[column] = values[:, k].astype(np.int64)
    return out


def counts_elicitation(
    counts: list[int] | tuple[int, ...], *, name: str = "consensus"
) -> pd.DataFrame:
    """Build a one-row elicitation from ``N90 N50 N10 [N05 [N01]]`` counts.

    Examples
    --------
    >>> counts_elicitation([1, 2, 4])[["N90", "N50", "N10"]].to_numpy().tolist()
    [[1, 2, 4]]
    """
    columns = list(QUANTILE_COLUMNS)
    if not 3 <= len(counts) <= 5:
        msg = f"give 3 to 5 counts (N90 N50 N10 [N05 [N01]]), got {len(counts)}"
        raise ElicitationError(msg)
    table = pd.DataFrame(
        {"Name": [name], "Weight": [1.0]} | {c: [v] for c, v in zip(columns, counts, strict=False)}
    )
    return validate_elicitation(table, source="counts")
