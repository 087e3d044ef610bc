"""Normalised comparison keys for party names, addresses, phones, e-mails and tax ids.

Keys are for matching only: the original text is never changed, and the legal form a normaliser
sets aside is kept beside the key (``NameKey.legal_form``) so an analyst can see it and a scorer can
use it. Transliteration and legal forms come from rigour (OpenSanctions' name library); the Chinese
tables and trade abbreviations are in :mod:`tracekit.resolve.vocab`, with their sources.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rigour.addresses import address_fingerprint
from rigour.names import NameTypeTag, SymbolCategory, analyze_names, extract_org_types, remove_org_types
from rigour.text import ascii_text, is_stopword, metaphone

from tracekit.ingest.codes import normalise_country
from tracekit.resolve.vocab import (
    EDGE_LEGAL_WORDS,
    HAN_INDUSTRY_WORDS,
    HAN_LEGAL_FORMS,
    HAN_PLACE_NAMES,
    PLACE_TOKENS,
    STOPWORDS,
    TRADE_PHRASES,
    TRADE_WORDS,
)

__all__ = [
    "NameKey",
    "normalize_name",
    "name_key",
    "is_generic_word",
    "word_sound",
    "normalize_address",
    "normalize_phone",
    "normalize_email",
    "normalize_tax_id",
]

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def _alternation(words) -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ordered))


_HAN_LEGAL = _alternation(HAN_LEGAL_FORMS)
_HAN_INDUSTRY = _alternation(HAN_INDUSTRY_WORDS)
_HAN_PLACE = _alternation(HAN_PLACE_NAMES)
def _truncations(words: dict[str, str], shortest: int = 6) -> dict[str, str]:
    """Cut-off forms of long trade words ("COMERCIALIZ", "INTERNATIO": fixed-width manifest fields).

    Only prefixes that stand for one canonical token, and that are not words in their own right.
    """
    seen: dict[str, set[str]] = {}
    for word, canonical in words.items():
        for end in range(shortest, len(word)):
            seen.setdefault(word[:end], set()).add(canonical)
    return {p: next(iter(c)) for p, c in seen.items() if len(c) == 1 and p not in words}


_TRUNCATED = _truncations(TRADE_WORDS)
_PHRASES = re.compile(r"\b(" + "|".join(re.escape(p) for p in sorted(TRADE_PHRASES, key=len, reverse=True))
                      + r")\b")


@dataclass(frozen=True)
class NameKey:
    """The comparison forms of one company name.

    Attributes
    ----------
    original : str
        The name exactly as written.
    key : str
        Canonical tokens in written order (ASCII, lower case, legal form and stopwords removed, trade
        words abbreviated): the main comparison key.
    legal_form : str
        The legal form(s) set aside, in rigour's compare form (``"coltd"``, ``"sacv"``), or ``""``.
    core : str
        ``key`` without place-name tokens (``""`` when nothing would remain).
    """

    original: str
    key: str
    legal_form: str
    core: str

    @property
    def compact(self) -> str:
        """``key`` without spaces: joins pinyin syllables and split words ("JIANG SU" = "JIANGSU")."""
        return self.key.replace(" ", "")


def _han_to_latin(text: str, legal: list[str]) -> str:
    """Set Han legal forms aside, translate industry words, join place names and other Han runs."""
    def take_legal(m: re.Match[str]) -> str:
        legal.append(HAN_LEGAL_FORMS[m.group(0)])
        return " "

    text = _HAN_LEGAL.sub(take_legal, text)
    text = _HAN_INDUSTRY.sub(lambda m: f" {HAN_INDUSTRY_WORDS[m.group(0)]} ", text)
    text = _HAN_PLACE.sub(lambda m: f" {HAN_PLACE_NAMES[m.group(0)]} ", text)
    # A remaining run is usually the trade name (字号): one word in romanised names ("HENGRUI").
    return _HAN.sub(lambda m: " " + ascii_text(m.group(0)).replace(" ", "") + " ", text)


def _join_initials(tokens: list[str]) -> list[str]:
    """Join runs of single letters: "x y z" (from "X.Y.Z.") becomes "xyz"."""
    out: list[str] = []
    run: list[str] = []
    for tok in tokens + [""]:
        if len(tok) == 1 and tok.isalpha():
            run.append(tok)
            continue
        if run:
            out.append("".join(run))
            run = []
        if tok:
            out.append(tok)
    return out


def _strip_edge_legal(tokens: list[str], legal: list[str]) -> list[str]:
    while len(tokens) > 1 and tokens[-1] in EDGE_LEGAL_WORDS:
        form = EDGE_LEGAL_WORDS[tokens.pop()]
        if form:
            legal.append(form)
    while len(tokens) > 1 and tokens[0] in EDGE_LEGAL_WORDS:
        form = EDGE_LEGAL_WORDS[tokens.pop(0)]
        if form:
            legal.append(form)
    return tokens


def _latin_tokens(text: str, legal: list[str]) -> list[str]:
    """Canonical tokens of (any-script) text; legal forms found are appended to ``legal``."""
    text = ascii_text(text).lower().replace("&", " and ").replace("'", "")
    stripped = remove_org_types(text, replacement=" ")
    if _NON_WORD.sub("", stripped):  # a name that is only a legal form ("AY", "SA") stays a name
        legal.extend(form for _, form in extract_org_types(text))
        text = stripped
    text = _NON_WORD.sub(" ", text).strip()
    text = _PHRASES.sub(lambda m: TRADE_PHRASES[m.group(0)], text)
    words = text.split()
    # Stopwords of two letters or more go first, so "A & B" joins as initials ("ab"); one-letter
    # stopwords (Spanish "y", "e") only once they are known not to be initials.
    words = [t for t in words if len(t) == 1 or t not in STOPWORDS] or words
    tokens = _join_initials(words)
    tokens = _strip_edge_legal(tokens, legal)
    tokens = [TRADE_WORDS.get(t) or _TRUNCATED.get(t, t) for t in tokens if t not in STOPWORDS] or tokens
    return tokens


@lru_cache(maxsize=200_000)
def normalize_name(name: str | None) -> NameKey:
    """Comparison keys for a company name in any script.

    Examples
    --------
    >>> normalize_name("Shanghai X.Y.Z. Chem Co Ltd").key
    'shanghai xyz chem'
    >>> normalize_name("上海XYZ化工有限公司").key
    'shanghai xyz chem'
    >>> k = normalize_name("Química del Norte, S.A. de C.V.")
    >>> k.key, k.legal_form
    ('chem norte', 'sacv')
    >>> normalize_name("XYZ CHEMICAL (SHANGHAI)").core
    'xyz chem'
    >>> normalize_name("COMERCIALIZ LUMIAL SA DE CV").key  # cut off by a fixed-width field
    'trading lumial'
    """
    original = name or ""
    text = unicodedata.normalize("NFKC", original)
    legal: list[str] = []
    if _HAN.search(text):
        text = _han_to_latin(text, legal)
    tokens = _latin_tokens(text, legal)
    # Once more over its own output, so a key is a fixed point (normalising a key changes nothing):
    # removing one legal form or joining initials can expose another.
    for _ in range(3):
        again = _latin_tokens(" ".join(tokens), legal)
        if again == tokens:
            break
        tokens = again
    key = " ".join(tokens)
    core = " ".join(t for t in tokens if t not in PLACE_TOKENS)
    return NameKey(original, key, " ".join(dict.fromkeys(f for f in legal if f)), core)


_GENERIC_CATEGORIES = frozenset({SymbolCategory.SYMBOL, SymbolCategory.DOMAIN, SymbolCategory.ORG_CLASS,
                                 SymbolCategory.LOCATION})


_COMMON_WORDS = frozenset(TRADE_WORDS) | frozenset(TRADE_WORDS.values()) | STOPWORDS | PLACE_TOKENS


@lru_cache(maxsize=500_000)
def is_generic_word(word: str) -> bool:
    """Whether a name word is generic: kind of organisation, line of business, place, legal form.

    Uses the trade tables of :mod:`tracekit.resolve.vocab` and rigour's symbol tables
    (OpenSanctions), which know such words in many languages; a word that is not generic is what
    tells one company from another.

    Examples
    --------
    >>> [is_generic_word(w) for w in ("enterprises", "shipping", "petrochemical", "chem", "golfrate")]
    [True, True, True, True, False]
    """
    if word in _COMMON_WORDS or is_stopword(word):
        return True
    names = analyze_names(NameTypeTag.ORG, [word], phonetics=False, numerics=False, consolidate=False,
                          rewrite=False)
    return any(symbol.category in _GENERIC_CATEGORIES for name in names for symbol in name.symbols)


@lru_cache(maxsize=500_000)
def word_sound(word: str) -> str:
    """A word's sound (metaphone), so transliterations and misspellings agree.

    Examples
    --------
    >>> word_sound("rashid") == word_sound("rasheed"), word_sound("vinra") == word_sound("vinara")
    (True, True)
    """
    return metaphone(word) or word


def name_key(name: str | None) -> str:
    """Just the main comparison key of a name (see :func:`normalize_name`).

    Examples
    --------
    >>> name_key("ABC Imp. & Exp. Co., Ltd.") == name_key("abc import and export company limited")
    True
    """
    return normalize_name(name).key


# Manifest abbreviations rigour's address fingerprint leaves as written, mapped to the form it gives the
# full word (FLAT -> apt, DISTRICT -> kv), so "FLT 2011" and "Flat 2011" give one key.
_ADDRESS_TOKENS = {"flt": "apt", "dist": "kv"}


@lru_cache(maxsize=200_000)
def normalize_address(address: str | None) -> str | None:
    """Address key before issue 8: transliterated, lower case, street words shortened (rigour's fingerprint).

    Resolution now keys addresses with :func:`tracekit.resolve.address.address_key`, which also
    survives abbreviations, Spanish forms and Chinese script; this one stays as the same-run
    baseline of ``tests/benchmarks/bench_address.py``.

    Examples
    --------
    >>> normalize_address("No. 123 Zhangjiang Road, Pudong District")
    'no 123 zhangjiang rd pudong kv'
    >>> normalize_address("FLT 2011, 25/F") == normalize_address("Flat 2011, 25/F")
    True
    >>> normalize_address("385 Des Voeux Rd, Mong Kok, Hong Kong") == normalize_address("385 DES VOEUX ROAD, MONG KOK")
    True
    >>> normalize_address("  ") is None
    True
    """
    if not address or not address.strip():
        return None
    text = ascii_text(unicodedata.normalize("NFKC", address))
    key = address_fingerprint(text) or _NON_WORD.sub(" ", text.lower()).strip()
    tokens = [_ADDRESS_TOKENS.get(token, token) for token in key.split()]
    # A trailing country ("..., MONG KOK, HONG KONG") is written or left out at whim, and the country
    # is compared on its own: keep it out of the key so both spellings of one address agree.
    for width in (3, 2, 1):
        if len(tokens) > width and normalise_country(" ".join(tokens[-width:])):
            tokens = tokens[:-width]
            break
    return " ".join(tokens) or None


def normalize_phone(phone: str | None) -> str | None:
    """Phone key: the last nine digits, so "+86 21 5555 1234" and "021-5555-1234" agree.

    National significant numbers are at least nine digits in most trading countries, and an
    international prefix is written or left out at whim on bills of lading.

    Examples
    --------
    >>> normalize_phone("+86 (21) 5555-1234") == normalize_phone("021 5555 1234")
    True
    >>> normalize_phone("n/a") is None
    True
    """
    if not phone:
        return None
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7 or len(set(digits)) == 1:
        return None
    return digits[-9:]


def normalize_email(email: str | None) -> str | None:
    """E-mail key: trimmed and lower-cased; None unless it looks like an address.

    Examples
    --------
    >>> normalize_email(" Sales@XYZ-Chem.com ")
    'sales@xyz-chem.com'
    """
    if not email:
        return None
    text = email.strip().lower().strip("<>;,")
    return text if re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z0-9-]+", text) else None


def normalize_tax_id(tax_id: str | None) -> str | None:
    """Tax-id key: letters and digits only, upper case; None for placeholders.

    Examples
    --------
    >>> normalize_tax_id("rfc: QDN-850101-AB1")
    'QDN850101AB1'
    >>> normalize_tax_id("0000") is None
    True
    """
    if not tax_id:
        return None
    text = re.sub(r"[^0-9A-Za-z]", "", ascii_text(tax_id)).upper()
    for prefix in ("RFC", "USCC", "EIN", "VAT", "TAX", "NIT", "RUC", "CUIT", "GSTIN"):
        if text.startswith(prefix) and len(text) - len(prefix) >= 5:
            text = text[len(prefix):]
            break
    if len(text) < 4 or set(text) <= {"0"} or text in {"NONE", "NULL", "NA"}:
        return None
    return text
