"""Mapping accuracy over the layout fixtures (tests/ingest/layouts/): each column mapped correctly or not.

For every fixture column, "correct" means the field it feeds is the expected one (or, when the expected
mapping says unmapped, that it is left as an extra column). Figures, one JSON line each:

* ``mapping_accuracy`` per field (the expected target; ``(unmapped)`` for columns that must stay extras)
  and ``mapping_accuracy_all``, separately for the fixtures the mapper was developed on (``tuned``) and
  for the ``heldout_*`` fixtures whose expected mapping was written before the mapper first saw them;
* ``mapping_seconds_per_source``: what the automatic mapping costs a load per source (sniff, bounded sample,
  one profile query, the mapping), median over the fixture files;
* the baseline, measured in the same run on the same files: the exact-synonym mapper tracekit used
  before (its header table and matching logic are copied below by value, from git history at a2267a3).

Run: ``python -m tests.benchmarks.bench_mapping``.
"""

from __future__ import annotations

import json
import re
import sys
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

LAYOUTS = Path(__file__).resolve().parents[1] / "ingest" / "layouts"

# -- the old mapper, by value ----------------------------------------------------------------------
OLD_SYNONYMS: dict[str, tuple[str, ...]] = {
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
_OLD_MULTI = {"shipper_address", "consignee_address", "notify_address"}


def _old_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).casefold()


def old_auto(headers: list[str]) -> dict[str, list[str]]:
    """The exact-synonym "auto" mapping tracekit had before issue 8 (same logic, same table)."""
    keys = [_old_key(h) for h in headers]
    taken: set[int] = set()
    out: dict[str, list[str]] = {}
    for target, synonyms in OLD_SYNONYMS.items():
        multi = target in _OLD_MULTI
        for synonym in synonyms:
            pattern = re.compile(re.escape(synonym) + (r"(\d*)" if multi else ""))
            hits = [(i, m) for i, k in enumerate(keys) if i not in taken and (m := pattern.fullmatch(k))]
            if not hits:
                continue
            hits = sorted(hits, key=lambda h: int(h[1][1] or 0)) if multi else hits[:1]
            out[target] = [headers[i] for i, _ in hits]
            taken.update(i for i, _ in hits)
            break
    return out


# -- scoring ---------------------------------------------------------------------------------------
def _targets(columns: dict[str, list[str]]) -> dict[str, str]:
    return {c: t for t, cols in columns.items() for c in cols}


def score(expected: dict[str, str], got: dict[str, str]) -> dict[str, list[bool]]:
    """field → one bool per fixture column expected to feed it (``(unmapped)``: must stay an extra)."""
    out: dict[str, list[bool]] = defaultdict(list)
    for column, want in expected.items():
        if want.startswith("unmapped"):
            out["(unmapped)"].append(column not in got)
        else:
            out[want].append(got.get(column) == want)
    return out


def _emit(figure: dict) -> None:
    print(json.dumps(figure), flush=True)


def main(argv: list[str] | None = None) -> None:
    import tracekit

    started = time.perf_counter()
    totals: dict[tuple[str, str], dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    folders = sorted(p for p in LAYOUTS.iterdir() if (p / "expected.json").exists())
    seconds: list[float] = []
    with tracekit.Workspace() as ws:
        for folder in folders:
            expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
            kind = "held_out" if folder.name.startswith("heldout_") else "tuned"
            t0 = time.perf_counter()
            source = ws.preview(folder / "data.csv").sources[0]
            seconds.append(time.perf_counter() - t0)
            new = _targets(source.mapping.columns) if source.mapping else {}
            old = _targets(old_auto(list(expected)))
            for who, got in (("tracekit", new), ("baseline", old)):
                for field, hits in score(expected, got).items():
                    totals[(kind, who)][field].extend(hits)
            ok = sum(new.get(c) == w or (w.startswith("unmapped") and c not in new) for c, w in expected.items())
            _emit({"figure": "mapping_accuracy_layout", "set": kind, "layout": folder.name,
                   "tracekit": f"{ok}/{len(expected)}",
                   "baseline_exact_synonyms": f"{sum(h for f in score(expected, old).values() for h in f)}/{len(expected)}"})
    for kind in ("tuned", "held_out"):
        ours, base = totals[(kind, "tracekit")], totals[(kind, "baseline")]
        for field in sorted(ours):
            _emit({"figure": "mapping_accuracy", "set": kind, "field": field,
                   "tracekit": f"{sum(ours[field])}/{len(ours[field])}",
                   "baseline_exact_synonyms": f"{sum(base[field])}/{len(base[field])}"})
        n = sum(len(v) for v in ours.values())
        hits, base_hits = sum(sum(v) for v in ours.values()), sum(sum(v) for v in base.values())
        mapped = [h for f, v in ours.items() if f != "(unmapped)" for h in v]
        base_mapped = [h for f, v in base.items() if f != "(unmapped)" for h in v]
        _emit({"figure": "mapping_accuracy_all", "set": kind, "layouts": sum(
                   1 for f in folders if (f.name.startswith("heldout_")) == (kind == "held_out")),
               "columns": n, "tracekit": round(hits / n, 3) if n else None,
               "baseline_exact_synonyms": round(base_hits / n, 3) if n else None,
               "fields_to_map_tracekit": f"{sum(mapped)}/{len(mapped)}",
               "fields_to_map_baseline": f"{sum(base_mapped)}/{len(base_mapped)}"})
    seconds.sort()
    _emit({"figure": "mapping_seconds_per_source", "median": round(seconds[len(seconds) // 2], 3),
           "max": round(seconds[-1], 3), "note": "sniff + sample + one profile query + mapping, per fixture file"})
    _emit({"figure": "mapping_bench_seconds", "value": round(time.perf_counter() - started, 2)})


if __name__ == "__main__":
    main(sys.argv[1:])
