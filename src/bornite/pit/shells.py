"""Nested pit shells by revenue factor, pit-by-pit tables and the choice of a reporting shell.

Scaling the metal prices by a revenue factor ``f`` changes each block's value to
``max(f R - P, 0) - M``, which never decreases with ``f``. The ultimate pits then grow with
``f`` and can be chosen nested (parametric maximum closure, Lerchs & Grossmann 1965; Gallo,
Grigoriadis & Tarjan 1989).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from bornite._config import get_options
from bornite.errors import ValidationError
from bornite.pit.economics import value_at
from bornite.pit.solve import BoolArray, IntArray, check_closure, integer_values, ultimate_pit

__all__ = [
    "DEFAULT_REVENUE_FACTORS",
    "nested_shells",
    "pit_by_pit",
    "resource_in_pit",
    "select_shell",
]

#: Twenty revenue factors, 0.30 to 1.25 by 0.05 (1.0 included).
DEFAULT_REVENUE_FACTORS: tuple[float, ...] = tuple(round(0.30 + 0.05 * k, 2) for k in range(20))

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class _Gap:
    """Blocks still to be given a shell: inside pit ``high`` and outside pit ``low``.

    ``high == len(factors)`` stands for "no pit above" (every block); ``low == -1`` for the
    empty pit. ``blocks`` are block numbers (sorted); ``source``/``target`` the arcs between
    them, numbered by position in ``blocks`` (in the order of the model's arcs). Arcs into pit
    ``low`` are met and none leave pit ``high``.
    """

    low: int
    high: int
    blocks: IntArray
    source: npt.NDArray[np.signedinteger[Any]]
    target: npt.NDArray[np.signedinteger[Any]]


def _renumber(keep: BoolArray, dtype: type[np.signedinteger[Any]]) -> npt.NDArray[Any]:
    """Position among the kept items of every kept item (the others get garbage)."""
    number = np.cumsum(keep, dtype=dtype)
    number -= 1
    return number


#: At most this many factors are solved on the whole model at once: each whole-model solve
#: holds its own graph (about 0.5 GiB for 1M blocks and 27M arcs); more threads go to gaps.
MAX_SEEDS = 4


def _seed_factors(base: int, n_factors: int, threads: int) -> list[int]:
    """Factors solved on every block at once: ``base``, then midpoints of the widest gaps."""
    seeds = [base]
    while len(seeds) < min(threads, n_factors, MAX_SEEDS):
        bounds = [-1, *sorted(seeds), n_factors]
        width, low, high = max((b - a - 1, a, b) for a, b in itertools.pairwise(bounds))
        if width < 1:
            break
        seeds.append((low + high) // 2)
    return sorted(seeds)


def nested_shells(
    revenue: npt.ArrayLike,
    processing_cost: npt.ArrayLike,
    mining_cost: npt.ArrayLike,
    source: npt.ArrayLike,
    target: npt.ArrayLike,
    revenue_factors: Sequence[float] = DEFAULT_REVENUE_FACTORS,
    *,
    unit: float = 1.0,
    engine: str = "auto",
    n_jobs: int | None = None,
) -> IntArray:
    """Nested ultimate pits for increasing revenue factors.

    Parameters
    ----------
    revenue, processing_cost, mining_cost : array_like
        Per block, in USD at revenue factor 1 (see :func:`bornite.pit.block_values`).
    source, target : array_like of int
        Precedence arcs (mining ``source[k]`` needs ``target[k]``).
    revenue_factors : sequence of float
        Strictly increasing, positive price multipliers.
    unit : float
        Values are rounded to whole multiples of ``unit`` (USD) for the exact integer solve.
    engine : str
        Max-closure engine (see :func:`bornite.pit.ultimate_pit`).
    n_jobs : int, optional
        Threads (default: the ``n_jobs`` option of :func:`bornite.set_options`, 1). Each
        shell is an optimal pit for its factor whatever the number; where several pits tie
        for the optimum (same value), different numbers of threads can return different
        ones.

    Returns
    -------
    numpy.ndarray of int
        For every block, the number (1-based) of the first shell that contains it; 0 when no
        shell does. Shell ``k`` is the set of blocks with ``1 <= shell <= k``.

    Notes
    -----
    The factor nearest 1 is solved first on all blocks, then the largest factor on the blocks
    outside that pit only (with it taken as mined). The factors between two solved ones
    (``low``, ``high``) are then solved by bisection on the blocks of pit ``high`` not in pit
    ``low`` only, with pit ``low`` taken as mined. Any optimal pit for a factor between the
    two can be cut down to one lying between them without losing value (optimal closures
    form a lattice and values grow with the factor), so each restricted solve is exact and
    the shells are nested by construction, whatever optimal pit an engine returns. Each
    level of the bisection touches each block once, so 20 shells cost about ``log2(20)``
    solves of the largest pit.

    With ``n_jobs > 1``, further factors (midpoints of the widest gaps between solved
    factors; at most ``MAX_SEEDS`` in all, each holding a whole-model graph) are solved on
    all blocks at the same time as the first, each joined with the pits of smaller factors
    (the union of optimal pits at two factors is optimal at the larger), and the gaps left
    are bisected on a pool of threads; the engines release the GIL. Closure is checked once
    for all shells, arc by arc, and every solve's value is recomputed from its blocks.

    Examples
    --------
    >>> # two columns (waste over ore): the poor one pays at factor 1, the rich at 0.5
    >>> shells = nested_shells([0, 30, 0, 100], [0, 10, 0, 10], [5, 5, 5, 5],
    ...                        [1, 3], [0, 2], [0.5, 1.0])
    >>> shells.tolist()
    [2, 2, 1, 1]
    """
    factors = [float(f) for f in revenue_factors]
    if not factors or any(not math.isfinite(f) or f <= 0 for f in factors):
        msg = f"revenue factors must be positive numbers, got {factors}"
        raise ValidationError(msg)
    if any(b <= a for a, b in itertools.pairwise(factors)):
        msg = f"revenue factors must be strictly increasing, got {factors}"
        raise ValidationError(msg)
    r = np.asarray(revenue, dtype=float).ravel()
    p = np.asarray(processing_cost, dtype=float).ravel()
    m = np.asarray(mining_cost, dtype=float).ravel()
    if not r.size == p.size == m.size:
        msg = (
            "revenue, processing and mining costs need one value per block, got "
            f"{r.size}, {p.size} and {m.size}"
        )
        raise ValidationError(msg)
    if (r < 0).any():  # nesting needs values that never fall as the factor grows
        k = int(np.flatnonzero(r < 0)[0])
        msg = (
            f"block {k} has a negative revenue ({r[k]:g} USD); revenue is the net value of the "
            "metal if processed and must be >= 0 (put costs in processing or mining cost)"
        )
        raise ValidationError(msg)
    src = np.asarray(source, dtype=np.int64).ravel()
    dst = np.asarray(target, dtype=np.int64).ravel()

    n = r.size
    n_factors = len(factors)
    top = n_factors - 1
    threads = int(get_options()["n_jobs"] if n_jobs is None else n_jobs)
    if threads < 1:
        msg = f"n_jobs must be >= 1, got {n_jobs}"
        raise ValidationError(msg)
    shell = np.full(n, n_factors, dtype=np.int64)  # n_factors: outside every shell
    index = np.int32 if n < 2**31 else np.int64  # arcs in gaps: half the memory traffic

    def values_of(k: int, blocks: IntArray) -> IntArray:
        return integer_values(value_at(r[blocks], p[blocks], m[blocks], factors[k]), unit)

    def split(gap: _Gap) -> list[_Gap]:
        """Solve one factor in ``gap`` and return the gaps left below and above it."""
        k = top if gap.high == n_factors else (gap.low + gap.high) // 2
        s, d = gap.source, gap.target
        mask = ultimate_pit(values_of(k, gap.blocks), s, d, engine=engine, verify=False).mask
        shell[gap.blocks[mask]] = k
        from_in, to_in = mask[s], mask[d]
        children = []
        for low, high, side, both in (
            (gap.low, k, mask, from_in & to_in),
            (k, gap.high, ~mask, ~from_in & ~to_in),
        ):
            if high - low > 1 and side.any():
                number = _renumber(side, index)
                children.append(_Gap(low, high, gap.blocks[side], number[s[both]], number[d[both]]))
        return children

    # seeds: the factor nearest 1 (and, with more threads, others) solved on every block at
    # once; each seed pit is joined with those below it, which keeps it optimal
    base = min(range(n_factors), key=lambda k: (abs(factors[k] - 1.0), k))
    seeds = _seed_factors(base, n_factors, threads)

    def whole(k: int) -> BoolArray:
        values = integer_values(value_at(r, p, m, factors[k]), unit)
        return ultimate_pit(values, src, dst, engine=engine, verify=False).mask

    pool = ThreadPoolExecutor(max_workers=threads) if threads > 1 else None
    try:
        solved = list(pool.map(whole, seeds)) if pool else [whole(seeds[0])]
        label = np.full(n, len(seeds), dtype=np.int32)  # the gap of every block
        joined = np.zeros(n, dtype=bool)
        for i, pit in enumerate(solved):
            added = pit & ~joined
            label[added] = i
            shell[added] = seeds[i]
            joined |= pit
        del solved, joined
        bounds = [-1, *seeds, n_factors]

        def first_split(i: int) -> list[_Gap]:
            """Cut out gap ``i`` (between seeds ``i - 1`` and ``i``) and split it."""
            inside = label == i
            if not inside.any():
                return []
            keep = inside[src] & inside[dst]
            number = _renumber(inside, index)
            blocks = np.flatnonzero(inside)
            gap = _Gap(bounds[i], bounds[i + 1], blocks, number[src[keep]], number[dst[keep]])
            return split(gap)

        firsts = [i for i in range(len(seeds) + 1) if bounds[i + 1] - bounds[i] > 1]
        if pool is None:
            for i in firsts:
                gaps = first_split(i)
                while gaps:  # depth first keeps few gaps alive
                    gaps.extend(split(gaps.pop()))
        else:
            # the gaps are cut out on the threads too: on the whole model that is not cheap
            pending = {pool.submit(first_split, i) for i in firsts}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    pending |= {pool.submit(split, gap) for gap in future.result()}
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    shell = np.where(shell >= len(factors), 0, shell + 1)
    # every shell is closed at once: an arc from a block of shell k must end in shell <= k
    small: npt.NDArray[np.signedinteger[Any]] = shell.astype(
        np.int16 if len(factors) < 2**15 else np.int64
    )
    first, needed = small[src], small[dst]
    bad = (first > 0) & ((needed == 0) | (needed > first))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        check_closure((shell >= 1) & (shell <= int(first[k])), src, dst)  # raises, naming it
    return shell


def pit_by_pit(
    shell: npt.ArrayLike,
    revenue_factors: Sequence[float],
    *,
    tonnes: npt.ArrayLike,
    ore_t: npt.ArrayLike,
    metal_t: npt.ArrayLike,
    revenue: npt.ArrayLike,
    processing_cost: npt.ArrayLike,
    mining_cost: npt.ArrayLike,
    grade_unit: str = "%",
) -> pd.DataFrame:
    """Tonnes, grade, metal, waste and value of every nested pit, at revenue factor 1.

    Parameters
    ----------
    shell : array_like of int
        First shell of every block (from :func:`nested_shells`; 0 outside).
    revenue_factors : sequence of float
        The factors of the shells.
    tonnes, ore_t, metal_t, revenue, processing_cost, mining_cost : array_like
        Per block: rock tonnes, tonnes milled if processed, metal milled if processed
        (tonnes), and the value components at revenue factor 1 (USD).
    grade_unit : str
        Unit of the reported ``grade`` (``"%"``, ``"g/t"``...).

    Returns
    -------
    pandas.DataFrame
        One row per shell: ``shell``, ``revenue_factor``, ``blocks``, ``rock_t``, ``ore_t``,
        ``waste_t``, ``strip_ratio``, ``grade`` (mean milled grade in ``grade_unit``),
        ``metal_t``, ``value_usd`` (undiscounted, at revenue factor 1, each block processed
        only if it pays at factor 1).

    Examples
    --------
    >>> t = pit_by_pit([1, 0, 2], [0.8, 1.0], tonnes=[10, 10, 10], ore_t=[10, 10, 10],
    ...                metal_t=[0.25, 0.0, 0.5], revenue=[100, 0, 50], processing_cost=[20, 20, 20],
    ...                mining_cost=[5, 5, 5])
    >>> t[["shell", "ore_t", "waste_t", "metal_t", "value_usd"]].to_dict("records")[1]
    {'shell': 2, 'ore_t': 20.0, 'waste_t': 0.0, 'metal_t': 0.75, 'value_usd': 100.0}
    """
    from bornite.core.units import from_mass_fraction  # noqa: PLC0415

    s = np.asarray(shell, dtype=np.int64).ravel()
    r = np.asarray(revenue, dtype=float).ravel()
    p = np.asarray(processing_cost, dtype=float).ravel()
    m = np.asarray(mining_cost, dtype=float).ravel()
    process = r > p
    rows = []
    for k, factor in enumerate(revenue_factors, start=1):
        inside = (s >= 1) & (s <= k)
        ore_mask = inside & process
        rock = float(np.asarray(tonnes, dtype=float).ravel()[inside].sum())
        ore = float(np.asarray(ore_t, dtype=float).ravel()[ore_mask].sum())
        metal = float(np.asarray(metal_t, dtype=float).ravel()[ore_mask].sum())
        waste = max(rock - ore, 0.0)
        rows.append(
            {
                "shell": k,
                "revenue_factor": float(factor),
                "blocks": int(inside.sum()),
                "rock_t": rock,
                "ore_t": ore,
                "waste_t": waste,
                "strip_ratio": waste / ore if ore > 0 else np.nan,
                "grade": float(from_mass_fraction(metal / ore, grade_unit)) if ore > 0 else np.nan,
                "metal_t": metal,
                "value_usd": float(value_at(r[inside], p[inside], m[inside], 1.0).sum()),
            }
        )
    table = pd.DataFrame(rows)
    table.attrs["grade_unit"] = grade_unit
    return table


def select_shell(
    table: pd.DataFrame, *, method: str = "revenue_factor", revenue_factor: float = 1.0
) -> int:
    """The shell to report a resource in.

    Parameters
    ----------
    table : pandas.DataFrame
        Pit-by-pit table from :func:`pit_by_pit`.
    method : {"revenue_factor", "max_value"}
        ``"revenue_factor"``: the largest shell whose factor does not exceed
        ``revenue_factor`` (a resource pit is often taken at a price above the reserve
        price, e.g. 1.3); ``"max_value"``: the shell of largest undiscounted value.
    revenue_factor : float
        Factor for ``method="revenue_factor"``.

    Returns
    -------
    int
        The shell number (1-based).

    Examples
    --------
    >>> t = pd.DataFrame({"shell": [1, 2, 3], "revenue_factor": [0.8, 1.0, 1.2],
    ...                   "value_usd": [5.0, 7.0, 6.0]})
    >>> select_shell(t), select_shell(t, method="max_value"), select_shell(t, revenue_factor=1.3)
    (2, 2, 3)
    """
    if method == "max_value":
        return int(table["shell"].iloc[int(np.argmax(table["value_usd"].to_numpy()))])
    if method != "revenue_factor":
        msg = f"method must be 'revenue_factor' or 'max_value', got {method!r}"
        raise ValidationError(msg)
    eligible = table[table["revenue_factor"] <= revenue_factor + 1e-12]
    if eligible.empty:
        msg = (
            f"no shell has a revenue factor <= {revenue_factor}; the smallest is "
            f"{table['revenue_factor'].min()}: add lower factors or raise the selection factor"
        )
        raise ValidationError(msg)
    return int(eligible["shell"].iloc[-1])


def resource_in_pit(
    inside: npt.ArrayLike,
    process: npt.ArrayLike,
    ore_t: npt.ArrayLike,
    metal_t: npt.ArrayLike,
    category: npt.ArrayLike | None = None,
    *,
    scheme: str = "jorc",
    grade_unit: str = "%",
) -> pd.DataFrame:
    """The pit-constrained resource by class: blocks inside the reporting shell that pay to
    process at revenue factor 1.

    Parameters
    ----------
    inside : array_like of bool
        Blocks inside the reporting shell.
    process : array_like of bool
        Blocks whose revenue exceeds their processing cost (they go to the mill).
    ore_t, metal_t : array_like
        Tonnes milled and metal milled (t) of each block if processed.
    category : array_like, optional
        Class code of each block (1 measured, 2 indicated, 3 inferred, 0 or NaN
        unclassified); without it every block is unclassified.
    scheme : str
        Class names: ``jorc``, ``cim`` or ``gbt17766`` (:data:`bornite.blockmodel.CATEGORY_NAMES`).
    grade_unit : str
        Unit of the reported grade.

    Returns
    -------
    pandas.DataFrame
        ``class``, ``ore_t``, ``grade`` (in ``grade_unit``), ``metal_t``: one row per class
        (unclassified only when present) and ``total (classified)``; ``attrs`` holds
        ``grade_unit`` and ``scheme``.

    Examples
    --------
    >>> t = resource_in_pit([True, True, False], [True, True, True], [10.0, 10.0, 10.0],
    ...                     [0.1, 0.3, 0.5], [1, 2, 1])
    >>> t[["class", "ore_t", "metal_t"]].to_dict("list")["metal_t"]
    [0.1, 0.3, 0.0, 0.4]
    """
    from bornite.blockmodel import CATEGORY_NAMES  # noqa: PLC0415
    from bornite.core.units import from_mass_fraction  # noqa: PLC0415

    if scheme not in CATEGORY_NAMES:
        msg = f"scheme must be one of {', '.join(CATEGORY_NAMES)}, got {scheme!r}"
        raise ValidationError(msg)
    keep = np.asarray(inside, dtype=bool).ravel() & np.asarray(process, dtype=bool).ravel()
    ore = np.asarray(ore_t, dtype=float).ravel()
    metal = np.asarray(metal_t, dtype=float).ravel()
    codes = (
        np.zeros(ore.size, dtype=np.int64)
        if category is None
        else np.nan_to_num(np.asarray(category, dtype=float).ravel(), nan=0.0).astype(np.int64)
    )
    names = CATEGORY_NAMES[scheme]

    def row(label: str, chosen: npt.NDArray[np.bool_]) -> dict[str, Any]:
        tonnes = float(ore[chosen].sum())
        contained = float(metal[chosen].sum())
        grade = float(from_mass_fraction(contained / tonnes, grade_unit)) if tonnes else np.nan
        return {"class": label, "ore_t": tonnes, "grade": grade, "metal_t": contained}

    rows = [row(names[code - 1], keep & (codes == code)) for code in (1, 2, 3)]
    if (keep & (codes == 0)).any():
        rows.append(row("unclassified", keep & (codes == 0)))
    rows.append(row("total (classified)", keep & (codes > 0)))
    table = pd.DataFrame(rows)
    table.attrs.update({"grade_unit": grade_unit, "scheme": scheme})
    return table
