"""load_logo: formats, preparation, and every kind of bad input refused quickly with LogoError."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageOps

from similarity.image import LogoError, load_logo, load_logo_svg_text, phash, prepare_logo

MARK = '<path d="M2 2h14v6H8v14H2z" fill="#c00"/>'
SVG = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">{MARK}</svg>'


def logo(size: int = 120, ground: str = "white", ink: str = "navy") -> Image.Image:
    image = Image.new("RGB", (size, size), ground)
    draw = ImageDraw.Draw(image)
    draw.polygon([(20, 20), (100, 30), (60, 100)], fill=ink)
    draw.rectangle((30, 70, 50, 95), fill=ink)
    return image


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF"])
def test_raster_formats_load_to_the_same_logo(fmt):
    reference = phash(load_logo(encode(logo(), "PNG")))
    image = load_logo(encode(logo(), fmt))
    assert image.mode == "RGB"
    assert np.bitwise_count(phash(image) ^ reference).sum() <= 6


def test_path_and_bytes_agree(tmp_path):
    path = tmp_path / "logo.png"
    logo().save(path)
    assert np.array_equal(np.asarray(load_logo(path)), np.asarray(load_logo(path.read_bytes())))
    assert np.array_equal(np.asarray(load_logo(str(path))), np.asarray(load_logo(path.read_bytes())))


def test_svg_is_rasterised_and_trimmed():
    image = load_logo(SVG.encode())
    assert image.mode == "RGB" and max(image.size) <= 256
    width, height = image.size  # the mark spans 14 x 20 of the 24 x 24 units: trimmed to it
    assert abs(width - 14 / 24 * 256) <= 2 and abs(height - 20 / 24 * 256) <= 2
    assert load_logo_svg_text(SVG).size == image.size


def test_simple_icons_reference():
    pytest.importorskip("simple_icons_pack")
    assert load_logo("simple-icons:github").mode == "RGB"
    with pytest.raises(LogoError, match="no simple-icons logo"):
        load_logo("simple-icons:no-such-brand-xyz")


def test_padding_is_trimmed():
    padded = ImageOps.expand(logo(), border=60, fill="white")
    assert prepare_logo(padded).size == prepare_logo(logo()).size


def test_transparency_is_composited_on_white():
    rgba = logo().convert("RGBA")
    rgba.putalpha(Image.eval(logo().convert("L"), lambda v: 255 if v < 200 else 0))
    assert np.bitwise_count(phash(prepare_logo(rgba)) ^ phash(prepare_logo(logo()))).sum() <= 4


def test_white_logo_on_transparent_canvas_is_kept():
    rgba = Image.new("RGBA", (120, 120), (255, 255, 255, 0))
    ImageDraw.Draw(rgba).polygon([(20, 20), (100, 30), (60, 100)], fill=(255, 255, 255, 255))
    assert prepare_logo(rgba).size[0] > 50


def test_negative_hashes_like_the_original():
    assert (
        np.bitwise_count(phash(prepare_logo(ImageOps.invert(logo()))) ^ phash(prepare_logo(logo()))).sum()
        <= 2
    )


def test_exif_orientation_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 clockwise on display
    data = encode(logo(), "JPEG", exif=exif.tobytes(), quality=95)
    upright = prepare_logo(logo().transpose(Image.Transpose.ROTATE_270))
    assert np.bitwise_count(phash(load_logo(data)) ^ phash(upright)).sum() <= 6


def png_claiming(width: int, height: int) -> bytes:
    """A tiny valid PNG whose header claims width x height pixels (one compressed row of zeros)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


BAD_INPUTS = {
    "zero bytes": b"",
    "text named png": b"hello, this is not an image\n" * 10,
    "truncated png": encode(logo(), "PNG")[:200],
    "truncated jpeg": encode(logo(), "JPEG")[:300],
    "png bomb 20000x20000": png_claiming(20000, 20000),
    "blank white": encode(Image.new("RGB", (200, 200), "white"), "PNG"),
    "near uniform": encode(Image.new("RGB", (200, 200), (200, 200, 200)).point(lambda v: v + 3), "PNG"),
    "svg with http image": (
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><image href="http://x.test/a.png"/></svg>'
    ),
    "svg with file image": (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        b'viewBox="0 0 9 9"><image xlink:href="file:///etc/passwd"/></svg>'
    ),
    "svg with css url": (
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><rect style="fill:url(http://x.test/p)" '
        b'width="9" height="9"/></svg>'
    ),
    "svg with entity": (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    ),
    "svg too thin": (
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 100000"><rect width="1" height="9"/></svg>'
    ),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_is_refused(name):
    with pytest.raises(LogoError):
        load_logo(BAD_INPUTS[name])


def test_bad_files_on_disk(tmp_path):
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    text = tmp_path / "notes.png"
    text.write_text("just some text\n")
    for path in (empty, text, tmp_path / "missing.png"):
        with pytest.raises(LogoError):
            load_logo(path)


def test_png_bomb_refused_before_decoding():
    with pytest.raises(LogoError, match="pixel limit"):
        load_logo(png_claiming(20000, 20000))


def test_huge_svg_refused_by_size():
    body = '<rect width="1" height="1"/>' * (50 * 1024 * 1024 // 28 + 1)
    with pytest.raises(LogoError, match="larger than"):
        load_logo_svg_text(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9">{body}</svg>')


def test_file_over_byte_limit(tmp_path):
    path = tmp_path / "big.png"
    logo().save(path)
    with pytest.raises(LogoError, match="byte limit"):
        load_logo(path, max_bytes=100)


def test_embedded_data_image_checked():
    import base64

    small = base64.b64encode(encode(logo(), "PNG")).decode()
    bomb = base64.b64encode(png_claiming(20000, 20000)).decode()
    template = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9">'
        '<image width="9" height="9" href="data:image/png;base64,{}"/></svg>'
    )
    assert load_logo_svg_text(template.format(small)).mode == "RGB"
    with pytest.raises(LogoError, match="pixel limit"):
        load_logo_svg_text(template.format(bomb))


def test_one_flat_colour_inside_a_frame_is_hashed_whole():
    """Trimming a plain block, or the white bar of a full-bleed logo whose colour was taken for the ground, leaves a
    flat rectangle whose hash is a near-constant; the whole picture is hashed instead (the Orange logo once hashed
    as its white bar alone)."""
    block = Image.new("RGB", (200, 160), "white")
    block.paste((0, 0, 128), (50, 40, 150, 120))
    full_bleed = Image.new("RGB", (240, 240), (255, 121, 0))
    full_bleed.paste((255, 255, 255), (34, 170, 206, 206))
    for image in (block, full_bleed):
        assert prepare_logo(image).size == image.size
    assert load_logo("simple-icons:orange").size == (256, 256)
    framed = Image.new("RGB", (200, 160), "white")
    framed.paste((0, 0, 128), (50, 40, 150, 120))
    framed.paste((255, 255, 255), (90, 70, 110, 90))  # a drawing inside: trimmed as before
    assert prepare_logo(framed).size == (100, 80)
