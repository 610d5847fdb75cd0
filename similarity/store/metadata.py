"""The metadata of an index: one SQLite table of marks with their encoded names, read and written by column name.

What a result shows of a mark (owner, number, dates, logo reference) and its encoded name live here, one row per
internal row number; the arrays the search and the score read for every candidate live in :mod:`.rows`. Rows are
never reused: a removed mark keeps its row with ``alive = 0``::

    >>> from similarity.text.encode import encode_name
    >>> from similarity.values import Mark
    >>> meta = Metadata()
    >>> meta.insert([(0, Mark(id="A1", name="Kopi Kenangan", classes=(30, 43)), encode_name("Kopi Kenangan"), None)])
    >>> meta.marks_at([0])[0].classes, meta.codes_at([0])[0].core
    ((30, 43), 'kenangan')
    >>> meta.core_tokens(0)  # KOPI is a generic word: not part of the core
    ('kenangan',)
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from ..text.encode import NameCode
from ..values import Mark

MARK_COLUMNS: tuple[str, ...] = (
    "row", "id", "name", "owner", "classes", "status", "number", "filed", "registered", "logo", "logo_hash",
    "tokens", "core", "sound", "concept", "concept_tokens", "sound_tokens", "core_tokens", "alive",
)
"""The columns of the ``marks`` table, in the order of the schema (a stored index keeps this order)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS marks (
  row INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL, owner TEXT, classes TEXT,
  status TEXT NOT NULL, number TEXT, filed TEXT, registered TEXT, logo TEXT, logo_hash BLOB,
  tokens TEXT NOT NULL, core TEXT NOT NULL, sound TEXT NOT NULL, concept TEXT NOT NULL,
  concept_tokens TEXT NOT NULL, sound_tokens TEXT NOT NULL, core_tokens TEXT NOT NULL, alive INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS token_df (word TEXT NOT NULL, class INTEGER NOT NULL, df INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT);
"""

_MARK_FIELDS = ("row", "id", "name", "owner", "classes", "status", "number", "filed", "registered", "logo")
_CODE_FIELDS = ("row", "tokens", "core", "sound", "concept", "concept_tokens", "sound_tokens", "core_tokens")
_INSERT = f"INSERT INTO marks ({','.join(MARK_COLUMNS)}) VALUES ({','.join('?' * len(MARK_COLUMNS))})"


def parse_classes_cell(cell: str | None) -> tuple[int, ...]:
    """The classes a ``classes`` cell holds (``"30;43"``)."""
    return tuple(int(c) for c in cell.split(";") if c) if cell else ()


class Metadata:
    """The SQLite side of an index, in memory while the index is open (loaded from and saved to one file).

    >>> meta = Metadata(); meta.count()
    0
    """

    def __init__(self, db: sqlite3.Connection | None = None) -> None:
        self.db = db or sqlite3.connect(":memory:", check_same_thread=False)
        self.db.executescript(SCHEMA)

    # ------------------------------------------------------------------ rows
    def insert(self, items: Iterable[tuple[int, Mark, NameCode, np.ndarray | None]]) -> None:
        """Add (row, mark, encoded name, logo code or None) tuples as alive rows."""
        self.db.executemany(
            _INSERT,
            [
                (
                    row, mark.id, mark.name, mark.owner, ";".join(map(str, mark.classes)), mark.status, mark.number,
                    mark.filed, mark.registered, mark.logo,
                    None if logo is None else bytes(logo),  # 24 bytes, or a prefix of them (CODE_PARTS)
                    " ".join(code.tokens), code.core, code.sound, code.concept, " ".join(code.concept_tokens),
                    " ".join(code.sound_tokens), " ".join(code.core_tokens), 1,
                )
                for row, mark, code, logo in items
            ],
        )

    def set_dead(self, rows: Iterable[int]) -> None:
        """Mark rows as removed (their row numbers are never reused)."""
        self.db.executemany("UPDATE marks SET alive=0 WHERE row=?", [(int(r),) for r in rows])

    def count(self) -> int:
        """Rows stored, removed ones included."""
        return self.db.execute("SELECT count(*) FROM marks").fetchone()[0]

    def _by_row(self, fields: Sequence[str], rows: Sequence[int] | np.ndarray) -> dict[int, sqlite3.Row | tuple]:
        ph = ",".join("?" * len(rows))
        cur = self.db.execute(f"SELECT {','.join(fields)} FROM marks WHERE row IN ({ph})", [int(r) for r in rows])
        return {r[0]: r for r in cur}

    def marks_at(self, rows: Sequence[int] | np.ndarray) -> list[Mark]:
        """The marks of internal rows, in the given order."""
        if not len(rows):
            return []
        by_row = {
            r: Mark(id=i, name=n, owner=o or "", classes=parse_classes_cell(c), status=s, number=num or "",
                    filed=f, registered=reg, logo=logo)
            for r, (_, i, n, o, c, s, num, f, reg, logo) in self._by_row(_MARK_FIELDS, rows).items()
        }
        return [by_row[int(r)] for r in rows]

    def codes_at(self, rows: Sequence[int] | np.ndarray) -> list[NameCode]:
        """The encoded names of internal rows, in the given order."""
        if not len(rows):
            return []
        by_row = {}
        for r, (_, tokens, core, sound, concept, concept_tokens, sound_tokens, core_tokens) in self._by_row(
            _CODE_FIELDS, rows
        ).items():
            words = tuple(tokens.split())
            by_row[r] = NameCode(tokens=words, compact="".join(words), core=core, sound=sound, concept=concept,
                                 core_tokens=tuple(core_tokens.split()), concept_tokens=tuple(concept_tokens.split()),
                                 sound_tokens=tuple(sound_tokens.split()))
        return [by_row[int(r)] for r in rows]

    def core_tokens(self, row: int) -> tuple[str, ...]:
        """The core words of one row (one column, not a whole :class:`NameCode`: the scorers ask for a few)."""
        return tuple(self.db.execute("SELECT core_tokens FROM marks WHERE row = ?", (int(row),)).fetchone()[0].split())

    def alive_rows(self) -> Iterator[int]:
        """Row numbers of the marks alive, in order."""
        return (r[0] for r in self.db.execute("SELECT row FROM marks WHERE alive=1 ORDER BY row"))

    def names(self) -> Iterator[str]:
        """Every row's name, in row order (removed rows included)."""
        return (r[0] for r in self.db.execute("SELECT name FROM marks ORDER BY row"))

    def columns(self, fields: Sequence[str]) -> list[tuple]:
        """The given columns (names from :data:`MARK_COLUMNS`) of every row, in row order."""
        unknown = set(fields) - set(MARK_COLUMNS)
        if unknown:
            raise ValueError(f"no such column: {', '.join(sorted(unknown))}")
        return self.db.execute(f"SELECT {','.join(fields)} FROM marks ORDER BY row").fetchall()

    # ------------------------------------------------------------------ word statistics and info
    def write_stats(self, df_rows: Iterable[tuple[str, int, int]], class_marks: dict[int, int], n_marks: int) -> None:
        """Replace the stored word statistics (:class:`~similarity.text.weights.TokenStats`) and commit."""
        self.db.execute("DELETE FROM token_df")
        self.db.executemany("INSERT INTO token_df VALUES (?,?,?)", df_rows)
        self.db.execute("DELETE FROM info")
        self.db.executemany(
            "INSERT INTO info VALUES (?,?)", [("class_marks", json.dumps(dict(class_marks))), ("n_marks", str(n_marks))]
        )
        self.db.commit()

    def read_stats(self) -> tuple[Iterable[tuple[str, int, int]], int, dict[int, int]]:
        """(token_df rows, marks counted, marks per class) as :meth:`TokenStats.from_rows` takes them."""
        info = dict(self.db.execute("SELECT key, value FROM info"))
        class_marks = {int(k): v for k, v in json.loads(info.get("class_marks", "{}")).items()}
        return self.db.execute("SELECT word, class, df FROM token_df"), int(info.get("n_marks", 0)), class_marks

    # ------------------------------------------------------------------ files
    def write(self, path: Path) -> None:
        """Write the database to exactly ``path`` (the caller renames it into place atomically)."""
        path.unlink(missing_ok=True)
        disk = sqlite3.connect(path)
        try:
            self.db.backup(disk)
            disk.execute("PRAGMA journal_mode=DELETE")
        finally:
            disk.close()

    @classmethod
    def read(cls, path: Path) -> Metadata:
        """The database in ``path``, copied into memory (the file is opened read-only)."""
        db = sqlite3.connect(":memory:", check_same_thread=False)
        disk = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            disk.backup(db)
        finally:
            disk.close()
        return cls(db)
