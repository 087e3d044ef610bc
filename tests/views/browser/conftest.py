"""A real JupyterLab on a free localhost port, and Debian's Chromium driven by Playwright.

The server runs with no token and a throw-away root, settings and workspaces folder; news fetching is
switched off so no toast covers the notebook. Everything is killed at teardown. Tests skip (with the
reason) when /usr/bin/chromium is missing; CI installs it (``make browser``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[3]
ARTIFACTS = REPO / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_lab(folder: Path):
    """Start ``jupyter lab`` on a free port with everything under ``folder``; yield ``(url, root)``."""
    root, settings = folder / "root", folder / "settings"
    news = settings / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    root.mkdir()
    (news / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false",
                                                                       "checkForUpdates": False}))
    # the settings defaults tracekit ships (saveState: re-opened notebooks keep their explorers), read
    # from the repository so the test checks the file that is installed
    app_settings = folder / "app-settings"
    (app_settings / "overrides.d").mkdir(parents=True)
    shutil.copy(REPO / "widgets" / "overrides.d" / "tracekit.json", app_settings / "overrides.d")
    port = _free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(folder / "config"), JUPYTERLAB_SETTINGS_DIR=str(settings),
               TRACEKIT_WORKSPACE=str(root / "tracekit-workspace"))
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--ServerApp.root_dir={root}", "--IdentityProvider.token=", "--ServerApp.password=",
         "--ServerApp.disable_check_xsrf=True", f"--LabApp.user_settings_dir={settings}", f"--LabApp.app_settings_dir={app_settings}",
         f"--LabApp.workspaces_dir={folder / 'workspaces'}", "--LabServerApp.news_url=",
         "--ServerApp.allow_remote_access=False", "--allow-root"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status", timeout=2)
                break
            except OSError as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("jupyter lab did not start: " + process.stderr.read().decode()[-2000:]) from exc
                time.sleep(0.3)
        yield base, root
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


_PLAYWRIGHT = None


def _playwright():
    """One Playwright driver per test process: the sync API refuses a second one started while the first
    runs in the same thread ("Sync API inside the asyncio loop"), and session- and module-scoped browser
    fixtures of different test files do overlap."""
    global _PLAYWRIGHT
    if _PLAYWRIGHT is None:
        import atexit

        from playwright.sync_api import sync_playwright

        _PLAYWRIGHT = sync_playwright().start()
        atexit.register(_PLAYWRIGHT.stop)
    return _PLAYWRIGHT


@contextlib.contextmanager
def chromium():
    """Debian's Chromium, headless, through Playwright (never a downloaded browser)."""
    browser = _playwright().chromium.launch(
        executable_path=str(CHROMIUM), headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """``(base_url, root)``: a running JupyterLab serving the temporary folder ``root``."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: run `make browser` (apt-get install chromium)")
    with running_lab(tmp_path_factory.mktemp("lab")) as (base, root):
        yield base, root


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: run `make browser` (apt-get install chromium)")
    with chromium() as chrome:
        yield chrome


def write_notebook(root: Path, name: str, cells: list[str]) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / name)
    return name


def open_notebook(page, base: str, name: str) -> None:
    """Open a notebook, accept the kernel dialog and wait until the kernel is idle."""
    page.goto(f"{base}/lab/tree/{name}?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    try:
        page.locator(".jp-Dialog .jp-mod-accept").click(timeout=5_000)
    except Exception:  # noqa: BLE001 - no dialog: the kernel was chosen from the metadata
        pass
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)


def run_all(page) -> float:
    """Run every cell (Shift+Enter from the first); returns the page's clock when execution started."""
    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.keyboard.press("Escape")
    started = page.evaluate("performance.now()")
    count = page.locator(".jp-Notebook .jp-Cell").count()
    for _ in range(count):
        page.keyboard.press("Shift+Enter")
    return started


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def copy_artifact(path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(path, ARTIFACTS / path.name)
