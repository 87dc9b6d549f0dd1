"""A sweep of hostile inputs across the CLI, run as a user runs it: the `datagen` executable in
a subprocess (exit codes, stderr, stdin closed) over every kind of bad input we can think of.

The promise checked for every case (docs/promises.md, non-negotiable #6):
- the exit code is 0, 1 or 2; never a traceback, never "internal error" (a user's mistake is
  not a bug of ours);
- exit 2 says `error` and names the place: the flag, the file, the JSON path or the line;
- a failed run leaves no output behind, and files already in the user's folder survive.

Schema mutations: every field of every shipped example is deleted, nulled, given a wrong
type or a hostile value (negative and 1e12 rows, NaN, names with spaces, quotes, unicode,
SQL keywords, `..` and slashes, out-of-range dates, broken expressions, exploding regexes,
zero weights...), plus structural ones (duplicate tables and columns, FKs to a missing
table, cycles, self-parents). The list is built deterministically and sampled with a fixed
seed; `make test` runs a small sample in-process (click's CliRunner: the same code path
without an interpreter start-up each) and a few real subprocesses, `make test-slow` runs a
large sample and every flag, file and output case as subprocesses.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import random
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli_helpers import datagen

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "hostile" / "tiny.json"
# tpch.json is left out: 46 KB of vocabularies, the other examples' shapes
EXAMPLES = {
    p.stem: json.loads(p.read_text()) for p in sorted((ROOT / "examples").glob("*.json"))
} | {"tiny": json.loads(TINY.read_text())}
EXAMPLES.pop("tpch", None)
SWEEP_SEED = 20261203  # the same sample on every machine
SMALL_ROWS = 12

# --------------------------------------------------------------------------- the promise


def check_answer(done: subprocess.CompletedProcess[str], place: str | None = None) -> None:
    """Exit 0, 1 or 2, no traceback; exit 2 says `error` and names `place` when given."""
    said = done.stdout + done.stderr
    command = " ".join(map(str, done.args))
    assert done.returncode in (0, 1, 2), (command, done.returncode, said[-2000:])
    assert "Traceback" not in said, (command, said[-2000:])
    assert "internal error" not in said, (command, said[-2000:])
    if done.returncode == 2:
        assert re.search(r"\berror\b", done.stderr, re.IGNORECASE), (command, done.stderr)
        if place is not None:
            assert place in done.stderr, (command, place, done.stderr)


def run_process(*args: Any, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """The installed executable, stdin closed unless `input` is given (no terminal)."""
    return datagen(*map(str, args), input=input if input is not None else "", timeout=600)


def run_inprocess(*args: Any) -> subprocess.CompletedProcess[str]:
    """The same command through click's CliRunner: an escaping exception is a failed test."""
    from click.testing import CliRunner

    from datagen.agent.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# --------------------------------------------------------------------------- schema mutations

NAMES = ["", " ", "a b", 'a"b', "a'b", "é名", "select", "order", "..", "a/b", "a.b", "x" * 80]
DATES = ["", "NaT", "now", "today", "10000-01-01", "-0001-01-01", "2024-02-30", "2024-13-01"]
EXPRESSIONS = ["a +", "1 / 0", "nope(1)", "amount + 'x'", "__import__('os')", "(" * 300, "x" * 5000]
REGEXES = ["(", "(a+)+$", "(a+)+(?=c)", "(?<=x)a", "\\1", "[z-a]"]


