"""Render a chunk of canonical shipments as each source's own columns (US AMS, Mexican, reseller).

All columns are built with pyarrow ``take`` and compute kernels from index arrays: the only Python
loops here run over columns, never over rows. Deliberately bad rows are written here too, so the
record ids and line numbers in the truth match the files byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tracekit.demo.names import lexicon
from tracekit.demo.noise import ADDRESS_SLOTS, NAME_SLOTS, PHONE_SLOTS, to_latin1
from tracekit.demo.trade import START_DATE
from tracekit.demo.world import World

__all__ = ["Tables", "render_file", "BAD_KINDS", "Rendered"]

BAD_KINDS = ("bad_date", "bad_weight", "negative_weight", "no_party", "bad_hs_code",
             "duplicate_record_id", "ragged_line")
"""Quarantine reasons of the deliberately bad rows; code ``k`` in a chunk's ``bad`` array is ``BAD_KINDS[k-1]``."""
_NAME_P = np.array([0.34, 0.16, 0.14, 0.12, 0.12, 0.12])
_ID_COLUMN = {0: "identifier", 1: "PEDIMENTO", 2: "BL_NUMBER"}
_DATE_COLUMN = {0: "actual_arrival_date", 1: "FECHA", 2: "SHIPMENT_DATE"}
_WEIGHT_COLUMN = {0: "weight", 1: "PESO_BRUTO", 2: "GROSS_WEIGHT"}
_HS_COLUMN = {0: "harmonized_number", 1: "FRACCION", 2: "HS_CODE"}
_ROLE_COLUMNS = {0: {"shipper": "shipper_party_name", "consignee": "consignee_name", "notify": "notify_party_name"},
                 1: {"shipper": "PROVEEDOR", "consignee": "IMPORTADOR"},
                 2: {"shipper": "SHIPPER_NAME", "consignee": "CONSIGNEE_NAME", "notify": "NOTIFY_PARTY"}}


class Tables:
    """The world's variant tables as Arrow arrays, ready for ``take``."""

    def __init__(self, world: World):
        lex = lexicon()
        self.names = pa.array(world.names_utf8)
        self.names_latin1 = pa.array(world.names_latin1)
        self.addr_lines = [pa.array(lines) for lines in world.addr_lines]
        self.addr = pa.array(world.addr_joined)
        self.addr_latin1 = pa.array([to_latin1(a) for a in world.addr_joined])
        self.phones = pa.array(world.phones)
        self.taxes = pa.array(world.taxes)
        self.entity_ids = pa.array(world.entity_ids, pa.string())
        countries = [c.country for c in world.companies]
        self.alpha2 = pa.array(countries + [None])
        self.alpha3 = pa.array([lex["countries"][c]["alpha3"] for c in countries] + [None])
        cat = world.catalog.tables
        self.desc = pa.array(cat["desc"])
        hs = cat["hs"]
        self.hs_formats = pa.array([f for h in hs for f in (h[:6], f"{h[:4]}.{h[4:6]}.{h[6:]}", h)])
        self.hs8 = pa.array([h[:8] for h in hs])
        self.hs_intl = pa.array([f for h in hs for f in (h[:6], f"{h[:4]}.{h[4:6]}", h[:8])])
        self.ports = pa.array(cat["port"])
        self.country_es = pa.array([lex["countries"][c]["es"] for c in cat["country"]])
        self.vessels = pa.array([f"{a.upper()} {b.upper()}" for a in lex["vessel_words"] for b in lex["vessel_words"]
                                 if a != b])
        self.carriers = pa.array(lex["carrier_codes"])


@dataclass
class Rendered:
    """One file's part of a chunk: the table to write, its mentions, and what the truth must record."""

    table: pa.Table
    mentions: pa.Table
    record_ids: pa.Array
    ragged_at: int | None
    bad: list[dict]


