"""Errors that tracekit raises for problems the user can fix.

Every error here is a user-facing message: the CLI prints it as one line (exit code 2) and the
``%tk`` magic shows it without a traceback. Bugs are not wrapped: they surface as ordinary exceptions, which the front ends report as one line
saying it is a bug, with the traceback saved to ``tracekit-error.log``.
"""

from __future__ import annotations

__all__ = [
    "TracekitError",
    "WorkspaceError",
    "SchemaVersionError",
    "WorkspaceBusy",
    "SourceError",
    "MappingError",
    "SourceChanged",
    "QueryError",
    "EntityNotFound",
    "AmbiguousEntity",
]


class TracekitError(Exception):
    """Base class: a problem with the user's input or workspace, explained in the message."""


class WorkspaceError(TracekitError):
    """The workspace folder cannot be opened or used as asked."""


class SchemaVersionError(WorkspaceError):
    """The workspace was written by a tracekit whose schema this version does not know."""


class WorkspaceBusy(WorkspaceError):
    """Another process held the workspace (reading it, or writing it) for longer than the wait limit.

    Attributes
    ----------
    holders : list
        The :class:`tracekit.store.locking.Holder` records of the processes holding it.
    waited : float
        Seconds this process waited.
    """

    def __init__(self, message: str, holders=None, waited: float = 0.0):
        super().__init__(message)
        self.holders = list(holders or [])
        self.waited = waited


class SourceError(TracekitError):
    """A source file cannot be read at all (missing, unsupported format, unreadable)."""


class MappingError(SourceError):
    """The source's columns cannot be mapped to the canonical trade schema (e.g. no party name)."""


class QueryError(TracekitError):
    """A query of the user's own (``ws.sql``) failed in the engine; the message says why."""


class SourceChanged(SourceError):
    """A file loaded before has different content now; the caller must say whether it replaces the old
    version (``on_change="replace"``, ``--replace``) or is kept beside it (``"as_new"``, ``--as-new``)."""


class EntityNotFound(TracekitError):
    """No entity matches the id or name given."""


class AmbiguousEntity(TracekitError):
    """A name matches several entities; the message lists the candidates.

    Attributes
    ----------
    candidates : pandas.DataFrame
        The ranked candidate entities, so a caller can pick one.
    """

    def __init__(self, message: str, candidates=None):
        super().__init__(message)
        self.candidates = candidates
