"""What no logo needs, refused before an SVG reaches resvg.

resvg draws recursively and filters cost pixels times radius: 260 nested groups overflow its stack and a
205-byte ``feMorphology`` over a region eleven times the drawing renders for half a minute. A logo needs none of
that, so the structure is read first (expat, iteratively: deep nesting cannot hurt the reader) and refused with
the limit named::

    >>> check_svg_structure('<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>')
    >>> try:
    ...     check_svg_structure("<svg>" + "<g>" * 100 + "</g>" * 100 + "</svg>")
    ... except ValueError as error:
    ...     print(str(error)[:52])
    the SVG nests elements 49 deep; a logo needs at most

The worker's time, CPU and memory limits (`similarity.image.sandbox`) stay the backstop for whatever gets past.
"""

from __future__ import annotations

import re
from xml.parsers import expat

from .load import SVG_RENDER_SIZE, LogoError

MAX_SVG_DEPTH = 48
"""Nesting depth of elements. Logos drawn by hand or exported by Illustrator/Inkscape stay under ~15; resvg's stack
overflows near 260."""
MAX_SVG_ELEMENTS = 5000
"""Elements in the document. The 3,000 simple-icons logos have at most a few hundred; an illustrated mark may have
a couple of thousand paths."""
MAX_FILTER_PRIMITIVES = 64
"""``fe*`` filter primitives in the document: each is one or more full passes over its region."""
MAX_FILTERED_ELEMENTS = 64
"""Elements drawn through a filter (``filter=`` attribute or style): 3,000 blurred circles hung resvg for minutes."""
MAX_FILTER_REGION = 3.0
"""Largest filter region, as a multiple of the element's bounding box (``objectBoundingBox`` units, the default)
or of the drawing's size (``userSpaceOnUse``); SVG's own default is 1.2, a drop shadow needs ~1.5."""
MAX_FILTER_RADIUS_PX = 24.0
"""Largest ``feMorphology`` radius and ``feGaussianBlur`` deviation, in pixels at the rendering size."""
MAX_USES = 100
"""``<use>`` elements: each can copy a group that itself uses groups (exponential fan-out); a flag's 50 stars fit."""

_NUMBERS = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_FILTER_STYLE = re.compile(r"filter\s*:\s*url\(", re.IGNORECASE)


def check_svg_structure(svg: str, *, render_scale: float = 1.0) -> None:
    """Raise :class:`~similarity.image.load.LogoError` when ``svg`` has more structure than any logo needs.

    ``render_scale`` is pixels per user unit at the size the SVG will be drawn (radii are judged in pixels).
    """
    limits = _Walk(render_scale)
    parser = expat.ParserCreate()
    parser.StartElementHandler = limits.start
    parser.EndElementHandler = limits.end
    try:
        parser.Parse(svg, True)
    except expat.ExpatError as error:
        raise LogoError(f"the SVG is not well-formed XML ({error}) — check that it opens in a browser") from None


class _Walk:
    def __init__(self, scale: float) -> None:
        self.scale, self.depth, self.elements, self.primitives, self.filtered, self.uses = scale, 0, 0, 0, 0, 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = tag.rsplit(":", 1)[-1]
        self.depth += 1
        self.elements += 1
        if self.depth > MAX_SVG_DEPTH:
            _refuse(f"nests elements {self.depth} deep; a logo needs at most {MAX_SVG_DEPTH} levels (MAX_SVG_DEPTH)")
        if self.elements > MAX_SVG_ELEMENTS:
            _refuse(f"has more than {MAX_SVG_ELEMENTS:,} elements (MAX_SVG_ELEMENTS)")
        if name == "use":
            self.uses += 1
            if self.uses > MAX_USES:
                _refuse(f"has more than {MAX_USES} <use> copies (MAX_USES)")
        if "filter" in attrs or _FILTER_STYLE.search(attrs.get("style", "")):
            self.filtered += 1
            if self.filtered > MAX_FILTERED_ELEMENTS:
                _refuse(f"draws more than {MAX_FILTERED_ELEMENTS} elements through filters (MAX_FILTERED_ELEMENTS)")
        if name == "filter":
            self._check_region(attrs)
        elif name.startswith("fe"):
            self.primitives += 1
            if self.primitives > MAX_FILTER_PRIMITIVES:
                _refuse(f"has more than {MAX_FILTER_PRIMITIVES} filter primitives (MAX_FILTER_PRIMITIVES)")
            if name == "feMorphology":
                self._check_radius("feMorphology radius", attrs.get("radius", "0"))
            elif name == "feGaussianBlur":
                self._check_radius("feGaussianBlur stdDeviation", attrs.get("stdDeviation", "0"))

    def end(self, tag: str) -> None:
        self.depth -= 1

    def _check_region(self, attrs: dict[str, str]) -> None:
        user_space = attrs.get("filterUnits", "objectBoundingBox") == "userSpaceOnUse"
        for axis in ("width", "height"):
            raw = attrs.get(axis)
            if raw is None or user_space:  # user units: judged through the scale, like a radius
                value = _number(raw, 0.0) * self.scale / SVG_RENDER_SIZE if user_space and raw is not None else 0.0
            else:
                value = _fraction(raw)
            if value > MAX_FILTER_REGION:
                _refuse(f"has a filter region {value:g} times the drawing's {axis}; at most {MAX_FILTER_REGION:g} "
                        "is allowed (MAX_FILTER_REGION)")
        for axis in ("x", "y"):
            raw = attrs.get(axis)
            if raw is not None and not user_space and _fraction(raw) < -MAX_FILTER_REGION:
                _refuse(f"starts its filter region {-_fraction(raw):g} drawings away; at most {MAX_FILTER_REGION:g} "
                        "is allowed (MAX_FILTER_REGION)")

    def _check_radius(self, what: str, raw: str) -> None:
        largest = max((abs(float(v)) for v in _NUMBERS.findall(raw)), default=0.0)
        if largest * self.scale > MAX_FILTER_RADIUS_PX:
            _refuse(f"has a {what} of {largest * self.scale:.0f} px at the rendering size; at most "
                    f"{MAX_FILTER_RADIUS_PX:g} px is allowed (MAX_FILTER_RADIUS_PX)")


def _fraction(raw: str) -> float:
    """An objectBoundingBox length: ``1.5`` or ``150%`` as 1.5."""
    text = raw.strip()
    return _number(text[:-1], 0.0) / 100 if text.endswith("%") else _number(text, 0.0)


def _number(raw: str, default: float) -> float:
    found = _NUMBERS.match(raw.strip())
    return float(found.group(0)) if found else default


def _refuse(what: str) -> None:
    raise LogoError(f"the SVG {what} — simplify the logo or export it as PNG")
