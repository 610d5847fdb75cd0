"""Bulk loading into an index: marks are buffered and encoded, then indexed in chunks once the session ends.

Every word is counted before any mark is indexed, so each word's distinctiveness (and so each mark's dominant-word
postings) is weighed against the whole registry, not against whichever batch it arrived in.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from ..image.hash import LOGO_CODE_SIZES
from ..text.encode import GRAM_FIELDS, NameCode, encode_name
from ..values import Mark

if TYPE_CHECKING:
    from .index import MarkIndex

APPEND_CHUNK = 50_000
"""Marks indexed per step of a bulk load (bounds its transient memory)."""


class LogoSkippedWarning(UserWarning):
    """A mark's logo could not be read: the mark was added without it (found by its name only)."""


class InsertionSession:
    """Buffers marks for :meth:`MarkIndex.insertion_session`; encodes names and hashes logos in batches.

    >>> from similarity.store.index import MarkIndex
    >>> index = MarkIndex()
    >>> with index.insertion_session() as session:
    ...     session.insert(Mark(id="1", name="Indomie"))
    >>> session.count, len(index)
    (1, 1)
    """

    # Everything is indexed at the end of the session, so every word's distinctiveness is weighed against the
    # whole registry, not against whichever batch it happened to arrive in.

    def __init__(self, index: MarkIndex, progress: Any = None) -> None:
        self.index = index
        self.progress = progress
        self.count = 0
        self._buffer: list[tuple[Mark, NameCode, np.ndarray | None]] = []
        self._pending: set[str] = set()
        self.logo_errors: list[tuple[str, str]] = []
        self.on_logo_error = "warn"

    def insert(self, mark: Mark, logo_hash: np.ndarray | None = None, *, hash_missing: bool = True) -> None:
        """Queue a mark; its logo is hashed here unless ``logo_hash`` is given or ``hash_missing`` is False."""
        if mark.id in self.index._row_of or mark.id in self._pending:
            raise ValueError(f"mark id {mark.id!r} is already in the index — use update() to replace it")
        code = encode_name(mark.name)
        if logo_hash is None and mark.logo and hash_missing:
            from ..image.hash import encode_logo
            from ..image.load import LogoError

            try:
                logo_hash = encode_logo(mark.logo)
            except LogoError as e:  # the mark is kept, found by its name; the caller hears why its logo is not
                if self.on_logo_error == "raise":
                    raise
                self.logo_errors.append((mark.id, str(e)))
                warnings.warn(f"mark {mark.id!r}: {e} — the mark was added without its logo", LogoSkippedWarning,
                              stacklevel=3)
        if logo_hash is not None:
            logo_hash = np.asarray(logo_hash, dtype=np.uint8).reshape(-1)
            if len(logo_hash) not in LOGO_CODE_SIZES:
                raise ValueError(
                    f"logo code of mark {mark.id!r} has {len(logo_hash)} bytes — pass encode_logo()'s 24 or a "
                    f"pHash's 8"
                )
        self._buffer.append((mark, code, logo_hash))
        self._pending.add(mark.id)
        if self.progress is not None:
            self.progress(1)

    def flush(self) -> None:
        if self._buffer:
            # every word is counted first, so dominance is weighed against the whole registry; then the marks are
            # indexed in chunks, which bounds the transient rows, signatures and SQL tuples of a large build
            buffer, self._buffer, self._pending = self._buffer, [], set()
            for mark, code, _ in buffer:
                self.index.stats.add(code.concept_tokens, mark.classes)
            self.count += len(buffer)
            while buffer:  # each chunk is let go once indexed: the buffer shrinks as the index grows
                self.index._append(buffer[:APPEND_CHUNK])
                del buffer[:APPEND_CHUNK]
            self.index.postings.freeze(self.index.rows.alive)
            self.index.grams.freeze(self.index.rows.alive)
            self.index.gram_count = self.index.grams.field_counts(len(self.index.ids), GRAM_FIELDS)
