"""docs/llm.md says what the commands do: its flags exist with the defaults it gives, its
command lines parse, its variables are read by the code."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from datagen.agent.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "llm.md").read_text()


def _table(heading: str) -> list[list[str]]:
    section = DOC.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [ln for ln in section.splitlines() if ln.startswith("| `")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows]


def _command(name: str) -> click.Command:
    command = main.get_command(click.Context(main), name)  # type: ignore[attr-defined]
    assert command is not None, name
    return command


def _options(command: click.Command) -> dict[str, click.Parameter]:
    return {o: p for p in command.params for o in getattr(p, "opts", [])}


def test_every_flag_of_the_table_exists_with_the_default_it_gives() -> None:
    rows = _table("Flags and environment")
    flags = [row for row in rows if row[0].startswith("`--")]
    assert len(flags) >= 9
    create = _options(_command("create"))
    provider_flags = ("--provider", "--model", "--base-url", "--max-tokens", "--timeout", "--plan")
    for flag, default, _meaning in flags:
        name = flag.strip("`").split()[0]
        assert name in create, name
        if name in provider_flags:
            for other in ("chat", "eval"):
                assert name in _options(_command(other)), (other, name)
        numbers = re.findall(r"^(\d+(?:\.\d+)?)", default)
        if numbers:  # the default the table states is the one the flag has (or its help says)
            param = create[name]
            shown = param.default if param.default is not None else param.help
            assert numbers[0] in str(shown), (name, numbers[0], shown)


def test_the_ranges_the_table_states() -> None:
    create = _options(_command("create"))
    for flag, low, high in (
        ("--max-tokens", 256, 128000),
        ("--timeout", 1, 3600),
        ("--max-repairs", 0, 10),
    ):
        kind = create[flag].type
        assert (kind.min, kind.max) == (low, high), flag  # type: ignore[attr-defined]


def test_every_variable_of_the_table_is_read_by_the_code() -> None:
    variables = [row[0] for row in _table("Flags and environment") if not row[0].startswith("`--")]
    names = [n for cell in variables for n in re.findall(r"`([A-Z_]+)`", cell)]
    assert len(names) == 7
    code = "\n".join(p.read_text() for p in (ROOT / "agent").rglob("*.py"))
    for name in names:
        assert f'"{name}"' in code, name


COMMANDS = [
    " ".join(block.replace("\\\n", " ").split())
    for block in re.findall(r"^(datagen (?:\\\n|[^\n])+)$", DOC, flags=re.M)
]


@pytest.mark.parametrize("line", COMMANDS)
def test_every_command_line_of_the_doc_parses(line: str) -> None:
    args = shlex.split(line)[1:]
    command = _command(args[0])
    with command.make_context(args[0], args[1:]) as ctx:  # parses and checks, runs nothing
        assert ctx.params


def test_the_doc_has_the_ollama_example() -> None:
    assert any("--provider openai --base-url http://localhost:11434/v1" in c for c in COMMANDS)
