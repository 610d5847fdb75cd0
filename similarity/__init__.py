"""brand-similarity — screen a brand name or logo against registered marks before filing with DJKI.

>>> from similarity import Mark, MarkIndex, check
>>> index = MarkIndex()
>>> index.add([Mark(id="IDM000001", name="Geprek Bensu", classes=(43,))])
1
>>> result = check(index, "I Am Geprek Bensu Sedep Benerrr", classes=[43])
>>> result.matches[0].mark.name, result.verdict.risk in ("high", "medium")
('Geprek Bensu', True)

It measures similarity and risk; it is not a legal opinion.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .io.registry import ImportReport, RowError, read_registry
from .pipeline import check
from .store.files import IndexFormatError
from .store.index import IndexParams, MarkIndex
from .store.insertion import LogoSkippedWarning
from .values import CheckResult, Factors, Mark, Match, Query, Reason, Verdict

__all__ = [
    "CheckResult",
    "Factors",
    "ImportReport",
    "IndexFormatError",
    "IndexParams",
    "LogoSkippedWarning",
    "Mark",
    "MarkIndex",
    "Match",
    "Query",
    "Reason",
    "RowError",
    "Verdict",
    "__version__",
    "check",
    "read_registry",
]
