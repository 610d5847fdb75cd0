"""Error messages in the language of the answer: the CLI's ``--lang``, the page's switch, the API's ``lang``.

The library raises ``ValueError`` subclasses whose English text says what was wrong and what to do. A front end
answering in Bahasa Indonesia shows the same message in Indonesian through :func:`error_text`: an exception that
knows its own languages (a ``text(lang)`` method) is asked; the library's other messages are translated here, in
one table, pattern by pattern, so the modules that raise them stay as they are::

    >>> from similarity.text.normalize import InvalidNameError
    >>> error_text(InvalidNameError("the name '🙂' has no letters or digits to compare — give a word mark"), "id")
    "nama '🙂' tidak berisi huruf atau angka untuk dibandingkan — isi merek kata"
    >>> error_text(ValueError("the logo is over the 5,242,880 byte limit — upload a smaller file"), "id")
    'logo melebihi batas 5.242.880 byte — unggah file yang lebih kecil'
    >>> error_text("something new went wrong", "id")
    'permintaan tidak dapat diproses (pesan asli: something new went wrong)'
"""

from __future__ import annotations

import errno
import re
from collections.abc import Mapping

LANGS = ("id", "en")

MESSAGES: Mapping[str, Mapping[str, str]] = {
    "need_query": {"en": "give a NAME, --logo FILE, or both (or --queries FILE for many)",
                   "id": "isi NAMA, --logo FILE, atau keduanya (atau --queries FILE untuk banyak)"},
    "bad_lang": {"en": "--lang is {value!r} — use id or en", "id": "--lang bernilai {value!r} — pakai id atau en"},
    "report_written": {"en": "report written to {path}", "id": "laporan ditulis ke {path}"},
    "csv_written": {"en": "{n} matches written to {path}", "id": "{n} merek ditulis ke {path}"},
    "cannot_write": {"en": "cannot write {path}: {reason}", "id": "tidak dapat menulis {path}: {reason}"},
    "error": {"en": "error", "id": "kesalahan"},
    "cannot_read": {"en": "cannot read {path}: {reason}", "id": "tidak dapat membaca {path}: {reason}"},
    "queries_header": {"en": "{path} needs a header with a name column (name,classes,logo)",
                       "id": "{path} perlu baris judul dengan kolom name (name,classes,logo)"},
    "queries_bad_header": {"en": "{path}: its header is a {why}", "id": "{path}: baris judulnya {why}"},
}


def message(key: str, lang: str = "id", **values: object) -> str:
    """A front end's own message in ``lang``.

    >>> message("bad_lang", "en", value="fr")
    "--lang is 'fr' — use id or en"
    """
    return MESSAGES[key]["en" if lang == "en" else "id"].format(**values)


_OS_REASONS_ID = {errno.ENOENT: "file tidak ada", errno.EACCES: "izin ditolak", errno.EISDIR: "itu sebuah folder",
                  errno.ENOTDIR: "salah satu bagian jalurnya bukan folder", errno.ENOSPC: "disk penuh",
                  errno.EROFS: "disk hanya-baca"}


def os_reason(error: OSError, lang: str = "id") -> str:
    """Why the system refused a file, in ``lang`` (the system's own text for what this table does not know).

    >>> os_reason(FileNotFoundError(2, "No such file or directory"), "id")
    'file tidak ada'
    """
    said = error.strerror or str(error)
    return said if lang == "en" else _OS_REASONS_ID.get(error.errno or 0, said)


def _number(text: str) -> str:
    """1,234,567 as Indonesians write it: 1.234.567."""
    return text.replace(",", ".")


