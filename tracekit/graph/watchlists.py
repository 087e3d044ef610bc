"""Watch lists as data: the built-in fentanyl precursor list, vague-description terms and the user's lists.

Every list is a CSV file with one term per row and these columns (the built-in lists in ``data/`` are
the reference)::

    list, chemical, kind, term, language, country, cas, hs, control, source

=================  =======================================================================
kind               meaning of ``term``
=================  =======================================================================
``name``           a chemical's name (matched as whole words; misspellings within a small
                   edit distance match too)
``synonym``        another name of the same chemical (same rules)
``abbreviation``   a short form (``NPP``, ``4-AP``): whole tokens only, never fuzzy
``cas``            a CAS registry number (its check digit must be right)
``hs``             an HS 2022 subheading (6 digits) that holds only this chemical
``national_hs``    a national tariff line (8-10 digits, ``country`` says whose)
``vague``          a vague description ("chemical raw material"); ``chemical`` is empty
``near_miss``      a different chemical that must never be read as ``chemical``
                   (piperidine is not 4-piperidone)
=================  =======================================================================

Every row must cite its ``source``. The user's lists are stored in the workspace (table
``watchlist_terms``) and take part in every flag rebuild: adding or removing a list changes the flags'
stamp, so ``graph_shipment_flags`` is rebuilt on next use.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from tracekit.errors import TracekitError
from tracekit.store import Store

__all__ = ["WatchTerm", "COLUMNS", "KINDS", "builtin_terms", "read_watchlist", "parse_watchlist",
           "workspace_terms", "all_terms", "add_watchlist", "remove_watchlist", "list_watchlists",
           "watchlist_digest", "cas_check_digit", "cas_is_valid", "WatchlistError", "BUILTIN_FILES"]

COLUMNS = ("list", "chemical", "kind", "term", "language", "country", "cas", "hs", "control", "source")
KINDS = ("name", "synonym", "abbreviation", "cas", "hs", "national_hs", "vague", "near_miss")
BUILTIN_FILES = ("precursors.csv", "vague.csv")
_TABLE = "watchlist_terms"
_CAS = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")
_LIST_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


class WatchlistError(TracekitError):
    """A watch-list file that cannot be used, naming the file, row and column."""


@dataclass(frozen=True)
class WatchTerm:
    """One row of a watch list (see the module docs for the columns)."""

    list: str
    chemical: str
    kind: str
    term: str
    language: str
    country: str
    cas: str
    hs: str
    control: str
    source: str
    file: str = ""
    line: int = 0


def cas_check_digit(body: str) -> int:
    """The check digit of a CAS number's first two parts (digits only, e.g. ``"3974260"``).

    Examples
    --------
    >>> cas_check_digit("3974260"), cas_check_digit("160966")
    (4, 1)
    """
    return sum(int(d) * i for i, d in enumerate(reversed(body), start=1)) % 10


def cas_is_valid(cas: str) -> bool:
    """True when ``cas`` is ``NNNNNNN-NN-N`` with a correct check digit.

    Examples
    --------
    >>> cas_is_valid("39742-60-4"), cas_is_valid("1609-66-5"), cas_is_valid("3974260-4")
    (True, False, False)
    """
    m = _CAS.match(cas or "")
    return bool(m) and cas_check_digit(m.group(1) + m.group(2)) == int(m.group(3))


def _problem(row: dict, kind: str) -> tuple[str, str] | None:
    """(column, message) of the first thing wrong with a row, or None."""
    for column in ("list", "kind", "term", "source"):
        if not (row.get(column) or "").strip():
            return column, f"{column} is empty (every row needs a list name, kind, term and source)"
    if not _LIST_NAME.match(row["list"].strip()):
        return "list", f"list name {row['list']!r} must be letters, digits, '.', '_' or '-' (≤ 64)"
    if kind not in KINDS:
        return "kind", f"kind {kind!r} is not one of {', '.join(KINDS)}"
    if kind != "vague" and not (row.get("chemical") or "").strip():
        return "chemical", f"a {kind} row must name its chemical"
    term = row["term"].strip()
    if kind == "cas" and not cas_is_valid(term):
        return "term", f"{term!r} is not a CAS number with a valid check digit"
    if (row.get("cas") or "").strip() and not cas_is_valid(row["cas"].strip()):
        return "cas", f"{row['cas']!r} is not a CAS number with a valid check digit"
    if kind == "hs" and not re.fullmatch(r"\d{6}", term):
        return "term", f"an hs row's term must be a 6-digit HS subheading, not {term!r}"
    if kind == "national_hs":
        if not re.fullmatch(r"\d{8,10}", term):
            return "term", f"a national_hs row's term must be 8-10 digits, not {term!r}"
        if not re.fullmatch(r"[A-Z]{2}", (row.get("country") or "").strip()):
            return "country", "a national_hs row needs the ISO alpha-2 country whose line it is"
    hs = (row.get("hs") or "").strip()
    if hs and not re.fullmatch(r"\d{4,10}", hs):
        return "hs", f"hs {hs!r} must be 4-10 digits"
    if kind in ("name", "synonym", "abbreviation", "vague", "near_miss") and len(term) < 2:
        return "term", f"term {term!r} is too short to match safely"
    return None


def parse_watchlist(text: str, file: str) -> list[WatchTerm]:
    """Rows of a watch-list CSV given as text; raises :class:`WatchlistError` on the first bad row."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("list", "chemical", "kind", "term", "source") if c not in (reader.fieldnames or [])]
    if missing:
        raise WatchlistError(f"{file} row 1 (header): missing column(s) {', '.join(missing)}; "
                             f"expected {', '.join(COLUMNS)}")
    terms = []
    for row in reader:
        line = reader.line_num
        if None in row:
            raise WatchlistError(f"{file} row {line}: more fields than the header's {len(reader.fieldnames)}")
        kind = (row.get("kind") or "").strip().lower()
        problem = _problem(row, kind)
        if problem:
            column, message = problem
            raise WatchlistError(f"{file} row {line} column {column}: {message}")
        values = {c: (row.get(c) or "").strip() for c in COLUMNS}
        values["kind"] = kind
        values["language"] = values["language"].lower() or "any"
        terms.append(WatchTerm(**values, file=file, line=line))
    if not terms:
        raise WatchlistError(f"{file}: no rows below the header")
    return terms


