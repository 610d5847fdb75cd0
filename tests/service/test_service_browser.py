"""The web page in a real browser: Debian chromium driven by Playwright against uvicorn on 127.0.0.1."""

from __future__ import annotations

import contextlib
import csv
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium "
                       "(apt-get install -y chromium)"),
]
pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

from test_service_api import build_small_index, github_png  # noqa: E402
from test_service_clerk import build_clerk_index  # noqa: E402

from similarity.service.app import create_app  # noqa: E402


@contextlib.contextmanager
def serving(index: Path) -> Iterator[str]:
    """uvicorn in a background thread on a free loopback port; stopped afterwards."""
    app = create_app(index)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture
def server_url(tmp_path: Path) -> Iterator[str]:
    with serving(build_small_index(tmp_path / "index")) as url:
        yield url


@pytest.fixture
def clerk_url(tmp_path: Path) -> Iterator[str]:
    """A registry with 17 marks like "Kopi Kenangan": more than a page, every status, dates, a formula name."""
    with serving(build_clerk_index(tmp_path / "clerk-index")) as url:
        yield url


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def check_github_logo(page, base: str, logo: Path) -> None:
    page.goto(base + "/")
    page.fill("#name", "Gitbub")
    page.fill("#class-filter", "9")
    page.press("#class-filter", "Enter")  # a class number and Enter pick the class
    assert page.locator("#class-list input[value='9']").is_checked()
    page.set_input_files("#logo", str(logo))
    assert page.locator("#logo-preview").evaluate("img => !img.hidden")
    page.click("#submit")
    page.wait_for_selector("#result:not([hidden]) .match", timeout=15_000)


def thumbnails_loaded(page) -> bool:
    return page.wait_for_function(
        "() => { const imgs = [...document.querySelectorAll('.match .logo-fig img')];"
        " return imgs.length >= 2 && imgs.every(i => i.complete && i.naturalWidth > 0); }",
        timeout=10_000,
    ) is not None


def test_check_form_verdict_thumbnails_and_english(server_url: str, browser, tmp_path: Path) -> None:
    logo = tmp_path / "github.png"
    logo.write_bytes(github_png())
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    check_github_logo(page, server_url, logo)
    assert page.inner_text("#verdict-label").strip().lower() in {"tinggi", "sedang", "rendah", "aman"}
    assert page.inner_text(".match .mark-name") == "GitHub"
    assert thumbnails_loaded(page)
    assert "bukan pendapat hukum" in page.inner_text(".disclaimer")
    page.screenshot(path=str(tmp_path / "check-id.png"), full_page=True)

    with page.expect_download(timeout=15_000) as download:
        page.click("#report-link")
    report = Path(download.value.path()).read_text(encoding="utf-8")
    assert download.value.suggested_filename == "laporan-kemiripan-merek.html"
    assert "GitHub" in report and "bukan pendapat hukum" in report

    page.click("#lang-switch")
    page.wait_for_function("() => document.querySelector('h1').textContent === 'Brand Similarity Check'")
    page.wait_for_function(
        "() => ['high','medium','low','clear'].includes(document.querySelector('#verdict-label').textContent)")
    assert page.inner_text("#submit") == "Check"
    assert "not a legal opinion" in page.inner_text(".disclaimer")
    assert page.locator(".factor-name").first.inner_text() == "Sight"
    assert page.inner_text("label.file-button") == "Choose a logo …"
    page.screenshot(path=str(tmp_path / "check-en.png"), full_page=True)

    assert errors == []
    outside = [u for u in requests if not u.startswith((server_url, "blob:", "data:"))]
    assert outside == [], f"the page fetched from outside the app: {outside}"


def test_phone_layout_has_no_horizontal_scroll(server_url: str, browser, tmp_path: Path) -> None:
    logo = tmp_path / "github.png"
    logo.write_bytes(github_png())
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    check_github_logo(page, server_url, logo)
    assert thumbnails_loaded(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "check-phone.png"), full_page=True)


def test_error_from_the_server_is_shown(server_url: str, browser) -> None:
    page = browser.new_page()
    page.goto(server_url + "/")
    page.click("#submit")  # nothing filled in: refused in the page itself
    assert page.locator("#error").is_visible()
    page.fill("#name", "🙂🙂")  # the server refuses: its message is shown, in the page's language
    page.click("#submit")
    page.wait_for_function("() => document.querySelector('#error').textContent.includes('huruf atau angka')")


def check_name(page, name: str, wait_for: str = "#result:not([hidden]) .match") -> None:
    page.fill("#name", name)
    page.click("#submit")
    page.wait_for_selector(wait_for)


