"""The bundled demo registry: clean rows, licence notices, and logo hashes that match today's hashing code."""

import csv
import os
import random

import pytest

from similarity.build import demo_registry_path
from similarity.image.hash import code_to_hex, encode_logo
from similarity.io.registry import read_registry


def test_demo_registry_reads_cleanly():
    rep = read_registry(demo_registry_path())
    assert not rep.errors, rep.errors[:5]
    assert len(rep.marks) > 15_000
    sources = {m.id.split("-")[0] for m in rep.marks}
    assert {"NSI", "IDX", "SI", "FAMOUS"} <= sources
    assert (demo_registry_path().parent / "NOTICE.md").exists()


def test_demo_marks_have_classes_as_registrations_do():
    """A DJKI registration lists its classes; a demo mark without them is weighed as "unknown goods" (0.75) and
    accuses marks of any goods (issue 18: HAIR EXPRESS ~ the Express web framework, RYANHAIR ~ RYANAIR). What
    stays without classes is a category naming no goods (scripts/build_demo_registry.py ``fill_classes``); a famous
    mark takes the classes the famous-marks list gives it."""
    marks = read_registry(demo_registry_path()).marks
    without = [m for m in marks if not m.classes]
    assert len(without) < 0.03 * len(marks), len(without)
    assert all(m.classes for m in marks if m.id.startswith("SI-"))
    assert all(m.classes for m in marks if m.id.startswith("FAMOUS-"))
    by_id = {m.id: m for m in marks}
    assert set(by_id["SI-expressvpn"].classes) == {9, 42}  # simple-icons without a twin: software
    assert set(by_id["SI-starbucks"].classes) == set(by_id["NSI-starbucks-795f60"].classes)  # its twin's


def test_fill_classes_keeps_the_rows_and_gives_twins_their_classes():
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "scripts" / "build_demo_registry.py"
    spec = importlib.util.spec_from_file_location("build_demo_registry", script)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rows = [
        {"id": "SI-apple", "name": "Apple", "classes": "", "source": "simple-icons"},
        {"id": "NSI-apple", "name": "APPLE", "classes": "9;35", "source": "name-suggestion-index"},
        {"id": "NSI-gov", "name": "Dinas", "classes": "", "source": "name-suggestion-index"},
        {"id": "IDXSUB-ABC-1", "name": "Anak", "classes": "", "source": "idx-listed-companies"},
        {"id": "FAMOUS-001", "name": "Nowhere", "classes": "", "source": "famous-marks"},
    ]
    mod.fill_classes(rows, {"IDXSUB-ABC-1": (36,)})
    assert [r["classes"] for r in rows] == ["9;35", "9;35", "", "36", ""]
    famous = [
        {"id": "FAMOUS-002", "name": "Louis Vuitton", "classes": "", "source": "famous-marks"},
        {"id": "NSI-lv", "name": "Louis Vuitton", "classes": "25;35", "source": "name-suggestion-index"},
    ]
    mod.fill_classes(famous, {"FAMOUS-002": (3, 18, 25)})  # the list's classes, and its shops' twin's
    assert [r["classes"] for r in famous] == ["3;18;25;35", "25;35"]


def _builder():
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "scripts" / "build_demo_registry.py"
    spec = importlib.util.spec_from_file_location("build_demo_registry", script)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_append_adds_only_new_rows_without_logos(tmp_path):
    """A mark added to the famous-marks list reaches the demo file without rebuilding its 3,400 logos' features."""
    mod = _builder()
    path = tmp_path / "registry.csv"
    old = {"id": "NSI-a", "name": "Aqua", "owner": "", "classes": "32", "status": "registered", "logo": "",
           "number": "", "filed": "", "registered": "", "source": "name-suggestion-index", "logo_hash": "ab"}
    mod.write_rows(path, [old])
    new = {**old, "id": "FAMOUS-009", "name": "Yamaha", "classes": "12", "source": "famous-marks"}
    del new["logo_hash"]
    mod.append_new_rows(path, [dict(old), new])
    text = path.read_text("utf-8")
    assert "NSI-a,Aqua" in text and "FAMOUS-009,Yamaha" in text and text.count("\n") == 3
    with pytest.raises(SystemExit, match="rebuild"):  # a new row with a logo needs its codes and features
        mod.append_new_rows(path, [dict(old), dict(new), {**new, "id": "SI-x", "logo": "simple-icons:x"}])
    with pytest.raises(SystemExit, match="rebuild"):  # a row the build no longer makes
        mod.append_new_rows(path, [dict(new)])


def test_shipped_logo_hashes_match_the_hashing_code():
    """If the logo loader or a hash changes, rehash the demo registry (scripts/build_demo_registry.py --rehash)."""
    with open(demo_registry_path(), encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["logo"]]
    assert len(rows) > 3000 and all(r["logo_hash"] for r in rows)
    for r in random.Random(0).sample(rows, 25):
        assert code_to_hex(encode_logo(r["logo"])) == r["logo_hash"], r["id"]


