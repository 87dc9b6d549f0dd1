"""SQL DDL -> a `Catalog`, parsed with sqlglot (imported lazily: only `datagen import` needs it).

Understood: CREATE TABLE (column types, NOT NULL, DEFAULT, PRIMARY KEY, UNIQUE,
REFERENCES / FOREIGN KEY, CHECK, MySQL ENUM(...) and COMMENT), CREATE TYPE ...
AS ENUM, COMMENT ON TABLE/COLUMN, ALTER TABLE ... ADD CONSTRAINT. Other
statements (indexes, grants, inserts) are skipped and listed in the notes.
"""

from __future__ import annotations

import copy
import logging
import re
from pathlib import Path
from typing import Any

from datagen.agent.importer.catalog import (
    Bound,
    Catalog,
    ColumnComparison,
    ColumnInfo,
    ForeignKeyInfo,
    TableInfo,
)
from datagen.agent.importer.sqltypes import from_datatype
from datagen.engine.errors import InputError

DIALECTS = (
    "postgres",
    "mysql",
    "sqlite",
    "duckdb",
    "tsql",
    "oracle",
    "snowflake",
    "bigquery",
    "redshift",
    "mariadb",
    "cockroachdb",
    "clickhouse",
    "databricks",
    "spark",
    "trino",
    "teradata",
)
SAME_AS = {"mariadb": "mysql", "cockroachdb": "postgres"}  # read with the dialect they follow
FOLDS_TO_LOWER = ("postgres", "redshift")
BATCH_SEPARATOR = re.compile(r"^[ \t]*(?:GO|/)[ \t]*$", re.IGNORECASE | re.MULTILINE)
FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "="}


