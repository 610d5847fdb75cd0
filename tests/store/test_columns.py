"""Packed string columns: what goes in comes out, and the scores read from them are the scores of the strings."""

from __future__ import annotations

import random

import numpy as np
import pytest

from similarity import Mark, MarkIndex, check
from similarity.store.columns import WIDTH, StringColumn
from similarity.text.encode import encode_name
from similarity.text.score import as_text, score_names, score_strings


def test_every_string_comes_back_as_it_went_in():
    rng = random.Random(1)
    strings = ["", "a", "x" * WIDTH, "y" * (WIDTH + 1), "kopí", "宜家家居", "ñandú" * 10, "mono bank", "nul\0"]
    strings += ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789 ") for _ in range(rng.randint(0, 50)))
                for _ in range(500)]
    col = StringColumn(strings[:100])
    col.extend(strings[100:])
    assert len(col) == len(strings)
    assert list(col) == strings and [col[i] for i in range(-3, 0)] == strings[-3:] and col[2:9:3] == strings[2:9:3]
    rows = np.array(rng.sample(range(len(strings)), 200))
    assert [as_text(s) for s in col.take(rows)] == [strings[i] for i in rows]
    assert col.take(np.zeros(0, dtype=np.int64)) == []
    with pytest.raises(IndexError):
        col[len(strings)]


def test_scores_are_the_same_from_packed_bytes_and_from_str():
    names = ["Goodmilk", "Indoqua", "Aqua", "Mono Bank Indonesia", "Kenanga Elok", "宜家家居 IKEA",
             "Prolexus", "Lexus", "Sari Roti Kupas Lembut Sekali Enak Dan Murah Meriah"]
    codes = [encode_name(n) for n in names]
    col = {f: StringColumn(getattr(c, f) for c in codes) for f in ("core", "compact", "sound")}
    rows = np.arange(len(codes))
    for query in ("GudMilq", "Aqua", "Mono", "Kenang", "IKEA", "Lexus", "Sari Roti"):
        q = encode_name(query)
        packed = score_strings(q, *(col[f].take(rows) for f in ("core", "compact", "sound")),
                               [c.concept for c in codes], None, lambda i: codes[i].core_tokens)
        plain = score_names(q, codes)
        for factor in ("sight", "sound", "meaning"):
            assert np.array_equal(getattr(packed, factor), getattr(plain, factor)), (query, factor)


def test_an_index_finds_names_that_do_not_pack(tmp_path):
    """Names longer than `WIDTH` once normalised (the normaliser leaves only ASCII letters and digits) are kept aside
    and scored the same, in a built index and in one loaded from disk."""
    long_name = "Warung Makan Sederhana Bu Sri Asli Nikmat Sekali Rasanya"
    assert len(encode_name(long_name).compact) > WIDTH
    index = MarkIndex()
    index.add([Mark(id="1", name=long_name), Mark(id="2", name="Kopi Kenangan")])
    index.save(tmp_path / "idx")
    for idx in (index, MarkIndex.load(tmp_path / "idx")):
        top = check(idx, long_name.upper(), top=2).matches
        assert top[0].mark.id == "1" and top[0].factors.sight == pytest.approx(1.0) and top[0].risk == "high"
