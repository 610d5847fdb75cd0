"""The CLI as an owner and a clinic clerk use it: goods words, one language, 80 columns, filters, CSV."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from similarity import check
from similarity.cli import app

runner = CliRunner()

REGISTRY = (
    "id,name,owner,classes,status,number,filed,registered\n"
    "DID2019012345-kopikenangan-longid,Kopi Kenangan,PT Bumi Berkah Boga,30;43,registered,IDM000700001,"
    "2019-03-01,2020-01-15\n"
    "D002021004444,Kopi Kenang Mantan,CV Mantan,30,pending,,2021-06-01,\n"
    "D002015000001,Kopi Kenanga,UD Kenanga,43,expired,IDM000400001,2015-02-02,2016-01-01\n"
    "X1,Kopi Kenangan,Nobody,,registered,,,\n"
    "F1,=KOPI KENANGAN,PT Formula,30,registered,,,\n"
    "B1,Bakso Kenangan,PT Bakso,29,registered,,2018-01-01,\n"
)


@pytest.fixture(scope="module")
def idx(tmp_path_factory) -> str:
    d = tmp_path_factory.mktemp("clerk")
    (d / "registry.csv").write_text(REGISTRY, encoding="utf-8")
    r = runner.invoke(app, ["index", "build", str(d / "registry.csv"), "--out", str(d / "idx"), "--quiet"])
    assert r.exit_code == 0, r.output
    return str(d / "idx")


def _check(idx: str, *args: str) -> dict:
    r = runner.invoke(app, ["check", *args, "--index", idx, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_goods_words_choose_the_classes(idx: str) -> None:
    obj = _check(idx, "Kopi Kenangan", "--goods", "kopi bubuk", "--goods", "bakso")
    assert obj["query"]["classes"] == [29, 30, 43]  # bakso: meat product (29) and meatball restaurant (43)
    assert _check(idx, "Kopi Kenangan", "--goods", "keripik", "--class", "43")["query"]["classes"] == [29, 30, 43]


@pytest.mark.parametrize("lang,expected", [("id", "tidak dikenal — maksud Anda keripik"),
                                           ("en", "unknown goods term 'keripk' — did you mean keripik")])
def test_unknown_goods_word_fails_in_the_answers_language(idx: str, lang: str, expected: str) -> None:
    r = runner.invoke(app, ["check", "Kopi", "--goods", "keripk", "--index", idx, "--lang", lang])
    assert r.exit_code == 2 and expected in " ".join(r.output.split())


def test_errors_follow_lang(idx: str) -> None:
    r = runner.invoke(app, ["check", "🙂🙂", "--index", idx])
    assert r.exit_code == 2 and "kesalahan:" in r.output and "tidak berisi huruf atau angka" in r.output
    r = runner.invoke(app, ["check", "🙂🙂", "--index", idx, "--lang", "en"])
    assert "error:" in r.output and "no letters or digits" in r.output
    r = runner.invoke(app, ["check", "--index", idx])
    assert r.exit_code == 2 and "isi NAMA" in r.output


def test_the_answer_says_demo_and_what_the_tier_means(idx: str) -> None:
    obj = _check(idx, "Kopi Kenangan", "--class", "30", "--lang", "en")
    assert obj["registry"]["demo"] is False and obj["registry"]["label"].startswith("Registry: registry.csv")
    assert obj["verdict"]["meaning"] and obj["verdict"]["next_step"]
    assert obj["matches"][0]["reasons_detail"][0].keys() == {"factor", "text_id", "text_en"}
    no_classes = _check(idx, "Kopi Kenangan", "--lang", "en")
    assert no_classes["verdict"]["goods_compared"] == "none"
    assert "similar goods" not in no_classes["verdict"]["meaning"]
    assert "not compared" in no_classes["verdict"]["meaning"]


def _run(idx: str, columns: int, *args: str) -> list[str]:
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1", "TERM": "dumb"}
    r = subprocess.run([sys.executable, "-m", "similarity.cli", "check", *args, "--index", idx, "--quiet"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def test_80_columns_one_line_per_match_with_the_whole_id_and_status_in_indonesian(idx: str) -> None:
    lines = _run(idx, 80, "Kopi Kenangan", "--class", "30", "--top", "20")
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
    text = "\n".join(lines)
    assert "DID2019012345-kopikenangan-longid" in text  # copyable, not "DID2019…"
    assert "terdaftar" in text and "registered" not in text
    assert "diajukan 1 Juni 2021" in text and "no. pendaftaran IDM000700001" in text
    assert "┃" not in text  # the compact layout, not the table
    match_lines = [line for line in lines if line[:4].strip().rstrip(".").isdigit()]
    assert len(match_lines) == 6


def test_wide_gives_the_table(idx: str) -> None:
    assert any("┃" in line for line in _run(idx, 80, "Kopi Kenangan", "--wide"))
    assert any("┃" in line for line in _run(idx, 140, "Kopi Kenangan"))


def test_filters_sort_and_paging(idx: str) -> None:
    registered = _check(idx, "Kopi Kenangan", "--status", "registered", "--top", "50")
    assert {m["mark"]["status"] for m in registered["matches"]} == {"registered"}
    in43 = _check(idx, "Kopi Kenangan", "--filter-class", "43")
    assert all(43 in m["mark"]["classes"] for m in in43["matches"]) and in43["matches"]
    by_date = _check(idx, "Kopi Kenangan", "--sort", "date")
    dates = [m["mark"]["filed"] for m in by_date["matches"] if m["mark"]["filed"]]
    assert dates == sorted(dates) and by_date["matches"][-1]["mark"]["filed"] is None
    first = _check(idx, "Kopi Kenangan", "--top", "2")
    second = _check(idx, "Kopi Kenangan", "--top", "2", "--offset", "2")
    assert first["paging"]["more"] and first["paging"]["total"] is None
    assert registered["paging"]["total"] == len(registered["matches"])
    assert {m["mark"]["id"] for m in first["matches"]}.isdisjoint(m["mark"]["id"] for m in second["matches"])
    r = runner.invoke(app, ["check", "Kopi", "--status", "alive", "--index", idx, "--lang", "en"])
    assert r.exit_code == 2 and "unknown status" in r.output


def test_csv_export_one_row_per_match_formulas_neutralised(idx: str, tmp_path: Path) -> None:
    out = tmp_path / "hasil.csv"
    r = runner.invoke(app, ["check", "Kopi Kenangan", "--index", idx, "--csv", str(out), "--top", "20"])
    assert r.exit_code == 0, r.output
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    shown = _check(idx, "Kopi Kenangan", "--top", "20")["matches"]
    assert rows[0][0] == "peringkat" and len(rows) == 1 + len(shown)
    assert "'=KOPI KENANGAN" in [row[3] for row in rows[1:]]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_add_keeps_a_mark_whose_logo_is_unreadable() -> None:
    from similarity import LogoSkippedWarning, Mark, MarkIndex

    index = MarkIndex()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        added = index.add([Mark(id="1", name="GoodMilk", logo="missing/goodmilk.png"), Mark(id="2", name="Aqua")])
    assert added == 2 and len(index) == 2
    assert [w.category for w in caught] == [LogoSkippedWarning] and "'1'" in str(caught[0].message)
    assert check(index, "GudMilq").matches[0].mark.id == "1"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_batch_errors_are_in_the_answers_language(idx: str, tmp_path: Path, lang: str) -> None:
    """Every per-line error of a --queries file, and the file's own errors, speak the answer's language."""
    q = tmp_path / "q.csv"
    q.write_bytes(b'name,classes,logo\n,30,\nKopi,abc,\n"broken,30\nKopi,30,nofile.png\n')
    r = runner.invoke(app, ["check", "--queries", str(q), "--index", idx, "--json", "--lang", lang])
    assert r.exit_code == 0, r.output
    errors = [json.loads(line)["error"] for line in r.stdout.splitlines() if "error" in json.loads(line)]
    assert len(errors) == 4, errors
    english = ("give a", "unknown Nice class", "a quote opened", "cannot read the logo file")
    indonesian = ("isi nama merek", "tidak dikenal", "tanda kutip", "tidak ada — periksa")
    for error, en, id_ in zip(errors, english, indonesian, strict=True):
        assert (en if lang == "en" else id_) in error and "pesan asli" not in error, error
        assert (id_ if lang == "en" else en) not in error, error
    missing = runner.invoke(app, ["check", "--queries", str(tmp_path / "none.csv"), "--index", idx, "--lang", lang])
    said = " ".join(missing.output.split())
    assert missing.exit_code == 2 and ("file tidak ada" if lang == "id" else "No such file") in said, said
    (tmp_path / "h.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    header = runner.invoke(app, ["check", "--queries", str(tmp_path / "h.csv"), "--index", idx, "--lang", lang])
    said = " ".join(header.output.split())
    assert ("perlu baris judul" if lang == "id" else "needs a header") in said, said
