"""``tracekit demo`` on the command line, and the summary's renderings."""

from __future__ import annotations

import json

from tracekit.cli import main
from tracekit.demo import DemoSummary


def test_cli_writes_the_dataset_and_prints_json(tmp_path, capsys):
    out = tmp_path / "tmp"
    assert main(["demo", "--rows", "5000", "--out", str(out), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert sum(printed["rows_per_file"].values()) == 5000
    assert printed["networks"] >= 4 and printed["bad_rows"] >= 7
    assert {p.name for p in out.iterdir()} == set(printed["files"])
    assert not (out / ".tracekit-demo-partial").exists()


def test_cli_reports_user_errors(tmp_path, capsys):
    assert main(["demo", "--rows", "10", "--out", str(tmp_path)]) == 2
    assert "at least 1,000" in capsys.readouterr().err


def test_summary_renders_and_escapes(tmp_path):
    summary = DemoSummary(out_dir=tmp_path / "<b>x</b>", seed=1, rows=10, rows_per_file={"a.csv": 10}, seconds=1)
    assert "<b>x</b>" in str(summary)
    assert "&lt;b&gt;x&lt;/b&gt;" in summary._repr_html_() and "<b>x</b>" not in summary._repr_html_()
