"""The re-read's ratios of the candidates the first pass did not shortlist are taken from the first pass (whole name,
core, sound key) and completed with containment: exactly what `string_ratios` compares again from the encoded
names, on the demo registry's candidates of varied queries."""

from __future__ import annotations

import numpy as np
import pytest

from similarity.candidates.names import name_candidates
from similarity.candidates.reads import codes_at
from similarity.pipeline import _added_ratios
from similarity.score.names import name_factors, packed_alignments
from similarity.text.encode import encode_name
from similarity.text.evidence import string_ratios


@pytest.fixture(scope="module")
def demo():
    from similarity.build import open_index

    return open_index()


def test_added_ratios_are_string_ratios(demo):
    rng = np.random.default_rng(0)
    compared = contained = 0
    for query in ["Gudmilq", "Kopi Kenangan Senja", "Prolexus", "Indoqua", "Sari Roti Tawar", "PS Glow", "Aqua"]:
        code = encode_name(query)
        rows, dom = name_candidates(demo, code)
        first = name_factors(demo, code, rows, dom, rank=lambda x: x, best=10)  # containment only where it ranks
        added = np.sort(rng.choice(len(rows), min(60, len(rows)), replace=False))
        codes = codes_at(demo, rows[added])
        expected = string_ratios(code, codes)
        for partial in (None, packed_alignments(demo, code, rows[added])):  # rapidfuzz's alignments, the kernel's
            got_contained, got = _added_ratios(code, first.ratios, added, codes, demo.rows.core_len[rows[added]],
                                               partial)
            assert got == expected, query
            assert got_contained.tolist() == [r[3] for r in expected]
        compared += len(got)
        contained += sum(r[3] > 0 for r in expected)
    assert compared > 200 and contained > 0