def read_watchlist(path: str | Path) -> list[WatchTerm]:
    """Read and validate a watch-list CSV file (UTF-8, with or without BOM)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise WatchlistError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise WatchlistError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse_watchlist(text, str(path))


@functools.cache
def builtin_terms() -> tuple[WatchTerm, ...]:
    """The lists shipped with tracekit (fentanyl precursors, vague descriptions)."""
    out: list[WatchTerm] = []
    for name in BUILTIN_FILES:
        text = resources.files("tracekit.graph").joinpath(f"data/{name}").read_text(encoding="utf-8")
        out.extend(parse_watchlist(text, f"tracekit/graph/data/{name}"))
    return tuple(out)


def _ensure_table(store: Store) -> None:
    cols = ", ".join(f'"{c}" VARCHAR' for c in COLUMNS)
    store.execute(f"CREATE TABLE IF NOT EXISTS {_TABLE} ({cols}, file VARCHAR, line BIGINT, added_at TIMESTAMP)")


def workspace_terms(store: Store) -> tuple[WatchTerm, ...]:
    """The user's lists stored in the workspace."""
    if not store.table_exists(_TABLE):
        return ()
    names = ", ".join(f'"{c}"' for c in (*COLUMNS, "file", "line"))
    rows = store.rows(f"SELECT {names} FROM {_TABLE} ORDER BY list, file, line")  # noqa: S608 - constants
    return tuple(WatchTerm(*r[:-1], line=int(r[-1])) for r in rows)


