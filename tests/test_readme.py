"""The README's quick start runs as written (so the first thing a new user tries works)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_quick_start_runs(tmp_path, monkeypatch, capsys):
    block = re.search(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S).group(1)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - our own README
    out = capsys.readouterr().out
    assert "quarantined" in out
    suppliers = namespace["suppliers"]
    assert len(suppliers.graph) > 1, "the traced importer has suppliers in the demo world"
    assert (tmp_path / "my-case").is_dir()
    assert (tmp_path / "case.csv").stat().st_size and (tmp_path / "case.ftm.jsonl").stat().st_size
