"""Numbers and weights as trade records write them, to plain floats and kilograms.

Numbers: ``1200``, ``1,200.50`` (comma thousands), ``1.200,50`` (dot thousands, decimal comma),
``12,5`` (decimal comma), ``1.200.000`` (several dot groups: thousands), optionally signed or with a
currency mark (``$``, ``USD``). A single group of dots is a decimal point (``1.200`` is 1.2): the
ambiguity is resolved the way most trade extracts write it.

Weights: the number may carry its unit (``1,200 KG``) or the unit sits in its own column. Units:
``KG/KGS/K/KGM/KILO(S)`` (×1), ``LB/LBS/L/POUND(S)`` (×0.45359237), ``T/MT/TNE/TON(S)/TONNE(S)/TM``
(metric tonnes, ×1000), ``G/GR/GRM/GRAMS`` (×0.001). A value without any unit is taken as kilograms and
counted in the load report. Anything else is an unknown unit (``bad_weight``). A negative weight is
``negative_weight``.

Each function has a pure Python form and a SQL form; property tests check they agree.
"""

from __future__ import annotations

import re

from tracekit.ingest.sqltrim import trim_sql, trim_text

__all__ = [
    "NUMBER", "WEIGHT", "UNIT_FACTORS", "parse_number", "number_sql", "parse_weight", "weight_sql",
    "weight_problem_sql", "weight_unit_assumed_sql",
]

NUMBER = r"^([+-]?)\s*(?:US\$|USD|\$)?\s*([0-9][0-9.,]*)\s*(?:USD)?$"
WEIGHT = r"^([+-]?)\s*([0-9][0-9.,]*)\s*([A-Z]*)\.?$"
_COMMA_THOUSANDS = r"^[0-9]{1,3}(,[0-9]{3})+$"
_DOT_THOUSANDS = r"^[0-9]{1,3}(\.[0-9]{3}){2,}$"

UNIT_FACTORS: dict[str, float] = {
    **dict.fromkeys(["KG", "KGS", "K", "KGM", "KILO", "KILOS", "KILOGRAM", "KILOGRAMS", "KILOGRAMOS"], 1.0),
    **dict.fromkeys(["LB", "LBS", "L", "POUND", "POUNDS", "LIBRAS"], 0.45359237),
    **dict.fromkeys(["T", "MT", "TNE", "TON", "TONS", "TONNE", "TONNES", "TM", "TONELADAS"], 1000.0),
    **dict.fromkeys(["G", "GR", "GRM", "GRS", "GRAMS", "GRAMOS"], 0.001),
}


def _full(pattern: str, value: str) -> re.Match | None:
    return re.fullmatch(pattern, value, re.ASCII)


def _digits_to_float(sign: str, digits: str) -> float | None:
    """The shared separator rules (see module docstring)."""
    if "," in digits and "." in digits:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        digits = digits.replace(thousands, "").replace(decimal, ".")
    elif "," in digits:
        digits = digits.replace(",", "") if _full(_COMMA_THOUSANDS, digits) else digits.replace(",", ".")
    elif _full(_DOT_THOUSANDS, digits):
        digits = digits.replace(".", "")
    if not _full(r"[0-9]+(\.[0-9]*)?", digits):
        return None
    number = float(digits)
    return -number if sign == "-" else number


def parse_number(text: str | None) -> float | None:
    """Parse a number as written; None when empty or not a number.

    Examples
    --------
    >>> parse_number("1,200.50"), parse_number("1.200,50"), parse_number("12,5"), parse_number("$ 900")
    (1200.5, 1200.5, 12.5, 900.0)
    >>> parse_number("n/a") is None
    True
    """
    if text is None:
        return None
    value = trim_text(text).upper()
    m = _full(NUMBER, value)
    return _digits_to_float(m[1], m[2]) if m else None


