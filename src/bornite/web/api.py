"""The JSON API (``/api``): every table as JSON or CSV, edits, uploads, sign-in, users.

Its OpenAPI schema is at ``/api/openapi.json``. Reads need a viewer only when the server
requires sign-in; writes need an editor and the session's CSRF token in ``X-CSRF-Token``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from bornite.store import SignedIn
from bornite.web._state import AppState, admin, editor, frame_rows, reader, state, table_response
from bornite.web.security import FILE_POLICY, SESSION_COOKIE
from bornite.workflows import RunRecord
from bornite.workflows.dashboard import (
    SERVED_TYPES,
    grade_tonnage_curve,
    import_upload,
    prospectivity_layer,
    run_file,
    shell_table,
)

__all__ = ["import_request", "router", "set_session_cookie", "sign_in"]

router = APIRouter(prefix="/api")

Format = Annotated[Literal["json", "csv"], Query(description="json rows, or a CSV download")]
Reader = Annotated[SignedIn | None, Depends(reader)]
Editor = Annotated[SignedIn, Depends(editor)]
Admin = Annotated[SignedIn, Depends(admin)]
State = Annotated[AppState, Depends(state)]
Commodity = Annotated[str, Query(pattern=r"^[A-Za-z]{1,10}$", description="cu, au, mo, ...")]
Basis = Annotated[Literal["identified", "resources", "reserves"], Query()]
AsOf = Annotated[dt.date | None, Query(description="a roll-up as of this date")]


class Rows(BaseModel):
    """A table: its rows, each a mapping of column to value (with ``total`` for pages)."""

    rows: list[dict[str, Any]]
    total: int | None = None


class Credentials(BaseModel):
    username: str = Field(max_length=100)
    password: str = Field(max_length=1000)


class Session(BaseModel):
    username: str
    role: str
    csrf: str = Field(description="send it as X-CSRF-Token with every write")
    expires_at: dt.datetime


class EditRequest(BaseModel):
    version: int = Field(description="the version the edit is based on")
    changes: dict[str, Any] = Field(description="field -> new value")


class Edited(BaseModel):
    id: str
    version: int


class NewUser(BaseModel):
    username: str = Field(max_length=100)
    password: str = Field(max_length=1000)
    role: Literal["viewer", "editor", "admin"] = "viewer"


_TABLE: dict[int | str, dict[str, Any]] = {
    200: {"model": Rows, "description": "rows as JSON, or CSV with format=csv"}
}


# ---------------------------------------------------------------------- sign-in


def sign_in(request: Request, app: AppState, username: str, password: str) -> tuple[str, SignedIn]:
    """Check a sign-in against the rate limit and the accounts; return the new session's
    token and who it is. Raises HTTP 429 while the limit holds and 401 for a wrong name or
    password (the same answer for both)."""
    client = request.client.host if request.client else "unknown"
    keys = (f"address:{client}", f"user:{username}")
    wait = app.limiter.retry_after(*keys)
    if wait > 0:
        raise HTTPException(
            status_code=429,
            detail=f"too many failed sign-ins; try again in {int(wait) + 1} s",
            headers={"retry-after": str(int(wait) + 1)},
        )
    role = app.accounts.authenticate(username, password)
    if role is None:
        app.limiter.failed(*keys)
        raise HTTPException(status_code=401, detail="wrong user name or password")
    app.limiter.succeeded(keys[1])
    token, _csrf = app.accounts.start(username, hours=app.settings.session_hours)
    user = app.accounts.session(token)
    assert user is not None
    return token, user


def set_session_cookie(response: Response, app: AppState, token: str) -> None:
    """The session cookie: HttpOnly, SameSite=Strict, for the session's hours."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(app.settings.session_hours * 3600),
        httponly=True,
        samesite="strict",
        secure=app.settings.secure_cookies,
        path="/",
    )


