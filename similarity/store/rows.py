"""Per-row arrays the search and the scoring of every candidate read, computed once when a mark is indexed.

:class:`RowTable` is the public table of them (goods masks, status codes, fame, lengths, logo codes, the packed
name strings), one entry per internal row; :class:`RowFacts` is the part derived from outside lists (fame) and the
file they are saved in.

A query's candidates run to thousands; what the score needs of each beyond its name — is it a famous mark
(Art. 21(1)(b)/(c)), how much its status still counts — is looked up here by row number in one numpy gather, not
by building a :class:`~similarity.values.Mark` from the metadata per candidate. The fame of a row depends on the
famous-marks list it was computed with, so the file records that list's digest, and a loaded index whose list
differs from the installed one (or an older index without the file) recomputes it from the stored names::

    >>> facts = RowFacts()
    >>> facts.extend(["Indomie", "Kopi Senja", "TEH BOTOL SOSRO"])
    >>> facts.famous_at(np.array([2, 1, 0])).tolist()
    [True, False, True]
    >>> status_weights(np.array([0, 2, 3], dtype=np.int8)).tolist()
    [1.0, 0.30000001192092896, 0.20000000298023224]
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..classes import class_mask
from ..famous import FAMOUS_MARKS_PATH, famous_key, famous_marks
from ..image.hash import CODE_BYTES, CODE_PARTS, PART_BYTES
from ..text.encode import NameCode
from ..values import STATUSES, Mark
from ..verdict.status import STATUS_WEIGHT
from .columns import StringColumn
from .files import IndexFormatError
from .metadata import Metadata

STATUS_CODES = {status: code for code, status in enumerate(STATUSES)}
"""How an index stores a mark's status (one int8 per row: its position in :data:`~similarity.values.STATUSES`)."""
STATUS_NAMES = dict(enumerate(STATUSES))
_STATUS_WEIGHT_BY_CODE = np.array([STATUS_WEIGHT[STATUS_NAMES[i]] for i in range(len(STATUS_NAMES))], dtype=np.float32)
_ALNUM = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789")
_DROP_NON_ALNUM = bytes(c for c in range(256) if c not in _ALNUM)


def status_weights(codes: np.ndarray) -> np.ndarray:
    """``STATUS_WEIGHT`` of each stored status code, as float32 (the same values as looking up the status names)."""
    return _STATUS_WEIGHT_BY_CODE[np.asarray(codes, dtype=np.intp)]


@lru_cache(maxsize=1)
def famous_list_digest() -> str:
    """Short SHA-256 of the installed famous-marks list (a stored fame array is valid for this list only)."""
    return hashlib.sha256(FAMOUS_MARKS_PATH.read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=1)
def _famous_keys() -> frozenset[str]:
    return frozenset(famous_key(m.name) for m in famous_marks())


def famous_flags(names: Iterable[str]) -> np.ndarray:
    """Whether each name is a famous mark (:func:`~similarity.famous.is_famous` is not None), as a bool array.

    An ASCII name's key is its lower case with everything but letters and digits dropped, done on bytes (about a
    tenth of :func:`~similarity.famous.famous_key`'s cost, which a million-name build would feel); any other name
    takes the full key (accents folded).

    >>> famous_flags(["KOPI-KAPAL API", "Hermès", "Kopi Senja", ""]).tolist()
    [True, True, False, False]
    """
    keys = _famous_keys()
    flags = []
    for name in names:
        key = name.lower().encode("ascii").translate(None, _DROP_NON_ALNUM).decode() if name.isascii() else (
            famous_key(name)
        )
        flags.append(key in keys)
    return np.asarray(flags, dtype=bool)


