"""Slope precedence: overall slope angles by azimuth sector -> a minimal set of arcs.

A block can only be mined once every block inside the inverted cone above it has been mined.
The cone's half-angle is set by the overall slope angle, which may change with the azimuth
of the pit wall (sectors) and with the rock (domains). The cone is represented by a *pattern*
of offsets to blocks one to ``n_benches`` benches higher; arcs chain, so the pattern only holds
the offsets that the shorter ones do not already imply (Caccetta & Giannini 1988).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from bornite.errors import ValidationError

__all__ = [
    "SlopeSet",
    "block_arcs",
    "pattern_report",
    "slope_arcs",
    "slope_pattern",
]

IntArray = npt.NDArray[np.int64]
Sector = tuple[float, float]


def _sectors(value: Any, where: str) -> tuple[Sector, ...]:
    """Validate ``(azimuth, angle)`` pairs (or one angle) and sort them by azimuth."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = ((0.0, float(value)),)
    try:
        pairs = [(float(a) % 360.0, float(s)) for a, s in value]
    except (TypeError, ValueError) as error:
        msg = (
            f"{where}: give slope sectors as (azimuth, angle) pairs in degrees, e.g. "
            f"[[0, 45], [180, 40]], or one angle; got {value!r}"
        )
        raise ValidationError(msg) from error
    if not pairs:
        msg = f"{where}: give at least one (azimuth, angle) sector"
        raise ValidationError(msg)
    for azimuth, angle in pairs:
        if not 0.0 < angle < 90.0 or not math.isfinite(azimuth):
            msg = (
                f"{where}: slope angles must lie strictly between 0 and 90 degrees "
                f"(got {angle} at azimuth {azimuth}); angles are from the horizontal"
            )
            raise ValidationError(msg)
    pairs.sort()
    azimuths = [a for a, _ in pairs]
    if len(set(azimuths)) != len(azimuths):
        msg = f"{where}: two sectors start at the same azimuth ({azimuths}); merge them"
        raise ValidationError(msg)
    return tuple(pairs)


