"""The index being served and what the API shows of it: followed on disk and written through the folder's write
lock by :mod:`similarity.store.generations` (the service only calls it), with the server's file layout kept out of
answers."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..store.generations import FollowedIndex
from ..store.index import MarkIndex

ServedIndex = FollowedIndex
"""The index being served: followed on disk, written through the folder's write lock
(:mod:`similarity.store.generations` holds the logic; the service only calls it)."""


def public_info(index: MarkIndex) -> dict[str, Any]:
    """The index's manifest facts without its path (the server's file layout is nobody else's business)."""
    info = index.info()
    info.pop("path", None)
    return info


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
