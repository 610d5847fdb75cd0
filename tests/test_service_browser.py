"""The web page in a real browser: Debian chromium driven by Playwright against uvicorn on 127.0.0.1."""

from __future__ import annotations

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

from similarity.service.app import create_app  # noqa: E402


@pytest.fixture
def server_url(tmp_path: Path) -> Iterator[str]:
    """uvicorn in a background thread on a free loopback port; stopped after the test."""
    app = create_app(build_small_index(tmp_path / "index"))
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
    page.check("#class-list input[value='9']")
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
    page.fill("#name", "🙂🙂")  # the server refuses: its message is shown, not a stack trace
    page.click("#submit")
    page.wait_for_function("() => document.querySelector('#error').textContent.includes('letters or digits')")
