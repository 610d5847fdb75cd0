"""Real logos and query transforms for the logo benchmark and the real-data tests.

Logos: simple-icons (monochrome, drawn in the brand colour) and gilbarbara's svg-logos (full colour),
rasterised with resvg so the longest side is 256 px, kept RGBA (transparent ground).
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageOps

RENDER_SIZE = 256
_BRAND_SUFFIXES = re.compile(r"-(icon|wordmark|logo|logotype|horizontal|vertical|symbol)$")


@dataclass(frozen=True)
class LogoSource:
    """One real logo: its collection, slug, brand key (slug without -icon etc.) and SVG text."""

    collection: str
    slug: str
    svg: str

    @property
    def brand(self) -> str:
        return _BRAND_SUFFIXES.sub("", self.slug)


def shared_dir() -> Path:
    """The shared data folder: $SIMILARITY_SHARED, else ../shared beside the checkout."""
    env = os.environ.get("SIMILARITY_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared"


def real_logo_sources(shared: Path | None = None) -> list[LogoSource]:
    """All simple-icons (in brand colour) and gilbarbara logos, in a fixed order."""
    raw = (shared or shared_dir()) / "data" / "raw"
    sources = []
    for line in (raw / "simple-icons-pack" / "icons.jsonl").read_text(encoding="utf-8").splitlines():
        icon = json.loads(line)
        path = raw / "simple-icons-pack" / "svg" / f"{icon['slug']}.svg"
        if path.exists():
            svg = path.read_text(encoding="utf-8").replace("<svg ", f'<svg fill="#{icon["hex"]}" ', 1)
            sources.append(LogoSource("simple-icons", icon["slug"], svg))
    pack = json.loads((raw / "svg-logos-gilbarbara" / "icons.json").read_text(encoding="utf-8"))
    for slug, icon in sorted(pack["icons"].items()):
        box = (
            icon.get("left", 0),
            icon.get("top", 0),
            icon.get("width", pack["width"]),
            icon.get("height", pack["height"]),
        )
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'viewBox="{box[0]} {box[1]} {box[2]} {box[3]}">{icon["body"]}</svg>'
        )
        sources.append(LogoSource("gilbarbara", slug, svg))
    return sources


def benchmark_sample(quick: bool) -> tuple[list[LogoSource], np.ndarray, np.ndarray]:
    """The logo benchmarks' registry and query rows: every real logo and 500 queries, or with `quick` 1,500 logos and
    120 queries; fixed draws, so every logo benchmark measures the same sample. Returns (sources, sorted query rows,
    query mask over the sources)."""
    sources = real_logo_sources()
    rng = np.random.default_rng(0)
    if quick:
        sources = [sources[i] for i in sorted(rng.choice(len(sources), 1500, replace=False))]
    query_rows = np.sort(rng.choice(len(sources), 120 if quick else 500, replace=False))
    mask = np.zeros(len(sources), bool)
    mask[query_rows] = True
    return sources, query_rows, mask


def render(source: LogoSource, size: int = RENDER_SIZE) -> Image.Image | None:
    """RGBA rendering with the longest side `size`; None when resvg cannot draw it."""
    import resvg_py

    from similarity.image.load import LogoError, _svg_render_size

    try:
        width, height = _svg_render_size(source.svg, size)
        png = resvg_py.svg_to_bytes(svg_string=source.svg, width=width, height=height, skip_system_fonts=True)
    except (ValueError, LogoError):
        return None
    return Image.open(io.BytesIO(bytes(png))).convert("RGBA")


def on_white(image: Image.Image) -> Image.Image:
    return Image.alpha_composite(Image.new("RGBA", image.size, "white"), image).convert("RGB")


def _scale(factor: float) -> Callable[[Image.Image], Image.Image]:
    def resize(image: Image.Image) -> Image.Image:
        size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
        return on_white(image).resize(size, Image.Resampling.LANCZOS)

    return resize


def _jpeg(image: Image.Image, quality: int = 30) -> Image.Image:
    buffer = io.BytesIO()
    on_white(image).save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue()))


def _recolour(image: Image.Image) -> Image.Image:
    """Hue turned half way round the colour wheel; black, white and greys are unchanged."""
    hsv = np.asarray(on_white(image).convert("HSV")).copy()
    hsv[..., 0] = (hsv[..., 0].astype(np.int16) + 128) % 256
    return Image.fromarray(hsv, "HSV").convert("RGB")


def _knockout(image: Image.Image) -> Image.Image:
    """The logo's shape in white on a dark navy ground (a 'reversed' logo)."""
    ground = Image.new("RGBA", image.size, (20, 30, 70, 255))
    white = Image.new("RGBA", image.size, (255, 255, 255, 255))
    return Image.composite(white, ground, image.getchannel("A")).convert("RGB")


def _pad(image: Image.Image, fraction: float = 0.2) -> Image.Image:
    return ImageOps.expand(on_white(image), border=round(max(image.size) * fraction), fill="white")


def _crop(image: Image.Image, fraction: float = 0.05) -> Image.Image:
    """Cut `fraction` of the logo's own extent off every edge (the canvas margin does not count)."""
    rgb = on_white(image)
    left, top, right, bottom = image.getchannel("A").getbbox() or (0, 0, *image.size)
    dx, dy = round((right - left) * fraction), round((bottom - top) * fraction)
    return rgb.crop((left + dx, top + dy, right - dx, bottom - dy))


def _text(image: Image.Image) -> Image.Image:
    """The word "PROMO" in black across the lower part of the logo, about 1/6 of its height."""
    rgb = on_white(image)
    draw = ImageDraw.Draw(rgb)
    font = ImageFont.load_default(size=max(8, rgb.height // 6))
    draw.text((rgb.width / 2, rgb.height * 0.8), "PROMO", fill="black", font=font, anchor="mm")
    return rgb


TRANSFORMS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "resize_x0.25": _scale(0.25),
    "resize_x0.5": _scale(0.5),
    "resize_x2": _scale(2),
    "resize_x4": _scale(4),
    "jpeg_q30": _jpeg,
    "recolour": _recolour,
    "inverted": lambda image: ImageOps.invert(on_white(image)),
    "knockout_white_on_dark": _knockout,
    "grayscale": lambda image: on_white(image).convert("L"),
    "mirror": lambda image: on_white(image).transpose(Image.Transpose.FLIP_LEFT_RIGHT),
    "rot90": lambda image: on_white(image).transpose(Image.Transpose.ROTATE_90),
    "rot180": lambda image: on_white(image).transpose(Image.Transpose.ROTATE_180),
    "pad_20pct": _pad,
    "crop_5pct": _crop,
    "text_overlay": _text,
    "transparent": lambda image: image,
}
"""Query transforms, each applied to the RGBA rendering; the registry holds the logo on white."""
HARD_TRANSFORMS = ("crop_5pct", "text_overlay", "knockout_white_on_dark")
"""Transforms without a recall goal: every perceptual hash is known to fail them."""
