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
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .features import FeatureStore, LogoFeatures, extract
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
    described = unreadable = texts = 0
    with (progress or _silent)(len(todo), "describing logos") as advance:
        for row, mark in todo:
            found = describe_logo(mark.logo, read_text=read_text)
            if found is None:
                unreadable += 1
            else:
                store.put(row, *found)
                described += 1
                texts += bool(found[1])
            advance(1)
    return DescribeReport(described, unreadable, texts)


def describe_logo(logo: Any, *, read_text: bool = True) -> tuple[LogoFeatures, str | None] | None:
    """(features, OCR text or None when not read) of one logo reference; None when it cannot be read or OpenCV or
    OCR fails on it (its mark keeps its hash codes)."""
    try:
        image = load_logo(logo)
        features = extract(image)
        if not read_text:
            return features, None
        from .ocr import read_text as reader

        return features, reader(image)
    except (LogoError, Exception):  # noqa: BLE001 — OpenCV raises cv2.error; the mark keeps its hashes
        return None


def write_described(path: str | os.PathLike, described: Mapping[str, tuple[LogoFeatures, str | None]]) -> None:
    """Write logos described ahead of an index build, keyed by mark id, to one compressed file (the demo registry
    ships its logos' features and OCR text this way: `adopt_described` reads them into a new index)."""
    store = FeatureStore()
    ids = sorted(described)
    for position, mark_id in enumerate(ids):
        store.put(position, *described[mark_id])
    with open(path, "wb") as f:
        np.savez_compressed(f, ids=np.array(ids, dtype=str), **store.arrays(search=False))


def adopt_described(index: Any, path: str | os.PathLike) -> int:
    """Store the features and text `write_described` wrote for the marks of `index` (by id; marks it does not have
    are skipped); returns how many logos were adopted. ValueError when the file is not one."""
    store = FeatureStore.read(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            ids = data["ids"].tolist()
    except (KeyError, OSError, ValueError) as error:
        raise ValueError(f"{os.fspath(path)!r} is not a file of described logos ({error})") from None
    adopted = 0
    for position, mark_id in enumerate(ids):
        features = store.get(position)
        try:
            row = index.row_of(mark_id)
        except KeyError:
            continue
        if features is not None:
            store_text = store.text(position)
            index.logo_features.put(row, features, store_text)
            adopted += 1
    return adopted
