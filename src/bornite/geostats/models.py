"""Variogram models: a nugget plus nested anisotropic spherical, exponential, Gaussian structures.

A :class:`VariogramModel` is a frozen specification. Each :class:`Structure` carries its own
sill contribution, three ranges (major, semi-major, minor) and three angles in the GSLIB
``ang1``/``ang2``/``ang3`` convention (see :func:`rotation_matrix`), so nested structures may
have different anisotropies, as in GSLIB's ``vmodel``/``cova3``.

Coordinates are ``(easting, northing, elevation)`` with elevation up; lag vectors ``h`` are
differences of such coordinates, shape ``(..., 3)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from bornite.errors import ValidationError

__all__ = [
    "STRUCTURE_KINDS",
    "Structure",
    "VariogramModel",
    "anisotropic_transform",
    "rotation_matrix",
]

FloatArray = npt.NDArray[np.float64]
StructureKind = Literal["spherical", "exponential", "gaussian"]

#: The structure kinds that :class:`Structure` accepts.
STRUCTURE_KINDS: tuple[str, ...] = ("spherical", "exponential", "gaussian")


def rotation_matrix(azimuth: float = 0.0, dip: float = 0.0, rake: float = 0.0) -> FloatArray:
    """Rotation from ``(easting, northing, elevation)`` to the anisotropy axes (GSLIB angles).

    Parameters
    ----------
    azimuth : float
        GSLIB ``ang1``: azimuth of the major axis in degrees, clockwise from north.
    dip : float
        GSLIB ``ang2``: dip of the major axis in degrees, negative downward.
    rake : float
        GSLIB ``ang3``: plunge (rake) in degrees, a rotation of the semi-major and minor axes
        about the major axis.

    Returns
    -------
    numpy.ndarray
        Orthonormal ``(3, 3)`` matrix ``R`` whose rows are the unit vectors of the major,
        semi-major and minor axes; ``R @ h`` gives the components of a lag ``h`` along them.

    Notes
    -----
    With ``a = 90° - azimuth`` (the mathematical angle of the major axis, anticlockwise from
    east), ``b = -dip`` and ``t = rake``:

    .. math::

        R = \\begin{pmatrix}
              \\cos b \\cos a & \\cos b \\sin a & -\\sin b \\\\
              -\\cos t \\sin a + \\sin t \\sin b \\cos a &
               \\cos t \\cos a + \\sin t \\sin b \\sin a & \\sin t \\cos b \\\\
               \\sin t \\sin a + \\cos t \\sin b \\cos a &
              -\\sin t \\cos a + \\cos t \\sin b \\sin a & \\cos t \\cos b
            \\end{pmatrix}

    The first row is the major axis ``(cos(dip) sin(azimuth), cos(dip) cos(azimuth),
    sin(dip))``: with ``dip < 0`` it points down. It is ``R = R_x(t) R_y(b) R_z(a)`` written
    out, the product of a rotation about elevation, then about the new semi-major axis, then
    about the new major axis, as in Deutsch and Journel (1998), section II.3.

    References
    ----------
    Deutsch, C. V. and Journel, A. G. (1998). *GSLIB: Geostatistical Software Library and
    User's Guide*, 2nd ed. Oxford University Press, pp. 25-27.

    Examples
    --------
    >>> R = rotation_matrix(azimuth=90.0)
    >>> np.round(R @ [1.0, 0.0, 0.0], 12)  # east is the major axis when azimuth = 90
    array([1., 0., 0.])
    >>> np.round(rotation_matrix(0.0, -90.0)[0], 12)  # dip -90: the major axis points down
    array([ 0.,  0., -1.])
    """
    a = np.deg2rad(90.0 - azimuth)
    b = np.deg2rad(-dip)
    t = np.deg2rad(rake)
    rz = np.array([[np.cos(a), np.sin(a), 0.0], [-np.sin(a), np.cos(a), 0.0], [0.0, 0.0, 1.0]])
    ry = np.array([[np.cos(b), 0.0, -np.sin(b)], [0.0, 1.0, 0.0], [np.sin(b), 0.0, np.cos(b)]])
    rx = np.array([[1.0, 0.0, 0.0], [0.0, np.cos(t), np.sin(t)], [0.0, -np.sin(t), np.cos(t)]])
    return np.asarray(rx @ ry @ rz)


def anisotropic_transform(
    ranges: tuple[float, float, float], azimuth: float = 0.0, dip: float = 0.0, rake: float = 0.0
) -> FloatArray:
    """Matrix ``T = diag(1 / ranges) R`` mapping a lag to its length in units of range.

    ``|T h| = 1`` on the anisotropy ellipsoid: the surface ``h`` reaches at the ranges.

    Examples
    --------
    >>> T = anisotropic_transform((100.0, 50.0, 10.0))
    >>> float(np.linalg.norm(T @ [50.0, 0.0, 0.0])), float(np.linalg.norm(T @ [0.0, 100.0, 0.0]))
    (1.0, 1.0)
    """
    r = np.asarray(ranges, dtype=float)
    return np.asarray(rotation_matrix(azimuth, dip, rake) / r[:, None])


def _check_ranges(ranges: tuple[float, ...], what: str) -> tuple[float, float, float]:
    r = tuple(float(x) for x in np.broadcast_to(np.asarray(ranges, dtype=float), (3,)))
    if not all(np.isfinite(x) and x > 0 for x in r):
        msg = f"{what}: ranges must be three finite numbers > 0 (major, semi-major, minor); got {r}"
        raise ValidationError(msg)
    return r[0], r[1], r[2]


@dataclass(frozen=True)
class Structure:
    """One nested variogram structure.

    Parameters
    ----------
    kind : {"spherical", "exponential", "gaussian"}
        The shape; see :meth:`VariogramModel.gamma` for the formulas.
    sill : float
        Sill contribution ``c >= 0`` of this structure.
    ranges : float or tuple of three floats
        Ranges along the major, semi-major and minor axes (a single number: isotropic).
        Exponential and Gaussian structures use the **practical** range: the lag where the
        structure reaches 95 % of its sill.
    azimuth, dip, rake : float
        GSLIB ``ang1``, ``ang2``, ``ang3`` in degrees (see :func:`rotation_matrix`).

    Examples
    --------
    >>> Structure("spherical", 1.0, 100.0).ranges
    (100.0, 100.0, 100.0)
    """

    kind: StructureKind
    sill: float
    ranges: tuple[float, float, float] | float
    azimuth: float = 0.0
    dip: float = 0.0
    rake: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in STRUCTURE_KINDS:
            msg = f"structure kind must be one of {', '.join(STRUCTURE_KINDS)}; got {self.kind!r}"
            raise ValidationError(msg)
        if not (np.isfinite(self.sill) and self.sill >= 0):
            msg = f"{self.kind} structure: sill must be a finite number >= 0; got {self.sill!r}"
            raise ValidationError(msg)
        ranges = _check_ranges(self.ranges, f"{self.kind} structure")  # type: ignore[arg-type]
        object.__setattr__(self, "ranges", ranges)
        object.__setattr__(self, "sill", float(self.sill))
        for name in ("azimuth", "dip", "rake"):
            value = float(getattr(self, name))
            if not np.isfinite(value):
                msg = f"{self.kind} structure: {name} must be finite degrees; got {value!r}"
                raise ValidationError(msg)
            object.__setattr__(self, name, value)

    @property
    def transform(self) -> FloatArray:
        """The ``(3, 3)`` matrix of :func:`anisotropic_transform` for this structure."""
        return anisotropic_transform(
            self.ranges,  # type: ignore[arg-type]
            self.azimuth,
            self.dip,
            self.rake,
        )

    def unit_correlogram(self, scaled: FloatArray) -> FloatArray:
        """``1 - gamma / c`` as a function of the lag length in units of range."""
        return _correlogram_inplace(self.kind, np.array(scaled, dtype=float))


def _correlogram_inplace(kind: str, s: FloatArray) -> FloatArray:
    """Overwrite lag lengths ``s`` (units of range) with the unit correlogram; returns ``s``."""
    if kind == "spherical":
        np.minimum(s, 1.0, out=s)
        cube = s * s
        cube *= s
        cube *= 0.5
        s *= -1.5
        s += cube
        s += 1.0
    elif kind == "exponential":
        s *= -3.0
        np.exp(s, out=s)
    else:
        s *= s
        s *= -3.0
        np.exp(s, out=s)
    return s


@dataclass(frozen=True)
class VariogramModel:
    """A nugget effect plus nested structures: a frozen variogram specification.

    Parameters
    ----------
    nugget : float
        Nugget effect ``c0 >= 0``.
    structures : tuple of Structure
        The nested structures (a list is converted to a tuple).

    Notes
    -----
    With ``s = |T h|`` the lag length in units of the structure's ranges (see
    :func:`anisotropic_transform`) and ``c`` its sill contribution:

    * spherical: ``gamma = c (1.5 s - 0.5 s^3)`` for ``s < 1``, ``c`` beyond;
    * exponential (practical range): ``gamma = c (1 - exp(-3 s))``;
    * Gaussian (practical range): ``gamma = c (1 - exp(-3 s^2))``.

    The model is ``gamma(h) = c0 [h != 0] + sum of the structures``; ``gamma(0) = 0``. The
    covariance is ``C(h) = sill - gamma(h)`` with ``sill = c0 + sum c``, so ``C(0) = sill``.

    References
    ----------
    Deutsch, C. V. and Journel, A. G. (1998). *GSLIB*, 2nd ed., section II.3.

    Examples
    --------
    >>> model = VariogramModel(0.1, (Structure("spherical", 0.9, (100.0, 50.0, 10.0), 90.0),))
    >>> model.sill
    1.0
    >>> np.round(model.gamma([[0, 0, 0], [50, 0, 0], [100, 0, 0], [0, 50, 0]]), 4)
    array([0.    , 0.7188, 1.    , 1.    ])
    """

    nugget: float = 0.0
    structures: tuple[Structure, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not (np.isfinite(self.nugget) and self.nugget >= 0):
            msg = f"nugget must be a finite number >= 0; got {self.nugget!r}"
            raise ValidationError(msg)
        structures = tuple(self.structures)
        for s in structures:
            if not isinstance(s, Structure):
                msg = f"structures must be Structure instances; got {type(s).__name__}"
                raise ValidationError(msg)
        object.__setattr__(self, "structures", structures)
        object.__setattr__(self, "nugget", float(self.nugget))
        if self.sill <= 0:
            msg = "the variogram has a zero sill; give a nugget or a structure with sill > 0"
            raise ValidationError(msg)

    @property
    def sill(self) -> float:
        """Total sill: the nugget plus every structure's contribution."""
        return self.nugget + sum(s.sill for s in self.structures)

    def gamma(self, h_vectors: npt.ArrayLike) -> FloatArray:
        """Variogram values for lag vectors of shape ``(..., 3)``; returns shape ``(...)``."""
        return np.asarray(self.sill - self.covariance(h_vectors))

    def covariance(self, h_vectors: npt.ArrayLike) -> FloatArray:
        """Covariance ``C(h) = sill - gamma(h)`` for lag vectors of shape ``(..., 3)``."""
        h = np.asarray(h_vectors, dtype=float)
        if h.shape[-1] != 3:
            msg = (
                f"lag vectors must have shape (..., 3): easting, northing, elevation; got {h.shape}"
            )
            raise ValidationError(msg)
        out = np.zeros(h.shape[:-1])
        for s in self.structures:
            scaled = np.linalg.norm(h @ s.transform.T, axis=-1)
            out += s.sill * s.unit_correlogram(scaled)
        out += self.nugget * (np.linalg.norm(h, axis=-1) == 0.0)
        return out

    def isotropic_gamma(self, distances: npt.ArrayLike) -> FloatArray:
        """Variogram along the major axis of each structure at the given lag lengths.

        For isotropic models this is ``gamma(|h|)``; it is what :func:`fit_variogram
        <bornite.geostats.experimental.fit_variogram>` compares with an experimental variogram.
        """
        d = np.asarray(distances, dtype=float)
        out = self.nugget * (d != 0.0)
        for s in self.structures:
            out = out + s.sill * (1.0 - s.unit_correlogram(d / s.ranges[0]))  # type: ignore[index]
        return np.asarray(out)