def test_goods_word_shows_its_classes_and_enter_picks(clerk_url: str, browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(clerk_url + "/")
    page.fill("#class-filter", "keripik")
    page.wait_for_selector("#goods-hits button.pick[data-class='30']")
    shown = page.locator("#goods-hits .goods-hit").first
    assert shown.locator(".goods-term").inner_text() == "keripik"
    assert shown.locator("button.pick").evaluate_all("bs => bs.map(b => b.dataset.class)") == ["29", "30"]
    assert "kentang" in shown.locator("button.pick[data-class='29']").inner_text()
    page.screenshot(path=str(tmp_path / "goods-keripik.png"))
    shown.locator("button.pick[data-class='30']").click()
    assert page.locator("#class-list input[value='30']").is_checked()
    page.press("#class-filter", "Enter")  # picks the first class not yet chosen (29), and does not submit
    assert page.locator("#class-list input[value='29']").is_checked()
    assert page.locator("#result").is_hidden() and page.locator("#error").is_hidden()
    assert page.locator("#chosen .chip").count() == 2
    page.fill("#class-filter", "keripk")  # a typo: said so, with the closest term
    page.wait_for_function("() => document.querySelector('#goods-status').textContent.includes('keripik')")
    assert "tidak ada" in page.inner_text("#goods-status")


def test_a_bad_upload_is_refused_before_anything_is_sent(clerk_url: str, browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    checks: list[str] = []
    page.on("request", lambda r: checks.append(r.url) if "/v1/check" in r.url else None)
    page.goto(clerk_url + "/")
    fake = tmp_path / "logo.png"
    fake.write_bytes(b"this is not a picture at all")
    page.set_input_files("#logo", str(fake))
    page.wait_for_selector("#logo-error:not([hidden])")
    assert "tidak dapat dibuka sebagai gambar" in page.inner_text("#logo-error")
    assert page.locator("#logo-preview").is_hidden()  # no broken image
    assert page.evaluate("() => document.querySelector('#logo').files.length") == 0
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    page.set_input_files("#logo", str(notes))
    assert "bukan logo yang didukung" in page.inner_text("#logo-error")
    page.click("#lang-switch")  # the page's own messages follow the language too
    page.wait_for_function("() => document.querySelector('#logo-error').textContent.includes('not a supported')")
    assert checks == []


def test_result_scrolls_into_view_pages_exports_and_is_shareable(clerk_url: str, browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(clerk_url + "/")
    page.fill("#name", "Kopi Kenangan")
    page.fill("#class-filter", "kopi bubuk")
    page.wait_for_selector("#goods-hits button.pick[data-class='30']")
    page.press("#class-filter", "Enter")
    page.click("#submit")
    page.wait_for_selector("#result:not([hidden]) .match")
    page.wait_for_function("() => { const r = document.querySelector('#verdict').getBoundingClientRect();"
                           " return r.top >= 0 && r.top < 200; }", timeout=5_000)
    assert page.evaluate("() => window.scrollY") > 100
    assert page.inner_text("#verdict-meaning") and page.inner_text("#verdict-next")
    page.screenshot(path=str(tmp_path / "result-desktop.png"))
    assert page.locator(".match").count() == 10 and page.locator("#more").is_visible()
    page.click("#more")
    page.wait_for_function("() => document.querySelectorAll('.match').length > 10")
    shown = page.locator(".match").count()
    ids = page.locator(".match .mark-id").all_inner_texts()
    assert len(set(ids)) == shown

    with page.expect_download(timeout=15_000) as download:
        page.click("#csv-link")
    assert download.value.suggested_filename.endswith(".csv")
    rows = list(csv.reader(Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 1 + shown and [r[4] for r in rows[1:]] == ids
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)

    page.select_option("#filter-status", "pending")
    page.wait_for_function("() => { const metas = [...document.querySelectorAll('.match .mark-meta')];"
                           " return metas.length > 0 && metas.every(m => m.textContent.includes('dalam proses')); }")
    assert "class=30" in page.url and "name=Kopi+Kenangan" in page.url
    shared = browser.new_page(viewport={"width": 1280, "height": 900})
    shared.goto(page.url)  # the address alone repeats the check
    shared.wait_for_selector("#result:not([hidden]) .match")
    assert shared.input_value("#name") == "Kopi Kenangan"
    assert shared.locator("#class-list input[value='30']").is_checked()


def test_new_check_or_error_clears_the_old_result_and_english_translates_errors(clerk_url: str, browser,
                                                                                 tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(clerk_url + "/")
    check_name(page, "Kopi Kenangan")
    check_name(page, "🙂🙂", wait_for="#error:not([hidden])")
    page.wait_for_function("() => document.querySelector('#error').textContent.includes('huruf atau angka')")
    assert page.locator("#result").is_hidden()
    page.click("#lang-switch")
    page.wait_for_function("() => document.querySelector('#error').textContent.includes('no letters or digits')")
    assert "Pemeriksaan" not in page.inner_text("#error") and page.locator("#result").is_hidden()
    page.screenshot(path=str(tmp_path / "error-en.png"))


def test_phone_picker_and_result_without_sideways_scrolling(clerk_url: str, browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page.goto(clerk_url + "/")
    page.click("#all-classes summary")  # the full list: a plain list of the page, not a small scroll box
    assert page.evaluate("() => document.querySelector('#class-list').scrollHeight"
                         " <= document.querySelector('#class-list').clientHeight + 1")
    page.fill("#class-filter", "hijab")
    page.wait_for_selector("#goods-hits button.pick[data-class='25']")
    page.click("#goods-hits button.pick[data-class='25']")
    check_name(page, "Kopi Kenangan Mantan Terindah Sepanjang Masa")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "phone-result.png"), full_page=True)