def parse_weight(text: str | None, unit: str | None = None) -> float | None:
    """Parse a weight to kilograms; None when empty, unparseable or in an unknown unit.

    The unit written with the number wins over the unit column. Negative weights come back negative
    (the loader quarantines them as ``negative_weight``).

    Examples
    --------
    >>> parse_weight("1,200 KG"), parse_weight("100", "LB"), parse_weight("2.5", "MT"), parse_weight("7")
    (1200.0, 45.359237, 2500.0, 7.0)
    >>> parse_weight("12 furlongs") is None
    True
    """
    if text is None:
        return None
    value = trim_text(text).upper()
    if not value:
        return None
    m = _full(WEIGHT, value)
    if not m:
        return None
    number = _digits_to_float(m[1], m[2])
    unit_text = m[3] or trim_text(unit or "").upper().rstrip(".")
    factor = UNIT_FACTORS.get(unit_text, 1.0 if unit_text == "" else None)
    if number is None or factor is None:
        return None
    return number * factor


# -- SQL -------------------------------------------------------------------------------------------
def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _digits_sql(sign: str, digits: str) -> str:
    """SQL form of :func:`_digits_to_float` for two VARCHAR expressions (sign, digits)."""
    normalised = (
        f"CASE WHEN contains({digits}, ',') AND contains({digits}, '.') THEN "
        f"  CASE WHEN strpos(reverse({digits}), ',') < strpos(reverse({digits}), '.') "
        f"    THEN replace(replace({digits}, '.', ''), ',', '.') ELSE replace({digits}, ',', '') END "
        f"WHEN contains({digits}, ',') THEN "
        f"  CASE WHEN regexp_matches({digits}, {_q(_COMMA_THOUSANDS)}) THEN replace({digits}, ',', '') "
        f"  ELSE replace({digits}, ',', '.') END "
        f"WHEN regexp_matches({digits}, {_q(_DOT_THOUSANDS)}) THEN replace({digits}, '.', '') "
        f"ELSE {digits} END"
    )
    # ``normalised`` holds only digits and dots here, so TRY_CAST accepts exactly what the Python regex does.
    return f"(CASE WHEN {sign} = '-' THEN -TRY_CAST({normalised} AS DOUBLE) ELSE TRY_CAST({normalised} AS DOUBLE) END)"


def _plain_sql(text: str) -> str:
    """SQL true when ``text`` is digits with at most one dot, starting with a digit (``1200``, ``12.5``).

    Every rule above reads such text as the plain decimal a cast gives, so one cheap full match
    replaces the group extractions.
    """
    return f"regexp_full_match({text}, '[0-9]+(\\.[0-9]*)?')"


def _whole_sql(text: str) -> str:
    """SQL true when ``text`` is a whole number written canonically (``15570``, ``-4``; no sign '+', no
    leading zero, no space).

    The engine's integer cast reads the text and its result, written back, must be the text itself;
    about 300 instructions per row cheaper than :func:`_plain_sql`'s regular expression, and weights and
    quantities are most often whole numbers. Every rule reads such text as that integer (a minus as the
    sign), so the fast path gives what the full reading gives. BIGINT, not UBIGINT: Spark has no
    unsigned types.
    """
    return f"(CAST(TRY_CAST({text} AS BIGINT) AS VARCHAR) = {text})"


def _whole_value_sql(text: str) -> str:
    return f"CAST(TRY_CAST({text} AS BIGINT) AS DOUBLE)"


def number_sql(column: str) -> str:
    """SQL expression computing :func:`parse_number` of ``column``."""
    t = trim_sql(column)
    v = f"upper({t})"
    sign = f"regexp_extract({v}, {_q(NUMBER)}, 1)"
    digits = f"regexp_extract({v}, {_q(NUMBER)}, 2)"
    # the fast path tests the untrimmed value: plain digits hold no space, so trimming could not change
    # them; a padded plain number takes the full reading, which gives the same (see _plain_sql)
    return (f"(CASE WHEN {_whole_sql(column)} THEN {_whole_value_sql(column)} "
            f"WHEN {_plain_sql(column)} THEN TRY_CAST({column} AS DOUBLE) "
            f"WHEN regexp_matches({v}, {_q(NUMBER)}) THEN {_digits_sql(sign, digits)} END)")


