import csv
import json
import subprocess
import sys

import pytest
from conftest import SHARED, needs_shared
from typer.testing import CliRunner

from similarity.cli import app
from similarity.values import FACTORS

runner = CliRunner()

REGISTRY = (
    "id,name,owner,classes,status,logo\n"
    "1,Kopi Kenangan,PT Bumi,30;43,registered,\n"
    "2,Goodmilk,PT Susu,29;32,registered,\n"
    "3,Geprek Bensu,PT Bensu,43,pending,\n"
    "4,,PT X,30,registered,\n"
    "5,Aqua,PT Tirta,32,dihapus,\n"
    "6,GitHub,GitHub Inc,9;42,registered,simple-icons:github\n"
    "7,Bad Class,PT Y,99,registered,\n"
)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    (d / "registry.csv").write_text(REGISTRY, encoding="utf-8")
    r = runner.invoke(app, ["index", "build", str(d / "registry.csv"), "--out", str(d / "idx"), "--json"])
    assert r.exit_code == 0, r.output
    return d


def _json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip().startswith("{")]


def test_build_reports_bad_rows_with_line_numbers(index_dir):
    r = runner.invoke(app, ["index", "build", str(index_dir / "registry.csv"), "--out", str(index_dir / "idx2"),
                            "--json"])
    out = _json_lines(r.stdout)[0]
    assert out["imported"] == 5 and out["rows"] == 7
    assert {(e["line"], e["field"]) for e in out["errors"]} == {(5, "name"), (8, "classes")}
    assert out["index"]["marks"] == 5 and out["index"]["logos"] == 1


def test_check_json_schema(index_dir):
    r = runner.invoke(app, ["check", "GudMilq", "--class", "29", "--index", str(index_dir / "idx"), "--json"])
    assert r.exit_code == 0, r.output
    (obj,) = _json_lines(r.stdout)
    assert set(obj) >= {"query", "verdict", "matches"}
    assert obj["query"] == {"name": "GudMilq", "classes": [29], "logo": None}
    assert obj["verdict"]["risk"] in ("high", "medium", "low", "clear")
    top = obj["matches"][0]
    assert set(top["mark"]) >= {"id", "name", "owner", "classes", "status"}
    assert top["mark"]["name"] == "Goodmilk"
    assert set(top["factors"]) == set(FACTORS)
    assert top["factors"]["logo"] is None and top["factors"]["goods"] == 1.0
    assert isinstance(top["score"], float) and top["reasons"]


def test_check_table_and_english(index_dir):
    r = runner.invoke(app, ["check", "Akwa", "--index", str(index_dir / "idx"), "--lang", "en"])
    assert r.exit_code == 0
    assert "Risk" in r.stdout and "Aqua" in r.stdout


def test_logo_only_check(index_dir, tmp_path):
    from similarity.image.load import load_logo

    png = tmp_path / "gh.png"
    load_logo("simple-icons:github").save(png)
    r = runner.invoke(app, ["check", "--logo", str(png), "--index", str(index_dir / "idx"), "--json"])
    assert r.exit_code == 0, r.output
    (obj,) = _json_lines(r.stdout)
    assert obj["matches"][0]["mark"]["id"] == "6"
    assert obj["matches"][0]["factors"]["sight"] is None and obj["matches"][0]["factors"]["logo"] > 0.9


def test_logo_thresholds_from_the_command_line(index_dir, tmp_path):
    from PIL import ImageDraw

    from similarity.image.load import load_logo

    png = tmp_path / "gh-dot.png"
    copy = load_logo("simple-icons:github")
    ImageDraw.Draw(copy).ellipse((10, 10, 40, 40), fill="red")  # a near copy: a few bits from the original
    copy.save(png)
    args = ["check", "--logo", str(png), "--index", str(index_dir / "idx"), "--json"]
    (default,) = _json_lines(runner.invoke(app, args).stdout)
    distance = default["matches"][0]["detail"]["logo"]["distance"]
    assert distance > 0
    strict = [f"--logo-max-distance={hash}=0" for hash in ("phash", "shape", "dhash")]  # only an exact copy matches
    (judged,) = _json_lines(runner.invoke(app, args + strict).stdout)
    assert default["matches"][0]["factors"]["logo"] >= 0.5
    # the thresholds judge the hash evidence: no longer a hash match (the keypoints verify a near copy on their own)
    assert all(m.get("detail", {}).get("logo", {}).get("hash_similarity", 0) < 0.5 for m in judged["matches"])
    r = runner.invoke(app, args + ["--logo-max-distance", "phash=99"])
    assert r.exit_code == 2 and "from 0 to 31" in r.output


def test_batch_queries_keep_order_and_report_errors(index_dir, tmp_path):
    q = tmp_path / "q.csv"
    with open(q, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "classes", "logo"])
        w.writerows([["Kopi Kenangan", "30", ""], ["", "", ""], ["Aqua", "99", ""], ["🙂", "", ""],
                     ["", "", "simple-icons:github"], ["Geprek Bensu", "43", "missing.png"]])
    r = runner.invoke(app, ["check", "--queries", str(q), "--index", str(index_dir / "idx"), "--json"])
    assert r.exit_code == 0, r.output
    lines = _json_lines(r.stdout)
    assert len(lines) == 6
    assert lines[0]["matches"][0]["mark"]["name"] == "Kopi Kenangan"
    assert "error" in lines[1] and "error" in lines[2] and "error" in lines[3] and "error" in lines[5]
    assert "Nice" in lines[2]["error"] or "class" in lines[2]["error"]
    assert lines[4]["matches"][0]["mark"]["id"] == "6"


