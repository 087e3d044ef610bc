"""Shells at one flat whose names share one word and each carry another (issue 8, the last missed bar).

The address comparison has a level of its own for them, which EM weighs per workspace; for such pairs
what the loader read *from* the address (its locality, a country with source "address") is not counted
again; look-alike glyphs make one misread word, not two words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from tracekit.resolve import comparisons as cmp
from tracekit.resolve.model import comparison_index
from tracekit.resolve.scoring import ProfileArrays, pair_levels

FLAT = "flat 14h 231 hoi bun rd kwun tong"
ADDRESS, LOCALITY, COUNTRY, NAME = (comparison_index(c) for c in ("address", "locality", "country", "name"))


def _profiles(rows: list[tuple[str, str, str, str]]) -> ProfileArrays:
    """(name key, address key, locality, country source) per profile, all in HK."""
    return ProfileArrays(pd.DataFrame({
        "name_key": [r[0] for r in rows], "core_key": [r[0] for r in rows], "country": ["HK"] * len(rows),
        "tax_id_key": [""] * len(rows), "address_key": [r[1] for r in rows], "locality": [r[2] for r in rows],
        "country_source": [r[3] for r in rows], "display_name": [r[0].upper() + " LIMITED" for r in rows]}))


def _levels(rows, pairs):
    a, b = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    shared = pd.DataFrame({"shared_phone": False, "shared_email": False,
                           "shared_address": [rows[i][1] == rows[j][1] != "" for i, j in pairs]})
    return pair_levels(_profiles(rows), a, b, shared)[1]


# Words in common use: each is in at least three distinct names of the workspace.
BACKGROUND = [(f"{w} {v} trading", f"{k} other rd", "", "") for k, (w, v) in enumerate(
    [("crane", "maple"), ("crane", "otter"), ("haven", "lotus"), ("haven", "cedar"), ("heron", "bison"),
     ("heron", "delta"), ("summit", "ibis"), ("umber", "finch"), ("umber", "lynx"), ("bison", "wren")])]


def test_shells_named_one_common_word_apart_get_their_own_address_level():
    rows = [("crane heron trading", FLAT, "KOWLOON", "address"),
            ("haven heron trading", FLAT, "KWUN TONG", "address"),
            ("crane heron trdg", FLAT, "KOWLOON", "address"),
            ("summitt umber trading", FLAT, "", "address"),
            ("bison summit trading", FLAT, "", "address")] + BACKGROUND
    levels = _levels(rows, [(0, 1), (0, 2), (3, 4)])
    assert levels[:, ADDRESS].tolist() == [1, 0, 1]  # shells; one firm's two spellings; shells
    assert levels[0, NAME] == 12  # the name level still says "a distinctive word substituted"


def test_rare_substituted_word_keeps_the_plain_same_address_level():
    # "MOJTAMAE SANATE TIR" / "SANAYE TIR": one firm's translated alias, its odd words used nowhere else.
    rows = [("mojtamae tir", FLAT, "", ""), ("sanaye tir", FLAT, "", "")] + BACKGROUND
    assert _levels(rows, [(0, 1)])[0, ADDRESS] == 0


def test_what_was_read_from_the_address_is_not_counted_again_for_shell_shaped_names():
    rows = [("crane heron trading", FLAT, "KOWLOON", "address"),
            ("haven heron trading", FLAT, "KOWLOON", "address"),
            ("crane heron trading co", FLAT, "TSIM SHA TSUI", "address"),
            ("haven heron trading", FLAT, "KOWLOON", "column")] + BACKGROUND
    levels = _levels(rows, [(0, 1), (0, 2), (0, 3)])
    assert levels[0, ADDRESS] == 1 and levels[0, LOCALITY] == -1 and levels[0, COUNTRY] == -1
    assert levels[1, ADDRESS] == 0 and levels[1, LOCALITY] == 1 and levels[1, COUNTRY] == 0  # one firm: kept
    assert levels[2, ADDRESS] == 1 and levels[2, COUNTRY] == -1  # one side's country came from the address


@given(st.sampled_from(["oak", "opal", "umber", "saffron", "silver", "metals", "ibis"]), st.data())
def test_look_alike_glyphs_pair_as_one_word(word, data):
    glyphs = {"o": "0", "l": "1", "i": "1", "s": "5", "e": "c", "m": "rn"}
    k = data.draw(st.sampled_from([i for i, ch in enumerate(word) if ch in glyphs]))
    misread = word[:k] + glyphs[word[k]] + word[k + 1:]
    rel = cmp.word_relation(("eagle", word), ("eagle", misread), ("", ""), ("", ""))
    assert cmp.WORD_RELATIONS[rel] in ("typo", "same")
