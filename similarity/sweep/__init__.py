"""Marketplace sweeps: find registered marks in listing titles, descriptions and images (DOMAIN.md §7).

For a frame already in memory::

    >>> import pandas as pd
    >>> from similarity.store.index import MarkIndex
    >>> from similarity.values import Mark
    >>> index = MarkIndex()
    >>> index.add([Mark(id="M1", name="Maicih", number="IDM000123456")])
    1
    >>> titles = ["Keripik MAICIH Level 10 200gr", "Kopi original"]
    >>> listings = pd.DataFrame({"id": ["L1", "L2"], "title": titles})
    >>> sweep_frame(listings, index)[["listing_id", "span", "registration_number"]].values.tolist()
    [['L1', 'MAICIH', 'IDM000123456']]

For files of any size, :func:`run_sweep` runs the resumable Dask job of :mod:`similarity.sweep.run` (the
``similarity sweep`` command is a thin front end to it).
"""

from __future__ import annotations

import importlib
import json
import os
import pickle
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..store.files import write_atomic
from ..store.index import MarkIndex

if TYPE_CHECKING:
    import pandas as pd

    from .mentions import Mention, MentionMatcher, find_mentions
    from .titles import TitleVocabulary, learn_vocabulary, tokenize_title

_LAZY = {
    "Mention": "mentions",
    "MentionMatcher": "mentions",
    "find_mentions": "mentions",
    "TitleVocabulary": "titles",
    "learn_vocabulary": "titles",
    "tokenize_title": "titles",
}


def __getattr__(name: str) -> Any:
    # The CLI imports this package at start-up: matching code, pandas and Dask load only when a sweep runs.
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'similarity.sweep' has no attribute {name!r}")


__all__ = [
    "Mention",
    "MentionMatcher",
    "RunSummary",
    "TitleVocabulary",
    "find_mentions",
    "learn_vocabulary",
    "run_sweep",
    "sweep_frame",
    "tokenize_title",
]


def sweep_frame(
    df: pd.DataFrame, index: MarkIndex | str | os.PathLike | None = None, threshold: float | None = None
) -> pd.DataFrame:
    """Flag the listings of a frame (columns ``id``, ``title`` and optionally ``description``, ``shop``,
    ``image``, ``category``: the marketplace category, which names the goods sold).

    Returns one row per (listing, mark) with the columns of ``flagged.csv``. ``index`` is a loaded index, an
    index folder or None for the demo registry.
    """
    from ..build import open_index
    from .mentions import MentionMatcher
    from .run import flag_frame
    from .titles import learn_vocabulary

    idx = index if isinstance(index, MarkIndex) else open_index(index)
    frame = df.reset_index(drop=True).copy()
    for col in ("id", "title"):
        if col not in frame:
            raise ValueError(
                f"the frame has no {col!r} column — it needs id and title (optional: shop, description, "
                "image, category)"
            )
    frame["title"] = frame["title"].fillna("").astype(str)
    shops = frame["shop"].fillna("").astype(str).tolist() if "shop" in frame else None
    matcher = MentionMatcher(threshold, learn_vocabulary(frame["title"].tolist(), shops)).fit(idx)
    return flag_frame(frame, matcher)


@dataclass(frozen=True)
class RunSummary:
    """What a sweep run did; ``to_dict()`` is the content of ``run.json``."""

    run_id: str
    run_dir: str
    listings: int
    flagged: int
    quarantined: int
    partitions: int
    resumed_partitions: int
    seconds: float
    files: dict[str, str] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


WORKER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.gil.enabled": False,
}
"""Dask settings of the local cluster's workers. Dask's statistical profiler wakes every 10 ms, takes the GIL
from the task thread and walks its stack; on the sweep's pure-Python tasks it cost a third of each worker's CPU
(36k Tokopedia titles, 2 workers: 21.4 s with it, 12.8-15.2 s without). For a cluster of your own, set the same
keys in its Dask config (e.g. ``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False``)."""


