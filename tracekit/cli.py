"""The ``tracekit`` command line: ``tracekit VERB [options]``; ``tracekit --help`` lists the verbs."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from tracekit.commands import build_parser
from tracekit.commands._render import to_json_text, to_text
from tracekit.errors import TracekitError

__all__ = ["main", "DEFAULT_WORKSPACE"]

DEFAULT_WORKSPACE = "tracekit-workspace"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one verb; return the process exit code (0 ok, 2 user error, 130 interrupted)."""
    parser = build_parser(workspace_default=os.environ.get("TRACEKIT_WORKSPACE", DEFAULT_WORKSPACE))
    args = parser.parse_args(argv)
    if getattr(args, "_command", None) is None:
        parser.print_help()
        return 2
    command = args._command
    ws = None
    try:
        if command.needs_workspace:
            from tracekit.workspace import Workspace

            # A dry run writes nothing, not even a new workspace folder: it works in memory.
            ws = Workspace(None if getattr(args, "dry_run", False) else args.workspace)
        result = command.run(ws, args)
        if result is not None:
            print(to_json_text(result) if args.json else to_text(result))
        return 0
    except TracekitError as exc:
        print(f"tracekit {command.name}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `tracekit search … | head`: the reader left; that is not an error worth a traceback.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stop Python's flush at exit from failing again
        return 0
    except KeyboardInterrupt:
        print(f"tracekit {command.name}: interrupted; work in progress was rolled back", file=sys.stderr)
        return 130
    finally:
        if ws is not None:
            ws.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