def test_shipped_logo_features_and_text_match_the_describing_code():
    """If the features or OCR change, redescribe the demo logos (scripts/build_demo_registry.py --features)."""
    import numpy as np

    from similarity.build import demo_features_path
    from similarity.image.describe import describe_logo
    from similarity.image.features import FeatureStore

    path = demo_features_path()
    assert path.exists() and path.stat().st_size < 15_000_000
    with np.load(path, allow_pickle=False) as data:
        ids = data["ids"].tolist()
    store = FeatureStore.read(path)
    with open(demo_registry_path(), encoding="utf-8") as f:
        logos = {r["id"]: r["logo"] for r in csv.DictReader(f) if r["logo"]}
    assert len(ids) > 0.98 * len(logos) and set(ids) <= set(logos)
    assert sum(bool(store.text(i)) for i in range(len(ids))) > 100  # wordmarks are read
    for position in random.Random(0).sample(range(len(ids)), 5):
        features, text = describe_logo(logos[ids[position]])
        shipped = store.get(position)
        assert np.array_equal(features.descriptors, shipped.descriptors), ids[position]
        assert np.array_equal(features.edges, shipped.edges) and text == store.text(position), ids[position]
        assert np.array_equal(features.crops, shipped.crops), ids[position]  # crop codes: layout 2


def test_a_new_demo_index_replaces_the_caches_of_earlier_versions(tmp_path, monkeypatch):
    from similarity import build

    monkeypatch.setenv("SIMILARITY_CACHE", str(tmp_path))
    old = tmp_path / "demo-0.0.9-f1-aaaaaaaaaaaa-bbbbbbbbbbbb"
    (old / "part").mkdir(parents=True)
    index = build.open_index(None)
    assert len(index) > 1000
    assert [p.name for p in tmp_path.iterdir()] == [build.demo_index_path().name]


def test_the_demo_cache_key_covers_every_source_of_the_package(monkeypatch):
    """Not only the spelling and sound rules: the word weights (text/weights.py), what a row stores and the scoring
    change what a cached demo index answers, and two checkouts sharing one cache handed each other theirs."""
    from similarity import build

    key = build.demo_index_path()
    sources = build.package_sources()
    names = {p.relative_to(build._PACKAGE).as_posix() for p in sources}
    assert {"text/phonetic.py", "text/weights.py", "store/rows.py", "pipeline.py", "data/verdict_model.json",
            "data/verdict_calibration.json"} <= names  # the model and the tiers too
    assert not any(name.startswith("data/demo/") for name in names)
    weights = next(p for p in sources if p.name == "weights.py")
    monkeypatch.setattr(build, "package_sources", lambda: [p for p in sources if p != weights])
    assert build.demo_index_path() != key


def test_a_checkout_s_demo_index_is_kept_beside_another_of_the_same_version(tmp_path):
    from similarity import build

    older = tmp_path / "demo-9.9-f1-a-000000000000"
    other = tmp_path / "demo-1.0-f1-a-111111111111"
    mine = tmp_path / "demo-1.0-f1-a-222222222222"
    stale = tmp_path / "demo-1.0-f1-a-333333333333"
    for i, folder in enumerate((older, stale, other, mine)):
        folder.mkdir()
        os.utime(folder, (1_000_000 + i, 1_000_000 + i))
    build._remove_old_demo_indexes(mine)
    assert sorted(p.name for p in tmp_path.iterdir()) == [other.name, mine.name]


def test_one_brand_is_one_row_when_an_owner_is_not_on_record_or_only_a_legal_form_apart() -> None:
    """The same name and logo filed twice folds into one row when the owners are one (PT X TBK = X TBK) or one of
    them is not on record (none, or only the mark's own name, as in the demo's brand lists): Kopi Kenangan is one
    answer, not two. Two named owners of one name stay two rows: which one holds the right matters."""
    from similarity.pipeline import check, owner_key
    from similarity.store.index import MarkIndex
    from similarity.values import Mark

    idx = MarkIndex()
    idx.add([
        Mark(id="A", name="Kopi Kenangan", owner="Kopi Kenangan", classes=(43,)),
        Mark(id="B", name="Kopi Kenangan", owner="PT Bumi Berkah Boga", classes=(43,)),
        Mark(id="C", name="Gudang Garam", owner="PT Gudang Garam Tbk", classes=(34,)),
        Mark(id="D", name="Gudang Garam", owner="Gudang Garam Tbk.", classes=(34,)),
        Mark(id="E", name="Sari Roti", owner="PT Nippon Indosari", classes=(30,)),
        Mark(id="F", name="Sari Roti", owner="CV Roti Sari Bandung", classes=(30,)),
    ])
    rows = {m.mark.id: set(m.same_brand) for m in check(idx, "Kopi Kenangan", classes=(43,)).matches}
    assert len([i for i in rows if i in "AB"]) == 1 and rows.get("A", rows.get("B")) in ({"A"}, {"B"})
    rows = {m.mark.id: set(m.same_brand) for m in check(idx, "Gudang Garam", classes=(34,)).matches}
    assert len([i for i in rows if i in "CD"]) == 1
    shown = [m.mark.id for m in check(idx, "Sari Roti", classes=(30,)).matches]
    assert "E" in shown and "F" in shown
    assert owner_key("Hermès International SA") == owner_key("HERMES INTERNATIONAL") == "hermesinternational"
