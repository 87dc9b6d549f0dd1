"""The example schemas shipped with datagen (package data `datagen.examples`).

`example:NAME` on the command line names one of them, e.g.
`datagen generate example:shop`.
"""

from __future__ import annotations

import json
from pathlib import Path

PREFIX = "example:"
HERE = Path(__file__).resolve().parent


def example_names() -> list[str]:
    return sorted(path.stem for path in HERE.glob("*.json"))


def example_path(name: str) -> Path | None:
    """The shipped file of example NAME, or None when there is no such example."""
    path = HERE / f"{name}.json"
    return path if name in example_names() else None


def example_summary(name: str) -> str:
    """One line: the head of the example's own description and its tables."""
    path = example_path(name)
    if path is None:
        return ""
    schema = json.loads(path.read_text(encoding="utf-8"))
    head = schema["metadata"].get("description", "")
    for stop in (": ", " (", ". "):
        head = head.split(stop, 1)[0]
    tables = [node["id"] for node in schema.get("nodes", [])]
    return f"{head.rstrip('.')} ({len(tables)} tables: {', '.join(tables)})"
