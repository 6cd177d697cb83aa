"""A seeded synthetic porphyry copper deposit and a drill campaign that samples it.

The deposit is a known truth against which estimates can be checked: copper grade around an
intrusive centre, in nested shells (a low-grade barren core, the ore shell, a halo), with a
spatially correlated random component, a leached cap near surface and a supergene-enriched
blanket beneath it. Everything here is illustrative.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr

from bornite.blockmodel import BlockGrid
from bornite.core.random import SeedLike, as_generator
from bornite.errors import ValidationError

__all__ = [
    "PorphyryDeposit",
    "block_truth",
    "synthetic_drill_campaign",
    "synthetic_porphyry_deposit",
    "synthetic_topography",
    "truth_at",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PorphyryDeposit:
    """Shape parameters of the synthetic deposit (metres and % Cu).

    The centre of the intrusion is at ``centre``; grade rises from ``core_grade`` in the
    barren core (radius ``core_radius``) to ``peak_grade`` on the ore shell at
    ``shell_radius`` and decays outwards with scale ``halo_scale`` to ``background_grade``.
    The shells are stretched vertically by ``vertical_stretch`` (porphyry stocks are
    elongated). Near surface, the top ``leached_depth`` metres below ``surface`` are leached
    (grade times ``leached_factor``) and the next ``blanket_thickness`` metres enriched
    (times ``blanket_factor``). A log-normal random field of correlation length
    ``correlation_length`` and log standard deviation ``log_sd`` multiplies the trend.
    """

    centre: tuple[float, float, float] = (500.0, 500.0, -300.0)
    surface: float = 0.0
    core_radius: float = 60.0
    shell_radius: float = 180.0
    halo_scale: float = 160.0
    vertical_stretch: float = 1.8
    core_grade: float = 0.15
    peak_grade: float = 0.85
    background_grade: float = 0.03
    leached_depth: float = 40.0
    leached_factor: float = 0.15
    blanket_thickness: float = 35.0
    blanket_factor: float = 1.7
    correlation_length: float = 60.0
    log_sd: float = 0.35

    def trend(self, points: npt.ArrayLike) -> FloatArray:
        """Deterministic grade (% Cu) at points, before the random field."""
        xyz = np.asarray(points, dtype=float).reshape(-1, 3)
        d = xyz - np.asarray(self.centre)
        r = np.sqrt(d[:, 0] ** 2 + d[:, 1] ** 2 + (d[:, 2] / self.vertical_stretch) ** 2)
        rising = self.core_grade + (self.peak_grade - self.core_grade) * np.clip(
            (r - self.core_radius) / (self.shell_radius - self.core_radius), 0.0, 1.0
        )
        outside = r > self.shell_radius
        decay = self.background_grade + (self.peak_grade - self.background_grade) * np.exp(
            -(r - self.shell_radius) / self.halo_scale
        )
        grade = np.where(outside, decay, np.where(r < self.core_radius, self.core_grade, rising))
        depth = self.surface - xyz[:, 2]
        grade = np.where(depth < self.leached_depth, grade * self.leached_factor, grade)
        blanket = (depth >= self.leached_depth) & (
            depth < self.leached_depth + self.blanket_thickness
        )
        return np.asarray(np.where(blanket, grade * self.blanket_factor, grade))


def synthetic_porphyry_deposit(
    grid: BlockGrid | None = None,
    deposit: PorphyryDeposit | None = None,
    *,
    seed: SeedLike = 0,
) -> tuple[xr.Dataset, PorphyryDeposit, dict[str, FloatArray]]:
    """The true copper grade of a synthetic porphyry deposit on a block grid.

    Parameters
    ----------
    grid : BlockGrid, optional
        Default: 1,000 x 1,000 x 600 m in 20 x 20 x 10 m blocks, top at elevation 0.
    deposit : PorphyryDeposit, optional
        Shape parameters (defaults: a mid-sized porphyry with a 40 m leached cap).
    seed : int, SeedSequence, Generator or None
        Seed of the random field.

    Returns
    -------
    (xarray.Dataset, PorphyryDeposit, dict)
        The true model (``cu_pct``, ``density`` t/m^3) with ``attrs["illustrative"]``; the
        deposit; and the random field's parameters, to evaluate the truth at any point with
        :func:`truth_at` (the field is a sum of random cosines: a Gaussian random field with
        a Gaussian covariance of scale ``correlation_length``).

    Examples
    --------
    >>> truth, deposit, field = synthetic_porphyry_deposit(
    ...     BlockGrid((0.0, 0.0, -600.0), (50.0, 50.0, 25.0), (20, 20, 24)), seed=1)
    >>> float(truth["cu_pct"].max()) > 0.5, float(truth["cu_pct"].min()) >= 0
    (True, True)
    """
    grid = grid or BlockGrid((0.0, 0.0, -600.0), (20.0, 20.0, 10.0), (50, 50, 60))
    deposit = deposit or PorphyryDeposit()
    rng = as_generator(seed)
    n_waves = 400
    field = {
        "frequencies": rng.normal(0.0, 1.0 / deposit.correlation_length, size=(n_waves, 3)),
        "phases": rng.uniform(0.0, 2.0 * np.pi, size=n_waves),
    }
    grades = truth_at(grid.centroids(), deposit, field)
    density = np.where(grid.centroids()[:, 2] > deposit.surface - deposit.leached_depth, 2.45, 2.7)
    model = grid.dataset(cu_pct=grades, density=density)
    model.attrs.update({"illustrative": 1, "source": "bornite synthetic porphyry deposit"})
    return model, deposit, field


def block_truth(
    grid: BlockGrid,
    deposit: PorphyryDeposit,
    field: dict[str, FloatArray],
    *,
    discretisation: int = 4,
    mask: npt.ArrayLike | None = None,
) -> FloatArray:
    """True grade at block support: the mean of ``discretisation^3`` points in each block.

    Kriged blocks are compared with this, not with the truth at the centroids, which is more
    variable than any block average.

    Returns
    -------
    numpy.ndarray
        Grade per block in the grid's flat order (NaN outside ``mask``).
    """
    if int(discretisation) < 1:
        msg = f"discretisation must be >= 1, got {discretisation}"
        raise ValidationError(msg)
    n = int(discretisation)
    selected = np.ones(grid.n_blocks, dtype=bool) if mask is None else np.asarray(mask).ravel()
    offsets = (np.arange(n) + 0.5) / n - 0.5
    sub = np.stack(np.meshgrid(offsets, offsets, offsets, indexing="ij"), -1).reshape(-1, 3)
    sub = sub * np.asarray(grid.block_size)
    centroids = grid.centroids()[selected]
    out = np.full(grid.n_blocks, np.nan)
    values = np.empty(len(centroids))
    step = max(1, 200_000 // len(sub))
    for start in range(0, len(centroids), step):
        points = centroids[start : start + step, None, :] + sub[None]
        values[start : start + step] = (
            truth_at(points.reshape(-1, 3), deposit, field).reshape(-1, len(sub)).mean(axis=1)
        )
    out[selected] = values
    return out


def truth_at(
    points: npt.ArrayLike, deposit: PorphyryDeposit, field: dict[str, FloatArray]
) -> FloatArray:
    """True copper grade (% Cu) of the synthetic deposit at arbitrary points."""
    xyz = np.asarray(points, dtype=float).reshape(-1, 3)
    waves = field["frequencies"]
    gaussian = np.zeros(len(xyz))
    for start in range(0, len(xyz), 200_000):
        chunk = xyz[start : start + 200_000]
        gaussian[start : start + len(chunk)] = np.cos(chunk @ waves.T + field["phases"]).sum(axis=1)
    gaussian *= np.sqrt(2.0 / len(waves))
    multiplier = np.exp(deposit.log_sd * gaussian - 0.5 * deposit.log_sd**2)
    return deposit.trend(xyz) * multiplier


def synthetic_drill_campaign(
    deposit: PorphyryDeposit,
    field: dict[str, FloatArray],
    *,
    spacing: float = 100.0,
    extent: tuple[float, float, float, float] = (150.0, 850.0, 150.0, 850.0),
    length: float = 500.0,
    dip: float = -60.0,
    azimuth: float = 45.0,
    sample_length: float = 2.0,
    assay_sd: float = 0.05,
    seed: SeedLike = 0,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Straight inclined holes on a square grid, sampled at regular intervals.

    Returns
    -------
    (collar, survey, assay) : pandas.DataFrame
        In bornite's drill-hole conventions: collar ``hole, easting, northing, elevation,
        length``; survey ``hole, depth, azimuth, dip`` (dip negative down); assay ``hole,
        from, to, cu_pct`` with the true grade at the interval midpoint times a log-normal
        assay error of log standard deviation ``assay_sd``.
    """
    if not -90.0 <= dip < 0.0:
        msg = f"dip must be negative (down) and >= -90 degrees, got {dip}"
        raise ValidationError(msg)
    rng = as_generator(seed)
    east = np.arange(extent[0], extent[1] + 1e-9, spacing)
    north = np.arange(extent[2], extent[3] + 1e-9, spacing)
    e, n = (a.ravel() for a in np.meshgrid(east, north, indexing="ij"))
    holes = [f"SP{i + 1:03d}" for i in range(e.size)]
    collar = pd.DataFrame(
        {"hole": holes, "easting": e, "northing": n, "elevation": deposit.surface, "length": length}
    )
    survey = pd.DataFrame({"hole": holes, "depth": 0.0, "azimuth": azimuth, "dip": dip})
    starts = np.arange(0.0, length, sample_length)
    mids = starts + sample_length / 2
    direction = np.array(
        [
            np.sin(np.radians(azimuth)) * np.cos(np.radians(dip)),
            np.cos(np.radians(azimuth)) * np.cos(np.radians(dip)),
            np.sin(np.radians(dip)),
        ]
    )
    points = (
        np.column_stack([e, n, np.full(e.size, deposit.surface)])[:, None, :]
        + mids[None, :, None] * direction[None, None, :]
    ).reshape(-1, 3)
    grades = truth_at(points, deposit, field) * np.exp(
        rng.normal(-0.5 * assay_sd**2, assay_sd, len(points))
    )
    assay = pd.DataFrame(
        {
            "hole": np.repeat(holes, starts.size),
            "from": np.tile(starts, len(holes)),
            "to": np.tile(starts + sample_length, len(holes)),
            "cu_pct": np.round(grades, 4),
        }
    )
    return collar, survey, assay


