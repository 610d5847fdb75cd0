"""``similarity serve``: the HTTP API and web page on uvicorn (one process, checks in a thread pool).

    similarity serve --index indexes/djki --port 8000
    SIMILARITY_API_TOKEN=s3cret similarity serve        # enables POST/DELETE /v1/marks and reload

FastAPI and uvicorn are imported inside the command, so the rest of the command line works without them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def serve_command(
    index: Annotated[Path | None, typer.Option("--index", "-i", help="Index folder (default: bundled demo registry).")]
    = None,
    host: Annotated[str, typer.Option(help="Address to listen on; keep 127.0.0.1 unless behind a proxy.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Log warnings and errors only.")] = False,
) -> None:
    """Serve the check API (/v1/check, OpenAPI docs at /docs) and the web page (/) for one index."""
    try:
        import uvicorn

        from .app import TOKEN_ENV, create_app
    except ImportError as e:
        typer.echo(f"error: the server needs the 'service' extra ({e.name} is missing) — "
                   "pip install 'brand-similarity[service]'", err=True)
        raise typer.Exit(2) from None
    from ..store import IndexFormatError

    try:
        app = create_app(index)
    except IndexFormatError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None
    if not quiet:
        import os

        writes = "enabled" if os.environ.get(TOKEN_ENV) else f"disabled (set {TOKEN_ENV} to enable)"
        info = app.state.served.current.info()
        typer.echo(f"serving {info['marks']:,} marks (generation {info['generation']}) on http://{host}:{port}/ "
                   f"— API docs at /docs; registry writes {writes}", err=True)
    # keep-alive 30 s, not uvicorn's 5: under saturation a client's next request can come later than 5 s after
    # the last answer, and a connection closed at that moment fails the request (seen in bench_service)
    uvicorn.run(app, host=host, port=port, log_level="warning" if quiet else "info",
                timeout_keep_alive=30, timeout_graceful_shutdown=5)