def test_batch_row_over_the_csv_field_limit_is_an_error_line(index_dir, tmp_path):
    q = tmp_path / "q.csv"
    q.write_text("name,classes\nKopi Kenangan,30\n" + "a" * 1_000_000 + ",30\nAqua,32\n", encoding="utf-8")
    r = runner.invoke(app, ["check", "--queries", str(q), "--index", str(index_dir / "idx"), "--json", "--lang", "en"])
    assert r.exit_code == 0, r.output
    lines = _json_lines(r.stdout)
    assert len(lines) == 3
    assert lines[1]["query"]["line"] == 3 and "malformed CSV record" in lines[1]["error"]
    assert lines[0]["matches"] and lines[2]["matches"][0]["mark"]["name"] == "Aqua"


def test_batch_header_over_the_csv_field_limit_is_a_clear_error_not_a_traceback(index_dir, tmp_path):
    q = tmp_path / "q.csv"
    q.write_text("a" * 1_000_000 + "\nKopi Kenangan\n", encoding="utf-8")
    r = runner.invoke(app, ["check", "--queries", str(q), "--index", str(index_dir / "idx"), "--json", "--lang", "en"])
    said = " ".join(r.output.split())  # the console wraps long lines
    assert r.exit_code == 2, r.output
    assert "its header is a malformed CSV record (field larger than field limit" in said and "Traceback" not in said


def test_batch_row_with_an_unclosed_quote_is_an_error_line_and_the_next_rows_are_checked(index_dir, tmp_path):
    q = tmp_path / "q.csv"
    q.write_text('name,classes\n"Kopi Kenangan,30\nAqua,32\nGeprek Bensu,43\n', encoding="utf-8")
    r = runner.invoke(app, ["check", "--queries", str(q), "--index", str(index_dir / "idx"), "--json", "--lang", "en"])
    assert r.exit_code == 0, r.output
    lines = _json_lines(r.stdout)
    assert len(lines) == 3 and lines[0]["query"]["line"] == 2 and "not closed" in lines[0]["error"]
    assert lines[1]["matches"][0]["mark"]["name"] == "Aqua"
    assert lines[2]["query"]["name"] == "Geprek Bensu"


def test_bad_inputs_are_clear_errors(index_dir, tmp_path):
    idx = str(index_dir / "idx")
    for args in (["check", "", "--index", idx], ["check", "x" * 1_000_000, "--index", idx],
                 ["check", "Aqua", "--class", "99", "--index", idx], ["check", "--index", idx]):
        r = runner.invoke(app, args)
        assert r.exit_code == 2, args[:2]
        assert "Traceback" not in r.output
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    r = runner.invoke(app, ["check", "--logo", str(bad), "--index", idx])
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_index_add_remove_info(index_dir, tmp_path):
    more = tmp_path / "more.csv"
    more.write_text("id,name,classes\n8,Janji Jiwa,30\n1,Kopi Kenangan Baru,30\n", encoding="utf-8")
    idx = str(index_dir / "idx")
    assert runner.invoke(app, ["index", "add", str(more), "--index", idx, "--quiet"]).exit_code == 0
    assert runner.invoke(app, ["index", "remove", "3", "--index", idx, "--quiet"]).exit_code == 0
    r = runner.invoke(app, ["index", "info", "--index", idx, "--json"])
    info = _json_lines(r.stdout)[0]
    assert info["marks"] == 5 and info["generation"] == 3


def test_demo_registry_check_lists_real_marks():
    """README command 1 (without --index): the demo index is built into a temporary cache on first use."""
    r = subprocess.run([sys.executable, "-m", "similarity.cli", "check", "Indomarret", "--json", "--quiet"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    obj = json.loads(r.stdout)
    names = [m["mark"]["name"] for m in obj["matches"]]
    assert "Indomaret" in names[:3]
    assert obj["verdict"]["risk"] in ("high", "medium")


@needs_shared
@pytest.mark.realdata
@pytest.mark.slow
def test_real_registry_build_and_batch_queries(tmp_path):
    """The spine's done-means: a ~35k-row registry of real names, then --queries over 100 names."""
    from benchmarks.realdata import real_registry

    reg = real_registry(SHARED)
    r = runner.invoke(app, ["index", "build", str(reg), "--out", str(tmp_path / "real"), "--quiet", "--json"])
    assert r.exit_code == 0, r.output
    built = _json_lines(r.stdout)[0]
    assert built["imported"] > 30_000
    with open(reg, encoding="utf-8") as f:
        names = [row["name"] for _, row in zip(range(100), csv.DictReader(f), strict=False)]
    q = tmp_path / "q.csv"
    with open(q, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "classes", "logo"])
        w.writerows([[n[:-1] if len(n) > 4 else n, "", ""] for n in names])
    r = runner.invoke(app, ["check", "--queries", str(q), "--index", str(tmp_path / "real"), "--json"])
    lines = _json_lines(r.stdout)
    assert len(lines) == 100
    found = sum(1 for n, obj in zip(names, lines, strict=True)
                if "error" not in obj and n in [m["mark"]["name"] for m in obj["matches"]])
    assert found >= 90