def _leaves(doc: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, doc
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            yield from _leaves(value, (*path, index))


def _values_for(path: tuple[Any, ...], value: Any) -> list[tuple[str, Any]]:
    """(label, new value) for the value at `path`; the value `...` means delete it."""
    key = path[-1]
    found: list[tuple[str, Any]] = [("delete", ...), ("null", None)]
    if isinstance(value, bool):
        found += [("text", "yes"), ("int", 2)]
    elif isinstance(value, int | float):
        found += [("text", "x"), ("negative", -1), ("zero", 0), ("1e12", 10**12)]
        found += [("1e12f", 1e12), ("nan", float("nan")), ("inf", float("inf")), ("half", 0.5)]
    elif isinstance(value, str):
        found += [("int", 1), ("list", [value])] + [(f"name {n!r}", n) for n in NAMES]
        if re.match(r"^\d{4}-\d\d-\d\d", value):
            found += [(f"date {d!r}", d) for d in DATES]
        if key in ("expr", "expression", "when", "condition"):
            found += [(f"expression {e[:12]!r}", e) for e in EXPRESSIONS]
        if key == "regex":
            found += [(f"regex {r!r}", r) for r in REGEXES]
    elif isinstance(value, list):
        found += [("empty", []), ("text", "x"), ("object", {}), ("repeated", value + value[:1])]
        if key == "weights" and value:
            found += [("zero weights", [0] * len(value)), ("nan weights", [float("nan")])]
    elif isinstance(value, dict):
        found += [("empty", {}), ("list", [value]), ("text", "x")]
    return found


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    doc = copy.deepcopy(doc)
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    if value is ...:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return doc


STRUCTURAL = [
    "duplicate table", "duplicate column", "parent missing", "self parent", "cycle",
    "lookup of a missing table", "lookup of a missing column",
]  # fmt: skip


def _structural(name: str, doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Whole-table mutations: duplicates, a missing FK target, a cycle, a self-parent."""
    nodes = doc["nodes"]
    yield "duplicate table", {**doc, "nodes": [*nodes, copy.deepcopy(nodes[0])]}
    first = copy.deepcopy(doc)
    first["nodes"][0]["columns"].append(copy.deepcopy(first["nodes"][0]["columns"][-1]))
    yield "duplicate column", first
    facts = [i for i, n in enumerate(nodes) if n.get("parents")]
    for i in facts[:1]:
        missing = copy.deepcopy(doc)
        missing["nodes"][i]["parents"] = ["nowhere"]
        yield "parent missing", missing
        self_parent = copy.deepcopy(doc)
        self_parent["nodes"][i]["parents"] = [nodes[i]["id"]]
        yield "self parent", self_parent
        cycle = copy.deepcopy(doc)
        root = next(j for j, n in enumerate(nodes) if n["id"] == nodes[i]["parents"][0])
        cycle["nodes"][root].update(
            kind="fact", parents=[nodes[i]["id"]], fanout={"distribution": "poisson", "lambda": 1}
        )
        yield "cycle", cycle
    for path, value in _leaves(doc):
        if path and path[-1] == "from" and isinstance(value, str) and "." in value:
            yield "lookup of a missing table", _set(doc, path, "nowhere." + value.split(".")[1])
            yield "lookup of a missing column", _set(doc, path, value.split(".")[0] + ".nowhere")
            break


def _small(doc: Any) -> Any:
    """Plausible row counts made tiny (a valid case runs in milliseconds); absurd ones kept."""
    nodes = doc.get("nodes") if isinstance(doc, dict) else None
    for node in nodes if isinstance(nodes, list) else []:
        rows = node.get("rows") if isinstance(node, dict) else None
        if isinstance(rows, int) and not isinstance(rows, bool) and SMALL_ROWS < rows < 10**6:
            node["rows"] = SMALL_ROWS
    return doc


Mutation = tuple[str, str, tuple[Any, ...], Any]  # label, example, path, new value


@functools.cache
def schema_mutations() -> list[Mutation]:
    """Every mutation of every example, in a fixed order, made only when run (`apply`)."""
    cases: list[Mutation] = []
    for name, doc in EXAMPLES.items():
        for path, value in _leaves(doc):
            if not path:
                continue
            for label, new in _values_for(path, value):
                where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
                cases.append((f"{name}{where} {label}", name, path, new))
        cases += [(f"{name} {label}", name, (), label) for label in STRUCTURAL]
    return cases


def apply(mutation: Mutation) -> Any:
    label, name, path, new = mutation
    doc = EXAMPLES[name]
    if path:
        return _set(doc, path, new)
    return dict(_structural(name, doc)).get(new, doc)


def sample(count: int, salt: int = 0) -> list[tuple[str, Any]]:
    cases = schema_mutations()
    chosen = random.Random(SWEEP_SEED + salt).sample(cases, min(count, len(cases)))
    return [(mutation[0], apply(mutation)) for mutation in chosen]


def check_schema_case(label: str, doc: Any, folder: Path, runner: Any) -> None:
    """`generate` of the mutated schema: an answer, not a crash; nothing left on a failure."""
    folder.mkdir(parents=True, exist_ok=True)
    schema = folder / "schema.json"
    schema.write_text(json.dumps(_small(doc)))  # NaN and Infinity as JSON's extensions
    out = folder / "out"
    shutil.rmtree(out, ignore_errors=True)
    done = runner("generate", schema, "--out", out, "-q", "-j", "1", "--format", "parquet,csv")
    try:
        check_answer(done)
    except AssertionError as exc:
        raise AssertionError(f"{label}: {exc}") from None
    if done.returncode == 2 and "problem(s) in" in done.stderr:
        assert str(schema) in done.stderr, (label, done.stderr)  # the file...
        assert re.search(r"^\s+- \S", done.stderr, re.MULTILINE), (label, done.stderr)  # ...paths
    if done.returncode != 0:
        assert not out.exists(), f"{label}: a failed run left {out} behind"
    assert sorted(p.name for p in folder.iterdir()) in (["schema.json"], ["out", "schema.json"])


def test_the_sweep_covers_every_kind_of_mutation_the_brief_names() -> None:
    labels = " ".join(mutation[0] for mutation in schema_mutations())
    for kind in ["delete", "null", "negative", "1e12", "nan", "inf", "name ''", "name 'a b'",
                 "name 'select'", "name '..'", "name 'a/b'", "name 'é名'", "duplicate table",
                 "duplicate column", "parent missing", "cycle", "self parent", "date 'NaT'",
                 "expression '1 / 0'", "expression 'nope(1)'", "zero weights", "regex '(a+)+(?=c)'",
                 "lookup of a missing table"]:  # fmt: skip
        assert kind in labels, kind


@pytest.mark.parametrize("part", range(4))
def test_a_sample_of_schema_mutations_in_process(part: int, tmp_path: Path) -> None:
    for index, (label, doc) in enumerate(sample(160)[part::4]):
        check_schema_case(label, doc, tmp_path / str(index), run_inprocess)


@pytest.mark.slow  # about 3,000 cases in-process, then 150 as subprocesses
@pytest.mark.parametrize("part", range(10))
def test_a_large_sample_of_schema_mutations(part: int, tmp_path: Path) -> None:
    for index, (label, doc) in enumerate(sample(3000, salt=1)[part::10]):
        check_schema_case(label, doc, tmp_path / str(index), run_inprocess)
    for index, (label, doc) in enumerate(sample(150, salt=2)[part::10]):
        check_schema_case(label, doc, tmp_path / f"p{index}", run_process)


# --------------------------------------------------------------------------- schema files

BROKEN_FILES: dict[str, tuple[str, str]] = {  # file name: (content, the place named)
    "truncated.json": (TINY.read_text()[:300], "line "),
    "array.json": ("[1, 2]", "$"),
    "string.json": ('"nodes"', "$"),
    "empty.json": ("", "line 1"),
    "tabs.yaml": ('version: "1.0"\nnodes:\n\t- id: a\n', "line 3"),
    "duplicate_keys.yaml": (
        'version: "1.0"\nnodes:\n  - id: a\n    kind: entity\n    kind: fact\n',
        "nodes[0].kind (line 5:5)",
    ),
    "duplicate_keys.json": (
        TINY.read_text().replace('"rows": 40', '"rows": 40, "rows": 2'),
        "rows",
    ),
    "deep.json": ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
    "nan.json": (TINY.read_text().replace('"rows": 40', '"rows": NaN'), "nodes[0].rows"),
    "end_now.json": (TINY.read_text().replace('"2024-03-01"', '"now"'), "timeframe"),
    "end_empty.json": (TINY.read_text().replace('"2024-03-01"', '""'), "timeframe"),
    "redos.json": (  # Python's `re` (look-ahead) on `(a+)+`: hours for one value that fails
        TINY.read_text()[: TINY.read_text().rindex("}")]
        + ', "constraints": {"pattern": [{"column": "customer.country", "regex": "(a+)+(?=c)"}]}}',
        "constraints.pattern[0].regex",
    ),
}
COMMANDS = [
    ["generate", "{schema}", "--out", "{out}", "-q"],
    ["validate", "{schema}", "--data", "{out}"],
    ["report", "{schema}", "--data", "{out}"],
    ["describe", "{schema}"],
    ["ddl", "{schema}"],
]


def _schema_file_cases() -> list[tuple[str, list[str]]]:
    return [(name, command) for name in BROKEN_FILES for command in COMMANDS]


def _check_broken_file(tmp_path: Path, name: str, command: list[str], runner: Any) -> None:
    content, place = BROKEN_FILES[name]
    schema = tmp_path / name
    schema.write_text(content)
    out = tmp_path / "out"
    args = [a.format(schema=schema, out=out) for a in command]
    done = runner(*args)
    check_answer(done, place)
    assert done.returncode == 2, (args, done.stderr)
    assert not out.exists()


@pytest.mark.parametrize("name", sorted(BROKEN_FILES))
def test_a_broken_schema_file_names_the_place(name: str, tmp_path: Path) -> None:
    _check_broken_file(tmp_path, name, COMMANDS[0], run_inprocess)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "command"), _schema_file_cases())
def test_a_broken_schema_file_in_every_command_as_a_process(
    name: str, command: list[str], tmp_path: Path
) -> None:
    _check_broken_file(tmp_path, name, command, run_process)


def test_a_truncated_schema_and_a_duplicate_key_as_processes(tmp_path: Path) -> None:
    for name in ("truncated.json", "duplicate_keys.yaml"):
        _check_broken_file(tmp_path, name, COMMANDS[0], run_process)


# --------------------------------------------------------------------------- flags

FLAGS: list[tuple[list[str], str | None]] = [  # (flags, the place named; None: may succeed)
    (["--scale", "0"], "--scale"),
    (["--scale", "-1"], "--scale"),
    (["--scale", "nan"], "--scale"),
    (["--scale", "1e9"], "--scale"),
    (["--rows", "junk"], "--rows"),
    (["--rows", "customer=abc"], "--rows"),
    (["--rows", "customer=-5"], "--rows"),
    (["--rows", "nowhere=5"], "--rows"),
    (["--seed", str(2**70)], None),
    (["--seed", "-1"], None),
    (["--seed", "1.5"], "--seed"),
    (["--workers", "0"], "--workers"),
    (["--workers", "-3"], "--workers"),
    (["--workers", "abc"], "--workers"),
    (["--format", "nope"], "--format"),
    (["--format", "parquet,parquet"], None),
    (["--format", ","], "--format"),
    (["--format", "events", "--validate"], "--validate"),
    (["--partition-rows", "0"], "--partition-rows"),
    (["--partition-by", "nowhere"], "--partition-by"),
    (["--min-score", "nan", "--validate"], "--min-score"),
    (["--target-size", "-5MB"], "--target-size"),
    (["--scheduler", "dask", "--address", "nowhere"], "--address"),
    (["--address", "tcp://127.0.0.1:1"], "--address"),
]


def _check_flags(tmp_path: Path, flags: list[str], place: str | None, runner: Any) -> None:
    out = tmp_path / "out"
    done = runner("generate", TINY, "--out", out, "-q", "-j", "1", *flags)
    check_answer(done, place)
    if place is not None:
        assert done.returncode == 2, (flags, done.stderr)
        assert not out.exists()


@pytest.mark.parametrize(("flags", "place"), FLAGS, ids=[" ".join(f) for f, _ in FLAGS])
def test_a_hostile_flag_is_refused_with_its_name(
    flags: list[str], place: str | None, tmp_path: Path
) -> None:
    _check_flags(tmp_path, flags, place, run_inprocess)


@pytest.mark.slow
@pytest.mark.parametrize(("flags", "place"), FLAGS, ids=[" ".join(f) for f, _ in FLAGS])
def test_a_hostile_flag_as_a_process(flags: list[str], place: str | None, tmp_path: Path) -> None:
    _check_flags(tmp_path, flags, place, run_process)


def test_flags_as_processes(tmp_path: Path) -> None:
    for flags, place in [(["--workers", "abc"], "--workers"), (FLAGS[-2][0], "--address")]:
        _check_flags(tmp_path, flags, place, run_process)


# --------------------------------------------------------------------------- --out


def _users_folder(root: Path) -> Path:
    folder = root / "mine"
    (folder / "sub").mkdir(parents=True)
    (folder / "thesis.txt").write_text("four years of work")
    (folder / "sub" / "data.csv").write_text("a,b\n1,2\n")
    return folder


OUTS: dict[str, tuple[str, str | None]] = {  # name: (the --out, the place named)
    "a file": ("{root}/mine/thesis.txt", "thesis.txt"),
    "below a file": ("{root}/mine/thesis.txt/sub", "thesis.txt"),
    "a folder of the user's": ("{root}/mine", "--out"),
    "/dev/null": ("/dev/null", "/dev/null"),
    "a trailing slash": ("{root}/new/", None),
    "an unknown URL scheme": ("zz://bucket/x", "--out"),
    "an empty path": ("", "--out"),
}


def _check_out(tmp_path: Path, name: str, runner: Any) -> None:
    mine = _users_folder(tmp_path)
    before = snapshot(mine)
    target, place = OUTS[name]
    done = runner("generate", TINY, "--out", target.format(root=tmp_path), "-q", "-j", "1")
    check_answer(done, place)
    if place is not None:
        assert done.returncode == 2, (target, done.stderr)
    assert snapshot(mine) == before
    assert sorted(p.name for p in tmp_path.iterdir()) in (["mine"], ["mine", "new"])


@pytest.mark.parametrize("name", sorted(OUTS))
def test_a_hostile_out_harms_no_file(name: str, tmp_path: Path) -> None:
    _check_out(tmp_path, name, run_inprocess)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(OUTS))
def test_a_hostile_out_as_a_process(name: str, tmp_path: Path) -> None:
    _check_out(tmp_path, name, run_process)


def test_out_at_a_users_folder_as_a_process(tmp_path: Path) -> None:
    _check_out(tmp_path, "a folder of the user's", run_process)


# --------------------------------------------------------------------------- chat without a terminal


def test_chat_with_stdin_closed_is_an_answer(tmp_path: Path) -> None:
    done = run_process("chat", "--provider", "offline", "--out", tmp_path / "out")
    check_answer(done)


# --------------------------------------------------------------------------- import

MANY_TABLES = "".join(
    f"CREATE TABLE t{i} (id INT PRIMARY KEY, p INT REFERENCES t{max(i - 1, 0)}(id));\n"
    for i in range(1000)
)
DDL: dict[str, str] = {
    "no tables": "-- nothing\nSELECT 1;\n",
    "a FK to a missing table": "CREATE TABLE a (id INT PRIMARY KEY, b_id INT REFERENCES b(id));",
    "a FK to a missing column": (
        "CREATE TABLE b (id INT PRIMARY KEY);\n"
        "CREATE TABLE a (id INT PRIMARY KEY, b_id INT REFERENCES b(nope));"
    ),
    "composite keys": (
        "CREATE TABLE a (x INT, y INT, PRIMARY KEY (x, y));\n"
        "CREATE TABLE c (id INT PRIMARY KEY, x INT, y INT, FOREIGN KEY (x, y) REFERENCES a(x, y));"
    ),
    "quoted names": 'CREATE TABLE "My Table" ("Id" INT PRIMARY KEY, "select" TEXT, "é名" TEXT);',
    "reserved words": 'CREATE TABLE "order" ("group" INT PRIMARY KEY, "from" TEXT);',
    "a cycle": (
        "CREATE TABLE a (id INT PRIMARY KEY, b_id INT);\n"
        "CREATE TABLE b (id INT PRIMARY KEY, a_id INT REFERENCES a(id));\n"
        "ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b(id);"
    ),
    "odd types": (
        "CREATE TABLE a (id UUID PRIMARY KEY, g GEOMETRY, j JSONB, arr INT[], m MONEY, "
        "n NUMERIC(1000,0), d DECIMAL(50,40), v VARCHAR(0), i INTERVAL, b BYTEA);"
    ),
    "an unknown dialect's syntax": "CREATE TABLE [dbo].[a] ([id] INT IDENTITY(1,1) PRIMARY KEY);",
    "1,000 tables": MANY_TABLES,
}


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.slow) if n == "1,000 tables" else n for n in sorted(DDL)],
)
def test_hostile_ddl_is_an_answer_and_keeps_an_existing_schema(name: str, tmp_path: Path) -> None:
    sql = tmp_path / "schema.sql"
    sql.write_text(DDL[name])
    kept = tmp_path / "kept.json"
    kept.write_text("the user's schema")
    for dialect in ([], ["--dialect", "postgres"]):
        done = run_inprocess("import", sql, "--out", kept, "-q", *dialect)
        check_answer(done, "--out")  # an existing --out is refused, whatever the DDL
        out = tmp_path / "new.json"
        done = run_inprocess("import", sql, "--out", out, "-q", *dialect)
        check_answer(done, str(sql))
        assert out.exists() == (done.returncode == 0), done.stderr
        out.unlink(missing_ok=True)
    assert kept.read_text() == "the user's schema"


# --------------------------------------------------------------------------- outputs

ODD = ROOT / "tests" / "data" / "hostile" / "odd_names.json"
# SQL keywords as table and column names (`select`, `from`, `group`), 63-character names, text
# that CSV and SQL quote ("", "NULL", quotes, a newline), all-null columns, years 1 and 9999,
# the top of int64, a fact with no rows and an empty entity
FILE_FORMATS = ["parquet", "csv", "jsonl", "json", "sqlite", "duckdb"]


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_odd_names_and_values_round_trip_in_every_format(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run_inprocess("generate", ODD, "--out", out, "-q", "-j", "1", "--format", fmt)
    check_answer(done)
    assert done.returncode == 0, done.stderr
    done = run_inprocess("validate", ODD, "--data", out, "-q", "--min-score", "100")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "100.0 / 100" in done.stderr + done.stdout


def test_odd_names_and_values_round_trip_in_postgres(postgres_server: str, tmp_path: Path) -> None:
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "hostile_odd"')
        conn.execute('CREATE DATABASE "hostile_odd"')
    dsn = postgres_server.replace("postgresql:///postgres", "postgresql:///hostile_odd")
    out = tmp_path / "out"
    args = ["--format", "parquet,postgres", "--dsn", dsn]
    check_answer(run_inprocess("generate", ODD, "--out", out, "-q", "-j", "1", *args))
    done = run_inprocess("validate", ODD, "--data", out, "-q", "--data-format", "postgres",
                         "--dsn", dsn, "--min-score", "100")  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("command", ["validate", "report"])
def test_a_data_folder_without_the_dataset_is_refused_and_left_alone(
    command: str, tmp_path: Path
) -> None:
    mine = _users_folder(tmp_path)
    before = snapshot(mine)
    done = run_inprocess(command, TINY, "--data", mine)
    check_answer(done, f"--data {mine}")
    assert done.returncode == 2
    assert snapshot(mine) == before  # no report.html written into the wrong folder


def test_report_out_at_a_users_file_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    check_answer(run_inprocess("generate", TINY, "--out", data, "-q", "-j", "1"))
    mine = _users_folder(tmp_path)
    before = snapshot(mine)
    done = run_inprocess("report", TINY, "--data", data, "--out", mine / "thesis.txt")
    check_answer(done, "thesis.txt")
    assert done.returncode == 2
    assert snapshot(mine) == before
