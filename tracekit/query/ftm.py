"""FollowTheMoney JSON lines of a workspace (or a case in it), for Aleph and other FtM tools.

What each tracekit thing becomes (built with the ``followthemoney`` package, so every value is cleaned
by its own type: countries as lowercase ISO codes, dates as ISO dates):

* a company → ``Company`` when any of its mentions carries a legal form (LTD, S.A. de C.V., GmbH…),
  otherwise ``Organization``: name, the other spellings as ``alias``, countries, addresses (text and
  ``addressEntity``), phones, e-mails, tax ids, and in ``notes``/``keywords`` its tracekit risk and flags;
* an address (one per normalised address key, so spellings of one address are one entity and
  companies at one address point at the same entity) → ``Address`` (``full``, ``city``, ``country``);
* a shipment → ``EconomicActivity`` (Aleph's "Customs declaration"): ``sender`` (shipper),
  ``receiver`` (consignee), ``goodsDescription``, ``vedCode`` (the commodity code), ``ccdNumber``
  (the bill or declaration number), ``date``, ``originCountry``, ``departureCountry`` (shipper's
  country), ``destinationCountry``, ``customsAmount`` (declared value, USD), ``recordId`` (source
  file and line), and in ``summary`` weight, route and the party names as written;
* trade between two companies (all their shipments, aggregated) → ``UnknownLink`` with
  ``role`` "trade: supplier → buyer", first and last date and a summary (shipments, kg, USD, HS codes);
* companies sharing an address, phone, e-mail or tax id → ``UnknownLink`` with ``role``
  "shared address" (…).

Why ``UnknownLink`` (Aleph: "Other link") for trade: FtM has no trade-relationship schema. The
shipments themselves are ``EconomicActivity`` entities, which Aleph lists on both companies but does
not draw as an edge; the link makes the trade network visible in Aleph's network diagrams. Every other
edge schema asserts something trade data does not show (``Ownership`` and ``Directorship`` control,
``Payment`` a money transfer, ``Representation`` an agency): an analyst must not hand on a claim of
ownership the evidence does not carry. The role text says which way the goods went.

Ids: ``make_id`` over the tracekit id (entity id, address key, shipment id), then signed with a
:class:`followthemoney.namespace.Namespace` whose key is this workspace's own (stored once in
``tk_meta`` as ``ftm_namespace``) or one the analyst passes (an Aleph collection's foreign id, say).
Exporting the same workspace twice gives the same ids, so re-importing updates instead of duplicating;
two workspaces never collide.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from pathlib import Path

from followthemoney import model
from followthemoney.namespace import Namespace
from followthemoney.proxy import EntityProxy
from followthemoney.util import make_entity_id

from tracekit.errors import TracekitError
from tracekit.query.export import Export, atomic_file, in_scope, scoped, shipment_batches, shipments_sql

__all__ = ["FTM_META_KEY", "workspace_namespace", "write_ftm", "company_entities", "shipment_entity"]

FTM_META_KEY = "ftm_namespace"
MAX_SHARED_GROUP = 25  # a key shared by more companies is a hub (a registered agent), not a shell cluster
_MAX_VALUES = 20


def workspace_namespace(ws, namespace: str | None = None) -> Namespace:
    """The namespace that signs this workspace's FtM ids (created and stored on first use)."""
    if namespace:
        return Namespace(namespace)
    store = ws.store
    key = store.scalar("SELECT value FROM tk_meta WHERE key = ?", [FTM_META_KEY])
    if key is None:
        if getattr(store, "read_only", False):
            raise TracekitError("this workspace has no FollowTheMoney id key yet and is open read-only: "
                                "export once without --read-only, or pass namespace= / --namespace")
        key = f"tracekit-{uuid.uuid4().hex}"
        store.execute("INSERT INTO tk_meta VALUES (?, ?) ON CONFLICT DO NOTHING", [FTM_META_KEY, key])
        key = store.scalar("SELECT value FROM tk_meta WHERE key = ?", [FTM_META_KEY])
    return Namespace(key)


class _Ids:
    """Entity ids signed with the namespace, computed once each (hashing and signing dominate the cost)."""

    def __init__(self, ns: Namespace | None = None):
        self.ns = ns or Namespace()
        self._companies: dict[int, str] = {}
        self._addresses: dict[str, str] = {}

    def make(self, kind: str, *key: object) -> str:
        return self.ns.sign(make_entity_id("tracekit", kind, *key))

    def company(self, entity_id: int) -> str:
        if entity_id not in self._companies:
            self._companies[entity_id] = self.make("company", entity_id)
        return self._companies[entity_id]

    def address(self, address_key: str) -> str:
        if address_key not in self._addresses:
            self._addresses[address_key] = self.make("address", address_key)
        return self._addresses[address_key]


