"""The logo benchmark's brand families: which real logos are one brand or one owner, derived from the data.

The two collections file one brand under several keys ("nextdotjs" / "nextjs-icon", "kafka" / "apachekafka",
"google-play" beside "google"). A leave-one-out match inside a family is not another brand's logo, as the name
benchmark skips same-owner brands. Each rule links keys; ``families`` unions them and counts what each rule merged:

- ``variant``: the slug without file-variant suffixes (-icon, -dark, -light, -wordmark, -alt, -logo, a year ...);
- ``title``: a simple-icons title and a slug that normalise to the same letters ("Node.js" / "nodejs");
- ``dot``: "dotjs"/"dotio"/"dotcom"/"dotdev" spellings, with the domain dropped ("flydotio" / "fly");
- ``owner_product``: a title that is another's title plus product words, when two or more titles start so ("Google
  Play", "Google Pay" / "Google");
- ``owner_prefix``: a two-word title whose first word is an owner (a key that starts five or more titles) and whose
  second is another's title of four or more letters ("Apache Kafka" / "Kafka");
- ``alias``: the few pairs in `ALIASES`, one brand under a short name the rules above cannot derive.

Neither owner rule links through a title that is one word of `GENERIC_WORDS`: "Play", "Foundation", "Micro" are brands
of their own, and "Google Play", "Linux Foundation", "Micro:bit" are not theirs.

>>> from benchmarks.logo_data import LogoSource
>>> family = families([LogoSource("simple-icons", "nextdotjs", ""), LogoSource("gilbarbara", "nextjs-icon", "")])
>>> family.of[0] == family.of[1], family.merged["variant"] + family.merged["dot"] >= 1
(True, True)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from benchmarks.logo_data import LogoSource, shared_dir

_VARIANT = re.compile(
    r"-(icon|dark|light|wordmark|alt|logo|logotype|horizontal|vertical|symbol|mark|white|black|color|clean|mono|\d{4})$"
)
GENERIC_WORDS = frozenset(
    {"play", "foundation", "micro", "bootstrap", "slides", "base", "batch", "lens", "red", "metro", "vector", "hack"}
)
"""Common English words that are also one-word brand titles in the data, and that other owners' titles start or end
with ("Red Bull", "Red Hat" / "Red"; "LibreOffice Base" / "Base"): never an owner or a product key of the owner rules
(read off the rules' merged pairs, ``python -m benchmarks.logo_brands``)."""
ALIASES = (("amex", "americanexpress"), ("jwt", "jsonwebtokens"), ("samsung", "samsungpay"), ("micro", "microeditor"))
"""Key pairs that are one brand under a name no rule derives: a contraction ("Amex"), initials ("JWT": initials as a
rule also merged ACM with AWS Certificate Manager and npm with Nginx Proxy Manager) and an owner with one product
title only ("Samsung Pay"; the owner rule needs two titles starting with the owner). gilbarbara's "micro" is the Micro
editor's own drawing (simple-icons "Micro Editor": 45 keypoints of 46 agree, outlines 0.998), merged by name only
before `GENERIC_WORDS` took "Micro" out of the owner rule."""
_DOT = re.compile(r"dot(js|io|com|dev|net|org|ai|app|sh|so|tv|me)$")


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in re.split(r"[^a-z0-9]+", text.lower()) if w)


def _stem(slug: str) -> str:
    while _VARIANT.search(slug):
        slug = _VARIANT.sub("", slug)
    return slug


def _titles(shared=None) -> dict[str, str]:
    path = (shared or shared_dir()) / "data" / "raw" / "simple-icons-pack" / "icons.jsonl"
    if not path.exists():
        return {}
    return {icon["slug"]: icon["title"] for icon in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


@dataclass
class Families:
    """Each source's family number, how many key pairs each rule merged, and the merged pairs."""

    of: list[int]
    merged: dict[str, int] = field(default_factory=dict)
    pairs: list[tuple[str, str, str]] = field(default_factory=list)


def families(sources: list[LogoSource], titles: dict[str, str] | None = None) -> Families:
    """Union the sources' keys by the rules above (titles: simple-icons slug -> title, read from the data if None)."""
    titles = _titles() if titles is None else titles
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    merged = {"variant": 0, "title": 0, "dot": 0, "owner_product": 0, "owner_prefix": 0, "alias": 0}
    pairs: list[tuple[str, str, str]] = []

    def link(rule: str, a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            if ra in held and rb in held:
                merged[rule] += 1
                pairs.append((rule, a, b))
            if ra in held:
                held.discard(ra)
                held.add(rb)
            parent[ra] = rb

    keys = [s.slug for s in sources]
    held = {find(key) for key in keys}  # roots whose family holds a logo: a pair counts when two such meet
    names: dict[str, tuple[str, ...]] = {}
    for s in sources:
        stem = _stem(s.slug)
        link("variant", s.slug, "=" + _letters(stem))
        words = _words(titles.get(s.slug, "")) if s.collection == "simple-icons" else ()
        if words and len("".join(words)) >= 3 and not re.search(r"[+#]", titles[s.slug]):
            link("title", s.slug, "=" + "".join(words))
        names[s.slug] = words or _words(stem)
    for s in sources:
        for spelled in {_letters(_stem(s.slug)), "".join(names[s.slug])}:
            if _DOT.search(spelled):
                link("dot", s.slug, "=" + _DOT.sub(r"\1", spelled))
                if len(_DOT.sub("", spelled)) >= 3:
                    link("dot", s.slug, "=" + _DOT.sub("", spelled))
    by_words = {}
    for slug, words in names.items():
        by_words.setdefault(words, slug)
    starts: dict[tuple[str, ...], int] = {}
    for words in set(names.values()):
        for cut in range(1, len(words)):
            starts[words[:cut]] = starts.get(words[:cut], 0) + 1
    owners = {w[0] for w, n in starts.items() if len(w) == 1 and n >= 5 and w in by_words}
    for slug, words in names.items():
        for cut in range(1, len(words)):
            owner = by_words.get(words[:cut])
            if (
                owner is not None
                and starts[words[:cut]] >= 2
                and len("".join(words[:cut])) >= 3
                and not (cut == 1 and words[0] in GENERIC_WORDS)
            ):
                link("owner_product", slug, owner)
        if len(words) == 2 and words[0] in owners and len(words[1]) >= 4 and words[1] not in GENERIC_WORDS:
            product = by_words.get(words[1:])
            if product is not None:
                link("owner_prefix", slug, product)
    present = set(keys)
    for a, b in ALIASES:
        if a in present and b in present:
            link("alias", a, b)
    roots: dict[str, int] = {}
    of = [roots.setdefault(find(key), len(roots)) for key in keys]
    return Families(of, merged, pairs)


def main() -> None:
    """Print each rule's merged key pairs and a fixed random sample of them, for a reader to check."""
    import random

    from benchmarks.logo_data import real_logo_sources

    sources = real_logo_sources()
    found = families(sources)
    print(f"{len(sources)} logos, {len(set(found.of))} families; key pairs merged per rule: {found.merged}")
    sample = random.Random(20)
    for rule, count in found.merged.items():
        pairs = [p[1:] for p in found.pairs if p[0] == rule]
        print(rule, sample.sample(pairs, min(12, count)))


if __name__ == "__main__":
    main()