def read_ddl_file(path: str | Path, dialect: str | None) -> Catalog:
    path = Path(path)
    if not path.exists():
        raise InputError(f"DDL file not found: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a directory; give a .sql file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(f"{path}, line {line}: a NUL character: not an SQL text file")
    try:
        return parse_ddl(text, dialect, source=str(path))
    except RecursionError:  # sqlglot's recursive descent: thousands of nested parentheses
        raise InputError(f"{path}: expressions nested too deeply to read") from None


def parse_ddl(text: str, dialect: str | None, source: str = "<ddl>") -> Catalog:
    """Parse the DDL statements of `text` (CREATE, ALTER TABLE, COMMENT ON); data statements
    (INSERT, UPDATE), procedural blocks and client commands (psql's \\c) are skipped unread,
    so a full dump imports as quickly as its DDL. Without `dialect`, the dialect is guessed
    from the text and each candidate is tried in turn; the one used is recorded in the notes."""
    from sqlglot import exp

    if dialect is not None and dialect not in DIALECTS:
        raise InputError(f"unknown --dialect {dialect!r}; choose one of: {', '.join(DIALECTS)}")
    if dialect is not None:
        dialect = SAME_AS.get(dialect, dialect)
    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # its fallbacks become our notes
    text = BATCH_SEPARATOR.sub(";", text)  # T-SQL GO, Oracle /: kept on their line
    text = CLIENT_COMMAND.sub("", text)  # psql's \c, \connect, \set: not SQL
    guess_notes: list[str] = []
    if dialect is None:
        statements, dialect, guess_notes = _parse_guessing(text, source)
    else:
        statements = _parse_statements(_chunks(text, dialect, source), dialect, source)
    if dialect in FOLDS_TO_LOWER:
        from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

        # what the database itself does with unquoted names: `CREATE TABLE Users` is `users`
        statements = [normalize_identifiers(s, dialect=dialect) if s else s for s in statements]
    catalog = Catalog([], source)
    catalog.notes.extend(guess_notes)
    enums: dict[str, list[Any]] = {}
    pending: list[Any] = []  # ALTER and COMMENT statements, applied once every table is known
    for statement in statements:
        if statement is None:
            continue
        if isinstance(statement, exp.Create):
            kind = (statement.args.get("kind") or "").upper()
            if kind == "TYPE":
                enum = statement.args.get("expression")
                if isinstance(enum, exp.DataType) and enum.this == exp.DataType.Type.ENUM:
                    values = [e.this for e in enum.expressions if isinstance(e, exp.Literal)]
                    enums[_name(statement.this).lower()] = values
                    continue
            if kind == "TABLE" and isinstance(statement.this, exp.Schema):
                catalog.tables.append(_table(statement, catalog, enums))
                continue
            if kind == "TABLE":
                catalog.notes.append(f"CREATE TABLE {_name(statement.this)} AS SELECT: skipped")
                continue
            if kind == "INDEX" and statement.args.get("unique"):
                pending.append(statement)  # a UNIQUE index is a constraint on the data
                continue
            if kind in ("INDEX", "VIEW", "SEQUENCE", "SCHEMA", "DATABASE", "FUNCTION", "TRIGGER"):
                continue
            catalog.notes.append(f"CREATE {kind} skipped")
        elif isinstance(statement, exp.Command) and _enum_command(statement, enums):
            continue
        elif isinstance(statement, (exp.Alter, exp.Comment)):
            pending.append(statement)
        elif isinstance(statement, (exp.Insert, exp.Pragma, exp.Set, exp.Use, exp.Drop)):
            continue
        else:
            first_words = " ".join(statement.sql().split()[:3])
            catalog.notes.append(f"statement skipped: {first_words} ...")
    for statement in pending:
        if isinstance(statement, exp.Comment):
            _comment(statement, catalog)
        elif isinstance(statement, exp.Create):
            _unique_index(statement, catalog)
        else:
            _alter(statement, catalog)
    if not catalog.tables:
        raise _no_tables(text, source)
    _inherit_columns(catalog)
    _keys_on_known_columns(catalog)
    _whole_number_keys(catalog)
    return catalog


def _no_tables(text: str, source: str) -> InputError:
    """A file with no table to read: where its first statement is and what it starts with."""
    lead = LEADING_NOISE.match(text)
    begin = lead.end() if lead else 0
    if begin >= len(text):
        return InputError(f"{source}: no SQL in the file (empty, or only comments)")
    line = text.count("\n", 0, begin) + 1
    words = re.sub(r"[^\x20-\x7e]", "?", " ".join(text[begin : begin + 200].split()[:4]))[:60]
    return InputError(
        f"{source}, line {line}: no CREATE TABLE statement found (the file starts with "
        f"`{words}`; read are CREATE TABLE, CREATE TYPE, ALTER TABLE and COMMENT ON)"
    )


def _inherit_columns(catalog: Catalog) -> None:
    """PostgreSQL `INHERITS (parent)`: the parent's columns come first (not its keys)."""
    for table in catalog.tables:
        for name in table.inherits:
            parent = catalog.table(name)
            if parent is None or parent is table:
                catalog.notes.append(f"{table.name}: INHERITS {name}, not in the file: ignored")
                continue
            own = {c.name.lower() for c in table.columns}
            inherited = [copy.deepcopy(c) for c in parent.columns if c.name.lower() not in own]
            table.columns[:0] = inherited
            _recheck(table)


def _recheck(table: TableInfo) -> None:
    """CHECKs read before the columns they name were known (a partition's own CHECK on an
    inherited column): read again."""
    import sqlglot

    skipped, table.skipped_checks = table.skipped_checks, []
    for sql in skipped:
        try:
            apply_check(sqlglot.parse_one(sql), table, None)
        except sqlglot.errors.SqlglotError:
            table.skipped_checks.append(sql)


def _keys_on_known_columns(catalog: Catalog) -> None:
    """A key naming a column the table does not have is left out, and said."""
    for table in catalog.tables:
        missing = [c for c in table.primary_key if table.column(c) is None]
        if missing:
            catalog.notes.append(
                f"{table.name}: primary key on {', '.join(missing)}, not a column: left out"
            )
            table.primary_key = []
        for fk in list(table.foreign_keys):
            absent = [c for c in fk.columns if table.column(c) is None]
            if absent:
                catalog.notes.append(
                    f"{table.name}: foreign key on {', '.join(absent)}, not a column: left out"
                )
                table.foreign_keys.remove(fk)
        table.unique = [u for u in table.unique if all(table.column(c) for c in u)]


def _whole_number_keys(catalog: Catalog) -> None:
    """Oracle's NUMBER (and NUMERIC) with no scale on a key column holds whole numbers."""
    for table in catalog.tables:
        keys = {*table.primary_key, *(c for fk in table.foreign_keys for c in fk.columns)}
        for name in keys:
            column = table.column(name)
            if column is not None and column.type == "float" and column.scale is None:
                column.type = "int"
                catalog.notes.append(
                    f"{table.name}.{column.name}: {column.sql_type} key generated as whole numbers"
                )


CLIENT_COMMAND = re.compile(r"^[ \t]*\\.*$", re.MULTILINE)
DDL_START = re.compile(  # the statements read; triggers, functions, views are not
    r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?"
    r"(?:TABLE|TYPE|(?:UNIQUE\s+)?(?:(?:NON)?CLUSTERED\s+)?INDEX)\b|ALTER\s+TABLE\b|COMMENT\s+ON\b",
    re.I,
)
DEFAULT_CONSTRAINT = re.compile(  # T-SQL: ALTER TABLE t ADD CONSTRAINT d DEFAULT (x) FOR c
    r"ALTER\s+TABLE\s+\S+\s+ADD\s+CONSTRAINT\s+\S+\s+DEFAULT\b", re.I
)
STATEMENT_LINE = re.compile(  # a DDL statement starting a line of its own
    r"^[ \t]*((?:CREATE|ALTER)\s+(?:UNIQUE\s+|OR\s+REPLACE\s+)?(?:TABLE|TYPE|INDEX|VIEW)\b)",
    re.I | re.M,
)
CLUSTERED_INDEX = re.compile(r"^(CREATE\s+(?:UNIQUE\s+)?)(?:NON)?CLUSTERED\s+INDEX\b", re.I)
PLAIN_INDEX = re.compile(r"CREATE\s+(?:(?:NON)?CLUSTERED\s+)?INDEX\b", re.I)
TABLE_START = re.compile(r"CREATE\s+(?:\w+\s+){0,3}?TABLE\b", re.I)
FOREIGN_SYNTAX = (  # other databases' words inside a column list, dropped on a second try
    (re.compile(r"\bSUB_TYPE\s+\w+", re.I), ""),  # Firebird: BLOB SUB_TYPE TEXT
    (re.compile(r"\b(PRIMARY\s+KEY|UNIQUE)\s+(?:NON)?CLUSTERED\b", re.I), r"\1"),
)
DIALECT_HINTS = (  # (dialect, pattern, what it shows): the first that matches is tried first
    (
        "tsql",
        re.compile(r"\[\w+\]\.\[\w+\]|^[ \t]*GO[ \t]*$|\bIDENTITY\s*\(", re.I | re.M),
        "[schema].[table] names, GO or IDENTITY",
    ),
    (
        "mysql",
        re.compile(r"`|\bAUTO_INCREMENT\b|\bENGINE\s*=", re.I),
        "`backticks`, AUTO_INCREMENT or ENGINE=",
    ),
    (
        "postgres",
        re.compile(r"\bSERIAL\b|\bBIGSERIAL\b|::|\bAS\s+ENUM\b|\bBYTEA\b|\bJSONB\b", re.I),
        "SERIAL, ::casts, AS ENUM, BYTEA or JSONB",
    ),
    ("sqlite", re.compile(r"\bAUTOINCREMENT\b|\bWITHOUT\s+ROWID\b", re.I), "AUTOINCREMENT"),
    ("oracle", re.compile(r"\bVARCHAR2\b|\bNUMBER\s*\(", re.I), "VARCHAR2 or NUMBER(p)"),
)


SQL_SPANS = {  # what a `;` can hide in: strings, quoted names, comments, dollar quotes;
    # a quote left alone (the last alternative before `;`) is never closed
    False: re.compile(
        r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|\[[^\]\n]*\]|--[^\n]*|/\*.*?\*/"
        r"|\$(\w*)\$.*?\$\1\$|['\"]|;",
        re.S,
    ),
    True: re.compile(  # MySQL: a backslash escapes inside strings
        r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\"|`[^`]*`|--[^\n]*|#[^\n]*|/\*.*?\*/"
        r"|['\"]|;",
        re.S,
    ),
}
LEADING_NOISE = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*", re.S)


