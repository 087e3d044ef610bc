"""What a column's values look like, measured on a bounded sample, and how well they fit each target.

:func:`profile_sql` is one set-based query over a sample table (every column text): per column, how many
values are HS-like digits, dates in any common order or separator (the same parser the load uses), ISO
country codes or names (the load's country table), numbers (thousands separators allowed), weights,
e-mail addresses, phone numbers, identifiers, short unit codes, free text and company names, and whether
values repeat. :func:`content_fit` turns that into a 0–1 fit for one target with a reason. The store runs
the query (ingest executes no SQL); nothing here reads a whole file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tracekit.ingest.codes import COUNTRY_TABLE, country_key_sql
from tracekit.ingest.dates import MONTHS
from tracekit.ingest.numbers import NUMBER, UNIT_FACTORS, WEIGHT

__all__ = ["ColumnProfile", "profile_sql", "profiles_from_rows", "content_fit", "SAMPLE_ROWS", "CURRENCY_CODES"]

SAMPLE_ROWS = 2000
"""Rows a mapping looks at (start, middle and end of a file): enough to judge a column, never a full scan."""

CURRENCY_CODES = ("USD", "INR", "MXN", "CNY", "RMB", "EUR", "GBP", "JPY", "KRW", "BRL", "CAD", "HKD", "TWD",
                  "VND", "THB", "IDR", "MYR", "PEN", "COP", "CLP", "ARS", "TRY", "RUB", "AUD")
_LEGAL_FORMS = (r"\b(LTD|LIMITED|LLC|L\.L\.C|INC|CORP|CORPORATION|CO|COMPANY|GMBH|AG|S\.?A\.?|SA DE CV|"
                r"S\.? ?DE R\.?L|PVT|PTE|SDN BHD|BHD|JSC|OOO|SRL|SAS|BV|NV|PLC|KG|SPA|LLP|TRADING|INDUSTRIES|"
                r"CHEMICAL|CHEMICALS|GROUP|ENTERPRISES?|INTERNATIONAL|IMPORTS?|EXPORTS?)\b")
_STREET = (r"\b(RD|ROAD|ST|STREET|AVE|AVENUE|AV|BLVD|NO|FLOOR|FLR|FLAT|ROOM|RM|BLDG|BUILDING|SUITE|STE|CALLE|COL|"
           r"ZONE|DISTRICT|PLOT|LOT|HIGHWAY|HWY|KM|PO BOX|ZIP|C\.P)\b")
# One pattern for every date form the loader reads (tracekit.ingest.dates), with months, days and years in
# range: a probe, cheap to plan, where the loader's full parser is ~100x costlier to compile.
_MONTH, _DAY, _YEAR = r"(0?[1-9]|1[0-2])", r"(0?[1-9]|[12][0-9]|3[01])", r"(19[0-9]{2}|20[0-9]{2}|2100)"
_MON = "(" + "|".join(MONTHS) + ")[A-Z]*\\.?"
_DATE_PROBE = "|".join([
    rf"{_YEAR}[-/]{_MONTH}[-/]{_DAY}([ T].*)?", rf"{_YEAR}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])",
    rf"{_DAY}[/.-]{_DAY}[/.-]{_YEAR}([ T].*)?", rf"{_DAY}[-/. ]*{_MON}[-/. ,]*{_YEAR}", rf"{_MON}[ -]+{_DAY},?[ -]+{_YEAR}",
])
DISTINCT_TESTED = 400
"""Distinct values tested per column (the most frequent; shares are weighted by frequency): bounds the cost
of profiling a column of names or ids to a few hundred regex tests, whatever the sample size."""
_STATS = ("n", "distinct_n", "hs", "hs_shape", "address", "date", "country", "number", "weight", "weight_unit", "email", "phone",
          "idlike", "unitlike", "container", "text", "company", "letters", "currency_other", "avg_len")


@dataclass
class ColumnProfile:
    """Shares (0–1) of a column's non-empty sample values that look like each kind of value."""

    column: str
    rows: int = 0
    n: int = 0
    distinct_n: int = 0
    hs: float = 0.0
    hs_shape: float = 0.0  # written the way HS codes are: 2933.39, 2933.39.90, 293339, 2933399000
    address: float = 0.0  # street, building, floor or district words
    date: float = 0.0
    country: float = 0.0
    number: float = 0.0
    weight: float = 0.0
    weight_unit: float = 0.0
    email: float = 0.0
    phone: float = 0.0
    idlike: float = 0.0
    unitlike: float = 0.0
    container: float = 0.0
    text: float = 0.0
    company: float = 0.0
    letters: float = 0.0
    currency_other: float = 0.0
    avg_len: float = 0.0
    currency: str | None = None  # the currency code written in the values, when one is
    samples: list[str] = field(default_factory=list)

    @property
    def unique(self) -> bool:
        return self.n > 0 and self.distinct_n == self.n


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def profile_sql(table: str) -> str:
    """One query profiling every column of ``table`` (all text): a row per column, in :data:`_STATS` order
    after ``column`` and ``rows``, then the most common currency code. Needs the country lookup table."""
    # Each distinct value is tested once (weighted by how often it occurs), and the costly parsers run only
    # on values a cheap test lets through: names and descriptions never reach the date or number parsers.
    v, u = "v", "upper(v)"
    units = ", ".join(_q(x) for x in UNIT_FACTORS)
    share = "(sum(CASE WHEN {} THEN k ELSE 0 END) / sum(k))"
    currency = "regexp_extract(upper(v), '\\b(" + "|".join(CURRENCY_CODES) + ")\\b', 1)"
    digit_first = f"(ascii({v}) BETWEEN 48 AND 57)"
    first_code = f"trim(regexp_replace({v}, '[,;|/].*$', ''))"
    numeric_start = f"({digit_first} OR ascii({v}) IN (36, 43, 45) OR starts_with({u}, 'US'))"
    exprs = {
        "n": "any_value(nn)",
        "distinct_n": "any_value(dn)",
        # A cell may list several codes ("2933.39; 2921.42"): the loader keeps the first, so judge the first.
        "hs": share.format(f"{digit_first} AND regexp_full_match({first_code}, '[0-9][0-9 .\\-]{{3,16}}') "
                           f"AND strlen(regexp_replace({first_code}, '[^0-9]', '', 'g')) BETWEEN 4 AND 14"),
        "hs_shape": share.format(f"regexp_full_match({first_code}, '[0-9]{{4}}[.][0-9]{{2}}([.][0-9]{{2,4}})?|[0-9]{{6}}|"
                                 f"[0-9]{{8}}|[0-9]{{10}}')"),
        "address": share.format(f"regexp_matches({u}, {_q(_STREET)})"),
        "date": share.format(f"strlen({v}) BETWEEN 6 AND 40 AND regexp_full_match({u}, {_q(_DATE_PROBE)})"),
        "country": share.format(f"strlen({v}) <= 60 AND NOT regexp_matches({v}, '[0-9]') AND "  # noqa: S608
                                f"{country_key_sql(v)} IN (SELECT key FROM {COUNTRY_TABLE})"),
        "number": share.format(f"{numeric_start} AND regexp_matches({u}, {_q(NUMBER)})"),
        "weight": share.format(f"{numeric_start} AND regexp_matches({u}, {_q(WEIGHT)}) AND "
                               f"regexp_extract({u}, {_q(WEIGHT)}, 3) IN ('', {units})"),
        "weight_unit": share.format(f"rtrim({u}, '.') IN ({units})"),
        "email": share.format(f"regexp_full_match({v}, '[^@\\s]+@[^@\\s]+\\.[A-Za-z]{{2,}}')"),
        "phone": share.format(f"regexp_full_match({v}, '(TEL:?\\s*)?[+(]?[0-9][0-9 ().\\-/]{{5,}}(\\s*(EXT|X)\\.?\\s*[0-9]+)?') "
                              f"AND strlen(regexp_replace({v}, '[^0-9]', '', 'g')) >= 7"),
        "idlike": share.format(f"regexp_full_match({u}, '[A-Z0-9&Ñ][A-Z0-9&Ñ\\-/. ]{{1,40}}') AND regexp_matches({v}, "
                               f"'[0-9]') AND strlen({v}) - strlen(replace({v}, ' ', '')) <= 8"),
        "unitlike": share.format(f"regexp_full_match({u}, '([A-Z]{{1,6}}|\\p{{Han}}{{1,3}})\\.?')"),
        "container": share.format(f"regexp_full_match(replace({u}, ' ', ''), '[A-Z]{{4}}[0-9]{{6,7}}')"),
        # Non-ASCII text (Han, accented names) counts as letters: a byte/character count test, far cheaper to
        # plan than a Unicode letter class.
        "text": share.format(f"(regexp_matches({v}, '[A-Za-z]{{3}}') OR strlen({v}) > length({v})) AND "
                             f"(strlen({v}) >= 15 OR regexp_matches({v}, '\\S+\\s+\\S+\\s+\\S+'))"),
        "company": share.format(f"regexp_matches({u}, {_q(_LEGAL_FORMS)})"),
        "letters": share.format(f"(regexp_matches({v}, '[A-Za-z]') OR strlen({v}) > length({v})) AND NOT "
                                f"regexp_full_match({v}, '[0-9 .,:/\\-]+')"),
        "currency_other": share.format(f"{currency} NOT IN ('', 'USD')"),
        "avg_len": f"sum(length({v}) * k) / sum(k)",
    }
    stats = ",\n  ".join(f"{e} AS {k}" for k, e in exprs.items())
    return (f"SELECT col, (SELECT count(*) FROM {table}) AS rows,\n  {stats},\n"  # noqa: S608
            f"  arg_max({currency}, k) FILTER (WHERE {currency} <> '') AS currency\n"
            f"FROM (SELECT *, count(*) OVER w AS dn, sum(k) OVER w AS nn, row_number() OVER (w ORDER BY k DESC, v) AS r "
            f"FROM (SELECT col, trim(val) AS v, count(*) AS k FROM (UNPIVOT {table} ON COLUMNS(*) INTO NAME col "
            f"VALUE val) WHERE trim(val) <> '' GROUP BY col, v) WINDOW w AS (PARTITION BY col))\n"
            f"WHERE r <= {DISTINCT_TESTED} GROUP BY col")


