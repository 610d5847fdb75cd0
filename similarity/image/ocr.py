"""Reading the words written in a logo (OCR with rapidocr-onnxruntime; its ONNX models ship in the wheel).

A wordmark redrawn in another font, a badge with the brand name in it, or a copy with a word written over it is
found by what it says: the text read here is compared with registered names by the name matcher
(:mod:`similarity.score.logos`). Settings are the fast ones measured for logos: text detection on the picture
shrunk to at most `DETECT_SIDE` px on its longest side and no angle classifier (logos are upright), one thread.
A logo without text costs one detection pass::

    >>> from PIL import Image, ImageDraw, ImageFont
    >>> im = Image.new("RGB", (400, 140), "white")
    >>> ImageDraw.Draw(im).text((200, 70), "KOPI KENANGAN", fill="black", font=ImageFont.load_default(size=40),
    ...                         anchor="mm")
    >>> read_text(im).replace(" ", "")  # a narrow space may be dropped
    'KOPIKENANGAN'
"""

from __future__ import annotations

from functools import cache

import numpy as np
from PIL import Image, ImageOps

from similarity.image.load import MAX_PIXELS, LogoError

DETECT_SIDE = 320
MIN_CONFIDENCE = 0.6
"""Lines the recogniser is less sure of are dropped (a logo's drawing read as letters)."""
MIN_CHARACTERS = 2


class OcrUnavailable(RuntimeError):
    """The OCR engine could not be loaded (the package is missing or its models are broken)."""


@cache
def _engine():
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as error:  # a broken install: logos are still judged by their picture
        raise OcrUnavailable(f"rapidocr-onnxruntime is not installed ({error})") from error
    return RapidOCR(
        det_limit_side_len=DETECT_SIDE,
        det_limit_type="max",
        use_cls=False,
        intra_op_num_threads=1,
        inter_op_num_threads=1,
    )


def read_text(image: Image.Image) -> str:
    """The words read in a prepared logo, top to bottom, upper case, one space between them ("" when none).

    Raises :class:`~similarity.image.load.LogoError` for a picture over the pixel limit and :class:`OcrUnavailable`
    when there is no engine.
    """
    if image.width * image.height > MAX_PIXELS:
        raise LogoError(f"the image has {image.width * image.height:,} pixels — more than {MAX_PIXELS:,}")
    # a prepared logo is trimmed to its ink: the detector misses letters that touch the border, so give it a margin
    framed = ImageOps.expand(image.convert("RGB"), border=max(8, max(image.size) // 10), fill="white")
    rgb = np.ascontiguousarray(np.asarray(framed)[:, :, ::-1])  # the engine reads OpenCV's BGR
    found, _ = _engine()(rgb)
    lines = []
    for box, text, confidence in found or ():
        words = " ".join(str(text).split())
        if float(confidence) >= MIN_CONFIDENCE and sum(c.isalnum() for c in words) >= MIN_CHARACTERS:
            top = min(point[1] for point in box)
            left = min(point[0] for point in box)
            lines.append((round(top / 8), left, words.upper()))
    return " ".join(words for _, _, words in sorted(lines))
