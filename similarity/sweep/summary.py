"""The run's final files, assembled from the committed partitions, and its self-contained HTML summary.

``flagged.parquet`` / ``flagged.csv``: one row per (listing id, mark id) — the first occurrence in partition
order, so a listing repeated in the input is reported once; ``quarantine.csv``: every unreadable row with its
file, line and reason; ``summary.html``: counts per mark, the top listings and thumbnails of local images, no
network.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..io.listings import Partition
from ..io.spreadsheet import safe_frame
from ..store.files import write_atomic
from .run import FLAG_COLUMNS, QUARANTINE_COLUMNS

TOP_LISTINGS = 200
TOP_MARKS = 100
THUMB_PIXELS = 96


def assemble(run_dir: Path, parts: Sequence[Partition]) -> tuple[dict[str, str], dict[str, Any]]:
    """Write flagged.parquet, flagged.csv, quarantine.csv and summary.html from ``parts/``; return (files,
    counts)."""
    flagged = [pd.read_parquet(run_dir / "parts" / f"{p.n}.parquet") for p in parts]
    quarantine = [pd.read_parquet(run_dir / "parts" / f"{p.n}.quarantine.parquet") for p in parts]
    listings_seen = sum(p.count for p in parts)
    df = pd.concat(flagged, ignore_index=True) if flagged else pd.DataFrame(columns=FLAG_COLUMNS)
    df = df.sort_values(
        ["partition", "row", "score", "mark_id"], ascending=[True, True, False, True], kind="stable"
    )
    df = df.drop_duplicates(["listing_id", "mark_id"], keep="first").reset_index(drop=True)
    q = pd.concat(quarantine, ignore_index=True) if quarantine else pd.DataFrame(columns=QUARANTINE_COLUMNS)
    q = q.sort_values(["file", "line"], kind="stable").reset_index(drop=True)
    files = {
        name: str(run_dir / name)
        for name in ("flagged.parquet", "flagged.csv", "quarantine.csv", "summary.html")
    }
    write_atomic(run_dir / "flagged.parquet", lambda p: df.to_parquet(p, index=False))
    # CSVs are opened in spreadsheets: titles and raw lines are a stranger's text (no formula may run)
    write_atomic(run_dir / "flagged.csv", lambda p: safe_frame(df).to_csv(p, index=False, encoding="utf-8"))
    write_atomic(run_dir / "quarantine.csv", lambda p: safe_frame(q).to_csv(p, index=False, encoding="utf-8"))
    counts = {
        "listings": listings_seen - len(q),
        "flagged": len(df),
        "flagged_listings": int(df["listing_id"].nunique()),
        "quarantined": len(q),
        "by_field": {k: int(v) for k, v in df["field"].value_counts().items()},
    }
    page = summary_html(df, counts, run_dir.name)
    write_atomic(run_dir / "summary.html", lambda p: p.write_text(page, encoding="utf-8"))
    return files, counts


def summary_html(df: pd.DataFrame, counts: dict[str, Any], run_id: str) -> str:
    """A self-contained page: totals, flags per mark, the top listings (with thumbnails of local images)."""
    e = html.escape
    per_mark = (
        df.groupby(["mark_id", "mark_name", "registration_number"], dropna=False)
        .agg(listings=("listing_id", "nunique"), best=("score", "max"))
        .reset_index()
        .sort_values(["listings", "best"], ascending=False)
        .head(TOP_MARKS)
    )
    mark_rows = "".join(
        f"<tr><td>{e(str(r.mark_name))}</td><td>{e(str(r.mark_id))}</td>"
        f"<td>{e(str(r.registration_number or ''))}</td><td class=n>{r.listings}</td>"
        f"<td class=n>{r.best:.2f}</td></tr>"
        for r in per_mark.itertuples()
    )
    top = df.sort_values(["score", "listing_id"], ascending=[False, True], kind="stable").head(TOP_LISTINGS)
    listing_rows = "".join(
        f"<tr><td>{_thumb(r.image)}</td><td>{e(str(r.listing_id))}<br><small>{e(str(r.shop))}</small></td>"
        f"<td>{_highlight(str(r.title), str(r.span))}</td><td>{e(str(r.mark_name))}<br><small>"
        f"{e(str(r.registration_number or r.mark_id))}</small></td><td class=n>{r.score:.2f}</td>"
        f"<td><small>{e(str(r.reasons_id))}<br><i>{e(str(r.reasons_en))}</i></small></td></tr>"
        for r in top.itertuples()
    )
    return f"""<!doctype html><html lang="id"><head><meta charset="utf-8">
<title>Sweep {e(run_id)}</title><style>
body{{font:14px system-ui,sans-serif;margin:2em;color:#222}}
table{{border-collapse:collapse;margin:1em 0}} .n{{text-align:right}}
td,th{{border-bottom:1px solid #ddd;padding:4px 8px;vertical-align:top;text-align:left}}
mark{{background:#ffe08a}} img{{max-width:{THUMB_PIXELS}px;max-height:{THUMB_PIXELS}px}} small{{color:#666}}
</style></head><body>
<h1>Sweep {e(run_id)}</h1>
<p>{counts["listings"]:,} listings read, {counts["flagged_listings"]:,} flagged
({counts["flagged"]:,} listing–mark pairs), {counts["quarantined"]:,} rows in quarantine.csv.
Skor adalah penyaringan kemiripan, bukan pendapat hukum /
scores are a similarity screen, not a legal opinion.</p>
<h2>Merek / Marks</h2><table>
<tr><th>Mark</th><th>Id</th><th>Registration</th><th>Listings</th><th>Best</th></tr>
{mark_rows}</table>
<h2>Listing teratas / Top listings</h2><table>
<tr><th></th><th>Listing</th><th>Title</th><th>Mark</th><th>Score</th><th>Reasons</th></tr>
{listing_rows}</table></body></html>
"""


def _highlight(title: str, span: str) -> str:
    i = title.find(span) if span else -1
    if i < 0:
        return html.escape(title)
    return (
        html.escape(title[:i])
        + "<mark>"
        + html.escape(span)
        + "</mark>"
        + html.escape(title[i + len(span) :])
    )


def _thumb(path: Any) -> str:
    """An embedded JPEG thumbnail of a local image, or nothing (the page must not reach the network)."""
    if not isinstance(path, str) or not path or not Path(path).is_file():
        return ""
    try:
        from PIL import Image

        with Image.open(path) as im:
            im.thumbnail((THUMB_PIXELS, THUMB_PIXELS))
            buf = io.BytesIO()
            im.convert("RGB").save(buf, "JPEG", quality=80)
    except Exception:  # a broken image must not break the report
        return ""
    return f'<img alt="" src="data:image/jpeg;base64,{base64.b64encode(buf.getvalue()).decode()}">'
