"""The sweep job: deterministic partitions of the input, one Dask task each, checkpoints, quarantine, resume.

A run lives in ``<out>/<run-id>/``. ``plan.json`` fixes the partitions (file + record range) when the run
starts; pass 1 counts the titles' words (``vocab/<n>.pkl`` → ``vocabulary.json``), pass 2 writes each
partition's flagged rows to ``parts/<n>.parquet`` (temp file, fsync, rename: that rename is the partition's
commit) and its unreadable rows to ``parts/<n>.quarantine.parquet`` just before. A rerun with the same run id
skips committed partitions, so a crash or ``kill -9`` loses at most the partitions in flight, and the final
files, assembled from the parts in partition order and deduplicated by (listing id, mark id), equal those of
an uninterrupted run.

Each worker process builds its :class:`~similarity.sweep.mentions.MentionMatcher` once (a global keyed by
index path, generation and vocabulary digest); tasks carry only the partition's address, never the index.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import json
import os
import pickle
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..candidates.logos import logo_candidates
from ..score.logo_hashes import logo_evidence
from ..store.files import write_atomic
from ..values import Reason
from ..verdict.status import STATUS_WEIGHT
from .mentions import Mention, MentionMatcher, TitleVocabulary, owner_key

FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
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
MAX_DESCRIPTION_CHARS = 2_000
FLAG_COLUMNS = [
    "listing_id", "shop", "title", "field", "span", "mark_id", "mark_name", "registration_number",
    "mark_owner", "mark_classes", "mark_status", "listing_classes", "goods", "score", "sight", "sound", "meaning",
    "logo", "via",
    "reasons_id", "reasons_en", "image", "partition", "row",
]  # fmt: skip
QUARANTINE_COLUMNS = ["file", "line", "reason", "raw"]


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
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS)
    else:
        files = [path]
    if not files or not all(p.exists() for p in files):
        raise FileNotFoundError(
            f"no listings at {listings} — give a CSV, TSV, JSONL or Parquet file or a folder"
        )
    for p in files:
        if p.suffix.lower() not in FORMATS:
            raise ValueError(f"{p.name}: unknown format — use one of {', '.join(sorted(FORMATS))}")
    return files


def plan_partitions(listings: str | os.PathLike, partition_rows: int = PARTITION_ROWS) -> list[Partition]:
    """Stable partitions: files in sorted order, each cut into equal parts of at most ``partition_rows``
    records."""
    out: list[Partition] = []
    for path in input_files(listings):
        fmt = FORMATS[path.suffix.lower()]
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
                **{k: _text(rec.get(k)) for k in ("id", "title", "description", "shop", "image", "category")},
            }
        )
    cols = ["row", "line", "id", "title", "description", "shop", "image", "category"]
    return pd.DataFrame(good, columns=cols), bad


def _check(rec: dict[str, Any]) -> str | None:
    for key in ("id", "title", "shop", "description", "category"):
        value = rec.get(key)
        if isinstance(value, str):
            try:
                value.encode("utf-8")  # undecodable bytes were kept as lone surrogates (surrogateescape)
            except UnicodeEncodeError:
                return f"{key}: not valid UTF-8 — re-save the file as UTF-8"
    if not _text(rec.get("id")):
        return "id: empty — every listing needs an id"
    if not _text(rec.get("title")):
        return "title: empty"
    return None


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


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


# ---------------------------------------------------------------------------------------------- worker side
_MATCHERS: dict[tuple[str, int, str], MentionMatcher] = {}


def worker_matcher(
    index_path: str | None, vocabulary_file: str | None, threshold: float | None
) -> MentionMatcher:
    """This process's matcher for (index path, generation, vocabulary): built on first use, then reused."""
    from ..build import open_index
    from ..store.files import read_manifest

    index_dir = index_path
    if index_dir is None:
        from ..build import demo_index_path

        open_index(None)  # builds the demo index into the cache on first use
        index_dir = str(demo_index_path())
    generation = read_manifest(Path(index_dir))["generation"]
    key = (str(index_dir), int(generation), f"{vocabulary_file}:{threshold}")
    if key not in _MATCHERS:
        vocab = load_vocabulary(vocabulary_file) if vocabulary_file else None
        _MATCHERS.clear()
        _MATCHERS[key] = MentionMatcher(threshold, vocab).fit(open_index(index_dir))
        # the matcher's million small objects live as long as the process: out of the collector's sight, full
        # collections during the tasks and at the worker's exit no longer walk them
        gc.freeze()
    return _MATCHERS[key]


