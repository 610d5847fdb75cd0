"""CSV meant for spreadsheets: a cell that a spreadsheet would run as a formula is written as text.

A listing title is whatever a seller typed; ``=HYPERLINK(...)`` or ``@SUM(...)`` in ``flagged.csv`` becomes a live
formula when an analyst opens the file (CSV injection, OWASP). A text cell starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return gets a leading apostrophe, which spreadsheets show as nothing and read as "this is text"::

    >>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("Kopi Kenangan"), safe_cell(-5)
    ('\\'=HYPERLINK("http://x")', 'Kopi Kenangan', -5)

Numbers stay numbers (a negative score is not a formula). For files read back by this package (the canonical
registry CSV) use plain ``csv``: there the text must round-trip unchanged.
"""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` with a leading apostrophe when it is text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(frame: Any) -> Any:
    """A copy of a pandas DataFrame with every text cell passed through :func:`safe_cell`.

    >>> import pandas as pd
    >>> safe_frame(pd.DataFrame({"title": ["@cmd", "ok"], "score": [-0.5, 1.0]}))["title"].tolist()
    ["'@cmd", 'ok']
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype) in ("string", "str"):
            out[column] = out[column].map(safe_cell)
    return out
