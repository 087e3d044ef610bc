"""One small demo world per test session, plus readers that parse its files independently of tracekit."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from tracekit.demo import generate
from tracekit.demo.truth import read_truth

ENCODINGS = {"shipments-us.csv": "utf-8", "shipments-mx.csv": "latin-1", "shipments-intl.csv": "utf-8-sig"}
NAME_COLUMNS = {
    "shipments-us.csv": {"shipper": "shipper_party_name", "consignee": "consignee_name", "notify": "notify_party_name"},
    "shipments-mx.csv": {"shipper": "PROVEEDOR", "consignee": "IMPORTADOR"},
    "shipments-intl.csv": {"shipper": "SHIPPER_NAME", "consignee": "CONSIGNEE_NAME", "notify": "NOTIFY_PARTY"},
}


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate(out, rows=12_000, seed=11, progress=False)
    return out


@pytest.fixture(scope="session")
def truth(demo_dir) -> dict:
    return read_truth(demo_dir)


@pytest.fixture(scope="session")
def mentions(demo_dir) -> pd.DataFrame:
    return pd.read_parquet(demo_dir / "truth-mentions.parquet")


def read_rows(path: Path) -> tuple[list[str], dict[int, list[str]]]:
    """Header and every data row keyed by its line number (header = line 1), ragged lines included."""
    with open(path, encoding=ENCODINGS[path.name], newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = {}
        for row in reader:
            rows[reader.line_num] = row
    return header, rows


@pytest.fixture(scope="session")
def files(demo_dir) -> dict[str, tuple[list[str], dict[int, list[str]]]]:
    return {name: read_rows(demo_dir / name) for name in ENCODINGS}