def count_partition(part: Partition, out_file: str) -> int:
    """Pass 1: word counts of one partition's titles, written atomically to ``out_file``."""
    if os.path.exists(out_file):
        return 0
    df, _ = read_partition(part)
    vocab = TitleVocabulary()
    vocab.add(df["title"].tolist(), df["shop"].tolist())
    write_atomic(Path(out_file), lambda p: p.write_bytes(pickle.dumps(vocab, protocol=5)))
    return len(df)


def sweep_partition(part: Partition, run_dir: str, index_path: str | None, threshold: float | None) -> dict:
    """Pass 2: flag one partition and commit ``parts/<n>.parquet``; a committed partition is skipped."""
    started = time.perf_counter()
    parts = Path(run_dir) / "parts"
    done = parts / f"{part.n}.parquet"
    if done.exists():
        return {"n": part.n, "skipped": True}
    if os.environ.get("SIMILARITY_SWEEP_SLOW"):  # crash tests: seconds per partition, so a kill lands mid-run
        time.sleep(float(os.environ["SIMILARITY_SWEEP_SLOW"]))
    vocab_file = Path(run_dir) / "vocabulary.json"
    matcher = worker_matcher(index_path, str(vocab_file) if vocab_file.exists() else None, threshold)
    df, bad = read_partition(part)
    flagged = flag_frame(df, matcher, part.n)
    write_atomic(
        parts / f"{part.n}.quarantine.parquet",
        lambda p: pd.DataFrame(bad, columns=QUARANTINE_COLUMNS).to_parquet(p, index=False),
    )
    write_atomic(done, lambda p: flagged.to_parquet(p, index=False))
    return {
        "n": part.n,
        "rows": len(df),
        "quarantined": len(bad),
        "flagged": len(flagged),
        "seconds": round(time.perf_counter() - started, 3),
        "peak_rss_mb": _peak_rss_mb(),
        "pid": os.getpid(),
    }


def flag_frame(df: pd.DataFrame, matcher: MentionMatcher, partition: int = 0) -> pd.DataFrame:
    """Flagged rows (FLAG_COLUMNS) for a frame with id, title and optional description, shop, image, category
    columns (a category names the goods sold: :mod:`similarity.sweep.category`)."""
    shops = df["shop"].tolist() if "shop" in df else None
    categories = [c if isinstance(c, str) else "" for c in df["category"]] if "category" in df else None
    found: list[tuple[int, str, Mention]] = [
        (m.listing, "title", m) for m in matcher.find(df["title"].tolist(), shops, categories)
    ]
    if "description" in df and df["description"].astype(bool).any():
        desc = [str(d)[:MAX_DESCRIPTION_CHARS] if isinstance(d, str) else "" for d in df["description"]]
        found += [(m.listing, "description", m) for m in matcher.find(desc, shops, categories)]
    if "image" in df:
        found += [(m.listing, "image", m) for m in find_logo_mentions(matcher, df["image"].tolist(), shops)]
    best: dict[tuple[int, str], tuple[int, str, Mention]] = {}
    order = {"title": 0, "image": 1, "description": 2}
    for item in found:
        key = (item[0], item[2].mark.id)
        if key not in best or (-item[2].score, order[item[1]]) < (-best[key][2].score, order[best[key][1]]):
            best[key] = item
    rows = []
    for pos, fld, m in sorted(best.values(), key=lambda x: (x[0], -x[2].score, x[2].mark.id)):
        rec = df.iloc[pos]
        rows.append(
            {
                "listing_id": str(rec["id"]),
                "shop": str(rec.get("shop", "") or ""),
                "title": str(rec["title"]),
                "field": fld,
                "span": m.span,
                "mark_id": m.mark.id,
                "mark_name": m.mark.name,
                "registration_number": m.mark.number,
                "mark_owner": m.mark.owner,
                "mark_classes": ",".join(map(str, m.mark.classes)),
                "mark_status": m.mark.status,
                "listing_classes": ",".join(map(str, m.listing_classes)),
                "goods": m.goods,
                "score": m.score,
                "sight": m.sight,
                "sound": m.sound,
                "meaning": m.meaning,
                "logo": m.logo,
                "via": m.via,
                "reasons_id": "; ".join(r.id for r in m.reasons),
                "reasons_en": "; ".join(r.en for r in m.reasons),
                "image": str(rec.get("image", "") or ""),
                "partition": partition,
                "row": int(rec.get("row", pos)),
            }
        )
    return pd.DataFrame(rows, columns=FLAG_COLUMNS).astype({"logo": "float64"})


