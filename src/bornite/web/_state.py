"""The dashboard's shared state and request dependencies: the store, who is signed in,
what they may do, and cached answers."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Final

import pandas as pd
from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from bornite.store import Accounts, SignedIn, Store
from bornite.web.security import CSRF_HEADER, LoginLimiter, check_csrf, session_token
from bornite.web.settings import WebSettings

__all__ = ["AppState", "NeedLogin", "frame_rows", "state", "table_response"]

_CACHE_ENTRIES: Final = 512
_USER: Final = "bornite_user"


class NeedLogin(Exception):  # noqa: N818 (control flow, not an error of bornite's)
    """Raised by a dependency when the request needs a signed-in user (pages redirect to the
    sign-in page, the API answers 401)."""


@dataclass
class AppState:
    """What every request of one app shares."""

    settings: WebSettings
    store: Store
    accounts: Accounts
    limiter: LoginLimiter
    _cache: OrderedDict[Hashable, Any] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def answer(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()`` (run in a worker thread), kept until the database changes
        (:meth:`Store.generation`): asked again, it costs one read of the change marker.

        The marker is read before computing, so an answer is never filed under a marker
        newer than its data. It is read on the event loop: one indexed query (about 0.5 ms
        on SQLite) costs less than the hand-off to a worker thread, which under 50
        concurrent clients doubled the roll-up endpoint's latency."""
        generation = self.store.generation()
        full = (key, generation)
        with self._lock:
            if full in self._cache:
                self._cache.move_to_end(full)
                return self._cache[full]
        value = await run_in_threadpool(compute)
        with self._lock:
            self._cache[full] = value
            while len(self._cache) > _CACHE_ENTRIES:
                self._cache.popitem(last=False)
        return value


async def state(request: Request) -> AppState:
    """The app's :class:`AppState` (a coroutine: FastAPI runs it without a thread)."""
    return request.app.state.bornite


def current_user(request: Request) -> SignedIn | None:
    """Who is signed in (``None``: nobody, or an expired session); asked once per request."""
    if _USER not in request.scope:
        token = session_token(request)
        accounts = request.app.state.bornite.accounts
        request.scope[_USER] = accounts.session(token) if token else None
    return request.scope[_USER]


async def _signed_in(request: Request) -> SignedIn | None:
    """:func:`current_user` from a coroutine: the session is looked up in a worker thread,
    and only when the request has a session cookie."""
    if _USER not in request.scope and session_token(request):
        await run_in_threadpool(current_user, request)
    return current_user(request)


async def reader(request: Request) -> SignedIn | None:
    """Dependency of every read: anyone, or a signed-in viewer when reading needs a login."""
    user = await _signed_in(request)
    if user is None and request.app.state.bornite.settings.login_required:
        raise NeedLogin
    return user


async def _role(request: Request, role: str) -> SignedIn:
    user = await _signed_in(request)
    if user is None:
        raise NeedLogin
    if not user.may(role):
        raise HTTPException(
            status_code=403,
            detail=f"{user.username} is a {user.role}; this needs an {role}",
        )
    return user


async def _csrf(request: Request, user: SignedIn) -> None:
    token = request.headers.get(CSRF_HEADER)
    if token is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf")
        token = value if isinstance(value, str) else None
    check_csrf(user, token)


async def editor(request: Request) -> SignedIn:
    """Dependency of every write: a signed-in editor (or admin) with the session's CSRF
    token."""
    user = await _role(request, "editor")
    await _csrf(request, user)
    return user


async def admin(request: Request) -> SignedIn:
    """Dependency of user management: a signed-in admin with the session's CSRF token
    (reads of the user list need no token)."""
    user = await _role(request, "admin")
    if request.method not in {"GET", "HEAD"}:
        await _csrf(request, user)
    return user


def _iso(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp) and value.tzinfo is None and value == value.normalize():
        return value.date().isoformat()  # a date column read as datetimes
    return value.isoformat()


def frame_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a DataFrame as JSON-ready dicts (NaN and NA as ``None``, dates and times as
    ISO 8601 text)."""
    plain = frame.copy()
    for column in plain.columns:
        values = plain[column]
        first = values.dropna().head(1)
        if pd.api.types.is_datetime64_any_dtype(values) or (
            len(first) and hasattr(first.iloc[0], "isoformat")
        ):
            plain[column] = values.astype(object).where(values.notna(), None).map(_iso)
    text = plain.to_json(orient="records", double_precision=15, force_ascii=False)
    rows: list[dict[str, Any]] = json.loads(text)
    return rows


def table_response(
    frame: pd.DataFrame, fmt: str, name: str, extra: dict[str, Any] | None = None
) -> Response:
    """A table as JSON ``{"rows": [...], ...extra}`` or, with ``fmt="csv"``, a CSV download
    named ``name.csv``."""
    if fmt == "csv":
        return Response(
            frame.to_csv(index=False),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}.csv"'},
        )
    if fmt != "json":
        raise HTTPException(status_code=422, detail=f"unknown format {fmt!r}; use json or csv")
    body = {**(extra or {}), "rows": frame_rows(frame)}
    return Response(
        json.dumps(body, ensure_ascii=False, allow_nan=False), media_type="application/json"
    )
