"""SQL column types -> DSL types, shared by the DDL parser and the live-database readers.

sqlglot parses every type name (whatever the dialect) into one `DataType`, so a
live catalogue's type text goes through the same function as a DDL file's.
"""

from __future__ import annotations

from dataclasses import dataclass

from datagen.agent.importer.catalog import DslType


@dataclass
class SqlType:
    type: DslType
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    int_bytes: int | None = None
    enum_values: list[str] | None = None
    user_type: str | None = None  # a name CREATE TYPE may define (Postgres/DuckDB enums)
    special: str | None = None  # uuid | json | time: text the database parses, made to fit
    unsigned: bool = False  # MySQL's UNSIGNED, DuckDB's U* integers: never below 0
    note: str | None = None  # how an unusual type was approximated


INT_BYTES = {
    "TINYINT": 1,
    "UTINYINT": 1,
    "SMALLINT": 2,
    "USMALLINT": 2,
    "SMALLSERIAL": 2,
    "MEDIUMINT": 3,
    "UMEDIUMINT": 3,
    "INT": 4,
    "UINT": 4,
    "SERIAL": 4,
    "BIGINT": 8,
    "UBIGINT": 8,
    "BIGSERIAL": 8,
}
DATETIME_NAMES = ("TIMESTAMP", "DATETIME", "SMALLDATETIME")


def from_datatype(data_type: object) -> SqlType:
    """A sqlglot `DataType` as a DSL type with its length, precision and enum values."""
    from sqlglot import exp

    assert isinstance(data_type, exp.DataType)
    kind = data_type.this
    name = kind.name if hasattr(kind, "name") else str(kind)
    params = [p.this for p in data_type.expressions if isinstance(p, exp.DataTypeParam)]
    numbers = [int(p.this) for p in params if isinstance(p, exp.Literal) and not p.is_string]
    if kind == exp.DataType.Type.ENUM or name.startswith("ENUM"):
        values = [e.this for e in data_type.expressions if isinstance(e, exp.Literal)]
        return SqlType("string", enum_values=values)
    if kind == exp.DataType.Type.USERDEFINED:
        user = data_type.args.get("kind")
        user_name = getattr(user, "name", user)
        return SqlType("string", user_type=str(user_name) if user_name is not None else None)
    if name in ("BOOLEAN", "BIT"):
        return SqlType("bool")
    if kind in exp.DataType.INTEGER_TYPES or name in INT_BYTES:
        if name == "TINYINT" and numbers == [1]:
            return SqlType("int", int_bytes=1, note="TINYINT(1) read as a 0/1 flag")
        unsigned = kind in exp.DataType.UNSIGNED_INTEGER_TYPES or name.startswith("U")
        return SqlType("int", int_bytes=INT_BYTES.get(name, 8), unsigned=unsigned)
    if name in ("DECIMAL", "NUMERIC", "MONEY", "SMALLMONEY", "DECIMAL32", "DECIMAL64", "UDECIMAL"):
        precision = numbers[0] if numbers else None
        scale = numbers[1] if len(numbers) > 1 else (0 if numbers else None)
        if scale == 0 and precision is not None and precision <= 18:
            # NUMERIC(10) / Oracle's NUMBER(10): whole numbers (and keys)
            return SqlType("int", precision=precision, unsigned=name == "UDECIMAL")
        return SqlType("float", precision=precision, scale=scale, unsigned=name == "UDECIMAL")
    if kind in exp.DataType.REAL_TYPES or kind in exp.DataType.FLOAT_TYPES:
        return SqlType("float")
    if name == "DATE" or name == "DATE32":
        return SqlType("date")
    if any(name.startswith(n) for n in DATETIME_NAMES):
        return SqlType("datetime")
    if name == "UUID":
        return SqlType("string", length=36, special="uuid")
    if name in ("JSON", "JSONB"):
        return SqlType("string", special="json")
    if name in ("TIME", "TIMETZ"):
        return SqlType("string", special="time")
    if kind in exp.DataType.TEXT_TYPES or name in ("CHAR", "NCHAR", "VARCHAR", "NVARCHAR"):
        return SqlType("string", length=numbers[0] if numbers else None)
    return SqlType("string", note=f"type {data_type.sql()} generated as text")


def parse_type(text: str, dialect: str | None = None) -> SqlType:
    """A type name from a catalogue (`character varying(40)`, `DECIMAL(8,2)`)."""
    import sqlglot
    from sqlglot import exp

    try:
        data_type = exp.DataType.build(text, dialect=dialect)
    except (sqlglot.errors.ParseError, ValueError):
        return SqlType("string", note=f"type {text} generated as text")
    return from_datatype(data_type)
