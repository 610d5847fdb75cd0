"""The HTTP API and web page: thin over :func:`similarity.pipeline.check` and :class:`MarkIndex`.

    >>> from fastapi.testclient import TestClient
    >>> client = TestClient(create_app(None))                 # doctest: +SKIP
    >>> client.post("/v1/check", json={"name": "Kopi Kenangan", "classes": [30]}).json()["verdict"]["risk"]
    ...                                                        # doctest: +SKIP

The index is loaded once and read by many threads at a time. A write (``POST``/``DELETE /v1/marks``) or a
reload (``POST /v1/admin/reload``) builds a *new* index object — loaded fully from disk, changed, saved —
and only then replaces the reference, so a request sees either the old index or the new one, never a
half-loaded one. Every client error is a 4xx ``{"error": code, "detail": message}``; nothing else leaks.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import secrets
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import quote

import anyio
import numpy as np
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..build import open_index
from ..classes import LAST_CLASS, NICE_CLASSES, parse_classes
from ..explain import DEMO_NOTICE, UNKNOWN_CLASSES, registry_line
from ..goods import classes_for_goods, search_goods
from ..image import sandbox
from ..image.load import MAX_FILE_BYTES, LogoError, load_logo, load_logo_codes
from ..messages import error_text
from ..pipeline import check, parse_logo_max_distance
from ..results import View, csv_text, fetch_size, select, shown, view_dict
from ..store.files import IndexFormatError
from ..store.generations import FollowedIndex, IndexNotOnDiskError
from ..store.index import MarkIndex
from ..text.encode import encode_name
from ..text.normalize import MAX_NAME_CHARS
from ..values import STATUSES, CheckResult, Mark
from .work import BoundedWork

log = logging.getLogger("similarity.service")

HERE = Path(__file__).parent
TOKEN_ENV = "SIMILARITY_API_TOKEN"
INDEX_ENV = "SIMILARITY_SERVE_INDEX"
"""Index folder of :func:`app_from_env`, the factory each worker process of ``serve --workers N`` calls."""
CHECK_TIMEOUT_S = 10.0
"""Longest a check may take, queueing included; beyond it the client gets 504, its logo decode is killed, and its
thread keeps its slot until it has stopped (so timed-out work never piles up behind new work)."""
CHECK_THREADS = 1
"""Checks running at once. A check is mostly Python holding the GIL: on 2 cores with 100 clients (bench_service)
one thread gave the same throughput as two and a p99 of ~5 s instead of ~12 s, since extra threads only take
turns on the GIL and starve the event loop. Raise it where the heavy parts release the GIL."""
FORM_OVERHEAD_BYTES = 256 * 1024
"""Room for form fields and multipart headers on top of the logo itself."""
MAX_BODY_BYTES = MAX_FILE_BYTES + FORM_OVERHEAD_BYTES
MAX_TOP = 100
MAX_MARKS_PER_WRITE = 10_000
THUMBNAIL_PX = 128
TOO_DEEP = "the JSON body is nested too deeply — a check or a mark is a flat object"
REPORT_FILENAME = {"id": "laporan-kemiripan-merek.html", "en": "brand-similarity-report.html"}
CSV_FILENAME = {"id": "hasil-kemiripan-merek.csv", "en": "brand-similarity-matches.csv"}
PAGE_CSP = ("default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")

T = TypeVar("T")
BEARER = HTTPBearer(auto_error=False, description=f"The token in ${TOKEN_ENV} on the server.")


class ApiError(Exception):
    """A request the service refuses: HTTP status, a stable machine code and a message for people."""

    def __init__(self, status: int, error: str, detail: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.error, self.detail, self.headers = status, error, detail, headers


def error_response(status: int, error: str, detail: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status_code=status, headers=headers)


# ---------------------------------------------------------------------------------------------- request bodies
class CheckRequest(BaseModel):
    """``POST /v1/check`` as JSON. A logo needs a multipart form (field ``logo``) instead."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=4 * MAX_NAME_CHARS, description="The brand name to check.")
    classes: list[int] | str | None = Field(None, max_length=500,
                                            description="Nice classes: [30, 43] or \"30,43\".")
    goods: list[str] | str | None = Field(None, max_length=20, description="What is sold, in words (\"keripik\", "
                                          "[\"bakso\", \"es teh\"]): their Nice classes are added to classes.")
    top: int = Field(10, ge=1, le=MAX_TOP, description="How many matches to return at most.")
    offset: int = Field(0, ge=0, le=MAX_TOP * 2, description="Skip this many matches (the next page).")
    status: list[Literal[STATUSES]] | None = Field(  # type: ignore[valid-type]
        None, description="List only marks with one of these statuses (the verdict stays the whole check's).")
    filter_class: list[int] | None = Field(None, max_length=45, description="List only marks in one of these "
                                           "classes.")
    sort: Literal["score", "date"] = Field("score", description="score (best first) or date (earliest filing "
                                           "first).")
    lang: Literal["id", "en"] = Field("id", description="Language of labels, reasons and error messages.")
    logo_max_distance: dict[Literal["phash", "shape", "dhash"], Annotated[int, Field(ge=0, le=31)]] | None = Field(
        None,
        description="Judge a logo hash by this threshold (bits of 64) instead of the calibrated one, e.g. "
        '{"phash": 10}. In a form: the field logo_max_distance as "phash=10", repeatable.',
    )