def _ddl_chunks(text: str, dialect: str | None) -> list[tuple[int, str]]:
    """(first line, text) of each DDL statement. The text is split on the `;` outside strings,
    quoted names and comments by one regular expression (a dump's INSERTs are never
    tokenized); only the DDL statements are handed to the parser."""
    spans = SQL_SPANS[dialect in ("mysql", "mariadb")]
    chunks: list[tuple[int, str]] = []
    start, line = 0, 1
    for match in spans.finditer(text):
        if match.group(0) in ("'", '"'):
            at = text.count("\n", 0, match.start()) + 1
            what = "string" if match.group(0) == "'" else "quoted name"
            raise InputError(f"line {at}: a {what} opened here is never closed")
        if match.group(0) == ";":
            _keep_ddl(text, start, match.start(), line, chunks)
            line += text.count("\n", start, match.end())
            start = match.end()
    _keep_ddl(text, start, len(text), line, chunks)
    return chunks


def _keep_ddl(text: str, start: int, end: int, line: int, chunks: list[tuple[int, str]]) -> None:
    lead = LEADING_NOISE.match(text, start, end)
    begin = lead.end() if lead else start
    if not (begin < end and DDL_START.match(text, begin, end)):
        return
    line += text.count("\n", start, begin)
    # statements one after another with no `;` or GO between (T-SQL allows it): one each
    cuts = [
        m.start(1)
        for m in STATEMENT_LINE.finditer(text, begin + 1, end)
        if text.count("(", begin, m.start(1)) == text.count(")", begin, m.start(1))
    ]
    for first, last in zip([begin, *cuts], [*cuts, end], strict=True):
        chunks.append((line, text[first:last].rstrip()))
        line += text.count("\n", first, last)


