"""What every reader of registries and listings shares: the file formats, a cell's text, the UTF-8 check.

Registries (:mod:`.registry`, streamed whole, every bad row reported) and marketplace listings (:mod:`.listings`,
read in byte-range partitions for a Dask sweep) are read by different loops, but a cell means the same in both::

    >>> cell_text(None), cell_text(float("nan")), cell_text(["30", "43"]), cell_text("  Aqua ")
    ('', '', '30;43', 'Aqua')
    >>> utf8_problem("caf\\udce9")  # an undecodable byte kept by surrogateescape
    "not valid UTF-8 (byte b'\\\\xe9') — re-save the file as UTF-8"
    >>> FORMATS[".ndjson"], FORMATS[".tsv"]
    ('jsonl', 'tsv')
"""

from __future__ import annotations

from typing import Any

FORMATS: dict[str, str] = {
    ".csv": "csv", ".txt": "csv", ".tsv": "tsv",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".parquet": "parquet", ".pq": "parquet",
}  # fmt: skip
"""File suffix (lower case) → format; ``tsv`` is CSV with tabs, ``.json`` means JSON Lines (one object a line)."""


def cell_text(value: Any) -> str:
    """A cell as text: None and NaN (Parquet, pandas) are empty, a list (a Parquet list column) is joined by ``;``."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value).strip()


def utf8_problem(value: str) -> str | None:
    """Why ``value`` is not valid UTF-8 (files are decoded with ``surrogateescape``, so a bad byte survives as a lone
    surrogate and is reported here, on its row, instead of failing the file), or None."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        bad = value.encode("utf-8", "surrogateescape")[e.start : e.start + 1]
        return f"not valid UTF-8 (byte {bad!r}) — re-save the file as UTF-8"
    return None
