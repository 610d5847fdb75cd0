"""How ``similarity check`` prints a result for people: a compact list on a narrow terminal, a table on a wide one.

At 80 columns a six-column table leaves the reasons 18–20 characters and cuts the ids a clerk must copy, so below
:data:`WIDE_MIN` columns (or without ``--wide``) each match is one line — score, tier, name, id in full — with its
details and reasons indented below.
"""

from __future__ import annotations

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .explain import (
    UNKNOWN_CLASSES,
    mark_facts,
    next_step,
    note_text,
    registry_line,
    risk_label,
    tier_meaning,
)
from .results import View
from .values import CheckResult, Match
from .verdict.status import status_label

WIDE_MIN = 110
"""Columns from which the table is the default: its reasons column then gets ~40 characters."""
RISK_STYLE = {"high": "bold red", "medium": "bold yellow", "low": "cyan", "clear": "green"}
REASONS_SHOWN = 4

_WORDS = {
    "id": {"risk": "Risiko", "none": "(tidak ada merek mirip)",
           "none_filtered": "(tidak ada merek yang cocok dengan saringan)", "next": "Langkah berikut",
           "classes": "kelas", "owner": "pemilik", "shown": "merek {a}–{b} dari {n} (di antara 200 terbaik)",
           "shown_page": "merek {a}–{b}", "more": "lebih banyak: --offset {n}",
           "same_brand": "+{n} baris lain merek yang sama",
           "cols": ("Skor", "Risiko", "Merek", "Kelas", "Status", "Alasan")},
    "en": {"risk": "Risk", "none": "(no similar marks)", "none_filtered": "(no mark matches the filters)",
           "next": "Next step", "classes": "classes", "owner": "owner",
           "shown": "marks {a}–{b} of {n} (among the best 200)", "shown_page": "marks {a}–{b}",
           "more": "more: --offset {n}", "same_brand": "+{n} more rows of the same brand",
           "cols": ("Score", "Risk", "Mark", "Classes", "Status", "Reasons")},
}


def print_result(out: Console, result: CheckResult, view: View, lang: str, wide: bool | None = None) -> None:
    """The verdict with what it means, then the page of matches (compact or table), then notes and the registry.
    ``wide`` None picks the layout by the terminal's width."""
    w = _WORDS["en" if lang == "en" else "id"]
    v = result.verdict
    out.print(f"[{RISK_STYLE[v.risk]}]{w['risk']}: {v.label_in(lang).upper()}[/] ({v.score:.2f}) — "
              f"{result.query.name or result.query.logo}")
    out.print(Padding(Text(tier_meaning(result, lang)), (0, 0, 0, 2), expand=False))
    out.print(Padding(Text(f"{w['next']}: {next_step(result, lang)}"), (0, 0, 0, 2), expand=False))
    for r in v.reasons:
        out.print(Padding(Text(f"• {r.text(lang)}"), (0, 0, 0, 2), expand=False))
    if not view.matches:
        out.print("  " + (w["none_filtered"] if result.matches else w["none"]))
    elif wide if wide is not None else out.width >= WIDE_MIN:
        _table(out, view, result, lang)
    else:
        _compact(out, view, lang)
    if view.matches:
        a, b = view.offset + 1, view.offset + len(view.matches)
        more = f" · {w['more'].format(n=b)}" if view.more else ""
        shown = w["shown" if view.total is not None else "shown_page"].format(a=a, b=b, n=view.total)
        out.print(f"[dim]{shown}{more}[/]")
        if any(not m.mark.classes for m in view.matches):
            out.print(Text(UNKNOWN_CLASSES["en" if lang == "en" else "id"], style="dim"))
    for n in v.notes:
        out.print(Text(note_text(n, lang), style="dim"))
    out.print(Text(registry_line(result.registry or {}, lang), style="dim"))


def _details(m: Match, lang: str) -> str:
    w = _WORDS["en" if lang == "en" else "id"]
    mark = m.mark
    parts = [f"{w['classes']} {', '.join(map(str, mark.classes))}" if mark.classes else f"{w['classes']} —",
             status_label(mark.status, lang)]
    parts += mark_facts(mark, lang)
    if mark.owner:
        parts.append(f"{w['owner']}: {mark.owner}")
    same = getattr(m, "same_brand", ()) or ()
    if same:
        parts.append(w["same_brand"].format(n=len(same)))
    return " · ".join(parts)


def _compact(out: Console, view: View, lang: str) -> None:
    for rank, m in enumerate(view.matches, view.offset + 1):
        head = Text(f"{rank:>2}. {m.score:.2f} ")
        head.append(f"{risk_label(m.risk, lang):<7}", style=RISK_STYLE.get(m.risk, ""))
        head.append(f" {m.mark.name}", style="bold")
        head.append(f"  {m.mark.id}")  # never cut: it wraps to its own line when the name is long
        out.print(head, overflow="fold")
        out.print(Padding(Text(_details(m, lang), style="dim"), (0, 0, 0, 6), expand=False))
        for r in m.reasons[:REASONS_SHOWN]:
            out.print(Padding(Text(f"• {r.text(lang)}"), (0, 0, 0, 6), expand=False))


def _table(out: Console, view: View, result: CheckResult, lang: str) -> None:
    w = _WORDS["en" if lang == "en" else "id"]
    table = Table(*w["cols"], show_lines=False, expand=True)
    for m in view.matches:
        table.add_row(
            f"{m.score:.2f}",
            f"[{RISK_STYLE[m.risk]}]{risk_label(m.risk, lang)}[/]",
            Text(f"{m.mark.name}\n", style="bold") + Text(m.mark.id, style="dim", overflow="fold"),
            ",".join(map(str, m.mark.classes)) or "—",
            status_label(m.mark.status, lang),
            "\n".join(r.text(lang) for r in m.reasons[:REASONS_SHOWN]),
        )
    out.print(table)
