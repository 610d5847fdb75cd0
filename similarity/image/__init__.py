"""Logo side of the similarity engine: safe loading, perceptual hashes, FAISS search, scores.

>>> from similarity.image import hash_logo, dihedral_phashes, load_logo, LogoIndex
>>> index = LogoIndex()                                        # doctest: +SKIP
>>> index.add(np.array([1]), hash_logo("simple-icons:github")[None])  # doctest: +SKIP
>>> index.search(dihedral_phashes(load_logo("upload.png")), k=5)       # doctest: +SKIP
"""

from similarity.image.hash import (
    DIHEDRAL,
    HASH_BITS,
    dhash,
    dihedral_codes,
    dihedral_phashes,
    encode_logo,
    hash_files_fast,
    hash_logo,
    phash,
    phash_batch,
)
from similarity.image.load import (
    MAX_FILE_BYTES,
    MAX_PIXELS,
    LogoError,
    load_logo,
    load_logo_codes,
    load_logo_svg_text,
    prepare_logo,
)
from similarity.image.score import LogoEvidence, default_max_distance, logo_similarity
from similarity.image.search import LogoHit, LogoIndex

__all__ = [
    "DIHEDRAL",
    "HASH_BITS",
    "MAX_FILE_BYTES",
    "MAX_PIXELS",
    "LogoError",
    "LogoEvidence",
    "LogoHit",
    "LogoIndex",
    "default_max_distance",
    "dhash",
    "dihedral_codes",
    "dihedral_phashes",
    "encode_logo",
    "hash_files_fast",
    "hash_logo",
    "load_logo",
    "load_logo_codes",
    "load_logo_svg_text",
    "logo_similarity",
    "phash",
    "phash_batch",
    "prepare_logo",
]
