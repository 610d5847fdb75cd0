"""The compiled parts of the package (the metadata is in pyproject.toml): the trigram count of name candidates and
the flat Hamming top-k of logo codes and the Indel ratio of a name against packed rows.

``optional=True``: without a C compiler the install still succeeds, and `similarity.candidates.names` and
`similarity.image.search` use their numpy / FAISS paths (the same answers). Neither is compiled for the build
machine's CPU (no ``-march=native``): ``_hamming`` picks its popcount at run time.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("similarity.candidates._grams", ["similarity/candidates/_grams.c"], optional=True),
        Extension("similarity.image._hamming", ["similarity/image/_hamming.c"], optional=True),
        Extension("similarity.score._ratios", ["similarity/score/_ratios.c"], optional=True),
    ]
)
