"""The HTTP API against a small real index: answers, every refusal with its 4xx, token-protected writes, reload."""

from __future__ import annotations

import contextlib
import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("multipart")

from fastapi.testclient import TestClient  # noqa: E402

from similarity.image.load import MAX_FILE_BYTES, load_logo  # noqa: E402
from similarity.service.app import create_app  # noqa: E402
from similarity.store.index import MarkIndex  # noqa: E402
from similarity.values import FACTORS, Mark  # noqa: E402

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SMALL_REGISTRY = [
    Mark(id="IDM001", name="Kopi Kenangan", owner="PT Bumi Berkah Boga", classes=(30, 43), number="IDM000001"),
    Mark(id="IDM002", name="GitHub", owner="GitHub, Inc.", classes=(9, 42), logo="simple-icons:github"),
    Mark(id="IDM003", name="Goodmilk", owner="CV Susu Segar", classes=(29,), status="pending"),
    Mark(id="IDM004", name="Geprek Bensu", owner="PT Bensu", classes=(43,)),
    Mark(id="IDM005", name="GitLab", owner="GitLab Inc.", classes=(9, 42), logo="simple-icons:gitlab"),
]


def build_small_index(folder: Path) -> Path:
    index = MarkIndex()
    index.add(SMALL_REGISTRY)
    index.save(folder)
    return folder


def github_png() -> bytes:
    out = io.BytesIO()
    load_logo("simple-icons:github").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return build_small_index(tmp_path / "index")


@pytest.fixture
def client(index_dir: Path) -> Iterator[TestClient]:
    # one event loop for every request, as under uvicorn (without ``with`` each request gets its own loop)
    with TestClient(create_app(index_dir, token=TOKEN), raise_server_exceptions=False) as client:
        yield client