_COMMON_UNITS = ("KG", "LB", "KGS", "LBS", "MT", "T")  # written exactly so in most unit columns


def _column_factor_sql(unit_column: str | None) -> str:
    """Factor of the unit column alone: a unit written exactly as a common one is looked up directly;
    anything else (lower case, spaces, a dot, NULL) goes through the full reading."""
    full = _factor_sql(_column_unit_sql(unit_column))
    if not unit_column:
        return full
    whens = " ".join(f"WHEN {_q(u)} THEN {UNIT_FACTORS[u]!r}" for u in _COMMON_UNITS)
    return f"(CASE {unit_column} {whens} ELSE {full} END)"


def _column_unit_sql(unit_column: str | None) -> str:
    if not unit_column:
        return "''"
    unit = f"coalesce({unit_column}, '')"
    return f"rtrim(upper({trim_sql(unit)}), '.')"


def _unit_text_sql(v: str, unit_column: str | None) -> str:
    embedded = f"regexp_extract({v}, {_q(WEIGHT)}, 3)"
    column = _column_unit_sql(unit_column)
    return f"(CASE WHEN {embedded} <> '' THEN {embedded} ELSE {column} END)"


def _factor_sql(unit_text: str) -> str:
    by_factor: dict[float, list[str]] = {}
    for unit, factor in UNIT_FACTORS.items():
        by_factor.setdefault(factor, []).append(unit)
    whens = " ".join(
        f"WHEN {unit_text} IN ({', '.join(_q(u) for u in units)}) THEN {factor!r}"
        for factor, units in by_factor.items()
    )
    return f"(CASE WHEN {unit_text} = '' THEN 1.0 {whens} END)"


def weight_sql(column: str, unit_column: str | None = None) -> str:
    """SQL expression computing :func:`parse_weight` (kilograms) of ``column`` and ``unit_column``."""
    t = trim_sql(column)
    v = f"upper({t})"
    sign = f"regexp_extract({v}, {_q(WEIGHT)}, 1)"
    digits = f"regexp_extract({v}, {_q(WEIGHT)}, 2)"
    factor = _factor_sql(_unit_text_sql(v, unit_column))
    plain_factor = _column_factor_sql(unit_column)  # a plain number carries no unit of its own
    return (f"(CASE WHEN {_whole_sql(column)} THEN {_whole_value_sql(column)} * {plain_factor} "  # as number_sql
            f"WHEN {_plain_sql(column)} THEN TRY_CAST({column} AS DOUBLE) * {plain_factor} "
            f"WHEN regexp_matches({v}, {_q(WEIGHT)}) THEN {_digits_sql(sign, digits)} * {factor} END)")


def _filled(column: str) -> str:
    """SQL of ``trim(coalesce(column, '')) <> ''`` (false, never NULL, for NULL)."""
    text = f"coalesce({column}, '')"
    return f"({trim_sql(text)} <> '')"


def weight_problem_sql(column: str, kg: str) -> str:
    """SQL giving ``'negative_weight'``, ``'bad_weight'`` or NULL, from the source text and the parsed kg."""
    return (f"(CASE WHEN {kg} < 0 THEN 'negative_weight' "
            f"WHEN {kg} IS NULL AND {_filled(column)} THEN 'bad_weight' END)")


def weight_unit_assumed_sql(column: str, unit_column: str | None) -> str:
    """SQL that is true when a weight was read with no unit anywhere (taken as kilograms)."""
    t = trim_sql(column)
    unit = (f"(CASE WHEN {_whole_sql(column)} OR {_plain_sql(column)} THEN {_column_unit_sql(unit_column)} "
            f"ELSE {_unit_text_sql(f'upper({t})', unit_column)} END)")
    assumed = f"({unit} = '' AND {_filled(column)})"
    if not unit_column:
        return assumed
    # a unit column holding a common unit exactly: the weight has a unit whatever it reads
    known = " ".join(f"WHEN {_q(u)} THEN false" for u in _COMMON_UNITS)
    return f"(CASE {unit_column} {known} ELSE {assumed} END)"
