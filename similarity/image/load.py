"""Safe loading and preparation of logo images.

(Over 400 lines on purpose: every format's decode limits, the decompression-bomb checks and the one preparation
every logo goes through are kept side by side, so that no path — upload, registry build, report, sweep — can take a
laxer route; the worker processes are :mod:`.sandbox`, the SVG structure checks :mod:`.svg_limits`.)

Every logo, whether it comes from the registry or from a user's upload, goes through the same
preparation so that perceptual hashes compare like with like::

    >>> from similarity.image.load import load_logo
    >>> image = load_logo("simple-icons:github")
    >>> image.mode
    'RGB'

Preparation (`prepare_logo`): EXIF orientation, alpha composited onto a background, polarity
normalised so that the background is light (a light logo on a dark ground hashes like the same logo
on white), uniform borders trimmed (padding otherwise breaks every hash), blank images refused.

Decoding is bounded: only regular files are opened (a FIFO or a device would block or never end), the file
size is checked before reading, the pixel count is checked from the header before any pixel is decoded and a
large image is decoded at reduced size (a logo needs ~1000 px; the hash reads 32x32). SVGs may not reference
anything outside themselves, and their structure is checked before resvg sees them (`svg_limits`: nesting,
element count, filter regions and radii). The decode itself runs in a worker process with hard time, CPU and
memory limits (`similarity.image.sandbox`), so a crash or a runaway file fails that one logo and nothing else.
"""

from __future__ import annotations

import base64
import io
import os
import re
import stat
import warnings

import numpy as np
from PIL import Image, ImageChops, ImageOps, UnidentifiedImageError

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 16_000_000
"""4,000 x 4,000: a generous logo (the hash reads 32x32 px). Beyond it a PNG costs seconds and 100s of MB."""
DECODE_LONGEST = 1024
"""A larger image is decoded at reduced size (JPEG draft, else ``Image.reduce``) to a longest side of at least
this: far more than the 32 px the hashes read, and a fraction of the memory and time of the full image."""
SVG_RENDER_SIZE = 256
"""Longest side, in pixels, at which SVG logos are rasterised."""
MAX_SVG_ASPECT = 40.0
RASTER_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF")
BORDER_TOLERANCE = 24
"""A pixel belongs to the border colour when its luminance differs from it by at most this much…"""
COLOUR_TOLERANCE = 64
"""… and no colour channel differs by more than this."""
MIN_FOREGROUND_PIXELS = 16
_LUMA = np.array([0.299, 0.587, 0.114])

