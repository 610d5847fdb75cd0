"""The truth benchmark's "own brand" rule (issue 18: skip same-owner families), on rows shaped like NSI's."""

from benchmarks.bench_verdict import same_brand, site_domain
from similarity.values import Mark


def _row(wikidata: str, website: str = "", description: str = "", brand: str = "") -> dict[str, str]:
    return {"brand_wikidata": wikidata, "website": website, "wikidata_description": description, "brand": brand,
            "name": brand, "wikidata_label": brand}


BRANDS = {
    "ibis-1": _row("Q1", "https://ibis.accor.com/ru.html", "hotel chain operated by Accor", "Ibis"),
    "ibisbudget-2": _row("Q2", "https://ibis.accor.com/", "budget hotel chain", "Ibis Budget"),
    "wellsfargo-3": _row("Q3", "https://www.wellsfargo.com/", "American bank", "Wells Fargo"),
    "wfadvisors-4": _row("Q4", "https://www.wellsfargoadvisors.com/", "subsidiary of Wells Fargo, St Louis",
                         "Wells Fargo Advisors"),
    "kkiosk-5": _row("Q5", "https://valora.com/kkiosk", "Kiosk brand by Valora", "k kiosk"),
    "kiosk-6": _row("Q6", "https://kiosk.nl/", "convenience store in Dutch train stations", "Kiosk"),
    "shopa-7": _row("Q7", "https://shopa.weebly.com/", "bakery", "Roti Ana"),
    "shopb-8": _row("Q8", "https://shopb.weebly.com/", "bakery", "Roti Ani"),
}


def _mark(key: str) -> Mark:
    return Mark(id=f"NSI-{key}", name=BRANDS[key]["brand"])


def test_one_website_domain_is_one_family() -> None:
    assert same_brand(_mark("ibisbudget-2"), _mark("ibis-1"), BRANDS)


def test_a_description_naming_the_other_as_parent_is_one_family_both_ways() -> None:
    assert same_brand(_mark("wfadvisors-4"), _mark("wellsfargo-3"), BRANDS)
    assert same_brand(_mark("wellsfargo-3"), _mark("wfadvisors-4"), BRANDS)


def test_a_mark_of_another_source_stands_for_the_nsi_rows_of_its_name() -> None:
    logo = Mark(id="SI-wellsfargo", name="Wells Fargo")
    assert same_brand(_mark("wfadvisors-4"), logo, BRANDS)


def test_a_name_mentioned_without_ownership_or_a_hosting_platform_is_no_family() -> None:
    assert not same_brand(_mark("kkiosk-5"), _mark("kiosk-6"), BRANDS)
    assert not same_brand(_mark("shopa-7"), _mark("shopb-8"), BRANDS)
    assert site_domain("https://shopa.weebly.com/") == ""
    assert site_domain("https://group.reece.com.au/x") == "reece.com.au"
