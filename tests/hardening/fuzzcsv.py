"""Hypothesis-generated delimited files, and the invariant every load of one must keep.

A generated file varies what real trade files vary: encoding (UTF-8 with and without BOM, cp1252,
GB18030, UTF-16/32 in both byte orders with and without BOM), delimiter, quoting (minimal, all, none:
then fields holding the delimiter make ragged lines), line endings (one kind, or mixed per line, lone CR
included), blank lines, missing final newline, ragged rows, control characters, bidi marks, quotes and
line breaks inside fields, an occasional long field, gzip compression, and truncation of the bytes.

The invariant (:func:`check_load`): ``ws.load`` either raises a :class:`~tracekit.errors.TracekitError`,
or every source it read satisfies read = loaded + quarantined, the store holds exactly those rows, every
row has its own line number inside the file, and, when the text has no quote characters and was not cut,
every non-empty line after the header is one loaded or quarantined row.

Used by ``tests/hardening/test_fuzz.py`` (a bounded count in ``make test``) and by
``tests/benchmarks/bench_fuzz.py`` (10,000 files in ``make bench``).
"""

from __future__ import annotations

import gzip
import itertools
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from tracekit.errors import TracekitError

__all__ = ["GeneratedFile", "generated_files", "check_load", "Outcome"]

ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "gb18030", "utf-16-le", "utf-16-be", "utf-16", "utf-32-le",
             "utf-32-be", "utf-32"]
HEADER_POOL = ["shipper_name", "consignee_name", "hs_code", "date", "weight", "description", "notify_party",
               "shipper_address", "country_of_origin", "record_id", "colour", "Line", "", "shipper_name"]
_counter = itertools.count()

field_text = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
    st.text(alphabet="ACME Chem,;|\t\"'\n\r 0123456789-./\x1b\u202e\x00éÑ上海", max_size=16),
    st.sampled_from(["2024-01-02", "12/31/2023", "31.12.2023", "2933.39", "-5", "1,200 KG", "=cmd|' /C calc'!A0",
                     "ACME CHEMICAL CO LTD", "QUIMICA DEL NORTE SA DE CV", "上海化工有限公司", ""]),
)


@dataclass
class GeneratedFile:
    """A generated source: its bytes, the file name, and what the checker needs to know of it."""

    data: bytes
    name: str
    text: str  # the text as generated (before encoding, compression and truncation)
    quoted: bool  # any quote character in the text (records may then span lines)
    cut: bool  # the bytes were truncated
    lossy: bool  # the encoding could not hold every character

    def write(self, folder: Path) -> Path:
        path = folder / self.name
        path.write_bytes(self.data)
        return path


def _quote(value: str, delimiter: str, style: str) -> str:
    if style == "all" or (style == "minimal" and any(c in value for c in (delimiter, '"', "\n", "\r"))):
        return '"' + value.replace('"', '""') + '"'
    return value


@st.composite
def generated_files(draw) -> GeneratedFile:
    columns = draw(st.lists(st.sampled_from(HEADER_POOL), min_size=1, max_size=6))
    if draw(st.integers(0, 4)) > 0:  # mostly a header a mapping recognises, so rows get loaded
        columns = ["shipper_name", "consignee_name", *columns]
    width = len(columns)
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    style = draw(st.sampled_from(["minimal", "minimal", "all", "none"]))
    n_rows = draw(st.integers(0, 25))
    records = [columns]
    for _ in range(n_rows):
        ragged = draw(st.integers(0, 9)) == 0
        n = draw(st.integers(0, width + 2)) if ragged else width
        records.append([draw(field_text) for _ in range(n)])
    if draw(st.integers(0, 19)) == 0:  # one long field somewhere
        row = draw(st.integers(0, len(records) - 1))
        if records[row]:
            records[row][0] = "L" * draw(st.sampled_from([70_000, 200_000]))
    endings = draw(st.sampled_from(["\n", "\r\n", "\r", "mixed"]))
    lines = []
    for record in records:
        line = delimiter.join(_quote(v, delimiter, style) for v in record)
        end = draw(st.sampled_from(["\n", "\r\n", "\r"])) if endings == "mixed" else endings
        lines.append(line + end)
        if draw(st.integers(0, 14)) == 0:
            lines.append(end)  # a blank line
    text = "".join(lines)
    if not draw(st.booleans()):
        text = text.rstrip("\r\n")
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, "replace")
    lossy = data.decode(encoding, "replace") != text
    compressed = draw(st.integers(0, 4)) == 0
    if compressed:
        data = gzip.compress(data)
    cut = draw(st.integers(0, 5)) == 0 and len(data) > 1
    if cut:
        data = data[: draw(st.integers(1, len(data) - 1))]
    name = f"fuzz-{next(_counter)}.{'csv.gz' if compressed else 'csv'}"
    return GeneratedFile(data, name, text, quoted='"' in text, cut=cut, lossy=lossy)


