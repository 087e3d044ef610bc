"""The files honour the output contract: names, encodings, headers, row counts, determinism."""

from __future__ import annotations

import hashlib
import re

import pytest

from tests.demo.conftest import ENCODINGS
from tracekit.demo import generate
from tracekit.errors import TracekitError

US_COLUMNS = ["identifier", "actual_arrival_date", "shipper_party_name", "consignee_name", "notify_party_name",
              "harmonized_number", "description_text", "weight", "weight_unit", "foreign_port_of_lading",
              "port_of_unlading", "container_number", "master_bol_number", "house_bol_number", "shipper_comm_number"]
MX_COLUMNS = ["PEDIMENTO", "FECHA", "PROVEEDOR", "DOMICILIO_PROVEEDOR", "PAIS_ORIGEN", "TELEFONO_PROVEEDOR",
              "IMPORTADOR", "RFC_IMPORTADOR", "DOMICILIO_IMPORTADOR", "FRACCION", "DESCRIPCION", "PESO_BRUTO",
              "UNIDAD_PESO", "VALOR_USD", "ADUANA"]
INTL_COLUMNS = ["SHIPPER_NAME", "SHIPPER_ADDRESS", "SHIPPER_COUNTRY", "SHIPPER_PHONE", "CONSIGNEE_NAME",
                "CONSIGNEE_ADDRESS", "CONSIGNEE_COUNTRY", "NOTIFY_PARTY", "HS_CODE", "PRODUCT_DESCRIPTION",
                "VALUE_IN_USD", "GROSS_WEIGHT", "ORIGIN_PORT", "DESTINATION_PORT", "SHIPMENT_DATE", "BL_NUMBER"]


def _digest(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path):
    a = generate(tmp_path / "a", rows=3_000, seed=5, progress=False)
    generate(tmp_path / "b", rows=3_000, seed=5, progress=False)
    generate(tmp_path / "c", rows=3_000, seed=6, progress=False)
    da, db, dc = (_digest(tmp_path / x) for x in "abc")
    assert set(da) == {*ENCODINGS, "truth.json", "truth-mentions.parquet", "sanctions.ftm.jsonl"}
    assert da == db
    assert all(da[name] != dc[name] for name in da)
    assert sum(a.rows_per_file.values()) == 3_000


def test_headers_and_row_counts(files, truth):
    us_header = files["shipments-us.csv"][0]
    assert set(US_COLUMNS) <= set(us_header)
    assert [f"shipper_party_address_{k}" for k in range(1, 5)] == [c for c in us_header if "shipper_party_addr" in c]
    assert files["shipments-mx.csv"][0] == MX_COLUMNS
    assert files["shipments-intl.csv"][0] == INTL_COLUMNS
    for name, (_, rows) in files.items():
        assert len(rows) == truth["rows"][name]
    assert sum(truth["rows"].values()) == truth["rows_requested"] == 12_000


def test_encodings(demo_dir):
    mx = (demo_dir / "shipments-mx.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        mx.decode("utf-8")  # really Latin-1: accented Spanish letters are single bytes
    assert "México" in mx.decode("latin-1")
    intl = (demo_dir / "shipments-intl.csv").read_bytes()
    assert intl.startswith(b"\xef\xbb\xbf")
    assert "有限公司" in intl.decode("utf-8-sig") or "有限公司" in (demo_dir / "shipments-us.csv").read_text("utf-8")


def test_formats(files):
    _, us = files["shipments-us.csv"]
    _, mx = files["shipments-mx.csv"]
    _, intl = files["shipments-intl.csv"]
    iso = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    assert sum(bool(iso.match(r[1])) for r in us.values()) >= len(us) - 5
    assert sum(bool(re.match(r"^\d{2}/\d{2}/\d{4}$", r[1])) for r in mx.values()) >= len(mx) - 5
    assert {r[12] for r in mx.values()} == {"KG", "LB", "T"}
    assert sum(bool(re.match(r"^\d{8}$", r[9])) for r in mx.values()) >= len(mx) - 5
    countries = {r[2] for r in intl.values()}
    assert "CN" in countries and "CHN" in countries
    assert {"CHINA", "ESTADOS UNIDOS"} <= {r[4] for r in mx.values()}


def test_rejects_too_few_rows(tmp_path):
    with pytest.raises(TracekitError, match="at least"):
        generate(tmp_path, rows=10, progress=False)
