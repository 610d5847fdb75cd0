"""The web page: one bilingual HTML file with its configuration (classes, limits, report link) inlined as JSON, and
the headers it is served with."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..classes import NICE_CLASSES
from ..explain import DEMO_NOTICE, UNKNOWN_CLASSES
from ..image.load import MAX_FILE_BYTES

HERE = Path(__file__).parent
PAGE_CSP = ("default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
PAGE_HEADERS = {"Content-Security-Policy": PAGE_CSP, "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer"}


@lru_cache(maxsize=1)
def render_page() -> str:
    """The page with its configuration (classes, limits, report link) inlined as JSON."""
    config = {
        "version": __version__,
        "maxLogoBytes": MAX_FILE_BYTES,
        "classes": [[c.number, c.title_id, c.title_en] for c in NICE_CLASSES.values()],
        "report": report_available(),
        "text": {lang: {"demo": DEMO_NOTICE[lang], "unknownClasses": UNKNOWN_CLASSES[lang]} for lang in ("id", "en")},
    }
    blob = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    return (HERE / "templates" / "index.html").read_text(encoding="utf-8").replace("{{config}}", blob)


def report_available() -> bool:
    """Whether the HTML report can be made here (its optional dependencies are installed)."""
    try:
        from ..report import render_report  # noqa: F401
    except ImportError:
        return False
    return True
