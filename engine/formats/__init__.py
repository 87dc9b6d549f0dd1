"""The output formats: one self-describing entry per format, in one registry.

A `Format` says how a run writes it (`open_sink`), how the validator and the
HTML report read it back (`open_tables`), its file extension, whether it is a
database and which DDL dialect that database speaks, and whether every table
lands in one file. `generate`, `validate`, `report`, `create` and `chat` all
ask this registry; nothing else lists format names. A new format is one
`register(Format(...))` call (see tests/test_formats_registry.py for a toy one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datagen.engine.errors import InputError

if TYPE_CHECKING:
    from datagen.engine import dsl
    from datagen.engine.validate.source import TableSource
    from datagen.engine.writers import Sink


@dataclass(frozen=True)
class SinkRequest:
    """What a writer factory gets: where the run writes, the schema, the run's options."""

    directory: Path  # the run's temporary directory
    dataset: dsl.Dataset
    constraints: bool = True  # False: no keys nor checks in database tables (dirty profiles)
    dsn: str | None = None


@dataclass(frozen=True)
class ReadRequest:
    """What a reader gets: the dataset's directory, its `.metadata.json` and the schema."""

    dataset: dsl.Dataset
    directory: Path
    metadata: dict[str, Any]
    dsn: str | None = None

    def recorded_file(self, table: str) -> str:
        tables = self.metadata.get("tables")
        info = tables.get(table) if isinstance(tables, dict) else None
        return str(info.get("file") or "") if isinstance(info, dict) else ""

    def written_files(self, fmt: str) -> list[str]:
        """The files `.metadata.json` lists for `fmt` (several formats in one run)."""
        formats = self.metadata.get("formats")
        files = formats.get(fmt) if isinstance(formats, dict) else None
        return [str(f) for f in files] if isinstance(files, list) else []


SinkFactory = Callable[[SinkRequest], "Sink"]
TableReader = Callable[[ReadRequest], "dict[str, TableSource]"]


@dataclass(frozen=True)
class Format:
    name: str
    summary: str  # one line for --help and docs
    open_sink: SinkFactory
    extension: str = ""  # ".parquet"; for a one-file format the file is <schema name><extension>
    open_tables: TableReader | None = None  # None: not a table format (say why in `not_tables`)
    not_tables: str = ""  # why the validator cannot read it, when open_tables is None
    is_database: bool = False
    one_file: bool = False  # every table in one file (databases, the events feed)
    remote: bool = False  # written to a server, not into --out (needs --dsn to read back)
    exact_types: bool = False  # stores the declared types exactly (type checks are strict)
    ddl_dialect: str | None = None  # the `datagen ddl --dialect` its tables are created with
    open_writer: Any = None  # a file-per-table format: its WriterFactory (engine.writers)
    filename: str = ""  # a one-file format whose file is not named after the schema

    def file_for(self, dataset: dsl.Dataset, table: str) -> str:
        """The file a table lands in ('' for a server)."""
        if self.remote:
            return ""
        if not self.one_file:
            return f"{table}{self.extension}"
        return self.filename or f"{dataset.metadata.name}{self.extension}"


_REGISTRY: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add (or replace) a format; returns it so a module can keep `FORMAT = register(...)`."""
    if not fmt.name or fmt.name != fmt.name.lower() or "," in fmt.name:
        raise ValueError(f"a format name is a lower-case word without commas: {fmt.name!r}")
    _REGISTRY[fmt.name] = fmt
    return fmt


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def format_names() -> list[str]:
    return list(_REGISTRY)


def table_format_names() -> list[str]:
    """The formats the validator and the report read."""
    return [f.name for f in _REGISTRY.values() if f.open_tables is not None]


def get_format(name: str, *, flag: str = "--format") -> Format:
    fmt = _REGISTRY.get(name.strip().lower())
    if fmt is None:
        raise InputError(f"{flag} {name!r} is not supported; choose from: {', '.join(_REGISTRY)}")
    return fmt


def readable_format(name: str, *, flag: str = "--data-format") -> Format:
    """A format the validator and report can read, or an InputError saying why not."""
    fmt = get_format(name, flag=flag)
    if fmt.open_tables is None:
        raise InputError(
            f"format `{fmt.name}` cannot be validated: {fmt.not_tables} "
            f"(readable formats: {', '.join(table_format_names())})"
        )
    return fmt


def parse_formats(text: str | list[str] | tuple[str, ...]) -> list[str]:
    """`parquet,sqlite` -> ["parquet", "sqlite"]: known names, no repeats, order kept."""
    items = text.split(",") if isinstance(text, str) else list(text)
    formats: list[str] = []
    for item in (i.strip().lower() for i in items):
        if not item:
            continue
        if item not in _REGISTRY:
            raise InputError(
                f"--format {item!r} is not supported; choose from: {', '.join(_REGISTRY)} "
                "(several at once with commas: parquet,sqlite)"
            )
        if item not in formats:
            formats.append(item)
    if not formats:
        raise InputError(f"--format is empty; choose from: {', '.join(_REGISTRY)}")
    return formats


def primary_format(formats: list[str]) -> str:
    """The format `.metadata.json` names as `format`: the first one read back from --out."""
    local = [f for f in formats if _REGISTRY[f].open_tables is not None and not _REGISTRY[f].remote]
    return local[0] if local else formats[0]


def detect_format(dataset: dsl.Dataset, directory: Path) -> str | None:
    """The first registered table format whose files are in `directory`."""
    for fmt in _REGISTRY.values():
        if fmt.open_tables is None or fmt.remote or not fmt.extension:
            continue
        if any((directory / fmt.file_for(dataset, node.id)).is_file() for node in dataset.nodes):
            return fmt.name
    return None


from datagen.engine.formats import builtin as _builtin  # noqa: E402  (registers the built-ins)

del _builtin
