"""The HTML report: self-contained, bilingual, escaped, robust to missing logos, written atomically."""

from __future__ import annotations

import base64
import doctest
import io
import re

import pytest
from PIL import Image, ImageDraw

import similarity.report
from similarity.report import DISCLAIMER, render_report, write_report
from similarity.values import CheckResult, Factors, Mark, Match, Query, Reason, Verdict

DATA_URI = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def _logo_png(path=None) -> bytes:
    image = Image.new("RGB", (300, 180), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 160, 160), fill="navy")
    draw.rectangle((180, 40, 280, 140), fill="orange")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    if path is not None:
        path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


@pytest.fixture
def result(tmp_path) -> CheckResult:
    logo = tmp_path / "earlier.png"
    _logo_png(logo)
    hostile = Mark(id="D002023000002", name="<script>alert(1)</script>", owner="CV Susu & Co", classes=(29,),
                   status="pending", logo=str(tmp_path / "missing.png"))
    shown = Mark(id="IDM000123456", name="Goodmilk", owner="PT Goodmilk", classes=(29, 30), logo=str(logo),
                 registered="2020-01-15")
    reasons = (Reason("sound", "bunyi mirip: GUDMILQ ~ GOODMILK", "sounds alike: GUDMILQ ~ GOODMILK"),
               Reason("goods", "kelas sama: 29", "same class: 29"))
    matches = (
        Match(hostile, 0.92, Factors(sight=0.8, sound=0.95, meaning=None, logo=None, goods=1.0, name=0.92, status=1.0),
              reasons, "high"),
        Match(shown, 0.55, Factors(sight=0.0, sound=0.6, meaning=0.3, logo=0.9, goods=0.7, name=0.2, status=1.0),
              reasons[:1], "medium"),
    )
    verdict = Verdict(risk="high", score=0.92, reasons=reasons,
                      notes=(Reason("disclaimer", "hasil ini adalah penyaringan kemiripan, bukan pendapat hukum",
                                    "this is a similarity screen, not a legal opinion"),))
    return CheckResult(Query(name="Gudmilq", classes=(29,)), verdict, matches,
                       registry={"marks": 18597, "built_at": "2024-05-01T10:00:00Z", "generation": 3,
                                 "source": "demo"})


def _assert_self_contained(page: str) -> None:
    assert "http://" not in page and "https://" not in page and 'src="//' not in page
    assert "<script" not in page.lower() and "<link" not in page.lower() and "url(" not in page
    srcs = re.findall(r'\bsrc="([^"]*)"', page)
    assert all(s.startswith("data:image/png;base64,") for s in srcs)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_report_is_self_contained(result, lang):
    page = render_report(result, lang=lang, query_logo=_logo_png())
    _assert_self_contained(page)
    assert '<meta name="viewport"' in page and "@media print" in page
    assert len(DATA_URI.findall(page)) >= 3  # the query logo big, beside each match, and the earlier mark's


def test_thumbnails_are_png_at_most_128_px(result):
    page = render_report(result, query_logo=_logo_png())
    for payload in DATA_URI.findall(page):
        with Image.open(io.BytesIO(base64.b64decode(payload))) as image:
            assert image.format == "PNG" and max(image.size) <= 128


def test_indonesian_by_default(result):
    page = render_report(result)
    assert '<html lang="id">' in page
    assert 'class="big">tinggi<' in page and "sedang" in page
    for label in ("Alasan", "Faktor", "tampilan", "bunyi", "arti", "barang/jasa", "diajukan", "terdaftar"):
        assert label in page
    assert DISCLAIMER["id"] == ("Hasil ini adalah penyaringan kemiripan, bukan pendapat hukum. "
                                "Keputusan ada pada pemeriksa DJKI.")
    assert DISCLAIMER["id"] in page
    assert "18.597 merek" in page and "1 Mei 2024" in page and "generasi 3" in page
    assert "daging" in page  # class 29 with its Indonesian heading


def test_english_with_lang_en(result):
    page = render_report(result, lang="en")
    assert '<html lang="en">' in page
    assert 'class="big">high<' in page and "medium" in page
    for label in ("Reasons", "Factors", "sight", "sound", "meaning", "goods/services", "pending", "registered"):
        assert label in page
    assert DISCLAIMER["en"] in page and DISCLAIMER["id"] not in page
    assert "18,597 marks" in page and "1 May 2024" in page and "meat" in page
    for indonesian in ("Alasan", "tampilan", "bunyi", "tinggi", "diajukan", "Pemilik", "Kelas Nice"):
        assert indonesian not in page


