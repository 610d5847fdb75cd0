"""The HTTP API and web page: thin over :func:`similarity.check.check` and :class:`MarkIndex`.

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

import asyncio
import contextlib
import io
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import quote

import anyio
import faiss
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..build import open_index
from ..check import check, parse_logo_max_distance
from ..classes import LAST_CLASS, NICE_CLASSES, parse_classes
from ..image.load import MAX_FILE_BYTES, LogoError, load_logo
from ..index import MarkIndex
from ..marks import STATUSES, CheckResult, Mark
from ..store import MANIFEST, IndexFormatError, writer_lock
from ..text.encode import encode_name
from ..text.normalize import MAX_NAME_CHARS
from .batch import CheckQueue

log = logging.getLogger("similarity.service")

HERE = Path(__file__).parent
TOKEN_ENV = "SIMILARITY_API_TOKEN"
INDEX_ENV = "SIMILARITY_SERVE_INDEX"
"""Index folder of :func:`app_from_env`, the factory each worker process of ``serve --workers N`` calls."""
FOLLOW_EVERY_S = 1.0
"""How often a request may look whether the index folder holds a newer generation (one ``stat`` call)."""
CHECK_TIMEOUT_S = 10.0
"""Longest a check may take, queueing included; beyond it the client gets 504 and the thread finishes alone."""
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
REPORT_FILENAME = {"id": "laporan-kemiripan-merek.html", "en": "brand-similarity-report.html"}
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
    top: int = Field(10, ge=1, le=MAX_TOP, description="How many matches to return at most.")
    lang: Literal["id", "en"] = Field("id", description="Language of labels and reasons.")
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
class ServedIndex:
    """The index being served. Readers take :attr:`current` once per request; writers swap in a new object.

    An index saved in a folder is *followed*: at most every ``follow_every`` seconds a reader looks at the
    manifest's modification time, and when another process has saved a newer generation there (a rebuild, or a
    registry write answered by another server process) it is loaded in a background thread and swapped in once
    complete; requests meanwhile keep the previous one. Writes from several processes are serialised by a lock
    file in the folder, so none is lost::

        >>> import tempfile
        >>> from similarity.marks import Mark
        >>> idx = MarkIndex(); _ = idx.add([Mark(id="a", name="Aqua")]); folder = idx.save(tempfile.mkdtemp())
        >>> served = ServedIndex(MarkIndex.load(idx.path), follow_every=0)
        >>> _ = idx.add([Mark(id="b", name="Indomie")]); _ = idx.save()      # another process writes
        >>> served.wait_for_generation(idx.generation, timeout=30).generation == idx.generation
        True
    """

    def __init__(self, index: MarkIndex, *, follow_every: float | None = FOLLOW_EVERY_S) -> None:
        self._current = index
        self._lock = threading.Lock()
        self._look = threading.Lock()
        self._follow_every = follow_every if index.path is not None else None
        self._checked = time.monotonic()
        self._stamp = self._manifest_stamp()
        self._following: threading.Thread | None = None

    @property
    def current(self) -> MarkIndex:
        if (
            self._follow_every is not None
            and time.monotonic() - self._checked >= self._follow_every
            and self._look.acquire(blocking=False)  # one request looks; the others read on
        ):
            try:
                self._checked = time.monotonic()
                stamp = self._manifest_stamp()
                if stamp != self._stamp and (self._following is None or not self._following.is_alive()):
                    self._stamp = stamp
                    self._following = threading.Thread(target=self._follow, name="index-follower", daemon=True)
                    self._following.start()
            finally:
                self._look.release()
        return self._current

    def reload(self) -> MarkIndex:
        """Load the folder again (a rebuilt or updated index) and swap it in once fully loaded."""
        with self._lock:
            fresh = MarkIndex.load(self._folder())
            self._current, self._stamp = fresh, self._manifest_stamp()
            return fresh

    def write(self, change: Callable[[MarkIndex], T]) -> tuple[T, MarkIndex]:
        """Apply ``change`` to a fresh copy from disk, save it, then swap it in; readers never wait. The copy is
        loaded under the folder's write lock, so a write from another server process is never overwritten."""
        folder = self._folder()
        # load-change-save of one server process at a time (the save inside takes the store's own ".lock")
        with self._lock, writer_lock(folder, ".service-write.lock"):
            copy = MarkIndex.load(folder)
            outcome = change(copy)
            copy.save()
            self._current, self._stamp = copy, self._manifest_stamp()  # our own save: nothing to follow
            return outcome, copy

    def wait_for_generation(self, generation: int, timeout: float = 60.0) -> MarkIndex:
        """The served index once it has reached ``generation`` (following the folder), or the current one after
        ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while self.current.generation < generation and time.monotonic() < deadline:
            time.sleep(0.05)
        if self._following is not None:
            self._following.join(max(0.0, deadline - time.monotonic()))
        return self._current

    def _follow(self) -> None:
        try:
            with self._lock:
                fresh = MarkIndex.load(self._folder())
                if fresh.generation > self._current.generation:
                    self._current = fresh
                    log.info("now serving generation %d of %s", fresh.generation, fresh.path)
        except Exception as e:  # noqa: BLE001 - a follower must not die quietly: this process would serve stale answers
            # look again at the next check instead of waiting for the folder to change once more: the failure may be
            # passing (a generation removed by the next write between reading the manifest and opening its files)
            self._stamp = None
            log.warning("the index folder changed but cannot be loaded (%s); the previous index keeps serving", e)

    def _manifest_stamp(self) -> int | None:
        if self._current.path is None:
            return None
        try:
            return (self._current.path / MANIFEST).stat().st_mtime_ns
        except OSError:
            return None

    def _folder(self) -> Path:
        if self._current.path is None:
            raise ApiError(409, "index_not_on_disk", "this index was never saved to a folder — nothing to load")
        return self._current.path


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


# ---------------------------------------------------------------------------------------------- thumbnails
@lru_cache(maxsize=2048)
def logo_thumbnail(logo: str) -> bytes:
    """The prepared logo (trimmed, light ground) as a PNG whose longest side is at most 128 px."""
    image = load_logo(logo)
    image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _single_threaded(func: Callable[..., T], *args: Any) -> T:
    """Run ``func`` with FAISS on this thread alone.

    Requests already run in parallel threads; an OpenMP team per search on top of them only contends (2 cores,
    benchmarks/bench_service.py: one check's p50 42 ms with the default team, 10 ms with one thread). The OpenMP
    setting belongs to the calling thread, hence here and not once at start-up.
    """
    faiss.omp_set_num_threads(1)
    return func(*args)


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
    limiter = anyio.CapacityLimiter(threads)

    app = FastAPI(
        title="brand-similarity",
        version=__version__,
        summary="Trademark similarity screen for Indonesian UMKM — a similarity screen, not a legal opinion.",
    )
    app.state.served = served
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _install_error_handlers(app)

    checks = CheckQueue() if threads == 1 else None  # one worker thread answers the checks waiting, in batches
    app.state.checks = checks

    async def in_thread(func: Callable[..., T], *args: Any, timeout: float | None = None, queued: bool = False) -> T:
        """``func(*args)`` off the event loop, within the timeout; ``queued``: a check, answered by the check queue."""
        try:
            if queued and checks is not None:
                return await checks.run(lambda: func(*args), timeout or check_timeout)
            return await asyncio.wait_for(anyio.to_thread.run_sync(_single_threaded, func, *args, limiter=limiter),
                                          timeout or check_timeout)
        except TimeoutError:
            raise ApiError(504, "timeout", f"the request took longer than {timeout or check_timeout:g} s — "
                           "try again, or with a smaller logo") from None

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
        """Size, build date, format version and provenance of the index being served."""
        return public_info(served.current)

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
            png = await in_thread(logo_thumbnail, mark.logo)
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
        name, classes, logo, top, lang, limits = await _read_check_request(request)
        index = served.current  # one index for the whole request, even if a reload swaps meanwhile
        try:
            result = await in_thread(
                lambda: check(index, name, logo=logo, classes=classes, top=top, logo_max_distance=limits), queued=True
            )
        except LogoError as e:
            raise ApiError(422, "invalid_logo", str(e)) from None
        except ValueError as e:  # InvalidNameError, UnknownClassError, empty query: the library says why
            raise ApiError(422, "invalid_query", str(e)) from None
        return result, index, logo, lang

    @app.post("/v1/check", tags=["check"], openapi_extra=_CHECK_OPENAPI)
    async def check_endpoint(request: Request) -> JSONResponse:
        """Screen a name and/or logo against the registry: verdict, ranked matches, reasons per factor."""
        result, _, _, lang = await run_check(request)
        body = result.to_dict(lang)
        for match in body["matches"]:
            public_mark(match["mark"])
        return JSONResponse(body)

    @app.post("/v1/report", tags=["check"], openapi_extra=_CHECK_OPENAPI, response_class=HTMLResponse,
              responses={200: {"content": {"text/html": {}}}})
    async def report_endpoint(request: Request) -> HTMLResponse:
        """The same check as ``/v1/check``, answered as a self-contained HTML report to save or print."""
        from ..report import render_report

        result, index, logo, lang = await run_check(request)
        page = await in_thread(lambda: render_report(result, lang=lang, index=index, query_logo=logo), queued=True)
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
            index.update(marks)
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
            index = await in_thread(served.reload, timeout=600)
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
        fields: dict[str, Any] = raw if isinstance(raw, dict) else {"_": raw}
    elif ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        async with request.form(max_files=2, max_fields=60, max_part_size=64 * 1024) as form:
            fields = {k: form.get(k) for k in ("name", "top", "lang") if form.get(k) not in (None, "")}
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
    try:
        body = CheckRequest.model_validate(fields)
    except ValidationError as e:
        raise ApiError(422, "invalid_request", _validation_detail(e)) from None
    if isinstance(body.classes, list) and len(body.classes) > LAST_CLASS:
        raise ApiError(422, "too_many_classes", f"{len(body.classes)} classes given — there are only "
                       f"{LAST_CLASS} Nice classes")
    try:
        classes = parse_classes(body.classes)
    except ValueError as e:
        raise ApiError(422, "invalid_class", str(e)) from None
    name = body.name if body.name and body.name.strip() else None
    if name is None and logo is None:
        raise ApiError(422, "empty_query", "give a brand name, a logo, or both")
    return name, classes, logo, body.top, body.lang, body.logo_max_distance


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
        return error_response(exc.status, exc.error, exc.detail, exc.headers)

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
    }
    blob = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    return (HERE / "templates" / "index.html").read_text(encoding="utf-8").replace("{{config}}", blob)


def _report_available() -> bool:
    try:
        from ..report import render_report  # noqa: F401
    except ImportError:
        return False
    return True
