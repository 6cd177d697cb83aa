"""A seeded synthetic region for prospectivity modelling, with a known generating rule.

Faults (polylines), intrusions (elliptical stocks), geology units (sinuous belts), stream
sediment samples with a copper anomaly and porphyry deposits placed by a known rule: the
intensity of deposits rises near intrusion margins, near faults and in one favourable unit,
and deposits come in clusters (parents drawn from the intensity, offspring around them,
thinned by the intensity). A smooth magnetic field that has nothing to do with the rule is
included as a distractor. Everything here is illustrative.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr

from bornite.core.random import SeedLike, as_generator
from bornite.errors import ValidationError
from bornite.geostats import SearchNeighbourhood
from bornite.prospectivity.evidence import (
    distance_to_lines,
    distance_to_polygon_boundaries,
    interpolate_samples,
    line_density,
    rasterize_polygons,
)
from bornite.prospectivity.grid import RasterGrid, stack_layers

__all__ = ["REGION_RULE", "SyntheticRegion", "synthetic_region"]

FloatArray = npt.NDArray[np.float64]

#: Terms of the log-intensity of deposits: ``log lambda = sum coefficient * term``.
REGION_RULE: Mapping[str, float] = {
    "contact_distance": 4.0,  # times exp(-d / 1.5 km), d to the nearest intrusion margin
    "fault_distance": 3.0,  # times exp(-d / 1.5 km), d to the nearest fault
    "geology": 1.5,  # times 1 in the favourable unit (code 2, "arc volcanics")
}
_UNITS = ("basement", "arc volcanics", "sediments", "cover")


@dataclass(frozen=True)
class SyntheticRegion:
    """A synthetic prospectivity region and the truth that generated it.

    Attributes
    ----------
    grid : RasterGrid
        The raster grid (metres, local CRS ``None``).
    layers : xarray.Dataset
        Evidence layers: ``contact_distance``, ``fault_distance`` (m), ``fault_density``
        (km/km^2), ``geology`` (categorical codes 1-4, names in ``attrs["categories"]``),
        ``cu_log10`` (IDW of log10 Cu ppm from the samples) and ``magnetics`` (a distractor
        unrelated to the deposits).
    faults : tuple of ndarray
        Fault polylines, ``(n, 2)`` vertex arrays.
    intrusions : tuple of ndarray
        Intrusion outlines (closed rings, ``(n, 2)``).
    geology_units : tuple of ndarray
        Outlines of the geology units (rings, unit ``i + 1`` is ``geology_units[i]``).
    samples : DataFrame
        Stream-sediment samples: ``easting``, ``northing``, ``cu_ppm``.
    deposits : DataFrame
        ``name``, ``easting``, ``northing``, ``row``, ``col``, ``cluster`` and ``kind``
        (``deposit`` or ``occurrence``) of every known point.
    probability : xarray.DataArray
        True probability of a deposit in each cell under the generating intensity (first
        order: the expected number of deposits in the cell, at most one).
    rule : Mapping
        Coefficients of the generating rule (:data:`REGION_RULE`).
    """

    grid: RasterGrid
    layers: xr.Dataset
    faults: tuple[FloatArray, ...]
    intrusions: tuple[FloatArray, ...]
    geology_units: tuple[FloatArray, ...]
    samples: pd.DataFrame
    deposits: pd.DataFrame
    probability: xr.DataArray
    rule: Mapping[str, float]


def _smooth_field(
    rng: np.random.Generator, xy: FloatArray, scale: float, n_waves: int = 200
) -> FloatArray:
    """A unit-variance Gaussian random field (sum of random cosines, Gaussian covariance)."""
    freq = rng.normal(0.0, 1.0 / scale, size=(n_waves, 2))
    phase = rng.uniform(0.0, 2 * np.pi, n_waves)
    out = np.empty(len(xy))
    for start in range(0, len(xy), 65536):
        chunk = xy[start : start + 65536]
        out[start : start + len(chunk)] = np.cos(chunk @ freq.T + phase).sum(axis=1)
    return out * np.sqrt(2.0 / n_waves)


def synthetic_region(
    *,
    seed: SeedLike = 0,
    shape: tuple[int, int] = (160, 160),
    cell_size: float = 250.0,
    n_deposits: int = 40,
    n_faults: int = 6,
    n_intrusions: int = 6,
    n_samples: int = 500,
    mean_cluster_size: float = 4.0,
    cluster_radius: float = 1000.0,
    length_scale: float = 1.0,
    rule_strength: float = 1.0,
    deposit_fraction: float = 1.0,
) -> SyntheticRegion:
    """Generate a synthetic region with clustered porphyry deposits placed by a known rule.

    Parameters
    ----------
    seed : int, SeedSequence, Generator or None
        Seed; the same seed gives the same region.
    shape : (int, int)
        Rows and columns of the grid (at least 20 x 20).
    cell_size : float
        Cell side in metres.
    n_deposits : int
        Number of known deposits (at most one per cell).
    n_faults, n_intrusions, n_samples : int
        Numbers of faults, intrusions and geochemical samples.
    mean_cluster_size : float
        Mean number of deposits per cluster (1 for no clustering).
    cluster_radius : float
        Standard deviation (m) of offspring around their cluster's parent.
    length_scale : float
        Multiplies every length of the geology (intrusion sizes, the rule's and the copper
        halo's decay lengths, the cluster radius, the magnetic field's correlation length and
        the fault-density radius): with ``cell_size`` scaled by the same factor the region
        looks the same, only larger (2: a 1 km grid like the 500 m one).
    rule_strength : float
        Multiplier of the rule's coefficients (0: deposits ignore the geology; larger: they
        hug intrusion margins and faults more tightly).
    deposit_fraction : float
        Share of the known points that are deposits (``kind = "deposit"``: a resource of the
        grade-tonnage model's type, counted by a deposit-density estimate); the others are
        occurrences and prospects (``kind = "occurrence"``), placed by the same rule. All of
        them train a prospectivity model. Chosen at random, last, so the region does not
        change with it.

    Returns
    -------
    SyntheticRegion

    Notes
    -----
    Lengths below are for ``length_scale = 1``. The intensity of deposits is
    ``lambda(x) ∝ exp(4 exp(-d_c / 1500) + 3 exp(-d_f / 1500)
    + 1.5 [unit = arc volcanics])`` with ``d_c`` the distance to the nearest intrusion margin
    and ``d_f`` to the nearest fault (metres). Cluster parents are drawn with probability
    proportional to ``lambda``; offspring fall around a parent with a normal offset of
    ``cluster_radius`` and are kept with probability ``lambda(child) / lambda(parent)``
    (at most 1). Copper in samples is log-normal (median 30 ppm, log10 sd 0.2) times
    ``1 + 1.5 exp(-d_dep / 800) + exp(-d_c / 1000)``, ``d_dep`` the distance to the nearest
    deposit (known or not: here all deposits are known).

    Examples
    --------
    >>> region = synthetic_region(seed=1, shape=(40, 40), cell_size=500.0, n_deposits=10)
    >>> len(region.deposits), sorted(region.layers.data_vars)[:2]
    (10, ['contact_distance', 'cu_log10'])
    """
    rows, cols = (int(v) for v in shape)
    if rows < 20 or cols < 20:
        msg = f"shape must be at least (20, 20) cells; got {shape}"
        raise ValidationError(msg)
    if not (np.isfinite(cell_size) and cell_size > 0):
        msg = f"cell_size must be a finite length > 0 (m); got {cell_size!r}"
        raise ValidationError(msg)
    if not 1 <= n_deposits <= rows * cols // 20:
        msg = f"n_deposits must lie in [1, cells / 20 = {rows * cols // 20}]; got {n_deposits}"
        raise ValidationError(msg)
    if not 0.0 < deposit_fraction <= 1.0 or round(deposit_fraction * n_deposits) < 1:
        msg = (
            f"deposit_fraction must leave at least one deposit among the {n_deposits} known "
            f"points (0 < fraction <= 1); got {deposit_fraction!r}"
        )
        raise ValidationError(msg)
    if not (np.isfinite(rule_strength) and rule_strength >= 0):
        msg = f"rule_strength must be a finite number >= 0; got {rule_strength!r}"
        raise ValidationError(msg)
    if n_faults < 1 or n_intrusions < 1 or n_samples < 10 or mean_cluster_size < 1:
        msg = (
            "need n_faults >= 1, n_intrusions >= 1, n_samples >= 10 and mean_cluster_size >= 1; "
            f"got {n_faults}, {n_intrusions}, {n_samples}, {mean_cluster_size}"
        )
        raise ValidationError(msg)
    if not (np.isfinite(length_scale) and length_scale > 0):
        msg = f"length_scale must be a finite number > 0; got {length_scale!r}"
        raise ValidationError(msg)
    k = float(length_scale)
    rng = as_generator(seed)
    width, height = cols * cell_size, rows * cell_size
    grid = RasterGrid((0.0, height), (cell_size, cell_size), (rows, cols))

    # Faults: gently bent polylines crossing much of the region.
    faults = []
    for _ in range(n_faults):
        start = rng.uniform([0, 0], [width, height])
        angle = rng.uniform(0, np.pi)
        length = rng.uniform(0.4, 0.9) * max(width, height)
        t = np.linspace(-0.5, 0.5, 5)[:, None] * length
        direction = np.array([np.cos(angle), np.sin(angle)])
        normal = np.array([-direction[1], direction[0]])
        bend = rng.normal(0.0, 0.03 * length, (5, 1))
        faults.append(start + t * direction + bend * normal)

    # Intrusions: ellipses of 1-3 km semi-axes.
    intrusions = []
    theta = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    for _ in range(n_intrusions):
        centre = rng.uniform([0.1 * width, 0.1 * height], [0.9 * width, 0.9 * height])
        a, b = rng.uniform(1000.0, 3000.0) * k, rng.uniform(700.0, 2000.0) * k
        phi = rng.uniform(0, np.pi)
        ex, ny = a * np.cos(theta), b * np.sin(theta)
        ring = centre + np.column_stack(
            [ex * np.cos(phi) - ny * np.sin(phi), ex * np.sin(phi) + ny * np.cos(phi)]
        )
        intrusions.append(ring)

    # Geology: four east-west belts with sinuous boundaries (unit 2 is favourable).
    x = np.linspace(-cell_size, width + cell_size, 33)
    levels = np.sort(rng.uniform(0.15, 0.85, 3)) * height
    bounds = [np.full_like(x, -cell_size)]
    for level in levels:
        wave = (
            0.06
            * height
            * np.sin(2 * np.pi * x / width * rng.uniform(0.5, 1.5) + rng.uniform(0, 6))
        )
        bounds.append(level + wave)
    bounds.append(np.full_like(x, height + cell_size))
    units = [
        np.vstack([np.column_stack([x, lo]), np.column_stack([x[::-1], hi[::-1]])])
        for lo, hi in itertools.pairwise(bounds)
    ]

    contact = distance_to_polygon_boundaries(grid, intrusions, name="contact_distance")
    fault = distance_to_lines(grid, faults, name="fault_distance")
    geology = rasterize_polygons(
        grid, units, values=[1.0, 2.0, 3.0, 4.0], categories=_UNITS, name="geology"
    )
    log_intensity = rule_strength * (
        REGION_RULE["contact_distance"] * np.exp(-contact.values / (1500.0 * k))
        + REGION_RULE["fault_distance"] * np.exp(-fault.values / (1500.0 * k))
        + REGION_RULE["geology"] * (geology.values == 2.0)
    )
    weight = np.exp(log_intensity - log_intensity.max()).ravel()
    cells_p = weight / weight.sum()

    # Clustered deposits: parents from the intensity, offspring thinned by it.
    taken: set[int] = set()
    records: list[tuple[float, float, int, int, int]] = []
    cluster = 0
    while len(records) < n_deposits:
        parent = int(rng.choice(grid.n_cells, p=cells_p))
        if parent in taken:
            continue
        cluster += 1
        pr, pc = divmod(parent, cols)
        members = [(pr, pc)]
        wanted = 1 + rng.poisson(mean_cluster_size - 1.0)
        tries = 0
        while len(members) < wanted and tries < 50 * wanted:
            tries += 1
            e = grid.easting[pc] + rng.normal(0.0, cluster_radius * k)
            n = grid.northing[pr] + rng.normal(0.0, cluster_radius * k)
            r, c = grid.cell_index([e], [n])
            if r[0] < 0:
                continue
            cell = int(r[0] * cols + c[0])
            if cell in taken or (int(r[0]), int(c[0])) in members:
                continue
            if rng.uniform() < min(1.0, weight[cell] / weight[parent]):
                members.append((int(r[0]), int(c[0])))
        for r_, c_ in members:
            if len(records) >= n_deposits or r_ * cols + c_ in taken:
                continue
            taken.add(r_ * cols + c_)
            e = grid.easting[c_] + rng.uniform(-0.4, 0.4) * cell_size
            n = grid.northing[r_] + rng.uniform(-0.4, 0.4) * cell_size
            records.append((e, n, r_, c_, cluster))
    deposits = pd.DataFrame(records, columns=["easting", "northing", "row", "col", "cluster"])
    deposits.insert(0, "name", [f"D{i + 1:03d}" for i in range(len(deposits))])

    # Stream-sediment copper with a halo around deposits and intrusion margins.
    xy = rng.uniform([0, 0], [width, height], size=(n_samples, 2))
    d_dep = np.min(
        np.hypot(
            xy[:, None, 0] - deposits["easting"].to_numpy()[None, :],
            xy[:, None, 1] - deposits["northing"].to_numpy()[None, :],
        ),
        axis=1,
    )
    r_s, c_s = grid.cell_index(xy[:, 0], xy[:, 1])
    d_contact = contact.values[r_s, c_s]
    cu = 30.0 * 10 ** rng.normal(0.0, 0.2, n_samples)
    cu *= 1 + 1.5 * np.exp(-d_dep / (800.0 * k)) + np.exp(-d_contact / (1000.0 * k))
    samples = pd.DataFrame({"easting": xy[:, 0], "northing": xy[:, 1], "cu_ppm": cu})
    spacing = float(np.sqrt(width * height / n_samples))
    cu_layer = interpolate_samples(
        grid,
        xy,
        cu,
        log=True,
        neighbourhood=SearchNeighbourhood(10.0 * spacing, max_samples=16),
        name="cu_log10",
    )

    magnetics = grid.layer(
        _smooth_field(rng, grid.centres(), 4000.0 * k) * 150.0,
        name="magnetics",
        attrs={"kind": "continuous", "units": "nT"},
    )
    density = line_density(grid, faults, 2000.0 * k, name="fault_density")
    layers = stack_layers(
        {
            "contact_distance": contact,
            "fault_distance": fault,
            "fault_density": density,
            "geology": geology,
            "cu_log10": cu_layer,
            "magnetics": magnetics,
        }
    )
    layers.attrs.update({"illustrative": 1, "source": "bornite synthetic region"})
    # Which known points are deposits (a resource of the grade-tonnage model's type) and
    # which are occurrences and prospects; drawn last, so the region is the same either way.
    kind = np.full(len(deposits), "deposit", dtype=object)
    if deposit_fraction < 1.0:
        chosen = rng.choice(
            len(deposits), size=round(deposit_fraction * len(deposits)), replace=False
        )
        kind[:] = "occurrence"
        kind[chosen] = "deposit"
    deposits["kind"] = kind
    probability = grid.layer(
        np.minimum(1.0, n_deposits * cells_p).reshape(grid.shape),
        name="probability",
        attrs={"kind": "continuous", "units": "probability"},
    )
    return SyntheticRegion(
        grid=grid,
        layers=layers,
        faults=tuple(faults),
        intrusions=tuple(intrusions),
        geology_units=tuple(units),
        samples=samples,
        deposits=deposits,
        probability=probability,
        rule={k: rule_strength * v for k, v in REGION_RULE.items()},
    )
