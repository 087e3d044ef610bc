"""Legal form → the jurisdictions that register it: evidence that two names cannot be one company.

One company has one legal form. Its spellings vary ("Co., Ltd." / "Company Limited" / "有限公司"; "Inc." /
"Incorporated"), and exporters' English renderings borrow forms across borders (a Japanese "Inc.", a
Taiwanese "Corp."), so a form is read as the *set of jurisdictions* whose firms write it. Two forms whose
sets do not intersect cannot name one company ("S.A. de C.V." is Mexican, Salvadoran or Honduran; "Inc."
is not); a form whose set omits the other side's stated country is weak evidence against the pair.

rigour's organisation-type database (``rigour.names.org_types``, built from OCCRP's list, ISO 20275 and
Wikipedia) gives each form a compare form and a generic class (LLC, JSC …) but no jurisdiction, so the
table below is ours. Sources:

* ISO 20275 *Entity Legal Forms (ELF) code list*, GLEIF, version 1.5 (2023), which lists every
  registered legal form with its jurisdiction and local abbreviations:
  https://www.gleif.org/en/about-lei/code-lists/iso-20275-entity-legal-forms-code-list
* Wikipedia, *List of legal entity types by country*, for the English renderings exporters write on
  bills of lading (Co., Ltd. in CN/TW/KR/JP/TH/VN; Pvt. Ltd. in South Asia; JSC for the CIS and Viet Nam).

Sets are ISO 3166-1 alpha-2. A form is matched on the ASCII upper-case name with full stops removed and
other punctuation spaced ("S.A. de C.V." → "SA DE CV", "Co., Ltd." → "CO LTD"), as a whole-token run at
the end of the name (prefix forms such as "PT", "OOO", "JSC" at the start); Han and Hangul forms anywhere.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tracekit.resolve.normalize import ascii_text  # rigour's, cached word by word

__all__ = ["jurisdictions", "LEGAL_FORM_JURISDICTIONS", "LEGAL_TOKENS", "relation"]

_CIS = {"RU", "BY", "KZ", "UZ", "KG", "TJ", "TM", "AZ", "AM", "GE", "MD", "UA", "MN"}
_GERMANIC = {"DE", "AT", "CH", "LI"}
_MX_CV = {"MX", "SV", "HN"}  # "de C.V." (capital variable): Mexico, El Salvador, Honduras
_LATAM = {"MX", "GT", "SV", "HN", "NI", "CR", "PA", "CU", "DO", "PR", "CO", "VE", "EC", "PE", "BO", "CL",
          "AR", "UY", "PY", "BR"}
_ROMANCE_EUROPE = {"ES", "FR", "BE", "LU", "CH", "PT", "IT", "RO", "MC", "AD"}
_FRANCOPHONE_AFRICA = {"MA", "TN", "DZ", "SN", "CI", "CM", "BJ", "BF", "ML", "NE", "TG", "GA", "CG", "CD", "MG"}
_EAST_ASIA_CO_LTD = {"CN", "HK", "MO", "TW", "KR", "JP", "TH", "VN", "MM", "KH", "LA", "MN"}
_ANGLO_AFRICA = {"NG", "GH", "KE", "TZ", "UG", "ZM", "MW", "SL", "LR", "GM", "RW", "ET"}
_SOUTH_ASIA_PVT = {"IN", "PK", "LK", "BD", "NP", "ZW"}
_GULF = {"AE", "OM", "QA", "SA", "BH", "KW", "JO", "EG", "IQ", "LB", "YE"}
# "Ltd"/"Limited": every common-law jurisdiction plus the Asian ones whose firms render their form so.
_LIMITED = (_EAST_ASIA_CO_LTD | _ANGLO_AFRICA | _SOUTH_ASIA_PVT | _GULF
            | {"GB", "IE", "IM", "JE", "GG", "GI", "MT", "CY", "IL", "SG", "MY", "BN", "ID", "PH", "AU", "NZ",
               "PG", "FJ", "ZA", "NA", "BW", "CA", "JM", "TT", "BS", "BB", "BZ", "BM", "KY", "VG", "AG",
               "MU", "SC", "SZ", "LS", "TR"})
_CORPORATE_US = {"US", "CA", "PH", "JP", "KR", "TW", "PA", "LR", "PR"}

# (form as normalised tokens, jurisdictions). Longer forms are tried first.
LEGAL_FORM_JURISDICTIONS: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in {
    # Mexico and Central America
    "SA DE CV": _MX_CV, "SACV": _MX_CV, "S A DE C V": _MX_CV, "SAPI DE CV": {"MX"},
    "S DE RL DE CV": _MX_CV, "SRL DE CV": _MX_CV, "S DE RL": {"MX", "HN", "GT", "SV", "NI", "PA"},
    "SOCIEDAD ANONIMA DE CAPITAL VARIABLE": _MX_CV,
    # Latin forms
    "SA": _LATAM | _ROMANCE_EUROPE | _FRANCOPHONE_AFRICA | {"PL", "GR"}, "S A": _LATAM | _ROMANCE_EUROPE,
    "SOCIEDAD ANONIMA": _LATAM | {"ES"}, "SAS": {"FR", "CO", "AR", "UY", "EC"} | _FRANCOPHONE_AFRICA,
    "SAC": {"PE"}, "SAA": {"PE"}, "EIRL": {"PE", "CL", "FR"}, "CA": {"VE", "EC"},
    "LTDA": {"BR", "CO", "CL", "EC", "PE", "BO", "UY", "PY", "PT", "AO", "MZ"},
    "CIA LTDA": {"BR", "CO", "CL", "EC", "PE", "BO", "UY", "PY"}, "LDA": {"PT", "AO", "MZ", "CV"},
    "SRL": {"IT", "RO", "MD", "AR", "UY", "PE", "BO", "BE", "DO", "CR", "PY", "VE", "EC"},
    "SPA": {"IT", "CL"}, "SL": {"ES"}, "SLU": {"ES"}, "SAU": {"ES", "AR"},
    "SARL": {"FR", "LU", "CH", "MA", "TN", "DZ", "LB"} | _FRANCOPHONE_AFRICA,
    # German-speaking and northern Europe
    "GMBH": _GERMANIC, "GMBH CO KG": {"DE", "AT"}, "GMBH AND CO KG": {"DE", "AT"}, "KG": _GERMANIC,
    "AG": _GERMANIC, "UG": {"DE"}, "EK": {"DE"}, "KGAA": {"DE", "AT"},
    "BV": {"NL", "BE", "SR", "CW", "AW"}, "B V": {"NL", "BE", "SR", "CW", "AW"}, "NV": {"NL", "BE", "SR", "CW", "AW"}, "VOF": {"NL"},
    "AB": {"SE", "FI"}, "OY": {"FI"}, "OYJ": {"FI"}, "APS": {"DK"}, "A S": {"DK", "NO"},
    "AS": {"TR", "NO", "DK", "CZ", "SK", "EE"}, "ASA": {"NO"},
    # Central and eastern Europe
    "SP Z OO": {"PL"}, "SPZOO": {"PL"}, "SP ZOO": {"PL"}, "SRO": {"CZ", "SK"}, "S R O": {"CZ", "SK"},
    "KFT": {"HU"}, "ZRT": {"HU"}, "NYRT": {"HU"}, "DOO": {"HR", "SI", "RS", "BA", "ME", "MK"},
    "D O O": {"HR", "SI", "RS", "BA", "ME", "MK"}, "DOOEL": {"MK"}, "EOOD": {"BG"}, "OOD": {"BG"},
    "EAD": {"BG"}, "SIA": {"LV"}, "UAB": {"LT"}, "OU": {"EE"},
    # Turkey
    "LTD STI": {"TR"}, "LTD SIRKETI": {"TR"}, "LIMITED SIRKETI": {"TR"}, "STI": {"TR"},
    "TIC LTD STI": {"TR"}, "SAN VE TIC LTD STI": {"TR"}, "SANAYI VE TICARET": {"TR"},
    "SANAYI VE TICARET AS": {"TR"}, "SAN VE TIC AS": {"TR"}, "ANONIM SIRKETI": {"TR"},
    # CIS and Viet Nam
    "JSC": _CIS | {"VN", "LA", "KH"}, "OJSC": _CIS, "PJSC": _CIS, "CJSC": _CIS,
    "JOINT STOCK COMPANY": _CIS | {"VN", "LA", "KH"}, "OAO": _CIS, "ZAO": _CIS, "PAO": _CIS, "OOO": _CIS,
    "TOO": {"KZ"}, "TOV": {"UA"}, "TNHH": {"VN"}, "CONG TY TNHH": {"VN"}, "CO PHAN": {"VN"},
    # Common law and its Asian renderings
    "LTD": _LIMITED, "LIMITED": _LIMITED,
    "CO LTD": _EAST_ASIA_CO_LTD | _ANGLO_AFRICA, "CO LIMITED": _EAST_ASIA_CO_LTD | _ANGLO_AFRICA,
    "COMPANY LIMITED": _EAST_ASIA_CO_LTD | _ANGLO_AFRICA, "COLTD": _EAST_ASIA_CO_LTD | _ANGLO_AFRICA,
    "PUBLIC COMPANY LIMITED": {"TH"}, "PCL": {"TH"},
    "PVT LTD": _SOUTH_ASIA_PVT, "PVT LIMITED": _SOUTH_ASIA_PVT, "PRIVATE LIMITED": _SOUTH_ASIA_PVT,
    "PRIVATE LTD": _SOUTH_ASIA_PVT, "P LTD": _SOUTH_ASIA_PVT, "PVT": _SOUTH_ASIA_PVT,
    "PTE LTD": {"SG"}, "PTE LIMITED": {"SG"}, "PTE": {"SG"},
    "SDN BHD": {"MY", "BN"}, "BHD": {"MY", "BN"}, "BERHAD": {"MY", "BN"},
    "PTY LTD": {"AU", "ZA", "NA", "BW"}, "PTY LIMITED": {"AU", "ZA", "NA", "BW"}, "PTY": {"AU", "ZA", "NA", "BW"},
    "PLC": {"GB", "IE", "NG", "GH", "KE", "UG", "TZ", "ZM", "MW", "LK", "BD", "ET", "CY", "MT"},
    "PUBLIC LIMITED COMPANY": {"GB", "IE", "NG", "GH", "KE", "UG", "TZ", "LK", "BD", "CY", "MT"},
    "LLP": {"GB", "US", "IN", "KZ", "SG", "CA"},
    "INC": _CORPORATE_US, "INCORPORATED": _CORPORATE_US,
    "CORP": _CORPORATE_US, "CORPORATION": _CORPORATE_US,
    "LLC": {"US"} | _GULF | _CIS | {"VN"}, "L L C": {"US"} | _GULF | _CIS | {"VN"},
    "LIMITED LIABILITY COMPANY": {"US"} | _GULF | _CIS | {"VN"},
    "FZE": {"AE"}, "FZCO": {"AE"}, "FZ LLC": {"AE"}, "FZC": {"AE"}, "DMCC": {"AE"}, "WLL": {"BH", "KW", "QA"},
    "SAL": {"LB"}, "SAE": {"EG"}, "SAOG": {"OM"}, "SAOC": {"OM"},
    "TBK": {"ID"}, "KK": {"JP"}, "KABUSHIKI KAISHA": {"JP"}, "GODO KAISHA": {"JP"},
}.items()}

# Letters written apart ("S A S", "S R L", "N V"), as manifests do once full stops are dropped.
LEGAL_FORM_JURISDICTIONS.update({" ".join(form): sets for form, sets in list(LEGAL_FORM_JURISDICTIONS.items())
                                 if form.isalpha() and 2 <= len(form) <= 4 and " ".join(form) not in LEGAL_FORM_JURISDICTIONS})

# Forms that open a name ("PT KIMIA", "OOO ROMASHKA", "JSC AKRON").
_PREFIX_FORMS = {"PT": frozenset({"ID"}), "CV": frozenset({"ID"}), "OOO": LEGAL_FORM_JURISDICTIONS["OOO"],
                 "JSC": LEGAL_FORM_JURISDICTIONS["JSC"], "OJSC": LEGAL_FORM_JURISDICTIONS["OJSC"],
                 "PJSC": LEGAL_FORM_JURISDICTIONS["PJSC"], "CJSC": LEGAL_FORM_JURISDICTIONS["CJSC"],
                 "OAO": _CIS, "ZAO": _CIS, "PAO": _CIS, "AO": _CIS, "TOO": frozenset({"KZ"}),
                 "CONG TY TNHH": frozenset({"VN"}), "CONG TY": frozenset({"VN"}), "CTY": frozenset({"VN"})}

# Han and Hangul forms (anywhere in the name).
_PREFIX_FORMS = {form: frozenset(sets) for form, sets in _PREFIX_FORMS.items()}

_SCRIPT_FORMS = (
    ("株式会社", frozenset({"JP"})), ("有限会社", frozenset({"JP"})), ("合同会社", frozenset({"JP"})),
    ("주식회사", frozenset({"KR"})), ("유한회사", frozenset({"KR"})),
    ("有限公司", frozenset({"CN", "HK", "MO", "TW"})), ("有限責任公司", frozenset({"CN", "HK", "MO", "TW"})),
    ("有限责任公司", frozenset({"CN"})), ("股份有限公司", frozenset({"CN", "HK", "MO", "TW"})),
)

# One-word forms, lower case: never a word that names the company ("ALTAVIA SAC" / "ALTAVIA S.A.C.").
LEGAL_TOKENS = frozenset(f.lower() for f in LEGAL_FORM_JURISDICTIONS if " " not in f) - {"limited", "corporation"}

_SUFFIXES = sorted(LEGAL_FORM_JURISDICTIONS, key=lambda f: (-len(f.split()), -len(f)))
_PREFIXES = sorted(_PREFIX_FORMS, key=lambda f: (-len(f.split()), -len(f)))


def _by_word(forms: list[str], table: dict[str, frozenset[str]], last: bool) -> dict[str, list]:
    """Forms indexed by their last (or first) word, each list in the order of ``forms``: only forms
    ending (starting) with a name's last (first) token can match it, and the first that does wins."""
    index: dict[str, list] = {}
    for form in forms:
        words = form.split()
        index.setdefault(words[-1] if last else words[0], []).append((words, table[form]))
    return index


