"""Eval cases: `evals/cases/*.yaml`, one case per file or a list of cases per file.

A case is a description, optional answers to the author's clarification
questions, and what the resulting schema must satisfy (`expect`), or
`expect_error: refused` for a description the author must refuse. Cases are
checked when loaded: an unknown key or a malformed expectation is an input
error naming the file and the key, never a silently ignored expectation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from datagen.engine import dsl
from datagen.engine.errors import InputError

TARGET_KINDS = tuple(dsl.Targets.model_fields)
CONSTRAINT_KINDS = tuple(dsl.Constraints.model_fields)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expect(_Strict):
    # Each entry is one table: a name, or a list of names any one of which will do.
    tables: list[str | list[str]] = Field(default_factory=list)
    # tables that must not exist: junk a field's template or a word's other sense once added
    absent_tables: list[str] = Field(default_factory=list)
    min_tables: int | None = Field(default=None, ge=0)
    min_foreign_keys: int | None = Field(default=None, ge=0)
    # table -> [min, max] planned rows (full size, not the dry run's)
    rows: dict[str, tuple[int, int]] = Field(default_factory=dict)
    columns: dict[str, list[str]] = Field(default_factory=dict)
    targets: list[str] = Field(default_factory=list)
    constraints: list[str] = Field(default_factory=list)
    min_score: float | None = Field(default=None, ge=0, le=100)
    max_repairs: int | None = Field(default=None, ge=0)
    max_clarifications: int | None = Field(default=None, ge=0)

    @field_validator("tables")
    @classmethod
    def _synonyms(cls, v: list[str | list[str]]) -> list[str | list[str]]:
        for entry in v:
            if isinstance(entry, list) and not entry:
                raise ValueError("an empty synonym list matches no table")
        return v

    @field_validator("rows")
    @classmethod
    def _ranges(cls, v: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        for table, (low, high) in v.items():
            if low < 0 or high < low:
                raise ValueError(f"rows of `{table}`: [{low}, {high}] is not a range")
        return v

    @field_validator("targets")
    @classmethod
    def _target_kinds(cls, v: list[str]) -> list[str]:
        return _known(v, TARGET_KINDS, "target")

    @field_validator("constraints")
    @classmethod
    def _constraint_kinds(cls, v: list[str]) -> list[str]:
        return _known(v, CONSTRAINT_KINDS, "constraint")

    def table_groups(self) -> list[list[str]]:
        return [[t] if isinstance(t, str) else list(t) for t in self.tables]


class ExpectedClaim(_Strict):
    """A claim the extractor must find: a phrase of the description and its kind."""

    text: str = Field(min_length=1, description="a phrase of the description, as written")
    kind: dsl.ClaimKind
    # when the claim is bound, its binding (table, column, filter) must name one of these
    # words: 'lead time of 30 days' measured on `nights` is a lie, not a pass
    bound_to: list[str] = Field(default_factory=list)


class Case(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = Field(min_length=1)
    # question key -> answer; a key matches a question whose text contains it
    answers: dict[str, str] = Field(default_factory=dict)
    expect: Expect = Expect()  # frozen: one shared default is safe
    expect_error: Literal["refused"] | None = None
    # the claims the description states (extraction recall; honoured on the dry run's data)
    expected_claims: list[ExpectedClaim] = Field(default_factory=list)
    source: str = ""  # where the case was read from, for messages

    @model_validator(mode="after")
    def _phrases_in_description(self) -> Case:
        text = " ".join(self.description.lower().split())
        missing = [
            c.text for c in self.expected_claims if " ".join(c.text.lower().split()) not in text
        ]
        if missing:
            raise ValueError(f"expected_claims phrase(s) not in the description: {missing}")
        return self


def _known(values: list[str], kinds: tuple[str, ...], what: str) -> list[str]:
    unknown = [v for v in values if v not in kinds]
    if unknown:
        raise ValueError(f"unknown {what} kind(s) {unknown}; expected any of {list(kinds)}")
    return values


def case_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if path.is_file():
        return [path]
    raise InputError(f"--cases {path}: no such file or directory")


def load_cases(path: str | Path, only: list[str] | None = None) -> list[Case]:
    """Every case under `path` (a directory or one file), in file order; ids must be unique."""
    cases: list[Case] = []
    for file in case_files(Path(path)):
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise InputError(f"{file}: not valid YAML: {exc}") from None
        entries = data if isinstance(data, list) else [data]
        for index, entry in enumerate(entries):
            where = f"{file}[{index}]" if isinstance(data, list) else str(file)
            cases.append(_case(entry, where))
    seen: dict[str, str] = {}
    for case in cases:
        if case.id in seen:
            raise InputError(
                f"case id `{case.id}` appears twice: {seen[case.id]} and {case.source}"
            )
        seen[case.id] = case.source
    if only:
        missing = sorted(set(only) - set(seen))
        if missing:
            raise InputError(f"no case with id {', '.join(missing)} under {path}")
        cases = [c for c in cases if c.id in only]
    if not cases:
        raise InputError(f"no eval cases under {path}")
    return cases


def _case(entry: Any, where: str) -> Case:
    if not isinstance(entry, dict):
        raise InputError(f"{where}: a case must be a mapping with `id` and `description`")
    try:
        case = Case.model_validate({**entry, "source": where})
    except ValidationError as exc:
        lines = [
            f"  - {'.'.join(str(p) for p in err['loc']) or '$'}: {err['msg']}"
            for err in exc.errors()
        ]
        raise InputError(f"{where}: the case is invalid:\n" + "\n".join(lines)) from None
    if case.expect_error is not None and "expect" in entry:
        raise InputError(f"{where}: give `expect` or `expect_error`, not both")
    return case
