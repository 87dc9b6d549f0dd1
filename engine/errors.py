"""Errors by who must act.

- `SchemaError`: the schema's author (a person or the agent) must fix the
  schema. Carries every problem at once, each with its JSON path, what was
  expected and a did-you-mean. The CLI maps it to exit code 2; the agent's
  repair prompt is rendered from the same `Problem` objects.
- `InputError`: a flag, file or directory given on the command line is wrong
  (exit code 2).
- Anything else is a bug in datagen.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    expected: str | None = None
    suggestion: str | None = None
    # None: an error; "warning": valid but probably not what was meant (semantic guards).
    severity: str | None = None

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"

    def render(self) -> str:
        text = f"{self.path}: {'warning: ' if self.is_warning else ''}{self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        if self.suggestion:
            text += f"; did you mean `{self.suggestion}`?"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


class DatagenError(Exception):
    """Base of the errors a user (not a developer) must act on."""


class InputError(DatagenError):
    """A bad flag, path or file on the command line."""


class SchemaError(DatagenError):
    def __init__(self, problems: Sequence[Problem], source: str | None = None):
        self.problems = list(problems)
        self.source = source
        where = f" in {source}" if source else ""
        head = f"{len(self.problems)} problem(s){where}:"
        super().__init__("\n".join([head, *("  - " + p.render() for p in self.problems)]))


def did_you_mean(name: str, known: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return matches[0] if matches else None


def json_path(loc: Sequence[str | int]) -> str:
    """('nodes', 2, 'columns', 4, 'generator') -> nodes[2].columns[4].generator"""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "$"
