"""Stage 3 — ``MarkIndex``: the registry in memory and on disk. It stores and retrieves; it does not search or score.

One folder holds one index: ``manifest.json`` (format version, counts, checksums, build parameters) names the
files of the current *generation* — ``marks.<gen>.sqlite`` (metadata and encoded names), ``names.<gen>.faiss``
(FAISS binary n-gram signatures), ``logos.<gen>.faiss`` (FAISS binary pHashes) and ``postings.<gen>.npz`` (the
token inverted index). A save writes a new generation next to the old one (temp file, fsync, rename) and
replaces the manifest last, so a crash at any moment leaves the previous generation loadable, and readers that
opened the old generation keep a consistent view. What it holds is read by the stages that use it: the metadata
(:mod:`.metadata`), the per-row arrays (:mod:`.rows`), the postings (:mod:`.postings`), the Hamming indexes of the
logo hashes (``logo_hashes``) and the logo features (``logo_features``); :mod:`similarity.candidates` searches them,
:mod:`similarity.score` scores what they find, :func:`similarity.check` runs the stages in order::

    >>> from similarity import check
    >>> from similarity.values import Mark
    >>> index = MarkIndex()
    >>> index.add([Mark(id="1", name="Kopi Kenangan", classes=(30, 43)), Mark(id="2", name="Janji Jiwa")])
    2
    >>> [m.mark.name for m in check(index, "Kopi Kenang", top=1).matches]
    ['Kopi Kenangan']
"""

from __future__ import annotations

import contextlib
import os
import time
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from ..image.features import FeatureStore
from ..image.hash import CODE_BYTES, CODE_PARTS, PART_BYTES, code_part
from ..image.search import LogoIndex
from ..text.encode import GRAM_FIELDS, SIGNATURE_BITS, NameCode, gram_keys, signatures
from ..text.lexicon import word_lists_digest
from ..text.weights import TokenStats
from ..values import Mark
from ..verdict.tiers import verdict_digest
from .files import (
    FORMAT_VERSION,
    IndexFormatError,
    check_not_moved,
    read_manifest,
    remove_old_generations,
    unreadable_as_index_error,
    verified_paths,
    write_generation,
    write_manifest,
    writer_lock,
)
from .insertion import InsertionSession
from .metadata import Metadata
from .postings import GramPostings, TokenPostings
from .rows import RowTable

# One query is one short scan: FAISS's OpenMP threads only add spin-waiting, and under a busy machine (a Dask
# worker, a threaded web server) they make a 1 ms search take 60 ms. Batch callers can raise it again.
faiss.omp_set_num_threads(1)

@dataclass(frozen=True)
class IndexParams:
    """Build parameters, stored in the manifest.

    ``name_candidates`` is how many nearest n-gram signatures FAISS returns per query, ``gram_candidates`` how many
    marks the trigram index passes on, best Dice first, and ``token_candidates`` how many marks per shared word the
    token index returns; each trades latency for recall (benchmarks/bench_names.py).
    """

    signature_bits: int = SIGNATURE_BITS
    name_candidates: int = 0
    """Off by default: once the marks a query contains whole are looked up (`contained_words`), the FAISS neighbours
    add nothing the other sources miss at 1M names (recall@10 0.977 with and without 200 of them, 140 benchmark
    queries, one session) and their scan costs 2.3 ms of a 7 ms budget; at 10k and 100k names they add 0.0015 and 0. The
    signatures are still built, so an index can turn them on without a rebuild."""
    gram_candidates: int = 2000
    """At 1M names, without FAISS: recall@10 0.977 / 0.981 / 0.984 / 0.986 at 1,000 / 1,500 / 2,000 / 3,000, p50
    -20 / -9 / +3 / +23 % against FAISS 200 + 1,000 trigram candidates (one session, the same 140 queries in
    alternating passes)."""
    token_candidates: int = 300
    """Per shared word or sound key, the most dominant marks; for a common concept also as many again of the marks
    whose concept string is as long as the query's (at 1M names recall@10 0.9871 → 0.9900, +0.5 ms p50)."""
    logo_candidates: int = 50


