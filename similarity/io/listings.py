"""Reading marketplace listings for a sweep: stable partitions of the input and the rows of one partition.

A listings file (CSV, TSV, JSONL or Parquet; or a folder of them) is cut into partitions by record — byte ranges of
a text file, row ranges of a Parquet file — so each Dask task reads only its own part, and a record that cannot be
read is quarantined with its line and reason while the rows after it are read on (the registry's reader,
:mod:`.registry`, shares its cells and formats: :mod:`.cells`)::

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "listings.csv"
    >>> _ = f.write_text("id,title" + chr(10) + "1,Kopi Kenangan susu" + chr(10) + "2," + chr(10), encoding="utf-8")
    >>> [part] = plan_partitions(f)
    >>> good, bad = read_partition(part)
    >>> good["title"].tolist(), [b["reason"] for b in bad]
    (['Kopi Kenangan susu'], ['title: empty'])
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .cells import FORMATS, cell_text, utf8_problem

LISTING_FORMATS = {suffix: FORMATS[suffix] for suffix in (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet", ".pq")}
"""The files a sweep reads: a folder is scanned, so a ``.txt`` note or a ``.json`` export beside the listings is
not taken for one (a registry file, named explicitly, may also be ``.txt`` or ``.json``)."""

COLUMNS = {
    "id": "id", "listing_id": "id", "product_id": "id", "title": "title", "name": "title", "judul": "title",
    "nama produk": "title", "product_name": "title", "description": "description", "deskripsi": "description",
    "shop": "shop", "shop_name": "shop", "toko": "shop", "seller": "shop",
    "image": "image", "gambar": "image", "image_path": "image",
    "category": "category", "kategori": "category", "category_breadcrumb": "category", "breadcrumb": "category",
}  # fmt: skip
"""Input header (lower case) → column the sweep reads; other columns are ignored."""

PARTITION_ROWS = 10_000
"""Listings per partition: memory per task is bounded by this, not by the input size."""

@dataclass(frozen=True)
class Partition:
    """Records ``[first, first + count)`` of one input file; ``offset`` (bytes) and ``line`` locate text
    files."""

    n: int
    file: str
    fmt: str
    first: int
    count: int
    offset: int = 0
    end: int = 0
    line: int = 1


def input_files(listings: str | os.PathLike) -> list[Path]:
    """The listing files: one file, or every supported file of a folder (sorted, so partitions are stable)."""
    path = Path(listings)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in LISTING_FORMATS)
    else:
        files = [path]
    if not files or not all(p.exists() for p in files):
        raise FileNotFoundError(
            f"no listings at {listings} — give a CSV, TSV, JSONL or Parquet file or a folder"
        )
    for p in files:
        if p.suffix.lower() not in LISTING_FORMATS:
            raise ValueError(f"{p.name}: unknown format — use one of {', '.join(sorted(LISTING_FORMATS))}")
    return files


def plan_partitions(listings: str | os.PathLike, partition_rows: int = PARTITION_ROWS) -> list[Partition]:
    """Stable partitions: files in sorted order, each cut into equal parts of at most ``partition_rows``
    records."""
    out: list[Partition] = []
    for path in input_files(listings):
        fmt = LISTING_FORMATS[path.suffix.lower()]
        if fmt == "parquet":
            import pyarrow.parquet as pq

            rows = pq.ParquetFile(path).metadata.num_rows
            for first, last in even_ranges(rows, partition_rows):
                out.append(Partition(len(out), str(path), fmt, first, last - first))
            continue
        starts = _record_starts(path, fmt)  # (byte offset, line) of every record after the header
        size = path.stat().st_size
        for first, last in even_ranges(len(starts), partition_rows):
            end = starts[last][0] if last < len(starts) else size
            out.append(
                Partition(
                    len(out), str(path), fmt, first, last - first, starts[first][0], end, starts[first][1]
                )
            )
    return out



def even_ranges(n: int, most: int) -> list[tuple[int, int]]:
    """``[first, last)`` ranges covering ``range(n)``: as few as hold at most ``most`` each, sizes differing by at
    most one. Cutting 36,186 listings every 4,000 left a 186-row tail, so one of two workers idled for the length
    of a partition at the end; equal parts finish together.

    >>> even_ranges(10, 4)
    [(0, 3), (3, 6), (6, 10)]
    >>> even_ranges(0, 4)
    []
    """
    parts = -(-n // max(1, most))
    return [(n * i // parts, n * (i + 1) // parts) for i in range(parts)]


def _record_starts(path: Path, fmt: str) -> list[tuple[int, int]]:
    """Byte offset and line number of each record; a CSV record runs on while its quotes are unbalanced."""
    starts: list[tuple[int, int]] = []
    offset, line, open_quote, at_start = 0, 0, False, True
    with open(path, "rb") as f:
        for raw in f:
            line += 1
            if line == 1 and fmt != "jsonl":
                offset += len(raw)
                continue
            if at_start and raw.strip():
                starts.append((offset, line))
                at_start = False
            if fmt != "jsonl":
                open_quote ^= raw.count(b'"') % 2 == 1
            if not open_quote and not at_start:
                at_start = True
            offset += len(raw)
    return starts



def read_partition(part: Partition) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """(good rows with columns row,id,title,description,shop,image,category; quarantined rows with file, line,
    reason)."""
    good: list[dict[str, Any]] = []
    bad: list[dict[str, Any]] = []
    name = Path(part.file).name
    if part.fmt == "parquet":
        records = _parquet_records(part)
    elif part.fmt == "jsonl":
        records = _jsonl_records(part)
    else:
        records = _csv_records(part)
    for row, line, rec, problem in records:
        if problem is None:
            problem = _check(rec)
        if problem is not None:
            raw = rec if isinstance(rec, str) else json.dumps(rec, ensure_ascii=False, default=str)
            bad.append({"file": name, "line": line, "reason": problem, "raw": _safe(raw)[:500]})
            continue
        good.append(
            {
                "row": row,
                "line": line,
                **{k: cell_text(rec.get(k)) for k in ("id", "title", "description", "shop", "image", "category")},
            }
        )
    cols = ["row", "line", "id", "title", "description", "shop", "image", "category"]
    return pd.DataFrame(good, columns=cols), bad


def _check(rec: dict[str, Any]) -> str | None:
    for key in ("id", "title", "shop", "description", "category"):
        value = rec.get(key)
        problem = utf8_problem(value) if isinstance(value, str) else None
        if problem is not None:
            return f"{key}: {problem}"
    if not cell_text(rec.get("id")):
        return "id: empty — every listing needs an id"
    if not cell_text(rec.get("title")):
        return "title: empty"
    return None


def _safe(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


def _columns(header: list[str]) -> dict[int, str]:
    return {i: COLUMNS[h.strip().lower()] for i, h in enumerate(header) if h.strip().lower() in COLUMNS}


def _csv_records(part: Partition):
    delimiter = "\t" if part.fmt == "tsv" else ","
    with open(part.file, "rb") as f:
        header = next(
            csv.reader([f.readline().decode("utf-8", "replace").lstrip("\ufeff")], delimiter=delimiter)
        )
        f.seek(part.offset)
        data = f.read(part.end - part.offset).decode("utf-8", "surrogateescape")
    cols = _columns(header)
    if "title" not in cols.values() or "id" not in cols.values():
        raise ValueError(
            f"{part.file}: the header needs id and title columns (or name, shop_name …); got {header}"
        )
    reader = csv.reader(io.StringIO(data, newline=""), delimiter=delimiter)
    row, line = part.first, part.line
    while True:
        before = reader.line_num
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as e:  # quarantine this record and read on: the rows after it are not lost
            yield row, line, "", f"unreadable CSV record: {e}"
            line += reader.line_num - before
            row += 1
            continue
        this_line = line
        line += reader.line_num - before
        if not fields or not any(x.strip() for x in fields):
            continue
        if len(fields) != len(header):
            yield row, this_line, delimiter.join(fields), f"expected {len(header)} fields, got {len(fields)}"
        else:
            yield row, this_line, {c: fields[i] for i, c in cols.items()}, None
        row += 1


def _jsonl_records(part: Partition):
    with open(part.file, "rb") as f:
        f.seek(part.offset)
        data = f.read(part.end - part.offset)
    row, line = part.first, part.line
    for raw in data.split(b"\n"):
        if raw.strip():
            text = raw.decode("utf-8", "surrogateescape")
            try:
                obj = json.loads(text)
                if not isinstance(obj, dict):
                    raise ValueError("not a JSON object")
                rec = {COLUMNS[k.strip().lower()]: v for k, v in obj.items() if k.strip().lower() in COLUMNS}
                yield row, line, rec, None
            except ValueError as e:
                yield row, line, text, f"not valid JSON: {str(e)[:80]}"
            row += 1
        line += 1


def _parquet_records(part: Partition):
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(part.file)
    cols = {
        name: COLUMNS[name.strip().lower()]
        for name in pf.schema_arrow.names
        if name.strip().lower() in COLUMNS
    }
    seen, row = 0, part.first
    for g in range(pf.num_row_groups):
        n = pf.metadata.row_group(g).num_rows
        if seen + n > part.first and seen < part.first + part.count:
            table = pf.read_row_group(g, columns=list(cols))
            lo, hi = max(part.first - seen, 0), min(part.first + part.count - seen, n)
            for rec in table.slice(lo, hi - lo).to_pylist():
                yield row, row + 1, {cols[k]: v for k, v in rec.items()}, None
                row += 1
        seen += n