def assert_serving(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"
    assert client.post("/v1/check", json={"name": "Kopi Kenangan"}).status_code == 200


# ---------------------------------------------------------------------------------------------- reads
def test_check_json_returns_the_library_schema(client: TestClient) -> None:
    r = client.post("/v1/check", json={"name": "Kopi Kenang", "classes": [30], "lang": "en"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"query", "verdict", "matches", "registry"}
    assert set(body["verdict"]) == {"risk", "label", "score", "reasons", "notes", "meaning", "next_step",
                                    "goods_compared"}
    assert body["verdict"]["goods_compared"] == "same" and "same or related goods" in body["verdict"]["meaning"]
    top = body["matches"][0]
    assert top["mark"]["id"] == "IDM001"
    assert set(top["mark"]) == {"id", "name", "owner", "classes", "status", "number", "filed", "registered", "logo"}
    assert set(top["factors"]) == set(FACTORS)
    # KENANG is the opening of KENANGAN: a likely conflict, not a certain one (DOMAIN.md §8 "unsure")
    assert body["verdict"]["risk"] in ("high", "medium") and body["verdict"]["label"] == body["verdict"]["risk"]
    assert any("not a legal opinion" in n for n in body["verdict"]["notes"])


def test_check_defaults_to_indonesian_and_accepts_class_text(client: TestClient) -> None:
    body = client.post("/v1/check", json={"name": "Kopi Kenang", "classes": "30, 43"}).json()
    assert body["verdict"]["label"] in ("tinggi", "sedang")
    assert body["query"]["classes"] == [30, 43]


def test_check_multipart_with_logo_finds_the_logo(client: TestClient) -> None:
    r = client.post("/v1/check", data={"name": "Octo", "classes": ["9", "42"]},
                    files={"logo": ("github.png", github_png(), "image/png")})
    assert r.status_code == 200, r.text
    top = r.json()["matches"][0]
    assert top["mark"]["id"] == "IDM002"
    assert top["factors"]["logo"] == pytest.approx(1.0)


def test_check_takes_logo_thresholds_in_a_form_and_refuses_bad_ones(client: TestClient) -> None:
    from PIL import ImageDraw

    near = load_logo("simple-icons:github")
    ImageDraw.Draw(near).ellipse((10, 10, 40, 40), fill="red")  # a near copy: a few bits from the original
    out = io.BytesIO()
    near.save(out, format="PNG")
    files = {"logo": ("near.png", out.getvalue(), "image/png")}
    default = client.post("/v1/check", files=files).json()["matches"][0]
    assert default["mark"]["id"] == "IDM002" and default["factors"]["logo"] >= 0.5
    strict = client.post("/v1/check", files=files, data={"logo_max_distance": ["phash=0", "shape=0", "dhash=0"]})
    assert strict.status_code == 200, strict.text
    # the thresholds judge the hash evidence (the keypoints may still verify a near copy on their own)
    assert all(m.get("detail", {}).get("logo", {}).get("hash_similarity", 0) < 0.5 for m in strict.json()["matches"])
    for bad in ("phash=40", "colour=3", "phash"):
        r = client.post("/v1/check", files=files, data={"logo_max_distance": bad})
        assert r.status_code == 422, (bad, r.text)
    r = client.post("/v1/check", json={"name": "Octo", "logo_max_distance": {"dhash": 5}})
    assert r.status_code == 200, r.text


def test_check_logo_only_and_empty_file_part(client: TestClient) -> None:
    assert client.post("/v1/check", files={"logo": ("g.png", github_png(), "image/png")}).status_code == 200
    # a browser form submitted without choosing a file sends an empty part: that is "no logo", not a bad logo
    r = client.post("/v1/check", data={"name": "Goodmilk"}, files={"logo": ("", b"", "application/octet-stream")})
    assert r.status_code == 200 and r.json()["matches"][0]["mark"]["id"] == "IDM003"


def test_report_is_a_self_contained_html_download(client: TestClient) -> None:
    r = client.post("/v1/report", data={"name": "Gitbub", "classes": "9", "lang": "en"},
                    files={"logo": ("github.png", github_png(), "image/png")})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-disposition"] == 'attachment; filename="brand-similarity-report.html"'
    assert "GitHub" in r.text and "data:image/png;base64," in r.text and "https://" not in r.text
    bad = client.post("/v1/report", json={"name": "Kopi", "classes": [99]})
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_class"


def test_mark_index_and_health(client: TestClient) -> None:
    assert client.get("/v1/marks/IDM002").json()["logo"] == "simple-icons:github"
    info = client.get("/v1/index").json()
    assert info["marks"] == len(SMALL_REGISTRY) and info["format_version"] >= 1 and info["built_at"]
    assert "path" not in info
    assert client.get("/health").json() == {"status": "ok", "marks": 5, "generation": 1}
    assert len(client.get("/v1/classes").json()) == 45


def test_a_logo_stored_as_a_server_file_is_shown_as_its_url_never_as_the_path(tmp_path: Path) -> None:
    logo_file = tmp_path / "private" / "logos" / "bensu.png"
    logo_file.parent.mkdir(parents=True)
    logo_file.write_bytes(github_png())
    index = MarkIndex()
    index.add([Mark(id="IDM 9", name="Geprek Bensu", classes=(43,), logo=str(logo_file))])
    index.save(tmp_path / "index")
    with TestClient(create_app(tmp_path / "index", token=TOKEN), raise_server_exceptions=False) as client:
        body = client.post("/v1/check", json={"name": "Geprek Bensu"}).text
        shown = client.get("/v1/marks/IDM 9").json()["logo"]
        assert str(tmp_path) not in body and str(tmp_path) not in shown
        assert shown == "/v1/marks/IDM%209/logo.png"
        assert client.post("/v1/check", json={"name": "Geprek Bensu"}).json()["matches"][0]["mark"]["logo"] == shown
        assert client.get("/v1/marks/IDM%209/logo.png").headers["content-type"] == "image/png"
        report = client.post("/v1/report", json={"name": "Geprek Bensu"})
        assert report.status_code == 200 and str(tmp_path) not in report.text


def test_logo_thumbnail_is_a_small_png(client: TestClient) -> None:
    from PIL import Image

    r = client.get("/v1/marks/IDM002/logo.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(r.content))
    assert image.format == "PNG" and max(image.size) <= 128
    assert client.get("/v1/marks/IDM001/logo.png").status_code == 404  # no logo
    assert client.get("/v1/marks/nope/logo.png").json()["error"] == "logo_not_found"


def test_page_is_served_with_classes_and_disclaimer(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert "bukan pendapat hukum" in r.text and 'name="viewport"' in r.text
    assert "restoran, kafe" in r.text  # class 43 heading inlined for the checkboxes
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/openapi.json").json()["paths"]["/v1/check"]["post"]["requestBody"]["content"]


def test_every_page_string_exists_in_both_languages() -> None:
    import re

    import similarity.service.app as service

    html = (service.HERE / "templates" / "index.html").read_text(encoding="utf-8")
    script = (service.HERE / "static" / "app.js").read_text(encoding="utf-8")
    keys = set(re.findall(r'data-i18n(?:-placeholder)?="(\w+)"', html)) | set(re.findall(r'\bt\("(\w+)"', script))
    for lang in ("id", "en"):
        table = script.split(f"  {lang}: {{", 1)[1].split("\n  },", 1)[0]
        assert [k for k in sorted(keys) if not re.search(rf"\b{k}:", table)] == [], lang


# ---------------------------------------------------------------------------------------------- refusals
BAD_CHECKS = [
    ("malformed json", {"content": b'{"name": "Kopi', "headers": {"content-type": "application/json"}}, 400,
     "malformed_json"),
    ("json not an object", {"json": ["Kopi"]}, 422, "invalid_request"),
    ("name not a string", {"json": {"name": 5}}, 422, "invalid_request"),
    ("classes not ints", {"json": {"name": "Kopi", "classes": [{"x": 1}]}}, 422, "invalid_request"),
    ("unknown field", {"json": {"name": "Kopi", "clases": [30]}}, 422, "invalid_request"),
    ("top out of range", {"json": {"name": "Kopi", "top": 0}}, 422, "invalid_request"),
    ("bad lang", {"json": {"name": "Kopi", "lang": "fr"}}, 422, "invalid_request"),
    ("unknown class 99", {"json": {"name": "Kopi", "classes": [99]}}, 422, "invalid_class"),
    ("unknown class in text", {"data": {"name": "Kopi", "classes": "30,99"}}, 422, "invalid_class"),
    ("46 classes", {"json": {"name": "Kopi", "classes": list(range(1, 46)) + [30]}}, 422, "too_many_classes"),
    ("empty name", {"json": {"name": ""}}, 422, "empty_query"),
    ("blank name", {"json": {"name": "   ", "classes": [30]}}, 422, "empty_query"),
    ("no fields", {"json": {}}, 422, "empty_query"),
    ("name too long", {"json": {"name": "kopi " * 60}}, 422, "invalid_query"),
    ("name of symbols", {"json": {"name": "🙂🙂"}}, 422, "invalid_query"),
    ("not an image", {"files": {"logo": ("a.png", b"not an image", "image/png")}}, 422, "invalid_logo"),
    ("blank image", {"files": {"logo": ("a.png", b"", "image/png")}}, 422, "empty_query"),
    ("plain text body", {"content": b"Kopi", "headers": {"content-type": "text/plain"}}, 415,
     "unsupported_media_type"),
]


@pytest.mark.parametrize(("case", "request_kwargs", "status", "error"), BAD_CHECKS, ids=[c[0] for c in BAD_CHECKS])
def test_bad_check_requests_are_refused_clearly(client: TestClient, case: str, request_kwargs: dict, status: int,
                                               error: str) -> None:
    r = client.post("/v1/check", **request_kwargs)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == error and body["detail"]
    assert "Traceback" not in r.text
    assert_serving(client)


def png_bomb(side: int = 8_000) -> bytes:
    """A tiny PNG whose header claims side x side pixels (64 M > MAX_PIXELS): refused before decoding."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * (side // 8 + 1) * 16, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def test_png_bomb_is_refused(client: TestClient) -> None:
    r = client.post("/v1/check", files={"logo": ("bomb.png", png_bomb(), "image/png")}, data={"lang": "en"})
    assert r.status_code == 422 and "pixel limit" in r.json()["detail"]
    r = client.post("/v1/check", files={"logo": ("bomb.png", png_bomb(), "image/png")})  # lang id: the default
    assert r.status_code == 422 and "batas" in r.json()["detail"] and "piksel" in r.json()["detail"]
    assert_serving(client)


def test_oversized_upload_is_refused_by_content_length(client: TestClient) -> None:
    r = client.post("/v1/check", data={"name": "Kopi"},
                    files={"logo": ("big.png", b"\0" * (MAX_FILE_BYTES + 300_000), "image/png")})
    assert r.status_code == 413 and r.json()["error"] == "request_too_large"
    assert_serving(client)


def test_oversized_upload_is_refused_while_streaming(client: TestClient) -> None:
    def body():  # chunked: no Content-Length to check up front
        yield b'--b\r\nContent-Disposition: form-data; name="logo"; filename="a.png"\r\n\r\n'
        for _ in range(80):
            yield b"\0" * 100_000
        yield b"\r\n--b--\r\n"

    r = client.post("/v1/check", content=body(), headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413 and r.json()["error"] == "request_too_large"
    assert_serving(client)


def test_logo_part_over_limit_within_body_allowance(client: TestClient) -> None:
    r = client.post("/v1/check", files={"logo": ("big.png", b"\0" * (MAX_FILE_BYTES + 10), "image/png")})
    assert r.status_code == 413 and r.json()["error"] == "logo_too_large"


def test_slow_check_times_out_with_504(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import similarity.service.routes as service

    release = threading.Event()

    def slow_check(*args, **kwargs):
        release.wait(5)
        raise AssertionError("the client should have been answered already")

    monkeypatch.setattr(service, "check", slow_check)
    client = TestClient(create_app(index_dir, check_timeout=0.2), raise_server_exceptions=False)
    started = time.monotonic()
    r = client.post("/v1/check", json={"name": "Kopi"})
    release.set()
    assert r.status_code == 504 and r.json()["error"] == "timeout"
    assert time.monotonic() - started < 3


def test_overload_is_refused_at_once_with_503_and_retry_after(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Checks queued past what the slot can answer within the timeout get 503 busy at once (Retry-After, in the
    answer's language), not a 504 after the whole timeout; the ones admitted are answered."""
    from concurrent.futures import ThreadPoolExecutor

    import similarity.service.routes as service

    real = service.check

    def slow_check(*args, **kwargs):
        time.sleep(0.15)
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "check", slow_check)
    with TestClient(create_app(index_dir, check_timeout=1.0), raise_server_exceptions=False) as client:
        for _ in range(5):  # the service learns how long a name check takes
            assert client.post("/v1/check", json={"name": "Kopi"}).status_code == 200

        def one(_: int) -> tuple[int, float, dict, dict]:
            begun = time.monotonic()
            r = client.post("/v1/check", json={"name": "Kopi", "lang": "id"})
            return r.status_code, time.monotonic() - begun, r.json(), dict(r.headers)

        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(one, range(16)))  # 16 x 0.15 s of checks for a 1 s timeout
    codes = [code for code, _, _, _ in answers]
    assert 504 not in codes and codes.count(200) >= 2 and codes.count(503) >= 4, codes
    for code, took, body, headers in answers:
        if code == 503:
            assert body["error"] == "busy" and "sibuk" in body["detail"] and int(headers["retry-after"]) >= 1
            assert took < 0.9, took  # said at once, not at the deadline


def test_unexpected_errors_are_500_without_a_trace(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import similarity.service.routes as service

    def broken_check(*args, **kwargs):
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(service, "check", broken_check)
    client = TestClient(create_app(index_dir), raise_server_exceptions=False)
    r = client.post("/v1/check", json={"name": "Kopi"})
    assert r.status_code == 500 and r.json()["error"] == "internal_error"
    assert "secret" not in r.text and "Traceback" not in r.text
    assert client.get("/health").status_code == 200


def test_unknown_routes_and_marks_are_json_404(client: TestClient) -> None:
    assert client.get("/v1/nothing").json()["error"] == "not_found"
    r = client.get("/v1/marks/NOPE")
    assert r.status_code == 404 and r.json()["error"] == "mark_not_found"


# ---------------------------------------------------------------------------------------------- writes
NEW_MARK = {"id": "IDM100", "name": "Aqua", "owner": "PT Tirta", "classes": [32], "status": "registered"}


def test_writes_need_the_token(client: TestClient) -> None:
    assert client.post("/v1/marks", json=NEW_MARK).status_code == 401
    assert client.post("/v1/marks", json=NEW_MARK, headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.delete("/v1/marks/IDM001").status_code == 401
    assert client.post("/v1/admin/reload", headers={"Authorization": "Basic abc"}).status_code == 401
    assert client.get("/v1/marks/IDM100").status_code == 404
    assert client.get("/v1/marks/IDM001").status_code == 200


def test_writes_are_disabled_without_a_configured_token(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIMILARITY_API_TOKEN", raising=False)
    client = TestClient(create_app(index_dir))
    r = client.post("/v1/marks", json=NEW_MARK, headers=AUTH)
    assert r.status_code == 403 and "SIMILARITY_API_TOKEN" in r.json()["detail"]


def test_token_from_the_environment(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIMILARITY_API_TOKEN", "from-env")
    client = TestClient(create_app(index_dir))
    assert client.post("/v1/marks", json=NEW_MARK, headers={"Authorization": "Bearer from-env"}).status_code == 200


def test_add_update_delete_are_saved_and_served(client: TestClient, index_dir: Path) -> None:
    r = client.post("/v1/marks", json=NEW_MARK, headers=AUTH)
    assert r.status_code == 200 and r.json() == {"added": 1, "replaced": 0, "marks": 6, "generation": 2}
    assert client.post("/v1/check", json={"name": "Akwa", "classes": [32]}).json()["matches"][0]["mark"]["id"] == \
        "IDM100"
    batch = [{**NEW_MARK, "owner": "PT Tirta Baru"}, {"id": "IDM101", "name": "Octocat", "logo": "simple-icons:github"}]
    r = client.post("/v1/marks", json=batch, headers=AUTH)
    assert r.json() == {"added": 1, "replaced": 1, "marks": 7, "generation": 3}
    assert client.get("/v1/marks/IDM100").json()["owner"] == "PT Tirta Baru"
    assert MarkIndex.load(index_dir).get("IDM101").logo == "simple-icons:github"  # saved to disk
    r = client.delete("/v1/marks/IDM100", headers=AUTH)
    assert r.status_code == 200 and r.json()["removed"] == 1
    assert client.get("/v1/marks/IDM100").status_code == 404
    assert client.delete("/v1/marks/IDM100", headers=AUTH).status_code == 404
    assert len(MarkIndex.load(index_dir)) == 6


@pytest.mark.parametrize("mark", [
    {"id": "X", "name": "Kopi", "classes": [99]},
    {"id": "X", "name": "🙂"},
    {"id": "X", "name": "Kopi", "status": "alive"},
    {"id": "X", "name": "Kopi", "logo": "/etc/passwd"},
    {"id": "X", "name": "Kopi", "logo": "simple-icons:no-such-icon-anywhere"},
    {"id": "", "name": "Kopi"},
    {"name": "Kopi"},
    [],
    [{"id": "X", "name": "Kopi"}, {"id": "X", "name": "Kopi Dua"}],
], ids=["class 99", "no letters", "bad status", "server path logo", "unknown icon", "empty id", "no id",
        "empty list", "duplicate ids"])
def test_bad_marks_are_refused_and_nothing_changes(client: TestClient, mark: object) -> None:
    r = client.post("/v1/marks", json=mark, headers=AUTH)
    assert r.status_code == 422, r.text
    assert client.get("/health").json() == {"status": "ok", "marks": 5, "generation": 1}


# ---------------------------------------------------------------------------------------------- reload
def test_reload_swaps_in_a_rebuilt_index(client: TestClient, index_dir: Path) -> None:
    rebuilt = MarkIndex.load(index_dir)
    rebuilt.add([Mark(id="IDM200", name="Indomaret", classes=(35,))])
    rebuilt.save()
    assert client.get("/v1/marks/IDM200").status_code == 404  # not served yet: following the folder is asynchronous
    r = client.post("/v1/admin/reload", headers=AUTH)
    assert r.status_code == 200 and r.json()["previous_generation"] == 1 and r.json()["generation"] == 2
    assert client.get("/v1/marks/IDM200").status_code == 200
    assert client.get("/health").json()["marks"] == 6


def test_reads_during_reloads_never_fail(client: TestClient, index_dir: Path) -> None:
    errors: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        deadline = time.monotonic() + 20
        while not stop.is_set() and time.monotonic() < deadline:
            r = client.post("/v1/check", json={"name": "Kopi Kenang", "classes": [30]})
            if r.status_code != 200 or r.json()["matches"][0]["mark"]["id"] != "IDM001":
                errors.append(r.text)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for _ in range(5):
            r = client.post("/v1/admin/reload", headers=AUTH)
            assert r.status_code == 200, r.text
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert errors == []


def test_reload_of_a_broken_folder_keeps_the_old_index(client: TestClient, index_dir: Path) -> None:
    (index_dir / "manifest.json").write_text("{not json", encoding="utf-8")
    r = client.post("/v1/admin/reload", headers=AUTH)
    assert r.status_code == 500 and r.json()["error"] == "reload_failed"
    assert "previous index keeps serving" in r.json()["detail"]
    assert_serving(client)


# ---------------------------------------------------------------------------------------------- several processes
def test_a_generation_saved_by_another_process_is_followed(index_dir: Path) -> None:
    with TestClient(create_app(index_dir, token=TOKEN), raise_server_exceptions=False) as client:
        other = MarkIndex.load(index_dir)  # a rebuild, or another server process answering a write
        other.add([Mark(id="IDM300", name="Warung Zebra Biru", classes=(43,))])
        other.save()
        deadline = time.monotonic() + 30
        while client.get("/v1/marks/IDM300").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert client.get("/v1/marks/IDM300").status_code == 200
        assert client.get("/health").json()["generation"] == other.generation
        assert_serving(client)


def test_a_follow_that_fails_is_tried_again(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A load that fails once (say the generation it read was removed by the next write) must not leave the process
    serving the old index until the folder changes again."""
    from similarity.service import app as app_module

    served = app_module.ServedIndex(MarkIndex.load(index_dir), follow_every=0)
    other = MarkIndex.load(index_dir)
    other.add([Mark(id="IDM301", name="Warung Zebra Hijau", classes=(43,))])
    other.save()
    real_load, calls = MarkIndex.load, []

    def flaky_load(path, **kwargs):
        calls.append(path)
        if len(calls) == 1:
            raise OSError("generation removed while reading")
        return real_load(path, **kwargs)

    monkeypatch.setattr(app_module.MarkIndex, "load", flaky_load)
    assert served.wait_for_generation(other.generation, timeout=30).generation == other.generation
    assert len(calls) >= 2 and served.current.get("IDM301") is not None


def test_writes_from_two_server_processes_are_never_lost(index_dir: Path) -> None:
    """Each process loads, changes and saves under the folder's lock: no write overwrites another's."""
    from similarity.service.app import ServedIndex

    a, b = ServedIndex(MarkIndex.load(index_dir)), ServedIndex(MarkIndex.load(index_dir))
    errors: list[BaseException] = []

    def writer(served: ServedIndex, prefix: str) -> None:
        try:
            for i in range(4):
                served.write(lambda ix, i=i: ix.add([Mark(id=f"{prefix}{i}", name=f"Merek {prefix} {i}")]))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(a, "A")), threading.Thread(target=writer, args=(b, "B"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    final = MarkIndex.load(index_dir)
    assert {f"{p}{i}" for p in "AB" for i in range(4)} <= {m.id for m in final}
    assert final.generation == 1 + 8


def test_serve_with_two_processes_answers_and_spreads_writes(index_dir: Path) -> None:
    import os
    import socket
    import subprocess
    import sys

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "SIMILARITY_API_TOKEN": TOKEN}
    runner = "import typer; from similarity.service.cli import serve_command; typer.run(serve_command)"
    server = subprocess.Popen([sys.executable, "-c", runner, "--index", str(index_dir), "--port", str(port),
                               "--workers", "2", "--quiet"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        new = {"id": "IDM400", "name": "Warung Zebra Biru", "classes": [43]}
        r = httpx.post(f"{base}/v1/marks", headers=AUTH, json=new, timeout=30)
        assert r.status_code == 200, r.text
        seen: list[int] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            # a new connection per request, so both processes answer in turn
            seen = [httpx.get(f"{base}/v1/marks/IDM400", timeout=10).status_code for _ in range(10)]
            if seen == [200] * 10:
                break
            time.sleep(0.2)
        assert seen == [200] * 10
        check = httpx.post(f"{base}/v1/check", json={"name": "Kopi Kenang", "classes": [30]}, timeout=30)
        assert check.status_code == 200 and check.json()["matches"][0]["mark"]["id"] == "IDM001"
    finally:
        server.terminate()  # the supervisor stops its worker processes first
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(15)
        server.kill()  # no-op once it has exited


def test_the_shared_listening_socket_is_tcp_so_answers_are_not_held_by_nagle() -> None:
    """uvicorn issue #3149: a listener of protocol 0 gives connections without TCP_NODELAY (+40 ms per request)."""
    import socket

    import uvicorn

    from similarity.service.cli import tcp_listener

    sock = tcp_listener(uvicorn.Config("similarity.service.app:app_from_env", host="127.0.0.1", port=0))
    try:
        assert sock.proto == socket.IPPROTO_TCP
        sock.listen()  # uvicorn leaves listen() to the server
        with socket.create_connection(sock.getsockname()):
            conn, _ = sock.accept()
            with conn:
                assert conn.proto == socket.IPPROTO_TCP  # what asyncio checks before setting TCP_NODELAY
    finally:
        sock.close()


def test_a_mark_id_with_a_slash_can_be_fetched_shown_and_deleted(client: TestClient) -> None:
    mark = {"id": "IDM000777/2020", "name": "Warung Zebra Biru", "classes": [43], "logo": "simple-icons:github"}
    assert client.post("/v1/marks", headers=AUTH, json=mark).status_code == 200
    got = client.get("/v1/marks/IDM000777/2020")
    assert got.status_code == 200 and got.json()["id"] == "IDM000777/2020"
    assert client.get("/v1/marks/IDM000777%2F2020").json()["id"] == "IDM000777/2020"
    check = client.post("/v1/check", json={"name": "Warung Zebra Biru", "classes": [43]}).json()
    assert check["matches"][0]["mark"]["id"] == "IDM000777/2020"
    png = client.get("/v1/marks/IDM000777/2020/logo.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert client.delete("/v1/marks/IDM000777/2020", headers=AUTH).json()["removed"] == 1
    assert client.get("/v1/marks/IDM000777/2020").status_code == 404
