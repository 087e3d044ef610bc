"""Header words: what a column header says, read word by word rather than matched against a list.

:func:`header_words` splits a header into words (camelCase, ``_``, punctuation and digits split, accents
folded, lower case) and rewrites each into a *concept*: English and Spanish spellings and common trade
abbreviations become one word (``Desc``/``descripción`` → ``description``, ``Wt``/``peso`` → ``weight``,
``POL`` → ``port lading``, ``B/L`` → ``bill lading``). A misspelt word one edit away from a known one
(``SHIPER``, ``WIGHT``) is read as that word. :func:`header_evidence` scores every mapping target from
those concepts and says why; :func:`header_unit` and :func:`header_currency` read a weight unit or a
currency the header names (``Weight (kg)``, ``FOB Value (INR)``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from tracekit.ingest.vocabulary import CJK_TERMS, CONCEPTS, CURRENCIES, EXPANSIONS, ROLE_WORDS, UNITS

__all__ = ["HeaderWords", "header_words", "header_evidence", "header_unit", "header_currency", "ROLE_WORDS",
           "Evidence"]

_FUZZY_MIN = 5


@dataclass
class HeaderWords:
    """A header as words: ``raw`` (folded, lower case), ``concepts`` (what they stand for), ``read_as``
    (misspellings corrected, e.g. ``{"shiper": "shipper"}``) and ``unknown`` (words with no concept)."""

    header: str
    raw: list[str]
    concepts: list[str]
    read_as: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    bracketed: list[str] = field(default_factory=list)

    @property
    def concept_set(self) -> frozenset[str]:
        return frozenset(self.concepts)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _split(text: str) -> list[str]:
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)          # camelCase
    text = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z]{2,})", " ", text)  # HSCode → HS Code
    text = re.sub(r"(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])", " ", text)
    text = text.replace("#", " number ").replace("&", " and ")
    words = [w for w in re.split(r"[^0-9A-Za-z]+", text.lower()) if w]
    merged: list[str] = []  # runs of single letters are one abbreviation: B_L → bl, E/S → es
    for word in words:
        previous = merged[-1] if merged else ""
        if len(word) == 1 and word.isalpha() and previous.isalpha() and (
                len(previous) == 1 or len(previous) == 2 and previous not in CONCEPTS and previous not in EXPANSIONS):
            merged[-1] += word
        else:
            merged.append(word)
    return merged


@functools.cache
def _vocabulary() -> tuple[str, ...]:
    return tuple(w for w in (*CONCEPTS, *EXPANSIONS) if len(w) >= _FUZZY_MIN - 1)


def _concepts_of(word: str) -> tuple[tuple[str, ...], str | None]:
    """(concepts, corrected spelling or None) of one folded lower-case word."""
    if word in EXPANSIONS:
        return EXPANSIONS[word], None
    if word in CONCEPTS:
        return (CONCEPTS[word],), None
    if word.endswith("s") and word[:-1] in CONCEPTS:
        return (CONCEPTS[word[:-1]],), None
    if len(word) >= 4 and word.isalpha() and (pieces := _segment(word)):
        return tuple(c for piece in pieces for c in _concepts_of(piece)[0]), None
    if len(word) >= _FUZZY_MIN and word.isalpha():
        near = [v for v in _vocabulary() if abs(len(v) - len(word)) <= 1
                and Levenshtein.distance(v, word, score_cutoff=1) <= 1]
        meanings = {_concepts_of(v)[0] for v in near}
        if len(meanings) == 1:
            return meanings.pop(), min(near, key=len) if len(near) == 1 else max(near, key=len)
    return (), None


@functools.lru_cache(maxsize=4096)
def _segment(word: str) -> list[str] | None:
    """Known words that spell ``word`` end to end, fewest pieces (``shipperpartyname``), or None."""
    known = set(CONCEPTS) | set(EXPANSIONS)
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 16), end):
            piece = word[start:end]
            if best[start] is not None and piece in known and len(piece) > 1:
                candidate = [*best[start], piece]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    found = best[len(word)]
    return found if found and len(found) > 1 else None


def _cjk(text: str) -> str:
    """Chinese header terms replaced by their concept words (``毛重(千克)`` → `` gross weight ( kg )``)."""
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text
    for term in sorted(CJK_TERMS, key=len, reverse=True):
        text = text.replace(term, " " + " ".join(CJK_TERMS[term]) + " ")
    return text


@functools.lru_cache(maxsize=4096)
def header_words(header: str) -> HeaderWords:
    """Words and concepts of a header.

    Examples
    --------
    >>> header_words("Gross Wt (LB)").concepts
    ['gross', 'weight', 'lb']
    >>> header_words("Descripción Comercial").concepts, header_words("shipperPartyName").concepts
    (['description', 'commercial'], ['shipper', 'party', 'name'])
    >>> w = header_words("SHIPER"); w.concepts, w.read_as
    (['shipper'], {'shiper': 'shipper'})
    >>> header_words("毛重（千克）").concepts, header_words("境外收货人").concepts
    (['gross', 'weight', 'kg'], ['overseas', 'consignee', 'name'])
    """
    folded = _cjk(_fold(header))
    bracketed = [w for part in re.findall(r"[(\[]([^)\]]*)[)\]]", folded) for w in _split(part)]
    raw = _split(folded)
    if raw[:2] == ["e", "mail"]:
        raw = ["email", *raw[2:]]
    concepts: list[str] = []
    read_as: dict[str, str] = {}
    unknown: list[str] = []
    for word in raw:
        found, corrected = _concepts_of(word)
        if corrected:
            read_as[word] = corrected
        if found:
            concepts.extend(found)
        elif not word.isdigit():
            unknown.append(word)
    return HeaderWords(header, raw, concepts, read_as, unknown, bracketed)


def header_unit(header: str) -> str | None:
    """The weight unit a header names (``Weight (kg)`` → ``KG``, ``Gross Wt (LB)`` → ``LB``), or None.

    Examples
    --------
    >>> [header_unit(h) for h in ["Weight (kg)", "Peso Bruto (kg)", "Gross Wt (LB)", "Weight (MT)", "Weight"]]
    ['KG', 'KG', 'LB', 'MT', None]
    """
    words = header_words(header)
    for word in words.bracketed:
        if word in UNITS:
            return UNITS[word]
    for word in words.raw:  # unbracketed: only unambiguous unit words ("WEIGHT_KG", "Weight in KG")
        if word in UNITS and len(word) >= 2 and word != "mt" or word == "mt" and "weight" in words.concepts:
            return UNITS[word]
    return None


def header_currency(header: str) -> str | None:
    """The currency a header names (``Value of Goods (USD)`` → ``USD``, ``Valor (MXN)`` → ``MXN``), or None.

    Examples
    --------
    >>> [header_currency(h) for h in ["FOB Value (INR)", "VALOR_DOLARES", "Value", "Valor (MXN)"]]
    ['INR', 'USD', None, 'MXN']
    """
    for word in header_words(header).raw:
        if word in CURRENCIES:
            return word.upper()
        if word in ("dolares", "dollars", "dollar"):
            return "USD"
        if word in ("rupees", "rupias"):
            return "INR"
        if word in ("pesos",):
            return "MXN"
        if word in ("yuan", "renminbi"):
            return "CNY"
    return None


@dataclass(frozen=True)
class Evidence:
    """How strongly a header suggests one target (0–1) and why."""

    target: str
    score: float
    reason: str


_PARTY_ATTRIBUTES = {
    "address": frozenset({"address", "city", "state", "zip", "district", "line"}),
    "country": frozenset({"country"}),
    "phone": frozenset({"phone"}),
    "email": frozenset({"email"}),
    "contact": frozenset({"contact"}),
    "tax_id": frozenset({"taxid"}),
}
# Words saying a party column is about something other than the party itself.
_NOT_THE_PARTY = frozenset({"parent", "type", "id", "code", "number", "reference", "date", "value", "weight",
                            "port", "invoice", "standardized"})
_NON_PARTY_FIELDS = frozenset({"date", "description", "goods", "product", "hs", "tariff", "quantity", "weight",
                               "value", "amount", "price", "port", "vessel", "container", "bill"})


def _role(concepts: frozenset[str]) -> str | None:
    roles = [r for r, words in ROLE_WORDS.items() if concepts & words]
    return roles[0] if len(roles) == 1 else None


def _party_evidence(words: HeaderWords) -> list[Evidence]:
    c = words.concept_set
    role = _role(c)
    if role is None:
        if c & {"taxid"} and not c & _NON_PARTY_FIELDS:
            return [Evidence("declarant_tax_id", 0.8, "a tax id with no party named")]
        return []
    said = next(w for w in words.concepts if w in ROLE_WORDS[role])
    if c & _NON_PARTY_FIELDS and not c & {"address", "country", "phone", "email", "taxid", "name"}:
        return []
    if c & {"name", "company"} and "address" in c:
        return [Evidence(f"{role}_name_address", 0.9,
                         f"words '{said}' + name and address in one column (first line or up to the legal form: "
                         "the name; the rest: the address)")]
    for attr, attr_words in _PARTY_ATTRIBUTES.items():
        if c & attr_words:
            if attr == "tax_id" or not c & (_NOT_THE_PARTY - {"code", "number"}):
                part = next(w for w in words.concepts if w in attr_words)
                score = 0.9 if attr != "address" or part == "address" else 0.8
                return [Evidence(f"{role}_{attr}", score, f"words '{said}' + '{part}'")]
    if c & {"taxid"}:
        return [Evidence(f"{role}_tax_id", 0.85, f"words '{said}' + tax id")]
    if c & _NOT_THE_PARTY:
        return []
    score = 0.95 if c & {"name", "company", "party"} else 0.85
    return [Evidence(f"{role}_name", score, f"party word '{said}'")]


def _has(c: frozenset[str], *groups: set[str]) -> bool:
    return all(c & g for g in groups)


def _field_evidence(words: HeaderWords) -> list[Evidence]:  # noqa: C901 - one rule per field, read top to bottom
    c = words.concept_set
    out: list[Evidence] = []

    def add(target: str, score: float, why: str) -> None:
        out.append(Evidence(target, score, why))

    roleless = _role(c) is None
    if "date" in c or ("arrival" in c and len(c) <= 2):
        score = 0.9 + 0.05 * bool(c & {"actual", "arrival"}) - 0.15 * bool(c & {"estimated", "payment", "invoice"})
        add("date", score, "word 'date'" if "date" in c else "word 'arrival'")
    if "hs" in c or _has(c, {"tariff", "harmonized"}) and not c & {"value", "description"}:
        add("hs_code", 0.95, "HS/tariff words")
    elif _has(c, {"commodity", "product", "customs", "goods"}, {"code", "number"}) and not c & {"description"}:
        add("hs_code", 0.8, "commodity/product + code")
    goods = c & {"description", "goods", "product", "commodity", "item"}
    if goods and not c & {"code", "number", "id", "value", "amount", "price", "weight", "quantity", "unit",
                          "hs", "tariff", "country", "origin", "type", "packages"}:
        strong = "description" in goods or len(goods) > 1 or "shipped" in c
        add("description", 0.9 if strong else 0.75, f"goods word(s) {', '.join(sorted(goods))}")
    if (c & {"quantity", "packages"} or "count" in c and not c & {"container"}) \
            and not c & {"unit", "type", "weight", "value"}:
        add("quantity", 0.88 if "quantity" in c else 0.8, "word 'quantity'" if "quantity" in c else "packages/count")
    if c & {"unit"} and not c & {"weight", "value", "price"}:
        add("quantity_unit", 0.8 if c & {"quantity", "packages"} or c == {"unit"} else 0.65, "word 'unit'")
    if c & {"packages"} and "type" in c:
        add("quantity_unit", 0.75, "package type")
    if (c & {"weight"} or words.raw in (["kg"], ["kgs"], ["lb"], ["lbs"])) and not c & {"value", "price"}:
        if "unit" in c:
            add("weight_unit", 0.9, "words 'weight' + 'unit'")
        else:
            add("weight", 0.9 - 0.1 * ("net" in c) + 0.03 * ("gross" in c), "word 'weight'")
    money = c & {"value", "amount", "price", "fob", "cif"}
    if money and not c & {"weight", "quantity", "unit", "hs"} - {"value"} and roleless:
        add("value_usd", 0.85 if c & {"value", "fob", "cif", "amount"} else 0.7, f"word '{sorted(money)[0]}'")
    port = c & {"port", "place"} or c & {"customs"}
    if port:
        if c & {"lading", "origin", "export", "departure", "foreign"}:
            add("port_of_lading", 0.9, "port + lading/origin words")
        elif c & {"unlading", "destination", "arrival", "import", "entry", "us"} or c == {"customs"}:
            add("port_of_unlading", 0.9 if "customs" not in c else 0.7, "port + unlading/destination words")
        elif "receipt" in c:
            add("place_of_receipt", 0.9, "place of receipt")
    elif c & {"lading"} and not c & {"bill"}:
        add("port_of_lading", 0.7, "word 'lading'")
    elif c & {"unlading"}:
        add("port_of_unlading", 0.7, "word 'unlading'")
    elif "receipt" in c:
        add("place_of_receipt", 0.8, "word 'receipt'")
    if not port and roleless and not c & {"date", "port", "value", "code"} - {"code"}:
        country = "country" in c
        if c & {"origin", "export", "departure"} and not c & {"destination", "import"}:
            add("country_of_origin", 0.9 if country else 0.6, "country + origin/export words" if country
                else "origin words (country expected in the values)")
        elif c & {"destination", "import"}:
            add("destination_country", 0.9 if country else 0.6, "country + destination/import words" if country
                else "destination words (country expected in the values)")
    if "vessel" in c or ("ship" in c and "name" in c) or words.raw == ["ship"]:
        if not c & {"registered", "country", "code", "type"}:
            add("vessel", 0.85, "word 'vessel'")
    if "carrier" in c and not c & {"address", "city", "state", "zip", "name", "country"} - {"name"}:
        add("carrier", 0.85, "word 'carrier'")
    if "container" in c and not c & {"type", "size", "seal", "count"} and words.raw[:2] != ["no", "of"]:
        add("container", 0.85, "word 'container'")
    if "bill" in c and "lading" in c:
        if "master" in c:
            add("master_bol", 0.9, "master bill of lading")
        elif "house" in c:
            add("house_bol", 0.9, "house bill of lading")
        elif "date" not in c and "type" not in c:
            add("record_id", 0.8, "bill of lading number (the record's id when unique)")
            add("house_bol", 0.75, "bill of lading number")
    if roleless and "bill" in c and "lading" not in c and c & {"id", "number"}:
        add("record_id", 0.8, "bill number")
    if roleless and (_has(c, {"declaration", "record", "entry", "shipment", "transaction"}, {"number", "id"})
                     or c & {"declaration"} and len(c) == 1 or words.raw in (["id"], ["identifier"])):
        add("record_id", 0.9 if words.raw in (["id"], ["identifier"]) or "record" in c else 0.85,
            "record id" if words.raw in (["id"], ["identifier"]) or "record" in c else "declaration/record number")
    return out


@functools.lru_cache(maxsize=4096)
def header_evidence(header: str) -> tuple[Evidence, ...]:
    """Every target the header suggests, strongest first (``declarant_tax_id``: a tax id with no party).

    Examples
    --------
    >>> [(e.target, e.score) for e in header_evidence("Goods Shipped")]
    [('description', 0.9)]
    >>> header_evidence("Overseas Buyer")[0].target, header_evidence("Port of Departure")[0].target
    ('consignee_name', 'port_of_lading')
    """
    words = header_words(header)
    found = _party_evidence(words) + _field_evidence(words)
    if words.read_as:
        fixes = ", ".join(f"'{a}' read as '{b}'" for a, b in words.read_as.items())
        found = [Evidence(e.target, round(e.score - 0.05, 3), f"{e.reason} ({fixes})") for e in found]
    if "raw" in words.concepts:  # "RAW SHIPPER NAME" beside "SHIPPER NAME": the cleaned column first
        found = [Evidence(e.target, round(e.score - 0.1, 3), f"{e.reason} (a raw variant)") for e in found]
    best: dict[str, Evidence] = {}
    for e in found:
        if e.target not in best or e.score > best[e.target].score:
            best[e.target] = Evidence(e.target, round(min(e.score, 1.0), 3), e.reason)
    return tuple(sorted(best.values(), key=lambda e: -e.score))
