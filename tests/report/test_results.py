"""Filtering, sorting, paging and CSV export of a check's matches (CLI and API share them)."""

from __future__ import annotations

import csv
import io

import pytest

from similarity.results import csv_text, safe_cell, select, view_dict
from similarity.values import CheckResult, Factors, Mark, Match, Query, Reason, Verdict


def _result() -> CheckResult:
    marks = [
        Mark(id="A", name="Kopi Satu", classes=(30,), status="registered", filed="2019-05-01"),
        Mark(id="B", name="=HYPERLINK(\"http://x\")", classes=(43,), status="pending", filed="2015-01-01"),
        Mark(id="C", name="Kopi Tiga", classes=(), status="expired"),
        Mark(id="D", name="+Kopi", owner="@owner", classes=(30, 43), status="registered", registered="2010-02-02"),
    ]
    matches = tuple(Match(m, 0.9 - i / 10, Factors(sight=0.5), (Reason("sight", f"mirip {i}", f"alike {i}"),),
                          risk="high") for i, m in enumerate(marks))
    return CheckResult(Query(name="Kopi"), Verdict(risk="high", score=0.9), matches, {"marks": 4, "demo": True})


def test_filters_by_status_and_class() -> None:
    r = _result()
    assert [m.mark.id for m in select(r, statuses=["registered"]).matches] == ["A", "D"]
    assert [m.mark.id for m in select(r, classes=[43]).matches] == ["B", "D"]
    assert [m.mark.id for m in select(r, statuses=["pending", "expired"], classes=[30, 43]).matches] == ["B"]
    with pytest.raises(ValueError, match="unknown status"):
        select(r, statuses=["alive"])


def test_sort_by_date_puts_the_earliest_filing_first_and_undated_last() -> None:
    assert [m.mark.id for m in select(_result(), sort="date").matches] == ["D", "B", "A", "C"]


def test_paging_counts_all_and_says_when_more() -> None:
    page = select(_result(), offset=1, top=2)
    assert [m.mark.id for m in page.matches] == ["B", "C"] and page.total is None and page.more
    last = select(_result(), statuses=["registered", "pending", "expired"], offset=2, top=2)
    assert not last.more and last.paging() == {"offset": 2, "top": 2, "shown": 2, "total": 4, "more": False}
    body = view_dict(_result(), page, "en")
    assert [m["mark"]["id"] for m in body["matches"]] == ["B", "C"] and body["verdict"]["risk"] == "high"


def test_csv_has_one_row_per_match_and_no_formula_survives() -> None:
    r = _result()
    rows = list(csv.reader(io.StringIO(csv_text(r, r.matches, "id"))))
    assert rows[0][:5] == ["peringkat", "skor", "risiko", "merek", "id"] and len(rows) == 1 + len(r.matches)
    cells = [c for row in rows[1:] for c in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert "'=HYPERLINK(\"http://x\")" in cells and "'+Kopi" in cells and "'@owner" in cells
    assert rows[2][8] == "diajukan" and "DEMO" in rows[1][12]
    english = list(csv.reader(io.StringIO(csv_text(r, r.matches, "en"))))
    assert english[0][0] == "rank" and english[1][2] == "high" and english[1][11] == "alike 0"


def test_safe_cell_leaves_plain_text_alone() -> None:
    assert safe_cell("Kopi Kenangan") == "Kopi Kenangan" and safe_cell(None) == "" and safe_cell("-5") == "'-5"
