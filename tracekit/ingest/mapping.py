"""Column mappings: which source column feeds which canonical field.

A mapping's *targets* are the canonical fields of :mod:`tracekit.ingest.fields`, except that weights
arrive as ``weight`` (the number, maybe with its unit) plus ``weight_unit`` and become ``weight_kg``.
Address targets (``shipper_address`` …) may take several columns, joined with ", " in order; every
other target takes one. ``<role>_contact`` takes a column holding a phone or an e-mail (e-mail when it
contains '@') and fills ``<role>_phone`` or ``<role>_email`` where no column of their own does. Source
columns no target uses are *extras*: they stay in the source's raw table.

Ways to give a mapping (the ``mapping=`` argument of ``ws.load``):

``"auto"``
    recognise common header spellings, English and Spanish (case, spacing, accents and punctuation
    ignored): ``SHIPPER_NAME``, ``Consignee``, ``HS Code``, ``PROVEEDOR``, ``IMPORTADOR``, ``FRACCION``…
``"ams"``
    the column names of US CBP Automated Manifest System extracts (``shipper_comm_number`` and the
    other ``*_comm_number`` columns give the party's phone, or its e-mail when the value holds '@';
    a party's country comes from its last address line when that line names a country);
``"generic"``
    tracekit's own canonical names (``shipper_name``, ``hs_code``, ``weight_kg``…);
a dict
    ``{"source column": "target"}`` or ``{"target": "source column" | [columns]}``;
a path to a JSON file holding such a dict.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Mapping as MappingABC
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tracekit.errors import MappingError
from tracekit.ingest.fields import PARTY_ROLES, field_names

__all__ = ["TARGETS", "CONTACT_TARGETS", "MULTI_COLUMN_TARGETS", "Mapping", "resolve_mapping", "header_key", "PRESETS"]

CONTACT_TARGETS: tuple[str, ...] = tuple(f"{role}_contact" for role in PARTY_ROLES)
"""A party's phone *or* e-mail in one column (CBP's ``comm_number``): e-mail when it holds '@'."""
TARGETS: tuple[str, ...] = tuple(
    [n for n in field_names() if n != "weight_kg"] + ["weight", "weight_unit", *CONTACT_TARGETS]
)
MULTI_COLUMN_TARGETS: frozenset[str] = frozenset(f"{role}_address" for role in PARTY_ROLES)
REQUIRED_ANY: tuple[str, ...] = ("shipper_name", "consignee_name")
_ALIASES = {"weight_kg": "weight"}


def header_key(name: str) -> str:
    """Header spelling reduced for comparison: accents, case, spaces and punctuation removed.

    Examples
    --------
    >>> header_key("  Shipper Party-Name "), header_key("FRACCIÓN"), header_key("HS_Code")
    ('shipperpartyname', 'fraccion', 'hscode')
    """
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).casefold()


# Header synonyms by target, most specific first (keys as header_key gives them).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "record_id": ("identifier", "recordid", "billid", "bolid", "blnumber", "blno", "pedimento", "numpedimento",
                  "numerodepedimento", "declarationid", "declarationnumber", "entrynumber", "id"),
    "date": ("actualarrivaldate", "arrivaldate", "fecha", "fechapago", "fechadepago", "fechallegada",
             "fechaarribo", "fechaentrada", "shipmentdate", "shippingdate", "date", "estimatedarrivaldate",
             "fechaoperacion", "billofladingdate", "departuredate"),
    "shipper_name": ("shipperpartyname", "shippername", "shipper", "exportername", "exporter",
                     "suppliername", "supplier", "proveedor", "nombreproveedor", "exportador",
                     "nombreexportador", "remitente", "embarcador", "consignor", "consignorname",
                     "vendedor", "seller"),
    "shipper_address": ("shipperpartyaddress", "shipperaddress", "exporteraddress", "supplieraddress",
                        "domicilioproveedor", "direccionproveedor", "domicilioexportador",
                        "direccionexportador", "consignoraddress"),
    "shipper_country": ("shippercountry", "exportercountry", "suppliercountry", "paisproveedor",
                        "paisexportador", "paisvendedor", "shippercountrycode"),
    "shipper_phone": ("shipperphone", "shippertelephone", "telefonoproveedor", "exporterphone"),
    "shipper_email": ("shipperemail", "correoproveedor", "emailproveedor", "exporteremail"),
    "shipper_tax_id": ("shippertaxid", "exportertaxid", "taxidproveedor", "idfiscalproveedor"),
    "consignee_name": ("consigneename", "consignee", "importername", "importer", "buyername", "buyer",
                       "importador", "nombreimportador", "razonsocialimportador", "consignatario",
                       "destinatario", "comprador"),
    "consignee_address": ("consigneeaddress", "importeraddress", "buyeraddress", "domicilioimportador",
                          "direccionimportador", "domicilioconsignatario"),
    "consignee_country": ("consigneecountry", "importercountry", "buyercountry", "paisimportador",
                          "paiscomprador", "consigneecountrycode"),
    "consignee_phone": ("consigneephone", "consigneetelephone", "importerphone", "telefonoimportador"),
    "consignee_email": ("consigneeemail", "importeremail", "correoimportador", "emailimportador"),
    "consignee_tax_id": ("consigneetaxid", "importertaxid", "rfcimportador", "rfc", "taxid",
                         "idfiscalimportador"),
    "notify_name": ("notifypartyname", "notifyparty", "notifyname", "notify"),
    "notify_address": ("notifypartyaddress", "notifyaddress"),
    "notify_country": ("notifycountry", "notifypartycountry"),
    "notify_phone": ("notifyphone", "notifypartyphone"),
    "notify_email": ("notifyemail", "notifypartyemail"),
    "notify_tax_id": ("notifytaxid", "notifypartytaxid"),
    "shipper_contact": ("shippercommnumber", "shippercontact", "shippercommunication"),
    "consignee_contact": ("consigneecommnumber", "consigneecontact", "consigneecommunication"),
    "notify_contact": ("notifypartycommnumber", "notifycommnumber", "notifypartycontact", "notifycontact"),
    "hs_code": ("harmonizednumber", "hscode", "hs", "htscode", "hts", "htsnumber", "fraccion",
                "fraccionarancelaria", "tariffcode", "commoditycode", "codigoarancelario", "partida",
                "hscode6"),
    "description": ("descriptiontext", "productdescription", "goodsdescription", "cargodescription",
                    "description", "descripcion", "descripciondelamercancia", "descripcionmercancia",
                    "mercancia", "commodity", "product"),
    "quantity": ("manifestquantity", "quantity", "qty", "cantidad", "piececount", "packages"),
    "quantity_unit": ("manifestunit", "quantityunit", "unit", "unidad", "unidadmedida", "unidadcantidad",
                      "packageunit"),
    "weight": ("weight", "grossweight", "grossweightkg", "weightkg", "pesobruto", "peso", "pesokg",
               "weightinkg"),
    "weight_unit": ("weightunit", "unidadpeso", "weightuom", "unidaddepeso"),
    "value_usd": ("valueinusd", "valueusd", "usdvalue", "valorusd", "valordolares", "valor", "value",
                  "declaredvalue", "harmonizedvalue", "fobusd", "totalvalueusd"),
    "port_of_lading": ("foreignportoflading", "portoflading", "originport", "portofloading",
                       "loadingport", "puertoembarque", "puertodeembarque", "puertoorigen", "pol"),
    "port_of_unlading": ("portofunlading", "destinationport", "portofdischarge", "dischargeport",
                         "puertodestino", "puertodescarga", "aduana", "pod"),
    "place_of_receipt": ("placeofreceipt", "lugarderecepcion", "lugarrecepcion"),
    "country_of_origin": ("countryoforigin", "origincountry", "paisorigen", "paisdeorigen", "origin"),
    "vessel": ("vesselname", "vessel", "buque", "nombrebuque", "ship"),
    "carrier": ("carriercode", "carrier", "carriername", "scac", "transportista", "naviera"),
    "container": ("containernumber", "container", "containerno", "contenedor"),
    "master_bol": ("masterbolnumber", "masterbol", "masterbillofladingnumber", "mbl", "mbol"),
    "house_bol": ("housebolnumber", "housebol", "hbl", "hbol", "billofladingnumber", "bolnumber",
                  "billoflading"),
}

_AMS: dict[str, str | list[str]] = {
    "record_id": "identifier", "date": "actual_arrival_date",
    "shipper_name": "shipper_party_name",
    "shipper_address": [f"shipper_party_address_{i}" for i in range(1, 5)],
    "shipper_contact": "shipper_comm_number",
    "consignee_name": "consignee_name",
    "consignee_address": [f"consignee_address_{i}" for i in range(1, 5)],
    "consignee_contact": "consignee_comm_number",
    "notify_name": "notify_party_name",
    "notify_address": [f"notify_party_address_{i}" for i in range(1, 5)],
    "notify_contact": "notify_party_comm_number",
    "hs_code": "harmonized_number", "description": "description_text",
    "quantity": "manifest_quantity", "quantity_unit": "manifest_unit",
    "weight": "weight", "weight_unit": "weight_unit", "value_usd": "harmonized_value",
    "port_of_lading": "foreign_port_of_lading", "port_of_unlading": "port_of_unlading",
    "place_of_receipt": "place_of_receipt", "vessel": "vessel_name", "carrier": "carrier_code",
    "container": "container_number", "master_bol": "master_bol_number", "house_bol": "house_bol_number",
}
_GENERIC: dict[str, str | list[str]] = {
    **{t: t for t in TARGETS if t not in ("weight", "weight_unit")}, "weight": "weight_kg",
}
PRESETS: dict[str, dict[str, str | list[str]]] = {"ams": _AMS, "generic": _GENERIC}


@dataclass
class Mapping:
    """The mapping used for one source: target → source columns, plus what was left over.

    Examples
    --------
    >>> m = resolve_mapping("auto", ["SHIPPER_NAME", "Consignee", "HS Code", "Colour"])
    >>> m.columns["hs_code"], m.extras
    (['HS Code'], ['Colour'])
    """

    kind: str
    columns: dict[str, list[str]]
    extras: list[str] = field(default_factory=list)

    def column(self, target: str) -> str | None:
        """The (first) source column mapped to ``target``, or None."""
        cols = self.columns.get(target)
        return cols[0] if cols else None

    def to_json(self) -> dict:
        return {"kind": self.kind, "columns": self.columns, "extras": self.extras}

    def _rows(self) -> list[tuple[str, str]]:
        return [(t, ", ".join(cols)) for t, cols in self.columns.items()]

    def __str__(self) -> str:
        width = max((len(t) for t, _ in self._rows()), default=0)
        lines = [f"mapping ({self.kind}):"] + [f"  {t:<{width}} <- {c}" for t, c in self._rows()]
        if self.extras:
            lines.append(f"  kept as extra columns: {', '.join(self.extras)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{html.escape(t)}</td><td>{html.escape(c)}</td></tr>" for t, c in self._rows())
        extras = (f"<p>kept as extra columns: {html.escape(', '.join(self.extras))}</p>" if self.extras else "")
        return (f"<table class='tracekit-mapping'><tr><th>field</th><th>source column ({html.escape(self.kind)})"
                f"</th></tr>{rows}</table>{extras}")


def _target(name: str) -> str | None:
    name = _ALIASES.get(name, name)
    return name if name in TARGETS else None


def _from_dict(spec: MappingABC, kind: str) -> dict[str, list[str]]:
    """Accept {source: target} or {target: source | [sources]}; say which was meant when neither fits."""
    if spec and all(isinstance(v, str) and _target(v) for v in spec.values()):
        out: dict[str, list[str]] = {}
        for source, target in spec.items():
            out.setdefault(_target(target), []).append(str(source))
        return out
    unknown = [k for k in spec if not _target(str(k))]
    if unknown:
        raise MappingError(
            f"mapping {kind}: {', '.join(map(repr, unknown))} is not a tracekit field; give "
            f"{{source column: field}} or {{field: source column}} with fields from: {', '.join(TARGETS)}"
        )
    return {_target(str(k)): ([v] if isinstance(v, str) else [str(x) for x in v]) for k, v in spec.items()}


def _auto(headers: Sequence[str]) -> dict[str, list[str]]:
    keys = [header_key(h) for h in headers]
    taken: set[int] = set()
    out: dict[str, list[str]] = {}
    for target, synonyms in SYNONYMS.items():
        multi = target in MULTI_COLUMN_TARGETS
        for synonym in synonyms:
            pattern = re.compile(re.escape(synonym) + (r"(\d*)" if multi else ""))
            hits = [(i, m) for i, k in enumerate(keys) if i not in taken and (m := pattern.fullmatch(k))]
            if not hits:
                continue
            if multi:
                hits.sort(key=lambda h: int(h[1][1] or 0))
            else:
                hits = hits[:1]
            out[target] = [headers[i] for i, _ in hits]
            taken.update(i for i, _ in hits)
            break
    return out


def resolve_mapping(spec: str | Path | MappingABC | None, headers: Sequence[str], *,
                    source: str = "the source") -> Mapping:
    """The mapping to use for a source with ``headers``; fails before any data is read if unusable.

    Raises
    ------
    MappingError
        When the mapping names columns the source lacks, or no column gives a party name (the
        message names the missing fields and the columns seen).

    Examples
    --------
    >>> resolve_mapping("auto", ["PROVEEDOR", "IMPORTADOR", "FRACCION"]).columns
    {'shipper_name': ['PROVEEDOR'], 'consignee_name': ['IMPORTADOR'], 'hs_code': ['FRACCION']}
    """
    headers = list(headers)
    spec = "auto" if spec is None else spec
    if isinstance(spec, str) and spec in PRESETS:
        kind = spec
        present = set(headers)
        columns = {}
        for target, cols in PRESETS[spec].items():
            cols = [cols] if isinstance(cols, str) else cols
            if found := [c for c in cols if c in present]:
                columns[target] = found
    elif isinstance(spec, str) and spec == "auto":
        kind, columns = "auto", _auto(headers)
    elif isinstance(spec, MappingABC):
        kind, columns = "dict", _from_dict(spec, "dict")
    elif isinstance(spec, str | Path) and str(spec).endswith(".json"):
        try:
            loaded = json.loads(Path(spec).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise MappingError(f"cannot read mapping file {spec}: {exc}") from exc
        if not isinstance(loaded, dict):
            raise MappingError(f"mapping file {spec} must hold a JSON object")
        kind, columns = f"file {Path(spec).name}", _from_dict(loaded, str(spec))
    else:
        raise MappingError(f"unknown mapping {spec!r}: use 'auto', 'ams', 'generic', a dict or a .json file")
    missing_columns = [c for cols in columns.values() for c in cols if c not in headers]
    if missing_columns:
        raise MappingError(
            f"{source}: the mapping names column(s) {', '.join(map(repr, missing_columns))} which the "
            f"source does not have; columns seen: {', '.join(headers)}"
        )
    if not any(t in columns for t in REQUIRED_ANY):
        raise MappingError(
            f"{source}: no column for a party name (needs one of: {', '.join(REQUIRED_ANY)}) with mapping "
            f"{kind!r}; columns seen: {', '.join(headers) or '(none)'}"
        )
    for target, cols in columns.items():
        if len(cols) > 1 and target not in MULTI_COLUMN_TARGETS:
            raise MappingError(f"{source}: field {target} can take one column, the mapping gives {cols}")
    ordered = {t: columns[t] for t in TARGETS if t in columns}
    used = {c for cols in ordered.values() for c in cols}
    return Mapping(kind, ordered, [h for h in headers if h not in used])
