"""Building an index from a registry file, and the bundled demo registry that works out of the box.

>>> from similarity.build import open_index
>>> # the first call builds the demo index into the user cache (about 15 s); later calls load it
>>> index = open_index()  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from .io.registry import ImportReport, RowError, read_registry
from .store.index import IndexParams, MarkIndex

DEMO_REGISTRY = "demo/registry.csv"
DEMO_FEATURES = "demo/logo_features.npz"
"""The demo logos' keypoints, outlines and OCR text, described ahead (scripts/build_demo_registry.py --features)."""


def cache_dir() -> Path:
    """Where the demo index is built: $SIMILARITY_CACHE, else $XDG_CACHE_HOME/brand-similarity, else ~/.cache/…"""
    env = os.environ.get("SIMILARITY_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "brand-similarity"


def demo_registry_path() -> Path:
    return Path(str(resources.files("similarity.data").joinpath(DEMO_REGISTRY)))


def demo_features_path() -> Path:
    return Path(str(resources.files("similarity.data").joinpath(DEMO_FEATURES)))


def build_index(
    registry: str | os.PathLike,
    out: str | os.PathLike | None = None,
    *,
    mapping: Mapping[str, str] | None = None,
    params: IndexParams | None = None,
    progress: Callable[[int], None] | None = None,
    on_error: Callable[[RowError], None] | None = None,
    describe: bool = True,
    read_text: bool = True,
    describe_progress: Callable[[int, str], Any] | None = None,
) -> tuple[MarkIndex, ImportReport]:
    """Read a registry, index every good row (logos hashed), save to ``out`` when given.

    With ``describe`` each logo's local features are stored too (for verification and partial copies), with
    ``read_text`` the words OCR reads in it; ``describe_progress(total, label)`` is a context manager giving an
    ``advance(n)`` for that pass (see :func:`similarity.image.describe.describe_logos`).
    A logo that cannot be read does not lose the mark: it is indexed by name and the problem is reported
    as a row error on the logo field.
    """
    import numpy as np

    from .image.hash import encode_logo
    from .image.load import LogoError

    report = read_registry(registry, mapping=mapping)
    warnings: list[RowError] = []
    index = MarkIndex(params)
    index.source = {"name": Path(registry).name, "rows": report.rows, "skipped": len(report.errors)}
    demo = Path(registry).resolve() == demo_registry_path().resolve()
    if demo:
        index.source["demo"] = True  # said on every answer: an owner must not think she searched DJKI
    with index.insertion_session(progress=progress) as session:
        for mark in report.marks:
            code = None
            if mark.id in report.logo_hashes:
                code = np.frombuffer(bytes.fromhex(report.logo_hashes[mark.id]), dtype=np.uint8)
            elif mark.logo:
                try:
                    code = encode_logo(mark.logo)
                except LogoError as e:
                    err = RowError(0, "logo", f"{mark.id}: {e} — the mark was indexed without its logo")
                    warnings.append(err)
                    if on_error:
                        on_error(err)
            session.insert(mark, code, hash_missing=False)
    if describe:
        from .image.describe import adopt_described, describe_logos

        if demo and demo_features_path().exists():
            adopt_described(index, demo_features_path())  # shipped: the rest (none, unless edited) is described now
        describe_logos(index, read_text=read_text, progress=describe_progress)
    if out is not None:
        from .store.files import WRITE_LOCK, writer_lock

        Path(out).mkdir(parents=True, exist_ok=True)
        with writer_lock(Path(out), WRITE_LOCK):  # a rebuild replaces the folder's marks, after any write under way
            index.save(out)
    return index, ImportReport(
        report.path, report.rows, report.marks, report.errors, report.logo_hashes, tuple(warnings)
    )


def demo_index_path() -> Path:
    """Cache folder of the demo index: a new one whenever the registry, the index format, the word lists or any
    source of the package changes (a stale cached index would answer with yesterday's encoding, word weights or
    scores, and two checkouts of different code sharing one cache would hand each other their indexes)."""
    from . import __version__
    from .store.files import FORMAT_VERSION
    from .text.lexicon import word_lists_digest

    h = hashlib.sha256(demo_registry_path().read_bytes())
    if demo_features_path().exists():
        h.update(demo_features_path().read_bytes())
    # spelling and sound rules, word weights, what a row stores, the scores; the model and the tiers are data files
    # among them, so a new model is a fresh demo index, not a ModelChangedWarning
    for source in package_sources():
        h.update(source.relative_to(_PACKAGE).as_posix().encode())
        h.update(source.read_bytes())
    return cache_dir() / f"demo-{__version__}-f{FORMAT_VERSION}-{word_lists_digest()}-{h.hexdigest()[:12]}"


_PACKAGE = Path(__file__).parent
SOURCE_SUFFIXES = (".py", ".tsv", ".json")
"""What a cached demo index depends on besides the registry: the package's code and its data files (the demo
folder is hashed as the registry above; the C kernels give the Python paths' answers bit for bit)."""


def package_sources() -> list[Path]:
    """The package files whose change makes a new demo index, in a fixed order.

    >>> any(p.name == "phonetic.py" for p in package_sources())
    True
    """
    return sorted(p for p in _PACKAGE.rglob("*") if p.suffix in SOURCE_SUFFIXES and p.is_file()
                  and "demo" not in p.relative_to(_PACKAGE).parts and "__pycache__" not in p.parts)


KEEP_SAME_VERSION = 1
"""Demo indexes of this version but other sources kept beside the one in use (the most recently used): two checkouts
of one version sharing a cache each keep theirs instead of rebuilding in turn."""


def _remove_old_demo_indexes(keep: Path) -> None:
    """Delete the cache's other demo indexes — every one of an earlier version, and of this version all but the
    `KEEP_SAME_VERSION` most recently used; one in use elsewhere stays readable by the processes that have it open."""
    import shutil

    version = keep.name.split("-")[1]
    others = [p for p in keep.parent.glob("demo-*") if p != keep and p.is_dir()]
    same = sorted((p for p in others if p.name.split("-")[1] == version), key=lambda p: p.stat().st_mtime)
    kept = set(same[-KEEP_SAME_VERSION:]) if KEEP_SAME_VERSION else set()
    for old in others:
        if old not in kept:
            shutil.rmtree(old, ignore_errors=True)


def open_index(path: str | os.PathLike | None = None, progress_factory: Callable | None = None) -> MarkIndex:
    """Open the index at ``path``; without a path, the demo index (built on first use into the user cache).

    The demo's logos are described ahead and shipped (``demo/logo_features.npz``: keypoints, outlines and OCR text,
    as their hashes are), so the first build reads them instead of spending minutes on 3,400 logos, and a copy the
    hashes miss is found by keypoint votes from the first query."""
    if path is not None:
        return MarkIndex.load(path)
    target = demo_index_path()
    if (target / "manifest.json").exists():
        return MarkIndex.load(target)
    registry = demo_registry_path()
    with open(registry, encoding="utf-8") as f:
        total = sum(1 for _ in f) - 1
    if progress_factory is not None:
        with progress_factory(total, "building the demo index (first use only)") as advance:
            index, _ = build_index(registry, target, progress=advance, describe_progress=progress_factory)
    else:
        index, _ = build_index(registry, target)
    _remove_old_demo_indexes(target)
    return index