class MarkIn(BaseModel):
    """A registry mark sent to ``POST /v1/marks``; ``logo`` may only be a ``simple-icons:<slug>`` reference."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    owner: str = Field("", max_length=500)
    classes: list[int] | str = Field(default_factory=list)
    status: Literal[STATUSES] = "registered"  # type: ignore[valid-type]
    number: str = Field("", max_length=100)
    filed: str | None = Field(None, max_length=40)
    registered: str | None = Field(None, max_length=40)
    logo: str | None = Field(None, max_length=200, pattern=r"^simple-icons:[a-z0-9._-]+$")


def _validation_detail(error: ValidationError | RequestValidationError) -> list[dict[str, Any]]:
    """Where and what, without echoing the (possibly huge) input back."""
    return [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in error.errors()]


# ---------------------------------------------------------------------------------------------- the index
ServedIndex = FollowedIndex
"""The index being served: followed on disk, written through the folder's write lock
(:mod:`similarity.store.generations` holds the logic; the service only calls it)."""


def public_info(index: MarkIndex) -> dict[str, Any]:
    info = index.info()
    info.pop("path", None)  # the server's file layout is nobody else's business
    return info


# ---------------------------------------------------------------------------------------------- body size limit
class _BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuse request bodies over ``max_bytes``: by Content-Length before reading, else while streaming.

    When the limit is hit mid-stream the app's own response (FastAPI turns the aborted read into a 400) is
    dropped and a 413 is sent instead.
    """

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send, f"is {declared.decode('latin-1')} bytes")
            return
        received, over, started = 0, False, False

        async def limited_receive() -> dict:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    over = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: dict) -> None:
            nonlocal started
            if over:
                return
            started = True
            await send(message)

        with contextlib.suppress(_BodyTooLarge):
            await self.app(scope, limited_receive, guarded_send)
        if over and not started:
            await self._refuse(send, "is")

    async def _refuse(self, send: Callable, size: str) -> None:
        response = error_response(
            413, "request_too_large",
            f"the request body {size} over the {self.max_bytes:,} byte limit — a logo may be at most "
            f"{MAX_FILE_BYTES:,} bytes; upload a smaller file",
            headers={"Connection": "close"},
        )
        await send({"type": "http.response.start", "status": response.status_code,
                    "headers": response.raw_headers})
        await send({"type": "http.response.body", "body": response.body})


def public_mark(mark: dict[str, Any]) -> dict[str, Any]:
    """A mark as the API shows it: a logo stored as a server file path becomes the URL of its thumbnail, so a
    client sees where to fetch it and never the server's file system (``simple-icons:<slug>`` stays: it is a
    public name). Changes ``mark`` in place and returns it.

    >>> public_mark({"id": "IDM1", "logo": "/srv/registry/logos/1.png"})["logo"]
    '/v1/marks/IDM1/logo.png'
    >>> public_mark({"id": "IDM2", "logo": "simple-icons:github"})["logo"]
    'simple-icons:github'
    """
    logo = mark.get("logo")
    if logo and not str(logo).startswith("simple-icons:"):
        mark["logo"] = f"/v1/marks/{quote(str(mark['id']), safe='')}/logo.png"
    return mark


# ---------------------------------------------------------------------------------------------- logos
def logo_codes(logo: bytes) -> np.ndarray:
    """The dihedral codes an uploaded logo is searched with: decoded and hashed in a sandboxed worker process, so the
    server's GIL is not held by the image at all."""
    return load_logo_codes(logo)



