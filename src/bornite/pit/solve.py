"""The ultimate pit as a maximum closure, solved exactly by a minimum cut.

Blocks are nodes with integer values; an arc ``source -> target`` says that mining ``source``
needs ``target`` mined first. The ultimate pit is the closed set of blocks (every block's
targets included) of largest total value (Picard 1976). Three exact engines are wrapped:

``"pymineflow"``
    MineFlow's pseudoflow (PyMineFlow, MIT), the fastest measured (``docs/pit.md``).
``"ortools"``
    Google OR-tools push-relabel max flow (Apache-2.0), int64 capacities.
``"scipy"``
    :func:`scipy.sparse.csgraph.maximum_flow` (BSD, always installed); its capacities are
    int32, so it is exact only when the positive values sum below ``2**31 - 1``.

``"auto"`` takes the first one installed in that order. Every solution is verified: the
closure is checked arc by arc and the objective is recomputed from the block values.
"""

from __future__ import annotations

import importlib.util
import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from bornite.errors import ConvergenceError, MissingDependencyError, ValidationError

__all__ = [
    "ENGINES",
    "PitSolution",
    "check_closure",
    "integer_values",
    "ultimate_pit",
]

logger = logging.getLogger(__name__)

#: Exact max-closure engines, in the order ``"auto"`` tries them.
ENGINES: tuple[str, ...] = ("pymineflow", "ortools", "scipy")
_MODULES = {"pymineflow": "pymineflow", "ortools": "ortools", "scipy": "scipy"}
_INT32_MAX = 2**31 - 1
_INT64_SUM_LIMIT = 2**62

IntArray = npt.NDArray[np.int64]
ArcArray = npt.NDArray[np.signedinteger[Any]]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class PitSolution:
    """An ultimate pit.

    Attributes
    ----------
    mask : numpy.ndarray of bool
        Blocks inside the pit.
    value : int
        Sum of the integer values of the blocks inside (recomputed from the blocks).
    n_blocks : int
        Blocks inside the pit.
    seconds : float
        Wall time of the engine (graph building and solving).
    engine : str
        Engine used.
    """

    mask: BoolArray
    value: int
    n_blocks: int
    seconds: float
    engine: str


def integer_values(values: npt.ArrayLike, unit: float = 1.0) -> IntArray:
    """Real block values rounded to whole multiples of ``unit`` (int64), for an exact solve.

    The pit is then exactly optimal for the rounded values; with ``unit`` one dollar, the
    rounding moves a pit's value by at most half a dollar per block.

    Examples
    --------
    >>> integer_values([1.4, -2.6, 1250.0], unit=1.0).tolist()
    [1, -3, 1250]
    """
    v = np.asarray(values, dtype=float).ravel()
    if not np.isfinite(v).all():
        msg = f"block values must be finite; {int((~np.isfinite(v)).sum())} are NaN or infinite"
        raise ValidationError(msg)
    if not unit > 0:
        msg = f"unit must be > 0, got {unit}"
        raise ValidationError(msg)
    scaled = np.rint(v / unit)
    if np.abs(scaled).sum() >= _INT64_SUM_LIMIT:
        msg = (
            f"block values are too large for 64-bit integers in units of {unit}; use a larger unit"
        )
        raise ValidationError(msg)
    return scaled.astype(np.int64)


def check_closure(mask: npt.ArrayLike, source: npt.ArrayLike, target: npt.ArrayLike) -> None:
    """Raise unless ``mask`` is closed: every arc from a block inside ends inside.

    Examples
    --------
    >>> check_closure([True, True, False], [0], [1])
    >>> check_closure([True, False], [0], [1])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    bornite.errors.ConvergenceError: pit is not closed: 1 precedence arc(s) violated, ...
    """
    inside = np.asarray(mask, dtype=bool)
    src = np.asarray(source, dtype=np.int64)
    dst = np.asarray(target, dtype=np.int64)
    bad = inside[src] & ~inside[dst]
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        msg = (
            f"pit is not closed: {int(bad.sum())} precedence arc(s) violated, first block "
            f"{int(src[k])} needs block {int(dst[k])}"
        )
        raise ConvergenceError(msg)


def _as_arcs(blocks: npt.ArrayLike) -> ArcArray:
    """Block numbers of arc ends as a flat integer array (int32 is kept: less to copy)."""
    array = np.asarray(blocks)
    if array.dtype not in (np.int32, np.int64):
        array = array.astype(np.int64)
    return np.ascontiguousarray(array.ravel())