class StaleIndexWarning(UserWarning):
    """The index was encoded with other word lists than the installed package's: rebuild it."""


class ModelChangedWarning(UserWarning):
    """The index was saved when another verdict model or other tiers were installed: its answers (scores, tiers,
    reasons) differ from those given then. The stored marks are unaffected; saving it again records today's."""


class MarkIndex:
    """Registered marks, searchable by name and logo.

    Verbs follow datasketch: :meth:`add`, :meth:`remove`, :meth:`update`, :meth:`query`, :meth:`save`,
    :meth:`load`, ``len()`` and :meth:`insertion_session` for bulk loading. Adding or removing marks touches only
    those marks (FAISS ``add_with_ids``/``remove_ids``, new postings, tombstones); nothing is rebuilt.

    >>> from similarity.values import Mark
    >>> idx = MarkIndex()
    >>> idx.add([Mark(id="A1", name="Aqua", classes=(32,))])
    1
    >>> len(idx), "A1" in idx
    (1, True)
    """

    def __init__(self, params: IndexParams | None = None) -> None:
        self.params = params or IndexParams()
        self.path: Path | None = None
        self.generation = 0
        self.built_at: str | None = None
        self.source: dict[str, Any] = {}
        self.encoding: str | None = None  # word-lists digest the stored names were encoded with (None: unknown)
        self.verdict: str | None = None  # verdict model + tiers the index was last saved with (None: unknown)
        self.metadata = Metadata()
        """Every mark and its encoded name, by row (SQLite; :mod:`similarity.store.metadata`)."""
        self.rows = RowTable()
        """What the search and score read of every row, as arrays (:class:`~similarity.store.rows.RowTable`)."""
        self.signatures = faiss.IndexBinaryIDMap2(faiss.IndexBinaryFlat(self.params.signature_bits))
        """FAISS binary n-gram signatures of the names (a candidate source, off by default)."""
        self.logo_hashes: dict[str, LogoIndex] = {part: LogoIndex() for part in CODE_PARTS}
        """One exact Hamming index per logo hash (``CODE_PARTS``); only the pHash's is saved, the others are rebuilt
        from the stored codes on load."""
        self.logo_features = FeatureStore()
        """Keypoints, outlines and OCR text per logo row (:mod:`similarity.score.logos`)."""
        self.stats = TokenStats()
        """Word statistics of the registry (:mod:`similarity.text.weights`): how distinctive a word is per class."""
        self.ids: list[str] = []
        """The mark id of every row (removed ones included; rows are never reused)."""
        self.postings = TokenPostings()
        """Word, sound-key and concept postings with each row's dominance (:mod:`similarity.store.postings`)."""
        self.grams = GramPostings()
        """Trigram postings per field."""
        self.gram_count = np.zeros((len(GRAM_FIELDS), 0), dtype=np.int16)
        """Trigrams per field and row, field-major."""
        self._row_of: dict[str, int] = {}
        self._dirty = False

    # ------------------------------------------------------------------ size and lookup
    def __len__(self) -> int:
        return len(self._row_of)  # the ids of the marks alive (summing `_alive` is 0.3 ms a call at 1M marks)

    def __contains__(self, mark_id: object) -> bool:
        row = self._row_of.get(str(mark_id))
        return row is not None and bool(self.rows.alive[row])

    def get(self, mark_id: str) -> Mark | None:
        """The mark stored under ``mark_id``, or None."""
        row = self._row_of.get(str(mark_id))
        if row is None or not self.rows.alive[row]:
            return None
        return self.marks_at([row])[0]

    def marks_at(self, rows: Sequence[int] | np.ndarray) -> list[Mark]:
        """Marks for internal row numbers, in the given order."""
        return self.metadata.marks_at(rows)

    def codes_at(self, rows: Sequence[int] | np.ndarray) -> list[NameCode]:
        """Encoded names for internal rows, in the given order."""
        return self.metadata.codes_at(rows)

    def alive_mask(self) -> np.ndarray:
        """Whether each internal row is a mark currently in the index (read-only view)."""
        view = self.rows.alive.view()
        view.flags.writeable = False
        return view

    def alive_rows(self) -> np.ndarray:
        """Internal row numbers of the marks currently in the index (for batch consumers like the sweep)."""
        return np.flatnonzero(self.rows.alive)

    def __iter__(self) -> Iterator[Mark]:
        rows = list(self.metadata.alive_rows())
        for i in range(0, len(rows), 500):
            yield from self.marks_at(rows[i : i + 500])

    def row_of(self, mark_id: str) -> int:
        """Internal row of a mark id (KeyError when absent)."""
        return self._row_of[str(mark_id)]

    def distinctiveness(self, word: str, classes: Sequence[int] = ()) -> float:
        """How distinctive a (concept) word is in the given classes of this registry (0..1)."""
        return self.stats.distinctiveness(word, classes)

    # ------------------------------------------------------------------ updates
    def add(self, marks: Iterable[Mark], logo_hashes: dict[str, np.ndarray] | None = None, progress: Any = None,
            *, on_logo_error: str = "warn") -> int:
        """Add marks (an id already present is refused: use :meth:`update`). Returns how many were added.

        ``logo_hashes`` maps mark ids to precomputed logo codes — 24 bytes from
        :func:`~similarity.image.hash.encode_logo`, or a prefix: an 8-byte pHash alone (then a recoloured copy is
        found only by its pHash) or 16 bytes without the dHash; other marks with a ``logo`` are hashed here. A logo
        that cannot be read does not lose the mark: it is added without its logo (found by its name) and a
        :class:`LogoSkippedWarning` says which and why; ``on_logo_error="raise"`` raises the
        :class:`~similarity.image.load.LogoError` instead and adds nothing (for a caller who can fix the input).
        """
        with self.insertion_session(progress=progress) as session:
            session.on_logo_error = on_logo_error
            for mark in marks:
                session.insert(mark, None if logo_hashes is None else logo_hashes.get(mark.id))
        return session.count

    @contextlib.contextmanager
    def insertion_session(self, progress: Any = None) -> Iterator[InsertionSession]:
        """Bulk loading: marks are buffered and encoded, then indexed in batches.

        >>> from similarity.values import Mark
        >>> idx = MarkIndex()
        >>> with idx.insertion_session() as s:
        ...     s.insert(Mark(id="1", name="Indomie"))
        >>> len(idx)
        1
        """
        session = InsertionSession(self, progress)
        yield session
        session.flush()

    def remove(self, mark_ids: Iterable[str]) -> int:
        """Remove marks by id; unknown ids are ignored. Returns how many were removed."""
        alive = self.rows.alive
        rows = [self._row_of[i] for i in map(str, mark_ids) if i in self._row_of and alive[self._row_of[i]]]
        if not rows:
            return 0
        arr = np.asarray(rows, dtype=np.int64)
        self.signatures.remove_ids(faiss.IDSelectorBatch(arr))
        for part, index in self.logo_hashes.items():
            index.remove(arr[self.rows.has_logo_part(arr, part)])
        for mark, code in zip(self.marks_at(rows), self.codes_at(rows), strict=True):
            self.stats.remove(code.concept_tokens, mark.classes)
        alive[arr] = False
        self.metadata.set_dead(rows)
        for r in rows:
            del self._row_of[self.ids[r]]
        self._dirty = True
        return len(rows)

    def update(self, marks: Iterable[Mark], *, on_logo_error: str = "warn") -> int:
        """Replace marks that share an id with the given ones (add them if absent)."""
        marks = list(marks)
        self.remove([m.id for m in marks])
        return self.add(marks, on_logo_error=on_logo_error)

    def _append(self, items: list[tuple[Mark, NameCode, np.ndarray | None]]) -> None:
        """Index a batch of encoded marks whose words the caller has already added to the stats."""
        if not items:
            return
        start = len(self.ids)
        rows = np.arange(start, start + len(items), dtype=np.int64)
        sigs = signatures([c for _, c, _ in items], self.params.signature_bits)
        self.signatures.add_with_ids(sigs, rows)
        logo = np.zeros((len(items), CODE_BYTES), dtype=np.uint8)
        logo_len = np.zeros(len(items), dtype=np.int8)
        for i, (_, _, h) in enumerate(items):
            if h is not None:
                logo[i, : len(h)] = h
                logo_len[i] = len(h)
        self._index_logos(rows, logo, logo_len)
        for row, (mark, code, _) in zip(rows.tolist(), items, strict=True):
            self.ids.append(mark.id)
            self._row_of[mark.id] = row
            self._add_postings(row, mark, code)
            self.grams.add_many(gram_keys(code), row)
        self.metadata.insert((row, m, c, h) for row, (m, c, h) in zip(rows.tolist(), items, strict=True))
        self.rows.append([m for m, _, _ in items], [c for _, c, _ in items], logo, logo_len)
        self._dirty = True

    def _index_logos(self, rows: np.ndarray, codes: np.ndarray, lengths: np.ndarray, phash: bool = True) -> None:
        """Add the logo codes of `rows` to the Hamming index of each hash they have (the pHash's only with `phash`)."""
        for i, part in enumerate(CODE_PARTS):
            has = lengths > i * PART_BYTES
            if has.any() and (part != "phash" or phash):
                self.logo_hashes[part].add(rows[has], code_part(codes[has], part))

    def _add_postings(self, row: int, mark: Mark, code: NameCode) -> None:
        weights = [self.stats.distinctiveness(w, mark.classes) for w in code.concept_tokens]
        total = sum(weights) or 1.0
        for concept, sound, w in zip(code.concept_tokens, code.sound_tokens, weights, strict=True):
            # dominance: how distinctive the word is, times how much of the mark's distinctive weight it carries
            # (square root: the dominant word of a two-word mark still decides much of the impression)
            dom = w * (w / total) ** 0.5
            self.postings.add("w:" + concept, row, dom)
            self.postings.add("s:" + sound, row, dom)

    # ------------------------------------------------------------------ persistence
    def info(self) -> dict[str, Any]:
        """Size, format and provenance, as stored in the manifest."""
        return {
            "format_version": FORMAT_VERSION,
            "generation": self.generation,
            "marks": len(self),
            "logos": self.rows.logo_count(),
            "built_at": self.built_at,
            "path": str(self.path) if self.path else None,
            "params": self.params.__dict__,
            "source": self.source,
            "encoding": self.encoding,
            "encoding_current": None if self.encoding is None else self.encoding == word_lists_digest(),
            "verdict": self.verdict,
            "verdict_current": None if self.verdict is None else self.verdict == verdict_digest(),
        }

    def save(self, path: str | os.PathLike | None = None) -> Path:
        """Write the index atomically into folder ``path`` (a new generation; the manifest is replaced last)."""
        folder = Path(path or self.path or "")
        if not str(folder):
            raise ValueError("save() needs a folder — pass save('indexes/my-registry') the first time")
        folder.mkdir(parents=True, exist_ok=True)
        with writer_lock(folder):
            previous = read_manifest(folder) if (folder / "manifest.json").exists() else None
            check_not_moved(folder, previous["generation"] if previous else None, self.path, self.generation)
            gen = max(self.generation, previous["generation"] if previous else 0) + 1
            self.postings.freeze(self.rows.alive)
            self.grams.freeze(self.rows.alive)
            self.metadata.write_stats(self.stats.to_rows(), self.stats.class_marks, self.stats.n_marks)
            files = write_generation(
                folder,
                gen,
                {
                    "marks": self.metadata.write,
                    "names": lambda p: faiss.write_index_binary(self.signatures, str(p)),
                    "logos": self.logo_hashes["phash"].write,
                    "postings": self.postings.write,
                    "grams": self.grams.write,
                    "facts": self.rows.write,
                    "features": self.logo_features.write,
                },
            )
            now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            self.built_at = self.built_at or now
            if self.encoding is None and self.generation == 0:  # never loaded: every name was encoded today
                self.encoding = word_lists_digest()
            write_manifest(
                folder,
                {
                    "format": "brand-similarity-index",
                    "format_version": FORMAT_VERSION,
                    "generation": gen,
                    "built_at": self.built_at,
                    "saved_at": now,
                    "counts": {
                        "marks": len(self),
                        "rows": len(self.ids),
                        "logos": self.rows.logo_count(),
                    },
                    "params": self.params.__dict__,
                    "source": self.source,
                    "encoding": self.encoding,
                    "verdict": verdict_digest(),
                    "files": files,
                },
            )
            remove_old_generations(folder, keep={gen, previous["generation"] if previous else gen})
        self.path, self.generation, self._dirty, self.verdict = folder, gen, False, verdict_digest()
        return folder

    @classmethod
    def load(cls, path: str | os.PathLike, *, verify: bool = True) -> MarkIndex:
        """Open the index in folder ``path`` (read-only use by many processes at once is safe).

        Raises :class:`IndexFormatError` with what is wrong when the folder is not a readable index.
        """
        folder = Path(path)
        manifest = read_manifest(folder)
        paths = verified_paths(folder, manifest, verify)
        with unreadable_as_index_error(folder):
            self = cls(IndexParams(**manifest.get("params", {})))
            self.metadata = Metadata.read(paths["marks"])
            self.signatures = faiss.read_index_binary(str(paths["names"]))  # type: ignore[assignment]  # an IDMap2
            self.logo_hashes["phash"] = LogoIndex.read(paths["logos"])
            self.postings = TokenPostings.read(paths["postings"])
            self.grams = GramPostings.read(paths["grams"])
            if "features" in paths:
                try:
                    self.logo_features = FeatureStore.read(paths["features"])
                except ValueError as e:
                    raise IndexFormatError(f"{paths['features']}: {e} — rebuild the index") from None
            self.rows, self.ids = RowTable.read(paths.get("facts"), self.metadata)
            # the shape codes and dHashes live in the metadata; their Hamming indexes are rebuilt here (a memcpy)
            alive = np.flatnonzero(self.rows.alive)
            self._index_logos(alive, self.rows.logo_codes[alive], self.rows.logo_len[alive], phash=False)
            self._row_of = {mid: i for i, mid in enumerate(self.ids) if self.rows.alive[i]}
            self.gram_count = self.grams.field_counts(len(self.ids), GRAM_FIELDS)
            self.stats = TokenStats.from_rows(*self.metadata.read_stats())
        self.path, self.generation = folder, manifest["generation"]
        self.built_at, self.source = manifest.get("built_at"), manifest.get("source", {})
        self.encoding = manifest.get("encoding")
        self.verdict = manifest.get("verdict")
        changed = (
            (self.verdict, verdict_digest(), ModelChangedWarning,
             f"it was saved with another verdict model or other risk tiers ({self.verdict}, installed "
             f"{verdict_digest()}) — scores and tiers differ from the answers given then; the marks are the same"),
            (self.encoding, word_lists_digest(), StaleIndexWarning,
             "its names were encoded with other word lists (lexicon, generic words) than this version ships — "
             "answers may differ from a fresh index; rebuild it with `similarity index build`"),
        )
        for stored, installed, category, message in changed:
            if stored is not None and stored != installed:
                warnings.warn(f"{folder}: {message}", category, stacklevel=2)
        return self
