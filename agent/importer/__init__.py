"""`datagen import`: bring your own schema (SQL DDL or a live database) into the DSL.

    catalog = read_ddl_file("app.sql", "postgres")      # ddl.py: sqlglot
    catalog = read_database("sqlite:///app.db")          # live.py: the catalogue
    result = build_dataset(catalog, rows={"users": 500})  # build.py: generators, counts

`import_schema` does both steps; `result.dataset` always loads (it went through
the engine's own loader) and `result.assumptions` / `result.notes` say what was
guessed and what was approximated.
"""

from __future__ import annotations

from pathlib import Path

from datagen.agent.importer.build import ImportResult, build_dataset
from datagen.engine.errors import InputError

__all__ = ["ImportResult", "import_schema"]


def import_schema(
    ddl_file: str | Path | None = None,
    *,
    dialect: str | None = None,
    url: str | None = None,
    profile: bool = False,
    rows: dict[str, int] | None = None,
) -> ImportResult:
    """The DSL schema of a DDL file or of a live database (exactly one of the two)."""
    if (ddl_file is None) == (url is None):
        raise InputError("give a DDL file or --from URL (one of the two)")
    if url is not None:
        from datagen.agent.importer.live import read_database

        catalog = read_database(url, profile=profile)
    else:
        if profile:
            raise InputError("--profile reads a live database: use it with --from URL")
        from datagen.agent.importer.ddl import read_ddl_file

        assert ddl_file is not None
        catalog = read_ddl_file(ddl_file, dialect)
    return build_dataset(catalog, rows=rows)
