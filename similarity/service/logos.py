"""Logos in the service: an upload's codes (hashed in a sandboxed worker process) and a mark's thumbnail."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..image.load import load_logo_codes
from ..report import logo_thumbnail_png


def logo_codes(logo: bytes) -> np.ndarray:
    """The dihedral codes an uploaded logo is searched with: decoded and hashed in a sandboxed worker process, so the
    server's GIL is not held by the image at all."""
    return load_logo_codes(logo)


@lru_cache(maxsize=2048)
def logo_thumbnail(logo: str) -> bytes:
    """The prepared logo (trimmed, light ground) as a PNG whose longest side is at most 128 px, cached per logo."""
    return logo_thumbnail_png(logo)
