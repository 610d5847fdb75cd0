import json
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from similarity import IndexFormatError, Mark, MarkIndex, check
from similarity.store.files import FORMAT_VERSION

MARKS = [
    Mark(id="1", name="Kopi Kenangan", owner="PT Bumi", classes=(30, 43)),
    Mark(id="2", name="Janji Jiwa", classes=(30, 43)),
    Mark(id="3", name="Geprek Bensu", classes=(43,), status="pending"),
    Mark(id="4", name="Aqua", classes=(32,)),
    Mark(id="5", name="Indomaret", classes=(35,)),
    Mark(id="6", name="Djarum", classes=(34,)),
]


def _names(result):
    return [m.mark.name for m in result.matches]


@pytest.fixture()
def saved(tmp_path):
    idx = MarkIndex()
    idx.add(MARKS)
    idx.save(tmp_path / "idx")
    return tmp_path / "idx"


def test_save_load_round_trip(saved):
    idx = MarkIndex.load(saved)
    assert len(idx) == len(MARKS)
    assert idx.get("3") == MARKS[2]
    assert set(m.id for m in idx) == {m.id for m in MARKS}
    assert _names(check(idx, "Kopi Kenangan"))[0] == "Kopi Kenangan"
    assert _names(check(idx, "Akwa"))[0] == "Aqua"
    manifest = json.loads((saved / "manifest.json").read_text())
    assert manifest["format_version"] == FORMAT_VERSION and manifest["counts"]["marks"] == 6
    assert set(manifest["files"]) == {"marks", "names", "logos", "postings", "grams", "facts", "features"}
    assert all(len(f["sha256"]) == 64 for f in manifest["files"].values())


def test_add_and_remove_without_rebuild(saved):
    idx = MarkIndex.load(saved)
    names_index = idx.signatures
    idx.add([Mark(id="7", name="Kopi Kenanga", classes=(30,))])
    assert idx.signatures is names_index and idx.signatures.ntotal == 7  # appended, not rebuilt
    assert idx.remove(["1", "unknown"]) == 1
    assert idx.signatures.ntotal == 6
    assert "1" not in idx and len(idx) == 6
    r = check(idx, "Kopi Kenangan")
    assert "7" in [m.mark.id for m in r.matches] and "1" not in [m.mark.id for m in r.matches]
    idx.save()
    again = MarkIndex.load(saved)
    assert len(again) == 6 and again.get("1") is None and again.get("7").name == "Kopi Kenanga"
    r = check(again, "Kopi Kenangan")
    assert [m.mark.id for m in r.matches][0] == "7"
    # re-adding a removed id works; adding a present id is refused
    again.add([Mark(id="1", name="Kopi Kenangan Baru")])
    with pytest.raises(ValueError, match="already in the index"):
        again.add([Mark(id="7", name="x")])
    again.update([Mark(id="7", name="Kopi Lain")])
    assert again.get("7").name == "Kopi Lain"


def test_only_two_generations_are_kept(saved):
    idx = MarkIndex.load(saved)
    for i in range(3):
        idx.add([Mark(id=f"n{i}", name=f"Nama {i}")])
        idx.save()
    files = sorted(p.name for p in saved.iterdir() if p.name.startswith("marks."))
    assert len(files) == 2
    assert MarkIndex.load(saved).generation == 4


def _reader(path, q):
    idx = MarkIndex.load(path)
    q.put([m.mark.name for m in check(idx, "Jarum").matches][:1])


