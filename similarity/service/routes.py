"""The service's routes over one served index: the read side (health, index facts, classes, marks and their logos,
goods), the check in its three answers (JSON, CSV, HTML report) and the token-guarded registry writes.

Every blocking call runs through :class:`~similarity.service.work.BoundedWork` under the request's deadline: a check,
a report or a write in the check slots (answered in batches, :mod:`similarity.service.batch`), a logo decode or a
thumbnail in the decode slots. The index is taken once per request (``served.current``), so a reload that swaps it
meanwhile changes nothing for a request already answering.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

import anyio
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..classes import NICE_CLASSES
from ..explain import registry_line
from ..goods import search_goods
from ..image.load import LogoError
from ..pipeline import check
from ..results import csv_text, fetch_size, shown, view_dict
from ..store.files import IndexFormatError
from ..store.generations import IndexNotOnDiskError
from ..store.index import MarkIndex
from ..values import CheckResult
from .batch import Busy
from .bodies import CHECK_OPENAPI, MAX_MARKS_PER_WRITE, MarkIn, page_view, read_check_request, to_mark
from .errors import ApiError, log
from .logos import logo_codes, logo_thumbnail
from .page import PAGE_HEADERS, render_page
from .served import ServedIndex, public_info, public_mark
from .work import BoundedWork

TOKEN_ENV = "SIMILARITY_API_TOKEN"
REPORT_FILENAME = {"id": "laporan-kemiripan-merek.html", "en": "brand-similarity-report.html"}
CSV_FILENAME = {"id": "hasil-kemiripan-merek.csv", "en": "brand-similarity-matches.csv"}

T = TypeVar("T")
BEARER = HTTPBearer(auto_error=False, description=f"The token in ${TOKEN_ENV} on the server.")


def busy_error(busy: Busy) -> ApiError:
    """The answer to a check refused before it queued: 503 with when to ask again."""
    return ApiError(503, "busy", str(busy), headers={"Retry-After": str(busy.retry_after_s)})


def add_routes(app: FastAPI, served: ServedIndex, work: BoundedWork, *, token: str | None,
               check_timeout: float) -> None:
    """Every route of the API and the page on ``app``, answering from ``served``; ``token`` enables the writes (None:
    they answer 403); ``check_timeout`` is a request's deadline unless the route sets its own."""

    async def in_thread(func: Callable[..., T], *args: Any, timeout: float | None = None,
                        limiter: anyio.CapacityLimiter | None = None, started: float | None = None,
                        kind: str = "") -> T:
        try:
            return await work.run(func, *args, timeout=timeout or check_timeout, limiter=limiter, started=started,
                                  kind=kind)
        except Busy as e:  # the checks queued ahead would take it past its deadline: said now, not after it
            raise busy_error(e) from None
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
        name, classes, logo, top, lang, limits = await read_check_request(request)
        view = request.state.view
        index = served.current  # one index for the whole request, even if a reload swaps meanwhile
        fetch = fetch_size(view["offset"], top, bool(view["statuses"] or view["classes"] or view["sort"] != "score"))
        try:
            # the logo is first decoded and hashed in its own slot (a worker process does it: a hostile file fails
            # here); the check then verifies its matches on a decoded copy (keypoints, outlines, OCR)
            kind = "logo" if logo is not None else "name"
            if logo is not None:
                try:  # before the decode: a logo check the slots cannot reach in time is not decoded either
                    work.checks.admit(kind, started + check_timeout)
                except Busy as e:
                    raise busy_error(e) from None
                await in_thread(logo_codes, logo, limiter=work.decodes, started=started)
            result = await in_thread(
                lambda: check(index, name, logo=logo, classes=classes, top=fetch, logo_max_distance=limits),
                started=started, kind=kind,
            )
        except LogoError as e:
            raise ApiError(422, "invalid_logo", e) from None
        except ValueError as e:  # InvalidNameError, UnknownClassError, empty query: the library says why
            raise ApiError(422, "invalid_query", e) from None
        return result, index, logo, lang

    @app.post("/v1/check", tags=["check"], openapi_extra=CHECK_OPENAPI)
    async def check_endpoint(request: Request) -> JSONResponse:
        """Screen a name and/or logo against the registry: verdict, ranked matches, reasons per factor."""
        result, _, _, lang = await run_check(request)
        body = view_dict(result, page_view(request, result), lang)
        for match in body["matches"]:
            public_mark(match["mark"])
        return JSONResponse(body)

    @app.post("/v1/export.csv", tags=["check"], openapi_extra=CHECK_OPENAPI, response_class=Response,
              responses={200: {"content": {"text/csv": {}}}})
    async def export_endpoint(request: Request) -> Response:
        """The same check as ``/v1/check`` (filters and page included), its matches as CSV: one row per match, a
        cell a spreadsheet would run as a formula (= + - @) starts with an apostrophe."""
        result, _, _, lang = await run_check(request)
        view = page_view(request, result)
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

    @app.post("/v1/report", tags=["check"], openapi_extra=CHECK_OPENAPI, response_class=HTMLResponse,
              responses={200: {"content": {"text/html": {}}}})
    async def report_endpoint(request: Request) -> HTMLResponse:
        """The same check as ``/v1/check``, answered as a self-contained HTML report to save or print."""
        from ..report import render_report

        result, index, logo, lang = await run_check(request)
        listed = shown(result, page_view(request, result))
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
        marks = [to_mark(item) for item in items]
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
        return HTMLResponse(render_page(), headers=PAGE_HEADERS)
