"""The worked examples of docs/dsl.md that tests run: a ```json block right after a
`<!-- test: NAME -->` line."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent.parent / "docs" / "dsl.md"


def doc_example(name: str) -> dict[str, Any]:
    """The schema of the docs' worked example `name` (fails when it is missing)."""
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(rf"<!-- test: {re.escape(name)} -->\s*```json\n(.*?)\n```", text, re.S)
    assert match, f"docs/dsl.md has no worked example `{name}`"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def write_doc_example(name: str, folder: Path) -> Path:
    path = folder / f"{name}.json"
    path.write_text(json.dumps(doc_example(name)), encoding="utf-8")
    return path