def synthetic_topography(
    deposit: PorphyryDeposit | None = None,
    *,
    extent: tuple[float, float, float, float] = (-1000.0, 2000.0, -1000.0, 2000.0),
    spacing: float = 100.0,
    valley_radius: float = 520.0,
    ridge_radius: float = 900.0,
    relief: float = 300.0,
    seed: SeedLike = 0,
) -> pd.DataFrame:
    """A surveyed topographic surface around the synthetic deposit: a mountain valley over it.

    The deposit (and every collar of :func:`synthetic_drill_campaign`'s default grid) lies
    under a flat valley floor at ``deposit.surface``; from ``valley_radius`` to
    ``ridge_radius`` metres from the intrusion's centre (in plan) the ground rises by
    ``relief`` metres along a smooth step ``3u^2 - 2u^3``, with a seeded undulation of up to
    10 % of the relief that the same step fades out on the valley floor: hillsides of about
    40 degrees, as in high mountain belts. Pit walls that leave the valley cut into the
    hills, which is where much of a porphyry pit's waste comes from.

    Returns
    -------
    pandas.DataFrame
        ``easting``, ``northing``, ``elevation`` every ``spacing`` metres over ``extent``
        (west, east, south, north), elevations to 0.1 m.

    Examples
    --------
    >>> topo = synthetic_topography()
    >>> len(topo), float(topo["elevation"].min()), float(topo["elevation"].max()) > 150
    (961, 0.0, True)
    """
    deposit = deposit or PorphyryDeposit()
    if not (spacing > 0 and 0 <= valley_radius < ridge_radius and relief >= 0):
        msg = (
            "need spacing > 0, 0 <= valley_radius < ridge_radius and relief >= 0; got "
            f"{spacing}, {valley_radius}, {ridge_radius}, {relief}"
        )
        raise ValidationError(msg)
    rng = as_generator(seed)
    east = np.arange(extent[0], extent[1] + 1e-9, spacing)
    north = np.arange(extent[2], extent[3] + 1e-9, spacing)
    e, n = (a.ravel() for a in np.meshgrid(east, north, indexing="xy"))
    r = np.hypot(e - deposit.centre[0], n - deposit.centre[1])
    u = np.clip((r - valley_radius) / (ridge_radius - valley_radius), 0.0, 1.0)
    step = u * u * (3.0 - 2.0 * u)
    k = rng.normal(0.0, 1.0 / 700.0, size=(6, 2))
    phase = rng.uniform(0.0, 2.0 * np.pi, size=6)
    wave = np.cos(np.column_stack([e, n]) @ k.T + phase).sum(axis=1) / np.sqrt(6.0)
    elevation = deposit.surface + step * relief * (1.0 + 0.1 * wave)
    return pd.DataFrame({"easting": e, "northing": n, "elevation": np.round(elevation, 1)})
