"""The HTTP front end: a FastAPI app over one :class:`~similarity.store.index.MarkIndex`, and its web page.

    >>> from similarity.service import create_app      # doctest: +SKIP
    >>> app = create_app("indexes/djki", token="s3cret")  # doctest: +SKIP

Run it with ``similarity serve --index DIR``. FastAPI and uvicorn are imported only when the app is created,
so ``import similarity.service`` stays cheap for the command line.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def create_app(*args: Any, **kwargs: Any) -> Any:
    """See :func:`similarity.service.app.create_app`."""
    from .app import create_app as _create_app

    return _create_app(*args, **kwargs)
