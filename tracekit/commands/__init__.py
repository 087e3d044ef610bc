"""Verb definitions shared by the ``tracekit`` CLI and the ``%tk`` magics — each verb defined once.

The pattern (every verb module in this package follows it; a new module is discovered automatically):

1. **The plain function holds the defaults.** A verb names the function(s) whose signature it exposes,
   as ``"module:qualname"`` text (imported only when that verb is parsed, so ``tracekit --help`` stays
   fast), e.g. ``function="tracekit.query.trace:trace"``. Every option whose ``dest`` is a parameter of
   that function takes the function's default and shows it in ``--help``; an option must not write its
   own ``default=`` for such a parameter (a test walks every verb and compares CLI, ``%tk`` and the
   Python signature). Name the option after the parameter (``--max-lag-days`` → ``max_lag_days``), or
   give ``dest=`` (``--undirected`` is ``dest="directed", action="store_false"``).
2. **Shared options are parent parsers**, named in ``parents=``: ``filters`` (``--hs``, ``--since``,
   ``--until``, ``--countries``, ``--min-shipments``), ``filters-undated`` (no dates), ``hs-dates``
   (``--hs``, ``--since``, ``--until``), ``hops``,
   ``direction``, ``window``, ``top``, ``limit`` (:data:`PARENTS`). ``--workspace``, ``--json``,
   ``--read-only`` and ``--debug`` come with every verb.
3. **One name per verb** across CLI, ``%tk`` and Python: the CLI name is the Workspace method's name with
   ``-`` for ``_`` (``shell-clusters`` ↔ ``ws.shell_clusters``); an action word after it is the method of
   the collection that Workspace attribute holds (``watchlists add FILE`` ↔ ``ws.watchlists.add(FILE)``,
   ``screen-lists add FILE`` ↔ ``ws.screen_lists.add(FILE)``). ``tests/verbs/test_names.py`` walks every
   verb and lists the few exceptions with their reasons. Old names stay in ``deprecated=`` (and an old
   action word in ``moved_actions=``, e.g. ``screen proximity`` → ``sanctions-proximity``): they still
   work and print which name to use.
4. **run(ws, args)** usually is ``return call(ws.VERB, args)``: the Workspace method called with every
   parsed option that is one of its parameters. It returns a result object; graph verbs
   (``graph=True``) return a :class:`~tracekit.query.results.GraphResult`, which ``%tk … --static``
   shows as SVG and table instead of the explorer. The front ends render:

   * ``--json``: ``result.to_json()`` if it has one (a DataFrame becomes a list of records);
   * terminal: ``str(result)``;
   * notebook: the object itself (``_repr_mimebundle_``, or the explorer display of graph results).

A minimal verb module::

    from tracekit.commands import call, command

    def _arguments(parser):
        parser.add_argument("entity", help="entity id, #id or company name")
        parser.add_argument("--max-lag-days", type=int, help="longest wait between receipt and re-export")

    @command("trace", "suppliers or buyers of a company", _arguments,
             function="tracekit.query.trace:trace", parents=("direction", "hops", "filters"), graph=True)
    def run(ws, args):
        return call(ws.trace, args)
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["Command", "command", "all_commands", "build_parser", "common_options", "call", "defaults_of",
           "PARENTS", "populate_all", "deprecation_note", "resolve_function"]


@dataclass(frozen=True)
class Command:
    """One verb: its name, one-line help, argument definitions and the function that runs it."""

    name: str
    help: str
    own_arguments: Callable[[argparse.ArgumentParser], None]  # the verb module's own options
    run: Callable[[Any, argparse.Namespace], Any]
    needs_workspace: bool = True
    description: str | None = None
    creates_workspace: bool = False  # load/init may create one; every other verb opens an existing one
    function: tuple[str, ...] = ()  # "module:qualname" of the function(s) whose defaults the options take
    parents: tuple[str, ...] = ()  # shared option groups, names in PARENTS
    deprecated: tuple[str, ...] = ()  # old names that still work and say so
    graph: bool = False  # returns a GraphResult: %tk shows it as the explorer unless --static
    moved_actions: tuple[tuple[str, str], ...] = ()  # (old action word, the verb line that replaced it)

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """The verb's whole definition on ``parser``: shared option groups (parent parsers), its own
        options, and every default taken from its function."""
        for name in self.parents:
            parser._add_container_actions(_parent(name))  # what argparse does for parents=[...]
        self.own_arguments(parser)
        apply_defaults(parser, self)

    def functions(self) -> list[Callable]:
        return [resolve_function(path) for path in self.function]

    def defaults(self) -> dict[str, Any]:
        """Parameter defaults of the verb's function(s) (the first function wins on a shared name)."""
        out: dict[str, Any] = {}
        for function in reversed(self.functions()):
            out.update(defaults_of(function))
        return out


