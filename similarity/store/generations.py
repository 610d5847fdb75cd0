"""Storage generations of an index folder: one write discipline for every writer, and readers that follow.

Every save writes a new *generation* (:mod:`similarity.store.files`). Writers — the CLI's ``index add``/``remove``, the
library, the HTTP service, in any number of processes — change a folder only through :func:`update_index`: it
takes the folder's write lock, loads the newest generation, applies the change and saves, so concurrent writes are
serialised and none is lost. A writer that bypasses it (``MarkIndex.load`` … ``save()`` by hand) is still safe:
``save`` refuses with :class:`~similarity.store.files.ConcurrentWriteError` when the disk moved on since the load::

    >>> import tempfile
    >>> from similarity.store.index import MarkIndex
    >>> from similarity.values import Mark
    >>> folder = MarkIndex().save(tempfile.mkdtemp())
    >>> added, index = update_index(folder, lambda ix: ix.add([Mark(id="a", name="Aqua")]))
    >>> added, len(index), latest_generation(folder) == index.generation
    (1, 1, True)

:class:`FollowedIndex` holds the index a long-running reader (the service) answers from and follows the folder:
``current`` notices a newer generation saved by another process and swaps it in once fully loaded; ``refresh``
loads it now; ``write`` is :func:`update_index` followed by the swap.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .files import MANIFEST, WRITE_LOCK, IndexFormatError, read_manifest, writer_lock
from .index import MarkIndex

T = TypeVar("T")
log = logging.getLogger("similarity.store.generations")

FOLLOW_EVERY_S = 1.0
"""How often ``FollowedIndex.current`` may look whether the folder holds a newer generation (one ``stat`` call)."""


class IndexNotOnDiskError(ValueError):
    """The index was never saved to a folder, so there is nothing to follow, refresh or write to."""


def update_index(folder: str | os.PathLike, change: Callable[[MarkIndex], T]) -> tuple[T, MarkIndex]:
    """Load the newest generation in ``folder``, apply ``change`` to it and save it, all under the folder's write
    lock (``.write.lock``), which the CLI, the library and every server process take: returns ``change``'s result
    and the saved index."""
    path = Path(folder)
    with writer_lock(path, WRITE_LOCK):
        index = MarkIndex.load(path)
        outcome = change(index)
        index.save()
    return outcome, index


def latest_generation(folder: str | os.PathLike) -> int:
    """The generation the folder's manifest names now (what a fresh ``MarkIndex.load`` would open)."""
    return int(read_manifest(Path(folder))["generation"])


class FollowedIndex:
    """The index a long-running reader answers from. Readers take :attr:`current` once per query; writers swap in
    a new object, so a query sees the old index or the new one, never a half-loaded one.

    An index saved in a folder is *followed*: at most every ``follow_every`` seconds a reader looks at the
    manifest's modification time, and when another process has saved a newer generation there it is loaded in a
    background thread and swapped in once complete; queries meanwhile keep the previous one::

        >>> import tempfile
        >>> from similarity.values import Mark
        >>> idx = MarkIndex(); _ = idx.add([Mark(id="a", name="Aqua")]); folder = idx.save(tempfile.mkdtemp())
        >>> followed = FollowedIndex(MarkIndex.load(idx.path), follow_every=0)
        >>> _ = idx.add([Mark(id="b", name="Indomie")]); _ = idx.save()      # another process writes
        >>> followed.wait_for_generation(idx.generation, timeout=30).generation == idx.generation
        True
    """

    def __init__(self, index: MarkIndex, *, follow_every: float | None = FOLLOW_EVERY_S) -> None:
        self._current = index
        self._lock = threading.Lock()
        self._look = threading.Lock()
        self._follow_every = follow_every if index.path is not None else None
        self._checked = time.monotonic()
        self._stamp = self._manifest_stamp()
        self._following: threading.Thread | None = None
        if self._follow_every is not None and self._behind():
            # another process saved while this one loaded: the stamp read now is the newer manifest's, so it would
            # never look as changed; follow at the first look instead (a server process starting while another
            # answers a write served the old generation until the next write)
            self._stamp = None

    @property
    def current(self) -> MarkIndex:
        if (
            self._follow_every is not None
            and time.monotonic() - self._checked >= self._follow_every
            and self._look.acquire(blocking=False)  # one reader looks; the others read on
        ):
            try:
                self._checked = time.monotonic()
                stamp = self._manifest_stamp()
                if stamp != self._stamp and (self._following is None or not self._following.is_alive()):
                    self._stamp = stamp
                    self._following = threading.Thread(target=self._follow, name="index-follower", daemon=True)
                    self._following.start()
            finally:
                self._look.release()
        return self._current

    def latest_generation(self) -> int:
        """The generation on disk now (it may be newer than :attr:`current` until the follower catches up)."""
        return latest_generation(self.folder())

    def up_to_date(self) -> bool:
        """Whether :attr:`current` is the newest generation on disk."""
        return self._current.generation >= self.latest_generation()

    def refresh(self) -> MarkIndex:
        """Load the folder again now (a rebuilt or updated index) and swap it in once fully loaded."""
        with self._lock:
            fresh = MarkIndex.load(self.folder())
            self._current, self._stamp = fresh, self._manifest_stamp()
            return fresh

    def write(self, change: Callable[[MarkIndex], T]) -> tuple[T, MarkIndex]:
        """:func:`update_index` on the followed folder, then serve the saved index; readers never wait."""
        with self._lock:
            outcome, saved = update_index(self.folder(), change)
            self._current, self._stamp = saved, self._manifest_stamp()  # our own save: nothing to follow
            return outcome, saved

    def wait_for_generation(self, generation: int, timeout: float = 60.0) -> MarkIndex:
        """The current index once it has reached ``generation`` (following the folder), or the current one after
        ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while self.current.generation < generation and time.monotonic() < deadline:
            time.sleep(0.05)
        if self._following is not None:
            self._following.join(max(0.0, deadline - time.monotonic()))
        return self._current

    def folder(self) -> Path:
        """The folder followed; :class:`IndexNotOnDiskError` when the index was never saved."""
        if self._current.path is None:
            raise IndexNotOnDiskError("this index was never saved to a folder — nothing to load or write")
        return self._current.path

    def _follow(self) -> None:
        try:
            with self._lock:
                fresh = MarkIndex.load(self.folder())
                if fresh.generation > self._current.generation:
                    self._current = fresh
                    log.info("now serving generation %d of %s", fresh.generation, fresh.path)
        except Exception as e:  # noqa: BLE001 - a follower must not die quietly: the reader would answer stale
            # look again at the next query instead of waiting for the folder to change once more: the failure may be
            # passing (a generation removed by the next write between reading the manifest and opening its files)
            self._stamp = None
            log.warning("the index folder changed but cannot be loaded (%s); the previous index keeps serving", e)

    def _behind(self) -> bool:
        """Whether the folder names a newer generation than the one loaded (read after the stamp, so a save in
        between is seen by one or the other)."""
        try:
            return latest_generation(self.folder()) > self._current.generation
        except (OSError, ValueError, KeyError, IndexFormatError):
            return False

    def _manifest_stamp(self) -> int | None:
        if self._current.path is None:
            return None
        try:
            return (self._current.path / MANIFEST).stat().st_mtime_ns
        except OSError:
            return None
