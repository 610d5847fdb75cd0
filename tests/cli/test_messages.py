"""Errors in Bahasa Indonesia: the library's real messages are all in the translation table (a new wording the
table misses would show as the fallback, which keeps the English)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from similarity.classes import parse_classes
from similarity.image.load import MAX_FILE_BYTES, load_logo
from similarity.messages import error_text
from similarity.pipeline import check
from similarity.results import select
from similarity.store.index import MarkIndex
from similarity.text.normalize import normalize as normalize_name
from similarity.values import Mark

FALLBACK = "permintaan tidak dapat diproses"


def _png(color: str = "white", size: int = 64) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), color).save(out, format="PNG")
    return out.getvalue()


def _index() -> MarkIndex:
    idx = MarkIndex()
    idx.add([Mark(id="1", name="Aqua")])
    return idx


CASES: dict[str, Callable[[], object]] = {
    "empty query": lambda: check(_index(), None),
    "empty name": lambda: normalize_name("   "),
    "no letters": lambda: normalize_name("🙂🙂"),
    "other script": lambda: normalize_name("ا"),  # an alef alone: letters with no Latin reading
    "too long": lambda: normalize_name("kopi " * 200),
    "unknown class": lambda: parse_classes("46"),
    "not an image": lambda: load_logo(b"hello, not a picture"),
    "empty file": lambda: load_logo(b""),
    "blank image": lambda: load_logo(_png()),
    "too large": lambda: load_logo(b"\x89PNG" + b"0" * (MAX_FILE_BYTES + 1)),
    "no such icon": lambda: load_logo("simple-icons:no-such-brand-xyz"),
    "missing file": lambda: load_logo("/no/such/logo.png"),
    "no index": lambda: MarkIndex.load(Path("/no/such/index")),
    "unknown status": lambda: select(check(_index(), "Aqua"), statuses=["alive"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_library_errors_have_an_indonesian_text(case: str) -> None:
    with pytest.raises(Exception) as caught:  # noqa: PT011 - each case raises its own ValueError or IndexFormatError
        CASES[case]()
    indonesian = error_text(caught.value, "id")
    assert not indonesian.startswith(FALLBACK), f"{case}: {caught.value}"
    assert error_text(caught.value, "en") == str(caught.value)