def _available(engine: str) -> bool:
    return importlib.util.find_spec(_MODULES[engine]) is not None


def _pick(engine: str) -> str:
    if engine == "auto":
        for name in ENGINES:
            if _available(name):
                return name
    if engine not in ENGINES:
        msg = f"unknown engine {engine!r}; use one of auto, {', '.join(ENGINES)}"
        raise ValidationError(msg)
    if not _available(engine):
        msg = (
            f"the {engine!r} max-closure engine is not installed; install it with "
            "pip install 'bornite[pit]', or choose the engine auto (--engine auto, or "
            'engine = "auto" in [shells]) to use an installed one'
        )
        raise MissingDependencyError(msg)
    return engine


_Answer = tuple[BoolArray, int]


def _solve_pymineflow(n: int, values: IntArray, src: ArcArray, dst: ArcArray) -> _Answer:
    import pymineflow  # noqa: PLC0415 (optional engine)

    if src.size and bool(np.all(src[1:] >= src[:-1])):
        # arcs sorted by source (as block_arcs makes them): the CSR constructor is ~4x faster
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
        solver = pymineflow.ExplicitPit.from_csr(indptr, dst, values)
    else:
        solver = pymineflow.ExplicitPit(
            n, src.astype(np.int64, copy=False), dst.astype(np.int64, copy=False), values
        )
    mask, value, _, _ = solver.solve()
    return np.asarray(mask, dtype=bool), int(value)


def _solve_ortools(n: int, values: IntArray, src: ArcArray, dst: ArcArray) -> _Answer:
    from ortools.graph.python import max_flow  # noqa: PLC0415 (optional engine)

    src, dst = src.astype(np.int64, copy=False), dst.astype(np.int64, copy=False)

    graph = max_flow.SimpleMaxFlow()
    s, t = n, n + 1
    # OR-tools sizes the graph from its arcs: without a negative block the sink would not
    # exist, the solve still says OPTIMAL and the source side of the cut comes back wrong.
    graph.add_arc_with_capacity(s, t, 0)
    positive = np.flatnonzero(values > 0)
    negative = np.flatnonzero(values < 0)
    infinite = int(values[positive].sum()) + 1  # more than any cut through block arcs
    graph.add_arcs_with_capacity(np.full(positive.size, s), positive, values[positive])
    graph.add_arcs_with_capacity(negative, np.full(negative.size, t), -values[negative])
    if src.size:
        graph.add_arcs_with_capacity(src, dst, np.full(src.size, infinite, dtype=np.int64))
    status = graph.solve(s, t)
    if status != graph.OPTIMAL:
        msg = f"OR-tools max flow ended with status {status}, not OPTIMAL"
        raise ConvergenceError(msg)
    mask = np.zeros(n + 2, dtype=bool)
    mask[np.asarray(graph.get_source_side_min_cut(), dtype=np.int64)] = True
    return mask[:n], int(values[positive].sum()) - int(graph.optimal_flow())


def _solve_scipy(n: int, values: IntArray, src: ArcArray, dst: ArcArray) -> _Answer:
    from scipy.sparse import csr_matrix  # noqa: PLC0415
    from scipy.sparse.csgraph import breadth_first_order, maximum_flow  # noqa: PLC0415

    positive = np.flatnonzero(values > 0)
    negative = np.flatnonzero(values < 0)
    total = int(values[positive].sum())
    if total >= _INT32_MAX or int(-values[negative].sum()) >= _INT32_MAX:
        msg = (
            "the scipy engine has int32 capacities and these values sum beyond 2**31 - 1, "
            "where it would silently lose exactness; use engine='pymineflow' or 'ortools' "
            "(pip install 'bornite[pit]'), or a coarser integer unit"
        )
        raise ValidationError(msg)
    s, t = n, n + 1
    # one arc per (tail, head): duplicate arcs would be summed by the sparse matrix
    pairs = (
        np.unique(np.stack([src, dst], axis=1), axis=0) if src.size else np.empty((0, 2), np.int64)
    )
    tails = np.concatenate([np.full(positive.size, s), negative, pairs[:, 0]])
    heads = np.concatenate([positive, np.full(negative.size, t), pairs[:, 1]])
    caps = np.concatenate(
        [values[positive], -values[negative], np.full(len(pairs), total + 1, dtype=np.int64)]
    ).astype(np.int32)
    graph = csr_matrix((caps, (tails, heads)), shape=(n + 2, n + 2))
    result = maximum_flow(graph, s, t)
    flow = result.flow
    residual = (graph - flow).tocsr()
    residual.data[residual.data < 0] = 0  # reverse arcs of unused capacity: nothing to push
    residual.eliminate_zeros()
    reached = breadth_first_order(residual, s, directed=True, return_predecessors=False)
    mask = np.zeros(n + 2, dtype=bool)
    mask[reached] = True
    return mask[:n], total - int(result.flow_value)


