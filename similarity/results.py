"""The matches of a check as a clerk works with them: filtered by status and class, sorted by score or date, a page
at a time, and written to CSV. Shared by the CLI (``--status``, ``--filter-class``, ``--sort``, ``--offset``,
``--csv``) and the API (the same names), so both answer alike::

    >>> from similarity.values import CheckResult, Factors, Match, Mark, Query, Verdict
    >>> ms = tuple(Match(Mark(id=str(i), name=f"M{i}", classes=(30 + i % 2,), filed=f"201{i}-01-01"), 1 - i / 10,
    ...                  Factors()) for i in range(5))
    >>> view = select(CheckResult(Query(name="x"), Verdict(), ms), classes=[30], sort="date", top=2)
    >>> [m.mark.id for m in view.matches], view.total, view.more
    (['0', '2'], 3, True)
    >>> select(CheckResult(Query(name="x"), Verdict(), ms), top=4).paging()
    {'offset': 0, 'top': 4, 'shown': 4, 'total': None, 'more': True}
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from .explain import registry_line, risk_label
from .store.files import write_atomic
from .values import STATUSES, CheckResult, Match
from .verdict.status import status_label

Sort = Literal["score", "date"]
SORTS: tuple[str, ...] = ("score", "date")
FILTER_FETCH = 200
"""How many matches a filtered or paged view looks through: the check's ``top`` is raised to this, so a filter
shows the marks of that status or class among the best 200, not among the 10 that happened to be on page one."""


@dataclass(frozen=True)
class View:
    """One page of the (filtered, sorted) matches of a check. ``total`` counts the matches the filters kept among
    the :data:`FILTER_FETCH` best; an unfiltered page fetches one match past itself instead, so ``total`` is None
    (not counted) and ``more`` still says whether a next page exists."""

    matches: tuple[Match, ...]
    total: int | None
    offset: int
    top: int
    more: bool = False

    def paging(self) -> dict[str, Any]:
        return {"offset": self.offset, "top": self.top, "shown": len(self.matches), "total": self.total,
                "more": self.more}


def fetch_size(offset: int, top: int, filtered: bool) -> int:
    """How many matches to ask :func:`similarity.pipeline.check` for to fill the page: one past it (to know whether
    there is a next one), or the best :data:`FILTER_FETCH` when a filter or another order needs to see them all;
    explaining 200 matches costs about 5× a page of 10."""
    return max(offset + top, FILTER_FETCH) if filtered else offset + top + 1


def select(
    result: CheckResult,
    *,
    statuses: Iterable[str] = (),
    classes: Iterable[int] = (),
    sort: str = "score",
    offset: int = 0,
    top: int = 10,
) -> View:
    """The page ``offset .. offset + top`` of ``result``'s matches having one of ``statuses`` (all when empty) and
    one of ``classes`` (all when empty), by score (best first) or by date (earliest filing first: the earlier mark
    has priority; marks without a date last, then by score)."""
    wanted_status = set(statuses)
    unknown = wanted_status - set(STATUSES)
    if unknown:
        raise ValueError(f"unknown status {sorted(unknown)[0]!r} — use one of {', '.join(STATUSES)}")
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r} — use score or date")
    if offset < 0 or top < 1:
        raise ValueError("offset must be 0 or more and top at least 1")
    wanted_class = {int(c) for c in classes}
    kept = [m for m in result.matches
            if (not wanted_status or m.mark.status in wanted_status)
            and (not wanted_class or wanted_class & set(m.mark.classes))]
    filtered = bool(wanted_status or wanted_class or sort != "score")
    if sort == "date":
        kept.sort(key=lambda m: (_date_of(m) is None, _date_of(m) or "", -m.score))
    return View(tuple(kept[offset:offset + top]), len(kept) if filtered else None, offset, top,
                more=len(kept) > offset + top)


def _date_of(match: Match) -> str | None:
    return match.mark.filed or match.mark.registered or None


def shown(result: CheckResult, view: View) -> CheckResult:
    """``result`` listing only the page's matches (for the HTML report), its verdict unchanged."""
    return replace(result, matches=view.matches)


def view_dict(result: CheckResult, view: View, lang: str = "id") -> dict[str, Any]:
    """The JSON answer with only the page's matches and a ``paging`` object; the verdict stays the whole
    check's (a filter changes what is listed, not how risky the name is)."""
    body = result.to_dict(lang)
    body["matches"] = [m.to_dict(lang) for m in view.matches]
    body["paging"] = view.paging()
    return body


# ---------------------------------------------------------------------------------------------- CSV
CSV_COLUMNS = {
    "id": ("peringkat", "skor", "risiko", "merek", "id", "nomor", "pemilik", "kelas", "status", "diajukan",
           "terdaftar", "alasan", "registri"),
    "en": ("rank", "score", "risk", "mark", "id", "number", "owner", "classes", "status", "filed", "registered",
           "reasons", "registry"),
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is run as a formula by Excel, LibreOffice and Google Sheets (CSV injection):
such a cell gets a leading apostrophe, which the spreadsheet shows as text."""


def safe_cell(value: Any) -> str:
    """``value`` as a CSV cell a spreadsheet will not execute.

    >>> safe_cell("=HYPERLINK(1)"), safe_cell("@SUM"), safe_cell("Kopi"), safe_cell(0.93)
    ("'=HYPERLINK(1)", "'@SUM", 'Kopi', '0.93')
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_rows(result: CheckResult, matches: Sequence[Match], lang: str = "id", start: int = 1) -> list[list[str]]:
    """The header and one row per match, every cell made safe."""
    registry = registry_line(result.registry or {}, lang)
    rows = [list(CSV_COLUMNS["en" if lang == "en" else "id"])]
    for rank, m in enumerate(matches, start):
        mark = m.mark
        rows.append([safe_cell(v) for v in (
            rank, f"{m.score:.4f}", risk_label(m.risk, lang), mark.name, mark.id, mark.number, mark.owner,
            ";".join(map(str, mark.classes)), status_label(mark.status, lang), mark.filed or "", mark.registered or "",
            " | ".join(r.text(lang) for r in m.reasons), registry,
        )])
    return rows


def csv_text(result: CheckResult, matches: Sequence[Match], lang: str = "id", start: int = 1) -> str:
    """The CSV export as text (UTF-8 with a BOM when written, so Excel reads the Indonesian letters)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(csv_rows(result, matches, lang, start))
    return buffer.getvalue()


def write_csv(result: CheckResult, matches: Sequence[Match], path: str | os.PathLike, lang: str = "id",
              start: int = 1) -> None:
    """Write the CSV export to ``path`` atomically."""
    target = Path(path)
    write_atomic(target, ("\ufeff" + csv_text(result, matches, lang, start)).encode("utf-8"))