def _chunks(text: str, dialect: str | None, source: str) -> list[tuple[int, str]]:
    try:
        return _ddl_chunks(text, dialect)
    except InputError as exc:
        raise InputError(f"{source}, {exc}") from None


def _parse_statements(
    chunks: list[tuple[int, str]],
    dialect: str | None,
    source: str,
    notes: list[str] | None = None,
) -> list[Any]:
    """Parse each DDL chunk. Strict (notes is None): the first error is raised. Lenient: a
    table is read without what the dialect cannot parse, other statements are skipped, and
    each is said in `notes`; only a table that cannot be read at all is an error."""
    import sqlglot

    statements = []
    for line, chunk in chunks:
        chunk = CLUSTERED_INDEX.sub(r"\1INDEX", chunk)  # T-SQL's words sqlglot leaves unread
        try:
            statements.extend(sqlglot.parse(chunk, read=dialect))
            continue
        except sqlglot.errors.ParseError as exc:
            first = exc.errors[0] if exc.errors else {}
            at = line + int(first.get("line", 1)) - 1
            where = f"{source}, line {at}, column {first.get('col', '?')}"
            error = InputError(f"{where}: cannot parse the DDL: {first.get('description') or exc}")
        except sqlglot.errors.TokenError as exc:
            error = InputError(f"{source}, line {line}: cannot read the DDL: {exc}")
        except RecursionError:
            raise InputError(
                f"{source}, line {line}: expressions nested too deeply to read"
            ) from None
        table_chunk = _without_foreign_syntax(chunk) if TABLE_START.match(chunk) else None
        if table_chunk is not None:
            try:  # other databases' words dropped, the table parses whole
                statements.append(sqlglot.parse_one(table_chunk, read=dialect))
                continue
            except (sqlglot.errors.ParseError, sqlglot.errors.TokenError):
                pass
        if table_chunk is None and (PLAIN_INDEX.match(chunk) or DEFAULT_CONSTRAINT.match(chunk)):
            continue  # a plain index, or T-SQL's named DEFAULT: skipped, read or not
        if notes is None:
            raise error
        if table_chunk is None:
            notes.append(f"line {line}: skipped, not understood: {' '.join(chunk.split()[:4])} ...")
            continue
        table = _lenient_table(table_chunk, dialect, line, notes)
        if table is None:
            raise error
        statements.append(table)
    return statements


def _without_foreign_syntax(chunk: str) -> str:
    """A CREATE TABLE without other databases' words (Firebird's `SUB_TYPE TEXT`, T-SQL's
    `PRIMARY KEY NONCLUSTERED`)."""
    for pattern, replacement in FOREIGN_SYNTAX:
        chunk = pattern.sub(replacement, chunk)
    return chunk


def _lenient_table(chunk: str, dialect: str | None, line: int, notes: list[str]) -> Any:
    """A CREATE TABLE (other databases' words already dropped) read without each column
    or constraint the dialect still cannot parse, each left out said in `notes`."""
    import sqlglot

    opened, closed = chunk.find("("), chunk.rfind(")")
    if opened < 0 or closed < opened:
        return None
    head, tail = chunk[: opened + 1], chunk[closed:]
    kept = []
    for element in _top_level_split(chunk[opened + 1 : closed]):
        try:
            sqlglot.parse_one(f"{head}{element}{tail}", read=dialect)
            kept.append(element)
        except (sqlglot.errors.ParseError, sqlglot.errors.TokenError):
            notes.append(
                f"line {line}: left out of the table, not understood: {' '.join(element.split())}"
            )
    if not kept:
        return None
    try:
        return sqlglot.parse_one(f"{head}{', '.join(kept)}{tail}", read=dialect)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError):
        return None


