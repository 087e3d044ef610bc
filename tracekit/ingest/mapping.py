"""Column mappings: which source column feeds which canonical field.

A mapping's *targets* are the canonical fields of :mod:`tracekit.ingest.fields`, except that weights
arrive as ``weight`` (the number, maybe with its unit) plus ``weight_unit`` and become ``weight_kg``.
Address targets (``shipper_address`` …) may take several columns, joined with ", " in order; every
other target takes one. ``<role>_name_address`` takes a column holding a party's name and address together (split into the
two). ``<role>_contact`` takes a column holding a phone or an e-mail (e-mail when it
contains '@') and fills ``<role>_phone`` or ``<role>_email`` where no column of their own does. Source
columns no target uses are *extras*: they stay in the source's raw table.

Ways to give a mapping (the ``mapping=`` argument of ``ws.load``):

``"auto"``
    read each header's words, English and Spanish, with common abbreviations and misspellings
    (``Goods Shipped``, ``Cargo Desc``, ``Descripción Comercial``, ``Gross Wt (LB)``, ``PROVEEDOR``…),
    confirm each proposal from a sample of the values when one was taken, and resolve conflicts across
    columns (:mod:`tracekit.ingest.automap`); every column gets a confidence and a reason, kept in
    ``Mapping.decisions``;
``"ams"``
    the column names of US CBP Automated Manifest System extracts (``shipper_comm_number`` and the
    other ``*_comm_number`` columns give the party's phone, or its e-mail when the value holds '@';
    a party's country comes from its last address line when that line names a country);
``"generic"``
    tracekit's own canonical names (``shipper_name``, ``hs_code``, ``weight_kg``…);
a dict
    ``{"source column": "target"}`` or ``{"target": "source column" | [columns]}``;
a path to a JSON file holding such a dict.
"""

from __future__ import annotations

import html
import json
import unicodedata
from collections.abc import Mapping as MappingABC
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tracekit.errors import MappingError
from tracekit.ingest.automap import Decision, propose
from tracekit.ingest.content import ColumnProfile
from tracekit.ingest.fields import PARTY_ROLES, field_names

__all__ = ["TARGETS", "CONTACT_TARGETS", "MULTI_COLUMN_TARGETS", "Mapping", "resolve_mapping", "header_key", "PRESETS",
           "Decision", "missing_field_warnings"]

CONTACT_TARGETS: tuple[str, ...] = tuple(f"{role}_contact" for role in PARTY_ROLES)
"""A party's phone *or* e-mail in one column (CBP's ``comm_number``): e-mail when it holds '@'."""
NAME_ADDRESS_TARGETS: tuple[str, ...] = tuple(f"{role}_name_address" for role in PARTY_ROLES)
"""A party's name and address in one column (split by :mod:`tracekit.ingest.parties`), used for the
name and the address where no column of their own gives them."""
TARGETS: tuple[str, ...] = tuple(
    [n for n in field_names() if n != "weight_kg"] + ["weight", "weight_unit", *CONTACT_TARGETS,
                                                      *NAME_ADDRESS_TARGETS]
)
MULTI_COLUMN_TARGETS: frozenset[str] = frozenset(f"{role}_address" for role in PARTY_ROLES)
REQUIRED_ANY: tuple[str, ...] = ("shipper_name", "consignee_name", "shipper_name_address",
                                  "consignee_name_address")
_ALIASES = {"weight_kg": "weight"}


def header_key(name: str) -> str:
    """Header spelling reduced for comparison: accents, case, spaces and punctuation removed.

    Examples
    --------
    >>> header_key("  Shipper Party-Name "), header_key("FRACCIÓN"), header_key("HS_Code")
    ('shipperpartyname', 'fraccion', 'hscode')
    """
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).casefold()


_AMS: dict[str, str | list[str]] = {
    "record_id": "identifier", "date": "actual_arrival_date",
    "shipper_name": "shipper_party_name",
    "shipper_address": [f"shipper_party_address_{i}" for i in range(1, 5)],
    "shipper_contact": "shipper_comm_number",
    "consignee_name": "consignee_name",
    "consignee_address": [f"consignee_address_{i}" for i in range(1, 5)],
    "consignee_contact": "consignee_comm_number",
    "notify_name": "notify_party_name",
    "notify_address": [f"notify_party_address_{i}" for i in range(1, 5)],
    "notify_contact": "notify_party_comm_number",
    "hs_code": "harmonized_number", "description": "description_text",
    "quantity": "manifest_quantity", "quantity_unit": "manifest_unit",
    "weight": "weight", "weight_unit": "weight_unit", "value_usd": "harmonized_value",
    "port_of_lading": "foreign_port_of_lading", "port_of_unlading": "port_of_unlading",
    "place_of_receipt": "place_of_receipt", "vessel": "vessel_name", "carrier": "carrier_code",
    "container": "container_number", "master_bol": "master_bol_number", "house_bol": "house_bol_number",
}
_GENERIC: dict[str, str | list[str]] = {
    **{t: t for t in TARGETS if t not in ("weight", "weight_unit")}, "weight": "weight_kg",
}
PRESETS: dict[str, dict[str, str | list[str]]] = {"ams": _AMS, "generic": _GENERIC}


