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

import gc
import hashlib
import json
import os
import pickle
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from ..candidates.logos import logo_candidates
from ..io.listings import Partition, read_partition
from ..score.logo_hashes import logo_evidence
from ..store.files import write_atomic
from ..values import Reason
from ..verdict.status import STATUS_WEIGHT
from .mentions import Mention, MentionMatcher
from .titles import TitleVocabulary, owner_key

MAX_DESCRIPTION_CHARS = 2_000
FLAG_COLUMNS = [
    "listing_id", "shop", "title", "field", "span", "mark_id", "mark_name", "registration_number",
    "mark_owner", "mark_classes", "mark_status", "listing_classes", "goods", "score", "sight", "sound", "meaning",
    "logo", "via",
    "reasons_id", "reasons_en", "image", "partition", "row",
]  # fmt: skip
QUARANTINE_COLUMNS = ["file", "line", "reason", "raw"]


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