@lru_cache(maxsize=2048)
def logo_thumbnail(logo: str) -> bytes:
    """The prepared logo (trimmed, light ground) as a PNG whose longest side is at most 128 px."""
    image = load_logo(logo)
    image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------- the app
def app_from_env() -> FastAPI:
    """:func:`create_app` for the folder in ``$SIMILARITY_SERVE_INDEX`` (unset: the demo registry): the factory
    each worker process of ``similarity serve --workers N`` calls. Each process loads the index once and follows
    the folder, so a write answered by one process reaches the others within about a second."""
    return create_app(os.environ.get(INDEX_ENV) or None)


def create_app(index_path: str | os.PathLike | None, *, token: str | None = None,
               check_timeout: float = CHECK_TIMEOUT_S, threads: int = CHECK_THREADS) -> FastAPI:
    """The FastAPI app serving the index in ``index_path`` (None: the bundled demo registry).

    ``token`` (else ``$SIMILARITY_API_TOKEN``) enables the registry writes; without one they answer 403.
    ``check_timeout`` bounds each check, waiting for a worker thread included; ``threads`` is how many checks
    run at once (the rest queue in arrival order).
    """
    served = ServedIndex(open_index(index_path))
    token = token if token is not None else os.environ.get(TOKEN_ENV) or None
    pool = sandbox.decode_pool()
    work = BoundedWork(threads, decodes=pool.size if pool is not None else sandbox.DECODE_WORKERS)
    sandbox.warm_pool()

    app = FastAPI(
        title="brand-similarity",
        version=__version__,
        summary="Trademark similarity screen for Indonesian UMKM — a similarity screen, not a legal opinion.",
    )
    app.state.served = served
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _install_error_handlers(app)

    app.state.work = work

    async def in_thread(func: Callable[..., T], *args: Any, timeout: float | None = None,
                        limiter: anyio.CapacityLimiter | None = None, started: float | None = None) -> T:
        try:
            return await work.run(func, *args, timeout=timeout or check_timeout, limiter=limiter, started=started)
        except TimeoutError:
            raise ApiError(504, "timeout", f"the request took longer than {timeout or check_timeout:g} s — "
                           "try again, or with a smaller logo") from None
        except IndexNotOnDiskError as e:
            raise ApiError(409, "index_not_on_disk", f"{e}") from None

    def require_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]) -> None:
        if token is None:
            raise ApiError(403, "writes_disabled", f"registry writes are disabled — start the server with "
                           f"{TOKEN_ENV} set to enable them")
        if credentials is None:
            raise ApiError(401, "unauthorized", "send 'Authorization: Bearer <token>' to change the registry",
                           headers={"WWW-Authenticate": "Bearer"})
        if not secrets.compare_digest(credentials.credentials.encode(), token.encode()):
            raise ApiError(403, "forbidden", "the token is not valid for this server")

    # ------------------------------------------------------------------ read side
    @app.get("/health", tags=["service"])
    def health() -> dict[str, Any]:
        index = served.current
        return {"status": "ok", "marks": len(index), "generation": index.generation}

    @app.get("/v1/index", tags=["registry"])
    def index_info() -> dict[str, Any]:
        """Size, build date, format version and provenance of the index being served, whether it is the bundled
        demo, and the line the page shows for it in each language."""
        info = public_info(served.current)
        facts = {**info, "demo": bool((info.get("source") or {}).get("demo"))}
        return {**info, "demo": facts["demo"], "label": {lang: registry_line(facts, lang) for lang in ("id", "en")}}

    @app.get("/v1/classes", tags=["registry"])
    def classes() -> list[dict[str, Any]]:
        """The 45 Nice classes with their Indonesian and English headings."""
        return [{"number": c.number, "kind": c.kind, "title_id": c.title_id, "title_en": c.title_en}
                for c in NICE_CLASSES.values()]

    @app.get("/v1/marks/{mark_id:path}/logo.png", tags=["registry"], response_class=Response,
             responses={200: {"content": {"image/png": {}}}})
    async def mark_logo(mark_id: str) -> Response:
        """The mark's logo as prepared for comparison, at most 128 px, as PNG."""
        mark = served.current.get(mark_id)
        if mark is None or not mark.logo:
            raise ApiError(404, "logo_not_found", f"mark {mark_id!r} has no logo in this index")
        try:
            png = await in_thread(logo_thumbnail, mark.logo, limiter=work.decodes)
        except LogoError as e:
            log.warning("logo of mark %s cannot be drawn: %s", mark_id, e)
            raise ApiError(404, "logo_unavailable", f"the logo of mark {mark_id!r} cannot be read") from None
        return Response(png, media_type="image/png", headers={"Cache-Control": "public, max-age=3600"})

    # ids may contain "/" (DJKI numbers such as "IDM000123/2020"): the routes take the rest of the path, the logo's
    # first since it is the longer match
    @app.get("/v1/marks/{mark_id:path}", tags=["registry"])
    def get_mark(mark_id: str) -> dict[str, Any]:
        mark = served.current.get(mark_id)
        if mark is None:
            raise ApiError(404, "mark_not_found", f"no mark with id {mark_id!r} in this index")
        return public_mark(mark.to_dict())

    async def run_check(request: Request) -> tuple[CheckResult, MarkIndex, bytes | None, str]:
        started = time.monotonic()
        name, classes, logo, top, lang, limits = await _read_check_request(request)
        view = request.state.view
        index = served.current  # one index for the whole request, even if a reload swaps meanwhile
        fetch = fetch_size(view["offset"], top, bool(view["statuses"] or view["classes"] or view["sort"] != "score"))
        try:
            # the logo is first decoded and hashed in its own slot (a worker process does it: a hostile file fails
            # here); the check then verifies its matches on a decoded copy (keypoints, outlines, OCR)
            if logo is not None:
                await in_thread(logo_codes, logo, limiter=work.decodes, started=started)
            result = await in_thread(
                lambda: check(index, name, logo=logo, classes=classes, top=fetch, logo_max_distance=limits),
                started=started,
            )
        except LogoError as e:
            raise ApiError(422, "invalid_logo", e) from None
        except ValueError as e:  # InvalidNameError, UnknownClassError, empty query: the library says why
            raise ApiError(422, "invalid_query", e) from None
        return result, index, logo, lang

    @app.post("/v1/check", tags=["check"], openapi_extra=_CHECK_OPENAPI)
    async def check_endpoint(request: Request) -> JSONResponse:
        """Screen a name and/or logo against the registry: verdict, ranked matches, reasons per factor."""
        result, _, _, lang = await run_check(request)
        body = view_dict(result, _page(request, result), lang)
        for match in body["matches"]:
            public_mark(match["mark"])
        return JSONResponse(body)

    @app.post("/v1/export.csv", tags=["check"], openapi_extra=_CHECK_OPENAPI, response_class=Response,
              responses={200: {"content": {"text/csv": {}}}})
    async def export_endpoint(request: Request) -> Response:
        """The same check as ``/v1/check`` (filters and page included), its matches as CSV: one row per match, a
        cell a spreadsheet would run as a formula (= + - @) starts with an apostrophe."""
        result, _, _, lang = await run_check(request)
        view = _page(request, result)
        text = "\ufeff" + csv_text(result, view.matches, lang, start=view.offset + 1)
        return Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{CSV_FILENAME[lang]}"',
            "X-Content-Type-Options": "nosniff",
        })

    @app.get("/v1/goods", tags=["registry"])
    def goods(q: str = "", lang: Literal["id", "en"] = "id", limit: int = 8) -> dict[str, Any]:
        """Goods or service words → Nice classes, each with why ("keripik" → 29 potato/fruit chips, 30 flour
        chips); unknown words come back ``found: false`` with the closest terms."""
        if len(q) > 100 or not 1 <= limit <= 30:
            raise ApiError(422, "invalid_request", "q is at most 100 characters and limit 1..30")
        return search_goods(q, limit=limit).to_dict(lang)

    @app.post("/v1/report", tags=["check"], openapi_extra=_CHECK_OPENAPI, response_class=HTMLResponse,
              responses={200: {"content": {"text/html": {}}}})
    async def report_endpoint(request: Request) -> HTMLResponse:
        """The same check as ``/v1/check``, answered as a self-contained HTML report to save or print."""
        from ..report import render_report

        result, index, logo, lang = await run_check(request)
        listed = shown(result, _page(request, result))
        page = await in_thread(lambda: render_report(listed, lang=lang, index=index, query_logo=logo))
        return HTMLResponse(page, headers={
            "Content-Disposition": f'attachment; filename="{REPORT_FILENAME[lang]}"',
            "X-Content-Type-Options": "nosniff",
        })

    # ------------------------------------------------------------------ write side
    @app.post("/v1/marks", tags=["registry"], dependencies=[Depends(require_token)])
    async def put_marks(body: MarkIn | list[MarkIn]) -> dict[str, Any]:
        """Add marks, or replace those whose id exists; saved to disk, then served."""
        items = body if isinstance(body, list) else [body]
        if not 1 <= len(items) <= MAX_MARKS_PER_WRITE:
            raise ApiError(422, "invalid_marks", f"send 1..{MAX_MARKS_PER_WRITE:,} marks per request")
        marks = [_to_mark(item) for item in items]
        if len({m.id for m in marks}) != len(marks):
            raise ApiError(422, "invalid_marks", "the same mark id appears twice in one request")

        def change(index: MarkIndex) -> int:
            existing = sum(m.id in index for m in marks)
            index.update(marks, on_logo_error="raise")  # the sender can fix the logo: refuse, store nothing
            return existing

        try:
            replaced, index = await in_thread(served.write, change, timeout=300)
        except LogoError as e:
            raise ApiError(422, "invalid_logo", str(e)) from None
        return {"added": len(marks) - replaced, "replaced": replaced, "marks": len(index),
                "generation": index.generation}

    @app.delete("/v1/marks/{mark_id:path}", tags=["registry"], dependencies=[Depends(require_token)])
    async def delete_mark(mark_id: str) -> dict[str, Any]:
        if mark_id not in served.current:
            raise ApiError(404, "mark_not_found", f"no mark with id {mark_id!r} in this index")
        removed, index = await in_thread(served.write, lambda ix: ix.remove([mark_id]), timeout=300)
        return {"removed": removed, "marks": len(index), "generation": index.generation}

    @app.post("/v1/admin/reload", tags=["registry"], dependencies=[Depends(require_token)])
    async def reload() -> dict[str, Any]:
        """Load the index folder again (after a rebuild) and swap it in without downtime."""
        before = served.current.generation
        try:
            index = await in_thread(served.refresh, timeout=600)
        except IndexFormatError as e:
            raise ApiError(500, "reload_failed", f"{e} — the previous index keeps serving") from None
        return {"previous_generation": before, **public_info(index)}

    # ------------------------------------------------------------------ page
    @app.get("/", include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse(_render_page(), headers={"Content-Security-Policy": PAGE_CSP,
                                                     "X-Content-Type-Options": "nosniff",
                                                     "Referrer-Policy": "no-referrer"})

    return app


_CHECK_OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": CheckRequest.model_json_schema()},
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "name": {"type": "string"},
                "classes": {"type": "string", "description": "\"30,43\", or the field repeated"},
                "logo": {"type": "string", "format": "binary", "description": f"≤ {MAX_FILE_BYTES:,} bytes"},
                "top": {"type": "integer"}, "lang": {"type": "string", "enum": ["id", "en"]},
                "logo_max_distance": {"type": "string", "description": "HASH=BITS (phash, shape, dhash; 0..31), "
                                      "repeatable: a stricter or looser logo threshold than the calibrated one"},
            }}},
        },
    }
}