@dataclass
class Mapping:
    """The mapping used for one source: target → source columns, plus what was left over and why.

    ``decisions`` holds one :class:`~tracekit.ingest.automap.Decision` per source column (target or
    None, confidence, reason); ``units`` the units read from headers (``{"weight": "KG"}`` for a
    ``Weight (kg)`` column with no unit column).

    Examples
    --------
    >>> m = resolve_mapping("auto", ["SHIPPER_NAME", "Consignee", "HS Code", "Colour"])
    >>> m.columns["hs_code"], m.extras
    (['HS Code'], ['Colour'])
    >>> m.unmapped["Colour"]
    'no tracekit field matches its words (colour); kept as an extra column'
    """

    kind: str
    columns: dict[str, list[str]]
    extras: list[str] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)

    def column(self, target: str) -> str | None:
        """The (first) source column mapped to ``target``, or None."""
        cols = self.columns.get(target)
        return cols[0] if cols else None

    @property
    def unmapped(self) -> dict[str, str]:
        """Source columns no target uses → why (they stay in the source's raw table)."""
        reasons = {d.column: d.reason for d in self.decisions if d.target is None}
        return {c: reasons.get(c, f"not named by the {self.kind} mapping; kept as an extra column")
                for c in self.extras}

    def decision(self, column: str) -> Decision | None:
        return next((d for d in self.decisions if d.column == column), None)

    def warnings(self) -> list[str]:
        """Loud warnings about fields the source lacks (see :func:`missing_field_warnings`)."""
        return missing_field_warnings(self)

    def to_json(self) -> dict:
        out = {"kind": self.kind, "columns": self.columns, "extras": self.extras}
        if self.units:
            out["units"] = dict(self.units)
        if self.decisions:
            out["decisions"] = [d.to_json() for d in self.decisions]
        return out

    def _rows(self) -> list[tuple[str, str, str]]:
        rows = []
        for t, cols in self.columns.items():
            d = self.decision(cols[0])
            conf = f"{d.confidence:.2f}" if d and d.target == t else ""
            unit = f" ({self.units['weight']})" if t == "weight" and "weight" in self.units else ""
            if unit and _names_unit(cols, self.units["weight"]):
                unit = ""  # "Weight (kg)" says it already
            rows.append((t, ", ".join(cols) + unit, conf))
        return rows

    def __str__(self) -> str:
        width = max((len(t) for t, _, _ in self._rows()), default=0)
        lines = [f"mapping ({self.kind}):"] + [f"  {t:<{width}} <- {c}" + (f"  [{k}]" if k else "")
                                                 for t, c, k in self._rows()]
        for column, reason in self.unmapped.items():
            lines.append(f"  unmapped {column}: {reason}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(f"<tr><td>{e(t)}</td><td>{e(c)}</td><td>{e(k)}</td></tr>" for t, c, k in self._rows())
        unmapped = "".join(f"<li>{e(c)}: {e(r)}</li>" for c, r in self.unmapped.items())
        extras = f"<p>kept as extra columns:</p><ul>{unmapped}</ul>" if unmapped else ""
        return (f"<table class='tracekit-mapping'><tr><th>field</th><th>source column ({e(self.kind)})</th>"
                f"<th>confidence</th></tr>{rows}</table>{extras}")


# What each missing kind of column costs the analyst (named in the load report's warnings).
_MISSING = {
    "date": ("date", "time-respecting traces, `changes` and date filters will not see this source's rows"),
    "description": ("description", "precursor flags on goods descriptions will not fire on this source"),
}


def missing_field_warnings(mapping: Mapping) -> list[str]:
    """Loud warnings for a source with no date, no description or a missing party column.

    Examples
    --------
    >>> m = resolve_mapping({"Shipper": "shipper_name"}, ["Shipper"])
    >>> [w.split(":")[0] for w in missing_field_warnings(m)]
    ['NO DATE COLUMN', 'NO DESCRIPTION COLUMN', 'NO CONSIGNEE COLUMN']
    """
    out = []
    for target, (label, cost) in _MISSING.items():
        if target not in mapping.columns:
            out.append(f"NO {label.upper()} COLUMN: {cost}")
    parties = {r: f"{r}_name" in mapping.columns or f"{r}_name_address" in mapping.columns
               for r in ("shipper", "consignee")}
    if not any(parties.values()):
        out.append("NO PARTY COLUMN: no rows can be resolved to companies; resolution and the graph will not "
                   "see this source")
    for role, present in parties.items():
        if not present and any(parties.values()):
            side = "suppliers" if role == "shipper" else "buyers"
            out.append(f"NO {role.upper()} COLUMN: resolution and the graph see no {side} in this source; "
                       f"traces cannot follow goods {'upstream' if role == 'shipper' else 'downstream'} through it")
    return out


def _target(name: str) -> str | None:
    name = _ALIASES.get(name, name)
    return name if name in TARGETS else None


def _from_dict(spec: MappingABC, kind: str) -> dict[str, list[str]]:
    """Accept {source: target} or {target: source | [sources]}; say which was meant when neither fits."""
    if spec and all(isinstance(v, str) and _target(v) for v in spec.values()):
        out: dict[str, list[str]] = {}
        for source, target in spec.items():
            out.setdefault(_target(target), []).append(str(source))
        return out
    unknown = [k for k in spec if not _target(str(k))]
    if unknown:
        raise MappingError(
            f"mapping {kind}: {', '.join(map(repr, unknown))} is not a tracekit field; give "
            f"{{source column: field}} or {{field: source column}} with fields from: {', '.join(TARGETS)}"
        )
    return {_target(str(k)): ([v] if isinstance(v, str) else [str(x) for x in v]) for k, v in spec.items()}


def resolve_mapping(spec: str | Path | MappingABC | None, headers: Sequence[str], *,
                    source: str = "the source", profiles: MappingABC[str, ColumnProfile] | None = None) -> Mapping:
    """The mapping to use for a source with ``headers``; fails before any data is read if unusable.

    Raises
    ------
    MappingError
        When the mapping names columns the source lacks, or no column gives a party name (the
        message names the missing fields and the columns seen).

    Examples
    --------
    >>> resolve_mapping("auto", ["PROVEEDOR", "IMPORTADOR", "FRACCION"]).columns
    {'shipper_name': ['PROVEEDOR'], 'consignee_name': ['IMPORTADOR'], 'hs_code': ['FRACCION']}
    """
    headers = list(headers)
    spec = "auto" if spec is None else spec
    decisions: list[Decision] = []
    units: dict[str, str] = {}
    if isinstance(spec, str) and spec in PRESETS:
        kind = spec
        present = set(headers)
        columns = {}
        for target, cols in PRESETS[spec].items():
            cols = [cols] if isinstance(cols, str) else cols
            if found := [c for c in cols if c in present]:
                columns[target] = found
    elif isinstance(spec, str) and spec == "auto":
        proposal = propose(headers, profiles)
        kind, columns, decisions, units = "auto", proposal.columns, proposal.decisions, proposal.units
    elif isinstance(spec, MappingABC):
        kind, columns = "dict", _from_dict(spec, "dict")
    elif isinstance(spec, str | Path) and str(spec).endswith(".json"):
        try:
            loaded = json.loads(Path(spec).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise MappingError(f"cannot read mapping file {spec}: {exc}") from exc
        if not isinstance(loaded, dict):
            raise MappingError(f"mapping file {spec} must hold a JSON object")
        kind, columns = f"file {Path(spec).name}", _from_dict(loaded, str(spec))
    else:
        raise MappingError(f"unknown mapping {spec!r}: use 'auto', 'ams', 'generic', a dict or a .json file")
    missing_columns = [c for cols in columns.values() for c in cols if c not in headers]
    if missing_columns:
        raise MappingError(
            f"{source}: the mapping names column(s) {', '.join(map(repr, missing_columns))} which the "
            f"source does not have; columns seen: {', '.join(headers)}"
        )
    if not any(t in columns for t in REQUIRED_ANY):
        why = "".join(f"\n  {d.column}: {d.reason}" for d in decisions if d.target is None)
        raise MappingError(
            f"{source}: no column for a party name (needs one of: {', '.join(REQUIRED_ANY)}) with mapping "
            f"{kind!r}, so every row would be quarantined as no_party; resolution and the graph need a "
            f"shipper or consignee; columns seen: {', '.join(headers) or '(none)'}{why}"
        )
    for target, cols in columns.items():
        if len(cols) > 1 and target not in MULTI_COLUMN_TARGETS:
            raise MappingError(f"{source}: field {target} can take one column, the mapping gives {cols}")
    ordered = {t: columns[t] for t in TARGETS if t in columns}
    used = {c for cols in ordered.values() for c in cols}
    return Mapping(kind, ordered, [h for h in headers if h not in used], decisions, units)


def _names_unit(columns: list[str], unit: str) -> bool:
    """The header already names the unit as a word: ``Weight (kg)``, ``PESO KG``.

    Examples
    --------
    >>> _names_unit(["Weight (kg)"], "KG"), _names_unit(["weight"], "KG"), _names_unit(["Peso_KGS"], "KG")
    (True, False, False)
    """
    import re

    return any(unit.upper() in re.split(r"[^A-Z0-9]+", c.upper()) for c in columns)
