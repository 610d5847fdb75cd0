"""Find registered marks *inside* long, noisy listing titles (DOMAIN.md §7), fast enough for a nightly sweep.

(Over 400 lines on purpose: it is one fitted object, :class:`MentionMatcher`, whose ``fit`` builds the tables that
``find`` walks; the title words are :mod:`.titles`, the goods :mod:`.category`, the word-use rules :mod:`.usage`.)

A full :func:`similarity.pipeline.check` per word window would cost milliseconds per title; here each worker
builds a :class:`MentionMatcher` once from the index — token postings of every mark's distinctive words (exact
spelling, Indonesian sound key, and a small typo step), compact keys for marks written with or without spaces
— and only the few marks a title's tokens point at are verified, by aligning the mark to a contiguous span of
the title and scoring that span with the library's name scorer::

    >>> from similarity.store.index import MarkIndex
    >>> from similarity.values import Mark
    >>> index = MarkIndex()
    >>> index.add([Mark(id="1", name="Maicih"), Mark(id="2", name="MS Glow", owner="PT MS Glow")])
    2
    >>> matcher = MentionMatcher().fit(index)
    >>> [(m.span, m.mark.name) for m in matcher.find(["Keripik Pisang Coklat MAICIH Level 10 200gr Original"])]
    [('MAICIH', 'Maicih')]
    >>> matcher.find(["Keripik Pisang MAICH Level 10"])    # a typo counts for famous marks only
    []
    >>> [m.span for m in matcher.find(["Paket msglow whitening", "kopi original 200gr"])]
    ['msglow']
    >>> matcher.find(["Serum MS Glow asli"], shops=["MS Glow Official"])   # the owner's own shop
    []
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from rapidfuzz.distance import OSA

from ..famous import famous_key, is_famous
from ..store.index import MarkIndex
from ..text.confusables import LOOKALIKE_REASON, unconfuse
from ..text.encode import NameCode, encode_name
from ..text.evidence import PairEvidence
from ..text.lexicon import generic_words, load_lexicon
from ..text.normalize import InvalidNameError
from ..text.phonetic import indonesian_key
from ..text.score import name_reasons, score_strings
from ..values import Mark, Reason
from ..verdict.ceilings import cap
from ..verdict.model import explain, rescore_fields
from ..verdict.status import STATUS_WEIGHT
from ..verdict.tiers import goods_weights, thresholds
from .category import listing_classes, listing_relation
from .titles import (
    TitleVocabulary,
    _famous_words,
    is_number_or_unit,
    learn_vocabulary,
    owner_key,
    tokenize_title,
)
from .usage import is_ordinary_word, why_not_a_flag

DISTINCTIVE = 0.5
"""A mark's word anchors a mention when the registry's distinctiveness of it (per class, weights.py) is at
least this."""
MIN_ANCHOR_CHARS = 3
"""Shorter words ("ms", "xl", "hp") are sizes, units and abbreviations far more often than marks: they only
count inside a whole-name (compact) match such as "ms glow" = "msglow"."""
MIN_SPAN_CHARS = 4
"""A flagged span has at least this many letters/digits; 3-letter marks inside titles are mostly noise."""
SOUND_MIN_CHARS = 5
"""Sound keys of shorter words collide too often (boss = bosch = bos, moza = moya, rafa = raffa)."""
FUZZY_MIN_CHARS = 5
"""Typos are tolerated in words this long: one edit, not in the first or last letter ("maich"/"maicih" yes,
but "pocky"/"locky" and "kenzio"/"kenzi" are other words or names)."""
SPAN_MIN_SCORE = 0.85
"""Least first-pass (string) score of a span before the conflict model judges it. A title offers dozens of (span,
mark) pairs, so a loose string score is reached by some pair in several % of titles: on the Tokopedia sample a 0.64
floor doubled the flags, and the added ones were mostly ordinary words sharing letters with a mark."""
COVERAGE = 0.6
"""Share of the mark's distinctive weight (sum of squared distinctiveness) the span must contain: "Bensu"
covers GEPREK BENSU (geprek is generic) but "Sinar" alone does not cover SINAR MAS."""
MAX_WINDOW = 3
"""Title windows of up to this many tokens are joined to find marks written with other spacing."""
REGISTRY_MAX_DF = 8
"""A word in more marks than this ("kita", "plus", "outfit") is shared vocabulary of the registry: it does not
anchor a mention on its own, although the library's per-class distinctiveness may still rate it high."""
@dataclass(frozen=True)
class Mention:
    """A registered mark found in one listing: where (title span or image), how sure, and why.

    ``listing`` is the position of the title in the batch; ``via`` is how the candidate was found (``exact``,
    ``sound``, ``typo``, ``compact``, ``logo``); ``listing_classes`` are the goods the listing sells
    (:mod:`similarity.sweep.category`) and ``goods`` their relation to the mark's classes (same, related,
    unrelated for a famous mark, unknown).
    """

    listing: int
    span: str
    mark: Mark
    score: float
    sight: float
    sound: float
    meaning: float
    via: str
    reasons: tuple[Reason, ...] = field(default=(), compare=False)
    logo: float | None = None
    listing_classes: tuple[int, ...] = ()
    goods: str = "unknown"


