"""Every docstring example in the package runs: the examples are the first documentation users read."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import similarity

MODULES = sorted(m.name for m in pkgutil.walk_packages(similarity.__path__, "similarity."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    if name.startswith("similarity.service"):
        pytest.importorskip("fastapi", reason="the service extra is not installed")
    if name.startswith("similarity.sweep"):
        pytest.importorskip("dask", reason="the sweep extra is not installed")
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) in {name} fail — run python -m doctest -v"
