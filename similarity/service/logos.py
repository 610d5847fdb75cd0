"""Logos in the service: an upload's codes (hashed in a sandboxed worker process) and a mark's thumbnail."""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np

from ..image.load import load_logo, load_logo_codes

THUMBNAIL_PX = 128


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
