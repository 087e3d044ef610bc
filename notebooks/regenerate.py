"""Re-run the tutorial notebooks and save their outputs (after a deliberate change of output).

    .venv/bin/python notebooks/regenerate.py

The widget state is saved with the outputs (as JupyterLab does for tracekit users), so the notebook
re-opened without running it still shows its explorers. For HTML without widgets or CDN scripts, export
with ``jupyter nbconvert --to tracekit_html`` (tracekit.views.shared), which shows each graph's SVG.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def regenerate(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(HERE)}}).execute()
    nbformat.write(nb, path)


if __name__ == "__main__":
    for name in sys.argv[1:] or sorted(p.name for p in HERE.glob("[0-9][0-9]-*.ipynb")):
        regenerate(HERE / name)
        print(f"regenerated {name}")