def test_two_readers_at_once(saved):
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=_reader, args=(str(saved), q)) for _ in range(2)]
    for p in procs:
        p.start()
    results = [q.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert results == [["Djarum"], ["Djarum"]]


def test_corrupt_manifest_is_a_clear_error(saved):
    (saved / "manifest.json").write_text("{not json")
    with pytest.raises(IndexFormatError, match="corrupt"):
        MarkIndex.load(saved)


def test_missing_or_tampered_files_are_clear_errors(saved, tmp_path):
    manifest = json.loads((saved / "manifest.json").read_text())
    marks = saved / manifest["files"]["marks"]["name"]
    marks.write_bytes(marks.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(IndexFormatError, match="checksum"):
        MarkIndex.load(saved)
    with pytest.raises(IndexFormatError, match="no manifest.json"):
        MarkIndex.load(tmp_path)
    with pytest.raises(IndexFormatError, match="not a folder"):
        MarkIndex.load(tmp_path / "nope")


def test_newer_format_is_refused(saved):
    m = json.loads((saved / "manifest.json").read_text())
    m["format_version"] = 99
    (saved / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(IndexFormatError, match="upgrade"):
        MarkIndex.load(saved)


def test_corrupt_manifest_via_cli(saved):
    (saved / "manifest.json").write_text("garbage")
    r = subprocess.run(
        [sys.executable, "-m", "similarity.cli", "check", "Aqua", "--index", str(saved)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2
    assert "corrupt" in r.stderr and "Traceback" not in r.stderr


WRITER = textwrap.dedent("""
    import sys
    from similarity import Mark, MarkIndex
    idx = MarkIndex.load(sys.argv[1])
    idx.add([Mark(id=f"x{i}", name=f"Merek Baru Nomor {i} Jaya") for i in range(int(sys.argv[2]))])
    print("saving", flush=True)
    idx.save()
""")


def _kill_when(saved, script, ready) -> None:
    """Run the writer and SIGKILL it as soon as ``ready(files)`` holds for the index folder's file names."""
    p = subprocess.Popen([sys.executable, str(script), str(saved), "4000"], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "saving"
    deadline = time.monotonic() + 30
    while p.poll() is None and time.monotonic() < deadline:
        if ready({f.name for f in saved.iterdir()}):
            break
        time.sleep(0.0005)
    if p.poll() is None:
        os.kill(p.pid, signal.SIGKILL)
    p.wait()


@pytest.mark.slow
def test_save_killed_with_sigkill_leaves_a_loadable_index(saved, tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    moments = [
        lambda files: True,  # right away
        lambda files: any(f.endswith(".tmp") for f in files),  # while the new generation's files are written
        lambda files: any(f.startswith("names.000002") or f.startswith("postings.000002") for f in files),
    ]
    for ready in moments:
        _kill_when(saved, script, ready)
        idx = MarkIndex.load(saved)  # never raises: the manifest names a complete generation
        assert idx.get("6").name == "Djarum"
        assert [m.mark.name for m in check(idx, "Djarum").matches][0] == "Djarum"
        assert len(idx) in (6, 4006)
    # after any crash, a later save still works and cleans up its leftovers' generation
    idx = MarkIndex.load(saved)
    idx.add([Mark(id="after", name="Setelah Crash")])
    idx.save()
    assert MarkIndex.load(saved).get("after") is not None


def test_logo_marks_round_trip(tmp_path):
    idx = MarkIndex()
    idx.add(
        [
            Mark(id="gh", name="GitHub", logo="simple-icons:github"),
            Mark(id="gl", name="GitLab", logo="simple-icons:gitlab"),
        ]
    )
    idx.save(tmp_path / "i")
    again = MarkIndex.load(tmp_path / "i")
    r = check(again, logo="simple-icons:github")
    assert r.matches[0].mark.id == "gh"
    assert r.matches[0].factors.logo == pytest.approx(1.0, abs=0.05)
    assert r.matches[0].factors.sight is None
    assert np.array_equal(again.rows.logo_codes, idx.rows.logo_codes)


def test_a_format_1_index_still_loads(tmp_path):
    """Format 1 stored n-gram postings as int64 rows with a weight each; such an index loads and answers."""
    import hashlib

    folder = tmp_path / "v1"
    index = MarkIndex()
    index.add(MARKS)
    index.save(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    grams = folder / manifest["files"]["grams"]["name"]
    with np.load(grams) as z:
        keys, offsets, rows = z["keys"], z["offsets"], z["rows"]
    with open(grams, "wb") as f:
        np.savez(f, keys=keys, offsets=offsets, rows=rows.astype(np.int64), dom=np.ones(len(rows), np.float32))
    manifest["format_version"] = 1
    manifest["files"]["grams"]["sha256"] = hashlib.sha256(grams.read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    loaded = MarkIndex.load(folder)
    assert check(loaded, "Kopi Kenang", top=1).matches[0].mark.id == "1"


def test_an_index_encoded_with_other_word_lists_says_rebuild(tmp_path):
    from similarity.store.index import StaleIndexWarning
    from similarity.text.lexicon import word_lists_digest

    folder = tmp_path / "idx"
    index = MarkIndex()
    index.add(MARKS)
    index.save(folder)
    fresh = MarkIndex.load(folder)
    assert fresh.info()["encoding"] == word_lists_digest() and fresh.info()["encoding_current"] is True
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["encoding"] = "0" * 12  # as if built before the lexicon or generic words changed
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.warns(StaleIndexWarning, match="rebuild"):
        stale = MarkIndex.load(folder)
    assert stale.info()["encoding_current"] is False
    stale.add([Mark(id="new", name="Teh Botol")])
    stale.save(folder)  # adding marks does not make the old encodings current
    with pytest.warns(StaleIndexWarning):
        assert MarkIndex.load(folder).info()["encoding"] == "0" * 12


def test_an_index_saved_with_another_verdict_model_warns_and_a_save_records_todays(tmp_path):
    import warnings

    from similarity.store.index import ModelChangedWarning
    from similarity.verdict.tiers import verdict_digest

    folder = tmp_path / "idx"
    index = MarkIndex()
    index.add(MARKS)
    index.save(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelChangedWarning)  # the same model: no warning
        fresh = MarkIndex.load(folder)
    assert fresh.info()["verdict"] == verdict_digest() and fresh.info()["verdict_current"] is True
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["verdict"] = "0" * 12  # as if saved before the model or the tiers were retrained
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.warns(ModelChangedWarning, match="another verdict model"):
        older = MarkIndex.load(folder)
    assert older.info()["verdict_current"] is False
    assert check(older, "Kopi Kenang", top=1).matches[0].mark.id == "1"  # the marks are the same
    older.save(folder)  # scored with today's model from now on
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelChangedWarning)
        assert MarkIndex.load(folder).info()["verdict_current"] is True
