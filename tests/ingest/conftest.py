"""Fixtures for the ingest tests: small trade files written on the fly."""

from __future__ import annotations

from pathlib import Path

import pytest

AMS_HEADER = ("identifier,actual_arrival_date,shipper_party_name,shipper_party_address_1,consignee_name,"
              "harmonized_number,description_text,weight,weight_unit,extra_col")


@pytest.fixture
def write(tmp_path: Path):
    """write(name, text_or_bytes, encoding='utf-8') -> Path of a new file in tmp_path."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return _write


@pytest.fixture
def ws():
    import tracekit

    workspace = tracekit.Workspace()
    yield workspace
    workspace.close()


def ams_rows(*rows: str) -> str:
    return AMS_HEADER + "\n" + "".join(r + "\n" for r in rows)