def _top_level_split(body: str) -> list[str]:
    """The comma-separated elements of a column list (commas inside parentheses or quotes
    do not split)."""
    parts: list[str] = []
    depth, start, quote = 0, 0, ""
    for at, char in enumerate(body):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"`[":
            quote = "]" if char == "[" else char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(body[start:at])
            start = at + 1
    parts.append(body[start:])
    return [p.strip() for p in parts if p.strip()]


def _table_counts(statements: list[Any]) -> tuple[int, int]:
    """CREATE TABLE statements read as tables, and those a dialect left as raw commands."""
    from sqlglot import exp

    tables = sum(
        1
        for s in statements
        if isinstance(s, exp.Create)
        and (s.args.get("kind") or "").upper() == "TABLE"
        and isinstance(s.this, exp.Schema)
    )
    unread = sum(
        1
        for s in statements
        if isinstance(s, exp.Command) and " TABLE " in f" {str(s.expression).upper()[:40]} "
    )
    return tables, unread


def _dialect_note(dialect: str | None, hints: dict[str, str], every: bool = True) -> str:
    if dialect is None:
        return "dialect: generic SQL (no --dialect given; it reads every table)"
    why = hints.get(dialect)
    first = "the first that reads every table" if every else "the one that reads most tables"
    because = f"the file has {why}" if why else first
    return f"dialect: {dialect} (no --dialect given; {because}; --dialect to choose)"


def _parse_guessing(text: str, source: str) -> tuple[list[Any], str | None, list[str]]:
    """Try the dialect the text hints at, then generic SQL, then every other dialect."""
    hinted = [(d, why) for d, pattern, why in DIALECT_HINTS if pattern.search(text)]
    order: list[str | None] = [d for d, _ in hinted] + [None]
    order += [d for d in DIALECTS if d not in order and d not in SAME_AS]
    chunks = _chunks(text, order[0], source)  # split once: the dialects differ in parsing
    first_error: InputError | None = None
    best: tuple[int, list[Any], str | None] | None = None
    for candidate in order:
        try:
            statements = _parse_statements(chunks, candidate, source)
        except InputError as exc:
            first_error = first_error or exc
            continue
        tables, unread = _table_counts(statements)
        if tables and not unread:
            return statements, candidate, [_dialect_note(candidate, dict(hinted))]
        if tables and (best is None or tables > best[0]):
            best = (tables, statements, candidate)
    notes: list[str] = []  # none reads the whole file: the first, leaving out what it cannot
    try:
        statements = _parse_statements(chunks, order[0], source, notes)
    except InputError:
        if best is None:
            raise first_error or _no_tables(text, source) from None
        statements = []
    tables, _ = _table_counts(statements)
    if best is not None and best[0] > tables:  # another dialect reads more tables whole
        return best[1], best[2], [_dialect_note(best[2], dict(hinted), every=False)]
    return statements, order[0], [_dialect_note(order[0], dict(hinted)), *notes]


ENUM_TYPE = re.compile(r"^\s*TYPE\s+([\w\".]+)\s+AS\s+ENUM\s*\((.*)\)\s*$", re.I | re.S)


def _enum_command(statement: Any, enums: dict[str, list[Any]]) -> bool:
    """CREATE TYPE t AS ENUM (...) in a dialect sqlglot does not parse it for (DuckDB)."""
    import sqlglot
    from sqlglot import exp

    if str(statement.this).upper() != "CREATE":
        return False
    match = ENUM_TYPE.match(str(statement.expression))
    if match is None:
        return False
    values = sqlglot.parse_one(f"SELECT ({match.group(2)})", read="postgres").find(exp.Tuple)
    literals = values.expressions if values is not None else []
    name = match.group(1).strip('"').split(".")[-1].lower()
    enums[name] = [e.this for e in literals if isinstance(e, exp.Literal)]
    return True


def _name(node: Any) -> str:
    from sqlglot import exp

    if isinstance(node, exp.Schema):
        node = node.this
    if isinstance(node, (exp.Table, exp.Column)):
        return str(node.name)
    if isinstance(node, exp.Identifier):
        return str(node.this)
    return str(node.name if hasattr(node, "name") else node)


def _table(statement: Any, catalog: Catalog, enums: dict[str, list[Any]]) -> TableInfo:
    from sqlglot import exp

    schema = statement.this
    table = TableInfo(_name(schema.this), [])
    for element in schema.expressions:
        if isinstance(element, exp.ColumnDef):
            _column(element, table, enums, catalog)
        else:
            _table_constraint(element, table)
    for prop in (statement.args.get("properties") or exp.Properties()).expressions:
        if isinstance(prop, exp.SchemaCommentProperty):
            table.comment = str(prop.this.this)
        elif isinstance(prop, exp.InheritsProperty):
            table.inherits = [_name(t) for t in prop.expressions]
    return table


