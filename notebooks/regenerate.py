"""Re-run the tutorial notebooks and save their outputs (after a deliberate change of output).

    .venv/bin/python notebooks/regenerate.py

Widget state is dropped after execution so that nbconvert, GitHub and PDF exports show each graph's
static SVG (JupyterLab shows the live widget when the kernel runs).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def regenerate(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}).execute()
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)


if __name__ == "__main__":
    for name in sys.argv[1:] or sorted(p.name for p in HERE.glob("[0-9][0-9]-*.ipynb")):
        regenerate(HERE / name)
        print(f"regenerated {name}")
