"""``similarity serve``: the HTTP API and web page on uvicorn (one or more processes, checks in a thread).

    similarity serve --index indexes/djki --port 8000
    SIMILARITY_API_TOKEN=s3cret similarity serve        # enables POST/DELETE /v1/marks and reload
    similarity serve --index indexes/djki --workers 2   # one process per core; writes reach every process

FastAPI and uvicorn are imported inside the command, so the rest of the command line works without them.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Annotated, Any

import typer


def serve_command(
    index: Annotated[Path | None, typer.Option("--index", "-i", help="Index folder (default: bundled demo registry).")]
    = None,
    host: Annotated[str, typer.Option(help="Address to listen on; keep 127.0.0.1 unless behind a proxy.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server processes. A check holds the GIL, so one "
                                         "process uses about one core; each process loads the index once.")] = 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Log warnings and errors only.")] = False,
) -> None:
    """Serve the check API (/v1/check, OpenAPI docs at /docs) and the web page (/) for one index."""
    try:
        import uvicorn

        from .app import INDEX_ENV, TOKEN_ENV, create_app
    except ImportError as e:
        typer.echo(f"error: the server needs the 'service' extra ({e.name} is missing) — "
                   "pip install 'brand-similarity[service]'", err=True)
        raise typer.Exit(2) from None
    import os

    from ..store.files import IndexFormatError, read_manifest

    try:
        if workers == 1:
            app = create_app(index)
            info = app.state.served.current.info()
        else:  # every worker process builds its own app (uvicorn needs an import string); check the folder here
            folder = index
            if folder is None:
                from ..build import demo_index_path, open_index

                open_index(None)  # builds the demo index once, before the processes start
                folder = demo_index_path()
            manifest = read_manifest(folder)
            os.environ[INDEX_ENV] = str(folder.resolve())
            info = {"marks": manifest["counts"]["marks"], "generation": manifest["generation"]}
    except IndexFormatError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None
    if not quiet:
        writes = "enabled" if os.environ.get(TOKEN_ENV) else f"disabled (set {TOKEN_ENV} to enable)"
        typer.echo(f"serving {info['marks']:,} marks (generation {info['generation']}) on http://{host}:{port}/ "
                   f"with {workers} process{'es' if workers > 1 else ''} — API docs at /docs; registry writes "
                   f"{writes}", err=True)
    # keep-alive 30 s, not uvicorn's 5: under saturation a client's next request can come later than 5 s after
    # the last answer, and a connection closed at that moment fails the request (seen in bench_service)
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "warning" if quiet else "info",
                               "timeout_keep_alive": 30, "timeout_graceful_shutdown": 5}
    if workers == 1:
        uvicorn.run(app, **options)
    else:
        _run_processes(workers, options)


def _run_processes(workers: int, options: dict[str, Any]) -> None:
    """``uvicorn.run(..., workers=N)`` with a listening socket that says it is TCP.

    uvicorn binds the shared socket with protocol 0; the connections it accepts inherit that, asyncio then never
    sets TCP_NODELAY on them, and every keep-alive request after the first waits ~40 ms for the client's delayed
    ACK (uvicorn issue #3149; measured here: GET /health 44 ms with 2 processes, 2.4 ms with one).
    """
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config("similarity.service.app:app_from_env", factory=True, workers=workers, **options)
    Multiprocess(config, sockets=[tcp_listener(config)]).run()


def tcp_listener(config: Any) -> socket.socket:
    """The uvicorn ``config``'s listening socket, declared TCP so that accepted connections get TCP_NODELAY."""
    listener = config.bind_socket()
    return socket.socket(listener.family, listener.type, socket.IPPROTO_TCP, fileno=listener.detach())