def _column(element: Any, table: TableInfo, enums: dict[str, list[Any]], catalog: Catalog) -> None:
    from sqlglot import exp

    name = _name(element.this)
    kind = element.args.get("kind")
    if kind is None:  # SQLite allows a column without a type
        kind = exp.DataType.build("TEXT")
    sql_type = from_datatype(kind)
    column = ColumnInfo(
        name,
        kind.sql(),
        sql_type.type,
        length=sql_type.length,
        precision=sql_type.precision,
        scale=sql_type.scale,
        int_bytes=sql_type.int_bytes,
        enum_values=list(sql_type.enum_values or []),
        special=sql_type.special,
    )
    if sql_type.user_type is not None:
        values = enums.get(sql_type.user_type.lower())
        if values is None:
            catalog.notes.append(
                f"{table.name}.{name}: type {sql_type.user_type} is not defined in the file; "
                "generated as text"
            )
        else:
            column.enum_values = list(values)
    if sql_type.note:
        catalog.notes.append(f"{table.name}.{name}: {sql_type.note}")
    if sql_type.int_bytes == 1 and sql_type.note:
        column.bounds += [Bound(">=", 0), Bound("<=", 1)]
    elif sql_type.unsigned:
        column.bounds.append(Bound(">=", 0))
    table.columns.append(column)  # before its CHECKs, which look it up by name
    for constraint in element.args.get("constraints") or []:
        ckind = constraint.args.get("kind")
        if isinstance(ckind, exp.NotNullColumnConstraint):
            column.not_null = not ckind.args.get("allow_null")
        elif isinstance(ckind, exp.PrimaryKeyColumnConstraint):
            table.primary_key = [name]
            column.not_null = True
        elif isinstance(ckind, exp.UniqueColumnConstraint):
            column.unique = True
        elif isinstance(ckind, exp.DefaultColumnConstraint):
            column.default = ckind.this.sql()
        elif isinstance(ckind, exp.CheckColumnConstraint):
            apply_check(ckind.this, table, column)
        elif isinstance(ckind, exp.CommentColumnConstraint):
            column.comment = str(ckind.this.this)
        elif isinstance(ckind, exp.Reference):
            table.foreign_keys.append(_reference([name], ckind))


def _reference(columns: list[str], reference: Any) -> ForeignKeyInfo:
    from sqlglot import exp

    target = reference.this
    if isinstance(target, exp.Schema):
        return ForeignKeyInfo(columns, _name(target.this), [_name(e) for e in target.expressions])
    return ForeignKeyInfo(columns, _name(target), [])


def _table_constraint(element: Any, table: TableInfo) -> None:
    from sqlglot import exp

    if isinstance(element, exp.Constraint):
        clustered = [  # T-SQL: PRIMARY KEY CLUSTERED (a, b), UNIQUE NONCLUSTERED (a)
            _name(o.this)
            for inner in element.expressions
            if isinstance(inner, (exp.ClusteredColumnConstraint, exp.NonClusteredColumnConstraint))
            for o in (inner.this or [])
        ]
        kinds = {type(inner) for inner in element.expressions}
        if clustered and exp.PrimaryKeyColumnConstraint in kinds:
            table.primary_key = clustered
        elif clustered and exp.UniqueColumnConstraint in kinds:
            table.unique.append(clustered)
        for inner in element.expressions:
            _table_constraint(inner, table)
    elif isinstance(element, exp.PrimaryKey):
        table.primary_key = [_name(e) for e in element.expressions]
    elif isinstance(element, exp.UniqueColumnConstraint):
        target = element.this
        names = [_name(e) for e in (target.expressions if target is not None else [])]
        if names:
            table.unique.append(names)
    elif isinstance(element, exp.ForeignKey):
        reference = element.args.get("reference")
        if reference is not None:
            table.foreign_keys.append(
                _reference([_name(e) for e in element.expressions], reference)
            )
    elif isinstance(element, (exp.CheckColumnConstraint, exp.Check)):
        apply_check(element.this, table, None)
    # indexes (KEY idx (...)) say nothing about the data