def test_user_and_registry_text_is_escaped(result):
    page = render_report(result)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "CV Susu &amp; Co" in page
    hostile = CheckResult(Query(name='"><img src=x onerror=alert(1)>'), Verdict(), ())
    page = render_report(hostile)
    assert "<img src=x" not in page and "&quot;&gt;&lt;img src=x" in page


def test_none_factor_shows_a_dash_and_zero_shows_zero(result):
    page = render_report(result, lang="en")
    first, second = page.split("<tr>")[2:4]
    assert re.search(r'fname">meaning</span><span class="bar na"></span><span class="fval">—<', first)
    assert re.search(r'fname">logo</span><span class="bar na"></span><span class="fval">—<', first)
    assert first.count('class="fval">—<') == 2
    assert re.search(r'fname">sight</span><span class="bar"><span style="width:0%"></span></span>'
                     r'<span class="fval">0%<', second)
    assert "—" not in second.split('class="factors"')[1].split("</div>")[0]  # every factor of this one is known


def test_unloadable_logo_is_a_placeholder(result, tmp_path):
    page = render_report(result, query_logo=str(tmp_path / "nope.png"))
    assert page.count("logo tidak dapat dimuat") >= 2  # the query's (big and beside each match) and the mark's
    uploaded = CheckResult(Query(name="x", logo="<uploaded>"), Verdict(), result.matches)
    assert "logo could not be loaded" in render_report(uploaded, lang="en")
    broken = CheckResult(Query(name="x"), Verdict(), result.matches)
    _assert_self_contained(render_report(broken, query_logo=b"not an image"))


def test_no_logos_anywhere_has_no_logo_column():
    mark = Mark(id="1", name="Aqua", classes=(32,))
    r = CheckResult(Query(name="Akwa", classes=(32,)), Verdict(risk="low", score=0.4),
                    (Match(mark, 0.4, Factors(sound=0.9), (), "low"),))
    page = render_report(r, lang="en")
    assert "<img" not in page and "<th scope=\"col\">Logo</th>" not in page
    assert "no logo" in page  # said once, in the query section


@pytest.mark.parametrize(("lang", "label"), [("id", "aman"), ("en", "clear")])
def test_zero_matches_is_clear(lang, label):
    r = CheckResult(Query(name="Zzyzx", classes=()), Verdict(), ())
    page = render_report(r, lang=lang)
    assert f'class="big">{label}<' in page and "risk-clear" in page
    assert "<table" not in page
    assert ("Tidak ditemukan merek yang mirip" if lang == "id" else "No similar marks were found") in page
    assert ("semua kelas" if lang == "id" else "all classes") in page
    _assert_self_contained(page)


def test_unknown_language_is_refused(result):
    with pytest.raises(ValueError, match="'de'"):
        render_report(result, lang="de")


def test_write_report_is_atomic(result, tmp_path):
    out = tmp_path / "reports"
    target = write_report(result, out / "report.html", lang="en")
    assert target == out / "report.html"
    assert [p.name for p in out.iterdir()] == ["report.html"]
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    write_report(CheckResult(Query(name="x"), Verdict(), ()), target)
    assert [p.name for p in out.iterdir()] == ["report.html"]
    assert 'class="big">aman<' in target.read_text(encoding="utf-8")
    with pytest.raises(ValueError):
        write_report(result, target, lang="xx")
    assert [p.name for p in out.iterdir()] == ["report.html"]
    assert 'class="big">aman<' in target.read_text(encoding="utf-8")


def test_report_from_a_real_check_with_simple_icons():
    pytest.importorskip("simple_icons_pack")
    pytest.importorskip("resvg_py")
    from similarity.pipeline import check
    from similarity.store.index import MarkIndex

    index = MarkIndex()
    index.add([
        Mark(id="IDM000000001", name="GitHub", owner="GitHub Inc", classes=(9, 42), logo="simple-icons:github"),
        Mark(id="IDM000000002", name="Gitlab", classes=(42,), logo="simple-icons:gitlab"),
        Mark(id="IDM000000003", name="Githab", classes=(42,), status="expired"),
    ])
    r = check(index, "Githup", classes=[42], logo="simple-icons:github")
    assert r.matches
    page = render_report(r, lang="en", index=index, query_logo="simple-icons:github")
    _assert_self_contained(page)
    assert len(DATA_URI.findall(page)) >= 3
    assert "3 marks" in page and "2 with a logo" in page
    assert f'class="big">{r.verdict.risk}<' in page


def test_module_doctest():
    assert doctest.testmod(similarity.report).failed == 0
