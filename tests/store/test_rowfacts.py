"""Per-row facts (similarity/store/rows.py): the arrays the check reads per candidate equal the per-mark lookups they
replace, are saved with the index, and are recomputed for an index saved without them or with another famous list."""

import json

import numpy as np
import pytest

from similarity import Mark, MarkIndex
from similarity.famous import famous_marks, is_famous
from similarity.pipeline import check
from similarity.store.rows import RowFacts, famous_flags, status_weights
from similarity.verdict.status import STATUS_WEIGHT

MARKS = [
    Mark(id="1", name="Indomie", classes=(30,), logo="simple-icons:github"),
    Mark(id="2", name="Indomi", classes=(30,)),
    Mark(id="3", name="KOPI-KAPAL API", classes=(30,), status="expired"),
    Mark(id="4", name="Hermès", classes=(18,), status="refused"),
    Mark(id="6", name="x" * 40 + " kopí", classes=()),
    Mark(id="5", name="Kopi Senja", classes=(43,), status="pending"),
]


def test_famous_flags_equal_is_famous():
    names = [m.name for m in famous_marks()] + [m.name.upper() + "!" for m in famous_marks()]
    names += ["Kopi Senja", "", "  ", "Café Ñandú", "indomie goreng", "İndomie", "coca\u2011cola", "Ａｑｕａ"]
    assert famous_flags(names).tolist() == [is_famous(n) is not None for n in names]


def test_status_weights_equal_the_table():
    from similarity.store.rows import STATUS_CODES

    codes = np.array(list(STATUS_CODES.values()), dtype=np.int8)
    expected = np.array([STATUS_WEIGHT[s] for s in STATUS_CODES], dtype=np.float32)
    assert status_weights(codes).tolist() == expected.tolist()


def test_index_reads_fame_and_status_per_row(tmp_path):
    index = MarkIndex()
    index.add(MARKS)
    rows = np.array([index.row_of(m.id) for m in MARKS])
    assert index.rows.famous_at(rows).tolist() == [is_famous(m.name) is not None for m in MARKS]
    assert [index.rows.statuses(rows[i : i + 1])[0] for i in range(len(rows))] == [m.status for m in MARKS]
    index.save(tmp_path / "idx")
    loaded = MarkIndex.load(tmp_path / "idx")
    assert loaded.rows.famous_at(rows).tolist() == index.rows.famous_at(rows).tolist()


def _drop_facts(folder):
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / manifest["files"].pop("facts")["name"]).unlink()
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_an_index_saved_without_row_facts_computes_them_on_load(tmp_path):
    folder = tmp_path / "old"
    index = MarkIndex()
    index.add(MARKS)
    index.save(folder)
    before = check(index, "Indomei", classes=[43])
    read = MarkIndex.load(folder).rows.arrays()  # read from the row facts
    _drop_facts(folder)  # as an index written before the row facts existed
    old = MarkIndex.load(folder)
    derived = old.rows.arrays()
    assert read.keys() == derived.keys()
    for key in read:
        assert read[key].dtype == derived[key].dtype and np.array_equal(read[key], derived[key]), key
    rows = np.array([old.row_of(m.id) for m in MARKS])
    assert old.rows.famous_at(rows).tolist() == [True, False, True, True, False, False]
    assert check(old, "Indomei", classes=[43]) == before
    old.save(folder)  # and the next save writes them
    assert "facts" in json.loads((folder / "manifest.json").read_text())["files"]


def test_fame_stored_with_another_famous_list_is_recomputed(tmp_path, monkeypatch):
    import similarity.store.rows as rowfacts

    folder = tmp_path / "idx"
    index = MarkIndex()
    index.add(MARKS)
    monkeypatch.setattr(rowfacts, "famous_list_digest", lambda: "0" * 12)
    index.rows.facts.famous[:] = False  # what an older list would have said
    index.save(folder)
    monkeypatch.undo()
    loaded = MarkIndex.load(folder)
    assert loaded.rows.famous_at(np.array([0, 1, 2])).tolist() == [True, False, True]


def test_row_facts_refuse_a_short_name_list(tmp_path):
    with pytest.raises(ValueError, match="3 rows"):
        RowFacts.read(None, ["Aqua"], 3)


def test_a_famous_mark_in_an_unrelated_class_keeps_its_weight():
    """Art. 21(1)(c): the array read gives the same protection the per-mark lookup gave."""
    index = MarkIndex()
    index.add([Mark(id="f", name="Indomie", classes=(30,)), Mark(id="p", name="Indomee", classes=(30,))])
    result = check(index, "Indomie", classes=[25])
    by_id = {m.mark.id: m for m in result.matches}
    assert any("well-known" in r.en for r in by_id["f"].reasons)
    assert not any("well-known" in r.en for r in by_id["p"].reasons)
    assert by_id["f"].score > by_id["p"].score


def test_an_empty_index_saved_without_row_facts_loads(tmp_path):
    MarkIndex().save(tmp_path / "empty")
    _drop_facts(tmp_path / "empty")
    loaded = MarkIndex.load(tmp_path / "empty")
    assert len(loaded) == 0 and check(loaded, "Aqua").matches == ()