@lru_cache(maxsize=1 << 20)
def _sound(tok: str) -> str:
    return indonesian_key(tok)


def _deletions(word: str) -> set[str]:
    """The word and its one-letter deletions: two words within one edit share one of these keys (SymSpell)."""
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


class MentionMatcher:
    """Finds marks of one index as spans of listing titles.

    ``threshold`` is the conflict score a span needs (default: the ``medium`` tier of :mod:`similarity.verdict.tiers`:
    a flag is a mention check() would rate at least medium); its letters must first look like the mark
    (:data:`SPAN_MIN_SCORE`); ``vocabulary`` is what the swept titles say about their words
    (:class:`TitleVocabulary`): product words used by many shops anchor nothing, and words common in the
    titles get no typo step. :meth:`fit` once per process, then :meth:`find` as often as needed.
    """

    def __init__(self, threshold: float | None = None, vocabulary: TitleVocabulary | None = None) -> None:
        self.threshold = thresholds()["medium"] if threshold is None else threshold
        self._famous_cache: dict[int, bool] = {}
        self.vocabulary = vocabulary

    # ------------------------------------------------------------------ building
    def fit(self, index: MarkIndex) -> MentionMatcher:
        """Build the postings from every live mark of ``index``; marks with no usable word are left out."""
        gc.disable()  # ~1M small objects: collections during the build cost more than the build
        try:
            return self._fit(index)
        finally:
            gc.enable()

    def _fit(self, index: MarkIndex) -> MentionMatcher:
        vocab = self.vocabulary or TitleVocabulary()
        self.descriptive_, self.common_, self.present_ = vocab.descriptive(), vocab.common(), vocab.present()
        rows = index.alive_rows()
        self.index_, self.row_pos_ = index, {int(r): k for k, r in enumerate(rows.tolist())}
        self.marks_: list[Mark] = []
        self.codes_: list[NameCode] = []
        for i in range(0, len(rows), 5000):
            self.marks_ += index.marks_at(rows[i : i + 5000])
            self.codes_ += index.codes_at(rows[i : i + 5000])
        self._owner_keys: dict[int, str] = {}
        self.weights_: list[dict[str, float]] = []
        self.exact_: dict[str, list[int]] = defaultdict(list)
        self.sound_: dict[str, list[int]] = defaultdict(list)
        self.compact_: dict[str, list[int]] = defaultdict(list)
        generic, ordinary, stats = generic_words(), load_lexicon().index, index.stats
        self._skip = frozenset(generic) | frozenset(ordinary) | self.descriptive_
        for k, (mark, code) in enumerate(zip(self.marks_, self.codes_, strict=True)):
            weights: dict[str, float] = {}
            famous: bool | None = None  # asked only for marks with an everyday word
            for tok, concept, sound in zip(code.tokens, code.concept_tokens, code.sound_tokens, strict=True):
                if (
                    len(tok) < MIN_ANCHOR_CHARS
                    or tok in self._skip
                    or stats.df[concept] > REGISTRY_MAX_DF
                    or is_number_or_unit(tok)
                ):
                    continue
                d = stats.distinctiveness(concept, mark.classes)  # the costly test last
                if d >= DISTINCTIVE:
                    weights[tok] = max(weights.get(tok, 0.0), d * d)
                    if is_ordinary_word(tok):  # counts towards the phrase, anchors nothing alone...
                        if famous is None:
                            famous = is_famous(mark.name) is not None
                        if not famous:  # ...unless the mark is famous: ULTRA of Ultra Milk, not of Ultra Liquors
                            continue
                    self.exact_[tok].append(k)
                    if len(sound) >= SOUND_MIN_CHARS:
                        self.sound_[sound].append(k)
            self.weights_.append(weights)
            invented = [t for t in code.tokens if t not in self._skip and not is_number_or_unit(t)]
            if len(code.tokens) >= 2 and (weights or (len(code.compact) >= 6 and invented)):
                # a mark without a distinctive word ("MS Glow") matches only as a whole phrase, and only
                # when one of its words is not a dictionary word: "Sinar Mas" or "Baju Anak" in a title is
                # just Indonesian
                self.compact_[code.compact].append(k)
                if len(code.compact) >= 6:
                    self.compact_["".join(code.sound_tokens)].append(k)
        self.typo_keys_: dict[str, set[str]] = defaultdict(set)
        for tok in self.exact_:
            if len(tok) >= FUZZY_MIN_CHARS:
                for key in _deletions(tok):
                    self.typo_keys_[key].add(tok)
        self._typo_cache: dict[str, tuple[str, ...]] = {}
        return self

    def owner_of(self, k: int) -> str:
        """:func:`owner_key` of mark ``k``'s owner, computed on first use: only marks a shop's listing hits need
        it, and computing it for every registry owner up front cost a third of the fit."""
        key = self._owner_keys.get(k)
        if key is None:
            owner = self.marks_[k].owner
            key = self._owner_keys[k] = owner_key(owner) if owner else ""
        return key

    # ------------------------------------------------------------------ candidates
    def _typos(self, tok: str) -> tuple[str, ...]:
        """Anchor words one edit (OSA) from a rare title word, same first and last letter: a deletion
        index."""
        found = self._typo_cache.get(tok)
        if found is None:
            cands = {w for key in _deletions(tok) for w in self.typo_keys_.get(key, ())}
            found = tuple(
                sorted(
                    w
                    for w in cands
                    if w != tok
                    and w[0] == tok[0]
                    and w[-1] == tok[-1]
                    and min(len(w), len(tok)) >= FUZZY_MIN_CHARS
                    and OSA.distance(w, tok) <= 1
                    and (self.present_ is None or w in self.present_)
                )
            )[:3]
            if len(self._typo_cache) < 500_000:
                self._typo_cache[tok] = found
        return found

    def _hits(self, toks: tuple[str, ...]) -> dict[int, list[tuple[int, int, float, str]]]:
        """Candidate marks of one title: (start, end, weight, via) per mark."""
        hits: dict[int, list[tuple[int, int, float, str]]] = defaultdict(list)
        sounds = [_sound(t) for t in toks]  # a window's sound key is its words' keys joined, as for the marks
        for i, tok in enumerate(toks):
            if tok not in self._skip and not is_number_or_unit(tok):
                for k in self.exact_.get(tok, ()):
                    hits[k].append((i, i + 1, self.weights_[k][tok], "exact"))
                rare = tok not in self.common_ and (not is_ordinary_word(tok) or tok in _famous_words())
                if rare and len(tok) >= SOUND_MIN_CHARS:
                    for k in self.sound_.get(sounds[i], ()):
                        if self._famous(k):
                            hits[k].append((i, i + 1, self._sound_weight(k, tok), "sound"))
                if rare and len(tok) >= FUZZY_MIN_CHARS and tok not in self.exact_:
                    for word in self._typos(tok):
                        for k in self.exact_[word]:
                            if self._famous(k):
                                hits[k].append((i, i + 1, self.weights_[k][word], "typo"))
            for w in range(1, min(MAX_WINDOW, len(toks) - i) + 1):
                joined = "".join(toks[i : i + w])
                if len(joined) < MIN_SPAN_CHARS or (w == 1 and joined in self._skip):
                    continue
                for key in {joined, "".join(sounds[i : i + w])} if len(joined) >= 6 else (joined,):
                    for k in self.compact_.get(key, ()):
                        hits[k].append((i, i + w, 1.0, "compact"))
                if w > 1 and not all(t in self._skip for t in toks[i : i + w]):
                    for k in self.exact_.get(joined, ()):
                        if len(self.codes_[k].tokens) == 1:
                            hits[k].append((i, i + w, 1.0, "compact"))
        return hits

    def _famous(self, k: int) -> bool:
        """Sound-alike and typo routes count for famous marks only: in a title, a misspelt or sound-alike word is a
        knock-off of a famous brand far more often than of an obscure registered one (judged blind on 150 real
        flags against the demo registry: sound 0 of 15 right, typo 0 of 3; benchmarks/bench_sweep_flags.py)."""
        known = self._famous_cache.get(k)
        if known is None:
            known = self._famous_cache[k] = is_famous(self.marks_[k].name) is not None
        return known

    def _sound_weight(self, k: int, tok: str) -> float:
        key = _sound(tok)
        code = self.codes_[k]
        return max(
            (
                self.weights_[k].get(t, 0.0)
                for t, s in zip(code.tokens, code.sound_tokens, strict=True)
                if s == key
            ),
            default=0.0,
        )

    def _best_span(self, k: int, hits: list[tuple[int, int, float, str]]) -> tuple[int, int, str] | None:
        """The cluster of hits covering most of mark ``k``'s distinctive weight, if it covers enough
        (COVERAGE)."""
        total = sum(self.weights_[k].values())
        reach = len(self.codes_[k].tokens) + 1
        best: tuple[float, int, int, str] | None = None
        for start, end, _, via in hits:
            if via == "compact":
                cand = (1.0, start, end, via)
            else:
                near = [h for h in hits if h[3] != "compact" and abs(h[0] - start) < reach]
                words: dict[int, float] = {}
                for h in near:
                    words[h[0]] = max(words.get(h[0], 0.0), h[2])
                cover = min(sum(words.values()) / total, 1.0) if total else 0.0
                cand = (cover, min(h[0] for h in near), max(h[1] for h in near), via)
            if best is None or (cand[0], -cand[1]) > (best[0], -best[1]):
                best = cand
        if best is None or best[0] < COVERAGE:
            return None
        return best[1], best[2], best[3]

    # ------------------------------------------------------------------ verification
    def find(
        self,
        titles: Sequence[str],
        shops: Sequence[str | None] | None = None,
        categories: Sequence[str | None] | None = None,
    ) -> list[Mention]:
        """Mentions in each title (``listing`` = position in ``titles``); at most one per (listing, mark).

        ``categories`` are the listings' marketplace categories (a breadcrumb such as
        ``fashion-pria/sepatu-pria/sneakers-pria``) when known: they name the goods sold
        (:mod:`similarity.sweep.category`), which otherwise come from the title's goods words.
        """
        out: list[Mention] = []
        for pos, title in enumerate(titles):
            shop = owner_key(shops[pos]) if shops is not None and shops[pos] else ""
            category = categories[pos] if categories is not None else None
            out += self._find_one(pos, title or "", shop, category or None)
        return out

    def _find_one(self, pos: int, title: str, shop: str, category: str | None = None) -> list[Mention]:
        tt = tokenize_title(title)
        goods: tuple[int, ...] | None = None  # the listing's classes, read once a span needs them
        by_span: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
        for k, hits in self._hits(tt.tokens).items():
            if shop and self.owner_of(k) == shop:
                continue  # the registry says this shop owns the mark
            best = self._best_span(k, hits)
            if best is not None:
                start, end = self._extend(k, tt.tokens, best[0], best[1])
                if len("".join(tt.tokens[start:end])) >= MIN_SPAN_CHARS:
                    by_span[(start, end)].append((k, best[2]))
        found: dict[int, Mention] = {}
        for (start, end), cands in sorted(by_span.items()):
            span_code = _encode_span(" ".join(tt.tokens[start:end]))
            if span_code is None:
                continue
            codes = [self.codes_[k] for k, _ in cands]
            lookalike = unconfuse(tt.text(start, end))[1]  # the title imitates Latin letters: say so
            f = score_strings(
                span_code,
                [c.core for c in codes],
                [c.compact for c in codes],
                [c.sound for c in codes],
                [c.concept for c in codes],
                core_tokens=lambda j, codes=codes: codes[j].core_tokens,
            )
            status = np.asarray([STATUS_WEIGHT[self.marks_[k].status] for k, _ in cands], dtype=np.float32)
            # the span must look like the mark in its letters, then the verdict's own model judges it: a flag is a
            # mention that check() would rate at least medium (issue 18)
            alike = np.flatnonzero(f.name * status >= SPAN_MIN_SCORE)
            if not len(alike):
                continue
            alike_codes = [codes[j] for j in alike.tolist()]
            alike_classes = [self.marks_[cands[j][0]].classes for j in alike.tolist()]
            prob, fields = rescore_fields(span_code, alike_codes, alike_classes, (), self.index_.distinctiveness)
            # the ceilings of check(): a span sharing only generic words with a mark is no flag
            prob, _ = cap(prob, span_code, alike_codes, fields, alike_classes, (), self.index_.distinctiveness,
                          np.array([self._famous(cands[j][0]) for j in alike.tolist()], dtype=bool))
            evidence = [PairEvidence(*f) for f in fields]
            if goods is None:
                goods = listing_classes(title, category, tt.tokens)
            for e, j, p in zip(evidence, alike.tolist(), prob.tolist(), strict=True):
                k, via = cands[j]
                mark, famous = self.marks_[k], self._famous(k)
                relation = listing_relation(goods, mark.classes)
                # weighed by the goods as check() weighs a match (a famous mark keeps most for other goods), then
                # the words' use in the title decides whether it is the mark (similarity.sweep.usage)
                weight = float(goods_weights(np.array([relation]), np.array([famous and relation == "unrelated"]))[0])
                s = p * float(status[j]) * weight
                if s < self.threshold or (k in found and found[k].score >= s):
                    continue
                if why_not_a_flag(tt.tokens, start, end, codes[j].tokens, mark_concepts=codes[j].concept_tokens,
                                  famous=famous, relation=relation, via=via):
                    continue
                sight, sound, meaning = float(f.sight[j]), float(f.sound[j]), float(f.meaning[j])
                reasons = (*explain(span_code, codes[j], e, p, thresholds()),
                           *name_reasons(span_code, codes[j], sight, sound, meaning))
                if lookalike:
                    reasons = (LOOKALIKE_REASON, *reasons)
                found[k] = Mention(
                    pos,
                    tt.text(start, end),
                    self.marks_[k],
                    round(s, 4),
                    round(sight, 4),
                    round(sound, 4),
                    round(meaning, 4),
                    via,
                    reasons,
                    listing_classes=goods,
                    goods=relation,
                )
        brands: dict[str, Mention] = {}  # one brand is one row: of the marks spelled alike, the best-scored
        for m in sorted(found.values(), key=lambda m: (-m.score, m.mark.id)):
            brands.setdefault(famous_key(m.mark.name) or m.mark.id, m)
        return list(brands.values())

    def _extend(self, k: int, toks: tuple[str, ...], start: int, end: int) -> tuple[int, int]:
        """Grow the span over neighbouring words of the mark itself ("Geprek" before "Bensu")."""
        code = self.codes_[k]
        words = set(code.tokens) | set(code.sound_tokens)
        limit = len(code.tokens)
        while (
            start > 0
            and end - start < limit
            and (toks[start - 1] in words or _sound(toks[start - 1]) in words)
        ):
            start -= 1
        while end < len(toks) and end - start < limit and (toks[end] in words or _sound(toks[end]) in words):
            end += 1
        return start, end


@lru_cache(maxsize=1 << 16)
def _encode_span(text: str) -> NameCode | None:
    try:
        return encode_name(text)
    except InvalidNameError:
        return None


def find_mentions(
    index: MarkIndex,
    titles: Sequence[str],
    shops: Sequence[str | None] | None = None,
    threshold: float | None = None,
) -> list[Mention]:
    """Marks of ``index`` mentioned in ``titles``, with shop names when known (their own marks are not
    reported).

    Builds a matcher per call, after learning the titles' vocabulary (:class:`TitleVocabulary`); keep a
    :class:`MentionMatcher` for repeated use.
    """
    return MentionMatcher(threshold, learn_vocabulary(titles, shops)).fit(index).find(titles, shops)