class RowFacts:
    """The per-row facts of an index, by row number (rows of removed marks keep theirs: rows are never reused).

    >>> facts = RowFacts(); facts.extend(["Aqua"]); len(facts)
    1
    """

    def __init__(self) -> None:
        self.famous = np.zeros(0, dtype=bool)
        self.arrays: dict[str, np.ndarray] = {}
        """Other per-row arrays the index keeps beside the fame (saved by `write`, so that loading an index reads
        them instead of deriving them from the metadata row by row); empty when not stored."""

    def __len__(self) -> int:
        return len(self.famous)

    def extend(self, names: Iterable[str]) -> None:
        """Add the facts of the next rows, given the marks' names in row order."""
        self.famous = np.concatenate([self.famous, famous_flags(names)])

    def famous_at(self, rows: np.ndarray) -> np.ndarray:
        """Whether each of `rows` is a famous mark (bool array)."""
        return self.famous[rows]

    def write(self, path: str | os.PathLike, arrays: dict[str, np.ndarray] | None = None) -> None:
        """Write the facts, and `arrays` (per-row arrays named by the caller), to exactly `path` (an ``.npz``; the
        caller renames it into place atomically)."""
        buffer = io.BytesIO()
        extra: dict[str, Any] = {f"array.{k}": v for k, v in (arrays or {}).items()}
        np.savez(buffer, famous=self.famous, famous_list=np.array(famous_list_digest()), **extra)
        with open(path, "wb") as f:
            f.write(buffer.getvalue())

    @classmethod
    def read(cls, path: str | os.PathLike | None, names: Iterable[str] | None, rows: int) -> RowFacts:
        """The facts of an index of `rows` rows from `path`; recomputed from `names` (every row's name, in order)
        when there is no file (an index saved before there were row facts), it does not cover every row, or its
        fame was computed with another famous-marks list than the installed one."""
        facts = cls()
        if path is not None:
            with np.load(path) as stored:
                facts.arrays = {k.removeprefix("array."): stored[k] for k in stored.files if k.startswith("array.")}
                if str(stored["famous_list"]) == famous_list_digest() and len(stored["famous"]) == rows:
                    facts.famous = stored["famous"].astype(bool, copy=False)
                    return facts
        if names is None:
            raise ValueError("the row facts must be recomputed — pass the names of every row")
        facts.famous = famous_flags(names)
        if len(facts) != rows:
            raise ValueError(f"{len(facts)} names for an index of {rows} rows — pass every row's name, in row order")
        return facts


_STATUS_NAME_ARRAY = np.array(STATUSES, dtype=object)


