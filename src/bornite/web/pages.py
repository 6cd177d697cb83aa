"""The dashboard's HTML pages (Jinja2): the map, deposits, roll-ups, runs, import, sign-in.

Pages render tables on the server; charts are drawn by ``static/bornite.js`` from the JSON API
(no inline script anywhere). Forms that write carry the session's CSRF token.
"""

from __future__ import annotations

import hmac
import math
import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from bornite.errors import BorniteError, StaleWriteError, ValidationError
from bornite.store import EDITABLE, SignedIn
from bornite.web._state import AppState, current_user, editor, frame_rows, reader, state
from bornite.web.api import import_request, set_session_cookie, sign_in
from bornite.web.security import LOGIN_COOKIE, SESSION_COOKIE, safe_next

__all__ = ["error_page", "router"]

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

Reader = Annotated[SignedIn | None, Depends(reader)]
Editor = Annotated[SignedIn, Depends(editor)]
State = Annotated[AppState, Depends(state)]

_PAGE = 50
_DEPOSIT_SORTS = ("id", "name", "deposit_type", "belt", "region", "country", "status", "metal_t")


def _number(value: Any, digits: int = 3) -> str:
    """Numbers for people: thousands separators, ``digits`` significant figures for small
    ones, a dash for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if value == 0 or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


templates.env.filters["number"] = _number


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page with who is signed in and the session's CSRF token in its context."""
    user = current_user(request)
    return templates.TemplateResponse(
        request,
        template,
        {"user": user, "csrf": user.csrf if user else "", **context},
        status_code=status,
    )


def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    """The page of a refused or failed request."""
    return render(request, "error.html", status=status, status_code=status, detail=detail)


# ---------------------------------------------------------------------- sign-in


@router.get("/login")
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    """The sign-in form, with a CSRF token bound to a cookie (double submit)."""
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", next=safe_next(next), login_csrf=token)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


