"""Shared fixtures. Real-data tests find ../shared (or $SIMILARITY_SHARED) and skip with a reason without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path | None:
    env = os.environ.get("SIMILARITY_SHARED")
    candidates = [Path(env)] if env else []
    candidates.append(ROOT.parent / "shared")
    for c in candidates:
        if (c / "data").is_dir():
            return c
    return None


SHARED = shared_dir()
needs_shared = pytest.mark.skipif(
    SHARED is None, reason="real data in ../shared/data is absent (set SIMILARITY_SHARED to its folder)"
)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """The demo index is built once per test session into a temporary cache, never into the user's."""
    cache = tmp_path_factory.getbasetemp() / "similarity-cache"
    monkeypatch.setenv("SIMILARITY_CACHE", str(cache))