class RowTable:
    """The per-row arrays of an index, by internal row number (rows of removed marks stay, with ``alive`` False).

    Every candidate of a query is read here in numpy gathers: ``classes`` (Nice-class bitmasks,
    :func:`~similarity.classes.class_mask`), ``status`` (int8 codes, :data:`STATUS_CODES`), ``alive``, ``core_len``
    and ``concept_len`` (lengths of the encoded core and concept), ``logo_codes`` / ``logo_len`` (the 24-byte logo
    code, or a prefix, and its length: 0 without a logo), the packed strings ``core``, ``compact`` and ``sound``
    (:class:`~similarity.store.columns.StringColumn`), ``concept`` (a list) and ``facts`` (fame).

    >>> from similarity.text.encode import encode_name
    >>> table = RowTable()
    >>> table.append([Mark(id="1", name="Indomie", classes=(30,))], [encode_name("Indomie")],
    ...              np.zeros((1, CODE_BYTES), dtype=np.uint8), np.zeros(1, dtype=np.int8))
    >>> len(table), table.statuses(np.array([0])), table.famous_at(np.array([0])).tolist()
    (1, ['registered'], [True])
    """

    FLAT = ("classes", "status", "alive", "core_len", "concept_len", "logo_len", "logo_codes")
    COLUMNS = ("core", "compact", "sound")
    _COLUMN_PARTS = ("packed", "other_rows", "other_strings")

    def __init__(self) -> None:
        self.core = StringColumn()
        self.compact = StringColumn()
        self.sound = StringColumn()
        self.concept: list[str] = []  # read for the few candidates that can share a concept: stays a list
        self.core_len = np.zeros(0, dtype=np.float32)  # len() of each core (float32, as the scorers compute it)
        self.concept_len = np.zeros(0, dtype=np.int16)  # len() of each concept string (to pick meaning neighbours)
        self.classes = np.zeros(0, dtype=np.int64)
        self.status = np.zeros(0, dtype=np.int8)
        self.alive = np.zeros(0, dtype=bool)
        self.logo_codes = np.zeros((0, CODE_BYTES), dtype=np.uint8)
        self.logo_len = np.zeros(0, dtype=np.int8)  # bytes of each row's logo code: 0 (no logo), 8, 16 or 24
        self.facts = RowFacts()

    def __len__(self) -> int:
        return len(self.alive)

    def append(self, marks: Sequence[Mark], codes: Sequence[NameCode], logo: np.ndarray, logo_len: np.ndarray) -> None:
        """Add the next rows: their marks, encoded names and logo codes (zero rows and length 0 where none)."""
        self.concept.extend(c.concept for c in codes)
        self.classes = np.concatenate([self.classes, [class_mask(m.classes) for m in marks]]).astype(np.int64)
        self.status = np.concatenate([self.status, [STATUS_CODES[m.status] for m in marks]]).astype(np.int8)
        self.facts.extend(m.name for m in marks)
        self.alive = np.concatenate([self.alive, np.ones(len(marks), dtype=bool)])
        self.core.extend(c.core for c in codes)
        self.compact.extend(c.compact for c in codes)
        self.sound.extend(c.sound for c in codes)
        self.core_len = np.concatenate([self.core_len, [len(c.core) for c in codes]]).astype(np.float32)
        self.concept_len = np.concatenate([self.concept_len, [len(c.concept) for c in codes]]).astype(np.int16)
        self.logo_codes = np.concatenate([self.logo_codes, logo])
        self.logo_len = np.concatenate([self.logo_len, logo_len])

    # ------------------------------------------------------------------ reads
    def statuses(self, rows: np.ndarray) -> list[str]:
        """Status names of ``rows``."""
        return _STATUS_NAME_ARRAY[self.status[rows]].tolist()

    def famous_at(self, rows: np.ndarray) -> np.ndarray:
        """Whether each of ``rows`` is a famous mark (:func:`~similarity.famous.is_famous`), as a bool array."""
        return self.facts.famous_at(rows)

    def name_strings(self, rows: np.ndarray) -> tuple[list[str | bytes], list[str | bytes], list[str | bytes]]:
        """(core, whole name without spaces, sound key) of ``rows``, as
        :func:`~similarity.text.score.score_strings` takes them (ASCII ones as ``bytes``, from the packed columns)."""
        return self.core.take(rows), self.compact.take(rows), self.sound.take(rows)

    def has_logo_part(self, rows: np.ndarray, part: str) -> np.ndarray:
        """Whether each of ``rows`` has a logo code with the hash ``part`` (one of ``CODE_PARTS``)."""
        return self.logo_len[rows] > CODE_PARTS.index(part) * PART_BYTES

    def logo_count(self) -> int:
        """How many marks alive have a logo."""
        return int(((self.logo_len > 0) & self.alive).sum())

    # ------------------------------------------------------------------ files
    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays saved beside the facts (flat arrays by name, the packed columns as ``name.part``)."""
        arrays = {k: getattr(self, k) for k in self.FLAT}
        for name in self.COLUMNS:
            arrays.update({f"{name}.{k}": v for k, v in getattr(self, name).to_arrays().items()})
        return arrays

    def write(self, path: str | os.PathLike) -> None:
        """Write the table to exactly ``path`` (an ``.npz``; the caller renames it into place atomically)."""
        self.facts.write(path, self.arrays())

    @classmethod
    def read(cls, path: Path | None, meta: Metadata) -> tuple[RowTable, list[str]]:
        """The table of the index whose metadata is ``meta`` (:class:`~similarity.store.metadata.Metadata`), from
        ``path`` where it holds every array for every row, else derived from the metadata row by row (an index
        saved before the arrays were); with the mark id of every row."""
        n = meta.count()
        table = cls()
        table.facts = RowFacts.read(path, meta.names(), n)
        stored = table.facts.arrays
        wanted = (*cls.FLAT, *(f"{c}.{k}" for c in cls.COLUMNS for k in cls._COLUMN_PARTS))
        complete = all(k in stored for k in wanted) and all(
            len(stored[k]) == n for k in (*cls.FLAT, *(f"{c}.packed" for c in cls.COLUMNS))
        )
        fields = ("row", "id", "concept") + (() if complete else (
            "core", "tokens", "sound", "classes", "status", "alive", "logo_hash"))
        rows = meta.columns(fields)
        if n and rows[-1][0] != n - 1:
            raise IndexFormatError("mark rows are not contiguous — the metadata database is corrupt; rebuild")
        table.concept = [r[2] for r in rows]
        if complete:  # saved with the row facts: read, not derived row by row (a load at 1M marks takes seconds less)
            for k in cls.FLAT:
                setattr(table, k, stored[k])
            for c in cls.COLUMNS:
                setattr(table, c, StringColumn.from_arrays({k: stored[f"{c}.{k}"] for k in cls._COLUMN_PARTS}))
        else:
            table._derive(rows)
        return table, [r[1] for r in rows]

    def _derive(self, rows: list[tuple]) -> None:
        """The arrays from the metadata rows (row, id, concept, core, tokens, sound, classes, status, alive,
        logo_hash)."""
        n = len(rows)
        self.core = StringColumn(r[3] for r in rows)
        self.core_len = np.fromiter((len(r[3]) for r in rows), dtype=np.float32, count=n)
        self.compact = StringColumn(r[4].replace(" ", "") for r in rows)
        self.sound = StringColumn(r[5] for r in rows)
        self.concept_len = np.fromiter(map(len, self.concept), dtype=np.int16, count=n)
        self.classes = np.fromiter(
            (class_mask(int(c) for c in r[6].split(";") if c) for r in rows), dtype=np.int64, count=n
        )
        self.status = np.fromiter((STATUS_CODES[r[7]] for r in rows), dtype=np.int8, count=n)
        self.alive = np.fromiter((bool(r[8]) for r in rows), dtype=bool, count=n)
        self.logo_len = np.zeros(n, dtype=np.int8)
        self.logo_codes = np.zeros((n, CODE_BYTES), dtype=np.uint8)
        for i, r in enumerate(rows):
            if r[9] is not None:  # 24 bytes, or 16 from a version-3 index, or 8 (a pHash alone)
                self.logo_codes[i, : len(r[9])] = np.frombuffer(r[9], dtype=np.uint8)
                self.logo_len[i] = len(r[9])
