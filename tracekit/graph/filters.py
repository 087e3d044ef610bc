"""Projection-time filters, shared by every graph verb: date window, HS prefix, countries, volume.

One :class:`TradeFilter` is turned into a SQL ``WHERE`` fragment (for the store) and into numpy masks
(for the in-memory index), and both must select the same trade.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tracekit.errors import TracekitError

__all__ = ["TradeFilter", "parse_date"]

_HS_PREFIX = re.compile(r"^\d{2,6}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def parse_date(value: str | dt.date | None, name: str = "date") -> dt.date | None:
    """An ISO date (``2024-03-01``, ``2024-03`` or ``2024``) or a ``date``, checked.

    Examples
    --------
    >>> parse_date("2024-03")
    datetime.date(2024, 3, 1)
    >>> parse_date(None) is None
    True
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise TracekitError(f"{name}={value!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY")


def _hs_prefixes(hs: str | Iterable[str] | None) -> tuple[str, ...]:
    if hs is None:
        return ()
    items = [hs] if isinstance(hs, str) else list(hs)
    out = []
    for item in items:
        for part in str(item).split(","):
            digits = part.strip().replace(".", "")
            if not digits:
                continue
            if not _HS_PREFIX.match(digits):
                raise TracekitError(
                    f"hs={part.strip()!r} is not an HS prefix: give 2 to 6 digits, e.g. 2933 or 2933.39"
                )
            out.append(digits)
    return tuple(dict.fromkeys(out))


def _countries(countries: str | Iterable[str] | None) -> tuple[str, ...]:
    if countries is None:
        return ()
    items = [countries] if isinstance(countries, str) else list(countries)
    out = []
    for item in items:
        for part in str(item).split(","):
            code = part.strip().upper()
            if not code:
                continue
            if not _COUNTRY.match(code):
                raise TracekitError(f"country {part.strip()!r} is not an ISO 3166 alpha-2 code (e.g. MX)")
            out.append(code)
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class TradeFilter:
    """Which trade a graph verb looks at.

    Parameters
    ----------
    hs : str or list of str, optional
        HS code prefixes (2–6 digits, dots ignored); a shipment matches if its code starts with any.
    since, until : date or ISO str, optional
        Inclusive date window on the shipment date.
    countries : str or list of str, optional
        ISO alpha-2 codes; only companies in these countries (both ends of an edge) are kept.
    min_shipments : int
        Keep a trade edge (shipper → consignee) only with at least this many matching shipments.

    Examples
    --------
    >>> f = TradeFilter(hs="2933.39", since="2024-01")
    >>> f.hs, f.since
    (('293339',), datetime.date(2024, 1, 1))
    >>> f.where_sql("t")
    "(t.hs6 LIKE '293339%') AND t.date >= DATE '2024-01-01'"
    """

    hs: tuple[str, ...] = field(default=())
    since: dt.date | None = None
    until: dt.date | None = None
    countries: tuple[str, ...] = field(default=())
    min_shipments: int = 1

    def __init__(self, hs=None, since=None, until=None, countries=None, min_shipments: int = 1):
        object.__setattr__(self, "hs", _hs_prefixes(hs))
        object.__setattr__(self, "since", parse_date(since, "since"))
        object.__setattr__(self, "until", parse_date(until, "until"))
        object.__setattr__(self, "countries", _countries(countries))
        if self.since and self.until and self.since > self.until:
            raise TracekitError(f"since={self.since} is after until={self.until}: the window is empty")
        try:
            min_shipments = int(min_shipments)
        except (TypeError, ValueError):
            raise TracekitError(f"min_shipments={min_shipments!r} is not a whole number") from None
        if min_shipments < 1:
            raise TracekitError(f"min_shipments={min_shipments} must be at least 1")
        object.__setattr__(self, "min_shipments", min_shipments)

    @classmethod
    def from_kwargs(cls, filters: dict) -> TradeFilter:
        """Build from keyword arguments, naming any the caller misspelt."""
        known = {"hs", "since", "until", "countries", "min_shipments"}
        unknown = sorted(set(filters) - known)
        if unknown:
            raise TracekitError(f"unknown filter(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return cls(**filters)

    @property
    def dated(self) -> bool:
        """Whether the filter has a date window (then per-shipment facts are needed)."""
        return self.since is not None or self.until is not None

    @property
    def is_empty(self) -> bool:
        return not (self.hs or self.dated or self.countries or self.min_shipments > 1)

    def where_sql(self, alias: str = "t", *, dates: bool = True) -> str:
        """A SQL condition on a fact or edge table with columns ``hs6`` and ``date`` (literals only)."""
        parts = []
        if self.hs:
            parts.append("(" + " OR ".join(f"{alias}.hs6 LIKE '{p}%'" for p in self.hs) + ")")
        if dates and self.since:
            parts.append(f"{alias}.date >= DATE '{self.since.isoformat()}'")
        if dates and self.until:
            parts.append(f"{alias}.date <= DATE '{self.until.isoformat()}'")
        return " AND ".join(parts) if parts else "TRUE"

    def describe(self) -> str:
        """A short human description, e.g. ``HS 2933*, 2024-01-01 … 2024-12-31``."""
        parts = []
        if self.hs:
            parts.append("HS " + ", ".join(p + "*" for p in self.hs))
        if self.dated:
            parts.append(f"{self.since or '…'} to {self.until or '…'}")
        if self.countries:
            parts.append("countries " + ", ".join(self.countries))
        if self.min_shipments > 1:
            parts.append(f"≥ {self.min_shipments} shipments per edge")
        return "; ".join(parts) if parts else "all trade"

    def to_json(self) -> dict:
        return {
            "hs": list(self.hs),
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "countries": list(self.countries),
            "min_shipments": self.min_shipments,
        }