def _make(ids: _Ids, schema: str, *key: object) -> EntityProxy:
    proxy = model.make_entity(schema)
    proxy.id = ids.make(schema.lower(), *key)
    return proxy


def _companies_sql(scope: str, risk: bool, legal_form: bool) -> str:
    """One row per company: spellings, countries, contacts, legal form, address keys (most used first)."""
    return f"""
        WITH m AS (
            SELECT me.entity_id, pm.name, pm.country, pm.phone, pm.email, pm.tax_id, f.address_key, {'f.legal_form' if legal_form else "''"} AS legal_form
            FROM mention_entities me
            JOIN party_mentions pm USING (mention_id)
            LEFT JOIN mention_features f USING (mention_id)
            WHERE {in_scope('me.entity_id', scope)}),
        agg AS (
            SELECT entity_id,
                   list(DISTINCT name ORDER BY name) FILTER (WHERE name IS NOT NULL) AS names,
                   list(DISTINCT country ORDER BY country) FILTER (WHERE country IS NOT NULL) AS countries,
                   list(DISTINCT phone ORDER BY phone) FILTER (WHERE phone IS NOT NULL) AS phones,
                   list(DISTINCT email ORDER BY email) FILTER (WHERE email IS NOT NULL) AS emails,
                   list(DISTINCT tax_id ORDER BY tax_id) FILTER (WHERE tax_id IS NOT NULL) AS tax_ids
            FROM m GROUP BY 1),
        forms AS (
            SELECT entity_id, first(legal_form ORDER BY n DESC, legal_form) AS legal_form
            FROM (SELECT entity_id, legal_form, count(*) AS n FROM m WHERE legal_form <> '' GROUP BY ALL)
            GROUP BY 1),
        addr AS (
            SELECT entity_id, list(address_key ORDER BY n DESC, address_key) AS address_keys
            FROM (SELECT entity_id, address_key, count(*) AS n FROM m WHERE address_key IS NOT NULL GROUP BY ALL)
            GROUP BY 1),
        flagged AS (SELECT entity_id, list(flag ORDER BY flag) AS flags FROM graph_flags GROUP BY 1)
        SELECT e.entity_id, e.name, agg.names, agg.countries, agg.phones, agg.emails, agg.tax_ids,
               forms.legal_form, addr.address_keys, {'r.score' if risk else 'NULL'} AS risk, flagged.flags
        FROM entities e
        JOIN agg USING (entity_id)
        LEFT JOIN forms USING (entity_id)
        LEFT JOIN addr USING (entity_id)
        LEFT JOIN flagged USING (entity_id)
        {'LEFT JOIN graph_risk r ON r.entity_id = e.entity_id' if risk else ''}
        ORDER BY e.entity_id
    """  # noqa: S608 - only our own table names are interpolated


def _addresses_sql(scope: str) -> str:
    """One row per address key of the exported companies: its most used spelling, country and city."""
    return f"""
        WITH a AS (
            SELECT f.address_key, pm.address, pm.country, pm.locality
            FROM mention_entities me
            JOIN party_mentions pm USING (mention_id)
            JOIN mention_features f USING (mention_id)
            WHERE f.address_key IS NOT NULL AND pm.address IS NOT NULL AND {in_scope('me.entity_id', scope)}),
        spelled AS (SELECT address_key, address, count(*) AS n FROM a GROUP BY ALL),
        placed AS (SELECT address_key, country, locality, count(*) AS n FROM a GROUP BY ALL)
        SELECT s.address_key, s.full, p.country, c.city
        FROM (SELECT address_key, first(address ORDER BY n DESC, address) AS full FROM spelled GROUP BY 1) s
        LEFT JOIN (SELECT address_key, first(country ORDER BY n DESC, country) AS country
                   FROM placed WHERE country IS NOT NULL GROUP BY 1) p USING (address_key)
        LEFT JOIN (SELECT address_key, first(locality ORDER BY n DESC, locality) AS city
                   FROM placed WHERE locality IS NOT NULL GROUP BY 1) c USING (address_key)
        ORDER BY 1
    """  # noqa: S608


def _add_all(proxy: EntityProxy, prop: str, values: list, refused: Counter) -> list[str]:
    """Add each value through followthemoney's cleaning; return those it refused (kept by the caller).

    FtM drops what its type does not accept (a phone number it cannot read as international, a
    malformed e-mail): the export keeps them as written in ``notes`` rather than losing them.
    """
    rejected = []
    for value in values:
        text = str(value).strip()
        if text and proxy.unsafe_add(proxy.schema.properties[prop], text) is None:
            rejected.append(text)
            refused[prop] += 1
    return rejected


