"""Verb definitions shared by the ``tracekit`` CLI and the ``%tk`` magics.

Each verb is a module in this package that calls :func:`command` once. The argument definitions are
written once, here, and both front ends build their parsers from them, so ``tracekit trace --hops 3``
and ``%tk trace --hops 3`` always accept the same things.

A verb's ``run(ws, args)`` returns a result object. The front ends render it:

* ``--json``: ``result.to_json()`` if it has one (a DataFrame becomes a list of records);
* terminal: ``str(result)``;
* notebook: the object itself (``_repr_html_`` / ``_repr_mimebundle_``).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Command", "command", "all_commands", "build_parser", "common_options"]


@dataclass(frozen=True)
class Command:
    """One verb: its name, one-line help, argument definitions and the function that runs it."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Any, argparse.Namespace], Any]
    needs_workspace: bool = True
    description: str | None = None
    creates_workspace: bool = False  # load/init may create one; every other verb opens an existing one


_REGISTRY: dict[str, Command] = {}


def command(
    name: str,
    help: str,
    add_arguments: Callable[[argparse.ArgumentParser], None],
    *,
    needs_workspace: bool = True,
    description: str | None = None,
    creates_workspace: bool = False,
) -> Callable[[Callable[[Any, argparse.Namespace], Any]], Callable[[Any, argparse.Namespace], Any]]:
    """Register ``run`` as verb ``name`` (used as a decorator in each verb module)."""

    def register(run: Callable[[Any, argparse.Namespace], Any]) -> Callable[[Any, argparse.Namespace], Any]:
        if name in _REGISTRY:
            raise RuntimeError(f"verb {name!r} is defined twice")
        _REGISTRY[name] = Command(name, help, add_arguments, run, needs_workspace, description, creates_workspace)
        return run

    return register


def all_commands() -> dict[str, Command]:
    """Every verb, importing each module of this package once (so a new verb needs no list edit)."""
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    return dict(sorted(_REGISTRY.items()))


def common_options(*, workspace_default: str | None = None) -> argparse.ArgumentParser:
    """Options every verb takes: ``--workspace``, ``--json``, ``--read-only`` and ``--debug``."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--workspace",
        "-w",
        default=workspace_default,
        metavar="DIR",
        help="workspace folder (default: $TRACEKIT_WORKSPACE or ./tracekit-workspace)",
    )
    parent.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parent.add_argument("--read-only", action="store_true",
                        help="open the workspace read-only (several readers at once; verbs that change it fail)")
    parent.add_argument("--debug", action="store_true",
                        help="on a failure, print the full traceback (for a bug report)")
    return parent


def build_parser(prog: str = "tracekit", *, workspace_default: str | None = None,
                 parser_class: type[argparse.ArgumentParser] = argparse.ArgumentParser
                 ) -> argparse.ArgumentParser:
    """The full parser: one sub-command per registered verb."""
    parser = parser_class(
        prog=prog,
        description="tracekit: trace precursor-chemical supply chains through trade data.",
    )
    sub = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=parser_class)
    parent = common_options(workspace_default=workspace_default)
    for cmd in all_commands().values():
        verb_parser = sub.add_parser(
            cmd.name, help=cmd.help, description=cmd.description or cmd.help, parents=[parent]
        )
        cmd.add_arguments(verb_parser)
        verb_parser.set_defaults(_command=cmd)
    return parser
