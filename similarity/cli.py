"""The ``similarity`` command: thin front end over the library (parse, call, format).

similarity check "Kopi Kenangan" --class 30 --class 43
similarity check --queries queries.csv --index DIR --json
similarity index build registry.csv --out DIR
"""

from __future__ import annotations

import contextlib
import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .build import build_index, open_index
from .check import check, parse_logo_max_distance
from .index import MarkIndex
from .marks import RISK_LABELS_ID, CheckResult
from .registry import LineTape, csv_rows

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Trademark pre-check: is a brand name or logo similar to a registered mark?",
)
index_app = typer.Typer(no_args_is_help=True, help="Build and maintain mark indexes.")
app.add_typer(index_app, name="index")

err = Console(stderr=True)
out = Console()

RISK_STYLE = {"high": "bold red", "medium": "bold yellow", "low": "cyan", "clear": "green"}

IndexOpt = Annotated[
    Path | None, typer.Option("--index", "-i", help="Index folder (default: bundled demo registry).")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars or summaries on stderr.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine output: one JSON object (per query).")]


@contextlib.contextmanager
def _progress(total: int, label: str, quiet: bool = False) -> Iterator[Any]:
    """A progress bar on stderr (tqdm), or a no-op when quiet."""
    if quiet:
        yield lambda n=1: None
        return
    from tqdm import tqdm

    bar = tqdm(total=total, desc=label, unit="mark", file=sys.stderr, dynamic_ncols=True, mininterval=0.5)
    try:
        yield bar.update
    finally:
        bar.close()


def _open(index: Path | None, quiet: bool) -> MarkIndex:
    from .store import IndexFormatError

    try:
        return open_index(index, progress_factory=lambda total, label: _progress(total, label, quiet))
    except IndexFormatError as e:
        err.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from None


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


def _print_result(result: CheckResult, lang: str) -> None:
    v = result.verdict
    title = "Risiko" if lang == "id" else "Risk"
    out.print(
        f"[{RISK_STYLE[v.risk]}]{title}: {v.label(lang).upper()}[/] ({v.score:.2f}) — "
        f"{result.query.name or result.query.logo}"
    )
    for r in v.reasons:
        out.print(f"  • {r.text(lang)}")
    if not result.matches:
        out.print("  (tidak ada merek mirip)" if lang == "id" else "  (no similar marks)")
    else:
        cols = (
            ("Skor", "Risiko", "Merek", "Kelas", "Status", "Alasan")
            if lang == "id"
            else ("Score", "Risk", "Mark", "Classes", "Status", "Reasons")
        )
        table = Table(*cols, show_lines=False, expand=True)
        for m in result.matches:
            table.add_row(
                f"{m.score:.2f}",
                f"[{RISK_STYLE[m.risk]}]{m.risk if lang == 'en' else RISK_LABELS_ID[m.risk]}[/]",
                f"{m.mark.name}\n[dim]{m.mark.id}[/]",
                ",".join(map(str, m.mark.classes)) or "-",
                m.mark.status,
                "\n".join(r.text(lang) for r in m.reasons[:4]),
            )
        out.print(table)
    for n in v.notes:
        out.print(f"[dim]{n.text(lang)}[/]")


@app.command("check")
def check_cmd(
    name: Annotated[str | None, typer.Argument(help="The brand name to check.")] = None,
    logo: Annotated[
        Path | None, typer.Option("--logo", help="Logo image (PNG, JPEG, WebP, GIF, BMP, TIFF, SVG).")
    ] = None,
    classes: Annotated[
        list[str] | None, typer.Option("--class", "-c", help="Nice class (repeatable).")
    ] = None,
    index: IndexOpt = None,
    top: Annotated[int, typer.Option("--top", "-k", min=1, max=200)] = 10,
    as_json: JsonOpt = False,
    queries: Annotated[
        Path | None, typer.Option("--queries", help="CSV of queries: name,classes,logo.")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="id (Bahasa Indonesia) or en.")] = "id",
    report: Annotated[
        Path | None, typer.Option("--report", help="Write a self-contained HTML report.")
    ] = None,
    logo_max_distance: Annotated[
        list[str] | None,
        typer.Option(
            "--logo-max-distance",
            help="HASH=BITS: judge a logo hash (phash, shape, dhash) by this threshold instead of the calibrated one "
            "(repeatable; e.g. phash=10 for stricter).",
        ),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Check a name and/or logo against the registry and say how risky filing it is."""
    if lang not in ("id", "en"):
        _fail(f"--lang is {lang!r} — use id or en")
    limits = _logo_limits(logo_max_distance or [])
    idx = _open(index, quiet)
    if queries is not None:
        _check_batch(idx, queries, top, lang, as_json, limits)
        return
    if not name and logo is None:
        _fail("give a NAME, --logo FILE, or both (or --queries FILE for many)")
    try:
        result = check(
            idx, name, logo=str(logo) if logo else None, classes=classes or (), top=top, logo_max_distance=limits
        )
    except ValueError as e:
        _fail(str(e))
    if report is not None:
        from .report import write_report

        write_report(result, report, lang=lang, index=idx, query_logo=str(logo) if logo else None)
        if not quiet:
            err.print(f"report written to {report}")
    if as_json:
        sys.stdout.write(result.to_json(lang) + "\n")
    else:
        _print_result(result, lang)


def _logo_limits(items: list[str]) -> dict[str, int]:
    """``--logo-max-distance phash=10`` as {"phash": 10}; a clear error for anything else."""
    try:
        return parse_logo_max_distance(items)
    except ValueError as e:
        _fail(f"--logo-max-distance: {e}")


def _check_batch(
    idx: MarkIndex, queries: Path, top: int, lang: str, as_json: bool, limits: dict[str, int] | None = None
) -> None:
    """One JSON object per CSV row, in input order; a bad row gives an object with an ``error`` field."""
    try:
        f = open(queries, encoding="utf-8", errors="surrogateescape", newline="")  # noqa: SIM115
    except OSError as e:
        _fail(f"cannot read {queries}: {e.strerror}")
    with f:
        tape = LineTape(f)
        reader = csv.DictReader(tape)
        if not reader.fieldnames or "name" not in [h.strip().lower() for h in reader.fieldnames]:
            _fail(f"{queries} needs a header with a name column (name,classes,logo)")
        base = queries.resolve().parent
        for line, row, error in csv_rows(reader, tape):
            if error is not None:
                _emit({"query": {"name": "", "line": line}, "error": error}, line, "", as_json)
                continue
            row = {(k or "").strip().lower(): (v or "") for k, v in row.items()}
            name = row.get("name", "").strip()
            logo = row.get("logo", "").strip() or None
            if logo and not logo.startswith("simple-icons:") and not Path(logo).is_absolute():
                logo = str(base / logo)
            try:
                name.encode("utf-8")
                result = check(
                    idx, name or None, logo=logo, classes=row.get("classes", ""), top=top, logo_max_distance=limits
                )
                obj = result.to_dict(lang)
            except (ValueError, UnicodeEncodeError) as e:
                msg = (
                    "not valid UTF-8 — re-save the file as UTF-8"
                    if isinstance(e, UnicodeEncodeError)
                    else str(e)
                )
                obj = {
                    "query": {"name": name.encode("utf-8", "replace").decode("utf-8"), "line": line},
                    "error": msg,
                }
            _emit(obj, line, name, as_json)


def _emit(obj: dict[str, Any], line: int, name: str, as_json: bool) -> None:
    """One batch answer: a JSON line, or a short readable line."""
    if as_json:
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    else:
        out.print(f"line {line}: {obj.get('error') or obj['verdict']['risk']} — {name}")


@index_app.command("build")
def index_build(
    registry: Annotated[Path, typer.Argument(help="Registry file: CSV/TSV, JSONL or Parquet.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Index folder to write.")],
    mapping: Annotated[
        list[str] | None, typer.Option("--map", help="Column mapping HEADER=canonical.")
    ] = None,
    quiet: QuietOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Build an index from a registry file (bad rows are reported with their line numbers and skipped)."""
    from .registry import RegistryError

    maps = _parse_mapping(mapping)
    try:
        total = _count_rows(registry)
        with _progress(total, "indexing", quiet) as advance:
            idx, rep = build_index(
                registry,
                out_dir,
                mapping=maps,
                progress=advance,
                describe_progress=lambda total, label: _progress(total, label, quiet),
            )
    except RegistryError as e:
        _fail(str(e))
    _report_import(rep, quiet, as_json, idx)


def _count_rows(path: Path) -> int:
    try:
        with open(path, "rb") as f:
            return max(sum(1 for _ in f) - 1, 0)
    except OSError:
        return 0


def _parse_mapping(items: list[str] | None) -> dict[str, str] | None:
    if not items:
        return None
    out_map = {}
    for item in items:
        if "=" not in item:
            _fail(f"--map {item!r} — write it as 'Header In File=canonical', e.g. 'Nama Merek=name'")
        k, v = item.split("=", 1)
        out_map[k.strip()] = v.strip()
    return out_map


def _report_import(rep: Any, quiet: bool, as_json: bool, idx: MarkIndex) -> None:
    if as_json:
        sys.stdout.write(
            json.dumps(
                {
                    "summary": rep.summary(),
                    "rows": rep.rows,
                    "imported": len(rep.marks),
                    "errors": [e.__dict__ for e in rep.errors],
                    "index": idx.info(),
                },
                ensure_ascii=False,
            )
            + "\n"
        )
        return
    if not quiet:
        for e in rep.errors[:50]:
            err.print(f"[yellow]skipped[/yellow] {e}")
        if len(rep.errors) > 50:
            err.print(f"… and {len(rep.errors) - 50} more skipped rows (use --json for all)")
        err.print(rep.summary() + f"; index now holds {len(idx)} marks at {idx.path}")


@index_app.command("add")
def index_add(
    registry: Annotated[Path, typer.Argument(help="Registry file with the marks to add or replace.")],
    index: Annotated[Path, typer.Option("--index", "-i", help="Index folder.")],
    mapping: Annotated[list[str] | None, typer.Option("--map")] = None,
    quiet: QuietOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Add marks (an existing id is replaced) without rebuilding the index."""
    from .registry import read_registry

    idx = _open(index, quiet)
    rep = read_registry(registry, mapping=_parse_mapping(mapping))
    idx.update(rep.marks)
    idx.save()
    _report_import(rep, quiet, as_json, idx)


@index_app.command("remove")
def index_remove(
    ids: Annotated[list[str], typer.Argument(help="Mark ids to remove.")],
    index: Annotated[Path, typer.Option("--index", "-i", help="Index folder.")],
    quiet: QuietOpt = False,
) -> None:
    """Remove marks by id without rebuilding the index."""
    idx = _open(index, quiet)
    n = idx.remove(ids)
    idx.save()
    if not quiet:
        err.print(f"removed {n} of {len(ids)} ids; index now holds {len(idx)} marks")


@index_app.command("info")
def index_info(index: IndexOpt = None, as_json: JsonOpt = False, quiet: QuietOpt = False) -> None:
    """Size, format version and provenance of an index."""
    idx = _open(index, quiet)
    info = idx.info()
    if as_json:
        sys.stdout.write(json.dumps(info, ensure_ascii=False) + "\n")
    else:
        for k, v in info.items():
            out.print(f"{k}: {v}")


# Front ends that live in their own modules; they import their optional dependencies only when run.
from .service.cli import serve_command  # noqa: E402
from .sweep.cli import sweep_command  # noqa: E402

app.command("serve")(serve_command)
app.command("sweep")(sweep_command)


@app.command("version")
def version() -> None:
    """Print the version."""
    out.print(__version__)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