def find_logo_mentions(
    matcher: MentionMatcher, images: Sequence[str | None], shops: Sequence[str | None] | None = None
) -> list[Mention]:
    """Registered logos in listing images (local paths): the 8 dihedral codes (pHash and shape) of each image,
    FAISS candidates, scored by :meth:`~similarity.store.index.MarkIndex.logo_evidence` with the calibrated
    thresholds. Unreadable images are skipped."""
    index = matcher.index_
    if not index.info()["logos"]:
        return []
    from ..image.load import LogoError, load_logo_codes

    out: list[Mention] = []
    for pos, path in enumerate(images):
        if not path or not os.path.isfile(path):
            continue
        try:
            codes = load_logo_codes(path)  # decoded and hashed in a sandboxed worker
        except (LogoError, OSError, ValueError):
            continue
        rows = logo_candidates(index, codes)
        if not len(rows):
            continue
        shop = owner_key(shops[pos]) if shops is not None and shops[pos] else ""
        for r, ev in zip(rows.tolist(), logo_evidence(index, rows, codes), strict=True):
            k = matcher.row_pos_.get(r)
            if ev is None or k is None or (shop and matcher.owner_of(k) == shop):
                continue
            score = ev.similarity * STATUS_WEIGHT[matcher.marks_[k].status]
            if score >= matcher.threshold:
                out.append(
                    Mention(
                        pos,
                        "",
                        matcher.marks_[k],
                        round(score, 4),
                        0.0,
                        0.0,
                        0.0,
                        "logo",
                        (Reason("logo", *ev.reason()),),
                        round(ev.similarity, 4),
                    )
                )
    return out


def save_vocabulary(vocab: TitleVocabulary, path: Path) -> None:
    present = vocab.present()
    body = {
        "titles": vocab.n_titles,
        "descriptive": sorted(vocab.descriptive()),
        "common": sorted(vocab.common()),
        "present": None if present is None else sorted(present),
    }
    write_atomic(path, lambda p: p.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8"))


def load_vocabulary(path: str) -> TitleVocabulary:
    """A vocabulary frozen by :func:`save_vocabulary` (its word lists, not its counts)."""
    body = json.loads(Path(path).read_text(encoding="utf-8"))
    present = body.get("present")
    return _FrozenVocabulary(
        frozenset(body["descriptive"]),
        frozenset(body["common"]),
        None if present is None else frozenset(present),
    )


class _FrozenVocabulary(TitleVocabulary):
    def __init__(self, descriptive: frozenset[str], common: frozenset[str], present: frozenset[str] | None):
        super().__init__()
        self._descriptive, self._common, self._present = descriptive, common, present

    def descriptive(self) -> frozenset[str]:
        return self._descriptive

    def common(self) -> frozenset[str]:
        return self._common

    def present(self) -> frozenset[str] | None:
        return self._present


def _peak_rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:16]


def partition_dicts(parts: list[Partition]) -> list[dict[str, Any]]:
    return [asdict(p) for p in parts]