async def _read_check_request(
    request: Request,
) -> tuple[str | None, Any, bytes | None, int, str, dict[str, int] | None]:
    """(name, classes, logo bytes, top, lang, logo thresholds) from a JSON body or a form; 4xx with the reason
    otherwise."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    logo: bytes | None = None
    if ctype == "application/json":
        try:
            raw = json.loads(await request.body())
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ApiError(400, "malformed_json", f"the body is not valid JSON ({e})") from None
        except RecursionError:
            raise ApiError(400, "malformed_json", TOO_DEEP) from None
        fields: dict[str, Any] = raw if isinstance(raw, dict) else {"_": raw}
    elif ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        async with request.form(max_files=2, max_fields=60, max_part_size=64 * 1024) as form:
            fields = {k: form.get(k) for k in ("name", "top", "lang", "offset", "sort")
                      if form.get(k) not in (None, "")}
            for many in ("goods", "status", "filter_class"):
                values = [v.strip() for v in form.getlist(many) if isinstance(v, str) and v.strip()]
                if values:
                    fields[many] = values
            classes = [c for c in form.getlist("classes") if isinstance(c, str) and c.strip()]
            if classes:
                fields["classes"] = classes[0] if len(classes) == 1 else [c.strip() for c in classes]
            limits = [v for v in form.getlist("logo_max_distance") if isinstance(v, str) and v.strip()]
            if limits:
                try:
                    fields["logo_max_distance"] = parse_logo_max_distance(limits)
                except ValueError as e:
                    raise ApiError(422, "invalid_request", f"logo_max_distance {e}") from None
            upload = form.get("logo")
            if upload is not None and not isinstance(upload, str):
                logo = await upload.read(MAX_FILE_BYTES + 1)
        if logo is not None and len(logo) > MAX_FILE_BYTES:
            raise ApiError(413, "logo_too_large", f"the logo is over the {MAX_FILE_BYTES:,} byte limit — "
                           "upload a smaller file")
        logo = logo or None  # a form submitted without choosing a file sends an empty part
    else:
        raise ApiError(415, "unsupported_media_type",
                       "send application/json, or multipart/form-data when uploading a logo")
    fields.setdefault("lang", request.query_params.get("lang", "id"))
    if fields.get("lang") in ("id", "en"):
        request.state.lang = fields["lang"]  # errors from here on answer in the request's language
    try:
        body = CheckRequest.model_validate(fields)
    except ValidationError as e:
        raise ApiError(422, "invalid_request", _validation_detail(e)) from None
    request.state.view = {"statuses": body.status or (), "classes": body.filter_class or (), "sort": body.sort,
                          "offset": body.offset, "top": body.top}
    if isinstance(body.classes, list) and len(body.classes) > LAST_CLASS:
        raise ApiError(422, "too_many_classes", f"{len(body.classes)} classes given — there are only "
                       f"{LAST_CLASS} Nice classes")
    try:
        classes = parse_classes(body.classes)
    except ValueError as e:
        raise ApiError(422, "invalid_class", e) from None
    if body.goods:
        try:
            words = [body.goods] if isinstance(body.goods, str) else body.goods
            classes = tuple(sorted({*classes, *classes_for_goods(words)}))
        except ValueError as e:
            raise ApiError(422, "unknown_goods", e) from None
    name = body.name if body.name and body.name.strip() else None
    if name is None and logo is None:
        raise ApiError(422, "empty_query", "give a brand name, a logo, or both")
    return name, classes, logo, body.top, body.lang, body.logo_max_distance


def _answer_lang(request: Request) -> str:
    """The language an error is told in: the check's ``lang`` once read, else ``?lang=``; English by default for
    the registry's endpoints, which have no language of their own."""
    lang = getattr(request.state, "lang", None) or request.query_params.get("lang")
    return lang if lang in ("id", "en") else "en"