def run_sweep(
    listings: str | os.PathLike,
    index_path: str | os.PathLike | None,
    out: str | os.PathLike,
    scheduler: str | None = None,
    workers: int = 2,
    since: str | None = None,
    *,
    partition_rows: int | None = None,
    threshold: float | None = None,
    progress: Callable[[str, int], Callable[[int], None]] | None = None,
) -> RunSummary:
    """Sweep ``listings`` (a file or folder) for marks of the index at ``index_path`` (None: demo) into
    ``out/<run-id>/``; ``since`` resumes that run. Without ``scheduler`` a local cluster of ``workers``
    processes (one thread each) is started; with it, the workers of that cluster must see the same files.

    ``partition_rows`` listings make one partition (default :data:`similarity.io.listings.PARTITION_ROWS`): the
    unit of work, of checkpointing and of worker memory. ``progress(label, total)`` may return a callable that
    is advanced once per partition done (the CLI's tqdm bar).
    """
    import dask
    from distributed import Client, LocalCluster, as_completed

    from ..io.listings import PARTITION_ROWS, Partition, plan_partitions
    from . import run as job
    from .summary import assemble
    from .titles import TitleVocabulary

    started = time.perf_counter()
    out_dir = Path(out)
    run_id = since or _new_run_id(out_dir)
    run_dir = out_dir / run_id
    index_dir = str(Path(index_path).resolve()) if index_path is not None else None
    plan_file = run_dir / "plan.json"
    if since is not None:
        if not plan_file.exists():
            raise FileNotFoundError(
                f"no run {since!r} in {out_dir} — --since takes the id of an earlier run "
                f"(a folder name under {out_dir})"
            )
        plan = json.loads(plan_file.read_text(encoding="utf-8"))
        parts = [Partition(**p) for p in plan["partitions"]]
        index_dir, threshold = plan["index"], plan["threshold"]
    else:
        partition_rows = partition_rows or PARTITION_ROWS
        parts = plan_partitions(listings, partition_rows)
        plan = {
            "run_id": run_id,
            "listings": str(Path(listings).resolve()),
            "index": index_dir,
            "threshold": threshold,
            "partition_rows": partition_rows,
            "partitions": job.partition_dicts(parts),
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        write_atomic(plan_file, lambda p: p.write_text(json.dumps(plan, indent=1), encoding="utf-8"))
    timings: dict[str, float] = {}
    if scheduler:
        client, cluster = Client(scheduler), None
    else:
        with dask.config.set(WORKER_CONFIG):  # the nannies hand this config to the worker processes
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
            )
        client = Client(cluster)
    timings["cluster_start"] = round(time.perf_counter() - started, 3)
    try:
        t = time.perf_counter()
        vocab_file = run_dir / "vocabulary.json"
        if not vocab_file.exists():
            counts = {p.n: str(run_dir / "vocab" / f"{p.n}.pkl") for p in parts}
            todo = [p for p in parts if not os.path.exists(counts[p.n])]
            _drain(
                client,
                as_completed,
                [
                    client.submit(
                        job.count_partition, p, counts[p.n], pure=False, key=f"count-{run_id}-{p.n}"
                    )
                    for p in todo
                ],
                progress("counting words", len(todo)) if progress and todo else None,
            )
            vocab = TitleVocabulary()
            for p in parts:
                vocab.merge(pickle.loads(Path(counts[p.n]).read_bytes()))
            job.save_vocabulary(vocab, vocab_file)
        timings["vocabulary"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        todo = [p for p in parts if not (run_dir / "parts" / f"{p.n}.parquet").exists()]
        futures = [
            client.submit(
                job.sweep_partition,
                p,
                str(run_dir),
                index_dir,
                threshold,
                pure=False,
                key=f"sweep-{run_id}-{p.n}",
            )
            for p in todo
        ]
        stats = _drain(
            client, as_completed, futures, progress("sweeping", len(todo)) if progress and todo else None
        )
        timings["sweep"] = round(time.perf_counter() - t, 3)
    finally:
        t = time.perf_counter()
        client.close()
        if cluster is not None:
            cluster.close()
        timings["close"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    files, counts = assemble(run_dir, parts)
    timings["assemble"] = round(time.perf_counter() - t, 3)
    timings["total"] = round(time.perf_counter() - started, 3)
    rss: dict[int, float] = {}
    for s in stats:
        rss[s["pid"]] = max(rss.get(s["pid"], 0.0), s["peak_rss_mb"])
    summary = RunSummary(
        run_id=run_id,
        run_dir=str(run_dir),
        listings=counts["listings"],
        flagged=counts["flagged"],
        quarantined=counts["quarantined"],
        partitions=len(parts),
        resumed_partitions=len(parts) - len(todo),
        seconds=timings["total"],
        files=files,
        detail={
            "inputs": plan["listings"],
            "index": _index_info(index_dir),
            "threshold": threshold,
            "scheduler": scheduler or f"LocalCluster({workers} processes x 1 thread)",
            "timings": timings,
            "worker_peak_rss_mb": sorted(rss.values()),
            "partition_rows": plan["partition_rows"],
            "flagged_by_field": counts["by_field"],
        },
    )
    write_atomic(
        run_dir / "run.json",
        lambda p: p.write_text(json.dumps(summary.to_dict(), indent=1, ensure_ascii=False), "utf-8"),
    )
    return summary


def _drain(
    client: Any, as_completed: Any, futures: list, advance: Callable[[int], None] | None
) -> list[dict]:
    """Wait for every future (re-raising a task's error), advancing the progress bar once per partition."""
    results = []
    for fut in as_completed(futures):
        results.append(fut.result())
        if advance is not None:
            advance(1)
    return [r for r in results if isinstance(r, dict) and not r.get("skipped")]


def _new_run_id(out_dir: Path) -> str:
    base = time.strftime("%Y%m%d-%H%M%S")
    run_id, i = base, 1
    while (out_dir / run_id).exists():
        i += 1
        run_id = f"{base}-{i}"
    return run_id


def _index_info(index_dir: str | None) -> dict[str, Any]:
    from ..build import demo_index_path
    from ..store.files import read_manifest

    folder = Path(index_dir) if index_dir else demo_index_path()
    try:
        manifest = read_manifest(folder)
    except Exception:  # the run's output should not fail on an unreadable manifest
        return {"path": str(folder)}
    return {
        "path": str(folder),
        "generation": manifest.get("generation"),
        "marks": manifest.get("counts", {}).get("marks"),
        "built_at": manifest.get("built_at"),
    }
