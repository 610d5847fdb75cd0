"""Status of an earlier mark and how much it still counts.

Registry exports name the status in English or in the Indonesian words DJKI uses ("Didaftar", "Dalam Proses",
"Ditolak", "Dihapus" ...). :func:`parse_status` maps them onto four statuses; :data:`STATUS_WEIGHT` says how
strongly an earlier mark in that status can block a new one (DOMAIN.md §5: a pending earlier application
still blocks, first-to-file).

>>> parse_status("Dalam Proses")
'pending'
>>> STATUS_WEIGHT[parse_status("Berakhir")]
0.3
>>> status_reason("expired")[1]
'mark has expired or was removed — low weight: it no longer blocks, but its owner may still renew or re-file'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from ..values import STATUSES, Status

__all__ = ["STATUSES", "STATUS_WEIGHT", "Status", "parse_status", "status_label", "status_reason"]

STATUS_WEIGHT: Mapping[str, float] = MappingProxyType(
    {
        "registered": 1.0,
        "pending": 1.0,
        "expired": 0.3,
        "refused": 0.2,
    }
)

# Why each weight is what it is; shown to maintainers, and the basis of the user-facing reasons below.
RATIONALE: Mapping[str, str] = MappingProxyType(
    {
        "registered": "A registered earlier mark is exactly what Art. 21(1)(a) Law 20/2016 protects.",
        "pending": "Art. 21(1)(a) also covers earlier *applied* marks and Indonesia is first-to-file, so a "
        "pending earlier application blocks as much as a registration (DOMAIN.md §5).",
        "expired": "An expired or removed mark no longer blocks, but its owner may still renew up to "
        "6 months after expiry (Law 20/2016 Art. 35), often re-files, keeps goodwill; kept visible at 0.3.",
        "refused": "A refused or withdrawn application gives no right, but it can be appealed and it shows "
        "the name is contested or close to another mark; kept visible at 0.2, below an expired mark.",
    }
)

# Accepted words, normalised (lower case, single spaces). English words from other registries' exports,
# Indonesian words from DJKI's status labels. "ditarik kembali" (withdrawn application) becomes refused:
# like a refusal it never became a right. "dibatalkan" (cancelled by a court) becomes expired: the mark
# existed and was removed from the register, like "dihapus".
_WORDS: Mapping[str, Status] = MappingProxyType(
    {
        **dict.fromkeys(("registered", "granted", "terdaftar", "didaftar", "berlaku"), "registered"),
        **dict.fromkeys(
            (
                "pending",
                "filed",
                "applied",
                "application",
                "under examination",
                "published",
                "opposition",
                "diajukan",
                "dalam proses",
                "permohonan",
                "pemeriksaan formalitas",
                "pemeriksaan substantif",
                "publikasi",
                "pengumuman",
                "oposisi",
                "keberatan",
            ),
            "pending",
        ),
        **dict.fromkeys(
            ("refused", "rejected", "withdrawn", "ditolak", "ditarik kembali", "ditarik"), "refused"
        ),
        **dict.fromkeys(
            (
                "expired",
                "lapsed",
                "cancelled",
                "canceled",
                "removed",
                "berakhir",
                "kedaluwarsa",
                "dihapus",
                "dibatalkan",
                "tidak berlaku",
            ),
            "expired",
        ),
    }
)

_LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "id": {"registered": "terdaftar", "pending": "diajukan", "refused": "ditolak", "expired": "berakhir"},
        "en": {"registered": "registered", "pending": "pending", "refused": "refused", "expired": "expired"},
    }
)

_REASONS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "expired": (
            "merek sudah berakhir atau dihapus — bobot kecil: tidak lagi menghalangi, tetapi pemiliknya "
            "masih dapat memperpanjang atau mendaftar ulang",
            "mark has expired or was removed — low weight: it no longer blocks, but its owner may still "
            "renew or re-file",
        ),
        "refused": (
            "permohonan merek ditolak atau ditarik — bobot kecil: tidak memberi hak, tetapi menandakan "
            "nama yang disengketakan",
            "application was refused or withdrawn — low weight: it gives no right, but signals a "
            "contested name",
        ),
    }
)

_PUNCTUATION = re.compile(r"[\s_\-./:]+")


def _normalise(value: str) -> str:
    return _PUNCTUATION.sub(" ", value.lower()).strip()


def parse_status(value: str | None) -> Status:
    """Map an English or Indonesian status word onto ``registered``, ``pending``, ``refused`` or ``expired``.

    Case, spaces, underscores and hyphens do not matter. An empty or unknown value raises ValueError listing
    the accepted words: guessing "registered" for a blank cell would silently overstate a mark.

    >>> parse_status("TERDAFTAR"), parse_status("pemeriksaan_substantif"), parse_status("Ditarik Kembali")
    ('registered', 'pending', 'refused')
    >>> parse_status("")
    Traceback (most recent call last):
    ...
    ValueError: empty status — expected one of: registered, pending, expired, refused (or an Indonesian word \
such as terdaftar, diajukan, berakhir, ditolak)
    """
    if value is None or not _normalise(str(value)):
        raise ValueError(
            "empty status — expected one of: registered, pending, expired, refused "
            "(or an Indonesian word such as terdaftar, diajukan, berakhir, ditolak)"
        )
    status = _WORDS.get(_normalise(str(value)))
    if status is None:
        raise ValueError(f"unknown status {value!r} — expected one of: {', '.join(sorted(_WORDS))}")
    return status


def status_label(status: str, lang: str = "id") -> str:
    """The status as a word for a report, in Indonesian (``"id"``) or English (``"en"``).

    >>> status_label("pending"), status_label("Didaftar", "en")
    ('diajukan', 'registered')
    """
    if lang not in _LABELS:
        raise ValueError(f"unknown language {lang!r} — expected 'id' or 'en'")
    return _LABELS[lang][parse_status(status)]


def status_reason(status: str) -> tuple[str, str] | None:
    """``(Indonesian, English)`` reason when the status lowers the mark's weight, else None.

    >>> status_reason("registered") is None, status_reason("pending") is None
    (True, True)
    >>> status_reason("ditolak")[0].startswith("permohonan merek ditolak")
    True
    """
    return _REASONS.get(parse_status(status))