def _page(request: Request, result: CheckResult) -> View:
    view = request.state.view
    try:
        return select(result, statuses=view["statuses"], classes=view["classes"], sort=view["sort"],
                      offset=view["offset"], top=view["top"])
    except ValueError as e:
        raise ApiError(422, "invalid_request", e) from None


def _to_mark(item: MarkIn) -> Mark:
    try:
        encode_name(item.name)
        return Mark(id=item.id, name=item.name, owner=item.owner, classes=parse_classes(item.classes),
                    status=item.status, number=item.number, filed=item.filed, registered=item.registered,
                    logo=item.logo)
    except ValueError as e:
        raise ApiError(422, "invalid_mark", f"mark {item.id!r}: {e}") from None


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        detail = exc.detail
        if not isinstance(detail, list):  # validation details stay as pydantic gives them (loc + msg)
            detail = error_text(detail, _answer_lang(request))
        return error_response(exc.status, exc.error, detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        malformed = any(e.get("type") == "json_invalid" for e in exc.errors())
        if malformed:
            return error_response(400, "malformed_json", "the body is not valid JSON")
        return error_response(422, "invalid_request", _validation_detail(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
        return error_response(exc.status_code, code, exc.detail, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "an unexpected error occurred; it has been logged")


@lru_cache(maxsize=1)
def _render_page() -> str:
    """The page with its configuration (classes, limits, report link) inlined as JSON."""
    config = {
        "version": __version__,
        "maxLogoBytes": MAX_FILE_BYTES,
        "classes": [[c.number, c.title_id, c.title_en] for c in NICE_CLASSES.values()],
        "report": _report_available(),
        "text": {lang: {"demo": DEMO_NOTICE[lang], "unknownClasses": UNKNOWN_CLASSES[lang]} for lang in ("id", "en")},
    }
    blob = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    return (HERE / "templates" / "index.html").read_text(encoding="utf-8").replace("{{config}}", blob)


def _report_available() -> bool:
    try:
        from ..report import render_report  # noqa: F401
    except ImportError:
        return False
    return True
