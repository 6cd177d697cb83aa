"""Coordinate reference systems: whether two layers are in the same one."""

from __future__ import annotations

__all__ = ["same_crs"]


def same_crs(a: str | None, b: str | None) -> bool:
    """Whether two CRS strings name the same CRS.

    ``EPSG:32645`` and its WKT are the same CRS (compared by pyproj, from the ``geo`` extra;
    without it, as text, case and spaces aside); ``None`` (no CRS, a local grid) is only the
    same as ``None``.

    Examples
    --------
    >>> same_crs("EPSG:32645", "epsg:32645"), same_crs("EPSG:32645", None), same_crs(None, None)
    (True, False, True)
    """
    if a is None or b is None:
        return a is b
    if "".join(str(a).split()).upper() == "".join(str(b).split()).upper():
        return True
    try:
        from pyproj import CRS  # noqa: PLC0415 (optional dependency)
        from pyproj.exceptions import CRSError  # noqa: PLC0415
    except ImportError:
        return False
    try:
        return bool(CRS.from_user_input(a) == CRS.from_user_input(b))
    except CRSError:
        return False
