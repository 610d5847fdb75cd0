"""The on-disk side of an index folder: manifest, checksums, atomic writes, a writer lock.

A save writes each file of a new generation to a temporary name, fsyncs it, renames it into place, fsyncs the
folder, and only then replaces ``manifest.json`` the same way. A crash at any point leaves the manifest naming
a complete older generation. Two generations are kept so that readers that opened the previous one are safe::

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomic(d / "x.json", b"{}"); (d / "x.json").read_text()
    '{}'
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

FORMAT_VERSION = 5
"""5: an optional ``features`` part: each logo's ORB keypoints, outlines and OCR text (similarity/image/features.py);
an index without it verifies logos from their stored references on the fly.
4: a logo is stored as 24 bytes, version 3's 16 then its dHash; the dHashes' FAISS index is rebuilt on load too.
3: a logo is stored as 16 bytes, its pHash then its shape code (the pHash of its silhouette); the shape codes'
FAISS index is rebuilt from them on load. 2: n-gram postings as int32 rows without weights, concept spellings among
them. Version 1 to 3 indexes still load (version 2 logos have a pHash only, so they are not found by shape, and
version 3 logos no dHash; rebuild to add them); an older reader refuses a newer version with a clear error."""
MANIFEST = "manifest.json"
PARTS = ("marks", "names", "logos", "postings", "grams")
OPTIONAL_PARTS = ("facts", "features")
"""Parts an index written by an older version may lack; the reader recomputes them (``facts``: per-row arrays such as
fame, from the stored names — similarity/store/rows.py; ``features``: each logo's keypoints, outlines and OCR text,
extracted on the fly when absent — similarity/image/features.py)."""
SUFFIX = {
    "marks": "sqlite", "names": "faiss", "logos": "faiss", "postings": "npz", "grams": "npz", "facts": "npz",
    "features": "npz",
}


WRITE_LOCK = ".write.lock"
"""The lock every writer (CLI, library, server) holds around load-change-save of a folder
(:func:`similarity.store.generations.update_index`); ``save`` itself takes ``.lock`` inside it."""


class IndexFormatError(RuntimeError):
    """The folder is not a readable index (missing or corrupt manifest, checksum mismatch, newer format)."""


class ConcurrentWriteError(RuntimeError):
    """``save`` refused: another writer saved the folder after this copy of the index was loaded, so saving it
    would silently drop that writer's marks."""


def check_not_moved(folder: Path, on_disk: int | None, loaded_from: Path | None, loaded: int) -> None:
    """Refuse (:class:`ConcurrentWriteError`) to save over generation ``on_disk`` an index that was loaded from this
    same folder at an older generation ``loaded``: the disk moved on meanwhile and the save would lose that write.

    >>> check_not_moved(Path("ix"), 7, Path("ix"), 7)      # nobody wrote meanwhile: fine
    >>> check_not_moved(Path("ix"), 8, Path("ix"), 7)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    similarity.store.files.ConcurrentWriteError: ix holds generation 8, but this index was loaded at generation 7: ...
    """
    if on_disk is None or loaded_from is None or not loaded or on_disk == loaded:
        return
    if Path(os.path.abspath(loaded_from)) != Path(os.path.abspath(folder)):
        return
    raise ConcurrentWriteError(
        f"{folder} holds generation {on_disk}, but this index was loaded at generation {loaded}: another writer "
        "saved meanwhile and saving would lose its change — load the index again and re-apply the change "
        "(similarity.store.generations.update_index does both under the folder's write lock)"
    )


