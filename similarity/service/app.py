"""The HTTP API and web page: thin over :func:`similarity.pipeline.check` and :class:`MarkIndex`.

    >>> from fastapi.testclient import TestClient
    >>> client = TestClient(create_app(None))                 # doctest: +SKIP
    >>> client.post("/v1/check", json={"name": "Kopi Kenangan", "classes": [30]}).json()["verdict"]["risk"]
    ...                                                        # doctest: +SKIP

The index is loaded once and read by many threads at a time. A write (``POST``/``DELETE /v1/marks``) or a
reload (``POST /v1/admin/reload``) builds a *new* index object — loaded fully from disk, changed, saved —
and only then replaces the reference, so a request sees either the old index or the new one, never a
half-loaded one. Every client error is a 4xx ``{"error": code, "detail": message}``; nothing else leaks.

This module assembles the app; each job has its module beside it: :mod:`.routes` (the endpoints), :mod:`.bodies`
(reading and checking a request), :mod:`.errors`, :mod:`.body_limit`, :mod:`.served` (the followed index, through
:mod:`similarity.store.generations`), :mod:`.logos`, :mod:`.page`, :mod:`.work` and :mod:`.batch` (the deadline-bound
slots, checks answered in batches).
"""

from __future__ import annotations

import gc
import os

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..build import open_index
from ..image import sandbox
from ..store.index import MarkIndex
from .body_limit import MAX_BODY_BYTES, BodyLimit
from .errors import ApiError, error_response, install_error_handlers
from .page import HERE
from .routes import TOKEN_ENV, add_routes
from .served import ServedIndex, public_info, public_mark
from .work import BoundedWork

__all__ = ["HERE", "INDEX_ENV", "TOKEN_ENV", "ApiError", "BodyLimit", "MarkIndex", "ServedIndex", "app_from_env",
           "create_app", "error_response", "public_info", "public_mark"]

INDEX_ENV = "SIMILARITY_SERVE_INDEX"
"""Index folder of :func:`app_from_env`, the factory each worker process of ``serve --workers N`` calls."""
CHECK_TIMEOUT_S = 10.0
"""Longest a check may take, queueing included; beyond it the client gets 504, its logo decode is killed, and its
slot stays taken until it has stopped (so timed-out work never piles up behind new work)."""
CHECK_THREADS = 1
"""Checks running at once. A check is mostly Python holding the GIL: on 2 cores with 100 clients (bench_service)
one thread gave the same throughput as two and a p99 of ~5 s instead of ~12 s, since extra threads only take
turns on the GIL and starve the event loop. Raise it where the heavy parts release the GIL."""


def app_from_env() -> FastAPI:
    """:func:`create_app` for the folder in ``$SIMILARITY_SERVE_INDEX`` (unset: the demo registry): the factory
    each worker process of ``similarity serve --workers N`` calls. Each process loads the index once and follows
    the folder, so a write answered by one process reaches the others within about a second."""
    return create_app(os.environ.get(INDEX_ENV) or None)


def create_app(index_path: str | os.PathLike | None, *, token: str | None = None,
               check_timeout: float = CHECK_TIMEOUT_S, threads: int = CHECK_THREADS) -> FastAPI:
    """The FastAPI app serving the index in ``index_path`` (None: the bundled demo registry).

    ``token`` (else ``$SIMILARITY_API_TOKEN``) enables the registry writes; without one they answer 403.
    ``check_timeout`` bounds each check, waiting for its turn included; ``threads`` is how many checks
    run at once (the rest queue in arrival order and are answered in batches).
    """
    served = ServedIndex(open_index(index_path))
    # the index's million small objects live as long as the process: out of the collector's sight, a full collection
    # no longer walks them while a check waits (0.3–0.5 s each at 100k marks, measured in-process)
    gc.freeze()
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
    app.state.work = work
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    install_error_handlers(app)
    add_routes(app, served, work, token=token, check_timeout=check_timeout)
    return app