def company_entities(rows: list[dict], address_text: dict[str, str],
                     refused: Counter | None = None, ids: _Ids | None = None) -> list[EntityProxy]:
    """``Company``/``Organization`` proxies from the rows of the companies query (ids signed by ``ids``)."""
    refused = Counter() if refused is None else refused
    ids = ids or _Ids()
    out = []
    for row in rows:
        proxy = model.make_entity("Company" if row["legal_form"] else "Organization")
        proxy.id = ids.company(row["entity_id"])
        proxy.add("name", row["name"])
        aliases = [n for n in (row["names"] or []) if n != row["name"]]
        proxy.add("alias", aliases[:_MAX_VALUES])
        kept = {"country": _add_all(proxy, "country", row["countries"] or [], refused)}
        keys = (row["address_keys"] or [])[:_MAX_VALUES]
        proxy.add("addressEntity", [ids.address(k) for k in keys if k in address_text], cleaned=True)
        proxy.add("address", [address_text[k] for k in keys if k in address_text])
        kept["phone"] = _add_all(proxy, "phone", (row["phones"] or [])[:_MAX_VALUES], refused)
        kept["e-mail"] = _add_all(proxy, "email", (row["emails"] or [])[:_MAX_VALUES], refused)
        kept["tax id"] = _add_all(proxy, "taxNumber", (row["tax_ids"] or [])[:_MAX_VALUES], refused)
        if row["legal_form"]:
            proxy.add("legalForm", row["legal_form"].upper())
        flags = row["flags"] or []
        proxy.add("keywords", flags)
        notes = [f"tracekit entity {row['entity_id']}"]
        if row["risk"]:
            notes.append(f"risk {row['risk']:.2f} (tracekit risk: contributions and evidence rows)")
        if flags:
            notes.append("flags: " + ", ".join(flags))
        notes += [f"{kind} as written (not accepted by followthemoney): {', '.join(values)}"
                  for kind, values in kept.items() if values]
        if len(aliases) > _MAX_VALUES:
            notes.append(f"{len(aliases) - _MAX_VALUES} more spellings in tracekit (ws.explain)")
        proxy.add("notes", "; ".join(notes))
        out.append(proxy)
    return out


def _amount(value: float | None, unit: str) -> str | None:
    return None if value is None else f"{value:,.2f} {unit}".strip()


def shipment_entity(row: dict, exported: set[int] | None, ids: _Ids | None = None) -> EntityProxy:
    """One shipment (a row of the shipments export) as an unsigned ``EconomicActivity``."""
    ids = ids or _Ids()
    proxy = _make(ids, "EconomicActivity", row["shipment_id"])
    file = Path(row["source_file"] or "?").name
    for prop, column in (("sender", "shipper_entity_id"), ("receiver", "consignee_entity_id")):
        entity_id = row[column]
        if entity_id is not None and (exported is None or entity_id in exported):
            proxy.add(prop, ids.company(entity_id), cleaned=True)
    proxy.add("ccdNumber", row["record_id"])
    if row["date"]:
        proxy.add("date", row["date"].isoformat(), cleaned=True)  # an ISO date already: no parsing
    proxy.add("goodsDescription", row["description"])
    proxy.add("vedCode", row["hs_code"])
    proxy.add("originCountry", row["country_of_origin"])
    proxy.add("departureCountry", row["shipper_country"])
    proxy.add("destinationCountry", row["destination_country"] or row["consignee_country"])
    proxy.add("customsAmount", _amount(row["value_usd"], "USD"))
    proxy.add("recordId", f"{file}:{row['line']}")
    proxy.add("publisher", file)
    route = " → ".join(p for p in (row["port_of_lading"], row["port_of_unlading"]) if p)
    summary = [s for s in (
        _amount(row["weight_kg"], "kg"),
        _amount(row["quantity"], row["quantity_unit"] or "") if row["quantity"] is not None else None,
        route or None,
        f"shipper as written: {row['shipper_name']}" if row["shipper_name"] else None,
        f"consignee as written: {row['consignee_name']}" if row["consignee_name"] else None,
        f"notify party: {row['notify_name']}" if row["notify_name"] else None,
    ) if s]
    proxy.add("summary", "; ".join(summary))
    if row["flags"]:
        proxy.add("description", "tracekit flags: " + ", ".join(row["flags"]))
    return proxy