_SOLVERS = {"pymineflow": _solve_pymineflow, "ortools": _solve_ortools, "scipy": _solve_scipy}


def ultimate_pit(
    values: npt.ArrayLike,
    source: npt.ArrayLike,
    target: npt.ArrayLike,
    *,
    engine: str = "auto",
    verify: bool = True,
) -> PitSolution:
    """The ultimate pit: the closed set of blocks of largest total value.

    Parameters
    ----------
    values : array_like of int
        Integer value of every block (round real values with :func:`integer_values`).
    source, target : array_like of int
        Precedence arcs: mining ``source[k]`` needs ``target[k]``.
    engine : {"auto", "pymineflow", "ortools", "scipy"}
        Max-closure engine; ``"auto"`` takes the first one installed.
    verify : bool
        Check the closure arc by arc (the value is always recomputed from the blocks). Only
        callers that check a family of pits at once, as :func:`bornite.pit.nested_shells`
        does, should turn it off.

    Returns
    -------
    PitSolution

    Raises
    ------
    ValidationError
        Non-integer values, or arcs naming blocks that do not exist.
    MissingDependencyError
        When the engine asked for is not installed.
    ConvergenceError
        When the engine's answer fails verification (not closed, or its value differs from
        the one recomputed from the blocks).

    Notes
    -----
    Maximum closure reduces to a minimum s-t cut (Picard 1976): an arc from the source to
    each positive block with its value as capacity, from each negative block to the sink with
    minus its value, and an uncuttable arc along each precedence. The source side of a
    minimum cut is an ultimate pit; its value is the sum of positive values less the max
    flow, which is checked against the sum over the blocks.

    Examples
    --------
    >>> pit = ultimate_pit([-1, -1, -1, 4], [3, 3, 3], [0, 1, 2])
    >>> pit.mask.tolist(), pit.value
    ([True, True, True, True], 1)
    >>> ultimate_pit([-2, -2, -2, 4], [3, 3, 3], [0, 1, 2]).n_blocks
    0
    """
    v = np.asarray(values)
    if v.dtype.kind not in "iu":
        if v.size and not np.array_equal(v, np.rint(v)):
            msg = (
                "block values must be integers for an exact solve; round them with integer_values()"
            )
            raise ValidationError(msg)
        v = v.astype(np.int64)
    v = np.ascontiguousarray(v.ravel(), dtype=np.int64)
    src, dst = _as_arcs(source), _as_arcs(target)
    n = v.size
    if src.shape != dst.shape:
        msg = f"source and target need the same length, got {src.size} and {dst.size}"
        raise ValidationError(msg)
    if src.size and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= n):
        msg = f"precedence arcs name blocks outside 0..{n - 1}; check the arcs against the values"
        raise ValidationError(msg)
    if np.abs(v).sum(dtype=np.float64) >= _INT64_SUM_LIMIT:
        msg = "block values sum beyond 64-bit integers; use a coarser integer unit"
        raise ValidationError(msg)
    name = _pick(engine)
    start = time.perf_counter()
    mask, reported = _SOLVERS[name](n, v, src, dst) if n else (np.zeros(0, dtype=bool), 0)
    seconds = time.perf_counter() - start
    if verify:
        check_closure(mask, src, dst)
    value = int(v[mask].sum())
    if value != reported:
        msg = (
            f"the {name} engine reported a pit value of {reported} but its blocks sum to "
            f"{value}; the solve is not trustworthy (please report it)"
        )
        raise ConvergenceError(msg)
    logger.debug(
        "ultimate pit by %s: %d blocks, value %d, %.3f s", name, mask.sum(), value, seconds
    )
    return PitSolution(
        mask=mask, value=value, n_blocks=int(mask.sum()), seconds=seconds, engine=name
    )
