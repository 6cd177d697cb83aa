"""The dashboard application: :func:`create_app` builds it, :func:`serve` runs it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from bornite._version import __version__
from bornite.errors import (
    BorniteError,
    DataFileError,
    MissingDependencyError,
    NotFoundError,
    StaleWriteError,
    StoreError,
    ValidationError,
)
from bornite.store import Store
from bornite.web import api, pages
from bornite.web._state import AppState, NeedLogin
from bornite.web.security import LoginLimiter, SecurityHeaders
from bornite.web.settings import WebSettings

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "create_app", "plotly_js", "serve"]

logger = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
_STATIC = Path(__file__).parent / "static"


def plotly_js() -> Path:
    """The minified Plotly.js that the ``plotly`` Python package installs (served locally,
    so the dashboard works offline)."""
    try:
        import plotly  # noqa: PLC0415 (the web extra)
    except ImportError as error:
        msg = "the dashboard needs plotly; install bornite[web]"
        raise MissingDependencyError(msg) from error
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        msg = f"plotly {plotly.__version__} has no bundled plotly.min.js at {path}"
        raise MissingDependencyError(msg)
    return path


def _status(error: BorniteError) -> int:
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, StaleWriteError):
        return 409
    if isinstance(error, ValidationError | DataFileError):
        return 422
    if isinstance(error, StoreError):
        return 503
    return 400


def _wants_page(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The dashboard over one database.

    Raises
    ------
    StoreError
        When the database cannot be opened or is not at this version's schema (the message
        says which ``bornite db`` command fixes it).
    """
    settings = settings or WebSettings()
    store = Store(settings.db)
    store.check()
    script = plotly_js()
    app = FastAPI(
        title="bornite",
        version=__version__,
        description="The inventory, maps and runs of a bornite database.",
        # Swagger UI and ReDoc load their scripts from a CDN: the schema is served alone.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.bornite = AppState(
        settings=settings,
        store=store,
        accounts=store.accounts,
        limiter=LoginLimiter(settings.login_attempts, settings.login_window_s),
    )
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly() -> FileResponse:
        return FileResponse(
            script,
            media_type="text/javascript",
            headers={"cache-control": "public, max-age=86400"},
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/basemap", include_in_schema=False)
    def basemap() -> FileResponse:
        if settings.basemap is None:
            raise HTTPException(status_code=404, detail="no basemap was given")
        return FileResponse(settings.basemap)

    @app.exception_handler(NeedLogin)
    def need_login(request: Request, _error: NeedLogin) -> Response:
        if _wants_page(request) and request.method == "GET":
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={target}", status_code=303)
        return _error_response(request, 401, "sign in first (POST /api/login)")

    @app.exception_handler(BorniteError)
    def bornite_error(request: Request, error: BorniteError) -> Response:
        return _error_response(request, _status(error), str(error))

    @app.exception_handler(HTTPException)
    def http_error(request: Request, error: HTTPException) -> Response:
        response = _error_response(request, error.status_code, str(error.detail))
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    def bad_request(request: Request, error: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        return _error_response(request, 422, problems)

    app.include_router(api.router)
    app.include_router(pages.router)
    return app


def _error_response(request: Request, status: int, detail: str) -> Response:
    if _wants_page(request):
        return pages.error_page(request, status, detail)
    return JSONResponse({"detail": detail}, status_code=status)


def serve(
    settings: WebSettings | None = None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    **uvicorn_options: Any,
) -> None:
    """Serve the dashboard with uvicorn (on the loopback address unless told otherwise)."""
    try:
        import uvicorn  # noqa: PLC0415 (the web extra)
    except ImportError as error:
        msg = "the dashboard needs uvicorn; install bornite[web]"
        raise MissingDependencyError(msg) from error
    app = create_app(settings)
    if host not in {"127.0.0.1", "localhost", "::1"}:
        logger.warning("serving on %s: anyone who can reach it can read the dashboard", host)
    uvicorn.run(app, host=host, port=port, server_header=False, **uvicorn_options)
