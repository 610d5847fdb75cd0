"""Stage 3 — ``MarkIndex``: the registry on disk and the candidate search over it.

One folder holds one index: ``manifest.json`` (format version, counts, checksums, build parameters) names the
files of the current *generation* — ``marks.<gen>.sqlite`` (metadata and encoded names), ``names.<gen>.faiss``
(FAISS binary n-gram signatures), ``logos.<gen>.faiss`` (FAISS binary pHashes) and ``postings.<gen>.npz`` (the
token inverted index). A save writes a new generation next to the old one (temp file, fsync, rename) and
replaces the manifest last, so a crash at any moment leaves the previous generation loadable, and readers that
opened the old generation keep a consistent view::

    >>> from similarity.values import Mark
    >>> index = MarkIndex()
    >>> index.add([Mark(id="1", name="Kopi Kenangan", classes=(30, 43)), Mark(id="2", name="Janji Jiwa")])
    2
    >>> [m.mark.name for m in index.query("Kopi Kenang", k=1).matches]
    ['Kopi Kenangan']
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import faiss
import numpy as np

from ..classes import class_mask
from ..image.hash import CODE_BYTES, CODE_PARTS, DIHEDRAL, PART_BYTES, code_part
from ..text.encode import GRAM_FIELDS, SIGNATURE_BITS, NameCode, encode_name, gram_keys, signatures
from ..text.lexicon import word_lists_digest
from ..text.score import NameFactors, RowStrings, contained_words, score_strings
from ..text.weights import TokenStats
from ..values import Mark
from .columns import StringColumn
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
from .postings import GramPostings, TokenPostings, sorted_unique
from .rows import STATUS_CODES, STATUS_NAMES, RowFacts

if TYPE_CHECKING:
    from ..image.score import LogoEvidence

_STATUS_NAME_ARRAY = np.array([STATUS_NAMES.get(i, "") for i in range(max(STATUS_NAMES) + 1)], dtype=object)
LOGO_CODE_SIZES = tuple(PART_BYTES * (i + 1) for i in range(len(CODE_PARTS)))
"""Byte lengths a stored logo code may have: all of `CODE_PARTS`, or a prefix of them (8 bytes, a pHash from a
registry column; 16, an index of format 3). A logo is not found by the hashes its code lacks."""

# One query is one short scan: FAISS's OpenMP threads only add spin-waiting, and under a busy machine (a Dask
# worker, a threaded web server) they make a 1 ms search take 60 ms. Batch callers can raise it again.
faiss.omp_set_num_threads(1)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS marks (
  row INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL, owner TEXT, classes TEXT,
  status TEXT NOT NULL, number TEXT, filed TEXT, registered TEXT, logo TEXT, logo_hash BLOB,
  tokens TEXT NOT NULL, core TEXT NOT NULL, sound TEXT NOT NULL, concept TEXT NOT NULL,
  concept_tokens TEXT NOT NULL, sound_tokens TEXT NOT NULL, core_tokens TEXT NOT NULL, alive INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS token_df (word TEXT NOT NULL, class INTEGER NOT NULL, df INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT);
"""


APPEND_CHUNK = 50_000
"""Marks indexed per step of a bulk load (bounds its transient memory)."""
GRAM_SCAN_MIN = 30_000
GRAM_SCAN_SHARE = 10
"""Trigram postings read in full per query to nominate candidates: at least 30k, or a tenth of the registry, in equal
shares per field (`nominating_postings`). At 1M names, with each field's own share and the concept neighbours:
recall@10 0.9900 / 0.9907 / 0.9907 at a twelfth / tenth / eighth, p50 6.25 / 6.42 / 6.74 ms
(benchmarks/bench_names.py, 140 queries, alternating passes)."""
SEARCH_RATIO = 8
"""A trigram's postings longer than this many times the nominated rows are binary-searched, not gathered."""


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


