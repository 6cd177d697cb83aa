"""Web dashboard accounts: users with a role and an Argon2id password hash, and sessions.

A session token is 32 random bytes (URL-safe base64) handed to the browser once; the database
keeps only its SHA-256, so a copy of the database signs nobody in. Each session carries its own
CSRF token and an expiry. Roles are ranked: a ``viewer`` reads, an ``editor`` also edits and
imports, an ``admin`` also manages users.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, cast

import pandas as pd
from sqlalchemy import Engine, Table, delete, select, update

from bornite.errors import AccountError, MissingDependencyError, NotFoundError
from bornite.store.engine import write_transaction
from bornite.store.schema import User, WebSession

if TYPE_CHECKING:
    from argon2 import PasswordHasher

__all__ = ["MIN_PASSWORD", "ROLES", "Accounts", "SignedIn"]

ROLES: Final = ("viewer", "editor", "admin")
"""The roles, each allowed what the ones before it are."""

MIN_PASSWORD: Final = 10
"""The shortest password :meth:`Accounts.add` accepts."""

_USERS = cast(Table, User.__table__)
_SESSIONS = cast(Table, WebSession.__table__)
_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}")


def _hasher() -> PasswordHasher:
    try:
        from argon2 import PasswordHasher  # noqa: PLC0415 (the web extra)
    except ImportError as error:
        msg = "accounts need argon2-cffi; install bornite[web]"
        raise MissingDependencyError(msg) from error
    return PasswordHasher()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes for what was stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class SignedIn:
    """Who a session belongs to: username, role, the session's CSRF token and expiry."""

    username: str
    role: str
    csrf: str
    expires_at: dt.datetime

    def may(self, role: str) -> bool:
        """Whether this user holds ``role`` or a higher one."""
        return ROLES.index(self.role) >= ROLES.index(role)


class Accounts:
    """The users and sessions of one database (``Store(...).accounts``).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store's engine (its schema already checked by the store).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._hasher = _hasher()
        # Verifying against a real hash for unknown names takes as long as for known ones,
        # so the time of a refusal does not tell whether the name exists.
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))

    # ------------------------------------------------------------------ users

    def add(self, username: str, password: str, role: str = "viewer") -> None:
        """Add a user, or set an existing user's password and role.

        Raises
        ------
        AccountError
            For a name that is not 1-100 letters, digits or ``_.@-``, an unknown role, or a
            password shorter than :data:`MIN_PASSWORD` characters.
        """
        if not _USERNAME.fullmatch(username):
            msg = (
                f"user name {username!r} is not allowed: use 1-100 letters, digits or _ . @ -, "
                "starting with a letter or digit"
            )
            raise AccountError(msg)
        if role not in ROLES:
            msg = f"unknown role {role!r}; use one of {', '.join(ROLES)}"
            raise AccountError(msg)
        if len(password) < MIN_PASSWORD:
            msg = f"the password of {username} is too short: use at least {MIN_PASSWORD} characters"
            raise AccountError(msg)
        row = {"role": role, "password_hash": self._hasher.hash(password)}
        with write_transaction(self.engine) as connection:
            exists = connection.scalar(
                select(_USERS.c.username).where(_USERS.c.username == username)
            )
            if exists is None:
                connection.execute(
                    _USERS.insert().values(username=username, created_at=_now(), **row)
                )
            else:
                connection.execute(
                    update(_USERS).where(_USERS.c.username == username).values(**row)
                )
                # A new password or role ends the user's sessions.
                connection.execute(delete(_SESSIONS).where(_SESSIONS.c.username == username))

    def remove(self, username: str) -> None:
        """Remove a user and end their sessions.

        Raises
        ------
        NotFoundError
            When there is no such user.
        """
        with write_transaction(self.engine) as connection:
            connection.execute(delete(_SESSIONS).where(_SESSIONS.c.username == username))
            removed = connection.execute(delete(_USERS).where(_USERS.c.username == username))
            if removed.rowcount != 1:
                msg = f"no user {username!r}; `bornite users list` shows who there is"
                raise NotFoundError(msg)

    def list(self) -> pd.DataFrame:
        """Every user: username, role, created_at (never the hash)."""
        with self.engine.connect() as connection:
            result = connection.execute(
                select(_USERS.c.username, _USERS.c.role, _USERS.c.created_at).order_by(
                    _USERS.c.username
                )
            )
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def authenticate(self, username: str, password: str) -> str | None:
        """The user's role if the password is theirs, else ``None`` (in the same time for
        unknown names). A hash made with older Argon2 parameters is renewed."""
        from argon2.exceptions import (  # noqa: PLC0415 (the web extra)
            InvalidHashError,
            VerificationError,
        )

        with self.engine.connect() as connection:
            row = connection.execute(
                select(_USERS.c.role, _USERS.c.password_hash).where(_USERS.c.username == username)
            ).first()
        stored = self._dummy if row is None else str(row.password_hash)
        try:
            self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if self._hasher.check_needs_rehash(stored):
            with write_transaction(self.engine) as connection:
                connection.execute(
                    update(_USERS)
                    .where(_USERS.c.username == username)
                    .values(password_hash=self._hasher.hash(password))
                )
        return str(row.role)

    # ------------------------------------------------------------------ sessions

    def start(self, username: str, *, hours: float = 8.0) -> tuple[str, str]:
        """Open a session of ``hours``; return its token and CSRF token (old sessions that
        have expired are removed on the way)."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = _now()
        with write_transaction(self.engine) as connection:
            connection.execute(delete(_SESSIONS).where(_SESSIONS.c.expires_at < now))
            connection.execute(
                _SESSIONS.insert().values(
                    token_sha256=_digest(token),
                    username=username,
                    csrf=csrf,
                    created_at=now,
                    expires_at=now + dt.timedelta(hours=hours),
                )
            )
        return token, csrf

    def session(self, token: str | None) -> SignedIn | None:
        """Who holds the session ``token``, or ``None`` if it is unknown or has expired."""
        if not token:
            return None
        s, u = _SESSIONS, _USERS
        with self.engine.connect() as connection:
            row: Any = connection.execute(
                select(s.c.username, u.c.role, s.c.csrf, s.c.expires_at)
                .select_from(s.join(u, u.c.username == s.c.username))
                .where(s.c.token_sha256 == _digest(token))
            ).first()
        if row is None:
            return None
        expires = _aware(row.expires_at)
        if expires <= _now():
            return None
        return SignedIn(str(row.username), str(row.role), str(row.csrf), expires)

    def end(self, token: str | None) -> None:
        """End the session ``token`` (nothing happens for an unknown one)."""
        if not token:
            return
        with write_transaction(self.engine) as connection:
            connection.execute(delete(_SESSIONS).where(_SESSIONS.c.token_sha256 == _digest(token)))