_REGISTRY: dict[str, Command] = {}


def command(
    name: str,
    help: str,
    add_arguments: Callable[[argparse.ArgumentParser], None],
    *,
    needs_workspace: bool = True,
    description: str | None = None,
    creates_workspace: bool = False,
    function: str | Iterable[str] = (),
    parents: Iterable[str] = (),
    deprecated: Iterable[str] = (),
    graph: bool = False,
    moved_actions: dict[str, str] | None = None,
) -> Callable[[Callable[[Any, argparse.Namespace], Any]], Callable[[Any, argparse.Namespace], Any]]:
    """Register ``run`` as verb ``name`` (used as a decorator in each verb module)."""
    functions = (function,) if isinstance(function, str) else tuple(function)
    unknown = sorted(set(parents) - set(PARENTS))
    if unknown:
        raise RuntimeError(f"verb {name!r}: unknown parent option group(s) {unknown}")

    def register(run: Callable[[Any, argparse.Namespace], Any]) -> Callable[[Any, argparse.Namespace], Any]:
        taken = {n for c in _REGISTRY.values() for n in (c.name, *c.deprecated)}
        if name in taken or set(deprecated) & taken:
            raise RuntimeError(f"verb {name!r} (or one of its old names) is defined twice")
        _REGISTRY[name] = Command(name, help, add_arguments, run, needs_workspace, description, creates_workspace,
                                  functions, tuple(parents), tuple(deprecated), graph,
                                  tuple((moved_actions or {}).items()))
        return run

    return register


def all_commands() -> dict[str, Command]:
    """Every verb, importing each module of this package once (so a new verb needs no list edit)."""
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    return dict(sorted(_REGISTRY.items()))


# -- the plain function's signature ---------------------------------------------------------------------
def resolve_function(path: str) -> Callable:
    """``"package.module:Class.attr"`` → the object."""
    module, _, qualname = path.partition(":")
    target: Any = importlib.import_module(module)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target


def defaults_of(function: Callable) -> dict[str, Any]:
    """Keyword defaults of ``function``'s parameters (those without a default are left out)."""
    return {name: p.default for name, p in inspect.signature(function).parameters.items()
            if p.default is not inspect.Parameter.empty}


def call(method: Callable, args: argparse.Namespace, **overrides: Any) -> Any:
    """Call ``method`` with every parsed option that is one of its parameters (plus ``overrides``)."""
    params = inspect.signature(method).parameters
    kwargs = {name: getattr(args, name) for name in params
              if hasattr(args, name) and params[name].kind not in (inspect.Parameter.VAR_POSITIONAL,
                                                                   inspect.Parameter.VAR_KEYWORD)}
    kwargs.update(overrides)
    positional = [kwargs.pop(n) for n, p in params.items()
                  if p.kind is inspect.Parameter.POSITIONAL_ONLY and n in kwargs]
    return method(*positional, **kwargs)


def deprecation_note(args: argparse.Namespace, prog: str) -> str | None:
    """The one line a front end prints when the verb was called by an old name (or an action word that
    moved to a verb of its own), else None."""
    cmd: Command | None = getattr(args, "_command", None)
    used = getattr(args, "verb", None)
    if cmd is None or used is None:
        return None
    action = getattr(args, "action", None)
    moved = dict(cmd.moved_actions).get(action) if isinstance(action, str) else None
    if moved:
        return f"{prog} {used} {action}: deprecated, use '{prog} {moved}' (the old form will be removed)"
    if used == cmd.name:
        return None
    return f"{prog} {used}: deprecated name, use '{prog} {cmd.name}' (the old name will be removed)"


# -- shared options (parent parsers) ---------------------------------------------------------------------
def _filters(parser: argparse.ArgumentParser, *, dates: bool = True, companies: bool = True) -> None:
    group = parser.add_argument_group("trade filters")
    group.add_argument("--hs", action="append", metavar="PREFIX", help="HS code prefix (repeatable), e.g. 2933")
    if dates:
        group.add_argument("--since", metavar="DATE", help="first shipment date (YYYY-MM-DD, YYYY-MM, YYYY)")
        group.add_argument("--until", metavar="DATE", help="last shipment date")
    if companies:
        group.add_argument("--countries", metavar="CC,CC", help="keep companies in these ISO countries only")
        group.add_argument("--min-shipments", type=int, metavar="N",
                           help="keep trade edges with at least N shipments")


