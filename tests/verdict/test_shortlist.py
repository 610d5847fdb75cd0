"""The shortlist ranker (issue 18): its shipped file loads and names the features the code computes, and it ranks
as it must (what the check re-reads because of it: tests/pipeline/test_reread.py)."""

import json
from importlib import resources

import numpy as np
import pytest

from similarity.verdict.shortlist import FEATURES, SHORTLIST_FILE, ShortlistRanker, load_ranker, shortlist


def _shipped() -> dict:
    return json.loads(resources.files("similarity.data").joinpath(SHORTLIST_FILE).read_text(encoding="utf-8"))


def test_the_shipped_ranker_names_its_data_and_reads_the_features_the_code_computes():
    data = _shipped()
    assert data["features"] == list(FEATURES) == data["model"]["features"]
    assert "synthetic" in data["dataset"]["registry"] and data["date"]
    ranker = load_ranker()
    assert len(ranker.terms) == len(ranker.coef) > len(FEATURES)
    today = data["metrics"]["shortlists"]["first 40 + ranker 0 + whole names 10"]
    shipped = max(v["held"] for k, v in data["metrics"]["shortlists"].items() if "ranker 0 " not in k)
    assert shipped > today["held"]  # the point of it, on its validation queries


def test_a_ranker_file_with_other_features_is_refused():
    model = dict(_shipped()["model"])
    model["features"] = list(reversed(FEATURES))
    with pytest.raises(ValueError, match="this code computes"):
        ShortlistRanker.from_dict(model)
    with pytest.raises(ValueError, match="terms"):
        ShortlistRanker(features=("a",), terms=((1,),), coef=(1.0,), intercept=0.0)
    with pytest.raises(ValueError, match="features"):
        load_ranker().predict(np.zeros((3, len(FEATURES) - 1)))


def test_identical_names_are_guessed_above_unrelated_ones():
    x = np.zeros((2, len(FEATURES)), dtype=np.float32)
    x[0, :7] = 1.0
    x[:, FEATURES.index("length_share")] = 1.0
    guess = load_ranker().predict(x)
    assert guess[0] > 0.5 > guess[1]


def test_the_shortlist_takes_the_rankers_best_besides_the_first_pass_and_counts_each_once():
    first = np.array([0.9, 0.8, 0.7, 0.1, 0.0])
    ranked = np.array([0.9, 0.0, 0.1, 0.2, 0.8])
    order, own = shortlist(first, ranked, np.array([0, 3]), 2, 2, 2)
    assert own == 2
    assert order.tolist() == [0, 1, 4, 3]  # the ranker's 0 is the first pass's already: its next best, 4 and 3
    assert len(set(order.tolist())) == len(order)
