"""docs/promises.md names a test for each promise: every one it names must exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_test_named_in_the_promises_exists() -> None:
    text = (ROOT / "docs" / "promises.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\btest_[a-z0-9_]+", text))
    tests = ROOT / "tests"
    modules = {p.stem for p in tests.glob("test_*.py")}
    source = "\n".join(p.read_text(encoding="utf-8") for p in tests.glob("test_*.py"))
    missing = sorted(n for n in named if n not in modules and f"def {n}(" not in source)
    assert len(named) > 30
    assert not missing, f"docs/promises.md names tests that do not exist: {missing}"
