"""Workspace verbs contributed by the query stage (mixed into :class:`tracekit.Workspace`).

Each verb *is* the plain function in its own module (``tracekit.query.trace.trace`` …) with the
workspace bound: :class:`Verb` hands it out on attribute access, so the method has exactly the
function's signature, defaults and docstring (``help(ws.trace)``, tab completion, and the CLI/``%tk``
options all read the same defaults), and the module is imported only when the verb is first used, so
opening a workspace stays fast.

Graph verbs also take ``display="auto"|"static"`` (see :mod:`tracekit.query.results`).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["QueryVerbs", "Verb"]


class Verb:
    """A Workspace method that is the plain function ``"module:name"`` with the workspace bound.

    ``graph=True`` adds the keyword ``display`` (stored on the returned result); ``deprecated="new"``
    makes it an old name that still works and warns (``FutureWarning``: shown to end users).
    """

    def __init__(self, path: str, *, graph: bool = False, deprecated: str | None = None):
        self.path, self.graph, self.deprecated = path, graph, deprecated
        self.name = path.rpartition(":")[2]

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def function(self) -> Callable:
        module, _, name = self.path.partition(":")
        return getattr(importlib.import_module(module), name)

    def __get__(self, ws: Any, owner: type | None = None) -> Callable:
        function = self.function()
        if ws is None:
            return function  # Workspace.trace: the plain function (its signature starts with ws)
        signature = inspect.signature(function)
        params = list(signature.parameters.values())[1:]
        if self.graph:
            params.append(inspect.Parameter("display", inspect.Parameter.KEYWORD_ONLY, default="auto",
                                            annotation="str"))
        name, deprecated = self.name, self.deprecated

        @functools.wraps(function)
        def method(*args: Any, **kwargs: Any) -> Any:
            if deprecated:
                warnings.warn(f"ws.{name} is deprecated: use ws.{deprecated}", FutureWarning, stacklevel=2)
            if not self.graph:
                return function(ws, *args, **kwargs)
            from tracekit.query.results import check_display

            display = check_display(kwargs.pop("display", "auto"))
            result = function(ws, *args, **kwargs)
            result.display = display
            return result

        method.__signature__ = signature.replace(parameters=params)  # without ws, with display
        return method


class QueryVerbs:
    """Verbs of the query stage; they use ``self.store`` (a :class:`tracekit.store.Store`)."""

    graph = Verb("tracekit.query.whole:whole_graph")
    trace = Verb("tracekit.query.trace:trace", graph=True)
    paths = Verb("tracekit.query.paths:paths", graph=True)
    communities = Verb("tracekit.query.communities:communities", graph=True)
    shell_clusters = Verb("tracekit.query.shell_clusters:shell_clusters", graph=True)
    changes = Verb("tracekit.query.changes:changes", graph=True)
    neighbourhood = Verb("tracekit.query.neighbourhood:neighbourhood", graph=True)
    neighborhood = Verb("tracekit.query.neighbourhood:neighbourhood", graph=True)  # US spelling, same verb
    flags = Verb("tracekit.query.flags:flags", graph=True)
    risk = Verb("tracekit.query.risk:risk", graph=True)
    evidence = Verb("tracekit.query.evidence:evidence")

    @property
    def watchlists(self):
        """The watch lists in force: ``.list()``, ``.add(path)``, ``.remove(name)``, ``.terms()``."""
        from tracekit.query.watchlists import Watchlists

        return Watchlists(self)
