"""The logo benchmark's brand families: real aliases merge, unrelated brands do not."""

import pytest

from benchmarks.logo_brands import families
from benchmarks.logo_data import LogoSource, shared_dir


def _family(*sources: tuple[str, str], titles: dict[str, str] | None = None):
    logos = [LogoSource(collection, slug, "") for collection, slug in sources]
    return families(logos, titles or {})


def test_variant_dot_and_owner_rules_merge_one_brand():
    titles = {"nextdotjs": "Next.js", "googleplay": "Google Play", "google": "Google", "googlepay": "Google Pay"}
    found = _family(
        ("simple-icons", "nextdotjs"),
        ("gilbarbara", "nextjs-icon"),
        ("gilbarbara", "vite-icon-dark"),
        ("gilbarbara", "vite"),
        ("simple-icons", "googleplay"),
        ("simple-icons", "google"),
        ("simple-icons", "googlepay"),
        titles=titles,
    )
    of = found.of
    assert of[0] == of[1] and of[2] == of[3] and of[4] == of[5] == of[6]
    assert of[0] != of[2] != of[4]
    assert found.merged["owner_product"] == 2


def test_unrelated_brands_stay_apart():
    found = _family(
        ("simple-icons", "macys"),
        ("simple-icons", "tamiya"),
        ("gilbarbara", "x-ray-goggles"),
        ("simple-icons", "x"),
        ("simple-icons", "xdotorg"),
        titles={"x": "X", "xdotorg": "X.Org"},
    )
    assert len(set(found.of)) == 5


def test_real_data_families_hold_known_aliases():
    if not (shared_dir() / "data" / "raw" / "simple-icons-pack").exists():
        pytest.skip("../shared/data/raw (real logos) is absent")
    from benchmarks.logo_data import real_logo_sources

    sources = real_logo_sources()
    found = families(sources)
    slug = {s.slug: found.of[i] for i, s in enumerate(sources)}
    assert slug["kafka"] == slug["apachekafka"] and slug["nextdotjs"] == slug["nextjs-icon"]
    assert slug["amex"] != slug["macys"] and slug["tamiya"] != slug["coveralls"]
    assert slug["amex"] == slug["americanexpress"] and slug["jwt"] == slug["jsonwebtokens"]
    assert slug["googleplay"] != slug["play"] and slug["linuxfoundation"] != slug["foundation"]
    assert len(set(found.of)) > 0.6 * len(sources)


def test_generic_word_titles_are_not_owners_or_products_and_aliases_merge():
    titles = {
        "googleplay": "Google Play",
        "google": "Google",
        "googlepay": "Google Pay",
        "googledocs": "Google Docs",
        "googlemaps": "Google Maps",
        "googledrive": "Google Drive",
        "play": "Play",
        "micro": "Micro",
        "microbit": "Micro Bit",
        "microdotblog": "Micro Blog",
        "redbull": "Red Bull",
        "redhat": "Red Hat",
        "red": "Red",
        "amex": "Amex",
        "americanexpress": "American Express",
    }
    found = _family(*(("simple-icons", slug) for slug in titles), titles=titles)
    slug = dict(zip(titles, found.of, strict=True))
    assert slug["googleplay"] == slug["google"] != slug["play"]
    assert len({slug["micro"], slug["microdotblog"], slug["microbit"]}) == 3
    assert len({slug["red"], slug["redbull"], slug["redhat"]}) == 3
    assert slug["amex"] == slug["americanexpress"] and found.merged["alias"] == 1
