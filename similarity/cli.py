"""The ``similarity`` command: thin front end over the library (parse, call, format).

similarity check "Kopi Kenangan" --class 30 --class 43
similarity check --queries queries.csv --index DIR --json
similarity index build registry.csv --out DIR
"""

from __future__ import annotations

import contextlib
import csv
import gc
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from . import __version__
from .build import build_index, open_index
from .cli_output import print_result
from .explain import risk_label
from .goods import classes_for_goods
from .io.csv_records import LineTape, csv_rows, malformed_record
from .messages import error_text, os_reason
from .messages import message as message_text
from .pipeline import check, parse_logo_max_distance
from .store.index import MarkIndex

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Trademark pre-check: is a brand name or logo similar to a registered mark?",
)
index_app = typer.Typer(no_args_is_help=True, help="Build and maintain mark indexes.")
app.add_typer(index_app, name="index")

err = Console(stderr=True)
out = Console()

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


def _open(index: Path | None, quiet: bool, lang: str = "en") -> MarkIndex:
    from .store.files import IndexFormatError

    try:
        return open_index(index, progress_factory=lambda total, label: _progress(total, label, quiet))
    except IndexFormatError as e:
        _fail(error_text(e, lang), lang=lang)


def _fail(message: str, code: int = 2, lang: str = "en") -> None:
    err.print(f"[red]{message_text('error', lang)}:[/red] {message}", highlight=False)
    raise typer.Exit(code)


@app.command("check")
def check_cmd(
    name: Annotated[str | None, typer.Argument(help="The brand name to check.")] = None,
    logo: Annotated[
        Path | None, typer.Option("--logo", help="Logo image (PNG, JPEG, WebP, GIF, BMP, TIFF, SVG).")
    ] = None,
    classes: Annotated[
        list[str] | None, typer.Option("--class", "-c", help="Nice class (repeatable).")
    ] = None,
    goods: Annotated[
        list[str] | None,
        typer.Option("--goods", "-g", help="What you sell, in words (repeatable): keripik, hijab, laundry … — adds "
                     "its Nice classes to --class."),
    ] = None,
    index: IndexOpt = None,
    top: Annotated[int, typer.Option("--top", "-k", min=1, max=200, help="Matches to show.")] = 10,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many matches (the next page).")] = 0,
    status: Annotated[
        list[str] | None,
        typer.Option("--status", help="Show only marks with this status (repeatable): registered, pending, "
                     "refused, expired."),
    ] = None,
    filter_class: Annotated[
        list[int] | None, typer.Option("--filter-class", help="Show only marks in this Nice class (repeatable).")
    ] = None,
    sort: Annotated[str, typer.Option("--sort", help="score (best first) or date (earliest filing first).")] = "score",
    as_json: JsonOpt = False,
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="Write the matches shown to a CSV file (one row per match).")
    ] = None,
    wide: Annotated[
        bool | None,
        typer.Option("--wide/--compact", help="A table, or one line per match (default: by the terminal's width)."),
    ] = None,
    queries: Annotated[
        Path | None, typer.Option("--queries", help="CSV of queries: name,classes,logo.")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="id (Bahasa Indonesia) or en: output and errors.")] = "id",
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
    from .results import fetch_size, select, shown, view_dict, write_csv

    if lang not in ("id", "en"):
        _fail(message_text("bad_lang", "en", value=lang))
    limits = _logo_limits(logo_max_distance or [], lang)
    try:
        query_classes = [*(classes or ()), *map(str, classes_for_goods(goods or ()))]
    except ValueError as e:
        _fail(error_text(e, lang), lang=lang)
    idx = _open(index, quiet, lang)
    if logo is not None or queries is not None:
        from .image.sandbox import warm_pool

        warm_pool()  # the logo decoder starts while the index loads
    if queries is not None:
        _check_batch(idx, queries, top, lang, as_json, limits)
        return
    if not name and logo is None:
        _fail(message_text("need_query", lang), lang=lang)
    filtered = bool(status or filter_class or sort != "score")
    try:
        result = check(idx, name, logo=str(logo) if logo else None, classes=query_classes,
                       top=fetch_size(offset, top, filtered), logo_max_distance=limits)
        view = select(result, statuses=status or (), classes=filter_class or (), sort=sort, offset=offset, top=top)
    except ValueError as e:
        _fail(error_text(e, lang), lang=lang)
    if report is not None:
        from .report import write_report

        write_report(shown(result, view), report, lang=lang, index=idx, query_logo=str(logo) if logo else None)
        if not quiet:
            err.print(message_text("report_written", lang, path=report), highlight=False)
    if csv_out is not None:
        try:
            write_csv(result, view.matches, csv_out, lang, start=offset + 1)
        except OSError as e:
            _fail(message_text("cannot_write", lang, path=csv_out, reason=os_reason(e, lang)), lang=lang)
        if not quiet:
            err.print(message_text("csv_written", lang, n=len(view.matches), path=csv_out), highlight=False)
    if as_json:
        sys.stdout.write(json.dumps(view_dict(result, view, lang), ensure_ascii=False) + "\n")
    else:
        print_result(out, result, view, lang, wide)


