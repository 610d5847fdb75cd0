"""How the service refuses a request: a 4xx (or a 500 that says nothing of the internals) as
``{"error": code, "detail": message}``, the message in the request's language::

    >>> error_response(404, "mark_not_found", "no such mark in this index").body
    b'{"error":"mark_not_found","detail":"no such mark in this index"}'
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..messages import error_text

log = logging.getLogger("similarity.service")


class ApiError(Exception):
    """A request the service refuses: HTTP status, a stable machine code and a message for people."""

    def __init__(self, status: int, error: str, detail: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.error, self.detail, self.headers = status, error, detail, headers


def error_response(status: int, error: str, detail: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status_code=status, headers=headers)


def validation_detail(error: ValidationError | RequestValidationError) -> list[dict[str, Any]]:
    """Where and what, without echoing the (possibly huge) input back."""
    return [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in error.errors()]


def answer_lang(request: Request) -> str:
    """The language an error is told in: the check's ``lang`` once read, else ``?lang=``; English by default for
    the registry's endpoints, which have no language of their own."""
    lang = getattr(request.state, "lang", None) or request.query_params.get("lang")
    return lang if lang in ("id", "en") else "en"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        detail = exc.detail
        if not isinstance(detail, list):  # validation details stay as pydantic gives them (loc + msg)
            detail = error_text(detail, answer_lang(request))
        return error_response(exc.status, exc.error, detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        malformed = any(e.get("type") == "json_invalid" for e in exc.errors())
        if malformed:
            return error_response(400, "malformed_json", "the body is not valid JSON")
        return error_response(422, "invalid_request", validation_detail(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
        return error_response(exc.status_code, code, exc.detail, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "an unexpected error occurred; it has been logged")