@contextlib.contextmanager
def unreadable_as_index_error(path: Path) -> Iterator[None]:
    """Turn a failure to read an index file whose checksum matched (FAISS, SQLite or numpy refusing it: a bug, a
    format this build cannot read, a manifest edited by hand) into a clear :class:`IndexFormatError`."""
    import sqlite3
    import zipfile

    try:
        yield
    except IndexFormatError:
        raise
    except (RuntimeError, sqlite3.DatabaseError, zipfile.BadZipFile, ValueError, KeyError, TypeError, EOFError,
            OSError) as e:
        raise IndexFormatError(
            f"{path} cannot be read as an index ({type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''})"
            " — rebuild it with `similarity index build`, or restore it from a backup"
        ) from None


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes | Callable[[Path], Any]) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new content, never a part: the bytes, or what
    ``data(tmp)`` writes to a temporary file beside it (a writer that wants a path, e.g. ``df.to_parquet``), fsynced
    and renamed into place, then the folder fsynced. The one atomic write of the package (index, report, sweep).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomic(d / "sub" / "y.txt", lambda p: p.write_text("ok")); (d / "sub" / "y.txt").read_text()
    'ok'
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # per process: sweep workers may race on one name
    try:
        if callable(data):
            data(tmp)
            fsync_file(tmp)
        else:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@contextlib.contextmanager
def writer_lock(folder: Path, name: str = ".lock") -> Iterator[None]:
    """One writer at a time per folder (readers never take it); ``name`` is the lock file, one per kind of writer."""
    with open(folder / name, "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def write_generation(folder: Path, gen: int, writers: dict[str, Callable[[Path], None]]) -> dict[str, dict[str, str]]:
    """Write each part of generation ``gen`` via temp file + fsync + rename; returns the manifest's file table."""
    names = {k: f"{k}.{gen:06d}.{SUFFIX[k]}" for k in writers}
    tmps = {k: folder / f".{v}.tmp" for k, v in names.items()}
    try:
        for k, write in writers.items():
            write(tmps[k])
            fsync_file(tmps[k])
        for k, v in names.items():
            os.replace(tmps[k], folder / v)
        fsync_dir(folder)
    finally:
        for p in tmps.values():
            p.unlink(missing_ok=True)
    return {k: {"name": v, "sha256": sha256(folder / v)} for k, v in names.items()}


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of an index folder, checked; :class:`IndexFormatError` says what is wrong."""
    p = folder / MANIFEST
    if not folder.is_dir():
        raise IndexFormatError(f"{folder} is not a folder — build an index with `similarity index build`")
    if not p.exists():
        raise IndexFormatError(
            f"{folder} has no {MANIFEST} — it is not an index (or its build never finished); "
            "build one with `similarity index build REGISTRY --out DIR`"
        )
    try:
        manifest = json.loads(p.read_text("utf-8"))
        version = int(manifest["format_version"])
        manifest["generation"] = int(manifest["generation"])
        for part in PARTS:
            str(manifest["files"][part]["name"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
        raise IndexFormatError(f"{p} is corrupt ({type(e).__name__}: {e}) — rebuild the index") from None
    if version > FORMAT_VERSION:
        raise IndexFormatError(
            f"{folder} has index format {version}, newer than this version of brand-similarity "
            f"reads ({FORMAT_VERSION}) — upgrade the package"
        )
    return manifest


def verified_paths(folder: Path, manifest: dict[str, Any], verify: bool = True) -> dict[str, Path]:
    """Paths of the manifest's files, each checked to exist and (with ``verify``) to match its checksum; an
    `OPTIONAL_PARTS` file the manifest does not name is left out."""
    out = {}
    for part in (*PARTS, *(p for p in OPTIONAL_PARTS if p in manifest["files"])):
        entry = manifest["files"][part]
        p = folder / entry["name"]
        if not p.exists():
            raise IndexFormatError(f"{p} is missing — the index at {folder} is incomplete; rebuild it")
        if verify and sha256(p) != entry["sha256"]:
            raise IndexFormatError(
                f"{p} does not match its checksum in the manifest — the file is corrupt; "
                "rebuild the index or restore it from a backup"
            )
        out[part] = p
    return out


def remove_old_generations(folder: Path, keep: set[int]) -> None:
    for p in folder.iterdir():
        parts = p.name.split(".")
        if len(parts) == 3 and parts[0] in SUFFIX and parts[1].isdigit() and int(parts[1]) not in keep:
            with contextlib.suppress(OSError):
                p.unlink()


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    write_atomic(folder / MANIFEST, json.dumps(manifest, indent=2).encode("utf-8"))