PARENTS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "filters": _filters,
    "filters-undated": lambda p: _filters(p, dates=False),
    "hs-dates": lambda p: _filters(p, companies=False),
    "hops": lambda p: p.add_argument("--hops", type=int, metavar="N", help="how many trade hops to follow"),
    "direction": lambda p: p.add_argument("--direction", "-d", choices=["down", "up", "both"],
                                          help="down: buyers; up: suppliers; both"),
    "window": lambda p: p.add_argument("--window", metavar="WINDOW",
                                       help="dates to look at: 2023-01..2023-06, 2023-04 or 2023"),
    "top": lambda p: p.add_argument("--top", type=int, metavar="N", help="show only the N best-ranked rows"),
    "limit": lambda p: p.add_argument("--limit", type=int, metavar="N", help="how many to show"),
}
"""Shared option groups a verb names in ``parents=``; each becomes an argparse parent parser."""


def _parent(name: str) -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    PARENTS[name](parent)
    return parent


def common_options(*, workspace_default: str | None = None) -> argparse.ArgumentParser:
    """Options every verb takes: ``--workspace``, ``--json``, ``--read-only``, ``--debug``, ``--engine`` and
    ``--spark-master`` (:mod:`tracekit.commands._engine`)."""
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
    from tracekit.commands._engine import add_engine_options  # sparkverbs: --engine / --spark-master

    add_engine_options(parent)
    return parent


def _show_default(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        return f"{value:,}"
    return repr(value) if isinstance(value, str) else str(value)


def apply_defaults(parser: argparse.ArgumentParser, cmd: Command) -> None:
    """Give every option whose dest is a parameter of the verb's function that parameter's default."""
    if not cmd.function:
        return
    defaults = cmd.defaults()
    for action in parser._actions:
        if action.dest not in defaults or action.dest == "help":
            continue
        default = defaults[action.dest]
        if isinstance(action, argparse._AppendAction) and default in ((), []):
            default = None  # argparse appends to the default: an empty tuple is "none given" as None
        action.default = default
        shown = isinstance(action, argparse._StoreAction) and default is not None
        if shown and action.help and "default" not in action.help:
            action.help += f" (default: {_show_default(default)})"


class _LazyVerbs(argparse._SubParsersAction):
    """Sub-commands whose arguments are added when that verb is parsed (its function imported then)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.pending: dict[int, Callable[[], None]] = {}

    def populate(self, verb_parser: argparse.ArgumentParser) -> None:
        fill = self.pending.pop(id(verb_parser), None)
        if fill is not None:
            fill()

    def __call__(self, parser, namespace, values, option_string=None):  # noqa: ANN001
        chosen = self._name_parser_map.get(values[0])
        if chosen is not None:
            self.populate(chosen)
        return super().__call__(parser, namespace, values, option_string)


Hook = Callable[[argparse.ArgumentParser, Command], None]


def build_parser(prog: str = "tracekit", *, workspace_default: str | None = None,
                 parser_class: type[argparse.ArgumentParser] = argparse.ArgumentParser,
                 extra: Hook | None = None) -> argparse.ArgumentParser:
    """The full parser: one sub-command per registered verb (and one per deprecated name).

    ``extra(verb_parser, command)`` adds front-end options (``%tk``'s ``-o`` and ``--static``).
    """
    parser = parser_class(
        prog=prog,
        description="tracekit: trace precursor-chemical supply chains through trade data.",
    )
    parser.register("action", "parsers", _LazyVerbs)
    sub = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=parser_class)
    common = common_options(workspace_default=workspace_default)
    for cmd in all_commands().values():
        help_text = cmd.help + (f" (old name{'s' if len(cmd.deprecated) > 1 else ''}: "
                                f"{', '.join(cmd.deprecated)})" if cmd.deprecated else "")
        verb_parser = sub.add_parser(cmd.name, help=help_text, description=cmd.description or cmd.help,
                                     aliases=list(cmd.deprecated), parents=[common])

        def fill(verb_parser=verb_parser, cmd=cmd) -> None:
            cmd.add_arguments(verb_parser)
            if extra is not None:
                extra(verb_parser, cmd)

        sub.pending[id(verb_parser)] = fill
        verb_parser.set_defaults(_command=cmd)
    return parser


def populate_all(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add every verb's arguments now (tests and tools that inspect the whole parser)."""
    for action in parser._actions:
        if isinstance(action, _LazyVerbs):
            for verb_parser in {id(p): p for p in action.choices.values()}.values():
                action.populate(verb_parser)
    return parser


def verb_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Name → populated sub-parser of every verb (deprecated names included)."""
    populate_all(parser)
    action = next(a for a in parser._actions if isinstance(a, _LazyVerbs))
    return dict(action.choices)
