"""The description matcher: CAS check digits, languages, whole-token abbreviations, near misses, salts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracekit.graph.matcher import fold, match_text
from tracekit.graph.watchlists import builtin_terms, cas_check_digit, cas_is_valid


def _chemicals(text: str, finding: str = "named") -> list[str]:
    return [f.chemical for f in match_text(text) if f.finding == finding]


# -- CAS numbers -------------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(body=st.text(alphabet="0123456789", min_size=4, max_size=9).filter(lambda b: b[0] != "0"))
def test_a_cas_number_is_valid_exactly_when_its_check_digit_is_right(body):
    right = cas_check_digit(body)
    cas = f"{body[:-2]}-{body[-2:]}-{right}"
    assert cas_is_valid(cas)
    for wrong in set(range(10)) - {right}:
        assert not cas_is_valid(f"{body[:-2]}-{body[-2:]}-{wrong}")


@settings(max_examples=60, deadline=None)
@given(term=st.sampled_from([t for t in builtin_terms() if t.kind == "cas"]), wrong=st.integers(0, 9),
       prefix=st.sampled_from(["CAS ", "CAS NO. ", "cas#", "", "99% / CAS: "]))
def test_listed_cas_numbers_match_and_a_wrong_check_digit_is_reported_not_matched(term, wrong, prefix):
    found = match_text(f"WHITE POWDER {prefix}{term.term} 25KG")
    assert [(f.finding, f.chemical) for f in found if f.finding == "cas"] == [("cas", term.chemical)]
    right = int(term.term[-1])
    if wrong == right:
        return
    bad = term.term[:-1] + str(wrong)
    found = match_text(f"WHITE POWDER {prefix}{bad} 25KG")
    assert not [f for f in found if f.finding == "cas"], "a wrong check digit must never match"
    reported = [f for f in found if f.finding == "cas_check_digit"]
    assert reported and reported[0].matched_text == bad and reported[0].chemical is None
    assert f"expected {right}" in reported[0].form


def test_cas_written_without_hyphens_after_the_word_cas():
    assert _chemicals("CAS NO: 39742604", "cas") == ["NPP"]


def test_dates_and_phone_numbers_are_not_cas_numbers():
    assert match_text("SHIPPED 2021-01-5 TEL 555-12-3") == []


# -- names in every language ---------------------------------------------------------------------------

@settings(max_examples=80, deadline=None)
@given(term=st.sampled_from([t for t in builtin_terms() if t.kind in ("name", "synonym", "abbreviation")]),
       left=st.sampled_from(["", " ", ", ", " (", "：", "/"]), right=st.sampled_from(["", " ", ")", " 99%", ",", "，"]),
       upper=st.booleans())
def test_every_listed_term_is_found_in_a_description(term, left, right, upper):
    text = f"GOODS{left} {term.term.upper() if upper else term.term}{right} 25KG DRUM"
    assert term.chemical in _chemicals(text)


@pytest.mark.parametrize("text, chemical", [
    ("N-PHENETHYL-4-PIPERIDONE 99%", "NPP"),
    ("N-fenetil-4-piperidona, tambor 25 kg", "NPP"),
    ("N-苯乙基-4-哌啶酮", "NPP"),
    ("4-ANILINO-N-FENETILPIPERIDINA", "ANPP"),
    ("N-苯基-1-(2-苯乙基)-4-哌啶胺 样品", "ANPP"),
    ("4-苯胺基哌啶 99%", "4-AP"),
    ("Dicloridrato de N-Fenil-4-Piperidinamina", "4-AP"),
    ("NORFENTANILO", "norfentanyl"),
    ("1-BOC-4-ANILINOPIPERIDINA", "1-boc-4-AP"),
    ("4-PIPERIDONA", "4-piperidone"),
    ("4-哌啶酮盐酸盐", "4-piperidone"),
    ("哌啶-4-酮鹽酸鹽", "4-piperidone"),
    ("FENTANILO CITRATO", "fentanyl"),
    ("芬太尼", "fentanyl"),
])
def test_english_spanish_and_chinese_names(text, chemical):
    assert _chemicals(text) == [chemical]


def test_han_text_matches_without_spaces_around_it():
    assert _chemicals("供应4-哌啶酮盐酸盐一水合物现货") == ["4-piperidone"]


# -- abbreviations: whole tokens only --------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("NPP 99%", ["NPP"]), ("SNPPX", []), ("NPPS", []), ("(NPP)", ["NPP"]), ("npp/25kg", ["NPP"]),
    ("4-AP POWDER", ["4-AP"]), ("14-AP", []), ("4-APX", []), ("4-APPLE", []),
    ("1-BOC-4-AP", ["1-boc-4-AP"]), ("ANPP", ["ANPP"]), ("4-ANPP", ["ANPP"]), ("XANPP", []),
])
def test_abbreviations_match_only_as_whole_tokens(text, expected):
    assert _chemicals(text) == expected


def test_a_longer_name_is_not_also_read_as_the_shorter_one_inside_it():
    assert _chemicals("1-BOC-4-PIPERIDONE") == ["1-boc-4-piperidone"]
    assert _chemicals("NORFENTANYL") == ["norfentanyl"]


# -- near misses, misspellings, salts --------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "PIPERIDINE 99%", "4-PIPERIDINOL", "4-HYDROXYPIPERIDINE", "3-PIPERIDONE", "2-PIPERIDONE", "PIPERAZINE",
    "4-AMINOPYRIDINE", "4-AMINOPIPERIDINE", "4-AMINOPHENOL", "1-BOC-3-PIPERIDONE", "PIPERIDINE HCL",
    "1-BENZYL-4-PIPERIDONE", "N-METHYL-4-PIPERIDONE", "1-ETHOXYCARBONYL-4-PIPERIDONE",
])
def test_near_miss_chemicals_are_not_flagged(text):
    assert _chemicals(text) == []


@pytest.mark.parametrize("text, chemical", [
    ("4-PIPPERIDONE", "4-piperidone"), ("N-PHENETHYL-4-PIPERIDONNE", "NPP"), ("4-ANILINOPIPERIDIN", "4-AP"),
    ("N-BOC-4-PIPERIDONA", "1-boc-4-piperidone"), ("NORFENTANIL", "norfentanyl"),
])
def test_small_misspellings_match(text, chemical):
    found = [f for f in match_text(text) if f.finding == "named"]
    assert [f.chemical for f in found] == [chemical]
    assert found[0].distance >= 1


@pytest.mark.parametrize("text, form", [
    ("4-PIPERIDONE HCL MONOHYDRATE", "hcl monohydrate"),
    ("4-piperidone hydrochloride monohydrate", "hydrochloride monohydrate"),
    ("4-哌啶酮盐酸盐 一水合物", "盐酸盐 一水合物"),
    ("4-PIPERIDONA CLORHIDRATO", "clorhidrato"),
    ("4-哌啶酮一水合物鹽酸鹽", "一水合物 鹽酸鹽"),
    ("CLORHIDRATO DE 4-PIPERIDONA", "clorhidrato"),
])
def test_salts_and_hydrates_map_to_the_parent(text, form):
    found = [f for f in match_text(text) if f.finding == "named"]
    assert [f.chemical for f in found] == ["4-piperidone"] and found[0].form == form


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ,.", max_size=40))
def test_plain_words_are_not_flagged(text):
    assert [f for f in match_text(text) if f.finding in ("named", "cas")] == []


@pytest.mark.parametrize("text", ["CHEMICAL RAW MATERIAL", "MATERIA PRIMA QUÍMICA", "化工原料", "医药中间体",
                                  "SAID TO CONTAIN: 20 DRUMS", "Pharmaceutical Intermediate"])
def test_vague_phrases_in_three_languages(text):
    assert [f.finding for f in match_text(text)] == ["vague"]


def test_matched_text_is_the_original_spelling():
    found = match_text("Ｎ－ＰＨＥＮＥＴＨＹＬ－４－ＰＩＰＥＲＩＤＯＮＥ (full width)")
    assert [f.matched_text for f in found] == ["Ｎ－ＰＨＥＮＥＴＨＹＬ－４－ＰＩＰＥＲＩＤＯＮＥ"]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)
