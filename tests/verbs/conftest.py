"""A small resolved workspace with near-namesakes and hostile names, shared by the verb tests."""

from __future__ import annotations

import pandas as pd
import pytest

HOSTILE = '<img src=x onerror="window.__pwned=1"> TRADING LTD'

ROWS = [
    # shipper, consignee, hs, date, description
    ("Alpha Chem Co", "Beta Import SA", "293339", "2023-01-02", "N-PHENETHYL-4-PIPERIDONE 25KG"),
    ("Alpha Chem Co", "Beta Import SA", "293339", "2023-02-03", "NPP 25KG DRUMS"),
    ("Alpha Chem Co", "Gamma Quimica SA", "293339", "2023-03-04", "PIPERIDINE DERIVATIVE"),
    ("Beta Import SA", "Delta Labs SA", "293339", "2023-04-05", "CHEMICALS"),
    ("Gamma Quimica SA", "Delta Labs SA", "293339", "2023-05-06", "CHEMICALS"),
    ("Global Trading Co", "Delta Labs SA", "281000", "2023-06-07", "INDUSTRIAL SALT"),
    ("Global Pharma Ltd", "Beta Import SA", "281000", "2023-07-08", "INDUSTRIAL SALT"),
    (HOSTILE, "Alpha Chem Co", "293339", "2022-12-01", "=HYPERLINK(\"http://x\") <script>alert(1)</script>"),
    (HOSTILE, "Alpha Chem Co", "293339", "2022-12-15", "PRECURSOR <b>bold</b>"),
    ("", "", "293339", "2023-01-09", "<script>no party</script>"),  # quarantined: no party
]


def build(folder):
    """Load and resolve ROWS into a workspace at ``folder/ws``; returns it open."""
    import tracekit

    frame = pd.DataFrame(ROWS, columns=["shipper_name", "consignee_name", "hs_code", "date", "description"])
    path = folder / "bills.csv"
    frame.to_csv(path, index=False)
    workspace = tracekit.Workspace(folder / "ws")
    workspace.load(str(path), progress=False)
    workspace.resolve(progress=False)
    return workspace


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    workspace = build(tmp_path_factory.mktemp("verbs"))
    yield workspace
    workspace.close()


@pytest.fixture(scope="module")
def closed_ws(tmp_path_factory):
    """The folder of a built workspace, closed (for the CLI and %tk, which open it themselves)."""
    workspace = build(tmp_path_factory.mktemp("verbs-closed"))
    workspace.graph()  # build the graph tables now, so read-only verbs find them
    workspace.flags()
    workspace.close()
    return workspace.path


def entity_id(ws, name: str) -> int:
    return int(ws.sql("SELECT entity_id FROM entities WHERE name = ?", [name])["entity_id"].iloc[0])
