"""Comparison keys for mentions, and the distinct profiles resolution works on.

Normalisation runs in Python (rigour, ICU) but only once per *distinct* value: a million mentions
repeat far fewer names, addresses and phones. The store joins the keys back to the mentions.

A *profile* is one distinct ``(name_key, country, tax_id_key)`` — and locality, when the address names
one; its stable ``profile_key`` is those values as text. Analyst decisions refer to profile keys, which survive re-loading and re-resolution.
A mention with neither country nor tax id also keys on its address (or phone): two firms of one name
in two countries are told apart by where they are, and their countryless mentions must not all fall
into one profile that can join only one of them; nor must "… Co., Ltd." and "… Pvt. Ltd." (legal forms of
two jurisdictions), so such a mention keys on its legal form as well. A locality (``party_mentions.locality``) keys the
profile too: the same name in Newark and in Monterrey is two profiles, which scoring keeps apart unless
an identifier joins them.
"""

# ruff: noqa: S608  -- SQL here is assembled from module constants and internal table names only; analysts' text
# never reaches it except as bound parameters or registered DataFrames.

from __future__ import annotations

import pandas as pd

from tracekit.resolve.address import address_keys
from tracekit.resolve.normalize import (
    normalize_email,
    normalize_name,
    normalize_phone,
    normalize_tax_id,
)
from tracekit.resolve.workers import map_chunks
from tracekit.store import Store

__all__ = ["FEATURES_TEMP", "PROFILES_TEMP", "compute_features", "compute_profiles", "profile_key_sql"]

FEATURES_TEMP = "tk_res_features"
PROFILES_TEMP = "tk_res_profiles"

NAMED = "name IS NOT NULL AND trim(name) <> ''"


def profile_key_sql(alias: str = "") -> str:
    """SQL text of the stable profile key: ``name_key|COUNTRY|tax_id_key``; when both are empty also
    ``|@locator`` (address or phone) and ``|#legal form``; ``|~LOCALITY`` when the address names one."""
    p = f"{alias}." if alias else ""
    unplaced = f"coalesce(trim({p}country), '') = '' AND {p}tax_id_key IS NULL"
    locator = f"coalesce({p}address_key, {p}phone_key)"
    return (f"{p}name_key || '|' || coalesce(upper(trim({p}country)), '') || '|' "
            f"|| coalesce({p}tax_id_key, '') "
            f"|| CASE WHEN {unplaced} AND {locator} IS NOT NULL THEN '|@' || {locator} ELSE '' END "
            f"|| CASE WHEN {unplaced} AND coalesce({p}legal_form, '') <> '' THEN '|#' || {p}legal_form ELSE '' END "
            f"|| CASE WHEN {p}locality IS NOT NULL THEN '|~' || {p}locality ELSE '' END")


def _name_key_rows(values: list[str]) -> list[tuple[str, str, str]]:
    """``(name key, core key, legal form)`` of each name (pure and per value: runs in any process)."""
    return [(p.key, p.core, p.legal_form) for p in map(normalize_name, values)]


def _name_keys(values: pd.Series, rows: list[tuple[str, str, str]] | None = None) -> pd.DataFrame:
    """Name key, core key and legal form of each name (on Spark's executors: one partition's values)."""
    rows = _name_key_rows(values.tolist()) if rows is None else rows
    return pd.DataFrame({"v": values.to_numpy(dtype=object), "name_key": [r[0] for r in rows],
                         "core_key": [r[1] for r in rows], "legal_form": [r[2] for r in rows]})


def _value_keys(fn):  # noqa: ANN001, ANN202
    def keys(values: pd.Series) -> pd.DataFrame:
        return pd.DataFrame({"v": values.to_numpy(dtype=object), "k": [fn(v) for v in values.tolist()]})
    return keys


_KEYERS = {  # column → (values → keys frame, the frame's Spark schema)
    "name": (_name_keys, "v STRING, name_key STRING, core_key STRING, legal_form STRING"),
    "phone": (_value_keys(normalize_phone), "v STRING, k STRING"),
    "email": (_value_keys(normalize_email), "v STRING, k STRING"),
    "tax_id": (_value_keys(normalize_tax_id), "v STRING, k STRING"),
}


def _keyed(store: Store, view: str, column: str, source: str, progress: bool = False) -> None:
    """Register ``view`` = the keys of the distinct values of ``column``.

    On Spark the Python runs on the executors (``mapInPandas``: no value passes through the driver);
    on DuckDB the values come to Python and the keys go back as a registered frame.
    """
    keys, schema = _KEYERS[column]
    where = NAMED if column == "name" else f"{column} IS NOT NULL"
    values_sql = f"SELECT DISTINCT {column} AS v FROM {source} WHERE {where}"  # noqa: S608
    if getattr(store, "engine", "duckdb") == "spark":
        from tracekit.store.spark_map import map_distinct

        map_distinct(store, view, values_sql, keys, schema)
    elif column == "name":  # the costly one: on every core
        values = store.df(values_sql)["v"]
        store.register(view, keys(values, map_chunks(_name_key_rows, values.tolist(), desc="names",
                                                    progress=progress)))
    else:
        store.register(view, keys(store.df(values_sql)["v"]))


def _address_keys(store: Store, source: str, progress: bool = False) -> pd.DataFrame:
    """Address keys of the distinct addresses, a Chinese rendering meeting its one English twin.

    Not per value (a rendering is matched against the whole set), so this stays on the driver on Spark too.
    """
    values = store.df(f"SELECT DISTINCT address AS v FROM {source} WHERE address IS NOT NULL")  # noqa: S608
    keys = address_keys(values["v"].tolist(), progress=progress)
    values["k"] = [keys[v] for v in values["v"].tolist()]
    return values