def _logo_limits(items: list[str], lang: str = "en") -> dict[str, int]:
    """``--logo-max-distance phash=10`` as {"phash": 10}; a clear error for anything else."""
    try:
        return parse_logo_max_distance(items)
    except ValueError as e:
        _fail(f"--logo-max-distance: {error_text(e, lang)}", lang=lang)


def _check_batch(
    idx: MarkIndex, queries: Path, top: int, lang: str, as_json: bool, limits: dict[str, int] | None = None
) -> None:
    """One JSON object per CSV row, in input order; a bad row gives an object with an ``error`` field."""
    try:
        f = open(queries, encoding="utf-8", errors="surrogateescape", newline="")  # noqa: SIM115
    except OSError as e:
        _fail(message_text("cannot_read", lang, path=queries, reason=os_reason(e, lang)), lang=lang)
    with f:
        tape = LineTape(f)
        reader = csv.DictReader(tape)
        try:
            header = reader.fieldnames
        except csv.Error as e:  # a 1 MB first line: said as the rows after it would be, not a traceback
            why = error_text(malformed_record(e), lang)
            _fail(message_text("queries_bad_header", lang, path=queries, why=why), lang=lang)
        if not header or "name" not in [h.strip().lower() for h in header]:
            _fail(message_text("queries_header", lang, path=queries), lang=lang)
        base = queries.resolve().parent
        # the loaded index lives as long as the batch: out of the cyclic collector's sight, whose full collections
        # walked all of it (~0.3 s at 100k marks, 0.3 ms a check over a thousand fresh checks)
        gc.freeze()
        for line, row, error in csv_rows(reader, tape):
            if error is not None:
                _emit({"query": {"name": "", "line": line}, "error": error_text(error, lang)}, line, "", as_json, lang)
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
                msg = error_text("not valid UTF-8 — re-save the file as UTF-8" if isinstance(e, UnicodeEncodeError)
                                 else e, lang)
                obj = {
                    "query": {"name": name.encode("utf-8", "replace").decode("utf-8"), "line": line},
                    "error": msg,
                }
            _emit(obj, line, name, as_json, lang)


def _emit(obj: dict[str, Any], line: int, name: str, as_json: bool, lang: str = "id") -> None:
    """One batch answer: a JSON line, or a short readable line."""
    if as_json:
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    else:
        word = "line" if lang == "en" else "baris"
        out.print(f"{word} {line}: {obj.get('error') or risk_label(obj['verdict']['risk'], lang)} — {name}",
                  highlight=False)


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
    from .io.registry import RegistryError

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
                    "warnings": [e.__dict__ for e in rep.warnings],
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
        for e in rep.warnings[:50]:
            err.print(f"[yellow]imported without its logo[/yellow] {e}")
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
    from .io.registry import RegistryError, read_registry

    _open(index, quiet)  # a clear error for a folder that is not an index, before the registry is read
    try:
        rep = read_registry(registry, mapping=_parse_mapping(mapping))
    except RegistryError as e:
        _fail(str(e))
    _, idx = _write(index, lambda ix: ix.update(rep.marks))
    _report_import(rep, quiet, as_json, idx)


@index_app.command("remove")
def index_remove(
    ids: Annotated[list[str], typer.Argument(help="Mark ids to remove.")],
    index: Annotated[Path, typer.Option("--index", "-i", help="Index folder.")],
    quiet: QuietOpt = False,
) -> None:
    """Remove marks by id without rebuilding the index."""
    _open(index, quiet)
    n, idx = _write(index, lambda ix: ix.remove(ids))
    if not quiet:
        err.print(f"removed {n} of {len(ids)} ids; index now holds {len(idx)} marks")


def _write(index: Path, change: Any) -> tuple[Any, MarkIndex]:
    """Load-change-save under the folder's write lock (the one the server and the library take too)."""
    from .store.files import IndexFormatError
    from .store.generations import update_index

    try:
        return update_index(index, change)
    except IndexFormatError as e:
        _fail(str(e))
        raise  # unreachable: _fail exits


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
