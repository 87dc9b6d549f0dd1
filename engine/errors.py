"""Errors by who must act.

- `SchemaError`: the schema's author (a person or the agent) must fix the
  schema. Carries every problem at once, each with its JSON path, what was
  expected and a did-you-mean. The CLI maps it to exit code 2; the agent's
  repair prompt is rendered from the same `Problem` objects.
- `InputError`: a flag, file or directory given on the command line is wrong
  (exit code 2).
- `OutputError`: the output could not be written (disk full, read-only
  folder); the message names the path and the cause (exit code 1).
- Anything else is a bug in datagen.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    expected: str | None = None
    suggestion: str | None = None
    line: str | None = None  # "12:5" in the schema file, when read from one
    # None: an error; "warning": valid but probably not what was meant (semantic guards).
    severity: str | None = None

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"

    def render(self) -> str:
        where = f"{self.path} (line {self.line})" if self.line else self.path
        text = f"{where}: {'warning: ' if self.is_warning else ''}{self.message}"
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


class OutputError(DatagenError):
    """Writing the output failed (disk full, read-only folder...): the run failed, exit 1."""

    exit_code = 1


class SchemaError(DatagenError):
    def __init__(self, problems: Sequence[Problem], source: str | None = None):
        self.problems = list(problems)
        self.source = source
        where = f" in {source}" if source else ""
        head = f"{len(self.problems)} problem(s){where}:"
        super().__init__("\n".join([head, *("  - " + line for line in self.lines())]))

    def lines(self) -> list[str]:
        return render_problems(self.problems)


SHOWN_ALIKE = 3  # paths listed for a problem repeated at many places


def render_problems(problems: Sequence[Problem]) -> list[str]:
    """One line per distinct problem: a repeated one is printed once with a count.

    `nodes[0].columns[1].type (line 9:20): ... (and 106 more like it: nodes[0].columns[2].type, ...)`
    """
    groups: dict[tuple[str, str | None, str | None], list[Problem]] = {}
    for problem in problems:
        groups.setdefault((problem.message, problem.expected, problem.suggestion), []).append(
            problem
        )
    out = []
    for alike in groups.values():
        text = alike[0].render()
        if len(alike) > 1:
            more = [p.path + (f" (line {p.line})" if p.line else "") for p in alike[1:]]
            listed = ", ".join(more[:SHOWN_ALIKE]) + (", ..." if len(more) > SHOWN_ALIKE else "")
            text += f" (and {len(more)} more like it: {listed})"
        out.append(text)
    return out


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


def os_cause(exc: BaseException) -> str:
    """`No space left on device`: the cause of an OS error, without Arrow's or errno's noise."""
    import errno
    import os

    code = getattr(exc, "errno", None)
    if code is None:  # Arrow: "Error writing bytes to file. Detail: [errno 28] No space..."
        found = re.search(r"\[errno (\d+)\]", str(exc), re.IGNORECASE)
        code = int(found[1]) if found else None
    if isinstance(code, int) and code in errno.errorcode:
        return os.strerror(code)
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def describe_os_error(exc: OSError) -> str:
    """`cannot write /out/x.parquet: No space left on device`: the path and the cause."""
    cause = os_cause(exc)
    paths = [str(p) for p in (exc.filename, exc.filename2) if p]
    where = " -> ".join(paths) if paths else "the output"
    return f"cannot write {where}: {cause}"
