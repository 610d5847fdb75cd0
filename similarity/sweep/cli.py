"""``similarity sweep``: thin front end to :func:`similarity.sweep.run_sweep` (Dask is imported only when
run).

similarity sweep listings.parquet --index DIR --out sweeps/ --workers 2 similarity sweep listings/ --out
sweeps/ --since 20250101-020000      # resume that run after a crash
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

_BARS: list = []


def sweep_command(
    listings: Annotated[
        Path,
        typer.Argument(
            help="Listings: CSV, TSV, JSONL or Parquet file, or a folder of parts "
            "(columns id,title; optional description,shop,image,category)."
        ),
    ],
    index: Annotated[
        Path | None, typer.Option("--index", "-i", help="Index folder (default: demo registry).")
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for runs; each run writes OUT/<run-id>/.")
    ] = Path("sweeps"),
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler address (default: a local cluster).")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Local worker processes.")] = 2,
    since: Annotated[
        str | None, typer.Option("--since", help="Resume this run id (skips finished partitions).")
    ] = None,
    partition_rows: Annotated[
        int | None, typer.Option("--partition-rows", min=1, help="Listings per partition (default 10000).")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar or summary on stderr.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print run.json to stdout.")] = False,
) -> None:
    """Sweep marketplace listings for registered marks in titles, descriptions and images (resumable)."""
    from . import run_sweep

    try:
        summary = run_sweep(
            listings,
            index,
            out,
            scheduler=scheduler,
            workers=workers,
            since=since,
            partition_rows=partition_rows,
            progress=None if quiet else _tqdm_factory,
        )
    except (FileNotFoundError, ValueError) as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None
    finally:
        for bar in _BARS:
            bar.close()
        _BARS.clear()
    if as_json:
        sys.stdout.write(json.dumps(summary.to_dict(), ensure_ascii=False) + "\n")
    if not quiet:
        typer.echo(
            f"run {summary.run_id}: {summary.listings:,} listings, {summary.flagged:,} flags, "
            f"{summary.quarantined:,} quarantined, {summary.seconds:.1f} s "
            f"({summary.resumed_partitions} of {summary.partitions} partitions were already done)\n"
            f"  {summary.files.get('flagged.csv')}\n  {summary.files.get('summary.html')}",
            err=True,
        )


def _tqdm_factory(label: str, total: int) -> Callable[[int], None]:
    from tqdm import tqdm

    bar = tqdm(total=total, desc=label, unit="partition", file=sys.stderr, dynamic_ncols=True)
    _BARS.append(bar)
    return bar.update
