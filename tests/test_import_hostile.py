"""`datagen import` of files that are not DDL: exit 2 naming the file (and the line where
there is one), never a traceback, never a schema written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_helpers import run_cli as datagen  # in-process: flags, files, exit codes

INSERTS = "".join(f"INSERT INTO t VALUES ({i}, 'it''s; {i}');\n" for i in range(20_000))
HOSTILE: dict[str, tuple[bytes, str]] = {  # name: (content, what the message must hold)
    "garbage": (b"\n\nselect garbage ( ( ;; from\n", "line 3: no CREATE TABLE"),
    "binary": (bytes(range(256)) * 8, "not UTF-8 text"),
    "nul": (b"CREATE TABLE t (\n  a INT\x00\n);", "line 2: a NUL character"),
    "data_only": (b"-- a dump\nDROP TABLE t;\n" + INSERTS.encode(), "line 2: no CREATE TABLE"),
    "empty": (b"  -- nothing\n/* at all */\n", "no SQL in the file"),
    "unterminated_string": (
        b"CREATE TABLE a (id INT PRIMARY KEY);\nCREATE TABLE t (\n  s VARCHAR(9) DEFAULT 'abc\n);",
        "line 3: a string opened here is never closed",
    ),
    "unterminated_name": (
        b'CREATE TABLE "t (id INT PRIMARY KEY);\n',
        "line 1: a quoted name opened here is never closed",
    ),
    "broken_table": (b"CREATE TABLE ok (id INT);\nCREATE TABLE (((;\n", "line 2"),
    "nested": (
        b"CREATE TABLE t (a INT CHECK (" + b"(" * 5000 + b"a > 1" + b")" * 5000 + b"));",
        "line 1: expressions nested too deeply",
    ),
}


@pytest.mark.parametrize("dialect", [None, "postgres"])
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_are_refused_with_file_line_and_exit_2(
    tmp_path: Path, name: str, dialect: str | None
) -> None:
    content, message = HOSTILE[name]
    path = tmp_path / f"{name}.sql"
    path.write_bytes(content)
    out = tmp_path / "schema.json"
    args = ["import", str(path), "--out", str(out)] + (["--dialect", dialect] if dialect else [])
    done = datagen(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert str(path) in done.stderr and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [path]  # nothing half-written