@router.post("/login", response_model=Session, tags=["session"])
def login(body: Credentials, request: Request, app: State) -> JSONResponse:
    """Sign in; the session cookie is set and the CSRF token returned."""
    token, user = sign_in(request, app, body.username, body.password)
    response = JSONResponse(Session(**user.__dict__).model_dump(mode="json"))
    set_session_cookie(response, app, token)
    return response


@router.post("/logout", status_code=204, tags=["session"])
def logout(request: Request, app: State) -> Response:
    """End the session (no CSRF token needed: ending a session harms no one)."""
    app.accounts.end(request.cookies.get(SESSION_COOKIE))
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=Session | None, tags=["session"])
def me(request: Request, app: State) -> Any:
    """Who is signed in (``null``: nobody)."""
    user = app.accounts.session(request.cookies.get(SESSION_COOKIE))
    return None if user is None else Session(**user.__dict__)


@router.get("/health", tags=["session"])
def health(app: State) -> dict[str, Any]:
    """The database, its schema revision and its row counts."""
    return {
        "status": "ok",
        "database": app.store.describe(),
        "revision": app.store.revision(),
        "login_required": app.settings.login_required,
        "counts": app.store.counts(),
    }


# ---------------------------------------------------------------------- deposits


@router.get("/deposits", responses=_TABLE, tags=["inventory"])
def deposits(
    _user: Reader,
    app: State,
    search: Annotated[str, Query(max_length=200)] = "",
    deposit_type: str | None = None,
    belt: str | None = None,
    region: str | None = None,
    country: str | None = None,
    status: str | None = None,
    sort: str = "id",
    descending: bool = False,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    commodity: Commodity = "cu",
    format: Format = "json",
) -> Response:
    """Deposits with their latest identified ore and metal: search (id, name, aliases),
    filters, sort (any column, ``ore_t`` or ``metal_t``) and pages."""
    values = {
        "deposit_type": deposit_type,
        "belt": belt,
        "region": region,
        "country": country,
        "status": status,
    }
    filters = {k: v for k, v in values.items() if v is not None}
    page, total = app.store.find_deposits(
        search=search,
        filters=filters,
        sort=sort,
        descending=descending,
        limit=None if format == "csv" else limit,
        offset=0 if format == "csv" else offset,
        commodity=commodity,
    )
    return table_response(page, format, "deposits", {"total": total})


@router.get("/deposits/{deposit_id}", tags=["inventory"])
def deposit(deposit_id: str, _user: Reader, app: State) -> dict[str, Any]:
    """One deposit: its attributes, every statement (superseded ones too), its edits and the
    runs linked to it."""
    found, _total = app.store.find_deposits(filters={"id": deposit_id}, limit=1)
    if found.empty:
        raise HTTPException(status_code=404, detail=f"no deposit {deposit_id!r}")
    runs = app.store.runs()
    linked = runs[runs["deposit_id"] == deposit_id]
    return {
        "deposit": frame_rows(found)[0],
        "statements": frame_rows(app.store.statements(deposit=deposit_id)),
        "edits": frame_rows(app.store.history("deposits", deposit_id)),
        "runs": frame_rows(linked[["id", "kind", "name", "finished"]]),
    }


@router.get("/deposits/{deposit_id}/statements", responses=_TABLE, tags=["inventory"])
def statements(
    deposit_id: str,
    _user: Reader,
    app: State,
    format: Format = "json",
) -> Response:
    """Every statement of a deposit, by report date (superseded ones carry
    ``superseded_on``)."""
    frame = app.store.statements(deposit=deposit_id)
    return table_response(frame, format, f"statements-{deposit_id}")


@router.get("/statements/{statement_id}/edits", responses=_TABLE, tags=["inventory"])
def statement_edits(
    statement_id: int,
    _user: Reader,
    app: State,
    format: Format = "json",
) -> Response:
    """Who changed which field of a statement, when, from what to what."""
    frame = app.store.history("statements", str(statement_id))
    return table_response(frame, format, f"edits-statement-{statement_id}")