def all_terms(store: Store | None) -> tuple[WatchTerm, ...]:
    """Built-in terms plus the workspace's own."""
    return builtin_terms() + (workspace_terms(store) if store is not None else ())


def watchlist_digest(store: Store | None) -> str:
    """A short digest of every term in force: part of the flags' stamp."""
    digest = hashlib.sha1()
    for term in all_terms(store):
        digest.update("\x1f".join(str(v) for v in asdict(term).values()).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()[:16]


def add_watchlist(store: Store, path: str | Path, *, replace: bool = False) -> pd.DataFrame:
    """Validate ``path`` and store its rows; returns a summary (one row per list in the file).

    A list name already in the workspace (or built in) is refused unless ``replace`` (workspace lists
    only: the built-in lists cannot be replaced, but can be extended under another list name).
    """
    if store.read_only:
        raise WatchlistError("the workspace is open read-only: open it writable to add a watch list")
    terms = read_watchlist(path)
    names = sorted({t.list for t in terms})
    builtin = {t.list for t in builtin_terms()}
    clash = [n for n in names if n in builtin]
    if clash:
        raise WatchlistError(f"{path}: list name(s) {', '.join(clash)} are built in; use another name")
    existing = {t.list for t in workspace_terms(store)}
    taken = [n for n in names if n in existing]
    if taken and not replace:
        raise WatchlistError(f"{path}: the workspace already has list(s) {', '.join(taken)}; "
                             "remove them first or pass replace=True (--replace)")
    frame = pd.DataFrame([asdict(t) for t in terms])
    frame["added_at"] = pd.Timestamp.now(tz="UTC").tz_localize(None)
    with store.transaction():
        _ensure_table(store)
        for name in taken:
            store.execute(f"DELETE FROM {_TABLE} WHERE list = ?", [name])  # noqa: S608 - constant table
        with store.registered("tk_new_watch_terms", frame):
            store.execute(f"INSERT INTO {_TABLE} BY NAME SELECT * FROM tk_new_watch_terms")  # noqa: S608
    return list_watchlists(store).query("list in @names").reset_index(drop=True)


def remove_watchlist(store: Store, name: str) -> int:
    """Remove a workspace list by name; returns how many terms went. Built-in lists cannot be removed."""
    if name in {t.list for t in builtin_terms()}:
        raise WatchlistError(f"{name!r} is built in and cannot be removed")
    if store.read_only:
        raise WatchlistError("the workspace is open read-only: open it writable to remove a watch list")
    if not store.table_exists(_TABLE):
        raise WatchlistError(f"no watch list named {name!r} in this workspace")
    count = int(store.scalar(f"SELECT count(*) FROM {_TABLE} WHERE list = ?", [name]))  # noqa: S608
    if not count:
        known = sorted({t.list for t in workspace_terms(store)})
        raise WatchlistError(f"no watch list named {name!r} in this workspace (it has: {', '.join(known) or 'none'})")
    with store.transaction():
        store.execute(f"DELETE FROM {_TABLE} WHERE list = ?", [name])  # noqa: S608
    return count


def list_watchlists(store: Store | None) -> pd.DataFrame:
    """One row per list in force: name, origin (built-in / workspace), file, terms, chemicals, kinds."""
    rows = []
    terms = pd.DataFrame([asdict(t) for t in all_terms(store)])
    builtin = {t.list for t in builtin_terms()}
    for name, group in terms.groupby("list", sort=True):
        rows.append({
            "list": name, "origin": "built-in" if name in builtin else "workspace",
            "file": ", ".join(sorted(set(group["file"]))), "terms": len(group),
            "chemicals": sorted(c for c in set(group["chemical"]) if c),
            "kinds": sorted(set(group["kind"])),
        })
    return pd.DataFrame(rows, columns=["list", "origin", "file", "terms", "chemicals", "kinds"])
