"""Security of the dashboard: response headers, sign-in rate limits, sessions, roles, CSRF.

* Every response carries a Content-Security-Policy that allows scripts, styles, images and
  requests from the dashboard itself only (no inline script, no other origin; inline styles,
  which Plotly.js inserts), and headers
  against framing, MIME sniffing and referrer leaks. Files of runs (their HTML reports and
  SVG figures) are served under a stricter, sandboxed policy of their own.
* A session is an HttpOnly, SameSite=Strict cookie holding a random token; the database keeps
  only its hash (:class:`bornite.store.Accounts`).
* Every write needs an editor (users: an admin) and the session's CSRF token, in the
  ``X-CSRF-Token`` header (API) or a ``csrf`` form field (pages), compared in constant time.
* Failed sign-ins are counted per client address and per user name in a sliding window.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final

from fastapi import HTTPException, Request

from bornite.store import SignedIn

__all__ = [
    "CONTENT_POLICY",
    "CSRF_HEADER",
    "FILE_POLICY",
    "LOGIN_COOKIE",
    "SESSION_COOKIE",
    "LoginLimiter",
    "SecurityHeaders",
    "check_csrf",
    "safe_next",
    "session_token",
]

SESSION_COOKIE: Final = "bornite_session"
LOGIN_COOKIE: Final = "bornite_login"
CSRF_HEADER: Final = "x-csrf-token"

CONTENT_POLICY: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""The policy of every page: no inline script and nothing from another origin. Inline
styles are allowed because Plotly.js styles its charts by inserting style rules at run time
(under ``style-src 'self'`` its modebar and hover labels lose their styles)."""

FILE_POLICY: Final = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox; "
    "frame-ancestors 'none'"
)
"""The policy of a run's own files (self-contained reports, SVG figures): their inline styles
show, nothing in them runs."""

_HEADERS: Final = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)

ASGIApp = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
    Awaitable[None],
]


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response (a response that
    sets its own Content-Security-Policy or Cache-Control keeps it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[Any]],
        send: Callable[[Any], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in _HEADERS if h[0] not in present)
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", CONTENT_POLICY.encode()))
                if b"cache-control" not in present:
                    cache = b"public, max-age=3600" if static else b"no-store"
                    headers.append((b"cache-control", cache))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class LoginLimiter:
    """Failed sign-ins per key (client address, user name) in a sliding window.

    Parameters
    ----------
    attempts : int
        Failures allowed per key within ``window_s``.
    window_s : float
    clock : callable
        Seconds (monotonic); a test passes its own.
    """

    def __init__(
        self, attempts: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.attempts = attempts
        self.window_s = window_s
        self.clock = clock
        self._failures: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures[key]
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times

    def retry_after(self, *keys: str) -> float:
        """Seconds until another attempt is allowed for all ``keys`` (0: allowed now)."""
        now = self.clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self.attempts:
                    wait = max(wait, times[0] + self.window_s - now)
        return wait

    def failed(self, *keys: str) -> None:
        """Count a failed attempt against every key."""
        now = self.clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, username_key: str) -> None:
        """Forget the failures of a user who signed in (the address keeps its count)."""
        with self._lock:
            self._failures.pop(username_key, None)


def check_csrf(user: SignedIn, token: str | None) -> None:
    """Refuse (HTTP 403) a write whose CSRF token is not the session's."""
    if not token or not hmac.compare_digest(token.encode(), user.csrf.encode()):
        raise HTTPException(
            status_code=403,
            detail="the CSRF token is missing or wrong; reload the page and try again",
        )


def session_token(request: Request) -> str | None:
    """The session cookie of a request."""
    return request.cookies.get(SESSION_COOKIE)


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this site only (never ``//host`` or a URL)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value