def _trade_links(store, scope: str, ids: _Ids) -> list[EntityProxy]:
    rows = store.arrow(f"""
        SELECT src, dst, sum(shipments) AS shipments, sum(kg) AS kg, sum(usd) AS usd,
               min(first_date) AS first_date, max(last_date) AS last_date,
               list(DISTINCT hs6 ORDER BY hs6) FILTER (WHERE hs6 IS NOT NULL) AS hs
        FROM graph_edges
        WHERE src <> dst AND {in_scope('src', scope)} AND {in_scope('dst', scope)}
        GROUP BY 1, 2 ORDER BY 1, 2
    """).to_pylist()  # noqa: S608
    out = []
    for r in rows:
        link = _make(ids, "UnknownLink", "trade", r["src"], r["dst"])
        link.add("subject", ids.company(r["src"]), cleaned=True)
        link.add("object", ids.company(r["dst"]), cleaned=True)
        link.add("role", "trade: supplier → buyer")
        link.add("startDate", r["first_date"].isoformat() if r["first_date"] else None)
        link.add("endDate", r["last_date"].isoformat() if r["last_date"] else None)
        hs = ", ".join((r["hs"] or [])[:10])
        link.add("summary", "; ".join(s for s in (
            f"{r['shipments']:,} shipment{'s' if r['shipments'] != 1 else ''}", _amount(r["kg"], "kg"), _amount(r["usd"], "USD"),
            f"HS {hs}" if hs else None) if s))
        out.append(link)
    return out


def _shared_links(store, scope: str, ids: _Ids) -> tuple[list[EntityProxy], int]:
    rows = store.arrow(f"""
        SELECT a.kind, a.key, a.entity_id AS a, b.entity_id AS b, a.group_size
        FROM graph_shared a JOIN graph_shared b ON a.kind = b.kind AND a.key = b.key AND a.entity_id < b.entity_id
        WHERE a.group_size <= {MAX_SHARED_GROUP} AND {in_scope('a.entity_id', scope)}
          AND {in_scope('b.entity_id', scope)}
        ORDER BY 1, 2, 3, 4
    """).to_pylist()  # noqa: S608
    hubs = store.scalar(f"SELECT count(DISTINCT (kind, key)) FROM graph_shared WHERE group_size > {MAX_SHARED_GROUP}")  # noqa: S608
    out = []
    for r in rows:
        kind = r["kind"].replace("_", " ")
        link = _make(ids, "UnknownLink", "shared", r["kind"], r["key"], r["a"], r["b"])
        link.add("subject", ids.company(r["a"]), cleaned=True)
        link.add("object", ids.company(r["b"]), cleaned=True)
        link.add("role", f"shared {kind}")
        link.add("summary", f"both use the {kind} {r['key']} ({r['group_size']} companies share it)")
        out.append(link)
    return out, int(hubs or 0)


def write_ftm(ws, path: Path, ids: list[int] | None, *, progress: bool = True,
              namespace: str | None = None) -> Export:
    """Write the workspace (or the companies ``ids`` and the shipments among them) as FtM JSON lines."""
    signer = _Ids(workspace_namespace(ws, namespace))
    store = ws.store
    counts: Counter = Counter()
    notes = []

    def emit(handle, proxy: EntityProxy) -> None:
        handle.write(json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        counts[proxy.schema.name] += 1

    with scoped(store, ids) as scope, atomic_file(path) as partial, open(partial, "w", encoding="utf-8") as handle:
        addresses = store.arrow(_addresses_sql(scope)).to_pylist()
        address_text = {a["address_key"]: a["full"] for a in addresses}
        sql = _companies_sql(scope, store.table_exists("graph_risk"), "legal_form" in store.columns("mention_features"))
        refused: Counter = Counter()
        companies = company_entities(store.arrow(sql).to_pylist(), address_text, refused, signer)
        if refused:
            notes.append("kept as written in the companies' notes, because followthemoney's types refuse them: "
                         + ", ".join(f"{n:,} {prop}" for prop, n in sorted(refused.items())))
        for a in addresses:
            address = model.make_entity("Address")
            address.id = signer.address(a["address_key"])
            address.add("full", a["full"])
            address.add("country", a["country"])
            address.add("city", a["city"].title() if a["city"] else None)
            emit(handle, address)
        for company in companies:
            emit(handle, company)
        for link in _trade_links(store, scope, signer):
            emit(handle, link)
        shared, hubs = _shared_links(store, scope, signer)
        for link in shared:
            emit(handle, link)
        if hubs:
            notes.append(f"{hubs:,} address/phone/e-mail/tax-id values shared by more than {MAX_SHARED_GROUP} "
                         "companies are hubs (agents, placeholders) and were not linked")
        exported = set(ids) if ids is not None else None
        for batch in shipment_batches(store, lambda lo, hi: shipments_sql(store, scope, lo, hi),
                                      progress=progress, what="shipments as FtM"):
            for row in batch.to_pylist():
                emit(handle, shipment_entity(row, exported, signer))
    return Export(path, "ftm", "jsonl", sum(counts.values()), dict(counts), notes)
