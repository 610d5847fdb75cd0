"""The compiled parts of the package (the metadata is in pyproject.toml): the trigram count of name candidates, the
flat Hamming top-k of logo codes, the Indel and partial ratios of a name against an index's packed strings and the
walk of the verdict model's trees.

``optional=True``: without a C compiler the install still succeeds, and `similarity.candidates.names`,
`similarity.image.search`, `similarity.score.names` and `similarity.verdict.model` use their numpy / FAISS /
rapidfuzz paths (the same answers). None is compiled for the build machine's CPU (no ``-march=native``):
``_hamming`` picks its popcount at run time.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("similarity.candidates._grams", ["similarity/candidates/_grams.c"], optional=True),
        Extension("similarity.image._hamming", ["similarity/image/_hamming.c"], optional=True),
        Extension("similarity.score._ratios", ["similarity/score/_ratios.c"], optional=True),
        Extension("similarity.verdict._trees", ["similarity/verdict/_trees.c"], optional=True),
    ]
)
