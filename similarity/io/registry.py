"""Reading a registry of marks from CSV, JSONL or Parquet, with every bad row reported and nothing dropped silently.

Canonical columns are ``id,name,owner,classes,status,logo`` (plus optional ``number,filed,registered``).
DJKI-style Indonesian headers are mapped through :data:`COLUMN_ALIASES` (``nomor permohonan`` → id,
``nama merek`` → name, ``kelas`` → classes, ``pemilik`` → owner …); pass ``mapping={"my header": "name"}`` for
anything else::

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> rows = "nomor permohonan,nama merek,kelas,status", "D002023000001,Kopi Kita,30;43,Didaftar", ",Bad,30,x"
    >>> _ = p.write_text("\\n".join(rows) + "\\n")
    >>> report = read_registry(p)
    >>> [m.name for m in report.marks], [(e.line, e.field) for e in report.errors]
    (['Kopi Kita'], [(3, 'id')])
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..classes import UnknownClassError, parse_classes
from ..text.normalize import InvalidNameError, normalize
from ..values import Mark
from ..verdict.status import parse_status
from .cells import FORMATS, cell_text, utf8_problem
from .csv_records import LineTape, csv_rows

CANONICAL = ("id", "name", "owner", "classes", "status", "logo", "number", "filed", "registered", "logo_hash")
COLUMN_ALIASES: Mapping[str, str] = {
    # canonical and English variants
    **{c: c for c in CANONICAL},
    "mark": "name", "mark name": "name", "brand": "name", "trademark": "name",
    "application number": "id", "application no": "id", "class": "classes", "nice classes": "classes",
    "nice class": "classes", "registration number": "number", "filing date": "filed",
    "registration date": "registered", "image": "logo",
    # DJKI (PDKI) exports
    "nomor permohonan": "id", "no permohonan": "id", "no. permohonan": "id",
    "nama merek": "name", "merek": "name", "nama merk": "name",
    "kelas": "classes", "kelas barang/jasa": "classes",
    "pemilik": "owner", "nama pemilik": "owner", "pemohon": "owner", "nama pemohon": "owner",
    "status merek": "status", "status permohonan": "status",
    "nomor pendaftaran": "number", "no pendaftaran": "number", "no. pendaftaran": "number",
    "tanggal penerimaan": "filed", "tanggal permohonan": "filed", "tanggal pengajuan": "filed",
    "tanggal pendaftaran": "registered", "etiket": "logo", "gambar": "logo", "logo merek": "logo",
}  # fmt: skip
"""Header (lower case, spaces collapsed) → canonical column. The DJKI words are those of PDKI search exports."""

MAX_FIELD_CHARS = 10_000


@dataclass(frozen=True)
class RowError:
    """One row that could not be imported: where, which field, and why."""

    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.reason}" if self.line > 0 else f"{self.field}: {self.reason}"


@dataclass(frozen=True)
class ImportReport:
    """The marks read from a registry file and every row that was skipped, with its line number.

    >>> ImportReport(path="r.csv", rows=2, marks=(), errors=(RowError(2, "name", "empty"),)).summary()
    'r.csv: 2 rows read, 0 marks imported, 1 rows skipped'
    """

    path: str
    rows: int
    marks: tuple[Mark, ...]
    errors: tuple[RowError, ...] = ()
    logo_hashes: dict[str, str] = field(default_factory=dict)
    """Precomputed logo codes by mark id, from a ``logo_hash`` column: 48 hex digits (pHash, shape code and dHash,
    as :func:`~similarity.image.hash.encode_logo` gives them), 32 (pHash and shape code, from an earlier version) or 16
    (a pHash alone, imagehash's ``str()``)."""
    warnings: tuple[RowError, ...] = ()
    """Rows that were imported all the same, with a problem (a logo that cannot be read: the mark is indexed by its
    name alone). Not counted as skipped."""

    def summary(self) -> str:
        text = f"{self.path}: {self.rows} rows read, {len(self.marks)} marks imported, {len(self.errors)} rows skipped"
        if self.warnings:
            text += f", {len(self.warnings)} logos unreadable (those marks are indexed by name)"
        return text


class RegistryError(ValueError):
    """The file as a whole cannot be read as a registry (unknown format, no name column …)."""


def _canonical_header(header: str, mapping: Mapping[str, str] | None) -> str | None:
    key = re.sub(r"\s+", " ", header.replace("\ufeff", "").strip().lower())
    if mapping and header in mapping:
        return mapping[header]
    if mapping and key in mapping:
        return mapping[key]
    return COLUMN_ALIASES.get(key)


def _rows_csv(path: Path, delimiter: str | None) -> Iterator[tuple[int, dict[str, Any] | str]]:
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
        sample = f.read(8192)
        f.seek(0)
        if delimiter is None:
            delimiter = (
                "\t" if path.suffix.lower() == ".tsv" else (";" if sample.count(";") > sample.count(",") else ",")
            )
        tape = LineTape(f)
        reader = csv.reader(tape, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        yield 1, {"__header__": header}
        for line, row, error in csv_rows(reader, tape, len(header)):
            if error is not None:
                yield line, error
                continue
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != len(header):
                yield (
                    line,
                    f"{len(row)} fields where the header has {len(header)} — check quoting and delimiters",
                )
                continue
            yield line, dict(zip(header, row, strict=True))


def _rows_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    with open(path, "rb") as f:
        for line_no, raw in enumerate(f, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as e:
                yield line_no, f"not valid UTF-8 at byte {e.start} — re-save the file as UTF-8"
                continue
            except json.JSONDecodeError as e:
                yield line_no, f"not valid JSON ({e.msg} at column {e.colno})"
                continue
            if not isinstance(obj, dict):
                yield line_no, "each line must be a JSON object"
                continue
            yield line_no, obj


def _rows_parquet(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    try:
        import pyarrow.parquet as pq
    except ImportError as e:  # pragma: no cover - depends on extras
        raise RegistryError("reading Parquet needs pyarrow — pip install 'brand-similarity[parquet]'") from e
    table = pq.read_table(path)
    yield from enumerate(table.to_pylist(), start=1)


def _format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise RegistryError(
            f"{path}: unknown registry format {path.suffix.lower()!r} — use .csv, .tsv, .jsonl or .parquet"
        )
    return "csv" if fmt == "tsv" else fmt  # the CSV reader takes the tab from the suffix


def _check_utf8(value: str) -> None:
    problem = utf8_problem(value)
    if problem is not None:
        raise ValueError(problem)


def _mark_from_row(row: Mapping[str, str], base: Path) -> Mark:
    """Build a Mark from canonical fields; raises (field, message) through _FieldError."""
    for k, v in row.items():
        try:
            _check_utf8(v)
        except ValueError as e:
            raise _FieldError(k, str(e)) from None
        if len(v) > MAX_FIELD_CHARS:
            raise _FieldError(k, f"{len(v):,} characters — longer than {MAX_FIELD_CHARS:,}; is the file malformed?")
    mark_id = row.get("id", "")
    if not mark_id:
        raise _FieldError("id", "empty — every mark needs an id (e.g. the DJKI application number)")
    name = row.get("name", "")
    try:
        normalize(name)
    except InvalidNameError as e:
        raise _FieldError("name", str(e)) from None
    try:
        classes = parse_classes(row.get("classes") or None)
    except UnknownClassError as e:
        raise _FieldError("classes", str(e)) from None
    status_text = row.get("status", "")
    try:
        status = parse_status(status_text) if status_text else "registered"
    except ValueError as e:
        raise _FieldError("status", str(e)) from None
    logo_hash = row.get("logo_hash", "")
    if logo_hash and not re.fullmatch(r"(?:[0-9a-fA-F]{16}){1,3}", logo_hash):
        raise _FieldError(
            "logo_hash",
            f"{logo_hash!r} is not a logo code in hex (48 hex digits from encode_logo, or a 16-digit pHash)",
        )
    logo = row.get("logo") or None
    if logo and not logo.startswith("simple-icons:") and not os.path.isabs(logo):
        logo = str((base / logo).resolve())
    return Mark(
        id=mark_id,
        name=name,
        owner=row.get("owner", ""),
        classes=classes,
        status=status,
        number=row.get("number", ""),
        filed=row.get("filed") or None,
        registered=row.get("registered") or None,
        logo=logo,
    )


class _FieldError(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.reason = field, reason


def iter_registry(
    path: str | os.PathLike,
    *,
    mapping: Mapping[str, str] | None = None,
    delimiter: str | None = None,
    logo_hashes: dict[str, str] | None = None,
) -> Iterator[Mark | RowError]:
    """Yield a :class:`Mark` or a :class:`RowError` per data row, in file order.

    Precomputed ``logo_hash`` values are collected into ``logo_hashes`` when a dict is passed.
    """
    path = Path(path)
    if not path.exists():
        raise RegistryError(f"{path} does not exist")
    fmt = _format(path)
    source: Iterable[tuple[int, dict[str, Any] | str]]
    source = {
        "csv": lambda: _rows_csv(path, delimiter),
        "jsonl": lambda: _rows_jsonl(path),
        "parquet": lambda: _rows_parquet(path),
    }[fmt]()
    columns: dict[str, str] | None = None
    seen: dict[str, int] = {}
    for line, row in source:
        if isinstance(row, dict) and "__header__" in row:
            columns = _columns(row["__header__"], mapping, path)
            continue
        if isinstance(row, str):
            yield RowError(line, "row", row)
            continue
        if columns is None:
            columns = _columns(list(row), mapping, path)
        canon = {columns[k]: cell_text(v) for k, v in row.items() if k in columns}
        try:
            mark = _mark_from_row(canon, path.parent)
        except _FieldError as e:
            yield RowError(line, e.field, e.reason)
            continue
        if mark.id in seen:
            yield RowError(line, "id", f"duplicate id {mark.id!r} (first on line {seen[mark.id]}) — ids must be unique")
            continue
        seen[mark.id] = line
        if logo_hashes is not None and canon.get("logo_hash"):
            logo_hashes[mark.id] = canon["logo_hash"].lower()
        yield mark


def _columns(header: Iterable[str], mapping: Mapping[str, str] | None, path: Path) -> dict[str, str]:
    cols: dict[str, str] = {}
    for h in header:
        canon = _canonical_header(str(h), mapping)
        if canon in CANONICAL and canon not in cols.values():
            cols[str(h)] = canon
    missing = [c for c in ("id", "name") if c not in cols.values()]
    if missing:
        raise RegistryError(
            f"{path}: no {' or '.join(missing)} column among {list(header)} — name them id,name,... or pass a "
            "mapping such as --map 'Nama Merek=name'"
        )
    return cols


def read_registry(
    path: str | os.PathLike, *, mapping: Mapping[str, str] | None = None, delimiter: str | None = None
) -> ImportReport:
    """Read a whole registry file into an :class:`ImportReport`."""
    marks: list[Mark] = []
    errors: list[RowError] = []
    hashes: dict[str, str] = {}
    for item in iter_registry(path, mapping=mapping, delimiter=delimiter, logo_hashes=hashes):
        if isinstance(item, Mark):
            marks.append(item)
        else:
            errors.append(item)
    return ImportReport(
        path=str(path), rows=len(marks) + len(errors), marks=tuple(marks), errors=tuple(errors), logo_hashes=hashes
    )


def write_registry_csv(marks: Iterable[Mark], out: io.TextIOBase | str | os.PathLike) -> None:
    """Write marks in the canonical CSV form (the inverse of :func:`read_registry`)."""
    own = not isinstance(out, io.TextIOBase) and not hasattr(out, "write")
    f: Any = open(out, "w", encoding="utf-8", newline="") if own else out  # type: ignore[arg-type]  # noqa: SIM115
    try:
        w = csv.writer(f)
        w.writerow(CANONICAL)
        for m in marks:
            w.writerow(
                [
                    m.id,
                    m.name,
                    m.owner,
                    ";".join(map(str, m.classes)),
                    m.status,
                    m.logo or "",
                    m.number,
                    m.filed or "",
                    m.registered or "",
                    "",
                ]
            )
    finally:
        if own:
            f.close()
