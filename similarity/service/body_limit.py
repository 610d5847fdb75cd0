"""The request body limit: a logo upload and its form, refused with a 413 before or while it streams in."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from ..image.load import MAX_FILE_BYTES
from .errors import error_response

FORM_OVERHEAD_BYTES = 256 * 1024
"""Room for form fields and multipart headers on top of the logo itself."""
MAX_BODY_BYTES = MAX_FILE_BYTES + FORM_OVERHEAD_BYTES


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