_ORIENTATION = 0x0112
_SIMPLE_ICONS_PREFIX = "simple-icons:"
_SVG_SNIFF = re.compile(rb"^\s*(?:\xef\xbb\xbf)?\s*(?:<\?xml|<!--|<!DOCTYPE\s+svg|<svg)", re.IGNORECASE)
_HREF = re.compile(r"""(?:xlink:)?href\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
_CSS_URL = re.compile(r"""url\(\s*["']?\s*([^"')\s]*)""", re.IGNORECASE)
_DATA_IMAGE = re.compile(r"data:image/[\w.+-]+;base64,(.*)", re.IGNORECASE | re.DOTALL)
_SVG_ROOT = re.compile(r"<svg\b[^>]*>", re.IGNORECASE | re.DOTALL)
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


class LogoError(ValueError):
    """A logo could not be used; the message says what was wrong and what to do about it."""


def load_logo(
    source: str | os.PathLike | bytes,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    max_pixels: int = MAX_PIXELS,
    background: tuple[int, int, int] = (255, 255, 255),
) -> Image.Image:
    """Decode a logo from a path, raw bytes or ``"simple-icons:<slug>"`` and prepare it for hashing.

    Accepts PNG, JPEG, WebP, GIF (first frame), BMP, TIFF and SVG. Raises `LogoError` for anything
    that is too big, corrupt, not an image, or blank.

    >>> try:
    ...     load_logo(b"not an image")
    ... except LogoError as error:
    ...     print(str(error)[:36])
    the file is not a supported image (P
    """
    return _image_from_worker(*_run_job(*_decode_job(source, max_bytes, max_pixels, background)), max_pixels)


def load_logo_codes(
    source: str | os.PathLike | bytes,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    max_pixels: int = MAX_PIXELS,
    background: tuple[int, int, int] = (255, 255, 255),
) -> np.ndarray:
    """`load_logo`, then the dihedral codes a query searches with (``similarity.image.hash.dihedral_codes``), all in
    the sandboxed worker: the caller's process spends no CPU (nor GIL) on the image at all. Shape ``(8, 24)``.

    >>> load_logo_codes("simple-icons:github").shape
    (8, 24)
    """
    task, params, body = _decode_job(source, max_bytes, max_pixels, background)
    header, payload = _run_job(task, {**params, "codes": True}, body)
    if header.get("codes") != [8, 24] or len(payload) != 8 * 24:
        raise LogoError("the logo decoder sent back something that is not a logo code — export the logo again")
    return np.frombuffer(payload, dtype=np.uint8).reshape(8, 24).copy()


def _decode_job(
    source: str | os.PathLike | bytes, max_bytes: int, max_pixels: int, background: tuple[int, int, int]
) -> tuple[str, dict, bytes]:
    """(task, params, body) of the worker decode for ``source``: read and checked here, decoded there."""
    if isinstance(source, str) and source.startswith(_SIMPLE_ICONS_PREFIX):
        return _svg_job(_simple_icon_svg(source[len(_SIMPLE_ICONS_PREFIX) :]), max_bytes, max_pixels, background)
    data = _read_bounded(source, max_bytes)
    if _SVG_SNIFF.match(data[:512]):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise LogoError("the SVG file is not valid UTF-8 text — save it again as UTF-8") from error
        return _svg_job(text, max_bytes, max_pixels, background)
    return "raster", {"max_pixels": max_pixels, "background": list(background)}, data


def _svg_job(
    svg: str, max_bytes: int, max_pixels: int, background: tuple[int, int, int], size: int = SVG_RENDER_SIZE
) -> tuple[str, dict, bytes]:
    """The worker job that rasterises ``svg``, once its references and structure passed the checks."""
    from .svg_limits import check_svg_structure

    if len(svg.encode("utf-8")) > max_bytes:
        raise LogoError(f"the SVG is larger than {max_bytes:,} bytes — simplify it or export the logo as PNG")
    _check_svg_references(svg, max_pixels)
    width, height = _svg_render_size(svg, size)
    check_svg_structure(svg, render_scale=size / max(_svg_view_size(svg)))
    params = {"width": width, "height": height, "max_pixels": max_pixels, "background": list(background)}
    return "svg", params, svg.encode("utf-8")


def load_logo_svg_text(
    svg: str,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    max_pixels: int = MAX_PIXELS,
    background: tuple[int, int, int] = (255, 255, 255),
    size: int = SVG_RENDER_SIZE,
) -> Image.Image:
    """Rasterise SVG markup with resvg (longest side `size` px) and prepare it like any other logo.

    External references (``href`` to files or URLs, CSS ``url()`` outside the document, entities)
    are refused; embedded ``data:`` images are checked against `max_pixels` before resvg sees them; so is the
    structure (`similarity.image.svg_limits`). resvg runs in a sandboxed worker process.

    >>> circle = '<circle cx="12" cy="12" r="9"/>'
    >>> load_logo_svg_text(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">{circle}</svg>').size
    (192, 192)
    """
    return _image_from_worker(*_run_job(*_svg_job(svg, max_bytes, max_pixels, background, size)), max_pixels)


def _run_job(task: str, params: dict, body: bytes) -> tuple[dict, bytes]:
    """Run a decode job in the shared worker pool (in this process when it is switched off): the worker's answer,
    or `LogoError` with what went wrong."""
    from . import sandbox

    pool = sandbox.decode_pool()
    if pool is None:  # SIMILARITY_DECODE_WORKERS=0: unprotected, for debugging
        header, payload = sandbox.TASKS[task](params, body)
    else:
        try:
            header, payload = pool.run(task, params, body, timeout=sandbox.remaining())
        except sandbox.DecodeFailed as error:
            raise LogoError(_failure_message(str(error), pool)) from None
    if "error" in header:
        raise LogoError(str(header["error"]))
    return header, payload


def _failure_message(failure: str, pool) -> str:
    if failure.startswith("timeout"):
        return (f"the logo took longer than the {pool.wall_s:g} s a logo may take to decode and was stopped — "
                "export it as a simple PNG or SVG")
    if failure.startswith("busy"):
        return f"the server is busy decoding other logos ({failure[6:]}) — try again in a moment"
    return (f"the logo could not be decoded: {failure} — it may be malformed or too complex; "
            "export it again as a simple PNG or SVG")


def _image_from_worker(header: dict, pixels: bytes, max_pixels: int) -> Image.Image:
    """The prepared image a worker sent back, checked (a worker is not trusted to tell the truth)."""
    mode, size = header.get("mode"), header.get("size")
    channels = {"RGB": 3, "L": 1}.get(mode)  # type: ignore[arg-type]
    if (channels is None or not isinstance(size, list) or len(size) != 2
            or not all(isinstance(v, int) and v > 0 for v in size) or size[0] * size[1] > max_pixels
            or len(pixels) != size[0] * size[1] * channels):
        raise LogoError("the logo decoder sent back something that is not an image — export the logo again")
    return Image.frombytes(mode, tuple(size), pixels)


def _prepared_answer(image: Image.Image, params: dict) -> tuple[dict, bytes]:
    """Worker side: the prepared logo, or with ``params["codes"]`` its dihedral codes (192 bytes, not the pixels)."""
    prepared = prepare_logo(image, background=tuple(params["background"]))  # type: ignore[arg-type]
    if params.get("codes"):
        from .hash import dihedral_codes

        codes = np.ascontiguousarray(dihedral_codes(prepared), dtype=np.uint8)
        return {"codes": list(codes.shape)}, codes.tobytes()
    return {"mode": prepared.mode, "size": list(prepared.size)}, prepared.tobytes()


def _raster_task(params: dict, data: bytes) -> tuple[dict, bytes]:
    """Worker side: decode a raster logo (at reduced size when large) and prepare it."""
    return _prepared_answer(_decode_raster(data, int(params["max_pixels"]), reduce_to=DECODE_LONGEST), params)


def _svg_task(params: dict, svg: bytes) -> tuple[dict, bytes]:
    """Worker side: rasterise an SVG (already checked by the caller) with resvg and prepare it."""
    import resvg_py

    text = svg.decode("utf-8")
    try:
        png = resvg_py.svg_to_bytes(svg_string=text, width=int(params["width"]), height=int(params["height"]),
                                    skip_system_fonts="<text" not in text)
    except (ValueError, RuntimeError) as error:
        raise LogoError(f"the SVG could not be drawn ({error}) — check that it opens in a browser") from error
    return _prepared_answer(_decode_raster(bytes(png), int(params["max_pixels"])), params)


def prepare_logo(image: Image.Image, *, background: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """Return the RGB image that is hashed: orientation, alpha, polarity and borders normalised.

    >>> im = Image.new("RGB", (100, 60), "black"); im.paste((255, 255, 0), (30, 20, 60, 40))
    >>> im.paste((0, 0, 0), (40, 26, 50, 34))    # a drawing inside the yellow block
    >>> prepare_logo(im).size       # dark ground inverted to light, then trimmed
    (30, 20)
    """
    if turned(image):
        image = ImageOps.exif_transpose(image)
    try:
        return _normalise(_flatten(image, background))
    except LogoError:
        if not _has_alpha(image):
            raise
        # A white logo on a transparent canvas vanishes on white: show it on the opposite ground.
        return _normalise(_flatten(image, (255 - background[0], 255 - background[1], 255 - background[2])))


def _normalise(rgb: Image.Image) -> Image.Image:
    """Trim borders of the ground colour, refuse blanks, then make the logo's own frame light.

    Polarity is decided on the trimmed logo, not on the canvas, so that padding a full-bleed dark
    logo with white does not flip its hash, while a photographic negative flips back.
    """
    trimmed = rgb.crop(_ink_box(_foreground(rgb)))
    if _plain_rectangle(trimmed):
        # One flat colour inside a frame of another: a full-bleed logo whose own colour was taken for the ground
        # (the Orange square around its white bar) or a plain block on a margin. Trimmed, either would hash to a
        # near-constant that every such logo shares; the whole picture, frame and all, is what it looks like.
        trimmed = rgb
    luminance = _frame(np.asarray(trimmed)) @ _LUMA
    if np.median(luminance) < 127.5:
        trimmed = ImageOps.invert(trimmed)
    return trimmed


def normalise_grey(pixels: np.ndarray) -> np.ndarray:
    """`_normalise` for a greyscale logo held as a 2-D ``uint8`` array, in numpy: the same pixels that
    ``prepare_logo`` gives for it (as its "L" conversion), without a round trip through RGB images.

    The fast file path decodes JPEGs straight to grey; here a channel differs from the ground by exactly
    the grey distance, so the colour test of `_foreground` is implied by the grey one.

    >>> pixels = np.full((60, 100), 0, np.uint8); pixels[20:40, 30:60] = 255; pixels[26:34, 40:50] = 0
    >>> normalise_grey(pixels).shape       # dark ground inverted to light, then trimmed
    (20, 30)
    """
    ground = _median_int(_frame(pixels))
    left, top, right, bottom = _ink_box((pixels < ground - BORDER_TOLERANCE) | (pixels > ground + BORDER_TOLERANCE))
    trimmed = pixels[top:bottom, left:right]
    if _plain_rectangle(trimmed):
        trimmed = pixels  # hashed whole, as `_normalise` does
    # polarity as `_normalise` decides it: the median luminance of the frame, each value weighted as an RGB grey
    frame = np.sort(_frame(trimmed))
    middle = frame[(len(frame) - 1) // 2 : len(frame) // 2 + 1]
    luminance = np.repeat(middle[:, None], 3, axis=1) @ _LUMA
    return 255 - trimmed if np.mean(luminance) < 127.5 else trimmed


def _median_int(values: np.ndarray) -> int:
    """``int(np.median(values))`` for integers, without np.median's overhead (it is most of a small logo's cost)."""
    ordered = np.sort(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return int(ordered[middle])
    return (int(ordered[middle - 1]) + int(ordered[middle])) // 2


def turned(image: Image.Image) -> bool:
    """Whether the image's EXIF orientation asks viewers to turn or mirror it (``prepare_logo`` does).

    >>> turned(Image.new("RGB", (4, 4)))
    False
    """
    return image.getexif().get(_ORIENTATION, 1) != 1


def _ink_box(foreground: np.ndarray) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the ink in a bool array; `LogoError` when there is too little of it."""
    if np.count_nonzero(foreground) < MIN_FOREGROUND_PIXELS:
        raise LogoError("the image is blank or a single colour — upload the logo itself, not an empty canvas")
    rows = np.flatnonzero(foreground.any(axis=1))
    cols = np.flatnonzero(foreground.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def _plain_rectangle(trimmed: Image.Image | np.ndarray) -> bool:
    """Whether a trimmed logo (an RGB image, or grey pixels) is one colour inside (its outer tenth ignored: a JPEG's
    soft edges and ringing live there). Such an image hashes to a near-constant that every other plain rectangle
    would match. Each form reads its extremes the cheap way: Pillow's per-band extrema for an image (numpy's
    reduction over an RGB array's first two axes is ~15x slower at 512 px), numpy's for grey pixels.

    >>> _plain_rectangle(Image.new("RGB", (50, 30), (200, 30, 30))), _plain_rectangle(np.full((30, 50), 90, np.uint8))
    (True, True)
    """
    if isinstance(trimmed, np.ndarray):
        height, width = trimmed.shape
        inner = trimmed[height // 10 : height - height // 10, width // 10 : width - width // 10]
        spreads = [int(inner.max()) - int(inner.min())]
    else:
        width, height = trimmed.size
        inner = trimmed.crop((width // 10, height // 10, width - width // 10, height - height // 10))
        spreads = [high - low for low, high in inner.getextrema()]
    return all(spread <= 2 * BORDER_TOLERANCE for spread in spreads)


def foreground_mask(prepared: Image.Image) -> Image.Image:
    """The logo's silhouette: dark where a prepared logo's ink differs from its ground colour, white elsewhere.

    Its hash is the "shape code": it ignores which colours the logo is printed in, so a recoloured copy or the
    same shape reversed out of a dark ground keeps it while its pHash moves far away (DOMAIN.md §6). Ink is
    graded, not cut at a threshold, so an anti-aliased edge keeps the share of the pixel it covers and the
    silhouette of a logo shrunk to a quarter still hashes like the full-size one.

    >>> im = Image.new("RGB", (40, 40), "white"); im.paste((200, 0, 0), (10, 10, 30, 30))
    >>> foreground_mask(im).getpixel((20, 20)), foreground_mask(im).getpixel((2, 2))
    (0, 255)
    """
    rgb = prepared if prepared.mode == "RGB" else prepared.convert("RGB")
    return Image.fromarray(np.round(255 - 255 * _ink(rgb)).astype(np.uint8), "L")


def _foreground(rgb: Image.Image) -> np.ndarray:
    """Pixels that are mostly ink (`_ink` above one half), as a bool array: integer compares, no floats, since every
    logo load trims on it."""
    grey, colour = _differences(rgb)
    return (np.asarray(grey) > BORDER_TOLERANCE) | (np.asarray(colour) > COLOUR_TOLERANCE)


def _ink(rgb: Image.Image) -> np.ndarray:
    """How far each pixel is from the ground colour (the median of the outermost ring), from 0 to 1.

    Luminance decides (JPEG subsampling smears colour, not luminance); a strong colour difference also
    counts so that pale but saturated inks are kept. A pixel is half ink at `BORDER_TOLERANCE` grey levels
    or `COLOUR_TOLERANCE` levels in one channel, and full ink at twice that.
    """
    grey, colour = _differences(rgb)
    ink = np.maximum(
        np.asarray(grey, np.float32) / (2 * BORDER_TOLERANCE), np.asarray(colour, np.float32) / (2 * COLOUR_TOLERANCE)
    )
    return np.minimum(ink, 1.0)


def _differences(rgb: Image.Image) -> tuple[Image.Image, Image.Image]:
    """(grey-level distance, largest per-channel distance) of every pixel from the ground colour, as "L" images."""
    ground = tuple(int(v) for v in np.median(_frame(np.asarray(rgb)), axis=0))
    difference = ImageChops.difference(rgb, Image.new("RGB", rgb.size, ground))
    channels = difference.split()
    colour = ImageChops.lighter(ImageChops.lighter(channels[0], channels[1]), channels[2])
    level = Image.new("RGB", (1, 1), ground).convert("L").getpixel((0, 0))
    grey = ImageChops.difference(rgb.convert("L"), Image.new("L", rgb.size, level))
    return grey, colour


def _frame(pixels: np.ndarray) -> np.ndarray:
    """The outermost ring of pixels, shape (n, 3) (or (n,) for a greyscale image)."""
    return np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _flatten(image: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """Composite any transparency onto `background` and return an RGB image."""
    if not _has_alpha(image):
        return image if image.mode == "RGB" else image.convert("RGB")
    rgba = image.convert("RGBA")
    ground = Image.new("RGBA", rgba.size, (*background, 255))
    return Image.alpha_composite(ground, rgba).convert("RGB")


def _read_bounded(source: str | os.PathLike | bytes, max_bytes: int) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > max_bytes:
            raise LogoError(
                f"the logo is {len(data):,} bytes, over the {max_bytes:,} byte limit — upload a smaller file"
            )
    else:
        data = _read_regular_file(source, max_bytes)
        if len(data) > max_bytes:
            raise LogoError(f"the logo is over the {max_bytes:,} byte limit — upload a smaller file")
    if not data:
        raise LogoError("the logo file is empty (0 bytes) — upload it again")
    return data


def _read_regular_file(source: str | os.PathLike, max_bytes: int) -> bytes:
    """The bytes of a regular file, at most ``max_bytes`` (+1 to notice growth). A FIFO, device, socket or folder is
    refused before anything is read: it is opened without blocking (a FIFO with no writer would hang ``open``) and
    checked with ``fstat`` on the descriptor actually opened, so a path swapped meanwhile cannot slip through."""
    try:
        fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise LogoError(f"cannot read the logo file {os.fspath(source)!r}: {error.strerror or error}") from error
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = ("a folder" if stat.S_ISDIR(info.st_mode) else "a pipe (FIFO)" if stat.S_ISFIFO(info.st_mode)
                    else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                    else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
            raise LogoError(f"{os.fspath(source)!r} is {kind}, not an image file — give the path of the logo file")
        if info.st_size > max_bytes:
            raise LogoError(
                f"{os.fspath(source)!r} is {info.st_size:,} bytes, over the {max_bytes:,} byte limit — "
                "upload a smaller file"
            )
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            # read what fstat promises (plus one byte to notice growth), not a max_bytes buffer per file
            return handle.read((info.st_size if 0 < info.st_size <= max_bytes else max_bytes) + 1)
    except OSError as error:
        raise LogoError(f"cannot read the logo file {os.fspath(source)!r}: {error.strerror or error}") from error
    finally:
        if fd >= 0:
            os.close(fd)


def _decode_raster(data: bytes, max_pixels: int, reduce_to: int = 0) -> Image.Image:
    """Decode the first frame of a raster image, refusing oversized images before decoding pixels; with
    ``reduce_to``, an image larger than that is decoded at reduced size (JPEG: in the DCT domain)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=RASTER_FORMATS)
            width, height = image.size
            if width * height > max_pixels:
                raise LogoError(
                    f"the image claims {width}x{height} pixels, over the {max_pixels:,} pixel limit — "
                    "resize the logo (1000 px is plenty)"
                )
            if width < 1 or height < 1:
                raise LogoError("the image has no pixels — export the logo again")
            image.seek(0)
            if reduce_to and image.format == "JPEG" and max(width, height) > 2 * reduce_to:
                image.draft(image.mode, (max(1, width * reduce_to // max(width, height)),
                                         max(1, height * reduce_to // max(width, height))))
            image.load()
            factor = max(image.size) // reduce_to if reduce_to else 1
            if factor >= 2:
                if turned(image):  # the reduced copy has no EXIF: turn it first
                    image = ImageOps.exif_transpose(image)
                if image.mode not in ("RGB", "RGBA", "L", "LA"):
                    image = image.convert("RGBA" if _has_alpha(image) else "RGB")
                image = image.reduce(factor)
    except LogoError:
        raise
    except Image.DecompressionBombError as error:
        raise LogoError(
            f"the image is over the {max_pixels:,} pixel limit ({error}) — resize the logo"
        ) from error
    except UnidentifiedImageError as error:
        raise LogoError(
            "the file is not a supported image (PNG, JPEG, WebP, GIF, BMP, TIFF or SVG) — "
            "upload the logo in one of those formats"
        ) from error
    except (OSError, SyntaxError, ValueError, EOFError, Warning) as error:
        raise LogoError(f"the image is corrupt or truncated ({error}) — export the logo again") from error
    return image


def _check_svg_references(svg: str, max_pixels: int) -> None:
    if re.search(r"<!ENTITY", svg, re.IGNORECASE):
        raise LogoError("the SVG declares XML entities, which are not allowed — remove the DOCTYPE")
    if re.search(r"@import", svg, re.IGNORECASE):
        raise LogoError("the SVG imports an external stylesheet — inline the styles")
    targets = [match.group(2).strip() for match in _HREF.finditer(svg)]
    targets += [match.group(1).strip() for match in _CSS_URL.finditer(svg)]
    for target in targets:
        if not target or target.startswith("#"):
            continue
        embedded = _DATA_IMAGE.match(target)
        if embedded is None:
            raise LogoError(f"the SVG refers to an outside resource ({target[:60]!r}) — embed or remove it")
        _check_embedded_image(embedded.group(1), max_pixels)


def _check_embedded_image(payload: str, max_pixels: int) -> None:
    try:
        with Image.open(io.BytesIO(base64.b64decode(re.sub(r"\s+", "", payload)))) as image:
            width, height = image.size
    except Image.DecompressionBombError as error:
        raise LogoError(f"the SVG embeds an image over the {max_pixels:,} pixel limit") from error
    except Exception as error:  # noqa: BLE001 - any undecodable payload is refused the same way
        raise LogoError("the SVG embeds an image that cannot be read — remove or re-export it") from error
    if width * height > max_pixels:
        raise LogoError(f"the SVG embeds a {width}x{height} image, over the {max_pixels:,} pixel limit")


def _svg_render_size(svg: str, size: int) -> tuple[int, int]:
    """Width and height at which to render so that the longest side is `size` px."""
    width, height = _svg_view_size(svg)
    if max(width / height, height / width) > MAX_SVG_ASPECT:
        raise LogoError(f"the SVG is {width:g}x{height:g}, too thin to be a logo — crop it to the mark")
    if width >= height:
        return size, max(1, round(size * height / width))
    return max(1, round(size * width / height)), size


def _svg_view_size(svg: str) -> tuple[float, float]:
    """The SVG's own width and height in user units (its viewBox, else its width and height attributes)."""
    root = _SVG_ROOT.search(svg)
    if root is None:
        raise LogoError("the file has no <svg> element — it is not an SVG logo")
    tag = root.group(0)
    box = rf"viewBox\s*=\s*[\"']\s*{_NUMBER}[\s,]+{_NUMBER}[\s,]+({_NUMBER})[\s,]+({_NUMBER})"
    view_box = re.search(box, tag)
    if view_box:
        width, height = float(view_box.group(1)), float(view_box.group(2))
    else:
        found_width = re.search(rf"\swidth\s*=\s*[\"']\s*({_NUMBER})", tag)
        found_height = re.search(rf"\sheight\s*=\s*[\"']\s*({_NUMBER})", tag)
        width = float(found_width.group(1)) if found_width else 100.0
        height = float(found_height.group(1)) if found_height else 100.0
    if not (width > 0 and height > 0):
        raise LogoError("the SVG has no drawable size (width or height is zero) — set a viewBox")
    return width, height


def _simple_icon_svg(slug: str) -> str:
    try:
        from simple_icons_pack import get_icon
    except ImportError as error:
        raise LogoError("'simple-icons:' logos need simple-icons-pack — pip install it") from error
    try:
        icon = get_icon(slug)
    except (KeyError, ValueError, LookupError) as error:
        raise LogoError(f"there is no simple-icons logo called {slug!r} — check the slug") from error
    if icon is None:
        raise LogoError(f"there is no simple-icons logo called {slug!r} — check the slug")
    return icon.svg


def _register_tasks() -> None:
    from .sandbox import TASKS

    TASKS["svg"] = _svg_task
    TASKS["raster"] = _raster_task


_register_tasks()
