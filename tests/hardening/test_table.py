"""Issue 14's table, row by row: each hostile input or action ends in one clear line or a correct load.

Each test asserts the message, the exit code and the counts (nothing counted twice, nothing dropped).
"""

from __future__ import annotations

import gzip
import os

import duckdb
import pytest

import tracekit
from tests.hardening.conftest import HEADER, one_error_line, rows
from tracekit.errors import SourceChanged


def _counts(ws_path) -> tuple[int, int, int]:
    with tracekit.Workspace(ws_path, read_only=True) as ws:
        info = ws.info()
        return info.sources, info.shipments, info.quarantined


# -- readers ----------------------------------------------------------------------------------------
def test_one_10mb_line_is_one_error_line(cli, write, tmp_path):
    path = write("one-line.csv", b"x" * (10 << 20) + b"\n")
    run = cli("load", path, "-w", tmp_path / "ws")
    assert run.code == 2
    assert "one-line.csv: the first line is over 65,536 characters long, too long for a header" in one_error_line(run.err)
    assert _counts(tmp_path / "ws") == (0, 0, 0)


def test_a_10mb_field_is_quarantined_with_its_line(cli, write, tmp_path):
    path = write("big-field.csv", HEADER + "ACME," + "y" * (10 << 20) + ",293339,2024-01-02\n" + rows(2))
    run = cli("load", path, "-w", tmp_path / "ws")
    assert run.code == 0, run.err
    assert "read 3 = loaded 2 + quarantined 1" in run.out
    with tracekit.Workspace(tmp_path / "ws") as ws:
        q = ws.quarantine()
        assert q[["line", "reason"]].values.tolist() == [[2, "malformed_line"]]
        assert sorted(ws.sql("SELECT line FROM shipments")["line"]) == [3, 4]


@pytest.mark.parametrize("endings", [["\r\n", "\n", "\r\n", "\n"], ["\n", "\n", "\r\n", "\n"], ["\r", "\n", "\r\n", "\r"]])
def test_mixed_line_endings_load_with_physical_line_numbers(cli, write, tmp_path, endings):
    lines = [HEADER.rstrip("\n")] + rows(3).splitlines()
    text = "".join(line + end for line, end in zip(lines, endings, strict=True))
    run = cli("load", write("mixed.csv", text.encode()), "-w", tmp_path / "ws")
    assert run.code == 0, run.err
    assert "read 3 = loaded 3 + quarantined 0" in run.out
    with tracekit.Workspace(tmp_path / "ws") as ws:
        got = ws.sql("SELECT line, shipper_name FROM shipments ORDER BY line").values.tolist()
    assert got == [[2, "ACME CHEM 0"], [3, "ACME CHEM 1"], [4, "ACME CHEM 2"]]


