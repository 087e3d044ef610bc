"""A party written as name and address in one column (the bill of lading's "Shipper (name and address)" box).

The box is usually copied line by line: the first line is the name, the rest the address. Written on
one line, the name ends with its legal form (``CO., LTD.``, ``S.A. DE C.V.``, ``PVT LTD``, ``INC``…) and
the address follows; with no line break and no legal form the whole text is taken as the name (nothing
is dropped: the raw table keeps the cell as written). :func:`split_name_address` is the reference,
:func:`name_address_sql` the SQL the load runs; a test checks they agree.
"""

from __future__ import annotations

import re

__all__ = ["split_name_address", "name_address_sql", "LEGAL_FORM"]

LEGAL_FORM = (r"(?:CO|COMPANY|CORP|CORPORATION|INC|INCORPORATED|LTD|LIMITED|LLC|L\.L\.C|LLP|PLC|GMBH|AG|KG|SA|S\.A|"
              r"S\.A\. DE C\.V|SA DE CV|S DE RL|S\. DE R\.L|DE C\.V|DE CV|PVT|PTE|SDN BHD|BHD|JSC|OOO|SRL|SAS|BV|NV|"
              r"SPA|S\.P\.A|KK|PTY)")
# The shortest text ending in a run of legal forms, then separators, then the rest.
_ONE_LINE = rf"^(.*?\b{LEGAL_FORM}(?:[ .,]+{LEGAL_FORM})*\.?)[ ,;]+(.+)$"
_STARTS_LEGAL = rf"^{LEGAL_FORM}\b"  # "… S.A. de C.V." must not split into "… S.A." + "de C.V."


def _clean(text: str) -> str:
    return text.replace("\r", "").strip(" ")


def split_name_address(text: str | None) -> tuple[str | None, str | None]:
    """(name, address) of a name-and-address cell.

    Examples
    --------
    >>> split_name_address("ACME CHEMICAL CO., LTD.\\nNO. 5 HUAIHAI RD\\nSHANGHAI 200000, CHINA")
    ('ACME CHEMICAL CO., LTD.', 'NO. 5 HUAIHAI RD, SHANGHAI 200000, CHINA')
    >>> split_name_address("Quimica del Norte S.A. de C.V., Av. Industrial 200, Monterrey")
    ('Quimica del Norte S.A. de C.V.', 'Av. Industrial 200, Monterrey')
    >>> split_name_address("JOHN SMITH TRADING")
    ('JOHN SMITH TRADING', None)
    """
    if text is None:
        return None, None
    value = _clean(text)
    if not value:
        return None, None
    if "\n" in value:
        first, rest = value.split("\n", 1)
        address = re.sub(r"\s*\n\s*", ", ", rest.strip(" ")) or None
        return first.strip(" ") or None, address
    m = re.match(_ONE_LINE, value, re.IGNORECASE | re.DOTALL)
    if m and not re.match(_STARTS_LEGAL, m[2].strip(" "), re.IGNORECASE):
        return m[1].strip(" "), m[2].strip(" ") or None
    return value, None


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def name_address_sql(column: str) -> tuple[str, str]:
    """SQL (name, address) computing :func:`split_name_address` of a text expression ``column``."""
    v = f"trim(replace({column}, chr(13), ''), ' ')"
    pattern = _q("(?is)" + _ONE_LINE)
    split = (f"(regexp_matches({v}, {pattern}) AND NOT regexp_matches(trim(regexp_extract({v}, {pattern}, 2), ' '), "
             f"{_q('(?i)' + _STARTS_LEGAL)}))")
    first = f"trim(split_part({v}, chr(10), 1), ' ')"
    rest = f"regexp_replace(trim(substr({v}, strpos({v}, chr(10)) + 1), ' '), '\\s*\\n\\s*', ', ', 'g')"
    name = (f"(CASE WHEN {v} = '' THEN NULL WHEN contains({v}, chr(10)) THEN nullif({first}, '') "
            f"WHEN {split} THEN trim(regexp_extract({v}, {pattern}, 1), ' ') ELSE {v} END)")
    address = (f"(CASE WHEN {v} = '' THEN NULL WHEN contains({v}, chr(10)) THEN nullif({rest}, '') "
               f"WHEN {split} THEN nullif(trim(regexp_extract({v}, {pattern}, 2), ' '), '') END)")
    return name, address
