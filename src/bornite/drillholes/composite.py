"""Fixed-length down-hole compositing within domains.

Intervals are first grouped into **runs**: consecutive intervals of one hole with the same
domain value and no gap between them. Each run is cut into composites of the nominal length
starting at the top of the run, so a composite never crosses a domain boundary or a gap.
Grades are length-weighted over the sampled part of each composite.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from bornite.core.validation import format_rows
from bornite.drillholes.database import DrillholeDatabase
from bornite.errors import ValidationError

__all__ = ["composite"]

FloatArray = npt.NDArray[np.float64]
Residual = Literal["merge", "keep", "distribute"]
_TOL = 1e-9


def _refuse(table: pd.DataFrame, mask: npt.NDArray[np.bool_], what: str) -> None:
    if mask.any():
        msg = (
            f"interval table: {what} in {format_rows(table.index[mask])}; validate the database "
            "and repair it with bornite.drillholes.fix before compositing"
        )
        raise ValidationError(msg)


def composite(
    data: DrillholeDatabase | pd.DataFrame,
    length: float,
    *,
    grades: list[str] | tuple[str, ...] | None = None,
    domain: str | None = None,
    residual: Residual = "merge",
    gap_tolerance: float = 1e-6,
) -> pd.DataFrame:
    """Composite intervals to a fixed length down each hole, within domains.

    Parameters
    ----------
    data : DrillholeDatabase or pandas.DataFrame
        A validated database (its ``intervals`` and ``grades`` are used) or an interval
        table ``hole, from, to, <grades>``.
    length : float
        Nominal composite length (m), > 0.
    grades : sequence of str, optional
        Grade columns; by default the database's grades, or every numeric column of a table
        other than ``from``/``to`` and ``domain``.
    domain : str, optional
        Column holding the domain code (lithology, estimation domain). Composites never cross
        a change of domain. Missing domain values form a domain of their own.
    residual : {"merge", "keep", "distribute"}
        What to do with the remainder ``r`` of a run of length ``R`` after ``n = floor(R / L)``
        full composites (see Notes).
    gap_tolerance : float
        Distance (m) between one interval's ``to`` and the next ``from`` treated as contiguous.

    Returns
    -------
    pandas.DataFrame
        ``hole, from, to, length, [domain], <grades>, <grade>_length`` sorted by hole and
        depth. ``<grade>`` is the length-weighted mean over the sampled intervals and
        ``<grade>_length`` the sampled length (m) of that grade in the composite (missing
        grades do not count). ``attrs`` records ``composite_length`` and ``residual``.

    Raises
    ------
    ValidationError
        When depths or grades are not numeric, ``from >= to``, or intervals overlap.

    Notes
    -----
    Residual rule. With nominal length :math:`L`, a run of length :math:`R` holds
    :math:`n = \\lfloor R/L \\rfloor` full composites and a remainder :math:`r = R - nL`.

    * ``"merge"`` (default): if :math:`r \\ge L/2` (or :math:`n = 0`) the remainder is kept as
      a short last composite; otherwise it is merged into the previous composite, which then
      has length :math:`L + r`.
    * ``"keep"``: the remainder is always its own (short) composite.
    * ``"distribute"``: the run is cut into :math:`m = \\max(1, \\mathrm{round}(R/L))` equal
      composites of length :math:`R/m`.

    Grades and conservation. For a composite :math:`c` and grade :math:`g`,

    .. math:: g_c = \\frac{\\sum_i g_i\\, \\ell_{ic}}{\\sum_i \\ell_{ic}}

    where :math:`\\ell_{ic}` is the overlap of interval :math:`i` with :math:`c`, over the
    intervals where :math:`g_i` is not missing. So metal is conserved:
    :math:`\\sum_c g_c \\cdot \\text{(g\\_length)}_c = \\sum_i g_i \\ell_i`; where every grade
    is present, ``<grade>_length`` equals ``length`` and :math:`\\sum_c g_c L_c =
    \\sum_i g_i \\ell_i`.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"hole": "A", "from": [0.0, 1.0, 3.0], "to": [1.0, 3.0, 4.8],
    ...                       "cu_pct": [1.0, 2.0, 0.5]})
    >>> c = composite(table, 2.0)  # residual 0.8 m < 1 m is merged into the last composite
    >>> c[["from", "to", "cu_pct"]].round(4).to_numpy().tolist()
    [[0.0, 2.0, 1.5], [2.0, 4.8, 1.0357]]
    >>> round(float((c["cu_pct"] * c["length"]).sum()), 10), 1.0 * 1 + 2.0 * 2 + 0.5 * 1.8
    (5.9, 5.9)
    """
    if not (np.isfinite(length) and length > 0):
        msg = f"composite length must be a positive number of metres, got {length!r}"
        raise ValidationError(msg)
    if residual not in ("merge", "keep", "distribute"):
        msg = f"residual={residual!r}; use 'merge', 'keep' or 'distribute'"
        raise ValidationError(msg)
    if isinstance(data, DrillholeDatabase):
        table = data.intervals
        grade_columns = list(data.grade_columns if grades is None else grades)
    else:
        table = data
        grade_columns = (
            list(grades)
            if grades is not None
            else [
                str(c)
                for c in table.columns
                if c not in ("hole", "from", "to", domain)
                and pd.api.types.is_numeric_dtype(table[c])
            ]
        )
    missing = [c for c in ["hole", "from", "to", *grade_columns] if c not in table.columns]
    if domain is not None and domain not in table.columns:
        missing.append(domain)
    if missing:
        msg = (
            f"interval table: missing column(s) {', '.join(missing)}; the table has "
            f"{', '.join(map(str, table.columns))}"
        )
        raise ValidationError(msg)

    start = pd.to_numeric(table["from"], errors="coerce").to_numpy(dtype=float)
    end = pd.to_numeric(table["to"], errors="coerce").to_numpy(dtype=float)
    _refuse(table, ~(np.isfinite(start) & np.isfinite(end)), "non-numeric from/to")
    _refuse(table, start >= end, "from >= to")
    values = np.empty((len(table), len(grade_columns)))
    for k, column in enumerate(grade_columns):
        if not pd.api.types.is_numeric_dtype(table[column]):
            msg = (
                f"interval table: grade column {column!r} holds text; validate the database and "
                "convert it with bornite.drillholes.fix before compositing"
            )
            raise ValidationError(msg)
        values[:, k] = table[column].to_numpy(dtype=float)

    hole_code, hole_names = pd.factorize(table["hole"].astype(str), sort=True)
    if domain is not None:
        domain_code, domain_values = pd.factorize(table[domain], use_na_sentinel=True)
    else:
        domain_code, domain_values = np.zeros(len(table), dtype=np.int64), pd.Index([None])
    order = np.lexsort((end, start, hole_code))
    hole_code, domain_code = hole_code[order], np.asarray(domain_code)[order]
    start, end, values = start[order], end[order], values[order]
    same_hole = np.r_[False, hole_code[1:] == hole_code[:-1]]
    prev_end = np.r_[np.nan, end[:-1]]
    overlap = same_hole & (start < prev_end - gap_tolerance)
    _refuse(table.iloc[order], overlap, "overlapping intervals")
    new_run = ~same_hole | (domain_code != np.r_[-2, domain_code[:-1]])
    new_run |= start > prev_end + gap_tolerance
    run = np.cumsum(new_run) - 1
    n_runs = int(run[-1]) + 1 if len(run) else 0
    run_start = start[new_run]
    run_end = np.maximum.reduceat(end, np.flatnonzero(new_run)) if n_runs else np.empty(0)
    run_length = run_end - run_start

    # ---- composite boundaries of each run: count and step
    n_full = np.floor(run_length / length + _TOL).astype(np.int64)
    remainder = run_length - n_full * length
    has_rem = remainder > _TOL * max(1.0, length)
    if residual == "keep":
        n_comp = n_full + has_rem
    elif residual == "merge":
        n_comp = np.where(n_full == 0, 1, n_full + (has_rem & (remainder >= length / 2)))
    else:
        n_comp = np.maximum(1, np.floor(run_length / length + 0.5)).astype(np.int64)
    step = np.full(n_runs, float(length))
    if residual == "distribute":
        step = run_length / n_comp
    comp_run = np.repeat(np.arange(n_runs), n_comp)
    first_comp = np.r_[0, np.cumsum(n_comp)[:-1]]
    k = np.arange(len(comp_run)) - first_comp[comp_run]
    comp_from = run_start[comp_run] + k * step[comp_run]
    is_last = k == n_comp[comp_run] - 1
    # each composite ends where the next begins, so composites tile their run exactly
    comp_to = np.r_[comp_from[1:], np.nan]
    comp_to[is_last] = run_end[comp_run[is_last]]

    # ---- split intervals at composite boundaries and accumulate
    r_step = step[run]
    last_k = n_comp[run] - 1
    k0 = np.minimum(np.floor((start - run_start[run]) / r_step + _TOL).astype(np.int64), last_k)
    k1 = np.minimum(np.floor((end - run_start[run]) / r_step - _TOL).astype(np.int64), last_k)
    # widen by one composite each side: pieces outside the interval get zero overlap, and
    # rounding in the floor divisions can never lose metal
    k0 = np.maximum(k0 - 1, 0)
    k1 = np.minimum(np.maximum(k1, k0) + 1, last_k)
    pieces = k1 - k0 + 1
    src = np.repeat(np.arange(len(start)), pieces)
    piece_k = k0[src] + (np.arange(len(src)) - np.repeat(np.cumsum(pieces) - pieces, pieces))
    comp = first_comp[run[src]] + piece_k
    overlap_len = np.minimum(end[src], comp_to[comp]) - np.maximum(start[src], comp_from[comp])
    overlap_len = np.clip(overlap_len, 0.0, None)
    n_c = len(comp_run)
    out = pd.DataFrame(
        {
            "hole": np.asarray(hole_names)[hole_code[np.flatnonzero(new_run)][comp_run]],
            "from": comp_from,
            "to": comp_to,
            "length": comp_to - comp_from,
        }
    )
    if domain is not None:
        run_domain = domain_code[np.flatnonzero(new_run)][comp_run]
        labels = np.asarray(domain_values, dtype=object)
        domain_out = labels[np.maximum(run_domain, 0)]
        domain_out[run_domain < 0] = None
        out[domain] = domain_out
    for j, column in enumerate(grade_columns):
        g = values[src, j]
        sampled = np.isfinite(g)
        metal = np.bincount(comp[sampled], weights=g[sampled] * overlap_len[sampled], minlength=n_c)
        covered = np.bincount(comp[sampled], weights=overlap_len[sampled], minlength=n_c)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[column] = np.where(covered > 0, metal / np.where(covered > 0, covered, 1.0), np.nan)
        out[f"{column}_length"] = covered
    out.attrs.update({"composite_length": float(length), "residual": residual})
    return out