@router.post("/login")
def login(
    request: Request,
    app: State,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    csrf: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Sign in and go back to where the person was."""
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf.encode()):
        raise HTTPException(status_code=403, detail="the sign-in form expired; reload it")
    try:
        token, _user = sign_in(request, app, username, password)
    except HTTPException as error:
        if error.status_code != 401:
            raise
        fresh = secrets.token_urlsafe(32)
        response = render(
            request,
            "login.html",
            status=401,
            next=safe_next(next),
            login_csrf=fresh,
            message=str(error.detail),
            username=username,
        )
        response.set_cookie(LOGIN_COOKIE, fresh, httponly=True, samesite="strict", path="/login")
        return response
    redirect = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(redirect, app, token)
    redirect.delete_cookie(LOGIN_COOKIE, path="/login")
    return redirect


@router.post("/logout")
def logout(request: Request, app: State) -> Response:
    """Sign out."""
    app.accounts.end(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# ---------------------------------------------------------------------- pages


@router.get("/")
def map_page(request: Request, _user: Reader, app: State) -> HTMLResponse:
    """The map: deposits sized by contained copper, coloured by type or status, over the
    latest prospectivity map with its targets and permissive tract."""
    return render(request, "map.html", counts=app.store.counts())


@router.get("/deposits")
def deposits_page(
    request: Request,
    _user: Reader,
    app: State,
    search: Annotated[str, Query(max_length=200)] = "",
    sort: str = "metal_t",
    descending: bool = True,
    page: Annotated[int, Query(ge=1)] = 1,
    deposit_type: str = "",
    belt: str = "",
    region: str = "",
    country: str = "",
    status: str = "",
) -> HTMLResponse:
    """Deposits, searched, filtered, sorted and paged, with a CSV download of the match."""
    chosen = {
        "deposit_type": deposit_type,
        "belt": belt,
        "region": region,
        "country": country,
        "status": status,
    }
    filters = {k: v for k, v in chosen.items() if v}
    if sort not in _DEPOSIT_SORTS:
        sort = "metal_t"
    rows, total = app.store.find_deposits(
        search=search,
        filters=filters,
        sort=sort,
        descending=descending,
        limit=_PAGE,
        offset=(page - 1) * _PAGE,
    )
    choices = app.store.choices()
    query = {"search": search, **filters}

    def link(**change: Any) -> str:
        return "/deposits?" + urlencode(
            {**query, "sort": sort, "descending": str(descending).lower(), **change}
        )

    return render(
        request,
        "deposits.html",
        rows=frame_rows(rows),
        total=total,
        page=page,
        pages=max(1, math.ceil(total / _PAGE)),
        search=search,
        sort=sort,
        descending=descending,
        filters=chosen,
        choices=choices,
        sorts=_DEPOSIT_SORTS,
        link=link,
        csv="/api/deposits?" + urlencode({**query, "sort": sort, "format": "csv"}),
    )


def _deposit_context(app: AppState, deposit_id: str) -> dict[str, Any]:
    found, _total = app.store.find_deposits(filters={"id": deposit_id}, limit=1)
    if found.empty:
        raise HTTPException(status_code=404, detail=f"no deposit {deposit_id!r}")
    statements = app.store.statements(deposit=deposit_id)
    metal = [c for c in statements.columns if c.endswith("_t") and c != "ore_t"]
    grades = [c for c in statements.columns if c.endswith(("_pct", "_gpt", "_ppm"))]
    runs = app.store.runs()
    return {
        "deposit": frame_rows(found)[0],
        "statements": frame_rows(statements.sort_values(["effective_date", "id"])),
        "metal_columns": metal,
        "grade_columns": grades,
        "editable": EDITABLE["statements"],
        "edits": frame_rows(app.store.history("deposits", deposit_id)),
        "statement_edits": {
            int(s): frame_rows(app.store.history("statements", str(s))) for s in statements["id"]
        },
        "runs": frame_rows(runs[runs["deposit_id"] == deposit_id]),
    }


@router.get("/deposits/{deposit_id}")
def deposit_page(request: Request, deposit_id: str, _user: Reader, app: State) -> HTMLResponse:
    """A deposit: attributes, every statement in report order (edit forms for editors), the
    history of edits, linked runs."""
    return render(request, "deposit.html", **_deposit_context(app, deposit_id))


@router.post("/deposits/{deposit_id}/statements/{statement_id}")
async def edit_statement(
    request: Request,
    deposit_id: str,
    statement_id: int,
    user: Editor,
    app: State,
) -> Response:
    """An editor's change of a statement (the page again, with 409, when someone else changed
    it first)."""
    form = await request.form()
    try:
        version = int(str(form.get("version", "")))
    except ValueError:
        raise HTTPException(status_code=422, detail="the form has no version") from None
    changes: dict[str, Any] = {}
    for name in EDITABLE["statements"]:
        value = form.get(name)
        if isinstance(value, str):
            changes[name] = value.strip() or None if name == "ore_t" else value
    try:
        if changes.get("ore_t") is not None:
            changes["ore_t"] = _tonnes(str(changes["ore_t"]))
        await run_in_threadpool(
            app.store.edit,
            "statements",
            statement_id,
            changes,
            version=version,
            who=user.username,
        )
    except BorniteError as error:
        status = 409 if isinstance(error, StaleWriteError) else 422
        context = await run_in_threadpool(_deposit_context, app, deposit_id)
        return render(request, "deposit.html", status=status, message=str(error), **context)
    return RedirectResponse(f"/deposits/{deposit_id}#statement-{statement_id}", status_code=303)


def _tonnes(text: str) -> float:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        msg = f"ore tonnage {text!r} is not a number of tonnes"
        raise ValidationError(msg) from None


@router.get("/inventory")
def inventory_page(
    request: Request,
    _user: Reader,
    app: State,
    by: str = "belt",
    basis: str = "identified",
    as_of: str = "",
    mckelvey: str = "belt",
) -> HTMLResponse:
    """Roll-ups by belt, region, category, ... as of a date; the McKelvey box."""
    date = as_of or None
    table = app.store.rollup(by, as_of=date, basis=basis)
    box = app.store.mckelvey(mckelvey if mckelvey in {"belt", "region"} else "belt", as_of=date)
    query = urlencode({"by": by, "basis": basis, **({"as_of": as_of} if as_of else {})})
    return render(
        request,
        "inventory.html",
        rows=frame_rows(table),
        box=frame_rows(box),
        box_columns=list(box.columns),
        by=by,
        basis=basis,
        as_of=as_of,
        mckelvey=mckelvey,
        query=query,
        box_query=urlencode({"by": mckelvey, **({"as_of": as_of} if as_of else {})}),
    )


@router.get("/runs")
def runs_page(request: Request, _user: Reader, app: State, kind: str = "") -> HTMLResponse:
    """Every stored run, newest first."""
    runs = app.store.runs(kind=kind or None)
    return render(request, "runs.html", rows=frame_rows(runs), kind=kind)


@router.get("/runs/{run_id}")
def run_page(request: Request, run_id: str, _user: Reader, app: State) -> HTMLResponse:
    """A run: headline, tables, figures, its report, its stages; an assessment's
    distribution and an estimate's grade-tonnage curve."""
    record = app.store.run(run_id)
    runs = app.store.runs()
    row = runs[runs["id"] == run_id].iloc[0]
    stages = runs[runs["parent_id"] == run_id]
    outputs = [str(o["path"]) for o in record.get("outputs", [])]
    return render(
        request,
        "run.html",
        run_id=run_id,
        record=record,
        row=frame_rows(runs[runs["id"] == run_id])[0],
        parent=row["parent_id"] if isinstance(row["parent_id"], str) else None,
        stages=frame_rows(stages.sort_values("started")),
        figures=[p for p in outputs if p.startswith("figures/") and p.endswith((".svg", ".png"))],
        report="report.html" if "report.html" in outputs else None,
        has_trials=record["kind"] in {"tract", "aggregate"},
        has_curve="grade_tonnage.csv" in outputs or "shells.csv" in outputs,
    )


@router.get("/import")
def import_page(request: Request, user: Reader, app: State) -> HTMLResponse:
    """The upload form (editors)."""
    if user is None or not user.may("editor"):
        raise HTTPException(status_code=403, detail="importing needs an editor; sign in as one")
    return render(request, "import.html", limit=app.settings.max_upload_bytes)


@router.post("/import")
async def import_file(
    request: Request,
    user: Editor,
    app: State,
    file: Annotated[UploadFile, File()],
) -> HTMLResponse:
    """Import an uploaded file and show what was added (or which row was refused)."""
    try:
        record = await import_request(file, request, app, user)
    except BorniteError as error:
        return render(
            request,
            "import.html",
            status=422,
            limit=app.settings.max_upload_bytes,
            message=str(error),
        )
    return render(
        request,
        "import.html",
        limit=app.settings.max_upload_bytes,
        imported=record.results["imports"],
        name=file.filename,
    )
