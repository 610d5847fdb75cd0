import json

import pytest

from similarity.io.registry import RegistryError, read_registry, write_registry_csv


def _write(tmp_path, name, data, mode="w"):
    p = tmp_path / name
    if mode == "wb":
        p.write_bytes(data)
    else:
        p.write_text(data, encoding="utf-8")
    return p


def test_good_and_bad_rows_are_reported_with_line_numbers(tmp_path):
    p = _write(
        tmp_path,
        "r.csv",
        (
            "id,name,owner,classes,status,logo\n"
            "1,Kopi Kenangan,PT Bumi,30;43,registered,\n"  # line 2 ok
            "2,,PT X,30,registered,\n"  # line 3 empty name
            "3,Teh Botol,PT Y,99,registered,\n"  # line 4 unknown class
            "4,Aqua,PT Z,32,maybe,\n"  # line 5 unknown status
            "5,Extra,PT,30,registered,,toomany\n"  # line 6 wrong field count
            "1,Kopi Lain,PT,30,registered,\n"  # line 7 duplicate id
            ",Tanpa Id,PT,30,registered,\n"  # line 8 no id
            "9,🙂🙂,PT,30,registered,\n"  # line 9 emoji only
            '10,"Multi\nLine",PT,30,pending,\n'  # lines 10-11 quoted newline: fine
        ),
    )
    rep = read_registry(p)
    assert [m.id for m in rep.marks] == ["1", "10"]
    got = {(e.line, e.field) for e in rep.errors}
    assert got == {(3, "name"), (4, "classes"), (5, "status"), (6, "row"), (7, "id"), (8, "id"), (9, "name")}
    assert rep.rows == 9
    assert "9 rows read, 2 marks imported, 7 rows skipped" in rep.summary()
    assert all(e.reason for e in rep.errors)


def test_invalid_utf8_row_is_reported_not_dropped(tmp_path):
    p = _write(tmp_path, "r.csv", b"id,name\n1,Kopi\n2,Caf\xe9 Bad\n3,Teh\n", mode="wb")
    rep = read_registry(p)
    assert [m.id for m in rep.marks] == ["1", "3"]
    assert rep.errors[0].line == 3 and "UTF-8" in rep.errors[0].reason


def test_a_field_over_the_csv_limit_is_reported_not_fatal(tmp_path):
    p = _write(tmp_path, "r.csv", "id,name\n1,Kopi\n2," + "a" * 1_000_000 + "\n3,Teh\n")
    rep = read_registry(p)
    assert [m.id for m in rep.marks] == ["1", "3"]
    assert [(e.line, e.field) for e in rep.errors] == [(3, "row")] and "malformed CSV" in rep.errors[0].reason


def test_an_unclosed_quote_is_reported_and_the_lines_it_swallowed_are_still_read(tmp_path):
    # the csv module reads every line after an open quote into one field: marks 3-5 used to vanish silently
    p = _write(tmp_path, "r.csv", 'id,name,classes\n1,Kopi "Kenangan,30\n2,"Aqua,32\n3,Indomie,30\n4,Sari Roti,30\n'
               '5,"Good"day,30\n6,Teh Botol,32\n')
    rep = read_registry(p)
    assert [(m.id, m.name) for m in rep.marks] == [
        ("1", 'Kopi "Kenangan'), ("3", "Indomie"), ("4", "Sari Roti"), ("5", "Goodday"), ("6", "Teh Botol")
    ]
    assert [(e.line, e.field) for e in rep.errors] == [(3, "row")]
    assert "quote opened on line 3 is not closed" in rep.errors[0].reason


def test_a_quote_left_open_on_the_last_row_is_reported_not_read_as_a_name(tmp_path):
    """At the end of the file the csv module closes an open quote without a word: "Aqua,32 became a mark named
    AQUA,32 with no classes. The row is reported on its line; the rows before it and a quoted field over two lines
    are read as before."""
    p = _write(tmp_path, "r.csv", 'id,name,classes\n1,"Kopi\nKenangan",30\n2,Indomie,30\n3,"Aqua,32\n')
    rep = read_registry(p)
    assert [(m.id, m.name, m.classes) for m in rep.marks] == [("1", "Kopi\nKenangan", (30,)), ("2", "Indomie", (30,))]
    assert [(e.line, e.field) for e in rep.errors] == [(5, "row")]  # the quoted name takes lines 2-3
    assert "quote opened on line 5 is not closed before the end of the file" in rep.errors[0].reason


def test_djki_headers_are_mapped(tmp_path):
    p = _write(
        tmp_path,
        "djki.csv",
        (
            "Nomor Permohonan;Nama Merek;Kelas;Status;Pemilik;Nomor Pendaftaran\n"
            "D002023000001;GEPREK BENSU;43;Didaftar;PT Bensu;IDM000123456\n"
            "D002023000002;KOPI KITA;30, 43;Dalam Proses;CV Kita;\n"
        ),
    )
    rep = read_registry(p)
    assert not rep.errors
    m = rep.marks[0]
    assert (m.id, m.name, m.classes, m.status, m.owner, m.number) == (
        "D002023000001",
        "GEPREK BENSU",
        (43,),
        "registered",
        "PT Bensu",
        "IDM000123456",
    )
    assert rep.marks[1].status == "pending" and rep.marks[1].classes == (30, 43)


def test_custom_mapping(tmp_path):
    p = _write(tmp_path, "x.csv", "kode,merk dagang\nA,Indomie\n")
    rep = read_registry(p, mapping={"kode": "id", "merk dagang": "name"})
    assert rep.marks[0].name == "Indomie"


def test_missing_name_column_is_a_clear_error(tmp_path):
    p = _write(tmp_path, "x.csv", "id,brand_x\n1,a\n")
    with pytest.raises(RegistryError, match="no name column"):
        read_registry(p)


def test_jsonl_with_bad_lines(tmp_path):
    lines = [
        json.dumps({"id": "1", "name": "Indomaret", "classes": [35]}),
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"id": "2", "name": "Alfamart", "classes": "35"}),
    ]
    p = _write(tmp_path, "r.jsonl", "\n".join(lines) + "\n")
    rep = read_registry(p)
    assert [m.name for m in rep.marks] == ["Indomaret", "Alfamart"]
    assert [e.line for e in rep.errors] == [2, 3]


def test_parquet(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table({"id": ["1", "2"], "name": ["Sari Roti", ""], "classes": ["30", "30"]})
    pq.write_table(table, tmp_path / "r.parquet")
    rep = read_registry(tmp_path / "r.parquet")
    assert [m.name for m in rep.marks] == ["Sari Roti"]
    assert rep.errors[0].line == 2 and rep.errors[0].field == "name"


def test_logo_paths_resolve_relative_to_the_file(tmp_path):
    p = _write(tmp_path, "r.csv", "id,name,logo\n1,Kopi,logos/k.png\n2,Git,simple-icons:github\n")
    rep = read_registry(p)
    assert rep.marks[0].logo == str((tmp_path / "logos" / "k.png").resolve())
    assert rep.marks[1].logo == "simple-icons:github"


def test_round_trip_through_canonical_csv(tmp_path):
    p = _write(tmp_path, "r.csv", "id,name,owner,classes,status\n1,Kopi,PT A,30;43,pending\n")
    marks = read_registry(p).marks
    write_registry_csv(marks, tmp_path / "out.csv")
    assert read_registry(tmp_path / "out.csv").marks == marks


def test_unknown_format(tmp_path):
    p = _write(tmp_path, "r.xlsx", "x")
    with pytest.raises(RegistryError, match="unknown registry format"):
        read_registry(p)
