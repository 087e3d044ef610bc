"""Normaliser behaviour: known equivalences, script independence, and hypothesis properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracekit.resolve.normalize import (
    name_key,
    normalize_address,
    normalize_email,
    normalize_name,
    normalize_phone,
    normalize_tax_id,
)

SAME = [
    ("SHANGHAI XYZ CHEMICAL CO., LTD", "Shanghai X.Y.Z. Chem Co Ltd"),
    ("SHANGHAI XYZ CHEMICAL CO., LTD", "上海XYZ化工有限公司"),
    ("江苏恒瑞医药股份有限公司", "JIANGSU HENGRUI PHARMACEUTICAL CO LTD"),
    ("Química del Norte, S.A. de C.V.", "QUIMICA DEL NORTE SA DE CV"),
    ("Química del Norte S. de R.L. de C.V.", "QUIMICA DEL NORTE"),
    ("ООО Ромашка", "Romashka LLC"),
    ("XYZ Imp. & Exp. Co., Ltd.", "XYZ IMPORT AND EXPORT COMPANY LIMITED"),
    ("ACME INTL TECH GMBH", "Acme International Technology"),
    ("深圳泽桥汽车配件有限公司", "Shenzhen Zeqiao Auto Parts Co., Ltd."),
    ("深圳金安塑料有限公司", "SHENZHEN JINAN PLASTICS CO LTD"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_known_variants_share_a_key(a, b):
    assert name_key(a) == name_key(b)


def test_legal_form_is_set_aside_not_lost():
    parsed = normalize_name("Quimica del Norte S.A. de C.V.")
    assert parsed.legal_form == "sacv"
    assert parsed.original == "Quimica del Norte S.A. de C.V."
    assert normalize_name("上海XYZ化工有限公司").legal_form == "coltd"


def test_place_names_form_the_core():
    assert normalize_name("XYZ CHEMICAL (SHANGHAI)").core == normalize_name("XYZ CHEMICAL CO").core


def test_different_industries_stay_different():
    assert name_key("ABC CHEMICAL CO") != name_key("ABC LOGISTICS CO")


names = st.text(alphabet=st.sampled_from(list("abcXYZ &.,-()上海化工有限公司ООО Ромашкаé")), max_size=30)


@settings(max_examples=150, deadline=None)
@given(names)
def test_name_key_is_idempotent(text):
    key = name_key(text)
    assert name_key(key) == key


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="ABCDEFGHKLMNPRSTUVWXYZ", min_size=2, max_size=8),
       st.sampled_from(["CHEMICAL", "TRADING", "PHARMACEUTICAL", "TECHNOLOGY"]))
def test_han_and_romanised_twins_share_a_key(trade_name, industry):
    han_industry = {"CHEMICAL": "化工", "TRADING": "贸易", "PHARMACEUTICAL": "医药", "TECHNOLOGY": "科技"}
    han = f"上海{trade_name}{han_industry[industry]}有限公司"
    latin = f"SHANGHAI {trade_name} {industry} CO., LTD."
    assert name_key(han) == name_key(latin)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_keys_are_ascii_lowercase(text):
    key = name_key(text)
    assert key == key.lower() and key.isascii()


@settings(max_examples=100, deadline=None)
@given(st.from_regex(r"\+?[0-9 ()-]{0,20}", fullmatch=True))
def test_phone_key_is_idempotent_and_digits(phone):
    key = normalize_phone(phone)
    if key is not None:
        assert key.isdigit() and len(key) <= 9
        assert normalize_phone(key) == key


def test_phone_with_and_without_country_code():
    assert normalize_phone("+86 21 5555 1234") == normalize_phone("021-5555-1234")
    assert normalize_phone("000000") is None


def test_address_email_tax_keys():
    assert normalize_address("No. 5 Zhangjiang Road, Pudong") == normalize_address("NO 5 ZHANGJIANG RD PUDONG")
    assert normalize_email("X@Y.COM") == "x@y.com" and normalize_email("not an email") is None
    assert normalize_tax_id("RFC QDN-850101-AB1") == normalize_tax_id("qdn850101ab1")


@pytest.mark.parametrize(("a", "b"), [
    ("FLT 314, 28/F, SILVER CRANE CTR, 961 HENNESSY RD, WAN CHAI, HONG KONG",
     "Flat 314, 28/F, Silver Crane Centre, 961 Hennessy Road, Wan Chai"),
    ("Room 2820, No. 629 Renmin Road, Baohe District, Shenzhen, China", "RM 2820, NO. 629 RENMIN RD, BAOHE DIST, SHENZHEN"),
])
def test_address_variants_share_a_key(a, b):
    """Manifest abbreviations (FLT, DIST) and a trailing country written or left out give one key."""
    assert normalize_address(a) == normalize_address(b)


def test_address_key_keeps_what_is_not_a_trailing_country():
    assert normalize_address("12 China Street, Laredo TX") != normalize_address("12 Laredo TX")
    assert normalize_address("Hong Kong") == "hk"  # nothing but a country is still an address


_SCRIPTS = st.sampled_from([
    "abcdefghijklmnopqrstuvwxyz ABC 0123456789 .,-/#&'()",
    "áéíóúñçüöäßøåłşğıİŞĞÇÖÜ ÁÉÍÓÚÑ ĐđăơưÂÊÔ",
    "абвгдежзийклмнопрстуфхцчшщъыьэюя ЖЩЮЯ",
    "上海北京化工贸易有限公司路街号號室楼樓 深圳",
    "αβγδεζηθικλμνξοπρστυφχψωςΣ",
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
])


@settings(deadline=None, max_examples=300)
@given(st.lists(_SCRIPTS.flatmap(lambda chars: st.text(chars, min_size=1, max_size=12)), min_size=1, max_size=6))
def test_word_cached_transliteration_equals_rigours(words):
    from rigour.text import ascii_text as rigour_ascii

    from tracekit.resolve.normalize import ascii_text

    text = " ".join(words)
    assert ascii_text(text) == rigour_ascii(text)


@pytest.mark.parametrize(("confused", "clean"), [
    ("IBIS TRADING C0 LTD", "IBIS TRADING CO LTD"),
    ("BERYL THORN TRADING C0.,LTD", "Beryl Thorn Trading Co.,Ltd"),
    ("Vale Orchid Trading J5C", "Vale Orchid Trading JSC"),
    ("ACME CHEMICAL 1TD", "ACME CHEMICAL LTD"),
])
def test_digits_read_as_the_letters_they_resemble_in_legal_words(confused, clean):
    # Re-keyed manifests write 0 for O and 5 for S; "C0" must not become a number in the name.
    assert normalize_name(confused).key == normalize_name(clean).key
    assert normalize_name(confused).legal_form == normalize_name(clean).legal_form


@pytest.mark.parametrize("name", ["VABO 2005", "3M COMPANY", "A1 CHEMICALS", "B2B TRADING", "FIRST 8 LTD"])
def test_real_numbers_and_codes_in_names_stay(name):
    assert any(ch.isdigit() for ch in normalize_name(name).key)
