"""Describing the registered logos at build time: local features and the words written in them, kept in the index.

>>> from similarity.store.index import MarkIndex
>>> from similarity.values import Mark
>>> idx = MarkIndex(); idx.add([Mark(id="1", name="Github", logo="simple-icons:github"), Mark(id="2", name="X")])
2
>>> describe_logos(idx, read_text=False)
DescribeReport(described=1, unreadable=0, texts=0)
>>> len(idx.logo_features)
1
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .features import extract
from .load import LogoError, load_logo


@dataclass(frozen=True)
class DescribeReport:
    """How many logos got features, how many could not be read (they keep their hash codes), how many had text."""

    described: int
    unreadable: int
    texts: int


@contextlib.contextmanager
def _silent(total: int, label: str) -> Iterator[Callable[[int], None]]:
    yield lambda n=1: None


def describe_logos(
    index: Any, *, read_text: bool = True, progress: Callable[[int, str], Any] | None = None
) -> DescribeReport:
    """Store the `~similarity.image.features.LogoFeatures` (and, with `read_text`, the OCR text) of every alive mark's
    logo not described yet in ``index.logo_features``. `progress(total, label)` is a context manager yielding
    ``advance(n)``, as the CLI's progress bars are. A logo that cannot be read, or that OpenCV or OCR fails on, is
    counted and skipped: its mark keeps its hash codes."""
    store = index.logo_features
    rows = [int(r) for r in index.alive_rows().tolist() if int(r) not in store]
    todo = [
        (row, mark)
        for start in range(0, len(rows), 500)  # a few hundred at a time: SQLite caps the parameters of one query
        for row, mark in zip(rows[start : start + 500], index.marks_at(rows[start : start + 500]), strict=True)
        if mark.logo
    ]
    reader = None
    if read_text:
        from .ocr import read_text as reader
    described = unreadable = texts = 0
    with (progress or _silent)(len(todo), "describing logos") as advance:
        for row, mark in todo:
            try:
                image = load_logo(mark.logo)
                features = extract(image)
                text = reader(image) if reader is not None else None
            except (LogoError, Exception):  # noqa: BLE001 — OpenCV raises cv2.error; the mark keeps its hashes
                unreadable += 1
            else:
                store.put(row, features, text)
                described += 1
                texts += bool(text)
            advance(1)
    return DescribeReport(described, unreadable, texts)
