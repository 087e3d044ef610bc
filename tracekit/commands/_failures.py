"""One place that turns a failure into what a user sees: one line and an exit code, never a traceback.

Shared by the ``tracekit`` CLI and the ``%tk`` magic:

* :class:`~tracekit.errors.TracekitError` (bad input, a workspace that cannot be used as asked): its
  message, exit code 2;
* ``OSError`` that escaped the boundaries (a file that vanished, a full disk): the system's words and
  the path, exit code 2;
* Ctrl-C: "interrupted; work in progress was rolled back", exit code 130 (every load and resolution
  runs in transactions that the interrupt rolls back);
* anything else is a bug in tracekit: one line saying so, the traceback written to
  ``tracekit-error.log`` in the workspace (or the temp folder), exit code 1.

``--debug`` prints the traceback as well, in every case.
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
import traceback
from pathlib import Path

from tracekit.errors import TracekitError
from tracekit.safetext import visible, visible_lines

__all__ = ["report_failure", "ERROR_LOG", "EXIT_USER_ERROR", "EXIT_BUG", "EXIT_INTERRUPTED"]

ERROR_LOG = "tracekit-error.log"
EXIT_BUG, EXIT_USER_ERROR, EXIT_INTERRUPTED = 1, 2, 130


def report_failure(exc: BaseException, *, prefix: str, debug: bool = False,
                   log_folder: Path | None = None, argv: list[str] | None = None) -> int:
    """Print ``exc`` to stderr as one line starting with ``prefix``; return the exit code."""
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, KeyboardInterrupt):
        print(f"{prefix}: interrupted; work in progress was rolled back", file=sys.stderr)
        return EXIT_INTERRUPTED
    if isinstance(exc, TracekitError):
        print(f"{prefix}: error: {visible_lines(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR
    if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
        where = f": {visible(exc.filename)}" if exc.filename else ""
        print(f"{prefix}: error: {visible(exc.strerror or exc)}{where}", file=sys.stderr)
        return EXIT_USER_ERROR
    log = _write_log(exc, log_folder, argv)
    first = visible(str(exc).splitlines()[0] if str(exc) else "")
    where = f"the traceback is in {log}" if log else "the traceback could not be saved"
    hint = "" if debug else "; run again with --debug to print it"
    print(f"{prefix}: internal error ({type(exc).__name__}: {first[:300]}). This is a bug in tracekit, "
          f"not your data: {where}{hint}", file=sys.stderr)
    return EXIT_BUG


def _write_log(exc: BaseException, folder: Path | None, argv: list[str] | None) -> Path | None:
    folders = [f for f in (folder, Path(tempfile.gettempdir())) if f is not None]
    text = (f"--- {datetime.datetime.now(datetime.UTC).isoformat(timespec='seconds')} pid {os.getpid()}\n"
            f"command: {' '.join(argv or sys.argv)}\n"
            + "".join(traceback.format_exception(exc)))
    for where in folders:
        path = where / ERROR_LOG
        try:
            with open(path, "a", encoding="utf-8", errors="backslashreplace") as handle:
                handle.write(text)
            return path
        except OSError:
            continue
    return None