@dataclass(frozen=True)
class SlopeSet:
    """Overall slope angles by azimuth sector, optionally by domain.

    Parameters
    ----------
    sectors : float or sequence of (float, float)
        One overall slope angle in degrees from the horizontal, or ``(azimuth, angle)`` pairs:
        each sector starts at its azimuth (degrees clockwise from north) and runs to the next
        one, cyclically. The azimuth is that of the pit wall seen from the pit centre: the
        north wall (sector ``0``) is the one whose crest lies north of its toe.
    n_benches : int
        Height of the precedence pattern in benches (blocks). Higher patterns honour the
        angles more closely and cost more arcs.
    domains : mapping of str to sectors, optional
        Sectors for blocks of a given domain (rock type), overriding ``sectors`` for them.

    Examples
    --------
    >>> SlopeSet(45.0).angle_at(123.0)
    45.0
    >>> s = SlopeSet([(0, 45), (180, 38)], n_benches=4)
    >>> s.angle_at(90.0), s.angle_at(270.0)
    (45.0, 38.0)
    """

    sectors: float | Sequence[Sector] = 45.0
    n_benches: int = 8
    domains: Mapping[str, float | Sequence[Sector]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sectors", _sectors(self.sectors, "slopes"))
        if isinstance(self.n_benches, bool) or int(self.n_benches) != self.n_benches:
            msg = f"slopes: n_benches must be a whole number, got {self.n_benches!r}"
            raise ValidationError(msg)
        if not 1 <= int(self.n_benches) <= 64:
            msg = f"slopes: n_benches must be between 1 and 64, got {self.n_benches}"
            raise ValidationError(msg)
        object.__setattr__(self, "n_benches", int(self.n_benches))
        if not isinstance(self.domains, Mapping):
            msg = f"slopes: domains must map a domain name to its sectors, got {self.domains!r}"
            raise ValidationError(msg)
        domains = {
            str(name): _sectors(value, f"slopes, domain {name!r}")
            for name, value in self.domains.items()
        }
        object.__setattr__(self, "domains", domains)

    def sectors_for(self, domain: object | None = None) -> tuple[Sector, ...]:
        """The sectors of ``domain`` (the default sectors when it has none of its own)."""
        if domain is not None and str(domain) in self.domains:
            return self.domains[str(domain)]  # type: ignore[return-value]
        return self.sectors  # type: ignore[return-value]

    def angle_at(self, azimuth: float, domain: object | None = None) -> float:
        """Slope angle (degrees) of the wall at ``azimuth`` (degrees) for ``domain``."""
        return float(_angle_at(np.asarray([azimuth], dtype=float), self.sectors_for(domain))[0])


def _angle_at(
    azimuth: npt.NDArray[np.float64], sectors: Sequence[Sector]
) -> npt.NDArray[np.float64]:
    starts = np.array([a for a, _ in sectors])
    angles = np.array([s for _, s in sectors])
    position = np.searchsorted(starts, np.mod(azimuth, 360.0), side="right") - 1
    return np.asarray(
        angles[position], dtype=float
    )  # position -1 wraps to the last sector, as it should


def _cone(
    level: int, sectors: Sequence[Sector], block_size: Sequence[float], half: int
) -> npt.NDArray[np.bool_]:
    """Plan offsets whose block centres lie in the cone ``level`` benches up; (2h+1)^2.

    The cone's apex is the floor of the mined block (the pit bottom), so a centre ``level``
    benches up lies ``(level + 1/2) dz`` above it.
    """
    dx, dy, dz = (float(v) for v in block_size)
    i = np.arange(-half, half + 1)
    east, north = np.meshgrid(i * dx, i * dy, indexing="ij")
    distance = np.hypot(east, north)
    azimuth = np.degrees(np.arctan2(east, north))
    angle = np.asarray(_angle_at(azimuth, sectors), dtype=float)
    reach = (level + 0.5) * dz / np.tan(np.radians(angle))
    return np.asarray(distance <= reach * (1.0 + 1e-9) + 1e-9)


def _half_width(sectors: Sequence[Sector], block_size: Sequence[float], levels: int) -> int:
    flattest = min(s for _, s in sectors)
    reach = (levels + 0.5) * float(block_size[2]) / math.tan(math.radians(flattest))
    return math.ceil(reach / min(float(block_size[0]), float(block_size[1]))) + 1


def _shift(array: npt.NDArray[np.bool_], a: int, b: int) -> npt.NDArray[np.bool_]:
    """``array`` moved by ``(a, b)`` cells, dropping what leaves the window."""
    width = array.shape[0]
    out = np.zeros_like(array)
    out[max(0, a) : width - max(0, -a), max(0, b) : width - max(0, -b)] = array[
        max(0, -a) : width - max(0, a), max(0, -b) : width - max(0, b)
    ]
    return out


def _reach(pattern: IntArray, levels: int, half: int) -> list[npt.NDArray[np.bool_]]:
    """Plan offsets reachable by chaining the arcs, for levels ``0 .. levels``."""
    width = 2 * half + 1
    reach = [np.zeros((width, width), dtype=bool) for _ in range(levels + 1)]
    reach[0][half, half] = True
    arcs = [tuple(int(v) for v in row) for row in pattern]
    for level in range(1, levels + 1):
        for a, b, c in arcs:
            if c <= level:
                reach[level] |= _shift(reach[level - c], a, b)
    return reach


def _build(cones: list[npt.NDArray[np.bool_]], half: int) -> IntArray:
    """Greedy minimal pattern: arcs that reach cone offsets without leaving the cones."""
    levels = len(cones)
    arcs: list[tuple[int, int, int]] = []
    reach = _reach(np.empty((0, 3), dtype=np.int64), levels, half)
    for level in range(1, levels + 1):
        candidates = np.argwhere(cones[level - 1] & ~reach[level]) - half
        order = np.argsort(np.hypot(candidates[:, 0], candidates[:, 1]), kind="stable")
        for a, b in candidates[order]:
            if reach[level][a + half, b + half]:
                continue  # reached meanwhile through another arc of this level
            trial = [*arcs, (int(a), int(b), level)]
            new = _reach(np.array(trial, dtype=np.int64), levels, half)
            # keep the arc only if chaining it never leaves the cone within the pattern
            # height: the pattern may then be steeper than asked, never flatter
            if all(not (new[k] & ~cones[k - 1]).any() for k in range(level + 1, levels + 1)):
                arcs, reach = trial, new
    return np.array(arcs, dtype=np.int64).reshape(-1, 3)


def slope_pattern(
    sectors: float | Sequence[Sector], block_size: Sequence[float], n_benches: int = 8
) -> IntArray:
    """The minimal precedence pattern honouring slope ``sectors`` over ``n_benches`` benches.

    Parameters
    ----------
    sectors : float or sequence of (float, float)
        Overall slope angle, or ``(azimuth, angle)`` sectors (see :class:`SlopeSet`).
    block_size : (float, float, float)
        Block size along easting, northing, elevation in metres.
    n_benches : int
        Pattern height in benches.

    Returns
    -------
    numpy.ndarray of int64, shape (m, 3)
        Offsets ``(di, dj, dk)`` in blocks (easting, northing, elevation, ``dk >= 1``) from a
        block to the blocks it needs mined first.

    Notes
    -----
    The ideal cone has its apex at the floor of the mined block (the pit bottom): the centre
    of a block ``k`` benches higher belongs to it when its horizontal distance is at most
    ``(k + 1/2) dz / tan(angle(azimuth))``. A 45-degree, one-bench pattern on cubic blocks is
    thus the 9 blocks above (the classic 1:9 pattern). Benches are added from the lowest: at
    bench ``k`` the plan offsets of the ideal cone are compared with
    those the arcs already chosen reach by chaining; only the missing ones become arcs. No arc
    is implied by the others, so the set is minimal for the cone it reaches; within the
    pattern's height every ideal offset is reached (chaining may reach a few more, see
    :func:`pattern_report`).

    Examples
    --------
    >>> len(slope_pattern(45.0, (10.0, 10.0, 10.0), n_benches=1))
    9
    """
    checked = _sectors(sectors, "slopes")
    if len(block_size) != 3 or not all(float(v) > 0 for v in block_size):
        msg = f"block_size needs three positive values (metres), got {tuple(block_size)}"
        raise ValidationError(msg)
    if not 1 <= int(n_benches) <= 64:
        msg = f"n_benches must be between 1 and 64, got {n_benches}"
        raise ValidationError(msg)
    half = _half_width(checked, block_size, int(n_benches))
    cones = [_cone(k, checked, block_size, half) for k in range(1, int(n_benches) + 1)]
    return _build(cones, half)


def pattern_report(
    sectors: float | Sequence[Sector],
    block_size: Sequence[float],
    n_benches: int = 8,
    *,
    levels: int | None = None,
    pattern: IntArray | None = None,
) -> pd.DataFrame:
    """How closely a precedence pattern honours the slope angles, sector by sector.

    The blocks reached by chaining the pattern ``k`` benches up are compared with the ideal
    cone (block centres within ``(k + 1/2) dz / tan(angle)`` horizontally, see
    :func:`slope_pattern`).

    Parameters
    ----------
    sectors, block_size, n_benches
        As for :func:`slope_pattern`.
    levels : int, optional
        Benches checked (default ``2 * n_benches``: the pattern beyond its own height).
    pattern : array of int, optional
        The pattern to check (default: ``slope_pattern(sectors, block_size, n_benches)``).

    Returns
    -------
    pandas.DataFrame
        One row per sector: ``azimuth_from``, ``azimuth_to``, ``angle`` (target, degrees),
        ``effective_angle`` (degrees, the angle of the cone with the reached plan area at the
        top bench checked), ``ideal_blocks`` and ``reached_blocks`` (plan offsets of the ideal
        and the reached cone at that bench, in the sector), ``missing_blocks`` (ideal but not
        reached: slope steeper than asked) and ``extra_blocks`` (reached but outside the ideal
        cone: flatter). ``attrs`` hold ``levels``, ``n_arcs`` and the worst absolute angle
        error ``max_error_deg``.

    Examples
    --------
    >>> r = pattern_report(45.0, (10.0, 10.0, 10.0), n_benches=8)
    >>> r.attrs["n_arcs"], bool(abs(r["effective_angle"][0] - 45.0) < 1.0)
    (29, True)
    """
    checked = _sectors(sectors, "slopes")
    arcs = slope_pattern(checked, block_size, n_benches) if pattern is None else pattern
    arcs = np.asarray(arcs, dtype=np.int64).reshape(-1, 3)
    top = 2 * int(n_benches) if levels is None else int(levels)
    if top < 1:
        msg = f"levels must be >= 1, got {levels}"
        raise ValidationError(msg)
    span = int(np.abs(arcs[:, :2]).max() / max(arcs[:, 2].min(), 1)) if len(arcs) else 0
    half = max(_half_width(checked, block_size, top), span * top) + 1
    reach = _reach(arcs, top, half)
    ideal = _cone(top, checked, block_size, half)
    reached = reach[top]
    dx, dy, dz = (float(v) for v in block_size)
    i = np.arange(-half, half + 1)
    east, north = np.meshgrid(i * dx, i * dy, indexing="ij")
    azimuth = np.mod(np.degrees(np.arctan2(east, north)), 360.0)
    starts = [a for a, _ in checked]
    rows = []
    worst = 0.0
    for n, (start, angle) in enumerate(checked):
        stop = starts[(n + 1) % len(starts)] if len(starts) > 1 else start + 360.0
        width = (stop - start) % 360.0 or 360.0
        inside = np.mod(azimuth - start, 360.0) < width
        inside[half, half] = False
        ideal_n = int((ideal & inside).sum())
        reached_n = int((reached & inside).sum())
        radius = (top + 0.5) * dz / math.tan(math.radians(angle))
        scaled = radius * math.sqrt(reached_n / ideal_n) if ideal_n else radius
        effective = math.degrees(math.atan2((top + 0.5) * dz, scaled)) if scaled > 0 else 90.0
        worst = max(worst, abs(effective - angle))
        rows.append(
            {
                "azimuth_from": start,
                "azimuth_to": stop % 360.0 if len(starts) > 1 else 360.0,
                "angle": angle,
                "effective_angle": effective,
                "ideal_blocks": ideal_n,
                "reached_blocks": reached_n,
                "missing_blocks": int((ideal & ~reached & inside).sum()),
                "extra_blocks": int((reached & ~ideal & inside).sum()),
            }
        )
    table = pd.DataFrame(rows)
    table.attrs.update({"levels": top, "n_arcs": len(arcs), "max_error_deg": worst})
    return table


def block_arcs(
    shape: Sequence[int],
    patterns: IntArray | Sequence[IntArray],
    *,
    domain: npt.ArrayLike | None = None,
    present: npt.ArrayLike | None = None,
) -> tuple[IntArray, IntArray]:
    """Precedence arcs between the blocks of a regular grid.

    Parameters
    ----------
    shape : (int, int, int)
        Blocks along easting, northing, elevation; blocks are numbered in C order (elevation
        fastest), as :meth:`bornite.blockmodel.BlockGrid.centroids`.
    patterns : array of int (m, 3), or a sequence of them
        One pattern for all blocks, or one per domain code.
    domain : array of int, optional
        Domain code of every block (index into ``patterns``), flat or of ``shape``.
    present : array of bool, optional
        Blocks that exist (flat or of ``shape``); arcs to or from absent blocks are dropped.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``source`` and ``target`` block numbers: mining ``source[k]`` needs ``target[k]``,
        sorted by source block. Offsets leaving the grid are dropped (the model's edge is its
        limit).

    Examples
    --------
    >>> src, dst = block_arcs((3, 1, 2), np.array([[-1, 0, 1], [0, 0, 1], [1, 0, 1]]))
    >>> sorted(zip(src.tolist(), dst.tolist()))
    [(0, 1), (0, 3), (2, 1), (2, 3), (2, 5), (4, 3), (4, 5)]
    """
    nx, ny, nz = (int(v) for v in shape)
    n = nx * ny * nz
    many = not (isinstance(patterns, np.ndarray) and patterns.ndim == 2)
    pattern_list = (
        [np.asarray(p, dtype=np.int64).reshape(-1, 3) for p in patterns]
        if many
        else [np.asarray(patterns, dtype=np.int64)]
    )
    codes = None
    if domain is not None:
        codes = np.asarray(domain).reshape(-1)
        if codes.size != n:
            msg = f"domain has {codes.size} values for a grid of {n} blocks"
            raise ValidationError(msg)
        if codes.size and (codes.min() < 0 or codes.max() >= len(pattern_list)):
            msg = f"domain codes must lie in 0..{len(pattern_list) - 1} (one pattern each)"
            raise ValidationError(msg)
    elif len(pattern_list) != 1:
        msg = "several patterns need a domain code for every block"
        raise ValidationError(msg)
    keep = None if present is None else np.asarray(present, dtype=bool).reshape(-1)
    width = max((len(p) for p in pattern_list), default=0)
    if n == 0 or width == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    # targets of every block, one column per offset (-1: none), filled offset by offset in
    # contiguous slices, then read row by row so that the arcs come out sorted by source
    # block (engines build their graph fastest from such CSR arcs); int32 halves the traffic
    kind: type[np.signedinteger[Any]] = np.int32 if n < 2**31 - 1 else np.int64
    flat = np.arange(n, dtype=kind).reshape(nx, ny, nz)
    grid_codes = None if codes is None else codes.reshape(nx, ny, nz)
    columns = np.empty((width, nx, ny, nz), dtype=kind)
    for column in range(width):
        plane = columns[column]
        plane.fill(-1)
        for code, pattern in enumerate(pattern_list):
            if column >= len(pattern):
                continue
            di, dj, dk = (int(v) for v in pattern[column])
            box = (
                slice(max(0, -di), nx - max(0, di)),
                slice(max(0, -dj), ny - max(0, dj)),
                slice(max(0, -dk), nz - max(0, dk)),
            )
            shifted = np.add(flat[box], (di * ny + dj) * nz + dk, dtype=kind)
            if grid_codes is None or len(pattern_list) == 1:
                plane[box] = shifted
            else:
                plane[box] = np.where(grid_codes[box] == code, shifted, plane[box])
    targets = np.ascontiguousarray(columns.reshape(width, n).T)
    del columns
    if keep is not None:
        targets[~keep] = -1
        targets[(targets >= 0) & ~keep[np.maximum(targets, 0)]] = -1
    valid = targets >= 0
    source = np.repeat(np.arange(n, dtype=np.int64), np.count_nonzero(valid, axis=1))
    return source, targets[valid].astype(np.int64)


def slope_arcs(
    shape: tuple[int, int, int],
    block_size: Sequence[float],
    slopes: SlopeSet,
    labels: npt.ArrayLike | None = None,
) -> tuple[IntArray, IntArray, pd.DataFrame, int]:
    """Precedence arcs of a block model for a slope set, by domain where it has domains.

    Parameters
    ----------
    shape : (int, int, int)
        Blocks along easting, northing, elevation.
    block_size : sequence of float
        Block size in metres.
    slopes : SlopeSet
        Default sectors and, optionally, sectors by domain.
    labels : array_like, optional
        Each block's domain label (flat, in the grid's order), as
        :func:`~bornite.pit.domain_label` gives them; blocks of a domain named in
        ``slopes.domains`` take its sectors, the others the defaults.

    Returns
    -------
    (source, target, report, pattern_arcs)
        The arcs (each block to the blocks above it that must go first), the honour report of
        every pattern (:func:`pattern_report`, column ``domain``; ``attrs["max_error_deg"]``
        is the worst angle error) and the number of arcs of the default pattern.
    """
    names = sorted(slopes.domains or {}) if labels is not None else []
    patterns = [slope_pattern(slopes.sectors_for(None), block_size, slopes.n_benches)]
    patterns += [slope_pattern(slopes.sectors_for(n), block_size, slopes.n_benches) for n in names]
    if names:
        block_labels = np.asarray(labels, dtype=object).ravel()
        codes = np.zeros(block_labels.size, dtype=np.int64)
        for k, name in enumerate(names, start=1):
            codes[block_labels == name] = k
        source, target = block_arcs(shape, patterns, domain=codes)
    else:
        source, target = block_arcs(shape, patterns[0])
    reports = [
        pattern_report(slopes.sectors_for(name), block_size, slopes.n_benches, pattern=pattern)
        for name, pattern in zip([None, *names], patterns, strict=True)
    ]
    worst = max(float(r.attrs["max_error_deg"]) for r in reports)
    report = pd.concat(
        [
            r.assign(domain=name or "(default)")
            for name, r in zip([None, *names], reports, strict=True)
        ],
        ignore_index=True,
    )
    report.attrs["max_error_deg"] = worst
    return source, target, report, len(patterns[0])