@dataclass
class Outcome:
    """What one load did: "loaded" (the invariant held) or "refused" (a TracekitError, one clear message)."""

    kind: str
    message: str = ""
    rows_read: int = 0


def _physical_lines(text: str) -> list[str]:
    """The file's lines as an editor numbers them (CRLF, CR and LF each end one)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def check_load(ws, generated: GeneratedFile, folder: Path) -> Outcome:
    """Load the file and assert the invariant; returns what happened."""
    path = generated.write(folder)
    try:
        report = ws.load(path, progress=False)
    except TracekitError as exc:
        message = str(exc)
        assert message and "Traceback" not in message
        return Outcome("refused", message.splitlines()[0][:200])
    assert len(report.sources) == 1
    source = report.sources[0]
    if source.status == "skipped":  # the same bytes were generated before: nothing new, nothing counted
        assert (source.rows_read, source.rows_loaded, report.rows_read) == (0, 0, 0)
        same = ws.sql("SELECT count(*) AS n FROM sources WHERE source_id = ?", [source.source_id])["n"][0]
        assert same == 1
        return Outcome("skipped")
    assert source.status == "loaded", source
    assert source.rows_read == source.rows_loaded + source.rows_quarantined, source
    sid = source.source_id
    loaded = ws.sql("SELECT line FROM shipments WHERE source_id = ?", [sid])["line"].tolist()
    quarantined = ws.sql("SELECT line FROM quarantine WHERE source_id = ?", [sid])["line"].tolist()
    assert len(loaded) == source.rows_loaded and len(quarantined) == source.rows_quarantined
    stored = ws.sql("SELECT rows_read, rows_loaded, rows_quarantined FROM sources WHERE source_id = ?", [sid])
    assert stored.iloc[0].tolist() == [source.rows_read, source.rows_loaded, source.rows_quarantined]
    every = loaded + quarantined
    assert len(set(every)) == len(every), f"a line counted twice: {sorted(every)}"
    lines = _physical_lines(generated.text)
    assert all(2 <= line <= len(lines) for line in every), (sorted(every), len(lines))
    if not generated.quoted and not generated.cut:
        decoded = generated.data
        if generated.name.endswith(".gz"):
            decoded = gzip.decompress(decoded)
        shown = _physical_lines(_decode(decoded, source.encoding or "utf-8"))
        if shown and shown[-1] == "":
            shown.pop()  # the text after the final line break is not a line
        full = {i + 1 for i, line in enumerate(shown) if i > 0 and line != ""}
        blank = {i + 1 for i, line in enumerate(shown) if i > 0 and line == ""}
        # Every non-empty line is a row; an empty line is a row only in a one-column file (an empty value).
        single_column = len(ws.sql("SELECT * FROM sources WHERE source_id = ?", [sid])) == 1 and \
            "," not in shown[0] and source.delimiter not in shown[0]
        assert full <= set(every) <= (full | blank if single_column else full), \
            (sorted(every), sorted(full), sorted(blank))
    return Outcome("loaded", rows_read=source.rows_read)


def _decode(data: bytes, encoding: str) -> str:
    text = data.decode(encoding, "replace")
    return text[1:] if text.startswith("\ufeff") else text
