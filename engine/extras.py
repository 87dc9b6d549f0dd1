"""Optional dependencies and the pip extra that brings each one.

The core (`pip install datagen`) generates, validates and describes offline.
An optional library missing at the moment it is needed is one line naming
the extra to install, exit code 2 (see `datagen.agent.cli`), never a traceback.
"""

from __future__ import annotations

# top-level module -> extra of pyproject.toml
EXTRAS: dict[str, str] = {
    "anthropic": "llm",
    "openai": "llm",
    "psycopg": "postgres",
    "matplotlib": "report",
    "dask": "dask",
    "distributed": "dask",
    "prompt_toolkit": "chat",
    "sqlglot": "import",
}

PURPOSES: dict[str, str] = {
    "llm": "an LLM provider",
    "postgres": "PostgreSQL",
    "report": "the HTML report",
    "dask": "--scheduler dask",
    "chat": "the interactive chat",
    "import": "datagen import",
}


def missing_extra(exc: ModuleNotFoundError) -> str | None:
    """The one-line message for an optional module that is not installed, else None."""
    module = (exc.name or "").split(".")[0]
    extra = EXTRAS.get(module)
    if extra is None:
        return None
    return (
        f"{PURPOSES[extra]} needs `{module}`, which is not installed: "
        f"pip install 'datagen[{extra}]'"
    )