# English library messages (similarity/text/normalize.py, image/load.py, classes.py, check.py, the service) and
# their Indonesian text; the first pattern that matches the whole message wins.
_ID: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.S), t) for p, t in (
    (r"give a (?:brand )?name, a logo, or both.*", "isi nama merek, logo, atau keduanya — pencarian kosong tidak "
     "menemukan apa pun"),
    (r"the name is empty.*", "nama kosong — isi merek kata yang diperiksa, atau cari dengan logo saja"),
    (r"the name (?P<name>.+) has no letters or digits to compare.*",
     "nama {name} tidak berisi huruf atau angka untuk dibandingkan — isi merek kata"),
    (r"the name (?P<name>.+) is written in (?P<script>.+) letters, and names are compared in Latin.*",
     "nama {name} ditulis dengan huruf {script}, sedangkan nama dibandingkan dalam huruf Latin — tulis ejaan "
     "Latinnya (seperti didaftarkan di DJKI)"),
    (r"the name is (?P<n>[\d,]+) characters long — word marks are at most (?P<max>\d+) characters.*",
     "nama sepanjang {n} karakter — merek kata paling panjang {max} karakter; isi mereknya saja, bukan deskripsi"),
    (r"the name is not valid UTF-8.*|not valid UTF-8.*", "teks bukan UTF-8 yang sah — simpan ulang file sebagai "
     "UTF-8"),
    (r"unknown Nice class (?P<value>.+?) — Nice classes are numbered.*",
     "kelas Nice {value} tidak dikenal — kelas Nice bernomor 1..45 (1-34 barang, 35-45 jasa)"),
    (r"(?P<n>\d+) classes given — there are only (?P<max>\d+) Nice classes",
     "{n} kelas diberikan — kelas Nice hanya ada {max}"),
    (r"the file is not a supported image.*", "file bukan gambar yang didukung (PNG, JPEG, WebP, GIF, BMP, TIFF "
     "atau SVG) — unggah logo dalam salah satu format itu"),
    (r"(?:the logo|.+) is (?:(?P<size>[\d,]+) bytes, )?over the (?P<max>[\d,]+) byte limit.*",
     "logo melebihi batas {max} byte — unggah file yang lebih kecil"),
    (r"the request body .* over the (?P<max>[\d,]+) byte limit.*",
     "permintaan melebihi batas {max} byte — logo paling besar 5 MB; unggah file yang lebih kecil"),
    (r"the logo file is empty.*", "file logo kosong (0 byte) — unggah ulang"),
    (r"the image is corrupt or truncated.*", "gambar rusak atau terpotong — ekspor ulang logonya"),
    (r"the image is blank or a single colour.*", "gambar kosong atau hanya satu warna — unggah logonya, bukan "
     "kanvas kosong"),
    (r"the image (?:claims .+ pixels, )?(?:is )?over the (?P<max>[\d,]+) pixel limit.*",
     "gambar melebihi batas {max} piksel — perkecil logonya (1000 px sudah cukup)"),
    (r"the image has no pixels.*", "gambar tidak berpiksel — ekspor ulang logonya"),
    (r"there is no simple-icons logo called (?P<slug>.+?) — check the slug",
     "tidak ada logo simple-icons bernama {slug} — periksa nama slug-nya"),
    (r"cannot read the logo file (?P<path>.+?): No such file or directory",
     "file logo {path} tidak ada — periksa nama dan foldernya"),
    (r"cannot read the logo file (?P<path>.+?): Permission denied",
     "file logo {path} tidak boleh dibaca (izin ditolak)"),
    (r"cannot read the logo file(?P<path> .+?)?: (?P<why>.+)", "file logo{path} tidak dapat dibaca: {why}"),
    (r"a quote opened on line (?P<first>\d+) is not closed, so lines (?P<a>\d+)-(?P<b>\d+) ran into one field.*",
     "tanda kutip yang dibuka di baris {first} tidak ditutup, sehingga baris {a}-{b} menjadi satu kolom — tutup "
     "atau hapus tanda kutip itu; baris sesudahnya dibaca ulang satu per satu"),
    (r"a quote opened on line (?P<first>\d+) is not closed before the end of the file.*",
     "tanda kutip yang dibuka di baris {first} tidak ditutup sampai akhir file — tutup atau hapus tanda kutip itu"),
    (r"malformed CSV record \((?P<why>.*)\) — check its quoting.*",
     "baris CSV rusak ({why}) — periksa tanda kutip dan panjang kolomnya"),
    (r"the SVG .*|the file has no <svg> element.*", "file SVG tidak dapat dipakai sebagai logo — ekspor logonya "
     "sebagai PNG (pesan asli: {message})"),
    (r"top is (?P<n>-?\d+) — it must be at least 1", "top bernilai {n} — paling sedikit 1"),
    (r"unknown status (?P<value>.+?) — use one of (?P<choices>.+)", "status {value} tidak dikenal — pakai salah satu "
     "dari {choices}"),
    (r"unknown sort (?P<value>.+?) — use score or date", "urutan {value} tidak dikenal — pakai score atau date"),
    (r"offset must be 0 or more and top at least 1", "offset paling kecil 0 dan top paling kecil 1"),
    (r"the server is busy: the (?P<n>\d+) checks ahead would take about (?P<wait>[\d.]+) s, more than the "
     r"(?P<left>[\d.]+) s this request may take — try again in (?P<s>\d+) s",
     "server sedang sibuk: {n} pemeriksaan di depan butuh sekitar {wait} detik, lebih dari {left} detik yang "
     "tersedia untuk permintaan ini — coba lagi dalam {s} detik"),
    (r"the request took longer than (?P<s>[\d.]+) s.*", "pemeriksaan lebih lama dari {s} detik — coba lagi, atau "
     "dengan logo yang lebih kecil"),
    (r"send application/json, or multipart/form-data.*", "kirim application/json, atau multipart/form-data bila "
     "mengunggah logo"),
    (r"the body is not valid JSON.*", "isi permintaan bukan JSON yang sah"),
    (r"(?P<path>.+) is not a folder — build an index with `similarity index build`",
     "{path} bukan folder — bangun indeks dengan `similarity index build`"),
    (r"(?P<path>.+) has no manifest\.json — it is not an index.*",
     "{path} tidak berisi manifest.json — itu bukan indeks (atau pembangunannya belum selesai); bangun dengan "
     "`similarity index build REGISTRI --out FOLDER`"),
    (r"(?P<path>.+) (?:is corrupt|is missing|does not match its checksum).*",
     "indeks di {path} rusak atau tidak lengkap — bangun ulang indeksnya (pesan asli: {message})"),
    (r"(?P<path>.+) has index format (?P<v>\d+), newer than .*",
     "{path} memakai format indeks {v} yang lebih baru dari versi paket ini — perbarui paketnya"),
))


def error_text(error: BaseException | str, lang: str = "id") -> str:
    """``error``'s message in ``lang`` (``id`` or ``en``); an Indonesian text this table does not know yet says so
    and keeps the original, so nothing the user needs is lost."""
    text_of = getattr(error, "text", None)
    if callable(text_of):
        return str(text_of(lang))
    message_en = str(error)
    if lang == "en":
        return message_en
    for pattern, template in _ID:
        found = pattern.fullmatch(message_en)
        if found:
            values = {k: _number(v or "") if k in ("n", "max", "size")
                      else (v or "").replace(".", ",") if k in ("wait", "left") else (v or "")
                      for k, v in found.groupdict().items()}
            return template.format(message=message_en, **values)
    return f"permintaan tidak dapat diproses (pesan asli: {message_en})"