def compute_features(store: Store, mentions_sql: str, *, progress: bool = False) -> int:
    """Fill temp table ``tk_res_features`` with the keys of the mentions ``mentions_sql`` selects.

    Names and addresses are keyed on every core (:mod:`tracekit.resolve.workers`), with a progress
    bar per kind when ``progress``.

    Returns the number of mentions featurised.
    """
    source = f"({mentions_sql}) src"
    views = {"tk_n": "name", "tk_p": "phone", "tk_e": "email", "tk_t": "tax_id"}
    for view, column in views.items():
        _keyed(store, view, column, source, progress)
    store.register("tk_a", _address_keys(store, source, progress))
    try:
        store.execute(f"""
            CREATE OR REPLACE TEMP TABLE {FEATURES_TEMP} AS
            SELECT m.mention_id, m.shipment_id, upper(trim(m.country)) AS country,
                   CASE WHEN coalesce(trim(m.country), '') <> '' THEN m.country_source END AS country_source,
                   nullif(upper(trim(m.locality)), '') AS locality,
                   n.name_key::VARCHAR AS name_key, a.k::VARCHAR AS address_key,
                   p.k::VARCHAR AS phone_key, e.k::VARCHAR AS email_key, t.k::VARCHAR AS tax_id_key,
                   n.legal_form::VARCHAR AS legal_form, n.core_key::VARCHAR AS core_key, m.name
            FROM ({mentions_sql}) m
            JOIN tk_n n ON n.v = m.name::VARCHAR
            LEFT JOIN tk_a a ON a.v::VARCHAR = m.address
            LEFT JOIN tk_p p ON p.v::VARCHAR = m.phone
            LEFT JOIN tk_e e ON e.v::VARCHAR = m.email
            LEFT JOIN tk_t t ON t.v::VARCHAR = m.tax_id
        """)  # noqa: S608
    finally:
        for view in [*views, "tk_a"]:
            store.unregister(view)
    return int(store.count(FEATURES_TEMP))


def _most_common(column: str) -> str:
    """CTE ``top_<column>``: each profile's most frequent non-null value, ties to the smallest.

    Deterministic on purpose (DuckDB's ``mode`` breaks ties arbitrarily): the address a profile
    keeps feeds its scores, and the same data must always give the same entities.
    """
    return f"""top_{column} AS (
            SELECT profile_key, {column} FROM (
                SELECT profile_key, {column}, row_number() OVER (
                    PARTITION BY profile_key ORDER BY count(*) DESC, {column}) AS rank
                FROM keyed WHERE {column} IS NOT NULL GROUP BY profile_key, {column}
            ) WHERE rank = 1
        )"""  # noqa: S608


def compute_profiles(store: Store, first_id: int, existing: str | None) -> int:
    """Group featurised mentions into profiles in temp table ``tk_res_profiles``.

    ``existing`` names a table of known profiles (``profile_id, profile_key``) whose ids are kept;
    new profiles are numbered from ``first_id``. Returns the number of new profiles.
    """
    known = existing or "(SELECT NULL::BIGINT AS profile_id, NULL::VARCHAR AS profile_key WHERE false)"
    store.execute(f"""
        CREATE OR REPLACE TEMP TABLE {PROFILES_TEMP} AS
        WITH keyed AS (SELECT *, {profile_key_sql()} AS profile_key FROM {FEATURES_TEMP}),
        grouped AS (
            SELECT profile_key, name_key, coalesce(country, '') AS country, locality,
                   coalesce(tax_id_key, '') AS tax_id_key, min(core_key) AS core_key,
                   count(*) AS new_mentions
            FROM keyed GROUP BY ALL
        ),
        -- The strongest source any mention gives the profile's country (column > declaration > address >
        -- route > port): one stated country outweighs the guesses.
        sources AS (
            SELECT profile_key, min(CASE country_source WHEN 'declaration' THEN 1 WHEN 'address' THEN 2
                                     WHEN 'route' THEN 3 WHEN 'port' THEN 4 ELSE 0 END) AS source_rank
            FROM keyed WHERE coalesce(country, '') <> '' GROUP BY profile_key
        ),
        {_most_common("legal_form")}, {_most_common("name")}, {_most_common("address_key")}
        SELECT coalesce(k.profile_id, {int(first_id)} - 1 + row_number() OVER (
                   PARTITION BY k.profile_id IS NULL ORDER BY g.profile_key)) AS profile_id,
               k.profile_id IS NULL AS is_new, g.profile_key, g.name_key, g.country, g.tax_id_key,
               g.core_key, top_legal_form.legal_form, top_name.name AS display_name,
               coalesce(top_address_key.address_key, '') AS address_key, g.new_mentions, g.locality,
               CASE s.source_rank WHEN 0 THEN 'column' WHEN 1 THEN 'declaration' WHEN 2 THEN 'address'
                    WHEN 3 THEN 'route' WHEN 4 THEN 'port' END AS country_source
        FROM grouped g
        LEFT JOIN sources s USING (profile_key)
        LEFT JOIN top_legal_form USING (profile_key)
        LEFT JOIN top_name USING (profile_key)
        LEFT JOIN top_address_key USING (profile_key)
        LEFT JOIN {known} k ON k.profile_key = g.profile_key
    """)  # noqa: S608
    return int(store.scalar(f"SELECT count(*) FROM {PROFILES_TEMP} WHERE is_new"))  # noqa: S608
