"""The Indel ratio and the partial ratio of a query against an index's packed string columns: the compiled kernel
(similarity/score/_ratios.c) gives rapidfuzz's very float32 numbers, on seeded random columns (empty strings, NULs
inside, strings kept aside for being long or not ASCII, queries of 0 to 64 bytes) and through `name_factors` on the
demo registry, every factor equal with the kernel and without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from similarity.candidates.names import name_candidates
from similarity.score import names
from similarity.score.names import kernel_fits, name_factors, packed_partial_ratios, packed_ratios
from similarity.store.columns import StringColumn
from similarity.text.encode import encode_name
from similarity.text.score import _may_align, containment

needs_kernel = pytest.mark.skipif(
    names._ratios is None,
    reason="the compiled kernel similarity/score/_ratios*.so is not built (pip install -e . builds it; without a C "
    "compiler rapidfuzz alone runs)",
)

ALPHABET = list("aeioubkmnrst0129 -") + ["\0", "é", "ñ"]


def pick(rng: np.random.Generator, letters: list[str], size: int) -> str:
    """``size`` letters drawn from ``letters`` (by index: numpy's own strings would drop a NUL)."""
    return "".join(letters[i] for i in rng.integers(0, len(letters), size))


def random_strings(rng: np.random.Generator, n: int) -> list[str]:
    out = []
    for _ in range(n):
        size = int(rng.choice([0, 1, 3, 8, 20, 31, 32, 33, 45]))
        out.append(pick(rng, ALPHABET[:-2] if rng.random() < 0.9 else ALPHABET, size))
    return out


def rapidfuzz_ratios(query: str, strings: list) -> np.ndarray:
    """What `similarity.text.score._cdist` gives with ``fuzz.ratio``: the reference."""
    return process.cdist([query], strings, scorer=fuzz.ratio, dtype=np.float32, workers=1)[0] / 100.0


@needs_kernel
@pytest.mark.parametrize("seed", range(6))
def test_the_kernel_gives_rapidfuzzs_ratios_on_random_columns(seed):
    rng = np.random.default_rng(seed)
    strings = random_strings(rng, 3_000)
    column = StringColumn(strings)
    assert len(column.unpacked(np.arange(len(column)))) > 0  # some rows are kept aside: both paths are exercised
    assert sum("\0" in s for s in strings) > 100  # NULs inside packed strings are letters like any other
    for size in [0, 1, 2, 5, 17, 31, 32, 33, 63, 64]:
        # ASCII (what `kernel_fits` lets through), a NUL in some: the kernel reads those one row at a time
        query = pick(rng, ALPHABET[:-3] if size % 2 else ALPHABET[:-2], size)
        rows = rng.choice(len(column), int(rng.integers(0, 600)))  # repeats and any order
        got = packed_ratios(query, column, rows)
        expected = rapidfuzz_ratios(query, column.take(rows)) if len(rows) else np.zeros(0, np.float32)
        assert got.dtype == np.float32
        assert got.tobytes() == expected.tobytes(), (seed, query)


@needs_kernel
@pytest.mark.parametrize("letters", ["ab", "abcde", "aeioukmnrstl", "abcdefghijklmnopqrstuvwxyz0123 "])
def test_the_kernel_gives_rapidfuzzs_partial_ratios(letters):
    """Every window rapidfuzz reads (prefixes, windows, suffixes, the other way round for one length), with its skips
    and its cutoff: few letters make many windows tie or reach 100, many letters make few match."""
    rng = np.random.default_rng(len(letters))
    strings = ["".join(rng.choice(list(letters), int(rng.integers(0, 33)))) for _ in range(2_000)]
    strings += ["x" * 40, "lexús"]  # kept aside: rapidfuzz's own path
    column = StringColumn(strings)
    for _ in range(60):
        query = "".join(rng.choice(list(letters), int(rng.integers(0, 65 if rng.random() < 0.2 else 17))))
        rows = np.concatenate([rng.choice(len(column), 200), [len(column) - 2, len(column) - 1]])
        for floor in (0.0, 0.5, 0.7, 0.9):
            got = packed_partial_ratios(query, column, rows, floor)
            expected = process.cdist([query], column.take(rows), scorer=fuzz.partial_ratio, dtype=np.float32,
                                     workers=1, score_cutoff=100 * floor)[0] / 100.0
            assert got.tobytes() == expected.tobytes(), (query, floor)


@needs_kernel
def test_the_kernel_refuses_what_it_cannot_score():
    column = StringColumn(["aqua", "kopi"])
    width = column.packed.dtype.itemsize
    with pytest.raises(ValueError):
        names._ratios.indel_ratios(b"x" * 65, column.packed, width, np.zeros(1, np.int64))
    with pytest.raises(IndexError):
        names._ratios.indel_ratios(b"aqua", column.packed, width, np.array([2], np.int64))
    with pytest.raises(ValueError):
        names._ratios.partial_ratios(b"x" * 65, column.packed, width, np.zeros(1, np.int64), 0.0)
    with pytest.raises(IndexError):
        names._ratios.partial_ratios(b"aqua", column.packed, width, np.array([-1], np.int64), 0.0)
    assert not kernel_fits(encode_name("x" * 70), kernel=True)
    assert not kernel_fits(encode_name("aqua"), kernel=False)


@pytest.fixture(scope="module")
def demo_index():
    from similarity.build import open_index

    return open_index()


@needs_kernel
def test_name_factors_are_the_same_with_and_without_the_kernel(demo_index, monkeypatch):
    """Every factor and ratio of the candidates of varied queries, bit for bit (the rank-limited first pass too)."""
    queries = ["Gudmilq", "Indomie Goreng", "Kopi Kenangan Senja", "aqua", "PS", "Sosro", "Prolexus", "Sari Roti",
               "Teh Botol", "Bank Mandiri Syariah", "Geprek Bensu", "Café Àlà"]
    for query in queries:
        code = encode_name(query)
        rows, dom = name_candidates(demo_index, code)
        for best in (0, 10):
            rank = (lambda x: x) if best else None
            got = {}
            for kernel in (True, False):
                monkeypatch.setattr(names, "KERNEL", kernel)
                got[kernel] = name_factors(demo_index, code, rows, dom, rank=rank, best=best)
            for field in ("sight", "sound", "meaning", "dominant", "plain_sight"):
                assert getattr(got[True], field).tobytes() == getattr(got[False], field).tobytes(), (query, field)
            for a, b in zip(got[True].ratios, got[False].ratios, strict=True):
                assert a.tobytes() == b.tobytes(), query


@pytest.mark.parametrize("seed", range(4))
def test_containment_from_the_ratios_is_containment(seed):
    """The alignment skipped where the Indel ratio bounds it below the floor changes no containment: random cores
    built from pieces of the query, edited (so that many alignments fall near the floor on both sides)."""
    rng = np.random.default_rng(seed)
    letters = list("aeioukmnrstlbg")
    found = skipped = 0
    for _ in range(40):
        q = "".join(rng.choice(letters, int(rng.integers(4, 16))))
        choices: list[str] = []
        for _ in range(300):
            piece = q[int(rng.integers(0, len(q))):][: int(rng.integers(1, len(q) + 1))]
            chars = list("".join(rng.choice(letters, int(rng.integers(0, 6)))) + piece
                         + "".join(rng.choice(letters, int(rng.integers(0, 6)))))
            for _ in range(int(rng.integers(0, 3))):  # a few edits
                chars[int(rng.integers(0, len(chars)))] = str(rng.choice(letters))
            choices.append("".join(chars))
        ratios = rapidfuzz_ratios(q, choices)
        lengths = np.array([len(c) for c in choices], dtype=np.float32)
        with_ratios = containment(q, choices, (q,), lambda i, c=choices: (c[i],), ratios=ratios)
        assert with_ratios.tobytes() == containment(q, choices, (q,), lambda i, c=choices: (c[i],)).tobytes(), q
        found += int((with_ratios > 0).sum())
        skipped += int((~_may_align(ratios, lengths + len(q), np.minimum(lengths, len(q)))).sum())
    assert found > 100 and skipped > 100  # containment was found, and alignments were skipped


def test_the_environment_variable_forces_the_plain_paths():
    """SIMILARITY_NO_KERNEL=1 turns off the compiled ratios and the compiled tree walk, as it does the others."""
    code = "from similarity.score import names; from similarity.verdict import model; print(names.KERNEL, model.KERNEL)"
    root = str(Path(names.__file__).resolve().parents[2])  # this checkout, installed or not
    env = {**os.environ, "SIMILARITY_NO_KERNEL": "1", "PYTHONPATH": os.pathsep.join([root, os.environ.get(
        "PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
    env.pop("SIMILARITY_NO_KERNEL")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    from similarity.verdict import model

    assert out.stdout.split() == [str(names._ratios is not None), str(model._trees is not None)]
