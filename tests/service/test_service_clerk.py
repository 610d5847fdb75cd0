"""The API as the page uses it: goods words, filters and pages, CSV export, errors in the request's language."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("multipart")

from fastapi.testclient import TestClient  # noqa: E402

from similarity.service.app import create_app  # noqa: E402
from similarity.store.index import MarkIndex  # noqa: E402
from similarity.values import Mark  # noqa: E402

STATUSES = ("registered", "pending", "expired", "refused")
CLERK_REGISTRY = [
    Mark(id=f"D0020{19 + i % 5}00{i:04d}", name=name, owner=f"UD Kopi {i}", classes=((30,), (43,), (30, 43), ())[i % 4],
         status=STATUSES[i % 4], number=f"IDM000{i:06d}" if i % 2 == 0 else "", filed=f"20{10 + i}-0{1 + i % 9}-01")
    for i, name in enumerate(["Kopi Kenangan", "Kopi Kenanga", "Kopi Kenang", "Kopi Kenangan Mantan",
                              "Kopi Kenangan Senja", "Kenangan Kopi", "Kopi Kenangan Baru", "Kopi Kenangan Kita",
                              "Kopi Kenangan Lama", "Kopi Kenangan Ibu", "Kopi Kenangan Indah", "Kopi Kenangan Pagi",
                              "Kopi Kenangan Malam", "=Kopi Kenangan", "Kopi Kenangan Rasa"])
] + [Mark(id="B1", name="Bakso Kenangan", classes=(29,)), Mark(id="K1", name="Keripik Kenangan", classes=(30,))]


def build_clerk_index(folder: Path) -> Path:
    index = MarkIndex()
    index.add(CLERK_REGISTRY)
    index.save(folder)
    return folder


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(build_clerk_index(tmp_path / "index")), raise_server_exceptions=False) as c:
        yield c


def test_goods_search_answers_classes_with_why(client: TestClient) -> None:
    body = client.get("/v1/goods", params={"q": "keripik", "lang": "en"}).json()
    assert body["found"] and body["classes"] == [29, 30]
    first = body["hits"][0]
    assert first["term"] == "keripik" and [c["number"] for c in first["classes"]] == [29, 30]
    assert "potato" in first["classes"][0]["why"] and first["classes"][0]["source"]
    typo = client.get("/v1/goods", params={"q": "keripk"}).json()
    assert not typo["found"] and typo["hits"][0]["term"] == "keripik"


def test_goods_in_a_check_add_their_classes(client: TestClient) -> None:
    body = client.post("/v1/check", json={"name": "Kopi Kenangan", "goods": ["kopi bubuk"], "classes": [43]}).json()
    assert body["query"]["classes"] == [30, 43]
    form = client.post("/v1/check", data={"name": "Kopi Kenangan", "goods": "bakso"}).json()
    assert form["query"]["classes"] == [29, 43]
    r = client.post("/v1/check", json={"name": "Kopi", "goods": "keripk", "lang": "en"})
    assert r.status_code == 422 and r.json()["error"] == "unknown_goods" and "keripik" in r.json()["detail"]
    r = client.post("/v1/check", json={"name": "Kopi", "goods": "keripk"})
    assert "tidak dikenal" in r.json()["detail"]


def test_errors_answer_in_the_requests_language(client: TestClient) -> None:
    r = client.post("/v1/check", data={"name": "🙂🙂", "lang": "en"})
    assert r.status_code == 422 and "no letters or digits" in r.json()["detail"]
    r = client.post("/v1/check", data={"name": "🙂🙂"})
    assert "tidak berisi huruf atau angka" in r.json()["detail"]
    r = client.post("/v1/check", files={"logo": ("x.png", b"not an image", "image/png")}, data={"lang": "id"})
    assert r.status_code == 422 and "bukan gambar yang didukung" in r.json()["detail"]


def test_more_than_ten_with_paging_filters_and_sort(client: TestClient) -> None:
    first = client.post("/v1/check", json={"name": "Kopi Kenangan", "top": 10}).json()
    assert len(first["matches"]) == 10 and first["paging"]["more"]
    second = client.post("/v1/check", json={"name": "Kopi Kenangan", "top": 10, "offset": 10}).json()
    ids = [m["mark"]["id"] for m in first["matches"] + second["matches"]]
    assert len(ids) == len(set(ids)) > 10
    pending = client.post("/v1/check", data={"name": "Kopi Kenangan", "status": ["pending"], "top": "50"}).json()
    assert pending["matches"] and {m["mark"]["status"] for m in pending["matches"]} == {"pending"}
    assert pending["paging"]["total"] == len(pending["matches"])
    in43 = client.post("/v1/check", json={"name": "Kopi Kenangan", "filter_class": [43], "top": 50}).json()
    assert in43["matches"] and all(43 in m["mark"]["classes"] for m in in43["matches"])
    by_date = client.post("/v1/check", json={"name": "Kopi Kenangan", "sort": "date", "top": 50}).json()
    dates = [m["mark"]["filed"] for m in by_date["matches"]]
    dated = [d for d in dates if d]
    assert dated == sorted(dated) and dates[: len(dated)] == dated  # undated marks last
    assert by_date["verdict"] == first["verdict"]  # a view changes the list, not the verdict


def test_export_csv_one_row_per_match(client: TestClient) -> None:
    r = client.post("/v1/export.csv", data={"name": "Kopi Kenangan", "top": "20", "lang": "en"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    shown = client.post("/v1/check", data={"name": "Kopi Kenangan", "top": "20"}).json()["matches"]
    assert rows[0][0] == "rank" and len(rows) == 1 + len(shown)
    assert "'=Kopi Kenangan" in [row[3] for row in rows]


def test_answer_carries_dates_numbers_and_what_the_tier_means(client: TestClient) -> None:
    body = client.post("/v1/check", json={"name": "Kopi Kenangan", "classes": [30]}).json()
    top = body["matches"][0]["mark"]
    assert top["filed"] and "number" in top
    assert body["verdict"]["meaning"].startswith("Ada merek terdahulu") and body["verdict"]["next_step"]
    assert body["registry"]["label"].startswith("Registri:") and body["registry"]["demo"] is False