def _take(array: pa.Array, index: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return array.take(pa.array(index, mask=None if valid is None else ~valid))


def _digits(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width, padding="0")


def _number(values: np.ndarray, decimals: int) -> pa.Array:
    return pc.cast(pc.round(pa.array(values), decimals), pa.string())


def _blank_to_null(values: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def _party(t: Tables, index: np.ndarray, rng: np.random.Generator, latin1: bool,
           fields: frozenset[str]) -> dict[str, pa.Array]:
    """The columns of one party role; only ``fields`` are built (each is a ``take`` over the chunk)."""
    n = len(index)
    valid = index >= 0
    safe = np.where(valid, index, 0)
    name_slot = rng.choice(NAME_SLOTS, size=n, p=_NAME_P)
    addr_slot = safe * ADDRESS_SLOTS + rng.integers(0, ADDRESS_SLOTS, n)
    phone_slot = safe * PHONE_SLOTS + rng.integers(0, PHONE_SLOTS, n)
    has_phone = valid & (rng.random(n) < 0.65)
    tax_slot = safe * 2 + rng.integers(0, 2, n)
    out = {"name": _take(t.names_latin1 if latin1 else t.names, safe * NAME_SLOTS + name_slot, valid),
           "entity": _take(t.entity_ids, safe, valid)}
    if "lines" in fields:
        out["lines"] = [_blank_to_null(_take(lines, addr_slot, valid)) for lines in t.addr_lines]
    if "line1" in fields:
        out["lines"] = [_blank_to_null(_take(t.addr_lines[0], addr_slot, valid))]
    if "addr" in fields:
        out["addr"] = _take(t.addr_latin1 if latin1 else t.addr, addr_slot, valid)
    if "phone" in fields:
        out["phone"] = _take(t.phones, phone_slot, has_phone)
    if "tax" in fields:
        out["tax"] = _take(t.taxes, tax_slot, valid)
    if "country" in fields:
        out["alpha2"] = _take(t.alpha2, safe, valid)
        out["alpha3"] = _take(t.alpha3, safe, valid)
    return out


def _dates(days: np.ndarray, fmt: str) -> pa.Array:
    stamps = pa.array((START_DATE + days.astype("timedelta64[D]")).astype("datetime64[s]"))
    return pc.strftime(stamps, format=fmt)


def _logistics(t: Tables, c: dict[str, np.ndarray], rng: np.random.Generator, serial: np.ndarray) -> dict:
    n = len(serial)
    carrier = rng.integers(0, len(t.carriers), n)
    code = _take(t.carriers, carrier)
    return {
        "vessel_name": _take(t.vessels, rng.integers(0, len(t.vessels), n)),
        "carrier_code": code,
        "container_number": pc.binary_join_element_wise(
            pc.utf8_slice_codeunits(code, 0, 3), pa.repeat(pa.scalar("U"), n), _digits(rng.integers(0, 10**7, n), 7), ""),
        "master_bol_number": pc.binary_join_element_wise(code, _digits(serial * 7 + 1000003, 10), ""),
    }


def _us(t: Tables, c: dict, rng, serial: np.ndarray) -> tuple[pa.Table, dict]:
    n = len(serial)
    s, g = (_party(t, c[k], rng, False, frozenset({"lines", "phone"})) for k in ("shipper", "consignee"))
    notify = _party(t, c["notify"], rng, False, frozenset({"line1"}))
    lb = rng.random(n) < 0.2
    weight = np.where(lb, c["kg"] * 2.20462, c["kg"])
    logistics = _logistics(t, c, rng, serial)
    house = rng.random(n) < 0.45
    cols = {
        "identifier": pc.cast(pa.array(serial + 202100000000), pa.string()),
        "actual_arrival_date": _dates(c["day"], "%Y-%m-%d"),
        "shipper_party_name": s["name"], **{f"shipper_party_address_{k + 1}": s["lines"][k] for k in range(4)},
        "shipper_comm_number": s["phone"],
        "consignee_name": g["name"], **{f"consignee_address_{k + 1}": g["lines"][k] for k in range(4)},
        "consignee_comm_number": g["phone"],
        "notify_party_name": notify["name"], "notify_party_address_1": notify["lines"][0],
        "harmonized_number": _take(t.hs_formats, c["hs"].astype(np.int64) * 3 + rng.integers(0, 3, n)),
        "description_text": _take(t.desc, c["desc"]),
        "weight": _number(np.round(weight), 0), "weight_unit": pa.array(np.where(lb, "LB", "KG")),
        "manifest_quantity": pc.cast(pa.array(np.maximum(1, (c["kg"] / rng.uniform(15, 60, n)).astype(np.int64))),
                                     pa.string()),
        "manifest_unit": pa.array(np.array(["PKG", "CTN", "PLT", "DRM", "BAG"])[rng.integers(0, 5, n)]),
        "foreign_port_of_lading": _take(t.ports, c["lading"]),
        "port_of_unlading": _take(t.ports, c["unlading"]),
        "place_of_receipt": _take(t.ports, c["lading"], rng.random(n) < 0.6),
        **logistics,
        "house_bol_number": pc.if_else(pa.array(house), pc.binary_join_element_wise(
            pa.repeat(pa.scalar("HB"), n), _digits(serial * 13 + 77, 9), ""), pa.scalar(None, pa.string())),
    }
    return pa.table(cols), {"shipper": s, "consignee": g, "notify": notify}


def _mx(t: Tables, c: dict, rng, serial: np.ndarray) -> tuple[pa.Table, dict]:
    n = len(serial)
    s = _party(t, c["shipper"], rng, True, frozenset({"addr", "phone"}))
    g = _party(t, c["consignee"], rng, True, frozenset({"addr", "tax"}))
    unit_roll = rng.random(n)
    unit = np.where(unit_roll < 0.85, "KG", np.where(unit_roll < 0.9, "LB", "T"))
    weight = np.where(unit == "LB", c["kg"] * 2.20462, np.where(unit == "T", c["kg"] / 1000, c["kg"]))
    years = (START_DATE + c["day"].astype("timedelta64[D]")).astype("datetime64[Y]").astype(np.int64) + 1970
    cols = {
        "PEDIMENTO": pc.binary_join_element_wise(
            _digits(years % 100, 2), _digits(rng.integers(16, 81, n), 2), _digits(3000 + serial % 997, 4),
            _digits(serial, 7), " "),
        "FECHA": _dates(c["day"], "%d/%m/%Y"),
        "PROVEEDOR": s["name"], "DOMICILIO_PROVEEDOR": s["addr"],
        "PAIS_ORIGEN": _take(t.country_es, c["origin"]), "TELEFONO_PROVEEDOR": s["phone"],
        "IMPORTADOR": g["name"], "RFC_IMPORTADOR": g["tax"], "DOMICILIO_IMPORTADOR": g["addr"],
        "FRACCION": _take(t.hs8, c["hs"]), "DESCRIPCION": _take(t.desc, c["desc"]),
        "PESO_BRUTO": pc.cast(pa.array(np.where(unit == "T", np.round(weight, 3), np.round(weight, 2))), pa.string()), "UNIDAD_PESO": pa.array(unit),
        "VALOR_USD": _number(c["usd"], 2), "ADUANA": _take(t.ports, c["unlading"]),
    }
    return pa.table(cols), {"shipper": s, "consignee": g}


def _intl(t: Tables, c: dict, rng, serial: np.ndarray) -> tuple[pa.Table, dict]:
    n = len(serial)
    s = _party(t, c["shipper"], rng, False, frozenset({"addr", "country", "phone"}))
    g = _party(t, c["consignee"], rng, False, frozenset({"addr", "country"}))
    notify = _party(t, c["notify"], rng, False, frozenset())
    alpha3 = rng.random(n) < 0.4
    code = _take(t.carriers, rng.integers(0, len(t.carriers), n))
    cols = {
        "SHIPPER_NAME": s["name"], "SHIPPER_ADDRESS": s["addr"],
        "SHIPPER_COUNTRY": pc.if_else(pa.array(alpha3), s["alpha3"], s["alpha2"]), "SHIPPER_PHONE": s["phone"],
        "CONSIGNEE_NAME": g["name"], "CONSIGNEE_ADDRESS": g["addr"],
        "CONSIGNEE_COUNTRY": pc.if_else(pa.array(alpha3), g["alpha3"], g["alpha2"]),
        "NOTIFY_PARTY": notify["name"],
        "HS_CODE": _take(t.hs_intl, c["hs"].astype(np.int64) * 3 + rng.integers(0, 3, n)),
        "PRODUCT_DESCRIPTION": _take(t.desc, c["desc"]), "VALUE_IN_USD": _number(c["usd"], 2),
        "GROSS_WEIGHT": _number(c["kg"], 1), "ORIGIN_PORT": _take(t.ports, c["lading"]),
        "DESTINATION_PORT": _take(t.ports, c["unlading"]), "SHIPMENT_DATE": _dates(c["day"], "%Y-%m-%d"),
        "BL_NUMBER": pc.binary_join_element_wise(code, _digits(serial * 3 + 500000011, 10), ""),
    }
    return pa.table(cols), {"shipper": s, "consignee": g, "notify": notify}


_RENDERERS = {0: _us, 1: _mx, 2: _intl}
FILE_NAMES = {0: "shipments-us.csv", 1: "shipments-mx.csv", 2: "shipments-intl.csv"}


def _replace(table: pa.Table, column: str, rows: list[int], values: list[str]) -> pa.Table:
    mask = np.zeros(table.num_rows, dtype=bool)
    mask[rows] = True
    order = np.argsort(rows)
    new = pc.replace_with_mask(table[column].combine_chunks(), pa.array(mask),
                               pa.array([values[i] for i in order], pa.string()))
    return table.set_column(table.schema.get_field_index(column), column, new)


def _break_rows(file: int, table: pa.Table, bad: np.ndarray) -> tuple[pa.Table, int | None, list[dict]]:
    """Apply the deliberate defects; return the table, the ragged row (if any) and their descriptions."""
    rows = np.flatnonzero(bad)
    id_column = table[_ID_COLUMN[file]]
    edits: dict[str, tuple[list[int], list[str]]] = {}
    ragged, out = None, []

    def edit(column: str, row: int, value: str) -> None:
        edits.setdefault(column, ([], []))
        edits[column][0].append(row)
        edits[column][1].append(value)

    for row in rows:
        kind = BAD_KINDS[bad[row] - 1]
        detail, record_id = "", id_column[row].as_py()
        if kind == "bad_date":
            value = "2022-02-30" if file != 1 else "30/02/2022"
            edit(_DATE_COLUMN[file], row, value)
            detail = f"{_DATE_COLUMN[file]}={value!r}"
        elif kind == "bad_weight":
            edit(_WEIGHT_COLUMN[file], row, "UNKNOWN")
            detail = f"{_WEIGHT_COLUMN[file]}='UNKNOWN'"
        elif kind == "negative_weight":
            value = "-" + table[_WEIGHT_COLUMN[file]][row].as_py()
            edit(_WEIGHT_COLUMN[file], row, value)
            detail = f"{_WEIGHT_COLUMN[file]}={value!r}"
        elif kind == "bad_hs_code":
            edit(_HS_COLUMN[file], row, "29O3.39")
            detail = f"{_HS_COLUMN[file]}='29O3.39' (letter O)"
        elif kind == "duplicate_record_id":
            source = row - 1 if row > 0 else row + 1
            record_id = id_column[source].as_py()
            edit(_ID_COLUMN[file], row, record_id)
            detail = f"repeats the id of the record on line offset {source - row:+d}"
        elif kind == "ragged_line":
            ragged = int(row)
            detail = "two extra fields at the end of the line"
        elif kind == "no_party":
            detail = "shipper and consignee names and addresses empty"
        out.append({"row": int(row), "record_id": record_id, "reason": kind, "detail": detail})
    for column, (where, values) in edits.items():
        table = _replace(table, column, where, values)
    return table, ragged, out


def render_file(t: Tables, file: int, chunk: dict[str, np.ndarray], bad: np.ndarray, rng: np.random.Generator,
                serial: np.ndarray, first_line: int) -> Rendered:
    """Build one file's rows of ``chunk``; ``first_line`` is the file line number of the first row."""
    table, parties = _RENDERERS[file](t, chunk, rng, serial)
    table, ragged, bad_rows = _break_rows(file, table, bad)
    record_ids = table[_ID_COLUMN[file]].combine_chunks()
    lines = np.arange(first_line, first_line + table.num_rows, dtype=np.int64)
    parts = []
    for role, column in _ROLE_COLUMNS[file].items():
        names = table[column].combine_chunks()
        present = pc.invert(pc.is_null(names))
        parts.append(pa.table({
            "file": pa.repeat(pa.scalar(FILE_NAMES[file]), table.num_rows).filter(present),
            "record_id": record_ids.filter(present), "line": pa.array(lines).filter(present),
            "role": pa.repeat(pa.scalar(role), table.num_rows).filter(present), "name": names.filter(present),
            "entity_id": parties[role]["entity"].filter(present),
        }))
    for entry in bad_rows:
        entry["line"] = int(first_line + entry.pop("row"))
        entry["file"] = FILE_NAMES[file]
    return Rendered(table=table, mentions=pa.concat_tables(parts), record_ids=record_ids, ragged_at=ragged,
                    bad=bad_rows)
