"""The sweep on real Tokopedia titles against the bundled demo registry (skipped without ../shared/data)."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import SHARED, needs_shared

from similarity.build import open_index
from similarity.sweep import sweep_frame, tokenize_title
from similarity.sweep.titles import is_number_or_unit
from similarity.text.lexicon import generic_words
from similarity.verdict.tiers import thresholds

pytestmark = [needs_shared, pytest.mark.realdata]


@pytest.fixture(scope="module")
def flagged():
    products = SHARED / "data" / "raw" / "tokopedia-umkm-annisaraulitaa" / "products.tsv"
    if not products.exists():
        pytest.skip(f"{products} is absent")
    df = pd.read_csv(products, sep="\t", dtype=str, keep_default_na=False).head(6000)
    df = df.rename(columns={"name": "title", "shop_name": "shop"})[["id", "title", "shop"]]
    return df, sweep_frame(df, open_index(None))


def test_known_brands_in_real_titles_are_found(flagged):
    _, out = flagged
    names = set(out["mark_name"])
    assert {"Eiger", "Adidas"} & names, sorted(names)[:50]
    # a flag is a mention the verdict would rate at least medium (issue 18)
    assert out["score"].min() >= thresholds()["medium"] and not out.duplicated(["listing_id", "mark_id"]).any()


def test_no_span_is_a_generic_word_or_a_number_alone(flagged):
    _, out = flagged
    generic = generic_words()
    for span in out["span"]:
        toks = tokenize_title(span).tokens
        assert not all(t in generic or is_number_or_unit(t) for t in toks), span


def test_every_span_is_in_its_title(flagged):
    _, out = flagged
    assert all(s in t for s, t in zip(out["span"], out["title"], strict=True))