@router.patch("/deposits/{deposit_id}", response_model=Edited, tags=["edits"])
def edit_deposit(deposit_id: str, body: EditRequest, user: Editor, app: State) -> Edited:
    """Change fields of a deposit (409 when it changed since ``version``)."""
    new = app.store.edit(
        "deposits", deposit_id, body.changes, version=body.version, who=user.username
    )
    return Edited(id=deposit_id, version=new)


@router.patch("/statements/{statement_id}", response_model=Edited, tags=["edits"])
def edit_statement(statement_id: int, body: EditRequest, user: Editor, app: State) -> Edited:
    """Change a statement's ore tonnage, cut-off or citation (409 when it changed since
    ``version``)."""
    new = app.store.edit(
        "statements", statement_id, body.changes, version=body.version, who=user.username
    )
    return Edited(id=str(statement_id), version=new)


async def import_request(
    file: UploadFile, request: Request, app: AppState, user: SignedIn
) -> RunRecord:
    """Import an uploaded file (in a worker thread: it reads and writes the database), refused
    with 413 beyond the size limit, before and while reading."""
    limit = app.settings.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise HTTPException(status_code=413, detail=f"uploads are limited to {limit:,} bytes")
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise HTTPException(status_code=413, detail=f"uploads are limited to {limit:,} bytes")
    return await run_in_threadpool(
        import_upload,
        content,
        file.filename or "upload",
        app.store,
        who=user.username,
        max_bytes=limit,
    )


@router.post("/import", tags=["edits"])
async def upload(
    request: Request,
    user: Editor,
    app: State,
    file: Annotated[UploadFile, File(description="an inventory file: csv, json, xlsx, ...")],
) -> dict[str, Any]:
    """Import an inventory file in one transaction (422 naming the row when refused)."""
    record = await import_request(file, request, app, user)
    return {"name": file.filename, "imports": record.results["imports"]}


# ---------------------------------------------------------------------- roll-ups


@router.get("/rollup", responses=_TABLE, tags=["inventory"])
async def rollup(
    _user: Reader,
    app: State,
    by: str = "belt",
    basis: Basis = "identified",
    as_of: AsOf = None,
    commodity: Commodity = "cu",
    scheme: Literal["crirsco", "gbt17766"] = "crirsco",
    format: Format = "json",
) -> Response:
    """Ore and contained metal by belt, region, country, type, status, category, code or
    deposit, as of a date, on a counting basis."""
    date = None if as_of is None else as_of.isoformat()
    key = ("rollup", by, basis, date, commodity, scheme, format)
    return await app.answer(
        key,
        lambda: table_response(
            app.store.rollup(by, commodity=commodity, as_of=date, basis=basis, scheme=scheme),
            format,
            f"rollup-{by}",
        ),
    )


@router.get("/additions", responses=_TABLE, tags=["inventory"])
async def additions(
    _user: Reader,
    app: State,
    since: dt.date,
    until: dt.date | None = None,
    by: str | None = None,
    basis: Basis = "identified",
    commodity: Commodity = "cu",
    format: Format = "json",
) -> Response:
    """Metal added to the inventory between two dates (by group)."""
    end = None if until is None else until.isoformat()
    key = ("additions", since, end, by, basis, commodity, format)
    return await app.answer(
        key,
        lambda: table_response(
            app.store.additions(since.isoformat(), end, by=by, commodity=commodity, basis=basis),
            format,
            "additions",
        ),
    )


@router.get("/mckelvey", responses=_TABLE, tags=["inventory"])
async def mckelvey(
    _user: Reader,
    app: State,
    by: Literal["belt", "region"] = "belt",
    as_of: AsOf = None,
    commodity: Commodity = "cu",
    format: Format = "json",
) -> Response:
    """McKelvey boxes: identified metal by category beside the undiscovered quantiles."""
    date = None if as_of is None else as_of.isoformat()
    return await app.answer(
        ("mckelvey", by, date, commodity, format),
        lambda: table_response(
            app.store.mckelvey(by, commodity=commodity, as_of=date), format, f"mckelvey-{by}"
        ),
    )