class LogoSkippedWarning(UserWarning):
    """A mark's logo could not be read: the mark was added without it (found by its name only)."""


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
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.executescript(_SCHEMA)
        self._names = faiss.IndexBinaryIDMap2(faiss.IndexBinaryFlat(self.params.signature_bits))
        from ..image.search import LogoIndex

        self._logos = LogoIndex()
        self._more_logos = {part: LogoIndex() for part in CODE_PARTS[1:]}  # rebuilt from the metadata on load
        from ..image.features import FeatureStore

        self.logo_features = FeatureStore()  # keypoints, outlines and OCR text per logo row (similarity/score/logos.py)
        self._stats = TokenStats()
        self._ids: list[str] = []
        self._row_of: dict[str, int] = {}
        # the strings every candidate's score reads, packed (similarity/store/columns.py); the concepts, read for the
        # few candidates that can share one, stay a list
        self._core = StringColumn()
        self._core_len = np.zeros(0, dtype=np.float32)  # len() of each core (float32, as the scorers compute it)
        self._concept_len = np.zeros(0, dtype=np.int16)  # len() of each concept string (to pick meaning neighbours)
        self._compact = StringColumn()
        self._sound = StringColumn()
        self._concept: list[str] = []
        self._classes = np.zeros(0, dtype=np.int64)
        self._status = np.zeros(0, dtype=np.int8)
        self._facts = RowFacts()  # fame per row, for the score of every candidate (similarity/store/rows.py)
        self._alive = np.zeros(0, dtype=bool)
        self._logo_codes = np.zeros((0, CODE_BYTES), dtype=np.uint8)
        self._logo_len = np.zeros(0, dtype=np.int8)  # bytes of each row's logo code: 0 (no logo), 8, 16 or 24
        self._postings = TokenPostings()
        self._grams = GramPostings()
        self._gram_count = np.zeros((len(GRAM_FIELDS), 0), dtype=np.int16)  # field-major: trigrams per field, row
        self._dirty = False

    # ------------------------------------------------------------------ size and lookup
    def __len__(self) -> int:
        return len(self._row_of)  # the ids of the marks alive (summing `_alive` is 0.3 ms a call at 1M marks)

    def __contains__(self, mark_id: object) -> bool:
        row = self._row_of.get(str(mark_id))
        return row is not None and bool(self._alive[row])

    def get(self, mark_id: str) -> Mark | None:
        """The mark stored under ``mark_id``, or None."""
        row = self._row_of.get(str(mark_id))
        if row is None or not self._alive[row]:
            return None
        return self.marks_at([row])[0]

    def marks_at(self, rows: Sequence[int]) -> list[Mark]:
        """Marks for internal row numbers, in the given order."""
        if not len(rows):
            return []
        ph = ",".join("?" * len(rows))
        cur = self._db.execute(
            f"SELECT row,id,name,owner,classes,status,number,filed,registered,logo FROM marks WHERE row IN ({ph})",
            [int(r) for r in rows],
        )
        by_row = {}
        for r in cur:
            classes = tuple(int(c) for c in r[4].split(";") if c) if r[4] else ()
            by_row[r[0]] = Mark(
                id=r[1],
                name=r[2],
                owner=r[3] or "",
                classes=classes,
                status=r[5],
                number=r[6] or "",
                filed=r[7],
                registered=r[8],
                logo=r[9],
            )
        return [by_row[int(r)] for r in rows]

    def codes_at(self, rows: Sequence[int]) -> list[NameCode]:
        """Encoded names for internal rows (used for reasons)."""
        if not len(rows):
            return []
        ph = ",".join("?" * len(rows))
        cur = self._db.execute(
            f"SELECT row,tokens,core,sound,concept,concept_tokens,sound_tokens,core_tokens FROM marks "
            f"WHERE row IN ({ph})",
            [int(r) for r in rows],
        )
        by_row = {}
        for r in cur:
            tokens = tuple(r[1].split())
            by_row[r[0]] = NameCode(
                tokens=tokens,
                compact="".join(tokens),
                core=r[2],
                sound=r[3],
                concept=r[4],
                core_tokens=tuple(r[7].split()),
                concept_tokens=tuple(r[5].split()),
                sound_tokens=tuple(r[6].split()),
            )
        return [by_row[int(r)] for r in rows]

    def alive_mask(self) -> np.ndarray:
        """Whether each internal row is a mark currently in the index (read-only view)."""
        view = self._alive.view()
        view.flags.writeable = False
        return view

    def alive_rows(self) -> np.ndarray:
        """Internal row numbers of the marks currently in the index (for batch consumers like the sweep)."""
        return np.flatnonzero(self._alive)

    def __iter__(self) -> Iterator[Mark]:
        cur = self._db.execute("SELECT row FROM marks WHERE alive=1 ORDER BY row")
        rows = [r[0] for r in cur]
        for i in range(0, len(rows), 500):
            yield from self.marks_at(rows[i : i + 500])

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
    def insertion_session(self, progress: Any = None) -> Iterator[_InsertionSession]:
        """Bulk loading: marks are buffered and encoded, then indexed in batches.

        >>> from similarity.values import Mark
        >>> idx = MarkIndex()
        >>> with idx.insertion_session() as s:
        ...     s.insert(Mark(id="1", name="Indomie"))
        >>> len(idx)
        1
        """
        session = _InsertionSession(self, progress)
        yield session
        session.flush()

    def remove(self, mark_ids: Iterable[str]) -> int:
        """Remove marks by id; unknown ids are ignored. Returns how many were removed."""
        rows = [self._row_of[i] for i in map(str, mark_ids) if i in self._row_of and self._alive[self._row_of[i]]]
        if not rows:
            return 0
        arr = np.asarray(rows, dtype=np.int64)
        self._names.remove_ids(faiss.IDSelectorBatch(arr))
        self._logos.remove(arr[self._has_logo_part(arr, "phash")])
        for part, index in self._more_logos.items():
            index.remove(arr[self._has_logo_part(arr, part)])
        for mark, code in zip(self.marks_at(rows), self.codes_at(rows), strict=True):
            self._stats.remove(code.concept_tokens, mark.classes)
        self._alive[arr] = False
        self._db.executemany("UPDATE marks SET alive=0 WHERE row=?", [(int(r),) for r in rows])
        for r in rows:
            del self._row_of[self._ids[r]]
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
        start = len(self._ids)
        rows = np.arange(start, start + len(items), dtype=np.int64)
        sigs = signatures([c for _, c, _ in items], self.params.signature_bits)
        self._names.add_with_ids(sigs, rows)
        logo = np.zeros((len(items), CODE_BYTES), dtype=np.uint8)
        logo_len = np.zeros(len(items), dtype=np.int8)
        for i, (_, _, h) in enumerate(items):
            if h is not None:
                logo[i, : len(h)] = h
                logo_len[i] = len(h)
        self._index_logos(rows, logo, logo_len)
        db_rows = []
        for row, (mark, code, h) in zip(rows.tolist(), items, strict=True):
            self._ids.append(mark.id)
            self._row_of[mark.id] = row
            self._concept.append(code.concept)
            db_rows.append(
                (
                    row,
                    mark.id,
                    mark.name,
                    mark.owner,
                    ";".join(map(str, mark.classes)),
                    mark.status,
                    mark.number,
                    mark.filed,
                    mark.registered,
                    mark.logo,
                    None if h is None else bytes(h),  # 24 bytes, or a prefix of them (CODE_PARTS)
                    " ".join(code.tokens),
                    code.core,
                    code.sound,
                    code.concept,
                    " ".join(code.concept_tokens),
                    " ".join(code.sound_tokens),
                    " ".join(code.core_tokens),
                    1,
                )
            )
            self._add_postings(row, mark, code)
            self._grams.add_many(gram_keys(code), row)
        self._db.executemany(f"INSERT INTO marks VALUES ({','.join('?' * 19)})", db_rows)
        self._classes = np.concatenate([self._classes, [class_mask(m.classes) for m, _, _ in items]]).astype(np.int64)
        self._status = np.concatenate([self._status, [STATUS_CODES[m.status] for m, _, _ in items]]).astype(np.int8)
        self._facts.extend(m.name for m, _, _ in items)
        self._alive = np.concatenate([self._alive, np.ones(len(items), dtype=bool)])
        self._core.extend(c.core for _, c, _ in items)
        self._compact.extend(c.compact for _, c, _ in items)
        self._sound.extend(c.sound for _, c, _ in items)
        self._core_len = np.concatenate([self._core_len, [len(c.core) for _, c, _ in items]]).astype(np.float32)
        self._concept_len = np.concatenate([self._concept_len, [len(c.concept) for _, c, _ in items]]).astype(np.int16)
        self._logo_codes = np.concatenate([self._logo_codes, logo])
        self._logo_len = np.concatenate([self._logo_len, logo_len])
        self._dirty = True

    def _index_logos(self, rows: np.ndarray, codes: np.ndarray, lengths: np.ndarray, phash: bool = True) -> None:
        """Add the logo codes of `rows` to the FAISS index of each hash they have (the pHash's only with `phash`)."""
        for i, part in enumerate(CODE_PARTS):
            has = lengths > i * PART_BYTES
            if has.any() and (part != "phash" or phash):
                index = self._logos if part == "phash" else self._more_logos[part]
                index.add(rows[has], code_part(codes[has], part))

    def _logo_count(self) -> int:
        """How many marks alive have a logo."""
        return int(((self._logo_len > 0) & self._alive).sum())

    def _has_logo_part(self, rows: np.ndarray, part: str) -> np.ndarray:
        """Whether each of `rows` has a logo code with the hash `part` (one of `CODE_PARTS`)."""
        return self._logo_len[rows] > CODE_PARTS.index(part) * PART_BYTES

    def _add_postings(self, row: int, mark: Mark, code: NameCode) -> None:
        weights = [self._stats.distinctiveness(w, mark.classes) for w in code.concept_tokens]
        total = sum(weights) or 1.0
        for concept, sound, w in zip(code.concept_tokens, code.sound_tokens, weights, strict=True):
            # dominance: how distinctive the word is, times how much of the mark's distinctive weight it carries
            # (square root: the dominant word of a two-word mark still decides much of the impression)
            dom = w * (w / total) ** 0.5
            self._postings.add("w:" + concept, row, dom)
            self._postings.add("s:" + sound, row, dom)

    # ------------------------------------------------------------------ search
    def name_candidates(self, code: NameCode) -> tuple[np.ndarray, np.ndarray]:
        """Rows worth re-scoring for a query name, with their dominant-word score (sorted by row).

        Four sources, unioned: the nearest n-gram signatures by exact Hamming distance (FAISS, off by default), the
        marks sharing the largest share of trigrams (`_gram_neighbours`), the marks that share an exact word, sound
        key or translated concept with the query (token index, most dominant first; for a concept in more marks than
        the cap, also those whose concept string is closest in length to the query's), and the marks with a word the
        query's core contains whole (:func:`~similarity.text.score.contained_words`).
        """
        k = min(self.params.name_candidates, self._names.ntotal)
        rows = np.zeros(0, dtype=np.int64)
        if k > 0:
            _, ids = self._names.search(signatures([code], self.params.signature_bits), k)
            rows = ids[0][ids[0] >= 0]
        rows = sorted_unique(np.concatenate([rows, self._gram_neighbours(code)]))  # np.union1d hashes: 5x slower
        cap = self.params.token_candidates
        tok_rows, tok_dom = [], []
        for key in code.keys:
            r, d = self._postings.get(key)
            keep = self._alive[r]
            r, d = r[keep], d[keep]
            tok_rows.append(r[:cap])
            tok_dom.append(d[:cap])
            if len(r) > cap and key.startswith("w:"):
                # a common concept (MAS = brother: thousands of marks): beyond the most dominant, the marks whose
                # concept string is as long as the query's, the ones its meaning factor can rank high
                rest, rest_dom = r[cap:], d[cap:]
                if len(rest) > cap:
                    near = np.argpartition(np.abs(self._concept_len[rest] - len(code.concept)), cap)[:cap]
                    rest, rest_dom = rest[near], rest_dom[near]
                tok_rows.append(rest)
                tok_dom.append(rest_dom)
        # marks whose word the query contains (PRAI in PRAICHAMRANG): the dominance of a word the query does not have
        # is 0, and containment decides their score
        own = set(code.keys)
        for key in ("w:" + piece for piece in contained_words(code.core)):
            if key not in own:
                r, _ = self._postings.get(key)
                if len(r):
                    r = r[self._alive[r]][:cap]
                    tok_rows.append(r)
                    tok_dom.append(np.zeros(len(r), dtype=np.float32))
        tr = np.concatenate(tok_rows) if tok_rows else np.zeros(0, dtype=np.int64)
        td = np.concatenate(tok_dom) if tok_dom else np.zeros(0, dtype=np.float32)
        # best dominance per row: sort by (row, -dominance) and keep the first of each row
        order = np.lexsort((-td, tr))
        tr, td = tr[order], td[order]
        first = np.ones(len(tr), dtype=bool)
        first[1:] = tr[1:] != tr[:-1]
        tr, td = tr[first], td[first]
        all_rows = sorted_unique(np.concatenate([rows, tr]))
        dom = np.zeros(len(all_rows), dtype=np.float32)
        dom[np.searchsorted(all_rows, tr)] = td
        keep = self._alive[all_rows]
        return all_rows[keep], dom[keep]

    def row_of(self, mark_id: str) -> int:
        """Internal row of a mark id (KeyError when absent)."""
        return self._row_of[str(mark_id)]

    def dominance(self, code: NameCode, rows: np.ndarray) -> np.ndarray:
        """Exact dominant-word score of the given rows for a query (all postings, no caps)."""
        dom = np.zeros(len(rows), dtype=np.float32)
        if not len(rows):
            return dom
        for key in code.keys:
            r, d = self._postings.get(key)
            hit = np.isin(r, rows)
            if hit.any():
                pos = np.searchsorted(rows, r[hit])
                np.maximum.at(dom, pos, d[hit])
        return dom

    def _gram_neighbours(self, code: NameCode) -> np.ndarray:
        """Rows sharing the largest share of trigrams with the query: the best Dice coefficient of any field.

        Fields are compared apart (spelling, sound) because a name may look unlike a mark and still sound
        like it; the best field decides, as the name score takes the best of sight and sound.
        """
        keys = gram_keys(code)
        n_rows = self._gram_count.shape[1]
        if not keys or not n_rows:
            return np.zeros(0, dtype=np.int64)
        parts = sorted(((GRAM_FIELDS.index(k[0]), self._grams.get(k)) for k in keys), key=lambda p: len(p[1]))
        q_count = np.bincount([f for f, _ in parts], minlength=len(GRAM_FIELDS))
        # MaxScore-style: the rarest trigrams (up to a postings budget) nominate candidates; the common ones
        # only add their count to those candidates.
        fields = np.flatnonzero(q_count).tolist()
        nominating = nominating_postings(parts, max(GRAM_SCAN_MIN, n_rows // GRAM_SCAN_SHARE))
        # Counting: a posting list shorter than a few times the nominated set is gathered through a dense slot
        # table (one lookup per posting; most miss, and are dropped before counting: bincount crawls when one bin
        # takes most increments); a longer one is binary-searched for the nominated rows instead. One gather and one
        # bincount per field.
        hit = sorted_unique(np.concatenate(nominating))
        n_hit = len(hit)
        slot = np.full(n_rows, -1, dtype=np.int32)  # a fresh table measured faster than one kept and reset
        slot[hit] = np.arange(n_hit, dtype=np.int32)
        counts = np.zeros((len(GRAM_FIELDS), n_hit), dtype=np.int64)
        for f in range(len(GRAM_FIELDS)):
            short = [p for g, p in parts if g == f and len(p) <= SEARCH_RATIO * n_hit]
            if short:
                at = slot[np.concatenate(short)]
                counts[f] = np.bincount(at[at >= 0], minlength=n_hit)
        for f, p in parts:
            if len(p) > SEARCH_RATIO * n_hit:
                pos = np.minimum(np.searchsorted(p, hit), len(p) - 1)
                counts[f] += p[pos] == hit
        # best Dice coefficient over the fields (a reduction across the short field axis is slow in numpy: a
        # running maximum over the fields' contiguous rows is several times faster), halved: only its order is used.
        # A field without query trigrams has no count and adds nothing.
        dice = np.zeros(n_hit)
        for f in fields:
            grams = self._gram_count[f][hit].astype(np.int32)  # int16 in memory; the sum below must not wrap
            np.maximum(dice, counts[f] / (int(q_count[f]) + grams), out=dice)
        k = self.params.gram_candidates
        if len(hit) > k:
            hit = hit[np.argpartition(-dice, k)[:k]]
        return hit.astype(np.int64)

    def distinctiveness(self, word: str, classes: Sequence[int] = ()) -> float:
        """How distinctive a (concept) word is in the given classes of this registry (0..1)."""
        return self._stats.distinctiveness(word, classes)

    def name_strings(self, rows: np.ndarray) -> tuple[list[str | bytes], list[str | bytes], list[str | bytes]]:
        """(core, whole name without spaces, sound key) of `rows`, as :func:`score_strings` takes them (ASCII ones as
        ``bytes``, from the packed columns)."""
        return self._core.take(rows), self._compact.take(rows), self._sound.take(rows)

    def name_factors(self, code: NameCode, rows: np.ndarray, dominant: np.ndarray) -> NameFactors:
        """Sight, sound, meaning and dominant-word factors of `rows` for a query (`score_strings` with what the index
        knows already: the cores' lengths, and which rows can share a concept, from the token postings)."""
        cores, compacts, sounds = self.name_strings(rows)
        words = [self._postings.get("w:" + c)[0] for c in dict.fromkeys(code.concept.split())]
        may_share = np.flatnonzero(np.isin(rows, np.concatenate(words))) if words else np.zeros(0, dtype=np.int64)
        return score_strings(
            code,
            cores,
            compacts,
            sounds,
            RowStrings(self._concept, rows),
            dominant,
            self.core_tokens_of(rows),
            core_lengths=self._core_len[rows],
            may_share=may_share,
        )

    def core_tokens_of(self, rows: np.ndarray) -> Callable[[int], tuple[str, ...]]:
        """``f(i)``: the core words of ``rows[i]``, read on demand (the scorers ask for a few candidates only)."""
        query = "SELECT core_tokens FROM marks WHERE row = ?"  # one column, not a whole NameCode: ~20 asks a query
        return lambda i: tuple(self._db.execute(query, (int(rows[i]),)).fetchone()[0].split())

    def logo_candidates(self, query_codes: np.ndarray, k: int | None = None) -> np.ndarray:
        """Rows of the nearest logos to any dihedral variant of the query (exact Hamming, FAISS): the ``k``
        nearest by pHash, then the ``k`` nearest by each other hash the query has (`CODE_PARTS`) that are not among
        them. The shape code is searched only where the query's silhouette is not a plain disc, square or badge
        (:func:`~similarity.image.score.plain_shape`)."""
        query_codes = _logo_query(query_codes)
        k = k or self.params.logo_candidates
        hits = [h.id for h in self._logos.search(code_part(query_codes, "phash"), k=k)]
        seen = set(hits)
        for part in _query_parts(query_codes)[1:]:
            new = [h.id for h in self._more_logos[part].search(code_part(query_codes, part), k=k) if h.id not in seen]
            hits += new
            seen.update(new)
        return np.asarray(hits, dtype=np.int64)

    def logo_evidence(
        self, rows: np.ndarray, query_codes: np.ndarray, max_distance: Mapping[str, int] | None = None
    ) -> list[LogoEvidence | None]:
        """How each row's logo resembles the query (its dihedral codes ``(8, 24)``, or a prefix of them such as the
        pHashes alone ``(8, 8)``): each hash both sides have is compared under every variant and the best evidence
        kept (:func:`~similarity.image.score.best_evidence`); None where the mark has no logo. The shape code counts
        only where neither silhouette is a plain shape (:func:`~similarity.image.score.plain_shape`). ``max_distance``
        maps hashes ("phash", "shape", "dhash") to the thresholds to judge them by instead of the calibrated ones."""
        from ..image.score import LogoEvidence, best_evidence, plain_shape
        from ..image.search import inverse_variant

        query_codes = _logo_query(query_codes)
        rows = np.asarray(rows, dtype=np.int64)
        width = query_codes.shape[1]
        x = np.bitwise_xor(self._logo_codes[rows][:, None, :width], query_codes[None, :, :])
        dist = np.bitwise_count(x.reshape(len(rows), len(query_codes), -1, PART_BYTES)).sum(axis=3, dtype=np.int64)

        def evidence(i: int, hash: str) -> LogoEvidence:
            part = CODE_PARTS.index(hash)
            v = int(dist[i, :, part].argmin())  # query variant v matching means the query is the mark under v's inverse
            variant = inverse_variant(DIHEDRAL[v]) if len(query_codes) == len(DIHEDRAL) else "identity"
            limit = None if max_distance is None else max_distance.get(hash)
            return LogoEvidence.from_distance(int(dist[i, v, part]), variant, hash=hash, max_distance=limit)

        parts = _query_parts(query_codes)
        compared = {part: self._has_logo_part(rows, part) for part in parts}
        if "shape" in compared:
            compared["shape"] &= ~plain_shape(code_part(self._logo_codes[rows], "shape"))
        out: list[LogoEvidence | None] = []
        for i in range(len(rows)):
            if not compared["phash"][i]:
                out.append(None)
                continue
            found = {part: evidence(i, part) for part in parts[1:] if compared[part][i]}
            out.append(best_evidence(evidence(i, "phash"), found.get("shape"), found.get("dhash")))
        return out

    def class_masks(self, rows: np.ndarray) -> np.ndarray:
        return self._classes[rows]

    def statuses(self, rows: np.ndarray) -> list[str]:
        return _STATUS_NAME_ARRAY[self._status[rows]].tolist()

    def status_codes(self, rows: np.ndarray) -> np.ndarray:
        """Status of each of `rows` as its int8 code (`STATUS_CODES`; :func:`~similarity.store.rows.status_weights`)."""
        return self._status[rows]

    def famous_at(self, rows: np.ndarray) -> np.ndarray:
        """Whether each of `rows` is a famous mark (:func:`~similarity.famous.is_famous`), as a bool array."""
        return self._facts.famous_at(rows)

    def query(
        self,
        name: str | None = None,
        *,
        logo: Any = None,
        classes: Sequence[int] = (),
        k: int = 10,
        logo_max_distance: Mapping[str, int] | None = None,
    ):
        """Search for marks that conflict with ``name`` and/or ``logo``; see :func:`similarity.pipeline.check`."""
        from ..pipeline import check

        return check(self, name=name, logo=logo, classes=classes, top=k, logo_max_distance=logo_max_distance)

    # ------------------------------------------------------------------ persistence
    def info(self) -> dict[str, Any]:
        """Size, format and provenance, as stored in the manifest."""
        return {
            "format_version": FORMAT_VERSION,
            "generation": self.generation,
            "marks": len(self),
            "logos": self._logo_count(),
            "built_at": self.built_at,
            "path": str(self.path) if self.path else None,
            "params": self.params.__dict__,
            "source": self.source,
            "encoding": self.encoding,
            "encoding_current": None if self.encoding is None else self.encoding == word_lists_digest(),
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
            self._postings.freeze(self._alive)
            self._grams.freeze(self._alive)
            self._db.execute("DELETE FROM token_df")
            self._db.executemany("INSERT INTO token_df VALUES (?,?,?)", self._stats.to_rows())
            self._db.execute("DELETE FROM info")
            self._db.executemany(
                "INSERT INTO info VALUES (?,?)",
                [
                    ("class_marks", json.dumps(dict(self._stats.class_marks))),
                    ("n_marks", str(self._stats.n_marks)),
                ],
            )
            self._db.commit()
            files = write_generation(
                folder,
                gen,
                {
                    "marks": lambda p: _write_sqlite(self._db, p),
                    "names": lambda p: faiss.write_index_binary(self._names, str(p)),
                    "logos": self._logos.write,
                    "postings": self._postings.write,
                    "grams": self._grams.write,
                    "facts": lambda p: self._facts.write(p, self._row_arrays()),
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
                        "rows": len(self._ids),
                        "logos": self._logo_count(),
                    },
                    "params": self.params.__dict__,
                    "source": self.source,
                    "encoding": self.encoding,
                    "files": files,
                },
            )
            remove_old_generations(folder, keep={gen, previous["generation"] if previous else gen})
        self.path, self.generation, self._dirty = folder, gen, False
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
            params = IndexParams(**manifest.get("params", {}))
            self = cls(params)
            disk = sqlite3.connect(f"file:{paths['marks']}?mode=ro", uri=True)
            try:
                disk.backup(self._db)
            finally:
                disk.close()
            self._names = faiss.read_index_binary(str(paths["names"]))
            from ..image.search import LogoIndex

            self._logos = LogoIndex.read(paths["logos"])
            self._postings = TokenPostings.read(paths["postings"])
            self._grams = GramPostings.read(paths["grams"])
            if "features" in paths:
                from ..image.features import FeatureStore

                try:
                    self.logo_features = FeatureStore.read(paths["features"])
                except ValueError as e:
                    raise IndexFormatError(f"{paths['features']}: {e} — rebuild the index") from None
            self._load_arrays(paths.get("facts"))
            info = dict(self._db.execute("SELECT key, value FROM info"))
            class_marks = {int(k): v for k, v in json.loads(info.get("class_marks", "{}")).items()}
            self._stats = TokenStats.from_rows(
                self._db.execute("SELECT word, class, df FROM token_df"), int(info.get("n_marks", 0)), class_marks
            )
        self.path, self.generation = folder, manifest["generation"]
        self.built_at, self.source = manifest.get("built_at"), manifest.get("source", {})
        self.encoding = manifest.get("encoding")
        if self.encoding is not None and self.encoding != word_lists_digest():
            warnings.warn(
                f"{folder}: its names were encoded with other word lists (lexicon, generic words) than this version "
                f"ships — answers may differ from a fresh index; rebuild it with `similarity index build`",
                StaleIndexWarning,
                stacklevel=2,
            )
        return self

    _FLAT_ARRAYS = ("classes", "status", "alive", "core_len", "concept_len", "logo_len", "logo_codes")
    _COLUMNS = ("core", "compact", "sound")

    def _row_arrays(self) -> dict[str, np.ndarray]:
        """The per-row arrays saved with the row facts, so that a load reads them instead of deriving them."""
        arrays = {k: getattr(self, f"_{k}") for k in self._FLAT_ARRAYS}
        for name in self._COLUMNS:
            arrays.update({f"{name}.{k}": v for k, v in getattr(self, f"_{name}").to_arrays().items()})
        return arrays

    def _load_arrays(self, facts: Path | None = None) -> None:
        n = self._db.execute("SELECT count(*) FROM marks").fetchone()[0]
        names = (r[0] for r in self._db.execute("SELECT name FROM marks ORDER BY row"))
        self._facts = RowFacts.read(facts, names, n)
        stored = self._facts.arrays
        wanted = (*self._FLAT_ARRAYS, *(f"{c}.{k}" for c in self._COLUMNS for k in ("packed", "other_rows",
                                                                                    "other_strings")))
        complete = all(k in stored for k in wanted) and all(
            len(stored[k]) == n for k in (*self._FLAT_ARRAYS, *(f"{c}.packed" for c in self._COLUMNS))
        )
        rows = self._db.execute(
            "SELECT row,id,concept" + ("" if complete else ",core,tokens,sound,classes,status,alive,logo_hash")
            + " FROM marks ORDER BY row"
        ).fetchall()
        if n and rows[-1][0] != n - 1:
            raise IndexFormatError("mark rows are not contiguous — the metadata database is corrupt; rebuild")
        self._ids = [r[1] for r in rows]
        self._concept = [r[2] for r in rows]
        if complete:  # saved with the row facts: read, not derived row by row (a load at 1M marks takes seconds less)
            for k in self._FLAT_ARRAYS:
                setattr(self, f"_{k}", stored[k])
            for c in self._COLUMNS:
                setattr(self, f"_{c}", StringColumn.from_arrays({k: stored[f"{c}.{k}"] for k in
                                                                 ("packed", "other_rows", "other_strings")}))
        else:
            self._derive_arrays(rows)
        # the shape codes and dHashes live in the metadata; their FAISS indexes are rebuilt here (a memcpy)
        alive = np.flatnonzero(self._alive)
        self._index_logos(alive, self._logo_codes[alive], self._logo_len[alive], phash=False)
        self._row_of = {mid: i for i, mid in enumerate(self._ids) if self._alive[i]}
        self._gram_count = self._grams.field_counts(n, GRAM_FIELDS)

    def _derive_arrays(self, rows: list[tuple]) -> None:
        """The per-row arrays from the metadata rows (row, id, concept, core, tokens, sound, classes, status, alive,
        logo_hash): an index saved without them."""
        n = len(rows)
        self._core = StringColumn(r[3] for r in rows)
        self._core_len = np.fromiter((len(r[3]) for r in rows), dtype=np.float32, count=n)
        self._compact = StringColumn(r[4].replace(" ", "") for r in rows)
        self._sound = StringColumn(r[5] for r in rows)
        self._concept_len = np.fromiter(map(len, self._concept), dtype=np.int16, count=n)
        self._classes = np.fromiter(
            (class_mask(int(c) for c in r[6].split(";") if c) for r in rows), dtype=np.int64, count=n
        )
        self._status = np.fromiter((STATUS_CODES[r[7]] for r in rows), dtype=np.int8, count=n)
        self._alive = np.fromiter((bool(r[8]) for r in rows), dtype=bool, count=n)
        self._logo_len = np.zeros(n, dtype=np.int8)
        self._logo_codes = np.zeros((n, CODE_BYTES), dtype=np.uint8)
        for i, r in enumerate(rows):
            if r[9] is not None:  # 24 bytes, or 16 from a version-3 index, or 8 (a pHash alone)
                self._logo_codes[i, : len(r[9])] = np.frombuffer(r[9], dtype=np.uint8)
                self._logo_len[i] = len(r[9])


def nominating_postings(parts: Sequence[tuple[int, np.ndarray]], budget: int) -> list[np.ndarray]:
    """The posting lists that nominate a query's trigram candidates: each field's rarest, up to an equal share of
    ``budget`` postings per field (at least one list each). ``parts`` are (field, postings) pairs, rarest first.

    A share per field, not the rarest lists overall: a name's rare spelling trigrams would otherwise use up the
    budget before the sound trigrams of the marks that only sound like it (POERI SHAYOONG ~ VOOSHAUNG share
    ``sja``, ``ung``: at 1M names recall@10 0.9843 → 0.9871 at the same cost, benchmarks/bench_names.py).

    >>> lists = [(0, np.arange(2)), (0, np.arange(3)), (1, np.arange(4)), (1, np.arange(9))]
    >>> [len(p) for p in nominating_postings(lists, 10)]
    [2, 3, 4]
    """
    fields = sorted({f for f, _ in parts})
    share = budget / max(len(fields), 1)
    out = []
    for field in fields:
        total = 0
        for f, p in parts:
            if f == field:
                if total and total + len(p) > share:
                    break
                total += len(p)
                out.append(p)
    return out


def _query_parts(query_codes: np.ndarray) -> tuple[str, ...]:
    """The hashes (`CODE_PARTS`) a query is searched and compared by: those its codes have, except a shape code whose
    silhouette is a plain disc, square or badge (:func:`~similarity.image.score.plain_shape`)."""
    from ..image.score import plain_shape

    parts = CODE_PARTS[: query_codes.shape[1] // PART_BYTES]
    if "shape" in parts and plain_shape(code_part(query_codes[:1], "shape"))[0]:
        parts = tuple(part for part in parts if part != "shape")
    return parts


def _logo_query(codes: np.ndarray) -> np.ndarray:
    """A query's logo codes as ``(variants, 8, 16 or 24)`` uint8 (`LOGO_CODE_SIZES`); one flat code becomes one
    variant."""
    codes = np.ascontiguousarray(codes, dtype=np.uint8)
    if codes.ndim == 1:
        codes = codes[None]
    if codes.ndim != 2 or codes.shape[1] not in LOGO_CODE_SIZES or not len(codes):
        raise ValueError(
            f"logo codes have shape {codes.shape} — pass dihedral_codes(image) (8, 24), dihedral_phashes(image) "
            f"(8, 8) or one code of 8, 16 or 24 bytes"
        )
    return codes


class _InsertionSession:
    """Buffers marks for :meth:`MarkIndex.insertion_session`; encodes names and hashes logos in batches."""

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
                self.index._stats.add(code.concept_tokens, mark.classes)
            self.count += len(buffer)
            while buffer:  # each chunk is let go once indexed: the buffer shrinks as the index grows
                self.index._append(buffer[:APPEND_CHUNK])
                del buffer[:APPEND_CHUNK]
            self.index._postings.freeze(self.index._alive)
            self.index._grams.freeze(self.index._alive)
            self.index._gram_count = self.index._grams.field_counts(len(self.index._ids), GRAM_FIELDS)


def _write_sqlite(db: sqlite3.Connection, path: Path) -> None:
    path.unlink(missing_ok=True)
    disk = sqlite3.connect(path)
    try:
        db.backup(disk)
        disk.execute("PRAGMA journal_mode=DELETE")
    finally:
        disk.close()
