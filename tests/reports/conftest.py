"""A small demo world, resolved and screened, briefed once through the CLI (kernel runs cost seconds each)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import tracekit
from tracekit.demo import generate
from tracekit.demo.sanctions import SANCTIONS_FILE
from tracekit.demo.truth import planted_importer_name, read_truth
from tracekit.reports.render import find_chromium

REPO = Path(__file__).resolve().parents[2]


@dataclass
class DemoBrief:
    world: Path
    workspace: Path
    html: Path
    pdf: Path | None
    stdout: str
    subject: str
    truth: dict


@pytest.fixture(scope="session")
def demo_brief(tmp_path_factory) -> DemoBrief:
    """`tracekit brief <planted importer of N1> --pdf` on a 5,000-row world (the PDF where Chromium is)."""
    root = tmp_path_factory.mktemp("brief-demo")
    world, workspace = root / "world", root / "ws"
    generate(world, rows=5_000, seed=3, progress=False)
    ws = tracekit.Workspace(workspace)
    ws.load(str(world / "shipments-*.csv"), progress=False)
    ws.resolve(progress=False)
    ws.screen_lists.add(world / SANCTIONS_FILE, name="fictional")
    ws.close()
    subject = planted_importer_name(world, 0)
    out = root / "reports" / "brief.html"
    pdf = find_chromium() is not None
    run = subprocess.run([sys.executable, "-m", "tracekit", "brief", subject, "--workspace", str(workspace),
                          "--out", str(out), *(["--pdf"] if pdf else [])],
                         capture_output=True, text=True, timeout=600, cwd=root)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return DemoBrief(world, workspace, out, out.with_suffix(".pdf") if pdf else None, run.stdout, subject,
                     read_truth(world))
