"""Company names are fictional, noisy in the expected ways, and safe for each file's encoding."""

from __future__ import annotations

import csv
import random
import re

from hypothesis import given
from hypothesis import strategies as st

from tracekit.demo.names import CompanyFactory, denylist_words, load_data
from tracekit.demo.noise import NAME_SLOTS, name_variants, phone_variants, to_latin1

SUFFIXES = {"CN": ("Co., Ltd.",), "HK": ("Limited",), "IN": ("Pvt. Ltd.", "Private Limited", "Ltd."),
            "MX": ("S.A. de C.V.", "S. de R.L. de C.V."), "US": ("Inc.", "LLC", "Corp."), "DE": ("GmbH", "KG"),
            "NL": ("B.V.",), "TR": ("A.Ş.", "Ltd. Şti."), "KR": ("Co., Ltd.",), "CO": ("S.A.S.", "S.A.")}


def _words(name: str) -> set[str]:
    return set(re.findall(r"[a-z]+", name.lower()))


def test_no_real_company_name_or_brand_word(truth):
    real_names = {n.lower() for n in load_data("denylist.json")["names"]}
    brands = denylist_words()
    for entity in truth["entities"]:
        assert entity["name"].lower() not in real_names
        assert not (_words(entity["name"]) & brands), entity["name"]


def test_no_name_equals_an_ofac_organisation(truth, shared_dir):
    with open(shared_dir / "data" / "ofac-sdn-2022-01" / "sdn.csv", encoding="latin-1", newline="") as handle:
        organisations = {re.sub(r"\s+", " ", row[1]).strip().upper() for row in csv.reader(handle)
                         if len(row) > 2 and row[2].strip() == "-0-"}
    assert len(organisations) > 3_000
    ours = {re.sub(r"\s+", " ", e["name"]).strip().upper() for e in truth["entities"]}
    assert not ours & organisations


def test_legal_forms_per_country(truth):
    seen = {}
    for entity in truth["entities"]:
        if entity["country"] in SUFFIXES and entity["role"] != "forwarder":
            seen.setdefault(entity["country"], []).append(entity["name"].endswith(SUFFIXES[entity["country"]]))
    assert set(seen) == set(SUFFIXES)
    assert all(all(flags) for flags in seen.values())
    han = [e for e in truth["entities"] if e["name_han"]]
    cn = [e for e in truth["entities"] if e["country"] == "CN"]
    assert 0.12 < len(han) / len(cn) < 0.35 and all(e["name_han"].endswith("有限公司") for e in han)


def test_variants_cover_the_usual_noise():
    factory = CompanyFactory(random.Random(4))
    variants = []
    for _ in range(150):
        company = factory.make("CN", "chemical", han=True)
        v = name_variants(random.Random(len(variants)), company)
        assert len(v) == NAME_SLOTS and v[0] == company.name and v[-1] == company.han
        variants.extend(v)
    text = "\n".join(variants)
    for pattern in (r"\bCHEM\b", r"CO LTD", r"\(\w+\)", r"^[A-Z0-9 ().,&'-]+$", r"  "):
        assert re.search(pattern, text, re.M), pattern
    assert any(" Co., Ltd." not in v and "LTD" not in v.upper() and "有限" not in v and "LIMITED" not in v.upper()
               for v in variants)  # dropped legal form


def test_phone_variants_share_their_digits():
    factory = CompanyFactory(random.Random(9))
    for country in ("CN", "US", "MX", "HK", "TR"):
        company = factory.make(country, "trading")
        digits = {re.sub(r"\D", "", p).lstrip("0") for p in phone_variants(company)}
        local = company.phone_parts[2]
        assert all(d.endswith(local) for d in digits)


@given(st.text(max_size=40))
def test_to_latin1_always_encodes_and_keeps_latin1_text(text):
    folded = to_latin1(text)
    folded.encode("latin-1")
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return
    assert folded == text


@given(st.integers(0, 10_000), st.sampled_from(sorted(SUFFIXES)))
def test_factory_is_deterministic_and_unique(seed, country):
    a = CompanyFactory(random.Random(seed))
    b = CompanyFactory(random.Random(seed))
    names_a = [a.make(country, "chemical").name for _ in range(5)]
    assert names_a == [b.make(country, "chemical").name for _ in range(5)]
    assert len(set(names_a)) == 5
