"""``%tk``: every CLI verb as a line magic, with the same argument definitions.

``%tk trace "Hebei Chem" --hops 2 -o t`` parses the line with :mod:`shlex` and the verb's argparse
definition from :mod:`tracekit.commands` (so a verb added there appears here with no edit), runs it on
the session's workspace, displays the result and stores it in ``t``. IPython expands ``{expr}`` and
``$var`` from the user namespace before the line reaches the magic. A usage mistake or a
:class:`~tracekit.errors.TracekitError` prints one line, never a traceback.

Magic-only words: ``%tk help`` (all verbs), ``%tk use DIR`` (the session's workspace; default
``$TRACEKIT_WORKSPACE`` or ``./tracekit-workspace``), ``%tk close``; ``-o NAME`` on every verb and
``--static`` on graph verbs (trace, paths, neighbourhood, shell-clusters, communities, flags, …), whose
results otherwise display as the explorer (:mod:`tracekit.views.result_display`).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import Any, NoReturn

from IPython.core.magic import Magics, line_magic, magics_class
from IPython.display import display

from tracekit.commands import Command, build_parser, deprecation_note
from tracekit.commands._failures import report_failure
from tracekit.commands._render import to_json_text
from tracekit.safetext import visible_lines

__all__ = ["TracekitMagics", "MagicUsageError", "build_magic_parser"]

DEFAULT_WORKSPACE = "tracekit-workspace"


class MagicUsageError(Exception):
    """A usage mistake in a ``%tk`` line (argparse's message, without the process exit)."""


class _HelpShown(Exception):
    """argparse printed help (``--help``) and wanted to exit; nothing else to do."""


class _MagicParser(argparse.ArgumentParser):
    """argparse that raises instead of calling ``sys.exit`` (SystemExit would escape the magic)."""

    def error(self, message: str) -> NoReturn:
        raise MagicUsageError(f"{self.prog}: {message} (see {self.prog} --help)")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            print(message, file=sys.stderr)
        raise _HelpShown


def _magic_options(verb_parser: argparse.ArgumentParser, cmd: Command) -> None:
    """``-o/--store-to NAME`` on every verb; ``--static`` on the verbs whose result is a graph."""
    names = [n for n in ("-o", "--store-to") if n not in verb_parser._option_string_actions]
    if "--store-to" in names:
        verb_parser.add_argument(*names, dest="store_to", metavar="NAME",
                                 help="also store the result in this notebook variable")
    if cmd.graph:
        verb_parser.add_argument("--static", action="store_true",
                                 help="show the static SVG and table instead of the explorer")


def build_magic_parser() -> argparse.ArgumentParser:
    """The CLI parser with ``prog="%tk"``, raising errors, ``-o/--store-to NAME`` on every verb and
    ``--static`` on graph verbs.

    Examples
    --------
    >>> parser = build_magic_parser()
    >>> args = parser.parse_args(["info", "-o", "i"])
    >>> args.verb, args.store_to
    ('info', 'i')
    """
    return build_parser("%tk", workspace_default=None, parser_class=_MagicParser, extra=_magic_options)


@magics_class
class TracekitMagics(Magics):
    """The ``%tk`` line magic; holds the session's open workspace."""

    def __init__(self, shell=None):
        super().__init__(shell)
        self.workspace_path = Path(os.environ.get("TRACEKIT_WORKSPACE") or DEFAULT_WORKSPACE)
        self._workspaces: dict[tuple[Path, str], Any] = {}

    @line_magic
    def tk(self, line: str) -> None:
        """Run a tracekit verb: ``%tk help``, ``%tk use DIR``, ``%tk VERB [options] [-o NAME]``."""
        try:
            words = shlex.split(line)
            if not words or words[0] in ("help", "-h", "--help"):
                return self._help(words[1:])
            if words[0] in ("use", "close"):
                return self._use(words[1:]) if words[0] == "use" else self.close()
            args = build_magic_parser().parse_args(words)
            note = deprecation_note(args, "%tk")
            if note:
                print(note, file=sys.stderr)
            result = args._command.run(self._workspace(args) if args._command.needs_workspace else None, args)
        except _HelpShown:
            return None
        except (MagicUsageError, ValueError) as exc:  # ValueError: shlex quoting
            print(f"%tk: error: {visible_lines(exc)}" if not isinstance(exc, MagicUsageError)
                  else visible_lines(exc), file=sys.stderr)
            return None
        except Exception as exc:  # the shared rule: one line, never a traceback (the log keeps it)
            args_seen = locals().get("args")
            report_failure(exc, prefix="%tk", debug=bool(getattr(args_seen, "debug", False)),
                           log_folder=self.workspace_path if self.workspace_path.is_dir() else None,
                           argv=["%tk", line])
            return None
        except KeyboardInterrupt as exc:
            report_failure(exc, prefix="%tk")
            return None
        if getattr(args, "static", False) and hasattr(result, "static"):
            result.static()
        if getattr(args, "store_to", None):
            self.shell.user_ns[args.store_to] = result
        if result is not None:
            print(to_json_text(result)) if args.json else display(result)
        return None

    # -- session ----------------------------------------------------------------------------------
    def _help(self, words: list[str]) -> None:
        parser = build_magic_parser()
        try:
            parser.parse_args([*words, "--help"]) if words else parser.print_help()
        except (_HelpShown, MagicUsageError) as exc:
            if isinstance(exc, MagicUsageError):
                print(str(exc), file=sys.stderr)
        if not words:
            print("\nmagic only: %tk use DIR (set the session's workspace), %tk close, "
                  "-o NAME on any verb stores its result; graph results show as the explorer "
                  "(--static: the SVG and table instead)")

    def _use(self, words: list[str]) -> None:
        if len(words) != 1:
            raise MagicUsageError("usage: %tk use DIR")
        self.workspace_path = Path(words[0]).expanduser()
        ws = self._open(self.workspace_path)
        print(f"tracekit workspace: {ws.path}")

    def _workspace(self, args: argparse.Namespace):
        path = Path(args.workspace).expanduser() if args.workspace else self.workspace_path
        return self._open(path, create=args._command.creates_workspace, read_only=args.read_only,
                          engine=args.engine, master=args.spark_master)

    def _open(self, path: Path, *, create: bool = True, read_only: bool = False, engine: str | None = None,
              master: str | None = None):
        """The session's workspace at ``path``, opened once (a second open would clash in DuckDB)."""
        from tracekit.commands._engine import chosen_engine, open_workspace  # sparkverbs: engine switch

        key = (path.resolve(), chosen_engine(engine))
        if key in self._workspaces and self._workspaces[key].store.read_only and not read_only:
            self._workspaces.pop(key).close()  # a verb that writes needs the read-write connection
        if key not in self._workspaces:
            self._workspaces[key] = open_workspace(key[0], engine=key[1], master=master, create=create,
                                                   read_only=read_only)
        return self._workspaces[key]

    def close(self) -> None:
        """Close every workspace this session opened (they reopen on the next verb)."""
        for ws in self._workspaces.values():
            ws.close()
        self._workspaces.clear()