_SUFFIX_INDEX = _by_word(_SUFFIXES, LEGAL_FORM_JURISDICTIONS, last=True)
_PREFIX_INDEX = _by_word(_PREFIXES, _PREFIX_FORMS, last=False)
_PUNCT = re.compile(r"[^A-Z0-9]+")
_NOISE_TAIL = {"THE", "AND", "Y", "E", "DE"}


def _tokens(name: str) -> list[str]:
    text = ascii_text(name).upper().replace(".", "").replace("&", " AND ")
    return _PUNCT.sub(" ", text).split()


@lru_cache(maxsize=200_000)
def jurisdictions(name: str | None) -> frozenset[str]:
    """The jurisdictions whose legal form ``name`` carries (empty when it carries none we know).

    Several forms in one name narrow the set ("GmbH & Co. KG"); a prefix form counts as well.

    Examples
    --------
    >>> sorted(jurisdictions("Ember Quartz Chemical S.A. de C.V."))
    ['HN', 'MX', 'SV']
    >>> "IN" in jurisdictions("Cobalt Birch Plastics Pvt. Ltd."), "IN" in jurisdictions("Cobalt Birch Co., Ltd.")
    (True, False)
    >>> sorted(jurisdictions("Akkaya Kimya Ltd. Şti.")), sorted(jurisdictions("PT Kimia Farma Tbk"))
    (['TR'], ['ID'])
    >>> jurisdictions("Harbor Quartz Textiles")
    frozenset()
    >>> jurisdictions("Química Penavia S A S") == jurisdictions("Química Penavia S.A.S.")
    True
    """
    if not name:
        return frozenset()
    found: list[frozenset[str]] = [] if name.isascii() else [sets for form, sets in _SCRIPT_FORMS if form in name]
    tokens = _tokens(name)
    for _ in range(3):  # "… SANAYI VE TICARET A.S." / "… CO., LTD." : peel up to three forms off the end
        while len(tokens) > 1 and tokens[-1] in _NOISE_TAIL:
            tokens.pop()
        for words, sets in _SUFFIX_INDEX.get(tokens[-1], ()) if tokens else ():
            if len(tokens) > len(words) and tokens[-len(words):] == words:
                found.append(sets)
                del tokens[-len(words):]
                break
        else:
            break
    for words, sets in _PREFIX_INDEX.get(tokens[0], ()) if tokens else ():
        if len(tokens) > len(words) and tokens[:len(words)] == words:
            found.append(sets)
            break
    if not found:
        return frozenset()
    narrowed = frozenset.intersection(*found)
    return narrowed or found[0]


def relation(x: frozenset[str], y: frozenset[str]) -> int:
    """-1 no form on one side; 0 the same jurisdictions; 1 overlapping; 2 disjoint (a contradiction).

    Examples
    --------
    >>> relation(jurisdictions("A Co., Ltd."), jurisdictions("A Company Limited"))
    0
    >>> relation(jurisdictions("A Co., Ltd."), jurisdictions("A Limited"))
    1
    >>> relation(jurisdictions("A Co., Ltd."), jurisdictions("A Pvt. Ltd.")), relation(frozenset(), frozenset({"MX"}))
    (2, -1)
    """
    if not x or not y:
        return -1
    if x == y:
        return 0
    return 1 if x & y else 2
