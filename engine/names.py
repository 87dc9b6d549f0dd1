"""Names a command's --help and shell completion show, in a module that imports nothing.

`datagen generate --help` lists the corruption profiles, `datagen ddl --help` the
SQL dialects, `datagen eval --help` the default seed: importing the modules that
use them (numpy, pyarrow, the DSL) would cost a second per TAB. Those modules
take the names from here, so there is one spelling of each.
"""

from __future__ import annotations

from typing import Literal

# corruption profiles (engine.corruption): `--profile`
PROFILES = ("clean", "realistic", "dirty")

# SQL dialects of `datagen ddl` and of the database formats (engine.ddl)
Dialect = Literal["sqlite", "duckdb", "postgres"]
DIALECTS: tuple[Dialect, ...] = ("sqlite", "duckdb", "postgres")

# the seed of a run given no --seed and a schema without its own `seed` (engine.run)
DEFAULT_SEED = 42