def _literal(node: Any) -> float | str | None:
    from sqlglot import exp

    if isinstance(node, exp.Paren):
        return _literal(node.this)
    if isinstance(node, exp.Neg):
        inner = _literal(node.this)
        return -inner if isinstance(inner, float) else None
    if isinstance(node, exp.Literal):
        return str(node.this) if node.is_string else float(node.this)
    if isinstance(node, exp.Boolean):  # flag = TRUE: 1.0 or 0.0, a bool column's True/False
        return 1.0 if node.this else 0.0
    if isinstance(node, exp.Cast):  # '2024-01-01'::date, DATE '2024-01-01'
        return _literal(node.this)
    return None


def apply_check(expression: Any, table: TableInfo, column: ColumnInfo | None) -> None:
    """Split a CHECK into conjuncts; keep each one we can generate for, note the rest."""
    from sqlglot import exp

    ops: dict[type, str] = {exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<=", exp.EQ: "="}
    for part in expression.flatten() if isinstance(expression, exp.And) else [expression]:
        while isinstance(part, exp.Paren):
            part = part.this
        if isinstance(part, exp.And):
            apply_check(part, table, column)
            continue
        if _like_check(part, table):
            continue
        if isinstance(part, exp.Or):  # `x >= 0 OR x IS NULL`: a CHECK lets nulls pass anyway
            sides = [part.this, part.expression]
            nulls = [e for e in sides if _is_null_test(e, table)]
            if len(nulls) == 1:
                apply_check(next(e for e in sides if e is not nulls[0]), table, column)
                continue
        if isinstance(part, exp.NEQ):  # two columns that differ (two references, say)
            left, right = _column_of(part.this, table), _column_of(part.expression, table)
            if left is not None and right is not None:
                table.comparisons.append(ColumnComparison(left.name, "<>", right.name))
                continue
        target = _column_of(part.this, table) if hasattr(part, "this") else None
        if isinstance(part, exp.Between) and target is not None:
            low, high = _literal(part.args.get("low")), _literal(part.args.get("high"))
            if low is not None and high is not None:
                target.bounds += [Bound(">=", low), Bound("<=", high)]
                continue
        if isinstance(part, exp.EQ) and isinstance(part.expression, exp.Any) and target:
            # PostgreSQL's own spelling of an IN list: x = ANY (ARRAY['a'::text, 'b'::text])
            array = part.expression.this
            while isinstance(array, exp.Paren | exp.Cast):
                array = array.this
            values = (
                [_literal(e) for e in array.expressions] if isinstance(array, exp.Array) else []
            )
            if values and all(v is not None for v in values):
                target.enum_values = [_scalar(v) for v in values if v is not None]
                continue
        if isinstance(part, exp.In) and target is not None and not part.args.get("query"):
            values = [_literal(e) for e in part.expressions]
            if values and all(v is not None for v in values):
                target.enum_values = [_scalar(v) for v in values if v is not None]
                continue
        if type(part) in ops and _length_check(part, ops[type(part)], table):
            continue
        if isinstance(part, exp.Between) and isinstance(part.this, exp.Length):
            least = exp.GTE(this=part.this, expression=part.args.get("low"))
            most = exp.LTE(this=part.this, expression=part.args.get("high"))
            if _length_check(least, ">=", table) and _length_check(most, "<=", table):
                continue
        if type(part) in ops:
            op = ops[type(part)]
            left, right = part.this, part.expression
            left_col, right_col = _column_of(left, table), _column_of(right, table)
            if left_col is not None and right_col is not None and op != "=":
                table.comparisons.append(ColumnComparison(left_col.name, op, right_col.name))
                continue
            if left_col is None and right_col is not None:
                left_col, right, op = right_col, left, FLIPPED[op]
            value = _literal(right)
            if left_col is not None and value is not None:
                if op == "=":
                    left_col.enum_values = [_scalar(value)]
                else:
                    left_col.bounds.append(Bound(op, value))
                continue
        table.skipped_checks.append(part.sql())


def _length_check(part: Any, op: str, table: TableInfo) -> bool:
    """`length(x) <= n` (char_length, len; either side): the column's length range. A least
    length above 1 is not generated for: left to the caller's skipped CHECKs."""
    from sqlglot import exp

    left, right = part.this, part.expression
    if not isinstance(left, exp.Length):
        left, right, op = right, left, FLIPPED[op]
    column = _column_of(left.this, table) if isinstance(left, exp.Length) else None
    value = _literal(right)
    if column is None or column.type != "string" or not isinstance(value, int | float):
        return False
    low, high = column.length_range or (0, None)
    limit = int(value)
    if op in ("<", "<="):
        limit = limit - 1 if op == "<" else limit
        high = limit if high is None else min(high, limit)
    elif op in (">", ">=", "="):
        least = limit + 1 if op == ">" else limit
        if least > 1:
            return False
        low = max(low, least)
        if op == "=":
            high = limit if high is None else min(high, limit)
    if high is not None and high < max(low, 1):
        return False
    column.length_range = (low, high)
    if high is not None:
        column.length = high if column.length is None else min(column.length, high)
    return True


def _like_check(part: Any, table: TableInfo) -> bool:
    """`x LIKE '%Trailers%' OR x LIKE 'A_%' [OR x IS NULL]` on one text column: the column's
    LIKE patterns (values are made to match one of them)."""
    from sqlglot import exp

    leaves = list(part.flatten()) if isinstance(part, exp.Or) else [part]
    leaves = [leaf.this if isinstance(leaf, exp.Paren) else leaf for leaf in leaves]
    likes = [leaf for leaf in leaves if isinstance(leaf, exp.Like)]
    if not likes or any(not (isinstance(x, exp.Like) or _is_null_test(x, table)) for x in leaves):
        return False
    columns = {_column_of(x.this, table) is not None and _name(x.this).lower() for x in leaves}
    column = _column_of(likes[0].this, table)
    patterns = [_literal(like.expression) for like in likes]
    if len(columns) != 1 or column is None or column.type != "string":
        return False
    if not all(isinstance(p, str) for p in patterns) or column.like_patterns:
        return False
    column.like_patterns = [str(p) for p in patterns]
    return True


def _is_null_test(node: Any, table: TableInfo) -> bool:
    """`x IS NULL` (in parentheses or not) on a column of the table."""
    from sqlglot import exp

    while isinstance(node, exp.Paren):
        node = node.this
    return (
        isinstance(node, exp.Is)
        and isinstance(node.expression, exp.Null)
        and _column_of(node.this, table) is not None
    )


def _scalar(value: float | str) -> int | float | str:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _column_of(node: Any, table: TableInfo) -> ColumnInfo | None:
    from sqlglot import exp

    while isinstance(node, exp.Paren | exp.Cast) or _is_instant_call(node):
        node = node.this if isinstance(node, exp.Paren | exp.Cast) else node.expressions[0]
    if isinstance(node, exp.Column):
        return table.column(_name(node))
    return None


def _is_instant_call(node: Any) -> bool:
    """julianday(col): how SQLite compares dates kept as text (datagen's own DDL writes it)."""
    from sqlglot import exp

    return (
        isinstance(node, exp.Anonymous)
        and str(node.this).lower() == "julianday"
        and len(node.expressions) == 1
    )


def _comment(statement: Any, catalog: Catalog) -> None:
    from sqlglot import exp

    kind = (statement.args.get("kind") or "").upper()
    text = _literal(statement.expression)
    target = statement.this
    if kind == "TABLE":
        table = catalog.table(_name(target))
        if table is not None and isinstance(text, str):
            table.comment = text
    elif kind == "COLUMN" and isinstance(target, exp.Column):
        table = catalog.table(str(target.table))
        column = table.column(target.name) if table else None
        if column is not None and isinstance(text, str):
            column.comment = text


def _unique_index(statement: Any, catalog: Catalog) -> None:
    """CREATE UNIQUE INDEX ... ON t (a, b): the same as UNIQUE (a, b) in the table."""
    from sqlglot import exp

    index = statement.this
    table = catalog.table(_name(index.args.get("table"))) if index is not None else None
    params = index.args.get("params") if index is not None else None
    columns = [
        _name(o.this) for o in (params.args.get("columns") or [] if params else [])
        if isinstance(o, exp.Ordered) and isinstance(o.this, exp.Column)
    ]  # fmt: skip
    if table is None or not columns or any(table.column(c) is None for c in columns):
        catalog.notes.append(f"{statement.sql()[:80]}: not understood, skipped")
        return
    names = [table.column(c).name for c in columns]  # type: ignore[union-attr]
    if len(names) == 1:
        table.column(names[0]).unique = True  # type: ignore[union-attr]
    elif names not in table.unique:
        table.unique.append(names)


def _alter(statement: Any, catalog: Catalog) -> None:
    from sqlglot import exp

    table = catalog.table(_name(statement.this))
    if table is None:
        catalog.notes.append(f"ALTER TABLE {_name(statement.this)}: no such table, skipped")
        return
    for action in statement.args.get("actions") or []:
        if isinstance(action, exp.AddConstraint):
            for element in action.expressions:
                _table_constraint(element, table)
        else:
            catalog.notes.append(f"ALTER TABLE {table.name}: {action.sql()} skipped")
