"""Readers for sanctions and watch lists: OFAC's legacy CSV layout and FollowTheMoney JSON lines.

Pure parsing, no SQL: each reader returns a DataFrame in :data:`ENTRY_COLUMNS` with one row per
*name* (the primary name and every alias), so a matcher compares an entity with every spelling the
list gives. The row and file it came from travel with it (``source_file``, ``source_row``) so a
screening hit can point at the line of the list that raised it.

* OFAC legacy CSV (``sdn.csv`` + optional ``alt.csv`` aliases + ``add.csv`` addresses beside it):
  no header, Latin-1, ``-0-`` means empty. Columns are documented by OFAC (``sdn.csv``: ent_num, name,
  type, program, …; ``alt.csv``: ent_num, alt_num, alt_type, alt_name, alt_remarks; ``add.csv``:
  ent_num, add_num, address, city/state/postal code, country, add_remarks).
* FollowTheMoney JSON lines (OpenSanctions and Aleph exports): every line one entity, validated by
  the ``followthemoney`` model; things that cannot be parties (sanction records, addresses, ownership
  links) are skipped as entities but their names are not invented. tracekit ships no OpenSanctions
  data (non-commercial licence): analysts load their own copy.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd

from tracekit.errors import SourceError

__all__ = ["ENTRY_COLUMNS", "read_screen_list", "read_ofac_csv", "read_ftm_jsonl", "ScreenListError"]

ENTRY_COLUMNS = ["entry_id", "name", "name_type", "kind", "programs", "country", "address",
                 "source_file", "source_row"]
_EMPTY = "-0-"
_SDN_COLUMNS = ["ent_num", "name", "type", "program", "title", "call_sign", "vessel_type", "tonnage", "grt",
                "vessel_flag", "vessel_owner", "remarks"]
_ALT_COLUMNS = ["ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"]
_ADD_COLUMNS = ["ent_num", "add_num", "address", "city", "country", "add_remarks"]
_OFAC_KIND = {"": "organization", "individual": "individual", "vessel": "vessel", "aircraft": "aircraft"}
# FtM schemata a trade party can be, mapped to the list kinds tracekit screens on.
_FTM_KIND = {"Person": "individual", "Vessel": "vessel", "Airplane": "aircraft"}
_FTM_NAME_PROPS = (("name", "primary"), ("alias", "aka"), ("weakAlias", "weak aka"), ("previousName", "fka"))


class ScreenListError(SourceError):
    """A list file cannot be read; the message names the file, row and column."""


def _clean(value: str | None) -> str:
    text = (value or "").strip()
    return "" if text == _EMPTY else text


def _read_rows(path: Path, columns: list[str], *, required: int) -> list[tuple[int, dict]]:
    """(row number, fields) of a header-less OFAC CSV; a row with too few fields is an error."""
    try:
        text = path.read_bytes().decode("latin-1")
    except OSError as exc:
        raise ScreenListError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    out = []
    for number, fields in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        # OFAC's files end with a DOS end-of-file mark (Ctrl-Z) on a line of its own.
        if not fields or all(not f.strip().strip("\x1a") for f in fields):
            continue
        if len(fields) < required:
            raise ScreenListError(f"{path}, row {number}, column {len(fields) + 1} ({columns[len(fields)]}): "
                                  f"the row has {len(fields)} fields, OFAC's layout has {len(columns)}")
        out.append((number, dict(zip(columns, fields, strict=False))))
    return out


def _ent_num(path: Path, number: int, value: str) -> str:
    text = value.strip()
    if not text.isdigit():
        raise ScreenListError(f"{path}, row {number}, column 1 (ent_num): {value!r} is not an entry number")
    return text


def read_ofac_csv(path: str | Path) -> pd.DataFrame:
    """OFAC legacy CSV: ``sdn.csv`` (or a folder holding it) with ``alt.csv`` and ``add.csv`` beside it.

    The first address of an entry (its country and address text) is carried on every name row.
    """
    path = Path(path)
    sdn_path = path / "sdn.csv" if path.is_dir() else path
    if not sdn_path.exists():
        raise ScreenListError(f"{sdn_path}: no such file (an OFAC list is sdn.csv with alt.csv, add.csv beside it)")
    folder = sdn_path.parent
    entries: dict[str, dict] = {}
    rows: list[dict] = []
    for number, f in _read_rows(sdn_path, _SDN_COLUMNS, required=4):
        ent = _ent_num(sdn_path, number, f["ent_num"])
        name = _clean(f["name"])
        if not name:
            raise ScreenListError(f"{sdn_path}, row {number}, column 2 (name): the entry has no name")
        kind = _OFAC_KIND.get(_clean(f["type"]).lower())
        if kind is None:
            raise ScreenListError(f"{sdn_path}, row {number}, column 3 (type): {f['type']!r} is not one of "
                                  "individual, vessel, aircraft or -0- (organisation)")
        programs = "; ".join(p.strip(" []") for p in _clean(f["program"]).split("] [") if p.strip(" []"))
        entries[ent] = {"kind": kind, "programs": programs}
        rows.append({"entry_id": ent, "name": name, "name_type": "primary", "kind": kind, "programs": programs,
                     "source_file": str(sdn_path), "source_row": number})
    alt_path = folder / "alt.csv"
    if alt_path.exists():
        for number, f in _read_rows(alt_path, _ALT_COLUMNS, required=4):
            ent = _ent_num(alt_path, number, f["ent_num"])
            if ent not in entries:
                raise ScreenListError(f"{alt_path}, row {number}, column 1 (ent_num): entry {ent} is not in "
                                      f"{sdn_path.name}")
            name = _clean(f["alt_name"])
            if not name:
                raise ScreenListError(f"{alt_path}, row {number}, column 4 (alt_name): the alias has no name")
            rows.append({"entry_id": ent, "name": name, "name_type": _clean(f["alt_type"]).lower() or "aka",
                             **entries[ent], "source_file": str(alt_path), "source_row": number})
    address: dict[str, tuple[str, str]] = {}
    add_path = folder / "add.csv"
    if add_path.exists():
        for number, f in _read_rows(add_path, _ADD_COLUMNS, required=5):
            ent = _ent_num(add_path, number, f["ent_num"])
            text = ", ".join(x for x in (_clean(f["address"]), _clean(f["city"])) if x)
            address.setdefault(ent, (text, _clean(f["country"])))
    frame = pd.DataFrame(rows, columns=[c for c in ENTRY_COLUMNS if c not in ("country", "address")])
    frame["address"] = [address.get(e, ("", ""))[0] or None for e in frame["entry_id"]]
    frame["country"] = [address.get(e, ("", ""))[1] or None for e in frame["entry_id"]]
    return frame[ENTRY_COLUMNS]


def _ftm_rows(path: Path, number: int, data: dict) -> list[dict]:
    from followthemoney import model
    from followthemoney.exc import InvalidData

    try:
        proxy = model.get_proxy(data, cleaned=False)
    except InvalidData as exc:
        raise ScreenListError(f"{path}, row {number}, column schema: {exc}") from exc
    except (TypeError, ValueError, AttributeError) as exc:
        raise ScreenListError(f"{path}, row {number}, column properties: {exc}") from exc
    if not proxy.id:
        raise ScreenListError(f"{path}, row {number}, column id: the entity has no id")
    schema = proxy.schema
    if not (schema.is_a("LegalEntity") or schema.is_a("Vessel") or schema.is_a("Airplane")):
        return []  # sanctions, addresses, ownership links: not parties to a shipment
    kind = next((k for s, k in _FTM_KIND.items() if schema.is_a(s)), "organization")
    programs = proxy.get("program", quiet=True) or proxy.get("topics", quiet=True)
    countries = proxy.get("country", quiet=True) or proxy.get("jurisdiction", quiet=True) \
        or proxy.get("mainCountry", quiet=True)
    addresses = proxy.get("address", quiet=True)
    common = {"entry_id": str(proxy.id), "kind": kind, "programs": "; ".join(sorted(set(programs))),
              "country": countries[0].upper() if countries else None,
              "address": addresses[0] if addresses else None, "source_file": str(path), "source_row": number}
    rows, seen = [], set()
    for prop, name_type in _FTM_NAME_PROPS:
        for name in proxy.get(prop, quiet=True):
            if name.strip() and name.strip().casefold() not in seen:
                seen.add(name.strip().casefold())
                rows.append({"name": name.strip(), "name_type": name_type, **common})
    if not rows:
        raise ScreenListError(f"{path}, row {number}, column properties.name: the {schema.name} has no name")
    return rows


def read_ftm_jsonl(path: str | Path) -> pd.DataFrame:
    """FollowTheMoney entities, one JSON object per line (OpenSanctions ``entities.ftm.json``, Aleph)."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise ScreenListError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    rows: list[dict] = []
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ScreenListError(f"{path}, row {number}, column {exc.colno}: not JSON ({exc.msg})") from exc
            if not isinstance(data, dict):
                raise ScreenListError(f"{path}, row {number}, column 1: expected a JSON object per line")
            rows.extend(_ftm_rows(path, number, data))
    return pd.DataFrame(rows, columns=ENTRY_COLUMNS)


def read_screen_list(path: str | Path, format: str = "auto") -> pd.DataFrame:  # noqa: A002 -- the user's word
    """Read a list in ``format`` ``"ofac"``, ``"ftm"`` or ``"auto"`` (a folder or .csv is OFAC, .json/.jsonl FtM)."""
    path = Path(path)
    if format == "auto":
        suffix = path.suffix.lower()
        format = "ofac" if path.is_dir() or suffix == ".csv" else "ftm" if suffix in (".json", ".jsonl", ".ftm") \
            else ""
        if not format:
            raise ScreenListError(f"{path}: cannot tell the list format from the name; pass format='ofac' or 'ftm'")
    if format == "ofac":
        return read_ofac_csv(path)
    if format == "ftm":
        return read_ftm_jsonl(path)
    raise ScreenListError(f"format={format!r}: use 'ofac', 'ftm' or 'auto'")
