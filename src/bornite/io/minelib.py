"""MineLib instances (Espinoza, Goycoolea, Moreno & Newman 2013): ``.blocks``, ``.prec``, ``.upit``.

The format (MineLib file-format specification v1.0): ASCII files, lines starting with ``%``
are comments, fields are separated by spaces, tabs or colons (runs count as one, leading ones
are dropped). ``.blocks``: ``<id> <x> <y> <z> <str1> ... <strk>``; ``.prec``: ``<id> <n>
<p1> ... <pn>`` (block ``id`` needs its ``n`` predecessors mined first); ``.upit``: keyword
lines ``NAME:``, ``TYPE: UPIT``, ``NBLOCKS:``, then ``OBJECTIVE_FUNCTION:`` followed by one
``<id> <value>`` line per block, and optionally ``EOF``.

Block values are read *exactly*: the decimal strings are scaled by the smallest power of ten
that makes every one an integer, so an integer max-closure solve is exact and the published
optima are reproduced to the unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from bornite.errors import DataFileError
from bornite.io._files import read_text

__all__ = [
    "MineLibInstance",
    "read_minelib",
    "read_minelib_blocks",
    "read_minelib_precedence",
    "read_minelib_values",
]

IntArray = npt.NDArray[np.int64]
_SEPARATORS = str.maketrans({"\t": " ", ":": " ", "\r": " "})
_INT64_LIMIT = 2**62


def _lines(path: Path) -> list[tuple[int, list[str]]]:
    """Non-empty, non-comment lines as ``(line number, fields)``."""
    out = []
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        if line.lstrip().startswith("%"):
            continue
        fields = line.translate(_SEPARATORS).split()
        if fields:
            out.append((number, fields))
    return out


def _int(token: str, path: Path, number: int, what: str) -> int:
    try:
        return int(token)
    except ValueError:
        msg = f"{path}, line {number}: {what} must be a whole number, got {token!r}; fix the file"
        raise DataFileError(msg) from None


def _decimal_places(token: str) -> int:
    value = Decimal(token)
    exponent = value.as_tuple().exponent
    return max(0, -int(exponent)) if isinstance(exponent, int) else 0


@dataclass(frozen=True)
class MineLibInstance:
    """A MineLib ultimate-pit instance with exact integer block values.

    Attributes
    ----------
    name : str
        Instance name (the ``NAME`` of the ``.upit`` file).
    values : numpy.ndarray of int64
        Block values times ``scale`` (exact integers), by block id.
    scale : int
        Power of ten the values were multiplied by: real value = ``values / scale``.
    source, target : numpy.ndarray of int64
        Precedence arcs: block ``source[k]`` needs block ``target[k]``.
    blocks : pandas.DataFrame, optional
        The ``.blocks`` table (``id``, ``x``, ``y``, ``z`` and the instance's own columns).
    exact_values : tuple of Decimal
        The values exactly as written in the ``.upit`` file.
    """

    name: str
    values: IntArray
    scale: int
    source: IntArray
    target: IntArray
    blocks: pd.DataFrame | None = field(default=None, repr=False)
    exact_values: tuple[Decimal, ...] = field(default=(), repr=False)

    @property
    def rounded(self) -> bool:
        """Whether some values have more decimals than ``scale`` keeps."""
        return any(
            d.scaleb(len(str(self.scale)) - 1) != int(v)
            for d, v in zip(self.exact_values, self.values.tolist(), strict=True)
        )

    @property
    def n_blocks(self) -> int:
        """Number of blocks."""
        return int(self.values.size)

    def objective(self, mask: npt.ArrayLike) -> Decimal:
        """Value of the blocks in ``mask``, in the file's units, summed exactly."""
        inside = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not self.exact_values:
            return Decimal(int(self.values[inside].sum())).scaleb(-(len(str(self.scale)) - 1))
        return sum((self.exact_values[k] for k in inside.tolist()), Decimal(0))


def read_minelib_values(path: str | Path) -> tuple[str, IntArray, int, tuple[Decimal, ...]]:
    """Read a ``.upit`` file.

    Returns
    -------
    (str, numpy.ndarray of int64, int, tuple of Decimal)
        The instance name, the block values scaled to integers (by block id), the
        power-of-ten scale (real value = integer / scale), and the values exactly as written.
        The scale is the finest that keeps the values' sum within 64-bit integers, so the
        integers are exact unless a value has more decimals than that (then rounded half to
        even at the last decimal kept).

    Raises
    ------
    DataFileError
        Naming the file and line: a missing ``OBJECTIVE_FUNCTION`` section, a TYPE other
        than UPIT, a bad number, a repeated or missing block id, or a count that differs from
        ``NBLOCKS``.
    """
    path = Path(path)
    name, kind, declared = path.stem, "UPIT", None
    rows: list[tuple[int, list[str]]] = []
    in_body = False
    for number, fields in _lines(path):
        keyword = fields[0].upper()
        if in_body:
            if keyword == "EOF":
                break
            if len(fields) != 2:
                msg = (
                    f"{path}, line {number}: expected '<block id> <value>' (one destination "
                    f"for UPIT), got {len(fields)} fields"
                )
                raise DataFileError(msg)
            rows.append((number, fields))
        elif keyword == "OBJECTIVE_FUNCTION":
            in_body = True
        elif keyword == "NAME":
            name = " ".join(fields[1:]) or name
        elif keyword == "TYPE":
            kind = fields[1].upper() if len(fields) > 1 else ""
            if kind != "UPIT":
                msg = f"{path}, line {number}: TYPE is {kind or 'empty'}, expected UPIT"
                raise DataFileError(msg)
        elif keyword == "NBLOCKS":
            declared = _int(fields[1] if len(fields) > 1 else "", path, number, "NBLOCKS")
    if not in_body:
        msg = f"{path}: no OBJECTIVE_FUNCTION section; is it a MineLib .upit file?"
        raise DataFileError(msg)
    n = len(rows) if declared is None else declared
    if len(rows) != n:
        msg = f"{path}: NBLOCKS is {n} but the OBJECTIVE_FUNCTION section has {len(rows)} lines"
        raise DataFileError(msg)
    ids = np.empty(n, dtype=np.int64)
    tokens = []
    places = 0
    for k, (number, fields) in enumerate(rows):
        ids[k] = _int(fields[0], path, number, "block id")
        try:
            places = max(places, _decimal_places(fields[1]))
        except InvalidOperation:
            msg = f"{path}, line {number}: block value must be a number, got {fields[1]!r}"
            raise DataFileError(msg) from None
        tokens.append(fields[1])
    decimals = [Decimal(token) for token in tokens]
    total = sum((abs(d) for d in decimals), Decimal(0))
    # the finest power-of-ten scale that keeps the sum of |values| within int64: exact
    # when every value has at most that many decimals (printing artefacts such as
    # 4362.94593000001 round at the last digits kept)
    while places > 0 and total.scaleb(places) >= _INT64_LIMIT:
        places -= 1
    if total.scaleb(places) >= _INT64_LIMIT:
        msg = f"{path}: the block values sum beyond 64-bit integers; they cannot be solved exactly"
        raise DataFileError(msg)
    scale = 10**places
    values = np.asarray(
        [int(d.scaleb(places).to_integral_value(ROUND_HALF_EVEN)) for d in decimals],
        dtype=np.int64,
    ).reshape(n)
    order = np.argsort(ids, kind="stable")
    if not np.array_equal(ids[order], np.arange(n)):
        seen, repeated = np.unique(ids, return_counts=True)
        bad = seen[(repeated > 1) | (seen < 0) | (seen >= n)]
        first = int(bad[0]) if bad.size else int(np.setdiff1d(np.arange(n), ids)[0])
        where = [number for number, fields in rows if fields[0] == str(first)]
        line = f", line {where[-1]}" if where else ""
        msg = (
            f"{path}{line}: block ids must be 0..{n - 1}, each once; block {first} is "
            f"{'repeated or out of range' if bad.size else 'missing'}"
        )
        raise DataFileError(msg)
    exact = tuple(decimals[k] for k in order)
    return name, values[order], scale, exact


def read_minelib_precedence(
    path: str | Path, n_blocks: int | None = None
) -> tuple[IntArray, IntArray]:
    """Read a ``.prec`` file as arcs ``(source, target)``: ``source[k]`` needs ``target[k]``.

    Raises
    ------
    DataFileError
        Naming the file and line: a count that differs from the predecessors listed, an id
        outside ``0 .. n_blocks - 1``, a block listed twice, or a non-integer field.
    """
    path = Path(path)
    sources: list[int] = []
    targets: list[int] = []
    seen: dict[int, int] = {}
    for number, fields in _lines(path):
        try:
            numbers = [int(f) for f in fields]
        except ValueError:
            bad = next(f for f in fields if not f.lstrip("+-").isdigit())
            msg = f"{path}, line {number}: fields must be whole numbers, got {bad!r}"
            raise DataFileError(msg) from None
        block = numbers[0]
        if len(numbers) < 2 or numbers[1] != len(numbers) - 2:
            given = numbers[1] if len(numbers) > 1 else "no"
            msg = (
                f"{path}, line {number}: block {block} declares {given} predecessors but "
                f"lists {max(len(numbers) - 2, 0)}; the line must be '<id> <n> <p1> ... <pn>'"
            )
            raise DataFileError(msg)
        if block in seen:
            msg = f"{path}, line {number}: block {block} already has a line (line {seen[block]})"
            raise DataFileError(msg)
        seen[block] = number
        if n_blocks is not None:
            for b in (block, *numbers[2:]):
                if not 0 <= b < n_blocks:
                    msg = (
                        f"{path}, line {number}: block {b} is outside 0..{n_blocks - 1} "
                        "(the number of blocks in the .upit file)"
                    )
                    raise DataFileError(msg)
        if block in numbers[2:]:
            msg = (
                f"{path}, line {number}: block {block} lists itself as a predecessor; a block "
                "cannot have to be mined before itself: remove it from its line"
            )
            raise DataFileError(msg)
        sources.extend([block] * (len(numbers) - 2))
        targets.extend(numbers[2:])
    source = np.asarray(sources, dtype=np.int64)
    target = np.asarray(targets, dtype=np.int64)
    _refuse_cycles(source, target, path, seen)
    return source, target


def _refuse_cycles(source: IntArray, target: IntArray, path: Path, lines: dict[int, int]) -> None:
    """Refuse precedences that go round in a circle (``a`` before ``b`` before ``a``).

    Strongly connected components of the arc graph (Tarjan's algorithm in SciPy, linear in
    blocks and arcs): any component of more than one block is a cycle.
    """
    if source.size == 0:
        return
    from scipy.sparse import coo_matrix  # noqa: PLC0415
    from scipy.sparse.csgraph import connected_components  # noqa: PLC0415

    n = int(max(source.max(), target.max())) + 1
    graph = coo_matrix(
        (np.ones(source.size, dtype=np.int8), (source, target)), shape=(n, n)
    ).tocsr()
    count, labels = connected_components(graph, directed=True, connection="strong")
    if count == n:
        return
    sizes = np.bincount(labels)
    cyclic = np.flatnonzero(sizes[labels] > 1)
    shown = ", ".join(f"{b} (line {lines.get(int(b), '?')})" for b in cyclic[:6])
    msg = (
        f"{path}: the precedences go round in a circle through {cyclic.size} block(s): "
        f"{shown}{' ...' if cyclic.size > 6 else ''}; each block must be mined after its "
        "predecessors only, so correct those lines"
    )
    raise DataFileError(msg)


def read_minelib_blocks(path: str | Path) -> pd.DataFrame:
    """Read a ``.blocks`` file: ``id``, ``x``, ``y``, ``z`` and the instance's columns.

    A first line of names (as in the KD instance) is used as the header; otherwise the extra
    columns are named ``col5``, ``col6``... Numeric columns become numbers.
    """
    path = Path(path)
    lines = _lines(path)
    header: list[str] | None = None
    if lines and not re.fullmatch(r"[+-]?\d+", lines[0][1][0]):
        header = [f.lower() for f in lines[0][1]]
        lines = lines[1:]
    if not lines:
        msg = f"{path}: no blocks; expected lines '<id> <x> <y> <z> ...'"
        raise DataFileError(msg)
    width = len(lines[0][1])
    for number, fields in lines:
        if len(fields) != width or width < 4:
            msg = (
                f"{path}, line {number}: expected {max(width, 4)} fields like the first block "
                f"line ('<id> <x> <y> <z> ...'), got {len(fields)}"
            )
            raise DataFileError(msg)
    names = ["id", "x", "y", "z"] + [f"col{k}" for k in range(5, width + 1)]
    if header is not None and len(header) == width:
        names = ["id", "x", "y", "z", *header[4:]]
    table = pd.DataFrame([fields for _, fields in lines], columns=names)
    for column in names:
        converted = pd.to_numeric(table[column], errors="coerce")
        if converted.notna().all():
            table[column] = converted
        elif column in ("id", "x", "y", "z"):
            k = int(np.flatnonzero(converted.isna().to_numpy())[0])
            msg = (
                f"{path}, line {lines[k][0]}: {column} must be a whole number, got "
                f"{table[column].iloc[k]!r}"
            )
            raise DataFileError(msg)
    return table


def read_minelib(prefix: str | Path, *, blocks: bool = True) -> MineLibInstance:
    """Read ``PREFIX.upit``, ``PREFIX.prec`` and (optionally) ``PREFIX.blocks``.

    Parameters
    ----------
    prefix : str or Path
        Path without suffix, e.g. ``minelib/newman1/newman1``.
    blocks : bool
        Also read the ``.blocks`` table (not needed to solve).

    Returns
    -------
    MineLibInstance

    Raises
    ------
    DataFileError
        When a file is missing or malformed, naming the file and the line, or when the files
        disagree on the number of blocks.
    """
    prefix = Path(prefix)
    base = prefix.with_suffix("") if prefix.suffix in (".upit", ".prec", ".blocks") else prefix
    upit, prec, block_file = (Path(f"{base}.{s}") for s in ("upit", "prec", "blocks"))
    for path in (upit, prec, *((block_file,) if blocks else ())):
        if not path.is_file():
            msg = f"{path}: file not found; give the path prefix of the instance (without suffix)"
            raise DataFileError(msg)
    name, values, scale, exact = read_minelib_values(upit)
    source, target = read_minelib_precedence(prec, values.size)
    table = None
    if blocks:
        table = read_minelib_blocks(block_file)
        if len(table) != values.size:
            msg = (
                f"{block_file}: {len(table)} blocks, but {upit} has {values.size}; the files "
                "belong to different instances"
            )
            raise DataFileError(msg)
    return MineLibInstance(name, values, scale, source, target, table, exact)
