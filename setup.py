"""The compiled part of the package (the metadata is in pyproject.toml): the trigram count of name candidates.

``optional=True``: without a C compiler the install still succeeds, and `similarity.candidates.names` uses its numpy
path (the same rows).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("similarity.candidates._grams", ["similarity/candidates/_grams.c"], optional=True)])