def profiles_from_rows(rows: list[tuple], columns: list[str], samples: dict[str, list[str]] | None = None
                       ) -> dict[str, ColumnProfile]:
    """:class:`ColumnProfile` per column from the rows of :func:`profile_sql` (empty columns included)."""
    samples = samples or {}
    total = rows[0][1] if rows else 0
    out = {c: ColumnProfile(c, rows=total, samples=samples.get(c, [])) for c in columns}
    for row in rows:
        col, total, *values, currency = row
        if col not in out:
            continue
        profile = out[col]
        profile.rows = int(total)
        for name, value in zip(_STATS, values, strict=True):
            setattr(profile, name, float(value or 0) if name not in ("n", "distinct_n") else int(value or 0))
        profile.currency = currency or None
    return out


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _kind(target: str) -> str:
    if target.endswith("_country") or target == "country_of_origin":
        return "country"
    for suffix in ("_name", "_address", "_phone", "_email", "_contact", "_tax_id"):
        if target.endswith(suffix):
            return suffix[1:]
    return target


def content_fit(target: str, p: ColumnProfile) -> tuple[float, str]:  # noqa: C901 - one rule per kind
    """How well a column's sample values fit ``target``: (0–1, reason). Below 0.5 the values contradict it.

    Examples
    --------
    >>> content_fit("date", ColumnProfile("d", rows=10, n=10, distinct_n=9, date=0.2))
    (0.2, 'only 20% of 10 sample values read as dates')
    """
    if p.n == 0:
        return 0.6, "empty in the sample"
    kind = _kind(target)
    of = f"of {p.n:,} sample values"

    def need(share: float, what: str) -> tuple[float, str]:
        if share >= 0.5:
            return share, f"{_pct(share)} {of} are {what}"
        return share, f"only {_pct(share)} {of} read as {what}"

    if kind == "date":
        return need(p.date, "dates")
    if kind == "hs_code":
        return need(p.hs, "HS-like digit codes")
    if kind == "country":
        return need(p.country, "ISO country codes or names")
    if kind in ("value_usd", "quantity"):
        return need(p.number, "numbers")
    if kind == "weight":
        return need(p.weight, "weights")
    if kind == "email":
        return need(p.email, "e-mail addresses")
    if kind == "phone":
        return need(p.phone, "phone numbers")
    if kind == "contact":
        return need(p.email + p.phone, "phone numbers or e-mail addresses")
    if kind == "weight_unit":
        return need(p.weight_unit, "weight units")
    if kind == "quantity_unit":
        return need(max(p.unitlike, p.weight_unit), "short unit codes")
    if kind == "description":
        fit, why = need(p.text, "free text")
        return (fit if p.avg_len >= 10 else fit * 0.6), why + f" (average {p.avg_len:.0f} characters)"
    if kind == "name":
        if p.number > 0.5 or p.date > 0.5:
            return 1 - max(p.number, p.date), f"{_pct(max(p.number, p.date))} {of} are numbers or dates"
        extra = f"; {_pct(p.company)} look like company names" if p.company >= 0.2 else ""
        return max(p.letters, 0.0), f"{_pct(p.letters)} {of} are text{extra}"
    if kind == "address":  # street, city, state or postcode: any text or number
        return need(max(p.letters, p.idlike, p.number), "address parts")
    if kind in ("port_of_lading", "port_of_unlading", "place_of_receipt", "vessel", "carrier"):
        return need(p.letters, "text")
    if kind in ("record_id", "house_bol", "master_bol", "tax_id", "container"):
        fit, why = need(max(p.idlike, p.container), "identifiers")
        if kind == "container" and p.container >= 0.5:
            return p.container, f"{_pct(p.container)} {of} are ISO 6346 container numbers"
        return fit, why
    return 1.0, "no content test"
