"""The ``tracekit`` command line: ``tracekit VERB [options]``; ``tracekit --help`` lists the verbs.

Every failure ends as one line on stderr and an exit code (2 bad input, 130 interrupted, 1 a bug, with
the traceback saved): see :mod:`tracekit.commands._failures`.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from tracekit.commands import build_parser
from tracekit.commands._failures import report_failure

__all__ = ["main", "DEFAULT_WORKSPACE"]

DEFAULT_WORKSPACE = "tracekit-workspace"
INTERRUPT_DEADLINE = 0.4
"""Seconds after Ctrl-C that a verb has to unwind before the process ends anyway (the promise is a second)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one verb; return the process exit code (0 ok, 1 bug, 2 user error, 130 interrupted)."""
    try:
        code = _main(argv)
    except KeyboardInterrupt:  # before a verb started (while importing) or after it ended
        print("tracekit: interrupted", file=sys.stderr)
        code = 130
    if code == 130 and argv is None:
        # A process run from the shell, its workspace closed: skip the interpreter's slow teardown
        # (thread joins, module finalisers) so the prompt is back well within the promised second.
        with contextlib.suppress(Exception):
            sys.stdout.flush(), sys.stderr.flush()
        os._exit(130)
    return code


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser(workspace_default=os.environ.get("TRACEKIT_WORKSPACE", DEFAULT_WORKSPACE))
    args = parser.parse_args(argv)
    if getattr(args, "_command", None) is None:
        parser.print_help()
        return 2
    command = args._command
    from tracekit.commands import deprecation_note

    note = deprecation_note(args, "tracekit")
    if note:
        print(note, file=sys.stderr)
    ws = None
    try:
        if command.needs_workspace:
            from tracekit.workspace import Workspace

            if getattr(args, "dry_run", False):
                ws = Workspace(None)  # a dry run writes nothing, not even a new workspace folder
            else:  # sparkverbs: the engine switch (--engine / $TRACEKIT_ENGINE) opens DuckDB or Spark
                from tracekit.commands._engine import open_workspace

                ws = open_workspace(args.workspace, engine=args.engine, master=args.spark_master,
                                    read_only=args.read_only, create=command.creates_workspace)
        if ws is not None:
            with ws.store.prompt_interrupts(deadline=INTERRUPT_DEADLINE,
                                            on_deadline=lambda: _stop_now(command.name, ws)):
                result = command.run(ws, args)
        else:
            result = command.run(ws, args)
        if result is not None:
            from tracekit.commands._render import to_json_text, to_text

            print(to_json_text(result) if args.json else to_text(result))
        return 0
    except BrokenPipeError:
        # `tracekit search … | head`: the reader left; that is not an error worth a traceback.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stop Python's flush at exit from failing again
        return 0
    except BaseException as exc:  # noqa: BLE001 - the one place that turns every failure into one line
        if isinstance(exc, SystemExit | GeneratorExit):
            raise
        folder = ws.path if ws is not None else _existing_folder(getattr(args, "workspace", None))
        return report_failure(exc, prefix=f"tracekit {command.name}", debug=args.debug, log_folder=folder,
                              argv=["tracekit", *(argv if argv is not None else sys.argv[1:])])
    finally:
        if ws is not None:
            try:
                ws.close()
            except KeyboardInterrupt:  # a second Ctrl-C while closing: the work is rolled back already
                pass


def _stop_now(verb: str, ws) -> None:
    """Ctrl-C and the engine is still busy: end the process; the open transaction dies with it."""
    print(f"tracekit {verb}: interrupted; work in progress was rolled back", file=sys.stderr, flush=True)
    if ws.path is not None:
        from tracekit.store.engine import remove_leftovers

        remove_leftovers(ws.path)
    os._exit(130)


def _existing_folder(workspace: str | None) -> Path | None:
    if not workspace:
        return None
    path = Path(workspace).expanduser()
    return path if (path / "tracekit.duckdb").is_file() else None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