@router.get("/map", tags=["inventory"])
async def map_data(
    _user: Reader,
    app: State,
    commodity: Commodity = "cu",
    prospect: str | None = None,
) -> Response:
    """What the map draws: every deposit with coordinates (id, name, easting, northing,
    crs, type, status, belt, metal_t), the prospectivity map and targets of a prospect run
    (default: the latest) and the basemap's bounds."""

    def compute() -> Response:
        page, _total = app.store.find_deposits(limit=None, commodity=commodity)
        placed = page[page["easting"].notna() & page["northing"].notna()]
        columns = ["id", "name", "easting", "northing", "crs", "deposit_type", "status"]
        columns += ["belt", "metal_t"]
        body = {
            "deposits": frame_rows(placed[columns]),
            "unplaced": int(len(page) - len(placed)),
            "prospectivity": prospectivity_layer(app.store, prospect),
            "basemap": (
                None
                if app.settings.basemap_bounds is None
                else {"url": "/basemap", "bounds": list(app.settings.basemap_bounds)}
            ),
        }
        return JSONResponse(body)

    return await app.answer(("map", commodity, prospect), compute)


# ---------------------------------------------------------------------- runs


@router.get("/runs", responses=_TABLE, tags=["runs"])
def runs(
    _user: Reader,
    app: State,
    kind: str | None = None,
    format: Format = "json",
) -> Response:
    """Stored runs, newest first, with their links."""
    return table_response(app.store.runs(kind=kind), format, "runs")


@router.get("/runs/{run_id}", tags=["runs"])
def run(run_id: str, _user: Reader, app: State) -> dict[str, Any]:
    """A stored run record (``run.json``'s content) with its stages."""
    return app.store.run(run_id)


@router.get("/runs/{run_id}/trials", responses=_TABLE, tags=["runs"])
def trials(
    run_id: str,
    _user: Reader,
    app: State,
    format: Format = "json",
) -> Response:
    """An assessment run's simulated total per trial (``<commodity>_t``): its distribution."""
    app.store.run(run_id)  # 404 for an unknown run
    return table_response(app.store.run_trials(run_id), format, f"trials-{run_id}")


@router.get("/runs/{run_id}/grade-tonnage", responses=_TABLE, tags=["runs"])
def grade_tonnage(
    run_id: str,
    _user: Reader,
    app: State,
    format: Format = "json",
) -> Response:
    """An estimate run's grade-tonnage curve, or a pit run's nested shells."""
    frame = grade_tonnage_curve(app.store, run_id)
    if frame is None:
        frame = shell_table(app.store, run_id)
    if frame is None:
        raise HTTPException(status_code=404, detail=f"run {run_id} has no grade-tonnage table")
    return table_response(frame, format, f"grade-tonnage-{run_id}")


@router.get("/runs/{run_id}/files/{name:path}", tags=["runs"])
def file(run_id: str, name: str, _user: Reader, app: State) -> FileResponse:
    """A file the run wrote (its report, figures, tables); only files its record lists."""
    path = run_file(app.store, run_id, name)
    return FileResponse(
        path,
        media_type=SERVED_TYPES[path.suffix.lower()],
        headers={"content-security-policy": FILE_POLICY},
    )


# ---------------------------------------------------------------------- users


@router.get("/users", responses=_TABLE, tags=["users"])
def users(_user: Admin, app: State) -> Response:
    """Every user and role (admins only)."""
    return table_response(app.accounts.list(), "json", "users")


@router.post("/users", status_code=201, tags=["users"])
def add_user(body: NewUser, _user: Admin, app: State) -> dict[str, str]:
    """Add a user or change one's password and role (admins only)."""
    app.accounts.add(body.username, body.password, body.role)
    return {"username": body.username, "role": body.role}


@router.delete("/users/{username}", status_code=204, tags=["users"])
def remove_user(username: str, user: Admin, app: State) -> Response:
    """Remove a user (admins only; not yourself)."""
    if username == user.username:
        raise HTTPException(status_code=422, detail="you cannot remove yourself")
    app.accounts.remove(username)
    return Response(status_code=204)
