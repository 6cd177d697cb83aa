"""The dashboard's settings: one frozen dataclass, validated on construction."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bornite.errors import RunConfigError

__all__ = ["WebSettings"]


@dataclass(frozen=True)
class WebSettings:
    """How ``bornite serve`` serves a database.

    Parameters
    ----------
    db : str or Path, optional
        The database (a SQLite file or a URL; default: :func:`bornite.store.default_url`).
    login_required : bool
        Reading needs a signed-in viewer too (default: anyone who can reach the server
        reads; every write needs an editor either way).
    session_hours : float
        How long a sign-in lasts.
    max_upload_bytes : int
        The largest inventory file an editor may upload.
    login_attempts : int
        Failed sign-ins allowed per client address, and per user name, within
        ``login_window_s`` seconds; further attempts are refused (HTTP 429) until the
        window has passed.
    login_window_s : float
    secure_cookies : bool
        Mark cookies ``Secure`` (set it when a TLS proxy serves the dashboard over HTTPS).
    basemap : Path, optional
        A PNG or JPEG shown under the map, spanning ``basemap_bounds``.
    basemap_bounds : (west, south, east, north), optional
        The basemap's extent in the deposits' coordinates.
    """

    db: str | Path | None = None
    login_required: bool = False
    session_hours: float = 8.0
    max_upload_bytes: int = 20 * 2**20
    login_attempts: int = 5
    login_window_s: float = 300.0
    secure_cookies: bool = False
    basemap: Path | None = None
    basemap_bounds: tuple[float, float, float, float] | None = None

    def __post_init__(self) -> None:
        if not 0 < self.session_hours <= 24 * 30:
            msg = f"session_hours must be in (0, 720], got {self.session_hours}"
            raise RunConfigError(msg)
        if self.max_upload_bytes < 1:
            msg = f"max_upload_bytes must be positive, got {self.max_upload_bytes}"
            raise RunConfigError(msg)
        if self.login_attempts < 1 or self.login_window_s <= 0:
            msg = (
                "login_attempts must be at least 1 and login_window_s positive, got "
                f"{self.login_attempts} and {self.login_window_s}"
            )
            raise RunConfigError(msg)
        if (self.basemap is None) != (self.basemap_bounds is None):
            msg = "a basemap needs its bounds (west, south, east, north), and bounds a basemap"
            raise RunConfigError(msg)
        if self.basemap is not None:
            if Path(self.basemap).suffix.lower() not in {".png", ".jpg", ".jpeg"}:
                msg = f"{self.basemap}: a basemap is a PNG or JPEG image"
                raise RunConfigError(msg)
            if not Path(self.basemap).is_file():
                msg = f"{self.basemap}: no such basemap file"
                raise RunConfigError(msg)
        if self.basemap_bounds is not None:
            west, south, east, north = self.basemap_bounds
            if not (west < east and south < north):
                msg = (
                    f"basemap bounds {self.basemap_bounds} are not (west, south, east, north) "
                    "with west < east and south < north"
                )
                raise RunConfigError(msg)
