"""A followed index catches up with what other processes save, including a save made while it was loading."""

from pathlib import Path

from similarity.store.generations import FollowedIndex
from similarity.store.index import MarkIndex
from similarity.values import Mark


def _saved(tmp_path: Path) -> MarkIndex:
    index = MarkIndex()
    index.add([Mark(id="a", name="Aqua")])
    index.save(tmp_path / "index")
    return index


def test_a_save_made_while_the_index_loaded_is_followed(tmp_path: Path) -> None:
    """A server process loads generation N; another process saves N+1 before the follower reads the manifest's stamp
    (the stamp is then N+1's, so a stamp comparison alone never sees a change): it must still serve N+1."""
    writer = _saved(tmp_path)
    loaded = MarkIndex.load(writer.path)
    writer.add([Mark(id="b", name="Indomie")])
    writer.save()
    followed = FollowedIndex(loaded, follow_every=0)  # stamp read after the save
    assert followed.wait_for_generation(writer.generation, timeout=30).generation == writer.generation
    assert "b" in followed.current


def test_an_index_loaded_up_to_date_is_not_reloaded(tmp_path: Path) -> None:
    writer = _saved(tmp_path)
    loaded = MarkIndex.load(writer.path)
    followed = FollowedIndex(loaded, follow_every=0)
    assert followed.current is loaded
    assert followed._following is None


def test_a_swapped_out_index_is_freed_while_the_collector_is_frozen(tmp_path):
    """`similarity serve` freezes the loaded index out of the cyclic collector's sight (gc.freeze); every write and
    every followed save swaps in a new index object. The old one must still be freed — by reference counting, since
    the frozen collector never walks it — or each write would keep a whole index alive."""
    import gc
    import weakref

    from similarity.pipeline import check

    idx = MarkIndex()
    idx.add([Mark(id=str(i), name=f"Merek {i} Jaya", classes=(30,)) for i in range(300)])
    idx.save(tmp_path / "reg")
    followed = FollowedIndex(MarkIndex.load(tmp_path / "reg"), follow_every=None)
    del idx
    check(followed.current, "Merek 12", classes=[30])  # the caches a served index fills
    gc.freeze()
    try:
        old = weakref.ref(followed.current)
        followed.write(lambda index: index.add([Mark(id="new", name="Baru")]))
        check(followed.current, "Merek 12", classes=[30])
        assert old() is None
    finally:
        gc.unfreeze()