def test_truncated_gzip_loads_what_is_whole_and_quarantines_the_cut_line(cli, write, tmp_path):
    data = gzip.compress((HEADER + rows(3000)).encode())
    path = write("cut.csv.gz", data[: len(data) // 2])
    run = cli("load", path, "-w", tmp_path / "ws")
    assert run.code == 0, run.err
    assert "the archive is truncated" in run.out and "loaded what is whole" in run.out
    with tracekit.Workspace(tmp_path / "ws") as ws:
        report = ws.sql("SELECT rows_read, rows_loaded, rows_quarantined FROM sources").iloc[0].tolist()
        lines = ws.sql("SELECT line FROM shipments ORDER BY line")["line"].tolist()
        cut = ws.quarantine()
    assert report[0] == report[1] + report[2] and report[2] == 1
    assert lines == list(range(2, 2 + report[1]))  # every whole line, in order, none twice
    assert cut["reason"].tolist() == ["truncated"] and cut["line"].tolist() == [report[1] + 2]
    whole = (HEADER + rows(3000)).splitlines()
    assert whole[report[1] + 1].startswith(cut["raw_text"][0])  # the partial line, as far as it goes


def _zip(text: str) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bills.csv", text)
    return buffer.getvalue()


def test_truncated_or_damaged_zip_fails_with_one_line_and_loads_nothing(cli, write, tmp_path):
    data = _zip(HEADER + rows(20_000))
    cut = cli("load", write("cut.zip", data[: len(data) // 2]), "-w", tmp_path / "ws")
    assert cut.code == 2 and "cut.zip: not a readable zip archive" in one_error_line(cut.err)
    damaged = bytearray(data)
    damaged[len(data) // 3] ^= 0xFF
    bad = cli("load", write("bad.zip", bytes(damaged)), "-w", tmp_path / "ws")
    assert bad.code == 2
    assert "bad.zip!bills.csv: the archive is damaged" in one_error_line(bad.err) and "nothing was loaded" in bad.err
    assert _counts(tmp_path / "ws") == (0, 0, 0)


def test_gzip_cut_inside_its_first_line_is_one_error_line(cli, write, tmp_path):
    data = gzip.compress(HEADER.encode() * 50)
    run = cli("load", write("tiny.csv.gz", data[:15]), "-w", tmp_path / "ws")
    assert run.code == 2 and "tiny.csv.gz" in one_error_line(run.err)


def test_unreadable_file_is_one_error_line(cli, write, tmp_path, monkeypatch):
    path = write("locked.csv", HEADER + rows(2))
    if os.geteuid() != 0:
        path.chmod(0)
    else:  # root reads any file: make the read fail as it would for anyone else
        import tracekit.ingest.sources as sources

        def denied(source, size=1 << 20):
            raise PermissionError(13, "Permission denied", str(source.path))

        monkeypatch.setattr(sources, "_sample", denied)
    run = cli("load", path, "-w", tmp_path / "ws")
    assert run.code == 2
    assert "locked.csv: cannot read the file: Permission denied" in one_error_line(run.err)
    assert _counts(tmp_path / "ws") == (0, 0, 0)


def test_read_only_workspace_folder_is_one_error_line(cli, write, tmp_path, monkeypatch):
    ws_path = tmp_path / "ws"
    assert cli("init", ws_path).code == 0
    path = write("f.csv", HEADER + rows(2))
    if os.geteuid() != 0:
        ws_path.chmod(0o555)
    else:  # root writes anywhere: make the work folder fail as it would in a read-only folder
        import tracekit.store.load as load_module

        def denied(*args, **kwargs):
            raise PermissionError(13, "Permission denied", str(ws_path))

        monkeypatch.setattr(load_module.tempfile, "TemporaryDirectory", denied)
    run = cli("load", path, "-w", ws_path)
    ws_path.chmod(0o755)
    assert run.code == 2
    assert f"cannot write in the workspace folder {ws_path}: Permission denied" in one_error_line(run.err)
    assert _counts(ws_path) == (0, 0, 0)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_utf16_and_utf32_without_bom_are_detected(cli, write, tmp_path, encoding):
    text = HEADER + "QUÍMICA DEL NORTE,BÜYER GMBH,293339,2024-01-02\n" + rows(2)
    run = cli("load", write("wide.csv", text, encoding), "-w", tmp_path / "ws")
    assert run.code == 0, run.err
    assert f"read as csv, {encoding}" in run.out and "read 3 = loaded 3 + quarantined 0" in run.out
    with tracekit.Workspace(tmp_path / "ws") as ws:
        assert ws.sql("SELECT shipper_name FROM shipments ORDER BY line")["shipper_name"][0] == "QUÍMICA DEL NORTE"


def test_zero_bytes_in_no_pattern_ask_for_the_encoding(cli, write, tmp_path):
    run = cli("load", write("odd.csv", bytes(0 if i % 5 == 0 else 40 + i % 80 for i in range(1 << 16))), "-w", tmp_path / "ws")
    assert run.code == 2 and "--encoding" in one_error_line(run.err)


# -- sources have versions --------------------------------------------------------------------------
def test_edited_file_loaded_again_stops_and_asks(cli, write, tmp_path):
    ws_path = tmp_path / "ws"
    path = write("bills.csv", HEADER + rows(5))
    assert cli("load", path, "-w", ws_path).code == 0
    assert cli("load", path, "-w", ws_path).out.count("skipped") == 1  # the same bytes add nothing
    path.write_text(HEADER + rows(4) + "ACME CHEM EDITED,BUYER 4 SA,293339,2024-01-05\n")
    run = cli("load", path, "-w", ws_path)
    assert run.code == 2
    line = one_error_line(run.err)
    assert "bills.csv (loaded as source 1" in line and "--replace" in line and "--as-new" in line
    assert _counts(ws_path) == (1, 5, 0)  # nothing written

    replaced = cli("load", path, "-w", ws_path, "--replace")
    assert replaced.code == 0 and "bills.csv: replaced, read 5 = loaded 5" in replaced.out
    with tracekit.Workspace(ws_path) as ws:
        assert (ws.info().sources, ws.info().shipments, ws.info().party_mentions) == (1, 5, 10)
        assert "ACME CHEM EDITED" in ws.sql("SELECT shipper_name FROM shipments")["shipper_name"].tolist()
        assert ws.source_rows(source=str(path))["shipper_name"].tolist()[-1] == "ACME CHEM EDITED"

    path.write_text(HEADER + rows(6))
    kept = cli("load", path, "-w", ws_path, "--as-new")
    assert kept.code == 0 and "count twice" in kept.out
    assert _counts(ws_path) == (2, 11, 0)


def test_replace_redoes_resolution_and_the_python_api_asks_too(tmp_path, write):
    path = write("bills.csv", HEADER + rows(6))
    with tracekit.Workspace(tmp_path / "ws") as ws:
        ws.load(path, progress=False)
        ws.resolve(progress=False)
        path.write_text(HEADER + rows(3) + rows(2, start=100))
        with pytest.raises(SourceChanged, match="on_change='replace' or 'as_new'"):
            ws.load(path, progress=False)
        report = ws.load(path, progress=False, on_change="replace")
        assert report.sources[0].status == "replaced"
        assert any("resolution redone" in n for n in report.sources[0].notes)
        named = ws.sql("SELECT count(*) AS n FROM party_mentions WHERE name IS NOT NULL")["n"][0]
        resolved = ws.sql("SELECT count(*) AS n FROM mention_entities me "
                          "JOIN party_mentions pm USING (mention_id)")["n"][0]
        dangling = ws.sql("SELECT count(*) AS n FROM mention_entities WHERE mention_id NOT IN "
                          "(SELECT mention_id FROM party_mentions)")["n"][0]
        assert (named, resolved, dangling) == (10, 10, 0)
        assert len(ws.search("ACME CHEM 100")) >= 1


# -- terminal and labels --------------------------------------------------------------------------
HOSTILE = ["ACME \x1b[31mRED\x1b[0m CHEMICAL", "EVIL \x1b]0;pwned\x07 TRADING", "Acme \u202edtl lacimehC Trading"]


def test_names_with_escapes_and_bidi_never_reach_the_terminal_raw(cli, write, tmp_path):
    ws_path = tmp_path / "ws"
    text = HEADER + "".join(f'"{n}",BUYER {i} SA,293339,2024-01-0{i + 1}\n' for i, n in enumerate(HOSTILE))
    assert cli("load", write("hostile.csv", text), "-w", ws_path).code == 0
    assert cli("resolve", "-w", ws_path).code == 0
    search = cli("search", "Acme", "-w", ws_path, "--limit", "20")
    trace = cli("trace", "BUYER 2 SA", "--direction", "up", "-w", ws_path)
    for run in (search, trace):
        assert run.code == 0, run.err
        assert not any(c in run.out for c in ("\x1b", "\x07", "\u202e")), run.out
    assert "\\u202edtl lacimehC" in search.out and "\\x1b[31mRED" in search.out
    assert "\\u202edtl lacimehC" in trace.out
    with tracekit.Workspace(ws_path) as ws:  # the store keeps the original characters
        assert set(HOSTILE) <= set(ws.sql("SELECT name FROM entities")["name"])
        graph = ws.trace("BUYER 2 SA", direction="up").graph
    from tracekit.graph.draw import to_svg
    from tracekit.views.elements import to_elements

    labels = [e["data"]["label"] for e in to_elements(graph) if e["group"] == "nodes"]
    assert "Acme \\u202edtl lacimehC Trading" in labels
    svg = to_svg(graph)
    assert "\u202e" not in svg and "\\u202e" in svg


# -- export, workspaces ---------------------------------------------------------------------------
def test_export_to_a_folder_is_one_error_line(cli, write, tmp_path):
    ws_path = tmp_path / "ws"
    cli("load", write("f.csv", HEADER + rows(3)), "-w", ws_path)
    cli("resolve", "-w", ws_path)
    (tmp_path / "out").mkdir()
    run = cli("export", "mentions", "--out", tmp_path / "out", "-w", ws_path)
    assert run.code == 2 and "it is a folder; give a file name" in one_error_line(run.err)
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("verb", [["info"], ["search", "acme"], ["trace", "acme"], ["resolve"]])
def test_read_verb_on_a_mistyped_workspace_creates_nothing(cli, tmp_path, verb):
    run = cli(*verb, "-w", tmp_path / "typo")
    assert run.code == 2 and "is not a tracekit workspace" in one_error_line(run.err)
    assert not (tmp_path / "typo").exists()


def test_folder_with_other_files_is_not_taken_over(cli, write, tmp_path):
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "notes.txt").write_text("mine")
    run = cli("load", write("f.csv", HEADER + rows(2)), "-w", tmp_path / "case")
    assert run.code == 2 and "holds other files (notes.txt)" in one_error_line(run.err)
    assert [p.name for p in (tmp_path / "case").iterdir()] == ["notes.txt"]


def test_foreign_duckdb_file_is_refused_and_left_alone(cli, write, tmp_path):
    (tmp_path / "ws").mkdir()
    with duckdb.connect(str(tmp_path / "ws" / "tracekit.duckdb")) as con:
        con.execute("CREATE TABLE payroll (name VARCHAR, salary INT)")
    for argv in (["info"], ["load", write("f.csv", HEADER + rows(2))]):
        run = cli(*argv, "-w", tmp_path / "ws")
        assert run.code == 2 and "a DuckDB database that tracekit did not create (tables payroll)" in one_error_line(run.err)
    with duckdb.connect(str(tmp_path / "ws" / "tracekit.duckdb")) as con:
        assert con.execute("SELECT table_name FROM information_schema.tables").fetchall() == [("payroll",)]


def test_not_a_duckdb_file_is_refused(cli, tmp_path):
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "tracekit.duckdb").write_bytes(b"not a database" * 500)
    run = cli("info", "-w", tmp_path / "ws")
    assert run.code == 2 and "is not a DuckDB database" in one_error_line(run.err)


@pytest.mark.parametrize("damage, expected", [
    ("UPDATE tk_meta SET value = 'abc'", "tk_meta.schema_version is 'abc', not a version number"),
    ("DELETE FROM tk_meta", "tk_meta has no schema_version"),
])
def test_damaged_tk_meta_names_the_fix(cli, tmp_path, damage, expected):
    assert cli("init", tmp_path / "ws").code == 0
    with duckdb.connect(str(tmp_path / "ws" / "tracekit.duckdb")) as con:
        con.execute(damage)
    run = cli("info", "-w", tmp_path / "ws")
    line = one_error_line(run.err)
    assert run.code == 2 and expected in line and "UPDATE tk_meta SET value" in line
    with duckdb.connect(str(tmp_path / "ws" / "tracekit.duckdb")) as con:  # not silently re-stamped
        assert con.execute("SELECT count(*) FROM tk_meta WHERE value = '2'").fetchone() == (0,)


def test_opening_one_workspace_twice_in_one_process(tmp_path):
    """Two Workspace objects on one folder (say a read-only one for a briefing) both work: neither
    holds the database between verbs."""
    with tracekit.Workspace(tmp_path / "ws") as ws:
        with tracekit.Workspace(tmp_path / "ws", read_only=True) as reader:
            assert reader.info().sources == ws.info().sources == 0
        with tracekit.Workspace(tmp_path / "ws") as again:
            assert again.info().sources == ws.info().sources == 0
