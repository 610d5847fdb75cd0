"""Reading CSV without losing rows: a record the ``csv`` module refuses, or a quote left open that swallows the lines
after it, is reported on its line and the lines it swallowed are read again on their own (used by the registry
reader, :mod:`.registry`; the sweep reads listings by byte ranges, :mod:`.listings`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any


class LineTape:
    """The lines a ``csv`` reader reads, kept from the start of the record being read, so :func:`csv_rows` can read
    a record's lines again one by one; the file itself is still streamed.

    >>> tape = LineTape(["a,b" + chr(10), "c,d" + chr(10)])
    >>> [line.strip() for line in tape], tape.line(2).strip()
    (['a,b', 'c,d'], 'c,d')
    """

    def __init__(self, lines: Iterable[str]) -> None:
        self._source, self._first = lines, 1
        self._kept: list[str] = []

    def __iter__(self) -> Iterator[str]:
        for line in self._source:
            self._kept.append(line)
            yield line

    def line(self, number: int) -> str:
        """Line ``number`` (1-based) of those not yet forgotten."""
        return self._kept[number - self._first]

    def forget_before(self, number: int) -> None:
        """Drop the lines before ``number``: their records are done."""
        del self._kept[: max(0, number - self._first)]
        self._first = max(self._first, number)


def csv_rows(
    reader: Any, tape: LineTape | None = None, width: int | None = None
) -> Iterator[tuple[int, Any, str | None]]:
    """``(line, row, None)`` per record of a ``csv`` reader, or ``(line, None, reason)`` for a record the csv module
    refuses (a field over its size limit, a NUL byte): the bad record is reported and reading goes on.

    With the :class:`LineTape` the reader reads and the header's ``width`` (a DictReader knows it), a quote left
    open — the csv module then reads the following lines into one field up to the next quote — is reported on its
    line, and the lines it swallowed are read again on their own, so they are not lost. A record counts as such
    when one of the lines inside its field is a whole record by itself; a quoted field that merely spans lines
    ("Multi⏎Line") is kept.

    >>> import csv, io
    >>> text = chr(10).join(["a", "x" * 200_000, "b"])  # one field over the csv module's limit
    >>> [(n, err is None) for n, _, err in csv_rows(csv.reader(io.StringIO(text)))]
    [(1, True), (2, False), (3, True)]
    >>> tape = LineTape(['A1,"Aqua' + chr(10), 'A2,Indomie' + chr(10), 'A3,Sari Roti' + chr(10)])
    >>> [(n, row or err[:29]) for n, row, err in csv_rows(csv.reader(tape), tape, width=2)]
    [(1, 'a quote opened on line 1 is n'), (2, ['A2', 'Indomie']), (3, ['A3', 'Sari Roti'])]
    >>> tape = LineTape(["name" + chr(10), "Aqua" + chr(10), chr(10), "Indomie" + chr(10)])  # a DictReader skips
    >>> [(n, row, err) for n, row, err in csv_rows(csv.DictReader(tape), tape)]  # the empty line: no open quote
    [(2, {'name': 'Aqua'}, None), (4, {'name': 'Indomie'}, None)]
    """
    inner = getattr(reader, "reader", reader)  # a DictReader's own count lags until a record is done
    fieldnames = getattr(reader, "fieldnames", None)
    width = len(fieldnames) if fieldnames else width
    previous = inner.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            previous = inner.line_num
            yield previous, None, malformed_record(e)
            continue
        first, last, previous = previous + 1, inner.line_num, inner.line_num
        swallowed: list[tuple[int, str, list[str] | str]] = []
        open_at_end = False
        if tape is not None:
            while first < last and not tape.line(first).rstrip("\r\n"):
                first += 1  # an empty line the reader skipped before the record is no part of it

            for n in range(first + 1, last + 1):
                swallowed.append((n, tape.line(n), _read_line(tape.line(n), inner.dialect)))
            open_at_end = _open_at_end(row, tape, first, last, inner.dialect)
            tape.forget_before(last + 1)
        if not open_at_end and not any(isinstance(fields, list) and len(fields) == width for _, _, fields in swallowed):
            yield last, row, None
            continue
        yield (
            first,
            None,
            f"a quote opened on line {first} is not closed before the end of the file — close or remove that quote"
            if first == last
            else f"a quote opened on line {first} is not closed, so lines {first}-{last} ran into one field — close "
            f"or remove that quote; {_line_range(first + 1, last)} read again on its own",
        )
        for number, line, fields in swallowed:
            if isinstance(fields, str):
                yield number, None, fields
            elif fields and fieldnames is None:
                yield number, fields, None
            elif fields:  # the dict the caller's DictReader makes of this line on its own
                again = csv.DictReader([line], fieldnames, reader.restkey, reader.restval, dialect=inner.dialect)
                yield number, next(again), None


def _open_at_end(row: Any, tape: LineTape, first: int, last: int, dialect: Any) -> bool:
    """Whether the record on lines ``first``-``last`` is a quote left open at the end of the file: the csv module
    then ends the field at the end of the data, line break and all, without a word (``"Aqua,30`` read as the name
    ``Aqua,30``, its classes lost); read again strictly, its lines end inside the quote.

    >>> tape = LineTape(['"Aqua,30' + chr(10)]); _ = list(tape)
    >>> _open_at_end(["Aqua,30" + chr(10)], tape, 1, 1, csv.excel)
    True
    >>> tape = LineTape(['"Multi' + chr(10), 'Line",30' + chr(10)]); _ = list(tape)
    >>> _open_at_end(["Multi" + chr(10) + "Line", "30"], tape, 1, 2, csv.excel)
    False
    """
    values = row.values() if isinstance(row, dict) else row
    if not any(isinstance(v, str) and v.endswith(("\n", "\r")) for v in values):
        return False  # a closed field keeps no trailing line break of the record's own: the usual case, at once
    try:
        for _ in csv.reader([tape.line(n) for n in range(first, last + 1)], dialect=dialect, strict=True):
            pass
    except csv.Error:
        return True
    return False


def malformed_record(error: csv.Error) -> str:
    """Why a CSV record could not be read, and what to check (quoting, field length)."""
    return f"malformed CSV record ({error}) — check its quoting and the length of its fields"


def _read_line(line: str, dialect: Any) -> list[str] | str:
    """One line parsed on its own: its fields, or the reason it cannot be read."""
    try:
        return next(csv.reader([line], dialect=dialect), [])
    except csv.Error as e:
        return malformed_record(e)


def _line_range(first: int, last: int) -> str:
    return f"line {first} is" if first == last else f"lines {first}-{last} are each"
